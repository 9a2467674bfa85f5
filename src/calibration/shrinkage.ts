import { betaQuantile } from '../simulation/distributions.ts';

/**
 * Shrinking observed transition counts towards a prior row.
 *
 * The prior for a row is a Dirichlet with the prior model's row as its mean and `weight` as its
 * total pseudo-count (person-months): Dirichlet(w·π). After n person-months with counts c, the
 * posterior is Dirichlet(w·π + c), whose mean is (c + w·π) / (n + w). With n ≫ w the data speak;
 * with n ≪ w the row stays near the prior; at n = w they have equal say.
 *
 * Some months are only partly observed: a child who left care for special guardianship is seen
 * again only if they come back into care, so those months say whether the child moved into one of
 * the care states or not, but not where else they went. Such coarsened counts keep the Dirichlet
 * form (the aggregation property): the care destinations get (w·π_t + c_t + c'_t) / (w + n + n'),
 * the other destinations share the rest in the proportions (w·π_u + c_u) of the prior and the fully
 * observed counts.
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

/** The posterior mean row; `self` receives any mass no prior or observation can place. */
export function posteriorRow(prior: Row, observed: RowObservations, weight: number, self: string): Row {
  const keys = orderedKeys(prior, observed);
  const partialMonths = observed.partialMonths ?? 0;
  const total = weight + observed.months + partialMonths;
  const out: Row = {};
  if (total <= 0) return { ...prior };
  if (partialMonths === 0) {
    for (const k of keys) out[k] = ((prior[k] ?? 0) * weight + (observed.counts[k] ?? 0)) / total;
    return out;
  }
  const observable = observed.observable ?? new Set<string>();
  let observedMass = 0;
  for (const k of keys) {
    if (!observable.has(k)) continue;
    out[k] = ((prior[k] ?? 0) * weight + (observed.counts[k] ?? 0) + (observed.partialCounts?.[k] ?? 0)) / total;
    observedMass += out[k];
  }
  const rest = Math.max(0, 1 - observedMass);
  let restWeight = 0;
  for (const k of keys) if (!observable.has(k)) restWeight += (prior[k] ?? 0) * weight + (observed.counts[k] ?? 0);
  for (const k of keys) {
    if (observable.has(k)) continue;
    out[k] = restWeight > 0 ? (rest * ((prior[k] ?? 0) * weight + (observed.counts[k] ?? 0))) / restWeight : 0;
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
 * The central interval of a rate under Dirichlet(α0 · row): its marginal is Beta(α0·p, α0·(1 − p)).
 * This is the same uncertainty the engine draws from when rowConcentration is α0.
 */
export function rateInterval(p: number, concentration: number, level = 0.95): { lower: number; upper: number } {
  if (p <= 0) return { lower: 0, upper: 0 };
  if (p >= 1) return { lower: 1, upper: 1 };
  const a = concentration * p;
  const b = concentration * (1 - p);
  return { lower: betaQuantile((1 - level) / 2, a, b), upper: betaQuantile(1 - (1 - level) / 2, a, b) };
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
