import type { Kysely } from 'kysely';

// The team responsible during each history episode (issue 17), so the scorecard counts an event
// (an entry, an exit, a placement at the year's end, a care leaver's birthday) under the team of
// the episode it happened in, not the young person's team today. Null: not recorded, and the
// scorecard falls back to the current team. A team with episodes is not deleted (the service
// answers 409), so the reference is plain, with no cascade that would rewrite the past.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('care_episodes').addColumn('team_id', 'uuid', (c) => c.references('teams.id')).execute();
  await db.schema.createIndex('care_episodes_team_idx').on('care_episodes').column('team_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('care_episodes_team_idx').execute();
  await db.schema.alterTable('care_episodes').dropColumn('team_id').execute();
}
