import { authoritySet, rollingBacktests, summarise } from './rolling-backtests.ts';

/**
 * `npm run backtest:rolling -- [authorities=40] [draws=400]`: the full-size rolling backtest over
 * synthetic authorities (rolling-backtests.ts). Prints one line per backtest and the summary:
 * coverage of the 90% interval of the total in care, and the mean summed group error of the
 * model beside the two naive benchmarks.
 */
const count = Number(process.argv[2] ?? 40);
const draws = Number(process.argv[3] ?? 400);
const started = performance.now();
const rows = await rollingBacktests(authoritySet(count), {
  firstYear: 2019,
  lastYear: 2025,
  draws,
  onRow: (r) => {
    const o = r.result.overall;
    const [carried, flows] = r.result.benchmarks;
    console.log(
      `authority ${r.seed} (${r.entriesPerMonth} entries a month, burn-in ${r.burnInYears} years) ${r.year}: total projected ${o.projected.toFixed(1)} [${o.lower.toFixed(0)}, ${o.upper.toFixed(0)}], actual ${o.actual} ${o.inInterval ? 'inside' : 'OUTSIDE'}; summed group error model ${o.groupError.toFixed(1)}, carried forward ${carried.groupError.toFixed(1)}, last year's flows ${flows.groupError.toFixed(1)}`,
    );
  },
});
const s = summarise(rows);
console.log(`\n${s.backtests} backtests over ${count} synthetic authorities (${((performance.now() - started) / 1000).toFixed(0)} s)`);
console.log(`coverage of the ${Math.round(100 * (rows[0]?.result.interval.level ?? 0.9))}% interval of the total in care: ${(100 * s.coverage).toFixed(1)}%`);
console.log(`coverage by group: ${Object.entries(s.groupCoverage).map(([g, c]) => `${g} ${(100 * c).toFixed(1)}%`).join(', ')}`);
console.log(`mean summed absolute group error: model ${s.meanGroupError.model.toFixed(1)}, stock carried forward ${s.meanGroupError.carriedForward.toFixed(1)}, last year's flows ${s.meanGroupError.lastYearsFlows.toFixed(1)} (mean actual total ${s.meanActual.toFixed(0)})`);
