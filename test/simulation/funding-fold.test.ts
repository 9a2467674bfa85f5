import { readFileSync } from 'node:fs';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { validateScenario } from '../../src/catalog/validate-scenario.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { type ScenarioMember, prepareScenario, scenarioShards, simulateScenarioShard } from '../../src/simulation/scenario.ts';
import { ScenarioFolder } from '../../src/simulation/scenario-fold.ts';
import { modelFor } from '../../src/simulation/worker.ts';

/**
 * Funding arrangements folded inside a real scenario run on the default model (issue 16):
 * the organisations' and partners' positions sum to the scenario's NPV in every run, to the
 * penny; a contract on the modelled counterfactual pays nothing when the strategy changes
 * nothing; the answer carries the funding figures through the worker pool as well.
 */

const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));

const members: ScenarioMember[] = [
  ...Array.from({ length: 8 }, (_, k) => ({ ageMonths: (12 + (k % 5)) * 12 + k, state: 'edge_of_care', weeklyPrice: null })),
  { ageMonths: 15 * 12, state: 'residential', weeklyPrice: 6100 },
  { ageMonths: 14 * 12, state: 'cin_cp', weeklyPrice: null },
];

const funding = {
  organisations: [
    { id: 'company', name: 'Children’s services company', holds: [{ agency: 'childrens_social_care', share: [0.5, 1] }, { agency: 'education', share: 0.25 }] },
    { id: 'council', name: 'Council', holds: [{ agency: 'childrens_social_care', share: [0.5, 0] }, { agency: 'education', share: 0.75 }, { agency: 'housing', share: 1 }] },
    { id: 'icb', name: 'Integrated care board', holds: [{ agency: 'health', share: 1 }] },
  ],
  reinvestment: { share: 0.5 },
  pooledBudget: {
    services: ['mst'],
    annualBudget: 60000,
    partners: [
      { organisation: 'company', contribution: 0.5, riskShare: 0.7 },
      { organisation: 'icb', contribution: 0.5, riskShare: 0.3 },
    ],
  },
  outcomesContracts: [
    { id: 'sib-modelled', services: ['mst'], outcome: 'care_weeks_avoided', pricePerOutcome: 700, basis: 'modelled_counterfactual', cap: 500000, paymentLagYears: 1, contractYears: 4 },
    { id: 'sib-historical', services: ['mst'], outcome: 'care_weeks_avoided', pricePerOutcome: 700, basis: 'historical_baseline', historicalBaseline: 300, paymentLagYears: 1, contractYears: 4 },
  ],
  income: [
    { id: 'grant-mst', kind: 'grant', to: 'council', amounts: [{ year: '2026-27', amount: 30000 }, { year: '2027-28', amount: 20000 }], condition: { commissions: 'mst' } },
    { id: 'grant-fft', kind: 'grant', to: 'council', amounts: [{ year: '2026-27', amount: 99999 }], condition: { commissions: 'fft' } },
    { id: 'pbr', kind: 'payment_by_results', to: 'company', outcome: 'care_weeks_avoided', ratePerOutcome: 40, basis: 'modelled_counterfactual', annualCap: 20000, paymentLagYears: 1, measurementYears: 4 },
  ],
};

// A service is paid for by a pool or by an outcomes contract, not both (validate-funding.ts), so
// the arrangement above is run in two halves: the pool without the contracts, and the contracts
// without the pool.
const { outcomesContracts: _contracts, ...pooled } = funding;
const { pooledBudget: _pool, ...contracted } = funding;

function scenario(capacity: number, arrangement: Record<string, unknown> = contracted) {
  const checked = validateScenario(
    {
      id: 'funded-mst',
      version: '1.0.0',
      name: 'Funded MST',
      model: { id: 'england-default' },
      cohort: {},
      entrants: [{ fromYears: 11, toYears: 16, population: 10000, ratePer10000: 20, startingStates: { edge_of_care: 0.6, cin_cp: 0.4 } }],
      firstYear: '2026-27',
      planningYears: 3,
      lifetimeYears: 6,
      strategy: { name: 'MST', interventions: [{ id: 'mst', capacityPerYear: capacity, oneOffPrice: 9500 }] },
      funding: arrangement,
    },
    england,
  );
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.scenario;
}

function fold(capacity: number, runs: number, arrangement: Record<string, unknown> = contracted) {
  const prepared = prepareScenario(scenario(capacity, arrangement), england, members, { baseKey: 'england', seed: 4242, runs });
  const models = prepared.variants.map((v) => modelFor(v.modelKey, v.modelSpec));
  const folder = new ScenarioFolder(prepared, models);
  const shards = scenarioShards(prepared);
  const chunks = shards.map((shard) => simulateScenarioShard(prepared, shard, 0, runs, modelFor));
  const vectors = Float64Array.from(chunks[0].vectors);
  for (const chunk of chunks.slice(1)) for (let i = 0; i < vectors.length; i++) vectors[i] += chunk.vectors[i];
  folder.add({ runStart: 0, runEnd: runs, vectors, parameters: chunks[0].parameters });
  return { folder, result: folder.finish(), prepared };
}

t.test('organisations and pool partners sum to the run’s NPV to the penny, in every run', async (t) => {
  const runs = 40;
  const withPool = fold(20, runs, pooled);
  const withPoolNpv = (withPool.folder as unknown as { npv: Float64Array }).npv;
  const poolRuns = withPool.folder.funding?.runs ?? [];
  t.equal(poolRuns.length, runs);
  poolRuns.forEach((p, run) => {
    t.ok(p.pool, `run ${run}: the pool is folded`);
    t.equal(p.pool?.presentNet.reduce((a, b) => a + b, 0), Math.round(withPoolNpv[run]), `run ${run}: partners and those outside`);
    t.equal(p.organisations.presentNet.reduce((a, b) => a + b, 0), Math.round(withPoolNpv[run]), `run ${run}: organisations, with the pool`);
  });
  const { folder, result } = fold(20, runs);
  const npv = (folder as unknown as { npv: Float64Array }).npv;
  const positions = folder.funding?.runs ?? [];
  t.equal(positions.length, runs);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  let moving = 0;
  positions.forEach((p, run) => {
    t.equal(sum(p.organisations.presentNet), Math.round(npv[run]), `run ${run}: organisations`);
    for (const c of p.contracts) t.ok(Math.abs(c.commissionerPresentNet + c.investorPresentNet - npv[run]) < 1e-6 * Math.max(1, Math.abs(npv[run])), `run ${run}: commissioner + investor`);
    // Income: organisations after income sum to the net after income, itself the NPV plus the income's PV.
    const incomePv = sum(p.income.map((line) => line.present));
    t.equal(p.netAfterIncome, Math.round(npv[run] + incomePv), `run ${run}: net after income = NPV + PV income`);
    t.equal(sum(p.organisations.presentNetAfterIncome), p.netAfterIncome, `run ${run}: organisations after income`);
    // The PbR line is measured exactly as the modelled contract over the same four years.
    t.same(p.income[2].outcomesByYear, p.contracts[0].outcomesByYear, `run ${run}: one measurement`);
    t.same(p.income[1].byYear, [0, 0, 0, 0, 0, 0], `run ${run}: a grant conditional on FFT, not commissioned, is not received`);
    if (npv[run] !== 0) moving++;
  });
  t.ok(moving > runs / 2, 'the strategy moves money in most runs (the test is not vacuous)');
  const f = result.funding;
  t.ok(f, 'the answer carries funding');
  t.same(
    f?.organisations.map((o) => o.organisation),
    ['company', 'council', 'icb', 'youth_justice', 'welfare'],
    'declared organisations, then one per agency nobody holds',
  );
  const meanSum = sum(f?.organisations.map((o) => o.presentNet.mean) ?? []);
  t.ok(Math.abs(meanSum - result.investToSave.netPresentValue.mean) < 0.05, `mean NPVs add up within rounding (${meanSum} against ${result.investToSave.netPresentValue.mean})`);
  const modelled = f?.outcomesContracts[0];
  t.ok((modelled?.payments.mean ?? 0) > 0, 'the modelled contract pays something when MST is delivered');
  t.ok((modelled?.payments.max ?? 0) <= 500000, 'never above the total cap');
});

t.test('a contract on the modelled counterfactual pays nothing when the strategy changes nothing (no MST places)', async (t) => {
  const { folder, result } = fold(0, 20);
  const positions = folder.funding?.runs ?? [];
  for (const p of positions) {
    t.same(p.contracts[0].paymentsByYear, [0, 0, 0, 0, 0, 0]);
    t.same(p.contracts[0].outcomesByYear, [0, 0, 0, 0, 0, 0]);
  }
  t.equal(result.funding?.outcomesContracts[0].payments.max, 0);
  // The historical basis pays for weeks under 300 a year whatever the strategy does.
  t.ok((result.funding?.outcomesContracts[1].payments.mean ?? 0) >= 0);
  t.equal(result.investToSave.netPresentValue.max, 0, 'nothing changes: the NPV is 0 in every run');
  // Payment by results on the modelled basis earns nothing either; the MST grant (MST is still
  // commissioned, at no places) is received: 3,000,000p + 2,000,000p / 1.035 = 4,932,367.15p → £49,323.67.
  for (const p of positions) t.same(p.income[2].byYear, [0, 0, 0, 0, 0, 0]);
  t.equal(result.funding?.income[2].received.max, 0);
  t.equal(result.funding?.netAfterIncome.mean, 49323.67);
  t.equal(result.funding?.netAfterIncome.min, 49323.67);
});

t.test('the worker pool gives the same funding figures as folding in-process', async (t) => {
  const { result, prepared } = fold(20, 30);
  const pool = new SimulationPool(1);
  t.teardown(() => pool.close());
  const pooled = await pool.scenario({ ...prepared, runs: 30 });
  t.same(pooled.funding, result.funding);
});

t.test('a phased move and a move all at once: the same runs and total, split differently by year', async (t) => {
  const icb = { id: 'icb', name: 'ICB', holds: [{ agency: 'health', share: 1 }] };
  const phased = fold(20, 20, {
    organisations: [
      { id: 'company', name: 'Company', holds: [{ agency: 'childrens_social_care', share: [0, 0.5, 1] }] },
      { id: 'council', name: 'Council', holds: [{ agency: 'childrens_social_care', share: [1, 0.5, 0] }] },
      icb,
    ],
  });
  const allAtOnce = fold(20, 20, {
    organisations: [
      { id: 'company', name: 'Company', holds: [{ agency: 'childrens_social_care', share: 1 }] },
      { id: 'council', name: 'Council', holds: [{ agency: 'childrens_social_care', share: 0 }] },
      icb,
    ],
  });
  t.same(phased.result.investToSave.netPresentValue, allAtOnce.result.investToSave.netPresentValue, 'the arrangement does not change the appraisal');
  const a = phased.folder.funding?.runs ?? [];
  const b = allAtOnce.folder.funding?.runs ?? [];
  a.forEach((p, run) => {
    const q = b[run];
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    t.equal(sum(p.organisations.presentNet), sum(q.organisations.presentNet), `run ${run}: the same total`);
    // Year 0: all of social care with the council when phased, with the company all at once.
    t.equal(p.organisations.netByYear[0][0], 0, `run ${run}: phased, the company holds nothing in 2026-27`);
    t.equal(p.organisations.netByYear[1][0], q.organisations.netByYear[0][0], `run ${run}: the council's first year phased is the company's all at once`);
    // From the third year both arrangements agree.
    for (let y = 2; y < 6; y++) t.equal(p.organisations.netByYear[0][y], q.organisations.netByYear[0][y], `run ${run} year ${y}`);
  });
});
