import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';
import { pdfPages } from '../export/fixtures.ts';
import { OUTPUT, openPage } from './browser.ts';

/**
 * The borough at a glance and the printable case summary in a real headless Chromium (Debian's,
 * driven by playwright-core): titles present, UK dates, no text cut with an ellipsis, the
 * board's figures under the small-numbers rule, and the case summary printed on one A4 page.
 * Screenshots and the printed PDF go to test-output/ for review.
 */

const UK_DATE = /\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/;

/** Texts cut short: an ellipsis in the text, or a box whose content overflows with text-overflow: ellipsis. */
async function truncated(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('body *')].filter((e) => e.offsetParent !== null && ((e.children.length === 0 && /…|\\.\\.\\./.test(e.textContent || '')) || (getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth))).map((e) => e.outerHTML.slice(0, 120))`);
}

async function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(
    `[...document.querySelectorAll('input, select, button')].filter((c) => c.offsetParent !== null && !(c.id && document.querySelector('label[for="' + c.id + '"]')) && !(c.textContent || '').trim()).map((c) => c.outerHTML)`,
  );
}

t.test('the borough view and the case summary', async (t) => {
  const { app, as, tokens } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  for (const plan of threePlans) await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan });
  // A team with two of the seven children in residential care, for the team filter.
  const north = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North', service: 'children_looked_after' } })).json();
  for (let k = 0; k < 6; k += 1) await as('finance', { method: 'POST', url: '/v1/young-people', payload: { ...residentialAged(10 + k), ...(k < 2 ? { teamId: north.id } : {}) } });
  const run = await as('head_of_service', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 200, seed: 7 } });
  t.equal(run.statusCode, 201);
  const projection = run.json();

  const { page, base, problems } = await openPage(t, app);

  // The comparison page links to the borough view.
  await page.goto(`${base}/app`);
  await page.getByRole('link', { name: 'The borough at a glance' }).click();
  await page.waitForURL(/\/app\/borough\.html$/);
  t.equal(await page.title(), 'pathcast: the borough at a glance');
  t.same(await unlabelled(page), [], 'every control is labelled');

  // Sign in as the board by keyboard: the same session key as the comparison page.
  await page.getByLabel('API token').focus();
  await page.keyboard.type(tokens.board);
  await page.keyboard.press('Enter');
  await page.locator('body[data-ready="true"]').waitFor();
  t.equal(await page.evaluate(() => sessionStorage.getItem('pathcast.token')), tokens.board);
  t.ok(await page.getByRole('heading', { name: 'The borough at a glance', level: 1 }).isVisible());
  const period = (await page.locator('#period-heading').textContent()) ?? '';
  t.match(period, /^[A-Z][a-z]+ \d{4} to [A-Z][a-z]+ \d{4}, as recorded on /, `months in words: ${period}`);
  t.match(period, UK_DATE, 'the date in UK form');
  for (const caption of ['Children by placement type, each month', 'Committed spend by placement type, each month', 'Committed spend by financial year']) {
    t.ok(await page.getByRole('table', { name: new RegExp(`^${caption}`) }).isVisible(), `table: ${caption}`);
  }
  // Seven children in residential care this month: the board sees 7 and the money; in-house foster care a true 0.
  const api = (await as('board', { method: 'GET', url: '/v1/borough' })).json();
  const children = page.getByRole('table', { name: /^Children by placement type/ });
  const residentialRow = (await children.getByRole('row', { name: /Residential children’s home/ }).allInnerTexts())[0];
  t.match(residentialRow, new RegExp(`Residential children’s home\\s+${api.byMonth[0].byType.find((c: { type: string }) => c.type === 'residential').children}\\b`));
  t.equal(api.byMonth[0].byType.find((c: { type: string }) => c.type === 'residential').children, 7, 'hand count: seven in residential care');
  const spend = (await page.getByRole('table', { name: /^Committed spend by placement type/ }).textContent()) ?? '';
  t.match(spend, /£\d{1,3}(,\d{3})+/, 'pounds with thousands separators');
  t.match((await page.getByRole('table', { name: /^Committed spend by financial year/ }).textContent()) ?? '', /Financial year \d{4}-\d{2} \(\d+ months?\)/);
  t.same(await truncated(page), [], 'no text cut with an ellipsis');
  t.same(await page.evaluate<string[]>(`[...document.querySelectorAll('.table-wrap')].filter((w) => w.scrollWidth > w.clientWidth).map((w) => w.querySelector('caption').textContent)`), [], 'twelve months fit a 1280-pixel screen without scrolling sideways');
  await page.screenshot({ path: path.join(OUTPUT, 'borough-at-a-glance.png'), fullPage: true });
  // The board is refused a team's borough view (403), so it is not offered the team filter.
  t.equal((await as('board', { method: 'GET', url: `/v1/borough?team=${north.id}` })).statusCode, 403);
  t.notOk(await page.getByLabel(/^Team/).isVisible(), 'no team filter for the board');
  t.ok(await page.locator('#team').isDisabled(), 'and it is disabled');

  // A head of service picks a team: the figures become that team's (two of the seven).
  await page.evaluate((token) => sessionStorage.setItem('pathcast.token', token), tokens.head_of_service);
  await page.goto(`${base}/app/borough.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  const residentialNow = async () => (await page.getByRole('table', { name: /^Children by placement type/ }).getByRole('row', { name: /Residential children’s home/ }).allInnerTexts())[0];
  t.match(await residentialNow(), /Residential children’s home\s+7\b/, 'all teams: seven');
  const teamSelect = page.getByLabel(/^Team/);
  t.ok(await teamSelect.isVisible(), 'the team filter, labelled');
  t.same(await teamSelect.locator('option').allInnerTexts(), ['All teams', 'North'], 'populated from GET /v1/teams');
  t.same(await unlabelled(page), [], 'every control is labelled, the team filter too');
  await page.evaluate(`document.body.removeAttribute('data-ready')`);
  await teamSelect.selectOption({ label: 'North' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('body[data-ready="true"]').waitFor();
  const teamApi = (await as('head_of_service', { method: 'GET', url: `/v1/borough?team=${north.id}` })).json();
  t.equal(teamApi.byMonth[0].byType.find((c: { type: string }) => c.type === 'residential').children, 2, 'hand count: two in North');
  t.match(await residentialNow(), /Residential children’s home\s+2\b/, 'North: two');
  t.match((await page.locator('#period-heading').textContent()) ?? '', /, North team, as recorded on /, 'the heading names the team');
  await page.screenshot({ path: path.join(OUTPUT, 'borough-at-a-glance-team.png'), fullPage: true });
  await page.evaluate((token) => sessionStorage.setItem('pathcast.token', token), tokens.board);

  // The board may not read a young person: the case summary says so.
  await page.goto(`${base}/app/case-summary.html?id=${person.id}`);
  await page.locator('#error:not([hidden])').waitFor();
  t.match((await page.locator('#error').textContent()) ?? '', /\S/, 'a refusal in words');

  // A head of service reads and prints it.
  await page.evaluate((token) => sessionStorage.setItem('pathcast.token', token), tokens.head_of_service);
  await page.goto(`${base}/app/case-summary.html?id=${person.id}`);
  await page.locator('body[data-ready="true"]').waitFor();
  t.equal(await page.title(), `pathcast: case summary for ${person.reference}`);
  t.equal(await page.locator('h1:visible').first().textContent(), `Case summary: ${person.reference}`);
  const facts = (await page.locator('#facts').textContent()) ?? '';
  t.match(facts, /Age14 \(born [A-Z][a-z]+ \d{4}\)/);
  t.match(facts, /Care stateResidential children’s home/);
  t.match(facts, UK_DATE, 'placement start as a UK date');
  t.match((await page.locator('#printed').textContent()) ?? '', new RegExp(`^Printed ${UK_DATE.source}`));
  t.match((await page.locator('#budget-window').textContent()) ?? '', new RegExp(`^From ${UK_DATE.source} to ${UK_DATE.source}`));
  t.match((await page.locator('#budget-table').textContent()) ?? '', /Financial year \d{4}-\d{2}/);
  const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
  const plansText = (await page.locator('#plans-table').textContent()) ?? '';
  for (const plan of projection.result.plans as Array<{ name: string; total: { discounted: { p10: number; mean: number; p90: number } } }>) {
    const pv = plan.total.discounted;
    t.ok(plansText.includes(plan.name), plan.name);
    t.ok(plansText.includes(`${gbp.format(pv.p10)}${gbp.format(pv.mean)}${gbp.format(pv.p90)}`), `${plan.name}: P10, mean, P90 as the projection has them`);
  }
  t.same(await truncated(page), [], 'no text cut with an ellipsis');
  t.same(await unlabelled(page), [], 'every control is labelled');
  await page.screenshot({ path: path.join(OUTPUT, 'case-summary.png'), fullPage: true });

  // The budget downloads as a spreadsheet, fetched with the token in a header (never in an address).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the budget (xlsx)' }).click()]);
  t.match(download.suggestedFilename(), new RegExp(`^pathcast-budget-${person.reference}-\\d{4}-\\d{2}-\\d{2}\\.xlsx$`));
  const events = (await as('admin', { method: 'GET', url: '/v1/audit-events?action=young_person.budget_export' })).json();
  t.equal(events.items.length, 1, 'the download is audited');

  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: path.join(OUTPUT, 'case-summary-print.png'), fullPage: true });
  t.notOk(await page.locator('header.banner').isVisible(), 'no banner on paper');
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  await writeFile(path.join(OUTPUT, 'case-summary.pdf'), pdf);
  const pages = await pdfPages(new Uint8Array(pdf));
  t.equal(pages.length, 1, 'prints on one A4 page');
  t.ok(pages[0].includes(person.reference), 'the printed page names the reference');
  t.match(pages[0], /Worst case \(P90\)/);

  const unexpected = problems.filter((p) => !/status of 403/.test(p));
  t.same(unexpected, [], 'no script errors, failed requests or content-security-policy violations');
});
