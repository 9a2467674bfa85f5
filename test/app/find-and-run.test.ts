import path from 'node:path';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';
import { addCohort, smallScenario } from '../scenarios/fixtures.ts';
import { OUTPUT, openPage, seriousViolations, until } from './browser.ts';

/**
 * The page's work for a head of service (issue 18), in headless Chromium: the banner names the
 * role; the search narrows the list of young people (the rows are the API's answer to the same
 * filters); a projection run from the page ends with the progress bar at 100% and is chosen;
 * a scenario run from the page finishes, and another is cancelled and stores nothing.
 * axe-core finds no serious or critical violation on each view. Screenshots in test-output/.
 */

t.test('find a young person, project their plans, run and cancel a scenario', async (t) => {
  const { app, as, tokens } = await buildTestApp(t);
  await addCohort(as);
  await addCohort(as);
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario() })).statusCode, 201);
  const planned = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14, { reference: 'FIND-ME-1' }) })).json();
  for (const plan of threePlans) await as('finance', { method: 'POST', url: `/v1/young-people/${planned.id}/care-plans`, payload: plan });
  // FIND-ME-2 is in a team, to search by team.
  const team = (await as('finance', { method: 'POST', url: '/v1/teams', payload: { name: 'Children looked after south', service: 'children_looked_after' } })).json();
  t.equal((await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(16, { reference: 'FIND-ME-2', teamId: team.id }) })).statusCode, 201);
  const everyone = (await as('head_of_service', { method: 'GET', url: '/v1/young-people?limit=500' })).json().total;
  t.equal(everyone, 14, 'twelve in the cohort and two more');

  const { page, base, problems } = await openPage(t, app);
  await page.goto(`${base}/app`);
  await page.getByLabel('API token').fill(tokens.head_of_service);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'What to compare' }).waitFor();
  t.equal(await page.locator('#session-text').textContent(), 'Signed in as test head_of_service, role: Head of service');

  // Search: the list, then narrowed by part of a reference, then by having care plans.
  await page.getByLabel('A young person’s care plans').check();
  await page.locator('#people-table').waitFor();
  const rows = () => page.locator('#people-table tbody tr').allInnerTexts();
  t.equal((await rows()).length, everyone, 'everyone at first (fewer than 50)');
  t.match((await page.locator('#people-table caption').textContent()) ?? '', `${everyone} young people found`);
  await page.getByLabel('Reference, or part of it').fill('find-me');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('#people-table caption', { hasText: '2 young people found' }).waitFor();
  const found = await rows();
  t.same(found.map((r) => r.split('\t')[0]), ['FIND-ME-1', 'FIND-ME-2'], 'the search narrows the list, ignoring case');
  t.match(found[0], /\t14\tResidential children’s home\t3 care plans\tNo projection\t/, 'reference, age, state and badges');
  t.match(found[1], /\t16\tResidential children’s home\tNo care plans\tNo projection\t/);
  await page.getByLabel('With care plans?').selectOption('true');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('#people-table caption', { hasText: '1 young person found' }).waitFor();
  t.same((await rows()).map((r) => r.split('\t')[0]), ['FIND-ME-1'], 'and narrows again by care plans');
  await page.getByLabel('With care plans?').selectOption('');
  await page.getByLabel('Team', { exact: true }).selectOption({ label: 'Children looked after south' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  // The caption read '1 young person found' before this search too, so wait for the new answer's row
  // (a filter that fails leaves FIND-ME-1 and the wait times out).
  await page.locator('#people-table tbody tr', { hasText: 'FIND-ME-2' }).waitFor();
  await page.locator('#people-table caption', { hasText: '1 young person found' }).waitFor();
  t.same((await rows()).map((r) => r.split('\t')[0]), ['FIND-ME-2'], 'and by team');
  await page.getByLabel('Team', { exact: true }).selectOption('');
  await page.getByLabel('With care plans?').selectOption('true');
  await page.getByLabel('Aged from').fill('26');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('#error', { hasText: 'Check the search' }).waitFor();
  t.equal(await page.locator('#error').textContent(), 'Check the search. Aged from: must be at most 25', 'a bad age is refused by the API, which names the field; the page says it with the field’s label');
  t.equal(await page.evaluate(`document.activeElement.id`), 'search-min-age', 'and goes to the field');
  t.equal(await page.getByLabel('Aged from').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Aged from').fill('14');
  await page.getByLabel('Aged to').fill('15');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('#people-table caption', { hasText: '1 young person found' }).waitFor();
  t.same(await seriousViolations(page), [], 'axe: no serious or critical violations on the search');
  await page.screenshot({ path: path.join(OUTPUT, 'page-search.png'), fullPage: true });
  // Each found young person links to their printable one-page case summary.
  t.equal(
    await page.getByRole('link', { name: 'Case summary for FIND-ME-1' }).getAttribute('href'),
    `/app/case-summary.html?id=${encodeURIComponent(planned.id)}`,
    'the case summary is one click from the search',
  );

  // Project the chosen young person's plans from the page: the bar reaches 100% and the new projection is chosen.
  await page.getByRole('button', { name: 'Choose FIND-ME-1' }).click();
  t.equal(await page.locator('#projection option').count(), 0, 'no projection yet');
  await page.getByLabel('Monte Carlo runs for a new projection').selectOption('2000');
  await page.getByRole('button', { name: 'Project their plans' }).click();
  await until(page, `document.getElementById('job-progress').value === 100 && document.querySelectorAll('#projection option').length === 1`);
  t.equal(await page.locator('#job-percent').textContent(), '100%');
  t.equal(await page.locator('#job-text').textContent(), 'Finished.');
  const stored = (await as('head_of_service', { method: 'GET', url: `/v1/young-people/${planned.id}/projections` })).json();
  t.equal(stored.total, 1);
  t.equal(stored.items[0].runs, 2000, 'run with the runs chosen on the page');
  t.equal(await page.locator('#projection').inputValue(), stored.items[0].id, 'the new projection is chosen');
  t.match(await page.locator('#people-table tr', { hasText: 'FIND-ME-1' }).textContent(), /1 projection/, 'the search results row now says it has a projection');
  await page.getByRole('button', { name: 'Compare plans' }).click();
  await page.getByRole('heading', { name: 'In words' }).waitFor();
  t.same(await seriousViolations(page), [], 'axe: no serious or critical violations after a projection');
  await page.screenshot({ path: path.join(OUTPUT, 'page-projection.png'), fullPage: true });

  // A scenario run from the page: it finishes, with the bar at 100%, and becomes the second run.
  await page.getByLabel('Two scenario runs').check();
  await page.getByLabel('Scenario', { exact: true }).selectOption('small-mst');
  await page.getByLabel('Monte Carlo runs (10 to 20,000)').fill('30');
  await page.getByRole('button', { name: 'Run the scenario' }).click();
  await page.locator('#job-text', { hasText: 'Finished.' }).waitFor({ timeout: 120_000 });
  t.equal(await page.locator('#job-progress').inputValue().catch(() => null), null, 'a progress bar has no input value');
  t.equal(await page.evaluate(`document.getElementById('job-progress').value`), 100, 'the bar at 100%');
  const runs = (await as('head_of_service', { method: 'GET', url: '/v1/scenario-runs' })).json();
  t.equal(runs.total, 1);
  t.equal(runs.items[0].runs, 30);
  await until(page, `document.getElementById('run-b').value === ${JSON.stringify(runs.items[0].id)}`);
  t.pass('the new run is chosen as the second run');

  // Another, large, cancelled from the page: it ends cancelled and stores nothing.
  await page.getByLabel('Monte Carlo runs (10 to 20,000)').fill('20000');
  await page.getByRole('button', { name: 'Run the scenario' }).click();
  // By keyboard: the page puts focus on Cancel when a run starts.
  await until(page, `document.activeElement && document.activeElement.id === 'job-cancel'`);
  await page.keyboard.press('Enter');
  await page.locator('#job-text', { hasText: 'Cancelled' }).waitFor({ timeout: 120_000 });
  t.equal(await page.evaluate(`document.activeElement.id`), 'job-heading', 'focus stays on the progress panel when Cancel goes');
  t.equal(await page.locator('#job-text').textContent(), 'Cancelled: nothing of it was stored.');
  t.notOk(await page.getByRole('button', { name: 'Cancel' }).isVisible(), 'no Cancel once it has ended');
  const audit = (await as('admin', { method: 'GET', url: '/v1/audit-events?action=job.cancel' })).json();
  t.equal(audit.items.length, 1, 'the cancel went through the API and was audited');
  const job = (await as('head_of_service', { method: 'GET', url: `/v1/jobs/${audit.items[0].resourceId}` })).json();
  t.equal(job.status, 'cancelled');
  t.equal((await as('head_of_service', { method: 'GET', url: '/v1/scenario-runs' })).json().total, 1, 'the cancelled run stored nothing');
  t.same(await seriousViolations(page), [], 'axe: no serious or critical violations with the progress panel');
  await page.screenshot({ path: path.join(OUTPUT, 'page-scenario-cancelled.png'), fullPage: true });

  // The browser logs the 400 of the bad age search; nothing else may go wrong.
  t.same(problems.filter((p) => !/status of 400/.test(p)), [], 'no script errors or failed requests');
});
