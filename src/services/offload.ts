import { Piscina } from 'piscina';
import type { ScenarioPack } from '../export/pack.ts';
import type { PackInput } from '../export/pack-input.ts';
import { DomainError, type FieldError } from './errors.ts';
import { type OffloadTask, type PreparedImport, runOffloadTask } from './offload-worker.ts';
import type { ParsedCsvRow } from './young-people-import.ts';

/**
 * Heavy work off the request thread (issue 14: /health took 11 s during a 20,000-row CSV import).
 * One worker thread, beside the simulation pool: these tasks are occasional and each is one piece
 * of work, so one thread keeps the service thread free without taking a core from the engine.
 * With no worker threads configured (WORKER_THREADS=0, the tests) the work runs in this thread.
 */
export class Offload {
  private readonly piscina: Piscina | undefined;

  constructor(threads: number) {
    this.piscina =
      threads > 0 ? new Piscina({ filename: new URL('./offload-worker.ts', import.meta.url).href, minThreads: 0, maxThreads: threads, idleTimeout: 30_000 }) : undefined;
  }

  private run(task: OffloadTask): Promise<unknown> {
    if (this.piscina) return this.piscina.run(task);
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        Promise.resolve()
          .then((): unknown => runOffloadTask(task))
          .then(resolve, reject);
      }),
    );
  }

  /** Reads and checks a young-people CSV; throws the DomainError the reading raised (400, 422). */
  async prepareYoungPeopleImport(text: string, today: Date): Promise<{ rows: ParsedCsvRow[]; rowErrors: FieldError[] }> {
    const prepared = (await this.run({ kind: 'prepare-import', text, today: today.toISOString() })) as PreparedImport;
    if (!prepared.ok) throw new DomainError(prepared.error.status, prepared.error.title, prepared.error.detail, prepared.error.errors);
    return { rows: prepared.rows, rowErrors: prepared.rowErrors };
  }

  renderPack(input: PackInput): Promise<ScenarioPack> {
    return this.run({ kind: 'render-pack', input }) as Promise<ScenarioPack>;
  }

  async close(): Promise<void> {
    await this.piscina?.destroy();
  }
}
