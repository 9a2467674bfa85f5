import { type Kysely, sql } from 'kysely';

// Key-worker references stored canonical (KW and the digits): "KW-120" and "KW120" were one worker
// counted twice by the scorecard's caseload per key worker. References written before are
// rewritten the way canonicalKeyWorkerReference (src/schemas/young-people.ts) writes new ones:
// trimmed, upper-case, spaces, hyphens and underscores dropped. The record's version is kept:
// the reference names the same worker as before.
// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`update young_people set key_worker_reference = upper(regexp_replace(key_worker_reference, '[[:space:]_-]', '', 'g')) where key_worker_reference is not null`.execute(db);
}

// The hyphens dropped are not known any more: nothing to undo.
export async function down(): Promise<void> {}
