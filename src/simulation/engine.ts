import { type Distribution, PreparedQuantiles, meanOf, quantileOf, sampleGammaPrepared } from './distributions.ts';
import { type MetricLayout, Outcome, YEAR_OUTCOME_COUNT, YearOutcome } from './layout.ts';
import { weeklyDayCountFactors } from '../finance/day-count.ts';
import { type SimulationModel, WEEKS_PER_MONTH } from './model.ts';
import { StreamPurpose, UniformBlock, Xoshiro128, mix32, streamPrefix } from './random.ts';
import { redirectMoves, scaleExits, settleStay } from './rows.ts';

/**
 * The Monte Carlo kernel: one young person's monthly trajectory through a time-inhomogeneous
 * Markov chain, for one run, under one plan.
 *
 * Two layers of randomness (DOMAIN.md): parameters (unit costs, effects, rate factors, and
 * Dirichlet rows when rates are uncertain) are drawn once per run from streams keyed by
 * (seed, run, parameter name); a trajectory draws one uniform per month from a stream keyed
 * by (seed, run, person). Plans of the same person in the same run therefore share every random
 * number (common random numbers), whichever thread runs them.
 *
 * The loop only counts person-months by (financial year, state) and (year of age, state);
 * costs follow from those counts and the run's prices when a run is flushed. Prices are whole
 * pence per month, or for weekly prices scaled to calendar days 64ths of a penny, so every
 * figure is a binary fraction and sums are exact in any order.
 */

/**
 * Where the projection starts in the calendar: month 0 is (startYear, startMonth 1-12), from
 * day `startDay` (1 when absent): a first month that starts later is charged pro rata by days.
 */
export interface ProjectionClock {
  startYear: number;
  startMonth: number;
  startDay?: number;
}

/** A change to monthly rates in force during some financial years (a strategy's rate change). */
export interface RateAdjustment {
  /** Keys its draw: the same name gets the same uniform in every run of every variant. */
  name: string;
  from: Uint8Array;
  to: Uint8Array;
  multiplier: Distribution;
}

/** A capacity limit in force during a financial year: this share of moves into `state` go to `overflow`. */
export interface Redirect {
  state: number;
  overflow: number;
  fraction: number;
}

/** An intervention offered to people as they enter an eligible state, while places last. */
export interface OfferedIntervention {
  /** Bit of the slot's intervention list. */
  bit: number;
  /** Probability of a place, per financial year (index 0 = the first year); the last carries on. */
  probabilityByYear: Float64Array;
  /** Projection month from which it is offered. */
  firstMonth: number;
  eligible: Uint8Array;
  minAgeMonths: number;
  maxAgeMonths: number;
}

/** What a care plan or strategy changes, shared by everyone simulated under it. */
export interface PlanSlot {
  /** Interventions people under this plan may receive; bit j of the active mask is intervention j. */
  interventions: number[];
  /** Weekly prices replacing a state's placement fee for everyone under this plan. */
  statePrices: Array<{ state: number; weeklyPrice: number }>;
  /** Rate adjustments and capacity redirects by financial year (index 0 = the first); the last carries on. */
  periods?: Array<{ rates: RateAdjustment[]; redirects: Redirect[] }>;
  /** Interventions offered on entering an eligible state. */
  offers?: OfferedIntervention[];
}

/** One person under one plan. */
export interface PersonPlan {
  /** Age in months when the person enters the projection. */
  ageMonths: number;
  startState: number;
  /** Stream key: the person's index in the cohort (0 for a lone person). */
  key: number;
  /** Projection month at which the person enters (0 for everyone on record; later for new entrants). */
  offset?: number;
  /** Months the projection lasts from month 0 (the person stops earlier at the model's horizon age). */
  months: number;
  /** Scheduled moves, sorted by month (>= 1). `fromStates` null: applies while still in the previous planned state. */
  moves: Array<{ month: number; to: number; fromStates: Uint8Array | null }>;
  /** Interventions (bits of the slot's list) and their start months. */
  interventions: Array<{ slotIndex: number; startMonth: number }>;
  /** The actual weekly price of today's placement, while the person stays in it. */
  currentPlacementWeeklyPrice: number | null;
  /** That price for each financial year when it changes on dated days (day-weighted); absent: the same every year. */
  currentPlacementPriceByYear?: Float64Array | null;
  /**
   * Placements already held earlier in the projection's first financial year, before today's
   * placement (from the recorded history: src/outcomes/placements-this-year.ts); 0 when absent.
   * Added to the first year's placement count for placement stability (DfE: looked after at 31
   * March with three or more placements during the year). Read only at offset 0 (people on
   * record): a new entrant has no history. It draws no random numbers, so every draw and every
   * other figure is the same with or without it.
   */
  placementsEarlierThisYear?: number;
}

/**
 * Where a paused person's kernel loop state sits in PersonCursors.saved: SAVED_STRIDE int32 per
 * person, the fields of Simulator.simulate's loop that are not kept in a column of their own.
 */
const Saved = {
  word0: 0,
  word1: 1,
  word2: 2,
  word3: 3,
  cm: 4,
  fy: 5,
  fyOff: 6,
  periodBase: 7,
  ageYear: 8,
  ageOff: 9,
  seg: 10,
  segOff: 11,
  virt: 12,
  usedVirt: 13,
  firstFy: 14,
  firstAgeYear: 15,
  virtLastFy: 16,
  virtLastAge: 17,
  ever: 18,
  mask: 19,
  ruleIndex: 20,
  ruleAge: 21,
  moveIndex: 22,
  plannedState: 23,
  nextEvent: 24,
  placementsThisYear: 25,
} as const;
/** 26 fields padded to 32: a person's block is two whole cache lines (128 bytes). */
const SAVED_STRIDE = 32;
/** Interventions a slot can hold (bits of the active mask). */
const IV_SLOTS = 32;

/**
 * The trajectories of the people of a run, paused between months, for the shared-places engine
 * (places.ts), which simulates all people of a run together so that they compete for places.
 * Person i (their index in the run's list) is column entry i of each array. The kernel's loop
 * state is saved here when a person pauses and restored when they resume, so a paused and
 * resumed trajectory draws exactly the numbers an unpaused one would.
 *
 * A person pauses at the transition of month m (to m + 1), before it takes effect, when they
 * arrive in or leave a watched state (`watch[i]`), or when m = `pauseAt[i]`. The engine then
 * reads `next[i]`, may change it (no place: the overflow state; a place freed: the limited
 * state), may set `deliverMask[i]` (commissioned places given at month m + 1), and resumes them.
 *
 * Typed arrays rather than an object per person: some 15,000 people a run each had an object
 * of about 40 fields and three small arrays, and every start, pause and resume missed the cache
 * on them. The arrays are kept from run to run (`begin` only resets what a start reads), so a
 * run allocates nothing here.
 */
export class PersonCursors {
  /** People the arrays have room for. */
  capacity = 0;
  /** Per person: 1 when arriving in a state or leaving it pauses them (the places engine swaps lists). */
  readonly watch: Uint8Array[] = [];
  /** The transition month at which to pause whatever happens (waiting for a place); NO_EVENT: none. */
  pauseAt = new Int32Array(0);
  /** Intervention bits to deliver at the month after the pause (or the first month), on resuming. */
  deliverMask = new Int32Array(0);
  /** 1 once the kernel has started the person (their stream is then in `saved`). */
  started = new Uint8Array(0);
  /** 1 once the person has left the projection (at its end or the horizon age). */
  finished = new Uint8Array(0);
  /** Month of the pending transition (m to m + 1). */
  m = new Int32Array(0);
  /** State now: the start state before starting (the places engine may change it), the last state when finished. */
  s = new Int32Array(0);
  /** State drawn for m + 1 (the places engine may change it). */
  next = new Int32Array(0);
  /** 1 when the pending transition is a move within the placement (read only if next stays s). */
  movedWithin = new Uint8Array(0);
  /** The person's last month + 1 (they leave at the horizon age or the projection's end). */
  months = new Int32Array(0);
  /** Age in months at month m (at the end when finished). */
  ageMonths = new Int32Array(0);
  /** The draw deciding a slot's offers (kept only when the slot has offers). */
  offerDraw = new Float64Array(0);
  /** The rest of the kernel's loop state, SAVED_STRIDE per person (see Saved). */
  saved = new Int32Array(0);
  /** Per person, IV_SLOTS each: effect end month and delivered flag of each slot bit (copied for the slot's bits only). */
  ivEnd = new Int32Array(0);
  ivDelivered = new Uint8Array(0);
  /** Per person still in today's placement at its actual price: months counted there (made once, on first use). */
  readonly virtFy: Array<Int32Array | undefined> = [];
  readonly virtAge: Array<Int32Array | undefined> = [];

  /** Ready for a run of `n` people, all watching `watch`, none started; grows the arrays if need be. */
  begin(n: number, watch: Uint8Array): void {
    if (n > this.capacity) this.grow(n);
    this.watch.length = n;
    this.watch.fill(watch, 0, n);
    this.pauseAt.fill(NO_EVENT, 0, n);
    this.deliverMask.fill(0, 0, n);
    this.started.fill(0, 0, n);
    this.finished.fill(0, 0, n);
    // ivDelivered is left as it is: the kernel clears a person's when they start, and the
    // places engine reads it only after that.
  }

  /** Whether person i is paused in today's placement at its actual price (PersonPlan.currentPlacementWeeklyPrice). */
  atActualPrice(i: number): boolean {
    return this.saved[i * SAVED_STRIDE + Saved.virt] === 1;
  }

  /** Whether paused person i has been given the intervention of slot bit `bit`. */
  interventionDelivered(i: number, bit: number): boolean {
    return this.ivDelivered[i * IV_SLOTS + bit] === 1;
  }

  /** Financial year (index from the first) of a paused person's month m. */
  financialYear(i: number): number {
    return this.saved[i * SAVED_STRIDE + Saved.fy];
  }

  private grow(n: number): void {
    const capacity = Math.max(n, Math.ceil(this.capacity * 1.25));
    const int32 = (old: Int32Array, width = 1) => {
      const a = new Int32Array(capacity * width);
      a.set(old);
      return a;
    };
    const uint8 = (old: Uint8Array, width = 1) => {
      const a = new Uint8Array(capacity * width);
      a.set(old);
      return a;
    };
    this.pauseAt = int32(this.pauseAt);
    this.deliverMask = int32(this.deliverMask);
    this.started = uint8(this.started);
    this.finished = uint8(this.finished);
    this.m = int32(this.m);
    this.s = int32(this.s);
    this.next = int32(this.next);
    this.movedWithin = uint8(this.movedWithin);
    this.months = int32(this.months);
    this.ageMonths = int32(this.ageMonths);
    const offerDraw = new Float64Array(capacity);
    offerDraw.set(this.offerDraw);
    this.offerDraw = offerDraw;
    this.saved = int32(this.saved, SAVED_STRIDE);
    this.ivEnd = int32(this.ivEnd, IV_SLOTS);
    this.ivDelivered = uint8(this.ivDelivered, IV_SLOTS);
    this.capacity = capacity;
  }
}

export interface SimulatorOptions {
  /** Off: every parameter at its mean, rows as given (the exact oracle's setting). */
  parameterUncertainty: boolean;
  /**
   * Multiplies the model's unit, event and intervention costs (not actual or agreed prices):
   * the price base "current" uprating, index(current year) / index(base year). Default 1.
   */
  modelCostScale?: number | undefined;
}

const FLAG_IN_CARE = 1;
const FLAG_CUSTODY = 2;
const FLAG_HOMELESS = 4;
/** Ever in a care-leaver state: read for care leavers aged 19-21 in custody (countYearOutcomes). */
const FLAG_CARE_LEAVER = 8;

const TWO_POW_32 = 4294967296;
/**
 * A slot without offers: one shared empty list (`?? []` made a new array for every person
 * simulated). Never written to; not frozen, so it keeps the elements kind of the slots' lists.
 */
const NO_OFFERS: OfferedIntervention[] = [];

/** The month of "no further plan event": beyond any projection (months are counted in int32). */
const NO_EVENT = 0x3fffffff;
/** A threshold no 32-bit draw reaches (the last entry of a row: cumulative probability 2). */
const NEVER = 2 * TWO_POW_32;

/**
 * Weekly costs scaled to calendar days are held per person-month in 64ths of a penny: a binary
 * fraction, so products with whole month counts and sums over people, shards and threads stay
 * exact in any order (as whole pence did), while the rounding (at most 1/128 of a penny a month)
 * is far below the penny that answers are rounded to at the end.
 */
const SUB_PENNY = 64;
function subPenny(pence: number): number {
  return Math.round(pence * SUB_PENNY) / SUB_PENNY;
}

function hashString(text: string): number {
  // FNV-1a, then mixed: a stable 32-bit key for a parameter name.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h >>> 0);
}

/** A uniform in (0,1) keyed by (seed, run, name): the same parameter gets the same draw in every model variant. */
function keyedUniform(stream: Xoshiro128, seed: number, run: number, nameHash: number): number {
  return stream.reseed(seed, StreamPurpose.parameters, run, nameHash).nextOpenDouble();
}

/** The value a keyed parameter takes in a run: what beginRun draws for it, recomputed anywhere. */
export function keyedStreamUniform(seed: number, run: number, name: string, d: Distribution): number {
  return quantileOf(d, keyedUniform(new Xoshiro128(), seed, run, hashString(name)), 0);
}

/** The uncertain inputs of a model, in a fixed order, with stable names for the tornado. */
export interface ParameterInfo {
  name: string;
  label: string;
  kind: 'unit_cost' | 'event_cost' | 'intervention_cost' | 'effect' | 'rate_factor';
}

export function parameterList(model: SimulationModel): ParameterInfo[] {
  const out: ParameterInfo[] = [];
  for (const c of model.unitCosts) out.push({ name: `unit:${c.id}`, label: c.label, kind: 'unit_cost' });
  for (const e of model.eventCosts) out.push({ name: `event:${e.id}`, label: e.label, kind: 'event_cost' });
  for (const iv of model.interventions) {
    out.push({ name: `intervention:${iv.id}:one_off`, label: `${iv.label}: one-off cost`, kind: 'intervention_cost' });
    out.push({ name: `intervention:${iv.id}:per_week`, label: `${iv.label}: weekly cost`, kind: 'intervention_cost' });
    iv.effects.forEach((effect, k) => {
      out.push({ name: `effect:${iv.id}:${k}`, label: `${iv.label}: ${effect.label ?? `effect ${k + 1}`}`, kind: 'effect' });
    });
  }
  for (const f of model.rateFactors) out.push({ name: `factor:${f.id}`, label: f.label, kind: 'rate_factor' });
  return out;
}

function slotRates(slot: PlanSlot): SlotState['rates'] {
  const list = (slot.periods ?? []).flatMap((period, k) => period.rates.map((rate, j) => ({ k, j, rate })));
  return {
    period: Int32Array.from(list, (x) => x.k),
    index: Int32Array.from(list, (x) => x.j),
    hashes: Int32Array.from(list, (x) => hashString(`rate:${x.rate.name}`) | 0),
    quantiles: new PreparedQuantiles(
      list.map((x) => x.rate.multiplier),
      0,
    ),
    means: Float64Array.from(list, (x) => Math.max(0, meanOf(x.rate.multiplier))),
  };
}

/** The distribution of each parameter, in parameterList's order; null for an absent intervention cost (always 0). */
function parameterDistributions(model: SimulationModel): Array<Distribution | null> {
  const out: Array<Distribution | null> = [];
  for (const c of model.unitCosts) out.push(c.amount);
  for (const e of model.eventCosts) out.push(e.amount);
  for (const iv of model.interventions) {
    out.push(iv.oneOff, iv.perWeek);
    for (const e of iv.effects) out.push(e.multiplier);
  }
  for (const f of model.rateFactors) out.push(f.multiplier);
  return out;
}

/**
 * Prices are per cell: (cost segment, state), cell = segment × nStates + state, because unit
 * costs may apply only at some ages.
 */
interface SlotState {
  slot: PlanSlot;
  /** The earlier slot whose prices this one shares (same agreed prices), or null: priced by itself. */
  priceTwin: SlotState | null;
  /** Per cell c, the (agency × 2 + cashable) lines that can carry a price: lines[lineStart[c] .. lineStart[c + 1]). */
  lineStart: Int32Array;
  lines: Int32Array;
  /** Per cell: pence per month of every line stated per month or per year. */
  statePence: Float64Array;
  /** [cell][agency][cashable] pence per month of lines stated per month or per year. */
  stateAgencyPence: Float64Array;
  /**
   * The same for lines stated per week (and actual weekly prices), in pence per standard month
   * (365/12 days); flush scales them to the calendar days of each financial year (days ÷ 7).
   */
  weeklyStatePence: Float64Array;
  weeklyAgencyPence: Float64Array;
  /** Placement fee pence per month per cell (non-weekly and weekly parts), and where it is booked. */
  feePence: Float64Array;
  feeWeeklyPence: Float64Array;
  feeAgency: Int32Array;
  feeCashable: Uint8Array;
  occFy: Int32Array;
  occAge: Int32Array;
  /** Which occupancy cells are non-zero, so flush visits only those (a person touches few). */
  touchedFy: Int32Array;
  touchedAge: Int32Array;
  nTouchedFy: number;
  nTouchedAge: number;
  rowStamp: Int32Array;
  rowCount: Int32Array;
  rowTargets: Int32Array;
  /** Per row: cumulative thresholds on 32 random bits (see cumulate), and below which bits one stays, and moves within the placement. */
  rowThresholds: Float64Array;
  rowStay: Float64Array;
  rowWithin: Float64Array;
  masks: number;
  nPeriods: number;
  /** This run's value of each period rate adjustment, [period][adjustment]. */
  rateValues: Float64Array[];
  /** Every period's rate adjustments in one list: their period and index, key hash, prepared distribution and mean. */
  rates: { period: Int32Array; index: Int32Array; hashes: Int32Array; quantiles: PreparedQuantiles; means: Float64Array };
}

export class Simulator {
  readonly model: SimulationModel;
  readonly layout: MetricLayout;
  readonly clock: ProjectionClock;
  readonly options: SimulatorOptions;
  readonly parameters: ParameterInfo[];
  /** This run's parameter values, in `parameters` order. */
  readonly parameterValues: Float64Array;

  private readonly parameterHashes: Int32Array;
  /** Each parameter's distribution prepared for inversion, its mean, and whether it is drawn (an absent cost is not). */
  private readonly parameterQuantiles: PreparedQuantiles;
  private readonly parameterMeans: Float64Array;
  private readonly parameterDrawn: Uint8Array;
  /** Where each group of parameters starts in `parameters` (per intervention: one-off, weekly, effects). */
  private readonly parameterAt: { unitCosts: number; eventCosts: number; interventions: Int32Array; rateFactors: number };
  /** This run's stream-key prefixes (see streamPrefix): Dirichlet rows and trajectories. */
  private rowPrefix = 0;
  private trajectoryPrefix = 0;
  private readonly slots: SlotState[] = [];
  private readonly stream = new Xoshiro128();
  private readonly trajectory = new Xoshiro128();
  private readonly rowKeys: Int32Array;
  private readonly drawnRows: Float64Array;
  /** Per row entry, its Dirichlet gamma's constants: [d, c, 1/shape or 0 or -1]; see gammaShapes. */
  private readonly gammaShapes: Float64Array;
  private readonly drawnStamp: Int32Array;
  private readonly ageRuleThresholds: Float64Array;
  private readonly ageRuleTargets: Int32Array;
  private readonly ageRuleCount: Int32Array;
  private readonly ageRuleStay: Float64Array;
  private readonly ageRuleWithin: Float64Array;
  private readonly ageRuleAt: Int32Array;
  private readonly flagBits: Uint8Array;
  /** Every (cost, cell) a unit cost prices, flattened: see the constructor. */
  private readonly priceEntries: Int32Array;
  /** This run's price of each unit cost in pence per month. */
  private readonly unitPence: Float64Array;
  /** Per unit cost, 1 when it is stated per week (priced by calendar days ÷ 7 at flush). */
  private readonly unitPerWeek: Uint8Array;
  private uncertainRows: boolean;
  private virtFy: Int32Array;
  private virtAge: Int32Array;
  private readonly scratchRow: Float64Array;
  private runStamp = 0;
  private unitValues: Float64Array;
  private eventPence: Float64Array;
  private oneOffPence: Float64Array;
  private weeklyPence: Float64Array;
  private effectValues: Float64Array[];
  private factorValues: Float64Array;

  constructor(model: SimulationModel, layout: MetricLayout, clock: ProjectionClock, options: SimulatorOptions) {
    this.model = model;
    this.layout = layout;
    this.clock = clock;
    this.options = options;
    this.parameters = parameterList(model);
    this.parameterValues = new Float64Array(this.parameters.length);
    this.parameterHashes = Int32Array.from(this.parameters, (p) => hashString(p.name) | 0);
    const distributions = parameterDistributions(model);
    this.parameterQuantiles = new PreparedQuantiles(distributions.map((d) => d ?? { type: 'fixed', value: 0 }), 0);
    this.parameterMeans = Float64Array.from(distributions, (d) => (d ? Math.max(0, meanOf(d)) : 0));
    this.parameterDrawn = Uint8Array.from(distributions, (d) => (d ? 1 : 0));
    const interventionsAt = new Int32Array(model.interventions.length);
    let next = model.unitCosts.length + model.eventCosts.length;
    model.interventions.forEach((iv, i) => {
      interventionsAt[i] = next;
      next += 2 + iv.effects.length;
    });
    this.parameterAt = { unitCosts: 0, eventCosts: model.unitCosts.length, interventions: interventionsAt, rateFactors: next };
    const nS = model.nStates;
    this.rowKeys = new Int32Array(model.nBands * nS);
    for (let b = 0; b < model.nBands; b++) {
      for (let s = 0; s < nS; s++) this.rowKeys[b * nS + s] = hashString(`${model.bandIds[b]}/${model.stateIds[s]}`) | 0;
    }
    this.drawnRows = new Float64Array(model.nBands * nS * nS);
    this.gammaShapes = gammaShapes(model, options.parameterUncertainty);
    this.drawnStamp = new Int32Array(model.nBands * nS).fill(-1);
    this.uncertainRows =
      options.parameterUncertainty &&
      (model.rowConcentration.some((c) => c > 0) || model.rateFactors.length > 0 || model.interventions.some((iv) => iv.effects.length > 0));

    // Age transition rows, cumulative, self first (see buildRow).
    const rules = model.ageTransitions;
    this.ageRuleAt = Int32Array.from(rules, (r) => r.ageMonths);
    this.ageRuleThresholds = new Float64Array(rules.length * nS * nS);
    this.ageRuleTargets = new Int32Array(rules.length * nS * nS);
    this.ageRuleCount = new Int32Array(rules.length * nS);
    this.ageRuleStay = new Float64Array(rules.length * nS);
    this.ageRuleWithin = new Float64Array(rules.length * nS);
    rules.forEach((rule, r) => {
      for (let s = 0; s < nS; s++) {
        if (!rule.appliesTo[s]) continue;
        const at = (r * nS + s) * nS;
        this.ageRuleCount[r * nS + s] = cumulate(rule.rows.subarray(s * nS, s * nS + nS), s, this.ageRuleTargets, this.ageRuleThresholds, at, this.ageRuleStay, this.ageRuleWithin, r * nS + s, this.withinRate(s));
      }
    });

    const cells = model.nCostSegments * nS;
    this.basePrices = {
      statePence: new Float64Array(cells),
      stateAgencyPence: new Float64Array(cells * layout.nAgencies * 2),
      weeklyStatePence: new Float64Array(cells),
      weeklyAgencyPence: new Float64Array(cells * layout.nAgencies * 2),
      feePence: new Float64Array(cells),
      feeWeeklyPence: new Float64Array(cells),
      feeAgency: new Int32Array(cells),
      feeCashable: new Uint8Array(cells),
    };
    // Which cells each unit cost prices, in (segment, cost, state) order: [cost, cell, agency cell, placement fee].
    // Where a cell's placement fee is booked (its first fee line) does not change from run to run.
    const entries: number[] = [];
    const nCosts = model.unitCosts.length;
    this.basePrices.feeAgency.fill(-1);
    for (let g = 0; g < model.nCostSegments; g++) {
      for (let i = 0; i < nCosts; i++) {
        if (!model.unitCostInSegment[g * nCosts + i]) continue;
        const c = model.unitCosts[i];
        const cashable = c.cashable ? 1 : 0;
        for (let s = 0; s < nS; s++) {
          if (c.states[s] !== 1) continue;
          const cell = g * nS + s;
          entries.push(i, cell, (cell * layout.nAgencies + c.agency) * 2 + cashable, c.placementFee ? 1 : 0);
          if (c.placementFee && this.basePrices.feeAgency[cell] < 0) {
            this.basePrices.feeAgency[cell] = c.agency;
            this.basePrices.feeCashable[cell] = cashable;
          }
        }
      }
    }
    for (let cell = 0; cell < cells; cell++) {
      if (this.basePrices.feeAgency[cell] < 0) {
        // No fee line: an actual price is booked to children's social care, cashable.
        this.basePrices.feeAgency[cell] = 0;
        this.basePrices.feeCashable[cell] = 1;
      }
    }
    this.priceEntries = Int32Array.from(entries);
    this.unitPence = new Float64Array(nCosts);
    this.unitPerWeek = Uint8Array.from(model.unitCosts, (c) => (c.perWeek ? 1 : 0));
    this.flagBits = new Uint8Array(nS);
    for (let s = 0; s < nS; s++) {
      this.flagBits[s] =
        (model.flags.inCare[s] ? FLAG_IN_CARE : 0) | (model.flags.custody[s] ? FLAG_CUSTODY : 0) | (model.flags.homeless[s] ? FLAG_HOMELESS : 0) |
        (model.flags.careLeaver[s] ? FLAG_CARE_LEAVER : 0);
    }
    this.virtFy = new Int32Array(layout.nFinancialYears * model.nCostSegments);
    this.weekScale = weeklyDayCountFactors(clock, layout.nFinancialYears);
    this.virtAge = new Int32Array(layout.nAgeYears);
    this.scratchRow = new Float64Array(nS);
    this.unitValues = new Float64Array(model.unitCosts.length);
    this.eventPence = new Float64Array(model.eventCosts.length);
    this.oneOffPence = new Float64Array(model.interventions.length);
    this.weeklyPence = new Float64Array(model.interventions.length);
    this.effectValues = model.interventions.map((iv) => new Float64Array(iv.effects.length));
    this.factorValues = new Float64Array(model.rateFactors.length);
  }

  /** Registers a plan; returns its slot number for simulate() and flush(). */
  addSlot(slot: PlanSlot): number {
    if (this.options.parameterUncertainty && slot.periods?.some((p) => p.rates.length > 0)) this.uncertainRows = true;
    const nS = this.model.nStates;
    const nA = this.layout.nAgencies;
    const masks = 1 << slot.interventions.length;
    const nPeriods = Math.max(1, slot.periods?.length ?? 1);
    const rowSlots = nPeriods * masks * this.model.nBands * nS;
    const cells = this.model.nCostSegments * nS;
    // A row depends on the run, the slot's interventions (the mask's bits) and its periods' rate
    // changes and redirects, nothing else of the slot: slots alike in those share their rows, so
    // a row two plans visit in a run is built once (the plans of a projection that differ only
    // in moves and prices).
    const twin = this.slots.find((other) => sameRows(other.slot, slot));
    const rows = twin
      ? { rowStamp: twin.rowStamp, rowCount: twin.rowCount, rowTargets: twin.rowTargets, rowThresholds: twin.rowThresholds, rowStay: twin.rowStay, rowWithin: twin.rowWithin }
      : {
          rowStamp: new Int32Array(rowSlots).fill(-1),
          rowCount: new Int32Array(rowSlots),
          rowTargets: new Int32Array(rowSlots * nS),
          rowThresholds: new Float64Array(rowSlots * nS),
          rowStay: new Float64Array(rowSlots),
          rowWithin: new Float64Array(rowSlots),
        };
    // Prices depend on the run and the slot's agreed prices only: slots with the same agreed
    // prices (often none) share them, priced once per run by the first.
    const priceTwin = this.slots.find((other) => other.priceTwin === null && samePrices(other.slot, slot)) ?? null;
    const prices = priceTwin
      ? {
          statePence: priceTwin.statePence,
          stateAgencyPence: priceTwin.stateAgencyPence,
          weeklyStatePence: priceTwin.weeklyStatePence,
          weeklyAgencyPence: priceTwin.weeklyAgencyPence,
          feePence: priceTwin.feePence,
          feeWeeklyPence: priceTwin.feeWeeklyPence,
          lineStart: priceTwin.lineStart,
          lines: priceTwin.lines,
        }
      : {
          statePence: new Float64Array(cells),
          stateAgencyPence: new Float64Array(cells * nA * 2),
          weeklyStatePence: new Float64Array(cells),
          weeklyAgencyPence: new Float64Array(cells * nA * 2),
          feePence: new Float64Array(cells),
          feeWeeklyPence: new Float64Array(cells),
          ...this.priceLines(slot),
        };
    this.slots.push({
      slot,
      priceTwin,
      ...prices,
      // Where fees are booked does not change between runs (see the constructor).
      feeAgency: Int32Array.from(this.basePrices.feeAgency),
      feeCashable: Uint8Array.from(this.basePrices.feeCashable),
      occFy: new Int32Array(this.layout.nFinancialYears * cells),
      occAge: new Int32Array(this.layout.nAgeYears * nS),
      touchedFy: new Int32Array(this.layout.nFinancialYears * cells),
      touchedAge: new Int32Array(this.layout.nAgeYears * nS),
      nTouchedFy: 0,
      nTouchedAge: 0,
      ...rows,
      masks,
      nPeriods,
      rateValues: (slot.periods ?? []).map((period) => new Float64Array(period.rates.length)),
      rates: slotRates(slot),
    });
    return this.slots.length - 1;
  }

  /** Parameter values drawn ahead by prepareRuns: [run - runStart][parameter]. */
  private prepared = { seed: -1, runStart: 0, runEnd: 0, values: new Float64Array(0) };
  private preparedUniforms = new Float64Array(0);

  /**
   * Draws the parameters of runs [runStart, runEnd) ahead, one parameter at a time across the
   * runs, for beginRun to pick up. The values are exactly beginRun's own (each draw has its own
   * keyed stream, so the order of drawing is free); the point is the order of memory access.
   * A PERT parameter's quantile table is 32 KB and some 40 of them do not stay in cache, so a
   * look-up is mostly a cache miss: with one parameter's uniforms computed first, its look-ups
   * do not wait on hashing and many can be in flight at once (measured: about a third less
   * time than drawing run by run; a chunk of 250 runs is too few to keep a table in cache).
   */
  prepareRuns(seed: number, runStart: number, runEnd: number): void {
    if (!this.options.parameterUncertainty) return;
    const runs = runEnd - runStart;
    const nParameters = this.parameterValues.length;
    const prepared = this.prepared;
    if (prepared.values.length < runs * nParameters) prepared.values = new Float64Array(runs * nParameters);
    const prefixes = new Int32Array(runs);
    for (let r = 0; r < runs; r++) prefixes[r] = streamPrefix(seed, StreamPurpose.parameters, runStart + r);
    const quantiles = this.parameterQuantiles;
    const values = prepared.values;
    if (this.preparedUniforms.length < runs) this.preparedUniforms = new Float64Array(runs);
    const uniforms = this.preparedUniforms;
    for (let p = 0; p < nParameters; p++) {
      if (this.parameterDrawn[p] === 0) {
        for (let r = 0; r < runs; r++) values[r * nParameters + p] = 0;
        continue;
      }
      // The uniforms first, then the look-ups: table reads that do not wait on hashing can be
      // in flight together.
      this.stream.keyedOpenDoubles(prefixes, this.parameterHashes[p], uniforms, runs);
      quantiles.column(p, uniforms, runs, values, p, nParameters);
    }
    prepared.seed = seed;
    prepared.runStart = runStart;
    prepared.runEnd = runEnd;
  }

  /** Which lines can price each cell under a slot: the unit costs' lines, and the fee line where the slot sets a price. */
  private priceLines(slot: PlanSlot): { lineStart: Int32Array; lines: Int32Array } {
    const nS = this.model.nStates;
    const width = this.layout.nAgencies * 2;
    const cells = this.model.nCostSegments * nS;
    const used = new Uint8Array(cells * width);
    const entries = this.priceEntries;
    for (let e = 0; e < entries.length; e += 4) used[entries[e + 2]] = 1;
    for (let g = 0; g < this.model.nCostSegments; g++) {
      for (const { state: s } of slot.statePrices) {
        const cell = g * nS + s;
        used[cell * width + this.basePrices.feeAgency[cell] * 2 + this.basePrices.feeCashable[cell]] = 1;
      }
    }
    const lineStart = new Int32Array(cells + 1);
    const lines: number[] = [];
    for (let c = 0; c < cells; c++) {
      for (let k = 0; k < width; k++) if (used[c * width + k]) lines.push(k);
      lineStart[c + 1] = lines.length;
    }
    return { lineStart, lines: Int32Array.from(lines) };
  }

  /** Draws this run's parameters and prices every slot. Call before simulating run `run`. */
  beginRun(seed: number, run: number): void {
    if (this.uncertainRows) this.runStamp++;
    this.rowPrefix = streamPrefix(seed, StreamPurpose.dirichletRow, run);
    this.trajectoryPrefix = streamPrefix(seed, StreamPurpose.trajectory, run);
    const uncertain = this.options.parameterUncertainty;
    const values = this.parameterValues;
    if (uncertain && seed === this.prepared.seed && run >= this.prepared.runStart && run < this.prepared.runEnd) {
      const at = (run - this.prepared.runStart) * values.length;
      for (let p = 0; p < values.length; p++) values[p] = this.prepared.values[at + p];
    } else if (uncertain) {
      // Each parameter's uniform is keyed by (seed, run, its name): the same draw in every model
      // variant that has it, whatever else the variant adds.
      const prefix = streamPrefix(seed, StreamPurpose.parameters, run);
      const quantiles = this.parameterQuantiles;
      for (let p = 0; p < values.length; p++) {
        values[p] = this.parameterDrawn[p] ? quantiles.at(p, this.stream.reseedFrom(prefix, this.parameterHashes[p]).nextOpenDouble()) : 0;
      }
    } else {
      // Parameters sit at their means (not medians): the exact oracle's setting.
      values.set(this.parameterMeans);
    }
    const at = this.parameterAt;
    const k = this.options.modelCostScale ?? 1;
    for (let i = 0; i < this.unitValues.length; i++) this.unitValues[i] = values[at.unitCosts + i] * k;
    for (let i = 0; i < this.eventPence.length; i++) this.eventPence[i] = Math.round(values[at.eventCosts + i] * k * 100);
    for (let i = 0; i < this.oneOffPence.length; i++) {
      const p = at.interventions[i];
      this.oneOffPence[i] = this.parameterDrawn[p] ? Math.round(values[p] * k * 100) : 0;
      this.weeklyPence[i] = this.parameterDrawn[p + 1] ? Math.round(values[p + 1] * k * WEEKS_PER_MONTH * 100) : 0;
      const effects = this.effectValues[i];
      for (let k = 0; k < effects.length; k++) effects[k] = values[p + 2 + k];
    }
    for (let i = 0; i < this.factorValues.length; i++) this.factorValues[i] = values[at.rateFactors + i];
    this.priceBase();
    for (const state of this.slots) {
      if (state.priceTwin === null) this.priceSlot(state);
      const rates = state.rates;
      for (let r = 0; r < rates.period.length; r++) {
        state.rateValues[rates.period[r]][rates.index[r]] = uncertain
          ? rates.quantiles.at(r, keyedUniform(this.stream, seed, run, rates.hashes[r]))
          : rates.means[r];
      }
    }
  }

  /** This run's prices before any plan's own prices: computed once per run, copied into each slot. */
  private readonly basePrices: {
    statePence: Float64Array;
    stateAgencyPence: Float64Array;
    weeklyStatePence: Float64Array;
    weeklyAgencyPence: Float64Array;
    feePence: Float64Array;
    feeWeeklyPence: Float64Array;
    feeAgency: Int32Array;
    feeCashable: Uint8Array;
  };

  /**
   * Per financial year, what a standard month (365/12 days) of a weekly price becomes so that a
   * year's weekly costs are its calendar days ÷ 7, the first month pro rata from the start day:
   * the budget's rule (src/finance/day-count.ts).
   */
  private readonly weekScale: Float64Array;

  private priceBase(): void {
    const model = this.model;
    const base = this.basePrices;
    const pence = this.unitPence;
    // Weekly lines stay unrounded per standard month: they are rounded to the penny once per
    // financial year, after scaling to its calendar days (flush).
    for (let i = 0; i < pence.length; i++) {
      const monthly = this.unitValues[i] * model.unitCosts[i].toMonthly * 100;
      pence[i] = this.unitPerWeek[i] === 1 ? monthly : Math.round(monthly);
    }
    base.statePence.fill(0);
    base.stateAgencyPence.fill(0);
    base.weeklyStatePence.fill(0);
    base.weeklyAgencyPence.fill(0);
    base.feePence.fill(0);
    base.feeWeeklyPence.fill(0);
    const weekly = this.unitPerWeek;
    const entries = this.priceEntries;
    for (let e = 0; e < entries.length; e += 4) {
      const i = entries[e];
      const amount = pence[i];
      const cell = entries[e + 1];
      if (weekly[i] === 1) {
        base.weeklyStatePence[cell] += amount;
        base.weeklyAgencyPence[entries[e + 2]] += amount;
        if (entries[e + 3] === 1) base.feeWeeklyPence[cell] += amount;
      } else {
        base.statePence[cell] += amount;
        base.stateAgencyPence[entries[e + 2]] += amount;
        if (entries[e + 3] === 1) base.feePence[cell] += amount;
      }
    }
  }


  private priceSlot(state: SlotState): void {
    const model = this.model;
    const nS = model.nStates;
    const nA = this.layout.nAgencies;
    const base = this.basePrices;
    state.statePence.set(base.statePence);
    state.stateAgencyPence.set(base.stateAgencyPence);
    state.weeklyStatePence.set(base.weeklyStatePence);
    state.weeklyAgencyPence.set(base.weeklyAgencyPence);
    state.feePence.set(base.feePence);
    state.feeWeeklyPence.set(base.feeWeeklyPence);
    for (let g = 0; g < model.nCostSegments; g++) {
      for (const { state: s, weeklyPrice } of state.slot.statePrices) {
        const cell = g * nS + s;
        // The agreed weekly price replaces the fee, whichever way the fee was stated.
        const pence = weeklyPrice * WEEKS_PER_MONTH * 100;
        const at = (cell * nA + state.feeAgency[cell]) * 2 + state.feeCashable[cell];
        state.statePence[cell] -= state.feePence[cell];
        state.stateAgencyPence[at] -= state.feePence[cell];
        state.feePence[cell] = 0;
        const delta = pence - state.feeWeeklyPence[cell];
        state.weeklyStatePence[cell] += delta;
        state.weeklyAgencyPence[at] += delta;
        state.feeWeeklyPence[cell] = pence;
      }
    }
  }

  /** Copies this run's base row for (band, state) into `p`, drawing it first if its rates are uncertain. */
  private baseRowInto(band: number, s: number, p: Float64Array): void {
    const model = this.model;
    const nS = model.nStates;
    const key = band * nS + s;
    const concentration = this.options.parameterUncertainty ? model.rowConcentration[key] : 0;
    const at = key * nS;
    const rows = model.baseRows;
    if (concentration <= 0) {
      for (let j = 0; j < nS; j++) p[j] = rows[at + j];
      return;
    }
    const drawn = this.drawnRows;
    if (this.drawnStamp[key] !== this.runStamp) {
      // Dirichlet(concentration × p) by normalised gamma draws, from the row's own stream:
      // sampleGamma(concentration × q) with its shape's constants prepared (gammaShapes).
      const rng = this.rowUniforms.reseedFrom(this.rowPrefix, this.rowKeys[key]);
      const shapes = this.gammaShapes;
      let sum = 0;
      for (let j = 0; j < nS; j++) {
        const q = rows[at + j];
        let g = 0;
        if (q > 0) {
          const k = (at + j) * 3;
          const invShape = shapes[k + 2];
          if (invShape > 0) {
            // Shape below 1: Marsaglia and Tsang's boost, drawn first as sampleGamma does.
            const boost = rng.nextOpenDouble() ** invShape;
            g = sampleGammaPrepared(shapes[k], shapes[k + 1], rng) * boost;
          } else if (invShape === 0) g = sampleGammaPrepared(shapes[k], shapes[k + 1], rng);
        }
        drawn[at + j] = g;
        sum += g;
      }
      if (sum > 0) for (let j = 0; j < nS; j++) drawn[at + j] /= sum;
      else for (let j = 0; j < nS; j++) drawn[at + j] = rows[at + j];
      this.drawnStamp[key] = this.runStamp;
    }
    for (let j = 0; j < nS; j++) p[j] = drawn[at + j];
  }

  /** The Dirichlet rows' uniforms: each row's keyed stream, drawn ahead (see UniformBlock). */
  private readonly rowUniforms = new UniformBlock();

  /** The monthly rate of moves within the same kind of placement in state s (0 outside placements). */
  private withinRate(s: number): number {
    const rate = this.model.withinStateMove[s];
    return this.model.isPlacement[s] === 1 && rate > 0 ? rate : 0;
  }

  /**
   * Builds the cumulative row for (period, mask, band, state) under a slot's active interventions:
   * rate factors, then the active interventions' effects, then the period's rate changes, each
   * scaling exits; staying takes up the difference; then capacity redirects. (Loops, not
   * callbacks: this runs for every row a run visits.)
   */
  private buildRow(state: SlotState, rowSlot: number, period: number, mask: number, band: number, s: number): void {
    const model = this.model;
    const nS = model.nStates;
    const p = this.scratchRow;
    this.baseRowInto(band, s, p);
    let changed = false;
    const factors = model.rateFactors;
    for (let i = 0; i < factors.length; i++) {
      if (factors[i].from[s]) {
        scaleExits(p, s, factors[i].to, this.factorValues[i]);
        changed = true;
      }
    }
    const slotInterventions = state.slot.interventions;
    for (let bit = 0; bit < slotInterventions.length; bit++) {
      if (!(mask & (1 << bit))) continue;
      const iv = slotInterventions[bit];
      const effects = model.interventions[iv].effects;
      const values = this.effectValues[iv];
      for (let k = 0; k < effects.length; k++) {
        if (effects[k].from[s]) {
          scaleExits(p, s, effects[k].to, values[k]);
          changed = true;
        }
      }
    }
    const rules = state.slot.periods?.[period];
    if (rules) {
      const values = state.rateValues[period];
      for (let j = 0; j < rules.rates.length; j++) {
        if (rules.rates[j].from[s]) {
          scaleExits(p, s, rules.rates[j].to, values[j]);
          changed = true;
        }
      }
    }
    if (changed) settleStay(p, s);
    if (rules) for (const redirect of rules.redirects) redirectMoves(p, s, redirect.state, redirect.overflow, redirect.fraction);
    state.rowCount[rowSlot] = cumulate(p, s, state.rowTargets, state.rowThresholds, rowSlot * nS, state.rowStay, state.rowWithin, rowSlot, this.withinRate(s));
    state.rowStamp[rowSlot] = this.runStamp;
  }

  /**
   * Where simulate() counts, per financial year, people looked after on 31 March who have held
   * three or more placements in that year (the DfE stability measure): stabilityOut[stabilityBase
   * + fy]. Null (the default): not counted. Kept apart from the run vector so its layout, and
   * every figure in it, stay as they were; it uses no random numbers.
   */
  stabilityOut: Float64Array | null = null;
  stabilityBase = 0;

  /** Per-trajectory scratch for interventions: when each slot bit's effect ends, and whether it was delivered. */
  private ivEnd = new Int32Array(32);
  private ivDelivered = new Uint8Array(32);

  /**
   * Delivers the intervention of a slot bit at month m (if the person is eligible): its costs
   * are booked for its whole duration, its effect switched on. Returns the new mask.
   */
  private deliver(state: SlotState, out: Float64Array, base: number, bit: number, m: number, months: number, s: number, age: number, fy: number, cm: number, mask: number): number {
    const model = this.model;
    const ivIndex = state.slot.interventions[bit];
    const iv = model.interventions[ivIndex];
    if (!iv.eligible[s] || age < iv.minAgeMonths || age >= iv.maxAgeMonths) return mask;
    this.ivDelivered[bit] = 1;
    this.ivEnd[bit] = m + iv.effectMonths;
    out[base + this.layout.delivered + ivIndex] += 1;
    this.bookCost(out, base, fy, Math.floor(age / 12), iv.agency, this.oneOffPence[ivIndex], ivIndex);
    let f = fy;
    let c = cm;
    let a = age;
    const weekly = this.weeklyPence[ivIndex];
    for (let t = m; t < Math.min(months, m + iv.durationMonths); t++) {
      this.bookCost(out, base, f, Math.floor(a / 12), iv.agency, f < this.weekScale.length ? subPenny(weekly * this.weekScale[f]) : weekly, ivIndex);
      c = c === 11 ? 0 : c + 1;
      if (c === 3) f++;
      a++;
    }
    return iv.effectMonths > 0 ? mask | (1 << bit) : mask;
  }

  /** Offers the slot's capacity-limited interventions to someone now in state s, if eligible. */
  private offer(state: SlotState, out: Float64Array, base: number, draw: number, m: number, months: number, s: number, age: number, fy: number, cm: number, mask: number): number {
    for (const offer of state.slot.offers ?? NO_OFFERS) {
      if (this.ivDelivered[offer.bit] || m < offer.firstMonth || !offer.eligible[s] || age < offer.minAgeMonths || age >= offer.maxAgeMonths) continue;
      const byYear = offer.probabilityByYear;
      const probability = byYear[Math.min(fy, byYear.length - 1)];
      // One uniform per person decides every offer: a place at probability p also means a
      // place at any higher p, so more capacity never takes a place away from anyone.
      if (draw < probability) mask = this.deliver(state, out, base, offer.bit, m, months, s, age, fy, cm, mask);
    }
    return mask;
  }

  /**
   * Simulates one person under one plan for the current run, adding into `out` at `base`
   * (a block of layout.size) everything that is not a recurring cost; recurring costs collect
   * in the slot's occupancy counts until flush().
   *
   * With `cursors` (the shared-places engine), the person is entry `i` of them: they may pause
   * between months and be resumed by calling again with the same cursors and index; the
   * person's numbers are the same either way.
   */
  simulate(slotIndex: number, person: PersonPlan, out: Float64Array, base: number, cursors: PersonCursors | null = null, i = 0): void {
    const model = this.model;
    const layout = this.layout;
    const state = this.slots[slotIndex];
    const slot = state.slot;
    const nS = model.nStates;
    const nBands = model.nBands;
    const offset = person.offset ?? 0;
    const months = Math.min(person.months, offset + model.horizonAgeMonths - person.ageMonths);
    if (months <= offset) {
      if (cursors !== null) cursors.finished[i] = 1;
      return;
    }
    if (!(person.ageMonths >= 0) || !(person.startState >= 0 && person.startState < nS)) {
      throw new Error(`invalid person: age ${person.ageMonths} months, state ${person.startState}`);
    }

    const resuming = cursors !== null && cursors.started[i] === 1;
    const rng = this.trajectory;
    if (!resuming) rng.reseedFrom(this.trajectoryPrefix, person.key);
    const offers = slot.offers ?? NO_OFFERS;
    // Drawn from the trajectory's own stream before the monthly draws, so every variant of
    // the same person uses the same monthly numbers whatever it offers.
    // (Read only by offers: kept in the cursors only when the slot has some.)
    const offerDraw = resuming ? (offers.length > 0 ? (cursors as PersonCursors).offerDraw[i] : 0) : rng.nextDouble();
    // This person's block of cursors.saved (read and written only when they resume or pause).
    const savedAt = i * SAVED_STRIDE;
    // Commissioned places given by the places engine, delivered at the first month simulated
    // now (month m + 1 on resuming, the first month on starting): read once, not every month.
    let given = 0;
    if (cursors !== null && cursors.deliverMask[i] !== 0) {
      given = cursors.deliverMask[i];
      cursors.deliverMask[i] = 0;
    }

    const occFy = state.occFy;
    const occAge = state.occAge;
    const touchedFy = state.touchedFy;
    const touchedAge = state.touchedAge;
    let nTouchedFy = state.nTouchedFy;
    let nTouchedAge = state.nTouchedAge;
    const rowStamp = state.rowStamp;
    const rowTargets = state.rowTargets;
    const rowThresholds = state.rowThresholds;
    const rowStay = state.rowStay;
    const rowWithin = state.rowWithin;
    const ageRuleCount = this.ageRuleCount;
    const ageRuleThresholds = this.ageRuleThresholds;
    const ageRuleTargets = this.ageRuleTargets;
    const ageRuleWithin = this.ageRuleWithin;
    const bandOfAge = model.bandOfAgeMonth;
    const flagBits = this.flagBits;
    const isPlacement = model.isPlacement;
    const inCare = model.flags.inCare;
    const runStamp = this.runStamp;
    const eoyBase = base + layout.endOfYearState;
    const outcomeBase = base + layout.outcomes;
    const segmentOfAge = model.costSegmentOfAgeMonth;
    const nSeg = model.nCostSegments;
    const cellsPerYear = nSeg * nS;
    const masks = state.masks;
    const lastPeriod = state.nPeriods - 1;
    const ruleAt = this.ageRuleAt;
    const watch = cursors !== null ? cursors.watch[i] : null;
    const pauseAt = cursors !== null ? cursors.pauseAt[i] : NO_EVENT;
    // Months at the actual price are counted in the person's own arrays while people interleave
    // (the kernel's own are for a person simulated in one go).
    const ownVirtFy = this.virtFy;
    const ownVirtAge = this.virtAge;
    if (cursors !== null && person.currentPlacementWeeklyPrice !== null) {
      this.virtFy = cursors.virtFy[i] ??= new Int32Array(ownVirtFy.length);
      this.virtAge = cursors.virtAge[i] ??= new Int32Array(ownVirtAge.length);
    }

    // Clocks at the person's first month.
    const firstCalendar = this.clock.startMonth - 1 + offset;
    let cm = firstCalendar % 12;
    let fy = Math.floor((firstCalendar + 9) / 12) - Math.floor((this.clock.startMonth - 1 + 9) / 12);
    let fyOff = fy * cellsPerYear;
    let periodBase = Math.min(fy, lastPeriod) * masks;
    let age = person.ageMonths;
    let ageYear = Math.floor(age / 12);
    let ageOff = ageYear * nS;
    let seg = segmentOfAge[age];
    let segOff = seg * nS;
    // The shared-places engine may start someone elsewhere (no place free in their state).
    let s = cursors !== null && !resuming ? cursors.s[i] : person.startState;
    // Months in today's placement at its actual price come first and run until the first move:
    // counted in virtFy/virtAge, whose used range ends at (virtLastFy, virtLastAge).
    let virt = person.currentPlacementWeeklyPrice !== null ? 1 : 0;
    let virtLastFy = fy;
    let virtLastAge = ageYear;
    let ever = 0;
    // Placements held in the current financial year: the one held in April (or at the start),
    // plus one for each move into a placement; read in March for placement stability (below).
    // In the first year a person on record also brings the placements their history shows
    // earlier in that year, before today's (the DfE measure counts the whole year).
    const stability = this.stabilityOut;
    const stabilityBase = this.stabilityBase;
    let placementsThisYear = isPlacement[s] + (offset === 0 ? (person.placementsEarlierThisYear ?? 0) : 0);
    let mask = 0;

    // The next birthday with an age rule.
    let ruleIndex = -1;
    let ruleAge = -1;
    for (let r = 0; r < ruleAt.length; r++) {
      if (ruleAt[r] > age && (ruleAge < 0 || ruleAt[r] < ruleAge)) {
        ruleAge = ruleAt[r];
        ruleIndex = r;
      }
    }

    // Plan events: moves, scheduled intervention starts, effect ends, offers opening.
    const moves = person.moves;
    const starts = person.interventions;
    let moveIndex = 0;
    let plannedState = person.startState;
    const bits = slot.interventions.length;
    let nextEvent = NO_EVENT;
    let loopStart = offset;
    let resume = false;
    let usedVirt = virt;
    let firstFy = fy;
    let firstAgeYear = ageYear;
    if (!resuming) {
      if (bits > 0) {
        this.ivEnd.fill(-1, 0, bits);
        this.ivDelivered.fill(0, 0, bits);
      }
      nextEvent = moves.length + starts.length + offers.length > 0 ? this.nextPlanEvent(offset - 1, moves, starts, offers, bits) : NO_EVENT;
      // (A method rather than a closure: a closure would move the loop's variables off the stack.)
      if (nextEvent === offset) {
        mask = this.planEvents(state, person, out, base, offerDraw, offset, months, s, age, fy, cm, mask);
        nextEvent = this.nextPlanEvent(offset, moves, starts, offers, bits);
      }
      if (offers.length > 0 && offset > 0) {
        mask = this.offer(state, out, base, offerDraw, offset, months, s, age, fy, cm, mask);
        // An intervention given now ends its effect at a plan event still to be scheduled.
        nextEvent = Math.min(nextEvent, this.nextPlanEvent(offset, moves, starts, offers, bits));
      }
      if (cursors !== null) {
        cursors.started[i] = 1;
        if (offers.length > 0) cursors.offerDraw[i] = offerDraw;
        cursors.months[i] = months;
        // The stream's state stays in this.trajectory until the person pauses, and is saved in
        // the cursors only then (below): most people never pause.
        if (given !== 0) {
          mask = this.deliverGiven(state, out, base, given, offset, months, s, age, fy, cm, mask);
          given = 0;
          nextEvent = Math.min(nextEvent, this.nextPlanEvent(offset, moves, starts, offers, bits));
        }
      }
    }
    const words = rng.state;
    let r0 = words[0];
    let r1 = words[1];
    let r2 = words[2];
    let r3 = words[3];
    if (resuming) {
      const c = cursors as PersonCursors;
      const v = c.saved;
      loopStart = c.m[i];
      resume = true;
      s = c.s[i];
      age = c.ageMonths[i];
      r0 = v[savedAt + Saved.word0];
      r1 = v[savedAt + Saved.word1];
      r2 = v[savedAt + Saved.word2];
      r3 = v[savedAt + Saved.word3];
      cm = v[savedAt + Saved.cm];
      fy = v[savedAt + Saved.fy];
      fyOff = v[savedAt + Saved.fyOff];
      periodBase = v[savedAt + Saved.periodBase];
      ageYear = v[savedAt + Saved.ageYear];
      ageOff = v[savedAt + Saved.ageOff];
      seg = v[savedAt + Saved.seg];
      segOff = v[savedAt + Saved.segOff];
      virt = v[savedAt + Saved.virt];
      usedVirt = v[savedAt + Saved.usedVirt];
      firstFy = v[savedAt + Saved.firstFy];
      firstAgeYear = v[savedAt + Saved.firstAgeYear];
      virtLastFy = v[savedAt + Saved.virtLastFy];
      virtLastAge = v[savedAt + Saved.virtLastAge];
      ever = v[savedAt + Saved.ever];
      mask = v[savedAt + Saved.mask];
      ruleIndex = v[savedAt + Saved.ruleIndex];
      ruleAge = v[savedAt + Saved.ruleAge];
      moveIndex = v[savedAt + Saved.moveIndex];
      plannedState = v[savedAt + Saved.plannedState];
      nextEvent = v[savedAt + Saved.nextEvent];
      placementsThisYear = v[savedAt + Saved.placementsThisYear];
      for (let bit = 0; bit < bits; bit++) {
        this.ivEnd[bit] = c.ivEnd[i * IV_SLOTS + bit];
        this.ivDelivered[bit] = c.ivDelivered[i * IV_SLOTS + bit];
      }
    }

    for (let m = loopStart; ; m++) {
      let next: number;
      let movedWithin: boolean;
      if (resume) {
        // The pending transition, as the shared-places engine left it.
        const c = cursors as PersonCursors;
        resume = false;
        next = c.next[i];
        movedWithin = c.movedWithin[i] === 1 && next === s;
      } else {
      const cell = fyOff + segOff + s;
      if (cm === 3 && m > offset) placementsThisYear = isPlacement[s];
      if (occFy[cell]++ === 0) touchedFy[nTouchedFy++] = cell;
      if (occAge[ageOff + s]++ === 0) touchedAge[nTouchedAge++] = ageOff + s;
      if (virt) {
        this.virtFy[fy * nSeg + seg] += 1;
        this.virtAge[ageYear] += 1;
      }
      ever |= flagBits[s];
      if (cm === 2) {
        out[eoyBase + fy * nS + s] += 1;
        if (stability !== null && inCare[s] && placementsThisYear >= 3) stability[stabilityBase + fy] += 1;
        // The year outcomes block (layout.yearOutcomes), when the layout has one: read here, in
        // March only, so that the monthly loop carries no more live variables than before.
        if (layout.yearOutcomes >= 0) this.countYearOutcomes(out, base + layout.yearOutcomes + fy * YEAR_OUTCOME_COUNT, s, ageYear, placementsThisYear, ever);
      }
      if (m + 1 >= months) break;

      // xoshiro128** inline: 32 random bits for this month's transition. Rows are integer
      // thresholds on them (see cumulate): u = result / 2^32 against a probability, exactly.
      let result = Math.imul(rotl(Math.imul(r1, 5), 7), 9) >>> 0;
      let t = r1 << 9;
      r2 ^= r0;
      r3 ^= r1;
      r1 ^= r2;
      r0 ^= r3;
      r2 ^= t;
      r3 = (r3 << 11) | (r3 >>> 21);

      let within: number;
      if (age + 1 === ruleAge && ageRuleCount[ruleIndex * nS + s] > 0) {
        let k = (ruleIndex * nS + s) * nS;
        while (result >= ageRuleThresholds[k]) k++;
        next = ageRuleTargets[k];
        within = ageRuleWithin[ruleIndex * nS + s];
      } else {
        const band = bandOfAge[age];
        const rowSlot = ((periodBase + mask) * nBands + band) * nS + s;
        if (rowStamp[rowSlot] !== runStamp) this.buildRow(state, rowSlot, Math.floor(periodBase / masks), mask, band, s);
        const stay = rowStay[rowSlot];
        within = rowWithin[rowSlot];
        if (result < stay && result >= within) {
          // A quiet month: staying put, no move within the placement. The months after it that
          // share its row, with no plan event, need nothing but a draw; they are counted at
          // once. Bounds: the birthday (age year, band, cost segment), age-rule month, plan
          // event, the last month, and the next April where the rows change with the financial
          // year (a period still to come); otherwise the run may cross April (its months are
          // split between the two years below).
          const april = m + (cm < 3 ? 3 - cm : 15 - cm);
          let limit = fy < lastPeriod ? april : months;
          const birthday = m + 12 - (age % 12);
          if (birthday < limit) limit = birthday;
          if (ruleAge >= 0 && m + ruleAge - 1 - age < limit) limit = m + ruleAge - 1 - age;
          if (nextEvent < limit) limit = nextEvent;
          if (pauseAt + 1 < limit) limit = pauseAt + 1;
          if (months - 1 < limit) limit = months - 1;
          let j = m;
          while (j + 1 < limit) {
            j++;
            result = Math.imul(rotl(Math.imul(r1, 5), 7), 9) >>> 0;
            t = r1 << 9;
            r2 ^= r0;
            r3 ^= r1;
            r1 ^= r2;
            r0 ^= r3;
            r2 ^= t;
            r3 = (r3 << 11) | (r3 >>> 21);
            if (result >= stay || result < within) break;
          }
          const n = j - m;
          if (n > 0) {
            // Months m+1..j: the same age year and state as month m; those before April in its
            // financial year (n1), those from April (if the run crossed it) in the next.
            const n1 = j < april ? n : april - 1 - m;
            occFy[fyOff + segOff + s] += n1;
            occAge[ageOff + s] += n;
            if (virt) {
              this.virtFy[fy * nSeg + seg] += n1;
              this.virtAge[ageYear] += n;
            }
            const toMarch = cm <= 2 ? 2 - cm : 14 - cm;
            if (toMarch >= 1 && toMarch <= n) {
              out[eoyBase + fy * nS + s] += 1;
              if (stability !== null && inCare[s] && placementsThisYear >= 3) stability[stabilityBase + fy] += 1;
              // The skipped months never cross a birthday: March is in the same age year.
              if (layout.yearOutcomes >= 0) this.countYearOutcomes(out, base + layout.yearOutcomes + fy * YEAR_OUTCOME_COUNT, s, ageYear, placementsThisYear, ever);
            }
            if (n1 < n) {
              // April came within the run: what the month loop does in April (a new financial
              // year; the year's placements start with the one held), then months april..j.
              placementsThisYear = isPlacement[s];
              fy++;
              fyOff += cellsPerYear;
              periodBase = Math.min(fy, lastPeriod) * masks;
              const cell = fyOff + segOff + s;
              if (occFy[cell] === 0) touchedFy[nTouchedFy++] = cell;
              occFy[cell] += n - n1;
              if (virt) this.virtFy[fy * nSeg + seg] += n - n1;
            }
            cm = (cm + n) % 12;
            age += n;
            m = j;
          }
        }
        let k = rowSlot * nS;
        while (result >= rowThresholds[k]) k++;
        next = rowTargets[k];
      }
      movedWithin = next === s && result < within;

      if (m + 1 === nextEvent) {
        while (moveIndex < moves.length && moves[moveIndex].month === m + 1) {
          const move = moves[moveIndex++];
          const applies = move.fromStates === null ? next === plannedState : move.fromStates[next] === 1;
          if (applies) next = move.to;
          plannedState = move.to;
        }
      }
      if (watch !== null && (m === pauseAt || (next !== s && (watch[s] | watch[next]) !== 0))) {
        // Pause before the transition takes effect: the shared-places engine decides it.
        const c = cursors as PersonCursors;
        c.m[i] = m;
        c.s[i] = s;
        c.next[i] = next;
        c.movedWithin[i] = movedWithin ? 1 : 0;
        c.ageMonths[i] = age;
        const v = c.saved;
        v[savedAt + Saved.word0] = r0;
        v[savedAt + Saved.word1] = r1;
        v[savedAt + Saved.word2] = r2;
        v[savedAt + Saved.word3] = r3;
        v[savedAt + Saved.cm] = cm;
        v[savedAt + Saved.fy] = fy;
        v[savedAt + Saved.fyOff] = fyOff;
        v[savedAt + Saved.periodBase] = periodBase;
        v[savedAt + Saved.ageYear] = ageYear;
        v[savedAt + Saved.ageOff] = ageOff;
        v[savedAt + Saved.seg] = seg;
        v[savedAt + Saved.segOff] = segOff;
        v[savedAt + Saved.virt] = virt;
        v[savedAt + Saved.usedVirt] = usedVirt;
        v[savedAt + Saved.firstFy] = firstFy;
        v[savedAt + Saved.firstAgeYear] = firstAgeYear;
        v[savedAt + Saved.virtLastFy] = virtLastFy;
        v[savedAt + Saved.virtLastAge] = virtLastAge;
        v[savedAt + Saved.ever] = ever;
        v[savedAt + Saved.mask] = mask;
        v[savedAt + Saved.ruleIndex] = ruleIndex;
        v[savedAt + Saved.ruleAge] = ruleAge;
        v[savedAt + Saved.moveIndex] = moveIndex;
        v[savedAt + Saved.plannedState] = plannedState;
        v[savedAt + Saved.nextEvent] = nextEvent;
        v[savedAt + Saved.placementsThisYear] = placementsThisYear;
        if (bits > 0) this.saveInterventions(c, i, bits);
        state.nTouchedFy = nTouchedFy;
        state.nTouchedAge = nTouchedAge;
        this.virtFy = ownVirtFy;
        this.virtAge = ownVirtAge;
        return;
      }
      }
      const m1 = m + 1;

      // Advance the clocks to month m+1.
      cm = cm === 11 ? 0 : cm + 1;
      if (cm === 3) {
        fy++;
        fyOff += cellsPerYear;
        periodBase = Math.min(fy, lastPeriod) * masks;
      }
      age++;
      if (age % 12 === 0) {
        ageYear++;
        ageOff += nS;
        if (age < model.horizonAgeMonths) {
          seg = segmentOfAge[age];
          segOff = seg * nS;
        }
      }
      if (age === ruleAge) {
        ruleIndex = -1;
        ruleAge = -1;
        for (let r = 0; r < ruleAt.length; r++) {
          if (ruleAt[r] > age && (ruleAge < 0 || ruleAt[r] < ruleAge)) {
            ruleAge = ruleAt[r];
            ruleIndex = r;
          }
        }
      }

      if (next !== s) {
        if (isPlacement[s] && isPlacement[next]) out[outcomeBase + Outcome.placementMoves] += 1;
        placementsThisYear += isPlacement[next];
        if (!inCare[s] && inCare[next]) out[outcomeBase + Outcome.careEntries] += 1;
        this.bookEvents(out, base, fy, ageYear, s, next, false);
        if (virt) {
          virtLastFy = fy;
          virtLastAge = ageYear;
          virt = 0;
        }
        s = next;
        if (offers.length > 0) {
          mask = this.offer(state, out, base, offerDraw, m1, months, s, age, fy, cm, mask);
          // A place given on arrival ends its effect at a plan event not yet scheduled (unless a
          // plan event this month reschedules below): the earlier of the two.
          nextEvent = Math.min(nextEvent, this.nextPlanEvent(m1, moves, starts, offers, bits));
        }
      } else if (movedWithin) {
        placementsThisYear++;
        out[outcomeBase + Outcome.placementMoves] += 1;
        this.bookEvents(out, base, fy, ageYear, s, s, true);
        if (virt) {
          virtLastFy = fy;
          virtLastAge = ageYear;
          virt = 0;
        }
      }
      if (given !== 0) {
        mask = this.deliverGiven(state, out, base, given, m1, months, s, age, fy, cm, mask);
        given = 0;
        nextEvent = Math.min(nextEvent, this.nextPlanEvent(m1, moves, starts, offers, bits));
      }
      if (m1 === nextEvent) {
        mask = this.planEvents(state, person, out, base, offerDraw, m1, months, s, age, fy, cm, mask);
        nextEvent = this.nextPlanEvent(m1, moves, starts, offers, bits);
      }
    }
    if (!resuming) {
      words[0] = r0;
      words[1] = r1;
      words[2] = r2;
      words[3] = r3;
    }
    state.nTouchedFy = nTouchedFy;
    state.nTouchedAge = nTouchedAge;

    out[outcomeBase + Outcome.persons] += 1;
    if (ever & FLAG_IN_CARE) out[outcomeBase + Outcome.everInCare] += 1;
    if (ever & FLAG_CUSTODY) out[outcomeBase + Outcome.everCustody] += 1;
    if (ever & FLAG_HOMELESS) out[outcomeBase + Outcome.everHomeless] += 1;
    if (usedVirt) {
      if (virt) {
        virtLastFy = fy;
        virtLastAge = ageYear;
      }
      this.bookActualPrice(state, person, out, base, firstFy, virtLastFy, firstAgeYear, virtLastAge);
    }
    if (cursors !== null) {
      cursors.finished[i] = 1;
      cursors.s[i] = s;
      cursors.ageMonths[i] = age;
      if (bits > 0) this.saveInterventions(cursors, i, bits);
      this.virtFy = ownVirtFy;
      this.virtAge = ownVirtAge;
    }
  }

  /**
   * On 31 March (the last month of financial year fy), adds the person to the year outcomes at
   * `at` (layout.yearOutcomes + fy × YEAR_OUTCOME_COUNT): looked after with three or more
   * placements in the year (DfE placement stability, children looked after at 31 March), and a
   * care leaver aged 19 to 21 (`ageYear`, completed years then) and whether in education,
   * employment or training, after the DfE's care leavers aged 19-21 as the measured scorecard
   * counts them (src/outcomes/measures.ts):
   *   - counted: in a care-leaver state, or in a custody state having been looked after or a care
   *     leaver earlier in the simulation (`ever`, the flag bits held so far: FLAG_IN_CARE,
   *     FLAG_CARE_LEAVER). The DfE counts a care leaver in custody (an accommodation type); the
   *     engine knows only the simulated history, so someone who starts in custody (a person on
   *     record, an entrant) is not counted, and a child looked after at any age counts, not only
   *     one looked after 13 weeks from 14 (the DfE's eligibility);
   *   - in EET: in a state flagged `eet` (model flags.eet; in the default model staying put,
   *     supported lodgings and independent in EET, its NEET being the state independent_neet).
   *     Any other state (homeless, custody, NEET) is not in EET: its activity is NEET or not
   *     known, and "not known" stays in the denominator, as the DfE counts it.
   * Reads state only: no random numbers.
   */
  private countYearOutcomes(out: Float64Array, at: number, s: number, ageYear: number, placementsThisYear: number, ever: number): void {
    const flags = this.model.flags;
    if (flags.inCare[s] && placementsThisYear >= 3) out[at + YearOutcome.threeOrMorePlacements] += 1;
    if (ageYear >= 19 && ageYear <= 21 && (flags.careLeaver[s] || (flags.custody[s] && (ever & (FLAG_IN_CARE | FLAG_CARE_LEAVER)) !== 0))) {
      out[at + YearOutcome.careLeavers19to21] += 1;
      if (flags.eet[s]) out[at + YearOutcome.careLeaversEet19to21] += 1;
    }
  }

  /**
   * Copies the running person's intervention state (the slot's first `bits`) into their entry of
   * `cursors`, where the places engine reads it and a resume restores it.
   */
  private saveInterventions(cursors: PersonCursors, i: number, bits: number): void {
    for (let bit = 0; bit < bits; bit++) {
      cursors.ivEnd[i * IV_SLOTS + bit] = this.ivEnd[bit];
      cursors.ivDelivered[i * IV_SLOTS + bit] = this.ivDelivered[bit];
    }
  }

  /** Delivers the commissioned places the shared-places engine gave (PersonCursors.deliverMask, bits `given`) at month m. */
  private deliverGiven(state: SlotState, out: Float64Array, base: number, given: number, m: number, months: number, s: number, age: number, fy: number, cm: number, mask: number): number {
    for (let bit = 0; bit < state.slot.interventions.length; bit++) {
      if (given & (1 << bit) && !this.ivDelivered[bit]) mask = this.deliver(state, out, base, bit, m, months, s, age, fy, cm, mask);
    }
    return mask;
  }

  /** This run's price of a month in state s at an age under a slot, pence (weekly parts at the standard month, 365/12 days). */
  monthlyPence(slotIndex: number, ageMonths: number, s: number): number {
    const state = this.slots[slotIndex];
    const cell = this.model.costSegmentOfAgeMonth[Math.min(ageMonths, this.model.horizonAgeMonths - 1)] * this.model.nStates + s;
    return state.statePence[cell] + state.weeklyStatePence[cell];
  }

  /**
   * What a month in state s costs for this person now, pence at the standard month: the
   * "highest cost" priority of the shared-places engine. While `atActualPrice` (the person is
   * still in today's placement, `person.startState`, at the actual weekly price they came with:
   * PersonCursors.atActualPrice), that price (of financial year `fy` when it changes by year) replaces the
   * state's placement fee, as bookActualPrice charges it; otherwise monthlyPence, the model's
   * price under the slot (a strategy's agreed state price included). Weekly prices count
   * WEEKS_PER_MONTH weeks a month.
   */
  personMonthlyPence(slotIndex: number, ageMonths: number, s: number, person: PersonPlan, atActualPrice: boolean, fy: number): number {
    const modelPrice = this.monthlyPence(slotIndex, ageMonths, s);
    const weekly = person.currentPlacementWeeklyPrice;
    if (!atActualPrice || weekly === null || s !== person.startState) return modelPrice;
    const state = this.slots[slotIndex];
    const cell = this.model.costSegmentOfAgeMonth[Math.min(ageMonths, this.model.horizonAgeMonths - 1)] * this.model.nStates + s;
    const byYear = person.currentPlacementPriceByYear ?? null;
    const actual = byYear !== null && fy >= 0 && fy < byYear.length ? byYear[fy] : weekly;
    return modelPrice - state.feePence[cell] - state.feeWeeklyPence[cell] + actual * WEEKS_PER_MONTH * 100;
  }

  /** At a plan event month: scheduled intervention starts, effect ends, offers opening. Returns the new mask. */
  private planEvents(state: SlotState, person: PersonPlan, out: Float64Array, base: number, offerDraw: number, m: number, months: number, s: number, age: number, fy: number, cm: number, mask: number): number {
    const starts = person.interventions;
    for (let k = 0; k < starts.length; k++) {
      if (starts[k].startMonth === m && !this.ivDelivered[starts[k].slotIndex]) {
        mask = this.deliver(state, out, base, starts[k].slotIndex, m, months, s, age, fy, cm, mask);
      }
    }
    for (let bit = 0; bit < state.slot.interventions.length; bit++) {
      if (this.ivEnd[bit] === m) {
        mask &= ~(1 << bit);
        this.ivEnd[bit] = -1;
      }
    }
    for (const offer of state.slot.offers ?? NO_OFFERS) if (offer.firstMonth === m) mask = this.offer(state, out, base, offerDraw, m, months, s, age, fy, cm, mask);
    return mask;
  }

  /** The first month after `after` at which something in the plan happens. */
  private nextPlanEvent(after: number, moves: PersonPlan['moves'], starts: PersonPlan['interventions'], offers: OfferedIntervention[], bits: number): number {
    let next = NO_EVENT;
    for (const move of moves) if (move.month > after && move.month < next) next = move.month;
    for (const start of starts) if (start.startMonth > after && start.startMonth < next) next = start.startMonth;
    for (let bit = 0; bit < bits; bit++) if (this.ivEnd[bit] > after && this.ivEnd[bit] < next) next = this.ivEnd[bit];
    for (const offer of offers) if (offer.firstMonth > after && offer.firstMonth < next) next = offer.firstMonth;
    return next;
  }

  /** The financial year (0: the projection's first) of projection month m, as simulate() counts it. */
  private financialYearOfMonth(m: number): number {
    const first = this.clock.startMonth - 1;
    return Math.floor((first + m + 9) / 12) - Math.floor((first + 9) / 12);
  }

  /** Months in today's placement at its actual price: book the difference from the model's fee. */
  private bookActualPrice(state: SlotState, person: PersonPlan, out: Float64Array, base: number, firstFy: number, lastFy: number, firstAgeYear: number, lastAgeYear: number): void {
    const model = this.model;
    const layout = this.layout;
    const nS = model.nStates;
    const nA = layout.nAgencies;
    const nSeg = model.nCostSegments;
    const start = person.startState;
    // Per standard month, unrounded: the penny rounding is once per financial year below.
    const actual = (person.currentPlacementWeeklyPrice as number) * WEEKS_PER_MONTH * 100;
    const byYear = person.currentPlacementPriceByYear ?? null;
    for (let f = firstFy; f <= lastFy && f < layout.nFinancialYears; f++) {
      const actualThisYear = byYear !== null && f < byYear.length ? byYear[f] * WEEKS_PER_MONTH * 100 : actual;
      for (let g = 0; g < nSeg; g++) {
        const n = this.virtFy[f * nSeg + g];
        if (n === 0) continue;
        const priced = g * nS + start;
        // The actual weekly price replaces the fee: days ÷ 7 for the weekly part, months for the rest.
        const delta = n * subPenny((actualThisYear - state.feeWeeklyPence[priced]) * this.weekScale[f]) - n * state.feePence[priced];
        out[base + layout.costFyAgency + f * nA * 2 + state.feeAgency[priced] * 2 + state.feeCashable[priced]] += delta;
        out[base + layout.costState + start] += delta;
        this.virtFy[f * nSeg + g] = 0;
      }
    }
    for (let y = firstAgeYear; y <= lastAgeYear && y < layout.nAgeYears; y++) {
      const n = this.virtAge[y];
      if (n === 0) continue;
      const priced = model.costSegmentOfAgeMonth[Math.min(y * 12, model.horizonAgeMonths - 1)] * nS + start;
      // By year of age, a breakdown only: weekly prices at the standard month (365/12 days).
      if (byYear === null) out[base + layout.costAge + y] += n * (subPenny(actual - state.feeWeeklyPence[priced]) - state.feePence[priced]);
      else {
        // Each month at the price of its own financial year, as the years above are charged (the
        // first year's price for every age was a review finding: years of age then summed to far
        // more than the financial years under a deflator). The months at the actual price run
        // from the person's first month until the first move, so those of age year y are the n
        // consecutive months from the later of its first month and the person's first.
        // Taken a financial year at a time (at most two in an age year): each month's amount is
        // in 64ths of a penny, so k × amount is what adding it k times gives, exactly.
        let m = (person.offset ?? 0) + Math.max(0, y * 12 - person.ageMonths);
        let left = n;
        let pence = 0;
        while (left > 0) {
          const f = this.financialYearOfMonth(m);
          const calendar = (this.clock.startMonth - 1 + m) % 12;
          const k = Math.min(left, (15 - calendar) % 12 || 12);
          const weekly = f < byYear.length ? byYear[f] * WEEKS_PER_MONTH * 100 : actual;
          pence += k * (subPenny(weekly - state.feeWeeklyPence[priced]) - state.feePence[priced]);
          m += k;
          left -= k;
        }
        out[base + layout.costAge + y] += pence;
      }
      this.virtAge[y] = 0;
    }
  }

  private bookCost(out: Float64Array, base: number, fy: number, ageYear: number, agency: number, pence: number, intervention: number): void {
    if (pence === 0) return;
    const layout = this.layout;
    if (fy < layout.nFinancialYears) {
      out[base + layout.costFyAgency + (fy * layout.nAgencies + agency) * 2 + 1] += pence;
      out[base + layout.interventionFyAgency + fy * layout.nAgencies + agency] += pence;
    }
    if (ageYear < layout.nAgeYears) out[base + layout.costAge + ageYear] += pence;
    out[base + layout.costIntervention + intervention] += pence;
  }

  private bookEvents(out: Float64Array, base: number, fy: number, ageYear: number, from: number, to: number, withinState: boolean): void {
    const events = this.model.eventCosts;
    const layout = this.layout;
    for (let e = 0; e < events.length; e++) {
      const rule = events[e];
      if (!rule.from[from] || !rule.to[to]) continue;
      if (withinState ? !rule.onWithinStateMove : from === to) continue;
      const pence = this.eventPence[e];
      if (pence === 0) continue;
      if (fy < layout.nFinancialYears) out[base + layout.costFyAgency + (fy * layout.nAgencies + rule.agency) * 2 + (rule.cashable ? 1 : 0)] += pence;
      if (ageYear < layout.nAgeYears) out[base + layout.costAge + ageYear] += pence;
      out[base + layout.costState + to] += pence;
    }
  }

  /** Turns a slot's occupancy counts into costs and outcomes in `out` at `base`, and clears them. */
  flush(slotIndex: number, out: Float64Array, base: number): void {
    const state = this.slots[slotIndex];
    const model = this.model;
    const layout = this.layout;
    const nS = model.nStates;
    const nA = layout.nAgencies;
    const flags = model.flags;
    const outcomeBase = base + layout.outcomes;
    const cellsPerYear = model.nCostSegments * nS;
    const lineStart = state.lineStart;
    const lines = state.lines;
    for (let t = 0; t < state.nTouchedFy; t++) {
      const index = state.touchedFy[t];
      const n = state.occFy[index];
      state.occFy[index] = 0;
      const f = Math.floor(index / cellsPerYear);
      const c = index - f * cellsPerYear;
      const s = c % nS;
      const target = base + layout.costFyAgency + f * nA * 2;
      const prices = c * nA * 2;
      const scale = this.weekScale[f];
      // Only the (agency, cashable) lines that can price this cell: usually one or two of 12.
      for (let e = lineStart[c]; e < lineStart[c + 1]; e++) {
        const k = lines[e];
        const pence = state.stateAgencyPence[prices + k];
        if (pence !== 0) out[target + k] += n * pence;
        const weekly = state.weeklyAgencyPence[prices + k];
        if (weekly !== 0) out[target + k] += n * subPenny(weekly * scale);
      }
      out[base + layout.costState + s] += n * state.statePence[c] + n * subPenny(state.weeklyStatePence[c] * scale);
      out[base + layout.monthsState + s] += n;
      out[outcomeBase + Outcome.monthsProjected] += n;
      if (flags.inCare[s]) out[outcomeBase + Outcome.monthsInCare] += n;
      if (flags.residential[s]) out[outcomeBase + Outcome.monthsResidential] += n;
      if (flags.custody[s]) out[outcomeBase + Outcome.monthsCustody] += n;
    }
    state.nTouchedFy = 0;
    for (let t = 0; t < state.nTouchedAge; t++) {
      const index = state.touchedAge[t];
      const n = state.occAge[index];
      state.occAge[index] = 0;
      const y = Math.floor(index / nS);
      const s = index - y * nS;
      const segOff = model.costSegmentOfAgeMonth[Math.min(y * 12, model.horizonAgeMonths - 1)] * nS;
      // By year of age, a breakdown only: weekly prices at the standard month (365/12 days).
      out[base + layout.costAge + y] += n * (state.statePence[segOff + s] + subPenny(state.weeklyStatePence[segOff + s]));
      if (y >= 19 && y <= 21) {
        out[outcomeBase + Outcome.monthsAged19to21] += n;
        if (flags.neet[s]) out[outcomeBase + Outcome.monthsNeet19to21] += n;
        if (flags.careLeaver[s]) out[outcomeBase + Outcome.monthsCareLeaver19to21] += n;
      }
    }
    state.nTouchedAge = 0;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * For each entry q > 0 of each base row with concentration k > 0, the constants sampleGamma(k × q)
 * computes on every call: [d, c, boost] with, for shape = k × q >= 1, d = shape - 1/3,
 * c = 1 / sqrt(9d) and boost 0; for shape < 1 (drawn as Gamma(shape + 1) × U^(1/shape)) the same
 * of shape + 1 and boost 1/shape; for a shape that is not positive, boost -1 (drawn as 0). The
 * same expressions as sampleGamma's, so the same bits.
 */
export function gammaShapes(model: SimulationModel, uncertain: boolean): Float64Array {
  const nS = model.nStates;
  const out = new Float64Array(model.nBands * nS * nS * 3);
  if (!uncertain) return out;
  for (let key = 0; key < model.nBands * nS; key++) {
    const concentration = model.rowConcentration[key];
    if (!(concentration > 0)) continue;
    for (let j = 0; j < nS; j++) {
      const k = (key * nS + j) * 3;
      const shape = concentration * model.baseRows[key * nS + j];
      if (!(shape > 0)) {
        out[k + 2] = -1;
        continue;
      }
      const boosted = shape < 1;
      const d = (boosted ? shape + 1 : shape) - 1 / 3;
      out[k] = d;
      out[k + 1] = 1 / Math.sqrt(9 * d);
      out[k + 2] = boosted ? 1 / shape : 0;
    }
  }
  return out;
}

/** Whether two slots agree the same weekly prices for the same states, in the same order (so priceSlot makes the same prices). */
export function samePrices(a: PlanSlot, b: PlanSlot): boolean {
  return a.statePrices.length === b.statePrices.length && a.statePrices.every((p, j) => p.state === b.statePrices[j].state && Object.is(p.weeklyPrice, b.statePrices[j].weeklyPrice));
}

/**
 * Whether two slots build the same rows in every run: the same interventions in the same order
 * (bit j of a mask is the j-th), and the same periods (none, or the very same list: its rate
 * changes are drawn by name, so the same list gets the same values).
 */
export function sameRows(a: PlanSlot, b: PlanSlot): boolean {
  if (a.interventions.length !== b.interventions.length || a.interventions.some((iv, j) => iv !== b.interventions[j])) return false;
  const none = (slot: PlanSlot) => (slot.periods ?? []).every((period) => period.rates.length === 0 && period.redirects.length === 0);
  return a.periods === b.periods || (none(a) && none(b) && (a.periods?.length ?? 0) <= 1 && (b.periods?.length ?? 0) <= 1);
}


/**
 * Writes a row as cumulative probabilities: staying first (it is usually most of the mass, so
 * the search ends at once), then the other states in index order. A fixed order keeps plans
 * that differ in a few probabilities on the same draws for everything else. The last entry is
 * pushed above 1 so rounding can never run the search past the row.
 *
 * The kernel compares the month's 32 random bits r, not u = r / 2^32, with integer thresholds:
 * u >= c exactly when r >= ceil(c × 2^32) (scaling by 2^32 is exact in binary floating point and
 * r is an integer), so the draws and their outcomes are those of the comparison on doubles.
 * `stay[index]`: r below it stays in the state; `within[index]`: r below it is also a move within
 * the same kind of placement (u < P(stay) × the monthly within-state move rate). Returns the
 * number of entries. Exported for its exact tests (test/pinned/engine-edges.test.ts), as are
 * gammaShapes, samePrices and sameRows.
 */
export function cumulate(
  p: ArrayLike<number>,
  self: number,
  targets: Int32Array,
  thresholds: Float64Array,
  at: number,
  stay: Float64Array,
  within: Float64Array,
  index: number,
  withinRate: number,
): number {
  let count = 0;
  let total = 0;
  let selfHi = 0;
  if (p[self] > 0) {
    total = p[self];
    targets[at] = self;
    thresholds[at] = Math.ceil(total * TWO_POW_32);
    selfHi = total;
    count = 1;
  }
  for (let j = 0; j < p.length; j++) {
    if (j === self || !(p[j] > 0)) continue;
    total += p[j];
    targets[at + count] = j;
    thresholds[at + count] = Math.ceil(total * TWO_POW_32);
    count++;
  }
  if (count === 0) {
    targets[at] = self;
    count = 1;
  }
  thresholds[at + count - 1] = NEVER;
  stay[index] = targets[at] === self ? thresholds[at] : 0;
  within[index] = withinRate > 0 ? Math.ceil(selfHi * withinRate * TWO_POW_32) : 0;
  return count;
}
