import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import { Simulator as BaselineSimulator } from '../../src/bench/baseline/engine.ts';
import { expectedCost as expectedCostBaseline } from '../../src/bench/baseline/oracle.ts';
import { simulateProjectionRunsBaseline, summariseChunkBaseline } from '../../src/bench/baseline/projection.ts';
import { summarize as summarizeBaseline } from '../../src/bench/baseline/summary.ts';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { financialYearCount } from '../../src/finance/financial-year.ts';
import { type Distribution, PreparedQuantiles, quantileOf } from '../../src/simulation/distributions.ts';
import { type PersonPlan, type PlanSlot, Simulator } from '../../src/simulation/engine.ts';
import { metricLayout } from '../../src/simulation/layout.ts';
import { type SimulationModel, compileModel } from '../../src/simulation/model.ts';
import { expectedCost } from '../../src/simulation/oracle.ts';
import { summarize } from '../../src/simulation/summary.ts';
import { type ProjectionRequest, projectionChunk, projectionLayout, reportedMomentSpans, simulateProjectionRuns, summariseChunk } from '../../src/simulation/projection.ts';
import { fourStateModel, threeStateModel } from '../helpers/small-models.ts';

/**
 * The kernel was rewritten for speed (issue 19) on the promise that every random draw and every
 * figure stays the same. The frozen copy of the kernel before the rewrite (src/bench/baseline)
 * is the reference: for random people, plans, strategies (rate changes by year, capacity
 * redirects, offered interventions), clocks, seeds and runs, both kernels must produce the same
 * result vectors and parameter values, bit for bit.
 */

const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));
const models: Array<{ name: string; model: SimulationModel }> = [
  { name: 'england', model: compileModel(england) },
  { name: 'four states', model: compileModel(fourStateModel()) },
  { name: 'three states', model: compileModel(threeStateModel()) },
];

const distribution: fc.Arbitrary<Distribution> = fc.oneof(
  fc.record({ type: fc.constant('fixed' as const), value: fc.double({ min: 0, max: 2, noNaN: true }) }),
  fc.record({ type: fc.constant('lognormal' as const), mean: fc.double({ min: 0.2, max: 2, noNaN: true }), sd: fc.double({ min: 0, max: 0.6, noNaN: true }) }),
  fc.record({ type: fc.constant('normal' as const), mean: fc.double({ min: -0.5, max: 2, noNaN: true }), sd: fc.double({ min: 0, max: 0.6, noNaN: true }) }),
  fc.tuple(fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true })).map(([a, b]) => ({ type: 'uniform' as const, min: Math.min(a, b), max: Math.max(a, b) })),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([a, b, c]) => {
      const [min, mode, max] = [a, b, c].sort((x, y) => x - y);
      return { type: 'triangular' as const, min: min * 2, mode: mode * 2, max: max * 2 };
    }),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([a, b, c]) => {
      const [min, mode, max] = [a, b, c].sort((x, y) => x - y);
      return { type: 'pert' as const, min: min * 2, mode: mode * 2, max: max * 2, lambda: 4 };
    }),
);

const mask = (n: number) => fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((bits) => Uint8Array.from(bits, (b) => (b ? 1 : 0)));

interface Case {
  modelIndex: number;
  uncertainty: boolean;
  clock: { startYear: number; startMonth: number };
  slot: PlanSlot;
  people: PersonPlan[];
  seed: number;
  runs: number[];
}

function caseFor(modelIndex: number): fc.Arbitrary<Case> {
  const model = models[modelIndex].model;
  const nS = model.nStates;
  const nI = model.interventions.length;
  const state = fc.integer({ min: 0, max: nS - 1 });
  const slotInterventions = nI === 0 ? fc.constant([] as number[]) : fc.uniqueArray(fc.integer({ min: 0, max: nI - 1 }), { maxLength: Math.min(3, nI) });
  return fc
    .record({
      uncertainty: fc.boolean(),
      clock: fc.record({ startYear: fc.constant(2026), startMonth: fc.integer({ min: 1, max: 12 }) }),
      interventions: slotInterventions,
      statePrices: fc.array(fc.record({ state, weeklyPrice: fc.integer({ min: 0, max: 8000 }) }), { maxLength: 2 }),
      periods: fc.option(
        fc.array(
          fc.record({
            rates: fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c'), from: mask(nS), to: mask(nS), multiplier: distribution }), { maxLength: 2 }),
            redirects: fc.array(fc.record({ state, overflow: state, fraction: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 2 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        { nil: undefined },
      ),
      offerFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      offerFirst: fc.integer({ min: 0, max: 30 }),
      offerEligible: mask(nS),
      withOffers: fc.boolean(),
      people: fc.array(
        fc.record({
          ageMonths: fc.integer({ min: 0, max: model.horizonAgeMonths - 1 }),
          startState: state,
          offset: fc.integer({ min: 0, max: 30 }),
          months: fc.integer({ min: 1, max: 320 }),
          moves: fc.array(fc.record({ month: fc.integer({ min: 1, max: 60 }), to: state, fromStates: fc.option(mask(nS), { nil: null }) }), { maxLength: 3 }),
          starts: fc.array(fc.record({ bit: fc.integer({ min: 0, max: 2 }), startMonth: fc.integer({ min: 0, max: 40 }) }), { maxLength: 2 }),
          price: fc.option(fc.integer({ min: 300, max: 9000 }), { nil: null }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      seed: fc.integer({ min: 0, max: 2 ** 40 }),
      runs: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 3 }),
    })
    .map((c) => {
      const bits = c.interventions.length;
      const slot: PlanSlot = { interventions: c.interventions, statePrices: c.statePrices };
      if (c.periods) slot.periods = c.periods;
      if (c.withOffers && bits > 0) {
        slot.offers = [{ bit: bits - 1, probabilityByYear: Float64Array.of(c.offerFraction, 1 - c.offerFraction), firstMonth: c.offerFirst, eligible: c.offerEligible, minAgeMonths: 12 * 10, maxAgeMonths: 12 * 17 }];
      }
      const people: PersonPlan[] = c.people.map((p, key) => ({
        ageMonths: p.ageMonths,
        startState: p.startState,
        key,
        offset: p.offset,
        months: p.months,
        moves: [...p.moves].sort((a, b) => a.month - b.month),
        interventions: bits === 0 ? [] : p.starts.map((s) => ({ slotIndex: s.bit % bits, startMonth: s.startMonth })),
        currentPlacementWeeklyPrice: p.price,
      }));
      return { modelIndex, uncertainty: c.uncertainty, clock: c.clock, slot, people, seed: c.seed, runs: c.runs };
    });
}

function simulateWith(kind: 'current' | 'baseline', c: Case): { vectors: Float64Array[]; parameters: Float64Array[] } {
  const model = models[c.modelIndex].model;
  const months = Math.max(...c.people.map((p) => p.months));
  const layout = metricLayout({
    nFinancialYears: Math.max(1, financialYearCount(c.clock.startYear, c.clock.startMonth, months)),
    nAgencies: model.agencies.length,
    nStates: model.nStates,
    nAgeYears: Math.ceil(model.horizonAgeMonths / 12),
    nInterventions: model.interventions.length,
  });
  const Kernel = kind === 'current' ? Simulator : BaselineSimulator;
  const simulator = new Kernel(model, layout, c.clock, { parameterUncertainty: c.uncertainty });
  const slot = simulator.addSlot(c.slot);
  const vectors: Float64Array[] = [];
  const parameters: Float64Array[] = [];
  for (const run of c.runs) {
    const out = new Float64Array(layout.size);
    simulator.beginRun(c.seed, run);
    for (const person of c.people) simulator.simulate(slot, person, out, 0);
    simulator.flush(slot, out, 0);
    vectors.push(out);
    parameters.push(Float64Array.from(simulator.parameterValues));
  }
  return { vectors, parameters };
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

for (let m = 0; m < models.length; m++) {
  t.test(`${models[m].name}: the kernel gives the frozen kernel's results bit for bit`, async (t) => {
    fc.assert(
      fc.property(caseFor(m), (c) => {
        const now = simulateWith('current', c);
        const before = simulateWith('baseline', c);
        return now.vectors.every((v, k) => sameBits(v, before.vectors[k])) && now.parameters.every((p, k) => sameBits(p, before.parameters[k]));
      }),
      { numRuns: 300, seed: 19 + m },
    );
    t.pass('300 random cases agree');
  });
}

t.test('a cohort of 300 on the default model, 5 runs: identical vectors', async (t) => {
  const model = models[0].model;
  const people: PersonPlan[] = Array.from({ length: 300 }, (_, key) => ({
    ageMonths: (key * 37) % (24 * 12),
    startState: key % model.nStates,
    key,
    months: 25 * 12,
    moves: [],
    interventions: [],
    currentPlacementWeeklyPrice: model.isPlacement[key % model.nStates] ? 1000 + key : null,
  }));
  const c: Case = { modelIndex: 0, uncertainty: true, clock: { startYear: 2026, startMonth: 4 }, slot: { interventions: [0, 3], statePrices: [] }, people, seed: 7, runs: [0, 1, 2, 3, 4] };
  const now = simulateWith('current', c);
  const before = simulateWith('baseline', c);
  t.ok(
    now.vectors.every((v, k) => sameBits(v, before.vectors[k])),
    'every run',
  );
  t.ok(now.vectors[0].some((x) => x !== 0), 'something was simulated');
});

t.test('prepared quantiles give quantileOf exactly, for every kind of distribution', async (t) => {
  fc.assert(
    fc.property(fc.array(distribution, { minLength: 1, maxLength: 5 }), fc.double({ min: 0, max: 1, noNaN: true, minExcluded: true, maxExcluded: true }), fc.constantFrom(0, Number.NEGATIVE_INFINITY), (ds, u, floor) => {
      const prepared = new PreparedQuantiles(ds, floor);
      return ds.every((d, i) => Object.is(prepared.at(i, u), quantileOf(d, u, floor)));
    }),
    { numRuns: 300, seed: 190 },
  );
  t.pass('300 random distributions and levels');
});

t.test('a projection chunk, folded run by run, equals the frozen kernel and summaries', async (t) => {
  const model = models[0].model;
  const id = (state: string) => model.stateIds.indexOf(state);
  const stay = { startState: id('residential'), moves: [], interventions: [], statePrices: [], currentPlacementWeeklyPrice: 6800 };
  const request: ProjectionRequest = {
    clock: { startYear: 2026, startMonth: 11 },
    ageMonths: 14 * 12 + 3,
    plans: [
      stay,
      { ...stay, moves: [{ month: 3, to: id('inhouse_foster'), fromStates: null }], interventions: [{ intervention: 3, startMonth: 3 }] },
      { ...stay, moves: [{ month: 24, to: id('supported_accommodation'), fromStates: null }], statePrices: [{ state: id('supported_accommodation'), weeklyPrice: 1900 }] },
    ],
    parameterUncertainty: true,
  };
  const now = projectionChunk(model, request, 42, 100, 160);
  const unfused = summariseChunk(model, request, simulateProjectionRuns(model, request, 42, 100, 160));
  const before = summariseChunkBaseline(model, request, simulateProjectionRunsBaseline(model, request, 42, 100, 160));
  t.ok(sameBits(now.kept, unfused.kept), 'unfused: the same headline series');
  t.ok(sameBits(now.moments, unfused.moments), 'unfused: the same means and variances');
  t.ok(sameBits(now.parameterSums, unfused.parameterSums), 'unfused: the same parameter sums');
  t.ok(sameBits(now.kept, before.kept), 'frozen: the same headline series');
  t.ok(sameBits(now.parameterSums, before.parameterSums), 'frozen: the same parameter sums');
  // The frozen summaries kept the moments of every cell; now only the cells the result reports
  // are accumulated (reportedMomentSpans), and those must be the frozen figures bit for bit.
  const layout = projectionLayout(model, request);
  const spans = reportedMomentSpans(layout);
  const packed = 1 + 2 * layout.size;
  const inSpans = (i: number) => (i >= spans[0] && i < spans[1]) || (i >= spans[2] && i < spans[3]);
  let compared = 0;
  let outside = 0;
  for (let p = 0; p < request.plans.length; p++) {
    const at = p * packed;
    t.equal(now.moments[at], before.moments[at], `plan ${p}: the same number of runs`);
    for (let i = 0; i < layout.size; i++) {
      for (const part of [1, 1 + layout.size]) {
        const cell = at + part + i;
        if (inSpans(i)) {
          if (!Object.is(now.moments[cell], before.moments[cell])) t.fail(`plan ${p}, cell ${i}: ${now.moments[cell]} against the frozen ${before.moments[cell]}`);
          compared++;
        } else if (now.moments[cell] !== 0) outside++;
      }
    }
  }
  t.equal(compared, request.plans.length * 2 * (spans[1] - spans[0] + spans[3] - spans[2]), 'every reported cell compared with the frozen summaries');
  t.equal(outside, 0, 'cells outside the reported spans are left at zero');
  // (Position 0 of each plan's block is its count of runs; then size means, then size M2s.)
  const cellOf = (k: number) => ((k % packed) - 1) % layout.size;
  t.ok(before.moments.some((x, k) => k % packed !== 0 && x !== 0 && !inSpans(cellOf(k))), 'the frozen summaries had figures outside the spans (so the spans left some out)');
  t.ok(now.kept.some((x) => x > 0), 'costs were simulated');
});

t.test('the exact oracle without mathjs gives the frozen oracle its figures bit for bit', async (t) => {
  for (let m = 0; m < models.length; m++) {
    const model = models[m].model;
    const nS = model.nStates;
    const nI = model.interventions.length;
    fc.assert(
      fc.property(
        fc.record({
          ageMonths: fc.integer({ min: 0, max: model.horizonAgeMonths - 1 }),
          months: fc.integer({ min: 1, max: 120 }),
          startMonth: fc.integer({ min: 1, max: 12 }),
          startState: fc.integer({ min: 0, max: nS - 1 }),
          moves: fc.array(fc.record({ month: fc.integer({ min: 1, max: 40 }), to: fc.integer({ min: 0, max: nS - 1 }), fromStates: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: nS - 1 }), { maxLength: 3 }), { nil: null }) }), { maxLength: 2 }),
          interventions: nI === 0 ? fc.constant([] as Array<{ intervention: number; startMonth: number }>) : fc.array(fc.record({ intervention: fc.integer({ min: 0, max: nI - 1 }), startMonth: fc.integer({ min: 0, max: 30 }) }), { maxLength: 2 }),
          statePrices: fc.array(fc.record({ state: fc.integer({ min: 0, max: nS - 1 }), weeklyPrice: fc.integer({ min: 0, max: 8000 }) }), { maxLength: 2 }),
          price: fc.option(fc.integer({ min: 300, max: 9000 }), { nil: null }),
        }),
        (c) => {
          const request: ProjectionRequest = {
            clock: { startYear: 2026, startMonth: c.startMonth },
            ageMonths: c.ageMonths,
            months: c.months,
            plans: [{ startState: c.startState, moves: c.moves, interventions: c.interventions, statePrices: c.statePrices, currentPlacementWeeklyPrice: c.price }],
            parameterUncertainty: false,
          };
          // todaysPlacementByMonth (issue 17, the known distance) is new and not the frozen oracle's:
          // every figure the frozen oracle gives must be the same bits.
          const { todaysPlacementByMonth: _new, ...figures } = expectedCost(model, request);
          return JSON.stringify(figures) === JSON.stringify(expectedCostBaseline(model, request));
        },
      ),
      { numRuns: 25, seed: 1900 + m },
    );
  }
  t.pass('25 random plans on each model');
});

t.test('summaries: the same figures as the frozen summaries, ties and all', async (t) => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 2000 }),
        fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 2000 }),
      ),
      fc.constantFrom(1, 0.01),
      (values, scale) => JSON.stringify(summarize(values, scale)) === JSON.stringify(summarizeBaseline(values, scale)),
    ),
    { numRuns: 400, seed: 1919 },
  );
  t.pass('400 random series');
});
