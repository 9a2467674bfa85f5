import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { type Config, loadConfig } from './config/index.ts';
import type { DatabaseHandle } from './db/connect.ts';
import { loadDemoCohortIfEmpty } from './demo/load-demo-cohort.ts';
import { bootDatabase, migrateDatabase, StartupError, startupStep } from './startup.ts';

/**
 * The process: configuration, start-up in named steps (src/startup.ts), listening, and a graceful
 * close on SIGINT/SIGTERM (in-flight requests finish, jobs stop at a safe point, the database
 * closes last). Start-up prints each step as it goes, so a slow first start on a loaded machine
 * shows what it is doing, and a failure names the step and what to do.
 */
const report = (line: string) => process.stdout.write(`  ${line}\n`);

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`pathcast could not start: reading the configuration failed: ${(error as Error).message}\n  what to do: fix that environment variable (README, "Configuration")\n`);
  process.exit(1);
}

let handle: DatabaseHandle | undefined;
let app: FastifyInstance | undefined;

async function start(): Promise<{ address: string; demoLoaded: number }> {
  process.stdout.write('pathcast is starting\n');
  handle = await bootDatabase(config, report);
  await migrateDatabase(handle, report);
  const db = handle;
  app = await startupStep(
    report,
    'loading the cost models and scenario files',
    `a model or scenario file is not valid (the reason above names it), or the machine is too busy to finish within START_TIMEOUT_SECONDS (${config.startTimeoutSeconds}); fix the file or raise the limit and start again`,
    async () => {
      const built = await buildApp({ config, database: db, ownsDatabase: true });
      await built.ready();
      return built;
    },
  );
  const ready = app;
  let demoLoaded = 0;
  if (config.loadDemoData) {
    demoLoaded = await startupStep(
      report,
      'loading demo data',
      'nothing of a half-finished load was kept (it is stored in one transaction); start again, or set LOAD_DEMO_DATA=false to skip the demo borough',
      () => loadDemoCohortIfEmpty(ready, { progress: (stored, total) => report(`loading demo data: ${stored} of ${total} young people stored`) }),
    );
    if (demoLoaded === 0) report('loading demo data: skipped (this database has held young people before)');
  }
  const address = await startupStep(
    report,
    `listening on ${config.host}:${config.port}`,
    'another program may be using that port: set PORT to a free one (or HOST to an address of this machine)',
    () => ready.listen({ host: config.host, port: config.port }),
  );
  return { address, demoLoaded };
}

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  if (!app) {
    await handle?.close().catch(() => {});
    process.exit(0);
  }
  const running = app;
  running.log.info({ signal }, 'shutting down');
  const forceExit = setTimeout(() => {
    running.log.error('shutdown took longer than 30 s; exiting');
    process.exit(1);
  }, 30_000);
  forceExit.unref();
  // Keep-alive connections that finish their request during shutdown would otherwise hold the
  // server open until their keep-alive timeout: close each as soon as it goes idle.
  const sweep = setInterval(() => running.server.closeIdleConnections(), 200);
  try {
    await running.close();
    clearInterval(sweep);
    process.exit(0);
  } catch (error) {
    running.log.error({ err: error }, 'error while shutting down');
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

let started: { address: string; demoLoaded: number };
try {
  started = await start();
} catch (error) {
  const message =
    error instanceof StartupError
      ? error.message
      : `pathcast could not start: ${(error as Error)?.message ?? String(error)}\n  what to do: read the reason above; this is a fault in pathcast if it repeats, so please report it`;
  process.stderr.write(`\n${message}\n`);
  await (app ? app.close() : handle?.close())?.catch(() => {});
  process.exit(1);
}

const { address, demoLoaded } = started;
const backend = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
process.stdout.write(
  [
    '',
    `pathcast is listening on ${address}`,
    `  database:  ${backend}`,
    `  page:      ${address}/app (for heads of service and the board: find a young person, run and compare scenarios and care plans; paste an API token to sign in)`,
    `  API docs:  ${address}/docs (OpenAPI document at ${address}/docs/json)`,
    ...(demoLoaded > 0 ? [`  demo data: loaded ${demoLoaded} synthetic young people of the fictional borough of Northvale (LOAD_DEMO_DATA=false to skip)`] : []),
    config.adminToken
      ? '  sign in:   paste $ADMIN_TOKEN on the page or send "Authorization: Bearer $ADMIN_TOKEN" (role admin); give each user a token of their role with POST /v1/tokens (see /docs, "access")'
      : '  sign in:   set ADMIN_TOKEN=<a secret of 16+ characters> before starting to get an admin token, then paste it on the page or send "Authorization: Bearer <token>"',
    '',
  ].join('\n'),
);
