import type { ResolvedModel } from './resolved-model.ts';

/**
 * Exact propagation of the state distribution of a model without parameter uncertainty: month
 * by month through the band matrices, with the age transitions replacing a state's row in the
 * month of a birthday (the conventions in resolved-model.ts). It answers "what is the chance of
 * being in each state at each age" without simulation, so plausibility checks and the engine's
 * oracle can pin figures exactly.
 *
 * "Has ever been in" questions need memory the chain does not have; they are answered exactly by
 * an absorbing augmentation: two copies of the chain, one for people never yet in a marked state
 * and one for those who have been. Whoever lands in a marked state moves to the second copy and
 * never leaves it, so the mass of the second copy at an age is the probability of having been in
 * a marked state by then.
 */

export interface ExactPath {
  startAgeMonths: number;
  /**
   * `unmarked[m][s]`: probability of being in state s at age startAgeMonths + m and never yet in a
   * marked state. Length: months propagated.
   */
  unmarked: Float64Array[];
  /** `marked[m][s]`: the same for people who have been in a marked state (all zero when none marked). */
  marked: Float64Array[];
}

export interface PropagationOptions {
  /** A state id or index, or a distribution over states (length nStates). */
  start: string | number | Float64Array;
  startAgeMonths: number;
  /** Exclusive; defaults to the horizon. */
  endAgeMonths?: number;
  /** States that mark a person as "has been in" (indices). */
  marked?: readonly number[];
}

/** For each birthday with age transitions, the replacement row of each state they move. */
function birthdayRows(model: ResolvedModel): Map<number, Array<Float64Array | undefined>> {
  const rows = new Map<number, Array<Float64Array | undefined>>();
  for (const rule of model.ageTransitions) {
    const byState = rows.get(rule.atAgeMonths) ?? new Array<Float64Array | undefined>(model.nStates);
    for (const i of rule.from) byState[i] = rule.to;
    rows.set(rule.atAgeMonths, byState);
  }
  return rows;
}

/** `out = dist × P(age)`: one month from age `ageMonths` to `ageMonths + 1`. */
function step(model: ResolvedModel, ageMonths: number, dist: Float64Array, out: Float64Array, birthday: Array<Float64Array | undefined> | undefined) {
  const n = model.nStates;
  const matrix = model.bands[model.bandOfAgeMonth[ageMonths]].transitions;
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const p = dist[i];
    if (p === 0) continue;
    const replacement = birthday?.[i];
    if (replacement) {
      for (let j = 0; j < n; j++) out[j] += p * replacement[j];
    } else {
      const offset = i * n;
      for (let j = 0; j < n; j++) out[j] += p * matrix[offset + j];
    }
  }
}

export function propagateExact(model: ResolvedModel, options: PropagationOptions): ExactPath {
  const n = model.nStates;
  const end = options.endAgeMonths ?? model.horizonAgeMonths;
  const start = options.startAgeMonths;
  if (!(start >= 0 && start < end && end <= model.horizonAgeMonths)) {
    throw new RangeError(`ages must satisfy 0 <= start (${start}) < end (${end}) <= horizon (${model.horizonAgeMonths})`);
  }
  const isMarked = new Uint8Array(n);
  for (const i of options.marked ?? []) isMarked[i] = 1;

  let initial: Float64Array;
  if (options.start instanceof Float64Array) {
    initial = Float64Array.from(options.start);
  } else {
    const index = typeof options.start === 'number' ? options.start : model.stateIndex[options.start];
    if (index === undefined || index < 0 || index >= n) throw new RangeError(`unknown start state ${String(options.start)}`);
    initial = new Float64Array(n);
    initial[index] = 1;
  }
  let unmarked = new Float64Array(n);
  let marked = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (isMarked[i]) marked[i] = initial[i];
    else unmarked[i] = initial[i];
  }

  const birthdays = birthdayRows(model);
  const path: ExactPath = { startAgeMonths: start, unmarked: [unmarked], marked: [marked] };
  for (let age = start; age + 1 < end; age++) {
    const birthday = birthdays.get(age + 1);
    const nextUnmarked = new Float64Array(n);
    const nextMarked = new Float64Array(n);
    step(model, age, unmarked, nextUnmarked, birthday);
    step(model, age, marked, nextMarked, birthday);
    for (let i = 0; i < n; i++) {
      if (isMarked[i]) {
        nextMarked[i] += nextUnmarked[i];
        nextUnmarked[i] = 0;
      }
    }
    unmarked = nextUnmarked;
    marked = nextMarked;
    path.unmarked.push(unmarked);
    path.marked.push(marked);
  }
  return path;
}

/** The probability of each state at month m of a path (both copies added). */
export function occupancyAt(path: ExactPath, m: number): Float64Array {
  const out = Float64Array.from(path.unmarked[m]);
  const marked = path.marked[m];
  for (let i = 0; i < out.length; i++) out[i] += marked[i];
  return out;
}

/** Expected number of months spent in any of `states` over the path. */
export function expectedMonthsIn(path: ExactPath, states: readonly number[]): number {
  let total = 0;
  for (let m = 0; m < path.unmarked.length; m++) {
    for (const s of states) total += path.unmarked[m][s] + path.marked[m][s];
  }
  return total;
}

/** Probability of having been in a marked state by month m of the path. */
export function probabilityMarkedAt(path: ExactPath, m: number): number {
  let total = 0;
  for (const p of path.marked[m]) total += p;
  return total;
}
