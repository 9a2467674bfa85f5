import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { protectRunResult } from '../../src/services/disclosure-view.ts';
import { histogramQuantile } from '../../src/simulation/places-fold.ts';
import { LIMIT_FIELDS, LimitStat, type PlacesChunk } from '../../src/simulation/places.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { type ScenarioMember, prepareScenario, scenarioShards, simulateScenarioShard } from '../../src/simulation/scenario.ts';
import { quantileSorted } from '../../src/simulation/summary.ts';
import { modelFor } from '../../src/simulation/worker.ts';

const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));

t.test('a histogram of whole numbers gives the quantiles of sorting every value', async () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
      const counts = new Map<number, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      const sorted = Float64Array.from(values).sort();
      for (const p of [0.1, 0.5, 0.9, q]) {
        if (Math.abs(histogramQuantile(counts, values.length, p) - quantileSorted(sorted, p)) > 1e-12) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
});

t.test('the result carries each run’s place figures, summarised over runs', async (t) => {
  // 2 places, 2 children already in them, entrants arriving wanting them and waiting (places.test.ts).
  const members: ScenarioMember[] = [
    { ageMonths: 16 * 12, state: 'inhouse_foster', weeklyPrice: null },
    { ageMonths: 16 * 12 + 6, state: 'inhouse_foster', weeklyPrice: null },
  ];
  const spec: ScenarioSpec = {
    id: 'places-fold-test',
    version: '1.0.0',
    name: 'Places',
    model: { id: 'england-default' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 3,
    lifetimeYears: 4,
    strategy: { name: 'Nothing' },
    capacity: [{ state: 'inhouse_foster', places: 2, overflowTo: 'ifa_foster', waiting: true }],
    entrants: [{ fromYears: 2, toYears: 8, population: 3000, ratePer10000: 20, startingStates: { inhouse_foster: 1 } }],
  };
  const runs = 40;
  const prepared = prepareScenario(spec, england, members, { baseKey: 'england', seed: 3, runs });
  const pool = new SimulationPool(1);
  let result: Awaited<ReturnType<typeof pool.scenario>>;
  try {
    result = await pool.scenario(prepared);
  } finally {
    await pool.close();
  }
  // The same figures straight from the shard, summarised here by sorting every run.
  const chunk = simulateScenarioShard(prepared, scenarioShards(prepared)[0], 0, runs, modelFor) as PlacesChunk;
  const months = prepared.request.months;
  const capacity = result.capacity;
  if (!capacity) throw new Error('no capacity summary');
  t.equal(capacity.limits.length, 2, 'the limit, under baseline and strategy');
  t.same(
    capacity.limits.map((l) => [l.variant, l.state, l.overflowTo, l.waiting]),
    [
      ['baseline', 'inhouse_foster', 'ifa_foster', true],
      ['strategy', 'inhouse_foster', 'ifa_foster', true],
    ],
  );
  t.same(capacity.commissioned, [], 'no commissioned services');
  for (const [v, limit] of capacity.limits.entries()) {
    const at = (r: number) => (r * 2 + v) * chunk.placesWidth;
    t.equal(limit.occupancyByMonth.length, months);
    for (let m = 0; m < months; m++) {
      const occ = Float64Array.from({ length: runs }, (_, r) => chunk.places[at(r) + m]).sort();
      const shown = limit.occupancyByMonth[m];
      t.equal(shown.capacity, 2);
      if (Math.abs(shown.occupied.mean - occ.reduce((a, b) => a + b, 0) / runs) > 1e-9) t.fail(`month ${m}: mean`);
      if (shown.occupied.p10 !== quantileSorted(occ, 0.1) || shown.occupied.p90 !== quantileSorted(occ, 0.9)) t.fail(`month ${m}: P10/P90`);
      if (shown.occupied.p90 > shown.capacity) t.fail(`month ${m}: P90 over capacity`);
      const waiting = Array.from({ length: runs }, (_, r) => chunk.places[at(r) + months + m]).reduce((a, b) => a + b, 0) / runs;
      if (Math.abs(shown.waiting - waiting) > 1e-9) t.fail(`month ${m}: waiting`);
    }
    const field = (f: number) => Array.from({ length: runs }, (_, r) => chunk.places[at(r) + 2 * months + f]);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / runs;
    t.ok(Math.abs(limit.waited - mean(field(LimitStat.waited))) < 1e-9, 'children who waited');
    t.ok(Math.abs(limit.monthsWaited - mean(field(LimitStat.monthsWaited))) < 1e-9, 'months waited');
    t.ok(Math.abs(limit.refused - mean(field(LimitStat.refused))) < 1e-9, 'refused');
    t.ok(Math.abs(limit.placedFromWaiting - mean(field(LimitStat.placedFromWaiting))) < 1e-9, 'placed after waiting');
    t.ok(limit.waited > 0 && limit.monthsWaited > 0, `${limit.waited} waited, ${limit.monthsWaited} months`);
    const cost = Float64Array.from(field(LimitStat.overflowPence)).sort();
    t.equal(limit.overflowCost.p90, Math.round(quantileSorted(cost, 0.9)) / 100, 'overflow cost P90, pounds');
    t.ok(limit.overflowCost.mean > 0, 'the overflow has a cost');
  }
  t.equal(LIMIT_FIELDS, 6);

  // The board's view: occupancy counts under 5 hidden; waiting figures shown only when at least
  // 10 children were refused or waited (here about 24 waited a run), withheld below.
  const shown = protectRunResult(result, undefined);
  const limit = shown.capacity?.limits[0];
  t.equal(limit?.occupancyByMonth[0].occupied.mean, '<5', 'two children in two places: hidden');
  t.ok((result.capacity?.limits[0].waited ?? 0) >= 10);
  t.equal(limit?.waited, result.capacity?.limits[0].waited, 'many waiting: shown');
  t.same(limit?.overflowCost, result.capacity?.limits[0].overflowCost);
  const few = structuredClone(result);
  for (const l of few.capacity?.limits ?? []) Object.assign(l, { waited: 9.9, refused: 9.9 });
  const fewShown = protectRunResult(few, undefined).capacity?.limits[0];
  t.equal(fewShown?.waited, null, 'fewer than 10 waiting: withheld');
  t.equal(fewShown?.monthsWaited, null);
  t.equal(fewShown?.overflowCost, null);
  t.equal(fewShown?.occupancyByMonth[0].waiting, null);
});
