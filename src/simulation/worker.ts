import type { CostModelSpec } from '../catalog/model-schema.ts';
import { type SimulationModel, compileModel } from './model.ts';
import { type ChunkResult, type ProjectionRequest, simulateProjectionRuns } from './projection.ts';

/**
 * Worker-thread entry (piscina). A task names its model by key (id, version and content hash)
 * and carries the spec; each thread compiles a model once and keeps the last few.
 */
export interface ProjectionTask {
  kind: 'projection';
  modelKey: string;
  modelSpec: CostModelSpec;
  request: ProjectionRequest;
  seed: number;
  runStart: number;
  runEnd: number;
}

export type SimulationTask = ProjectionTask;

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

export function runTask(task: SimulationTask): ChunkResult {
  const model = modelFor(task.modelKey, task.modelSpec);
  return simulateProjectionRuns(model, task.request, task.seed, task.runStart, task.runEnd);
}

export default runTask;
