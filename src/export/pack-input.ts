import type { CostModelSpec } from '../catalog/model-schema.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import { AGENCY_LABELS, type Agency } from '../catalog/vocabulary.ts';
import type { PackScorecard } from './scorecard-sheet.ts';
import type { ScenarioResultCore } from '../simulation/scenario-fold.ts';

/**
 * What a scenario pack is built from: stored scenario runs with the scenario and model they
 * ran, exactly as stored. The pack builder is pure: the same input gives the same pack.
 */
export interface PackRun {
  runId: string;
  /** When the run was stored (ISO 8601). */
  createdAt: string;
  scenario: { id: string; version: string; hash: string; spec: ScenarioSpec };
  model: { id: string; version: string; hash: string; spec: CostModelSpec };
  seed: number;
  runs: number;
  /** The cohort simulated: a hash of its members' numeric inputs and how many there were. */
  cohort: { hash: string; size: number };
  softwareVersion: string;
  /** The run's stored inputs (the scenario as run and the run options). */
  inputs: Record<string, unknown>;
  result: ScenarioResultCore;
}

export interface PackInput {
  runs: PackRun[];
  /** Fixed by the caller so the same input always gives the same pack. */
  createdAt: Date;
  software: { name: string; version: string };
  /** The caller said the runs simulated different cohorts and asked for them side by side anyway. */
  differentCohortsAcknowledged?: boolean;
  /** The balanced scorecard as the board reads it (GET /v1/scorecard, protected), at the latest quarter end on or before the export date: a Scorecard sheet. */
  scorecard?: PackScorecard;
}

/** A run's name for column headers and headings: the scenario's name and the run id's first 8 characters. */
export function runLabel(run: PackRun): string {
  return `${run.scenario.spec.name} [${run.runId.slice(0, 8)}]`;
}

export function agencyLabel(agency: string): string {
  return AGENCY_LABELS[agency as Agency] ?? agency;
}

export function stateLabel(model: CostModelSpec, state: string): string {
  return model.states.find((s) => s.id === state)?.label ?? state;
}

export function interventionLabel(model: CostModelSpec, id: string): string {
  return model.interventions?.find((iv) => iv.id === id)?.label ?? id;
}

/** The financial year after the last planning year began: counts are at 31 March of a year's end. */
export function yearEndDate(financialYear: string): string {
  return `31 March ${Number(financialYear.slice(0, 4)) + 1}`;
}
