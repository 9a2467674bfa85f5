import { buildScenarioPack, type ScenarioPack } from '../export/pack.ts';
import type { PackInput } from '../export/pack-input.ts';
import { DomainError, type FieldError } from './errors.ts';
import { checkRows, type ParsedCsvRow, parseYoungPeopleCsv } from './young-people-import.ts';

/**
 * Work that needs no database and would hold the service thread for seconds: reading and checking
 * a young-people CSV, rendering a scenario pack. Run on a worker thread by src/services/offload.ts
 * (or inline when there are no worker threads). Expected failures come back as values, since an
 * error's class does not survive the trip between threads.
 */

export type OffloadTask = { kind: 'prepare-import'; text: string; today: string } | { kind: 'render-pack'; input: PackInput };

export type PreparedImport = { ok: true; rows: ParsedCsvRow[]; rowErrors: FieldError[] } | { ok: false; error: { status: number; title: string; detail: string; errors?: FieldError[] } };

export function runOffloadTask(task: OffloadTask): PreparedImport | Promise<ScenarioPack> {
  if (task.kind === 'render-pack') return buildScenarioPack(task.input);
  try {
    const rows = parseYoungPeopleCsv(task.text);
    return { ok: true, rows, rowErrors: checkRows(rows, new Date(task.today)) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: { status: error.status, title: error.title, detail: error.message, ...(error.errors ? { errors: error.errors } : {}) } };
    throw error;
  }
}

export default function offloadWorker(task: OffloadTask) {
  return runOffloadTask(task);
}
