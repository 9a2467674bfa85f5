import t from 'tap';
import type { ScenarioFileEntry } from '../../src/catalog/scenario-catalog.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { systemActor } from '../../src/db/repositories/audit.ts';
import { insertScenario } from '../../src/db/repositories/scenarios.ts';
import { checkCohortTeams } from '../../src/services/scenarios.ts';
import { deleteTeam } from '../../src/services/teams.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { usingPostgres } from '../helpers/database.ts';
import { smallScenario } from '../scenarios/fixtures.ts';

/**
 * Deleting a team that a scenario names in its cohort (issue 17, team filters): refused with a 409
 * naming each scenario version, as a team with young people or history episodes is. Before, the
 * team went (204) and every stored scenario naming it answered 422 when run, and a stored version
 * never changes, so it could never run again.
 */

async function team(as: TestApp['as'], name: string): Promise<string> {
  const response = await as('admin', { method: 'POST', url: '/v1/teams', payload: { name, service: 'children_looked_after' } });
  if (response.statusCode !== 201) throw new Error(`could not add a team: ${response.body}`);
  return response.json().id;
}

t.test('DELETE /v1/teams/{id}: 409 naming every scenario version whose cohort names the team; nothing deleted', async (t) => {
  const { as } = await buildTestApp(t);
  const north = await team(as, 'North');
  const south = await team(as, 'South');
  const east = await team(as, 'East');

  const store = async (method: 'POST' | 'PUT', id: string, version: string, cohort: Record<string, unknown>) => {
    const url = method === 'POST' ? '/v1/scenarios' : `/v1/scenarios/${id}`;
    const response = await as('commissioning', { method, url, payload: smallScenario({ id, version, cohort }) });
    t.equal(response.statusCode, 201, `${id} ${version} stored`);
  };
  // north-only names North (its id in capitals) in 1.0.0 only: 1.1.0 is everyone. Both versions
  // stay stored, and 1.0.0 can still be run (POST /v1/scenarios/north-only/runs {version}).
  await store('POST', 'north-only', '1.0.0', { teams: [north.toUpperCase()] });
  await store('PUT', 'north-only', '1.1.0', {});
  await store('POST', 'south-or-none', '1.0.0', { teams: ['none', south] });
  await store('POST', 'north-and-south', '2.0.0', { teams: [south, north] });

  const northRefused = await as('admin', { method: 'DELETE', url: `/v1/teams/${north}` });
  t.equal(northRefused.statusCode, 409, 'North: named by two scenario versions');
  t.match(northRefused.headers['content-type'], /application\/problem\+json/);
  t.same(northRefused.json().errors, [
    { field: 'params/id', reason: 'is named in cohort.teams of scenario north-and-south version 2.0.0' },
    { field: 'params/id', reason: 'is named in cohort.teams of scenario north-only version 1.0.0' },
  ]);
  t.equal(
    northRefused.json().detail,
    'The team is named in the cohort of 2 scenario versions (north-and-south 2.0.0, north-only 1.0.0), which would no longer run without it; a stored scenario version never changes, so rename the team instead',
  );

  const southRefused = await as('admin', { method: 'DELETE', url: `/v1/teams/${south}` });
  t.equal(southRefused.statusCode, 409);
  t.same(southRefused.json().errors, [
    { field: 'params/id', reason: 'is named in cohort.teams of scenario north-and-south version 2.0.0' },
    { field: 'params/id', reason: 'is named in cohort.teams of scenario south-or-none version 1.0.0' },
  ]);

  // Nothing deleted: both teams are still there, and the scenario naming them still runs its checks.
  t.equal((await as('finance', { method: 'GET', url: `/v1/teams/${north}` })).statusCode, 200);
  t.equal((await as('finance', { method: 'GET', url: `/v1/teams/${south}` })).statusCode, 200);
  const teams = (await as('finance', { method: 'GET', url: '/v1/teams' })).json().items.map((x: { name: string }) => x.name);
  t.same(teams, ['East', 'North', 'South']);

  // Renaming is the way out, as for a team on history episodes.
  t.equal((await as('admin', { method: 'PATCH', url: `/v1/teams/${north}`, payload: { name: 'North (closed)' } })).statusCode, 200);

  // A team no scenario names goes (none names East; none names everyone's teams).
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/teams/${east}` })).statusCode, 204);
  t.equal((await as('finance', { method: 'GET', url: `/v1/teams/${east}` })).statusCode, 404);
  // And a scenario naming the deleted team is refused when stored, naming the field.
  const late = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'east', cohort: { teams: [east] } }) });
  t.equal(late.statusCode, 422);
  t.same(late.json().errors, [{ field: 'body/cohort/teams/0', reason: `names no team (${east})` }]);
});

t.test('deleteTeam: a file scenario in scenarios/ naming the team refuses the delete too, naming the file', async (t) => {
  const { app, as } = await buildTestApp(t);
  const west = await team(as, 'West');
  const spec = smallScenario({ id: 'west-file', version: '3.1.0', cohort: { teams: [west] } }) as unknown as ScenarioSpec;
  const file: ScenarioFileEntry = { id: 'west-file', version: '3.1.0', name: 'A small MST team', file: 'west-file.json', hash: 'h', spec };
  const other: ScenarioFileEntry = { ...file, id: 'everyone-file', file: 'everyone-file.json', spec: { ...spec, id: 'everyone-file', cohort: {} } };
  await t.rejects(deleteTeam(app.db, systemActor, west, { list: () => [other, file] }), {
    status: 409,
    errors: [{ field: 'params/id', reason: 'is named in cohort.teams of scenario west-file version 3.1.0 (scenarios/west-file.json)' }],
  });
  t.equal((await as('finance', { method: 'GET', url: `/v1/teams/${west}` })).statusCode, 200, 'not deleted');
  // Without that file, it goes.
  await deleteTeam(app.db, systemActor, west, { list: () => [other] });
  t.equal((await as('finance', { method: 'GET', url: `/v1/teams/${west}` })).statusCode, 404);
});

t.test(
  'a scenario stored while its team is deleted: one of the two is refused, never neither',
  { skip: usingPostgres ? false : 'needs PostgreSQL: two connections at once (PGlite has one)' },
  async (t) => {
    const { app, as } = await buildTestApp(t);
    const pause = () => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    };
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    // 1. The delete holds the team's row (deleteTeam's first step) when the scenario is stored: the
    // store waits for it, then finds no team (422). Main read the team without waiting: 201, a
    // stored scenario naming a deleted team.
    const north = await team(as, 'North');
    const locked = pause();
    const release = pause();
    const deleting = app.db.transaction().execute(async (trx) => {
      await trx.selectFrom('teams').select('id').where('id', '=', north).forUpdate().execute();
      locked.open();
      await release.opened;
      await trx.deleteFrom('teams').where('id', '=', north).execute();
    });
    await locked.opened;
    const storing = as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'north', cohort: { teams: [north] } }) });
    await sleep(300);
    release.open();
    await deleting;
    const stored = await storing;
    t.equal(stored.statusCode, 422, stored.body);
    t.same(stored.json().errors, [{ field: 'body/cohort/teams/0', reason: `names no team (${north})` }]);

    // 2. The scenario is being stored (its teams share-locked, its row written, not yet committed)
    // when the delete comes: the delete waits, then finds the scenario (409). Without the lock
    // taken first the delete counted no scenario, then deleted the team once the store committed.
    const south = await team(as, 'South');
    const written = pause();
    const commit = pause();
    const spec = smallScenario({ id: 'south', cohort: { teams: [south] } }) as unknown as ScenarioSpec;
    const storingSouth = app.db.transaction().execute(async (trx) => {
      await checkCohortTeams(trx, spec, 'body', true);
      await insertScenario(trx, { id: 'south', version: '1.0.0', spec: JSON.stringify(spec), hash: 'h', origin: 'api', created_by: null });
      written.open();
      await commit.opened;
    });
    await written.opened;
    const deletingSouth = as('admin', { method: 'DELETE', url: `/v1/teams/${south}` });
    await sleep(300);
    commit.open();
    await storingSouth;
    const refused = await deletingSouth;
    t.equal(refused.statusCode, 409, refused.body);
    t.same(refused.json().errors, [{ field: 'params/id', reason: 'is named in cohort.teams of scenario south version 1.0.0' }]);
    t.equal((await as('finance', { method: 'GET', url: `/v1/teams/${south}` })).statusCode, 200);
  },
);
