import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { ShardQueue } from '../../src/services/shard-queue.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { prepareScenario } from '../../src/simulation/scenario.ts';
import { freshDatabaseWithUrl, usingPostgres } from '../helpers/database.ts';

/**
 * Scaling out: two `npm run worker` processes share a scenario run through PostgreSQL; one is
 * killed mid-run; the run still completes, identical to the same run in one process.
 * The scenario holds places in every run (issue 15): a capacity limit that binds, with waiting,
 * and a commissioned service, so its shards are blocks of whole runs (scenario_run_shards.places).
 * Needs a PostgreSQL server (CI runs it there); on the embedded database there is no queue.
 */
const root = path.resolve(import.meta.dirname, '../..');
const england: CostModelSpec = JSON.parse(readFileSync(path.join(root, 'models/england-default.json'), 'utf8'));

t.test('worker processes share a run; one killed mid-run loses nothing', { skip: usingPostgres ? false : 'needs PostgreSQL: the queue lives in PostgreSQL (CI runs this against a real server)' }, async (t) => {
  const { handle, url } = await freshDatabaseWithUrl();
  const databaseUrl = url as string;
  const states = ['edge_of_care', 'cin_cp', 'inhouse_foster', 'ifa_foster', 'residential', 'kinship_foster'];
  const members = Array.from({ length: 400 }, (_, k) => ({ ageMonths: (5 + (k % 12)) * 12 + (k % 11), state: states[k % states.length], weeklyPrice: 500 + (k % 40) * 150 }));
  const scenario = {
    id: 'queue-test',
    version: '1.0.0',
    name: 'Queue test',
    model: { id: 'england-default' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 5,
    lifetimeYears: 10,
    entrants: [{ fromYears: 10, toYears: 16, population: 20000, ratePer10000: 30, startingStates: { cin_cp: 0.6, edge_of_care: 0.4 } }],
    // 67 of the 400 on record are in in-house foster care, over its 40 places (they keep them):
    // nobody else is placed there until fewer than 40 remain, and then by priority.
    capacity: [{ state: 'inhouse_foster', places: 40, overflowTo: 'ifa_foster', waiting: true }],
    priority: 'highest_cost' as const,
    strategy: { name: 'MST', interventions: [{ id: 'mst', capacityPerYear: 20 }] },
  };
  const prepared = prepareScenario(scenario, england, members, { baseKey: 'england-default@test', seed: 42, runs: 1000 });
  // Compared by hash: the results are large.
  const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
  const referenceResult = await new SimulationPool(0).scenario(prepared);
  const reference = digest(referenceResult);
  t.ok(referenceResult.interventions[0].delivered.mean > 0, 'the strategy does something (places are taken)');
  const limit = referenceResult.capacity?.limits.find((l) => l.variant === 'baseline');
  t.ok(limit && limit.refused > 0 && limit.placedFromWaiting > 0, 'the limit binds: moves refused a place, children placed after waiting');
  // Those on record keep their places beyond capacity; a run within its places stays within, so
  // once 9 runs in 10 are within (P90 at most the places), every later month is too.
  const months = limit?.occupancyByMonth ?? [];
  const within = months.findIndex((m) => m.occupied.p90 <= m.capacity);
  t.ok(within > 0 && months.slice(within).every((m) => m.occupied.p90 <= m.capacity), `over the places at first, then within from month ${within}`);

  const log = Fastify({ logger: false }).log;
  // The coordinator only coordinates here: the two worker processes do every shard.
  const coordinator = new ShardQueue({ databaseUrl, db: handle.db, pool: new SimulationPool(0), log });
  await coordinator.start();
  const startWorker = (): ChildProcess =>
    spawn(process.execPath, [path.join(root, 'src/cli/worker.ts')], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, WORKER_THREADS: '1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const first = startWorker();
  const second = startWorker();
  const exited = (child: ChildProcess) => new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const firstExit = exited(first);
  t.teardown(async () => {
    for (const child of [first, second]) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await coordinator.stop();
    await handle.close();
  });

  const run = coordinator.run(prepared, 'queue-test-run');
  // Kill the first worker as soon as shards are flowing: it is then holding a shard of its own.
  for (;;) {
    const done = await handle.db.selectFrom('scenario_run_shards').select('run_id').executeTakeFirst();
    if (done) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  first.kill('SIGKILL');
  t.equal(await firstExit, 'SIGKILL', 'the first worker was killed mid-run');
  const result = digest(await run);
  t.equal(result, reference, 'the run completed, identical to a single-process run');
  const leftovers = await handle.db.selectFrom('scenario_run_shards').select('run_id').execute();
  t.equal(leftovers.length, 0, 'shard data is cleared once folded');
});
