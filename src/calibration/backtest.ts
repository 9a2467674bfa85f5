import type { CostModelSpec } from '../catalog/model-schema.ts';
import { ageYearsAtMonthStart, birthdayAgeInMonth, isoDate, parseIsoDate, returnYearEndDay, returnYearFirstMonth } from './dates.ts';
import { type CalibrateOptions, type CalibrationReport, calibrate, originShares } from './calibrate.ts';
import { buildHistories, DESTINATION_ONLY, type Histories, IN_CARE } from './history.ts';
import type { ImportedSsda903 } from './import.ts';
import { DEFAULT_MAPPING } from './mapping.ts';
import { bandForAge, resolveSelector, type TransitionRowSpec } from './model-structure.ts';
import { splitWeights } from './shrinkage.ts';
import { sampleGamma } from '../simulation/distributions.ts';
import { StreamPurpose, Xoshiro128 } from '../simulation/random.ts';
import { samplePoisson } from '../simulation/scenario.ts';

/**
 * backtest: fit on the returns before year Y (the window the user chose, see fitWindowFor),
 * project the year Y, and compare with what happened, by placement group, beside two naive
 * benchmarks.
 *
 * Point projection: exact, not simulated. Each child in a modelled state on 1 April of Y − 1
 * (the first day of return year Y) is a distribution over states, pushed through the model's
 * monthly rows for their age (and the age transitions in birthday months) for twelve months;
 * entrants arrive each month at the fitted rate by single year of age and starting state (birth
 * months spread evenly over the year, so they age as real entrants do) and are pushed forward for
 * the rest of the year. The expected number in each care state on 1 April of Y (the children open
 * at 31 March) is compared with the number observed in the returns.
 *
 * Interval: by simulation (a seeded Monte Carlo over `draws` draws), not analytically, because
 * three sources of uncertainty compound non-linearly over twelve monthly steps and an analytic
 * mixture would need the covariance of twelve-step products of Dirichlet rows. Each draw takes
 * 1. parameter uncertainty: every row the draw visits is drawn once from the posterior
 *    Dirichlet(α·p) the calibration gives (α = rateUncertainty.rowConcentration of the fitted
 *    model, else its rateUncertainty.concentration; the same draw as the engine's
 *    baseRowInto, with the engine's xoshiro128** streams and Marsaglia-Tsang gamma sampler);
 *    age transitions (leaving care at 18) have no concentration and are taken as given;
 * 2. entry uncertainty: the year's rate of entries from a Gamma fitted to the fit window's
 *    yearly entry counts (entryRateFor: Jeffreys' posterior for a Poisson rate, widened by the
 *    between-year variance the counts show), split between cells (single year of age × starting
 *    state) by a Dirichlet on their counts; then a Poisson count of entrants per cell, each
 *    arriving in a month drawn uniformly from the year, born in a month drawn uniformly;
 * 3. trajectory noise: every child's twelve months drawn from the drawn rows.
 * The interval is the central `level` range of the draws (type-7 quantiles), for the total in
 * care and per placement group. The point stays the exact expectation under the posterior-mean
 * rows (the draws' mean differs from it only by Monte Carlo error and the slight non-linearity).
 *
 * Episodes that vanish: a child whose episode was open on 31 March of Y − 1 but who has no
 * record of it in the return for Y (no end date: the import keeps it open until 1 April of
 * Y − 1 and censors it) is left out of the comparison for Y altogether: not in the start stock,
 * not counted as an entrant, not in the actual, not in the naive benchmarks. Projected and
 * actual are thus counted over the same children; result.vanished says how many.
 *
 * Placement groups (PLACEMENT_GROUP_OF_STATE): fostering = kinship_foster, inhouse_foster,
 * ifa_foster; residential = residential, secure_home; supported = supported_accommodation;
 * other = every other state a placement code maps to or of category looked_after (youth_custody,
 * placed for adoption, placed with parents, other placements, and any looked-after state added
 * later). The headline figure is the summed absolute error over the four groups.
 *
 * Naive benchmarks, by group: (a) stock carried forward: the children in care on 31 March of
 * Y − 1 as the forecast for 31 March of Y; (b) last year's flows: that stock changed by last
 * year's net flow, i.e. 2·S(Y − 1) − S(Y − 2) per group (entries minus exits plus moves in minus
 * moves out over the year to 31 March of Y − 1), floored at 0; both counted under the same rules
 * as the actual.
 */

export interface BacktestOptions extends Omit<CalibrateOptions, 'referenceWindow'> {
  /** The return year projected (ending 31 March). */
  year: number;
  /**
   * The calibration's chosen window (return years). Used as chosen when it ends before `year`;
   * otherwise (it includes the year projected) the same number of years ending at year − 1: a
   * backtest never fits on the year it projects.
   */
  referenceWindow?: { fromYear: number; toYear: number };
  /** Without a referenceWindow: how many return years before `year` to fit on (default 4, or as many as there are). */
  fitYears?: number;
  /** Monte Carlo draws for the interval (default 1000). */
  draws?: number;
  /** Seed of the interval's random streams (default 903): the same seed gives the same interval. */
  seed?: number;
}

export const PLACEMENT_GROUPS = ['fostering', 'residential', 'supported', 'other'] as const;
export type PlacementGroup = (typeof PLACEMENT_GROUPS)[number];

/** The named states of each group; every other counted state is "other". */
export const PLACEMENT_GROUP_OF_STATE: Readonly<Record<string, PlacementGroup>> = {
  kinship_foster: 'fostering',
  inhouse_foster: 'fostering',
  ifa_foster: 'fostering',
  residential: 'residential',
  secure_home: 'residential',
  supported_accommodation: 'supported',
};

export function placementGroup(state: string): PlacementGroup {
  return PLACEMENT_GROUP_OF_STATE[state] ?? 'other';
}

export interface StateComparison {
  state: string;
  group: PlacementGroup;
  projected: number;
  actual: number;
  error: number;
  absoluteError: number;
  /** (projected − actual) / actual × 100; null when actual is 0. */
  percentError: number | null;
  /** Standard deviation of the count from trajectory noise alone (the rows and entry rate taken as known). */
  sd: number;
}

export interface GroupComparison {
  group: PlacementGroup;
  /** The states counted in the group here. */
  states: string[];
  projected: number;
  /** The central interval of the count at `level`, from the simulation. */
  lower: number;
  upper: number;
  actual: number;
  error: number;
  absoluteError: number;
  /** The naive forecasts for the group: carried forward, and changed by last year's net flow. */
  carriedForward: number;
  lastYearsFlows: number;
}

export interface NaiveBenchmark {
  method: 'carried_forward' | 'last_years_flows';
  description: string;
  total: number;
  /** Summed absolute error over the four groups. */
  groupError: number;
}

export interface BacktestResult {
  year: number;
  fitWindow: { fromYear: number; toYear: number };
  /** How the fit window was chosen, in words. */
  fitWindowRule: string;
  /** The model this backtest vouches for (the published version, once stored). */
  model: { id: string; version: string };
  /** The backtest's own fit: the same method on fitWindow, never stored or published; in words. */
  fit: { window: { fromYear: number; toYear: number }; note: string };
  /** In words: which forecast had the smaller summed group error in the year, the model or a naive benchmark. */
  verdict: string;
  startPopulation: number;
  expectedEntrants: number;
  actualEntrants: number;
  /** Children left out because their episode open on 31 March of Y − 1 vanished from the return for Y. */
  vanished: number;
  /** Whether the calibrated model's entry rates are national or local, in words ("entry rates are national"). */
  entryRates: { basis: string; note: string };
  interval: { level: number; draws: number; seed: number; method: string };
  states: StateComparison[];
  groups: GroupComparison[];
  overall: {
    projected: number;
    actual: number;
    error: number;
    percentError: number | null;
    /** Standard deviation from trajectory noise alone. */
    sd: number;
    /** Mean and standard deviation of the simulated totals (parameter, entry and trajectory uncertainty). */
    simulatedMean: number;
    predictiveSd: number;
    lower: number;
    upper: number;
    /** Whether the actual total lies in [lower, upper]. */
    inInterval: boolean;
    /** Sum of the absolute errors by state. */
    sumAbsoluteError: number;
    /** Weighted absolute percentage error: sum of absolute errors over the actual total, × 100. */
    wape: number | null;
    /** The headline: summed absolute error over the four placement groups. */
    groupError: number;
  };
  /** The model's summed group error beside each naive benchmark's. */
  benchmarks: NaiveBenchmark[];
  calibration: CalibrationReport['headline'];
}

/** The data as it stood at the end of a return year: later returns removed, later endings unknown. */
export function truncateToReturnYear(imported: ImportedSsda903, lastYear: number): ImportedSsda903 {
  const yearEnd = returnYearEndDay(lastYear);
  const openUntil = yearEnd + 1;
  const episodes = imported.episodes
    .filter((e) => parseIsoDate(e.start) <= yearEnd)
    .map((e) => {
      const end = e.end === null ? null : parseIsoDate(e.end);
      if (end !== null && end <= yearEnd) return e;
      const known = e.knownOpenUntil === null ? openUntil : Math.min(parseIsoDate(e.knownOpenUntil), openUntil);
      return { ...e, end: null, reasonEnded: null, ageAtEndYears: null, knownOpenUntil: isoDate(end === null ? known : openUntil) };
    });
  return {
    ...imported,
    returnYears: imported.returnYears.filter((y) => y <= lastYear),
    dataEnd: isoDate(openUntil),
    episodes,
    oc3: imported.oc3.filter((r) => r.returnYear <= lastYear),
  };
}

type Distribution = Map<string, number>;

/** Replacement rows by birthday age and state, from the model's age transitions. */
function birthdayRows(model: CostModelSpec): Map<number, Map<string, TransitionRowSpec>> {
  const out = new Map<number, Map<string, TransitionRowSpec>>();
  for (const rule of model.ageTransitions ?? []) {
    const byState = out.get(rule.atAgeYears) ?? new Map<string, TransitionRowSpec>();
    for (const s of resolveSelector(model, rule.from)) if (!byState.has(s)) byState.set(s, rule.to);
    out.set(rule.atAgeYears, byState);
  }
  return out;
}

/** One person's distribution pushed from the first day of `fromMonth` to the first day of `toMonth`. */
export function propagate(model: CostModelSpec, birthMonth: number, start: Distribution, fromMonth: number, toMonth: number, rules = birthdayRows(model)): Distribution {
  let dist = start;
  for (let month = fromMonth; month < toMonth; month++) {
    const birthday = birthdayAgeInMonth(birthMonth, month);
    const replacements = birthday !== undefined ? rules.get(birthday) : undefined;
    const band = bandForAge(model, ageYearsAtMonthStart(birthMonth, month));
    const rows = band ? model.transitions[band.id] : undefined;
    const next: Distribution = new Map();
    for (const [state, mass] of dist) {
      if (mass === 0) continue;
      const row = replacements?.get(state) ?? rows?.[state];
      if (!row) {
        next.set(state, (next.get(state) ?? 0) + mass);
        continue;
      }
      for (const [to, p] of Object.entries(row)) if (p !== 0) next.set(to, (next.get(to) ?? 0) + mass * p);
    }
    dist = next;
  }
  return dist;
}

const BENCHMARK_NAMES: Record<NaiveBenchmark['method'], string> = { carried_forward: 'the stock carried forward', last_years_flows: 'last year’s flows' };

/**
 * Which forecast did better in the year, in words: the model against each naive benchmark, by the
 * summed absolute error over the four placement groups (lower is better; equal within 1e-9 is a tie).
 */
export function backtestVerdict(year: number, modelError: number, benchmarks: readonly NaiveBenchmark[]): string {
  const better = benchmarks.filter((b) => b.groupError < modelError - 1e-9).map((b) => BENCHMARK_NAMES[b.method]);
  const worse = benchmarks.filter((b) => b.groupError > modelError + 1e-9).map((b) => BENCHMARK_NAMES[b.method]);
  const tied = benchmarks.filter((b) => Math.abs(b.groupError - modelError) <= 1e-9).map((b) => BENCHMARK_NAMES[b.method]);
  const parts: string[] = [];
  if (better.length === benchmarks.length && benchmarks.length > 0) parts.push(`In ${year} the model did worse than both naive benchmarks: ${better.join(' and ')} each forecast the placement groups better (smaller summed group error)`);
  else if (worse.length === benchmarks.length && benchmarks.length > 0) parts.push(`In ${year} the model did better than both naive benchmarks (${worse.join(' and ')}): its summed group error is the smallest`);
  else {
    if (better.length) parts.push(`In ${year} ${better.join(' and ')} did better than the model (smaller summed group error)`);
    if (worse.length) parts.push(`${parts.length ? 'the model did better than' : `In ${year} the model did better than`} ${worse.join(' and ')}`);
    if (tied.length) parts.push(`${parts.length ? 'it tied with' : `In ${year} the model tied with`} ${tied.join(' and ')}`);
  }
  return `${parts.join('; ')}.`;
}

/** The window a backtest of `year` fits on, and the rule that chose it, in words. Throws RangeError for a window with no year before `year`. */
export function fitWindowFor(
  returnYears: readonly number[],
  year: number,
  chosen?: { fromYear: number; toYear: number },
  fitYears = 4,
): { window: { fromYear: number; toYear: number }; rule: string } {
  const first = returnYears[0];
  if (chosen) {
    if (!(chosen.fromYear <= chosen.toYear)) throw new RangeError(`the window ${chosen.fromYear}-${chosen.toYear} ends before it starts`);
    if (chosen.toYear < year) {
      if (chosen.toYear < first) throw new RangeError(`the window ${chosen.fromYear}-${chosen.toYear} ends before the first return imported (${first})`);
      return { window: { fromYear: Math.max(first, chosen.fromYear), toYear: chosen.toYear }, rule: `the chosen window, ${chosen.fromYear}-${chosen.toYear}` };
    }
    const length = chosen.toYear - chosen.fromYear + 1;
    const from = Math.max(first, year - length);
    const used = year - from;
    // Says what was used: with fewer returns before the year than the window's length, fewer years
    // (a review of issue 11 read "4 years ending at 2018" over a fit of 2018-2018).
    const cut = used < length ? `; the returns start in ${first}, so ${used} year${used === 1 ? '' : 's'} (${from}-${year - 1}) of the ${length} were there to fit on` : '';
    return {
      window: { fromYear: from, toYear: year - 1 },
      rule: `${from}-${year - 1}: the chosen window's length (${length} year${length === 1 ? '' : 's'}) ending at ${year - 1}, because the chosen window ${chosen.fromYear}-${chosen.toYear} ${chosen.fromYear <= year ? 'includes the year projected' : 'starts after the year projected'}${cut}`,
    };
  }
  if (!(Number.isInteger(fitYears) && fitYears >= 1)) throw new RangeError(`fitYears must be a whole number of years, at least 1, not ${fitYears}`);
  const from = Math.max(first, year - fitYears);
  return { window: { fromYear: from, toYear: year - 1 }, rule: `${from}-${year - 1}: the ${fitYears} return year${fitYears === 1 ? '' : 's'} before the year projected (as many as there are: ${year - from})` };
}

/**
 * Children whose episode open on 31 March of `year` − 1 has no record in the return for `year`:
 * the import keeps such an episode open until 1 April of `year` − 1 and censors it after.
 */
export function vanishedChildren(imported: ImportedSsda903, year: number): Set<string> {
  if (!imported.returnYears.includes(year)) return new Set();
  const mark = isoDate(returnYearEndDay(year - 1) + 1);
  return new Set(imported.episodes.filter((e) => e.end === null && e.knownOpenUntil === mark).map((e) => e.child));
}

/** Children in care (in a placement that maps to a counted state) on the first day of `month`, by state. */
export function observedStock(histories: Histories, model: CostModelSpec, month: number, counted: ReadonlySet<string>, excluded: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of histories.histories) {
    if (excluded.has(h.child)) continue;
    const k = month - h.firstMonth;
    if (k < 0 || k >= h.targets.length || h.targets[k] < 0 || h.mode[k] !== IN_CARE) continue;
    const states = histories.targets[h.targets[k]].states;
    // A placement of unknown kind (foster care with no provider) counts in each of its states by the prior's shares.
    const band = bandForAge(model, ageYearsAtMonthStart(h.birthMonth, month));
    const shares = states.length === 1 ? [1] : band ? originShares(model, band.id, states) : [];
    states.forEach((s, i) => {
      if (counted.has(s) && shares[i]) out.set(s, (out.get(s) ?? 0) + shares[i]);
    });
  }
  return out;
}

export function byGroup(byState: ReadonlyMap<string, number>): Record<PlacementGroup, number> {
  const out: Record<PlacementGroup, number> = { fostering: 0, residential: 0, supported: 0, other: 0 };
  for (const [state, n] of byState) out[placementGroup(state)] += n;
  return out;
}

const sumOf = (values: Iterable<number>) => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

/** The q-quantile of sorted values, linear between order statistics (Hyndman and Fan type 7). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

interface ChainRow {
  to: Int32Array;
  p: Float64Array;
  concentration: number;
}

/** The fitted model in index form for the simulation: band rows with their Dirichlet concentrations, age transitions. */
export class Chain {
  readonly ids: string[];
  readonly index: Map<string, number>;
  readonly bands: CostModelSpec['ageBands'];
  /** [band × nStates + state] → row. */
  readonly rows: (ChainRow | undefined)[];
  /** birthday age → by state → row (no concentration: taken as given). */
  readonly ageRows = new Map<number, (ChainRow | undefined)[]>();
  constructor(model: CostModelSpec) {
    this.ids = model.states.map((s) => s.id);
    this.index = new Map(this.ids.map((id, i) => [id, i]));
    this.bands = model.ageBands;
    const n = this.ids.length;
    const compile = (row: Record<string, number>, concentration: number): ChainRow => {
      const entries = Object.entries(row).filter(([to, p]) => p > 0 && this.index.has(to));
      return { to: Int32Array.from(entries, ([to]) => this.index.get(to)!), p: Float64Array.from(entries, ([, p]) => p), concentration };
    };
    this.rows = new Array(this.bands.length * n);
    this.bands.forEach((band, b) => {
      for (const [from, row] of Object.entries(model.transitions[band.id] ?? {})) {
        const i = this.index.get(from);
        if (i === undefined) continue;
        const concentration = model.rateUncertainty?.rowConcentration?.[band.id]?.[from] ?? model.rateUncertainty?.concentration ?? 0;
        this.rows[b * n + i] = compile(row, concentration);
      }
    });
    for (const [age, byState] of birthdayRows(model)) {
      const list: (ChainRow | undefined)[] = new Array(n);
      for (const [state, row] of byState) {
        const i = this.index.get(state);
        if (i !== undefined) list[i] = compile(row, 0);
      }
      this.ageRows.set(age, list);
    }
  }
  bandIndex(ageYears: number): number {
    return this.bands.findIndex((b) => ageYears >= b.fromYears && ageYears < b.toYears);
  }
}

/** One draw of the chain: each band row drawn once, when first visited, from its posterior Dirichlet. */
export class DrawnChain {
  private readonly drawn = new Map<number, { to: Int32Array; cumulative: Float64Array }>();
  private readonly fixed = new Map<ChainRow, { to: Int32Array; cumulative: Float64Array }>();
  private readonly rowStream = new Xoshiro128();
  private readonly chain: Chain;
  private readonly seed: number;
  private readonly draw: number;
  constructor(chain: Chain, seed: number, draw: number) {
    this.chain = chain;
    this.seed = seed;
    this.draw = draw;
  }
  private cumulative(row: ChainRow, key: number | undefined): { to: Int32Array; cumulative: Float64Array } {
    const weights = new Float64Array(row.p.length);
    if (key !== undefined && row.concentration > 0) {
      // Dirichlet(α·p) by normalised gamma draws, from the row's own stream (as the engine draws).
      const rng = this.rowStream.reseed(this.seed, StreamPurpose.dirichletRow, this.draw, key + 1);
      for (let j = 0; j < row.p.length; j++) weights[j] = sampleGamma(row.concentration * row.p[j], rng);
    } else {
      weights.set(row.p);
    }
    const total = sumOf(weights);
    if (!(total > 0)) weights.set(row.p);
    const cumulative = new Float64Array(row.p.length);
    let acc = 0;
    const sum = total > 0 ? total : sumOf(row.p);
    for (let j = 0; j < weights.length; j++) cumulative[j] = acc += weights[j] / sum;
    return { to: row.to, cumulative };
  }
  /** The state after one month from `state`, for a child born in `birthMonth`, in `month`; the same state when no row applies. */
  step(state: number, birthMonth: number, month: number, u: number): number {
    const chain = this.chain;
    const birthday = birthdayAgeInMonth(birthMonth, month);
    const ageRow = birthday !== undefined ? chain.ageRows.get(birthday)?.[state] : undefined;
    let sampler: { to: Int32Array; cumulative: Float64Array } | undefined;
    if (ageRow) {
      sampler = this.fixed.get(ageRow);
      if (!sampler) this.fixed.set(ageRow, (sampler = this.cumulative(ageRow, undefined)));
    } else {
      const band = chain.bandIndex(ageYearsAtMonthStart(birthMonth, month));
      if (band < 0) return state;
      const key = band * chain.ids.length + state;
      const row = chain.rows[key];
      if (!row) return state;
      sampler = this.drawn.get(key);
      if (!sampler) this.drawn.set(key, (sampler = this.cumulative(row, key)));
    }
    const { to, cumulative } = sampler;
    for (let j = 0; j < cumulative.length; j++) if (u < cumulative[j]) return to[j];
    return to[to.length - 1] ?? state;
  }
}

/**
 * The distribution of the year's entry rate (entries a year), a Gamma(shape, scale), from the
 * entry counts of the k return years in the fit window (total N): its mean is (N + ½)/k (Jeffreys'
 * posterior mean for a Poisson rate) and its variance (N + ½)/k² (the uncertainty of that mean)
 * plus τ², the between-year variance of the rate by the method of moments, max(0, s² − mean) with
 * s² the sample variance of the yearly counts (0 with one year). Entries into care vary from year
 * to year more than a Poisson count does (trends, and returns to care of children whose earlier
 * care predates the returns); τ² carries that into the interval: a Poisson-Gamma (negative
 * binomial) predictive with a random year effect.
 */
export function entryRateFor(yearCounts: readonly number[]): { shape: number; scale: number; mean: number; betweenYearVariance: number } {
  const k = yearCounts.length;
  const total = sumOf(yearCounts);
  if (k === 0) return { shape: 0, scale: 0, mean: 0, betweenYearVariance: 0 };
  const mean = (total + 0.5) / k;
  const observedMean = total / k;
  const sampleVariance = k > 1 ? sumOf(yearCounts.map((c) => (c - observedMean) ** 2)) / (k - 1) : 0;
  const betweenYearVariance = Math.max(0, sampleVariance - observedMean);
  const variance = mean / k + betweenYearVariance;
  return { shape: (mean * mean) / variance, scale: variance / mean, mean, betweenYearVariance };
}

export interface StartPerson {
  birthMonth: number;
  states: number[];
  weights: number[];
}

/**
 * The simulated totals in care and by group on the first day of endMonth, one per draw (see the
 * module comment for what each draw takes). Deterministic for a seed; worked by hand in backtest-counts-edges.
 */
export function simulateCounts(
  chain: Chain,
  start: StartPerson[],
  entryCells: { ageYears: number; state: number; count: number }[],
  entryRate: { shape: number; scale: number },
  startMonth: number,
  endMonth: number,
  counted: ReadonlySet<string>,
  draws: number,
  seed: number,
): { total: Float64Array; groups: Record<PlacementGroup, Float64Array> } {
  const total = new Float64Array(draws);
  const groups = Object.fromEntries(PLACEMENT_GROUPS.map((g) => [g, new Float64Array(draws)])) as Record<PlacementGroup, Float64Array>;
  const groupOf = chain.ids.map((id) => (counted.has(id) ? PLACEMENT_GROUPS.indexOf(placementGroup(id)) : -1));
  const groupArrays = PLACEMENT_GROUPS.map((g) => groups[g]);
  const entriesTotal = sumOf(entryCells.map((c) => c.count));
  const trajectory = new Xoshiro128();
  const entrants = new Xoshiro128();
  for (let d = 0; d < draws; d++) {
    const drawn = new DrawnChain(chain, seed, d);
    trajectory.reseed(seed, StreamPurpose.trajectory, d);
    entrants.reseed(seed, StreamPurpose.entrants, d);
    const land = (state: number) => {
      const g = groupOf[state];
      if (g < 0) return;
      total[d] += 1;
      groupArrays[g][d] += 1;
    };
    for (const person of start) {
      let u = trajectory.nextDouble();
      let state = person.states[person.states.length - 1];
      for (let i = 0; i < person.states.length; i++) {
        if ((u -= person.weights[i]) < 0) {
          state = person.states[i];
          break;
        }
      }
      for (let month = startMonth; month < endMonth; month++) state = drawn.step(state, person.birthMonth, month, trajectory.nextDouble());
      land(state);
    }
    if (entriesTotal <= 0 || entryRate.shape <= 0) continue;
    // The year's rate of entries (see entryRateFor), split between cells by a Dirichlet on their counts.
    const yearRate = sampleGamma(entryRate.shape, entrants) * entryRate.scale;
    const split = entryCells.map((cell) => sampleGamma(cell.count, entrants));
    const splitTotal = sumOf(split);
    for (const [c, cell] of entryCells.entries()) {
      const n = splitTotal > 0 ? samplePoisson((yearRate * split[c]) / splitTotal, entrants) : 0;
      for (let e = 0; e < n; e++) {
        const entryMonth = startMonth + 1 + Math.floor(entrants.nextDouble() * 12);
        const birthMonth = entryMonth - 1 - (12 * cell.ageYears + Math.floor(entrants.nextDouble() * 12));
        let state = cell.state;
        for (let month = entryMonth; month < endMonth; month++) state = drawn.step(state, birthMonth, month, trajectory.nextDouble());
        land(state);
      }
    }
  }
  return { total, groups };
}

export function backtest(imported: ImportedSsda903, options: BacktestOptions): BacktestResult {
  const { year } = options;
  const first = imported.returnYears[0];
  const last = imported.returnYears[imported.returnYears.length - 1];
  if (year - 1 < first || year > last) {
    throw new RangeError(`backtest year ${year} needs the returns for ${year - 1} and ${year}; ${first} to ${last} were imported`);
  }
  const level = options.intervalLevel ?? 0.9;
  if (!(level > 0 && level < 1)) throw new RangeError(`the interval level must be between 0 and 1, not ${level}`);
  const draws = options.draws ?? 1000;
  if (!(Number.isInteger(draws) && draws >= 20 && draws <= 100_000)) throw new RangeError(`draws must be a whole number from 20 to 100000, not ${draws}`);
  const seed = options.seed ?? 903;
  const { window: fitWindow, rule: fitWindowRule } = fitWindowFor(imported.returnYears, year, options.referenceWindow, options.fitYears);
  const asOf = truncateToReturnYear(imported, year - 1);
  const { referenceWindow: _chosen, fitYears: _fitYears, draws: _draws, seed: _seed, year: _year, ...calibrateOptions } = options;
  const { model, report } = calibrate(asOf, { ...calibrateOptions, intervalLevel: level, referenceWindow: fitWindow, forPublication: false });
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const rules = birthdayRows(model);
  const startMonth = returnYearFirstMonth(year);
  const endMonth = startMonth + 12;
  const vanished = vanishedChildren(imported, year);

  const before = buildHistories(asOf, mapping, model);
  const careStates = before.careStates;
  // Counted as in care: the states a placement maps to, and every looked-after state by category.
  const counted = new Set([...careStates, ...model.states.filter((s) => s.category === 'looked_after').map((s) => s.id)]);
  const chain = new Chain(model);
  const expected = new Map<string, number>();
  const variance = new Map<string, number>();
  let inCareExpected = 0;
  let inCareVariance = 0;
  let startPopulation = 0;
  const accumulate = (dist: Distribution, weight: number, poisson: boolean) => {
    let inCare = 0;
    for (const [state, p] of dist) {
      if (!counted.has(state)) continue;
      const mass = weight * p;
      expected.set(state, (expected.get(state) ?? 0) + mass);
      variance.set(state, (variance.get(state) ?? 0) + (poisson ? mass : mass * (1 - p)));
      inCare += p;
    }
    inCareExpected += weight * inCare;
    inCareVariance += poisson ? weight * inCare : weight * inCare * (1 - inCare);
  };
  const start: StartPerson[] = [];
  const alike = new Map<string, { birthMonth: number; dist: Distribution; count: number }>();
  for (const h of before.histories) {
    if (vanished.has(h.child)) continue;
    const k = startMonth - h.firstMonth;
    if (k < 0 || k >= h.targets.length) continue;
    const target = h.targets[k];
    if (target < 0) continue;
    const states = before.targets[target].states;
    // Not followed after this month, so not part of the population the model can project.
    if (h.mode[k] === DESTINATION_ONLY) continue;
    // A child followed out of care in a state that is also a placement (custody after a sentence) is not counted as in care.
    if (h.mode[k] !== IN_CARE && states.some((s) => careStates.has(s))) continue;
    // A placement of unknown kind starts in its states by the prior's shares, as it is counted in the stock and the actual.
    const band = bandForAge(model, ageYearsAtMonthStart(h.birthMonth, startMonth));
    const weights = states.length === 1 ? [1] : band ? originShares(model, band.id, states) : splitWeights(states, undefined);
    // Children born in the same month in the same state(s) share one exact propagation.
    const key = `${h.birthMonth}|${states.join(',')}`;
    const group = alike.get(key);
    if (group) group.count += 1;
    else alike.set(key, { birthMonth: h.birthMonth, dist: new Map(states.map((s, i) => [s, weights[i]])), count: 1 });
    const known = states.map((s) => chain.index.get(s));
    if (known.every((i) => i !== undefined)) start.push({ birthMonth: h.birthMonth, states: known as number[], weights });
    startPopulation += 1;
  }

  // Identical children's counts are sums of independent Bernoulli trials with the same chance: weight n.
  for (const { birthMonth, dist, count } of alike.values()) accumulate(propagate(model, birthMonth, dist, startMonth, endMonth, rules), count, false);

  // Entrants by single year of age: every starting state at once (Poisson counts add, so their
  // means and variances are linear in the starting mix), for each entry month and birth month.
  let expectedEntrants = 0;
  const entriesByAge = new Map<number, Distribution>();
  for (const { ageYears, state, count } of report.entries.byAge) {
    const perMonth = count / report.window.months;
    const mix = entriesByAge.get(ageYears) ?? new Map<string, number>();
    mix.set(state, (mix.get(state) ?? 0) + perMonth / 12);
    entriesByAge.set(ageYears, mix);
    expectedEntrants += 12 * perMonth;
  }
  for (const [ageYears, mix] of entriesByAge) {
    for (let j = 1; j <= 12; j++) {
      const entryMonth = startMonth + j;
      for (let r = 0; r < 12; r++) {
        const birthMonth = entryMonth - 1 - (12 * ageYears + r);
        accumulate(propagate(model, birthMonth, mix, entryMonth, endMonth, rules), 1, true);
      }
    }
  }
  const entryCells = report.entries.byAge
    .filter((c) => c.count > 0 && chain.index.has(c.state))
    .map((c) => ({ ageYears: c.ageYears, state: chain.index.get(c.state)!, count: c.count }));
  const yearCounts = Array.from({ length: fitWindow.toYear - fitWindow.fromYear + 1 }, (_, i) => report.entries.byReturnYear.find((y) => y.returnYear === fitWindow.fromYear + i)?.count ?? 0);
  const entryRate = entryRateFor(yearCounts);
  const simulated = simulateCounts(chain, start, entryCells, entryRate, startMonth, endMonth, counted, draws, seed);

  const after = buildHistories(imported, mapping, model);
  const actual = observedStock(after, model, endMonth, counted, vanished);
  let actualEntrants = 0;
  for (const h of after.histories) {
    if (vanished.has(h.child)) continue;
    for (let month = startMonth + 1; month <= endMonth; month++) {
      const i = month - h.firstMonth;
      const fromOutside = i === 0 || h.targets[i - 1] < 0 || h.mode[i - 1] === DESTINATION_ONLY;
      if (i >= 0 && i < h.targets.length && h.entered[i] && h.targets[i] >= 0 && fromOutside) actualEntrants += 1;
    }
  }

  // Naive benchmarks from what was known on 31 March of Y − 1, under the same rules as the actual.
  const stockNow = observedStock(before, model, startMonth, counted, vanished);
  const stockYearBefore = observedStock(before, model, startMonth - 12, counted, vanishedChildren(asOf, year - 1));
  const carried = byGroup(stockNow);
  const previous = byGroup(stockYearBefore);

  const states: StateComparison[] = [...counted]
    .filter((state) => (expected.get(state) ?? 0) > 0 || (actual.get(state) ?? 0) > 0 || careStates.has(state))
    .map((state) => {
      const projected = expected.get(state) ?? 0;
      const observed = actual.get(state) ?? 0;
      const error = projected - observed;
      return {
        state,
        group: placementGroup(state),
        projected,
        actual: observed,
        error,
        absoluteError: Math.abs(error),
        percentError: observed > 0 ? (error / observed) * 100 : null,
        sd: Math.sqrt(variance.get(state) ?? 0),
      };
    });
  const projectedGroups = byGroup(expected);
  const actualGroups = byGroup(actual);
  const lowerQ = (1 - level) / 2;
  const groups: GroupComparison[] = PLACEMENT_GROUPS.map((group) => {
    const sorted = Float64Array.from(simulated.groups[group]).sort();
    const projected = projectedGroups[group];
    const error = projected - actualGroups[group];
    return {
      group,
      states: [...counted].filter((s) => placementGroup(s) === group),
      projected,
      lower: quantileSorted(sorted, lowerQ),
      upper: quantileSorted(sorted, 1 - lowerQ),
      actual: actualGroups[group],
      error,
      absoluteError: Math.abs(error),
      carriedForward: carried[group],
      lastYearsFlows: Math.max(0, 2 * carried[group] - previous[group]),
    };
  });
  const groupError = sumOf(groups.map((g) => g.absoluteError));
  const benchmarks: NaiveBenchmark[] = [
    {
      method: 'carried_forward',
      description: `the children in care on 31 March ${year - 1}, by group, as the forecast for 31 March ${year}`,
      total: sumOf(groups.map((g) => g.carriedForward)),
      groupError: sumOf(groups.map((g) => Math.abs(g.carriedForward - g.actual))),
    },
    {
      method: 'last_years_flows',
      description: `the stock on 31 March ${year - 1} changed by the year's net flow to it (entries − exits ± moves between groups, from 31 March ${year - 2}), by group, floored at 0`,
      total: sumOf(groups.map((g) => g.lastYearsFlows)),
      groupError: sumOf(groups.map((g) => Math.abs(g.lastYearsFlows - g.actual))),
    },
  ];
  const verdict = backtestVerdict(year, groupError, benchmarks);
  const totals = Float64Array.from(simulated.total).sort();
  const meanTotal = sumOf(totals) / draws;
  const predictiveSd = Math.sqrt(sumOf(Array.from(totals, (x) => (x - meanTotal) ** 2)) / (draws - 1));
  const actualTotal = sumOf(states.map((s) => s.actual));
  const lower = quantileSorted(totals, lowerQ);
  const upper = quantileSorted(totals, 1 - lowerQ);
  const sumAbsoluteError = sumOf(states.map((s) => s.absoluteError));
  // The entries helper adds report.entryRates.basis; until a population is given, entry rates are national.
  const basis = (report as { entryRates?: { basis?: string } }).entryRates?.basis ?? 'national';
  const entryRates = {
    basis,
    note:
      basis === 'national'
        ? 'entry rates are national (no population was given): the calibrated model keeps the prior’s chance of entering care; this backtest projects entrants from the authority’s own entry counts over the fit window, so it tests the model once children are in care, not its entry rates'
        : `entry rates are ${basis}: the calibrated model’s chance of entering care is the authority’s; this backtest projects entrants from the authority’s own entry counts over the fit window`,
  };
  return {
    year,
    fitWindow,
    fitWindowRule,
    model: { id: model.id, version: model.version },
    fit: {
      window: fitWindow,
      note: `The backtest refits the same method on the returns ${fitWindow.fromYear}-${fitWindow.toYear} only (a fit of its own, not stored or published) and projects ${year} from it; \`model\` names the published model whose method it tests, which was fitted on the calibration window.`,
    },
    verdict,
    startPopulation,
    expectedEntrants,
    actualEntrants,
    vanished: vanished.size,
    entryRates,
    interval: {
      level,
      draws,
      seed,
      method: 'simulation: rows drawn from the posterior Dirichlet (rateUncertainty), entrants Poisson with a Gamma rate from the entry counts, and each child’s months drawn',
    },
    states,
    groups,
    overall: {
      projected: inCareExpected,
      actual: actualTotal,
      error: inCareExpected - actualTotal,
      percentError: actualTotal > 0 ? ((inCareExpected - actualTotal) / actualTotal) * 100 : null,
      sd: Math.sqrt(inCareVariance),
      simulatedMean: meanTotal,
      predictiveSd,
      lower,
      upper,
      inInterval: actualTotal >= lower && actualTotal <= upper,
      sumAbsoluteError,
      wape: actualTotal > 0 ? (sumAbsoluteError / actualTotal) * 100 : null,
      groupError,
    },
    benchmarks,
    calibration: report.headline,
  };
}
