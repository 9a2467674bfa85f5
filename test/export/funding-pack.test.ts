import ExcelJS from 'exceljs';
import t from 'tap';
import { buildScenarioPack } from '../../src/export/pack.ts';
import type { PackRun } from '../../src/export/pack-input.ts';
import { scenarioResultView } from '../../src/finance/scenario-view.ts';
import { formatPounds } from '../../src/services/wording.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { members, packRun, pdfPages, reportSection, scenarioSpec, text, unzip } from './fixtures.ts';

/**
 * The pack of a run with a funding arrangement (issue 16): a Funding sheet (and its CSV) holding
 * the run answer's figures exactly, a funding page in the report, and the disclosure rule applied
 * (money for a group of fewer than 5 children withheld).
 */

const createdAt = new Date('2026-11-24T10:30:00Z');
const software = { name: 'pathcast', version: '0.1.0' };
const RUN = 'cccccccc-3333-4333-8333-333333333333';

export const funding: NonNullable<ScenarioSpec['funding']> = {
  organisations: [
    { id: 'council', name: 'Borough council', holds: [{ agency: 'childrens_social_care', share: 1 }, { agency: 'education', share: 1 }, { agency: 'housing', share: 1 }, { agency: 'youth_justice', share: 1 }] },
    { id: 'icb', name: 'Integrated care board', holds: [{ agency: 'health', share: 1 }] },
  ],
  pooledBudget: { services: ['mst'], annualBudget: 100000, partners: [{ organisation: 'council', contribution: 0.7, riskShare: 0.8 }, { organisation: 'icb', contribution: 0.3, riskShare: 0.2 }] },
  outcomesContracts: [{ id: 'mst-sib', services: ['mst'], outcome: 'care_weeks_avoided', pricePerOutcome: 500, basis: 'modelled_counterfactual', cap: 400000, paymentLagYears: 1, contractYears: 3 }],
  reinvestment: { share: 0.5 },
  income: [
    { id: 'dfe-grant', kind: 'grant', to: 'council', amounts: [{ year: '2026-27', amount: 50000 }], condition: { commissions: 'mst' } },
    { id: 'families-pbr', kind: 'payment_by_results', to: 'council', outcome: 'care_weeks_avoided', ratePerOutcome: 100, basis: 'modelled_counterfactual', measurementYears: 3 },
  ],
};

const cohort = members(40);
const run = await packRun(scenarioSpec({ id: 'funded', name: 'MST, pooled and outcomes-funded', funding }), cohort, { runs: 40, seed: 3, runId: RUN });

type SheetValue = string | number | null;

async function sheetRows(data: Uint8Array, name: string): Promise<SheetValue[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(data) as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}: ${workbook.worksheets.map((s) => s.name).join(', ')}`);
  const width = sheet.getRow(1).cellCount;
  const rows: SheetValue[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    rows.push(Array.from({ length: width }, (_, c) => (row.getCell(c + 1).value ?? null) as SheetValue));
  });
  return rows;
}

async function build(runs: PackRun[]) {
  const pack = await buildScenarioPack({ runs, createdAt, software });
  return unzip(pack.zip);
}

/** The line of the Funding sheet for a party and measure (and year), as [mean, P5, P10, P50, P90, P95]. */
function figures(rows: SheetValue[][], party: string, measure: string, year = ''): SheetValue[] {
  const row = rows.find((r) => r[1] === party && String(r[2]).startsWith(measure) && (r[3] ?? '') === year);
  if (!row) throw new Error(`no line ${party} / ${measure} / ${year}`);
  return row.slice(5, 11);
}

t.test('a run with funding: the Funding sheet holds the run answer’s figures exactly', async (t) => {
  t.ok(run.result.funding, 'the run has funding results');
  const files = await build([run]);
  t.ok(files['tables/funding.csv'], 'the sheet as CSV too');
  const rows = await sheetRows(files['workbook.xlsx'], 'Funding');
  // A pack of one run has no run column (issue 18): the run is named once, on the Summary sheet.
  t.same(rows[0], ['Section', 'Party', 'Measure', 'Financial year', 'Unit', 'Mean', 'P5', 'P10', 'P50', 'P90', 'P95']);
  // The figures as the run answer gives them (rounded once at the edge).
  const f = scenarioResultView(run.result).funding as NonNullable<PackRun['result']['funding']>;
  const six = (s: { mean: number; p5: number; p10: number; p50: number; p90: number; p95: number }) => [s.mean, s.p5, s.p10, s.p50, s.p90, s.p95];
  for (const o of f.organisations) {
    t.same(figures(rows, o.name, 'Net (present value)'), six(o.presentNet), `${o.name}: net`);
    t.same(figures(rows, o.name, 'Present costs'), six(o.presentCosts), `${o.name}: costs`);
    t.same(figures(rows, o.name, 'Net in the year', o.netByYear[1].financialYear), six(o.netByYear[1].net), `${o.name}: a year's net`);
  }
  // Hand check: the organisations' means sum to the scenario's NPV mean, within a penny. Each
  // run's organisation figures are whole pence summing to that run's rounded total, and the NPV
  // mean is folded separately from the same run's unrounded flows: a run whose total sits on a
  // half penny (floating-point noise) can put the two means a penny apart, never more (a wrong
  // split between organisations is pounds out).
  const npv = scenarioResultView(run.result).investToSave.netPresentValue.mean;
  const organisations = Math.round(f.organisations.reduce((sum, o) => sum + o.presentNet.mean * 100, 0));
  t.ok(Math.abs(organisations - Math.round(npv * 100)) <= 1, `organisations sum to the NPV within a penny (${organisations} and ${Math.round(npv * 100)} pence)`);

  const pool = f.pooledBudget as NonNullable<typeof f.pooledBudget>;
  for (const p of pool.partners) {
    t.same(figures(rows, p.name, 'Net position (present value)'), six(p.presentNet), `${p.name}: net position`);
    t.equal(figures(rows, p.name, 'Contribution share')[0], p.contribution);
  }
  t.same(figures(rows, 'The pool', 'Spend', pool.byYear[0].financialYear), six(pool.byYear[0].spend));
  t.equal(figures(rows, 'The pool', 'Planned budget', pool.byYear[0].financialYear)[0], 100000);

  const c = f.outcomesContracts[0];
  t.same(figures(rows, 'Commissioner', 'Net saving after payments'), six(c.commissionerPresentNet), 'commissioner');
  t.same(figures(rows, 'Investor', 'Net (present value)'), six(c.investorPresentNet), 'investor');
  t.same(figures(rows, 'Commissioner', 'Outcome payments'), six(c.payments));
  t.equal(figures(rows, 'Investor', 'Money multiple')[0], c.moneyMultiple ?? 'not defined');
  t.equal(figures(rows, 'Investor', 'Chance of losing money')[0], c.probabilityInvestorLoses);
  if (c.irr.summary) t.same(figures(rows, 'Investor', 'Internal rate of return'), six(c.irr.summary), 'IRR, to 6 decimals as the answer gives it');
  t.equal(figures(rows, 'Commissioner', 'Price per outcome')[0], 500);
  t.equal(figures(rows, 'Price bounds', 'Delivery cost per outcome')[0], c.priceBounds.deliveryCostPerOutcome ?? 'not defined');
  // The commissioner's and the investor's means sum to the scenario's NPV (to a penny each side's rounding).
  t.ok(Math.abs(c.commissionerPresentNet.mean + c.investorPresentNet.mean - npv) <= 0.011, 'commissioner + investor = NPV');

  // Income: the grant as received (its condition met), payment by results, and the net after income.
  const grant = f.income.find((line) => line.id === 'dfe-grant') as (typeof f.income)[number];
  t.equal(grant.conditionMet, true, 'the strategy commissions MST');
  t.equal(grant.received.mean, 50000, 'hand check: the grant, received in full');
  t.same(figures(rows, 'Borough council', 'Received (cash)').slice(0, 1), [50000], 'the grant on the sheet');
  const pbr = f.income.find((line) => line.id === 'families-pbr') as (typeof f.income)[number];
  t.same(figures(rows.filter((row) => String(row[0]).startsWith('Income families-pbr')), 'Borough council', 'Received (present value)'), six(pbr.presentValue));
  t.same(figures(rows, 'Borough council', 'Net after income (present value)'), six(f.organisations[0].presentNetAfterIncome));
  t.same(figures(rows, 'All', 'Net after income'), six(f.netAfterIncome));

  const r = f.reinvestment as NonNullable<typeof f.reinvestment>;
  t.same(figures(rows, 'All', 'Reinvested (present value)'), six(r.presentReinvested));
  t.equal(figures(rows, 'All', 'Share of each year')[0], 0.5);

  // Money in a whole-pound currency format; the IRR as a percentage.
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(files['workbook.xlsx']) as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('Funding') as ExcelJS.Worksheet;
  const at = (party: string, measure: string) => rows.findIndex((row) => row[1] === party && String(row[2]).startsWith(measure)) + 1;
  t.equal(sheet.getCell(at('Investor', 'Net (present value)'), 6).numFmt, '"£"#,##0;-"£"#,##0');
  t.equal(sheet.getCell(at('Investor', 'Chance of losing money'), 6).numFmt, '0%');
  const names = workbook.worksheets.map((s) => s.name);
  t.equal(names.indexOf('Funding'), names.indexOf('Net by year') + 1, 'after the invest-to-save sheets');
});

t.test('the report has a funding page with who pays, who gains, commissioner and investor', async (t) => {
  const files = await build([run]);
  const pages = await pdfPages(files['report.pdf']);
  const page = reportSection(pages, /who pays and who gains/, /About this pack/);
  t.match(page, /who pays and who gains/);
  t.match(page, /Borough council/);
  t.match(page, /Integrated care board/);
  t.match(page, /Pooled budget for mst/);
  t.match(page, /Outcomes contracts: commissioner and investor side by side/);
  t.match(page, /Reinvestment/);
  t.match(page, /Net after income/);
  t.match(page, /dfe-grant \(grant\) to Borough council/);
  const f = scenarioResultView(run.result).funding as NonNullable<PackRun['result']['funding']>;
  t.ok(page.includes(formatPounds(f.organisations[0].presentNet.mean)), 'the council’s expected net');
  t.ok(page.includes(formatPounds(f.outcomesContracts[0].commissionerPresentNet.mean)), 'the commissioner’s net');
  t.ok(page.includes(formatPounds(f.outcomesContracts[0].investorPresentNet.mean)), 'the investor’s net');
  t.match(reportSection(pages, /About this pack/), /Runs in this pack/, 'after the funding section');
  const irr = f.outcomesContracts[0].irr;
  t.ok(irr.summary, 'the IRR is defined in some runs');
  t.ok(page.includes(`${((irr.summary?.p50 ?? 0) * 100).toFixed(1)}% over ${irr.runsWithIrr} of 40 runs`), `the IRR median says it covers ${irr.runsWithIrr} of the 40 runs`);
});

t.test('a run without funding has no Funding sheet and no funding page', async (t) => {
  const plain = await packRun(scenarioSpec(), members(12), { runs: 10, seed: 3, runId: RUN });
  const files = await build([plain]);
  t.notOk(files['tables/funding.csv']);
  t.notMatch((await pdfPages(files['report.pdf'])).join('\n'), /who pays and who gains/);
});

t.test('disclosure: a pooled and contracted service started by fewer than 5 children has its money withheld', async (t) => {
  // Two places a year on a cohort of 12 over three years: fewer than 5 children start MST.
  const small = await packRun(
    scenarioSpec({ id: 'funded-small', name: 'Small MST, funded', strategy: { name: 'MST', interventions: [{ id: 'mst', capacityPerYear: 1, oneOffPrice: 9500 }] }, funding }),
    members(12),
    { runs: 20, seed: 3, runId: RUN },
  );
  const delivered = small.result.interventions.find((iv) => iv.intervention === 'mst')?.delivered.mean ?? 0;
  t.ok(delivered > 0 && delivered < 5, `fewer than 5 start MST (${delivered})`);
  const files = await build([small]);
  const rows = await sheetRows(files['workbook.xlsx'], 'Funding');
  const f = small.result.funding as NonNullable<PackRun['result']['funding']>;
  t.same(figures(rows, 'The pool', 'Spend', f.pooledBudget?.byYear[0].financialYear), Array(6).fill('withheld'), 'the pool’s spend');
  t.same(figures(rows, 'Borough council', 'Net position (present value)'), Array(6).fill('withheld'), 'a partner’s net');
  t.same(figures(rows, 'Investor', 'Funded'), Array(6).fill('withheld'), 'the investor’s funding');
  t.same(figures(rows, 'Investor', 'Net (present value)'), Array(6).fill('withheld'));
  t.same(figures(rows, 'Commissioner', 'Net saving after payments'), Array(6).fill('withheld'));
  t.equal(figures(rows, 'Investor', 'Money multiple')[0], 'withheld');
  t.equal(figures(rows, 'Investor', 'Internal rate of return')[0], 'withheld');
  t.equal(figures(rows, 'Commissioner', 'Price per outcome')[0], 500, 'the price is an input: shown');
  t.equal(figures(rows, 'The pool', 'Planned budget', f.pooledBudget?.byYear[0].financialYear)[0], 100000, 'so is the planned budget');
  // Organisations are shares of the agencies' flows (shown on the Invest to save sheet): shown.
  t.equal(typeof figures(rows, 'Borough council', 'Net (present value)')[0], 'number');
  const csv = text(files['tables/funding.csv']);
  t.match(csv, /withheld/);
  const pages = await pdfPages(files['report.pdf']);
  const section = reportSection(pages, /who pays and who gains/, /About this pack/);
  t.match(section, /withheld/);
  t.match(section, /fewer than 5 children start mst/);
});

t.test('the who-pays page shows every organisation’s money figures whole (none wrapped mid-figure)', async (t) => {
  // A grant in the millions, as in scenarios/edge-of-care-grant-pbr.json, makes 7-digit income and net-after-income figures.
  const big = { ...funding, income: [{ ...funding.income![0], amounts: [{ year: '2026-27', amount: 3_180_000 }] }, funding.income![1]] };
  const run = await packRun(scenarioSpec({ id: 'funded-big', name: 'MST with a large grant', funding: big }), cohort, { runs: 20, seed: 3, runId: RUN });
  const files = await build([run]);
  const page = reportSection(await pdfPages(files['report.pdf']), /who pays and who gains/, /About this pack/);
  // pdf.js gives one text item per drawn line; a figure wrapped inside its cell would split into two tokens.
  const tokens = new Set(page.split(/\s+/));
  const f = scenarioResultView(run.result).funding as NonNullable<PackRun['result']['funding']>;
  for (const o of f.organisations) {
    const shown = {
      costs: o.presentCosts.mean,
      benefits: o.presentBenefits.mean,
      net: o.presentNet.mean,
      p5: o.presentNet.p5,
      p95: o.presentNet.p95,
      income: o.presentIncome?.mean,
      'net after income': o.presentNetAfterIncome?.mean,
    };
    for (const [what, value] of Object.entries(shown)) {
      t.ok(typeof value === 'number', `${o.name}: ${what} is shown`);
      t.ok(tokens.has(formatPounds(value as number)), `${o.name}: ${what} ${formatPounds(value as number)} appears whole`);
    }
  }
});

t.test('the Assumptions sheet and assumptions.csv list every funding input with its value', async (t) => {
  const files = await build([run]);
  const rows = await sheetRows(files['workbook.xlsx'], 'Assumptions');
  const col = (header: string) => rows[0].indexOf(header);
  const byId = new Map(rows.slice(1).filter((r) => r[col('Part')] === 'scenario').map((r) => [String(r[col('Input id')]), r]));
  const at = (id: string) => {
    const row = byId.get(id);
    if (!row) throw new Error(`no funding input ${id}`);
    t.match(String(row[col('Group')]), /^Funding: /, `${id} in a Funding group`);
    return { value: row[col('Value')], central: row[col('Central value')] };
  };
  // Every input of the worked funding above, by hand.
  t.equal(at('council:name').value, 'Borough council');
  t.same(at('council:childrens_social_care'), { value: '100%', central: 1 });
  t.same(at('icb:health'), { value: '100%', central: 1 });
  t.equal(at('pool:services').value, 'mst');
  t.same(at('pool:annualBudget'), { value: '£100,000', central: 100000 });
  t.same(at('pool:council:contribution'), { value: '70%', central: 0.7 });
  t.same(at('pool:council:riskShare'), { value: '80%', central: 0.8 });
  t.same(at('pool:icb:contribution'), { value: '30%', central: 0.3 });
  t.same(at('pool:icb:riskShare'), { value: '20%', central: 0.2 });
  t.equal(at('mst-sib:services').value, 'mst');
  t.equal(at('mst-sib:outcome').value, 'care_weeks_avoided');
  t.same(at('mst-sib:pricePerOutcome'), { value: '£500', central: 500 });
  t.equal(at('mst-sib:basis').value, 'modelled counterfactual');
  t.same(at('mst-sib:cap'), { value: '£400,000', central: 400000 });
  t.same(at('mst-sib:paymentLagYears'), { value: '1', central: 1 });
  t.same(at('mst-sib:contractYears'), { value: '3', central: 3 });
  t.same(at('dfe-grant:amount_2026-27'), { value: '£50,000', central: 50000 });
  t.equal(at('dfe-grant:condition').value, 'Received only if the strategy commissions mst');
  t.equal(at('families-pbr:kind').value, 'payment by results');
  t.same(at('families-pbr:ratePerOutcome'), { value: '£100', central: 100 });
  t.equal(at('families-pbr:basis').value, 'modelled counterfactual');
  t.same(at('families-pbr:measurementYears'), { value: '3', central: 3 });
  t.same(at('reinvestment:share'), { value: '50%', central: 0.5 });
  const csv = text(files['tables/assumptions.csv']);
  t.match(csv, /Funding: outcomes contract mst-sib/, 'in the CSV too');
  t.match(csv, /Received only if the strategy commissions mst/);
});

t.test('the Funding sheet’s Measure column is as wide as its longest label', async (t) => {
  const files = await build([run]);
  const rows = await sheetRows(files['workbook.xlsx'], 'Funding');
  const longest = Math.max(...rows.slice(1).map((r) => String(r[2] ?? '').length));
  t.ok(longest > 60, `some labels are longer than the old cap of 60 (${longest})`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(files['workbook.xlsx']) as unknown as ArrayBuffer);
  const width = (workbook.getWorksheet('Funding') as ExcelJS.Worksheet).getColumn(3).width ?? 0;
  t.ok(width >= longest, `Measure column width ${width} >= longest label ${longest}`);
});
