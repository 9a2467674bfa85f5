import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import type { Cell, ColumnKind, PackTable } from './tables.ts';

/**
 * The pack's workbook: one sheet per table, exactly the table (a header row, then its rows), so
 * a sheet and its CSV file hold the same values; then a Notes sheet with what each sheet shows.
 * Numbers are stored as numbers, with currency, percentage and count formats; headers are bold
 * and frozen, columns sized to their content.
 */

const FORMATS: Record<ColumnKind, string | undefined> = {
  text: undefined,
  money: '"£"#,##0;-"£"#,##0',
  count: '#,##0',
  probability: '0%',
  ratio: '0.00',
  integer: '0',
  number: '#,##0.0',
};

function displayLength(value: Cell, kind: ColumnKind): number {
  if (value === null) return 0;
  if (typeof value === 'string') return value.length;
  switch (kind) {
    case 'money':
      return Math.round(Math.abs(value)).toLocaleString('en-GB').length + 2;
    case 'probability':
      return 4;
    case 'ratio':
      return 6;
    default:
      return Math.round(Math.abs(value)).toLocaleString('en-GB').length + 3;
  }
}

function addTableSheet(workbook: ExcelJS.Workbook, table: PackTable): void {
  const runColumns = table.rowKinds ? table.columns.length : 0;
  const sheet = workbook.addWorksheet(table.sheet, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: table.rowKinds ? 1 : 0 }],
    properties: { defaultRowHeight: 15 },
  });
  sheet.addRow(table.columns.map((c) => c.header));
  for (const row of table.rows) sheet.addRow(row.map((value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value)));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'top', wrapText: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8ECF2' } };

  table.columns.forEach((column, c) => {
    const sheetColumn = sheet.getColumn(c + 1);
    const kinds = table.rowKinds && c >= 2 ? table.rowKinds : table.rows.map(() => column.kind);
    let width = Math.min(column.header.length, 24);
    table.rows.forEach((row, r) => {
      width = Math.max(width, displayLength(row[c], kinds[r]));
    });
    sheetColumn.width = Math.min(column.maxWidth ?? 60, Math.max(8, width + 2));
    if (!table.rowKinds || c < 2) {
      const format = FORMATS[column.kind];
      if (format) {
        table.rows.forEach((_, r) => {
          sheet.getCell(r + 2, c + 1).numFmt = format;
        });
      }
    }
  });
  if (table.rowKinds && runColumns > 2) {
    table.rowKinds.forEach((kind, r) => {
      const format = FORMATS[kind];
      if (!format) return;
      for (let c = 3; c <= runColumns; c++) sheet.getCell(r + 2, c).numFmt = format;
    });
  }
  // Hidden counts ("<5", "c") sit in numeric columns: right-align them with the numbers.
  table.columns.forEach((column, c) => {
    if (column.kind === 'text') return;
    table.rows.forEach((row, r) => {
      if (typeof row[c] === 'string') sheet.getCell(r + 2, c + 1).alignment = { horizontal: 'right' };
    });
  });
  if (table.rows.length > 0 && !table.rowKinds) {
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  }
}

function addNotesSheet(workbook: ExcelJS.Workbook, tables: PackTable[], about: string[]): void {
  const sheet = workbook.addWorksheet('Notes', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(['Sheet', 'What it shows', 'Notes']);
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8ECF2' } };
  for (const table of tables) sheet.addRow([table.sheet, `${table.title}. ${table.description}`, table.notes.join(' ')]);
  sheet.addRow([]);
  for (const line of about) sheet.addRow(['About this pack', line]);
  sheet.getColumn(1).width = 20;
  sheet.getColumn(2).width = 90;
  sheet.getColumn(3).width = 90;
  sheet.eachRow((row, n) => {
    if (n > 1) row.alignment = { vertical: 'top', wrapText: true };
  });
}

export async function buildWorkbook(tables: PackTable[], options: { createdAt: Date; title: string; about: string[] }): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'pathcast';
  workbook.title = options.title;
  workbook.created = options.createdAt;
  workbook.modified = options.createdAt;
  for (const table of tables) addTableSheet(workbook, table);
  addNotesSheet(workbook, tables, options.about);
  // ExcelJS stamps each part of the file with the time of writing; stamp them with the pack's
  // time instead, so the same results give the same bytes.
  const written = unzipSync(new Uint8Array(await workbook.xlsx.writeBuffer()));
  return zipSync(written, { mtime: options.createdAt, level: 6 });
}
