import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { CostModelSpec } from '../catalog/model-schema.ts';
import { type CohortChunk, type CohortPerson, type CohortRequest, simulateCohortRuns } from './cohort.ts';
import type { PlanSlot } from './engine.ts';
import { type SimulationModel, compileModel } from './model.ts';
import { type PreparedScenario, type ScenarioShard, simulateScenarioShard } from './scenario.ts';
import { type ProjectionChunk, type ProjectionRequest, type SharedHeadlines, projectionChunk, summariseHeadlines } from './projection.ts';
import type { Summary } from './summary.ts';

/**
 * Worker-thread entry (piscina). A task names each model by key (id, version and content hash)
 * and carries its spec; each thread compiles a model once and keeps the last few.
 */
export interface ProjectionTask {
  kind: 'projection';
  modelKey: string;
  /**
   * The spec as UTF-8 JSON in shared memory, decoded only by a thread that has not compiled this
   * key yet. Posting a SharedArrayBuffer passes a reference: about 5 µs, where the same 79 KB as
   * a string took about 0.5 ms to serialise and as long again to read on the thread, on every
   * chunk (measured with postMessage on Node 24; the spec as objects was slower still). Issue
   * 19: 40 chunks per projection of 10,000 runs made that some 40 ms of CPU per projection.
   * Never written after it is made (specBytes).
   */
  modelSpecBytes: SharedArrayBuffer;
  request: ProjectionRequest;
  /** Where to write the chunk's headline series (the folder's shared buffer); absent: returned in the chunk. */
  headlines?: SharedHeadlines;
  seed: number;
  runStart: number;
  runEnd: number;
}

export interface CohortTask {
  kind: 'cohort';
  variants: Array<{ modelKey: string; modelSpec: CostModelSpec; slot: PlanSlot }>;
  request: CohortRequest;
  people: CohortPerson[];
  seed: number;
  runStart: number;
  runEnd: number;
}

export interface ScenarioTask {
  kind: 'scenario';
  prepared: PreparedScenario;
  shard: ScenarioShard;
  runStart: number;
  runEnd: number;
}

/** Summaries of some of a finished projection's kept series, read from its shared headline buffer. */
export interface SummariesTask {
  kind: 'summaries';
  headlines: SharedHeadlines;
  indices: number[];
}

export type SimulationTask = ProjectionTask | CohortTask | ScenarioTask | SummariesTask;

const compiled = new Map<string, SimulationModel>();

export function modelFor(key: string, spec: CostModelSpec): SimulationModel {
  let model = compiled.get(key);
  if (!model) {
    model = compileModel(spec);
    compiled.set(key, model);
    if (compiled.size > 8) compiled.delete(compiled.keys().next().value as string);
  }
  return model;
}

/** modelFor, from the spec's UTF-8 JSON (decoded only when this thread has not compiled the key). */
export function modelForBytes(key: string, specBytes: SharedArrayBuffer): SimulationModel {
  // TextDecoder refuses views of shared memory: Buffer.from copies nothing, toString decodes.
  return compiled.get(key) ?? modelFor(key, JSON.parse(Buffer.from(specBytes).toString('utf8')) as CostModelSpec);
}

export function runTask(task: SimulationTask): ProjectionChunk | CohortChunk | Summary[] {
  if (task.kind === 'summaries') return summariseHeadlines(task.headlines, task.indices);
  if (task.kind === 'projection') {
    return projectionChunk(modelForBytes(task.modelKey, task.modelSpecBytes), task.request, task.seed, task.runStart, task.runEnd, task.headlines);
  }
  if (task.kind === 'scenario') return simulateScenarioShard(task.prepared, task.shard, task.runStart, task.runEnd, modelFor);
  const variants = task.variants.map((v) => ({ model: modelFor(v.modelKey, v.modelSpec), slot: v.slot }));
  return simulateCohortRuns(variants, task.request, task.people, task.seed, task.runStart, task.runEnd);
}

/**
 * The thread's entry: runTask, with a projection chunk's arrays moved to the calling thread
 * rather than copied. A chunk of 250 runs of three plans is some 190 KB of Float64Arrays; copying
 * it cost about 0.14 ms on each side per chunk (measured through piscina on Node 24), 40 chunks
 * a projection. Safe because projectionChunk makes every array fresh for its chunk and keeps
 * none of them.
 */
export default function threadTask(task: SimulationTask): ProjectionChunk | CohortChunk | Summary[] | ReturnType<typeof move> {
  const result = runTask(task);
  if (task.kind !== 'projection') return result;
  const chunk = result as ProjectionChunk;
  const buffers = [chunk.kept.buffer, chunk.moments.buffer, chunk.parameterSums.buffer];
  if (chunk.stabilityMoments) buffers.push(chunk.stabilityMoments.buffer);
  return move({ [transferableSymbol]: buffers, [valueSymbol]: chunk } as unknown as Parameters<typeof move>[0]);
}
