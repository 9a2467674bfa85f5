import { absoluteMonth, financialYearStart } from './financial-year.ts';

/**
 * Day counts shared by the 12-month budget and projections, so that the two reconcile: a weekly
 * price costs a seventh of itself for each calendar day (days ÷ 7, so a year is 52.14 weeks,
 * not 52), and a first month that starts after the 1st is charged for its remaining days only.
 *
 * Projections step by months and hold weekly prices per standard month of 365/12 days. Each
 * financial year y of a projection gets one factor: its calendar days D(y) (from the start day in
 * the first month) over its months M(y) × 365/12. Anyone in a state for all of a financial year
 * (a fixed plan, a steady state) is then charged exactly D(y) ÷ 7 weeks, as the budget charges; a
 * stay of part of a year is charged at that year's mean month length (an error of under two
 * days per change of state, either way).
 */

export const STANDARD_MONTH_DAYS = 365 / 12;

/** Date.UTC(year, month, day) for every year: Date.UTC itself reads years 0-99 as 1900-1999. */
function utcTime(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcTime(year, month, 0)).getUTCDate();
}

/**
 * Per financial year (index 0 = the year containing the start month), the factor turning a
 * standard month of a weekly price into that year's calendar days ÷ 7: D(y) / (M(y) × 365/12).
 * Years are complete after the first (April to March); `startDay` (1-31, default 1) starts the
 * first month part way.
 */
export function weeklyDayCountFactors(clock: { startYear: number; startMonth: number; startDay?: number | undefined }, financialYears: number): Float64Array {
  const first = absoluteMonth(clock.startYear, clock.startMonth);
  const base = financialYearStart(first);
  const days = new Float64Array(financialYears);
  const months = new Float64Array(financialYears);
  for (let m = 0; ; m++) {
    const absolute = first + m;
    const f = financialYearStart(absolute) - base;
    if (f >= financialYears) break;
    const year = Math.floor(absolute / 12);
    const month = (absolute % 12) + 1;
    let d = daysInMonth(year, month);
    if (m === 0) d -= Math.min(d, Math.max(1, clock.startDay ?? 1)) - 1;
    days[f] += d;
    months[f] += 1;
  }
  const factors = new Float64Array(financialYears);
  for (let f = 0; f < financialYears; f++) factors[f] = months[f] > 0 ? days[f] / (months[f] * STANDARD_MONTH_DAYS) : 1;
  return factors;
}

/**
 * The weekly price of each financial year of a projection when a price changes on dated days
 * (a provider's uplift from 1 April, say): the day-weighted mean of the price in force over
 * the year's days from the projection's start, so that days ÷ 7 × this price is the year's cost
 * exactly, as the budget charges it. `changes` are sorted by date (YYYY-MM-DD); the base price
 * applies before the first.
 */
export function weeklyPriceByFinancialYear(
  clock: { startYear: number; startMonth: number; startDay?: number | undefined },
  financialYears: number,
  basePrice: number,
  changes: ReadonlyArray<{ from: string; weeklyPrice: number }>,
): Float64Array {
  const dayMs = 86_400_000;
  const start = utcTime(clock.startYear, clock.startMonth - 1, Math.max(1, clock.startDay ?? 1));
  const firstFy = clock.startMonth >= 4 ? clock.startYear : clock.startYear - 1;
  const dated = changes.map((c) => {
    const [y, m, d] = c.from.split('-').map(Number);
    return { from: utcTime(y, m - 1, d), price: c.weeklyPrice };
  });
  const out = new Float64Array(financialYears);
  for (let f = 0; f < financialYears; f++) {
    const from = f === 0 ? start : utcTime(firstFy + f, 3, 1);
    const to = utcTime(firstFy + f + 1, 3, 1);
    let weighted = 0;
    let price = basePrice;
    let cursor = from;
    for (const change of dated) {
      if (change.from <= from) {
        price = change.price;
        continue;
      }
      if (change.from >= to) break;
      weighted += price * ((change.from - cursor) / dayMs);
      cursor = change.from;
      price = change.price;
    }
    weighted += price * ((to - cursor) / dayMs);
    out[f] = weighted / ((to - from) / dayMs);
  }
  return out;
}
