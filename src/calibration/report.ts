/**
 * The import's account of itself: every problem found in the files and what was done about it.
 * Nothing is dropped or changed without an entry here. Entries name the file, the row (the
 * header is row 1, as a spreadsheet shows it) and the column; they never quote a child's
 * identifier or date of birth.
 */

export type CleaningOutcome = 'dropped' | 'fixed' | 'kept';

export const CLEANING_CODES = {
  formula_injection: 'A cell began with =, +, -, @ or a control character (a spreadsheet would run it as a formula); neutralised with a leading apostrophe',
  missing_value: 'A required cell was empty',
  invalid_date: 'A date could not be read as DD/MM/YYYY',
  unknown_code: 'A code is not in the return’s code list',
  legacy_code: 'A code from an earlier edition of the guidance',
  wrong_field_count: 'A row had a different number of cells from the header',
  duplicate_row: 'The same row appeared twice in one file',
  conflicting_duplicate: 'Two rows in one file describe the same episode differently',
  dec_before_decom: 'An episode ended before it began',
  decom_after_year_end: 'An episode began after the end of the return’s year',
  dec_after_year_end: 'An episode ended after the end of the return’s year',
  dec_before_year_start: 'A closed episode ended before the return’s year began (it belongs to an earlier return)',
  rec_without_dec: 'A reason for ending without an end date',
  dec_without_rec: 'An end date without a reason for ending',
  dob_disagreement: 'A child’s date of birth differs between returns or files',
  child_without_dob: 'A child has episodes but no readable date of birth in any file',
  episode_before_birth: 'An episode began before the child’s date of birth',
  code_fixed_from_other_return: 'An invalid code replaced by the valid code another return gives for the same episode',
  conflicting_returns: 'Two returns describe the same episode differently',
  open_episode_missing: 'An episode open at the end of one return is absent from the next',
  overlapping_episodes: 'A child’s episodes overlap in time',
  x1_without_next_episode: 'An episode ended with X1 (a new episode follows) but none begins that day',
  episode_after_18: 'An episode continues past the child’s 18th birthday',
  oc3_age_out_of_range: 'A care leaver record whose 19th, 20th or 21st birthday is not in the return’s year',
  column_dropped: 'A column not needed for calibration, or personal data, is not stored',
  postcode_reduced: 'Postcodes are not stored; a placement distance is reduced to a band',
  control_characters: 'A cell held control characters (such as NUL); they were removed and never stored',
  table_skipped: 'A table of the return that calibration does not use (reviews, missing, OC2, AD1...): recognised and skipped',
  column_used: 'A column added by validators or data-sharing pipelines (UASC, YEAR) that is read',
  code_out_of_year: 'A code from the return’s list, but not valid in this return’s collection year',
  excel_serial_date: 'A date written as an Excel serial number, read as the day it counts',
  short_break: 'An episode under legal status V3 or V4 (short breaks), excluded as the DfE’s statistics exclude it',
  unmapped_placement: 'A placement whose codes map to no state of the model: its months are not observed',
  zero_length_episode: 'An episode that begins and ends on the day another begins: the continuing one is kept',
  reentry_after_open_episode: 'An episode still open when a new period of care (RNE S) begins: closed before it with no known reason',
  conflicting_rows: 'Two different rows for one child in one file: both vote with every other record',
  year_mismatch: 'Rows or a YEAR column disagree with the return year a file’s name gives',
  invalid_year: 'A collection year that cannot be read',
  other_authority: 'Rows of another authority than the one imported',
} as const;

export type CleaningCode = keyof typeof CLEANING_CODES;

export interface CleaningAction {
  file: string;
  /** Row in the file; the header is row 1. Absent for file-wide actions. */
  row?: number;
  column?: string;
  code: CleaningCode;
  action: CleaningOutcome;
  detail: string;
}

export interface ImportedFileSummary {
  name: string;
  kind: 'episodes' | 'header' | 'uasc' | 'oc3';
  returnYear: number;
  rows: number;
}

/** A table of the upload recognised and not used. */
export interface SkippedTableSummary {
  name: string;
  /** The table, in the guidance's words (Reviews, Missing, OC2...). */
  table: string;
}

export interface ImportReport {
  files: ImportedFileSummary[];
  actions: CleaningAction[];
  /** Actions counted by code and outcome. */
  counts: Partial<Record<CleaningCode, Partial<Record<CleaningOutcome, number>>>>;
  totals: {
    children: number;
    episodes: number;
    oc3Records: number;
    /** Episodes still open on the last day of the latest return (right-censored, as expected). */
    openAtEnd: number;
    /** Short breaks (LS V3, V4) excluded. */
    shortBreaks: { children: number; episodes: number };
    /** Episodes whose placement maps to no state: what calibration cannot observe. */
    unobserved: { episodes: number; personMonths: number; entries: number };
    /** Foster placements with no provider: months shared between in-house and agency foster care in the prior's proportions. */
    sharedProvider: { episodes: number; personMonths: number };
  };
  skippedTables: SkippedTableSummary[];
  /** What needs a person's attention (a likely naming slip), in words. */
  warnings: string[];
}

export class ReportCollector {
  readonly actions: CleaningAction[] = [];
  add(action: CleaningAction): void {
    this.actions.push(action);
  }
  counts(): ImportReport['counts'] {
    const counts: ImportReport['counts'] = {};
    for (const a of this.actions) {
      const byOutcome = (counts[a.code] ??= {});
      byOutcome[a.action] = (byOutcome[a.action] ?? 0) + 1;
    }
    return counts;
  }
}

/** The short account the 202 answer to an upload carries, so problems show before the job ends. */
export interface ImportSummary {
  children: number;
  episodes: number;
  returnYears: number[];
  tablesUsed: { name: string; table: string; returnYear: number; rows: number }[];
  tablesSkipped: SkippedTableSummary[];
  /** Actions counted by outcome and code: { dropped: { invalid_date: 2 }, fixed: {...}, kept: {...} }. */
  actions: Record<CleaningOutcome, Record<string, number>>;
  shortBreaks: { children: number; episodes: number };
  unobserved: { episodes: number; personMonths: number; entries: number };
  sharedProvider: { episodes: number; personMonths: number };
  warnings: string[];
}

const TABLE_TITLES: Record<ImportedFileSummary['kind'], string> = { episodes: 'Episodes', header: 'Header', uasc: 'UASC', oc3: 'OC3 (care leavers)' };

export function importSummary(report: ImportReport, returnYears: number[]): ImportSummary {
  const actions: ImportSummary['actions'] = { dropped: {}, fixed: {}, kept: {} };
  for (const [code, byOutcome] of Object.entries(report.counts)) {
    for (const [outcome, n] of Object.entries(byOutcome ?? {})) actions[outcome as CleaningOutcome][code] = n as number;
  }
  return {
    children: report.totals.children,
    episodes: report.totals.episodes,
    returnYears,
    tablesUsed: report.files.map((f) => ({ name: f.name, table: TABLE_TITLES[f.kind], returnYear: f.returnYear, rows: f.rows })),
    tablesSkipped: report.skippedTables,
    actions,
    shortBreaks: report.totals.shortBreaks,
    unobserved: report.totals.unobserved,
    sharedProvider: report.totals.sharedProvider,
    warnings: report.warnings,
  };
}

/**
 * The cleaning report as problem-details errors, for a refusal after the files were read (no
 * usable episode, an invalid calibrated model): warnings first, then each code's counts, then the
 * first actions row by row, so the report stays readable in the answer itself.
 */
export function cleaningAsErrors(report: ImportReport, maxActions = 50): { field: string; reason: string; row?: number }[] {
  const out: { field: string; reason: string; row?: number }[] = [];
  for (const w of report.warnings) out.push({ field: 'cleaning/warning', reason: w });
  for (const [code, byOutcome] of Object.entries(report.counts)) {
    const counts = Object.entries(byOutcome ?? {})
      .map(([outcome, n]) => `${n} ${outcome}`)
      .join(', ');
    out.push({ field: `cleaning/${code}`, reason: `${counts}: ${CLEANING_CODES[code as CleaningCode]}` });
  }
  if (report.totals.shortBreaks.episodes > 0) {
    out.push({ field: 'cleaning/shortBreaks', reason: `${report.totals.shortBreaks.episodes} short-break episode(s) of ${report.totals.shortBreaks.children} child(ren) excluded` });
  }
  for (const a of report.actions.slice(0, maxActions)) {
    out.push({ field: `${a.file}${a.column ? `: ${a.column}` : ''}`, reason: `${a.code} (${a.action}): ${a.detail}`, ...(a.row !== undefined ? { row: a.row } : {}) });
  }
  return out;
}
