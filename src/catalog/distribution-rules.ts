import type { DistributionSpec } from './model-schema.ts';

/**
 * The most any one unit of care is allowed to cost, in pounds. A ceiling keeps every total exact in
 * whole pence (sums of integers below 2^53) and catches a misplaced unit: no week, month, year or
 * event of care costs £10m.
 */
export const MAX_COST_POUNDS = 10_000_000;

/**
 * The most a multiplier (of a cost, a rate or an effect) may be, or reach. A rate multiplied a
 * thousandfold already makes every move certain; far beyond it a row's exits overflow to Infinity
 * (a JSON 1e309 is Infinity) and 0 x Infinity turns a row NaN.
 */
export const MAX_MULTIPLIER = 1000;

/** What a distribution gives: a cost in pounds, or a multiplier (of a cost, a rate or an effect). */
export type QuantityKind = 'cost' | 'multiplier';

/** A number as it is quoted back in a reason: twelve significant figures, no float noise. */
export function formatNumber(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/**
 * What is wrong with one distribution's parameters, each as a field (a JSON pointer: `field`, or
 * `field/<parameter>`) and a reason in words; empty when nothing is. One rule for every place a
 * distribution is written (a model's costs, effects and factors; a scenario's rate changes), so a
 * distribution refused in one is refused in the other, in the same words.
 *
 * Refused: parameters that describe no distribution (a negative standard deviation, min above mode
 * or max, a zero-width range, which is a single value and is written `fixed`), a lognormal whose
 * mean is not above 0 (its log-scale parameters, mu = ln(mean) - sigma^2/2, do not exist), any
 * distribution that can yield a value below 0 (a cost or a multiplier is 0 or more), and any
 * parameter above MAX_COST_POUNDS (a cost) or MAX_MULTIPLIER (a multiplier).
 */
export function distributionFaults(d: DistributionSpec, field: string, kind: QuantityKind): Array<{ field: string; reason: string }> {
  const faults: Array<{ field: string; reason: string }> = [];
  const add = (where: string, reason: string) => faults.push({ field: where, reason });
  const negative = (where: string, what: string) => add(where, `${what} can yield negative values: a ${kind} must be 0 or more`);
  const ceiling = kind === 'cost' ? MAX_COST_POUNDS : MAX_MULTIPLIER;
  const params = typeof d === 'number' ? { value: d } : (Object.fromEntries(Object.entries(d).filter(([, v]) => typeof v === 'number')) as Record<string, number>);
  for (const [name, value] of Object.entries(params)) {
    if (!(value > ceiling)) continue;
    const why = kind === 'cost' ? `£${ceiling.toLocaleString('en-GB')}: no unit of care costs that much; check the amount and its unit` : `${ceiling.toLocaleString('en-GB')}: no cost, rate or effect is multiplied that much; check the figure`;
    add(typeof d === 'number' ? field : `${field}/${name}`, `${formatNumber(value)} is above ${why}`);
  }
  if (typeof d === 'number') {
    if (d < 0) add(field, `${formatNumber(d)} is negative: a ${kind} must be 0 or more`);
    return faults;
  }
  switch (d.type) {
    case 'fixed':
      if (d.value < 0) add(`${field}/value`, `${formatNumber(d.value)} is negative: a ${kind} must be 0 or more`);
      break;
    case 'normal':
      if (d.sd < 0) add(`${field}/sd`, `standard deviation ${formatNumber(d.sd)} is negative`);
      if (d.mean < 0) negative(`${field}/mean`, `a normal with mean ${formatNumber(d.mean)}`);
      break;
    case 'lognormal':
      if (d.sd < 0) add(`${field}/sd`, `standard deviation ${formatNumber(d.sd)} is negative`);
      if (d.mean <= 0) add(`${field}/mean`, `a lognormal needs a mean above 0, not ${formatNumber(d.mean)}`);
      break;
    case 'triangular':
    case 'pert':
      if (d.min > d.mode) add(`${field}/mode`, `mode ${formatNumber(d.mode)} is below min ${formatNumber(d.min)}`);
      if (d.mode > d.max) add(`${field}/mode`, `mode ${formatNumber(d.mode)} is above max ${formatNumber(d.max)}`);
      if (d.min === d.max) add(`${field}/max`, `min and max are both ${formatNumber(d.min)}: that is a single value, write it as fixed`);
      if (d.min < 0) negative(`${field}/min`, `a ${d.type} with min ${formatNumber(d.min)}`);
      break;
    case 'uniform':
      if (d.min > d.max) add(`${field}/max`, `max ${formatNumber(d.max)} is below min ${formatNumber(d.min)}`);
      if (d.min === d.max) add(`${field}/max`, `min and max are both ${formatNumber(d.min)}: that is a single value, write it as fixed`);
      if (d.min < 0) negative(`${field}/min`, `a uniform with min ${formatNumber(d.min)}`);
      break;
  }
  return faults;
}
