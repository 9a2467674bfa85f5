import { financialYearCount, financialYearLabel, financialYearStart, absoluteMonth } from '../finance/financial-year.ts';
import { discountFactors } from '../finance/discounting.ts';
import { type PersonPlan, type PlanSlot, type ProjectionClock, Simulator, parameterList } from './engine.ts';
import { type MetricLayout, Outcome, metricLayout } from './layout.ts';
import type { SimulationModel } from './model.ts';
import { MomentAccumulator, type Summary, meanAndSd, summarize } from './summary.ts';

/**
 * Projecting one young person under several plans: the unit of work, its split into chunks of
 * runs (for worker threads), and the fold of chunk results, in run order, into summaries.
 * Everything here is serialisable and pure: no HTTP, no SQL, no threads.
 */

/** One plan in engine terms: state and intervention indices of the model. */
export interface EnginePlan {
  startState: number;
  moves: Array<{ month: number; to: number; fromStates: number[] | null }>;
  interventions: Array<{ intervention: number; startMonth: number }>;
  statePrices: Array<{ state: number; weeklyPrice: number }>;
  /** The actual weekly price of the placement the young person is in at month 0. */
  currentPlacementWeeklyPrice: number | null;
}

export interface ProjectionRequest {
  clock: ProjectionClock;
  /** Age in months at month 0. */
  ageMonths: number;
  /** Months to project; defaults to the model's horizon age. */
  months?: number;
  plans: EnginePlan[];
  parameterUncertainty: boolean;
  /** Overrides the model's discount periods. */
  discountPeriods?: Array<{ fromYear: number; rate: number }>;
  /** Report the share of runs above these totals (discounted, pounds). */
  thresholds?: number[];
}

export function projectionMonths(model: SimulationModel, request: ProjectionRequest): number {
  const toHorizon = model.horizonAgeMonths - request.ageMonths;
  return Math.max(0, Math.min(request.months ?? toHorizon, toHorizon));
}

export function projectionLayout(model: SimulationModel, request: ProjectionRequest): MetricLayout {
  const months = projectionMonths(model, request);
  return metricLayout({
    nFinancialYears: Math.max(1, financialYearCount(request.clock.startYear, request.clock.startMonth, months)),
    nAgencies: model.agencies.length,
    nStates: model.nStates,
    nAgeYears: Math.ceil(model.horizonAgeMonths / 12),
    nInterventions: model.interventions.length,
  });
}

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

export interface ChunkResult {
  runStart: number;
  runEnd: number;
  /** [run][plan][layout.size] integer figures (pence and counts). */
  vectors: Float64Array;
  /** [run][parameter] drawn values. */
  parameters: Float64Array;
}

/** Simulates runs [runStart, runEnd) of every plan; each run's plans share their random streams. */
export function simulateProjectionRuns(model: SimulationModel, request: ProjectionRequest, seed: number, runStart: number, runEnd: number): ChunkResult {
  const layout = projectionLayout(model, request);
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

/** Splits runs into chunks of at most `size`; chunk boundaries never change results. */
export function runChunks(runs: number, size: number): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  for (let start = 0; start < runs; start += size) chunks.push([start, Math.min(runs, start + size)]);
  return chunks;
}

interface MeanSe {
  mean: number;
  se: number;
}

export interface PlanResult {
  total: { discounted: Summary; cash: Summary };
  cashable: Summary;
  nonCashable: Summary;
  byFinancialYear: Array<{ financialYear: string; cash: Summary; discounted: MeanSe }>;
  byAgency: Array<{ agency: string; cash: Summary; discounted: Summary }>;
  byAgeYear: Array<{ age: number; cash: MeanSe }>;
  byState: Array<{ state: string; cash: MeanSe; months: MeanSe }>;
  byIntervention: Array<{ intervention: string; cash: MeanSe; probabilityDelivered: number }>;
  /** Probability of being in each state at the end of each financial year (31 March). */
  endOfYearStates: Array<{ financialYear: string; states: Record<string, number> }>;
  outcomes: {
    monthsInCare: MeanSe;
    monthsResidential: MeanSe;
    monthsCustody: MeanSe;
    placementMoves: MeanSe;
    careEntries: MeanSe;
    probabilityEverInCare: number;
    probabilityCustody: number;
    probabilityHomeless: number;
    /** Share of months aged 19-21 spent NEET (all of the person's months at those ages). */
    neetShareAged19to21: number | null;
    /** Share of care-leaver months aged 19-21 spent NEET: comparable with DfE care leaver statistics. */
    neetShareOfCareLeavers19to21: number | null;
  };
  exceedance: Array<{ threshold: number; probability: number }>;
}

export interface PairedComparison {
  plan: number;
  against: number;
  /** against minus plan: positive means the plan costs less. */
  saving: { discounted: Summary; cash: Summary };
  probabilityCheaper: number;
  probabilityEqual: number;
  byAgency: Array<{ agency: string; discountedSaving: number; cashSaving: number }>;
  byState: Array<{ state: string; cashSaving: number }>;
}

export interface ProjectionResult {
  runs: number;
  seed: number;
  months: number;
  firstFinancialYear: string;
  plans: PlanResult[];
  comparisons: PairedComparison[];
  /** Per parameter: its mean and its rank correlation with each plan's discounted total. */
  parameters: Array<{ name: string; label: string; kind: string; mean: number }>;
}

/**
 * Folds chunk results, in run order, into the result. Headline figures keep every run's value
 * (exact percentiles, paired differences); the detail keeps means and standard errors only, so
 * memory grows with runs × ~40 numbers per plan, never with months or people.
 */
export class ProjectionFolder {
  private readonly model: SimulationModel;
  private readonly request: ProjectionRequest;
  private readonly layout: MetricLayout;
  private readonly runs: number;
  private readonly seed: number;
  private readonly factors: Float64Array;
  private readonly nPlans: number;
  private readonly moments: MomentAccumulator[];
  private readonly cash: Float64Array[];
  private readonly discounted: Float64Array[];
  private readonly cashable: Float64Array[];
  private readonly byFy: Float64Array[];
  private readonly byAgency: Float64Array[];
  private readonly byAgencyDiscounted: Float64Array[];
  private readonly parameterSums: Float64Array;
  private nextRun = 0;

  constructor(model: SimulationModel, request: ProjectionRequest, runs: number, seed: number) {
    this.model = model;
    this.request = request;
    this.layout = projectionLayout(model, request);
    this.runs = runs;
    this.seed = seed;
    this.factors = discountFactors(request.discountPeriods ?? model.discountPeriods, this.layout.nFinancialYears);
    this.nPlans = request.plans.length;
    const perPlan = <T>(make: () => T) => Array.from({ length: this.nPlans }, make);
    const nFy = this.layout.nFinancialYears;
    const nA = this.layout.nAgencies;
    this.moments = perPlan(() => new MomentAccumulator(this.layout.size));
    this.cash = perPlan(() => new Float64Array(runs));
    this.discounted = perPlan(() => new Float64Array(runs));
    this.cashable = perPlan(() => new Float64Array(runs));
    this.byFy = perPlan(() => new Float64Array(runs * nFy));
    this.byAgency = perPlan(() => new Float64Array(runs * nA));
    this.byAgencyDiscounted = perPlan(() => new Float64Array(runs * nA));
    this.parameterSums = new Float64Array(parameterList(model).length);
  }

  /** Adds a chunk; chunks must arrive in run order (the caller buffers out-of-order ones). */
  add(chunk: ChunkResult): void {
    if (chunk.runStart !== this.nextRun) throw new Error(`chunk starting at run ${chunk.runStart} arrived before run ${this.nextRun}`);
    const layout = this.layout;
    const nFy = layout.nFinancialYears;
    const nA = layout.nAgencies;
    const width = this.nPlans * layout.size;
    const nParameters = this.parameterSums.length;
    for (let r = 0; r < chunk.runEnd - chunk.runStart; r++) {
      const run = chunk.runStart + r;
      for (let p = 0; p < this.nPlans; p++) {
        const base = r * width + p * layout.size;
        this.moments[p].add(chunk.vectors, base);
        let cash = 0;
        let discounted = 0;
        let cashable = 0;
        for (let f = 0; f < nFy; f++) {
          let year = 0;
          for (let a = 0; a < nA; a++) {
            const cell = base + layout.costFyAgency + (f * nA + a) * 2;
            const amount = chunk.vectors[cell] + chunk.vectors[cell + 1];
            year += amount;
            cashable += chunk.vectors[cell + 1];
            this.byAgency[p][run * nA + a] += amount;
            this.byAgencyDiscounted[p][run * nA + a] += amount * this.factors[f];
          }
          this.byFy[p][run * nFy + f] = year;
          cash += year;
          discounted += year * this.factors[f];
        }
        this.cash[p][run] = cash;
        this.discounted[p][run] = discounted;
        this.cashable[p][run] = cashable;
      }
      for (let k = 0; k < nParameters; k++) this.parameterSums[k] += chunk.parameters[r * nParameters + k];
    }
    this.nextRun = chunk.runEnd;
  }

  get completedRuns(): number {
    return this.nextRun;
  }

  finish(): ProjectionResult {
    if (this.nextRun !== this.runs) throw new Error(`only ${this.nextRun} of ${this.runs} runs were folded`);
    const pounds = 0.01;
    const layout = this.layout;
    const model = this.model;
    const nFy = layout.nFinancialYears;
    const nA = layout.nAgencies;
    const nS = layout.nStates;
    const firstFy = financialYearStart(absoluteMonth(this.request.clock.startYear, this.request.clock.startMonth));
    const months = projectionMonths(model, this.request);
    const column = (values: Float64Array, stride: number, index: number) => {
      const out = new Float64Array(this.runs);
      for (let r = 0; r < this.runs; r++) out[r] = values[r * stride + index];
      return out;
    };
    const plans: PlanResult[] = [];
    for (let p = 0; p < this.nPlans; p++) {
      const m = this.moments[p];
      const meanSe = (i: number, scale = 1): MeanSe => ({ mean: m.meanAt(i) * scale, se: m.seAt(i) * scale });
      const outcome = (name: keyof typeof Outcome) => layout.outcomes + Outcome[name];
      const ratio = (num: number, den: number) => (m.meanAt(den) > 0 ? m.meanAt(num) / m.meanAt(den) : null);
      const nonCashable = Float64Array.from(this.cash[p], (c, r) => c - this.cashable[p][r]);
      plans.push({
        total: { discounted: summarize(this.discounted[p], pounds), cash: summarize(this.cash[p], pounds) },
        cashable: summarize(this.cashable[p], pounds),
        nonCashable: summarize(nonCashable, pounds),
        byFinancialYear: Array.from({ length: nFy }, (_, f) => {
          const cash = summarize(column(this.byFy[p], nFy, f), pounds);
          return {
            financialYear: financialYearLabel(firstFy + f),
            cash,
            discounted: { mean: cash.mean * this.factors[f], se: cash.se * this.factors[f] },
          };
        }),
        byAgency: model.agencies.map((agency, a) => ({
          agency,
          cash: summarize(column(this.byAgency[p], nA, a), pounds),
          discounted: summarize(column(this.byAgencyDiscounted[p], nA, a), pounds),
        })),
        byAgeYear: Array.from({ length: layout.nAgeYears }, (_, y) => ({ age: y, cash: meanSe(layout.costAge + y, pounds) })).filter(
          (row) => row.age * 12 + 12 > this.request.ageMonths && row.age * 12 < this.request.ageMonths + months,
        ),
        byState: model.stateIds.map((state, s) => ({ state, cash: meanSe(layout.costState + s, pounds), months: meanSe(layout.monthsState + s) })),
        byIntervention: model.interventions.map((iv, i) => ({
          intervention: iv.id,
          cash: meanSe(layout.costIntervention + i, pounds),
          probabilityDelivered: m.meanAt(layout.delivered + i),
        })),
        endOfYearStates: Array.from({ length: nFy }, (_, f) => ({
          financialYear: financialYearLabel(firstFy + f),
          states: Object.fromEntries(model.stateIds.map((id, s) => [id, m.meanAt(layout.endOfYearState + f * nS + s)])),
        })),
        outcomes: {
          monthsInCare: meanSe(outcome('monthsInCare')),
          monthsResidential: meanSe(outcome('monthsResidential')),
          monthsCustody: meanSe(outcome('monthsCustody')),
          placementMoves: meanSe(outcome('placementMoves')),
          careEntries: meanSe(outcome('careEntries')),
          probabilityEverInCare: m.meanAt(outcome('everInCare')),
          probabilityCustody: m.meanAt(outcome('everCustody')),
          probabilityHomeless: m.meanAt(outcome('everHomeless')),
          neetShareAged19to21: ratio(outcome('monthsNeet19to21'), outcome('monthsAged19to21')),
          neetShareOfCareLeavers19to21: ratio(outcome('monthsNeet19to21'), outcome('monthsCareLeaver19to21')),
        },
        exceedance: (this.request.thresholds ?? []).map((threshold) => ({
          threshold,
          probability: this.discounted[p].reduce((n, v) => n + (v * pounds > threshold ? 1 : 0), 0) / this.runs,
        })),
      });
    }
    const comparisons: PairedComparison[] = [];
    for (let p = 1; p < this.nPlans; p++) comparisons.push(this.compare(p, 0));
    const parameters = parameterList(model).map((info, k) => ({ ...info, mean: this.parameterSums[k] / this.runs }));
    return {
      runs: this.runs,
      seed: this.seed,
      months,
      firstFinancialYear: financialYearLabel(firstFy),
      plans,
      comparisons,
      parameters,
    };
  }

  /** Paired differences, run by run: the common random numbers make their spread small. */
  compare(plan: number, against: number): PairedComparison {
    const pounds = 0.01;
    const runs = this.runs;
    const dDisc = new Float64Array(runs);
    const dCash = new Float64Array(runs);
    let cheaper = 0;
    let equal = 0;
    for (let r = 0; r < runs; r++) {
      dDisc[r] = this.discounted[against][r] - this.discounted[plan][r];
      dCash[r] = this.cash[against][r] - this.cash[plan][r];
      if (this.cash[plan][r] < this.cash[against][r]) cheaper++;
      else if (this.cash[plan][r] === this.cash[against][r]) equal++;
    }
    const layout = this.layout;
    const nA = layout.nAgencies;
    const agencyDiff = (values: Float64Array[], a: number) => {
      const diff = new Float64Array(runs);
      for (let r = 0; r < runs; r++) diff[r] = values[against][r * nA + a] - values[plan][r * nA + a];
      return meanAndSd(diff).mean * pounds;
    };
    return {
      plan,
      against,
      saving: { discounted: summarize(dDisc, pounds), cash: summarize(dCash, pounds) },
      probabilityCheaper: cheaper / runs,
      probabilityEqual: equal / runs,
      byAgency: this.model.agencies.map((agency, a) => ({
        agency,
        discountedSaving: agencyDiff(this.byAgencyDiscounted, a),
        cashSaving: agencyDiff(this.byAgency, a),
      })),
      byState: this.model.stateIds.map((state, s) => ({
        state,
        cashSaving: (this.moments[against].meanAt(layout.costState + s) - this.moments[plan].meanAt(layout.costState + s)) * pounds,
      })),
    };
  }
}

/** Runs a whole projection in the calling thread (tests, small requests, workers' own chunks). */
export function runProjectionInline(model: SimulationModel, request: ProjectionRequest, runs: number, seed: number, chunkSize = 1000): ProjectionResult {
  const folder = new ProjectionFolder(model, request, runs, seed);
  for (const [start, end] of runChunks(runs, chunkSize)) folder.add(simulateProjectionRuns(model, request, seed, start, end));
  return folder.finish();
}
