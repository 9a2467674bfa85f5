import { discountFactors } from '../finance/discounting.ts';
import { financialYearLabel } from '../finance/financial-year.ts';
import { appraise, rankCorrelation, ratiosByRun, ratiosOfTotals } from '../finance/invest-to-save.ts';
import { keyedStreamUniform, parameterList } from './engine.ts';
import { type MetricLayout, Outcome, YEAR_OUTCOME_COUNT, YearOutcome } from './layout.ts';
import type { SimulationModel } from './model.ts';
import { cohortLayout } from './cohort.ts';
import { modelHasDistanceShares, tallyDistance } from './projected-outcomes.ts';
import { type CapacityResult, PlacesFolder } from './places-fold.ts';
import { FundingFolder, type FundingResult } from './funding-fold.ts';
import { APPRAISAL_CONVENTIONS, type PreparedScenario } from './scenario.ts';
import { type Summary, penceToPounds, quantileSorted, summarize, summarizeMoney } from './summary.ts';

/**
 * Folds a scenario's runs (baseline and strategy vectors, summed over every shard) into the
 * results a commissioner reads: spend by year and agency with P5-P95, savings, invest-to-save,
 * counts in care, outcomes, and which uncertain inputs drive the net present value.
 * Runs arrive in order; each run's figures are kept only as the few numbers reported, so
 * memory grows with runs, never with people.
 */

export interface ScenarioChunk {
  runStart: number;
  runEnd: number;
  /** [run][variant][layout.size], summed over all shards. */
  vectors: Float64Array;
  /** [run][variant][parameter], from any shard (every shard draws the same parameters). */
  parameters: Float64Array;
  /** Shared places (places.ts): [run][variant][placesWidth] place figures; absent without limits or services. */
  places?: Float64Array;
  placesWidth?: number;
}

export interface Band {
  mean: number;
  p10: number;
  p50: number;
  p90: number;
}

export interface ScenarioResultCore {
  runs: number;
  seed: number;
  firstYear: string;
  planningYears: number;
  lifetimeYears: number;
  /** The appraisal convention, and what it means. */
  appraisal: { convention: string; description: string };
  spend: {
    byYear: Array<{ financialYear: string; baseline: Summary; strategy: Summary; saving: Summary }>;
    byYearAgency: Array<{ financialYear: string; agency: string; baseline: Summary; strategy: Summary; saving: Summary }>;
    planningTotal: { baseline: Summary; strategy: Summary; saving: Summary };
  };
  investToSave: {
    netPresentValue: Summary;
    presentBenefits: Summary;
    presentCosts: Summary;
    /** Ratio of totals: E[PV benefits] / E[PV costs]; null when the expected PV of costs is not positive. */
    benefitCostRatio: number | null;
    /** Ratio of totals: (E[PV benefits] − E[PV costs]) / E[PV costs]. */
    returnOnInvestment: number | null;
    /** Each run's own ratio, over the runs with positive PV costs: the spread, not the headline figure. */
    ratioSpreadOverRuns: { runsWithCosts: number; benefitCostRatio: Summary | null; returnOnInvestment: Summary | null };
    /** Share of runs with NPV strictly above zero (a strategy that changes nothing scores 0). */
    probabilityBenefitsExceedCosts: number;
    /** The same appraisal undiscounted (cash, real prices): lifetime benefits minus costs, and the share of runs above zero. */
    cash: { net: Summary; probabilityBenefitsExceedCosts: number };
    payback: { byYear: Array<{ financialYear: string; probability: number }>; probabilityNever: number; medianYear: string | null };
    cashableBenefits: Summary;
    nonCashableBenefits: Summary;
    byAgency: Array<{ agency: string; presentCosts: Band; presentBenefits: Band; net: Band }>;
    netByYear: Array<{ financialYear: string; net: Summary }>;
  };
  counts: Array<{ financialYear: string; state: string; baseline: Band; strategy: Band }>;
  inCare: Array<{ financialYear: string; baseline: Band; strategy: Band }>;
  outcomes: Array<{ measure: string; label: string; baseline: Summary; strategy: Summary; difference: Summary }>;
  interventions: Array<{ intervention: string; delivered: Band; cost: Summary }>;
  sensitivity: Array<{ parameter: string; label: string; kind: string; rankCorrelation: number; npvWhenLow: number; npvWhenHigh: number }>;
  npvHistogram: Array<{ from: number; to: number; count: number }>;
  /** How the strategy is paid for, run by run (src/simulation/funding-fold.ts); only when the scenario gives funding. */
  funding?: FundingResult;
  /**
   * Projected outcomes by planning year, at 31 March (src/simulation/projected-outcomes.ts):
   * the share of children looked after placed within 20 miles of home, each run's expected
   * share from its counts by state (no draws of its own), P10-P90 over runs. `lookedAfter` is
   * the mean number counted (looked after in a state with a distance share): the share is
   * withheld from roles without individual access below 10. Absent from runs made before it;
   * the share within 20 miles is null when the model gives no distance shares.
   *
   * Beside it, counted by the kernel on 31 March (layout.yearOutcomes, read-only counters: no
   * random numbers): `threeOrMorePlacementsShare`, each run's share of the children looked after
   * (`lookedAfterAll`, every in-care state) with three or more placements in the financial year
   * (DfE placement stability); `eetShareOfCareLeavers`, each run's share of the care leavers
   * aged 19-21 (`careLeavers19to21`: care-leaver states, and custody after care) in education,
   * employment or training (a state flagged `eet`; engine.ts countYearOutcomes, as the DfE). P10-P90 over the runs that count anyone; null when none does.
   * Absent from runs made before them.
   */
  /**
   * Places held in every run (issue 15, src/simulation/places-fold.ts): per capacity limit and
   * variant, occupancy by month against capacity, children waiting, overflow months and cost;
   * per commissioned service, places used by year. Absent without limits or services, and from
   * runs made before it.
   */
  capacity?: CapacityResult;
  projectedOutcomes?: Array<{
    financialYear: string;
    lookedAfter: { baseline: number | null; strategy: number | null };
    shareWithin20Miles: PairedBands;
    lookedAfterAll?: { baseline: number | null; strategy: number | null };
    threeOrMorePlacementsShare?: PairedBands;
    careLeavers19to21?: { baseline: number | null; strategy: number | null };
    eetShareOfCareLeavers?: PairedBands;
  }>;
}

/** A share's bands over runs for each variant and their run-by-run difference (strategy − baseline); null where no run counts anyone. */
export interface PairedBands {
  baseline: Band | null;
  strategy: Band | null;
  difference: Band | null;
}

const OUTCOMES: Array<{ measure: string; label: string; slot: keyof typeof Outcome }> = [
  { measure: 'months_in_care', label: 'Months looked after', slot: 'monthsInCare' },
  { measure: 'months_in_residential', label: 'Months in residential or secure care', slot: 'monthsResidential' },
  { measure: 'placement_moves', label: 'Placement moves', slot: 'placementMoves' },
  { measure: 'care_entries', label: 'Entries to care', slot: 'careEntries' },
  { measure: 'neet_months_19_21', label: 'Months NEET aged 19-21', slot: 'monthsNeet19to21' },
  { measure: 'people_ever_in_custody', label: 'People ever in custody', slot: 'everCustody' },
  { measure: 'months_in_custody', label: 'Months in custody', slot: 'monthsCustody' },
];

function band(values: Float64Array): Band {
  const sorted = Float64Array.from(values).sort();
  let mean = 0;
  for (const v of sorted) mean += v / sorted.length;
  return { mean, p10: quantileSorted(sorted, 0.1), p50: quantileSorted(sorted, 0.5), p90: quantileSorted(sorted, 0.9) };
}

/** A band of money held in pence, in pounds to the penny. */
function moneyBand(pence: Float64Array): Band {
  const b = band(pence);
  return { mean: penceToPounds(b.mean), p10: penceToPounds(b.p10), p50: penceToPounds(b.p50), p90: penceToPounds(b.p90) };
}

export class ScenarioFolder {
  private readonly prepared: PreparedScenario;
  private readonly models: SimulationModel[];
  private readonly layout: MetricLayout;
  private readonly factors: Float64Array;
  private readonly runs: number;
  private readonly nA: number;
  private readonly nS: number;
  private readonly years: number;
  private readonly planning: number;
  // Per-run figures kept (pence): [run][...].
  private readonly spendBase: Float64Array;
  private readonly spendStrategy: Float64Array;
  private readonly npv: Float64Array;
  private readonly pvBenefits: Float64Array;
  private readonly pvCosts: Float64Array;
  private readonly payback: Float64Array;
  private readonly cashable: Float64Array;
  private readonly nonCashable: Float64Array;
  private readonly agencyCosts: Float64Array;
  private readonly agencyBenefits: Float64Array;
  private readonly netByYear: Float64Array;
  private readonly counts: Float64Array;
  private readonly outcomes: Float64Array;
  private readonly delivered: Float64Array;
  private readonly interventionCost: Float64Array;
  private readonly parameters: Float64Array;
  /** [run][variant][planning year][YearOutcome] people counted on 31 March; null when the layout has no such block. */
  private readonly yearOutcomes: Float64Array | null;
  private readonly parameterNames: Array<{ name: string; label: string; kind: string }>;
  private nextRun = 0;
  /** The funding arrangement's folder, when the scenario has one. */
  readonly funding: FundingFolder | null;
  /** The place figures' folder, when the scenario holds places (limits or commissioned services). */
  private readonly places: PlacesFolder | null;

  constructor(prepared: PreparedScenario, models: SimulationModel[]) {
    this.prepared = prepared;
    this.models = models;
    this.layout = cohortLayout(models[0], prepared.request);
    this.runs = prepared.runs;
    this.nA = this.layout.nAgencies;
    this.nS = this.layout.nStates;
    this.years = prepared.lifetimeYears;
    this.planning = prepared.planningYears;
    this.factors = discountFactors(models[0].discountPeriods, this.years);
    const runs = this.runs;
    this.spendBase = new Float64Array(runs * this.planning * this.nA);
    this.spendStrategy = new Float64Array(runs * this.planning * this.nA);
    this.npv = new Float64Array(runs);
    this.pvBenefits = new Float64Array(runs);
    this.pvCosts = new Float64Array(runs);
    this.payback = new Float64Array(runs);
    this.cashable = new Float64Array(runs);
    this.nonCashable = new Float64Array(runs);
    this.agencyCosts = new Float64Array(runs * this.nA);
    this.agencyBenefits = new Float64Array(runs * this.nA);
    this.netByYear = new Float64Array(runs * this.years);
    this.counts = new Float64Array(runs * 2 * this.planning * this.nS);
    this.outcomes = new Float64Array(runs * 2 * OUTCOMES.length);
    this.yearOutcomes = this.layout.yearOutcomes >= 0 ? new Float64Array(runs * 2 * this.planning * YEAR_OUTCOME_COUNT) : null;
    const nIv = prepared.variants[1].slot.interventions.length;
    this.delivered = new Float64Array(runs * nIv);
    this.interventionCost = new Float64Array(runs * nIv);
    // The tornado's inputs: the strategy model's parameters and the strategy's rate changes.
    this.parameterNames = [
      ...parameterList(models[1]),
      ...(prepared.variants[1].slot.periods?.[prepared.variants[1].slot.periods.length - 1]?.rates ?? []).map((rate) => ({
        name: `rate:${rate.name}`,
        label: `${rate.name.startsWith('common-') ? 'Assumed rate change' : 'Strategy rate change'}: ${rate.name.replace(/^(strategy|common)-rate-\d+:/, '')}`,
        kind: 'rate_change',
      })),
    ];
    this.parameters = new Float64Array(runs * this.parameterNames.length);
    const shared = prepared.variants.map((v) => v.places);
    this.places = shared.every((p) => p !== undefined) ? new PlacesFolder(shared as NonNullable<(typeof shared)[number]>[], prepared.request.months, this.layout.nFinancialYears, runs) : null;
    this.funding = prepared.funding ? new FundingFolder(prepared.funding, this.factors, this.years, prepared.firstYear) : null;
  }

  add(chunk: ScenarioChunk): void {
    if (chunk.runStart !== this.nextRun) throw new Error(`chunk starting at run ${chunk.runStart} arrived before run ${this.nextRun}`);
    const layout = this.layout;
    const size = layout.size;
    // A shard made by other code (a worker of an older version, before the year outcomes block)
    // would add up misaligned: refuse it rather than fold wrong figures.
    if (chunk.vectors.length !== (chunk.runEnd - chunk.runStart) * 2 * size) {
      throw new Error(`chunk of runs ${chunk.runStart}-${chunk.runEnd} has ${chunk.vectors.length} figures, not ${(chunk.runEnd - chunk.runStart) * 2 * size} (2 variants × ${size}): made by a different engine version`);
    }
    const nA = this.nA;
    const nS = this.nS;
    const years = this.years;
    const runs = chunk.runEnd - chunk.runStart;
    const modelParameters = parameterList(this.models[1]).length;
    const parameterWidth = chunk.parameters.length / runs / 2;
    const strategyRates = this.prepared.variants[1].slot.periods?.[this.prepared.variants[1].slot.periods.length - 1]?.rates ?? [];
    const ivIndices = this.prepared.variants[1].slot.interventions;
    for (let r = 0; r < runs; r++) {
      const run = chunk.runStart + r;
      const b = (r * 2) * size;
      const s = (r * 2 + 1) * size;
      const v = chunk.vectors;
      const baseline = new Float64Array(years);
      const strategy = new Float64Array(years);
      const interventions = new Float64Array(years);
      const investment = new Float64Array(years);
      let cashable = 0;
      let nonCashable = 0;
      for (let y = 0; y < years; y++) {
        for (let a = 0; a < nA; a++) {
          const cell = layout.costFyAgency + (y * nA + a) * 2;
          const baseSpend = v[b + cell] + v[b + cell + 1];
          const stratSpend = v[s + cell] + v[s + cell + 1];
          const ivSpend = v[s + layout.interventionFyAgency + y * nA + a];
          const invest = this.prepared.investmentPence[y]?.[a] ?? 0;
          baseline[y] += baseSpend;
          strategy[y] += stratSpend;
          interventions[y] += ivSpend;
          investment[y] += invest;
          const f = this.factors[y];
          this.agencyCosts[run * nA + a] += (ivSpend + invest) * f;
          this.agencyBenefits[run * nA + a] += (baseSpend - (stratSpend - ivSpend)) * f;
          // Interventions are booked cashable; take them out to leave what is avoided.
          cashable += (v[b + cell + 1] - (v[s + cell + 1] - ivSpend)) * f;
          nonCashable += (v[b + cell] - v[s + cell]) * f;
          if (y < this.planning) {
            this.spendBase[(run * this.planning + y) * nA + a] = baseSpend;
            this.spendStrategy[(run * this.planning + y) * nA + a] = stratSpend + invest;
          }
        }
      }
      if (this.places && chunk.places && chunk.placesWidth !== undefined) {
        for (let variant = 0; variant < 2; variant++) this.places.addRun(run, variant, chunk.places, (r * 2 + variant) * chunk.placesWidth);
      }
      this.funding?.addRun(FundingFolder.flowsOf(layout, v, b, s, years, this.prepared.investmentPence, this.models[0].flags.inCare));
      const appraisal = appraise({ baseline, strategy, interventions, investment }, this.factors);
      this.npv[run] = appraisal.netPresentValue;
      this.pvBenefits[run] = appraisal.presentBenefits;
      this.pvCosts[run] = appraisal.presentCosts;
      this.payback[run] = appraisal.paybackYear ?? -1;
      this.cashable[run] = cashable;
      this.nonCashable[run] = nonCashable;
      appraisal.netByYear.forEach((net, y) => {
        this.netByYear[run * years + y] = net;
      });
      for (let variant = 0; variant < 2; variant++) {
        const at = variant === 0 ? b : s;
        for (let y = 0; y < this.planning; y++) {
          for (let st = 0; st < nS; st++) this.counts[((run * 2 + variant) * this.planning + y) * nS + st] = v[at + layout.endOfYearState + y * nS + st];
          if (this.yearOutcomes !== null) {
            for (let k = 0; k < YEAR_OUTCOME_COUNT; k++) {
              this.yearOutcomes[(((run * 2 + variant) * this.planning + y) * YEAR_OUTCOME_COUNT) + k] = v[at + layout.yearOutcomes + y * YEAR_OUTCOME_COUNT + k];
            }
          }
        }
        OUTCOMES.forEach((o, k) => {
          this.outcomes[(run * 2 + variant) * OUTCOMES.length + k] = v[at + layout.outcomes + Outcome[o.slot]];
        });
      }
      ivIndices.forEach((iv, k) => {
        this.delivered[run * ivIndices.length + k] = v[s + layout.delivered + iv];
        this.interventionCost[run * ivIndices.length + k] = v[s + layout.costIntervention + iv];
      });
      const from = (r * 2 + 1) * parameterWidth;
      for (let k = 0; k < modelParameters; k++) this.parameters[run * this.parameterNames.length + k] = chunk.parameters[from + k];
      strategyRates.forEach((rate, k) => {
        this.parameters[run * this.parameterNames.length + modelParameters + k] = keyedStreamUniform(this.prepared.seed, run, `rate:${rate.name}`, rate.multiplier);
      });
    }
    this.nextRun = chunk.runEnd;
  }

  get completedRuns(): number {
    return this.nextRun;
  }

  /** The result, from every run folded. Throws when runs are missing. */
  finish(): ScenarioResultCore {
    const steps = this.finishSteps();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * finish(), awaiting `turn` (e.g. src/db/yield.ts, a turn of the event loop) between its steps:
   * the summaries sort every figure's runs (hundreds of sorts of `runs` numbers, a few hundred
   * milliseconds of CPU for the demo scenario), which held the service thread in one slice
   * (issue 14). The same result as finish(): the steps are the same code.
   */
  async finishYielding(turn: () => Promise<void>): Promise<ScenarioResultCore> {
    const steps = this.finishSteps();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await turn();
    }
  }

  /** finish()'s work, pausing (yield) between pieces of a few milliseconds each. */
  private *finishSteps(): Generator<void, ScenarioResultCore, void> {
    if (this.nextRun !== this.runs) throw new Error(`only ${this.nextRun} of ${this.runs} runs were folded`);
    const pounds = 0.01;
    const runs = this.runs;
    const nA = this.nA;
    const nS = this.nS;
    const agencies = this.models[0].agencies;
    const states = this.models[0].stateIds;
    const label = (y: number) => financialYearLabel(this.prepared.firstYear + y);
    const series = (fn: (run: number) => number) => Float64Array.from({ length: runs }, (_, run) => fn(run));
    const sumAgencies = (values: Float64Array, run: number, y: number) => {
      let total = 0;
      for (let a = 0; a < nA; a++) total += values[(run * this.planning + y) * nA + a];
      return total;
    };
    const byYear = Array.from({ length: this.planning }, (_, y) => {
      const base = series((run) => sumAgencies(this.spendBase, run, y));
      const strategy = series((run) => sumAgencies(this.spendStrategy, run, y));
      return { financialYear: label(y), baseline: summarizeMoney(base), strategy: summarizeMoney(strategy), saving: summarizeMoney(base.map((x, run) => x - strategy[run])) };
    });
    yield;
    const byYearAgency = [];
    for (let y = 0; y < this.planning; y++) {
      byYearAgency.push(
        ...agencies.map((agency, a) => {
          const base = series((run) => this.spendBase[(run * this.planning + y) * nA + a]);
          const strategy = series((run) => this.spendStrategy[(run * this.planning + y) * nA + a]);
          return { financialYear: label(y), agency, baseline: summarizeMoney(base), strategy: summarizeMoney(strategy), saving: summarizeMoney(base.map((x, run) => x - strategy[run])) };
        }),
      );
      yield;
    }
    const totalBase = series((run) => Array.from({ length: this.planning }, (_, y) => sumAgencies(this.spendBase, run, y)).reduce((a, b) => a + b, 0));
    const totalStrategy = series((run) => Array.from({ length: this.planning }, (_, y) => sumAgencies(this.spendStrategy, run, y)).reduce((a, b) => a + b, 0));

    const totals = ratiosOfTotals(this.pvBenefits, this.pvCosts);
    const spread = ratiosByRun(this.pvBenefits, this.pvCosts);
    const netCash = series((run) => {
      let total = 0;
      for (let y = 0; y < this.years; y++) total += this.netByYear[run * this.years + y];
      return total;
    });
    const paybackCounts = new Array<number>(this.years).fill(0);
    let never = 0;
    for (const year of this.payback) {
      if (year < 0) never++;
      else paybackCounts[year]++;
    }
    const paybackSorted = Float64Array.from(this.payback.map((y) => (y < 0 ? Number.POSITIVE_INFINITY : y))).sort();
    const medianPayback = paybackSorted[Math.floor((runs - 1) / 2)];

    yield;
    const counts = [];
    for (let y = 0; y < this.planning; y++) {
      counts.push(
        ...states.map((state, st) => ({
          financialYear: label(y),
          state,
          baseline: band(series((run) => this.counts[((run * 2) * this.planning + y) * nS + st])),
          strategy: band(series((run) => this.counts[((run * 2 + 1) * this.planning + y) * nS + st])),
        })),
      );
      yield;
    }
    const inCareFlags = this.models[0].flags.inCare;
    const inCare = Array.from({ length: this.planning }, (_, y) => {
      const total = (variant: number) =>
        series((run) => {
          let n = 0;
          for (let st = 0; st < nS; st++) if (inCareFlags[st]) n += this.counts[((run * 2 + variant) * this.planning + y) * nS + st];
          return n;
        });
      return { financialYear: label(y), baseline: band(total(0)), strategy: band(total(1)) };
    });
    yield;
    const distanceModel = this.models[0];
    const hasDistance = modelHasDistanceShares(distanceModel);
    const yearOutcomes = this.yearOutcomes;
    // Each run's share from its counts at 31 March; a run with nobody counted has no share and
    // is left out (the band is over the runs that have one; null when none has). The difference
    // is run by run, over the runs where both variants count someone.
    const banded = (values: number[]) => {
      const kept = Float64Array.from(values.filter((v) => !Number.isNaN(v)));
      return kept.length > 0 ? band(kept) : null;
    };
    const paired = (tallies: Array<Array<{ counted: number; share: number }>>): PairedBands => ({
      baseline: banded(tallies[0].map((x) => x.share)),
      strategy: banded(tallies[1].map((x) => x.share)),
      difference: banded(tallies[1].map((x, run) => x.share - tallies[0][run].share)),
    });
    const meanCounted = (list: Array<{ counted: number }>) => list.reduce((n, x) => n + x.counted, 0) / runs;
    const ratio = (part: number, counted: number) => ({ counted, share: counted > 0 ? part / counted : Number.NaN });
    const projectedOutcomes =
      hasDistance || yearOutcomes !== null
        ? Array.from({ length: this.planning }, (_, y) => {
            const at = (run: number, variant: number) => ((run * 2 + variant) * this.planning + y) * nS;
            const distance = [0, 1].map((variant) =>
              Array.from({ length: runs }, (_, run) => {
                const x = tallyDistance(distanceModel, this.counts, at(run, variant));
                return ratio(x.within, x.counted);
              }),
            );
            const row: NonNullable<ScenarioResultCore['projectedOutcomes']>[number] = {
              financialYear: label(y),
              lookedAfter: hasDistance ? { baseline: meanCounted(distance[0]), strategy: meanCounted(distance[1]) } : { baseline: null, strategy: null },
              shareWithin20Miles: hasDistance ? paired(distance) : { baseline: null, strategy: null, difference: null },
            };
            if (yearOutcomes !== null) {
              const cell = (run: number, variant: number, k: number) => yearOutcomes[(((run * 2 + variant) * this.planning + y) * YEAR_OUTCOME_COUNT) + k];
              const stability = [0, 1].map((variant) =>
                Array.from({ length: runs }, (_, run) => {
                  let lookedAfter = 0;
                  for (let st = 0; st < nS; st++) if (inCareFlags[st]) lookedAfter += this.counts[at(run, variant) + st];
                  return ratio(cell(run, variant, YearOutcome.threeOrMorePlacements), lookedAfter);
                }),
              );
              const eet = [0, 1].map((variant) =>
                Array.from({ length: runs }, (_, run) => ratio(cell(run, variant, YearOutcome.careLeaversEet19to21), cell(run, variant, YearOutcome.careLeavers19to21))),
              );
              row.lookedAfterAll = { baseline: meanCounted(stability[0]), strategy: meanCounted(stability[1]) };
              row.threeOrMorePlacementsShare = paired(stability);
              row.careLeavers19to21 = { baseline: meanCounted(eet[0]), strategy: meanCounted(eet[1]) };
              row.eetShareOfCareLeavers = paired(eet);
            }
            return row;
          })
        : undefined;
    yield;
    const outcomes = OUTCOMES.map((o, k) => {
      const base = series((run) => this.outcomes[(run * 2) * OUTCOMES.length + k]);
      const strategy = series((run) => this.outcomes[(run * 2 + 1) * OUTCOMES.length + k]);
      return { measure: o.measure, label: o.label, baseline: summarize(base), strategy: summarize(strategy), difference: summarize(base.map((x, run) => strategy[run] - x)) };
    });
    yield;
    const ivIds = this.prepared.variants[1].slot.interventions.map((iv) => this.models[1].interventions[iv].id);
    const interventions = ivIds.map((intervention, k) => ({
      intervention,
      delivered: band(series((run) => this.delivered[run * ivIds.length + k])),
      cost: summarizeMoney(series((run) => this.interventionCost[run * ivIds.length + k])),
    }));

    // Sensitivity: rank correlation of each uncertain input with the NPV, and the NPV when the
    // input sits in its lowest and highest decile (a one-at-a-time swing read off the runs).
    const width = this.parameterNames.length;
    // Interventions the strategy does not commission cannot move its NPV: leave them out, so
    // chance correlations of unused inputs never reach the tornado.
    const commissioned = new Set(ivIds);
    const irrelevant = (name: string) => {
      const match = /^(?:intervention|effect):([^:]+):/.exec(name);
      return match !== null && !commissioned.has(match[1]);
    };
    yield;
    const swings = [];
    for (const [k, info] of this.parameterNames.entries()) {
      // Three sorts of `runs` numbers each: a turn every few inputs.
      if (k > 0 && k % 8 === 0) yield;
      swings.push(
        (() => {
        if (irrelevant(info.name)) return null;
        const values = series((run) => this.parameters[run * width + k]);
        const sorted = Float64Array.from(values).sort();
        if (sorted[0] === sorted[runs - 1]) return null;
        const low = quantileSorted(sorted, 0.1);
        const high = quantileSorted(sorted, 0.9);
        let lowSum = 0;
        let lowN = 0;
        let highSum = 0;
        let highN = 0;
        values.forEach((x, run) => {
          if (x <= low) {
            lowSum += this.npv[run];
            lowN++;
          }
          if (x >= high) {
            highSum += this.npv[run];
            highN++;
          }
        });
        return {
          parameter: info.name,
          label: info.label,
          kind: info.kind,
          rankCorrelation: rankCorrelation(values, this.npv),
          npvWhenLow: penceToPounds(lowSum / Math.max(1, lowN)),
          npvWhenHigh: penceToPounds(highSum / Math.max(1, highN)),
        };
        })(),
      );
    }
    yield;
    const sensitivity = swings
      .filter((x): x is NonNullable<typeof x> => x !== null)
      .sort((a, b) => Math.abs(b.rankCorrelation) - Math.abs(a.rankCorrelation));

    const npvPounds = this.npv.map((x) => x * pounds);
    yield;
    return {
      runs,
      seed: this.prepared.seed,
      firstYear: label(0),
      planningYears: this.planning,
      lifetimeYears: this.years,
      // Scenarios prepared before the convention existed followed a closed cohort.
      appraisal: { convention: this.prepared.appraisal ?? 'closed_cohort', description: APPRAISAL_CONVENTIONS[this.prepared.appraisal ?? 'closed_cohort'] },
      spend: {
        byYear,
        byYearAgency,
        planningTotal: { baseline: summarizeMoney(totalBase), strategy: summarizeMoney(totalStrategy), saving: summarizeMoney(totalBase.map((x, run) => x - totalStrategy[run])) },
      },
      investToSave: {
        netPresentValue: summarizeMoney(this.npv),
        presentBenefits: summarizeMoney(this.pvBenefits),
        presentCosts: summarizeMoney(this.pvCosts),
        benefitCostRatio: totals.benefitCostRatio,
        returnOnInvestment: totals.returnOnInvestment,
        ratioSpreadOverRuns: {
          runsWithCosts: spread.benefitCostRatio.length,
          benefitCostRatio: spread.benefitCostRatio.length > 0 ? summarize(spread.benefitCostRatio) : null,
          returnOnInvestment: spread.returnOnInvestment.length > 0 ? summarize(spread.returnOnInvestment) : null,
        },
        probabilityBenefitsExceedCosts: this.npv.reduce((n, x) => n + (x > 0 ? 1 : 0), 0) / runs,
        cash: { net: summarizeMoney(netCash), probabilityBenefitsExceedCosts: netCash.reduce((n, x) => n + (x > 0 ? 1 : 0), 0) / runs },
        payback: {
          byYear: paybackCounts.map((count, y) => ({ financialYear: label(y), probability: count / runs })),
          probabilityNever: never / runs,
          medianYear: Number.isFinite(medianPayback) ? label(medianPayback) : null,
        },
        cashableBenefits: summarizeMoney(this.cashable),
        nonCashableBenefits: summarizeMoney(this.nonCashable),
        byAgency: agencies.map((agency, a) => {
          const costs = series((run) => this.agencyCosts[run * nA + a]);
          const benefits = series((run) => this.agencyBenefits[run * nA + a]);
          return { agency, presentCosts: moneyBand(costs), presentBenefits: moneyBand(benefits), net: moneyBand(benefits.map((x, run) => x - costs[run])) };
        }),
        netByYear: Array.from({ length: this.years }, (_, y) => ({ financialYear: label(y), net: summarizeMoney(series((run) => this.netByYear[run * this.years + y])) })),
      },
      counts,
      inCare,
      outcomes,
      interventions,
      sensitivity,
      npvHistogram: histogram(npvPounds, 30),
      ...(this.funding ? { funding: this.funding.finish() } : {}),
      ...(this.places
        ? { capacity: this.places.finish(states, this.prepared.firstYear, this.prepared.request.clock.startMonth, this.prepared.planning.offers.map((o) => o.intervention)) }
        : {}),
      ...(projectedOutcomes ? { projectedOutcomes } : {}),
    };
  }
}

function histogram(values: Float64Array, bins: number): Array<{ from: number; to: number; count: number }> {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) return [{ from: min, to: max, count: values.length }];
  const width = (max - min) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ from: min + i * width, to: min + (i + 1) * width, count: 0 }));
  for (const v of values) out[Math.min(bins - 1, Math.floor((v - min) / width))].count++;
  return out;
}
