import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { FileMigrationProvider, Migrator, type MigrationResultSet } from 'kysely/migration';
import { projectRoot } from '../config/index.ts';

export const migrationsFolder = path.join(projectRoot, 'migrations');

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and typed loosely on purpose.
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: migrationsFolder }),
  });
}

/** Applies every pending migration; throws with the failing migration's name on error. */
// biome-ignore lint/suspicious/noExplicitAny: see createMigrator.
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`);
  }
  return result;
}

export interface MigrationStatus {
  applied: number;
  pending: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: see createMigrator.
export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus> {
  const migrations = await createMigrator(db).getMigrations();
  return {
    applied: migrations.filter((m) => m.executedAt !== undefined).length,
    pending: migrations.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
