import { type Kysely, sql } from 'kysely';

// Commissioning scenarios stored through the API (and the versions of scenarios/*.json files
// that have been run), and the stored runs of scenarios. Both hold aggregates only: a run keeps
// a hash of its cohort's numeric inputs and their count, never a young person's id or reference.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('scenarios')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    // json, not jsonb: the scenario reads back as written (keys in order); its hash is taken on
    // canonical JSON, so it vouches for the content whatever the layout.
    .addColumn('spec', 'json', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A scenario version is immutable: a changed scenario needs a new version.
    .addPrimaryKeyConstraint('scenarios_pkey', ['id', 'version'])
    .addCheckConstraint('scenarios_origin_check', sql`origin in ('file', 'api')`)
    .execute();

  await db.schema
    .createTable('scenario_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('scenario_id', 'text', (c) => c.notNull())
    .addColumn('scenario_version', 'text', (c) => c.notNull())
    .addColumn('scenario_hash', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('model_hash', 'text', (c) => c.notNull())
    .addColumn('seed', 'bigint', (c) => c.notNull())
    .addColumn('runs', 'integer', (c) => c.notNull())
    // sha256 over the members' numeric inputs (age in months, state, weekly price) in run order:
    // two runs with the same hash simulated the same people, whatever their records' ids.
    .addColumn('cohort_hash', 'text', (c) => c.notNull())
    .addColumn('cohort_size', 'integer', (c) => c.notNull())
    .addColumn('software_version', 'text', (c) => c.notNull())
    // The scenario as run and the run options: with the cohort hash, what reproduces the run.
    .addColumn('inputs', 'json', (c) => c.notNull())
    // json, not jsonb: the result reads back exactly as written.
    .addColumn('result', 'json', (c) => c.notNull())
    .addColumn('job_id', 'uuid')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('scenario_runs_scenario_fkey', ['scenario_id', 'scenario_version'], 'scenarios', ['id', 'version'])
    .execute();
  await db.schema.createIndex('scenario_runs_scenario_idx').on('scenario_runs').columns(['scenario_id', 'created_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scenario_runs').execute();
  await db.schema.dropTable('scenarios').execute();
}
