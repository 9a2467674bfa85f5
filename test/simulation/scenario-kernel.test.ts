import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { type PersonPlan, type PlanSlot, Simulator } from '../../src/simulation/engine.ts';
import { metricLayout, runTotal } from '../../src/simulation/layout.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { twoStateModel } from '../helpers/small-models.ts';

/** x (free) → y (£100 a month, capped) every month; z (£300 a month) is y's overflow. */
function capacityModel(): CostModelSpec {
  const base = twoStateModel(0.5);
  return {
    ...base,
    id: 'capacity',
    states: [
      { id: 'x', label: 'X', category: 'edge_of_care' },
      { id: 'y', label: 'Y', category: 'looked_after', flags: ['in_care'], placement: true, terminal: true },
      { id: 'z', label: 'Z', category: 'looked_after', flags: ['in_care'], placement: true, terminal: true },
    ],
    transitions: { all: { x: { y: 1 }, y: { y: 1 }, z: { z: 1 } } },
    unitCosts: [
      { id: 'y_cost', label: 'Y', states: ['y'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test' },
      { id: 'z_cost', label: 'Z', states: ['z'], amount: 300, per: 'month', agency: 'childrens_social_care', source: 'test' },
    ],
    interventions: [
      {
        id: 'support',
        label: 'Support',
        eligibility: { states: ['x'] },
        cost: { oneOff: 1000, durationMonths: 1, agency: 'health' },
        effects: [],
        source: 'test',
      },
    ],
  };
}

function run(spec: CostModelSpec, slot: PlanSlot, people: PersonPlan[], runs = 1, seed = 1) {
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: 3, nAgencies: 6, nStates: model.nStates, nAgeYears: 25, nInterventions: model.interventions.length });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: true });
  const index = simulator.addSlot(slot);
  const totals: number[] = [];
  const vectors: Float64Array[] = [];
  for (let r = 0; r < runs; r++) {
    const out = new Float64Array(layout.size);
    simulator.beginRun(seed, r);
    for (const person of people) simulator.simulate(index, person, out, 0);
    simulator.flush(index, out, 0);
    totals.push(runTotal(layout, out) / 100);
    vectors.push(out);
  }
  return { totals, vectors, layout };
}

const person = (extra: Partial<PersonPlan> = {}): PersonPlan => ({
  ageMonths: 120,
  startState: 0,
  key: 0,
  months: 24,
  moves: [],
  interventions: [],
  currentPlacementWeeklyPrice: null,
  ...extra,
});

t.test('a new entrant joins at its month and is costed from then', async (t) => {
  // Two states with q = 0: A costs £100 a month for good. Someone entering at month 11
  // (March 2027) is in A for months 11 to 23: 13 months, £1,300; 2026-27 holds one month.
  const { totals, vectors, layout } = run(twoStateModel(0), { interventions: [], statePrices: [] }, [person({ offset: 11 })]);
  t.equal(totals[0], 1300);
  const fy = (f: number) => vectors[0].slice(layout.costFyAgency + f * 12, layout.costFyAgency + (f + 1) * 12).reduce((a, b) => a + b, 0) / 100;
  t.same([fy(0), fy(1)], [100, 1200]);
  t.equal(vectors[0][layout.endOfYearState + 0 * layout.nStates + 0], 1, 'counted in care at 31 March 2027');
});

t.test('rates that change by financial year', async (t) => {
  // q = 1, but a rate change multiplies A → B by 0 during 2026-27: the person stays in A for
  // the 12 months of that year; the transition out of April 2027 (month 12) leaves at once.
  // A is paid for months 0-12: 13 months, £1,300, in every run.
  const spec = twoStateModel(1);
  const a = Uint8Array.of(1, 0);
  const b = Uint8Array.of(0, 1);
  const slot: PlanSlot = { interventions: [], statePrices: [], periods: [{ rates: [{ name: 'hold', from: a, to: b, multiplier: { type: 'fixed', value: 0 } }], redirects: [] }, { rates: [], redirects: [] }] };
  const { totals } = run(spec, slot, [person()], 5);
  t.same(totals, [1300, 1300, 1300, 1300, 1300]);
});

t.test('a full state sends its share of newcomers to the overflow', async (t) => {
  // x → y at once. Redirecting all moves into y sends everyone to z: 23 months × £300.
  const spec = capacityModel();
  const people = Array.from({ length: 1 }, (_, key) => person({ key }));
  const full: PlanSlot = { interventions: [], statePrices: [], periods: [{ rates: [], redirects: [{ state: 1, overflow: 2, fraction: 1 }] }] };
  t.same(run(spec, full, people).totals, [23 * 300]);
  const open: PlanSlot = { interventions: [], statePrices: [], periods: [{ rates: [], redirects: [{ state: 1, overflow: 2, fraction: 0 }] }] };
  t.same(run(spec, open, people).totals, [23 * 100]);
  // Half redirected: over many people the mean cost is 23 × (0.5 × 100 + 0.5 × 300) = £4,600 each.
  const many = Array.from({ length: 4000 }, (_, key) => person({ key }));
  const half: PlanSlot = { interventions: [], statePrices: [], periods: [{ rates: [], redirects: [{ state: 1, overflow: 2, fraction: 0.5 }] }] };
  const mean = run(spec, half, many).totals[0] / many.length;
  // Binomial: sd of the share is sqrt(0.25/4000) = 0.0079, i.e. £36 a person; 4 sd = £145.
  t.ok(Math.abs(mean - 4600) < 145, `mean £${mean.toFixed(0)} per person`);
});

t.test('interventions offered while places last: more places never take one away', async (t) => {
  const spec = capacityModel();
  const many = Array.from({ length: 2000 }, (_, key) => person({ key }));
  const offered = (p: number): PlanSlot => ({
    interventions: [0],
    statePrices: [],
    offers: [{ bit: 0, probabilityByYear: Float64Array.of(p), firstMonth: 0, eligible: Uint8Array.of(1, 0, 0), minAgeMonths: 0, maxAgeMonths: 1000 }],
  });
  const delivered = (p: number) => run(spec, offered(p), many).vectors[0];
  const layout = run(spec, offered(0), many.slice(0, 1)).layout;
  const count = (v: Float64Array) => v[layout.delivered];
  t.equal(count(delivered(0)), 0);
  t.equal(count(delivered(1)), 2000, 'everyone offered a place takes it');
  const low = count(delivered(0.3));
  const high = count(delivered(0.6));
  t.ok(Math.abs(low - 600) < 4 * Math.sqrt(2000 * 0.3 * 0.7), `${low} of 2,000 at p = 0.3`);
  t.ok(high >= low, 'more places, at least as many served');
  // Each person is served at 0.3 only if also served at 0.6 (one uniform decides): checked per person.
  for (let key = 0; key < 200; key++) {
    const one = [person({ key })];
    const a = run(spec, offered(0.3), one).vectors[0][layout.delivered];
    const b = run(spec, offered(0.6), one).vectors[0][layout.delivered];
    if (a > b) t.fail(`person ${key} lost a place when places grew`);
  }
  t.pass('nested');
  // The offer does not disturb the monthly draws: a variant without offers gives the same trajectories.
  const none: PlanSlot = { interventions: [0], statePrices: [], offers: [] };
  const withOffers = run(spec, offered(1), many).vectors[0];
  const withoutOffers = run(spec, none, many).vectors[0];
  t.same(
    [...withOffers.slice(layout.monthsState, layout.monthsState + 3)],
    [...withoutOffers.slice(layout.monthsState, layout.monthsState + 3)],
    'the same months in each state',
  );
});
