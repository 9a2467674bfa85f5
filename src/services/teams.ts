import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { type Kysely, sql } from 'kysely';
import { DEFAULT_CARE_STATES } from '../catalog/vocabulary.ts';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import {
  closeEpisode,
  countTeamEpisodes,
  countTeamMembers,
  deleteEpisode,
  deleteEpisodesOf,
  deleteTeamRow,
  findTeamById,
  findTeamByIdForUpdate,
  insertEpisodes,
  insertTeam,
  listEpisodesOf,
  listTeamRows,
  setEpisodesDistance,
  setEpisodeTeamAndKeyWorker,
  setEpisodeWeeklyPrice,
  updateTeamRow,
} from '../db/repositories/teams.ts';
import { findYoungPersonById } from '../db/repositories/young-people.ts';
import type { CareEpisodeRow, Database, NewCareEpisodeRow, TeamRow } from '../db/schema.ts';
import { validationErrors } from '../schemas/validation-words.ts';
import { type EpisodeDto, type EpisodeInputDto, EpisodeInput, type TeamDto, type TeamInputDto, type TeamPatchDto } from '../schemas/teams.ts';
import { type ClosureReason, canonicalKeyWorkerReference, type YoungPersonInputDto } from '../schemas/young-people.ts';
import { type EntryKind, type ExitReason, isLookedAfterState, type LeaverActivity, leaverActivityContradicts, isRemandState, lookedAfterEpisodes } from '../outcomes/measures.ts';
import { placementPriceOn } from './scorecard.ts';
import { BadRequestError, ConflictError, type FieldError, GoneError, NotFoundError, UnprocessableError } from './errors.ts';
import { controlCharacterReason } from './input-rules.ts';
import { scenariosNamingTeam } from './scenarios.ts';
import type { ScenarioFiles } from '../catalog/scenario-catalog.ts';
import { wholePenceError } from '../finance/money.ts';
import { yieldToEventLoop } from '../db/yield.ts';

/**
 * Teams and young people's histories (issue 17). A history is a list of dated care episodes,
 * half-open [startDate, endDate), never overlapping; every change of care state or placement made
 * through the API closes the open episode and opens the next, so the record's past is kept.
 */

const placementStates = new Set(DEFAULT_CARE_STATES.filter((s) => s.placement).map((s) => s.id));

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23503';
}

/** A team deleted between the check and the insert: the foreign key refuses it; answered as the check would. */
function teamGone(field: string): UnprocessableError {
  return new UnprocessableError('A team named in the history no longer exists', [{ field, reason: 'names no team' }]);
}

/** The episodes' team ids that name no stored team: `${prefix}/${index}/teamId` for each. */
async function unknownEpisodeTeams(db: Kysely<Database>, episodes: EpisodeInputDto[], prefix: string): Promise<FieldError[]> {
  const ids = [...new Set(episodes.map((e) => e.teamId).filter((id): id is string => id !== undefined))];
  if (ids.length === 0) return [];
  const found = new Set((await db.selectFrom('teams').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
  const errors: FieldError[] = [];
  episodes.forEach((e, i) => {
    // A UUID is the same whatever its case (PostgreSQL's uuid type answers in lower case).
    if (e.teamId !== undefined && !found.has(e.teamId.toLowerCase())) errors.push({ field: `${prefix}/${i}/teamId`, reason: `names no team (${e.teamId})` });
  });
  return errors;
}

export function toTeamDto(row: TeamRow): TeamDto {
  return {
    id: row.id,
    name: row.name,
    service: row.service,
    annualBudget: row.annual_budget_pence === null ? null : Number(row.annual_budget_pence) / 100,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function pence(amount: number | null | undefined, field: string): number | null {
  if (amount === null || amount === undefined) return null;
  const p = Math.round(amount * 100);
  if (Math.abs(p - amount * 100) > 1e-6) throw new UnprocessableError('Money is whole pence', [{ field, reason: 'has a fraction of a penny' }]);
  return p;
}

function nameTaken(): ConflictError {
  return new ConflictError('Another team already has this name (names are compared ignoring case)', [{ field: 'body/name', reason: 'is already in use' }]);
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A name shaped as a team id is refused: where a team is given by id or name (the history CSV's
 * team column, the filters), an id is read first, so a team so named could never be named
 * (review of 2 December, finding 4).
 */
function checkTeamName(name: string | undefined): void {
  if (name !== undefined && UUID_SHAPE.test(name.trim())) {
    throw new UnprocessableError('A team’s name may not look like a team id', [{ field: 'body/name', reason: 'is shaped as a team id (a UUID); ids are read before names, so the team could not be named by it' }]);
  }
}

export async function createTeam(db: Kysely<Database>, actor: Actor, input: TeamInputDto): Promise<TeamDto> {
  checkTeamName(input.name);
  const budget = pence(input.annualBudget, 'body/annualBudget');
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await insertTeam(trx, { name: input.name, service: input.service, annual_budget_pence: budget });
      await appendAuditEvent(trx, actor, { action: 'team.create', resourceType: 'team', resourceId: row.id, detail: { service: row.service } });
      return toTeamDto(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

export async function listTeams(db: Kysely<Database>, service?: string): Promise<{ items: TeamDto[] }> {
  return { items: (await listTeamRows(db, { service })).map(toTeamDto) };
}

export async function getTeam(db: Kysely<Database>, id: string): Promise<TeamDto> {
  const row = await findTeamById(db, id);
  if (!row) throw new NotFoundError('Team', id);
  return toTeamDto(row);
}

export async function updateTeam(db: Kysely<Database>, actor: Actor, id: string, patch: TeamPatchDto): Promise<TeamDto> {
  checkTeamName(patch.name);
  const changes: { name?: string; service?: string; annual_budget_pence?: number | null } = {};
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.service !== undefined) changes.service = patch.service;
  if (patch.annualBudget !== undefined) changes.annual_budget_pence = pence(patch.annualBudget, 'body/annualBudget');
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await updateTeamRow(trx, id, changes);
      if (!row) throw new NotFoundError('Team', id);
      await appendAuditEvent(trx, actor, { action: 'team.update', resourceType: 'team', resourceId: id, detail: { changedFields: Object.keys(patch) } });
      return toTeamDto(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

/**
 * Deletes a team no one refers to; otherwise 409 naming `params/id`, nothing deleted:
 * - young people in it (stored, not erased): move them first, so no record points nowhere;
 * - history episodes under it: they count the past under it;
 * - a scenario version whose cohort.teams names it (stored, or a file in scenarios/, as `files`
 *   holds them): a stored version never changes and may be run again, and would then answer 422
 *   (its team gone); the 409 names each version (`{field: 'params/id', reason}` one a version).
 * A team that cannot go can be renamed. 404 when there is no such team.
 */
export async function deleteTeam(db: Kysely<Database>, actor: Actor, id: string, files: Pick<ScenarioFiles, 'list'>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Locked: a scenario stored at the same moment share-locks the teams it names (checkCohortTeams).
    if (!(await findTeamByIdForUpdate(trx, id))) throw new NotFoundError('Team', id);
    const members = await countTeamMembers(trx, id);
    if (members > 0) throw new ConflictError(`The team still has young people (${members} records); move them to another team first`, [{ field: 'params/id', reason: `names a team with ${members} young people` }]);
    // Its history episodes keep the past counted under it; deleting it would rewrite the scorecard's past.
    const episodes = await countTeamEpisodes(trx, id);
    if (episodes > 0) throw new ConflictError(`The team is named on ${episodes} history episodes, which count the past under it; rename it instead, or move those episodes to another team first`, [{ field: 'params/id', reason: `names a team on ${episodes} history episodes` }]);
    const scenarios = await scenariosNamingTeam(trx, files, id);
    if (scenarios.length > 0) {
      const named = scenarios.map((s) => `${s.id} ${s.version}`);
      throw new ConflictError(
        `The team is named in the cohort of ${scenarios.length === 1 ? 'a scenario' : `${scenarios.length} scenario versions`} (${named.length > 5 ? `${named.slice(0, 5).join(', ')} …` : named.join(', ')}), which would no longer run without it; a stored scenario version never changes, so rename the team instead`,
        scenarios.map((s) => ({
          field: 'params/id',
          reason: `is named in cohort.teams of scenario ${s.id} version ${s.version}${s.file === null ? '' : ` (scenarios/${s.file})`}`,
        })),
      );
    }
    await deleteTeamRow(trx, id);
    await appendAuditEvent(trx, actor, { action: 'team.delete', resourceType: 'team', resourceId: id, detail: {} });
  });
}

/**
 * How CSV imports name a team: by its id, or by its name (exactly, else ignoring case when that
 * names one team only). Reads the teams once; the answer is the team's id, or why the cell names
 * none (for a 422 naming the row and column).
 */
export async function teamResolver(db: Kysely<Database>): Promise<(raw: string) => { id: string } | { reason: string }> {
  const teams = await listTeamRows(db);
  const byId = new Map(teams.map((t) => [t.id.toLowerCase(), t.id]));
  const byName = new Map(teams.map((t) => [t.name, t.id]));
  const byFolded = new Map<string, string[]>();
  for (const t of teams) byFolded.set(t.name.toLowerCase(), [...(byFolded.get(t.name.toLowerCase()) ?? []), t.id]);
  return (raw) => {
    const id = byId.get(raw.toLowerCase()) ?? byName.get(raw);
    if (id) return { id };
    const folded = byFolded.get(raw.toLowerCase()) ?? [];
    if (folded.length === 1) return { id: folded[0] };
    if (folded.length > 1) return { reason: `names ${folded.length} teams when case is ignored; write the name exactly or give the id` };
    return { reason: 'names no team (give a team’s id or name)' };
  };
}

/** Refuses a team id that names no team (422 naming the field). */
export async function checkTeamExists(db: Kysely<Database>, teamId: string | undefined | null, field: string): Promise<void> {
  if (teamId === undefined || teamId === null) return;
  if (!(await findTeamById(db, teamId))) throw new UnprocessableError(`Team ${teamId} does not exist`, [{ field, reason: 'names no team' }]);
}

// ---------------------------------------------------------------------------------------------
// Histories

export function toEpisodeDto(row: CareEpisodeRow): EpisodeDto {
  return {
    id: row.id,
    startDate: row.start_date,
    ...(row.end_date !== null ? { endDate: row.end_date } : {}),
    careState: row.care_state as EpisodeDto['careState'],
    newPlacement: row.new_placement,
    ...(row.placement_district !== null ? { placementDistrict: row.placement_district } : {}),
    ...(row.distance_miles !== null ? { distanceFromHomeMiles: row.distance_miles } : {}),
    ...(row.entry !== null ? { entry: row.entry as EpisodeDto['entry'] } : {}),
    ...(row.exit_reason !== null ? { exitReason: row.exit_reason as EpisodeDto['exitReason'] } : {}),
    ...(row.leaver_activity !== null ? { leaverActivity: row.leaver_activity as EpisodeDto['leaverActivity'] } : {}),
    ...(row.accommodation_suitable !== null ? { accommodationSuitable: row.accommodation_suitable } : {}),
    ...(row.weekly_price_pence !== null ? { weeklyPrice: Number(row.weekly_price_pence) / 100 } : {}),
    ...(row.team_id !== null ? { teamId: row.team_id } : {}),
    ...(row.key_worker_reference !== null ? { keyWorkerReference: row.key_worker_reference === '' ? null : row.key_worker_reference } : {}),
  };
}

/**
 * An episode's key_worker_reference column from the API's keyWorkerReference (migration
 * 2026-12-01-80): undefined (not recorded) → NULL; null (none) → ''; a reference → canonical.
 */
export function keyWorkerColumn(reference: string | null | undefined): string | null {
  if (reference === undefined) return null;
  return reference === null ? '' : canonicalKeyWorkerReference(reference);
}

function toEpisodeRow(youngPersonId: string, e: EpisodeInputDto): NewCareEpisodeRow {
  return {
    young_person_id: youngPersonId,
    start_date: e.startDate,
    end_date: e.endDate ?? null,
    care_state: e.careState,
    new_placement: e.newPlacement ?? placementStates.has(e.careState),
    placement_district: e.placementDistrict ?? null,
    distance_miles: e.distanceFromHomeMiles ?? null,
    entry: e.entry ?? null,
    exit_reason: e.exitReason ?? null,
    leaver_activity: e.leaverActivity ?? null,
    accommodation_suitable: e.accommodationSuitable ?? null,
    team_id: e.teamId ?? null,
    key_worker_reference: keyWorkerColumn(e.keyWorkerReference),
    // Whole pence (checkEpisodes refused a fraction of a penny), as the other money columns.
    weekly_price_pence: e.weeklyPrice === undefined ? null : Math.round(e.weeklyPrice * 100),
  };
}

/** The most an episode's weekly price may be, GBP: as the record's placement weeklyPrice (src/schemas/young-people.ts). */
export const MAX_EPISODE_WEEKLY_PRICE = 1_000_000;

/**
 * An episode's weeklyPrice, beyond its JSON Schema (which lets NaN through, as a comparison with
 * NaN is false): finite, 0 to MAX_EPISODE_WEEKLY_PRICE, whole pence, and only on an episode in a
 * placement state (the price of the placement; a child at home or a care leaver has none, their
 * services are priced on the record). Null when it is fine.
 */
function weeklyPriceError(e: EpisodeInputDto, field: string): FieldError | null {
  const price = e.weeklyPrice;
  if (price === undefined) return null;
  if (!Number.isFinite(price) || price < 0 || price > MAX_EPISODE_WEEKLY_PRICE) return { field, reason: `must be a number of pounds from 0 to ${MAX_EPISODE_WEEKLY_PRICE}` };
  const pence = wholePenceError(price, field);
  if (pence) return pence;
  if (!placementStates.has(e.careState)) return { field, reason: `is the price of a placement, so only on an episode in a placement state (not ${e.careState})` };
  return null;
}

/**
 * The rules of a history a JSON Schema cannot say: each end after its start, no start and no
 * end in the future, no two episodes overlapping (at most one open, and it is the last), and a weeklyPrice
 * finite, in whole pence and only on a placement (weeklyPriceError). Fields are
 * `${prefix}/${index}/…` in the order given.
 */
export function checkEpisodes(episodes: EpisodeInputDto[], today: string, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  episodes.forEach((e, i) => {
    if (e.endDate !== undefined && e.endDate <= e.startDate) errors.push({ field: `${prefix}/${i}/endDate`, reason: `must be after startDate (${e.startDate})` });
    if (e.startDate > today) errors.push({ field: `${prefix}/${i}/startDate`, reason: 'is in the future' });
    // An end is the first day not in the episode, as a case's closedOn: not after today, with
    // closedOn's wording (a history ending in the future would close a case on a future day).
    else if (e.endDate !== undefined && e.endDate > today) errors.push({ field: `${prefix}/${i}/endDate`, reason: `is in the future (today is ${today})` });
    const price = weeklyPriceError(e, `${prefix}/${i}/weeklyPrice`);
    if (price) errors.push(price);
  });
  const order = startOrder(episodes);
  for (let k = 1; k < order.length; k++) {
    const before = episodes[order[k - 1]];
    const after = episodes[order[k]];
    if (before.endDate === undefined || before.endDate > after.startDate) {
      errors.push({
        field: `${prefix}/${order[k]}/startDate`,
        reason: `overlaps episode ${order[k - 1]} (${before.startDate} to ${before.endDate ?? 'open'}); episodes may not overlap`,
      });
    }
  }
  errors.push(...checkEpisodeFlags(episodes, order, prefix));
  return errors;
}

/**
 * The flags an episode may carry only where the measures read them (src/outcomes/measures.ts),
 * so a contradictory history is refused rather than counted or silently ignored: `entry` on the
 * first episode of a period of care (a looked-after episode not continuing a looked-after one
 * that ends the day it starts); `exitReason` on the last (ended, and not continued by another
 * looked-after episode); `leaverActivity` and `accommodationSuitable` on a care leaver's episode, the activity
 * not contradicting the state (leaverActivityContradicts: EET while independent_neet, NEET or
 * not in touch while independent_eet).
 * `order` is the episodes' indices by start date. Fields are `${prefix}/${index}/…`.
 */
function checkEpisodeFlags(episodes: EpisodeInputDto[], order: number[], prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  // Looked after as the measures read it: a looked-after state, or custody on remand within a
  // period of care (lookedAfterEpisodes).
  const flags = lookedAfterEpisodes(order.map((i) => episodes[i]));
  const byIndex = new Map(order.map((i, k) => [episodes[i], flags[k]]));
  const lookedAfter = (e: EpisodeInputDto | undefined) => e !== undefined && byIndex.get(e) === true;
  order.forEach((i, k) => {
    const e = episodes[i];
    const before = k > 0 ? episodes[order[k - 1]] : undefined;
    const after = k + 1 < order.length ? episodes[order[k + 1]] : undefined;
    const continues = lookedAfter(before) && before?.endDate === e.startDate;
    const continued = e.endDate !== undefined && lookedAfter(after) && after?.startDate === e.endDate;
    if (e.entry !== undefined) {
      if (!lookedAfter(e)) errors.push({ field: `${prefix}/${i}/entry`, reason: `is the flag of an entry to care, so only on a looked-after episode (not ${e.careState})` });
      else if (continues) errors.push({ field: `${prefix}/${i}/entry`, reason: `is the flag of an entry to care, so only on the first episode of a period of care (this one continues episode ${order[k - 1]})` });
    }
    if (e.exitReason !== undefined) {
      if (!lookedAfter(e)) errors.push({ field: `${prefix}/${i}/exitReason`, reason: `is why care ended, so only on a looked-after episode (not ${e.careState} outside care)` });
      else if (e.endDate === undefined) errors.push({ field: `${prefix}/${i}/exitReason`, reason: 'is why care ended, so only on an episode with an endDate' });
      else if (continued) errors.push({ field: `${prefix}/${i}/exitReason`, reason: `is why care ended, so only on the last episode of a period of care (episode ${order[k + 1]} continues it)` });
    }
    const placementError = newPlacementError(e, continues ? before : undefined);
    if (placementError) errors.push({ field: `${prefix}/${i}/newPlacement`, reason: placementError });
    for (const field of ['leaverActivity', 'accommodationSuitable'] as const) {
      if (e[field] !== undefined && careStates.get(e.careState)?.category !== 'care_leaver') {
        errors.push({ field: `${prefix}/${i}/${field}`, reason: `is a care leaver’s, so only on a care leaver’s episode (not ${e.careState})` });
      } else if (field === 'leaverActivity' && leaverActivityContradicts(e.careState, e.leaverActivity)) {
        errors.push({ field: `${prefix}/${i}/leaverActivity`, reason: `contradicts the care state (${e.leaverActivity} while ${e.careState}); correct one or the other` });
      }
    }
  });
  return errors;
}

const careStates = new Map(DEFAULT_CARE_STATES.map((st) => [st.id, st]));

/**
 * Placement states between which the carer can stay the same: family foster care and a
 * placement for adoption. SSDA903 records such a change as a new episode whose reason (RNE) is
 * T, "change of placement type only" (U with a change of legal status), the carer unchanged:
 * for example a foster carer approved as the child's adopter (PLACE A3/A5 "placed for adoption
 * with current foster carer", which DfE validation rule 217 allows only with RNE S, T or U), or
 * a carer moving between the authority and an agency. Any other change of placement type (to a
 * children's home, secure home, supported accommodation, parents or another placement) is a
 * change of carer, so a new placement (RNE P or B).
 */
const SAME_CARER_PLACEMENTS: ReadonlySet<string> = new Set(['kinship_foster', 'inhouse_foster', 'ifa_foster', 'placed_for_adoption']);

/**
 * Why an episode's `newPlacement: false` contradicts the history, or null when it does not.
 * `continued` is the looked-after episode this one continues (ending the day it starts), if any.
 * The measures count placements from this flag (src/outcomes/measures.ts: a placement per
 * episode flagged new, and the first of each period of care whatever its flag), so a flag they
 * would overrule, or one that hides a change of carer, is refused rather than miscounted:
 *   - the first placement of a period of care is always a new one;
 *   - a change between placement states keeps the placement only where the carer can stay the
 *     same (SAME_CARER_PLACEMENTS).
 * A change of state with the same placement state (a change of legal status only, SSDA903 RNE
 * L) and a move out of a placement state are not placements' business, so not checked here.
 */
function newPlacementError(e: EpisodeInputDto, continued: EpisodeInputDto | undefined): string | null {
  if (e.newPlacement === false && isRemandState(e.careState) && continued !== undefined && placementStates.has(continued.careState)) {
    return `must be true (or absent): a move from ${continued.careState} into ${e.careState} (on remand, still looked after) is a new placement`;
  }
  if (e.newPlacement !== false || !placementStates.has(e.careState)) return null;
  if (continued === undefined) return 'must be true (or absent) on the first placement of a period of care: it begins a new placement, as the measures count it';
  if (!placementStates.has(continued.careState)) return `must be true (or absent): a return from ${continued.careState} (on remand, still looked after) to ${e.careState} is a new placement`;
  if (continued.careState === e.careState) return null;
  if (SAME_CARER_PLACEMENTS.has(continued.careState) && SAME_CARER_PLACEMENTS.has(e.careState)) return null;
  return `must be true (or absent): a change from ${continued.careState} to ${e.careState} is a change of carer, so a new placement (the same carer can stay only between foster care and a placement for adoption, SSDA903 reason for new episode T or U)`;
}

/**
 * The stored episodes (in start order, as listEpisodesOf gives them) that are looked after as the
 * measures read them: a looked-after state, or custody on remand within a period of care
 * (lookedAfterEpisodes, src/outcomes/measures.ts).
 */
function storedLookedAfter<T extends { care_state: string; start_date: string; end_date: string | null; exit_reason: string | null; entry: string | null }>(episodes: readonly T[]): Set<T> {
  const flags = lookedAfterEpisodes(
    episodes.map((e) => ({
      careState: e.care_state,
      startDate: e.start_date,
      endDate: e.end_date ?? undefined,
      exitReason: (e.exit_reason ?? undefined) as ExitReason | undefined,
      entry: (e.entry ?? undefined) as EntryKind | undefined,
    })),
  );
  return new Set(episodes.filter((_, i) => flags[i]));
}

/** The episodes' indices by start date (ties in input order): the order the history rules read them in. */
function startOrder(episodes: readonly { startDate: string }[]): number[] {
  return episodes.map((_, i) => i).sort((a, b) => (episodes[a].startDate < episodes[b].startDate ? -1 : episodes[a].startDate > episodes[b].startDate ? 1 : a - b));
}

/** Whom a history belongs to: what it must agree with. */
export interface HistorySubject {
  birthYear: number;
  /** 1-12; null taken as January, as elsewhere. */
  birthMonth: number | null;
  careState: string;
  /** The case is open (no closedOn): its history may not end without an exit reason. Absent: not checked. */
  open?: boolean;
  /** The record's placement's distance from home, miles; absent when it has none (or not checked). */
  distanceFromHomeMiles?: number;
  /** The record's team id (null: none). Absent: not checked. */
  teamId?: string | null;
  /** The record's key worker, canonical (KW and the digits; null: none). Absent: not checked. */
  keyWorkerReference?: string | null;
  /**
   * The record's placement (GBP, YYYY-MM-DD, its dated priceChanges as stored; null: none).
   * Absent: not checked.
   */
  placement?: RecordPlacement | null;
}

/** The fields of a record's placement a history must agree with. */
export interface RecordPlacement {
  type: string;
  startDate: string;
  weeklyPrice: number;
  priceChanges?: Array<{ from: string; weeklyPrice: number }>;
}

/** The distance from home of a stored record's placement (jsonb), when it has one. */
function placementDistance(placement: unknown): { distanceFromHomeMiles?: number } {
  const miles = (placement as { distanceFromHomeMiles?: unknown } | null)?.distanceFromHomeMiles;
  return typeof miles === 'number' ? { distanceFromHomeMiles: miles } : {};
}

/**
 * What a stored young person's history must agree with (checkEpisodesAgainstRecord), from its
 * row: birth, care state, whether the case is open, the team, the key worker and the placement
 * (jsonb; a malformed one is taken as none).
 */
export function historySubjectOf(row: {
  birth_year: number;
  birth_month: number | null;
  care_state: string;
  closed_on: string | null;
  placement: unknown;
  team_id: string | null;
  key_worker_reference: string | null;
}): HistorySubject {
  const p = row.placement as Partial<RecordPlacement> | null;
  const placement: RecordPlacement | null =
    p && typeof p.type === 'string' && typeof p.startDate === 'string' && typeof p.weeklyPrice === 'number'
      ? { type: p.type, startDate: p.startDate, weeklyPrice: p.weeklyPrice, ...(Array.isArray(p.priceChanges) ? { priceChanges: p.priceChanges } : {}) }
      : null;
  return {
    birthYear: row.birth_year,
    birthMonth: row.birth_month,
    careState: row.care_state,
    open: row.closed_on === null,
    ...placementDistance(row.placement),
    teamId: row.team_id,
    keyWorkerReference: row.key_worker_reference,
    placement,
  };
}

/**
 * The indices of the episodes of the record's current placement: in its state (the placement's
 * type) and starting on or after its startDate (as a corrected distance reaches them in
 * recordChangeInHistory). A team or key-worker change splits one placement into several episodes;
 * episodes of earlier placements are history and may differ from today's record.
 */
function currentPlacementEpisodes(episodes: readonly EpisodeInputDto[], placement: RecordPlacement): number[] {
  return episodes.flatMap((e, i) => (e.careState === placement.type && e.startDate >= placement.startDate ? [i] : []));
}

/** Pounds as the API answers them: 800 → "800", 812.5 → "812.50". */
function pounds(amount: number): string {
  return Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
}

/**
 * The history with what it leaves out taken from the record (the record is the current truth):
 * the open episode in the record's care state takes the record's teamId (none when the record has
 * none), keyWorkerReference (null: none), distanceFromHomeMiles, from another episode of the
 * current placement (currentPlacementEpisodes) its placementDistrict, and, when the placement had
 * begun by its startDate, the placement's weekly price in force that day (placementPriceOn, its
 * dated priceChanges read as the scorecard reads them). Run after
 * checkEpisodesAgainstRecord has found no contradiction; a field given is never changed. Pure: a
 * new list, in the order given; an absent subject field fills nothing.
 */
export function episodesFromRecord(episodes: readonly EpisodeInputDto[], subject: HistorySubject): EpisodeInputDto[] {
  const out = episodes.map((e) => ({ ...e }));
  const placement = subject.placement ?? undefined;
  const ofPlacement = placement ? currentPlacementEpisodes(out, placement) : [];
  const district = ofPlacement.map((i) => out[i].placementDistrict).find((d) => d !== undefined);
  for (const e of out) {
    if (e.endDate !== undefined || e.careState !== subject.careState) continue;
    if (e.teamId === undefined && subject.teamId) e.teamId = subject.teamId;
    if (e.keyWorkerReference === undefined && subject.keyWorkerReference !== undefined) e.keyWorkerReference = subject.keyWorkerReference;
    if (e.distanceFromHomeMiles === undefined && subject.distanceFromHomeMiles !== undefined) e.distanceFromHomeMiles = subject.distanceFromHomeMiles;
    if (e.placementDistrict === undefined && district !== undefined && ofPlacement.includes(out.indexOf(e))) e.placementDistrict = district;
    if (e.weeklyPrice === undefined && placement && e.careState === placement.type && e.startDate >= placement.startDate) e.weeklyPrice = placementPriceOn(placement, e.startDate);
  }
  return out;
}

/**
 * Where the open episode (index `open`) contradicts the record's team, key worker, distance and
 * placement (review of 2 December): each field given must be the record's (absent, it is taken
 * from the record: episodesFromRecord). The placement's start: the episode that begins the
 * placement the open episode is in (walking back through the same-state episodes it continues
 * with newPlacement false) starts on the record's placement startDate when it begins a new
 * placement, and never before it; its weekly price is the record's placement price in force on
 * its startDate; the current placement's episodes name one district.
 * `order` is the episodes' indices by start date. Fields are `${prefix}/${index}/…`.
 */
function openEpisodeContradictions(episodes: EpisodeInputDto[], order: number[], open: number, subject: HistorySubject, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const e = episodes[open];
  const field = (i: number, name: string) => `${prefix}/${i}/${name}`;
  // The open episode is the record's placement today: two distances would count the child
  // within 20 miles on one and beyond on the other (review of 1 December).
  if (e.distanceFromHomeMiles !== undefined && subject.distanceFromHomeMiles !== undefined && e.distanceFromHomeMiles !== subject.distanceFromHomeMiles) {
    errors.push({
      field: field(open, 'distanceFromHomeMiles'),
      reason: `is the open episode, so must equal the record’s placement distanceFromHomeMiles (${subject.distanceFromHomeMiles}); leave it out to take the record’s`,
    });
  }
  // The team and key worker in force today are the record's: the scorecard counts the open
  // episode under its team while the team list and workforce measures read the record's.
  if (subject.teamId !== undefined && e.teamId !== undefined && e.teamId.toLowerCase() !== subject.teamId?.toLowerCase()) {
    errors.push({
      field: field(open, 'teamId'),
      reason:
        subject.teamId === null
          ? 'is the open episode, so must be the record’s team, and the record has none; leave it out (or move the young person with PATCH teamId first)'
          : `is the open episode, so must equal the record’s teamId (${subject.teamId}); leave it out to take the record’s (or move the young person with PATCH teamId first)`,
    });
  }
  if (subject.keyWorkerReference !== undefined && e.keyWorkerReference !== undefined) {
    const given = e.keyWorkerReference === null ? null : canonicalKeyWorkerReference(e.keyWorkerReference);
    if (given !== subject.keyWorkerReference) {
      errors.push({
        field: field(open, 'keyWorkerReference'),
        reason:
          subject.keyWorkerReference === null
            ? 'is the open episode, so must be the record’s key worker, and the record has none; give null or leave it out (or set it with PATCH keyWorkerReference first)'
            : `is the open episode, so must equal the record’s keyWorkerReference (${subject.keyWorkerReference}); leave it out to take the record’s (or change it with PATCH keyWorkerReference first)`,
      });
    }
  }
  const placement = subject.placement ?? undefined;
  if (!placement || e.careState !== placement.type) return errors;
  // The episode that begins the open episode's placement: back through the same-state episodes it
  // continues (each ending the day the next starts) while the later one says newPlacement false.
  const position = order.indexOf(open);
  let k = position;
  while (k > 0) {
    const here = episodes[order[k]];
    const before = episodes[order[k - 1]];
    if (here.newPlacement !== false || before.careState !== here.careState || before.endDate !== here.startDate) break;
    k--;
  }
  const head = order[k];
  const first = episodes[head];
  if (first.newPlacement !== false && first.startDate !== placement.startDate) {
    errors.push({
      field: field(head, 'startDate'),
      reason:
        head === open
          ? `is the open episode, which begins a new placement, so must be the record’s placement startDate (${placement.startDate}); if it continues that placement (a team or key-worker change), give newPlacement false`
          : `begins the placement the open episode continues, so must be the record’s placement startDate (${placement.startDate})`,
    });
  } else if (first.newPlacement === false && first.startDate < placement.startDate) {
    errors.push({ field: field(head, 'startDate'), reason: `is before the record’s placement startDate (${placement.startDate}), yet the open episode continues this placement` });
  }
  // The price in force today is read from the record while its placement lasts, and from this
  // episode once the young person moves on (weeklyCommitmentOn): a different figure here would
  // rewrite past spend on the move. Episodes closed before are history (a price corrected through
  // PATCH updates only the open episode, so a closed episode of the same placement may differ).
  const expected = e.startDate >= placement.startDate ? placementPriceOn(placement, e.startDate) : undefined;
  if (e.weeklyPrice !== undefined && expected !== undefined && Math.round(e.weeklyPrice * 100) !== Math.round(expected * 100)) {
    errors.push({
      field: field(open, 'weeklyPrice'),
      reason: `is the open episode, so must be the record’s placement weekly price in force on its startDate ${e.startDate} (${pounds(expected)}); leave it out to take the record’s (or correct the record’s placement price first)`,
    });
  }
  const ofPlacement = currentPlacementEpisodes(episodes, placement);
  // One placement, one district: the record keeps none, so the history's is the placement's.
  const districts = ofPlacement.filter((i) => episodes[i].placementDistrict !== undefined).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const i of districts.slice(1)) {
    if (episodes[i].placementDistrict !== episodes[districts[0]].placementDistrict) {
      errors.push({
        field: field(i, 'placementDistrict'),
        reason: `is an episode of the record’s current placement (${placement.type} from ${placement.startDate}), whose district is ${episodes[districts[0]].placementDistrict} (episode ${districts[0]}); one placement has one district`,
      });
    }
  }
  return errors;
}

/**
 * The rules that tie a history to its record (the record is the current truth): at least one
 * episode; none starting before the month of birth; and the open episode, if any, in the
 * record's care state and in a state the age rules allow today (DEFAULT_CARE_STATES' min and
 * max ages, as for the record); every episode within its state's ages (episodeAgeError: not
 * starting before the minimum age's birthday, an ended one not running past the maximum's), named
 * `…/careState`; and, for an open case (subject.open), a last episode that ends does so with an
 * exitReason (closing the case), and so does an ended looked-after episode followed by a gap
 * (the next starting after its end), named `…/exitReason`; and the open episode in the record's
 * team, key worker, distance and placement (start, weekly price, one district), when the subject
 * gives them (openEpisodeContradictions; what it leaves out is taken from the record by
 * episodesFromRecord). Fields are `${prefix}/${index}/…`, or `${prefix}` for an empty list.
 */
export function checkEpisodesAgainstRecord(episodes: EpisodeInputDto[], subject: HistorySubject, today: string, prefix: string): FieldError[] {
  if (episodes.length === 0) return [{ field: prefix, reason: 'must hold at least one episode (the record’s current state)' }];
  const errors: FieldError[] = [];
  const month = subject.birthMonth ?? 1;
  const born = `${String(subject.birthYear).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
  const [ty, tm] = today.split('-').map(Number);
  const age = Math.floor((ty * 12 + tm - (subject.birthYear * 12 + month)) / 12);
  // An open case's history ends open, or with an exitReason (which closes the case on that end):
  // a last episode ended with no reason would leave the record open, its state and placement
  // counted in spend, with no episode in force (so not counted as looked after).
  const order = startOrder(episodes);
  if (subject.open === true) {
    const flags = lookedAfterEpisodes(order.map((i) => episodes[i]));
    const last = order[order.length - 1];
    const e = episodes[last];
    if (e.endDate !== undefined && e.exitReason === undefined) {
      errors.push({
        field: `${prefix}/${last}/endDate`,
        reason: flags[order.length - 1]
          ? 'ends the history with no exitReason while the case is open: give an exitReason (which closes the case on this endDate) or leave the last episode open (no endDate)'
          : `ends the history with no exitReason while the case is open: leave the last episode open (no endDate), or close the case (PATCH closedOn) first (an exitReason is only for a looked-after episode, not ${e.careState})`,
      });
    }
    // A looked-after episode ended with no reason, the next episode starting later (a gap): the
    // measures read its end as an exit with no reason and the next looked-after day as a new
    // entry, so it needs an exitReason as the last episode does (review of 1 December).
    for (let k = 0; k + 1 < order.length; k++) {
      const e = episodes[order[k]];
      const next = episodes[order[k + 1]];
      if (e.endDate === undefined || e.exitReason !== undefined || !flags[k] || next.startDate <= e.endDate) continue;
      errors.push({
        field: `${prefix}/${order[k]}/exitReason`,
        reason: `is missing: care ends on ${e.endDate} and the next episode (episode ${order[k + 1]}) starts only on ${next.startDate}, so this ends a period of care; give an exitReason, or end this episode on the day the next starts`,
      });
    }
  }
  episodes.forEach((e, i) => {
    if (e.startDate < born) errors.push({ field: `${prefix}/${i}/startDate`, reason: `is before the month of birth (${born.slice(0, 7)})` });
    if (e.endDate !== undefined) {
      const ageError = episodeAgeError(e, subject.birthYear, month);
      if (ageError) errors.push({ field: `${prefix}/${i}/careState`, reason: ageError });
      return;
    }
    if (e.careState !== subject.careState) {
      errors.push({ field: `${prefix}/${i}/careState`, reason: `is the open episode, so must equal the record’s careState (${subject.careState})` });
      return;
    }
    errors.push(...openEpisodeContradictions(episodes, order, i, subject, prefix));
    const state = careStates.get(e.careState);
    if (state?.minAgeYears !== undefined && age < state.minAgeYears) errors.push({ field: `${prefix}/${i}/careState`, reason: `${state.id} is for ages ${state.minAgeYears} and over; this young person is ${age}` });
    else if (state?.maxAgeYears !== undefined && age >= state.maxAgeYears) errors.push({ field: `${prefix}/${i}/careState`, reason: `${state.id} is for ages under ${state.maxAgeYears}; this young person is ${age}` });
    else {
      // Open and allowed today, but begun before the state's minimum age (supported accommodation from 15).
      const early = episodeAgeError(e, subject.birthYear, month);
      if (early) errors.push({ field: `${prefix}/${i}/careState`, reason: early });
    }
  });
  return errors;
}

/** The first day of the birth month `years` after birth (the birthday, as src/outcomes/measures.ts counts it), YYYY-MM-DD. */
function birthdayAt(birthYear: number, birthMonth: number, years: number): string {
  return `${String(birthYear + years).padStart(4, '0')}-${String(birthMonth).padStart(2, '0')}-01`;
}

/** Completed years on `iso` (YYYY-MM-DD), the birthday being the first of the birth month. */
function ageOnDay(birthYear: number, birthMonth: number, iso: string): number {
  const [y, m] = iso.split('-').map(Number);
  return Math.floor((y * 12 + m - (birthYear * 12 + birthMonth)) / 12);
}

/**
 * Why an episode breaks its care state's age rules (DEFAULT_CARE_STATES minAgeYears and
 * maxAgeYears), or null: it may not start before the birthday of the minimum age, nor, when
 * ended, run past the birthday of the maximum age (endDate is the first day not in the episode,
 * so an end on that birthday is allowed). An open episode's maximum is checked on today's age by
 * the caller. Ages count the birthday as the first of the birth month (src/outcomes/measures.ts).
 */
function episodeAgeError(e: { startDate: string; endDate?: string | undefined; careState: string }, birthYear: number, birthMonth: number): string | null {
  const state = careStates.get(e.careState);
  if (!state) return null;
  if (state.minAgeYears !== undefined) {
    const from = birthdayAt(birthYear, birthMonth, state.minAgeYears);
    if (e.startDate < from) return `${state.id} is for ages ${state.minAgeYears} and over; this episode starts on ${e.startDate}, at age ${ageOnDay(birthYear, birthMonth, e.startDate)} (the ${ordinal(state.minAgeYears)} birthday is ${from})`;
  }
  if (state.maxAgeYears !== undefined && e.endDate !== undefined) {
    const until = birthdayAt(birthYear, birthMonth, state.maxAgeYears);
    if (e.endDate > until) {
      // The age on the episode's last day (the day before its endDate).
      const [y, m, d] = e.endDate.split('-').map(Number);
      const lastDay = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
      return `${state.id} is for ages under ${state.maxAgeYears}; this episode runs to ${e.endDate}, reaching age ${ageOnDay(birthYear, birthMonth, lastDay)} (it may end on the ${ordinal(state.maxAgeYears)} birthday, ${until}, at the latest)`;
    }
  }
  return null;
}

/**
 * Each episode of a history read against a date of birth: why it breaks the rules that tie
 * episodes to age (starting before the month of birth; episodeAgeError: starting before its
 * state's minimum age, or, ended, running past its maximum), or null. Dates YYYY-MM-DD, the
 * birthday the first of the birth month. The open episode's maximum age is the record's rule
 * (checkYoungPersonRules, on today). Pure; answers in the episodes' order.
 */
export function historyAgeProblems(episodes: ReadonlyArray<{ startDate: string; endDate?: string | undefined; careState: string }>, birthYear: number, birthMonth: number): Array<string | null> {
  const born = birthdayAt(birthYear, birthMonth, 0);
  return episodes.map((e) => {
    if (e.startDate < born) return `this episode starts on ${e.startDate}, before the month of birth (${born.slice(0, 7)})`;
    return episodeAgeError(e, birthYear, birthMonth);
  });
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

async function liveYoungPerson(db: Kysely<Database>, id: string) {
  const row = await findYoungPersonById(db, id);
  if (!row) throw new NotFoundError('Young person', id);
  if (row.erased_at !== null) throw new GoneError(`Young person ${id} was erased`);
  return row;
}

export async function listHistory(db: Kysely<Database>, youngPersonId: string): Promise<{ items: EpisodeDto[] }> {
  await liveYoungPerson(db, youngPersonId);
  return { items: (await listEpisodesOf(db, youngPersonId)).map(toEpisodeDto) };
}

/** Replaces a young person's whole history (all or nothing). */
export async function replaceHistory(db: Kysely<Database>, actor: Actor, youngPersonId: string, episodes: EpisodeInputDto[], today: string): Promise<{ items: EpisodeDto[] }> {
  const errors = checkEpisodes(episodes, today, 'body/episodes');
  if (errors.length > 0) throw new UnprocessableError('The history breaks the rules of a history', errors);
  try {
    return await db.transaction().execute(async (trx) => {
      const person = await liveYoungPerson(trx, youngPersonId);
      // A team that does not exist is named as such before any contradiction of the record's team.
      const unknown = await unknownEpisodeTeams(trx, episodes, 'body/episodes');
      if (unknown.length > 0) throw new UnprocessableError('The history names a team that does not exist', unknown);
      const subject = historySubjectOf(person);
      const contradictions = checkEpisodesAgainstRecord(episodes, subject, today, 'body/episodes');
      if (contradictions.length > 0) throw new UnprocessableError('The history contradicts the record', contradictions);
      await deleteEpisodesOf(trx, youngPersonId);
      // What the open episode leaves out is the record's (its team, key worker, distance, price).
      const sorted = episodesFromRecord(episodes, subject).sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
      const rows = await insertEpisodes(trx, sorted.map((e) => toEpisodeRow(youngPersonId, e)));
      const closure = await applyHistoryClosure(trx, youngPersonId);
      await appendAuditEvent(trx, actor, { action: 'history.replace', resourceType: 'young_person', resourceId: youngPersonId, detail: { episodes: rows.length, ...(closure ? { case: closure } : {}) } });
      return { items: rows.map(toEpisodeDto) };
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) throw teamGone('body/episodes');
    throw error;
  }
}

/**
 * The record is in custody on remand: a custody state (isRemandState) with legal status
 * youth_justice_remand. Such a child is looked after (LASPO 2012 s104), so the record's episode
 * is in care: continuing a period of care, or starting one (an entry flag) from outside care.
 * Custody under any other legal status is a sentence, outside care (SSDA903 REC E9).
 */
export function onRemand(record: Pick<YoungPersonInputDto, 'careState' | 'legalStatus'>): boolean {
  return isRemandState(record.careState) && record.legalStatus === 'youth_justice_remand';
}

/**
 * The entry flag of a remand from outside care: the one given (entryToCare), else unplanned: a
 * remand is the court's decision, not a plan of the authority's.
 */
const REMAND_ENTRY: EntryKind = 'unplanned_emergency';

/**
 * The first history episode of a record just created (one at a time, or by the CSV import): open,
 * in the record's care state and team (null: none), from the placement's start when it has begun
 * by `today` (YYYY-MM-DD), else from today; a new placement when the record has one; the
 * placement's weekly price in force on its first day in whole pence (null without a placement).
 * No care leaver's activity or accommodation (nothing recorded yet), no exit; the entry flag given
 * with the record (entryToCare), if any. Pure: the
 * caller inserts it (insertEpisodes) and closes it when the record is created closed.
 */
export function firstEpisodeRow(youngPersonId: string, record: YoungPersonInputDto, today: string): NewCareEpisodeRow {
  const start = record.placement && record.placement.startDate <= today ? record.placement.startDate : today;
  return {
    young_person_id: youngPersonId,
    start_date: start,
    end_date: null,
    care_state: record.careState,
    new_placement: record.placement !== undefined,
    placement_district: null,
    distance_miles: record.placement?.distanceFromHomeMiles ?? null,
    // The entry-to-care flag given with the record (checkYoungPersonRules: looked-after states only).
    entry: isLookedAfterState(record.careState) ? (record.entryToCare ?? null) : onRemand(record) ? (record.entryToCare ?? REMAND_ENTRY) : null,
    exit_reason: null,
    leaver_activity: null,
    accommodation_suitable: null,
    team_id: record.teamId ?? null,
    key_worker_reference: keyWorkerColumn(record.keyWorkerReference ?? null),
    weekly_price_pence: record.placement && record.placement.startDate <= start ? Math.round(placementPriceOn(record.placement, start) * 100) : null,
  };
}

/**
 * Keeps the record's past: called in the transaction that creates or changes a young person.
 * When the care state, the placement or the team changes, the open episode is closed on the day
 * of the change (the new placement's start date when it is given and later, else today) and the
 * next one opened. A change on the open episode's first day replaces that episode (a team change
 * alone only sets its team). Legal status is not on episodes (the SSDA903 LS is not among the
 * fields the measures read), so a change of legal status alone opens none.
 *
 * Every episode written here carries the record's team at the time (null: no team); one closed
 * here that was written before episodes had teams takes the record's team before the change, so a
 * later team change never moves past counts (the scorecard reads today's team only when an
 * episode has none). A team change alone continues the placement (newPlacement false, the same
 * state, distance and district, no entry flag), so no stability or entry measure moves. A key
 * worker given, changed or removed is the same (review finding 2): every episode written here
 * carries the record's key worker at the time ('' for none), one closed here that was written
 * before episodes had key workers takes the record's before the change, and the scorecard's
 * key-worker measures on a day read the episode in force then.
 *
 * A care leaver's activity and accommodation (leaverActivity, accommodationSuitable) carry forward
 * from the episode closed to the one opened when the new state is a care leaver's and the
 * activity does not contradict it (leaverActivityContradicts): a record change says nothing
 * about them, and dropping them would drop the young person from the birthday measures.
 *
 * Prices (review finding 4): the episode opened carries the new placement's weekly price in
 * force on its first day (its dated priceChanges read as the scorecard does); none when the new
 * state has no placement. The episode closed keeps the price it carries; one written before
 * episodes had prices (null) takes the old placement's price in force on its first day, when that
 * placement had begun by then (so it ran the whole episode). A price change within a placement
 * opens no episode: an episode carries one price, the one in force when it began (a corrected
 * price of the same placement updates the open episode's), and the
 * scorecard reads a past day from it only once the young person has moved on (while the
 * placement is today's, its dated changes are read from the record).
 */
export async function recordChangeInHistory(
  trx: Kysely<Database>,
  youngPersonId: string,
  before: YoungPersonInputDto | null,
  after: YoungPersonInputDto,
  today: string,
  entryToCare?: EntryKind,
): Promise<void> {
  // The placement as the history sees it: its state and start. A change of provider or distance
  // alone is a correction of the same placement (issue 17 review), not a new episode: it used to
  // replace the open episode with one that lost its entry flag, its newPlacement and district.
  const placementKey = (r: YoungPersonInputDto | null) => JSON.stringify([r?.careState, r?.placement?.startDate]);
  const teamBefore = before?.teamId ?? null;
  const teamAfter = after.teamId ?? null;
  const workerBefore = keyWorkerColumn(before?.keyWorkerReference ?? null);
  const workerAfter = keyWorkerColumn(after.keyWorkerReference ?? null);
  // What an episode closed here lacked, from the record before the change (written before episodes had teams or key workers).
  const closingFill = (open: CareEpisodeRow) => ({
    ...(open.team_id === null && teamBefore !== null ? { teamId: teamBefore } : {}),
    ...(open.key_worker_reference === null && before !== null ? { keyWorkerReference: workerBefore as string } : {}),
  });
  const priceOn = (day: string) => (after.placement && after.placement.startDate <= day ? Math.round(placementPriceOn(after.placement, day) * 100) : null);
  const episodes = await listEpisodesOf(trx, youngPersonId);
  // A corrected distance is the placement's, so every episode of that placement takes it: those
  // in its state from its start on (a team or key-worker change splits a placement into several).
  const distanceAfter = after.placement?.distanceFromHomeMiles ?? null;
  if (before?.placement && after.placement && placementKey(before) === placementKey(after) && (before.placement.distanceFromHomeMiles ?? null) !== distanceAfter) {
    const start = after.placement.startDate;
    const same = episodes.filter((e) => e.care_state === after.careState && e.start_date >= start && (e.end_date === null || e.end_date > start));
    await setEpisodesDistance(
      trx,
      same.map((e) => e.id),
      distanceAfter,
    );
    for (const e of same) e.distance_miles = distanceAfter;
  }
  // A new record's first episode: the CSV import writes the same row (firstEpisodeRow), in batches.
  if (before === null && episodes.length === 0) {
    await insertEpisodes(trx, [firstEpisodeRow(youngPersonId, after, today)]);
    return;
  }
  // An open case has an episode in force: one whose history has none (a case reopened after a
  // history that ended before its closing day, or created closed with no placement) opens one
  // below, from today (or where its history ends), in the record's state and team.
  const noneInForce = after.closedOn === undefined && !episodes.some((e) => e.end_date === null);
  if (before !== null && placementKey(before) === placementKey(after) && !noneInForce) {
    // The same placement with its price corrected (or its dated changes): the open episode, when
    // the placement ran all of it, takes the price in force on its first day, so the history
    // keeps the corrected figure once the young person moves on.
    const priceKey = (r: YoungPersonInputDto) => JSON.stringify([r.placement?.weeklyPrice, r.placement?.priceChanges ?? []]);
    if (after.placement && priceKey(before) !== priceKey(after)) {
      const open = episodes.find((e) => e.end_date === null);
      if (open && after.placement.startDate <= open.start_date) await setEpisodeWeeklyPrice(trx, open.id, Math.round(placementPriceOn(after.placement, open.start_date) * 100));
    }
    // A closed case (or one closing in this change) has no episode in force to split: its episodes
    // keep the team they were counted under.
    if ((teamBefore === teamAfter && workerBefore === workerAfter) || after.closedOn !== undefined) return;
    const open = episodes.find((e) => e.end_date === null);
    if (!open) return;
    if (open.start_date >= today) {
      await setEpisodeTeamAndKeyWorker(trx, open.id, teamAfter, workerAfter);
      return;
    }
    // Written before episodes had teams or key workers: closed with the record's before the change.
    await closeEpisode(trx, open.id, today, closingFill(open));
    await insertEpisodes(trx, [
      {
        young_person_id: youngPersonId,
        start_date: today,
        end_date: null,
        care_state: open.care_state,
        // The same placement under another team or key worker: not a new placement (stability measures unmoved).
        new_placement: false,
        placement_district: open.placement_district,
        distance_miles: open.distance_miles,
        entry: null,
        exit_reason: null,
        leaver_activity: open.leaver_activity,
        accommodation_suitable: open.accommodation_suitable,
        team_id: teamAfter,
        key_worker_reference: workerAfter,
        weekly_price_pence: after.placement ? priceOn(today) : open.weekly_price_pence,
      },
    ]);
    return;
  }
  const open = episodes.find((e) => e.end_date === null);
  const last = episodes[episodes.length - 1];
  let day = today;
  const placementStartChanged = after.placement !== undefined && before?.placement?.startDate !== after.placement.startDate;
  // A back-dated placement starting before the open episode would rewrite closed history: refused.
  // So is a change of placement type that keeps an earlier start (the open episode began later, at
  // a team or key-worker change): the new episode would begin a placement on another day than the
  // record's, which a history may not say (checkEpisodesAgainstRecord, review of 2 December).
  const typeChanged = before?.placement !== undefined && after.placement !== undefined && before.careState !== after.careState;
  if (open && after.placement && (placementStartChanged || typeChanged) && after.placement.startDate < open.start_date) {
    throw new UnprocessableError('The placement starts before the current episode of the history', [
      {
        field: 'body/placement/startDate',
        reason: placementStartChanged
          ? `is before the current episode’s start (${open.start_date}); correct the history (PUT /v1/young-people/{id}/history) instead`
          : `is before the current episode’s start (${open.start_date}), and a change of placement type (${before?.careState} to ${after.careState}) begins a new placement episode: give the day it began, on or after ${open.start_date}, or correct the history (PUT /v1/young-people/{id}/history)`,
      },
    ]);
  }
  if (after.placement && after.placement.startDate <= today && (!open || after.placement.startDate >= open.start_date)) day = after.placement.startDate;
  if (!open && last?.end_date && last.end_date > day) {
    if (last.end_date > today) return; // a history recorded before ends were refused after today: leave it as written
    day = last.end_date; // never overlapping the history's end
  }
  let newPlacement = after.placement !== undefined && (before === null || before.careState !== after.careState || before.placement?.startDate !== after.placement.startDate);
  // Into custody from a placement (or back): a change of carer, as the measures count it
  // (custodyChange, src/outcomes/measures.ts), so the stored flag says so too.
  if (before !== null && before.careState !== after.careState && isRemandState(after.careState)) newPlacement = true;
  // Into custody from care: on remand the period of care goes on; under any other legal status
  // it is a sentence, which ends care (SSDA903 REC E9: exit reason other), so the history does
  // not read every custody entered through the record as a remand (review of 2 December).
  const inCareBefore = storedLookedAfter(episodes);
  const sentencedFromCare = open !== undefined && open.start_date < day && inCareBefore.has(open) && isRemandState(after.careState) && !onRemand(after);
  // The open episode replaced whole (it starts on or after the change's day): what it said of its
  // first day still holds for the episode that replaces it from the same day, when that is a
  // placement (a new one then, as it was) or in care (the period of care still starts that day).
  const replaced = open && open.start_date >= day ? open : undefined;
  if (replaced?.new_placement && after.placement !== undefined) newPlacement = true;
  if (open) {
    if (open.start_date >= day) await deleteEpisode(trx, open.id);
    else {
      const old = before?.placement;
      const fill = open.weekly_price_pence === null && old && old.startDate <= open.start_date ? Math.round(placementPriceOn(old, open.start_date) * 100) : undefined;
      // Written before episodes had teams or key workers: those of the record before the change.
      await closeEpisode(trx, open.id, day, { weeklyPricePence: fill, ...closingFill(open) });
      if (sentencedFromCare) await trx.updateTable('care_episodes').set({ exit_reason: 'other' }).where('id', '=', open.id).execute();
    }
  }
  const start = open && open.start_date > day ? open.start_date : day;
  // The new episode continues a period of care: the episode before it (the open one, closed on
  // this day, or one ending the day it starts) is in care and did not end it.
  const continuesCare = episodes.some((e) => e !== replaced && inCareBefore.has(e) && (e === open ? open.start_date < day : e.end_date === start) && !sentencedFromCare);
  // The flag starts a period of care (entryToCareErrors checked the record's states); refused when
  // the history runs on in care up to this episode, as PUT .../history refuses it (checkEpisodeFlags).
  if (entryToCare !== undefined) {
    const continues = episodes.find((e) => e !== open && e.end_date === start && inCareBefore.has(e));
    if (continues || (open && open.start_date < day && inCareBefore.has(open))) {
      throw new UnprocessableError('The entry-to-care flag does not fit the history', [
        { field: 'body/entryToCare', reason: `flags an entry to care, but the history has the young person looked after up to ${start}: this change continues that period of care` },
      ]);
    }
  }
  // A care leaver's activity and accommodation, carried from the episode this one follows while
  // still a care leaver's and not contradicted by the new state (checkEpisodeFlags' rules).
  const leaver = open !== undefined && careStates.get(after.careState)?.category === 'care_leaver';
  const activity = leaver && open.leaver_activity !== null && !leaverActivityContradicts(after.careState, open.leaver_activity as LeaverActivity) ? open.leaver_activity : null;
  await insertEpisodes(trx, [
    {
      young_person_id: youngPersonId,
      start_date: start,
      end_date: null,
      care_state: after.careState,
      new_placement: newPlacement,
      // The district is the placement's: kept when the same placement (state and start) goes on.
      placement_district: replaced && before?.placement && after.placement && placementKey(before) === placementKey(after) ? replaced.placement_district : null,
      distance_miles: after.placement?.distanceFromHomeMiles ?? null,
      entry:
        entryToCare ??
        (replaced && (isLookedAfterState(after.careState) || onRemand(after)) && inCareBefore.has(replaced)
          ? replaced.entry
          : onRemand(after) && !continuesCare
            ? REMAND_ENTRY
            : null),
      exit_reason: null,
      leaver_activity: activity,
      accommodation_suitable: leaver ? open.accommodation_suitable : null,
      // The record's team at the time, so a later team change leaves the past counted where it was.
      team_id: teamAfter,
      key_worker_reference: workerAfter,
      // The placement's price in force on the episode's first day (its start is never in the future, and is on or before that day here).
      weekly_price_pence: priceOn(start),
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Closing and reopening a case (former children)

/** The history's exit reason for a closure that ends a period of care (EXIT_REASONS, src/outcomes/measures.ts). */
const EXIT_FOR_CLOSURE: Record<ClosureReason, ExitReason> = {
  adopted: 'adoption',
  special_guardianship: 'special_guardianship',
  child_arrangements_order: 'child_arrangements_order',
  returned_home: 'returned_home',
  aged_out: 'age_18_or_over',
  transferred: 'other',
  other: 'other',
};
/** The closure a history's last exit reason means (the inverse of EXIT_FOR_CLOSURE; age_18_or_over: aged out). */
const CLOSURE_FOR_EXIT: Record<ExitReason, ClosureReason> = {
  adoption: 'adopted',
  special_guardianship: 'special_guardianship',
  child_arrangements_order: 'child_arrangements_order',
  returned_home: 'returned_home',
  age_18_or_over: 'aged_out',
  other: 'other',
};

/** Whether two closure reasons end a period of care in the same way (the history cannot tell them apart). */
export function sameExit(a: ClosureReason, b: ClosureReason): boolean {
  return EXIT_FOR_CLOSURE[a] === EXIT_FOR_CLOSURE[b];
}

/**
 * The closure a history says, by its last episode: ended with an exit reason, the case closed on
 * that end with that reason; open, the case is open; ended with no reason, it says nothing (the
 * record's closure, if any, stands). Episodes in start order.
 */
export function closureFromHistory(episodes: ReadonlyArray<{ end_date: string | null; exit_reason: string | null }>): { closedOn: string; closedReason: ClosureReason } | 'open' | undefined {
  const last = episodes[episodes.length - 1];
  if (!last) return undefined;
  if (last.end_date === null) return 'open';
  if (last.exit_reason === null) return undefined;
  return { closedOn: last.end_date, closedReason: CLOSURE_FOR_EXIT[last.exit_reason as ExitReason] ?? 'other' };
}

/**
 * Closes the history with the case: the open episode ends on `closedOn`, with the exit reason the
 * closure means when the episode is a period of care (a care leaver's or a child at home's
 * episode ends with no exit reason: no period of care ended). With `reasonOnly`, only the
 * reason of the episode already ending on `closedOn` changes. Run in the caller's transaction,
 * after checkClosureAgainstHistory.
 */
export async function closeCaseInHistory(trx: Kysely<Database>, youngPersonId: string, closedOn: string, reason: ClosureReason, reasonOnly = false): Promise<void> {
  const episodes = await listEpisodesOf(trx, youngPersonId);
  const target = reasonOnly ? episodes.find((e) => e.end_date === closedOn) : episodes.find((e) => e.end_date === null);
  if (!target) return;
  const exit = storedLookedAfter(episodes).has(target) ? EXIT_FOR_CLOSURE[reason] : (reasonOnly ? target.exit_reason : null);
  await trx.updateTable('care_episodes').set({ end_date: closedOn, exit_reason: exit ?? null }).where('id', '=', target.id).execute();
}

/**
 * Undoes closeCaseInHistory: the last episode, when it ends on the day the case closed, is open
 * again with no exit reason. A history that ended earlier (imported so) is left as written.
 */
export async function reopenCaseInHistory(trx: Kysely<Database>, youngPersonId: string, closedOn: string): Promise<void> {
  const episodes = await listEpisodesOf(trx, youngPersonId);
  const last = episodes[episodes.length - 1];
  if (!last || last.end_date !== closedOn) return;
  await trx.updateTable('care_episodes').set({ end_date: null, exit_reason: null }).where('id', '=', last.id).execute();
}

/**
 * After a history is replaced or imported: the record's closure follows it (closureFromHistory).
 * Changes the record (version + 1) only when the closure changes, and answers what changed
 * ('closed', 'reopened') for the audit event, or undefined.
 */
export async function applyHistoryClosure(trx: Kysely<Database>, youngPersonId: string): Promise<'closed' | 'reopened' | undefined> {
  const closure = closureFromHistory(await listEpisodesOf(trx, youngPersonId));
  if (closure === undefined) return undefined;
  const person = await trx.selectFrom('young_people').select(['closed_on', 'closed_reason']).where('id', '=', youngPersonId).executeTakeFirstOrThrow();
  const next = closure === 'open' ? { closed_on: null, closed_reason: null } : { closed_on: closure.closedOn, closed_reason: closure.closedReason };
  if (person.closed_on === next.closed_on && person.closed_reason === next.closed_reason) return undefined;
  // Closed that day for a reason the history cannot tell apart (transferred and other both end
  // care as "other"): the record's more exact reason stands.
  if (closure !== 'open' && person.closed_on === closure.closedOn && person.closed_reason !== null && sameExit(person.closed_reason as ClosureReason, closure.closedReason)) return undefined;
  await trx
    .updateTable('young_people')
    .set({ ...next, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', youngPersonId)
    .execute();
  return next.closed_on === null ? 'reopened' : 'closed';
}

// ---------------------------------------------------------------------------------------------
// CSV import of histories

/** As the JSON history's maxItems (src/schemas/teams.ts). */
export const MAX_EPISODES_PER_CHILD = 500;
/** Problems listed in a refused import's answer (the title counts them all). */
export const MAX_LISTED_ERRORS = 100;

export const HISTORY_CSV_COLUMNS = [
  { name: 'reference', field: 'reference', kind: 'text', required: true, description: 'The young person’s pseudonymous reference (a stored record)' },
  { name: 'start_date', field: 'startDate', kind: 'date', required: true, description: 'First day of the episode, YYYY-MM-DD or DD/MM/YYYY' },
  { name: 'end_date', field: 'endDate', kind: 'date', description: 'The day the next episode starts; empty while open' },
  { name: 'care_state', field: 'careState', kind: 'enum', required: true, description: 'Care state (the API’s vocabulary)' },
  { name: 'new_placement', field: 'newPlacement', kind: 'flag', description: 'yes when the episode began a new placement' },
  { name: 'placement_district', field: 'placementDistrict', kind: 'text', description: 'Postcode district (outward code only)' },
  { name: 'distance_miles', field: 'distanceFromHomeMiles', kind: 'number', description: 'Miles from home' },
  { name: 'entry', field: 'entry', kind: 'enum', description: 'planned or unplanned_emergency' },
  { name: 'exit_reason', field: 'exitReason', kind: 'enum', description: 'Why care ended' },
  { name: 'leaver_activity', field: 'leaverActivity', kind: 'enum', description: 'A care leaver’s activity' },
  { name: 'accommodation_suitable', field: 'accommodationSuitable', kind: 'flag', description: 'yes or no' },
  { name: 'weekly_price', field: 'weeklyPrice', kind: 'number', description: 'The placement’s weekly price during the episode, GBP (whole pence, e.g. 950 or 950.50); only on a placement; empty: not known' },
  { name: 'team', field: 'teamId', kind: 'team', description: 'The team responsible during the episode: its id or its name (exact, else ignoring case); empty: the young person’s current team (on the open episode it must be the record’s team, and empty is stored as it)' },
  {
    name: 'key_worker',
    field: 'keyWorkerReference',
    kind: 'key_worker',
    description: 'The key worker during the episode (KW then 3-8 digits, as the record’s); none: no key worker then; empty: not recorded (the record’s is read; on the open episode it must be the record’s, and empty is stored as it)',
  },
] as const;

const ajv = addFormats.default(new Ajv.default({ allErrors: true, removeAdditional: false, useDefaults: false, strict: false, coerceTypes: false }));
const validateEpisode = ajv.compile(EpisodeInput);

function cell(kind: string, raw: string): { value?: unknown; reason?: string } {
  if (kind === 'date') {
    const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
    return { value: uk ? `${uk[3]}-${uk[2].padStart(2, '0')}-${uk[1].padStart(2, '0')}` : raw };
  }
  if (kind === 'number') {
    // Decimal digits only: Number() would also take 0x10, 1e3, Infinity and " 16 ".
    return /^\d+(\.\d+)?$/.test(raw) ? { value: Number(raw) } : { reason: 'must be a decimal number, e.g. 12 or 12.5' };
  }
  if (kind === 'flag') {
    const v = raw.toLowerCase();
    if (['yes', 'y', 'true', '1'].includes(v)) return { value: true };
    if (['no', 'n', 'false', '0'].includes(v)) return { value: false };
    return { reason: 'must be yes or no (also accepted: y/n, true/false, 1/0)' };
  }
  if (kind === 'enum') return { value: raw.toLowerCase().replace(/[\s-]+/g, '_') };
  // "none" records that there was no key worker; an empty cell records nothing (the record's is read).
  if (kind === 'key_worker') return { value: raw.toLowerCase() === 'none' ? null : raw };
  return { value: raw };
}

/**
 * Imports histories from CSV, one row per episode; each young person named replaces their
 * whole history. All or nothing: any wrong row stores nothing, and the 422 lists each problem
 * as { row, field: <column>, reason }.
 */
export async function importHistories(db: Kysely<Database>, actor: Actor, text: string, today: string): Promise<{ imported: number; youngPeople: number }> {
  // UTF-16 (Excel's "Unicode text"), read as UTF-8, begins with the byte-order mark FF FE or FE
  // FF (each byte not UTF-8, so U+FFFD) and has a NUL beside every ASCII letter: say what to do
  // rather than "not a known column" (review finding 10). A stray NUL or two is not UTF-16 and is
  // named where it is, below.
  const head = text.slice(0, 200);
  const nuls = head.split('\u0000').length - 1;
  if (text.startsWith('\uFFFD\uFFFD') || (head.length > 0 && nuls * 3 >= head.length)) {
    throw new BadRequestError('The file must be UTF-8', [{ field: 'body', reason: 'is not UTF-8 text (it looks like UTF-16); save it from Excel as "CSV UTF-8"' }]);
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, trim: true, skip_empty_lines: true });
  } catch (error) {
    if (error instanceof CsvError) throw new BadRequestError('The file is not readable CSV', [{ field: 'body', reason: `is not valid CSV (line ${error.lines ?? '?'})` }]);
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) throw new BadRequestError('The file is empty', [{ field: 'body', reason: 'has no header row' }]);
  const known = new Map<string, (typeof HISTORY_CSV_COLUMNS)[number]>(HISTORY_CSV_COLUMNS.map((c) => [c.name, c]));
  const errors: FieldError[] = [];
  header.forEach((name, i) => {
    const control = controlCharacterReason(name, false);
    // A header holding control characters is named by its position, never echoed (as the young-people import).
    if (control) errors.push({ field: `(column ${i + 1})`, reason: control });
    else if (!known.has(name.toLowerCase())) errors.push({ field: name || '(blank)', reason: 'is not a known column' });
  });
  for (const c of HISTORY_CSV_COLUMNS) if ('required' in c && !header.map((h) => h.toLowerCase()).includes(c.name)) errors.push({ field: c.name, reason: 'is a required column' });
  // A column named twice (ignoring case) would let the later cell silently overwrite the earlier:
  // refused with 400 naming it (review finding 10).
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of header) {
    const folded = name.toLowerCase();
    if (known.has(folded) && seen.has(folded)) twice.add(folded);
    seen.add(folded);
  }
  if (twice.size > 0) throw new BadRequestError('A column is named twice in the header', [...twice].map((name) => ({ field: name, reason: 'is a column named more than once in the header' })));
  if (errors.length > 0) {
    // The first MAX_LISTED_ERRORS only, as the rows' problems below: a header of 200,000 unknown columns would answer megabytes.
    const shown = errors.length > MAX_LISTED_ERRORS ? ` (${errors.length} problems, the first ${MAX_LISTED_ERRORS} listed)` : '';
    throw new UnprocessableError(`The header is wrong${shown}`, errors.slice(0, MAX_LISTED_ERRORS));
  }
  if (rows.length === 0) throw new UnprocessableError('The file has no episodes', [{ field: 'body', reason: 'has no data rows' }]);

  const teamOf = header.some((h) => h.toLowerCase() === 'team') ? await teamResolver(db) : undefined;
  const byReference = new Map<string, Array<{ row: number; episode: EpisodeInputDto }>>();
  rows.forEach((cells, r) => {
    const row = r + 1;
    if (cells.length > header.length) errors.push({ row, field: 'body', reason: `has ${cells.length} cells; the header has ${header.length} columns` });
    const episode: Record<string, unknown> = {};
    let reference = '';
    header.forEach((name, i) => {
      const column = known.get(name.toLowerCase());
      const raw = cells[i] ?? '';
      if (!column || raw === '') return;
      const control = controlCharacterReason(raw, false);
      if (control || /^[=+\-@\t]/.test(raw)) {
        errors.push({ row, field: column.name, reason: control ?? 'must not start with =, +, -, @ or a tab' });
        return;
      }
      if (column.field === 'reference') {
        reference = raw;
        return;
      }
      if (column.kind === 'team' && teamOf) {
        const team = teamOf(raw);
        if ('reason' in team) errors.push({ row, field: column.name, reason: team.reason });
        else episode.teamId = team.id;
        return;
      }
      const parsed = cell(column.kind, raw);
      if (parsed.reason) errors.push({ row, field: column.name, reason: parsed.reason });
      else episode[column.field] = parsed.value;
    });
    if (!reference) {
      errors.push({ row, field: 'reference', reason: 'is required' });
      return;
    }
    if (!validateEpisode(episode)) {
      for (const e of validationErrors('', validateEpisode.errors ?? [])) {
        const key = e.field.split('/')[1] ?? '';
        const column = HISTORY_CSV_COLUMNS.find((c) => c.field === key);
        errors.push({ row, field: column?.name ?? e.field, reason: e.reason });
      }
      return;
    }
    const list = byReference.get(reference) ?? [];
    list.push({ row, episode: episode as EpisodeInputDto });
    byReference.set(reference, list);
  });

  const people = new Map<string, string>();
  const subjects = new Map<string, HistorySubject>();
  // In batches: one `in` list of every reference in a large file passed PostgreSQL's 65,535
  // bind parameters and failed the import with a 500 (review of 2 December, 65,601 references).
  const references = [...byReference.keys()];
  for (let start = 0; start < references.length; start += 1000) {
    if (start > 0) await yieldToEventLoop();
    const found = await db
      .selectFrom('young_people')
      .select(['id', 'reference', 'birth_year', 'birth_month', 'care_state', 'closed_on', 'placement', 'team_id', 'key_worker_reference'])
      .where('reference', 'in', references.slice(start, start + 1000))
      .where('erased_at', 'is', null)
      .execute();
    for (const p of found) {
      if (!p.reference) continue;
      people.set(p.reference, p.id);
      subjects.set(p.reference, historySubjectOf(p));
    }
  }
  for (const [reference, list] of byReference) {
    if (!people.has(reference)) {
      for (const { row } of list) errors.push({ row, field: 'reference', reason: 'names no stored young person' });
      continue;
    }
    if (list.length > MAX_EPISODES_PER_CHILD) {
      errors.push({ row: list[MAX_EPISODES_PER_CHILD].row, field: 'reference', reason: `has more than ${MAX_EPISODES_PER_CHILD} episodes (${list.length}); at most ${MAX_EPISODES_PER_CHILD} per young person, as in the JSON history` });
      continue;
    }
    const episodes = list.map((l) => l.episode);
    for (const e of [...checkEpisodes(episodes, today, ''), ...checkEpisodesAgainstRecord(episodes, subjects.get(reference) as HistorySubject, today, '')]) {
      const [, index, field] = e.field.split('/');
      const column = HISTORY_CSV_COLUMNS.find((c) => c.field === field);
      errors.push({ row: list[Number(index)].row, field: column?.name ?? field, reason: e.reason.replace(/episode (\d+)/, (_, k) => `row ${list[Number(k)].row}`) });
    }
  }
  if (errors.length > 0) {
    // The first MAX_LISTED_ERRORS only, so a wholly wrong file does not answer megabytes; the title gives the total.
    const listed = errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)).slice(0, MAX_LISTED_ERRORS);
    const shown = errors.length > MAX_LISTED_ERRORS ? ` (the first ${MAX_LISTED_ERRORS} listed)` : '';
    throw new UnprocessableError(`${errors.length} problem(s) in the file${shown}; nothing was stored`, listed);
  }

  return db.transaction().execute(async (trx) => {
    let imported = 0;
    // A team deleted since the file was read: the foreign key refuses the insert; checked here so the answer is a 422, not a 500.
    const named = [...byReference.values()].flatMap((list) => list.filter((l) => l.episode.teamId !== undefined));
    const still = new Set(named.length > 0 ? (await trx.selectFrom('teams').select('id').where('id', 'in', [...new Set(named.map((l) => l.episode.teamId as string))]).execute()).map((t) => t.id) : []);
    const gone = named.filter((l) => !still.has(l.episode.teamId as string));
    if (gone.length > 0) throw new UnprocessableError('A team named in the file no longer exists; nothing was stored', gone.slice(0, MAX_LISTED_ERRORS).map((l) => ({ row: l.row, field: 'team', reason: 'names no team' })));
    let closed = 0;
    let reopened = 0;
    for (const [reference, list] of byReference) {
      const id = people.get(reference) as string;
      await deleteEpisodesOf(trx, id);
      // What the open episode leaves out is the record's (its team, key worker, distance, price).
      const sorted = episodesFromRecord(
        list.map((l) => l.episode),
        subjects.get(reference) as HistorySubject,
      ).sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
      imported += (await insertEpisodes(trx, sorted.map((e) => toEpisodeRow(id, e)))).length;
      const closure = await applyHistoryClosure(trx, id);
      if (closure === 'closed') closed++;
      if (closure === 'reopened') reopened++;
    }
    await appendAuditEvent(trx, actor, { action: 'history.import', resourceType: 'young_person', resourceId: null, detail: { source: 'csv_import', episodes: imported, youngPeople: byReference.size, casesClosed: closed, casesReopened: reopened } });
    return { imported, youngPeople: byReference.size };
  });
}
