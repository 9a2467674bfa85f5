import type { DistributionSpec } from '../catalog/model-schema.ts';
import { roundPounds } from '../finance/money.ts';
import { meanOf, toDistribution } from '../simulation/distributions.ts';
import { MODEL_WITHHELD_NOTE, protectModel } from '../services/calibration-disclosure.ts';
import { type PackRun, agencyLabel } from './pack-input.ts';

/**
 * Every input of a run, with its value and its source: the cost model's figures (each pointing
 * at an entry of the model's `sources`; transition rates at the model's `transitionSources`) and
 * the scenario's inputs (the scenario's authors are their source). Nothing about any young
 * person: the cohort is represented by its filter, never its members.
 */

export interface AssumptionRow {
  part: 'model' | 'scenario';
  group: string;
  input: string;
  label: string;
  value: string;
  /** The mean of an uncertain figure, or the figure itself. */
  central: number | null;
  unit: string;
  agency: string;
  source: string;
  sourceTitle: string;
  priceYear: string;
  note: string;
}

const round = (x: number) => Number(x.toPrecision(6));
const number = (x: number) => round(x).toLocaleString('en-GB', { maximumFractionDigits: 6 });

/** A central value in pounds (unit "£…") is money: to the penny, as every money figure shown (the table rounds the rest). */
function moneyCentral(row: AssumptionRow): AssumptionRow {
  return row.central !== null && row.unit.startsWith('£') ? { ...row, central: roundPounds(row.central) } : row;
}

export function distributionMean(d: DistributionSpec): number {
  return meanOf(toDistribution(d));
}

export function describeDistribution(d: DistributionSpec): string {
  if (typeof d === 'number') return number(d);
  switch (d.type) {
    case 'fixed':
      return number(d.value);
    case 'normal':
      return `normal: mean ${number(d.mean)}, sd ${number(d.sd)}`;
    case 'lognormal':
      return `lognormal: mean ${number(d.mean)}, sd ${number(d.sd)}`;
    case 'uniform':
      return `uniform: ${number(d.min)} to ${number(d.max)}`;
    case 'triangular':
      return `triangular: min ${number(d.min)}, most likely ${number(d.mode)}, max ${number(d.max)}`;
    case 'pert':
      return `PERT: min ${number(d.min)}, most likely ${number(d.mode)}, max ${number(d.max)}${d.lambda !== undefined && d.lambda !== 4 ? `, lambda ${number(d.lambda)}` : ''}`;
  }
}

const yearly = (value: number | number[]) => (Array.isArray(value) ? value.map(number).join(', ') : number(value));
const yearlyCentral = (value: number | number[]) => (Array.isArray(value) ? (value[0] ?? null) : value);
const list = (values: string[] | undefined) => (values ?? []).join(', ');

/**
 * A pack is the same for every role, and the board may read it, so a calibrated model's figures
 * estimated from the returns (monthly rates, leaving care at 18, row concentrations, calibrated
 * rate factors) are withheld from it as from the board's getModel: any usable precision of such a
 * rate gives back counts of children under 5 (src/services/calibration-disclosure.ts). Models not
 * calibrated are shown in full.
 */
function disclosedModel(run: PackRun): { model: PackRun['model']['spec']; withheld: boolean } {
  const model = protectModel(run.model.spec);
  return { model, withheld: model !== run.model.spec };
}

export function assumptionRows(run: PackRun): AssumptionRow[] {
  const { model, withheld } = disclosedModel(run);
  const scenario = run.scenario.spec;
  const sources = model.sources;
  const title = (id: string | undefined) => (id ? (sources[id]?.title ?? '') : '');
  const rows: AssumptionRow[] = [];
  const modelRow = (row: Partial<AssumptionRow> & { group: string; input: string; label: string; value: string }) =>
    rows.push(moneyCentral({ part: 'model', central: null, unit: '', agency: '', source: '', sourceTitle: title(row.source), priceYear: '', note: '', ...row }));

  modelRow({ group: 'Model', input: 'id', label: 'Cost model', value: `${model.id} ${model.version}: ${model.name}`, note: `content hash ${run.model.hash}` });
  modelRow({ group: 'Model', input: 'priceBaseYear', label: 'Price base year (real prices)', value: model.priceBaseYear, note: model.uprating ?? '' });
  modelRow({ group: 'Model', input: 'horizonAgeYears', label: 'People are followed to this age', value: String(model.horizonAgeYears), central: model.horizonAgeYears, unit: 'years' });
  for (const period of model.discounting.periods) {
    modelRow({ group: 'Discounting', input: `discount_from_year_${period.fromYear}`, label: `Discount rate from year ${period.fromYear}`, value: `${number(period.rate * 100)}%`, central: period.rate, unit: 'a year', source: model.discounting.source });
  }
  if (model.rateUncertainty) {
    modelRow({
      group: 'Rate uncertainty',
      input: 'concentration',
      label: 'Dirichlet concentration of each row of monthly rates',
      value: number(model.rateUncertainty.concentration),
      central: model.rateUncertainty.concentration,
      note: model.rateUncertainty.rowConcentration ? 'Some rows have their own concentration (calibrated)' : '',
      source: model.transitionSources[0]?.source,
    });
  }
  for (const factor of model.rateFactors ?? []) {
    modelRow({ group: 'Rate factors', input: factor.id, label: `${factor.label} (${list(factor.from)} to ${list(factor.to)})`, value: describeDistribution(factor.multiplier), central: distributionMean(factor.multiplier), unit: 'multiplier', source: factor.source });
  }
  for (const cost of model.unitCosts) {
    const ages = cost.minAgeYears !== undefined || cost.maxAgeYears !== undefined ? ` Ages ${cost.minAgeYears ?? 0} to ${cost.maxAgeYears !== undefined ? cost.maxAgeYears - 1 : 'horizon'}.` : '';
    modelRow({
      group: 'Unit costs',
      input: cost.id,
      label: `${cost.label} (${list(cost.states)})`,
      value: describeDistribution(cost.amount),
      central: distributionMean(cost.amount),
      unit: `£ a ${cost.per}`,
      agency: agencyLabel(cost.agency),
      source: cost.source,
      priceYear: cost.priceYear ?? '',
      note: `${cost.cashable === false ? 'Not cashable. ' : ''}${cost.placementFee ? 'Placement price (an actual price replaces it). ' : ''}${ages}${cost.note ?? ''}`.trim(),
    });
  }
  for (const event of model.eventCosts ?? []) {
    modelRow({
      group: 'Event costs',
      input: event.id,
      label: `${event.label} (${list(event.from)} to ${list(event.to)})`,
      value: describeDistribution(event.amount),
      central: distributionMean(event.amount),
      unit: '£ each time',
      agency: agencyLabel(event.agency),
      source: event.source,
      note: `${event.cashable === false ? 'Not cashable. ' : ''}${event.note ?? ''}`.trim(),
    });
  }
  for (const iv of model.interventions ?? []) {
    const eligibility = `Eligible: ${list(iv.eligibility.states)}, ages ${iv.eligibility.minAgeYears ?? 0} to ${iv.eligibility.maxAgeYears ?? 'any'}.`;
    if (iv.cost.oneOff !== undefined) {
      modelRow({ group: 'Interventions', input: `${iv.id}:one_off`, label: `${iv.label}: one-off cost`, value: describeDistribution(iv.cost.oneOff), central: distributionMean(iv.cost.oneOff), unit: '£ a place', agency: agencyLabel(iv.cost.agency), source: iv.source, note: eligibility });
    }
    if (iv.cost.perWeek !== undefined) {
      modelRow({ group: 'Interventions', input: `${iv.id}:per_week`, label: `${iv.label}: weekly cost`, value: describeDistribution(iv.cost.perWeek), central: distributionMean(iv.cost.perWeek), unit: '£ a week', agency: agencyLabel(iv.cost.agency), source: iv.source, note: eligibility });
    }
    modelRow({ group: 'Interventions', input: `${iv.id}:duration`, label: `${iv.label}: duration`, value: String(iv.cost.durationMonths), central: iv.cost.durationMonths, unit: 'months', source: iv.source, note: `Effects last ${iv.effectDurationMonths ?? iv.cost.durationMonths} months.` });
    iv.effects.forEach((effect, k) => {
      modelRow({
        group: 'Interventions',
        input: `${iv.id}:effect_${k + 1}`,
        label: `${iv.label}: effect ${k + 1} on ${list(effect.from)} to ${list(effect.to)}`,
        value: describeDistribution(effect.multiplier),
        central: distributionMean(effect.multiplier),
        unit: 'multiplier on the monthly rate',
        source: iv.source,
        note: k === 0 ? (iv.note ?? '') : '',
      });
    });
  }
  for (const [k, transition] of (model.ageTransitions ?? []).entries()) {
    modelRow({
      group: 'Birthday transitions',
      input: `age_transition_${k + 1}`,
      label: `At ${transition.atAgeYears}, from ${list(transition.from)}`,
      value: Object.entries(transition.to)
        .map(([to, p]) => `${to} ${number(p)}`)
        .join('; '),
      unit: 'probability',
      source: transition.source ?? model.transitionSources[0]?.source,
    });
  }
  const transitionSource = model.transitionSources.map((s) => s.source).join(', ');
  const transitionNote = model.transitionSources.map((s) => `${s.describes} (${s.source})`).join('; ');
  if (withheld) {
    modelRow({ group: 'Monthly transition rates', input: 'transitions', label: 'Monthly transition rates and leaving care at 18', value: 'withheld', source: transitionSource, sourceTitle: 'See the model’s transition sources', note: MODEL_WITHHELD_NOTE });
  }
  for (const band of model.ageBands) {
    for (const [from, row] of Object.entries(model.transitions[band.id] ?? {})) {
      rows.push({
        part: 'model',
        group: 'Monthly transition rates',
        input: `${band.id}:${from}`,
        label: `Ages ${band.fromYears} to ${band.toYears - 1}, from ${from}`,
        value: Object.entries(row)
          .map(([to, p]) => `${to} ${number(p)}`)
          .join('; '),
        central: null,
        unit: 'monthly probability',
        agency: '',
        source: transitionSource,
        sourceTitle: 'See the model’s transition sources',
        priceYear: '',
        note: band.id === model.ageBands[0].id && from === Object.keys(model.transitions[band.id] ?? {})[0] ? transitionNote : '',
      });
    }
  }

  const authors = `scenario ${run.scenario.id} ${run.scenario.version}`;
  const scenarioRow = (row: Partial<AssumptionRow> & { group: string; input: string; label: string; value: string }) =>
    rows.push(moneyCentral({ part: 'scenario', central: null, unit: '', agency: '', source: authors, sourceTitle: 'The scenario’s authors', priceYear: '', note: '', ...row }));
  scenarioRow({ group: 'Scenario', input: 'id', label: 'Scenario', value: `${scenario.id} ${scenario.version}: ${scenario.name}`, note: `${scenario.description ?? ''} Content hash ${run.scenario.hash}.`.trim() });
  scenarioRow({ group: 'Scenario', input: 'model', label: 'Model named', value: `${scenario.model.id}${scenario.model.version ? ` ${scenario.model.version}` : ' (newest version)'}` });
  const filter = scenario.cohort;
  const filterText = [
    filter.careStates ? `care states ${list(filter.careStates)}` : '',
    filter.minAge !== undefined ? `aged at least ${filter.minAge}` : '',
    filter.maxAge !== undefined ? `aged at most ${filter.maxAge}` : '',
    filter.tiers ? `tiers ${filter.tiers.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  scenarioRow({ group: 'Cohort', input: 'cohort', label: 'Young people on record included', value: filterText || 'everyone on record', note: `The cohort is identified by a hash of its members’ numeric inputs (${run.cohort.hash}); no record is in this pack.` });
  scenarioRow({ group: 'Horizon', input: 'firstYear', label: 'First planning year', value: scenario.firstYear });
  scenarioRow({ group: 'Horizon', input: 'planningYears', label: 'Planning years', value: String(run.result.planningYears), central: run.result.planningYears, unit: 'years' });
  scenarioRow({ group: 'Horizon', input: 'lifetimeYears', label: 'Years followed for invest-to-save', value: String(run.result.lifetimeYears), central: run.result.lifetimeYears, unit: 'years' });
  // Runs stored before the convention was recorded followed a closed cohort.
  const appraisal = run.result.appraisal ?? { convention: 'closed_cohort', description: 'Closed cohort: new entrants arrive in the planning years only.' };
  scenarioRow({ group: 'Appraisal', input: 'appraisal', label: 'Appraisal convention', value: appraisal.convention.replace('_', ' '), note: appraisal.description });
  scenarioRow({
    group: 'Appraisal',
    input: 'bases',
    label: 'Money bases',
    value: `${model.currency}, ${model.priceBaseYear} prices`,
    note: `Spend by year and savings in the planning years are cash: undiscounted, in ${model.priceBaseYear} prices (real terms). Net present value, benefits, costs, the benefit-cost ratio and return on investment are present values, discounted to the first planning year (year 0 undiscounted) at the rates above. The benefit-cost ratio and return on investment are ratios of totals (expected PV of benefits over expected PV of costs); each run’s own ratio is shown for its spread only. Chances are given on the basis they are labelled with. Weekly prices are charged by calendar days ÷ 7. Money is rounded to the penny.`,
  });
  scenarioRow({ group: 'Runs', input: 'runs', label: 'Monte Carlo runs', value: String(run.runs), central: run.runs });
  scenarioRow({ group: 'Runs', input: 'seed', label: 'Seed', value: String(run.seed) });
  (scenario.entrants ?? []).forEach((band, k) => {
    const group = 'New entrants';
    const ages = `ages ${band.fromYears} to ${band.toYears - 1}`;
    scenarioRow({ group, input: `entrants_${k + 1}:population`, label: `Children in the area, ${ages}`, value: yearly(band.population), central: yearlyCentral(band.population), unit: 'children (population)' });
    scenarioRow({ group, input: `entrants_${k + 1}:rate`, label: `New entrants a year per 10,000 children, ${ages}`, value: yearly(band.ratePer10000), central: yearlyCentral(band.ratePer10000), unit: 'per 10,000 a year' });
    scenarioRow({
      group,
      input: `entrants_${k + 1}:starting_states`,
      label: `Where new entrants start, ${ages}`,
      value: Object.entries(band.startingStates)
        .map(([state, share]) => `${state} ${number(share)}`)
        .join('; '),
      unit: 'shares',
    });
  });
  (scenario.capacity ?? []).forEach((limit, k) => {
    scenarioRow({ group: 'Capacity', input: `capacity_${k + 1}`, label: `Places in ${limit.state} (overflow to ${limit.overflowTo})`, value: yearly(limit.places), central: yearlyCentral(limit.places), unit: 'places' });
  });
  const strategy = scenario.strategy;
  scenarioRow({ group: 'Strategy', input: 'name', label: 'Strategy', value: strategy.name });
  for (const iv of strategy.interventions ?? []) {
    const details = [
      iv.weeklyPrice !== undefined ? `weekly price £${number(iv.weeklyPrice)}` : '',
      iv.oneOffPrice !== undefined ? `one-off price £${number(iv.oneOffPrice)}` : '',
      iv.startYear ? `from ${iv.startYear}` : '',
      iv.eligibleStates ? `for ${list(iv.eligibleStates)}` : '',
      iv.minAge !== undefined || iv.maxAge !== undefined ? `ages ${iv.minAge ?? 0} to ${iv.maxAge ?? 'any'}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    scenarioRow({ group: 'Strategy: interventions', input: `${iv.id}:capacity`, label: `${iv.id}: places a year`, value: yearly(iv.capacityPerYear), central: yearlyCentral(iv.capacityPerYear), unit: 'places a year', note: details });
  }
  for (const change of strategy.unitPriceChanges ?? []) {
    scenarioRow({
      group: 'Strategy: unit prices',
      input: change.unitCost,
      label: `Price of ${change.unitCost}`,
      value: change.multiplier !== undefined ? `× ${number(change.multiplier)}` : `£${number(change.weeklyPrice ?? 0)} a week`,
      central: change.multiplier ?? change.weeklyPrice ?? null,
      unit: change.multiplier !== undefined ? 'multiplier' : '£ a week',
    });
  }
  for (const change of strategy.capacityChanges ?? []) {
    scenarioRow({ group: 'Strategy: capacity', input: change.state, label: `Places added in ${change.state}`, value: yearly(change.additionalPlaces), central: yearlyCentral(change.additionalPlaces), unit: 'places' });
  }
  (strategy.rateChanges ?? []).forEach((change, k) => {
    scenarioRow({
      group: 'Strategy: rates',
      input: `rate_change_${k + 1}`,
      label: change.label ?? `${list(change.from)} to ${list(change.to)}`,
      value: describeDistribution(change.multiplier),
      central: distributionMean(change.multiplier),
      unit: 'multiplier on the monthly rate',
      note: change.startYear ? `From ${change.startYear}` : '',
    });
  });
  (strategy.investment ?? []).forEach((item, k) => {
    scenarioRow({ group: 'Strategy: investment', input: `investment_${k + 1}`, label: item.label, value: `£${number(item.amount)} in ${item.year}`, central: item.amount, unit: '£', agency: agencyLabel(item.agency) });
  });
  fundingRows(scenario.funding, scenarioRow);
  if (scenario.expectation) scenarioRow({ group: 'Scenario', input: 'expectation', label: 'What the authors expect, and why', value: scenario.expectation });
  return rows;
}

type ScenarioRow = (row: Partial<AssumptionRow> & { group: string; input: string; label: string; value: string }) => void;

/**
 * Every funding input (issue 16) as it was given: organisations and the agency shares they hold
 * (by year for a phased move), the pooled budget, each outcomes contract, each income line and
 * the reinvestment share. Money in pounds, shares as fractions (the value column also in words).
 */
function fundingRows(funding: PackRun['scenario']['spec']['funding'], row: ScenarioRow): void {
  if (!funding) return;
  const pounds = (x: number) => `£${number(x)}`;
  const percent = (x: number) => `${number(x * 100)}%`;
  const yearlyPounds = (v: number | number[]) => (Array.isArray(v) ? v.map(pounds).join(', ') : pounds(v));
  const yearlyPercent = (v: number | number[]) => (Array.isArray(v) ? v.map(percent).join(', ') : percent(v));
  const byYear = ' (one per year from the first; the last carries on)';
  for (const org of funding.organisations ?? []) {
    const group = 'Funding: organisations';
    row({ group, input: `${org.id}:name`, label: `Organisation ${org.id}`, value: org.name });
    for (const held of org.holds) {
      row({ group, input: `${org.id}:${held.agency}`, label: `${org.name}: share of ${agencyLabel(held.agency)} held`, value: yearlyPercent(held.share), central: yearlyCentral(held.share), unit: 'share', agency: agencyLabel(held.agency), note: Array.isArray(held.share) ? `By year${byYear}` : '' });
    }
  }
  const pool = funding.pooledBudget;
  if (pool) {
    const group = 'Funding: pooled budget';
    row({ group, input: 'pool:services', label: 'Services the pool pays for', value: list(pool.services) });
    row({ group, input: 'pool:annualBudget', label: 'Planned budget a year', value: yearlyPounds(pool.annualBudget), central: yearlyCentral(pool.annualBudget), unit: '£ a year', note: Array.isArray(pool.annualBudget) ? `By year${byYear}` : '' });
    for (const partner of pool.partners) {
      row({ group, input: `pool:${partner.organisation}:contribution`, label: `${partner.organisation}: contribution share`, value: percent(partner.contribution), central: partner.contribution, unit: 'share' });
      row({ group, input: `pool:${partner.organisation}:riskShare`, label: `${partner.organisation}: risk share (over- and underspend)`, value: percent(partner.riskShare), central: partner.riskShare, unit: 'share' });
    }
  }
  for (const c of funding.outcomesContracts ?? []) {
    const group = `Funding: outcomes contract ${c.id}`;
    row({ group, input: `${c.id}:services`, label: 'Services the investor funds', value: list(c.services) });
    row({ group, input: `${c.id}:outcome`, label: 'Outcome paid for', value: c.outcome });
    row({ group, input: `${c.id}:pricePerOutcome`, label: 'Price per outcome', value: pounds(c.pricePerOutcome), central: c.pricePerOutcome, unit: '£ an outcome' });
    row({ group, input: `${c.id}:basis`, label: 'Basis', value: c.basis.replaceAll('_', ' ') });
    if (c.historicalBaseline !== undefined) row({ group, input: `${c.id}:historicalBaseline`, label: 'Historical baseline', value: yearly(c.historicalBaseline), central: yearlyCentral(c.historicalBaseline), unit: 'care weeks a year' });
    if (c.cap !== undefined) row({ group, input: `${c.id}:cap`, label: 'Total payments cap', value: pounds(c.cap), central: c.cap, unit: '£' });
    if (c.annualCap !== undefined) row({ group, input: `${c.id}:annualCap`, label: 'Payments cap a year', value: pounds(c.annualCap), central: c.annualCap, unit: '£ a year' });
    row({ group, input: `${c.id}:paymentLagYears`, label: 'Payment lag', value: String(c.paymentLagYears ?? 1), central: c.paymentLagYears ?? 1, unit: 'years' });
    row({ group, input: `${c.id}:contractYears`, label: 'Contract years', value: String(c.contractYears), central: c.contractYears, unit: 'years' });
  }
  for (const line of funding.income ?? []) {
    const group = `Funding: income ${line.id}`;
    const note = [line.label ?? '', line.source ? `Source: ${line.source}` : ''].filter(Boolean).join('. ');
    row({ group, input: `${line.id}:kind`, label: `${line.kind.replaceAll('_', ' ')} to ${line.to}`, value: line.kind.replaceAll('_', ' '), note });
    for (const a of line.amounts ?? []) row({ group, input: `${line.id}:amount_${a.year}`, label: `Amount in ${a.year}`, value: pounds(a.amount), central: a.amount, unit: '£' });
    if (line.condition) row({ group, input: `${line.id}:condition`, label: 'Condition', value: `Received only if the strategy commissions ${line.condition.commissions}` });
    if (line.outcome !== undefined) row({ group, input: `${line.id}:outcome`, label: 'Outcome paid for', value: line.outcome });
    if (line.ratePerOutcome !== undefined) row({ group, input: `${line.id}:ratePerOutcome`, label: 'Rate per outcome', value: pounds(line.ratePerOutcome), central: line.ratePerOutcome, unit: '£ an outcome' });
    if (line.basis !== undefined) row({ group, input: `${line.id}:basis`, label: 'Basis', value: line.basis.replaceAll('_', ' ') });
    if (line.historicalBaseline !== undefined) row({ group, input: `${line.id}:historicalBaseline`, label: 'Historical baseline', value: yearly(line.historicalBaseline), central: yearlyCentral(line.historicalBaseline), unit: 'care weeks a year' });
    if (line.cap !== undefined) row({ group, input: `${line.id}:cap`, label: 'Total cap', value: pounds(line.cap), central: line.cap, unit: '£' });
    if (line.annualCap !== undefined) row({ group, input: `${line.id}:annualCap`, label: 'Cap a year', value: pounds(line.annualCap), central: line.annualCap, unit: '£ a year' });
    if (line.kind === 'payment_by_results') row({ group, input: `${line.id}:paymentLagYears`, label: 'Payment lag', value: String(line.paymentLagYears ?? 1), central: line.paymentLagYears ?? 1, unit: 'years' });
    if (line.measurementYears !== undefined) row({ group, input: `${line.id}:measurementYears`, label: 'Years measured', value: String(line.measurementYears), central: line.measurementYears, unit: 'years' });
  }
  if (funding.reinvestment) {
    row({ group: 'Funding: reinvestment', input: 'reinvestment:share', label: funding.reinvestment.label ?? 'Share of each year’s net cashable saving reinvested from the next year', value: percent(funding.reinvestment.share), central: funding.reinvestment.share, unit: 'share' });
  }
}

export function sourceRows(run: PackRun): Array<{ id: string; title: string; publisher: string; year: string; url: string; note: string }> {
  return Object.entries(disclosedModel(run).model.sources).map(([id, s]) => ({ id, title: s.title, publisher: s.publisher, year: s.year ?? '', url: s.url ?? '', note: s.note ?? '' }));
}
