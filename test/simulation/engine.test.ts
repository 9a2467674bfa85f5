import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import { compileModel } from '../../src/simulation/model.ts';
import { expectedCost } from '../../src/simulation/oracle.ts';
import { type EnginePlan, type ProjectionRequest, runProjectionInline, simulateProjectionRuns } from '../../src/simulation/projection.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { fourStateModel, threeStateModel, twoStateModel } from '../helpers/small-models.ts';

const plan = (startState: number, extra: Partial<EnginePlan> = {}): EnginePlan => ({
  startState,
  moves: [],
  interventions: [],
  statePrices: [],
  currentPlacementWeeklyPrice: null,
  ...extra,
});

/** |MC mean - oracle| must be within 4 standard errors (plus a penny a month for rounding to pence). */
function meetsOracle(t: { ok(condition: boolean, message: string): unknown }, label: string, mc: { mean: number; se: number }, exact: number, months: number) {
  const tolerance = 4 * mc.se + 0.01 * months;
  t.ok(Math.abs(mc.mean - exact) <= tolerance, `${label}: MC ${mc.mean.toFixed(2)} ± ${mc.se.toFixed(2)} vs exact ${exact.toFixed(2)}`);
}

t.test('the Monte Carlo mean meets the exact expectation on several models', async (t) => {
  const cases: Array<{ name: string; spec: ReturnType<typeof twoStateModel>; request: ProjectionRequest }> = [
    {
      name: 'two states, 10 years',
      spec: twoStateModel(0.03),
      request: { clock: { startYear: 2026, startMonth: 9 }, ageMonths: 60, months: 120, plans: [plan(0)], parameterUncertainty: false },
    },
    {
      name: 'three states with a birthday rule',
      spec: threeStateModel(),
      request: { clock: { startYear: 2026, startMonth: 1 }, ageMonths: 3, plans: [plan(1)], parameterUncertainty: false },
    },
    {
      name: 'four states, events, within-state moves, an actual price',
      spec: fourStateModel(),
      request: { clock: { startYear: 2026, startMonth: 11 }, ageMonths: 14 * 12, plans: [plan(2, { currentPlacementWeeklyPrice: 7200 })], parameterUncertainty: false },
    },
    {
      name: 'four states with an intervention and a scheduled step-down',
      spec: fourStateModel(),
      request: {
        clock: { startYear: 2026, startMonth: 11 },
        ageMonths: 13 * 12 + 5,
        plans: [
          plan(0, {
            interventions: [{ intervention: 0, startMonth: 0 }],
            moves: [{ month: 3, to: 1, fromStates: [2] }],
            statePrices: [{ state: 1, weeklyPrice: 480 }],
          }),
        ],
        parameterUncertainty: false,
      },
    },
  ];
  // The default England model: 21 states, several birthday rules at 18, rate factors, interventions.
  const england = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));
  const englandModel = compileModel(england);
  const id = (state: string) => englandModel.stateIds.indexOf(state);
  const iv = (name: string) => englandModel.interventions.findIndex((x) => x.id === name);
  cases.push(
    {
      name: 'England: a 14-year-old on the edge of care, with MST',
      spec: england,
      request: { clock: { startYear: 2026, startMonth: 11 }, ageMonths: 14 * 12, plans: [plan(id('edge_of_care'), { interventions: [{ intervention: iv('mst'), startMonth: 0 }] })], parameterUncertainty: false },
    },
    {
      name: 'England: a 16-year-old in residential care stepping down to foster care',
      spec: england,
      request: {
        clock: { startYear: 2027, startMonth: 3 },
        ageMonths: 16 * 12 + 7,
        plans: [plan(id('residential'), { currentPlacementWeeklyPrice: 7000, moves: [{ month: 2, to: id('inhouse_foster'), fromStates: null }], interventions: [{ intervention: iv('therapeutic_step_down'), startMonth: 2 }] })],
        parameterUncertainty: false,
      },
    },
    {
      name: 'England: a care leaver of 18 with a guardian mentor',
      spec: england,
      request: { clock: { startYear: 2026, startMonth: 4 }, ageMonths: 18 * 12 + 1, plans: [plan(id('independent_neet'), { interventions: [{ intervention: iv('guardian_mentor'), startMonth: 1 }] })], parameterUncertainty: false },
    },
  );
  for (const { name, spec, request } of cases) {
    const model = compileModel(spec);
    const exact = expectedCost(model, request);
    const result = runProjectionInline(model, request, 20_000, 4242);
    const mc = result.plans[0];
    const months = exact.byMonth.length;
    meetsOracle(t, `${name}: total cash`, mc.total.cash, exact.total.cash, months);
    meetsOracle(t, `${name}: total discounted`, mc.total.discounted, exact.total.discounted, months);
    exact.byFinancialYear.forEach((year, f) => {
      meetsOracle(t, `${name}: ${year.financialYear}`, mc.byFinancialYear[f].cash, year.cash, 12);
    });
    meetsOracle(t, `${name}: months in care`, mc.outcomes.monthsInCare, exact.monthsInCare, 0);
    meetsOracle(t, `${name}: placement moves`, mc.outcomes.placementMoves, exact.placementMoves, 0);
  }
});

t.test('an age-limited unit cost in the engine, worked by hand', async (t) => {
  // q = 1 from a start at 131 months: month 0 in A (free before 11), then B: nothing to pay.
  // q = 0 from 131 months for 3 months: months 1 and 2 in A at £100: £200 in every run.
  const free = twoStateModel(1);
  free.unitCosts[0].minAgeYears = 11;
  const stayA = twoStateModel(0);
  stayA.unitCosts[0].minAgeYears = 11;
  const req = { clock: { startYear: 2026, startMonth: 5 }, ageMonths: 131, months: 3, plans: [plan(0)], parameterUncertainty: true };
  t.equal(runProjectionInline(compileModel(free), req, 50, 3).plans[0].total.cash.max, 0);
  const paid = runProjectionInline(compileModel(stayA), req, 50, 3).plans[0];
  t.equal(paid.total.cash.min, 200);
  t.equal(paid.total.cash.max, 200);
  t.same(paid.byAgeYear.map((a) => [a.age, a.cash.mean]), [[10, 0], [11, 200]]);
});

t.test('a deterministic chain gives the exact figure in every run', async (t) => {
  // q = 1: A for month 0 only, then B forever. Every run costs exactly £100.
  const model = compileModel(twoStateModel(1));
  const result = runProjectionInline(model, { clock: { startYear: 2026, startMonth: 4 }, ageMonths: 0, months: 24, plans: [plan(0)], parameterUncertainty: true }, 500, 1);
  t.equal(result.plans[0].total.cash.min, 100);
  t.equal(result.plans[0].total.cash.max, 100);
  t.equal(result.plans[0].total.cash.se, 0);
});

t.test('same seed, same bits; another seed, other numbers; neither chunks nor threads matter', async (t) => {
  const model = compileModel(fourStateModel());
  const request: ProjectionRequest = {
    clock: { startYear: 2026, startMonth: 11 },
    ageMonths: 14 * 12,
    plans: [plan(2, { currentPlacementWeeklyPrice: 6500 }), plan(2, { moves: [{ month: 3, to: 1, fromStates: null }] })],
    parameterUncertainty: true,
  };
  const a = simulateProjectionRuns(model, request, 99, 0, 300);
  const b = simulateProjectionRuns(model, request, 99, 0, 300);
  // Compared as bytes (tap's deep diff of megabytes of numbers is needlessly slow).
  const bytes = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  t.ok(bytes(a.vectors).equals(bytes(b.vectors)), 'identical bits');
  const c = simulateProjectionRuns(model, request, 100, 0, 300);
  t.notOk(bytes(a.vectors).equals(bytes(c.vectors)), 'a different seed differs');
  // Runs 100-199 computed alone equal the same runs computed inside a bigger chunk.
  const middle = simulateProjectionRuns(model, request, 99, 100, 200);
  const width = a.vectors.length / 300;
  t.ok(bytes(middle.vectors).equals(bytes(a.vectors.slice(100 * width, 200 * width))), 'a run does not depend on its chunk');
  const inline = runProjectionInline(model, request, 600, 99);
  for (const threads of [0, 1, 2]) {
    const pool = new SimulationPool(threads);
    const pooled = await pool.projection('four-state', fourStateModel(), request, 600, 99);
    await pool.close();
    t.equal(JSON.stringify(pooled), JSON.stringify(inline), `${threads} worker threads: identical summaries`);
  }
});

t.test('paired comparison: mean of differences equals difference of means', async (t) => {
  const model = compileModel(fourStateModel());
  const request: ProjectionRequest = {
    clock: { startYear: 2026, startMonth: 11 },
    ageMonths: 14 * 12,
    plans: [plan(2, { currentPlacementWeeklyPrice: 6500 }), plan(2, { moves: [{ month: 3, to: 1, fromStates: null }], statePrices: [{ state: 1, weeklyPrice: 520 }] })],
    parameterUncertainty: true,
  };
  const result = runProjectionInline(model, request, 4000, 7);
  const [current, stepDown] = result.plans;
  const comparison = result.comparisons[0];
  const differenceOfMeans = current.total.discounted.mean - stepDown.total.discounted.mean;
  // Both means are rounded to the penny, so they may differ by a penny.
  t.ok(Math.abs(comparison.discounted.saving.mean - differenceOfMeans) <= 0.011, 'mean saving = difference of means');
  t.ok(comparison.discounted.saving.mean > 0, 'stepping down from residential saves money');
  t.ok(comparison.discounted.probabilityCheaper > 0.8, `cheaper in ${comparison.discounted.probabilityCheaper} of runs`);
  // Common random numbers: the paired difference varies far less than the totals themselves.
  t.ok(comparison.discounted.saving.sd < current.total.discounted.sd, 'paired spread is smaller than a plan’s spread');
});

const planArbitrary = fc.record({
  startState: fc.integer({ min: 0, max: 3 }),
  ageYears: fc.integer({ min: 8, max: 20 }),
  stepDownMonth: fc.integer({ min: 1, max: 36 }),
  price: fc.integer({ min: 0, max: 12_000 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
});

t.test('properties of every run', async (t) => {
  const spec = fourStateModel();
  const model = compileModel(spec);
  const request = (p: { startState: number; ageYears: number; stepDownMonth: number; price: number }): ProjectionRequest => ({
    clock: { startYear: 2026, startMonth: 6 },
    ageMonths: p.ageYears * 12,
    plans: [
      plan(p.startState, { currentPlacementWeeklyPrice: p.price }),
      plan(p.startState, { moves: [{ month: p.stepDownMonth, to: 1, fromStates: null }], interventions: [{ intervention: 0, startMonth: 0 }] }),
    ],
    parameterUncertainty: true,
  });

  fc.assert(
    fc.property(planArbitrary, (p) => {
      const result = runProjectionInline(model, request(p), 40, p.seed);
      for (const r of result.plans) {
        const s = r.total.cash;
        // Quantiles are ordered and costs never negative.
        if (!(s.min >= 0 && s.p5 <= s.p10 && s.p10 <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p95 && s.p95 <= s.max)) return false;
        if (r.total.discounted.max > s.max + 1e-6) return false;
      }
      return true;
    }),
    { numRuns: 40 },
  );
  t.pass('quantiles ordered, costs non-negative, discounting never adds');

  fc.assert(
    fc.property(planArbitrary, fc.double({ min: 1, max: 3, noNaN: true }), (p, factor) => {
      // Raising a unit cost never lowers any run's total.
      const higher = structuredClone(spec);
      const fee = higher.unitCosts.find((c) => c.id === 'resi_fee');
      if (!fee || typeof fee.amount === 'number' || fee.amount.type !== 'lognormal') return false;
      fee.amount.mean *= factor;
      const low = simulateProjectionRuns(model, request(p), p.seed, 0, 30);
      const high = simulateProjectionRuns(compileModel(higher), request(p), p.seed, 0, 30);
      const width = low.vectors.length / 30;
      const size = width / 2;
      for (let r = 0; r < 30; r++) {
        for (let k = 0; k < 2; k++) {
          const base = r * width + k * size;
          let lowTotal = 0;
          let highTotal = 0;
          // costFyAgency is the first block of the layout.
          for (let i = 0; i < 6 * 2 * 20 && i < size; i++) {
            lowTotal += low.vectors[base + i];
            highTotal += high.vectors[base + i];
          }
          // Weekly prices scaled to calendar days are held to 1/64 of a penny a month, and an
          // actual price's difference from the fee is a second such figure: rounding may go
          // either way by under 1/64 of a penny a month (3 pence over 15 years).
          if (highTotal < lowTotal - 3) return false;
        }
      }
      return true;
    }),
    { numRuns: 25 },
  );
  t.pass('a higher unit cost never lowers a run');

  fc.assert(
    fc.property(planArbitrary, (p) => {
      // An intervention with multiplier 1 and no cost changes nothing.
      const neutral = structuredClone(spec);
      const mst = neutral.interventions?.[0];
      if (!mst) return false;
      mst.cost = { durationMonths: 5, agency: 'childrens_social_care' };
      mst.effects = [{ from: ['edge'], to: ['@looked_after'], multiplier: 1 }];
      const neutralModel = compileModel(neutral);
      const without: ProjectionRequest = { clock: { startYear: 2026, startMonth: 6 }, ageMonths: p.ageYears * 12, plans: [plan(p.startState)], parameterUncertainty: true };
      const withIt: ProjectionRequest = { ...without, plans: [plan(p.startState, { interventions: [{ intervention: 0, startMonth: 0 }] })] };
      const a = runProjectionInline(neutralModel, without, 30, p.seed);
      const b = runProjectionInline(neutralModel, withIt, 30, p.seed);
      return (
        JSON.stringify(a.plans[0].total) === JSON.stringify(b.plans[0].total) &&
        JSON.stringify(a.plans[0].outcomes) === JSON.stringify(b.plans[0].outcomes)
      );
    }),
    { numRuns: 25 },
  );
  t.pass('a neutral intervention changes nothing');

  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 200 }), (seed, ageMonths) => {
      // A chain that starts in an absorbing zero-cost state costs nothing.
      const m = compileModel(twoStateModel(0.2));
      const result = runProjectionInline(m, { clock: { startYear: 2026, startMonth: 1 }, ageMonths, plans: [plan(1)], parameterUncertainty: true }, 20, seed);
      return result.plans[0].total.cash.max === 0 && result.plans[0].outcomes.monthsInCare.mean === 0;
    }),
    { numRuns: 30 },
  );
  t.pass('an absorbing zero-cost start costs nothing');
});
