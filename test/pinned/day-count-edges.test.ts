import t, { type Test } from 'tap';
import { STANDARD_MONTH_DAYS, weeklyDayCountFactors, weeklyPriceByFinancialYear } from '../../src/finance/day-count.ts';
import { daysByFinancialYear, financialYearCount, financialYearLabel, financialYearOfMonth, parseFinancialYear } from '../../src/finance/financial-year.ts';
import { deflateDatedPrice, deflatorIndexOf, financialYearStartOf, lastIndexedYear, toBaseFactor } from '../../src/finance/price-base.ts';

/**
 * Day counts, financial years and price bases by hand, pure and fast, so every mutant of
 * src/finance/day-count.ts, financial-year.ts and price-base.ts runs against exact figures
 * without a projection (the budget–projection reconciliation through the engine is in
 * test/finance/budget-projection-reconciliation.test.ts and price-base.test.ts). Equivalent
 * survivors are listed in test/pinned/MUTATION-SURVIVORS.md.
 */

const close = (t: Test, actual: number, expected: number, tol: number, msg: string) => t.ok(Math.abs(actual - expected) <= tol, `${msg}: ${actual} vs ${expected}`);

t.test('day-count factors: calendar days over months × 365/12, the first month from its start day', async (t) => {
  t.equal(STANDARD_MONTH_DAYS, 365 / 12);
  // From 15 May 2026, three financial years.
  // 2026-27: May from the 15th = 31 − 14 = 17 days, then Jun 30, Jul 31, Aug 31, Sep 30, Oct 31,
  // Nov 30, Dec 31, Jan 31, Feb 28 (2027), Mar 31: 321 days in 11 months → 321 / (11 × 365/12)
  // = 3852/4015 = 0.959402241594022.
  // 2027-28: 366 days (29 February 2028) in 12 months → 366/365. 2028-29: 365 days → 1.
  // Kills: m === 0 forced either way, d −= → +=, − 1 → + 1, month arithmetic, days/months
  // accumulation, the factor's division.
  const f = weeklyDayCountFactors({ startYear: 2026, startMonth: 5, startDay: 15 }, 3);
  t.equal(f.length, 3);
  close(t, f[0], 3852 / 4015, 1e-15, '2026-27');
  close(t, f[1], 366 / 365, 1e-15, '2027-28');
  close(t, f[2], 1, 1e-15, '2028-29');
  // No start day: from the 1st. April 2026 to March 2027 is 365 days in 12 months: factor 1.
  close(t, weeklyDayCountFactors({ startYear: 2026, startMonth: 4 }, 1)[0], 1, 1e-15, 'a full year from April');
  // From 1 January 2028: January–March 2028 is 31 + 29 + 31 = 91 days in 3 months → 91 / 91.25.
  // Kills the year of a month taken wrongly (Math.floor(absolute / 12)) and (absolute % 12) + 1 → − 1.
  const jan = weeklyDayCountFactors({ startYear: 2028, startMonth: 1, startDay: 1 }, 2);
  close(t, jan[0], 91 / 91.25, 1e-15, 'Jan–Mar 2028');
  close(t, jan[1], 365 / 365, 1e-15, '2028-29');
  // A start day past the month's end charges one day (Math.min(d, startDay)): 31 June is the
  // 30th. June 2026: 1 day, then July–March: 31+31+30+31+30+31+31+28+31 = 274 → 275 days in
  // 10 months → 275 / (10 × 365/12) = 3300/3650.
  close(t, weeklyDayCountFactors({ startYear: 2026, startMonth: 6, startDay: 31 }, 1)[0], 3300 / 3650, 1e-15, 'from 31 June');
  // A start day below 1 is the 1st (Math.max(1, …)): kills max → min (with 0: d − (0 − 1) = d + 1).
  const zero = weeklyDayCountFactors({ startYear: 2026, startMonth: 4, startDay: 0 }, 1)[0];
  close(t, zero, 1, 1e-15, 'start day 0 is the 1st');
  // From the 30th of April 2026: 1 day of April, then May–March 365 − 30 = 335: 336 days in 12
  // months → 336 / 365.
  close(t, weeklyDayCountFactors({ startYear: 2026, startMonth: 4, startDay: 30 }, 1)[0], 336 / 365, 1e-15, 'from 30 April');
});

t.test('weekly price by financial year: the day-weighted mean of the price in force', async (t) => {
  // From 15 May 2026 at £700; £770 from 1 October 2026, £800 from 1 April 2027, £820 from 1 June 2027.
  // 2026-27 (321 days): £700 for 15 May–30 September = 17 + 30 + 31 + 31 + 30 = 139 days, £770 for
  // the other 182: (700 × 139 + 770 × 182) / 321 = 237440 / 321 = 739.6884735202492.
  // 2027-28 (366 days): the change on 1 April is in force from the first day; £800 for April and
  // May (61 days), £820 for 305: (800 × 61 + 820 × 305) / 366 = 298900 / 366 = 816⅔.
  // Kills: the break at a change on or after the year's end removed (with £820 after 1 April
  // 2027 the first year would be charged 61 days of £800 − £820), the cursor not advanced, the
  // weights' signs, the divisor.
  const changes = [
    { from: '2026-10-01', weeklyPrice: 770 },
    { from: '2027-04-01', weeklyPrice: 800 },
    { from: '2027-06-01', weeklyPrice: 820 },
  ];
  const p = weeklyPriceByFinancialYear({ startYear: 2026, startMonth: 5, startDay: 15 }, 2, 700, changes);
  close(t, p[0], 237440 / 321, 1e-9, '2026-27');
  close(t, p[1], 298900 / 366, 1e-9, '2027-28');
  // No changes: the base price every year.
  t.same([...weeklyPriceByFinancialYear({ startYear: 2026, startMonth: 4 }, 2, 650, [])], [650, 650]);
  // A start in April belongs to the financial year starting that April (startMonth >= 4): from
  // 1 April 2026, one year, a change on 1 October 2026 to £900: 183 days at £700, 182 at £900:
  // (700 × 183 + 900 × 182) / 365 = 291900 / 365. Kills >= → > (the year would be 2025-26).
  close(t, weeklyPriceByFinancialYear({ startYear: 2026, startMonth: 4 }, 1, 700, [{ from: '2026-10-01', weeklyPrice: 900 }])[0], 291900 / 365, 1e-9, 'from April');
  // A start in March belongs to the year before (2025-26): 1–31 March 2026 at £700, a change on
  // 1 April: the first year is £700, the second £900.
  const march = weeklyPriceByFinancialYear({ startYear: 2026, startMonth: 3 }, 2, 700, [{ from: '2026-04-01', weeklyPrice: 900 }]);
  t.same([...march], [700, 900]);
  // A change before the start is in force from the start (the price when the projection begins).
  t.same([...weeklyPriceByFinancialYear({ startYear: 2026, startMonth: 5, startDay: 15 }, 1, 700, [{ from: '2026-01-01', weeklyPrice: 750 }])], [750]);
  // The start day: from 16 September 2026 (1 + 14 = 15 days… of September: 15 days to the 30th),
  // £700 then £770 from 1 October: 15 days at £700 and 182 at £770 over 197 days.
  close(t, weeklyPriceByFinancialYear({ startYear: 2026, startMonth: 9, startDay: 16 }, 1, 700, [{ from: '2026-10-01', weeklyPrice: 770 }])[0], (700 * 15 + 770 * 182) / 197, 1e-9, 'from 16 September');
  // startDay 0 is the 1st (Math.max(1, …)): from 1 September: 30 days at £700, 182 at £770.
  close(t, weeklyPriceByFinancialYear({ startYear: 2026, startMonth: 9, startDay: 0 }, 1, 700, [{ from: '2026-10-01', weeklyPrice: 770 }])[0], (700 * 30 + 770 * 182) / 212, 1e-9, 'start day 0');
});

t.test('financial years: months, counts, labels and days', async (t) => {
  // From January 2027, 15 months: Jan–Mar 2027 in year 0 (2026-27), Apr 2027–Mar 2028 in 1.
  t.same([...financialYearOfMonth(2027, 1, 5)], [0, 0, 0, 1, 1]);
  t.equal(financialYearCount(2027, 1, 15), 2);
  t.equal(financialYearCount(2027, 1, 16), 3);
  t.equal(financialYearCount(2026, 4, 12), 1);
  t.equal(financialYearCount(2026, 4, 13), 2);
  t.equal(financialYearLabel(2026), '2026-27');
  t.equal(financialYearLabel(2099), '2099-00');
  t.equal(financialYearLabel(2008), '2008-09', 'the second part padded');
  t.equal(parseFinancialYear('2026-27'), 2026);
  t.equal(parseFinancialYear('2026-28'), undefined);
  t.equal(parseFinancialYear('2099-00'), 2099);
  // 15 March 2027 to 10 April 2027: 17 days in 2026-27, 9 in 2027-28.
  t.same([...daysByFinancialYear(new Date('2027-03-15T00:00:00Z'), new Date('2027-04-10T00:00:00Z'))], [
    [2026, 17],
    [2027, 9],
  ]);
  // Times of day are dropped: whole days.
  t.same([...daysByFinancialYear(new Date('2026-05-01T13:00:00Z'), new Date('2026-05-03T01:00:00Z'))], [[2026, 2]]);
  t.same([...daysByFinancialYear(new Date('2026-05-03T00:00:00Z'), new Date('2026-05-03T00:00:00Z'))], [], 'an empty range');
  // Two whole years and a bit: 1 April 2026 to 2 April 2028: 365, 366, 1.
  t.same([...daysByFinancialYear(new Date('2026-04-01T00:00:00Z'), new Date('2028-04-02T00:00:00Z'))], [
    [2026, 365],
    [2027, 366],
    [2028, 1],
  ]);
});

t.test('price bases: the deflator held before and after its years, factors, dated prices', async (t) => {
  const table = {
    index: [
      { financialYear: '2024-25', index: 100 },
      { financialYear: '2025-26', index: 102 },
      { financialYear: '2026-27', index: 104.04 },
    ],
  };
  t.equal(financialYearStartOf('2026-27'), 2026);
  for (const bad of ['2026', 'x2026-27', '2026-27x', '26-27']) t.throws(() => financialYearStartOf(bad), RangeError, bad);
  t.equal(deflatorIndexOf(table, 2023), 100, 'before the first year: the first index');
  t.equal(deflatorIndexOf(table, 2024), 100);
  t.equal(deflatorIndexOf(table, 2025), 102);
  t.equal(deflatorIndexOf(table, 2026), 104.04);
  t.equal(deflatorIndexOf(table, 2027), 104.04, 'after the last year: the last index, held');
  t.throws(() => deflatorIndexOf({ index: [] }, 2026), RangeError);
  t.equal(lastIndexedYear(table), '2026-27');
  // Cash of 2026-27 in 2024-25 prices: × 100 / 104.04.
  t.equal(toBaseFactor(table, '2024-25', 2026), 100 / 104.04);
  t.equal(toBaseFactor(table, '2025-26', 2024), 102 / 100);
  t.equal(toBaseFactor(table, '2025-26', 2025), 1);

  // From 15 May 2025 at £700, £720 from 1 October 2025, £750 from 1 June 2026, charged to
  // 2026-27; factor 0.5 in 2025-26 and 0.25 in 2026-27 (exact in binary). The converted schedule:
  // £350 from the start; 1 October 2025: 720 × 0.5 = 360; 1 April 2026 (the factor changes):
  // 720 × 0.25 = 180; 1 June 2026: 750 × 0.25 = 187.5. In date order.
  const factor = (y: number) => (y === 2025 ? 0.5 : y === 2026 ? 0.25 : Number.NaN);
  const changes = [
    { from: '2025-10-01', weeklyPrice: 720 },
    { from: '2026-06-01', weeklyPrice: 750 },
  ];
  t.same(deflateDatedPrice(700, changes, '2025-05-15', 2026, factor), {
    weeklyPrice: 350,
    changes: [
      { from: '2025-10-01', weeklyPrice: 360 },
      { from: '2026-04-01', weeklyPrice: 180 },
      { from: '2026-06-01', weeklyPrice: 187.5 },
    ],
  });
  // A change on the start day is the start price, not a change (c.from > start; priceOn uses <=).
  t.same(deflateDatedPrice(700, [{ from: '2025-05-15', weeklyPrice: 800 }], '2025-05-15', 2025, factor), { weeklyPrice: 400, changes: [] });
  // Starting on 1 April 2026 (2026-27, m >= 4): factor 0.25 and no 1 April change added.
  t.same(deflateDatedPrice(700, [], '2026-04-01', 2026, factor), { weeklyPrice: 175, changes: [] });
  // Starting in March 2026 (2025-26) to 2026-27: one change on 1 April 2026.
  t.same(deflateDatedPrice(700, [], '2026-03-20', 2026, factor), { weeklyPrice: 350, changes: [{ from: '2026-04-01', weeklyPrice: 175 }] });
});

t.test('dated prices in years 0-99 are those years, not 1900-1999 (Date.UTC reads them so)', async (t) => {
  // From April 1920, £100 a week, changed to £200 from 1 January of year 50: that change was
  // in force long before 1920, so every year is charged £200. Read as 1950 (the fault), the
  // years to 1949-50 would have been charged £100.
  const years = weeklyPriceByFinancialYear({ startYear: 1920, startMonth: 4 }, 3, 100, [{ from: '0050-01-01', weeklyPrice: 200 }]);
  t.same([...years], [200, 200, 200]);
  // And a year below 100 counts its own days: from January of year 0 (a leap year in the
  // proleptic Gregorian calendar, divisible by 400) to March is 31 + 29 + 31 = 91 days in 3
  // months; read as 1900 (not a leap year) it would be 90.
  close(t, weeklyDayCountFactors({ startYear: 0, startMonth: 1 }, 1)[0], 91 / 91.25, 1e-15, 'January to March of year 0');
});
