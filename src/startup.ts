import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Config } from './config/index.ts';
import { connectDatabase, type DatabaseHandle } from './db/connect.ts';
import { migrateToLatest } from './db/migrator.ts';

/**
 * Process start-up as named steps, outside Fastify's plugin registration: booting PGlite,
 * migrating and loading the demo borough can take a minute on a slow, loaded machine, and inside
 * a plugin they died at Fastify's 10 s plugin timeout with a message that named neither the step
 * nor a remedy (issue 14). Each step here runs for as long as it needs, says when it starts and
 * finishes, and a failure names the step and what to do.
 */

export class StartupError extends Error {
  readonly step: string;
  readonly advice: string;
  constructor(step: string, reason: string, advice: string) {
    super(`pathcast could not start: ${step} failed: ${reason}\n  what to do: ${advice}`);
    this.step = step;
    this.advice = advice;
  }
}

export type StartupReporter = (line: string) => void;

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] || error.name;
  return String(error);
}

/** Runs one step, reporting its start and duration; any error becomes a StartupError naming it. */
export async function startupStep<T>(report: StartupReporter, step: string, advice: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  report(`${step}…`);
  try {
    const result = await work();
    report(`${step}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw new StartupError(step, reasonOf(error), advice);
  }
}

/** Advice for a database that would not open, by back end. */
export function bootAdvice(config: Config): string {
  return config.databaseUrl
    ? 'check that DATABASE_URL names a PostgreSQL server that is running and reachable, with the right user, password and database'
    : `check that DATA_DIR (${config.dataDir}) is a folder this user can write and that no other pathcast process is using it; ` +
        'to start afresh, move the folder aside (it is only the embedded database)';
}

/**
 * Opens the database and checks it answers. `databaseBootDelayMs` (DEBUG_DATABASE_BOOT_DELAY_MS)
 * lengthens this step artificially, so a test can show that a slow boot still starts.
 */
export async function bootDatabase(config: Config, report: StartupReporter): Promise<DatabaseHandle> {
  const step = config.databaseUrl ? 'booting the database (PostgreSQL at DATABASE_URL)' : `booting the database (embedded PGlite in ${config.dataDir})`;
  return startupStep(report, step, bootAdvice(config), async () => {
    if (config.databaseBootDelayMs > 0) await sleep(config.databaseBootDelayMs);
    const handle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await sql`select 1`.execute(handle.db);
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    return handle;
  });
}

export async function migrateDatabase(handle: DatabaseHandle, report: StartupReporter): Promise<void> {
  await startupStep(
    report,
    'migrating the database',
    'each migration runs in a transaction, so nothing half-applied was kept; read the reason above, then start again ' +
      '(a database written by a newer pathcast cannot be opened by an older one)',
    () => migrateToLatest(handle.db),
  );
}
