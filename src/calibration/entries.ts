import type { CostModelSpec } from '../catalog/model-schema.ts';
import { poissonInterval } from './poisson-interval.ts';
import { bandForAge } from './model-structure.ts';
import { posteriorRow, type Row, tidyRow } from './shrinkage.ts';

/**
 * Entries into care: what the return says about them, and, with the authority's population of
 * children, the local entry rate the calibrated model takes.
 *
 * The return counts entries (children who start to be looked after, by age at the first month
 * start in care and starting placement) but has no denominator: the children at home are not in
 * it. So:
 *
 * - Always: entries by age band per month with exact Poisson intervals, by return year and by
 *   single year of age (the backtest projects entrants from these), and the split of entries
 *   between looked-after states re-estimated in every community row (a Dirichlet shrunk towards
 *   the prior's split, weight `entryPriorWeight` entries).
 * - With a population (ONS mid-year estimates by single year of age, population.ts): entries per
 *   10,000 children a year by band with an exact (Garwood) interval, and the prior's community
 *   rows scaled band by band so the model's own expected entries per child match the local rate.
 * - Without one: the total chance of entering care stays the prior's (national) figure, and the
 *   report says so in words (`entryRates.basis` = 'national').
 *
 * The statistics. In band b the entries k_b over T months among P_b children are Poisson with
 * mean λ_b·P_b·T, λ_b the monthly entry rate per child. The interval for λ_b is Garwood's exact
 * interval for a Poisson mean (poissonInterval) divided by the exposure P_b·T; the population is
 * taken as known (the ONS estimate's own error is not carried). The rate the model takes is the
 * posterior mean under a Gamma prior centred on the prior model's own rate m_b with a weight of
 * `entryRatePriorWeight` entries: (k_b + w)/(P_b·T + w/m_b), so a band with no entry in a small
 * authority keeps a small chance of entry instead of none (weight 2 by default: a tiny say once
 * a band has tens of entries).
 *
 * The prior model's rate m_b: a birth cohort starting at home, propagated exactly month by month
 * through the model's rows for ages 0-17 (as test/models/england-default.test.ts checks the
 * default model against DfE's 70 looked after per 10,000); the expected moves from community and
 * edge-of-care states into looked-after states in a month, per child of the cohort, attributed
 * (as the return's entries are) to the band of the age on the first month start in care. The
 * scale of each band's entries is found by fixed-point iteration, since scaling one band's entries
 * changes who is left at home in the next.
 */

export type EntryRateBasis = 'national' | 'local';

export interface EntryBandReport {
  band: string;
  /** Entries counted (fractional when a placement's kind is shared between states). */
  count: number;
  perMonth: number;
  /** Exact Poisson interval for the entries per month, at the report's level. */
  lower: number;
  upper: number;
  per10000ChildrenPerYear?: number;
  byState: { state: string; count: number; share: number }[];
}

export interface EntryReport {
  months: number;
  total: number;
  byBand: EntryBandReport[];
  byReturnYear: { returnYear: number; count: number }[];
  /** Entries by single year of age at entry and starting state (for projecting entrants). */
  byAge: { ageYears: number; state: string; count: number }[];
}

/** One band's entry rate: observed, its interval, the prior's national rate and what the model took. */
export interface EntryRateBand {
  band: string;
  /** Children in the band (the population given). */
  population: number;
  /** Entries into looked-after states in the window. */
  entries: number;
  /** Child-months of exposure: population × months of the window. */
  exposure: number;
  /** Entries per 10,000 children a year: entries / exposure × 120,000. */
  per10000PerYear: number;
  /** Garwood exact interval of that rate at `level`. */
  lower: number;
  upper: number;
  /** The prior model's own rate, per 10,000 children a year (a cohort from birth). */
  national: number;
  /** The rate the calibrated model takes (Gamma posterior mean), per 10,000 a year. */
  model: number;
  /** Weight of the prior in `model`: (w/m) / (exposure + w/m). */
  priorShare: number;
  /** Factor applied to the prior's chances of entering care from each community row of the band. */
  scale: number;
}

export interface EntryRatesReport {
  basis: EntryRateBasis;
  /** In words: what the rates are and what is and is not propagated to the engine. */
  note: string;
  level: number;
  /** Where the population came from (file, area, year), when given. */
  population?: PopulationSource;
  byBand: EntryRateBand[];
  /** Relative standard deviation of the entry-to-care multiplier the engine draws per run; null when national. */
  multiplierSd: number | null;
}

export interface PopulationSource {
  description: string;
  area?: string;
  years?: number[];
  /** Said in the entry-rate note: the population is not of the window's years (an old or a later estimate). */
  warning?: string;
}

/** Children by single year of age (index = age in years) or by the model's band id. */
export interface ChildPopulation {
  byAge?: readonly number[];
  byBand?: Record<string, number>;
  source?: PopulationSource;
}

/** What the entry step counted in the window (WindowCounts in calibrate.ts). */
export interface EntryCounts {
  entries: Map<string, Map<string, number>>;
  entriesByAge: Map<number, Map<string, number>>;
  entriesByYear: Map<number, number>;
  months: number;
}

interface Cell {
  months: number;
  counts: Row;
  partialMonths: number;
  partialCounts: Row;
}

export interface EntryCalibrationInput<R extends EntrySplitRow> {
  prior: CostModelSpec;
  /** The calibrated model's rows so far; the community rows are rewritten in place. */
  transitions: CostModelSpec['transitions'];
  counts: EntryCounts;
  /** States the return observes children in while in care (histories.careStates). */
  careStates: ReadonlySet<string>;
  /** States whose rows are not sources of entries to re-split (in care, followed exits, rows calibrated from months). */
  notEntrySources: ReadonlySet<string>;
  level: number;
  /** Pseudo-count, in entries, for the prior's split of entries by starting state. */
  entryWeight: number;
  /** Pseudo-count, in entries, for the prior's entry rate (Gamma prior). */
  entryRateWeight: number;
  population?: ChildPopulation | Record<string, number> | undefined;
  /** The report row for an entry split (calibrate.ts's rowReport). */
  rowReport: (band: string, state: string, estimate: Row, cell: Cell, weight: number, concentration: number) => R;
}

/** The report row of an entry split (calibrate.ts's RowReport). */
export interface EntrySplitRow {
  shrunk: boolean;
  priorShare: number;
}

export interface EntryCalibrationResult<R extends EntrySplitRow> {
  entries: EntryReport;
  entrySplits: R[];
  shrunk: { kind: 'entry_split'; band: string; state: string; observations: number; priorShare: number }[];
  entryRates: EntryRatesReport;
  notCalibrated: { band: string; state: string; reason: string }[];
  /** The model's entry-to-care rate factor, replacing the prior's, when the rates are local. */
  rateFactor?: NonNullable<CostModelSpec['rateFactors']>[number];
}

export const DEFAULT_ENTRY_RATE_WEIGHT = 2;
const PER_10000_YEAR = 12 * 10_000;
const CHILD_AGES = 18;

/** States children enter care from (the prior's `entry_to_care` factor: @community and @edge_of_care). */
export function entrySourceStates(model: CostModelSpec): string[] {
  return model.states.filter((s) => s.category === 'community' || s.category === 'edge_of_care').map((s) => s.id);
}

/** Looked-after states: where an entry into care lands. */
export function lookedAfterStates(model: CostModelSpec): Set<string> {
  return new Set(model.states.filter((s) => s.category === 'looked_after').map((s) => s.id));
}

/** Children by the model's bands, from single years of age (bands from 18 are left out: no entries there). */
export function populationByBand(model: CostModelSpec, population: ChildPopulation | Record<string, number>): Record<string, number> {
  const p = population as ChildPopulation;
  if (p.byBand || p.byAge) {
    if (p.byBand) return { ...p.byBand };
    const out: Record<string, number> = {};
    for (const band of model.ageBands) {
      if (band.fromYears >= CHILD_AGES) continue;
      let sum = 0;
      let any = false;
      for (let a = band.fromYears; a < Math.min(band.toYears, CHILD_AGES); a++) {
        const v = p.byAge?.[a];
        if (v !== undefined) {
          sum += v;
          any = true;
        }
      }
      if (any) out[band.id] = sum;
    }
    return out;
  }
  return { ...(population as Record<string, number>) };
}

/**
 * The model's expected entries into care per child per month, by band: a cohort from birth at
 * home (or the first community state) pushed month by month through ages 0-17, the flow from
 * entry-source states into looked-after states attributed to the band of the age on the first
 * month start in care, divided by the months attributed to the band. Shape: band id → rate.
 */
export function modelEntryRates(model: CostModelSpec, transitions: CostModelSpec['transitions'] = model.transitions): Map<string, number> {
  const sources = new Set(entrySourceStates(model));
  const care = lookedAfterStates(model);
  const start = model.states.find((s) => s.id === 'home')?.id ?? model.states.find((s) => s.category === 'community')?.id;
  const flow = new Map<string, number>();
  const months = new Map<string, number>();
  if (!start) return flow;
  let dist = new Map<string, number>([[start, 1]]);
  for (let m = 0; m < CHILD_AGES * 12 - 1; m++) {
    const band = bandForAge(model, Math.floor(m / 12));
    const rows = band ? transitions[band.id] : undefined;
    const entryBand = bandForAge(model, Math.floor((m + 1) / 12));
    const next = new Map<string, number>();
    let entering = 0;
    for (const [state, mass] of dist) {
      const row = rows?.[state];
      if (!row) {
        next.set(state, (next.get(state) ?? 0) + mass);
        continue;
      }
      for (const [to, p] of Object.entries(row)) {
        if (p === 0) continue;
        next.set(to, (next.get(to) ?? 0) + mass * p);
        if (sources.has(state) && care.has(to)) entering += mass * p;
      }
    }
    dist = next;
    if (entryBand) {
      flow.set(entryBand.id, (flow.get(entryBand.id) ?? 0) + entering);
      months.set(entryBand.id, (months.get(entryBand.id) ?? 0) + 1);
    }
  }
  for (const [band, f] of flow) flow.set(band, f / (months.get(band) ?? 1));
  return flow;
}

/**
 * Multiplies the chance of entering care from every entry-source row of a band by `factor`,
 * the row's own state taking up the difference; the factor is capped where a row would leave
 * its stay negative. Returns the factor applied.
 */
function scaleEntries(rows: Record<string, Row>, sources: ReadonlySet<string>, care: ReadonlySet<string>, base: Record<string, Row>, factor: number): number {
  let cap = Number.POSITIVE_INFINITY;
  for (const [from, row] of Object.entries(base)) {
    if (!sources.has(from)) continue;
    const entering = Object.entries(row).reduce((a, [to, p]) => a + (care.has(to) ? p : 0), 0);
    if (entering > 0) cap = Math.min(cap, (entering + (row[from] ?? 0)) / entering);
  }
  const applied = Math.min(factor, cap);
  for (const [from, row] of Object.entries(base)) {
    if (!sources.has(from)) continue;
    const out: Row = { ...row };
    let added = 0;
    for (const [to, p] of Object.entries(row)) {
      if (!care.has(to)) continue;
      out[to] = p * applied;
      added += p * applied - p;
    }
    if (added === 0) continue;
    out[from] = Math.max(0, (row[from] ?? 0) - added);
    rows[from] = tidyRow(out, new Set(Object.keys(row)));
  }
  return applied;
}

/**
 * The entry step of calibrate(): counts, intervals and splits always; local rates when a
 * population is given. Rewrites the community rows of `input.transitions` in place.
 */
export function calibrateEntries<R extends EntrySplitRow>(input: EntryCalibrationInput<R>): EntryCalibrationResult<R> {
  const { prior, transitions, counts, level } = input;
  const entries: EntryReport = { months: counts.months, total: 0, byBand: [], byReturnYear: [], byAge: [] };
  const entrySplits: R[] = [];
  const shrunk: EntryCalibrationResult<R>['shrunk'] = [];
  const notCalibrated: EntryCalibrationResult<R>['notCalibrated'] = [];
  const population = input.population ? populationByBand(prior, input.population) : undefined;

  // Counts and intervals; the prior's community rows re-split by starting state. Only
  // looked-after states take part: entering custody is a youth justice matter the prior models.
  const careStates = new Set([...input.careStates].filter((s) => prior.states.find((x) => x.id === s)?.category === 'looked_after'));
  const lookedAfterByBand = new Map<string, number>();
  for (const band of prior.ageBands) {
    const byState = counts.entries.get(band.id) ?? new Map<string, number>();
    const total = [...byState.values()].reduce((a, b) => a + b, 0);
    const intoLookedAfter = [...byState].filter(([s]) => careStates.has(s));
    const lookedAfterTotal = intoLookedAfter.reduce((a, [, c]) => a + c, 0);
    lookedAfterByBand.set(band.id, lookedAfterTotal);
    entries.total += total;
    const { lower, upper } = poissonInterval(total, level);
    const children = population?.[band.id];
    if (total > 0 || children) {
      entries.byBand.push({
        band: band.id,
        count: total,
        perMonth: total / counts.months,
        lower: lower / counts.months,
        upper: upper / counts.months,
        ...(children ? { per10000ChildrenPerYear: (total / counts.months) * 12 * (10_000 / children) } : {}),
        byState: [...byState.entries()].map(([state, count]) => ({ state, count, share: count / total })),
      });
    }
    const rows = transitions[band.id] ?? {};
    for (const [from, row] of Object.entries(rows)) {
      if (input.notEntrySources.has(from)) continue;
      const priorRow = prior.transitions[band.id][from];
      const entryMass = Object.entries(priorRow)
        .filter(([to]) => careStates.has(to))
        .reduce((a, [, p]) => a + p, 0);
      if (entryMass <= 0 || lookedAfterTotal === 0) continue;
      const split: Row = {};
      for (const [to, p] of Object.entries(priorRow)) if (careStates.has(to)) split[to] = p / entryMass;
      const observedSplit: Row = Object.fromEntries(intoLookedAfter);
      const posterior = posteriorRow(split, { months: lookedAfterTotal, counts: observedSplit }, input.entryWeight, from);
      const next: Row = {};
      for (const [to, p] of Object.entries(row)) if (!careStates.has(to)) next[to] = p;
      for (const [to, q] of Object.entries(posterior)) next[to] = (next[to] ?? 0) + entryMass * q;
      transitions[band.id][from] = tidyRow(next, new Set(Object.keys(priorRow)));
      const cell: Cell = { months: lookedAfterTotal, counts: observedSplit, partialMonths: 0, partialCounts: {} };
      const r = input.rowReport(band.id, from, posterior, cell, input.entryWeight, lookedAfterTotal + input.entryWeight);
      r.shrunk = lookedAfterTotal < input.entryWeight * 4;
      entrySplits.push(r);
      if (r.shrunk) shrunk.push({ kind: 'entry_split', band: band.id, state: from, observations: lookedAfterTotal, priorShare: r.priorShare });
    }
  }
  entries.byReturnYear = [...counts.entriesByYear.entries()].sort((a, b) => a[0] - b[0]).map(([returnYear, count]) => ({ returnYear, count }));
  entries.byAge = [...counts.entriesByAge.entries()]
    .sort((a, b) => a[0] - b[0])
    .flatMap(([ageYears, byState]) => [...byState.entries()].map(([state, count]) => ({ ageYears, state, count })));

  const usable = population ? Object.entries(population).filter(([band, n]) => n > 0 && prior.ageBands.some((b) => b.id === band && b.fromYears < CHILD_AGES)) : [];
  if (!population || usable.length === 0) {
    return {
      entries,
      entrySplits,
      shrunk,
      notCalibrated,
      entryRates: {
        basis: 'national',
        note: nationalNote(prior, population !== undefined),
        level,
        byBand: [],
        multiplierSd: null,
      },
    };
  }

  const local = calibrateRates({ prior, transitions, population: new Map(usable), lookedAfterByBand, months: counts.months, level, weight: input.entryRateWeight, notCalibrated });
  const source = (input.population as ChildPopulation).source;
  const sources = entrySourceStates(prior);
  const care = [...lookedAfterStates(prior)];
  const pooled = local.byBand.reduce((a, b) => a + b.entries, 0) + input.entryRateWeight * local.byBand.length;
  const multiplierSd = Math.round((1 / Math.sqrt(pooled)) * 1e6) / 1e6;
  const bands = local.byBand.map((b) => b.band).join(', ');
  const others = prior.ageBands.filter((b) => b.fromYears < CHILD_AGES && !local.byBand.some((x) => x.band === b.id)).map((b) => b.id);
  // More entries a year than children in the band: the population cannot be this authority's
  // (a smaller area's, or fractions of people). Said in words without the entries themselves,
  // which the board may not read when small.
  const implausible = local.byBand.filter((b) => b.entries / (counts.months / 12) > b.population).map((b) => `${b.band} (${b.population} children)`);
  const implausibleNote = implausible.length
    ? `Warning: in band${implausible.length === 1 ? '' : 's'} ${implausible.join(', ')} the return has more entries into care a year than the population given has children, which cannot be: the population is not this authority's (check the area and the file), and these entry rates should not be used. `
    : '';
  return {
    entries,
    entrySplits,
    shrunk,
    notCalibrated,
    entryRates: {
      basis: 'local',
      note:
        `Entry rates into care are the authority's own for bands ${bands}: entries into looked-after states in the return (a start in a state the model counts as custody is not an entry into care) over the children in the population given${source ? ` (${source.description})` : ''}, ` +
        `with ${Math.round(level * 100)}% exact Poisson intervals; the model's chances of entering care from community and edge-of-care states are scaled band by band to match (shrunk towards the prior's rate with a weight of ${input.entryRateWeight} entries). ` +
        `${others.length ? `Bands ${others.join(', ')} have no population given and keep the prior's national rates. ` : ''}` +
        `${source?.warning ? `Note: ${source.warning}. ` : ''}` +
        implausibleNote +
        `Propagated to the engine: one multiplier per run on every entry into care (rate factor entry_to_care, lognormal with mean 1 and sd ${multiplierSd}: the pooled rate's relative uncertainty, 1/√(entries + prior weight)), replacing the prior's national uncertainty. ` +
        'Not propagated: band-to-band differences in that uncertainty (one multiplier moves every band together), and the error of the population estimate itself (taken as known).',
      level,
      ...(source ? { population: source } : {}),
      byBand: local.byBand,
      multiplierSd,
    },
    rateFactor: {
      id: 'entry_to_care',
      label: 'Entry to care (local rate from the SSDA903 return and the population)',
      from: sources,
      to: care,
      multiplier: { type: 'lognormal', mean: 1, sd: multiplierSd },
      source: 'ssda903_calibration',
    },
  };
}

function nationalNote(prior: CostModelSpec, populationGiven: boolean): string {
  return (
    `Entry rates into care are national: the chances of entering care are ${prior.id} ${prior.version}'s, not this authority's, because ${populationGiven ? 'the population given has no children in the model’s age bands' : 'no population of children was given'} ` +
    '(the return counts entries but not the children at home they came from). Only the split of entries between placements is local. ' +
    'Entries by age band per month, with exact intervals, are in entries.byBand. Give the ONS mid-year population estimates by single year of age to calibrate entries per 10,000 children.'
  );
}

function calibrateRates(args: {
  prior: CostModelSpec;
  transitions: CostModelSpec['transitions'];
  population: Map<string, number>;
  lookedAfterByBand: Map<string, number>;
  months: number;
  level: number;
  weight: number;
  notCalibrated: { band: string; state: string; reason: string }[];
}): { byBand: EntryRateBand[] } {
  const { prior, transitions, population, months, level, weight } = args;
  const sources = new Set(entrySourceStates(prior));
  const care = lookedAfterStates(prior);
  const national = modelEntryRates(prior);
  // The rows as re-split, before scaling: each iteration scales these afresh.
  const base = new Map<string, Record<string, Row>>();
  const targets = new Map<string, number>();
  const facts = new Map<string, { k: number; exposure: number; m: number }>();
  const start = modelEntryRates(prior, transitions);
  for (const [band, children] of population) {
    const k = args.lookedAfterByBand.get(band) ?? 0;
    const exposure = children * months;
    const m = national.get(band) ?? 0;
    const now = start.get(band) ?? 0;
    if (!(m > 0) || !(now > 0) || !transitions[band]) {
      args.notCalibrated.push({ band, state: 'entries', reason: `${k} entr(ies) among ${children} children, but the prior model has no entry into care in this band to scale: the rate is reported, not modelled` });
      facts.set(band, { k, exposure, m: 0 });
      continue;
    }
    base.set(band, structuredClone(transitions[band]));
    targets.set(band, (k + weight) / (exposure + weight / m));
    facts.set(band, { k, exposure, m });
  }
  const factors = new Map<string, number>([...targets.keys()].map((b) => [b, targets.get(b)! / (start.get(b) ?? 1)]));
  const applied = new Map<string, number>();
  // The factor asked of scaleEntries last: a band is capped when it applied less than that (a
  // community row cannot give more than its chance of staying). Comparing with the factor the
  // next step would ask instead called a band capped whenever 30 steps ended short of 1e-7.
  const requested = new Map<string, number>();
  // Rows are rounded to 1e-10 (tidyRow), so a chance of 1e-5 matches to about 1e-5 relative.
  for (let iteration = 0; iteration < 30; iteration++) {
    for (const [band, f] of factors) {
      requested.set(band, f);
      applied.set(band, scaleEntries(transitions[band], sources, care, base.get(band)!, f));
    }
    const rates = modelEntryRates(prior, transitions);
    let worst = 0;
    for (const [band, target] of targets) {
      const now = rates.get(band) ?? 0;
      if (!(now > 0)) continue;
      worst = Math.max(worst, Math.abs(now / target - 1));
      factors.set(band, (applied.get(band) ?? 1) * (target / now));
    }
    if (worst < 1e-7) break;
  }
  for (const [band, f] of factors) {
    const got = applied.get(band) ?? f;
    if (got < (requested.get(band) ?? f) * (1 - 1e-9)) {
      args.notCalibrated.push({ band, state: 'entries', reason: `the local entry rate needs the prior's chances of entering care × ${f.toPrecision(4)}, more than a community row can take: × ${got.toPrecision(4)} was applied` });
    }
  }
  const byBand: EntryRateBand[] = [];
  for (const [band, children] of population) {
    const { k, exposure, m } = facts.get(band)!;
    const { lower, upper } = poissonInterval(k, level);
    const target = targets.get(band);
    const prior10k = m * PER_10000_YEAR;
    byBand.push({
      band,
      population: children,
      entries: k,
      exposure,
      per10000PerYear: (k / exposure) * PER_10000_YEAR,
      lower: (lower / exposure) * PER_10000_YEAR,
      upper: (upper / exposure) * PER_10000_YEAR,
      national: prior10k,
      model: target !== undefined ? target * PER_10000_YEAR : prior10k,
      priorShare: m > 0 ? weight / m / (exposure + weight / m) : 1,
      scale: applied.get(band) ?? 1,
    });
  }
  return { byBand };
}
