import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { Chain, simulateCounts } from '../../src/calibration/backtest.ts';
import { monthIndex } from '../../src/calibration/dates.ts';
import { syntheticModel } from '../../src/calibration/synthetic-authority.ts';
import { sampleGamma } from '../../src/simulation/distributions.ts';
import { StreamPurpose, Xoshiro128 } from '../../src/simulation/random.ts';
import { samplePoisson } from '../../src/simulation/scenario.ts';

/**
 * The backtest's simulated counts (simulateCounts, src/calibration/backtest.ts) on a chain where
 * nothing moves but an 18th-birthday rule, so every draw's count is known from its uniforms alone:
 * which state an unknown kind of placement starts in, and whether an entrant of 17 turns 18
 * within the year. The uniforms are re-read from the documented streams (trajectory, entrants),
 * keyed by (seed, draw); the counts are then worked by hand from them. Kills the survivors of
 * lines 500-502 and 519 listed in MUTATION-SURVIVORS.md ("Lines 1-181 and 460-527").
 */

const F = 0; // inhouse_foster: fostering
const R = 1; // residential: residential
// care_leaver (index 2) is not counted.

function stillChain(): Chain {
  const spec = structuredClone(syntheticModel());
  spec.states = [
    { id: 'inhouse_foster', label: 'In-house foster', category: 'looked_after' },
    { id: 'residential', label: 'Residential', category: 'looked_after' },
    { id: 'care_leaver', label: 'Care leaver', category: 'care_leaver' },
  ] as CostModelSpec['states'];
  spec.ageBands = [
    { id: 'young', fromYears: 0, toYears: 18 },
    { id: 'adult', fromYears: 18, toYears: 25 },
  ] as CostModelSpec['ageBands'];
  // No rows: a month with no rule keeps the state (DrawnChain.step).
  spec.transitions = {};
  spec.ageTransitions = [{ atAgeYears: 18, from: ['inhouse_foster'], to: { care_leaver: 1 } }] as CostModelSpec['ageTransitions'];
  delete spec.rateUncertainty;
  return new Chain(spec);
}

const counted = new Set(['inhouse_foster', 'residential']);
const startMonth = monthIndex(2023, 4); // April 2023, a return year's first month
const endMonth = startMonth + 12;

t.test('a foster placement of unknown kind starts by one uniform against its weights; the last state takes what they leave over', async (t) => {
  // Weights 0.2 and 0.3 leave 0.5 over (as rounding can leave a sliver): u < 0.2 → fostering,
  // 0.2 ≤ u < 0.5 → residential by its weight, u ≥ 0.5 → residential as the last state. Kills
  // `u -= weights[i]` → `+=` (never below 0: always the last), the default `states[length − 1]`
  // → `states[0]` (u ≥ 0.5 would foster) or `+ 1` (no state), and the loop's `break` removed
  // (a later weight would overwrite the first match).
  const seed = 7;
  const draws = 64;
  const person = { birthMonth: startMonth - 12 * 10, states: [F, R], weights: [0.2, 0.3] };
  const { total, groups } = simulateCounts(stillChain(), [person], [], { shape: 0, scale: 0 }, startMonth, endMonth, counted, draws, seed);
  const branches = { fostered: 0, byWeight: 0, leftOver: 0 };
  for (let d = 0; d < draws; d++) {
    const u = new Xoshiro128().reseed(seed, StreamPurpose.trajectory, d).nextDouble();
    const fostered = u < 0.2;
    if (fostered) branches.fostered++;
    else if (u < 0.5) branches.byWeight++;
    else branches.leftOver++;
    t.equal(total[d], 1, `draw ${d}: one child in care`);
    t.equal(groups.fostering[d], fostered ? 1 : 0, `draw ${d}: u = ${u.toFixed(4)} fostering`);
    t.equal(groups.residential[d], fostered ? 0 : 1, `draw ${d}: residential`);
    t.equal(groups.supported[d] + groups.other[d], 0, `draw ${d}: no other group`);
  }
  t.ok(branches.fostered > 0 && branches.byWeight > 0 && branches.leftOver > 0, `every branch met: ${JSON.stringify(branches)}`);
});

t.test('an entrant of 17 turns 18 within the year exactly when its entry-month draw is below its birth-month draw', async (t) => {
  // Entry month m = start + 1 + j, birth month m − 1 − (12·17 + k), j and k = ⌊12u⌋ of the
  // entrant's two uniforms; the 18th birthday is then month start + 12 + j − k, inside the year's
  // steps (m … start + 11) exactly when j < k. On it the rule moves a foster child to care leaver
  // (not counted). So each draw counts, in fostering, its entrants with j ≥ k. Kills line 519's
  // `entryMonth − 1` → `+ 1`, `+ ⌊…⌋` → `− ⌊…⌋`, `12 × ageYears` → `12 / ageYears`, and line
  // 518's `start + 1 + ⌊12u⌋` (each moves the birthday against the steps for some j, k).
  const seed = 11;
  const draws = 40;
  const entryRate = { shape: 50, scale: 0.2 }; // about 10 entrants a year
  const cells = [{ ageYears: 17, state: F, count: 3 }];
  const { total, groups } = simulateCounts(stillChain(), [], cells, entryRate, startMonth, endMonth, counted, draws, seed);
  let turned = 0;
  let stayed = 0;
  for (let d = 0; d < draws; d++) {
    // The entrants stream, in the order the backtest's module comment gives: the year's rate, the
    // split's Gamma draw (one cell, so its share is exactly 1), the Poisson count, then per entrant
    // its entry month and its month of birth within the year of age.
    const entrants = new Xoshiro128().reseed(seed, StreamPurpose.entrants, d);
    const yearRate = sampleGamma(entryRate.shape, entrants) * entryRate.scale;
    const split = sampleGamma(cells[0].count, entrants);
    const n = samplePoisson((yearRate * split) / split, entrants);
    let fostered = 0;
    for (let e = 0; e < n; e++) {
      const j = Math.floor(entrants.nextDouble() * 12);
      const k = Math.floor(entrants.nextDouble() * 12);
      if (j >= k) fostered++;
    }
    turned += n - fostered;
    stayed += fostered;
    t.equal(groups.fostering[d], fostered, `draw ${d}: ${fostered} of ${n} entrants still fostered`);
    t.equal(total[d], fostered, `draw ${d}: care leavers not counted`);
    t.equal(groups.residential[d], 0);
  }
  t.ok(turned > 20 && stayed > 20, `both outcomes met often: ${turned} turned 18, ${stayed} did not`);
});

t.test('no entry cells, or a rate of shape 0: no entrant, and the stream is not read', async (t) => {
  // With a start child in a fixed state, the counts are 1 in every draw whatever the entrants;
  // a cell with shape 0 would otherwise draw Gamma(0) = 0 entrants too, so this pins only that
  // nothing breaks: the guard's mutants are equivalent (MUTATION-SURVIVORS.md).
  const person = { birthMonth: startMonth - 12 * 10, states: [R], weights: [1] };
  for (const [cells, rate] of [
    [[], { shape: 50, scale: 0.2 }],
    [[{ ageYears: 10, state: R, count: 2 }], { shape: 0, scale: 0 }],
  ] as const) {
    const { total, groups } = simulateCounts(stillChain(), [person], [...cells], rate, startMonth, endMonth, counted, 5, 3);
    t.same([...total], [1, 1, 1, 1, 1]);
    t.same([...groups.residential], [1, 1, 1, 1, 1]);
  }
});
