import t, { type Test } from 'tap';
import { clopperPearsonBounds, gammaQuantile, poissonInterval, regularizedGammaP } from '../../src/calibration/poisson-interval.ts';

/**
 * src/calibration/poisson-interval.ts against closed forms, pure and fast, so that every mutant
 * of it (npm run mutate) meets exact figures. Equivalent survivors are listed in
 * test/pinned/MUTATION-SURVIVORS.md.
 */

/** Gamma(a) CDF for whole a, independently of the module: 1 − e^−x Σ_{k<a} x^k / k!. */
function gammaCdfWhole(a: number, x: number): number {
  let term = Math.exp(-x);
  let sum = term;
  for (let k = 1; k < a; k++) {
    term *= x / k;
    sum += term;
  }
  return 1 - sum;
}

const close = (t: Test, actual: number, expected: number, tol: number, msg: string) => t.ok(Math.abs(actual - expected) <= tol, `${msg}: ${actual} vs ${expected} (±${tol})`);

t.test('regularised lower incomplete gamma: closed forms for whole shapes, both branches', async (t) => {
  // For whole a: P(a, x) = 1 − e^−x Σ_{k<a} x^k / k!.
  // Series branch (x < a + 1): P(3, 2) = 1 − e^−2 (1 + 2 + 2) = 1 − 5e^−2.
  close(t, regularizedGammaP(3, 2), 1 - 5 * Math.exp(-2), 1e-14, 'P(3, 2)');
  // P(4, 4.5) (series, 4.5 < 5): 1 − e^−4.5 (1 + 4.5 + 10.125 + 15.1875).
  close(t, regularizedGammaP(4, 4.5), 1 - Math.exp(-4.5) * (1 + 4.5 + 10.125 + 15.1875), 1e-14, 'P(4, 4.5)');
  // Continued fraction (x >= a + 1): P(2, 5) = 1 − 6e^−5; P(1, 3) = 1 − e^−3; P(4, 5) = 1 − e^−5 (1 + 5 + 12.5 + 125/6).
  close(t, regularizedGammaP(2, 5), 1 - 6 * Math.exp(-5), 1e-14, 'P(2, 5)');
  close(t, regularizedGammaP(1, 3), 1 - Math.exp(-3), 1e-14, 'P(1, 3)');
  close(t, regularizedGammaP(4, 5), 1 - Math.exp(-5) * (1 + 5 + 12.5 + 125 / 6), 1e-14, 'P(4, 5)');
  // Far in the upper tail, where 1 − P is tiny: P(1, 40) = 1 − e^−40.
  close(t, regularizedGammaP(1, 40), 1 - Math.exp(-40), 1e-15, 'P(1, 40)');
  // Half-integer shape: P(1/2, x) = erf(√x); erf(1) = 0.8427007929497149 (A&S table 7.1).
  close(t, regularizedGammaP(0.5, 1), 0.8427007929497149, 1e-14, 'P(1/2, 1) = erf(1)');
  // erf(2) = 0.9953222650189527 (continued fraction: 4 >= 1.5).
  close(t, regularizedGammaP(0.5, 4), 0.9953222650189527, 1e-14, 'P(1/2, 4) = erf(2)');
  // x <= 0: 0. Kills `x <= 0` → `x < 0` (log 0 = −Infinity: P would be NaN or 0 by luck) and the guard removed.
  t.equal(regularizedGammaP(2, 0), 0);
  t.equal(regularizedGammaP(2, -1), 0);
});

t.test('gamma quantiles by closed forms', async (t) => {
  // Gamma(1) is the exponential: the median is ln 2; the 5% point −ln 0.95.
  close(t, gammaQuantile(0.5, 1), Math.LN2, 1e-13, 'median of Exp(1)');
  close(t, gammaQuantile(0.05, 1), -Math.log(0.95), 1e-13, '5% of Exp(1)');
  // Gamma(2): 1 − e^−x (1 + x) = 0.95 at x = 4.743864518390566 (R: qgamma(0.95, 2)).
  close(t, gammaQuantile(0.95, 2), 4.743864518390566, 1e-12, '95% of Gamma(2)');
  // A large shape, the bracket doubled past max(1, a) = 100: the quantile found meets the
  // closed-form CDF (summed here, not by the module) at 0.975.
  close(t, gammaCdfWhole(100, gammaQuantile(0.975, 100)), 0.975, 1e-12, '97.5% of Gamma(100)');
  close(t, gammaCdfWhole(3, gammaQuantile(0.999, 3)), 0.999, 1e-12, '99.9% of Gamma(3)');
  // Above the first bracket [0, max(1, a)] = [0, 1] for a = 1/2: P(1/2, x) = erf(√x) = 0.99 at
  // x = 3.3174483005106067 (erf(1.8213863677184496) = 0.99, A&S 7.1; the bisection meets it).
  close(t, regularizedGammaP(0.5, gammaQuantile(0.99, 0.5)), 0.99, 1e-12, '99% of Gamma(1/2)');
  t.equal(gammaQuantile(0, 3), 0);
  t.equal(gammaQuantile(-0.1, 3), 0);
});

t.test('Garwood interval: the level is used, the lower bound 0 only for no events', async (t) => {
  // k = 1 at 90%: lower = 5% point of Gamma(1) = −ln 0.95; upper = 95% point of Gamma(2).
  // Kills `1 − level` → `1 + level`, α/2 → α×2, 1 − α/2 → 1 + α/2, k + 1 → k − 1, count > 0 → >= 0.
  const one = poissonInterval(1, 0.9);
  close(t, one.lower, -Math.log(0.95), 1e-13, 'lower, 1 event at 90%');
  close(t, one.upper, 4.743864518390566, 1e-12, 'upper, 1 event at 90%');
  // k = 0 at 90%: [0, −ln 0.05].
  const none = poissonInterval(0, 0.9);
  t.equal(none.lower, 0);
  close(t, none.upper, -Math.log(0.05), 1e-12, 'upper, no events at 90%');
  // The default level is 95%: k = 1 → lower −ln 0.975, upper the 97.5% point of Gamma(2).
  const d = poissonInterval(1);
  close(t, d.lower, -Math.log(0.975), 1e-13, 'lower at the default 95%');
  close(t, gammaCdfWhole(2, d.upper), 0.975, 1e-12, 'upper at the default 95%');
  // k = 3 at 95%: the 2.5% point of Gamma(3) and the 97.5% point of Gamma(4).
  const three = poissonInterval(3);
  close(t, gammaCdfWhole(3, three.lower), 0.025, 1e-12, 'lower, 3 events');
  close(t, gammaCdfWhole(4, three.upper), 0.975, 1e-12, 'upper, 3 events');
});

t.test('Clopper-Pearson bounds against the closed forms of Beta(1, n) and Beta(n, 1)', async (t) => {
  const L = 0.975;
  // 1 of 2: lower = (1 − L) quantile of Beta(1, 2): 1 − (1 − x)² = 0.025 → x = 1 − √0.975;
  // upper = L quantile of Beta(2, 1): x² = 0.975 → √0.975.
  const half = clopperPearsonBounds(1, 2, L);
  close(t, half.lower, 1 - Math.sqrt(L), 1e-12, '1 of 2, lower');
  close(t, half.upper, Math.sqrt(L), 1e-12, '1 of 2, upper');
  // 0 of 4: [0, 1 − 0.025^(1/4)].
  const zero = clopperPearsonBounds(0, 4, L);
  t.equal(zero.lower, 0);
  close(t, zero.upper, 1 - 0.025 ** 0.25, 1e-15, '0 of 4, upper (closed form)');
  // No events uses the closed form, exact to rounding, not the beta quantile (good to about
  // 1e-11 relative at extreme levels): 0 of 50 at 1 − 1e-7 is 1 − (1 − L)^(1/50) within 1e-15
  // relative, where betaQuantile(L, 1, 50) is 1.6e-11 off. Kills `k === 0 ? … ` → `false ? …`.
  const L7 = 0.9999999;
  const extreme = clopperPearsonBounds(0, 50, L7);
  close(t, extreme.upper, 1 - (1 - L7) ** (1 / 50), 1e-15 * extreme.upper, '0 of 50 at 1 − 1e-7 (closed form)');
  // 3 of 3: [0.025^(1/3), 1]: Beta(3, 1) has F(x) = x³.
  const all = clopperPearsonBounds(3, 3, L);
  close(t, all.lower, 0.025 ** (1 / 3), 1e-12, '3 of 3, lower');
  t.equal(all.upper, 1);
  // Counts outside [0, n] are clamped: −2 of 4 is 0 of 4; 9 of 3 is 3 of 3.
  t.same(clopperPearsonBounds(-2, 4, L), zero);
  t.same(clopperPearsonBounds(9, 3, L), all);
  // No trials say nothing; NaN trials too.
  t.same(clopperPearsonBounds(0, 0, L), { lower: 0, upper: 1 });
  t.same(clopperPearsonBounds(1, Number.NaN, L), { lower: 0, upper: 1 });
  t.same(clopperPearsonBounds(1, -3, L), { lower: 0, upper: 1 });
  // Fractional counts use the beta quantiles at any positive shapes. 0.5 of 1.5 at 90%:
  // upper = 90% point of Beta(1.5, 1), F = x^1.5 → 0.9^(2/3); lower = 10% point of Beta(0.5, 2),
  // F(x) = (3/4)(2√x − (2/3)x^1.5) = 1.5√x − 0.5x^1.5 (B(1/2, 2) = 4/3), checked by its residual.
  const frac = clopperPearsonBounds(0.5, 1.5, 0.9);
  close(t, frac.upper, 0.9 ** (2 / 3), 1e-12, '0.5 of 1.5, upper');
  close(t, 1.5 * Math.sqrt(frac.lower) - 0.5 * frac.lower ** 1.5, 0.1, 1e-12, '0.5 of 1.5, lower');
  // 0.5 of 0.5 at 90%: lower = 10% point of Beta(0.5, 1), F = √x → 0.01; upper 1.
  const all5 = clopperPearsonBounds(0.5, 0.5, 0.9);
  close(t, all5.lower, 0.01, 1e-12, '0.5 of 0.5, lower');
  t.equal(all5.upper, 1);
});
