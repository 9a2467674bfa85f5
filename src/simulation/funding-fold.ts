import { financialYearLabel } from '../finance/financial-year.ts';
import { type FundingArrangement, type RunFlows, type RunFundingPosition, WEEKS_PER_YEAR, fundingPositions } from '../finance/funding.ts';
import type { MetricLayout } from './layout.ts';
import { type Summary, penceToPounds, summarize, summarizeMoney } from './summary.ts';

/**
 * The funding arrangement of a scenario, folded run by run beside its invest-to-save figures
 * (src/finance/funding.ts does the arithmetic). Each run's flows are read from the same summed
 * vectors the fold reads; each run's positions are kept, and summarised (mean, P5-P95) at the end.
 *
 * Weeks of care in a year are read from the year-end census: children looked after on 31 March
 * × 52.18 weeks (the engine keeps in-care counts by state at the end of each financial year,
 * as the SSDA903 return counts them; person-months by year are not kept). It is the measure a
 * care-weeks outcome contract is paid on here, and is the same for both variants, so a strategy
 * that changes nothing avoids no weeks. Payment-by-results income is measured the same way
 * (src/finance/funding.ts outcomePayments serves both).
 */

export interface FundingResult {
  organisations: Array<{
    organisation: string;
    name: string;
    presentCosts: Summary;
    presentBenefits: Summary;
    presentNet: Summary;
    netByYear: Array<{ financialYear: string; net: Summary }>;
    /** PV of the income lines it receives. */
    presentIncome: Summary;
    /** presentNet + presentIncome, run by run: the organisations sum to netAfterIncome to the penny in every run. */
    presentNetAfterIncome: Summary;
  }>;
  /** Income lines (grants, payment by results), each received by one organisation. */
  income: Array<{
    id: string;
    kind: 'grant' | 'payment_by_results';
    organisation: string;
    name: string;
    /** Grant: whether the strategy meets its condition (true when unconditional); null for payment by results. */
    conditionMet: boolean | null;
    /** Payment by results: the outcome, basis and pounds per outcome; null for a grant. */
    outcome: string | null;
    basis: string | null;
    ratePerOutcome: number | null;
    /** Payment by results: outcomes measured over the measurement years; null for a grant. */
    outcomes: Summary | null;
    received: Summary;
    presentValue: Summary;
    byYear: Array<{ financialYear: string; received: Summary }>;
  }>;
  /**
   * The scenario's net after income: the invest-to-save NPV (unchanged) plus the PV of all
   * income, run by run, pounds. The commissioner's net after the alternative funding.
   */
  netAfterIncome: Summary;
  reinvestment: {
    share: number;
    presentReinvested: Summary;
    presentRetained: Summary;
    dueAfterHorizon: Summary;
    byYear: Array<{ financialYear: string; cashableNet: Summary; reinvested: Summary; retained: Summary }>;
  } | null;
  pooledBudget: {
    services: string[];
    partners: Array<{ organisation: string; name: string; contribution: number; riskShare: number; presentNet: Summary; byYear: Array<{ financialYear: string; payment: Summary; net: Summary }> }>;
    outside: { presentNet: Summary; byYear: Array<{ financialYear: string; net: Summary }> };
    byYear: Array<{ financialYear: string; budget: number; spend: Summary; variance: Summary; probabilityOverspend: number }>;
  } | null;
  outcomesContracts: Array<{
    id: string;
    outcome: string;
    basis: string;
    pricePerOutcome: number;
    outcomes: Summary;
    payments: Summary;
    paymentsByYear: Array<{ financialYear: string; payments: Summary }>;
    commissionerPresentNet: Summary;
    investorPresentNet: Summary;
    investorFunded: Summary;
    investorReceived: Summary;
    /** Ratio of totals over runs: E[received] / E[funded]. */
    moneyMultiple: number | null;
    /** Share of runs in which the investor gets back less than it put in (cash). */
    probabilityInvestorLoses: number;
    irr: { runsWithIrr: number; summary: Summary | null };
    /** Price per outcome against its bounds (Government Outcomes Lab): ratio-of-totals figures, pounds per outcome. */
    priceBounds: { price: number; deliveryCostPerOutcome: number | null; valuePerOutcomeToPayer: number | null };
  }>;
}

export class FundingFolder {
  private readonly positions: RunFundingPosition[] = [];
  private readonly arrangement: FundingArrangement;
  private readonly factors: ArrayLike<number>;
  private readonly years: number;
  private readonly firstYear: number;

  /** factors: the fold's discount factors by year; firstYear: the first financial year's starting calendar year. */
  constructor(arrangement: FundingArrangement, factors: ArrayLike<number>, years: number, firstYear: number) {
    this.arrangement = arrangement;
    this.factors = factors;
    this.years = years;
    this.firstYear = firstYear;
  }

  /** Reads one run's flows from its baseline vector (at b) and strategy vector (at s). */
  static flowsOf(layout: MetricLayout, v: Float64Array, b: number, s: number, years: number, investmentPence: number[][], inCare: ArrayLike<boolean | number>): RunFlows {
    const nA = layout.nAgencies;
    const nS = layout.nStates;
    const size = years * nA;
    const costs = new Float64Array(size);
    const benefits = new Float64Array(size);
    const cashableBenefits = new Float64Array(size);
    const serviceCosts = new Float64Array(size);
    const baselineCareWeeks = new Float64Array(years);
    const strategyCareWeeks = new Float64Array(years);
    for (let y = 0; y < years; y++) {
      for (let a = 0; a < nA; a++) {
        const cell = layout.costFyAgency + (y * nA + a) * 2;
        const iv = v[s + layout.interventionFyAgency + y * nA + a];
        const k = y * nA + a;
        costs[k] = iv + (investmentPence[y]?.[a] ?? 0);
        benefits[k] = v[b + cell] + v[b + cell + 1] - (v[s + cell] + v[s + cell + 1] - iv);
        cashableBenefits[k] = v[b + cell + 1] - (v[s + cell + 1] - iv);
        serviceCosts[k] = iv;
      }
      for (let st = 0; st < nS; st++) {
        if (!inCare[st]) continue;
        baselineCareWeeks[y] += v[b + layout.endOfYearState + y * nS + st] * WEEKS_PER_YEAR;
        strategyCareWeeks[y] += v[s + layout.endOfYearState + y * nS + st] * WEEKS_PER_YEAR;
      }
    }
    return { years, agencies: nA, costs, benefits, cashableBenefits, serviceCosts, baselineCareWeeks, strategyCareWeeks };
  }

  addRun(flows: RunFlows): RunFundingPosition {
    const position = fundingPositions(this.arrangement, flows, this.factors);
    this.positions.push(position);
    return position;
  }

  /** The positions of every run so far, in run order. */
  get runs(): readonly RunFundingPosition[] {
    return this.positions;
  }

  finish(): FundingResult {
    const p = this.positions;
    const n = p.length;
    const label = (y: number) => financialYearLabel(this.firstYear + y);
    const money = (fn: (run: RunFundingPosition) => number) => summarizeMoney(Float64Array.from(p, fn));
    const byYear = <T>(fn: (y: number) => T) => Array.from({ length: this.years }, (_, y) => fn(y));
    const a = this.arrangement;
    const organisations = a.organisations.map((org, o) => ({
      organisation: org.id,
      name: org.name,
      presentCosts: money((r) => r.organisations.presentCosts[o]),
      presentBenefits: money((r) => r.organisations.presentBenefits[o]),
      presentNet: money((r) => r.organisations.presentNet[o]),
      netByYear: byYear((y) => ({ financialYear: label(y), net: money((r) => r.organisations.netByYear[o][y]) })),
      presentIncome: money((r) => r.organisations.presentIncome[o]),
      presentNetAfterIncome: money((r) => r.organisations.presentNetAfterIncome[o]),
    }));
    const income = (a.income ?? []).map((line, k) => {
      const pbr = line.kind === 'payment_by_results' ? line : null;
      return {
        id: line.id,
        kind: line.kind,
        organisation: a.organisations[line.organisation].id,
        name: a.organisations[line.organisation].name,
        conditionMet: line.kind === 'grant' ? line.conditionMet : null,
        outcome: pbr ? pbr.terms.outcome : null,
        basis: pbr ? pbr.terms.basis : null,
        ratePerOutcome: pbr ? penceToPounds(pbr.terms.pricePence) : null,
        outcomes: pbr ? summarize(Float64Array.from(p, (r) => (r.income[k].outcomesByYear ?? []).reduce((x, y) => x + y, 0))) : null,
        received: money((r) => r.income[k].byYear.reduce((x, y) => x + y, 0)),
        presentValue: money((r) => r.income[k].present),
        byYear: byYear((y) => ({ financialYear: label(y), received: money((r) => r.income[k].byYear[y]) })),
      };
    });
    const reinvestment =
      a.reinvestmentShare === null
        ? null
        : {
            share: a.reinvestmentShare,
            presentReinvested: money((r) => r.reinvestment?.presentReinvested ?? 0),
            presentRetained: money((r) => r.reinvestment?.presentRetained ?? 0),
            dueAfterHorizon: money((r) => r.reinvestment?.dueAfterHorizon ?? 0),
            byYear: byYear((y) => ({
              financialYear: label(y),
              cashableNet: money((r) => r.reinvestment?.cashableNetByYear[y] ?? 0),
              reinvested: money((r) => r.reinvestment?.reinvestedByYear[y] ?? 0),
              retained: money((r) => r.reinvestment?.retainedByYear[y] ?? 0),
            })),
          };
    const pool = a.pool;
    const pooledBudget = pool
      ? {
          services: pool.services,
          partners: pool.partners.map((partner, k) => ({
            organisation: a.organisations[partner.organisation].id,
            name: a.organisations[partner.organisation].name,
            contribution: partner.contribution,
            riskShare: partner.riskShare,
            presentNet: money((r) => r.pool?.presentNet[k] ?? 0),
            byYear: byYear((y) => ({ financialYear: label(y), payment: money((r) => r.pool?.paymentsByYear[k][y] ?? 0), net: money((r) => r.pool?.netByYear[k][y] ?? 0) })),
          })),
          outside: {
            presentNet: money((r) => r.pool?.presentNet[pool.partners.length] ?? 0),
            byYear: byYear((y) => ({ financialYear: label(y), net: money((r) => r.pool?.netByYear[pool.partners.length][y] ?? 0) })),
          },
          byYear: byYear((y) => ({
            financialYear: label(y),
            budget: penceToPounds(pool.budgetPence[y]),
            spend: money((r) => r.pool?.spendByYear[y] ?? 0),
            variance: money((r) => r.pool?.varianceByYear[y] ?? 0),
            probabilityOverspend: p.filter((r) => (r.pool?.varianceByYear[y] ?? 0) > 0).length / Math.max(1, n),
          })),
        }
      : null;
    const outcomesContracts = a.contracts.map((contract, c) => {
      const of = (r: RunFundingPosition) => r.contracts[c];
      const sum = (fn: (r: RunFundingPosition) => number) => p.reduce((t, r) => t + fn(r), 0);
      const totalOutcomes = sum((r) => of(r).outcomesByYear.reduce((x, y) => x + y, 0));
      const totalFunded = sum((r) => of(r).investorFunded);
      const totalReceived = sum((r) => of(r).investorReceived);
      const totalBenefits = sum((r) => of(r).contractBenefits);
      const irrs = p.map((r) => of(r).irr).filter((x): x is number => x !== null);
      return {
        id: contract.id,
        outcome: contract.outcome,
        basis: contract.basis,
        pricePerOutcome: penceToPounds(contract.pricePence),
        outcomes: summarize(Float64Array.from(p, (r) => of(r).outcomesByYear.reduce((x, y) => x + y, 0))),
        payments: money((r) => of(r).paymentsByYear.reduce((x, y) => x + y, 0)),
        paymentsByYear: byYear((y) => ({ financialYear: label(y), payments: money((r) => of(r).paymentsByYear[y]) })),
        commissionerPresentNet: money((r) => of(r).commissionerPresentNet),
        investorPresentNet: money((r) => of(r).investorPresentNet),
        investorFunded: money((r) => of(r).investorFunded),
        investorReceived: money((r) => of(r).investorReceived),
        moneyMultiple: totalFunded > 0 ? totalReceived / totalFunded : null,
        probabilityInvestorLoses: p.filter((r) => of(r).investorReceived < of(r).investorFunded).length / Math.max(1, n),
        irr: { runsWithIrr: irrs.length, summary: irrs.length ? summarize(Float64Array.from(irrs)) : null },
        priceBounds: {
          price: penceToPounds(contract.pricePence),
          deliveryCostPerOutcome: totalOutcomes > 0 ? penceToPounds(totalFunded / totalOutcomes) : null,
          valuePerOutcomeToPayer: totalOutcomes > 0 ? penceToPounds(totalBenefits / totalOutcomes) : null,
        },
      };
    });
    const result = { organisations, income, netAfterIncome: money((r) => r.netAfterIncome), reinvestment, pooledBudget, outcomesContracts };
    assertFiniteFunding(result);
    return result;
  }
}

/**
 * Defence in depth: every figure of a funding answer is a finite number. The input limits (money
 * at most £10m a unit and £10bn a budget, cap or grant; historical baselines at most 521,800 care
 * weeks a year) keep them so; a non-finite figure would be written as null and make the stored run
 * unreadable for good, so the job fails with this message instead of storing it. Throws naming the
 * first offending figure by its path in the answer (e.g. "funding/income/0/received/mean").
 */
export function assertFiniteFunding(value: unknown, path = 'funding'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`funding figure ${path} is ${value}: an input limit has let through a figure the answer cannot carry; the run is not stored`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, k) => {
      assertFiniteFunding(item, `${path}/${k}`);
    });
  } else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertFiniteFunding(item, `${path}/${key}`);
}
