import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataFolder } from './data-folder-lock.ts';
import type { Database } from './schema.ts';

export type DatabaseBackend = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  backend: DatabaseBackend;
  /** Closes the pool or the embedded instance; safe to call twice. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  /** PGlite data folder; omitted means in memory. */
  dataDir?: string | undefined;
  /** A PGlite data directory dump (from `dumpDataDir`) to start from, for tests. */
  loadDataDir?: Blob | undefined;
  poolSize?: number;
}

// int8 (COUNT(*), SUM of integers) arrives from pg as a string to avoid precision loss; our
// counts stay far below 2^53, so numbers keep both back ends returning the same types.
pg.types.setTypeParser(20, (value) => Number(value));

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  let closed = false;
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client losing its server connection must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      backend: 'postgres',
      async close() {
        if (closed) return;
        closed = true;
        await db.destroy();
      },
    };
  }
  // One process per data folder (src/db/data-folder-lock.ts): the lock comes before PGlite reads a page.
  let unlock = async () => {};
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    unlock = await lockDataFolder(options.dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (error) {
    await unlock();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    backend: 'pglite',
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        await unlock();
      }
    },
  };
}
