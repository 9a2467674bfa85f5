import t from 'tap';
import { GREEN_BOOK_PERIODS, discountFactors, presentValue } from '../../src/finance/discounting.ts';
import { daysByFinancialYear, financialYearCount, financialYearLabel, financialYearOfMonth, parseFinancialYear } from '../../src/finance/financial-year.ts';

t.test('Green Book discount factors', async (t) => {
  // HM Treasury Green Book (2022) annex A6: 3.5% a year for years 0-30, 3.0% for 31-75.
  // D(t) = 1.035^-t up to 30; D(31) = D(30) / 1.03; D(40) = D(30) / 1.03^10.
  const d = discountFactors(GREEN_BOOK_PERIODS, 41);
  t.equal(d[0], 1);
  t.ok(Math.abs(d[1] - 0.966184) < 1e-6, 'year 1: 0.9662');
  t.ok(Math.abs(d[10] - 0.708919) < 1e-6, 'year 10: 0.7089');
  t.ok(Math.abs(d[30] - 0.356278) < 1e-6, 'year 30: 0.3563');
  t.ok(Math.abs(d[31] - 0.356278 / 1.03) < 1e-6, 'year 31: 0.3459');
  t.ok(Math.abs(d[40] - 0.356278 / 1.03 ** 10) < 1e-6, 'year 40: 0.2651');
  t.ok(Math.abs(presentValue([100, 100, 100], d) - (100 + 100 / 1.035 + 100 / 1.035 ** 2)) < 1e-9);
});

t.test('financial years run April to March', async (t) => {
  t.equal(financialYearLabel(2026), '2026-27');
  t.equal(financialYearLabel(1999), '1999-00');
  t.equal(parseFinancialYear('2026-27'), 2026);
  t.equal(parseFinancialYear('2026-28'), undefined);
  // From February 2026: Feb, Mar in year 0 (2025-26); April 2026 starts year 1.
  t.same([...financialYearOfMonth(2026, 2, 15)], [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
  t.equal(financialYearCount(2026, 4, 12), 1, 'April to March is one year');
  t.equal(financialYearCount(2026, 3, 2), 2, 'March and April straddle two');
  // 15 March to 15 April 2026: 17 days in 2025-26 (15-31 March), 14 in 2026-27 (1-14 April).
  const days = daysByFinancialYear(new Date('2026-03-15'), new Date('2026-04-15'));
  t.same([...days.entries()], [[2025, 17], [2026, 14]]);
});
