import t, { type Test } from 'tap';
import { PreparedQuantiles, quantileOf, toDistribution } from '../../src/simulation/distributions.ts';

/**
 * The quantile functions of src/simulation/distributions.ts (quantileOf, the PERT table,
 * PreparedQuantiles; lines 247 to the end) at the places distributions-edges.test.ts does not
 * reach, found by the Stryker run of 1 December over lines 1-114 and 247-433
 * (`MUTATE_TESTS='test/pinned/distributions-edges.test.ts'`). Each test names the mutants it
 * kills. Reference values: hand algebra, or mpmath 1.3 at 50 digits (beta quantiles by 300
 * bisections of mp.betainc(regularized=True)). Equivalent survivors:
 * test/pinned/MUTATION-SURVIVORS.md.
 */

const rel = (t: Test, actual: number, expected: number, tol: number, msg: string) =>
  t.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${msg}: ${actual} vs ${expected} (relative ±${tol})`);

t.test('a lognormal with sd 0 is exactly its mean, not exp(ln mean)', async (t) => {
  // Kills `d.sd === 0` → `false` in quantileOf and in PreparedQuantiles' constructor: without the
  // shortcut the value is exp(ln 100 − 0) = 100.00000000000004, and a mean of 0 (a cost of
  // nothing) gives ln(1 + 0/0) = NaN.
  for (const [mean, u] of [
    [100, 0.9],
    [0, 0.5],
    [1000, 0.01],
  ]) {
    const d = toDistribution({ type: 'lognormal', mean, sd: 0 });
    t.equal(quantileOf(d, u), mean, `quantileOf, mean ${mean}`);
    t.equal(new PreparedQuantiles([d]).at(0, u), mean, `prepared, mean ${mean}`);
  }
});

t.test('PERT: the table and the exact tails meet at u = 1/4096 and 4095/4096', async (t) => {
  // PERT(2, 3, 6), λ = 4 is 2 + 4 × Beta(2, 4). mpmath: qbeta(1/4096, 2, 4) = 0.004965686242390991437,
  // qbeta(2/4096) = 0.007037146616855704045, qbeta(4095/4096) = 0.9149212953400811652. On a grid
  // point the table holds the exact quantile, so both sides of the switch give it to 1e-13.
  const pert = toDistribution({ type: 'pert', min: 2, mode: 3, max: 6 });
  rel(t, quantileOf(pert, 1 / 4096), 2 + 4 * 0.004965686242390991437, 1e-13, 'u = 1/4096');
  rel(t, quantileOf(pert, 2 / 4096), 2 + 4 * 0.007037146616855704045, 1e-13, 'u = 2/4096');
  rel(t, quantileOf(pert, 4095 / 4096), 2 + 4 * 0.9149212953400811652, 1e-13, 'u = 4095/4096');
  const prepared = new PreparedQuantiles([pert]);
  rel(t, prepared.at(0, 4095 / 4096), 2 + 4 * 0.9149212953400811652, 1e-13, 'prepared, u = 4095/4096');
});
