import fc from 'fast-check';
import t from 'tap';
import {
  type FundingArrangement,
  type OutcomeTerms,
  type ResolvedContract,
  type ResolvedIncome,
  contractPosition,
  fundingPositions,
  incomePosition,
} from '../../src/finance/funding.ts';
import { runFlows } from '../helpers/funding-flows.ts';

/**
 * Income lines (issue 16: grants and payment-by-results income) against hand-worked cash-flow
 * tables. Money in pence; discount factor for year t is 1/1.035^t (Green Book 3.5%).
 */

const f1 = 1 / 1.035;

const flows = runFlows;

const terms = (over: Partial<OutcomeTerms> = {}): OutcomeTerms => ({
  outcome: 'care_weeks_avoided',
  pricePence: 1500,
  basis: 'modelled_counterfactual',
  historicalWeeks: null,
  capPence: null,
  annualCapPence: 12000,
  paymentLagYears: 1,
  ...over,
});

// Agencies [childrens_social_care, health]; the council holds social care, the ICB health. Three years.
//                       year 0      year 1     year 2
//  csc cost            100,000      50,000     50,000
//  csc benefit               0      60,000     90,000
//  health benefit            0      10,000     10,000
//  council net        −100,000      10,000     40,000
//  ICB net                   0      10,000     10,000
//  care weeks: baseline 100, 100, 100; strategy 100, 90, 70 (avoided 0, 10, 30)
const run = flows(3, 2, {
  costs: [100000, 0, 50000, 0, 50000, 0],
  benefits: [0, 0, 60000, 10000, 90000, 10000],
  baselineCareWeeks: [100, 100, 100],
  strategyCareWeeks: [100, 90, 70],
});

const grant = (over: Partial<Extract<ResolvedIncome, { kind: 'grant' }>> = {}): ResolvedIncome => ({
  id: 'grant',
  kind: 'grant',
  organisation: 0,
  amountsPence: [40000, 20000, 0],
  conditionMet: true,
  ...over,
});
const pbr = (over: Partial<OutcomeTerms> = {}, measuredYears = 2): ResolvedIncome => ({ id: 'pbr', kind: 'payment_by_results', organisation: 0, terms: terms(over), measuredYears });

const arrangement = (income: ResolvedIncome[]): FundingArrangement => ({
  agencies: ['childrens_social_care', 'health'],
  organisations: [
    { id: 'council', name: 'Council', shares: [[1, 0], [1, 0], [1, 0]] },
    { id: 'icb', name: 'ICB', shares: [[0, 1], [0, 1], [0, 1]] },
  ],
  reinvestmentShare: null,
  pool: null,
  contracts: [],
  income,
});

t.test('payment by results: £15 a care week avoided, measured in years 0-1, paid a year late, capped £120 a year', async (t) => {
  // Year 0: 0 weeks → 0, paid in year 1. Year 1: 10 weeks × 1,500p = 15,000p → annual cap 12,000p, paid in year 2.
  // Year 2 is outside the two measured years: its 30 weeks earn nothing.
  const p = incomePosition(pbr(), run, [1, f1, f1 * f1]);
  t.same(p.outcomesByYear, [0, 10, 0]);
  t.same(p.byYear, [0, 0, 12000]);
  t.ok(Math.abs(p.present - 12000 / 1.035 ** 2) < 1e-9, 'PV 12,000 / 1.035² = 11,202.128');
  // A total cap of 5,000p takes over from the annual cap.
  t.same(incomePosition(pbr({ capPence: 5000 }), run, [1, 1, 1]).byYear, [0, 0, 5000]);
  // No lag, three measured years: 0, 12,000 (capped from 15,000), 12,000 (capped from 45,000).
  t.same(incomePosition(pbr({ paymentLagYears: 0 }, 3), run, [1, 1, 1]).byYear, [0, 12000, 12000]);
  // On a historical baseline of 95 weeks: year 0 95 − 100 < 0 → 0; year 1 95 − 90 = 5 × 1,500 = 7,500, paid in year 2.
  const historical = incomePosition(pbr({ basis: 'historical_baseline', historicalWeeks: [95, 95, 95] }), run, [1, 1, 1]);
  t.same(historical.outcomesByYear, [0, 5, 0]);
  t.same(historical.byYear, [0, 0, 7500]);
});

t.test('a grant: its amounts when the condition is met, nothing when it is not', async (t) => {
  t.same(incomePosition(grant(), run, [1, f1, f1 * f1]).byYear, [40000, 20000, 0]);
  t.ok(Math.abs(incomePosition(grant(), run, [1, f1, f1 * f1]).present - (40000 + 20000 / 1.035)) < 1e-9, 'PV 40,000 + 20,000/1.035 = 59,323.671');
  t.same(incomePosition(grant({ conditionMet: false }), run, [1, 1, 1]).byYear, [0, 0, 0]);
  t.equal(incomePosition(grant(), run, [1, 1, 1]).outcomesByYear, null);
});

t.test('income booked to the council: its net after income, the ICB unchanged, summing to the scenario’s net after income', async (t) => {
  const p = fundingPositions(arrangement([grant(), pbr()]), run, [1, f1, f1 * f1]);
  // Council income: grant 40,000, 20,000, 0 + PbR 0, 0, 12,000 = 40,000, 20,000, 12,000.
  // Cash net after income: council −100,000 + 40,000 = −60,000; 10,000 + 20,000 = 30,000; 40,000 + 12,000 = 52,000.
  t.same(p.organisations.netByYear, [[-100000, 10000, 40000], [0, 10000, 10000]], 'invest-to-save by year unchanged');
  t.same(p.organisations.netAfterIncomeByYear, [[-60000, 30000, 52000], [0, 10000, 10000]]);
  // PV: council −100,000 + 10,000/1.035 + 40,000/1.035² = −52,997.736; ICB 10,000/1.035 + 10,000/1.035² = 18,996.943;
  // NPV −34,000.793 → −34,001: floors −52,998 and 18,996 leave a penny for the ICB (remainder .943).
  t.same(p.organisations.presentNet, [-52998, 18997], 'invest-to-save PV unchanged by income');
  // Income PV: 40,000 + 20,000/1.035 + 12,000/1.035² = 70,525.800 → 70,526.
  t.same(p.organisations.presentIncome, [70526, 0]);
  // After income: council −52,997.736 + 70,525.800 = 17,528.064; ICB 18,996.943; total 36,525.006 → 36,525,
  // floors 17,528 + 18,996 = 36,524: the spare penny to the ICB.
  t.same(p.organisations.presentNetAfterIncome, [17528, 18997]);
  t.equal(p.netAfterIncome, 36525);
  t.same(p.income.map((line) => line.byYear), [[40000, 20000, 0], [0, 0, 12000]]);
});

t.test('payment by results is paid on the very measurement an outcomes contract uses', async (t) => {
  // The outcomes-contract table of test/finance/funding.test.ts: weeks avoided 100, 20, 0, 0 at 12,000p,
  // caps 1,000,000p a year and 1,100,000p in all, a year late → 0, 1,000,000, 100,000, 0.
  const sibRun = flows(4, 1, {
    costs: [600000, 500000, 400000, 0],
    serviceCosts: [600000, 500000, 400000, 0],
    benefits: [100000, 700000, 900000, 300000],
    baselineCareWeeks: [500, 520, 540, 560],
    strategyCareWeeks: [400, 500, 520, 560],
  });
  const contract: ResolvedContract = {
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
  };
  const income = incomePosition({ id: 'pbr', kind: 'payment_by_results', organisation: 0, terms: contract, measuredYears: 2 }, sibRun, [1, 1, 1, 1]);
  t.same(income.byYear, [0, 1000000, 100000, 0]);
  t.same(income.byYear, contractPosition(contract, sibRun, [1, 1, 1, 1]).paymentsByYear);
});

t.test('properties: organisations with their income sum to the net after income in every run, to the penny; no change earns no PbR', async (t) => {
  const agencies = 3;
  const years = 4;
  const money = fc.array(fc.integer({ min: -5e8, max: 5e8 }), { minLength: years * agencies, maxLength: years * agencies });
  const weeks = fc.array(fc.integer({ min: 0, max: 20000 }), { minLength: years, maxLength: years });
  const amounts = fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: years, maxLength: years });
  fc.assert(
    fc.property(
      money,
      money,
      fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: years * agencies, maxLength: years * agencies }),
      weeks,
      weeks,
      amounts,
      fc.integer({ min: 0, max: 1e6 }),
      fc.integer({ min: 0, max: 2 }),
      (costs, benefits, raw, baselineWeeks, strategyWeeks, grantPence, rate, to) => {
        const run4 = flows(years, agencies, { costs, benefits, baselineCareWeeks: baselineWeeks, strategyCareWeeks: strategyWeeks });
        const first = Array.from({ length: years }, (_, y) => Array.from({ length: agencies }, (_, a) => raw[y * agencies + a] / 1000));
        const income: ResolvedIncome[] = [
          { id: 'g', kind: 'grant', organisation: to, amountsPence: grantPence, conditionMet: true },
          { id: 'p', kind: 'payment_by_results', organisation: (to + 1) % 3, terms: terms({ pricePence: rate, annualCapPence: null, capPence: 5e8 }), measuredYears: 3 },
        ];
        const arr: FundingArrangement = {
          agencies: ['a', 'b', 'c'],
          organisations: [
            { id: 'one', name: 'One', shares: first },
            { id: 'two', name: 'Two', shares: first.map((row) => row.map((s) => 1 - s)) },
            { id: 'three', name: 'Three', shares: first.map((row) => row.map(() => 0)) },
          ],
          reinvestmentShare: null,
          pool: null,
          contracts: [],
          income,
        };
        const factors = [1, f1, f1 * f1, f1 ** 3];
        const p = fundingPositions(arr, run4, factors);
        let total = 0;
        const cash = new Array<number>(years).fill(0);
        for (let y = 0; y < years; y++) {
          for (let a = 0; a < agencies; a++) {
            total += (benefits[y * agencies + a] - costs[y * agencies + a]) * factors[y];
            cash[y] += benefits[y * agencies + a] - costs[y * agencies + a];
          }
          for (const line of p.income) {
            total += line.byYear[y] * factors[y];
            cash[y] += line.byYear[y];
          }
        }
        const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
        const identity =
          p.netAfterIncome === Math.round(total) &&
          sum(p.organisations.presentNetAfterIncome) === p.netAfterIncome &&
          cash.every((c, y) => sum(p.organisations.netAfterIncomeByYear.map((row) => row[y])) === c) &&
          sum(p.organisations.presentIncome) === Math.round(sum(p.income.map((line) => line.present)));
        // The same run with the strategy changing nothing (strategy weeks = baseline weeks): the PbR line earns nothing.
        const still = incomePosition(income[1], { ...run4, strategyCareWeeks: baselineWeeks }, factors);
        return identity && still.byYear.every((x) => x === 0);
      },
    ),
    { numRuns: 300 },
  );
  t.pass('exact in every run, and no payment without change');
});
