import fc from 'fast-check';
import t from 'tap';
import { quantileSorted, summarize } from '../../src/simulation/summary.ts';

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
