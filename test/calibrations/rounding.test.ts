import t from 'tap';
import { roundCalibrationAnswer } from '../../src/services/calibrations.ts';

/** The edge of a calibration answer: the review of issue 11's unrounded figures, rounded as the house rounds answers (ANSWER_DECIMALS). */
t.test('calibration answers are rounded at the edge; the input is not changed', async (t) => {
  const answer = {
    report: {
      priorWeight: 60.149999999999984,
      entries: { byBand: [{ band: '0-4', count: 1.9999999999999998, perMonth: 0.08333333333333333 }] },
      entryRates: { byBand: [{ per10000PerYear: 244.99999999999997, entries: 3 }] },
      rows: [{ rates: [{ count: '<5', estimate: 'c' }] }],
    },
    backtest: { overall: { projected: 376.60729416310835, actual: 380, percentError: -0.8928699570767502 }, calibration: { personMonths: 12.5 } },
  };
  const copy = structuredClone(answer);
  const shown = roundCalibrationAnswer(answer);
  t.equal(shown.report.priorWeight, 60.15);
  t.equal(shown.report.entries.byBand[0].count, 2);
  t.equal(shown.report.entries.byBand[0].perMonth, 0.083333);
  t.equal(shown.report.entryRates.byBand[0].per10000PerYear, 245);
  t.same(shown.report.rows[0].rates[0], { count: '<5', estimate: 'c' }, 'hidden figures stay as they are');
  t.equal(shown.backtest.overall.projected, 376.6073, 'children projected: a mean of counts, 4 decimals');
  t.equal(shown.backtest.overall.percentError, -0.89287);
  t.same(answer, copy, 'the stored figures are not changed');
});
