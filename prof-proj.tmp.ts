import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from './src/app.ts';
import { loadConfig } from './src/config/index.ts';
import { connectDatabase } from './src/db/connect.ts';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const dataDir = await mkdtemp(path.join(tmpdir(), 'pathcast-prof-'));
const database = await connectDatabase({});
const config = loadConfig({ adminToken: ADMIN_TOKEN, logLevel: 'silent', loadDemoData: false, rateLimitPerMinute: 1_000_000, dataDir, workerThreads: 0 });
const app = await buildApp({ config, database, logger: false });
const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
const today = new Date(); const year = today.getUTCFullYear();
const person = await app.inject({ method: 'POST', url: '/v1/young-people', headers, payload: { reference: 'BENCH-1', birthYear: year - 14, birthMonth: today.getUTCMonth() + 1, legalStatus: 'care_order', tier: 4, careState: 'residential', needsProfile: {}, placement: { type: 'residential', provider: 'private', weeklyPrice: 6800, startDate: `${year - 1}-06-15` }, services: [] } });
const id = person.json().id;
for (const plan of [{ name: 'Stay in residential' }, { name: 'Step down to foster care', moves: [{ month: 3, to: 'inhouse_foster' }], interventions: [{ id: 'therapeutic_step_down', startMonth: 3 }] }, { name: 'Supported accommodation at 16', moves: [{ month: 24, to: 'supported_accommodation' }] }]) await app.inject({ method: 'POST', url: `/v1/young-people/${id}/care-plans`, headers, payload: plan });
for (let k = 0; k < 8; k++) {
  const t0 = performance.now(); const c0 = process.cpuUsage();
  const r = await app.inject({ method: 'POST', url: `/v1/young-people/${id}/projections`, headers, payload: { runs: 10_000, seed: k + 1 } });
  const c = process.cpuUsage(c0);
  console.log(r.statusCode, Math.round(performance.now() - t0), 'ms wall', Math.round((c.user + c.system) / 1000), 'ms cpu');
}
await app.close(); await database.close();
