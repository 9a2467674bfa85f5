import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { CareEpisodeRow, Database, NewCareEpisodeRow, TeamRow } from '../schema.ts';

/** Teams, each young person's history of care episodes, and the scorecard's stored targets (issue 17). */

export async function insertTeam(db: Kysely<Database>, team: { name: string; service: string; annual_budget_pence: number | null }): Promise<TeamRow> {
  return db.insertInto('teams').values(team).returningAll().executeTakeFirstOrThrow();
}

export async function findTeamById(db: Kysely<Database>, id: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The team, its row locked until the transaction ends (deleteTeam): a scenario stored at the same
 * moment takes a share lock on the teams it names (checkCohortTeams), so one of the two waits and
 * then sees the other's outcome.
 */
export async function findTeamByIdForUpdate(db: Kysely<Database>, id: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function listTeamRows(db: Kysely<Database>, filter: { service?: string | undefined } = {}): Promise<TeamRow[]> {
  let query = db.selectFrom('teams').selectAll();
  if (filter.service !== undefined) query = query.where('service', '=', filter.service);
  return query.orderBy('name').orderBy('id').execute();
}

export async function updateTeamRow(
  db: Kysely<Database>,
  id: string,
  changes: { name?: string; service?: string; annual_budget_pence?: number | null },
): Promise<TeamRow | undefined> {
  return db.updateTable('teams').set({ ...changes, updated_at: sql`now()` }).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteTeamRow(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('teams').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Stored (not erased) young people in the team. */
export async function countTeamMembers(db: Kysely<Database>, id: string): Promise<number> {
  const row = await db
    .selectFrom('young_people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** History episodes (of anyone, erased records' included until erasure deletes them) under the team. */
export async function countTeamEpisodes(db: Kysely<Database>, id: string): Promise<number> {
  const row = await db
    .selectFrom('care_episodes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listEpisodesOf(db: Kysely<Database>, youngPersonId: string): Promise<CareEpisodeRow[]> {
  return db.selectFrom('care_episodes').selectAll().where('young_person_id', '=', youngPersonId).orderBy('start_date').execute();
}

/** Every stored young person's episodes, in start order per person (the outcome measures' input). */
export async function listAllEpisodes(db: Kysely<Database>): Promise<CareEpisodeRow[]> {
  return db
    .selectFrom('care_episodes')
    .innerJoin('young_people', 'young_people.id', 'care_episodes.young_person_id')
    .selectAll('care_episodes')
    .where('young_people.erased_at', 'is', null)
    .orderBy('care_episodes.young_person_id')
    .orderBy('care_episodes.start_date')
    .execute();
}

export async function insertEpisodes(db: Kysely<Database>, rows: NewCareEpisodeRow[]): Promise<CareEpisodeRow[]> {
  const out: CareEpisodeRow[] = [];
  for (let start = 0; start < rows.length; start += 200) {
    out.push(...(await db.insertInto('care_episodes').values(rows.slice(start, start + 200)).returningAll().execute()));
  }
  return out;
}

/**
 * Ends an episode on `endDate`, in one statement filling what it lacked: `weeklyPricePence`, the
 * placement's price during it; `teamId`, the team it ran under; `keyWorkerReference`, the key
 * worker then (the column's form: '' for none).
 */
export async function closeEpisode(
  db: Kysely<Database>,
  id: string,
  endDate: string,
  fill: { weeklyPricePence?: number | undefined; teamId?: string | undefined; keyWorkerReference?: string | undefined } = {},
): Promise<void> {
  await db
    .updateTable('care_episodes')
    .set({
      end_date: endDate,
      ...(fill.weeklyPricePence !== undefined ? { weekly_price_pence: fill.weeklyPricePence } : {}),
      ...(fill.teamId !== undefined ? { team_id: fill.teamId } : {}),
      ...(fill.keyWorkerReference !== undefined ? { key_worker_reference: fill.keyWorkerReference } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Sets the team an episode is counted under, and its key worker (the column's form: '' for none; null: not recorded). */
export async function setEpisodeTeamAndKeyWorker(db: Kysely<Database>, id: string, teamId: string | null, keyWorkerReference: string | null): Promise<void> {
  await db.updateTable('care_episodes').set({ team_id: teamId, key_worker_reference: keyWorkerReference }).where('id', '=', id).execute();
}

/** Records the placement's weekly price during an episode (whole pence). */
export async function setEpisodeWeeklyPrice(db: Kysely<Database>, id: string, weeklyPricePence: number): Promise<void> {
  await db.updateTable('care_episodes').set({ weekly_price_pence: weeklyPricePence }).where('id', '=', id).execute();
}

/** Sets the distance from home (miles; null: not known) of the given episodes: a correction of one placement's distance. */
export async function setEpisodesDistance(db: Kysely<Database>, ids: readonly string[], miles: number | null): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('care_episodes').set({ distance_miles: miles }).where('id', 'in', ids).execute();
}

export async function deleteEpisode(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('care_episodes').where('id', '=', id).execute();
}

export async function deleteEpisodesOf(db: Kysely<Database>, youngPersonId: string): Promise<void> {
  await db.deleteFrom('care_episodes').where('young_person_id', '=', youngPersonId).execute();
}

export interface StoredTarget {
  measure: string;
  target: number;
  green: number;
  amber: number;
  updated_at: Date;
}

export async function listTargetRows(db: Kysely<Database>): Promise<StoredTarget[]> {
  return db.selectFrom('scorecard_targets').select(['measure', 'target', 'green', 'amber', 'updated_at']).execute();
}

export async function upsertTarget(db: Kysely<Database>, row: { measure: string; target: number; green: number; amber: number; updated_by: string | null }): Promise<void> {
  await db
    .insertInto('scorecard_targets')
    .values(row)
    .onConflict((oc) => oc.column('measure').doUpdateSet({ target: row.target, green: row.green, amber: row.amber, updated_by: row.updated_by, updated_at: sql`now()` }))
    .execute();
}
