import type { PlacesChunk } from './places.ts';
import { Piscina } from 'piscina';
import type { CostModelSpec } from '../catalog/model-schema.ts';
import { PROJECTION_CHUNK_RUNS, type ProjectionChunk, ProjectionFolder, type ProjectionRequest, type ProjectionResult, type SharedHeadlines, runChunks, sharedHeadlineBytes } from './projection.ts';
import type { CohortChunk } from './cohort.ts';
import { type CohortTask, type ProjectionTask, type ScenarioTask, type SummariesTask, modelFor, runTask } from './worker.ts';
import type { Summary } from './summary.ts';
import { type PreparedScenario, type ScenarioShard, scenarioShards } from './scenario.ts';
import { type ScenarioChunk, ScenarioFolder, type ScenarioResultCore } from './scenario-fold.ts';

export interface RunOptions {
  signal?: AbortSignal;
  /** Called after each chunk is folded, with runs completed and runs in all. */
  onProgress?: (completed: number, total: number) => void;
}

/** Runs per scenario chunk: fixed, so results never depend on threads, processes or machines. */
export const SCENARIO_CHUNK_RUNS = 250;

export class CancelledError extends Error {
  constructor() {
    super('the run was cancelled');
    this.name = 'CancelledError';
  }
}

/**
 * Each spec's UTF-8 JSON in shared memory, made once per spec object (specs are not changed once
 * loaded) and only read after: every chunk of a projection passes the same buffer by reference.
 */
const specBuffers = new WeakMap<CostModelSpec, SharedArrayBuffer>();
export function specBytes(spec: CostModelSpec): SharedArrayBuffer {
  let shared = specBuffers.get(spec);
  if (shared === undefined) {
    const bytes = Buffer.from(JSON.stringify(spec), 'utf8');
    shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    specBuffers.set(spec, shared);
  }
  return shared;
}

/**
 * A few shared buffers kept for reuse, so that projections one after another do not each
 * allocate (and leave for the collector) megabytes of shared memory. A buffer is not cleared
 * between uses: every chunk writes every cell of its own runs, and the folder reads none before
 * all runs have arrived. At most `keep` buffers wait; one up to twice the size asked for serves.
 */
export class BufferShelf {
  private readonly shelf: SharedArrayBuffer[] = [];
  private readonly keep = 4;
  /**
   * What the shelf may hold in all: a projection of three plans × 10,000 runs needs 6.5 MB, one
   * of 100,000 runs 65 MB, and memory held for a rare large request is memory the service lacks.
   */
  private readonly keepBytes = 32 * 1024 * 1024;

  take(bytes: number): SharedArrayBuffer {
    const at = this.shelf.findIndex((b) => b.byteLength >= bytes && b.byteLength <= 2 * bytes);
    if (at >= 0) return this.shelf.splice(at, 1)[0];
    return new SharedArrayBuffer(bytes);
  }

  give(buffer: SharedArrayBuffer): void {
    if (buffer.byteLength > this.keepBytes) return;
    this.shelf.push(buffer);
    let held = this.heldBytes;
    while (this.shelf.length > this.keep || held > this.keepBytes) held -= (this.shelf.shift() as SharedArrayBuffer).byteLength;
  }

  /** Bytes held for reuse (tests). */
  get heldBytes(): number {
    return this.shelf.reduce((sum, b) => sum + b.byteLength, 0);
  }
}

/**
 * Splits Monte Carlo work into chunks of runs and spreads them over worker threads, folding
 * results in run order so the outcome never depends on the number of threads or on which
 * thread finished first. With zero threads the chunks run in this thread, yielding to the event
 * loop between them so the service stays responsive and cancellation is honoured.
 */
export class SimulationPool {
  readonly threads: number;
  private readonly piscina: Piscina | undefined;

  constructor(threads: number) {
    this.threads = threads;
    this.piscina =
      threads > 0
        ? new Piscina({
            filename: new URL('./worker.ts', import.meta.url).href,
            minThreads: threads,
            maxThreads: threads,
            idleTimeout: 60_000,
          })
        : undefined;
  }

  execute(task: ProjectionTask): Promise<ProjectionChunk>;
  execute(task: CohortTask | ScenarioTask): Promise<CohortChunk>;
  execute(task: ProjectionTask | CohortTask | ScenarioTask): Promise<ProjectionChunk | CohortChunk> {
    if (this.piscina) return this.piscina.run(task) as Promise<ProjectionChunk | CohortChunk>;
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(runTask(task) as ProjectionChunk | CohortChunk);
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  /** A person's plans over `runs` runs. */
  async projection(modelKey: string, modelSpec: CostModelSpec, request: ProjectionRequest, runs: number, seed: number, options: RunOptions = {}): Promise<ProjectionResult> {
    const model = modelFor(modelKey, modelSpec);
    const headlines = { buffer: this.headlineBuffers.take(sharedHeadlineBytes(model, request, runs)), runs };
    try {
      const folder = new ProjectionFolder(model, request, runs, seed, headlines.buffer);
      const chunks = runChunks(runs, PROJECTION_CHUNK_RUNS);
      const modelSpecBytes = specBytes(modelSpec);
      await this.inOrder(
        chunks.map(([runStart, runEnd]) => () => this.execute({ kind: 'projection', modelKey, modelSpecBytes, request, seed, runStart, runEnd, headlines })),
        (chunk) => {
          folder.add(chunk);
          options.onProgress?.(folder.completedRuns, runs);
        },
        options.signal,
      );
      return folder.finish(await this.headlineSummaries(folder, headlines));
    } finally {
      // inOrder settles only when no chunk is still running, so no thread writes here any more;
      // finish() keeps nothing of the buffer (the exceedance copies its series).
      this.headlineBuffers.give(headlines.buffer);
    }
  }

  /**
   * The kept series' summaries of a folded projection, a fifth on this thread and two fifths on
   * each of two worker threads, which read the shared headline buffer and would otherwise sit
   * idle while this thread sorts every series (about 20 ms for three plans of 10,000 runs).
   * Without worker threads, or with other work queued for them (another projection's chunks,
   * which the summaries would wait behind): none here, and finish() computes them all.
   */
  private async headlineSummaries(folder: ProjectionFolder, headlines: SharedHeadlines): Promise<Map<number, Summary> | undefined> {
    if (!this.piscina || this.piscina.queueSize > 0) return undefined;
    const workers = Math.min(2, this.threads);
    const groups: number[][] = Array.from({ length: workers + 1 }, () => []);
    // Series are all the same length, so a share of series is a share of the work. This thread
    // takes 1 in 2w + 1 of them (w worker threads) and each worker an equal part of the rest:
    // after its own share this thread still builds the result (the comparisons and the rest,
    // about a quarter of the summaries' time; measured in-process: 18.5 ms of summaries, 4.2 of
    // the rest, for three plans of 10,000 runs).
    for (let index = 0; index < folder.keptSeriesCount; index++) {
      const turn = index % (2 * workers + 1);
      groups[turn === 0 ? 0 : 1 + ((turn - 1) % workers)].push(index);
    }
    const elsewhere = groups.slice(1).map((indices) => this.piscina?.run({ kind: 'summaries', headlines, indices } satisfies SummariesTask) as Promise<Summary[]>);
    const summaries = new Map<number, Summary>();
    try {
      const own = folder.summariesOf(groups[0]);
      for (let k = 0; k < own.length; k++) summaries.set(groups[0][k], own[k]);
    } finally {
      // Settled, every one, before the buffer can go back to the shelf for another projection.
      await Promise.allSettled(elsewhere);
    }
    const results = await Promise.all(elsewhere);
    for (let g = 0; g < results.length; g++) {
      for (let k = 0; k < results[g].length; k++) summaries.set(groups[g + 1][k], results[g][k]);
    }
    return summaries;
  }

  /** Shared headline buffers of finished projections, for the next ones (see SharedHeadlines). */
  readonly headlineBuffers = new BufferShelf();

  /**
   * A scenario: every shard (blocks of people, entrant bands) for each chunk of runs; a chunk's
   * shard vectors are summed (exactly: they are whole pence and counts) and folded in run order.
   * `execute` may be replaced to send shards elsewhere (a PostgreSQL queue for other machines).
   */
  async scenario(prepared: PreparedScenario, options: RunOptions & { execute?: (shard: ScenarioShard, runStart: number, runEnd: number) => Promise<CohortChunk> } = {}): Promise<ScenarioResultCore> {
    const models = prepared.variants.map((v) => modelFor(v.modelKey, v.modelSpec));
    const folder = new ScenarioFolder(prepared, models);
    const shards = scenarioShards(prepared);
    const chunks = runChunks(prepared.runs, SCENARIO_CHUNK_RUNS);
    const execute = options.execute ?? ((shard: ScenarioShard, runStart: number, runEnd: number) => this.execute({ kind: 'scenario', prepared, shard, runStart, runEnd }));
    const tasks = chunks.flatMap(([runStart, runEnd]) => shards.map((shard) => () => execute(shard, runStart, runEnd)));
    let pending: ScenarioChunk | null = null;
    let received = 0;
    await this.inOrder(
      tasks,
      (result) => {
        if (pending === null) {
          pending = { runStart: result.runStart, runEnd: result.runEnd, vectors: Float64Array.from(result.vectors), parameters: result.parameters };
          // Shared places come from one shard a chunk (whole runs): their figures pass through.
          const places = result as Partial<PlacesChunk>;
          if (places.places) Object.assign(pending, { places: places.places, placesWidth: places.placesWidth });
        } else {
          for (let i = 0; i < result.vectors.length; i++) pending.vectors[i] += result.vectors[i];
        }
        received++;
        if (received === shards.length) {
          folder.add(pending);
          options.onProgress?.(folder.completedRuns, prepared.runs);
          pending = null;
          received = 0;
        }
      },
      options.signal,
    );
    // The summaries sort every figure's runs: a turn of the event loop between their steps keeps
    // the service thread answering (issue 14: one 170-290 ms slice at the end of a run).
    return folder.finishYielding(() => new Promise((resolve) => setImmediate(resolve)));
  }

  /**
   * Runs tasks with a bounded number in flight and hands results to `fold` strictly in task
   * order. On cancellation no new task starts; the promise rejects with CancelledError once
   * those in flight have settled, and nothing further is folded.
   */
  async inOrder<T>(tasks: Array<() => Promise<T>>, fold: (result: T) => void, signal?: AbortSignal): Promise<void> {
    const limit = Math.max(1, this.threads) * 2;
    const pending = new Map<number, T>();
    let nextToStart = 0;
    let nextToFold = 0;
    let failure: unknown;
    await new Promise<void>((resolve) => {
      let inFlight = 0;
      const pump = () => {
        if (failure === undefined && signal?.aborted) failure = new CancelledError();
        while (failure === undefined && inFlight < limit && nextToStart < tasks.length) {
          const index = nextToStart++;
          inFlight++;
          tasks[index]().then(
            (result) => {
              inFlight--;
              if (failure === undefined) {
                pending.set(index, result);
                try {
                  while (pending.has(nextToFold)) {
                    const ready = pending.get(nextToFold) as T;
                    pending.delete(nextToFold);
                    nextToFold++;
                    fold(ready);
                  }
                } catch (error) {
                  failure = error;
                }
              }
              pump();
            },
            (error) => {
              inFlight--;
              if (failure === undefined) failure = error;
              pump();
            },
          );
        }
        if (inFlight === 0 && (failure !== undefined || nextToStart >= tasks.length)) resolve();
      };
      pump();
    });
    if (failure !== undefined) throw failure;
  }

  async close(): Promise<void> {
    await this.piscina?.destroy();
  }
}
