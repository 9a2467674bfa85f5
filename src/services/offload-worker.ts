import { type BacktestOptions, type BacktestResult, backtest } from '../calibration/backtest.ts';
import { assertUsable, type CalibrateOptions, type CalibrationReport, calibrate } from '../calibration/calibrate.ts';
import { type ImportedSsda903, type ImportOptions, importSsda903 } from '../calibration/import.ts';
import type { CostModelSpec } from '../catalog/model-schema.ts';
import type { ResolvedModel } from '../catalog/resolved-model.ts';
import { type ModelError, validateModel } from '../catalog/validate-model.ts';
import { buildScenarioPack, type ScenarioPack } from '../export/pack.ts';
import type { PackInput } from '../export/pack-input.ts';
import { DomainError, type FieldError } from './errors.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import { type PrepareOptions, type PreparedScenario, prepareScenario, type ScenarioMember } from '../simulation/scenario.ts';
import { checkRows, parseYoungPeopleCsv } from './young-people-import.ts';
import { type ScorecardAnswer, type ScorecardAnswerOptions, type ScorecardData, scorecardAnswer } from './scorecard.ts';

/**
 * Work that needs no database and would hold the service thread for seconds: reading and checking
 * a young-people CSV, rendering a scenario pack, reading SSDA903 returns and calibrating a model
 * from them (with its backtest), preparing a scenario run (its planning flows: most of a
 * second of CPU before the runs start), and the scorecard's answer from the data read (the
 * board's disclosure protection: seconds of CPU once a team holds a few children). Run on a worker thread by src/services/offload.ts
 * (or inline when there are no worker threads). Expected failures come back as values, since an
 * error's class does not survive the trip between threads.
 */

export type OffloadTask =
  | { kind: 'prepare-import'; text: string; today: string }
  | { kind: 'render-pack'; input: PackInput }
  | { kind: 'import-ssda903'; files: Array<{ name: string; buffer: Uint8Array }>; options: Omit<ImportOptions, 'onProgress'> }
  | { kind: 'calibrate'; imported: string; options: CalibrateOptions; backtest: BacktestOptions | null }
  | { kind: 'prepare-scenario'; scenario: ScenarioSpec; model: CostModelSpec; members: ScenarioMember[]; options: PrepareOptions }
  | { kind: 'scorecard'; data: ScorecardData; options: ScorecardAnswerOptions };

export type FailedTask = { ok: false; error: { status: number; title: string; detail: string; errors?: FieldError[] } };
/**
 * The rows come back as JSON text in chunks of IMPORT_CHUNK_ROWS: copying strings between threads
 * is cheap, while structured-cloning 20,000 row objects made the service thread build them all in
 * one go (over half a second of CPU, most of it garbage collection); the chunks are parsed with
 * a turn of the event loop between them (Offload.prepareYoungPeopleImport).
 */
export type PreparedImport = { ok: true; chunks: string[]; rowErrors: FieldError[] } | FailedTask;
export const IMPORT_CHUNK_ROWS = 500;
/**
 * The imported returns as the service thread holds them: their years and report, and the whole
 * import as JSON text (`json`), handed back as it is to the calibrate task. Structured-cloning
 * the children, episodes and OC3 records to the service thread and back took a slice of 100-130 ms
 * of it each way (issue 14); a string crosses as one copy.
 */
export interface ImportedHandle {
  returnYears: number[];
  report: ImportedSsda903['report'];
  json: string;
}
export type ImportedReturns = { ok: true; imported: ImportedHandle } | FailedTask;
/**
 * `modelErrors`: validateModel's errors for the calibrated model (empty when it is valid);
 * `resolved`: the model as validateModel resolved it (null when invalid), so that the catalog
 * takes the new version without validating it again on the service thread (a tenth of a second).
 */
export type Calibrated =
  | { ok: true; model: CostModelSpec; resolved: ResolvedModel | null; report: CalibrationReport; backtest: BacktestResult | null; modelErrors: ModelError[] }
  | FailedTask;

function failed(error: unknown): FailedTask {
  if (error instanceof DomainError) return { ok: false, error: { status: error.status, title: error.title, detail: error.message, ...(error.errors ? { errors: error.errors } : {}) } };
  throw error;
}

export async function runOffloadTask(task: OffloadTask): Promise<PreparedImport | ScenarioPack | ImportedReturns | Calibrated | PreparedScenario | ScorecardAnswer> {
  try {
    switch (task.kind) {
      case 'render-pack':
        return await buildScenarioPack(task.input);
      case 'scorecard':
        return scorecardAnswer(task.data, task.options);
      case 'prepare-scenario':
        return prepareScenario(task.scenario, task.model, task.members, task.options);
      case 'import-ssda903': {
        const imported = await importSsda903(task.files, task.options);
        assertUsable(imported);
        return { ok: true, imported: { returnYears: imported.returnYears, report: imported.report, json: JSON.stringify(imported) } };
      }
      case 'calibrate': {
        const imported = JSON.parse(task.imported) as ImportedSsda903;
        const { model, report } = calibrate(imported, task.options);
        const checked = validateModel(model);
        return {
          ok: true,
          model,
          resolved: checked.ok ? checked.model : null,
          report,
          backtest: task.backtest ? backtest(imported, task.backtest) : null,
          modelErrors: checked.ok ? [] : checked.errors,
        };
      }
      default: {
        const rows = parseYoungPeopleCsv(task.text);
        const chunks: string[] = [];
        for (let start = 0; start < rows.length; start += IMPORT_CHUNK_ROWS) chunks.push(JSON.stringify(rows.slice(start, start + IMPORT_CHUNK_ROWS)));
        return { ok: true, chunks, rowErrors: checkRows(rows, new Date(task.today)) };
      }
    }
  } catch (error) {
    return failed(error);
  }
}

export default function offloadWorker(task: OffloadTask) {
  return runOffloadTask(task);
}
