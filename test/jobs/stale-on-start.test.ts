import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { findJob, insertJob } from '../../src/db/repositories/jobs.ts';
import { ownerIsGone, ownerName } from '../../src/services/jobs.ts';
import { freshDatabase, usingPostgres } from '../helpers/database.ts';

/**
 * Jobs of a killed process read "running" for about a minute after a restart (issue 14): on
 * start, the jobs of owners known to be gone are failed at once.
 */

function exitedPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid as number));
  });
}

t.test('ownerIsGone', async (t) => {
  const self = { host: 'h1', pid: 100, startedMs: 5000, soleProcess: false };
  const alive = (pid: number) => pid === 200;
  t.equal(ownerIsGone('pathcast:h1:300:4000:abcdef01', self, alive), true, 'same host, process gone');
  t.equal(ownerIsGone('pathcast:h1:200:4000:abcdef01', self, alive), false, 'same host, process alive');
  t.equal(ownerIsGone('pathcast:h1:100:4000:abcdef01', self, alive), true, 'our pid, an earlier start: a restarted container');
  t.equal(ownerIsGone('pathcast:h1:100:5000:abcdef01', self, alive), false, 'this very process (another runner in it)');
  t.equal(ownerIsGone('pathcast:h2:300:4000:abcdef01', self, alive), false, 'another host: left to the heartbeat');
  t.equal(ownerIsGone('pathcast-300-abcdef01', self, alive), false, 'an older name: left to the heartbeat');
  t.equal(ownerIsGone('pathcast:h2:300:4000:abcdef01', { ...self, soleProcess: true }, alive), true, 'embedded database: every other process is gone');
  t.equal(ownerIsGone('pathcast:h1:100:5000:abcdef01', { ...self, soleProcess: true }, alive), false, 'but never this one');
});

t.test('at start, the jobs of a stopped process are failed at once', async (t) => {
  const database = await freshDatabase();
  const deadPid = await exitedPid();
  const make = async (owner: string) => {
    const row = await insertJob(database.db, { kind: 'scenario_run', capability: 'aggregates:read', params: {}, createdBy: null, owner });
    await database.db.updateTable('jobs').set({ status: 'running', started_at: new Date(), heartbeat_at: new Date() }).where('id', '=', row.id).execute();
    return row.id;
  };
  const dead = await make(ownerName(hostname(), deadPid, 1));
  const queuedDead = (await insertJob(database.db, { kind: 'calibration', capability: 'models:write', params: {}, createdBy: null, owner: ownerName(hostname(), deadPid, 1) })).id;
  const elsewhere = await make(ownerName('another-host.example', 4242, 1));
  const alive = await make(ownerName(hostname(), process.ppid, 1));

  const config = loadConfig({ logLevel: 'silent', loadDemoData: false, workerThreads: 0, scenarioQueue: 'off', adminToken: undefined });
  const app = await buildApp({ config, database, logger: false });
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  for (const id of [dead, queuedDead]) {
    const row = await findJob(app.db, id);
    t.equal(row?.status, 'failed', 'a job of a process that has exited is failed before the service answers');
    t.match(row?.message, /interrupted/);
  }
  // On PostgreSQL other processes may share the database: a live one, or one on another host, keeps its jobs.
  t.equal((await findJob(app.db, elsewhere))?.status, usingPostgres ? 'running' : 'failed', 'another host');
  t.equal((await findJob(app.db, alive))?.status, usingPostgres ? 'running' : 'failed', 'a live process on this host');
});
