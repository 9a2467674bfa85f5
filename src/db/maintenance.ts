import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The tables an erasure changes: the record (its personal fields set to null) and the rows
 * deleted with it: care plans, projections and the dated history of care episodes (migration
 * 2026-11-30-11-teams-history; its other tables, teams and scorecard targets, hold no one's rows).
 */
export const ERASURE_TABLES = ['young_people', 'care_plans', 'pathway_projections', 'care_episodes'] as const;

/**
 * After an erasure has committed, rewrites the tables it touched so the erased values leave the
 * database's data files. PostgreSQL (and PGlite, which is PostgreSQL) never overwrites a row in
 * place: an UPDATE or DELETE leaves the old version in the table's file until it is vacuumed, and
 * even a plain VACUUM only marks the space reusable. VACUUM FULL writes each table (and its
 * indexes and TOAST) to new files and removes the old ones. It holds an exclusive lock on each
 * table while it copies, which for these tables is a fraction of a second per thousand records.
 *
 * What it cannot reach: the write-ahead log (pg_wal) keeps the old values until its segments are
 * recycled after later checkpoints, backups keep whatever they copied, and the file system may
 * keep the freed blocks until they are reused. README ("Erasure and the database files") says so.
 *
 * Must run outside a transaction. Same statement on both back ends.
 */
export async function compactAfterErasure(db: Kysely<Database>): Promise<void> {
  await sql`vacuum (full) ${sql.join(ERASURE_TABLES.map((table) => sql.table(table)))}`.execute(db);
}
