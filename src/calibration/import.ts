import { createHmac, randomBytes } from 'node:crypto';
import { BadRequestError, type FieldError } from '../services/errors.ts';
import { dayNumber, isoDate, monthLabel, monthOfDay, parseReturnDate, returnYearEndDay, returnYearStartDay } from './dates.ts';
import { ByteBudget, type CsvSource, csvSources, DEFAULT_INPUT_LIMITS, type InputLimits, type Ssda903Upload, streamCsv } from './input.ts';
import { DEFAULT_MAPPING, isKnownCode, type Ssda903Mapping } from './mapping.ts';
import { type CleaningCode, type CleaningOutcome, type ImportedFileSummary, type ImportReport, ReportCollector } from './report.ts';

/**
 * importSsda903: one or more years of the SSDA903 return (episodes, header, UASC and OC3 files,
 * as uploads or inside zip archives) read as streams, cleaned as the return's guidance implies,
 * and merged across years into one history per child. Pure: no storage; it either returns the
 * whole result or throws a typed error (400 for files it cannot read, 413 for files too large),
 * so nothing is ever half-imported.
 *
 * What is kept: a keyed pseudonym per child (never the return's CHILD identifier), the month of
 * birth (not the day), whether the child was an unaccompanied asylum seeker, the episodes' dates
 * and codes, and the care leaver records. Names, postcodes, sex, ethnicity and the other columns
 * calibration does not use are never stored; a placement distance, when the files carry one, is
 * reduced to a band.
 */

export type FileKind = 'episodes' | 'header' | 'uasc' | 'oc3';

const PERSONAL_COLUMNS = ['NAME', 'FULL_NAME', 'FORENAME', 'FORENAMES', 'FIRST_NAME', 'SURNAME', 'LAST_NAME', 'CHILD_NAME'];
const POSTCODE_COLUMNS = ['HOME_POST', 'PL_POST'];

const COLUMNS: Record<FileKind, { required: string[]; optional: string[] }> = {
  episodes: {
    required: ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE'],
    optional: [...POSTCODE_COLUMNS, 'PL_DISTANCE', 'URN', 'PL_LA', 'PL_LOCATION', 'LA_CODE', ...PERSONAL_COLUMNS],
  },
  header: { required: ['CHILD', 'DOB'], optional: ['SEX', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB', 'LA_CODE', ...PERSONAL_COLUMNS] },
  uasc: { required: ['CHILD', 'DOB'], optional: ['SEX', 'DUC', 'LA_CODE', ...PERSONAL_COLUMNS] },
  oc3: { required: ['CHILD', 'DOB', 'IN_TOUCH', 'ACTIV', 'ACCOM'], optional: ['LA_CODE', ...PERSONAL_COLUMNS] },
};

/** Coded columns checked against the return's lists, by file kind. */
const CODED_COLUMNS: Record<FileKind, string[]> = {
  episodes: ['RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'REC', 'REASON_PLACE_CHANGE'],
  header: ['SEX'],
  uasc: ['SEX'],
  oc3: ['IN_TOUCH', 'ACTIV', 'ACCOM'],
};

const FORMULA_START = /^[=+\-@\t\r]/;

export interface ImportedChild {
  /** A keyed pseudonym: the same child has the same pseudonym across years of one import. */
  id: string;
  /** YYYY-MM. */
  birthMonth: string;
  uasc: boolean;
}

export interface ImportedEpisode {
  child: string;
  /** DECOM, YYYY-MM-DD. */
  start: string;
  /** DEC, YYYY-MM-DD; null while open. */
  end: string | null;
  /** For an open episode: the day up to which it is known to be open (the day after the last return that shows it). */
  knownOpenUntil: string | null;
  place: string;
  provider: string;
  legalStatus: string;
  reasonNewEpisode: string;
  /** REC; null while open or when not given. */
  reasonEnded: string | null;
  reasonPlaceChange: string | null;
  /** Whole years of age on the day the episode ended (so exits at 18 are told from exits at 17 without keeping the day of birth). */
  ageAtEndYears: number | null;
  /** Distance from home in miles, as a band, when the files carry PL_DISTANCE. */
  distanceBand?: string;
  source: { file: string; row: number };
}

export interface ImportedOc3 {
  child: string;
  returnYear: number;
  /** The birthday (19, 20 or 21) that falls in the return's year. */
  ageYears: number;
  inTouch: string;
  activity: string;
  accommodation: string;
  source: { file: string; row: number };
}

export interface ImportedSsda903 {
  returnYears: number[];
  /** 1 April of the first return's year. */
  dataStart: string;
  /** 1 April after the last return: episodes open at its end are taken as open on this day. */
  dataEnd: string;
  children: ImportedChild[];
  episodes: ImportedEpisode[];
  oc3: ImportedOc3[];
  report: ImportReport;
}

export interface ImportProgress {
  phase: 'read' | 'clean';
  file?: string;
  filesRead: number;
  files: number;
  bytesRead: number;
}

export interface ImportOptions {
  limits?: Partial<InputLimits>;
  /** The code lists to check against (the default table's, unless an authority's table is given). */
  mapping?: Ssda903Mapping;
  /** Key for the pseudonyms; random per import unless given (so pseudonyms do not link imports). */
  pseudonymKey?: string;
  onProgress?: (progress: ImportProgress) => void;
}

interface ParsedFile {
  name: string;
  kind: FileKind;
  returnYear: number;
  columns: string[];
  rows: { row: number; cells: Record<string, string> }[];
}

export function identifyFile(name: string): { kind: FileKind; returnYear: number } | undefined {
  if (!/\.csv$/i.test(name)) return undefined;
  const kind = /(episodes?|header|uasc|oc3)/i.exec(name)?.[1]?.toLowerCase();
  const year = /(?:^|\D)((?:19|20)\d{2})(?:\D|$)/.exec(name)?.[1];
  if (!kind || !year) return undefined;
  return { kind: (kind.startsWith('episode') ? 'episodes' : kind) as FileKind, returnYear: Number(year) };
}

/** Whole years from a date of birth to a day (a 29 February birthday falls on 1 March). */
export function wholeYears(dob: number, day: number): number {
  const [by, bm, bd] = isoDate(dob).split('-').map(Number);
  const [y, m, d] = isoDate(day).split('-').map(Number);
  let years = y - by;
  if (m < bm || (m === bm && d < bd)) years -= 1;
  return years;
}

function distanceBand(miles: number): string {
  if (miles < 5) return 'under 5 miles';
  if (miles < 10) return '5 to 10 miles';
  if (miles < 20) return '10 to 20 miles';
  return '20 miles or more';
}

async function readFiles(sources: CsvSource[], options: ImportOptions, collector: ReportCollector): Promise<ParsedFile[]> {
  const headerErrors: FieldError[] = [];
  const seen = new Map<string, string>();
  const identified = sources.map((source) => {
    const id = identifyFile(source.name);
    if (!id) {
      throw new BadRequestError(
        `Cannot tell which part of the return ${source.name} is: name files YEAR-episodes.csv, YEAR-header.csv, YEAR-uasc.csv or YEAR-oc3.csv, where YEAR is the year the return ends (31 March)`,
      );
    }
    const key = `${id.kind}:${id.returnYear}`;
    const before = seen.get(key);
    if (before) throw new BadRequestError(`${before} and ${source.name} are both the ${id.returnYear} ${id.kind} file`);
    seen.set(key, source.name);
    return { source, ...id };
  });
  const files: ParsedFile[] = [];
  let bytesRead = 0;
  let filesRead = 0;
  for (const { source, kind, returnYear } of identified) {
    const spec = COLUMNS[kind];
    let columns: string[] = [];
    let headerOk = true;
    const rows: ParsedFile['rows'] = [];
    await streamCsv(
      source,
      ({ row, cells }) => {
        if (row === 1) {
          columns = cells.map((c) => c.trim().toUpperCase());
          const known = new Set([...spec.required, ...spec.optional]);
          for (const required of spec.required) {
            if (!columns.includes(required)) headerErrors.push({ field: `${source.name}: ${required}`, reason: `missing column (a ${kind} file needs ${spec.required.join(', ')})` });
          }
          columns.forEach((column, i) => {
            if (!known.has(column)) headerErrors.push({ field: `${source.name}: ${column || `column ${i + 1}`}`, reason: 'is not a column of the SSDA903 return' });
            else if (columns.indexOf(column) !== i) headerErrors.push({ field: `${source.name}: ${column}`, reason: 'appears twice' });
          });
          headerOk = !headerErrors.some((e) => e.field.startsWith(`${source.name}: `));
          return;
        }
        if (!headerOk) return;
        if (cells.length !== columns.length) {
          collector.add({ file: source.name, row, code: 'wrong_field_count', action: 'dropped', detail: `the row has ${cells.length} cells, the header ${columns.length}` });
          return;
        }
        const record: Record<string, string> = {};
        columns.forEach((column, i) => {
          let value = cells[i];
          if (FORMULA_START.test(value)) {
            collector.add({ file: source.name, row, column, code: 'formula_injection', action: 'fixed', detail: 'neutralised with a leading apostrophe; the value is not a valid code or date' });
            value = `'${value}`;
          }
          record[column] = value;
        });
        rows.push({ row, cells: record });
      },
      (bytes) => {
        bytesRead += bytes;
        options.onProgress?.({ phase: 'read', file: source.name, filesRead, files: identified.length, bytesRead });
      },
    );
    filesRead += 1;
    options.onProgress?.({ phase: 'read', file: source.name, filesRead, files: identified.length, bytesRead });
    if (!headerOk) continue;
    for (const column of columns) {
      if (spec.required.includes(column) || column === 'PL_DISTANCE') continue;
      if (POSTCODE_COLUMNS.includes(column)) {
        collector.add({
          file: source.name,
          column,
          code: 'postcode_reduced',
          action: 'dropped',
          detail: columns.includes('PL_DISTANCE') ? 'postcodes are never stored; PL_DISTANCE is kept as a distance band' : 'postcodes are never stored, and no distance can be computed without storing them',
        });
      } else if (PERSONAL_COLUMNS.includes(column)) {
        collector.add({ file: source.name, column, code: 'column_dropped', action: 'dropped', detail: 'names are never stored' });
      } else {
        collector.add({ file: source.name, column, code: 'column_dropped', action: 'dropped', detail: 'not needed for calibration, so not stored' });
      }
    }
    files.push({ name: source.name, kind, returnYear, columns, rows });
  }
  if (headerErrors.length) throw new BadRequestError('Some files do not have the columns of the SSDA903 return', headerErrors);
  return files;
}

interface RawEpisode {
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

interface MergedEpisode {
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
  lastReturn: number;
}

interface DobSource {
  file: string;
  row: number;
  returnYear: number;
  priority: number;
  dob: number;
}

const note = (collector: ReportCollector, file: string, row: number | undefined, column: string | undefined, code: CleaningCode, action: CleaningOutcome, detail: string) =>
  collector.add({ file, ...(row !== undefined ? { row } : {}), ...(column !== undefined ? { column } : {}), code, action, detail });

function checkCodes(file: ParsedFile, row: { row: number; cells: Record<string, string> }, mapping: Ssda903Mapping, collector: ReportCollector): Set<string> {
  const invalid = new Set<string>();
  for (const column of CODED_COLUMNS[file.kind]) {
    if (!file.columns.includes(column)) continue;
    const value = row.cells[column];
    if (value === '') continue;
    const known = isKnownCode(mapping, column, value);
    if (known === 'legacy') {
      note(collector, file.name, row.row, column, 'legacy_code', 'kept', `${value}: ${mapping.legacyCodes[column][value]}; mapped as the table says`);
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

function parseEpisodes(file: ParsedFile, mapping: Ssda903Mapping, collector: ReportCollector): { episodes: RawEpisode[]; swapCandidates: RawEpisode[] } {
  const yearStart = returnYearStartDay(file.returnYear);
  const yearEnd = returnYearEndDay(file.returnYear);
  const byKey = new Map<string, { episode: RawEpisode; signature: string }>();
  const swapCandidates: RawEpisode[] = [];
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
    const decom = parseReturnDate(c.DECOM);
    if (decom === undefined) {
      note(collector, file.name, row.row, 'DECOM', 'invalid_date', 'dropped', 'the start date cannot be read as DD/MM/YYYY');
      continue;
    }
    let dec: number | null = null;
    if (c.DEC !== '') {
      const parsed = parseReturnDate(c.DEC);
      if (parsed === undefined) {
        note(collector, file.name, row.row, 'DEC', 'invalid_date', 'dropped', 'the end date cannot be read as DD/MM/YYYY; another return of the episode is used if there is one');
        continue;
      }
      dec = parsed;
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
      const keepNew = episode.dec !== null || before.episode.dec === null;
      const dropped = keepNew ? before.episode : episode;
      const kept = keepNew ? episode : before.episode;
      note(collector, file.name, dropped.row, undefined, 'conflicting_duplicate', 'dropped', `row ${kept.row} describes the same episode and is kept (${kept.dec !== null ? 'it has an end date' : 'it is the later row'})`);
      if (keepNew) byKey.set(key, { episode, signature });
      continue;
    }
    byKey.set(key, { episode, signature });
  }
  return { episodes: [...byKey.values()].map((v) => v.episode), swapCandidates };
}

const invalidCode = (code: string | null) => code?.startsWith('!') ?? false;
const plainCode = (code: string) => (code.startsWith('!') ? code.slice(1) : code);

/** Chooses one record per episode across returns; reports disagreements. */
function mergeAcrossReturns(records: RawEpisode[], collector: ReportCollector): MergedEpisode {
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

export async function importSsda903(uploads: Ssda903Upload[], options: ImportOptions = {}): Promise<ImportedSsda903> {
  if (uploads.length === 0) throw new BadRequestError('No files: upload the SSDA903 CSV files, or a zip of them');
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS, ...options.limits };
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const collector = new ReportCollector();
  const budget = new ByteBudget(limits.maxTotalBytes);
  const sources = await csvSources(uploads, limits, budget);
  const files = await readFiles(sources, options, collector);
  options.onProgress?.({ phase: 'clean', filesRead: files.length, files: files.length, bytesRead: budget.used });
  return cleanAndMerge(files, mapping, collector, options.pseudonymKey ?? randomBytes(32).toString('hex'));
}

function cleanAndMerge(files: ParsedFile[], mapping: Ssda903Mapping, collector: ReportCollector, pseudonymKey: string): ImportedSsda903 {
  const episodeYears = [...new Set(files.filter((f) => f.kind === 'episodes').map((f) => f.returnYear))].sort((a, b) => a - b);
  if (episodeYears.length === 0) throw new BadRequestError('No episodes file: at least one YEAR-episodes.csv is needed');
  for (let y = episodeYears[0]; y <= episodeYears[episodeYears.length - 1]; y++) {
    if (!episodeYears.includes(y)) throw new BadRequestError(`The episodes files must cover consecutive years: ${y}-episodes.csv is missing between ${episodeYears[0]} and ${episodeYears[episodeYears.length - 1]}`);
  }
  const firstYear = episodeYears[0];
  const lastYear = episodeYears[episodeYears.length - 1];
  const dataEnd = returnYearEndDay(lastYear) + 1;

  // Dates of birth: the header is the primary source, then the UASC file, then OC3.
  const dobSources = new Map<string, DobSource[]>();
  const uasc = new Set<string>();
  const priority: Record<FileKind, number> = { header: 3, uasc: 2, oc3: 1, episodes: 0 };
  for (const file of files) {
    if (file.kind === 'episodes') continue;
    const seenInFile = new Map<string, number>();
    for (const row of file.rows) {
      const child = row.cells.CHILD;
      if (child === '') {
        note(collector, file.name, row.row, 'CHILD', 'missing_value', 'dropped', 'a row without a child cannot be used');
        continue;
      }
      if (file.kind !== 'oc3') checkCodes(file, row, mapping, collector);
      const dob = parseReturnDate(row.cells.DOB);
      if (dob === undefined) {
        note(collector, file.name, row.row, 'DOB', row.cells.DOB === '' ? 'missing_value' : 'invalid_date', 'dropped', 'the date of birth cannot be read; another file’s is used if there is one');
        continue;
      }
      if (file.kind !== 'oc3') {
        const firstRow = seenInFile.get(child);
        if (firstRow !== undefined) {
          note(collector, file.name, row.row, undefined, 'duplicate_row', 'dropped', `the child is already in row ${firstRow}`);
          continue;
        }
        seenInFile.set(child, row.row);
      }
      if (file.kind === 'uasc') uasc.add(child);
      const list = dobSources.get(child) ?? [];
      list.push({ file: file.name, row: row.row, returnYear: file.returnYear, priority: priority[file.kind], dob });
      dobSources.set(child, list);
    }
  }
  // The date most files of the best kind agree on wins; a tie goes to the latest return.
  const dobOf = new Map<string, number>();
  for (const [child, list] of dobSources) {
    const best = Math.max(...list.map((s) => s.priority));
    const votes = new Map<number, { count: number; latest: DobSource }>();
    for (const s of list) {
      if (s.priority !== best) continue;
      const v = votes.get(s.dob);
      if (!v) votes.set(s.dob, { count: 1, latest: s });
      else {
        v.count += 1;
        if (s.returnYear > v.latest.returnYear) v.latest = s;
      }
    }
    const chosen = [...votes.values()].sort((a, b) => b.count - a.count || b.latest.returnYear - a.latest.returnYear)[0].latest;
    dobOf.set(child, chosen.dob);
    for (const s of list) {
      if (s.dob !== chosen.dob) {
        note(collector, s.file, s.row, 'DOB', 'dob_disagreement', 'fixed', `differs from the date of birth in ${chosen.file} row ${chosen.row}, which is used (the date most header files agree on; a tie goes to the latest)`);
      }
    }
  }

  // Episodes: per file, then dates transposed, then merged across returns.
  const raw: RawEpisode[] = [];
  const swapCandidates: RawEpisode[] = [];
  for (const file of files.filter((f) => f.kind === 'episodes')) {
    const parsed = parseEpisodes(file, mapping, collector);
    raw.push(...parsed.episodes);
    swapCandidates.push(...parsed.swapCandidates);
  }
  const keyOf = (child: string, decom: number) => `${child}\u0000${decom}`;
  const byKey = new Map<string, RawEpisode[]>();
  for (const e of raw) {
    const key = keyOf(e.child, e.decom);
    const list = byKey.get(key) ?? [];
    list.push(e);
    byKey.set(key, list);
  }
  for (const e of swapCandidates) {
    const match = byKey.get(keyOf(e.child, e.dec!));
    if (match) {
      const started = match[0];
      note(collector, e.file, e.row, 'DEC', 'dec_before_decom', 'fixed', `DECOM and DEC were transposed: swapped, which matches the episode beginning on that day in ${started.file} row ${started.row}`);
      match.push({ ...e, decom: e.dec!, dec: e.decom });
    } else {
      note(collector, e.file, e.row, 'DEC', 'dec_before_decom', 'dropped', 'the end date is before the start date and no other return explains it');
    }
  }

  const episodesByChild = new Map<string, MergedEpisode[]>();
  for (const records of byKey.values()) {
    const merged = mergeAcrossReturns(records, collector);
    if (merged.dec === null) {
      if (merged.lastReturn < lastYear) {
        note(
          collector,
          merged.file,
          merged.row,
          'DEC',
          'open_episode_missing',
          'kept',
          `open at 31 March ${merged.lastReturn} but absent from ${merged.lastReturn + 1}-episodes.csv: observed until then, censored after`,
        );
      }
      merged.knownOpenUntil = returnYearEndDay(merged.lastReturn) + 1;
    }
    const list = episodesByChild.get(merged.child) ?? [];
    list.push(merged);
    episodesByChild.set(merged.child, list);
  }

  const children: ImportedChild[] = [];
  const episodes: ImportedEpisode[] = [];
  const pseudonym = (child: string) => createHmac('sha256', pseudonymKey).update(child).digest('base64url').slice(0, 16);
  const childIds = [...episodesByChild.keys()].sort();
  for (const child of childIds) {
    const list = episodesByChild.get(child)!.sort((a, b) => a.decom - b.decom);
    const dob = dobOf.get(child);
    if (dob === undefined) {
      note(collector, list[0].file, list[0].row, 'CHILD', 'child_without_dob', 'dropped', `none of the child’s ${list.length} episode(s) can be used without a date of birth`);
      continue;
    }
    const kept = list.filter((e) => {
      if (e.decom < dob) {
        note(collector, e.file, e.row, 'DECOM', 'episode_before_birth', 'dropped', 'the episode begins before the child’s date of birth');
        return false;
      }
      return true;
    });
    if (kept.length === 0) continue;
    for (let i = 0; i < kept.length; i++) {
      const a = kept[i];
      const b = kept[i + 1];
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
    const [dobYear, dobMonth, dobDay] = isoDate(dob).split('-').map(Number);
    const eighteenth = dobMonth === 2 && dobDay === 29 ? dayNumber(dobYear + 18, 3, 1) : dayNumber(dobYear + 18, dobMonth, dobDay);
    const id = pseudonym(child);
    for (const e of kept) {
      const until = e.dec ?? e.knownOpenUntil ?? dataEnd;
      if (until > eighteenth + 1) {
        note(collector, e.file, e.row, 'DEC', 'episode_after_18', 'kept', 'the months after the 18th birthday are not counted as months in care');
      }
      episodes.push({
        child: id,
        start: isoDate(e.decom),
        end: e.dec === null ? null : isoDate(e.dec),
        knownOpenUntil: e.dec === null ? isoDate(e.knownOpenUntil ?? dataEnd) : null,
        place: plainCode(e.place),
        provider: plainCode(e.provider),
        legalStatus: e.ls,
        reasonNewEpisode: e.rne,
        reasonEnded: e.rec === null ? null : plainCode(e.rec),
        reasonPlaceChange: e.rpc,
        ageAtEndYears: e.dec === null ? null : wholeYears(dob, e.dec),
        ...(e.distanceMiles !== undefined ? { distanceBand: distanceBand(e.distanceMiles) } : {}),
        source: { file: e.file, row: e.row },
      });
    }
    children.push({ id, birthMonth: monthLabel(monthOfDay(dob)), uasc: uasc.has(child) });
  }

  // Care leavers: the birthday (19, 20, 21) in the return's year fixes the age of the record.
  const oc3: ImportedOc3[] = [];
  const oc3Children = new Map<string, string>();
  for (const file of files.filter((f) => f.kind === 'oc3')) {
    const yearStart = returnYearStartDay(file.returnYear);
    const yearEnd = returnYearEndDay(file.returnYear);
    const seenInFile = new Map<string, number>();
    for (const row of file.rows) {
      const child = row.cells.CHILD;
      if (child === '') continue;
      const firstRow = seenInFile.get(child);
      if (firstRow !== undefined) {
        note(collector, file.name, row.row, undefined, 'duplicate_row', 'dropped', `the care leaver is already in row ${firstRow}`);
        continue;
      }
      seenInFile.set(child, row.row);
      const dob = dobOf.get(child);
      if (dob === undefined) continue;
      checkCodes(file, row, mapping, collector);
      const [y, m, d] = isoDate(dob).split('-').map(Number);
      const age = [19, 20, 21].find((k) => {
        const birthday = m === 2 && d === 29 ? dayNumber(y + k, 3, 1) : dayNumber(y + k, m, d);
        return birthday >= yearStart && birthday <= yearEnd;
      });
      if (age === undefined) {
        note(collector, file.name, row.row, 'DOB', 'oc3_age_out_of_range', 'dropped', `no 19th, 20th or 21st birthday falls in the year to 31 March ${file.returnYear}`);
        continue;
      }
      let id = oc3Children.get(child);
      if (!id) {
        id = pseudonym(child);
        oc3Children.set(child, id);
      }
      oc3.push({
        child: id,
        returnYear: file.returnYear,
        ageYears: age,
        inTouch: row.cells.IN_TOUCH,
        activity: row.cells.ACTIV,
        accommodation: row.cells.ACCOM,
        source: { file: file.name, row: row.row },
      });
    }
  }
  const childIdSet = new Set(children.map((c) => c.id));
  for (const [child, id] of oc3Children) {
    if (childIdSet.has(id)) continue;
    const dob = dobOf.get(child)!;
    children.push({ id, birthMonth: monthLabel(monthOfDay(dob)), uasc: uasc.has(child) });
    childIdSet.add(id);
  }

  const summaries: ImportedFileSummary[] = files.map((f) => ({ name: f.name, kind: f.kind, returnYear: f.returnYear, rows: f.rows.length }));
  const report: ImportReport = {
    files: summaries,
    actions: collector.actions,
    counts: collector.counts(),
    totals: {
      children: children.length,
      episodes: episodes.length,
      oc3Records: oc3.length,
      openAtEnd: episodes.filter((e) => e.end === null && e.knownOpenUntil === isoDate(dataEnd)).length,
    },
  };
  return {
    returnYears: episodeYears,
    dataStart: isoDate(returnYearStartDay(firstYear)),
    dataEnd: isoDate(dataEnd),
    children,
    episodes,
    oc3,
    report,
  };
}
