import { type Kysely, sql } from 'kysely';

// A young person's case closed (issue 17, former children): the day the authority stopped
// working with them and why, after the SSDA903 reason episode ceased (REC) grouped as the
// scorecard reads them. Null closed_on: the case is open. The day is the first day the case is
// no longer open (as a history episode's end date), an ISO date as text like the episodes'
// dates, so it compares with them as text on PGlite and PostgreSQL alike.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('young_people').addColumn('closed_on', 'text').execute();
  await db.schema.alterTable('young_people').addColumn('closed_reason', 'text').execute();
  await db.schema
    .alterTable('young_people')
    .addCheckConstraint(
      'young_people_closed_check',
      // Both or neither; written so a null never passes the check by making it unknown.
      sql`(closed_on is null) = (closed_reason is null) and (closed_on is null or (closed_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' and closed_reason in ('adopted', 'special_guardianship', 'child_arrangements_order', 'returned_home', 'aged_out', 'transferred', 'other')))`,
    )
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('young_people').dropConstraint('young_people_closed_check').execute();
  await db.schema.alterTable('young_people').dropColumn('closed_reason').execute();
  await db.schema.alterTable('young_people').dropColumn('closed_on').execute();
}
