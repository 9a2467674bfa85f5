import fc from 'fast-check';
import t, { type Test } from 'tap';
import { gammaQuantile, poissonInterval, regularizedGammaP } from '../../src/calibration/poisson-interval.ts';
import { betaQuantile, incompleteBeta as regularizedBeta, lnGamma as logGamma } from '../../src/simulation/distributions.ts';

// The calibration report's intervals: rates use the engine's beta functions, entry counts the gamma
// functions of poisson-interval.ts.

const close = (t: Test, actual: number, expected: number, relative: number, message: string) =>
  t.ok(Math.abs(actual - expected) <= relative * Math.max(1e-300, Math.abs(expected)), `${message}: ${actual} vs ${expected}`);

t.test('log-gamma meets factorials and Γ(1/2) = √π', async (t) => {
  t.ok(Math.abs(logGamma(1)) < 1e-14, 'Γ(1) = 1');
  close(t, logGamma(5), Math.log(24), 1e-13, 'Γ(5) = 4! = 24');
  close(t, logGamma(11), Math.log(3628800), 1e-13, 'Γ(11) = 10!');
  close(t, logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13, 'Γ(1/2) = √π');
});

t.test('beta quantiles meet the closed forms', async (t) => {
  // Beta(1, b): F(x) = 1 − (1 − x)^b, so the q-quantile is 1 − (1 − q)^(1/b).
  close(t, betaQuantile(0.025, 1, 8), 1 - 0.975 ** (1 / 8), 1e-9, 'Beta(1, 8) at 2.5%');
  close(t, betaQuantile(0.975, 1, 8), 1 - 0.025 ** (1 / 8), 1e-9, 'Beta(1, 8) at 97.5%');
  // Beta(a, 1): F(x) = x^a.
  close(t, betaQuantile(0.3, 3, 1), 0.3 ** (1 / 3), 1e-9, 'Beta(3, 1) at 30%');
  // Beta(1/2, 1/2), the arcsine law: F(x) = (2/π) asin(√x), so x = sin²(πq/2).
  close(t, betaQuantile(0.2, 0.5, 0.5), Math.sin((Math.PI * 0.2) / 2) ** 2, 1e-9, 'arcsine at 20%');
  // Symmetry: I_x(a, b) = 1 − I_{1−x}(b, a).
  close(t, regularizedBeta(0.3, 2.5, 7), 1 - regularizedBeta(0.7, 7, 2.5), 1e-12, 'symmetry');
});

t.test('beta quantiles far in the tails, as a rare transition’s interval needs', async (t) => {
  // Beta(a, 1): F(x) = x^a, so the q-quantile is q^(1/a): 0.025^(1/0.03) ≈ 1.7e-54.
  close(t, betaQuantile(0.025, 0.03, 1), 0.025 ** (1 / 0.03), 1e-9, 'Beta(0.03, 1) at 2.5%');
  // Beta(1, b) at q = 1e-12: 1 − (1 − q)^(1/b) = −expm1(log1p(−q)/b) ≈ 1.25e-13.
  close(t, betaQuantile(1e-12, 1, 8), -Math.expm1(Math.log1p(-1e-12) / 8), 1e-9, 'Beta(1, 8) at 1e-12');
  // A calibrated row's marginal: a rate of 1 in 10,000 with concentration 1,000, Beta(0.1, 999.9).
  // Whatever the value, the CDF there must be 2.5% (relative 1e-9), not merely close to it in absolute terms.
  const lower = betaQuantile(0.025, 0.1, 999.9);
  close(t, regularizedBeta(lower, 0.1, 999.9), 0.025, 1e-9, `Beta(0.1, 999.9) at 2.5% is ${lower}`);
  // Shapes of 10^5 (a large authority's row): the continued fraction needs O(√b) terms.
  const upper = betaQuantile(0.975, 3e4, 7e4);
  close(t, regularizedBeta(upper, 3e4, 7e4), 0.975, 1e-9, 'Beta(3e4, 7e4) at 97.5%');
});

t.test('gamma quantiles and the exact Poisson interval', async (t) => {
  // Gamma(1) is the exponential: q-quantile −ln(1 − q).
  close(t, gammaQuantile(0.9, 1), -Math.log(0.1), 1e-9, 'exponential at 90%');
  close(t, regularizedGammaP(3, 2), 1 - Math.exp(-2) * (1 + 2 + 2), 1e-12, 'P(3, 2) = 1 − e^−2 (1 + 2 + 2²/2)');
  // No events: the upper 97.5% bound is −ln(0.025) = 3.6889.
  const none = poissonInterval(0);
  t.equal(none.lower, 0);
  close(t, none.upper, -Math.log(0.025), 1e-9, 'upper bound for 0');
  // Ten events: qchisq(0.025, 20)/2 = 4.7954 and qchisq(0.975, 22)/2 = 18.3904 (the textbook table).
  const ten = poissonInterval(10);
  close(t, ten.lower, 4.7954, 1e-4, 'lower bound for 10');
  close(t, ten.upper, 18.3904, 1e-4, 'upper bound for 10');
});

t.test('quantiles invert their CDFs', async (t) => {
  // Shapes from 1/2 up: below that the upper quantiles sit within 1e-12 of 1, finer than a double near 1 resolves.
  fc.assert(
    fc.property(fc.double({ min: 0.5, max: 50, noNaN: true }), fc.double({ min: 0.5, max: 50, noNaN: true }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (a, b, q) => {
      return Math.abs(regularizedBeta(betaQuantile(q, a, b), a, b) - q) < 1e-8 && Math.abs(regularizedGammaP(a, gammaQuantile(q, a)) - q) < 1e-8;
    }),
    { numRuns: 200 },
  );
  t.pass('200 random shapes and levels');
});
