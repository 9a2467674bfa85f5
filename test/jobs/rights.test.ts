import t from 'tap';
import { systemActor } from '../../src/db/repositories/audit.ts';
import { findJob } from '../../src/db/repositories/jobs.ts';
import type { Role } from '../../src/services/access-control.ts';
import type { JobWork } from '../../src/services/jobs.ts';
import { CancelledError } from '../../src/simulation/pool.ts';
import { buildTestApp } from '../helpers/app.ts';

/**
 * Job operations against the right to start that kind of job (issue 14): the board could cancel
 * anyone's scenario run, cancels were not audited, and calibration jobs were hidden from roles
 * that may read the calibration. The jobs here run in the real runner and wait to be cancelled.
 */

const untilCancelled: JobWork = (context) =>
  new Promise((_resolve, reject) => {
    context.signal.addEventListener('abort', () => reject(new CancelledError()));
  });

t.test('who may read and who may cancel each kind of job; every cancel is audited', async (t) => {
  const { app, as } = await buildTestApp(t);
  const submit = async (kind: string, capability: 'aggregates:read' | 'models:write' | 'individuals:read') =>
    (await app.jobs.submit({ kind, capability, params: {}, actor: systemActor }, untilCancelled)).id;

  const expectations: Array<{ kind: string; stored: 'aggregates:read' | 'models:write' | 'individuals:read'; read: Role[]; cancel: Role[] }> = [
    { kind: 'scenario_run', stored: 'aggregates:read', read: ['admin', 'finance', 'commissioning', 'head_of_service', 'board'], cancel: ['admin', 'finance', 'commissioning', 'head_of_service'] },
    // Stored with models:write, as calibration jobs are: reading follows the calibration itself.
    { kind: 'calibration', stored: 'models:write', read: ['admin', 'finance', 'commissioning', 'head_of_service', 'board'], cancel: ['admin', 'commissioning'] },
    { kind: 'pathway_projection', stored: 'individuals:read', read: ['admin', 'finance', 'commissioning', 'head_of_service'], cancel: ['admin', 'finance', 'commissioning', 'head_of_service'] },
  ];
  const roles: Role[] = ['admin', 'finance', 'commissioning', 'head_of_service', 'board'];
  for (const { kind, stored, read, cancel } of expectations) {
    for (const role of roles) {
      const id = await submit(kind, stored);
      const got = await as(role, { method: 'GET', url: `/v1/jobs/${id}` });
      t.equal(got.statusCode, read.includes(role) ? 200 : 403, `${role} reads a ${kind} job`);
      const auditBefore = await app.db.selectFrom('audit_events').selectAll().where('action', '=', 'job.cancel').where('resource_id', '=', id).execute();
      const cancelled = await as(role, { method: 'POST', url: `/v1/jobs/${id}/cancel` });
      t.equal(cancelled.statusCode, cancel.includes(role) ? 202 : 403, `${role} cancels a ${kind} job`);
      t.match(cancelled.headers['content-type'], cancelled.statusCode === 202 ? /json/ : /^application\/problem\+json/);
      const audit = await app.db.selectFrom('audit_events').selectAll().where('action', '=', 'job.cancel').where('resource_id', '=', id).execute();
      if (cancel.includes(role)) {
        t.equal(audit.length, auditBefore.length + 1, `${role}'s cancel of a ${kind} job is audited`);
        t.equal(audit.at(-1)?.actor_role, role);
        t.match(audit.at(-1)?.detail, { kind, cancellation: 'requested' }, 'the event says a cancellation was requested, not that the job stopped');
        await app.jobs.settledWithin(id, 10_000);
        t.equal((await findJob(app.db, id))?.status, 'cancelled');
        // Cancelling a finished job changes nothing but is still recorded.
        t.equal((await as(role, { method: 'POST', url: `/v1/jobs/${id}/cancel` })).statusCode, 202);
        t.equal((await app.db.selectFrom('audit_events').select('id').where('action', '=', 'job.cancel').where('resource_id', '=', id).execute()).length, 2);
      } else {
        t.equal(audit.length, 0, 'a refused cancel stores nothing');
        t.match((await findJob(app.db, id))?.status, /queued|running/, 'and the job goes on');
        await app.jobs.cancel(id);
        await app.jobs.settledWithin(id, 10_000);
      }
    }
  }
});
