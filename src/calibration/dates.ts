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

/** How a date cell was written: the return's DD/MM/YYYY, ISO YYYY-MM-DD, either with a zero time, or an Excel serial number. */
export type DateForm = 'dmy' | 'iso' | 'datetime' | 'serial';

/** Excel's day zero: serial n is 1899-12-30 + n days (the 1900 leap-year bug makes serials before 61 wrong, so they are not taken). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30) / MS_PER_DAY;
const FIRST_SERIAL = 61; // 1900-03-01
const LAST_SERIAL = Date.UTC(2200, 11, 31) / MS_PER_DAY - EXCEL_EPOCH;

function checkedDay(year: number, month: number, day: number): number | undefined {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  const n = dayNumber(year, month, day);
  const back = new Date(n * MS_PER_DAY);
  if (back.getUTCDate() !== day || back.getUTCMonth() !== month - 1) return undefined;
  return n;
}

// A zero time as pandas, Excel and database exports append it: " 00:00", " 00:00:00", "T00:00:00.000Z", "+00:00".
const ZERO_TIME = '(?:[ T]00:00(?::00(?:\\.0+)?)?(?:Z|[+-]00:?00)?)';
const DMY = new RegExp(`^(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4})(${ZERO_TIME})?$`);
const ISO = new RegExp(`^(\\d{4})([-/])(\\d{2})\\2(\\d{2})(${ZERO_TIME})?$`);
const NAMED = new RegExp(`^(\\d{1,2})[ -]([A-Za-z]{3,9})[ -](\\d{4})(${ZERO_TIME})?$`);
const SERIAL = /^(\d{2,6})(?:\.0+)?$/;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * Reads a date cell in any of the forms real returns carry: DD/MM/YYYY (the return's format; day
 * and month may have one digit, and the separator may be "-" or "." as some exports write it),
 * YYYY-MM-DD (or YYYY/MM/DD), "3 May 2023" or "03-May-2023" (Excel's display forms), any of them
 * followed by a zero time ("2023-05-03 00:00:00", as pandas and Excel write dates), or, when
 * `serials` is set, an Excel serial number (a whole number from 61 to the serial of 31/12/2200,
 * counted from 1899-12-30). A non-zero time is refused rather than guessed at:
 * "2023-05-02T23:00:00Z" is often midnight of the 3rd in British Summer Time. Two-digit years
 * are refused (a date of birth in '09 could be 1909 or 2009). Returns the day number and the
 * form, or undefined.
 */
export function readDate(text: string, options: { serials?: boolean } = {}): { day: number; form: DateForm } | undefined {
  const uk = DMY.exec(text);
  if (uk) {
    const day = checkedDay(Number(uk[4]), Number(uk[3]), Number(uk[1]));
    return day === undefined ? undefined : { day, form: uk[5] ? 'datetime' : 'dmy' };
  }
  const iso = ISO.exec(text);
  if (iso) {
    const day = checkedDay(Number(iso[1]), Number(iso[3]), Number(iso[4]));
    return day === undefined ? undefined : { day, form: iso[5] ? 'datetime' : 'iso' };
  }
  const named = NAMED.exec(text);
  if (named) {
    const word = named[2].toLowerCase();
    const month = MONTHS.findIndex((m) => word === m || word === m.slice(0, 3));
    if (month < 0) return undefined;
    const day = checkedDay(Number(named[3]), month + 1, Number(named[1]));
    return day === undefined ? undefined : { day, form: named[4] ? 'datetime' : 'dmy' };
  }
  if (options.serials) {
    const serial = SERIAL.exec(text);
    if (serial) {
      const n = Number(serial[1]);
      if (n >= FIRST_SERIAL && n <= LAST_SERIAL) return { day: EXCEL_EPOCH + n, form: 'serial' };
    }
  }
  return undefined;
}

/** Parses DD/MM/YYYY (the return's format) or YYYY-MM-DD, with or without a zero time; undefined when not a real date. */
export function parseReturnDate(text: string): number | undefined {
  return readDate(text)?.day;
}

/**
 * Whether a date text only makes sense with day and month the other way round: DD/MM/YYYY whose
 * second number is above 12 and first at most 12 (MM/DD/YYYY, as American settings save it), or
 * YYYY-MM-DD whose middle number is above 12 and last at most 12 (YYYY-DD-MM). The sign of a file
 * saved in another order: such a file is refused whole rather than read half one way.
 */
export function onlyMonthFirst(text: string): boolean {
  const dmy = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})/.exec(text);
  if (dmy) {
    const first = Number(dmy[1]);
    const second = Number(dmy[3]);
    return first >= 1 && first <= 12 && second > 12 && second <= 31;
  }
  const ymd = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})/.exec(text);
  if (ymd) {
    const middle = Number(ymd[3]);
    const last = Number(ymd[4]);
    return last >= 1 && last <= 12 && middle > 12 && middle <= 31;
  }
  return false;
}

/** The Excel serial of a day (for tests and the synthetic mangler). */
export function excelSerial(day: number): number {
  return day - EXCEL_EPOCH;
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

/** 'YYYY-MM' for a month index (the year to four digits, so labels compare as strings). */
export function monthLabel(month: number): string {
  return `${String(Math.floor(month / 12)).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`;
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
