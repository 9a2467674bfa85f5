import type { Kysely } from 'kysely';
import type { Database, JobRow, JobStatus } from '../schema.ts';

export async function insertJob(
  db: Kysely<Database>,
  job: { kind: string; capability: string; params: Record<string, unknown>; createdBy: string | null; owner: string },
): Promise<JobRow> {
  return db
    .insertInto('jobs')
    .values({ kind: job.kind, capability: job.capability, params: JSON.stringify(job.params), created_by: job.createdBy, message: 'queued', owner: job.owner })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findJob(db: Kysely<Database>, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Moves a queued job to running; false when it was cancelled (or taken) meanwhile. */
export async function startJob(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db
    .updateTable('jobs')
    .set({ status: 'running', started_at: new Date(), message: 'running' })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('cancel_requested', '=', false)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function reportProgress(db: Kysely<Database>, id: string, progress: number, message: string | null): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ progress: Math.min(1, Math.max(0, progress)), message })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

/** Asks a queued or running job to stop; a queued one stops at once. Returns the row after. */
export async function requestCancel(db: Kysely<Database>, id: string): Promise<JobRow | undefined> {
  await db
    .updateTable('jobs')
    .set({ status: 'cancelled', cancel_requested: true, finished_at: new Date(), message: 'cancelled before it started' })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
  await db.updateTable('jobs').set({ cancel_requested: true }).where('id', '=', id).where('status', '=', 'running').execute();
  return findJob(db, id);
}

export async function isCancelRequested(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db.selectFrom('jobs').select('cancel_requested').where('id', '=', id).executeTakeFirst();
  return row?.cancel_requested ?? true;
}

/** Ends a running job; a result is recorded only on success (and a check constraint insists). */
export async function finishJob(
  db: Kysely<Database>,
  id: string,
  outcome: { status: Exclude<JobStatus, 'queued' | 'running'>; message: string; error?: Record<string, unknown>; resultType?: string; resultId?: string },
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: outcome.status,
      message: outcome.message,
      finished_at: new Date(),
      progress: outcome.status === 'succeeded' ? 1 : undefined,
      error: outcome.error ? JSON.stringify(outcome.error) : null,
      result_type: outcome.resultType ?? null,
      result_id: outcome.resultId ?? null,
    })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/** The owner is alive: refresh the heartbeat of every unfinished job it holds. */
export async function heartbeat(db: Kysely<Database>, owner: string): Promise<void> {
  await db.updateTable('jobs').set({ heartbeat_at: new Date() }).where('owner', '=', owner).where('status', 'in', ['queued', 'running']).execute();
}

/**
 * Jobs whose owner stopped (a crash, a kill) can never finish: fail those whose heartbeat is
 * older than `staleAfterMs`, so nobody waits for them. Safe with several service processes:
 * a live owner keeps its heartbeats fresh.
 */
export async function failAbandonedJobs(db: Kysely<Database>, staleAfterMs: number): Promise<number> {
  const rows = await db
    .updateTable('jobs')
    .set(interrupted())
    .where('status', 'in', ['queued', 'running'])
    .where('heartbeat_at', '<', new Date(Date.now() - staleAfterMs))
    .returning('id')
    .execute();
  return rows.length;
}

function interrupted() {
  return {
    status: 'failed' as const,
    finished_at: new Date(),
    message: 'interrupted: the process running it stopped before it finished',
    error: JSON.stringify({ reason: 'interrupted' }),
  };
}

/** The owners of unfinished jobs other than `except`. */
export async function ownersOfUnfinishedJobs(db: Kysely<Database>, except: string): Promise<string[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('owner')
    .distinct()
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('owner', '!=', except), eb('owner', 'is', null)]))
    .execute();
  return rows.map((r) => r.owner ?? '');
}

/** Fails every unfinished job of the given owners at once (they are known to be gone). */
export async function failJobsOfOwners(db: Kysely<Database>, owners: string[]): Promise<number> {
  if (owners.length === 0) return 0;
  const named = owners.filter((o) => o !== '');
  const rows = await db
    .updateTable('jobs')
    .set(interrupted())
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => {
      const clauses = [];
      if (named.length > 0) clauses.push(eb('owner', 'in', named));
      if (named.length < owners.length) clauses.push(eb('owner', 'is', null));
      return eb.or(clauses);
    })
    .returning('id')
    .execute();
  return rows.length;
}
