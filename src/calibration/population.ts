import { BadRequestError, type FieldError } from '../services/errors.ts';
import type { ChildPopulation } from './entries.ts';
import { type CsvRow, readTable } from './input.ts';

/**
 * The population of children by single year of age, from the ONS mid-year population estimates
 * as an authority downloads them, for entries per 10,000 (entries.ts).
 *
 * Two layouts are read, told apart by their header row (found among the first 30 rows, so the
 * title and notes lines of a table saved from the ONS workbook are skipped):
 *
 * - Wide, as in the ONS table MYE2 ("Population estimates by single year of age and sex for
 *   local authorities in the UK", dataset "Estimates of the population for the UK, England, Wales,
 *   Scotland and Northern Ireland", sheet MYE2 - Persons saved as CSV): columns Code, Name,
 *   Geography, All ages, 0, 1, ..., 89, 90 (90 and over; "90+" and Nomis's "Age 0", "Aged 90+"
 *   are read too), one row per area.
 * - Long, as in the ONS detailed time series (MYEB1-style: ladcode23, laname23, country, sex,
 *   age, population_2011 ... population_2023) or any table with an area code, age and a
 *   population column (population, population_YYYY, value, count, obs_value), optionally a
 *   year column (year, mid_year, date).
 *
 * Area: a code column (Code, ladcode23, LAD23CD, area code...) or a name column; with several
 * areas in the file the one asked for (by code or name) is used, and asking for none is an error.
 * Sex: rows for persons (sex persons/all/total) when present, else male and female summed.
 * Years: with several (population_YYYY columns or a year column), the mean over the mid-years
 * asked for (the reference window's), else the latest, and the report says which.
 *
 * Errors are 400 problem+json naming the field (`population`, or what the caller passes), the
 * row (the header is row 1) and the column.
 */

export interface PopulationOptions {
  /** The area wanted: an ONS code (E09000001) or a name, as the file has it. */
  area?: string | undefined;
  /** Mid-years wanted (30 June of each); their mean is taken where the file has them. */
  years?: readonly number[];
  /** The field errors are reported under (default `population`). */
  field?: string;
}

export interface PopulationEstimate extends ChildPopulation {
  byAge: number[];
  layout: 'wide' | 'long';
  area: string | null;
  areaName: string | null;
  years: number[];
}

/**
 * The most people one cell may hold: one authority's children of one single year of age (or one
 * sex of them). The largest English authority by children, Kent, has about 19,000 to 20,000 at
 * each single year of age 0-17 (ONS mid-2023 estimates, MYE2; Birmingham about 17,000), so
 * 50,000 is well above any authority and far below a country (England: about 600,000 a year of
 * age). A larger value is a misread file or the wrong area's row (the review of issue 11 sent
 * 1e12 at every age: accepted, then the job failed).
 */
export const MAX_PEOPLE_PER_AGE = 50_000;

/** Ages needed: 0 to 17. */
const CHILD_AGES = 18;
const HEADER_SEARCH_ROWS = 30;

/** A cell as it may be quoted back: control characters shown as \\uXXXX, never raw. */
const printable = (text: string) => text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const norm = (cell: string) => cell.toLowerCase().replace(/[^a-z0-9+]/g, '');
const isCode = (h: string) => h === 'code' || h === 'areacode' || h === 'geographycode' || h === 'geogcode' || h === 'mnemonic' || /^[a-z]*code\d{0,4}$/.test(h) || /^[a-z]+\d{2}cd$/.test(h);
const isName = (h: string) => h === 'name' || h === 'areaname' || h === 'geography' || /^[a-z]*name\d{0,4}$/.test(h) || /^[a-z]+\d{2}nm$/.test(h);
const isSex = (h: string) => h === 'sex' || h === 'gender' || h === 'sexname';
const isAge = (h: string) => h === 'age' || h === 'ageyears' || h === 'singleyearofage';
const isYear = (h: string) => h === 'year' || h === 'midyear' || h === 'date';
const populationYear = (h: string): number | null | undefined => {
  const m = /^(?:population|pop|mid)(\d{4})$/.exec(h);
  if (m) return Number(m[1]);
  if (h === 'population' || h === 'value' || h === 'count' || h === 'obsvalue' || h === 'persons') return null;
  return undefined;
};
/** An age column of the wide layout: 0, 90+, Age 0, Aged 90+. */
const wideAge = (cell: string): number | undefined => {
  const m = /^(?:age|aged)?\s*(\d{1,3})\+?$/i.exec(cell.trim());
  return m ? Number(m[1]) : undefined;
};
const PERSONS = new Set(['persons', 'person', 'all', 'allpersons', 'total', 'people', 'p', 'allsexes']);

/** Reads a population file (CSV in any encoding the SSDA903 import reads, or .xlsx: first sheet). */
export async function readPopulation(file: { name: string; bytes: Uint8Array }, options: PopulationOptions = {}): Promise<PopulationEstimate> {
  const rows: CsvRow[] = [];
  const field = options.field ?? 'population';
  try {
    await readTable({ name: file.name, chunks: async function* () { yield file.bytes; } }, (row) => {
      rows.push(row);
    });
  } catch (error) {
    if (error instanceof BadRequestError) throw new BadRequestError(`The population file ${error.message}`, [{ field, reason: error.message }]);
    throw error;
  }
  return parsePopulation(rows, file.name, options);
}

/** The population from rows already read (the header among the first 30). */
export function parsePopulation(rows: readonly CsvRow[], fileName: string, options: PopulationOptions = {}): PopulationEstimate {
  const field = options.field ?? 'population';
  const fail = (reason: string, row?: number): never => {
    const error: FieldError = { field, reason, ...(row !== undefined ? { row } : {}) };
    throw new BadRequestError(`The population file ${fileName}${row !== undefined ? `, row ${row}` : ''}: ${reason}`, [error]);
  };
  let headerAt = -1;
  let layout: 'wide' | 'long' | undefined;
  for (let i = 0; i < Math.min(rows.length, HEADER_SEARCH_ROWS); i++) {
    const cells = rows[i].cells.map(norm);
    if (cells.some(isAge) && cells.some((c) => populationYear(c) !== undefined)) {
      layout = 'long';
      headerAt = i;
      break;
    }
    // Five or more age columns starting at 0 make a wide header even when some children's ages are
    // missing: the file is then refused naming the first missing age, not as headerless.
    const ages = new Set(rows[i].cells.map(wideAge).filter((a) => a !== undefined));
    if (ages.has(0) && ages.size >= 5) {
      layout = 'wide';
      headerAt = i;
      break;
    }
  }
  if (!layout) {
    return fail(
      'no header row found in its first 30 rows: expected the ONS mid-year estimates by single year of age, either wide (Code, Name, All ages, 0, 1, ..., 90) or long (a code, age and population column, e.g. ladcode23, age, population_2023)',
    );
  }
  const header = rows[headerAt].cells;
  const heads = header.map(norm);
  const codeAt = heads.findIndex(isCode);
  const nameAt = heads.findIndex(isName);
  const sexAt = heads.findIndex(isSex);
  const data = rows.slice(headerAt + 1).filter((r) => r.cells.some((c) => c.trim() !== ''));
  const number = (row: CsvRow, at: number): number => {
    const raw = (row.cells[at] ?? '').trim().replace(/,/g, '');
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value) || value < 0) fail(`column ${printable(header[at])} must be a number of people, not "${printable((row.cells[at] ?? '').slice(0, 20))}"`, row.row);
    // ONS mid-year estimates are whole people: a fraction is a misread file or a rate, not a count.
    if (!Number.isInteger(value)) fail(`column ${printable(header[at])} must be a whole number of people (the ONS mid-year estimates are integers), not ${raw.slice(0, 20)}`, row.row);
    if (value > MAX_PEOPLE_PER_AGE) {
      fail(
        `column ${printable(header[at])} holds ${raw.slice(0, 20)} people, more than ${MAX_PEOPLE_PER_AGE.toLocaleString('en-GB')}: no English authority has that many children of one year of age (the largest, Kent, has about 20,000); is this the right area and column?`,
        row.row,
      );
    }
    return value;
  };

  // Which area: by code or name, the one asked for, or the only one.
  const areaOf = (row: CsvRow) => ({ code: codeAt >= 0 ? (row.cells[codeAt] ?? '').trim() : '', name: nameAt >= 0 ? (row.cells[nameAt] ?? '').trim() : '' });
  const areas = new Map<string, { code: string; name: string }>();
  for (const row of data) {
    const a = areaOf(row);
    areas.set(`${a.code}|${a.name}`, a);
  }
  let chosen: { code: string; name: string } | undefined;
  if (options.area !== undefined) {
    const want = options.area.trim().toLowerCase();
    chosen = [...areas.values()].find((a) => a.code.toLowerCase() === want) ?? [...areas.values()].find((a) => a.name.toLowerCase() === want);
    if (!chosen) {
      const some = [...areas.values()].slice(0, 5).map((a) => printable(a.code || a.name)).join(', ');
      return fail(`has no area ${printable(options.area)}${codeAt < 0 && nameAt < 0 ? ' (it has no code or name column)' : ` (${areas.size} area(s), e.g. ${some})`}`);
    }
  } else if (areas.size > 1) {
    const some = [...areas.values()].slice(0, 5).map((a) => printable(a.code || a.name)).join(', ');
    return fail(`holds ${areas.size} areas (${some}...): name the authority's ONS code (populationArea, --population-area)`);
  } else {
    chosen = [...areas.values()][0];
  }
  if (!chosen) return fail('has no data rows under its header', rows[headerAt].row + 1);
  const mine = data.filter((r) => {
    const a = areaOf(r);
    return a.code === chosen.code && a.name === chosen.name;
  });
  // Persons where the file has them, else every sex summed.
  const sexRows = (list: CsvRow[]) => {
    if (sexAt < 0) return list;
    const persons = list.filter((r) => PERSONS.has(norm(r.cells[sexAt] ?? '')));
    return persons.length > 0 ? persons : list;
  };

  const byAge = new Array<number>(CHILD_AGES).fill(0);
  const seen = new Array<boolean>(CHILD_AGES).fill(false);
  let years: number[] = [];
  if (layout === 'wide') {
    const ageColumns = new Map<number, number>();
    header.forEach((cell, i) => {
      const age = wideAge(cell);
      if (age !== undefined && age < CHILD_AGES && !ageColumns.has(age)) ageColumns.set(age, i);
    });
    for (let age = 0; age < CHILD_AGES; age++) if (!ageColumns.has(age)) fail(`has no column for age ${age} (ages 0 to 17 are needed)`, rows[headerAt].row);
    const list = sexRows(mine);
    for (const row of list) {
      for (const [age, at] of ageColumns) {
        byAge[age] += number(row, at);
        seen[age] = true;
      }
    }
  } else {
    const ageAt = heads.findIndex(isAge);
    const yearAt = heads.findIndex(isYear);
    const popColumns = heads.map((h, i) => ({ i, year: populationYear(h) })).filter((c) => c.year !== undefined) as { i: number; year: number | null }[];
    const list = sexRows(mine);
    // The years: population_YYYY columns, or a year column's values.
    type Source = { year: number | null; value: (row: CsvRow) => number | undefined };
    let sources: Source[];
    if (yearAt >= 0) {
      const yearsHere = [...new Set(list.map((r) => Number.parseInt((r.cells[yearAt] ?? '').trim().slice(0, 4), 10)).filter(Number.isFinite))].sort((a, b) => a - b);
      const pop = popColumns[0].i;
      sources = yearsHere.map((y) => ({ year: y, value: (row: CsvRow) => (Number.parseInt((row.cells[yearAt] ?? '').trim().slice(0, 4), 10) === y ? number(row, pop) : undefined) }));
    } else {
      sources = popColumns.map((c) => ({ year: c.year, value: (row: CsvRow) => number(row, c.i) }));
    }
    const dated = sources.filter((s) => s.year !== null);
    let use: Source[];
    if (dated.length === 0) use = sources.slice(0, 1);
    else {
      const wanted = dated.filter((s) => options.years?.includes(s.year as number));
      use = wanted.length > 0 ? wanted : [dated.reduce((a, b) => ((a.year as number) >= (b.year as number) ? a : b))];
    }
    years = use.filter((s) => s.year !== null).map((s) => s.year as number);
    for (const row of list) {
      const raw = (row.cells[ageAt] ?? '').trim();
      const m = /^(?:age|aged)?\s*(\d{1,3})\+?$/i.exec(raw);
      if (!m) {
        if (/^(all|total|all ages)$/i.test(raw)) continue;
        fail(`column ${header[ageAt]} must be a single year of age (0, 1, ..., 90+), not "${raw.slice(0, 20)}"`, row.row);
      }
      const age = Number(m![1]);
      if (age >= CHILD_AGES) continue;
      let sum = 0;
      let count = 0;
      for (const s of use) {
        const v = s.value(row);
        if (v === undefined) continue;
        sum += v;
        count += 1;
      }
      if (count === 0) continue;
      byAge[age] += sum / use.length;
      seen[age] = true;
    }
  }
  const missing = seen.findIndex((s) => !s);
  if (missing >= 0) fail(`has no population for age ${missing}${chosen.code || chosen.name ? ` in ${printable(chosen.code || chosen.name)}` : ''} (ages 0 to 17 are needed)`);
  if (byAge.every((n) => n === 0)) fail(`has no children aged 0 to 17${chosen.code || chosen.name ? ` in ${printable(chosen.code || chosen.name)}` : ''}`);
  const where = printable([chosen.code, chosen.name].filter(Boolean).join(' '));
  // A population of other years than the window's is used as given, and said: a stale estimate
  // misstates the rate by the population's change since (a fresh review passed mid-2010 for 2020-2023 unremarked).
  const wanted = options.years ?? [];
  let warning: string | undefined;
  if (wanted.length > 0 && years.length > 0 && !years.some((y) => wanted.includes(y))) {
    const latest = Math.max(...years);
    const first = Math.min(...wanted);
    const last = Math.max(...wanted);
    warning =
      latest < first
        ? `the population is of mid-${latest}, ${first - latest} year${first - latest === 1 ? '' : 's'} before the window's first mid-year (mid-${first}); it is used as given`
        : `the population is of mid-${Math.min(...years)}, after the window's mid-years (mid-${first} to mid-${last}); it is used as given`;
  }
  const when = years.length === 0 ? '' : years.length === 1 ? `, mid-${years[0]}` : `, mean of mid-${years[0]} to mid-${years[years.length - 1]}`;
  return {
    byAge,
    layout,
    area: chosen.code ? printable(chosen.code) : null,
    areaName: chosen.name ? printable(chosen.name) : null,
    years,
    source: {
      description: `ONS mid-year population estimates (${fileName}${where ? `: ${where}` : ''}${when}), ${Math.round(byAge.reduce((a, b) => a + b, 0))} children aged 0-17`,
      ...(chosen.code ? { area: printable(chosen.code) } : {}),
      ...(years.length ? { years } : {}),
      ...(warning ? { warning } : {}),
    },
  };
}

/** The mid-years a window of return years spans: return year Y (April Y−1 to March Y) is mid-(Y − 1). */
export function midYearsOf(window: { fromYear: number; toYear: number }): number[] {
  const out: number[] = [];
  for (let y = window.fromYear; y <= window.toYear; y++) out.push(y - 1);
  return out;
}
