import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { type CohortPerson, cohortLayout } from '../../src/simulation/cohort.ts';
import { type PlanSlot, Simulator } from '../../src/simulation/engine.ts';
import { metricLayout, runTotal } from '../../src/simulation/layout.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { type SharedPlaces, simulatePlacesRuns } from '../../src/simulation/places.ts';
import type { EnginePlan } from '../../src/simulation/projection.ts';
import { twoStateModel } from '../helpers/small-models.ts';

/**
 * Small deterministic models for the pinned-figure tests: every transition has probability 0 or
 * 1, so with parameter uncertainty off every run is the same and each figure can be worked on
 * paper. The working is in the tests.
 */

const base = {
  currency: 'GBP' as const,
  priceBaseYear: '2025-26',
  discounting: { periods: [{ fromYear: 0, rate: 0.035 }, { fromYear: 31, rate: 0.03 }], source: 'greenbook' },
  transitionSources: [{ describes: 'hand-made for tests', source: 'test' }],
  sources: {
    test: { title: 'Test fixture', publisher: 'pathcast tests' },
    greenbook: { title: 'The Green Book', publisher: 'HM Treasury', year: '2022' },
  },
};

/**
 * edge (free) → care with probability 1 at the first month's end; care is absorbing.
 * Care: £1,000 a month placement fee (cashable) and £300 a month of social work time
 * (non-cashable), both children's social care. Entering care: a £5,000 assessment, non-cashable.
 * A placement move (between placements, or within care when `withinStateMoves` > 0): £500
 * to education (school transport), cashable.
 */
export function eventModel(withinStateMoves: number): CostModelSpec {
  return {
    ...base,
    id: 'pinned-events',
    version: '1.0.0',
    name: 'Pinned events',
    horizonAgeYears: 25,
    ageBands: [{ id: 'all', fromYears: 0, toYears: 25 }],
    states: [
      { id: 'edge', label: 'Edge of care', category: 'edge_of_care' },
      { id: 'care', label: 'Care', category: 'looked_after', flags: ['in_care'], placement: true, terminal: true, withinStatePlacementMoves: withinStateMoves },
    ],
    transitions: { all: { edge: { care: 1 }, care: { care: 1 } } },
    unitCosts: [
      { id: 'care_fee', label: 'Placement fee', states: ['care'], amount: 1000, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true },
      { id: 'social_work', label: 'Social work time', states: ['care'], amount: 300, per: 'month', agency: 'childrens_social_care', source: 'test', cashable: false },
    ],
    eventCosts: [
      { id: 'entry', label: 'Entering care', from: ['edge'], to: ['care'], amount: 5000, agency: 'childrens_social_care', source: 'test', cashable: false },
      { id: 'move', label: 'Placement move', from: ['care'], to: ['care'], amount: 500, agency: 'education', source: 'test', includeWithinStateMoves: true },
    ],
  };
}

/**
 * The places model of places-edges and places-more-edges (`id` is the spec's id, the test
 * file's name): edge (free) → home at the first month's end; home and agency absorbing; resi →
 * home. Home £1,000 a month, agency £3,000, resi £5,000, each a placement fee to children's
 * social care; no event costs. An intervention `keep` (£2,000 one-off, health, effect for 360
 * months) stops edge → home. States in order edge, home, agency, resi (0-3).
 */
export function placesSpec(id: string): CostModelSpec {
  const spec = eventModel(0);
  spec.id = id;
  spec.states = [
    { id: 'edge', label: 'Edge of care', category: 'edge_of_care' },
    { id: 'home', label: 'In-house foster', category: 'looked_after', flags: ['in_care'], placement: true, terminal: true },
    { id: 'agency', label: 'Agency foster', category: 'looked_after', flags: ['in_care'], placement: true, terminal: true },
    { id: 'resi', label: 'Residential', category: 'looked_after', flags: ['in_care'], placement: true, terminal: true },
  ] as CostModelSpec['states'];
  spec.transitions = { all: { edge: { home: 1 }, home: { home: 1 }, agency: { agency: 1 }, resi: { home: 1 } } };
  spec.unitCosts = [
    { id: 'home_fee', label: 'Home', states: ['home'], amount: 1000, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true },
    { id: 'agency_fee', label: 'Agency', states: ['agency'], amount: 3000, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true },
    { id: 'resi_fee', label: 'Resi', states: ['resi'], amount: 5000, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true },
  ];
  spec.eventCosts = [];
  spec.interventions = [
    { id: 'keep', label: 'Keep', eligibility: { states: ['edge'] }, cost: { oneOff: 2000, durationMonths: 0, agency: 'health' }, effectDurationMonths: 360, effects: [{ from: ['edge'], to: ['home'], multiplier: 0 }], source: 'test' },
  ] as CostModelSpec['interventions'];
  return spec;
}

/**
 * The `run` of places-edges and places-more-edges over placesSpec(id): one run of one variant
 * (seed 1, run 0, parameter uncertainty off) of `people`, the first `onRecord` of them on record,
 * for `months` from `startMonth` of 2026, under `slot`, the spec first changed by `edit` if given.
 * Returns the place figures as [occupancy by month, waiting by month, the LIMIT_FIELDS] per limit,
 * then each service's places by year (`stats`); the run's total cost in pence (`cost`); the chunk
 * itself; and cost by age year (`byAge`, pence).
 */
export function placesRunner(id: string) {
  return (places: SharedPlaces, people: CohortPerson[], onRecord: number, months = 4, startMonth = 4, slot: PlanSlot = { interventions: [], statePrices: [] }, edit?: (spec: CostModelSpec) => void) => {
    const spec = placesSpec(id);
    edit?.(spec);
    const model = compileModel(spec);
    const request = { clock: { startYear: 2026, startMonth }, months, parameterUncertainty: false };
    const chunk = simulatePlacesRuns([{ model, slot, places }], request, () => people, 1, 0, 1, onRecord);
    const layout = cohortLayout(model, request);
    return { stats: Array.from(chunk.places), cost: runTotal(layout, chunk.vectors), chunk, byAge: Array.from(chunk.vectors.subarray(layout.costAge, layout.costAge + layout.nAgeYears)) };
  };
}

/**
 * Two placements, A and B (0 and 1), both looked after and in care, each absorbing (identity
 * rows): test/helpers/small-models.ts's twoStateModel with B made a placement and the given unit
 * costs (amounts in pounds).
 */
export function twoPlacementsModel(unitCosts: CostModelSpec['unitCosts']): CostModelSpec {
  return twoStateModel(0, {
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true },
      { id: 'b', label: 'B', category: 'looked_after', flags: ['in_care'], placement: true },
    ],
    transitions: { all: { a: { a: 1 }, b: { b: 1 } } },
    unitCosts,
  } as Partial<CostModelSpec>);
}

/**
 * A simulator over `spec` without parameter uncertainty, from April 2026, with `slot` added
 * (index `slot` returned); no run begun. The layout has 6 agencies and 25 years of age, and the
 * financial years, states and interventions given: stated by the test, not read from the
 * compiled model, so that a fault in compileModel cannot resize the layout to match itself.
 */
export function oneSlotSimulator(spec: CostModelSpec, shape: { nFinancialYears: number; nStates: number; nInterventions: number }, slot: PlanSlot = { interventions: [], statePrices: [] }) {
  const model = compileModel(spec);
  const layout = metricLayout({ nFinancialYears: shape.nFinancialYears, nAgencies: 6, nStates: shape.nStates, nAgeYears: 25, nInterventions: shape.nInterventions });
  const simulator = new Simulator(model, layout, { startYear: 2026, startMonth: 4 }, { parameterUncertainty: false });
  return { model, layout, simulator, slot: simulator.addSlot(slot) };
}

/** One plan that stays wherever the chain takes it. */
export const stay = (startState: number, extra: Partial<EnginePlan> = {}): EnginePlan => ({
  startState,
  moves: [],
  interventions: [],
  statePrices: [],
  currentPlacementWeeklyPrice: null,
  ...extra,
});

/** Every value of `key` anywhere inside `value` (objects and arrays walked). */
export function valuesOf(value: unknown, key: string): unknown[] {
  const found: unknown[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === key) found.push(inner);
        walk(inner);
      }
    }
  };
  walk(value);
  return found;
}

/** |actual − expected| ≤ tolerance, with both in the message. */
export function near(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance;
}
