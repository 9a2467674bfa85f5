import { betaQuantile, lnGamma } from '../simulation/distributions.ts';

/**
 * The exact interval for a count of entries into care: the regularised incomplete gamma function
 * and its quantile, which only the calibration report needs. The log-gamma function and the beta
 * functions behind the rate intervals are the engine's (src/simulation/distributions.ts): one
 * implementation of each special function in the codebase.
 *
 * Sources: the series and the continued fraction for the incomplete gamma (Numerical Recipes
 * 3rd ed. §6.2, the fraction evaluated by the modified Lentz method). The quantile is found by
 * bisection on the monotone CDF: slow by numerical-library standards, but exact to the tolerance
 * and it cannot fail to converge.
 */

const EPS = 1e-15;
const TINY = 1e-300;

/** P(a, x), the CDF of Gamma(shape a, scale 1) at x. */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const logFront = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 10_000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return sum * Math.exp(logFront);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return 1 - Math.exp(logFront) * h;
}

/** The p-quantile of Gamma(shape a, scale 1); a > 0. Bisection to a relative precision of 1e-14. */
export function gammaQuantile(p: number, a: number): number {
  if (p <= 0) return 0;
  let lo = 0;
  let hi = Math.max(1, a);
  while (regularizedGammaP(a, hi) < p) hi *= 2;
  for (let i = 0; i < 400 && hi - lo > 1e-14 * Math.max(lo, Number.MIN_VALUE); i++) {
    const mid = (lo + hi) / 2;
    if (regularizedGammaP(a, mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Exact (Garwood) interval for a Poisson mean from a count k: the α/2 quantile of Gamma(k) and
 * the 1 − α/2 quantile of Gamma(k + 1); the lower bound is 0 when k = 0.
 */
export function poissonInterval(count: number, level = 0.95): { lower: number; upper: number } {
  const alpha = 1 - level;
  return {
    lower: count > 0 ? gammaQuantile(alpha / 2, count) : 0,
    upper: gammaQuantile(1 - alpha / 2, count + 1),
  };
}

/**
 * Exact (Clopper-Pearson) bounds for a binomial proportion from `count` events in `n` trials
 * (Clopper and Pearson, Biometrika 1934): the lower bound is the (1 − level) quantile of
 * Beta(count, n − count + 1), the upper the `level` quantile of Beta(count + 1, n − count), each
 * one-sided at `level`; the lower is 0 when count = 0, the upper 1 when count = n. For count = 0
 * the upper bound is the closed form 1 − (1 − level)^(1/n) (Beta(1, n) has F(x) = 1 − (1 − x)^n).
 * Counts may be fractional (a month shared between states): the beta quantiles are defined for
 * any positive shapes. n = 0 says nothing: [0, 1].
 *
 * A two-sided interval at level L is the pair of one-sided bounds at (1 + L)/2.
 */
export function clopperPearsonBounds(count: number, n: number, level: number): { lower: number; upper: number } {
  if (!(n > 0)) return { lower: 0, upper: 1 };
  const k = Math.min(Math.max(count, 0), n);
  const lower = k > 0 ? betaQuantile(1 - level, k, n - k + 1) : 0;
  const upper = k >= n ? 1 : k === 0 ? 1 - (1 - level) ** (1 / n) : betaQuantile(level, k + 1, n - k);
  return { lower, upper };
}
