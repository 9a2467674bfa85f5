import { availableParallelism } from 'node:os';
import { benchCalibrate } from '../calibration/bench.ts';
import { compileModel } from '../simulation/model.ts';
import { SimulationPool } from '../simulation/pool.ts';
import { baselineThroughput, projectionPerRun, projectionThroughPool, scalingTwoThreads, singleCoreThroughput, threadedThroughput } from './engine-figures.ts';
import { defaultModelSpec, modelKey, threePlanRequest } from './workloads.ts';

/**
 * Every benchmark figure: a name, a unit, and a function measuring it. Each runs in its own
 * process (see run.ts) so figures never share JIT state or memory.
 */
export interface Figure {
  name: string;
  unit: string;
  description: string;
  /** The headline value, or an object with it as `value` and the detail beside (spreads, CPU, baseline). */
  measure: () => Promise<number | FigureResult>;
}

export type FigureResult = { value: number } & Record<string, unknown>;


/** Resident memory after a projection of `runs` runs (three plans), in MiB. */
async function projectionPeakRss(runs: number): Promise<number> {
  const spec = defaultModelSpec();
  const model = compileModel(spec);
  const pool = new SimulationPool(0);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    await pool.projection(modelKey(spec), spec, threePlanRequest(model), runs, 1);
    peak = Math.max(peak, process.memoryUsage().rss);
    return peak / 1_048_576;
  } finally {
    clearInterval(timer);
  }
}

export const figures: Figure[] = [
  {
    name: 'engine_throughput_single_core',
    unit: 'person-months per CPU second',
    description:
      'Cohort kernel, default model, 1,000 people to 25, all accumulators, one thread; timed in alternation with the frozen pre-issue-19 kernel (speedup_vs_baseline)',
    measure: () => singleCoreThroughput() as Promise<FigureResult>,
  },
  {
    name: 'engine_throughput_baseline_kernel',
    unit: 'person-months per CPU second',
    description: 'The same work on the frozen copy of the kernel before issue 19 (src/bench/baseline), in its own process',
    measure: () => baselineThroughput() as Promise<FigureResult>,
  },
  {
    name: 'engine_throughput_all_cores',
    unit: 'person-months per CPU second of each thread',
    description: `The same on ${availableParallelism()} worker threads (each thread's CPU time; wall rate beside)`,
    measure: () => threadedThroughput(availableParallelism()) as Promise<FigureResult>,
  },
  {
    name: 'engine_scaling_2_threads',
    unit: 'ratio',
    description: 'CPU-time throughput on two worker threads divided by that on one, timed in alternation (wall-clock ratio beside)',
    measure: () => scalingTwoThreads() as Promise<FigureResult>,
  },
  {
    name: 'projection_per_run_cpu_us',
    unit: 'CPU µs per run',
    description:
      'Per-run work of the three-plan projection on one thread: parameter draws, Dirichlet rows, three trajectories, summaries and fold (the frozen pre-issue-19 kernel and summaries beside)',
    measure: () => projectionPerRun() as Promise<FigureResult>,
  },
  {
    name: 'projection_three_plans_10000_runs_ms',
    unit: 'ms',
    description: 'One 14-year-old, three plans, 10,000 runs each, to 25, through the worker pool: wall time (process CPU time beside)',
    measure: () => projectionThroughPool(availableParallelism()) as Promise<FigureResult>,
  },
  {
    name: 'projection_peak_rss_10000_runs_mib',
    unit: 'MiB',
    description: 'Peak resident memory of a process running the three-plan projection with 10,000 runs',
    measure: () => projectionPeakRss(10_000),
  },
  {
    name: 'projection_peak_rss_100000_runs_mib',
    unit: 'MiB',
    description: 'The same with 100,000 runs: memory grows with runs only through per-run totals',
    measure: () => projectionPeakRss(100_000),
  },
  {
    name: 'pathway_projection_http_p50_ms',
    unit: 'ms',
    description: 'runPathwayProjection through HTTP in-process: three plans, 10,000 runs, age 14 to 25, validated, run as a job and stored (median of 15)',
    measure: () => import('./pathway-projection-http.ts').then((m) => m.pathwayProjectionHttpMilliseconds()),
  },
  {
    name: 'scorecard_board_cpu_ms',
    unit: 'ms of CPU',
    description: 'getScorecard as the board reads it (protected: the last 12 quarter ends as one set), demo borough, in-process on the embedded database, each read computed (the cache emptied; median of 9; wall and a cached read beside)',
    measure: () => import('./scorecard-board.ts').then((m) => m.boardScorecardMilliseconds()),
  },
  {
    name: 'scorecard_board_small_team_cpu_ms',
    unit: 'ms of CPU',
    description:
      'The same after adding a team of three looked-after children (£50,000 budget; the issue 17 reviewer\'s case: 7-9 s a read), each read computed (the cache emptied), on the measuring thread (median of 5 after 1; wall and a cached read beside)',
    measure: () => import('./scorecard-board.ts').then((m) => m.boardScorecardMilliseconds({ smallTeam: true, warm: 1, reps: 5 })),
  },
  {
    name: 'ssda903_calibrate_seconds',
    unit: 's',
    description: 'Import and calibrate ten years of SSDA903 returns of a synthetic authority with about 1,000 children in care (generating the files is not timed)',
    measure: async () => (await benchCalibrate()).seconds,
  },
  {
    name: 'scenario_1000x2000_seconds',
    unit: 's',
    description: 'A scenario (in-house foster recruitment) over 1,000 young people plus new entrants, 2,000 runs, 5-year planning and 20-year lifetime horizons, on every core',
    measure: () => import('./scenario-bench.ts').then(async (m) => (await m.scenarioBench(1000)).seconds),
  },
  {
    name: 'scenario_1000x2000_peak_rss_mib',
    unit: 'MiB',
    description: 'Peak resident memory of the process running that scenario (its worker threads included)',
    measure: () => import('./scenario-bench.ts').then(async (m) => (await m.scenarioBench(1000)).peakRssMib),
  },
  {
    name: 'scenario_250x2000_seconds',
    unit: 's',
    description: 'The same scenario over 250 young people: how time grows with the cohort',
    measure: () => import('./scenario-bench.ts').then(async (m) => (await m.scenarioBench(250)).seconds),
  },
  {
    name: 'scenario_4000x2000_seconds',
    unit: 's',
    description: 'The same scenario over 4,000 young people',
    measure: () => import('./scenario-bench.ts').then(async (m) => (await m.scenarioBench(4000)).seconds),
  },
  {
    name: 'pack_seconds',
    unit: 's',
    description: 'exportScenarioPack through HTTP for the demo scenario (edge-of-care-mst, 2,000 runs, demo cohort of 400): workbook, report with charts, CSV, manifest, zip (median of 5; running the scenario first is not timed)',
    measure: () => import('./scenario-pack.ts').then((m) => m.scenarioPackSeconds()),
  },
  {
    name: 'health_p99_ms_during_import',
    unit: 'ms',
    description: 'GET /health p99 while a 20,000-row CSV import runs on the real server (target < 200 ms)',
    measure: () => import('./robustness.ts').then((m) => m.healthP99DuringImport()),
  },
  {
    name: 'health_p99_ms_during_calibration',
    unit: 'ms',
    description: 'GET /health p99 while importSsda903 calibrates the Northvale fixture (eight years, backtest) on the real server (target < 200 ms)',
    measure: () => import('./robustness.ts').then((m) => m.healthP99DuringCalibration()),
  },
  {
    name: 'health_p99_ms_during_scenario_run',
    unit: 'ms',
    description: 'GET /health p99 while the demo scenario (2,000 runs over 400 young people) runs on the real server (target < 200 ms)',
    measure: () => import('./robustness.ts').then((m) => m.healthP99DuringScenarioRun()),
  },
  {
    name: 'longest_slice_cpu_ms_during_import',
    unit: 'ms',
    description: 'Longest run of service-thread CPU time without a break (CPU ms between 2 ms timer ticks) during a 20,000-row CSV import, in-process on an embedded database; hardly moved by load (target well under 50 ms)',
    measure: () => import('./robustness.ts').then((m) => m.longestSliceCpuMs('import')),
  },
  {
    name: 'longest_slice_cpu_ms_during_calibration',
    unit: 'ms',
    description: 'Longest run of service-thread CPU time without a break (CPU ms between 2 ms timer ticks) during importSsda903 of the Northvale fixture, in-process on an embedded database; hardly moved by load (target well under 50 ms)',
    measure: () => import('./robustness.ts').then((m) => m.longestSliceCpuMs('calibration')),
  },
  {
    name: 'longest_slice_cpu_ms_during_scenario_run',
    unit: 'ms',
    description: 'Longest run of service-thread CPU time without a break (CPU ms between 2 ms timer ticks) during the demo scenario run (2,000 runs, 400 young people), in-process on an embedded database; hardly moved by load (target well under 50 ms)',
    measure: () => import('./robustness.ts').then((m) => m.longestSliceCpuMs('scenario_run')),
  },
  {
    name: 'startup_seconds_under_load',
    unit: 's',
    description: 'First npm start (fresh data, demo borough) while two CPU-bound processes run: it must start',
    measure: () => import('./robustness.ts').then((m) => m.startupSecondsUnderLoad()),
  },
];
