import { type BacktestOptions, type BacktestResult, backtest } from '../calibration/backtest.ts';
import { assertUsable, type CalibrateOptions, type CalibrationReport, calibrate } from '../calibration/calibrate.ts';
import { type ImportedSsda903, type ImportOptions, importSsda903 } from '../calibration/import.ts';
import type { CostModelSpec } from '../catalog/model-schema.ts';
import { buildScenarioPack, type ScenarioPack } from '../export/pack.ts';
import type { PackInput } from '../export/pack-input.ts';
import { DomainError, type FieldError } from './errors.ts';
import { checkRows, type ParsedCsvRow, parseYoungPeopleCsv } from './young-people-import.ts';

/**
 * Work that needs no database and would hold the service thread for seconds: reading and checking
 * a young-people CSV, rendering a scenario pack, reading SSDA903 returns and calibrating a model
 * from them (with its backtest). Run on a worker thread by src/services/offload.ts
 * (or inline when there are no worker threads). Expected failures come back as values, since an
 * error's class does not survive the trip between threads.
 */

export type OffloadTask =
  | { kind: 'prepare-import'; text: string; today: string }
  | { kind: 'render-pack'; input: PackInput }
  | { kind: 'import-ssda903'; files: Array<{ name: string; buffer: Uint8Array }>; options: Omit<ImportOptions, 'onProgress'> }
  | { kind: 'calibrate'; imported: ImportedSsda903; options: CalibrateOptions; backtest: BacktestOptions | null };

export type FailedTask = { ok: false; error: { status: number; title: string; detail: string; errors?: FieldError[] } };
export type PreparedImport = { ok: true; rows: ParsedCsvRow[]; rowErrors: FieldError[] } | FailedTask;
export type ImportedReturns = { ok: true; imported: ImportedSsda903 } | FailedTask;
export type Calibrated = { ok: true; model: CostModelSpec; report: CalibrationReport; backtest: BacktestResult | null } | FailedTask;

function failed(error: unknown): FailedTask {
  if (error instanceof DomainError) return { ok: false, error: { status: error.status, title: error.title, detail: error.message, ...(error.errors ? { errors: error.errors } : {}) } };
  throw error;
}

export async function runOffloadTask(task: OffloadTask): Promise<PreparedImport | ScenarioPack | ImportedReturns | Calibrated> {
  try {
    switch (task.kind) {
      case 'render-pack':
        return await buildScenarioPack(task.input);
      case 'import-ssda903': {
        const imported = await importSsda903(task.files, task.options);
        assertUsable(imported);
        return { ok: true, imported };
      }
      case 'calibrate': {
        const { model, report } = calibrate(task.imported, task.options);
        return { ok: true, model, report, backtest: task.backtest ? backtest(task.imported, task.backtest) : null };
      }
      default: {
        const rows = parseYoungPeopleCsv(task.text);
        return { ok: true, rows, rowErrors: checkRows(rows, new Date(task.today)) };
      }
    }
  } catch (error) {
    return failed(error);
  }
}

export default function offloadWorker(task: OffloadTask) {
  return runOffloadTask(task);
}
