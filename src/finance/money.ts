/**
 * Money in whole pence. Amounts arrive as decimal pounds (JSON numbers, CSV cells); a binary
 * double cannot hold most of them exactly (1234.56 × 100 = 123455.99999999999), so "whole pence"
 * means within a millionth of a penny of a whole number of pence.
 */
const PENNY_TOLERANCE = 1e-6;

/** Whether a pounds amount is a whole number of pence (6999.99 yes, 6999.995 no). */
export function isWholePence(pounds: number): boolean {
  const pence = pounds * 100;
  // Up to £1m (1e8 pence) a double is within 1e-8 pence of the decimal written, so a millionth
  // of a penny separates representation error from a real fraction of a penny.
  return Number.isFinite(pence) && Math.abs(pence - Math.round(pence)) <= PENNY_TOLERANCE;
}

/** A whole-pence pounds amount as integer pence (1234.56 → 123456). */
export function toPence(pounds: number): number {
  return Math.round(pounds * 100);
}
