import t from 'tap';
import { compileModel } from '../../src/simulation/model.ts';
import { expectedCost } from '../../src/simulation/oracle.ts';
import type { EnginePlan, ProjectionRequest } from '../../src/simulation/projection.ts';
import { threeStateModel, twoStateModel } from '../helpers/small-models.ts';

const stay = (startState: number, extra: Partial<EnginePlan> = {}): EnginePlan => ({
  startState,
  moves: [],
  interventions: [],
  statePrices: [],
  currentPlacementWeeklyPrice: null,
  ...extra,
});

t.test('two states, worked by hand', async (t) => {
  // A costs £100 a month and is left with probability 0.1 a month; B is free and absorbing.
  // P(in A at month m) = 0.9^m, so over months 0, 1, 2 the expected cost is
  // 100 × (1 + 0.9 + 0.81) = £271.
  const model = compileModel(twoStateModel(0.1));
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 5 }, ageMonths: 120, months: 3, plans: [stay(0)], parameterUncertainty: false };
  const result = expectedCost(model, request);
  t.equal(result.byMonth.length, 3);
  t.ok(Math.abs(result.byMonth[0] - 100) < 1e-9, 'month 0: £100');
  t.ok(Math.abs(result.byMonth[1] - 90) < 1e-9, 'month 1: 0.9 × £100');
  t.ok(Math.abs(result.byMonth[2] - 81) < 1e-9, 'month 2: 0.81 × £100');
  t.ok(Math.abs(result.total.cash - 271) < 1e-9, 'total £271');
  // May to July 2026 all fall in 2026-27, year 0 of the discounting: undiscounted.
  t.same(result.byFinancialYear.map((y) => y.financialYear), ['2026-27']);
  t.ok(Math.abs(result.total.discounted - 271) < 1e-9);
  t.ok(Math.abs(result.monthsInCare - 2.71) < 1e-12, 'expected months in care 2.71');
});

t.test('two states over ten years: geometric series and Green Book discounting', async (t) => {
  // Starting in April, financial year k holds months 12k .. 12k+11, so its expected cash is
  // 100 × 0.9^(12k) × (1 - 0.9^12) / (1 - 0.9) and it is discounted by 1.035^-k.
  const q = 0.1;
  const model = compileModel(twoStateModel(q));
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: 0, months: 120, plans: [stay(0)], parameterUncertainty: false };
  const result = expectedCost(model, request);
  const yearOne = (100 * (1 - 0.9 ** 12)) / q;
  result.byFinancialYear.forEach((year, k) => {
    const cash = yearOne * 0.9 ** (12 * k);
    t.ok(Math.abs(year.cash - cash) < 1e-9, `${year.financialYear} cash ${cash.toFixed(4)}`);
    t.ok(Math.abs(year.discounted - cash / 1.035 ** k) < 1e-9, `${year.financialYear} discounted`);
  });
  t.ok(Math.abs(result.total.cash - (100 * (1 - 0.9 ** 120)) / q) < 1e-9, 'whole geometric series');
});

t.test('three states: a band change, a birthday rule, two agencies, two financial years', async (t) => {
  // Start aged 10 months in care in February 2026. Care costs £1,000 a week, charged by days ÷ 7
  // at the financial year's mean month: 2025-26 from February has 28 + 31 = 59 days in 2 months,
  // so a month is 29.5 days: 1000 × 29.5 / 7 = £4,214.29.
  //   month 0 (Feb, age 10m): P(care) = 1                     → £4,214.29
  //   month 1 (Mar, age 11m): P(care) = 0.8 (infant band)     → £3,371.43
  //   month 2 (Apr, age 12m): the first-birthday rule moves care → leaver: P(leaver) = 0.8, P(home) = 0.2
  //                                                            → 0.8 × £200 = £160
  //   month 3 (May, age 13m): leaver is absorbing              → £160
  // 2025-26 (Feb, Mar) = 1.8 × £4,214.29 = £7,585.71 (1,000 × 59 / 7 × 0.9); 2026-27 (Apr, May) = £320
  // (the leaver's cost is per month), discounted once: £320 / 1.035 = £309.18.
  const model = compileModel(threeStateModel());
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 2 }, ageMonths: 10, months: 4, plans: [stay(1)], parameterUncertainty: false };
  const result = expectedCost(model, request);
  const weekly = (1000 * 29.5) / 7;
  const expected = [weekly, 0.8 * weekly, 160, 160];
  expected.forEach((value, m) => {
    t.ok(Math.abs(result.byMonth[m] - value) < 1e-9, `month ${m}: ${value.toFixed(2)}`);
  });
  t.same(result.byFinancialYear.map((y) => y.financialYear), ['2025-26', '2026-27']);
  t.ok(Math.abs(result.byFinancialYear[0].cash - (1000 * 59 * 0.9) / 7) < 1e-9);
  t.ok(Math.abs(result.byFinancialYear[1].cash - 320) < 1e-9);
  t.ok(Math.abs(result.total.discounted - ((1000 * 59 * 0.9) / 7 + 320 / 1.035)) < 1e-9);
  t.ok(Math.abs(result.stateProbabilities[2][2] - 0.8) < 1e-12, 'P(leaver) at month 2');
  t.ok(Math.abs(result.stateProbabilities[3][0] - 0.2) < 1e-12, 'P(home) at month 3');
});

t.test('an actual price replaces the placement fee while the young person stays in today’s placement', async (t) => {
  // Two states, q = 0.1; today's placement costs £50 a week instead of the model's £100 a month.
  // £50 a week by days ÷ 7: 2026-27 from May has 335 days in 11 months (31 + 30 + 31 + 31 + 30 +
  // 31 + 30 + 31 + 31 + 28 + 31), so a month is 335/11 days, 50 × 335 / 11 / 7 = £217.53; over 3
  // months (1 + 0.9 + 0.81 = 2.71 months expected): £589.51.
  const model = compileModel(twoStateModel(0.1));
  const request: ProjectionRequest = {
    clock: { startYear: 2026, startMonth: 5 },
    ageMonths: 120,
    months: 3,
    plans: [stay(0, { currentPlacementWeeklyPrice: 50 })],
    parameterUncertainty: false,
  };
  const result = expectedCost(model, request);
  t.ok(Math.abs(result.total.cash - ((50 * 335) / 11 / 7) * 2.71) < 1e-9);
});

t.test('a scheduled move applies only while the plan is still on course', async (t) => {
  // Three-state model from care at 10 months: a plan moves care → home at month 1. With
  // probability 0.8 the child is still in care then and goes home; 0.2 are home already.
  // So month 1 costs nothing and P(home) = 1 from month 1.
  const model = compileModel(threeStateModel());
  const request: ProjectionRequest = {
    clock: { startYear: 2026, startMonth: 2 },
    ageMonths: 10,
    months: 4,
    plans: [stay(1, { moves: [{ month: 1, to: 0, fromStates: null }] })],
    parameterUncertainty: false,
  };
  const result = expectedCost(model, request);
  t.ok(Math.abs(result.total.cash - (1000 * 29.5) / 7) < 1e-9, 'only month 0 is paid (a 29.5-day month of 2025-26 from February)');
  t.ok(Math.abs(result.stateProbabilities[1][0] - 1) < 1e-12);
});

t.test('a unit cost limited to ages applies only from its first birthday', async (t) => {
  // Two states, q = 0.1, but A's £100 a month is charged only from age 11 (132 months).
  // Starting at 131 months: month 0 is free, months 1 and 2 cost 0.9 × 100 and 0.81 × 100: £171.
  const spec = twoStateModel(0.1);
  spec.unitCosts[0].minAgeYears = 11;
  const model = compileModel(spec);
  const result = expectedCost(model, { clock: { startYear: 2026, startMonth: 5 }, ageMonths: 131, months: 3, plans: [stay(0)], parameterUncertainty: false });
  t.ok(Math.abs(result.total.cash - 171) < 1e-9, `£${result.total.cash}`);
});
