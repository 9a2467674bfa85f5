import fc from 'fast-check';
import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';
import t from 'tap';
import { meanAndSd, meanOfDifferences, quantileSorted, summarize } from '../../src/simulation/summary.ts';

/**
 * The percentile paths of src/simulation/summary.ts at the places a random property rarely
 * lands: ties at the top and bottom of a long series (the last of 2,048 buckets, where the
 * maximum falls), buckets holding more than the 1,024 values `gathered` starts with, percentiles
 * read between two buckets, and short series (selection) with every percentile on a tie. Each
 * expectation is a hand value (type 7: h = (n − 1)q, x[k] + (h − k)(x[k+1] − x[k])) or a full sort,
 * and the mean and standard deviation are checked against simple-statistics (an independent
 * implementation) to 1e-12 relative. Survivors judged equivalent: test/pinned/MUTATION-SURVIVORS.md.
 */

const P = (s: ReturnType<typeof summarize>) => [s.p5, s.p10, s.p50, s.p90, s.p95];
const QS = [0.05, 0.1, 0.5, 0.9, 0.95];

/** A fixed shuffle (a linear congruential generator), so the series is not already in order. */
function shuffled(values: number[], seed = 7): number[] {
  const out = [...values];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const bySort = (values: number[], scale = 1) => {
  const sorted = Float64Array.from(values, (v) => v * scale).sort();
  return QS.map((q) => quantileSorted(sorted, q));
};

t.test('0 .. 999 in a shuffled order: type 7 by hand, through the buckets', async (t) => {
  // n = 1,000: h = 999q, and x[k] = k, so each percentile is h itself:
  // 49.95, 99.9, 499.5, 899.1, 949.05.
  const s = summarize(shuffled(Array.from({ length: 1000 }, (_, i) => i)));
  const hand = [49.95, 99.9, 499.5, 899.1, 949.05];
  P(s).forEach((p, i) => {
    t.ok(Math.abs(p - hand[i]) < 1e-9, `p${QS[i] * 100}: ${p}`);
  });
  t.equal(s.min, 0);
  t.equal(s.max, 999);
  t.ok(Math.abs(s.mean - 499.5) < 1e-9, `mean ${s.mean}`);
  // sd of 0 .. n − 1 is √(n(n + 1)/12) = √(1000 × 1001 / 12).
  t.ok(Math.abs(s.sd - Math.sqrt((1000 * 1001) / 12)) < 1e-9, `sd ${s.sd}`);
  t.ok(Math.abs(s.se - s.sd / Math.sqrt(1000)) < 1e-12);
  // Scaled by 0.01 (pence to pounds) and negated: the same, mirrored.
  const neg = summarize(shuffled(Array.from({ length: 1000 }, (_, i) => i)), -0.01);
  const mirrored = [-9.4905, -8.991, -4.995, -0.999, -0.4995];
  P(neg).forEach((p, i) => {
    t.ok(Math.abs(p - mirrored[i]) < 1e-12, `× −0.01, p${QS[i] * 100}: ${p}`);
  });
  t.equal(neg.min, 999 * -0.01, 'the least is the largest × −0.01');
  t.equal(neg.max, -0);
});

t.test('ties at the maximum and the minimum of a long series', async (t) => {
  // 300 runs: 40 at the top (£5,000) and 1 .. 260 below. Sorted, positions 260-299 hold 5,000.
  // p95: h = 299 × 0.95 = 284.05 → 5,000; p90: h = 269.1 → 5,000; p50: h = 149.5, between
  // 150 and 151 → 150.5; p10: h = 29.9 → 30.9; p5: h = 14.95 → 15.95.
  const top = shuffled([...Array(40).fill(5000), ...Array.from({ length: 260 }, (_, i) => i + 1)]);
  const s = summarize(top);
  const hand = [15.95, 30.9, 150.5, 5000, 5000];
  P(s).forEach((p, i) => {
    t.ok(Math.abs(p - hand[i]) < 1e-9, `top ties, p${QS[i] * 100}: ${p}`);
  });
  t.equal(s.max, 5000);
  // The maximum alone at a percentile's upper neighbour: 256 runs, 0 .. 254 and one of 10,000.
  // p95: h = 255 × 0.95 = 242.25 → 242.25; with 14 at the top (positions 242-255), h = 242.25
  // lies between two of them: 10,000.
  const one = summarize(shuffled([...Array.from({ length: 255 }, (_, i) => i), 10_000]));
  t.ok(Math.abs(one.p95 - 242.25) < 1e-9, `one at the top: ${one.p95}`);
  const many = summarize(shuffled([...Array.from({ length: 242 }, (_, i) => i), ...Array(14).fill(10_000)]));
  t.equal(many.p95, 10_000, 'p95 between two of the maximum');
  // p90: h = 229.5, between 229 and 230.
  t.ok(Math.abs(many.p90 - 229.5) < 1e-9, `p90 ${many.p90}`);
  // Ties at the minimum: 30 of −700 then 1 .. 270: p5 (h = 14.95) and p10 (h = 29.9, between
  // the last −700 at 29 and 1 at 30: −700 + 0.9 × 701 = −69.1).
  const bottom = summarize(shuffled([...Array(30).fill(-700), ...Array.from({ length: 270 }, (_, i) => i + 1)]));
  t.equal(bottom.p5, -700);
  t.ok(Math.abs(bottom.p10 - -69.1) < 1e-9, `p10 ${bottom.p10}`);
  t.equal(bottom.min, -700);
});

t.test('a wanted bucket holding more than 1,024 runs', async (t) => {
  // 3,000 runs: 2,000 of £5 and 0 .. 999 spread below and above it by 10 each (−5,000 .. 4,990):
  // the bucket of £5 holds 2,000 runs, more than `gathered` starts with.
  const values = shuffled([...Array(2000).fill(5), ...Array.from({ length: 1000 }, (_, i) => i * 10 - 5000)]);
  const s = summarize(values);
  t.same(P(s), bySort(values), 'as a full sort');
  t.equal(s.p50, 5);
  // Below 5: the 500 values −5,000 .. −10; positions 0-499. p5 h = 149.95 → −5,000 + 10 × 149.95 = −3,500.5.
  t.ok(Math.abs(s.p5 - -3500.5) < 1e-9, `p5 ${s.p5}`);
  // Then a smaller one, reusing the scratch: still exact.
  const small = shuffled(Array.from({ length: 400 }, (_, i) => (i * 37) % 400));
  t.same(P(summarize(small)), bySort(small));
});

t.test('short series (selection): every percentile on a tie, or between two', async (t) => {
  // n = 21: h = 20q = 1, 2, 10, 18, 19, all whole: the order statistics themselves.
  const v = shuffled([9, 9, 1, 2, 3, 3, 3, 4, 5, 6, 7, 7, 7, 8, 8, 10, 11, 12, 12, 12, 13]);
  const sorted = [...v].sort((a, b) => a - b);
  t.same(P(summarize(v)), [sorted[1], sorted[2], sorted[10], sorted[18], sorted[19]]);
  // n = 3: h = 0.1, 0.2, 1, 1.8, 1.9 over 10, 20, 40: 11, 12, 20, 36, 38.
  const three = P(summarize([40, 10, 20]));
  [11, 12, 20, 36, 38].forEach((x, i) => {
    t.ok(Math.abs(three[i] - x) < 1e-12, `three values, p${QS[i] * 100}: ${three[i]}`);
  });
  // n = 2: h = q: 1 + 9q.
  const two = P(summarize([10, 1]));
  [1.45, 1.9, 5.5, 9.1, 9.55].forEach((x, i) => {
    t.ok(Math.abs(two[i] - x) < 1e-12, `two values, p${QS[i] * 100}: ${two[i]}`);
  });
  // Ties throughout a short series: 1, 1, 1, 2, 2, 2, 2 (n = 7, h = 0.3, 0.6, 3, 5.4, 5.7).
  t.same(P(summarize([2, 1, 2, 1, 2, 1, 2])), [1, 1, 2, 2, 2]);
  // Two equal values with a third: 5, 5, 0 (h = 0.1 → 0.5, 0.2 → 1, 1 → 5, 1.8, 1.9 → 5).
  const t3 = P(summarize([5, 0, 5]));
  [0.5, 1, 5, 5, 5].forEach((x, i) => {
    t.ok(Math.abs(t3[i] - x) < 1e-12, `5, 0, 5: p${QS[i] * 100}: ${t3[i]}`);
  });
});

t.test('percentiles, mean and standard deviation agree with simple-statistics', async (t) => {
  // simple-statistics' quantile is not type 7 (it takes an order statistic), so the percentiles
  // are compared with a full sort; the mean and sd with simple-statistics.
  const value = fc.oneof(fc.constantFrom(0, 0, 5, -5), fc.integer({ min: -1_000_000, max: 1_000_000 }));
  fc.assert(
    fc.property(fc.array(value, { minLength: 2, maxLength: 700 }), fc.constantFrom(1, 0.01, -2), (values, scale) => {
      const s = summarize(values, scale);
      const scaled = values.map((v) => v * scale);
      const mean = ssMean(scaled);
      const sd = sampleStandardDeviation(scaled);
      const tol = 1e-12 * (1 + Math.abs(mean) + sd) * values.length;
      const sorted = [...scaled].sort((a, b) => a - b);
      const expected = bySort(values, scale);
      return (
        Math.abs(s.mean - mean) <= tol &&
        Math.abs(s.sd - sd) <= tol &&
        P(s).every((p, i) => p === expected[i]) &&
        s.min === sorted[0] &&
        s.max === sorted[sorted.length - 1]
      );
    }),
    { numRuns: 150, seed: 25 },
  );
  t.pass('150 series');
  // meanAndSd and meanOfDifferences by hand: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5, Σd² = 32, sd √(32/7).
  const { mean, sd } = meanAndSd([2, 4, 4, 4, 5, 5, 7, 9]);
  t.equal(mean, 5);
  t.ok(Math.abs(sd - Math.sqrt(32 / 7)) < 1e-12);
  t.equal(meanOfDifferences([10, 20, 30], [1, 2, 3]), 18, '(9 + 18 + 27) / 3');
  t.equal(meanOfDifferences([], []), 0);
});
