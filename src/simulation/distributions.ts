import type { DistributionSpec } from '../catalog/model-schema.ts';
import type { Xoshiro128 } from './random.ts';

/**
 * Sampling the uncertainty distributions of the model format, each from an injected random
 * stream. Every sampler consumes a fixed pattern of draws where it can, so that changing one
 * parameter (a higher mean) does not shift the stream for the next one: monotone in its
 * parameters for the same stream (a higher unit cost never lowers a run's total).
 */

export type Distribution =
  | { type: 'fixed'; value: number }
  | { type: 'normal'; mean: number; sd: number }
  | { type: 'lognormal'; mean: number; sd: number }
  | { type: 'triangular'; min: number; mode: number; max: number }
  | { type: 'pert'; min: number; mode: number; max: number; lambda: number }
  | { type: 'uniform'; min: number; max: number };

export function toDistribution(spec: DistributionSpec): Distribution {
  if (typeof spec === 'number') return { type: 'fixed', value: spec };
  if (spec.type === 'pert') return { ...spec, lambda: spec.lambda ?? 4 };
  return spec;
}

export function isFixed(d: Distribution): boolean {
  switch (d.type) {
    case 'fixed':
      return true;
    case 'normal':
    case 'lognormal':
      return d.sd === 0;
    default:
      return d.min === d.max;
  }
}

/** The distribution's mean (the value the exact oracle uses when uncertainty is switched off). */
export function meanOf(d: Distribution): number {
  switch (d.type) {
    case 'fixed':
      return d.value;
    case 'normal':
    case 'lognormal':
      return d.mean;
    case 'triangular':
      return (d.min + d.mode + d.max) / 3;
    case 'pert':
      return (d.min + d.lambda * d.mode + d.max) / (d.lambda + 2);
    case 'uniform':
      return (d.min + d.max) / 2;
  }
}

/**
 * Inverse CDF of the standard normal: Wichura's algorithm AS 241 (PPND16, Applied Statistics
 * 37:477, 1988), relative accuracy about 1e-16, as used by R's qnorm. Inversion keeps draws
 * monotone in the uniform, which "raising a cost never lowers a total" relies on.
 */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r + 13731.693765509461125) * r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r + 5394.1960214247511077) * r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  return normalQuantileTail(p, q);
}

/**
 * normalQuantile outside the central 85% (|p - 0.5| > 0.425), given q = p - 0.5. Kept apart so
 * that normalQuantile itself is small enough for V8 to inline into its callers' loops: a call
 * that is not inlined returns its double boxed, a heap allocation per draw (issue 19: the
 * gamma draws of the Dirichlet rows made tens of megabytes of them per projection).
 */
function normalQuantileTail(p: number, q: number): number {
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    value =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -value : value;
}

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000), with the shape < 1 boost. Used for Dirichlet
 * rows and PERT (through the beta); its number of draws varies, so callers give it its own stream.
 */
export function sampleGamma(shape: number, rng: Xoshiro128): number {
  if (shape <= 0) return 0;
  if (shape < 1) {
    const boost = rng.nextOpenDouble() ** (1 / shape);
    return sampleGamma(shape + 1, rng) * boost;
  }
  const d = shape - 1 / 3;
  return sampleGammaPrepared(d, 1 / Math.sqrt(9 * d), rng);
}

/**
 * Marsaglia and Tsang's loop for a shape of at least 1, given d = shape - 1/3 and
 * c = 1 / sqrt(9d) computed by the caller (once per shape, not once per draw): sampleGamma's
 * draws exactly, the same uniforms consumed.
 */
export function sampleGammaPrepared(d: number, c: number, rng: { nextOpenDouble(): number }): number {
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalQuantile(rng.nextOpenDouble());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.nextOpenDouble();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Regularised incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes §6.4). */
export function incompleteBeta(x: number, a: number, b: number): number {
  return incompleteBetaWith(x, a, b, lnGamma(a + b) - lnGamma(a) - lnGamma(b));
}

/**
 * incompleteBeta given lnBeta = lnGamma(a + b) - lnGamma(a) - lnGamma(b) (that expression, in
 * that order): the same operations, so the same bits, without three lnGamma calls per step of a
 * quantile solve.
 */
function incompleteBetaWith(x: number, a: number, b: number, lnBeta: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnBeta + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  // Converges in O(√max(a, b)) terms: a calibrated row's Beta marginals can have shapes of 10^5.
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** ln Γ(x) by the Lanczos approximation (g = 7, n = 9), accurate to about 1e-15. */
export function lnGamma(x: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = g[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Inverse of the regularised incomplete beta: Newton steps kept inside a shrinking bracket, with
 * a bisection step whenever Newton would leave it (geometric while the bracket spans orders of
 * magnitude, so quantiles like 1e-120 of a Beta(0.003, 10) are found in a few dozen steps).
 * Stops on a relative step or bracket of 1e-15, so small quantiles are as exact as large ones;
 * the result is monotone in p. Used by PERT draws and by the calibration report's intervals.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return betaQuantileWith(p, a, b, lnGamma(a + b) - lnGamma(a) - lnGamma(b));
}

/** betaQuantile given lnBeta (see incompleteBetaWith): the same values, bit for bit. */
function betaQuantileWith(p: number, a: number, b: number, lnBeta: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  for (let i = 0; i < 2000; i++) {
    const f = incompleteBetaWith(x, a, b, lnBeta) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) + lnBeta);
    let next = Number.isFinite(density) && density > 0 ? x - f / density : Number.NaN;
    if (!(next > lo && next < hi)) next = lo > 0 && hi < 4 * lo ? (lo + hi) / 2 : Math.sqrt(Math.max(lo, Number.MIN_VALUE)) * Math.sqrt(hi);
    if (Math.abs(next - x) <= 1e-15 * next || hi - lo <= 1e-15 * hi) return next;
    x = next;
  }
  return x;
}

/**
 * The value of distribution d at probability level u ∈ (0,1): the inverse CDF. One uniform per
 * parameter and inversion make draws monotone in the distribution's location, which keeps
 * "a higher unit cost never lowers a run's total" exactly true, and pairs runs across plans.
 * Normal draws are truncated at `floor` (0 for costs and multipliers).
 */
export function quantileOf(d: Distribution, u: number, floor = Number.NEGATIVE_INFINITY): number {
  switch (d.type) {
    case 'fixed':
      return Math.max(floor, d.value);
    case 'uniform':
      return Math.max(floor, d.min + u * (d.max - d.min));
    case 'normal':
      return Math.max(floor, d.mean + d.sd * normalQuantile(u));
    case 'lognormal': {
      if (d.sd === 0) return Math.max(floor, d.mean);
      const sigma2 = Math.log(1 + (d.sd * d.sd) / (d.mean * d.mean));
      const mu = Math.log(d.mean) - sigma2 / 2;
      return Math.max(floor, Math.exp(mu + Math.sqrt(sigma2) * normalQuantile(u)));
    }
    case 'triangular': {
      const { min, mode, max } = d;
      if (max === min) return Math.max(floor, min);
      const cut = (mode - min) / (max - min);
      const x = u < cut ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
      return Math.max(floor, x);
    }
    case 'pert': {
      const { min, max } = d;
      if (max === min) return Math.max(floor, min);
      return Math.max(floor, min + pertTable(d).at(u) * (max - min));
    }
  }
}

/**
 * The beta quantile is an iterative solve, too slow to repeat for every parameter of every run.
 * A PERT's standardised quantile function is tabulated once per distribution on a uniform grid
 * of 4,096 steps and interpolated linearly in between (monotone, error far below the
 * distribution's own spread); the outer 1/4,096 of each tail is solved exactly.
 */
class QuantileTable {
  static readonly steps = 4096;
  /** The quantile at i / steps for i = 0..steps (PreparedQuantiles.column reads them directly). */
  readonly values: Float64Array;
  /** The exact quantile, for the outer 1/steps of each tail. */
  readonly exact: (u: number) => number;

  constructor(exact: (u: number) => number) {
    this.exact = exact;
    this.values = new Float64Array(QuantileTable.steps + 1);
    for (let i = 0; i <= QuantileTable.steps; i++) this.values[i] = exact(i / QuantileTable.steps);
  }

  at(u: number): number {
    const x = u * QuantileTable.steps;
    if (x < 1 || x > QuantileTable.steps - 1) return this.exact(u);
    const i = Math.floor(x);
    return this.values[i] + (x - i) * (this.values[i + 1] - this.values[i]);
  }
}

/**
 * PERT tables by their four numbers, not by the distribution object: a scenario's slots reach a
 * worker thread as a fresh copy with every chunk (structured clone), and tables keyed by object
 * were rebuilt for each (4,097 beta quantiles apiece, some 0.4 s of CPU a chunk at 1,000
 * people). A table is a function of the numbers alone, so the values are the same. Bounded: the
 * map is emptied when it passes 512 tables.
 */
const pertTables = new Map<string, QuantileTable>();

function pertTable(d: Extract<Distribution, { type: 'pert' }>): QuantileTable {
  const key = `${d.min},${d.mode},${d.max},${d.lambda}`;
  let table = pertTables.get(key);
  if (!table) {
    const alpha = 1 + (d.lambda * (d.mode - d.min)) / (d.max - d.min);
    const beta = 1 + (d.lambda * (d.max - d.mode)) / (d.max - d.min);
    const lnBeta = lnGamma(alpha + beta) - lnGamma(alpha) - lnGamma(beta);
    table = new QuantileTable((u) => betaQuantileWith(u, alpha, beta, lnBeta));
    if (pertTables.size >= 512) pertTables.clear();
    pertTables.set(key, table);
  }
  return table;
}

const KIND = { fixed: 0, uniform: 1, normal: 2, lognormal: 3, triangular: 4, pert: 5 } as const;

/**
 * Inverse CDFs of several distributions, prepared once: quantileOf's values exactly (the same
 * operations in the same order), without its per-call work: no switch on a string, no WeakMap
 * lookup for the PERT table, the lognormal's mu and sigma computed once. The kernel draws every
 * parameter of every run through one of these.
 */
export class PreparedQuantiles {
  readonly size: number;
  private readonly kind: Uint8Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly c: Float64Array;
  private readonly tables: Array<QuantileTable | null>;
  private readonly floor: number;

  constructor(distributions: readonly Distribution[], floor = Number.NEGATIVE_INFINITY) {
    const n = distributions.length;
    this.size = n;
    this.floor = floor;
    this.kind = new Uint8Array(n);
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
    this.c = new Float64Array(n);
    this.tables = new Array(n).fill(null);
    distributions.forEach((d, i) => {
      switch (d.type) {
        case 'fixed':
          this.kind[i] = KIND.fixed;
          this.a[i] = d.value;
          break;
        case 'uniform':
          this.kind[i] = KIND.uniform;
          this.a[i] = d.min;
          this.b[i] = d.max;
          break;
        case 'normal':
          this.kind[i] = KIND.normal;
          this.a[i] = d.mean;
          this.b[i] = d.sd;
          break;
        case 'lognormal':
          if (d.sd === 0) {
            this.kind[i] = KIND.fixed;
            this.a[i] = d.mean;
          } else {
            const sigma2 = Math.log(1 + (d.sd * d.sd) / (d.mean * d.mean));
            this.kind[i] = KIND.lognormal;
            this.a[i] = Math.log(d.mean) - sigma2 / 2;
            this.b[i] = Math.sqrt(sigma2);
          }
          break;
        case 'triangular':
          if (d.max === d.min) {
            this.kind[i] = KIND.fixed;
            this.a[i] = d.min;
          } else {
            this.kind[i] = KIND.triangular;
            this.a[i] = d.min;
            this.b[i] = d.mode;
            this.c[i] = d.max;
          }
          break;
        case 'pert':
          if (d.max === d.min) {
            this.kind[i] = KIND.fixed;
            this.a[i] = d.min;
          } else {
            this.kind[i] = KIND.pert;
            this.a[i] = d.min;
            this.b[i] = d.max;
            this.tables[i] = pertTable(d);
          }
          break;
      }
    });
  }

  /**
   * values[offset + r × stride] = at(i, uniforms[r]) for r < n: the same values, the same
   * operations, with the loop inside, so no value is returned boxed from a call (issue 19:
   * parameter draws made some 30 MB of heap numbers per projection of 10,000 runs).
   */
  column(i: number, uniforms: Float64Array, n: number, values: Float64Array, offset: number, stride: number): void {
    const floor = this.floor;
    const a = this.a[i];
    const b = this.b[i];
    switch (this.kind[i]) {
      case KIND.fixed:
        for (let r = 0; r < n; r++) values[offset + r * stride] = Math.max(floor, a);
        return;
      case KIND.uniform:
        for (let r = 0; r < n; r++) values[offset + r * stride] = Math.max(floor, a + uniforms[r] * (b - a));
        return;
      case KIND.normal:
        for (let r = 0; r < n; r++) values[offset + r * stride] = Math.max(floor, a + b * normalQuantile(uniforms[r]));
        return;
      case KIND.lognormal:
        for (let r = 0; r < n; r++) values[offset + r * stride] = Math.max(floor, Math.exp(a + b * normalQuantile(uniforms[r])));
        return;
      case KIND.triangular:
        for (let r = 0; r < n; r++) values[offset + r * stride] = this.at(i, uniforms[r]);
        return;
      default: {
        // QuantileTable.at written out, the same operations: called, it returned its double boxed.
        const table = this.tables[i] as QuantileTable;
        const steps = QuantileTable.steps;
        const grid = table.values;
        for (let r = 0; r < n; r++) {
          const u = uniforms[r];
          const x = u * steps;
          let q: number;
          if (x < 1 || x > steps - 1) q = table.exact(u);
          else {
            const k = Math.floor(x);
            q = grid[k] + (x - k) * (grid[k + 1] - grid[k]);
          }
          values[offset + r * stride] = Math.max(floor, a + q * (b - a));
        }
      }
    }
  }

  /** The value of distribution i at probability level u: quantileOf(distributions[i], u, floor). */
  at(i: number, u: number): number {
    const floor = this.floor;
    const a = this.a[i];
    switch (this.kind[i]) {
      case KIND.fixed:
        return Math.max(floor, a);
      case KIND.uniform:
        return Math.max(floor, a + u * (this.b[i] - a));
      case KIND.normal:
        return Math.max(floor, a + this.b[i] * normalQuantile(u));
      case KIND.lognormal:
        return Math.max(floor, Math.exp(a + this.b[i] * normalQuantile(u)));
      case KIND.triangular: {
        const mode = this.b[i];
        const max = this.c[i];
        const cut = (mode - a) / (max - a);
        const x = u < cut ? a + Math.sqrt(u * (max - a) * (mode - a)) : max - Math.sqrt((1 - u) * (max - a) * (max - mode));
        return Math.max(floor, x);
      }
      default:
        return Math.max(floor, a + (this.tables[i] as QuantileTable).at(u) * (this.b[i] - a));
    }
  }
}

/** One draw of d from the stream (one uniform consumed). */
export function sample(d: Distribution, rng: Xoshiro128, floor = Number.NEGATIVE_INFINITY): number {
  return quantileOf(d, rng.nextOpenDouble(), floor);
}
