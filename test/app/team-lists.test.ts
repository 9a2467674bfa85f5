import path from 'node:path';
import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { record, runAndWait, smallScenario } from '../scenarios/fixtures.ts';
import { OUTPUT, openPage, seriousViolations } from './browser.ts';

/**
 * The comparison page's team filters (issue 17): "Runs for team" on the scenario-runs lists
 * (GET /v1/scenario-runs?team=) and, for administrators, "Events for team" on the audit log
 * (GET /v1/audit-events?team=), both filled from GET /v1/teams. In headless Chromium, on
 * hand-made teams, young people and runs: every list below is worked out from them. A role
 * without the audit log gets no audit control and never asks for it; when the teams cannot be
 * listed, no team control is shown.
 */

async function team(as: TestApp['as'], name: string): Promise<string> {
  const response = await as('admin', { method: 'POST', url: '/v1/teams', payload: { name, service: 'children_looked_after' } });
  if (response.statusCode !== 201) throw new Error(`could not add a team: ${response.body}`);
  return response.json().id;
}

async function person(as: TestApp['as'], payload: Record<string, unknown>): Promise<string> {
  const response = await as('finance', { method: 'POST', url: '/v1/young-people', payload });
  if (response.statusCode !== 201) throw new Error(`could not add a young person: ${response.body}`);
  return response.json().id;
}

t.test('runs and audit events by team on the page, as each role may see them', async (t) => {
  const { app, as, tokens } = await buildTestApp(t);
  const north = await team(as, 'North');
  const south = await team(as, 'South');
  // North: two young people; South: one; no team: one.
  const a = await person(as, { ...record(2013, 'edge_of_care'), teamId: north });
  const b = await person(as, { ...record(2011, 'residential'), teamId: north });
  const c = await person(as, { ...record(2012, 'edge_of_care'), teamId: south });
  await person(as, record(2012, 'cin_cp'));

  // Three runs: North's cohort, the no-team cohort, everyone. South has none.
  const run = async (id: string, name: string, cohort: Record<string, unknown>) => {
    t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id, name, cohort }) })).statusCode, 201, `${id} stored`);
    const job = await runAndWait(as, id, { runs: 10 });
    t.equal(job.status, 'succeeded', `${id} ran`);
    return job.result.href.split('/').pop() as string;
  };
  const northRun = await run('north-only', 'North only', { teams: [north] });
  const noTeamRun = await run('no-team-only', 'No team only', { teams: ['none'] });
  const everyoneRun = await run('everyone', 'Everyone', {});

  const { page, base, problems } = await openPage(t, app);
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/v1/')) asked.push(new URL(request.url()).pathname + new URL(request.url()).search);
  });
  const runIds = () => page.locator('#run-a option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
  const signIn = async (role: 'commissioning' | 'admin') => {
    await page.goto(`${base}/app`);
    await page.getByLabel('API token').fill(tokens[role]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'What to compare' }).waitFor();
  };

  // Commissioning: the runs' team control, no audit log.
  await signIn('commissioning');
  const runsTeam = page.getByLabel('Runs for team');
  await runsTeam.waitFor();
  t.same(await runsTeam.locator('option').allTextContents(), ['All runs', 'No team: runs over young people with no team', 'North', 'South'], 'all, no team, then the teams by name');
  t.same((await runIds()).sort(), [northRun, noTeamRun, everyoneRun].sort(), 'all three runs at first');
  await runsTeam.selectOption({ label: 'North' });
  await page.locator('#status', { hasText: '1 scenario run for North.' }).waitFor();
  t.same(await runIds(), [northRun], 'North: the run over North only (not the one over everyone)');
  t.ok(asked.includes(`/v1/scenario-runs?limit=200&team=${north}`), 'asked the API with ?team={id}');
  await runsTeam.selectOption('none');
  await page.locator('#status', { hasText: '1 scenario run for No team' }).waitFor();
  t.same(await runIds(), [noTeamRun], 'no team: the run whose cohort names none');
  await runsTeam.selectOption({ label: 'South' });
  await page.locator('#status', { hasText: 'No scenario run for South.' }).waitFor();
  t.same(await runIds(), [], 'South: no run');
  t.ok(await page.getByRole('button', { name: 'Compare runs' }).isDisabled(), 'nothing to compare');
  // A quick double switch (issue 17 review): North's reply held back until South's is shown. On
  // the old page North's reply, arriving last, replaced South's list and was captioned from the
  // select ("1 scenario run for South."); now it is dropped.
  const held = async (pathname: string, switchTo: () => Promise<void>, shown: () => Promise<void>) => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const isNorth = (url: URL) => url.pathname === pathname && url.searchParams.get('team') === north;
    await page.route(isNorth, async (route) => {
      await gate;
      await route.continue();
    });
    await switchTo();
    await shown();
    const northReply = page.waitForResponse((response) => isNorth(new URL(response.url())));
    release();
    await northReply;
    // The page's handler of the late reply runs within a few tasks; give it ample time.
    await page.waitForTimeout(500);
    await page.unroute(isNorth);
  };
  await runsTeam.selectOption('');
  await page.locator('#run-a option').nth(2).waitFor({ state: 'attached' });
  await held(
    '/v1/scenario-runs',
    async () => {
      await runsTeam.selectOption({ label: 'North' });
      await runsTeam.selectOption({ label: 'South' });
    },
    () => page.locator('#status', { hasText: 'No scenario run for South.' }).waitFor(),
  );
  t.equal(await page.locator('#status').textContent(), 'No scenario run for South.', 'the late North reply does not caption South');
  t.same(await runIds(), [], 'nor replace South’s (empty) list with North’s run');
  await runsTeam.selectOption('');
  await page.locator('#run-a option').nth(2).waitFor({ state: 'attached' });
  t.equal((await runIds()).length, 3, 'all runs again');
  t.notOk(await page.locator('#audit').isVisible(), 'commissioning does not read the audit log, so is not shown it');
  t.notOk(
    asked.some((url) => url.startsWith('/v1/audit-events')),
    'nor asks for it',
  );
  t.same(await seriousViolations(page), [], 'axe: no serious or critical violations with the runs’ team control');

  // Admin: the audit log, by team. North's events: the team's creation and its two young
  // people's; South's: its creation and its one young person's (a's, b's, c's records, no more).
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn('admin');
  await page.locator('#audit-table').waitFor();
  // The young people's search offers "No team" beside the teams (GET /v1/young-people?team=none).
  // (The teams follow when the plans' search is opened.)
  t.same((await page.locator('#search-team option').allTextContents()).slice(0, 2), ['Any', 'No team']);
  t.equal(await page.locator('#search-team option').nth(1).getAttribute('value'), 'none');
  const auditTeam = page.getByLabel('Events for team');
  t.same(await auditTeam.locator('option').allTextContents(), ['All events', 'North', 'South'], 'all, then the teams (the log answers no “no team”)');
  const everything = (await as('admin', { method: 'GET', url: '/v1/audit-events?limit=50' })).json();
  t.match(await page.locator('#audit-table caption').textContent(), new RegExp(`^${everything.total} audit events`), 'every event at first');
  const rows = async () => (await page.locator('#audit-table tbody tr').allInnerTexts()).map((row) => row.split('\t').slice(2).join(' '));
  await auditTeam.selectOption({ label: 'North' });
  await page.locator('#audit-table caption', { hasText: '3 audit events for North' }).waitFor();
  t.same((await rows()).sort(), [`team.create team ${north}`, `young_person.create young person ${a}`, `young_person.create young person ${b}`].sort(), 'North: its creation and its two young people');
  t.ok(asked.includes(`/v1/audit-events?limit=50&team=${north}`), 'asked the API with ?team={id}');
  await auditTeam.selectOption({ label: 'South' });
  await page.locator('#audit-table caption', { hasText: '2 audit events for South' }).waitFor();
  t.same((await rows()).sort(), [`team.create team ${south}`, `young_person.create young person ${c}`].sort(), 'South: its creation and its one young person');
  t.same(
    await page.locator('#audit-table tbody tr', { hasText: c }).locator('td').nth(1).textContent(),
    'test finance (Finance)',
    'who: the token’s name and role',
  );
  // The same quick double switch on the audit log: North's late reply is dropped.
  await auditTeam.selectOption('');
  await page.locator('#audit-table caption', { hasText: `${everything.total} audit events` }).waitFor();
  await held(
    '/v1/audit-events',
    async () => {
      await auditTeam.selectOption({ label: 'North' });
      await auditTeam.selectOption({ label: 'South' });
    },
    () => page.locator('#audit-table caption', { hasText: '2 audit events for South' }).waitFor(),
  );
  t.equal(await page.locator('#audit-table caption').textContent(), '2 audit events for South', 'the late North reply does not caption South');
  t.same((await rows()).sort(), [`team.create team ${south}`, `young_person.create young person ${c}`].sort(), 'South’s events stay');
  t.same(await seriousViolations(page), [], 'axe: no serious or critical violations on the audit log');
  await page.screenshot({ path: path.join(OUTPUT, 'page-team-filters.png'), fullPage: true });

  // A role that cannot list teams (here: the teams answer 403) gets no team control at all.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.route('**/v1/teams', (route) => route.fulfill({ status: 403, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Forbidden', status: 403, detail: 'not this role' }) }));
  await signIn('admin');
  await page.locator('#audit-table').waitFor();
  t.notOk(await page.locator('#runs-team-field').isVisible(), 'no runs’ team control without the teams');
  t.notOk(await page.locator('#audit-team-field').isVisible(), 'no audit team control without the teams');
  t.equal((await runIds()).length, 3, 'the runs are listed all the same');
  t.notOk(await page.locator('#error').isVisible(), 'and no error shown for the missing teams');
  t.same(
    problems.filter((p) => !/403/.test(p)),
    [],
    'no script errors (the refused teams request logs its 403 only)',
  );
});
