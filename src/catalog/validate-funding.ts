import { wholePenceError } from '../finance/money.ts';
import { parseFinancialYear } from '../finance/financial-year.ts';
import type { FundingArrangement, ResolvedContract, ResolvedIncome } from '../finance/funding.ts';
import type { FundingSpec } from './funding-schema.ts';
import type { CostModelSpec } from './model-schema.ts';
import type { ScenarioSpec } from './scenario-schema.ts';
import { AGENCIES, AGENCY_LABELS } from './vocabulary.ts';

/**
 * Checks a scenario's funding arrangement against its model and strategy (issue 16), naming
 * each field as a JSON pointer: every agency an organisation holds is held in shares summing to
 * 1 in every year; partners are known organisations, with contribution and risk shares each
 * summing to 1; pooled and contracted services are interventions the strategy commissions, and
 * their cost can be told apart year by year (the engine keeps service spend by funder agency, so
 * a named service may not share its funder agency with a commissioned service left out); the
 * outcome is one the model measures; money in whole pence; payments fall within the horizon.
 * Income lines go to a known organisation; a grant's years fall within the horizon, once each,
 * and its condition names an intervention of the model; a payment-by-results line gives an
 * outcome the model measures, its rate, basis and measurement years, and is paid within the
 * horizon. Fields of the other kind are refused rather than ignored.
 */

/** Outcomes a contract can be paid on: what the engine measures per run and year. */
export const MEASURABLE_OUTCOMES = ['care_weeks_avoided'] as const;

const SHARE_TOLERANCE = 1e-9;

const yearlyValue = (value: number | number[], y: number) => (Array.isArray(value) ? value[Math.min(y, value.length - 1)] : value);

/** The organisations of an arrangement, in order: those declared, then one per agency nobody holds (named after it). */
function organisationList(funding: FundingSpec | undefined): { ids: string[]; declared: number } {
  const declared = (funding?.organisations ?? []).map((o) => o.id);
  const held = new Set((funding?.organisations ?? []).flatMap((o) => o.holds.map((h) => h.agency)));
  return { ids: [...declared, ...AGENCIES.filter((a) => !held.has(a))], declared: declared.length };
}

export function fundingErrors(scenario: ScenarioSpec, model: CostModelSpec): Array<{ field: string; reason: string }> {
  const funding = scenario.funding;
  if (!funding) return [];
  const errors: Array<{ field: string; reason: string }> = [];
  const push = (field: string, reason: string) => errors.push({ field, reason });
  const lifetimeYears = scenario.lifetimeYears ?? 20;
  const orgs = funding.organisations ?? [];

  // Organisations: shares of each agency held sum to 1 in every year.
  const seen = new Map<string, number>();
  orgs.forEach((org, o) => {
    if (seen.has(org.id)) push(`/funding/organisations/${o}/id`, `repeats organisations/${seen.get(org.id)}`);
    seen.set(org.id, o);
    const agencies = new Set<string>();
    org.holds.forEach((h, k) => {
      if (agencies.has(h.agency)) push(`/funding/organisations/${o}/holds/${k}/agency`, `"${h.agency}" is held twice by one organisation`);
      agencies.add(h.agency);
      if (Array.isArray(h.share) && h.share.length > lifetimeYears) push(`/funding/organisations/${o}/holds/${k}/share`, `has ${h.share.length} yearly values for a ${lifetimeYears}-year horizon`);
    });
  });
  for (const agency of AGENCIES) {
    const holders = orgs.flatMap((org, o) => org.holds.map((h, k) => ({ h, o, k })).filter(({ h }) => h.agency === agency));
    if (!holders.length) continue;
    for (let y = 0; y < lifetimeYears; y++) {
      const total = holders.reduce((sum, { h }) => sum + yearlyValue(h.share, y), 0);
      if (Math.abs(total - 1) > SHARE_TOLERANCE) {
        const { o, k } = holders[holders.length - 1];
        push(`/funding/organisations/${o}/holds/${k}/share`, `shares of ${agency} sum to ${Number(total.toFixed(9))} in year ${y + 1}, not 1`);
        break;
      }
    }
  }
  const { ids, declared } = organisationList(funding);
  // An agency nobody holds is an organisation of its own, under the agency's id: a declared organisation may not take that id.
  ids.slice(declared).forEach((agency) => {
    const o = orgs.findIndex((org) => org.id === agency);
    if (o >= 0) push(`/funding/organisations/${o}/id`, `"${agency}" is the id of an agency nobody holds (it stands as its own organisation); name the organisation otherwise or let it hold ${agency}`);
  });

  // Services named by a pool or a contract: commissioned, and separable by funder agency.
  const commissioned = (scenario.strategy.interventions ?? []).map((c) => c.id);
  const funderOf = (id: string) => (model.interventions ?? []).find((iv) => iv.id === id)?.cost.agency;
  const services = (list: string[], field: string) => {
    list.forEach((id, k) => {
      if (!commissioned.includes(id)) push(`${field}/${k}`, `"${id}" is not commissioned by the strategy; commissioned: ${commissioned.join(', ') || 'none'}`);
    });
    const agencies = new Set(list.filter((id) => commissioned.includes(id)).map(funderOf));
    for (const other of commissioned) {
      if (!list.includes(other) && agencies.has(funderOf(other))) {
        push(field, `"${other}" is commissioned but left out, and is paid by the same agency (${funderOf(other)}) as a named service: their costs cannot be told apart by year`);
      }
    }
  };

  const pool = funding.pooledBudget;
  if (pool) {
    services(pool.services, '/funding/pooledBudget/services');
    const budgets = Array.isArray(pool.annualBudget) ? pool.annualBudget : [pool.annualBudget];
    budgets.forEach((amount, k) => {
      const error = wholePenceError(amount, Array.isArray(pool.annualBudget) ? `/funding/pooledBudget/annualBudget/${k}` : '/funding/pooledBudget/annualBudget');
      if (error) push(error.field, error.reason);
    });
    if (budgets.length > lifetimeYears) push('/funding/pooledBudget/annualBudget', `has ${budgets.length} yearly values for a ${lifetimeYears}-year horizon`);
    const partnerSeen = new Set<string>();
    pool.partners.forEach((p, k) => {
      if (!ids.includes(p.organisation)) push(`/funding/pooledBudget/partners/${k}/organisation`, `unknown organisation "${p.organisation}"; known: ${ids.join(', ')}`);
      if (partnerSeen.has(p.organisation)) push(`/funding/pooledBudget/partners/${k}/organisation`, 'is a partner twice');
      partnerSeen.add(p.organisation);
    });
    for (const key of ['contribution', 'riskShare'] as const) {
      const total = pool.partners.reduce((sum, p) => sum + p[key], 0);
      if (Math.abs(total - 1) > SHARE_TOLERANCE) push(`/funding/pooledBudget/partners`, `${key} shares sum to ${Number(total.toFixed(9))}, not 1`);
    }
  }

  const contractIds = new Set<string>();
  (funding.outcomesContracts ?? []).forEach((c, k) => {
    const field = `/funding/outcomesContracts/${k}`;
    if (contractIds.has(c.id)) push(`${field}/id`, 'repeats another contract’s id');
    contractIds.add(c.id);
    services(c.services, `${field}/services`);
    if (!(MEASURABLE_OUTCOMES as readonly string[]).includes(c.outcome)) {
      push(`${field}/outcome`, `"${c.outcome}" is not an outcome the model measures by year; measurable: ${MEASURABLE_OUTCOMES.join(', ')}`);
    }
    for (const key of ['pricePerOutcome', 'cap', 'annualCap'] as const) {
      const amount = c[key];
      if (amount === undefined) continue;
      const error = wholePenceError(amount, `${field}/${key}`);
      if (error) push(error.field, error.reason);
    }
    if (c.basis === 'historical_baseline' && c.historicalBaseline === undefined) push(`${field}/historicalBaseline`, 'is required for basis historical_baseline');
    if (c.basis === 'modelled_counterfactual' && c.historicalBaseline !== undefined) push(`${field}/historicalBaseline`, 'applies only to basis historical_baseline');
    if (Array.isArray(c.historicalBaseline) && c.historicalBaseline.length > lifetimeYears) {
      push(`${field}/historicalBaseline`, `has ${c.historicalBaseline.length} yearly values for a ${lifetimeYears}-year horizon`);
    }
    // A pool assumes its partners pay for a pooled service; a contract assumes its investor does: one service cannot be both.
    c.services.forEach((id, j) => {
      if (pool?.services.includes(id)) push(`${field}/services/${j}`, `"${id}" is also paid for by the pooled budget: a service is funded by a pool or by an outcomes contract, not both`);
    });
    const lag = c.paymentLagYears ?? 1;
    if (c.contractYears + lag > lifetimeYears) push(`${field}/contractYears`, `with a payment lag of ${lag} the last payment falls after the ${lifetimeYears}-year horizon`);
  });

  const incomeIds = new Set<string>();
  const first = parseFinancialYear(scenario.firstYear);
  const modelInterventions = (model.interventions ?? []).map((iv) => iv.id);
  const GRANT_ONLY = ['amounts', 'condition'] as const;
  const PBR_ONLY = ['outcome', 'ratePerOutcome', 'basis', 'historicalBaseline', 'cap', 'annualCap', 'paymentLagYears', 'measurementYears'] as const;
  (funding.income ?? []).forEach((line, k) => {
    const field = `/funding/income/${k}`;
    if (incomeIds.has(line.id)) push(`${field}/id`, 'repeats another income line’s id');
    incomeIds.add(line.id);
    if (!ids.includes(line.to)) push(`${field}/to`, `unknown organisation "${line.to}"; known: ${ids.join(', ')}`);
    const required = (key: string) => push(`${field}/${key}`, `is required for kind ${line.kind}`);
    const money = (amount: number | undefined, at: string) => {
      if (amount === undefined) return;
      const error = wholePenceError(amount, at);
      if (error) push(error.field, error.reason);
    };
    if (line.kind === 'grant') {
      for (const key of PBR_ONLY) if (line[key] !== undefined) push(`${field}/${key}`, 'applies only to kind payment_by_results');
      if (!line.amounts) required('amounts');
      const years = new Map<number, number>();
      (line.amounts ?? []).forEach((item, j) => {
        const at = `${field}/amounts/${j}`;
        money(item.amount, `${at}/amount`);
        const year = parseFinancialYear(item.year);
        if (year === undefined) {
          push(`${at}/year`, 'is not a financial year like 2026-27');
          return;
        }
        if (first === undefined) return;
        if (year < first || year >= first + lifetimeYears) push(`${at}/year`, `must fall within ${scenario.firstYear} and the following ${lifetimeYears - 1} years (the lifetime horizon)`);
        if (years.has(year)) push(`${at}/year`, `repeats amounts/${years.get(year)}`);
        years.set(year, j);
      });
      const service = line.condition?.commissions;
      if (service !== undefined && !modelInterventions.includes(service)) {
        push(`${field}/condition/commissions`, `"${service}" is not an intervention of the model; known: ${modelInterventions.join(', ') || 'none'}`);
      }
    } else {
      for (const key of GRANT_ONLY) if (line[key] !== undefined) push(`${field}/${key}`, 'applies only to kind grant');
      if (line.outcome === undefined) required('outcome');
      else if (!(MEASURABLE_OUTCOMES as readonly string[]).includes(line.outcome)) {
        push(`${field}/outcome`, `"${line.outcome}" is not an outcome the model measures by year; measurable: ${MEASURABLE_OUTCOMES.join(', ')}`);
      }
      if (line.ratePerOutcome === undefined) required('ratePerOutcome');
      if (line.basis === undefined) required('basis');
      if (line.measurementYears === undefined) required('measurementYears');
      money(line.ratePerOutcome, `${field}/ratePerOutcome`);
      money(line.cap, `${field}/cap`);
      money(line.annualCap, `${field}/annualCap`);
      if (line.basis === 'historical_baseline' && line.historicalBaseline === undefined) push(`${field}/historicalBaseline`, 'is required for basis historical_baseline');
      if (line.basis === 'modelled_counterfactual' && line.historicalBaseline !== undefined) push(`${field}/historicalBaseline`, 'applies only to basis historical_baseline');
      if (Array.isArray(line.historicalBaseline) && line.historicalBaseline.length > lifetimeYears) {
        push(`${field}/historicalBaseline`, `has ${line.historicalBaseline.length} yearly values for a ${lifetimeYears}-year horizon`);
      }
      const lag = line.paymentLagYears ?? 1;
      if (line.measurementYears !== undefined && line.measurementYears + lag > lifetimeYears) {
        push(`${field}/measurementYears`, `with a payment lag of ${lag} the last payment falls after the ${lifetimeYears}-year horizon`);
      }
    }
  });
  return errors;
}

/** The arrangement in the engine's terms (agency indices, pence, shares by year). Call only on a validated scenario. */
export function resolveFunding(scenario: ScenarioSpec, model: CostModelSpec, agencies: readonly string[]): FundingArrangement | undefined {
  const funding = scenario.funding;
  if (!funding) return undefined;
  const years = scenario.lifetimeYears ?? 20;
  const { ids, declared } = organisationList(funding);
  const organisations = ids.map((id, o) => {
    const spec = o < declared ? (funding.organisations ?? [])[o] : undefined;
    const shares = Array.from({ length: years }, (_, y) =>
      agencies.map((agency) => {
        if (!spec) return agency === id ? 1 : 0;
        const h = spec.holds.find((x) => x.agency === agency);
        return h ? yearlyValue(h.share, y) : 0;
      }),
    );
    return { id, name: spec?.name ?? AGENCY_LABELS[id as (typeof AGENCIES)[number]] ?? id, shares };
  });
  const funderOf = (id: string) => (model.interventions ?? []).find((iv) => iv.id === id)?.cost.agency;
  const agencyMask = (services: string[]) => {
    const funders = new Set(services.map(funderOf));
    return agencies.map((a) => funders.has(a as (typeof AGENCIES)[number]));
  };
  const pence = (pounds: number) => Math.round(pounds * 100);
  const pool = funding.pooledBudget
    ? {
        services: funding.pooledBudget.services,
        pooledAgencies: agencyMask(funding.pooledBudget.services),
        budgetPence: Array.from({ length: years }, (_, y) => pence(yearlyValue((funding.pooledBudget as NonNullable<FundingSpec['pooledBudget']>).annualBudget, y))),
        partners: funding.pooledBudget.partners.map((p) => ({ organisation: ids.indexOf(p.organisation), contribution: p.contribution, riskShare: p.riskShare })),
      }
    : null;
  const contracts: ResolvedContract[] = (funding.outcomesContracts ?? []).map((c) => ({
    id: c.id,
    services: c.services,
    fundedAgencies: agencyMask(c.services),
    outcome: 'care_weeks_avoided',
    pricePence: pence(c.pricePerOutcome),
    basis: c.basis,
    historicalWeeks: c.historicalBaseline === undefined ? null : Array.from({ length: years }, (_, y) => yearlyValue(c.historicalBaseline as number | number[], y)),
    capPence: c.cap === undefined ? null : pence(c.cap),
    annualCapPence: c.annualCap === undefined ? null : pence(c.annualCap),
    paymentLagYears: c.paymentLagYears ?? 1,
    contractYears: c.contractYears,
  }));
  const commissioned = new Set((scenario.strategy.interventions ?? []).map((c) => c.id));
  const firstYear = parseFinancialYear(scenario.firstYear) as number;
  const income: ResolvedIncome[] = (funding.income ?? []).map((line) => {
    const organisation = ids.indexOf(line.to);
    if (line.kind === 'grant') {
      const amountsPence = new Array<number>(years).fill(0);
      for (const item of line.amounts ?? []) amountsPence[(parseFinancialYear(item.year) as number) - firstYear] = pence(item.amount);
      return { id: line.id, kind: 'grant', organisation, amountsPence, conditionMet: line.condition === undefined || commissioned.has(line.condition.commissions) };
    }
    return {
      id: line.id,
      kind: 'payment_by_results',
      organisation,
      terms: {
        outcome: 'care_weeks_avoided',
        pricePence: pence(line.ratePerOutcome ?? 0),
        basis: line.basis ?? 'modelled_counterfactual',
        historicalWeeks: line.historicalBaseline === undefined ? null : Array.from({ length: years }, (_, y) => yearlyValue(line.historicalBaseline as number | number[], y)),
        capPence: line.cap === undefined ? null : pence(line.cap),
        annualCapPence: line.annualCap === undefined ? null : pence(line.annualCap),
        paymentLagYears: line.paymentLagYears ?? 1,
      },
      measuredYears: line.measurementYears ?? 0,
    };
  });
  return { agencies: [...agencies], organisations, reinvestmentShare: funding.reinvestment?.share ?? null, pool, contracts, income };
}
