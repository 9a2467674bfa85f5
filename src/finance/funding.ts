/**
 * Funding arrangements inside the Monte Carlo (issue 16): how a strategy is paid for, beside what
 * it costs, run by run, so every figure has its distribution. Pure: no HTTP, no SQL.
 *
 * Input per run (all money in pence, real prices of the model's base year; index y = financial
 * year from the scenario's first, a = the model's agency):
 *   - costs[y][a]: what the strategy spends (commissioned services and investment);
 *   - benefits[y][a]: what it avoids (baseline spend minus the strategy's spend on everything else);
 *   - cashableBenefits[y][a]: the part of benefits that frees real budget;
 *   - serviceCosts[y][a]: the part of costs that is commissioned services (the engine books a
 *     service's cost to its funder agency);
 *   - careWeeks: weeks of care by year, baseline and strategy (the paired runs).
 * The scenario's net position in year y is Σa benefits − costs; its present value discounts by
 * the Green Book factors the fold uses.
 *
 * Arrangements:
 *   - organisations: which organisation holds each agency's budget, by share, year by year;
 *   - reinvestment: a share of each year's net cashable saving spent again from the next year;
 *   - a pooled budget (NHS Act 2006 section 75 style): partners contribute shares of a planned
 *     budget for named services; the over- or underspend against it is shared by risk shares;
 *   - outcomes contracts (social impact bonds): an investor funds the named services, the
 *     commissioner pays a price per care week avoided, with caps and a payment lag, against the
 *     paired baseline run or a fixed historical baseline;
 *   - income lines from outside the scenario's parties (issue 16's "sources of alternative
 *     funding"): a grant (fixed amounts by year, optionally conditional on the strategy
 *     commissioning a named service) or payment-by-results income (a rate per outcome, measured
 *     exactly as an outcomes contract measures it, by outcomePayments), booked to the organisation
 *     that receives it. Income does not change the invest-to-save NPV; it is added beside it as
 *     the net after income (each organisation's, and the scenario's).
 *
 * Every split of money into parties is rounded to whole pence by the largest-remainder rule, so
 * the parties sum to the scenario's total rounded to the penny in every run, exactly.
 */

/** Weeks in a year: 365.25 / 7. */
export const WEEKS_PER_YEAR = 365.25 / 7;

export interface ResolvedOrganisation {
  id: string;
  name: string;
  /** [y][a] share of agency a's budget this organisation holds in year y. */
  shares: number[][];
}

export interface ResolvedPool {
  services: string[];
  /** Agencies whose commissioned-service spend is the pool's spend. */
  pooledAgencies: boolean[];
  /** Planned pool budget by year, pence. */
  budgetPence: number[];
  partners: Array<{ organisation: number; contribution: number; riskShare: number }>;
}

export interface ResolvedContract {
  id: string;
  services: string[];
  /** Agencies whose commissioned-service spend the investor funds in the contract years. */
  fundedAgencies: boolean[];
  outcome: 'care_weeks_avoided';
  pricePence: number;
  basis: 'modelled_counterfactual' | 'historical_baseline';
  /** Care weeks a year under the historical baseline rate (basis historical_baseline). */
  historicalWeeks: number[] | null;
  capPence: number | null;
  annualCapPence: number | null;
  paymentLagYears: number;
  contractYears: number;
}

/**
 * How an outcome is measured and priced: the part of an outcomes contract that payment-by-results
 * income shares, so both are paid on one measurement (outcomePayments).
 */
export type OutcomeTerms = Pick<ResolvedContract, 'outcome' | 'pricePence' | 'basis' | 'historicalWeeks' | 'capPence' | 'annualCapPence' | 'paymentLagYears'>;

/** A grant: whole-pence amounts by year [y], received only when its condition is met. */
export interface ResolvedGrant {
  id: string;
  kind: 'grant';
  /** Index of the receiving organisation. */
  organisation: number;
  amountsPence: number[];
  /** The strategy commissions the service the grant is conditional on (true when unconditional). */
  conditionMet: boolean;
}

/** Payment-by-results income: a rate per outcome on the outcome terms, measured in the first measuredYears years. */
export interface ResolvedPaymentByResults {
  id: string;
  kind: 'payment_by_results';
  organisation: number;
  terms: OutcomeTerms;
  measuredYears: number;
}

export type ResolvedIncome = ResolvedGrant | ResolvedPaymentByResults;

/** A validated scenario's funding, resolved to the model's agencies: serialisable. */
export interface FundingArrangement {
  agencies: string[];
  organisations: ResolvedOrganisation[];
  reinvestmentShare: number | null;
  pool: ResolvedPool | null;
  contracts: ResolvedContract[];
  /** Income lines (grants, payment by results); absent or empty when none. */
  income?: ResolvedIncome[];
}

export interface RunFlows {
  years: number;
  agencies: number;
  /** [y * agencies + a], pence. */
  costs: ArrayLike<number>;
  benefits: ArrayLike<number>;
  cashableBenefits: ArrayLike<number>;
  serviceCosts: ArrayLike<number>;
  /** [y] weeks of care. */
  baselineCareWeeks: ArrayLike<number>;
  strategyCareWeeks: ArrayLike<number>;
}

/**
 * Rounds values to whole numbers that sum to the rounded sum of the values (Hamilton's
 * largest-remainder method): each value is floored, and the pennies left over go to the largest
 * fractional parts (ties to the earlier). Each result is within 1 of its value.
 */
export function roundPreservingTotal(values: ArrayLike<number>): number[] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const target = Math.round(sum);
  const floors = Array.from(values, (v) => Math.floor(v));
  let left = target - floors.reduce((a, b) => a + b, 0);
  const order = Array.from(values, (v, i) => ({ i, frac: v - Math.floor(v) })).sort((p, q) => q.frac - p.frac || p.i - q.i);
  for (let k = 0; left > 0 && k < order.length; k++, left--) floors[order[k].i] += 1;
  // left < 0 only by floating-point noise in the sum: take back from the smallest remainders.
  for (let k = order.length - 1; left < 0 && k >= 0; k--, left++) floors[order[k].i] -= 1;
  return floors;
}

export interface OrganisationPositions {
  /** [o] present values, pence, each set summing to the scenario's total to the penny. */
  presentCosts: number[];
  presentBenefits: number[];
  presentNet: number[];
  /** [o][y] cash net (benefits − costs), pence. */
  netByYear: number[][];
  /** [o] present value of the income lines the organisation receives, pence (0 without income). */
  presentIncome: number[];
  /** [o] presentNet + income, rounded together: sums to the scenario's net after income to the penny. */
  presentNetAfterIncome: number[];
  /** [o][y] cash net + income received in year y, pence. */
  netAfterIncomeByYear: number[][];
}

/**
 * Each organisation's invest-to-save position: its shares of each agency's flows, year by year;
 * and beside it, its position after the income it receives (incomeByOrg[o][y], whole pence;
 * omitted, none).
 */
export function organisationPositions(arrangement: FundingArrangement, flows: RunFlows, factors: ArrayLike<number>, incomeByOrg?: number[][]): OrganisationPositions {
  const orgs = arrangement.organisations;
  const { years, agencies } = flows;
  const pvCost = new Array<number>(orgs.length).fill(0);
  const pvBenefit = new Array<number>(orgs.length).fill(0);
  const netByYear = orgs.map(() => new Array<number>(years).fill(0));
  for (let y = 0; y < years; y++) {
    const yearNet = new Array<number>(orgs.length).fill(0);
    for (let a = 0; a < agencies; a++) {
      const cost = flows.costs[y * agencies + a];
      const benefit = flows.benefits[y * agencies + a];
      orgs.forEach((org, o) => {
        const share = org.shares[y][a];
        if (share === 0) return;
        pvCost[o] += share * cost * factors[y];
        pvBenefit[o] += share * benefit * factors[y];
        yearNet[o] += share * (benefit - cost);
      });
    }
    roundPreservingTotal(yearNet).forEach((v, o) => {
      netByYear[o][y] = v;
    });
  }
  const income = incomeByOrg ?? orgs.map(() => new Array<number>(years).fill(0));
  const pvIncome = income.map((row) => row.reduce((sum, x, y) => sum + x * factors[y], 0));
  return {
    presentCosts: roundPreservingTotal(pvCost),
    presentBenefits: roundPreservingTotal(pvBenefit),
    presentNet: roundPreservingTotal(pvBenefit.map((b, o) => b - pvCost[o])),
    netByYear,
    presentIncome: roundPreservingTotal(pvIncome),
    presentNetAfterIncome: roundPreservingTotal(pvBenefit.map((b, o) => b - pvCost[o] + pvIncome[o])),
    // Income is whole pence, so adding it to the rounded cash nets keeps each year's sum exact.
    netAfterIncomeByYear: netByYear.map((row, o) => row.map((v, y) => v + income[o][y])),
  };
}

export interface ReinvestmentPosition {
  /** [y] net cashable saving: cashable benefits minus costs (a cost is always cash). */
  cashableNetByYear: number[];
  /** [y] reinvested in year y: the share of year y−1's net cashable saving, when positive. */
  reinvestedByYear: number[];
  /** [y] net after reinvestment: net − reinvested. */
  retainedByYear: number[];
  presentReinvested: number;
  presentRetained: number;
  /** The share of the last year's saving, due after the horizon. */
  dueAfterHorizon: number;
}

/**
 * Reinvestment of a share s of each year's net cashable saving from the next year:
 * reinvested[y+1] = round(s × max(0, cashable benefits[y] − costs[y])), the rest retained.
 * What the reinvested money buys is not modelled (it would need its own strategy): the figures
 * say how much of the saving leaves the budget, and when.
 */
export function reinvestment(share: number, flows: RunFlows, factors: ArrayLike<number>): ReinvestmentPosition {
  const { years, agencies } = flows;
  const cashableNetByYear: number[] = [];
  const netByYear: number[] = [];
  for (let y = 0; y < years; y++) {
    let cashable = 0;
    let net = 0;
    for (let a = 0; a < agencies; a++) {
      const k = y * agencies + a;
      cashable += flows.cashableBenefits[k] - flows.costs[k];
      net += flows.benefits[k] - flows.costs[k];
    }
    cashableNetByYear.push(cashable);
    netByYear.push(net);
  }
  const reinvestOf = (y: number) => Math.round(share * Math.max(0, cashableNetByYear[y]));
  const reinvestedByYear = netByYear.map((_, y) => (y === 0 ? 0 : reinvestOf(y - 1)));
  const retainedByYear = netByYear.map((net, y) => net - reinvestedByYear[y]);
  let presentReinvested = 0;
  let presentRetained = 0;
  for (let y = 0; y < years; y++) {
    presentReinvested += reinvestedByYear[y] * factors[y];
    presentRetained += retainedByYear[y] * factors[y];
  }
  return { cashableNetByYear, reinvestedByYear, retainedByYear, presentReinvested, presentRetained, dueAfterHorizon: years > 0 ? reinvestOf(years - 1) : 0 };
}

export interface PoolPosition {
  /** [y] the pool's spend: the named services' cost. */
  spendByYear: number[];
  /** [y] spend − budget: positive an overspend, negative an underspend. */
  varianceByYear: number[];
  /** [p][y] what each partner pays into the pool: contribution × budget + risk share × variance. */
  paymentsByYear: number[][];
  /** [p][y] each partner's net position; the last row is everyone outside the partnership. */
  netByYear: number[][];
  /** [p] present values, last entry outside the partnership; sums to the scenario's total to the penny. */
  presentNet: number[];
}

/**
 * A pooled budget: partner p pays contribution_p × budget_y + riskShare_p × (spend_y − budget_y)
 * in year y (so the partners together pay exactly the spend), and the named services' cost
 * leaves the agencies that would otherwise bear it. A partner's net position is its
 * organisation's net position with those service costs given back, less its payments.
 * Organisations outside the partnership are shown together, so the positions sum to the total.
 */
export function poolPositions(arrangement: FundingArrangement, flows: RunFlows, factors: ArrayLike<number>): PoolPosition {
  const pool = arrangement.pool as ResolvedPool;
  const orgs = arrangement.organisations;
  const { years, agencies } = flows;
  const partnerOf = new Map(pool.partners.map((p, k) => [p.organisation, k]));
  const parties = pool.partners.length + 1;
  const spendByYear: number[] = [];
  const varianceByYear: number[] = [];
  const paymentsByYear = pool.partners.map(() => new Array<number>(years).fill(0));
  const netByYear = Array.from({ length: parties }, () => new Array<number>(years).fill(0));
  const pv = new Array<number>(parties).fill(0);
  for (let y = 0; y < years; y++) {
    let spend = 0;
    const raw = new Array<number>(parties).fill(0);
    for (let a = 0; a < agencies; a++) {
      const k = y * agencies + a;
      const pooled = pool.pooledAgencies[a] ? flows.serviceCosts[k] : 0;
      spend += pooled;
      orgs.forEach((org, o) => {
        const share = org.shares[y][a];
        if (share === 0) return;
        const party = partnerOf.get(o) ?? parties - 1;
        raw[party] += share * (flows.benefits[k] - flows.costs[k] + pooled);
      });
    }
    const budget = pool.budgetPence[y];
    const variance = spend - budget;
    const payments = roundPreservingTotal(pool.partners.map((p) => p.contribution * budget + p.riskShare * variance));
    pool.partners.forEach((_, p) => {
      paymentsByYear[p][y] = payments[p];
      raw[p] -= payments[p];
    });
    spendByYear.push(spend);
    varianceByYear.push(variance);
    roundPreservingTotal(raw).forEach((v, p) => {
      netByYear[p][y] = v;
      pv[p] += raw[p] * factors[y];
    });
  }
  return { spendByYear, varianceByYear, paymentsByYear, netByYear, presentNet: roundPreservingTotal(pv) };
}

export interface ContractPosition {
  /** [y] outcomes measured (care weeks avoided, floored at 0 each year; 0 outside the contract years). */
  outcomesByYear: number[];
  /** [y] outcome payments made (after caps, in the year they fall due). */
  paymentsByYear: number[];
  /** [y] the investor's cash flow: payments received − service costs funded. */
  investorByYear: number[];
  investorFunded: number;
  investorReceived: number;
  /** Received / funded; null when nothing was funded. */
  moneyMultiple: number | null;
  /** Annual IRR of investorByYear; null when undefined (see internalRateOfReturn). */
  irr: number | null;
  /** Commissioner (every public agency): the scenario's net with the funded service costs taken off and the payments added. */
  commissionerPresentNet: number;
  investorPresentNet: number;
  /** Gross cash benefits in the contract years: the value to the payer of the outcomes bought. */
  contractBenefits: number;
}

export interface OutcomePayments {
  /** [y] outcomes measured (care weeks avoided, floored at 0 each year; 0 after the measured years). */
  outcomesByYear: number[];
  /** [y] payments, whole pence, after caps, in the year they fall due (a payment due after the horizon is left out). */
  paymentsByYear: number[];
}

/**
 * The one measurement of outcomes and what they earn, shared by outcomes contracts and
 * payment-by-results income. In each year y < measuredYears the outcome is
 * baselineWeeks[y] − strategyWeeks[y] (modelled counterfactual: the paired baseline run) or
 * historicalWeeks[y] − strategyWeeks[y] (fixed historical baseline), floored at 0 (payments are
 * made for outcomes achieved; a year with more care than the counterfactual is not clawed back,
 * a simplification: a contract may net years off against each other). Due = round(price ×
 * outcome) pence, limited by the annual cap and by what is left of the total cap; paid
 * paymentLagYears later. A strategy that changes nothing has equal paired weeks, so earns
 * nothing on the modelled basis.
 */
export function outcomePayments(terms: OutcomeTerms, measuredYears: number, flows: RunFlows): OutcomePayments {
  const { years } = flows;
  const outcomesByYear = new Array<number>(years).fill(0);
  const paymentsByYear = new Array<number>(years).fill(0);
  let paid = 0;
  for (let y = 0; y < Math.min(years, measuredYears); y++) {
    const counterfactual = terms.basis === 'modelled_counterfactual' ? flows.baselineCareWeeks[y] : (terms.historicalWeeks as number[])[y];
    const outcomes = Math.max(0, counterfactual - flows.strategyCareWeeks[y]);
    outcomesByYear[y] = outcomes;
    let due = Math.round(outcomes * terms.pricePence);
    if (terms.annualCapPence !== null) due = Math.min(due, terms.annualCapPence);
    if (terms.capPence !== null) due = Math.min(due, terms.capPence - paid);
    paid += due;
    const payYear = y + terms.paymentLagYears;
    if (payYear < years) paymentsByYear[payYear] += due;
  }
  return { outcomesByYear, paymentsByYear };
}

export interface IncomePosition {
  /** [y] income received, whole pence. */
  byYear: number[];
  /** [y] outcomes measured (payment by results); null for a grant. */
  outcomesByYear: number[] | null;
  /** Present value, pence (unrounded). */
  present: number;
}

/**
 * One income line in one run: a grant's amounts when its condition is met (else nothing); a
 * payment-by-results line's payments by outcomePayments, the same measurement an outcomes
 * contract is paid on.
 */
export function incomePosition(line: ResolvedIncome, flows: RunFlows, factors: ArrayLike<number>): IncomePosition {
  const { years } = flows;
  let byYear: number[];
  let outcomesByYear: number[] | null = null;
  if (line.kind === 'grant') {
    byYear = Array.from({ length: years }, (_, y) => (line.conditionMet ? (line.amountsPence[y] ?? 0) : 0));
  } else {
    const measured = outcomePayments(line.terms, line.measuredYears, flows);
    byYear = measured.paymentsByYear;
    outcomesByYear = measured.outcomesByYear;
  }
  return { byYear, outcomesByYear, present: byYear.reduce((sum, x, y) => sum + x * factors[y], 0) };
}

/**
 * An outcomes contract (social impact bond) paid per care week avoided, measured and capped by
 * outcomePayments over the contract years. The investor funds the named services' cost in the
 * contract years. A strategy that changes nothing has equal paired weeks, so pays nothing on
 * the modelled basis.
 */
export function contractPosition(contract: ResolvedContract, flows: RunFlows, factors: ArrayLike<number>): ContractPosition {
  const { years, agencies } = flows;
  const investorByYear = new Array<number>(years).fill(0);
  let funded = 0;
  let contractBenefits = 0;
  let scenarioPv = 0;
  for (let y = 0; y < years; y++) {
    for (let a = 0; a < agencies; a++) scenarioPv += (flows.benefits[y * agencies + a] - flows.costs[y * agencies + a]) * factors[y];
  }
  const { outcomesByYear, paymentsByYear } = outcomePayments(contract, contract.contractYears, flows);
  for (let y = 0; y < Math.min(years, contract.contractYears); y++) {
    let service = 0;
    for (let a = 0; a < agencies; a++) {
      if (contract.fundedAgencies[a]) service += flows.serviceCosts[y * agencies + a];
      contractBenefits += flows.benefits[y * agencies + a];
    }
    funded += service;
    investorByYear[y] -= service;
  }
  let received = 0;
  let investorPv = 0;
  for (let y = 0; y < years; y++) {
    investorByYear[y] += paymentsByYear[y];
    received += paymentsByYear[y];
    investorPv += investorByYear[y] * factors[y];
  }
  // The commissioner's net plus the investor's is the scenario's, by construction.
  return {
    outcomesByYear,
    paymentsByYear,
    investorByYear,
    investorFunded: funded,
    investorReceived: received,
    moneyMultiple: funded > 0 ? received / funded : null,
    irr: internalRateOfReturn(investorByYear),
    commissionerPresentNet: scenarioPv - investorPv,
    investorPresentNet: investorPv,
    contractBenefits,
  };
}

/** Net present value of yearly cash flows at rate r: Σ cf[t] / (1 + r)^t, t from 0. */
export function netPresentValueAt(flows: ArrayLike<number>, rate: number): number {
  let npv = 0;
  let factor = 1;
  for (let t = 0; t < flows.length; t++) {
    npv += flows[t] * factor;
    factor /= 1 + rate;
  }
  return npv;
}

/**
 * The internal rate of return of yearly cash flows (cf[0] at the start): the rate r > −1 at
 * which their net present value is zero. Found by a bracketed search: the NPV is evaluated on a
 * grid of rates from −1 + 10⁻¹² to 10⁹ (dense near 0), walking away from r = 0 towards the side
 * the undiscounted net points to (down when the flows lose money, up when they gain), and the
 * first bracket in which it changes sign is refined by bisection to a relative 1e-13 in the
 * growth factor 1 + r (bisection cannot leave its bracket, so it converges whatever the flows).
 * Flows with several sign changes can have several IRRs (an investor paid early and funding the
 * service after); the root nearest 0 on the side of the undiscounted net is taken, so the IRR
 * never contradicts the money multiple (a loss has a negative IRR). Returns:
 *   - −1 (a total loss) when money went in and nothing ever came back;
 *   - 0 when the flows net to exactly zero undiscounted;
 *   - null when the flows are all zero or all inflows, or no root lies on the grid.
 */
export function internalRateOfReturn(flows: ArrayLike<number>): number | null {
  let inflow = 0;
  let outflow = 0;
  for (let t = 0; t < flows.length; t++) {
    if (flows[t] > 0) inflow += flows[t];
    else outflow -= flows[t];
  }
  if (inflow === 0 && outflow === 0) return null;
  if (inflow === 0) return -1;
  if (outflow === 0) return null;
  const atZero = netPresentValueAt(flows, 0);
  if (atZero === 0) return 0;
  // Rates walked away from 0: downwards to −1 for a loss, upwards for a gain.
  const steps: number[] = [];
  if (atZero < 0) {
    for (let r = -0.001; r > -0.5; r -= 0.001) steps.push(r);
    for (let r = -0.5; r > -0.99; r -= 0.01) steps.push(r);
    for (let k = 2; k <= 12; k += 0.25) steps.push(-1 + 10 ** -k);
  } else {
    for (let r = 0.001; r < 1; r += 0.001) steps.push(r);
    for (let r = 1; r <= 1e9; r *= 1.05) steps.push(r);
  }
  let near = 0;
  let fNear = atZero;
  for (const far of steps) {
    const fFar = netPresentValueAt(flows, far);
    if (fFar === 0) return far;
    if (Math.sign(fFar) !== Math.sign(fNear)) {
      let a = Math.min(near, far);
      let b = Math.max(near, far);
      let fa = a === near ? fNear : fFar;
      for (let i = 0; i < 200 && b - a > 1e-13 * (1 + b); i++) {
        const m = (a + b) / 2;
        const fm = netPresentValueAt(flows, m);
        if (fm === 0) return m;
        if (Math.sign(fm) === Math.sign(fa)) {
          a = m;
          fa = fm;
        } else b = m;
      }
      return (a + b) / 2;
    }
    near = far;
    fNear = fFar;
  }
  return null;
}

/** One run's funding positions. */
export interface RunFundingPosition {
  organisations: OrganisationPositions;
  reinvestment: ReinvestmentPosition | null;
  pool: PoolPosition | null;
  contracts: ContractPosition[];
  /** [line] each income line, in the arrangement's order. */
  income: IncomePosition[];
  /**
   * The scenario's net after income, pence: round(Σ discounted (benefits − costs) + Σ discounted
   * income). The invest-to-save NPV is unchanged; this stands beside it, and the organisations'
   * presentNetAfterIncome sum to it exactly.
   */
  netAfterIncome: number;
}

/** Everything the arrangement says about one run. */
export function fundingPositions(arrangement: FundingArrangement, flows: RunFlows, factors: ArrayLike<number>): RunFundingPosition {
  const { years, agencies } = flows;
  const lines = arrangement.income ?? [];
  const income = lines.map((line) => incomePosition(line, flows, factors));
  const incomeByOrg = arrangement.organisations.map(() => new Array<number>(years).fill(0));
  lines.forEach((line, k) => {
    income[k].byYear.forEach((x, y) => {
      incomeByOrg[line.organisation][y] += x;
    });
  });
  let total = 0;
  for (let y = 0; y < years; y++) {
    for (let a = 0; a < agencies; a++) total += (flows.benefits[y * agencies + a] - flows.costs[y * agencies + a]) * factors[y];
  }
  for (const line of income) total += line.present;
  return {
    organisations: organisationPositions(arrangement, flows, factors, incomeByOrg),
    reinvestment: arrangement.reinvestmentShare === null ? null : reinvestment(arrangement.reinvestmentShare, flows, factors),
    pool: arrangement.pool ? poolPositions(arrangement, flows, factors) : null,
    contracts: arrangement.contracts.map((c) => contractPosition(c, flows, factors)),
    income,
    netAfterIncome: Math.round(total),
  };
}
