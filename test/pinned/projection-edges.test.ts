import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { Outcome } from '../../src/simulation/layout.ts';
import { compileModel } from '../../src/simulation/model.ts';
import {
  PROJECTION_CHUNK_RUNS,
  ProjectionFolder,
  type ProjectionRequest,
  keptWidth,
  projectionChunk,
  projectionLayout,
  projectionMonths,
  runChunks,
  runProjectionInline,
  simulateProjectionRuns,
  summariseChunk,
} from '../../src/simulation/projection.ts';
import { meanAndSd } from '../../src/simulation/summary.ts';
import { twoStateModel } from '../helpers/small-models.ts';
import { eventModel, stay } from './helpers.ts';

/**
 * src/simulation/projection.ts (issue 13, mutation testing): a pathway projection's plumbing,
 * figures worked by hand on the deterministic event model (edge → care at the first month's
 * end; care £1,000 a month cashable + £300 non-cashable, all children's social care; entering
 * care £5,000 non-cashable; parameter uncertainty off), and the spread figures checked against
 * the raw run vectors on a two-state model with chance in it. Each test names what it pins; the
 * survivors no input can tell apart are in test/pinned/MUTATION-SURVIVORS.md.
 */

const EDGE = 0;
const CARE = 1;
/** January 2026, 14 months, aged 10: 2025-26 is months 0-2, 2026-27 months 3-13; a 3.5% rate. */
const clock = { startYear: 2026, startMonth: 1 };

function fourPlans(): ProjectionRequest {
  return {
    clock,
    ageMonths: 120,
    months: 14,
    plans: [
      stay(EDGE),
      stay(CARE),
      // Given out of order: sorted, back to the edge at month 5 and again at 7 (two more entries).
      stay(EDGE, { moves: [{ month: 7, to: EDGE, fromStates: [CARE] }, { month: 5, to: EDGE, fromStates: [CARE] }] }),
      // A move only from the edge, at month 5 when in care: never applies (plan 0's figures).
      stay(EDGE, { moves: [{ month: 5, to: EDGE, fromStates: [EDGE] }] }),
    ],
    parameterUncertainty: false,
    thresholds: [20_000, 25_000],
  };
}

t.test('projectionMonths, projectionLayout, keptWidth and runChunks', async (t) => {
  const model = compileModel(eventModel(0));
  const request = fourPlans();
  t.equal(projectionMonths(model, request), 14);
  t.equal(projectionMonths(model, { ...request, months: undefined }), 300 - 120, 'to the horizon when not given');
  t.equal(projectionMonths(model, { ...request, months: 400 }), 180, 'never past the horizon');
  t.equal(projectionMonths(model, { ...request, ageMonths: 310 }), 0, 'past the horizon: none');
  const layout = projectionLayout(model, request);
  t.same([layout.nFinancialYears, layout.nAgencies, layout.nStates, layout.nAgeYears, layout.nInterventions], [2, 6, 2, 25, 0]);
  t.equal(projectionLayout(model, { ...request, ageMonths: 310 }).nFinancialYears, 1, 'no months: still one year');
  t.equal(keptWidth(layout), 3 + 2 + 2 * 6);
  t.same(runChunks(10, 4), [[0, 4], [4, 8], [8, 10]]);
  t.same(runChunks(8, 4), [[0, 4], [4, 8]]);
  t.same(runChunks(0, 4), []);
  t.equal(PROJECTION_CHUNK_RUNS, 250);
});

t.test('four plans worked by hand: totals, years, agencies, ages, states, outcomes, exceedance', async (t) => {
  const model = compileModel(eventModel(0));
  const result = runProjectionInline(model, fourPlans(), 3, 1);
  t.same([result.runs, result.seed, result.months, result.firstFinancialYear], [3, 1, 14, '2025-26']);
  const [p0, p1, p2, p3] = result.plans;
  // Plan 0: edge in month 0, care months 1-13: 13 × £1,300 + £5,000 = £21,900 (cashable 13 ×
  // £1,000). 2025-26: months 1-2 and the entry = £7,600; 2026-27: 11 × £1,300 = £14,300,
  // discounted £14,300 / 1.035 = £13,816.43.
  t.same([p0.total.cash.mean, p0.total.discounted.mean, p0.cashable.mean, p0.nonCashable.mean], [21_900, 21_416.43, 13_000, 8_900]);
  t.same(p0.byFinancialYear.map((y) => [y.financialYear, y.cash.mean, y.discounted.mean, y.discounted.se]), [['2025-26', 7_600, 7_600, 0], ['2026-27', 14_300, 13_816.43, 0]]);
  t.same(p0.byAgency.map((a) => [a.agency, a.cash.mean, a.discounted.mean]), [
    ['childrens_social_care', 21_900, 21_416.43],
    ['education', 0, 0],
    ['health', 0, 0],
    ['youth_justice', 0, 0],
    ['housing', 0, 0],
    ['welfare', 0, 0],
  ]);
  // Ages: 10 in months 0-11 (11 months of care and the entry), 11 in months 12-13; no others.
  t.same(p0.byAgeYear.map((y) => [y.age, y.cash.mean, y.cash.se]), [[10, 19_300, 0], [11, 2_600, 0]]);
  t.same(p0.byState.map((s) => [s.state, s.cash.mean, s.months.mean]), [['edge', 0, 1], ['care', 21_900, 13]]);
  t.same(p0.byIntervention, []);
  // 31 March 2026 is month 2 (in care); 31 March 2027 would be month 14, after the projection.
  t.same(p0.endOfYearStates, [{ financialYear: '2025-26', states: { edge: 0, care: 1 } }, { financialYear: '2026-27', states: { edge: 0, care: 0 } }]);
  t.same(
    p0.outcomesByYear.map((y) => [y.financialYear, y.ageOn31March, y.probabilityInCare, y.probabilityCareLeaver, y.shareWithin20Miles, y.eetShareOfCareLeaver]),
    [['2025-26', 10, 1, 0, null, null], ['2026-27', 11, 0, 0, null, null]],
  );
  t.same(p0.outcomesByYear[0].threeOrMorePlacementsShare, { mean: 0, se: 0 }, 'in care, one placement');
  t.equal(p0.outcomesByYear[1].threeOrMorePlacementsShare, null, 'never in care then');
  t.same(
    [p0.outcomes.monthsInCare.mean, p0.outcomes.careEntries.mean, p0.outcomes.placementMoves.mean, p0.outcomes.probabilityEverInCare, p0.outcomes.monthsResidential.mean, p0.outcomes.monthsCustody.mean, p0.outcomes.probabilityCustody, p0.outcomes.probabilityHomeless],
    [13, 1, 0, 1, 0, 0, 0, 0],
  );
  t.same([p0.outcomes.neetShareAged19to21, p0.outcomes.neetShareOfCareLeavers19to21], [null, null], 'no months aged 19-21');
  t.same(p0.exceedance, [{ threshold: 20_000, probability: 1 }, { threshold: 25_000, probability: 0 }], 'on present value £21,416.43');
  // Plan 1: in care all 14 months, £18,200; 2025-26 £3,900, no entry.
  t.same([p1.total.cash.mean, p1.total.discounted.mean, p1.outcomes.careEntries.mean], [18_200, 17_716.43, 0]);
  t.same(p1.exceedance.map((e) => e.probability), [0, 0]);
  // Plan 2: the edge in months 0, 5 and 7; three entries. 2026-27: 9 months of care + 2 × £5,000
  // = £21,700, discounted £20,966.18; total £29,300.
  t.same([p2.total.cash.mean, p2.total.discounted.mean, p2.outcomes.careEntries.mean], [29_300, 28_566.18, 3]);
  t.same(p2.byFinancialYear.map((y) => y.cash.mean), [7_600, 21_700]);
  t.same(p2.exceedance.map((e) => e.probability), [1, 1]);
  t.same([p3.total.cash.mean, p3.outcomes.careEntries.mean], [21_900, 1], 'the move from the edge never applies');
  // Comparisons, each plan against plan 0: plan 1 saves £3,700 in 2025-26 (undiscounted year);
  // plan 2 costs £7,400 more, all in 2026-27: £7,149.76 discounted (from unrounded pence).
  t.same(result.comparisons.map((c) => [c.plan, c.against, c.cash.saving.mean, c.discounted.saving.mean]), [[1, 0, 3_700, 3_700], [2, 0, -7_400, -7_149.76], [3, 0, 0, 0]]);
  t.same(result.comparisons[1].byAgency[0], { agency: 'childrens_social_care', discountedSaving: -7_149.76, cashSaving: -7_400 });
  t.same(result.comparisons[1].byAgency[1], { agency: 'education', discountedSaving: 0, cashSaving: 0 });
  t.same(result.comparisons[1].byState, [{ state: 'edge', cashSaving: 0 }, { state: 'care', cashSaving: -7_400 }]);
  t.same(result.comparisons[0].byState, [{ state: 'edge', cashSaving: 0 }, { state: 'care', cashSaving: 3_700 }]);
  t.same([result.comparisons[0].cash.probabilityCheaper, result.comparisons[1].cash.probabilityCheaper], [1, 0]);
  t.same(result.parameters.map((p) => [p.name, p.mean]), [['unit:care_fee', 1000], ['unit:social_work', 300], ['event:entry', 5000], ['event:move', 500]]);
});

t.test('spread: standard errors and by-year present values from the run vectors, on a chain with chance', async (t) => {
  // Two states, a (£100 a month) → b (free, absorbing) at 0.3 a month; 30 runs of 18 months
  // from April 2026 (two financial years) with parameter uncertainty on.
  const model = compileModel(twoStateModel(0.3));
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: 60, months: 18, plans: [stay(0), stay(0, { statePrices: [{ state: 0, weeklyPrice: 50 }] })], parameterUncertainty: true };
  const runs = 30;
  const layout = projectionLayout(model, request);
  const raw = simulateProjectionRuns(model, request, 5, 0, runs);
  t.equal(raw.vectors.length, runs * 2 * layout.size);
  const result = runProjectionInline(model, request, runs, 5);
  for (let p = 0; p < 2; p++) {
    const cell = (r: number, at: number) => raw.vectors[(r * 2 + p) * layout.size + at];
    const year = (r: number, f: number) => {
      let sum = 0;
      for (let a = 0; a < layout.nAgencies; a++) sum += cell(r, layout.costFyAgency + (f * layout.nAgencies + a) * 2) + cell(r, layout.costFyAgency + (f * layout.nAgencies + a) * 2 + 1);
      return sum;
    };
    const factor1 = 1 / 1.035;
    for (let f = 0; f < 2; f++) {
      const { mean, sd } = meanAndSd(Array.from({ length: runs }, (_, r) => year(r, f)));
      const factor = f === 0 ? 1 : factor1;
      t.equal(result.plans[p].byFinancialYear[f].discounted.mean, Math.round(mean * factor) / 100, `plan ${p} year ${f} present value`);
      t.equal(result.plans[p].byFinancialYear[f].discounted.se, Math.round((sd / Math.sqrt(runs)) * factor) / 100, `plan ${p} year ${f} its standard error`);
      t.ok(sd > 0, 'runs differ');
    }
    const monthsA = meanAndSd(Array.from({ length: runs }, (_, r) => cell(r, layout.monthsState)));
    t.ok(Math.abs(result.plans[p].byState[0].months.mean - monthsA.mean) < 1e-9);
    t.ok(Math.abs(result.plans[p].byState[0].months.se - monthsA.sd / Math.sqrt(runs)) < 1e-9, 'months in a: standard error');
    const costA = meanAndSd(Array.from({ length: runs }, (_, r) => cell(r, layout.costState)));
    t.equal(result.plans[p].byState[0].cash.se, Math.round(costA.sd / Math.sqrt(runs)) / 100, 'cost in a: standard error in pounds');
    const inCare = meanAndSd(Array.from({ length: runs }, (_, r) => cell(r, layout.outcomes + Outcome.monthsInCare)));
    t.ok(Math.abs(result.plans[p].outcomes.monthsInCare.se - inCare.sd / Math.sqrt(runs)) < 1e-9);
  }
  // The parameters' means: the drawn values of each run, averaged.
  const nParameters = raw.parameters.length / runs;
  const mean0 = Array.from({ length: runs }, (_, r) => raw.parameters[r * nParameters]).reduce((a, b) => a + b, 0) / runs;
  t.ok(Math.abs(result.parameters[0].mean - mean0) < 1e-9, 'unit cost a: the mean of its draws');
});

t.test('summariseChunk and projectionChunk give the same figures; a folder of two chunks the same as one', async (t) => {
  const model = compileModel(twoStateModel(0.3));
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: 60, months: 18, plans: [stay(0), stay(0, { statePrices: [{ state: 0, weeklyPrice: 50 }] })], parameterUncertainty: true };
  const a = summariseChunk(model, request, simulateProjectionRuns(model, request, 9, 2, 7));
  const b = projectionChunk(model, request, 9, 2, 7);
  t.same([a.runStart, a.runEnd], [2, 7]);
  t.same(Array.from(a.kept), Array.from(b.kept), 'kept headlines');
  t.same(Array.from(a.moments), Array.from(b.moments), 'moments');
  t.same(Array.from(a.parameterSums), Array.from(b.parameterSums), 'parameter sums');
  t.equal(a.stabilityMoments, undefined, 'summariseChunk carries no stability');
  t.ok(b.stabilityMoments instanceof Float64Array);
  // kept, run 0 plan 0: cash = the years' sum = the agencies' sum; cashable ≤ cash.
  const layout = projectionLayout(model, request);
  const w = keptWidth(layout);
  const nFy = layout.nFinancialYears;
  const nA = layout.nAgencies;
  for (let r = 0; r < 5; r++) {
    for (let p = 0; p < 2; p++) {
      const k = Array.from(b.kept.subarray((r * 2 + p) * w, (r * 2 + p + 1) * w));
      const years = k.slice(3, 3 + nFy);
      t.equal(k[0], years[0] + years[1], 'cash = the years');
      t.ok(Math.abs(k[1] - (years[0] + years[1] / 1.035)) < 1e-6, 'discounted = year 0 + year 1 / 1.035');
      t.equal(k[2], k[0], 'all cashable (the placement fee)');
      t.equal(k[3 + nFy], k[0], 'all children’s social care');
      t.ok(Math.abs(k[3 + nFy + nA] - k[1]) < 1e-6, 'discounted by agency');
      t.equal(k[3 + nFy + 1], 0);
    }
  }
  // A folder fed runs 0-2 and 2-7 in order gives what runProjectionInline gives for 7 runs.
  const folder = new ProjectionFolder(model, request, 7, 9);
  t.equal(folder.completedRuns, 0);
  folder.add(projectionChunk(model, request, 9, 0, 2));
  t.equal(folder.completedRuns, 2);
  t.throws(() => folder.add(projectionChunk(model, request, 9, 3, 7)), { message: 'chunk starting at run 3 arrived before run 2' });
  t.throws(() => folder.finish(), { message: 'only 2 of 7 runs were folded' });
  folder.add(b);
  const folded = folder.finish();
  const inline = runProjectionInline(model, request, 7, 9);
  t.same(
    folded.plans.map((p) => [p.total, p.cashable, p.byFinancialYear, p.byAgency, p.exceedance]),
    inline.plans.map((p) => [p.total, p.cashable, p.byFinancialYear, p.byAgency, p.exceedance]),
    'the same headline figures (kept run by run)',
  );
  t.same(folded.comparisons, inline.comparisons);
  t.same(folded.parameters, inline.parameters);
  // A chunk without stability (summariseChunk's): no three-or-more-placements share, where the
  // deterministic event model in care on 31 March 2026 has one (0 of them unstable).
  const event = compileModel(eventModel(0));
  const careRequest = fourPlans();
  const plain = new ProjectionFolder(event, careRequest, 2, 1);
  plain.add(summariseChunk(event, careRequest, simulateProjectionRuns(event, careRequest, 1, 0, 2)));
  t.equal(plain.finish().plans[0].outcomesByYear[0].threeOrMorePlacementsShare, null);
  const stable = new ProjectionFolder(event, careRequest, 2, 1);
  stable.add(projectionChunk(event, careRequest, 1, 0, 2));
  t.same(stable.finish().plans[0].outcomesByYear[0].threeOrMorePlacementsShare, { mean: 0, se: 0 });
});

t.test('care leavers aged 19-21, NEET shares, interventions, earlier placements, agencies other than the first', async (t) => {
  // Care is flagged in care, care leaver and NEET here; placement moves within care every month
  // (£500 to education, agency 1). Aged 17½ (210 months) in care from April 2026 for 60 months:
  // on 31 March aged 18, 19, 20, 21, 22.
  const spec = eventModel(1);
  spec.id = 'projection-edges-leavers';
  spec.states[1].flags = ['in_care', 'care_leaver', 'neet'];
  spec.interventions = [
    { id: 'one', label: 'One', eligibility: { states: ['care'] }, cost: { oneOff: 100, durationMonths: 0, agency: 'health' }, effects: [], source: 'test' },
    { id: 'two', label: 'Two', eligibility: { states: ['care'] }, cost: { oneOff: 250, durationMonths: 0, agency: 'health' }, effects: [], source: 'test' },
  ] as CostModelSpec['interventions'];
  const model = compileModel(spec);
  const request: ProjectionRequest = {
    clock: { startYear: 2026, startMonth: 4 },
    ageMonths: 210,
    months: 60,
    plans: [stay(CARE), stay(CARE, { interventions: [{ intervention: 1, startMonth: 0 }] })],
    parameterUncertainty: false,
    placementsEarlierThisYear: 2,
  };
  const result = runProjectionInline(model, request, 2, 1);
  const [p0, p1] = result.plans;
  t.same(p0.outcomesByYear.map((y) => [y.ageOn31March, y.probabilityInCare, y.probabilityCareLeaver, y.eetShareOfCareLeaver]), [
    [18, 1, 1, null],
    [19, 1, 1, { mean: 0, se: 0 }],
    [20, 1, 1, { mean: 0, se: 0 }],
    [21, 1, 1, { mean: 0, se: 0 }],
    [22, 1, 1, null],
  ]);
  // Two earlier placements and today's: three in 2026-27, none moved-in later years' counts
  // aside (a move within care every month makes every year unstable).
  t.same(p0.outcomesByYear[0].threeOrMorePlacementsShare, { mean: 1, se: 0 });
  // Aged 19-21 for months 18-53: all NEET, all care leavers.
  t.same([p0.outcomes.neetShareAged19to21, p0.outcomes.neetShareOfCareLeavers19to21], [1, 1]);
  t.same(p0.byIntervention, [{ intervention: 'one', cash: { mean: 0, se: 0 }, probabilityDelivered: 0 }, { intervention: 'two', cash: { mean: 0, se: 0 }, probabilityDelivered: 0 }]);
  t.same(p1.byIntervention, [{ intervention: 'one', cash: { mean: 0, se: 0 }, probabilityDelivered: 0 }, { intervention: 'two', cash: { mean: 250, se: 0 }, probabilityDelivered: 1 }]);
  // Education: 59 moves × £500 = £29,500 cash; its present value below it.
  const education = p0.byAgency[1];
  t.equal(education.cash.mean, 29_500);
  t.ok(education.discounted.mean < 29_500 && education.discounted.mean > 25_000, `${education.discounted.mean}`);
  t.equal(p0.byAgency[2].discounted.mean, 0, 'health: nothing under plan 0');
  t.same(result.comparisons[0].byAgency.map((a) => [a.agency, a.cashSaving, a.discountedSaving]).slice(0, 3), [['childrens_social_care', 0, 0], ['education', 0, 0], ['health', -250, -250]]);
  // The same model asked a second request: its own figures, not the first request's (the cache).
  const shorter = { ...request, months: 12 };
  const again = runProjectionInline(model, shorter, 2, 1);
  t.equal(again.months, 12);
  t.equal(again.plans[0].byAgency[1].cash.mean, 5_500, '11 moves in 12 months');
  t.same(Array.from(projectionChunk(model, shorter, 1, 0, 2).kept), Array.from(summariseChunk(model, shorter, simulateProjectionRuns(model, shorter, 1, 0, 2)).kept));
});

t.test('today’s price with dated changes, only for a placement', async (t) => {
  // In care at £700 a week, rising to £1,400 on 1 October 2026: dearer than with no change; a
  // change to the same price changes nothing; on the edge (no placement) changes are ignored.
  const model = compileModel(eventModel(0));
  const base: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: 120, months: 12, plans: [], parameterUncertainty: false };
  const cash = (plan: ReturnType<typeof stay>) => runProjectionInline(model, { ...base, plans: [plan] }, 1, 1).plans[0].total.cash.mean;
  const flat = cash(stay(CARE, { currentPlacementWeeklyPrice: 700 }));
  const rising = cash(stay(CARE, { currentPlacementWeeklyPrice: 700, currentPlacementPriceChanges: [{ from: '2026-10-01', weeklyPrice: 1400 }] }));
  const same = cash(stay(CARE, { currentPlacementWeeklyPrice: 700, currentPlacementPriceChanges: [{ from: '2026-10-01', weeklyPrice: 700 }] }));
  t.ok(rising > flat + 10_000, `${rising} against ${flat}`);
  t.equal(same, flat);
  t.equal(cash(stay(EDGE, { currentPlacementWeeklyPrice: 700, currentPlacementPriceChanges: [{ from: '2026-10-01', weeklyPrice: 1400 }] })), cash(stay(EDGE)));
  t.equal(cash(stay(EDGE, { currentPlacementPriceChanges: [{ from: '2026-10-01', weeklyPrice: 1400 }] })), cash(stay(EDGE)), 'no price of its own');
});

t.test('options reach the simulator; run ranges; age rows at the end; no thresholds; a move from the planned state', async (t) => {
  const model = compileModel(eventModel(0));
  const base: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: 120, months: 12, plans: [stay(EDGE)], parameterUncertainty: false };
  // Edge month 0, then 11 months of care: 11 × £1,300 + £5,000 = £19,300; the model's costs × 2.
  const one = runProjectionInline(model, base, 1, 1).plans[0];
  t.equal(one.total.cash.mean, 19_300);
  t.equal(runProjectionInline(model, { ...base, modelCostScale: 2 }, 1, 1).plans[0].total.cash.mean, 38_600);
  // Aged 10 to 10 + 12 months: the age-11 row, starting as the projection ends, is not shown.
  t.same(one.byAgeYear.map((y) => y.age), [10]);
  t.same(one.exceedance, [], 'no thresholds asked');
  // Aged 205 months on 1 April 2026: 31 March 2027 is month 11, aged 216 months: 18.
  t.equal(runProjectionInline(model, { ...base, ageMonths: 205 }, 1, 1).plans[0].outcomesByYear[0].ageOn31March, 18);
  // A move with fromStates null applies while still in the planned state (the edge): at month 1
  // the chain has taken the person into care, so it never applies.
  const nullFrom = runProjectionInline(model, { ...base, plans: [stay(EDGE, { moves: [{ month: 1, to: EDGE, fromStates: null }] })] }, 1, 1).plans[0];
  t.equal(nullFrom.total.cash.mean, 19_300);
  // Parameter uncertainty on, on a PERT fee: the runs draw different fees; their sums and means.
  const spec = eventModel(0);
  spec.id = 'projection-edges-pert';
  spec.unitCosts[0].amount = { type: 'pert', min: 500, mode: 1000, max: 2000 };
  const pert = compileModel(spec);
  const request = { ...base, parameterUncertainty: true };
  const raw = simulateProjectionRuns(pert, request, 4, 2, 6);
  t.equal(raw.vectors.length, 4 * projectionLayout(pert, request).size, 'runs 2-5: four');
  const n = raw.parameters.length / 4;
  t.equal(n, 4);
  const fees = [0, 1, 2, 3].map((r) => raw.parameters[r * n]);
  t.equal(new Set(fees).size, 4, 'four different fees');
  t.same([0, 1, 2, 3].map((r) => raw.parameters[r * n + 1]), [300, 300, 300, 300], 'the fixed social work cost');
  const chunk = projectionChunk(pert, request, 4, 2, 6);
  t.same(Array.from(summariseChunk(pert, request, raw).parameterSums), Array.from(chunk.parameterSums));
  t.ok(Math.abs(chunk.parameterSums[0] - fees.reduce((a, b) => a + b, 0)) < 1e-6);
  t.equal(chunk.parameterSums[1], 1200);
});
