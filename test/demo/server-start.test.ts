import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { projectRoot } from '../../src/config/index.ts';

const ADMIN_TOKEN = 'server-start-admin-token-0123';

/** Starts `node src/server.ts` on an embedded database in dataDir; resolves once it prints its address. */
function startServer(dataDir: string): Promise<{ child: ChildProcess; output: string; address: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'warn', LOAD_DEMO_DATA: 'true' };
  // `npm start` on a fresh clone uses the embedded database, whatever this test run uses.
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(projectRoot, 'src/server.ts')], { env, cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /pathcast is listening on (\S+)[\s\S]*sign in:.*\n/.exec(output);
      if (match) resolve({ child, output, address: match[1] });
    });
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

t.test('npm start on an empty embedded database loads the Northvale cohort once and says so', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-server-start-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));

  const first = await startServer(dataDir);
  t.teardown(() => stopServer(first.child));
  t.match(first.output, /demo data: loaded 460 synthetic young people of the fictional borough of Northvale/);
  const response = await fetch(`${first.address}/v1/young-people?limit=1`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  t.equal(response.status, 200);
  t.equal(((await response.json()) as { total: number }).total, 460);
  await stopServer(first.child);

  const second = await startServer(dataDir);
  t.teardown(() => stopServer(second.child));
  t.notMatch(second.output, /demo data: loaded/, 'a database that has records is left alone');
  await stopServer(second.child);
});

t.test('the started service answers health and docs, and a shutdown lets in-flight requests finish', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-server-stop-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startServer(dataDir);
  t.teardown(() => stopServer(server.child));

  const health = await fetch(`${server.address}/health`);
  t.equal(health.status, 200);
  t.equal(((await health.json()) as { status: string }).status, 'ok');
  const doc = (await (await fetch(`${server.address}/docs/json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
  const ids = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
  for (const id of ['health', 'createYoungPerson', 'getYoungPerson', 'listYoungPeople', 'updateYoungPerson', 'eraseYoungPerson', 'importYoungPeople', 'createApiToken', 'listApiTokens', 'revokeApiToken', 'listAuditEvents']) {
    t.ok(ids.includes(id), `${id} is published`);
  }

  // A projection that takes a moment, then SIGTERM while it runs: it still gets its answer.
  const inFlight = fetch(`${server.address}/v1/projections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'england-default', ageMonths: 120, state: 'residential', runs: 30000, seed: 1 }),
  });
  await new Promise((resolve) => setTimeout(resolve, 150));
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
  server.child.kill('SIGTERM');
  const response = await inFlight;
  t.equal(response.status, 200, 'the request in flight when the signal came was answered');
  t.equal(((await response.json()) as { runs: number }).runs, 30000);
  t.equal(await exited, 0, 'the process then exits cleanly');
});
