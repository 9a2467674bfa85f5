import type { CostModelSpec } from '../catalog/model-schema.ts';
import { BadRequestError, UnprocessableError } from '../services/errors.ts';
import { ageYearsAtMonthStart, birthdayAgeInMonth, monthStartDay, returnYearFirstMonth, returnYearOfDay } from './dates.ts';
import { buildHistories, DESTINATION_ONLY, FOLLOWED, type Histories, IN_CARE } from './history.ts';
import type { ImportedSsda903 } from './import.ts';
import { careLeaverState, DEFAULT_MAPPING, type Ssda903Mapping, validateMappingForModel } from './mapping.ts';
import { ageTransitionFor, type AgeBandSpec, bandForAge, resolveSelector, stateAllowedAt, stepDistribution } from './model-structure.ts';
import { cleaningAsErrors, type ImportReport } from './report.ts';
import { validateModel } from '../catalog/validate-model.ts';
import { DESTINATION_FLOOR, monthlyFromAnnual, posteriorFromPseudoCounts, priorPseudoCounts, type Row, rateInterval, splitWeights, tidyRow } from './shrinkage.ts';
import { calibrateDistances, DEFAULT_DISTANCE_PRIOR_WEIGHT, type DistanceReport } from './distance.ts';
import { calibrateEntries, type ChildPopulation, DEFAULT_ENTRY_RATE_WEIGHT, type EntryRatesReport, type EntryReport } from './entries.ts';

/**
 * calibrate: a local model from an authority's SSDA903 history, as a new version of a prior
 * model (the national default, normally). What it estimates:
 *
 * - monthly transition rows, by age band, for every state a placement maps to (from the months
 *   at risk: person-months observed in the state at a month start, with the state at the next
 *   month start also observed), and for the states children leave care for before 18 (only a
 *   return to care is observable there; see shrinkage.ts);
 * - the age transitions at 18 (leaving care: staying put, supported lodgings, independent...)
 *   from the months in which a child in care turns 18;
 * - care leaver rows from 18 to 21 from OC3 (the state at 18 from the reason for leaving care,
 *   then the state at the 19th, 20th and 21st birthdays), converted from annual to monthly;
 * - entries (entries.ts): the split of entries into care by starting state and age band, applied
 *   to the prior's community rows, and entry counts with intervals for the report and the
 *   backtest; with the population of children (ONS mid-year estimates, population.ts), entries
 *   per 10,000 with exact intervals and the community rows' chances of entering care scaled to
 *   them; without it entry rates stay national and the report says so (`entryRates`);
 * - the monthly chance of a placement move within a state (X1 with a change of placement and
 *   carer between two placements of the same kind);
 * - each in-care state's share placed more than 20 miles from home, when the files carry
 *   PL_DISTANCE (distance.ts: children on each 31 March of the window with a known distance,
 *   Beta posterior mean toward the prior's share).
 *
 * Every row is shrunk towards the prior's row with a Dirichlet prior of the stated weight, in the
 * row's own units (person-months, 18th birthdays, care-leaver-years), with a floor shared by the
 * destinations the return can reveal (shrinkage.ts DESTINATION_FLOOR), and the model's
 * rateUncertainty.rowConcentration is set to the observations plus the prior's pseudo-count, so
 * each run of the engine draws the rows from the posterior and a small authority's projections are
 * honestly wider. Intervals in the report are at `intervalLevel` (default 90%), and a move the
 * return could show and did not is never bounded below the exact bound for 0 in n. Ages band by age at the month's first day: ageing from one band to the next is
 * not a transition, it only changes which row applies next month.
 */

export interface CalibrateOptions {
  priorModel: CostModelSpec;
  /** Return years (each ending 31 March) whose months are used; defaults to the latest four. */
  referenceWindow?: { fromYear: number; toYear: number };
  /** Dirichlet pseudo-count, in person-months, given to the prior's monthly rows (default 60: five child-years). */
  priorWeight?: number;
  /**
   * Dirichlet pseudo-count, in 18th birthdays, given to the prior's rows for leaving care at 18
   * (default 4). Their observations are birthdays in care (9 to 66 in a four-year window for a
   * mid-sized authority), not person-months: 4 birthdays leave the prior 6-30% of the say there.
   */
  ageTransitionPriorWeight?: number;
  /** Rows with fewer person-months than this are reported as shrunk (default 240: the prior has over a fifth of the say). */
  shrinkThreshold?: number;
  /**
   * Pseudo-count shared, per row, by the destinations the return can reveal (in the row's units;
   * default 0.5, shrinkage.ts DESTINATION_FLOOR); 0 for none.
   */
  destinationFloor?: number;
  /** Pseudo-count, in entries, for the prior's split of entries by starting state (default 20). */
  entryPriorWeight?: number;
  /** Pseudo-count, in care-leaver-years, for the prior's annual care leaver rows (default 10). */
  careLeaverPriorWeight?: number;
  mapping?: Ssda903Mapping;
  /** The new model's id (default `<prior id>-calibrated`, or from the authority's name). */
  modelId?: string;
  version?: string;
  authorityName?: string;
  /**
   * Children in the authority by single year of age (population.ts reads the ONS mid-year
   * estimates) or by the prior's age band id: entries per 10,000 and the model's entry rates are
   * then calibrated to the authority (entries.ts). Without it entry rates stay the prior's.
   */
  population?: ChildPopulation | Record<string, number>;
  /** Pseudo-count, in entries, for the prior's entry rate when a population is given (default 2). */
  entryRatePriorWeight?: number;
  /**
   * Beta prior weight, in children (31 March placements with a known distance), given to the
   * prior's share placed more than 20 miles from home (default 20: distance.ts
   * DEFAULT_DISTANCE_PRIOR_WEIGHT says why).
   */
  distancePriorWeight?: number;
  /**
   * Level of the report's intervals, in (0, 1) (default 0.9): central intervals of the posterior,
   * and for a destination the return could show and did not, [0, U] with U never below the exact
   * one-sided Clopper-Pearson bound for 0 in n at this level (shrinkage.ts rateInterval).
   */
  intervalLevel?: number;
  /**
   * Whether the model is to be published or written (default true): then an import with no usable
   * episode, or with nothing observed in the window, is refused (422), and so is a model that
   * fails validateModel. The backtest's internal refits pass false.
   */
  forPublication?: boolean;
}

export interface RateEstimate {
  to: string;
  /** Observed transitions (fractional when a destination is split between states). */
  count: number;
  /** count / months, before shrinkage; null when nothing was observed. */
  empirical: number | null;
  estimate: number;
  lower: number;
  upper: number;
  /**
   * Whether the return can show this move (staying is always shown). false: moves between states
   * outside care, or leaving-care destinations the return's codes never name; a count of 0 there
   * means not observable, not never seen, and the interval is the posterior's alone.
   */
  revealed: boolean;
}

export interface RowReport {
  band: string;
  state: string;
  /** The units of observations and priorWeight. */
  units: 'person-months' | 'birthdays' | 'care-leaver-years' | 'entries';
  /** Person-months (monthly rows), 18th birthdays in care (age transitions), care-leaver-years (care leaver rows) or entries (entry splits). */
  observations: number;
  /** Of which only partly observed (months outside care, where only a return to care shows). */
  partialObservations: number;
  /** The prior's pseudo-count in the row's units: the weight, plus the floors of destinations the prior all but ruled out (shrinkage.ts DESTINATION_FLOOR). */
  priorWeight: number;
  /** Weight of the prior in the estimate: priorWeight / (observations + priorWeight). */
  priorShare: number;
  /** Dirichlet concentration of the row for the engine's draws. */
  concentration: number;
  shrunk: boolean;
  rates: RateEstimate[];
}

export interface AgeTransitionReport extends RowReport {
  atAgeYears: number;
  from: string[];
}

export type { EntryRatesReport, EntryReport } from './entries.ts';

export interface CalibrationReport {
  window: { fromYear: number; toYear: number; months: number };
  prior: { id: string; version: string };
  mapping: { id: string; version: string };
  priorWeight: number;
  /** The prior weight of the rows for leaving care at 18, in birthdays. */
  ageTransitionPriorWeight: number;
  /** The prior weight of the care leaver rows, in care-leaver-years. */
  careLeaverPriorWeight: number;
  /** The level of every interval in the report. */
  intervalLevel: number;
  shrinkThreshold: number;
  rows: RowReport[];
  ageTransitions: AgeTransitionReport[];
  careLeavers: RowReport[];
  entrySplits: RowReport[];
  entries: EntryReport;
  /** Whether entry rates into care are the authority's or the prior's (national), in words too. */
  entryRates: EntryRatesReport;
  withinStateMoves: { state: string; moves: number; personMonths: number; prior: number | null; estimate: number }[];
  /** Shares placed more than 20 miles from home (distance.ts); absent from reports made before them. */
  distances?: DistanceReport;
  shrunk: { kind: 'monthly' | 'age_transition' | 'care_leaver' | 'entry_split'; band: string; state: string; observations: number; priorShare: number }[];
  notCalibrated: { band: string; state: string; reason: string }[];
  cleaning?: ImportReport['counts'];
  headline: { rowsCalibrated: number; rowsShrunk: number; personMonths: number; children: number; entries: number };
}

export interface CalibrationResult {
  model: CostModelSpec;
  report: CalibrationReport;
}

const DEFAULTS = {
  priorWeight: 60,
  ageTransitionPriorWeight: 4,
  shrinkThreshold: 240,
  entryPriorWeight: 20,
  careLeaverPriorWeight: 10,
  intervalLevel: 0.9,
  noPriorConcentration: 10_000,
};

interface CellCounts {
  months: number;
  counts: Row;
  partialMonths: number;
  partialCounts: Row;
}

const newCell = (): CellCounts => ({ months: 0, counts: {}, partialMonths: 0, partialCounts: {} });
const add = (row: Row, key: string, value: number) => {
  row[key] = (row[key] ?? 0) + value;
};

export function defaultWindow(imported: Pick<ImportedSsda903, 'returnYears'>): { fromYear: number; toYear: number } {
  const last = imported.returnYears[imported.returnYears.length - 1];
  return { fromYear: Math.max(imported.returnYears[0], last - 3), toYear: last };
}

/** Observations counted from the histories over a window. */
export interface WindowCounts {
  cells: Map<string, Map<string, CellCounts>>;
  ageCells: Map<number, CellCounts>;
  entries: Map<string, Map<string, number>>;
  entriesByAge: Map<number, Map<string, number>>;
  entriesByYear: Map<number, number>;
  moves: Map<string, number>;
  exposure: Map<string, number>;
  children: number;
  months: number;
}

/**
 * Shares of a month whose placement is one of several states in unknown shares (a foster
 * placement with no provider): the prior's proportions of entries into those states in the band
 * (the monthly chances of moving into each from every state outside care, summed), equal shares
 * when the prior has none. A single state has share 1.
 */
export function originShares(model: CostModelSpec, band: string, states: readonly string[]): number[] {
  if (states.length === 1) return [1];
  const rows = model.transitions[band] ?? {};
  const outside = model.states.filter((s) => s.category !== 'looked_after' && rows[s.id]);
  const entries: Row = {};
  for (const from of outside) for (const to of states) entries[to] = (entries[to] ?? 0) + (rows[from.id][to] ?? 0);
  return splitWeights(states, entries);
}

export function countWindow(histories: Histories, model: CostModelSpec, window: { fromYear: number; toYear: number }): WindowCounts {
  const startMonth = returnYearFirstMonth(window.fromYear);
  const endMonth = returnYearFirstMonth(window.toYear + 1);
  const result: WindowCounts = {
    cells: new Map(),
    ageCells: new Map(),
    entries: new Map(),
    entriesByAge: new Map(),
    entriesByYear: new Map(),
    moves: new Map(),
    exposure: new Map(),
    children: 0,
    months: endMonth - startMonth,
  };
  const { targets, careStates } = histories;
  const cellOf = (band: string, state: string) => {
    let byState = result.cells.get(band);
    if (!byState) result.cells.set(band, (byState = new Map()));
    let cell = byState.get(state);
    if (!cell) byState.set(state, (cell = newCell()));
    return cell;
  };
  for (const h of histories.histories) {
    let counted = false;
    const from = Math.max(startMonth, h.firstMonth);
    const to = Math.min(endMonth, h.firstMonth + h.targets.length - 1);
    for (let month = from; month <= to; month++) {
      const k = month - h.firstMonth;
      const here = h.targets[k];
      const cameFromOutside = k === 0 || h.targets[k - 1] < 0 || h.mode[k - 1] === DESTINATION_ONLY;
      if (h.entered[k] && here >= 0 && month > startMonth && cameFromOutside) {
        const age = ageYearsAtMonthStart(h.birthMonth, month);
        const band = bandForAge(model, age);
        const states = targets[here].states;
        const shares = band ? originShares(model, band.id, states) : [];
        states.forEach((state, i) => {
          if (!band || !careStates.has(state)) return;
          const byState = result.entries.get(band.id) ?? new Map<string, number>();
          byState.set(state, (byState.get(state) ?? 0) + shares[i]);
          result.entries.set(band.id, byState);
          const byAge = result.entriesByAge.get(age) ?? new Map<string, number>();
          byAge.set(state, (byAge.get(state) ?? 0) + shares[i]);
          result.entriesByAge.set(age, byAge);
          const year = returnYearOfDay(monthStartDay(month) - 1);
          result.entriesByYear.set(year, (result.entriesByYear.get(year) ?? 0) + shares[i]);
        });
      }
      if (month === endMonth) continue;
      if (here < 0 || h.mode[k] === DESTINATION_ONLY) continue;
      const origin = targets[here].states;
      // Several states only for a placement in care whose kind is unknown (a foster placement with
      // no provider): its month is shared between them in the prior's proportions of entries.
      if (origin.length !== 1 && h.mode[k] !== IN_CARE) continue;
      const next = h.targets[k + 1];
      const ageBand = bandForAge(model, ageYearsAtMonthStart(h.birthMonth, month));
      const shares = origin.length === 1 ? [1] : ageBand ? originShares(model, ageBand.id, origin) : [];
      for (const [o, state] of origin.entries()) {
        const share = shares[o];
        if (share === undefined || share === 0) continue;
        if (h.mode[k] === IN_CARE && careStates.has(state)) result.exposure.set(state, (result.exposure.get(state) ?? 0) + share);
        if (next === undefined || next < 0) continue;
        // Staying in the same unknown mix is staying put, whichever state it is.
        const nextStates = next === here ? [state] : targets[next].states;
        const birthday = birthdayAgeInMonth(h.birthMonth, month);
        // A child who left care before an 18th birthday in this month did not have it in care: the
        // leaving is counted in the month's monthly row, whose destinations are allowed at 17.
        const ageTransition = birthday !== undefined && !h.leftBefore18[k + 1] ? ageTransitionFor(model, birthday, state) : undefined;
        let cell: CellCounts;
        let reference: Row | undefined;
        if (ageTransition) {
          cell = result.ageCells.get(ageTransition.index) ?? newCell();
          result.ageCells.set(ageTransition.index, cell);
          reference = ageTransition.spec.to;
        } else {
          if (!ageBand) continue;
          cell = cellOf(ageBand.id, state);
          reference = model.transitions[ageBand.id]?.[state];
        }
        const weights = splitWeights(nextStates, reference);
        if (h.mode[k] === FOLLOWED) {
          cell.partialMonths += share;
          nextStates.forEach((s, i) => {
            if (careStates.has(s)) add(cell.partialCounts, s, share * weights[i]);
          });
        } else {
          cell.months += share;
          for (const [i, s] of nextStates.entries()) add(cell.counts, s, share * weights[i]);
        }
        counted = true;
      }
    }
    for (const move of h.moves) {
      if (move.month >= startMonth && move.month < endMonth) result.moves.set(move.state, (result.moves.get(move.state) ?? 0) + 1);
    }
    if (counted) result.children += 1;
  }
  return result;
}

/** Annual care leaver transitions from the leaving-care state and OC3, pooled by the band of the age at the start of the year. */
function countCareLeavers(
  imported: ImportedSsda903,
  histories: Histories,
  model: CostModelSpec,
  mapping: Ssda903Mapping,
  window: { fromYear: number; toYear: number },
): Map<string, Map<string, Row>> {
  const out = new Map<string, Map<string, Row>>();
  const addAnnual = (age: number, from: string, to: string, weight: number) => {
    const band = bandForAge(model, age);
    if (!band) return;
    const byState = out.get(band.id) ?? new Map<string, Row>();
    const row = byState.get(from) ?? {};
    add(row, to, weight);
    byState.set(from, row);
    out.set(band.id, byState);
  };
  const atAge18 = new Map(histories.histories.filter((h) => h.leftCareAt18).map((h) => [h.child, h.leftCareAt18!]));
  const byChild = new Map<string, Map<number, { state: string | null; returnYear: number }>>();
  for (const r of imported.oc3) {
    const state = careLeaverState(mapping, r, (s) => stateAllowedAt(model, s, r.ageYears));
    const records = byChild.get(r.child) ?? new Map();
    records.set(r.ageYears, { state, returnYear: r.returnYear });
    byChild.set(r.child, records);
  }
  const reference18 = (model.ageTransitions ?? []).find((a) => a.atAgeYears === 18)?.to;
  const inWindow = (year: number) => year >= window.fromYear && year <= window.toYear;
  for (const [child, records] of byChild) {
    const at19 = records.get(19);
    const left = atAge18.get(child);
    if (left && at19?.state && inWindow(at19.returnYear)) {
      const states = histories.targets[left.target].states;
      const weights = splitWeights(states, reference18);
      for (const [i, s] of states.entries()) addAnnual(18, s, at19.state!, weights[i]);
    }
    for (const age of [19, 20]) {
      const a = records.get(age);
      const b = records.get(age + 1);
      // A year ending in a birthday with an age transition for the state (staying put ends at 21) is not a year of monthly rows.
      if (a?.state && b?.state && inWindow(b.returnYear) && !ageTransitionFor(model, age + 1, a.state)) addAnnual(age, a.state, b.state, 1);
    }
  }
  return out;
}

/**
 * Whether a state can be in an age band at all (some age in the band lies within its minimum and
 * maximum ages): the rule validate-model applies to every destination of a band's rows.
 */
function presentInBand(model: CostModelSpec, state: string, band: Pick<AgeBandSpec, 'fromYears' | 'toYears'>): boolean {
  const s = model.states.find((x) => x.id === state);
  if (!s) return false;
  return Math.max(s.minAgeYears ?? 0, band.fromYears) < Math.min(s.maxAgeYears ?? Number.POSITIVE_INFINITY, band.toYears);
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'authority'
  );
}

/** The id a calibrated model takes: the one asked for, else `<authority>-calibrated`, else `<prior id>-calibrated`. */
export function calibratedModelId(options: { priorId: string; modelId?: string | undefined; authorityName?: string | undefined }): string {
  if (options.modelId) return options.modelId;
  return (options.authorityName ? `${slug(options.authorityName)}-calibrated` : `${options.priorId}-calibrated`).slice(0, 64);
}

export function calibrate(imported: ImportedSsda903, options: CalibrateOptions): CalibrationResult {
  const prior = options.priorModel;
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  validateMappingForModel(mapping, prior);
  const forPublication = options.forPublication ?? true;
  if (forPublication) assertUsable(imported);
  const window = options.referenceWindow ?? defaultWindow(imported);
  const first = imported.returnYears[0];
  const last = imported.returnYears[imported.returnYears.length - 1];
  if (window.fromYear > window.toYear || window.fromYear < first || window.toYear > last) {
    throw new BadRequestError(`The reference window ${window.fromYear}-${window.toYear} must lie within the returns imported (${first}-${last})`, [
      { field: 'referenceWindow', reason: `return years ${first} to ${last} are available` },
    ]);
  }
  const w = options.priorWeight ?? DEFAULTS.priorWeight;
  const threshold = options.shrinkThreshold ?? DEFAULTS.shrinkThreshold;
  const entryWeight = options.entryPriorWeight ?? DEFAULTS.entryPriorWeight;
  const leaverWeight = options.careLeaverPriorWeight ?? DEFAULTS.careLeaverPriorWeight;
  const birthdayWeight = options.ageTransitionPriorWeight ?? DEFAULTS.ageTransitionPriorWeight;
  const level = options.intervalLevel ?? DEFAULTS.intervalLevel;
  const floor = options.destinationFloor ?? DESTINATION_FLOOR;
  if (!(floor >= 0) || !Number.isFinite(floor)) throw new BadRequestError(`destinationFloor must be 0 or more, not ${floor}`, [{ field: 'destinationFloor', reason: 'must be a number, 0 or more' }]);
  if (!(level > 0 && level < 1)) {
    throw new BadRequestError(`The interval level must be between 0 and 1 (0.9 for 90%), not ${level}`, [{ field: 'intervalLevel', reason: 'must be a number above 0 and below 1' }]);
  }
  const distanceWeight = options.distancePriorWeight ?? DEFAULT_DISTANCE_PRIOR_WEIGHT;
  for (const [field, value] of [
    ['priorWeight', w],
    ['ageTransitionPriorWeight', birthdayWeight],
    ['careLeaverPriorWeight', leaverWeight],
    ['entryPriorWeight', entryWeight],
    ['distancePriorWeight', distanceWeight],
  ] as const) {
    if (!(value > 0) || !Number.isFinite(value)) throw new BadRequestError(`${field} must be a positive number, not ${value}`, [{ field, reason: 'must be a positive number' }]);
  }

  const histories = buildHistories(imported, mapping, prior);
  const counts = countWindow(histories, prior, window);
  const transitions: CostModelSpec['transitions'] = structuredClone(prior.transitions);
  const rowConcentration: Record<string, Record<string, number>> = {};
  const setConcentration = (band: string, state: string, value: number) => {
    (rowConcentration[band] ??= {})[state] = Math.round(value * 1000) / 1000;
  };
  const report: CalibrationReport = {
    window: { ...window, months: counts.months },
    prior: { id: prior.id, version: prior.version },
    mapping: { id: mapping.id, version: mapping.version },
    priorWeight: w,
    ageTransitionPriorWeight: birthdayWeight,
    careLeaverPriorWeight: leaverWeight,
    intervalLevel: level,
    shrinkThreshold: threshold,
    rows: [],
    ageTransitions: [],
    careLeavers: [],
    entrySplits: [],
    entries: { months: counts.months, total: 0, byBand: [], byReturnYear: [], byAge: [] },
    entryRates: { basis: 'national', note: '', level, byBand: [], multiplierSd: null },
    withinStateMoves: [],
    shrunk: [],
    notCalibrated: [],
    headline: { rowsCalibrated: 0, rowsShrunk: 0, personMonths: 0, children: counts.children, entries: 0 },
  };

  /**
   * A row's report. `exposures(to)` is the number of observations in which a move to `to` would
   * have been seen (undefined when the return cannot reveal it): a destination with none seen
   * then gets [0, U], U at least the exact bound for 0 in that many (rateInterval).
   */
  const rowReport = (
    band: string,
    state: string,
    estimate: Row,
    cell: CellCounts,
    weight: number,
    concentration: number,
    units: RowReport['units'] = 'person-months',
    exposures: (to: string) => number | undefined = () => undefined,
    shape: 'central' | 'shortest' = 'central',
  ): RowReport => {
    const n = cell.months + cell.partialMonths;
    const observed: Row = { ...cell.counts };
    for (const [k, v] of Object.entries(cell.partialCounts)) add(observed, k, v);
    return {
      band,
      state,
      units,
      observations: n,
      partialObservations: cell.partialMonths,
      priorWeight: weight,
      priorShare: weight / (n + weight),
      concentration,
      shrunk: n < threshold,
      rates: Object.entries(estimate).map(([to, p]) => {
        const count = observed[to] ?? 0;
        const seen = to === state ? undefined : exposures(to);
        const { lower, upper } = rateInterval(p, concentration, level, seen === undefined ? undefined : { count, exposures: seen }, shape);
        return { to, count, empirical: n > 0 ? count / n : null, estimate: p, lower, upper, revealed: to === state || seen !== undefined };
      }),
    };
  };

  // What the return can show a child moving into: any placement's state (a move in care or a
  // return to care), and, from a month in care before 18, any state an exit before 18 maps to.
  const exitStatesUnder18 = new Set<string>();
  for (const rule of Object.values(mapping.exits)) {
    const target = rule.under18;
    for (const s of target === null || target === undefined ? [] : Array.isArray(target) ? target : [target]) exitStatesUnder18.add(s);
  }
  const exitStatesFrom18 = new Set<string>();
  for (const rule of Object.values(mapping.exits)) {
    const target = rule.from18;
    for (const s of target === null || target === undefined ? [] : Array.isArray(target) ? target : [target]) exitStatesFrom18.add(s);
  }
  const terminal = new Set(prior.states.filter((s) => s.terminal).map((s) => s.id));
  /** Destinations of a monthly row the return can reveal and the model allows in the band (validate-model: a destination must be able to be in the band). */
  const learnableMonthly = (band: { fromYears: number; toYears: number }, state: string, fullyObserved: boolean): Set<string> => {
    if (terminal.has(state)) return new Set();
    const candidates = fullyObserved ? [...histories.careStates, ...exitStatesUnder18] : [...histories.careStates];
    return new Set(candidates.filter((to) => to !== state && presentInBand(prior, to, band)));
  };

  // Monthly rows.
  for (const band of prior.ageBands) {
    const byState = counts.cells.get(band.id);
    if (!byState) continue;
    for (const [state, cell] of byState) {
      const priorRow = prior.transitions[band.id]?.[state];
      if (!priorRow) {
        report.notCalibrated.push({ band: band.id, state, reason: `${cell.months + cell.partialMonths} person-months observed, but the prior model has no row for this state in this band` });
        continue;
      }
      // Valid by construction: a move into a state the model does not allow in this band (by its
      // ages, as validate-model checks them) is reported and left out, never written.
      const allowed = (to: string) => to in priorRow || presentInBand(prior, to, band);
      for (const row of [cell.counts, cell.partialCounts]) {
        for (const to of Object.keys(row)) {
          if (allowed(to) && !(terminal.has(state) && to !== state)) continue;
          report.notCalibrated.push({ band: band.id, state, reason: `${row[to]} move(s) to ${to}, a state not allowed in this band, were left out` });
          if (row === cell.counts) cell.months -= row[to];
          else cell.partialMonths -= row[to];
          delete row[to];
        }
      }
      const observable = histories.careStates;
      const learnable = learnableMonthly(band, state, cell.months > 0);
      const alpha = priorPseudoCounts(priorRow, w, learnable, state, floor);
      const priorTotal = Object.values(alpha).reduce((a, b) => a + b, 0);
      const posterior = posteriorFromPseudoCounts(alpha, { months: cell.months, counts: cell.counts, partialMonths: cell.partialMonths, partialCounts: cell.partialCounts, observable }, state);
      const row = tidyRow(posterior, new Set([...Object.keys(priorRow), ...learnable]));
      transitions[band.id][state] = row;
      const n = cell.months + cell.partialMonths;
      setConcentration(band.id, state, n + priorTotal);
      // A move into a care state is seen in every month, partly observed or not; any other move only in fully observed months.
      const exposures = (to: string) => (observable.has(to) ? n : learnable.has(to) ? cell.months : undefined);
      const r = rowReport(band.id, state, row, cell, priorTotal, n + priorTotal, 'person-months', exposures);
      report.rows.push(r);
      report.headline.personMonths += n;
      if (r.shrunk) report.shrunk.push({ kind: 'monthly', band: band.id, state, observations: n, priorShare: r.priorShare });
    }
  }

  // Age transitions (leaving care at 18): observations are birthdays in care, weighed in birthdays.
  const ageTransitions = structuredClone(prior.ageTransitions ?? []);
  ageTransitions.forEach((spec, index) => {
    const cell = counts.ageCells.get(index);
    if (!cell || cell.months === 0) {
      if (spec.atAgeYears <= 18) report.notCalibrated.push({ band: `age ${spec.atAgeYears}`, state: spec.from.join(','), reason: 'no child in these states had this birthday in the window' });
      return;
    }
    const from = resolveSelector(prior, spec.from);
    // A destination the model does not allow at this birthday is never written into its row (the
    // model would be refused); it is reported instead. Leavings before the birthday are counted
    // in monthly rows already (history.ts), so this is a guard, not a correction.
    for (const to of Object.keys(cell.counts)) {
      if (to in spec.to || stateAllowedAt(prior, to, spec.atAgeYears)) continue;
      report.notCalibrated.push({ band: `age ${spec.atAgeYears}`, state: spec.from.join(','), reason: `${cell.counts[to]} move(s) to ${to}, a state not allowed at ${spec.atAgeYears}, were left out` });
      cell.months -= cell.counts[to];
      delete cell.counts[to];
    }
    if (cell.months <= 0) return;
    // Leaving care at this birthday can show any state an exit at 18 or over maps to (and staying
    // in care past 18 is not a state of the model: from[0] takes no mass here).
    const fromCare = from.some((s) => histories.careStates.has(s));
    const learnable = new Set(fromCare ? [...exitStatesFrom18].filter((to) => stateAllowedAt(prior, to, spec.atAgeYears) && !from.includes(to)) : []);
    const alpha = priorPseudoCounts(spec.to, birthdayWeight, learnable, from[0], floor);
    const priorTotal = Object.values(alpha).reduce((a, b) => a + b, 0);
    const posterior = posteriorFromPseudoCounts(alpha, { months: cell.months, counts: cell.counts }, from[0]);
    spec.to = tidyRow(posterior, new Set([...Object.keys(spec.to), ...learnable]));
    const exposures = (to: string) => (learnable.has(to) ? cell.months : undefined);
    // The shortest 90% interval of each rate's posterior, not the central one: with a handful of
    // birthdays the posterior is broad and skewed, and the central interval over-covered (98% of
    // rates from fewer than 10 birthdays held the truth, README "Coverage of the intervals"). These
    // rows are applied as they are (no per-run draw), so no engine draw has to match the interval.
    const r = rowReport(`age ${spec.atAgeYears}`, spec.from.join(','), spec.to, cell, priorTotal, cell.months + priorTotal, 'birthdays', exposures, 'shortest');
    report.ageTransitions.push({ ...r, atAgeYears: spec.atAgeYears, from });
    if (r.shrunk) report.shrunk.push({ kind: 'age_transition', band: `age ${spec.atAgeYears}`, state: spec.from.join(','), observations: cell.months, priorShare: r.priorShare });
  });

  // Care leaver rows from OC3 (annual, converted to monthly), weighed in care-leaver-years.
  const careLeaverCounts = countCareLeavers(imported, histories, prior, mapping, window);
  const stateIds = new Set(prior.states.map((x) => x.id));
  const careLeaverStates = new Set(
    [...Object.values(mapping.careLeavers.accommodation), ...Object.values(mapping.careLeavers.activity)].filter((x): x is string => typeof x === 'string' && stateIds.has(x)),
  );
  for (const [bandId, byState] of careLeaverCounts) {
    const bandRows = prior.transitions[bandId];
    const band = prior.ageBands.find((b) => b.id === bandId)!;
    for (const [state, annualCounts] of byState) {
      const priorRow = bandRows?.[state];
      // A terminal state (adult) keeps everyone: its row is the prior's.
      if (terminal.has(state)) continue;
      if (!priorRow) {
        const total = Object.values(annualCounts).reduce((a, b) => a + b, 0);
        report.notCalibrated.push({ band: bandId, state, reason: `${total} care-leaver-year(s) observed, but the prior model has no row for this state in this band` });
        continue;
      }
      // Valid by construction: a year ending in a state the model does not allow in this band is reported and left out.
      for (const to of Object.keys(annualCounts)) {
        if (to in priorRow || presentInBand(prior, to, band)) continue;
        report.notCalibrated.push({ band: bandId, state, reason: `${annualCounts[to]} care-leaver-year(s) ending in ${to}, a state not allowed in this band, were left out` });
        delete annualCounts[to];
      }
      const n = Object.values(annualCounts).reduce((a, b) => a + b, 0);
      if (n <= 0) continue;
      let annualPrior = new Map<string, number>([[state, 1]]);
      for (let m = 0; m < 12; m++) annualPrior = stepDistribution(bandRows, annualPrior);
      // OC3 can show a care leaver in any state its accommodation and activity codes map to.
      const learnable = new Set(terminal.has(state) ? [] : [...careLeaverStates].filter((to) => to !== state && presentInBand(prior, to, band)));
      const alpha = priorPseudoCounts(Object.fromEntries(annualPrior), leaverWeight, learnable, state, floor);
      const priorTotal = Object.values(alpha).reduce((a, b) => a + b, 0);
      const annualPosterior = posteriorFromPseudoCounts(alpha, { months: n, counts: annualCounts }, state);
      const monthly = tidyRow(monthlyFromAnnual(annualPosterior, state), new Set([...Object.keys(priorRow), ...learnable]));
      transitions[bandId][state] = monthly;
      const concentration = 12 * (n + priorTotal);
      setConcentration(bandId, state, concentration);
      const cell: CellCounts = { months: n, counts: annualCounts, partialMonths: 0, partialCounts: {} };
      // Intervals of the monthly rates; a destination never seen in n care-leaver-years gets at
      // least the exact annual bound for 0 in n, put in monthly terms (12n months, one move each
      // at most: the bound for 0 in 12n).
      const r = rowReport(bandId, state, monthly, cell, priorTotal, concentration, 'care-leaver-years', (to) => (learnable.has(to) ? 12 * n : undefined));
      r.shrunk = n < threshold / 12;
      report.careLeavers.push(r);
      if (r.shrunk) report.shrunk.push({ kind: 'care_leaver', band: bandId, state, observations: n, priorShare: r.priorShare });
    }
  }

  // Entries: counts, intervals and the split between placements; local entry rates with a population (entries.ts).
  const entryStep = calibrateEntries({
    prior,
    transitions,
    counts,
    careStates: histories.careStates,
    notEntrySources: new Set([...histories.careStates, ...histories.trackedExitStates, ...report.rows.map((r) => r.state)]),
    level,
    entryWeight,
    entryRateWeight: options.entryRatePriorWeight ?? DEFAULT_ENTRY_RATE_WEIGHT,
    population: options.population,
    // Entry splits count entries: their rows say so.
    // Every entry shows its starting placement: each looked-after destination was revealable at every entry.
    rowReport: (band, state, estimate, cell, weight, concentration) =>
      rowReport(band, state, estimate, cell, weight, concentration, 'entries', (to) => (histories.careStates.has(to) ? cell.months : undefined)),
  });
  report.entries = entryStep.entries;
  report.entrySplits.push(...entryStep.entrySplits);
  report.shrunk.push(...entryStep.shrunk);
  report.notCalibrated.push(...entryStep.notCalibrated);
  report.entryRates = entryStep.entryRates;
  report.headline.entries = report.entries.total;

  // Shares placed more than 20 miles from home, from the children on each 31 March of the window (distance.ts).
  const distances = calibrateDistances(imported, { priorModel: prior, mapping, window, priorWeight: distanceWeight, sourceKey: 'ssda903_calibration' });
  report.distances = distances.report;

  // Placement moves within a state.
  const states = distances.states;
  for (const s of states) {
    if (!s.placement) continue;
    const exposure = counts.exposure.get(s.id) ?? 0;
    if (exposure === 0) continue;
    const moves = counts.moves.get(s.id) ?? 0;
    const priorRate = s.withinStatePlacementMoves ?? null;
    const estimate = (moves + w * (priorRate ?? 0)) / (exposure + w);
    s.withinStatePlacementMoves = Math.round(Math.min(1, estimate) * 1e8) / 1e8;
    report.withinStateMoves.push({ state: s.id, moves, personMonths: exposure, prior: priorRate, estimate: s.withinStatePlacementMoves });
  }

  // Shared months and entries (foster placements with no provider) are fractions: sums are rounded to 1e-9.
  const tidy = (x: number) => Math.round(x * 1e9) / 1e9;
  report.headline.personMonths = tidy(report.headline.personMonths);
  report.headline.entries = tidy(report.headline.entries);
  report.entries.total = tidy(report.entries.total);
  report.headline.rowsCalibrated = report.rows.length + report.ageTransitions.length + report.careLeavers.length + report.entrySplits.length;
  report.headline.rowsShrunk = report.shrunk.length;
  report.cleaning = imported.report.counts;

  const authority = options.authorityName;
  const id = calibratedModelId({ priorId: prior.id, modelId: options.modelId, authorityName: authority });
  const windowText = `${window.fromYear - 1}-${String(window.fromYear).slice(2)} to ${window.toYear - 1}-${String(window.toYear).slice(2)}`;
  const oneReturn = window.fromYear === window.toYear ? `${window.fromYear - 1}-${String(window.toYear).slice(2)} SSDA903 return` : undefined;
  const returnsText = oneReturn ? `the ${oneReturn}` : `SSDA903 returns ${window.fromYear} to ${window.toYear} (years ending 31 March)`;
  const model: CostModelSpec = {
    ...structuredClone(prior),
    id,
    version: options.version ?? '1.0.0',
    name: `${authority ?? 'Local authority'}: ${prior.name}, calibrated from ${returnsText}`,
    description: `Transition rates calibrated from ${authority ?? 'the authority'}'s ${oneReturn ?? returnsText}, shrunk towards ${prior.id} ${prior.version} (Dirichlet prior weight ${w} person-months per monthly row, ${birthdayWeight} birthdays per row for leaving care at 18, ${leaverWeight} care-leaver-years per care leaver row).${distances.report.children > 0 ? ` Shares placed more than 20 miles from home calibrated from the children’s 31 March placements with a known distance (Beta prior weight ${distanceWeight} children toward the prior’s shares).` : ''} Costs, states and interventions are the prior's.`,
    states,
    transitions,
    ...(ageTransitions.length ? { ageTransitions } : {}),
    ...(entryStep.rateFactor ? { rateFactors: withRateFactor(prior.rateFactors, entryStep.rateFactor) } : {}),
    rateUncertainty: {
      concentration: prior.rateUncertainty?.concentration ?? DEFAULTS.noPriorConcentration,
      rowConcentration: mergeConcentrations(prior.rateUncertainty?.rowConcentration, rowConcentration),
    },
    transitionSources: [
      { describes: `Monthly transitions between placements and out of care, by age band (${windowText})`, source: 'ssda903_calibration' },
      { describes: 'Leaving care at 18 (age transitions)', source: 'ssda903_calibration' },
      { describes: 'Care leaver transitions 18 to 21 (OC3 at 19, 20 and 21, converted to monthly)', source: 'ssda903_calibration' },
      { describes: 'Split of entries into care by starting placement', source: 'ssda903_calibration' },
      ...(report.entryRates.basis === 'local'
        ? [{ describes: `Entries into care per 10,000 children, by age band (${report.entryRates.population?.description ?? 'population given'})`, source: 'ssda903_calibration' }]
        : []),
      ...prior.transitionSources.map((t) => ({ ...t, describes: `Prior, where the returns are silent or thin: ${t.describes}` })),
    ],
    sources: {
      ...prior.sources,
      ssda903_calibration: {
        title: `${returnsText}: ${report.headline.personMonths} person-months of ${counts.children} children; rows shrunk towards ${prior.id} ${prior.version}`,
        publisher: authority ?? 'Local authority (SSDA903 return to the DfE)',
        year: String(window.toYear),
        note: `Calibrated by pathcast (mapping ${mapping.id} ${mapping.version}; prior weight ${w} person-months per row; ${report.shrunk.length} of ${report.headline.rowsCalibrated} rows have fewer than ${threshold} person-months and lean on the prior).${distances.report.children > 0 ? ` ${distances.report.note}` : ''}`,
      },
    },
  };
  if (!forPublication) return { model, report };
  if (report.headline.personMonths === 0 && report.entries.total === 0 && report.careLeavers.length === 0 && report.ageTransitions.length === 0) {
    const { unobserved } = imported.report.totals;
    throw new UnprocessableError(
      `Nothing was observed in ${window.fromYear}-${window.toYear}: no month in a placement that maps to a state, no entry, no care leaver${unobserved.episodes > 0 ? ` (${unobserved.episodes} episode(s) have placements that map to no state: ${unobserved.personMonths} person-month(s) not observed; an authority may map their codes by override)` : ''}. No model is published.`,
      cleaningAsErrors(imported.report),
    );
  }
  // Nothing invalid is ever published or written: the model is checked as the catalog would.
  const checked = validateModel(model);
  if (!checked.ok) {
    throw new UnprocessableError(
      'The calibrated model is not valid, so it is not published',
      [...checked.errors.map((e) => ({ field: `model${e.field}`, reason: e.reason })), ...cleaningAsErrors(imported.report, 20)],
    );
  }
  return { model, report };
}

/** Refuses an import with no usable episode (422), with its cleaning report in the errors. */
export function assertUsable(imported: ImportedSsda903): void {
  if (imported.episodes.length > 0) return;
  const { shortBreaks } = imported.report.totals;
  const why = imported.report.actions.length === 0
    ? 'the episodes files hold no rows'
    : `every row was dropped or set aside in cleaning${shortBreaks.episodes > 0 ? ` (${shortBreaks.episodes} short-break episode(s) are excluded by design)` : ''}`;
  throw new UnprocessableError(`No usable episodes: ${why}, so nothing can be calibrated and no model is published. The cleaning report is in errors.`, cleaningAsErrors(imported.report));
}

/** The prior's rate factors with one replaced by id (in its place) or added at the end. */
function withRateFactor(factors: CostModelSpec['rateFactors'], factor: NonNullable<CostModelSpec['rateFactors']>[number]): NonNullable<CostModelSpec['rateFactors']> {
  const list = structuredClone(factors ?? []);
  const at = list.findIndex((f) => f.id === factor.id);
  if (at >= 0) list[at] = factor;
  else list.push(factor);
  return list;
}

function mergeConcentrations(
  prior: Record<string, Record<string, number>> | undefined,
  calibrated: Record<string, Record<string, number>>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = structuredClone(prior ?? {});
  for (const [band, byState] of Object.entries(calibrated)) out[band] = { ...(out[band] ?? {}), ...byState };
  return out;
}

