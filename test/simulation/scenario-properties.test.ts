import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { validateScenario } from '../../src/catalog/validate-scenario.ts';
import { simulateCohortRuns } from '../../src/simulation/cohort.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { type ScenarioMember, prepareScenario, simulateScenarioShard } from '../../src/simulation/scenario.ts';
import { modelFor } from '../../src/simulation/worker.ts';

const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));
const states = ['edge_of_care', 'cin_cp', 'inhouse_foster', 'ifa_foster', 'residential', 'kinship_foster', 'independent_neet', 'supported_lodgings'];

const memberArbitrary = fc.record({
  ageYears: fc.integer({ min: -1, max: 23 }),
  state: fc.constantFrom(...states),
  price: fc.option(fc.integer({ min: 300, max: 9000 }), { nil: null }),
});

function fitAge(m: { ageYears: number; state: string; price: number | null }): ScenarioMember {
  // Keep each state within its ages (care leaver states from 18, children's states below it).
  const leaver = m.state === 'independent_neet' || m.state === 'supported_lodgings';
  const age = leaver ? Math.max(18, m.ageYears) : Math.min(17, m.ageYears);
  return { ageMonths: age * 12 + 5, state: m.state, weeklyPrice: m.price };
}

function scenario(extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    id: 'test-scenario',
    version: '1.0.0',
    name: 'Test',
    model: { id: 'england-default' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 3,
    lifetimeYears: 6,
    strategy: { name: 'Nothing' },
    ...extra,
  };
}

t.test('a cohort total equals the sum of its people’s totals, run by run, to the penny', async (t) => {
  fc.assert(
    fc.property(fc.array(memberArbitrary, { minLength: 2, maxLength: 12 }), fc.integer({ min: 0, max: 1e9 }), (raw, seed) => {
      const members = raw.map(fitAge);
      const prepared = prepareScenario(scenario(), england, members, { baseKey: 'england', seed, runs: 4 });
      const variants = prepared.variants.map((v) => ({ model: modelFor(v.modelKey, v.modelSpec), slot: v.slot }));
      const whole = simulateCohortRuns(variants, prepared.request, prepared.people, seed, 0, 4);
      const sum = new Float64Array(whole.vectors.length);
      for (const person of prepared.people) {
        const alone = simulateCohortRuns(variants, prepared.request, [person], seed, 0, 4);
        for (let i = 0; i < sum.length; i++) sum[i] += alone.vectors[i];
      }
      return whole.vectors.every((x, i) => x === sum[i]);
    }),
    { numRuns: 15 },
  );
  t.pass('identical, element by element');
});

t.test('a strategy that changes nothing saves exactly nothing in every run', async (t) => {
  const members = Array.from({ length: 30 }, (_, k) => fitAge({ ageYears: 8 + (k % 12), state: states[k % states.length], price: 800 + k * 50 }));
  const spec = scenario({
    entrants: [{ fromYears: 10, toYears: 16, population: 20000, ratePer10000: 20, startingStates: { cin_cp: 0.7, edge_of_care: 0.3 } }],
    capacity: [{ state: 'inhouse_foster', places: 12, overflowTo: 'ifa_foster' }],
  });
  t.ok(validateScenario(spec, england).ok);
  const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed: 7, runs: 60 });
  const pool = new SimulationPool(0);
  const result = await pool.scenario(prepared);
  const npv = result.investToSave.netPresentValue;
  t.equal(npv.min, 0, 'no run saves anything');
  t.equal(npv.max, 0, 'no run costs anything');
  for (const year of result.spend.byYear) t.equal(year.saving.max - year.saving.min, 0, `${year.financialYear}: zero saving in every run`);
});

t.test('more capacity at a lower price never raises spend', async (t) => {
  // In-house foster care is cheaper than agency care; adding in-house places, with overflow to
  // agency care, must not raise expected spend. Paired runs (common random numbers).
  const members = Array.from({ length: 60 }, (_, k) => fitAge({ ageYears: 4 + (k % 13), state: ['inhouse_foster', 'ifa_foster', 'cin_cp', 'edge_of_care'][k % 4], price: null }));
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 1e9 }), async (places, extra, seed) => {
      const spec = scenario({
        capacity: [{ state: 'inhouse_foster', places, overflowTo: 'ifa_foster' }],
        strategy: { name: 'More carers', capacityChanges: [{ state: 'inhouse_foster', additionalPlaces: extra }] },
      });
      const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed, runs: 40 });
      const result = await new SimulationPool(0).scenario(prepared);
      const saving = result.spend.planningTotal.saving;
      // Expected spend may not rise: the mean saving is at least zero, within 4 standard errors.
      return saving.mean >= -4 * saving.se;
    }),
    { numRuns: 8 },
  );
  t.pass('never raises expected spend');
});

t.test('one shard or many: the same vectors', async (t) => {
  const members = Array.from({ length: 9 }, (_, k) => fitAge({ ageYears: 6 + k, state: states[k % states.length], price: 1000 }));
  const spec = scenario({ entrants: [{ fromYears: 12, toYears: 16, population: 10000, ratePer10000: 15, startingStates: { edge_of_care: 1 } }] });
  const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed: 3, runs: 5 });
  const all = simulateScenarioShard(prepared, { kind: 'people', start: 0, end: 9 }, 0, 5, modelFor);
  const parts = [simulateScenarioShard(prepared, { kind: 'people', start: 0, end: 4 }, 0, 5, modelFor), simulateScenarioShard(prepared, { kind: 'people', start: 4, end: 9 }, 0, 5, modelFor)];
  t.ok(all.vectors.every((x, i) => x === parts[0].vectors[i] + parts[1].vectors[i]), 'people split in two add up exactly');
  const entrants = simulateScenarioShard(prepared, { kind: 'entrants', group: 0 }, 0, 5, modelFor);
  const entrantsLater = simulateScenarioShard(prepared, { kind: 'entrants', group: 0 }, 2, 5, modelFor);
  const width = entrants.vectors.length / 5;
  t.ok(entrantsLater.vectors.every((x, i) => x === entrants.vectors[2 * width + i]), 'a run’s entrants do not depend on the chunk');
});

t.test('a scenario gives identical results on 1, 2 and 4 worker threads', async (t) => {
  const members = Array.from({ length: 50 }, (_, k) => fitAge({ ageYears: 3 + (k % 15), state: states[k % states.length], price: 700 + k * 40 }));
  const spec = scenario({
    entrants: [{ fromYears: 10, toYears: 16, population: 15000, ratePer10000: 25, startingStates: { cin_cp: 0.6, edge_of_care: 0.4 } }],
    capacity: [{ state: 'inhouse_foster', places: 10, overflowTo: 'ifa_foster' }],
    strategy: { name: 'MST and more carers', interventions: [{ id: 'mst', capacityPerYear: 5 }], capacityChanges: [{ state: 'inhouse_foster', additionalPlaces: 5 }] },
  });
  const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed: 11, runs: 600 });
  const results: string[] = [];
  for (const threads of [1, 2, 4]) {
    const pool = new SimulationPool(threads);
    results.push(JSON.stringify(await pool.scenario(prepared)));
    await pool.close();
  }
  t.equal(results[1], results[0], '2 threads = 1 thread');
  t.equal(results[2], results[0], '4 threads = 1 thread');
  t.ok(JSON.parse(results[0]).interventions[0].delivered.mean > 0, 'the strategy does something');
});
