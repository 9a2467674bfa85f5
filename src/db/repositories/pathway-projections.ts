import type { Kysely } from 'kysely';
import type { Database, NewPathwayProjectionRow, PathwayProjectionRow } from '../schema.ts';

export async function insertPathwayProjection(db: Kysely<Database>, row: NewPathwayProjectionRow): Promise<void> {
  await db.insertInto('pathway_projections').values(row).execute();
}

export async function findPathwayProjection(db: Kysely<Database>, id: string): Promise<PathwayProjectionRow | undefined> {
  return db.selectFrom('pathway_projections').selectAll().where('id', '=', id).executeTakeFirst();
}

export type PathwayProjectionHeader = Omit<PathwayProjectionRow, 'result'>;

/** A young person's stored projections, newest first, without their (large) results. */
export async function listPathwayProjectionsOf(
  db: Kysely<Database>,
  youngPersonId: string,
  page: { limit: number; offset: number },
): Promise<{ items: PathwayProjectionHeader[]; total: number }> {
  const query = db.selectFrom('pathway_projections').where('young_person_id', '=', youngPersonId);
  const items = await query
    .select(['id', 'young_person_id', 'model_id', 'model_version', 'model_hash', 'seed', 'runs', 'inputs', 'rerun_of', 'job_id', 'created_by', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { items, total: Number(count.n) };
}

/** Every stored projection of the young person (erasure). Returns how many went. */
export async function deletePathwayProjectionsOf(db: Kysely<Database>, youngPersonId: string): Promise<number> {
  const rows = await db.deleteFrom('pathway_projections').where('young_person_id', '=', youngPersonId).returning('id').execute();
  return rows.length;
}
