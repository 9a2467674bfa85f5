import { absoluteMonth, financialYearLabel, financialYearStart } from '../finance/financial-year.ts';
import { weeklyDayCountFactors, weeklyPriceByFinancialYear } from '../finance/day-count.ts';
import { discountFactors } from '../finance/discounting.ts';
import { meanOf } from './distributions.ts';
import { type SimulationModel, WEEKS_PER_MONTH } from './model.ts';
import { type EnginePlan, type ProjectionRequest, projectionMonths } from './projection.ts';
import { scaleExits, settleStay } from './rows.ts';

/**
 * The exact expected cost of a plan with parameter uncertainty switched off: the distribution
 * over states is propagated month by month through the monthly transition matrices, and costs
 * are expectations under it. No random numbers, so it is the reference the Monte Carlo mean
 * must meet within its standard error.
 *
 * To mirror the engine exactly the chain is augmented: a state is (care state, still in today's
 * placement at its actual price, which interventions are active). Its size is
 * states × 2 × 2^interventions, small for any real plan.
 */

export interface ExpectedCost {
  /** Expected cost in each month, pounds, undiscounted. */
  byMonth: number[];
  byFinancialYear: Array<{ financialYear: string; cash: number; discounted: number }>;
  total: { cash: number; discounted: number };
  /** Expected person-months in each state. */
  monthsByState: Record<string, number>;
  monthsInCare: number;
  monthsResidential: number;
  placementMoves: number;
  /** Expected probability of being in each state, month by month. */
  stateProbabilities: number[][];
  /**
   * The probability of still being in today's placement (the start state, no move out of it or
   * within it yet), month by month: tracked when the plan has an actual price or when asked
   * (options.trackTodaysPlacement); otherwise zeros.
   */
  todaysPlacementByMonth: number[];
}

/** mathjs's test for zero in sparse matrices (absTol 1e-15), kept so the figures stay as they were. */
function nearlyZero(x: number): boolean {
  return Math.abs(x) <= Math.max(1e-12 * Math.abs(x), 1e-15);
}

interface Augmented {
  state: number;
  original: number;
  mask: number;
}

export function expectedCost(model: SimulationModel, request: ProjectionRequest, planIndex = 0, options: { trackTodaysPlacement?: boolean } = {}): ExpectedCost {
  const plan: EnginePlan = request.plans[planIndex];
  const nS = model.nStates;
  const months = projectionMonths(model, request);
  const interventions = [...new Set(plan.interventions.map((i) => i.intervention))];
  const nMasks = 1 << interventions.length;
  const size = nS * 2 * nMasks;
  const index = (x: Augmented) => (x.mask * 2 + x.original) * nS + x.state;
  const decode = (i: number): Augmented => ({ state: i % nS, original: Math.floor(i / nS) % 2, mask: Math.floor(i / (2 * nS)) });

  // The engine's day count: weekly prices per standard month, scaled to each financial year's days.
  const firstAbsolute = absoluteMonth(request.clock.startYear, request.clock.startMonth);
  const firstFy = financialYearStart(firstAbsolute);
  const nFy = financialYearStart(firstAbsolute + Math.max(1, months) - 1) - firstFy + 1;
  const weekScale = weeklyDayCountFactors(request.clock, nFy);
  // Price base "current": the model's own costs uprated; actual and agreed prices as given.
  const costScale = request.modelCostScale ?? 1;
  const scaleOfMonth = (m: number) => weekScale[financialYearStart(firstAbsolute + m) - firstFy];

  // Prices at their means, in pounds per month, for a given age (unit costs may apply only at
  // some ages): lines stated per month or year, and weekly lines per standard month.
  const priceByYear =
    plan.currentPlacementWeeklyPrice !== null && (plan.currentPlacementPriceChanges?.length ?? 0) > 0
      ? weeklyPriceByFinancialYear(request.clock, nFy, plan.currentPlacementWeeklyPrice, plan.currentPlacementPriceChanges ?? [])
      : null;
  const pricesAt = (age: number, scale: number, fy: number) => {
    const statePounds = new Float64Array(nS);
    const feePounds = new Float64Array(nS);
    const weeklyFeePounds = new Float64Array(nS);
    for (const c of model.unitCosts) {
      if (age < c.minAgeMonths || age >= c.maxAgeMonths) continue;
      const monthly = Math.max(0, meanOf(c.amount)) * costScale * c.toMonthly * (c.perWeek ? scale : 1);
      for (let s = 0; s < nS; s++) {
        if (!c.states[s]) continue;
        statePounds[s] += monthly;
        if (c.placementFee) (c.perWeek ? weeklyFeePounds : feePounds)[s] += monthly;
      }
    }
    for (const { state, weeklyPrice } of plan.statePrices) {
      statePounds[state] += weeklyPrice * WEEKS_PER_MONTH * scale - feePounds[state] - weeklyFeePounds[state];
      feePounds[state] = 0;
      weeklyFeePounds[state] = weeklyPrice * WEEKS_PER_MONTH * scale;
    }
    const originalDelta =
      plan.currentPlacementWeeklyPrice !== null && model.isPlacement[plan.startState]
        ? (priceByYear ? priceByYear[fy] : plan.currentPlacementWeeklyPrice) * WEEKS_PER_MONTH * scale - weeklyFeePounds[plan.startState] - feePounds[plan.startState]
        : 0;
    return { statePounds, originalDelta };
  };
  // Tracking today's placement without an actual price changes no cost: originalDelta is 0 then.
  const hasOriginal = (plan.currentPlacementWeeklyPrice !== null || options.trackTodaysPlacement === true) && model.isPlacement[plan.startState] === 1;

  /**
   * The monthly row for a state under a set of active interventions (the engine's rule). Rows
   * depend on age only through the band and the birthday rules, so each is built once.
   */
  const rows = new Map<number, Float64Array>();
  const rowFor = (age: number, s: number, mask: number): Float64Array => {
    const hasRule = model.ageTransitions.some((r) => r.ageMonths === age + 1 && r.appliesTo[s]);
    const key = ((hasRule ? age + 1 + model.nBands : model.bandOfAgeMonth[age]) * nS + s) * nMasks + mask;
    let row = rows.get(key);
    if (!row) {
      row = buildRow(age, s, mask);
      rows.set(key, row);
    }
    return row;
  };
  const buildRow = (age: number, s: number, mask: number): Float64Array => {
    const rule = model.ageTransitions.find((r) => r.ageMonths === age + 1 && r.appliesTo[s]);
    const p = new Float64Array(nS);
    if (rule) {
      p.set(rule.rows.subarray(s * nS, s * nS + nS));
      return p;
    }
    const band = model.bandOfAgeMonth[age];
    p.set(model.baseRows.subarray((band * nS + s) * nS, (band * nS + s) * nS + nS));
    let changed = false;
    for (const f of model.rateFactors) {
      if (!f.from[s]) continue;
      scaleExits(p, s, f.to, Math.max(0, meanOf(f.multiplier)));
      changed = true;
    }
    interventions.forEach((iv, bit) => {
      if (!(mask & (1 << bit))) return;
      for (const e of model.interventions[iv].effects) {
        if (!e.from[s]) continue;
        scaleExits(p, s, e.to, Math.max(0, meanOf(e.multiplier)));
        changed = true;
      }
    });
    if (changed) settleStay(p, s);
    let sum = 0;
    for (let j = 0; j < nS; j++) sum += p[j];
    if (sum === 0) p[s] = 1;
    return p;
  };

  const eventPounds = (from: number, to: number, within: boolean) => {
    let total = 0;
    for (const e of model.eventCosts) {
      if (!e.from[from] || !e.to[to]) continue;
      if (within ? !e.onWithinStateMove : from === to) continue;
      total += Math.max(0, meanOf(e.amount)) * costScale;
    }
    return total;
  };

  // Planned path, for moves that apply "while still in the previous planned state".
  const moves = [...plan.moves].sort((a, b) => a.month - b.month);
  const plannedBefore = (month: number) => {
    let planned = plan.startState;
    for (const mv of moves) if (mv.month < month) planned = mv.to;
    return planned;
  };
  const applyMoves = (month: number, s: number): number => {
    let planned = plannedBefore(month);
    let next = s;
    for (const mv of moves) {
      if (mv.month !== month) continue;
      const applies = mv.fromStates === null ? next === planned : mv.fromStates.includes(next);
      if (applies) next = mv.to;
      planned = mv.to;
    }
    return next;
  };

  const byMonth = new Array<number>(months).fill(0);
  const extraByMonth = new Array<number>(months).fill(0);
  const stateProbabilities: number[][] = [];
  const todaysPlacementByMonth: number[] = [];
  const monthsByState = new Float64Array(nS);
  let placementMoves = 0;

  // Month 0 distribution, then intervention starts at month 0.
  let pi: Float64Array = new Float64Array(size);
  pi[index({ state: plan.startState, original: hasOriginal ? 1 : 0, mask: 0 })] = 1;
  const ends = new Map<number, number[]>();
  const startInterventions = (month: number, dist: Float64Array): Float64Array => {
    const age = request.ageMonths + month;
    const out = Float64Array.from(dist);
    plan.interventions.forEach((start) => {
      if (start.startMonth !== month) return;
      const bit = interventions.indexOf(start.intervention);
      const iv = model.interventions[start.intervention];
      if (age < iv.minAgeMonths || age >= iv.maxAgeMonths) return;
      let delivered = 0;
      for (let i = 0; i < size; i++) {
        const x = decode(i);
        if (out[i] === 0 || !iv.eligible[x.state] || x.mask & (1 << bit)) continue;
        delivered += out[i];
        out[index({ ...x, mask: x.mask | (1 << bit) })] += out[i];
        out[i] = 0;
      }
      const oneOff = iv.oneOff ? Math.max(0, meanOf(iv.oneOff)) * costScale : 0;
      const weekly = iv.perWeek ? Math.max(0, meanOf(iv.perWeek)) * costScale * WEEKS_PER_MONTH : 0;
      extraByMonth[month] += delivered * oneOff;
      for (let t = month; t < Math.min(months, month + iv.durationMonths); t++) extraByMonth[t] += delivered * weekly * scaleOfMonth(t);
      const end = month + iv.effectMonths;
      ends.set(end, [...(ends.get(end) ?? []), bit]);
    });
    for (const bit of ends.get(month) ?? []) {
      for (let i = 0; i < size; i++) {
        const x = decode(i);
        if (out[i] === 0 || !(x.mask & (1 << bit))) continue;
        out[index({ ...x, mask: x.mask & ~(1 << bit) })] += out[i];
        out[i] = 0;
      }
    }
    return out;
  };
  pi = startInterventions(0, pi);

  // Scratch for one row of the month's matrix, and the next month's distribution.
  const rowValues = new Float64Array(size);
  const rowTouched = new Uint8Array(size);
  const touched = new Int32Array(size);
  const next = new Float64Array(size);
  const rowStart = new Int32Array(size + 1);
  // Where a transition to j ends up after the plan's moves next month; event costs by move.
  const finalOf = new Int32Array(nS);
  const eventMoves = new Float64Array(nS * nS);
  const eventWithin = new Float64Array(nS);
  for (let a = 0; a < nS; a++) {
    for (let b = 0; b < nS; b++) eventMoves[a * nS + b] = eventPounds(a, b, false);
    eventWithin[a] = eventPounds(a, a, true);
  }
  const entryTarget = new Int32Array(size * size);
  const entryValue = new Float64Array(size * size);
  for (let m = 0; m < months; m++) {
    const age = request.ageMonths + m;
    const marginal = new Array<number>(nS).fill(0);
    let todays = 0;
    const { statePounds, originalDelta } = pricesAt(age, scaleOfMonth(m), financialYearStart(firstAbsolute + m) - firstFy);
    for (let i = 0; i < size; i++) {
      if (pi[i] === 0) continue;
      const x = decode(i);
      marginal[x.state] += pi[i];
      if (x.original) todays += pi[i];
      byMonth[m] += pi[i] * (statePounds[x.state] + (x.original ? originalDelta : 0));
    }
    byMonth[m] += extraByMonth[m];
    stateProbabilities.push(marginal);
    todaysPlacementByMonth.push(todays);
    for (let s = 0; s < nS; s++) monthsByState[s] += marginal[s];
    if (m + 1 >= months) break;

    // This month's augmented transition matrix, row by row, then the row vector pi times it: the
    // distribution at month m+1, and the expected events on the way. Entries are dropped when
    // nearly zero (|x| <= 1e-15) and each target's products are summed from the highest row
    // down, as in the mathjs sparse matrix this replaced (it inserted each new row at the top of
    // a column): the same sums in the same order, so the same figures to the last bit.
    let eventsNextMonth = 0;
    let nEntries = 0;
    for (let j = 0; j < nS; j++) finalOf[j] = applyMoves(m + 1, j);
    for (let i = 0; i < size; i++) {
      rowStart[i] = nEntries;
      if (pi[i] === 0) continue;
      const state = i % nS;
      const original = Math.floor(i / nS) % 2;
      const mask = Math.floor(i / (2 * nS));
      const row = rowFor(age, state, mask);
      let nTouched = 0;
      for (let j = 0; j < nS; j++) {
        if (row[j] === 0) continue;
        // Staying in a placement splits into a move within it and staying put.
        const split = j === state && model.isPlacement[j] === 1 && model.withinStateMove[j] > 0;
        for (let o = split ? 0 : 1; o < 2; o++) {
          const p = split ? (o === 0 ? row[j] * model.withinStateMove[j] : row[j] * (1 - model.withinStateMove[j])) : row[j];
          const final = finalOf[j];
          const changed = final !== state;
          const within = !changed && split && o === 0;
          const target = (mask * 2 + (original && !changed && !within ? 1 : 0)) * nS + final;
          if (!rowTouched[target]) {
            rowTouched[target] = 1;
            touched[nTouched++] = target;
          }
          const value = rowValues[target] + p;
          rowValues[target] = nearlyZero(value) ? 0 : value;
          const mass = pi[i] * p;
          if (changed) {
            eventsNextMonth += mass * eventMoves[state * nS + final];
            if (model.isPlacement[state] && model.isPlacement[final]) placementMoves += mass;
          } else if (within) {
            eventsNextMonth += mass * eventWithin[state];
            placementMoves += mass;
          }
        }
      }
      for (let k = 0; k < nTouched; k++) {
        const target = touched[k];
        if (rowValues[target] !== 0) {
          entryTarget[nEntries] = target;
          entryValue[nEntries] = rowValues[target];
          nEntries++;
        }
        rowValues[target] = 0;
        rowTouched[target] = 0;
      }
    }
    rowStart[size] = nEntries;
    next.fill(0);
    for (let i = size - 1; i >= 0; i--) {
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) next[entryTarget[e]] += pi[i] * entryValue[e];
    }
    pi = new Float64Array(size);
    for (let t = 0; t < size; t++) pi[t] = nearlyZero(next[t]) ? 0 : next[t];
    pi = startInterventions(m + 1, pi);
    extraByMonth[m + 1] += eventsNextMonth;
  }

  const factors = discountFactors(request.discountPeriods ?? model.discountPeriods, nFy);
  const fyCash = new Array<number>(nFy).fill(0);
  byMonth.forEach((amount, m) => {
    fyCash[financialYearStart(firstAbsolute + m) - firstFy] += amount;
  });
  const byFinancialYear = fyCash.map((cash, f) => ({ financialYear: financialYearLabel(firstFy + f), cash, discounted: cash * factors[f] }));
  let monthsInCare = 0;
  let monthsResidential = 0;
  for (let s = 0; s < nS; s++) {
    if (model.flags.inCare[s]) monthsInCare += monthsByState[s];
    if (model.flags.residential[s]) monthsResidential += monthsByState[s];
  }
  return {
    byMonth,
    byFinancialYear,
    total: {
      cash: byFinancialYear.reduce((a, y) => a + y.cash, 0),
      discounted: byFinancialYear.reduce((a, y) => a + y.discounted, 0),
    },
    monthsByState: Object.fromEntries(model.stateIds.map((id, s) => [id, monthsByState[s]])),
    monthsInCare,
    monthsResidential,
    placementMoves,
    stateProbabilities,
    todaysPlacementByMonth,
  };
}
