import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import type { Cell, ColumnKind, PackTable } from './tables.ts';
import { styleScorecardSheet } from './scorecard-sheet.ts';
import { addSheetCharts, type ChartAnchor, type ChartSeries, type ChartSpec, columnLetter, sheetRange } from './xlsx-charts.ts';

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

/** The header's text in lines of at most `width` characters, broken at spaces (as a spreadsheet wraps it). */
export function wrapLines(text: string, width: number): number {
  let lines = 1;
  let used = 0;
  for (const word of text.split(/\s+/)) {
    const length = word.length;
    if (used === 0) used = length;
    else if (used + 1 + length <= width) used += 1 + length;
    else {
      lines++;
      used = length;
    }
    while (used > width) {
      lines++;
      used -= width;
    }
  }
  return lines;
}

/**
 * The widest a sheet may be, in characters: fitted to one A4 page wide (landscape, about 145
 * characters at 100%) it prints at 55% or more.
 */
export const MAX_SHEET_WIDTH = 260;
const MIN_WRAPPED_WIDTH = 20;
/**
 * The most lines a row of a table sheet shows: a longer text (the longest notes run to 1,300
 * characters) shows its first lines, and the cell (and the CSV) holds it whole.
 */
export const MAX_ROW_LINES = 4;
/** A4 landscape within the margins: characters of width at 100%, and points of height. */
const PAGE_CHARACTERS = 145;
const PAGE_POINTS = 500;

/** Points per line of 11-point Calibri, the workbook's font. */
const LINE_HEIGHT = 15;

/**
 * Column widths that print a sheet on the fewest A4 pages. The columns that may wrap (free text)
 * are capped together at one width: a narrower cap makes the sheet narrower (printed larger, so
 * more pages) and its rows taller (more lines). Every cap from MIN_WRAPPED_WIDTH up is tried and
 * the pages estimated as rows' height × scale ÷ page height, scale = min(1, PAGE_CHARACTERS ÷
 * width); the cap with the fewest pages among those that keep the sheet within MAX_SHEET_WIDTH
 * wins, the widest on a tie.
 */
export function fitWidths(widths: number[], mayWrap: boolean[], texts: Array<Array<string | null>>): number[] {
  const capped = (cap: number) => widths.map((w, c) => (mayWrap[c] ? Math.min(w, cap) : w));
  const widest = Math.max(MIN_WRAPPED_WIDTH, ...widths.filter((_, c) => mayWrap[c]));
  let best = { pages: Number.POSITIVE_INFINITY, widths };
  for (let cap = widest; cap >= MIN_WRAPPED_WIDTH; cap--) {
    const candidate = capped(cap);
    const total = candidate.reduce((x, y) => x + y, 0);
    if (total > MAX_SHEET_WIDTH && cap > MIN_WRAPPED_WIDTH) continue;
    let points = 0;
    for (const row of texts) {
      let lines = 1;
      row.forEach((text, c) => {
        if (text !== null && mayWrap[c]) lines = Math.max(lines, Math.min(MAX_ROW_LINES, linesIn(text, candidate[c])));
      });
      points += lines * LINE_HEIGHT;
    }
    const pages = (points * Math.min(1, PAGE_CHARACTERS / total)) / PAGE_POINTS;
    if (pages < best.pages - 0.05) best = { pages, widths: candidate };
  }
  return best.widths;
}

/**
 * Lines a text takes in a column `width` characters wide: one when the column was sized to it
 * (its length plus 2); else as it wraps at spaces. A width counts the digit 0 of the workbook's
 * font (Calibri); a reader without Calibri (LibreOffice here draws DejaVu Sans) sets some text
 * wider, so only 90% of the width is counted on (80% for bold).
 */
export function linesIn(text: string, width: number, bold = false): number {
  if (text.length <= width - 2 && !bold) return 1;
  return wrapLines(text, Math.max(1, Math.floor((width - 1) * (bold ? 0.8 : 0.9))));
}


/**
 * Print setup of a sheet (ECMA-376 §18.3.1.63 pageSetup, paperSize 9 = A4): fit to one page wide
 * and as many long as it takes, landscape when the columns are wider than A4 portrait holds
 * (about 100 characters at 100%; up to 120 it prints portrait at 83% or more), the header row repeated on every page, a footer with the
 * sheet's name and page number.
 */
function printSetup(sheet: ExcelJS.Worksheet, lastColumn: number, lastRow: number, title: string, landscape?: boolean): void {
  let width = 0;
  for (let c = 1; c <= lastColumn; c++) width += sheet.getColumn(c).width ?? 9;
  sheet.pageSetup = {
    paperSize: 9,
    orientation: (landscape ?? width > 120) ? 'landscape' : 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printArea: `A1:${columnLetter(lastColumn)}${Math.max(1, lastRow)}`,
    printTitlesRow: '1:1',
    margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.7, header: 0.3, footer: 0.3 },
  } as Partial<ExcelJS.PageSetup>;
  sheet.headerFooter = { oddFooter: `&L${title.replaceAll('&', '&&')}: &A&Rpage &P of &N` };
}

function addTableSheet(workbook: ExcelJS.Workbook, table: PackTable, title: string): void {
  const runColumns = table.rowKinds ? table.columns.length : 0;
  const sheet = workbook.addWorksheet(table.sheet, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: table.rowKinds ? 1 : 0 }],
    properties: { defaultRowHeight: LINE_HEIGHT },
  });
  sheet.addRow(table.columns.map((c) => c.header));
  for (const row of table.rows) sheet.addRow(row.map((value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value)));
  const header = sheet.getRow(1);
  // Styled cell by cell: a row's style would colour the whole row, past the table.
  table.columns.forEach((_, c) => {
    const cell = header.getCell(c + 1);
    cell.font = { bold: true };
    cell.alignment = { vertical: 'top', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8ECF2' } };
  });

  // Each column as wide as its content (a header up to 24 characters; longer ones wrap).
  const kindsOf = (c: number) => (table.rowKinds && c >= 2 ? table.rowKinds : table.rows.map(() => table.columns[c].kind));
  const natural = table.columns.map((column, c) => {
    const kinds = kindsOf(c);
    let width = Math.min(column.header.length, 24);
    table.rows.forEach((row, r) => {
      width = Math.max(width, displayLength(row[c], kinds[r]));
    });
    return Math.min(column.maxWidth ?? 60, Math.max(8, width + 2));
  });
  const widths = fitWidths(
    natural,
    table.columns.map((column) => column.kind === 'text' && column.maxWidth === undefined),
    table.rows.map((row) => row.map((cell) => (typeof cell === 'string' ? cell : null))),
  );
  let headerLines = 1;
  const rowLines = table.rows.map(() => 1);
  table.columns.forEach((column, c) => {
    const sheetColumn = sheet.getColumn(c + 1);
    sheetColumn.width = widths[c];
    // Bold text is wider than the digits a width counts: leave room.
    headerLines = Math.max(headerLines, linesIn(column.header, widths[c], true));
    // Text longer than its column wraps within it, and its row is made tall enough: readers
    // keep a row's height as the file gives it (LibreOffice does not refit it on opening).
    if (table.rows.some((row) => typeof row[c] === 'string' && linesIn(row[c] as string, widths[c]) > 1)) {
      table.rows.forEach((row, r) => {
        sheet.getCell(r + 2, c + 1).alignment = { wrapText: true };
        if (typeof row[c] === 'string') rowLines[r] = Math.max(rowLines[r], linesIn(row[c] as string, widths[c]));
      });
    }
    if (!table.rowKinds || c < 2) {
      const format = FORMATS[column.kind];
      if (format) {
        table.rows.forEach((_, r) => {
          sheet.getCell(r + 2, c + 1).numFmt = format;
        });
      }
    }
  });
  // The header row as tall as its most wrapped header, so no header runs over the first row.
  header.height = headerLines * LINE_HEIGHT + 2;
  rowLines.forEach((lines, r) => {
    if (lines === 1) return;
    sheet.getRow(r + 2).height = Math.min(lines, MAX_ROW_LINES) * LINE_HEIGHT;
    // A tall row reads from the top in every cell.
    table.columns.forEach((_, c) => {
      const cell = sheet.getCell(r + 2, c + 1);
      cell.alignment = { ...cell.alignment, vertical: 'top' };
    });
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
      if (typeof row[c] !== 'string') return;
      const cell = sheet.getCell(r + 2, c + 1);
      cell.alignment = { ...cell.alignment, horizontal: 'right' };
    });
  });
  if (table.rows.length > 0 && !table.rowKinds) {
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  }
  printSetup(sheet, table.columns.length, table.rows.length + 1, title);
}

function addNotesSheet(workbook: ExcelJS.Workbook, tables: PackTable[], about: string[], title: string): void {
  const sheet = workbook.addWorksheet('Notes', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(['Sheet', 'What it shows', 'Notes']);
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8ECF2' } };
  for (const table of tables) sheet.addRow([table.sheet, `${table.title}. ${table.description}`, table.notes.join(' ')]);
  sheet.addRow([]);
  for (const line of about) sheet.addRow(['About this pack', line]);
  sheet.getColumn(1).width = 20;
  const widths = [20, 70, 70];
  widths.forEach((w, c) => {
    sheet.getColumn(c + 1).width = w;
  });
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    row.alignment = { vertical: 'top', wrapText: true };
    const lines = Math.max(...widths.map((w, c) => linesIn(String(row.getCell(c + 1).value ?? ''), w)));
    if (lines > 1) row.height = lines * LINE_HEIGHT;
  });
  printSetup(sheet, 3, sheet.rowCount, title, true);
}

const MONEY = FORMATS.money as string;

/** A table's rows by run: the run column's value (a pack of several runs) or one group named ''. */
function rowsByRun(table: PackTable | undefined): Array<{ run: string; rows: Cell[][] }> {
  if (!table) return [];
  const byRun = table.columns[0]?.key === 'run';
  const groups = new Map<string, Cell[][]>();
  for (const row of table.rows) {
    const run = byRun ? String(row[0]) : '';
    groups.set(run, [...(groups.get(run) ?? []), row]);
  }
  return [...groups].map(([run, rows]) => ({ run, rows }));
}

function columnOf(table: PackTable, key: string): number {
  const index = table.columns.findIndex((c) => c.key === key);
  if (index < 0) throw new Error(`${table.id} has no column ${key}`);
  return index;
}

const num = (cell: Cell): number | null => (typeof cell === 'number' && Number.isFinite(cell) ? cell : null);
const pennies = (x: number) => Math.round(x * 100) / 100;

interface Block {
  title: string;
  headers: string[];
  /** Category label, then the figures; a cumulative column is a running sum of the column before it. */
  rows: Array<[string, ...Array<number | null>]>;
  cumulative?: boolean;
  /** The chart, given a series of a column (1-based; its name is the column's header) and the categories (column 1). */
  chart: (series: (col: number, colour: string) => ChartSeries, categories: { ref: string; values: string[] }) => ChartSpec;
}

const COLOURS = { asNow: '7F7F7F', strategy: '1F77B4', net: '2E7D32', cumulative: 'C55A11' };

/**
 * The Charts sheet: for each run, three small tables drawn from the workbook's sheets (means over
 * the runs, pounds at the model's price base) with a native chart beside each: net cash and net
 * cash to date by planning year (Spend by year: as now minus strategy, undiscounted), net benefit
 * and net benefit to date by year followed (Net by year: present values; where the line crosses
 * zero the strategy has paid back), and spend by agency over the planning years, as now and with
 * the strategy (Spend by agency, summed over the years: the mean of a sum is the sum of the means).
 * A running total is a formula with its value cached, so a reader that recalculates and one that
 * does not show the same figures.
 */
function addChartsSheet(workbook: ExcelJS.Workbook, tables: PackTable[], title: string): Array<{ spec: ChartSpec; anchor: ChartAnchor }> {
  const byId = new Map(tables.map((t) => [t.id, t]));
  const spendByYear = byId.get('spend-by-year');
  const netByYear = byId.get('net-by-year');
  const byAgency = byId.get('spend-by-agency');
  const runs = [...new Set([...rowsByRun(spendByYear), ...rowsByRun(netByYear), ...rowsByRun(byAgency)].map((g) => g.run))];
  if (runs.length === 0) return [];
  const sheetName = 'Charts';
  const sheet = workbook.addWorksheet(sheetName, { properties: { defaultRowHeight: LINE_HEIGHT } });
  sheet.getColumn(1).width = 34;
  for (let c = 2; c <= 5; c++) sheet.getColumn(c).width = 15;
  for (let c = 6; c <= 16; c++) sheet.getColumn(c).width = 10;
  sheet.getCell(1, 1).value = 'Charts of the figures in this workbook: means over the runs, pounds in real prices of the model’s price base year';
  sheet.getCell(1, 1).font = { bold: true, size: 12 };
  const charts: Array<{ spec: ChartSpec; anchor: ChartAnchor }> = [];
  let row = 3;
  for (const run of runs) {
    const suffix = run ? `: ${run}` : '';
    const blocks: Block[] = [];
    const spend = rowsByRun(spendByYear).find((g) => g.run === run);
    if (spendByYear && spend) {
      const [fy, base, strategy, saving] = ['financial_year', 'baseline_mean', 'strategy_mean', 'saving_mean'].map((k) => columnOf(spendByYear, k));
      blocks.push({
        title: `Net cash by financial year${suffix}`,
        headers: ['Financial year', 'Spend as now', 'Spend with the strategy', 'Net cash (as now minus strategy)', 'Net cash to date'],
        rows: spend.rows.map((r) => [String(r[fy]), num(r[base]), num(r[strategy]), num(r[saving])]),
        cumulative: true,
        chart: (series, categories) => ({
          title: `Net cash by financial year${suffix}`,
          direction: 'col',
          categories,
          bars: [series(4, COLOURS.net)],
          lines: [series(5, COLOURS.cumulative)],
          valueTitle: '£, undiscounted, mean over the runs',
          numberFormat: MONEY,
        }),
      });
    }
    const net = rowsByRun(netByYear).find((g) => g.run === run);
    if (netByYear && net) {
      const [fy, mean] = ['financial_year', 'net_mean'].map((k) => columnOf(netByYear, k));
      blocks.push({
        title: `Net benefit by financial year, present value${suffix}`,
        headers: ['Financial year', 'Net benefit in the year (present value)', 'Net benefit to date (present value)'],
        rows: net.rows.map((r) => [String(r[fy]), num(r[mean])]),
        cumulative: true,
        chart: (series, categories) => ({
          title: `Net benefit by financial year, present value${suffix}`,
          direction: 'col',
          categories,
          bars: [series(2, COLOURS.net)],
          lines: [series(3, COLOURS.cumulative)],
          valueTitle: '£, present value, mean over the runs',
          numberFormat: MONEY,
        }),
      });
    }
    const agencies = rowsByRun(byAgency).find((g) => g.run === run);
    if (byAgency && agencies) {
      const [agency, base, strategy, saving] = ['agency', 'baseline_mean', 'strategy_mean', 'saving_mean'].map((k) => columnOf(byAgency, k));
      const sums = new Map<string, [number, number, number]>();
      for (const r of agencies.rows) {
        const sum = sums.get(String(r[agency])) ?? [0, 0, 0];
        sums.set(String(r[agency]), [sum[0] + (num(r[base]) ?? 0), sum[1] + (num(r[strategy]) ?? 0), sum[2] + (num(r[saving]) ?? 0)]);
      }
      const years = new Set(agencies.rows.map((r) => r[columnOf(byAgency, 'financial_year')])).size;
      blocks.push({
        title: `Spend by agency over the ${years} planning years${suffix}`,
        headers: ['Agency', 'Spend as now', 'Spend with the strategy', 'Saving'],
        rows: [...sums].map(([name, [b, s, v]]) => [name, pennies(b), pennies(s), pennies(v)]),
        chart: (series, categories) => ({
          title: `Spend by agency over the ${years} planning years${suffix}`,
          direction: 'bar',
          categories,
          bars: [
            series(2, COLOURS.asNow),
            series(3, COLOURS.strategy),
          ],
          lines: [],
          // Children's social care dwarfs the other agencies' bars: each bar says its value, so every agency shows.
          valueLabels: true,
          valueTitle: '£, undiscounted, mean over the runs',
          numberFormat: MONEY,
        }),
      });
    }
    for (const block of blocks) {
      // Each block starts a printed page, so no chart is split across two.
      if (row > 3) sheet.getRow(row - 1).addPageBreak();
      // Heading, column headers, rows; the chart beside them, at least 18 rows tall.
      sheet.getCell(row, 1).value = block.title;
      sheet.getCell(row, 1).font = { bold: true };
      const headerRow = sheet.getRow(row + 1);
      block.headers.forEach((h, c) => {
        const cell = headerRow.getCell(c + 1);
        cell.value = h;
        cell.font = { bold: true };
        cell.alignment = { vertical: 'top', wrapText: true };
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8ECF2' } };
      });
      headerRow.height = Math.max(...block.headers.map((h, c) => linesIn(h, c === 0 ? 34 : 15, true))) * LINE_HEIGHT + 2;
      const first = row + 2;
      const last = first + block.rows.length - 1;
      let total = 0;
      block.rows.forEach((values, k) => {
        const r = first + k;
        values.forEach((v, c) => {
          const cell = sheet.getCell(r, c + 1);
          cell.value = v;
          if (c > 0) cell.numFmt = MONEY;
        });
        if (block.cumulative) {
          const c = values.length;
          total = pennies(total + ((values[c - 1] as number | null) ?? 0));
          const above = columnLetter(c + 1);
          const here = columnLetter(c);
          const cell = sheet.getCell(r, c + 1);
          cell.value = { formula: k === 0 ? `${here}${r}` : `${above}${r - 1}+${here}${r}`, result: total };
          cell.numFmt = MONEY;
        }
      });
      const valuesOf = (col: number) => {
        const values: Array<number | null> = [];
        for (let r = first; r <= last; r++) {
          const v = sheet.getCell(r, col).value;
          values.push(typeof v === 'number' ? v : v && typeof v === 'object' && 'result' in v && typeof v.result === 'number' ? v.result : null);
        }
        return values;
      };
      const spec = block.chart(
        (col, colour) => ({ name: block.headers[col - 1], nameRef: sheetRange(sheetName, col, row + 1), ref: sheetRange(sheetName, col, first, last), values: valuesOf(col), colour }),
        { ref: sheetRange(sheetName, 1, first, last), values: block.rows.map((r) => r[0]) },
      );
      const height = Math.max(block.rows.length + 2, 18);
      charts.push({ spec, anchor: { from: { col: 6, row: row - 1 }, to: { col: 16, row: row - 1 + height } } });
      row += height + 2;
    }
  }
  printSetup(sheet, 16, row - 2, title, true);
  return charts;
}

/**
 * The workbook's bytes: the table sheets, a Charts sheet with native Excel charts (added to the
 * file after ExcelJS writes it: xlsx-charts.ts) and the Notes sheet. Every sheet prints on A4,
 * one page wide.
 */
export async function buildWorkbook(tables: PackTable[], options: { createdAt: Date; title: string; about: string[] }): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'pathcast';
  workbook.title = options.title;
  workbook.created = options.createdAt;
  workbook.modified = options.createdAt;
  for (const table of tables) addTableSheet(workbook, table, options.title);
  styleScorecardSheet(workbook, tables);
  const charts = addChartsSheet(workbook, tables, options.title);
  addNotesSheet(workbook, tables, options.about, options.title);
  const written = unzipSync(new Uint8Array(await workbook.xlsx.writeBuffer()));
  if (charts.length > 0) addSheetCharts(written, 'Charts', charts);
  // ExcelJS stamps each part of the file with the time of writing; stamp them with the pack's
  // time instead, so the same results give the same bytes.
  return zipSync(written, { mtime: options.createdAt, level: 6 });
}
