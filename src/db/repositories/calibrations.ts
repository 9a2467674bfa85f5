import { type Kysely, sql } from 'kysely';
import type { CalibrationRow, Database, NewCalibrationRow } from '../schema.ts';

export async function insertCalibration(db: Kysely<Database>, row: NewCalibrationRow): Promise<void> {
  await db.insertInto('calibrations').values(row).execute();
}

export async function findCalibration(db: Kysely<Database>, id: string): Promise<CalibrationRow | undefined> {
  return db.selectFrom('calibrations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What a list shows: the reports' headline figures, not the reports. */
export type CalibrationListRow = Omit<CalibrationRow, 'cleaning' | 'report' | 'backtest'> & {
  headline: Record<string, unknown>;
  cleaning_counts: Record<string, unknown>;
  backtest_year: number | null;
  backtest_overall: Record<string, unknown> | null;
};

/** Newest first, a page at a time; the headline figures are picked out of the reports in SQL. */
export async function listCalibrations(db: Kysely<Database>, page: { limit: number; offset: number }): Promise<{ items: CalibrationListRow[]; total: number }> {
  const rows = await db
    .selectFrom('calibrations')
    .select(['id', 'job_id', 'created_by', 'created_at', 'model_id', 'model_version', 'model_hash', 'prior_model_id', 'prior_model_version', 'parameters', 'sources'])
    .select([
      sql<Record<string, unknown>>`report -> 'headline'`.as('headline'),
      sql<Record<string, unknown>>`cleaning -> 'counts'`.as('cleaning_counts'),
      sql<number | null>`(backtest ->> 'year')::integer`.as('backtest_year'),
      sql<Record<string, unknown> | null>`backtest -> 'overall'`.as('backtest_overall'),
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const count = await db.selectFrom('calibrations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { items: rows, total: Number(count.n) };
}
