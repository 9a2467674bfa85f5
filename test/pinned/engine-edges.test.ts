import t from 'tap';
import { PersonCursors, type PersonPlan, Simulator, keyedStreamUniform, parameterList } from '../../src/simulation/engine.ts';
import { metricLayout } from '../../src/simulation/layout.ts';
import { type SimulationModel, compileModel } from '../../src/simulation/model.ts';
import { StreamPurpose, Xoshiro128, mix32 } from '../../src/simulation/random.ts';
import { twoStateModel } from '../helpers/small-models.ts';

/**
 * src/simulation/engine.ts (issue 13, mutation testing): the kernel's small pure parts, with
 * values worked by hand. Each test names the mutants it kills; the survivors no input can tell
 * apart are in test/pinned/MUTATION-SURVIVORS.md. Fixtures are built inside the tests (a throw
 * at a file's top level is a Stryker runtime error, not a kill).
 */

/** FNV-1a, 32 bits, written out here as the reference (checked against its published vectors below). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

t.test('PersonCursors: begin makes room, resets what a start reads, and keeps the rest', async (t) => {
  // Kills: begin's body removed; `n > capacity` → true/false/>=/<=; each fill removed (lines
  // 199-203); grow's Math.max → Math.min and `* 1.25` → `/ 1.25`; `capacity * width` → `/`;
  // `a.set(old)` removed (int32 and uint8); `this.capacity = capacity` removed; the virtual
  // count lists' `[]` → ["Stryker was here"].
  const cursors = new PersonCursors();
  t.equal(cursors.capacity, 0);
  t.same([cursors.virtFy.length, cursors.virtAge.length], [0, 0], 'no virtual counts before any person');
  const watch = new Uint8Array([0, 1, 0]);
  cursors.begin(10, watch);
  t.equal(cursors.capacity, 10, 'max(10, ceil(0 × 1.25) = 0)');
  t.equal(cursors.pauseAt.length, 10);
  t.equal(cursors.saved.length, 10 * 32, 'SAVED_STRIDE int32 a person');
  t.equal(cursors.ivEnd.length, 10 * 32, 'IV_SLOTS a person');
  t.equal(cursors.ivDelivered.length, 10 * 32);
  t.equal(cursors.watch.length, 10);
  t.ok(cursors.watch.every((w) => w === watch), 'everyone watches the list given');
  t.same([...cursors.pauseAt], Array(10).fill(0x3fffffff), 'NO_EVENT: no pause planned');
  t.same([...cursors.deliverMask, ...cursors.started, ...cursors.finished], Array(30).fill(0));

  // A start's fields dirtied, then a smaller run: no growth, and every reset field is reset.
  cursors.pauseAt[2] = 5;
  cursors.deliverMask[2] = 3;
  cursors.started[2] = 1;
  cursors.finished[2] = 1;
  cursors.m[2] = 9;
  cursors.saved[2 * 32 + 5] = 4;
  cursors.ivDelivered[2 * 32 + 7] = 1;
  const other = new Uint8Array([1]);
  cursors.begin(3, other);
  t.equal(cursors.capacity, 10, 'a run of 3 fits in 10: no growth');
  t.equal(cursors.watch.length, 3);
  t.ok(cursors.watch.every((w) => w === other));
  t.same([cursors.pauseAt[2], cursors.deliverMask[2], cursors.started[2], cursors.finished[2]], [0x3fffffff, 0, 0, 0]);

  cursors.begin(10, other);
  t.equal(cursors.capacity, 10, 'a run of exactly the capacity fits');

  // 11 people: grows to max(11, ceil(10 × 1.25) = 13), keeping what was written.
  cursors.begin(11, watch);
  t.equal(cursors.capacity, 13);
  t.equal(cursors.m.length, 13);
  t.equal(cursors.offerDraw.length, 13);
  t.equal(cursors.saved.length, 13 * 32);
  t.equal(cursors.ivDelivered.length, 13 * 32);
  t.equal(cursors.m[2], 9, 'int32 columns keep their values on growing');
  t.equal(cursors.saved[2 * 32 + 5], 4, 'the saved block keeps its values');
  t.equal(cursors.ivDelivered[2 * 32 + 7], 1, 'uint8 columns keep their values (ivDelivered is not reset by begin)');

  // 14 people: max(14, ceil(13 × 1.25) = 17) = 17; 100: max(100, 22) = 100.
  cursors.begin(14, watch);
  t.equal(cursors.capacity, 17);
  cursors.begin(100, watch);
  t.equal(cursors.capacity, 100);
});

t.test('PersonCursors: the readers look in the person’s own block', async (t) => {
  // Kills atActualPrice, interventionDelivered and financialYear with their bodies removed,
  // `=== 1` → true/false/!==, `i * STRIDE + field` → `-` or `i / STRIDE` (lines 209-220).
  const cursors = new PersonCursors();
  cursors.begin(4, new Uint8Array(1));
  // Person 2: at the actual price (saved field virt = 12), financial year 3 (field fy = 5),
  // given slot bit 6. Person 1: year 1; decoys at the cells the mutants would read.
  cursors.saved[2 * 32 + 12] = 1;
  cursors.saved[2 * 32 + 5] = 3;
  cursors.saved[1 * 32 + 5] = 1;
  cursors.ivDelivered[2 * 32 + 6] = 1;
  cursors.saved[2 * 32 - 12] = 1; // i × 32 − virt
  cursors.saved[2 * 32 - 5] = 8; // i × 32 − fy
  cursors.ivDelivered[2 * 32 - 6] = 1; // i × 32 − bit
  t.same([0, 1, 2, 3].map((i) => cursors.atActualPrice(i)), [false, false, true, false]);
  t.same([0, 1, 2, 3].map((i) => cursors.financialYear(i)), [0, 1, 3, 0]);
  t.same([5, 6, 7].map((bit) => cursors.interventionDelivered(2, bit)), [false, true, false]);
  t.same([0, 1, 3].map((i) => cursors.interventionDelivered(i, 6)), [false, false, false]);
  // A stored value other than 1 is not "yes".
  cursors.saved[3 * 32 + 12] = 2;
  cursors.ivDelivered[3 * 32 + 6] = 2;
  t.equal(cursors.atActualPrice(3), false);
  t.equal(cursors.interventionDelivered(3, 6), false);
});

t.test('keyedStreamUniform draws from the stream keyed by the FNV-1a hash of the name', async (t) => {
  // Kills hashString: its body removed, the loop's `i < text.length` → false, `<=`, `>=`, and
  // its body removed (line 295): each changes the key, so the draw. A uniform on (0, 1) returns
  // the stream's first open double itself (quantile min + u (max − min)).
  t.equal(fnv1a(''), 0x811c9dc5, 'published vector: ""');
  t.equal(fnv1a('a'), 0xe40c292c, 'published vector: "a"');
  t.equal(fnv1a('foobar'), 0xbf9cf968, 'published vector: "foobar"');
  const unit = { type: 'uniform' as const, min: 0, max: 1 };
  for (const [seed, run, name] of [
    [7, 0, 'unit:a_cost'],
    [12345, 3, 'rate:leave'],
    [1, 1, 'x'],
  ] as const) {
    const expected = new Xoshiro128().reseed(seed, StreamPurpose.parameters, run, mix32(fnv1a(name))).nextOpenDouble();
    t.equal(keyedStreamUniform(seed, run, name, unit), expected, `${seed}/${run}/${name}`);
    // A uniform on (10, 30): 10 + 20u.
    t.equal(keyedStreamUniform(seed, run, name, { type: 'uniform', min: 10, max: 30 }), 10 + expected * 20);
  }
});

t.test('parameterList names every uncertain input in order, with its label and kind', async (t) => {
  // Kills the rate factor's name and label (line 330, `` and ""), and the effect label's fallback
  // `effect ${k + 1}` (line 327: `` and `k - 1`), which the compiled models never need (every
  // compiled effect has a label): a model object written by hand.
  const model = {
    unitCosts: [{ id: 'fee', label: 'Fee' }],
    eventCosts: [{ id: 'court', label: 'Court' }],
    interventions: [{ id: 'mst', label: 'MST', effects: [{ label: undefined }, { label: 'on custody' }, { label: undefined }] }],
    rateFactors: [{ id: 'leave', label: 'Leaving care' }],
  } as unknown as SimulationModel;
  t.same(parameterList(model), [
    { name: 'unit:fee', label: 'Fee', kind: 'unit_cost' },
    { name: 'event:court', label: 'Court', kind: 'event_cost' },
    { name: 'intervention:mst:one_off', label: 'MST: one-off cost', kind: 'intervention_cost' },
    { name: 'intervention:mst:per_week', label: 'MST: weekly cost', kind: 'intervention_cost' },
    { name: 'effect:mst:0', label: 'MST: effect 1', kind: 'effect' },
    { name: 'effect:mst:1', label: 'MST: on custody', kind: 'effect' },
    { name: 'effect:mst:2', label: 'MST: effect 3', kind: 'effect' },
    { name: 'factor:leave', label: 'Leaving care', kind: 'rate_factor' },
  ]);
});

t.test('a weekly price is held in 64ths of a penny a month', async (t) => {
  // Kills subPenny: its body removed (NaN), `round(p × 64) × 64`, `p / 64` (lines 288-289).
  // Two states with q = 0 and A at £1 a week: a person aged 10 in A for the 12 months from
  // April 2026. A standard month is 365/84 weeks: 100 × 365/84 = 434.5238… pence, held as
  // round(434.5238… × 64) / 64 = 27,810/64 = 434.53125 pence. Costs by year of age are at the
  // standard month: age 10 holds 12 × 434.53125 = 5,214.375 pence.
  const spec = twoStateModel(0, {
    unitCosts: [{ id: 'a_cost', label: 'A', states: ['a'], amount: 1, per: 'week', agency: 'childrens_social_care', source: 'test' }],
  });
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  const person: PersonPlan = { ageMonths: 120, startState: 0, key: 0, months: 12, moves: [], interventions: [], currentPlacementWeeklyPrice: null };
  const out = new Float64Array(layout.size);
  simulator.beginRun(1, 0);
  simulator.simulate(slot, person, out, 0);
  simulator.flush(slot, out, 0);
  t.equal(out[layout.costAge + 10], 5214.375);
  t.equal(out[layout.costAge + 9] + out[layout.costAge + 11], 0);
  t.equal(out[layout.monthsState + 0], 12);
});
