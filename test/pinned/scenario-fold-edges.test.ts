import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { cohortLayout } from '../../src/simulation/cohort.ts';
import { Outcome, YEAR_OUTCOME_COUNT, YearOutcome } from '../../src/simulation/layout.ts';
import { APPRAISAL_CONVENTIONS, type PreparedScenario, prepareScenario } from '../../src/simulation/scenario.ts';
import { type ScenarioResultCore, ScenarioFolder } from '../../src/simulation/scenario-fold.ts';
import { modelFor } from '../../src/simulation/worker.ts';
import { eventModel, near } from './helpers.ts';

/**
 * src/simulation/scenario-fold.ts on run vectors written by hand (no engine): four runs whose
 * figures are a run factor k times a fixed pattern, k = 1, 3, 4, 0 for runs 0-3, so every
 * figure of the fold can be worked on paper. Summaries over k (sorted 0, 1, 3, 4; quantiles
 * interpolated as in summary.ts, h = (n − 1) q): mean 2, P10 0.3, P50 2, P90 3.7, min 0, max 4.
 * A figure a + b·k therefore has mean a + 2b, P10 a + 0.3b, P90 a + 3.7b.
 *
 * Each test names the Stryker mutants it kills (issue 13; survivors no input can tell apart are
 * in test/pinned/MUTATION-SURVIVORS.md).
 *
 * The model: eventModel (edge → care; agencies in model order children's social care 0,
 * education 1, health 2, …), with two interventions, `keep` (commissioned by the strategy) and
 * `other` (not commissioned: its inputs must never reach the tornado). Scenario 2026-27, two
 * planning years, three lifetime years; the strategy invests £1,000 (health) in 2026-27.
 *
 * Run vectors, pence, for run factor k (cells not named are 0):
 *   baseline   2026-27: CSC non-cashable 30,000k, CSC cashable 70,000k, education cashable 10,000k
 *              2027-28: CSC non-cashable 20,000k, CSC cashable 40,000k
 *              2028-29: CSC cashable 50,000k
 *   strategy   2026-27: CSC non-cashable 10,000k, CSC cashable 20,000k, health cashable 25,000,
 *                       of which interventions (health) 25,000 — the service, £250 every run
 *              2027-28: CSC cashable 10,000k
 * In pounds: baseline 1,100k, 600k, 500k; strategy 300k + 250, 100k, 0.
 * Benefits (baseline − (strategy − service)) 800k, 500k, 500k; costs 250 + 1,000 = 1,250, 0, 0.
 * With d1 = 1/1.035, d2 = 1/1.035²: PV benefits = k·A, A = 800 + 500 (d1 + d2) = £1,749.85;
 * PV costs £1,250; NPV = kA − 1,250: −1,250 (k 0), 499.85 (k 1), 4,000 − 0.46 (k 3), 5,749.39 (k 4).
 */

const d1 = 1 / 1.035;
const d2 = 1 / 1.035 ** 2;
const A = 800 + 500 * (d1 + d2);
const K = [1, 3, 4, 0];
const PENNY = 0.005;
const RUNS = 4;

function model(): CostModelSpec {
  const spec = eventModel(0);
  spec.id = 'fold-edges';
  const iv = (id: string, multiplier: number) => ({
    id,
    label: id === 'keep' ? 'Keep at home' : 'Other service',
    eligibility: { states: ['edge'] },
    cost: { oneOff: 2000, durationMonths: 0, agency: 'health' },
    effectDurationMonths: 360,
    effects: [{ from: ['edge'], to: ['care'], multiplier }],
    source: 'test',
  });
  spec.interventions = [iv('keep', 0), iv('other', 0.5)] as CostModelSpec['interventions'];
  return spec;
}

function scenario(): ScenarioSpec {
  return {
    id: 'fold-edges',
    version: '1.0.0',
    name: 'Fold edges',
    model: { id: 'fold-edges' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 2,
    lifetimeYears: 3,
    strategy: { name: 'Keep', interventions: [{ id: 'keep', capacityPerYear: 100 }], investment: [{ year: '2026-27', agency: 'health', amount: 1000, label: 'Set-up' }] },
  } as ScenarioSpec;
}

/**
 * The strategy's drawn inputs by run (parameterList order: unit:care_fee, unit:social_work,
 * event:entry, event:move, intervention:keep:one_off, intervention:keep:per_week,
 * effect:keep:0, then `other`'s three). The baseline variant's inputs are 100 + p, never read.
 */
const STRATEGY_PARAMETERS = [
  [1, 3, 4, 0], // = k: rank correlation with the NPV 1
  [-1, -3, -4, 0], // = −k: −1
  [9, 9, 9, 9], // constant: no swing, left out
  [4, 3, 2, 1], // ρ = 1/5 (listed before the three below, so the sort by |ρ| has work to do)
  [2, 2, 5, 2], // ties at P10: ρ = 3/√15
  [0, 7, 7, 1], // ties at P90: ρ = 3.5/√22.5
  [1, 4, 3, 0], // ρ = 1 − 6·2/(4·15) = 0.8
  [1, 3, 4, 0], // `other`'s inputs: ρ = 1 but not commissioned
  [1, 3, 4, 0],
  [1, 3, 4, 0],
];

function fixture(seed = 13) {
  const spec = model();
  const prepared = prepareScenario(scenario(), spec, [{ ageMonths: 144, state: 'edge', weeklyPrice: null }], { baseKey: 'fold-edges@test', seed, runs: RUNS, parameterUncertainty: false });
  const models = prepared.variants.map((v) => modelFor(`fold-edges:${v.modelKey}`, v.modelSpec));
  const layout = cohortLayout(models[0], prepared.request);
  const nA = layout.nAgencies;
  const nS = layout.nStates;
  const width = STRATEGY_PARAMETERS.length;
  const vectors = new Float64Array(RUNS * 2 * layout.size);
  const parameters = new Float64Array(RUNS * 2 * width);
  const CSC = 0;
  const EDU = 1;
  const HEALTH = 2;
  const EDGE = 0;
  const CARE = 1;
  for (let r = 0; r < RUNS; r++) {
    const k = K[r];
    const b = r * 2 * layout.size;
    const s = (r * 2 + 1) * layout.size;
    const cost = (at: number, y: number, a: number, cashable: 0 | 1, pence: number) => {
      vectors[at + layout.costFyAgency + (y * nA + a) * 2 + cashable] = pence;
    };
    cost(b, 0, CSC, 0, 30_000 * k);
    cost(b, 0, CSC, 1, 70_000 * k);
    cost(b, 0, EDU, 1, 10_000 * k);
    cost(b, 1, CSC, 0, 20_000 * k);
    cost(b, 1, CSC, 1, 40_000 * k);
    cost(b, 2, CSC, 1, 50_000 * k);
    cost(s, 0, CSC, 0, 10_000 * k);
    cost(s, 0, CSC, 1, 20_000 * k);
    cost(s, 0, HEALTH, 1, 25_000);
    cost(s, 1, CSC, 1, 10_000 * k);
    vectors[s + layout.interventionFyAgency + 0 * nA + HEALTH] = 25_000;
    // People on 31 March by state (three years written; the fold reads the two planning years).
    for (let y = 0; y < 3; y++) {
      vectors[b + layout.endOfYearState + y * nS + EDGE] = 5 + y;
      vectors[b + layout.endOfYearState + y * nS + CARE] = 2 * k + y;
      vectors[s + layout.endOfYearState + y * nS + EDGE] = k + y;
      vectors[s + layout.endOfYearState + y * nS + CARE] = 3 + y;
      const yo = (at: number, slot: number, n: number) => {
        vectors[at + layout.yearOutcomes + y * YEAR_OUTCOME_COUNT + slot] = n;
      };
      yo(b, YearOutcome.threeOrMorePlacements, k);
      yo(b, YearOutcome.careLeavers19to21, 2 + y);
      yo(b, YearOutcome.careLeaversEet19to21, 1);
      yo(s, YearOutcome.threeOrMorePlacements, 1);
      yo(s, YearOutcome.careLeavers19to21, k);
      yo(s, YearOutcome.careLeaversEet19to21, k > 0 ? 1 : 0);
    }
    // Outcomes: slot j of the report's list (months in care, residential, moves, entries, NEET
    // months, ever in custody, months in custody) is (j + 1)k as now and j + 1 under the strategy.
    const slots = [Outcome.monthsInCare, Outcome.monthsResidential, Outcome.placementMoves, Outcome.careEntries, Outcome.monthsNeet19to21, Outcome.everCustody, Outcome.monthsCustody];
    slots.forEach((slot, j) => {
      vectors[b + layout.outcomes + slot] = (j + 1) * k;
      vectors[s + layout.outcomes + slot] = j + 1;
    });
    // `keep` (intervention 0) delivered k times at £250 in all.
    vectors[s + layout.delivered + 0] = k;
    vectors[s + layout.costIntervention + 0] = 25_000;
    // A decoy in the baseline's delivered and intervention cost cells: the fold reads the strategy's.
    vectors[b + layout.delivered + 0] = 99;
    vectors[b + layout.costIntervention + 0] = 99;
    for (let p = 0; p < width; p++) {
      parameters[(r * 2) * width + p] = 100 + p;
      parameters[(r * 2 + 1) * width + p] = STRATEGY_PARAMETERS[p][r];
    }
  }
  return { prepared, models, layout, vectors, parameters, width };
}

/** Folds the fixture in two chunks (run 0, then runs 1-3), as shards arriving in order would. */
function folded(seed = 13, appraisal?: 'unset') {
  const f = fixture(seed);
  // 'unset': a prepared scenario stored before the appraisal convention existed (no field).
  const prepared = appraisal === 'unset' ? ({ ...f.prepared, appraisal: undefined } as unknown as PreparedScenario) : f.prepared;
  const folder = new ScenarioFolder(prepared, f.models);
  const size = f.layout.size;
  folder.add({ runStart: 0, runEnd: 1, vectors: f.vectors.subarray(0, 2 * size), parameters: f.parameters.subarray(0, 2 * f.width) });
  t.equal(folder.completedRuns, 1);
  folder.add({ runStart: 1, runEnd: RUNS, vectors: f.vectors.subarray(2 * size), parameters: f.parameters.subarray(2 * f.width) });
  t.equal(folder.completedRuns, RUNS);
  return { folder, fixture: f };
}

/** a + b·k summarised over the four runs: mean, P10, P50, P90, min, max (b < 0 reverses the quantiles). */
const over = (a: number, b: number) => ({
  mean: a + 2 * b,
  p10: a + (b >= 0 ? 0.3 : 3.7) * b,
  p50: a + 2 * b,
  p90: a + (b >= 0 ? 3.7 : 0.3) * b,
  min: Math.min(a, a + 4 * b),
  max: Math.max(a, a + 4 * b),
});

function summaryNear(t: { ok: (pass: boolean, message: string) => unknown }, got: { mean: number; p10: number; p50: number; p90: number; min?: number; max?: number }, want: ReturnType<typeof over>, what: string, tolerance = PENNY) {
  for (const key of ['mean', 'p10', 'p50', 'p90', 'min', 'max'] as const) {
    const g = got[key];
    if (g === undefined) continue;
    t.ok(near(g, want[key], tolerance), `${what} ${key}: want ${want[key]}, got ${g}`);
  }
}

let result: ScenarioResultCore;

t.before(() => {
  result = folded().folder.finish();
});

t.test('spend by year and by agency, planning years only, strategy with its investment', async (t) => {
  // Kills: spendBase/spendStrategy index and `y < this.planning` mutants; baseSpend/stratSpend
  // `+` → `−`; `stratSpend + invest` → `−`; sumAgencies `<` → `<=`, `+=` → `−=`; byYear saving
  // `x − strategy[run]` → `+`; totals' reduce `a + b` → `a − b`; label(y) arithmetic.
  t.same(
    result.spend.byYear.map((y) => y.financialYear),
    ['2026-27', '2027-28'],
  );
  const y0 = result.spend.byYear[0];
  summaryNear(t, y0.baseline, over(0, 1100), '2026-27 baseline');
  summaryNear(t, y0.strategy, over(1250, 300), '2026-27 strategy');
  summaryNear(t, y0.saving, over(-1250, 800), '2026-27 saving');
  const y1 = result.spend.byYear[1];
  summaryNear(t, y1.baseline, over(0, 600), '2027-28 baseline');
  summaryNear(t, y1.strategy, over(0, 100), '2027-28 strategy');
  summaryNear(t, y1.saving, over(0, 500), '2027-28 saving');
  const total = result.spend.planningTotal;
  summaryNear(t, total.baseline, over(0, 1700), 'planning total baseline');
  summaryNear(t, total.strategy, over(1250, 400), 'planning total strategy');
  summaryNear(t, total.saving, over(-1250, 1300), 'planning total saving');
  // By agency: 2 years × 6 agencies, year-major, model order.
  t.equal(result.spend.byYearAgency.length, 12);
  const cell = (y: number, agency: string) => result.spend.byYearAgency.find((x) => x.financialYear === ['2026-27', '2027-28'][y] && x.agency === agency);
  t.same(
    result.spend.byYearAgency.slice(0, 3).map((x) => [x.financialYear, x.agency]),
    [
      ['2026-27', 'childrens_social_care'],
      ['2026-27', 'education'],
      ['2026-27', 'health'],
    ],
  );
  summaryNear(t, cell(0, 'childrens_social_care')?.baseline as never, over(0, 1000), 'CSC 2026-27 baseline');
  summaryNear(t, cell(0, 'childrens_social_care')?.strategy as never, over(0, 300), 'CSC 2026-27 strategy');
  summaryNear(t, cell(0, 'childrens_social_care')?.saving as never, over(0, 700), 'CSC 2026-27 saving');
  summaryNear(t, cell(0, 'education')?.baseline as never, over(0, 100), 'education 2026-27 baseline');
  summaryNear(t, cell(0, 'health')?.strategy as never, over(1250, 0), 'health 2026-27: the service and the investment');
  summaryNear(t, cell(0, 'health')?.saving as never, over(-1250, 0), 'health 2026-27 saving');
  summaryNear(t, cell(1, 'childrens_social_care')?.saving as never, over(0, 500), 'CSC 2027-28 saving');
  summaryNear(t, cell(1, 'health')?.strategy as never, over(0, 0), 'health 2027-28: nothing');
});

t.test('invest-to-save: PVs, NPV, ratios, cashable split, by agency, net by year', async (t) => {
  // Kills: agencyCosts/agencyBenefits arithmetic (`ivSpend + invest`, `baseSpend − (stratSpend −
  // ivSpend)`, `* f`), cashable/non-cashable cells (`cell + 1`, `−` → `+`), the appraisal's
  // inputs (interventions, investment), netByYear indexing, ratios and their guards.
  const its = result.investToSave;
  summaryNear(t, its.presentBenefits, over(0, A), 'PV benefits');
  summaryNear(t, its.presentCosts, over(1250, 0), 'PV costs');
  summaryNear(t, its.netPresentValue, over(-1250, A), 'NPV');
  summaryNear(t, its.cashableBenefits, over(0, 600 + 300 * d1 + 500 * d2), 'cashable');
  summaryNear(t, its.nonCashableBenefits, over(0, 200 + 200 * d1), 'non-cashable');
  // Ratio of totals: E[PVB]/E[PVC] = 2A/1,250.
  t.ok(near(its.benefitCostRatio as number, (2 * A) / 1250, 1e-12), `BCR ${its.benefitCostRatio}`);
  t.ok(near(its.returnOnInvestment as number, (2 * A) / 1250 - 1, 1e-12), `ROI ${its.returnOnInvestment}`);
  t.equal(its.ratioSpreadOverRuns.runsWithCosts, 4);
  summaryNear(t, its.ratioSpreadOverRuns.benefitCostRatio as never, over(0, A / 1250), 'BCR by run', 1e-9);
  summaryNear(t, its.ratioSpreadOverRuns.returnOnInvestment as never, over(-1, A / 1250), 'ROI by run', 1e-9);
  // NPV > 0 in the runs k = 1, 3, 4; the cash net (1,800k − 1,250) likewise.
  t.equal(its.probabilityBenefitsExceedCosts, 0.75);
  t.equal(its.cash.probabilityBenefitsExceedCosts, 0.75);
  summaryNear(t, its.cash.net, over(-1250, 1800), 'cash net');
  t.same(
    its.netByYear.map((y) => y.financialYear),
    ['2026-27', '2027-28', '2028-29'],
  );
  summaryNear(t, its.netByYear[0].net, over(-1250, 800), 'net 2026-27');
  summaryNear(t, its.netByYear[1].net, over(0, 500), 'net 2027-28');
  summaryNear(t, its.netByYear[2].net, over(0, 500), 'net 2028-29');
  // By agency (bands: mean, P10, P50, P90): CSC benefits 700k + 500k (d1 + d2), education 100k,
  // health costs 1,250 and benefits 0 − (250 − 250) = 0.
  const agency = (id: string) => its.byAgency.find((a) => a.agency === id) as (typeof its.byAgency)[number];
  t.same(
    its.byAgency.map((a) => a.agency),
    ['childrens_social_care', 'education', 'health', 'youth_justice', 'housing', 'welfare'],
  );
  summaryNear(t, agency('childrens_social_care').presentBenefits, over(0, 700 + 500 * (d1 + d2)), 'CSC PV benefits');
  summaryNear(t, agency('childrens_social_care').presentCosts, over(0, 0), 'CSC PV costs');
  summaryNear(t, agency('education').presentBenefits, over(0, 100), 'education PV benefits');
  summaryNear(t, agency('health').presentCosts, over(1250, 0), 'health PV costs');
  summaryNear(t, agency('health').presentBenefits, over(0, 0), 'health PV benefits');
  summaryNear(t, agency('health').net, over(-1250, 0), 'health net');
  summaryNear(t, agency('childrens_social_care').net, over(0, 700 + 500 * (d1 + d2)), 'CSC net');
});

t.test('payback by year, never, and the median year', async (t) => {
  // Cumulative discounted net: k = 0 never pays back (−1,250 every year); k = 1 is −450 after
  // 2026-27 and +33.09 after 2027-28 (year 1); k = 3, 4 pay back in 2026-27 (year 0).
  // Kills: `year < 0` → `<=`/`>`; paybackCounts index; `never / runs`; the median's index
  // floor((runs − 1)/2) = 1 of [0, 0, 1, ∞] (→ +1 reads year 1) and the ∞ for never.
  const payback = result.investToSave.payback;
  t.same(
    payback.byYear.map((y) => [y.financialYear, y.probability]),
    [
      ['2026-27', 0.5],
      ['2027-28', 0.25],
      ['2028-29', 0],
    ],
  );
  t.equal(payback.probabilityNever, 0.25);
  t.equal(payback.medianYear, '2026-27');
});

t.test('counts by state and in care, planning years, both variants', async (t) => {
  // Kills: counts write/read index mutants (variant, year, state), `inCareFlags[st]` → true,
  // `st < nS` → `<=` in the in-care sum, band()'s mean and quantiles.
  t.same(
    result.counts.map((c) => [c.financialYear, c.state]),
    [
      ['2026-27', 'edge'],
      ['2026-27', 'care'],
      ['2027-28', 'edge'],
      ['2027-28', 'care'],
    ],
  );
  const b = (x: { mean: number; p10: number; p50: number; p90: number }) => [x.mean, x.p10, x.p50, x.p90].map((v) => Math.round(v * 1e9) / 1e9);
  t.same(b(result.counts[0].baseline), [5, 5, 5, 5], 'baseline edge 2026-27: 5');
  t.same(b(result.counts[1].baseline), [4, 0.6, 4, 7.4], 'baseline care 2026-27: 2k');
  t.same(b(result.counts[0].strategy), [2, 0.3, 2, 3.7], 'strategy edge 2026-27: k');
  t.same(b(result.counts[1].strategy), [3, 3, 3, 3], 'strategy care 2026-27: 3');
  t.same(b(result.counts[2].baseline), [6, 6, 6, 6], 'baseline edge 2027-28: 6');
  t.same(b(result.counts[3].baseline), [5, 1.6, 5, 8.4], 'baseline care 2027-28: 2k + 1');
  t.same(b(result.counts[2].strategy), [3, 1.3, 3, 4.7], 'strategy edge 2027-28: k + 1');
  t.same(b(result.counts[3].strategy), [4, 4, 4, 4], 'strategy care 2027-28: 4');
  t.same(
    result.inCare.map((y) => [y.financialYear, b(y.baseline), b(y.strategy)]),
    [
      ['2026-27', [4, 0.6, 4, 7.4], [3, 3, 3, 3]],
      ['2027-28', [5, 1.6, 5, 8.4], [4, 4, 4, 4]],
    ],
    'in care: the care state only',
  );
});

t.test('projected outcomes: placement stability and care leavers in EET, over the runs that count anyone', async (t) => {
  // 2026-27. Stability: baseline k of 2k looked after (½; run k = 0 counts nobody and is left
  // out), strategy 1 of 3. EET: baseline 1 of 2 (½), strategy 1 of k (1, ⅓, ¼; k = 0 left out).
  // Kills: the yearOutcomes copy's index mutants, `counted > 0` → `>=` (0/0 would be kept as
  // NaN), banded's NaN filter, the difference's order (strategy − baseline), meanCounted's
  // division by all runs (4, not the 3 counted).
  const row = result.projectedOutcomes?.[0];
  t.ok(row);
  if (!row) return;
  t.equal(row.financialYear, '2026-27');
  t.same(row.lookedAfter, { baseline: null, strategy: null }, 'the model gives no distance shares');
  t.same(row.shareWithin20Miles, { baseline: null, strategy: null, difference: null });
  t.same(row.lookedAfterAll, { baseline: 4, strategy: 3 }, 'mean looked after: (2 + 6 + 8 + 0)/4 and 3');
  t.same(row.careLeavers19to21, { baseline: 2, strategy: 2 }, 'mean care leavers: 2 and (1 + 3 + 4 + 0)/4');
  const r9 = (x: { mean: number; p10: number; p50: number; p90: number } | null | undefined) => (x ? [x.mean, x.p10, x.p50, x.p90].map((v) => Math.round(v * 1e9) / 1e9) : x);
  t.same(r9(row.threeOrMorePlacementsShare?.baseline), [0.5, 0.5, 0.5, 0.5]);
  t.same(r9(row.threeOrMorePlacementsShare?.strategy), [1 / 3, 1 / 3, 1 / 3, 1 / 3].map((v) => Math.round(v * 1e9) / 1e9));
  t.same(r9(row.threeOrMorePlacementsShare?.difference), [-1 / 6, -1 / 6, -1 / 6, -1 / 6].map((v) => Math.round(v * 1e9) / 1e9));
  t.same(r9(row.eetShareOfCareLeavers?.baseline), [0.5, 0.5, 0.5, 0.5]);
  // Strategy shares sorted ¼, ⅓, 1 (n = 3, h = 2q): mean 19/36, P10 ¼ + 0.2/12, P50 ⅓, P90 ⅓ + 0.8 × ⅔.
  t.same(r9(row.eetShareOfCareLeavers?.strategy), [19 / 36, 0.25 + 0.2 / 12, 1 / 3, 1 / 3 + 0.8 * (2 / 3)].map((v) => Math.round(v * 1e9) / 1e9));
  // Differences 1/k − ½ sorted −¼, −⅙, ½: mean 1/36, P10 −¼ + 0.2/12, P50 −⅙, P90 −⅙ + 0.8 × ⅔.
  t.same(r9(row.eetShareOfCareLeavers?.difference), [1 / 36, -0.25 + 0.2 / 12, -1 / 6, -1 / 6 + 0.8 * (2 / 3)].map((v) => Math.round(v * 1e9) / 1e9));
  // 2027-28: baseline stability k of 2k + 1 (⅓, 3/7, 4/9; k = 0: 0 of 1 counts, share 0).
  const next = result.projectedOutcomes?.[1];
  t.equal(next?.financialYear, '2027-28');
  t.same(next?.lookedAfterAll, { baseline: 5, strategy: 4 });
  t.same(next?.careLeavers19to21, { baseline: 3, strategy: 2 });
  t.same(r9(next?.threeOrMorePlacementsShare?.baseline)?.[0], Math.round(((1 / 3 + 3 / 7 + 4 / 9 + 0) / 4) * 1e9) / 1e9);
  t.same(r9(next?.eetShareOfCareLeavers?.baseline), [1 / 3, 1 / 3, 1 / 3, 1 / 3].map((v) => Math.round(v * 1e9) / 1e9));
});

t.test('outcomes, interventions: the report list, slots and the strategy variant', async (t) => {
  // Kills: OUTCOMES' measure/label strings and slot names, the outcome index mutants, the
  // difference's order, delivered/cost read from the strategy (not the baseline decoys).
  t.same(
    result.outcomes.map((o) => [o.measure, o.label]),
    [
      ['months_in_care', 'Months looked after'],
      ['months_in_residential', 'Months in residential or secure care'],
      ['placement_moves', 'Placement moves'],
      ['care_entries', 'Entries to care'],
      ['neet_months_19_21', 'Months NEET aged 19-21'],
      ['people_ever_in_custody', 'People ever in custody'],
      ['months_in_custody', 'Months in custody'],
    ],
  );
  result.outcomes.forEach((o, j) => {
    summaryNear(t, o.baseline, over(0, j + 1), `${o.measure} baseline`, 1e-9);
    summaryNear(t, o.strategy, over(j + 1, 0), `${o.measure} strategy`, 1e-9);
    summaryNear(t, o.difference, over(j + 1, -(j + 1)), `${o.measure} difference`, 1e-9);
  });
  t.equal(result.interventions.length, 1, 'only the commissioned service');
  const keep = result.interventions[0];
  t.equal(keep.intervention, 'keep');
  t.same([keep.delivered.mean, keep.delivered.p10, keep.delivered.p50, keep.delivered.p90].map((v) => Math.round(v * 1e9) / 1e9), [2, 0.3, 2, 3.7]);
  summaryNear(t, keep.cost, over(250, 0), 'keep cost');
});

t.test('sensitivity: commissioned inputs only, ranked by |ρ|, NPV in the low and high deciles', async (t) => {
  // NPV(k) = kA − 1,250. Each input's P10 and P90 over its four values (h = 0.3, 2.7):
  //   care_fee = k: P10 0.3 → run k = 0 (−1,250); P90 3.7 → k = 4 (4A − 1,250).
  //   social_work = −k: P10 −3.7 → k = 4; P90 −0.3 → k = 0.
  //   keep one-off [2, 2, 5, 2]: P10 = 2 exactly → runs k = 1, 3, 0, mean (4A − 3,750)/3;
  //     P90 2 + 0.7 × 3 = 4.1 → k = 4. (`x <= low` → `<` would take none: 0.)
  //   keep weekly [0, 7, 7, 1]: P10 0.3 → k = 1 (A − 1,250); P90 = 7 exactly → k = 3, 4,
  //     mean (7A − 2,500)/2. (`x >= high` → `>` would take none: 0.)
  //   event:move [4, 3, 2, 1]: P10 1.3 → k = 0; P90 3.7 → k = 1.
//   effect [1, 4, 3, 0]: P10 0.3 → k = 0; P90 3.7 → k = 3.
//   event:entry constant: left out. `other`'s inputs (ρ = 1) are not commissioned: left out.
  // Kills: the irrelevant() pattern and Set lookup, `sorted[0] === sorted[runs − 1]`, the
  // parameter offset (strategy variant, `from = (r·2 + 1)·width`), the deciles' comparisons,
  // Math.max(1, n) guards, the sort by |ρ| (descending; stable for the two ties at 1), labels.
  const npv = (k: number) => k * A - 1250;
  const rows = result.sensitivity;
  t.same(
    rows.map((x) => [x.parameter, x.kind, x.label]),
    [
      ['unit:care_fee', 'unit_cost', 'Placement fee'],
      ['unit:social_work', 'unit_cost', 'Social work time'],
      ['effect:keep:0', 'effect', 'Keep at home: effect on moves to care'],
      ['intervention:keep:one_off', 'intervention_cost', 'Keep at home: one-off cost'],
      ['intervention:keep:per_week', 'intervention_cost', 'Keep at home: weekly cost'],
      ['event:move', 'event_cost', 'Placement move'],
    ],
  );
  const rho = rows.map((x) => Math.round(x.rankCorrelation * 1e9) / 1e9);
  t.same(rho, [1, -1, 0.8, 3 / Math.sqrt(15), 3.5 / Math.sqrt(22.5), 0.2].map((v) => Math.round(v * 1e9) / 1e9));
  const swing = (k: number, low: number, high: number) => {
    t.ok(near(rows[k].npvWhenLow, low, PENNY), `${rows[k].parameter} low: want ${low}, got ${rows[k].npvWhenLow}`);
    t.ok(near(rows[k].npvWhenHigh, high, PENNY), `${rows[k].parameter} high: want ${high}, got ${rows[k].npvWhenHigh}`);
  };
  swing(0, npv(0), npv(4));
  swing(1, npv(4), npv(0));
  swing(2, npv(0), npv(3));
  swing(3, (npv(1) + npv(3) + npv(0)) / 3, npv(4));
  swing(4, npv(1), (npv(3) + npv(4)) / 2);
  swing(5, npv(0), npv(1));
  // Kills the sort's removal, `() => undefined` and `|b| + |a|` (lines 536-538): in parameter
  // order event:move (ρ 0.2) comes before the three with |ρ| near 0.75-0.8.

});

t.test('the NPV histogram: 30 bins from the least to the greatest NPV', async (t) => {
  // NPVs −1,250, A − 1,250, 3A − 1,250, 4A − 1,250; bin width 4A/30; (kA)/(4A/30) = 7.5k:
  // bins 0, 7 (7.5), 22 (22.5) and the last (30 → 29, Math.min).
  // Kills: histogram's min/max scan, width, `Math.min(bins − 1, …)`, `(i + 1) * width`.
  const h = result.npvHistogram;
  t.equal(h.length, 30);
  t.ok(near(h[0].from, -1250, 1e-6), `from ${h[0].from}`);
  t.ok(near(h[29].to, 4 * A - 1250, 1e-6), `to ${h[29].to}`);
  t.ok(near(h[1].from - h[0].from, (4 * A) / 30, 1e-6), 'bin width 4A/30');
  t.ok(near(h[0].to, h[1].from, 1e-9));
  const counts = h.map((b) => b.count);
  const want = new Array(30).fill(0);
  want[0] = 1;
  want[7] = 1;
  want[22] = 1;
  want[29] = 1;
  t.same(counts, want);
});

t.test('the header: runs, seed, years, the appraisal convention and its default', async (t) => {
  // Kills: the header fields, `?? 'closed_cohort'` (a prepared scenario from before the
  // convention existed reads as a closed cohort) and its description lookup.
  t.equal(result.runs, 4);
  t.equal(result.seed, 13);
  t.equal(result.firstYear, '2026-27');
  t.equal(result.planningYears, 2);
  t.equal(result.lifetimeYears, 3);
  t.same(result.appraisal, { convention: 'continuing_demand', description: APPRAISAL_CONVENTIONS.continuing_demand });
  t.notOk('funding' in result, 'no funding arrangement, no funding figures');
  // `keep` is commissioned with places (capacityPerYear), so the capacity block is there; these
  // hand-made chunks carry no place figures, so nothing is used.
  t.same(
    result.capacity?.commissioned.map((c) => [c.intervention, c.byYear.map((y) => y.used)]),
    [['keep', [0, 0, 0]]],
  );
  const old = folded(13, 'unset').folder.finish();
  t.same(old.appraisal, { convention: 'closed_cohort', description: APPRAISAL_CONVENTIONS.closed_cohort });
  t.ok(APPRAISAL_CONVENTIONS.closed_cohort.length > 0);
});

t.test('finishYielding gives finish()’s result, taking turns; missing runs and out-of-order chunks throw', async (t) => {
  // Kills: finishYielding's loop (`step.done` → false, the turn removed), the nextRun checks
  // (`!==` → `===`, the message), and completedRuns.
  let turns = 0;
  const yielded = await folded().folder.finishYielding(async () => {
    turns++;
  });
  t.same(yielded, result, 'the same result');
  t.ok(turns >= 8, `${turns} turns`);
  const f = fixture();
  const folder = new ScenarioFolder(f.prepared, f.models);
  t.throws(() => folder.finish(), /only 0 of 4 runs were folded/);
  const size = f.layout.size;
  t.throws(() => folder.add({ runStart: 1, runEnd: 2, vectors: f.vectors.subarray(2 * size, 4 * size), parameters: f.parameters.subarray(0, 2 * f.width) }), /chunk starting at run 1 arrived before run 0/);
  t.throws(() => folder.add({ runStart: 0, runEnd: 2, vectors: f.vectors.subarray(0, 2 * size), parameters: f.parameters }), /chunk of runs 0-2 has 230 figures, not 460 \(2 variants × 115\): made by a different engine version/);
  folder.add({ runStart: 0, runEnd: 1, vectors: f.vectors.subarray(0, 2 * size), parameters: f.parameters.subarray(0, 2 * f.width) });
  t.equal(folder.completedRuns, 1);
  t.throws(() => folder.finish(), /only 1 of 4 runs were folded/);
});
