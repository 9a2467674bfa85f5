import { readFile } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { systemActor } from '../db/repositories/audit.ts';
import { countYoungPeopleEverStored } from '../db/repositories/young-people.ts';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../services/errors.ts';
import { currentMonthIndex } from '../services/young-people.ts';
import { importYoungPeople, type ParsedCsvRow, parseYoungPeopleCsv } from '../services/young-people-import.ts';
import { addMonthsToIsoDate, DEMO_COHORT_AS_OF, DEMO_COHORT_FILE } from './generate-demo-cohort.ts';
import { loadDemoHistory } from './load-demo-history.ts';

/**
 * The demo file is a snapshot as at DEMO_COHORT_AS_OF. Loaded later, every date (birth, placement
 * start, service dates) moves forward by the months elapsed, so ages, durations and care states
 * stay as generated: a 17-year-old in supported accommodation does not turn 18 in the file.
 */
export function rebaseDemoRow(row: ParsedCsvRow, months: number): ParsedCsvRow {
  if (months === 0) return row;
  const record = structuredClone(row.record);
  if (typeof record.birthYear === 'number' && typeof record.birthMonth === 'number') {
    const index = record.birthYear * 12 + record.birthMonth - 1 + months;
    record.birthYear = Math.floor(index / 12);
    record.birthMonth = (index % 12) + 1;
  }
  const placement = record.placement as { startDate?: unknown } | undefined;
  if (placement && typeof placement.startDate === 'string') placement.startDate = addMonthsToIsoDate(placement.startDate, months);
  for (const service of (record.services ?? []) as Array<{ startDate?: unknown; endDate?: unknown }>) {
    if (typeof service.startDate === 'string') service.startDate = addMonthsToIsoDate(service.startDate, months);
    if (typeof service.endDate === 'string') service.endDate = addMonthsToIsoDate(service.endDate, months);
  }
  return { ...row, record };
}

export interface DemoLoadTarget {
  db: Kysely<Database>;
  log: FastifyBaseLogger;
}

/**
 * Loads the synthetic Northvale cohort through the same import as POST /v1/young-people/import,
 * audited as the system, when the database has never held a young person (tombstones count, so
 * erasing everyone does not bring the demo back). Returns how many open cases were loaded (the
 * file's 400 and the care leavers aged 19-21 added with the history: 460); 0 when skipped.
 */
export async function loadDemoCohortIfEmpty(
  target: DemoLoadTarget,
  options: { file?: string; today?: Date; progress?: (stored: number, total: number) => void } = {},
): Promise<number> {
  if ((await countYoungPeopleEverStored(target.db)) > 0) return 0;
  const today = options.today ?? new Date();
  const months = currentMonthIndex(today) - (DEMO_COHORT_AS_OF.year * 12 + DEMO_COHORT_AS_OF.month - 1);
  const rows = parseYoungPeopleCsv(await readFile(options.file ?? DEMO_COHORT_FILE, 'utf8')).map((row) => rebaseDemoRow(row, months));
  try {
    const result = await importYoungPeople(target.db, systemActor, rows, today, { source: 'demo', withoutHistory: true, ...(options.progress ? { progress: options.progress } : {}) });
    // Teams, key workers and two years of history, so the scorecard has something to show.
    const history = await loadDemoHistory(target.db, systemActor, months);
    return result.imported + history.careLeaversAdded;
  } catch (error) {
    // Another instance loading at the same moment, or a file edited by hand: the service still starts.
    if (error instanceof DomainError) {
      target.log.warn({ status: error.status, problems: error.errors?.length ?? 0 }, `demo cohort not loaded: ${error.message}`);
      return 0;
    }
    throw error;
  }
}
