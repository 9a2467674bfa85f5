import type { Kysely } from 'kysely';

// Shared places (issue 15): a shard of whole runs also returns each run's place figures
// (occupancy by month, waiting, overflow), float64 little-endian as the vectors are; null for
// scenarios without capacity limits or commissioned services.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('scenario_run_shards').addColumn('places', 'bytea').execute();
  await db.schema.alterTable('scenario_run_shards').addColumn('places_width', 'integer').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('scenario_run_shards').dropColumn('places_width').execute();
  await db.schema.alterTable('scenario_run_shards').dropColumn('places').execute();
}
