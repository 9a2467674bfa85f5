/**
 * Discounting after HM Treasury's Green Book (2022), annex A6: a real social time preference
 * rate of 3.5% for years 0-30 and 3.0% for years 31-75, applied to whole years with year 0
 * undiscounted. Health effects and other rates can be set through a model's discount periods.
 */

export interface DiscountPeriod {
  /** First year (0 = the first financial year) at this rate. */
  fromYear: number;
  rate: number;
}

export const GREEN_BOOK_PERIODS: readonly DiscountPeriod[] = [
  { fromYear: 0, rate: 0.035 },
  { fromYear: 31, rate: 0.03 },
  { fromYear: 76, rate: 0.025 },
];

/**
 * Discount factors for years 0..years-1: D(0) = 1, D(t) = D(t-1) / (1 + r(t)), where r(t) is
 * the rate of the period that year t falls in. This reproduces the Green Book's table
 * (e.g. D(30) = 1/1.035^30 = 0.3563, D(31) = D(30)/1.03 = 0.3459).
 */
export function discountFactors(periods: readonly DiscountPeriod[], years: number): Float64Array {
  const sorted = [...periods].sort((a, b) => a.fromYear - b.fromYear);
  const factors = new Float64Array(years);
  let factor = 1;
  for (let t = 0; t < years; t++) {
    if (t > 0) {
      let rate = sorted[0].rate;
      for (const p of sorted) if (t >= p.fromYear) rate = p.rate;
      factor /= 1 + rate;
    }
    factors[t] = factor;
  }
  return factors;
}

/** Present value of a stream of amounts by year (year 0 first). */
export function presentValue(amounts: ArrayLike<number>, factors: ArrayLike<number>): number {
  let total = 0;
  for (let t = 0; t < amounts.length; t++) total += amounts[t] * factors[t];
  return total;
}
