import { type Kysely, sql } from 'kysely';

// Repairs calibrations stored before the import removed control characters: a NUL escape
// (\u0000) in a json column makes PostgreSQL refuse every query that reads into the column
// ("unsupported Unicode escape sequence"), so one such row made listCalibrations fail for
// everyone. Each \u0000 (not itself an escaped backslash followed by "u0000") becomes "?", as
// the import now writes it. Idempotent; data only, so down does nothing.
const COLUMNS = ['parameters', 'sources', 'cleaning', 'report', 'backtest'] as const;

// biome-ignore lint/suspicious/noExplicitAny: migrations do not depend on today's types.
export async function up(db: Kysely<any>): Promise<void> {
  for (const column of COLUMNS) {
    await sql`
      UPDATE calibrations
      SET ${sql.ref(column)} = regexp_replace(${sql.ref(column)}::text, '(?<!\\\\)((\\\\\\\\)*)\\\\u0000', '\\1?', 'g')::json
      WHERE strpos(${sql.ref(column)}::text, '\\u0000') > 0
    `.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up.
export async function down(_db: Kysely<any>): Promise<void> {}
