// FROZEN: a copy of src/simulation/engine.ts as it stood before issue 19 (commit 67b3d16), kept only as
// the baseline the bench measures today's kernel against (engine_throughput_baseline_kernel).
// Issue 12 changed what a projection charges (weekly prices by calendar days ÷ 7, a first month pro
// rata); the same change was applied to this copy, so the baseline still does the kernel's work.
// So was the fix of 1 December 2026: an intervention given by an offer (on entry or on arrival in a
// state) has its effect end scheduled (it was never ended when no plan event came first).
// Otherwise never edit it; never import it from the service.
import { weeklyDayCountFactors } from '../../finance/day-count.ts';
import { type Distribution, meanOf, quantileOf, sampleGamma } from './distributions.ts';
import { type MetricLayout, Outcome } from '../../simulation/layout.ts';
import { type SimulationModel, WEEKS_PER_MONTH } from '../../simulation/model.ts';
import { StreamPurpose, Xoshiro128, mix32 } from './random.ts';
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
}

export interface SimulatorOptions {
  /** Off: every parameter at its mean, rows as given (the exact oracle's setting). */
  parameterUncertainty: boolean;
}

const FLAG_IN_CARE = 1;
const FLAG_CUSTODY = 2;
const FLAG_HOMELESS = 4;

const TWO_POW_32 = 4294967296;

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
    iv.effects.forEach((_, k) => {
      out.push({ name: `effect:${iv.id}:${k}`, label: `${iv.label}: effect ${k + 1}`, kind: 'effect' });
    });
  }
  for (const f of model.rateFactors) out.push({ name: `factor:${f.id}`, label: f.label, kind: 'rate_factor' });
  return out;
}

/**
 * Prices are per cell: (cost segment, state), cell = segment × nStates + state, because unit
 * costs may apply only at some ages.
 */
interface SlotState {
  slot: PlanSlot;
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
  occFy: Float64Array;
  occAge: Float64Array;
  /** Which occupancy cells are non-zero, so flush visits only those (a person touches few). */
  touchedFy: Int32Array;
  touchedAge: Int32Array;
  nTouchedFy: number;
  nTouchedAge: number;
  rowStamp: Int32Array;
  rowCount: Int32Array;
  rowTargets: Int32Array;
  rowCum: Float64Array;
  rowSelfHi: Float64Array;
  masks: number;
  nPeriods: number;
  /** This run's value of each period rate adjustment, [period][adjustment]. */
  rateValues: Float64Array[];
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
  private readonly slots: SlotState[] = [];
  private readonly stream = new Xoshiro128();
  private readonly trajectory = new Xoshiro128();
  private readonly rowKeys: Int32Array;
  private readonly drawnRows: Float64Array;
  private readonly drawnStamp: Int32Array;
  private readonly ageRuleCum: Float64Array;
  private readonly ageRuleTargets: Int32Array;
  private readonly ageRuleCount: Int32Array;
  private readonly ageRuleSelfHi: Float64Array;
  private readonly ageRuleAt: Int32Array;
  private readonly flagBits: Uint8Array;
  /** Each unit cost's states as a list (priceSlot runs every run: no scanning of masks). */
  private readonly unitCostStates: number[][];
  private uncertainRows: boolean;
  private readonly virtFy: Float64Array;
  private readonly virtAge: Float64Array;
  private readonly scratchRow: Float64Array;
  private runStamp = 0;
  private seed = 0;
  private run = 0;
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
    const nS = model.nStates;
    this.rowKeys = new Int32Array(model.nBands * nS);
    for (let b = 0; b < model.nBands; b++) {
      for (let s = 0; s < nS; s++) this.rowKeys[b * nS + s] = hashString(`${model.bandIds[b]}/${model.stateIds[s]}`) | 0;
    }
    this.drawnRows = new Float64Array(model.nBands * nS * nS);
    this.drawnStamp = new Int32Array(model.nBands * nS).fill(-1);
    this.uncertainRows =
      options.parameterUncertainty &&
      (model.rowConcentration.some((c) => c > 0) || model.rateFactors.length > 0 || model.interventions.some((iv) => iv.effects.length > 0));

    // Age transition rows, cumulative, self first (see buildRow).
    const rules = model.ageTransitions;
    this.ageRuleAt = Int32Array.from(rules, (r) => r.ageMonths);
    this.ageRuleCum = new Float64Array(rules.length * nS * nS);
    this.ageRuleTargets = new Int32Array(rules.length * nS * nS);
    this.ageRuleCount = new Int32Array(rules.length * nS);
    this.ageRuleSelfHi = new Float64Array(rules.length * nS);
    rules.forEach((rule, r) => {
      for (let s = 0; s < nS; s++) {
        if (!rule.appliesTo[s]) continue;
        const at = (r * nS + s) * nS;
        const { count, selfHi } = cumulate(rule.rows.subarray(s * nS, s * nS + nS), s, this.ageRuleTargets, this.ageRuleCum, at);
        this.ageRuleCount[r * nS + s] = count;
        this.ageRuleSelfHi[r * nS + s] = selfHi;
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
    this.unitCostStates = model.unitCosts.map((c) => model.stateIds.map((_, j) => j).filter((j) => c.states[j] === 1));
    this.flagBits = new Uint8Array(nS);
    for (let s = 0; s < nS; s++) {
      this.flagBits[s] =
        (model.flags.inCare[s] ? FLAG_IN_CARE : 0) | (model.flags.custody[s] ? FLAG_CUSTODY : 0) | (model.flags.homeless[s] ? FLAG_HOMELESS : 0);
    }
    this.virtFy = new Float64Array(layout.nFinancialYears * model.nCostSegments);
    this.weekScale = weeklyDayCountFactors(clock, layout.nFinancialYears);
    this.virtAge = new Float64Array(layout.nAgeYears);
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
    this.slots.push({
      slot,
      statePence: new Float64Array(cells),
      stateAgencyPence: new Float64Array(cells * nA * 2),
      weeklyStatePence: new Float64Array(cells),
      weeklyAgencyPence: new Float64Array(cells * nA * 2),
      feePence: new Float64Array(cells),
      feeWeeklyPence: new Float64Array(cells),
      feeAgency: new Int32Array(cells),
      feeCashable: new Uint8Array(cells),
      occFy: new Float64Array(this.layout.nFinancialYears * cells),
      occAge: new Float64Array(this.layout.nAgeYears * nS),
      touchedFy: new Int32Array(this.layout.nFinancialYears * cells),
      touchedAge: new Int32Array(this.layout.nAgeYears * nS),
      nTouchedFy: 0,
      nTouchedAge: 0,
      rowStamp: new Int32Array(rowSlots).fill(-1),
      rowCount: new Int32Array(rowSlots),
      rowTargets: new Int32Array(rowSlots * nS),
      rowCum: new Float64Array(rowSlots * nS),
      rowSelfHi: new Float64Array(rowSlots),
      masks,
      nPeriods,
      rateValues: (slot.periods ?? []).map((period) => new Float64Array(period.rates.length)),
    });
    return this.slots.length - 1;
  }

  /** Draws this run's parameters and prices every slot. Call before simulating run `run`. */
  beginRun(seed: number, run: number): void {
    this.seed = seed;
    this.run = run;
    if (this.uncertainRows) this.runStamp++;
    const model = this.model;
    const uncertain = this.options.parameterUncertainty;
    let p = 0;
    const draw = (d: Parameters<typeof quantileOf>[0]) => {
      const u = uncertain ? keyedUniform(this.stream, seed, run, this.parameterHashes[p]) : 0.5;
      // With uncertainty off, parameters sit at their means (not medians): the oracle's setting.
      const value = uncertain ? quantileOf(d, u, 0) : Math.max(0, meanOf(d));
      this.parameterValues[p++] = value;
      return value;
    };
    model.unitCosts.forEach((c, i) => {
      this.unitValues[i] = draw(c.amount);
    });
    model.eventCosts.forEach((e, i) => {
      this.eventPence[i] = Math.round(draw(e.amount) * 100);
    });
    model.interventions.forEach((iv, i) => {
      this.oneOffPence[i] = iv.oneOff ? Math.round(draw(iv.oneOff) * 100) : (this.parameterValues[p++] = 0);
      this.weeklyPence[i] = iv.perWeek ? Math.round(draw(iv.perWeek) * WEEKS_PER_MONTH * 100) : (this.parameterValues[p++] = 0);
      iv.effects.forEach((e, k) => {
        this.effectValues[i][k] = draw(e.multiplier);
      });
    });
    model.rateFactors.forEach((f, i) => {
      this.factorValues[i] = draw(f.multiplier);
    });
    this.priceBase();
    for (const state of this.slots) {
      this.priceSlot(state);
      state.slot.periods?.forEach((period, k) => {
        period.rates.forEach((rate, j) => {
          const u = uncertain ? keyedUniform(this.stream, seed, run, hashString(`rate:${rate.name}`)) : 0.5;
          state.rateValues[k][j] = uncertain ? quantileOf(rate.multiplier, u, 0) : Math.max(0, meanOf(rate.multiplier));
        });
      });
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
    const nS = model.nStates;
    const nA = this.layout.nAgencies;
    const base = this.basePrices;
    base.statePence.fill(0);
    base.stateAgencyPence.fill(0);
    base.weeklyStatePence.fill(0);
    base.weeklyAgencyPence.fill(0);
    base.feePence.fill(0);
    base.feeWeeklyPence.fill(0);
    base.feeAgency.fill(-1);
    const nCosts = model.unitCosts.length;
    for (let g = 0; g < model.nCostSegments; g++) {
      for (let i = 0; i < nCosts; i++) {
        if (!model.unitCostInSegment[g * nCosts + i]) continue;
        const c = model.unitCosts[i];
        // Weekly lines stay unrounded per standard month: they are rounded to the penny once per
        // financial year, after scaling to its calendar days.
        const pence = c.perWeek ? this.unitValues[i] * c.toMonthly * 100 : Math.round(this.unitValues[i] * c.toMonthly * 100);
        const cashable = c.cashable ? 1 : 0;
        for (const s of this.unitCostStates[i]) {
          const cell = g * nS + s;
          if (c.placementFee) {
            if (c.perWeek) base.feeWeeklyPence[cell] += pence;
            else base.feePence[cell] += pence;
            if (base.feeAgency[cell] < 0) {
              base.feeAgency[cell] = c.agency;
              base.feeCashable[cell] = cashable;
            }
          }
          if (c.perWeek) {
            base.weeklyStatePence[cell] += pence;
            base.weeklyAgencyPence[(cell * nA + c.agency) * 2 + cashable] += pence;
          } else {
            base.statePence[cell] += pence;
            base.stateAgencyPence[(cell * nA + c.agency) * 2 + cashable] += pence;
          }
        }
      }
    }
    for (let cell = 0; cell < base.feeAgency.length; cell++) {
      if (base.feeAgency[cell] < 0) {
        // No fee line: an actual price is booked to children's social care, cashable.
        base.feeAgency[cell] = 0;
        base.feeCashable[cell] = 1;
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
    state.feeAgency.set(base.feeAgency);
    state.feeCashable.set(base.feeCashable);
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

  /** Draws (or reuses) this run's base row for (band, state). */
  private baseRow(band: number, s: number): Float64Array {
    const model = this.model;
    const nS = model.nStates;
    const key = band * nS + s;
    const concentration = this.options.parameterUncertainty ? model.rowConcentration[key] : 0;
    const at = key * nS;
    if (concentration <= 0) return model.baseRows.subarray(at, at + nS);
    if (this.drawnStamp[key] !== this.runStamp) {
      const rng = this.stream.reseed(this.seed, StreamPurpose.dirichletRow, this.run, this.rowKeys[key]);
      let sum = 0;
      for (let j = 0; j < nS; j++) {
        const p = model.baseRows[at + j];
        const g = p > 0 ? sampleGamma(concentration * p, rng) : 0;
        this.drawnRows[at + j] = g;
        sum += g;
      }
      if (sum > 0) for (let j = 0; j < nS; j++) this.drawnRows[at + j] /= sum;
      else this.drawnRows.set(model.baseRows.subarray(at, at + nS), at);
      this.drawnStamp[key] = this.runStamp;
    }
    return this.drawnRows.subarray(at, at + nS);
  }

  /** Builds the cumulative row for (period, mask, band, state) under a slot's active interventions. */
  private buildRow(state: SlotState, rowSlot: number, period: number, mask: number, band: number, s: number): void {
    const model = this.model;
    const nS = model.nStates;
    const p = this.scratchRow;
    p.set(this.baseRow(band, s));
    let changed = false;
    const scale = (to: Uint8Array, k: number) => {
      scaleExits(p, s, to, k);
      changed = true;
    };
    model.rateFactors.forEach((f, i) => {
      if (f.from[s]) scale(f.to, this.factorValues[i]);
    });
    for (let bit = 0; bit < state.slot.interventions.length; bit++) {
      if (!(mask & (1 << bit))) continue;
      const iv = state.slot.interventions[bit];
      model.interventions[iv].effects.forEach((e, k) => {
        if (e.from[s]) scale(e.to, this.effectValues[iv][k]);
      });
    }
    const rules = state.slot.periods?.[period];
    rules?.rates.forEach((rate, j) => {
      if (rate.from[s]) scale(rate.to, state.rateValues[period][j]);
    });
    if (changed) settleStay(p, s);
    for (const redirect of rules?.redirects ?? []) redirectMoves(p, s, redirect.state, redirect.overflow, redirect.fraction);
    const { count, selfHi } = cumulate(p, s, state.rowTargets, state.rowCum, rowSlot * nS);
    state.rowCount[rowSlot] = count;
    state.rowSelfHi[rowSlot] = selfHi;
    state.rowStamp[rowSlot] = this.runStamp;
  }

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
    for (const offer of state.slot.offers ?? []) {
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
   */
  simulate(slotIndex: number, person: PersonPlan, out: Float64Array, base: number): void {
    const model = this.model;
    const layout = this.layout;
    const state = this.slots[slotIndex];
    const slot = state.slot;
    const nS = model.nStates;
    const nBands = model.nBands;
    const offset = person.offset ?? 0;
    const months = Math.min(person.months, offset + model.horizonAgeMonths - person.ageMonths);
    if (months <= offset) return;
    if (!(person.ageMonths >= 0) || !(person.startState >= 0 && person.startState < nS)) {
      throw new Error(`invalid person: age ${person.ageMonths} months, state ${person.startState}`);
    }

    const rng = this.trajectory.reseed(this.seed, StreamPurpose.trajectory, this.run, person.key);
    const offers = slot.offers ?? [];
    // Drawn from the trajectory's own stream before the monthly draws, so every variant of
    // the same person uses the same monthly numbers whatever it offers.
    const offerDraw = rng.nextDouble();
    let r0 = rng.s0;
    let r1 = rng.s1;
    let r2 = rng.s2;
    let r3 = rng.s3;

    const occFy = state.occFy;
    const occAge = state.occAge;
    const touchedFy = state.touchedFy;
    const touchedAge = state.touchedAge;
    let nTouchedFy = state.nTouchedFy;
    let nTouchedAge = state.nTouchedAge;
    const rowStamp = state.rowStamp;
    const rowTargets = state.rowTargets;
    const rowCum = state.rowCum;
    const rowSelfHi = state.rowSelfHi;
    const bandOfAge = model.bandOfAgeMonth;
    const flagBits = this.flagBits;
    const isPlacement = model.isPlacement;
    const withinMove = model.withinStateMove;
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
    let s = person.startState;
    let virt = person.currentPlacementWeeklyPrice !== null ? 1 : 0;
    const usedVirt = virt;
    let ever = 0;
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
    this.ivEnd.fill(-1, 0, bits);
    this.ivDelivered.fill(0, 0, bits);
    let nextEvent = this.nextPlanEvent(offset - 1, moves, starts, offers, bits);
    // (A method rather than a closure: a closure would move the loop's variables off the stack.)
    if (nextEvent === offset) {
      mask = this.planEvents(state, person, out, base, offerDraw, offset, months, s, age, fy, cm, mask);
      nextEvent = this.nextPlanEvent(offset, moves, starts, offers, bits);
    }
    if (offers.length > 0 && offset > 0) {
      mask = this.offer(state, out, base, offerDraw, offset, months, s, age, fy, cm, mask);
      nextEvent = Math.min(nextEvent, this.nextPlanEvent(offset, moves, starts, offers, bits));
    }

    for (let m = offset; ; m++) {
      const cell = fyOff + segOff + s;
      if (occFy[cell]++ === 0) touchedFy[nTouchedFy++] = cell;
      if (occAge[ageOff + s]++ === 0) touchedAge[nTouchedAge++] = ageOff + s;
      if (virt) {
        this.virtFy[fy * nSeg + seg] += 1;
        this.virtAge[ageYear] += 1;
      }
      ever |= flagBits[s];
      if (cm === 2) out[eoyBase + fy * nS + s] += 1;
      if (m + 1 >= months) break;

      // xoshiro128** inline: one uniform for this month's transition.
      const result = Math.imul(rotl(Math.imul(r1, 5), 7), 9) >>> 0;
      const t = r1 << 9;
      r2 ^= r0;
      r3 ^= r1;
      r1 ^= r2;
      r0 ^= r3;
      r2 ^= t;
      r3 = (r3 << 11) | (r3 >>> 21);
      const u = result / TWO_POW_32;

      let next: number;
      let selfHi: number;
      if (age + 1 === ruleAge && this.ageRuleCount[ruleIndex * nS + s] > 0) {
        let k = (ruleIndex * nS + s) * nS;
        while (u >= this.ageRuleCum[k]) k++;
        next = this.ageRuleTargets[k];
        selfHi = this.ageRuleSelfHi[ruleIndex * nS + s];
      } else {
        const band = bandOfAge[age];
        const rowSlot = ((periodBase + mask) * nBands + band) * nS + s;
        if (rowStamp[rowSlot] !== runStamp) this.buildRow(state, rowSlot, Math.floor(periodBase / masks), mask, band, s);
        let k = rowSlot * nS;
        while (u >= rowCum[k]) k++;
        next = rowTargets[k];
        selfHi = rowSelfHi[rowSlot];
      }
      const movedWithin = next === s && isPlacement[s] === 1 && withinMove[s] > 0 && u < selfHi * withinMove[s];

      const m1 = m + 1;
      if (m1 === nextEvent) {
        while (moveIndex < moves.length && moves[moveIndex].month === m1) {
          const move = moves[moveIndex++];
          const applies = move.fromStates === null ? next === plannedState : move.fromStates[next] === 1;
          if (applies) next = move.to;
          plannedState = move.to;
        }
      }

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
        if (!inCare[s] && inCare[next]) out[outcomeBase + Outcome.careEntries] += 1;
        this.bookEvents(out, base, fy, ageYear, s, next, false);
        virt = 0;
        s = next;
        if (offers.length > 0) {
          mask = this.offer(state, out, base, offerDraw, m1, months, s, age, fy, cm, mask);
          nextEvent = Math.min(nextEvent, this.nextPlanEvent(m1, moves, starts, offers, bits));
        }
      } else if (movedWithin) {
        out[outcomeBase + Outcome.placementMoves] += 1;
        this.bookEvents(out, base, fy, ageYear, s, s, true);
        virt = 0;
      }
      if (m1 === nextEvent) {
        mask = this.planEvents(state, person, out, base, offerDraw, m1, months, s, age, fy, cm, mask);
        nextEvent = this.nextPlanEvent(m1, moves, starts, offers, bits);
      }
    }
    rng.s0 = r0;
    rng.s1 = r1;
    rng.s2 = r2;
    rng.s3 = r3;
    state.nTouchedFy = nTouchedFy;
    state.nTouchedAge = nTouchedAge;

    out[outcomeBase + Outcome.persons] += 1;
    if (ever & FLAG_IN_CARE) out[outcomeBase + Outcome.everInCare] += 1;
    if (ever & FLAG_CUSTODY) out[outcomeBase + Outcome.everCustody] += 1;
    if (ever & FLAG_HOMELESS) out[outcomeBase + Outcome.everHomeless] += 1;
    if (usedVirt) this.bookActualPrice(state, person, out, base);
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
    for (const offer of state.slot.offers ?? []) if (offer.firstMonth === m) mask = this.offer(state, out, base, offerDraw, m, months, s, age, fy, cm, mask);
    return mask;
  }

  /** The first month after `after` at which something in the plan happens. */
  private nextPlanEvent(after: number, moves: PersonPlan['moves'], starts: PersonPlan['interventions'], offers: OfferedIntervention[], bits: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const move of moves) if (move.month > after && move.month < next) next = move.month;
    for (const start of starts) if (start.startMonth > after && start.startMonth < next) next = start.startMonth;
    for (let bit = 0; bit < bits; bit++) if (this.ivEnd[bit] > after && this.ivEnd[bit] < next) next = this.ivEnd[bit];
    for (const offer of offers) if (offer.firstMonth > after && offer.firstMonth < next) next = offer.firstMonth;
    return next;
  }

  /** Months in today's placement at its actual price: book the difference from the model's fee. */
  private bookActualPrice(state: SlotState, person: PersonPlan, out: Float64Array, base: number): void {
    const model = this.model;
    const layout = this.layout;
    const nS = model.nStates;
    const nA = layout.nAgencies;
    const nSeg = model.nCostSegments;
    const start = person.startState;
    // Per standard month, unrounded: the penny rounding is once per financial year below.
    const actual = (person.currentPlacementWeeklyPrice as number) * WEEKS_PER_MONTH * 100;
    const byYear = person.currentPlacementPriceByYear ?? null;
    for (let f = 0; f < layout.nFinancialYears; f++) {
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
    for (let y = 0; y < layout.nAgeYears; y++) {
      const n = this.virtAge[y];
      if (n === 0) continue;
      const priced = model.costSegmentOfAgeMonth[Math.min(y * 12, model.horizonAgeMonths - 1)] * nS + start;
      // By year of age, a breakdown only: weekly prices at the standard month (365/12 days).
      out[base + layout.costAge + y] += n * (subPenny(actual - state.feeWeeklyPence[priced]) - state.feePence[priced]);
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
      for (let k = 0; k < nA * 2; k++) {
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
 * Writes a row as cumulative probabilities: staying first (it is usually most of the mass, so
 * the search ends at once), then the other states in index order. A fixed order keeps plans
 * that differ in a few probabilities on the same draws for everything else. The last entry is
 * pushed above 1 so rounding can never run the search past the row.
 */
function cumulate(p: ArrayLike<number>, self: number, targets: Int32Array, cum: Float64Array, at: number): { count: number; selfHi: number } {
  let count = 0;
  let total = 0;
  let selfHi = 0;
  if (p[self] > 0) {
    total = p[self];
    targets[at] = self;
    cum[at] = total;
    selfHi = total;
    count = 1;
  }
  for (let j = 0; j < p.length; j++) {
    if (j === self || !(p[j] > 0)) continue;
    total += p[j];
    targets[at + count] = j;
    cum[at + count] = total;
    count++;
  }
  if (count === 0) {
    targets[at] = self;
    count = 1;
  }
  cum[at + count - 1] = 2;
  return { count, selfHi };
}
