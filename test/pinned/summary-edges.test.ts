import fc from 'fast-check';
import t from 'tap';
import { MomentAccumulator, meanAndSd, probabilityExceeding, quantileSorted, summarize } from '../../src/simulation/summary.ts';

/**
 * Edges of src/simulation/summary.ts that the first Stryker run over it found untested
 * (`MUTATE_TESTS='test/simulation/summary.test.ts,test/pinned/projection-figures.test.ts,
 * test/pinned/scenario-figures.test.ts' npm run mutate -- --mutate src/simulation/summary.ts`:
 * 79.44%, 42 survivors, mostly in MomentAccumulator, which gives the mean ± SE of every detail
 * figure of a pathway projection and is merged across chunks of runs). With this file: 91.59%
 * (154 killed, 42 timed out, 18 survived of 214; the empty-into-empty case below was added
 * after that run and kills `nb === 0` → `false`).
 *
 * Survivors judged equivalent (no input tells them apart):
 * - quantileSorted `n === 0` → false and probabilityExceeding `length === 0` → false: the
 *   general path gives NaN too (undefined arithmetic, 0 / 0).
 * - select(): the median-of-three swaps (line 58 and its variants), `hi > lo` → `>=`,
 *   `i <= j` → `<`: the pivot is still an element of the range, so Hoare's partition still
 *   places the k-th value; they change the work done, not the answer (the property test in
 *   test/simulation/summary.test.ts compares with a full sort).
 * - quantilesInPlace `k + 1 >= n ||` → `false ||`: when k = n − 1, h = k, so it returns anyway;
 *   `i < n` → `i <= n` reads a[n], undefined, never below `next`.
 * - summarize `v > max` → `v >= max`: the same maximum; `min === max` shortcut removed: the
 *   selection returns the same constant.
 * - loops `i < size` → `i <= size` in add/merge, and probabilityExceeding's `i <= length`: reads
 *   past the end give undefined/NaN and writes past the end of a typed array are ignored.
 * - add `delta === 0 → continue` removed: adding 0 to the mean and to m2 changes nothing.
 */

/** The detail cells of five runs, two cells each: hand values. */
const runs = [
  [1, 10],
  [2, 10],
  [4, 10],
  [8, 10],
  [5, 10],
];
// Cell 0: mean 4, deviations −3, −2, 0, 4, 1: Σd² = 30, variance 30/4 = 7.5, SE √(7.5/5) = √1.5.
const SE0 = Math.sqrt(1.5);

function accumulate(rows: number[][]): MomentAccumulator {
  const accumulator = new MomentAccumulator(rows[0].length);
  // Each row sits at an offset in a longer buffer, as the projection's vectors do.
  const buffer = new Float64Array(3 + rows.length * rows[0].length);
  rows.forEach((row, r) => {
    buffer.set(row, 3 + r * row.length);
    accumulator.add(buffer, 3 + r * row.length);
  });
  return accumulator;
}

t.test('MomentAccumulator: mean and standard error by hand', async (t) => {
  const a = accumulate(runs);
  t.equal(a.runs, 5);
  t.ok(Math.abs(a.meanAt(0) - 4) < 1e-12, 'mean 4');
  t.ok(Math.abs(a.seAt(0) - SE0) < 1e-12, `SE √1.5 (got ${a.seAt(0)})`);
  t.equal(a.meanAt(1), 10, 'a constant cell: its mean');
  t.equal(a.seAt(1), 0, 'and no spread');
  const one = accumulate([[7, 3]]);
  t.equal(one.seAt(0), 0, 'one run: no standard error (not NaN)');
  t.equal(one.meanAt(0), 7);
});

t.test('MomentAccumulator: merging chunks gives what one pass gives', async (t) => {
  for (const split of [1, 2, 3, 4]) {
    const whole = accumulate(runs);
    const first = accumulate(runs.slice(0, split));
    const second = accumulate(runs.slice(split));
    const packed = new Float64Array(2 + MomentAccumulator.packedSize(2));
    second.packInto(packed, 2);
    first.merge(packed, 2);
    t.equal(first.runs, 5, `split at ${split}: runs`);
    for (const i of [0, 1]) {
      t.ok(Math.abs(first.meanAt(i) - whole.meanAt(i)) < 1e-12, `split at ${split}: mean of cell ${i}`);
      t.ok(Math.abs(first.seAt(i) - whole.seAt(i)) < 1e-12, `split at ${split}: SE of cell ${i}`);
    }
  }
  // Merging an empty accumulator changes nothing; merging into an empty one copies.
  const a = accumulate(runs);
  const empty = new MomentAccumulator(2);
  const packedEmpty = new Float64Array(MomentAccumulator.packedSize(2));
  empty.packInto(packedEmpty, 0);
  a.merge(packedEmpty, 0);
  t.equal(a.runs, 5);
  t.ok(Math.abs(a.seAt(0) - SE0) < 1e-12, 'an empty chunk changes nothing');
  const fresh = new MomentAccumulator(2);
  const packed = new Float64Array(MomentAccumulator.packedSize(2));
  accumulate(runs).packInto(packed, 0);
  fresh.merge(packed, 0);
  t.ok(Math.abs(fresh.meanAt(0) - 4) < 1e-12 && Math.abs(fresh.seAt(0) - SE0) < 1e-12, 'into an empty accumulator');
  t.same([...packed], [5, 4, 10, 30, 0], 'packed as [n, means, sums of squared deviations]');
  // Nothing merged into nothing (a chunk of a plan with no runs yet): still zeros, not 0/0.
  const none = new MomentAccumulator(2);
  none.merge(packedEmpty, 0);
  t.same([none.runs, none.meanAt(0), none.seAt(0)], [0, 0, 0], 'empty into empty');
});

t.test('MomentAccumulator agrees with meanAndSd on any runs, however they are chunked', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 2, maxLength: 60 }), fc.integer({ min: 1, max: 59 }), (values, cut) => {
      const at = Math.min(cut, values.length - 1);
      const a = accumulate(values.slice(0, at).map((v) => [v]));
      const b = accumulate(values.slice(at).map((v) => [v]));
      const packed = new Float64Array(MomentAccumulator.packedSize(1));
      b.packInto(packed, 0);
      a.merge(packed, 0);
      const { mean, sd } = meanAndSd(values);
      const tolerance = 1e-9 * (1 + Math.abs(mean) + sd);
      return Math.abs(a.meanAt(0) - mean) <= tolerance && Math.abs(a.seAt(0) - sd / Math.sqrt(values.length)) <= tolerance;
    }),
    { numRuns: 200 },
  );
  t.pass('held for 200 random series');
});

t.test('quantiles, standard deviation and exceedance at their edges', async (t) => {
  t.ok(Number.isNaN(quantileSorted([], 0.5)), 'no values: NaN');
  t.equal(quantileSorted([7], 0.9), 7, 'one value is every quantile');
  t.equal(quantileSorted([1, 3], 1), 3, 'the top quantile is the largest value');
  t.equal(quantileSorted([1, 3], 0.5), 2);
  t.same(meanAndSd([5]), { mean: 5, sd: 0 }, 'one value: sd 0, not NaN');
  const single = summarize([5]);
  t.equal(single.se, 0);
  const empty = summarize([]);
  t.ok(Number.isNaN(empty.p50) && Number.isNaN(empty.min) && Number.isNaN(empty.se), 'nothing to summarise: NaN, not a number made up');
  // Strictly above: a total equal to the threshold does not exceed it.
  t.equal(probabilityExceeding([100, 200, 300, 400], 200), 0.5);
  t.equal(probabilityExceeding([100, 200], 50), 1);
  t.ok(Number.isNaN(probabilityExceeding([], 1)), 'no runs: NaN');
});
