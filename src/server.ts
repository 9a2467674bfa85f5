import { buildApp } from './app.ts';
import { loadConfig } from './config/index.ts';
import { loadDemoCohortIfEmpty } from './demo/load-demo-cohort.ts';

/**
 * The process: configuration, listening, and a graceful close on SIGINT/SIGTERM (in-flight
 * requests finish, jobs stop at a safe point, the database closes last).
 */
const config = loadConfig();
const app = await buildApp({ config });
await app.ready();
const demoLoaded = config.loadDemoData ? await loadDemoCohortIfEmpty(app) : 0;

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  const forceExit = setTimeout(() => {
    app.log.error('shutdown took longer than 30 s; exiting');
    process.exit(1);
  }, 30_000);
  forceExit.unref();
  // Keep-alive connections that finish their request during shutdown would otherwise hold the
  // server open until their keep-alive timeout: close each as soon as it goes idle.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 200);
  try {
    await app.close();
    clearInterval(sweep);
    process.exit(0);
  } catch (error) {
    app.log.error({ err: error }, 'error while shutting down');
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const address = await app.listen({ host: config.host, port: config.port });
const backend = app.dbBackend === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
process.stdout.write(
  [
    '',
    `pathcast is listening on ${address}`,
    `  database:  ${backend}`,
    `  API docs:  ${address}/docs (OpenAPI document at ${address}/docs/json)`,
    ...(demoLoaded > 0 ? [`  demo data: loaded ${demoLoaded} synthetic young people of the fictional borough of Northvale (LOAD_DEMO_DATA=false to skip)`] : []),
    config.adminToken
      ? '  sign in:   send "Authorization: Bearer $ADMIN_TOKEN" (role admin); create more tokens with POST /v1/tokens'
      : '  sign in:   set ADMIN_TOKEN=<a secret of 16+ characters> before starting to get an admin token',
    '',
  ].join('\n'),
);
