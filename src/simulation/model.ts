import type { CostModelSpec } from '../catalog/model-schema.ts';
import { AGENCIES } from '../catalog/vocabulary.ts';
import { type Distribution, toDistribution } from './distributions.ts';

/**
 * The engine's numeric view of a cost model: dense typed arrays indexed by state and band,
 * selectors expanded to masks, every figure a Distribution. Built once per model version and
 * shared by every run; nothing here changes during a simulation.
 */
export interface SimulationModel {
  id: string;
  version: string;
  stateIds: string[];
  nStates: number;
  bandIds: string[];
  nBands: number;
  /** Age in whole months (0 .. horizonAgeMonths-1) → band index. */
  bandOfAgeMonth: Int32Array;
  horizonAgeMonths: number;
  /** Monthly transition probabilities, [band][from][to] row-major. */
  baseRows: Float64Array;
  /** Dirichlet pseudo-count per [band][from]; 0 means the row is known exactly. */
  rowConcentration: Float64Array;
  ageTransitions: AgeTransitionRule[];
  /** Monthly probability of a placement move within the same kind of placement. */
  withinStateMove: Float64Array;
  /**
   * Per state, the chance of being placed more than 20 miles from home (the model's
   * distanceOver20Miles share); NaN where the model gives none. Read by summaries only, never by
   * the kernel, so it cannot change a random draw.
   */
  over20MilesShare: Float64Array;
  isPlacement: Uint8Array;
  flags: OutcomeFlags;
  /** Ages (months) outside which a plan may not place someone in the state. */
  minAgeMonths: Int32Array;
  maxAgeMonths: Int32Array;
  unitCosts: UnitCostRule[];
  /**
   * Unit costs limited to ages split life into cost segments (boundaries in whole years); the
   * kernel counts occupancy per segment so such costs stay exact. Age month → segment.
   */
  costSegmentOfAgeMonth: Int32Array;
  nCostSegments: number;
  /** For each segment, whether each unit cost applies: [segment][unit cost]. */
  unitCostInSegment: Uint8Array;
  eventCosts: EventCostRule[];
  interventions: InterventionRule[];
  rateFactors: RateFactorRule[];
  discountPeriods: Array<{ fromYear: number; rate: number }>;
  agencies: readonly string[];
}

export interface OutcomeFlags {
  inCare: Uint8Array;
  residential: Uint8Array;
  neet: Uint8Array;
  /**
   * In education, employment or training (DfE care leavers aged 19-21): the states flagged `eet`;
   * in a model that flags none (written before the flag), the care-leaver states not flagged
   * `neet`, the older reading.
   */
  eet: Uint8Array;
  custody: Uint8Array;
  careLeaver: Uint8Array;
  homeless: Uint8Array;
}

export interface AgeTransitionRule {
  /** The birthday, in months of age, in whose month the rule replaces the monthly row. */
  ageMonths: number;
  appliesTo: Uint8Array;
  /** [from][to] rows; only rows of states in appliesTo are used. */
  rows: Float64Array;
}

export interface UnitCostRule {
  id: string;
  label: string;
  states: Uint8Array;
  amount: Distribution;
  /** Multiplies the stated amount into a monthly one: week 365/84 (a standard month of 365/12 days), month 1, year 1/12. */
  toMonthly: number;
  /** Stated per week: charged by calendar days ÷ 7 (the budget's rule), not by months. */
  perWeek: boolean;
  agency: number;
  cashable: boolean;
  /** The placement's price: an actual price for a placement replaces it. */
  placementFee: boolean;
  minAgeMonths: number;
  maxAgeMonths: number;
}

export interface EventCostRule {
  id: string;
  label: string;
  from: Uint8Array;
  to: Uint8Array;
  amount: Distribution;
  agency: number;
  cashable: boolean;
  /** Whether moves within the same kind of placement trigger it (placement-move costs). */
  onWithinStateMove: boolean;
}

export interface EffectRule {
  from: Uint8Array;
  to: Uint8Array;
  multiplier: Distribution;
  /** What the effect acts on, in words ("effect on moves to youth custody"): the tornado's label. */
  label?: string;
}

export interface InterventionRule {
  id: string;
  label: string;
  eligible: Uint8Array;
  minAgeMonths: number;
  maxAgeMonths: number;
  oneOff: Distribution | null;
  perWeek: Distribution | null;
  durationMonths: number;
  effectMonths: number;
  agency: number;
  effects: EffectRule[];
}

export interface RateFactorRule {
  id: string;
  label: string;
  from: Uint8Array;
  to: Uint8Array;
  multiplier: Distribution;
}

/**
 * Weeks in a standard month of 365/12 days (365/84 = 4.345): weekly prices are held per
 * standard month and scaled to each financial year's calendar days (src/finance/day-count.ts),
 * so a year of a weekly price is days ÷ 7 (52.14 weeks), as in the 12-month budget.
 */
export const WEEKS_PER_MONTH = 365 / 84;

/** Expands state ids and @category selectors into a 0/1 mask over the model's states. */
export function selectorMask(spec: CostModelSpec, selector: readonly string[]): Uint8Array {
  const mask = new Uint8Array(spec.states.length);
  for (const item of selector) {
    if (item.startsWith('@')) {
      const category = item.slice(1);
      spec.states.forEach((s, i) => {
        if (s.category === category) mask[i] = 1;
      });
    } else {
      const index = spec.states.findIndex((s) => s.id === item);
      if (index < 0) throw new Error(`unknown state "${item}"`);
      mask[index] = 1;
    }
  }
  return mask;
}

/** A selector in words: a state's label, "any looked after state" for @looked_after, "A or B", or "A and 3 other states". */
function describeSelector(spec: CostModelSpec, selector: readonly string[]): string {
  const names = selector.map((item) => {
    if (item.startsWith('@')) return `any ${item.slice(1).replace(/_/g, ' ')} state`;
    const label = spec.states.find((s) => s.id === item)?.label ?? item;
    // "Youth custody" reads as "youth custody" mid-sentence; "IFA ..." keeps its capitals.
    return /^[A-Z][a-z]/.test(label) ? label[0].toLowerCase() + label.slice(1) : label;
  });
  if (names.length <= 2) return names.join(' or ');
  return `${names[0]} and ${names.length - 1} other states`;
}

/**
 * The label of an intervention's k-th effect, for the tornado and the assumptions: where it moves
 * people to ("effect on moves to youth custody"), with where from as well when another effect of
 * the same intervention moves people to the same place, and its number only if still ambiguous,
 * so no two drivers read alike (issue 18: the top driver was "MST: effect 1").
 */
export function effectLabel(spec: CostModelSpec, effects: ReadonlyArray<{ from: readonly string[]; to: readonly string[] }>, k: number): string {
  const to = (j: number) => describeSelector(spec, effects[j].to);
  const full = (j: number) => `from ${describeSelector(spec, effects[j].from)} to ${to(j)}`;
  const others = effects.map((_, j) => j).filter((j) => j !== k);
  if (!others.some((j) => to(j) === to(k))) return `effect on moves to ${to(k)}`;
  if (!others.some((j) => full(j) === full(k))) return `effect on moves ${full(k)}`;
  return `effect ${k + 1} on moves ${full(k)}`;
}

function agencyIndex(agency: string): number {
  const index = (AGENCIES as readonly string[]).indexOf(agency);
  if (index < 0) throw new Error(`unknown agency "${agency}"`);
  return index;
}

const perToMonthly = { week: WEEKS_PER_MONTH, month: 1, year: 1 / 12 } as const;

function costSegments(spec: CostModelSpec, horizonAgeMonths: number) {
  const boundaries = new Set<number>();
  for (const c of spec.unitCosts) {
    if (c.minAgeYears !== undefined && c.minAgeYears > 0) boundaries.add(c.minAgeYears * 12);
    if (c.maxAgeYears !== undefined && c.maxAgeYears * 12 < horizonAgeMonths) boundaries.add(c.maxAgeYears * 12);
  }
  const cuts = [...boundaries].sort((a, b) => a - b);
  const costSegmentOfAgeMonth = new Int32Array(horizonAgeMonths);
  for (let age = 0; age < horizonAgeMonths; age++) costSegmentOfAgeMonth[age] = cuts.filter((cut) => age >= cut).length;
  const nCostSegments = cuts.length + 1;
  const unitCostInSegment = new Uint8Array(nCostSegments * spec.unitCosts.length);
  for (let g = 0; g < nCostSegments; g++) {
    const age = g === 0 ? 0 : cuts[g - 1];
    spec.unitCosts.forEach((c, i) => {
      const applies = age >= (c.minAgeYears ?? 0) * 12 && age < (c.maxAgeYears ?? 1000) * 12;
      unitCostInSegment[g * spec.unitCosts.length + i] = applies ? 1 : 0;
    });
  }
  return { costSegmentOfAgeMonth, nCostSegments, unitCostInSegment };
}

/** Builds the engine's view of a model that has passed validateModel. */
export function compileModel(spec: CostModelSpec): SimulationModel {
  const nStates = spec.states.length;
  const stateIndex = new Map(spec.states.map((s, i) => [s.id, i]));
  const bands = [...spec.ageBands].sort((a, b) => a.fromYears - b.fromYears);
  const nBands = bands.length;
  const horizonAgeMonths = spec.horizonAgeYears * 12;
  const bandOfAgeMonth = new Int32Array(horizonAgeMonths);
  for (let age = 0; age < horizonAgeMonths; age++) {
    const years = Math.floor(age / 12);
    const band = bands.findIndex((b) => years >= b.fromYears && years < b.toYears);
    bandOfAgeMonth[age] = band < 0 ? nBands - 1 : band;
  }

  const baseRows = new Float64Array(nBands * nStates * nStates);
  const rowConcentration = new Float64Array(nBands * nStates);
  bands.forEach((band, b) => {
    const rows = spec.transitions[band.id] ?? {};
    for (const [from, row] of Object.entries(rows)) {
      const i = stateIndex.get(from);
      if (i === undefined) throw new Error(`unknown state "${from}" in band ${band.id}`);
      for (const [to, p] of Object.entries(row)) {
        const j = stateIndex.get(to);
        if (j === undefined) throw new Error(`unknown state "${to}" in band ${band.id}`);
        baseRows[(b * nStates + i) * nStates + j] = p;
      }
    }
    for (let i = 0; i < nStates; i++) {
      // A state with no row in a band (outside its ages) stays where it is: plans are checked
      // so that nobody is placed there, and this keeps every row stochastic.
      let sum = 0;
      for (let j = 0; j < nStates; j++) sum += baseRows[(b * nStates + i) * nStates + j];
      if (sum === 0) baseRows[(b * nStates + i) * nStates + i] = 1;
      const concentration =
        spec.rateUncertainty?.rowConcentration?.[band.id]?.[spec.states[i].id] ?? spec.rateUncertainty?.concentration ?? 0;
      rowConcentration[b * nStates + i] = concentration;
    }
  });

  // Rules for the same birthday (different states leaving at 18, say) are merged into one, so
  // the kernel looks up a single rule per birthday; validation refuses overlapping rules.
  const byAge = new Map<number, AgeTransitionRule>();
  for (const rule of spec.ageTransitions ?? []) {
    const ageMonths = rule.atAgeYears * 12;
    let merged = byAge.get(ageMonths);
    if (!merged) {
      merged = { ageMonths, appliesTo: new Uint8Array(nStates), rows: new Float64Array(nStates * nStates) };
      byAge.set(ageMonths, merged);
    }
    const from = selectorMask(spec, rule.from);
    for (let i = 0; i < nStates; i++) {
      if (!from[i]) continue;
      merged.appliesTo[i] = 1;
      for (const [to, p] of Object.entries(rule.to)) {
        const j = stateIndex.get(to);
        if (j === undefined) throw new Error(`unknown state "${to}" in age transition`);
        merged.rows[i * nStates + j] = p;
      }
    }
  }
  const ageTransitions = [...byAge.values()].sort((a, b) => a.ageMonths - b.ageMonths);

  const flag = (name: string) => Uint8Array.from(spec.states, (s) => (s.flags?.includes(name as never) ? 1 : 0));

  return {
    id: spec.id,
    version: spec.version,
    stateIds: spec.states.map((s) => s.id),
    nStates,
    bandIds: bands.map((b) => b.id),
    nBands,
    bandOfAgeMonth,
    horizonAgeMonths,
    baseRows,
    rowConcentration,
    ageTransitions,
    withinStateMove: Float64Array.from(spec.states, (s) => s.withinStatePlacementMoves ?? 0),
    over20MilesShare: Float64Array.from(spec.states, (s) => s.distanceOver20Miles?.share ?? Number.NaN),
    isPlacement: Uint8Array.from(spec.states, (s) => (s.placement ? 1 : 0)),
    flags: {
      inCare: flag('in_care'),
      residential: flag('residential'),
      neet: flag('neet'),
      eet: eetFlags(spec),
      custody: flag('custody'),
      careLeaver: flag('care_leaver'),
      homeless: flag('homeless'),
    },
    minAgeMonths: Int32Array.from(spec.states, (s) => (s.minAgeYears ?? 0) * 12),
    maxAgeMonths: Int32Array.from(spec.states, (s) => (s.maxAgeYears ?? 1000) * 12),
    unitCosts: spec.unitCosts.map((c) => ({
      id: c.id,
      label: c.label,
      states: selectorMask(spec, c.states),
      amount: toDistribution(c.amount),
      toMonthly: perToMonthly[c.per],
      perWeek: c.per === 'week',
      agency: agencyIndex(c.agency),
      cashable: c.cashable ?? true,
      placementFee: c.placementFee ?? false,
      minAgeMonths: (c.minAgeYears ?? 0) * 12,
      maxAgeMonths: (c.maxAgeYears ?? 1000) * 12,
    })),
    ...costSegments(spec, horizonAgeMonths),
    eventCosts: (spec.eventCosts ?? []).map((e) => ({
      id: e.id,
      label: e.label,
      from: selectorMask(spec, e.from),
      to: selectorMask(spec, e.to),
      amount: toDistribution(e.amount),
      agency: agencyIndex(e.agency),
      cashable: e.cashable ?? true,
      onWithinStateMove: e.includeWithinStateMoves ?? false,
    })),
    interventions: (spec.interventions ?? []).map((iv) => ({
      id: iv.id,
      label: iv.label,
      eligible: selectorMask(spec, iv.eligibility.states),
      minAgeMonths: Math.round((iv.eligibility.minAgeYears ?? 0) * 12),
      maxAgeMonths: Math.round((iv.eligibility.maxAgeYears ?? 1000) * 12),
      oneOff: iv.cost.oneOff === undefined ? null : toDistribution(iv.cost.oneOff),
      perWeek: iv.cost.perWeek === undefined ? null : toDistribution(iv.cost.perWeek),
      durationMonths: iv.cost.durationMonths,
      effectMonths: iv.effectDurationMonths ?? iv.cost.durationMonths,
      agency: agencyIndex(iv.cost.agency),
      effects: iv.effects.map((e, k) => ({
        from: selectorMask(spec, e.from),
        to: selectorMask(spec, e.to),
        multiplier: toDistribution(e.multiplier),
        label: effectLabel(spec, iv.effects, k),
      })),
    })),
    rateFactors: (spec.rateFactors ?? []).map((f) => ({
      id: f.id,
      label: f.label,
      from: selectorMask(spec, f.from),
      to: selectorMask(spec, f.to),
      multiplier: toDistribution(f.multiplier),
    })),
    discountPeriods: [...spec.discounting.periods].sort((a, b) => a.fromYear - b.fromYear),
    agencies: AGENCIES,
  };
}

/**
 * OutcomeFlags.eet: the states flagged `eet`; when the model flags none (a model written before
 * the flag), the care-leaver states not flagged `neet`, as the projected EET share read them then.
 */
function eetFlags(spec: CostModelSpec): Uint8Array {
  const has = (s: CostModelSpec['states'][number], name: string) => s.flags?.includes(name as never) === true;
  if (spec.states.some((s) => has(s, 'eet'))) return Uint8Array.from(spec.states, (s) => (has(s, 'eet') ? 1 : 0));
  return Uint8Array.from(spec.states, (s) => (has(s, 'care_leaver') && !has(s, 'neet') ? 1 : 0));
}
