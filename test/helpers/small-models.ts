import type { CostModelSpec } from '../../src/catalog/model-schema.ts';

/**
 * Small hand-checkable models for engine tests. Every figure is chosen so that expectations can
 * be worked out on paper; the tests show the working.
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

/** A (in care, £100 a month) leaves for B (free, absorbing) with probability q each month. */
export function twoStateModel(q: number, extra: Partial<CostModelSpec> = {}): CostModelSpec {
  return {
    ...base,
    id: 'two-state',
    version: '1.0.0',
    name: 'Two states',
    horizonAgeYears: 25,
    ageBands: [{ id: 'all', fromYears: 0, toYears: 25 }],
    states: [
      { id: 'a', label: 'A', category: 'looked_after', flags: ['in_care'], placement: true },
      { id: 'b', label: 'B', category: 'community', terminal: true },
    ],
    transitions: { all: { a: { a: 1 - q, b: q }, b: { b: 1 } } },
    unitCosts: [{ id: 'a_cost', label: 'A', states: ['a'], amount: 100, per: 'month', agency: 'childrens_social_care', source: 'test', placementFee: true }],
    ...extra,
  };
}

/**
 * Three states with an age band change and a birthday rule: care (£1,000 a week) → home
 * (free) at 0.2 a month under 1 year of age, 0.5 from 1; at the first birthday everyone still
 * in care moves to leaver (£200 a month), which is absorbing.
 */
export function threeStateModel(): CostModelSpec {
  return {
    ...base,
    id: 'three-state',
    version: '1.0.0',
    name: 'Three states',
    horizonAgeYears: 2,
    ageBands: [
      { id: 'infant', fromYears: 0, toYears: 1 },
      { id: 'toddler', fromYears: 1, toYears: 2 },
    ],
    states: [
      { id: 'home', label: 'Home', category: 'community', terminal: true },
      { id: 'care', label: 'Care', category: 'looked_after', flags: ['in_care'], placement: true },
      { id: 'leaver', label: 'Leaver', category: 'care_leaver', terminal: true },
    ],
    transitions: {
      infant: { home: { home: 1 }, care: { care: 0.8, home: 0.2 }, leaver: { leaver: 1 } },
      toddler: { home: { home: 1 }, care: { care: 0.5, home: 0.5 }, leaver: { leaver: 1 } },
    },
    ageTransitions: [{ atAgeYears: 1, from: ['care'], to: { leaver: 1 } }],
    unitCosts: [
      { id: 'care_fee', label: 'Care', states: ['care'], amount: 1000, per: 'week', agency: 'childrens_social_care', source: 'test', placementFee: true },
      { id: 'leaver_support', label: 'Leaver', states: ['leaver'], amount: 200, per: 'month', agency: 'housing', source: 'test' },
    ],
  };
}

/**
 * A richer chain for Monte Carlo against the oracle: four states, two bands, an event cost,
 * within-state placement moves, an intervention and uncertain (but, in oracle mode, mean) costs.
 */
export function fourStateModel(): CostModelSpec {
  return {
    ...base,
    id: 'four-state',
    version: '1.0.0',
    name: 'Four states',
    horizonAgeYears: 25,
    ageBands: [
      { id: 'child', fromYears: 0, toYears: 16 },
      { id: 'young', fromYears: 16, toYears: 25 },
    ],
    states: [
      { id: 'edge', label: 'Edge of care', category: 'edge_of_care' },
      { id: 'foster', label: 'Foster', category: 'looked_after', flags: ['in_care'], placement: true, withinStatePlacementMoves: 0.02 },
      { id: 'resi', label: 'Residential', category: 'looked_after', flags: ['in_care', 'residential'], placement: true, withinStatePlacementMoves: 0.05 },
      { id: 'out', label: 'Out', category: 'community', flags: ['neet'] },
    ],
    transitions: {
      child: {
        edge: { edge: 0.9, foster: 0.04, resi: 0.01, out: 0.05 },
        foster: { foster: 0.95, resi: 0.02, out: 0.03 },
        resi: { resi: 0.93, foster: 0.05, out: 0.02 },
        out: { out: 0.98, edge: 0.02 },
      },
      young: {
        edge: { edge: 0.85, foster: 0.02, resi: 0.03, out: 0.1 },
        foster: { foster: 0.9, resi: 0.03, out: 0.07 },
        resi: { resi: 0.9, foster: 0.04, out: 0.06 },
        out: { out: 0.99, edge: 0.01 },
      },
    },
    unitCosts: [
      { id: 'edge_team', label: 'Edge team', states: ['edge'], amount: { type: 'triangular', min: 100, mode: 150, max: 260 }, per: 'week', agency: 'childrens_social_care', source: 'test' },
      { id: 'foster_fee', label: 'Foster fee', states: ['foster'], amount: { type: 'normal', mean: 600, sd: 60 }, per: 'week', agency: 'childrens_social_care', source: 'test', placementFee: true },
      { id: 'resi_fee', label: 'Residential fee', states: ['resi'], amount: { type: 'lognormal', mean: 6000, sd: 1200 }, per: 'week', agency: 'childrens_social_care', source: 'test', placementFee: true },
      { id: 'resi_school', label: 'Education', states: ['resi'], amount: { type: 'pert', min: 200, mode: 300, max: 600 }, per: 'week', agency: 'education', source: 'test' },
      { id: 'school_support', label: 'Virtual school', states: ['foster', 'resi'], amount: 250, per: 'week', agency: 'education', source: 'test', maxAgeYears: 16 },
      { id: 'out_benefit', label: 'Benefits', states: ['out'], amount: { type: 'uniform', min: 300, max: 500 }, per: 'month', agency: 'welfare', source: 'test', cashable: false },
    ],
    eventCosts: [
      { id: 'entry', label: 'Entering care', from: ['edge', 'out'], to: ['@looked_after'], amount: 5000, agency: 'childrens_social_care', source: 'test' },
      { id: 'move', label: 'Placement move', from: ['@looked_after'], to: ['@looked_after'], amount: { type: 'uniform', min: 1000, max: 3000 }, agency: 'childrens_social_care', source: 'test', includeWithinStateMoves: true },
    ],
    interventions: [
      {
        id: 'mst',
        label: 'Multisystemic therapy',
        eligibility: { states: ['edge'], minAgeYears: 11, maxAgeYears: 18 },
        cost: { oneOff: 1000, perWeek: { type: 'pert', min: 150, mode: 200, max: 300 }, durationMonths: 5, agency: 'childrens_social_care' },
        effectDurationMonths: 12,
        effects: [{ from: ['edge'], to: ['@looked_after'], multiplier: { type: 'pert', min: 0.4, mode: 0.6, max: 1 } }],
        source: 'test',
      },
    ],
  };
}
