// FROZEN: a copy of src/simulation/rows.ts as it stood before issue 19 (commit 67b3d16), kept only as
// the baseline the bench measures today's kernel against (engine_throughput_baseline_kernel).
// Never edit it; never import it from the service.
/**
 * How a monthly row changes under rate factors, intervention effects, strategy rate changes and
 * capacity limits. One implementation, shared by the kernel, the exact oracle and capacity
 * planning, so all three mean the same thing by "multiply this transition by k".
 */

/** Multiplies the probabilities of moving from s to each state in `to` (never s itself) by k. */
export function scaleExits(p: Float64Array, s: number, to: Uint8Array, k: number): void {
  for (let j = 0; j < p.length; j++) if (j !== s && to[j]) p[j] *= k;
}

/**
 * After exits were scaled: staying put takes up (or gives) the difference; if the exits now
 * exceed 1 they are scaled down to sum to 1 and nobody stays.
 */
export function settleStay(p: Float64Array, s: number): void {
  let off = 0;
  for (let j = 0; j < p.length; j++) if (j !== s) off += p[j];
  if (off > 1) {
    for (let j = 0; j < p.length; j++) p[j] = j === s ? 0 : p[j] / off;
  } else {
    p[s] = 1 - off;
  }
}

/** A full state: `fraction` of the moves into `state` (from elsewhere) go to `overflow` instead. */
export function redirectMoves(p: Float64Array, s: number, state: number, overflow: number, fraction: number): void {
  if (s === state || fraction <= 0) return;
  const moved = p[state] * Math.min(1, fraction);
  p[state] -= moved;
  p[overflow] += moved;
}
