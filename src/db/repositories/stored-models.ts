import { type Kysely, sql } from 'kysely';
import type { Database, StoredModelRow } from '../schema.ts';

/** How a stored model is named in the catalog (and in its errors at start). */
export function storedModelOrigin(origin: string): string {
  return `database: ${origin}`;
}

/** Every stored model version, oldest first (the catalog loads them at start). */
export async function listStoredModels(db: Kysely<Database>): Promise<StoredModelRow[]> {
  return db.selectFrom('stored_models').selectAll().orderBy('created_at').orderBy('id').orderBy('version').execute();
}

/** The versions stored under a model id. */
export async function storedVersionsOf(db: Kysely<Database>, id: string): Promise<string[]> {
  const rows = await db.selectFrom('stored_models').select('version').where('id', '=', id).execute();
  return rows.map((r) => r.version);
}

/**
 * Holds a lock on a model id until the transaction ends, so two calibrations of the same
 * authority (in this process or another) choose their versions one after the other.
 */
export async function lockModelId(trx: Kysely<Database>, id: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`stored_models:${id}`}))`.execute(trx);
}

export async function insertStoredModel(
  db: Kysely<Database>,
  model: { id: string; version: string; spec: unknown; hash: string; origin: string; createdBy: string | null },
): Promise<void> {
  await db
    .insertInto('stored_models')
    .values({ id: model.id, version: model.version, spec: JSON.stringify(model.spec), hash: model.hash, origin: model.origin, created_by: model.createdBy })
    .execute();
}
