import { type BacktestResult, backtest } from '../../src/calibration/backtest.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { generateSyntheticAuthority, syntheticModel } from '../../src/calibration/synthetic-authority.ts';

/**
 * Rolling backtests over synthetic authorities generated from a known chain (synthetic-authority.ts):
 * each authority's returns run from firstYear to lastYear; every year from firstYear + 1 to
 * lastYear is backtested (fit on the years before it, at most four, project it, compare). The
 * prior is the synthetic chain with every move out of care × 1.6, so calibration has something
 * to correct.
 *
 * The set is built so that the truth has trends a naive forecast misses: most authorities have a
 * short burn-in (2 to 4 years of simulated history before the first return), so their stock of
 * children in care is still growing towards its steady state (and its mix shifting towards the
 * long stays of foster care); one per cycle of four has a 10-year burn-in and is in steady state,
 * where carrying the stock forward is hard to beat. Sizes vary from about 6 to 24 entrants a month.
 */
export interface SyntheticAuthoritySpec {
  seed: number;
  entriesPerMonth: number;
  burnInYears: number;
}

export function authoritySet(count: number, firstSeed = 1101): SyntheticAuthoritySpec[] {
  const cycle = [
    { entriesPerMonth: 8, burnInYears: 2 },
    { entriesPerMonth: 16, burnInYears: 3 },
    { entriesPerMonth: 24, burnInYears: 4 },
    { entriesPerMonth: 12, burnInYears: 10 },
  ];
  return Array.from({ length: count }, (_, i) => ({ seed: firstSeed + i, ...cycle[i % cycle.length] }));
}

export interface RollingRow {
  seed: number;
  entriesPerMonth: number;
  burnInYears: number;
  year: number;
  result: BacktestResult;
}

export async function rollingBacktests(
  specs: SyntheticAuthoritySpec[],
  options: { firstYear: number; lastYear: number; draws?: number; onRow?: (row: RollingRow) => void },
): Promise<RollingRow[]> {
  const prior = syntheticModel({ scale: 1.6 });
  const rows: RollingRow[] = [];
  for (const spec of specs) {
    const authority = generateSyntheticAuthority({ seed: spec.seed, firstYear: options.firstYear, lastYear: options.lastYear, entriesPerMonth: spec.entriesPerMonth, burnInYears: spec.burnInYears });
    const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
    for (let year = options.firstYear + 1; year <= options.lastYear; year++) {
      const result = backtest(imported, { priorModel: prior, year, draws: options.draws ?? 400, seed: spec.seed });
      const row = { ...spec, year, result };
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return rows;
}

export interface RollingSummary {
  backtests: number;
  /** Share of backtests whose actual total in care lies in the interval. */
  coverage: number;
  /** Mean summed absolute group error: the model, stock carried forward, last year's flows. */
  meanGroupError: { model: number; carriedForward: number; lastYearsFlows: number };
  meanActual: number;
  /** Share of backtests whose actual group count lies in the group's interval, by group. */
  groupCoverage: Record<string, number>;
}

export function summarise(rows: RollingRow[]): RollingSummary {
  const n = rows.length;
  const mean = (f: (r: RollingRow) => number) => rows.reduce((a, r) => a + f(r), 0) / n;
  const bench = (r: RollingRow, method: string) => r.result.benchmarks.find((b) => b.method === method)!.groupError;
  return {
    backtests: n,
    coverage: rows.filter((r) => r.result.overall.inInterval).length / n,
    meanGroupError: {
      model: mean((r) => r.result.overall.groupError),
      carriedForward: mean((r) => bench(r, 'carried_forward')),
      lastYearsFlows: mean((r) => bench(r, 'last_years_flows')),
    },
    meanActual: mean((r) => r.result.overall.actual),
    groupCoverage: Object.fromEntries(
      (rows[0]?.result.groups ?? []).map((g, i) => [g.group, rows.filter((r) => r.result.groups[i].actual >= r.result.groups[i].lower && r.result.groups[i].actual <= r.result.groups[i].upper).length / n]),
    ),
  };
}
