import fc from 'fast-check';
import t from 'tap';
import { rateInterval, shortestBetaInterval } from '../../src/calibration/shrinkage.ts';
import { betaQuantile, incompleteBeta } from '../../src/simulation/distributions.ts';

// The shortest (highest-density) interval of a Beta, used for leaving care at 18 (shrinkage.ts).

t.test('closed forms: J-shaped and symmetric Betas', async (t) => {
  // Beta(1, 8): density falling from 0, F(x) = 1 − (1 − x)^8: [0, 1 − 0.1^(1/8)] at 90%.
  const j = shortestBetaInterval(0.9, 1, 8);
  t.equal(j.lower, 0);
  t.ok(Math.abs(j.upper - (1 - 0.1 ** (1 / 8))) < 1e-12, `Beta(1, 8): ${j.upper}`);
  // Beta(4, 1): density rising to 1, F(x) = x^4: [0.1^(1/4), 1].
  const r = shortestBetaInterval(0.9, 4, 1);
  t.ok(Math.abs(r.lower - 0.1 ** (1 / 4)) < 1e-12 && r.upper === 1, `Beta(4, 1): ${r.lower}`);
  // Beta(3, 3) is symmetric: the shortest interval is the central one.
  const s = shortestBetaInterval(0.9, 3, 3);
  t.ok(Math.abs(s.lower - betaQuantile(0.05, 3, 3)) < 1e-9 && Math.abs(s.upper - betaQuantile(0.95, 3, 3)) < 1e-9, `Beta(3, 3): [${s.lower}, ${s.upper}]`);
  // Beta(3, 2): density 12x²(1 − x), F(x) = 4x³ − 3x⁴. Hand-solved with equal densities at the ends
  // and F(u) − F(l) = 0.9, solved independently by bisection on the closed forms (Python, not this
  // code): l = 0.287809, u = 0.932098.
  const h = shortestBetaInterval(0.9, 3, 2);
  t.ok(Math.abs(h.lower - 0.287809) < 1e-6 && Math.abs(h.upper - 0.932098) < 1e-6, `Beta(3, 2): [${h.lower}, ${h.upper}]`);
  const F = (x: number) => 4 * x ** 3 - 3 * x ** 4;
  t.ok(Math.abs(F(h.upper) - F(h.lower) - 0.9) < 1e-9, 'Beta(3, 2) holds 90%');
  t.ok(Math.abs(h.lower ** 2 * (1 - h.lower) - h.upper ** 2 * (1 - h.upper)) < 1e-9, 'Beta(3, 2): equal density at the ends');
});

t.test('property: holds `level`, equal density at the ends, never longer than the central interval', async (t) => {
  fc.assert(
    fc.property(fc.double({ min: 1.05, max: 80, noNaN: true }), fc.double({ min: 1.05, max: 80, noNaN: true }), fc.double({ min: 0.5, max: 0.99, noNaN: true }), (a, b, level) => {
      const { lower, upper } = shortestBetaInterval(level, a, b);
      const mass = incompleteBeta(upper, a, b) - incompleteBeta(lower, a, b);
      const logDensity = (x: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x);
      const central = betaQuantile((1 + level) / 2, a, b) - betaQuantile((1 - level) / 2, a, b);
      // Equal densities checked for shapes from 1.5: with a shape just above 1 the shortest interval
      // ends within 1e-12 of 0 or 1, where 1 − x is known only to the quantile's relative precision
      // and the log density at that end is ill-conditioned (mass and length still hold).
      const equalEnds = a < 1.5 || b < 1.5 || Math.abs(logDensity(lower) - logDensity(upper)) < 1e-6;
      return Math.abs(mass - level) < 1e-8 && equalEnds && upper - lower <= central + 1e-12;
    }),
    { numRuns: 300 },
  );
  t.pass('300 Betas');
});

t.test('rateInterval: the shortest shape keeps the zero-count bound and holds the estimate', async (t) => {
  // 0 in 5 birthdays: at least the exact bound 1 − 0.1^(1/5), whatever the shape.
  const zero = rateInterval(0.02, 9, 0.9, { count: 0, exposures: 5 }, 'shortest');
  t.equal(zero.lower, 0);
  t.ok(zero.upper >= 1 - 0.1 ** (1 / 5), `upper ${zero.upper}`);
  fc.assert(
    fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 2, max: 500, noNaN: true }), (p, c) => {
      const { lower, upper } = rateInterval(p, c, 0.9, { count: 1, exposures: 10 }, 'shortest');
      return lower <= p && p <= upper && lower >= 0 && upper <= 1;
    }),
    { numRuns: 200 },
  );
  t.pass('holds the estimate');
});
