import ExcelJS from 'exceljs';
import { DEFAULT_CARE_STATES } from '../catalog/vocabulary.ts';
import { ANSWER_DECIMALS, roundTo } from '../finance/money.ts';
import type { PathwayBudgetDto, PathwayProjectionDto } from '../schemas/care-plans.ts';
import { yearEndDate } from './pack-input.ts';
import { PROJECTED_OUTCOME_MEASURES } from './tables.ts';

/**
 * One young person's pathway budget or projection as a spreadsheet (xlsx) or a CSV file, for the
 * roles that may read individual records. Pure: figures in, bytes out, no HTTP or SQL.
 *
 * What goes in: the pseudonymous reference (never a name or date of birth), and the figures of
 * the JSON answer (getPathwayBudget, getPathwayProjection) unchanged, so a finance officer's
 * spreadsheet and the API agree to the penny. No id columns: the ids are in the file name of
 * neither; the reference says whose it is.
 *
 * CSV: UTF-8 with a byte-order mark (Excel on Windows otherwise reads £ as "Â£"), CRLF line ends
 * (RFC 4180), each table after a title line and a blank line, money as "£1,234.56". Text cells
 * that start with =, +, -, @, a tab or a carriage return get a leading apostrophe (OWASP's CSV
 * injection advice), so a spreadsheet never runs them as formulas.
 *
 * xlsx: one sheet per table, header row frozen and bold, money in £#,##0.00, A4 landscape
 * fitted to one page wide (any number tall), the header row repeated on every printed page.
 */

/** probability: a chance shown as a whole percentage; share: a share or its standard error, to 0.1%. */
export type ColumnKind = 'text' | 'money' | 'integer' | 'probability' | 'share';

export interface ExportColumn {
  header: string;
  kind: ColumnKind;
}

export type ExportCell = string | number | null;

export interface ExportTable {
  /** Sheet name (at most 31 characters, Excel's limit) and the CSV section's title. */
  title: string;
  columns: ExportColumn[];
  rows: ExportCell[][];
}

export interface ExportDocument {
  /** A file name without extension, e.g. "pathcast-budget-CP-1-2026-11-30". */
  fileStem: string;
  /** Lines shown above the tables: what it is, for whom (reference), when, and the money basis. */
  heading: string[];
  tables: ExportTable[];
}

const AGENCY_LABELS: Record<string, string> = {
  childrens_social_care: 'Children’s social care',
  education: 'Education',
  health: 'Health',
  youth_justice: 'Youth justice',
  housing: 'Housing',
  welfare: 'Welfare',
};

const STATE_LABELS = new Map(DEFAULT_CARE_STATES.map((s) => [s.id, s.label]));

export function agencyLabel(agency: string): string {
  return AGENCY_LABELS[agency] ?? agency;
}

export function stateLabel(state: string): string {
  return STATE_LABELS.get(state) ?? state;
}

/** A reference made safe for a file name: letters, digits, dot, dash and underscore only. */
function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64);
}

/** A UK long date: 30 November 2026 (from YYYY-MM-DD or a Date, read in UTC). */
export function ukDate(day: string | Date): string {
  const date = typeof day === 'string' ? new Date(`${day.slice(0, 10)}T00:00:00Z`) : day;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}

/**
 * The budget of getPathwayBudget as three tables: by line (placement and each service, each
 * financial year's share), by agency, by financial year. Every amount is the answer's own.
 */
export function budgetExport(budget: PathwayBudgetDto, reference: string, today: Date): ExportDocument {
  const lines: ExportCell[][] = [];
  for (const line of budget.lines) {
    for (const year of line.byFinancialYear) {
      lines.push([line.kind === 'placement' ? `Placement: ${stateLabel(line.name)}` : line.name, agencyLabel(line.agency), line.weeklyCost, ukDate(line.from), ukDate(line.until), year.financialYear, year.days, year.amount]);
    }
  }
  return {
    fileStem: `pathcast-budget-${fileSafe(reference)}-${budget.from}`,
    heading: [
      `Committed budget for the next 12 months: young person ${reference}`,
      `From ${ukDate(budget.from)} to ${ukDate(budget.until)} (${budget.days} days). Exported ${ukDate(today)}.`,
      budget.money.statement,
      budget.method,
    ],
    tables: [
      {
        title: 'Budget by line',
        columns: [
          { header: 'Item', kind: 'text' },
          { header: 'Paid by', kind: 'text' },
          { header: 'Weekly cost', kind: 'money' },
          { header: 'From', kind: 'text' },
          { header: 'Until', kind: 'text' },
          { header: 'Financial year', kind: 'text' },
          { header: 'Days', kind: 'integer' },
          { header: 'Amount', kind: 'money' },
        ],
        rows: lines,
      },
      {
        title: 'Budget by agency',
        columns: [
          { header: 'Paid by', kind: 'text' },
          { header: 'Amount', kind: 'money' },
        ],
        rows: [...budget.byAgency.map((a) => [agencyLabel(a.agency), a.amount]), ['Total', budget.total]],
      },
      {
        title: 'Budget by financial year',
        columns: [
          { header: 'Financial year', kind: 'text' },
          { header: 'Amount', kind: 'money' },
        ],
        rows: [...budget.byFinancialYear.map((y) => [y.financialYear, y.amount]), ['Total', budget.total]],
      },
    ],
  };
}

type PlanOutcomeYear = NonNullable<PathwayProjectionDto['result']['plans'][number]['outcomesByYear']>[number];

/** A share of the answer as the export writes it: rounded as the answer rounds shares (6 decimals), null kept. */
function shareCell(value: number | null | undefined): ExportCell {
  return value === null || value === undefined ? null : roundTo(value, ANSWER_DECIMALS.ratio);
}

/**
 * One plan's projected outcomes (outcomesByYear, issue 17) as rows: for each financial year and
 * each measure of the scenario pack's Projected outcomes sheet (PROJECTED_OUTCOME_MEASURES, same
 * ids and labels), the chance of being counted that day (looked after for the placement
 * measures, a care leaver for EET), the share's mean and its Monte Carlo standard error, as the
 * answer gives them (no interval over runs and no difference against the current course: a
 * projection gives neither). The EET row is only for ages 19 to 21 on 31 March, the ages the
 * measure is defined at (the answer's share is null at other ages). A null share (never counted
 * in any run, or a model without distance shares) is an empty cell. No disclosure control: one
 * young person's figures, read only by roles with individual access.
 */
export function projectedOutcomeRows(plan: string, years: readonly PlanOutcomeYear[]): ExportCell[][] {
  const rows: ExportCell[][] = [];
  for (const year of years) {
    for (const m of PROJECTED_OUTCOME_MEASURES) {
      const [share, counted] =
        m.measure === 'within_20_miles'
          ? [year.shareWithin20Miles, year.probabilityInCare]
          : m.measure === 'three_or_more_placements'
            ? [year.threeOrMorePlacementsShare, year.probabilityInCare]
            : [year.eetShareOfCareLeaver, year.probabilityCareLeaver];
      if (m.measure === 'care_leavers_eet' && (year.ageOn31March < 19 || year.ageOn31March > 21)) continue;
      rows.push([plan, year.financialYear, yearEndDate(year.financialYear), year.ageOn31March, m.measure, m.label, shareCell(counted), shareCell(share?.mean), shareCell(share?.se)]);
    }
  }
  return rows;
}

/**
 * A stored projection of getPathwayProjection as tables: each plan's total (present value and
 * cash: mean, P10 best case, P50, P90 worst case, P5, P95), by financial year (cash mean, P10,
 * P90; present value mean), by agency (means), each plan against the current course, and each
 * plan's projected outcomes by year (projectedOutcomeRows; absent from projections stored before
 * them, which then have no such table).
 */
export function projectionExport(projection: PathwayProjectionDto, reference: string, today: Date): ExportDocument {
  const result = projection.result;
  const totals: ExportCell[][] = [];
  for (const plan of result.plans) {
    for (const [basis, s] of [['Present value', plan.total.discounted], ['Cash', plan.total.cash]] as const) {
      totals.push([plan.name, basis, s.mean, s.p10, s.p50, s.p90, s.p5, s.p95]);
    }
  }
  const years: ExportCell[][] = [];
  for (const plan of result.plans) {
    for (const y of plan.byFinancialYear) years.push([plan.name, y.financialYear, y.cash.mean, y.cash.p10, y.cash.p90, y.discounted.mean]);
  }
  const agencies: ExportCell[][] = [];
  for (const plan of result.plans) {
    for (const a of plan.byAgency) agencies.push([plan.name, agencyLabel(a.agency), a.cash.mean, a.discounted.mean]);
  }
  const comparisons: ExportCell[][] = result.comparisons.map((c) => [
    c.plan,
    c.against,
    c.discounted.saving.mean,
    c.discounted.saving.p5,
    c.discounted.saving.p95,
    c.discounted.probabilityCheaper,
    c.cash.saving.mean,
  ]);
  const outcomes: ExportCell[][] = result.plans.flatMap((plan) => projectedOutcomeRows(plan.name, plan.outcomesByYear ?? []));
  const [y, m] = projection.startMonth.split('-').map(Number);
  const startLabel = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
  return {
    fileStem: `pathcast-projection-${fileSafe(reference)}-${projection.createdAt.slice(0, 10)}`,
    heading: [
      `Projection of care plans to the 25th birthday: young person ${reference}`,
      `From ${startLabel}, ${projection.months} months; model ${result.model.id} ${result.model.version}; ${projection.runs.toLocaleString('en-GB')} runs, seed ${projection.seed}. Projected ${ukDate(projection.createdAt)}, exported ${ukDate(today)}.`,
      // The bases' statements name themselves ("Present value: …", "Cash: …"): not labelled again.
      `Money in ${result.money.currency}, prices of ${result.money.priceBase}. ${result.money.bases.discounted} ${result.money.bases.cash}`,
      'Best case is the 10th percentile (P10), worst case the 90th (P90), expected the mean.',
      ...(outcomes.length > 0
        ? [
            'Projected outcomes at 31 March: shares from 0 to 1, each the chance if counted that day (looked after; for EET, a care leaver aged 19 to 21), with its Monte Carlo standard error; empty where never counted in any run or not computed.',
          ]
        : []),
    ],
    tables: [
      {
        title: 'Plan totals',
        columns: [
          { header: 'Plan', kind: 'text' },
          { header: 'Basis', kind: 'text' },
          { header: 'Expected (mean)', kind: 'money' },
          { header: 'Best case (P10)', kind: 'money' },
          { header: 'Median (P50)', kind: 'money' },
          { header: 'Worst case (P90)', kind: 'money' },
          { header: 'P5', kind: 'money' },
          { header: 'P95', kind: 'money' },
        ],
        rows: totals,
      },
      {
        title: 'By financial year',
        columns: [
          { header: 'Plan', kind: 'text' },
          { header: 'Financial year', kind: 'text' },
          { header: 'Cash: expected', kind: 'money' },
          { header: 'Cash: best case (P10)', kind: 'money' },
          { header: 'Cash: worst case (P90)', kind: 'money' },
          { header: 'Present value: expected', kind: 'money' },
        ],
        rows: years,
      },
      {
        title: 'By agency',
        columns: [
          { header: 'Plan', kind: 'text' },
          { header: 'Paid by', kind: 'text' },
          { header: 'Cash: expected', kind: 'money' },
          { header: 'Present value: expected', kind: 'money' },
        ],
        rows: agencies,
      },
      {
        title: 'Against the current course',
        columns: [
          { header: 'Plan', kind: 'text' },
          { header: 'Against', kind: 'text' },
          { header: 'Saving, present value: expected', kind: 'money' },
          { header: 'Saving, present value: P5', kind: 'money' },
          { header: 'Saving, present value: P95', kind: 'money' },
          { header: 'Chance of costing less', kind: 'probability' },
          { header: 'Saving, cash: expected', kind: 'money' },
        ],
        rows: comparisons,
      },
      ...(outcomes.length > 0
        ? [
            {
              title: 'Projected outcomes',
              columns: [
                { header: 'Plan', kind: 'text' },
                { header: 'Financial year', kind: 'text' },
                { header: 'At', kind: 'text' },
                { header: 'Age on 31 March', kind: 'integer' },
                { header: 'Measure id', kind: 'text' },
                { header: 'Measure', kind: 'text' },
                { header: 'Chance of being counted', kind: 'share' },
                { header: 'Share: mean', kind: 'share' },
                { header: 'Share: standard error', kind: 'share' },
              ],
              rows: outcomes,
            } satisfies ExportTable,
          ]
        : []),
    ],
  };
}

const poundFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** £1,234.56; negative amounts −£1,234.56 as "-£1,234.56" (ASCII minus, so spreadsheets read it). */
export function formatPounds(amount: number): string {
  return poundFormat.format(amount).replace('\u2212', '-');
}

/** Reads "£1,234.56" or "-£1,234.56" back to pounds (the inverse of formatPounds, for tests and imports). */
export function parsePounds(text: string): number {
  return Number(text.replace(/[£,]/g, ''));
}

function quoted(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvText(value: string): string {
  return quoted(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

function csvCell(value: ExportCell, kind: ColumnKind): string {
  if (value === null) return '';
  if (typeof value === 'string') return csvText(value);
  // Written from a number, never from text: "-£2.00" is an amount, not a formula, and stays readable as one.
  if (kind === 'money') return quoted(formatPounds(value));
  return String(value);
}

/** The document as CSV text, starting with the UTF-8 byte-order mark U+FEFF. */
export function toCsv(doc: ExportDocument): string {
  const out: string[] = doc.heading.map((line) => csvText(line));
  for (const table of doc.tables) {
    out.push('', csvText(table.title), table.columns.map((c) => csvText(c.header)).join(','));
    for (const row of table.rows) out.push(row.map((cell, k) => csvCell(cell, table.columns[k].kind)).join(','));
  }
  return `\uFEFF${out.join('\r\n')}\r\n`;
}

const NUMBER_FORMATS: Record<ColumnKind, string | undefined> = {
  text: undefined,
  money: '£#,##0.00;-£#,##0.00',
  integer: '#,##0',
  probability: '0%',
  share: '0.0%',
};

/** The document as an xlsx workbook (bytes): one sheet per table, the heading above each. */
export async function toXlsx(doc: ExportDocument): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'pathcast';
  // A fixed creation time keeps the file's bytes a function of the figures.
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  for (const table of doc.tables) {
    const sheet = workbook.addWorksheet(table.title.slice(0, 31));
    const headerRow = doc.heading.length + 2;
    doc.heading.forEach((line, k) => {
      const cell = sheet.getCell(k + 1, 1);
      cell.value = line;
      if (k === 0) cell.font = { bold: true, size: 13 };
    });
    const header = sheet.getRow(headerRow);
    table.columns.forEach((column, k) => {
      const cell = header.getCell(k + 1);
      cell.value = column.header;
      cell.font = { bold: true };
      cell.alignment = { vertical: 'bottom', horizontal: column.kind === 'text' ? 'left' : 'right' };
      cell.border = { bottom: { style: 'thin' } };
    });
    table.rows.forEach((row, r) => {
      const sheetRow = sheet.getRow(headerRow + 1 + r);
      row.forEach((value, k) => {
        const cell = sheetRow.getCell(k + 1);
        cell.value = value;
        const format = NUMBER_FORMATS[table.columns[k].kind];
        if (format && typeof value === 'number') cell.numFmt = format;
      });
    });
    table.columns.forEach((column, k) => {
      const longest = Math.max(column.header.length, ...table.rows.map((row) => (row[k] === null ? 0 : typeof row[k] === 'number' ? formatPounds(row[k] as number).length : String(row[k]).length)));
      sheet.getColumn(k + 1).width = Math.min(60, Math.max(10, longest + 2));
    });
    // Frozen through the header row: the column names stay in view while scrolling.
    sheet.views = [{ state: 'frozen', xSplit: 0, ySplit: headerRow }];
    sheet.pageSetup = {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${headerRow}:${headerRow}`,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    };
    sheet.headerFooter = { oddFooter: `${doc.heading[0].replace(/&/g, '&&')} &R Page &P of &N` };
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
