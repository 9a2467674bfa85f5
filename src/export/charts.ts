import PDFDocument from 'pdfkit';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { formatPercent, formatPounds } from '../services/wording.ts';
import { driverLabels, runNames, ukDate, wrapLines } from './labels.ts';
import { type PackRun, agencyLabel } from './pack-input.ts';

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

/**
 * A label as lines of at most `width` points at `size` pt Helvetica, joined by "|" for an axis
 * whose labelExpr splits them (Vega draws each as a line): labels wrap, never cut.
 */
export function wrapped(label: string, width: number, size = 11): string {
  return wrapLines(label, width, (t) => helveticaWidth({ fontSize: size }, t)).join('|');
}
/** Subtitle lines wrapped to `width` points (11 pt): a long scenario name takes two lines rather than running off the chart. */
function subtitle(lines: string[], width: number): string[] {
  return lines.flatMap((line) => wrapLines(line, width, (t) => helveticaWidth({ fontSize: 11 }, t)));
}
export const SPLIT_LINES = "split(datum.label, '|')";
/** Moves a wrapped axis label up by half its extra lines (13 px a line at 11 px), so its lines sit centred on its bar. */
export const CENTRE_LINES = { expr: "-(length(split(datum.label, '|')) - 1) * 6.5" };

/** The first lines of a chart's subtitle: which run it shows (scenario name, run date), so a chart read alone says so. */
function whichRun(name: string, run: PackRun): string {
  return name.includes(ukDate(run.createdAt)) ? name : `${name}, run ${ukDate(run.createdAt)}`;
}

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
export async function fanChart(run: PackRun, id: string, name = run.scenario.spec.name): Promise<Chart> {
  const years = run.result.spend.byYear;
  const data = years.flatMap((y) =>
    (['baseline', 'strategy'] as const).map((variant) => ({ year: y.financialYear, variant: variant === 'baseline' ? 'As now' : 'Strategy', ...pick(y[variant]) })),
  );
  const x = { field: 'year', type: 'ordinal', title: 'Financial year', axis: { labelAngle: 0 } };
  const color = { field: 'variant', type: 'nominal', title: null, scale: variantScale };
  const svg = await renderSvg({
    title: { text: 'Annual spend, as now and with the strategy', subtitle: subtitle([whichRun(name, run), 'Mean (line), 10th to 90th percentile (dark band), 5th to 95th (light band)'], 520) },
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
export async function savingsDistributionChart(run: PackRun, id: string, name = run.scenario.spec.name): Promise<Chart> {
  const bins = run.result.npvHistogram.map((b) => ({ from: b.from, to: b.to, runs: b.count, side: (b.from + b.to) / 2 >= 0 ? 'Benefits exceed costs' : 'Costs exceed benefits' }));
  const npv = run.result.investToSave.netPresentValue;
  const svg = await renderSvg({
    title: { text: 'Net present value across the runs', subtitle: subtitle([whichRun(name, run), `Mean ${formatPounds(npv.mean)}; benefits exceed costs in ${formatPercent(run.result.investToSave.probabilityBenefitsExceedCosts)} of runs`], 520) },
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
export async function tornadoChart(run: PackRun, id: string, top = 10, name = run.scenario.spec.name): Promise<Chart> {
  const mean = run.result.investToSave.netPresentValue.mean;
  const sensitivity = run.result.sensitivity.slice(0, top);
  // Full names, wrapped at 250 points: the stored labels number an intervention's effects ("…: effect 1").
  const names = driverLabels(run.model.spec, sensitivity);
  const drivers = sensitivity.map((d, k) => ({ ...d, label: names[k], axisLabel: wrapped(names[k], 250) }));
  const order = drivers.map((d) => d.axisLabel);
  const lines = Math.max(1, ...drivers.map((d) => d.axisLabel.split('|').length));
  const data = drivers.flatMap((d) => [
    { label: d.axisLabel, end: 'Input in its lowest tenth', base: mean, value: d.npvWhenLow },
    { label: d.axisLabel, end: 'Input in its highest tenth', base: mean, value: d.npvWhenHigh },
  ]);
  const svg = await renderSvg({
    title: { text: 'What drives the net present value', subtitle: subtitle([whichRun(name, run), 'Mean NPV of the runs where each input was in its lowest or highest tenth'], 520) },
    width: 260,
    height: { step: Math.max(22, 13 * lines + 6) },
    layer: [
      {
        data: { values: data },
        mark: { type: 'bar', height: 14 },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: order, title: null, axis: { labelExpr: SPLIT_LINES, labelLimit: 0, labelOffset: CENTRE_LINES } },
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

/**
 * Spend over the planning years by agency, as now and with the strategy (means): a bar for each
 * agency and variant on one linear scale from zero, each with its value printed at its end, so an
 * agency whose spend is a small fraction of children's social care's is still read exactly (its
 * figure there). A bar shorter than 1% of the longest is drawn at 1% so that it shows at all (the
 * subtitle says so); a log scale would make the bars' lengths mean nothing to finance.
 */
export async function spendByAgencyChart(run: PackRun, id: string, name = run.scenario.spec.name): Promise<Chart> {
  const totals = new Map<string, { baseline: number; strategy: number }>();
  for (const row of run.result.spend.byYearAgency) {
    const t = totals.get(row.agency) ?? { baseline: 0, strategy: 0 };
    t.baseline += row.baseline.mean;
    t.strategy += row.strategy.mean;
    totals.set(row.agency, t);
  }
  const agencies = [...totals.entries()].filter(([, t]) => t.baseline !== 0 || t.strategy !== 0);
  const data = agencies.flatMap(([agency, t]) => [
    { agency: wrapped(agencyLabel(agency), 150), variant: 'As now', spend: t.baseline, shown: formatPounds(t.baseline) },
    { agency: wrapped(agencyLabel(agency), 150), variant: 'Strategy', spend: t.strategy, shown: formatPounds(t.strategy) },
  ]);
  const largestSpend = Math.max(1, ...data.map((d) => d.spend));
  const minimum = largestSpend * 0.01;
  const raised = data.some((d) => d.spend > 0 && d.spend < minimum);
  for (const d of data) Object.assign(d, { drawn: d.spend > 0 ? Math.max(d.spend, minimum) : 0 });
  // Largest spend as now first: the agencies a reader looks for first.
  const order = [...agencies].sort((a, b) => b[1].baseline - a[1].baseline).map(([agency]) => wrapped(agencyLabel(agency), 150));
  // Room at the right of the longest bar for its figure.
  const x = { field: 'drawn', type: 'quantitative', stack: null, title: 'Spend (£)', axis: { format: MONEY_AXIS, tickCount: 4 }, scale: { domain: [0, largestSpend * 1.45], nice: false } };
  const y = { field: 'agency', type: 'nominal', title: null, sort: order, axis: { labelExpr: SPLIT_LINES, labelLimit: 0, labelOffset: CENTRE_LINES } };
  const years = run.result.spend.byYear;
  const svg = await renderSvg({
    title: {
      text: 'Spend by agency over the planning years',
      subtitle: subtitle([whichRun(name, run), `${years[0]?.financialYear ?? ''} to ${years[years.length - 1]?.financialYear ?? ''}, mean of the runs, each bar labelled with its value${raised ? '; bars under 1% of the longest drawn at 1% so they show' : ''}`], 520),
    },
    width: 320,
    data: { values: data },
    height: { step: 17 },
    encoding: { y, yOffset: { field: 'variant', sort: variantScale.domain }, x },
    layer: [
      { mark: { type: 'bar' }, encoding: { color: { field: 'variant', type: 'nominal', title: null, scale: variantScale } } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#111111' }, encoding: { text: { field: 'shown' } } },
    ],
  });
  const largest = [...agencies].sort((a, b) => Math.abs(b[1].baseline - b[1].strategy) - Math.abs(a[1].baseline - a[1].strategy))[0];
  const description = largest
    ? `Spend by agency over the planning years. The largest change is for ${agencyLabel(largest[0])}: ${formatPounds(largest[1].baseline)} as now against ${formatPounds(largest[1].strategy)} with the strategy.`
    : 'No agency spends anything in the planning years.';
  return { id, title: 'Spend by agency', description, svg };
}

/** Best case, expected and worst case of the net present value of each run, side by side. */
export async function casesChart(runs: PackRun[], id: string): Promise<Chart> {
  const names = runNames(runs);
  const data = runs.map((run, k) => {
    const npv = run.result.investToSave.netPresentValue;
    // Runs of one scenario are told apart by date (runNames); long names wrap rather than being cut.
    return { run: wrapped(names[k], 190), label: names[k], worst: npv.p10, expected: npv.mean, best: npv.p90 };
  });
  const lines = Math.max(1, ...data.map((d) => d.run.split('|').length));
  const y = { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelExpr: SPLIT_LINES, labelLimit: 0, labelOffset: CENTRE_LINES } };
  const svg = await renderSvg({
    title: { text: 'Best case, expected and worst case', subtitle: 'Net present value: worst case (P10) to best case (P90), expected (mean) marked' },
    width: 300,
    height: { step: Math.max(36, 13 * lines + 10) },
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

/**
 * Occupancy against capacity (issue 15), one chart a capacity limit: the children in the limited
 * state each month, mean (line) and P10-P90 (band) over runs, as now and with the strategy,
 * against the places (dashed step): one black line when both variants have the same places, else
 * one a variant in its colour (a strategy's capacity changes add places). Counts under 5 are not
 * drawn apart: the band shows the runs' spread of a whole number of children, never a single
 * child's path.
 *
 * The caption (description) says how places are held (src/simulation/places.ts): no new child is
 * placed while the places are full, but children already placed (on record at the start, or
 * before the places fall) keep their places until they move, so occupancy can start above the
 * line; when it does (the mean at month 0, or the P90 at some month, above the places) the
 * caption says so rather than claim occupancy stays within the places.
 */
export function occupancyChartSpec(run: PackRun, limitIndex: number, name = run.scenario.spec.name): { spec: Record<string, unknown>; title: string; description: string } {
  const limits = run.result.capacity?.limits ?? [];
  const state = limits[limitIndex]?.state;
  const mine = limits.filter((l) => l.state === state);
  const variantName = (variant: string) => (variant === 'baseline' ? 'As now' : 'Strategy');
  const data = mine.flatMap((l) =>
    l.occupancyByMonth.map((m) => ({ month: m.month + 1, variant: variantName(l.variant), mean: m.occupied.mean, p10: m.occupied.p10, p90: m.occupied.p90, capacity: m.capacity })),
  );
  const places = (variant: string) => mine.find((l) => l.variant === variant)?.occupancyByMonth.map((m) => m.capacity) ?? [];
  const asNow = places('baseline');
  const strategy = places('strategy');
  const samePlaces = asNow.length === 0 || strategy.length === 0 || asNow.every((c, t) => c === strategy[t]);
  const label = (state ?? '').replaceAll('_', ' ');
  const x = { field: 'month', type: 'quantitative', title: 'Month of the projection', axis: { tickMinStep: 12 } };
  const color = { field: 'variant', type: 'nominal', title: null, scale: variantScale };
  const placesLayer = samePlaces
    ? {
        data: { values: (mine[0]?.occupancyByMonth ?? []).map((m) => ({ month: m.month + 1, capacity: m.capacity })) },
        mark: { type: 'line', interpolate: 'step-after', strokeDash: [4, 3], color: '#000000' },
        encoding: { x, y: { field: 'capacity', type: 'quantitative' } },
      }
    : {
        data: { values: mine.flatMap((l) => l.occupancyByMonth.map((m) => ({ month: m.month + 1, variant: variantName(l.variant), capacity: m.capacity }))) },
        mark: { type: 'line', interpolate: 'step-after', strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x, y: { field: 'capacity', type: 'quantitative' }, color, detail: { field: 'variant' } },
      };
  const placesKey = samePlaces ? 'places (dashed, the same as now and with the strategy)' : 'places as now (grey, dashed) and with the strategy (blue, dashed)';
  const title = `Occupancy against capacity: ${label}`;
  const spec = {
    title: { text: `Children in ${label} against its places`, subtitle: subtitle([whichRun(name, run), `Mean (line), 10th to 90th percentile (band); ${placesKey}`], 520) },
    width: 460,
    height: 220,
    layer: [
      { data: { values: data }, mark: { type: 'area', opacity: 0.25 }, encoding: { x, y: { field: 'p10', type: 'quantitative', title: 'Children' }, y2: { field: 'p90' }, color } },
      { data: { values: data }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color } },
      placesLayer,
    ],
  };
  const peak = (variant: string) => Math.max(0, ...data.filter((d) => d.variant === variant).map((d) => d.p90));
  const most = (series: number[]) => Math.max(0, ...series);
  const placesText = samePlaces ? `at most ${most(asNow.length > 0 ? asNow : strategy)}` : `at most ${most(asNow)} as now and ${most(strategy)} with the strategy`;
  const atStart = mine.map((l) => l.occupancyByMonth[0]).filter((m) => m !== undefined && m.occupied.mean > m.capacity);
  const aboveSomeMonth = mine.some((l) => l.occupancyByMonth.some((m) => m.occupied.p90 > m.capacity));
  const count = (v: number) => v.toLocaleString('en-GB', { maximumFractionDigits: 1 });
  const rule = 'no new child is placed until occupancy is below the places';
  const held =
    atStart.length > 0
      ? `The children already on record exceed the places: occupancy starts above the line (${count(atStart[0].occupied.mean)} children on average in the first month against ${atStart[0].capacity} places), because children already placed stay until they move; ${rule}.`
      : aboveSomeMonth
        ? `In more than 1 run in 10 occupancy is above the places at some month: children already placed (on record at the start, or before the places fell) stay until they move; ${rule}.`
        : 'No new child is placed while the places are full: occupancy stays within them, except that children already placed beyond them (on record at the start, or before the places fall) would stay until they move.';
  const description = `Children in ${label} each month against its places (${placesText}): in 1 run in 10 or fewer there are more than ${peak('As now')} as now and ${peak('Strategy')} with the strategy at the busiest month. ${held}`;
  return { spec, title, description };
}

export async function occupancyChart(run: PackRun, limitIndex: number, id: string, name = run.scenario.spec.name): Promise<Chart> {
  const { spec, title, description } = occupancyChartSpec(run, limitIndex, name);
  return { id, title, description, svg: await renderSvg(spec) };
}

/** Every chart of a pack: the side-by-side cases, then four charts per run. */
export async function packCharts(runs: PackRun[]): Promise<{ overview: Chart; byRun: Chart[][] }> {
  const overview = await casesChart(runs, 'cases');
  const names = runNames(runs);
  const byRun: Chart[][] = [];
  for (const [k, run] of runs.entries()) {
    const prefix = runs.length > 1 ? `run-${k + 1}-` : '';
    byRun.push([
      await fanChart(run, `${prefix}annual-spend-fan`, names[k]),
      await savingsDistributionChart(run, `${prefix}savings-distribution`, names[k]),
      await tornadoChart(run, `${prefix}drivers-tornado`, 10, names[k]),
      await spendByAgencyChart(run, `${prefix}spend-by-agency`, names[k]),
    ]);
    // One occupancy chart a capacity limit (issue 15), after the four every run has.
    const states = [...new Set((run.result.capacity?.limits ?? []).map((l) => l.state))];
    for (const state of states) {
      const index = (run.result.capacity?.limits ?? []).findIndex((l) => l.state === state);
      byRun[k].push(await occupancyChart(run, index, `${prefix}occupancy-${state.replaceAll('_', '-')}`, names[k]));
    }
  }
  return { overview, byRun };
}
