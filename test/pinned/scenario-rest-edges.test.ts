import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { type SharedPlaces, simulatePlacesRuns } from '../../src/simulation/places.ts';
import { StreamPurpose, Xoshiro128 } from '../../src/simulation/random.ts';
import { APPRAISAL_CONVENTIONS, type PreparedScenario, drawEntrants, prepareScenario, scenarioShards, simulateScenarioShard } from '../../src/simulation/scenario.ts';
import { modelFor } from '../../src/simulation/worker.ts';
import { eventModel } from './helpers.ts';

/**
 * src/simulation/scenario.ts outside prepareScenario (issue 13, mutation testing): the appraisal
 * conventions' words, the shards, the entrant draw's fallback state and the whole-run shard's
 * empty places. scenario-edges.test.ts pins the rest; each test here names the mutants (line:col,
 * change) it kills. Survivors no input can tell apart: /work/mut-mc.md, then
 * test/pinned/MUTATION-SURVIVORS.md.
 */

const EDGE = 0;
const CARE = 1;

/** The event model with an edge-of-care service (as scenario-edges.test.ts builds it). */
function investModel(): CostModelSpec {
  const spec = eventModel(0);
  spec.id = 'scenario-rest-edges';
  spec.interventions = [
    { id: 'keep', label: 'Keep at home', eligibility: { states: ['edge'] }, cost: { oneOff: 2000, durationMonths: 0, agency: 'health' }, effectDurationMonths: 360, effects: [{ from: ['edge'], to: ['care'], multiplier: 0 }], source: 'test' },
  ] as CostModelSpec['interventions'];
  return spec;
}

/** Two planning years, three in all; entrants aged 10-12 at the edge of care; a limit on care and the service `keep` in the strategy. */
function scenario(): ScenarioSpec {
  return {
    id: 's',
    version: '1.0.0',
    name: 'S',
    model: { id: 'scenario-rest-edges' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 2,
    lifetimeYears: 3,
    entrants: [{ fromYears: 10, toYears: 12, population: [1000, 2000], ratePer10000: 50, startingStates: { edge: 1, care: 0 } }],
    capacity: [{ state: 'care', places: [2, 3], overflowTo: 'edge', waiting: true }],
    strategy: { name: 'X', interventions: [{ id: 'keep', capacityPerYear: [1, 4], startYear: '2027-28', oneOffPrice: 3000 }] },
  } as ScenarioSpec;
}

const members = [
  { ageMonths: 144, state: 'edge', weeklyPrice: 500 },
  { ageMonths: 100, state: 'care', weeklyPrice: 800 },
];

t.test('the appraisal conventions in words', async (t) => {
  // Kills 60:5 (the continuing-demand text → "") and its closed-cohort twin.
  t.same(APPRAISAL_CONVENTIONS, {
    continuing_demand:
      'Demand continuing: new entrants keep arriving, at the last planning year’s population and rates, and commissioned services keep running for every year of the appraisal period.',
    closed_cohort:
      'Closed cohort: new entrants arrive in the planning years only; everyone is then followed to the end of the appraisal period, so savings fade as the group grows up.',
  });
});

t.test('shards: whole runs when either variant holds places, else people in blocks and each band', async (t) => {
  // Kills 344:7 (`variants.some` → `every`): with places in the strategy alone (or the baseline
  // alone) the work is still whole runs.
  const places: SharedPlaces = { limits: [], offers: [], priority: 'longest_waiting' };
  const prepared = (baseline: SharedPlaces | undefined, strategy: SharedPlaces | undefined) =>
    ({
      variants: [{ name: 'baseline', places: baseline }, { name: 'strategy', places: strategy }],
      people: [{}, {}, {}],
      entrants: [{}, {}],
    }) as unknown as PreparedScenario;
  t.same(scenarioShards(prepared(undefined, places)), [{ kind: 'runs' }], 'the strategy’s places alone');
  t.same(scenarioShards(prepared(places, undefined)), [{ kind: 'runs' }], 'the baseline’s alone');
  t.same(scenarioShards(prepared(places, places)), [{ kind: 'runs' }], 'both');
  t.same(scenarioShards(prepared(undefined, undefined), 2), [
    { kind: 'people', start: 0, end: 2 },
    { kind: 'people', start: 2, end: 3 },
    { kind: 'entrants', group: 0 },
    { kind: 'entrants', group: 1 },
  ]);
});

t.test('an entrant whose draw passes every starting share takes the last state', async (t) => {
  // Shares that add up to less than 1 (as rounded shares may): a draw u ≥ 0.75 passes both and
  // falls back to the last listed state. Kills 406:23 (`j < starting.length` → `<=`: the loop
  // reads past the list and throws). The draw is rebuilt from the documented streams (seed,
  // entrants, run; group × 64 + year + 1; entrant + 1): month, age, then u.
  const band = { band: 0, fromMonths: 24, toMonths: 36, expectedByYear: [40], starting: [{ state: CARE, share: 0.5 }, { state: EDGE, share: 0.25 }] };
  const p = { seed: 11, entrants: [band] } as unknown as PreparedScenario;
  const drawn = drawEntrants(p, 0, 3);
  t.ok(drawn.length > 20, `${drawn.length} entrants`);
  let fellBack = 0;
  drawn.forEach((e, k) => {
    const r = new Xoshiro128().reseed(11, StreamPurpose.entrants, 3, 1, k + 1);
    const month = Math.floor(r.nextDouble() * 12);
    const ageMonths = 24 + Math.floor(r.nextDouble() * 12);
    const u = r.nextDouble();
    if (u >= 0.75) fellBack += 1;
    t.same([e.offset, e.ageMonths, e.startState, e.key], [month, ageMonths, u < 0.5 ? CARE : EDGE, 1_000_000 + k], `entrant ${k} (u = ${u})`);
  });
  t.ok(fellBack > 0, `${fellBack} draws past both shares`);
});

t.test('whole runs: a variant without places runs with none (no limits, no services)', async (t) => {
  // The strategy offers `keep` with no limit (its place figures: one service, nFy numbers a run);
  // the baseline has no places. Kills 439:42 (`limits: []` → `["Stryker was here"]`: the
  // baseline would carry a limit, and the figures' width 2 × 36 + 6 numbers a run).
  const full = prepareScenario(scenario(), investModel(), members, { baseKey: 'rest-f', seed: 5, runs: 2, parameterUncertainty: false });
  const strategyPlaces = full.variants[1].places;
  t.ok(strategyPlaces !== undefined && strategyPlaces.offers.length === 1);
  if (strategyPlaces === undefined) return;
  const offersOnly = { ...strategyPlaces, limits: [] };
  const half: PreparedScenario = { ...full, variants: [{ ...full.variants[0], places: undefined }, { ...full.variants[1], places: offersOnly }] };
  const got = simulateScenarioShard(half, { kind: 'runs' }, 0, 2, modelFor) as ReturnType<typeof simulatePlacesRuns>;
  const none: SharedPlaces = { limits: [], offers: [], priority: 'longest_waiting' };
  const variants = half.variants.map((v, k) => ({ model: modelFor(v.modelKey, v.modelSpec), slot: v.slot, places: k === 0 ? none : offersOnly }));
  const expected = simulatePlacesRuns(variants, half.request, (run) => [...half.people, ...drawEntrants(half, 0, run)], 5, 0, 2, half.people.length);
  t.equal(got.placesWidth, 3, 'one service over three financial years');
  t.equal(expected.placesWidth, 3);
  t.same(Array.from(got.places), Array.from(expected.places), 'place figures');
  t.same(Array.from(got.vectors), Array.from(expected.vectors), 'vectors');
});
