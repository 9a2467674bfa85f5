import t, { type Test } from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { expectedCost } from '../../src/simulation/oracle.ts';
import type { EnginePlan, ProjectionRequest } from '../../src/simulation/projection.ts';
import { twoStateModel } from '../helpers/small-models.ts';
import { stay } from './helpers.ts';

/**
 * The exact oracle (src/simulation/oracle.ts) on tiny models worked by hand: state price
 * overrides, today's placement at its actual (and uplifted) price, within-state moves and their
 * event costs, rate factors, interventions (deliveries, costs, age limits, effects and their
 * ends) and planned moves (on course, from named states, out of order). Written for the
 * mutants of oracle.ts that `oracle.test.ts` never reached (npm run mutate; survivors judged
 * equivalent: test/pinned/MUTATION-SURVIVORS.md). Every expectation is worked in the comments;
 * the tolerance, 1e-9 on pounds and 1e-12 on probabilities, is far below a one-month or
 * one-factor error. Starting in April 2026, every month of 2026-27 is a standard month (365
 * days in 12 months), so a weekly price w costs w × 365/84 a month: £84 a week is £365.
 */

const base = {
  currency: 'GBP' as const,
  priceBaseYear: '2025-26',
  discounting: { periods: [{ fromYear: 0, rate: 0.035 }], source: 'test' },
  transitionSources: [{ describes: 'hand-made for tests', source: 'test' }],
  sources: { test: { title: 'Test fixture', publisher: 'pathcast tests' } },
  horizonAgeYears: 25,
  ageBands: [{ id: 'all', fromYears: 0, toYears: 25 }],
};

/** One plan that stays wherever the chain takes it (helpers.ts `stay`). */
const plan = stay;

const april = { startYear: 2026, startMonth: 4 };
const request = (plans: EnginePlan[], extra: Partial<ProjectionRequest> = {}): ProjectionRequest => ({
  clock: april,
  ageMonths: 120,
  months: 3,
  plans,
  parameterUncertainty: false,
  ...extra,
});

const close = (t: Test, actual: number, expected: number, what: string, tol = 1e-9): void => {
  t.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
};
const closeAll = (t: Test, actual: number[], expected: number[], what: string, tol = 1e-9) => {
  t.equal(actual.length, expected.length, `${what}: length`);
  for (const [i, x] of expected.entries()) close(t, actual[i], x, `${what}[${i}]`, tol);
};

/**
 * A residential placement `a` (in care) with within-placement moves half of the months it is
 * kept, left for `b` (neet, £10 a month, absorbing) at 0.2 a month. `a` costs a £100-a-month
 * fee, a £7-a-week fee and £30 a month of support (not a fee). A placement move within `a`
 * costs £50; leaving `a` costs £1,000 (the rule names `a` among its targets, but staying is
 * no move).
 */
function pricedModel(): CostModelSpec {
  return {
    ...base,
    id: 'priced',
    version: '1.0.0',
    name: 'Priced',
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care', 'residential'], placement: true, withinStatePlacementMoves: 0.5 },
      { id: 'b', label: 'B', category: 'community', flags: ['neet'], terminal: true },
    ],
    transitions: { all: { a: { a: 0.8, b: 0.2 }, b: { b: 1 } } },
    unitCosts: [
      { id: 'fee_month', label: 'Fee', states: ['a'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true },
      { id: 'fee_week', label: 'Weekly fee', states: ['a'], amount: 7, per: 'week', agency: 'childrens_social_care', source: 'test', placementFee: true },
      { id: 'support', label: 'Support', states: ['a'], amount: 30, per: 'month', agency: 'education', source: 'test' },
      { id: 'b_cost', label: 'B', states: ['b'], amount: 10, per: 'month', agency: 'welfare', source: 'test' },
    ],
    eventCosts: [
      { id: 'move', label: 'Placement move', from: ['a'], to: ['a'], amount: 50, agency: 'childrens_social_care', source: 'test', includeWithinStateMoves: true },
      { id: 'leave', label: 'Leaving', from: ['a'], to: ['a', 'b'], amount: 1000, agency: 'childrens_social_care', source: 'test' },
    ],
  };
}

t.test('a state price replaces both fees; today’s placement keeps its actual price until a move within it', async (t) => {
  // Agreed price for `a` £84 a week = £365 a month; actual price of today's placement £168 a
  // week = £730 a month. Both replace the two fees (£100 + £7 × 365/84); the £30 of support stays.
  //   a at the agreed price: 30 + 365 = £395; a in today's placement: 30 + 730 = £760; b: £10.
  // Month 0: today's placement, 1                                          → £760
  // Month 1: a stays 0.8, half of it by a move within a (0.4 at £395, 0.4 still at £760), b 0.2
  //          → 0.4 × 760 + 0.4 × 395 + 0.2 × 10 = £464; events on the way: 0.4 moves within a
  //          × £50 + 0.2 leaving × £1,000 = £220                            → £684
  // Month 2: today's placement 0.4 × 0.4 = 0.16; agreed 0.4 × 0.4 + 0.4 × 0.8 = 0.48; b 0.36
  //          → 0.16 × 760 + 0.48 × 395 + 0.36 × 10 = £314.80; events: moves within
  //          0.8 × 0.8 × 0.5 = 0.32 × £50 + leaving 0.8 × 0.2 = 0.16 × £1,000 = £176  → £490.80
  const model = compileModel(pricedModel());
  const result = expectedCost(model, request([plan(0, { statePrices: [{ state: 0, weeklyPrice: 84 }], currentPlacementWeeklyPrice: 168 })]));
  closeAll(t, result.byMonth, [760, 684, 490.8], 'byMonth');
  close(t, result.total.cash, 1934.8, 'total cash');
  // All in 2026-27, year 0: undiscounted.
  close(t, result.total.discounted, 1934.8, 'total discounted');
  close(t, result.placementMoves, 0.4 + 0.32, 'placement moves: within a only (b is no placement)', 1e-12);
  close(t, result.monthsByState.a, 1 + 0.8 + 0.64, 'months in a', 1e-12);
  close(t, result.monthsByState.b, 0.2 + 0.36, 'months in b', 1e-12);
  close(t, result.monthsInCare, 2.44, 'months in care', 1e-12);
  close(t, result.monthsResidential, 2.44, 'months residential', 1e-12);
  closeAll(t, result.stateProbabilities.flat(), [1, 0, 0.8, 0.2, 0.64, 0.36], 'state probabilities', 1e-12);
});

t.test('a state price alone; an actual price alone; neither', async (t) => {
  const model = compileModel(pricedModel());
  // Agreed price only: a costs £395 in every month, b £10; events as above.
  //   395, 0.8 × 395 + 0.2 × 10 + 220 = 538, 0.64 × 395 + 0.36 × 10 + 176 = 432.4
  const agreed = expectedCost(model, request([plan(0, { statePrices: [{ state: 0, weeklyPrice: 84 }] })]));
  closeAll(t, agreed.byMonth, [395, 538, 432.4], 'agreed price');
  // Actual price only (£730 a month): in today's placement 30 + 730 = £760; after a move within
  // a, the model's fees again: 100 + 7 × 365/84 + 30 = £160.4166…
  const model160 = 130 + (7 * 365) / 84;
  const actual = expectedCost(model, request([plan(0, { currentPlacementWeeklyPrice: 168 })]));
  closeAll(t, actual.byMonth, [760, 0.4 * 760 + 0.4 * model160 + 2 + 220, 0.16 * 760 + 0.48 * model160 + 3.6 + 176], 'actual price');
  const neither = expectedCost(model, request([plan(0)]));
  closeAll(t, neither.byMonth, [model160, 0.8 * model160 + 2 + 220, 0.64 * model160 + 3.6 + 176], 'model prices');
  // The model's amounts uprated × 2 (price base "current"): unit and event costs both double.
  const uprated = expectedCost(model, request([plan(0)], { modelCostScale: 2 }));
  closeAll(t, uprated.byMonth, [2 * model160, 2 * (0.8 * model160 + 2 + 220), 2 * (0.64 * model160 + 3.6 + 176)], 'model prices × 2');
  // A state price for b (not a placement, no fee to replace): b costs 10 + £365.
  const forB = expectedCost(model, request([plan(0, { statePrices: [{ state: 1, weeklyPrice: 84 }] })]));
  closeAll(t, forB.byMonth, [model160, 0.8 * model160 + 0.2 * 375 + 220, 0.64 * model160 + 0.36 * 375 + 176], 'state price for b');
});

t.test('moves within a placement at a rate other than a half', async (t) => {
  // The priced model with a quarter of the months kept in a ending in a move within it (so the
  // move and the stay are told apart), both prices as in the first test (£760, £395, b £10).
  // Month 1: today's 0.8 × 0.75 = 0.6, agreed 0.2, b 0.2 → 456 + 79 + 2 = £537; events
  //          0.2 × £50 + 0.2 × £1,000 = £210                                → £747
  // Month 2: today's 0.36, agreed 0.12 + 0.16 = 0.28, b 0.36 → 273.6 + 110.6 + 3.6 = £387.80;
  //          events 0.8 × 0.8 × 0.25 = 0.16 × £50 + 0.16 × £1,000 = £168     → £555.80
  const spec = pricedModel();
  spec.states[0].withinStatePlacementMoves = 0.25;
  const model = compileModel(spec);
  const result = expectedCost(model, request([plan(0, { statePrices: [{ state: 0, weeklyPrice: 84 }], currentPlacementWeeklyPrice: 168 })]));
  closeAll(t, result.byMonth, [760, 747, 555.8], 'byMonth');
  close(t, result.placementMoves, 0.2 + 0.16, 'placement moves', 1e-12);
});

t.test('state and actual prices follow the financial year’s days', async (t) => {
  // From February 2026 a month is 29.5 days: £84 a week is 84 × 29.5/7 = £354, £168 is £708.
  // Month 0 in a: agreed only 30 + 354 = £384; agreed and actual 30 + 708 = £738.
  const model = compileModel(pricedModel());
  const feb = { clock: { startYear: 2026, startMonth: 2 }, months: 1 };
  close(t, expectedCost(model, request([plan(0, { statePrices: [{ state: 0, weeklyPrice: 84 }] })], feb)).byMonth[0], 384, 'agreed price');
  close(t, expectedCost(model, request([plan(0, { statePrices: [{ state: 0, weeklyPrice: 84 }], currentPlacementWeeklyPrice: 168 })], feb)).byMonth[0], 738, 'both');
});

t.test('an actual price is ignored when the start state is no placement', async (t) => {
  // Two states, starting in b (free, absorbing): nothing is paid, whatever today's price.
  const model = compileModel(twoStateModel(0.1));
  const result = expectedCost(model, request([plan(1, { currentPlacementWeeklyPrice: 500 })]));
  closeAll(t, result.byMonth, [0, 0, 0], 'byMonth');
  t.equal(result.placementMoves, 0);
});

t.test('today’s price with an uplift on 1 April, across two financial years', async (t) => {
  // Two states, q = 0.1, from February 2026: 2025-26 has February and March, 59 days in 2
  // months (a month is 29.5 days); 2026-27 from April is standard. £100 a week until 31 March,
  // £140 from 1 April 2026 (the model's £100-a-month fee is replaced by it):
  //   month 0: 100 × 29.5/7 = £421.43; month 1: 0.9 × that; month 2: 0.81 × 140 × 365/84.
  const model = compileModel(twoStateModel(0.1));
  const result = expectedCost(model, {
    clock: { startYear: 2026, startMonth: 2 },
    ageMonths: 120,
    months: 3,
    plans: [plan(0, { currentPlacementWeeklyPrice: 100, currentPlacementPriceChanges: [{ from: '2026-04-01', weeklyPrice: 140 }] })],
    parameterUncertainty: false,
    discountPeriods: [{ fromYear: 0, rate: 0.1 }],
  });
  const feb = (100 * 29.5) / 7;
  const april26 = (0.81 * 140 * 365) / 84;
  closeAll(t, result.byMonth, [feb, 0.9 * feb, april26], 'byMonth');
  t.same(result.byFinancialYear.map((y) => y.financialYear), ['2025-26', '2026-27']);
  close(t, result.byFinancialYear[0].cash, 1.9 * feb, '2025-26 cash');
  close(t, result.byFinancialYear[0].discounted, 1.9 * feb, '2025-26 discounted (year 0)');
  close(t, result.byFinancialYear[1].discounted, april26 / 1.1, '2026-27 discounted at the request’s 10%');
  close(t, result.total.discounted, 1.9 * feb + april26 / 1.1, 'total discounted');
});

/**
 * `a` (in care, £100 a month) and `b` (free), each way: a → b at 0.1 a month, b → a at 0.5.
 * Rules that name both states as targets show whether they act on the right row only.
 */
function loopModel(extra: Partial<CostModelSpec> = {}): CostModelSpec {
  return {
    ...base,
    id: 'loop',
    version: '1.0.0',
    name: 'Loop',
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true },
      { id: 'b', label: 'B', category: 'community' },
    ],
    transitions: { all: { a: { a: 0.9, b: 0.1 }, b: { a: 0.5, b: 0.5 } } },
    unitCosts: [{ id: 'a_cost', label: 'A', states: ['a'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true }],
    ...extra,
  };
}

t.test('a rate factor scales the exits of its own rows at its mean, and staying takes up the rest', async (t) => {
  // Factor on a → {a, b}, uniform 1-3 (mean 2): a's row becomes a 0.8, b 0.2 (a → a is no
  // exit); b's row is untouched (a 0.5, b 0.5).
  //   P(a): 1, 0.8, 0.8 × 0.8 + 0.2 × 0.5 = 0.74, 0.74 × 0.8 + 0.26 × 0.5 = 0.722
  const model = compileModel(loopModel({ rateFactors: [{ id: 'f', label: 'F', from: ['a'], to: ['a', 'b'], multiplier: { type: 'uniform', min: 1, max: 3 } }] }));
  const result = expectedCost(model, request([plan(0)], { months: 4 }));
  closeAll(t, result.byMonth, [100, 80, 74, 72.2], 'byMonth');
  // A factor of 15 makes a's exits 1.5: scaled to 1, nobody stays; the chain then alternates
  // between a and b's row (a 0.5): P(a) = 1, 0, 0.5, 0.25.
  const over = compileModel(loopModel({ rateFactors: [{ id: 'f', label: 'F', from: ['a'], to: ['b'], multiplier: 15 }] }));
  closeAll(t, expectedCost(over, request([plan(0)], { months: 4 })).byMonth, [100, 0, 50, 25], 'exits over 1');
});

/**
 * The loop model with two interventions: `iv1` for a, aged 10 to 18, £500 once and £84 a week
 * for 2 months, doubling a's exits for 2 months; `iv2` for b (any age), £200 once, stopping
 * b → a for 1 month.
 */
function loopWithInterventions(): CostModelSpec {
  return loopModel({
    interventions: [
      {
        id: 'iv1',
        label: 'One',
        eligibility: { states: ['a'], minAgeYears: 10, maxAgeYears: 18 },
        cost: { oneOff: 500, perWeek: 84, durationMonths: 2, agency: 'childrens_social_care' },
        effectDurationMonths: 2,
        effects: [{ from: ['a'], to: ['a', 'b'], multiplier: 2 }],
        source: 'test',
      },
      {
        id: 'iv2',
        label: 'Two',
        eligibility: { states: ['b'] },
        cost: { oneOff: 200, durationMonths: 1, agency: 'education' },
        effectDurationMonths: 1,
        effects: [{ from: ['b'], to: ['a'], multiplier: 0 }],
        source: 'test',
      },
    ],
  });
}

t.test('two interventions started in month 1: deliveries, costs and effects, and their ends', async (t) => {
  // From 119 months of age (iv1 is open from 120, reached in month 1), five months.
  // Month 0: a 1                                                    → £100
  // Month 1: a 0.9, b 0.1. iv1 reaches the 0.9 in a: £500 × 0.9 = £450 once, £365 × 0.9 =
  //          £328.50 in months 1 and 2; iv2 reaches the 0.1 in b: £20     → 90 + 450 + 328.5 + 20 = £888.50
  // Month 2: a (iv1) 0.9 → a 0.72, b 0.18 (iv1, which does not act on b); b (iv2) 0.1 stays
  //          (b → a × 0); iv2 ends                                  → 72 + 328.5 = £400.50
  // Month 3: 0.72 → a 0.576, b 0.144; 0.18 → a 0.09, b 0.09; 0.1 → a 0.05, b 0.05;
  //          a = 0.716, b = 0.284; iv1 ends                         → £71.60
  // Month 4: a = 0.9 × 0.716 + 0.5 × 0.284 = 0.7864                  → £78.64
  const model = compileModel(loopWithInterventions());
  const result = expectedCost(
    model,
    request(
      [
        plan(0, {
          interventions: [
            { intervention: 1, startMonth: 1 },
            { intervention: 0, startMonth: 1 },
          ],
        }),
      ],
      { ageMonths: 119, months: 5 },
    ),
  );
  closeAll(t, result.byMonth, [100, 888.5, 400.5, 71.6, 78.64], 'byMonth');
  closeAll(t, result.stateProbabilities.map((p) => p[0]), [1, 0.9, 0.72, 0.716, 0.7864], 'P(a)', 1e-12);
  close(t, result.total.cash, 1539.24, 'total');
  // Every amount of the model doubled (price base "current" uprating): twice every figure.
  const doubled = expectedCost(
    model,
    request([plan(0, { interventions: [{ intervention: 1, startMonth: 1 }, { intervention: 0, startMonth: 1 }] })], { ageMonths: 119, months: 5, modelCostScale: 2 }),
  );
  closeAll(t, doubled.byMonth, [200, 1777, 801, 143.2, 157.28], 'modelCostScale 2');
  // The same plan with its interventions listed the other way round (iv1 is then the first bit,
  // and iv2's end in month 2 must not end it): the same figures.
  const swapped = expectedCost(
    model,
    request([plan(0, { interventions: [{ intervention: 0, startMonth: 1 }, { intervention: 1, startMonth: 1 }] })], { ageMonths: 119, months: 5 }),
  );
  closeAll(t, swapped.byMonth, [100, 888.5, 400.5, 71.6, 78.64], 'listed the other way round');
});

t.test('two interventions whose effects end in the same month both end', async (t) => {
  // iv1 from month 1 (effect to month 3), iv2 from month 2 (effect 1 month: to month 3 too).
  // Month 1: a 0.9 (iv1: £450 + £328.50), b 0.1                       → 90 + 778.5 = £868.50
  // Month 2: a (iv1) 0.72, b (iv1) 0.18; a 0.05, b 0.05; iv2 reaches the 0.23 in b: £46
  //                                                                     → 77 + 328.5 + 46 = £451.50
  // Month 3: a (iv1) 0.72 → a 0.576, b 0.144; a 0.05 → a 0.045, b 0.005; b (iv1 and iv2, or
  //          iv2) 0.23 stays (b → a × 0); both end: a = 0.621               → £62.10
  // Month 4: a = 0.9 × 0.621 + 0.5 × 0.379 = 0.7484 (neither effect left)   → £74.84
  const model = compileModel(loopWithInterventions());
  const result = expectedCost(
    model,
    request(
      [
        plan(0, {
          interventions: [
            { intervention: 0, startMonth: 1 },
            { intervention: 1, startMonth: 2 },
          ],
        }),
      ],
      { ageMonths: 119, months: 5 },
    ),
  );
  closeAll(t, result.byMonth, [100, 868.5, 451.5, 62.1, 74.84], 'byMonth');
});

t.test('an intervention outside its ages is not delivered; at the limits it is', async (t) => {
  const model = compileModel(loopWithInterventions());
  const once = (ageMonths: number, startMonth: number) =>
    expectedCost(model, request([plan(0, { interventions: [{ intervention: 0, startMonth }] })], { ageMonths, months: 2 })).byMonth;
  // At 119 months in month 0: too young. Plain chain: 100, 90.
  closeAll(t, once(119, 0), [100, 90], 'aged 119 months');
  // At exactly 120 months: delivered in month 0: 100 + 500 + 365; month 1: a 0.8, + £365.
  closeAll(t, once(120, 0), [965, 445], 'aged 120 months');
  // At 215 months (the last month before 18): delivered; at 216: not.
  closeAll(t, once(215, 0), [965, 445], 'aged 215 months');
  closeAll(t, once(216, 0), [100, 90], 'aged 216 months');
  // Started in month 1 at 119 + 1 = 120 months: delivered to the 0.9 in a.
  closeAll(t, once(119, 1), [100, 90 + 450 + 328.5], 'started in month 1');
});

t.test('today’s placement at its actual price while an intervention is active', async (t) => {
  // The loop model, today's placement in a at £84 a week (£365 a month instead of the £100
  // fee), iv1 from month 0 at 120 months (£500 once, £365 a month for months 0 and 1, a's
  // exits doubled to month 2).
  // Month 0: 365 + 500 + 365                                              → £1,230
  // Month 1: a 0.8, still in today's placement → 0.8 × 365 + 365         → £657
  // Month 2: today's placement 0.64; back from b 0.2 × 0.5 = 0.1 at the model's £100 (a new
  //          placement); b 0.16 + 0.1, free                                → 233.6 + 10 = £243.60
  const model = compileModel(loopWithInterventions());
  const result = expectedCost(model, request([plan(0, { currentPlacementWeeklyPrice: 84, interventions: [{ intervention: 0, startMonth: 0 }] })]));
  closeAll(t, result.byMonth, [1230, 657, 243.6], 'byMonth');
});

t.test('an intervention’s weekly cost follows each financial year’s days', async (t) => {
  // From February 2026, aged 120 months: a February or March month is 29.5 days, so £84 a week
  // is 84 × 29.5/7 = £354 a month.
  //   month 0: 100 + 500 + 354 = £954; month 1: a 0.8 → 80 + 354 = £434;
  //   month 2 (April, the service over, the effect just ended): a = 0.8 × 0.8 + 0.2 × 0.5 = 0.74 → £74.
  const model = compileModel(loopWithInterventions());
  const result = expectedCost(model, {
    clock: { startYear: 2026, startMonth: 2 },
    ageMonths: 120,
    months: 3,
    plans: [plan(0, { interventions: [{ intervention: 0, startMonth: 0 }] })],
    parameterUncertainty: false,
  });
  closeAll(t, result.byMonth, [954, 434, 74], 'byMonth');
});

/**
 * Home (free, absorbing), foster (in care, £100 a month, left for home at 0.1) and residential
 * (in care and residential, £1,000 a month, left for home at 0.2). A move between placements
 * costs £10.
 */
function placementsModel(): CostModelSpec {
  return {
    ...base,
    id: 'placements',
    version: '1.0.0',
    name: 'Placements',
    states: [
      { id: 'home', label: 'Home', category: 'community' },
      { id: 'foster', label: 'Foster', category: 'looked_after', flags: ['in_care'], placement: true },
      { id: 'resi', label: 'Residential', category: 'looked_after', flags: ['in_care', 'residential'], placement: true },
    ],
    transitions: { all: { home: { home: 1 }, foster: { foster: 0.9, home: 0.1 }, resi: { resi: 0.8, home: 0.2 } } },
    unitCosts: [
      { id: 'foster_fee', label: 'Foster', states: ['foster'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true },
      { id: 'resi_fee', label: 'Residential', states: ['resi'], amount: 1000, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true },
    ],
    eventCosts: [{ id: 'move', label: 'Move', from: ['@looked_after'], to: ['@looked_after'], amount: 10, agency: 'childrens_social_care', source: 'test' }],
  };
}

t.test('planned moves, given out of order, apply to those still on the planned path', async (t) => {
  // From foster: to residential in month 1, back to foster in month 2, home in month 3 (given
  // in reverse order).
  // Month 0: foster 1                                                   → £100
  // Month 1: foster 0.9 (on course, → residential), home 0.1            → £900 + 0.9 moves × £10
  // Month 2: residential 0.72 (on course, → foster), home 0.28          → £72 + 0.72 × £10
  // Month 3: foster 0.648 (on course: the path was foster in month 2, → home), home 0.352 → £0
  const model = compileModel(placementsModel());
  const moves = [
    { month: 3, to: 0, fromStates: null },
    { month: 2, to: 1, fromStates: null },
    { month: 1, to: 2, fromStates: null },
  ];
  const result = expectedCost(model, request([plan(1, { moves })], { months: 4 }));
  closeAll(t, result.byMonth, [100, 909, 79.2, 0], 'byMonth');
  close(t, result.placementMoves, 0.9 + 0.72, 'placement moves: foster → residential → foster', 1e-12);
  close(t, result.monthsInCare, 1 + 0.9 + 0.72, 'months in care', 1e-12);
  close(t, result.monthsResidential, 0.9, 'months residential', 1e-12);
  close(t, result.monthsByState.home, 0.1 + 0.28 + 1, 'months at home', 1e-12);
});

t.test('a move from named states moves only those in them', async (t) => {
  // From foster, a move to residential in month 1 for those at home: the 0.1 who went home
  // are placed in residential; the 0.9 in foster stay. Month to month the 0.1 went from foster
  // to residential, a move between placements (£10 each).
  //   month 1: 0.9 × 100 + 0.1 × 1000 + 0.1 × 10 = £191; month 2: foster 0.81, residential 0.08 → £161
  const model = compileModel(placementsModel());
  const result = expectedCost(model, request([plan(1, { moves: [{ month: 1, to: 2, fromStates: [0] }] })]));
  closeAll(t, result.byMonth, [100, 191, 161], 'byMonth');
  close(t, result.placementMoves, 0.1, 'foster → residential, month to month', 1e-12);
  // Two moves in the same month apply in turn: foster → residential (on course), then from
  // residential → home: everyone who was in foster or residential is home in month 1.
  const both = expectedCost(
    model,
    request([
      plan(1, {
        moves: [
          { month: 1, to: 2, fromStates: null },
          { month: 1, to: 0, fromStates: [2] },
        ],
      }),
    ]),
  );
  closeAll(t, both.byMonth, [100, 0, 0], 'two moves in month 1');
});

t.test('no months: an empty projection of one financial year', async (t) => {
  const model = compileModel(twoStateModel(0.1));
  const result = expectedCost(model, request([plan(0)], { months: 0 }));
  t.same(result.byMonth, []);
  t.same(result.byFinancialYear, [{ financialYear: '2026-27', cash: 0, discounted: 0 }]);
  t.equal(result.total.cash, 0);
});
