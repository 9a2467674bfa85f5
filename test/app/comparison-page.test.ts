import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';
import { text, unzip } from '../export/fixtures.ts';
import { addCohort, runAndWait, smallScenario } from '../scenarios/fixtures.ts';

/**
 * The comparison page in a real headless Chromium (Debian's, driven by playwright-core): sign
 * in, pick two runs, see the charts, download the pack; then a young person's plans. Screenshots
 * go to test-output/ for review.
 */

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve(import.meta.dirname, '../../test-output');

async function storedRun(as: TestApp['as'], scenario: Record<string, unknown>): Promise<string> {
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: scenario })).statusCode, 201);
  const job = await runAndWait(as, scenario.id as string);
  return job.result.href.split('/').pop() as string;
}

t.test('the comparison page: sign in, pick two runs, see the charts, download the pack', async (t) => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) to run the browser test`);
  }
  const { app, as, tokens } = await buildTestApp(t);
  // Twelve young people: the board reads runs over cohorts of 10 or more only.
  await addCohort(as);
  await addCohort(as);
  const first = await storedRun(as, smallScenario());
  // The second run says how it is paid for (issue 16): the page shows its funding beside the first's.
  const funding = {
    organisations: [
      { id: 'council', name: 'Borough council', holds: [{ agency: 'childrens_social_care', share: 1 }, { agency: 'education', share: 1 }] },
      { id: 'icb', name: 'Integrated care board', holds: [{ agency: 'health', share: 1 }] },
    ],
    outcomesContracts: [{ id: 'mst-sib', services: ['mst'], outcome: 'care_weeks_avoided', pricePerOutcome: 500, basis: 'modelled_counterfactual', contractYears: 3 }],
  };
  const second = await storedRun(as, smallScenario({ id: 'larger-mst', name: 'A larger MST team', strategy: { name: 'Larger MST team', interventions: [{ id: 'mst', capacityPerYear: 25, oneOffPrice: 9000 }] }, funding }));
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  for (const plan of threePlans) await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan });
  t.equal((await as('head_of_service', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 300, seed: 7 } })).statusCode, 201);

  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const profile = await mkdtemp(path.join(tmpdir(), 'pathcast-chromium-'));
  const downloads = await mkdtemp(path.join(tmpdir(), 'pathcast-downloads-'));
  await mkdir(OUTPUT, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    acceptDownloads: true,
    downloadsPath: downloads,
    viewport: { width: 1280, height: 900 },
  });
  t.teardown(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    await rm(downloads, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(`${base}/app`);
  t.equal(await page.title(), 'pathcast: compare best, expected and worst cases');
  // Every control has a label a screen reader reads out.
  // (Expressions as text: they run in the page, whose DOM types this project does not compile against.)
  const unlabelled = await page.evaluate<string[]>(
    `[...document.querySelectorAll('input, select, button')].filter((c) => !(c.id && document.querySelector('label[for="' + c.id + '"]')) && !(c.textContent || '').trim()).map((c) => c.outerHTML)`,
  );
  t.same(unlabelled, [], 'every control is labelled');

  // Sign in as the board, by keyboard.
  await page.getByLabel('API token').focus();
  await page.keyboard.type(tokens.board);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'What to compare' }).waitFor();
  t.notOk(page.url().includes(tokens.board), 'the token is never in the address');
  t.equal(await page.evaluate(() => sessionStorage.getItem('pathcast.token')), tokens.board, 'kept in this tab’s session storage');

  await page.getByLabel('First run').selectOption(first);
  await page.getByLabel('Second run').selectOption(second);
  await page.getByRole('button', { name: 'Compare runs' }).click();
  await page.getByRole('heading', { name: 'How the runs compare' }).waitFor();
  const table = page.getByRole('table', { name: /Best case, expected and worst case/ });
  t.match((await table.textContent()) ?? '', /Net present value: best case \(P90\)[\s\S]*Net present value: expected[\s\S]*Net present value: worst case \(P10\)/);
  const headers = await table.locator('thead th').allInnerTexts();
  t.same(headers.slice(1).map((h) => h.slice(-10)), [`[${first.slice(0, 8)}]`, `[${second.slice(0, 8)}]`], 'the two runs side by side');
  const images = page.locator('#charts figure img');
  t.equal(await images.count(), 9, 'the side-by-side chart and four charts per run');
  await page.waitForFunction(`[...document.querySelectorAll('#charts img')].every((img) => img.complete && img.naturalWidth > 0)`);
  for (const alt of await images.evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt') ?? ''))) t.ok(alt.length > 20, `chart described: ${alt.slice(0, 60)}…`);
  t.match((await page.locator('#findings').textContent()) ?? '', /Benefits exceed costs in \d+% of runs/);

  // Funding side by side: the first run has none (a dash), the second its organisations and contract,
  // as the board may see them (the page's view of the pack, the disclosure rule applied).
  await page.getByRole('heading', { name: 'How each strategy is paid for' }).waitFor();
  const seen = (await as('board', { method: 'GET', url: `/v1/packs/preview?runs=${first},${second}` })).json().runs[1].funding;
  const whoPays = (await page.getByRole('table', { name: /Who pays and who gains/ }).textContent()) ?? '';
  t.match(whoPays, /Borough council: net \(expected\)/);
  t.match(whoPays, /Integrated care board: net \(expected\)/);
  t.ok(whoPays.includes('–'), 'the run without funding shows a dash');
  t.ok(whoPays.includes(new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 }).format(seen.organisations[0].presentNet.mean)), 'the council’s net as the answer gives it');
  const contracts = (await page.getByRole('table', { name: /commissioner and investor side by side/ }).textContent()) ?? '';
  t.match(contracts, /mst-sib: commissioner’s net saving after payments/);
  t.match(contracts, /mst-sib: investor’s IRR \(median\)/);
  if (seen.outcomesContracts[0].investor.irr) {
    const runsOf = (await as('board', { method: 'GET', url: `/v1/packs/preview?runs=${first},${second}` })).json().runs[1].runs;
    t.ok(contracts.includes(`% over ${seen.outcomesContracts[0].investor.runsWithIrr} of ${runsOf} runs`), 'the IRR median says how many runs it covers');
  }
  if (seen.outcomesContracts[0].withheld) t.match(contracts, /withheld/, 'withheld for the board, as in the pack');
  else t.notMatch(contracts, /withheld/);

  await page.screenshot({ path: path.join(OUTPUT, 'comparison-page-runs.png'), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the pack' }).click()]);
  t.match(download.suggestedFilename(), new RegExp(`^pathcast-scenario-pack-\\d{4}-\\d{2}-\\d{2}-${first.slice(0, 8)}-${second.slice(0, 8)}\\.zip$`));
  const saved = path.join(downloads, download.suggestedFilename());
  await download.saveAs(saved);
  const files = unzip(new Uint8Array(await readFile(saved)));
  t.same(
    JSON.parse(text(files['manifest.json'])).runs.map((r: { runId: string }) => r.runId),
    [first, second],
    'the downloaded pack holds the two runs',
  );
  await page.getByText(/^Downloaded pathcast-scenario-pack/).waitFor();

  // A young person's plans are not for the board: the page says so instead of failing.
  await page.getByLabel('A young person’s care plans').check();
  await page.getByText('Your role can compare scenario runs, but not individual young people’s plans.').waitFor();
  t.ok(await page.getByRole('button', { name: 'Compare plans' }).isDisabled());

  // A head of service compares the plans.
  await page.getByRole('button', { name: 'Sign out' }).click();
  t.equal(await page.evaluate(() => sessionStorage.getItem('pathcast.token')), null, 'signing out forgets the token');
  await page.getByLabel('API token').fill(tokens.head_of_service);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'What to compare' }).waitFor();
  await page.getByLabel('A young person’s care plans').check();
  await page.getByLabel('Young person (pseudonymous reference)').selectOption(person.id);
  await page.locator('#projection option').first().waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Compare plans' }).click();
  await page.getByRole('heading', { name: 'In words' }).waitFor();
  const plansTable = (await page.getByRole('table').textContent()) ?? '';
  for (const plan of threePlans) t.match(plansTable, plan.name);
  t.equal(await page.locator('#charts figure img').count(), 2);
  t.ok(await page.getByText('A young person’s plans are never exported as a pack').isVisible(), 'no pack for one person');
  t.notOk(await page.getByRole('button', { name: 'Download the pack' }).isVisible());
  await page.screenshot({ path: path.join(OUTPUT, 'comparison-page-plans.png'), fullPage: true });

  // The browser logs every refused request; the board's 403 for young people is expected and handled above.
  const unexpected = problems.filter((p) => !/status of 403/.test(p));
  t.same(unexpected, [], 'no script errors, failed requests or content-security-policy violations');
});
