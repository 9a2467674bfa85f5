import fc from 'fast-check';
import t from 'tap';
import {
  type FundingArrangement,
  type ResolvedContract,
  contractPosition,
  fundingPositions,
  internalRateOfReturn,
  netPresentValueAt,
  organisationPositions,
  poolPositions,
  reinvestment,
  roundPreservingTotal,
} from '../../src/finance/funding.ts';
import { runFlows } from '../helpers/funding-flows.ts';

/**
 * Funding arrangements (issue 16) against hand-worked cash-flow tables. Money in pence. The
 * discount factor for year 1 is 1/1.035 (Green Book 3.5%).
 */

const f1 = 1 / 1.035;

const flows = runFlows;

t.test('roundPreservingTotal: largest remainders, summing to the rounded total', async (t) => {
  t.same(roundPreservingTotal([1.4, 1.4, 1.2]), [2, 1, 1], '4.0: floors 1,1,1 and the spare penny to the first 0.4');
  t.same(roundPreservingTotal([-9275.362318840576, -3091.7874396135254, 48647.34299516908]), [-9275, -3092, 48647], 'negative values floor downwards');
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 12 }), (values) => {
      const rounded = roundPreservingTotal(values);
      const total = Math.round(values.reduce((a, b) => a + b, 0));
      return rounded.reduce((a, b) => a + b, 0) === total && rounded.every((r, i) => Number.isInteger(r) && Math.abs(r - values[i]) < 1 + 1e-6);
    }),
    { numRuns: 300 },
  );
  t.pass('a root, bracketed');
});

// Agencies [childrens_social_care, health]; two years.
//            csc cost  csc benefit  health benefit   csc net   health net
//   year 0   100,000      20,000        10,000       −80,000      10,000
//   year 1    50,000     120,000        40,000        70,000      40,000
const twoYears = flows(2, 2, { costs: [100000, 0, 50000, 0], benefits: [20000, 10000, 120000, 40000] });

t.test('organisations: a council-owned company holding 75% of social care, the council 25%, the ICB health', async (t) => {
  const arrangement: FundingArrangement = {
    agencies: ['childrens_social_care', 'health'],
    organisations: [
      { id: 'company', name: 'Company', shares: [[0.75, 0], [0.75, 0]] },
      { id: 'council', name: 'Council', shares: [[0.25, 0], [0.25, 0]] },
      { id: 'icb', name: 'ICB', shares: [[0, 1], [0, 1]] },
    ],
    reinvestmentShare: null,
    pool: null,
    contracts: [],
  };
  const p = organisationPositions(arrangement, twoYears, [1, f1]);
  // Cash: company 0.75 × (−80,000, 70,000); council 0.25 × the same; ICB health.
  t.same(p.netByYear, [[-60000, 52500], [-20000, 17500], [10000, 40000]]);
  // PV: company −60,000 + 52,500/1.035 = −9,275.3623; council −20,000 + 17,500/1.035 = −3,091.7874;
  // ICB 10,000 + 40,000/1.035 = 48,647.3430; total 36,280.1932 → 36,280, the spare penny to the company (remainder .638).
  t.same(p.presentNet, [-9275, -3092, 48647]);
  t.equal(p.presentNet.reduce((a, b) => a + b, 0), 36280);
  // Costs: company 0.75 × (100,000 + 50,000/1.035) = 111,231.88; council 37,077.29; total 148,309.18 → 148,309.
  t.same(p.presentCosts, [111232, 37077, 0]);
  // Benefits: social care 20,000 + 120,000/1.035 = 135,942.029: company 101,956.522, council 33,985.507;
  // ICB 48,647.343; total 184,589.372 → 184,589, the spare penny to the company (remainder .522).
  t.same(p.presentBenefits, [101957, 33985, 48647]);
});

t.test('organisations: a phased move (the company takes social care from year 1) against all at once', async (t) => {
  const base = { agencies: ['childrens_social_care', 'health'], reinvestmentShare: null, pool: null, contracts: [] };
  const phased = organisationPositions(
    { ...base, organisations: [{ id: 'company', name: 'Company', shares: [[0, 0], [1, 0]] }, { id: 'council', name: 'Council', shares: [[1, 1], [0, 1]] }] },
    twoYears,
    [1, 1],
  );
  const allAtOnce = organisationPositions(
    { ...base, organisations: [{ id: 'company', name: 'Company', shares: [[1, 0], [1, 0]] }, { id: 'council', name: 'Council', shares: [[0, 1], [0, 1]] }] },
    twoYears,
    [1, 1],
  );
  t.same(phased.netByYear, [[0, 70000], [-70000, 40000]], 'phased: the council bears the first year’s −80,000 of social care');
  t.same(allAtOnce.netByYear, [[-80000, 70000], [10000, 40000]]);
  t.equal(phased.presentNet[0] + phased.presentNet[1], allAtOnce.presentNet[0] + allAtOnce.presentNet[1], 'the same total, split differently');
});

t.test('reinvestment: half of each year’s net cashable saving from the next year', async (t) => {
  //            cost      benefit   cashable   cashable net   net       reinvested  retained
  //   year 0  100,000    50,000    30,000     −70,000       −50,000     0          −50,000
  //   year 1   20,000   150,000   100,000      80,000       130,000     0 (y0<0)  130,000
  //   year 2   20,000   160,000   150,000     130,000       140,000    40,000     100,000
  //   after the horizon: 0.5 × 130,000 = 65,000
  const r = reinvestment(0.5, flows(3, 1, { costs: [100000, 20000, 20000], benefits: [50000, 150000, 160000], cashableBenefits: [30000, 100000, 150000] }), [1, f1, f1 * f1]);
  t.same(r.cashableNetByYear, [-70000, 80000, 130000]);
  t.same(r.reinvestedByYear, [0, 0, 40000]);
  t.same(r.retainedByYear, [-50000, 130000, 100000]);
  t.equal(r.dueAfterHorizon, 65000);
  t.ok(Math.abs(r.presentReinvested - 37340.428) < 0.001, `40,000 / 1.035² = 37,340.428 (got ${r.presentReinvested})`);
  t.ok(Math.abs(r.presentRetained - (-50000 + 130000 / 1.035 + 100000 / 1.035 ** 2)) < 1e-6);
});

t.test('pooled budget: contributions 60/40, risk shared 50/50, an overspend then an underspend', async (t) => {
  // MST paid by social care (the council's); budget 100,000 a year.
  //          spend    variance   council pays               ICB pays
  //  year 0  120,000  +20,000    0.6×100,000+0.5×20,000=70,000   40,000+10,000=50,000
  //  year 1   80,000  −20,000    60,000−10,000=50,000            40,000−10,000=30,000
  // Council net = csc benefit − csc cost + pooled cost given back − payment:
  //  year 0: 30,000 − 120,000 + 120,000 − 70,000 = −40,000;  year 1: 150,000 − 80,000 + 80,000 − 50,000 = 100,000
  // ICB net = health benefit − payment: year 0 20,000 − 50,000 = −30,000; year 1 60,000 − 30,000 = 30,000
  const arrangement: FundingArrangement = {
    agencies: ['childrens_social_care', 'health'],
    organisations: [
      { id: 'council', name: 'Council', shares: [[1, 0], [1, 0]] },
      { id: 'icb', name: 'ICB', shares: [[0, 1], [0, 1]] },
    ],
    reinvestmentShare: null,
    pool: {
      services: ['mst'],
      pooledAgencies: [true, false],
      budgetPence: [100000, 100000],
      partners: [
        { organisation: 0, contribution: 0.6, riskShare: 0.5 },
        { organisation: 1, contribution: 0.4, riskShare: 0.5 },
      ],
    },
    contracts: [],
  };
  const run = flows(2, 2, { costs: [120000, 0, 80000, 0], serviceCosts: [120000, 0, 80000, 0], benefits: [30000, 20000, 150000, 60000] });
  const p = poolPositions(arrangement, run, [1, f1]);
  t.same(p.spendByYear, [120000, 80000]);
  t.same(p.varianceByYear, [20000, -20000]);
  t.same(p.paymentsByYear, [[70000, 50000], [50000, 30000]]);
  t.same(p.netByYear, [[-40000, 100000], [-30000, 30000], [0, 0]], 'council, ICB, nobody outside');
  // PV: council −40,000 + 100,000/1.035 = 56,618.357; ICB −30,000 + 30,000/1.035 = −1,014.493;
  // total −70,000 + 130,000/1.035 = 55,603.865 → 55,604: the spare penny to the ICB (remainder .507).
  t.same(p.presentNet, [56618, -1014, 0]);
});

const contract = (over: Partial<ResolvedContract> = {}): ResolvedContract => ({
  id: 'sib',
  services: ['mst'],
  fundedAgencies: [true],
  outcome: 'care_weeks_avoided',
  pricePence: 12000,
  basis: 'modelled_counterfactual',
  historicalWeeks: null,
  capPence: 1100000,
  annualCapPence: 1000000,
  paymentLagYears: 1,
  contractYears: 2,
  ...over,
});

// Four years, one agency. Service costs 600,000 and 500,000 in the two contract years, 400,000 after.
//              year 0     year 1     year 2     year 3
//  baseline    500        520        540        560   care weeks
//  strategy    400        500        520        560
//  benefits    100,000    700,000    900,000    300,000
const sibRun = flows(4, 1, {
  costs: [600000, 500000, 400000, 0],
  serviceCosts: [600000, 500000, 400000, 0],
  benefits: [100000, 700000, 900000, 300000],
  baselineCareWeeks: [500, 520, 540, 560],
  strategyCareWeeks: [400, 500, 520, 560],
});

t.test('outcomes contract on the modelled counterfactual: £120 a care week avoided, caps £10,000 a year and £11,000 in all, paid a year late', async (t) => {
  // Year 0: 100 weeks × £120 = £12,000 → annual cap £10,000, paid in year 1.
  // Year 1: 20 weeks × £120 = £2,400 → £1,000 left under the total cap, paid in year 2.
  // Investor: −6,000 (y0 funds the service), −5,000 + 10,000 (y1), +1,000 (y2), 0: funded 11,000, received 11,000.
  // Its IRR solves −600,000 + 500,000x + 100,000x² = 0 with x = 1/(1+r): x = 1, r = 0.
  // Commissioner (undiscounted): scenario net (−500,000, 200,000, 500,000, 300,000) + service funded − payments
  //   = (100,000, −300,000, 400,000, 300,000) = 500,000; investor 0; together the scenario's 500,000.
  const c = contractPosition(contract(), sibRun, [1, 1, 1, 1]);
  t.same(c.outcomesByYear, [100, 20, 0, 0]);
  t.same(c.paymentsByYear, [0, 1000000, 100000, 0]);
  t.same(c.investorByYear, [-600000, 500000, 100000, 0]);
  t.equal(c.investorFunded, 1100000);
  t.equal(c.investorReceived, 1100000);
  t.equal(c.moneyMultiple, 1);
  t.ok(Math.abs(c.irr as number) < 1e-9, `IRR 0 (got ${c.irr})`);
  t.equal(c.commissionerPresentNet, 500000);
  t.equal(c.investorPresentNet, 0);
  t.equal(c.contractBenefits, 800000, 'benefits in the contract years: 100,000 + 700,000');
});

t.test('the same contract on a fixed historical baseline of 450 weeks pays for year 0 only', async (t) => {
  // Year 0: 450 − 400 = 50 weeks × £120 = £6,000, paid in year 1. Year 1: 450 − 500 < 0: nothing (no clawback).
  const c = contractPosition(contract({ basis: 'historical_baseline', historicalWeeks: [450, 450, 450, 450] }), sibRun, [1, 1, 1, 1]);
  t.same(c.outcomesByYear, [50, 0, 0, 0]);
  t.same(c.paymentsByYear, [0, 600000, 0, 0]);
  t.equal(c.moneyMultiple, 600000 / 1100000);
  // Investor: −600,000, +100,000: it loses money; IRR solves −600,000 + 100,000x = 0 → x = 6, r = −5/6.
  t.ok(Math.abs((c.irr as number) - -5 / 6) < 1e-9, `IRR −83.3% (got ${c.irr})`);
});

t.test('a contract paid on the modelled counterfactual pays nothing when the strategy changes nothing', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 100000 }), { minLength: 6, maxLength: 6 }),
      fc.integer({ min: 0, max: 1e6 }),
      fc.integer({ min: 0, max: 3 }),
      (weeks, price, lag) => {
        const run = flows(6, 1, { baselineCareWeeks: weeks, strategyCareWeeks: weeks, serviceCosts: weeks.map((w) => w * 7), costs: weeks.map((w) => w * 7) });
        const c = contractPosition(contract({ pricePence: price, capPence: null, annualCapPence: null, paymentLagYears: lag, contractYears: 6 - lag }), run, [1, 1, 1, 1, 1, 1]);
        return c.paymentsByYear.every((x) => x === 0) && c.investorReceived === 0;
      },
    ),
    { numRuns: 200 },
  );
  t.pass('no payment in any run');
});

t.test('organisations, partners and commissioner with investor sum to the scenario total in every run, to the penny', async (t) => {
  const agencies = 3;
  const years = 4;
  const money = fc.array(fc.integer({ min: -5e8, max: 5e8 }), { minLength: years * agencies, maxLength: years * agencies });
  const share = fc.integer({ min: 0, max: 1000 });
  fc.assert(
    fc.property(money, money, fc.array(share, { minLength: years * agencies, maxLength: years * agencies }), fc.integer({ min: 0, max: 1e8 }), (costs, benefits, raw, budget) => {
      const serviceCosts = costs.map((c, k) => (k % agencies === 0 ? Math.abs(c) : 0));
      const run = flows(years, agencies, { costs: costs.map((c, k) => (k % agencies === 0 ? Math.abs(c) : c)), serviceCosts, benefits, baselineCareWeeks: [10, 20, 30, 40], strategyCareWeeks: [5, 25, 30, 10] });
      // Two organisations splitting each agency by a random share each year, a third holding nothing.
      const first = Array.from({ length: years }, (_, y) => Array.from({ length: agencies }, (_, a) => raw[y * agencies + a] / 1000));
      const arrangement: FundingArrangement = {
        agencies: ['a', 'b', 'c'],
        organisations: [
          { id: 'one', name: 'One', shares: first },
          { id: 'two', name: 'Two', shares: first.map((row) => row.map((s) => 1 - s)) },
          { id: 'three', name: 'Three', shares: first.map((row) => row.map(() => 0)) },
        ],
        reinvestmentShare: 0.3,
        pool: { services: ['x'], pooledAgencies: [true, false, false], budgetPence: [budget, budget, budget, budget], partners: [{ organisation: 1, contribution: 0.37, riskShare: 0.81 }, { organisation: 2, contribution: 0.63, riskShare: 0.19 }] },
        contracts: [contract({ fundedAgencies: [true, false, false], contractYears: 3, capPence: null, annualCapPence: null })],
      };
      const factors = [1, f1, f1 * f1, f1 ** 3];
      let total = 0;
      const cashTotal = new Array<number>(years).fill(0);
      for (let y = 0; y < years; y++) {
        for (let a = 0; a < agencies; a++) {
          total += (run.benefits[y * agencies + a] - run.costs[y * agencies + a]) * factors[y];
          cashTotal[y] += run.benefits[y * agencies + a] - run.costs[y * agencies + a];
        }
      }
      const p = fundingPositions(arrangement, run, factors);
      const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
      const ok =
        sum(p.organisations.presentNet) === Math.round(total) &&
        cashTotal.every((c, y) => sum(p.organisations.netByYear.map((row) => row[y])) === c) &&
        sum(p.pool?.presentNet ?? []) === Math.round(total) &&
        cashTotal.every((c, y) => sum((p.pool?.netByYear ?? []).map((row) => row[y])) === c) &&
        Math.abs(p.contracts[0].commissionerPresentNet + p.contracts[0].investorPresentNet - total) < 1e-6 * Math.max(1, Math.abs(total)) &&
        sum(p.reinvestment?.retainedByYear ?? []) + sum(p.reinvestment?.reinvestedByYear ?? []) === sum(cashTotal);
      return ok;
    }),
    { numRuns: 300 },
  );
  t.pass('exact in every run');
});

t.test('IRR against published worked examples and an independent polynomial root finder', async (t) => {
  // Each reference: the real root of Σ cf[t] x^t = 0 with x = 1/(1+r), computed by numpy.roots
  // (companion-matrix eigenvalues, an independent method): python3 -c "import numpy as np; ...".
  // The first is Wikipedia's "Internal rate of return" example (5.96%); the other three are
  // Microsoft's IRR function examples (8.7% after five years, −2.1% after four, −44.4% after two).
  const cases: Array<[number[], number]> = [
    [[-123400, 36200, 54800, 48100], 0.0596163785673296],
    [[-70000, 12000, 15000, 18000, 21000, 26000], 0.08663094803653149],
    [[-70000, 12000, 15000, 18000, 21000], -0.021244848273410888],
    [[-70000, 12000, 15000], -0.44350694133474056],
  ];
  for (const [cf, expected] of cases) {
    const irr = internalRateOfReturn(cf) as number;
    t.ok(Math.abs(irr - expected) < 1e-9, `${cf.join(', ')}: ${irr} against ${expected}`);
  }
  t.equal(internalRateOfReturn([-100, 0, 0]), -1, 'nothing back: a total loss');
  t.equal(internalRateOfReturn([0, 0, 0]), null, 'no flows: no rate');
  t.equal(internalRateOfReturn([100, 50]), null, 'no outlay: no rate');
  // Paid early, funding the service after: NPV = −368 + 1130x − 368x² − 368x³ − 368x⁴ (x = 1/(1+r))
  // has roots at r = 33.1% and 141.4% (numpy.roots), both reading as a gain while the investor
  // loses 342 undiscounted; no root lies on the loss side, so no IRR is reported.
  t.equal(internalRateOfReturn([-368, 1130, -368, -368, -368]), null, 'no IRR contradicting a loss');
  // Several sign changes and a root on the loss side: −100, +60, −10, +45 loses 5; numpy.roots: −0.027242613471195498.
  t.ok(Math.abs((internalRateOfReturn([-100, 60, -10, 45]) as number) - -0.027242613471195498) < 1e-9, 'a loss with several sign changes: its negative root');
});

t.test('IRR: a brute-force check that the NPV is zero at the rate found, and changes sign around it', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e8 }), fc.array(fc.integer({ min: 0, max: 1e8 }), { minLength: 1, maxLength: 20 }), (outlay, returns) => {
      fc.pre(returns.some((x) => x > 0));
      const cf = [-outlay, ...returns];
      const irr = internalRateOfReturn(cf);
      if (irr === null) return false;
      // One outlay then returns: the NPV falls with the rate, so exactly one root.
      // Checked a millionth either side in the growth factor 1 + r, which stays meaningful near r = −1.
      return netPresentValueAt(cf, (1 + irr) * (1 - 1e-6) - 1) > 0 && netPresentValueAt(cf, (1 + irr) * (1 + 1e-6) - 1) < 0;
    }),
    { numRuns: 300 },
  );
  t.pass('a root, bracketed');
});

t.test('a funding answer with a non-finite figure fails the job naming the figure, rather than storing an unreadable run', async (t) => {
  const { assertFiniteFunding } = await import('../../src/simulation/funding-fold.ts');
  t.doesNotThrow(() => assertFiniteFunding({ income: [{ received: { mean: 1.5e15, p5: 0 } }], reinvestment: null }));
  t.throws(() => assertFiniteFunding({ income: [{ received: { mean: Infinity } }] }), /funding figure funding\/income\/0\/received\/mean is Infinity/);
  t.throws(() => assertFiniteFunding({ outcomesContracts: [{ payments: { p95: Number.NaN } }] }), /funding\/outcomesContracts\/0\/payments\/p95 is NaN/);
});
