import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import t from 'tap';
import { loadDemoCohortIfEmpty } from '../../src/demo/load-demo-cohort.ts';
import { buildTestApp } from '../helpers/app.ts';

/**
 * The scorecard page in headless Chromium on the demo borough (its teams and two years of
 * history, issue 17): the organisation's scorecard, a team view, and the board's protected view.
 * Screenshots go to test-output/ for review.
 */

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve(import.meta.dirname, '../../test-output');

t.test('the scorecard page: sign in, the organisation scorecard, a team view, the board’s view', async (t) => {
  if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium to run the browser test`);
  const { app, tokens } = await buildTestApp(t);
  t.equal(await loadDemoCohortIfEmpty(app), 400);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const profile = await mkdtemp(path.join(tmpdir(), 'pathcast-chromium-'));
  await mkdir(OUTPUT, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  t.teardown(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

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
  // Organisation and five teams beside each measure; every outcome row has a coloured value.
  const header = await page.locator('table').nth(1).locator('thead th').allTextContents();
  t.same(header.slice(0, 3), ['Measure', 'Target', 'Organisation']);
  t.equal(header.length, 8);
  const stability = page.locator('tr', { hasText: 'Three or more placements in the year' });
  t.match(await stability.locator('td').nth(1).textContent(), /^\d+\.\d%(Green|Amber|Red) · \d+ of \d+$/);
  await page.screenshot({ path: path.join(OUTPUT, 'scorecard-organisation.png'), fullPage: true });

  // The team view: one team beside the organisation, with the trend by quarter.
  await page.getByLabel('View').selectOption({ label: 'Team: Children looked after (north)' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByText('Scorecard for Team: Children looked after (north)').waitFor();
  const teamHeader = await page.locator('table').nth(1).locator('thead th').allTextContents();
  t.same(teamHeader, ['Measure', 'Target', 'Children looked after (north)', 'Organisation', 'Trend by quarter (team)']);
  const trend = await page.locator('tr', { hasText: 'Long-term placement stability' }).locator('td.sc-trend').textContent();
  t.equal((trend ?? '').split(' · ').length, 8, 'eight quarters of trend');
  await page.screenshot({ path: path.join(OUTPUT, 'scorecard-team-view.png'), fullPage: true });

  // The board: the same page, protected figures.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API token').fill(tokens.board);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('(small numbers hidden)').waitFor();
  const boardText = (await page.locator('#groups').textContent()) ?? '';
  t.notMatch(boardText, /\b[1-4] of /, 'no count of 1-4 shown to the board');
  await page.screenshot({ path: path.join(OUTPUT, 'scorecard-board.png'), fullPage: true });
  t.same(problems, [], 'no script errors, failed requests or content-security-policy violations');
});
