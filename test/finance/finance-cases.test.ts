import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';

/**
 * The finance cases of issue 12 (test/fixtures/finance-cases/NOTE.md, copied from the audit),
 * through the HTTP API on whichever back end the suite runs on (PGlite, or PostgreSQL with
 * DATABASE_URL).
 */
const CASES = path.resolve(import.meta.dirname, '../fixtures/finance-cases');
const csvHeaders = { 'content-type': 'text/csv; charset=utf-8' };
const csvLines = readFileSync(path.join(CASES, 'young-people.csv'), 'utf8').trim().split(/\r?\n/);
const csvRow = (reference: string) => {
  const row = csvLines.find((line) => line.startsWith(`${reference},`));
  if (!row) throw new Error(`no row ${reference} in the fixture`);
  return `${csvLines[0]}\n${row}\n`;
};

t.test('FC-F1: a price change inside the budget window is recorded and charged from its date', async (t) => {
  const { as } = await buildTestApp(t);
  const imported = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: csvRow('FC-F1'), headers: csvHeaders });
  t.equal(imported.statusCode, 201, imported.body.slice(0, 300));
  const id = imported.json().items[0].id;
  const record = (await as('finance', { method: 'GET', url: `/v1/young-people/${id}` })).json();
  t.same(record.placement.weeklyPrice, 1234.56);
  t.equal(record.placement.startDate, '2026-06-01', 'the UK date 01/06/2026 read as 1 June');

  // The provider's uplift to £1,296.29 a week from 1 April 2027, recorded as a dated change.
  const patched = await as('finance', {
    method: 'PATCH',
    url: `/v1/young-people/${id}`,
    payload: { version: record.version, placement: { ...record.placement, priceChanges: [{ from: '2027-04-01', weeklyPrice: 1296.29 }] } },
  });
  t.equal(patched.statusCode, 200, patched.body.slice(0, 300));

  const budget = (await as('finance', { method: 'GET', url: `/v1/young-people/${id}/budget?asOf=2026-12-01` })).json();
  // NOTE.md: 2026-27: 121 days at £1,234.56 = £21,340.25; 2027-28: 244 days at £1,296.29 = £45,184.97.
  t.same(
    budget.byFinancialYear.map((y: { financialYear: string; amount: number }) => [y.financialYear, y.amount]),
    [
      ['2026-27', 21340.25],
      ['2027-28', 45184.97],
    ],
  );
  t.equal(budget.total, 66525.22, 'total £66,525.22, not £67,592.27 (the whole window at the new price)');
  t.same(
    budget.lines.map((l: { weeklyCost: number; from: string; until: string; days: number; amount: number }) => [l.weeklyCost, l.from, l.until, l.days, l.amount]),
    [
      [1234.56, '2026-12-01', '2027-03-31', 121, 21340.25],
      [1296.29, '2027-04-01', '2027-11-30', 244, 45184.97],
    ],
  );

  // Changes out of order, before the placement began, or in fractions of a penny are refused by name.
  const current = (await as('finance', { method: 'GET', url: `/v1/young-people/${id}` })).json();
  const bad = await as('finance', {
    method: 'PATCH',
    url: `/v1/young-people/${id}`,
    payload: {
      version: current.version,
      placement: { ...current.placement, priceChanges: [{ from: '2026-05-01', weeklyPrice: 1300 }, { from: '2027-04-01', weeklyPrice: 1296.295 }] },
    },
  });
  t.equal(bad.statusCode, 422);
  const fields = bad.json().errors.map((e: { field: string }) => e.field);
  t.ok(fields.includes('body/placement/priceChanges/0/from'), `names the early change (${fields.join(', ')})`);
  t.ok(fields.includes('body/placement/priceChanges/1/weeklyPrice'), 'names the sub-penny price');
  const after = (await as('finance', { method: 'GET', url: `/v1/young-people/${id}/budget?asOf=2026-12-01` })).json();
  t.equal(after.total, 66525.22, 'nothing was written');
});

t.test('FC-F4: a weekly price of 6999.995 is refused, naming the row and column', async (t) => {
  const { app, as } = await buildTestApp(t);
  const whole = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: readFileSync(path.join(CASES, 'young-people.csv'), 'utf8'), headers: csvHeaders });
  t.equal(whole.statusCode, 422, 'the file with FC-F4 in it is refused whole');
  t.same(
    whole.json().errors.map((e: { row: number; field: string }) => [e.row, e.field]),
    [[2, 'placement_weekly_price']],
  );
  t.match(whole.json().errors[0].reason, /fraction of a penny/);
  const stored = await app.db.selectFrom('young_people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.equal(Number(stored.n), 0, 'nothing stored');

  // The same through JSON: 422 naming body/placement/weeklyPrice.
  const json = await as('finance', {
    method: 'POST',
    url: '/v1/young-people',
    payload: {
      reference: 'FC-F4',
      birthYear: 2010,
      birthMonth: 1,
      legalStatus: 'care_order',
      tier: 4,
      careState: 'residential',
      needsProfile: {},
      placement: { type: 'residential', provider: 'private', weeklyPrice: 6999.995, startDate: '2026-04-01' },
      services: [],
    },
  });
  t.equal(json.statusCode, 422);
  t.same(
    json.json().errors.map((e: { field: string }) => e.field),
    ['body/placement/weeklyPrice'],
  );
});

t.test('paired-saving-basis: the chance and the saving on the same basis, each basis labelled', async (t) => {
  const { as } = await buildTestApp(t);
  const body = JSON.parse(readFileSync(path.join(CASES, 'paired-saving-basis.json'), 'utf8'));
  const response = await as('finance', { method: 'POST', url: '/v1/projections', payload: body });
  t.equal(response.statusCode, 200, response.body.slice(0, 400));
  const result = response.json();
  const [comparison] = result.comparisons;
  t.equal(comparison.plan, 'Delay');
  t.equal(comparison.discounted.probabilityCheaper, 1, '100% cheaper in present value');
  t.equal(comparison.cash.probabilityCheaper, 0, '0% cheaper in cash');
  // The amounts, worked by hand: 15 financial years from April 2027 (age 10 to 25); "As now" pays
  // £700 a week every year, "Delay" nothing for two years then £820 a week; discount 3.5% a year.
  // Weekly prices are charged by days ÷ 7, the budget's rule (issue 12), so a year is 365 or 366
  // days. NOTE.md's £9,454 and −£8,320 are the same case under the old 52-weeks-a-year rule;
  // both are reproduced below, and the answer is the days ÷ 7 one (each year's cash is rounded to
  // the penny before summing, hence a tolerance of a few pence).
  const handWorked = (daysOf: (fy: number) => number) => {
    let pv = 0;
    let cash = 0;
    for (let y = 0; y < 15; y++) {
      const asNow = (700 * daysOf(2027 + y)) / 7;
      const delay = y < 2 ? 0 : (820 * daysOf(2027 + y)) / 7;
      cash += asNow - delay;
      pv += (asNow - delay) / 1.035 ** y;
    }
    return { pv, cash };
  };
  const daysInFinancialYear = (fy: number) => (Date.UTC(fy + 1, 3, 1) - Date.UTC(fy, 3, 1)) / 86_400_000;
  const weeks52 = handWorked(() => 364);
  t.equal(Math.round(weeks52.pv), 9454, 'NOTE.md’s present-value saving under 52 weeks a year');
  t.equal(Math.round(weeks52.cash), -8320, 'NOTE.md’s cash figure under 52 weeks a year');
  const byDays = handWorked(daysInFinancialYear);
  t.ok(Math.abs(comparison.discounted.saving.mean - byDays.pv) < 0.05, `PV saving ${comparison.discounted.saving.mean} = ${byDays.pv.toFixed(2)} (days ÷ 7)`);
  t.ok(Math.abs(comparison.cash.saving.mean - byDays.cash) < 0.05, `cash saving ${comparison.cash.saving.mean} = ${byDays.cash.toFixed(2)} (days ÷ 7)`);
  t.ok(comparison.discounted.saving.mean > 0 && comparison.cash.saving.mean < 0, 'saves in present value, costs more in cash');
  t.match(comparison.discounted.statement, /^In present value, Delay costs less than As now in 100% of runs; expected saving £9,500, 90% interval £9,500 to £9,500\.$/);
  t.match(comparison.cash.statement, /^In cash \(undiscounted\), Delay costs less than As now in 0% of runs; expected extra cost £8,300, 90% interval £8,300 to £8,300\.$/);
  t.equal(result.money.priceBase, '2024-25');
  t.equal(result.money.currency, 'GBP');
});
