import { financialYearCount } from '../finance/financial-year.ts';
import { type PersonPlan, type PlanSlot, type ProjectionClock, Simulator } from './engine.ts';
import { type MetricLayout, metricLayout } from './layout.ts';
import type { SimulationModel } from './model.ts';

/**
 * Many people at once: a cohort (and, later, its variants under a strategy) simulated run by
 * run. Every person's trajectory is keyed by (seed, run, person key), so a shard of people or of
 * runs computes exactly the numbers the whole would, and shard vectors add up exactly.
 */

export interface CohortPerson {
  ageMonths: number;
  startState: number;
  key: number;
  /** Projection month at which the person enters (new entrants); 0 when omitted. */
  offset?: number;
  currentPlacementWeeklyPrice: number | null;
  /**
   * That price for each financial year of the projection when it changes on dated days
   * (day-weighted; PersonPlan.currentPlacementPriceByYear); absent or null: the same every year.
   */
  currentPlacementPriceByYear?: Float64Array | null;
  /** Placements held earlier in the first financial year, before today's (PersonPlan.placementsEarlierThisYear); 0 when omitted. */
  placementsEarlierThisYear?: number;
  /** Moves and interventions under each variant, in variant order (empty for "as now"). */
  plans: Array<Pick<PersonPlan, 'moves' | 'interventions'>>;
}

export interface CohortVariant {
  model: SimulationModel;
  slot: PlanSlot;
}

export interface CohortRequest {
  clock: ProjectionClock;
  months: number;
  parameterUncertainty: boolean;
}

export function cohortLayout(model: SimulationModel, request: CohortRequest): MetricLayout {
  return metricLayout({
    nFinancialYears: Math.max(1, financialYearCount(request.clock.startYear, request.clock.startMonth, request.months)),
    nAgencies: model.agencies.length,
    nStates: model.nStates,
    nAgeYears: Math.ceil(model.horizonAgeMonths / 12),
    nInterventions: model.interventions.length,
    // Placement stability and care leavers in EET by year, for the scenario's projected outcomes.
    withYearOutcomes: true,
  });
}

export interface CohortChunk {
  runStart: number;
  runEnd: number;
  /** [run][variant][layout.size], summed over the chunk's people. */
  vectors: Float64Array;
  /** [run][variant][parameter] drawn values. */
  parameters: Float64Array;
  personMonths: number;
}

/**
 * Simulates runs [runStart, runEnd) of the given people under every variant. `people` may be a
 * function of the run (new entrants differ run by run); simulators are built once either way.
 */
export function simulateCohortRuns(
  variants: CohortVariant[],
  request: CohortRequest,
  people: CohortPerson[] | ((run: number) => CohortPerson[]),
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
  const plansFor = (list: CohortPerson[]) =>
    variants.map((_, v) =>
      list.map((p) => ({
        ageMonths: p.ageMonths,
        startState: p.startState,
        key: p.key,
        offset: p.offset ?? 0,
        months: request.months,
        moves: p.plans[v]?.moves ?? [],
        interventions: p.plans[v]?.interventions ?? [],
        currentPlacementWeeklyPrice: p.currentPlacementWeeklyPrice,
        currentPlacementPriceByYear: p.currentPlacementPriceByYear ?? null,
        placementsEarlierThisYear: p.placementsEarlierThisYear ?? 0,
      })),
    );
  const fixed = Array.isArray(people) ? plansFor(people) : null;
  const horizon = variants[0].model.horizonAgeMonths;
  let personMonths = 0;
  for (let r = 0; r < runs; r++) {
    const list = fixed ?? plansFor((people as (run: number) => CohortPerson[])(runStart + r));
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
