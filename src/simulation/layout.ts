/**
 * Where each figure of one run sits in that run's result vector. Every entry is an integer
 * (pence or a count), so vectors from shards, people and workers add up exactly in any order:
 * a cohort total is the sum of its people's totals to the last penny, bit for bit.
 */

/** Outcome counters, one slot each. */
export const Outcome = {
  persons: 0,
  monthsInCare: 1,
  monthsResidential: 2,
  placementMoves: 3,
  careEntries: 4,
  everInCare: 5,
  everCustody: 6,
  everHomeless: 7,
  monthsCustody: 8,
  monthsNeet19to21: 9,
  monthsCareLeaver19to21: 10,
  monthsAged19to21: 11,
  monthsProjected: 12,
} as const;
export const OUTCOME_COUNT = 13;
export type OutcomeName = keyof typeof Outcome;

export interface LayoutShape {
  nFinancialYears: number;
  nAgencies: number;
  nStates: number;
  /** Years of age 0 .. nAgeYears-1 reported. */
  nAgeYears: number;
  nInterventions: number;
  /**
   * Count the year outcomes block (yearOutcomes below): scenario cohorts do; projections, which
   * keep their stability figure apart (Simulator.stabilityOut), and the frozen kernel's tests do not.
   */
  withYearOutcomes?: boolean;
}

/** The year outcomes' slots, per financial year (see MetricLayout.yearOutcomes). */
export const YearOutcome = {
  /** Looked after on 31 March with three or more placements in the financial year (DfE stability measure). */
  threeOrMorePlacements: 0,
  /**
   * Care leavers aged 19, 20 or 21 on 31 March (DfE: care leavers aged 19-21): in a care-leaver
   * state, or in a custody state after being looked after or a care leaver in the run.
   */
  careLeavers19to21: 1,
  /** Of those, in a state flagged `eet` (education, employment or training); any other is NEET or not known. */
  careLeaversEet19to21: 2,
} as const;
export const YEAR_OUTCOME_COUNT = 3;

export interface MetricLayout extends LayoutShape {
  /** [fy][agency][cashable: 0 non-cashable, 1 cashable] pence. */
  costFyAgency: number;
  /** [age year] pence. */
  costAge: number;
  /** [state] pence, placement and other recurring costs plus events into the state. */
  costState: number;
  /** [intervention] pence. */
  costIntervention: number;
  /** [fy][agency] pence spent on interventions (also inside costFyAgency): what a strategy invests. */
  interventionFyAgency: number;
  /** [fy][state] people in the state in the last month (March) of the financial year. */
  endOfYearState: number;
  /** [state] person-months. */
  monthsState: number;
  /** [intervention] times delivered. */
  delivered: number;
  outcomes: number;
  /**
   * [fy][YearOutcome] people counted on 31 March (read-only counters: no random draws); -1 when
   * the layout was made without them (LayoutShape.withYearOutcomes not set), and then never written.
   */
  yearOutcomes: number;
  size: number;
}

export function metricLayout(shape: LayoutShape): MetricLayout {
  let offset = 0;
  const take = (n: number) => {
    const at = offset;
    offset += n;
    return at;
  };
  const costFyAgency = take(shape.nFinancialYears * shape.nAgencies * 2);
  const costAge = take(shape.nAgeYears);
  const costState = take(shape.nStates);
  const costIntervention = take(shape.nInterventions);
  const interventionFyAgency = take(shape.nFinancialYears * shape.nAgencies);
  const endOfYearState = take(shape.nFinancialYears * shape.nStates);
  const monthsState = take(shape.nStates);
  const delivered = take(shape.nInterventions);
  const outcomes = take(OUTCOME_COUNT);
  // Last, so every other figure keeps its place whether or not the block is there.
  const yearOutcomes = shape.withYearOutcomes ? take(shape.nFinancialYears * YEAR_OUTCOME_COUNT) : -1;
  return { ...shape, costFyAgency, costAge, costState, costIntervention, interventionFyAgency, endOfYearState, monthsState, delivered, outcomes, yearOutcomes, size: offset };
}

/** Total cost of one run in pence (every financial year, agency and cashability). */
export function runTotal(layout: MetricLayout, v: Float64Array, base = 0): number {
  let total = 0;
  const end = base + layout.costFyAgency + layout.nFinancialYears * layout.nAgencies * 2;
  for (let i = base + layout.costFyAgency; i < end; i++) total += v[i];
  return total;
}
