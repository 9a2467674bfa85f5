import { financialYearLabel } from '../finance/financial-year.ts';
import { LIMIT_FIELDS, LimitStat, type SharedPlaces } from './places.ts';
import type { Band } from './scenario-fold.ts';
import { penceToPounds, quantileSorted } from './summary.ts';

/**
 * Folds each run's place figures (places.ts, `placeStatsWidth` numbers a run and variant) into
 * the scenario's capacity summary (issue 15), run by run in order.
 *
 * Memory is flat in runs: occupancy is a whole number of children, so each month's spread over
 * runs is kept as a histogram of counts (one entry per distinct occupancy, at most capacity plus
 * those on record beyond it), which gives the same P10/P90 as sorting every run
 * (quantileSorted's linear interpolation, read off the cumulative counts). Everything else is a
 * running sum for the mean, except the overflow cost's spread: money has no small set of values,
 * so its P10/P90 keep one number a run and limit (as the NPV does).
 */

export interface CapacityLimitResult {
  variant: 'baseline' | 'strategy';
  state: string;
  overflowTo: string;
  /** Whether people refused a place wait for one in the overflow state. */
  waiting: boolean;
  /** Each projection month: its financial year, the places, and children in the state (mean and P10/P50/P90 over runs); `waiting`, the mean waiting. */
  occupancyByMonth: Array<{ month: number; financialYear: string; capacity: number; occupied: Band; waiting: number }>;
  /** Means over runs: moves refused a place, children who waited, months waited (summed over children), places given after waiting, months in the overflow state. */
  refused: number;
  waited: number;
  monthsWaited: number;
  placedFromWaiting: number;
  overflowMonths: number;
  /** Those overflow months at the overflow state's price, pounds (mean and P10/P50/P90 over runs). */
  overflowCost: Band;
}

export interface CommissionedPlacesResult {
  intervention: string;
  /** Per financial year of the projection: places (the scenario's) and the mean places started. */
  byYear: Array<{ financialYear: string; places: number; used: number }>;
}

export interface CapacityResult {
  limits: CapacityLimitResult[];
  commissioned: CommissionedPlacesResult[];
}

/** The q-quantile (quantileSorted's definition) of `n` values held as value → count. */
export function histogramQuantile(counts: Map<number, number>, n: number, q: number): number {
  if (n === 0) return Number.NaN;
  const values = [...counts.keys()].sort((a, b) => a - b);
  const at = (index: number) => {
    let seen = 0;
    for (const v of values) {
      seen += counts.get(v) ?? 0;
      if (index < seen) return v;
    }
    return values[values.length - 1];
  };
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = at(lo);
  return a + (h - lo) * (at(hi) - a);
}

function yearly(values: number[], y: number): number {
  return values.length === 0 ? 0 : values[Math.min(y, values.length - 1)];
}

export class PlacesFolder {
  private readonly variants: SharedPlaces[];
  private readonly months: number;
  private readonly nFy: number;
  private readonly runs: number;
  /** [variant][limit][month] occupancy → runs. */
  private readonly occupancy: Array<Array<Array<Map<number, number>>>>;
  /** [variant][limit] sums over runs: waiting by month, then the LIMIT_FIELDS. */
  private readonly sums: Float64Array[][];
  private readonly overflowPence: Float64Array[][];
  private readonly used: Float64Array[];

  constructor(variants: SharedPlaces[], months: number, nFinancialYears: number, runs: number) {
    this.variants = variants;
    this.months = months;
    this.nFy = nFinancialYears;
    this.runs = runs;
    this.occupancy = variants.map((p) => p.limits.map(() => Array.from({ length: months }, () => new Map<number, number>())));
    this.sums = variants.map((p) => p.limits.map(() => new Float64Array(months + LIMIT_FIELDS)));
    this.overflowPence = variants.map((p) => p.limits.map(() => new Float64Array(runs)));
    this.used = variants.map((p) => new Float64Array(p.offers.length * nFinancialYears));
  }

  /** One run's figures: `stats` from `base`, variant v's block (places.ts layout). */
  addRun(run: number, v: number, stats: Float64Array, base: number): void {
    const places = this.variants[v];
    const months = this.months;
    const stride = 2 * months + LIMIT_FIELDS;
    places.limits.forEach((_, k) => {
      const at = base + k * stride;
      const hist = this.occupancy[v][k];
      const sums = this.sums[v][k];
      for (let t = 0; t < months; t++) {
        const occ = stats[at + t];
        hist[t].set(occ, (hist[t].get(occ) ?? 0) + 1);
        sums[t] += stats[at + months + t];
      }
      for (let f = 0; f < LIMIT_FIELDS; f++) sums[months + f] += stats[at + 2 * months + f];
      this.overflowPence[v][k][run] = stats[at + 2 * months + LimitStat.overflowPence];
    });
    const offersAt = base + places.limits.length * stride;
    for (let i = 0; i < places.offers.length * this.nFy; i++) this.used[v][i] += stats[offersAt + i];
  }

  finish(stateIds: string[], firstYear: number, startMonth: number, interventionIds: string[]): CapacityResult {
    const runs = this.runs;
    const firstCalendar = startMonth - 1;
    const fyOf = (t: number) => Math.floor((firstCalendar + t + 9) / 12) - Math.floor((firstCalendar + 9) / 12);
    const limits: CapacityLimitResult[] = [];
    this.variants.forEach((places, v) => {
      places.limits.forEach((limit, k) => {
        const sums = this.sums[v][k];
        const field = (f: number) => sums[this.months + f] / runs;
        const occupancyByMonth = this.occupancy[v][k].map((hist, t) => {
          let mean = 0;
          for (const [value, count] of hist) mean += (value * count) / runs;
          return {
            month: t,
            financialYear: financialYearLabel(firstYear + fyOf(t)),
            capacity: Math.floor(yearly(limit.placesByYear, fyOf(t))),
            occupied: { mean, p10: histogramQuantile(hist, runs, 0.1), p50: histogramQuantile(hist, runs, 0.5), p90: histogramQuantile(hist, runs, 0.9) },
            waiting: sums[t] / runs,
          };
        });
        const cost = Float64Array.from(this.overflowPence[v][k]).sort();
        let costMean = 0;
        for (const c of cost) costMean += c / runs;
        limits.push({
          variant: v === 0 ? 'baseline' : 'strategy',
          state: stateIds[limit.state],
          overflowTo: stateIds[limit.overflow],
          waiting: limit.waiting,
          occupancyByMonth,
          refused: field(LimitStat.refused),
          waited: field(LimitStat.waited),
          monthsWaited: field(LimitStat.monthsWaited),
          placedFromWaiting: field(LimitStat.placedFromWaiting),
          overflowMonths: field(LimitStat.overflowMonths),
          overflowCost: {
            mean: penceToPounds(costMean),
            p10: penceToPounds(quantileSorted(cost, 0.1)),
            p50: penceToPounds(quantileSorted(cost, 0.5)),
            p90: penceToPounds(quantileSorted(cost, 0.9)),
          },
        });
      });
    });
    // Commissioned places are the strategy's (the baseline offers none).
    const strategy = this.variants.length - 1;
    const commissioned = this.variants[strategy].offers.map((offer, o) => ({
      intervention: interventionIds[offer.bit] ?? String(offer.bit),
      byYear: Array.from({ length: this.nFy }, (_, y) => ({
        financialYear: financialYearLabel(firstYear + y),
        places: Math.floor(yearly(offer.placesByYear, y)),
        used: this.used[strategy][o * this.nFy + y] / runs,
      })),
    }));
    return { limits, commissioned };
  }
}
