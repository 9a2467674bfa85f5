import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { type Actor, appendAuditEvent, appendAuditEvents } from '../db/repositories/audit.ts';
import { findReferencesInUse, insertYoungPeople } from '../db/repositories/young-people.ts';
import { insertEpisodes } from '../db/repositories/teams.ts';
import type { Database } from '../db/schema.ts';
import { yieldToEventLoop } from '../db/yield.ts';
import { validationErrors } from '../schemas/validation-words.ts';
import { type ImportResultDto, REFERENCE_PATTERN, type YoungPersonInputDto, YoungPersonInput } from '../schemas/young-people.ts';
import { BadRequestError, ConflictError, type FieldError, UnprocessableError } from './errors.ts';
import { controlCharacterReason } from './input-rules.ts';
import { firstEpisodeRow, teamResolver } from './teams.ts';
import { checkYoungPersonRules, isoDay, isUniqueViolation, toYoungPersonRow } from './young-people.ts';

/**
 * Bulk import of young people from a CSV a finance officer can fill in with Excel: one row per
 * young person, flat columns, up to three services side by side. All or nothing: if any row is
 * wrong, nothing is stored and every problem is reported by row and column.
 *
 * Cells: UTF-8 (Excel's "CSV UTF-8"; a byte-order mark is fine); dates as YYYY-MM-DD or
 * DD/MM/YYYY; money as 1234.50, 1,234.50 or £1,234.50; yes/no (or true/false, y/n, 1/0) for
 * flags; vocabulary values case-insensitively, with spaces or hyphens for underscores. Empty
 * cells mean "not recorded". Text cells that a spreadsheet would run as a formula (starting
 * with =, +, -, @) are refused rather than stored, so nothing we export later can carry one.
 */

/** team: a team's id or name, resolved against the stored teams when the file is stored (the parser has no database). */
type CellKind = 'text' | 'integer' | 'decimal' | 'enum' | 'flag' | 'date' | 'team';

export interface CsvColumn {
  name: string;
  /** JSON pointer into the record; services use slot 0, shifted for the other slots. */
  path: string;
  kind: CellKind;
  required?: boolean;
  description: string;
}

export const SERVICE_SLOTS = 3;

const serviceColumns = (slot: number): CsvColumn[] => [
  { name: `service${slot}_name`, path: `/services/${slot - 1}/name`, kind: 'text', description: `Service ${slot}: what it is (e.g. Multisystemic therapy)` },
  { name: `service${slot}_weekly_cost`, path: `/services/${slot - 1}/weeklyCost`, kind: 'decimal', description: `Service ${slot}: GBP per week` },
  { name: `service${slot}_agency`, path: `/services/${slot - 1}/fundingAgency`, kind: 'enum', description: `Service ${slot}: funding agency` },
  { name: `service${slot}_start`, path: `/services/${slot - 1}/startDate`, kind: 'date', description: `Service ${slot}: start date` },
  { name: `service${slot}_end`, path: `/services/${slot - 1}/endDate`, kind: 'date', description: `Service ${slot}: end date (empty when open-ended)` },
];

/** The columns, in the order the demo file and any export use. Only the first six are required. */
export const YOUNG_PEOPLE_CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'reference', path: '/reference', kind: 'text', required: true, description: 'Pseudonymous reference, unique' },
  { name: 'birth_year', path: '/birthYear', kind: 'integer', required: true, description: 'Year of birth' },
  { name: 'birth_month', path: '/birthMonth', kind: 'integer', required: true, description: 'Month of birth, 1-12' },
  { name: 'legal_status', path: '/legalStatus', kind: 'enum', required: true, description: 'Legal status' },
  { name: 'tier', path: '/tier', kind: 'integer', required: true, description: 'Tier of need, 1-4' },
  { name: 'care_state', path: '/careState', kind: 'enum', required: true, description: 'Current care state' },
  { name: 'sex', path: '/sex', kind: 'enum', description: 'female or male; empty when not recorded' },
  { name: 'placement_type', path: '/placement/type', kind: 'enum', description: 'Placement: the same as care_state for a placement state, else empty' },
  { name: 'placement_provider', path: '/placement/provider', kind: 'enum', description: 'Placement provider' },
  { name: 'placement_distance_miles', path: '/placement/distanceFromHomeMiles', kind: 'decimal', description: 'Miles from home; empty when not known' },
  { name: 'placement_weekly_price', path: '/placement/weeklyPrice', kind: 'decimal', description: 'Actual GBP per week' },
  { name: 'placement_start_date', path: '/placement/startDate', kind: 'date', description: 'When the placement began' },
  { name: 'primary_need', path: '/needsProfile/primaryNeed', kind: 'enum', description: 'CIN primary need (abuse_or_neglect … absent_parenting)' },
  { name: 'disability', path: '/needsProfile/disability', kind: 'flag', description: 'yes/no' },
  { name: 'uasc', path: '/needsProfile/uasc', kind: 'flag', description: 'yes/no' },
  { name: 'special_educational_needs', path: '/needsProfile/specialEducationalNeeds', kind: 'enum', description: 'none, sen_support or ehcp' },
  { name: 'mental_health', path: '/needsProfile/mentalHealth', kind: 'flag', description: 'yes/no' },
  { name: 'youth_justice_involvement', path: '/needsProfile/youthJusticeInvolvement', kind: 'flag', description: 'yes/no' },
  { name: 'exploitation_risk', path: '/needsProfile/exploitationRisk', kind: 'flag', description: 'yes/no' },
  ...Array.from({ length: SERVICE_SLOTS }, (_, i) => serviceColumns(i + 1)).flat(),
  { name: 'team', path: '/teamId', kind: 'team', description: 'The young person’s team: its id, or its name (exact, else ignoring case); empty for none' },
  { name: 'key_worker', path: '/keyWorkerReference', kind: 'text', description: 'Pseudonymous key-worker reference (KW, an optional hyphen and 3-8 digits); empty for none' },
  {
    name: 'entry_to_care',
    path: '/entryToCare',
    kind: 'enum',
    description: 'planned or unplanned_emergency: how the period of care began, for a child in a looked-after state (kept on the first history episode, which the scorecard’s unplanned entries count); empty: not recorded',
  },
];

/** Other spellings of a header (after normalising): `keyWorker` as the JSON field is named. */
const HEADER_ALIASES: Record<string, string> = { keyworker: 'key_worker', key_worker_reference: 'key_worker', keyworkerreference: 'key_worker', teamid: 'team', team_id: 'team', entry: 'entry_to_care', entrytocare: 'entry_to_care' };

const columnsByName = new Map(YOUNG_PEOPLE_CSV_COLUMNS.map((c) => [c.name, c]));
const columnsByPath = new Map(YOUNG_PEOPLE_CSV_COLUMNS.map((c) => [c.path, c]));

/** One data row turned into the record shape, with the problems found turning cells into values. */
export interface ParsedCsvRow {
  /** Data row, counted from 1 after the header. */
  row: number;
  /** The record built from the cells; only valid once checked. */
  record: Record<string, unknown>;
  /** services[i] came from column group serviceSlots[i] (1-3), for error reports. */
  serviceSlots: number[];
  /** The team cell as written (an id or a name); resolved to record.teamId when the file is stored. */
  team?: string;
  errors: FieldError[];
}

const FORMULA_START = /^[=+\-@\t\r]/;

function normaliseHeader(name: string): string {
  const normal = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return HEADER_ALIASES[normal] ?? normal;
}

function parseCell(kind: CellKind, cell: string): { value: unknown } | { reason: string } {
  switch (kind) {
    case 'team':
    case 'text':
      if (FORMULA_START.test(cell)) {
        return { reason: 'starts with =, +, -, @ or a tab, which a spreadsheet would run as a formula; remove that character' };
      }
      return { value: cell };
    case 'integer':
      return /^-?\d+$/.test(cell) ? { value: Number(cell) } : { reason: 'must be a whole number' };
    case 'decimal': {
      const plain = cell.replace(/^(-?)£/, '$1');
      if (/^-?\d+(\.\d+)?$/.test(plain) || /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain)) {
        return { value: Number(plain.replaceAll(',', '')) };
      }
      return { reason: 'must be a number, e.g. 1234.50' };
    }
    case 'enum':
      return { value: cell.toLowerCase().replace(/[\s-]+/g, '_') };
    case 'flag': {
      const lower = cell.toLowerCase();
      if (['yes', 'y', 'true', '1'].includes(lower)) return { value: true };
      if (['no', 'n', 'false', '0'].includes(lower)) return { value: false };
      return { reason: 'must be yes or no' };
    }
    case 'date': {
      if (/^\d{4}-\d{2}-\d{2}$/.test(cell)) return { value: cell };
      const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(cell);
      if (uk) return { value: `${uk[3]}-${uk[2].padStart(2, '0')}-${uk[1].padStart(2, '0')}` };
      return { reason: 'must be a date as YYYY-MM-DD or DD/MM/YYYY' };
    }
  }
}

/** Sets "/a" or "/a/b" (the only depths outside services), creating the object on the way. */
function setAtPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [first, second] = path.slice(1).split('/');
  if (second === undefined) {
    target[first] = value;
    return;
  }
  const child = (target[first] ??= {}) as Record<string, unknown>;
  child[second] = value;
}

/**
 * Reads the header and turns each data row into the record shape. Throws 400 when the text is
 * not CSV at all, 422 when the header is wrong; row problems are returned with each row.
 */
export function parseYoungPeopleCsv(text: string): ParsedCsvRow[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, relax_quotes: true, trim: true, skip_empty_lines: false });
  } catch (error) {
    if (error instanceof CsvError) {
      // Our own words: csv-parse's messages can quote cell values.
      const line = (error as CsvError & { lines?: number }).lines;
      const reason = `is not valid CSV (${error.code}${line ? ` near line ${line}` : ''}); save it from Excel as "CSV UTF-8"`;
      throw new BadRequestError(`The file ${reason}`, [{ ...(line ? { row: line } : {}), field: '(file)', reason }]);
    }
    throw error;
  }
  if (records.length === 0 || records[0].every((cell) => cell === '')) {
    throw new UnprocessableError('The file is empty: the first line must be a header naming the columns', [{ field: '(header)', reason: 'is missing' }]);
  }
  const header = records[0].map(normaliseHeader);
  const headerErrors: FieldError[] = [];
  const seen = new Set<string>();
  header.forEach((name, i) => {
    const control = controlCharacterReason(name, false);
    // A header holding control characters is named by its position, never echoed.
    if (control) headerErrors.push({ field: `(column ${i + 1})`, reason: control });
    else if (!columnsByName.has(name)) headerErrors.push({ field: name || '(blank)', reason: 'is not a known column' });
    else if (seen.has(name)) headerErrors.push({ field: name, reason: 'appears twice in the header' });
    seen.add(name);
  });
  for (const column of YOUNG_PEOPLE_CSV_COLUMNS) {
    if (column.required && !seen.has(column.name)) headerErrors.push({ field: column.name, reason: 'is a required column' });
  }
  if (headerErrors.length > 0) {
    // Capped as the rows' problems are (rejectRows), so a header of 200,000 unknown columns does not answer megabytes.
    const shown = headerErrors.slice(0, MAX_REPORTED_ERRORS);
    throw new UnprocessableError(
      'The header row is not right; no row was read' + (headerErrors.length > shown.length ? ` (the first ${shown.length} of ${headerErrors.length} problems are listed)` : ''),
      shown,
    );
  }
  if (records.length === 1) {
    throw new UnprocessableError('The file has a header but no data rows', [{ field: '(rows)', reason: 'there are none' }]);
  }

  const rows: ParsedCsvRow[] = [];
  for (let index = 1; index < records.length; index++) {
    const cells = records[index];
    // A blank line (Excel leaves them at the end) is skipped but still counted, so row numbers match the sheet.
    if (cells.every((cell) => cell === '')) continue;
    const row: ParsedCsvRow = { row: index, record: { needsProfile: {}, services: [] }, serviceSlots: [], errors: [] };
    if (cells.length > header.length) {
      row.errors.push({ row: index, field: '(row)', reason: `has ${cells.length} cells but the header has ${header.length} columns` });
    }
    // Service cells are gathered by column group (1-3), then only the groups with something
    // in them become services, in order; serviceSlots remembers which group each came from.
    const servicesBySlot = new Map<number, Record<string, unknown>>();
    header.forEach((name, i) => {
      const cell = cells[i] ?? '';
      if (cell === '') return;
      const column = columnsByName.get(name) as CsvColumn;
      const control = controlCharacterReason(cell, false);
      if (control) {
        row.errors.push({ row: index, field: column.name, reason: control });
        return;
      }
      const parsed = parseCell(column.kind, cell);
      if ('reason' in parsed) {
        row.errors.push({ row: index, field: column.name, reason: parsed.reason });
        return;
      }
      const service = /^\/services\/(\d+)\/(.*)$/.exec(column.path);
      if (column.kind === 'team') row.team = parsed.value as string;
      else if (service) {
        const slot = Number(service[1]) + 1;
        const fields = servicesBySlot.get(slot) ?? {};
        fields[service[2]] = parsed.value;
        servicesBySlot.set(slot, fields);
      } else {
        setAtPath(row.record, column.path, parsed.value);
      }
    });
    row.serviceSlots = [...servicesBySlot.keys()].sort((a, b) => a - b);
    row.record.services = row.serviceSlots.map((slot) => servicesBySlot.get(slot));
    rows.push(row);
  }
  return rows;
}

/** Maps a JSON pointer in a row's record back to the CSV column it came from. */
function columnFor(pointer: string, serviceSlots: number[]): string {
  const service = /^\/services\/(\d+)(?:\/(.*))?$/.exec(pointer);
  if (service) {
    const slot = serviceSlots[Number(service[1])] ?? Number(service[1]) + 1;
    if (!service[2]) return `service${slot}_name`;
    return columnsByPath.get(`/services/0/${service[2]}`)?.name.replace(/^service1_/, `service${slot}_`) ?? `service${slot}`;
  }
  if (pointer === '/placement') return 'placement_type';
  if (pointer === '/needsProfile' || pointer === '/services') return pointer.slice(1);
  return columnsByPath.get(pointer)?.name ?? (pointer.replace(/^\//, '') || '(row)');
}

const FRIENDLY_REASONS: Array<[RegExp, string]> = [
  [/^reference$/, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'],
  [/^service\d_name$/, 'must not start with =, +, -, @ or a space, nor contain control characters'],
];

function friendlier(field: string, reason: string): string {
  if (!reason.startsWith('must match pattern')) return reason;
  return FRIENDLY_REASONS.find(([pattern]) => pattern.test(field))?.[1] ?? reason;
}

// The same strictness as the API's body validation (src/app.ts): no coercion, no stripping.
const ajv = addFormats.default(new Ajv.default({ allErrors: true, removeAdditional: false, useDefaults: false, strict: false, coerceTypes: false }));
const validateRecord = ajv.compile(YoungPersonInput);

/** Validates each parsed row as a record: schema, then the domain rules. */
export function checkRows(rows: ParsedCsvRow[], today: Date): FieldError[] {
  const errors: FieldError[] = [];
  const firstRowOfReference = new Map<string, number>();
  for (const row of rows) {
    const rowErrors = [...row.errors];
    const reported = new Set(rowErrors.map((e) => e.field));
    const add = (field: string, reason: string) => {
      if (reported.has(field)) return;
      reported.add(field);
      rowErrors.push({ row: row.row, field, reason: friendlier(field, reason) });
    };
    if (validateRecord(row.record)) {
      for (const e of checkYoungPersonRules(row.record as unknown as YoungPersonInputDto, today)) add(columnFor(e.field, row.serviceSlots), e.reason);
    } else {
      for (const e of validationErrors('', validateRecord.errors ?? [])) add(columnFor(e.field, row.serviceSlots), e.reason);
    }
    const reference = row.record.reference;
    if (typeof reference === 'string' && new RegExp(REFERENCE_PATTERN).test(reference)) {
      const first = firstRowOfReference.get(reference);
      if (first !== undefined) add('reference', `repeats the reference of row ${first}`);
      else firstRowOfReference.set(reference, row.row);
    }
    errors.push(...rowErrors);
  }
  return errors;
}

/** Reports stay readable and bounded however broken a large file is. */
const MAX_REPORTED_ERRORS = 1000;

const columnOrder = new Map(YOUNG_PEOPLE_CSV_COLUMNS.map((c, i) => [c.name, i]));

/** Row by row, and within a row in the order of the columns above. */
function rejectRows(unordered: FieldError[]): never {
  const position = (e: FieldError) => columnOrder.get(e.field.replace(/^service\d_/, 'service1_')) ?? -1;
  const slot = (e: FieldError) => Number(/^service(\d)_/.exec(e.field)?.[1] ?? 0);
  const seen = new Set<string>();
  const errors = unordered
    .filter((e) => {
      const key = `${e.row}:${e.field}`;
      return !seen.has(key) && seen.add(key);
    })
    .sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || slot(a) - slot(b) || position(a) - position(b));
  const badRows = new Set(errors.map((e) => e.row)).size;
  const shown = errors.slice(0, MAX_REPORTED_ERRORS);
  throw new UnprocessableError(
    `${badRows} row${badRows === 1 ? '' : 's'} cannot be imported, so nothing was stored` +
      (errors.length > shown.length ? ` (the first ${shown.length} of ${errors.length} problems are listed)` : ''),
    shown,
  );
}

export interface ImportOptions {
  /** Recorded in each record's audit event: 'csv_import' for the API, 'demo' for the demo loader. */
  source: string;
  /** Told how many records are stored so far (the demo load at start-up reports it). */
  progress?: (stored: number, total: number) => void;
  /** checkRows(rows, today), when already worked out (off the request thread, src/services/offload.ts). */
  rowErrors?: FieldError[];
  /**
   * Writes no history episodes: the demo loader writes its own two years of history
   * (loadDemoHistory). Otherwise each record gets the first episode a one-at-a-time create gives
   * (firstEpisodeRow), so its outcomes history is not empty.
   */
  withoutHistory?: boolean;
}

/**
 * Stores every row or none. References must be new, both within the file and against stored
 * records. Each record gets its own audit event, and the import one more with the row count.
 */
export async function importYoungPeople(
  db: Kysely<Database>,
  actor: Actor,
  rows: ParsedCsvRow[],
  today: Date,
  options: ImportOptions,
): Promise<ImportResultDto> {
  const records = rows.map((row) => row.record as unknown as YoungPersonInputDto);
  const referencesStored = async (trx: Kysely<Database>): Promise<FieldError[]> => {
    const inUse = await findReferencesInUse(trx, records.map((r) => r.reference).filter((r) => typeof r === 'string'));
    return rows
      .filter((_, i) => inUse.has(records[i].reference))
      .map((row) => ({ row: row.row, field: 'reference', reason: 'is already used by a stored record' }));
  };
  const errors = [...(options.rowErrors ?? checkRows(rows, today)), ...(await referencesStored(db)), ...(await resolveTeams(db, rows))];
  if (errors.length > 0) rejectRows(errors);
  try {
    return await db.transaction().execute(async (trx) => {
      // Again inside the transaction: another import may have taken a reference meanwhile.
      const taken = await referencesStored(trx);
      if (taken.length > 0) rejectRows(taken);
      const inserted = await insertYoungPeople(trx, records.map(toYoungPersonRow));
      // One audit event and first history episode per record, written in batches: a statement per
      // record made a 20,000-row import hold the (embedded, single-connection) database for many seconds.
      const day = isoDay(today);
      for (let start = 0; start < inserted.length; start += 200) {
        await yieldToEventLoop();
        const batch = inserted.slice(start, start + 200);
        // A CSV row is never closed (the file has no closure columns), so every first episode stays open.
        if (!options.withoutHistory) await insertEpisodes(trx, batch.map((row, i) => firstEpisodeRow(row.id, records[start + i], day)));
        await appendAuditEvents(trx, actor, batch.map((row) => ({ action: 'young_person.create', resourceType: 'young_person', resourceId: row.id, detail: { source: options.source } })));
        options.progress?.(start + batch.length, inserted.length);
      }
      await appendAuditEvent(trx, actor, { action: 'young_person.import', resourceType: 'young_person', resourceId: null, detail: { source: options.source, rows: inserted.length } });
      // RETURNING gives rows in VALUES order, so inserted[i] is rows[i].
      return {
        imported: inserted.length,
        items: inserted.map((row, i) => ({ row: rows[i].row, id: row.id, reference: row.reference as string })),
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('Another import or edit took one of these references at the same moment; nothing was stored. Try again.', [{ field: 'reference', reason: 'was taken by another import or edit at the same moment' }]);
    // A team deleted between the check and the insert: the foreign key refuses it.
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23503') {
      throw new UnprocessableError('A team named in the file was deleted meanwhile; nothing was stored', [{ field: 'team', reason: 'names a team that no longer exists' }]);
    }
    throw error;
  }
}

/** Sets each row's record.teamId from its team cell (an id or a name); the rows whose cell names no team, as errors. */
async function resolveTeams(db: Kysely<Database>, rows: ParsedCsvRow[]): Promise<FieldError[]> {
  if (!rows.some((r) => r.team !== undefined)) return [];
  const resolve = await teamResolver(db);
  const errors: FieldError[] = [];
  for (const row of rows) {
    if (row.team === undefined) continue;
    const team = resolve(row.team);
    if ('reason' in team) errors.push({ row: row.row, field: 'team', reason: team.reason });
    else row.record.teamId = team.id;
  }
  return errors;
}

export async function importYoungPeopleCsv(db: Kysely<Database>, actor: Actor, text: string, today: Date): Promise<ImportResultDto> {
  return importYoungPeople(db, actor, parseYoungPeopleCsv(text), today, { source: 'csv_import' });
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function valueAt(record: Record<string, unknown>, path: string): unknown {
  let node: unknown = record;
  for (const key of path.slice(1).split('/')) {
    if (node === undefined || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Writes records in the import format (header included), so what we write we can read back. */
export function formatYoungPeopleCsv(records: YoungPersonInputDto[]): string {
  if (records.some((r) => r.services.length > SERVICE_SLOTS)) {
    throw new Error(`the CSV format holds at most ${SERVICE_SLOTS} services per young person`);
  }
  const lines = [YOUNG_PEOPLE_CSV_COLUMNS.map((c) => c.name).join(',')];
  for (const record of records) {
    lines.push(YOUNG_PEOPLE_CSV_COLUMNS.map((c) => csvCell(valueAt(record as unknown as Record<string, unknown>, c.path))).join(','));
  }
  return `${lines.join('\n')}\n`;
}
