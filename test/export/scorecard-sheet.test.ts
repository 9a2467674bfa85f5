import { mkdirSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import t from 'tap';
import { RAG_FILLS } from '../../src/export/scorecard-sheet.ts';
import { MAX_SHEET_WIDTH } from '../../src/export/workbook.ts';
import type { Role } from '../../src/services/access-control.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { addHandBorough } from '../teams/hand-borough.ts';
import { addCohort, record, runAndWait, smallScenario } from '../scenarios/fixtures.ts';
import { pdfPages, text, unzip } from './fixtures.ts';

/**
 * The Scorecard sheet of the pack (issue 17), on the hand-made history of
 * test/outcomes/hand-history.ts (A-E in North, F-J in South, as test/teams/scorecard-api.test.ts
 * sets them up) beside the scenario fixtures' cohort (no team). Its figures are compared with
 * GET /v1/scorecard's answer for the same role, read independently from the JSON.
 */

async function borough(as: TestApp['as']): Promise<void> {
  await addHandBorough(as);
}

type ApiCell = { numerator: number | string | null; denominator: number | string | null; value: number | null; rag: string | null; vsTarget: number | null; spendComplete?: boolean; teamId?: string };
type ApiMeasure = { id: string; kind: string; target: number; organisation: ApiCell; teams: ApiCell[]; noTeam?: ApiCell; trend: Array<{ quarterEnd: string; organisation: ApiCell; teams: ApiCell[] }> };

/** A figure of an incomplete spend (spendComplete false) as the sheet writes it: "at least 0" (a floor); any other as it is. */
const floor = (cell: ApiCell | undefined, figure: number | string | null | undefined) => (cell?.spendComplete === false && typeof figure === 'number' ? `at least ${figure}` : (figure ?? null));

/** The API's cells in the sheet's row order: each measure's organisation, teams, then no team; with the value at each quarter end. */
function apiRows(body: { groups: Array<{ measures: ApiMeasure[] }> }) {
  const rows: Array<{ measure: ApiMeasure; cell: ApiCell; trend: Array<number | string | null> }> = [];
  for (const m of body.groups.flatMap((g) => g.measures)) {
    rows.push({ measure: m, cell: m.organisation, trend: m.trend.map((q) => floor(q.organisation, q.organisation.value)) });
    for (const c of m.teams)
      rows.push({
        measure: m,
        cell: c,
        trend: m.trend.map((q) => {
          const quarter = q.teams.find((x) => x.teamId === c.teamId);
          return floor(quarter, quarter?.value);
        }),
      });
    if (m.noTeam) rows.push({ measure: m, cell: m.noTeam, trend: m.trend.map(() => null) });
  }
  return rows;
}

const blank = (v: unknown) => (v === undefined || v === '' ? null : v);

t.test('the Scorecard sheet and CSV equal the board’s GET /v1/scorecard whoever exports: no pack shows a count of 1-4', async (t) => {
  const { as } = await buildTestApp(t);
  await borough(as);
  await addCohort(as);
  // Enough children on the edge of care that the board may read the run (MST used by 5 or more).
  for (let k = 0; k < 20; k++) await as('finance', { method: 'POST', url: '/v1/young-people', payload: record(2011 + (k % 4), 'edge_of_care') });
  const created = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario() });
  t.equal(created.statusCode, 201);
  const job = await runAndWait(as, 'small-mst');
  t.equal(job.status, 'succeeded');
  const runId = job.result.href.split('/').pop() as string;

  const roles: Role[] = ['admin', 'finance', 'commissioning', 'head_of_service', 'board'];
  // A pack is the same for every role and is passed on to the board, so every role's pack holds
  // the board's (protected) scorecard; the roles that read individuals see counts of 1-4 in the
  // API (checked below, so the pack's check can fail).
  const board = (await as('board', { method: 'GET', url: '/v1/scorecard' })).json();
  let fullSawSmall = false;
  for (const role of roles) {
    const response = await as(role, { method: 'POST', url: '/v1/packs', payload: { runIds: [runId] } });
    t.equal(response.statusCode, 200, response.statusCode === 200 ? `${role} exports` : `${role} exports: ${response.body.slice(0, 200)}`);
    const own = (await as(role, { method: 'GET', url: '/v1/scorecard' })).json();
    const api = board;
    const files = unzip(response.rawPayload);
    t.ok(files['tables/scorecard.csv'], `${role}: tables/scorecard.csv in the pack`);
    const manifest = JSON.parse(text(files['manifest.json']));
    t.ok(manifest.files.some((f: { path: string }) => f.path === 'tables/scorecard.csv'), `${role}: the manifest lists tables/scorecard.csv`);
    t.match(manifest.scorecard, { asOf: api.asOf, disclosure: 'protected' }, `${role}: the manifest gives the scorecard's date and view (the board's)`);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(files['workbook.xlsx']) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Scorecard');
    if (!sheet) {
      t.fail(`${role}: no Scorecard sheet`);
      continue;
    }
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    t.equal(header[5], `Actual as of ${api.asOf}`, `${role}: the sheet states its as-of date, the latest quarter end (the board's API default)`);
    const quarters = (api.groups.flatMap((g: { measures: ApiMeasure[] }) => g.measures).find((m: ApiMeasure) => m.trend.length > 0) as ApiMeasure).trend.map((q) => `As of ${q.quarterEnd}`);
    t.same(header.slice(11), quarters, `${role}: a column for each quarter end of the API's trend`);
    t.equal(header.length, 19, `${role}: 11 columns and 8 quarters`);
    t.equal(sheet.pageSetup.paperSize, 9, 'A4');
    t.equal(sheet.pageSetup.fitToWidth, 1, 'one page wide');
    const width = sheet.columns.reduce((sum, c) => sum + (c.width ?? 9), 0);
    t.ok(width <= MAX_SHEET_WIDTH && sheet.pageSetup.orientation === 'landscape', `${role}: ${width} characters wide, landscape (prints at ${Math.round((145 / width) * 100)}% or more)`);

    const expected = apiRows(api);
    // Spend has a quarterly trend like the rest (its rows checked against the API's with them below).
    const spendRows = expected.filter((r) => r.measure.id === 'spend_against_budget');
    t.ok(spendRows.length > 0 && spendRows.every((r) => r.trend.length === 8), `${role}: spend's rows carry eight quarters`);
    // Quarters with children unpriced on their day (the hand borough's earliest ones): the sheet says "at least", not a bare figure.
    t.ok(spendRows.some((r) => r.trend.some((v) => typeof v === 'string' && v.startsWith('at least '))), `${role}: some quarter's spend is incomplete, a floor`);
    t.equal(sheet.rowCount, expected.length + 1, `${role}: a row per measure and organisation, team or no team`);
    const csv = parse(text(files['tables/scorecard.csv']), { relax_column_count: false }) as string[][];
    t.same([...files['tables/scorecard.csv'].slice(0, 3)], [0xef, 0xbb, 0xbf], 'CSV starts with the UTF-8 byte-order mark');
    t.equal(csv.length, expected.length + 1);
    let mismatches = 0;
    expected.forEach(({ measure, cell, trend }, k) => {
      const row = sheet.getRow(k + 2);
      const got = [6, 7, 8, 10, 11].map((c) => blank(row.getCell(c).value));
      const want = [floor(cell, cell.value), measure.target, cell.vsTarget, floor(cell, cell.numerator), cell.denominator];
      const gotTrend = trend.map((_, q) => blank(row.getCell(12 + q).value));
      const status = String(row.getCell(9).value);
      // Spend: no numerator is a withheld spend, no denominator a team without a budget.
      const money = measure.kind === 'money';
      const wantStatus = cell.rag
        ? cell.rag[0].toUpperCase() + cell.rag.slice(1)
        : typeof cell.numerator === 'string' || typeof cell.denominator === 'string' || (money && cell.numerator === null)
          ? 'Withheld'
          : money && cell.denominator === null
            ? 'No budget set'
            : 'No data';
      const fill = (row.getCell(9).fill as { fgColor?: { argb?: string } } | undefined)?.fgColor?.argb;
      const csvRow = csv[k + 1].slice(5, 11).concat(csv[k + 1].slice(11, 11 + trend.length));
      const wantCsv = [floor(cell, cell.value), measure.target, cell.vsTarget, null, floor(cell, cell.numerator), cell.denominator, ...trend].map((v) => (v === null ? '' : String(v)));
      wantCsv[3] = csvRow[3];
      if (JSON.stringify(got) !== JSON.stringify(want) || JSON.stringify(gotTrend) !== JSON.stringify(trend) || !status.startsWith(wantStatus) || fill !== (cell.rag ? RAG_FILLS[cell.rag as 'red'] : undefined) || JSON.stringify(csvRow) !== JSON.stringify(wantCsv)) {
        mismatches++;
        t.fail(`${role} row ${k + 2} (${measure.id}): sheet ${JSON.stringify([got, gotTrend, status, fill])}, CSV ${JSON.stringify(csvRow)}; API ${JSON.stringify([want, trend, cell.rag])}`);
      }
    });
    t.equal(mismatches, 0, `${role}: every row equals the API's figures`);

    // Counts of children on the sheet: numerators, and denominators of shares.
    const counts: unknown[] = [];
    expected.forEach(({ measure }, k) => {
      if (measure.kind === 'money') return;
      counts.push(blank(sheet.getRow(k + 2).getCell(10).value));
      if (measure.kind === 'count') counts.push(blank(sheet.getRow(k + 2).getCell(11).value));
    });
    const small = counts.filter((c) => typeof c === 'number' && c >= 1 && c <= 4);
    t.equal(api.disclosure, 'protected');
    t.same(small, [], `${role}: no count of 1-4 children on the Scorecard sheet`);
    t.ok(counts.includes('<5'), `${role}: small counts shown as <5`);
    if (own.disclosure === 'full') {
      const ownCounts = apiRows(own).flatMap(({ measure, cell }) => (measure.kind === 'money' ? [] : measure.kind === 'count' ? [cell.numerator, cell.denominator] : [cell.numerator]));
      if (ownCounts.some((c) => typeof c === 'number' && c >= 1 && c <= 4)) fullSawSmall = true;
    }
    const pages = (await pdfPages(files['report.pdf'])).join('\n');
    t.match(pages, /Balanced scorecard/, `${role}: the report has a scorecard section`);
    t.notMatch(pages.slice(pages.indexOf('Balanced scorecard')).split('About this pack')[0].replace(/page \d+ of \d+/g, ''), /\b[1-4] of \b/, `${role}: no count 1-4 in the report section`);
    // The scorecard is at the last quarter end, not the export day (review of 1 December, finding 9).
    const flat = pages.replace(/\s+/g, ' ');
    t.match(flat, /the last quarter end before this pack was exported/, `${role}: the report says its as-of date is the last quarter end`);
    t.notMatch(flat, /the day this pack was exported/, `${role}: and never that it is the export day`);
    if (role === 'board') {
      // For a look at the section: test-output/scorecard-pack-board/ (git-ignored like the other test output).
      mkdirSync('test-output/scorecard-pack-board', { recursive: true });
      writeFileSync('test-output/scorecard-pack-board/report.pdf', files['report.pdf']);
      writeFileSync('test-output/scorecard-pack-board/workbook.xlsx', files['workbook.xlsx']);
      t.comment(`board: ${expected.length} scorecard rows, ${counts.filter((c) => c === '<5').length} counts shown as <5`);
    }
  }
  t.ok(fullSawSmall, 'the roles that read individuals see counts of 1-4 in the API (so the pack check can fail)');
});

/** WCAG 2.2 relative luminance and contrast ratio (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio). */
function luminance(argb: string): number {
  const [r, g, b] = [2, 4, 6].map((i) => {
    const c = Number.parseInt(argb.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

t.test('each status fill under black text has a contrast of 4.5:1 or more', async (t) => {
  for (const [rag, fill] of Object.entries(RAG_FILLS)) {
    const ratio = (luminance(fill) + 0.05) / (luminance('FF000000') + 0.05);
    t.ok(ratio >= 4.5, `${rag} ${fill}: ${ratio.toFixed(1)}:1`);
  }
  // Hand check: FFC7CE (red fill) has luminance 0.6656, so (0.6656 + 0.05) / 0.05 = 14.3.
  t.equal(Math.round(((luminance(RAG_FILLS.red) + 0.05) / 0.05) * 10) / 10, 14.3);
});
