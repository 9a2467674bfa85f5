import { monthLabel } from '../calibration/dates.ts';
import { wholePenceError } from '../finance/money.ts';
import type { SimulationModel } from '../simulation/model.ts';
import type { EnginePlan } from '../simulation/projection.ts';
import type { FieldError } from './errors.ts';

/**
 * A care plan as people write it (state and intervention ids, months from today) checked
 * against a model and turned into the engine's numeric form. Pure: used by the analysts'
 * runProjection, by care plans and by scenarios.
 */
export interface PlanInput {
  /** Defaults to the young person's current state. */
  startState?: string | undefined;
  moves?: Array<{ month: number; to: string; fromStates?: string[] | undefined }> | undefined;
  interventions?: Array<{ id: string; startMonth: number }> | undefined;
  /** Weekly prices for states this plan places the young person in (a step-down's agreed price). */
  prices?: Array<{ state: string; weeklyPrice: number }> | undefined;
  /** The actual weekly price of today's placement, while the young person stays in it. */
  currentPlacementWeeklyPrice?: number | null | undefined;
  /** Dated changes to that price (history and scheduled uplifts), in date order. */
  currentPlacementPriceChanges?: Array<{ from: string; weeklyPrice: number }> | undefined;
}

export interface PlanContext {
  /** Age in months at month 0. */
  ageMonths: number;
  /** Months projected (to the horizon). */
  months: number;
  /** The young person's state today, used when the plan gives none. */
  currentState?: string | undefined;
  /**
   * Where currentState came from, when the caller sent it (runProjection's body/state): a fault
   * in it is named there, not at the startState of a plan that never gave one.
   */
  currentStateField?: string | undefined;
  /** JSON pointer prefix for error fields, e.g. "body/plans/1". */
  field: string;
  /**
   * Month 0 as year × 12 + month − 1, where the plan's currentPlacementPriceChanges are the
   * caller's own (runProjection): each must then be dated before the month today's placement
   * ends (placementEnd). Absent where the changes come from the record, checked there.
   */
  startMonthIndex?: number | undefined;
}

const years = (months: number) => `${Math.floor(months / 12)} years ${months % 12} months`;

export function resolvePlan(model: SimulationModel, input: PlanInput, context: PlanContext): { plan: EnginePlan; errors: [] } | { plan: null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const stateIndex = (id: string, field: string): number => {
    const index = model.stateIds.indexOf(id);
    if (index < 0) errors.push({ field, reason: `unknown state "${id}" in model ${model.id}` });
    return index;
  };
  const fitsAge = (state: number, ageMonths: number, field: string, what: string) => {
    if (state < 0) return;
    if (ageMonths < model.minAgeMonths[state] || ageMonths >= model.maxAgeMonths[state]) {
      const limits =
        model.maxAgeMonths[state] < 1000 * 12
          ? `${model.minAgeMonths[state] / 12} to ${model.maxAgeMonths[state] / 12}`
          : `${model.minAgeMonths[state] / 12} and over`;
      errors.push({ field, reason: `${what} "${model.stateIds[state]}" is for ages ${limits}; the young person would be ${years(ageMonths)}` });
    }
  };

  const startId = input.startState ?? context.currentState;
  if (startId === undefined) {
    errors.push({ field: `${context.field}/startState`, reason: 'is required (the young person has no current state)' });
    return { plan: null, errors };
  }
  const startField = input.startState === undefined && context.currentStateField !== undefined ? context.currentStateField : `${context.field}/startState`;
  const startState = stateIndex(startId, startField);
  fitsAge(startState, context.ageMonths, startField, 'state');

  const moves = (input.moves ?? []).map((move, k) => {
    const field = `${context.field}/moves/${k}`;
    if (move.month < 1) errors.push({ field: `${field}/month`, reason: 'must be 1 or later (month 0 is the starting state)' });
    if (move.month >= context.months) {
      errors.push({ field: `${field}/month`, reason: `is beyond the horizon: the projection has ${context.months} months (to age ${model.horizonAgeMonths / 12})` });
    }
    const to = stateIndex(move.to, `${field}/to`);
    if (move.month >= 1 && move.month < context.months) fitsAge(to, context.ageMonths + move.month, `${field}/to`, 'a move into');
    const fromStates = move.fromStates === undefined ? null : move.fromStates.map((id, j) => stateIndex(id, `${field}/fromStates/${j}`));
    return { month: move.month, to, fromStates };
  });
  const sortedMonths = moves.map((m) => m.month);
  sortedMonths.forEach((month, k) => {
    if (k > 0 && month <= sortedMonths[k - 1]) errors.push({ field: `${context.field}/moves/${k}/month`, reason: 'moves must be in month order, one per month' });
  });

  /** The state the plan intends at a month: the start, then each move's target from its month. */
  const plannedStateAt = (month: number) => {
    let state = startState;
    for (const move of moves) if (move.month <= month) state = move.to;
    return state;
  };

  const interventions = (input.interventions ?? []).map((start, k) => {
    const field = `${context.field}/interventions/${k}`;
    const intervention = model.interventions.findIndex((iv) => iv.id === start.id);
    if (intervention < 0) {
      errors.push({ field: `${field}/id`, reason: `unknown intervention "${start.id}" in model ${model.id}` });
      return { intervention, startMonth: start.startMonth };
    }
    if (start.startMonth < 0 || start.startMonth >= context.months) {
      errors.push({ field: `${field}/startMonth`, reason: `must be within the projection (0 to ${context.months - 1})` });
      return { intervention, startMonth: start.startMonth };
    }
    const rule = model.interventions[intervention];
    const age = context.ageMonths + start.startMonth;
    const planned = plannedStateAt(start.startMonth);
    if (age < rule.minAgeMonths || age >= rule.maxAgeMonths) {
      errors.push({ field, reason: `"${rule.id}" is for ages ${rule.minAgeMonths / 12} to ${rule.maxAgeMonths / 12}; the young person would be ${years(age)}` });
    } else if (planned >= 0 && !rule.eligible[planned]) {
      const eligible = model.stateIds.filter((_, s) => rule.eligible[s]).join(', ');
      errors.push({ field, reason: `"${rule.id}" is for young people in ${eligible}; in month ${start.startMonth} the plan has them in ${model.stateIds[planned]}` });
    }
    return { intervention, startMonth: start.startMonth };
  });
  const seen = new Set<string>();
  (input.interventions ?? []).forEach((start, k) => {
    const key = `${start.id}@${start.startMonth}`;
    if (seen.has(key)) errors.push({ field: `${context.field}/interventions/${k}`, reason: 'the same intervention twice in the same month' });
    seen.add(key);
  });
  if (new Set(interventions.map((i) => i.intervention)).size > 6) {
    errors.push({ field: `${context.field}/interventions`, reason: 'at most 6 different interventions in one plan' });
  }

  // Money is stored and costed in whole pence: an amount with a fraction of a penny is refused,
  // never rounded silently (the same rule as young people's placements and services).
  const wholePence = (amount: number, field: string) => {
    const error = wholePenceError(amount, field);
    if (error) errors.push(error);
  };
  const priced = new Set<number>();
  const statePrices = (input.prices ?? []).map((price, k) => {
    const state = stateIndex(price.state, `${context.field}/prices/${k}/state`);
    wholePence(price.weeklyPrice, `${context.field}/prices/${k}/weeklyPrice`);
    if (state >= 0 && priced.has(state)) errors.push({ field: `${context.field}/prices/${k}/state`, reason: `"${price.state}" is priced twice; give one weekly price per state` });
    priced.add(state);
    return { state, weeklyPrice: price.weeklyPrice };
  });
  const current = input.currentPlacementWeeklyPrice ?? null;
  if (current !== null) wholePence(current, `${context.field}/currentPlacementWeeklyPrice`);
  if (current !== null && startState >= 0 && !model.isPlacement[startState]) {
    errors.push({ field: `${context.field}/currentPlacementWeeklyPrice`, reason: `"${model.stateIds[startState]}" is not a placement, so it has no weekly price` });
  }
  const changes = input.currentPlacementPriceChanges ?? [];
  if (changes.length > 0 && current === null) {
    errors.push({ field: `${context.field}/currentPlacementPriceChanges`, reason: 'changes the price of today’s placement, so needs currentPlacementWeeklyPrice (the price before the first change)' });
  }
  // Checked only where the start is a priced placement and it and the moves passed their own
  // checks (an end worked out from a refused start or move would be a second, misleading error).
  const refused = (prefix: string) => errors.some((e) => e.field.startsWith(prefix));
  const ended =
    context.startMonthIndex !== undefined && current !== null && startState >= 0 && model.isPlacement[startState] === 1 && !refused(`${context.field}/startState`) && !refused(`${context.field}/moves/`)
      ? placementEnd(model, startState, moves, context)
      : null;
  const endLabel = ended === null ? null : `${monthLabel((context.startMonthIndex as number) + ended.months)}-01`;
  changes.forEach((change, k) => {
    const field = `${context.field}/currentPlacementPriceChanges/${k}`;
    if (k > 0 && change.from <= changes[k - 1].from) errors.push({ field: `${field}/from`, reason: 'must be after the previous change' });
    // The mirror of a date after the placement: a year like 0027 for 2027 would charge the new
    // price from month 0. Start months are 1900 or later, and so are changes.
    else if (context.startMonthIndex !== undefined && change.from < '1900-01-01') errors.push({ field: `${field}/from`, reason: 'must be 1900-01-01 or later' });
    else if (endLabel !== null && change.from >= endLabel) {
      errors.push({ field: `${field}/from`, reason: `must be before ${endLabel}: ${(ended as { why: string }).why}` });
    }
    wholePence(change.weeklyPrice, `${field}/weeklyPrice`);
  });
  if (errors.length > 0) return { plan: null, errors };
  return {
    plan: { startState, moves, interventions, statePrices, currentPlacementWeeklyPrice: current, ...(current !== null && changes.length > 0 ? { currentPlacementPriceChanges: changes } : {}) },
    errors: [],
  };
}

/**
 * How many months from month 0 today's placement (the plan's start state, a placement the
 * young person's age allows) can last, and why no longer: until the plan's first move that
 * takes them out of it whatever has happened (the engine ends the actual price at any change of
 * placement), the age limit of its state (an age transition moves everyone out then), or the
 * horizon. A dated price change from that month on is for a placement that has ended: the
 * caller's own changes (runProjection) are refused then, as the records refuse a change from
 * the month the young person turns 26, since it is most likely a mistyped year. (Within a
 * financial year the engine charges the year's day-weighted price, so such a change, were it
 * taken, would still move the months before it in its year: one more reason to refuse it.)
 */
function placementEnd(model: SimulationModel, startState: number, moves: EnginePlan['moves'], context: PlanContext): { months: number; why: string } {
  const state = model.stateIds[startState];
  const ageLimit = model.maxAgeMonths[startState] - context.ageMonths;
  let planned = startState;
  for (let k = 0; k < moves.length; k++) {
    const move = moves[k];
    // Applies to someone still in today's placement: a move "from the planned state" while the
    // plan has them there, or one listing today's state among its fromStates. (Only before the
    // age limit: nobody is still there after it.)
    const applies = move.fromStates === null ? planned === startState : move.fromStates.includes(startState);
    if (applies && move.to !== startState && move.month < context.months && move.month < ageLimit) {
      return { months: move.month, why: `the plan's moves/${k} takes the young person out of ${state} that month, so today's placement has ended` };
    }
    planned = move.to;
  }
  if (ageLimit < context.months) {
    return { months: ageLimit, why: `the young person turns ${model.maxAgeMonths[startState] / 12} that month and leaves ${state} (the model's age limit), so today's placement has ended` };
  }
  return { months: context.months, why: `the first month after the projection (it ends at the model's horizon age of ${model.horizonAgeMonths / 12})` };
}
