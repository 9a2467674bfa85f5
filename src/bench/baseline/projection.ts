// FROZEN: simulateProjectionRuns and summariseChunk of src/simulation/projection.ts (commit 67b3d16)
// around the frozen kernel and summaries: the baseline of the bench's per-run figure. Never edit it.
import { discountFactors } from '../../finance/discounting.ts';
import type { MetricLayout } from '../../simulation/layout.ts';
import type { SimulationModel } from '../../simulation/model.ts';
import { type ChunkResult, type EnginePlan, type ProjectionChunk, type ProjectionRequest, keptWidth, projectionLayout, projectionMonths } from '../../simulation/projection.ts';
import { type PersonPlan, type PlanSlot, Simulator, parameterList } from './engine.ts';
import { MomentAccumulator } from './summary.ts';

function toSlot(plan: EnginePlan, model: SimulationModel): { slot: PlanSlot; person: PersonPlan } {
  const interventions = [...new Set(plan.interventions.map((i) => i.intervention))];
  return {
    slot: { interventions, statePrices: plan.statePrices },
    person: {
      ageMonths: 0,
      startState: plan.startState,
      key: 0,
      months: 0,
      moves: [...plan.moves]
        .sort((a, b) => a.month - b.month)
        .map((m) => ({
          month: m.month,
          to: m.to,
          fromStates: m.fromStates === null ? null : Uint8Array.from(model.stateIds, (_, i) => (m.fromStates?.includes(i) ? 1 : 0)),
        })),
      interventions: plan.interventions.map((i) => ({ slotIndex: interventions.indexOf(i.intervention), startMonth: i.startMonth })),
      currentPlacementWeeklyPrice: model.isPlacement[plan.startState] ? plan.currentPlacementWeeklyPrice : null,
    },
  };
}

export function simulateProjectionRunsBaseline(model: SimulationModel, request: ProjectionRequest, seed: number, runStart: number, runEnd: number): ChunkResult {
  const layout: MetricLayout = projectionLayout(model, request);
  const simulator = new Simulator(model, layout, request.clock, { parameterUncertainty: request.parameterUncertainty });
  const months = projectionMonths(model, request);
  const plans = request.plans.map((plan) => {
    const { slot, person } = toSlot(plan, model);
    return { slotIndex: simulator.addSlot(slot), person: { ...person, ageMonths: request.ageMonths, months } };
  });
  const runs = runEnd - runStart;
  const width = plans.length * layout.size;
  const vectors = new Float64Array(runs * width);
  const nParameters = simulator.parameters.length;
  const parameters = new Float64Array(runs * nParameters);
  for (let r = 0; r < runs; r++) {
    simulator.beginRun(seed, runStart + r);
    parameters.set(simulator.parameterValues, r * nParameters);
    for (let p = 0; p < plans.length; p++) {
      const base = r * width + p * layout.size;
      simulator.simulate(plans[p].slotIndex, plans[p].person, vectors, base);
      simulator.flush(plans[p].slotIndex, vectors, base);
    }
  }
  return { runStart, runEnd, vectors, parameters };
}

export function summariseChunkBaseline(model: SimulationModel, request: ProjectionRequest, raw: ChunkResult): ProjectionChunk {
  const layout = projectionLayout(model, request);
  const factors = discountFactors(request.discountPeriods ?? model.discountPeriods, layout.nFinancialYears);
  const nPlans = request.plans.length;
  const nFy = layout.nFinancialYears;
  const nA = layout.nAgencies;
  const width = keptWidth(layout);
  const runs = raw.runEnd - raw.runStart;
  const kept = new Float64Array(runs * nPlans * width);
  const packed = MomentAccumulator.packedSize(layout.size);
  const moments = new Float64Array(nPlans * packed);
  const nParameters = parameterList(model).length;
  const parameterSums = new Float64Array(nParameters);
  for (let p = 0; p < nPlans; p++) {
    const accumulator = new MomentAccumulator(layout.size);
    for (let r = 0; r < runs; r++) {
      const base = (r * nPlans + p) * layout.size;
      accumulator.add(raw.vectors, base);
      const out = (r * nPlans + p) * width;
      let cash = 0;
      let discounted = 0;
      let cashable = 0;
      for (let f = 0; f < nFy; f++) {
        let year = 0;
        for (let a = 0; a < nA; a++) {
          const cell = base + layout.costFyAgency + (f * nA + a) * 2;
          const amount = raw.vectors[cell] + raw.vectors[cell + 1];
          year += amount;
          cashable += raw.vectors[cell + 1];
          kept[out + 3 + nFy + a] += amount;
          kept[out + 3 + nFy + nA + a] += amount * factors[f];
        }
        kept[out + 3 + f] = year;
        cash += year;
        discounted += year * factors[f];
      }
      kept[out] = cash;
      kept[out + 1] = discounted;
      kept[out + 2] = cashable;
    }
    accumulator.packInto(moments, p * packed);
  }
  for (let r = 0; r < runs; r++) for (let k = 0; k < nParameters; k++) parameterSums[k] += raw.parameters[r * nParameters + k];
  return { runStart: raw.runStart, runEnd: raw.runEnd, kept, moments, parameterSums };
}
