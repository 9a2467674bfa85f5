import type { Kysely } from 'kysely';
import type { ModelCatalog } from '../catalog/catalog.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import { softwareVersion } from '../config/version.ts';
import { type Actor, appendAuditEvent } from '../db/repositories/audit.ts';
import { findScenarioRuns } from '../db/repositories/scenarios.ts';
import type { Database, ScenarioRunRow } from '../db/schema.ts';
import type { Chart } from '../export/charts.ts';
import type { FundingView } from '../export/funding.ts';
import { type ShownCount, showCount } from '../export/disclosure.ts';
import type { Role } from './access-control.ts';
import { getScorecard, latestQuarterEnd, type ScorecardCompute } from './scorecard.ts';
import { isoDay } from './young-people.ts';
import { checkRunsShowable, runGateFacts } from './disclosure-view.ts';
import { sha256Hex } from '../export/manifest.ts';
import { buildScenarioPack, MAX_PACK_RUNS, packContent, type ScenarioPack } from '../export/pack.ts';
import { type PackInput, type PackRun, runLabel } from '../export/pack-input.ts';
import { type Cell, projectedOutcomeRows } from '../export/tables.ts';
import { scenarioResultView } from '../finance/scenario-view.ts';
import type { ScenarioResultCore } from '../simulation/scenario-fold.ts';
import { BadRequestError, ConflictError, type FieldError, NotFoundError } from './errors.ts';

/**
 * exportScenarioPack and the comparison page's view of stored scenario runs: the runs read
 * whole (with the model version they ran on, checked by its hash), packed by src/export, and
 * every export audited. Packs hold aggregates only.
 */

export interface PackDeps {
  db: Kysely<Database>;
  catalog: ModelCatalog;
  /** Renders the pack; off the request thread in the service (src/services/offload.ts). */
  render?: (input: PackInput) => Promise<ScenarioPack>;
  /** Works out the pack's scorecard (its disclosure protection); off the request thread in the service. */
  scorecard?: ScorecardCompute;
  /** The borough's "records complete from" day for the scorecard's history (config RECORDS_COMPLETE_FROM); null or absent: worked out. */
  recordsCompleteFrom?: string | null;
}

export interface PackRequest {
  runIds: string[];
  allowDifferentCohorts: boolean;
  /** The role asking: roles without individual access are refused runs over small cohorts. */
  viewer?: Role;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Parses "a,b": one to MAX_PACK_RUNS distinct run ids. */
export function parsePackRunIds(list: string, field: string): string[] {
  const ids = list.split(',').map((id) => id.trim().toLowerCase());
  const errors: FieldError[] = ids.flatMap((id, k) => (UUID.test(id) ? [] : [{ field, reason: `item ${k + 1} is not a run id (a UUID)` }]));
  if (new Set(ids).size !== ids.length) errors.push({ field, reason: 'names a run twice' });
  if (ids.length > MAX_PACK_RUNS) errors.push({ field, reason: `at most ${MAX_PACK_RUNS} runs side by side` });
  if (errors.length > 0) throw new BadRequestError(`runs must be 1 to ${MAX_PACK_RUNS} distinct run ids, comma-separated`, errors);
  return ids;
}

function packRunOf(catalog: ModelCatalog, row: ScenarioRunRow): PackRun {
  const entry = catalog.get(row.model_id, row.model_version);
  if (!entry || entry.hash !== row.model_hash) {
    throw new ConflictError(`Run ${row.id} ran on model ${row.model_id} ${row.model_version}, which the catalog no longer holds with the same content: its pack cannot list the model's assumptions`, [
      { field: 'runIds', reason: `model ${row.model_id} ${row.model_version} (sha256 ${row.model_hash.slice(0, 12)}…) is not in the catalog` },
    ]);
  }
  const inputs = row.inputs as { scenario: ScenarioSpec };
  return {
    runId: row.id,
    createdAt: new Date(row.created_at).toISOString(),
    scenario: { id: row.scenario_id, version: row.scenario_version, hash: row.scenario_hash, spec: inputs.scenario },
    model: { id: row.model_id, version: row.model_version, hash: row.model_hash, spec: entry.model.spec },
    seed: Number(row.seed),
    runs: row.runs,
    cohort: { hash: row.cohort_hash, size: row.cohort_size },
    softwareVersion: row.software_version,
    inputs: row.inputs,
    result: row.result as unknown as ScenarioResultCore,
  };
}

/**
 * The runs, in the order asked. Runs over different cohorts answer different questions: side
 * by side only when the caller says so (409 otherwise), and the pack then says it too.
 */
export async function loadPackInput(deps: PackDeps, request: PackRequest, createdAt: Date): Promise<PackInput> {
  const rows = await findScenarioRuns(deps.db, request.runIds);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = request.runIds.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new NotFoundError(missing.length === 1 ? 'Scenario run' : 'Scenario runs', missing.join(', '), 'body/runIds');
  const ordered = request.runIds.map((id) => byId.get(id) as ScenarioRunRow);
  if (request.viewer) checkRunsShowable(request.viewer, ordered.map(runGateFacts));
  const differentCohorts = ordered.some((row) => row.cohort_hash !== ordered[0].cohort_hash);
  if (differentCohorts && !request.allowDifferentCohorts) {
    throw new ConflictError(
      'These runs projected different cohorts (their cohort hashes differ), so side by side they mix the strategies with the people; set allowDifferentCohorts to put them in one pack anyway',
      [{ field: 'runIds', reason: `cohorts differ: ${ordered.map((row) => `${row.id} ${row.cohort_hash.slice(0, 12)}…`).join('; ')}` }],
    );
  }
  return {
    runs: ordered.map((row) => packRunOf(deps.catalog, row)),
    createdAt,
    software: { name: 'pathcast', version: softwareVersion },
    differentCohortsAcknowledged: differentCohorts,
  };
}

/**
 * The balanced scorecard for the pack: GET /v1/scorecard's answer as the board reads it, whoever
 * exports. A pack is the same for every role and is made to be passed on (to the programme
 * board), so its scorecard follows the small-numbers rule like every other count in it: read at
 * the latest quarter end on or before the export day (whole quarters only: packs exported on
 * consecutive days must not be differenced into one day's events), eight quarters, protected as
 * one set with the board's other answers of that day (`today`).
 */
export async function packScorecard(db: Kysely<Database>, now: Date, compute?: ScorecardCompute, recordsCompleteFrom: string | null = null) {
  return getScorecard(db, { asOf: latestQuarterEnd(isoDay(now)), quarters: 8, protect: true, today: isoDay(now), recordsCompleteFrom }, compute);
}

/** exportScenarioPack: builds the zip and audits who exported which runs (ids and hashes only). */
export async function exportScenarioPack(deps: PackDeps, actor: Actor, request: PackRequest, now: Date): Promise<ScenarioPack> {
  const input = { ...(await loadPackInput(deps, request, now)), scorecard: await packScorecard(deps.db, now, deps.scorecard, deps.recordsCompleteFrom ?? null) };
  const pack = await (deps.render ?? buildScenarioPack)(input);
  await appendAuditEvent(deps.db, actor, {
    action: 'pack.export',
    resourceType: 'scenario_pack',
    resourceId: null,
    detail: {
      runIds: request.runIds,
      differentCohorts: input.differentCohortsAcknowledged ?? false,
      fileName: pack.fileName,
      bytes: pack.zip.byteLength,
      sha256: sha256Hex(pack.zip),
    },
  });
  return pack;
}

export interface PackPreviewRun {
  id: string;
  label: string;
  scenario: { id: string; version: string; name: string; strategy: string };
  model: { id: string; version: string };
  seed: number;
  runs: number;
  cohort: { hash: string; size: ShownCount };
  firstYear: string;
  lastPlanningYear: string;
  netPresentValue: { best: number; expected: number; worst: number };
  planningSaving: { best: number; expected: number; worst: number };
  probabilityBenefitsExceedCosts: number;
  paybackMedianYear: string | null;
  findings: string[];
  /** How the strategy is paid for, as the pack shows it (disclosure rule applied); null without funding. */
  funding: FundingView | null;
  /** The pack's Projected outcomes rows for this run (shares 0 to 1; null where withheld or not computed). */
  projectedOutcomes: Array<{ financialYear: string; measure: string; label: string; baseline: ShareCells; strategy: ShareCells; difference: ShareCells }>;
}

type ShareCells = { mean: number | null; p10: number | null; p90: number | null };
const shareCells = (cells: Cell[]): ShareCells => {
  const [mean, p10, p90] = cells.map((c) => (typeof c === 'number' ? c : null));
  return { mean, p10, p90 };
};

export interface PackPreview {
  runs: PackPreviewRun[];
  differentCohorts: boolean;
  comparison: string[];
  charts: Array<Chart & { runId: string | null }>;
}

/** What the comparison page shows of some runs: the pack's figures, findings and charts, nothing more. */
export async function previewScenarioPack(deps: PackDeps, request: PackRequest, now: Date): Promise<PackPreview> {
  const input = await loadPackInput(deps, request, now);
  const content = await packContent(input);
  return {
    runs: input.runs.map((run, k) => {
      const npv = run.result.investToSave.netPresentValue;
      const saving = run.result.spend.planningTotal.saving;
      const years = run.result.spend.byYear;
      return {
        id: run.runId,
        label: runLabel(run),
        scenario: { id: run.scenario.id, version: run.scenario.version, name: run.scenario.spec.name, strategy: run.scenario.spec.strategy.name },
        model: { id: run.model.id, version: run.model.version },
        seed: run.seed,
        runs: run.runs,
        cohort: { hash: run.cohort.hash, size: showCount(run.cohort.size) },
        firstYear: years[0]?.financialYear ?? run.result.firstYear,
        lastPlanningYear: years[years.length - 1]?.financialYear ?? run.result.firstYear,
        // For money saved, higher is better: the best case is the 90th percentile.
        netPresentValue: { best: npv.p90, expected: npv.mean, worst: npv.p10 },
        planningSaving: { best: saving.p90, expected: saving.mean, worst: saving.p10 },
        probabilityBenefitsExceedCosts: run.result.investToSave.probabilityBenefitsExceedCosts,
        paybackMedianYear: run.result.investToSave.payback.medianYear,
        findings: content.findings[k].sentences,
        funding: content.funding[k],
        // As the sheet holds them: the answer's figures, rounded at the edge.
        projectedOutcomes: projectedOutcomeRows({ ...run, result: scenarioResultView(run.result) }).map((r) => ({
          financialYear: r.financialYear,
          measure: r.measure,
          label: r.label,
          baseline: shareCells(r.baseline),
          strategy: shareCells(r.strategy),
          difference: shareCells(r.difference),
        })),
      };
    }),
    differentCohorts: input.differentCohortsAcknowledged ?? false,
    comparison: content.comparison,
    charts: [{ ...content.overview, runId: null }, ...content.byRun.flatMap((charts, k) => charts.map((chart) => ({ ...chart, runId: input.runs[k].runId })))],
  };
}
