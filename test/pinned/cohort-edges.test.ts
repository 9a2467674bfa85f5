import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { type CohortPerson, type CohortVariant, cohortLayout, simulateCohortRuns } from '../../src/simulation/cohort.ts';
import { Outcome } from '../../src/simulation/layout.ts';
import { modelFor } from '../../src/simulation/worker.ts';
import { eventModel } from './helpers.ts';

/**
 * src/simulation/cohort.ts (issue 13, mutation testing): simulateCohortRuns on the deterministic
 * event model (edge → care at the first month's end; care £1,000 a month cashable + £300
 * non-cashable; entry £5,000 non-cashable; parameter uncertainty off, so every run is the same)
 * and cohortLayout's shape. Each test names the mutants it kills; survivors no input can tell
 * apart are in test/pinned/MUTATION-SURVIVORS.md.
 */

const EDGE = 0;
const CARE = 1;
/** Projection of 4 months from April 2026: one financial year. */
const request = { clock: { startYear: 2026, startMonth: 4 }, months: 4, parameterUncertainty: false };

/** The strategy's model: a £2,000 placement fee and one more unit cost (so 5 parameters, not 4). */
function dearer(): CostModelSpec {
  const spec = eventModel(0);
  spec.id = 'cohort-edges-dear';
  spec.unitCosts[0].amount = 2000;
  spec.unitCosts.push({ id: 'extra', label: 'Extra', states: ['edge'], amount: 0, per: 'month', agency: 'health', source: 'test' });
  return spec;
}

const baseModel = modelFor('cohort-edges', eventModel(0));
const dearModel = modelFor('cohort-edges-dear', dearer());
const variants: CohortVariant[] = [
  { model: baseModel, slot: { interventions: [], statePrices: [] } },
  { model: dearModel, slot: { interventions: [], statePrices: [] } },
];

/*
 * Three people (months 0-3 of the projection):
 *   A, aged 12 (144 months), edge: month 0 on the edge, into care at its end (£5,000), months 1-3
 *     in care (3 × £1,300).
 *   B, aged 299 months, in care: one month (£1,300) before the horizon (300 months, 25 years).
 *   C, aged 12, edge, entering at month 2 (offset): edge in month 2, care in month 3 (£5,000 + £1,300).
 * Baseline: cashable 5 months × £1,000 = £5,000; non-cashable 2 × £5,000 + 5 × £300 = £11,500.
 * Strategy (fee £2,000): cashable £10,000; non-cashable £11,500.
 * Person-months: A min(4 − 0, 300 − 144) = 4, B min(4, 300 − 299) = 1, C min(4 − 2, 156) = 2:
 * 7 a variant, 14 a run.
 */
const people: CohortPerson[] = [
  { ageMonths: 144, startState: EDGE, key: 0, currentPlacementWeeklyPrice: null, plans: [] },
  { ageMonths: 299, startState: CARE, key: 1, currentPlacementWeeklyPrice: null, plans: [] },
  { ageMonths: 144, startState: EDGE, key: 2, offset: 2, currentPlacementWeeklyPrice: null, plans: [] },
];

t.test('the layout of a cohort: financial years, agencies, states, ages, interventions, year outcomes', async (t) => {
  // Kills: cohortLayout's `Math.max(1, …)` (→ min), `Math.ceil(horizon / 12)` (→ floor or × 12),
  // `withYearOutcomes: true` (→ false), the shape's fields.
  const layout = cohortLayout(baseModel, request);
  t.same([layout.nFinancialYears, layout.nAgencies, layout.nStates, layout.nAgeYears, layout.nInterventions, layout.withYearOutcomes], [1, 6, 2, 25, 0, true]);
  t.ok(layout.yearOutcomes >= 0, 'the year outcomes block is there');
  // 13 months from April 2026 reach 2027-28: two years. A horizon of 25.5 years reports 26 ages.
  const spec = eventModel(0);
  spec.id = 'cohort-edges-half';
  spec.horizonAgeYears = 25.5;
  spec.ageBands = [{ id: 'all', fromYears: 0, toYears: 25.5 }];
  const half = cohortLayout(modelFor('cohort-edges-half', spec), { ...request, months: 13 });
  t.same([half.nFinancialYears, half.nAgeYears], [2, 26]);
  // No months: still one financial year.
  t.equal(cohortLayout(baseModel, { ...request, months: 0 }).nFinancialYears, 1);
});

t.test('runs of a fixed cohort under two variants: costs, parameters, person-months, run keys', async (t) => {
  // Kills: the vector offsets (`r * width + v * layout.size`), the parameter offsets
  // (`(r * V + v) * nParameters`) and `Math.max` → `Math.min` for nParameters, `offset ?? 0`
  // in both places, person-months' min/max and `× variants.length`, `months − offset`,
  // `horizon − ageMonths`, beginRun's run (`runStart + r`).
  const layout = cohortLayout(baseModel, request);
  const chunk = simulateCohortRuns(variants, request, people, 7, 3, 5);
  t.same([chunk.runStart, chunk.runEnd], [3, 5]);
  t.equal(chunk.vectors.length, 2 * 2 * layout.size);
  t.equal(chunk.personMonths, 28, '7 person-months × 2 variants × 2 runs');
  const cell = (r: number, v: number, at: number) => chunk.vectors[(r * 2 + v) * layout.size + at];
  for (let r = 0; r < 2; r++) {
    t.same([cell(r, 0, layout.costFyAgency), cell(r, 0, layout.costFyAgency + 1)], [1_150_000, 500_000], `run ${r} baseline: £11,500 non-cashable, £5,000 cashable`);
    t.same([cell(r, 1, layout.costFyAgency), cell(r, 1, layout.costFyAgency + 1)], [1_150_000, 1_000_000], `run ${r} strategy: the £2,000 fee`);
    t.same([cell(r, 0, layout.outcomes + Outcome.careEntries), cell(r, 1, layout.outcomes + Outcome.careEntries)], [2, 2], 'A and C enter care');
    t.same([cell(r, 0, layout.outcomes + Outcome.monthsInCare), cell(r, 1, layout.outcomes + Outcome.monthsInCare)], [5, 5]);
  }
  // Parameters [run][variant][5]: the means (no uncertainty), the 4-parameter model padded with 0.
  t.equal(chunk.parameters.length, 2 * 2 * 5);
  t.same(Array.from(chunk.parameters.subarray(0, 5)), [1000, 300, 5000, 500, 0], 'run 0 baseline, padded');
  t.same(Array.from(chunk.parameters.subarray(10, 15)), [1000, 300, 5000, 500, 0], 'run 1 baseline');
  t.same(Array.from(chunk.parameters.subarray(5, 10)), [2000, 300, 0, 5000, 500], 'run 0 strategy: its own five (unit costs, then events)');
  // The same people given by a function of the run: called with the runs' own indices.
  const asked: number[] = [];
  const byRun = simulateCohortRuns(variants, request, (run) => {
    asked.push(run);
    return people;
  }, 7, 3, 5);
  t.same(asked, [3, 4], 'people(run) for runs 3 and 4');
  t.same(Array.from(byRun.vectors), Array.from(chunk.vectors), 'the same vectors');
  t.equal(byRun.personMonths, 28);
  // A one-variant run of the strategy gives the strategy's half.
  const alone = simulateCohortRuns([variants[1]], request, people, 7, 3, 4);
  t.same(Array.from(alone.vectors), Array.from(chunk.vectors.subarray(layout.size, 2 * layout.size)), 'variant 1 of run 3');
});

t.test('plans by variant: moves and interventions read for each variant, empty when absent', async (t) => {
  // Kills: `p.plans[v]?.moves ?? []` and `?.interventions ?? []` (→ `[]` always, or the wrong
  // variant's plan), and `list[v]` in the simulate loop.
  const layout = cohortLayout(baseModel, request);
  // A: scheduled into care at month 2 under the baseline only (the chain would take A there at
  // month 1 anyway, so to tell it apart start A in care and move A to the edge).
  const planned: CohortPerson[] = [
    { ageMonths: 144, startState: CARE, key: 0, currentPlacementWeeklyPrice: null, plans: [{ moves: [{ month: 2, to: EDGE, fromStates: null }], interventions: [] }, { moves: [], interventions: [] }] },
  ];
  const same = [variants[0], { model: baseModel, slot: variants[0].slot }];
  const chunk = simulateCohortRuns(same, request, planned, 7, 0, 1);
  const base = chunk.vectors.subarray(0, layout.size);
  const strategy = chunk.vectors.subarray(layout.size, 2 * layout.size);
  t.not(base[layout.costFyAgency], strategy[layout.costFyAgency], 'the planned move changes the baseline only');
  t.equal(strategy[layout.costFyAgency + 1], 400_000, 'strategy: 4 months in care at £1,000');
  const none = simulateCohortRuns(same, request, [{ ...planned[0], plans: [] }], 7, 0, 1);
  t.same(Array.from(none.vectors.subarray(0, layout.size)), Array.from(strategy), 'no plans: as now');
});
