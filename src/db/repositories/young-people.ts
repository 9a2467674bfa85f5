import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database, NewYoungPersonRow, YoungPersonRow, YoungPersonRowUpdate } from '../schema.ts';
import { yieldToEventLoop } from '../yield.ts';

export async function insertYoungPeople(db: Kysely<Database>, rows: NewYoungPersonRow[]): Promise<YoungPersonRow[]> {
  if (rows.length === 0) return [];
  const inserted: YoungPersonRow[] = [];
  // Batches keep each statement well under PostgreSQL's 65,535 bind parameters, and short: the
  // embedded database runs each statement on the service thread, so a long one stalls every
  // other request (100 rows: about 10 ms), and the loop yields between them (see yield.ts).
  for (let start = 0; start < rows.length; start += 100) {
    if (start > 0) await yieldToEventLoop();
    const batch = rows.slice(start, start + 100);
    inserted.push(...(await db.insertInto('young_people').values(batch).returningAll().execute()));
  }
  return inserted;
}

/** Any record with this id, erased or not (the caller decides what an erased one means). */
export async function findYoungPersonById(db: Kysely<Database>, id: string): Promise<YoungPersonRow | undefined> {
  return db.selectFrom('young_people').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks the row for the rest of the transaction, so a concurrent update waits instead of interleaving. */
export async function findYoungPersonByIdForUpdate(db: Kysely<Database>, id: string): Promise<YoungPersonRow | undefined> {
  return db.selectFrom('young_people').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Which of these references are held by stored (not erased) records. */
export async function findReferencesInUse(db: Kysely<Database>, references: string[]): Promise<Set<string>> {
  const inUse = new Set<string>();
  for (let start = 0; start < references.length; start += 1000) {
    if (start > 0) await yieldToEventLoop();
    const batch = references.slice(start, start + 1000);
    if (batch.length === 0) continue;
    const rows = await db.selectFrom('young_people').select('reference').where('reference', 'in', batch).execute();
    for (const row of rows) if (row.reference !== null) inUse.add(row.reference);
  }
  return inUse;
}

/**
 * Applies a change only if the record is still at the version the caller read and not erased;
 * returns undefined otherwise. The version check and the write are one statement, so two
 * concurrent edits cannot both succeed.
 */
export async function updateYoungPersonAtVersion(
  db: Kysely<Database>,
  id: string,
  expectedVersion: number,
  changes: YoungPersonRowUpdate,
): Promise<YoungPersonRow | undefined> {
  return db
    .updateTable('young_people')
    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('erased_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export interface YoungPeopleFilter {
  careStates?: string[] | undefined;
  tiers?: number[] | undefined;
  /** Birth (year * 12 + month - 1) at most this: aged at least minAge. */
  latestBirthMonthIndex?: number | undefined;
  /** Birth (year * 12 + month - 1) at least this: aged at most maxAge. */
  earliestBirthMonthIndex?: number | undefined;
  reference?: string | undefined;
  /** Case-insensitive substring of the reference. */
  referenceContains?: string | undefined;
  hasCarePlans?: boolean | undefined;
  hasProjection?: boolean | undefined;
  /** A team's id, or null: young people with no team. */
  teamId?: string | null | undefined;
  /** Only those with this key-worker reference. */
  keyWorkerReference?: string | undefined;
  /** open: no closedOn (a closing day is never in the future); closed: a closedOn; all: both. Default all. */
  status?: 'open' | 'closed' | 'all' | undefined;
  limit: number;
  offset: number;
}

/**
 * Stored records (erased ones never), by reference, each with its numbers of care plans and
 * stored pathway projections.
 */
export async function listYoungPeople(
  db: Kysely<Database>,
  filter: YoungPeopleFilter,
): Promise<{ items: Array<YoungPersonRow & { care_plan_count: number; projection_count: number }>; total: number }> {
  let query = db.selectFrom('young_people').where('erased_at', 'is', null);
  if (filter.careStates?.length) query = query.where('care_state', 'in', filter.careStates);
  if (filter.tiers?.length) query = query.where('tier', 'in', filter.tiers);
  if (filter.reference !== undefined) query = query.where('reference', '=', filter.reference);
  // position() rather than LIKE: a reference may hold "_", which LIKE would read as a wildcard.
  if (filter.referenceContains !== undefined) query = query.where(sql<boolean>`position(lower(${filter.referenceContains}) in lower(reference)) > 0`);
  const plans = (eb: ExpressionBuilder<Database, 'young_people'>) =>
    eb.exists(eb.selectFrom('care_plans').select(sql`1`.as('one')).whereRef('care_plans.young_person_id', '=', 'young_people.id'));
  const projections = (eb: ExpressionBuilder<Database, 'young_people'>) =>
    eb.exists(eb.selectFrom('pathway_projections').select(sql`1`.as('one')).whereRef('pathway_projections.young_person_id', '=', 'young_people.id'));
  if (filter.hasCarePlans !== undefined) query = query.where((eb) => (filter.hasCarePlans ? plans(eb) : eb.not(plans(eb))));
  if (filter.hasProjection !== undefined) query = query.where((eb) => (filter.hasProjection ? projections(eb) : eb.not(projections(eb))));
  if (filter.teamId === null) query = query.where('team_id', 'is', null);
  else if (filter.teamId !== undefined) query = query.where('team_id', '=', filter.teamId);
  if (filter.keyWorkerReference !== undefined) query = query.where('key_worker_reference', '=', filter.keyWorkerReference);
  if (filter.status === 'open') query = query.where('closed_on', 'is', null);
  if (filter.status === 'closed') query = query.where('closed_on', 'is not', null);
  const birthIndex = sql<number>`birth_year * 12 + birth_month - 1`;
  if (filter.latestBirthMonthIndex !== undefined) query = query.where(birthIndex, '<=', filter.latestBirthMonthIndex);
  if (filter.earliestBirthMonthIndex !== undefined) query = query.where(birthIndex, '>=', filter.earliestBirthMonthIndex);
  const rows = await query
    .selectAll('young_people')
    .select((eb) => [
      eb.selectFrom('care_plans').select((e) => e.fn.countAll<number>().as('n')).whereRef('care_plans.young_person_id', '=', 'young_people.id').as('care_plan_count'),
      eb
        .selectFrom('pathway_projections')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('pathway_projections.young_person_id', '=', 'young_people.id')
        .as('projection_count'),
    ])
    .orderBy('reference')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  // count(*) is int8: a string from some drivers.
  const items = rows.map((row) => ({ ...row, care_plan_count: Number(row.care_plan_count ?? 0), projection_count: Number(row.projection_count ?? 0) }));
  return { items, total: Number(count.n) };
}

/** Every record ever stored, tombstones included. */
export async function countYoungPeopleEverStored(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('young_people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Data-protection erasure: personal fields are cleared and the row stays as a tombstone with
 * birth year, care state and tier only. Returns undefined when there is no live record.
 */
export async function eraseYoungPersonRecord(db: Kysely<Database>, id: string): Promise<YoungPersonRow | undefined> {
  return db
    .updateTable('young_people')
    .set({
      reference: null,
      birth_month: null,
      sex: null,
      legal_status: null,
      needs_profile: '{}',
      placement: null,
      services: '[]',
      // The team and key worker go too: a tombstone keeps birth year, care state and tier only.
      team_id: null,
      key_worker_reference: null,
      erased_at: sql`now()`,
      updated_at: sql`now()`,
      version: sql`version + 1`,
    })
    .where('id', '=', id)
    .where('erased_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}
