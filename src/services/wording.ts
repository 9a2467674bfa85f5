/** Plain-language figures for reports: "£142,000", "87%". */

export function formatPounds(amount: number): string {
  const abs = Math.abs(amount);
  // Round to what the uncertainty supports: thousands above £10,000, hundreds above £1,000.
  const step = abs >= 10_000 ? 1000 : abs >= 1000 ? 100 : 1;
  const rounded = Math.round(abs / step) * step;
  const text = `£${rounded.toLocaleString('en-GB')}`;
  // A loss that rounds to nothing is £0, never "-£0".
  return amount < 0 && rounded > 0 ? `-${text}` : text;
}

/**
 * A signed rate to one decimal place, as a percentage: 0.032 → "+3.2%", -0.032 → "-3.2%", and
 * "0.0%" (no sign) when it rounds to zero either side. A fraction in, not a percentage. The
 * minus is the hyphen-minus the other figures in the exports use (formatPounds, the report's
 * sharePercent); the PDF's Helvetica spells a "−" that way anyway (report.ts).
 */
export function signedPercent1(fraction: number): string {
  const text = Math.abs(fraction * 100).toFixed(1);
  if (text === '0.0') return '0.0%';
  return `${fraction < 0 ? '-' : '+'}${text}%`;
}

export function formatPercent(probability: number): string {
  const percent = probability * 100;
  if (percent > 0 && percent < 1) return 'under 1%';
  if (percent < 100 && percent > 99) return 'over 99%';
  return `${Math.round(percent)}%`;
}

/** The two bases every comparison is given on, named as a reader sees them. */
export type Basis = 'discounted' | 'cash';
export const BASIS_LABELS: Record<Basis, string> = {
  discounted: 'present value',
  cash: 'cash (undiscounted)',
};

/**
 * One basis's comparison in words: "In present value, Plan B costs less than the current
 * course in 87% of runs; expected saving £142,000, 90% interval £38,000 to £251,000." The chance,
 * the saving and the interval (the 5th to the 95th percentile of the paired saving) all come
 * from the same basis, named at the start.
 */
export function comparisonStatement(
  plan: string,
  against: string,
  basis: Basis,
  paired: { probabilityCheaper: number; saving: { mean: number; p5: number; p95: number } },
): string {
  const saving = paired.saving;
  const verb = saving.mean >= 0 ? 'expected saving' : 'expected extra cost';
  const interval =
    saving.mean >= 0
      ? `${formatPounds(saving.p5)} to ${formatPounds(saving.p95)}`
      : `${formatPounds(-saving.p95)} to ${formatPounds(-saving.p5)}`;
  const label = BASIS_LABELS[basis];
  return `In ${label}, ${plan} costs less than ${against} in ${formatPercent(paired.probabilityCheaper)} of runs; ${verb} ${formatPounds(Math.abs(saving.mean))}, 90% interval ${interval}.`;
}

/** Both bases, present value first: each sentence complete on its own basis. */
export function comparisonStatements(
  plan: string,
  against: string,
  paired: Record<Basis, { probabilityCheaper: number; saving: { mean: number; p5: number; p95: number } }>,
): Record<Basis, string> {
  return { discounted: comparisonStatement(plan, against, 'discounted', paired.discounted), cash: comparisonStatement(plan, against, 'cash', paired.cash) };
}
