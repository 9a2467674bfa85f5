import t, { type Test } from 'tap';
import {
  type Distribution,
  PreparedQuantiles,
  betaQuantile,
  incompleteBeta,
  isFixed,
  lnGamma,
  meanOf,
  normalQuantile,
  quantileOf,
  sample,
  sampleGamma,
  sampleGammaPrepared,
  toDistribution,
} from '../../src/simulation/distributions.ts';
import { type Xoshiro128, keyedStream } from '../../src/simulation/random.ts';

/**
 * src/simulation/distributions.ts against independent figures, pure and fast, so that every
 * mutant of it (npm run mutate) meets exact values: each branch of the normal quantile (AS 241
 * has three polynomials), both branches of the incomplete beta and of lnGamma, every
 * distribution's quantile, mean, floor and fixed test, the prepared quantiles bit for bit, and
 * the gamma sampler draw for draw against Marsaglia and Tsang's algorithm written out here.
 *
 * Reference values: mpmath 1.3 at 60 digits (normal quantile by bisection of mp.ncdf to 1e-60;
 * lnGamma by mp.loggamma; I_x(a, b) by mp.betainc(regularized=True); beta quantiles by 400
 * bisections of mp.betainc), each for the double given. Equivalent survivors are listed in
 * test/pinned/MUTATION-SURVIVORS.md.
 */

const rel = (t: Test, actual: number, expected: number, tol: number, msg: string) =>
  t.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${msg}: ${actual} vs ${expected} (relative ±${tol})`);
const abs = (t: Test, actual: number, expected: number, tol: number, msg: string) => t.ok(Math.abs(actual - expected) <= tol, `${msg}: ${actual} vs ${expected} (±${tol})`);

t.test('normal quantile: all three polynomials of AS 241 against mpmath', async (t) => {
  // Central branch, |p − 0.5| <= 0.425.
  rel(t, normalQuantile(0.3), -0.52440051270804081597, 1e-14, 'qnorm(0.3)');
  rel(t, normalQuantile(0.9), 1.2815515655446005935, 1e-14, 'qnorm(0.9)');
  rel(t, normalQuantile(0.1), -1.2815515655446004353, 1e-14, 'qnorm(0.1)');
  rel(t, normalQuantile(0.075), -1.4395314709384559349, 1e-14, 'qnorm(0.075), at the edge of the central branch');
  rel(t, normalQuantile(0.925), 1.4395314709384562291, 1e-14, 'qnorm(0.925)');
  // First tail polynomial, r = sqrt(−ln min(p, 1 − p)) <= 5.
  rel(t, normalQuantile(0.01), -2.3263478740408410931, 1e-14, 'qnorm(0.01)');
  rel(t, normalQuantile(0.999), 3.0902323061678132778, 1e-14, 'qnorm(0.999)');
  rel(t, normalQuantile(1e-5), -4.2648907939228246102, 1e-14, 'qnorm(1e-5)');
  // Second tail polynomial, r > 5 (p < e^−25 ≈ 1.4e-11).
  rel(t, normalQuantile(1e-12), -7.0344838253011319326, 1e-14, 'qnorm(1e-12)');
  rel(t, normalQuantile(1e-20), -9.2623400897984075796, 1e-14, 'qnorm(1e-20)');
  rel(t, normalQuantile(1e-100), -21.273453560965324294, 1e-14, 'qnorm(1e-100)');
  rel(t, normalQuantile(1e-300), -37.047096299361199237, 1e-14, 'qnorm(1e-300)');
  rel(t, normalQuantile(1 - 2 ** -45), 7.5151552941589075804, 1e-14, 'qnorm(1 − 2^−45), upper tail');
});

t.test('lnGamma: the reflection branch (x < 0.5) and the Lanczos sum', async (t) => {
  abs(t, lnGamma(0.25), 1.2880225246980774574, 1e-13, 'ln Γ(0.25)');
  abs(t, lnGamma(0.1), 2.252712651734205902, 1e-13, 'ln Γ(0.1)');
  abs(t, lnGamma(3.7), 1.4280723266653881292, 1e-13, 'ln Γ(3.7)');
  abs(t, lnGamma(1.5), -0.12078223763524522235, 1e-13, 'ln Γ(1.5)');
  abs(t, lnGamma(100.5), 361.43554046777762156, 1e-11, 'ln Γ(100.5)');
  abs(t, lnGamma(1), 0, 1e-14, 'ln Γ(1) = 0');
  abs(t, lnGamma(2), 0, 1e-14, 'ln Γ(2) = 0');
});

t.test('regularised incomplete beta: both sides of the switch x < (a + 1)/(a + b + 2), and the ends', async (t) => {
  // I_x(2, 3) = 6x²(1−x)² + 4x³(1−x) + x⁴: at 0.2, 0.1536 + 0.0256 + 0.0016 = 0.1808 (direct side).
  abs(t, incompleteBeta(0.2, 2, 3), 0.1808, 1e-14, 'I_0.2(2, 3)');
  // At 0.9 (x > 3/7: the reflected side): 0.0486 + 0.2916 + 0.6561 = 0.9963.
  abs(t, incompleteBeta(0.9, 2, 3), 0.9963, 1e-14, 'I_0.9(2, 3)');
  // I_x(1/2, 1/2) = (2/π) asin √x.
  abs(t, incompleteBeta(0.3, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(0.3)), 1e-14, 'I_0.3(1/2, 1/2) = (2/π) asin √0.3');
  abs(t, incompleteBeta(0.001, 0.003, 10), 0.98780482622958133507, 1e-13, 'I_0.001(0.003, 10)');
  abs(t, incompleteBeta(0.5, 200, 300), 0.99999645651973560746, 1e-13, 'I_0.5(200, 300)');
  abs(t, incompleteBeta(0.41, 200, 300), 0.67762816477217894864, 1e-12, 'I_0.41(200, 300)');
  abs(t, incompleteBeta(0.7, 3.5, 1.2), 0.3523815711382461603, 1e-13, 'I_0.7(3.5, 1.2)');
  // I_x(1, b) = 1 − (1 − x)^b.
  abs(t, incompleteBeta(0.25, 1, 3), 1 - 0.75 ** 3, 1e-14, 'I_0.25(1, 3) = 1 − 0.75³');
  t.equal(incompleteBeta(0, 2, 3), 0, 'x = 0');
  t.equal(incompleteBeta(-0.5, 2, 3), 0, 'x < 0');
  t.equal(incompleteBeta(1, 2, 3), 1, 'x = 1');
  t.equal(incompleteBeta(1.5, 2, 3), 1, 'x > 1');
});

t.test('beta quantile against mpmath, small and large p, shapes below and above 1', async (t) => {
  rel(t, betaQuantile(0.05, 2, 4), 0.076440391412328887974, 1e-13, 'qbeta(0.05, 2, 4)');
  rel(t, betaQuantile(0.95, 2, 4), 0.65740831800113861724, 1e-13, 'qbeta(0.95, 2, 4)');
  rel(t, betaQuantile(0.5, 0.003, 10), 2.685742199246606332e-102, 1e-11, 'qbeta(0.5, 0.003, 10)');
  rel(t, betaQuantile(0.9, 0.5, 0.5), 0.97552825814757679684, 1e-13, 'qbeta(0.9, 1/2, 1/2) = sin²(0.45π)');
  rel(t, betaQuantile(0.01, 50, 5), 0.79978814399827466466, 1e-13, 'qbeta(0.01, 50, 5)');
  rel(t, betaQuantile(1e-4, 2, 4), 0.0031723333727743951204, 1e-13, 'qbeta(1e-4, 2, 4)');
  rel(t, betaQuantile(0.9999, 2, 4), 0.93218692084574085106, 1e-13, 'qbeta(0.9999, 2, 4)');
  rel(t, betaQuantile(0.3, 1, 1), 0.3, 1e-13, 'qbeta(0.3, 1, 1): uniform');
  // Beta(1, 3): 1 − (1 − x)³ = p, so x = 1 − (1 − p)^(1/3).
  rel(t, betaQuantile(0.7, 1, 3), 1 - 0.3 ** (1 / 3), 1e-13, 'qbeta(0.7, 1, 3) = 1 − 0.3^(1/3)');
  t.equal(betaQuantile(0, 2, 3), 0, 'p = 0');
  t.equal(betaQuantile(-1, 2, 3), 0, 'p < 0');
  t.equal(betaQuantile(1, 2, 3), 1, 'p = 1');
  t.equal(betaQuantile(2, 2, 3), 1, 'p > 1');
});

const pert = toDistribution({ type: 'pert', min: 2, mode: 3, max: 6 }) as Extract<Distribution, { type: 'pert' }>;
const pert2 = toDistribution({ type: 'pert', min: 0, mode: 1, max: 4, lambda: 2 });

t.test('each distribution: quantile by hand, mean, fixed test, floor', async (t) => {
  // Uniform(2, 10): 2 + 8u.
  const uni = toDistribution({ type: 'uniform', min: 2, max: 10 });
  t.equal(quantileOf(uni, 0.25), 4, 'uniform at 1/4');
  t.equal(quantileOf(toDistribution({ type: 'uniform', min: -10, max: -2 }), 0.5, 0), 0, 'uniform floored at 0');
  t.equal(meanOf(uni), 6, 'uniform mean (2 + 10)/2');
  // Normal(5, 2): 5 + 2 Φ⁻¹(u).
  const nor = toDistribution({ type: 'normal', mean: 5, sd: 2 });
  rel(t, quantileOf(nor, 0.9), 5 + 2 * 1.2815515655446005935, 1e-14, 'normal at 0.9');
  t.equal(meanOf(nor), 5, 'normal mean');
  // Lognormal(mean 100, sd 30): median 100 / sqrt(1.09); sd 0 is its mean.
  const logn = toDistribution({ type: 'lognormal', mean: 100, sd: 30 });
  rel(t, quantileOf(logn, 0.5), 100 / Math.sqrt(1.09), 1e-14, 'lognormal median');
  // Upper decile: exp(μ + σ z), σ² = ln 1.09, μ = ln 100 − σ²/2.
  const s2 = Math.log(1.09);
  rel(t, quantileOf(logn, 0.9), Math.exp(Math.log(100) - s2 / 2 + Math.sqrt(s2) * 1.2815515655446005935), 1e-14, 'lognormal upper decile');
  t.equal(meanOf(logn), 100, 'lognormal mean');
  t.equal(quantileOf(toDistribution({ type: 'lognormal', mean: 7, sd: 0 }), 0.9), 7, 'lognormal with sd 0 is its mean');
  t.equal(quantileOf(toDistribution({ type: 'lognormal', mean: 7, sd: 0 }), 0.9, 10), 10, '… floored');
  // Triangular(1, 2, 5): cut at (2 − 1)/4 = 1/4; below x = 1 + sqrt(4u), above x = 5 − sqrt(12(1 − u)).
  const tri = toDistribution({ type: 'triangular', min: 1, mode: 2, max: 5 });
  t.equal(quantileOf(tri, 0.0625), 1.5, 'triangular below the mode: 1 + sqrt(0.0625 × 4 × 1)');
  rel(t, quantileOf(tri, 0.75), 5 - Math.sqrt(3), 1e-14, 'triangular above the mode: 5 − sqrt(0.25 × 4 × 3)');
  rel(t, quantileOf(tri, 0.25), 2, 1e-14, 'triangular at the cut: the mode');
  rel(t, meanOf(tri), 8 / 3, 1e-14, 'triangular mean (1 + 2 + 5)/3');
  t.equal(quantileOf(toDistribution({ type: 'triangular', min: 3, mode: 3, max: 3 }), 0.4), 3, 'degenerate triangular');
  t.equal(quantileOf(tri, 0.1, 100), 100, 'triangular floored');
  // PERT(2, 3, 6), λ = 4: Beta(1 + 4·1/4, 1 + 4·3/4) = Beta(2, 4) on [2, 6]; mean (2 + 12 + 6)/6.
  rel(t, meanOf(pert), 20 / 6, 1e-14, 'PERT mean');
  rel(t, quantileOf(pert, 0.5), 2 + 4 * 0.3138101704556974, 1e-9, 'PERT median (interpolated from the table)');
  // The line between grid points is off by 1.3e-7 here (the quantile bends near the tail); 1e-6 allows it.
  abs(t, quantileOf(pert, 0.05), 2 + 4 * 0.076440391412328887974, 1e-6, 'PERT at 0.05 (table)');
  // The outer 1/4096 of each tail is solved exactly; the table's line would be far off there.
  rel(t, quantileOf(pert, 1e-4), 2 + 4 * 0.0031723333727743951204, 1e-12, 'PERT at 1e-4 (exact tail)');
  rel(t, quantileOf(pert, 0.9999), 2 + 4 * 0.93218692084574085106, 1e-12, 'PERT at 0.9999 (exact tail)');
  // On a grid point the table holds the exact quantile.
  rel(t, quantileOf(pert, 1024 / 4096), 2 + 4 * betaQuantile(0.25, 2, 4), 1e-14, 'PERT on a grid point');
  t.equal(quantileOf(toDistribution({ type: 'pert', min: 4, mode: 4, max: 4 }), 0.3), 4, 'degenerate PERT');
  t.equal(quantileOf(pert, 0.5, 50), 50, 'PERT floored');
  // λ given: PERT(0, 1, 4) with λ = 2 is Beta(1.5, 2.5) on [0, 4]; mean (0 + 2 + 4)/4 = 1.5.
  t.equal(meanOf(pert2), 1.5, 'PERT mean with λ = 2');
  rel(t, quantileOf(pert2, 0.5), 4 * betaQuantile(0.5, 1.5, 2.5), 1e-8, 'PERT median with λ = 2');
  // (Each PERT object builds its table of 4,097 beta quantiles once: the prepared quantiles below
  // reuse these two, which keeps each mutant's run short.)
  t.equal(quantileOf(toDistribution(-3), 0.5, 0), 0, 'fixed floored');
  t.equal(meanOf(toDistribution(-3)), -3, 'fixed mean');
  rel(t, quantileOf(toDistribution({ type: 'normal', mean: 1, sd: 10 }), 0.99, 0), 1 + 10 * 2.3263478740408410931, 1e-14, 'normal above its floor');
});

t.test('isFixed for every type', async (t) => {
  t.equal(isFixed(toDistribution(3)), true);
  t.equal(isFixed(toDistribution({ type: 'normal', mean: 1, sd: 0 })), true);
  t.equal(isFixed(toDistribution({ type: 'normal', mean: 1, sd: 1 })), false);
  t.equal(isFixed(toDistribution({ type: 'lognormal', mean: 1, sd: 0 })), true);
  t.equal(isFixed(toDistribution({ type: 'lognormal', mean: 1, sd: 0.5 })), false);
  t.equal(isFixed(toDistribution({ type: 'uniform', min: 2, max: 2 })), true);
  t.equal(isFixed(toDistribution({ type: 'uniform', min: 2, max: 3 })), false);
  t.equal(isFixed(toDistribution({ type: 'triangular', min: 2, mode: 2, max: 2 })), true);
  t.equal(isFixed(pert), false);
});

t.test('sample: one uniform, then the quantile', async (t) => {
  const a = keyedStream(77, 1);
  const b = keyedStream(77, 1);
  for (let i = 0; i < 5; i++) t.equal(sample(pert, a, 1), quantileOf(pert, b.nextOpenDouble(), 1));
  t.equal(a.nextUint32(), b.nextUint32(), 'the streams are in step');
  const c = keyedStream(78, 1);
  const d = keyedStream(78, 1);
  t.equal(sample(toDistribution({ type: 'normal', mean: 0, sd: 1 }), c), normalQuantile(d.nextOpenDouble()), 'no floor by default');
});

t.test('prepared quantiles: quantileOf bit for bit, every type, with and without a floor', async (t) => {
  const ds: Distribution[] = [
    toDistribution(-2.5),
    toDistribution({ type: 'uniform', min: -3, max: 9 }),
    toDistribution({ type: 'normal', mean: 1, sd: 4 }),
    toDistribution({ type: 'lognormal', mean: 3, sd: 2 }),
    toDistribution({ type: 'lognormal', mean: 0.1, sd: 0 }),
    toDistribution({ type: 'lognormal', mean: 7, sd: 0 }),
    toDistribution({ type: 'triangular', min: -1, mode: 2, max: 5 }),
    toDistribution({ type: 'triangular', min: 3, mode: 3, max: 3 }),
    pert,
    pert2,
    toDistribution({ type: 'pert', min: 4, mode: 4, max: 4 }),
  ];
  const us = [1e-9, 1e-4, 0.01, 0.2, 0.3333, 0.5, 0.61, 0.9, 0.9999, 1 - 1e-9];
  for (const floor of [Number.NEGATIVE_INFINITY, 0]) {
    const prepared = new PreparedQuantiles(ds, floor);
    t.equal(prepared.size, ds.length);
    let same = 0;
    const diffs: string[] = [];
    ds.forEach((d, i) => {
      for (const u of us) {
        const want = quantileOf(d, u, floor);
        const got = prepared.at(i, u);
        if (Object.is(got, want)) same++;
        else diffs.push(`${d.type} #${i} at ${u}: ${got} vs ${want}`);
      }
    });
    t.same(diffs, [], `floor ${floor}: ${same} of ${ds.length * us.length} the same`);
  }
  // And by hand, so a slip shared with quantileOf also fails.
  const p = new PreparedQuantiles([toDistribution({ type: 'uniform', min: 2, max: 10 }), toDistribution({ type: 'triangular', min: 1, mode: 2, max: 5 })]);
  t.equal(p.at(0, 0.25), 4);
  t.equal(p.at(1, 0.0625), 1.5);
  t.equal(new PreparedQuantiles([toDistribution(-3)]).at(0, 0.5), -3, 'no floor by default');
});

/**
 * Marsaglia and Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3),
 * written out from the paper without its squeeze (the squeeze only saves logarithms: in exact
 * arithmetic every point it accepts the full test accepts too; in doubles, at shapes of 10^6 and
 * more, a uniform within 2^-53 of 1 can pass the squeeze and fail the full test, so the two agree
 * on the streams used here, not on every stream: distributions-gamma-edges.test.ts pins those
 * points), with the shape < 1 boost of section 6: the sampler must return the same doubles and
 * consume the same uniforms.
 */
function referenceGamma(shape: number, rng: Xoshiro128): number {
  if (shape <= 0) return 0;
  if (shape < 1) {
    const u = rng.nextOpenDouble();
    return referenceGamma(shape + 1, rng) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x = 0;
    let v = 0;
    while (v <= 0) {
      x = normalQuantile(rng.nextOpenDouble());
      v = 1 + c * x;
    }
    v = v * v * v;
    const u = rng.nextOpenDouble();
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

t.test('gamma sampler: Marsaglia and Tsang draw for draw, the same uniforms consumed', async (t) => {
  for (const shape of [0.05, 0.3, 0.999, 1, 1.0001, 2.5, 400]) {
    const a = keyedStream(2024, 9, Math.round(shape * 1e4));
    const b = keyedStream(2024, 9, Math.round(shape * 1e4));
    const c = keyedStream(2024, 9, Math.round(shape * 1e4));
    const d = shape < 1 ? shape + 1 - 1 / 3 : shape - 1 / 3;
    let diffs = 0;
    let first = '';
    const draws = shape === 1 ? 3000 : 400;
    for (let i = 0; i < draws; i++) {
      const got = sampleGamma(shape, a);
      const want = referenceGamma(shape, b);
      if (!Object.is(got, want)) {
        diffs++;
        first ||= `draw ${i}: ${got} vs ${want}`;
      }
      if (shape >= 1) {
        const prepared = sampleGammaPrepared(d, 1 / Math.sqrt(9 * d), c);
        if (!Object.is(prepared, want)) diffs++;
      }
    }
    t.equal(diffs, 0, `shape ${shape}: ${draws} draws the same ${first}`);
    t.equal(a.nextUint32(), b.nextUint32(), `shape ${shape}: streams in step`);
  }
  const s = keyedStream(5, 5);
  const r = keyedStream(5, 5);
  t.equal(sampleGamma(0, s), 0, 'shape 0 gives 0');
  t.equal(sampleGamma(-1, s), 0, 'a negative shape gives 0');
  t.equal(s.nextUint32(), r.nextUint32(), '… without drawing');
});
