import { availableParallelism } from 'node:os';
import { compileModel } from '../simulation/model.ts';
import { SimulationPool } from '../simulation/pool.ts';
import { prepareScenario } from '../simulation/scenario.ts';
import { defaultModelSpec, scaledScenarioWorkload } from './workloads.ts';

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
  // The worked scenario is sized for a borough of 400: entrants and places scale with the cohort.
  const { scenario, members } = scaledScenarioWorkload('scenarios/inhouse-foster-recruitment.json', model, people);
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
