import { type Kysely, sql } from 'kysely';

// The weekly price of the placement during a history episode (issue 17, review finding 4), whole
// pence like the other money columns, so the scorecard prices a past day from the episode in force
// then when today's placement had not started (the young person moved since) or the case has
// closed. Null: not recorded (or no placement in the episode's state); the scorecard then counts
// the child as unpriced rather than at £0. An integer: at most £1,000,000 a week, as the record's
// placement price, is 100,000,000 pence, well inside int4, so both drivers read a number.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('care_episodes').addColumn('weekly_price_pence', 'integer').execute();
  await db.schema
    .alterTable('care_episodes')
    .addCheckConstraint('care_episodes_weekly_price_check', sql`weekly_price_pence is null or (weekly_price_pence >= 0 and weekly_price_pence <= 100000000)`)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('care_episodes').dropConstraint('care_episodes_weekly_price_check').execute();
  await db.schema.alterTable('care_episodes').dropColumn('weekly_price_pence').execute();
}
