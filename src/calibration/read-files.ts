import { BadRequestError, type FieldError } from '../services/errors.ts';
import { normaliseCode } from './code-lists.ts';
import { CODED_COLUMNS, note, type ParsedFile } from './episodes.ts';
import { type CsvSource, readTable } from './input.ts';
import type { ReportCollector, SkippedTableSummary } from './report.ts';
import { AUTHORITY_COLUMNS, PERSONAL_COLUMNS, POSTCODE_COLUMNS, recogniseTable, returnYearFromCell, returnYearFromName, TABLE_BY_KIND, type UsedTable, YEAR_COLUMNS } from './tables.ts';

/**
 * Reading an upload's files into the tables calibration uses: every cell cleaned of control
 * characters and formula starts, each file recognised (tables.ts), placed in its return year(s)
 * (from its name, or a YEAR column when one file holds many years), rows of other authorities
 * left out when the files hold several, codes put in upper case, and the columns that are not
 * used noted. Tables calibration does not use are skipped with a note.
 */

const FORMULA_START = /^[=+\-@]/;
// C0 and C1 control characters (NUL included): never stored, never passed on.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export interface ImportProgress {
  phase: 'read' | 'clean';
  file?: string;
  filesRead: number;
  files: number;
  bytesRead: number;
}

export interface ReadOptions {
  /** When the files hold several authorities (an LA column), the one to import. */
  localAuthority?: string;
  onProgress?: (progress: ImportProgress) => void;
}

/** A column name as compared: trimmed, upper case, a byte order mark and inner spaces removed. */
function columnName(text: string): string {
  return text.replace(CONTROL, '').replace(/^\uFEFF/, '').trim().toUpperCase().replace(/\s+/g, '_');
}

export interface ReadResult {
  files: ParsedFile[];
  skipped: SkippedTableSummary[];
}

export interface RawTable {
  name: string;
  columns: string[];
  rows: { row: number; cells: Record<string, string> }[];
}

/** Reads every source into rows, cleaning control characters and formula starts cell by cell. */
export async function readRawTables(sources: CsvSource[], options: ReadOptions, collector: ReportCollector): Promise<RawTable[]> {
  const tables: RawTable[] = [];
  let bytesRead = 0;
  let filesRead = 0;
  for (const source of sources) {
    const name = source.name.replace(CONTROL, '?');
    let columns: string[] | undefined;
    const rows: RawTable['rows'] = [];
    await readTable(
      source,
      ({ row, cells }) => {
        const cleaned = cells.map((cell, i) => {
          if (!CONTROL.test(cell)) return cell;
          CONTROL.lastIndex = 0;
          const removed = cell.match(CONTROL)?.length ?? 0;
          if (columns) {
            collector.add({ file: name, row, column: columns[i] ?? `column ${i + 1}`, code: 'control_characters', action: 'fixed', detail: `${removed} control character(s) (such as NUL) removed; never stored` });
          }
          return cell.replace(CONTROL, '').trim();
        });
        CONTROL.lastIndex = 0;
        if (!columns) {
          columns = cleaned.map(columnName);
          while (columns.length > 0 && columns[columns.length - 1] === '') columns.pop();
          return;
        }
        if (cleaned.every((c) => c === '')) return; // a blank row (trailing rows of a spreadsheet)
        while (cleaned.length > columns.length && cleaned[cleaned.length - 1] === '') cleaned.pop();
        if (cleaned.length !== columns.length) {
          collector.add({ file: name, row, code: 'wrong_field_count', action: 'dropped', detail: `the row has ${cleaned.length} cells, the header ${columns.length}` });
          return;
        }
        const record: Record<string, string> = {};
        columns.forEach((column, i) => {
          let value = cleaned[i];
          if (FORMULA_START.test(value)) {
            collector.add({ file: name, row, column, code: 'formula_injection', action: 'fixed', detail: 'neutralised with a leading apostrophe; the value is not a valid code or date' });
            value = `'${value}`;
          }
          record[column] = value;
        });
        rows.push({ row, cells: record });
      },
      (bytes) => {
        bytesRead += bytes;
        options.onProgress?.({ phase: 'read', file: name, filesRead, files: sources.length, bytesRead });
      },
    );
    filesRead += 1;
    options.onProgress?.({ phase: 'read', file: name, filesRead, files: sources.length, bytesRead });
    tables.push({ name, columns: columns ?? [], rows });
  }
  return tables;
}

/**
 * Which table each file is, which return year(s) it holds, which authority, and which columns
 * are kept: the files calibration uses, split by return year; the rest skipped with a note.
 */
export function recogniseFiles(tables: RawTable[], options: ReadOptions, collector: ReportCollector): ReadResult {
  const headerErrors: FieldError[] = [];
  const skipped: SkippedTableSummary[] = [];
  const files: ParsedFile[] = [];
  const seen = new Map<string, string>();

  // Authorities across all files: one is used silently; several need the caller to say which.
  const authorities = new Map<string, string>();
  for (const t of tables) {
    const column = AUTHORITY_COLUMNS.find((c) => t.columns.includes(c) && c !== 'LA_CODE') ?? (t.columns.includes('LA_CODE') ? 'LA_CODE' : undefined);
    if (!column) continue;
    for (const r of t.rows) {
      const value = r.cells[column]?.trim();
      if (value) authorities.set(value.toUpperCase(), value);
    }
  }
  let authority: string | undefined;
  if (options.localAuthority !== undefined) {
    authority = options.localAuthority.trim().toUpperCase();
    if (authorities.size > 0 && !authorities.has(authority)) {
      throw new BadRequestError(`No rows belong to authority ${options.localAuthority}: the files hold ${[...authorities.values()].sort().join(', ')}`, [
        { field: 'localAuthority', reason: `must be one of ${[...authorities.values()].sort().join(', ')}` },
      ]);
    }
  } else if (authorities.size > 1) {
    const names = [...authorities.values()].sort();
    throw new BadRequestError(`The files hold the returns of ${names.length} authorities (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}): say which to calibrate with localAuthority`, [
      { field: 'localAuthority', reason: `is required when the files hold several authorities: one of ${names.slice(0, 10).join(', ')}` },
    ]);
  }

  for (const t of tables) {
    const recognised = recogniseTable(t.name, t.columns);
    if (!recognised) {
      throw new BadRequestError(
        `Cannot tell which part of the return ${t.name} is: its columns are not those of an SSDA903 table, and its name does not say (name files YEAR-episodes.csv, YEAR-header.csv, YEAR-uasc.csv or YEAR-oc3.csv, where YEAR is the year the return ends on 31 March, or 2023-24)`,
      );
    }
    const spec = TABLE_BY_KIND.get(recognised.kind)!;
    if (!spec.used) {
      note(collector, t.name, undefined, undefined, 'table_skipped', 'dropped', `recognised by its ${recognised.by} as the ${spec.title} table; calibration does not use it, so it is not read further or stored`);
      skipped.push({ name: t.name, table: spec.title });
      continue;
    }
    const kind = recognised.kind as UsedTable;
    const columns = t.columns;
    const authorityColumn = AUTHORITY_COLUMNS.find((c) => columns.includes(c));
    const yearColumn = YEAR_COLUMNS.find((c) => columns.includes(c));
    const known = new Set([...spec.required, ...spec.optional, ...PERSONAL_COLUMNS, ...POSTCODE_COLUMNS, ...AUTHORITY_COLUMNS, ...YEAR_COLUMNS]);
    let fileErrors = false;
    for (const required of spec.required) {
      if (!columns.includes(required)) {
        headerErrors.push({ field: `${t.name}: ${required}`, reason: `missing column (the ${spec.title} table needs ${spec.required.join(', ')})` });
        fileErrors = true;
      }
    }
    columns.forEach((column, i) => {
      if (column === '') {
        if (t.rows.some((r) => r.cells[''] !== '')) headerErrors.push({ field: `${t.name}: column ${i + 1}`, reason: 'has values but no name' });
      } else if (columns.indexOf(column) !== i) {
        headerErrors.push({ field: `${t.name}: ${column}`, reason: 'appears twice' });
        fileErrors = true;
      }
    });
    for (const column of new Set(columns)) {
      if (column === '' || spec.required.includes(column) || column === 'PL_DISTANCE' || column === yearColumn) continue;
      if (!known.has(column)) {
        note(collector, t.name, undefined, column, 'column_dropped', 'dropped', `not a column of the SSDA903 ${spec.title} table: not read, not stored`);
      } else if (POSTCODE_COLUMNS.includes(column)) {
        note(collector, t.name, undefined, column, 'postcode_reduced', 'dropped', columns.includes('PL_DISTANCE') ? 'postcodes are never stored; PL_DISTANCE is kept as a distance band' : 'postcodes are never stored, and no distance can be computed without storing them');
      } else if (PERSONAL_COLUMNS.includes(column)) {
        note(collector, t.name, undefined, column, 'column_dropped', 'dropped', 'names are never stored');
      } else if (column === authorityColumn) {
        note(collector, t.name, undefined, column, 'column_dropped', 'dropped', authority ? `rows of authority ${options.localAuthority} used; the column is not stored` : 'one authority throughout: not stored');
      } else if (column === 'UASC' && kind === 'header') {
        note(collector, t.name, undefined, column, 'column_used', 'kept', 'read as the unaccompanied asylum-seeking child flag (1, Y, YES or TRUE), as the open validator adds it');
      } else {
        note(collector, t.name, undefined, column, 'column_dropped', 'dropped', 'not needed for calibration, so not stored');
      }
    }
    if (fileErrors) continue;

    // Rows of other authorities are left out (counted once per file).
    let rows = t.rows;
    if (authority && authorityColumn) {
      const own = rows.filter((r) => (r.cells[authorityColumn] ?? '').trim().toUpperCase() === authority);
      if (own.length < rows.length) note(collector, t.name, undefined, authorityColumn, 'other_authority', 'dropped', `${rows.length - own.length} row(s) of other authorities left out`);
      rows = own;
    }
    // Codes are compared trimmed and in upper case.
    for (const r of rows) for (const column of CODED_COLUMNS[kind]) if (r.cells[column] !== undefined) r.cells[column] = normaliseCode(r.cells[column]);

    const nameYear = returnYearFromName(t.name);
    const groups = new Map<number, ParsedFile['rows']>();
    if (yearColumn) {
      let mismatched = 0;
      for (const r of rows) {
        const cell = r.cells[yearColumn] ?? '';
        const year = returnYearFromCell(cell);
        if (nameYear !== undefined) {
          if (year !== nameYear) mismatched += 1;
          const list = groups.get(nameYear) ?? [];
          list.push(r);
          groups.set(nameYear, list);
          continue;
        }
        if (year === undefined) {
          note(collector, t.name, r.row, yearColumn, cell === '' ? 'missing_value' : 'invalid_year', 'dropped', 'the collection year cannot be read (a year such as 2024, or 2023-24): the row cannot be placed in a return');
          continue;
        }
        const list = groups.get(year) ?? [];
        list.push(r);
        groups.set(year, list);
      }
      if (nameYear !== undefined) {
        if (mismatched * 2 > rows.length) {
          // Most rows contradict the name: one of the two is wrong, and guessing which would
          // calibrate on a shifted year (rows dropped or reopened as outside the return).
          throw new BadRequestError(
            `${t.name}: the file name gives return year ${nameYear}, but ${mismatched} of ${rows.length} rows give another ${yearColumn}. Rename the file to the year its rows hold (or remove the year from its name so ${yearColumn} is used), or correct the column`,
            [{ field: `${t.name}: ${yearColumn}`, reason: `disagrees with the return year ${nameYear} in the file name on most rows` }],
          );
        }
        if (mismatched > 0) {
          note(collector, t.name, undefined, yearColumn, 'year_mismatch', 'kept', `${mismatched} of ${rows.length} row(s) give a ${yearColumn} other than ${nameYear}, the return year the file name gives; the name’s year is used`);
        } else {
          note(collector, t.name, undefined, yearColumn, 'column_dropped', 'dropped', `agrees with the return year in the file name (${nameYear}); not stored`);
        }
      } else {
        note(collector, t.name, undefined, yearColumn, 'column_used', 'kept', `a table of several years: rows placed in return years ${[...groups.keys()].sort().join(', ')} by ${yearColumn}`);
      }
    } else if (nameYear !== undefined) {
      groups.set(nameYear, rows);
    } else {
      throw new BadRequestError(
        `Cannot tell which return year ${t.name} is: put the year the return ends (31 March) in its name, e.g. 2024-${kind}.csv or 2023-24-${kind}.csv, or give a YEAR column`,
      );
    }
    for (const [returnYear, groupRows] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
      const key = `${kind}:${returnYear}`;
      const before = seen.get(key);
      if (before) throw new BadRequestError(`${before} and ${t.name} are both the ${returnYear} ${kind} file`);
      seen.set(key, t.name);
      files.push({ name: t.name, kind, returnYear, columns, rows: groupRows });
    }
  }
  if (headerErrors.length) throw new BadRequestError('Some files do not have the columns of the SSDA903 return', headerErrors);
  return { files, skipped };
}
