import type { CostModelSpec } from '../catalog/model-schema.ts';
import { ageYearsAtMonthStart, birthdayAgeInMonth, isoDate, parseIsoDate, returnYearEndDay, returnYearFirstMonth } from './dates.ts';
import { type CalibrateOptions, type CalibrationReport, calibrate, originShares } from './calibrate.ts';
import { buildHistories, DESTINATION_ONLY, IN_CARE } from './history.ts';
import type { ImportedSsda903 } from './import.ts';
import { DEFAULT_MAPPING } from './mapping.ts';
import { bandForAge, resolveSelector, type TransitionRowSpec } from './model-structure.ts';
import { splitWeights } from './shrinkage.ts';

/**
 * backtest: fit on the returns up to year Y − 1, project year Y, and compare with what happened.
 *
 * The projection is exact, not simulated: each child in a modelled state on 1 April of Y − 1 is a
 * distribution over states, pushed through the model's monthly rows for their age (and the age
 * transitions in birthday months) for twelve months; entrants arrive each month at the fitted
 * rate by single year of age and starting state (birth months spread evenly over the year, so
 * they age as real entrants do) and are pushed forward for the rest of the year. The expected
 * number in each care state on 1 April of Y (the children open at 31 March) is compared with the
 * number observed in the returns. Each count's standard deviation under the model (Bernoulli for
 * the children already there, Poisson for entrants) says how far off a perfect model would
 * typically be.
 */

export interface BacktestOptions extends Omit<CalibrateOptions, 'referenceWindow'> {
  /** The return year projected (ending 31 March). */
  year: number;
  /** How many return years before it to fit on (default 4, or as many as there are). */
  fitYears?: number;
}

export interface StateComparison {
  state: string;
  projected: number;
  actual: number;
  error: number;
  absoluteError: number;
  /** (projected − actual) / actual × 100; null when actual is 0. */
  percentError: number | null;
  /** Standard deviation of the count under the fitted model. */
  sd: number;
}

export interface BacktestResult {
  year: number;
  fitWindow: { fromYear: number; toYear: number };
  model: { id: string; version: string };
  startPopulation: number;
  expectedEntrants: number;
  actualEntrants: number;
  states: StateComparison[];
  overall: {
    projected: number;
    actual: number;
    error: number;
    percentError: number | null;
    sd: number;
    /** Sum of the absolute errors by state. */
    sumAbsoluteError: number;
    /** Weighted absolute percentage error: sum of absolute errors over the actual total, × 100. */
    wape: number | null;
  };
  calibration: CalibrationReport['headline'];
}

/** The data as it stood at the end of a return year: later returns removed, later endings unknown. */
export function truncateToReturnYear(imported: ImportedSsda903, lastYear: number): ImportedSsda903 {
  const yearEnd = returnYearEndDay(lastYear);
  const openUntil = yearEnd + 1;
  const episodes = imported.episodes
    .filter((e) => parseIsoDate(e.start) <= yearEnd)
    .map((e) => {
      const end = e.end === null ? null : parseIsoDate(e.end);
      if (end !== null && end <= yearEnd) return e;
      const known = e.knownOpenUntil === null ? openUntil : Math.min(parseIsoDate(e.knownOpenUntil), openUntil);
      return { ...e, end: null, reasonEnded: null, ageAtEndYears: null, knownOpenUntil: isoDate(end === null ? known : openUntil) };
    });
  return {
    ...imported,
    returnYears: imported.returnYears.filter((y) => y <= lastYear),
    dataEnd: isoDate(openUntil),
    episodes,
    oc3: imported.oc3.filter((r) => r.returnYear <= lastYear),
  };
}

type Distribution = Map<string, number>;

/** Replacement rows by birthday age and state, from the model's age transitions. */
function birthdayRows(model: CostModelSpec): Map<number, Map<string, TransitionRowSpec>> {
  const out = new Map<number, Map<string, TransitionRowSpec>>();
  for (const rule of model.ageTransitions ?? []) {
    const byState = out.get(rule.atAgeYears) ?? new Map<string, TransitionRowSpec>();
    for (const s of resolveSelector(model, rule.from)) if (!byState.has(s)) byState.set(s, rule.to);
    out.set(rule.atAgeYears, byState);
  }
  return out;
}

/** One person's distribution pushed from the first day of `fromMonth` to the first day of `toMonth`. */
export function propagate(model: CostModelSpec, birthMonth: number, start: Distribution, fromMonth: number, toMonth: number, rules = birthdayRows(model)): Distribution {
  let dist = start;
  for (let month = fromMonth; month < toMonth; month++) {
    const birthday = birthdayAgeInMonth(birthMonth, month);
    const replacements = birthday !== undefined ? rules.get(birthday) : undefined;
    const band = bandForAge(model, ageYearsAtMonthStart(birthMonth, month));
    const rows = band ? model.transitions[band.id] : undefined;
    const next: Distribution = new Map();
    for (const [state, mass] of dist) {
      if (mass === 0) continue;
      const row = replacements?.get(state) ?? rows?.[state];
      if (!row) {
        next.set(state, (next.get(state) ?? 0) + mass);
        continue;
      }
      for (const [to, p] of Object.entries(row)) if (p !== 0) next.set(to, (next.get(to) ?? 0) + mass * p);
    }
    dist = next;
  }
  return dist;
}

export function backtest(imported: ImportedSsda903, options: BacktestOptions): BacktestResult {
  const { year } = options;
  const first = imported.returnYears[0];
  const last = imported.returnYears[imported.returnYears.length - 1];
  if (year - 1 < first || year > last) {
    throw new RangeError(`backtest year ${year} needs the returns for ${year - 1} and ${year}; ${first} to ${last} were imported`);
  }
  const fitYears = options.fitYears ?? 4;
  const fitWindow = { fromYear: Math.max(first, year - fitYears), toYear: year - 1 };
  const asOf = truncateToReturnYear(imported, year - 1);
  const { model, report } = calibrate(asOf, { ...options, referenceWindow: fitWindow, forPublication: false });
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const rules = birthdayRows(model);
  const startMonth = returnYearFirstMonth(year);
  const endMonth = startMonth + 12;

  const before = buildHistories(asOf, mapping, model);
  const careStates = before.careStates;
  const expected = new Map<string, number>();
  const variance = new Map<string, number>();
  let inCareExpected = 0;
  let inCareVariance = 0;
  let startPopulation = 0;
  const accumulate = (dist: Distribution, weight: number, poisson: boolean) => {
    let inCare = 0;
    for (const [state, p] of dist) {
      if (!careStates.has(state)) continue;
      const mass = weight * p;
      expected.set(state, (expected.get(state) ?? 0) + mass);
      variance.set(state, (variance.get(state) ?? 0) + (poisson ? mass : mass * (1 - p)));
      inCare += p;
    }
    inCareExpected += weight * inCare;
    inCareVariance += poisson ? weight * inCare : weight * inCare * (1 - inCare);
  };
  for (const h of before.histories) {
    const k = startMonth - h.firstMonth;
    if (k < 0 || k >= h.targets.length) continue;
    const target = h.targets[k];
    if (target < 0) continue;
    const states = before.targets[target].states;
    // Not followed after this month, so not part of the population the model can project.
    if (h.mode[k] === DESTINATION_ONLY) continue;
    // A child followed out of care in a state that is also a placement (custody after a sentence) is not counted as in care.
    if (h.mode[k] !== IN_CARE && states.some((s) => careStates.has(s))) continue;
    const start: Distribution = new Map();
    const weights = splitWeights(states, undefined);
    for (const [i, s] of states.entries()) start.set(s, weights[i]);
    accumulate(propagate(model, h.birthMonth, start, startMonth, endMonth, rules), 1, false);
    startPopulation += 1;
  }

  let expectedEntrants = 0;
  for (const { ageYears, state, count } of report.entries.byAge) {
    const perMonth = count / report.window.months;
    for (let j = 1; j <= 12; j++) {
      const entryMonth = startMonth + j;
      for (let r = 0; r < 12; r++) {
        const birthMonth = entryMonth - 1 - (12 * ageYears + r);
        const dist = propagate(model, birthMonth, new Map([[state, 1]]), entryMonth, endMonth, rules);
        accumulate(dist, perMonth / 12, true);
      }
      expectedEntrants += perMonth;
    }
  }

  const after = buildHistories(imported, mapping, model);
  const actual = new Map<string, number>();
  let actualEntrants = 0;
  for (const h of after.histories) {
    const k = endMonth - h.firstMonth;
    if (k >= 0 && k < h.targets.length && h.targets[k] >= 0 && h.mode[k] === IN_CARE) {
      const states = after.targets[h.targets[k]].states;
      // A placement of unknown kind (foster care with no provider) counts in each of its states by the prior's shares.
      const band = bandForAge(model, ageYearsAtMonthStart(h.birthMonth, endMonth));
      const shares = states.length === 1 ? [1] : band ? originShares(model, band.id, states) : [];
      states.forEach((s, i) => {
        if (careStates.has(s) && shares[i]) actual.set(s, (actual.get(s) ?? 0) + shares[i]);
      });
    }
    for (let month = startMonth + 1; month <= endMonth; month++) {
      const i = month - h.firstMonth;
      const fromOutside = i === 0 || h.targets[i - 1] < 0 || h.mode[i - 1] === DESTINATION_ONLY;
      if (i >= 0 && i < h.targets.length && h.entered[i] && h.targets[i] >= 0 && fromOutside) actualEntrants += 1;
    }
  }

  const states: StateComparison[] = [...careStates].map((state) => {
    const projected = expected.get(state) ?? 0;
    const observed = actual.get(state) ?? 0;
    const error = projected - observed;
    return {
      state,
      projected,
      actual: observed,
      error,
      absoluteError: Math.abs(error),
      percentError: observed > 0 ? (error / observed) * 100 : null,
      sd: Math.sqrt(variance.get(state) ?? 0),
    };
  });
  const actualTotal = states.reduce((a, s) => a + s.actual, 0);
  const sumAbsoluteError = states.reduce((a, s) => a + s.absoluteError, 0);
  return {
    year,
    fitWindow,
    model: { id: model.id, version: model.version },
    startPopulation,
    expectedEntrants,
    actualEntrants,
    states,
    overall: {
      projected: inCareExpected,
      actual: actualTotal,
      error: inCareExpected - actualTotal,
      percentError: actualTotal > 0 ? ((inCareExpected - actualTotal) / actualTotal) * 100 : null,
      sd: Math.sqrt(inCareVariance),
      sumAbsoluteError,
      wape: actualTotal > 0 ? (sumAbsoluteError / actualTotal) * 100 : null,
    },
    calibration: report.headline,
  };
}
