import type { Ssda903Mapping } from './mapping.ts';

/**
 * The return's code lists by collection year. A code is compared trimmed and in upper case (the
 * common open validator upper-cases every cell before checking it, and case-management exports
 * and hand-edited files carry lower-case codes), and checked against the list of the return year
 * it comes from.
 *
 * Sources of the lists (ssda903-mapping.json holds the data):
 * - PLACE: lac_validator rule 146 for each collection year (Data to Insight, csc-validator-be-903,
 *   lac_validator/rules/lac2022_23, lac2024_25 and lac2025_26/rule_146.py): up to 2023-24 A3-A6,
 *   H5, K1, K2, P1-P3, R1-R3, R5, S1, T0-T4, U1-U6, Z1; 2024-25 adds K3 (supported
 *   accommodation); 2025-26 drops H5, P2 and Z1 and adds Z11-Z14.
 * - PLACE_PROVIDER: rule 178 (2025-26): PR0-PR5, blank allowed (and expected for T0-T3 and
 *   Z11-Z14); LIIA's SSDA903 schema also allows a blank provider.
 * - RNE (rule 143: S, P, L, T, U, B), LS (rule 144: C1, C2, D1, E1, V2-V4, J1-J3, L1-L3), CIN
 *   (rule 145: N1-N8), REC (rule 149: E11, E12, E2, E3, E4A, E4B, E13, E41, E45-E48, E5-E9,
 *   E14-E17, X1), as lac_validator reproduces the DfE guide to the SSDA903 collection; E43/E44
 *   are the special guardianship codes before E45-E48 (legacy). REASON_PLACE_CHANGE: the DfE
 *   guide (CARPL, CLOSE, ALLEG, STAND, APPRR, CREQB, CREQO, CHILD, LAREQ, PLACE, CUSTOD, OTHER).
 * - OC3 ACTIV: the DfE guide, 2021-22 onwards: F4/P4 (training or apprenticeship) and F5/P5
 *   (employment) replaced F3/P3 (training or employment), kept here for the returns to 2020-21.
 * - OC3 ACCOM and IN_TOUCH: the DfE guide (unchanged over the years covered).
 */

/** First and last return years (ending 31 March) the lists cover: 2014-15 to 2025-26. */
export const FIRST_RETURN_YEAR = 2015;
export const LAST_RETURN_YEAR = 2026;

export type CodeStatus = 'current' | 'legacy' | 'out_of_year' | false;

/** A code as compared: trimmed, upper case. */
export function normaliseCode(value: string): string {
  return value.trim().toUpperCase();
}

/** The return years a code is valid in (inclusive); undefined bounds are open. */
export function codeYears(mapping: Ssda903Mapping, column: string, code: string): { from?: number; to?: number } {
  return mapping.codeYears?.[column]?.[code] ?? {};
}

/**
 * Whether a (normalised) code is in the column's list: 'current' when valid in the return year
 * (or when no year is given), 'legacy' when it is an old code the table still maps,
 * 'out_of_year' when it is in the list but not for that year (kept and mapped, reported), false
 * when unknown.
 */
export function codeStatus(mapping: Ssda903Mapping, column: string, code: string, returnYear?: number): CodeStatus {
  if (mapping.codeLists[column]?.includes(code)) {
    if (returnYear === undefined) return 'current';
    const { from, to } = codeYears(mapping, column, code);
    if ((from !== undefined && returnYear < from) || (to !== undefined && returnYear > to)) return 'out_of_year';
    return 'current';
  }
  if (mapping.legacyCodes[column]?.[code] !== undefined) return 'legacy';
  return false;
}

/** The codes valid for a column in a return year (for the README and tests). */
export function codesForYear(mapping: Ssda903Mapping, column: string, returnYear: number): string[] {
  return (mapping.codeLists[column] ?? []).filter((code) => codeStatus(mapping, column, code, returnYear) === 'current');
}

/** "valid from 2024-25", "valid to 2024-25": a code's years in the guidance's words. */
export function describeYears(years: { from?: number; to?: number }): string {
  const label = (y: number) => `${y - 1}-${String(y).slice(2)}`;
  if (years.from !== undefined && years.to !== undefined) return `valid from ${label(years.from)} to ${label(years.to)}`;
  if (years.from !== undefined) return `valid from the ${label(years.from)} return`;
  if (years.to !== undefined) return `valid up to the ${label(years.to)} return`;
  return 'valid in every year';
}
