import Fastify from 'fastify';
import { loadConfig } from '../config/index.ts';
import { connectDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { ShardQueue } from '../services/shard-queue.ts';
import { SimulationPool } from '../simulation/pool.ts';

/**
 * `npm run worker`: a process that works scenario shards from the PostgreSQL queue. Start any
 * number, on any machine that reaches the database (DATABASE_URL); each uses WORKER_THREADS
 * threads. Stop with SIGINT/SIGTERM: the shard in hand finishes, or is retried elsewhere.
 */
const config = loadConfig();
if (!config.databaseUrl) {
  console.error('npm run worker needs DATABASE_URL: workers share runs through a PostgreSQL queue (the embedded database runs scenarios in the service process)');
  process.exit(2);
}
const log = Fastify({ logger: { level: config.logLevel } }).log;
const handle = await connectDatabase({ databaseUrl: config.databaseUrl, poolSize: 4 });
await migrateToLatest(handle.db);
const pool = new SimulationPool(Math.max(1, config.workerThreads));
const queue = new ShardQueue({ databaseUrl: config.databaseUrl, db: handle.db, pool, log });
await queue.work(pool.threads);
log.info({ threads: pool.threads }, 'worker ready: taking scenario shards');

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'worker stopping');
  await queue.stop();
  await pool.close();
  await handle.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
