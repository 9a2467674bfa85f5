import { type Kysely, sql } from 'kysely';

// Teams (issue 17), each young person's team and pseudonymous key-worker reference, the dated
// history of states and placements the outcome measures are counted from, and the scorecard's
// stored targets. Episodes are individual records: erasure deletes them.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('teams')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('service', 'text', (c) => c.notNull())
    // Whole pence, so money is never a float; null when the team has no budget of its own.
    .addColumn('annual_budget_pence', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('teams_service_check', sql`service in ('edge_of_care', 'children_looked_after', 'leaving_care', 'early_help')`)
    .execute();

  await db.schema.alterTable('young_people').addColumn('team_id', 'uuid', (c) => c.references('teams.id')).execute();
  await db.schema.alterTable('young_people').addColumn('key_worker_reference', 'text').execute();
  await db.schema.createIndex('young_people_team_idx').on('young_people').column('team_id').execute();

  await db.schema
    .createTable('care_episodes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('young_person_id', 'uuid', (c) => c.notNull().references('young_people.id'))
    // Half-open [start_date, end_date): the next episode starts on the day this one ends, as
    // SSDA903's DEC of one episode is the DECOM of the next. Null end: open (the current one).
    // ISO dates as text (YYYY-MM-DD): they compare in date order as text, and read back the same
    // on PGlite and PostgreSQL (a date column comes back as a Date at local midnight from pg).
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text')
    .addColumn('care_state', 'text', (c) => c.notNull())
    // Whether this episode began a new placement (false: only the legal status or the care
    // leaver's activity changed), so placements are counted as DfE counts them, not episodes.
    .addColumn('new_placement', 'boolean', (c) => c.notNull())
    .addColumn('placement_district', 'text')
    .addColumn('distance_miles', 'double precision')
    .addColumn('entry', 'text')
    .addColumn('exit_reason', 'text')
    .addColumn('leaver_activity', 'text')
    .addColumn('accommodation_suitable', 'boolean')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('care_episodes_start_check', sql`start_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`)
    .addCheckConstraint('care_episodes_dates_check', sql`end_date is null or (end_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' and end_date > start_date)`)
    .execute();
  await db.schema.createIndex('care_episodes_person_idx').on('care_episodes').columns(['young_person_id', 'start_date']).execute();

  await db.schema
    .createTable('scorecard_targets')
    .addColumn('measure', 'text', (c) => c.primaryKey())
    .addColumn('target', 'double precision', (c) => c.notNull())
    .addColumn('green', 'double precision', (c) => c.notNull())
    .addColumn('amber', 'double precision', (c) => c.notNull())
    .addColumn('updated_by', 'uuid')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scorecard_targets').execute();
  await db.schema.dropTable('care_episodes').execute();
  await db.schema.dropIndex('young_people_team_idx').execute();
  await db.schema.alterTable('young_people').dropColumn('key_worker_reference').execute();
  await db.schema.alterTable('young_people').dropColumn('team_id').execute();
  await db.schema.dropTable('teams').execute();
}
