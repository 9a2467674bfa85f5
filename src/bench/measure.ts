import { loadavg } from 'node:os';

/**
 * Measuring on a shared machine. Wall time counts whatever else the machine is doing (two cores
 * here, other jobs running), so the figures that compare code are CPU time: the CPU time of the
 * thread doing the work (process.threadCpuUsage(), Node >= 23.9), or of each worker thread,
 * which a busy neighbour inflates far less than it does wall time. Wall time is always printed
 * beside it, with the load average, so a reader can tell a quiet measurement from a loaded one.
 */

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Min, median (upper middle for an even count) and max. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

/** CPU time (user + system) of the calling thread, in milliseconds. */
export function threadCpuMs(): number {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** CPU time (user + system) of the whole process, every thread, in milliseconds. */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The 1, 5 and 15-minute load averages, rounded to two places. */
export function loadAverage(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

export interface Repetition {
  /** CPU milliseconds the repetition cost (of the thread or threads that did the work). */
  cpuMs: number;
  wallMs: number;
  /** Units of work done (person-months, runs, calls). */
  work: number;
}

export interface RepeatOptions {
  /** Stable: the last `window` CPU rates within `tolerance` of their median. */
  window?: number;
  tolerance?: number;
  /** Warm-up gives up (and says so) after this many repetitions or this much wall time. */
  maxWarmup?: number;
  maxWarmupSeconds?: number;
  /** Timed repetitions: at least this many, and at least this much CPU time in all. */
  minReps?: number;
  minCpuSeconds?: number;
  maxReps?: number;
}

export interface Repeated {
  warmupReps: number;
  /** Whether warm-up reached a stable rate before its limits. */
  stable: boolean;
  reps: number;
  /** Work per CPU second, per repetition. */
  cpuRate: Spread;
  /** Work per wall second, per repetition. */
  wallRate: Spread;
  cpuMs: Spread;
  wallMs: Spread;
}

/**
 * Runs `rep` until its CPU rate is stable (JIT tiers settled, caches warm), then times at least
 * `minReps` repetitions and `minCpuSeconds` of CPU. Returns the spread of each measure.
 */
export async function repeatUntilStable(rep: () => Repetition | Promise<Repetition>, options: RepeatOptions = {}): Promise<Repeated> {
  const window = options.window ?? 4;
  const tolerance = options.tolerance ?? 0.04;
  const maxWarmup = options.maxWarmup ?? 40;
  const maxWarmupMs = (options.maxWarmupSeconds ?? 20) * 1000;
  const minReps = options.minReps ?? 9;
  const minCpuMs = (options.minCpuSeconds ?? 3) * 1000;
  const maxReps = options.maxReps ?? 200;

  const rates: number[] = [];
  let stable = false;
  const warmStart = performance.now();
  while (rates.length < maxWarmup && performance.now() - warmStart < maxWarmupMs) {
    const r = await rep();
    rates.push(r.work / r.cpuMs);
    if (rates.length >= window) {
      const last = spread(rates.slice(-window));
      if (last.max - last.min <= tolerance * last.median) {
        stable = true;
        break;
      }
    }
  }
  const timed: Repetition[] = [];
  let cpu = 0;
  while (timed.length < maxReps && (timed.length < minReps || cpu < minCpuMs)) {
    const r = await rep();
    timed.push(r);
    cpu += r.cpuMs;
  }
  return {
    warmupReps: rates.length,
    stable,
    reps: timed.length,
    cpuRate: spread(timed.map((r) => (r.work / r.cpuMs) * 1000)),
    wallRate: spread(timed.map((r) => (r.work / r.wallMs) * 1000)),
    cpuMs: spread(timed.map((r) => r.cpuMs)),
    wallMs: spread(timed.map((r) => r.wallMs)),
  };
}

/**
 * The least CPU one timed repetition on a thread takes. The thread's CPU clock
 * (process.threadCpuUsage, getrusage RUSAGE_THREAD) moves in scheduler ticks: steps of about 4 ms
 * on this machine (HZ=250; the process clock, by contrast, reads in microseconds). A 30 ms
 * repetition therefore reads as one of a handful of rates, ±13% apart, and a ratio of two such
 * medians jumps between a few values (1.86, 2.0, 2.09 for the same code); at 250 ms one tick is
 * under 2% of a repetition and the median of many is well inside that.
 */
export const MIN_REPETITION_CPU_MS = 250;

/**
 * Times a synchronous piece of work on this thread: calls `work` (which returns units of work
 * done) until the thread has used at least `minCpuMs` of CPU, and returns the CPU and wall time
 * of all the calls with the work summed.
 */
export function onThisThread(work: () => number, minCpuMs = MIN_REPETITION_CPU_MS): Repetition {
  const c0 = threadCpuMs();
  const t0 = performance.now();
  let done = 0;
  let cpuMs = 0;
  do {
    done += work();
    cpuMs = threadCpuMs() - c0;
  } while (cpuMs < minCpuMs);
  return { cpuMs, wallMs: performance.now() - t0, work: done };
}

/** Rounds every number in a nested object to six significant figures, for printing. */
export function rounded<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? Number(value.toPrecision(6)) : value) as T;
  if (Array.isArray(value)) return value.map(rounded) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)])) as T;
  return value;
}
