import type { SimulationModel } from '../../src/simulation/model.ts';

/**
 * Exact reference for the DfE placement-stability share, independent of the kernel: the chain
 * on (state, placements this financial year capped at 3) propagated month by month. A move to
 * another state adds a placement if the new state is one; staying in a placement is a move
 * within it with probability P(stay) × its within-state rate (the kernel's convention, engine.ts
 * cumulate); in April the count restarts at the placement held. Each 31 March gives the share
 * of those in care then with three or more placements in the year.
 * `calendarStart`: the calendar month index (0 = January) of month 0; `countAtStart`: the
 * placements already counted at month 0 (capped at 3).
 */
export function exactThreeOrMoreShares(
  model: SimulationModel,
  start: { state: number; ageMonths: number; calendarStart: number; countAtStart: number },
  months: number,
): number[] {
  const nS = model.nStates;
  let dist = new Float64Array(nS * 4);
  dist[start.state * 4 + Math.min(3, start.countAtStart)] = 1;
  const out: number[] = [];
  for (let m = 0; m < months; m++) {
    const calendar = (start.calendarStart + m) % 12;
    if (calendar === 3 && m > 0) {
      const reset = new Float64Array(nS * 4);
      for (let s = 0; s < nS; s++) for (let c = 0; c < 4; c++) reset[s * 4 + model.isPlacement[s]] += dist[s * 4 + c];
      dist = reset;
    }
    if (calendar === 2) {
      let inCare = 0;
      let three = 0;
      for (let s = 0; s < nS; s++) {
        if (!model.flags.inCare[s]) continue;
        for (let c = 0; c < 4; c++) inCare += dist[s * 4 + c];
        three += dist[s * 4 + 3];
      }
      out.push(three / inCare);
    }
    const band = model.bandOfAgeMonth[start.ageMonths + m];
    const next = new Float64Array(nS * 4);
    for (let s = 0; s < nS; s++) {
      for (let c = 0; c < 4; c++) {
        const p = dist[s * 4 + c];
        if (p === 0) continue;
        for (let j = 0; j < nS; j++) {
          const q = model.baseRows[(band * nS + s) * nS + j];
          if (q === 0) continue;
          if (j !== s) next[j * 4 + Math.min(3, c + model.isPlacement[j])] += p * q;
          else {
            const within = model.isPlacement[s] ? model.withinStateMove[s] : 0;
            next[s * 4 + Math.min(3, c + 1)] += p * q * within;
            next[s * 4 + c] += p * q * (1 - within);
          }
        }
      }
    }
    dist = next;
  }
  return out;
}
