import t from 'tap';
import { meanOfDifferences, moneySummary, pairedSaving, penceToPounds, summarizeMoney } from '../../src/simulation/summary.ts';

/**
 * The money end of src/simulation/summary.ts by hand (the first Stryker run over summary.ts,
 * 30 November, found these functions reached by no file in its run): pence to pounds, the money
 * summary, paired savings and the mean of differences.
 */

t.test('mean of differences, pence to pounds, money summaries', async (t) => {
  // a − b = 2, 4, 9: mean 5.
  t.equal(meanOfDifferences([10, 20, 30], [8, 16, 21]), 5);
  t.equal(meanOfDifferences([], []), 0, 'no runs: 0');
  t.equal(penceToPounds(12345.5), 123.46, 'halves round up');
  t.equal(penceToPounds(-250), -2.5);
  // 100, 200, 300, 400, 500 pence: mean £3, sd sqrt(25000) = 158.1139 pence → £1.58, se 158.1139/√5 = 70.7107 → £0.71;
  // type-7 p5 at h = 0.2: 120 pence; p10 140; p50 300; p90 460; p95 480.
  t.same(summarizeMoney([300, 100, 500, 200, 400]), { mean: 3, se: 0.71, sd: 1.58, p5: 1.2, p10: 1.4, p50: 3, p90: 4.6, p95: 4.8, min: 1, max: 5 });
  t.same(
    moneySummary({ mean: 101.5, se: 2.4, sd: 3.6, p5: 4.5, p10: 5.49, p50: 650, p90: 7000, p95: 80_000.5, min: -99.5, max: 123_456 }),
    { mean: 1.02, se: 0.02, sd: 0.04, p5: 0.05, p10: 0.05, p50: 6.5, p90: 70, p95: 800.01, min: -0.99, max: 1234.56 },
  );
});

t.test('paired saving: differences, the chance cheaper and the chance equal', async (t) => {
  // against − plan = 100, 0, −50, 300, −150 pence: cheaper in 2 of 5, equal in 1 (not the two
  // dearer runs); mean 200/5 = 40 pence → £0.40.
  const s = pairedSaving([1000, 500, 450, 900, 50], [900, 500, 500, 600, 200]);
  t.equal(s.probabilityCheaper, 0.4);
  t.equal(s.probabilityEqual, 0.2);
  t.equal(s.saving.mean, 0.4);
  t.equal(s.saving.min, -1.5);
  t.equal(s.saving.max, 3);
  const none = pairedSaving([], []);
  t.ok(Number.isNaN(none.probabilityCheaper) && Number.isNaN(none.probabilityEqual), 'no runs: NaN');
});
