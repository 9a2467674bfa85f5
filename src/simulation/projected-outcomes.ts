import type { SimulationModel } from './model.ts';

/**
 * Projected outcomes read off simulated state occupancy: no random draws of their own, so they
 * cannot move a cost, a stream or a hash.
 *
 * Placed within 20 miles (DfE: children looked after at 31 March by distance from home). Each
 * in-care state s with a distanceOver20Miles share q_s contributes its occupancy n_s to the
 * children counted and n_s × (1 − q_s) to the expected number within 20 miles; in-care states
 * without a share are left out of both, as the DfE leaves out distances not known. The share is
 * within / counted: Σ_s n_s (1 − q_s) / Σ_s n_s over those states.
 */
export interface DistanceTally {
  /** Children (or probability) looked after in states with a known distance share. */
  counted: number;
  /** Their expected number (or probability) placed within 20 miles. */
  within: number;
}

/** Whether state s counts towards the share within 20 miles (in care, with a share). */
export function hasDistanceShare(model: SimulationModel, s: number): boolean {
  return model.flags.inCare[s] === 1 && !Number.isNaN(model.over20MilesShare[s]);
}

/** Whether the model gives any in-care state a distance share (otherwise the share is not reported). */
export function modelHasDistanceShares(model: SimulationModel): boolean {
  for (let s = 0; s < model.nStates; s++) if (hasDistanceShare(model, s)) return true;
  return false;
}

/**
 * Tallies occupancy by state (`occupancy[offset + s]`, counts or probabilities) into children
 * counted and expected within 20 miles.
 */
export function tallyDistance(model: SimulationModel, occupancy: ArrayLike<number>, offset = 0): DistanceTally {
  let counted = 0;
  let within = 0;
  for (let s = 0; s < model.nStates; s++) {
    if (!hasDistanceShare(model, s)) continue;
    const n = occupancy[offset + s];
    counted += n;
    within += n * (1 - model.over20MilesShare[s]);
  }
  return { counted, within };
}

/**
 * For one young person: the share within 20 miles given looked after (a ratio of expectations)
 * and its Monte Carlo standard error, from the probabilities p_s of being in each state (the
 * means over `runs` runs of one-person indicators). In each run exactly one state is occupied,
 * so the ratio estimator's variance is Σ_s p_s (w_s − R)² / (runs × P²), with w_s = 1 − q_s,
 * R the share and P = Σ_s p_s (the delta method; Cochran, Sampling Techniques, 3rd ed., 6.3).
 * Null when the person is never looked after in a state with a share.
 */
export function personShareWithin20Miles(model: SimulationModel, probabilities: ArrayLike<number>, offset: number, runs: number): { mean: number; se: number } | null {
  const { counted, within } = tallyDistance(model, probabilities, offset);
  if (!(counted > 0)) return null;
  const share = within / counted;
  let spread = 0;
  for (let s = 0; s < model.nStates; s++) {
    if (!hasDistanceShare(model, s)) continue;
    const d = 1 - model.over20MilesShare[s] - share;
    spread += probabilities[offset + s] * d * d;
  }
  return ratioEstimate(share, spread, runs, counted);
}

/**
 * A share and its standard error as answered: the share kept within [0, 1] and the spread at 0
 * or more. Both are so mathematically, but the probabilities are sums of run means in floating
 * point: P(A) can exceed P(B) by an ulp when every run in care has A, and the spread then came out
 * a hair below 0, its square root NaN, and the projection's answer failed its schema (a 500; the
 * issue 17 re-review). `spread` is Σ mass × (x − share)², `total` the denominator's probability.
 */
function ratioEstimate(share: number, spread: number, runs: number, total: number): { mean: number; se: number } {
  return { mean: Math.min(1, Math.max(0, share)), se: Math.sqrt(Math.max(0, spread) / runs) / total };
}

/**
 * Care leavers and those of them in education, employment or training, from occupancy by state
 * (`occupancy[offset + s]`, counts or probabilities): `leavers` Σ over care-leaver states (and
 * over custody states when `custodyCounts`: the occupants are known to have been looked after or
 * care leavers), `eet` Σ over states flagged `eet` (model flags.eet) among them. The DfE reading
 * (care leavers aged 19-21, as the measured scorecard, src/outcomes/measures.ts): a state the
 * model flags `eet` counts as EET (the default model: staying put, supported lodgings and
 * independent in EET, its NEET being independent_neet); homeless and custody count as NEET or
 * "not known", in the denominator only.
 */
export function tallyEet(model: SimulationModel, occupancy: ArrayLike<number>, offset = 0, custodyCounts = false): { leavers: number; eet: number } {
  let leavers = 0;
  let eet = 0;
  for (let s = 0; s < model.nStates; s++) {
    if (!model.flags.careLeaver[s] && !(custodyCounts && model.flags.custody[s])) continue;
    leavers += occupancy[offset + s];
    if (model.flags.eet[s]) eet += occupancy[offset + s];
  }
  return { leavers, eet };
}

/**
 * For one young person aged 19 to 21 on 31 March: the chance of being in education, employment
 * or training if a care leaver (DfE: care leavers aged 19-21 in EET), from the probabilities p_s
 * of each state: Σ p_s over states flagged `eet` / Σ p_s over care-leaver states (tallyEet),
 * with the ratio estimator's standard error (one state per run, as personShareWithin20Miles).
 * `custodyCounts`: the person starts looked after or a care leaver, so custody at 19-21 is a
 * care leaver in custody and stays in the denominator, as the scenario's count has it
 * (engine.ts countYearOutcomes); otherwise custody is left out, since occupancy cannot tell
 * whether the person was looked after before (the scenario's count follows each run's history).
 * Null when the person is never counted then.
 */
export function personEetShare(model: SimulationModel, probabilities: ArrayLike<number>, offset: number, runs: number, custodyCounts = false): { mean: number; se: number } | null {
  const { leavers, eet } = tallyEet(model, probabilities, offset, custodyCounts);
  if (!(leavers > 0)) return null;
  const share = eet / leavers;
  // Σ p_s (x_s − R)² over the states counted, x_s = 1 for EET: eet (1 − R)² + (leavers − eet) R².
  const spread = eet * (1 - share) ** 2 + (leavers - eet) * share ** 2;
  return ratioEstimate(share, spread, runs, leavers);
}

/**
 * For one young person: P(A | B) for an event A inside B (three or more placements in the year,
 * given looked after on 31 March), from P(A) and P(B) over `runs` runs, with the ratio
 * estimator's standard error: Var(1_A − R 1_B) = P(A)(1 − R)² + (P(B) − P(A)) R², divided by
 * runs × P(B)². Null when P(B) is 0.
 */
export function personSubsetShare(probabilityA: number, probabilityB: number, runs: number): { mean: number; se: number } | null {
  if (!(probabilityB > 0)) return null;
  const share = probabilityA / probabilityB;
  const spread = probabilityA * (1 - share) ** 2 + (probabilityB - probabilityA) * share ** 2;
  return ratioEstimate(share, spread, runs, probabilityB);
}

/**
 * The distance the record knows: the person's placement today, in state `state`, is within 20
 * miles of home (`within20Miles`) or more than 20 miles away, and `probability` is the chance of
 * being still in that same placement (no move, within the state or out of it) at the 31 March
 * read. That spell's distance is a fact, not the state's share: its weight is 1 (within) or 0.
 */
export interface KnownDistanceSpell {
  state: number;
  within20Miles: boolean;
  probability: number;
}

/**
 * personShareWithin20Miles with the record's known distance for the months the person stays in
 * today's placement: the spell's mass π (the probability of still being in it, at most p_s0)
 * counts with weight k = 1 if within 20 miles, else 0, and the rest of state s0 (p_s0 − π, a
 * later placement of the same kind) with the model's 1 − q_s0. Share R = (Σ_s p_s w_s − π w_s0 +
 * π k) / P over in-care states with a share (s0 counted even without one), P their total
 * probability. Standard error as personShareWithin20Miles, with the spell as its own component:
 * Σ_c m_c (w_c − R)² / (runs × P²) (delta method, Cochran 6.3). With π = 0 it is
 * personShareWithin20Miles exactly. Null when the person is never looked after in such a state.
 */
export function personShareWithin20MilesKnown(
  model: SimulationModel,
  probabilities: ArrayLike<number>,
  offset: number,
  runs: number,
  known: KnownDistanceSpell,
): { mean: number; se: number } | null {
  const s0 = known.state;
  const k = known.within20Miles ? 1 : 0;
  const p0 = probabilities[offset + s0];
  // The spell is part of state s0's occupancy: never more (the engine's estimate of p_s0 and the
  // exact spell probability may disagree by Monte Carlo noise).
  const spell = Math.max(0, Math.min(known.probability, p0));
  const s0HasShare = hasDistanceShare(model, s0);
  const w0 = s0HasShare ? 1 - model.over20MilesShare[s0] : 0;
  const components: Array<[mass: number, weight: number]> = [];
  for (let s = 0; s < model.nStates; s++) {
    if (s === s0) continue;
    if (hasDistanceShare(model, s)) components.push([probabilities[offset + s], 1 - model.over20MilesShare[s]]);
  }
  components.push([spell, k]);
  // The rest of s0 (a later placement of the same kind) carries the model's share, if it has one.
  if (s0HasShare) components.push([p0 - spell, w0]);
  let counted = 0;
  let within = 0;
  for (const [m, w] of components) {
    counted += m;
    within += m * w;
  }
  if (!(counted > 0)) return null;
  const share = within / counted;
  let spread = 0;
  for (const [m, w] of components) spread += m * (w - share) ** 2;
  return ratioEstimate(share, spread, runs, counted);
}
