import { readdir, readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrator.ts';
import { hashToken } from '../../src/plugins/app/auth.ts';
import { redactUrl } from '../../src/plugins/app/log-redaction.ts';
import { residentialAged } from '../care-plans/fixtures.ts';
import { ADMIN_TOKEN } from '../helpers/app.ts';
import { freshDatabase, usingPostgres } from '../helpers/database.ts';
import { appWritingLog } from '../helpers/logged-app.ts';

/**
 * Personal data in logs and in raw database files (issue 14): full URLs were logged, references
 * and a refused ?access_token= included, and erased references lingered in the data files.
 */

t.test('redactUrl keeps route words, ids and query names; never values or other segments', async (t) => {
  const literal = new Set(['v1', 'young-people', 'audit-events', 'care-plans']);
  t.equal(redactUrl('/v1/young-people?reference=NV-0042&limit=3', literal), '/v1/young-people?reference=[redacted]&limit=[redacted]');
  t.equal(redactUrl('/v1/young-people/NV-0042', literal), '/v1/young-people/:redacted');
  t.equal(redactUrl('/v1/young-people/7f1c0a3e-8a55-4c1e-9d7a-0a1b2c3d4e5f/care-plans', literal), '/v1/young-people/7f1c0a3e-8a55-4c1e-9d7a-0a1b2c3d4e5f/care-plans');
  t.equal(redactUrl('/v1/audit-events?access_token=abc&%00x=1', literal), '/v1/audit-events?access_token=[redacted]&[name]=[redacted]');
});

t.test('request log lines hold no reference, token or query value', async (t) => {
  const { app, lines, auth } = await appWritingLog(t, 'pathcast-logs-');
  const person = (await app.inject({ method: 'POST', url: '/v1/young-people', headers: auth, payload: residentialAged(14, { reference: 'LOGSECRET-1' }) })).json();
  await app.inject({ method: 'GET', url: '/v1/young-people?reference=LOGSECRET-1', headers: auth });
  await app.inject({ method: 'GET', url: '/v1/young-people/LOGSECRET-2', headers: auth });
  await app.inject({ method: 'GET', url: '/v1/young-people?access_token=TOKSECRET-3' });
  await app.inject({ method: 'GET', url: '/v1/audit-events?resourceId=LOGSECRET-4', headers: { authorization: 'Bearer TOKSECRET-5' } });
  await app.inject({ method: 'DELETE', url: `/v1/young-people/${person.id}`, headers: auth });
  const log = lines.join('');
  t.ok(lines.length >= 10, 'requests were logged');
  t.match(log, /reference=\[redacted\]/, 'the query names are kept');
  t.match(log, new RegExp(`/v1/young-people/${person.id}`), 'record ids are kept');
  for (const secret of ['LOGSECRET', 'TOKSECRET', ADMIN_TOKEN]) t.notOk(log.includes(secret), `${secret} is nowhere in the log`);
});

async function filesHolding(folder: string, needle: Buffer): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if ((await readFile(file)).includes(needle)) found.push(path.relative(folder, file));
  }
  return found;
}

t.test('erasure rewrites the tables it touched, so the reference leaves the data files', async (t) => {
  const reference = `ERASEPROBE-${Date.now()}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-erasure-files-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  // Embedded: a real data folder whose files can be read. PostgreSQL: the server's files are not
  // ours to read, so the test checks the tables were rewritten (new file nodes).
  const database = usingPostgres ? await freshDatabase() : await connectDatabase({ dataDir });
  if (!usingPostgres) await migrateToLatest(database.db);
  const config = loadConfig({ adminToken: ADMIN_TOKEN, logLevel: 'silent', loadDemoData: false, workerThreads: 0, scenarioQueue: 'off', dataDir, rateLimitPerMinute: 100_000 });
  const app = await buildApp({ config, database, logger: false });
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  await app.db.insertInto('api_tokens').values({ name: 'unused', role: 'board', token_hash: hashToken('x'.repeat(20)), created_by: null }).execute();
  const person = (await app.inject({ method: 'POST', url: '/v1/young-people', headers: auth, payload: residentialAged(15, { reference }) })).json();
  await app.inject({ method: 'PATCH', url: `/v1/young-people/${person.id}`, headers: auth, payload: { version: person.version, tier: 3 } });
  const fileNode = async () =>
    (await sql<{ relfilenode: number }>`select relfilenode from pg_class where relname = 'young_people'`.execute(app.db)).rows[0].relfilenode;
  const before = await fileNode();
  await sql`checkpoint`.execute(app.db);
  const needle = Buffer.from(reference);
  const base = path.join(dataDir, 'base');
  if (!usingPostgres) t.ok((await filesHolding(base, needle)).length > 0, 'the reference is in the data files before erasure (the probe can see it)');

  t.equal((await app.inject({ method: 'DELETE', url: `/v1/young-people/${person.id}`, headers: auth })).statusCode, 200);
  await sql`checkpoint`.execute(app.db);
  t.not(await fileNode(), before, 'young_people was rewritten to new files');
  if (!usingPostgres) t.same(await filesHolding(base, needle), [], 'no table or index file holds the reference after erasure');
});
