import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CatalogEntry, ModelCatalog } from '../catalog/catalog.ts';
import { canonicalJson } from '../catalog/canonical-json.ts';
import type { CostModelSpec } from '../catalog/model-schema.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import { validateScenario } from '../catalog/validate-scenario.ts';
import { softwareVersion } from '../config/version.ts';
import { absoluteMonth, financialYearLabel, parseFinancialYear } from '../finance/financial-year.ts';
import { type ConventionWarning, conventionDifferences } from '../finance/conventions.ts';
import { roundAnswer } from '../finance/money.ts';
import { deflateDatedPrice, toBaseFactor } from '../finance/price-base.ts';
import { scenarioResultView } from '../finance/scenario-view.ts';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { findTeamById } from '../db/repositories/teams.ts';
import {
  type CohortInputRow,
  ensureScenarioVersion,
  findScenarioRun,
  findScenarioRuns,
  findScenarioVersion,
  insertScenarioRun,
  countRunsNamingTeam,
  listCohortInputs,
  listScenarioRuns,
  type ScenarioRunHeader,
} from '../db/repositories/scenarios.ts';
import type { Database, JobRow, NewScenarioRunRow, ScenarioRunRow } from '../db/schema.ts';
import type { ScenarioExecutor } from '../plugins/app/scenario-executor.ts';
import {
  DEFAULT_SCENARIO_RUNS,
  type ScenarioHeadlineDto,
  type ScenarioRunComparisonDto,
  type ScenarioRunDto,
  type ScenarioRunSummaryDto,
} from '../schemas/scenarios.ts';
import type { RunOptions } from '../simulation/pool.ts';
import { randomSeed } from '../simulation/random.ts';
import { type PreparedScenario, prepareScenario, type ScenarioMember } from '../simulation/scenario.ts';
import type { Band, ScenarioResultCore } from '../simulation/scenario-fold.ts';
import type { Summary } from '../simulation/summary.ts';
import { showCount } from '../export/disclosure.ts';
import { placementsEarlierThisYear } from '../outcomes/placements-this-year.ts';
import type { Role } from './access-control.ts';
import { checkCohortShowable, checkRunsShowable, cohortShowable, protectRunResult, runGateFacts, seesIndividuals } from './disclosure-view.ts';
import { fundingDisclosure, fundingView } from '../export/funding.ts';
import { BadRequestError, ConflictError, type FieldError, NotFoundError, UnprocessableError } from './errors.ts';
import type { JobRunner } from './jobs.ts';
import type { Offload } from './offload.ts';
import { moneyBasis } from './projections.ts';
import { checkCohortTeams, cohortTeams, findScenario, type ScenarioDeps, type ScenarioVersionEntry } from './scenarios.ts';

/**
 * Running a scenario: the cohort read from the records (numbers only), the scenario prepared
 * for the engine against its baseline, run through the scenario executor, and the result stored
 * whole with everything needed to reproduce it: the scenario as run, model version and hash,
 * seed, runs, the cohort's hash and the software version.
 */

export interface ScenarioRunDeps extends ScenarioDeps {
  executor: ScenarioExecutor;
  jobs: JobRunner;
  /** Where a run is prepared: off the service thread when given (src/services/offload.ts). */
  offload?: Pick<Offload, 'prepareScenario'>;
}

/** What the engine returns, and what capacity and place planning found before the runs. */
export type ScenarioRunResult = ScenarioResultCore & { planning: PreparedScenario['planning'] };

/** A scenario version ready to run: checked against the model it will run on. */
export interface RunPlan {
  scenario: ScenarioVersionEntry;
  model: CatalogEntry;
  runs: number;
  seed: number;
}

export interface RunChoice {
  runs?: number | undefined;
  seed?: number | undefined;
}

/**
 * Picks the model and checks the scenario against it again: a stored scenario that names no
 * model version runs on the newest, which may be newer than the one it was checked against.
 */
export function planScenarioRun(catalog: ModelCatalog, scenario: ScenarioVersionEntry, choice: RunChoice): RunPlan {
  const spec = scenario.spec;
  const model = catalog.get(spec.model.id, spec.model.version);
  if (!model) {
    const name = `${spec.model.id}${spec.model.version ? ` ${spec.model.version}` : ''}`;
    throw new UnprocessableError(`Scenario ${spec.id} ${spec.version} names model ${name}, which is not in the catalog`, [{ field: 'scenario/model', reason: `no such model: ${name}` }]);
  }
  const checked = validateScenario(spec, model.model.spec);
  if (!checked.ok) {
    throw new UnprocessableError(
      `Scenario ${spec.id} ${spec.version} no longer fits model ${model.id} ${model.version}`,
      checked.errors.map((e) => ({ field: `scenario${e.field}`, reason: e.reason })),
    );
  }
  return { scenario, model, runs: choice.runs ?? spec.runs ?? DEFAULT_SCENARIO_RUNS, seed: choice.seed ?? spec.seed ?? randomSeed() };
}

/** 1 April of the first planning year, as an absolute month (year × 12 + month − 1). */
function startMonthOf(spec: ScenarioSpec): number {
  return absoluteMonth(parseFinancialYear(spec.firstYear) as number, 4);
}

/**
 * The cohort filter as birth-month bounds. Ages are taken on 1 April of the first planning year;
 * people at or past the model's horizon age then have nothing left to project and are left out.
 */
export function cohortBounds(spec: ScenarioSpec, horizonAgeYears: number) {
  const start = startMonthOf(spec);
  const oldest = Math.min(horizonAgeYears, (spec.cohort.maxAge ?? horizonAgeYears) + 1);
  return {
    careStates: spec.cohort.careStates,
    tiers: spec.cohort.tiers,
    // Teams as the records hold them today, like the care state: a young person moved to another
    // team since a run is in the other team's cohort when the scenario is run again.
    teams: spec.cohort.teams === undefined ? undefined : cohortTeams(spec.cohort.teams),
    latestBirthMonthIndex: spec.cohort.minAge === undefined ? undefined : start - spec.cohort.minAge * 12,
    earliestBirthMonthIndex: start - oldest * 12 + 1,
    // No openOn: the cohort is the cases open today (listCohortInputs' default), whatever the
    // first year. Each member is projected from their record's current state, and a closed case
    // keeps the state it closed in (frozen while closed), so a case closed since 1 April of a year
    // already under way would be projected as if still in, say, residential care.
  };
}

/**
 * The members as the engine needs them, in a canonical order (age, state, price, earlier
 * placements, then the dated price changes) so the run — and the cohort hash — depend only on who
 * is in the cohort, never on record ids or the order the database returns them in.
 *
 * A member in their recorded placement carries its price as the record holds it on 1 April of the
 * first planning year (the start price, or the latest dated change by then: a price that rose
 * last year is charged at the new price) and the record's changes after that day (memberPrice),
 * so every year is charged the price in force, as the pathway projection and the budget charge it.
 */
export function cohortMembers(rows: readonly CohortInputRow[], spec: ScenarioSpec, today?: string): ScenarioMember[] {
  const start = startMonthOf(spec);
  const startDay = `${parseFinancialYear(spec.firstYear) as number}-04-01`;
  const members = rows.map((row) => {
    const earlier = today === undefined ? 0 : earlierPlacementsOf(row, spec, today);
    const price = row.placementType === row.careState && row.weeklyPrice !== null ? memberPrice(row.weeklyPrice, row.priceChanges ?? [], startDay) : null;
    return {
      ageMonths: start - absoluteMonth(row.birthYear, row.birthMonth),
      state: row.careState,
      weeklyPrice: price === null ? null : price.weeklyPrice,
      ...(earlier > 0 ? { placementsEarlierThisYear: earlier } : {}),
      ...(price !== null && price.changes.length > 0 ? { priceChanges: price.changes } : {}),
    };
  });
  return members.sort(
    (a, b) =>
      a.ageMonths - b.ageMonths ||
      (a.state < b.state ? -1 : a.state > b.state ? 1 : 0) ||
      (a.weeklyPrice ?? -1) - (b.weeklyPrice ?? -1) ||
      (a.placementsEarlierThisYear ?? 0) - (b.placementsEarlierThisYear ?? 0) ||
      compareChanges(a.priceChanges ?? [], b.priceChanges ?? []),
  );
}

/**
 * A placement's dated price as a scenario starting on `startDay` (YYYY-MM-DD, 1 April) takes it:
 * the weekly price in force that day (`weeklyPrice` from the placement's start, each change from
 * its date on) and the changes after it, in date order. GBP cash as recorded.
 */
export function memberPrice(
  weeklyPrice: number,
  changes: ReadonlyArray<{ from: string; weeklyPrice: number }>,
  startDay: string,
): { weeklyPrice: number; changes: Array<{ from: string; weeklyPrice: number }> } {
  const sorted = [...changes].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  let inForce = weeklyPrice;
  for (const change of sorted) if (change.from <= startDay) inForce = change.weeklyPrice;
  return { weeklyPrice: inForce, changes: sorted.filter((c) => c.from > startDay).map((c) => ({ from: c.from, weeklyPrice: c.weeklyPrice })) };
}

/** Orders two change lists: the shorter first, then by the first differing date, then price. */
function compareChanges(a: ReadonlyArray<{ from: string; weeklyPrice: number }>, b: ReadonlyArray<{ from: string; weeklyPrice: number }>): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let k = 0; k < a.length; k++) {
    if (a[k].from !== b[k].from) return a[k].from < b[k].from ? -1 : 1;
    if (a[k].weeklyPrice !== b[k].weeklyPrice) return a[k].weeklyPrice - b[k].weeklyPrice;
  }
  return 0;
}

/**
 * A member's placements earlier in the first planning year, before today's (the record's state is
 * today's, and the scenario projects it from 1 April): the history's placements overlapping
 * [1 April, today) other than the one in force today (src/outcomes/placements-this-year.ts).
 * Only while today (YYYY-MM-DD) falls in the first planning year: before it begins there is no
 * history in it yet, and once it is over the record's state is no longer the year's. 0 without history.
 */
export function earlierPlacementsOf(row: Pick<CohortInputRow, 'birthYear' | 'birthMonth' | 'episodes'>, spec: Pick<ScenarioSpec, 'firstYear'>, today: string): number {
  const firstYear = parseFinancialYear(spec.firstYear) as number;
  if (!(today > `${firstYear}-04-01` && today < `${firstYear + 1}-04-01`) || !row.episodes?.length) return 0;
  const episodes = row.episodes.map((e) => ({ startDate: e.startDate, endDate: e.endDate ?? undefined, careState: e.careState, newPlacement: e.newPlacement }));
  return placementsEarlierThisYear({ birthYear: row.birthYear, birthMonth: row.birthMonth, episodes }, today);
}

/**
 * sha256 over the members' numeric inputs in run order: the same hash, the same people. A
 * member's earlier placements this year enter only when there are some, and their dated price
 * changes (as [from, weeklyPrice] pairs, after the earlier placements, 0 when none) only when
 * there are some, so a cohort without either hashes as it did before they were counted.
 */
export function cohortHash(members: readonly ScenarioMember[]): string {
  const inputs = members.map((m) => {
    if (m.priceChanges?.length) return [m.ageMonths, m.state, m.weeklyPrice, m.placementsEarlierThisYear ?? 0, m.priceChanges.map((c) => [c.from, c.weeklyPrice])];
    return m.placementsEarlierThisYear ? [m.ageMonths, m.state, m.weeklyPrice, m.placementsEarlierThisYear] : [m.ageMonths, m.state, m.weeklyPrice];
  });
  return createHash('sha256').update(canonicalJson(inputs), 'utf8').digest('hex');
}

/**
 * The factor taking a young person's actual weekly price (cash paid in the scenario's first
 * planning year) to the model's base-year prices: index(base) / index(first year) of the model's
 * GDP deflator (src/finance/price-base.ts); 1 when the model has none. The price is then held
 * constant in real terms, as the model's own costs are. Strategy prices (commissioned services,
 * investments) are written in the model's base-year prices and are not converted.
 */
export function actualPriceFactor(model: Pick<CostModelSpec, 'priceBaseYear' | 'deflator'>, spec: Pick<ScenarioSpec, 'firstYear'>): number {
  if (!model.deflator) return 1;
  return toBaseFactor(model.deflator, model.priceBaseYear, parseFinancialYear(spec.firstYear) as number);
}

/**
 * A member's prices (cash as recorded) in the model's base-year prices. Without dated changes:
 * the price × `factor` (actualPriceFactor), held constant in real terms. With them: as a pathway
 * projection deflates them (deflatePlan, deflateDatedPrice), each year's cash at that year's
 * factor index(base) / index(year), up to the financial year of the last change; after it the
 * price is held constant in real terms at that year's factor, as a price without changes is
 * from the first year (the record knows no later price, and the model's costs are real). The
 * converted changes carry a change on each 1 April where the factor changes.
 */
export function deflatedMember(member: ScenarioMember, model: Pick<CostModelSpec, 'priceBaseYear' | 'deflator'>, spec: Pick<ScenarioSpec, 'firstYear'>, factor: number): ScenarioMember {
  if (member.weeklyPrice === null) return member;
  const deflator = model.deflator;
  if (!member.priceChanges?.length || !deflator) return factor === 1 ? member : { ...member, weeklyPrice: member.weeklyPrice * factor };
  const firstYear = parseFinancialYear(spec.firstYear) as number;
  const last = member.priceChanges[member.priceChanges.length - 1].from;
  const [y, m] = last.split('-').map(Number);
  const lastYear = m >= 4 ? y : y - 1;
  const dated = deflateDatedPrice(member.weeklyPrice, member.priceChanges, `${firstYear}-04-01`, lastYear, (year) => toBaseFactor(deflator, model.priceBaseYear, year));
  const { priceChanges: _, ...rest } = member;
  return { ...rest, weeklyPrice: dated.weeklyPrice, ...(dated.changes.length > 0 ? { priceChanges: dated.changes } : {}) };
}

/** `now`: the day the records describe (today), for the placements earlier in the first year. */
export async function buildCohort(db: Kysely<Database>, plan: RunPlan, now: Date = new Date()): Promise<{ members: ScenarioMember[]; hash: string; priceFactor: number }> {
  const spec = plan.scenario.spec;
  // Checked again here, where the cohort is read: the job (or the CLI) may run after a team went.
  await checkCohortTeams(db, spec, 'scenario');
  const rows = await listCohortInputs(db, cohortBounds(spec, plan.model.model.spec.horizonAgeYears), { withEpisodes: true });
  const priceFactor = actualPriceFactor(plan.model.model.spec, spec);
  const recorded = cohortMembers(rows, spec, now.toISOString().slice(0, 10));
  const known = new Set(plan.model.model.spec.states.map((s) => s.id));
  const unknown = [...new Set(recorded.map((m) => m.state).filter((state) => !known.has(state)))].sort();
  if (unknown.length > 0) {
    throw new UnprocessableError(`Young people in the cohort are in states model ${plan.model.id} ${plan.model.version} does not have: ${unknown.join(', ')}`, [
      { field: 'scenario/cohort', reason: `selects people in states the model does not have (${unknown.join(', ')}): narrow careStates or use a model with them` },
    ]);
  }
  if (recorded.length === 0 && (spec.entrants ?? []).length === 0) throw emptyCohort();
  // The hash is of the records as held (who, and the prices paid); the engine gets the prices in base-year terms.
  const members = recorded.map((m) => deflatedMember(m, plan.model.model.spec, spec, priceFactor));
  return { members, hash: cohortHash(recorded), priceFactor };
}

function emptyCohort(): UnprocessableError {
  return new UnprocessableError('Nobody to project: no young people on record match the cohort filter and the scenario has no entrants', [
    { field: 'scenario/cohort', reason: 'matches no young people on record, and there are no entrants' },
  ]);
}

/** The stored inputs: the scenario exactly as run and the options, enough to run it again. */
interface StoredInputs {
  scenario: ScenarioSpec;
  origin: 'file' | 'api';
  file: string | null;
  runs: number;
  seed: number;
  parameterUncertainty: boolean;
  /** The factor applied to actual weekly prices (actualPriceFactor); absent in runs stored before prices were converted. */
  actualPriceFactor?: number;
  /**
   * True in runs that read the records' dated price changes (placement.priceChanges: each year
   * at the price in force, converted at that year's index); absent in runs stored before, which
   * charged the placement's start price every year. The money statement, written when the run is
   * read, says which rule the run used.
   */
  datedPrices?: true;
}

/**
 * Builds the cohort, prepares the scenario against its baseline and runs it through the
 * executor. Returns the row to store; nothing is written here.
 */
export async function executeScenarioRun(
  db: Kysely<Database>,
  executor: ScenarioExecutor,
  plan: RunPlan,
  runId: string,
  options: RunOptions & { jobId?: string | null; createdBy?: string | null; offload?: Pick<Offload, 'prepareScenario'> | undefined; now?: Date | undefined } = {},
): Promise<{ row: NewScenarioRunRow; result: ScenarioRunResult; cohortSize: number }> {
  const cohort = await buildCohort(db, plan, options.now);
  const spec = plan.scenario.spec;
  const baseKey = `${plan.model.id}@${plan.model.version}#${plan.model.hash}`;
  const prepareOptions = { baseKey, seed: plan.seed, runs: plan.runs };
  const prepared = options.offload
    ? await options.offload.prepareScenario(spec, plan.model.model.spec, cohort.members, prepareOptions)
    : prepareScenario(spec, plan.model.model.spec, cohort.members, prepareOptions);
  const core = await executor.run(prepared, runId, { signal: options.signal, onProgress: options.onProgress });
  const result: ScenarioRunResult = { ...core, planning: prepared.planning };
  const inputs: StoredInputs = { scenario: spec, origin: plan.scenario.origin, file: plan.scenario.file, runs: plan.runs, seed: plan.seed, parameterUncertainty: true, actualPriceFactor: cohort.priceFactor, datedPrices: true };
  return {
    result,
    cohortSize: cohort.members.length,
    row: {
      id: runId,
      scenario_id: spec.id,
      scenario_version: spec.version,
      scenario_hash: plan.scenario.hash,
      model_id: plan.model.id,
      model_version: plan.model.version,
      model_hash: plan.model.hash,
      seed: plan.seed,
      runs: plan.runs,
      cohort_hash: cohort.hash,
      cohort_size: cohort.members.length,
      software_version: softwareVersion,
      inputs: JSON.stringify(inputs),
      result: JSON.stringify(result),
      job_id: options.jobId ?? null,
      created_by: options.createdBy ?? null,
    },
  };
}

function changedFile(entry: ScenarioVersionEntry, storedHash: string): ConflictError {
  return new ConflictError(
    `${entry.file ? `scenarios/${entry.file}` : `Scenario ${entry.id}`} has changed since version ${entry.version} was first run (stored hash ${storedHash.slice(0, 12)}…, now ${entry.hash.slice(0, 12)}…): give the changed scenario a new version`,
    [{ field: 'scenario/version', reason: 'names content that has since changed' }],
  );
}

/**
 * Is the scenario version runnable as stored? A file version that was run before must still
 * have the content it had then; the first run of a file version records it.
 */
export async function checkStoredVersion(db: Kysely<Database>, entry: ScenarioVersionEntry): Promise<void> {
  const stored = await findScenarioVersion(db, entry.id, entry.version);
  if (stored && stored.hash !== entry.hash) throw changedFile(entry, stored.hash);
}

/** Writes a run (in the caller's transaction), recording a file scenario's version first. */
export async function persistScenarioRun(trx: Kysely<Database>, plan: RunPlan, row: NewScenarioRunRow): Promise<void> {
  const entry = plan.scenario;
  if (entry.origin === 'file') {
    const stored = await ensureScenarioVersion(trx, {
      id: entry.id,
      version: entry.version,
      spec: JSON.stringify(entry.spec),
      hash: entry.hash,
      origin: 'file',
      created_by: row.created_by ?? null,
    });
    if (stored.hash !== entry.hash) throw changedFile(entry, stored.hash);
  }
  await insertScenarioRun(trx, row);
}

export interface RunScenarioRequest extends RunChoice {
  version?: string | undefined;
}

/** runScenario: checks what can be checked at once, then runs as a job whose result is stored whole or not at all. */
export async function startScenarioRun(deps: ScenarioRunDeps, actor: Actor, id: string, request: RunScenarioRequest): Promise<{ job: JobRow; runId: string; seed: number }> {
  const entry = await findScenario(deps, id, request.version);
  const plan = planScenarioRun(deps.catalog, entry, request);
  await checkStoredVersion(deps.db, entry);
  const spec = entry.spec;
  await checkCohortTeams(deps.db, spec, 'scenario');
  if ((spec.entrants ?? []).length === 0) {
    // Answer at once rather than through a failed job when there is nobody to project.
    const rows = await listCohortInputs(deps.db, cohortBounds(spec, plan.model.model.spec.horizonAgeYears));
    if (rows.length === 0) throw emptyCohort();
  }
  const runId = randomUUID();
  const params = { scenarioId: spec.id, version: spec.version, runId, runs: plan.runs, seed: plan.seed, model: `${plan.model.id}@${plan.model.version}` };
  const job = await deps.jobs.submit({ kind: 'scenario_run', capability: 'aggregates:read', params, actor }, async (context) => {
    context.progress(0, 'building the cohort');
    const { row, cohortSize } = await executeScenarioRun(deps.db, deps.executor, plan, runId, {
      signal: context.signal,
      onProgress: (completed, total) => context.progress(completed / total, `${completed} of ${total} runs`),
      jobId: context.jobId,
      createdBy: actor.tokenId,
      offload: deps.offload,
    });
    return {
      resultType: 'scenario_run',
      resultId: runId,
      message: `scenario run stored (${cohortSize} young people on record, ${plan.runs} runs)`,
      persist: (trx) => persistScenarioRun(trx, plan, row),
    };
  });
  await appendAuditEvent(deps.db, actor, {
    action: 'scenario.run',
    resourceType: 'scenario_run',
    resourceId: runId,
    detail: { ...params, jobId: job.id, scenarioHash: entry.hash, modelHash: plan.model.hash },
  });
  return { job, runId, seed: plan.seed };
}

function runLinks(id: string, scenarioId: string, version: string) {
  return { self: `/v1/scenario-runs/${id}`, scenario: `/v1/scenarios/${scenarioId}?version=${version}`, compare: `/v1/scenario-runs/compare?ids=${id}` };
}

function modelRef(catalog: ModelCatalog, row: Pick<ScenarioRunRow, 'model_id' | 'model_version' | 'model_hash'>) {
  const entry = catalog.get(row.model_id, row.model_version);
  return { id: row.model_id, version: row.model_version, hash: row.model_hash, name: entry && entry.hash === row.model_hash ? entry.name : null };
}

/**
 * `viewer`: the role reading. Roles without individual access see the cohort size as the pack
 * shows it, and no headline for a cohort under the minimum (src/services/disclosure-view.ts).
 */
function summaryOf(catalog: ModelCatalog, row: ScenarioRunHeader, viewer: Role): ScenarioRunSummaryDto {
  const open = seesIndividuals(viewer);
  const showable = cohortShowable(viewer, { cohortSize: row.cohort_size, deliveredMeans: row.delivered_means });
  return {
    id: row.id,
    scenario: { id: row.scenario_id, version: row.scenario_version, name: row.scenario_name ?? row.scenario_id, hash: row.scenario_hash },
    model: modelRef(catalog, row),
    seed: Number(row.seed),
    runs: row.runs,
    cohort: { hash: row.cohort_hash, size: open ? row.cohort_size : (showCount(row.cohort_size) as number | '<5') },
    softwareVersion: row.software_version,
    jobId: row.job_id,
    createdAt: new Date(row.created_at).toISOString(),
    headline: showable
      ? { netPresentValueMean: row.npv_mean, probabilityBenefitsExceedCosts: row.probability_benefits_exceed_costs }
      : { netPresentValueMean: null, probabilityBenefitsExceedCosts: null },
    links: runLinks(row.id, row.scenario_id, row.scenario_version),
  };
}

/**
 * A scenario run's money statement, in the shape projections carry (moneyBasis): the model's
 * currency and price base, its discount schedule (the scenario's present values use it, year 0
 * the first planning year), the two bases, and the conversion of the cohort's actual weekly prices
 * to the model's base-year prices (`conversion`: the first planning year and its factor, see
 * actualPriceFactor). Runs stored before prices were converted have none: the deflator then says
 * nothing was converted. `datedPrices` (with the run's `years` of lifetime): the run read the
 * records' dated price changes, which are converted at the index of the year they apply in, so
 * every year's factor is listed; without it (runs stored before 2 December 2026) the start price
 * was charged every year at the first year's factor, and the statement says so.
 */
export function scenarioMoney(
  spec: Pick<CostModelSpec, 'currency' | 'priceBaseYear' | 'deflator' | 'discounting'>,
  conversion?: { firstYear: string; factor: number; datedPrices?: boolean; years?: number },
): ScenarioRunDto['money'] {
  const basis = moneyBasis(spec, [...spec.discounting.periods].sort((a, b) => a.fromYear - b.fromYear));
  if (conversion) {
    const deflator = spec.deflator;
    const first = parseFinancialYear(conversion.firstYear) as number;
    const factors =
      conversion.datedPrices && deflator
        ? Array.from({ length: Math.max(1, conversion.years ?? 1) }, (_, k) => ({
            financialYear: financialYearLabel(first + k),
            factor: Math.round((k === 0 ? conversion.factor : toBaseFactor(deflator, spec.priceBaseYear, first + k)) * 1e6) / 1e6,
          }))
        : [{ financialYear: conversion.firstYear, factor: Math.round(conversion.factor * 1e6) / 1e6 }];
    const held = `Young people's actual weekly prices, cash of ${conversion.firstYear} (the first planning year), are converted to ${spec.priceBaseYear} prices with the model's GDP deflator and then held constant in real terms, as the model's own costs are;`;
    const dated = conversion.datedPrices
      ? ` a record's dated price changes after 1 April of that year are cash of the year they apply in, converted at that year's index (factors by year as listed), and held constant in real terms after the last;`
      : ' this run was stored before scenario runs read dated price changes: each placement was charged its price as first recorded, every year;';
    return {
      ...basis,
      deflator: {
        ...basis.deflator,
        appliedTo: 'actual prices',
        factors,
        statement: deflator
          ? `${held}${dated} the strategy's prices are written in ${spec.priceBaseYear} prices and used as given.`
          : `The model has no deflator: actual weekly prices are used as given, as if paid in ${spec.priceBaseYear} prices.${conversion.datedPrices ? '' : ' This run was stored before scenario runs read dated price changes: each placement was charged its price as first recorded, every year.'}`,
      },
    };
  }
  return {
    ...basis,
    deflator: {
      ...basis.deflator,
      appliedTo: 'nothing',
      factors: [],
      statement: `This run was stored before scenario runs converted prices: the model’s costs are in ${spec.priceBaseYear} prices, and a young person’s actual weekly price and the strategy’s commissioned prices are used as given (a known gap: in later years they are cash, not ${spec.priceBaseYear} prices).`,
    },
  };
}

/** The appraisal convention a stored run followed: runs stored before conventions were stated followed a closed cohort. */
export function conventionOf(result: Partial<Pick<ScenarioRunResult, 'appraisal'>>): string {
  return result.appraisal?.convention ?? 'closed_cohort';
}

/** A stored run as `viewer` may read it: refused (403) or protected for roles without individual access. */
function runDto(catalog: ModelCatalog, row: ScenarioRunRow, viewer: Role): ScenarioRunDto {
  checkCohortShowable(viewer, runGateFacts(row));
  const inputs = row.inputs as unknown as StoredInputs;
  const stored = scenarioResultView(row.result as unknown as ScenarioRunResult);
  const result = seesIndividuals(viewer) ? stored : protectRunResult(stored, runModelSpec(catalog, row), inputs.scenario);
  const spec = inputs.scenario;
  const model = runModelSpec(catalog, row);
  return roundAnswer({
    ...summaryOf(catalog, {
      ...row,
      delivered_means: runGateFacts(row).deliveredMeans,
      scenario_name: spec.name,
      npv_mean: stored.investToSave.netPresentValue.mean,
      probability_benefits_exceed_costs: stored.investToSave.probabilityBenefitsExceedCosts,
    }, viewer),
    inputs: {
      firstYear: spec.firstYear,
      planningYears: spec.planningYears ?? 5,
      lifetimeYears: spec.lifetimeYears ?? 20,
      cohortFilter: spec.cohort as Record<string, unknown>,
      entrantBands: (spec.entrants ?? []).length,
      strategy: spec.strategy.name,
      parameterUncertainty: inputs.parameterUncertainty,
      scenario: spec as unknown as Record<string, unknown>,
    },
    money: model
      ? scenarioMoney(
          model,
          inputs.actualPriceFactor === undefined
            ? undefined
            : { firstYear: spec.firstYear, factor: inputs.actualPriceFactor, ...(inputs.datedPrices ? { datedPrices: true, years: spec.lifetimeYears ?? 20 } : {}) },
        )
      : null,
    result,
  });
}

/** The run's cost model, when the catalog still holds the version it ran (the hash must match). */
function runModelSpec(catalog: ModelCatalog, row: Pick<ScenarioRunRow, 'model_id' | 'model_version' | 'model_hash'>) {
  const entry = catalog.get(row.model_id, row.model_version);
  return entry && entry.hash === row.model_hash ? entry.model.spec : undefined;
}

export async function getScenarioRun(deps: Pick<ScenarioDeps, 'db' | 'catalog'>, id: string, viewer: Role): Promise<ScenarioRunDto> {
  const row = await findScenarioRun(deps.db, id);
  if (!row) throw new NotFoundError('Scenario run', id);
  return runDto(deps.catalog, row, viewer);
}

export async function listScenarioRunsPage(
  deps: Pick<ScenarioDeps, 'db' | 'catalog'>,
  query: { scenario?: string | undefined; version?: string | undefined; team?: string | undefined; limit: number; offset: number },
  viewer: Role,
) {
  const team = query.team?.toLowerCase();
  // An unknown team is a mistake, not a team without runs: 422 naming the filter, as GET
  // /v1/young-people?team= answers. Known means a team today or one a stored run names (a team
  // deleted since keeps its runs findable; deleting a team does not look at scenarios).
  if (team !== undefined && team !== 'none' && !(await findTeamById(deps.db, team)) && (await countRunsNamingTeam(deps.db, team)) === 0) {
    throw new UnprocessableError(`Team ${query.team} does not exist`, [{ field: 'querystring/team', reason: 'names no team' }]);
  }
  const page = await listScenarioRuns(deps.db, { scenarioId: query.scenario, scenarioVersion: query.version, team, limit: query.limit, offset: query.offset });
  return roundAnswer({ items: page.items.map((row) => summaryOf(deps.catalog, row, viewer)), total: page.total, limit: query.limit, offset: query.offset });
}

type Range = { mean: number; p10: number; p90: number };
const range = (s: Summary | Band) => ({ mean: s.mean, p10: s.p10, p90: s.p90 });

type CountRange = { mean: number | '<5' | 'c'; p10: number | '<5' | 'c'; p90: number | '<5' | 'c' };
/** The headline with its figures as computed (numbers); the DTO also admits hidden counts. */
export type HeadlineFigures = Omit<ScenarioHeadlineDto, 'inCareByYear'> & { inCareByYear: Array<{ financialYear: string; baseline: Range; strategy: Range }> };

/** The figures a commissioner reads first, with best (P10) and worst (P90) cases beside the mean. */
export function scenarioHeadline(core: ScenarioResultCore, topInputs = 5): HeadlineFigures {
  const result = scenarioResultView(core);
  const its = result.investToSave;
  return {
    spendByYear: result.spend.byYear.map((y) => ({ financialYear: y.financialYear, baseline: range(y.baseline), strategy: range(y.strategy), saving: range(y.saving) })),
    planningTotal: { baseline: range(result.spend.planningTotal.baseline), strategy: range(result.spend.planningTotal.strategy), saving: range(result.spend.planningTotal.saving) },
    netPresentValue: range(its.netPresentValue),
    benefitCostRatio: its.benefitCostRatio,
    returnOnInvestment: its.returnOnInvestment,
    benefitCostRatioSpread: its.ratioSpreadOverRuns.benefitCostRatio ? range(its.ratioSpreadOverRuns.benefitCostRatio) : null,
    probabilityBenefitsExceedCosts: its.probabilityBenefitsExceedCosts,
    payback: { medianYear: its.payback.medianYear, probabilityNever: its.payback.probabilityNever },
    cashableBenefits: range(its.cashableBenefits),
    nonCashableBenefits: range(its.nonCashableBenefits),
    inCareByYear: result.inCare.map((y) => ({ financialYear: y.financialYear, baseline: range(y.baseline), strategy: range(y.strategy) })),
    topSensitivity: result.sensitivity.slice(0, topInputs).map((s) => ({ parameter: s.parameter, label: s.label, rankCorrelation: s.rankCorrelation, npvWhenLow: s.npvWhenLow, npvWhenHigh: s.npvWhenHigh })),
  };
}

/** A difference of counts: hidden ("c") where either side is hidden, so it cannot undo the hiding. */
const countMinus = (a: CountRange, b: CountRange): CountRange => {
  const d = (x: CountRange['mean'], y: CountRange['mean']) => (typeof x === 'number' && typeof y === 'number' ? x - y : 'c');
  return { mean: d(a.mean, b.mean), p10: d(a.p10, b.p10), p90: d(a.p90, b.p90) };
};
const minus = (a: Range, b: Range): Range => ({ mean: a.mean - b.mean, p10: a.p10 - b.p10, p90: a.p90 - b.p90 });

/** Parses "a,b,c": two or more distinct run ids. */
export function parseRunIds(ids: string): string[] {
  const list = ids.split(',').map((id) => id.trim().toLowerCase());
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const errors: FieldError[] = list.flatMap((id, k) => (uuid.test(id) ? [] : [{ field: 'querystring/ids', reason: `item ${k + 1} is not a run id (a UUID)` }]));
  if (new Set(list).size !== list.length) errors.push({ field: 'querystring/ids', reason: 'names a run twice' });
  if (list.length < 2) errors.push({ field: 'querystring/ids', reason: 'needs at least two run ids' });
  if (errors.length > 0) throw new BadRequestError('ids must be two or more distinct run ids, comma-separated', errors);
  return list;
}

/**
 * compareScenarioRuns: the headline of each run side by side, and each run's differences from
 * the first. Runs over different cohorts answer different questions, so they are compared only
 * when the caller says so.
 */
export async function compareScenarioRuns(deps: Pick<ScenarioDeps, 'db' | 'catalog'>, ids: string[], allowDifferentCohorts: boolean, viewer: Role): Promise<ScenarioRunComparisonDto> {
  const rows = await findScenarioRuns(deps.db, ids);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new NotFoundError(missing.length === 1 ? 'Scenario run' : 'Scenario runs', missing.join(', '), 'querystring/ids');
  const ordered = ids.map((id) => byId.get(id) as ScenarioRunRow);
  checkRunsShowable(viewer, ordered.map(runGateFacts));
  const open = seesIndividuals(viewer);
  const sameCohort = ordered.every((row) => row.cohort_hash === ordered[0].cohort_hash);
  if (!sameCohort && !allowDifferentCohorts) {
    throw new ConflictError('These runs projected different cohorts (their cohort hashes differ), so their differences mix the strategy with the people; pass allowDifferentCohorts=true to compare them anyway', [
      { field: 'querystring/ids', reason: `cohorts differ: ${ordered.map((row) => `${row.id} ${row.cohort_hash.slice(0, 12)}… (${open ? row.cohort_size : showCount(row.cohort_size)})`).join('; ')}` },
    ]);
  }
  const warnings = conventionWarnings(deps.catalog, ordered);
  const runs = ordered.map((row) => {
    const dto = runDto(deps.catalog, row, viewer);
    const headline = scenarioHeadline(row.result as unknown as ScenarioRunResult);
    // The looked-after counts as the viewer may see them (protected with the rest of the run).
    const shownInCare = new Map(dto.result.inCare.map((y) => [y.financialYear, y]));
    const inCareByYear = open
      ? headline.inCareByYear
      : headline.inCareByYear.map((y) => {
          const shown = shownInCare.get(y.financialYear);
          const pick = (band: Record<string, number | string> | undefined): CountRange => ({
            mean: (band?.mean ?? 'c') as CountRange['mean'],
            p10: (band?.p10 ?? 'c') as CountRange['p10'],
            p90: (band?.p90 ?? 'c') as CountRange['p90'],
          });
          return { financialYear: y.financialYear, baseline: pick(shown?.baseline), strategy: pick(shown?.strategy) };
        });
    return {
      id: dto.id,
      scenario: dto.scenario,
      model: dto.model,
      seed: dto.seed,
      runs: dto.runs,
      cohort: dto.cohort,
      createdAt: dto.createdAt,
      appraisal: conventionOf(row.result as unknown as ScenarioRunResult),
      money: dto.money,
      // How each strategy is paid for, side by side (issue 16): as the pack shows it to roles
      // without individual access (money for a group of fewer than 5 children withheld), as computed to the others.
      funding: fundingView(
        scenarioResultView(row.result as unknown as ScenarioRunResult).funding,
        open ? { pool: null, contracts: [] } : fundingDisclosure(row.result as unknown as ScenarioRunResult, (row.inputs as unknown as StoredInputs).scenario, runModelSpec(deps.catalog, row)),
      ),
      figures: headline,
      headline: { ...headline, inCareByYear },
    };
  });
  const first = runs[0];
  const differences = runs.slice(1).map((run) => {
    const firstYears = new Map(first.headline.spendByYear.map((y) => [y.financialYear, y]));
    const firstInCare = new Map(first.headline.inCareByYear.map((y) => [y.financialYear, y]));
    const h = run.figures;
    const f = first.figures;
    return {
      run: run.id,
      against: first.id,
      spendByYear: h.spendByYear.flatMap((y) => {
        const other = firstYears.get(y.financialYear);
        return other ? [{ financialYear: y.financialYear, baseline: minus(y.baseline, other.baseline), strategy: minus(y.strategy, other.strategy), saving: minus(y.saving, other.saving) }] : [];
      }),
      planningTotal: {
        baseline: minus(h.planningTotal.baseline, f.planningTotal.baseline),
        strategy: minus(h.planningTotal.strategy, f.planningTotal.strategy),
        saving: minus(h.planningTotal.saving, f.planningTotal.saving),
      },
      netPresentValue: minus(h.netPresentValue, f.netPresentValue),
      benefitCostRatio: h.benefitCostRatio !== null && f.benefitCostRatio !== null ? h.benefitCostRatio - f.benefitCostRatio : null,
      probabilityBenefitsExceedCosts: h.probabilityBenefitsExceedCosts - f.probabilityBenefitsExceedCosts,
      inCareByYear: run.headline.inCareByYear.flatMap((y) => {
        const other = firstInCare.get(y.financialYear);
        return other ? [{ financialYear: y.financialYear, baseline: countMinus(y.baseline, other.baseline), strategy: countMinus(y.strategy, other.strategy) }] : [];
      }),
    };
  });
  return roundAnswer({
    runs: runs.map(({ figures: _figures, ...run }) => run),
    warnings,
    sameCohort,
    sameSeed: sameCohort && ordered.every((row) => Number(row.seed) === Number(ordered[0].seed)),
    differences,
  });
}

/**
 * What differs in method between stored runs compared side by side (src/finance/conventions.ts):
 * warnings for different appraisal conventions, price bases or discount rates; runs in different
 * currencies cannot be subtracted at all, so they answer 422 naming the runs.
 */
export function conventionWarnings(catalog: ModelCatalog, rows: readonly ScenarioRunRow[]): ConventionWarning[] {
  const methods = rows.map((row) => ({ label: `${row.id.slice(0, 8)}…`, appraisal: conventionOf(row.result as unknown as ScenarioRunResult), model: runModelSpec(catalog, row) }));
  const { warnings, currencies } = conventionDifferences(methods);
  if (currencies) {
    throw new UnprocessableError(`These runs are in different currencies (${currencies.join(', ')}): their differences mean nothing`, [
      { field: 'querystring/ids', reason: `currencies differ: ${methods.map((m) => `${m.label} ${m.model?.currency ?? 'unknown'}`).join('; ')}` },
    ]);
  }
  return warnings;
}
