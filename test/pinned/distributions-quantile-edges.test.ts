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
  // Kills `d.sd === 0` → `false` in quantileOf and in PreparedQuantiles' constructor (the first
  // run found both killed already, by distributions-edges' prepared comparison at mean 0.1; here
  // against the mean itself): without the shortcut the value is exp(ln 100 − 0) =
  // 100.00000000000004, and a mean of 0 (a cost of nothing) gives ln(1 + 0/0) = NaN.
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

t.test('PERT: between grid points the table is the straight line, not the exact quantile', async (t) => {
  // Kills `u * steps` → `u / steps` and `x < 1 || …` → `true` in QuantileTable.at (both solve
  // every u exactly) and the table's length `steps + 1` → `steps − 1` (the last two grid values
  // read as undefined: NaN). PERT(2, 3, 6) = 2 + 4 × Beta(2, 4); mpmath: qbeta(1/4096) =
  // 0.004965686242390991437, qbeta(2/4096) = 0.007037146616855704045, qbeta(4094/4096) =
  // 0.8984632547604773816, qbeta(4095/4096) = 0.9149212953400811652. Halfway between grid points
  // the table gives the mean of its neighbours; the exact quantiles there (qbeta(1.5/4096) =
  // 0.006088550429594214, qbeta(4094.5/4096) = 0.9056567983805903) are 8.7e-5 and 1.0e-3 away.
  const pert = toDistribution({ type: 'pert', min: 2, mode: 3, max: 6 });
  const low = 2 + 4 * ((0.004965686242390991437 + 0.007037146616855704045) / 2);
  rel(t, quantileOf(pert, 1.5 / 4096), low, 1e-13, 'u = 1.5/4096: the line between 1/4096 and 2/4096');
  t.ok(Math.abs(quantileOf(pert, 1.5 / 4096) - (2 + 4 * 0.006088550429594214)) > 3e-4, '… not the exact quantile');
  const high = 2 + 4 * ((0.8984632547604773816 + 0.9149212953400811652) / 2);
  rel(t, quantileOf(pert, 4094.5 / 4096), high, 1e-13, 'u = 4094.5/4096: the line between 4094/4096 and 4095/4096');
  rel(t, new PreparedQuantiles([pert]).at(0, 4094.5 / 4096), high, 1e-13, 'prepared, the same');
});

t.test('PERT with mode − min not 1: the shape parameters 1 + λ(mode − min)/(max − min)', async (t) => {
  // Kills `λ × (mode − min)` → `λ / (mode − min)` in pertTable: the PERTs of the other tests have
  // mode − min = 1, where the two agree. PERT(0, 3, 10), λ = 4: Beta(1 + 12/10, 1 + 28/10) =
  // Beta(2.2, 3.8) on [0, 10]; mpmath: qbeta(0.5, 2.2, 3.8) = 0.3509994849491180178 (a grid point),
  // qbeta(1e-4, 2.2, 3.8) = 0.005233187033555433787 (the exact tail). The mutant's Beta(1.5, 3.8)
  // is far off.
  const pert = toDistribution({ type: 'pert', min: 0, mode: 3, max: 10 });
  rel(t, quantileOf(pert, 0.5), 10 * 0.3509994849491180178, 1e-13, 'median');
  rel(t, quantileOf(pert, 1e-4), 10 * 0.005233187033555433787, 1e-12, 'at 1e-4');
});

t.test('triangular at its cut: prepared and quantileOf take the same side, bit for bit', async (t) => {
  // Kills `u < cut` → `u <= cut` in PreparedQuantiles.at. Triangular(−1, 0.3, 4): cut = 1.3/5 =
  // 0.26; at u = 0.26 both formulas give the mode 0.3 in exact arithmetic, but in doubles the
  // lower one gives 0.30000000000000004 and the upper 0.2999999999999998. quantileOf takes the
  // upper (u is not below the cut), and PreparedQuantiles promises quantileOf's values exactly
  // (the kernel's draws, and so its hashes, depend on it).
  const tri = toDistribution({ type: 'triangular', min: -1, mode: 0.3, max: 4 });
  const want = 4 - Math.sqrt((1 - 0.26) * 5 * 3.7);
  t.equal(quantileOf(tri, 0.26), want, 'quantileOf at the cut: the upper formula');
  t.equal(new PreparedQuantiles([tri]).at(0, 0.26), want, 'prepared: the same double');
  rel(t, want, 0.3, 1e-14, 'which is the mode');
});

t.test('toDistribution adds λ = 4 to a PERT only', async (t) => {
  // Kills `spec.type === 'pert'` → `true`: every distribution would carry a stray λ.
  t.strictSame(toDistribution({ type: 'normal', mean: 1, sd: 2 }), { type: 'normal', mean: 1, sd: 2 });
  t.strictSame(toDistribution({ type: 'triangular', min: 0, mode: 1, max: 2 }), { type: 'triangular', min: 0, mode: 1, max: 2 });
  t.strictSame(toDistribution({ type: 'pert', min: 0, mode: 1, max: 2 }), { type: 'pert', min: 0, mode: 1, max: 2, lambda: 4 });
});
