import { type Kysely, sql } from 'kysely';
import type { CarePlanRow, Database, NewCarePlanRow } from '../schema.ts';

export async function insertCarePlan(db: Kysely<Database>, row: NewCarePlanRow): Promise<CarePlanRow> {
  return db.insertInto('care_plans').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A plan of this young person; undefined for a plan of anyone else. */
export async function findCarePlan(db: Kysely<Database>, youngPersonId: string, planId: string): Promise<CarePlanRow | undefined> {
  return db.selectFrom('care_plans').selectAll().where('id', '=', planId).where('young_person_id', '=', youngPersonId).executeTakeFirst();
}

/** The current course first, then the others in the order they were made. */
export async function listCarePlansOf(db: Kysely<Database>, youngPersonId: string): Promise<CarePlanRow[]> {
  return db
    .selectFrom('care_plans')
    .selectAll()
    .where('young_person_id', '=', youngPersonId)
    .orderBy('is_current', 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function countCarePlansOf(db: Kysely<Database>, youngPersonId: string): Promise<number> {
  const row = await db
    .selectFrom('care_plans')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('young_person_id', '=', youngPersonId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether another plan of this young person already has the name. */
export async function isPlanNameTaken(db: Kysely<Database>, youngPersonId: string, name: string, exceptPlanId?: string): Promise<boolean> {
  let query = db.selectFrom('care_plans').select('id').where('young_person_id', '=', youngPersonId).where('name', '=', name);
  if (exceptPlanId !== undefined) query = query.where('id', '!=', exceptPlanId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Unmarks the current course; run in the transaction that marks another one. */
export async function unmarkCurrentPlan(db: Kysely<Database>, youngPersonId: string): Promise<void> {
  await db.updateTable('care_plans').set({ is_current: false }).where('young_person_id', '=', youngPersonId).where('is_current', '=', true).execute();
}

export async function updateCarePlanRow(
  db: Kysely<Database>,
  planId: string,
  changes: { name?: string; plan?: string; is_current?: boolean },
): Promise<CarePlanRow> {
  return db
    .updateTable('care_plans')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', planId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteCarePlanRow(db: Kysely<Database>, planId: string): Promise<void> {
  await db.deleteFrom('care_plans').where('id', '=', planId).execute();
}

/** Every plan of the young person (erasure). Returns how many went. */
export async function deleteCarePlansOf(db: Kysely<Database>, youngPersonId: string): Promise<number> {
  const rows = await db.deleteFrom('care_plans').where('young_person_id', '=', youngPersonId).returning('id').execute();
  return rows.length;
}
