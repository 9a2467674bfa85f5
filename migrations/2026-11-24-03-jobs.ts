import { type Kysely, sql } from 'kysely';

// Long-running work (pathway projections, scenario runs, calibrations): the row is the source
// of truth for status and progress, whichever process does the work.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('progress', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text')
    .addColumn('capability', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('cancel_requested', 'boolean', (c) => c.notNull().defaultTo(false))
    // The process that runs the job, and when it last said it is alive: a job whose owner
    // has gone quiet can never finish and is failed by whoever notices.
    .addColumn('owner', 'text')
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('error', 'jsonb')
    .addColumn('result_type', 'text')
    .addColumn('result_id', 'text')
    .addCheckConstraint('jobs_status_check', sql`status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`)
    .addCheckConstraint('jobs_progress_check', sql`progress between 0 and 1`)
    // A job has a result exactly when it succeeded: never a half-written one.
    .addCheckConstraint('jobs_result_only_on_success', sql`(status = 'succeeded') = (result_id is not null)`)
    .execute();
  await db.schema.createIndex('jobs_status_idx').on('jobs').columns(['status', 'created_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
