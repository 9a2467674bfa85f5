import ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import t from 'tap';
import { scenarioResultView } from '../../src/finance/scenario-view.ts';
import { buildScenarioPack } from '../../src/export/pack.ts';
import { agencyLabel } from '../../src/export/pack-input.ts';
import { members, packRun, scenarioSpec, unzip } from './fixtures.ts';

/**
 * The pack's workbook as a finance officer opens and prints it (issue 18): native charts whose
 * cached figures are the sheet's cells, A4 print setup fitted to the page width, headers that
 * fit their row, no run-id column, and CSVs that Excel on Windows reads as UTF-8.
 */

const createdAt = new Date('2026-11-24T10:30:00Z');
const software = { name: 'pathcast', version: '0.1.0' };
const RUN_A = 'aaaaaaaa-1111-4111-8111-111111111111';
const RUN_B = 'bbbbbbbb-2222-4222-8222-222222222222';
const cohort = members(40);
const runA = await packRun(scenarioSpec(), cohort, { runs: 40, seed: 11, runId: RUN_A });
const runB = await packRun(
  scenarioSpec({ id: 'pack-test-large', name: 'Edge-of-care MST, larger team', strategy: { name: 'Larger MST team', interventions: [{ id: 'mst', capacityPerYear: 30, oneOffPrice: 9000 }] } }),
  cohort,
  { runs: 40, seed: 11, runId: RUN_B },
);
const two = unzip((await buildScenarioPack({ runs: [runA, runB], createdAt, software })).zip);
const one = unzip((await buildScenarioPack({ runs: [runA], createdAt, software })).zip);

async function readWorkbook(data: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(data) as unknown as ArrayBuffer);
  return workbook;
}

const decode = (data: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(data);

/** A strict XML parse (saxes throws on the first error); the elements as name, attributes and text. */
function parseXml(xml: string): Array<{ name: string; attributes: Record<string, string>; text: string; path: string[] }> {
  const parser = new SaxesParser({ xmlns: false });
  const out: Array<{ name: string; attributes: Record<string, string>; text: string; path: string[] }> = [];
  const stack: Array<(typeof out)[number]> = [];
  parser.on('opentag', (tag) => {
    const node = { name: tag.name, attributes: tag.attributes as Record<string, string>, text: '', path: stack.map((s) => s.name) };
    out.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    if (stack.length > 0) stack[stack.length - 1].text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  return out;
}

/** The cells a chart reference names ('Sheet'!$B$3:$B$9), read with ExcelJS: a formula cell gives its cached result. */
function cellsOf(workbook: ExcelJS.Workbook, ref: string): Array<string | number | null> {
  const match = /^'((?:[^']|'')+)'!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$/.exec(ref);
  if (!match) throw new Error(`not a range: ${ref}`);
  const sheet = workbook.getWorksheet(match[1].replaceAll("''", "'"));
  if (!sheet) throw new Error(`no sheet ${match[1]}`);
  if (match[4] !== undefined && match[4] !== match[2]) throw new Error(`a series is one column: ${ref}`);
  const from = Number(match[3]);
  const to = match[5] === undefined ? from : Number(match[5]);
  const values: Array<string | number | null> = [];
  for (let r = from; r <= to; r++) {
    const v = sheet.getCell(`${match[2]}${r}`).value;
    values.push(v === null || v === undefined ? null : typeof v === 'object' && 'result' in v ? (v.result as number) : (v as string | number));
  }
  return values;
}

t.test('the workbook has native charts: parts present, well-formed, their ranges on the sheet and their cached figures the cells', async (t) => {
  const workbook = await readWorkbook(two['workbook.xlsx']);
  const parts = unzip(two['workbook.xlsx']);
  const charts = Object.keys(parts)
    .filter((p) => /^xl\/charts\/chart\d+\.xml$/.test(p))
    .sort();
  t.equal(charts.length, 6, 'three charts for each of the two runs');
  t.ok(parts['xl/drawings/drawing1.xml'], 'a drawing');
  t.ok(parts['xl/drawings/_rels/drawing1.xml.rels'], 'the drawing’s relationships');
  const types = decode(parts['[Content_Types].xml']);
  for (const chart of charts) t.ok(types.includes(`PartName="/${chart}" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"`), `${chart} declared`);
  t.ok(types.includes('PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"'));

  // The Charts sheet points at the drawing, and the drawing at every chart.
  const workbookXml = parseXml(decode(parts['xl/workbook.xml']));
  const chartsSheet = workbookXml.find((n) => n.name === 'sheet' && n.attributes.name === 'Charts');
  t.ok(chartsSheet, 'a Charts sheet');
  const target = parseXml(decode(parts['xl/_rels/workbook.xml.rels'])).find((n) => n.attributes.Id === chartsSheet?.attributes['r:id'])?.attributes.Target as string;
  const sheetPath = `xl/${target}`;
  const sheetXml = parseXml(decode(parts[sheetPath]));
  const drawing = sheetXml.find((n) => n.name === 'drawing');
  // Each chart block starts a printed page (row breaks), so no chart is split across two pages.
  t.equal(sheetXml.filter((n) => n.name === 'brk').length, 5, 'six charts, a page break before each but the first');
  t.ok(drawing, 'the sheet has a <drawing>');
  const sheetRels = parseXml(decode(parts[sheetPath.replace('worksheets/', 'worksheets/_rels/').concat('.rels')]));
  t.equal(sheetRels.find((n) => n.attributes.Id === drawing?.attributes['r:id'])?.attributes.Target, '../drawings/drawing1.xml');
  const drawingRels = parseXml(decode(parts['xl/drawings/_rels/drawing1.xml.rels'])).filter((n) => n.name === 'Relationship');
  t.same(drawingRels.map((r) => `xl/${r.attributes.Target.replace('../', '')}`).sort(), charts);
  const anchors = parseXml(decode(parts['xl/drawings/drawing1.xml'])).filter((n) => n.name === 'xdr:twoCellAnchor');
  t.equal(anchors.length, 6, 'one anchor a chart');

  const seen = { col: 0, bar: 0, line: 0 };
  let compared = 0;
  for (const chart of charts) {
    const nodes = parseXml(decode(parts[chart]));
    const title = nodes.filter((n) => n.name === 'a:t' && n.path.includes('c:title') && !n.path.includes('c:valAx')).map((n) => n.text)[0];
    t.ok(title, `${chart} has a title (${title})`);
    const barDir = nodes.find((n) => n.name === 'c:barDir')?.attributes.val;
    if (barDir === 'col') seen.col++;
    if (barDir === 'bar') {
      seen.bar++;
      // Spend by agency: every bar labelled with its value, so agencies far smaller than children's social care still show.
      const labels = nodes.filter((n) => n.name === 'c:showVal' && n.path.includes('c:dLbls'));
      t.ok(labels.length === 2 && labels.every((n) => n.attributes.val === '1'), `${chart}: both series' bars labelled with their values`);
    }
    if (nodes.some((n) => n.name === 'c:lineChart')) seen.line++;
    // Every reference (series names, categories, values) names cells on the sheet, and the
    // chart's cache holds exactly what those cells hold.
    const refs = nodes.filter((n) => n.name === 'c:f');
    t.ok(refs.length >= 6, `${chart}: references`);
    for (const ref of refs) {
      const cells = cellsOf(workbook, ref.text);
      const cacheIndex = nodes.indexOf(ref) + 1;
      const cache = nodes[cacheIndex];
      t.ok(cache.name === 'c:strCache' || cache.name === 'c:numCache', `${ref.text}: a cache follows`);
      const points = new Map<number, string>();
      let count = -1;
      for (let k = cacheIndex + 1; k < nodes.length && nodes[k].path.includes(cache.name); k++) {
        if (nodes[k].name === 'c:ptCount') count = Number(nodes[k].attributes.val);
        if (nodes[k].name === 'c:pt') points.set(Number(nodes[k].attributes.idx), nodes[k + 1].text);
      }
      t.equal(count, cells.length, `${ref.text}: point count`);
      const cached = cells.map((_, k) => points.get(k) ?? null);
      const expected = cells.map((c) => (c === null ? null : String(c)));
      t.same(cached, expected, `${ref.text}: cached values are the cells`);
      compared += cells.length;
    }
  }
  t.same(seen, { col: 4, bar: 2, line: 4 }, 'net cash and net benefit as columns with a to-date line, spend by agency as bars');
  t.ok(compared > 60, `cells compared (${compared})`);

  // The charted figures are the run's, by hand: net cash is as now minus strategy, the to-date
  // line its running sum, and spend by agency the sum over the planning years.
  const sheet = workbook.getWorksheet('Charts') as ExcelJS.Worksheet;
  const rows: Array<Array<string | number | null>> = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    rows.push(
      Array.from({ length: 5 }, (_, c) => {
        const v = row.getCell(c + 1).value;
        return v === null || v === undefined ? null : typeof v === 'object' && 'result' in v ? (v.result as number) : (v as string | number);
      }),
    );
  });
  const result = scenarioResultView(runA.result);
  const start = rows.findIndex((r) => r[0] === 'Net cash by financial year: Edge-of-care MST, pack test');
  t.ok(start > 0, 'run A’s net cash table');
  let toDate = 0;
  result.spend.byYear.forEach((year, k) => {
    const row = rows[start + 2 + k];
    t.equal(row[0], year.financialYear);
    t.equal(row[3], year.saving.mean, `${year.financialYear}: net cash`);
    toDate += year.saving.mean;
    t.ok(Math.abs((row[4] as number) - toDate) < 0.006, `${year.financialYear}: to date ${row[4]} ≈ ${toDate}`);
  });
  const agencies = rows.findIndex((r) => typeof r[0] === 'string' && r[0].startsWith('Spend by agency over the 3 planning years: Edge-of-care MST, pack test'));
  t.ok(agencies > 0, 'run A’s spend by agency');
  const social = rows.slice(agencies + 2).find((r) => r[0] === agencyLabel('childrens_social_care')) as Array<string | number | null>;
  const sum = result.spend.byYearAgency.filter((y) => y.agency === 'childrens_social_care').reduce((s, y) => s + y.baseline.mean, 0);
  t.ok(Math.abs((social[1] as number) - sum) < 0.006, `children’s social care as now: ${social[1]} ≈ ${sum}`);
});

t.test('print setup: A4, fitted to one page wide, a print area, the header row repeated', async (t) => {
  for (const [label, files] of [
    ['one run', one],
    ['two runs', two],
  ] as const) {
    const workbook = await readWorkbook(files['workbook.xlsx']);
    for (const sheet of workbook.worksheets) {
      const setup = sheet.pageSetup;
      const name = `${label} ${sheet.name}`;
      t.equal(setup.paperSize, 9, `${name}: A4`);
      t.equal(setup.fitToPage, true, `${name}: fit to page`);
      t.equal(setup.fitToWidth, 1, `${name}: one page wide`);
      t.equal(setup.fitToHeight, 0, `${name}: as many pages long as it takes`);
      t.equal(setup.printTitlesRow, '1:1', `${name}: header row on every page`);
      const area = /^\$?A\$?1:\$?([A-Z]+)\$?(\d+)$/.exec(setup.printArea ?? '');
      t.ok(area, `${name}: print area ${setup.printArea}`);
      let width = 0;
      let columns = 0;
      for (let c = 1; c <= sheet.columnCount; c++) {
        width += sheet.getColumn(c).width ?? 9;
        columns++;
        if (sheet.getColumn(c).letter === area?.[1]) break;
      }
      t.ok(Number(area?.[2]) >= sheet.actualRowCount, `${name}: the print area holds every row`);
      if (sheet.name !== 'Charts' && sheet.name !== 'Notes') {
        t.equal(columns, sheet.getRow(1).cellCount, `${name}: and every column`);
        t.equal(setup.orientation, width > 120 ? 'landscape' : 'portrait', `${name}: ${width} characters wide`);
      }
      t.ok((setup.margins?.left ?? 0) > 0 && (setup.margins?.top ?? 0) > 0, `${name}: margins`);
      t.match(sheet.headerFooter.oddFooter ?? '', /&P of &N/, `${name}: page numbers`);
    }
  }
});

t.test('no run-id column: the run id is on the Summary (and the Notes’ reproduction lines) only; headers fit their row', async (t) => {
  for (const [label, files] of [
    ['one run', one],
    ['two runs', two],
  ] as const) {
    const workbook = await readWorkbook(files['workbook.xlsx']);
    for (const sheet of workbook.worksheets) {
      const ids: string[] = [];
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          const value = String(cell.value ?? '');
          if (value.includes(RUN_A.slice(0, 8)) || value.includes(RUN_B.slice(0, 8))) ids.push(cell.address);
        }),
      );
      if (sheet.name === 'Summary') t.equal(ids.length, label === 'one run' ? 1 : 2, `${label}: the Summary names each run id once`);
      else if (sheet.name !== 'Notes') t.same(ids, [], `${label} ${sheet.name}: no run id`);
      if (sheet.name === 'Charts' || sheet.name === 'Notes') continue;
      const header = sheet.getRow(1);
      t.not(header.getCell(1).value, 'Run', `${label} ${sheet.name}: no Run column`);
      // Tall enough for its longest header at its column's width (an independent lower bound:
      // characters ÷ width, rounded up, lines of 15 points), so no header runs over row 2.
      let lines = 1;
      header.eachCell((cell, c) => {
        t.equal(cell.alignment?.wrapText, true, `${label} ${sheet.name} ${cell.address}: wraps`);
        lines = Math.max(lines, Math.ceil(String(cell.value).length / (sheet.getColumn(c).width ?? 9)));
      });
      t.ok((header.height ?? 0) >= lines * 15, `${label} ${sheet.name}: header row ${header.height}pt ≥ ${lines} lines`);
    }
    if (label === 'two runs') {
      const byYear = workbook.getWorksheet('Spend by year') as ExcelJS.Worksheet;
      t.equal(byYear.getCell('A1').value, 'Scenario', 'several runs: each row names its run');
      t.same([byYear.getCell('A2').value, byYear.getCell(`A${byYear.rowCount}`).value], ['Edge-of-care MST, pack test', 'Edge-of-care MST, larger team']);
    }
  }
});

t.test('every CSV starts with the UTF-8 byte-order mark and keeps £', async (t) => {
  const csvs = Object.keys(two).filter((p) => p.endsWith('.csv'));
  t.ok(csvs.length >= 12, 'the pack’s tables');
  for (const path of csvs) t.same([...two[path].slice(0, 3)], [0xef, 0xbb, 0xbf], `${path}: EF BB BF`);
  const summary = two['tables/summary.csv'];
  // £ is U+00A3, two bytes in UTF-8 (C2 A3): as Excel reads the file once it knows it is UTF-8.
  const pound = summary.findIndex((b, k) => b === 0xc2 && summary[k + 1] === 0xa3);
  t.ok(pound > 3, 'a £ in UTF-8 bytes');
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(summary);
  t.equal(text.codePointAt(0), 0xfeff, 'decoded, the mark is the first character');
  t.match(text, /Net present value: expected \(mean\),£,/);
});
