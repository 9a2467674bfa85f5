import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { rankCorrelation } from '../../src/finance/invest-to-save.ts';
import { cohortLayout } from '../../src/simulation/cohort.ts';
import { keyedStreamUniform } from '../../src/simulation/engine.ts';
import { Outcome, YEAR_OUTCOME_COUNT, YearOutcome } from '../../src/simulation/layout.ts';
import { type SharedPlaces, placeStatsWidth } from '../../src/simulation/places.ts';
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

function model(options: Options = {}): CostModelSpec {
  const spec = eventModel(0);
  spec.id = 'fold-edges';
  // A quarter of those in care placed more than 20 miles from home (the share within: ¾); its
  // own model key (fixture), as modelFor caches models by key.
  if (options.distance) spec.states[1].distanceOver20Miles = { share: 0.25, source: 'test' };
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

/**
 * Options for the tests of single mutants beside the main fixture: the services commissioned
 * (default `keep`), a further £1,035 investment (health) in 2027-28, rate changes (one the
 * scenario assumes for both variants, two of the strategy's own).
 */
interface Options {
  commission?: Array<'keep' | 'other'>;
  laterInvestment?: boolean;
  rateChanges?: boolean;
  distance?: boolean;
  /** Eleven strategy rate changes, unlabelled (the last is strategy-rate-10). */
  elevenRates?: boolean;
  /** No service cost and no investment: PV costs 0 in every run. */
  free?: boolean;
  /** A funding arrangement: half of each year's net cashable saving reinvested. */
  funded?: boolean;
}

function scenario(options: Options = {}): ScenarioSpec {
  const investment = options.free ? [] : [{ year: '2026-27', agency: 'health', amount: 1000, label: 'Set-up' }];
  if (options.laterInvestment) investment.push({ year: '2027-28', agency: 'health', amount: 1035, label: 'Second year' });
  const rate = (min: number, max: number, label?: string) => ({ from: ['edge'], to: ['care'], multiplier: { type: 'uniform', min, max }, ...(label ? { label } : {}) });
  return {
    id: 'fold-edges',
    version: '1.0.0',
    name: 'Fold edges',
    model: { id: 'fold-edges' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 2,
    lifetimeYears: 3,
    ...(options.rateChanges ? { rateChanges: [rate(0.9, 1.1, 'local')] } : {}),
    ...(options.funded ? { funding: { reinvestment: { share: 0.5 } } } : {}),
    strategy: {
      name: 'Keep',
      interventions: (options.commission ?? ['keep']).map((id) => ({ id, capacityPerYear: 100 })),
      investment,
      ...(options.rateChanges ? { rateChanges: [rate(0.5, 1.5, 'intervention:other:fewer entries'), rate(2, 3)] } : {}),
      ...(options.elevenRates ? { rateChanges: Array.from({ length: 11 }, (_, j) => rate(1 + j, 2 + j)) } : {}),
    },
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

function fixture(seed = 13, options: Options = {}, ks = K) {
  const spec = model(options);
  const prepared = prepareScenario(scenario(options), spec, [{ ageMonths: 144, state: 'edge', weeklyPrice: null }], { baseKey: options.distance ? 'fold-edges-distance@test' : 'fold-edges@test', seed, runs: RUNS, parameterUncertainty: false });
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
    const k = ks[r];
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
    cost(s, 1, CSC, 1, 10_000 * k);
    if (!options.free) {
      cost(s, 0, HEALTH, 1, 25_000);
      vectors[s + layout.interventionFyAgency + 0 * nA + HEALTH] = 25_000;
    }
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
    // `other` (intervention 1), read only when commissioned: delivered 10 + k, £75 in all.
    vectors[s + layout.delivered + 1] = 10 + k;
    vectors[s + layout.costIntervention + 1] = 7_500;
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
function folded(seed = 13, appraisal?: 'unset', options: Options = {}, ks = K) {
  const f = fixture(seed, options, ks);
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

/**
 * The main fixture's result, folded inside the first test that asks. Not in t.before: a throw
 * there ends the process before any test fails, and Stryker's tap runner records a mutant that
 * throws so as a runtime error, left out of the score (8 of lines 263-400 on 1 December), where
 * a throw inside a test is a failed test: killed.
 */
let folding: ScenarioResultCore | undefined;
const resultOf = () => {
  folding ??= folded().folder.finish();
  return folding;
};

t.test('spend by year and by agency, planning years only, strategy with its investment', async (t) => {
  const result = resultOf();
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
  const result = resultOf();
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
  const result = resultOf();
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
  const result = resultOf();
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
  const result = resultOf();
  // 2026-27. Stability: baseline k of 2k looked after (½; run k = 0 counts nobody and is left
  // out), strategy 1 of 3. EET: baseline 1 of 2 (½), strategy 1 of k (1, ⅓, ¼; k = 0 left out).
  // Kills: the yearOutcomes copy's index mutants, banded's NaN filter, the difference's order
  // (strategy − baseline), meanCounted's division by all runs (4, not the 3 counted).
  // (`counted > 0` → `>=` or `true` is not killed: with nobody counted the part is 0 too, and
  // 0/0 is the same NaN; see MUTATION-SURVIVORS.md.)
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
  const result = resultOf();
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
  const result = resultOf();
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
  const result = resultOf();
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
  const result = resultOf();
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
  const result = resultOf();
  // Kills: finishYielding's loop (`step.done` → false, the turn removed), the nextRun checks
  // (`!==` → `===`, the message), and completedRuns.
  let turns = 0;
  const yielded = await folded().folder.finishYielding(async () => {
    turns++;
  });
  t.same(yielded, result, 'the same result');
  // A turn after each step: spend by year; by year and agency, one a planning year (2); the
  // ratios and payback; counts by state, one a planning year (2); in care; projected outcomes;
  // outcomes; interventions; one within the inputs every 8 (10 inputs: at k = 8); the tornado;
  // the NPVs in pounds, before the answer: 13.
  // Kills line 501's `k > 0 && k % 8 === 0` mutants that change how often a turn is taken.
  t.equal(turns, 13);
  const f = fixture();
  const folder = new ScenarioFolder(f.prepared, f.models);
  t.throws(() => folder.finish(), /only 0 of 4 runs were folded/);
  const size = f.layout.size;
  t.throws(() => folder.add({ runStart: 1, runEnd: 2, vectors: f.vectors.subarray(2 * size, 4 * size), parameters: f.parameters.subarray(0, 2 * f.width) }), /chunk starting at run 1 arrived before run 0/);
  t.throws(() => folder.add({ runStart: 0, runEnd: 2, vectors: f.vectors.subarray(0, 2 * size), parameters: f.parameters }), /chunk of runs 0-2 has 230 figures, not 460 \(2 variants × 115\): made by a different engine version/);
  folder.add({ runStart: 0, runEnd: 1, vectors: f.vectors.subarray(0, 2 * size), parameters: f.parameters.subarray(0, 2 * f.width) });
  t.equal(folder.completedRuns, 1);
  t.throws(() => folder.finish(), /only 1 of 4 runs were folded/);
  // Runs 1-3 are 3 × 2 × 115 = 690 figures (`runEnd + runStart` would say 920).
  t.throws(() => folder.add({ runStart: 1, runEnd: 4, vectors: f.vectors.subarray(2 * size, 4 * size), parameters: f.parameters.subarray(2 * f.width) }), /chunk of runs 1-4 has 230 figures, not 690 \(2 variants × 115\)/);
});

t.test('place figures: the strategy’s block of each run, read at (2r + 1) × width within its chunk', async (t) => {
  // `keep` is commissioned with places, so both variants hold places: the baseline none (width
  // 0), the strategy one service × 3 financial years: width 3. Run r's strategy block says
  // places used r + 1, 10(r + 1), 0 by year: means 2.5, 25, 0. The baseline's blocks are 999
  // (never read: it offers nothing). Run 0 comes in a chunk of its own, runs 1-3 in another.
  // Kills (lines 276-277): the guard (`if (false)`, `true && …`, `||`), `variant < 2` (→ `<=`
  // throws on a third variant; → `>=`, `false`: nothing read), `(r × 2 + variant) × width` (→
  // `−`, `/`: the baseline's decoys or no cell); a chunk without placesWidth is not read.
  const f = fixture();
  const width = Math.max(...f.prepared.variants.map((v) => placeStatsWidth(v.places as SharedPlaces, f.prepared.request.months, f.layout.nFinancialYears)));
  t.equal(width, 3);
  const places = new Float64Array(RUNS * 2 * width).fill(999);
  for (let r = 0; r < RUNS; r++) places.set([r + 1, 10 * (r + 1), 0], (r * 2 + 1) * width);
  const size = f.layout.size;
  const fold = (withWidth: boolean, withPlaces = true) => {
    const folder = new ScenarioFolder(f.prepared, f.models);
    const w = withWidth ? { placesWidth: width } : {};
    const p = (from: number, to?: number) => (withPlaces ? { places: places.subarray(from, to) } : {});
    folder.add({ runStart: 0, runEnd: 1, vectors: f.vectors.subarray(0, 2 * size), parameters: f.parameters.subarray(0, 2 * f.width), ...p(0, 2 * width), ...w });
    folder.add({ runStart: 1, runEnd: RUNS, vectors: f.vectors.subarray(2 * size), parameters: f.parameters.subarray(2 * f.width), ...p(2 * width), ...w });
    return folder.finish().capacity?.commissioned.map((c) => [c.intervention, c.byYear.map((y) => y.used)]);
  };
  t.same(fold(true), [['keep', [2.5, 25, 0]]]);
  t.same(fold(false), [['keep', [0, 0, 0]]], 'no placesWidth: the figures are not read');
  // A width without figures: nothing to read (kills `this.places && chunk.places` → `true` or
  // `||` in `(this.places && chunk.places) && chunk.placesWidth !== undefined`, which read none).
  t.same(fold(true, false), [['keep', [0, 0, 0]]], 'no figures: nothing read');
});

t.test('agency costs are discounted year by year: a second investment in 2027-28', async (t) => {
  // £1,035 more to health in 2027-28, PV 1,035/1.035 = £1,000: health's PV costs 1,250 + 1,000
  // = £2,250 in every run (`× f` → `/ f` gave 1,250 + 1,071.23; the other tests book every cost
  // in 2026-27, where f = 1). Kills line 265's `(ivSpend + invest) × f` → `/ f`.
  const its = folded(13, undefined, { laterInvestment: true }).folder.finish().investToSave;
  const health = its.byAgency.find((a) => a.agency === 'health');
  t.same(health?.presentCosts, { mean: 2250, p10: 2250, p50: 2250, p90: 2250 });
  summaryNear(t, its.presentCosts, over(2250, 0), 'PV costs');
});

t.test('two commissioned services: each read at its own index', async (t) => {
  // Commissioning `keep` (intervention 0) and `other` (1): delivered k and 10 + k, costs £250
  // and £75 in every run. Kills lines 305-306: `run × n + k` → `run × n − k`, `run / n + k`
  // (a cell another run's or none), `layout.delivered + iv` → `− iv` (with one service, at
  // index 0, all these read the same cell).
  const result = folded(13, undefined, { commission: ['keep', 'other'] }).folder.finish();
  const r9 = (b: { mean: number; p10: number; p50: number; p90: number }) => [b.mean, b.p10, b.p50, b.p90].map((v) => Math.round(v * 1e9) / 1e9);
  t.same(
    result.interventions.map((iv) => [iv.intervention, r9(iv.delivered), iv.cost.mean, iv.cost.min, iv.cost.max]),
    [
      ['keep', [2, 0.3, 2, 3.7], 250, 250, 250],
      ['other', [12, 10.3, 12, 13.7], 75, 75, 75],
    ],
  );
});

t.test('payback’s median year: the runs sorted, a run that never pays back last', async (t) => {
  // Run factors k = 0, 0, 1, 3: payback never, never, 2027-28 (year 1), 2026-27 (year 0).
  // Sorted with never as ∞: 0, 1, ∞, ∞; the median's index ⌊(4 − 1)/2⌋ = 1: 2027-28.
  // Kills line 394: the sort removed (run order ∞, ∞, 1, 0: index 1 is never, null) and `y < 0
  // ? ∞ : y` → `false ? …` (−1, −1, 0, 1: index 1 is −1, 2025-26). With k = 1, 3, 4, 0 both
  // gave 2026-27.
  const result = folded(13, undefined, {}, [0, 0, 1, 3]).folder.finish();
  const payback = result.investToSave.payback;
  // The histogram's least NPV is −£1,250 (k = 0), not the last run's (k = 3): kills line 601's
  // `v < min` → `true` (the main fixture's last run, k = 0, is also its least).
  t.ok(near(result.npvHistogram[0].from, -1250, 1e-9), `from ${result.npvHistogram[0].from}`);
  t.ok(near(result.npvHistogram[29].to, 3 * A - 1250, 1e-9), `to ${result.npvHistogram[29].to}`);
  t.equal(payback.medianYear, '2027-28');
  t.equal(payback.probabilityNever, 0.5);
  t.same(
    payback.byYear.map((y) => y.probability),
    [0.25, 0.25, 0],
  );
});

t.test('rate changes reach the tornado: one assumed for both variants, two of the strategy’s', async (t) => {
  // Each rate change's multiplier is drawn per run from its own keyed stream (keyedStreamUniform:
  // seed 13, the run, `rate:` + its name), so its values are read from that function; the fold
  // places them after the model's inputs, names and labels them, and ranks them against the NPV.
  // With four distinct values, only the least lies at or below P10 (h = 0.3) and only the
  // greatest at or above P90: npvWhenLow and npvWhenHigh are the NPVs of those two runs.
  // The strategy's first change is labelled like an input of the uncommissioned `other`
  // ("intervention:other:…"): it is still a rate change and stays (kills line 494's pattern
  // without its `^`, which would take it for `other`'s input and leave it out).
  // Kills: line 213's periods lookup and the labels (`common-` → 'Assumed', else 'Strategy',
  // the prefix removed by the pattern), lines 310-311 (the block, `+ modelParameters + k` → `−`,
  // `run × width` → `/`, the stream name `rate:…` → ``), line 240's `periods.length − 1`.
  const f = fixture(13, { rateChanges: true });
  const periods = f.prepared.variants[1].slot.periods ?? [];
  const rates = periods[periods.length - 1].rates;
  t.same(
    rates.map((r) => r.name),
    ['common-rate-0:local', 'strategy-rate-0:intervention:other:fewer entries', 'strategy-rate-1:edge>care'],
  );
  const result = folded(13, undefined, { rateChanges: true }).folder.finish();
  const npv = K.map((k) => k * A - 1250);
  const labels = ['Assumed rate change: local', 'Strategy rate change: intervention:other:fewer entries', 'Strategy rate change: edge>care'];
  rates.forEach((rate, j) => {
    const name = ['rate:common-rate-0:local', 'rate:strategy-rate-0:intervention:other:fewer entries', 'rate:strategy-rate-1:edge>care'][j];
    const values = Float64Array.from({ length: RUNS }, (_, run) => keyedStreamUniform(13, run, name, rate.multiplier));
    t.equal(new Set(values).size, 4, `${name}: four distinct draws`);
    const row = result.sensitivity.find((x) => x.parameter === name);
    t.ok(row, name);
    if (!row) return;
    t.same([row.label, row.kind], [labels[j], 'rate_change']);
    t.ok(near(row.rankCorrelation, rankCorrelation(values, Float64Array.from(npv)), 1e-12), `${name} ρ ${row.rankCorrelation}`);
    const lowest = values.indexOf(Math.min(...values));
    const highest = values.indexOf(Math.max(...values));
    t.ok(near(row.npvWhenLow, npv[lowest], PENNY), `${name} low: want ${npv[lowest]}, got ${row.npvWhenLow}`);
    t.ok(near(row.npvWhenHigh, npv[highest], PENNY), `${name} high: want ${npv[highest]}, got ${row.npvWhenHigh}`);
  });
});

t.test('distance from home: the share within 20 miles, over the runs that count anyone', async (t) => {
  // The care state places a quarter more than 20 miles away. 2026-27: looked after in care,
  // baseline 2k (mean 4; the run k = 0 counts nobody and is left out), strategy 3: the share
  // within 20 miles ¾ in every run that counts anyone, difference 0.
  // Kills lines 442-450: the distance tallies (`[]`, `() => undefined`, `{}`, the block) and the
  // mean looked after (`{}`), read only when the model gives distance shares.
  const result = folded(13, undefined, { distance: true }).folder.finish();
  const row = result.projectedOutcomes?.[0];
  t.same(row?.lookedAfter, { baseline: 4, strategy: 3 });
  const flat = (x: number) => ({ mean: x, p10: x, p50: x, p90: x });
  t.same(row?.shareWithin20Miles, { baseline: flat(0.75), strategy: flat(0.75), difference: flat(0) });
  const next = result.projectedOutcomes?.[1];
  t.same(next?.lookedAfter, { baseline: 5, strategy: 4 }, '2027-28: 2k + 1 and 4');
});

t.test('projected outcomes when no run counts anyone: null bands, not bands of nothing', async (t) => {
  // Run factor 0 in every run: in 2026-27 the baseline looks after 2k = 0 in every run and the
  // strategy has k = 0 care leavers aged 19-21, so those shares (and their differences) have no
  // run and are null; the others are as in the main fixture (⅓ and ½).
  // Kills line 429's `kept.length > 0 ? band(kept) : null` → `true`, `>= 0` (a band of no runs).
  const zero = folded(13, undefined, {}, [0, 0, 0, 0]).folder.finish();
  // Every run's NPV is −£1,250: the histogram is one bin of all four (kills line 604's guard:
  // `!(max > min)` → false, `max > min` → true or `>=`, which divide by a width of 0).
  t.same(zero.npvHistogram, [{ from: -1250, to: -1250, count: 4 }]);
  const row = zero.projectedOutcomes?.[0];
  t.same(row?.lookedAfterAll, { baseline: 0, strategy: 3 });
  t.equal(row?.threeOrMorePlacementsShare?.baseline, null);
  t.equal(row?.threeOrMorePlacementsShare?.difference, null);
  t.same(row?.threeOrMorePlacementsShare?.strategy, { mean: 1 / 3, p10: 1 / 3, p50: 1 / 3, p90: 1 / 3 });
  t.same(row?.careLeavers19to21, { baseline: 2, strategy: 0 });
  t.same(row?.eetShareOfCareLeavers?.baseline, { mean: 0.5, p10: 0.5, p50: 0.5, p90: 0.5 });
  t.equal(row?.eetShareOfCareLeavers?.strategy, null);
  t.equal(row?.eetShareOfCareLeavers?.difference, null);
});

t.test('no costs in any run: no ratio spread, and an NPV of exactly 0 is not above zero', async (t) => {
  // Without the service and the investment, PV costs are 0 in every run: no run has a ratio
  // (null spreads, not summaries of nothing), the ratio of totals is null, and the run k = 0 has
  // NPV and cash net exactly 0, which is not "benefits exceed costs": 3 runs of 4.
  // Kills lines 563-564 (`length > 0 ? summarize : null` → `true`, `>= 0`) and 566-567
  // (`x > 0 ? 1 : 0` → `>=`).
  const its = folded(13, undefined, { free: true }).folder.finish().investToSave;
  t.same(its.ratioSpreadOverRuns, { runsWithCosts: 0, benefitCostRatio: null, returnOnInvestment: null });
  t.equal(its.benefitCostRatio, null);
  t.equal(its.presentCosts.max, 0);
  t.equal(its.netPresentValue.min, 0);
  t.equal(its.probabilityBenefitsExceedCosts, 0.75);
  t.equal(its.cash.probabilityBenefitsExceedCosts, 0.75);
});

t.test('a strategy without services holds no places; a rate change numbered 10 loses its prefix', async (t) => {
  // No services and no capacity limits: neither variant holds places, so there is no capacity
  // block (kills line 221's `shared.every(…)` → `true`, which folds places that do not exist).
  // Eleven rate changes: the last is strategy-rate-10, and its label drops the whole prefix
  // (kills line 215's `\d+` → `\d`, which leaves "strategy-rate-10:" in the label).
  const result = folded(13, undefined, { commission: [], elevenRates: true }).folder.finish();
  t.notOk('capacity' in result, 'no places, no capacity block');
  t.same(result.interventions, []);
  const last = result.sensitivity.find((x) => x.parameter === 'rate:strategy-rate-10:edge>care');
  t.equal(last?.label, 'Strategy rate change: edge>care');
  t.equal(last?.kind, 'rate_change');
});

t.test('a funding arrangement is folded run by run beside the appraisal', async (t) => {
  // With no income lines, the net after income is the invest-to-save NPV, run by run, to the
  // penny (the arrangement books whole pence a year: the summaries differ by at most 1p;
  // funding-fold-edges.test.ts pins the arrangement's own figures).
  // Kills line 588's `{ funding: … }` → `{}` and the per-run addRun (line 279).
  const result = folded(13, undefined, { funded: true }).folder.finish();
  t.ok(result.funding, 'the funding figures are there');
  const net = result.funding?.netAfterIncome;
  const npv = result.investToSave.netPresentValue;
  for (const key of ['mean', 'p10', 'p50', 'p90', 'min', 'max'] as const) t.ok(near(net?.[key] as number, npv[key], 0.0101), `${key}: ${net?.[key]} and ${npv[key]}`);
  t.ok(near(npv.mean, 2 * A - 1250, PENNY), 'the NPV as in the main fixture');
  t.equal(result.funding?.reinvestment?.share, 0.5);
  t.same(result.funding?.income, []);
});
