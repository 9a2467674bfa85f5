/** Plain-language figures for reports: "£142,000", "87%". */

export function formatPounds(amount: number): string {
  const abs = Math.abs(amount);
  // Round to what the uncertainty supports: thousands above £10,000, hundreds above £1,000.
  const step = abs >= 10_000 ? 1000 : abs >= 1000 ? 100 : 1;
  const rounded = Math.round(abs / step) * step;
  const text = `£${rounded.toLocaleString('en-GB')}`;
  return amount < 0 ? `-${text}` : text;
}

export function formatPercent(probability: number): string {
  const percent = probability * 100;
  if (percent > 0 && percent < 1) return 'under 1%';
  if (percent < 100 && percent > 99) return 'over 99%';
  return `${Math.round(percent)}%`;
}

/** "Plan B costs less than the current course in 87% of runs; expected saving £142,000, 90% interval £38,000 to £251,000." */
export function comparisonStatement(plan: string, against: string, probabilityCheaper: number, saving: { mean: number; p5: number; p95: number }): string {
  const verb = saving.mean >= 0 ? 'expected saving' : 'expected extra cost';
  const interval =
    saving.mean >= 0
      ? `${formatPounds(saving.p5)} to ${formatPounds(saving.p95)}`
      : `${formatPounds(-saving.p95)} to ${formatPounds(-saving.p5)}`;
  return `${plan} costs less than ${against} in ${formatPercent(probabilityCheaper)} of runs; ${verb} ${formatPounds(Math.abs(saving.mean))} (present value), 90% interval ${interval}.`;
}
