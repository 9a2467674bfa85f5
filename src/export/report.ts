import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { formatPercent, formatPounds } from '../services/wording.ts';
import type { Chart } from './charts.ts';
import { COMPLEMENT, DISCLOSURE_NOTE, SMALL_COUNT, type ShownCount } from './disclosure.ts';
import type { RunFindings } from './findings.ts';
import { type PackInput, runLabel, yearEndDate } from './pack-input.ts';
import { shownCounts } from './tables.ts';

/**
 * The pack's report (PDF, A4): an overview page (key figures side by side, best/expected/worst
 * chart, how the runs compare); for each run three pages (findings and the fan chart of annual
 * spend; the savings distribution and the tornado of drivers; spend by agency and children
 * looked after); and a last page on method, disclosure control and reproduction.
 * Pages: 2 + 3 × runs. Charts are the pack's SVG files, drawn as vectors.
 */

export function reportPageCount(runs: number): number {
  return 2 + 3 * runs;
}

const PAGE = { width: 595.28, height: 841.89, margin: 50 };
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

function heading(doc: Doc, value: string, size = 16): void {
  doc.font('Helvetica-Bold').fontSize(size).fillColor(INK).text(text(value), PAGE.margin, doc.y, { width: CONTENT });
  doc.moveDown(0.4);
}

function paragraph(doc: Doc, value: string, options: { size?: number; color?: string; bullet?: boolean } = {}): void {
  const size = options.size ?? 10;
  doc.font('Helvetica').fontSize(size).fillColor(options.color ?? INK);
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

function table(doc: Doc, columns: TableColumn[], rows: string[][], size = 9): void {
  const rowHeight = size + 6;
  let y = doc.y;
  const draw = (cells: string[], bold: boolean) => {
    let x = PAGE.margin;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size).fillColor(INK);
    let height = rowHeight;
    cells.forEach((cell, c) => {
      const column = columns[c];
      const options = { width: column.width - 6, align: column.align ?? 'left' } as const;
      height = Math.max(height, doc.heightOfString(text(cell), options) + 6);
    });
    cells.forEach((cell, c) => {
      const column = columns[c];
      doc.text(text(cell), x + 3, y + 3, { width: column.width - 6, align: column.align ?? 'left' });
      x += column.width;
    });
    y += height;
    doc
      .moveTo(PAGE.margin, y)
      .lineTo(PAGE.margin + columns.reduce((n, c) => n + c.width, 0), y)
      .lineWidth(bold ? 0.8 : 0.3)
      .strokeColor(bold ? '#333333' : '#bbbbbb')
      .stroke();
  };
  draw(
    columns.map((c) => c.header),
    true,
  );
  for (const row of rows) draw(row, false);
  doc.y = y + 8;
}

function discountSchedule(periods: Array<{ fromYear: number; rate: number }>): string {
  return periods.map((p) => `${Number((p.rate * 100).toFixed(2))}% a year from year ${p.fromYear}`).join(', ');
}

const shown = (value: ShownCount) => (value === SMALL_COUNT || value === COMPLEMENT ? value : value.toLocaleString('en-GB'));

export interface ReportContent {
  input: PackInput;
  findings: RunFindings[];
  comparison: string[];
  overview: Chart;
  byRun: Chart[][];
  /** Lines on reproduction: ids, versions, hashes, seeds. */
  reproduction: string[];
}

export async function buildReport(content: ReportContent): Promise<Uint8Array> {
  const { input } = content;
  const runs = input.runs;
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    info: { Title: 'Scenario pack', Author: 'pathcast', Subject: runs.map(runLabel).join('; '), CreationDate: input.createdAt, ModDate: input.createdAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  // Overview.
  heading(doc, 'Scenario pack', 22);
  paragraph(doc, runs.map(runLabel).join('; '), { size: 12 });
  paragraph(doc, `Created ${input.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by ${input.software.name} ${input.software.version}. Aggregates only: no young person's reference or record.`, { color: MUTED, size: 9 });
  doc.moveDown(0.5);
  heading(doc, 'Key figures', 13);
  const nameWidth = 190;
  const runWidth = (CONTENT - nameWidth) / runs.length;
  const figure = (label: string, value: (k: number) => string) => [label, ...runs.map((_, k) => value(k))];
  const its = (k: number) => runs[k].result.investToSave;
  const total = (k: number) => runs[k].result.spend.planningTotal;
  table(
    doc,
    [{ header: 'Figure', width: nameWidth }, ...runs.map((run) => ({ header: runLabel(run), width: runWidth, align: 'right' as const }))],
    [
      figure('Net present value: expected', (k) => formatPounds(its(k).netPresentValue.mean)),
      figure('Net present value: best case (P90)', (k) => formatPounds(its(k).netPresentValue.p90)),
      figure('Net present value: worst case (P10)', (k) => formatPounds(its(k).netPresentValue.p10)),
      figure('Chance that benefits exceed costs (present value)', (k) => formatPercent(its(k).probabilityBenefitsExceedCosts)),
      figure('Payback: median year', (k) => its(k).payback.medianYear ?? 'not within the years followed'),
      figure('Saving over the planning years: expected', (k) => formatPounds(total(k).saving.mean)),
      figure('Saving: best case (P90)', (k) => formatPounds(total(k).saving.p90)),
      figure('Saving: worst case (P10)', (k) => formatPounds(total(k).saving.p10)),
    ],
  );
  chart(doc, content.overview, CONTENT, 170);
  if (content.comparison.length > 0) {
    heading(doc, 'How the runs compare', 13);
    for (const sentence of content.comparison) paragraph(doc, sentence, { bullet: true });
  }

  runs.forEach((run, k) => {
    const charts = content.byRun[k];
    doc.addPage();
    heading(doc, `${runLabel(run)}: findings`);
    for (const sentence of content.findings[k].sentences) paragraph(doc, sentence, { bullet: true });
    doc.moveDown(0.5);
    chart(doc, charts[0], CONTENT, 300);

    doc.addPage();
    heading(doc, `${runLabel(run)}: savings and what drives them`);
    chart(doc, charts[1], CONTENT, 290);
    chart(doc, charts[2], CONTENT, 340);

    doc.addPage();
    heading(doc, `${runLabel(run)}: spend by agency and children looked after`);
    chart(doc, charts[3], CONTENT, 300);
    const counts = shownCounts(run);
    const totalIndex = counts.states.length;
    heading(doc, 'Children looked after at each year end', 12);
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
  });

  doc.addPage();
  heading(doc, 'About this pack');
  for (const line of [
    'Figures come from a Monte Carlo simulation of the cohort on record and projected new entrants, month by month, under the baseline (doing as now) and the strategy, on common random numbers: each run draws the uncertain inputs once and every young person’s pathway, the same for both, so the differences are paired.',
    `Money is in real prices of the cost model’s price base year (${[...new Set(runs.map((run) => run.model.spec.priceBaseYear))].join(', ')}). Present values are discounted at the model’s rates, after the HM Treasury Green Book: ${discountSchedule(runs[0].model.spec.discounting.periods)}. Best case and worst case are the 90th and 10th percentiles over the runs.`,
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
