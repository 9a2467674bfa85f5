import t from 'tap';
import { type FundingArrangement, type RunFlows, type RunFundingPosition, WEEKS_PER_YEAR } from '../../src/finance/funding.ts';
import { FundingFolder, assertFiniteFunding } from '../../src/simulation/funding-fold.ts';
import { metricLayout } from '../../src/simulation/layout.ts';
import { summarize, summarizeMoney } from '../../src/simulation/summary.ts';

/**
 * src/simulation/funding-fold.ts (issue 13, mutation testing): FundingFolder.flowsOf on a run
 * vector written by hand, and finish() on positions from hand-made flows. finish() only lays
 * out and summarises the per-run positions that src/finance/funding.ts computes (pinned in
 * test/finance/funding*.test.ts), so each of its figures is checked against the summary of the
 * matching field of `folder.runs`, and the figures it derives itself (labels, rates in pounds,
 * ratio of totals, shares of runs, price bounds) are worked by hand. Each test names the
 * mutants it kills; survivors no input can tell apart are in test/pinned/MUTATION-SURVIVORS.md.
 */

t.test('flowsOf reads one run’s flows from its baseline and strategy vectors', async (t) => {
  // Layout: 2 years × 2 agencies, 3 states (state 0 not in care), one intervention. The two
  // variants sit side by side in one vector: baseline at b = 0, strategy at s = size.
  // Baseline pence (non-cashable, cashable): y0 a0 (100, 200), y0 a1 (0, 50), y1 a0 (10, 20).
  // Strategy: y0 a0 (40, 70), y0 a1 (5, 30) of which the service 30, y1 a0 (10, 5) of which
  // the service 5. Investment: 1,000 pence to agency 1 in year 0; no row for year 1 (read as 0).
  //   costs (service + investment)        [0, 30 + 1,000, 5, 0]
  //   benefits (b − (s − service))         [300 − 110, 50 − 5, 30 − 10, 0] = [190, 45, 20, 0]
  //   cashable (b cash − (s cash − service)) [200 − 70, 50 − 0, 20 − 0, 0] = [130, 50, 20, 0]
  // Year-end census (states 0, 1, 2): baseline y0 (9, 2, 3), y1 (9, 4, 0); strategy y0 (9, 1, 1),
  // y1 (1, 0, 6): care weeks (states 1 and 2) × 365.25/7: baseline 5W, 4W; strategy 2W, 6W.
  // (6, not 5: the strategy's year-1 census read one year back, `− y × nS`, lands on the
  // interventions block, whose cells there sum to 5.)
  // Kills: every index and sign mutant of flowsOf, `investmentPence[y]?.[a] ?? 0`, `!inCare[st]`,
  // the loops' bounds (`<` → `<=` would read the next variant's cells into the last figure).
  const layout = metricLayout({ nFinancialYears: 2, nAgencies: 2, nStates: 3, nAgeYears: 1, nInterventions: 1 });
  const size = layout.size;
  const v = new Float64Array(2 * size).fill(0);
  const b = 0;
  const s = size;
  const cost = (at: number, y: number, a: number, nonCashable: number, cashable: number) => {
    v[at + layout.costFyAgency + (y * 2 + a) * 2] = nonCashable;
    v[at + layout.costFyAgency + (y * 2 + a) * 2 + 1] = cashable;
  };
  cost(b, 0, 0, 100, 200);
  cost(b, 0, 1, 0, 50);
  cost(b, 1, 0, 10, 20);
  cost(s, 0, 0, 40, 70);
  cost(s, 0, 1, 5, 30);
  cost(s, 1, 0, 10, 5);
  v[s + layout.interventionFyAgency + 0 * 2 + 1] = 30;
  v[s + layout.interventionFyAgency + 1 * 2 + 0] = 5;
  const census = (at: number, y: number, counts: number[]) => {
    counts.forEach((n, st) => {
      v[at + layout.endOfYearState + y * 3 + st] = n;
    });
  };
  census(b, 0, [9, 2, 3]);
  census(b, 1, [9, 4, 0]);
  census(s, 0, [9, 1, 1]);
  census(s, 1, [1, 0, 6]);
  // Decoys next to the read cells: the strategy's own interventions block is read, not the baseline's.
  v[b + layout.interventionFyAgency + 1] = 777;
  const flows = FundingFolder.flowsOf(layout, v, b, s, 2, [[0, 1000]], Uint8Array.from([0, 1, 1]));
  t.equal(flows.years, 2);
  t.equal(flows.agencies, 2);
  t.same(Array.from(flows.costs), [0, 1030, 5, 0]);
  t.same(Array.from(flows.benefits), [190, 45, 20, 0]);
  t.same(Array.from(flows.cashableBenefits), [130, 50, 20, 0]);
  t.same(Array.from(flows.serviceCosts), [0, 30, 5, 0]);
  const W = WEEKS_PER_YEAR;
  const weeks = (xs: ArrayLike<number>) => Array.from(xs, (x) => Math.round((x / W) * 1e9) / 1e9);
  t.same(weeks(flows.baselineCareWeeks), [5, 4], 'baseline weeks: 5W, 4W');
  t.same(weeks(flows.strategyCareWeeks), [2, 6], 'strategy weeks: 2W, 6W');
  t.equal(W, 365.25 / 7);
});

/** Two organisations, a reinvestment share, a pool, two contracts (one funding nothing), a grant and payment by results. */
function arrangement(): FundingArrangement {
  const terms = { outcome: 'care_weeks_avoided' as const, basis: 'modelled_counterfactual' as const, historicalWeeks: null, capPence: null, annualCapPence: null, paymentLagYears: 0 };
  return {
    agencies: ['childrens_social_care', 'health'],
    organisations: [
      { id: 'council', name: 'Council', shares: [[1, 0.5], [1, 0.5]] },
      { id: 'icb', name: 'Integrated care board', shares: [[0, 0.5], [0, 0.5]] },
    ],
    reinvestmentShare: 0.5,
    pool: {
      services: ['mst'],
      pooledAgencies: [false, true],
      budgetPence: [2_500_000, 1_500_000],
      partners: [
        { organisation: 0, contribution: 0.6, riskShare: 0.5 },
        { organisation: 1, contribution: 0.4, riskShare: 0.5 },
      ],
    },
    contracts: [
      { id: 'sib', services: ['mst'], fundedAgencies: [false, true], pricePence: 100_000, contractYears: 2, ...terms },
      { id: 'unfunded', services: ['mst'], fundedAgencies: [false, false], pricePence: 50_000, contractYears: 2, ...terms },
    ],
    income: [
      { id: 'grant', kind: 'grant', organisation: 0, amountsPence: [1_000_000, 0], conditionMet: true },
      { id: 'pbr', kind: 'payment_by_results', organisation: 1, terms: { ...terms, pricePence: 20_000 }, measuredYears: 2 },
    ],
  };
}

/**
 * Run k's flows (2 years × 2 agencies, pence): the service (health) costs 2,000,000k + 500,000 in
 * year 0 and 10,000 in year 1; benefits 5,000,000k and 4,000,000k to children's social care;
 * care weeks avoided 10k and 20k (baseline 100 a year). Runs k = 1, 2, 0.
 */
function flowsFor(k: number): RunFlows {
  const service = [0, 2_000_000 * k + 500_000, 0, 10_000];
  return {
    years: 2,
    agencies: 2,
    costs: service,
    serviceCosts: service,
    benefits: [5_000_000 * k, 0, 4_000_000 * k, 0],
    cashableBenefits: [3_000_000 * k, 0, 2_000_000 * k, 0],
    baselineCareWeeks: [100, 100],
    strategyCareWeeks: [100 - 10 * k, 100 - 20 * k],
  };
}

const K = [1, 2, 0];
const factors = [1, 1 / 1.035];

function folded() {
  const folder = new FundingFolder(arrangement(), factors, 2, 2026);
  for (const k of K) {
    const position = folder.addRun(flowsFor(k));
    t.equal(position, folder.runs[folder.runs.length - 1], 'addRun returns the position it keeps');
  }
  return folder;
}

t.test('finish(): every figure is the summary of its field over the runs, in order', async (t) => {
  // Kills: the organisation, income, reinvestment, pool and contract field and index mutants
  // (`[o]`, `[k]`, `[y]`, `[c]`, partners.length for the outside row), the reduce sums
  // (`x + y` → `x − y`), `?? 0` fallbacks on present parts, labels by year.
  const folder = folded();
  const runs = folder.runs;
  t.equal(runs.length, 3);
  const result = folder.finish();
  const money = (fn: (r: RunFundingPosition) => number) => summarizeMoney(Float64Array.from(runs, fn));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  t.same(
    result.organisations.map((o) => [o.organisation, o.name]),
    [
      ['council', 'Council'],
      ['icb', 'Integrated care board'],
    ],
  );
  result.organisations.forEach((org, o) => {
    t.same(org.presentCosts, money((r) => r.organisations.presentCosts[o]), `${org.organisation} PV costs`);
    t.same(org.presentBenefits, money((r) => r.organisations.presentBenefits[o]), `${org.organisation} PV benefits`);
    t.same(org.presentNet, money((r) => r.organisations.presentNet[o]), `${org.organisation} PV net`);
    t.same(org.presentIncome, money((r) => r.organisations.presentIncome[o]), `${org.organisation} PV income`);
    t.same(org.presentNetAfterIncome, money((r) => r.organisations.presentNetAfterIncome[o]), `${org.organisation} net after income`);
    t.same(
      org.netByYear,
      [0, 1].map((y) => ({ financialYear: ['2026-27', '2027-28'][y], net: money((r) => r.organisations.netByYear[o][y]) })),
      `${org.organisation} net by year`,
    );
  });
  // The two organisations differ (so a swapped index shows).
  t.not(result.organisations[0].presentNet.mean, result.organisations[1].presentNet.mean);
  t.same(result.netAfterIncome, money((r) => r.netAfterIncome));

  // Income lines.
  const [grant, pbr] = result.income;
  t.strictSame(
    [grant.id, grant.kind, grant.organisation, grant.name, grant.conditionMet, grant.outcome, grant.basis, grant.ratePerOutcome, grant.outcomes],
    ['grant', 'grant', 'council', 'Council', true, null, null, null, null],
  );
  t.same(grant.received, money((r) => sum(r.income[0].byYear)));
  t.equal(grant.received.mean, 10_000, 'the grant: £10,000 in every run');
  t.same(grant.presentValue, money((r) => r.income[0].present));
  t.same(
    grant.byYear,
    [0, 1].map((y) => ({ financialYear: ['2026-27', '2027-28'][y], received: money((r) => r.income[0].byYear[y]) })),
  );
  // strictSame: a payment-by-results line's conditionMet is null, not undefined (kills
  // `line.kind === 'grant' ? line.conditionMet : null` → `true ? …`, which reads the absent field).
  t.strictSame(
    [pbr.id, pbr.kind, pbr.organisation, pbr.name, pbr.conditionMet, pbr.outcome, pbr.basis, pbr.ratePerOutcome],
    ['pbr', 'payment_by_results', 'icb', 'Integrated care board', null, 'care_weeks_avoided', 'modelled_counterfactual', 200],
  );
  // Outcomes measured: care weeks avoided 10k + 20k = 30k over the two years: 30, 60, 0.
  t.same(pbr.outcomes, summarize(Float64Array.from(runs, (r) => sum(r.income[1].outcomesByYear ?? []))));
  t.equal(pbr.outcomes?.mean, 30, 'outcomes: (30 + 60 + 0)/3');
  t.equal(pbr.outcomes?.max, 60);
  t.same(pbr.received, money((r) => sum(r.income[1].byYear)));
  t.ok(pbr.received.mean > 0);
  t.same(pbr.presentValue, money((r) => r.income[1].present));
  t.same(
    pbr.byYear,
    [0, 1].map((y) => ({ financialYear: ['2026-27', '2027-28'][y], received: money((r) => r.income[1].byYear[y]) })),
  );

  // Reinvestment.
  const re = result.reinvestment;
  t.ok(re);
  t.equal(re?.share, 0.5);
  t.same(re?.presentReinvested, money((r) => r.reinvestment?.presentReinvested as number));
  t.same(re?.presentRetained, money((r) => r.reinvestment?.presentRetained as number));
  t.same(re?.dueAfterHorizon, money((r) => r.reinvestment?.dueAfterHorizon as number));
  t.ok((re?.presentReinvested.mean ?? 0) > 0);
  t.same(
    re?.byYear,
    [0, 1].map((y) => ({
      financialYear: ['2026-27', '2027-28'][y],
      cashableNet: money((r) => r.reinvestment?.cashableNetByYear[y] as number),
      reinvested: money((r) => r.reinvestment?.reinvestedByYear[y] as number),
      retained: money((r) => r.reinvestment?.retainedByYear[y] as number),
    })),
  );

  // The pooled budget: partners, the outside row, and each year's budget, spend and variance.
  const pool = result.pooledBudget;
  t.ok(pool);
  if (!pool) return;
  t.same(pool.services, ['mst']);
  t.same(
    pool.partners.map((p) => [p.organisation, p.name, p.contribution, p.riskShare]),
    [
      ['council', 'Council', 0.6, 0.5],
      ['icb', 'Integrated care board', 0.4, 0.5],
    ],
  );
  pool.partners.forEach((partner, k) => {
    t.same(partner.presentNet, money((r) => r.pool?.presentNet[k] as number), `${partner.organisation} pool net`);
    t.same(
      partner.byYear,
      [0, 1].map((y) => ({ financialYear: ['2026-27', '2027-28'][y], payment: money((r) => r.pool?.paymentsByYear[k][y] as number), net: money((r) => r.pool?.netByYear[k][y] as number) })),
    );
  });
  t.same(pool.outside.presentNet, money((r) => r.pool?.presentNet[2] as number));
  t.same(
    pool.outside.byYear,
    [0, 1].map((y) => ({ financialYear: ['2026-27', '2027-28'][y], net: money((r) => r.pool?.netByYear[2][y] as number) })),
  );
  // Budget £25,000 then £15,000. Spend (health's service) in year 0: £25,000 (k 1), £45,000 (k 2),
  // £5,000 (k 0): variance 0, +20,000, −20,000: one run of three overspends (a variance of
  // exactly 0 is not an overspend). Year 1: £100 against £15,000 in every run: none.
  t.same(
    pool.byYear.map((y) => [y.financialYear, y.budget, y.spend.mean, y.variance.mean, y.variance.max, y.probabilityOverspend]),
    [
      ['2026-27', 25_000, 25_000, 0, 20_000, 1 / 3],
      ['2027-28', 15_000, 100, -14_900, -14_900, 0],
    ],
  );
});

t.test('finish(): the pool’s outside row, an organisation that is not a partner', async (t) => {
  // A third organisation, the district, holds half of children’s social care and is in no
  // partnership; the council holds the other half and half of health, the ICB half of health.
  // Outside row = the district’s half of children’s social care’s benefits − costs (no pooled
  // service there): year 0 2,500,000k pence, year 1 2,000,000k; runs k = 1, 2, 0:
  //   year 0 £25,000, £50,000, £0 (mean £25,000); year 1 £20,000, £40,000, £0 (mean £20,000)
  //   PV, k = 1: 2,500,000 + 2,000,000/1.035 = 4,432,367.1497… pence; mean over k (1 + 2 + 0)/3 = 1
  //   of it: £44,323.67; max (k = 2) 8,864,734.2995… pence = £88,647.34.
  // Kills: `r.pool?.presentNet[pool.partners.length] ?? 0` → `&& 0` and the same in netByYear
  // (the other test's outside row is 0 in every run, so `x && 0` gave the same 0).
  const base = arrangement();
  const withDistrict: FundingArrangement = {
    ...base,
    organisations: [
      { id: 'council', name: 'Council', shares: [[0.5, 0.5], [0.5, 0.5]] },
      { id: 'icb', name: 'Integrated care board', shares: [[0, 0.5], [0, 0.5]] },
      { id: 'district', name: 'District', shares: [[0.5, 0], [0.5, 0]] },
    ],
  };
  const folder = new FundingFolder(withDistrict, factors, 2, 2026);
  for (const k of K) folder.addRun(flowsFor(k));
  const outside = folder.finish().pooledBudget?.outside;
  t.same([outside?.presentNet.mean, outside?.presentNet.min, outside?.presentNet.max], [44_323.67, 0, 88_647.34]);
  t.same(
    outside?.byYear.map((y) => [y.financialYear, y.net.mean, y.net.max]),
    [
      ['2026-27', 25_000, 50_000],
      ['2027-28', 20_000, 40_000],
    ],
  );
});

t.test('finish(): outcomes contracts, their ratio of totals, investor losses and price bounds', async (t) => {
  // Contract `sib` funds health's service: £25,000, £45,000, £5,000 in year 0 and £100 in
  // year 1 (contract years 2): funded 25,100, 45,100, 5,100. Outcomes (care weeks avoided)
  // 30k: 30, 60, 0; payments £1,000 each, no lag or cap: received 30,000, 60,000, 0.
  //   money multiple = Σ received / Σ funded = 90,000 / 75,300 (ratio of totals)
  //   investor loses (received < funded) in the run k = 0 only: 1/3
  //   delivery cost per outcome = Σ funded / Σ outcomes = 75,300 / 90 pounds
  // Contract `unfunded` funds nothing: money multiple null (no funds), investor loses in no
  // run (0 < 0 is false); its price bounds still read the outcomes.
  // Kills: `totalFunded > 0` → `>=`/true (0/0), the sums' `t + fn(r)`, `investorReceived <
  // investorFunded` → `<=`, `Math.max(1, n)`, `irrs.length ? … : null`, `totalOutcomes > 0`,
  // penceToPounds of the bounds.
  const result = folded().finish();
  const runs = folded().runs;
  const [sib, unfunded] = result.outcomesContracts;
  t.same([sib.id, sib.outcome, sib.basis, sib.pricePerOutcome], ['sib', 'care_weeks_avoided', 'modelled_counterfactual', 1000]);
  t.same([sib.outcomes.mean, sib.outcomes.min, sib.outcomes.max], [30, 0, 60]);
  t.same([sib.payments.mean, sib.payments.max], [30_000, 60_000]);
  t.same([sib.investorFunded.mean, sib.investorFunded.min, sib.investorFunded.max], [25_100, 5_100, 45_100]);
  t.same([sib.investorReceived.mean, sib.investorReceived.max], [30_000, 60_000]);
  t.ok(Math.abs((sib.moneyMultiple as number) - 90_000 / 75_300) < 1e-12, `money multiple ${sib.moneyMultiple}`);
  t.equal(sib.probabilityInvestorLoses, 1 / 3);
  t.same(sib.priceBounds.price, 1000);
  t.equal(sib.priceBounds.deliveryCostPerOutcome, Math.round((7_530_000 / 90) * 1) / 100, 'Σ funded / Σ outcomes, to the penny');
  const totalBenefits = runs.reduce((a, r) => a + r.contracts[0].contractBenefits, 0);
  t.equal(sib.priceBounds.valuePerOutcomeToPayer, Math.round(totalBenefits / 90) / 100);
  t.same(
    sib.paymentsByYear,
    [0, 1].map((y) => ({ financialYear: ['2026-27', '2027-28'][y], payments: summarizeMoney(Float64Array.from(runs, (r) => r.contracts[0].paymentsByYear[y])) })),
  );
  t.same(sib.commissionerPresentNet, summarizeMoney(Float64Array.from(runs, (r) => r.contracts[0].commissionerPresentNet)));
  t.same(sib.investorPresentNet, summarizeMoney(Float64Array.from(runs, (r) => r.contracts[0].investorPresentNet)));
  const irrs = runs.map((r) => r.contracts[0].irr).filter((x): x is number => x !== null);
  t.equal(sib.irr.runsWithIrr, irrs.length);
  t.ok(irrs.length > 0, 'some runs have an IRR');
  t.same(sib.irr.summary, summarize(Float64Array.from(irrs)));
  t.equal(unfunded.moneyMultiple, null, 'nothing funded: no money multiple');
  t.equal(unfunded.probabilityInvestorLoses, 0);
  t.equal(unfunded.pricePerOutcome, 500);
  t.same(unfunded.irr, { runsWithIrr: 0, summary: null });
  t.equal(unfunded.priceBounds.deliveryCostPerOutcome, 0, 'nothing funded over 90 outcomes');
});

t.test('finish() without optional parts, and with no outcomes measured', async (t) => {
  // Kills: `a.reinvestmentShare === null ? null`, `pool ? … : null`, `a.income ?? []`, the
  // price bounds' `totalOutcomes > 0` (no outcomes: null, not 0/0).
  const bare: FundingArrangement = { ...arrangement(), reinvestmentShare: null, pool: null, income: undefined };
  const folder = new FundingFolder(bare, factors, 2, 2030);
  folder.addRun(flowsFor(0));
  const result = folder.finish();
  t.equal(result.reinvestment, null);
  t.equal(result.pooledBudget, null);
  t.same(result.income, []);
  t.same(result.organisations[0].netByYear.map((y) => y.financialYear), ['2030-31', '2031-32'], 'years from the first year given');
  const sib = result.outcomesContracts[0];
  t.equal(sib.outcomes.mean, 0);
  t.same(sib.priceBounds, { price: 1000, deliveryCostPerOutcome: null, valuePerOutcomeToPayer: null });
  t.equal(sib.probabilityInvestorLoses, 1, 'funded £5,100, received nothing');
  t.equal(sib.moneyMultiple, 0);
  // No runs at all: the summaries of nothing are not finite, and the answer is refused.
  const empty = new FundingFolder(arrangement(), factors, 2, 2026);
  t.throws(() => empty.finish(), /funding figure funding\/organisations\/0\/presentCosts\/se is NaN/, 'no runs: the first NaN (the standard error of no runs) is refused');
});

t.test('assertFiniteFunding names the first non-finite figure by its path', async (t) => {
  // Kills: the number check (`!Number.isFinite` → false), the array and object walks and the
  // path segments (`${path}/${k}`), `value !== null` (null is skipped, not walked).
  t.doesNotThrow(() => assertFiniteFunding({ a: [1, 2, { b: null, c: 'text', d: true }], e: -0 }));
  t.throws(() => assertFiniteFunding({ a: [1, { b: Number.POSITIVE_INFINITY }] }), /^funding figure funding\/a\/1\/b is Infinity: an input limit has let through a figure the answer cannot carry; the run is not stored$/);
  t.throws(() => assertFiniteFunding([0, [Number.NaN]], 'x'), /funding figure x\/1\/0 is NaN/);
  t.throws(() => assertFiniteFunding(Number.NEGATIVE_INFINITY), /funding figure funding is -Infinity/);
  t.doesNotThrow(() => assertFiniteFunding(null));
  t.doesNotThrow(() => assertFiniteFunding(undefined));
});
