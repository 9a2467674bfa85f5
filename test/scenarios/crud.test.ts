import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { smallScenario } from './fixtures.ts';

t.test('createScenario stores a scenario as written; getScenario and listScenarios read it back beside the files', async (t) => {
  const { app, as } = await buildTestApp(t);
  // Keys in an unusual order: the stored scenario must come back exactly as sent.
  const { strategy, ...rest } = smallScenario();
  const sent = { strategy, ...rest };
  const created = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: sent });
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.headers.location, '/v1/scenarios/small-mst?version=1.0.0');
  const body = created.json();
  t.match(body, { id: 'small-mst', version: '1.0.0', name: 'A small MST team', origin: 'api', file: null, latest: true });
  t.match(body.hash, /^[0-9a-f]{64}$/);
  t.same(Object.keys(body.scenario), Object.keys(sent), 'keys in the order sent');
  t.same(body.scenario, sent);

  const got = await as('board', { method: 'GET', url: '/v1/scenarios/small-mst' });
  t.equal(got.statusCode, 200);
  t.same(got.json(), body, 'the board reads it (aggregates only)');
  t.equal((await as('finance', { method: 'GET', url: '/v1/scenarios/small-mst?version=1.0.0' })).json().hash, body.hash);
  t.equal((await as('finance', { method: 'GET', url: '/v1/scenarios/small-mst?version=2.0.0' })).statusCode, 404);
  t.equal((await as('finance', { method: 'GET', url: '/v1/scenarios/no-such-scenario' })).statusCode, 404);

  const list = (await as('board', { method: 'GET', url: '/v1/scenarios' })).json();
  const ids = list.items.map((s: { id: string }) => s.id);
  t.ok(ids.includes('small-mst'));
  const file = list.items.find((s: { id: string }) => s.id === 'edge-of-care-mst');
  t.match(file, { origin: 'file', file: 'edge-of-care-mst.json', latest: true, createdAt: null }, 'file scenarios are listed with their file');
  t.same(ids, [...ids].sort(), 'by id');
  t.same((await as('board', { method: 'GET', url: '/v1/scenarios?origin=api' })).json().items.map((s: { id: string }) => s.id), ['small-mst']);

  const audit = await app.db.selectFrom('audit_events').selectAll().where('action', '=', 'scenario.create').execute();
  t.equal(audit.length, 1);
  t.equal(audit[0].resource_id, 'small-mst@1.0.0');
  t.equal(audit[0].actor_role, 'commissioning');
});

t.test('updateScenario stores a higher version and nothing else', async (t) => {
  const { app, as } = await buildTestApp(t);
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: smallScenario() })).statusCode, 201);

  const again = await as('finance', { method: 'POST', url: '/v1/scenarios', payload: smallScenario() });
  t.equal(again.statusCode, 409, 'the same id and version');
  t.match(again.headers['content-type'], /application\/problem\+json/);
  t.match(again.json().errors, [{ field: 'body/version' }]);
  const newVersionByPost = await as('finance', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ version: '1.1.0' }) });
  t.equal(newVersionByPost.statusCode, 409, 'createScenario never adds a version to an existing id');
  t.match(newVersionByPost.json().detail, /updateScenario/);

  const updated = await as('head_of_service', { method: 'PUT', url: '/v1/scenarios/small-mst', payload: smallScenario({ version: '1.10.0', name: 'A bigger MST team' }) });
  t.equal(updated.statusCode, 201, updated.body);
  t.equal(updated.headers.location, '/v1/scenarios/small-mst?version=1.10.0');
  t.equal((await as('board', { method: 'GET', url: '/v1/scenarios/small-mst' })).json().name, 'A bigger MST team', 'the newest version by default');
  t.equal((await as('board', { method: 'GET', url: '/v1/scenarios/small-mst?version=1.0.0' })).json().name, 'A small MST team', 'the old version is kept');

  // 1.9.0 is below 1.10.0 as versions, though above it as text.
  for (const version of ['1.9.0', '1.10.0', '0.9.0']) {
    const stale = await as('finance', { method: 'PUT', url: '/v1/scenarios/small-mst', payload: smallScenario({ version }) });
    t.equal(stale.statusCode, 409, `version ${version}`);
    t.same(stale.json().errors, [{ field: 'body/version', reason: 'must be above the latest version, 1.10.0' }]);
  }
  const otherId = await as('finance', { method: 'PUT', url: '/v1/scenarios/small-mst', payload: smallScenario({ id: 'another', version: '2.0.0' }) });
  t.equal(otherId.statusCode, 422);
  t.match(otherId.json().errors, [{ field: 'body/id' }]);
  t.equal((await as('finance', { method: 'PUT', url: '/v1/scenarios/never-stored', payload: smallScenario({ id: 'never-stored' }) })).statusCode, 404);

  const list = (await as('finance', { method: 'GET', url: '/v1/scenarios?id=small-mst' })).json();
  t.same(
    list.items.map((s: { version: string; latest: boolean }) => [s.version, s.latest]),
    [
      ['1.10.0', true],
      ['1.0.0', false],
    ],
  );
  const rows = await app.db.selectFrom('scenarios').select(['version', 'origin']).orderBy('created_at').execute();
  t.same(rows, [
    { version: '1.0.0', origin: 'api' },
    { version: '1.10.0', origin: 'api' },
  ]);
  const audit = await app.db.selectFrom('audit_events').select(['action', 'resource_id']).where('action', 'like', 'scenario.%').orderBy('id').execute();
  t.same(audit, [
    { action: 'scenario.create', resource_id: 'small-mst@1.0.0' },
    { action: 'scenario.update', resource_id: 'small-mst@1.10.0' },
  ]);
});

t.test('file scenarios are read-only and own their ids; "schema" is reserved', async (t) => {
  const { app, as } = await buildTestApp(t);
  const file = (await as('finance', { method: 'GET', url: '/v1/scenarios/edge-of-care-mst' })).json();
  const update = await as('finance', { method: 'PUT', url: '/v1/scenarios/edge-of-care-mst', payload: { ...file.scenario, version: '9.0.0' } });
  t.equal(update.statusCode, 409);
  t.match(update.json().detail, /scenarios\/edge-of-care-mst\.json.*read-only: copy it under a new id/);
  const create = await as('finance', { method: 'POST', url: '/v1/scenarios', payload: { ...file.scenario, version: '9.0.0' } });
  t.equal(create.statusCode, 409, 'nor can its id be taken through the API');
  const copy = await as('finance', { method: 'POST', url: '/v1/scenarios', payload: { ...file.scenario, id: 'edge-of-care-mst-copy' } });
  t.equal(copy.statusCode, 201, 'a copy under a new id is stored');
  const reserved = await as('finance', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'schema' }) });
  t.equal(reserved.statusCode, 422);
  t.match(reserved.json().errors, [{ field: 'body/id', reason: /reserved/ }]);
  const rows = await app.db.selectFrom('scenarios').select('id').execute();
  t.same(rows, [{ id: 'edge-of-care-mst-copy' }]);
});

t.test('the board reads scenarios but cannot create, update or run them', async (t) => {
  const { app, as } = await buildTestApp(t);
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: smallScenario() })).statusCode, 201);
  t.equal((await as('board', { method: 'GET', url: '/v1/scenarios' })).statusCode, 200);
  t.equal((await as('board', { method: 'GET', url: '/v1/scenarios/schema' })).statusCode, 200);
  t.equal((await as('board', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'by-the-board' }) })).statusCode, 403);
  t.equal((await as('board', { method: 'PUT', url: '/v1/scenarios/small-mst', payload: smallScenario({ version: '2.0.0' }) })).statusCode, 403);
  t.equal((await as('board', { method: 'POST', url: '/v1/scenarios/small-mst/runs', payload: { runs: 20 } })).statusCode, 403);
  t.equal((await app.db.selectFrom('scenarios').select('id').execute()).length, 1);
  t.equal((await app.db.selectFrom('jobs').select('id').execute()).length, 0, 'no job was started');
  t.equal((await app.inject({ method: 'GET', url: '/v1/scenarios' })).statusCode, 401, 'no token, no scenarios');
});

t.test('the scenario operations are published in the OpenAPI document with their rules', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(response.statusCode, 200);
  const doc = response.json();
  const operations = Object.values(doc.paths as Record<string, Record<string, { operationId: string; description?: string }>>).flatMap((methods) => Object.values(methods));
  const ids = operations.map((op) => op.operationId);
  for (const id of ['getScenarioSchema', 'listScenarios', 'getScenario', 'createScenario', 'updateScenario', 'runScenario', 'listScenarioRuns', 'getScenarioRun', 'compareScenarioRuns']) {
    t.ok(ids.includes(id), `${id} is published`);
  }
  const run = doc.paths['/v1/scenarios/{id}/runs'].post;
  t.ok(run.responses['202'], 'runScenario answers with a job');
  t.match(run.description, /Requires `scenarios:write`/);
  t.match(doc.paths['/v1/scenario-runs/{id}'].get.description, /Requires `aggregates:read` \(roles: .*board/);
});
