import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import t from 'tap';
import { buildScenarioPack } from '../../src/export/pack.ts';
import { members, packRun, scenarioSpec, unzip } from './fixtures.ts';

/**
 * The workbook opened by a second reader (issue 18): LibreOffice Calc, headless, converts it to
 * PDF as it would print it. The conversion must succeed, every page must be A4 (the file's
 * paperSize 9, not the reader's default Letter), every sheet must print, and a sheet must take a
 * sensible number of pages: at most 2 (the Charts sheet one page a chart), or for the sheets of long text (Assumptions, Sources,
 * Notes) at most one page for every 15 rows or 3,000 characters, whichever allows more. Before the print setup of issue 18 LibreOffice printed the
 * pack's workbook on 132 Letter pages, most of them slices of columns.
 *
 * Needs soffice (Debian's libreoffice-calc-nogui; .ci/run installs it): fails, saying so, when
 * it is missing. Each run converts with a profile of its own (-env:UserInstallation), so two
 * runs at once do not share LibreOffice's lock.
 */

const SOFFICE = process.env.SOFFICE ?? 'soffice';
const probe = spawnSync(SOFFICE, ['--version'], { encoding: 'utf8', timeout: 60_000 });
if (probe.error || probe.status !== 0) {
  throw new Error(`No LibreOffice at ${SOFFICE}: install Debian's libreoffice-calc-nogui (apt-get install -y --no-install-recommends libreoffice-calc-nogui; .ci/run does) to run the workbook's second-reader test`);
}

const createdAt = new Date('2026-11-24T10:30:00Z');
const cohort = members(40);
const runA = await packRun(scenarioSpec(), cohort, { runs: 40, seed: 11, runId: 'aaaaaaaa-1111-4111-8111-111111111111' });
const runB = await packRun(
  scenarioSpec({ id: 'pack-test-large', name: 'Edge-of-care MST, larger team', strategy: { name: 'Larger MST team', interventions: [{ id: 'mst', capacityPerYear: 30, oneOffPrice: 9000 }] } }),
  cohort,
  { runs: 40, seed: 11, runId: 'bbbbbbbb-2222-4222-8222-222222222222' },
);

const A4 = [595.28, 841.89];

async function pdfPages(data: Uint8Array): Promise<Array<{ text: string; width: number; height: number }>> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = new URL('../../node_modules/pdfjs-dist/standard_fonts/', import.meta.url).pathname;
  const doc = await pdfjs.getDocument({ data: new Uint8Array(data), standardFontDataUrl, verbosity: 0 }).promise;
  const pages = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const content = await page.getTextContent();
    const [, , width, height] = page.view;
    pages.push({ text: content.items.map((item) => ('str' in item ? item.str : '')).join(' '), width, height });
  }
  await doc.cleanup();
  return pages;
}

const compact = (s: string) => s.replace(/\s+/g, '');

t.test('LibreOffice converts the workbook to PDF: A4 pages, every sheet printed, a sensible number of pages each', async (t) => {
  const folder = mkdtempSync(path.join(tmpdir(), 'pathcast-soffice-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const files = unzip((await buildScenarioPack({ runs: [runA, runB], createdAt, software: { name: 'pathcast', version: '0.1.0' } })).zip);
  const workbookPath = path.join(folder, 'workbook.xlsx');
  writeFileSync(workbookPath, files['workbook.xlsx']);
  const converted = spawnSync(SOFFICE, [`-env:UserInstallation=file://${folder}/profile`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', folder, workbookPath], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  t.equal(converted.status, 0, `soffice exits 0 (${converted.stderr?.trim().slice(0, 300)})`);
  const pdfPath = path.join(folder, 'workbook.pdf');
  t.ok(existsSync(pdfPath), 'the PDF is written');
  if (!existsSync(pdfPath)) return;
  const pages = await pdfPages(readFileSync(pdfPath));

  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(files['workbook.xlsx']) as unknown as ArrayBuffer);
  const textOf = (s: ExcelJS.Worksheet) => {
    let chars = 0;
    s.eachRow((row) => row.eachCell((c) => (chars += String(c.value ?? '').length)));
    return chars;
  };
  const sheets = workbook.worksheets.map((s) => ({ name: s.name, rows: s.actualRowCount, chars: textOf(s) }));
  // Each page's footer names its sheet ("Scenario pack: <sheet>"); the longest name that matches wins.
  const byName = [...sheets].sort((a, b) => b.name.length - a.name.length);
  const count = new Map<string, number>();
  const unnamed: number[] = [];
  pages.forEach((page, k) => {
    const text = compact(page.text);
    const sheet = byName.find((s) => text.includes(`Scenariopack:${compact(s.name)}`));
    if (sheet) count.set(sheet.name, (count.get(sheet.name) ?? 0) + 1);
    else unnamed.push(k + 1);
    const [short, long] = [Math.min(page.width, page.height), Math.max(page.width, page.height)];
    t.ok(Math.abs(short - A4[0]) < 2 && Math.abs(long - A4[1]) < 2, `page ${k + 1} is A4 (${page.width.toFixed(0)} × ${page.height.toFixed(0)} pt)`);
  });
  t.same(unnamed, [], 'every page’s footer names its sheet');
  for (const sheet of sheets) {
    const n = count.get(sheet.name) ?? 0;
    if (sheet.name === 'Charts') {
      // One page a chart (three charts a run, two runs): a page break before each, so none is split (the review found one split across two pages).
      t.equal(n, 6, 'Charts: one page a chart');
      continue;
    }
    // A text sheet's row can hold a paragraph (the Capacity notes say how places are allocated), so
    // its allowance is also a page for every 3,000 characters (about 40 lines of 75), whichever is more.
    const limit = ['Assumptions', 'Sources', 'Notes'].includes(sheet.name) ? Math.max(Math.ceil(sheet.rows / 15), Math.ceil(sheet.chars / 3000)) : 2;
    t.ok(n >= 1 && n <= limit, `${sheet.name}: ${n} pages (1 to ${limit}; ${sheet.rows} rows, ${sheet.chars} characters)`);
  }
  t.comment(`${pages.length} pages: ${sheets.map((s) => `${s.name} ${count.get(s.name) ?? 0}`).join(', ')}`);
  t.ok(pages.length <= 60, `${pages.length} pages in all`);
  // The charts are drawn: their titles are on the Charts pages.
  const chartsText = compact(pages.filter((p) => compact(p.text).includes('Scenariopack:Charts')).map((p) => p.text).join(' '));
  for (const title of ['Net cash by financial year', 'Net benefit by financial year, present value', 'Spend by agency over the 3 planning years']) {
    t.ok(chartsText.split(compact(title)).length - 1 >= 4, `${title}: a table heading and a chart title for each run`);
  }
});
