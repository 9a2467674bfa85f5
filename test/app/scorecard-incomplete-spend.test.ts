import path from 'node:path';
import t from 'tap';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { edgeOfCareRecord } from '../young-people/records.ts';
import { OUTPUT, openPage, seriousViolations } from './browser.ts';

/**
 * The scorecard page's spend when some children's placement price on the day is not recorded
 * (spendComplete false, review finding 4): the value, the spend beside it and each such quarter
 * of the trend read "at least", as the pack's sheet and report do; a complete spend does not.
 * In headless Chromium, on a hand-made borough:
 * - North, budget £100,000 a year; nobody else.
 * - A: residential at £1,000 a week from 1 January 2024 (record and history).
 * - B: in-house foster care from 1 January 2024 with no price recorded, then kinship care at
 *   £350 a week from 1 October 2025.
 * No services, so spend is placements alone; a year is 365.25/7 weeks; the history starts 1 January 2024.
 * On 30 September 2025: A's £1,000 known, B's price unknown: £52,178.57 a year (shown £52,179),
 *   52.2% of £100,000, 1 unpriced; the same at every quarter end from 31 March 2024.
 * On 31 December 2025: £1,350 a week, £70,441.07 (£70,441), 70.4%, complete.
 */

function lookedAfter(overrides: Partial<YoungPersonInputDto> & { placement: NonNullable<YoungPersonInputDto['placement']> }): YoungPersonInputDto {
  return edgeOfCareRecord({ birthYear: 2012, birthMonth: 5, legalStatus: 'care_order', careState: overrides.placement.type, services: [], ...overrides });
}

async function created(as: TestApp['as'], record: YoungPersonInputDto, episodes: Array<Record<string, unknown>>): Promise<void> {
  const res = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  if (res.statusCode !== 201) throw new Error(`refused: ${res.body}`);
  const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${res.json().id}/history`, payload: { episodes } });
  if (put.statusCode !== 200) throw new Error(`history refused: ${put.body}`);
}

t.test('an incomplete spend reads “at least” on the scorecard page: value, spend and quarters', async (t) => {
  const { app, as, tokens } = await buildTestApp(t);
  const north = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North', service: 'children_looked_after', annualBudget: 100_000 } })).json().id;
  await created(as, lookedAfter({ teamId: north, placement: { type: 'residential', provider: 'own_authority', weeklyPrice: 1000, startDate: '2024-01-01' } }), [
    { startDate: '2024-01-01', careState: 'residential', weeklyPrice: 1000, teamId: north },
  ]);
  await created(as, lookedAfter({ teamId: north, careState: 'kinship_foster', placement: { type: 'kinship_foster', provider: 'own_authority', weeklyPrice: 350, startDate: '2025-10-01' } }), [
    { startDate: '2024-01-01', endDate: '2025-10-01', careState: 'inhouse_foster', teamId: north },
    { startDate: '2025-10-01', careState: 'kinship_foster', weeklyPrice: 350, teamId: north },
  ]);
  // The API says what the page is to show (so the page test cannot pass on a borough that has no incomplete spend).
  const api = (await as('head_of_service', { method: 'GET', url: '/v1/scorecard?asOf=2025-09-30&quarters=8' })).json();
  const spend = api.groups.flatMap((g: { measures: Array<{ id: string }> }) => g.measures).find((m: { id: string }) => m.id === 'spend_against_budget');
  t.match(spend.organisation, { numerator: 52178.57, denominator: 100000, value: 52.2, rag: null, unpricedChildren: 1, spendComplete: false });

  const { page, base, problems } = await openPage(t, app, { width: 1400 });
  await page.goto(`${base}/app/scorecard.html`);
  await page.getByLabel('API token').fill(tokens.head_of_service);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Scorecard for the organisation').waitFor({ timeout: 60_000 });
  const show = async (asOf: string) => {
    await page.getByLabel('Year ending').fill(asOf);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText(`Scorecard for the organisation, year ending ${asOf}.`).waitFor();
  };
  const row = () => page.locator('tr', { hasText: 'Spend committed against budget' });
  // Columns: Measure (th), Target, Organisation, North, No team, Trend.
  const cells = async () => (await row().locator('td').allTextContents()).map((s) => s.trim());

  await show('2025-09-30');
  const [, organisation, northCell, , trend] = await cells();
  t.equal(organisation, 'at least 52.2%Incomplete: 1 unpricedat least £52,179 of £100,000', 'organisation: the value and the spend known are floors');
  t.equal(northCell, 'at least 52.2%Incomplete: 1 unpricedat least £52,179 of £100,000', 'North: the same');
  t.equal(
    trend,
    ['2023-12: history starts 1 January 2024', ...['2024-03', '2024-06', '2024-09', '2024-12', '2025-03', '2025-06', '2025-09'].map((q) => `${q} at least 52.2%`)].join(' · '),
    'each quarter with B unpriced: at least',
  );
  t.same(await seriousViolations(page), [], 'axe: no serious or critical violations');
  await page.screenshot({ path: path.join(OUTPUT, 'scorecard-incomplete-spend.png'), fullPage: true });

  // A quarter later B's kinship price is known: a complete spend, with no "at least" now or for that quarter.
  await show('2025-12-31');
  const [, now, , , later] = await cells();
  t.match(now, /^70\.4%(Green|Amber|Red)£70,441 of £100,000$/, 'complete: no “at least”, a colour');
  t.match(later, / · 2025-09 at least 52\.2% · 2025-12 70\.4%$/, 'the last incomplete quarter, then the complete one');
  t.same(problems, [], 'no script errors');
});
