import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CostModelSpec } from '../catalog/model-schema.ts';
import { projectRoot } from '../config/index.ts';
import type { CohortPerson } from '../simulation/cohort.ts';
import type { SimulationModel } from '../simulation/model.ts';
import type { ScenarioMember } from '../simulation/scenario.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import type { EnginePlan, ProjectionRequest } from '../simulation/projection.ts';
import { keyedStream } from '../simulation/random.ts';

/** Workloads shared by the benchmark figures: fixed, seeded, and close to real use. */

/**
 * A worked scenario (a JSON file under scenarios/, sized for a borough of 400) scaled to `people`
 * young people: entrants by people / 400, places and added places the same, rounded to whole
 * places; and the synthetic cohort of that size as the scenario engine's members. The shared
 * setup of scenario-bench.ts, places-runs.ts and prepare-bench.ts, so their figures compare.
 */
export function scaledScenarioWorkload(file: string, model: SimulationModel, people: number): { scenario: ScenarioSpec; members: ScenarioMember[] } {
  const scenario: ScenarioSpec = JSON.parse(readFileSync(path.resolve(projectRoot, file), 'utf8'));
  const scale = people / 400;
  for (const band of scenario.entrants ?? []) {
    band.population = Array.isArray(band.population) ? band.population.map((p) => p * scale) : band.population * scale;
  }
  for (const limit of scenario.capacity ?? []) limit.places = typeof limit.places === 'number' ? Math.round(limit.places * scale) : limit.places;
  for (const change of scenario.strategy.capacityChanges ?? []) {
    change.additionalPlaces = Array.isArray(change.additionalPlaces) ? change.additionalPlaces.map((p) => Math.round(p * scale)) : change.additionalPlaces;
  }
  const members = syntheticCohort(model, people).map((p) => ({ ageMonths: p.ageMonths, state: model.stateIds[p.startState], weeklyPrice: p.currentPlacementWeeklyPrice }));
  return { scenario, members };
}

export function defaultModelSpec(): CostModelSpec {
  return JSON.parse(readFileSync(path.join(projectRoot, 'models/england-default.json'), 'utf8'));
}

export function modelKey(spec: CostModelSpec): string {
  return `${spec.id}@${spec.version}`;
}

const index = (model: SimulationModel, id: string) => {
  const i = model.stateIds.indexOf(id);
  if (i < 0) throw new Error(`the default model has no state ${id}`);
  return i;
};

/** A synthetic caseload: ages 0-24 weighted to adolescents, states spread as in a real borough. */
export function syntheticCohort(model: SimulationModel, size: number, seed = 2026): CohortPerson[] {
  const rng = keyedStream(seed, 99);
  const young = ['early_help', 'edge_of_care', 'cin_cp', 'kinship_foster', 'inhouse_foster', 'ifa_foster', 'residential', 'supported_accommodation'];
  const leaver = ['staying_put', 'supported_lodgings', 'independent_eet', 'independent_neet'];
  return Array.from({ length: size }, (_, key) => {
    const isLeaver = rng.nextDouble() < 0.25;
    const ageMonths = isLeaver ? 18 * 12 + Math.floor(rng.nextDouble() * 6 * 12) : 5 * 12 + Math.floor(rng.nextDouble() * 11 * 12);
    let stateId = isLeaver ? leaver[Math.floor(rng.nextDouble() * leaver.length)] : young[Math.floor(rng.nextDouble() * young.length)];
    if (stateId === 'supported_accommodation' && ageMonths < 16 * 12) stateId = 'ifa_foster';
    const startState = index(model, stateId);
    return {
      ageMonths,
      startState,
      key,
      currentPlacementWeeklyPrice: model.isPlacement[startState] ? Math.round(500 + rng.nextDouble() * 6000) : null,
      plans: [{ moves: [], interventions: [] }],
    };
  });
}

/**
 * The reference case: a 14-year-old in residential care at an actual £6,800 a week,
 * three plans to 25: stay; step down to in-house foster care with therapeutic support at
 * month 3; step down to supported accommodation at 16.
 */
export function threePlanRequest(model: SimulationModel): ProjectionRequest {
  const residential = index(model, 'residential');
  const stay: EnginePlan = { startState: residential, moves: [], interventions: [], statePrices: [], currentPlacementWeeklyPrice: 6800 };
  const therapy = model.interventions.findIndex((iv) => iv.id === 'therapeutic_step_down');
  return {
    clock: { startYear: 2026, startMonth: 11 },
    ageMonths: 14 * 12,
    plans: [
      stay,
      {
        ...stay,
        moves: [{ month: 3, to: index(model, 'inhouse_foster'), fromStates: null }],
        interventions: therapy >= 0 ? [{ intervention: therapy, startMonth: 3 }] : [],
      },
      { ...stay, moves: [{ month: 24, to: index(model, 'supported_accommodation'), fromStates: null }] },
    ],
    parameterUncertainty: true,
  };
}
