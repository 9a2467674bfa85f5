import fc from 'fast-check';
import t from 'tap';
import { betaQuantile, incompleteBeta, lnGamma, meanOf, normalQuantile, quantileOf, sampleGamma, sampleGammaPrepared, toDistribution } from '../../src/simulation/distributions.ts';
import { Xoshiro128, keyedStream, mix32 } from '../../src/simulation/random.ts';

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

t.test('normal quantiles against published values (R: qnorm)', async (t) => {
  t.ok(close(normalQuantile(0.975), 1.959963984540054, 1e-12), 'qnorm(0.975) = 1.959963984540054');
  t.ok(close(normalQuantile(0.05), -1.6448536269514729, 1e-12), 'qnorm(0.05) = -1.6448536269514729');
  t.ok(close(normalQuantile(0.5), 0, 1e-15), 'qnorm(0.5) = 0');
  t.ok(close(normalQuantile(1e-10), -6.361340902404056, 1e-9), 'qnorm(1e-10) = -6.361340902404056');
});

t.test('special functions against exact values', async (t) => {
  t.ok(close(lnGamma(10), Math.log(362880), 1e-12), 'ln Γ(10) = ln 9!');
  t.ok(close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12), 'Γ(1/2) = √π');
  // I_x(2,3) = Σ_{j=2..4} C(4,j) x^j (1-x)^(4-j); at x = 1/2: (6 + 4 + 1)/16 = 0.6875.
  t.ok(close(incompleteBeta(0.5, 2, 3), 0.6875, 1e-12), 'I_0.5(2,3) = 11/16');
  t.ok(close(betaQuantile(0.5, 2, 4), 0.3138101704556974, 1e-9), 'R: qbeta(0.5, 2, 4) = 0.3138102');
});

t.test('the quantile functions of each distribution', async (t) => {
  // Triangular(0, 1, 4): the mode sits at the 1/4 quantile; below it x = sqrt(u × 4 × 1).
  const tri = toDistribution({ type: 'triangular', min: 0, mode: 1, max: 4 });
  t.ok(close(quantileOf(tri, 0.25), 1, 1e-12));
  t.ok(close(quantileOf(tri, 0.1), Math.sqrt(0.4), 1e-12));
  t.ok(close(meanOf(tri), 5 / 3, 1e-12));
  // PERT(0, 1, 4), λ = 4: Beta(2, 4) scaled to [0, 4]; mean (0 + 4 + 4)/6.
  const pert = toDistribution({ type: 'pert', min: 0, mode: 1, max: 4 });
  t.ok(close(meanOf(pert), 4 / 3, 1e-12));
  t.ok(close(quantileOf(pert, 0.5), 4 * 0.3138101704556974, 1e-8));
  // Lognormal given by arithmetic mean 100 and sd 30: the mean of its quantiles over a fine
  // midpoint grid approximates its mean; the median is mean / sqrt(1 + cv²).
  const logn = toDistribution({ type: 'lognormal', mean: 100, sd: 30 });
  t.ok(close(quantileOf(logn, 0.5), 100 / Math.sqrt(1 + 0.09), 1e-9), 'lognormal median');
  let sum = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) sum += quantileOf(logn, (i + 0.5) / n);
  t.ok(close(sum / n, 100, 0.05), `lognormal mean ${sum / n}`);
  t.equal(quantileOf(toDistribution({ type: 'normal', mean: 1, sd: 10 }), 0.01, 0), 0, 'normal draws for costs are floored at 0');
  t.equal(quantileOf(toDistribution(42), 0.3), 42, 'a plain number is fixed');
});

t.test('quantile functions are monotone in u and in location', async (t) => {
  fc.assert(
    fc.property(fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }), fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }), (u1, u2) => {
      const [lo, hi] = u1 < u2 ? [u1, u2] : [u2, u1];
      const ds = [
        toDistribution({ type: 'pert', min: 1, mode: 2, max: 7 }),
        toDistribution({ type: 'lognormal', mean: 5, sd: 3 }),
        toDistribution({ type: 'triangular', min: 0, mode: 0, max: 1 }),
        toDistribution({ type: 'normal', mean: 0, sd: 1 }),
      ];
      return ds.every((d) => quantileOf(d, lo) <= quantileOf(d, hi) + 1e-12);
    }),
  );
  t.pass('monotone');
});

t.test('gamma sampler: mean and variance equal the shape (Marsaglia-Tsang)', async (t) => {
  for (const shape of [0.4, 2.5, 30]) {
    const rng = keyedStream(11, 1, shape * 10);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleGamma(shape, rng);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    const se = Math.sqrt(shape / n);
    t.ok(Math.abs(mean - shape) < 4 * se, `shape ${shape}: mean ${mean.toFixed(4)}`);
    t.ok(Math.abs(variance - shape) / shape < 0.05, `shape ${shape}: variance ${variance.toFixed(4)}`);
  }
});

t.test('keyed streams: reproducible, distinct, uniform', async (t) => {
  const a = keyedStream(1234, 2, 7, 9);
  const b = keyedStream(1234, 2, 7, 9);
  const c = keyedStream(1234, 2, 7, 10);
  const xs = Array.from({ length: 5 }, () => a.nextUint32());
  t.same(xs, Array.from({ length: 5 }, () => b.nextUint32()), 'same key, same numbers');
  t.notSame(xs, Array.from({ length: 5 }, () => c.nextUint32()), 'neighbouring keys differ');
  // Reference: the first outputs of xoshiro128** from state (1, 2, 3, 4), as in the authors'
  // C code: 11520, 0, 5927040, 70819200.
  const ref = new Xoshiro128();
  ref.s0 = 1;
  ref.s1 = 2;
  ref.s2 = 3;
  ref.s3 = 4;
  t.same([ref.nextUint32(), ref.nextUint32(), ref.nextUint32(), ref.nextUint32()], [11520, 0, 5927040, 70819200]);
  t.equal(mix32(0), 0, 'the mixer maps 0 to 0 (keys add constants first)');
  // Uniformity: chi-square over 20 bins of 200,000 draws; the 99.9% point of χ²(19) is 43.8.
  const rng = keyedStream(5, 1);
  const bins = new Array(20).fill(0);
  const n = 200_000;
  for (let i = 0; i < n; i++) bins[Math.floor(rng.nextDouble() * 20)]++;
  const chi2 = bins.reduce((acc, o) => acc + (o - n / 20) ** 2 / (n / 20), 0);
  t.ok(chi2 < 43.8, `chi-square ${chi2.toFixed(1)} < 43.8`);
});

t.test('gamma draws with prepared constants are sampleGamma draws, bit for bit, and leave the stream in the same place', async (t) => {
  // The kernel prepares d = shape - 1/3 and c = 1 / sqrt(9d) once per Dirichlet entry (for a
  // shape below 1, those of shape + 1 and the boost U^(1/shape) drawn first), as in engine.ts.
  fc.assert(
    fc.property(fc.double({ min: 1e-4, max: 500, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 }), (shape, seed) => {
      const a = keyedStream(seed, 3);
      const b = keyedStream(seed, 3);
      const expected = sampleGamma(shape, a);
      let got: number;
      if (shape < 1) {
        const boost = b.nextOpenDouble() ** (1 / shape);
        const d = shape + 1 - 1 / 3;
        got = sampleGammaPrepared(d, 1 / Math.sqrt(9 * d), b) * boost;
      } else {
        const d = shape - 1 / 3;
        got = sampleGammaPrepared(d, 1 / Math.sqrt(9 * d), b);
      }
      return Object.is(got, expected) && a.nextUint32() === b.nextUint32();
    }),
    { numRuns: 500, seed: 19 },
  );
  t.pass('500 shapes and streams');
});
