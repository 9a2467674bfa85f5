import t from 'tap';
import { OUTCOME_COUNT, Outcome, metricLayout, runTotal } from '../../src/simulation/layout.ts';
import { redirectMoves, scaleExits, settleStay } from '../../src/simulation/rows.ts';

/**
 * src/simulation/rows.ts and layout.ts by hand, pure and fast, so that every mutant of them (npm
 * run mutate) meets exact figures. Rows are chosen with entries that are sums of binary fractions
 * or compared within 1e-15. Equivalent survivors: test/pinned/MUTATION-SURVIVORS.md.
 */

const row = (...xs: number[]) => Float64Array.from(xs);
const near = (a: Float64Array, b: number[]) => a.length === b.length && b.every((x, i) => Math.abs(a[i] - x) <= 1e-15);

t.test('scaleExits: exits to the chosen states × k, never the row itself', async (t) => {
  const p = row(0.5, 0.25, 0.125, 0.125);
  scaleExits(p, 0, Uint8Array.from([1, 1, 0, 1]), 2);
  t.same([...p], [0.5, 0.5, 0.125, 0.25]);
  const q = row(0.25, 0.5, 0.25);
  scaleExits(q, 2, Uint8Array.from([1, 1, 1]), 0.5);
  t.same([...q], [0.125, 0.25, 0.25], 'the last state as the row');
});

t.test('settleStay: staying takes up the difference, or exits are scaled to 1', async (t) => {
  const p = row(0.5, 0.5, 0.125, 0.25);
  settleStay(p, 0);
  t.same([...p], [0.125, 0.5, 0.125, 0.25], 'stay = 1 − 0.875');
  const m = row(0.5, 0.5, 0.25);
  settleStay(m, 1);
  t.same([...m], [0.5, 0.25, 0.25], 'the row in the middle');
  const over = row(0.25, 0.75, 0.75);
  settleStay(over, 0);
  t.same([...over], [0, 0.5, 0.5], 'exits 1.5 scaled to 1, nobody stays');
  const last = row(1, 0.5, 0.5);
  settleStay(last, 2);
  t.ok(near(last, [2 / 3, 1 / 3, 0]), `the last state, exits 1.5: ${[...last]}`);
});

t.test('redirectMoves: a fraction of the moves into a full state go to its overflow', async (t) => {
  const p = row(0.5, 0.25, 0.25);
  redirectMoves(p, 0, 1, 2, 0.5);
  t.same([...p], [0.5, 0.125, 0.375]);
  const all = row(0.5, 0.25, 0.25);
  redirectMoves(all, 0, 1, 2, 3);
  t.same([...all], [0.5, 0, 0.5], 'a fraction above 1 moves all');
  for (const [s, fraction] of [
    [1, 0.5],
    [0, 0],
    [0, -1],
  ]) {
    const same = row(0.5, 0.25, 0.25);
    redirectMoves(same, s, 1, 2, fraction);
    t.same([...same], [0.5, 0.25, 0.25], `unchanged: row ${s}, fraction ${fraction}`);
  }
});

t.test('metric layout: blocks in order, sizes from the shape', async (t) => {
  t.same(Outcome, {
    persons: 0,
    monthsInCare: 1,
    monthsResidential: 2,
    placementMoves: 3,
    careEntries: 4,
    everInCare: 5,
    everCustody: 6,
    everHomeless: 7,
    monthsCustody: 8,
    monthsNeet19to21: 9,
    monthsCareLeaver19to21: 10,
    monthsAged19to21: 11,
    monthsProjected: 12,
  });
  t.equal(OUTCOME_COUNT, 13);
  const shape = { nFinancialYears: 2, nAgencies: 3, nStates: 4, nAgeYears: 5, nInterventions: 6 };
  const l = metricLayout(shape);
  // 2·3·2 = 12, then 5, 4, 6, 2·3 = 6, 2·4 = 8, 4, 6, 13.
  // No year outcomes block without withYearOutcomes (scenario cohorts ask for one): -1.
  t.same(l, { ...shape, costFyAgency: 0, costAge: 12, costState: 17, costIntervention: 21, interventionFyAgency: 27, endOfYearState: 33, monthsState: 41, delivered: 45, outcomes: 51, yearOutcomes: -1, size: 64 });
  // With the year outcomes block (scenario cohorts): 2 years × 3 slots after the outcomes, at 64.
  const withYears = metricLayout({ ...shape, withYearOutcomes: true });
  t.equal(withYears.yearOutcomes, 64);
  t.equal(withYears.size, 70);
  // runTotal sums the cost block [fy][agency][cashable]: v[i] = i gives 0 + … + 11 = 66; from base 64, 66 + 12·64.
  const v = Float64Array.from({ length: 128 }, (_, i) => i);
  t.equal(runTotal(l, v), 66);
  t.equal(runTotal(l, v, 64), 66 + 12 * 64);
  // metricLayout always puts the cost block first (offset 0); a layout with it elsewhere, e.g. at
  // 5, sums v[5..16] = 5 + … + 16 = 126 (and from base 64, 126 + 12·64).
  t.equal(runTotal({ ...l, costFyAgency: 5 }, v), 126);
  t.equal(runTotal({ ...l, costFyAgency: 5 }, v, 64), 126 + 12 * 64);
});
