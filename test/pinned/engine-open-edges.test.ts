import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { PersonCursors, type PersonPlan, Simulator } from '../../src/simulation/engine.ts';
import { Outcome, metricLayout } from '../../src/simulation/layout.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { StreamPurpose, Xoshiro128 } from '../../src/simulation/random.ts';
import { twoStateModel } from '../helpers/small-models.ts';
import { oneSlotSimulator, twoPlacementsModel } from './helpers.ts';

/**
 * src/simulation/engine.ts, lines 930-1456 (deliver, offer, simulate and its helpers): the
 * survivors that test/pinned/MUTATION-SURVIVORS.md left "not killed" (issue 13). Line numbers
 * below are those of the survivors list (measured 1 December) and, in brackets, of the source
 * now (lines moved down by 3 to 14 since).
 *
 * Tiny models, transitions of 0 or 1 (or of exactly one month's 32 random bits, recomputed from
 * random.ts's xoshiro128**), parameter uncertainty off, figures worked by hand. Every fixture is
 * built inside its test.
 */

const TWO_POW_32 = 4294967296;
const clock = { startYear: 2026, startMonth: 4 };
const person = (extra: Partial<PersonPlan> = {}): PersonPlan => ({ ageMonths: 120, startState: 0, key: 0, months: 12, moves: [], interventions: [], currentPlacementWeeklyPrice: null, ...extra });

/**
 * The 32-bit draws that decide a person's monthly transitions, month 0 first: the trajectory
 * stream keyed by (seed, run, key), after the two words of the offer draw (simulate draws that
 * double first, whether or not the slot has offers).
 */
function monthlyDraws(seed: number, run: number, key: number, n: number): number[] {
  const stream = new Xoshiro128().reseed(seed, StreamPurpose.trajectory, run, key);
  stream.nextDouble();
  return Array.from({ length: n }, () => stream.nextUint32());
}

/** Runs one person under a fresh simulator (one slot, run (1, 0)) and flushes. */
function runOne(spec: CostModelSpec, p: PersonPlan, nFinancialYears = 3, slot: Parameters<Simulator['addSlot']>[0] = { interventions: [], statePrices: [] }) {
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: model.interventions.length });
  const simulator = new Simulator(model, layout, clock, { parameterUncertainty: false });
  const index = simulator.addSlot(slot);
  simulator.beginRun(1, 0);
  const out = new Float64Array(layout.size);
  simulator.simulate(index, p, out, 0);
  simulator.flush(index, out, 0);
  return { out, layout };
}

/**
 * A fresh simulator over `spec` (two states, two financial years, one slot without plans) with
 * run (1, 0) begun, cursors begun for `n` people with no state watched, and an empty vector.
 */
function cursorRun(spec: CostModelSpec, n: number) {
  const { layout, simulator, slot } = oneSlotSimulator(spec, { nFinancialYears: 2, nStates: 2, nInterventions: 0 });
  simulator.beginRun(1, 0);
  const cursors = new PersonCursors();
  cursors.begin(n, Uint8Array.of(0, 0));
  return { layout, simulator, slot, cursors, out: new Float64Array(layout.size) };
}

t.test('an intervention is given at exactly its minimum age, not at exactly its maximum', async (t) => {
  // Kills 944:28 [947] `age < iv.minAgeMonths` → `<=` and 944:53 [947] `age >= iv.maxAgeMonths`
  // → `>`. "Help" (£1,000 once, health), eligible in A from 10 to 11 years (120 to 132 months),
  // planned at month 0. Two states with q = 0 (nobody moves).
  const spec = twoStateModel(0, {
    interventions: [{ id: 'help', label: 'Help', eligibility: { states: ['a'], minAgeYears: 10, maxAgeYears: 11 }, cost: { oneOff: 1000, durationMonths: 1, agency: 'health' }, effects: [], source: 'test' }],
  });
  const given = (ageMonths: number) => {
    const { out, layout } = runOne(spec, person({ ageMonths, interventions: [{ slotIndex: 0, startMonth: 0 }] }), 1, { interventions: [0], statePrices: [] });
    return [out[layout.delivered], out[layout.costIntervention]];
  };
  t.same(given(119), [0, 0], 'a month too young');
  t.same(given(120), [1, 100_000], 'at the minimum age: given');
  t.same(given(131), [1, 100_000], 'a month before the maximum: given');
  t.same(given(132), [0, 0], 'at the maximum age: not given');
});

t.test('weekly intervention costs past the layout’s last financial year are booked unscaled', async (t) => {
  // Kills 954:66 [957] `f < this.weekScale.length` → true or `<=` (the day-count factor of a
  // year past the layout is undefined: NaN). "Weekly" (£7 a week for 4 months, health) given at
  // month 10 (February 2027) of a layout of one financial year (2026-27): round(7 × 365/84 ×
  // 100) = round(3,041.67) = 3,042 pence a standard month; 2026-27 has 365 days (factor 1), so
  // 3,042 in February and March; April and May 2027 are past the layout: 3,042 each, in the
  // intervention's total and by year of age, not in any financial year.
  const spec = twoStateModel(0, {
    interventions: [{ id: 'weekly', label: 'Weekly', eligibility: { states: ['a'] }, cost: { perWeek: 7, durationMonths: 4, agency: 'health' }, effects: [], source: 'test' }],
  });
  const { out, layout } = runOne(spec, person({ ageMonths: 120, months: 24, interventions: [{ slotIndex: 0, startMonth: 10 }] }), 1, { interventions: [0], statePrices: [] });
  t.equal(out[layout.costIntervention], 4 * 3042, 'four months');
  // Ages 130-133 in months 10-13: 10 in February and March, 11 in April and May.
  t.same([out[layout.costAge + 10], out[layout.costAge + 11]], [12 * 10_000 + 2 * 3042, 12 * 10_000 + 2 * 3042], 'by year of age: twelve months in A at £100 each, and two months of help');
  t.equal(out[layout.costFyAgency + 2 * 2 + 1], 2 * 3042, '2026-27, health: February and March');
});

t.test('an intervention with no effect duration given by an offer switches no effect on', async (t) => {
  // Kills 959:12 [962] `iv.effectMonths > 0` → true or `>=`: the effect would be switched on
  // with its end at the month it starts, which no later plan event matches (nextPlanEvent looks
  // after that month), so it would never end. (Given at a plan event, planEvents ends it in the
  // same call: there the mutants are equivalent; so they are for an arrival by a planned move,
  // a plan event of the same month.) "Nothing" (effectDurationMonths 0; its effect A → B × 0)
  // is offered in A, with probability 1. A → B and C → A at once, B absorbing.
  const spec = twoStateModel(1, {
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true },
      { id: 'b', label: 'B', category: 'community', terminal: true },
      { id: 'c', label: 'C', category: 'edge_of_care' },
    ],
    transitions: { all: { a: { b: 1 }, b: { b: 1 }, c: { a: 1 } } },
    interventions: [{ id: 'nothing', label: 'Nothing', eligibility: { states: ['a'] }, cost: { oneOff: 10, durationMonths: 1, agency: 'health' }, effectDurationMonths: 0, effects: [{ from: ['a'], to: ['b'], multiplier: 0 }], source: 'test' }],
  } as Partial<CostModelSpec>);
  const slot = { interventions: [0], statePrices: [], offers: [{ bit: 0, probabilityByYear: Float64Array.of(1), firstMonth: 0, eligible: Uint8Array.of(1, 0, 0), minAgeMonths: 0, maxAgeMonths: 1000 }] };
  const months = (p: PersonPlan) => {
    const { out, layout } = runOne(spec, p, 3, slot);
    return [out[layout.monthsState], out[layout.monthsState + 1], out[layout.monthsState + 2], out[layout.delivered]];
  };
  // Starting in C: arrives in A at month 1 (a drawn move, no plan event), given it, leaves A out
  // of month 1: C 0, A 1, B 2-29. With the effect on for ever: A 1-29.
  t.same(months(person({ startState: 2, months: 30 })), [1, 28, 1, 1], 'arriving in A');
  // A new entrant in A at month 5, offered on entry: A 5, B 6-29 (with the effect: A 5-29).
  t.same(months(person({ offset: 5, months: 30 })), [1, 24, 0, 1], 'entering in A');
});

t.test('with cursors: a person past the horizon is finished; a person is started in the state the places engine chose', async (t) => {
  // Kills 994:11 [997] `cursors !== null` → false (a person not simulated must still be marked
  // finished, or the places engine waits on them for ever) and 1070:13, 1070:33 [1073] `cursors
  // !== null && !resuming` → false, `!resuming` → false or `resuming` (the start state the
  // places engine set, cursors.s, replaced by the planned one). Two states, q = 0.
  const { layout, simulator, slot, cursors, out } = cursorRun(twoStateModel(0), 2);
  // 300 months (25 years, the horizon) entering at month 5: nothing to simulate.
  simulator.simulate(slot, person({ ageMonths: 300, offset: 5 }), out, 0, cursors, 0);
  t.equal(cursors.finished[0], 1, 'past the horizon: finished');
  t.ok(out.every((v) => v === 0), 'and nothing counted');
  // Planned in A; the places engine starts them in B (no place in A): 12 months in B.
  cursors.s[1] = 1;
  simulator.simulate(slot, person({ key: 1 }), out, 0, cursors, 1);
  simulator.flush(slot, out, 0);
  t.same([cursors.finished[1], cursors.s[1]], [1, 1]);
  t.same([out[layout.monthsState], out[layout.monthsState + 1]], [0, 12], 'twelve months in B');
});

t.test('a paused person is resumed with their cost segment, first age year, planned state and placements', async (t) => {
  // Kills the fields of a paused person written or read back at the wrong place (person 0:
  // `savedAt − field` reads entry −field, undefined, and the write is lost):
  //   1154:15 [1162] `seg = v[savedAt − Saved.seg]` (the months at the actual price after the
  //     pause counted nowhere),
  //   1306:11 [1314] `v[savedAt − Saved.seg] = seg` (resumed in segment 0, whose fee is £100,
  //     not £300),
  //   1159:24 [1167] `firstAgeYear` (the actual price not booked by year of age),
  //   1167:24 [1175] `plannedState` (a planned move with fromStates null no longer applies),
  //   1169:30 [1177] `placementsThisYear` (NaN in March: not counted for stability).
  // A and B placements in care, identity rows. A's fee: £100 a month under 11, £300 from 11 (two
  // cost segments). Someone 11 y 6 m (138 months) in A at an actual £700 a week, from April
  // 2026 for 24 months; planned moves to B at month 8 and back to A at month 10 (fromStates
  // null: each applies while still in the planned state); paused at month 3 and resumed.
  // A months 0-7 (at the actual price) and 10-23: 22; B months 8-9: 2. Placements in 2026-27:
  // A, B, A: three, in care on 31 March 2027 (month 11): stability 1 in 2026-27.
  // The actual price per standard month: 700 × 365/84 × 100 = 304,166.67 pence, in 64ths of a
  // penny 304,166.671875 (2026-27 has 365 days: factor 1); less the fee (£300): 274,166.671875 a
  // month at the actual price, 8 months: 2,193,333.375. By age: 11 in months 0-5 (A, actual
  // price), 12 in 6-17 (A at the actual price 6-7, B 8-9, A 10-17), 13 in 18-23.
  const spec = twoPlacementsModel([
    { id: 'young', label: 'A under 11', states: ['a'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true, maxAgeYears: 11 },
    { id: 'old', label: 'A from 11', states: ['a'], amount: 300, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true, minAgeYears: 11 },
  ]);
  const { layout, simulator, slot, cursors, out } = cursorRun(spec, 1);
  // Read by simulate only (placement counts on 31 March), so set after the run has begun.
  const stability = new Float64Array(2);
  simulator.stabilityOut = stability;
  const p = person({ ageMonths: 138, months: 24, currentPlacementWeeklyPrice: 700, moves: [{ month: 8, to: 1, fromStates: null }, { month: 10, to: 0, fromStates: null }] });
  cursors.s[0] = 0;
  cursors.pauseAt[0] = 3;
  simulator.simulate(slot, p, out, 0, cursors, 0);
  t.same([cursors.finished[0], cursors.m[0], cursors.atActualPrice(0)], [0, 3, true], 'paused at month 3 at the actual price');
  simulator.simulate(slot, p, out, 0, cursors, 0);
  simulator.flush(slot, out, 0);
  t.equal(cursors.finished[0], 1);
  const perMonth = 304_166.671875 - 30_000;
  t.same([out[layout.monthsState], out[layout.monthsState + 1]], [22, 2], 'months in A and B');
  t.equal(out[layout.costState], 22 * 30_000 + 8 * perMonth, 'A: 22 months at £300, 8 of them at the actual price instead');
  t.same([out[layout.costAge + 11], out[layout.costAge + 12], out[layout.costAge + 13]], [6 * (30_000 + perMonth), 2 * (30_000 + perMonth) + 8 * 30_000, 6 * 30_000], 'by year of age');
  t.same([...stability], [1, 0], 'three placements in 2026-27');
  t.equal(out[layout.outcomes + Outcome.placementMoves], 2, 'A → B, B → A');
});

t.test('the quiet months skipped at once stop before a pause month that another bound also reaches', async (t) => {
  // Kills 1237:15 [1245] `pauseAt + 1 < limit` → `pauseAt − 1 < limit`: with the birthday at
  // month 6 and a pause at 6, the run of quiet months from month 0 must stop at month 5; the
  // mutant runs it to month 6, across the birthday, so the age year never moves on at 11.
  // Two states, q = 0; A £100 a month. Someone 10 y 6 m (126 months) in A for 24 months from
  // April 2026, paused at month 6 and resumed: age 10 in months 0-5, 11 in 6-17, 12 in 18-23.
  const { layout, simulator, slot, cursors, out } = cursorRun(twoStateModel(0), 1);
  cursors.s[0] = 0;
  cursors.pauseAt[0] = 6;
  const p = person({ ageMonths: 126, months: 24 });
  simulator.simulate(slot, p, out, 0, cursors, 0);
  t.same([cursors.finished[0], cursors.m[0], cursors.ageMonths[0]], [0, 6, 132], 'paused at month 6, aged 11');
  simulator.simulate(slot, p, out, 0, cursors, 0);
  simulator.flush(slot, out, 0);
  t.same([out[layout.costAge + 10], out[layout.costAge + 11], out[layout.costAge + 12]], [60_000, 120_000, 60_000]);
});

t.test('a draw equal to a threshold is above it: moves, rules, quiet months, moves within the placement', async (t) => {
  // Rows are thresholds on a month's 32 random bits r: r >= threshold leaves the entry (u >= c,
  // see cumulate). Each fixture here sets a probability to exactly one month's r / 2^32, so
  // the threshold is r itself. Person key 0, seed 1, run 0; 24 months from April 2026 at 10
  // years (no birthday, April or rule bound before month 12 but where stated).
  const [d1, d2] = monthlyDraws(1, 0, 0, 2);
  t.ok(d1 > 0 && d1 < d2, `the first two draws ${d1} < ${d2}`);
  // Months in A, and placement moves (A → B is none: B is not a placement).
  const inA = (spec: CostModelSpec, extra: Partial<PersonPlan> = {}) => {
    const { out, layout } = runOne(spec, person({ months: 24, ...extra }));
    return [out[layout.monthsState], out[layout.outcomes + Outcome.placementMoves]];
  };
  const leaving = (stay: number) => twoStateModel(0, { transitions: { all: { a: { a: stay, b: 1 - stay }, b: { b: 1 } } } });
  // P(stay in A) = d1 / 2^32: month 0's draw equals the stay threshold, so A → B at once: A
  // month 0 only. Kills 1227:13 [1235] `result < stay` → `<=` (month 0 taken as quiet: A for at
  // least months 0-1) and 1274:16 [1282] `result >= rowThresholds[k]` → `>` (stays).
  t.same(inA(leaving(d1 / TWO_POW_32)), [1, 0], 'the first draw equals the stay threshold');
  // P(stay) = d2 / 2^32: month 0 is quiet (d1 below it) and starts a run of quiet months, which
  // month 1's draw (equal) ends: A months 0-1. Kills 1250:17 [1258] `result >= stay` → `>` (the
  // run goes on) and 1274:16 [1282] again.
  t.same(inA(leaving(d2 / TWO_POW_32)), [2, 0], 'the second draw equals the stay threshold');
  // A birthday rule at 11 from A: stay d1 / 2^32, else B. Someone 10 y 11 m: the rule decides
  // month 0's transition, whose draw equals its threshold: A → B. Kills 1218:16 [1226]
  // `result >= ageRuleThresholds[k]` → `>` (stays in A, then for good: identity rows).
  const rule = twoStateModel(0, { ageTransitions: [{ atAgeYears: 11, from: ['a'], to: { a: d1 / TWO_POW_32, b: 1 - d1 / TWO_POW_32 } }] } as Partial<CostModelSpec>);
  t.same(inA(rule, { ageMonths: 131 }), [1, 0], 'the rule’s threshold');
  // A (a placement) with identity rows and a within-placement move rate of d1 / 2^32: the
  // within threshold is ceil(1 × rate × 2^32) = d1, so month 0 is no move within A. Two months
  // (the quiet run is bounded by the last month at once). Kills 1277:35 [1285] `result <
  // within` → `<=` (a placement move counted).
  const within = twoStateModel(0, {
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true, withinStatePlacementMoves: d1 / TWO_POW_32 },
      { id: 'b', label: 'B', category: 'community', terminal: true },
    ],
  } as Partial<CostModelSpec>);
  t.same(inA(within, { months: 2 }), [2, 0], 'the within-placement threshold');
  // And one draw below it (rate (d1 + 1) / 2^32): a move within A.
  const below = twoStateModel(0, {
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true, withinStatePlacementMoves: (d1 + 1) / TWO_POW_32 },
      { id: 'b', label: 'B', category: 'community', terminal: true },
    ],
  } as Partial<CostModelSpec>);
  t.same(inA(below, { months: 2 }), [2, 1], 'a draw just below the within-placement threshold');
});

t.test('today’s placement at its actual price held to the end is booked in every year and age', async (t) => {
  // Kills 1404:11 [1418] `if (virt)` → false and 1404:17 its block `{}`: someone still in
  // today's placement at the end must have the actual price booked up to their last year and
  // age, not only the first. Two states, q = 0; A's fee £100 a month; 10 years old in A at an
  // actual £700 a week for 24 months from April 2026. Per standard month 700 × 365/84 × 100 =
  // 304,166.67 pence; 2026-27 (365 days, factor 1): 304,166.671875 in 64ths; 2027-28 (366
  // days, factor 366/365): 305,000. Less the £100 fee, 12 months each.
  const { out, layout } = runOne(twoStateModel(0), person({ months: 24, currentPlacementWeeklyPrice: 700 }), 2);
  const y0 = 12 * (304_166.671875 - 10_000);
  const y1 = 12 * (305_000 - 10_000);
  t.same([out[layout.costFyAgency + 1], out[layout.costFyAgency + 12 + 1]], [120_000 + y0, 120_000 + y1], 'by financial year (children’s social care, cashable)');
  // By age (10 in 2026-27, 11 in 2027-28) at the standard month: 12 × 304,166.671875 each.
  t.same([out[layout.costAge + 10], out[layout.costAge + 11]], [12 * 304_166.671875, 12 * 304_166.671875], 'by year of age');
});
