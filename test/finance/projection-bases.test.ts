import { readFileSync } from 'node:fs';
import t from 'tap';
import { compileModel } from '../../src/simulation/model.ts';
import { runProjectionInline } from '../../src/simulation/projection.ts';

/**
 * The paired-saving model (one state, £700 a week) projected from April 2027 for three years,
 * parameter uncertainty off: every run is the same, so each figure is exact.
 *   2027-28: 366 days (29 February 2028): 700 × 366 / 7 = £36,600.00, discount factor 1
 *   2028-29: 365 days: £36,500.00, factor 1 / 1.035 → £35,265.70 (35,265.700…)
 *   2029-30: 365 days: £36,500.00, factor 1 / 1.035² → £34,073.14 (34,073.140…)
 * Cash total £109,600.00; present value £105,938.84.
 */
const spec = JSON.parse(readFileSync(new URL('../fixtures/finance-cases/paired-saving-basis.json', import.meta.url), 'utf8')).model;
const model = compileModel(spec);
const plan = { startState: 1, moves: [], interventions: [], statePrices: [], currentPlacementWeeklyPrice: null };
const result = runProjectionInline(
  model,
  { clock: { startYear: 2027, startMonth: 4 }, ageMonths: 120, months: 36, plans: [plan], parameterUncertainty: false, thresholds: [100_000, 106_000, 109_000] },
  4,
  1,
);
const p = result.plans[0];

t.test('present value by financial year uses each year’s own discount factor', async (t) => {
  t.same(
    p.byFinancialYear.map((y) => [y.financialYear, y.cash.mean, y.discounted.mean]),
    [
      ['2027-28', 36600, 36600],
      ['2028-29', 36500, 35265.7],
      ['2029-30', 36500, 34073.14],
    ],
  );
  t.equal(p.total.cash.mean, 109600);
  t.equal(p.total.discounted.mean, 105938.84);
});

t.test('exceedance is read on present value, like the total it is compared with', async (t) => {
  // £106,000 and £109,000 lie between the present value (£105,938.84) and the cash (£109,600):
  // on present value neither is exceeded; on cash both would be.
  t.same(
    p.exceedance.map((e) => [e.threshold, e.probability]),
    [
      [100_000, 1],
      [106_000, 0],
      [109_000, 0],
    ],
  );
});
