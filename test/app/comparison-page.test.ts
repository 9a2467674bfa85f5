import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { chartTexts, OUTPUT, openPage, seriousViolations, ukDate } from './browser.ts';

const money = (value: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 }).format(value);
import { PROJECTED_OUTCOME_MEASURES } from '../../src/export/tables.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';
import { text, unzip } from '../export/fixtures.ts';
import { addCohort, runAndWait, smallScenario } from '../scenarios/fixtures.ts';

/**
 * The comparison page in a real headless Chromium (Debian's, driven by playwright-core): sign
 * in, pick two runs, see the charts (titled with their run, each pair on one scale), download the
 * pack; then find a young person and compare their plans. axe-core checks accessibility at each
 * step. Screenshots go to test-output/ for review.
 */

async function storedRun(as: TestApp['as'], scenario: Record<string, unknown>): Promise<string> {
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: scenario })).statusCode, 201);
  const job = await runAndWait(as, scenario.id as string);
  return job.result.href.split('/').pop() as string;
}

t.test('the comparison page: sign in, pick two runs, see the charts, download the pack', async (t) => {
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
  const projected = await as('head_of_service', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 300, seed: 7 } });
  t.equal(projected.statusCode, 201);
  const projection = projected.json();

  const downloads = await mkdtemp(path.join(tmpdir(), 'pathcast-downloads-'));
  t.teardown(() => rm(downloads, { recursive: true, force: true }));
  const { page, base, problems } = await openPage(t, app, { downloads });

  await page.goto(`${base}/app`);
  t.equal(await page.title(), 'pathcast: compare best, expected and worst cases');
  // Every control has a label a screen reader reads out.
  // (Expressions as text: they run in the page, whose DOM types this project does not compile against.)
  const unlabelled = await page.evaluate<string[]>(
    `[...document.querySelectorAll('input, select, button')].filter((c) => !(c.id && document.querySelector('label[for="' + c.id + '"]')) && !(c.textContent || '').trim()).map((c) => c.outerHTML)`,
  );
  t.same(unlabelled, [], 'every control is labelled');
  t.same(await seriousViolations(page), [], 'axe: no serious or critical violations on the sign-in page');

  // Sign in as the board, by keyboard.
  await page.getByLabel('API token').focus();
  await page.keyboard.type(tokens.board);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'What to compare' }).waitFor();
  t.notOk(page.url().includes(tokens.board), 'the token is never in the address');
  t.equal(await page.evaluate(() => sessionStorage.getItem('pathcast.token')), tokens.board, 'kept in this tab’s session storage');
  t.equal(await page.locator('#session-text').textContent(), 'Signed in as test board, role: Programme board', 'the banner says which role is signed in');
  t.notOk(await page.getByLabel('A young person’s care plans').isVisible(), 'the board is not offered the plans it would be refused');
  t.notOk(await page.getByRole('button', { name: 'Run the scenario' }).isVisible(), 'the board cannot run scenarios, so is not offered to');
  const runOptions = await page.locator('#run-a option').allTextContents();
  const compared = (await as('board', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${first},${second}` })).json();
  t.ok(runOptions.some((o) => o.includes(ukDate(compared.runs[0].createdAt))), `runs listed with UK dates (${ukDate(compared.runs[0].createdAt)})`);
  t.notOk(runOptions.some((o) => /\d{4}-\d{2}-\d{2}/.test(o)), 'no ISO dates');

  await page.getByLabel('First run').selectOption(first);
  await page.getByLabel('Second run').selectOption(second);
  await page.getByRole('button', { name: 'Compare runs' }).click();
  await page.getByRole('heading', { name: 'How the runs compare' }).waitFor();
  const table = page.getByRole('table', { name: /Best case, expected and worst case/ });
  t.match((await table.textContent()) ?? '', /Net present value: best case \(P90\)[\s\S]*Net present value: expected[\s\S]*Net present value: worst case \(P10\)/);
  const headers = await table.locator('thead th').allInnerTexts();
  t.match(headers[1], /^A small MST team, run of \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}$/, 'each run named by its scenario and when it ran');
  t.match(headers[2], /^A larger MST team, run of /);
  t.ok(headers[1].includes(ukDate(compared.runs[0].createdAt)), 'the UK date');
  // The benefit-cost ratio of each run, as compareScenarioRuns gives it.
  const bcrRow = (await table.locator('tbody tr', { hasText: 'Benefit-cost ratio' }).allInnerTexts())[0] ?? '';
  const bcr = (k: number) => compared.runs[k].headline.benefitCostRatio;
  t.same(bcrRow.split('\t').slice(1).map((c: string) => c.trim()), [0, 1].map((k) => (bcr(k) === null ? 'not defined (no costs)' : bcr(k).toFixed(2))), 'the benefit-cost ratio in the table');
  t.equal(await page.locator('#charts figure img').count(), 0, 'every chart of the runs drawn on the page');
  t.equal(await page.locator('#charts figure svg.drawn').count(), 7, 'both runs’ cases, then annual spend, saving each year and drivers, for each run');
  for (const alt of await page.locator('#charts figure svg desc').allTextContents()) t.ok(alt.length > 20, `chart described: ${alt.slice(0, 60)}…`);
  const casesText = (await page.locator('#charts figure[data-pair="cases"] desc').textContent()) ?? '';
  for (const k of [0, 1]) {
    const npv = compared.runs[k].headline.netPresentValue;
    for (const v of [npv.p10, npv.mean, npv.p90]) t.ok(casesText.includes(money(v)), `the cases chart says ${money(v)} (compareScenarioRuns, run ${k + 1})`);
  }

  // Every chart titled with what it shows: which run; no two titles alike.
  const titles = await page.locator('#charts .chart-title').allTextContents();
  t.equal(titles.length, 7);
  t.equal(new Set(titles).size, titles.length, 'no two charts share a title');
  for (const [k, name] of [[0, 'A small MST team'], [1, 'A larger MST team']] as const) {
    for (const what of ['Annual spend, as now and with the strategy', 'Saving each year', 'What drives the net present value']) {
      t.ok(titles.includes(`${what}: ${headers[k + 1]}`), `${what}: titled with ${name}’s run`);
    }
  }
  t.match(titles[0], /^Best case, expected and worst case of the net present value: A small MST team, run of .* against A larger MST team, run of /);
  const texts = await chartTexts(page);
  t.ok(texts.length > 40, `${texts.length} chart texts read`);
  t.same(texts.filter((x) => /(…|\.\.\.)$/.test(x)), [], 'no title or label cut with an ellipsis');
  // Tornado labels are whole: each label drawn is the API's label, wrapped over lines but never cut.
  const drawnLabels = await page.evaluate<string[]>(`[...document.querySelectorAll('#charts figure[data-pair="tornado"] text.bar-label')].map((n) => [...n.querySelectorAll('tspan')].map((s) => s.textContent).join(' '))`);
  t.same(drawnLabels, [...compared.runs[0].headline.topSensitivity, ...compared.runs[1].headline.topSensitivity].map((r: { label: string }) => r.label), 'tornado labels in full');
  // Both charts of each pair on one scale, and the scale covers both runs' figures.
  const domains = await page.evaluate<Array<{ pair: string; x: string | null; y: string | null }>>(`[...document.querySelectorAll('#charts figure[data-pair]')].map((f) => ({ pair: f.dataset.pair, x: f.dataset.xDomain || null, y: f.dataset.yDomain || null }))`);
  for (const pair of ['spend', 'saving', 'tornado']) {
    const two = domains.filter((d) => d.pair === pair);
    t.equal(two.length, 2, pair);
    t.same(two[0], two[1], `${pair}: both charts share their axis domains (${two[0].x} × ${two[0].y})`);
  }
  type Year = { baseline: { mean: number }; strategy: { mean: number; p10: number; p90: number }; saving: { mean: number; p10: number; p90: number } };
  const years = compared.runs.flatMap((r: { headline: { spendByYear: Year[] } }) => r.headline.spendByYear);
  const spendY = JSON.parse(domains.find((d) => d.pair === 'spend')?.y ?? '[]');
  const spendValues = years.flatMap((y: Year) => [y.baseline.mean, y.strategy.p10, y.strategy.p90]);
  t.ok(spendY[0] <= Math.min(0, ...spendValues) && spendY[1] >= Math.max(...spendValues), `the spend scale ${spendY} covers both runs`);
  const savingY = JSON.parse(domains.find((d) => d.pair === 'saving')?.y ?? '[]');
  const savingValues = years.flatMap((y: Year) => [y.saving.p10, y.saving.p90]);
  t.ok(savingY[0] <= Math.min(0, ...savingValues) && savingY[1] >= Math.max(0, ...savingValues), `the saving scale ${savingY} covers both runs`);
  const tornadoX = JSON.parse(domains.find((d) => d.pair === 'tornado')?.x ?? '[]');
  const swings = compared.runs.flatMap((r: { headline: { topSensitivity: Array<{ npvWhenLow: number; npvWhenHigh: number }> } }) => r.headline.topSensitivity.flatMap((s) => [s.npvWhenLow, s.npvWhenHigh]));
  t.ok(tornadoX[0] <= Math.min(...swings) && tornadoX[1] >= Math.max(...swings), `the drivers’ scale ${tornadoX} covers both runs`);
  // The rendered ticks are the shared scale's: the first and last tick of each pair's charts agree.
  const tickEnds = await page.evaluate<Array<{ pair: string; ends: string[] }>>(`[...document.querySelectorAll('#charts figure[data-pair]')].map((f) => { const t = [...f.querySelectorAll('text.tick')].map((n) => n.textContent); return { pair: f.dataset.pair, ends: [t[0], t[t.length - 1]] }; })`);
  for (const pair of ['spend', 'saving', 'tornado']) {
    const two = tickEnds.filter((d) => d.pair === pair);
    t.same(two[0].ends, two[1].ends, `${pair}: the drawn axes end at the same ticks (${two[0].ends.join(' to ')})`);
  }
  t.match((await page.locator('#findings').textContent()) ?? '', /Benefits exceed costs in \d+% of runs/);

  // Projected outcomes beside the costs (issue 17): each run's table reads back its JSON answer
  // (GET /v1/scenario-runs/{id} as the board reads it), as percentages to one decimal.
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'withheld' : `${(v * 100).toFixed(1)}%`);
  let outcomeCells = 0;
  for (const id of [first, second]) {
    const answer = (await as('board', { method: 'GET', url: `/v1/scenario-runs/${id}` })).json();
    const years: Array<{ financialYear: string; shareWithin20Miles: Record<string, { mean: number; p10: number; p90: number } | null>; threeOrMorePlacementsShare?: Record<string, { mean: number; p10: number; p90: number } | null> }> = answer.result?.projectedOutcomes ?? answer.projectedOutcomes ?? [];
    t.ok(years.length > 0, `run ${id.slice(0, 8)}: the answer has projected outcomes`);
    for (const year of years) {
      for (const [measure, bands] of [
        ['within_20_miles', year.shareWithin20Miles],
        ['three_or_more_placements', year.threeOrMorePlacementsShare],
      ] as const) {
        if (!bands) continue;
        for (const variant of ['baseline', 'strategy'] as const) {
          const cell = page.locator(`table.projected-outcomes[data-run="${id}"] tr[data-year="${year.financialYear}"][data-measure="${measure}"] td[data-variant="${variant}"]`);
          const band = bands[variant];
          const expected = band === null ? 'withheld (withheld to withheld)' : `${pct(band.mean)} (${pct(band.p10)} to ${pct(band.p90)})`;
          t.equal((await cell.textContent())?.trim(), expected, `${id.slice(0, 8)} ${year.financialYear} ${measure} ${variant}: ${expected}`);
          outcomeCells++;
        }
      }
    }
  }
  t.ok(outcomeCells > 0, `${outcomeCells} projected outcome cells read back`);

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

  t.same(await seriousViolations(page), [], 'axe: no serious or critical violations on the runs’ comparison');
  await page.screenshot({ path: path.join(OUTPUT, 'comparison-page-runs.png'), fullPage: true });
  await page.locator('#charts').screenshot({ path: path.join(OUTPUT, 'comparison-page-runs-charts.png') });
  // Each run's chart beside the other run's: the two charts of a pair share a row on the page.
  const rowsOfPairs = await page.evaluate<Array<{ pair: string; top: number }>>(`[...document.querySelectorAll('#charts figure[data-pair]')].map((f) => ({ pair: f.dataset.pair, top: Math.round(f.getBoundingClientRect().top) }))`);
  for (const pair of ['spend', 'saving', 'tornado']) {
    const tops = rowsOfPairs.filter((r) => r.pair === pair).map((r) => r.top);
    t.equal(tops[0], tops[1], `${pair}: the two runs’ charts side by side`);
  }

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

  // A head of service compares the plans.
  await page.getByRole('button', { name: 'Sign out' }).click();
  t.equal(await page.evaluate(() => sessionStorage.getItem('pathcast.token')), null, 'signing out forgets the token');
  await page.getByLabel('API token').fill(tokens.head_of_service);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'What to compare' }).waitFor();
  t.equal(await page.locator('#session-text').getAttribute('data-role'), 'head_of_service');
  await page.getByLabel('A young person’s care plans').check();
  await page.getByLabel('Reference, or part of it').fill(person.reference);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('button', { name: `Choose ${person.reference}` }).click();
  await page.locator('#projection option').first().waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Compare plans' }).click();
  await page.getByRole('heading', { name: 'In words' }).waitFor();
  const plansTable = (await page.locator('#cases table').textContent()) ?? '';
  for (const plan of threePlans) t.match(plansTable, plan.name);
  t.equal(await page.locator('#charts figure img').count(), 1, 'the cost by financial year, drawn on the server');
  t.equal(await page.locator('#charts figure svg.drawn').count(), 1, 'the plans’ cases, drawn on the page');
  const planLabels = await page.evaluate<string[]>(`[...document.querySelectorAll('#charts text.bar-label')].map((n) => [...n.querySelectorAll('tspan')].map((s) => s.textContent).join(' '))`);
  t.same(planLabels, threePlans.map((p, k) => (k === 0 ? `${p.name} (current course)` : p.name)), 'each plan’s label in full');
  const planTitles = await page.locator('#charts .chart-title').allTextContents();
  t.equal(planTitles.length, 2);
  for (const title of planTitles) t.match(title, new RegExp(`: ${person.reference}’s plans, projected \\d{1,2} [A-Z][a-z]+ \\d{4} at \\d{2}:\\d{2}$`), `titled with whose plans: ${title}`);
  t.same((await chartTexts(page)).filter((x) => /(…|\.\.\.)$/.test(x)), [], 'no plan chart title cut');

  // The young person's projected outcomes (issue 17): one table, a column per plan, each cell the
  // share's mean and standard error of the POST answer's outcomesByYear, as percentages to one
  // decimal; EET only at ages 19 to 21; "–" where the answer's share is null.
  const outcomesTable = page.locator(`table.projected-outcomes[data-projection="${projection.id}"]`);
  t.match((await outcomesTable.locator('caption').textContent()) ?? '', new RegExp(`^Projected outcomes at 31 March: ${person.reference}’s plans, projected .* \\(mean, with its Monte Carlo standard error\\)$`));
  t.same(
    await outcomesTable.locator('thead th').allInnerTexts(),
    ['Year', 'Measure', ...threePlans.map((p, k) => (k === 0 ? `${p.name} (current course)` : p.name))],
    'a column per plan, the current course first',
  );
  type PersonShare = { mean: number; se: number } | null;
  type PersonYear = { financialYear: string; ageOn31March: number } & Record<'shareWithin20Miles' | 'threeOrMorePlacementsShare' | 'eetShareOfCareLeaver', PersonShare>;
  const personPlans = projection.result.plans as Array<{ outcomesByYear: PersonYear[]; byFinancialYear: unknown[] }>;
  const fields = { within_20_miles: 'shareWithin20Miles', three_or_more_placements: 'threeOrMorePlacementsShare', care_leavers_eet: 'eetShareOfCareLeaver' } as const;
  const shareText = (s: PersonShare) => (s === null ? '–' : `${pct(s.mean)} (standard error ${pct(s.se)})`);
  let personCells = 0;
  let personRows = 0;
  const personYears = personPlans[0].outcomesByYear;
  t.equal(personYears.length, personPlans[0].byFinancialYear.length, 'a year of outcomes for each financial year costed');
  t.same([personYears[0].ageOn31March, personYears.at(-1)?.ageOn31March], [14, 25], 'aged 14 now: 31 March at 14 to 31 March at 25');
  for (const [f, year] of personYears.entries()) {
    for (const m of PROJECTED_OUTCOME_MEASURES) {
      if (m.measure === 'care_leavers_eet' && (year.ageOn31March < 19 || year.ageOn31March > 21)) continue;
      const row = outcomesTable.locator(`tbody tr[data-year="${year.financialYear}"][data-measure="${m.measure}"]`);
      t.same(
        [await row.locator('th').textContent(), await row.locator('td').first().textContent()],
        [`${year.financialYear} (age ${year.ageOn31March})`, m.label],
        `${year.financialYear} ${m.measure}: the pack’s label`,
      );
      personRows++;
      for (const [k, plan] of personPlans.entries()) {
        const expected = shareText(plan.outcomesByYear[f][fields[m.measure]]);
        t.equal((await row.locator(`td[data-plan="${projection.plans[k].planId}"]`).textContent())?.trim(), expected, `${year.financialYear} ${m.measure} plan ${k + 1}: ${expected}`);
        personCells++;
      }
    }
  }
  t.equal(await outcomesTable.locator('tbody tr').count(), personRows, 'no other rows');
  t.equal(personRows, 2 * personYears.length + 3, 'two placement measures a year and EET at 19, 20 and 21');
  t.ok(personCells === 3 * personRows, `${personCells} projected outcome cells read back`);
  t.ok((await outcomesTable.textContent())?.match(/\d+\.\d% \(standard error \d+\.\d%\)/), 'shares shown, not only dashes');
  t.match((await page.locator('#findings').textContent()) ?? '', /“–”: never counted that day in any run, or not computed\./, 'the dash explained');
  await outcomesTable.screenshot({ path: path.join(OUTPUT, 'comparison-page-plan-outcomes.png') });
  t.same(await seriousViolations(page), [], 'axe: no serious or critical violations on the plans’ comparison');
  t.ok(await page.getByText('A young person’s plans are never exported as a pack').isVisible(), 'no pack for one person');
  t.notOk(await page.getByRole('button', { name: 'Download the pack' }).isVisible());
  await page.screenshot({ path: path.join(OUTPUT, 'comparison-page-plans.png'), fullPage: true });

  t.same(problems, [], 'no script errors, failed requests or content-security-policy violations');
});
