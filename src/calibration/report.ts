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
  };
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
