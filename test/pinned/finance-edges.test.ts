import t from 'tap';
import { GREEN_BOOK_PERIODS, discountFactors } from '../../src/finance/discounting.ts';
import { financialYearCount, parseFinancialYear } from '../../src/finance/financial-year.ts';
import { appraise, rankCorrelation } from '../../src/finance/invest-to-save.ts';

/**
 * Edges of src/finance that mutation testing (npm run mutate, StrykerJS) found no test for.
 * Each test names the mutants it kills.
 *
 * Surviving mutants of src/finance that are equivalent (no input can tell them apart), so no
 * test can kill them; measured with `npm run mutate -- --mutate 'src/finance/*.ts'`:
 * - discounting.ts discountFactors, `t < years` → `t <= years`, and financial-year.ts
 *   financialYearOfMonth, `m < months` → `m <= months`: the extra write is past the end of a
 *   typed array (Float64Array, Int32Array), which JavaScript ignores.
 * - invest-to-save.ts appraise, `benefit !== 0 || cost !== 0` → `benefit !== 0 || false`: if no
 *   year has a benefit, the cumulative net is minus the costs, never >= 0 unless every cost is 0
 *   (costs are never negative: schemas hold amounts >= 0), so payback is null either way.
 * - appraise, `y >= 0 && anyFlow` → `true && anyFlow`: at y = −1, cumulative[−1] is undefined
 *   and `undefined >= 0` is false, so the loop breaks where it would have stopped.
 * - rankCorrelation, `(rx[i] − mx)` → `(rx[i] + mx)` and `(ry[i] − my)` → `(ry[i] + my)` in
 *   sxy: Σ(rx + mx)(ry − my) = Σ rx(ry − my) + mx·Σ(ry − my) and Σ(ry − my) = 0, so sxy is the
 *   same sum (to rounding).
 * - ranks, `i < n` → `i <= n`: at i = n the tie loop does nothing and the write goes to
 *   out[undefined], a named property of the typed array, not an element.
 * - ranks, `j + 1 < n` → `true`, `j + 1 <= n` or `j − 1 < n`: at j + 1 = n, order[n] is
 *   undefined and values[undefined] never equals a number, so the tie loop stops anyway.
 * - ranks, `(i + j) / 2 + 1` → `(i + j) / 2 − 1` or `(i + j) * 2 + 1`: both are affine maps of
 *   (i + j), as the true rank is, and a Pearson correlation is unchanged by an affine map of
 *   either series.
 */

t.test('Green Book discount factors beyond year 75 use 2.5%, and the periods may come in any order', async (t) => {
  // Green Book (2022) annex A6, table 8: 3.5% for years 0-30, 3.0% for 31-75, 2.5% for 76-125.
  // D(75) = 1.035^-30 × 1.03^-45; D(77) = D(75) / 1.025².
  // Kills: the 2.5% period removed from GREEN_BOOK_PERIODS.
  const d = discountFactors(GREEN_BOOK_PERIODS, 78);
  const d75 = 1.035 ** -30 * 1.03 ** -45;
  t.ok(Math.abs(d[75] - d75) < 1e-12, `D(75) = ${d75}`);
  t.ok(Math.abs(d[77] - d75 / 1.025 ** 2) < 1e-12, 'D(77) = D(75) / 1.025²');
  // Kills: the sort by fromYear removed, or its comparator broken.
  const shuffled = discountFactors([GREEN_BOOK_PERIODS[2], GREEN_BOOK_PERIODS[0], GREEN_BOOK_PERIODS[1]], 78);
  t.same([...shuffled], [...d], 'periods out of order give the same factors');
  const reversed = discountFactors([...GREEN_BOOK_PERIODS].reverse(), 78);
  t.same([...reversed], [...d], 'reversed periods give the same factors');
});

t.test('financial-year labels are whole strings, and an empty projection touches no year', async (t) => {
  // Kills: the ^ and $ anchors of the label pattern dropped, and the no-match guard removed.
  t.equal(parseFinancialYear('x2026-27'), undefined);
  t.equal(parseFinancialYear('2026-27x'), undefined);
  t.equal(parseFinancialYear('12026-27'), undefined);
  t.equal(parseFinancialYear('2026-277'), undefined);
  t.equal(parseFinancialYear('next year'), undefined);
  t.equal(parseFinancialYear(''), undefined);
  // Kills: `months <= 0` → `false` or `< 0` (from May, month −1 is still in the same year).
  t.equal(financialYearCount(2026, 5, 0), 0, 'no months, no years (from May)');
  t.equal(financialYearCount(2026, 4, 0), 0, 'no months, no years (from April)');
  t.equal(financialYearCount(2026, 5, -3), 0, 'negative months, no years');
});

t.test('a strategy that costs nothing has no return on investment, as it has no ratio', async (t) => {
  // Kills: `presentCosts > 0` → `true` or `>= 0` for the ROI (it would be ±Infinity or NaN).
  const free = appraise({ baseline: [10, 10], strategy: [5, 5], interventions: [0, 0], investment: [0, 0] }, [1, 1]);
  t.equal(free.returnOnInvestment, null);
  t.equal(free.benefitCostRatio, null);
  const nothing = appraise({ baseline: [10], strategy: [10], interventions: [0], investment: [0] }, [1]);
  t.equal(nothing.returnOnInvestment, null);
});

t.test('rank correlation: ties take their average rank; a constant series correlates 0', async (t) => {
  // x = 1, 2, 2, 3 has ranks 1, 2.5, 2.5, 4; y = 1, 2, 3, 4 has ranks 1, 2, 3, 4.
  // Deviations from 2.5: x −1.5, 0, 0, 1.5; y −1.5, −0.5, 0.5, 1.5.
  // Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5: ρ = 4.5 / √22.5 = 0.9486833 (R: cor(rank(x), rank(y))).
  // Kills: tie averaging removed (`while (false)`), `j + 1 >= n`, and order[j − 1].
  t.ok(Math.abs(rankCorrelation([1, 2, 2, 3], [1, 2, 3, 4]) - 4.5 / Math.sqrt(22.5)) < 1e-12);
  // Ties at the start and the end: x = 5, 5, 7, 9, 9 → ranks 1.5, 1.5, 3, 4.5, 4.5; y = ranks 1..5.
  // dx = −1.5, −1.5, 0, 1.5, 1.5; dy = −2, −1, 0, 1, 2: Σdxdy = 9, Σdx² = 9, Σdy² = 10: ρ = 9/√90.
  t.ok(Math.abs(rankCorrelation([5, 5, 7, 9, 9], [10, 20, 30, 40, 50]) - 9 / Math.sqrt(90)) < 1e-12);
  // Kills: the `sxx > 0 && syy > 0` guard broken in any way (0/0 is NaN, not 0).
  t.equal(rankCorrelation([3, 3, 3], [1, 2, 3]), 0, 'constant x');
  t.equal(rankCorrelation([1, 2, 3], [4, 4, 4]), 0, 'constant y');
  t.equal(rankCorrelation([2, 2], [2, 2]), 0, 'both constant');
});
