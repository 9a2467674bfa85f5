import type { Kysely } from 'kysely';
import { compareVersions, type ModelCatalog } from '../catalog/catalog.ts';
import { modelNamedBy, RESERVED_SCENARIO_IDS, scenarioContentHash, type ScenarioFiles } from '../catalog/scenario-catalog.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import { validateScenario } from '../catalog/validate-scenario.ts';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { findScenarioVersions, insertScenario, listScenarioVersionsNamingTeam, listStoredScenarios, lockScenarioId } from '../db/repositories/scenarios.ts';
import type { Database, ScenarioRow } from '../db/schema.ts';
import type { ScenarioDocumentDto, ScenarioSummaryDto } from '../schemas/scenarios.ts';
import { unknownModel } from './care-plans.ts';
import { ConflictError, type FieldError, NotFoundError, UnprocessableError } from './errors.ts';

/**
 * Commissioning scenarios: the read-only files in scenarios/ and those stored through the API,
 * one list. A stored scenario version never changes: updateScenario stores a new, higher one.
 * Files own their ids: the API neither stores a version of a file scenario nor reuses its id.
 */

export interface ScenarioDeps {
  db: Kysely<Database>;
  catalog: ModelCatalog;
  files: ScenarioFiles;
}

/** One version of a scenario, wherever it lives. */
export interface ScenarioVersionEntry {
  id: string;
  version: string;
  name: string;
  origin: 'file' | 'api';
  file: string | null;
  hash: string;
  createdAt: Date | null;
  spec: ScenarioSpec;
}

function fromRow(row: ScenarioRow): ScenarioVersionEntry {
  const spec = row.spec as unknown as ScenarioSpec;
  return { id: row.id, version: row.version, name: spec.name, origin: row.origin as 'file' | 'api', file: null, hash: row.hash, createdAt: row.created_at, spec };
}

/**
 * Every version of every scenario: the files as they are now, plus what the database holds
 * (scenarios stored through the API, and earlier versions of files that were run).
 */
async function allVersions(deps: ScenarioDeps, id?: string): Promise<ScenarioVersionEntry[]> {
  const rows = id === undefined ? await listStoredScenarios(deps.db) : await findScenarioVersions(deps.db, id);
  const entries = new Map<string, ScenarioVersionEntry>();
  for (const row of rows) entries.set(`${row.id}@${row.version}`, fromRow(row));
  for (const file of deps.files.list()) {
    if (id !== undefined && file.id !== id) continue;
    const key = `${file.id}@${file.version}`;
    const stored = entries.get(key);
    entries.set(key, { id: file.id, version: file.version, name: file.name, origin: 'file', file: file.file, hash: file.hash, createdAt: stored?.createdAt ?? null, spec: file.spec });
  }
  return [...entries.values()].sort((a, b) => (a.id === b.id ? compareVersions(b.version, a.version) : a.id < b.id ? -1 : 1));
}

/** A scenario version (the newest when none is given), or 404. */
export async function findScenario(deps: ScenarioDeps, id: string, version?: string): Promise<ScenarioVersionEntry> {
  const versions = await allVersions(deps, id);
  const found = version === undefined ? versions[0] : versions.find((v) => v.version === version);
  if (!found) throw new NotFoundError('Scenario', version === undefined ? id : `${id} ${version}`);
  return found;
}

function links(id: string, version: string) {
  return { self: `/v1/scenarios/${id}?version=${version}`, runs: `/v1/scenario-runs?scenario=${id}&version=${version}` };
}

function summary(entry: ScenarioVersionEntry, latest: boolean): ScenarioSummaryDto {
  return {
    id: entry.id,
    version: entry.version,
    name: entry.name,
    origin: entry.origin,
    file: entry.file,
    hash: entry.hash,
    latest,
    createdAt: entry.createdAt === null ? null : new Date(entry.createdAt).toISOString(),
    links: links(entry.id, entry.version),
  };
}

function documentOf(entry: ScenarioVersionEntry, latest: boolean): ScenarioDocumentDto {
  return { ...summary(entry, latest), scenario: entry.spec as unknown as Record<string, unknown> };
}

export async function getScenario(deps: ScenarioDeps, id: string, version?: string): Promise<ScenarioDocumentDto> {
  const found = await findScenario(deps, id, version);
  const newest = await findScenario(deps, id);
  return documentOf(found, found.version === newest.version);
}

export interface ScenarioListQuery {
  id?: string | undefined;
  origin?: 'file' | 'api' | undefined;
  limit: number;
  offset: number;
}

/** Every scenario version, by id and then newest first. */
export async function listScenarios(deps: ScenarioDeps, query: ScenarioListQuery) {
  const versions = await allVersions(deps, query.id);
  const newest = new Set<ScenarioVersionEntry>();
  let lastId: string | undefined;
  for (const entry of versions) {
    if (entry.id !== lastId) newest.add(entry);
    lastId = entry.id;
  }
  const matching = versions.filter((v) => query.origin === undefined || v.origin === query.origin);
  return {
    items: matching.slice(query.offset, query.offset + query.limit).map((entry) => summary(entry, newest.has(entry))),
    total: matching.length,
    limit: query.limit,
    offset: query.offset,
  };
}

/** A cohort's teams as the records' query takes them: the ids in lower case (as PostgreSQL answers a UUID), and whether none is among them. */
export function cohortTeams(teams: readonly string[]): { ids: string[]; none: boolean } {
  return { ids: teams.filter((t) => t !== 'none').map((t) => t.toLowerCase()), none: teams.includes('none') };
}

/**
 * Refuses a cohort naming a team that does not exist (422, each such team named as
 * `${prefix}/cohort/teams/${k}`): a mistake, not an empty team, as GET /v1/young-people?team=
 * treats it. `prefix`: 'body' when the scenario is stored, 'scenario' when it is run (a file
 * scenario is only checked then; and a team deleted before deleteTeam refused teams named by
 * stored scenarios, or named by a file edited since, is gone when its scenario runs).
 * `lock`: when storing, the teams found stay share-locked until the transaction ends, so a
 * deleteTeam at the same moment (which locks the team's row) either waits and then finds this
 * scenario naming the team (409), or runs first and this check finds no team (422).
 */
export async function checkCohortTeams(db: Kysely<Database>, spec: Pick<ScenarioSpec, 'cohort'>, prefix: 'body' | 'scenario', lock = false): Promise<void> {
  const named = spec.cohort.teams ?? [];
  const { ids } = cohortTeams(named);
  if (ids.length === 0) return;
  const query = db.selectFrom('teams').select('id').where('id', 'in', ids);
  const found = new Set((await (lock ? query.forShare() : query).execute()).map((row) => row.id.toLowerCase()));
  const errors: FieldError[] = named.flatMap((team, k) => (team !== 'none' && !found.has(team.toLowerCase()) ? [{ field: `${prefix}/cohort/teams/${k}`, reason: `names no team (${team})` }] : []));
  if (errors.length > 0) throw new UnprocessableError(`The cohort names ${errors.length === 1 ? 'a team that does' : `${errors.length} teams that do`} not exist`, errors);
}

/** A scenario version that names a team in its cohort (scenariosNamingTeam). */
export interface ScenarioNamingTeam {
  id: string;
  version: string;
  origin: 'file' | 'api';
  /** The file in scenarios/ when the version is a file's as it is now; null otherwise. */
  file: string | null;
}

/**
 * Every scenario version whose cohort.teams names the team `teamId` (any case): those stored in
 * the database (through the API, and file versions that were run) and the files in scenarios/ as
 * they are now; by id, then version (lowest first). Each of them would answer 422 when run if the
 * team went (checkCohortTeams), and a stored version never changes, so deleteTeam refuses while
 * any names it.
 */
export async function scenariosNamingTeam(db: Kysely<Database>, files: Pick<ScenarioFiles, 'list'>, teamId: string): Promise<ScenarioNamingTeam[]> {
  const team = teamId.toLowerCase();
  const found = new Map<string, ScenarioNamingTeam>();
  for (const row of await listScenarioVersionsNamingTeam(db, team)) {
    found.set(`${row.id}@${row.version}`, { id: row.id, version: row.version, origin: row.origin as 'file' | 'api', file: null });
  }
  for (const file of files.list()) {
    if ((file.spec.cohort.teams ?? []).some((t) => t.toLowerCase() === team)) {
      found.set(`${file.id}@${file.version}`, { id: file.id, version: file.version, origin: 'file', file: file.file });
    }
  }
  return [...found.values()].sort((a, b) => (a.id === b.id ? compareVersions(a.version, b.version) : a.id < b.id ? -1 : 1));
}

/** Checks a scenario body against its schema and the model it names; errors point into `body`. */
export function checkScenarioBody(catalog: ModelCatalog, input: unknown): ScenarioSpec {
  const checked = validateScenario(input, modelNamedBy(input, (id, version) => catalog.get(id, version)?.model.spec));
  if (!checked.ok) {
    if (checked.unknownModel) {
      // The same answer as the projection routes give: the caller's id is not quoted back.
      const named = (input as ScenarioSpec).model;
      throw unknownModel(catalog, named.id, named.version, 'body/model/id', 'body/model/version');
    }
    const errors = checked.errors.map((e) => ({ field: `body${e.field}`, reason: e.reason }));
    throw new UnprocessableError(`The scenario has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0].field} ${errors[0].reason}${errors.length > 1 ? ' …' : ''}`, errors);
  }
  if (RESERVED_SCENARIO_IDS.has(checked.scenario.id)) {
    throw new UnprocessableError(`"${checked.scenario.id}" is reserved`, [{ field: 'body/id', reason: `"${checked.scenario.id}" is reserved (it would clash with /v1/scenarios/${checked.scenario.id})` }]);
  }
  return checked.scenario;
}

function readOnlyFile(id: string, file: string | null): ConflictError {
  return new ConflictError(
    `Scenario ${id} is defined by ${file ? `scenarios/${file}` : 'a file in scenarios/'} and is read-only: copy it under a new id and store that with createScenario`,
    [{ field: 'body/id', reason: 'is a file scenario' }],
  );
}

async function store(deps: ScenarioDeps, actor: Actor, spec: ScenarioSpec, action: 'scenario.create' | 'scenario.update', check: (stored: ScenarioRow[]) => void): Promise<ScenarioDocumentDto> {
  const hash = scenarioContentHash(spec);
  const row = await deps.db.transaction().execute(async (trx) => {
    await lockScenarioId(trx, spec.id);
    // In the transaction, holding the teams named: a team deleted at the same moment is either
    // refused (this scenario names it) or found gone here.
    await checkCohortTeams(trx, spec, 'body', true);
    check(await findScenarioVersions(trx, spec.id));
    const inserted = await insertScenario(trx, { id: spec.id, version: spec.version, spec: JSON.stringify(spec), hash, origin: 'api', created_by: actor.tokenId });
    await appendAuditEvent(trx, actor, {
      action,
      resourceType: 'scenario',
      resourceId: `${spec.id}@${spec.version}`,
      detail: { id: spec.id, version: spec.version, hash, model: spec.model },
    });
    return inserted;
  });
  return documentOf(fromRow(row), true);
}

/** Stores a new scenario: its id must be new (a file's id, or one already stored, is a conflict). */
export async function createScenario(deps: ScenarioDeps, actor: Actor, input: unknown): Promise<ScenarioDocumentDto> {
  const spec = checkScenarioBody(deps.catalog, input);
  const file = deps.files.get(spec.id);
  if (file) throw readOnlyFile(spec.id, file.file);
  return store(deps, actor, spec, 'scenario.create', (stored) => {
    if (stored.some((row) => row.origin === 'file')) throw readOnlyFile(spec.id, null);
    const same = stored.find((row) => row.version === spec.version);
    if (same) throw new ConflictError(`Scenario ${spec.id} ${spec.version} already exists`, [{ field: 'body/version', reason: 'is already stored' }]);
    if (stored.length > 0) {
      const latest = stored.map((row) => row.version).sort(compareVersions).at(-1);
      throw new ConflictError(`Scenario ${spec.id} already exists (latest version ${latest}): store a new version with updateScenario (PUT /v1/scenarios/${spec.id})`, [
        { field: 'body/id', reason: 'is already stored' },
      ]);
    }
  });
}

/** Stores a new version of a scenario stored through the API; it must be above the latest. */
export async function updateScenario(deps: ScenarioDeps, actor: Actor, id: string, input: unknown): Promise<ScenarioDocumentDto> {
  const file = deps.files.get(id);
  if (file) throw readOnlyFile(id, file.file);
  const spec = checkScenarioBody(deps.catalog, input);
  if (spec.id !== id) throw new UnprocessableError(`The body is scenario ${spec.id}, not ${id}`, [{ field: 'body/id', reason: `must be "${id}", the scenario being updated` }]);
  return store(deps, actor, spec, 'scenario.update', (stored) => {
    if (stored.length === 0) throw new NotFoundError('Scenario', id);
    if (stored.some((row) => row.origin === 'file')) throw readOnlyFile(id, null);
    const latest = stored.map((row) => row.version).sort(compareVersions).at(-1) as string;
    if (compareVersions(spec.version, latest) <= 0) {
      const errors: FieldError[] = [{ field: 'body/version', reason: `must be above the latest version, ${latest}` }];
      throw new ConflictError(`Scenario ${id} is at version ${latest}: a stored version never changes, so an update needs a higher version`, errors);
    }
  });
}
