import { type Kysely, sql } from 'kysely';

// Scenario runs shared between processes: the prepared inputs once per run, and each finished
// shard's vectors until the coordinating process has folded them.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('scenario_run_inputs')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('prepared', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('scenario_run_shards')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('chunk', 'integer', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('vectors', 'bytea', (c) => c.notNull())
    .addColumn('parameters', 'bytea', (c) => c.notNull())
    .addColumn('worker', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('scenario_run_shards_pk', ['run_id', 'chunk', 'shard'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scenario_run_shards').execute();
  await db.schema.dropTable('scenario_run_inputs').execute();
}
