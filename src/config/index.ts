import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';

/**
 * Typed configuration read once from the environment. Every setting has a default that
 * works on a fresh clone, so `npm start` needs nothing set.
 */
export interface Config {
  /** Where to listen. */
  host: string;
  port: number;
  /** Set: a real PostgreSQL server through `pg`. Unset: embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** PGlite data folder (embedded mode only). */
  dataDir: string;
  /** When set, a token with this value and role admin exists after start. */
  adminToken: string | undefined;
  logLevel: string;
  /** Requests per minute per authenticated token (or per address on public routes). */
  rateLimitPerMinute: number;
  /** Requests per minute per address that carry no token or a token that is not accepted. */
  rateLimitUnauthenticatedPerMinute: number;
  /**
   * Fastify's `trustProxy` (TRUST_PROXY): whose X-Forwarded-For to believe when working out the
   * client's address, which the per-address limits key on. false: none (the connection's peer is
   * the client); true: any; a number: that many proxy hops; a list: proxies at these addresses or
   * CIDR ranges.
   */
  trustProxy: boolean | number | string[];
  /** Largest JSON body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Largest file upload (CSV imports, SSDA903 returns), in bytes. */
  uploadLimitBytes: number;
  /** Worker threads for simulation; 0 runs in the calling thread. */
  workerThreads: number;
  /** Load the synthetic demo borough when the database holds no young people. */
  loadDemoData: boolean;
  /**
   * RECORDS_COMPLETE_FROM (YYYY-MM-DD): the day from which the borough's records are complete
   * (every child looked after from then on, their case closed since included, is on record).
   * Set, it stands for the closed records' start the scorecard otherwise works out from the
   * closures on record (historyStart in src/outcomes/scorecard.ts); null: worked out.
   */
  recordsCompleteFrom: string | null;
  modelsDir: string;
  scenariosDir: string;
  /**
   * Where scenario shards run. `auto`: on a PostgreSQL queue (pg-boss) when DATABASE_URL is set,
   * so `npm run worker` processes on any machine can share a run; in-process otherwise. `off`:
   * always in-process.
   */
  scenarioQueue: 'auto' | 'off';
  /** Whether this service process also works shards from the queue (turn off to leave them to workers). */
  scenarioLocalWorker: boolean;
  /**
   * Longest any one start-up step inside the application (loading cost models and scenario
   * files) may take before start-up gives up with a plain message; generous because a loaded
   * 2-core machine can be twenty times slower than a quiet one.
   */
  startTimeoutSeconds: number;
  /** Testing aid: an artificial delay before the database boots (DEBUG_DATABASE_BOOT_DELAY_MS). */
  databaseBootDelayMs: number;
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function flag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/** RECORDS_COMPLETE_FROM: unset or empty, null; else a real calendar day, YYYY-MM-DD, from 1900 on. */
export function recordsCompleteFromSetting(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const value = raw.trim();
  const real = /^(19|20|21)\d{2}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
  if (!real) throw new Error(`RECORDS_COMPLETE_FROM must be a day, YYYY-MM-DD, got "${raw}"`);
  return value;
}

function queueSetting(raw: string | undefined): 'auto' | 'off' {
  if (raw === undefined || raw === '' || raw === 'auto') return 'auto';
  if (raw === 'off') return 'off';
  throw new Error(`SCENARIO_QUEUE must be auto or off, got "${raw}"`);
}

/** TRUST_PROXY: false (default), true, a hop count, or a comma-separated list of addresses/CIDRs. */
export function trustProxySetting(raw: string | undefined): boolean | number | string[] {
  if (raw === undefined || raw.trim() === '' || ['false', '0', 'no', 'off'].includes(raw.trim().toLowerCase())) return false;
  const value = raw.trim();
  if (['true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 100) throw new Error(`TRUST_PROXY as a hop count must be from 1 to 100, got "${raw}"`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, mask, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maskOk = mask === undefined || (/^\d+$/.test(mask) && Number(mask) <= (family === 6 ? 128 : 32));
    if (family === 0 || !maskOk || rest.length > 0) {
      throw new Error(`TRUST_PROXY must be true, false, a hop count or a comma-separated list of IP addresses or CIDR ranges; "${entry}" is none of these`);
    }
  }
  return entries;
}

const projectRoot = path.resolve(import.meta.dirname, '../..');

export function loadConfig(overrides: Partial<Config> = {}): Config {
  const adminToken = process.env.ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new Error('ADMIN_TOKEN must be at least 16 characters long');
  }
  return {
    host: process.env.HOST || '127.0.0.1',
    port: integer('PORT', 3000, 0, 65535),
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: path.resolve(process.env.DATA_DIR || path.join(projectRoot, 'data')),
    adminToken,
    logLevel: process.env.LOG_LEVEL || 'info',
    rateLimitPerMinute: integer('RATE_LIMIT_PER_MINUTE', 1200, 1, 1_000_000),
    rateLimitUnauthenticatedPerMinute: integer('RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE', 60, 1, 1_000_000),
    trustProxy: trustProxySetting(process.env.TRUST_PROXY),
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    uploadLimitBytes: integer('UPLOAD_LIMIT_BYTES', 20 * 1_048_576, 1024, 1024 * 1_048_576),
    workerThreads: integer('WORKER_THREADS', Math.max(1, availableParallelism()), 0, 256),
    loadDemoData: flag('LOAD_DEMO_DATA', true),
    recordsCompleteFrom: recordsCompleteFromSetting(process.env.RECORDS_COMPLETE_FROM),
    modelsDir: path.resolve(process.env.MODELS_DIR || path.join(projectRoot, 'models')),
    scenariosDir: path.resolve(process.env.SCENARIOS_DIR || path.join(projectRoot, 'scenarios')),
    scenarioQueue: queueSetting(process.env.SCENARIO_QUEUE),
    scenarioLocalWorker: flag('SCENARIO_LOCAL_WORKER', true),
    startTimeoutSeconds: integer('START_TIMEOUT_SECONDS', 600, 1, 86_400),
    databaseBootDelayMs: integer('DEBUG_DATABASE_BOOT_DELAY_MS', 0, 0, 3_600_000),
    ...overrides,
  };
}

export { projectRoot };
