import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/index.ts';
import { connectDatabase } from '../db/connect.ts';
import { loadDemoCohortIfEmpty } from '../demo/load-demo-cohort.ts';
import { hashToken } from '../plugins/app/auth.ts';
import { forgetBoardAnswers } from '../services/scorecard.ts';
import { spread, threadCpuMs } from './measure.ts';

const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const BOARD_TOKEN = 'bench-board-token-0123456789';

const NEEDS = { primaryNeed: 'absent_parenting', disability: false, specialEducationalNeeds: 'none', mentalHealth: false, youthJusticeInvolvement: false, exploitationRisk: false };

/**
 * The reviewer's small team (issue 17 review): a children-looked-after team with a £50,000
 * budget and three looked-after children in independent foster care, added through the API.
 * A few children in one team make the protection hide and test far more figures.
 */
async function addSmallTeam(app: FastifyInstance): Promise<void> {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const team = await app.inject({ method: 'POST', url: '/v1/teams', headers, payload: { name: 'Small team', service: 'children_looked_after', annualBudget: 50_000 } });
  if (team.statusCode !== 201) throw new Error(`the small team was refused: ${team.body}`);
  for (const [i, [birthYear, startDate]] of ([[2014, '2023-01-01'], [2013, '2025-06-01'], [2015, '2021-03-01']] as const).entries()) {
    const payload = {
      reference: `SM-${i}`,
      birthYear,
      birthMonth: 5,
      legalStatus: 'care_order',
      tier: 4,
      needsProfile: NEEDS,
      services: [],
      careState: 'ifa_foster',
      teamId: team.json().id,
      placement: { type: 'ifa_foster', provider: 'private', weeklyPrice: 900, startDate, distanceFromHomeMiles: 8 + i * 10 },
    };
    const created = await app.inject({ method: 'POST', url: '/v1/young-people', headers, payload });
    if (created.statusCode !== 201) throw new Error(`SM-${i} was refused: ${created.body}`);
  }
}

/**
 * getScorecard as the programme board reads it (GET /v1/scorecard, the default: the latest
 * quarter end, eight quarters), on the demo borough (400 young people, teams, two years of
 * history) in-process on a fresh embedded database; with `smallTeam`, after the reviewer's small
 * team is added (addSmallTeam). Protected, every answer is a slice of the board's last 12 quarter
 * ends protected as one set (src/services/scorecard.ts scorecardCells), so this is the disclosure
 * control's cost beside the counting. No worker threads, so the service, its database and the
 * protection all run on this thread and its CPU time is the whole cost (in the service the
 * protection runs on the offload worker thread). The board's cache is emptied before each read,
 * so each read computes; `cached_cpu_ms` is a read the cache answers. Median of `reps` after
 * `warm` reads to warm up, in milliseconds of CPU of this thread (wall beside).
 */
export async function boardScorecardMilliseconds(
  options: { smallTeam?: boolean; warm?: number; reps?: number } = {},
): Promise<Record<string, unknown> & { value: number }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-bench-'));
  const database = await connectDatabase({});
  const config = loadConfig({ adminToken: ADMIN_TOKEN, logLevel: 'silent', loadDemoData: true, rateLimitPerMinute: 1_000_000, dataDir, scenarioQueue: 'off', workerThreads: 0 });
  const app = await buildApp({ config, database, logger: false });
  try {
    if ((await loadDemoCohortIfEmpty(app)) === 0) throw new Error('the demo cohort did not load');
    await app.db.insertInto('api_tokens').values({ name: 'bench board', role: 'board', token_hash: hashToken(BOARD_TOKEN), created_by: null }).execute();
    if (options.smallTeam) await addSmallTeam(app);
    const read = async (cached = false) => {
      if (!cached) forgetBoardAnswers(app.db);
      const c0 = threadCpuMs();
      const t0 = performance.now();
      const response = await app.inject({ method: 'GET', url: '/v1/scorecard', headers: { authorization: `Bearer ${BOARD_TOKEN}` } });
      const cpuMs = threadCpuMs() - c0;
      const wallMs = performance.now() - t0;
      if (response.statusCode !== 200 || response.json().disclosure !== 'protected') throw new Error(`getScorecard answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      return { cpuMs, wallMs };
    };
    for (let k = 0; k < (options.warm ?? 2); k++) await read();
    const reps = [];
    for (let k = 0; k < (options.reps ?? 9); k++) reps.push(await read());
    const cached = [];
    for (let k = 0; k < 3; k++) cached.push(await read(true));
    const cpu = spread(reps.map((r) => r.cpuMs));
    return {
      value: cpu.median,
      cpu_ms: cpu,
      wall_ms: spread(reps.map((r) => r.wallMs)),
      reps: reps.length,
      cached_cpu_ms: spread(cached.map((r) => r.cpuMs)),
      cached_wall_ms: spread(cached.map((r) => r.wallMs)),
    };
  } finally {
    await app.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
