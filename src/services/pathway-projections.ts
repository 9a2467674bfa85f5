import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ModelCatalog } from '../catalog/catalog.ts';
import { canonicalJson } from '../catalog/canonical-json.ts';
import { AGENCY_LABELS, type Agency, DEFAULT_CARE_STATES } from '../catalog/vocabulary.ts';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { listCarePlansOf } from '../db/repositories/care-plans.ts';
import { findJob } from '../db/repositories/jobs.ts';
import { findPathwayProjection, insertPathwayProjection, listPathwayProjectionsOf, type PathwayProjectionHeader } from '../db/repositories/pathway-projections.ts';
import { listEpisodesOf } from '../db/repositories/teams.ts';
import { findYoungPersonByIdForUpdate } from '../db/repositories/young-people.ts';
import { placementsEarlierThisYear } from '../outcomes/placements-this-year.ts';
import type { Database, JobRow, PathwayProjectionRow } from '../db/schema.ts';
import type {
  CarePlanComparisonDto,
  PathwayProjectionDto,
  PathwayProjectionSummaryDto,
  RunPathwayProjectionBodyDto,
} from '../schemas/care-plans.ts';
import { DEFAULT_RUNS, type PlanInputDto, type ProjectionResultDto } from '../schemas/projections.ts';
import { roundAnswer } from '../finance/money.ts';
import type { PriceBase } from '../finance/price-base.ts';
import type { SimulationPool } from '../simulation/pool.ts';
import type { EnginePlan } from '../simulation/projection.ts';
import { randomSeed } from '../simulation/random.ts';
import {
  ageInMonthsAt,
  chooseModel,
  DEFAULT_MODEL_ID,
  findPlanSubject,
  type ModelChoice,
  monthsToHorizon,
  projectedPlanInput,
  storedPlanOf,
  toPlanSubject,
} from './care-plans.ts';
import { ConflictError, DomainError, type FieldError, NotFoundError, UnprocessableError } from './errors.ts';
import type { JobRunner } from './jobs.ts';
import { resolvePlan } from './plans.ts';
import { parseStartMonth, projectionView, projectPlans } from './projections.ts';
import { comparisonStatements, formatPercent, formatPounds } from './wording.ts';

/**
 * Pathway projections: every plan of one young person (or a chosen few) run to the horizon by
 * the engine, the current course first so every other plan is compared against it with common
 * random numbers. Each run is a job (src/services/jobs.ts) whose result is stored whole, with
 * the inputs, model version and seed that reproduce it bit for bit.
 *
 * Small requests answer at once: the request waits for its job and returns the stored
 * projection. Large ones (more than SYNCHRONOUS_LIMIT_PERSON_MONTHS of work) answer 202 with
 * the job, to be followed with getJob.
 */

/**
 * Work (runs × plans × months) above which a projection answers 202 with a job rather than
 * waiting. 12 million person-months is about two seconds of engine time on one core: the
 * issue's reference case (three plans, 10,000 runs, age 14 to 25) is 3.96 million and answers
 * at once; 100,000 runs of the same is 39.6 million and runs as a job.
 */
export const SYNCHRONOUS_LIMIT_PERSON_MONTHS = 12_000_000;

/** How long a small request waits for its job (behind others in the queue) before answering 202. */
export const SYNCHRONOUS_WAIT_MS = 30_000;

export interface PathwayDeps {
  db: Kysely<Database>;
  catalog: ModelCatalog;
  pool: SimulationPool;
  jobs: JobRunner;
}

/** What a stored projection keeps to run again: never the young person's reference. */
export interface ProjectionInputs {
  startMonth: string;
  /** Day of the start month (from today when no start month was asked for): the first month is pro rata, as in the budget. */
  startDay?: number;
  ageMonths: number;
  months: number;
  discountRate: number | null;
  /** "model" or "current" (src/finance/price-base.ts); absent in projections stored before it existed: "model". */
  priceBase?: PriceBase;
  parameterUncertainty: boolean;
  plans: Array<{ planId: string; name: string; isCurrent: boolean; plan: PlanInputDto }>;
  /**
   * The record's distance of today's placement when it was run: plans starting in it report it
   * while the person stays there (src/services/projections.ts withKnownDistance). Absent when
   * the record gives no distance, and in projections stored before it existed.
   */
  knownDistance?: { state: string; within20Miles: boolean };
  /**
   * Placements the history showed earlier in the first financial year, before today's, when it
   * was run (src/outcomes/placements-this-year.ts): they count towards that year's placement
   * stability. Absent when none, and in projections stored before it existed (then 0).
   */
  placementsEarlierThisYear?: number;
}

/**
 * The young person's placements earlier in the financial year of `start` (YYYY-MM-DD), before
 * the one in force that day, from their care episodes (table care_episodes); 0 without history.
 */
export async function placementsEarlierThisYearOf(db: Kysely<Database>, youngPersonId: string, birth: { birthYear: number; birthMonth: number }, start: string): Promise<number> {
  const rows = await listEpisodesOf(db, youngPersonId);
  const episodes = rows.map((e) => ({ startDate: e.start_date, endDate: e.end_date ?? undefined, careState: e.care_state, newPlacement: e.new_placement }));
  return placementsEarlierThisYear({ birthYear: birth.birthYear, birthMonth: birth.birthMonth, episodes }, start);
}

/** Today's placement's distance from the record: more than 20 miles is over (DfE), 20 or less within. */
export function knownDistanceOf(subject: { careState: string; placement: { type: string; distanceFromHomeMiles?: number | undefined } | null }): ProjectionInputs['knownDistance'] {
  const placement = subject.placement;
  if (!placement || placement.type !== subject.careState || placement.distanceFromHomeMiles === undefined) return undefined;
  return { state: placement.type, within20Miles: placement.distanceFromHomeMiles <= 20 };
}

export type ProjectionOutcome = { status: 'stored'; projection: PathwayProjectionDto } | { status: 'queued'; job: JobRow };

interface Launch {
  youngPersonId: string;
  choice: ModelChoice;
  inputs: ProjectionInputs;
  enginePlans: EnginePlan[];
  runs: number;
  seed: number;
  rerunOf: string | null;
  auditAction: string;
}

const links = (id: string) => ({ self: `/v1/pathway-projections/${id}`, comparison: `/v1/pathway-projections/${id}/comparison`, rerun: `/v1/pathway-projections/${id}/rerun` });

function headerOf(row: PathwayProjectionHeader) {
  const inputs = row.inputs as unknown as ProjectionInputs;
  return {
    id: row.id,
    youngPersonId: row.young_person_id,
    createdAt: new Date(row.created_at).toISOString(),
    model: { id: row.model_id, version: row.model_version, hash: row.model_hash },
    seed: Number(row.seed),
    runs: row.runs,
    startMonth: inputs.startMonth,
    ageMonths: inputs.ageMonths,
    months: inputs.months,
    discountRate: inputs.discountRate,
    rerunOf: row.rerun_of,
    links: links(row.id),
  };
}

async function toProjectionDto(db: Kysely<Database>, row: PathwayProjectionRow): Promise<PathwayProjectionDto> {
  const inputs = row.inputs as unknown as ProjectionInputs;
  let matchesOriginal: boolean | null = null;
  if (row.rerun_of !== null) {
    const original = await findPathwayProjection(db, row.rerun_of);
    if (original) matchesOriginal = canonicalJson(original.result) === canonicalJson(row.result);
  }
  return { ...headerOf(row), plans: inputs.plans, matchesOriginal, result: projectionView(row.result as unknown as ProjectionResultDto) };
}

export async function getPathwayProjection(db: Kysely<Database>, id: string): Promise<PathwayProjectionDto> {
  const row = await findPathwayProjection(db, id);
  if (!row) throw new NotFoundError('Pathway projection', id);
  return toProjectionDto(db, row);
}

export async function listPathwayProjections(
  db: Kysely<Database>,
  youngPersonId: string,
  page: { limit?: number | undefined; offset?: number | undefined },
): Promise<{ items: PathwayProjectionSummaryDto[]; total: number; limit: number; offset: number }> {
  await findPlanSubject(db, youngPersonId);
  const limit = page.limit ?? 50;
  const offset = page.offset ?? 0;
  const { items, total } = await listPathwayProjectionsOf(db, youngPersonId, { limit, offset });
  return {
    items: items.map((row) => ({
      ...headerOf(row),
      plans: (row.inputs as unknown as ProjectionInputs).plans.map(({ planId, name, isCurrent }) => ({ planId, name, isCurrent })),
    })),
    total,
    limit,
    offset,
  };
}

function invalid(message: string, errors: FieldError[]): UnprocessableError {
  return new UnprocessableError(`${message}: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`, errors);
}

/** Projects the young person's plans (the current course first); 201 when small, else 202 and a job. */
export async function runPathwayProjection(deps: PathwayDeps, actor: Actor, youngPersonId: string, body: RunPathwayProjectionBodyDto, now: Date): Promise<ProjectionOutcome> {
  const subject = await findPlanSubject(deps.db, youngPersonId);
  const choice = chooseModel(deps.catalog, body.model ?? DEFAULT_MODEL_ID, body.modelVersion, 'body/model');
  const rows = await listCarePlansOf(deps.db, youngPersonId);
  if (rows.length === 0) {
    throw new UnprocessableError('The young person has no care plans: create one first', [{ field: 'carePlans', reason: 'there are none' }]);
  }
  const errors: FieldError[] = [];
  let chosen = rows;
  if (body.planIds) {
    const wanted = new Set(body.planIds);
    body.planIds.forEach((id, k) => {
      if (!rows.some((row) => row.id === id)) errors.push({ field: `body/planIds/${k}`, reason: 'is not a care plan of this young person' });
    });
    // The current course is the baseline of every comparison, so it is always projected, first.
    chosen = rows.filter((row) => row.is_current || wanted.has(row.id));
  }
  const start = parseStartMonth(body.startMonth, now);
  const ageMonths = ageInMonthsAt(subject, start.year, start.month);
  const months = monthsToHorizon(choice.model, ageMonths);
  if (ageMonths < 0) errors.push({ field: 'body/startMonth', reason: 'is before the young person was born' });
  else if (months <= 0) {
    errors.push({ field: 'body/startMonth', reason: `the young person is ${Math.floor(ageMonths / 12)} then, at or past the model’s horizon of ${choice.model.horizonAgeMonths / 12}` });
  }
  if (errors.length > 0) throw invalid('The projection cannot be run', errors);

  const plans = chosen.map((row) => ({ planId: row.id, name: row.name, isCurrent: row.is_current, plan: projectedPlanInput(storedPlanOf(row), subject) }));
  const enginePlans = resolveAll(choice, plans, ageMonths, months, subject.careState, errors);
  if (errors.length > 0) throw invalid('A plan no longer fits the young person or the model', errors);
  // Today's projection starts today, like the 12-month budget: the current month pro rata.
  const startDay = body.startMonth === undefined && now.getUTCDate() > 1 ? now.getUTCDate() : undefined;
  const startIso = `${start.year}-${String(start.month).padStart(2, '0')}-${String(startDay ?? 1).padStart(2, '0')}`;
  const earlier = await placementsEarlierThisYearOf(deps.db, youngPersonId, subject, startIso);

  return launch(deps, actor, {
    youngPersonId,
    choice,
    inputs: {
      startMonth: `${start.year}-${String(start.month).padStart(2, '0')}`,
      ...(startDay !== undefined ? { startDay } : {}),
      ageMonths,
      months,
      discountRate: body.discountRate ?? null,
      priceBase: body.priceBase ?? 'model',
      parameterUncertainty: true,
      plans,
      ...(knownDistanceOf(subject) ? { knownDistance: knownDistanceOf(subject) } : {}),
      ...(earlier > 0 ? { placementsEarlierThisYear: earlier } : {}),
    },
    enginePlans,
    runs: body.runs ?? DEFAULT_RUNS,
    seed: body.seed ?? randomSeed(),
    rerunOf: null,
    auditAction: 'pathway_projection.run',
  });
}

/** Each plan checked against the model; errors name the plan by id (`carePlans/{id}/moves/0/to`). */
function resolveAll(choice: ModelChoice, plans: ProjectionInputs['plans'], ageMonths: number, months: number, currentState: string, errors: FieldError[]): EnginePlan[] {
  return plans.map(({ planId, plan }) => {
    const resolved = resolvePlan(choice.model, plan, { ageMonths, months, currentState, field: `carePlans/${planId}` });
    errors.push(...resolved.errors);
    return resolved.plan as EnginePlan;
  });
}

/** Runs a stored projection again from its stored inputs: the same model version, seed and plans give the same numbers. */
export async function rerunPathwayProjection(deps: PathwayDeps, actor: Actor, id: string): Promise<ProjectionOutcome> {
  const row = await findPathwayProjection(deps.db, id);
  if (!row) throw new NotFoundError('Pathway projection', id);
  await findPlanSubject(deps.db, row.young_person_id);
  const entry = deps.catalog.get(row.model_id, row.model_version);
  if (!entry || entry.hash !== row.model_hash) {
    throw new ConflictError(
      `Model ${row.model_id} ${row.model_version} with hash ${row.model_hash.slice(0, 12)}… is no longer in the catalog${entry ? ' (a model with that version now has other content)' : ''}: the projection cannot be reproduced`,
    );
  }
  const choice = chooseModel(deps.catalog, row.model_id, row.model_version, 'model');
  const inputs = row.inputs as unknown as ProjectionInputs;
  const errors: FieldError[] = [];
  const current = inputs.plans[0].plan.startState as string;
  const enginePlans = resolveAll(choice, inputs.plans, inputs.ageMonths, inputs.months, current, errors);
  if (errors.length > 0) throw new ConflictError('The stored inputs no longer resolve against the model', errors);
  return launch(deps, actor, {
    youngPersonId: row.young_person_id,
    choice,
    inputs,
    enginePlans,
    runs: row.runs,
    seed: Number(row.seed),
    rerunOf: row.id,
    auditAction: 'pathway_projection.rerun',
  });
}

async function launch(deps: PathwayDeps, actor: Actor, spec: Launch): Promise<ProjectionOutcome> {
  const projectionId = randomUUID();
  const { choice, inputs } = spec;
  const [startYear, startMonth] = inputs.startMonth.split('-').map(Number);
  const work = spec.runs * spec.enginePlans.length * inputs.months;
  const modelName = `${choice.entry.id}@${choice.entry.version}`;
  const params = { youngPersonId: spec.youngPersonId, projectionId, runs: spec.runs, seed: spec.seed, plans: spec.enginePlans.length, model: modelName, rerunOf: spec.rerunOf };

  const job = await deps.jobs.submit({ kind: 'pathway_projection', capability: 'individuals:read', params, actor }, async (context) => {
    const result = await projectPlans(
      deps.pool,
      {
        modelKey: choice.key,
        spec: choice.entry.model.spec,
        hash: choice.entry.hash,
        model: choice.model,
        ageMonths: inputs.ageMonths,
        startYear,
        startMonth,
        startDay: inputs.startDay,
        plans: inputs.plans.map((p, k) => ({ name: p.name, plan: spec.enginePlans[k] })),
        runs: spec.runs,
        seed: spec.seed,
        parameterUncertainty: inputs.parameterUncertainty,
        discountRate: inputs.discountRate ?? undefined,
        priceBase: inputs.priceBase ?? 'model',
        includeExpectedCost: true,
        ...(inputs.placementsEarlierThisYear ? { placementsEarlierThisYear: inputs.placementsEarlierThisYear } : {}),
        ...(inputs.knownDistance && choice.model.stateIds.includes(inputs.knownDistance.state)
          ? { knownDistance: { state: choice.model.stateIds.indexOf(inputs.knownDistance.state), within20Miles: inputs.knownDistance.within20Miles } }
          : {}),
      },
      { signal: context.signal, onProgress: (completed, total) => context.progress(completed / total) },
    );
    return {
      resultType: 'pathway_projection',
      resultId: projectionId,
      message: 'projection stored',
      persist: async (trx) => {
        // Locks the record: an erasure either happened before (nothing is stored) or waits.
        toPlanSubject(await findYoungPersonByIdForUpdate(trx, spec.youngPersonId), spec.youngPersonId);
        await insertPathwayProjection(trx, {
          id: projectionId,
          young_person_id: spec.youngPersonId,
          model_id: choice.entry.id,
          model_version: choice.entry.version,
          model_hash: choice.entry.hash,
          seed: spec.seed,
          runs: spec.runs,
          inputs: JSON.stringify(inputs),
          result: JSON.stringify(result),
          rerun_of: spec.rerunOf,
          job_id: context.jobId,
          created_by: actor.tokenId,
        });
      },
    };
  });
  await appendAuditEvent(deps.db, actor, {
    action: spec.auditAction,
    resourceType: 'pathway_projection',
    resourceId: projectionId,
    detail: { ...params, jobId: job.id, months: inputs.months, discountRate: inputs.discountRate, planIds: inputs.plans.map((p) => p.planId) },
  });

  if (work > SYNCHRONOUS_LIMIT_PERSON_MONTHS) return { status: 'queued', job };
  const settled = await deps.jobs.settledWithin(job.id, SYNCHRONOUS_WAIT_MS);
  const finished = (await findJob(deps.db, job.id)) as JobRow;
  if (!settled || finished.status === 'queued' || finished.status === 'running') return { status: 'queued', job: finished };
  if (finished.status === 'succeeded') return { status: 'stored', projection: await getPathwayProjection(deps.db, projectionId) };
  if (finished.status === 'cancelled') throw new ConflictError('The projection was cancelled before it finished; nothing was stored', [{ field: 'params/id', reason: 'names a projection cancelled before it finished' }]);
  const error = (finished.error ?? {}) as { status?: number; title?: string; detail?: string; errors?: FieldError[] };
  throw new DomainError(error.status ?? 500, error.title ?? 'Internal error', error.detail ?? finished.message ?? 'the projection failed', error.errors);
}

const stateLabels = new Map(DEFAULT_CARE_STATES.map((s) => [s.id, s.label]));
const stateLabel = (id: string) => stateLabels.get(id) ?? id.replaceAll('_', ' ');
const agencyLabel = (id: string) => AGENCY_LABELS[id as Agency] ?? id.replaceAll('_', ' ');

/**
 * The head of service's view of a stored projection: best case (P10), expected (mean) and worst
 * case (P90) of each plan, each plan against the current course with the odds, where the
 * difference comes from, and the same in sentences for a report.
 */
export function comparisonView(projection: PathwayProjectionDto): CarePlanComparisonDto {
  const result = projection.result;
  const toAgeYears = (projection.ageMonths + projection.months) / 12;
  const horizon = `to age ${toAgeYears}`;
  const byName = new Map(projection.plans.map((p) => [p.name, p]));

  const plans = result.plans.map((plan) => {
    const meta = byName.get(plan.name) as (typeof projection.plans)[number];
    const d = plan.total.discounted;
    const c = plan.total.cash;
    return {
      planId: meta.planId,
      name: plan.name,
      isCurrent: meta.isCurrent,
      discounted: { best: d.p10, expected: d.mean, worst: d.p90 },
      cash: { best: c.p10, expected: c.mean, worst: c.p90 },
      statement: `${plan.name}${meta.isCurrent ? ' (the current course)' : ''}: best case ${formatPounds(d.p10)}, expected ${formatPounds(d.mean)}, worst case ${formatPounds(d.p90)} (present value ${horizon}; best and worst are the 10th and 90th percentiles).`,
    };
  });

  const comparisons = result.comparisons.map((c) => {
    const meta = byName.get(c.plan) as (typeof projection.plans)[number];
    const byAgency = c.byAgency.filter((a) => a.discountedSaving !== 0 || a.cashSaving !== 0).sort((a, b) => Math.abs(b.discountedSaving) - Math.abs(a.discountedSaving));
    const byState = c.byState.filter((s) => s.cashSaving !== 0).sort((a, b) => Math.abs(b.cashSaving) - Math.abs(a.cashSaving));
    const statements = comparisonStatements(c.plan, 'the current course', c);
    return {
      planId: meta.planId,
      name: c.plan,
      expectedSaving: { discounted: c.discounted.saving.mean, cash: c.cash.saving.mean },
      interval90: {
        discounted: { low: c.discounted.saving.p5, high: c.discounted.saving.p95 },
        cash: { low: c.cash.saving.p5, high: c.cash.saving.p95 },
      },
      saving: { discounted: c.discounted.saving, cash: c.cash.saving },
      probabilityCheaper: { discounted: c.discounted.probabilityCheaper, cash: c.cash.probabilityCheaper },
      drivers: { byAgency, byState },
      statements,
      statement: `${statements.discounted} ${statements.cash}`,
    };
  });

  const cheapest = plans.reduce((best, p) => (p.discounted.expected < best.discounted.expected ? p : best), plans[0]);
  const driverSentence = (c: (typeof comparisons)[number]) => {
    const agency = c.drivers.byAgency[0];
    const state = c.drivers.byState[0];
    if (!agency && !state) return null;
    const parts: string[] = [];
    if (agency) parts.push(`${agencyLabel(agency.agency)} (${agency.discountedSaving >= 0 ? 'saves' : 'spends'} ${formatPounds(Math.abs(agency.discountedSaving))} present value)`);
    if (state) parts.push(`time in ${stateLabel(state.state).toLowerCase()} (${state.cashSaving >= 0 ? 'saves' : 'spends'} ${formatPounds(Math.abs(state.cashSaving))} cash)`);
    return `Against the current course, ${c.name} differs most in ${parts.join(' and ')}.`;
  };
  const summary = [
    `Costs of each plan for this young person ${horizon}, from ${projection.runs.toLocaleString('en-GB')} simulated pathways under ${projection.model.id} ${projection.model.version}.`,
    ...plans.map((p) => p.statement),
    ...comparisons.flatMap((c) => [c.statement, driverSentence(c)].filter((s): s is string => s !== null)),
    plans.length > 1
      ? `${cheapest.name} has the lowest expected cost${cheapest.isCurrent ? ' (the current course)' : ''}${cheapest.isCurrent ? '' : `; in present value it costs less than the current course in ${formatPercent(comparisons.find((c) => c.planId === cheapest.planId)?.probabilityCheaper.discounted ?? 0)} of runs`}.`
      : 'There is one plan: add others to compare.',
  ];
  return roundAnswer({
    projectionId: projection.id,
    youngPersonId: projection.youngPersonId,
    model: projection.model,
    seed: projection.seed,
    runs: projection.runs,
    startMonth: projection.startMonth,
    toAgeYears,
    money: result.money,
    plans,
    comparisons,
    cheapest: { planId: cheapest.planId, name: cheapest.name },
    summary,
  });
}

export async function compareCarePlans(db: Kysely<Database>, id: string): Promise<CarePlanComparisonDto> {
  return comparisonView(await getPathwayProjection(db, id));
}
