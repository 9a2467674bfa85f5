/**
 * Dates as whole days since 1970-01-01 (UTC) and months as a running index (year × 12 + month − 1),
 * so that episode arithmetic is integer arithmetic and never touches a time zone.
 *
 * Ages follow one convention everywhere in calibration, backtest and the synthetic generator:
 * only the month of birth is kept (data minimisation), and a child is taken to be born in the
 * middle of that month. So at the first day of the birth month a child is still the younger
 * age, and the birthday falls inside the birth month: "the month of a birthday" is the birth
 * month, and the age that selects a transition row is the age in whole years at the first day
 * of the month.
 */

const MS_PER_DAY = 86_400_000;

export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** Parses DD/MM/YYYY (the return's format) or YYYY-MM-DD; undefined when not a real date. */
export function parseReturnDate(text: string): number | undefined {
  let year: number;
  let month: number;
  let day: number;
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = uk ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (uk) {
    day = Number(uk[1]);
    month = Number(uk[2]);
    year = Number(uk[3]);
  } else if (iso) {
    year = Number(iso[1]);
    month = Number(iso[2]);
    day = Number(iso[3]);
  } else {
    return undefined;
  }
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  const n = dayNumber(year, month, day);
  const back = new Date(n * MS_PER_DAY);
  if (back.getUTCDate() !== day || back.getUTCMonth() !== month - 1) return undefined;
  return n;
}

export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function parseIsoDate(text: string): number {
  const n = parseReturnDate(text);
  if (n === undefined) throw new Error(`not a date: ${text}`);
  return n;
}

/** The month index containing a day. */
export function monthOfDay(day: number): number {
  const d = new Date(day * MS_PER_DAY);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The first day of a month index. */
export function monthStartDay(month: number): number {
  return dayNumber(Math.floor(month / 12), (month % 12) + 1, 1);
}

export function monthIndex(year: number, month: number): number {
  return year * 12 + month - 1;
}

/** 'YYYY-MM' for a month index. */
export function monthLabel(month: number): string {
  return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
}

export function parseMonthLabel(text: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a month: ${text}`);
  return monthIndex(Number(m[1]), Number(m[2]));
}

/** Whole years at the first day of `month` for a child born (mid-month) in `birthMonth`. */
export function ageYearsAtMonthStart(birthMonth: number, month: number): number {
  return Math.floor((month - birthMonth - 1) / 12);
}

/** Whole months at the first day of `month` (same convention): 0 in the month after birth. */
export function ageMonthsAtMonthStart(birthMonth: number, month: number): number {
  return month - birthMonth - 1;
}

/** The age reached during `month` when it is a birth month, else undefined. */
export function birthdayAgeInMonth(birthMonth: number, month: number): number | undefined {
  const diff = month - birthMonth;
  return diff > 0 && diff % 12 === 0 ? diff / 12 : undefined;
}

/** The return year (ending 31 March) that a day falls in. */
export function returnYearOfDay(day: number): number {
  const month = monthOfDay(day);
  const year = Math.floor(month / 12);
  return month % 12 >= 3 ? year + 1 : year;
}

/** 1 April of the year before: the first day a return covers. */
export function returnYearStartDay(returnYear: number): number {
  return dayNumber(returnYear - 1, 4, 1);
}

/** 31 March: the last day a return covers. */
export function returnYearEndDay(returnYear: number): number {
  return dayNumber(returnYear, 3, 31);
}

/** The month index of April in the year before a return year (its first month). */
export function returnYearFirstMonth(returnYear: number): number {
  return monthIndex(returnYear - 1, 4);
}
