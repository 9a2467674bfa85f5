import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';

/**
 * The database as Kysely sees it: one interface per table, columns in snake_case as stored.
 * JSON columns are written as strings (JSON.stringify) so `pg` never turns arrays into
 * PostgreSQL array literals, and read back as parsed values on both back ends.
 */
export interface Database {
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  young_people: YoungPeopleTable;
  jobs: JobsTable;
  scenario_run_inputs: ScenarioRunInputsTable;
  scenario_run_shards: ScenarioRunShardsTable;
  care_plans: CarePlansTable;
  pathway_projections: PathwayProjectionsTable;
  stored_models: StoredModelsTable;
  calibrations: CalibrationsTable;
  scenarios: ScenariosTable;
  scenario_runs: ScenarioRunsTable;
  teams: TeamsTable;
  care_episodes: CareEpisodesTable;
  scorecard_targets: ScorecardTargetsTable;
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  role: string;
  token_hash: string;
  created_at: Generated<Date>;
  created_by: string | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type NewApiToken = Insertable<ApiTokensTable>;

export interface AuditEventsTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor_token_id: string | null;
  actor_name: string;
  actor_role: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  detail: JSONColumnType<Record<string, unknown>, string, string>;
}
export type AuditEventRow = Selectable<AuditEventsTable>;
export type NewAuditEvent = Insertable<AuditEventsTable>;

export interface YoungPeopleTable {
  id: Generated<string>;
  reference: string | null;
  birth_year: number;
  birth_month: number | null;
  sex: string | null;
  /** Null only on an erased record (a tombstone). */
  legal_status: string | null;
  tier: number;
  care_state: string;
  needs_profile: JSONColumnType<Record<string, unknown>, string, string>;
  placement: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  services: JSONColumnType<Array<Record<string, unknown>>, string, string>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  erased_at: Timestamp | null;
  team_id: string | null;
  key_worker_reference: string | null;
  /** The first day the case is no longer open (YYYY-MM-DD); null while open. */
  closed_on: string | null;
  /** One of CLOSURE_REASONS (src/schemas/young-people.ts); null exactly when closed_on is. */
  closed_reason: string | null;
}
export type YoungPersonRow = Selectable<YoungPeopleTable>;
export type NewYoungPersonRow = Insertable<YoungPeopleTable>;
export type YoungPersonRowUpdate = Updateable<YoungPeopleTable>;

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobsTable {
  id: Generated<string>;
  kind: string;
  status: Generated<JobStatus>;
  progress: Generated<number>;
  message: string | null;
  capability: string;
  params: JSONColumnType<Record<string, unknown>, string, string>;
  created_by: string | null;
  created_at: Generated<Date>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  cancel_requested: Generated<boolean>;
  owner: string | null;
  heartbeat_at: Generated<Date>;
  error: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  result_type: string | null;
  result_id: string | null;
}
export type JobRow = Selectable<JobsTable>;

export interface CarePlansTable {
  id: Generated<string>;
  young_person_id: string;
  name: string;
  is_current: Generated<boolean>;
  /** The plan input (src/schemas/projections.ts PlanInputSchema without its name). */
  plan: JSONColumnType<Record<string, unknown>, string, string>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type CarePlanRow = Selectable<CarePlansTable>;
export type NewCarePlanRow = Insertable<CarePlansTable>;

export interface PathwayProjectionsTable {
  id: string;
  young_person_id: string;
  model_id: string;
  model_version: string;
  model_hash: string;
  /** int8: a string from some drivers; read it with Number() (seeds are at most 2^53 - 1). */
  seed: ColumnType<number | string, number, number>;
  runs: number;
  inputs: JSONColumnType<Record<string, unknown>, string, string>;
  result: JSONColumnType<Record<string, unknown>, string, string>;
  rerun_of: string | null;
  job_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}
export type PathwayProjectionRow = Selectable<PathwayProjectionsTable>;
export type NewPathwayProjectionRow = Insertable<PathwayProjectionsTable>;

export interface StoredModelsTable {
  id: string;
  version: string;
  /** The cost model as written (a json column: read back parsed, keys in order). */
  spec: JSONColumnType<Record<string, unknown>, string, string>;
  hash: string;
  origin: string;
  created_by: string | null;
  created_at: Generated<Date>;
}
export type StoredModelRow = Selectable<StoredModelsTable>;

export interface CalibrationsTable {
  id: string;
  job_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  model_id: string;
  model_version: string;
  model_hash: string;
  prior_model_id: string;
  prior_model_version: string;
  parameters: JSONColumnType<Record<string, unknown>, string, string>;
  sources: JSONColumnType<Array<{ name: string; bytes: number }>, string, string>;
  cleaning: JSONColumnType<Record<string, unknown>, string, string>;
  report: JSONColumnType<Record<string, unknown>, string, string>;
  backtest: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
}
export type CalibrationRow = Selectable<CalibrationsTable>;
export type NewCalibrationRow = Insertable<CalibrationsTable>;

export interface ScenarioRunInputsTable {
  run_id: string;
  prepared: JSONColumnType<object, string, string>;
  created_at: Generated<Date>;
}

export interface ScenarioRunShardsTable {
  run_id: string;
  chunk: number;
  shard: number;
  vectors: Buffer;
  parameters: Buffer;
  /** Shared places' figures per run and variant (src/simulation/places.ts); null without places. */
  places: Buffer | null;
  places_width: number | null;
  worker: string | null;
  created_at: Generated<Date>;
}

export interface ScenariosTable {
  id: string;
  version: string;
  /** The scenario as written (a json column: read back parsed, keys in order). */
  spec: JSONColumnType<Record<string, unknown>, string, string>;
  hash: string;
  /** 'api' (stored through the API) or 'file' (a scenarios/*.json version that has been run). */
  origin: string;
  created_by: string | null;
  created_at: Generated<Date>;
}
export type ScenarioRow = Selectable<ScenariosTable>;
export type NewScenarioRow = Insertable<ScenariosTable>;

export interface ScenarioRunsTable {
  id: string;
  scenario_id: string;
  scenario_version: string;
  scenario_hash: string;
  model_id: string;
  model_version: string;
  model_hash: string;
  /** int8: a string from some drivers; read it with Number() (seeds are at most 2^53 - 1). */
  seed: ColumnType<number | string, number, number>;
  runs: number;
  cohort_hash: string;
  cohort_size: number;
  software_version: string;
  inputs: JSONColumnType<Record<string, unknown>, string, string>;
  result: JSONColumnType<Record<string, unknown>, string, string>;
  job_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}
export type ScenarioRunRow = Selectable<ScenarioRunsTable>;
export type NewScenarioRunRow = Insertable<ScenarioRunsTable>;

export interface TeamsTable {
  id: Generated<string>;
  name: string;
  service: string;
  /** int8: a string from some drivers; read it with Number(). Whole pence. */
  annual_budget_pence: ColumnType<number | string | null, number | null | undefined, number | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type TeamRow = Selectable<TeamsTable>;

/** One dated episode of a young person's history; dates are ISO text, the end exclusive. */
export interface CareEpisodesTable {
  id: Generated<string>;
  young_person_id: string;
  start_date: string;
  end_date: string | null;
  care_state: string;
  new_placement: boolean;
  placement_district: string | null;
  distance_miles: number | null;
  entry: string | null;
  exit_reason: string | null;
  leaver_activity: string | null;
  accommodation_suitable: boolean | null;
  /** The team responsible during the episode; null: not recorded (the current team is used). */
  team_id: string | null;
  /** The placement's weekly price during the episode, whole pence; null: not recorded, or no placement in the episode's state. */
  weekly_price_pence: number | null;
  /**
   * The key worker during the episode (migration 2026-12-01-80): null, not recorded (the record's
   * key worker is read); '' recorded as none; else the canonical reference (KW and the digits).
   */
  key_worker_reference: string | null;
  created_at: Generated<Date>;
}
export type CareEpisodeRow = Selectable<CareEpisodesTable>;
export type NewCareEpisodeRow = Insertable<CareEpisodesTable>;

export interface ScorecardTargetsTable {
  measure: string;
  target: number;
  green: number;
  amber: number;
  updated_by: string | null;
  updated_at: Generated<Date>;
}
