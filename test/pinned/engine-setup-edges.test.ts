import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { type PersonPlan, type PlanSlot, Simulator } from '../../src/simulation/engine.ts';
import { type MetricLayout, metricLayout } from '../../src/simulation/layout.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { StreamPurpose, Xoshiro128 } from '../../src/simulation/random.ts';
import { twoStateModel } from '../helpers/small-models.ts';
import { oneSlotSimulator } from './helpers.ts';

/**
 * src/simulation/engine.ts, lines 409-650 (issue 13, mutation testing): the Simulator's
 * constructor and addSlot, which lay out what simulate() and flush() read: whether rows are
 * uncertain (drawn again each run), the birthday rules' rows, and where a placement fee is
 * booked. Each test names the mutants it kills; the survivors no input can tell apart are
 * listed with reasons in the mutation notes (e.g. loops that run one past the end of a typed
 * array, sharing of rows and prices between slots, which only saves work). Fixtures are built
 * inside the tests (a throw at a file's top level is a Stryker runtime error, not a kill).
 */

const person = (extra: Partial<PersonPlan> = {}): PersonPlan => ({ ageMonths: 120, startState: 0, key: 0, months: 12, moves: [], interventions: [], currentPlacementWeeklyPrice: null, ...extra });

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/** One run of `people` under slot `index`: the run's vector. */
function runVector(simulator: Simulator, layout: MetricLayout, index: number, seed: number, run: number, people: PersonPlan[]): Float64Array {
  const out = new Float64Array(layout.size);
  simulator.beginRun(seed, run);
  for (const p of people) simulator.simulate(index, p, out, 0);
  simulator.flush(index, out, 0);
  return out;
}

/**
 * Run 2 of a simulator that ran run 1 first, against a fresh simulator that runs only run 2:
 * the same vector bit for bit when rows are drawn again each run. A simulator that thinks its
 * rows are certain builds each row once and keeps it, so its run 2 moves people by run 1's rows.
 * Also returns whether runs 1 and 2 differ (else the comparison could not see a stale row).
 */
function secondRun(spec: CostModelSpec, slot: PlanSlot, people: PersonPlan[]) {
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 4, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: model.interventions.length });
  const clock = { startYear: 2026, startMonth: 4 };
  const used = new Simulator(model, layout, clock, { parameterUncertainty: true });
  const usedSlot = used.addSlot(slot);
  const first = runVector(used, layout, usedSlot, 17, 1, people);
  const second = runVector(used, layout, usedSlot, 17, 2, people);
  const fresh = new Simulator(model, layout, clock, { parameterUncertainty: true });
  const alone = runVector(fresh, layout, fresh.addSlot(slot), 17, 2, people);
  return { same: sameBits(second, alone), runsDiffer: !sameBits(first, second), months: second[layout.monthsState] };
}

/** 30 people in A at 10 years old, 36 months each (A: in care, £100 a month; B: absorbing). */
const cohort = () => Array.from({ length: 30 }, (_, k) => person({ key: k, months: 36 }));

t.test('rows are drawn again each run when the model makes them uncertain (Dirichlet rows, rate factors, intervention effects)', async (t) => {
  // Kills the constructor's uncertainRows (lines 490-492): `parameterUncertainty && …` → false;
  // the whole `(…)` → false; `(a || b) && c` and `a && b || c` (a model with only one of the
  // three); `rowConcentration.some` → `every` (one row concentrated, the other not) and its
  // callback → `() => undefined`, `c > 0` → false or `c <= 0` (every row concentrated);
  // `rateFactors.length > 0` → false or `<= 0`; `interventions.some` → `every` (one
  // intervention without effects) and its callback → `() => undefined`, `effects.length > 0` →
  // false, or `<= 0` (every intervention has effects). Each model below has exactly one source of row uncertainty and a slot
  // without periods (addSlot's own switch, line 572, stays off), so with the switch off run 2
  // reuses run 1's rows. (Switched on when nothing is uncertain, rows are only rebuilt the same:
  // `true`, `c >= 0` and the like are equivalent.)
  const plain: PlanSlot = { interventions: [], statePrices: [] };
  const cases: Array<[string, CostModelSpec, PlanSlot, PersonPlan[]]> = [
    // One row (A's) with a Dirichlet pseudo-count, B's row certain (a hand-made model: the
    // schema gives every row a count once it gives any, so `every` only shows here).
    ['A’s row only', { ...twoStateModel(0.1), rateUncertainty: { rowConcentration: { all: { a: 20 } } } } as unknown as CostModelSpec, plain, cohort()],
    ['every row', { ...twoStateModel(0.1), rateUncertainty: { concentration: 20 } }, plain, cohort()],
    ['a rate factor', twoStateModel(0.1, { rateFactors: [{ id: 'leave', label: 'Leaving', from: ['a'], to: ['b'], multiplier: { type: 'uniform', min: 0.2, max: 1.8 } }] }), plain, cohort()],
    [
      'an effect of the second intervention (the first has none)',
      twoStateModel(0.1, {
        interventions: [
          { id: 'none', label: 'No effect', eligibility: { states: ['a'] }, cost: { oneOff: 10, durationMonths: 1, agency: 'health' }, effects: [], source: 'test' },
          { id: 'cut', label: 'Cut', eligibility: { states: ['a'] }, cost: { oneOff: 10, durationMonths: 1, agency: 'health' }, effectDurationMonths: 36, effects: [{ from: ['a'], to: ['b'], multiplier: { type: 'uniform', min: 0.2, max: 1.8 } }], source: 'test' },
        ],
      }),
      { interventions: [0, 1], statePrices: [] },
      cohort().map((p) => ({ ...p, interventions: [{ slotIndex: 0, startMonth: 0 }, { slotIndex: 1, startMonth: 0 }] })),
    ],
    [
      'an effect of the only intervention',
      twoStateModel(0.1, {
        interventions: [
          { id: 'cut', label: 'Cut', eligibility: { states: ['a'] }, cost: { oneOff: 10, durationMonths: 1, agency: 'health' }, effectDurationMonths: 36, effects: [{ from: ['a'], to: ['b'], multiplier: { type: 'uniform', min: 0.2, max: 1.8 } }], source: 'test' },
        ],
      }),
      { interventions: [0], statePrices: [] },
      cohort().map((p) => ({ ...p, interventions: [{ slotIndex: 0, startMonth: 0 }] })),
    ],
  ];
  for (const [name, spec, slot, people] of cases) {
    const { same, runsDiffer, months } = secondRun(spec, slot, people);
    t.ok(runsDiffer, `${name}: runs 1 and 2 differ`);
    t.ok(months > 100, `${name}: people stay in A for a while (${months} months)`);
    t.ok(same, `${name}: run 2 after run 1 = run 2 alone`);
  }
});

t.test('a slot whose periods change rates under uncertainty makes rows uncertain (addSlot)', async (t) => {
  // Kills addSlot's `parameterUncertainty && periods?.some(p => p.rates.length > 0)` (line
  // 572) → false, `some` → `every` (the first period changes nothing), the callback → `() =>
  // undefined`, `rates.length > 0` → false, or `<= 0` (a slot whose every period changes
  // rates). The model's rows are certain (q = 0.1, no factors, effects or pseudo-counts), so
  // only the slot's drawn rate change (A → B × uniform(0.2, 1.8), from 2027-28 or throughout)
  // makes run 2's rows differ from run 1's. (Switched on without uncertainty or without drawn
  // rates, rows are only rebuilt the same: `true`, `||`, `>= 0` are equivalent.)
  const A = Uint8Array.of(1, 0);
  const B = Uint8Array.of(0, 1);
  const slot: PlanSlot = {
    interventions: [],
    statePrices: [],
    periods: [
      { rates: [], redirects: [] },
      { rates: [{ name: 'leave', from: A, to: B, multiplier: { type: 'uniform', min: 0.2, max: 1.8 } }], redirects: [] },
    ],
  };
  // Every period with a rate change (`rates.length <= 0` finds none): from 2026-27 on.
  const everyPeriod: PlanSlot = { interventions: [], statePrices: [], periods: [slot.periods?.[1] as NonNullable<PlanSlot['periods']>[number]] };
  for (const [name, s] of [
    ['the first period changes nothing', slot],
    ['every period changes A → B', everyPeriod],
  ] as const) {
    const { same, runsDiffer, months } = secondRun(twoStateModel(0.1), s, cohort());
    t.ok(runsDiffer, `${name}: runs 1 and 2 differ`);
    t.ok(months > 100, `${name}: people stay in A for a while (${months} months)`);
    t.ok(same, `${name}: run 2 after run 1 = run 2 alone`);
  }
});

t.test('a birthday rule’s row for a state after the first is read whole (the rule rows hold nS × nS per rule)', async (t) => {
  // Kills `ageRuleThresholds = new Float64Array(rules.length × nS × nS)` → `rules.length × nS /
  // nS` and `rules.length / nS × nS` (line 497): one threshold per rule, so B's row (the second
  // state's, at 3-5) reads undefined, `r >= undefined` is false, and everyone takes the row's
  // first entry (A). Three states, identity rows; at 11 years B → A or C, half each (B itself 0:
  // the row is [A at ceil(0.5 × 2^32) = 2^31, C at NEVER]). Someone in B at 131 months: the
  // transition out of month 0 is the rule's (age 132); its 32 bits are the third of the
  // person's trajectory stream (the first two make the offer draw, a double): below 2^31 → A,
  // else C, for the 11 months after.
  const spec = {
    ...twoStateModel(0),
    states: [
      { id: 'a', label: 'A', category: 'community' },
      { id: 'b', label: 'B', category: 'community' },
      { id: 'c', label: 'C', category: 'community' },
    ],
    transitions: { all: { a: { a: 1 }, b: { b: 1 }, c: { c: 1 } } },
    ageTransitions: [{ atAgeYears: 11, from: ['b'], to: { a: 0.5, c: 0.5 } }],
    unitCosts: [],
  } as unknown as CostModelSpec;
  const { layout, simulator, slot } = oneSlotSimulator(spec, { nFinancialYears: 2, nStates: 3, nInterventions: 0 });
  const seed = 5;
  const run = 3;
  const expected = [0, 0, 0];
  const out = new Float64Array(layout.size);
  simulator.beginRun(seed, run);
  for (let key = 0; key < 8; key++) {
    const rng = new Xoshiro128().reseed(seed, StreamPurpose.trajectory, run, key);
    rng.nextDouble();
    const bits = rng.nextUint32();
    expected[1] += 1;
    expected[bits < 2 ** 31 ? 0 : 2] += 11;
    simulator.simulate(slot, person({ key, startState: 1, ageMonths: 131 }), out, 0);
  }
  simulator.flush(slot, out, 0);
  t.ok(expected[0] > 0 && expected[2] > 0, `both ways taken: ${expected}`);
  t.same([...out.slice(layout.monthsState, layout.monthsState + 3)], expected, 'months in A, B, C');
});

t.test('a placement fee is booked where the state’s first fee line is, with its cashable flag', async (t) => {
  // Kills the constructor's choice of a cell's fee line: `c.placementFee && feeAgency[cell] <
  // 0` → `&& true` (the last fee line wins) or `<= 0` (line 535: a first line booked to
  // children's social care, agency 0, is taken over by the next); and the default for a cell
  // without one, `feeAgency[cell] < 0` → `<= 0` (line 543: a children's social care fee line
  // would be made cashable).
  // Two states, q = 0 (A for good). A has two fee lines: £100 a month to children's social
  // care, not cashable (first), and £50 a month to health (cashable). Someone in A for the 12
  // months of 2026-27 at an actual £200 a week: the actual price replaces both fees and the
  // difference is booked to the first fee line's agency and flag. A standard month of £200 a
  // week is 20,000 × 365/84 = 86,904.7619… pence, held as round(× 64)/64 = 5,561,905/64 =
  // 86,904.765625 (2026-27 has 365 days: scale 1); less the fees, 15,000: 71,904.765625 a
  // month, 862,857.1875 for 12. Children's social care, not cashable (costFyAgency index 0):
  // the fee's 12 × 10,000 + that = 982,857.1875; health, cashable (index 2 × 2 + 1 = 5): 12 ×
  // 5,000 = 60,000. A has a fee line, so no default touches it.
  const spec = twoStateModel(0, {
    unitCosts: [
      { id: 'fee_csc', label: 'Fee', states: ['a'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true, cashable: false },
      { id: 'fee_health', label: 'Health fee', states: ['a'], amount: 50, per: 'month', agency: 'health', source: 'test', placementFee: true },
    ],
  });
  const { layout, simulator, slot } = oneSlotSimulator(spec, { nFinancialYears: 1, nStates: 2, nInterventions: 0 });
  const out = new Float64Array(layout.size);
  simulator.beginRun(1, 0);
  simulator.simulate(slot, person({ currentPlacementWeeklyPrice: 200 }), out, 0);
  simulator.flush(slot, out, 0);
  const byLine = Array(12).fill(0);
  byLine[0] = 982_857.1875;
  byLine[5] = 60_000;
  t.same([...out.slice(layout.costFyAgency, layout.costFyAgency + 12)], byLine, 'children’s social care not cashable, health cashable');
  t.equal(out[layout.costState], 982_857.1875 + 60_000);
});
