import Fastify from 'fastify';
import t from 'tap';
import { appendAuditEvent, systemActor } from '../../src/db/repositories/audit.ts';
import { findJob } from '../../src/db/repositories/jobs.ts';
import { UnprocessableError } from '../../src/services/errors.ts';
import { JobRunner } from '../../src/services/jobs.ts';
import { buildTestApp } from '../helpers/app.ts';
import { freshDatabase } from '../helpers/database.ts';

const log = Fastify({ logger: false }).log;
const spec = { kind: 'test_job', capability: 'aggregates:read' as const, params: { n: 1 }, actor: systemActor };

/** The stand-in "result" these tests store: an audit event per job. */
async function results(db: Awaited<ReturnType<typeof freshDatabase>>['db'], jobId: string) {
  return db.selectFrom('audit_events').selectAll().where('resource_id', '=', jobId).execute();
}

t.test('a job runs, reports progress and stores its result with its success', async (t) => {
  const database = await freshDatabase();
  const runner = new JobRunner(database.db, log);
  t.teardown(async () => {
    await runner.close();
    await database.close();
  });
  const seen: number[] = [];
  const row = await runner.submit(spec, async (context) => {
    for (let i = 1; i <= 3; i++) {
      context.progress(i / 4);
      seen.push(i);
    }
    return {
      resultType: 'test_result',
      resultId: context.jobId,
      persist: (trx) => appendAuditEvent(trx, systemActor, { action: 'test.result', resourceType: 'test', resourceId: context.jobId }),
    };
  });
  t.equal(row.status, 'queued');
  t.ok(await runner.settledWithin(row.id, 10_000));
  const done = await findJob(database.db, row.id);
  t.equal(done?.status, 'succeeded');
  t.equal(done?.progress, 1);
  t.equal(done?.result_id, row.id);
  t.equal((await results(database.db, row.id)).length, 1, 'the result is stored');
  t.same(seen, [1, 2, 3]);
});

t.test('a cancelled job leaves no result; a failing one names why; a failing persist rolls back', async (t) => {
  const database = await freshDatabase();
  const runner = new JobRunner(database.db, log);
  t.teardown(async () => {
    await runner.close();
    await database.close();
  });

  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const cancelled = await runner.submit(spec, async (context) => {
    await gate;
    if (context.signal.aborted) throw new Error('stopped');
    return { resultType: 'test_result', resultId: context.jobId, persist: (trx) => appendAuditEvent(trx, systemActor, { action: 'x', resourceType: 'test', resourceId: context.jobId }) };
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await runner.cancel(cancelled.id);
  release();
  await runner.settledWithin(cancelled.id, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const afterCancel = await findJob(database.db, cancelled.id);
  t.equal(afterCancel?.status, 'cancelled');
  t.equal(afterCancel?.result_id, null);
  t.equal((await results(database.db, cancelled.id)).length, 0, 'nothing stored');

  const failing = await runner.submit(spec, async () => {
    throw new UnprocessableError('no cohort', [{ field: 'cohort', reason: 'is empty' }]);
  });
  await runner.settledWithin(failing.id, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const failed = await findJob(database.db, failing.id);
  t.equal(failed?.status, 'failed');
  t.match(failed?.error, { status: 422, errors: [{ field: 'cohort', reason: 'is empty' }] });

  const halfWritten = await runner.submit(spec, async (context) => ({
    resultType: 'test_result',
    resultId: context.jobId,
    persist: async (trx) => {
      await appendAuditEvent(trx, systemActor, { action: 'part one', resourceType: 'test', resourceId: context.jobId });
      throw new Error('disk full');
    },
  }));
  await runner.settledWithin(halfWritten.id, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal((await findJob(database.db, halfWritten.id))?.status, 'failed');
  t.equal((await results(database.db, halfWritten.id)).length, 0, 'the first half of the result was rolled back');
});

t.test('getJob and cancelJob over HTTP; a job from a stopped process is failed', async (t) => {
  const { app, as } = await buildTestApp(t);
  const row = await app.jobs.submit({ ...spec, capability: 'individuals:read' }, async (context) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { resultType: 'pathway_projection', resultId: context.jobId, persist: async () => {} };
  });
  await app.jobs.settledWithin(row.id, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const got = await as('finance', { method: 'GET', url: `/v1/jobs/${row.id}` });
  t.equal(got.statusCode, 200);
  t.equal(got.json().status, 'succeeded');
  t.equal(got.json().result.href, `/v1/pathway-projections/${row.id}`);
  t.equal((await as('board', { method: 'GET', url: `/v1/jobs/${row.id}` })).statusCode, 403, 'the board may not see an individual’s job');
  const finished = await as('finance', { method: 'POST', url: `/v1/jobs/${row.id}/cancel` });
  t.equal(finished.statusCode, 202);
  t.equal(finished.json().status, 'succeeded', 'cancelling a finished job changes nothing');
  t.equal((await as('finance', { method: 'GET', url: '/v1/jobs/00000000-0000-4000-8000-000000000000' })).statusCode, 404);

  // A job owned by a process that stopped a while ago: housekeeping fails it.
  await app.db
    .insertInto('jobs')
    .values({ kind: 'test_job', capability: 'aggregates:read', params: '{}', status: 'running', owner: 'gone', heartbeat_at: new Date(Date.now() - 120_000) })
    .execute();
  await app.jobs.housekeeping();
  const orphan = await app.db.selectFrom('jobs').selectAll().where('owner', '=', 'gone').executeTakeFirstOrThrow();
  t.equal(orphan.status, 'failed');
  t.match(orphan.message, /interrupted/);
});
