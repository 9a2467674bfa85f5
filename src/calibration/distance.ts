import type { CostModelSpec, StateSpec } from '../catalog/model-schema.ts';
import { monthIndex, parseIsoDate, parseMonthLabel, returnYearEndDay } from './dates.ts';
import type { ImportedSsda903 } from './import.ts';
import { PREVIOUS, placementStates, type Ssda903Mapping } from './mapping.ts';

/**
 * Placed more than 20 miles from home, from the authority's own returns: each in-care state's
 * `distanceOver20Miles.share` estimated from the children looked after on 31 March whose
 * placement distance (SSDA903 PL_DISTANCE) is known, shrunk toward the prior model's share.
 *
 * Why: the national DfE figures read for the default model give in-house and agency foster care
 * the same share (0.157, src/catalog/england-default/build.ts), so a strategy that moves children
 * from agency to in-house carers cannot change the projected share placed within 20 miles. An
 * authority whose own carers live nearer than its agencies' can show it from its returns.
 *
 * Pure: no HTTP, no SQL. calibrate.ts calls `calibrateDistances` and writes what it returns into
 * the calibrated model and the calibration report.
 */

/**
 * The bands a PL_DISTANCE (miles, straight line from home to placement postcode; the return
 * gives it to one decimal place) is reduced to on import, so that no postcode and no exact
 * distance is ever stored. They split at exactly 20 miles as the DfE measure does ("placed more
 * than 20 miles from home", children looked after at 31 March): 20.0 miles is within 20 miles,
 * 20.1 is over. An earlier banding put 20.0 in "20 miles or more"; that label is not read as over.
 */
export const DISTANCE_BANDS = [
  { label: 'under 5 miles', upToMiles: 5, inclusive: false, over20Miles: false },
  { label: '5 to 10 miles', upToMiles: 10, inclusive: false, over20Miles: false },
  { label: '10 to 20 miles', upToMiles: 20, inclusive: true, over20Miles: false },
  { label: 'over 20 miles', upToMiles: Number.POSITIVE_INFINITY, inclusive: true, over20Miles: true },
] as const;

/** The band of a distance in miles (≥ 0): under 5, 5 to under 10, 10 to 20 inclusive, over 20. */
export function distanceBand(miles: number): string {
  for (const band of DISTANCE_BANDS) if (band.inclusive ? miles <= band.upToMiles : miles < band.upToMiles) return band.label;
  return DISTANCE_BANDS[DISTANCE_BANDS.length - 1].label;
}

/** Whether a band is more than 20 miles from home; undefined for a label not in DISTANCE_BANDS. */
export function bandIsOver20Miles(label: string): boolean | undefined {
  return DISTANCE_BANDS.find((b) => b.label === label)?.over20Miles;
}

/**
 * Default Beta prior weight, in children (31 March placements with a known distance): 20.
 * The prior Beta(w·p0, w·(1 − p0)) has standard deviation √(p0(1 − p0)/(w + 1)): with the
 * national foster care share p0 = 0.157 and w = 20 it is 0.079, so local shares from about 0 to
 * 0.32 lie within two standard deviations. That is the allowance wanted: an authority's geography
 * (a compact borough places near, a large county far, a borough with few carers of its own
 * farther still) moves its share a long way from the national one, which the national figure
 * cannot know. A state with 20 children counted keeps half the prior; with 100, a sixth. A child
 * in care over several years is counted at each 31 March, so n overstates the independent
 * information; a heavier weight than 20 would hide a real local difference for a small
 * authority for years.
 */
export const DEFAULT_DISTANCE_PRIOR_WEIGHT = 20;

/**
 * Posterior mean of a share under a Beta(w·p0, w·(1 − p0)) prior after k of n observed:
 * (k + w·p0) / (n + w) (conjugate Beta-binomial update; e.g. Gelman et al., Bayesian Data
 * Analysis, 3rd ed., section 2.4). Shares are in [0, 1]; k ≤ n; w > 0 in observations.
 * With n = 0 it is p0.
 */
export function betaPosteriorMean(k: number, n: number, p0: number, w: number): number {
  return (k + w * p0) / (n + w);
}

/** Children counted in one state (or one return year): those with a known distance, and of them over 20 miles. */
export interface DistanceTally {
  /** Children looked after on 31 March in the state whose placement distance is known. */
  children: number;
  /** Of them, placed more than 20 miles from home. */
  over20Miles: number;
  /** Children looked after on 31 March in the state with no distance in the return (left out of the share, as the DfE does). */
  notKnown: number;
}

export interface DistanceCounts {
  /** By model state (in-care states only). */
  byState: Map<string, DistanceTally>;
  /** By return year (its 31 March), over all in-care states. */
  byReturnYear: Map<number, DistanceTally>;
  /**
   * Children on 31 March with a known distance whose state is not known: a foster placement with
   * no PLACE_PROVIDER (in-house or agency), or a placement that maps to no state. Left out: the
   * whole point is to tell in-house from agency care, so they are not shared between them.
   */
  stateNotKnown: number;
}

const emptyTally = (): DistanceTally => ({ children: 0, over20Miles: 0, notKnown: 0 });

/**
 * Children looked after on 31 March of each return year in `window` (inclusive), by model state,
 * with a known distance and over 20 miles. A child is looked after on 31 March when an episode
 * began on or before it and ended after it (DEC is the day the episode ended, so an episode
 * ending on 31 March is not counted), or is open and known open past it; and is under 18 then
 * (born after March of the year 18 years before: the month of birth is enough). The state is
 * the calibration's mapping (mapping.ts placementStates, PLACE with PLACE_PROVIDER), and a
 * temporary placement that keeps the previous state (@previous) takes the state of the episode
 * it continues (X1 on the same day), as history.ts does. States not flagged `in_care` in the
 * model are not counted. Each child counts once a 31 March (episodes are made not to overlap on
 * import).
 */
export function countDistancesAt31March(
  imported: Pick<ImportedSsda903, 'children' | 'episodes'>,
  mapping: Ssda903Mapping,
  model: Pick<CostModelSpec, 'states'>,
  window: { fromYear: number; toYear: number },
): DistanceCounts {
  const inCare = new Set(model.states.filter((s) => (s.flags ?? []).includes('in_care')).map((s) => s.id));
  const birthMonths = new Map(imported.children.map((c) => [c.id, parseMonthLabel(c.birthMonth)]));
  const byChild = Map.groupBy(imported.episodes, (e) => e.child);
  const result: DistanceCounts = { byState: new Map(), byReturnYear: new Map(), stateNotKnown: 0 };
  for (const [child, list] of byChild) {
    const birthMonth = birthMonths.get(child);
    if (birthMonth === undefined) continue;
    const episodes = [...list].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    // Each episode's states, @previous resolved from the episode it continues.
    const states: (string[] | null)[] = [];
    episodes.forEach((e, i) => {
      const previous = episodes[i - 1];
      const continues = previous !== undefined && previous.end === e.start && previous.reasonEnded === 'X1';
      const mapped = placementStates(mapping, e.place, e.provider);
      states.push(mapped?.length === 1 && mapped[0] === PREVIOUS ? (continues ? states[i - 1] : null) : mapped);
    });
    // Day numbers once per episode: the day it began, and the first day it is not known to be open.
    const starts = episodes.map((e) => parseIsoDate(e.start));
    const untils = episodes.map((e) => (e.end !== null ? parseIsoDate(e.end) : e.knownOpenUntil !== null ? parseIsoDate(e.knownOpenUntil) : Number.NEGATIVE_INFINITY));
    for (let year = window.fromYear; year <= window.toYear; year++) {
      if (birthMonth <= monthIndex(year - 18, 3)) continue;
      const day = returnYearEndDay(year);
      const at = starts.findIndex((start, i) => start <= day && untils[i] > day);
      if (at < 0) continue;
      const episode = episodes[at];
      const over = episode.distanceBand === undefined ? undefined : bandIsOver20Miles(episode.distanceBand);
      const mapped = states[at];
      if (mapped === null || mapped.length !== 1) {
        if (over !== undefined) result.stateNotKnown += 1;
        continue;
      }
      const state = mapped[0];
      if (!inCare.has(state)) continue;
      for (const tally of [getTally(result.byState, state), getTally(result.byReturnYear, year)]) {
        if (over === undefined) tally.notKnown += 1;
        else {
          tally.children += 1;
          if (over) tally.over20Miles += 1;
        }
      }
    }
  }
  return result;
}

function getTally<K>(map: Map<K, DistanceTally>, key: K): DistanceTally {
  let tally = map.get(key);
  if (!tally) map.set(key, (tally = emptyTally()));
  return tally;
}

/** One in-care state's share in the calibration report. */
export interface DistanceStateReport {
  state: string;
  /** Children on 31 March with a known distance (summed over the window's years). */
  children: number;
  over20Miles: number;
  /** children − over20Miles. */
  within20Miles: number;
  /** Children on 31 March in the state with no distance. */
  notKnown: number;
  /** over20Miles / children; null when no child has a known distance. */
  empirical: number | null;
  /** The prior model's share; null when it gives the state none. */
  prior: number | null;
  /** The share the calibrated model carries: the posterior mean, or the prior's when nothing was observed; null when neither. */
  estimate: number | null;
  calibrated: boolean;
}

export interface DistanceReport {
  /** The Beta prior's weight, in children. */
  priorWeight: number;
  window: { fromYear: number; toYear: number };
  /** Totals over the in-care states: children with a known distance, over 20 miles, not known. */
  children: number;
  over20Miles: number;
  notKnown: number;
  stateNotKnown: number;
  byReturnYear: { returnYear: number; children: number; over20Miles: number; notKnown: number }[];
  states: DistanceStateReport[];
  /** In words: what was done, or why nothing was (no PL_DISTANCE in the files). */
  note: string;
}

export interface DistanceCalibration {
  /** The prior's states with the calibrated `distanceOver20Miles` where a distance was observed. */
  states: StateSpec[];
  report: DistanceReport;
}

/**
 * Each in-care state's share placed more than 20 miles from home: with k of n children over 20
 * miles (countDistancesAt31March, over the window) and the prior's share p0, the posterior mean
 * (k + w·p0)/(n + w) (betaPosteriorMean), written as `{share, source: sourceKey, note}`. Where
 * no distance is known (n = 0) the state keeps the prior's share, source and note; a state the
 * prior gives no share keeps none (nothing to shrink toward: reported as not calibrated).
 * `states` are copies; the prior is not changed. Errors: none (a weight that is not a positive
 * finite number is the caller's to refuse).
 */
export function calibrateDistances(
  imported: Pick<ImportedSsda903, 'children' | 'episodes'>,
  options: { priorModel: Pick<CostModelSpec, 'id' | 'version' | 'states'>; mapping: Ssda903Mapping; window: { fromYear: number; toYear: number }; priorWeight: number; sourceKey: string },
): DistanceCalibration {
  const { priorModel: prior, window, priorWeight: w } = options;
  const counts = countDistancesAt31March(imported, options.mapping, prior, window);
  const years = window.fromYear === window.toYear ? `the ${window.toYear} return` : `returns ${window.fromYear}-${window.toYear}`;
  const reports: DistanceStateReport[] = [];
  const states = prior.states.map((s) => {
    const copy: StateSpec = structuredClone(s);
    if (!(s.flags ?? []).includes('in_care')) return copy;
    const tally = counts.byState.get(s.id) ?? emptyTally();
    const p0 = s.distanceOver20Miles?.share ?? null;
    const n = tally.children;
    const k = tally.over20Miles;
    const calibrated = n > 0 && p0 !== null;
    if (calibrated && s.distanceOver20Miles) {
      copy.distanceOver20Miles = {
        share: betaPosteriorMean(k, n, p0, w),
        source: options.sourceKey,
        note: `Calibrated from ${n} children’s 31 March placements with a known distance in SSDA903 ${years} (${k} more than 20 miles from home), shrunk toward the prior share ${p0} (${s.distanceOver20Miles.source}, ${prior.id} ${prior.version}) with Beta prior weight ${w}: (k + ${w}·p0)/(n + ${w}).`,
      };
    }
    if (n > 0 || tally.notKnown > 0 || p0 !== null) {
      reports.push({
        state: s.id,
        children: n,
        over20Miles: k,
        within20Miles: n - k,
        notKnown: tally.notKnown,
        empirical: n > 0 ? k / n : null,
        prior: p0,
        estimate: copy.distanceOver20Miles?.share ?? null,
        calibrated,
      });
    }
    return copy;
  });
  const total = reports.reduce((a, r) => ({ children: a.children + r.children, over: a.over + r.over20Miles, notKnown: a.notKnown + r.notKnown }), { children: 0, over: 0, notKnown: 0 });
  const calibratedCount = reports.filter((r) => r.calibrated).length;
  const uncalibratedObserved = reports.filter((r) => !r.calibrated && r.children > 0).map((r) => r.state);
  const note =
    total.children === 0
      ? `No placement distance (PL_DISTANCE) is known for the children looked after on 31 March in ${years}: every state keeps the prior’s share placed more than 20 miles from home.`
      : `Shares placed more than 20 miles from home calibrated for ${calibratedCount} state(s) from ${total.children} children’s 31 March placements with a known distance in SSDA903 ${years}, shrunk toward the prior’s shares with Beta prior weight ${w} children; states with no known distance keep the prior’s share.${uncalibratedObserved.length ? ` Not calibrated (the prior gives no share to shrink toward): ${uncalibratedObserved.join(', ')}.` : ''}`;
  return {
    states,
    report: {
      priorWeight: w,
      window: { ...window },
      children: total.children,
      over20Miles: total.over,
      notKnown: total.notKnown,
      stateNotKnown: counts.stateNotKnown,
      byReturnYear: [...counts.byReturnYear.entries()].sort((a, b) => a[0] - b[0]).map(([returnYear, t]) => ({ returnYear, children: t.children, over20Miles: t.over20Miles, notKnown: t.notKnown })),
      states: reports,
      note,
    },
  };
}
