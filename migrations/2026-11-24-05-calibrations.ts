import { type Kysely, sql } from 'kysely';

// Calibrated cost models and the calibrations that made them. A stored model is loaded into the
// catalog at start beside the models/ files; a calibration holds what was read (file names and
// sizes, never their content), what was cleaned, the calibration report and the backtest. Both
// hold aggregates only: no child's identifier or date of birth is ever written here.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stored_models')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    // json, not jsonb: the model is kept as written, so it reads back with its keys in order and
    // its content hash (computed on canonical JSON) still vouches for it.
    .addColumn('spec', 'json', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    // Where it came from, e.g. "calibration 3f2a…": named in catalog errors and listings.
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A model version is immutable: a changed model needs a new version.
    .addPrimaryKeyConstraint('stored_models_pkey', ['id', 'version'])
    .execute();

  await db.schema
    .createTable('calibrations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('job_id', 'uuid')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('model_hash', 'text', (c) => c.notNull())
    .addColumn('prior_model_id', 'text', (c) => c.notNull())
    .addColumn('prior_model_version', 'text', (c) => c.notNull())
    // The options as applied: reference window, prior weight, backtest year, authority, mapping.
    .addColumn('parameters', 'json', (c) => c.notNull())
    // [{name, bytes}] for each uploaded file (and each file inside an uploaded zip).
    .addColumn('sources', 'json', (c) => c.notNull())
    // The import report: files read, every cleaning action, counts by code and outcome, totals.
    .addColumn('cleaning', 'json', (c) => c.notNull())
    .addColumn('report', 'json', (c) => c.notNull())
    .addColumn('backtest', 'json')
    .addForeignKeyConstraint('calibrations_model_fkey', ['model_id', 'model_version'], 'stored_models', ['id', 'version'])
    .execute();
  await db.schema.createIndex('calibrations_created_idx').on('calibrations').column('created_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calibrations').execute();
  await db.schema.dropTable('stored_models').execute();
}
