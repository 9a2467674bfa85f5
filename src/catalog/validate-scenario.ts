import { wholePenceError } from '../finance/money.ts';
import Ajv from 'ajv';
import type { CostModelSpec } from './model-schema.ts';
import { Scenario, type ScenarioSpec } from './scenario-schema.ts';
import { distributionFaults } from './distribution-rules.ts';
import { fundingErrors } from './validate-funding.ts';
import { parseFinancialYear } from '../finance/financial-year.ts';
import { selectorMask } from '../simulation/model.ts';
import { oneReasonAField, validationErrors } from '../schemas/validation-words.ts';

/**
 * Checks a scenario against its schema and against the model it names: known states,
 * interventions and unit costs; rates that are rates; shares that sum to 1; capacities that
 * stay non-negative and do not overlap; horizons the model can follow. Every error names its
 * field as a JSON pointer.
 */
export interface ScenarioError {
  field: string;
  reason: string;
}

const ajv = new Ajv.default({ allErrors: true, strict: false });
const checkSchema = ajv.compile(Scenario);

/** The scenario's schema errors, each a field (a JSON pointer) and a reason in words. */
export function schemaErrorsOf(input: unknown): ScenarioError[] {
  if (checkSchema(input)) return [];
  return validationErrors('', checkSchema.errors ?? [], { input, schema: Scenario });
}

/**
 * Checks a scenario against its schema and the model it names (undefined: the catalog has no
 * such model, answered as the only error, with `unknownModel` set so that callers may word it
 * their own way).
 */
export function validateScenario(
  input: unknown,
  model: CostModelSpec | undefined,
): { ok: true; scenario: ScenarioSpec } | { ok: false; errors: ScenarioError[]; unknownModel?: true } {
  const schemaErrors = schemaErrorsOf(input);
  if (schemaErrors.length) return { ok: false, errors: schemaErrors };
  const scenario = input as ScenarioSpec;
  const errors: ScenarioError[] = [];
  const push = (field: string, reason: string) => errors.push({ field, reason });
  if (!model) {
    push('/model/id', `unknown model ${scenario.model.id}${scenario.model.version ? ` ${scenario.model.version}` : ''}`);
    return { ok: false, errors, unknownModel: true };
  }
  const stateIds = model.states.map((s) => s.id);
  const state = (id: string, field: string) => {
    if (!stateIds.includes(id)) push(field, `unknown state "${id}" in model ${model.id}`);
    return stateIds.indexOf(id);
  };
  const selector = (ids: string[], field: string) => {
    try {
      selectorMask(model, ids);
    } catch (error) {
      push(field, `${(error as Error).message} in model ${model.id}`);
    }
  };

  const first = parseFinancialYear(scenario.firstYear);
  if (first === undefined) push('/firstYear', 'is not a financial year like 2026-27');
  const planningYears = scenario.planningYears ?? 5;
  const lifetimeYears = scenario.lifetimeYears ?? 20;
  if (lifetimeYears < planningYears) push('/lifetimeYears', `must be at least the planning horizon (${planningYears} years)`);
  if (lifetimeYears > model.horizonAgeYears) push('/lifetimeYears', `is beyond the model: it follows people only to age ${model.horizonAgeYears}`);
  const yearIndex = (label: string | undefined, field: string, limit: number) => {
    if (label === undefined || first === undefined) return 0;
    const year = parseFinancialYear(label);
    if (year === undefined) {
      push(field, 'is not a financial year like 2026-27');
      return 0;
    }
    if (year < first || year >= first + limit) push(field, `must fall within ${scenario.firstYear} and the following ${limit - 1} years`);
    return year - first;
  };
  const yearlyLength = (value: number | number[], field: string) => {
    if (Array.isArray(value) && value.length > lifetimeYears) push(field, `has ${value.length} yearly values for a ${lifetimeYears}-year horizon`);
  };

  // Cohort.
  (scenario.cohort.careStates ?? []).forEach((id, k) => {
    state(id, `/cohort/careStates/${k}`);
  });
  // A team named twice is a slip (the second adds nobody); ids compare ignoring case, as a UUID does.
  const teamsSeen = new Map<string, number>();
  (scenario.cohort.teams ?? []).forEach((team, k) => {
    const key = team.toLowerCase();
    const earlier = teamsSeen.get(key);
    if (earlier !== undefined) push(`/cohort/teams/${k}`, `repeats cohort/teams/${earlier} (${team}): name each team once`);
    else teamsSeen.set(key, k);
  });
  if (scenario.cohort.minAge !== undefined && scenario.cohort.maxAge !== undefined && scenario.cohort.minAge > scenario.cohort.maxAge) {
    push('/cohort/minAge', 'must not exceed maxAge');
  }

  // Entrants.
  const bands = scenario.entrants ?? [];
  bands.forEach((band, b) => {
    const field = `/entrants/${b}`;
    if (band.toYears <= band.fromYears) push(`${field}/toYears`, 'must be above fromYears');
    if (band.toYears > model.horizonAgeYears) push(`${field}/toYears`, `is beyond the model's horizon age of ${model.horizonAgeYears}`);
    const rates = Array.isArray(band.ratePer10000) ? band.ratePer10000 : [band.ratePer10000];
    rates.forEach((rate, k) => {
      if (rate > 10_000) push(Array.isArray(band.ratePer10000) ? `${field}/ratePer10000/${k}` : `${field}/ratePer10000`, 'is not a rate: more than 10,000 per 10,000 children');
    });
    yearlyLength(band.population, `${field}/population`);
    yearlyLength(band.ratePer10000, `${field}/ratePer10000`);
    const shares = Object.entries(band.startingStates);
    if (shares.length === 0) push(`${field}/startingStates`, 'needs at least one state');
    const total = shares.reduce((sum, [, share]) => sum + share, 0);
    if (shares.length && Math.abs(total - 1) > 1e-6) push(`${field}/startingStates`, `shares sum to ${Number(total.toFixed(6))}, not 1`);
    for (const [id, share] of shares) {
      const s = state(id, `${field}/startingStates/${id}`);
      if (s < 0 || share === 0) continue;
      const spec = model.states[s];
      if ((spec.minAgeYears ?? 0) > band.fromYears || (spec.maxAgeYears ?? 1000) < band.toYears) {
        push(`${field}/startingStates/${id}`, `"${id}" is not open to every age in ${band.fromYears}-${band.toYears}`);
      }
    }
    bands.forEach((other, o) => {
      if (o > b && other.fromYears < band.toYears && band.fromYears < other.toYears) push(`/entrants/${o}`, `overlaps the age band of entrants/${b}`);
    });
  });

  // Capacity limits (both variants) and the strategy's changes to them.
  const capacityStates = new Map<string, number>();
  (scenario.capacity ?? []).forEach((limit, k) => {
    const field = `/capacity/${k}`;
    const limited = state(limit.state, `${field}/state`);
    const overflow = state(limit.overflowTo, `${field}/overflowTo`);
    if (limit.overflowTo === limit.state) push(`${field}/overflowTo`, 'must differ from the limited state');
    else if (limited >= 0 && overflow >= 0) {
      // A child who finds no place is placed elsewhere, not sent home or made an adult: the
      // overflow must be a placement of the same kind, open to every age the limited state is.
      const ls = model.states[limited];
      const os = model.states[overflow];
      const inCare = (spec: typeof ls) => (spec.flags ?? []).includes('in_care');
      if (inCare(ls) && !inCare(os)) push(`${field}/overflowTo`, `"${limit.overflowTo}" is not a care placement: a child looked after who finds no place in "${limit.state}" must be placed somewhere`);
      else if ((os.minAgeYears ?? 0) > (ls.minAgeYears ?? 0) || (os.maxAgeYears ?? 1000) < (ls.maxAgeYears ?? 1000)) {
        push(`${field}/overflowTo`, `"${limit.overflowTo}" is not open to every age "${limit.state}" is`);
      }
    }
    if (capacityStates.has(limit.state)) push(`${field}/state`, `overlaps capacity/${capacityStates.get(limit.state)}: one limit per state`);
    capacityStates.set(limit.state, k);
    yearlyLength(limit.places, `${field}/places`);
  });
  // A child refused a place goes to the overflow state at once, without competing: it cannot have places of its own.
  (scenario.capacity ?? []).forEach((limit, k) => {
    if (capacityStates.has(limit.overflowTo)) push(`/capacity/${k}/overflowTo`, `has its own capacity limit (capacity/${capacityStates.get(limit.overflowTo)}): the overflow must be a state without one`);
  });
  const strategy = scenario.strategy;
  (strategy.capacityChanges ?? []).forEach((change, k) => {
    const field = `/strategy/capacityChanges/${k}`;
    const limitIndex = capacityStates.get(change.state);
    if (limitIndex === undefined) {
      push(`${field}/state`, `has no capacity limit to change (add one under capacity)`);
      return;
    }
    const limit = (scenario.capacity ?? [])[limitIndex];
    for (let y = 0; y < lifetimeYears; y++) {
      const places = yearly(limit.places, y) + yearly(change.additionalPlaces, y);
      if (places < 0) {
        push(`${field}/additionalPlaces`, `would leave ${places} places in year ${y + 1}: capacity cannot be negative`);
        break;
      }
    }
  });

  // Money in whole pence: a fraction of a penny is refused, never rounded silently.
  const wholePence = (amount: number, field: string) => {
    const error = wholePenceError(amount, field);
    if (error) push(error.field, error.reason);
  };
  // Strategy.
  const interventionIds = (model.interventions ?? []).map((iv) => iv.id);
  const seenInterventions = new Set<string>();
  (strategy.interventions ?? []).forEach((iv, k) => {
    const field = `/strategy/interventions/${k}`;
    if (!interventionIds.includes(iv.id)) push(`${field}/id`, `unknown intervention "${iv.id}" in model ${model.id}; known: ${interventionIds.join(', ')}`);
    if (seenInterventions.has(iv.id)) push(`${field}/id`, 'is commissioned twice: one entry per intervention');
    seenInterventions.add(iv.id);
    if (iv.eligibleStates) selector(iv.eligibleStates, `${field}/eligibleStates`);
    if (iv.minAge !== undefined && iv.maxAge !== undefined && iv.minAge >= iv.maxAge) push(`${field}/maxAge`, 'must be above minAge');
    yearIndex(iv.startYear, `${field}/startYear`, planningYears);
    yearlyLength(iv.capacityPerYear, `${field}/capacityPerYear`);
    if (iv.weeklyPrice !== undefined) wholePence(iv.weeklyPrice, `${field}/weeklyPrice`);
    if (iv.oneOffPrice !== undefined) wholePence(iv.oneOffPrice, `${field}/oneOffPrice`);
  });
  const unitCostIds = model.unitCosts.map((c) => c.id);
  const seenPriceChanges = new Set<string>();
  (strategy.unitPriceChanges ?? []).forEach((change, k) => {
    const field = `/strategy/unitPriceChanges/${k}`;
    const cost = model.unitCosts.find((c) => c.id === change.unitCost);
    if (!cost) push(`${field}/unitCost`, `unknown unit cost "${change.unitCost}"; known: ${unitCostIds.join(', ')}`);
    if ((change.multiplier === undefined) === (change.weeklyPrice === undefined)) push(field, 'give exactly one of multiplier or weeklyPrice');
    if (cost && change.weeklyPrice !== undefined && cost.per !== 'week') push(`${field}/weeklyPrice`, `"${cost.id}" is priced per ${cost.per}; use a multiplier`);
    if (change.weeklyPrice !== undefined) wholePence(change.weeklyPrice, `${field}/weeklyPrice`);
    if (seenPriceChanges.has(change.unitCost)) push(`${field}/unitCost`, `"${change.unitCost}" is changed twice: one change per unit cost`);
    seenPriceChanges.add(change.unitCost);
  });
  const rateChangeEntries = [
    ...(scenario.rateChanges ?? []).map((change, k) => ({ change, field: `/rateChanges/${k}` })),
    ...(strategy.rateChanges ?? []).map((change, k) => ({ change, field: `/strategy/rateChanges/${k}` })),
  ];
  rateChangeEntries.forEach(({ change, field }) => {
    selector(change.from, `${field}/from`);
    selector(change.to, `${field}/to`);
    errors.push(...distributionFaults(change.multiplier, `${field}/multiplier`, 'multiplier'));
    yearIndex(change.startYear, `${field}/startYear`, lifetimeYears);
  });
  (strategy.investment ?? []).forEach((item, k) => {
    yearIndex(item.year, `/strategy/investment/${k}/year`, lifetimeYears);
    wholePence(item.amount, `/strategy/investment/${k}/amount`);
  });
  errors.push(...fundingErrors(scenario, model));
  // One entry a field, as a model's check answers ("mode 0.5 is below min 1, and ... above max 0.2").
  if (errors.length) return { ok: false, errors: oneReasonAField(errors) };
  return { ok: true, scenario };
}

/** A yearly figure for year index y: one number for all years, or a list whose last value carries on. */
export function yearly(value: number | number[], y: number): number {
  if (!Array.isArray(value)) return value;
  return value[Math.min(y, value.length - 1)];
}
