import { type Kysely, sql } from 'kysely';
import type { Database, NewScenarioRow, NewScenarioRunRow, ScenarioRow, ScenarioRunRow } from '../schema.ts';

/** Every stored version of a scenario id, in no particular order (versions compare as numbers, not text). */
export async function findScenarioVersions(db: Kysely<Database>, id: string): Promise<ScenarioRow[]> {
  return db.selectFrom('scenarios').selectAll().where('id', '=', id).execute();
}

export async function findScenarioVersion(db: Kysely<Database>, id: string, version: string): Promise<ScenarioRow | undefined> {
  return db.selectFrom('scenarios').selectAll().where('id', '=', id).where('version', '=', version).executeTakeFirst();
}

/** Every stored scenario version (they are small documents, and few). */
export async function listStoredScenarios(db: Kysely<Database>): Promise<ScenarioRow[]> {
  return db.selectFrom('scenarios').selectAll().orderBy('id').execute();
}

/**
 * The stored scenario versions (through the API, or files that were run) whose cohort.teams names
 * `team` (a team id in lower case; ids are compared in lower case, as written in any case).
 */
export async function listScenarioVersionsNamingTeam(db: Kysely<Database>, team: string): Promise<Array<Pick<ScenarioRow, 'id' | 'version' | 'origin'>>> {
  return db
    .selectFrom('scenarios')
    .select(['id', 'version', 'origin'])
    .where(sql<boolean>`exists (select 1 from json_array_elements_text(coalesce(scenarios.spec->'cohort'->'teams', '[]'::json)) as named(team) where lower(named.team) = ${team})`)
    .execute();
}

/**
 * Serialises writers of one scenario id until the transaction ends, so "the new version is
 * above the latest" holds when two updates arrive at once.
 */
export async function lockScenarioId(trx: Kysely<Database>, id: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`scenario:${id}`}))`.execute(trx);
}

export async function insertScenario(db: Kysely<Database>, row: NewScenarioRow): Promise<ScenarioRow> {
  return db.insertInto('scenarios').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Records a version unless it is already there; returns the stored row either way. */
export async function ensureScenarioVersion(db: Kysely<Database>, row: NewScenarioRow): Promise<ScenarioRow> {
  await db.insertInto('scenarios').values(row).onConflict((oc) => oc.columns(['id', 'version']).doNothing()).execute();
  return (await findScenarioVersion(db, row.id, row.version)) as ScenarioRow;
}

/**
 * The numeric inputs of the young people a scenario's cohort filter selects: no id, no
 * reference, nothing else from the record. Erased records never take part.
 */
export interface CohortFilterQuery {
  careStates?: string[] | undefined;
  tiers?: number[] | undefined;
  /** Birth month index (year * 12 + month - 1) at most this. */
  latestBirthMonthIndex?: number | undefined;
  /** Birth month index at least this. */
  earliestBirthMonthIndex?: number | undefined;
  /**
   * Only young people in one of these teams today (`ids`: team ids, lower case) or, with
   * `none`, in no team; absent: whatever their team.
   */
  teams?: { ids: string[]; none: boolean } | undefined;
  /**
   * Only cases open on this day (YYYY-MM-DD): a case closed on or before it is left out, one
   * closed after it (the cohort as it stood then) is in. Absent: only cases open today.
   */
  openOn?: string | undefined;
}

export interface CohortInputRow {
  birthYear: number;
  birthMonth: number;
  careState: string;
  placementType: string | null;
  /** The placement's weekly price from its start date (placement.weeklyPrice: GBP, cash). */
  weeklyPrice: number | null;
  /**
   * The placement's dated changes to that price (placement.priceChanges: history and agreed
   * uplifts, YYYY-MM-DD, in date order; GBP cash from each date on). Absent when it has none, so
   * a scenario can cost each year at the price in force then, as projections and the budget do.
   */
  priceChanges?: Array<{ from: string; weeklyPrice: number }>;
  /**
   * The record's care episodes (the outcome measures' fields the placement count needs), in start
   * order: only when asked for (`withEpisodes`), loaded in the same query; no episode ids.
   */
  episodes?: Array<{ startDate: string; endDate: string | null; careState: string; newPlacement: boolean }>;
}

export async function listCohortInputs(db: Kysely<Database>, filter: CohortFilterQuery, options: { withEpisodes?: boolean } = {}): Promise<CohortInputRow[]> {
  let query = db.selectFrom('young_people').where('erased_at', 'is', null).where('birth_month', 'is not', null);
  const openOn = filter.openOn;
  query = openOn === undefined ? query.where('closed_on', 'is', null) : query.where((eb) => eb.or([eb('closed_on', 'is', null), eb('closed_on', '>', openOn)]));
  if (filter.careStates?.length) query = query.where('care_state', 'in', filter.careStates);
  if (filter.tiers?.length) query = query.where('tier', 'in', filter.tiers);
  const teams = filter.teams;
  if (teams) {
    query = query.where((eb) => eb.or([...(teams.ids.length ? [eb('team_id', 'in', teams.ids)] : []), ...(teams.none ? [eb('team_id', 'is', null)] : [])]));
  }
  const birthIndex = sql<number>`birth_year * 12 + birth_month - 1`;
  if (filter.latestBirthMonthIndex !== undefined) query = query.where(birthIndex, '<=', filter.latestBirthMonthIndex);
  if (filter.earliestBirthMonthIndex !== undefined) query = query.where(birthIndex, '>=', filter.earliestBirthMonthIndex);
  const rows = await query
    .select([
      'birth_year',
      'birth_month',
      'care_state',
      sql<string | null>`placement->>'type'`.as('placement_type'),
      sql<string | null>`placement->>'weeklyPrice'`.as('weekly_price'),
      sql<Array<{ from: string; weeklyPrice: number }> | string | null>`placement->'priceChanges'`.as('price_changes'),
      // One query for the whole cohort, not one per person (null when not asked for).
      sql<CohortInputRow['episodes'] | string | null>`${
        options.withEpisodes
          ? sql`(select coalesce(json_agg(json_build_object('startDate', e.start_date, 'endDate', e.end_date, 'careState', e.care_state, 'newPlacement', e.new_placement) order by e.start_date), '[]'::json) from care_episodes e where e.young_person_id = young_people.id)`
          : sql`null`
      }`.as('episodes'),
    ])
    .execute();
  return rows.map((row) => ({
    birthYear: row.birth_year,
    birthMonth: row.birth_month as number,
    careState: row.care_state,
    placementType: row.placement_type,
    weeklyPrice: row.weekly_price === null ? null : Number(row.weekly_price),
    ...priceChangesOf(row.price_changes),
    ...(row.episodes == null ? {} : { episodes: typeof row.episodes === 'string' ? JSON.parse(row.episodes) : row.episodes }),
  }));
}

/** The stored priceChanges as numbers in date order; nothing when there are none (json may arrive as text). */
function priceChangesOf(stored: Array<{ from: string; weeklyPrice: number }> | string | null): { priceChanges?: Array<{ from: string; weeklyPrice: number }> } {
  const list = typeof stored === 'string' ? (JSON.parse(stored) as unknown) : stored;
  if (!Array.isArray(list) || list.length === 0) return {};
  const changes = list.map((c: { from: string; weeklyPrice: number | string }) => ({ from: String(c.from), weeklyPrice: Number(c.weeklyPrice) }));
  return { priceChanges: changes.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0)) };
}

export async function insertScenarioRun(db: Kysely<Database>, row: NewScenarioRunRow): Promise<void> {
  await db.insertInto('scenario_runs').values(row).execute();
}

export async function findScenarioRun(db: Kysely<Database>, id: string): Promise<ScenarioRunRow | undefined> {
  return db.selectFrom('scenario_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findScenarioRuns(db: Kysely<Database>, ids: string[]): Promise<ScenarioRunRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('scenario_runs').selectAll().where('id', 'in', ids).execute();
}

/** A stored run without its (large) result, with the two headline figures lists show. */
export type ScenarioRunHeader = Omit<ScenarioRunRow, 'result' | 'inputs'> & {
  scenario_name: string | null;
  npv_mean: number | null;
  probability_benefits_exceed_costs: number | null;
  /** Each intervention's mean delivered places, for the disclosure gate (src/services/disclosure-view.ts). */
  delivered_means: readonly number[];
};

export interface ScenarioRunFilter {
  scenarioId?: string | undefined;
  scenarioVersion?: string | undefined;
  /** Only runs whose scenario as run names this in cohort.teams: a team id in lower case, or 'none'. */
  team?: string | undefined;
  limit: number;
  offset: number;
}

/**
 * Does the run's scenario as run (inputs.scenario, stored whole) name `team` (lower case: a team
 * id or 'none') in its cohort.teams? Ids are compared in lower case, as written in any case.
 */
const namesTeam = (team: string) =>
  sql<boolean>`exists (select 1 from json_array_elements_text(coalesce(scenario_runs.inputs->'scenario'->'cohort'->'teams', '[]'::json)) as named(team) where lower(named.team) = ${team})`;

/** How many stored runs name `team` (a team id in lower case) in their cohort's teams. */
export async function countRunsNamingTeam(db: Kysely<Database>, team: string): Promise<number> {
  const row = await db.selectFrom('scenario_runs').select((eb) => eb.fn.countAll<number>().as('n')).where(namesTeam(team)).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Stored runs, newest first. */
export async function listScenarioRuns(db: Kysely<Database>, filter: ScenarioRunFilter): Promise<{ items: ScenarioRunHeader[]; total: number }> {
  let query = db.selectFrom('scenario_runs');
  if (filter.scenarioId !== undefined) query = query.where('scenario_id', '=', filter.scenarioId);
  if (filter.scenarioVersion !== undefined) query = query.where('scenario_version', '=', filter.scenarioVersion);
  if (filter.team !== undefined) query = query.where(namesTeam(filter.team));
  const rows = await query
    .select([
      'id',
      'scenario_id',
      'scenario_version',
      'scenario_hash',
      'model_id',
      'model_version',
      'model_hash',
      'seed',
      'runs',
      'cohort_hash',
      'cohort_size',
      'software_version',
      'job_id',
      'created_by',
      'created_at',
      sql<string | null>`inputs->'scenario'->>'name'`.as('scenario_name'),
      sql<string | null>`result->'investToSave'->'netPresentValue'->>'mean'`.as('npv_mean'),
      sql<string | null>`result->'investToSave'->>'probabilityBenefitsExceedCosts'`.as('probability'),
      // Only the delivered means, not the whole result: what the disclosure gate needs for the list.
      sql<unknown>`(select coalesce(json_agg(iv->'delivered'->'mean'), '[]'::json) from json_array_elements(coalesce(result->'interventions', '[]'::json)) as iv)`.as('delivered'),
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const number = (value: string | null) => (value === null ? null : Number(value));
  return {
    items: rows.map(({ probability, npv_mean, delivered, ...row }) => ({
      ...row,
      npv_mean: number(npv_mean),
      probability_benefits_exceed_costs: number(probability),
      delivered_means: (typeof delivered === 'string' ? (JSON.parse(delivered) as unknown[]) : ((delivered as unknown[] | null) ?? [])).map(Number),
    })),
    total: Number(count.n),
  };
}
