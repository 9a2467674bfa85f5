import type { CostModelSpec } from '../catalog/model-schema.ts';
import { type CohortChunk, type CohortPerson, type CohortRequest, simulateCohortRuns } from './cohort.ts';
import type { PlanSlot } from './engine.ts';
import { type SimulationModel, compileModel } from './model.ts';
import { type PreparedScenario, type ScenarioShard, simulateScenarioShard } from './scenario.ts';
import { type ProjectionChunk, type ProjectionRequest, projectionChunk } from './projection.ts';

/**
 * Worker-thread entry (piscina). A task names each model by key (id, version and content hash)
 * and carries its spec; each thread compiles a model once and keeps the last few.
 */
export interface ProjectionTask {
  kind: 'projection';
  modelKey: string;
  /**
   * The spec as JSON text, parsed only by a thread that has not compiled this key yet: a string
   * crosses to a thread as one copy, while the spec as objects (some 90 KB of JSON for the
   * default model) was structured-cloned and rebuilt for every chunk, about 1 ms a chunk on each
   * side (issue 19: 40 chunks per projection of 10,000 runs).
   */
  modelSpecJson: string;
  request: ProjectionRequest;
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

export type SimulationTask = ProjectionTask | CohortTask | ScenarioTask;

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

/** modelFor, from the spec's JSON text (parsed only when this thread has not compiled the key). */
export function modelForJson(key: string, specJson: string): SimulationModel {
  return compiled.get(key) ?? modelFor(key, JSON.parse(specJson) as CostModelSpec);
}

export function runTask(task: SimulationTask): ProjectionChunk | CohortChunk {
  if (task.kind === 'projection') {
    return projectionChunk(modelForJson(task.modelKey, task.modelSpecJson), task.request, task.seed, task.runStart, task.runEnd);
  }
  if (task.kind === 'scenario') return simulateScenarioShard(task.prepared, task.shard, task.runStart, task.runEnd, modelFor);
  const variants = task.variants.map((v) => ({ model: modelFor(v.modelKey, v.modelSpec), slot: v.slot }));
  return simulateCohortRuns(variants, task.request, task.people, task.seed, task.runStart, task.runEnd);
}

export default runTask;
