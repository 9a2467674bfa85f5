import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { ModelCatalog, readModelFiles } from '../../src/catalog/catalog.ts';
import { loadScenarioFiles, ScenarioCatalogError } from '../../src/catalog/scenario-catalog.ts';
import { scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/catalog/scenario-json-schema.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { DatabaseHandle } from '../../src/db/connect.ts';
import { ADMIN_TOKEN, buildTestApp, type TestApp } from '../helpers/app.ts';
import { freshDatabase } from '../helpers/database.ts';
import { addCohort, pollJob, smallScenario } from './fixtures.ts';

const scenariosDir = path.resolve(import.meta.dirname, '../../scenarios');
const modelsDir = path.resolve(import.meta.dirname, '../../models');

t.test('scenarios/scenario.schema.json is the current TypeBox definition (node src/cli/write-scenario-schema.ts)', async (t) => {
  t.equal(readFileSync(path.join(scenariosDir, 'scenario.schema.json'), 'utf8'), scenarioJsonSchemaText(), 'regenerate with node src/cli/write-scenario-schema.ts');
  const { as } = await buildTestApp(t);
  const served = await as('board', { method: 'GET', url: '/v1/scenarios/schema' });
  t.equal(served.statusCode, 200);
  t.same(served.json(), scenarioJsonSchema(), 'getScenarioSchema serves the same document');
});

t.test('every committed scenario is valid against the model it names', async (t) => {
  const catalog = ModelCatalog.fromSpecs(await readModelFiles(modelsDir));
  const files = await loadScenarioFiles(scenariosDir, (id, version) => catalog.get(id, version)?.model.spec);
  const names = files.list().map((f) => f.file);
  t.ok(names.includes('edge-of-care-mst.json'));
  t.notOk(names.includes('scenario.schema.json'), 'the schema file is not a scenario');
  t.notOk(names.some((name) => name.endsWith('.csv')), 'nor is the data beside them');
});

function scenarioDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pathcast-scenarios-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}

/** The app on a given database and scenarios folder; several can use one database in turn. */
async function appOn(database: DatabaseHandle, dir: string) {
  const config = loadConfig({ adminToken: ADMIN_TOKEN, logLevel: 'silent', loadDemoData: false, workerThreads: 0, scenarioQueue: 'off', scenariosDir: dir, dataDir: mkdtempSync(path.join(tmpdir(), 'pathcast-test-data-')) });
  return buildApp({ config, database, logger: false });
}

/** Every request as the admin, whatever role a shared helper asks for. */
const asAdmin =
  (app: FastifyInstance): TestApp['as'] =>
  (_role, options) =>
    app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${ADMIN_TOKEN}` } });

t.test('a bad scenario file stops the start, naming the file and each error', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.close());
  const dir = scenarioDir({
    'good.json': smallScenario({ id: 'good' }),
    'bad.json': smallScenario({ id: 'bad', lifetimeYears: 30, strategy: { name: 'x', interventions: [{ id: 'magic_wand', capacityPerYear: 1 }] } }),
    'broken.json': '{ "id": ',
    'data.csv': 'not,a,scenario\n',
  });
  copyFileSync(path.join(scenariosDir, 'scenario.schema.json'), path.join(dir, 'scenario.schema.json'));
  const error = await appOn(database, dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(error, ScenarioCatalogError);
  const message = (error as Error).message;
  t.match(message, /bad\.json:\n {2}\/lifetimeYears: is beyond the model/);
  t.match(message, /\/strategy\/interventions\/0\/id: unknown intervention "magic_wand"/);
  t.match(message, /broken\.json:\n {2}\/: is not valid JSON/);
  t.notMatch(message, /good\.json|data\.csv|scenario\.schema\.json/, 'only the bad files are named');

  const duplicate = scenarioDir({ 'a.json': smallScenario({ id: 'twice' }), 'b.json': smallScenario({ id: 'twice', name: 'Other' }) });
  await t.rejects(appOn(database, duplicate), /b\.json:\n {2}\/version: twice 1\.0\.0 is already defined by a\.json/);
});

t.test('a file scenario runs like any other; its version is recorded and may not change afterwards', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.close());
  const dir = scenarioDir({ 'from-file.json': smallScenario({ id: 'from-file' }) });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  const first = await appOn(database, dir);
  await addCohort(asAdmin(first));
  const run = async (app: FastifyInstance) => {
    const response = await app.inject({ method: 'POST', url: '/v1/scenarios/from-file/runs', payload: { runs: 10 }, headers: admin });
    if (response.statusCode !== 202) return response;
    const job = await pollJob(asAdmin(app), response.json().id);
    t.equal(job.status, 'succeeded', JSON.stringify(job));
    return response;
  };
  t.equal((await run(first)).statusCode, 202);
  const listed = (await first.inject({ method: 'GET', url: '/v1/scenarios?id=from-file', headers: admin })).json();
  t.match(listed.items, [{ origin: 'file', file: 'from-file.json', version: '1.0.0' }]);
  t.type(listed.items[0].createdAt, 'string', 'recorded when first run');
  t.equal((await run(first)).statusCode, 202, 'and runs again');
  await first.close();

  // Edited in place without a new version: the service starts, but the version cannot run.
  writeFileSync(path.join(dir, 'from-file.json'), JSON.stringify(smallScenario({ id: 'from-file', name: 'Edited' })));
  const second = await appOn(database, dir);
  const refused = await run(second);
  t.equal(refused.statusCode, 409);
  t.match(refused.json().detail, /scenarios\/from-file\.json has changed since version 1\.0\.0 was first run.*new version/);
  await second.close();

  writeFileSync(path.join(dir, 'from-file.json'), JSON.stringify(smallScenario({ id: 'from-file', name: 'Edited', version: '1.1.0' })));
  const third = await appOn(database, dir);
  t.equal((await run(third)).statusCode, 202, 'a new version runs');
  const versions = (await third.inject({ method: 'GET', url: '/v1/scenarios?id=from-file', headers: admin })).json().items;
  t.same(
    versions.map((v: { version: string; name: string; file: string | null }) => [v.version, v.name, v.file]),
    [
      ['1.1.0', 'Edited', 'from-file.json'],
      ['1.0.0', 'A small MST team', null],
    ],
    'the version that was run stays readable after its file moved on',
  );
  const rows = await database.db.selectFrom('scenario_runs').select(['scenario_version']).orderBy('created_at').execute();
  t.same(rows.map((r) => r.scenario_version), ['1.0.0', '1.0.0', '1.1.0']);
  await third.close();

  // A scenario stored through the API owns its id: a file taking it later stops the start.
  const fourth = await appOn(database, dir);
  t.equal((await fourth.inject({ method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'api-owned' }), headers: admin })).statusCode, 201);
  await fourth.close();
  writeFileSync(path.join(dir, 'api-owned.json'), JSON.stringify(smallScenario({ id: 'api-owned', version: '5.0.0' })));
  await t.rejects(appOn(database, dir), /api-owned\.json:\n {2}\/id: "api-owned" is already used by a scenario stored through the API/);
});
