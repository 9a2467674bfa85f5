import { type CodeStatus, codeStatus, codeYears, describeYears } from './code-lists.ts';
import { monthOfDay, monthStartDay, onlyMonthFirst, readDate, returnYearEndDay, returnYearStartDay } from './dates.ts';
import type { Ssda903Mapping } from './mapping.ts';
import type { CleaningCode, CleaningOutcome, ReportCollector } from './report.ts';
import type { UsedTable } from './tables.ts';
import { BadRequestError } from '../services/errors.ts';

/**
 * Cleaning episodes: each file's rows read into episodes (dates in any accepted form, codes
 * checked against the return year's lists, short breaks set aside), the same episode across
 * returns merged into one, and the relations real returns carry between a child's episodes
 * resolved: a zero-length episode followed by one starting the same day, an open episode whose
 * start date was corrected in the next return, an open episode followed by a new entry (RNE S),
 * and overlaps. Every change is reported.
 */

export interface ParsedFile {
  /** The file's name as uploaded (the report names rows by it). */
  name: string;
  kind: UsedTable;
  returnYear: number;
  columns: string[];
  rows: { row: number; cells: Record<string, string> }[];
}

export interface RawEpisode {
  file: string;
  row: number;
  returnYear: number;
  child: string;
  decom: number;
  dec: number | null;
  rne: string;
  ls: string;
  cin: string;
  place: string;
  provider: string;
  rec: string | null;
  rpc: string | null;
  distanceMiles?: number;
}

export interface MergedEpisode {
  child: string;
  decom: number;
  dec: number | null;
  knownOpenUntil: number | null;
  rne: string;
  ls: string;
  place: string;
  provider: string;
  rec: string | null;
  rpc: string | null;
  distanceMiles?: number;
  file: string;
  row: number;
  firstReturn: number;
  lastReturn: number;
}

/** Coded columns checked against the return's lists, by table. */
export const CODED_COLUMNS: Record<UsedTable, string[]> = {
  episodes: ['RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'REC', 'REASON_PLACE_CHANGE'],
  header: ['SEX'],
  uasc: ['SEX'],
  oc3: ['IN_TOUCH', 'ACTIV', 'ACCOM'],
};

/** Date columns by table: checked together for the order of day and month. */
export const DATE_COLUMNS: Record<UsedTable, string[]> = {
  episodes: ['DECOM', 'DEC'],
  header: ['DOB'],
  uasc: ['DOB'],
  oc3: ['DOB'],
};

/** Legal statuses of short breaks (respite): DfE's statistics on children looked after exclude them. */
export const SHORT_BREAK_LS = new Set(['V3', 'V4']);

export const note = (collector: ReportCollector, file: string, row: number | undefined, column: string | undefined, code: CleaningCode, action: CleaningOutcome, detail: string) =>
  collector.add({ file, ...(row !== undefined ? { row } : {}), ...(column !== undefined ? { column } : {}), code, action, detail });

/**
 * Refuses a file whose dates only make sense with the month first, and a file whose dates are
 * written both ways: a day-month order is never guessed per row, because a date such as 03/05/2023
 * reads either way and a file read half one way and half the other would be silently wrong.
 * A lone date that reads only month first among dates that read only day first, or a few among
 * dates that read either way, is taken as a typo: it is left to the row checks (invalid_date) and
 * returned as a warning, so it shows before anything else.
 *
 * @returns warnings for the answer's summary (empty when every date reads one way).
 * @throws BadRequestError naming the file, the column and a row, when a quarter or more of a
 *   column's dates read only month first and none only day first, or when more than one reads
 *   only month first among dates that read only day first (a file written both ways).
 */
export function checkDateOrder(file: ParsedFile): string[] {
  const warnings: string[] = [];
  for (const column of DATE_COLUMNS[file.kind]) {
    if (!file.columns.includes(column)) continue;
    const other = file.rows.filter((r) => onlyMonthFirst(r.cells[column] ?? ''));
    const row = other[0];
    if (!row) continue;
    const dayFirst = file.rows.find((r) => onlyMonthFirst(swapDayMonth(r.cells[column] ?? '')));
    // With no date that reads only day first, a quarter or more month-first dates is the file's
    // order (in a file saved month first about 60% of dates have a day above 12); fewer are typos.
    const filled = file.rows.filter((r) => (r.cells[column] ?? '') !== '').length;
    const monthFirstFile = dayFirst === undefined && other.length >= 0.25 * filled;
    if (monthFirstFile || (dayFirst !== undefined && other.length > 1)) {
      const mixed = dayFirst !== undefined;
      throw new BadRequestError(
        mixed
          ? `${file.name}: the dates in ${column} are written both ways round: ${other.length} read only month first (row ${row.row}: a number above 12 in the month's place) and others only day first (row ${dayFirst.row}). Dates such as 03/05/2023 cannot be told apart, so the file is not read: save every date as DD/MM/YYYY (or YYYY-MM-DD)`
          : `${file.name}: the dates in ${column} are written with day and month the other way round (MM/DD/YYYY or YYYY-DD-MM; row ${row.row} has a number above 12 in the month's place). Save the file with dates as DD/MM/YYYY (or YYYY-MM-DD); no file is read half one way and half the other`,
        [{ field: `${file.name}: ${column}`, reason: mixed ? 'dates are written both day first and month first' : 'dates have day and month the other way round (MM/DD/YYYY or YYYY-DD-MM)', row: row.row }],
      );
    }
    for (const typo of other) warnings.push(
      `${file.name}: row ${typo.row} has a ${column} that reads only month first (${typo.cells[column]}); taken as a typo and the row's date left unread (invalid_date). Check the other dates of the file are day first.`,
    );
  }
  return warnings;
}

/** The same date text with its first two numbers (or, for YYYY-MM-DD, its last two) swapped. */
function swapDayMonth(text: string): string {
  const dmy = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(.*)$/.exec(text);
  if (dmy) return `${dmy[3]}${dmy[2]}${dmy[1]}${dmy[2]}${dmy[4]}${dmy[5]}`;
  const ymd = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(.*)$/.exec(text);
  if (ymd) return `${ymd[1]}${ymd[2]}${ymd[4]}${ymd[2]}${ymd[3]}${ymd[5]}`;
  return text;
}

/** Reads a date cell; an Excel serial is taken and reported as fixed. */
export function readDateCell(collector: ReportCollector, file: string, row: number, column: string, text: string): number | undefined {
  const read = readDate(text, { serials: true });
  if (!read) return undefined;
  if (read.form === 'serial') {
    note(collector, file, row, column, 'excel_serial_date', 'fixed', `an Excel serial number, read as ${read.day >= 0 ? 'the day it counts from 30/12/1899' : 'a date'}`);
  }
  return read.day;
}

export function checkCodes(file: ParsedFile, row: { row: number; cells: Record<string, string> }, mapping: Ssda903Mapping, collector: ReportCollector): Set<string> {
  const invalid = new Set<string>();
  for (const column of CODED_COLUMNS[file.kind]) {
    if (!file.columns.includes(column)) continue;
    const value = row.cells[column];
    if (value === '') continue;
    const known: CodeStatus = codeStatus(mapping, column, value, file.returnYear);
    if (known === 'legacy') {
      note(collector, file.name, row.row, column, 'legacy_code', 'kept', `${value}: ${mapping.legacyCodes[column][value]}; mapped as the table says`);
    } else if (known === 'out_of_year') {
      note(collector, file.name, row.row, column, 'code_out_of_year', 'kept', `${value} is ${describeYears(codeYears(mapping, column, value))}, not in the ${file.returnYear - 1}-${String(file.returnYear).slice(2)} list; mapped as the table says`);
    } else if (!known) {
      invalid.add(column);
      const consequence =
        column === 'PLACE' || column === 'PLACE_PROVIDER'
          ? 'kept; taken from another return of the same episode if one has a valid code, else the placement’s state is unknown (months in it are not observed)'
          : column === 'REC'
            ? 'kept; the destination on leaving is unknown (observation ends there)'
            : column === 'IN_TOUCH' || column === 'ACTIV' || column === 'ACCOM'
              ? 'kept; the care leaver’s state at this birthday is unknown'
              : 'kept; the column is not used in calibration';
      note(collector, file.name, row.row, column, 'unknown_code', 'kept', `${value.slice(0, 20)} is not in the code list; ${consequence}`);
    }
  }
  return invalid;
}

export interface ParsedEpisodes {
  episodes: RawEpisode[];
  swapCandidates: RawEpisode[];
  /** Short-break episodes set aside, as child and start day. */
  shortBreaks: { child: string; decom: number }[];
  /** Rows whose dates fall outside the return year the file's name gives (a likely naming slip when most do). */
  outsideYear: number;
  datedRows: number;
}

export function parseEpisodes(file: ParsedFile, mapping: Ssda903Mapping, collector: ReportCollector): ParsedEpisodes {
  const yearStart = returnYearStartDay(file.returnYear);
  const yearEnd = returnYearEndDay(file.returnYear);
  const byKey = new Map<string, { episode: RawEpisode; signature: string }>();
  const swapCandidates: RawEpisode[] = [];
  const shortBreaks: { child: string; decom: number }[] = [];
  let outsideYear = 0;
  let datedRows = 0;
  for (const row of file.rows) {
    const c = row.cells;
    if (c.CHILD === '') {
      note(collector, file.name, row.row, 'CHILD', 'missing_value', 'dropped', 'an episode without a child cannot be used');
      continue;
    }
    if (c.DECOM === '') {
      note(collector, file.name, row.row, 'DECOM', 'missing_value', 'dropped', 'an episode without a start date cannot be placed in time');
      continue;
    }
    const decom = readDateCell(collector, file.name, row.row, 'DECOM', c.DECOM);
    if (decom === undefined) {
      note(collector, file.name, row.row, 'DECOM', 'invalid_date', 'dropped', 'the start date cannot be read as a date (DD/MM/YYYY, YYYY-MM-DD or an Excel serial)');
      continue;
    }
    let dec: number | null = null;
    if (c.DEC !== '') {
      const parsed = readDateCell(collector, file.name, row.row, 'DEC', c.DEC);
      if (parsed === undefined) {
        note(collector, file.name, row.row, 'DEC', 'invalid_date', 'dropped', 'the end date cannot be read as a date; another return of the episode is used if there is one');
        continue;
      }
      dec = parsed;
    }
    datedRows += 1;
    if (decom > yearEnd || (dec !== null && (dec > yearEnd || dec < yearStart))) outsideYear += 1;
    if (SHORT_BREAK_LS.has(c.LS)) {
      note(collector, file.name, row.row, 'LS', 'short_break', 'dropped', `legal status ${c.LS}: a short break (respite), excluded as the DfE’s statistics on children looked after exclude it`);
      shortBreaks.push({ child: c.CHILD, decom });
      continue;
    }
    const invalid = checkCodes(file, row, mapping, collector);
    let rec: string | null = c.REC === '' ? null : c.REC;
    if (rec !== null && dec === null) {
      note(collector, file.name, row.row, 'REC', 'rec_without_dec', 'fixed', 'REC ignored: the episode is taken as open');
      rec = null;
    }
    if (dec !== null && rec === null) {
      note(collector, file.name, row.row, 'REC', 'dec_without_rec', 'kept', 'the episode ends with no reason: the destination is unknown (observation ends there)');
    }
    if (decom > yearEnd) {
      note(collector, file.name, row.row, 'DECOM', 'decom_after_year_end', 'dropped', `the episode begins after 31 March ${file.returnYear}, so it cannot be in this return`);
      continue;
    }
    if (dec !== null && dec > yearEnd) {
      note(collector, file.name, row.row, 'DEC', 'dec_after_year_end', 'fixed', `the episode ends after 31 March ${file.returnYear}: taken as open at the end of this return`);
      dec = null;
      rec = null;
    }
    const miles = c.PL_DISTANCE !== undefined && c.PL_DISTANCE !== '' ? Number(c.PL_DISTANCE) : undefined;
    const episode: RawEpisode = {
      file: file.name,
      row: row.row,
      returnYear: file.returnYear,
      child: c.CHILD,
      decom,
      dec,
      rne: c.RNE,
      ls: c.LS,
      cin: c.CIN,
      place: invalid.has('PLACE') ? `!${c.PLACE}` : c.PLACE,
      provider: invalid.has('PLACE_PROVIDER') ? `!${c.PLACE_PROVIDER}` : c.PLACE_PROVIDER,
      rec: rec !== null && invalid.has('REC') ? `!${rec}` : rec,
      rpc: c.REASON_PLACE_CHANGE === '' ? null : c.REASON_PLACE_CHANGE,
      ...(miles !== undefined && Number.isFinite(miles) && miles >= 0 ? { distanceMiles: miles } : {}),
    };
    if (dec !== null && dec < decom) {
      swapCandidates.push(episode);
      continue;
    }
    if (dec !== null && dec < yearStart) {
      note(collector, file.name, row.row, 'DEC', 'dec_before_year_start', 'kept', `the episode ended before 1 April ${file.returnYear - 1}; its dates are still used`);
    }
    const key = `${episode.child}\u0000${decom}`;
    const signature = Object.values(c).join('\u0000');
    const before = byKey.get(key);
    if (before) {
      if (before.signature === signature) {
        note(collector, file.name, row.row, undefined, 'duplicate_row', 'dropped', `the same as row ${before.episode.row}`);
        continue;
      }
      // A zero-length episode and one that continues from the same day: the continuing one is the
      // child's placement (the zero-length one is a record of a same-day change).
      const zeroBefore = before.episode.dec === before.episode.decom;
      const zeroNew = episode.dec === episode.decom;
      if (zeroBefore !== zeroNew) {
        const dropped = zeroBefore ? before.episode : episode;
        const kept = zeroBefore ? episode : before.episode;
        note(collector, file.name, dropped.row, undefined, 'zero_length_episode', 'dropped', `begins and ends on the day row ${kept.row} begins; the continuing episode (row ${kept.row}) is kept`);
        if (zeroBefore) byKey.set(key, { episode, signature });
        continue;
      }
      const keepNew = episode.dec !== null || before.episode.dec === null;
      const dropped = keepNew ? before.episode : episode;
      const kept = keepNew ? episode : before.episode;
      note(collector, file.name, dropped.row, undefined, 'conflicting_duplicate', 'dropped', `row ${kept.row} describes the same episode and is kept (${kept.dec !== null ? 'it has an end date' : 'it is the later row'})`);
      if (keepNew) byKey.set(key, { episode, signature });
      continue;
    }
    byKey.set(key, { episode, signature });
  }
  return { episodes: [...byKey.values()].map((v) => v.episode), swapCandidates, shortBreaks, outsideYear, datedRows };
}

export const invalidCode = (code: string | null) => code?.startsWith('!') ?? false;
export const plainCode = (code: string) => (code.startsWith('!') ? code.slice(1) : code);

/** Chooses one record per episode across returns; reports disagreements. */
export function mergeAcrossReturns(records: RawEpisode[], collector: ReportCollector): MergedEpisode {
  const sorted = [...records].sort((a, b) => b.returnYear - a.returnYear);
  const primary = sorted.find((r) => r.dec !== null) ?? sorted[0];
  const merged: MergedEpisode = {
    child: primary.child,
    decom: primary.decom,
    dec: primary.dec,
    knownOpenUntil: null,
    rne: primary.rne,
    ls: primary.ls,
    place: primary.place,
    provider: primary.provider,
    rec: primary.rec,
    rpc: primary.rpc,
    ...(primary.distanceMiles !== undefined ? { distanceMiles: primary.distanceMiles } : {}),
    file: primary.file,
    row: primary.row,
    firstReturn: sorted[sorted.length - 1].returnYear,
    lastReturn: sorted[0].returnYear,
  };
  const fields = [
    ['place', 'PLACE'],
    ['provider', 'PLACE_PROVIDER'],
  ] as const;
  for (const [field, column] of fields) {
    if (invalidCode(merged[field])) {
      const valid = sorted.find((r) => !invalidCode(r[field]));
      if (valid) {
        note(collector, primary.file, primary.row, column, 'code_fixed_from_other_return', 'fixed', `${plainCode(merged[field])} replaced by ${valid[field]} from ${valid.file} row ${valid.row}, the same episode`);
        merged[field] = valid[field];
      }
    }
    for (const other of sorted) {
      if (other === primary || invalidCode(other[field]) || invalidCode(merged[field])) continue;
      if (other[field] !== merged[field]) {
        note(collector, other.file, other.row, column, 'conflicting_returns', 'fixed', `${other[field]} here, ${merged[field]} in ${primary.file} row ${primary.row}; the latter (the later or closing return) is used`);
      }
    }
  }
  for (const other of sorted) {
    if (other !== primary && other.dec !== null && primary.dec !== null && other.dec !== primary.dec) {
      note(collector, other.file, other.row, 'DEC', 'conflicting_returns', 'fixed', `the end date differs from ${primary.file} row ${primary.row}, which is used`);
    }
  }
  return merged;
}

/**
 * Groups records of the same episode (child and start day) across returns; a zero-length record
 * is dropped when another return shows an episode continuing from the same day.
 */
export function groupAcrossReturns(raw: RawEpisode[], collector: ReportCollector): Map<string, RawEpisode[]> {
  const byKey = new Map<string, RawEpisode[]>();
  for (const e of raw) {
    const key = `${e.child}\u0000${e.decom}`;
    const list = byKey.get(key) ?? [];
    list.push(e);
    byKey.set(key, list);
  }
  for (const [key, list] of byKey) {
    const continuing = list.filter((e) => e.dec !== e.decom);
    if (continuing.length > 0 && continuing.length < list.length) {
      for (const e of list) {
        if (e.dec === e.decom) note(collector, e.file, e.row, undefined, 'zero_length_episode', 'dropped', `begins and ends on the day an episode in ${continuing[0].file} row ${continuing[0].row} begins; the continuing episode is kept`);
      }
      byKey.set(key, continuing);
    }
  }
  return byKey;
}

/**
 * One child's episodes, in order, with the relations between them resolved (mergeCorrectedStarts,
 * then resolveOverlaps once open episodes know how long they are known to be open):
 * - an open episode at the end of one return and the child's first episode of the next return,
 *   begun before that return's year with the same PLACE, LS and provider but another DECOM, are
 *   one episode whose start was corrected: the later return's DECOM is used (LIIA's "episode
 *   replaced in later submission"; the DfE's 503 checks compare them);
 * - an episode still open when one with RNE S (a new period of care) begins ended before it with
 *   no known reason: the child left care and came back (LIIA rule 1A, DfE check 432). Its end is
 *   unknown, so it is observed only to the start of the month before the new entry;
 * - any other overlap: the earlier episode ends the day the next begins (with X1 when open).
 */
export function mergeCorrectedStarts(list: MergedEpisode[], collector: ReportCollector): MergedEpisode[] {
  list.sort((a, b) => a.decom - b.decom);
  const dropped = new Set<MergedEpisode>();
  for (const a of list) {
    if (a.dec !== null || dropped.has(a)) continue;
    const nextYear = a.lastReturn + 1;
    const inNext = list.filter((b) => b !== a && !dropped.has(b) && b.firstReturn === nextYear && b.decom < returnYearStartDay(nextYear));
    if (inNext.length === 0) continue;
    const b = inNext.reduce((x, y) => (y.decom < x.decom ? y : x));
    if (b.decom !== a.decom && b.place === a.place && b.ls === a.ls && b.provider === a.provider && a.firstReturn < nextYear) {
      note(
        collector,
        a.file,
        a.row,
        'DECOM',
        'conflicting_returns',
        'fixed',
        `the open episode’s start date was corrected in the next return (${b.file} row ${b.row}: same PLACE, LS and provider): one episode, with the later return’s date (${b.decom < a.decom ? 'earlier' : 'later'} by ${Math.abs(b.decom - a.decom)} day(s))`,
      );
      b.firstReturn = Math.min(b.firstReturn, a.firstReturn);
      dropped.add(a);
    }
  }
  return list.filter((e) => !dropped.has(e));
}

export function resolveOverlaps(kept: MergedEpisode[], dataEnd: number, collector: ReportCollector): MergedEpisode[] {
  for (let i = 0; i < kept.length; i++) {
    const a = kept[i];
    const b = kept[i + 1];
    if (b && a.dec === null && b.rne === 'S' && (a.knownOpenUntil ?? dataEnd) > b.decom) {
      // The month start before b's first month start must not be in a: the exit is between.
      const firstMonthOfB = monthStartDay(monthOfDay(b.decom)) === b.decom ? monthOfDay(b.decom) : monthOfDay(b.decom) + 1;
      const end = Math.max(a.decom, monthStartDay(firstMonthOfB - 1));
      note(
        collector,
        a.file,
        a.row,
        'DEC',
        'reentry_after_open_episode',
        'fixed',
        `still open when a new period of care (RNE S, ${b.file} row ${b.row}) begins: the child left care in between, on a day not returned. Closed with no known reason (observation ends before the new entry; no move between the two placements is counted)`,
      );
      a.dec = end;
      a.knownOpenUntil = null;
      a.rec = null;
      continue;
    }
    if (b && (a.dec === null ? (a.knownOpenUntil ?? dataEnd) > b.decom : a.dec > b.decom)) {
      note(collector, a.file, a.row, 'DEC', 'overlapping_episodes', 'fixed', `the episode runs past the start of the next (${b.file} row ${b.row}): it now ends that day${a.rec === null ? ', with X1' : ''}`);
      a.dec = b.decom;
      a.knownOpenUntil = null;
      if (a.rec === null) a.rec = 'X1';
    }
    if (a.rec === 'X1' && (!b || b.decom !== a.dec)) {
      note(collector, a.file, a.row, 'REC', 'x1_without_next_episode', 'kept', 'no episode begins the day this one ends: the child is not observed from then until a later episode');
    }
  }
  return kept;
}
