import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { validateModel } from '../../src/catalog/validate-model.ts';
import { deflateDatedPrice, deflatorIndexOf, toBaseFactor } from '../../src/finance/price-base.ts';
import { immediateBudget } from '../../src/services/pathway-budget.ts';
import { buildTestApp } from '../helpers/app.ts';

/**
 * Price bases (issue 12): actual prices deflated to the model's base year, or the model uprated
 * to the current year. Every expected figure below is worked by hand from the stated indices.
 */

const CASES = path.resolve(import.meta.dirname, '../fixtures/finance-cases');
const DEFAULT_MODEL = path.resolve(import.meta.dirname, '../../models/england-default.json');

/** The one-state model (£700 a week in state "a", nobody moves) with a small deflator: 100, 102, 105. */
function deflatedModel() {
  const model = JSON.parse(readFileSync(path.join(CASES, 'paired-saving-basis.json'), 'utf8')).model;
  model.deflator = {
    index: [
      { financialYear: '2024-25', index: 100 },
      { financialYear: '2025-26', index: 102 },
      { financialYear: '2026-27', index: 105 },
    ],
    source: 's',
  };
  return model;
}

t.test('£700 a week paid in 2026-27 in 2024-25 prices, with the default model’s indices', async (t) => {
  const model = JSON.parse(readFileSync(DEFAULT_MODEL, 'utf8'));
  const index = new Map<string, number>(model.deflator.index.map((r: { financialYear: string; index: number }) => [r.financialYear, r.index]));
  t.equal(model.priceBaseYear, '2024-25');
  t.equal(index.get('2024-25'), 112.375, 'ONS YBGB 2024-25: (110.1 + 112.1 + 113.2 + 114.1) / 4');
  t.ok(index.has('2030-31'), 'the index reaches 2030-31');
  // By hand: 700 × 112.375 / 116.915 = 78,662.5 / 116.915 = 672.8178… → £672.82 a week in 2024-25 prices.
  const i2026 = index.get('2026-27') as number;
  t.equal(i2026, 116.915, '2026-27 index as stored (112.375 × 1.02 × 1.02, rounded to 3 dp)');
  const factor = toBaseFactor(model.deflator, '2024-25', 2026);
  t.ok(Math.abs(700 * factor - (700 * 112.375) / 116.915) < 1e-9);
  t.equal(Math.round(700 * factor * 100) / 100, 672.82);
  // Beyond the last year the last index is held; before the first, the first.
  t.equal(deflatorIndexOf(model.deflator, 2040), index.get('2030-31'));
  t.equal(deflatorIndexOf(model.deflator, 2020), 112.375);
});

t.test('a dated price deflated year by year: a change on each 1 April where the factor changes', async (t) => {
  const factor = (y: number) => ({ 2026: 0.5, 2027: 0.25 })[y] ?? 1;
  const out = deflateDatedPrice(700, [{ from: '2027-01-01', weeklyPrice: 770 }], '2026-12-01', 2027, factor);
  t.same(out, {
    weeklyPrice: 350,
    changes: [
      { from: '2027-01-01', weeklyPrice: 385 },
      { from: '2027-04-01', weeklyPrice: 192.5 },
    ],
  });
});

t.test('projections in the model’s base-year prices or uprated to the current year', async (t) => {
  const { as } = await buildTestApp(t);
  // A deflated weekly price has a fraction of a penny; the engine accumulates each month at 1/64
  // of a penny and rounds the fee and the actual price's difference from it as separate lines, so
  // its yearly figure may differ from the hand figure by one penny. The exact oracle must not.
  const withinPenny = (actual: number, expected: number, label: string) => t.ok(Math.abs(actual - expected) <= 0.01 + 1e-9, `${label}: ${actual} within 1p of ${expected}`);
  const run = async (extra: Record<string, unknown>, plan: Record<string, unknown>) => {
    const response = await as('finance', {
      method: 'POST',
      url: '/v1/projections',
      payload: { model: deflatedModel(), ageMonths: 14 * 12, state: 'a', startMonth: '2026-04', runs: 5, seed: 1, parameterUncertainty: false, plans: [{ name: 'As now', ...plan }], ...extra },
    });
    t.equal(response.statusCode, 200, response.body.slice(0, 400));
    return response.json();
  };

  // Price base "model" (the default): £700 paid in 2026-27 cash is 700 × 100 / 105 in 2024-25 prices;
  // 2026-27 has 365 days: 700 × 365 / 7 = 36,500 × 100 / 105 = 34,761.904… → £34,761.90.
  const deflated = await run({}, { currentPlacementWeeklyPrice: 700 });
  const y = deflated.plans[0].byFinancialYear;
  t.equal(y[0].financialYear, '2026-27');
  withinPenny(y[0].cash.mean, 34761.9, '2026-27');
  // 2027-28 (366 days) is past the last index year, so 2026-27's index is held: 36,600 × 100 / 105 = £34,857.14.
  withinPenny(y[1].cash.mean, 34857.14, '2027-28');
  t.equal(deflated.plans[0].expectedCost.byFinancialYear[0].cash.toFixed(2), '34761.90', 'the exact oracle agrees');
  const money = deflated.money;
  t.equal(money.currency, 'GBP');
  t.equal(money.priceBase, '2024-25');
  t.equal(money.priceBaseKind, 'model');
  t.equal(money.deflator.appliedTo, 'actual prices');
  t.same(money.deflator.factors.slice(0, 2), [
    { financialYear: '2026-27', factor: 0.952381 },
    { financialYear: '2027-28', factor: 0.952381 },
  ]);
  t.equal(money.deflator.lastIndexedYear, '2026-27');
  t.match(money.deflator.statement, /later years hold its index/);
  t.match(money.bases.discounted, /2024-25 prices discounted .* 3\.5% from year 0/);

  // A dated change: £700 to £770 on 1 January 2027: (700 × 275 + 770 × 90) / 7 = 37,400 × 100 / 105 = £35,619.05.
  const changed = await run({ priceBase: 'model' }, { currentPlacementWeeklyPrice: 700, currentPlacementPriceChanges: [{ from: '2027-01-01', weeklyPrice: 770 }] });
  withinPenny(changed.plans[0].byFinancialYear[0].cash.mean, 35619.05, 'with a January uplift');
  t.equal(changed.plans[0].expectedCost.byFinancialYear[0].cash.toFixed(2), '35619.05', 'the exact oracle agrees');

  // The model's own cost (£700 in 2024-25 prices) is not converted under "model": 36,500.00.
  const modelCost = await run({}, {});
  t.equal(modelCost.plans[0].byFinancialYear[0].cash.mean, 36500);

  // Price base "current": the model's £700 uprated by 105 / 100 to £735: 735 × 365 / 7 = £38,325.00.
  const uprated = await run({ priceBase: 'current' }, {});
  t.equal(uprated.plans[0].byFinancialYear[0].cash.mean, 38325);
  t.equal(uprated.plans[0].expectedCost.byFinancialYear[0].cash.toFixed(2), '38325.00', 'the exact oracle agrees');
  t.equal(uprated.money.priceBase, '2026-27');
  t.equal(uprated.money.priceBaseKind, 'current');
  t.equal(uprated.money.modelPriceBase, '2024-25');
  t.same(uprated.money.deflator.factors, [{ financialYear: '2026-27', factor: 1.05 }]);
  t.equal(uprated.money.deflator.appliedTo, 'model costs');

  // ... and an actual price is used as it is: 36,500.00.
  const asCharged = await run({ priceBase: 'current' }, { currentPlacementWeeklyPrice: 700 });
  t.equal(asCharged.plans[0].byFinancialYear[0].cash.mean, 36500);
});

t.test('an unknown price base is refused naming the field', async (t) => {
  const { as } = await buildTestApp(t);
  const response = await as('finance', {
    method: 'POST',
    url: '/v1/projections',
    payload: { model: deflatedModel(), ageMonths: 14 * 12, state: 'a', runs: 5, priceBase: 'nominal' },
  });
  t.equal(response.statusCode, 400);
  t.match(response.headers['content-type'], /application\/problem\+json/);
  const fields = (response.json().errors ?? []).map((e: { field: string }) => e.field);
  t.ok(fields.includes('body/priceBase'), `names body/priceBase (got ${fields.join(', ')})`);
});

t.test('the model’s deflator is checked: from the price base year, consecutive, positive, cited', async (t) => {
  const base = deflatedModel();
  t.ok(validateModel(base).ok, 'the deflated model is valid');
  const errorsOf = (deflator: unknown) => {
    const result = validateModel({ ...base, deflator });
    return result.ok ? [] : result.errors.map((e) => e.field);
  };
  const rows = base.deflator.index;
  t.ok(errorsOf({ ...base.deflator, index: [rows[1], rows[2]] }).includes('/deflator/index/0/financialYear'), 'must start at the price base year');
  t.ok(errorsOf({ ...base.deflator, index: [rows[0], rows[2]] }).includes('/deflator/index/1/financialYear'), 'years must be consecutive');
  t.ok(errorsOf({ ...base.deflator, index: [rows[0], { financialYear: '2025-27', index: 101 }] }).includes('/deflator/index/1/financialYear'), 'a financial year spans one year');
  t.ok(errorsOf({ ...base.deflator, index: [rows[0], { financialYear: '2025-26', index: 0 }] }).some((f) => f.startsWith('/deflator/index/1/index')), 'indices are positive');
  t.ok(errorsOf({ ...base.deflator, source: 'nowhere' }).includes('/deflator/source'), 'the source is cited');
});

t.test('the 12-month budget states that it is cash', async (t) => {
  const budget = immediateBudget({ placement: { type: 'ifa_foster', weeklyPrice: 700, startDate: '2026-04-01' }, services: [] }, new Date('2026-04-01T00:00:00Z'));
  t.same(budget.money, { currency: 'GBP', priceBase: 'cash', deflatorFactor: 1, discountRate: null, basis: 'cash', statement: budget.money.statement });
  // 2026-27 in full: 700 × 365 / 7 = £36,500.00, not deflated.
  t.equal(budget.byFinancialYear[0].amount, 36500);
});
