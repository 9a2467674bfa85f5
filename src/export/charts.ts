import PDFDocument from 'pdfkit';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { formatPercent, formatPounds } from '../services/wording.ts';
import { type PackRun, agencyLabel, runLabel } from './pack-input.ts';

/**
 * The pack's charts, drawn on the server: Vega-Lite specifications rendered to SVG by Vega
 * (no browser, no canvas). The same SVG goes into the zip, the PDF report and the comparison
 * page. Each chart carries a sentence describing it, for the page's text alternative.
 * Colours: grey for "as now", blue for the strategy, both above 4.5:1 contrast on white.
 */

export interface Chart {
  /** File name stem: charts/<id>.svg. */
  id: string;
  title: string;
  /** What the chart shows, in words (its text alternative). */
  description: string;
  svg: string;
}

const AS_NOW = '#595959';
const STRATEGY = '#1d5fa6';
const LOW = '#b35806';
const HIGH = '#1d5fa6';
const MONEY_AXIS = '$,.3~s';

// Vega lays text out by its width. Without a canvas it guesses 0.8 em a character, half as
// much again as Helvetica's real widths, which cuts labels short; measure with Helvetica's own
// metrics (from pdfkit), the font the report draws the charts in.
const measurer = new PDFDocument({ autoFirstPage: false });
interface TextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
  limit?: number;
}
function helveticaWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const value = text == null ? '' : String(text).trim();
  if (!value || size <= 0) return 0;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  const width = measurer.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size).widthOfString(value);
  return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
}
(vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics.width = helveticaWidth;

const CONFIG = {
  // Browsers without Helvetica use Arial, whose widths are the same.
  font: 'Helvetica, Arial, sans-serif',
  background: 'white',
  // An ASCII minus: the report's font has no U+2212.
  locale: { number: { decimal: '.', thousands: ',', grouping: [3], currency: ['£', ''], minus: '-' } },
  axis: { labelColor: '#222222', titleColor: '#222222', labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6', domainColor: '#888888', tickColor: '#888888' },
  legend: { labelColor: '#222222', titleColor: '#222222', labelFontSize: 11, titleFontSize: 12, orient: 'bottom', labelLimit: 400, symbolOpacity: 1 },
  title: { fontSize: 14, anchor: 'start', color: '#111111', subtitleColor: '#333333', subtitleFontSize: 11 },
  view: { stroke: null },
};

const variantScale = { domain: ['As now', 'Strategy'], range: [AS_NOW, STRATEGY] };

/** Renders a Vega-Lite specification to an SVG document. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const compiled = vegaLite.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, ...spec } as vegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Fan chart of annual spend: P5-P95 and P10-P90 bands around the mean, as now and with the strategy. */
export async function fanChart(run: PackRun, id: string): Promise<Chart> {
  const years = run.result.spend.byYear;
  const data = years.flatMap((y) =>
    (['baseline', 'strategy'] as const).map((variant) => ({ year: y.financialYear, variant: variant === 'baseline' ? 'As now' : 'Strategy', ...pick(y[variant]) })),
  );
  const x = { field: 'year', type: 'ordinal', title: 'Financial year', axis: { labelAngle: 0 } };
  const color = { field: 'variant', type: 'nominal', title: null, scale: variantScale };
  const svg = await renderSvg({
    title: { text: 'Annual spend, as now and with the strategy', subtitle: 'Mean (line), 10th to 90th percentile (dark band), 5th to 95th (light band)' },
    width: 460,
    height: 230,
    data: { values: data },
    layer: [
      { mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { field: 'p5', type: 'quantitative', title: 'Spend (£)', axis: { format: MONEY_AXIS }, scale: { zero: false } }, y2: { field: 'p95' }, color } },
      { mark: { type: 'area', opacity: 0.3 }, encoding: { x, y: { field: 'p10', type: 'quantitative' }, y2: { field: 'p90' }, color } },
      { mark: { type: 'line', point: true, strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color } },
    ],
  });
  const first = years[0];
  const last = years[years.length - 1];
  const description = first
    ? `Annual spend as now goes from ${formatPounds(first.baseline.mean)} in ${first.financialYear} to ${formatPounds(last.baseline.mean)} in ${last.financialYear}; with the strategy from ${formatPounds(first.strategy.mean)} to ${formatPounds(last.strategy.mean)}. In ${last.financialYear} nine runs in ten lie between ${formatPounds(last.strategy.p5)} and ${formatPounds(last.strategy.p95)} with the strategy.`
    : 'No planning years.';
  return { id, title: 'Annual spend (fan chart)', description, svg };
}

const pick = (s: { mean: number; p5: number; p10: number; p50: number; p90: number; p95: number }) => ({ mean: s.mean, p5: s.p5, p10: s.p10, p50: s.p50, p90: s.p90, p95: s.p95 });

/** The distribution of the net present value over the runs: what the strategy saves, net of its costs. */
export async function savingsDistributionChart(run: PackRun, id: string): Promise<Chart> {
  const bins = run.result.npvHistogram.map((b) => ({ from: b.from, to: b.to, runs: b.count, side: (b.from + b.to) / 2 >= 0 ? 'Benefits exceed costs' : 'Costs exceed benefits' }));
  const npv = run.result.investToSave.netPresentValue;
  const svg = await renderSvg({
    title: { text: 'Net present value across the runs', subtitle: `Mean ${formatPounds(npv.mean)}; benefits exceed costs in ${formatPercent(run.result.investToSave.probabilityBenefitsExceedCosts)} of runs` },
    width: 460,
    height: 200,
    layer: [
      {
        data: { values: bins },
        mark: { type: 'bar', binSpacing: 1 },
        encoding: {
          x: { field: 'from', type: 'quantitative', title: 'Net present value (£)', axis: { format: MONEY_AXIS }, scale: { zero: false } },
          x2: { field: 'to' },
          y: { field: 'runs', type: 'quantitative', title: 'Runs' },
          y2: { datum: 0 },
          color: { field: 'side', type: 'nominal', title: null, scale: { domain: ['Costs exceed benefits', 'Benefits exceed costs'], range: [LOW, STRATEGY] } },
        },
      },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#111111', strokeDash: [4, 3] }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
    ],
  });
  const description = `Net present value over ${run.result.lifetimeYears} years across ${run.runs} runs: mean ${formatPounds(npv.mean)}, from ${formatPounds(npv.p5)} (5th percentile) to ${formatPounds(npv.p95)} (95th); benefits exceed costs in ${formatPercent(run.result.investToSave.probabilityBenefitsExceedCosts)} of runs.`;
  return { id, title: 'Savings distribution', description, svg };
}

/** Tornado of the inputs that drive the net present value most: the NPV when each is low and when high. */
export async function tornadoChart(run: PackRun, id: string, top = 10): Promise<Chart> {
  const mean = run.result.investToSave.netPresentValue.mean;
  const drivers = run.result.sensitivity.slice(0, top);
  const order = drivers.map((d) => d.label);
  const data = drivers.flatMap((d) => [
    { label: d.label, end: 'Input in its lowest tenth', base: mean, value: d.npvWhenLow },
    { label: d.label, end: 'Input in its highest tenth', base: mean, value: d.npvWhenHigh },
  ]);
  const svg = await renderSvg({
    title: { text: 'What drives the net present value', subtitle: 'Mean NPV of the runs where each input was in its lowest or highest tenth' },
    width: 300,
    height: Math.max(60, 22 * drivers.length),
    layer: [
      {
        data: { values: data },
        mark: { type: 'bar', height: 14 },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: order, title: null, axis: { labelLimit: 230 } },
          x: { field: 'base', type: 'quantitative', title: 'Net present value (£)', axis: { format: MONEY_AXIS }, scale: { zero: false } },
          x2: { field: 'value' },
          color: { field: 'end', type: 'nominal', title: null, scale: { domain: ['Input in its lowest tenth', 'Input in its highest tenth'], range: [LOW, HIGH] } },
        },
      },
      { data: { values: [{ mean }] }, mark: { type: 'rule', color: '#111111' }, encoding: { x: { field: 'mean', type: 'quantitative' } } },
    ],
  });
  const first = drivers[0];
  const description = first
    ? `The input that moves the net present value most is ${first.label}: the NPV averages ${formatPounds(first.npvWhenLow)} when it is low and ${formatPounds(first.npvWhenHigh)} when it is high, against ${formatPounds(mean)} overall.${drivers[1] ? ` Next: ${drivers
        .slice(1, 3)
        .map((d) => d.label)
        .join('; ')}.` : ''}`
    : 'No input varied between runs.';
  return { id, title: 'Drivers of the net present value (tornado)', description, svg };
}

/** Spend over the planning years by agency, as now and with the strategy (means). */
export async function spendByAgencyChart(run: PackRun, id: string): Promise<Chart> {
  const totals = new Map<string, { baseline: number; strategy: number }>();
  for (const row of run.result.spend.byYearAgency) {
    const t = totals.get(row.agency) ?? { baseline: 0, strategy: 0 };
    t.baseline += row.baseline.mean;
    t.strategy += row.strategy.mean;
    totals.set(row.agency, t);
  }
  const agencies = [...totals.entries()].filter(([, t]) => t.baseline !== 0 || t.strategy !== 0);
  const data = agencies.flatMap(([agency, t]) => [
    { agency: agencyLabel(agency), variant: 'As now', spend: t.baseline },
    { agency: agencyLabel(agency), variant: 'Strategy', spend: t.strategy },
  ]);
  const years = run.result.spend.byYear;
  const svg = await renderSvg({
    title: { text: 'Spend by agency over the planning years', subtitle: `${years[0]?.financialYear ?? ''} to ${years[years.length - 1]?.financialYear ?? ''}, mean of the runs` },
    width: 320,
    data: { values: data },
    mark: { type: 'bar' },
    height: { step: 14 },
    encoding: {
      y: { field: 'agency', type: 'nominal', title: null, axis: { labelLimit: 200 } },
      yOffset: { field: 'variant' },
      x: { field: 'spend', type: 'quantitative', title: 'Spend (£)', axis: { format: MONEY_AXIS } },
      color: { field: 'variant', type: 'nominal', title: null, scale: variantScale },
    },
  });
  const largest = [...agencies].sort((a, b) => Math.abs(b[1].baseline - b[1].strategy) - Math.abs(a[1].baseline - a[1].strategy))[0];
  const description = largest
    ? `Spend by agency over the planning years. The largest change is for ${agencyLabel(largest[0])}: ${formatPounds(largest[1].baseline)} as now against ${formatPounds(largest[1].strategy)} with the strategy.`
    : 'No agency spends anything in the planning years.';
  return { id, title: 'Spend by agency', description, svg };
}

/** Best case, expected and worst case of the net present value of each run, side by side. */
export async function casesChart(runs: PackRun[], id: string): Promise<Chart> {
  const data = runs.map((run) => {
    const npv = run.result.investToSave.netPresentValue;
    // The run id first: runs of one scenario share a name, and long labels are cut at the end.
    return { run: `[${run.runId.slice(0, 8)}] ${run.scenario.spec.name}`, label: runLabel(run), worst: npv.p10, expected: npv.mean, best: npv.p90 };
  });
  const y = { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelLimit: 260 } };
  const svg = await renderSvg({
    title: { text: 'Best case, expected and worst case', subtitle: 'Net present value: worst case (P10) to best case (P90), expected (mean) marked' },
    width: 300,
    height: { step: 36 },
    data: { values: data },
    layer: [
      { mark: { type: 'rule', strokeWidth: 3, color: STRATEGY }, encoding: { y, x: { field: 'worst', type: 'quantitative', title: 'Net present value (£)', axis: { format: MONEY_AXIS }, scale: { zero: true } }, x2: { field: 'best' } } },
      { mark: { type: 'point', filled: true, size: 90, color: '#111111' }, encoding: { y, x: { field: 'expected', type: 'quantitative' } } },
      { mark: { type: 'tick', thickness: 2, color: STRATEGY }, encoding: { y, x: { field: 'worst', type: 'quantitative' } } },
      { mark: { type: 'tick', thickness: 2, color: STRATEGY }, encoding: { y, x: { field: 'best', type: 'quantitative' } } },
    ],
  });
  const description = data.map((d) => `${d.label}: worst case ${formatPounds(d.worst)}, expected ${formatPounds(d.expected)}, best case ${formatPounds(d.best)}`).join('. ');
  return { id, title: 'Best, expected and worst case', description: `${description}.`, svg };
}

/** Every chart of a pack: the side-by-side cases, then four charts per run. */
export async function packCharts(runs: PackRun[]): Promise<{ overview: Chart; byRun: Chart[][] }> {
  const overview = await casesChart(runs, 'cases');
  const byRun: Chart[][] = [];
  for (const [k, run] of runs.entries()) {
    const prefix = runs.length > 1 ? `run-${k + 1}-` : '';
    byRun.push([
      await fanChart(run, `${prefix}annual-spend-fan`),
      await savingsDistributionChart(run, `${prefix}savings-distribution`),
      await tornadoChart(run, `${prefix}drivers-tornado`),
      await spendByAgencyChart(run, `${prefix}spend-by-agency`),
    ]);
  }
  return { overview, byRun };
}
