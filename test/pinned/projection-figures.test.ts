import t from 'tap';
import { compileModel } from '../../src/simulation/model.ts';
import { type ProjectionRequest, runProjectionInline } from '../../src/simulation/projection.ts';
import { fourStateModel } from '../helpers/small-models.ts';
import { eventModel, near, stay, valuesOf } from './helpers.ts';

/**
 * Figures of a pathway projection a user reads, pinned on deterministic models worked by hand.
 * Money is compared to the penny (0.01): a month of care here is £1,300 and a year's discount
 * factor moves £21,100 by £737, so a one-month or one-factor slip is thousands of times larger.
 */

const PENNY = 0.01;
const clock = { startYear: 2026, startMonth: 4 };
const CARE = 1;
const EDGE = 0;

function project(withinStateMoves: number, startState: number, extra: Partial<ProjectionRequest> = {}) {
  const spec = eventModel(withinStateMoves);
  const model = compileModel(spec);
  const request: ProjectionRequest = { clock, ageMonths: 120, months: 24, plans: [stay(startState)], parameterUncertainty: false, ...extra };
  return { spec, result: runProjectionInline(model, request, 8, 1) };
}

t.test('placement moves within a state are charged, booked to their agency, in the year they happen', async (t) => {
  // In care from April 2026 for 24 months, moving placement (within care) at every month's end:
  // 23 moves (one between each pair of consecutive months), each £500 to education.
  //   care:  24 × (£1,000 + £300)               = £31,200
  //   moves: 23 × £500                           = £11,500   → total £42,700
  // 2026-27 holds months 0-11 and the moves into months 1-11 (11 of them):
  //   12 × £1,300 + 11 × £500 = £21,100; 2027-28: 12 × £1,300 + 12 × £500 = £21,600.
  const { result } = project(1, CARE);
  const plan = result.plans[0];
  t.equal(plan.outcomes.placementMoves.mean, 23, '23 placement moves');
  t.ok(near(plan.total.cash.mean, 42_700, PENNY), `total cash £42,700 (got ${plan.total.cash.mean})`);
  t.same(
    plan.byFinancialYear.map((y) => [y.financialYear, y.cash.mean]),
    [
      ['2026-27', 21_100],
      ['2027-28', 21_600],
    ],
  );
  const education = plan.byAgency.find((a) => a.agency === 'education');
  t.ok(education && near(education.cash.mean, 11_500, PENNY), `education pays for the 23 moves (got ${education?.cash.mean})`);
  // With no moves at all the same stay costs exactly the care: the moves are the whole difference.
  const still = project(0, CARE).result.plans[0];
  t.ok(near(still.total.cash.mean, 31_200, PENNY), `no moves: £31,200 (got ${still.total.cash.mean})`);
  t.equal(still.outcomes.placementMoves.mean, 0);
});

t.test('event costs are split cashable and non-cashable as each rule says', async (t) => {
  // Starting on the edge of care: free in month 0, in care for months 1-23 (23 months).
  //   care fee     23 × £1,000 = £23,000  cashable
  //   social work  23 × £300   =  £6,900  non-cashable
  //   entry        1 × £5,000  =  £5,000  non-cashable (an assessment: staff time)
  //   moves within care at the end of months 1..22: 22 × £500 = £11,000 cashable
  // cashable £34,000 + non-cashable £11,900 = £45,900.
  const plan = project(1, EDGE).result.plans[0];
  t.ok(near(plan.total.cash.mean, 45_900, PENNY), `total £45,900 (got ${plan.total.cash.mean})`);
  t.ok(near(plan.cashable.mean, 34_000, PENNY), `cashable £34,000 (got ${plan.cashable.mean})`);
  t.ok(near(plan.nonCashable.mean, 11_900, PENNY), `non-cashable £11,900 (got ${plan.nonCashable.mean})`);
  t.equal(plan.outcomes.careEntries.mean, 1);
  t.equal(plan.outcomes.placementMoves.mean, 22, 'entering care from the edge is not a placement move');
});

t.test("a plan's present value by financial year uses that year's own discount factor", async (t) => {
  // From the first test: cash £21,100 in 2026-27 (year 0, factor 1) and £21,600 in 2027-28
  // (year 1, factor 1/1.035 = 0.966183574879227): present values £21,100 and £20,869.57;
  // total £41,969.57. Next year's factor would give £20,386.47 for 2026-27.
  const plan = project(1, CARE).result.plans[0];
  const [first, second] = plan.byFinancialYear;
  t.ok(near(first.discounted.mean, 21_100, PENNY), `2026-27 PV £21,100 (got ${first.discounted.mean})`);
  t.ok(near(second.discounted.mean, 21_600 / 1.035, PENNY), `2027-28 PV £20,869.57 (got ${second.discounted.mean})`);
  t.ok(near(plan.total.discounted.mean, 21_100 + 21_600 / 1.035, PENNY), `total PV £41,969.57 (got ${plan.total.discounted.mean})`);
  // Over a longer horizon the same identity holds year by year, at 3.5% throughout (years 0-30).
  const long = project(1, CARE, { months: 120 }).result.plans[0];
  t.equal(long.byFinancialYear.length, 10);
  long.byFinancialYear.forEach((year, f) => {
    t.ok(near(year.discounted.mean, year.cash.mean / 1.035 ** f, PENNY), `${year.financialYear}: cash × 1.035^-${f}`);
  });
  const sum = long.byFinancialYear.reduce((s, y) => s + y.discounted.mean, 0);
  t.ok(near(sum, long.total.discounted.mean, 10 * PENNY), 'the years add up to the total present value');
});

t.test('exceedance probabilities are read on present value, not cash', async (t) => {
  // Cash £42,700, present value £41,969.57 in every run. A threshold between the two is
  // exceeded by the cash total but not by the present value: the chance must be 0.
  const thresholds = [41_000, 42_000, 43_000];
  const plan = project(1, CARE, { thresholds }).result.plans[0];
  t.same(
    plan.exceedance.map((e) => [e.threshold, e.probability]),
    [
      [41_000, 1],
      [42_000, 0],
      [43_000, 0],
    ],
  );
});

t.test('two identical plans are never "cheaper" than each other, on any basis', async (t) => {
  // The richer model with parameter uncertainty on: totals vary from run to run, but the two
  // plans share every random stream, so each run ties. Every chance of being cheaper reported
  // for the pair (on whichever basis) must be 0, and every saving exactly 0.
  const model = compileModel(fourStateModel());
  const plan = stay(0, { interventions: [{ intervention: 0, startMonth: 0 }] });
  const request: ProjectionRequest = { clock, ageMonths: 13 * 12, months: 60, plans: [plan, plan], parameterUncertainty: true };
  const result = runProjectionInline(model, request, 300, 20_261_130);
  t.ok(result.plans[0].total.cash.sd > 0, 'the totals do vary between runs');
  const comparison = result.comparisons[0];
  const chances = valuesOf(comparison, 'probabilityCheaper');
  t.ok(chances.length >= 1, 'the comparison reports a chance of being cheaper');
  for (const chance of chances) t.equal(chance, 0, 'identical plans: never cheaper');
  for (const saving of [...valuesOf(comparison, 'saving'), ...valuesOf(comparison, 'discounted'), ...valuesOf(comparison, 'cash')]) {
    for (const key of ['mean', 'min', 'max']) {
      const value = (saving as Record<string, unknown>)[key];
      if (typeof value === 'number') t.equal(value, 0, `saving ${key} is 0`);
    }
  }
});
