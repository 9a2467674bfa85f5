import { financialYearCount, financialYearLabel, financialYearStart, absoluteMonth } from '../finance/financial-year.ts';
import { weeklyPriceByFinancialYear } from '../finance/day-count.ts';
import { discountFactors } from '../finance/discounting.ts';
import { type PersonPlan, type PlanSlot, type ProjectionClock, Simulator, parameterList } from './engine.ts';
import { type MetricLayout, Outcome, metricLayout } from './layout.ts';
import type { SimulationModel } from './model.ts';
import { modelHasDistanceShares, personEetShare, personShareWithin20Miles, personSubsetShare } from './projected-outcomes.ts';
import { MomentAccumulator, type PairedSaving, type Summary, meanOfDifferences, moneySummary, pairedSaving, penceToPounds, probabilityExceeding, summarize, summarizeAll, summarizeMoney } from './summary.ts';

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
  /** Dated changes to that price (YYYY-MM-DD, in date order): history and scheduled uplifts. */
  currentPlacementPriceChanges?: Array<{ from: string; weeklyPrice: number }>;
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
  /** Multiplies the model's own costs (price base "current"); actual and agreed prices are not scaled. Default 1. */
  modelCostScale?: number;
  /**
   * Placements the young person held earlier in the first financial year, before today's (from
   * the recorded history; PersonPlan.placementsEarlierThisYear): the same under every plan. Default 0.
   */
  placementsEarlierThisYear?: number;
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

function toSlot(plan: EnginePlan, model: SimulationModel, clock: ProjectionClock, financialYears: number): { slot: PlanSlot; person: PersonPlan } {
  const actual = model.isPlacement[plan.startState] ? plan.currentPlacementWeeklyPrice : null;
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
      currentPlacementWeeklyPrice: actual,
      currentPlacementPriceByYear:
        actual !== null && (plan.currentPlacementPriceChanges?.length ?? 0) > 0
          ? weeklyPriceByFinancialYear(clock, financialYears, actual, plan.currentPlacementPriceChanges ?? [])
          : null,
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

/** A simulator with every plan registered as a slot, and each plan's person. */
function projectionSimulator(model: SimulationModel, request: ProjectionRequest) {
  const layout = projectionLayout(model, request);
  const simulator = new Simulator(model, layout, request.clock, { parameterUncertainty: request.parameterUncertainty, modelCostScale: request.modelCostScale });
  const months = projectionMonths(model, request);
  const plans = request.plans.map((plan) => {
    const { slot, person } = toSlot(plan, model, request.clock, layout.nFinancialYears);
    const earlier = request.placementsEarlierThisYear ?? 0;
    return { slotIndex: simulator.addSlot(slot), person: { ...person, ageMonths: request.ageMonths, months, ...(earlier > 0 ? { placementsEarlierThisYear: earlier } : {}) } };
  });
  return { layout, simulator, plans };
}

/** Simulates runs [runStart, runEnd) of every plan; each run's plans share their random streams. */
export function simulateProjectionRuns(model: SimulationModel, request: ProjectionRequest, seed: number, runStart: number, runEnd: number): ChunkResult {
  const { layout, simulator, plans } = projectionSimulator(model, request);
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
  /**
   * Projected outcomes at 31 March of each financial year (src/simulation/projected-outcomes.ts):
   * the chance of being looked after, and if looked after the expected chance of being placed
   * within 20 miles of home (null when never looked after in a state with a distance share).
   */
  outcomesByYear: Array<{ financialYear: string; ageOn31March: number; probabilityInCare: number; threeOrMorePlacementsShare: MeanSe | null; shareWithin20Miles: MeanSe | null; probabilityCareLeaver: number; eetShareOfCareLeaver: MeanSe | null }>;
}

/**
 * Two plans compared run by run, on each basis separately: present value (discounted at the
 * model's rates to the first financial year) and cash (undiscounted, in the model's real
 * prices). Each basis carries its own saving, chance of being cheaper and interval, all from
 * the same paired differences, so a sentence never joins a chance on one basis to a saving on
 * the other.
 */
export interface PairedComparison {
  plan: number;
  against: number;
  discounted: PairedSaving;
  cash: PairedSaving;
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

/** Runs per chunk: fixed, so results never depend on the number of threads. */
export const PROJECTION_CHUNK_RUNS = 250;

/**
 * What a worker sends back for a chunk of runs: per run and plan the headline series (exact
 * percentiles and paired differences need every run's value), and per plan the running mean
 * and variance of every other figure. Far smaller than the raw vectors, and cheap to fold.
 */
export interface ProjectionChunk {
  runStart: number;
  runEnd: number;
  /**
   * [run][plan][keptWidth]: cash, discounted, cashable, by financial year, by agency, by agency
   * discounted. Empty when the chunk wrote them straight into the projection's shared headline
   * buffer instead (keptShared).
   */
  kept: Float64Array;
  /** True when `kept` went to the shared headline buffer given to projectionChunk (see SharedHeadlines). */
  keptShared?: boolean;
  /** [plan][MomentAccumulator packed] over the chunk's runs. */
  moments: Float64Array;
  /** Sums over the chunk's runs of each parameter's value. */
  parameterSums: Float64Array;
  /**
   * [plan][MomentAccumulator packed over financial years]: whether looked after on 31 March with
   * three or more placements in the year (Simulator.stabilityOut). Absent from chunks made by
   * summariseChunk, which then report no stability.
   */
  stabilityMoments?: Float64Array;
}

/**
 * The cells of a projection's run vector whose mean ± SE the result reports (ProjectionFolder.finish),
 * as MomentAccumulator spans: costs by age, by state and by intervention; end-of-year states,
 * months by state, deliveries and outcomes (the layout's order, src/simulation/layout.ts). Not
 * the costs by financial year and agency, which the result reports from the kept series
 * (summaries and paired differences), nor the interventions' costs by year and agency, which it
 * does not report: together over a third of the vector and most of its non-zero cells, whose
 * moments took about a tenth of a worker's time (issue 19).
 */
export function reportedMomentSpans(layout: MetricLayout): number[] {
  return [layout.costAge, layout.interventionFyAgency, layout.endOfYearState, layout.size];
}

export function keptWidth(layout: MetricLayout): number {
  return 3 + layout.nFinancialYears + 2 * layout.nAgencies;
}

/**
 * One run of one plan's headline series, written to kept[out..]: cash, discounted, cashable, by
 * financial year, by agency, by agency discounted (keptWidth numbers).
 */
function keepHeadlines(layout: MetricLayout, factors: Float64Array, vector: Float64Array, base: number, kept: Float64Array, out: number): void {
  const nFy = layout.nFinancialYears;
  const nA = layout.nAgencies;
  let cash = 0;
  let discounted = 0;
  let cashable = 0;
  for (let f = 0; f < nFy; f++) {
    let year = 0;
    for (let a = 0; a < nA; a++) {
      const cell = base + layout.costFyAgency + (f * nA + a) * 2;
      const amount = vector[cell] + vector[cell + 1];
      year += amount;
      cashable += vector[cell + 1];
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

/** Reduces a chunk's raw vectors to what the fold needs. */
export function summariseChunk(model: SimulationModel, request: ProjectionRequest, raw: ChunkResult): ProjectionChunk {
  const layout = projectionLayout(model, request);
  const factors = discountFactors(request.discountPeriods ?? model.discountPeriods, layout.nFinancialYears);
  const nPlans = request.plans.length;
  const width = keptWidth(layout);
  const runs = raw.runEnd - raw.runStart;
  const kept = new Float64Array(runs * nPlans * width);
  const packed = MomentAccumulator.packedSize(layout.size);
  const moments = new Float64Array(nPlans * packed);
  const nParameters = parameterList(model).length;
  const parameterSums = new Float64Array(nParameters);
  for (let p = 0; p < nPlans; p++) {
    const accumulator = new MomentAccumulator(layout.size, reportedMomentSpans(layout));
    for (let r = 0; r < runs; r++) {
      const base = (r * nPlans + p) * layout.size;
      accumulator.add(raw.vectors, base);
      keepHeadlines(layout, factors, raw.vectors, base, kept, (r * nPlans + p) * width);
    }
    accumulator.packInto(moments, p * packed);
  }
  for (let r = 0; r < runs; r++) for (let k = 0; k < nParameters; k++) parameterSums[k] += raw.parameters[r * nParameters + k];
  return { runStart: raw.runStart, runEnd: raw.runEnd, kept, moments, parameterSums };
}

/**
 * Copies one plan's headline series of a chunk from the chunk's order, kept[run][plan][width],
 * into the folder's order, series by series: series i of `plan` goes to
 * target[base + i × totalRuns + runStart ..], one contiguous stretch per series. Written series
 * by series because run by run every write landed in a different series, 80 KB apart, and
 * missed the cache.
 */
function copyPlanSeries(
  kept: Float64Array,
  nPlans: number,
  width: number,
  plan: number,
  runs: number,
  target: Float64Array,
  base: number,
  totalRuns: number,
  runStart: number,
): void {
  const stride = nPlans * width;
  for (let i = 0; i < width; i++) {
    const to = base + i * totalRuns + runStart;
    let from = plan * width + i;
    for (let r = 0; r < runs; r++, from += stride) target[to + r] = kept[from];
  }
}

/**
 * Folds chunks, in run order, into the result. Headline figures keep every run's value (exact
 * percentiles, paired differences); the detail keeps means and standard errors only, so memory
 * grows with runs × (3 + financial years + 12) numbers per plan, never with months or people.
 */
export class ProjectionFolder {
  private readonly model: SimulationModel;
  private readonly request: ProjectionRequest;
  private readonly layout: MetricLayout;
  private readonly runs: number;
  private readonly seed: number;
  private readonly factors: Float64Array;
  private readonly nPlans: number;
  private readonly width: number;
  private readonly moments: MomentAccumulator[];
  /**
   * [plan][keptWidth][run]: series by series, so reading one series across runs is one
   * contiguous copy (read run by run it cost a cache miss per run).
   */
  private readonly kept: Float64Array[];
  private readonly parameterSums: Float64Array;
  /** Per plan, over runs: looked after on 31 March with 3+ placements in the year, by financial year; null once a chunk lacks it. */
  private stability: MomentAccumulator[] | null;
  private nextRun = 0;

  /**
   * With `shared` (a buffer of sharedHeadlineBytes), the kept series live in it, in this
   * folder's own layout, and worker threads write their chunks there directly (projectionChunk's
   * `shared`); chunks that say keptShared are then not copied.
   */
  constructor(model: SimulationModel, request: ProjectionRequest, runs: number, seed: number, shared?: SharedArrayBuffer) {
    this.model = model;
    this.request = request;
    this.layout = projectionLayout(model, request);
    this.runs = runs;
    this.seed = seed;
    this.factors = discountFactors(request.discountPeriods ?? model.discountPeriods, this.layout.nFinancialYears);
    this.nPlans = request.plans.length;
    this.width = keptWidth(this.layout);
    this.moments = Array.from({ length: this.nPlans }, () => new MomentAccumulator(this.layout.size, reportedMomentSpans(this.layout)));
    const perPlan = runs * this.width;
    if (shared !== undefined && shared.byteLength < this.nPlans * perPlan * 8) throw new Error('the shared headline buffer is too small for this projection');
    this.kept = Array.from({ length: this.nPlans }, (_, p) => (shared ? new Float64Array(shared, p * perPlan * 8, perPlan) : new Float64Array(perPlan)));
    this.parameterSums = new Float64Array(parameterList(model).length);
    this.stability = Array.from({ length: this.nPlans }, () => new MomentAccumulator(this.layout.nFinancialYears));
  }

  /** Adds a chunk; chunks must arrive in run order (the pool buffers out-of-order ones). */
  add(chunk: ProjectionChunk): void {
    if (chunk.runStart !== this.nextRun) throw new Error(`chunk starting at run ${chunk.runStart} arrived before run ${this.nextRun}`);
    const packed = MomentAccumulator.packedSize(this.layout.size);
    const runs = chunk.runEnd - chunk.runStart;
    for (let p = 0; p < this.nPlans; p++) {
      this.moments[p].merge(chunk.moments, p * packed);
      if (chunk.keptShared) continue;
      copyPlanSeries(chunk.kept, this.nPlans, this.width, p, runs, this.kept[p], 0, this.runs, chunk.runStart);
    }
    for (let k = 0; k < this.parameterSums.length; k++) this.parameterSums[k] += chunk.parameterSums[k];
    if (chunk.stabilityMoments === undefined) this.stability = null;
    else if (this.stability !== null) {
      const stabilityPacked = MomentAccumulator.packedSize(this.layout.nFinancialYears);
      for (let p = 0; p < this.nPlans; p++) this.stability[p].merge(chunk.stabilityMoments, p * stabilityPacked);
    }
    this.nextRun = chunk.runEnd;
  }

  /** One kept series of one plan across runs. */
  private series(plan: number, index: number): Float64Array {
    // A view, not a copy: callers only read series.
    return this.kept[plan].subarray(index * this.runs, (index + 1) * this.runs);
  }

  get completedRuns(): number {
    return this.nextRun;
  }

  /** How many kept series there are (plans × keptWidth): the indices summaryOf and finish take. */
  get keptSeriesCount(): number {
    return this.nPlans * this.width;
  }

  /** summarize() of kept series `index` (plan × keptWidth + series), in pence, unrounded. */
  summaryOf(index: number): Summary {
    return summarize(this.series(Math.floor(index / this.width), index % this.width));
  }

  /** summaryOf of each index, in order (the same figures, several series a pass: summarizeAll). */
  summariesOf(indices: readonly number[]): Summary[] {
    return summarizeAll(indices.map((index) => this.series(Math.floor(index / this.width), index % this.width)));
  }

  /**
   * The result. `summaries` (optional) holds summaryOf(index) for some kept series, computed
   * elsewhere, e.g. on idle worker threads from the shared headline buffer (summariseHeadlines):
   * the same function of the same numbers, so the same figures as computing them here.
   */
  finish(summaries?: ReadonlyMap<number, Summary>): ProjectionResult {
    if (this.nextRun !== this.runs) throw new Error(`only ${this.nextRun} of ${this.runs} runs were folded`);
    const missing: number[] = [];
    for (let index = 0; index < this.keptSeriesCount; index++) if (!summaries?.has(index)) missing.push(index);
    const computed = new Map(summaries);
    const fresh = this.summariesOf(missing);
    for (let k = 0; k < missing.length; k++) computed.set(missing[k], fresh[k]);
    const kept = (p: number, i: number): Summary => computed.get(p * this.width + i) as Summary;
    const pounds = 0.01;
    const layout = this.layout;
    const model = this.model;
    const nFy = layout.nFinancialYears;
    const nA = layout.nAgencies;
    const nS = layout.nStates;
    const firstFy = financialYearStart(absoluteMonth(this.request.clock.startYear, this.request.clock.startMonth));
    const months = projectionMonths(model, this.request);
    const CASH = 0;
    const DISCOUNTED = 1;
    const CASHABLE = 2;
    const FY = 3;
    const AGENCY = 3 + nFy;
    const AGENCY_DISCOUNTED = 3 + nFy + nA;
    const plans: PlanResult[] = [];
    for (let p = 0; p < this.nPlans; p++) {
      const m = this.moments[p];
      const meanSe = (i: number): MeanSe => ({ mean: m.meanAt(i), se: m.seAt(i) });
      const moneyMeanSe = (i: number): MeanSe => ({ mean: penceToPounds(m.meanAt(i)), se: penceToPounds(m.seAt(i)) });
      const outcome = (name: keyof typeof Outcome) => layout.outcomes + Outcome[name];
      const ratio = (num: number, den: number) => (m.meanAt(den) > 0 ? m.meanAt(num) / m.meanAt(den) : null);
      const cash = this.series(p, CASH);
      const discounted = this.series(p, DISCOUNTED);
      const cashable = this.series(p, CASHABLE);
      const nonCashable = cash.map((c, r) => c - cashable[r]);
      plans.push({
        total: { discounted: moneySummary(kept(p, DISCOUNTED)), cash: moneySummary(kept(p, CASH)) },
        cashable: moneySummary(kept(p, CASHABLE)),
        nonCashable: summarizeMoney(nonCashable),
        byFinancialYear: Array.from({ length: nFy }, (_, f) => {
          // In pence, unrounded: its mean and sd are meanAndSd's of the series (scaled by 1).
          const pence = kept(p, FY + f);
          return {
            financialYear: financialYearLabel(firstFy + f),
            cash: moneySummary(pence),
            // Year f's present value uses year f's own factor (year 0 undiscounted).
            discounted: { mean: penceToPounds(pence.mean * this.factors[f]), se: penceToPounds((pence.sd / Math.sqrt(this.runs)) * this.factors[f]) },
          };
        }),
        byAgency: model.agencies.map((agency, a) => ({
          agency,
          cash: moneySummary(kept(p, AGENCY + a)),
          discounted: moneySummary(kept(p, AGENCY_DISCOUNTED + a)),
        })),
        byAgeYear: Array.from({ length: layout.nAgeYears }, (_, y) => ({ age: y, cash: moneyMeanSe(layout.costAge + y) })).filter(
          (row) => row.age * 12 + 12 > this.request.ageMonths && row.age * 12 < this.request.ageMonths + months,
        ),
        byState: model.stateIds.map((state, s) => ({ state, cash: moneyMeanSe(layout.costState + s), months: meanSe(layout.monthsState + s) })),
        byIntervention: model.interventions.map((iv, i) => ({
          intervention: iv.id,
          cash: moneyMeanSe(layout.costIntervention + i),
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
        outcomesByYear: Array.from({ length: nFy }, (_, f) => {
          const start = this.request.plans[p].startState;
          const custodyCounts = model.flags.inCare[start] === 1 || model.flags.careLeaver[start] === 1;
          const probabilities = Float64Array.from({ length: nS }, (_, s) => m.meanAt(layout.endOfYearState + f * nS + s));
          let probabilityInCare = 0;
          for (let s = 0; s < nS; s++) if (model.flags.inCare[s]) probabilityInCare += probabilities[s];
          let probabilityCareLeaver = 0;
          for (let s = 0; s < nS; s++) if (model.flags.careLeaver[s]) probabilityCareLeaver += probabilities[s];
          // March of year f is projection month 12f + (2 − start month index) mod 12; age is known.
          const marchMonth = 12 * f + ((14 - (this.request.clock.startMonth - 1)) % 12);
          const ageOn31March = Math.floor((this.request.ageMonths + marchMonth) / 12);
          const unstable = this.stability === null ? null : this.stability[p].meanAt(f);
          return {
            financialYear: financialYearLabel(firstFy + f),
            ageOn31March,
            probabilityInCare,
            threeOrMorePlacementsShare: unstable === null ? null : personSubsetShare(unstable, probabilityInCare, this.runs),
            shareWithin20Miles: modelHasDistanceShares(model) ? personShareWithin20Miles(model, probabilities, 0, this.runs) : null,
            probabilityCareLeaver,
            // Custody counts (a care leaver in custody) when the person starts looked after or a care leaver.
            eetShareOfCareLeaver: ageOn31March >= 19 && ageOn31March <= 21 ? personEetShare(model, probabilities, 0, this.runs, custodyCounts) : null,
          };
        }),
        exceedance: (this.request.thresholds ?? []).map((threshold) => ({
          threshold,
          // On present value, like the total the threshold is read against.
          probability: probabilityExceeding(discounted.map((v) => v * pounds), threshold),
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
    const nFy = this.layout.nFinancialYears;
    const nA = this.layout.nAgencies;
    const meanDifference = (index: number) => meanOfDifferences(this.series(against, index), this.series(plan, index));
    const layout = this.layout;
    return {
      plan,
      against,
      discounted: pairedSaving(this.series(against, 1), this.series(plan, 1)),
      cash: pairedSaving(this.series(against, 0), this.series(plan, 0)),
      byAgency: this.model.agencies.map((agency, a) => ({
        agency,
        discountedSaving: penceToPounds(meanDifference(3 + nFy + nA + a)),
        cashSaving: penceToPounds(meanDifference(3 + nFy + a)),
      })),
      byState: this.model.stateIds.map((state, s) => ({
        state,
        cashSaving: penceToPounds(this.moments[against].meanAt(layout.costState + s) - this.moments[plan].meanAt(layout.costState + s)),
      })),
    };
  }
}

/**
 * The last projection's simulator, kept for its next chunk: a thread is given the chunks of one
 * projection one after another, and building the simulator (its slots, price lines, rows and
 * scratch) took about as long as 20 runs. Keyed by the model and the request's JSON (a worker
 * receives a fresh copy of the request with every chunk). Reuse cannot change a figure: every
 * run starts from its own keyed streams and leaves the simulator's counters cleared.
 */
let lastProjection: { model: SimulationModel; key: string; prepared: ReturnType<typeof projectionSimulator> & { factors: Float64Array } } | null = null;

function preparedProjection(model: SimulationModel, request: ProjectionRequest): ReturnType<typeof projectionSimulator> & { factors: Float64Array } {
  const key = JSON.stringify(request);
  if (lastProjection !== null && lastProjection.model === model && lastProjection.key === key) return lastProjection.prepared;
  const built = projectionSimulator(model, request);
  const prepared = { ...built, factors: discountFactors(request.discountPeriods ?? model.discountPeriods, built.layout.nFinancialYears) };
  lastProjection = { model, key, prepared };
  return prepared;
}

/**
 * Simulates and summarises one chunk: the work a worker thread does. The same figures as
 * summariseChunk(simulateProjectionRuns(...)), bit for bit, but each run of each plan is
 * simulated into one reusable vector and folded at once, so the chunk never holds (or first
 * touches) runs × plans × layout.size numbers.
 */
export function projectionChunk(model: SimulationModel, request: ProjectionRequest, seed: number, runStart: number, runEnd: number, shared?: SharedHeadlines): ProjectionChunk {
  const { layout, simulator, plans, factors } = preparedProjection(model, request);
  const nPlans = plans.length;
  const width = keptWidth(layout);
  const runs = runEnd - runStart;
  if (shared !== undefined && keptScratch.length < runs * nPlans * width) keptScratch = new Float64Array(runs * nPlans * width);
  const kept = shared === undefined ? new Float64Array(runs * nPlans * width) : keptScratch.subarray(0, runs * nPlans * width);
  if (shared !== undefined) kept.fill(0);
  const packed = MomentAccumulator.packedSize(layout.size);
  const moments = new Float64Array(nPlans * packed);
  const accumulators = plans.map(() => new MomentAccumulator(layout.size, reportedMomentSpans(layout)));
  const nParameters = simulator.parameters.length;
  const parameterSums = new Float64Array(nParameters);
  const vector = new Float64Array(layout.size);
  const stability = new Float64Array(layout.nFinancialYears);
  const stabilityAccumulators = plans.map(() => new MomentAccumulator(layout.nFinancialYears));
  simulator.stabilityOut = stability;
  simulator.stabilityBase = 0;
  simulator.prepareRuns(seed, runStart, runEnd);
  for (let r = 0; r < runs; r++) {
    simulator.beginRun(seed, runStart + r);
    const values = simulator.parameterValues;
    for (let k = 0; k < nParameters; k++) parameterSums[k] += values[k];
    for (let p = 0; p < nPlans; p++) {
      vector.fill(0);
      stability.fill(0);
      simulator.simulate(plans[p].slotIndex, plans[p].person, vector, 0);
      simulator.flush(plans[p].slotIndex, vector, 0);
      accumulators[p].add(vector, 0);
      stabilityAccumulators[p].add(stability, 0);
      keepHeadlines(layout, factors, vector, 0, kept, (r * nPlans + p) * width);
    }
  }
  for (let p = 0; p < nPlans; p++) accumulators[p].packInto(moments, p * packed);
  const stabilityPacked = MomentAccumulator.packedSize(layout.nFinancialYears);
  const stabilityMoments = new Float64Array(nPlans * stabilityPacked);
  for (let p = 0; p < nPlans; p++) stabilityAccumulators[p].packInto(stabilityMoments, p * stabilityPacked);
  // The cached simulator may serve summariseChunk's path next: leave it not counting.
  simulator.stabilityOut = null;
  if (shared === undefined) return { runStart, runEnd, kept, moments, parameterSums, stabilityMoments };
  // Into the folder's layout, [plan][series][run]: each series' runs of this chunk are one
  // contiguous stretch, which no other chunk writes.
  const target = new Float64Array(shared.buffer);
  for (let p = 0; p < nPlans; p++) copyPlanSeries(kept, nPlans, width, p, runs, target, p * width * shared.runs, shared.runs, runStart);
  return { runStart, runEnd, kept: new Float64Array(0), keptShared: true, moments, parameterSums, stabilityMoments };
}

/**
 * A projection's headline series in shared memory: worker threads write each chunk's runs
 * straight into the folder's arrays (ProjectionFolder with `shared`). Posting a chunk's 160 KB
 * back and copying it into the folder made some 15 MB of short-lived buffers per projection of
 * 10,000 runs, and that churn set off a full (mark-compact) collection of the service thread
 * every second or third projection, 15-30 ms of pause and more of marking (issue 19: V8's
 * trace gave "external memory pressure" as the cause). Each chunk writes only its own runs,
 * and the folder reads them only once the chunk's answer has arrived.
 */
export interface SharedHeadlines {
  buffer: SharedArrayBuffer;
  /** The projection's runs: the length of each series in the buffer. */
  runs: number;
}

/** Bytes of a SharedHeadlines buffer for a projection of `runs` runs: plans × keptWidth × runs doubles. */
export function sharedHeadlineBytes(model: SimulationModel, request: ProjectionRequest, runs: number): number {
  return request.plans.length * keptWidth(projectionLayout(model, request)) * runs * 8;
}

/**
 * summarize() of kept series in a shared headline buffer: for each `indices[k]` (plan ×
 * keptWidth + series), the series of `headlines.runs` runs the folder keeps there. What
 * ProjectionFolder.summaryOf gives for the same index, for a worker thread to compute while the
 * folding thread computes others (issue 19: the summaries were 20-odd ms after the last chunk
 * with both worker threads idle).
 */
export function summariseHeadlines(headlines: SharedHeadlines, indices: readonly number[]): Summary[] {
  return summarizeAll(indices.map((index) => new Float64Array(headlines.buffer, index * headlines.runs * 8, headlines.runs)));
}

/** This thread's chunk headlines before they go to shared memory (never returned, so reused). */
let keptScratch = new Float64Array(0);

/** Runs a whole projection in the calling thread (tests and small requests). */
export function runProjectionInline(model: SimulationModel, request: ProjectionRequest, runs: number, seed: number): ProjectionResult {
  const folder = new ProjectionFolder(model, request, runs, seed);
  for (const [start, end] of runChunks(runs, PROJECTION_CHUNK_RUNS)) folder.add(projectionChunk(model, request, seed, start, end));
  return folder.finish();
}
