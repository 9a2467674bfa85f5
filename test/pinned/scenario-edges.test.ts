import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { simulateCohortRuns } from '../../src/simulation/cohort.ts';
import { simulatePlacesRuns } from '../../src/simulation/places.ts';
import { modelFor } from '../../src/simulation/worker.ts';
import { StreamPurpose, Xoshiro128, streamPrefix } from '../../src/simulation/random.ts';
import {
  APPRAISAL_CONVENTIONS,
  ENTRANT_KEY_BASE,
  MAX_ENTRANTS_PER_GROUP_YEAR,
  type PreparedScenario,
  appendEntrants,
  drawEntrants,
  prepareScenario,
  samplePoisson,
  scenarioShards,
  simulateScenarioShard,
  strategyModelSpec,
} from '../../src/simulation/scenario.ts';
import { eventModel } from './helpers.ts';

/**
 * src/simulation/scenario.ts (issue 13, mutation testing): a scenario turned into engine work,
 * field by field on the event model with an edge-of-care service `keep` (£2,000 one-off,
 * health), and the entrant draw against a reference written out here. Each test names what it
 * pins; survivors no input can tell apart are in test/pinned/MUTATION-SURVIVORS.md.
 */

const EDGE = 0;
const CARE = 1;

function investModel(): CostModelSpec {
  const spec = eventModel(0);
  spec.id = 'scenario-edges';
  spec.interventions = [
    { id: 'keep', label: 'Keep at home', eligibility: { states: ['edge'] }, cost: { oneOff: 2000, durationMonths: 0, agency: 'health' }, effectDurationMonths: 360, effects: [{ from: ['edge'], to: ['care'], multiplier: 0 }], source: 'test' },
  ] as CostModelSpec['interventions'];
  return spec;
}

function fullScenario(): ScenarioSpec {
  return {
    id: 's',
    version: '1.0.0',
    name: 'S',
    model: { id: 'scenario-edges' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 2,
    lifetimeYears: 3,
    entrants: [{ fromYears: 10, toYears: 12, population: [1000, 2000], ratePer10000: 50, startingStates: { edge: 1, care: 0 } }],
    rateChanges: [{ from: ['edge'], to: ['care'], multiplier: 0.5, startYear: '2027-28' }],
    capacity: [{ state: 'care', places: [2, 3], overflowTo: 'edge', waiting: true }],
    strategy: {
      name: 'X',
      interventions: [{ id: 'keep', capacityPerYear: [1, 4], startYear: '2027-28', oneOffPrice: 3000 }],
      unitPriceChanges: [{ unitCost: 'care_fee', multiplier: 2 }],
      capacityChanges: [{ state: 'care', additionalPlaces: [-5, 1] }],
      rateChanges: [{ from: ['care'], to: ['edge'], multiplier: 2, label: 'home' }],
      investment: [
        { year: '2027-28', agency: 'health', amount: 12.345, label: 'x' },
        { year: '2027-28', agency: 'health', amount: 1, label: 'y' },
      ],
    },
  } as ScenarioSpec;
}

const members = [
  { ageMonths: 144, state: 'edge', weeklyPrice: 500 },
  { ageMonths: -3, state: 'care', weeklyPrice: 700, placementsEarlierThisYear: 2 },
  { ageMonths: 100, state: 'care', weeklyPrice: 800, placementsEarlierThisYear: 1 },
];
const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (_, v) => (v instanceof Uint8Array || v instanceof Float64Array ? Array.from(v) : v)));

t.test('prepareScenario: request, people, entrants, investment', async (t) => {
  const p = prepareScenario(fullScenario(), investModel(), members, { baseKey: 'b', seed: 3, runs: 4, parameterUncertainty: false });
  t.same(plain(p.request), { clock: { startYear: 2026, startMonth: 4 }, months: 36, parameterUncertainty: false });
  t.same([p.planningYears, p.lifetimeYears, p.appraisal, p.firstYear, p.seed, p.runs], [2, 3, 'continuing_demand', 2026, 3, 4]);
  // The edge is no placement: its price is dropped. Born 3 months in: age 0 from month 3, no
  // history. On record in care: its price and its earlier placements.
  t.same(plain(p.people), [
    { ageMonths: 144, offset: 0, startState: EDGE, key: 0, currentPlacementWeeklyPrice: null, plans: [{ moves: [], interventions: [] }, { moves: [], interventions: [] }] },
    { ageMonths: 0, offset: 3, startState: CARE, key: 1, currentPlacementWeeklyPrice: 700, plans: [{ moves: [], interventions: [] }, { moves: [], interventions: [] }] },
    { ageMonths: 100, offset: 0, startState: CARE, key: 2, currentPlacementWeeklyPrice: 800, placementsEarlierThisYear: 1, plans: [{ moves: [], interventions: [] }, { moves: [], interventions: [] }] },
  ]);
  // 1,000 × 50 / 10,000 = 5, then 2,000 → 10, carried to the third (continuing demand); the
  // zero share of care is left out.
  t.same(plain(p.entrants), [{ band: 0, fromMonths: 120, toMonths: 144, expectedByYear: [5, 10, 10], starting: [{ state: EDGE, share: 1 }] }]);
  // £12.345 → 1,235 pence (rounded) + £1 = 1,335 pence, health (agency 2), 2027-28 (year 1).
  t.same(p.investmentPence, [[0, 0, 0, 0, 0, 0], [0, 0, 1335, 0, 0, 0], [0, 0, 0, 0, 0, 0]]);
  t.equal(p.funding, undefined);
  // Defaults: 5 planning years, 20 lifetime, continuing demand, parameter uncertainty on.
  // (No limits or services here: planning them over 20 years is slow and beside the point.)
  const bare = { ...fullScenario(), planningYears: undefined, lifetimeYears: undefined, capacity: undefined, strategy: { name: 'B' } } as unknown as ScenarioSpec;
  const d = prepareScenario(bare, investModel(), [], { baseKey: 'b', seed: 1, runs: 1 });
  t.same([d.planningYears, d.lifetimeYears, d.request.months, d.request.parameterUncertainty, d.entrants[0].expectedByYear.length], [5, 20, 240, true, 20]);
  // A closed cohort: entrants in the planning years only.
  const closed = prepareScenario({ ...fullScenario(), appraisal: 'closed_cohort', capacity: undefined, strategy: { name: 'B' } } as unknown as ScenarioSpec, investModel(), [], { baseKey: 'b', seed: 1, runs: 1 });
  t.same([closed.appraisal, closed.entrants[0].expectedByYear], ['closed_cohort', [5, 10]]);
  t.match(APPRAISAL_CONVENTIONS.closed_cohort, /^Closed cohort/);
  t.throws(() => prepareScenario(fullScenario(), investModel(), [{ ageMonths: 1, state: 'nowhere', weeklyPrice: null }], { baseKey: 'b', seed: 1, runs: 1 }), { message: 'unknown state nowhere' });
});

t.test('prepareScenario: variants, periods, places and the planning report', async (t) => {
  const p = prepareScenario(fullScenario(), investModel(), members, { baseKey: 'b', seed: 3, runs: 4, parameterUncertainty: false });
  const [baseline, strategy] = p.variants;
  t.same([baseline.name, baseline.modelKey, strategy.name, strategy.modelKey], ['baseline', 'b', 'strategy', 'b+strategy:s@1.0.0']);
  t.same([baseline.modelSpec.unitCosts[0].amount, strategy.modelSpec.unitCosts[0].amount], [1000, 2000], 'the fee doubled in the strategy only');
  t.same([strategy.modelSpec.interventions?.[0].cost.oneOff, baseline.modelSpec.interventions?.[0].cost.oneOff], [3000, 2000]);
  const common = { name: 'common-rate-0:edge>care', from: [1, 0], to: [0, 1], multiplier: { type: 'fixed', value: 0.5 } };
  const own = { name: 'strategy-rate-0:home', from: [0, 1], to: [1, 0], multiplier: { type: 'fixed', value: 2 } };
  // The common change from 2027-28 (year 1); the strategy's from year 0. Redirect fractions as
  // planFlows gives them (expected-flows.ts, pinned on its own).
  const b = plain(baseline.slot);
  t.same([b.interventions, b.statePrices, b.offers], [[], [], undefined]);
  t.same(b.periods.map((x: { rates: unknown[] }) => x.rates), [[], [common], [common]]);
  t.same(b.periods.map((x: { redirects: Array<{ state: number; overflow: number }> }) => x.redirects.map((r) => [r.state, r.overflow])), [[[1, 0]], [[1, 0]], [[1, 0]]]);
  const s = plain(strategy.slot);
  t.same(s.interventions, [0]);
  t.same(s.periods.map((x: { rates: unknown[] }) => x.rates), [[own], [common, own], [common, own]]);
  // Offered from 2027-28: 4 places over 10 eligible arrivals a year (planned) = 0.4.
  t.same(s.offers, [{ bit: 0, probabilityByYear: [0, 0.4, 0.4], firstMonth: 12, eligible: [1, 0], minAgeMonths: 0, maxAgeMonths: 12000 }]);
  // Places: baseline 2, 3, 3 (the last carries on); strategy max(0, 2 − 5) = 0, 3 + 1, 3 + 1.
  t.same(plain(baseline.places), { priority: 'longest_waiting', limits: [{ state: CARE, overflow: EDGE, placesByYear: [2, 3, 3], waiting: true }], offers: [] });
  t.same(plain(strategy.places), {
    priority: 'longest_waiting',
    limits: [{ state: CARE, overflow: EDGE, placesByYear: [0, 4, 4], waiting: true }],
    offers: [{ bit: 0, placesByYear: [0, 4, 4], firstMonth: 12, eligible: [1, 0], minAgeMonths: 0, maxAgeMonths: 12000 }],
  });
  t.same(
    p.planning.capacity.map((c) => [c.variant, c.state, c.overflowTo, c.placesByYear]),
    [['baseline', 'care', 'edge', [2, 3, 3]], ['strategy', 'care', 'edge', [0, 4, 4]]],
  );
  t.same(plain(p.planning.offers).map((o: { intervention: string; placesByYear: number[]; probabilityByYear: number[] }) => [o.intervention, o.placesByYear, o.probabilityByYear]), [['keep', [0, 4, 4], [0, 0.4, 0.4]]]);
  t.same(scenarioShards(p), [{ kind: 'runs' }], 'shared places: whole runs');
  // Another priority, no waiting given: false.
  const youngest = { ...fullScenario(), priority: 'youngest', capacity: [{ state: 'care', places: 2, overflowTo: 'edge' }] } as ScenarioSpec;
  const y = prepareScenario(youngest, investModel(), members, { baseKey: 'b', seed: 3, runs: 4 });
  t.same([y.variants[0].places?.priority, y.variants[0].places?.limits[0].waiting], ['youngest', false]);
});

t.test('prepareScenario without limits or services: periods only where rates change; shards of people and entrants', async (t) => {
  const spec = { ...fullScenario(), capacity: undefined, rateChanges: undefined, strategy: { name: 'Y', rateChanges: [{ from: ['care'], to: ['edge'], multiplier: 2 }] } } as unknown as ScenarioSpec;
  const p = prepareScenario(spec, investModel(), members, { baseKey: 'b', seed: 3, runs: 4 });
  t.equal(p.variants[0].slot.periods, undefined, 'baseline: nothing in force');
  t.equal(p.variants[0].places, undefined);
  t.same(plain(p.variants[1].slot.periods), [0, 1, 2].map(() => ({ rates: [{ name: 'strategy-rate-0:care>edge', from: [0, 1], to: [1, 0], multiplier: { type: 'fixed', value: 2 } }], redirects: [] })));
  t.same(p.planning, { capacity: [], offers: [] });
  t.same(scenarioShards(p, 2), [{ kind: 'people', start: 0, end: 2 }, { kind: 'people', start: 2, end: 3 }, { kind: 'entrants', group: 0 }]);
  t.same(scenarioShards(p, 3), [{ kind: 'people', start: 0, end: 3 }, { kind: 'entrants', group: 0 }]);
  t.same(scenarioShards(p).length, 2, '200 a shard by default');
});

t.test('strategyModelSpec: unit prices scaled by multiplier or to a weekly price; services changed', async (t) => {
  const base = investModel();
  base.unitCosts[0].amount = { type: 'pert', min: 500, mode: 1000, max: 1500 };
  base.unitCosts.push(
    { id: 'n', label: 'N', states: ['care'], amount: { type: 'normal', mean: 100, sd: 10 }, per: 'week', agency: 'health', source: 'test' },
    { id: 'l', label: 'L', states: ['care'], amount: { type: 'lognormal', mean: 100, sd: 10 }, per: 'week', agency: 'health', source: 'test' },
    { id: 'u', label: 'U', states: ['care'], amount: { type: 'uniform', min: 10, max: 30 }, per: 'week', agency: 'health', source: 'test' },
    { id: 'tr', label: 'T', states: ['care'], amount: { type: 'triangular', min: 1, mode: 2, max: 3 }, per: 'week', agency: 'health', source: 'test' },
    { id: 'f', label: 'F', states: ['care'], amount: { type: 'fixed', value: 40 }, per: 'week', agency: 'health', source: 'test' },
  );
  const scenario = {
    ...fullScenario(),
    strategy: {
      name: 'Z',
      unitPriceChanges: [
        { unitCost: 'care_fee', multiplier: 2 },
        { unitCost: 'social_work', weeklyPrice: 600 },
        { unitCost: 'n', multiplier: 3 },
        { unitCost: 'l', multiplier: 0.5 },
        { unitCost: 'u', weeklyPrice: 40 },
        { unitCost: 'tr', multiplier: 2 },
        { unitCost: 'f', multiplier: 1.5 },
        { unitCost: 'missing', multiplier: 9 },
      ],
      interventions: [
        { id: 'keep', capacityPerYear: 1, weeklyPrice: 75, eligibleStates: ['care'], minAge: 2, maxAge: 9 },
        { id: 'missing', capacityPerYear: 1, weeklyPrice: 999 },
      ],
    },
  } as unknown as ScenarioSpec;
  const out = strategyModelSpec(base, scenario);
  t.same(
    out.unitCosts.map((c) => c.amount),
    [
      { type: 'pert', min: 1000, mode: 2000, max: 3000 },
      600,
      { type: 'normal', mean: 300, sd: 30 },
      { type: 'lognormal', mean: 50, sd: 5 },
      { type: 'uniform', min: 20, max: 60 },
      { type: 'triangular', min: 2, mode: 4, max: 6 },
      { type: 'fixed', value: 60 },
    ],
    'social work £300 → £600 (× 2); uniform mean 20 → 40 (× 2)',
  );
  t.same(out.interventions?.[0].cost, { oneOff: 2000, perWeek: 75, durationMonths: 0, agency: 'health' });
  t.same(out.interventions?.[0].eligibility, { states: ['care'], minAgeYears: 2, maxAgeYears: 9 });
  t.equal(base.unitCosts[0].amount.constructor, Object);
  t.same(base.unitCosts[1].amount, 300, 'the base spec is left as it was');
  t.same(base.interventions?.[0].eligibility, { states: ['edge'] });
  // A weekly price for a cost whose mean is 0: divided by 1e-9, not by 0.
  const zero = investModel();
  zero.unitCosts[0].amount = 0;
  const z = strategyModelSpec(zero, { ...fullScenario(), strategy: { name: 'Z', unitPriceChanges: [{ unitCost: 'care_fee', weeklyPrice: 5 }] } } as unknown as ScenarioSpec);
  t.equal(z.unitCosts[0].amount, 0);
});

t.test('samplePoisson and the entrant draw, against a reference written out here', async (t) => {
  // Knuth in pieces of at most 30, as documented.
  const reference = (mean: number, rng: Xoshiro128) => {
    let total = 0;
    let left = mean;
    while (left > 0) {
      const piece = Math.min(30, left);
      left -= piece;
      let k = 0;
      let product = rng.nextOpenDouble();
      while (product > Math.exp(-piece)) {
        k += 1;
        product *= rng.nextOpenDouble();
      }
      total += k;
    }
    return total;
  };
  for (const mean of [0, 0.5, 3, 30, 31, 75]) {
    for (let seed = 1; seed <= 4; seed++) {
      const a = new Xoshiro128().reseed(seed, 9, 9);
      const b = new Xoshiro128().reseed(seed, 9, 9);
      t.equal(samplePoisson(mean, a), reference(mean, b), `mean ${mean}, seed ${seed}`);
      t.equal(a.nextDouble(), b.nextDouble(), 'the same draws used');
    }
  }
  t.equal(samplePoisson(0, new Xoshiro128().reseed(1, 1, 1)), 0);
  t.equal(samplePoisson(-2, new Xoshiro128().reseed(1, 1, 1)), 0);

  const p = prepareScenario(fullScenario(), investModel(), members, { baseKey: 'b', seed: 3, runs: 4 });
  // Two groups: the second with three starting states, to walk the cumulative shares.
  p.entrants.push({ band: 1, fromMonths: 0, toMonths: 60, expectedByYear: [4, 6], starting: [{ state: EDGE, share: 0.3 }, { state: CARE, share: 0.5 }, { state: EDGE, share: 0.2 }] });
  const drawRef = (prepared: PreparedScenario, group: number, run: number) => {
    const band = prepared.entrants[group];
    const out: Array<{ ageMonths: number; startState: number; key: number; offset: number }> = [];
    for (let y = 0; y < band.expectedByYear.length; y++) {
      const rng = new Xoshiro128().reseed(prepared.seed, StreamPurpose.entrants, run, group * 64 + y + 1, 0);
      const count = Math.min(50_000, reference(band.expectedByYear[y], rng));
      for (let k = 0; k < count; k++) {
        const r = new Xoshiro128().reseed(prepared.seed, StreamPurpose.entrants, run, group * 64 + y + 1, k + 1);
        const month = Math.floor(r.nextDouble() * 12);
        const ageMonths = band.fromMonths + Math.floor(r.nextDouble() * (band.toMonths - band.fromMonths));
        const u = r.nextDouble();
        let acc = 0;
        let state = band.starting[band.starting.length - 1].state;
        for (const s of band.starting) {
          acc += s.share;
          if (u < acc) {
            state = s.state;
            break;
          }
        }
        out.push({ ageMonths, startState: state, key: 1_000_000 + (group * 32 + y) * 50_000 + k, offset: y * 12 + month });
      }
    }
    return out;
  };
  t.same([ENTRANT_KEY_BASE, MAX_ENTRANTS_PER_GROUP_YEAR], [1_000_000, 50_000]);
  t.equal(streamPrefix(3, StreamPurpose.entrants, 2), streamPrefix(3, StreamPurpose.entrants, 2));
  let states = new Set<number>();
  for (const group of [0, 1]) {
    for (const run of [0, 2]) {
      const drawn = drawEntrants(p, group, run);
      t.same(drawn.map((e) => ({ ageMonths: e.ageMonths, startState: e.startState, key: e.key, offset: e.offset })), drawRef(p, group, run), `group ${group}, run ${run}`);
      t.ok(drawn.every((e) => e.currentPlacementWeeklyPrice === null && e.plans.length === 2 && e.plans[1].moves.length === 0));
      states = new Set([...states, ...drawn.map((e) => e.startState)]);
      // Appended to a list, from a pool: the same people, the pool reused and grown.
      const pool: typeof drawn = [];
      const list = [{ ...drawn[0], key: -1 }];
      appendEntrants(p, group, run, list, pool);
      t.same(list.slice(1).map((e) => [e.ageMonths, e.startState, e.key, e.offset]), drawn.map((e) => [e.ageMonths, e.startState, e.key, e.offset]));
      t.equal(list[0].key, -1, 'the list kept');
      t.equal(pool.length, drawn.length, 'every entrant pooled');
      const again: typeof drawn = [];
      appendEntrants(p, group, run + 1, again, pool);
      t.same(again.map((e) => [e.ageMonths, e.startState, e.key, e.offset]), drawEntrants(p, group, run + 1).map((e) => [e.ageMonths, e.startState, e.key, e.offset]), 'from the pool, rewritten');
      t.ok(again.slice(0, Math.min(again.length, pool.length)).every((e, i) => e === pool[i]), 'the pool objects themselves');
      // From a later start in the pool: those before it are left alone.
      const later: typeof drawn = [];
      const marked = pool.map((e) => e.key);
      appendEntrants(p, group, run, later, pool, 1);
      t.equal(pool[0].key, marked[0], 'pool[0] untouched');
      t.same(later.map((e) => e.key), drawn.map((e) => e.key));
    }
  }
  t.same([...states].sort(), [EDGE, CARE], 'both states drawn');
});

t.test('simulateScenarioShard: people, entrants and whole runs, as the cohort and places engines give them', async (t) => {
  const spec = { ...fullScenario(), capacity: undefined, strategy: { name: 'Y', rateChanges: [{ from: ['care'], to: ['edge'], multiplier: 2 }] } } as unknown as ScenarioSpec;
  const p = prepareScenario(spec, investModel(), members, { baseKey: 'shard-b', seed: 3, runs: 2, parameterUncertainty: false });
  const variants = p.variants.map((v) => ({ model: modelFor(v.modelKey, v.modelSpec), slot: v.slot }));
  const people = simulateScenarioShard(p, { kind: 'people', start: 1, end: 3 }, 0, 2, modelFor);
  t.same(Array.from(people.vectors), Array.from(simulateCohortRuns(variants, p.request, p.people.slice(1, 3), 3, 0, 2).vectors), 'people 1 and 2');
  const entrants = simulateScenarioShard(p, { kind: 'entrants', group: 0 }, 1, 2, modelFor);
  t.same(Array.from(entrants.vectors), Array.from(simulateCohortRuns(variants, p.request, (run) => drawEntrants(p, 0, run), 3, 1, 2).vectors), 'run 1 entrants');
  t.ok(entrants.vectors.some((x) => x > 0));
  // Whole runs with shared places: everyone on record, then each run's entrants.
  const full = prepareScenario(fullScenario(), investModel(), members, { baseKey: 'shard-f', seed: 3, runs: 2, parameterUncertainty: false });
  const fv = full.variants.map((v) => ({ model: modelFor(v.modelKey, v.modelSpec), slot: v.slot, places: v.places ?? { limits: [], offers: [], priority: 'longest_waiting' as const } }));
  const runs = simulateScenarioShard(full, { kind: 'runs' }, 0, 2, modelFor);
  const expected = simulatePlacesRuns(fv, full.request, (run) => [...full.people, ...drawEntrants(full, 0, run)], 3, 0, 2, full.people.length);
  t.same(Array.from(runs.vectors), Array.from(expected.vectors), 'vectors');
  t.same(Array.from((runs as typeof expected).places), Array.from(expected.places), 'place figures');
  t.equal(runs.personMonths, expected.personMonths);
  // A baseline without places under a strategy with them: the baseline gets none.
  const half = { ...full, variants: [{ ...full.variants[0], places: undefined }, full.variants[1]] };
  const h = simulateScenarioShard(half, { kind: 'runs' }, 0, 1, modelFor) as typeof expected;
  const hv = [{ ...fv[0], places: { limits: [], offers: [], priority: 'longest_waiting' as const } }, fv[1]];
  t.same(Array.from(h.places), Array.from(simulatePlacesRuns(hv, full.request, (run) => [...full.people, ...drawEntrants(full, 0, run)], 3, 0, 1, full.people.length).places));
});
