import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/index.ts';
import { connectDatabase } from '../db/connect.ts';
import { loadDemoCohortIfEmpty } from '../demo/load-demo-cohort.ts';
import { hashToken } from '../plugins/app/auth.ts';
import { spread, threadCpuMs } from './measure.ts';

const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const BOARD_TOKEN = 'bench-board-token-0123456789';

/**
 * getScorecard as the programme board reads it (GET /v1/scorecard, the default: the latest
 * quarter end, eight quarters), on the demo borough (400 young people, teams, two years of
 * history) in-process on a fresh embedded database. Protected, every answer is a slice of the
 * board's last 12 quarter ends protected as one set (src/services/scorecard.ts scorecardCells),
 * so this is the disclosure control's cost beside the counting. The service, its database and
 * the protection all run on this thread, so its CPU time is the cost. Median of 9 after 2 to
 * warm up, in milliseconds of CPU (wall beside).
 */
export async function boardScorecardMilliseconds(): Promise<Record<string, unknown> & { value: number }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-bench-'));
  const database = await connectDatabase({});
  const config = loadConfig({ adminToken: ADMIN_TOKEN, logLevel: 'silent', loadDemoData: true, rateLimitPerMinute: 1_000_000, dataDir, scenarioQueue: 'off' });
  const app = await buildApp({ config, database, logger: false });
  try {
    if ((await loadDemoCohortIfEmpty(app)) === 0) throw new Error('the demo cohort did not load');
    await app.db.insertInto('api_tokens').values({ name: 'bench board', role: 'board', token_hash: hashToken(BOARD_TOKEN), created_by: null }).execute();
    const read = async () => {
      const c0 = threadCpuMs();
      const t0 = performance.now();
      const response = await app.inject({ method: 'GET', url: '/v1/scorecard', headers: { authorization: `Bearer ${BOARD_TOKEN}` } });
      const cpuMs = threadCpuMs() - c0;
      const wallMs = performance.now() - t0;
      if (response.statusCode !== 200 || response.json().disclosure !== 'protected') throw new Error(`getScorecard answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      return { cpuMs, wallMs };
    };
    for (let k = 0; k < 2; k++) await read();
    const reps = [];
    for (let k = 0; k < 9; k++) reps.push(await read());
    const cpu = spread(reps.map((r) => r.cpuMs));
    return { value: cpu.median, cpu_ms: cpu, wall_ms: spread(reps.map((r) => r.wallMs)), reps: reps.length };
  } finally {
    await app.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
