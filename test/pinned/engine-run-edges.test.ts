import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { sampleGamma } from '../../src/simulation/distributions.ts';
import { type PersonPlan, Simulator } from '../../src/simulation/engine.ts';
import { metricLayout } from '../../src/simulation/layout.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { StreamPurpose, Xoshiro128, mix32 } from '../../src/simulation/random.ts';
import { twoStateModel } from '../helpers/small-models.ts';
import { oneSlotSimulator, twoPlacementsModel } from './helpers.ts';

/**
 * src/simulation/engine.ts, lines 651-929 (issue 13, mutation testing): what a run starts with.
 * prepareRuns and beginRun (the run's parameter draws, the means without uncertainty, unit,
 * event and intervention prices), priceBase and priceSlot (the run's prices, agreed weekly
 * prices), baseRowInto (the run's Dirichlet rows) and buildRow (factors, effects, period rates,
 * redirects). Expectations are recomputed independently here: a parameter's draw from the keyed
 * stream documented in random.ts and the distribution's quantile written out (min + u × (max −
 * min) for a uniform); a Dirichlet row from sampleGamma (the unprepared sampler, not the
 * kernel's prepared constants) on the row's own stream, normalised; prices worked by hand.
 *
 * Private state (parameterValues is public; the rows and prices are not) is read through a
 * cast, as engine-edges.test.ts does for rateValues: the kernel uses these numbers only inside
 * transitions, where one draw cannot be told apart exactly. Fixtures are built inside the tests
 * (a throw at a file's top level is a Stryker runtime error, not a kill).
 */

/** FNV-1a, 32 bits, then mix32: the parameter-name key (engine.ts hashString; engine-edges checks FNV-1a's published vectors). */
function nameKey(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return mix32(h >>> 0);
}

/** The uniform a parameter named `name` gets in run `run` of `seed`: stream (seed, parameters, run, key(name)), first open double. */
function parameterUniform(seed: number, run: number, name: string): number {
  return new Xoshiro128().reseed(seed, StreamPurpose.parameters, run, nameKey(name)).nextOpenDouble();
}

const uniformAt = (min: number, max: number, u: number) => min + u * (max - min);

const person = (extra: Partial<PersonPlan> = {}): PersonPlan => ({ ageMonths: 120, startState: 0, key: 0, months: 12, moves: [], interventions: [], currentPlacementWeeklyPrice: null, ...extra });

/**
 * Two states (A placement, B absorbing), every parameter kind uniform: the unit cost of A
 * U(100, 300) a month, the event A → B U(5, 9), intervention "iv" a one-off U(1000, 2000) and no
 * weekly cost, two effects U(0, 1) and U(1, 3); "plain" with a fixed weekly cost only; a rate
 * factor U(0.5, 1.5). Parameter order (parameterList): unit:a_cost, event:leave,
 * intervention:iv:one_off, intervention:iv:per_week, effect:iv:0, effect:iv:1,
 * intervention:plain:one_off, intervention:plain:per_week, factor:f.
 */
function uniformSpec(): CostModelSpec {
  return twoStateModel(0.5, {
    unitCosts: [{ id: 'a_cost', label: 'A', states: ['a'], amount: { type: 'uniform', min: 100, max: 300 }, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true }],
    eventCosts: [{ id: 'leave', label: 'Leaving', from: ['a'], to: ['b'], amount: { type: 'uniform', min: 5, max: 9 }, agency: 'health', source: 'test' }],
    interventions: [
      {
        id: 'iv',
        label: 'Support',
        eligibility: { states: ['a'] },
        cost: { oneOff: { type: 'uniform', min: 1000, max: 2000 }, durationMonths: 1, agency: 'health' },
        effects: [
          { from: ['a'], to: ['b'], multiplier: { type: 'uniform', min: 0, max: 1 } },
          { from: ['b'], to: ['a'], multiplier: { type: 'uniform', min: 1, max: 3 } },
        ],
        source: 'test',
      },
      { id: 'plain', label: 'Plain', eligibility: { states: ['a'] }, cost: { perWeek: 10, durationMonths: 2, agency: 'education' }, effects: [], source: 'test' },
    ],
    rateFactors: [{ id: 'f', label: 'Leaving care', from: ['a'], to: ['b'], multiplier: { type: 'uniform', min: 0.5, max: 1.5 } }],
  } as Partial<CostModelSpec>);
}

t.test('beginRun draws each parameter from its own keyed stream (seed, run, name)', async (t) => {
  // Pins beginRun’s own draws (lines 716-719; their mutants are also killed by the frozen-kernel
  // comparison in engine-kernel-edges.test.ts) against an independent recomputation: the stream
  // (seed, parameters, run, key(name)), its first open double u, and min + u × (max − min).
  const model = compileModel(uniformSpec());
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: 2, nAgeYears: 25, nInterventions: 2 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: true });
  t.same(
    simulator.parameters.map((p) => p.name),
    ['unit:a_cost', 'event:leave', 'intervention:iv:one_off', 'intervention:iv:per_week', 'effect:iv:0', 'effect:iv:1', 'intervention:plain:one_off', 'intervention:plain:per_week', 'factor:f'],
  );
  const expected = (seed: number, run: number) => {
    const u = (name: string) => parameterUniform(seed, run, name);
    return [
      uniformAt(100, 300, u('unit:a_cost')),
      uniformAt(5, 9, u('event:leave')),
      uniformAt(1000, 2000, u('intervention:iv:one_off')),
      0, // no weekly cost: not drawn
      uniformAt(0, 1, u('effect:iv:0')),
      uniformAt(1, 3, u('effect:iv:1')),
      0, // no one-off cost
      10, // fixed
      uniformAt(0.5, 1.5, u('factor:f')),
    ];
  };
  for (const [seed, run] of [
    [1, 0],
    [1, 1],
    [2, 0],
    [2 ** 40 + 3, 17],
  ]) {
    simulator.beginRun(seed, run);
    t.same([...simulator.parameterValues], expected(seed, run), `seed ${seed}, run ${run}`);
  }
  // Reproducible: run 0 of seed 1 again, after other runs.
  simulator.beginRun(1, 0);
  t.same([...simulator.parameterValues], expected(1, 0), 'seed 1, run 0 again');
});

t.test('prepareRuns draws ahead the same values; without uncertainty the means, whatever was prepared', async (t) => {
  // Pins the prepared branch (lines 710-713) and the means (line 723): runs inside and outside
  // the chunk, absent costs at 0, and nothing prepared read without uncertainty.
  const model = compileModel(uniformSpec());
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: 2, nAgeYears: 25, nInterventions: 2 });
  const clock = { startYear: 2026, startMonth: 4 };
  const ahead = new Simulator(model, layout, clock, { parameterUncertainty: true });
  ahead.prepareRuns(5, 2, 4);
  for (const run of [2, 3, 4, 1]) {
    ahead.beginRun(5, run);
    t.equal(ahead.parameterValues[0], uniformAt(100, 300, parameterUniform(5, run, 'unit:a_cost')), `run ${run}: unit cost`);
    t.equal(ahead.parameterValues[3], 0, `run ${run}: the absent weekly cost`);
    t.equal(ahead.parameterValues[6], 0, `run ${run}: the absent one-off`);
    t.equal(ahead.parameterValues[8], uniformAt(0.5, 1.5, parameterUniform(5, run, 'factor:f')), `run ${run}: rate factor`);
  }
  // The means: U(100, 300) → 200, U(5, 9) → 7, U(1000, 2000) → 1500, absent → 0, U(0, 1) → 0.5,
  // U(1, 3) → 2, absent → 0, fixed 10, U(0.5, 1.5) → 1.
  const means = new Simulator(model, layout, clock, { parameterUncertainty: false });
  means.prepareRuns(5, 0, 3);
  for (const run of [0, 1, 7]) {
    means.beginRun(5, run);
    t.same([...means.parameterValues], [200, 7, 1500, 0, 0.5, 2, 0, 10, 1], `run ${run}: the means`);
  }
});

type RowAccess = { baseRowInto(band: number, s: number, p: Float64Array): void; withinRate(s: number): number };

/**
 * Three states under one band "all": a (placement) stays 0.7, to b 0.28, to c 0.02; b half to
 * a; c absorbing. Concentration 20 but for a's and b's own pseudo-counts: with 20, a's row is
 * Dirichlet(14, 5.6, 0.4) (the last shape below 1, drawn boosted); c's row is Dirichlet(0, 0, 20).
 */
function dirichletSpec(aConcentration: number, bConcentration: number): CostModelSpec {
  return twoStateModel(0, {
    ageBands: [{ id: 'all', fromYears: 0, toYears: 25 }],
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true },
      { id: 'b', label: 'B', category: 'looked_after', flags: ['in_care'], placement: true },
      { id: 'c', label: 'C', category: 'community', terminal: true },
    ],
    transitions: { all: { a: { a: 0.7, b: 0.28, c: 0.02 }, b: { b: 0.5, a: 0.5 }, c: { c: 1 } } },
    rateUncertainty: { concentration: 20, rowConcentration: { all: { a: aConcentration, b: bConcentration } } },
  } as Partial<CostModelSpec>);
}

/** Dirichlet(concentration × row) from the row's stream (seed, dirichletRow, run, key("band/state")): gamma draws in order, normalised. */
function dirichletRow(seed: number, run: number, key: string, concentration: number, row: ArrayLike<number>): number[] {
  const rng = new Xoshiro128().reseed(seed, StreamPurpose.dirichletRow, run, nameKey(key));
  const g = Array.from(row, (q) => sampleGamma(concentration * q, rng));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((x) => x / sum);
}

t.test('a run’s Dirichlet row: gamma draws on the row’s own stream, normalised; the same all run long', async (t) => {
  // Kills 865:36 `j <= nS` in the normalisation (it divides the next row's first entry, b's,
  // drawn before a's here, by a's sum) and, with the rows read again, any loss of the per-run
  // cache or of a row's keyed stream.
  const model = compileModel(dirichletSpec(20, 8));
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: 3, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: true });
  const rows = simulator as unknown as RowAccess;
  const base = (s: number) => model.baseRows.subarray(s * 3, s * 3 + 3);
  const p = new Float64Array(3);
  const drawn: number[][] = [];
  const cases = [
    [1, 'b', 8],
    [0, 'a', 20],
    [2, 'c', 20],
  ] as const;
  for (const [seed, run] of [
    [3, 0],
    [3, 1],
    [2 ** 35 + 1, 0],
  ]) {
    simulator.beginRun(seed, run);
    for (const again of [false, true]) {
      for (const [s, id, concentration] of cases) {
        p.fill(9);
        rows.baseRowInto(0, s, p);
        const expected = dirichletRow(seed, run, `all/${id}`, concentration, base(s));
        t.same([...p], expected, `seed ${seed}, run ${run}, row ${id}${again ? ', read again' : ''}`);
        t.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12, 'sums to 1');
        if (s === 0 && !again) drawn.push(expected);
      }
    }
    t.same([...p], [0, 0, 1], 'c is absorbing in every draw (zero entries stay zero)');
  }
  t.not(drawn[0][0], drawn[1][0], 'another run, another row');
  t.not(drawn[0][0], drawn[2][0], 'another seed, another row');
  t.ok(drawn[0][2] > 0 && drawn[0][2] < 0.2, 'the boosted shape (0.4) gives a small positive entry');

  // Back to the first run: the same row again (keyed, not carried over).
  simulator.beginRun(3, 0);
  rows.baseRowInto(0, 0, p);
  t.same([...p], drawn[0], 'seed 3, run 0 again');

  // Without uncertainty: the base rows, every run.
  const fixed = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const fixedRows = fixed as unknown as RowAccess;
  for (const run of [0, 1]) {
    fixed.beginRun(3, run);
    for (const s of [0, 1, 2]) {
      fixedRows.baseRowInto(0, s, p);
      t.same([...p], [...base(s)], `means, run ${run}, row ${s}`);
    }
  }
});

t.test('a row whose gamma draws all underflow to 0 keeps its base probabilities', async (t) => {
  // Kills 865:11 `sum > 0` → true or `>=` (0/0: NaN) and the fallback loop (866, no coverage
  // before): `j < nS` → false or `>=` (the gammas' zeros kept), `j++` → `j--`, `at + j` → `at −
  // j` on either side, and `j <= nS` (it resets the next row's first entry, b's, drawn before
  // a's here, to b's base 0.5).
  // a's pseudo-count 1e-9: shapes of 1e-9 × (0.7, 0.28, 0.02), each drawn as Gamma(1 + shape) ×
  // U^(1/shape), which underflows to 0 unless U > 1 − 745 × shape (U^(1/shape) ≈ e^(−(1 − U)/shape),
  // below the smallest double once the exponent passes 745; 1 − 5.3e-7 for the largest shape,
  // 7e-10): the sum is 0, so the row falls back to (0.7, 0.28, 0.02) rather than 0/0.
  const model = compileModel(dirichletSpec(1e-9, 8));
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: 3, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: true });
  const rows = simulator as unknown as RowAccess;
  const p = new Float64Array(3);
  for (const run of [0, 1, 2]) {
    simulator.beginRun(3, run);
    const b = dirichletRow(3, run, 'all/b', 8, [0.5, 0.5, 0]);
    rows.baseRowInto(0, 1, p);
    t.same([...p], b, `run ${run}: b drawn`);
    rows.baseRowInto(0, 0, p);
    t.same([...p], [0.7, 0.28, 0.02], `run ${run}: a at its base row`);
    rows.baseRowInto(0, 1, p);
    t.same([...p], b, `run ${run}: b as drawn`);
  }
});

t.test('moves within a placement happen only in placements, at their stated rate', async (t) => {
  // Kills 875:12 `isPlacement[s] === 1 && rate > 0` → true or `||`, and `isPlacement[s] === 1` →
  // true: a state that is not a placement has no moves within it, whatever its field says
  // (validate-model refuses such a model; compileModel alone does not).
  const model = compileModel(
    twoStateModel(0, {
      states: [
        { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true, withinStatePlacementMoves: 0.25 },
        { id: 'b', label: 'B', category: 'community', withinStatePlacementMoves: 0.5 },
        { id: 'c', label: 'C', category: 'looked_after', placement: true },
      ],
      transitions: { all: { a: { a: 1 }, b: { b: 1 }, c: { c: 1 } } },
    } as Partial<CostModelSpec>),
  );
  const layout = metricLayout({ nFinancialYears: 1, nAgencies: 6, nStates: 3, nAgeYears: 25, nInterventions: 0 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  const rows = simulator as unknown as RowAccess;
  t.same([0, 1, 2].map((s) => rows.withinRate(s)), [0.25, 0, 0]);
});

t.test('a cost stated per month or per year is rounded to the penny a month; a weekly one is not', async (t) => {
  // Pins priceBase's rounding (line 776: `perWeek ? monthly : round(monthly)`) and its fills
  // (lines 778-783) over two runs.
  // Two states, q = 0: a person aged 10 in A for the 12 months from April 2026. A costs £1 a
  // year (children's social care: 100/12 = 8.33… pence a month, rounded to 8; 96 pence a year),
  // £0.015 a month (health: 0.015 × 100 is 1.5 as a double, rounded half up to 2; 24 pence) and
  // £1 a week (education: held unrounded per standard month, 100 × 365/84 = 434.52…, in 64ths of
  // a penny 434.53125; 5,214.375 pence a year).
  const spec = twoStateModel(0, {
    unitCosts: [
      { id: 'yearly', label: 'Yearly', states: ['a'], amount: 1, per: 'year', agency: 'childrens_social_care', source: 'test' },
      { id: 'monthly', label: 'Monthly', states: ['a'], amount: 0.015, per: 'month', agency: 'health', source: 'test' },
      { id: 'weekly', label: 'Weekly', states: ['a'], amount: 1, per: 'week', agency: 'education', source: 'test' },
    ],
  });
  const { layout, simulator, slot } = oneSlotSimulator(spec, { nFinancialYears: 1, nStates: 2, nInterventions: 0 });
  // Two runs on one simulator: the second's prices are not added to the first's.
  for (const run of [0, 1]) {
    const out = new Float64Array(layout.size);
    simulator.beginRun(1, run);
    simulator.simulate(slot, person(), out, 0);
    simulator.flush(slot, out, 0);
    t.same([...out.slice(layout.costFyAgency, layout.costFyAgency + 12)], [0, 96, 0, 5214.375, 0, 24, 0, 0, 0, 0, 0, 0], `run ${run}: by agency (cashable)`);
    t.equal(out[layout.costAge + 10], 96 + 24 + 5214.375, `run ${run}: by age`);
  }
});

t.test('an agreed weekly price replaces the placement fee on its own agency’s line, run after run', async (t) => {
  // Kills 782:5 `base.feePence.fill(0)` removed (the second run subtracts two runs' fees), 820:9
  // and 821:9 `-= feePence` → `+=` (the fee kept twice beside the agreed price), 819:21 `cell × nA
  // + feeAgency` → `−` (the agreed price booked to another cell's line, B's fee left), and 695:29
  // `lines = ["Stryker was here"]` (an extra line 0 listed for cell 0, booking A's
  // non-cashable children's social care fee twice).
  // Two placements, q = 0, people aged 10 for the 12 months from April 2026 (scale 1 for 2026-27).
  // A: a fee of £100 a month, children's social care, not cashable (line 0 × 2 + 0 = 0). B: a
  // fee of £300 a month to health (agency 2, cashable: line 2 × 2 + 1 = 5), replaced by an
  // agreed £7 a week: 7 × 365/84 × 100 = 3,041.66… pence a standard month, held in 64ths of a
  // penny as round(194,666.6…)/64 = 3,041.671875; 12 months: 36,500.0625.
  const spec = twoPlacementsModel([
    { id: 'a_fee', label: 'A fee', states: ['a'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true, cashable: false },
    { id: 'b_fee', label: 'B fee', states: ['b'], amount: 300, per: 'month', agency: 'health', source: 'test', placementFee: true },
  ]);
  const { layout, simulator, slot } = oneSlotSimulator(spec, { nFinancialYears: 1, nStates: 2, nInterventions: 0 }, { interventions: [], statePrices: [{ state: 1, weeklyPrice: 7 }] });
  const lines = Array(12).fill(0);
  lines[0] = 120_000;
  lines[5] = 36_500.0625;
  for (const run of [0, 1, 2]) {
    const out = new Float64Array(layout.size);
    simulator.beginRun(1, run);
    simulator.simulate(slot, person({ startState: 0 }), out, 0);
    simulator.simulate(slot, person({ startState: 1, key: 1 }), out, 0);
    simulator.flush(slot, out, 0);
    t.same([...out.slice(layout.costFyAgency, layout.costFyAgency + 12)], lines, `run ${run}: by agency line`);
    t.same([out[layout.costState], out[layout.costState + 1]], [120_000, 36_500.0625], `run ${run}: by state`);
  }
});

t.test('an intervention’s weekly cost is priced when it has one, whatever the intervention before it lacks', async (t) => {
  // Kills 732:49 `parameterDrawn[p + 1]` → `[p − 1]`: "second"'s weekly cost would be read as
  // absent because "first" (just before it) has no weekly cost. Two states, q = 0; "second"
  // costs £10 a week for 2 months (education): round(10 × 365/84 × 100) = round(4,345.238…) =
  // 4,345 pence a month, 8,690 in all; "first" costs £500 once.
  const spec = twoStateModel(0, {
    interventions: [
      { id: 'first', label: 'First', eligibility: { states: ['a'] }, cost: { oneOff: 500, durationMonths: 1, agency: 'health' }, effects: [], source: 'test' },
      { id: 'second', label: 'Second', eligibility: { states: ['a'] }, cost: { perWeek: 10, durationMonths: 2, agency: 'education' }, effects: [], source: 'test' },
    ],
  });
  const { layout, simulator, slot } = oneSlotSimulator(spec, { nFinancialYears: 1, nStates: 2, nInterventions: 2 }, { interventions: [0, 1], statePrices: [] });
  const out = new Float64Array(layout.size);
  simulator.beginRun(1, 0);
  simulator.simulate(slot, person({ interventions: [{ slotIndex: 0, startMonth: 0 }, { slotIndex: 1, startMonth: 0 }] }), out, 0);
  simulator.flush(slot, out, 0);
  t.same([out[layout.costIntervention], out[layout.costIntervention + 1]], [50_000, 8_690]);
});

t.test('each rate factor takes its own value', async (t) => {
  // Kills 736:86 `values[at.rateFactors + i]` → `− i`: the second factor would take the unit
  // cost's value (100) instead of its own 0. Two states, q = 1; factors A → B × 1 and × 0: nobody
  // leaves A, 12 months there (with × 100 the exits are scaled down to 1: gone at once).
  const spec = twoStateModel(1, {
    rateFactors: [
      { id: 'keep', label: 'Keep', from: ['a'], to: ['b'], multiplier: 1 },
      { id: 'stop', label: 'Stop', from: ['a'], to: ['b'], multiplier: 0 },
    ],
  } as Partial<CostModelSpec>);
  const { layout, simulator, slot } = oneSlotSimulator(spec, { nFinancialYears: 1, nStates: 2, nInterventions: 0 });
  const out = new Float64Array(layout.size);
  simulator.beginRun(1, 0);
  simulator.simulate(slot, person(), out, 0);
  simulator.flush(slot, out, 0);
  t.same([out[layout.monthsState], out[layout.monthsState + 1]], [12, 0]);
});

t.test('prepareRuns over more runs than parameters: every run’s values in its own place', async (t) => {
  // Kills 666:47 `values[r × nParameters + p] = 0` → `r ÷ nParameters`: for r = 27 and 36 the
  // absent one-off (p = 6) would zero run 1's unit and event costs (indices 9 and 10), written
  // before it. Nine parameters, 40 runs ahead; each run checked against its own draws.
  const model = compileModel(uniformSpec());
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 6, nStates: 2, nAgeYears: 25, nInterventions: 2 });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: true });
  simulator.prepareRuns(11, 0, 40);
  let same = 0;
  for (let run = 0; run < 40; run++) {
    simulator.beginRun(11, run);
    const v = simulator.parameterValues;
    const u = (name: string) => parameterUniform(11, run, name);
    if (
      v[0] === uniformAt(100, 300, u('unit:a_cost')) &&
      v[1] === uniformAt(5, 9, u('event:leave')) &&
      v[2] === uniformAt(1000, 2000, u('intervention:iv:one_off')) &&
      v[3] === 0 &&
      v[4] === uniformAt(0, 1, u('effect:iv:0')) &&
      v[5] === uniformAt(1, 3, u('effect:iv:1')) &&
      v[6] === 0 &&
      v[7] === 10 &&
      v[8] === uniformAt(0.5, 1.5, u('factor:f'))
    ) {
      same++;
    } else t.fail(`run ${run}: ${[...v]}`);
  }
  t.equal(same, 40, 'all 40 runs as drawn');
});
