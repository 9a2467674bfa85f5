import t from 'tap';
import { PersonCursors, type PersonPlan, type PlanSlot, Simulator, cumulate, gammaShapes, keyedStreamUniform, parameterList, samePrices, sameRows } from '../../src/simulation/engine.ts';
import { metricLayout, runTotal } from '../../src/simulation/layout.ts';
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
  // Array.from, not every(): every() skips the holes an unfilled array would have.
  t.ok(Array.from(cursors.watch, (w) => w === watch).every(Boolean), 'everyone watches the list given');
  t.same([...cursors.pauseAt], Array(10).fill(0x3fffffff), 'NO_EVENT: no pause planned');
  t.same([...cursors.deliverMask, ...cursors.started, ...cursors.finished], Array(30).fill(0));

  // A start's fields dirtied, then a smaller run: no growth, and every reset field is reset.
  cursors.pauseAt[2] = 5;
  cursors.deliverMask[2] = 3;
  cursors.started[2] = 1;
  cursors.finished[2] = 1;
  cursors.m[2] = 9;
  cursors.offerDraw[2] = 0.25;
  cursors.saved[2 * 32 + 5] = 4;
  cursors.ivDelivered[2 * 32 + 7] = 1;
  const other = new Uint8Array([1]);
  cursors.begin(3, other);
  t.equal(cursors.capacity, 10, 'a run of 3 fits in 10: no growth');
  t.equal(cursors.watch.length, 3);
  t.ok(Array.from(cursors.watch, (w) => w === other).every(Boolean));
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
  t.equal(cursors.offerDraw[2], 0.25, 'the offers’ draws are kept too');
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
  cursors.saved[1 * 32 - 12] = 1; // person 1's i × 32 − virt
  cursors.saved[2 * 32 - 5] = 8; // i × 32 − fy
  cursors.ivDelivered[1 * 32 - 6] = 1; // person 1's i × 32 − bit
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
  // standard month: age 10 holds 12 × 434.53125 = 5,214.375 pence. By financial year the weekly
  // price is scaled to the year's days: 2026-27 has 365 (12 × 434.53125 = 5,214.375 again);
  // 2027-28 has 366 (February 2028): 100 × 366/84 = 435.714… a month, held as 27,886/64 =
  // 435.71875; 12 months: 5,228.625 (`× scale` → `/ scale` gives 433.34…).
  const spec = twoStateModel(0, {
    unitCosts: [{ id: 'a_cost', label: 'A', states: ['a'], amount: 1, per: 'week', agency: 'childrens_social_care', source: 'test' }],
  });
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  const person: PersonPlan = { ageMonths: 120, startState: 0, key: 0, months: 24, moves: [], interventions: [], currentPlacementWeeklyPrice: null };
  const out = new Float64Array(layout.size);
  simulator.beginRun(1, 0);
  simulator.simulate(slot, person, out, 0);
  simulator.flush(slot, out, 0);
  t.equal(out[layout.costAge + 10], 5214.375);
  t.equal(out[layout.costAge + 11], 5214.375);
  t.equal(out[layout.costAge + 9] + out[layout.costAge + 12], 0);
  t.equal(out[layout.monthsState + 0], 24);
  t.same([out[layout.costFyAgency + 1], out[layout.costFyAgency + 12 + 1]], [5214.375, 5228.625], 'children’s social care, cashable, by financial year');
  t.equal(out[layout.costState], 5214.375 + 5228.625);
});

/** One run of `people` under `slot`: the run's vector and its total in pence (layout.ts runTotal). */
function runOnce(spec: ReturnType<typeof twoStateModel>, slot: PlanSlot, people: PersonPlan[], uncertain: boolean) {
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 3, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: model.interventions.length });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: uncertain });
  const index = simulator.addSlot(slot);
  const out = new Float64Array(layout.size);
  simulator.beginRun(1, 0);
  for (const person of people) simulator.simulate(index, person, out, 0);
  simulator.flush(index, out, 0);
  return runTotal(layout, out);
}

const plainPerson = (extra: Partial<PersonPlan> = {}): PersonPlan => ({ ageMonths: 120, startState: 0, key: 0, months: 12, moves: [], interventions: [], currentPlacementWeeklyPrice: null, ...extra });

t.test('each parameter takes its own distribution (unit, event, intervention, effect, rate factor)', async (t) => {
  // Kills parameterDistributions' pushes removed (lines 351-357, and the interventions' block
  // `{}`): each shortens or shifts the list, so a unit or event cost takes another's value, or
  // the rate factor (last) falls off the end and is 0. Two states, q = 1, at the means: the
  // factor A → B is 1, so the person is in A for month 0 only (£100) and leaves for B at once
  // (the event, £7): 10,700 pence. Shifted, A costs £7 or the event £1,000, or a factor of 0
  // keeps them in A for all 12 months.
  const spec = twoStateModel(1, {
    eventCosts: [{ id: 'leave', label: 'Leaving', from: ['a'], to: ['b'], amount: 7, agency: 'childrens_social_care', source: 'test' }],
    interventions: [
      {
        id: 'iv',
        label: 'Support',
        eligibility: { states: ['a'] },
        cost: { oneOff: 1000, durationMonths: 1, agency: 'health' },
        effects: [{ from: ['a'], to: ['b'], multiplier: 0.5 }],
        source: 'test',
      },
    ],
    rateFactors: [{ id: 'f', label: 'Leaving care', from: ['a'], to: ['b'], multiplier: 1 }],
  });
  t.equal(runOnce(spec, { interventions: [], statePrices: [] }, [plainPerson()], false), 10_700);
});

t.test('period rate adjustments land in their own period and place, at their means', async (t) => {
  // Kills slotRates' period and index lists (`() => undefined`: every adjustment read as period
  // 0 or place 0, lines 337-338) and the means (`() => undefined`, `Math.max(0, …)` → `Math.min`,
  // line 344). Two states, q = 1, no uncertainty; the person enters in April 2027 (month 12).
  // 2026-27: nothing. 2027-28: A → B × 0 ("hold") and B → A × 1 (B is terminal: no effect).
  // 2028-29: A → B × 1 ("go"). Held in A from month 12 through month 24, whose transition (in
  // 2028-29) leaves at once: 13 months at £100 = 130,000 pence. Read as period 0 (which has
  // room for none), or with a mean of 0, nobody leaves: months 12-35, £2,400; with "hold" in
  // place 0 overwritten by the later 1, they leave at month 12: £100.
  const a = Uint8Array.of(1, 0);
  const b = Uint8Array.of(0, 1);
  const slot: PlanSlot = {
    interventions: [],
    statePrices: [],
    periods: [
      { rates: [], redirects: [] },
      {
        rates: [
          { name: 'hold', from: a, to: b, multiplier: { type: 'fixed', value: 0 } },
          { name: 'other', from: b, to: a, multiplier: { type: 'fixed', value: 1 } },
        ],
        redirects: [],
      },
      { rates: [{ name: 'go', from: a, to: b, multiplier: { type: 'fixed', value: 1 } }], redirects: [] },
    ],
  };
  t.equal(runOnce(twoStateModel(1), slot, [plainPerson({ offset: 12, months: 36 })], false), 130_000);
});

t.test('with uncertainty, a period rate adjustment is drawn from the stream keyed by "rate:" and its name', async (t) => {
  // Kills slotRates' hashes (`() => undefined`, the template → ``, line 339): the key changes, so
  // the draw. The drawn values are read from the slot's private rateValues (the kernel only
  // uses them inside transitions, where a draw cannot be told apart exactly); the expectation
  // is keyedStreamUniform, itself checked against FNV-1a above.
  const a = Uint8Array.of(1, 0);
  const b = Uint8Array.of(0, 1);
  const d = { type: 'uniform' as const, min: 0, max: 2 };
  const model = compileModel(twoStateModel(0.5));
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: true });
  simulator.addSlot({ interventions: [], statePrices: [], periods: [{ rates: [{ name: 'hold', from: a, to: b, multiplier: d }], redirects: [] }, { rates: [{ name: 'go', from: a, to: b, multiplier: d }], redirects: [] }] });
  simulator.beginRun(42, 3);
  const values = (simulator as unknown as { slots: Array<{ rateValues: Float64Array[] }> }).slots[0].rateValues;
  t.same(
    values.map((v) => [...v]),
    [[keyedStreamUniform(42, 3, 'rate:hold', d)], [keyedStreamUniform(42, 3, 'rate:go', d)]],
  );
  t.not(values[0][0], values[1][0], 'two names, two draws');
});

t.test('monthlyPence and personMonthlyPence: the model’s month, or today’s placement at its actual price', async (t) => {
  // Kills personMonthlyPence's guards (`!atActualPrice || weekly === null || s !== startState`,
  // each part → false/true, `||` → `&&`), the by-year price's choice (`byYear !== null`, `fy >= 0`,
  // `fy < length`, each flipped or loosened), the fee's subtraction (`-` → `+`), the price's
  // scale (`actual × WEEKS_PER_MONTH × 100` with `/`), and both methods' age clamp
  // (`Math.min(age, horizon − 1)` → `Math.max`, `horizon + 1`: age 400 months is past the
  // horizon of 25 years, 300 months).
  // A costs a placement fee of £100 a month and £2 a week, and £1 a week not part of the fee;
  // B has a placement fee of £30 a month. A standard month is 365/84 weeks: w = 100 × 365/84 pence a month for £1 a week.
  const w = (100 * 365) / 84;
  const spec = twoStateModel(0, {
    unitCosts: [
      { id: 'fee', label: 'Fee', states: ['a'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true },
      { id: 'fee_week', label: 'Fee (weekly)', states: ['a'], amount: 2, per: 'week', agency: 'childrens_social_care', source: 'test', placementFee: true },
      { id: 'extra', label: 'Extra', states: ['a'], amount: 1, per: 'week', agency: 'health', source: 'test' },
      { id: 'b_fee', label: 'B fee', states: ['b'], amount: 30, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true },
    ],
  });
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  simulator.beginRun(1, 0);
  const close = (actual: number, expected: number, message: string) => t.ok(Math.abs(actual - expected) < 1e-6, `${message}: ${actual} vs ${expected}`);
  const modelA = 10_000 + 3 * w;
  close(simulator.monthlyPence(slot, 120, 0), modelA, 'A at 10');
  close(simulator.monthlyPence(slot, 400, 0), modelA, 'A past the horizon: priced at its last month');
  t.equal(simulator.monthlyPence(slot, 120, 1), 3_000, 'B (a fee of £30 a month: its own cell, state 1)');

  const person = plainPerson({ currentPlacementWeeklyPrice: 700 });
  // At the actual price: the fee (10,000 + 2w) is replaced by £700 a week, 700w; the £1 a week stays.
  close(simulator.personMonthlyPence(slot, 120, 0, person, true, 0), w + 700 * w, 'at the actual price');
  close(simulator.personMonthlyPence(slot, 400, 0, person, true, 0), w + 700 * w, 'at the actual price, past the horizon');
  close(simulator.personMonthlyPence(slot, 120, 0, person, false, 0), modelA, 'no longer at the actual price');
  close(simulator.personMonthlyPence(slot, 120, 0, plainPerson(), true, 0), modelA, 'no actual price');
  t.equal(simulator.personMonthlyPence(slot, 120, 1, person, true, 0), 3_000, 'another state than today’s placement: B');
  close(simulator.personMonthlyPence(slot, 120, 1, plainPerson({ startState: 1, currentPlacementWeeklyPrice: 700 }), true, 0), 700 * w, 'B at the actual price: its £30 fee replaced');
  close(simulator.personMonthlyPence(slot, 120, 0, plainPerson({ startState: 1, currentPlacementWeeklyPrice: 700 }), true, 0), modelA, 'A when today’s placement is B');
  // By financial year: £500 in year 0, £900 in year 1; outside the list, the weekly price.
  const byYear = plainPerson({ currentPlacementWeeklyPrice: 700, currentPlacementPriceByYear: Float64Array.of(500, 900) });
  close(simulator.personMonthlyPence(slot, 120, 0, byYear, true, 0), w + 500 * w, 'year 0');
  close(simulator.personMonthlyPence(slot, 120, 0, byYear, true, 1), w + 900 * w, 'year 1');
  close(simulator.personMonthlyPence(slot, 120, 0, byYear, true, 2), w + 700 * w, 'year 2: past the list');
  close(simulator.personMonthlyPence(slot, 120, 0, byYear, true, -1), w + 700 * w, 'year −1');
  close(simulator.personMonthlyPence(slot, 120, 0, plainPerson({ currentPlacementWeeklyPrice: 700, currentPlacementPriceByYear: null }), true, 1), w + 700 * w, 'by year null');
});

t.test('cumulate writes a row as integer thresholds on 32 random bits, staying first', async (t) => {
  // Kills cumulate's branches and arithmetic (`p[self] > 0`, `j === self || !(p[j] > 0)`,
  // `count === 0`, `at + count`, `count − 1`, `total += p[j]`, `ceil(total × 2^32)`, the stay
  // and within thresholds): rows written at an offset (at = 2, index = 1) among decoys.
  const targets = new Int32Array(6).fill(-9);
  const thresholds = new Float64Array(6).fill(-9);
  const stay = new Float64Array(3).fill(-9);
  const within = new Float64Array(3).fill(-9);
  // Row (0.5, 0.25, 0.25) from state 1, a within-placement move rate of 0.1: stay (1) to
  // 0.25 × 2^32 = 1,073,741,824; then 0 to 0.75 × 2^32 = 3,221,225,472; then 2, the last, at
  // NEVER = 2^33. Within: ceil(0.25 × 0.1 × 2^32) = ceil(107,374,182.4) = 107,374,183.
  t.equal(cumulate([0.5, 0.25, 0.25], 1, targets, thresholds, 2, stay, within, 1, 0.1), 3);
  t.same([...targets], [-9, -9, 1, 0, 2, -9]);
  t.same([...thresholds], [-9, -9, 1_073_741_824, 3_221_225_472, 2 ** 33, -9]);
  t.same([...stay, ...within], [-9, 1_073_741_824, -9, -9, 107_374_183, -9]);

  // Row (0, 0.3, 0.7) from state 0 (nobody stays), within rate 0.5: 1 to ceil(0.3 × 2^32) =
  // ceil(1,288,490,188.8) = 1,288,490,189, then 2 at NEVER; stay 0 (the first target is not
  // state 0); within ceil(0 × …) = 0. A NaN and a negative entry count as 0.
  t.equal(cumulate([0, 0.3, 0.7], 0, targets, thresholds, 0, stay, within, 0, 0.5), 2);
  t.same([...targets.slice(0, 2)], [1, 2]);
  t.same([...thresholds.slice(0, 2)], [1_288_490_189, 2 ** 33]);
  t.same([stay[0], within[0]], [0, 0]);
  t.equal(cumulate([Number.NaN, -0.2, 0.6, 0.4], 3, targets, thresholds, 0, stay, within, 2, 0), 2);
  t.same([...targets.slice(0, 2)], [3, 2]);
  // From state 3 (0.4): stay to ceil(0.4 × 2^32) = ceil(1,717,986,918.4) = 1,717,986,919, then 2 at NEVER.
  t.same([...thresholds.slice(0, 2)], [1_717_986_919, 2 ** 33]);
  t.same([stay[2], within[2]], [1_717_986_919, 0]);

  // An empty row: the person stays (one entry, state 1, at NEVER), staying up to NEVER.
  t.equal(cumulate([0, 0], 1, targets, thresholds, 4, stay, within, 2, 0.3), 1);
  t.same([targets[4], thresholds[4], stay[2], within[2]], [1, 2 ** 33, 2 ** 33, 0]);
});

t.test('gammaShapes: the constants of each Dirichlet row entry’s gamma draw', async (t) => {
  // Kills gammaShapes' guards (`!uncertain`, `!(concentration > 0)`, `!(shape > 0)`, `shape < 1`)
  // and its arithmetic (`shape + 1`, `− 1/3`, `1 / sqrt(9d)`, `1 / shape`, the index
  // `(key × nS + j) × 3` and its `+ 1`, `+ 2`). A model written by hand: two states, one band,
  // row 0 with concentration 10 over (0.95, 0.05), row 1 with concentration 4 over (0, 1), a
  // a second band whose first row has concentration 4 over (0.25, 0.75): shapes exactly 1 (not
  // boosted: `shape < 1` → `<=` would) and 3; its second row has none (NaN).
  const model = { nStates: 2, nBands: 2, rowConcentration: Float64Array.of(10, 4, 4, Number.NaN), baseRows: Float64Array.of(0.95, 0.05, 0, 1, 0.25, 0.75, 0.5, 0.5) } as unknown as SimulationModel;
  t.same([...gammaShapes(model, false)], Array(24).fill(0), 'no uncertainty: nothing drawn');
  const out = gammaShapes(model, true);
  const shape1 = 10 * 0.95; // 9.5 ≥ 1: d = 9.5 − 1/3, no boost
  const shape2 = 10 * 0.05; // 0.5 < 1: drawn as Gamma(1.5) × U^(1/0.5), d = 1.5 − 1/3, boost 2
  const d1 = shape1 - 1 / 3;
  const d2 = shape2 + 1 - 1 / 3;
  const d4 = 4 - 1 / 3;
  const d5 = 1 - 1 / 3;
  const d6 = 3 - 1 / 3;
  t.same(
    [...out],
    [d1, 1 / Math.sqrt(9 * d1), 0, d2, 1 / Math.sqrt(9 * d2), 1 / shape2, 0, 0, -1, d4, 1 / Math.sqrt(9 * d4), 0, d5, 1 / Math.sqrt(9 * d5), 0, d6, 1 / Math.sqrt(9 * d6), 0, ...Array(6).fill(0)],
  );
  t.equal(out[5], 2);
});

t.test('samePrices and sameRows: when a slot may share another’s prices or rows', async (t) => {
  // Kills samePrices' length check, state and price comparisons (`Object.is`, so −0 ≠ 0) and
  // sameRows' intervention checks, `none` (rates or redirects in a period), `a.periods ===
  // b.periods`, and the `≤ 1` period counts.
  const slot = (extra: Partial<PlanSlot> = {}): PlanSlot => ({ interventions: [], statePrices: [], ...extra });
  const p = (state: number, weeklyPrice: number) => ({ state, weeklyPrice });
  t.equal(samePrices(slot({ statePrices: [p(1, 500)] }), slot({ statePrices: [p(1, 500)] })), true);
  t.equal(samePrices(slot(), slot()), true);
  t.equal(samePrices(slot({ statePrices: [p(1, 500)] }), slot({ statePrices: [p(1, 500), p(2, 600)] })), false, 'lengths differ');
  t.equal(samePrices(slot({ statePrices: [p(1, 500), p(2, 600)] }), slot({ statePrices: [p(1, 500)] })), false, 'lengths differ, the other way');
  t.equal(samePrices(slot({ statePrices: [p(1, 500)] }), slot({ statePrices: [p(2, 500)] })), false, 'states differ');
  t.equal(samePrices(slot({ statePrices: [p(1, 500)] }), slot({ statePrices: [p(1, 501)] })), false, 'prices differ');
  t.equal(samePrices(slot({ statePrices: [p(1, 0)] }), slot({ statePrices: [p(1, -0)] })), false, 'Object.is tells −0 from 0');
  t.equal(samePrices(slot({ statePrices: [p(1, 500), p(2, 600)] }), slot({ statePrices: [p(1, 500), p(2, 601)] })), false, 'the second differs');

  const a = Uint8Array.of(1, 0);
  const rate = { name: 'r', from: a, to: a, multiplier: { type: 'fixed' as const, value: 1 } };
  const periods = [{ rates: [rate], redirects: [] }];
  t.equal(sameRows(slot({ interventions: [1, 2] }), slot({ interventions: [1, 2] })), true);
  t.equal(sameRows(slot({ interventions: [1, 2] }), slot({ interventions: [2, 1] })), false, 'order matters');
  t.equal(sameRows(slot({ interventions: [1] }), slot({ interventions: [1, 2] })), false, 'lengths differ');
  t.equal(sameRows(slot({ interventions: [1, 2] }), slot({ interventions: [1] })), false, 'lengths differ, the other way');
  t.equal(sameRows(slot({ periods }), slot({ periods })), true, 'the very same periods');
  t.equal(sameRows(slot({ periods }), slot({ periods: [{ rates: [rate], redirects: [] }] })), false, 'equal but not the same list');
  t.equal(sameRows(slot({ periods }), slot()), false, 'rates against none');
  t.equal(sameRows(slot(), slot({ periods })), false, 'none against rates');
  const redirect = [{ rates: [], redirects: [{ state: 1, overflow: 0, fraction: 1 }] }];
  t.equal(sameRows(slot({ periods: redirect }), slot()), false, 'a redirect');
  t.equal(sameRows(slot({ periods: [{ rates: [], redirects: [] }] }), slot()), true, 'one empty period is none');
  t.equal(sameRows(slot(), slot({ periods: [{ rates: [], redirects: [] }] })), true, 'none against one empty period');
  const twoEmpty = () => [
    { rates: [], redirects: [] },
    { rates: [], redirects: [] },
  ];
  t.equal(sameRows(slot({ periods: twoEmpty() }), slot()), false, 'two empty periods are not taken as none');
  t.equal(sameRows(slot(), slot({ periods: twoEmpty() })), false, 'the other way');
});

t.test('flush turns a year of occupancy into costs by year, agency, state and age, and the outcome months', async (t) => {
  // Kills flush's sums and indices (every `+=` → `-=`, `base + … ± …`, `n × …` → `/`, the
  // weekly line's `weekly !== 0` and `× scale`, `statePence + subPenny(weekly …)` → `−`), the
  // flag guards for months in care, residential and custody (→ true/false), the age loop and
  // its `index / nS`, `index − y × nS`, the age band's segment (`min(y × 12, horizon − 1)` →
  // `max`, `y / 12`: a cost from 22 only), and the 19-21 window (`y >= 19 && y <= 21`, each
  // side loosened or tightened, with NEET and care leaver months inside it).
  // Five absorbing states, everyone for the 12 months from April 2026 (all in 2026-27):
  //   a  in care: £100 a month (children's social care, cashable) and £1 a week (health)
  //   r  in care, residential: £200 a month (children's social care, cashable: the line a's
  //      cell also has, so reading one line past a's would count a's price twice)
  //   c  custody: £30 a month (children's social care, not cashable); n  care leaver, NEET; x  no flags, £50 a month from age 22
  // People: a, r and c at age 10; n at 19; x from 21½ (6 months at 21, 6 at 22); x from 18½
  // (6 at 18, 6 at 19).
  const spec = {
    ...twoStateModel(0),
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true, terminal: true },
      { id: 'r', label: 'R', category: 'looked_after', flags: ['in_care', 'residential'], placement: true, terminal: true },
      { id: 'c', label: 'C', category: 'community', flags: ['custody'], terminal: true },
      { id: 'n', label: 'N', category: 'care_leaver', flags: ['neet', 'care_leaver'], terminal: true },
      { id: 'x', label: 'X', category: 'community', terminal: true },
    ],
    transitions: { all: { a: { a: 1 }, r: { r: 1 }, c: { c: 1 }, n: { n: 1 }, x: { x: 1 } } },
    unitCosts: [
      { id: 'a_month', label: 'A', states: ['a'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test' },
      { id: 'a_week', label: 'A weekly', states: ['a'], amount: 1, per: 'week', agency: 'health', source: 'test' },
      { id: 'r_month', label: 'R', states: ['r'], amount: 200, per: 'month', agency: 'childrens_social_care', source: 'test' },
      { id: 'c_month', label: 'C', states: ['c'], amount: 30, per: 'month', agency: 'childrens_social_care', cashable: false, source: 'test' },
      { id: 'x_older', label: 'X from 22', states: ['x'], amount: 50, per: 'month', agency: 'childrens_social_care', minAgeYears: 22, source: 'test' },
    ],
  } as ReturnType<typeof twoStateModel>;
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  const people = [
    plainPerson({ startState: 0 }),
    plainPerson({ startState: 1, key: 1 }),
    plainPerson({ startState: 2, key: 2 }),
    plainPerson({ startState: 3, key: 3, ageMonths: 19 * 12 }),
    plainPerson({ startState: 4, key: 4, ageMonths: 21 * 12 + 6 }),
    plainPerson({ startState: 4, key: 5, ageMonths: 18 * 12 + 6 }),
  ];
  // Written at base 7 of a longer vector, to catch `base − …`.
  const out = new Float64Array(layout.size + 10);
  simulator.beginRun(1, 0);
  for (const person of people) simulator.simulate(slot, person, out, 7);
  simulator.flush(slot, out, 7);
  const at = (offset: number, n: number) => [...out.slice(7 + offset, 7 + offset + n)];
  // £1 a week is 434.53125 pence a standard month (64ths of a penny); 2026-27 has 365 days in
  // 12 months, a standard year: 12 × 434.53125 = 5,214.375.
  const year0 = Array(12).fill(0);
  year0[0 * 2 + 0] = 12 * 3_000; // children's social care, not cashable: c
  year0[0 * 2 + 1] = 12 * 10_000 + 12 * 20_000 + 6 * 5_000; // children's social care, cashable: a, r, x from 22
  year0[2 * 2 + 1] = 5_214.375; // health, cashable: a weekly
  t.same(at(layout.costFyAgency, 24), [...year0, ...Array(12).fill(0)], 'costs by financial year, agency, cashable');
  t.same(at(layout.costState, 5), [125_214.375, 240_000, 36_000, 0, 30_000], 'costs by state');
  t.same(at(layout.monthsState, 5), [12, 12, 12, 12, 24], 'months by state');
  const byAge = Array(25).fill(0);
  byAge[10] = 125_214.375 + 240_000 + 36_000;
  byAge[22] = 30_000;
  t.same(at(layout.costAge, 25), byAge, 'costs by year of age');
  const outcomes = at(layout.outcomes, 13);
  t.same(
    {
      projected: outcomes[12],
      inCare: outcomes[1],
      residential: outcomes[2],
      custody: outcomes[8],
      aged19to21: outcomes[11],
      neet: outcomes[9],
      careLeaver: outcomes[10],
    },
    // 19-21: n's 12 months at 19, x's 6 at 21 and the other x's 6 at 19 (not those at 18 or 22).
    { projected: 72, inCare: 24, residential: 12, custody: 12, aged19to21: 24, neet: 12, careLeaver: 12 },
  );
  t.same([out[6], out[layout.size + 7]], [0, 0], 'nothing written outside the run’s block');
});

t.test('event costs: which moves they price, and where they are booked', async (t) => {
  // Kills bookEvents' guards (`!rule.from[from] || !rule.to[to]` → `&&`, either side dropped,
  // → true/false; `withinState ? !rule.onWithinStateMove : from === to`, each part flipped;
  // `pence === 0` → true; `fy < nFinancialYears`, `ageYear < nAgeYears`, each → `<=`, true or
  // false) and its sums and indices (`+=` → `-=`, `(fy × nA + agency) × 2 + cashable` with each
  // operator swapped, `base ± …`).
  // Three states, from January 2027, 24 months, layout of 2 financial years and 11 years of age:
  //   a  a placement whose within-placement move rate is 1 a month: every month's stay is a
  //      move within the placement (P(stay) × 1), so months 1-23 each bring one;
  //   b  moves to c (absorbing) at once.
  // Events: b → c £7 (children's social care, cashable); within a, £20 (housing, not cashable);
  // a → a without within-placement moves £3, b → b £5, c → c £5 and a free b → c (none priced).
  // A move is booked in the month it arrives: within-a moves arrive in months 1-23, i.e. 2 in
  // 2026-27 (February, March), 12 in 2027-28 and 9 after the layout's years; b → c arrives in
  // February 2027. Ages: a's person is 10½ (126 months), so 5 moves (months 127-131) fall at 10
  // and the rest at 11 or more, outside the layout; b's person is also 10½.
  const ev = (id: string, from: string[], to: string[], amount: number, agency: string, extra = {}) => ({ id, label: id, from, to, amount, agency, source: 'test', ...extra });
  const spec = {
    ...twoStateModel(0),
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true, withinStatePlacementMoves: 1 },
      { id: 'b', label: 'B', category: 'community' },
      { id: 'c', label: 'C', category: 'community', terminal: true },
    ],
    transitions: { all: { a: { a: 1 }, b: { c: 1 }, c: { c: 1 } } },
    unitCosts: [],
    eventCosts: [
      ev('bc', ['b'], ['c'], 7, 'childrens_social_care'),
      ev('within', ['a'], ['a'], 20, 'housing', { includeWithinStateMoves: true, cashable: false }),
      ev('plain', ['a'], ['a'], 3, 'health'),
      ev('bb', ['b'], ['b'], 5, 'health'),
      ev('cc', ['c'], ['c'], 5, 'health'),
      ev('free', ['b'], ['c'], 0, 'health'),
    ],
  } as unknown as ReturnType<typeof twoStateModel>;
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: model.nStates, nAgeYears: 11, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2027, startMonth: 1 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  const out = new Float64Array(layout.size + 10);
  simulator.beginRun(1, 0);
  simulator.simulate(slot, plainPerson({ startState: 0, ageMonths: 126, months: 24 }), out, 7);
  simulator.simulate(slot, plainPerson({ startState: 1, ageMonths: 126, months: 24, key: 1 }), out, 7);
  simulator.flush(slot, out, 7);
  const at = (offset: number, n: number) => [...out.slice(7 + offset, 7 + offset + n)];
  const byYear = Array(24).fill(0);
  byYear[0 * 12 + 0 * 2 + 1] = 700; // 2026-27, children's social care, cashable: b → c
  byYear[0 * 12 + 4 * 2 + 0] = 2 * 2_000; // 2026-27, housing, not cashable: 2 moves within a
  byYear[1 * 12 + 4 * 2 + 0] = 12 * 2_000; // 2027-28: 12 moves
  t.same(at(layout.costFyAgency, 24), byYear, 'by financial year, agency, cashable');
  t.same(at(layout.costState, 3), [23 * 2_000, 0, 700], 'by state moved to: all 23 moves within a');
  const byAge = Array(11).fill(0);
  byAge[10] = 5 * 2_000 + 700;
  t.same(at(layout.costAge, 11), byAge, 'by year of age: 5 moves within a at 10, and b → c');
  t.equal(at(layout.outcomes, 13)[3], 23, 'placement moves');
  t.same([out[6], out[layout.size + 7]], [0, 0], 'nothing written outside the run’s block');
});

t.test('the kernel’s inline xoshiro128** draws the person’s own stream, one 32-bit draw a month', async (t) => {
  // Kills rotl's `32 − k` → `32 + k` (line 1629) and any change to the inline generator: the
  // months in A are recomputed from random.ts's Xoshiro128 keyed (seed, trajectory, run, key).
  // Two states, q = 0.5: the row is A below 2^31 (ceil(0.5 × 2^32)), else B. The stream's
  // first double is the offers' draw (taken whether or not the slot offers anything); then the
  // transition out of month m stays in A while its 32 bits are below 2^31.
  const model = compileModel(twoStateModel(0.5));
  const layout = metricLayout({ nFinancialYears: 3, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  const expectedMonths = (seed: number, run: number, key: number, months: number) => {
    const rng = new Xoshiro128().reseed(seed, StreamPurpose.trajectory, run, key);
    rng.nextDouble();
    let inA = 1;
    while (inA < months && rng.nextUint32() < 2 ** 31) inA++;
    return inA;
  };
  const seen = new Set<number>();
  for (const [seed, run] of [
    [1, 0],
    [99, 4],
  ]) {
    simulator.beginRun(seed, run);
    for (let key = 0; key < 12; key++) {
      const out = new Float64Array(layout.size);
      simulator.simulate(slot, plainPerson({ key, months: 30 }), out, 0);
      simulator.flush(slot, out, 0);
      const expected = expectedMonths(seed, run, key, 30);
      seen.add(expected);
      t.same([out[layout.monthsState], out[layout.monthsState + 1]], [expected, 30 - expected], `seed ${seed}, run ${run}, person ${key}`);
    }
  }
  t.ok(seen.size >= 3, 'the people’s stays differ (the check is not trivial)');
});

t.test('today’s placement at its actual weekly price replaces the model’s fee, year by year', async (t) => {
  // Kills bookActualPrice's loops and guards (`f <= lastFy && f < nFinancialYears`, `g < nSeg`,
  // `n === 0`, `y <= lastAgeYear && y < nAgeYears`, the by-year choice `byYear !== null && f <
  // length`), its arithmetic (`× WEEKS_PER_MONTH × 100`, `actual − feeWeekly`, `× weekScale`,
  // `n × fee`, the cell `g × nS + start`, `f × nSeg + g`) and its bookings (`+=` → `-=`, the
  // cost line's index), and personMonthlyPence is checked above.
  // Two states, B (free) then A (state 1: the placement), q = 0: a person aged 10 stays in A (fee
  // £100 a month, health, cashable: not state 0 nor agency 0, so a wrong cell or line shows) for 24 months from April 2026, at £700 a week in 2026-27 and £1,400 in 2027-28.
  // 2026-27 (365 days, 12 months, a standard year): 700 × 100 × 365/84 = 304,166.66… pence a
  // month, held as 19,466,667/64 = 304,166.671875; 12 months: 3,650,000.0625 (the fee's 120,000
  // booked, then replaced). 2027-28 (366 days: February 2028): 1,400 × 100 × 366/84 = 610,000 a
  // month; 12 months: 7,320,000. By year of age the breakdown is at the standard month, each
  // month at its financial year's price: at 10 (2026-27) 3,650,000.0625; at 11 (2027-28)
  // 1,400 × 100 × 365/84 = 608,333.33… held as 38,933,333/64 = 608,333.328125, × 12 = 7,299,999.9375.
  const model = compileModel({
    ...twoStateModel(0),
    states: [
      { id: 'b', label: 'B', category: 'community', terminal: true },
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true },
    ],
    transitions: { all: { b: { b: 1 }, a: { a: 1 } } },
    unitCosts: [{ id: 'a_cost', label: 'A', states: ['a'], amount: 100, per: 'month', agency: 'health', source: 'test', placementFee: true }],
  } as ReturnType<typeof twoStateModel>);
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  const out = new Float64Array(layout.size + 10);
  simulator.beginRun(1, 0);
  simulator.simulate(slot, plainPerson({ startState: 1, months: 24, currentPlacementWeeklyPrice: 700, currentPlacementPriceByYear: Float64Array.of(700, 1400) }), out, 7);
  simulator.flush(slot, out, 7);
  const at = (offset: number, n: number) => [...out.slice(7 + offset, 7 + offset + n)];
  const byYear = Array(24).fill(0);
  byYear[2 * 2 + 1] = 3_650_000.0625;
  byYear[12 + 2 * 2 + 1] = 7_320_000;
  t.same(at(layout.costFyAgency, 24), byYear);
  t.same(at(layout.costState, 2), [0, 3_650_000.0625 + 7_320_000]);
  const byAge = Array(25).fill(0);
  byAge[10] = 3_650_000.0625;
  byAge[11] = 7_299_999.9375;
  t.same(at(layout.costAge, 25), byAge);
  t.same([out[6], out[layout.size + 7]], [0, 0]);
});

t.test('a planned intervention: its costs are booked where they fall, and its effect ends on time', async (t) => {
  // Kills bookCost's guards and bookings (`pence === 0`, `fy < nFinancialYears`, `ageYear <
  // nAgeYears`, `+=` → `-=`, the indices of the cost, intervention and age lines), planEvents'
  // start (`startMonth === m && !delivered`) and effect end (`ivEnd[bit] === m`, `mask &=
  // ~(1 << bit)`, `ivEnd = −1`, the loop over the slot's bits) and nextPlanEvent's starts and
  // effect ends (`> after`, `< next`).
  // Two states, q = 0.5 (A £100 a month). "Hold" (one-off £1,000, £10 a week for 3 months,
  // health) multiplies A → B by 0 for 4 months. Planned at month 2: while it acts (the
  // transitions out of months 2-5) the person stays; otherwise the months follow the stream as
  // in the test above (a draw every month, leaving when it is at least 2^31).
  // Its costs, all in 2026-27 at age 10: £1,000 at month 2 and round(10 × 100 × 365/84) = 4,345
  // pence a month for months 2-4 (the year has 365 days: scale 1): 100,000 + 3 × 4,345 = 113,035.
  const spec = twoStateModel(0.5, {
    interventions: [
      {
        id: 'hold',
        label: 'Hold',
        eligibility: { states: ['a'] },
        cost: { oneOff: 1000, perWeek: 10, durationMonths: 3, agency: 'health' },
        effectDurationMonths: 4,
        effects: [{ from: ['a'], to: ['b'], multiplier: 0 }],
        source: 'test',
      },
    ],
  });
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 3, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: 1 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [0], statePrices: [] });
  const expectedMonths = (key: number, months: number) => {
    const rng = new Xoshiro128().reseed(5, StreamPurpose.trajectory, 0, key);
    rng.nextDouble();
    let inA = 1;
    for (let m = 0; inA < months; m++) {
      const r = rng.nextUint32();
      if (r >= 2 ** 31 && !(m >= 2 && m <= 5)) break;
      inA++;
    }
    return inA;
  };
  simulator.beginRun(5, 0);
  const seen = new Set<number>();
  for (let key = 0; key < 40; key++) {
    const out = new Float64Array(layout.size + 10);
    simulator.simulate(slot, plainPerson({ key, months: 30, interventions: [{ slotIndex: 0, startMonth: 2 }] }), out, 7);
    simulator.flush(slot, out, 7);
    const inA = expectedMonths(key, 30);
    const at = (offset: number, n: number) => [...out.slice(7 + offset, 7 + offset + n)];
    if (inA <= 2) {
      // Gone before month 2: never given the intervention.
      t.equal(out[7 + layout.costIntervention], 0, `person ${key}: left at ${inA}`);
      continue;
    }
    seen.add(inA);
    t.same([out[7 + layout.monthsState], out[7 + layout.monthsState + 1]], [inA, 30 - inA], `person ${key}: months in A`);
    t.equal(out[7 + layout.costIntervention], 113_035, `person ${key}: the intervention's cost`);
    const interventionByYear = Array(18).fill(0);
    interventionByYear[2] = 113_035;
    t.same(at(layout.interventionFyAgency, 18), interventionByYear, `person ${key}: by year and agency`);
    // A's months by financial year: 12 in 2026-27 at most, then 2027-28, then 2028-29.
    const aByYear = [Math.min(inA, 12), Math.max(0, Math.min(inA, 24) - 12), Math.max(0, inA - 24)];
    const costs = Array(36).fill(0);
    for (let f = 0; f < 3; f++) costs[f * 12 + 1] = aByYear[f] * 10_000;
    costs[2 * 2 + 1] = 113_035;
    t.same(at(layout.costFyAgency, 36), costs, `person ${key}: costs by year and agency`);
    t.equal(out[7 + layout.costAge + 10], Math.min(inA, 12) * 10_000 + 113_035, `person ${key}: at age 10`);
  }
  t.ok(seen.size >= 3, `several different stays after the effect ends: ${[...seen]}`);
});

t.test('planned moves happen at their month, and only from the states they name', async (t) => {
  // Kills nextPlanEvent's moves (`move.month > after && move.month < next`, each side → true,
  // `>=`, `<=`, `&&` → `||`): the kernel wakes for the earliest move still to come. Two
  // states, q = 0 (A £100 a month, B free), 30 months from April 2026. Moves (sorted by month,
  // as PersonPlan requires): to B at month 5; to A at month 12 from B only (taken: the person is
  // in B); to B at month 16 from B only (not taken: in A; the planned state is now B all the
  // same); to B at month 20 (null: only while still in the last planned state, B: not taken).
  const model = compileModel(twoStateModel(0));
  const layout = metricLayout({ nFinancialYears: 3, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  const fromB = Uint8Array.of(0, 1);
  const out = new Float64Array(layout.size);
  simulator.beginRun(1, 0);
  const moves = [
    { month: 5, to: 1, fromStates: null },
    { month: 12, to: 0, fromStates: fromB },
    { month: 16, to: 1, fromStates: fromB },
    { month: 20, to: 1, fromStates: null },
  ];
  simulator.simulate(slot, plainPerson({ months: 30, moves }), out, 0);
  simulator.flush(slot, out, 0);
  // A: months 0-4 and 12-29 (23 months); B: 5-11 (7 months).
  t.same([out[layout.monthsState], out[layout.monthsState + 1]], [23, 7]);
  // By financial year: 2026-27 months 0-11 (A 5), 2027-28 months 12-23 (A 12), 2028-29 months 24-29 (A 6).
  t.same([out[layout.costFyAgency + 1], out[layout.costFyAgency + 12 + 1], out[layout.costFyAgency + 24 + 1]], [50_000, 120_000, 60_000]);
});

/** A price in pence held in 64ths of a penny (engine.ts subPenny), as the kernel holds weekly lines. */
const in64ths = (pence: number) => Math.round(pence * 64) / 64;

t.test('today’s placement at its actual price across two cost segments, past the layout’s years and ages', async (t) => {
  // Kills bookActualPrice's `f < nFinancialYears` and `y < nAgeYears` (→ true: the months past
  // the layout are read as undefined counts, NaN written into the next block), `f < byYear.length`
  // (a by-year list shorter than the years), the cells `f × nSeg + g` (read and reset, lines
  // 1525 and 1532) and `g × nS + start` (1527), the age's `segment × nS` (1538), the weekly
  // fee's subtraction `actual − feeWeekly` (1529, 1540), and monthlyPence's and
  // personMonthlyPence's `segment × nStates` (1459, 1477).
  // Two states, B (0, free) and A (1, a placement, absorbing). A's placement fee: £100 a month
  // under 11 and £300 a month from 11 (two cost segments, cut at 132 months), plus £2 a week at
  // any age, all health, cashable (line 2 × 2 + 1 = 5). The person is 10½ (126 months), in A
  // for 35 months from April 2026 at £1,400 a week, £700 in 2026-27 (a by-year list of one).
  // The layout has 2 financial years and 12 years of age (0-10 and 11), so months 24-34
  // (2028-29) and ages 12 and 13 fall outside it.
  //   segment 0 (age 10): months 0-5, 2026-27;  segment 1 (age 11+): months 6-11 in 2026-27,
  //   12-23 in 2027-28 (and 24-34 outside).
  // A standard month holds W = 365/84 weeks; F2 = 2 × W × 100 pence (the weekly fee, unrounded
  // per standard month). 2026-27 has 365 days in 12 months (scale 1); 2027-28 has 366 (scale
  // 366/365). A financial year f, segment g with n months books the model's price n × (fee_g +
  // [F2 × scale]) and the actual price n × [(actual_f − F2) × scale] − n × fee_g ([x] in 64ths
  // of a penny): n × ([F2 × s] + [(actual_f − F2) × s]) in all.
  const W = 365 / 84;
  const F2 = 2 * W * 100;
  const P700 = 700 * W * 100;
  const P1400 = 1400 * W * 100;
  const s1 = 366 / 365;
  const model = compileModel({
    ...twoStateModel(0),
    states: [
      { id: 'b', label: 'B', category: 'community', terminal: true },
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true },
    ],
    transitions: { all: { b: { b: 1 }, a: { a: 1 } } },
    unitCosts: [
      { id: 'young', label: 'A under 11', states: ['a'], amount: 100, per: 'month', agency: 'health', source: 'test', placementFee: true, maxAgeYears: 11 },
      { id: 'old', label: 'A from 11', states: ['a'], amount: 300, per: 'month', agency: 'health', source: 'test', placementFee: true, minAgeYears: 11 },
      { id: 'week', label: 'A weekly', states: ['a'], amount: 2, per: 'week', agency: 'health', source: 'test', placementFee: true },
    ],
  } as ReturnType<typeof twoStateModel>);
  t.equal(model.nCostSegments, 2);
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: 2, nAgeYears: 12, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  const person = plainPerson({ startState: 1, ageMonths: 126, months: 35, currentPlacementWeeklyPrice: 1400, currentPlacementPriceByYear: Float64Array.of(700) });
  simulator.beginRun(1, 0);

  const expected = new Float64Array(layout.size);
  expected[layout.costFyAgency + 5] = 12 * (in64ths(F2) + in64ths(P700 - F2));
  expected[layout.costFyAgency + 12 + 5] = 12 * (in64ths(F2 * s1) + in64ths((P1400 - F2) * s1));
  expected[layout.costState + 1] = expected[layout.costFyAgency + 5] + expected[layout.costFyAgency + 12 + 5];
  // By year of age, at the standard month, each month at its financial year's price: 6 months at
  // 10 (2026-27: £700), then at 11 six more in 2026-27 and six in 2027-28, past the one price
  // by year given, so at the plain weekly price (£1,400).
  expected[layout.costAge + 10] = 6 * (in64ths(F2) + in64ths(P700 - F2));
  expected[layout.costAge + 11] = 6 * (in64ths(F2) + in64ths(P700 - F2)) + 6 * (in64ths(F2) + in64ths(P1400 - F2));
  expected[layout.monthsState + 1] = 24;
  expected[layout.endOfYearState + 0 * 2 + 1] = 1; // March 2027 in A
  expected[layout.endOfYearState + 1 * 2 + 1] = 1; // March 2028 in A
  expected[layout.outcomes + 0] = 1; // persons
  expected[layout.outcomes + 1] = 24; // months in care (in the layout's years)
  expected[layout.outcomes + 5] = 1; // ever in care
  expected[layout.outcomes + 12] = 24; // months projected
  // Twice over: the second person finds the month counts reset by the first's booking.
  for (const key of [0, 1]) {
    const out = new Float64Array(layout.size);
    simulator.simulate(slot, { ...person, key }, out, 0);
    simulator.flush(slot, out, 0);
    t.same([...out], [...expected], `person ${key}`);
  }
  const close = (actual: number, wanted: number, message: string) => t.ok(Math.abs(actual - wanted) < 1e-6, `${message}: ${actual} vs ${wanted}`);
  close(simulator.monthlyPence(slot, 140, 1), 30_000 + F2, 'A at 11 y 8 m: segment 1');
  close(simulator.monthlyPence(slot, 120, 1), 10_000 + F2, 'A at 10: segment 0');
  close(simulator.personMonthlyPence(slot, 140, 1, person, true, 1), P1400, 'at the actual price at 11 y 8 m: both fees replaced');
  close(simulator.personMonthlyPence(slot, 140, 1, person, true, 0), P700, 'in 2026-27');
});

t.test('two interventions, one planned twice: costs past the layout’s years and ages, each effect ends on time', async (t) => {
  // Kills planEvents' `startMonth === m && !delivered` (`||`, → true: the same intervention
  // planned again is not given twice), nextPlanEvent's `start < next` and `ivEnd < next` → true
  // (two starts, two effect ends: the earliest wakes the kernel), and bookCost's `fy <
  // nFinancialYears`, `ageYear < nAgeYears` (→ true: booked into the next block), `fy ×
  // nAgencies` (→ `/`: a later year's cost written to a fractional index, lost), the
  // intervention-by-year cell (`+ fy × nA + agency`) and the intervention's line (`+
  // intervention`).
  // Two states, q = 1 (A £100 a month, children's social care, leaves for B at once). Both
  // interventions hold A → B at × 0:
  //   0 "short": £1,000 once (health), its effect 3 months;
  //   1 "long": £500 once and £10 a week for 30 months (housing), its effect 5 months.
  // Planned: 0 at month 0, 1 at month 2, 0 again at month 4 (already given: nothing). The
  // person (10½, 126 months) is held in A through the transition out of month 6 (1's effect
  // ends at 2 + 5 = 7), leaves at month 7's: A months 0-7, B months 8-34. Layout: 2 financial
  // years, 12 years of age (2028-29 and ages 12-13 fall outside: 35 months end before March 2029).
  // £10 a week: round(10 × W × 100) = 4,345 pence a month, scaled by year: 2026-27 × 1, 2027-28
  // × 366/365 held in 64ths of a penny, 2028-29 (past the layout's day counts) unscaled.
  // Months 2-31 of "long": 2-11 in 2026-27 (ages 10 for 2-5, 11 for 6-11), 12-23 in 2027-28 (11
  // for 12-17, 12 after), 24-31 in 2028-29.
  const weekly1 = in64ths(4_345 * (366 / 365));
  const spec = twoStateModel(1, {
    interventions: [
      { id: 'short', label: 'Short', eligibility: { states: ['a'] }, cost: { oneOff: 1000, durationMonths: 1, agency: 'health' }, effectDurationMonths: 3, effects: [{ from: ['a'], to: ['b'], multiplier: 0 }], source: 'test' },
      { id: 'long', label: 'Long', eligibility: { states: ['a'] }, cost: { oneOff: 500, perWeek: 10, durationMonths: 30, agency: 'housing' }, effectDurationMonths: 5, effects: [{ from: ['a'], to: ['b'], multiplier: 0 }], source: 'test' },
    ],
  });
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: 2, nAgeYears: 12, nInterventions: 2 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [0, 1], statePrices: [] });
  const out = new Float64Array(layout.size);
  simulator.beginRun(1, 0);
  const planned = [
    { slotIndex: 0, startMonth: 0 },
    { slotIndex: 1, startMonth: 2 },
    { slotIndex: 0, startMonth: 4 },
  ];
  simulator.simulate(slot, plainPerson({ ageMonths: 126, months: 35, interventions: planned }), out, 0);
  simulator.flush(slot, out, 0);
  const expected = new Float64Array(layout.size);
  expected[layout.costFyAgency + 0 * 2 + 1] = 8 * 10_000; // A's months, 2026-27, children's social care
  expected[layout.costFyAgency + 2 * 2 + 1] = 100_000; // "short", health
  expected[layout.costFyAgency + 4 * 2 + 1] = 50_000 + 10 * 4_345; // "long", housing, 2026-27
  expected[layout.costFyAgency + 12 + 4 * 2 + 1] = 12 * weekly1; // 2027-28
  expected[layout.costAge + 10] = 6 * 10_000 + 100_000 + 50_000 + 4 * 4_345;
  expected[layout.costAge + 11] = 2 * 10_000 + 6 * 4_345 + 6 * weekly1;
  expected[layout.costState + 0] = 8 * 10_000;
  expected[layout.costIntervention + 0] = 100_000;
  expected[layout.costIntervention + 1] = 50_000 + 10 * 4_345 + 12 * weekly1 + 8 * 4_345;
  expected[layout.interventionFyAgency + 2] = 100_000;
  expected[layout.interventionFyAgency + 4] = 50_000 + 10 * 4_345;
  expected[layout.interventionFyAgency + 6 + 4] = 12 * weekly1;
  expected[layout.endOfYearState + 0 * 2 + 1] = 1; // March 2027 in B
  expected[layout.endOfYearState + 1 * 2 + 1] = 1; // March 2028 in B
  expected[layout.monthsState + 0] = 8;
  expected[layout.monthsState + 1] = 16; // months 8-23 (the layout's years)
  expected[layout.delivered + 0] = 1;
  expected[layout.delivered + 1] = 1;
  expected[layout.outcomes + 0] = 1; // persons
  expected[layout.outcomes + 1] = 8; // months in care
  expected[layout.outcomes + 5] = 1; // ever in care
  expected[layout.outcomes + 12] = 24; // months projected (the layout's years)
  t.same([...out], [...expected]);
});
