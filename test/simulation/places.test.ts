import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { validateScenario } from '../../src/catalog/validate-scenario.ts';
import { cohortLayout } from '../../src/simulation/cohort.ts';
import { LIMIT_FIELDS, LimitStat, type PlacesChunk } from '../../src/simulation/places.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { type PreparedScenario, type ScenarioMember, prepareScenario, scenarioShards, simulateScenarioShard } from '../../src/simulation/scenario.ts';
import { modelFor } from '../../src/simulation/worker.ts';

/**
 * Places held in every run (issue 15, src/simulation/places.ts). Bounded for CI: a few dozen
 * people, a few runs, a few fast-check examples each.
 */

const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));
const childStates = ['edge_of_care', 'cin_cp', 'inhouse_foster', 'ifa_foster', 'residential', 'kinship_foster'];

function scenario(extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    id: 'places-test',
    version: '1.0.0',
    name: 'Places',
    model: { id: 'england-default' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 3,
    lifetimeYears: 4,
    strategy: { name: 'Nothing' },
    ...extra,
  };
}

const memberArbitrary = fc.record({ ageYears: fc.integer({ min: 0, max: 16 }), state: fc.constantFrom(...childStates) });
const toMember = (m: { ageYears: number; state: string }): ScenarioMember => ({ ageMonths: m.ageYears * 12 + 3, state: m.state, weeklyPrice: null });

function runAll(prepared: PreparedScenario): PlacesChunk {
  const [shard] = scenarioShards(prepared);
  return simulateScenarioShard(prepared, shard, 0, prepared.runs, modelFor) as PlacesChunk;
}

t.test('occupancy never exceeds capacity in any run and month, and the kernel counts the same people', async (t) => {
  fc.assert(
    fc.property(
      fc.array(memberArbitrary, { minLength: 5, maxLength: 40 }),
      fc.integer({ min: 0, max: 8 }),
      fc.boolean(),
      fc.constantFrom('longest_waiting', 'highest_cost', 'youngest'),
      fc.integer({ min: 0, max: 1e9 }),
      (raw, places, waiting, priority, seed) => {
        // People on record keep their places: start with at most `places` in the limited state.
        let inLimited = 0;
        const members = raw.map(toMember).map((m) => (m.state === 'inhouse_foster' && ++inLimited > places ? { ...m, state: 'cin_cp' } : m));
        const spec = scenario({
          capacity: [{ state: 'inhouse_foster', places, overflowTo: 'ifa_foster', waiting }],
          priority: priority as ScenarioSpec['priority'],
          entrants: [{ fromYears: 0, toYears: 17, population: 2000, ratePer10000: 40, startingStates: { inhouse_foster: 0.5, cin_cp: 0.5 } }],
        });
        const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed, runs: 3 });
        const chunk = runAll(prepared);
        const model = modelFor(prepared.variants[0].modelKey, prepared.variants[0].modelSpec);
        const layout = cohortLayout(model, prepared.request);
        const months = prepared.request.months;
        const state = model.stateIds.indexOf('inhouse_foster');
        for (let r = 0; r < 3; r++) {
          for (let v = 0; v < 2; v++) {
            const at = (r * 2 + v) * chunk.placesWidth;
            for (let m = 0; m < months; m++) if (chunk.places[at + m] > places) return false;
            // Each March (month 11, 23, ...: the clock starts in April) the kernel's own count of
            // people in the state equals the shared count.
            const base = (r * 2 + v) * layout.size + layout.endOfYearState;
            for (let fy = 0; fy * 12 + 11 < months; fy++) {
              if (chunk.vectors[base + fy * model.nStates + state] !== chunk.places[at + fy * 12 + 11]) return false;
            }
          }
        }
        return true;
      },
    ),
    { numRuns: 8 },
  );
  t.pass('within capacity in every run and month');
});

t.test('capacity larger than any demand gives the same numbers as no limit', async (t) => {
  fc.assert(
    fc.property(fc.array(memberArbitrary, { minLength: 3, maxLength: 25 }), fc.integer({ min: 0, max: 1e9 }), (raw, seed) => {
      const members = raw.map(toMember);
      const entrants: ScenarioSpec['entrants'] = [{ fromYears: 5, toYears: 15, population: 1000, ratePer10000: 50, startingStates: { inhouse_foster: 0.5, cin_cp: 0.5 } }];
      const free = prepareScenario(scenario({ entrants }), england, members, { baseKey: 'england', seed, runs: 2 });
      const limited = prepareScenario(scenario({ entrants, capacity: [{ state: 'inhouse_foster', places: 100_000, overflowTo: 'ifa_foster', waiting: true }] }), england, members, {
        baseKey: 'england',
        seed,
        runs: 2,
      });
      // No limit: the usual shards of people and entrant bands, summed.
      const sum = new Float64Array(runAll(limited).vectors.length);
      for (const shard of scenarioShards(free)) {
        const part = simulateScenarioShard(free, shard, 0, 2, modelFor);
        for (let i = 0; i < sum.length; i++) sum[i] += part.vectors[i];
      }
      const shared = runAll(limited);
      return shared.vectors.every((x, i) => x === sum[i]);
    }),
    { numRuns: 6 },
  );
  t.pass('identical, element by element (costs, outcomes, states)');
});

t.test('adding cheaper places never raises expected spend', async (t) => {
  // In-house foster care is cheaper than agency foster care, its overflow. Spend is compared on
  // common random numbers over 40 runs: the paired mean difference must not exceed three of its
  // standard errors (a test at about 1 in 700 by chance for a true difference of 0).
  const runs = 40;
  fc.assert(
    fc.property(fc.array(memberArbitrary, { minLength: 10, maxLength: 30 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 1e9 }), (raw, places, extra, seed) => {
      const members = raw.map(toMember).map((m) => (m.state === 'inhouse_foster' ? { ...m, state: 'ifa_foster' } : m));
      const spend = (n: number) => {
        const prepared = prepareScenario(scenario({ capacity: [{ state: 'inhouse_foster', places: n, overflowTo: 'ifa_foster', waiting: true }] }), england, members, { baseKey: 'england', seed, runs });
        const model = modelFor(prepared.variants[0].modelKey, prepared.variants[0].modelSpec);
        const layout = cohortLayout(model, prepared.request);
        const chunk = runAll(prepared);
        return Array.from({ length: runs }, (_, r) => {
          let total = 0;
          for (let s = 0; s < model.nStates; s++) total += chunk.vectors[r * 2 * layout.size + layout.costState + s];
          return total;
        });
      };
      const fewer = spend(places);
      const more = spend(places + extra);
      const d = more.map((x, r) => x - fewer[r]);
      const mean = d.reduce((a, b) => a + b, 0) / runs;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1));
      return mean <= 3 * (sd / Math.sqrt(runs)) + 1e-6;
    }),
    { numRuns: 4 },
  );
  t.pass('no rise beyond three standard errors');
});

t.test('identical results on 1, 2 and 4 threads', async (t) => {
  const members: ScenarioMember[] = Array.from({ length: 16 }, (_, i) => ({ ageMonths: 12 * (i % 16) + 2, state: childStates[i % childStates.length], weeklyPrice: null }));
  const spec = scenario({
    capacity: [{ state: 'inhouse_foster', places: 4, overflowTo: 'ifa_foster', waiting: true }],
    strategy: { name: 'Step-down', interventions: [{ id: 'therapeutic_step_down', capacityPerYear: 2, eligibleStates: ['residential'] }] },
  });
  const hashes: string[] = [];
  for (const threads of [1, 2, 4]) {
    const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed: 7, runs: 260 });
    const pool = new SimulationPool(threads);
    try {
      const result = await pool.scenario(prepared);
      hashes.push(createHash('sha256').update(JSON.stringify(result)).digest('hex'));
    } finally {
      await pool.close();
    }
  }
  t.equal(hashes[1], hashes[0], '2 threads as 1');
  t.equal(hashes[2], hashes[0], '4 threads as 1');
});

t.test('3 places over 3 years, 8 eligible children in residential care: every place is used whenever a child is still eligible', async (t) => {
  const members: ScenarioMember[] = Array.from({ length: 8 }, (_, i) => ({ ageMonths: 12 * (10 + (i % 3)) + i, state: 'residential', weeklyPrice: null }));
  const spec = scenario({
    planningYears: 3,
    lifetimeYears: 3,
    appraisal: 'closed_cohort',
    strategy: { name: 'Step-down', interventions: [{ id: 'therapeutic_step_down', capacityPerYear: 1, eligibleStates: ['residential'] }] },
  });
  t.equal(validateScenario(spec, england).ok, true, 'a valid scenario');
  const runs = 60;
  const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed: 11, runs });
  const chunk = runAll(prepared);
  const model = modelFor(prepared.variants[1].modelKey, prepared.variants[1].modelSpec);
  const layout = cohortLayout(model, prepared.request);
  const resi = model.stateIds.indexOf('residential');
  let checked = 0;
  let allThree = 0;
  for (let r = 0; r < runs; r++) {
    const at = (r * 2 + 1) * chunk.placesWidth;
    const used = [0, 1, 2].map((y) => chunk.places[at + y]);
    t.ok(used.every((u) => u <= 1), `run ${r}: at most one start a year`);
    const eoy = (r * 2 + 1) * layout.size + layout.endOfYearState;
    // Year y has a child still eligible and unserved on 1 April when more than y children are in
    // residential care on 31 March before (at most y of them were served).
    const eligible = [8, chunk.vectors[eoy + resi], chunk.vectors[eoy + model.nStates + resi]];
    for (let y = 0; y < 3; y++) {
      if (eligible[y] > y) {
        checked++;
        if (used[y] !== 1) t.fail(`run ${r} year ${y + 1}: ${eligible[y]} in residential care, ${used[y]} places used`);
      }
    }
    if (used[0] + used[1] + used[2] === 3) allThree++;
  }
  t.ok(checked >= runs, `${checked} run-years checked`);
  t.ok(allThree >= runs * 0.9, `all 3 places used in ${allThree} of ${runs} runs`);
  // The kernel delivered exactly the places given.
  const delivered = Array.from({ length: runs }, (_, r) => chunk.vectors[(r * 2 + 1) * layout.size + layout.delivered + model.interventions.findIndex((iv) => iv.id === 'therapeutic_step_down')]);
  t.same(
    delivered,
    Array.from({ length: runs }, (_, r) => [0, 1, 2].reduce((a, y) => a + chunk.places[(r * 2 + 1) * chunk.placesWidth + y], 0)),
    'delivered = places used, run by run',
  );
});

t.test('a waiting child is placed when a place frees up', async (t) => {
  // 2 places, 2 children already in them, 6 more arriving as entrants over the years, waiting.
  const members: ScenarioMember[] = [
    { ageMonths: 16 * 12, state: 'inhouse_foster', weeklyPrice: null },
    { ageMonths: 16 * 12 + 6, state: 'inhouse_foster', weeklyPrice: null },
  ];
  const spec = scenario({
    capacity: [{ state: 'inhouse_foster', places: 2, overflowTo: 'ifa_foster', waiting: true }],
    entrants: [{ fromYears: 2, toYears: 8, population: 3000, ratePer10000: 20, startingStates: { inhouse_foster: 1 } }],
  });
  const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed: 3, runs: 20 });
  const chunk = runAll(prepared);
  const months = prepared.request.months;
  let placedAfterWaiting = 0;
  for (let r = 0; r < 20; r++) {
    const at = r * 2 * chunk.placesWidth;
    const counts = at + 2 * months;
    placedAfterWaiting += chunk.places[counts + LimitStat.placedFromWaiting];
    // The two on record leave by 18 (within 2 years): their places go to those waiting.
    if (chunk.places[counts + LimitStat.waited] > 0) t.ok(chunk.places[counts + LimitStat.monthsWaited] > 0, `run ${r}: months waited counted`);
    // A child waits in the overflow state, so every month waited is an overflow month (a waiting
    // child refused again once lost the rest of their overflow months: found in review).
    if (chunk.places[counts + LimitStat.overflowMonths] < chunk.places[counts + LimitStat.monthsWaited]) {
      t.fail(`run ${r}: ${chunk.places[counts + LimitStat.overflowMonths]} overflow months, fewer than ${chunk.places[counts + LimitStat.monthsWaited]} months waited`);
    }
    for (let m = 0; m < months; m++) if (chunk.places[at + m] > 2) t.fail(`run ${r} month ${m}: over capacity`);
  }
  t.ok(placedAfterWaiting > 0, `${placedAfterWaiting} placed after waiting`);
  t.equal(LIMIT_FIELDS, 6);
});

t.test('an overflow state with its own limit is refused', async (t) => {
  const spec = scenario({
    capacity: [
      { state: 'inhouse_foster', places: 2, overflowTo: 'ifa_foster' },
      { state: 'ifa_foster', places: 2, overflowTo: 'residential' },
    ],
  });
  const checked = validateScenario(spec, england);
  t.ok(!checked.ok && checked.errors.some((e) => e.field === '/capacity/0/overflowTo'), 'names the field');
});

t.test('highest_cost ranks children by what the engine charges for them: their own weekly price, not the model price of their state', async (t) => {
  // One commissioned place in the year, two eligible children on record from month 0:
  //   A, 10 years old, in residential care at an own price of £1,000 a week;
  //   B, 14 years old, in IFA foster care at an own price of £9,000 a week.
  // By the model's prices A ranks first: the residential fee is at least £281,669 a year
  // (£5,417 a week, the PERT minimum) against an IFA fee of at most £1,368 a week, and the other
  // lines differ by at most CAMHS (£3,068 a year, £59 a week), whatever the run's draws and
  // uprating (a factor of at most about 1.3 on either). By their own prices B ranks first:
  // £9,000 against £1,000 a week, the same non-fee lines as above. So B is served in every run.
  // Who was served shows in the cost by age year: the service's cost is booked at the child's
  // age (10 for A, 14 for B throughout the 12 months), and the other child's trajectory draws
  // the same numbers in both variants, so their age year costs the same in both.
  const members: ScenarioMember[] = [
    { ageMonths: 10 * 12, state: 'residential', weeklyPrice: 1000 },
    { ageMonths: 14 * 12, state: 'ifa_foster', weeklyPrice: 9000 },
  ];
  const spec = scenario({
    planningYears: 1,
    lifetimeYears: 1,
    priority: 'highest_cost',
    strategy: { name: 'Step-down', interventions: [{ id: 'therapeutic_step_down', capacityPerYear: 1, eligibleStates: ['residential', 'ifa_foster'] }] },
  });
  t.equal(validateScenario(spec, england).ok, true, 'a valid scenario');
  const runs = 20;
  const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed: 5, runs });
  const chunk = runAll(prepared);
  const model = modelFor(prepared.variants[1].modelKey, prepared.variants[1].modelSpec);
  const layout = cohortLayout(model, prepared.request);
  const iv = model.interventions.findIndex((x) => x.id === 'therapeutic_step_down');
  let servedB = 0;
  for (let r = 0; r < runs; r++) {
    const baseline = r * 2 * layout.size;
    const strategy = (r * 2 + 1) * layout.size;
    t.equal(chunk.places[(r * 2 + 1) * chunk.placesWidth], 1, `run ${r}: the year's one place is given`);
    t.equal(chunk.vectors[strategy + layout.costAge + 10], chunk.vectors[baseline + layout.costAge + 10], `run ${r}: A (age 10) is not served`);
    // B is served unless they left the eligible states in the month the service would start.
    if (chunk.vectors[strategy + layout.delivered + iv] === 1) {
      servedB++;
      t.ok(chunk.vectors[strategy + layout.costAge + 14] > chunk.vectors[baseline + layout.costAge + 14], `run ${r}: B (age 14) carries the service's cost`);
    }
  }
  t.ok(servedB >= runs * 0.8, `B served in ${servedB} of ${runs} runs`);
});
