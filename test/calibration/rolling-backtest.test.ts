import t from 'tap';
import { authoritySet, rollingBacktests, summarise } from './rolling-backtests.ts';

/**
 * Acceptance (issue 11): rolling backtests on synthetic authorities generated from a known chain.
 * The 90% interval of the total in care must hold the actual in 85-95% of years, and the model
 * must beat both naive benchmarks on the summed absolute group error, on average.
 *
 * Bounded: 8 authorities × 6 years (2020 to 2025, each fitted on up to four years before it) =
 * 48 backtests. The full-size run (`npm run backtest:rolling -- 40`, 240 backtests) prints the
 * same figures for more authorities; these 8 are its first 8, not a chosen subset.
 */
t.test('rolling backtests over synthetic authorities: coverage of the total in care and skill against naive forecasts', async (t) => {
  const rows = await rollingBacktests(authoritySet(8), { firstYear: 2019, lastYear: 2025, draws: 400 });
  const s = summarise(rows);
  t.equal(s.backtests, 48);
  t.comment(`coverage ${(100 * s.coverage).toFixed(1)}% of ${s.backtests}; mean summed group error: model ${s.meanGroupError.model.toFixed(1)}, carried forward ${s.meanGroupError.carriedForward.toFixed(1)}, last year's flows ${s.meanGroupError.lastYearsFlows.toFixed(1)}; coverage by group ${JSON.stringify(s.groupCoverage)}`);
  t.ok(s.coverage >= 0.85 && s.coverage <= 0.95, `the 90% interval held the actual total in ${(100 * s.coverage).toFixed(1)}% of years (85-95% required)`);
  t.ok(s.meanGroupError.model < s.meanGroupError.carriedForward, 'the model beats the stock carried forward');
  t.ok(s.meanGroupError.model < s.meanGroupError.lastYearsFlows, 'the model beats last year’s flows');
  // Every interval is a real interval around the point, and the headline is the sum over the groups.
  for (const r of rows) {
    const o = r.result.overall;
    if (!(o.lower <= o.projected && o.projected <= o.upper)) t.fail(`${r.seed} ${r.year}: point ${o.projected} outside [${o.lower}, ${o.upper}]`);
    const sum = r.result.groups.reduce((a, g) => a + g.absoluteError, 0);
    if (Math.abs(sum - o.groupError) > 1e-9) t.fail(`${r.seed} ${r.year}: group errors do not add up`);
  }
});
