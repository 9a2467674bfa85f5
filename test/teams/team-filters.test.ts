import { createHash } from 'node:crypto';
import t from 'tap';
import { deleteTeamRow } from '../../src/db/repositories/teams.ts';
import { buildCohort, planScenarioRun } from '../../src/services/scenario-runs.ts';
import { findScenario } from '../../src/services/scenarios.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { record, runAndWait, smallScenario } from '../scenarios/fixtures.ts';

/**
 * Team filters wherever a list is about young people (issue 17 review): a scenario's cohort by
 * team, GET /v1/scenario-runs?team= and GET /v1/audit-events?team=. Hand-made teams and young
 * people; every count and membership below is worked out from them.
 */

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

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

/** sha256 of the members' inputs in run order (the documented cohort hash). */
const hashOf = (members: unknown[]) => createHash('sha256').update(JSON.stringify(members)).digest('hex');

/** Ages in months on 1 April 2026 of people born in January: (2026 × 12 + 3) − (year × 12). */
const months = (birthYear: number) => 2026 * 12 + 3 - birthYear * 12;

t.test('a scenario cohort by team: only those teams’ young people (and none: those with no team); runs listed by team', async (t) => {
  const { app, as } = await buildTestApp(t);
  const north = await team(as, 'North');
  const south = await team(as, 'South');
  const gone = await team(as, 'Gone');
  // North: two (edge of care born 2013, on a plan born 2011); South: one (residential born 2011,
  // £6,200 a week); no team: two (edge of care born 2012, IFA foster born 2010, £900 a week).
  await person(as, { ...record(2013, 'edge_of_care'), teamId: north });
  await person(as, { ...record(2011, 'cin_cp'), teamId: north });
  await person(as, { ...record(2011, 'residential'), teamId: south });
  await person(as, record(2012, 'edge_of_care'));
  await person(as, record(2010, 'ifa_foster'));

  const store = async (id: string, cohort: Record<string, unknown>) => {
    const response = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id, cohort }) });
    t.equal(response.statusCode, 201, `${id} stored`);
  };
  const run = async (id: string) => {
    const job = await runAndWait(as, id, { runs: 10 });
    t.equal(job.status, 'succeeded', `${id} ran: ${JSON.stringify(job.error ?? null)}`);
    return (await as('finance', { method: 'GET', url: job.result.href })).json();
  };

  await store('north', { teams: [north] });
  await store('north-upper-or-none', { teams: [north.toUpperCase(), 'none'] });
  await store('south-residential', { teams: [south], careStates: ['residential'] });
  await store('north-edge', { teams: [north], careStates: ['edge_of_care'] });
  await store('gone-or-none', { teams: [gone, 'none'] });
  await store('everyone', {});

  const northRun = await run('north');
  t.equal(northRun.cohort.size, 2, 'North: its two young people');
  t.equal(northRun.cohort.hash, hashOf([[months(2013), 'edge_of_care', null], [months(2011), 'cin_cp', null]]), 'North: 159 months on the edge of care, 183 on a plan');
  t.same(northRun.inputs.cohortFilter, { teams: [north] }, 'the filter as run');

  const upperRun = await run('north-upper-or-none');
  t.equal(upperRun.cohort.size, 4, 'North (its id in capitals) or no team: 2 + 2');
  t.equal(
    upperRun.cohort.hash,
    hashOf([[months(2013), 'edge_of_care', null], [months(2012), 'edge_of_care', null], [months(2011), 'cin_cp', null], [months(2010), 'ifa_foster', 900]]),
  );

  const southRun = await run('south-residential');
  t.equal(southRun.cohort.hash, hashOf([[months(2011), 'residential', 6200]]), 'South in residential care: the one at £6,200');

  const edgeRun = await run('north-edge');
  t.equal(edgeRun.cohort.hash, hashOf([[months(2013), 'edge_of_care', null]]), 'North on the edge of care: the one born 2013, not the one with no team born 2012');

  const goneRun = await run('gone-or-none');
  t.equal(goneRun.cohort.size, 2, 'an empty team or no team: the two with no team');
  const everyoneRun = await run('everyone');
  t.equal(everyoneRun.cohort.size, 5);

  // The team is not deleted while a stored scenario names it (test/teams/team-delete-scenarios.test.ts).
  // One deleted before that rule (or named by a file edited since) is gone when its scenario runs:
  // the run fails, naming the field, and the team's run stays findable by its id.
  const kept = await as('admin', { method: 'DELETE', url: `/v1/teams/${gone}` });
  t.equal(kept.statusCode, 409, 'named by gone-or-none: not deleted');
  t.same(kept.json().errors, [{ field: 'params/id', reason: 'is named in cohort.teams of scenario gone-or-none version 1.0.0' }]);
  await deleteTeamRow(app.db, gone);
  const refused = await as('commissioning', { method: 'POST', url: '/v1/scenarios/gone-or-none/runs', payload: { runs: 10 } });
  t.equal(refused.statusCode, 422, 'a run naming a deleted team: 422 at once');
  t.match(refused.headers['content-type'], /application\/problem\+json/);
  t.same(refused.json().errors, [{ field: 'scenario/cohort/teams/0', reason: `names no team (${gone})` }]);
  // Where the job (or the CLI) reads the cohort, the same check: a team deleted after the run was asked for.
  const entry = await findScenario({ db: app.db, catalog: app.catalog, files: app.scenarios }, 'gone-or-none', '1.0.0');
  await t.rejects(buildCohort(app.db, planScenarioRun(app.catalog, entry, { runs: 10, seed: 1 })), { status: 422, errors: [{ field: 'scenario/cohort/teams/0', reason: `names no team (${gone})` }] });

  // GET /v1/scenario-runs?team=: the runs whose cohort names the team, exactly.
  const listed = async (query: string, role: 'finance' | 'board' = 'finance') => {
    const response = await as(role, { method: 'GET', url: `/v1/scenario-runs?${query}` });
    t.equal(response.statusCode, 200, `${query}: 200`);
    const page = response.json();
    return { total: page.total, ids: page.items.map((item: { id: string }) => item.id).sort() };
  };
  const sorted = (...ids: string[]) => ids.sort();
  t.same(await listed(`team=${north}`), { total: 3, ids: sorted(northRun.id, upperRun.id, edgeRun.id) }, 'North: the three runs naming it, whatever the case of the id');
  t.same(await listed(`team=${north.toUpperCase()}`), { total: 3, ids: sorted(northRun.id, upperRun.id, edgeRun.id) }, 'the filter in capitals: the same');
  t.same(await listed(`team=${south}`), { total: 1, ids: [southRun.id] });
  t.same(await listed('team=none'), { total: 2, ids: sorted(upperRun.id, goneRun.id) }, 'none: the runs whose cohort names none');
  t.same(await listed(`team=${gone}`), { total: 1, ids: [goneRun.id] }, 'a deleted team: its run is still found');
  t.same(await listed(`team=${north}&scenario=north-edge`), { total: 1, ids: [edgeRun.id] }, 'with the scenario filter');
  t.same(await listed(`team=${north}&limit=1`).then((page) => page.total), 3, 'the total counts every match, not the page');
  t.same(await listed('limit=50'), { total: 6, ids: sorted(northRun.id, upperRun.id, southRun.id, edgeRun.id, goneRun.id, everyoneRun.id) }, 'no filter: all six');
  t.same(await listed(`team=${south}`, 'board'), { total: 1, ids: [southRun.id] }, 'the board reads runs (aggregates) by team too');

  const notUuid = await as('finance', { method: 'GET', url: '/v1/scenario-runs?team=north' });
  t.equal(notUuid.statusCode, 400);
  t.match(notUuid.headers['content-type'], /application\/problem\+json/);
  t.match(notUuid.json().errors[0].field, /^querystring\/team/);
  const unknown = await as('finance', { method: 'GET', url: `/v1/scenario-runs?team=${UNKNOWN}` });
  t.equal(unknown.statusCode, 422, 'a team that never was: 422, as GET /v1/young-people?team= answers');
  t.same(unknown.json().errors, [{ field: 'querystring/team', reason: 'names no team' }]);
});

t.test('a cohort’s teams: bad input refused naming the field', async (t) => {
  const { as } = await buildTestApp(t);
  const north = await team(as, 'North');
  const cases: Array<{ name: string; teams: unknown; status: number; errors: Array<{ field: string; reason: string | RegExp }> }> = [
    { name: 'not a uuid', teams: ['north'], status: 422, errors: [{ field: 'body/cohort/teams/0', reason: 'must be a team’s id (a UUID, e.g. from GET /v1/teams) or none (young people with no team)' }] },
    { name: 'None in capitals', teams: [north, 'None'], status: 422, errors: [{ field: 'body/cohort/teams/1', reason: 'must be a team’s id (a UUID, e.g. from GET /v1/teams) or none (young people with no team)' }] },
    { name: 'an empty list', teams: [], status: 422, errors: [{ field: 'body/cohort/teams', reason: /^must have at least one item$/ }] },
    { name: 'a team twice', teams: [north, 'none', north], status: 422, errors: [{ field: 'body/cohort/teams/2', reason: `repeats cohort/teams/0 (${north}): name each team once` }] },
    { name: 'a team twice, in another case', teams: [north, north.toUpperCase()], status: 422, errors: [{ field: 'body/cohort/teams/1', reason: `repeats cohort/teams/0 (${north.toUpperCase()}): name each team once` }] },
    { name: 'none twice', teams: ['none', 'none'], status: 422, errors: [{ field: 'body/cohort/teams/1', reason: 'repeats cohort/teams/0 (none): name each team once' }] },
    { name: 'an unknown team', teams: ['none', UNKNOWN], status: 422, errors: [{ field: 'body/cohort/teams/1', reason: `names no team (${UNKNOWN})` }] },
  ];
  for (const c of cases) {
    const response = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'bad-teams', cohort: { teams: c.teams } }) });
    t.equal(response.statusCode, c.status, `${c.name}: ${c.status}`);
    t.match(response.headers['content-type'], /application\/problem\+json/);
    t.match(response.json().errors, c.errors, c.name);
    t.equal(response.json().errors.length, c.errors.length, `${c.name}: only that error`);
  }
  t.equal((await as('finance', { method: 'GET', url: '/v1/scenarios?id=bad-teams' })).json().total, 0, 'nothing stored');
  // An update is checked the same way.
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'by-team', cohort: { teams: [north] } }) })).statusCode, 201);
  const update = await as('commissioning', { method: 'PUT', url: '/v1/scenarios/by-team', payload: smallScenario({ id: 'by-team', version: '1.1.0', cohort: { teams: [UNKNOWN] } }) });
  t.equal(update.statusCode, 422);
  t.same(update.json().errors, [{ field: 'body/cohort/teams/0', reason: `names no team (${UNKNOWN})` }]);
  // A team with nobody in it and no entrants: nobody to project, as for any empty cohort.
  const empty = await as('commissioning', { method: 'POST', url: '/v1/scenarios/by-team/runs', payload: { runs: 10 } });
  t.equal(empty.statusCode, 422);
  t.same(empty.json().errors, [{ field: 'scenario/cohort', reason: 'matches no young people on record, and there are no entrants' }]);
});

t.test('GET /v1/audit-events?team=: the team’s events and its young people’s, by today’s team', async (t) => {
  const { as } = await buildTestApp(t);
  const north = await team(as, 'North');
  const south = await team(as, 'South');
  const gone = await team(as, 'Gone');
  const a = await person(as, { ...record(2011, 'residential'), teamId: north });
  const b = await person(as, { ...record(2013, 'edge_of_care'), teamId: south });
  const c = await person(as, record(2012, 'edge_of_care'));
  // b moves from South to North: their events follow them. c joins no team.
  const bNow = (await as('finance', { method: 'GET', url: `/v1/young-people/${b}` })).json();
  t.equal((await as('finance', { method: 'PATCH', url: `/v1/young-people/${b}`, payload: { version: bNow.version, teamId: north } })).statusCode, 200);
  // A care plan for a (North) and for c (no team), one deleted again; a team renamed; a team deleted.
  const planA = await as('finance', { method: 'POST', url: `/v1/young-people/${a}/care-plans`, payload: { name: 'Stay in residential' } });
  t.equal(planA.statusCode, 201);
  const planC = await as('finance', { method: 'POST', url: `/v1/young-people/${c}/care-plans`, payload: { name: 'Stay at home' } });
  t.equal(planC.statusCode, 201);
  const planA2 = (await as('finance', { method: 'POST', url: `/v1/young-people/${a}/care-plans`, payload: { name: 'Foster care', moves: [{ month: 3, to: 'inhouse_foster' }] } })).json();
  t.equal((await as('finance', { method: 'DELETE', url: `/v1/young-people/${a}/care-plans/${planA2.id}` })).statusCode, 204);
  // A projection of a's plans: its event names the projection, its detail the person.
  const projection = await as('finance', { method: 'POST', url: `/v1/young-people/${a}/projections`, payload: { runs: 200, seed: 3 } });
  t.equal(projection.statusCode, 201, 'a small projection answers at once');
  t.equal((await as('admin', { method: 'PATCH', url: `/v1/teams/${north}`, payload: { name: 'North CLA' } })).statusCode, 200);
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/teams/${gone}` })).statusCode, 204);

  const events = async (query: string) => {
    const response = await as('admin', { method: 'GET', url: `/v1/audit-events?${query}` });
    t.equal(response.statusCode, 200, `${query}: 200`);
    const page = response.json();
    const items = page.items.map((e: { action: string; resourceType: string; resourceId: string }) => `${e.action} ${e.resourceType} ${e.resourceId}`).sort();
    return { total: page.total, items };
  };
  const sorted = (...items: string[]) => items.sort();
  t.same(
    await events(`team=${north}`),
    {
      total: 9,
      items: sorted(
        `team.create team ${north}`,
        `team.update team ${north}`,
        `young_person.create young_person ${a}`,
        `young_person.create young_person ${b}`,
        `young_person.update young_person ${b}`,
        `care_plan.create care_plan ${planA.json().id}`,
        `care_plan.create care_plan ${planA2.id}`,
        `care_plan.delete care_plan ${planA2.id}`,
        `pathway_projection.run pathway_projection ${projection.json().id}`,
      ),
    },
    'North: its two events, a’s and b’s records (b moved in with their past), a’s three plan events and projection; not c’s plan, not South’s',
  );
  t.same(await events(`team=${south}`), { total: 1, items: [`team.create team ${south}`] }, 'South: its creation only (b has left)');
  t.same(await events(`team=${gone}`), { total: 2, items: sorted(`team.create team ${gone}`, `team.delete team ${gone}`) }, 'a deleted team: its own events');
  t.same(await events(`team=${north.toUpperCase()}&resourceType=care_plan`), { total: 3, items: sorted(`care_plan.create care_plan ${planA.json().id}`, `care_plan.create care_plan ${planA2.id}`, `care_plan.delete care_plan ${planA2.id}`) }, 'with another filter, the id in capitals');
  t.equal((await events(`team=${north}&limit=2`)).total, 9, 'the total counts every match');

  const notUuid = await as('admin', { method: 'GET', url: '/v1/audit-events?team=none' });
  t.equal(notUuid.statusCode, 400, 'none is not a team here: every event about nobody’s team is not a question the log answers');
  t.match(notUuid.json().errors[0].field, /^querystring\/team/);
  const unknown = await as('admin', { method: 'GET', url: `/v1/audit-events?team=${UNKNOWN}` });
  t.equal(unknown.statusCode, 422);
  t.match(unknown.headers['content-type'], /application\/problem\+json/);
  t.same(unknown.json().errors, [{ field: 'querystring/team', reason: 'names no team' }]);
  // The role rule is the log's own: admin only.
  for (const role of ['finance', 'commissioning', 'head_of_service', 'board'] as const) {
    t.equal((await as(role, { method: 'GET', url: `/v1/audit-events?team=${north}` })).statusCode, 403, `${role}: 403`);
  }
});
