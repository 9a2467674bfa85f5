import type { CohortPerson, CohortRequest } from './cohort.ts';
import { meanOf } from './distributions.ts';
import type { RateAdjustment } from './engine.ts';
import type { SimulationModel } from './model.ts';
import { scaleExits, settleStay } from './rows.ts';
import type { EntrantGroup } from './scenario.ts';

/**
 * Expected flows through a cohort, month by month, with every parameter at its mean: the
 * planning pass behind capacity limits and commissioned places.
 *
 * Capacity: keeping people independent (so shards add up exactly) means a full state cannot
 * look at the other people of the same run. Instead the expected occupancy is planned here,
 * month by month, redirecting just enough of the expected moves into the full state to its
 * overflow to keep expected occupancy at the number of places; each financial year's share of
 * redirected moves is then applied to every person's rows in that year. Occupancy therefore
 * meets capacity on average, not in every run.
 *
 * Places: the expected number of people arriving in an eligible state each year (those already
 * in one when the service opens count as arriving then).
 */

export interface FlowLimit {
  state: number;
  overflow: number;
  /** Places in each year of the projection. */
  places: number[];
}

export interface FlowEligibility {
  eligible: Uint8Array;
  minAgeMonths: number;
  maxAgeMonths: number;
  firstMonth: number;
}

export interface FlowInput {
  request: CohortRequest;
  people: CohortPerson[];
  entrants: EntrantGroup[];
  periods: Array<{ rates: RateAdjustment[] }> | undefined;
  limits: FlowLimit[];
  eligibility?: FlowEligibility[];
}

export interface FlowResult {
  /** Share of moves into each limited state sent to its overflow, per limit and year. */
  redirectByYear: number[][];
  /** Expected arrivals into each eligibility's states, per year. */
  eligibleArrivalsByYear: number[][];
  /** Expected people in each state at the end of each year (March). */
  occupancyByYear: number[][];
}

interface Group {
  weight: number;
  ageMonths: number;
  offset: number;
  start: Float64Array;
  pi: Float64Array;
  active: boolean;
}

export function planFlows(model: SimulationModel, input: FlowInput): FlowResult {
  const nS = model.nStates;
  const months = input.request.months;
  const years = Math.ceil(months / 12) + 1;
  const firstCalendar = input.request.clock.startMonth - 1;
  const fyOf = (m: number) => Math.floor((firstCalendar + m + 9) / 12) - Math.floor((firstCalendar + 9) / 12);

  // Groups: each person on record, and entrants spread over their year's months and band's ages.
  const groups: Group[] = [];
  for (const person of input.people) {
    const start = new Float64Array(nS);
    start[person.startState] = 1;
    groups.push({ weight: 1, ageMonths: person.ageMonths, offset: person.offset ?? 0, start, pi: new Float64Array(nS), active: false });
  }
  for (const band of input.entrants) {
    const ages: number[] = [];
    for (let a = band.fromMonths; a < band.toMonths; a += 12) ages.push(Math.min(band.toMonths - 1, a + 6));
    const start = new Float64Array(nS);
    for (const s of band.starting) start[s.state] += s.share;
    band.expectedByYear.forEach((expected, y) => {
      if (expected <= 0) return;
      for (let month = 0; month < 12; month++) {
        for (const age of ages) {
          groups.push({ weight: expected / 12 / ages.length, ageMonths: age, offset: y * 12 + month, start, pi: new Float64Array(nS), active: false });
        }
      }
    });
  }

  // Mean rows, cached by (year, band, state); age rules at birthdays. Plain loops and arrays, not
  // find/forEach/Map: rowFor runs for every group, state and month (some 10^8 times at 1,000
  // people), and its closures were most of the 2 CPU seconds this pass took. The same numbers.
  const nPeriods = Math.max(1, input.periods?.length ?? 1);
  const rowCache: Array<Float64Array | undefined> = new Array(nPeriods * model.nBands * nS);
  // The age rules by birthday (ageMonths), in model order, so the first that applies wins as before.
  // Dense (filled first), so reading it stays a plain array load rather than a dictionary lookup.
  const lastRuleAge = model.ageTransitions.reduce((a, rule) => Math.max(a, rule.ageMonths), -1);
  const rulesAt = new Array<SimulationModel['ageTransitions'] | undefined>(lastRuleAge + 1).fill(undefined);
  for (const rule of model.ageTransitions) (rulesAt[rule.ageMonths] ??= []).push(rule);
  const factorValues = model.rateFactors.map((f) => Math.max(0, meanOf(f.multiplier)));
  const rowFor = (year: number, age: number, s: number): Float64Array => {
    const rules = age + 1 >= 0 && age + 1 <= lastRuleAge ? rulesAt[age + 1] : undefined;
    if (rules !== undefined) {
      for (let r = 0; r < rules.length; r++) if (rules[r].appliesTo[s]) return rules[r].rows.subarray(s * nS, s * nS + nS);
    }
    const band = model.bandOfAgeMonth[Math.min(age, model.horizonAgeMonths - 1)];
    // An empty list of periods reads no rates, as period 0 of it does.
    const period = Math.max(0, Math.min(year, (input.periods?.length ?? 1) - 1));
    const key = (period * model.nBands + band) * nS + s;
    let row = rowCache[key];
    if (!row) {
      row = Float64Array.from(model.baseRows.subarray((band * nS + s) * nS, (band * nS + s + 1) * nS));
      let changed = false;
      model.rateFactors.forEach((f, i) => {
        if (f.from[s]) {
          scaleExits(row as Float64Array, s, f.to, factorValues[i]);
          changed = true;
        }
      });
      for (const rate of input.periods?.[period]?.rates ?? []) {
        if (rate.from[s]) {
          scaleExits(row, s, rate.to, Math.max(0, meanOf(rate.multiplier)));
          changed = true;
        }
      }
      if (changed) settleStay(row, s);
      rowCache[key] = row;
    }
    return row;
  };

  // Every state's row of (year, age) in one flat [from][to] block, when no age rule falls in the
  // month (null: some rule does, so ask rowFor state by state). The same rows as rowFor's, copied
  // once per (period, band): the step below reads them without a call per group and state.
  const blockCache: Array<Float64Array | undefined> = new Array(nPeriods * model.nBands);
  const blockFor = (year: number, age: number): Float64Array | null => {
    if (age + 1 >= 0 && age + 1 <= lastRuleAge && rulesAt[age + 1] !== undefined) return null;
    const band = model.bandOfAgeMonth[Math.min(age, model.horizonAgeMonths - 1)];
    const period = Math.max(0, Math.min(year, (input.periods?.length ?? 1) - 1));
    const key = period * model.nBands + band;
    let rows = blockCache[key];
    if (!rows) {
      rows = new Float64Array(nS * nS);
      for (let i = 0; i < nS; i++) rows.set(rowFor(year, age, i), i * nS);
      blockCache[key] = rows;
    }
    return rows;
  };

  const redirectByYear = input.limits.map(() => new Array<number>(years).fill(0));
  const inflowByYear = input.limits.map(() => new Array<number>(years).fill(0));
  const eligibility = input.eligibility ?? [];
  const eligibleArrivalsByYear = eligibility.map(() => new Array<number>(years).fill(0));
  const occupancyByYear = Array.from({ length: years }, () => new Array<number>(nS).fill(0));
  const next = new Float64Array(nS);
  const inflow = new Float64Array(input.limits.length);
  const occupancy = new Float64Array(input.limits.length);
  const nextByGroup = groups.map(() => new Float64Array(nS));

  const countArrivals = (m: number, group: Group, before: Float64Array | null, after: Float64Array) => {
    const age = group.ageMonths + (m - group.offset);
    for (let k = 0; k < eligibility.length; k++) {
      const rule = eligibility[k];
      if (m < rule.firstMonth || age < rule.minAgeMonths || age >= rule.maxAgeMonths) continue;
      let arrivals = 0;
      if (before === null || m === rule.firstMonth) {
        // Entering the projection, or present when the service opens: all those in eligible states.
        for (let s = 0; s < nS; s++) if (rule.eligible[s]) arrivals += after[s];
      } else {
        // Mass that moved into eligible states: eligible now minus what stayed eligible.
        for (let s = 0; s < nS; s++) if (rule.eligible[s]) arrivals += after[s];
        let stayed = 0;
        for (let s = 0; s < nS; s++) if (rule.eligible[s]) stayed += before[s] * stayProbability(group, m - 1, s);
        arrivals -= stayed;
      }
      eligibleArrivalsByYear[k][fyOf(m)] += Math.max(0, arrivals) * group.weight;
    }
  };
  const stayProbability = (group: Group, m: number, s: number) => {
    const age = group.ageMonths + (m - group.offset);
    return rowFor(fyOf(m), age, s)[s];
  };

  for (let m = 0; m < months; m++) {
    const year = fyOf(m);
    // Activate people entering this month.
    for (const group of groups) {
      if (!group.active && group.offset === m && group.ageMonths < model.horizonAgeMonths) {
        group.pi.set(group.start);
        group.active = true;
        countArrivals(m, group, null, group.pi);
      }
    }
    if (m % 12 === (14 - firstCalendar) % 12) {
      for (const group of groups) if (group.active) for (let s = 0; s < nS; s++) occupancyByYear[year][s] += group.pi[s] * group.weight;
    }
    if (m + 1 >= months) break;
    // One step for every active group, and the expected moves into each limited state.
    inflow.fill(0);
    const nextYear = fyOf(m + 1);
    occupancy.fill(0);
    const limits = input.limits;
    const nL = limits.length;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g];
      if (!group.active) continue;
      const age = group.ageMonths + (m - group.offset);
      const out = nextByGroup[g];
      out.fill(0);
      if (age + 1 >= model.horizonAgeMonths) {
        group.active = false;
        continue;
      }
      const pi = group.pi;
      const rows = blockFor(year, age);
      for (let i = 0; i < nS; i++) {
        const mass = pi[i];
        if (mass === 0) continue;
        if (rows !== null) {
          const at = i * nS;
          for (let j = 0; j < nS; j++) if (rows[at + j] !== 0) out[j] += mass * rows[at + j];
          for (let k = 0; k < nL; k++) {
            if (i !== limits[k].state) inflow[k] += mass * rows[at + limits[k].state] * group.weight;
          }
          continue;
        }
        const row = rowFor(year, age, i);
        for (let j = 0; j < nS; j++) if (row[j] !== 0) out[j] += mass * row[j];
        for (let k = 0; k < nL; k++) {
          if (i !== limits[k].state) inflow[k] += mass * row[limits[k].state] * group.weight;
        }
      }
      for (let k = 0; k < nL; k++) occupancy[k] += out[limits[k].state] * group.weight;
    }
    // Capacity: redirect just enough of this month's moves into each full state.
    input.limits.forEach((limit, k) => {
      const places = limit.places[Math.min(nextYear, limit.places.length - 1)];
      const excess = occupancy[k] - places;
      const fraction = excess > 0 && inflow[k] > 0 ? Math.min(1, excess / inflow[k]) : 0;
      redirectByYear[k][year] += fraction * inflow[k];
      inflowByYear[k][year] += inflow[k];
      if (fraction > 0) {
        groups.forEach((group, g) => {
          if (!group.active) return;
          const age = group.ageMonths + (m - group.offset);
          // The moves into the full state this group made, and the share of them redirected.
          let moved = 0;
          for (let i = 0; i < nS; i++) if (i !== limit.state && group.pi[i] > 0) moved += group.pi[i] * rowFor(year, age, i)[limit.state];
          const out = nextByGroup[g];
          out[limit.state] -= fraction * moved;
          out[limit.overflow] += fraction * moved;
        });
      }
    });
    groups.forEach((group, g) => {
      if (!group.active) return;
      next.set(nextByGroup[g]);
      countArrivals(m + 1, group, group.pi, next);
      group.pi.set(next);
    });
  }
  // The planned share of redirected moves in each year.
  const redirect = redirectByYear.map((sums, k) => sums.map((sum, y) => (inflowByYear[k][y] > 0 ? sum / inflowByYear[k][y] : 0)));
  return { redirectByYear: redirect, eligibleArrivalsByYear, occupancyByYear };
}
