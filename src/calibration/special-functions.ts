/**
 * The few special functions the calibration report needs for its intervals: the log-gamma
 * function, the regularised incomplete beta and gamma functions, and their quantiles.
 *
 * Sources: Lanczos approximation (g = 7, n = 9, the coefficients used by Numerical Recipes 3rd ed.
 * and by most open implementations, relative error below 1e-15); the continued fraction for the
 * incomplete beta (Numerical Recipes §6.4, evaluated by the modified Lentz method) and the series
 * and continued fraction for the incomplete gamma (Numerical Recipes §6.2). Quantiles are found by
 * bisection on the monotone CDF, which is slow by numerical-library standards but exact to the
 * tolerance and cannot fail to converge.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-15;
const TINY = 1e-300;

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** I_x(a, b), the CDF of Beta(a, b) at x. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(a, x), the CDF of Gamma(shape a, scale 1) at x. */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const logFront = -x + a * Math.log(x) - logGamma(a);
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

/** Bisection to a relative precision of 1e-14, however small the quantile. */
function bisect(cdf: (x: number) => number, p: number, lo: number, hi: number): number {
  for (let i = 0; i < 400 && hi - lo > 1e-14 * Math.max(lo, Number.MIN_VALUE); i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The p-quantile of Beta(a, b); a, b > 0. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return bisect((x) => regularizedBeta(x, a, b), p, 0, 1);
}

/** The p-quantile of Gamma(shape a, scale 1); a > 0. */
export function gammaQuantile(p: number, a: number): number {
  if (p <= 0) return 0;
  let hi = Math.max(1, a);
  while (regularizedGammaP(a, hi) < p) hi *= 2;
  return bisect((x) => regularizedGammaP(a, x), p, 0, hi);
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
