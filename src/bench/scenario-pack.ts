import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/index.ts';
import { connectDatabase } from '../db/connect.ts';
import { loadDemoCohortIfEmpty } from '../demo/load-demo-cohort.ts';
import { median } from './median.ts';

const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/**
 * exportScenarioPack for the demo scenario: scenarios/edge-of-care-mst.json (2,000 runs) on the
 * demo cohort of 400 young people, the whole application in-process on a fresh embedded
 * database. The scenario is run first through runScenario (not timed); then the pack is
 * exported through HTTP: the run read back, workbook, report with its charts, CSV files,
 * manifest, zip and audit. Median of 5 exports after one to warm up, in seconds.
 */
export async function scenarioPackSeconds(): Promise<number> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-bench-'));
  const database = await connectDatabase({});
  const config = loadConfig({ adminToken: ADMIN_TOKEN, logLevel: 'silent', loadDemoData: true, rateLimitPerMinute: 1_000_000, dataDir, scenarioQueue: 'off' });
  const app = await buildApp({ config, database, logger: false });
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  try {
    if ((await loadDemoCohortIfEmpty(app)) === 0) throw new Error('the demo cohort did not load');
    const started = await app.inject({ method: 'POST', url: '/v1/scenarios/edge-of-care-mst/runs', headers, payload: {} });
    if (started.statusCode !== 202) throw new Error(`runScenario answered ${started.statusCode}: ${started.body}`);
    let job = started.json();
    while (!['succeeded', 'failed', 'cancelled'].includes(job.status)) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = (await app.inject({ method: 'GET', url: `/v1/jobs/${job.id}`, headers })).json();
    }
    if (job.status !== 'succeeded') throw new Error(`the demo scenario did not run: ${JSON.stringify(job)}`);
    const runId = job.result.href.split('/').pop();
    const exportPack = async () => {
      const t0 = performance.now();
      const response = await app.inject({ method: 'POST', url: '/v1/packs', headers, payload: { runIds: [runId] } });
      const elapsed = (performance.now() - t0) / 1000;
      if (response.statusCode !== 200) throw new Error(`exportScenarioPack answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      return elapsed;
    };
    await exportPack();
    const times: number[] = [];
    for (let k = 0; k < 5; k++) times.push(await exportPack());
    return median(times);
  } finally {
    await app.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
