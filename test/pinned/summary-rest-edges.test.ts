import t from 'tap';
import { quantileSorted, summarize } from '../../src/simulation/summary.ts';

/**
 * src/simulation/summary.ts outside the bucketed percentiles (lines 1-130: quantileSorted,
 * meanAndSd, the selection, quantilesInPlace; 238 to the end: exceedance, MomentAccumulator,
 * the money summary, paired savings) at the places the other summary tests do not reach, found
 * by the Stryker run of 1 December over those lines (`MUTATE_TESTS` = summary-edges,
 * summary-money-edges, summary-quantile-edges and test/simulation/summary.test.ts). Each test
 * names the mutants it kills. Expectations are type 7 by hand (h = (n − 1)q,
 * x[k] + (h − k)(x[k+1] − x[k]), and x[k] itself when h is whole, as R's quantile() does:
 * R 4.3, quantile(c(0:19, Inf), 0.95) = 19). Equivalent survivors:
 * test/pinned/MUTATION-SURVIVORS.md.
 */

t.test('an infinite value: a whole h gives the order statistic, not ∞ × 0', async (t) => {
  // quantileSorted `n === 1` → `false`: one value v gives v + 0 × (v − v), NaN for v = ±∞.
  t.equal(quantileSorted([Number.POSITIVE_INFINITY], 0.5), Number.POSITIVE_INFINITY, 'one value, +∞');
  t.equal(quantileSorted([Number.NEGATIVE_INFINITY], 0.05), Number.NEGATIVE_INFINITY, 'one value, −∞');
  // quantilesInPlace `h === k` → `false`: 0 .. 19 and +∞ (n = 21, selection): h = 20q = 1, 2, 10,
  // 18, 19, all whole, so each percentile is x[h]; p95's neighbour is +∞, and 19 + 0 × ∞ is NaN.
  const s = summarize([7, 3, Number.POSITIVE_INFINITY, 12, 0, 19, 5, 1, 16, 9, 2, 18, 11, 4, 14, 6, 17, 8, 15, 10, 13]);
  t.same([s.p5, s.p10, s.p50, s.p90, s.p95], [1, 2, 10, 18, 19]);
  t.equal(s.max, Number.POSITIVE_INFINITY);
});
