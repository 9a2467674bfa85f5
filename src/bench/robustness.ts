import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../config/index.ts';

/**
 * Issue 14's figures: the service under its own heavy work, and starting on a loaded machine.
 * Both start the real server (`node src/server.ts`) as a child process on a fresh embedded
 * database, as `npm start` would. Each prints to stderr the wall time, this (measuring) thread's
 * CPU time and the load average, beside the figure on stdout.
 */

const ADMIN_TOKEN = 'bench-robustness-admin-token';

interface Server {
  child: ChildProcess;
  address: string;
  startedMs: number;
}

function startServer(dataDir: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const started = performance.now();
  const serverEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000', ...env };
  delete serverEnv.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(projectRoot, 'src/server.ts')], { env: serverEnv, cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /pathcast is listening on (\S+)/.exec(output);
      if (match) resolve({ child, address: match[1], startedMs: performance.now() - started });
    });
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`the service did not start (exit ${code}):\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function report(name: string, wallMs: number, cpu: NodeJS.CpuUsage, extra: Record<string, unknown> = {}) {
  const used = process.cpuUsage(cpu);
  process.stderr.write(
    `${JSON.stringify({ name, wallMs: Math.round(wallMs), measuringThreadCpuMs: Math.round((used.user + used.system) / 1000), loadAverage: loadavg().map((l) => Number(l.toFixed(2))), ...extra })}\n`,
  );
}

/** A CSV of `rows` young people on the edge of care, in the import format. */
export function benchImportCsv(rows: number): string {
  const lines = ['reference,birth_year,birth_month,legal_status,tier,care_state,sex'];
  const year = new Date().getUTCFullYear();
  for (let i = 0; i < rows; i++) lines.push(`BENCH-${i},${year - 10 - (i % 7)},${(i % 12) + 1},not_looked_after,3,edge_of_care,${i % 2 ? 'female' : 'male'}`);
  return `${lines.join('\n')}\n`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const authorization = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  const body = await response.text();
  if (response.status !== status) throw new Error(`${what} answered ${response.status}: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

/** Polls a job until it settles; throws unless it succeeded. */
async function settled(address: string, jobId: string): Promise<void> {
  for (;;) {
    const job = (await expectStatus(await fetch(`${address}/v1/jobs/${jobId}`, { headers: authorization }), 200, 'getJob')) as { status: string };
    if (job.status === 'succeeded') return;
    if (job.status === 'failed' || job.status === 'cancelled') throw new Error(`job ${jobId} ${job.status}: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * GET /health every 25 ms from the moment `work` starts until it settles, on the real server;
 * the 99th percentile of the response times, with the slowest checks and when they came (ms
 * after the work started) on stderr, so a reader can see what stalled.
 */
async function healthWhile(name: string, server: Server, work: () => Promise<unknown>, extra: Record<string, unknown>): Promise<number> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const times: number[] = [];
  const slow: Array<[number, number]> = [];
  let working = true;
  const done = work().finally(() => {
    working = false;
  });
  done.catch(() => {});
  while (working) {
    const t0 = performance.now();
    const health = await fetch(`${server.address}/health`);
    await health.arrayBuffer();
    const ms = performance.now() - t0;
    times.push(ms);
    if (ms > 50) slow.push([Math.round(t0 - started), Math.round(ms)]);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await done;
  const p99 = percentile(times, 99);
  report(name, performance.now() - started, cpu, {
    ...extra,
    healthChecks: times.length,
    p50Ms: Math.round(percentile(times, 50)),
    maxMs: Math.round(Math.max(...times)),
    over50Ms: slow.length,
    slowest: slow.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([at, ms]) => ({ atMs: at, ms })),
  });
  return p99;
}

/** Starts the real server on a fresh data folder, runs `measure` against it, and cleans up. */
async function withServer<T>(env: NodeJS.ProcessEnv, measure: (server: Server) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-bench-health-'));
  const server = await startServer(dataDir, env);
  try {
    // One health check first, as a monitor would have made before the work began.
    await (await fetch(`${server.address}/health`)).arrayBuffer();
    return await measure(server);
  } finally {
    await stop(server.child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * health_p99_ms_during_import: GET /health every 25 ms while a 20,000-row CSV import runs
 * (issue 14 measured 11.1 s); the 99th percentile of its response times. Target: under 200 ms.
 */
export async function healthP99DuringImport(rows = 20_000): Promise<number> {
  return withServer({ LOAD_DEMO_DATA: 'false' }, async (server) => {
    const csv = benchImportCsv(rows);
    return healthWhile(
      'health_p99_ms_during_import',
      server,
      async () =>
        expectStatus(
          await fetch(`${server.address}/v1/young-people/import`, { method: 'POST', headers: { ...authorization, 'content-type': 'text/csv' }, body: csv }),
          201,
          'importYoungPeople',
        ),
      { rows },
    );
  });
}

/**
 * health_p99_ms_during_calibration: the same while importSsda903 calibrates the Northvale
 * fixture (test/fixtures/ssda903/northvale: eight return years, with a backtest) and stores the
 * model; issue 14 measured 4.0 s with calibration on the service thread.
 */
export async function healthP99DuringCalibration(): Promise<number> {
  const folder = path.join(projectRoot, 'test/fixtures/ssda903/northvale');
  const names = (await readdir(folder)).filter((name) => name.endsWith('.csv')).sort();
  const form = new FormData();
  form.append('authority', 'Bench');
  for (const name of names) form.append('files', new Blob([new Uint8Array(await readFile(path.join(folder, name)))]), name);
  return withServer({ LOAD_DEMO_DATA: 'false' }, async (server) =>
    healthWhile(
      'health_p99_ms_during_calibration',
      server,
      async () => {
        const job = (await expectStatus(await fetch(`${server.address}/v1/calibrations`, { method: 'POST', headers: authorization, body: form }), 202, 'importSsda903')) as { id: string };
        await settled(server.address, job.id);
      },
      { files: names.length },
    ),
  );
}

/**
 * health_p99_ms_during_scenario_run: the same while the demo scenario (edge-of-care-mst, 2,000
 * runs over the demo cohort of 400) runs and its result is folded and stored; issue 14 measured
 * 3.4 s.
 */
export async function healthP99DuringScenarioRun(): Promise<number> {
  return withServer({ LOAD_DEMO_DATA: 'true' }, async (server) =>
    healthWhile(
      'health_p99_ms_during_scenario_run',
      server,
      async () => {
        const response = await fetch(`${server.address}/v1/scenarios/edge-of-care-mst/runs`, { method: 'POST', headers: { ...authorization, 'content-type': 'application/json' }, body: '{}' });
        const job = (await expectStatus(response, 202, 'runScenario')) as { id: string };
        await settled(server.address, job.id);
      },
      { scenario: 'edge-of-care-mst' },
    ),
  );
}

/**
 * startup_seconds_under_load: a first `npm start` (fresh data folder, demo borough loaded) while
 * two CPU-bound processes keep both cores busy. It must start: a failure fails the figure.
 */
export async function startupSecondsUnderLoad(burners = 2): Promise<number> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-bench-start-'));
  const load = Array.from({ length: burners }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    // Give the burners a moment to take the cores.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const server = await startServer(dataDir, { LOAD_DEMO_DATA: 'true' });
    const seconds = server.startedMs / 1000;
    report('startup_seconds_under_load', performance.now() - started, cpu, { burners });
    await stop(server.child);
    return seconds;
  } finally {
    for (const burner of load) burner.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The longest slice of the service thread during heavy work, in CPU milliseconds: a timer ticks
 * every 2 ms on the service thread, and the thread's CPU time between two ticks is work that ran
 * without a break (a request arriving meanwhile waits for it). Unlike /health's wall time this
 * hardly moves with the machine's load, so it compares code on a busy machine. The application
 * runs in this process (buildApp over an embedded database in a fresh folder, worker threads as
 * configured by default); the work is sent with inject. Target: well under 50 ms.
 */
export async function longestSliceCpuMs(workload: 'import' | 'calibration' | 'scenario_run'): Promise<{ value: number; [key: string]: unknown }> {
  const { buildApp } = await import('../app.ts');
  const { loadConfig } = await import('../config/index.ts');
  const { connectDatabase } = await import('../db/connect.ts');
  const { loadDemoCohortIfEmpty } = await import('../demo/load-demo-cohort.ts');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-bench-slice-'));
  const database = await connectDatabase({ dataDir: path.join(dataDir, 'db') });
  const config = loadConfig({ adminToken: ADMIN_TOKEN, logLevel: 'silent', loadDemoData: workload === 'scenario_run', rateLimitPerMinute: 1_000_000, dataDir, scenarioQueue: 'off' });
  const app = await buildApp({ config, database, logger: false });
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const settledJob = async (id: string) => {
    for (;;) {
      const job = (await app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers })).json();
      if (job.status === 'succeeded') return;
      if (job.status !== 'queued' && job.status !== 'running') throw new Error(`job ${id} ${job.status}: ${JSON.stringify(job)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    if (workload === 'scenario_run' && (await loadDemoCohortIfEmpty(app)) === 0) throw new Error('the demo cohort did not load');
    let payload: { body: string | Buffer; contentType: string };
    if (workload === 'import') payload = { body: benchImportCsv(20_000), contentType: 'text/csv' };
    else if (workload === 'calibration') {
      const folder = path.join(projectRoot, 'test/fixtures/ssda903/northvale');
      const form = new FormData();
      form.append('authority', 'Bench');
      for (const name of (await readdir(folder)).filter((n) => n.endsWith('.csv')).sort()) form.append('files', new Blob([new Uint8Array(await readFile(path.join(folder, name)))]), name);
      const response = new Response(form);
      payload = { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') as string };
    } else payload = { body: '{}', contentType: 'application/json' };

    // As a running service would be: past its start-up, its worker thread up (a one-row import).
    if (workload === 'import') await app.inject({ method: 'POST', url: '/v1/young-people/import', headers: { ...headers, 'content-type': 'text/csv' }, payload: benchImportCsv(1).replace('BENCH-0', 'WARM-0') });
    await app.inject({ method: 'GET', url: '/health' });
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const cpu = process.cpuUsage();
    const started = performance.now();
    let last = process.threadCpuUsage();
    const slices: number[] = [];
    const at: number[] = [];
    const timer = setInterval(() => {
      const now = process.threadCpuUsage();
      slices.push((now.user + now.system - last.user - last.system) / 1000);
      at.push(performance.now() - started);
      last = now;
    }, 2);
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const url = workload === 'import' ? '/v1/young-people/import' : workload === 'calibration' ? '/v1/calibrations' : '/v1/scenarios/edge-of-care-mst/runs';
      const response = await app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': payload.contentType }, payload: payload.body });
      if (response.statusCode !== (workload === 'import' ? 201 : 202)) throw new Error(`${url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      if (workload !== 'import') await settledJob(response.json().id);
    } finally {
      clearInterval(timer);
    }
    const value = Math.max(...slices);
    const name = `longest_slice_cpu_ms_during_${workload}`;
    // The longest slices, each with the wall time (ms after the request) at which it ended.
    const longest = slices
      .map((ms, i) => ({ ms: Math.round(ms), atMs: Math.round(at[i]) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5);
    report(name, performance.now() - started, cpu, { ticks: slices.length, over50Ms: slices.filter((s) => s > 50).length, longest });
    return { value };
  } finally {
    await app.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
