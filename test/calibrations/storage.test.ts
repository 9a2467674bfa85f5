import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { systemActor } from '../../src/db/repositories/audit.ts';
import { readFileSync } from 'node:fs';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { modelContentHash } from '../../src/catalog/canonical-json.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';
import { nextModelVersion, withVersion } from '../../src/services/calibrations.ts';
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts';
import { freshDatabase } from '../helpers/database.ts';
import { multipartForm, northvaleFiles } from './forms.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function testConfig() {
  return loadConfig({
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    rateLimitPerMinute: 100_000,
    loadDemoData: false,
    workerThreads: 0,
    dataDir: await mkdtemp(path.join(tmpdir(), 'pathcast-test-data-')),
  });
}

t.test('versions: 1.0.0 first, then the newest minor plus one', async (t) => {
  t.equal(nextModelVersion([]), '1.0.0');
  t.equal(nextModelVersion(['1.0.0']), '1.1.0');
  t.equal(nextModelVersion(['1.9.0', '1.10.0', '1.2.0']), '1.11.0', 'compared as versions, not as text');
  t.equal(nextModelVersion(['1.4.0', '2.3.1']), '2.4.0');
});

t.test('a calibrated model resolved on the worker under one version is validateModel’s answer under the version stored', async (t) => {
  // The catalog takes the worker's resolved model (tryAddResolved) rather than validating again on
  // the service thread; the version is chosen afterwards, under a lock, so this must hold exactly.
  const prior = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../models/england-default.json'), 'utf8'));
  const imported = await importSsda903(
    northvaleFiles([2024, 2025]).map((f) => ({ name: f.name, buffer: f.content as Uint8Array })),
    {},
  );
  const { model } = calibrate(imported, { priorModel: prior, authorityName: 'Northvale' });
  const onWorker = validateModel(model);
  if (!onWorker.ok) throw new Error(JSON.stringify(onWorker.errors));
  t.ok(model.rateUncertainty?.rowConcentration && model.ageTransitions?.length, 'a calibrated model, with row concentrations and age transitions');
  // As it crosses from the worker thread.
  const crossed = structuredClone(onWorker.model);
  const spec = { ...model, version: '1.7.0' };
  const expected = validateModel(spec);
  if (!expected.ok) throw new Error(JSON.stringify(expected.errors));
  const patched = withVersion(crossed, spec, modelContentHash(spec));
  t.same(patched, expected.model);
  t.equal(patched.version, '1.7.0');
  t.not(patched.hash, onWorker.model.hash, 'the hash is of the version stored');
});

t.test('stored models join the catalog at start; one that has changed since stops the start', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.close());
  const config = await testConfig();

  const first = await buildApp({ config, database, logger: false });
  const form = await multipartForm(northvaleFiles([2023, 2024, 2025]), { authority: 'Northvale' });
  const response = await first.inject({ method: 'POST', url: '/v1/calibrations', ...form, headers: { ...form.headers, ...admin } });
  t.equal(response.statusCode, 202, response.body);
  await first.jobs.settledWithin(response.json().id, 120_000);
  const entry = first.catalog.get('northvale-calibrated');
  t.ok(entry, 'the new model joined the live catalog');
  await first.close();

  const second = await buildApp({ config, database, logger: false });
  const reloaded = second.catalog.get('northvale-calibrated', '1.0.0');
  t.equal(reloaded?.hash, entry?.hash, 'loaded from the database at start, the same model');
  t.match(reloaded?.origin, /^database: calibration [0-9a-f-]{36}$/);
  const listed = (await second.inject({ method: 'GET', url: '/v1/models', headers: admin })).json().items.map((m: { id: string }) => m.id);
  t.same(listed, ['england-default', 'northvale-calibrated']);
  await second.close();

  // Someone edits the stored model behind the service's back: its recorded hash no longer
  // vouches for it, and the service will not start on it.
  const spec = reloaded?.model.spec;
  await database.db.updateTable('stored_models').set({ spec: JSON.stringify({ ...spec, name: 'Renamed behind our back' }) }).execute();
  await t.rejects(buildApp({ config, database, logger: false }), /database: calibration [0-9a-f-]{36}:\n.*no longer matches the hash recorded when it was stored/, 'a changed model stops the start, named');
  await database.db.updateTable('stored_models').set({ spec: JSON.stringify({ id: 'northvale-calibrated' }) }).execute();
  await t.rejects(buildApp({ config, database, logger: false }), /invalid cost models:\ndatabase: calibration [0-9a-f-]{36}:/, 'so does an invalid one');
});

t.test('two calibrations of one authority at once get different versions', async (t) => {
  const test = await buildTestApp(t);
  const form = await multipartForm(northvaleFiles([2024, 2025]), { authority: 'Northvale', backtestYear: 'none' });
  const [a, b] = await Promise.all([1, 2].map(() => test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form })));
  t.equal(a.statusCode, 202);
  t.equal(b.statusCode, 202);
  await test.app.jobs.settledWithin(a.json().id, 120_000);
  await test.app.jobs.settledWithin(b.json().id, 120_000);
  const versions = (await test.app.db.selectFrom('calibrations').select('model_version').execute()).map((r) => r.model_version).sort();
  t.same(versions, ['1.0.0', '1.1.0']);
  t.same(
    test.app.catalog
      .list()
      .filter((e) => e.id === 'northvale-calibrated')
      .map((e) => e.version),
    ['1.1.0', '1.0.0'],
  );
});

t.test('a calibration cancelled or failing while it is stored leaves nothing behind', async (t) => {
  const test = await buildTestApp(t);
  const { app, as } = test;
  const count = async (table: 'calibrations' | 'stored_models') => Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const form = await multipartForm(northvaleFiles([2024, 2025]), { authority: 'Northvale' });

  // Both job slots busy, so the calibration waits in the queue; cancelled there, it never runs.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const blockers = await Promise.all(
    [1, 2].map(() =>
      app.jobs.submit({ kind: 'test_block', capability: 'aggregates:read', params: {}, actor: systemActor }, async (context) => {
        await gate;
        return { resultType: 'test', resultId: context.jobId, persist: async () => {} };
      }),
    ),
  );
  const queued = await as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form });
  t.equal(queued.statusCode, 202);
  const cancelled = await as('commissioning', { method: 'POST', url: `/v1/jobs/${queued.json().id}/cancel` });
  t.equal(cancelled.json().status, 'cancelled');
  release();
  for (const blocker of blockers) await app.jobs.settledWithin(blocker.id, 10_000);

  // A failure while the result is written: the stored model, the calibration and the audit events go together.
  await sql`create function refuse_calibration() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`.execute(app.db);
  await sql`create trigger refuse_calibration before insert on calibrations for each row execute function refuse_calibration()`.execute(app.db);
  const failing = await as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form });
  t.equal(failing.statusCode, 202);
  await app.jobs.settledWithin(failing.json().id, 120_000);
  const job = (await as('commissioning', { method: 'GET', url: `/v1/jobs/${failing.json().id}` })).json();
  t.equal(job.status, 'failed');
  t.equal(job.result, null);

  t.equal(await count('calibrations'), 0, 'no calibration');
  t.equal(await count('stored_models'), 0, 'no stored model, though it was written before the failure');
  t.equal((await app.db.selectFrom('audit_events').select('id').where('action', 'in', ['calibration.create', 'model.create']).execute()).length, 0, 'no audit event');
  t.notOk(app.catalog.get('northvale-calibrated'), 'the live catalog never saw it');
  t.equal((await as('board', { method: 'GET', url: '/v1/models/northvale-calibrated' })).statusCode, 404);
});
