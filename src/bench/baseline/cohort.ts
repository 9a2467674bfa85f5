// FROZEN: the cohort driver of src/simulation/cohort.ts (commit 67b3d16) around the frozen kernel,
// so the bench's baseline figure runs exactly the work engine_throughput_single_core runs.
import { type CohortChunk, type CohortPerson, type CohortRequest, type CohortVariant, cohortLayout } from '../../simulation/cohort.ts';
import { Simulator } from './engine.ts';

export function simulateCohortRunsBaseline(
  variants: CohortVariant[],
  request: CohortRequest,
  people: CohortPerson[],
  seed: number,
  runStart: number,
  runEnd: number,
): CohortChunk {
  const layout = cohortLayout(variants[0].model, request);
  const simulators = variants.map((v) => {
    const simulator = new Simulator(v.model, layout, request.clock, { parameterUncertainty: request.parameterUncertainty });
    return { simulator, slot: simulator.addSlot(v.slot) };
  });
  const nParameters = simulators.reduce((n, s) => Math.max(n, s.simulator.parameters.length), 0);
  const runs = runEnd - runStart;
  const width = variants.length * layout.size;
  const vectors = new Float64Array(runs * width);
  const parameters = new Float64Array(runs * variants.length * nParameters);
  const list = variants.map((_, v) =>
    people.map((p) => ({
      ageMonths: p.ageMonths,
      startState: p.startState,
      key: p.key,
      offset: p.offset ?? 0,
      months: request.months,
      moves: p.plans[v]?.moves ?? [],
      interventions: p.plans[v]?.interventions ?? [],
      currentPlacementWeeklyPrice: p.currentPlacementWeeklyPrice,
    })),
  );
  const horizon = variants[0].model.horizonAgeMonths;
  let personMonths = 0;
  for (let r = 0; r < runs; r++) {
    for (const person of list[0]) {
      personMonths += Math.max(0, Math.min(request.months - (person.offset ?? 0), horizon - person.ageMonths)) * variants.length;
    }
    for (let v = 0; v < variants.length; v++) {
      const { simulator, slot } = simulators[v];
      simulator.beginRun(seed, runStart + r);
      parameters.set(simulator.parameterValues, (r * variants.length + v) * nParameters);
      const base = r * width + v * layout.size;
      for (const person of list[v]) simulator.simulate(slot, person, vectors, base);
      simulator.flush(slot, vectors, base);
    }
  }
  return { runStart, runEnd, vectors, parameters, personMonths };
}
