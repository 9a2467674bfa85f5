import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { WEEKS_PER_MONTH, compileModel, effectLabel, selectorMask } from '../../src/simulation/model.ts';
import { eventModel } from './helpers.ts';

/**
 * src/simulation/model.ts (issue 13, mutation testing): compileModel's numeric view of a small
 * hand-made spec, field by field, and its refusals. Each test names what it pins; survivors no
 * input can tell apart are in test/pinned/MUTATION-SURVIVORS.md. Fixtures are built inside the
 * tests (a throw outside a test is a Stryker runtime error, not a kill).
 */

/**
 * Three states over a 3-year horizon: a (looked after, in care and residential, a placement),
 * b (community, NEET and custody), c (looked after, care leaver and homeless). Bands given out of
 * order: `old` (1-2 years) before `young` (0-1); ages 2-3 are in no band (the last is used).
 */
function spec(): CostModelSpec {
  const s = eventModel(0);
  s.id = 'model-edges';
  s.version = '2.0.0';
  s.horizonAgeYears = 3;
  s.ageBands = [
    { id: 'old', fromYears: 1, toYears: 2 },
    { id: 'young', fromYears: 0, toYears: 1 },
  ];
  s.states = [
    { id: 'a', label: 'Residential home', category: 'looked_after', flags: ['in_care', 'residential'], placement: true, withinStatePlacementMoves: 0.1, distanceOver20Miles: { share: 0.3, source: 'test' }, minAgeYears: 1, maxAgeYears: 2 },
    { id: 'b', label: 'Youth custody', category: 'community', flags: ['neet', 'custody'] },
    { id: 'c', label: 'IFA care leaver', category: 'looked_after', flags: ['care_leaver', 'homeless'], terminal: true },
  ] as CostModelSpec['states'];
  s.transitions = { young: { a: { a: 0.5, b: 0.5 }, b: { a: 0.25, b: 0.75 } }, old: { a: { c: 1 } } };
  s.rateUncertainty = { concentration: 50, rowConcentration: { old: { a: 7 } } };
  s.ageTransitions = [
    { atAgeYears: 2, from: ['a'], to: { c: 1 } },
    { atAgeYears: 1, from: ['c'], to: { a: 0.25, c: 0.75 } },
    { atAgeYears: 2, from: ['@community'], to: { b: 0.5, c: 0.5 } },
  ];
  s.unitCosts = [
    { id: 'w', label: 'Weekly', states: ['a'], amount: 700, per: 'week', agency: 'health', source: 'test', minAgeYears: 1, maxAgeYears: 2 },
    { id: 'm', label: 'Monthly', states: ['@looked_after'], amount: 100, per: 'month', agency: 'education', source: 'test', cashable: false, placementFee: true },
    { id: 'y', label: 'Yearly', states: ['b'], amount: { type: 'pert', min: 1, mode: 2, max: 3 }, per: 'year', agency: 'welfare', source: 'test', maxAgeYears: 5 },
  ] as CostModelSpec['unitCosts'];
  s.eventCosts = [{ id: 'e', label: 'Event', from: ['a'], to: ['b', 'c'], amount: 50, agency: 'housing', source: 'test', cashable: false, includeWithinStateMoves: true }] as CostModelSpec['eventCosts'];
  s.interventions = [
    {
      id: 'iv',
      label: 'Service',
      eligibility: { states: ['a', 'b'], minAgeYears: 0.5, maxAgeYears: 1.25 },
      cost: { oneOff: 10, perWeek: 20, durationMonths: 6, agency: 'youth_justice' },
      effects: [
        { from: ['a'], to: ['b'], multiplier: 0.5 },
        { from: ['c'], to: ['b'], multiplier: 2 },
      ],
      source: 'test',
    },
    { id: 'iv2', label: 'Other', eligibility: { states: ['@looked_after'] }, cost: { durationMonths: 3, agency: 'health' }, effectDurationMonths: 9, effects: [], source: 'test' },
  ] as CostModelSpec['interventions'];
  s.rateFactors = [{ id: 'rf', label: 'Factor', from: ['a'], to: ['c'], multiplier: 1.5 }] as CostModelSpec['rateFactors'];
  s.discounting = { periods: [{ fromYear: 31, rate: 0.03 }, { fromYear: 0, rate: 0.035 }], source: 'greenbook' };
  return s;
}

t.test('states, bands, rows and concentrations', async (t) => {
  const m = compileModel(spec());
  t.same([m.id, m.version, m.stateIds, m.nStates, m.bandIds, m.nBands, m.horizonAgeMonths], ['model-edges', '2.0.0', ['a', 'b', 'c'], 3, ['young', 'old'], 2, 36]);
  t.same(Array.from(m.bandOfAgeMonth), [...new Array(12).fill(0), ...new Array(12).fill(1), ...new Array(12).fill(1)], 'young 0-11, old 12-23, no band after: the last');
  // young: a → a 0.5, b 0.5; b → a 0.25, b 0.75; c has no row: stays. old: a → c; b, c no
  // row: stay.
  t.same(Array.from(m.baseRows), [0.5, 0.5, 0, 0.25, 0.75, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1]);
  t.same(Array.from(m.rowConcentration), [50, 50, 50, 7, 50, 50], 'old a overridden');
  t.same(Array.from(m.withinStateMove), [0.1, 0, 0]);
  t.same([m.over20MilesShare[0], Number.isNaN(m.over20MilesShare[1]), Number.isNaN(m.over20MilesShare[2])], [0.3, true, true]);
  t.same(Array.from(m.isPlacement), [1, 0, 0]);
  t.same(Object.fromEntries(Object.entries(m.flags).map(([k, v]) => [k, Array.from(v)])), {
    inCare: [1, 0, 0],
    residential: [1, 0, 0],
    neet: [0, 1, 0],
    // No state flagged eet: the older reading, a care leaver not flagged neet (c).
    eet: [0, 0, 1],
    custody: [0, 1, 0],
    careLeaver: [0, 0, 1],
    homeless: [0, 0, 1],
  });
  // With a state flagged eet, only the flagged states: c (care leaver, not NEET) is then not in EET.
  const flagged = spec();
  flagged.states[0].flags = ['in_care', 'residential', 'eet'];
  t.same(Array.from(compileModel(flagged).flags.eet), [1, 0, 0], 'eet as flagged');
  t.same([Array.from(m.minAgeMonths), Array.from(m.maxAgeMonths)], [[12, 0, 0], [24, 12_000, 12_000]]);
  t.same(m.discountPeriods, [{ fromYear: 0, rate: 0.035 }, { fromYear: 31, rate: 0.03 }], 'sorted by year');
  t.equal(m.agencies.length, 6);
  // No rate uncertainty: every row known exactly.
  const exact = spec();
  delete exact.rateUncertainty;
  t.same(Array.from(compileModel(exact).rowConcentration), [0, 0, 0, 0, 0, 0]);
  const noOverride = spec();
  noOverride.rateUncertainty = { concentration: 9 };
  t.same(Array.from(compileModel(noOverride).rowConcentration), [9, 9, 9, 9, 9, 9]);
});

t.test('age transitions: merged by birthday, sorted', async (t) => {
  const m = compileModel(spec());
  t.equal(m.ageTransitions.length, 2);
  const [one, two] = m.ageTransitions;
  t.equal(one.ageMonths, 12);
  t.same(Array.from(one.appliesTo), [0, 0, 1]);
  t.same(Array.from(one.rows), [0, 0, 0, 0, 0, 0, 0.25, 0, 0.75]);
  t.equal(two.ageMonths, 24);
  t.same(Array.from(two.appliesTo), [1, 1, 0], 'a and @community (b) merged');
  t.same(Array.from(two.rows), [0, 0, 1, 0, 0.5, 0.5, 0, 0, 0]);
  const none = spec();
  delete none.ageTransitions;
  t.same(compileModel(none).ageTransitions, []);
});

t.test('unit costs and their age segments', async (t) => {
  const m = compileModel(spec());
  t.same(
    m.unitCosts.map((c) => [c.id, c.label, Array.from(c.states), c.amount, c.toMonthly, c.perWeek, c.agency, c.cashable, c.placementFee, c.minAgeMonths, c.maxAgeMonths]),
    [
      ['w', 'Weekly', [1, 0, 0], { type: 'fixed', value: 700 }, 365 / 84, true, 2, true, false, 12, 24],
      ['m', 'Monthly', [1, 0, 1], { type: 'fixed', value: 100 }, 1, false, 1, false, true, 0, 12_000],
      ['y', 'Yearly', [0, 1, 0], { type: 'pert', min: 1, mode: 2, max: 3, lambda: 4 }, 1 / 12, false, 5, true, false, 0, 60],
    ],
  );
  t.equal(WEEKS_PER_MONTH, 365 / 84);
  // Cuts at 12 and 24 months (w's ages; y's 60 is past the horizon): three segments.
  t.equal(m.nCostSegments, 3);
  t.same(Array.from(m.costSegmentOfAgeMonth), [...new Array(12).fill(0), ...new Array(12).fill(1), ...new Array(12).fill(2)]);
  t.same(Array.from(m.unitCostInSegment), [0, 1, 1, 1, 1, 1, 0, 1, 1], 'w only in segment 1');
  // A cost from age 0 and to the horizon makes no cut.
  const flat = spec();
  flat.unitCosts[0].minAgeYears = 0;
  flat.unitCosts[0].maxAgeYears = 3;
  const f = compileModel(flat);
  t.equal(f.nCostSegments, 1);
  t.same(Array.from(f.unitCostInSegment), [1, 1, 1]);
  t.same(Array.from(f.costSegmentOfAgeMonth), new Array(36).fill(0));
  // The same cut twice counts once; cuts sort numerically (24 before 12 given).
  const twice = spec();
  twice.unitCosts[1].minAgeYears = 2;
  twice.unitCosts[2].maxAgeYears = 1;
  const w = compileModel(twice);
  t.equal(w.nCostSegments, 3);
  t.same(Array.from(w.unitCostInSegment), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
  // Cuts met in the order 24, 12: sorted before the segments' first ages are read.
  const backwards = spec();
  backwards.unitCosts = [
    { id: 'late', label: 'Late', states: ['a'], amount: 1, per: 'month', agency: 'health', source: 'test', minAgeYears: 2 },
    { id: 'early', label: 'Early', states: ['a'], amount: 1, per: 'month', agency: 'health', source: 'test', minAgeYears: 1 },
  ] as CostModelSpec['unitCosts'];
  const bw = compileModel(backwards);
  t.equal(bw.nCostSegments, 3);
  t.same(Array.from(bw.unitCostInSegment), [0, 0, 0, 1, 1, 1], 'segment 0 (from 0): neither; 1 (from 12): early; 2 (from 24): both');
});

t.test('event costs, interventions and rate factors', async (t) => {
  const m = compileModel(spec());
  t.same(m.eventCosts.map((e) => [e.id, e.label, Array.from(e.from), Array.from(e.to), e.amount, e.agency, e.cashable, e.onWithinStateMove]), [['e', 'Event', [1, 0, 0], [0, 1, 1], { type: 'fixed', value: 50 }, 4, false, true]]);
  const [iv, iv2] = m.interventions;
  t.same([iv.id, iv.label, Array.from(iv.eligible), iv.minAgeMonths, iv.maxAgeMonths, iv.oneOff, iv.perWeek, iv.durationMonths, iv.effectMonths, iv.agency], ['iv', 'Service', [1, 1, 0], 6, 15, { type: 'fixed', value: 10 }, { type: 'fixed', value: 20 }, 6, 6, 3]);
  t.same(iv.effects.map((e) => [Array.from(e.from), Array.from(e.to), e.multiplier, e.label]), [
    [[1, 0, 0], [0, 1, 0], { type: 'fixed', value: 0.5 }, 'effect on moves from residential home to youth custody'],
    [[0, 0, 1], [0, 1, 0], { type: 'fixed', value: 2 }, 'effect on moves from IFA care leaver to youth custody'],
  ]);
  t.same([iv2.minAgeMonths, iv2.maxAgeMonths, iv2.oneOff, iv2.perWeek, iv2.effectMonths, Array.from(iv2.eligible)], [0, 12_000, null, null, 9, [1, 0, 1]]);
  t.same(m.rateFactors.map((f) => [f.id, f.label, Array.from(f.from), Array.from(f.to), f.multiplier]), [['rf', 'Factor', [1, 0, 0], [0, 0, 1], { type: 'fixed', value: 1.5 }]]);
  const bare = spec();
  delete bare.eventCosts;
  delete bare.interventions;
  delete bare.rateFactors;
  const b = compileModel(bare);
  t.same([b.eventCosts, b.interventions, b.rateFactors], [[], [], []]);
  // Defaults: cashable, not a placement fee, no within-state moves.
  const defaults = spec();
  defaults.unitCosts = [{ id: 'd', label: 'D', states: ['a'], amount: 1, per: 'month', agency: 'health', source: 'test' }] as CostModelSpec['unitCosts'];
  defaults.eventCosts = [{ id: 'd', label: 'D', from: ['a'], to: ['b'], amount: 1, agency: 'health', source: 'test' }] as CostModelSpec['eventCosts'];
  const d = compileModel(defaults);
  t.same([d.unitCosts[0].cashable, d.unitCosts[0].placementFee, d.unitCosts[0].perWeek, d.eventCosts[0].cashable, d.eventCosts[0].onWithinStateMove], [true, false, false, true, false]);
});

t.test('selectorMask, effectLabel and the refusals', async (t) => {
  const s = spec();
  t.same(Array.from(selectorMask(s, ['@looked_after'])), [1, 0, 1]);
  t.same(Array.from(selectorMask(s, ['b', '@community'])), [0, 1, 0]);
  t.same(Array.from(selectorMask(s, [])), [0, 0, 0]);
  t.throws(() => selectorMask(s, ['zz']), { message: 'unknown state "zz"' });
  // Labels: by destination when unique; with origin when two share it; numbered when both do.
  const effects = [
    { from: ['a'], to: ['b'] },
    { from: ['a'], to: ['b'] },
    { from: ['c'], to: ['@looked_after'] },
    { from: ['a', 'b', 'c'], to: ['a', 'c'] },
  ];
  t.equal(effectLabel(s, effects, 2), 'effect on moves to any looked after state');
  t.equal(effectLabel(s, effects, 0), 'effect 1 on moves from residential home to youth custody');
  t.equal(effectLabel(s, effects, 1), 'effect 2 on moves from residential home to youth custody');
  t.equal(effectLabel(s, effects, 3), 'effect on moves to residential home or IFA care leaver');
  t.equal(effectLabel(s, [{ from: ['a', 'b', 'c'], to: ['b'] }, { from: ['a'], to: ['b'] }], 0), 'effect on moves from residential home and 2 other states to youth custody');
  t.equal(effectLabel(s, [{ from: ['a'], to: ['zz'] }], 0), 'effect on moves to zz', 'an unknown id as it is');
  const badFrom = spec();
  badFrom.transitions.young.zz = { a: 1 };
  t.throws(() => compileModel(badFrom), { message: 'unknown state "zz" in band young' });
  const badTo = spec();
  badTo.transitions.old.a = { zz: 1 };
  t.throws(() => compileModel(badTo), { message: 'unknown state "zz" in band old' });
  const badAge = spec();
  badAge.ageTransitions = [{ atAgeYears: 1, from: ['a'], to: { zz: 1 } }];
  t.throws(() => compileModel(badAge), { message: 'unknown state "zz" in age transition' });
  const badAgency = spec();
  badAgency.unitCosts[0].agency = 'police' as never;
  t.throws(() => compileModel(badAgency), { message: 'unknown agency "police"' });
  // The first agency (index 0) is known; a state without flags has none.
  const first = spec();
  first.unitCosts[0].agency = 'childrens_social_care';
  delete first.states[1].flags;
  const f = compileModel(first);
  t.equal(f.unitCosts[0].agency, 0);
  t.same([f.flags.neet[1], f.flags.custody[1]], [0, 0]);
  // A label with capitals inside but not at its start is kept as it is.
  const caps = spec();
  caps.states[0].label = 'IFA Foster';
  t.equal(effectLabel(caps, [{ from: ['a'], to: ['a'] }], 0), 'effect on moves to IFA Foster');
});
