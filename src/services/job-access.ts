import type { Kysely } from 'kysely';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { findJob, requestCancel } from '../db/repositories/jobs.ts';
import type { Database, JobRow } from '../db/schema.ts';
import { type Capability, can, type Role } from './access-control.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';
import type { JobRunner } from './jobs.ts';

/**
 * Who may see and who may cancel each kind of job (issue 14). Reading a job follows reading its
 * result: a calibration job is as readable as the calibration it makes (aggregates), a pathway
 * projection job only to those who may read individuals. Cancelling follows the right to start
 * that kind of job: the board may read a scenario run's job but not stop somebody's run.
 */
export const JOB_RIGHTS: Readonly<Record<string, { read: Capability; start: Capability }>> = {
  pathway_projection: { read: 'individuals:read', start: 'projections:run' },
  scenario_run: { read: 'aggregates:read', start: 'scenarios:write' },
  calibration: { read: 'aggregates:read', start: 'models:write' },
};

/** A kind not listed falls back to the capability stored with the job, for both. */
export function jobRights(row: Pick<JobRow, 'kind' | 'capability'>): { read: Capability; start: Capability } {
  return JOB_RIGHTS[row.kind] ?? { read: row.capability as Capability, start: row.capability as Capability };
}

export async function readableJob(db: Kysely<Database>, actor: Actor & { role: Role }, id: string): Promise<JobRow> {
  const row = await findJob(db, id);
  if (!row) throw new NotFoundError('job', id);
  const { read } = jobRights(row);
  if (!can(actor.role, read)) throw new ForbiddenError(`role ${actor.role} may not see this job (needs ${read})`);
  return row;
}

/**
 * Cancels a job for someone allowed to start that kind of job; the request is audited in the
 * same transaction as the cancel flag, whatever state the job was in. A queued job stops at
 * once, a running one at its next safe point (in this process now, in another within a second).
 */
export async function cancelJobFor(db: Kysely<Database>, runner: JobRunner, actor: Actor & { role: Role }, id: string): Promise<JobRow> {
  const existing = await readableJob(db, actor, id);
  const { start } = jobRights(existing);
  if (!can(actor.role, start)) throw new ForbiddenError(`role ${actor.role} may not cancel this job (needs ${start}, the right to start a ${existing.kind.replaceAll('_', ' ')})`);
  const row = await db.transaction().execute(async (trx) => {
    const after = (await requestCancel(trx, id)) ?? existing;
    await appendAuditEvent(trx, actor, {
      action: 'job.cancel',
      resourceType: 'job',
      resourceId: id,
      // What is recorded is the request: a running job stops later, at its next safe point, and
      // its final status is the job's own (GET /v1/jobs/{id}); statusAfter is the status now.
      detail: { kind: existing.kind, cancellation: 'requested', statusBefore: existing.status, statusAfter: after.status },
    });
    return after;
  });
  runner.stopLocally(id);
  return row;
}
