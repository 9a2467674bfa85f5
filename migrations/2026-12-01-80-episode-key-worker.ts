import { type Kysely, sql } from 'kysely';

// The key worker during a history episode (issue 17, review finding 2): the scorecard's key-worker
// measures read the episode in force on their as-of day, so an answer about a past day no longer
// moves when a record gets or loses a key worker later. Three values, because "not recorded" and
// "none" differ: NULL, not recorded (the scorecard reads the record's key worker, as before this
// column); '' recorded as none; otherwise the canonical reference (KW and the digits, as
// young_people.key_worker_reference). Each open episode takes its record's key worker, which is
// what the scorecard read for it until now; closed episodes stay not recorded.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('care_episodes').addColumn('key_worker_reference', 'text').execute();
  await db.schema
    .alterTable('care_episodes')
    .addCheckConstraint('care_episodes_key_worker_check', sql`key_worker_reference is null or key_worker_reference = '' or key_worker_reference ~ '^KW[0-9]{3,8}$'`)
    .execute();
  await sql`update care_episodes e set key_worker_reference = coalesce(p.key_worker_reference, '')
    from young_people p where p.id = e.young_person_id and e.end_date is null and p.erased_at is null`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('care_episodes').dropConstraint('care_episodes_key_worker_check').execute();
  await db.schema.alterTable('care_episodes').dropColumn('key_worker_reference').execute();
}
