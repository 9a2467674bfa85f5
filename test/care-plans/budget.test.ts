import fc from 'fast-check';
import t from 'tap';
import { immediateBudget } from '../../src/services/pathway-budget.ts';
import { buildTestApp } from '../helpers/app.ts';
import { residentialAged } from './fixtures.ts';

/**
 * The window from 24 November 2026 is 24 Nov 2026 to 23 Nov 2027 (365 days):
 *   2026-27: 24-30 Nov 7 + Dec 31 + Jan 31 + Feb 28 + Mar 31 = 128 days
 *   2027-28: Apr 30 + May 31 + Jun 30 + Jul 31 + Aug 31 + Sep 30 + Oct 31 + 1-23 Nov 23 = 237 days
 *
 * Placement, residential at £6,800 a week, to children's social care:
 *   2026-27: 6800 × 128 / 7 = 124,342.857… → £124,342.86
 *   2027-28: 6800 × 237 / 7 = 230,228.571… → £230,228.57
 * Therapeutic support, £250 a week, open-ended, children's social care:
 *   2026-27: 250 × 128 / 7 = 4,571.428… → £4,571.43
 *   2027-28: 250 × 237 / 7 = 8,464.285… → £8,464.29
 * CAMHS, £75.50 a week to health, ending 31 March 2027 (inclusive):
 *   2026-27: 75.5 × 128 / 7 = 1,380.571… → £1,380.57; nothing in 2027-28
 * Education support, £120 a week to education, 10 January to 30 June 2027:
 *   2026-27: Jan 22 + Feb 28 + Mar 31 = 81 days: 120 × 81 / 7 = 1,388.571… → £1,388.57
 *   2027-28: Apr 30 + May 31 + Jun 30 = 91 days: 120 × 91 / 7 = £1,560.00
 * Youth justice support that ended on 31 December 2025: outside the window, no line.
 *
 * By agency: children's social care 124,342.86 + 230,228.57 + 4,571.43 + 8,464.29 = 367,607.15;
 * health 1,380.57; education 1,388.57 + 1,560.00 = 2,948.57. Total 371,936.29.
 * By year: 2026-27 = 124,342.86 + 4,571.43 + 1,380.57 + 1,388.57 = 131,683.43;
 * 2027-28 = 230,228.57 + 8,464.29 + 1,560.00 = 240,252.86.
 */
const services = [
  { name: 'Therapeutic support', weeklyCost: 250, fundingAgency: 'childrens_social_care' as const, startDate: '2025-07-01' },
  { name: 'CAMHS therapy', weeklyCost: 75.5, fundingAgency: 'health' as const, startDate: '2025-09-01', endDate: '2027-03-31' },
  { name: 'Education support', weeklyCost: 120, fundingAgency: 'education' as const, startDate: '2027-01-10', endDate: '2027-06-30' },
  { name: 'Youth offending support', weeklyCost: 99, fundingAgency: 'youth_justice' as const, startDate: '2025-01-01', endDate: '2025-12-31' },
];

t.test('getPathwayBudget matches the hand calculation, by agency and by financial year', async (t) => {
  const { as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14, { services }) })).json();
  const response = await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/budget?asOf=2026-11-24` });
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  const budget = response.json();
  t.equal(budget.from, '2026-11-24');
  t.equal(budget.until, '2027-11-23');
  t.equal(budget.days, 365);
  t.equal(budget.total, 371936.29);
  t.same(budget.byAgency, [
    { agency: 'childrens_social_care', amount: 367607.15 },
    { agency: 'education', amount: 2948.57 },
    { agency: 'health', amount: 1380.57 },
  ]);
  t.same(budget.byFinancialYear, [
    {
      financialYear: '2026-27',
      amount: 131683.43,
      byAgency: [
        { agency: 'childrens_social_care', amount: 128914.29 },
        { agency: 'education', amount: 1388.57 },
        { agency: 'health', amount: 1380.57 },
      ],
    },
    {
      financialYear: '2027-28',
      amount: 240252.86,
      byAgency: [
        { agency: 'childrens_social_care', amount: 238692.86 },
        { agency: 'education', amount: 1560 },
      ],
    },
  ]);
  t.same(
    budget.lines.map((l: { kind: string; name: string; days: number; amount: number; from: string; until: string }) => [l.kind, l.name, l.from, l.until, l.days, l.amount]),
    [
      ['placement', 'residential', '2026-11-24', '2027-11-23', 365, 354571.43],
      ['service', 'Therapeutic support', '2026-11-24', '2027-11-23', 365, 13035.72],
      ['service', 'CAMHS therapy', '2026-11-24', '2027-03-31', 128, 1380.57],
      ['service', 'Education support', '2027-01-10', '2027-06-30', 172, 2948.57],
    ],
  );
  t.same(budget.lines[0].byFinancialYear, [
    { financialYear: '2026-27', days: 128, amount: 124342.86 },
    { financialYear: '2027-28', days: 237, amount: 230228.57 },
  ]);

  t.equal((await as('commissioning', { method: 'GET', url: `/v1/young-people/${person.id}/budget` })).statusCode, 200, 'today by default');
  t.equal((await as('head_of_service', { method: 'GET', url: `/v1/young-people/${person.id}/budget` })).statusCode, 200);
  t.equal((await as('board', { method: 'GET', url: `/v1/young-people/${person.id}/budget` })).statusCode, 403, 'the board never sees an individual budget');
  t.equal((await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/budget?asOf=2026-13-01` })).statusCode, 400);
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people/00000000-0000-4000-8000-000000000000/budget' })).statusCode, 404);
});

t.test('a window over 29 February has 366 days; a young person at home has only services', async (t) => {
  const budget = immediateBudget(
    { placement: null, services: [{ name: 'Keywork', weeklyCost: 70, fundingAgency: 'childrens_social_care', startDate: '2027-01-01' }] },
    new Date('2027-06-01T00:00:00Z'),
  );
  // 1 June 2027 to 31 May 2028: 2027-28 has 1 Jun 2027 to 31 Mar 2028 = 305 days (Feb 2028 has 29);
  // 2028-29 has April and May 2028 = 61 days. 70 × 305 / 7 = 3,050; 70 × 61 / 7 = 610.
  t.equal(budget.days, 366);
  t.same(budget.byFinancialYear.map((y) => [y.financialYear, y.amount]), [
    ['2027-28', 3050],
    ['2028-29', 610],
  ]);
  t.equal(budget.total, 3660);
});

t.test('property: the totals reconcile to the penny and no line runs outside the window', async (t) => {
  const day = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 11, 31) }).map((ms) => new Date(Math.floor(ms / 86_400_000) * 86_400_000).toISOString().slice(0, 10));
  const service = fc
    .record({ weeklyCost: fc.integer({ min: 0, max: 500_000 }).map((p) => p / 100), start: day, length: fc.option(fc.integer({ min: 0, max: 800 })) })
    .map(({ weeklyCost, start, length }) => ({
      name: 'Service',
      weeklyCost,
      fundingAgency: 'health' as const,
      startDate: start,
      ...(length === null ? {} : { endDate: new Date(Date.parse(start) + length * 86_400_000).toISOString().slice(0, 10) }),
    }));
  fc.assert(
    fc.property(day, fc.integer({ min: 0, max: 1_000_000 }), fc.array(service, { maxLength: 5 }), (asOf, pricePennies, list) => {
      const budget = immediateBudget({ placement: { type: 'residential', weeklyPrice: pricePennies / 100, startDate: '2020-01-01' }, services: list }, new Date(`${asOf}T00:00:00Z`));
      const pennies = (x: number) => Math.round(x * 100);
      const sum = (xs: number[]) => xs.reduce((s, x) => s + pennies(x), 0);
      if (sum(budget.byFinancialYear.map((y) => y.amount)) !== pennies(budget.total)) return false;
      if (sum(budget.byAgency.map((a) => a.amount)) !== pennies(budget.total)) return false;
      if (sum(budget.lines.map((l) => l.amount)) !== pennies(budget.total)) return false;
      for (const line of budget.lines) {
        if (line.from < budget.from || line.until > budget.until || line.days < 1) return false;
        if (line.byFinancialYear.reduce((s, y) => s + y.days, 0) !== line.days) return false;
      }
      // The placement runs the whole window.
      return budget.lines[0].days === budget.days;
    }),
    { numRuns: 300 },
  );
  t.pass('reconciles');
});
