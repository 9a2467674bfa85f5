import { type Kysely, sql } from 'kysely';

/**
 * Erasure leaves a tombstone that keeps only birth year, care state and tier, so legal status
 * must be able to go too; and the database itself guarantees what a tombstone may hold.
 */
// Frozen in time: later changes go in new migrations, never here.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('young_people').alterColumn('legal_status', (c) => c.dropNotNull()).execute();
  await db.schema
    .alterTable('young_people')
    .addCheckConstraint(
      'young_people_live_record_complete',
      sql`erased_at is not null or (legal_status is not null and birth_month is not null)`,
    )
    .execute();
  await db.schema
    .alterTable('young_people')
    .addCheckConstraint(
      'young_people_tombstone_holds_no_personal_data',
      sql`erased_at is null or (
        reference is null and birth_month is null and sex is null and legal_status is null
        and placement is null and needs_profile = '{}'::jsonb and services = '[]'::jsonb
      )`,
    )
    .execute();
  await db.schema
    .createIndex('young_people_birth_idx')
    .on('young_people')
    .columns(['birth_year', 'birth_month'])
    .where(sql.ref('erased_at'), 'is', null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('young_people_birth_idx').execute();
  await db.schema.alterTable('young_people').dropConstraint('young_people_tombstone_holds_no_personal_data').execute();
  await db.schema.alterTable('young_people').dropConstraint('young_people_live_record_complete').execute();
  // Tombstones have no legal status; they cannot satisfy NOT NULL again, so they are removed first.
  await db.deleteFrom('young_people').where('erased_at', 'is not', null).execute();
  await db.schema.alterTable('young_people').alterColumn('legal_status', (c) => c.setNotNull()).execute();
}
