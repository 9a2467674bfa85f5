import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { projectRoot } from '../../src/config/index.ts';
import { freshDatabaseWithUrl, usingPostgres } from '../helpers/database.ts';

/**
 * Start-up on a slow machine (issue 14): the first start on a busy machine died at Fastify's 10 s
 * plugin timeout around the database boot. These tests start the real server process with an
 * artificial delay longer than that timeout, and with databases that cannot open.
 */

const ADMIN_TOKEN = 'startup-test-admin-token-0123';

interface Outcome {
  child: ChildProcess;
  output: string;
  code: number | null;
  address?: string;
}

function run(env: NodeJS.ProcessEnv): Promise<Outcome> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'src/server.ts')], {
    env: { ...process.env, PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'warn', ...env },
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /pathcast is listening on (\S+)[\s\S]*sign in:.*\n/.exec(output);
      if (match) resolve({ child, output, code: null, address: match[1] });
    });
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ child, output, code }));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

t.test('a database boot slower than the plugin timeout still starts, with progress and sign-in help', async (t) => {
  const env: NodeJS.ProcessEnv = { DEBUG_DATABASE_BOOT_DELAY_MS: '11000', LOAD_DEMO_DATA: 'true' };
  if (usingPostgres) {
    const { handle, url } = await freshDatabaseWithUrl();
    t.teardown(() => handle.close());
    env.DATABASE_URL = url;
  } else {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-slow-start-'));
    t.teardown(() => rm(dataDir, { recursive: true, force: true }));
    env.DATA_DIR = dataDir;
    env.DATABASE_URL = '';
  }
  const started = await run(env);
  t.teardown(() => stop(started.child));
  t.notMatch(started.output, /Plugin did not start in time/);
  t.ok(started.address, `the service came up:\n${started.output}`);
  t.match(started.output, /booting the database.*: done in (1[1-9]|[2-9]\d)\.\d s/, 'the boot took the delay and the step said so');
  t.match(started.output, /migrating the database: done/);
  t.match(started.output, /loading demo data: 400 of 400 young people stored/, 'the demo load reports progress');
  t.match(started.output, /\/app .*paste an API token to sign in/);
  t.match(started.output, /sign in: +paste \$ADMIN_TOKEN on the page or send "Authorization: Bearer \$ADMIN_TOKEN"/);
  const health = await fetch(`${started.address}/health`);
  t.equal(health.status, 200);
});

t.test('a database that cannot open fails with the step and what to do, never a plugin timeout', async (t) => {
  const folder = await mkdtemp(path.join(tmpdir(), 'pathcast-bad-start-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  const notAFolder = path.join(folder, 'a-file');
  await writeFile(notAFolder, 'not a data folder');

  const embedded = await run({ DATABASE_URL: '', DATA_DIR: notAFolder, LOAD_DEMO_DATA: 'false' });
  t.equal(embedded.code, 1, 'the process exits with 1');
  t.notMatch(embedded.output, /Plugin did not start in time/);
  t.match(embedded.output, /pathcast could not start: booting the database \(embedded PGlite in .*a-file\) failed: /);
  t.match(embedded.output, /what to do: check that DATA_DIR .* is a folder this user can write/);

  const server = await run({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOAD_DEMO_DATA: 'false' });
  t.equal(server.code, 1);
  t.match(server.output, /pathcast could not start: booting the database \(PostgreSQL at DATABASE_URL\) failed: /);
  t.match(server.output, /what to do: check that DATABASE_URL names a PostgreSQL server that is running/);
  t.notMatch(server.output, /nobody@/, 'the connection string is not echoed');
});

t.test('a second process on the same data folder fails at once; after the first closes, one starts', { skip: usingPostgres && 'the lock is for the embedded database only' }, async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-lock-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const env = { DATABASE_URL: '', DATA_DIR: dataDir, LOAD_DEMO_DATA: 'false' };

  const first = await run(env);
  t.teardown(() => stop(first.child));
  t.ok(first.address, `the first came up:\n${first.output}`);
  t.ok((await stat(path.join(dataDir, 'pathcast.lock'))).isDirectory(), 'the first holds the lock');

  const second = await run(env);
  t.equal(second.code, 1, 'the second exits with 1');
  t.notOk(second.address, 'the second never listens');
  t.match(second.output, `the data folder ${dataDir} is in use by another pathcast process`);
  t.match(second.output, /stop that process first or set DATA_DIR to another folder/);
  t.equal((await fetch(`${first.address}/health`)).status, 200, 'the first is unharmed');

  await stop(first.child);
  t.equal(first.child.exitCode, 0, 'the first closed gracefully');
  await t.rejects(stat(path.join(dataDir, 'pathcast.lock')), { code: 'ENOENT' }, 'a graceful close releases the lock');
  const third = await run(env);
  t.teardown(() => stop(third.child));
  t.ok(third.address, `a later process starts:\n${third.output}`);
});

t.test('a stale lock left by a process that died is taken over', { skip: usingPostgres && 'the lock is for the embedded database only' }, async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-stale-lock-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const lock = path.join(dataDir, 'pathcast.lock');
  await mkdir(lock);
  const minuteAgo = new Date(Date.now() - 60_000);
  await utimes(lock, minuteAgo, minuteAgo); // older than LOCK_STALE_MS (20 s): nobody is touching it
  const started = await run({ DATABASE_URL: '', DATA_DIR: dataDir, LOAD_DEMO_DATA: 'false' });
  t.teardown(() => stop(started.child));
  t.ok(started.address, `started over a stale lock:\n${started.output}`);
});

t.test('SIGTERM to `npm start` reaches the server, which closes gracefully and leaves no orphan', async (t) => {
  const env: NodeJS.ProcessEnv = { LOAD_DEMO_DATA: 'false', LOG_LEVEL: 'info' };
  if (usingPostgres) {
    const { handle, url } = await freshDatabaseWithUrl();
    t.teardown(() => handle.close());
    env.DATABASE_URL = url;
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-npm-start-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  if (!usingPostgres) {
    env.DATA_DIR = dataDir;
    env.DATABASE_URL = '';
  }
  // npm itself, as an operator or a process manager runs it; the pinned Node first on PATH.
  const binaries = path.join(projectRoot, 'node_modules/.bin');
  const npm = spawn('npm', ['start'], {
    env: { ...process.env, PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'warn', PATH: `${binaries}${path.delimiter}${process.env.PATH}`, ...env },
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const address = await new Promise<string | undefined>((resolve) => {
    npm.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /pathcast is listening on (\S+)[\s\S]*sign in:.*\n/.exec(output);
      if (match) resolve(match[1]);
    });
    npm.stderr?.on('data', (chunk) => (output += chunk));
    npm.on('exit', () => resolve(undefined));
  });
  t.ok(address, `npm start came up:\n${output}`);
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  npm.kill('SIGTERM');
  t.equal(await exited, 0, 'npm start exits 0 after a graceful close');
  // The server must be gone too: nothing answers on its address any more.
  let stillServing = true;
  for (let i = 0; i < 30 && stillServing; i++) {
    stillServing = await fetch(`${address}/health`).then(
      () => true,
      () => false,
    );
    if (stillServing) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  t.notOk(stillServing, 'no orphaned server is left listening');
  t.match(output, /"signal":"SIGTERM","msg":"shutting down"/, 'the server itself received the signal');
  if (!usingPostgres) await t.rejects(stat(path.join(dataDir, 'pathcast.lock')), { code: 'ENOENT' }, 'the data folder lock was released');
});
