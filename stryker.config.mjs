// Mutation testing of the numeric core with StrykerJS (https://stryker-mutator.io), run by
// `npm run mutate`; not part of CI (a full run takes hours on two cores).
//
// Speed: coverageAnalysis "perTest" with the tap runner records which test file reaches each
// mutant in the first (dry) run, and each mutant then runs only those files. Narrow a run with
// `--mutate` and, to shorten the dry run, MUTATE_TESTS (comma-separated globs):
//
//   MUTATE_TESTS='test/finance/*.test.ts,test/pinned/appraise.test.ts' \
//     npm run mutate -- --mutate 'src/finance/*.ts'
//
// The score is printed at the end (clear-text reporter) and the survivors listed; the HTML
// report is written to reports/mutation/mutation.html.

/** The source files that make the numbers users read, and the tests that pin them. */
const numericCore = [
  'src/simulation/**/*.ts',
  // Thread plumbing: results do not depend on it (tested by the 1/2/4-thread reproducibility test).
  '!src/simulation/pool.ts',
  '!src/simulation/worker.ts',
  'src/finance/**/*.ts',
  'src/catalog/exact-propagation.ts',
  'src/calibration/calibrate.ts',
  'src/calibration/shrinkage.ts',
  'src/calibration/poisson-interval.ts',
  'src/calibration/backtest.ts',
  'src/services/pathway-budget.ts',
  'src/services/access-control.ts',
];

const coreTests = [
  'test/finance/*.test.ts',
  'test/pinned/*.test.ts',
  'test/simulation/*.test.ts',
  'test/catalog/exact-propagation.test.ts',
  'test/calibration/calibrate.test.ts',
  'test/calibration/backtest.test.ts',
  'test/calibration/special-functions.test.ts',
  'test/calibration/round-trip.test.ts',
  'test/care-plans/budget.test.ts',
  'test/access/role-matrix.test.ts',
];

const testFiles = process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(',').map((s) => s.trim()) : coreTests;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  mutate: numericCore,
  coverageAnalysis: 'perTest',
  tap: {
    testFiles,
    // Node runs the TypeScript directly (type stripping); Stryker's hook collects coverage.
    nodeArgs: ['-r', '{{hookFile}}', '{{testFile}}'],
  },
  // Two cores are shared with other work.
  concurrency: 2,
  // A mutant that loops for ever (a date cursor that never advances) is a timeout, counted as
  // killed; waiting long for each only slows the run.
  timeoutMS: 10_000,
  timeoutFactor: 1.5,
  // Module-level constants (e.g. the Green Book rates) reach every test file, so each such mutant
  // reruns them all. They are mutated by default; MUTATE_IGNORE_STATIC=1 skips them in a quick run
  // (they then show as ignored, outside the score).
  ignoreStatic: process.env.MUTATE_IGNORE_STATIC === '1',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 85, break: null },
  // Stryker rewrites tsconfig's extends/references for its sandbox with the TypeScript JS API,
  // which TypeScript 7 (the native compiler) no longer has. Ours has neither, so point Stryker at
  // no tsconfig and the sandbox keeps the file as it is.
  tsconfigFile: 'no-tsconfig-to-rewrite.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
