import type { Kysely } from 'kysely';
import { DEFAULT_CARE_STATES } from '../catalog/vocabulary.ts';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { deleteCarePlansOf } from '../db/repositories/care-plans.ts';
import { wholePenceError } from '../finance/money.ts';
import { deletePathwayProjectionsOf } from '../db/repositories/pathway-projections.ts';
import {
  eraseYoungPersonRecord,
  findReferencesInUse,
  findYoungPersonById,
  findYoungPersonByIdForUpdate,
  insertYoungPeople,
  listYoungPeople as listYoungPeopleRows,
  updateYoungPersonAtVersion,
} from '../db/repositories/young-people.ts';
import type { CareEpisodeRow, Database, NewYoungPersonRow, YoungPersonRow } from '../db/schema.ts';
import type {
  ClosureReason,
  ErasedYoungPersonDto,
  YoungPersonDto,
  YoungPersonInputDto,
  YoungPersonPatchDto,
  YoungPersonListItemDto,
  YoungPersonQueryDto,
} from '../schemas/young-people.ts';
import { canonicalKeyWorkerReference } from '../schemas/young-people.ts';
import { type EntryKind, isLookedAfterState } from '../outcomes/measures.ts';
import { deleteEpisodesOf } from '../db/repositories/teams.ts';
import { listEpisodesOf } from '../db/repositories/teams.ts';
import { checkTeamExists, closeCaseInHistory, historyAgeProblems, onRemand, ordinal, recordChangeInHistory, reopenCaseInHistory } from './teams.ts';
import { BadRequestError, ConflictError, type FieldError, GoneError, NotFoundError, UnprocessableError } from './errors.ts';

/** Records are kept from birth to the 26th birthday: the leaving-care duties run to 25. */
export const MAX_AGE_YEARS = 25;

const careStateInfo = new Map(DEFAULT_CARE_STATES.map((s) => [s.id, s]));

/** Months since January of year 0: makes month arithmetic on (year, month) pairs plain subtraction. */
export function monthIndex(year: number, month: number): number {
  return year * 12 + month - 1;
}

export function currentMonthIndex(today: Date): number {
  return today.getUTCFullYear() * 12 + today.getUTCMonth();
}

/**
 * Age in completed years on `today`, counting the birthday as the first day of the birth month
 * (only month and year of birth are stored). Negative when the birth month is still to come.
 */
export function ageInYears(birthYear: number, birthMonth: number, today: Date): number {
  return Math.floor((currentMonthIndex(today) - monthIndex(birthYear, birthMonth)) / 12);
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function firstDayOfBirthMonth(record: { birthYear: number; birthMonth: number }): string {
  return `${String(record.birthYear).padStart(4, '0')}-${String(record.birthMonth).padStart(2, '0')}-01`;
}

/**
 * The rules of a record that a JSON Schema cannot say. Fields are JSON pointers into the record
 * ("/birthYear", "/services/0/endDate"); callers prefix them ("body") or map them to CSV columns.
 */
export function checkYoungPersonRules(record: YoungPersonInputDto, today: Date): FieldError[] {
  const errors: FieldError[] = [];
  const todayIso = isoDay(today);
  const birthField = record.birthYear === today.getUTCFullYear() ? '/birthMonth' : '/birthYear';
  if (ageInYears(record.birthYear, record.birthMonth, today) < 0) errors.push({ field: birthField, reason: 'is in the future' });
  // A closed case's record is as it stood when the case closed: its age rules hold on the last
  // open day (a care leaver whose case closed at 25 is still on record at 26; an adopted child's
  // state stays "adopted" past 18).
  const closing = closureErrors(record, todayIso);
  errors.push(...closing);
  // A new record (POST, a CSV row) starts its history: entryToCare fits a looked-after state only.
  errors.push(...entryToCareErrors(null, record, record.entryToCare));
  const on = record.closedOn !== undefined && closing.length === 0 ? new Date(Date.parse(`${record.closedOn}T00:00:00Z`) - 86_400_000) : today;
  const when = on === today ? 'today' : `on the last day the case was open (${isoDay(on)})`;
  const age = ageInYears(record.birthYear, record.birthMonth, on);
  if (age > MAX_AGE_YEARS) {
    errors.push({ field: '/birthYear', reason: `gives an age of ${age} ${when}; records are kept for ages 0 to ${MAX_AGE_YEARS}` });
  }

  const state = careStateInfo.get(record.careState);
  if (state && age >= 0 && age <= MAX_AGE_YEARS) {
    if (state.minAgeYears !== undefined && age < state.minAgeYears) {
      errors.push({ field: '/careState', reason: `${state.id} is for ages ${state.minAgeYears} and over; this young person is ${age}${on === today ? '' : ` ${when}`}` });
    } else if (state.maxAgeYears !== undefined && age >= state.maxAgeYears) {
      errors.push({ field: '/careState', reason: `${state.id} is for ages under ${state.maxAgeYears}; this young person is ${age}${on === today ? '' : ` ${when}`}` });
    }
  }

  const placement = record.placement;
  const recordsEnd = firstDayOfBirthMonth({ birthYear: record.birthYear + MAX_AGE_YEARS + 1, birthMonth: record.birthMonth });
  if (state?.placement && !placement) {
    errors.push({ field: '/placement', reason: `is required when careState is a placement (${state.id})` });
  } else if (state && !state.placement && placement) {
    errors.push({ field: '/placement', reason: `must be left out: careState ${state.id} is not a placement` });
  } else if (placement && placement.type !== record.careState) {
    errors.push({ field: '/placement/type', reason: `must equal careState (${record.careState})` });
  }
  if (placement) {
    if (placement.startDate > todayIso) errors.push({ field: '/placement/startDate', reason: 'is in the future' });
    else if (placement.startDate < firstDayOfBirthMonth(record)) errors.push({ field: '/placement/startDate', reason: 'is before the month of birth' });
    else if (state?.minAgeYears !== undefined && placement.type === record.careState) {
      // The history's episode of this placement starts on its startDate (recordChangeInHistory,
      // firstEpisodeRow): begun before the state's minimum age it breaks the rule a PUT or CSV
      // history is held to (supported accommodation is for 16- and 17-year-olds only).
      const from = firstDayOfBirthMonth({ birthYear: record.birthYear + state.minAgeYears, birthMonth: record.birthMonth });
      if (placement.startDate < from) {
        const at = ageInYears(record.birthYear, record.birthMonth, new Date(`${placement.startDate}T00:00:00Z`));
        errors.push({ field: '/placement/startDate', reason: `is before the ${ordinal(state.minAgeYears)} birthday (${from}): ${state.id} is for ages ${state.minAgeYears} and over, and this placement would start at age ${at}` });
      }
    }
    checkWholePence(placement.weeklyPrice, '/placement/weeklyPrice', errors);
    checkChanges(
      (placement.priceChanges ?? []).map((c) => ({ from: c.from, amount: c.weeklyPrice })),
      placement.startDate,
      recordsEnd,
      '/placement/priceChanges',
      'weeklyPrice',
      errors,
    );
  }

  record.services.forEach((service, index) => {
    if (service.endDate !== undefined && service.endDate < service.startDate) {
      errors.push({ field: `/services/${index}/endDate`, reason: 'is before startDate' });
    }
    checkWholePence(service.weeklyCost, `/services/${index}/weeklyCost`, errors);
    checkChanges(
      (service.costChanges ?? []).map((c) => ({ from: c.from, amount: c.weeklyCost })),
      service.startDate,
      recordsEnd,
      `/services/${index}/costChanges`,
      'weeklyCost',
      errors,
    );
  });
  return errors;
}

/**
 * entryToCare against the change it comes with (issue 17, review finding 4): it flags the start of
 * a period of care, so it fits only a change into a looked-after state (isLookedAfterState) from a
 * state outside care, or a new record (`before` null) in a looked-after state. Pure; field
 * "/entryToCare"; no error when `entry` is undefined.
 */
export function entryToCareErrors(before: YoungPersonInputDto | null, after: YoungPersonInputDto, entry: EntryKind | undefined): FieldError[] {
  if (entry === undefined) return [];
  // Custody on remand is looked after (onRemand): a remand from outside care is an entry to care.
  const inCare = (r: YoungPersonInputDto) => isLookedAfterState(r.careState) || onRemand(r);
  if (!inCare(after)) {
    return [{ field: '/entryToCare', reason: `flags an entry to care, so it needs a looked-after care state, or custody on remand (the record's is ${after.careState}, legal status ${after.legalStatus})` }];
  }
  if (before !== null && inCare(before)) {
    return [{ field: '/entryToCare', reason: `flags an entry to care, but the young person is already looked after (${before.careState}): this change continues the period of care` }];
  }
  return [];
}

/**
 * The closure's own rules: closedOn and closedReason both or neither; closedOn not in the future
 * and after the month of birth began (a case cannot close before the child was born). The rules
 * against the history (after the last episode's start) are checkClosureAgainstHistory's.
 */
function closureErrors(record: YoungPersonInputDto, todayIso: string): FieldError[] {
  if (record.closedOn === undefined) return record.closedReason === undefined ? [] : [{ field: '/closedReason', reason: 'must be left out while the case is open (no closedOn)' }];
  const errors: FieldError[] = [];
  if (record.closedReason === undefined) errors.push({ field: '/closedReason', reason: 'is required when closedOn is given' });
  if (record.closedOn > todayIso) errors.push({ field: '/closedOn', reason: `is in the future (today is ${todayIso})` });
  else if (record.closedOn <= firstDayOfBirthMonth(record)) errors.push({ field: '/closedOn', reason: `must be after the month of birth began (${firstDayOfBirthMonth(record)})` });
  return errors;
}

/**
 * closedOn against the stored history (episodes in start order): after the last episode's start
 * (the day it closes is that episode's end, and an episode ends after it starts), and not before
 * an end the history already records. Field "/closedOn".
 */
export function checkClosureAgainstHistory(closedOn: string | undefined, episodes: ReadonlyArray<{ start_date: string; end_date: string | null }>): FieldError[] {
  const last = episodes[episodes.length - 1];
  if (closedOn === undefined || !last) return [];
  if (closedOn <= last.start_date) return [{ field: '/closedOn', reason: `must be after the start of the last history episode (${last.start_date})` }];
  if (last.end_date !== null && closedOn < last.end_date) return [{ field: '/closedOn', reason: `is before the end of the last history episode (${last.end_date})` }];
  return [];
}

/** Refuses amounts with a fraction of a penny (6999.995): money is stored and costed in whole pence. */
function checkWholePence(amount: number, field: string, errors: FieldError[]): void {
  const error = wholePenceError(amount, field);
  if (error) errors.push(error);
}

/**
 * Dated changes after `startDate`, strictly in date order, in whole pence, each before
 * `recordsEnd` (the month the young person turns MAX_AGE_YEARS + 1): a later date is never
 * charged, and is most likely a mistyped year (2206 for 2026), which would otherwise sit
 * unnoticed in the record.
 */
function checkChanges(changes: Array<{ from: string; amount: number }>, startDate: string, recordsEnd: string, field: string, amountName: string, errors: FieldError[]): void {
  changes.forEach((change, k) => {
    if (change.from <= startDate) errors.push({ field: `${field}/${k}/from`, reason: `must be after startDate (${startDate})` });
    else if (k > 0 && change.from <= changes[k - 1].from) errors.push({ field: `${field}/${k}/from`, reason: 'must be after the previous change' });
    else if (change.from >= recordsEnd) {
      errors.push({ field: `${field}/${k}/from`, reason: `must be before ${recordsEnd}, the month the young person turns ${MAX_AGE_YEARS + 1}: records are kept to age ${MAX_AGE_YEARS} and no budget or projection reaches a later date` });
    }
    checkWholePence(change.amount, `${field}/${k}/${amountName}`, errors);
  });
}

function withPrefix(prefix: string, errors: FieldError[]): FieldError[] {
  return errors.map((e) => ({ ...e, field: `${prefix}${e.field}` }));
}

export function toYoungPersonRow(record: YoungPersonInputDto): NewYoungPersonRow {
  return {
    reference: record.reference,
    birth_year: record.birthYear,
    birth_month: record.birthMonth,
    sex: record.sex ?? null,
    legal_status: record.legalStatus,
    tier: record.tier,
    care_state: record.careState,
    needs_profile: JSON.stringify(record.needsProfile),
    placement: record.placement ? JSON.stringify(record.placement) : null,
    services: JSON.stringify(record.services),
    team_id: record.teamId ?? null,
    // Stored canonical (API create and patch, CSV import), so one worker is one reference.
    key_worker_reference: record.keyWorkerReference !== undefined ? canonicalKeyWorkerReference(record.keyWorkerReference) : null,
    closed_on: record.closedOn ?? null,
    closed_reason: record.closedReason ?? null,
  };
}

/** The record as it was given: optional fields that were left out stay left out. */
export function toYoungPersonInput(row: YoungPersonRow): YoungPersonInputDto {
  if (row.erased_at !== null || row.reference === null || row.birth_month === null || row.legal_status === null) {
    throw new Error(`young person ${row.id} is erased; it has no record to show`);
  }
  return {
    reference: row.reference,
    birthYear: row.birth_year,
    birthMonth: row.birth_month,
    ...(row.sex !== null ? { sex: row.sex as YoungPersonInputDto['sex'] } : {}),
    legalStatus: row.legal_status as YoungPersonInputDto['legalStatus'],
    tier: row.tier,
    careState: row.care_state as YoungPersonInputDto['careState'],
    needsProfile: row.needs_profile as YoungPersonInputDto['needsProfile'],
    ...(row.placement !== null ? { placement: row.placement as YoungPersonInputDto['placement'] } : {}),
    services: row.services as YoungPersonInputDto['services'],
    ...(row.team_id !== null ? { teamId: row.team_id } : {}),
    ...(row.key_worker_reference !== null ? { keyWorkerReference: row.key_worker_reference } : {}),
    ...(row.closed_on !== null ? { closedOn: row.closed_on, closedReason: row.closed_reason as ClosureReason } : {}),
  };
}

export function toYoungPersonDto(row: YoungPersonRow, today: Date): YoungPersonDto {
  const record = toYoungPersonInput(row);
  return {
    id: row.id,
    ...record,
    ageYears: ageInYears(record.birthYear, record.birthMonth, today),
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function toErasedDto(row: YoungPersonRow): ErasedYoungPersonDto {
  return {
    id: row.id,
    erasedAt: new Date(row.erased_at as Date).toISOString(),
    birthYear: row.birth_year,
    careState: row.care_state,
    tier: row.tier,
  };
}

/** PostgreSQL's unique_violation, raised when a concurrent write took the same reference first. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

function referenceTaken(field: string): ConflictError {
  return new ConflictError('Another stored record already has this reference', [{ field, reason: 'is already in use' }]);
}

function erased(row: YoungPersonRow): GoneError {
  return new GoneError(`Young person ${row.id} was erased on ${isoDay(new Date(row.erased_at as Date))}`);
}

export async function createYoungPerson(
  db: Kysely<Database>,
  actor: Actor,
  record: YoungPersonInputDto,
  today: Date,
): Promise<YoungPersonDto> {
  const errors = checkYoungPersonRules(record, today);
  if (errors.length > 0) throw new UnprocessableError('The record breaks the rules of a young person’s record', withPrefix('body', errors));
  try {
    return await db.transaction().execute(async (trx) => {
      if ((await findReferencesInUse(trx, [record.reference])).size > 0) throw referenceTaken('body/reference');
      await checkTeamExists(trx, record.teamId, 'body/teamId');
      const [row] = await insertYoungPeople(trx, [toYoungPersonRow(record)]);
      // A record created already closed without a placement (review finding 10: a case recorded
      // after it ended) opens no episode: nothing says when its state began, and an episode
      // opened today would start after the closing day. Its history may be recorded with PUT
      // /v1/young-people/{id}/history. With a placement, the episode runs from the placement's
      // start to the closing day, as below.
      if (record.closedOn === undefined || record.placement !== undefined) await recordChangeInHistory(trx, row.id, null, record, isoDay(today));
      // The history just opened starts today (or on the placement's start): a case closed on
      // creation must close after it, and its episode closes with it.
      if (record.closedOn !== undefined) {
        const closing = checkClosureAgainstHistory(record.closedOn, await listEpisodesOf(trx, row.id));
        if (closing.length > 0) throw new UnprocessableError('The case cannot close on that day', withPrefix('body', closing));
        await closeCaseInHistory(trx, row.id, record.closedOn, record.closedReason as ClosureReason);
      }
      await appendAuditEvent(trx, actor, { action: 'young_person.create', resourceType: 'young_person', resourceId: row.id, detail: { source: 'api' } });
      return toYoungPersonDto(row, today);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw referenceTaken('body/reference');
    throw error;
  }
}

export async function getYoungPerson(db: Kysely<Database>, id: string, today: Date): Promise<YoungPersonDto> {
  const row = await findYoungPersonById(db, id);
  if (!row) throw new NotFoundError('Young person', id);
  if (row.erased_at !== null) throw erased(row);
  return toYoungPersonDto(row, today);
}

const PATCHABLE_FIELDS = ['reference', 'birthYear', 'birthMonth', 'sex', 'legalStatus', 'tier', 'careState', 'needsProfile', 'placement', 'services', 'teamId', 'keyWorkerReference', 'closedOn', 'closedReason'] as const;

/** Merge-patch: sent fields replace stored ones, null removes an optional field. */
export function applyYoungPersonPatch(current: YoungPersonInputDto, patch: YoungPersonPatchDto): YoungPersonInputDto {
  const merged: Record<string, unknown> = { ...current };
  for (const field of PATCHABLE_FIELDS) {
    if (!(field in patch)) continue;
    const value = patch[field];
    if (value === null) delete merged[field];
    else if (value !== undefined) merged[field] = value;
  }
  // Reopening (closedOn: null) takes the reason with it: a reason on an open case means nothing.
  if (patch.closedOn === null && patch.closedReason === undefined) delete merged.closedReason;
  return merged as YoungPersonInputDto;
}

export async function updateYoungPerson(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  patch: YoungPersonPatchDto,
  today: Date,
): Promise<YoungPersonDto> {
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await findYoungPersonByIdForUpdate(trx, id);
      if (!row) throw new NotFoundError('Young person', id);
      if (row.erased_at !== null) throw erased(row);
      if (row.version !== patch.version) {
        throw new ConflictError(
          `The record is at version ${row.version}, not ${patch.version}: someone changed it since you read it. Read it again and reapply your change.`,
          [{ field: 'body/version', reason: `is ${patch.version}; the stored version is ${row.version}` }],
        );
      }
      const current = toYoungPersonInput(row);
      const merged = applyYoungPersonPatch(current, patch);
      // Before the no-change answer below: a flag with no entry to care is refused, not dropped.
      const entryErrors = entryToCareErrors(current, merged, patch.entryToCare);
      if (entryErrors.length > 0) throw new UnprocessableError('The entry-to-care flag does not fit this change', withPrefix('body', entryErrors));
      const changedFields = PATCHABLE_FIELDS.filter(
        (field) => JSON.stringify(current[field] ?? null) !== JSON.stringify(merged[field] ?? null),
      );
      if (changedFields.length === 0) return toYoungPersonDto(row, today);

      const errors = checkYoungPersonRules(merged, today);
      if (errors.length > 0) throw new UnprocessableError('The updated record would break the rules of a young person’s record', withPrefix('body', errors));
      const closing = closingChange(current, merged);
      // A new date of birth is read against the history as well (below): the history as it stood, to
      // refuse only what this change breaks (a history written before a rule is not held against it).
      const birthChanged = merged.birthYear !== current.birthYear || merged.birthMonth !== current.birthMonth;
      const historyBefore = birthChanged ? await listEpisodesOf(trx, id) : [];
      // A closed case's state and placement are as they were when it closed: change them before
      // closing or after reopening, so the history's open episode is never reopened by accident.
      if (merged.closedOn !== undefined && changedFields.some((f) => f === 'careState' || f === 'placement')) {
        const field = changedFields.includes('careState') ? 'body/careState' : 'body/placement';
        throw new UnprocessableError('A closed case’s care state and placement stay as they were when it closed', [
          { field, reason: 'cannot change while the case is closed; reopen it (closedOn: null) first, or change it before closing' },
        ]);
      }
      if (closing === 'reopen') await reopenCaseInHistory(trx, id, current.closedOn as string);
      if (closing === 'close' || closing === 'move') {
        // Against the history as it stands once the old closure (if any) is undone.
        if (closing === 'move') await reopenCaseInHistory(trx, id, current.closedOn as string);
        const history = await listEpisodesOf(trx, id);
        const against = checkClosureAgainstHistory(merged.closedOn, history);
        if (against.length > 0) throw new UnprocessableError('The case cannot close on that day', withPrefix('body', against));
      }
      if (merged.reference !== current.reference && (await findReferencesInUse(trx, [merged.reference])).size > 0) {
        throw referenceTaken('body/reference');
      }
      if (merged.teamId !== current.teamId) await checkTeamExists(trx, merged.teamId, 'body/teamId');
      const updated = await updateYoungPersonAtVersion(trx, id, patch.version, toYoungPersonRow(merged));
      if (!updated) throw new ConflictError('The record changed while it was being updated; read it again and reapply your change.', [{ field: 'body/version', reason: 'was overtaken by a change made at the same moment' }]);
      await recordChangeInHistory(trx, id, current, merged, isoDay(today), patch.entryToCare);
      if (closing === 'close' || closing === 'move') await closeCaseInHistory(trx, id, merged.closedOn as string, merged.closedReason as ClosureReason);
      if (closing === 'reason') await closeCaseInHistory(trx, id, merged.closedOn as string, merged.closedReason as ClosureReason, true);
      if (birthChanged) {
        const field = merged.birthYear !== current.birthYear ? 'body/birthYear' : 'body/birthMonth';
        const against = birthAgainstHistory(id, historyBefore, await listEpisodesOf(trx, id), current, merged, field);
        if (against.length > 0) throw new UnprocessableError('The new date of birth puts the history outside the age rules of its care states', against);
      }
      await appendAuditEvent(trx, actor, {
        action: 'young_person.update',
        resourceType: 'young_person',
        resourceId: id,
        // Field names only, never their values; closing and reopening say so (the day and the
        // reason are not personal details, but the field names are enough to find the change).
        detail: { changedFields, version: updated.version, ...(closing === 'close' || closing === 'reopen' ? { case: closing === 'close' ? 'closed' : 'reopened' } : {}) },
      });
      return toYoungPersonDto(updated, today);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw referenceTaken('body/reference');
    throw error;
  }
}

/**
 * Why a new date of birth (`after`; `before` the stored one) breaks the history of young person
 * `id` (`episodesAfter`, oldest first, as written by the change): each episode that starts before
 * the month of birth, or outside its care state's ages (historyAgeProblems, the rules PUT
 * /v1/young-people/{id}/history and the CSV history import hold), and did not already (the same
 * episode, unchanged, breaking a rule under the old date of birth, in `episodesBefore`), as one
 * `{field, reason}` an episode, `field` the date-of-birth field changed. Pure.
 */
export function birthAgainstHistory(
  id: string,
  episodesBefore: readonly CareEpisodeRow[],
  episodesAfter: readonly CareEpisodeRow[],
  before: Pick<YoungPersonInputDto, 'birthYear' | 'birthMonth'>,
  after: Pick<YoungPersonInputDto, 'birthYear' | 'birthMonth'>,
  field: string,
): FieldError[] {
  const asEpisode = (e: CareEpisodeRow) => ({ startDate: e.start_date, endDate: e.end_date ?? undefined, careState: e.care_state });
  const key = (e: CareEpisodeRow) => JSON.stringify([e.id, e.start_date, e.end_date, e.care_state]);
  const oldProblems = historyAgeProblems(episodesBefore.map(asEpisode), before.birthYear, before.birthMonth);
  const brokenBefore = new Set(episodesBefore.filter((_, i) => oldProblems[i] !== null).map(key));
  const problems = historyAgeProblems(episodesAfter.map(asEpisode), after.birthYear, after.birthMonth);
  return episodesAfter.flatMap((e, i) => {
    const problem = problems[i];
    if (problem === null || brokenBefore.has(key(e))) return [];
    const span = `${e.care_state} from ${e.start_date}${e.end_date === null ? '' : ` to ${e.end_date}`}`;
    return [{ field, reason: `puts history episode ${i} (${span}) outside its rules: ${problem}; correct the history first (PUT /v1/young-people/${id}/history) so that it holds for both dates of birth` }];
  });
}

/** What a change does to the case: closes it, reopens it, moves its closing day, changes only the reason, or none of these. */
function closingChange(before: YoungPersonInputDto, after: YoungPersonInputDto): 'close' | 'reopen' | 'move' | 'reason' | undefined {
  if (before.closedOn === undefined) return after.closedOn === undefined ? undefined : 'close';
  if (after.closedOn === undefined) return 'reopen';
  if (after.closedOn !== before.closedOn) return 'move';
  return after.closedReason !== before.closedReason ? 'reason' : undefined;
}

export async function listYoungPeople(
  db: Kysely<Database>,
  query: YoungPersonQueryDto,
  today: Date,
): Promise<{ items: YoungPersonListItemDto[]; total: number; limit: number; offset: number }> {
  if (query.minAge !== undefined && query.maxAge !== undefined && query.minAge > query.maxAge) {
    throw new BadRequestError('minAge is greater than maxAge', [{ field: 'querystring/minAge', reason: 'must not be greater than maxAge' }]);
  }
  // An unknown team is a mistake, not an empty team: 422 naming the filter (as on create/update).
  if (query.team !== undefined && query.team !== 'none') await checkTeamExists(db, query.team, 'querystring/team');
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  const now = currentMonthIndex(today);
  const { items, total } = await listYoungPeopleRows(db, {
    careStates: query.careState,
    tiers: query.tier,
    reference: query.reference,
    referenceContains: query.referenceContains,
    hasCarePlans: query.hasCarePlans,
    hasProjection: query.hasProjection,
    teamId: query.team === 'none' ? null : query.team,
    keyWorkerReference: query.keyWorker !== undefined ? canonicalKeyWorkerReference(query.keyWorker) : undefined,
    status: query.status ?? 'open',
    // Aged at least minAge: born at least minAge * 12 months ago.
    latestBirthMonthIndex: query.minAge !== undefined ? now - 12 * query.minAge : undefined,
    // Aged at most maxAge: the (maxAge + 1)th birthday is still to come.
    earliestBirthMonthIndex: query.maxAge !== undefined ? now - 12 * (query.maxAge + 1) + 1 : undefined,
    limit,
    offset,
  });
  return {
    items: items.map((row) => ({ ...toYoungPersonDto(row, today), carePlanCount: row.care_plan_count, projectionCount: row.projection_count })),
    total,
    limit,
    offset,
  };
}

/**
 * Data-protection erasure. Reference, month of birth, sex, legal status, needs profile,
 * placement and services are removed for good; a tombstone keeps the id, birth year, care state
 * and tier so counts by age, state and tier over time stay consistent. Afterwards the record
 * answers 410, leaves every list, and its reference may be given to a new record. The young
 * person's care plans and stored pathway projections are deleted in the same transaction. Audit events
 * keep the id (they never held personal data).
 */
export async function eraseYoungPerson(db: Kysely<Database>, actor: Actor, id: string): Promise<ErasedYoungPersonDto> {
  return db.transaction().execute(async (trx) => {
    const row = await findYoungPersonByIdForUpdate(trx, id);
    if (!row) throw new NotFoundError('Young person', id);
    if (row.erased_at !== null) throw erased(row);
    const tombstone = await eraseYoungPersonRecord(trx, id);
    // The row is locked, so this only happens if the database changed under the lock.
    if (!tombstone) throw new ConflictError(`Young person ${id} changed while it was being erased; try again`, [{ field: 'params/id', reason: 'names a record changed while it was being erased' }]);
    // Plans and projections are individual records too: they go with the record.
    await deleteCarePlansOf(trx, id);
    await deletePathwayProjectionsOf(trx, id);
    // The history too: dated placements and districts are personal data.
    await deleteEpisodesOf(trx, id);
    await appendAuditEvent(trx, actor, { action: 'young_person.erase', resourceType: 'young_person', resourceId: id, detail: {} });
    return toErasedDto(tombstone);
  });
}
