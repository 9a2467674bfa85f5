import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { type DatabaseBackend, type DatabaseHandle, connectDatabase } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrator.ts';
import type { Database } from '../../db/schema.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
    dbBackend: DatabaseBackend;
  }
}

export interface DatabasePluginOptions {
  /** An already-open database (tests pass one); otherwise one is opened from the config. */
  handle?: DatabaseHandle | undefined;
  /** Close the handle when the app closes, even one passed in. */
  closeOnShutdown?: boolean;
  /** Apply pending migrations (default); the server migrates as its own start-up step first. */
  migrate?: boolean;
}

/**
 * Opens the database (PGlite in DATA_DIR, or PostgreSQL at DATABASE_URL), applies pending
 * migrations, and closes it last on shutdown, after in-flight requests have finished. The server
 * boots and migrates before registering any plugin (src/startup.ts) and passes the open handle.
 */
async function database(fastify: FastifyInstance, options: DatabasePluginOptions) {
  const handle =
    options.handle ??
    (await connectDatabase({ databaseUrl: fastify.config.databaseUrl, dataDir: fastify.config.dataDir }));
  if (options.migrate !== false) await migrateToLatest(handle.db);
  fastify.decorate('db', handle.db);
  fastify.decorate('dbBackend', handle.backend);
  if (options.handle === undefined || options.closeOnShutdown) {
    fastify.addHook('onClose', async () => {
      await handle.close();
    });
  }
}

export default fp(database, { name: 'database', dependencies: ['config'] });
