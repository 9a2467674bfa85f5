import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { scenarioResultView } from '../../src/finance/scenario-view.ts';
import { driverLabels, runNames, ukDate } from '../../src/export/labels.ts';
import { buildScenarioPack } from '../../src/export/pack.ts';
import type { PackRun } from '../../src/export/pack-input.ts';
import { planCasesChart } from '../../src/export/plan-charts.ts';
import { PAGE, savingsByYear } from '../../src/export/report.ts';
import { formatPercent, formatPounds } from '../../src/services/wording.ts';
import { england, members, packRun, scenarioSpec, unzip } from './fixtures.ts';

/**
 * The report as a reader sees it (issue 18): every page rendered to an image with pdftoppm
 * (poppler-utils) and written to test-output/report-pages/ for review; every text item, as PDF.js
 * places it, inside the A4 page's margins and clear of every other; page 1 holding the board's
 * figures equal to the run's summary as the API answers it (scenarioResultView), formatted as the
 * pack prints money (£ with thousands separators); no label cut with an ellipsis; no run id but
 * in the one provenance line; and no page but the last blank in its lower half.
 */

const OUTPUT = path.resolve(import.meta.dirname, '../../test-output/report-pages');
const RUN_A = 'aaaaaaaa-1111-4111-8111-111111111111';
const RUN_B = 'bbbbbbbb-2222-4222-8222-222222222222';
const cohort = members(40);
const runA = await packRun(scenarioSpec(), cohort, { runs: 40, seed: 11, runId: RUN_A });
const runB = await packRun(
  scenarioSpec({
    id: 'pack-test-fgc',
    name: 'Edge-of-care MST with family group conferences for every family on the edge of care',
    strategy: { name: 'MST and FGC', interventions: [{ id: 'mst', capacityPerYear: 30, oneOffPrice: 9000 }, { id: 'family_group_conference', capacityPerYear: 25 }] },
  }),
  cohort,
  { runs: 40, seed: 11, runId: RUN_B },
);
const runs = [runA, runB];
const pack = await buildScenarioPack({ runs, createdAt: new Date('2026-11-30T10:30:00Z'), software: { name: 'pathcast', version: '0.1.0' } });
const pdf = unzip(pack.zip)['report.pdf'];

interface Item {
  str: string;
  /** Axis-aligned box in PDF points, origin at the page's bottom left. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Baseline origin. */
  x: number;
  y: number;
}

async function textItems(data: Uint8Array): Promise<{ pages: Item[][]; sizes: Array<{ width: number; height: number }> }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = new URL('../../node_modules/pdfjs-dist/standard_fonts/', import.meta.url).pathname;
  const doc = await pdfjs.getDocument({ data: new Uint8Array(data), standardFontDataUrl, verbosity: 0 }).promise;
  const pages: Item[][] = [];
  const sizes: Array<{ width: number; height: number }> = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const viewport = page.getViewport({ scale: 1 });
    sizes.push({ width: viewport.width, height: viewport.height });
    const items: Item[] = [];
    for (const item of (await page.getTextContent()).items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      const [a, b, c, d, e, f] = item.transform as number[];
      // The glyphs run along (a, b) for `width` and rise along (c, d): a box from Helvetica's
      // descender (0.207 of the font size) below the baseline to its ascender (0.718) above,
      // turned with the text (rotated axis titles).
      const u = [a / Math.hypot(a, b), b / Math.hypot(a, b)];
      const v = [c / Math.hypot(c, d), d / Math.hypot(c, d)];
      const h = item.height || Math.hypot(c, d);
      const corners = [0, item.width].flatMap((s) => [-0.207 * h, 0.718 * h].map((r) => [e + u[0] * s + v[0] * r, f + u[1] * s + v[1] * r]));
      const xs = corners.map((p) => p[0]);
      const ys = corners.map((p) => p[1]);
      items.push({ str: item.str, x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys), x: e, y: f });
    }
    pages.push(items);
  }
  await doc.cleanup();
  return { pages, sizes };
}

const { pages, sizes } = await textItems(pdf);

// One run with a funding arrangement (as in funding-pack.test.ts): its tables in 7.5 to 8 pt are the densest text.
const funded = await packRun(
  scenarioSpec({
    id: 'funded-layout',
    name: 'MST, pooled and outcomes-funded',
    funding: {
      organisations: [
        { id: 'council', name: 'Borough council', holds: [{ agency: 'childrens_social_care', share: 1 }, { agency: 'education', share: 1 }, { agency: 'housing', share: 1 }, { agency: 'youth_justice', share: 1 }] },
        { id: 'icb', name: 'Integrated care board', holds: [{ agency: 'health', share: 1 }] },
      ],
      pooledBudget: { services: ['mst'], annualBudget: 100000, partners: [{ organisation: 'council', contribution: 0.7, riskShare: 0.8 }, { organisation: 'icb', contribution: 0.3, riskShare: 0.2 }] },
      outcomesContracts: [{ id: 'mst-sib', services: ['mst'], outcome: 'care_weeks_avoided', pricePerOutcome: 500, basis: 'modelled_counterfactual', cap: 400000, paymentLagYears: 1, contractYears: 3 }],
      reinvestment: { share: 0.5 },
      income: [{ id: 'dfe-grant', kind: 'grant', to: 'council', amounts: [{ year: '2026-27', amount: 3_180_000 }], condition: { commissions: 'mst' } }],
    },
  }),
  cohort,
  { runs: 20, seed: 3, runId: 'cccccccc-3333-4333-8333-333333333333' },
);
const fundedPack = await buildScenarioPack({ runs: [funded], createdAt: new Date('2026-11-30T10:30:00Z'), software: { name: 'pathcast', version: '0.1.0' } });
const fundedPages = (await textItems(unzip(fundedPack.zip)['report.pdf'])).pages;
const FOOTER = /^pathcast scenario pack, page \d+ of \d+$/;
const view = (run: PackRun): PackRun => ({ ...run, result: scenarioResultView(run.result) });

t.test('A4 pages, every text item inside the margins (the footer in the bottom margin)', async (t) => {
  t.ok(pages.length >= 3, `${pages.length} pages`);
  for (const [k, size] of sizes.entries()) {
    t.equal(Math.round(size.width * 100) / 100, 595.28, `page ${k + 1} A4 wide`);
    t.equal(Math.round(size.height * 100) / 100, 841.89, `page ${k + 1} A4 high`);
  }
  const outside: string[] = [];
  const tolerance = 1;
  for (const [k, items] of [...pages, ...fundedPages].entries()) {
    for (const item of items) {
      const footer = FOOTER.test(item.str);
      const bottom = footer ? 10 : PAGE.margin;
      if (item.x0 < PAGE.margin - tolerance || item.x1 > PAGE.width - PAGE.margin + tolerance || item.y1 > PAGE.height - PAGE.margin + tolerance || item.y0 < bottom - tolerance) {
        outside.push(`page ${k + 1}: "${item.str}" at x ${item.x0.toFixed(1)}-${item.x1.toFixed(1)}, y ${item.y0.toFixed(1)}-${item.y1.toFixed(1)}`);
      }
    }
    t.equal(items.filter((i) => FOOTER.test(i.str)).length, 1, `page ${k + 1} has its footer`);
  }
  t.same(outside, [], 'no text outside the margins');
});

/** Pairs of items whose boxes overlap by more than a point each way (items that only touch, one line split into runs, pass). */
function overlapping(items: Item[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i];
      const b = items[j];
      const x = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const y = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (x > 1 && y > 1) found.push(`"${a.str}" and "${b.str}" (${x.toFixed(1)} × ${y.toFixed(1)} pt)`);
    }
  }
  return found;
}

t.test('no two text items overlap', async (t) => {
  const box = (str: string, x0: number, y0: number) => ({ str, x0, x1: x0 + 40, y0, y1: y0 + 9, x: x0, y: y0 + 2 });
  t.equal(overlapping([box('a', 100, 100), box('b', 130, 104)]).length, 1, 'the check finds an overlap');
  t.equal(overlapping([box('a', 100, 100), box('b', 140, 100), box('c', 100, 111)]).length, 0, 'and passes items that touch');
  const overlaps = pages.flatMap((items, k) => overlapping(items).map((o) => `page ${k + 1}: ${o}`));
  t.same(overlaps, [], `no overlapping text among ${pages.flat().length} items`);
  const inFunded = fundedPages.flatMap((items, k) => overlapping(items).map((o) => `page ${k + 1}: ${o}`));
  t.same(inFunded, [], `none in a pack with funding tables either (${fundedPages.flat().length} items)`);
  t.match(fundedPages.map((items) => items.map((i) => i.str).join(' ')).join(' '), /who pays and who gains/);
});

t.test('no label is cut: no ellipsis anywhere, tornado inputs named in full and all different', async (t) => {
  const cut = pages.flat().filter((item) => item.str.includes('…') || item.str.trimEnd().endsWith('...'));
  t.same(
    cut.map((i) => i.str),
    [],
  );
  const numbered = pages.flat().filter((item) => /effect \d+$/.test(item.str));
  t.same(
    numbered.map((i) => i.str),
    [],
    'no "…: effect 1" label',
  );
  const all = pages.map((items) => items.map((i) => i.str).join(' ')).join(' ');
  for (const run of runs) {
    const labels = driverLabels(run.model.spec, run.result.sensitivity.slice(0, 10));
    t.equal(new Set(labels).size, labels.length, 'ten different labels');
    // Wrapped labels come back whole when their lines are joined with a space.
    for (const label of labels) t.ok(all.includes(label), `"${label}" printed in full`);
  }
});

t.test('driver labels: effects named by the moves they change, each different', async (t) => {
  const drivers = [
    { parameter: 'effect:mst:0', label: 'Multisystemic therapy (MST): effect 1' },
    { parameter: 'effect:mst:1', label: 'Multisystemic therapy (MST): effect 2' },
    { parameter: 'effect:family_group_conference:0', label: 'Family group conference: effect 1' },
    { parameter: 'effect:family_group_conference:1', label: 'Family group conference: effect 2' },
    { parameter: 'unit:residential', label: 'Residential children’s home' },
  ];
  t.same(driverLabels(england, drivers), [
    'Multisystemic therapy (MST): effect on moves to looked after',
    'Multisystemic therapy (MST): effect on moves to Youth custody',
    'Family group conference: effect on moves to In-house foster care, Agency (IFA) foster care, Residential children’s home and 2 more',
    'Family group conference: effect on moves to Kinship (connected person) foster care',
    'Residential children’s home',
  ]);
  // Two effects with the same destination are told apart by where they start.
  const twin = { ...england, interventions: [{ ...england.interventions![0], effects: [england.interventions![0].effects[0], { ...england.interventions![0].effects[0], from: ['early_help'] }] }] };
  const labels = driverLabels(twin, drivers.slice(0, 2));
  t.equal(new Set(labels).size, 2, labels.join(' / '));
});

t.test('a long plan name wraps on the plan chart instead of being cut', async (t) => {
  const name = 'Step down from residential care to in-house foster care with therapeutic support for a year';
  const spread = { mean: 100_000, p10: 80_000, p90: 130_000 };
  const chart = await planCasesChart([
    { name, total: spread, byFinancialYear: [] },
    { name: 'Stay in residential', total: spread, byFinancialYear: [] },
  ]);
  t.notMatch(chart.svg, /…/, 'no ellipsis');
  const lines = [...chart.svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
  t.ok(lines.length >= 2, `wrapped over ${lines.length} lines`);
  t.ok(chart.svg.includes('Stay in residential'));
  t.equal(lines.join(' '), name, 'the whole name, in order');
});

t.test('runs named by scenario and run date, never by id; dates in the UK style', async (t) => {
  t.equal(ukDate('2026-11-30T10:30:00Z'), '30 November 2026');
  t.equal(ukDate('2027-01-01T00:00:00Z'), '1 January 2027');
  const same = { ...runA, createdAt: '2026-12-01T09:00:00Z' };
  t.same(runNames([runA, same]), ['Edge-of-care MST, pack test, run 24 November 2026', 'Edge-of-care MST, pack test, run 1 December 2026']);
  t.same(runNames([runA, { ...runA }]), ['Edge-of-care MST, pack test, run 1 of 2 on 24 November 2026', 'Edge-of-care MST, pack test, run 2 of 2 on 24 November 2026']);
  const all = pages.map((items) => items.map((i) => i.str).join(' ')).join(' ');
  for (const id of [RUN_A, RUN_B]) {
    t.equal(all.split(id).length - 1, 1, `${id} printed once, in the provenance line`);
    t.equal(all.split(id.slice(0, 8)).length - 1, 1, 'its short form nowhere else');
  }
  t.notMatch(all, /\d{4}-\d{2}-\d{2}/, 'no ISO dates');
  t.match(all, /run 24 November 2026/);
});

t.test('page 1: the board’s figures, equal to the run summary, with the price base and discount rate', async (t) => {
  const first = pages[0];
  const text = first.map((i) => i.str).join(' ');
  t.match(text, /Money is in real 2024-25 prices\. Present values are discounted at 3\.5% a year/);
  // The row of a label: the items on its baseline to its right, left to right.
  const row = (label: string) => {
    const cell = first.find((i) => i.str === label);
    if (!cell) return [];
    return first
      .filter((i) => i !== cell && Math.abs(i.y - cell.y) < 0.5 && i.x > cell.x)
      .sort((a, b) => a.x - b.x)
      .map((i) => i.str);
  };
  const summaries = runs.map((run) => scenarioResultView(run.result).investToSave);
  const expectRow = (label: string, values: string[]) => t.same(row(label), values, label);
  expectRow(
    'Net present value: expected',
    summaries.map((s) => formatPounds(s.netPresentValue.mean)),
  );
  expectRow(
    'Net present value: best case (P90)',
    summaries.map((s) => formatPounds(s.netPresentValue.p90)),
  );
  expectRow(
    'Net present value: worst case (P10)',
    summaries.map((s) => formatPounds(s.netPresentValue.p10)),
  );
  // The ratio of totals, from the summary's own present values.
  expectRow(
    'Benefit-cost ratio (PV benefits / PV costs)',
    summaries.map((s) => (s.presentBenefits.mean / s.presentCosts.mean).toFixed(2)),
  );
  expectRow(
    'Present value of costs',
    summaries.map((s) => formatPounds(s.presentCosts.mean)),
  );
  expectRow(
    'Present value of benefits',
    summaries.map((s) => formatPounds(s.presentBenefits.mean)),
  );
  expectRow(
    'Cashable benefits (present value)',
    summaries.map((s) => formatPounds(s.cashableBenefits.mean)),
  );
  expectRow(
    'Non-cashable benefits (present value)',
    summaries.map((s) => formatPounds(s.nonCashableBenefits.mean)),
  );
  for (const s of summaries) t.ok(Math.abs(s.cashableBenefits.mean + s.nonCashableBenefits.mean - s.presentBenefits.mean) < 1, 'cashable and non-cashable add up to the benefits (to £1)');
  expectRow(
    'Chance that benefits exceed costs',
    summaries.map((s) => formatPercent(s.probabilityBenefitsExceedCosts)),
  );
  expectRow(
    'Payback: median year',
    summaries.map((s) => s.payback.medianYear ?? 'not within 8 years'),
  );
  expectRow(
    'First-year pressure: net cost in 2026-27 (cash)',
    summaries.map((s) => (s.netByYear[0].net.mean < 0 ? formatPounds(-s.netByYear[0].net.mean) : `none (net saving ${formatPounds(s.netByYear[0].net.mean)})`)),
  );
  t.ok(
    row('Net present value: expected').every((v) => /^-?£\d{1,3}(,\d{3})*$/.test(v)),
    'money as £ with thousands separators',
  );
  t.match(text, /Savings by financial year/);
});

t.test('savings by year: cash and discounted at the Green Book rate, the discounted total the NPV', async (t) => {
  for (const run of runs.map(view)) {
    const { rows, totalRow } = savingsByYear(run);
    const net = run.result.investToSave.netByYear;
    t.equal(rows.length, 8, 'every year followed');
    t.same(
      rows.map((r) => r[0]),
      ['2026-27', '2027-28', '2028-29', '2029-30', '2030-31', '2031-32', '2032-33', '2033-34'],
    );
    t.equal(rows[0][5], formatPounds(net[0].net.mean), 'year 0 undiscounted');
    t.equal(rows[1][5], formatPounds(net[1].net.mean / 1.035), 'year 1 at 3.5%');
    t.equal(rows[2][5], formatPounds(net[2].net.mean / 1.035 ** 2), 'year 2 at 3.5%');
    t.equal(rows[1][4], formatPounds(net[0].net.mean + net[1].net.mean), 'cumulative cash');
    t.equal(rows[3][1], '-', 'spend is reported for the planning years only');
    t.equal(rows[0][1], formatPounds(run.result.spend.byYear[0].baseline.mean));
    // The discounted total is the expected NPV (to the £1,000 the pack prints).
    const total = Number(totalRow[5].replace(/[£,]/g, ''));
    t.ok(Math.abs(total - run.result.investToSave.netPresentValue.mean) <= 1000, `${totalRow[5]} against NPV ${run.result.investToSave.netPresentValue.mean}`);
  }
});

t.test('spend by agency: every agency with spend shows its figure', async (t) => {
  const all = pages.map((items) => items.map((i) => i.str).join(' ')).join(' ');
  for (const run of runs.map(view)) {
    const totals = new Map<string, number>();
    for (const row of run.result.spend.byYearAgency) totals.set(row.agency, (totals.get(row.agency) ?? 0) + row.baseline.mean);
    for (const [agency, total] of totals) if (total !== 0) t.ok(all.includes(formatPounds(total)), `${agency}: ${formatPounds(total)} printed`);
  }
});

/** A binary PGM (P5) image: width, height and one byte of grey a pixel. */
function readPgm(file: string): { width: number; height: number; pixels: Uint8Array } {
  const data = readFileSync(file);
  const header: string[] = [];
  let at = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(data[at]))) at++;
    let token = '';
    while (!/\s/.test(String.fromCharCode(data[at]))) token += String.fromCharCode(data[at++]);
    header.push(token);
  }
  if (header[0] !== 'P5' || header[3] !== '255') throw new Error(`${file}: not an 8-bit binary PGM`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, pixels: data.subarray(at + 1, at + 1 + width * height) };
}

t.test('pages rendered with pdftoppm: none but the last blank in its lower half', async (t) => {
  rmSync(OUTPUT, { recursive: true, force: true });
  mkdirSync(OUTPUT, { recursive: true });
  const file = path.join(OUTPUT, 'report.pdf');
  writeFileSync(file, pdf);
  // Images for a person to look at, and small grey maps for the test to measure.
  execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(OUTPUT, 'page')]);
  execFileSync('pdftoppm', ['-gray', '-r', '30', file, path.join(OUTPUT, 'grey')]);
  const pngs = readdirSync(OUTPUT).filter((f) => f.endsWith('.png'));
  const greys = readdirSync(OUTPUT)
    .filter((f) => f.endsWith('.pgm'))
    .sort();
  t.equal(pngs.length, pages.length, 'a PNG a page');
  t.equal(greys.length, pages.length);
  for (const [k, name] of greys.entries()) {
    const { width, height, pixels } = readPgm(path.join(OUTPUT, name));
    t.equal(width, Math.ceil((595.28 / 72) * 30), `${name}: A4 at 30 dpi`);
    // The lower half above the bottom margin (the footer is in the margin, not counted).
    const from = Math.floor(height / 2);
    const to = height - Math.ceil((PAGE.margin / 72) * 30);
    let ink = 0;
    for (let y = from; y < to; y++) for (let x = 0; x < width; x++) if (pixels[y * width + x] < 160) ink++;
    const share = ink / ((to - from) * width);
    if (k < greys.length - 1) t.ok(share > 0.01, `page ${k + 1}: ${(share * 100).toFixed(1)}% of the lower half inked`);
  }
});
