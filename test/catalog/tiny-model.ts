/**
 * A small valid cost model for catalog tests: four states, two age bands, a birthday at 2 that
 * moves children in care to a care-leaver state and the rest to adulthood. Each test clones it
 * and breaks one thing.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests break the model in ways its type forbids
export type LooseModel = any;

export function tinyModel(): LooseModel {
  return {
    id: 'tiny',
    version: '1.0.0',
    name: 'Tiny',
    currency: 'GBP',
    priceBaseYear: '2024-25',
    horizonAgeYears: 4,
    discounting: { periods: [{ fromYear: 0, rate: 0.035 }], source: 'green_book' },
    ageBands: [
      { id: 'young', fromYears: 0, toYears: 2 },
      { id: 'old', fromYears: 2, toYears: 4 },
    ],
    states: [
      { id: 'home', label: 'Home', category: 'community', maxAgeYears: 2 },
      { id: 'care', label: 'In care', category: 'looked_after', flags: ['in_care'], placement: true, maxAgeYears: 2, withinStatePlacementMoves: 0.01 },
      { id: 'leaver', label: 'Care leaver', category: 'care_leaver', flags: ['care_leaver'], minAgeYears: 2 },
      { id: 'adult', label: 'Adult', category: 'adult', minAgeYears: 2 },
    ],
    transitions: {
      young: {
        home: { home: 0.9, care: 0.1 },
        care: { care: 0.8, home: 0.2 },
      },
      old: {
        leaver: { leaver: 0.95, adult: 0.05 },
        adult: { adult: 0.99, leaver: 0.01 },
      },
    },
    ageTransitions: [
      { atAgeYears: 2, from: ['care'], to: { leaver: 1 } },
      { atAgeYears: 2, from: ['@community'], to: { adult: 1 }, source: 'made_up' },
    ],
    transitionSources: [{ describes: 'Every rate', source: 'made_up' }],
    rateUncertainty: { concentration: 100, rowConcentration: { young: { care: 40 } } },
    rateFactors: [{ id: 'entry', label: 'Entry to care', from: ['home'], to: ['@looked_after'], multiplier: { type: 'lognormal', mean: 1, sd: 0.1 } }],
    unitCosts: [
      {
        id: 'placement',
        label: 'Placement',
        states: ['@looked_after'],
        amount: { type: 'pert', min: 80, mode: 100, max: 150 },
        per: 'week',
        agency: 'childrens_social_care',
        source: 'made_up',
      },
      { id: 'adviser', label: 'Adviser', states: ['leaver'], amount: 120, per: 'month', agency: 'childrens_social_care', cashable: false, minAgeYears: 2, maxAgeYears: 3, source: 'made_up' },
    ],
    eventCosts: [
      { id: 'move', label: 'Placement move', from: ['@looked_after'], to: ['@looked_after'], amount: 500, agency: 'childrens_social_care', includeWithinStateMoves: true, source: 'made_up' },
    ],
    interventions: [
      {
        id: 'help',
        label: 'Family help',
        eligibility: { states: ['home'], maxAgeYears: 2 },
        cost: { perWeek: { type: 'uniform', min: 40, max: 60 }, durationMonths: 6, agency: 'childrens_social_care' },
        effects: [{ from: ['home'], to: ['care'], multiplier: { type: 'triangular', min: 0.5, mode: 0.7, max: 1 } }],
        source: 'made_up',
      },
    ],
    sources: {
      made_up: { title: 'Made up for the test', publisher: 'pathcast assumption' },
      green_book: { title: 'The Green Book', publisher: 'HM Treasury' },
    },
  };
}
