/**
 * Recognising the tables of an SSDA903 upload: which table a file is (by its columns first,
 * then by its name), which return year it is (from its name, "2024" or "2023-24", or from a
 * YEAR column when one file holds many years), and which of its columns are used.
 *
 * The tables and their columns are those of the DfE return as the open validator reads them
 * (Data to Insight, csc-validator-be-903, lac_validator/config.py): Header, Episodes, UASC, OC3
 * (used here), and Reviews, OC2, AD1, PlacedAdoption, PrevPerm, Missing and SW_Episodes
 * (recognised, skipped with a note: calibration does not need them). The London data-sharing
 * pipelines (LIIA) add LA and YEAR to every table; the open validator adds UASC to the header;
 * open demand-modelling tools keep one file per table across years with a collection-year column.
 */

export type UsedTable = 'episodes' | 'header' | 'uasc' | 'oc3';
export type SkippedTable = 'reviews' | 'oc2' | 'ad1' | 'placed_for_adoption' | 'previous_permanence' | 'missing' | 'social_worker_episodes';
export type TableKind = UsedTable | SkippedTable;

export const PERSONAL_COLUMNS = ['NAME', 'FULL_NAME', 'FORENAME', 'FORENAMES', 'FIRST_NAME', 'SURNAME', 'LAST_NAME', 'CHILD_NAME'];
export const POSTCODE_COLUMNS = ['HOME_POST', 'PL_POST'];
/** Columns naming the authority (LIIA's LA; LA_CODE in some exports). */
export const AUTHORITY_COLUMNS = ['LA', 'LA_CODE', 'LA_NAME'];
/** Columns naming the collection year (LIIA's YEAR; demand-model extracts). */
export const YEAR_COLUMNS = ['YEAR', 'COLLECTION_YEAR'];

export interface TableSpec {
  kind: TableKind;
  /** The name the DfE guidance and the validators give the table. */
  title: string;
  /** Columns needed to use the table (for skipped tables: the columns that tell it apart). */
  required: string[];
  /** Columns of the return's table that are not needed. */
  optional: string[];
  /** Columns whose presence alone tells this table from the others. */
  distinctive: string[];
  /** Words in a file name that name the table. */
  names: RegExp;
  used: boolean;
}

export const TABLES: TableSpec[] = [
  {
    kind: 'episodes',
    title: 'Episodes',
    required: ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE'],
    optional: [...POSTCODE_COLUMNS, 'PL_DISTANCE', 'URN', 'PL_LA', 'PL_LOCATION'],
    distinctive: ['DECOM', 'PLACE', 'RNE'],
    names: /(?<!sw[_ -]?)episodes?/i,
    used: true,
  },
  {
    kind: 'uasc',
    title: 'UASC',
    required: ['CHILD', 'DOB'],
    optional: ['SEX', 'DUC'],
    distinctive: ['DUC'],
    names: /uasc/i,
    used: true,
  },
  {
    kind: 'oc3',
    title: 'OC3 (care leavers)',
    required: ['CHILD', 'DOB', 'IN_TOUCH', 'ACTIV', 'ACCOM'],
    optional: [],
    distinctive: ['IN_TOUCH', 'ACTIV', 'ACCOM'],
    names: /oc3/i,
    used: true,
  },
  {
    kind: 'oc2',
    title: 'OC2 (outcomes)',
    required: ['CHILD'],
    optional: ['DOB', 'SDQ_SCORE', 'SDQ_REASON', 'CONVICTED', 'HEALTH_CHECK', 'IMMUNISATIONS', 'TEETH_CHECK', 'HEALTH_ASSESSMENT', 'SUBSTANCE_MISUSE', 'INTERVENTION_RECEIVED', 'INTERVENTION_OFFERED'],
    distinctive: ['SDQ_SCORE', 'SDQ_REASON', 'CONVICTED', 'HEALTH_CHECK', 'IMMUNISATIONS', 'TEETH_CHECK', 'SUBSTANCE_MISUSE'],
    names: /oc2/i,
    used: false,
  },
  {
    kind: 'ad1',
    title: 'AD1 (adoption)',
    required: ['CHILD'],
    optional: ['DOB', 'DATE_INT', 'DATE_MATCH', 'FOSTER_CARE', 'NB_ADOPTR', 'SEX_ADOPTR', 'LS_ADOPTR'],
    distinctive: ['DATE_INT', 'DATE_MATCH', 'NB_ADOPTR', 'SEX_ADOPTR', 'LS_ADOPTR'],
    names: /ad1/i,
    used: false,
  },
  {
    kind: 'placed_for_adoption',
    title: 'Placed for adoption',
    required: ['CHILD'],
    optional: ['DOB', 'DATE_PLACED', 'DATE_PLACED_CEASED', 'REASON_PLACED_CEASED'],
    distinctive: ['DATE_PLACED', 'DATE_PLACED_CEASED', 'REASON_PLACED_CEASED'],
    names: /placed[_ -]?(for[_ -]?)?adoption/i,
    used: false,
  },
  {
    kind: 'previous_permanence',
    title: 'Previous permanence',
    required: ['CHILD'],
    optional: ['DOB', 'PREV_PERM', 'LA_PERM', 'DATE_PERM'],
    distinctive: ['PREV_PERM', 'LA_PERM', 'DATE_PERM'],
    names: /prev(ious)?[_ -]?perm/i,
    used: false,
  },
  {
    kind: 'missing',
    title: 'Missing',
    required: ['CHILD'],
    optional: ['DOB', 'MISSING', 'MIS_START', 'MIS_END'],
    distinctive: ['MIS_START', 'MIS_END', 'MISSING'],
    names: /missing/i,
    used: false,
  },
  {
    kind: 'reviews',
    title: 'Reviews',
    required: ['CHILD'],
    optional: ['DOB', 'REVIEW', 'REVIEW_CODE'],
    distinctive: ['REVIEW', 'REVIEW_CODE'],
    names: /reviews?/i,
    used: false,
  },
  {
    kind: 'social_worker_episodes',
    title: 'Social worker episodes',
    required: ['CHILD'],
    optional: ['DOB', 'SW_ID', 'SW_DECOM', 'SW_DEC', 'SW_REASON'],
    distinctive: ['SW_ID', 'SW_DECOM', 'SW_DEC', 'SW_REASON'],
    names: /sw[_ -]?episodes?|social[_ -]?worker/i,
    used: false,
  },
  {
    // Last: a header is what is left with CHILD and DOB (and SEX, ETHNIC...), so it is recognised after the others.
    kind: 'header',
    title: 'Header',
    required: ['CHILD', 'DOB'],
    optional: ['SEX', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB', 'UASC'],
    distinctive: ['ETHNIC', 'UPN', 'MOTHER', 'MC_DOB'],
    names: /header/i,
    used: true,
  },
];

export const TABLE_BY_KIND = new Map(TABLES.map((t) => [t.kind, t]));

/** The table a file name names, if any (the later-listed, more specific names are tried first). */
export function tableFromName(name: string): TableKind | undefined {
  const specific = TABLES.filter((t) => t.kind !== 'episodes');
  for (const t of specific) if (t.names.test(name)) return t.kind;
  if (TABLES[0].names.test(name)) return 'episodes';
  return undefined;
}

/**
 * The table a file's columns say it is: the table with the most distinctive columns present
 * (ties to the first listed); undefined when no table's distinctive columns are there.
 */
export function tableFromColumns(columns: readonly string[]): TableKind | undefined {
  const present = new Set(columns);
  let best: TableSpec | undefined;
  let bestScore = 0;
  for (const t of TABLES) {
    const score = t.distinctive.filter((c) => present.has(c)).length;
    if (score > bestScore) {
      best = t;
      bestScore = score;
    }
  }
  if (best) return best.kind;
  // CHILD, DOB and SEX only: a header (or a UASC table without DUC), told apart by name.
  if (present.has('CHILD') && present.has('DOB')) return 'header';
  return undefined;
}

/**
 * Which table a file is: its columns decide when they are distinctive (2024-sw_episodes.csv is
 * the social-worker table, not episodes); otherwise its name. A header and a UASC table share
 * columns, so for those the name decides.
 */
export function recogniseTable(name: string, columns: readonly string[]): { kind: TableKind; by: 'columns' | 'name' | 'columns and name' } | undefined {
  const byName = tableFromName(name);
  const byColumns = tableFromColumns(columns);
  if (byColumns === 'header' && byName === 'uasc') return { kind: 'uasc', by: 'columns and name' };
  if (byColumns && byName === byColumns) return { kind: byColumns, by: 'columns and name' };
  if (byColumns) return { kind: byColumns, by: 'columns' };
  if (byName) return { kind: byName, by: 'name' };
  return undefined;
}

/**
 * The return year (ending 31 March) a file name gives: "2023-24", "2023_24", "2023-2024" or
 * "202324" is the return for the year ending 31 March 2024; a single year, "2024", is the year
 * the return ends. Undefined when the name has no year.
 */
export function returnYearFromName(name: string): number | undefined {
  const range = /(?:^|\D)((?:19|20)\d{2})[-_/ ]?((?:19|20)?\d{2})(?:\D|$)/.exec(name);
  if (range) {
    const first = Number(range[1]);
    const second = Number(range[2]);
    const next = range[2].length === 4 ? second : Math.floor(first / 100) * 100 + second + (second < first % 100 ? 100 : 0);
    if (next === first + 1) return next;
  }
  const single = /(?:^|\D)((?:19|20)\d{2})(?:\D|$)/.exec(name);
  return single ? Number(single[1]) : undefined;
}

/** A YEAR cell as a return year: "2024" (the collection year, ending 31 March), or "2023-24", "2023/24", "2023-2024". */
export function returnYearFromCell(text: string): number | undefined {
  const t = text.trim();
  if (/^(19|20)\d{2}$/.test(t)) return Number(t);
  const range = /^((?:19|20)\d{2})\s*[-_/]\s*((?:19|20)?\d{2})$/.exec(t);
  if (!range) return undefined;
  const year = returnYearFromName(`x${range[1]}-${range[2]}x`);
  return year === Number(range[1]) + 1 ? year : undefined;
}
