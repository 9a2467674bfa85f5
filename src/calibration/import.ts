import { createHmac, randomBytes } from 'node:crypto';
import { BadRequestError } from '../services/errors.ts';
import { datesOfBirth } from './children.ts';
import { ageYearsAtMonthStart, dayNumber, isoDate, monthLabel, monthOfDay, monthStartDay, returnYearEndDay, returnYearStartDay } from './dates.ts';
import {
  checkCodes,
  checkDateOrder,
  groupAcrossReturns,
  type MergedEpisode,
  mergeAcrossReturns,
  mergeCorrectedStarts,
  note,
  type ParsedFile,
  parseEpisodes,
  plainCode,
  type RawEpisode,
  resolveOverlaps,
} from './episodes.ts';
import { distanceBand } from './distance.ts';
import { ByteBudget, csvSources, DEFAULT_INPUT_LIMITS, type InputLimits, type Ssda903Upload } from './input.ts';
import { DEFAULT_MAPPING, PREVIOUS, placementStates, type Ssda903Mapping } from './mapping.ts';
import { type ImportProgress, readRawTables, recogniseFiles } from './read-files.ts';
import { type ImportedFileSummary, type ImportReport, ReportCollector, type SkippedTableSummary } from './report.ts';
import { recogniseTable, returnYearFromName, TABLE_BY_KIND, type UsedTable } from './tables.ts';

/**
 * importSsda903: one or more years of the SSDA903 return (episodes, header, UASC and OC3 tables,
 * as CSV files in any common encoding, Excel workbooks or zip archives of them, one file per year
 * or one file per table across years) read, cleaned as the return's guidance implies, and merged
 * across years into one history per child. The concerns live beside it: input.ts reads bytes
 * (limits, zips, encodings, workbooks), read-files.ts and tables.ts recognise the tables and their
 * return years, code-lists.ts holds the code lists by collection year, dates.ts reads dates,
 * children.ts settles dates of birth, and episodes.ts cleans episodes and resolves how they relate. Pure: no storage; it either returns the
 * whole result or throws a typed error (400 for files it cannot read, 413 for files too large),
 * so nothing is ever half-imported.
 *
 * What is kept: a keyed pseudonym per child (never the return's CHILD identifier), the month of
 * birth (not the day), whether the child was an unaccompanied asylum seeker, the episodes' dates
 * and codes, and the care leaver records. Names, postcodes, sex, ethnicity and the other columns
 * calibration does not use are never stored; a placement distance, when the files carry one, is
 * reduced to a band.
 */

export type FileKind = UsedTable;



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
  /** Distance from home in miles, as a band (distance.ts DISTANCE_BANDS: split at exactly 20 miles), when the files carry PL_DISTANCE. */
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

export type { ImportProgress } from './read-files.ts';

export interface ImportOptions {
  limits?: Partial<InputLimits>;
  /** The code lists to check against (the default table's, unless an authority's table is given). */
  mapping?: Ssda903Mapping;
  /** Key for the pseudonyms; random per import unless given (so pseudonyms do not link imports). */
  pseudonymKey?: string;
  /** When the files hold several authorities (an LA column), the one to import. */
  localAuthority?: string;
  onProgress?: (progress: ImportProgress) => void;
}

/** The return year a file's name gives (kept for callers of the first version). */
export function identifyFile(name: string): { kind: FileKind; returnYear: number } | undefined {
  const year = returnYearFromName(name);
  const recognised = recogniseTable(name, []);
  if (!year || !recognised || !TABLE_BY_KIND.get(recognised.kind)?.used) return undefined;
  return { kind: recognised.kind as FileKind, returnYear: year };
}

/** Whole years from a date of birth to a day (a 29 February birthday falls on 1 March). */
export function wholeYears(dob: number, day: number): number {
  const [by, bm, bd] = isoDate(dob).split('-').map(Number);
  const [y, m, d] = isoDate(day).split('-').map(Number);
  let years = y - by;
  if (m < bm || (m === bm && d < bd)) years -= 1;
  return years;
}

/**
 * Person-months an episode would give calibration: month starts in it before the 18th birthday
 * (ages as history.ts takes them), less the last when nothing is known of the month after it
 * (an episode still open at the end of the data). Used to say what an unmapped placement loses.
 */
function monthsInCare(e: MergedEpisode, birthMonth: number, dataEnd: number): number {
  const first = monthStartDay(monthOfDay(e.decom)) === e.decom ? monthOfDay(e.decom) : monthOfDay(e.decom) + 1;
  const openUntil = e.knownOpenUntil ?? dataEnd;
  let count = 0;
  let last = -1;
  for (let month = first; ; month++) {
    const day = monthStartDay(month);
    const covered = e.dec === null ? day <= openUntil : day < e.dec;
    if (!covered) break;
    if (ageYearsAtMonthStart(birthMonth, month) < 18) {
      count += 1;
      last = day;
    }
  }
  if (count > 0 && e.dec === null && last >= openUntil - 31) count -= 1;
  return count;
}

export async function importSsda903(uploads: Ssda903Upload[], options: ImportOptions = {}): Promise<ImportedSsda903> {
  if (uploads.length === 0) throw new BadRequestError('No files: upload the SSDA903 CSV files, or a zip of them');
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS, ...options.limits };
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const collector = new ReportCollector();
  const budget = new ByteBudget(limits.maxTotalBytes);
  const sources = await csvSources(uploads, limits, budget);
  const tables = await readRawTables(sources, options, collector);
  const { files, skipped } = recogniseFiles(tables, options, collector);
  const dateWarnings = files.flatMap((file) => checkDateOrder(file));
  options.onProgress?.({ phase: 'clean', filesRead: files.length, files: files.length, bytesRead: budget.used });
  return cleanAndMerge(files, skipped, mapping, collector, options.pseudonymKey ?? randomBytes(32).toString('hex'), dateWarnings);
}

function cleanAndMerge(files: ParsedFile[], skipped: SkippedTableSummary[], mapping: Ssda903Mapping, collector: ReportCollector, pseudonymKey: string, dateWarnings: string[] = []): ImportedSsda903 {
  const episodeYears = [...new Set(files.filter((f) => f.kind === 'episodes').map((f) => f.returnYear))].sort((a, b) => a - b);
  if (episodeYears.length === 0) throw new BadRequestError('No episodes file: at least one YEAR-episodes.csv (or an episodes table with a YEAR column) is needed');
  for (let y = episodeYears[0]; y <= episodeYears[episodeYears.length - 1]; y++) {
    if (!episodeYears.includes(y)) throw new BadRequestError(`The episodes files must cover consecutive years: ${y}-episodes.csv is missing between ${episodeYears[0]} and ${episodeYears[episodeYears.length - 1]}`);
  }
  const firstYear = episodeYears[0];
  const lastYear = episodeYears[episodeYears.length - 1];
  const dataEnd = returnYearEndDay(lastYear) + 1;
  const warnings: string[] = [...dateWarnings];

  const { dobOf, uasc } = datesOfBirth(files, mapping, collector);

  // Episodes: per file, then dates transposed, then merged across returns.
  const raw: RawEpisode[] = [];
  const swapCandidates: RawEpisode[] = [];
  const shortBreaks = new Map<string, Set<number>>();
  for (const file of files.filter((f) => f.kind === 'episodes')) {
    const parsed = parseEpisodes(file, mapping, collector);
    raw.push(...parsed.episodes);
    swapCandidates.push(...parsed.swapCandidates);
    for (const s of parsed.shortBreaks) {
      const set = shortBreaks.get(s.child) ?? new Set<number>();
      set.add(s.decom);
      shortBreaks.set(s.child, set);
    }
    if (parsed.datedRows >= 2 && parsed.outsideYear > parsed.datedRows / 2) {
      const label = `${file.returnYear - 1}-${String(file.returnYear).slice(2)}`;
      const message = `${file.name}: ${parsed.outsideYear} of ${parsed.datedRows} rows fall outside the return year ${label} (1 April ${file.returnYear - 1} to 31 March ${file.returnYear}) that its name gives. Is the year in the name right? A file named ${file.returnYear} or ${label} holds the return ending 31 March ${file.returnYear}.`;
      warnings.push(message);
      note(collector, file.name, undefined, undefined, 'year_mismatch', 'kept', message);
    }
  }
  const byKey = groupAcrossReturns(raw, collector);
  for (const e of swapCandidates) {
    const match = byKey.get(`${e.child}\u0000${e.dec!}`);
    if (match) {
      const started = match[0];
      note(collector, e.file, e.row, 'DEC', 'dec_before_decom', 'fixed', `DECOM and DEC were transposed: swapped, which matches the episode beginning on that day in ${started.file} row ${started.row}`);
      match.push({ ...e, decom: e.dec!, dec: e.decom });
    } else {
      note(collector, e.file, e.row, 'DEC', 'dec_before_decom', 'dropped', 'the end date is before the start date and no other return explains it');
    }
  }

  const mergedByChild = new Map<string, MergedEpisode[]>();
  for (const records of byKey.values()) {
    const merged = mergeAcrossReturns(records, collector);
    const list = mergedByChild.get(merged.child) ?? [];
    list.push(merged);
    mergedByChild.set(merged.child, list);
  }
  const episodesByChild = new Map<string, MergedEpisode[]>();
  for (const [child, merged] of mergedByChild) {
    const list = mergeCorrectedStarts(merged, collector);
    for (const e of list) {
      if (e.dec !== null) continue;
      if (e.lastReturn < lastYear) {
        note(collector, e.file, e.row, 'DEC', 'open_episode_missing', 'kept', `open at 31 March ${e.lastReturn} but absent from the ${e.lastReturn + 1} episodes: observed until then, censored after`);
      }
      e.knownOpenUntil = returnYearEndDay(e.lastReturn) + 1;
    }
    episodesByChild.set(child, list);
  }

  const children: ImportedChild[] = [];
  const episodes: ImportedEpisode[] = [];
  const unobserved = { episodes: 0, personMonths: 0, entries: 0 };
  const shared = { episodes: 0, personMonths: 0 };
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
    resolveOverlaps(kept, dataEnd, collector);
    const [dobYear, dobMonth, dobDay] = isoDate(dob).split('-').map(Number);
    const eighteenth = dobMonth === 2 && dobDay === 29 ? dayNumber(dobYear + 18, 3, 1) : dayNumber(dobYear + 18, dobMonth, dobDay);
    const id = pseudonym(child);
    const birthMonth = monthOfDay(dob);
    kept.forEach((e, i) => {
      const until = e.dec ?? e.knownOpenUntil ?? dataEnd;
      if (until > eighteenth + 1) {
        note(collector, e.file, e.row, 'DEC', 'episode_after_18', 'kept', 'the months after the 18th birthday are not counted as months in care');
      }
      const previous = kept[i - 1];
      const continues = previous !== undefined && previous.dec === e.decom && previous.rec === 'X1';
      const place = plainCode(e.place);
      const provider = plainCode(e.provider);
      const states = placementStates(mapping, place, provider);
      if (states === null || (states.length === 1 && states[0] === PREVIOUS && !continues)) {
        const months = monthsInCare(e, birthMonth, dataEnd);
        const entry = !continues && months > 0;
        unobserved.episodes += 1;
        unobserved.personMonths += months;
        if (entry) unobserved.entries += 1;
        note(
          collector,
          e.file,
          e.row,
          'PLACE',
          'unmapped_placement',
          'kept',
          `${place === '' ? 'no PLACE' : `PLACE ${place}${provider ? ` with ${provider}` : ''}`} maps to no state of the model: ${months} person-month(s) in care${entry ? ' and an entry into care' : ''} not observed (an authority may map the code by override)`,
        );
      } else if (states.length > 1) {
        const months = monthsInCare(e, birthMonth, dataEnd);
        shared.episodes += 1;
        shared.personMonths += months;
        note(
          collector,
          e.file,
          e.row,
          'PLACE_PROVIDER',
          'missing_value',
          'kept',
          `PLACE ${place} with no PLACE_PROVIDER: which of ${states.join(' or ')} is not known, so its ${months} person-month(s)${!continues && months > 0 ? ' and its entry into care' : ''} are shared between them in the prior’s proportions of entries`,
        );
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
    });
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
      shortBreaks: { children: shortBreaks.size, episodes: [...shortBreaks.values()].reduce((a, set) => a + set.size, 0) },
      unobserved,
      sharedProvider: shared,
    },
    skippedTables: skipped,
    warnings,
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
