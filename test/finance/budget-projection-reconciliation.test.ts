import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { weeklyDayCountFactors, weeklyPriceByFinancialYear } from '../../src/finance/day-count.ts';
import { immediateBudget } from '../../src/services/pathway-budget.ts';
import { buildTestApp } from '../helpers/app.ts';

const CASES = path.resolve(import.meta.dirname, '../fixtures/finance-cases');

/** The one-state model of the paired-saving case: whoever is in "a" stays there, at £700 a week by default. */
const oneStateModel = () => JSON.parse(readFileSync(path.join(CASES, 'paired-saving-basis.json'), 'utf8')).model;

t.test('day-count factors: days ÷ 7 for each financial year, the first month pro rata', async (t) => {
  // From 1 December 2026: 2026-27 has Dec 31 + Jan 31 + Feb 28 + Mar 31 = 121 days in 4 months.
  const [first, second] = weeklyDayCountFactors({ startYear: 2026, startMonth: 12 }, 2);
  t.ok(Math.abs(first * 4 * (365 / 12) - 121) < 1e-9, '4 standard months scale to 121 days');
  t.ok(Math.abs(second * 12 * (365 / 12) - 366) < 1e-9, '2027-28 has 366 days (29 February 2028)');
  // From 15 December: 17 days of December.
  const [late] = weeklyDayCountFactors({ startYear: 2026, startMonth: 12, startDay: 15 }, 1);
  t.ok(Math.abs(late * 4 * (365 / 12) - 107) < 1e-9, '17 + 31 + 28 + 31 = 107 days');
  // An uplift on 1 April charges each year its own price; one on 1 January weights 2026-27 by days.
  t.same(Array.from(weeklyPriceByFinancialYear({ startYear: 2026, startMonth: 12 }, 2, 1234.56, [{ from: '2027-04-01', weeklyPrice: 1296.29 }])), [1234.56, 1296.29]);
  const [mixed] = weeklyPriceByFinancialYear({ startYear: 2026, startMonth: 12 }, 1, 700, [{ from: '2027-01-01', weeklyPrice: 770 }]);
  t.ok(Math.abs(mixed - (700 * 31 + 770 * 90) / 121) < 1e-9, '31 days at £700, 90 at £770');
});

t.test('budget year 0 equals projection year 0 for a fixed plan with no uncertainty (FC-F1 prices)', async (t) => {
  const { as } = await buildTestApp(t);
  // FC-F1: £1,234.56 a week from 1 June 2026, £1,296.29 from 1 April 2027; budget from 1 December 2026.
  const placement = { type: 'ifa_foster', weeklyPrice: 1234.56, startDate: '2026-06-01', priceChanges: [{ from: '2027-04-01', weeklyPrice: 1296.29 }] };
  const budget = immediateBudget({ birthYear: 2012, birthMonth: 3, placement, services: [] }, new Date('2026-12-01T00:00:00Z'));
  t.equal(budget.byFinancialYear[0].amount, 21340.25);

  // The same placement projected from December 2026: a one-state model where nobody moves.
  // The budget is cash at the prices charged; the projection matches it with priceBase
  // "current" (actual prices used as they are). The model's own cost does not matter: the
  // actual price replaces it for the whole year.
  const response = await as('finance', {
    method: 'POST',
    url: '/v1/projections',
    payload: {
      priceBase: 'current',
      model: oneStateModel(),
      ageMonths: 14 * 12 + 9,
      state: 'a',
      startMonth: '2026-12',
      runs: 5,
      seed: 3,
      parameterUncertainty: false,
      plans: [{ name: 'As now', currentPlacementWeeklyPrice: 1234.56, currentPlacementPriceChanges: [{ from: '2027-04-01', weeklyPrice: 1296.29 }] }],
    },
  });
  t.equal(response.statusCode, 200, response.body.slice(0, 400));
  const plan = response.json().plans[0];
  t.equal(plan.byFinancialYear[0].financialYear, '2026-27');
  t.equal(plan.byFinancialYear[0].cash.mean, budget.byFinancialYear[0].amount, 'projection 2026-27 = budget 2026-27 = £21,340.25');
  // 2027-28 in full: 366 days at £1,296.29 = 67,777.448… → £67,777.45 (the budget stops at 30 November).
  t.equal(plan.byFinancialYear[1].cash.mean, 67777.45);
  t.equal(plan.expectedCost.byFinancialYear[0].cash.toFixed(2), '21340.25', 'the exact oracle agrees');
});

t.test('a budget and a projection starting mid-month both charge the first month pro rata', async (t) => {
  const { as } = await buildTestApp(t);
  // From 15 December 2026: 17 + 31 + 28 + 31 = 107 days of 2026-27 at £1,234.56: 18,871.131… → £18,871.13.
  const budget = immediateBudget({ placement: { type: 'ifa_foster', weeklyPrice: 1234.56, startDate: '2026-06-01' }, services: [] }, new Date('2026-12-15T00:00:00Z'));
  t.equal(budget.byFinancialYear[0].amount, 18871.13);
  const payload = {
    model: oneStateModel(),
    ageMonths: 14 * 12 + 9,
    state: 'a',
    startMonth: '2026-12',
    startDay: 15,
    runs: 5,
    seed: 3,
    parameterUncertainty: false,
    plans: [{ name: 'As now', currentPlacementWeeklyPrice: 1234.56 }],
  };
  const response = await as('finance', { method: 'POST', url: '/v1/projections', payload });
  t.equal(response.statusCode, 200, response.body.slice(0, 400));
  t.equal(response.json().startDay, 15);
  t.equal(response.json().plans[0].byFinancialYear[0].cash.mean, 18871.13, 'projection 2026-27 = budget 2026-27');
  const bad = await as('finance', { method: 'POST', url: '/v1/projections', payload: { ...payload, startMonth: '2027-02', startDay: 30 } });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().errors[0].field, 'body/startDay');
});
