import t from 'tap';
import type { SimulationModel } from '../../src/simulation/model.ts';
import {
  hasDistanceShare,
  modelHasDistanceShares,
  personEetShare,
  personShareWithin20Miles,
  personShareWithin20MilesKnown,
  personSubsetShare,
  tallyDistance,
} from '../../src/simulation/projected-outcomes.ts';

/**
 * src/simulation/projected-outcomes.ts (issue 13, mutation testing): the ratio estimates of the
 * projected outcomes, worked by hand on four states. Each test names what it pins; survivors no
 * input can tell apart are in test/pinned/MUTATION-SURVIVORS.md.
 *
 * States: 0 in care, 25% placed over 20 miles; 1 in care, no share, a care leaver; 2 not in
 * care (its 50% share is not counted), a care leaver, NEET; 3 in care, 50% over 20 miles.
 * Probabilities are read from offset 1 of [9, 0.2, 0.3, 0.4, 0.1] (the 9 is never read).
 */

function model(share0 = 0.25): SimulationModel {
  return {
    nStates: 4,
    over20MilesShare: Float64Array.from([share0, Number.NaN, 0.5, 0.5]),
    flags: {
      inCare: Uint8Array.from([1, 1, 0, 1]),
      careLeaver: Uint8Array.from([0, 1, 1, 0]),
      neet: Uint8Array.from([0, 0, 1, 0]),
      eet: Uint8Array.from([0, 1, 0, 0]),
      residential: new Uint8Array(4),
      custody: new Uint8Array(4),
      homeless: new Uint8Array(4),
    },
  } as unknown as SimulationModel;
}

const probabilities = [9, 0.2, 0.3, 0.4, 0.1];
const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

t.test('which states carry a distance share', async (t) => {
  const m = model();
  t.same([0, 1, 2, 3].map((s) => hasDistanceShare(m, s)), [true, false, false, true]);
  t.equal(modelHasDistanceShares(m), true);
  const none = model(Number.NaN);
  none.over20MilesShare[3] = Number.NaN;
  t.equal(modelHasDistanceShares(none), false);
  const last = model(Number.NaN);
  t.equal(modelHasDistanceShares(last), true, 'found in the last state');
});

t.test('tallyDistance and the share within 20 miles', async (t) => {
  const m = model();
  // Counted: states 0 and 3, 0.2 + 0.1 = 0.3; within 0.2 × 0.75 + 0.1 × 0.5 = 0.2.
  const tally = tallyDistance(m, probabilities, 1);
  t.ok(close(tally.counted, 0.3) && close(tally.within, 0.2), JSON.stringify(tally));
  t.same(tallyDistance(m, [0.5, 0, 0, 0.5]), { counted: 1, within: 0.625 }, 'offset 0 by default');
  // Share 2/3; spread 0.2 (0.75 − 2/3)² + 0.1 (0.5 − 2/3)² = 1/240; se √(1/240 / 10) / 0.3.
  const share = personShareWithin20Miles(m, probabilities, 1, 10);
  t.ok(share && close(share.mean, 2 / 3), `mean ${share?.mean}`);
  t.ok(share && close(share.se, Math.sqrt(1 / 240 / 10) / 0.3), `se ${share?.se}`);
  t.equal(personShareWithin20Miles(m, [0, 0.5, 0.5, 0], 0, 10), null, 'nobody in a state with a share');
  // A share above 1 is held at 1 (a model giving a negative share over 20 miles).
  const odd = model(-1);
  const held = personShareWithin20Miles(odd, [1, 0, 0, 0], 0, 4);
  t.same(held, { mean: 1, se: 0 });
});

t.test('the EET share of care leavers and a subset share', async (t) => {
  const m = model();
  // Leavers: states 1 and 2, 0.7; EET: state 1, 0.3. Share 3/7; spread 0.3 (4/7)² + 0.4 (3/7)² = 8.4/49.
  const eet = personEetShare(m, probabilities, 1, 5);
  t.ok(eet && close(eet.mean, 3 / 7), `mean ${eet?.mean}`);
  t.ok(eet && close(eet.se, Math.sqrt(8.4 / 49 / 5) / 0.7), `se ${eet?.se}`);
  t.equal(personEetShare(m, [0.5, 0, 0, 0.5], 0, 5), null, 'no care leavers');
  // State 3 as custody: counted only with custodyCounts (a care leaver in custody), never in EET.
  // Leavers 0.3 + 0.4 + 0.1 = 0.8, EET 0.3: share 3/8; spread 0.3 (5/8)² + 0.5 (3/8)² = 0.1875.
  const custody = { ...m, flags: { ...m.flags, custody: Uint8Array.from([0, 0, 0, 1]) } } as SimulationModel;
  const withCustody = personEetShare(custody, probabilities, 1, 5, true);
  t.ok(withCustody && close(withCustody.mean, 3 / 8) && close(withCustody.se, Math.sqrt(0.1875 / 5) / 0.8), JSON.stringify(withCustody));
  t.ok(close(personEetShare(custody, probabilities, 1, 5)?.mean ?? Number.NaN, 3 / 7), 'custody left out without custodyCounts');
  t.same(personEetShare(custody, [0.5, 0, 0, 0.5], 0, 5, true), { mean: 0, se: 0 }, 'only a care leaver in custody (0.5): counted, not in EET');
  // 0.2 of 0.5: share 0.4; spread 0.2 × 0.36 + 0.3 × 0.16 = 0.12; se √(0.12 / 4) / 0.5.
  const subset = personSubsetShare(0.2, 0.5, 4);
  t.ok(subset && close(subset.mean, 0.4) && close(subset.se, Math.sqrt(0.03) / 0.5), JSON.stringify(subset));
  t.equal(personSubsetShare(0, 0, 4), null);
  t.equal(personSubsetShare(0.1, Number.NaN, 4), null);
  t.same(personSubsetShare(0.5, 0.5, 4), { mean: 1, se: 0 });
});

t.test('the share within 20 miles with a known placement distance', async (t) => {
  const m = model();
  // Known: state 0, within 20 miles, still there with 0.15 (of p0 = 0.2). Components: state 3
  // (0.1, 0.5), the spell (0.15, 1), the rest of state 0 (0.05, 0.75). Counted 0.3; within
  // 0.05 + 0.15 + 0.0375 = 0.2375.
  const a = personShareWithin20MilesKnown(m, probabilities, 1, 10, { state: 0, within20Miles: true, probability: 0.15 });
  const s = 0.2375 / 0.3;
  const spread = 0.1 * (0.5 - s) ** 2 + 0.15 * (1 - s) ** 2 + 0.05 * (0.75 - s) ** 2;
  t.ok(a && close(a.mean, s), `mean ${a?.mean}`);
  t.ok(a && close(a.se, Math.sqrt(spread / 10) / 0.3), `se ${a?.se}`);
  // Over 20 miles: the spell weighs 0. Within 0.05 + 0.0375 = 0.0875.
  const b = personShareWithin20MilesKnown(m, probabilities, 1, 10, { state: 0, within20Miles: false, probability: 0.15 });
  t.ok(b && close(b.mean, 0.0875 / 0.3), `mean ${b?.mean}`);
  // Known in state 1 (no share): the spell is held to p1 = 0.3; states 0 and 3 keep theirs.
  // Counted 0.2 + 0.1 + 0.3 = 0.6, within 0.15 + 0.05 + 0 = 0.2.
  const c = personShareWithin20MilesKnown(m, probabilities, 1, 10, { state: 1, within20Miles: false, probability: 0.5 });
  const sc = 0.2 / 0.6;
  const spreadC = 0.2 * (0.75 - sc) ** 2 + 0.1 * (0.5 - sc) ** 2 + 0.3 * (0 - sc) ** 2;
  t.ok(c && close(c.mean, sc) && close(c.se, Math.sqrt(spreadC / 10) / 0.6), JSON.stringify(c));
  // A negative spell probability counts as 0: state 0 wholly at the model's share.
  const d = personShareWithin20MilesKnown(m, probabilities, 1, 10, { state: 0, within20Miles: true, probability: -1 });
  t.ok(d && close(d.mean, 2 / 3), `mean ${d?.mean}`);
  t.equal(personShareWithin20MilesKnown(m, [0, 0, 0, 0], 0, 10, { state: 0, within20Miles: true, probability: 0 }), null, 'nothing counted');
  t.equal(personShareWithin20MilesKnown(m, [0, 0.5, 0, 0], 0, 10, { state: 1, within20Miles: true, probability: 0 }), null, 'a spell of 0 in a state without a share');
});
