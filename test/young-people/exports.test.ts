import ExcelJS from 'exceljs';
import t from 'tap';
import { parsePounds } from '../../src/export/young-person.ts';
import { buildTestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';

/**
 * Exports of one young person's budget and projection: the figures equal the JSON answers', the
 * CSV starts with a byte-order mark, only roles that may see individuals may export, every
 * export is audited, and bad requests answer problem+json naming the field.
 */

const NIL_ID = '00000000-0000-4000-8000-000000000000';
const AS_OF = '2026-12-01';

/** RFC 4180 parsing, enough for our files: quoted cells with doubled quotes, CRLF lines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  return rows;
}

/** The rows of the CSV section titled `title`, header first, up to the next blank line. */
function section(rows: string[][], title: string): string[][] {
  const start = rows.findIndex((r) => r.length === 1 && r[0] === title);
  if (start < 0) throw new Error(`no section ${title}`);
  const end = rows.findIndex((r, k) => k > start && r.length === 1 && r[0] === '');
  return rows.slice(start + 1, end < 0 ? undefined : end);
}

async function readXlsx(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

/** The rows below the bold header row of a sheet (the header found by its first cell). */
function sheetRows(sheet: ExcelJS.Worksheet, firstHeader: string): { header: number; rows: unknown[][] } {
  let header = 0;
  sheet.eachRow((row, n) => {
    if (!header && row.getCell(1).value === firstHeader && row.getCell(1).font?.bold) header = n;
  });
  const rows: unknown[][] = [];
  for (let n = header + 1; n <= sheet.rowCount; n += 1) rows.push((sheet.getRow(n).values as unknown[]).slice(1));
  return { header, rows };
}

t.test('the budget export: figures equal the JSON budget, CSV with a BOM and £, xlsx formatted for A4', async (t) => {
  const { as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  const budget = (await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/budget?asOf=${AS_OF}` })).json();

  const csvAnswer = await as('head_of_service', { method: 'GET', url: `/v1/young-people/${person.id}/budget/export?format=csv&asOf=${AS_OF}` });
  t.equal(csvAnswer.statusCode, 200);
  t.match(csvAnswer.headers['content-type'], /^text\/csv; charset=utf-8/);
  t.match(csvAnswer.headers['content-disposition'], new RegExp(`^attachment; filename="pathcast-budget-${person.reference}-${AS_OF}\\.csv"$`));
  const raw = csvAnswer.rawPayload;
  t.same([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
  const text = raw.subarray(3).toString('utf8');
  t.ok(text.includes('£'), 'pounds as £');
  t.notOk(text.includes(person.id), 'no id in the file');
  t.ok(text.includes(person.reference), 'the pseudonymous reference says whose it is');
  t.match(text, /From 1 December 2026 to 30 November 2027 \(365 days\)/, 'UK dates');

  const rows = parseCsv(text);
  const byAgency = section(rows, 'Budget by agency');
  t.same(byAgency[0], ['Paid by', 'Amount']);
  t.same(byAgency.slice(1).map((r) => parsePounds(r[1])), [...budget.byAgency.map((a: { amount: number }) => a.amount), budget.total]);
  const byYear = section(rows, 'Budget by financial year');
  t.same(byYear.slice(1).map((r) => [r[0], parsePounds(r[1])]), [...budget.byFinancialYear.map((y: { financialYear: string; amount: number }) => [y.financialYear, y.amount]), ['Total', budget.total]]);
  const lines = section(rows, 'Budget by line').slice(1);
  const expected = budget.lines.flatMap((l: { byFinancialYear: Array<{ financialYear: string; days: number; amount: number }> }) => l.byFinancialYear.map((y) => [y.financialYear, String(y.days), y.amount]));
  t.same(lines.map((r) => [r[5], r[6], parsePounds(r[7])]), expected);
  // By hand: £6,800 a week, 1 December 2026 to 31 March 2027 is 121 days: 6,800 × 121 ÷ 7 = £117,542.857… → £117,542.86.
  t.equal(parsePounds(lines[0][7]), 117_542.86);
  t.equal(lines[0][0], 'Placement: Residential children’s home');
  t.equal(lines[0][2], '£6,800.00');

  const xlsxAnswer = await as('commissioning', { method: 'GET', url: `/v1/young-people/${person.id}/budget/export?format=xlsx&asOf=${AS_OF}` });
  t.equal(xlsxAnswer.statusCode, 200);
  t.equal(xlsxAnswer.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const workbook = await readXlsx(xlsxAnswer.rawPayload);
  t.same(workbook.worksheets.map((s) => s.name), ['Budget by line', 'Budget by agency', 'Budget by financial year']);
  const agencySheet = workbook.getWorksheet('Budget by agency') as ExcelJS.Worksheet;
  const { header, rows: agencyRows } = sheetRows(agencySheet, 'Paid by');
  t.same(agencyRows.map((r) => r[1]), [...budget.byAgency.map((a: { amount: number }) => a.amount), budget.total], 'the same figures, exactly');
  t.equal(agencySheet.getCell(header + 1, 2).numFmt, '£#,##0.00;-£#,##0.00');
  t.match(agencySheet.views[0], { state: 'frozen', xSplit: 0, ySplit: header }, 'header row frozen');
  t.equal(agencySheet.pageSetup.paperSize, 9, 'A4');
  t.equal(agencySheet.pageSetup.fitToPage, true);
  t.equal(agencySheet.pageSetup.fitToWidth, 1, 'fitted to the page width');
  for (const sheet of workbook.worksheets) {
    const values: string[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => values.push(String(cell.value))));
    t.notOk(values.some((v) => v.includes(person.id)), `${sheet.name}: no id`);
  }

  const audit = (await as('admin', { method: 'GET', url: `/v1/audit-events?action=young_person.budget_export&limit=100` })).json();
  t.same(
    audit.items.map((e: { resourceId: string; detail: { format: string } }) => [e.resourceId, e.detail.format]).sort(),
    [[person.id, 'csv'], [person.id, 'xlsx']],
    'each export audited',
  );
  t.notOk(JSON.stringify(audit).includes(person.reference), 'no reference in the audit log');
});

t.test('the projection export: plan totals equal the stored projection’s', async (t) => {
  const { as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  for (const plan of threePlans) await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan });
  const run = await as('head_of_service', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 200, seed: 7 } });
  t.equal(run.statusCode, 201);
  const projection = run.json();
  const plans = projection.result.plans as Array<{ name: string; total: { discounted: Record<string, number>; cash: Record<string, number> }; byFinancialYear: Array<{ financialYear: string; cash: Record<string, number> }> }>;

  const csv = await as('finance', { method: 'GET', url: `/v1/pathway-projections/${projection.id}/export?format=csv` });
  t.equal(csv.statusCode, 200);
  t.same([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const rows = parseCsv(csv.rawPayload.subarray(3).toString('utf8'));
  const totals = section(rows, 'Plan totals');
  t.same(totals[0], ['Plan', 'Basis', 'Expected (mean)', 'Best case (P10)', 'Median (P50)', 'Worst case (P90)', 'P5', 'P95']);
  const pennies = (x: number) => Math.round(x * 100) / 100;
  t.same(
    totals.slice(1).map((r) => [r[0], r[1], ...r.slice(2).map(parsePounds)]),
    plans.flatMap((p) => [
      [p.name, 'Present value', ...['mean', 'p10', 'p50', 'p90', 'p5', 'p95'].map((k) => pennies(p.total.discounted[k]))],
      [p.name, 'Cash', ...['mean', 'p10', 'p50', 'p90', 'p5', 'p95'].map((k) => pennies(p.total.cash[k]))],
    ]),
    'the CSV shows each figure to the penny',
  );
  // Savings can be negative (a plan dearer in some runs): read back as numbers, not text.
  const against = section(rows, 'Against the current course').slice(1);
  const comparisons = projection.result.comparisons as Array<{ plan: string; discounted: { saving: Record<string, number>; probabilityCheaper: number } }>;
  t.same(
    against.map((r) => [r[0], parsePounds(r[2]), parsePounds(r[3]), parsePounds(r[4]), Number(r[5])]),
    comparisons.map((c) => [c.plan, pennies(c.discounted.saving.mean), pennies(c.discounted.saving.p5), pennies(c.discounted.saving.p95), c.discounted.probabilityCheaper]),
  );

  // The money note: each basis's statement once, not labelled twice ("Present value: Present value:").
  const note = rows.find((r) => r[0].startsWith('Money in ')) ?? [''];
  const money = projection.result.money as { bases: { discounted: string; cash: string } };
  t.ok(money.bases.discounted.startsWith('Present value:') && money.bases.cash.startsWith('Cash:'), 'the statements name their basis themselves');
  t.notMatch(note[0], /Present value:\s*Present value:/, 'no doubled "Present value:"');
  t.notMatch(note[0], /Cash:\s*Cash:/, 'no doubled "Cash:"');
  t.equal(note[0].split('Present value:').length - 1, 1, '"Present value:" once');
  t.ok(note[0].endsWith(`. ${money.bases.discounted} ${money.bases.cash}`), 'both statements, as the JSON gives them');

  // Projected outcomes (issue 17): every figure of each plan's outcomesByYear, built here from the
  // JSON answer: per year, the three measures (EET only at ages 19 to 21, where it is defined).
  type MeanSe = { mean: number; se: number } | null;
  type OutcomeYear = { financialYear: string; ageOn31March: number; probabilityInCare: number; shareWithin20Miles: MeanSe; threeOrMorePlacementsShare: MeanSe; probabilityCareLeaver: number; eetShareOfCareLeaver: MeanSe };
  const outcomePlans = projection.result.plans as Array<{ name: string; outcomesByYear: OutcomeYear[] }>;
  const expectedOutcomes = outcomePlans.flatMap((p) =>
    p.outcomesByYear.flatMap((y) => [
      [p.name, y.financialYear, y.ageOn31March, 'within_20_miles', y.probabilityInCare, y.shareWithin20Miles?.mean ?? null, y.shareWithin20Miles?.se ?? null],
      [p.name, y.financialYear, y.ageOn31March, 'three_or_more_placements', y.probabilityInCare, y.threeOrMorePlacementsShare?.mean ?? null, y.threeOrMorePlacementsShare?.se ?? null],
      ...(y.ageOn31March >= 19 && y.ageOn31March <= 21 ? [[p.name, y.financialYear, y.ageOn31March, 'care_leavers_eet', y.probabilityCareLeaver, y.eetShareOfCareLeaver?.mean ?? null, y.eetShareOfCareLeaver?.se ?? null]] : []),
    ]),
  );
  // The person is 14: eleven years to 25, three plans, EET at 19, 20 and 21.
  t.equal(expectedOutcomes.length, 3 * (2 * outcomePlans[0].outcomesByYear.length + 3), 'three plans, two measures a year and EET for three years');
  t.ok(expectedOutcomes.filter((r) => r[3] === 'care_leavers_eet' && r[5] !== null).length > 0, 'some EET shares to read back');
  t.ok(expectedOutcomes.filter((r) => r[3] === 'within_20_miles' && r[5] !== null).length > 0, 'some shares within 20 miles to read back');
  const decimals = (x: number) => (String(x).split('.')[1] ?? '').length;
  t.ok(expectedOutcomes.every((r) => r.slice(4).every((v) => v === null || decimals(v as number) <= 6)), 'the JSON gives shares to 6 decimals: the export writes them unchanged');
  const outcomeSection = section(rows, 'Projected outcomes');
  t.same(outcomeSection[0], ['Plan', 'Financial year', 'At', 'Age on 31 March', 'Measure id', 'Measure', 'Chance of being counted', 'Share: mean', 'Share: standard error']);
  const cellNumber = (c: string) => (c === '' ? null : Number(c));
  t.same(
    outcomeSection.slice(1).map((r) => [r[0], r[1], Number(r[3]), r[4], cellNumber(r[6]), cellNumber(r[7]), cellNumber(r[8])]),
    expectedOutcomes,
    'the CSV’s projected outcomes equal the JSON’s, every figure',
  );
  t.same(
    outcomeSection.slice(1, 4).map((r) => [r[2], r[5]]),
    [
      [`31 March ${Number(outcomePlans[0].outcomesByYear[0].financialYear.slice(0, 4)) + 1}`, 'Looked after on 31 March: placed within 20 miles of home'],
      [`31 March ${Number(outcomePlans[0].outcomesByYear[0].financialYear.slice(0, 4)) + 1}`, 'Looked after on 31 March: three or more placements in the year'],
      [`31 March ${Number(outcomePlans[0].outcomesByYear[1].financialYear.slice(0, 4)) + 1}`, 'Looked after on 31 March: placed within 20 miles of home'],
    ],
    'the pack’s measure labels, at 31 March of each year',
  );

  const xlsx = await as('admin', { method: 'GET', url: `/v1/pathway-projections/${projection.id}/export?format=xlsx` });
  t.equal(xlsx.statusCode, 200);
  const workbook = await readXlsx(xlsx.rawPayload);
  t.same(workbook.worksheets.map((s) => s.name), ['Plan totals', 'By financial year', 'By agency', 'Against the current course', 'Projected outcomes']);
  const outcomeSheet = workbook.getWorksheet('Projected outcomes') as ExcelJS.Worksheet;
  const { header: outcomeHeader, rows: outcomeRows } = sheetRows(outcomeSheet, 'Plan');
  t.same(
    outcomeRows.map((r) => [r[0], r[1], r[3], r[4], r[6] ?? null, r[7] ?? null, r[8] ?? null]),
    expectedOutcomes,
    'the sheet holds the JSON’s projected outcomes exactly',
  );
  t.equal(outcomeSheet.getCell(outcomeHeader + 1, 8).numFmt, '0.0%', 'shares as percentages to one decimal');
  const { rows: totalRows } = sheetRows(workbook.getWorksheet('Plan totals') as ExcelJS.Worksheet, 'Plan');
  t.same(
    totalRows.map((r) => r.slice(2, 6)),
    plans.flatMap((p) => [['mean', 'p10', 'p50', 'p90'].map((k) => p.total.discounted[k]), ['mean', 'p10', 'p50', 'p90'].map((k) => p.total.cash[k])]),
    'the workbook holds the JSON figures exactly',
  );
  const { rows: yearRows } = sheetRows(workbook.getWorksheet('By financial year') as ExcelJS.Worksheet, 'Plan');
  t.same(yearRows.map((r) => [r[0], r[1], r[2]]), plans.flatMap((p) => p.byFinancialYear.map((y) => [p.name, y.financialYear, y.cash.mean])));

  const audit = (await as('admin', { method: 'GET', url: `/v1/audit-events?action=pathway_projection.export&limit=100` })).json();
  t.same(audit.items.map((e: { resourceId: string; detail: { format: string; youngPersonId: string } }) => [e.resourceId, e.detail.format, e.detail.youngPersonId]).sort(), [
    [projection.id, 'csv', person.id],
    [projection.id, 'xlsx', person.id],
  ]);
});

t.test('refusals: the board 403, no token 401, unknown ids 404, a bad format 400 naming the field; none audited', async (t) => {
  const { app, as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(12) })).json();
  const url = `/v1/young-people/${person.id}/budget/export?format=csv`;

  const board = await as('board', { method: 'GET', url });
  t.equal(board.statusCode, 403);
  t.match(board.headers['content-type'], /^application\/problem\+json/);
  t.equal((await as('board', { method: 'GET', url: `/v1/pathway-projections/${NIL_ID}/export?format=xlsx` })).statusCode, 403);
  const anonymous = await app.inject({ method: 'GET', url });
  t.equal(anonymous.statusCode, 401);
  t.match(anonymous.headers['content-type'], /^application\/problem\+json/);

  for (const missing of [`/v1/young-people/${NIL_ID}/budget/export?format=csv`, `/v1/pathway-projections/${NIL_ID}/export?format=csv`]) {
    const answer = await as('finance', { method: 'GET', url: missing });
    t.equal(answer.statusCode, 404, missing);
    t.match(answer.headers['content-type'], /^application\/problem\+json/);
  }
  for (const bad of [`/v1/young-people/${person.id}/budget/export?format=pdf`, `/v1/young-people/${person.id}/budget/export`]) {
    const answer = await as('finance', { method: 'GET', url: bad });
    t.equal(answer.statusCode, 400, bad);
    t.match(answer.headers['content-type'], /^application\/problem\+json/);
    t.match(JSON.stringify(answer.json()), /format/, 'names the field');
  }
  // A year before 1900 would be printed as 19xx by Date.UTC's two-digit rule: refused, naming asOf.
  for (const asOf of ['0001-01-01', '0099-06-01']) {
    const answer = await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/budget/export?format=csv&asOf=${asOf}` });
    t.equal(answer.statusCode, 400, asOf);
    t.match(JSON.stringify(answer.json()), /asOf/, 'names asOf');
  }
  const audit = (await as('admin', { method: 'GET', url: '/v1/audit-events?action=young_person.budget_export&limit=100' })).json();
  t.same(audit.items, [], 'refused exports leave no event');
});
