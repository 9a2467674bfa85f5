import path from 'node:path';
import type { Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { loadDemoCohortIfEmpty } from '../../src/demo/load-demo-cohort.ts';
import { buildTestApp } from '../helpers/app.ts';
import { OUTPUT, openPage } from './browser.ts';

/**
 * The scorecard page in headless Chromium on the demo borough (its teams and two years of
 * history, issue 17): the organisation's scorecard, a team view, and the board's protected view.
 * Screenshots go to test-output/ for review.
 */

/**
 * At 1280 px wide, no table cell's content overflows its box (scrollWidth ≤ clientWidth for every
 * td and th: a figure running into the next cell, or a word broken mid-way, would fail it), and a
 * table wider than the page scrolls inside its container instead of widening the page. The
 * viewport is put back afterwards.
 */
async function fitsAt1280(t: Test, page: Page, view: string) {
  const before = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.setViewportSize({ width: 1280, height: before.height });
  const overflowing = await page.evaluate<string[]>(
    "[...document.querySelectorAll('#groups td, #groups th')].filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.tagName + ' \"' + (c.textContent || '').slice(0, 40) + '\" ' + c.scrollWidth + '>' + c.clientWidth)",
  );
  t.same(overflowing, [], `${view}: no cell overflows at 1280 px`);
  const cells = await page.evaluate<number>("document.querySelectorAll('#groups td, #groups th').length");
  t.ok(cells > 40, `${view}: ${cells} cells checked`);
  t.ok(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'), `${view}: the page itself does not scroll sideways`);
  await page.setViewportSize(before);
}

t.test('the scorecard page: sign in, the organisation scorecard, a team view, the board’s view', async (t) => {
  const { app, tokens } = await buildTestApp(t);
  t.equal(await loadDemoCohortIfEmpty(app), 460);
  const { page, base, problems } = await openPage(t, app, { width: 1400 });

  await page.goto(`${base}/app/scorecard.html`);
  t.equal(await page.title(), 'pathcast: balanced scorecard and team views');
  await page.getByLabel('API token').fill(tokens.head_of_service);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByText('Scorecard for the organisation')
    .waitFor({ timeout: 60_000 })
    .catch(async (error) => {
      t.comment(`status: ${await page.locator('#status').textContent()} error: ${await page.locator('#error').textContent()} problems: ${problems.join(' | ')}`);
      throw error;
    });
  const captions = await page.locator('caption').allTextContents();
  t.same(captions, ['Finance', 'Young people’s outcomes', 'Practice', 'Workforce']);
  // Organisation, five teams and no team beside each measure; every outcome row has a coloured value.
  const header = await page.locator('table').nth(1).locator('thead th').allTextContents();
  t.same(header.slice(0, 3), ['Measure', 'Target', 'Organisation']);
  t.equal(header.length, 10);
  t.equal(header[8], 'No team');
  // The organisation's trend by quarter (review finding 8): eight quarters on every measure with
  // a trend, and the snapshot measures name their day rather than "today".
  t.equal(header[9], 'Trend by quarter (organisation)');
  const orgTrend = await page.locator('tr', { hasText: 'Long-term placement stability' }).locator('td.sc-trend').textContent();
  t.equal((orgTrend ?? '').split(' · ').length, 8, 'eight quarters of the organisation’s trend');
  const ukToday = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const snapshot = await page.locator('tr', { hasText: 'Caseload per key worker' }).locator('td.sc-trend').textContent();
  t.equal(snapshot, `snapshot as at ${ukToday}`, 'the snapshot names its day');
  t.notMatch((await page.locator('#groups').textContent()) ?? '', /snapshot \(today\)/);
  // Spend has a trend too: eight quarter ends, each priced on its day.
  const spendTrend = (await page.locator('tr', { hasText: 'Spend committed against budget' }).locator('td.sc-trend').textContent()) ?? '';
  t.equal(spendTrend.split(' · ').length, 8, `eight quarters of spend: ${spendTrend}`);
  t.match(spendTrend, /^\d{4}-\d{2} (at least )?\d+\.\d%/);
  const stability = page.locator('tr', { hasText: 'Three or more placements in the year' });
  // The value, the colour's word and the figures, each on its own line.
  t.match(await stability.locator('td').nth(1).textContent(), /^\d+\.\d%(Green|Amber|Red)\d+ of \d+$/);
  // Quarters whose year begins before the demo's recorded history (its first closed case, 34 months
  // before its as-of date) say so instead of a figure: the yearly measures' run of such quarters
  // first, then figures; the daily measures (distance, long-term stability) have all eight.
  const ukDay = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const answer = (await app.inject({ method: 'GET', url: '/v1/scorecard?quarters=8', headers: { authorization: `Bearer ${tokens.head_of_service}` } })).json() as {
    historyStart: string;
    groups: Array<{ measures: Array<{ id: string; trend: Array<{ quarterEnd: string; organisation: { status?: string } }> }> }>;
  };
  const exits = answer.groups.flatMap((g) => g.measures).find((m) => m.id === 'exits_adoption_sgo');
  const missing = (exits?.trend ?? []).filter((q) => q.organisation.status === 'history_incomplete').map((q) => q.quarterEnd.slice(0, 7));
  t.ok(missing.length >= 1, `${missing.length} of the eight quarters begin before the history (${answer.historyStart})`);
  const exitsTrend = (await page.locator('tr', { hasText: 'Left care by adoption or special guardianship' }).locator('td.sc-trend').textContent()) ?? '';
  const run = missing.length > 1 ? `${missing[0]} to ${missing[missing.length - 1]}` : missing[0];
  t.ok(exitsTrend.startsWith(`${run}: history starts ${ukDay(answer.historyStart)} · `), `the exits' trend opens with the run: ${exitsTrend.slice(0, 80)}`);
  t.equal(exitsTrend.split(' · ').length, 8 - missing.length + 1, 'then one figure per quarter');
  await fitsAt1280(t, page, 'organisation view');
  await page.screenshot({ path: path.join(OUTPUT, 'scorecard-organisation.png'), fullPage: true });

  // The team view: one team beside the organisation, with the trend by quarter.
  await page.getByLabel('View').selectOption({ label: 'Team: Children looked after (north)' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByText('Scorecard for Team: Children looked after (north)').waitFor();
  const teamHeader = await page.locator('table').nth(1).locator('thead th').allTextContents();
  t.same(teamHeader, ['Measure', 'Target', 'Children looked after (north)', 'Organisation', 'Trend by quarter (team)']);
  const trend = await page.locator('tr', { hasText: 'Long-term placement stability' }).locator('td.sc-trend').textContent();
  t.equal((trend ?? '').split(' · ').length, 8, 'eight quarters of trend');
  await fitsAt1280(t, page, 'team view');
  await page.screenshot({ path: path.join(OUTPUT, 'scorecard-team-view.png'), fullPage: true });

  // The board: the same page, protected figures.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API token').fill(tokens.board);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('(small numbers hidden)').waitFor();
  const boardText = (await page.locator('#groups').textContent()) ?? '';
  t.notMatch(boardText, /\b[1-4] of /, 'no count of 1-4 shown to the board');
  await fitsAt1280(t, page, 'board’s organisation view');
  // The board's date box offers quarter ends only (the API refuses any other day for the board).
  t.equal(await page.locator('#as-of').evaluate((e) => e.tagName), 'SELECT');
  const days = await page.locator('#as-of option').allTextContents();
  t.equal(days.length, 12);
  t.same(days.filter((d) => !/-(03-31|06-30|09-30|12-31)$/.test(d)), [], 'every offered day is a quarter end');
  t.equal(await page.locator('#as-of').inputValue(), days[0], 'the latest quarter end is chosen');
  // The board's spend trend ends at the answer's asOf, the latest quarter end; the key-worker
  // measures count today's records at every asOf, so they still name today.
  const spendDay = async () => ((await page.locator('tr', { hasText: 'Spend committed against budget' }).locator('td.sc-trend').textContent()) ?? '').split(' · ').at(-1);
  t.match(await spendDay(), new RegExp(`^${days[0].slice(0, 7)} `));
  t.equal(await page.locator('tr', { hasText: 'Caseload per key worker' }).locator('td.sc-trend').textContent(), `snapshot as at ${ukToday}`);
  // An earlier quarter end (never today): the label follows the day chosen.
  await page.locator('#as-of').selectOption(days[1]);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByText(`year ending ${days[1]}`).waitFor();
  t.match(await spendDay(), new RegExp(`^${days[1].slice(0, 7)} `));
  // The oldest quarter end the board reads: its year begins before the history, so the yearly
  // measures' cells say "Not available" and when the history starts, with no figure or colour.
  await page.locator('#as-of').selectOption(days[days.length - 1]);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByText(`year ending ${days[days.length - 1]}`).waitFor();
  const oldest = page.locator('tr', { hasText: 'Left care by adoption or special guardianship' });
  t.equal(await oldest.locator('td').nth(1).textContent(), `Not availablehistory starts ${ukDay(answer.historyStart)}`);
  t.equal(await oldest.locator('td .rag-none').count(), await oldest.locator('td .rag').count(), 'no colour in any of its cells');
  await fitsAt1280(t, page, 'board’s oldest quarter');
  await page.screenshot({ path: path.join(OUTPUT, 'scorecard-board-oldest.png'), fullPage: true });
  await page.screenshot({ path: path.join(OUTPUT, 'scorecard-board.png'), fullPage: true });
  t.same(problems, [], 'no script errors, failed requests or content-security-policy violations');
});
