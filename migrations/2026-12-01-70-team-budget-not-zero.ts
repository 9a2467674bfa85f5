import { type Kysely, sql } from 'kysely';

// A team's annual budget of £0 is no budget: spend against it has no meaning (the scorecard
// showed no figure for the team while the organisation counted it as budgeted; review of
// 1 December). New budgets must be more than £0 (src/schemas/teams.ts); one stored as 0 before
// is stored as none (null), what the scorecard and the page already said of it.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`update teams set annual_budget_pence = null where annual_budget_pence = 0`.execute(db);
}

// Which null budgets were 0 is not known any more: nothing to undo.
export async function down(): Promise<void> {}
