import { readFileSync } from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import { projectRoot } from '../config/index.ts';
import { compileModel } from '../simulation/model.ts';
import { SimulationPool } from '../simulation/pool.ts';
import { type ScenarioMember, prepareScenario } from '../simulation/scenario.ts';
import { defaultModelSpec, syntheticCohort } from './workloads.ts';

/**
 * The scenario benchmark: a synthetic borough of `people` young people, 2,000 runs, a five-year
 * planning horizon plus a 20-year lifetime horizon for invest-to-save, under the in-house foster
 * recruitment scenario (capacity limits, rate changes, new entrants scaled to the cohort), on
 * every core. Returns the wall time (preparing included) and the process's peak resident memory
 * (worker threads included: they share the process).
 */
export async function scenarioBench(people: number, runs = 2000): Promise<{ seconds: number; peakRssMib: number }> {
  const spec = defaultModelSpec();
  const model = compileModel(spec);
  const scenario: ScenarioSpec = JSON.parse(readFileSync(path.join(projectRoot, 'scenarios/inhouse-foster-recruitment.json'), 'utf8'));
  // The worked scenario is sized for a borough of 400: scale entrants and places with the cohort.
  const scale = people / 400;
  for (const band of scenario.entrants ?? []) {
    band.population = Array.isArray(band.population) ? band.population.map((p) => p * scale) : band.population * scale;
  }
  for (const limit of scenario.capacity ?? []) limit.places = typeof limit.places === 'number' ? Math.round(limit.places * scale) : limit.places;
  for (const change of scenario.strategy.capacityChanges ?? []) {
    change.additionalPlaces = Array.isArray(change.additionalPlaces) ? change.additionalPlaces.map((p) => Math.round(p * scale)) : change.additionalPlaces;
  }
  const members: ScenarioMember[] = syntheticCohort(model, people).map((p) => ({
    ageMonths: p.ageMonths,
    state: model.stateIds[p.startState],
    weeklyPrice: p.currentPlacementWeeklyPrice,
  }));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const pool = new SimulationPool(availableParallelism());
  try {
    const t0 = performance.now();
    const prepared = prepareScenario(scenario, spec, members, { baseKey: `${spec.id}@${spec.version}`, seed: 1, runs });
    await pool.scenario(prepared);
    const seconds = (performance.now() - t0) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { seconds, peakRssMib: peak / 1_048_576 };
  } finally {
    clearInterval(timer);
    await pool.close();
  }
}
