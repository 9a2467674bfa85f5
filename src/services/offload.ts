import { Piscina } from 'piscina';
import type { ScenarioPack } from '../export/pack.ts';
import type { PackInput } from '../export/pack-input.ts';
import { DomainError, type FieldError } from './errors.ts';
import type { BacktestOptions } from '../calibration/backtest.ts';
import type { CalibrateOptions } from '../calibration/calibrate.ts';
import type { ImportOptions } from '../calibration/import.ts';
import { yieldToEventLoop } from '../db/yield.ts';
import { CancelledError } from '../simulation/pool.ts';
import { type Calibrated, type FailedTask, type ImportedHandle, type ImportedReturns, type OffloadTask, type PreparedImport, runOffloadTask } from './offload-worker.ts';
import type { ParsedCsvRow } from './young-people-import.ts';
import type { ScorecardAnswer, ScorecardAnswerOptions, ScorecardCompute, ScorecardData } from './scorecard.ts';
import type { CostModelSpec } from '../catalog/model-schema.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import type { PrepareOptions, PreparedScenario, ScenarioMember } from '../simulation/scenario.ts';

/** A worker's answer, or the DomainError it reported (an error's class does not cross threads). */
function unwrap<T extends { ok: true }>(answer: T | FailedTask): T {
  if (!answer.ok) throw new DomainError(answer.error.status, answer.error.title, answer.error.detail, answer.error.errors);
  return answer;
}

/**
 * Heavy work off the request thread (issue 14: /health took 11 s during a 20,000-row CSV import).
 * One worker thread, beside the simulation pool: these tasks are occasional and each is one piece
 * of work, so one thread keeps the service thread free without taking a core from the engine.
 * With no worker threads configured (WORKER_THREADS=0, the tests) the work runs in this thread.
 */
export class Offload implements ScorecardCompute {
  private readonly piscina: Piscina | undefined;

  constructor(threads: number) {
    this.piscina =
      threads > 0 ? new Piscina({ filename: new URL('./offload-worker.ts', import.meta.url).href, minThreads: 0, maxThreads: threads, idleTimeout: 30_000 }) : undefined;
  }

  private run(task: OffloadTask, signal?: AbortSignal): Promise<unknown> {
    if (this.piscina) {
      return this.piscina.run(task, signal ? { signal } : {}).catch((error: unknown) => {
        if (signal?.aborted) throw new CancelledError();
        throw error;
      });
    }
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        if (signal?.aborted) return reject(new CancelledError());
        Promise.resolve()
          .then((): unknown => runOffloadTask(task))
          .then(resolve, reject);
      }),
    );
  }

  /** Reads and checks a young-people CSV; throws the DomainError the reading raised (400, 422). */
  async prepareYoungPeopleImport(text: string, today: Date): Promise<{ rows: ParsedCsvRow[]; rowErrors: FieldError[] }> {
    const prepared = unwrap((await this.run({ kind: 'prepare-import', text, today: today.toISOString() })) as PreparedImport);
    const rows: ParsedCsvRow[] = [];
    for (const [i, chunk] of prepared.chunks.entries()) {
      if (i > 0) await yieldToEventLoop();
      for (const row of JSON.parse(chunk) as ParsedCsvRow[]) rows.push(row);
    }
    return { rows, rowErrors: prepared.rowErrors };
  }

  /** importSsda903 and assertUsable; throws the DomainError they raised (400, 413, 422). */
  async importSsda903(files: Array<{ name: string; buffer: Uint8Array }>, options: Omit<ImportOptions, 'onProgress'>): Promise<ImportedHandle> {
    return unwrap((await this.run({ kind: 'import-ssda903', files, options })) as ImportedReturns).imported;
  }

  /** calibrate, then backtest when asked; a cancelled signal stops the worker's task (CancelledError). */
  async calibrate(imported: ImportedHandle, options: CalibrateOptions, backtestOptions: BacktestOptions | null, signal?: AbortSignal): Promise<Extract<Calibrated, { ok: true }>> {
    return unwrap((await this.run({ kind: 'calibrate', imported: imported.json, options, backtest: backtestOptions }, signal)) as Calibrated);
  }

  /** prepareScenario on the worker thread (its planning flows take most of a second of CPU). */
  prepareScenario(scenario: ScenarioSpec, model: CostModelSpec, members: ScenarioMember[], options: PrepareOptions): Promise<PreparedScenario> {
    return this.run({ kind: 'prepare-scenario', scenario, model, members, options }) as Promise<PreparedScenario>;
  }

  /**
   * scorecardAnswer on the worker thread: the board's disclosure protection took 7-9 s of the
   * service thread with a team of three children, and /health waited behind it.
   */
  scorecard(data: ScorecardData, options: ScorecardAnswerOptions): Promise<ScorecardAnswer> {
    return this.run({ kind: 'scorecard', data, options }) as Promise<ScorecardAnswer>;
  }

  renderPack(input: PackInput): Promise<ScenarioPack> {
    return this.run({ kind: 'render-pack', input }) as Promise<ScenarioPack>;
  }

  async close(): Promise<void> {
    await this.piscina?.destroy();
  }
}
