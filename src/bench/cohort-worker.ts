import { threadId } from 'node:worker_threads';
import type { CohortChunk } from '../simulation/cohort.ts';
import { type CohortTask, runTask } from '../simulation/worker.ts';
import { threadCpuMs } from './measure.ts';

/**
 * The bench's worker-thread entry: the service's own task (runTask, as SimulationPool's workers
 * run it) wrapped with this thread's CPU clock, so the multi-thread figures can be stated in
 * CPU time per thread rather than in wall time on a shared machine.
 */
export interface TimedCohortChunk {
  chunk: CohortChunk;
  threadId: number;
  /** This thread's CPU clock (ms) when the task started and when it finished. */
  cpuStartMs: number;
  cpuEndMs: number;
}

export default function timedCohortTask(task: CohortTask): TimedCohortChunk {
  const cpuStartMs = threadCpuMs();
  const chunk = runTask(task) as CohortChunk;
  return { chunk, threadId, cpuStartMs, cpuEndMs: threadCpuMs() };
}
