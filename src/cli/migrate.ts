import { loadConfig } from '../config/index.ts';
import { connectDatabase } from '../db/connect.ts';
import { createMigrator, migrateToLatest } from '../db/migrator.ts';

/**
 * `npm run db:migrate` applies pending migrations (the service also does this at start).
 * `npm run db:migrate -- down` undoes the latest one: for development only, never in production.
 */
const config = loadConfig();
const handle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  if (process.argv[2] === 'down') {
    const { error, results } = await createMigrator(handle.db).migrateDown();
    for (const r of results ?? []) console.log(`${r.direction} ${r.migrationName}: ${r.status}`);
    if (error) throw error;
  } else {
    const { results } = await migrateToLatest(handle.db);
    if (!results?.length) console.log('migrations: already current');
    for (const r of results ?? []) console.log(`${r.direction} ${r.migrationName}: ${r.status}`);
  }
} finally {
  await handle.close();
}
