import { betaQuantile } from '../simulation/distributions.ts';
import { clopperPearsonBounds } from './poisson-interval.ts';

/**
 * Shrinking observed transition counts towards a prior row.
 *
 * The prior for a row is a Dirichlet with the prior model's row as its mean and `weight` as its
 * total pseudo-count, in the row's own units (person-months for monthly rows, 18th birthdays for
 * leaving care at 18, care-leaver-years for care leaver rows): Dirichlet(w·π). After n
 * observations with counts c, the posterior is Dirichlet(w·π + c), whose mean is
 * (c + w·π) / (n + w). With n ≫ w the data speak; with n ≪ w the row stays near the prior; at
 * n = w they have equal say.
 *
 * The floor (DESTINATION_FLOOR, see priorPseudoCounts): the destinations the return can reveal
 * share half a pseudo-observation, so the prior's zero or near-zero rate is never a certainty.
 *
 * Some months are only partly observed: a child who left care for special guardianship is seen
 * again only if they come back into care, so those months say whether the child moved into one of
 * the care states or not, but not where else they went. Such coarsened counts keep the Dirichlet
 * form (the aggregation property): the care destinations get (α_t + c_t + c'_t) / (A + n + n'),
 * the other destinations share the rest in the proportions (α_u + c_u) of the prior and the fully
 * observed counts (α the prior pseudo-counts, A their sum).
 */

export type Row = Record<string, number>;

export interface RowObservations {
  /** Fully observed person-months. */
  months: number;
  /** Fully observed transitions, by destination (the row's own state for staying). */
  counts: Row;
  /** Partly observed person-months (only moves into `observable` are seen). */
  partialMonths?: number;
  /** Partly observed moves into the observable destinations. */
  partialCounts?: Row;
  /** The destinations a partly observed month can reveal. */
  observable?: ReadonlySet<string>;
}

/**
 * The floor, in the row's own units: half an observation per row, shared equally among the
 * destinations the return can reveal from the row, each of which gets at least its share as a
 * prior pseudo-count (Perks' prior spreads one pseudo-observation over the categories in the
 * same way; half of one keeps the floor below Jeffreys' 1/2 for any one destination).
 *
 * Why: the engine draws each row from Dirichlet(concentration × row), and a Dirichlet component
 * with pseudo-count α has a Gamma(α) tail. The national prior gives some moves a rate of 0 or
 * 0.0003 a month (kinship foster care to residential at 5-9): with w = 60 that is α = 0.018 or
 * nothing, so a move the authority makes could never be drawn, and a zero count could never
 * widen it. With the floor every revealable destination is in the row, its draws have a
 * non-degenerate upper tail, and a move first seen in the data is learned from its count.
 * Why so small: the floor also raises the mean of every floored destination, and so the chance of
 * moving at all in a thin row; half an observation in total moves at most 0.5 / (n + w) of a row's
 * mass (0.8% with no data and w = 60, under 0.1% after 500 months), where one half-observation per
 * destination (nine in a row in care) would move up to 4.5 / (n + w): far more than the prior's
 * total monthly chance of leaving a placement in a thin row. The honest interval for a zero count
 * does not rest on the floor: the report's bound for 0 in n is exact (rateInterval).
 */
export const DESTINATION_FLOOR = 0.5;

/**
 * The prior's Dirichlet pseudo-counts for a row: w·π_j for each destination of the prior row,
 * raised to totalFloor / K for each of the K destinations in `learnable` (destinations the return
 * can reveal from this row and the model allows here; the row's own state is never floored).
 * Adds at most totalFloor to the prior's weight.
 */
export function priorPseudoCounts(prior: Row, weight: number, learnable: Iterable<string>, self: string, totalFloor = DESTINATION_FLOOR): Row {
  const out: Row = {};
  for (const [k, p] of Object.entries(prior)) out[k] = p * weight;
  const floored = [...new Set(learnable)].filter((k) => k !== self);
  if (totalFloor <= 0 || floored.length === 0) return out;
  const share = totalFloor / floored.length;
  for (const k of floored) out[k] = Math.max(out[k] ?? 0, share);
  return out;
}

/** The posterior mean row; `self` receives any mass no prior or observation can place. */
export function posteriorRow(prior: Row, observed: RowObservations, weight: number, self: string): Row {
  const alpha: Row = {};
  for (const [k, p] of Object.entries(prior)) alpha[k] = p * weight;
  return posteriorFromPseudoCounts(alpha, observed, self);
}

/** The posterior mean row from the prior's pseudo-counts α (Dirichlet(α)); `self` receives any mass no prior or observation can place. */
export function posteriorFromPseudoCounts(alpha: Row, observed: RowObservations, self: string): Row {
  const keys = orderedKeys(alpha, observed);
  const partialMonths = observed.partialMonths ?? 0;
  const weight = Object.values(alpha).reduce((a, b) => a + b, 0);
  const total = weight + observed.months + partialMonths;
  const out: Row = {};
  if (total <= 0) {
    for (const k of keys) out[k] = weight > 0 ? (alpha[k] ?? 0) / weight : 0;
    return out;
  }
  if (partialMonths === 0) {
    for (const k of keys) out[k] = ((alpha[k] ?? 0) + (observed.counts[k] ?? 0)) / total;
    return out;
  }
  const observable = observed.observable ?? new Set<string>();
  let observedMass = 0;
  for (const k of keys) {
    if (!observable.has(k)) continue;
    out[k] = ((alpha[k] ?? 0) + (observed.counts[k] ?? 0) + (observed.partialCounts?.[k] ?? 0)) / total;
    observedMass += out[k];
  }
  const rest = Math.max(0, 1 - observedMass);
  let restWeight = 0;
  for (const k of keys) if (!observable.has(k)) restWeight += (alpha[k] ?? 0) + (observed.counts[k] ?? 0);
  for (const k of keys) {
    if (observable.has(k)) continue;
    out[k] = restWeight > 0 ? (rest * ((alpha[k] ?? 0) + (observed.counts[k] ?? 0))) / restWeight : 0;
  }
  if (restWeight === 0 && rest > 0) out[self] = (out[self] ?? 0) + rest;
  return out;
}

function orderedKeys(prior: Row, observed: RowObservations): string[] {
  const keys = Object.keys(prior);
  const seen = new Set(keys);
  const extra = new Set<string>();
  for (const k of [...Object.keys(observed.counts), ...Object.keys(observed.partialCounts ?? {})]) if (!seen.has(k)) extra.add(k);
  return [...keys, ...[...extra].sort()];
}

/**
 * Rounds a row to 1e-10 and puts the rounding residue on its largest entry, so it sums to 1 as
 * closely as floating point allows and stays readable in JSON. Zero entries the prior did not have
 * are left out.
 */
export function tidyRow(row: Row, keepZeros: ReadonlySet<string>): Row {
  const out: Row = {};
  let sum = 0;
  let largest = '';
  for (const [k, v] of Object.entries(row)) {
    const r = Math.round(v * 1e10) / 1e10;
    if (r === 0 && !keepZeros.has(k)) continue;
    out[k] = r;
    sum += r;
    if (largest === '' || r > out[largest]) largest = k;
  }
  if (largest !== '') out[largest] = Math.round((out[largest] + (1 - sum)) * 1e10) / 1e10;
  return out;
}

/**
 * The interval of a rate under Dirichlet(α0 · row): its marginal is Beta(α0·p, α0·(1 − p)), the
 * same uncertainty the engine draws from when rowConcentration is α0. Central (equal tails) at
 * `level`, or with `shape` 'shortest' the shortest interval holding `level` (shortestBetaInterval;
 * leaving care at 18, whose broad skewed posteriors the central interval over-covered), except where the return could have shown a move and showed none (`evidence` with
 * count 0 in n > 0 exposures): then one-sided, [0, U], with U the larger of the posterior's
 * `level` quantile, the estimate p and the exact Clopper-Pearson bound for 0 in n, 1 − (1 − level)^(1/n). So a
 * zero count is never reported as tighter than the data alone allow, however sure the prior is
 * (issue 11: 0 moves in 677 months was reported as [0, 0.00005]; the exact bound is 0.0034 at 90%).
 * Every interval holds the estimate p it is reported with.
 * `evidence` is left out for destinations the return cannot reveal (moves outside care): their
 * interval is the posterior's alone.
 */
export function rateInterval(
  p: number,
  concentration: number,
  level = 0.9,
  evidence?: { count: number; exposures: number },
  shape: 'central' | 'shortest' = 'central',
): { lower: number; upper: number } {
  const zero = evidence !== undefined && evidence.exposures > 0 && evidence.count <= 0;
  if (zero) {
    const exact = clopperPearsonBounds(0, evidence.exposures, level).upper;
    const posterior = p > 0 && p < 1 ? betaQuantile(level, concentration * p, concentration * (1 - p)) : p;
    // The mean of a very skewed Beta (shape well below 1) can lie above its `level` quantile.
    return { lower: 0, upper: Math.max(exact, posterior, p) };
  }
  if (p <= 0) return { lower: 0, upper: 0 };
  if (p >= 1) return { lower: 1, upper: 1 };
  const a = concentration * p;
  const b = concentration * (1 - p);
  const { lower, upper } = shape === 'shortest' ? shortestBetaInterval(level, a, b) : { lower: betaQuantile((1 - level) / 2, a, b), upper: betaQuantile(1 - (1 - level) / 2, a, b) };
  // A Beta with a shape far below 1 has its mean outside its central interval (the mean is carried
  // by a thin tail): the interval is widened to hold the estimate it is reported with.
  return { lower: Math.min(p, lower), upper: Math.max(p, upper) };
}

/**
 * The shortest interval holding `level` of Beta(a, b) (the highest-density interval): for a
 * unimodal Beta (a, b > 1) the one whose ends have equal density. The density at the ends of
 * [Q(u), Q(u + level)] (Q the quantile) goes from "upper end higher" to "lower end higher" as u
 * goes from 0 to 1 − level, so u is found by bisection (60 halvings: u to 1e-18). A Beta whose
 * density falls from 0 (a ≤ 1) gives [0, Q(level)]; one that rises to 1 (b ≤ 1) [Q(1 − level), 1];
 * a U-shaped or flat one (both ≤ 1), which has no single shortest interval, the central one.
 * Shapes in: a, b > 0; level in (0, 1). Out: 0 ≤ lower ≤ upper ≤ 1.
 */
export function shortestBetaInterval(level: number, a: number, b: number): { lower: number; upper: number } {
  if (a <= 1 && b <= 1) return { lower: betaQuantile((1 - level) / 2, a, b), upper: betaQuantile((1 + level) / 2, a, b) };
  if (a <= 1) return { lower: 0, upper: betaQuantile(level, a, b) };
  if (b <= 1) return { lower: betaQuantile(1 - level, a, b), upper: 1 };
  const logDensity = (x: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x);
  let lo = 0;
  let hi = 1 - level;
  for (let i = 0; i < 60; i++) {
    const u = (lo + hi) / 2;
    if (logDensity(betaQuantile(u + level, a, b)) > logDensity(betaQuantile(u, a, b))) lo = u;
    else hi = u;
  }
  const u = (lo + hi) / 2;
  return { lower: betaQuantile(u, a, b), upper: betaQuantile(u + level, a, b) };
}

/** Splits a count among several states in the proportions of a reference row (equally when it has none). */
export function splitWeights(states: readonly string[], reference: Row | undefined): number[] {
  const raw = states.map((s) => reference?.[s] ?? 0);
  const sum = raw.reduce((a, b) => a + b, 0);
  return sum > 0 ? raw.map((r) => r / sum) : states.map(() => 1 / states.length);
}

/**
 * From an annual transition row to a monthly one, assuming a constant monthly chance of leaving
 * and that the destinations keep their annual proportions: stay_month = stay_year^(1/12). Paths
 * with several moves in a year are ignored, which is what the OC3 data (one snapshot a year) can
 * support.
 */
export function monthlyFromAnnual(annual: Row, self: string): Row {
  const stayYear = annual[self] ?? 0;
  const out: Row = {};
  if (stayYear >= 1) return { [self]: 1 };
  const stayMonth = stayYear > 0 ? stayYear ** (1 / 12) : 0;
  const leaving = 1 - stayYear;
  for (const [k, v] of Object.entries(annual)) {
    if (k === self) continue;
    out[k] = ((1 - stayMonth) * v) / leaving;
  }
  out[self] = stayMonth;
  return out;
}
