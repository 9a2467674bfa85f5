import fc from 'fast-check';
import t from 'tap';
import { MomentAccumulator, meanAndSd, quantileSorted, summarize, summarizeAll } from '../../src/simulation/summary.ts';

t.test('percentiles against R (type 7) on 1..10 and a skewed sample', async (t) => {
  // R: quantile(1:10, c(.05,.1,.5,.9,.95)) = 1.45 1.90 5.50 9.10 9.55; sd(1:10) = 3.02765.
  const s = summarize([3, 1, 4, 10, 5, 9, 2, 6, 8, 7]);
  t.same([s.p5, s.p10, s.p50, s.p90, s.p95].map((x) => Number(x.toFixed(10))), [1.45, 1.9, 5.5, 9.1, 9.55]);
  t.ok(Math.abs(s.sd - 3.0276503540974917) < 1e-12);
  t.ok(Math.abs(s.se - 3.0276503540974917 / Math.sqrt(10)) < 1e-12);
  t.equal(s.mean, 5.5);
  // R: quantile(c(0,0,0,1,100), .9) = 60.4
  t.ok(Math.abs(summarize([100, 0, 1, 0, 0]).p90 - 60.4) < 1e-12);
});

t.test('selection gives exactly what sorting gives, and quantiles are ordered', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }), (values) => {
      const s = summarize(values);
      const sorted = Float64Array.from(values).sort();
      const expected = [0.05, 0.1, 0.5, 0.9, 0.95].map((q) => quantileSorted(sorted, q));
      const got = [s.p5, s.p10, s.p50, s.p90, s.p95];
      return got.every((g, i) => g === expected[i]) && s.min <= s.p5 && s.p95 <= s.max;
    }),
  );
  t.pass('identical to a full sort');
});

t.test('percentiles of long series (the bucketed path) are exactly those of a full sort', async (t) => {
  // Series of 256 runs or more take two counting passes over 2,048 buckets instead of selection:
  // money-like series with many ties (an agency that pays in few runs), heavy tails (a few runs
  // far above the rest, so most values share a bucket) and negative differences.
  const value = fc.oneof(
    fc.constantFrom(0, 0, 0, 1250.5, -3),
    fc.integer({ min: -2_000_000, max: 2_000_000 }).map((x) => x / 64),
    fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  );
  fc.assert(
    fc.property(fc.array(value, { minLength: 256, maxLength: 3000 }), fc.constantFrom(1, 0.01), (values, scale) => {
      const s = summarize(values, scale);
      const sorted = Float64Array.from(values, (v) => v * scale).sort();
      const expected = [0.05, 0.1, 0.5, 0.9, 0.95].map((q) => quantileSorted(sorted, q));
      const got = [s.p5, s.p10, s.p50, s.p90, s.p95];
      return got.every((g, i) => Object.is(g, expected[i]) || (g === 0 && expected[i] === 0)) && s.min === sorted[0] && s.max === sorted[sorted.length - 1];
    }),
    { numRuns: 200, seed: 19 },
  );
  // A hand-checked case: 1,000 values, 990 zeros and 10 of £100 (10,000 pence). Type 7 at 0.995
  // is not asked; p95 has h = 999 × 0.95 = 949.05, between two zeros: 0. With 940 zeros and 60
  // of 10,000: p95 h = 949.05 lies between positions 949 and 950, both 10,000 (positions 940+).
  const few = summarize([...Array(990).fill(0), ...Array(10).fill(10_000)]);
  t.equal(few.p95, 0);
  t.equal(few.max, 10_000);
  const more = summarize([...Array(60).fill(10_000), ...Array(940).fill(0)]);
  t.equal(more.p95, 10_000);
  // p90: h = 899.1, positions 899 (0) and 900 (0): 0.
  t.equal(more.p90, 0);
  t.pass('200 long series');
});

t.test('a long series spanning a range too narrow for buckets is still summarised exactly', async (t) => {
  // max - min = 5e-324 (the least double): 2,048 / range is infinite, so selection is used.
  const values = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 5e-324 : 0));
  const s = summarize(values);
  t.equal(s.p50, 0, 'two thirds are 0: the median is 0');
  t.equal(s.p95, 5e-324, 'the top third is the least positive double');
});

t.test('summarizeAll gives summarize of each series, bit for bit', async (t) => {
  // Four series at a time share one moments pass (summarizeAll): each must still see summarize's
  // operations in summarize's order. Series of unequal length, counts not a multiple of four,
  // constants, NaN, infinities (whose mean can be NaN with no NaN value) and short series
  // (selection rather than buckets) all take part.
  const value = fc.oneof(
    fc.constantFrom(0, 0, 1250.5, -3, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    fc.integer({ min: -2_000_000, max: 2_000_000 }).map((x) => x / 64),
    fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  );
  const series = fc.oneof(
    fc.array(value, { minLength: 0, maxLength: 600 }),
    fc.tuple(value, fc.integer({ min: 1, max: 600 })).map(([v, n]) => new Array<number>(n).fill(v)),
  );
  const sameLength = fc.integer({ min: 0, max: 700 }).chain((n) => fc.array(fc.array(value, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 9 }));
  fc.assert(
    fc.property(fc.oneof(sameLength, fc.array(series, { minLength: 1, maxLength: 9 })), (lists) => {
      const arrays = lists.map((values) => Float64Array.from(values));
      const one = arrays.map((a) => summarize(a));
      const all = summarizeAll(arrays);
      return all.length === one.length && all.every((s, k) => (Object.keys(one[k]) as Array<keyof typeof s>).every((key) => Object.is(s[key], one[k][key])));
    }),
    { numRuns: 300 },
  );
  // And against independent figures: meanAndSd's mean and sd, and a full sort's percentiles.
  const runs = Array.from({ length: 5 }, (_, k) => Float64Array.from({ length: 1000 }, (_, i) => ((i * 7919 + k * 104729) % 1009) * 1.5 - k));
  summarizeAll(runs).forEach((s, k) => {
    const { mean, sd } = meanAndSd(runs[k]);
    const sorted = Float64Array.from(runs[k]).sort();
    t.equal(s.mean, mean);
    t.equal(s.sd, sd);
    t.same([s.p5, s.p10, s.p50, s.p90, s.p95], [0.05, 0.1, 0.5, 0.9, 0.95].map((q) => quantileSorted(sorted, q)));
  });
});

t.test('MomentAccumulator: the mean and M2 of a two-pass computation, however the runs are chunked', async (t) => {
  // Cells like a projection's detail: mostly zero with occasional large costs, constant, or a
  // large level with small spread (where a naive Σx² − (Σx)²/n loses every digit). The
  // reference is the textbook two-pass: mean = Σx/n, then M2 = Σ(x − mean)², both in doubles
  // (accurate to a few ulps of the spread here). Tolerance: 1e-9 of each cell's scale for the
  // mean (max(|mean|, √(M2/n))), 1e-7 of M2 plus 1e-20 of n·mean² for M2.
  const cell = fc.oneof(
    fc.constant('sparse' as const),
    fc.constant('constant' as const),
    fc.constant('level' as const),
    fc.constant('wide' as const),
  );
  fc.assert(
    fc.property(
      fc.array(cell, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 120 }),
      fc.array(fc.integer({ min: 1, max: 119 }), { maxLength: 4 }),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      (kinds, runs, cuts, seed) => {
        let state = seed;
        const uniform = () => {
          state = (Math.imul(state, 48271) >>> 0) % 2147483647;
          return state / 2147483647;
        };
        const size = kinds.length;
        const rows = Array.from({ length: runs }, () =>
          kinds.map((kind) => {
            if (kind === 'sparse') return uniform() < 0.1 ? Math.round(uniform() * 5e8) : 0;
            if (kind === 'constant') return 123_456_789.25;
            if (kind === 'level') return 4e10 + uniform() * 100;
            return (uniform() - 0.3) * 1e7;
          }),
        );
        // Chunks at the cut points, each accumulated alone and merged in order (the fold's way).
        const bounds = [...new Set([0, ...cuts.filter((c) => c < runs), runs])].sort((a, b) => a - b);
        const whole = new MomentAccumulator(size);
        const packed = new Float64Array(MomentAccumulator.packedSize(size));
        const buffer = new Float64Array(size + 2);
        for (let k = 0; k + 1 < bounds.length; k++) {
          const chunk = new MomentAccumulator(size);
          for (let r = bounds[k]; r < bounds[k + 1]; r++) {
            buffer.set(rows[r], 2);
            chunk.add(buffer, 2);
          }
          chunk.packInto(packed, 0);
          whole.merge(packed, 0);
        }
        // And one more run added after the merges (an accumulator may be added to after a merge).
        const extra = kinds.map((kind) => (kind === 'constant' ? 123_456_789.25 : kind === 'level' ? 4e10 + 50 : 7));
        buffer.set(extra, 2);
        whole.add(buffer, 2);
        const all = [...rows, extra];
        const n = all.length;
        if (whole.runs !== n) return false;
        for (let i = 0; i < size; i++) {
          let sum = 0;
          for (const row of all) sum += row[i];
          const mean = sum / n;
          let m2 = 0;
          for (const row of all) m2 += (row[i] - mean) ** 2;
          const scale = Math.max(Math.abs(mean), Math.sqrt(m2 / n));
          if (Math.abs(whole.meanAt(i) - mean) > 1e-9 * scale) return false;
          const se = n > 1 ? Math.sqrt(m2 / (n - 1) / n) : 0;
          const seTolerance = n > 1 ? Math.sqrt((1e-7 * m2 + 1e-20 * n * mean * mean) / (n - 1) / n) : 0;
          if (Math.abs(whole.seAt(i) - se) > seTolerance + 1e-12 * se) return false;
          if (kinds[i] === 'constant' && (whole.meanAt(i) !== 123_456_789.25 || whole.seAt(i) !== 0)) return false;
        }
        return true;
      },
    ),
    { numRuns: 300, seed: 3122026 },
  );
  t.pass('300 random sets of cells and chunkings');
});

t.test('MomentAccumulator spans: the cells inside are the full accumulator\'s bit for bit, the rest stay 0', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }).chain((size) =>
        fc.record({
          size: fc.constant(size),
          cuts: fc.uniqueArray(fc.integer({ min: 0, max: size }), { minLength: 2, maxLength: 4 }).map((c) => c.sort((a, b) => a - b)).filter((c) => c.length % 2 === 0),
          rows: fc.array(fc.array(fc.oneof(fc.constant(0), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: size, maxLength: size }), { minLength: 1, maxLength: 20 }),
        }),
      ),
      ({ size, cuts, rows }) => {
        const full = new MomentAccumulator(size);
        const part = new MomentAccumulator(size, cuts);
        for (const row of rows) {
          full.add(Float64Array.from(row), 0);
          part.add(Float64Array.from(row), 0);
        }
        const inside = (i: number) => cuts.some((start, k) => k % 2 === 0 && i >= start && i < cuts[k + 1]);
        for (let i = 0; i < size; i++) {
          const want = inside(i) ? [full.meanAt(i), full.seAt(i)] : [0, 0];
          if (!Object.is(part.meanAt(i), want[0]) || !Object.is(part.seAt(i), want[1])) return false;
        }
        return true;
      },
    ),
    { numRuns: 300 },
  );
  t.throws(() => new MomentAccumulator(4, [2, 1]), RangeError, 'spans must ascend');
  t.throws(() => new MomentAccumulator(4, [0, 5]), RangeError, 'spans must lie within the cells');
  t.throws(() => new MomentAccumulator(4, [0]), RangeError, 'spans come in pairs');
});
