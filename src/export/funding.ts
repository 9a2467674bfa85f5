import type { CostModelSpec } from '../catalog/model-schema.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import type { FundingResult } from '../simulation/funding-fold.ts';
import type { ScenarioResultCore } from '../simulation/scenario-fold.ts';
import type { Summary } from '../simulation/summary.ts';
import { isSmallCount } from './disclosure.ts';
import type { PackRun } from './pack-input.ts';
import { type Cell, type Column, type ColumnKind, type PackTable, WITHHELD, runNames, shownCounts } from './tables.ts';

/**
 * How a strategy is paid for (issue 16), as packs, the comparison answer and the comparison page
 * show it: who pays and who gains (organisations), the pooled budget's partners, each outcomes
 * contract with the commissioner and the investor side by side, and reinvestment. The figures
 * are the run answer's (src/simulation/funding-fold.ts FundingResult), pounds at the model's
 * price base, present values over the years followed.
 *
 * The disclosure rule (src/export/disclosure.ts, src/services/disclosure-view.ts) applied to them:
 *   - money for a group of fewer than 5 children is withheld. A pooled budget's spend is exactly
 *     its named services' cost (validate-funding.ts keeps them separable by funder agency), and
 *     an investor funds exactly its contract's services: when any of those services is started
 *     by fewer than 5 children (mean over runs, as the Interventions sheet withholds its cost),
 *     the pool's money (spend, variance, partners' payments and net positions) or the contract's
 *     money (payments, both sides' net, the investor's funding, multiple and IRR, the delivery
 *     cost per outcome) is withheld whole: any one of them with the figures shown beside it
 *     (the scenario's NPV, the other services' costs) gives the others away;
 *   - a care-weeks contract pays for children looked after at 31 March × 52.18 weeks: where the
 *     pack hides a looked-after total of the planning years ("<5" or "c"), its outcomes and
 *     everything paid on them are withheld too, since they would give the hidden count away.
 * Organisations and reinvestment are shares of the agencies' flows over the whole cohort (the
 * invest-to-save by agency shown already): shown as they are. Planned budgets, shares, prices and
 * the chance of an overspend or of the investor losing money are inputs or probabilities: shown.
 */

/** Why a part of the funding is withheld; null when it is shown. */
export interface FundingDisclosure {
  pool: string | null;
  /** By index of the result's outcomesContracts. */
  contracts: Array<string | null>;
  /** By index of the result's income lines (payment by results on care weeks; grants are inputs). Absent: none withheld. */
  income?: Array<string | null>;
}

/** The organisations whose income (and net after it) a withheld income line would give away. */
function incomeWithheldFor(funding: FundingResult, disclosure: FundingDisclosure): Set<string> {
  return new Set((funding.income ?? []).filter((_, k) => (disclosure.income?.[k] ?? null) !== null).map((line) => line.organisation));
}

const SMALL_GROUP = 'withheld: fewer than 5 children start';

/**
 * Which parts of a run's funding the disclosure rule withholds. `spec` gives each contract's
 * services (the result names the pool's); without it, any commissioned service started by fewer
 * than 5 children withholds every contract. Without `model` the looked-after totals cannot be
 * protected, so every care-weeks contract is withheld.
 */
export function fundingDisclosure(result: ScenarioResultCore, spec: Pick<ScenarioSpec, 'funding'> | undefined, model: CostModelSpec | undefined): FundingDisclosure {
  const funding = result.funding;
  if (!funding) return { pool: null, contracts: [], income: [] };
  const delivered = new Map(result.interventions.map((iv) => [iv.intervention, iv.delivered.mean]));
  const smallOf = (services: readonly string[]) => services.filter((id) => isSmallCount(delivered.get(id) ?? 0));
  const pool = funding.pooledBudget ? smallOf(funding.pooledBudget.services) : [];
  let countsHidden = true;
  if (model) {
    const shown = shownCounts({ result, model: { spec: model } } as unknown as PackRun);
    const total = shown.states.length;
    countsHidden = (['baseline', 'strategy'] as const).some((variant) => Object.values(shown.shown[variant]).some((byYear) => byYear.some((year) => typeof year[total] === 'string')));
  }
  const CARE_WEEKS_HIDDEN = 'withheld: the care weeks it pays for are children looked after at 31 March × 52.18, and a looked-after total is hidden (fewer than 5)';
  return {
    income: (funding.income ?? []).map((line) => (line.kind === 'payment_by_results' && countsHidden ? CARE_WEEKS_HIDDEN : null)),
    pool: pool.length > 0 ? `${SMALL_GROUP} ${pool.join(', ')}: the pool’s money would show the cost of a group of fewer than 5` : null,
    contracts: funding.outcomesContracts.map((contract) => {
      const services = spec?.funding?.outcomesContracts?.find((c) => c.id === contract.id)?.services ?? result.interventions.map((iv) => iv.intervention);
      const small = smallOf(services);
      if (small.length > 0) return `${SMALL_GROUP} ${small.join(', ')}: the contract’s money would show the cost of a group of fewer than 5`;
      if (countsHidden && contract.outcome === 'care_weeks_avoided') return CARE_WEEKS_HIDDEN;
      return null;
    }),
  };
}

/** A distribution as the funding views show it: mean and percentiles, no spread statistics. */
export interface FundingRange {
  mean: number;
  p5: number;
  p10: number;
  p50: number;
  p90: number;
  p95: number;
}

const range = (s: Summary): FundingRange => ({ mean: s.mean, p5: s.p5, p10: s.p10, p50: s.p50, p90: s.p90, p95: s.p95 });

/** Who pays and who gains, as an answer shows it (withheld figures null, with the reason). */
export interface FundingView {
  organisations: Array<{
    organisation: string;
    name: string;
    role: string;
    presentCosts: FundingRange;
    presentBenefits: FundingRange;
    presentNet: FundingRange;
    /** Income received (grants, payment by results), present value; null when withheld. */
    presentIncome: FundingRange | null;
    presentNetAfterIncome: FundingRange | null;
  }>;
  income: Array<{
    id: string;
    kind: string;
    organisation: string;
    name: string;
    conditionMet: boolean | null;
    outcome: string | null;
    basis: string | null;
    ratePerOutcome: number | null;
    withheld: string | null;
    presentValue: FundingRange | null;
  }>;
  /** The scenario's NPV plus the PV of all income; null when an income line is withheld. */
  netAfterIncome: FundingRange | null;
  pooledBudget: {
    services: string[];
    withheld: string | null;
    partners: Array<{ organisation: string; name: string; contribution: number; riskShare: number; presentNet: FundingRange | null }>;
    outside: { presentNet: FundingRange | null };
  } | null;
  outcomesContracts: Array<{
    id: string;
    outcome: string;
    basis: string;
    withheld: string | null;
    pricePerOutcome: number;
    outcomes: FundingRange | null;
    payments: FundingRange | null;
    commissioner: { presentNet: FundingRange | null };
    investor: { funded: FundingRange | null; received: FundingRange | null; presentNet: FundingRange | null; moneyMultiple: number | null; irr: FundingRange | null; runsWithIrr: number | null; probabilityLoses: number | null };
    priceBounds: { price: number; deliveryCostPerOutcome: number | null; valuePerOutcomeToPayer: number | null };
  }>;
  reinvestment: { share: number; presentReinvested: FundingRange; presentRetained: FundingRange; dueAfterHorizon: FundingRange } | null;
}

/** Invests, saves, both, or neither, from the expected present values. */
export function fundingRole(costs: number, benefits: number): string {
  return costs > 0 && benefits > 0 ? 'invests and saves' : costs > 0 ? 'invests' : benefits > 0 ? 'saves' : benefits < 0 ? 'pays more' : 'no change';
}

/** A run's funding as an answer shows it, with the disclosure rule applied; null without funding. */
export function fundingView(funding: FundingResult | undefined, disclosure: FundingDisclosure): FundingView | null {
  if (!funding) return null;
  const pool = funding.pooledBudget;
  const poolShown = disclosure.pool === null;
  const incomeHidden = incomeWithheldFor(funding, disclosure);
  const maybe = (s: Summary | undefined, hidden: boolean) => (s === undefined || hidden ? null : range(s));
  return {
    organisations: funding.organisations.map((o) => ({
      organisation: o.organisation,
      name: o.name,
      role: fundingRole(o.presentCosts.mean, o.presentBenefits.mean),
      presentCosts: range(o.presentCosts),
      presentBenefits: range(o.presentBenefits),
      presentNet: range(o.presentNet),
      presentIncome: maybe(o.presentIncome, incomeHidden.has(o.organisation)),
      presentNetAfterIncome: maybe(o.presentNetAfterIncome, incomeHidden.has(o.organisation)),
    })),
    income: (funding.income ?? []).map((line, k) => {
      const withheld = disclosure.income?.[k] ?? null;
      return {
        id: line.id,
        kind: line.kind,
        organisation: line.organisation,
        name: line.name,
        conditionMet: line.conditionMet,
        outcome: line.outcome,
        basis: line.basis,
        ratePerOutcome: line.ratePerOutcome,
        withheld,
        presentValue: withheld === null ? range(line.presentValue) : null,
      };
    }),
    netAfterIncome: maybe(funding.netAfterIncome, incomeHidden.size > 0),
    pooledBudget: pool
      ? {
          services: pool.services,
          withheld: disclosure.pool,
          partners: pool.partners.map((p) => ({ organisation: p.organisation, name: p.name, contribution: p.contribution, riskShare: p.riskShare, presentNet: poolShown ? range(p.presentNet) : null })),
          outside: { presentNet: poolShown ? range(pool.outside.presentNet) : null },
        }
      : null,
    outcomesContracts: funding.outcomesContracts.map((c, k) => {
      const withheld = disclosure.contracts[k] ?? null;
      const shown = <T>(value: T): T | null => (withheld === null ? value : null);
      return {
        id: c.id,
        outcome: c.outcome,
        basis: c.basis,
        withheld,
        pricePerOutcome: c.pricePerOutcome,
        outcomes: shown(range(c.outcomes)),
        payments: shown(range(c.payments)),
        commissioner: { presentNet: shown(range(c.commissionerPresentNet)) },
        investor: {
          funded: shown(range(c.investorFunded)),
          received: shown(range(c.investorReceived)),
          presentNet: shown(range(c.investorPresentNet)),
          moneyMultiple: shown(c.moneyMultiple),
          irr: c.irr.summary ? shown(range(c.irr.summary)) : null,
          runsWithIrr: shown(c.irr.runsWithIrr),
          probabilityLoses: shown(c.probabilityInvestorLoses),
        },
        priceBounds: {
          price: c.priceBounds.price,
          deliveryCostPerOutcome: shown(c.priceBounds.deliveryCostPerOutcome),
          valuePerOutcomeToPayer: shown(c.priceBounds.valuePerOutcomeToPayer),
        },
      };
    }),
    reinvestment: funding.reinvestment
      ? {
          share: funding.reinvestment.share,
          presentReinvested: range(funding.reinvestment.presentReinvested),
          presentRetained: range(funding.reinvestment.presentRetained),
          dueAfterHorizon: range(funding.reinvestment.dueAfterHorizon),
        }
      : null,
  };
}

/** A pack run's funding with the disclosure rule applied; null without funding. */
export function packFundingView(run: PackRun): FundingView | null {
  return fundingView(run.result.funding, fundingDisclosure(run.result, run.scenario.spec, run.model.spec));
}

const STATS = ['mean', 'p5', 'p10', 'p50', 'p90', 'p95'] as const;
const STAT_HEADERS: Record<(typeof STATS)[number], string> = { mean: 'Mean', p5: 'P5', p10: 'P10', p50: 'P50', p90: 'P90', p95: 'P95' };

/**
 * The pack's Funding sheet: one line per figure (a run, a section, a party, a measure, a
 * financial year where the figure is a year's), with its mean and percentiles over the runs, or
 * a single value in the mean column for inputs and ratios of totals. Each line's kind formats its
 * figures (money in £, probabilities in %, ratios to two places). Null when no run has funding.
 */
export function fundingTable(runs: PackRun[]): PackTable | null {
  if (!runs.some((run) => run.result.funding)) return null;
  const rows: Cell[][] = [];
  const kinds: ColumnKind[] = [];
  for (const run of runs) {
    const funding = run.result.funding;
    if (!funding) continue;
    const disclosure = fundingDisclosure(run.result, run.scenario.spec, run.model.spec);
    const incomeHidden = incomeWithheldFor(funding, disclosure);
    const line = (section: string, party: string, measure: string, year: string, unit: string, kind: ColumnKind, figures: Summary | number | string | Cell[] | null) => {
      const values: Cell[] = Array.isArray(figures)
        ? figures
        : figures === null
          ? STATS.map(() => null)
          : typeof figures === 'object'
            ? STATS.map((stat) => figures[stat])
            : [figures, ...STATS.slice(1).map(() => null)];
      rows.push([run.runId, section, party, measure, year, unit, ...values]);
      kinds.push(kind);
    };
    const withheld = (section: string, party: string, measure: string, year: string, unit: string, kind: ColumnKind, reason: string | null, figures: Summary | number | string | null) =>
      // A withheld distribution is withheld in every column, as the Interventions sheet does.
      line(section, party, measure, year, unit, kind, reason === null ? figures : figures !== null && typeof figures === 'object' ? STATS.map(() => WITHHELD) : WITHHELD);

    for (const o of funding.organisations) {
      line('Who pays and who gains', o.name, `Present costs (${fundingRole(o.presentCosts.mean, o.presentBenefits.mean)})`, '', '£', 'money', o.presentCosts);
      line('Who pays and who gains', o.name, 'Present benefits', '', '£', 'money', o.presentBenefits);
      line('Who pays and who gains', o.name, 'Net (present value)', '', '£', 'money', o.presentNet);
      for (const y of o.netByYear) line('Who pays and who gains', o.name, 'Net in the year (cash)', y.financialYear, '£', 'money', y.net);
      if ((funding.income ?? []).length > 0) {
        const reason = incomeHidden.has(o.organisation) ? 'withheld' : null;
        withheld('Who pays and who gains', o.name, 'Income received (present value)', '', '£', 'money', reason, o.presentIncome);
        withheld('Who pays and who gains', o.name, 'Net after income (present value)', '', '£', 'money', reason, o.presentNetAfterIncome);
      }
    }
    (funding.income ?? []).forEach((income, k) => {
      const section = `Income ${income.id} (${income.kind.replaceAll('_', ' ')})`;
      const reason = disclosure.income?.[k] ?? null;
      if (income.kind === 'grant') line(section, income.name, 'Condition met', '', '', 'text', income.conditionMet === false ? 'no' : 'yes');
      else {
        line(section, income.name, `Rate per outcome (${(income.outcome ?? '').replaceAll('_', ' ')}, ${(income.basis ?? '').replaceAll('_', ' ')})`, '', '£', 'money', income.ratePerOutcome);
        withheld(section, income.name, 'Outcomes paid for', '', 'weeks', 'number', reason, income.outcomes);
      }
      withheld(section, income.name, 'Received (cash)', '', '£', 'money', reason, income.received);
      withheld(section, income.name, 'Received (present value)', '', '£', 'money', reason, income.presentValue);
      for (const y of income.byYear) withheld(section, income.name, 'Received in the year', y.financialYear, '£', 'money', reason, y.received);
    });
    if ((funding.income ?? []).length > 0) {
      withheld('Who pays and who gains', 'All', 'Net after income: the NPV plus the present value of all income', '', '£', 'money', incomeHidden.size > 0 ? 'withheld' : null, funding.netAfterIncome);
    }
    const pool = funding.pooledBudget;
    if (pool) {
      const section = `Pooled budget (${pool.services.join(', ')})`;
      const reason = disclosure.pool;
      for (const y of pool.byYear) {
        line(section, 'The pool', 'Planned budget', y.financialYear, '£', 'money', y.budget);
        withheld(section, 'The pool', 'Spend', y.financialYear, '£', 'money', reason, y.spend);
        withheld(section, 'The pool', 'Variance (spend minus budget; positive an overspend)', y.financialYear, '£', 'money', reason, y.variance);
        line(section, 'The pool', 'Chance of an overspend', y.financialYear, 'probability', 'probability', y.probabilityOverspend);
      }
      for (const p of pool.partners) {
        line(section, p.name, 'Contribution share', '', 'share', 'probability', p.contribution);
        line(section, p.name, 'Risk share', '', 'share', 'probability', p.riskShare);
        withheld(section, p.name, 'Net position (present value)', '', '£', 'money', reason, p.presentNet);
        for (const y of p.byYear) {
          withheld(section, p.name, 'Payment into the pool', y.financialYear, '£', 'money', reason, y.payment);
          withheld(section, p.name, 'Net position in the year (cash)', y.financialYear, '£', 'money', reason, y.net);
        }
      }
      withheld(section, 'Outside the partnership', 'Net position (present value)', '', '£', 'money', reason, pool.outside.presentNet);
    }
    funding.outcomesContracts.forEach((c, k) => {
      const section = `Outcomes contract ${c.id} (${c.basis.replaceAll('_', ' ')})`;
      const reason = disclosure.contracts[k] ?? null;
      line(section, 'Commissioner', 'Price per outcome (care week avoided)', '', '£', 'money', c.pricePerOutcome);
      withheld(section, 'Commissioner', 'Outcomes paid for (care weeks avoided, as measured)', '', 'weeks', 'number', reason, c.outcomes);
      withheld(section, 'Commissioner', 'Outcome payments', '', '£', 'money', reason, c.payments);
      for (const y of c.paymentsByYear) withheld(section, 'Commissioner', 'Outcome payments in the year', y.financialYear, '£', 'money', reason, y.payments);
      withheld(section, 'Commissioner', 'Net saving after payments (present value)', '', '£', 'money', reason, c.commissionerPresentNet);
      withheld(section, 'Investor', 'Funded (the services’ cost)', '', '£', 'money', reason, c.investorFunded);
      withheld(section, 'Investor', 'Received (outcome payments)', '', '£', 'money', reason, c.investorReceived);
      withheld(section, 'Investor', 'Net (present value)', '', '£', 'money', reason, c.investorPresentNet);
      withheld(section, 'Investor', 'Money multiple (expected received / expected funded)', '', 'ratio', 'ratio', reason, c.moneyMultiple ?? 'not defined');
      withheld(section, 'Investor', `Internal rate of return (over the ${c.irr.runsWithIrr} runs where it is defined)`, '', 'rate a year', 'probability', reason, c.irr.summary ?? 'not defined');
      withheld(section, 'Investor', 'Chance of losing money (received less than funded)', '', 'probability', 'probability', reason, c.probabilityInvestorLoses);
      withheld(section, 'Price bounds', 'Delivery cost per outcome (the floor)', '', '£', 'money', reason, c.priceBounds.deliveryCostPerOutcome ?? 'not defined');
      withheld(section, 'Price bounds', 'Value of an outcome to the payer (the ceiling)', '', '£', 'money', reason, c.priceBounds.valuePerOutcomeToPayer ?? 'not defined');
    });
    const r = funding.reinvestment;
    if (r) {
      const section = 'Reinvestment';
      line(section, 'All', 'Share of each year’s net cashable saving reinvested from the next year', '', 'share', 'probability', r.share);
      line(section, 'All', 'Reinvested (present value)', '', '£', 'money', r.presentReinvested);
      line(section, 'All', 'Retained (present value)', '', '£', 'money', r.presentRetained);
      line(section, 'All', 'Due after the years followed', '', '£', 'money', r.dueAfterHorizon);
      for (const y of r.byYear) {
        line(section, 'All', 'Net cashable saving', y.financialYear, '£', 'money', y.cashableNet);
        line(section, 'All', 'Reinvested', y.financialYear, '£', 'money', y.reinvested);
        line(section, 'All', 'Retained', y.financialYear, '£', 'money', y.retained);
      }
    }
  }
  const names = runNames(runs);
  const reasons = runs.flatMap((run, k) => {
    const d = fundingDisclosure(run.result, run.scenario.spec, run.model.spec);
    return [d.pool, ...d.contracts, ...(d.income ?? [])].filter((x): x is string => x !== null).map((reason) => (runs.length > 1 ? `${names[k]}: ${reason}.` : `${reason[0].toUpperCase()}${reason.slice(1)}.`));
  });
  const text = (key: string, header: string): Column => ({ key, header, kind: 'text' });
  return {
    id: 'funding',
    sheet: 'Funding',
    title: 'Funding: who pays, who gains, income, the pool, outcomes contracts and reinvestment',
    description:
      'How each run’s strategy is paid for: each organisation’s present costs, benefits and net (and its net by financial year), with its income and net after income; each income line (grants, payment by results); the pooled budget’s spend against plan and each partner’s payments and net position; each outcomes contract with the commissioner and the investor side by side (payments, net, the investor’s money multiple, IRR and chance of loss, and the price per outcome against its floor and ceiling); and reinvestment.',
    columns: [
      { key: 'run', header: 'Run', kind: 'text' },
      text('section', 'Section'),
      text('party', 'Party'),
      // Sized to its longest label (up to 120 characters), so no measure is clipped.
      { ...text('measure', 'Measure'), maxWidth: 120 },
      text('financial_year', 'Financial year'),
      text('unit', 'Unit'),
      ...STATS.map((stat) => ({ key: stat, header: STAT_HEADERS[stat], kind: 'money' as ColumnKind })),
    ],
    rows,
    rowKinds: kinds,
    notes: [
      'Pounds in real prices of the model’s price base year. Present values discounted at the Green Book rate to the first planning year; a year’s figures are cash. Mean and percentiles over the runs; a single figure (an input, a share, a ratio of totals) is in the Mean column.',
      'The organisations’ net positions sum to the scenario’s net present value in every run, to the penny (with their income, to the net after income); so do the partners’ with those outside the partnership, and the commissioner’s with the investor’s.',
      `${WITHHELD}: money for a group of fewer than 5 children (a pooled or contracted service fewer than 5 start), or outcomes that would give a hidden count of children looked after away, is not shown.`,
      ...reasons,
    ],
  };
}

/**
 * The run answer's funding as a role without individual access reads it: the same shape, the
 * figures the disclosure rule withholds set to null and the reason in `withheld` (the pool, each
 * contract, each income line; an organisation whose income is withheld).
 */
export function withholdFundingResult(funding: FundingResult, disclosure: FundingDisclosure): FundingResult {
  const out = structuredClone(funding) as FundingResult & Record<string, unknown>;
  const hide = (holder: object, keys: string[]) => {
    for (const key of keys) (holder as Record<string, unknown>)[key] = null;
  };
  const pool = out.pooledBudget;
  if (pool && disclosure.pool !== null) {
    Object.assign(pool, { withheld: disclosure.pool });
    for (const p of pool.partners) {
      hide(p, ['presentNet']);
      for (const y of p.byYear) hide(y, ['payment', 'net']);
    }
    hide(pool.outside, ['presentNet']);
    for (const y of pool.outside.byYear) hide(y, ['net']);
    for (const y of pool.byYear) hide(y, ['spend', 'variance']);
  }
  out.outcomesContracts.forEach((c, k) => {
    const reason = disclosure.contracts[k] ?? null;
    if (reason === null) return;
    Object.assign(c, { withheld: reason });
    hide(c, ['outcomes', 'payments', 'commissionerPresentNet', 'investorPresentNet', 'investorFunded', 'investorReceived', 'moneyMultiple', 'probabilityInvestorLoses']);
    for (const y of c.paymentsByYear) hide(y, ['payments']);
    hide(c.irr, ['runsWithIrr', 'summary']);
    hide(c.priceBounds, ['deliveryCostPerOutcome', 'valuePerOutcomeToPayer']);
  });
  (out.income ?? []).forEach((line, k) => {
    const reason = disclosure.income?.[k] ?? null;
    if (reason === null) return;
    Object.assign(line, { withheld: reason });
    hide(line, ['outcomes', 'received', 'presentValue']);
    for (const y of line.byYear) hide(y, ['received']);
  });
  const incomeHidden = incomeWithheldFor(funding, disclosure);
  for (const o of out.organisations) {
    if (!incomeHidden.has(o.organisation)) continue;
    Object.assign(o, { withheld: 'withheld: its income includes payment by results on care weeks that would give a hidden count away' });
    hide(o, ['presentIncome', 'presentNetAfterIncome']);
  }
  if (incomeHidden.size > 0) hide(out, ['netAfterIncome']);
  return out;
}
