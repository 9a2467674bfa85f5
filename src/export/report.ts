import { COMMISSIONED_ALLOCATED, NO_CAPACITY_LIMIT, PLACES_ALLOCATED, hasCapacityLimit, marchMonths } from './capacity.ts';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { discountFactors } from '../finance/discounting.ts';
import { scenarioResultView } from '../finance/scenario-view.ts';
import { formatPercent, formatPounds, signedPercent1 } from '../services/wording.ts';
import type { Chart } from './charts.ts';
import type { FundingRange, FundingView } from './funding.ts';
import { COMPLEMENT, DISCLOSURE_NOTE, SMALL_COUNT, type ShownCount, showCount } from './disclosure.ts';
import type { RunFindings } from './findings.ts';
import { runNames, ukDate } from './labels.ts';
import { type PackInput, type PackRun, yearEndDate } from './pack-input.ts';
import { type Cell, MIN_COUNTED_FOR_SHARES, projectedOutcomeRows, shownCounts } from './tables.ts';
import { type PackScorecard, scorecardAsOfPhrase, scorecardReportRows } from './scorecard-sheet.ts';

/**
 * The pack's report (PDF, A4). Page 1 answers the programme board's questions for each run:
 * net present value with best and worst case, benefit-cost ratio, present values of costs and
 * benefits, cashable and non-cashable benefits, the chance of benefit, payback, and the first
 * year's pressure, with the price base and discount rate stated; then savings by financial year
 * (cash and discounted, cumulative), the best/expected/worst chart and how the runs compare.
 * For each run: findings, the fan chart of annual spend, the savings distribution, the tornado of
 * drivers, spend by agency and children looked after; for a run with a funding arrangement
 * (issue 16), who pays and who gains, the pool's partners, each outcomes contract and
 * reinvestment, with the disclosure rule applied (src/export/funding.ts). Last, method,
 * disclosure control and reproduction (the only place run ids appear).
 * Content flows down the pages: a section or chart starts a new page only when it would not fit
 * in what is left of the current one (issue 18: no half-blank pages). Runs are named by scenario
 * and run date (labels.ts runNames), never by id. Charts are the pack's SVG files, drawn as vectors.
 */

export const PAGE = { width: 595.28, height: 841.89, margin: 50 };
/** The lowest point content may reach: the footer sits below it. */
const BOTTOM = PAGE.height - PAGE.margin;
const CONTENT = PAGE.width - 2 * PAGE.margin;
const INK = '#111111';
const MUTED = '#444444';

// Helvetica (a PDF standard font) covers Windows-1252 only; anything else would come out as
// stray glyphs and shift the text after it. Spell out the common ones, replace the rest by "?".
const WINDOWS_1252_EXTRA = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ']);
function text(value: string): string {
  const spelled = value.replaceAll('−', '-').replaceAll('≥', '>=').replaceAll('≤', '<=').replaceAll('→', 'to').replaceAll('\u00a0', ' ');
  return [...spelled].map((c) => (c === '\n' || (c >= ' ' && c <= '~') || (c >= '\u00a1' && c <= '\u00ff') || WINDOWS_1252_EXTRA.has(c) ? c : '?')).join('');
}

function svgSize(svg: string): { width: number; height: number } {
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 500);
  const height = Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1] ?? 300);
  return { width, height };
}

type Doc = PDFKit.PDFDocument;

/** Starts a new page when less than `height` points are left on this one. */
function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > BOTTOM) doc.addPage();
}

function heading(doc: Doc, value: string, size = 16): void {
  // A heading never ends a page: keep room for a few lines after it.
  ensureSpace(doc, size * 1.4 + 40);
  doc.font('Helvetica-Bold').fontSize(size).fillColor(INK).text(text(value), PAGE.margin, doc.y, { width: CONTENT });
  doc.moveDown(0.4);
}

function paragraph(doc: Doc, value: string, options: { size?: number; color?: string; bullet?: boolean } = {}): void {
  const size = options.size ?? 10;
  doc.font('Helvetica').fontSize(size).fillColor(options.color ?? INK);
  // A paragraph is kept on one page (a few lines cut off onto the next read badly); a long one flows.
  const height = doc.heightOfString(text(value), { width: CONTENT - (options.bullet ? 12 : 0) });
  if (height < 150) ensureSpace(doc, height);
  if (options.bullet) {
    const y = doc.y;
    doc.text('•', PAGE.margin, y, { width: 10 });
    doc.text(text(value), PAGE.margin + 12, y, { width: CONTENT - 12 });
  } else {
    doc.text(text(value), PAGE.margin, doc.y, { width: CONTENT });
  }
  doc.moveDown(0.3);
}

/** Draws a chart at the current position, scaled to `width`, no taller than `maxHeight`. */
function chart(doc: Doc, item: Chart, width = CONTENT, maxHeight = 330): void {
  const size = svgSize(item.svg);
  let w = width;
  let h = (size.height / size.width) * w;
  if (h > maxHeight) {
    w = (maxHeight / h) * w;
    h = maxHeight;
  }
  // A chart that nearly fits what is left of the page shrinks a little rather than leave the space blank.
  const left = BOTTOM - doc.y - 10;
  if (h > left && left >= 0.8 * h) {
    w *= left / h;
    h = left;
  }
  ensureSpace(doc, h + 10);
  const y = doc.y;
  // The charts' text is laid out with Helvetica's metrics (charts.ts): draw it in Helvetica.
  SVGtoPDF(doc, text(item.svg), PAGE.margin, y, { width: w, height: h, preserveAspectRatio: 'xMinYMin meet', assumePt: true, fontCallback: (_family, bold) => (bold ? 'Helvetica-Bold' : 'Helvetica') });
  doc.y = y + h + 10;
}

interface TableColumn {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

/** A table; rows that would cross the bottom margin go to a new page under a repeated header. */
function table(doc: Doc, columns: TableColumn[], rows: string[][], size = 9, boldRows: ReadonlySet<number> = new Set()): void {
  const rowHeight = size + 6;
  const heightOf = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size);
    let height = rowHeight;
    cells.forEach((cell, c) => {
      const column = columns[c];
      const options = { width: column.width - 6, align: column.align ?? 'left' } as const;
      height = Math.max(height, doc.heightOfString(text(cell), options) + 6);
    });
    return height;
  };
  const header = columns.map((c) => c.header);
  // The header and the first row together, never a header alone at a page's foot.
  ensureSpace(doc, heightOf(header, true) + (rows[0] ? heightOf(rows[0], false) : 0) + 8);
  let y = doc.y;
  const draw = (cells: string[], bold: boolean, rule = bold) => {
    let x = PAGE.margin;
    const height = heightOf(cells, bold);
    if (y + height > BOTTOM) {
      doc.addPage();
      y = doc.y;
      draw(header, true);
    }
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size).fillColor(INK);
    cells.forEach((cell, c) => {
      const column = columns[c];
      doc.text(text(cell), x + 3, y + 3, { width: column.width - 6, align: column.align ?? 'left' });
      x += column.width;
    });
    y += height;
    doc
      .moveTo(PAGE.margin, y)
      .lineTo(PAGE.margin + columns.reduce((n, c) => n + c.width, 0), y)
      .lineWidth(rule ? 0.8 : 0.3)
      .strokeColor(rule ? '#333333' : '#bbbbbb')
      .stroke();
  };
  draw(header, true);
  for (const [k, row] of rows.entries()) draw(row, boldRows.has(k), false);
  doc.x = PAGE.margin;
  doc.y = y + 8;
}

function discountSchedule(periods: Array<{ fromYear: number; rate: number }>): string {
  return periods.map((p) => `${Number((p.rate * 100).toFixed(2))}% a year from year ${p.fromYear}`).join(', ');
}

const shown = (value: ShownCount) => (value === SMALL_COUNT || value === COMPLEMENT ? value : value.toLocaleString('en-GB'));

const pounds = (x: number | null | undefined) => (x === null || x === undefined ? 'withheld' : formatPounds(x));
/**
 * Places held in every run (issue 15): the occupancy charts, then a table per limit of the
 * children in the places at each 31 March against them, and the waiting and overflow figures,
 * with the disclosure rule of the workbook's Capacity sheet (src/export/capacity.ts).
 */
function capacitySection(doc: Doc, label: string, run: PackRun, charts: Chart[]): void {
  for (const c of charts) {
    chart(doc, c, CONTENT, 260);
    paragraph(doc, c.description, { size: 8, color: MUTED });
  }
  const capacity = run.result.capacity;
  if (!capacity) return;
  heading(doc, `Places: ${label}`, 12);
  const count = (v: number) => shown(showCount(v));
  for (const limit of capacity.limits) {
    const few = Math.max(limit.refused, limit.waited) < 10;
    const mean = (v: number) => (few ? 'withheld' : v.toLocaleString('en-GB', { maximumFractionDigits: 1 }));
    table(
      doc,
      [
        { header: `${limit.state.replaceAll('_', ' ')} (${limit.variant === 'baseline' ? 'as now' : 'strategy'})`, width: 130 },
        { header: 'Places', width: 60, align: 'right' },
        { header: 'Children (mean)', width: 90, align: 'right' },
        { header: 'Children (P10 to P90)', width: 105, align: 'right' },
        { header: 'Waiting (mean)', width: 90, align: 'right' },
      ],
      marchMonths(limit).map(({ month, financialYear }) => {
        const m = limit.occupancyByMonth[month];
        return [yearEndDate(financialYear), m.capacity.toLocaleString('en-GB'), count(m.occupied.mean), `${count(m.occupied.p10)} to ${count(m.occupied.p90)}`, mean(m.waiting)];
      }),
      8,
    );
    paragraph(
      doc,
      `Over the years followed, a run's mean: ${mean(limit.refused)} moves refused a place, ${mean(limit.waited)} children waited (${mean(limit.monthsWaited)} months in all), ${mean(limit.placedFromWaiting)} placed after waiting; ${mean(limit.overflowMonths)} months in ${limit.overflowTo.replaceAll('_', ' ')} for want of a place, costing ${few ? 'withheld' : `${formatPounds(limit.overflowCost.mean)} (P10 to P90 ${formatPounds(limit.overflowCost.p10)} to ${formatPounds(limit.overflowCost.p90)})`}.`,
      { size: 8 },
    );
  }
  paragraph(doc, `${PLACES_ALLOCATED} ${COMMISSIONED_ALLOCATED} Waiting and overflow figures are withheld when fewer than 10 children were refused or waited.`, { size: 8, color: MUTED });
}

/** A run without a capacity limit: one sentence that places were unlimited, and how a commissioned service's places go. */
function noCapacityLimitNote(doc: Doc, run: PackRun): void {
  const commissioned = (run.result.capacity?.commissioned.length ?? 0) > 0;
  paragraph(doc, `Places. ${NO_CAPACITY_LIMIT}${commissioned ? ` ${COMMISSIONED_ALLOCATED} Places used by year are in the workbook’s Capacity sheet.` : ''}`, { size: 8, color: MUTED });
}

const spread = (r: FundingRange | null) => (r === null ? 'withheld' : `${formatPounds(r.p5)} to ${formatPounds(r.p95)}`);

/** One page: who pays and who gains, the pool, the outcomes contracts side by side, reinvestment. */
function fundingPage(doc: Doc, label: string, f: FundingView, years: number, runs: number): void {
  doc.moveDown(0.5);
  heading(doc, `${label}: who pays and who gains`);
  paragraph(doc, `Present values over the ${years} years followed, discounted at the Green Book rate; expected (mean) with the 90% interval (P5 to P95) over the runs.`, { size: 9, color: MUTED });
  const income = f.income.length > 0;
  // Six columns at most per table, so a seven-digit figure such as -£2,793,000 fits its cell on one line;
  // income goes in a table of its own below.
  table(
    doc,
    [
      { header: 'Organisation', width: 125 },
      { header: 'Role', width: 80 },
      { header: 'Costs', width: 65, align: 'right' },
      { header: 'Benefits', width: 65, align: 'right' },
      { header: 'Net (expected)', width: 70, align: 'right' },
      { header: 'Net (P5 to P95)', width: 90, align: 'right' },
    ],
    f.organisations.map((o) => [o.name, o.role, formatPounds(o.presentCosts.mean), formatPounds(o.presentBenefits.mean), formatPounds(o.presentNet.mean), spread(o.presentNet)]),
    8,
  );
  if (income) {
    table(
      doc,
      [
        { header: 'Organisation', width: 125 },
        { header: 'Net (expected)', width: 80, align: 'right' },
        { header: 'Income (expected)', width: 80, align: 'right' },
        { header: 'Net after income (expected)', width: 90, align: 'right' },
        { header: 'Net after income (P5 to P95)', width: 120, align: 'right' },
      ],
      f.organisations.map((o) => [o.name, formatPounds(o.presentNet.mean), pounds(o.presentIncome?.mean), pounds(o.presentNetAfterIncome?.mean), spread(o.presentNetAfterIncome ?? null)]),
      8,
    );
  }
  if (income) {
    const lines = f.income.map((line) => `${line.id} (${line.kind.replaceAll('_', ' ')}${line.conditionMet === false ? ', condition not met' : ''}) to ${line.name}: ${pounds(line.presentValue?.mean)}`);
    paragraph(doc, `Income, present value: ${lines.join('; ')}. Net after income (the NPV plus all income): ${pounds(f.netAfterIncome?.mean)} (${spread(f.netAfterIncome)}).`, { size: 8 });
  }
  const pool = f.pooledBudget;
  if (pool) {
    heading(doc, `Pooled budget for ${pool.services.join(', ')}`, 11);
    table(
      doc,
      [
        { header: 'Partner', width: 145 },
        { header: 'Contribution', width: 70, align: 'right' },
        { header: 'Risk share', width: 70, align: 'right' },
        { header: 'Net (expected)', width: 70, align: 'right' },
        { header: 'Net (P5 to P95)', width: 140, align: 'right' },
      ],
      [
        ...pool.partners.map((p) => [p.name, formatPercent(p.contribution), formatPercent(p.riskShare), pounds(p.presentNet?.mean), spread(p.presentNet)]),
        ['Outside the partnership', '', '', pounds(pool.outside.presentNet?.mean), spread(pool.outside.presentNet)],
      ],
      8,
    );
    if (pool.withheld) paragraph(doc, `Pool figures ${pool.withheld}.`, { size: 8, color: MUTED });
  }
  if (f.outcomesContracts.length > 0) {
    heading(doc, 'Outcomes contracts: commissioner and investor side by side', 11);
    table(
      doc,
      [
        { header: 'Contract (basis)', width: 95 },
        { header: 'Commissioner net after payments', width: 70, align: 'right' },
        { header: 'Outcome payments', width: 60, align: 'right' },
        { header: 'Investor net', width: 60, align: 'right' },
        { header: 'Money multiple', width: 45, align: 'right' },
        { header: 'Investor IRR (median)', width: 50, align: 'right' },
        { header: 'Chance investor loses', width: 50, align: 'right' },
        { header: 'Price per outcome (floor to ceiling)', width: 65, align: 'right' },
      ],
      f.outcomesContracts.map((c) => [
        `${c.id} (${c.basis.replaceAll('_', ' ')})`,
        pounds(c.commissioner.presentNet?.mean),
        pounds(c.payments?.mean),
        pounds(c.investor.presentNet?.mean),
        c.withheld ? 'withheld' : c.investor.moneyMultiple === null ? 'n/a' : c.investor.moneyMultiple.toFixed(2),
        c.withheld ? 'withheld' : investorIrrWords(c.investor.irr, c.investor.runsWithIrr, runs),
        c.investor.probabilityLoses === null ? 'withheld' : formatPercent(c.investor.probabilityLoses),
        `${formatPounds(c.pricePerOutcome)} (${pounds(c.priceBounds.deliveryCostPerOutcome)} to ${pounds(c.priceBounds.valuePerOutcomeToPayer)})`,
      ]),
      7.5,
    );
    paragraph(
      doc,
      'Commissioner: every public agency, with the funded services’ cost taken off and the outcome payments added; investor: payments received less the services funded. The two sum to the scenario’s net present value. Price per outcome against its bounds, as the Government Outcomes Lab frames them: the delivery cost per outcome below, the value of an outcome to the payer above.',
      { size: 8, color: MUTED },
    );
    for (const c of f.outcomesContracts) if (c.withheld) paragraph(doc, `${c.id}: ${c.withheld}.`, { size: 8, color: MUTED });
  }
  const r = f.reinvestment;
  if (r) {
    heading(doc, 'Reinvestment', 11);
    paragraph(
      doc,
      `${formatPercent(r.share)} of each year’s net cashable saving is reinvested from the next year: ${formatPounds(r.presentReinvested.mean)} in present value (P5 ${formatPounds(r.presentReinvested.p5)} to P95 ${formatPounds(r.presentReinvested.p95)}); ${formatPounds(r.presentRetained.mean)} retained; ${formatPounds(r.dueAfterHorizon.mean)} due after the years followed.`,
      { size: 9 },
    );
  }
}

/** The balanced scorecard in brief (issue 17): the workbook's Scorecard sheet has every count and the trend. */
/** A share as a percentage to one decimal, "withheld" where the table withholds it. */
/**
 * The investor's IRR cell: the median annual rate, signed ("+3.2%", "-3.2%"), and how many runs
 * it covers (the IRR is defined only where the investor's cash flows change sign); "n/a" with no
 * run defining one. `irr`: the rate (a fraction a year) over those runs, as funding.ts shows it.
 */
export function investorIrrWords(irr: { p50: number } | null, runsWithIrr: number | string | null, runs: number): string {
  return irr === null ? 'n/a' : `${signedPercent1(irr.p50)} over ${runsWithIrr} of ${runs} runs`;
}

export function sharePercent(value: Cell): string {
  if (typeof value !== 'number') return 'withheld';
  // A difference of −0.0004 rounds to "-0.0%": written 0.0%, as the sheet's figure reads.
  const text = (value * 100).toFixed(1);
  return `${text === '-0.0' ? '0.0' : text}%`;
}

/**
 * Projected outcomes beside costs (issue 17): the Projected outcomes sheet's rows for this run,
 * as percentages, mean and P10 to P90; nothing when the run computed none.
 */
function projectedOutcomesSection(doc: Doc, label: string, run: PackRun): void {
  // The figures as answered and as the sheet holds them (rounded at the edge).
  const rows = projectedOutcomeRows({ ...run, result: scenarioResultView(run.result) });
  if (rows.length === 0) return;
  doc.moveDown(0.6);
  heading(doc, `Projected outcomes: ${label}`, 12);
  const band = (cells: Cell[]) => `${sharePercent(cells[0])} (${sharePercent(cells[1])} to ${sharePercent(cells[2])})`;
  const short: Record<string, string> = {
    within_20_miles: 'Placed within 20 miles',
    three_or_more_placements: '3 or more placements',
    care_leavers_eet: 'Care leavers 19-21 in EET',
  };
  table(
    doc,
    [
      { header: 'At', width: 80 },
      { header: 'Measure', width: 115 },
      { header: 'As now (P10 to P90)', width: 100, align: 'right' },
      { header: 'Strategy (P10 to P90)', width: 100, align: 'right' },
      { header: 'Difference (P10 to P90)', width: 100, align: 'right' },
    ],
    rows.map((r) => [yearEndDate(r.financialYear), short[r.measure] ?? r.label, band(r.baseline), band(r.strategy), band(r.difference)]),
    8,
  );
  paragraph(
    doc,
    `Of children looked after on 31 March: the expected share placed within 20 miles of home (from the model’s shares by placement state) and the share with three or more placements in the year; of care leavers aged 19-21, the share in education, employment or training (as DfE and the scorecard count it: homeless care leavers and those in custody are in the total, not in EET). Mean of the runs’ shares, P10 to P90 over runs (where most runs give 0 and a few give more, the mean can lie above P90: 0.1% (0.0% to 0.0%)); withheld where fewer than ${MIN_COUNTED_FOR_SHARES} children are counted. The Projected outcomes sheet has the figures.`,
    { size: 8, color: MUTED },
  );
}

function scorecardSection(doc: Doc, s: PackScorecard): void {
  doc.moveDown(0.8);
  heading(doc, 'Balanced scorecard', 13);
  const { headers, rows, teamsShown } = scorecardReportRows(s);
  paragraph(
    doc,
    `As of ${ukDate(s.asOf)}, ${scorecardAsOfPhrase(s)}: actual over the year to that day against the authority’s target, with its red-amber-green status${teamsShown ? '' : ' (the organisation only; each team is on the sheet)'}. The workbook’s Scorecard sheet gives each team, the counts behind each share and the trend by quarter.`,
    { size: 9 },
  );
  const fixed = [75, 150, 45];
  const rest = (CONTENT - fixed.reduce((a, b) => a + b, 0)) / (headers.length - fixed.length);
  table(
    doc,
    headers.map((header, c) => ({ header, width: fixed[c] ?? rest, align: c >= 2 ? ('right' as const) : ('left' as const) })),
    rows,
    8,
  );
  paragraph(doc, s.disclosure === 'protected' ? s.note : 'Every figure as counted.', { size: 8, color: MUTED });
}

export interface ReportContent {
  input: PackInput;
  findings: RunFindings[];
  comparison: string[];
  overview: Chart;
  byRun: Chart[][];
  /** Each run's funding as shown (withheld parts null); null for a run without funding. */
  funding?: Array<FundingView | null>;
  /** Lines on reproduction: ids, versions, hashes, seeds. */
  reproduction: string[];
}

/** The discount rates that apply within `years` years, in words: "3.5% a year" or "3.5% a year, 3% from year 31". */
function discountWords(periods: ReadonlyArray<{ fromYear: number; rate: number }>, years: number): string {
  const within = [...periods].sort((a, b) => a.fromYear - b.fromYear).filter((p, k) => k === 0 || p.fromYear < years);
  return within.map((p, k) => `${Number((p.rate * 100).toFixed(2))}%${k === 0 ? ' a year' : ` from year ${p.fromYear}`}`).join(', ');
}

const ratio = (value: number | null) => (value === null ? 'not defined (no costs)' : value.toFixed(2));

/**
 * The board's figures for one run, as page 1 prints them (label, text): the same formatting
 * (formatPounds, formatPercent) as every other answer, so a test can compare them with the run's
 * summary. First-year pressure is the first financial year's net cost in cash: the strategy's
 * costs less what it avoids that year (investToSave.netByYear[0], negated); "none" when it saves.
 */
export function boardFigures(run: PackRun): Array<[string, string]> {
  const its = run.result.investToSave;
  const first = its.netByYear[0];
  const pressure = first === undefined ? 'not known' : first.net.mean < 0 ? formatPounds(-first.net.mean) : `none (net saving ${formatPounds(first.net.mean)})`;
  return [
    ['Net present value: expected', formatPounds(its.netPresentValue.mean)],
    ['Net present value: best case (P90)', formatPounds(its.netPresentValue.p90)],
    ['Net present value: worst case (P10)', formatPounds(its.netPresentValue.p10)],
    ['Benefit-cost ratio (PV benefits / PV costs)', ratio(its.benefitCostRatio)],
    ['Present value of costs', formatPounds(its.presentCosts.mean)],
    ['Present value of benefits', formatPounds(its.presentBenefits.mean)],
    ['Cashable benefits (present value)', formatPounds(its.cashableBenefits.mean)],
    ['Non-cashable benefits (present value)', formatPounds(its.nonCashableBenefits.mean)],
    ['Chance that benefits exceed costs', formatPercent(its.probabilityBenefitsExceedCosts)],
    ['Payback: median year', its.payback.medianYear ?? `not within ${run.result.lifetimeYears} years`],
    [`First-year pressure: net cost in ${first?.financialYear ?? run.result.firstYear} (cash)`, pressure],
    ['Saving over the planning years (cash): expected', formatPounds(run.result.spend.planningTotal.saving.mean)],
  ];
}

/**
 * Savings by financial year for one run, every year followed: spend as now and with the strategy
 * (its costs included; the planning years only, as the run reports spend), the net saving in cash
 * (investToSave.netByYear: benefits less costs, undiscounted) and discounted (× the model's
 * Green Book factor for the year, discounting.ts), each with its running total. The discounted
 * running total at the last year is the expected net present value.
 */
export function savingsByYear(run: PackRun): { rows: string[][]; totalRow: string[] } {
  const its = run.result.investToSave;
  const factors = discountFactors(run.model.spec.discounting.periods, its.netByYear.length);
  const spend = new Map(run.result.spend.byYear.map((y) => [y.financialYear, y]));
  let cash = 0;
  let discounted = 0;
  let asNow = 0;
  let strategy = 0;
  const rows = its.netByYear.map((y, k) => {
    const s = spend.get(y.financialYear);
    cash += y.net.mean;
    discounted += y.net.mean * factors[k];
    asNow += s?.baseline.mean ?? 0;
    strategy += s?.strategy.mean ?? 0;
    return [y.financialYear, s ? formatPounds(s.baseline.mean) : '-', s ? formatPounds(s.strategy.mean) : '-', formatPounds(y.net.mean), formatPounds(cash), formatPounds(y.net.mean * factors[k]), formatPounds(discounted)];
  });
  return { rows, totalRow: ['Total', formatPounds(asNow), formatPounds(strategy), formatPounds(cash), '', formatPounds(discounted), ''] };
}

export async function buildReport(content: ReportContent): Promise<Uint8Array> {
  const { input } = content;
  const runs = input.runs;
  const names = runNames(runs);
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    info: { Title: 'Scenario pack', Author: 'pathcast', Subject: names.join('; '), CreationDate: input.createdAt, ModDate: input.createdAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  // Page 1: what the board asks.
  heading(doc, 'Scenario pack', 22);
  paragraph(doc, runs.map((run, k) => (names[k].includes(ukDate(run.createdAt)) ? names[k] : `${names[k]}, run ${ukDate(run.createdAt)}`)).join('; '), { size: 12 });
  paragraph(doc, `Created ${ukDate(input.createdAt)} by ${input.software.name} ${input.software.version}. Aggregates only: no young person's reference or record.`, { color: MUTED, size: 9 });
  const bases = [...new Set(runs.map((run) => run.model.spec.priceBaseYear))].join(', ');
  const rates = [...new Set(runs.map((run) => discountWords(run.model.spec.discounting.periods, run.result.lifetimeYears)))].join('; ');
  const followed = [...new Set(runs.map((run) => run.result.lifetimeYears))].join(', ');
  paragraph(
    doc,
    `Money is in real ${bases} prices. Present values are discounted at ${rates} (HM Treasury Green Book) over the ${followed} years followed; cash figures are not discounted. Expected means the mean of the simulated runs; best and worst case are the 90th and 10th percentiles.`,
    { size: 9.5 },
  );
  heading(doc, 'Key figures for the board', 13);
  const figures = runs.map(boardFigures);
  const nameWidth = runs.length > 2 ? 170 : 215;
  const runWidth = (CONTENT - nameWidth) / runs.length;
  table(
    doc,
    [{ header: 'Figure', width: nameWidth }, ...names.map((name) => ({ header: name, width: runWidth, align: 'right' as const }))],
    figures[0].map(([label], row) => [label, ...figures.map((f) => f[row][1])]),
  );
  for (const [k, run] of runs.entries()) {
    heading(doc, runs.length > 1 ? `Savings by financial year: ${names[k]}` : 'Savings by financial year', 12);
    const { rows, totalRow } = savingsByYear(run);
    table(
      doc,
      [
        { header: 'Financial year', width: 57 },
        { header: 'Spend as now (cash)', width: 73, align: 'right' },
        { header: 'Spend with the strategy (cash)', width: 73, align: 'right' },
        { header: 'Net saving (cash)', width: 73, align: 'right' },
        { header: 'Cumulative (cash)', width: 73, align: 'right' },
        { header: 'Net saving (discounted)', width: 73, align: 'right' },
        { header: 'Cumulative (discounted)', width: 73, align: 'right' },
      ],
      [...rows, totalRow],
      8,
      new Set([rows.length]),
    );
  }
  paragraph(
    doc,
    'Net saving: what the strategy avoids less what it costs (its services and investment), expected. Spend is reported for the planning years; later years show the net saving only. A negative net saving is a cost pressure in that year. The discounted running total at the last year is the expected net present value.',
    { size: 8, color: MUTED },
  );
  chart(doc, content.overview, CONTENT, 170);
  if (content.comparison.length > 0) {
    heading(doc, 'How the runs compare', 13);
    for (const sentence of content.comparison) paragraph(doc, sentence, { bullet: true });
  }

  runs.forEach((run, k) => {
    const charts = content.byRun[k];
    doc.moveDown(0.8);
    heading(doc, `${names[k]}: findings`);
    for (const sentence of content.findings[k].sentences) paragraph(doc, sentence, { bullet: true });
    doc.moveDown(0.3);
    chart(doc, charts[0], CONTENT, 250);
    chart(doc, charts[1], CONTENT, 230);
    chart(doc, charts[2], CONTENT, 400);
    chart(doc, charts[3], CONTENT, 330);
    // A commissioned service's places used are in the workbook's Capacity sheet; without a limit, one sentence says places were unlimited.
    if (hasCapacityLimit(run)) capacitySection(doc, names[k], run, charts.slice(4));
    else noCapacityLimitNote(doc, run);
    const counts = shownCounts(run);
    const totalIndex = counts.states.length;
    heading(doc, `Children looked after at each year end: ${names[k]}`, 12);
    table(
      doc,
      [
        { header: 'At', width: 115 },
        { header: 'As now (mean)', width: 95, align: 'right' },
        { header: 'As now (P10 to P90)', width: 95, align: 'right' },
        { header: 'Strategy (mean)', width: 95, align: 'right' },
        { header: 'Strategy (P10 to P90)', width: 95, align: 'right' },
      ],
      counts.years.map((year, y) => {
        const s = (variant: 'baseline' | 'strategy', stat: 'mean' | 'p10' | 'p90') => shown(counts.shown[variant][stat][y][totalIndex]);
        return [yearEndDate(year), s('baseline', 'mean'), `${s('baseline', 'p10')} to ${s('baseline', 'p90')}`, s('strategy', 'mean'), `${s('strategy', 'p10')} to ${s('strategy', 'p90')}`];
      }),
    );
    paragraph(doc, DISCLOSURE_NOTE, { size: 8, color: MUTED });
    projectedOutcomesSection(doc, names[k], run);

    const funding = content.funding?.[k];
    if (funding) fundingPage(doc, names[k], funding, run.result.lifetimeYears, run.runs);
  });

  if (input.scorecard) scorecardSection(doc, input.scorecard);

  doc.moveDown(0.8);
  heading(doc, 'About this pack');
  for (const line of [
    'Figures come from a Monte Carlo simulation of the cohort on record and projected new entrants, month by month, under the baseline (doing as now) and the strategy, on common random numbers: each run draws the uncertain inputs once and every young person’s pathway, the same for both, so the differences are paired.',
    `Money is in real prices of the cost model’s price base year (${bases}). Present values are discounted at the model’s rates, after the HM Treasury Green Book: ${discountSchedule(runs[0].model.spec.discounting.periods)}. Best case and worst case are the 90th and 10th percentiles over the runs.`,
    `Disclosure control: ${DISCLOSURE_NOTE} The workbook's Assumptions sheet lists every input with its source.`,
    'Reproduction: manifest.json names the model and scenario versions with their content hashes, the cohort hash, the seed and the number of runs. Running the same scenario version on the same model version and cohort with that seed and number of runs reproduces every number in this pack.',
  ]) {
    paragraph(doc, line);
  }
  doc.moveDown(0.5);
  heading(doc, 'Runs in this pack', 12);
  for (const line of content.reproduction) paragraph(doc, line, { size: 8, color: MUTED });

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(MUTED)
      .text(`pathcast scenario pack, page ${i + 1} of ${range.count}`, PAGE.margin, PAGE.height - 30, { width: CONTENT, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await finished;
  return new Uint8Array(Buffer.concat(chunks));
}
