import { Piscina } from 'piscina';
import { type CohortPerson, type CohortRequest, simulateCohortRuns } from '../simulation/cohort.ts';
import type { PlanSlot } from '../simulation/engine.ts';
import { compileModel } from '../simulation/model.ts';
import { SimulationPool } from '../simulation/pool.ts';
import type { CohortTask } from '../simulation/worker.ts';
import { PROJECTION_CHUNK_RUNS, ProjectionFolder, projectionChunk, runChunks } from '../simulation/projection.ts';
import { simulateCohortRunsBaseline } from './baseline/cohort.ts';
import { simulateProjectionRunsBaseline, summariseChunkBaseline } from './baseline/projection.ts';
import type { TimedCohortChunk } from './cohort-worker.ts';
import { type Repetition, onThisThread, processCpuMs, repeatUntilStable, spread } from './measure.ts';
import { defaultModelSpec, modelKey, syntheticCohort, threePlanRequest } from './workloads.ts';

/**
 * The engine's figures (issue 19). Every rate is work per CPU second of the thread(s) doing the
 * work, after warm-up to a stable rate, with min/median/max over the timed repetitions and the
 * wall-clock rate beside it.
 */

/** The cohort workload: the default model, 1,000 synthetic people to 25, every accumulator on. */
function cohortWorkload() {
  const spec = defaultModelSpec();
  const model = compileModel(spec);
  const people: CohortPerson[] = syntheticCohort(model, 1000);
  const request: CohortRequest = { clock: { startYear: 2026, startMonth: 4 }, months: 25 * 12, parameterUncertainty: true };
  const slot: PlanSlot = { interventions: [], statePrices: [] };
  return { spec, model, people, request, slot };
}

/** Runs per repetition on one thread: about 3 million person-months. */
const COHORT_RUNS = 20;

/**
 * Person-months per CPU second on this thread: today's kernel and the frozen copy of the kernel
 * before issue 19, warmed up separately, then timed in alternation so both see the same load.
 */
export async function singleCoreThroughput(): Promise<Record<string, unknown>> {
  const { model, people, request, slot } = cohortWorkload();
  const variants = [{ model, slot }];
  let seed = 1;
  const current = (): Repetition => onThisThread(() => simulateCohortRuns(variants, request, people, seed++, 0, COHORT_RUNS).personMonths);
  const baseline = (): Repetition => onThisThread(() => simulateCohortRunsBaseline(variants, request, people, seed++, 0, COHORT_RUNS).personMonths);
  const warmCurrent = await repeatUntilStable(current, { minReps: 0, minCpuSeconds: 0 });
  const warmBaseline = await repeatUntilStable(baseline, { minReps: 0, minCpuSeconds: 0 });
  const timed = { current: [] as Repetition[], baseline: [] as Repetition[] };
  let cpu = 0;
  while (timed.current.length < 15 || cpu < 8000) {
    const a = current();
    const b = baseline();
    timed.current.push(a);
    timed.baseline.push(b);
    cpu += a.cpuMs + b.cpuMs;
  }
  const cpuRate = (reps: Repetition[]) => spread(reps.map((r) => (r.work / r.cpuMs) * 1000));
  const wallRate = (reps: Repetition[]) => spread(reps.map((r) => (r.work / r.wallMs) * 1000));
  const ratios = timed.current.map((r, k) => r.work / r.cpuMs / (timed.baseline[k].work / timed.baseline[k].cpuMs));
  const currentRate = cpuRate(timed.current);
  const baselineRate = cpuRate(timed.baseline);
  return {
    value: currentRate.median,
    cpu_rate: currentRate,
    wall_rate: wallRate(timed.current),
    baseline_kernel: { cpu_rate: baselineRate, wall_rate: wallRate(timed.baseline) },
    speedup_vs_baseline: { median_of_medians: currentRate.median / baselineRate.median, paired: spread(ratios) },
    reps: timed.current.length,
    warmup: { current: warmCurrent.warmupReps, baseline: warmBaseline.warmupReps, stable: warmCurrent.stable && warmBaseline.stable },
  };
}

/** Person-months per CPU second of the frozen pre-issue-19 kernel alone, in its own process. */
export async function baselineThroughput(): Promise<Record<string, unknown>> {
  const { model, people, request, slot } = cohortWorkload();
  let seed = 1;
  const result = await repeatUntilStable(() => onThisThread(() => simulateCohortRunsBaseline([{ model, slot }], request, people, seed++, 0, COHORT_RUNS).personMonths));
  return { value: result.cpuRate.median, cpu_rate: result.cpuRate, wall_rate: result.wallRate, reps: result.reps, warmup: result.warmupReps, stable: result.stable };
}

/**
 * A yardstick of the host's speed: the frozen pre-issue-19 kernel (code that never changes) on
 * 500 people × 2 runs (about 145,000 person-months, some 5-10 ms), repeated on this thread until
 * it has used at least 100 ms of CPU. Returns person-months per CPU second over all repetitions:
 * the thread's CPU clock moves in steps of about 4 ms on this machine, so one short repetition
 * would read as one of a few rates (the fresh review saw only 12, 18 or 36 million). Figures
 * timed beside it (pathway_projection_http_p50_ms) print it, so a reader can tell a slow host
 * from slow code; `engine_throughput_baseline_kernel` times the same kernel in its own process.
 */
export function frozenKernelYardstick(): () => number {
  const { model, people, request, slot } = cohortWorkload();
  const some = people.slice(0, 500);
  let seed = 1;
  return () => {
    const rep = onThisThread(() => simulateCohortRunsBaseline([{ model, slot }], request, some, seed++, 0, 2).personMonths, 100);
    return (rep.work / rep.cpuMs) * 1000;
  };
}

/**
 * A pool of worker threads running the service's cohort task. A repetition gives each thread
 * TASKS_PER_THREAD tasks of 20 runs; its CPU time is the mean over threads of each thread's CPU clock from the
 * start of its first task to the end of its last (so passing results back is counted), and its
 * rate is therefore what the threads would do each with a core of its own.
 */
/**
 * Tasks of COHORT_RUNS runs per thread in one repetition: about 12 × 30 ms, so the thread CPU
 * clock's 4 ms step (see MIN_REPETITION_CPU_MS) is about 1% of a thread's span.
 */
const TASKS_PER_THREAD = 12;

class CohortThreads {
  readonly threads: number;
  private readonly piscina: Piscina;
  private readonly task: Omit<CohortTask, 'runStart' | 'runEnd' | 'seed'>;
  private seed = 1;

  constructor(threads: number) {
    this.threads = threads;
    this.piscina = new Piscina({ filename: new URL('./cohort-worker.ts', import.meta.url).href, minThreads: threads, maxThreads: threads, idleTimeout: 600_000 });
    const { spec, people, request, slot } = cohortWorkload();
    this.task = { kind: 'cohort', variants: [{ modelKey: modelKey(spec), modelSpec: spec, slot }], request, people };
  }

  async rep(): Promise<Repetition> {
    const seed = this.seed++;
    const t0 = performance.now();
    const results: TimedCohortChunk[] = await Promise.all(
      Array.from({ length: this.threads * TASKS_PER_THREAD }, (_, k) => this.piscina.run({ ...this.task, seed, runStart: k * COHORT_RUNS, runEnd: (k + 1) * COHORT_RUNS })),
    );
    const wallMs = performance.now() - t0;
    const spans = new Map<number, { start: number; end: number }>();
    let work = 0;
    for (const r of results) {
      work += r.chunk.personMonths;
      const span = spans.get(r.threadId);
      if (!span) spans.set(r.threadId, { start: r.cpuStartMs, end: r.cpuEndMs });
      else {
        span.start = Math.min(span.start, r.cpuStartMs);
        span.end = Math.max(span.end, r.cpuEndMs);
      }
    }
    let cpu = 0;
    for (const span of spans.values()) cpu += span.end - span.start;
    // Divided by the pool's threads, not those that happened to get work: an idle thread counts as zero.
    return { cpuMs: cpu / this.threads, wallMs, work };
  }

  close(): Promise<void> {
    return this.piscina.destroy();
  }
}

/** Person-months per second on `threads` worker threads (CPU-time rate; wall rate beside). */
export async function threadedThroughput(threads: number): Promise<Record<string, unknown>> {
  const pool = new CohortThreads(threads);
  try {
    const result = await repeatUntilStable(() => pool.rep(), { minReps: 9, minCpuSeconds: 4 });
    return { value: result.cpuRate.median, cpu_rate: result.cpuRate, wall_rate: result.wallRate, threads, reps: result.reps, warmup: result.warmupReps, stable: result.stable };
  } finally {
    await pool.close();
  }
}

/**
 * Throughput on two worker threads over throughput on one, both CPU-time rates: the two pools
 * are warmed up, then timed in alternation so both see the same load on the machine; the value
 * is the median of the paired ratios (the ratio of the two medians printed beside it).
 */
export async function scalingTwoThreads(): Promise<Record<string, unknown>> {
  const one = new CohortThreads(1);
  const two = new CohortThreads(2);
  try {
    const warmOne = await repeatUntilStable(() => one.rep(), { minReps: 0, minCpuSeconds: 0 });
    const warmTwo = await repeatUntilStable(() => two.rep(), { minReps: 0, minCpuSeconds: 0 });
    const reps = { one: [] as Repetition[], two: [] as Repetition[] };
    while (reps.one.length < 9) {
      reps.one.push(await one.rep());
      reps.two.push(await two.rep());
    }
    const cpuRate = (list: Repetition[]) => spread(list.map((r) => (r.work / r.cpuMs) * 1000));
    const wallRate = (list: Repetition[]) => spread(list.map((r) => (r.work / r.wallMs) * 1000));
    const one1 = cpuRate(reps.one);
    const two2 = cpuRate(reps.two);
    // Paired: each two-thread repetition over the one-thread repetition timed just before it,
    // so a host that slows part-way through moves both sides of a ratio, not one median.
    const paired = spread(reps.two.map((r, k) => r.work / r.cpuMs / (reps.one[k].work / reps.one[k].cpuMs)));
    return {
      value: paired.median,
      paired,
      median_of_medians: two2.median / one1.median,
      one_thread: { cpu_rate: one1, wall_rate: wallRate(reps.one) },
      two_threads: { cpu_rate: two2, wall_rate: wallRate(reps.two) },
      wall_clock_ratio: wallRate(reps.two).median / wallRate(reps.one).median,
      reps: reps.one.length,
      warmup: { one: warmOne.warmupReps, two: warmTwo.warmupReps, stable: warmOne.stable && warmTwo.stable },
    };
  } finally {
    await one.close();
    await two.close();
  }
}

/**
 * Per-run work: the three-plan projection (a 14-year-old to 25) on this thread, every step from
 * the run's parameter draws and Dirichlet rows through the three trajectories to the summaries
 * and the fold, in CPU microseconds per run; the frozen pre-issue-19 kernel and summaries beside.
 */
export async function projectionPerRun(): Promise<Record<string, unknown>> {
  const spec = defaultModelSpec();
  const model = compileModel(spec);
  const request = threePlanRequest(model);
  const runs = 2000;
  let seed = 1;
  const fold = (chunk: (start: number, end: number, seed: number) => ReturnType<typeof projectionChunk>) => {
    const s = seed++;
    const folder = new ProjectionFolder(model, request, runs, s);
    for (const [start, end] of runChunks(runs, PROJECTION_CHUNK_RUNS)) folder.add(chunk(start, end, s));
    folder.finish();
    return runs;
  };
  const current = () => onThisThread(() => fold((start, end, s) => projectionChunk(model, request, s, start, end)));
  const baseline = () => onThisThread(() => fold((start, end, s) => summariseChunkBaseline(model, request, simulateProjectionRunsBaseline(model, request, s, start, end))));
  const warmCurrent = await repeatUntilStable(current, { minReps: 0, minCpuSeconds: 0 });
  const warmBaseline = await repeatUntilStable(baseline, { minReps: 0, minCpuSeconds: 0 });
  const a: Repetition[] = [];
  const b: Repetition[] = [];
  while (a.length < 9) {
    a.push(current());
    b.push(baseline());
  }
  const microsPerRun = (list: Repetition[]) => spread(list.map((r) => (r.cpuMs * 1000) / r.work));
  const wallMicrosPerRun = (list: Repetition[]) => spread(list.map((r) => (r.wallMs * 1000) / r.work));
  const now = microsPerRun(a);
  const before = microsPerRun(b);
  return {
    value: now.median,
    cpu_us_per_run: now,
    wall_us_per_run: wallMicrosPerRun(a),
    baseline: { cpu_us_per_run: before, wall_us_per_run: wallMicrosPerRun(b) },
    // Paired as engine_throughput_single_core: each repetition against the frozen one beside it.
    speedup_vs_baseline: { median_of_medians: before.median / now.median, paired: spread(a.map((r, k) => (b[k].cpuMs / b[k].work) / (r.cpuMs / r.work))) },
    reps: a.length,
    warmup: { current: warmCurrent.warmupReps, baseline: warmBaseline.warmupReps, stable: warmCurrent.stable && warmBaseline.stable },
  };
}

/**
 * The three-plan projection with 10,000 runs through the service's worker pool: wall time per
 * call, with the CPU time of the whole process (main thread and workers) beside it.
 */
export async function projectionThroughPool(threads: number): Promise<Record<string, unknown>> {
  const spec = defaultModelSpec();
  const model = compileModel(spec);
  const request = threePlanRequest(model);
  const pool = new SimulationPool(threads);
  let seed = 100;
  try {
    const result = await repeatUntilStable(
      async () => {
        const c0 = processCpuMs();
        const t0 = performance.now();
        await pool.projection(modelKey(spec), spec, request, 10_000, seed++);
        return { wallMs: performance.now() - t0, cpuMs: processCpuMs() - c0, work: 1 };
      },
      { minReps: 9, minCpuSeconds: 0, tolerance: 0.1 },
    );
    return { value: result.wallMs.median, wall_ms: result.wallMs, process_cpu_ms: result.cpuMs, threads, reps: result.reps, warmup: { reps: result.warmupReps, stable: result.stable } };
  } finally {
    await pool.close();
  }
}
