import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { ADMIN_TOKEN } from './app.ts';
import { freshDatabase } from './database.ts';

/**
 * The app with its default logger at level info writing into `lines` (what the log tests read),
 * on a fresh database and a data folder of its own, closed and removed when `t` ends.
 * `auth`: the admin's Authorization header.
 */
export async function appWritingLog(t: Test, folderPrefix: string) {
  const lines: string[] = [];
  const database = await freshDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), folderPrefix));
  const config = loadConfig({ adminToken: ADMIN_TOKEN, logLevel: 'info', loadDemoData: false, workerThreads: 0, scenarioQueue: 'off', dataDir, rateLimitPerMinute: 100_000 });
  const app = await buildApp({ config, database, logStream: { write: (line) => lines.push(line) } });
  t.teardown(async () => {
    await app.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { app, lines, database, auth: { authorization: `Bearer ${ADMIN_TOKEN}` } };
}
