import type { Cell, PackTable } from './tables.ts';

/**
 * U+FEFF, written first: the UTF-8 byte-order mark (EF BB BF) by which Excel on Windows knows a
 * CSV file is UTF-8 (without it Excel reads the file in the system's code page and "£" comes out
 * as "Â£"). Excel's own "CSV UTF-8" files start with it too.
 */
export const BYTE_ORDER_MARK = '\uFEFF';

/**
 * A table as CSV (RFC 4180): the byte-order mark, a header row, then one line per row, CRLF line
 * ends. Numbers are written in JavaScript's shortest round-trip form, so parsing the file gives
 * back exactly the numbers the workbook holds; hidden counts keep their mark ("<5", "c").
 */
export function tableCsv(table: PackTable): string {
  const lines = [table.columns.map((c) => c.header), ...table.rows];
  return `${BYTE_ORDER_MARK}${lines.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // Text that a spreadsheet would run as a formula (a scenario name is anyone's text) is
  // prefixed with an apostrophe, as OWASP advises for CSV files.
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
