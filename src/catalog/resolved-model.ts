import type { Distribution } from '../simulation/distributions.ts';
import type { CostModelSpec, OUTCOME_FLAGS } from './model-schema.ts';
import type { Agency, StateCategory } from './vocabulary.ts';

/**
 * A validated cost model in the form the engine wants: states numbered, `@category` selectors
 * expanded to state indices, age bands sorted, monthly transitions as dense matrices, every
 * default filled in. Only plain data (numbers, strings, arrays, typed arrays), so it can be
 * structured-cloned to worker threads. validateModel builds it; nothing changes it afterwards.
 *
 * Conventions shared with the engine:
 * - Ages are counted in whole months from birth. The step that takes a person from age month
 *   `m` to `m + 1` uses the matrix of the band containing year `floor(m / 12)`, except that when
 *   `m + 1` is a birthday (`atAgeMonths`) with an age transition naming the person's state, that
 *   age transition's row is used instead (leaving care on the 18th birthday).
 * - A recurring cost is incurred for each month a person is in one of its states (and, if it has
 *   age limits, is aged within them at the start of that month).
 */

export type OutcomeFlag = (typeof OUTCOME_FLAGS)[number];

/** An uncertain quantity with its defaults filled in; a plain number in the spec becomes `fixed`. */
export type ResolvedDistribution = Distribution;

export interface ResolvedState {
  /** Position in every per-state array and matrix of the model. */
  index: number;
  id: string;
  label: string;
  category: StateCategory;
  flags: OutcomeFlag[];
  placement: boolean;
  /** Youngest age in years at which a person can be in the state (0 when the spec says none). */
  minAgeYears: number;
  /** Age in years from which a person can no longer be in it; Infinity when the spec says none. */
  maxAgeYears: number;
  terminal: boolean;
  /** Monthly probability of a move between two placements of this same kind (0 when none). */
  withinStatePlacementMoves: number;
}

export interface ResolvedAgeBand {
  index: number;
  id: string;
  fromYears: number;
  /** Exclusive. */
  toYears: number;
  fromMonths: number;
  /** Exclusive. */
  toMonths: number;
  /**
   * Monthly transition probabilities, row-major nStates × nStates: entry `i * nStates + j` is the
   * probability of moving from state i to state j in one month. Rows of states that cannot be in
   * this band are all 0 (nobody should be there).
   */
  transitions: Float64Array;
  /** 1 for each state that can be in this band (its ages overlap the band's), else 0. */
  present: Uint8Array;
}

export interface ResolvedAgeTransition {
  atAgeYears: number;
  atAgeMonths: number;
  /** Indices of the states the rule moves. */
  from: number[];
  /** Probability of each destination state (length nStates), shared by every state in `from`. */
  to: Float64Array;
  source: string | undefined;
}

/** The row concentration of each band (length nStates per band, same order as `bands`). */
export interface ResolvedRateUncertainty {
  /** The default Dirichlet pseudo-count per row. */
  concentration: number;
  /** [band index][state index] pseudo-count, the default where the spec gives no override. */
  rowConcentration: Float64Array[];
}

export interface ResolvedUnitCost {
  id: string;
  label: string;
  states: number[];
  amount: ResolvedDistribution;
  per: 'week' | 'month' | 'year';
  /** Multiplies `amount` into a monthly figure: week 365/84 (a standard month), month 1, year 1/12. */
  toMonthly: number;
  agency: Agency;
  cashable: boolean;
  placementFee: boolean;
  /** Ages (in months) within which the cost applies; 0 and Infinity when the spec sets none. */
  minAgeMonths: number;
  maxAgeMonths: number;
  source: string;
  priceYear: string | undefined;
  note: string | undefined;
}

export interface ResolvedEventCost {
  id: string;
  label: string;
  from: number[];
  to: number[];
  amount: ResolvedDistribution;
  agency: Agency;
  cashable: boolean;
  /** Also charged on a move between two placements of the same kind. */
  includeWithinStateMoves: boolean;
  source: string;
  note: string | undefined;
}

export interface ResolvedEffect {
  from: number[];
  to: number[];
  multiplier: ResolvedDistribution;
}

export interface ResolvedIntervention {
  id: string;
  label: string;
  eligibleStates: number[];
  /** Eligible ages in months, [min, max); 0 and Infinity when the spec sets none. */
  minAgeMonths: number;
  maxAgeMonths: number;
  oneOff: ResolvedDistribution | undefined;
  perWeek: ResolvedDistribution | undefined;
  durationMonths: number;
  /** How long the effects last from the start (the spec's value, or the service duration). */
  effectDurationMonths: number;
  agency: Agency;
  effects: ResolvedEffect[];
  source: string;
  note: string | undefined;
}

export interface ResolvedRateFactor {
  id: string;
  label: string;
  from: number[];
  to: number[];
  multiplier: ResolvedDistribution;
  source: string | undefined;
}

export interface ResolvedModel {
  /** The validated spec exactly as given (the engine reads nothing from it that is not below). */
  spec: CostModelSpec;
  id: string;
  version: string;
  name: string;
  /** sha256 (hex) of the spec's canonical JSON (keys sorted, `$schema` left out). */
  hash: string;
  currency: 'GBP';
  priceBaseYear: string;
  horizonAgeYears: number;
  horizonAgeMonths: number;
  nStates: number;
  states: ResolvedState[];
  /** State id → index. */
  stateIndex: Record<string, number>;
  /** Category → indices of its states (empty when none). */
  categories: Record<StateCategory, number[]>;
  /** Sorted by age; contiguous from 0 to the horizon. */
  bands: ResolvedAgeBand[];
  /** Band index for each age month 0 .. horizonAgeMonths-1. */
  bandOfAgeMonth: Int32Array;
  /** Sorted by age. */
  ageTransitions: ResolvedAgeTransition[];
  /** Discount periods sorted by first year; the first starts at year 0. */
  discountPeriods: Array<{ fromYear: number; rate: number }>;
  discountSource: string;
  /** Undefined when the model declares no rate uncertainty (rows are then known exactly). */
  rateUncertainty: ResolvedRateUncertainty | undefined;
  rateFactors: ResolvedRateFactor[];
  unitCosts: ResolvedUnitCost[];
  eventCosts: ResolvedEventCost[];
  interventions: ResolvedIntervention[];
}

/**
 * The engine's monthly factor for weekly figures: a standard month of 365/12 days (365/84
 * weeks); projections scale it to each financial year's calendar days (src/finance/day-count.ts).
 */
export const WEEKS_PER_MONTH = 365 / 84;
