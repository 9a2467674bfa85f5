import type { PlacesChunk } from '../simulation/places.ts';
import { yieldToEventLoop } from '../db/yield.ts';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { PgBoss } from 'pg-boss';
import { countShards, deleteRunData, loadChunkShards, loadRunInputs, saveRunInputs, saveShard } from '../db/repositories/scenario-shards.ts';
import type { Database } from '../db/schema.ts';
import { CancelledError, type RunOptions, SCENARIO_CHUNK_RUNS, type SimulationPool } from '../simulation/pool.ts';
import { runChunks } from '../simulation/projection.ts';
import { type PreparedScenario, scenarioShards } from '../simulation/scenario.ts';
import { ScenarioFolder, type ScenarioResultCore } from '../simulation/scenario-fold.ts';
import { modelFor } from '../simulation/worker.ts';

/**
 * Scenario shards on a PostgreSQL queue (pg-boss), so any number of worker processes on any
 * number of machines share a run. The process that starts a run coordinates it: it stores the
 * prepared inputs once, queues one job per (chunk of runs, shard), and folds each chunk, in run
 * order, once every shard of it has been stored. A worker killed mid-shard stops heartbeating;
 * pg-boss hands the shard to another worker, which computes the same numbers (streams are keyed
 * by seed, run and person), so the result is identical to a single-process run.
 */

export const SHARD_QUEUE = 'scenario-shard';

interface ShardJob {
  runId: string;
  chunk: number;
  shard: number;
}

export class ShardQueue {
  private readonly boss: PgBoss;
  private readonly db: Kysely<Database>;
  private readonly pool: SimulationPool;
  private readonly log: FastifyBaseLogger;
  private readonly name = `${hostname()}:${process.pid}`;
  private readonly inputs = new Map<string, PreparedScenario>();
  private started: Promise<void> | undefined;

  constructor(options: { databaseUrl: string; db: Kysely<Database>; pool: SimulationPool; log: FastifyBaseLogger }) {
    this.boss = new PgBoss({
      connectionString: options.databaseUrl,
      max: 4,
      application_name: 'pathcast-shards',
      // Look for lost workers (missed heartbeats) every few seconds, not every minute.
      superviseIntervalSeconds: 5,
      monitorIntervalSeconds: 10,
    });
    this.boss.on('error', (error) => options.log.error({ err: error }, 'shard queue error'));
    this.db = options.db;
    this.pool = options.pool;
    this.log = options.log;
  }

  /** Connects (installing pg-boss's tables on first use) and creates the queue. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.boss.start();
      await this.boss.createQueue(SHARD_QUEUE, {
        // A worker that stops heartbeating (killed, lost) has its shard retried by another.
        heartbeatSeconds: 10,
        expireInSeconds: 3600,
        retryLimit: 10,
        retryDelay: 1,
        deleteAfterSeconds: 3600,
      });
    })();
    return this.started;
  }

  /** Works shards from the queue with this process's worker threads. */
  async work(concurrency: number): Promise<void> {
    await this.start();
    await this.boss.work<ShardJob>(SHARD_QUEUE, { localConcurrency: Math.max(1, concurrency), pollingIntervalSeconds: 0.5 }, async ([job]) => {
      await this.runShard(job.data);
    });
  }

  private async runShard({ runId, chunk, shard }: ShardJob): Promise<void> {
    let prepared = this.inputs.get(runId);
    if (!prepared) {
      prepared = await loadRunInputs(this.db, runId);
      // No inputs: the run was cancelled or has finished; nothing to do.
      if (!prepared) return;
      this.inputs.set(runId, prepared);
      if (this.inputs.size > 4) this.inputs.delete(this.inputs.keys().next().value as string);
    }
    const [runStart, runEnd] = runChunks(prepared.runs, SCENARIO_CHUNK_RUNS)[chunk];
    const result = await this.pool.execute({ kind: 'scenario', prepared, shard: scenarioShards(prepared)[shard], runStart, runEnd });
    const places = result as Partial<PlacesChunk>;
    await saveShard(this.db, { runId, chunk, shard, vectors: result.vectors, parameters: result.parameters, places: places.places, placesWidth: places.placesWidth, worker: this.name });
  }

  /** Coordinates one run: queue its shards, fold chunks as they complete, clean up. */
  async run(prepared: PreparedScenario, runId: string, options: RunOptions = {}): Promise<ScenarioResultCore> {
    await this.start();
    const models = prepared.variants.map((v) => modelFor(v.modelKey, v.modelSpec));
    const folder = new ScenarioFolder(prepared, models);
    const shards = scenarioShards(prepared);
    const chunks = runChunks(prepared.runs, SCENARIO_CHUNK_RUNS);
    await saveRunInputs(this.db, runId, prepared);
    const jobs = chunks.flatMap((_, chunk) => shards.map((_, shard) => ({ data: { runId, chunk, shard } })));
    const ids = (await this.boss.insert(SHARD_QUEUE, jobs)) ?? [];
    try {
      for (let chunk = 0; chunk < chunks.length; chunk++) {
        while ((await countShards(this.db, runId, chunk)) < shards.length) {
          if (options.signal?.aborted) throw new CancelledError();
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const rows = await loadChunkShards(this.db, runId, chunk);
        const [runStart, runEnd] = chunks[chunk];
        const vectors = Float64Array.from(rows[0].vectors);
        for (const row of rows.slice(1)) for (let i = 0; i < vectors.length; i++) vectors[i] += row.vectors[i];
        // Shared places: one shard a chunk (whole runs), whose place figures pass through.
        const places = rows[0].places && rows[0].placesWidth !== null ? { places: rows[0].places, placesWidth: rows[0].placesWidth } : {};
        folder.add({ runStart, runEnd, vectors, parameters: rows[0].parameters, ...places });
        await deleteRunData(this.db, runId, chunk);
        options.onProgress?.(folder.completedRuns, prepared.runs);
      }
      return await folder.finishYielding(yieldToEventLoop);
    } catch (error) {
      if (ids.length) await this.boss.cancel(SHARD_QUEUE, ids).catch(() => {});
      throw error;
    } finally {
      await deleteRunData(this.db, runId).catch((error) => this.log.warn({ err: error, runId }, 'could not remove the run’s shard data'));
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => {});
    await this.boss.stop({ graceful: true, close: true, timeout: 20_000 });
  }
}
