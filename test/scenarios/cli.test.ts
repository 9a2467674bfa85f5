import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { connectDatabase } from '../../src/db/connect.ts';
import { smallScenario } from './fixtures.ts';

/**
 * `npm run scenario` on the embedded database (the command's own use; the API tests cover
 * PostgreSQL). One fresh data folder for this file, used in turn (an embedded database has one
 * user at a time): creating and migrating one takes seconds.
 */
const command = path.resolve(import.meta.dirname, '../../src/cli/run-scenario.ts');
const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'pathcast-cli-data-'));

function environment(dataDir: string, extra: Record<string, string> = {}) {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return { ...env, DATA_DIR: dataDir, LOAD_DEMO_DATA: 'false', ...extra };
}

async function scenarioCommand(args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run(process.execPath, [command, ...args], { env, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function tempFile(name: string, content: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pathcast-cli-'));
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

t.test('a bad scenario file is refused with its errors; nothing is stored', async (t) => {
  const file = tempFile('bad.json', smallScenario({ id: 'bad', strategy: { name: 'x', interventions: [{ id: 'magic_wand', capacityPerYear: 1 }] } }));
  const result = await scenarioCommand([file, '--runs', '20'], environment(dataDir));
  t.equal(result.code, 2);
  t.match(result.stderr, /bad\.json is not a valid scenario/);
  t.match(result.stderr, /\/strategy\/interventions\/0\/id: unknown intervention "magic_wand"/);
  const badRuns = await scenarioCommand([file, '--runs', '5'], environment(dataDir));
  t.equal(badRuns.code, 2);
  t.match(badRuns.stderr, /--runs must be an integer from 10 to 20000/);
  const database = await connectDatabase({ dataDir });
  t.same(await database.db.selectFrom('scenario_runs').select('id').execute(), []);
  await database.close();
});

t.test('--help prints the usage and exits 0; a mistyped option is told with the usage, not a stack trace', async (t) => {
  const help = await scenarioCommand(['--help'], environment(dataDir));
  t.equal(help.code, 0, help.stderr);
  t.match(help.stdout, /^npm run scenario -- scenarios\/NAME\.json \[--runs N\]/);
  t.match(help.stdout, /--runs N +Monte Carlo runs, 10 to 20,000/);
  const unknown = await scenarioCommand(['scenarios/edge-of-care-mst.json', '--run', '20'], environment(dataDir));
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /^Unknown option '--run'\n\nnpm run scenario -- /);
  t.notMatch(unknown.stderr, /at .*:\d+:\d+/, 'no stack trace');
  const flag = await scenarioCommand(['scenarios/edge-of-care-mst.json', '--no-store=yes'], environment(dataDir));
  t.equal(flag.code, 2);
  t.match(flag.stderr, /^Option '--no-store' does not take an argument/);
});

t.test('runs a scenario file with a progress bar, prints the headline and stores the run', async (t) => {
  // Entrants only: the database holds no young people (no demo data here).
  const file = tempFile('entrants-only.json', {
    ...smallScenario({ id: 'entrants-only', planningYears: 2, lifetimeYears: 4 }),
    entrants: [{ fromYears: 11, toYears: 16, population: 20000, ratePer10000: 25, startingStates: { edge_of_care: 0.5, cin_cp: 0.5 } }],
  });
  const result = await scenarioCommand([file, '--runs', '20', '--seed', '7', '--threads', '0'], environment(dataDir));
  t.equal(result.code, 0, result.stderr);
  t.match(result.stderr, /100% 20 of 20 runs/, 'a progress bar on stderr');
  for (const heading of [
    'Spend by financial year',
    '2026-27',
    '2027-28',
    'Net present value',
    'Chance benefits exceed costs',
    'Benefit-cost ratio',
    'Payback',
    'What drives the NPV',
    'Children looked after at 31 March',
  ]) {
    t.ok(result.stdout.includes(heading), `prints ${heading}`);
  }
  t.match(result.stdout, /20 runs, seed 7/);
  const stored = /Stored as scenario run ([0-9a-f-]{36})/.exec(result.stdout);
  t.ok(stored, 'says where the run is stored');

  const database = await connectDatabase({ dataDir });
  const runs = await database.db.selectFrom('scenario_runs').select(['id', 'scenario_id', 'seed', 'runs', 'cohort_size']).execute();
  t.same(runs.map((r) => ({ ...r, seed: Number(r.seed) })), [{ id: stored?.[1], scenario_id: 'entrants-only', seed: 7, runs: 20, cohort_size: 0 }]);
  t.same(await database.db.selectFrom('scenarios').select(['id', 'version', 'origin']).execute(), [{ id: 'entrants-only', version: '1.0.0', origin: 'file' }]);
  const audit = await database.db.selectFrom('audit_events').select(['action', 'actor_name']).where('action', '=', 'scenario.run').execute();
  t.same(audit, [{ action: 'scenario.run', actor_name: 'npm run scenario' }]);
  await database.close();
});

t.test('on a database that has never held a young person, the demo cohort is loaded first, as npm start does', async (t) => {
  // The runs above stored no young people.
  const file = tempFile('demo.json', smallScenario({ id: 'demo-cohort', planningYears: 1, lifetimeYears: 1, runs: 10 }));
  const result = await scenarioCommand([file, '--threads', '1', '--no-store'], environment(dataDir, { LOAD_DEMO_DATA: 'true' }));
  t.equal(result.code, 0, result.stderr);
  t.match(result.stderr, /loaded the 460 of the demo borough/);
  t.match(result.stdout, /Cohort: 460 young people on record/);
  t.match(result.stdout, /Not stored \(--no-store\)/);
});
