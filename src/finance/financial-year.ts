/**
 * English public-sector financial years run from 1 April to 31 March: 2026-27 is
 * 1 April 2026 to 31 March 2027.
 */

/** Months since year 0 for a calendar (year, month 1-12): a single number to do arithmetic on. */
export function absoluteMonth(year: number, month: number): number {
  return year * 12 + (month - 1);
}

/** The calendar year in which the financial year containing this absolute month starts. */
export function financialYearStart(absolute: number): number {
  // April is month index 3: shifting by 3 makes April the first month of a 12-month block.
  return Math.floor((absolute - 3) / 12);
}

/** "2026-27" for the financial year starting in April 2026. */
export function financialYearLabel(startYear: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/** Parses "2026-27" into its start year; undefined when malformed. */
export function parseFinancialYear(label: string): number | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(label);
  if (!match) return undefined;
  const start = Number(match[1]);
  return (start + 1) % 100 === Number(match[2]) ? start : undefined;
}

/** The financial year index (0 = the year containing month 0) of each projection month. */
export function financialYearOfMonth(startYear: number, startMonth: number, months: number): Int32Array {
  const first = absoluteMonth(startYear, startMonth);
  const base = financialYearStart(first);
  const out = new Int32Array(months);
  for (let m = 0; m < months; m++) out[m] = financialYearStart(first + m) - base;
  return out;
}

/** Number of financial years touched by a projection of `months` months from (startYear, startMonth). */
export function financialYearCount(startYear: number, startMonth: number, months: number): number {
  if (months <= 0) return 0;
  const first = absoluteMonth(startYear, startMonth);
  return financialYearStart(first + months - 1) - financialYearStart(first) + 1;
}

/** Days of a date range [from, to) falling in each financial year, keyed by start year. */
export function daysByFinancialYear(from: Date, to: Date): Map<number, number> {
  const out = new Map<number, number>();
  const dayMs = 86_400_000;
  let cursor = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const end = Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate());
  while (cursor < end) {
    const d = new Date(cursor);
    const fy = d.getUTCMonth() >= 3 ? d.getUTCFullYear() : d.getUTCFullYear() - 1;
    const nextFyStart = Date.UTC(fy + 1, 3, 1);
    const stop = Math.min(end, nextFyStart);
    out.set(fy, (out.get(fy) ?? 0) + Math.round((stop - cursor) / dayMs));
    cursor = stop;
  }
  return out;
}
