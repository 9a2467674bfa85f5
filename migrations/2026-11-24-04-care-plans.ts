import { type Kysely, sql } from 'kysely';

// Care plans (named courses of action for one young person, one of them current) and the
// stored pathway projections of those plans. Both are individual records: erasure deletes them.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('care_plans')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('young_person_id', 'uuid', (c) => c.notNull().references('young_people.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_current', 'boolean', (c) => c.notNull().defaultTo(false))
    // The plan as written (startState, moves, interventions, prices, currentPlacementWeeklyPrice):
    // the input the plan resolver takes, so it is checked against whichever model projects it.
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Projections name plans, and comparisons are read by name.
    .addUniqueConstraint('care_plans_name_unique', ['young_person_id', 'name'])
    .execute();
  // At most one current course per young person, whatever two requests do at once.
  await sql`create unique index care_plans_one_current on care_plans (young_person_id) where is_current`.execute(db);

  await db.schema
    .createTable('pathway_projections')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('young_person_id', 'uuid', (c) => c.notNull().references('young_people.id'))
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('model_hash', 'text', (c) => c.notNull())
    .addColumn('seed', 'bigint', (c) => c.notNull())
    .addColumn('runs', 'integer', (c) => c.notNull())
    // Everything needed to run it again without reading the record or the plans: the plans as
    // projected (defaults filled in), start month, age, months, discount rate. Never the reference.
    .addColumn('inputs', 'jsonb', (c) => c.notNull())
    // json, not jsonb: the text is kept as written, so a stored result reads back bit for bit.
    .addColumn('result', 'json', (c) => c.notNull())
    .addColumn('rerun_of', 'uuid', (c) => c.references('pathway_projections.id').onDelete('set null'))
    .addColumn('job_id', 'uuid')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('pathway_projections_person_idx').on('pathway_projections').columns(['young_person_id', 'created_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('pathway_projections').execute();
  await db.schema.dropTable('care_plans').execute();
}
