import type { Kysely } from 'kysely';
import type { CatalogEntry, ModelCatalog } from '../catalog/catalog.ts';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import {
  countCarePlansOf,
  deleteCarePlanRow,
  findCarePlan,
  insertCarePlan,
  isPlanNameTaken,
  listCarePlansOf,
  unmarkCurrentPlan,
  updateCarePlanRow,
} from '../db/repositories/care-plans.ts';
import { findYoungPersonById, findYoungPersonByIdForUpdate } from '../db/repositories/young-people.ts';
import type { CarePlanRow, Database, YoungPersonRow } from '../db/schema.ts';
import type { CarePlanDto, CarePlanInputDto, CarePlanPatchDto } from '../schemas/care-plans.ts';
import { MAX_PLANS } from '../schemas/projections.ts';
import type { PlacementDto } from '../schemas/young-people.ts';
import type { SimulationModel } from '../simulation/model.ts';
import { modelFor } from '../simulation/worker.ts';
import { ConflictError, type FieldError, GoneError, NotFoundError, UnprocessableError } from './errors.ts';
import { type PlanInput, resolvePlan } from './plans.ts';
import { isoDay, isUniqueViolation, monthIndex } from './young-people.ts';

/**
 * A young person's care plans: named courses of action, one of them the current course. A plan
 * is stored as the plan resolver's input, checked against the default model for the young
 * person's age when it is written, and again whenever it is projected (they will be older, and
 * the model may have changed).
 */

/** The model plans are checked against when written, and projected with unless asked otherwise. */
export const DEFAULT_MODEL_ID = 'england-default';

/** What a plan stores: the resolver's input without the name (a column of its own). */
export interface StoredPlan {
  startState?: string;
  moves: NonNullable<PlanInput['moves']>;
  interventions: NonNullable<PlanInput['interventions']>;
  prices: NonNullable<PlanInput['prices']>;
  currentPlacementWeeklyPrice?: number;
}

/** A live young person's record as plans need it. */
export interface PlanSubject {
  id: string;
  birthYear: number;
  birthMonth: number;
  careState: string;
  placement: PlacementDto | null;
  services: Array<Record<string, unknown>>;
}

export function toPlanSubject(row: YoungPersonRow | undefined, id: string): PlanSubject {
  if (!row) throw new NotFoundError('Young person', id);
  if (row.erased_at !== null || row.birth_month === null) {
    throw new GoneError(`Young person ${row.id} was erased on ${isoDay(new Date(row.erased_at as Date))}`);
  }
  return {
    id: row.id,
    birthYear: row.birth_year,
    birthMonth: row.birth_month,
    careState: row.care_state,
    placement: row.placement as PlacementDto | null,
    services: row.services,
  };
}

export async function findPlanSubject(db: Kysely<Database>, id: string): Promise<PlanSubject> {
  return toPlanSubject(await findYoungPersonById(db, id), id);
}

/** Age in whole months at the start of a calendar month, counting from the 1st of the birth month. */
export function ageInMonthsAt(subject: Pick<PlanSubject, 'birthYear' | 'birthMonth'>, year: number, month: number): number {
  return monthIndex(year, month) - monthIndex(subject.birthYear, subject.birthMonth);
}

/**
 * The plan as the engine will see it for this young person: the start state defaults to their
 * current state, and while the plan starts in today's placement its actual weekly price (from
 * the record) replaces the model's, unless the plan names another price.
 */
export function projectedPlanInput(stored: StoredPlan, subject: PlanSubject): PlanInput & { startState: string } {
  const startState = stored.startState ?? subject.careState;
  const actualPrice = subject.placement && subject.placement.type === startState ? subject.placement.weeklyPrice : undefined;
  const price = stored.currentPlacementWeeklyPrice ?? actualPrice;
  // The record's dated price changes (history and scheduled uplifts) go with its own price.
  const changes = stored.currentPlacementWeeklyPrice === undefined && actualPrice !== undefined ? (subject.placement?.priceChanges ?? []) : [];
  return {
    startState,
    moves: stored.moves,
    interventions: stored.interventions,
    prices: stored.prices,
    ...(price !== undefined ? { currentPlacementWeeklyPrice: price } : {}),
    ...(changes.length > 0 ? { currentPlacementPriceChanges: changes } : {}),
  };
}

export interface ModelChoice {
  entry: CatalogEntry;
  key: string;
  model: SimulationModel;
}

/**
 * The 422 for a model the catalog does not hold: naming `field` (the model's id) with the
 * catalogued ids in the reason, or `versionField` (by default `${field}Version`) with the
 * model's catalogued versions when the model is known and only its version is not. Problem
 * answers never quote the caller's input back; the catalogued names are ours to list (at most
 * 20: a busy catalog has a version per calibration; listModels has them all).
 */
export function unknownModel(catalog: ModelCatalog, id: string, version: string | undefined, field: string, versionField = `${field}Version`): UnprocessableError {
  const entries = catalog.list();
  const versions = entries.filter((e) => e.id === id).map((e) => e.version);
  if (version !== undefined && versions.length > 0) {
    return new UnprocessableError('No catalogued model has that version', [{ field: versionField, reason: `no such version of this model; known: ${listed(versions)}` }]);
  }
  return new UnprocessableError('No catalogued model has that id', [{ field, reason: `no such model; known: ${listed([...new Set(entries.map((e) => e.id))])}` }]);
}

function listed(names: string[]): string {
  return names.length <= 20 ? names.join(', ') : `${names.slice(0, 20).join(', ')} and ${names.length - 20} more (listModels)`;
}

/** A catalogued model compiled for the engine; 422 naming `field` when there is no such model. */
export function chooseModel(catalog: ModelCatalog, id: string, version: string | undefined, field: string): ModelChoice {
  const entry = catalog.get(id, version);
  if (!entry) throw unknownModel(catalog, id, version, field);
  const key = `${entry.id}@${entry.version}#${entry.hash}`;
  return { entry, key, model: modelFor(key, entry.model.spec) };
}

/** Months from the start to the model's horizon, or the reason there are none. */
export function monthsToHorizon(model: SimulationModel, ageMonths: number): number {
  return model.horizonAgeMonths - ageMonths;
}

/** The plan's problems for this young person under this model, from month 0 at (year, month). */
export function checkPlan(choice: ModelChoice, stored: StoredPlan, subject: PlanSubject, start: { year: number; month: number }, field: string): FieldError[] {
  const ageMonths = ageInMonthsAt(subject, start.year, start.month);
  const months = monthsToHorizon(choice.model, ageMonths);
  if (months <= 0) {
    return [{ field, reason: `the young person is ${Math.floor(ageMonths / 12)}, at or past the model’s horizon of ${choice.model.horizonAgeMonths / 12}: there is nothing to plan` }];
  }
  const resolved = resolvePlan(choice.model, projectedPlanInput(stored, subject), { ageMonths, months, currentState: subject.careState, field });
  return resolved.errors;
}

function toStoredPlan(input: { startState?: string | null | undefined; moves?: StoredPlan['moves'] | undefined; interventions?: StoredPlan['interventions'] | undefined; prices?: StoredPlan['prices'] | undefined; currentPlacementWeeklyPrice?: number | null | undefined }): StoredPlan {
  return {
    ...(input.startState != null ? { startState: input.startState } : {}),
    moves: (input.moves ?? []).map((m) => ({ month: m.month, to: m.to, ...(m.fromStates !== undefined ? { fromStates: m.fromStates } : {}) })),
    interventions: (input.interventions ?? []).map((i) => ({ id: i.id, startMonth: i.startMonth })),
    prices: (input.prices ?? []).map((p) => ({ state: p.state, weeklyPrice: p.weeklyPrice })),
    ...(input.currentPlacementWeeklyPrice != null ? { currentPlacementWeeklyPrice: input.currentPlacementWeeklyPrice } : {}),
  };
}

export function storedPlanOf(row: CarePlanRow): StoredPlan {
  return toStoredPlan(row.plan as Partial<StoredPlan>);
}

export function toCarePlanDto(row: CarePlanRow): CarePlanDto {
  return {
    id: row.id,
    youngPersonId: row.young_person_id,
    name: row.name,
    isCurrent: row.is_current,
    ...storedPlanOf(row),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export interface CarePlanDeps {
  db: Kysely<Database>;
  catalog: ModelCatalog;
}

function nameTaken(field: string): ConflictError {
  return new ConflictError('This young person already has a plan with that name', [{ field, reason: 'is already the name of another plan of this young person' }]);
}

/** Checks a plan as written today against the default model; 422 naming each item. */
function checkWrittenPlan(deps: CarePlanDeps, stored: StoredPlan, subject: PlanSubject, today: Date): void {
  const choice = chooseModel(deps.catalog, DEFAULT_MODEL_ID, undefined, 'model');
  const errors = checkPlan(choice, stored, subject, { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1 }, 'body');
  if (errors.length > 0) {
    throw new UnprocessableError(`The plan does not fit the young person under ${choice.entry.id} ${choice.entry.version}: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`, errors);
  }
}

async function withNameGuard<T>(field: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(field);
    throw error;
  }
}

export async function createCarePlan(deps: CarePlanDeps, actor: Actor, youngPersonId: string, input: CarePlanInputDto, today: Date): Promise<CarePlanDto> {
  const stored = toStoredPlan(input);
  return withNameGuard('body/name', () =>
    deps.db.transaction().execute(async (trx) => {
      // Locking the record orders plan writes for one young person (and waits for an erasure).
      const subject = toPlanSubject(await findYoungPersonByIdForUpdate(trx, youngPersonId), youngPersonId);
      checkWrittenPlan(deps, stored, subject, today);
      const existing = await countCarePlansOf(trx, youngPersonId);
      if (existing >= MAX_PLANS) {
        throw new ConflictError(`A young person may have at most ${MAX_PLANS} care plans (the most one projection compares); delete one first`, [{ field: 'params/id', reason: `names a young person who has ${MAX_PLANS} care plans already` }]);
      }
      if (await isPlanNameTaken(trx, youngPersonId, input.name)) throw nameTaken('body/name');
      const isCurrent = existing === 0 || input.isCurrent === true;
      if (isCurrent) await unmarkCurrentPlan(trx, youngPersonId);
      const row = await insertCarePlan(trx, {
        young_person_id: youngPersonId,
        name: input.name,
        is_current: isCurrent,
        plan: JSON.stringify(stored),
        created_by: actor.tokenId,
      });
      await appendAuditEvent(trx, actor, { action: 'care_plan.create', resourceType: 'care_plan', resourceId: row.id, detail: { youngPersonId, isCurrent } });
      return toCarePlanDto(row);
    }),
  );
}

export async function listCarePlans(db: Kysely<Database>, youngPersonId: string): Promise<{ items: CarePlanDto[] }> {
  await findPlanSubject(db, youngPersonId);
  return { items: (await listCarePlansOf(db, youngPersonId)).map(toCarePlanDto) };
}

export async function getCarePlan(db: Kysely<Database>, youngPersonId: string, planId: string): Promise<CarePlanDto> {
  await findPlanSubject(db, youngPersonId);
  const row = await findCarePlan(db, youngPersonId, planId);
  if (!row) throw new NotFoundError('Care plan', planId, 'params/planId');
  return toCarePlanDto(row);
}

const CONTENT_FIELDS = ['startState', 'moves', 'interventions', 'prices', 'currentPlacementWeeklyPrice'] as const;

export async function updateCarePlan(deps: CarePlanDeps, actor: Actor, youngPersonId: string, planId: string, patch: CarePlanPatchDto, today: Date): Promise<CarePlanDto> {
  return withNameGuard('body/name', () =>
    deps.db.transaction().execute(async (trx) => {
      const subject = toPlanSubject(await findYoungPersonByIdForUpdate(trx, youngPersonId), youngPersonId);
      const row = await findCarePlan(trx, youngPersonId, planId);
      if (!row) throw new NotFoundError('Care plan', planId, 'params/planId');
      if (patch.isCurrent === false && row.is_current) {
        throw new ConflictError('This is the current course: mark another plan current instead', [{ field: 'body/isCurrent', reason: 'a young person with plans always has a current course' }]);
      }
      const current = storedPlanOf(row);
      const merged: Record<string, unknown> = { ...current };
      for (const field of CONTENT_FIELDS) if (field in patch) merged[field] = patch[field];
      const next = toStoredPlan(merged as Parameters<typeof toStoredPlan>[0]);
      const changedFields: string[] = CONTENT_FIELDS.filter((f) => JSON.stringify(current[f] ?? null) !== JSON.stringify(next[f] ?? null));
      if (changedFields.length > 0) checkWrittenPlan(deps, next, subject, today);
      const changes: { name?: string; plan?: string; is_current?: boolean } = {};
      if (changedFields.length > 0) changes.plan = JSON.stringify(next);
      if (patch.name !== undefined && patch.name !== row.name) {
        if (await isPlanNameTaken(trx, youngPersonId, patch.name, planId)) throw nameTaken('body/name');
        changes.name = patch.name;
        changedFields.push('name');
      }
      if (patch.isCurrent === true && !row.is_current) {
        await unmarkCurrentPlan(trx, youngPersonId);
        changes.is_current = true;
        changedFields.push('isCurrent');
      }
      if (changedFields.length === 0) return toCarePlanDto(row);
      const updated = await updateCarePlanRow(trx, planId, changes);
      await appendAuditEvent(trx, actor, { action: 'care_plan.update', resourceType: 'care_plan', resourceId: planId, detail: { youngPersonId, changedFields } });
      return toCarePlanDto(updated);
    }),
  );
}

/**
 * Deletes a plan. The current course goes only when it is the last plan: otherwise another plan
 * must be marked current first, so comparisons always have their baseline. Stored projections
 * keep their own copy of the plans they projected.
 */
export async function deleteCarePlan(db: Kysely<Database>, actor: Actor, youngPersonId: string, planId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    toPlanSubject(await findYoungPersonByIdForUpdate(trx, youngPersonId), youngPersonId);
    const row = await findCarePlan(trx, youngPersonId, planId);
    if (!row) throw new NotFoundError('Care plan', planId, 'params/planId');
    if (row.is_current && (await countCarePlansOf(trx, youngPersonId)) > 1) {
      throw new ConflictError('This is the current course: mark another plan current before deleting it', [{ field: 'params/planId', reason: 'names the current course' }]);
    }
    await deleteCarePlanRow(trx, planId);
    await appendAuditEvent(trx, actor, { action: 'care_plan.delete', resourceType: 'care_plan', resourceId: planId, detail: { youngPersonId } });
  });
}
