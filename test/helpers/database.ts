import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type DatabaseHandle, connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest, migrationsFolder } from '../../src/db/migrator.ts';

/**
 * A fresh, migrated database for each test, on whichever back end the environment selects:
 * PGlite (default) or the PostgreSQL server at DATABASE_URL.
 *
 * Booting PGlite and migrating takes seconds, so it is done once per migration set: the data
 * directory is dumped to a file under node_modules/.cache/pathcast (inside the checkout, so no test
 * reads anything outside the repository) and each test loads a private in-memory copy.
 * On PostgreSQL the same idea is a template database that each test copies with CREATE DATABASE.
 */
export const usingPostgres = Boolean(process.env.DATABASE_URL);

function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(migrationsFolder).sort()) {
    hash.update(name).update(readFileSync(path.join(migrationsFolder, name)));
  }
  const pgliteVersion = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json'), 'utf8')).version;
  return hash.update(pgliteVersion).digest('hex').slice(0, 16);
}

async function pgliteDump(): Promise<Blob> {
  const folder = path.resolve(import.meta.dirname, '../../node_modules/.cache/pathcast');
  const file = path.join(folder, `test-db-${migrationsFingerprint()}.tar.gz`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const pglite = await PGlite.create();
    const db = new Kysely({ dialect: new PGliteDialect({ pglite }) });
    await migrateToLatest(db);
    const dump = await pglite.dumpDataDir('gzip');
    await db.destroy();
    // Written under a unique name then renamed, so parallel test processes never read half a file.
    await mkdir(folder, { recursive: true });
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function postgresTemplate(): Promise<string> {
  const template = `pathcast_tpl_${migrationsFingerprint()}`;
  await adminQuery(async (client) => {
    // One process builds the template; the others wait on the lock, then find it made.
    await client.query('select pg_advisory_lock(7261001)');
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [template]);
      if (exists.rowCount === 0) {
        const building = `${template}_building`;
        await client.query(`drop database if exists ${building}`);
        await client.query(`create database ${building}`);
        const pool = new pg.Pool({ connectionString: withDatabase(process.env.DATABASE_URL as string, building), max: 1 });
        const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
        await migrateToLatest(db);
        await db.destroy();
        await client.query(`alter database ${building} rename to ${template}`);
      }
    } finally {
      await client.query('select pg_advisory_unlock(7261001)');
    }
  });
  return template;
}

/** A fresh database and, on PostgreSQL, its connection string (for child processes). */
export async function freshDatabaseWithUrl(): Promise<{ handle: DatabaseHandle; url: string | undefined }> {
  const handle = await freshDatabase();
  return { handle, url: lastDatabaseUrl };
}

let lastDatabaseUrl: string | undefined;

export async function freshDatabase(): Promise<DatabaseHandle> {
  if (!usingPostgres) {
    return connectDatabase({ loadDataDir: await pgliteDump() });
  }
  const template = await postgresTemplate();
  const name = `pathcast_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery((client) => client.query(`create database ${name} template ${template}`));
      break;
    } catch (error) {
      // Another process may be copying the same template at this instant.
      if (attempt >= 20 || !String(error).includes('being accessed by other users')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
  lastDatabaseUrl = withDatabase(process.env.DATABASE_URL as string, name);
  const handle = await connectDatabase({ databaseUrl: lastDatabaseUrl, poolSize: 4 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await adminQuery((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}
