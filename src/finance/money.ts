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

/**
 * The one whole-pence check for money inputs: null when `amount` (pounds) is a whole number of
 * pence, else the field error to answer 422 with. `field` is the JSON pointer of the input
 * (e.g. "body/placement/weeklyPrice"). Used by young people, care plans and scenarios alike.
 */
export function wholePenceError(amount: number, field: string): { field: string; reason: string } | null {
  return isWholePence(amount) ? null : { field, reason: `${amount} has a fraction of a penny; give whole pence (at most two decimal places)` };
}

/** Decimal places of each kind of number in an answer. */
export const ANSWER_DECIMALS = {
  /** Pounds to the penny. */
  money: 2,
  /** Probabilities, shares, ratios (BCR, ROI), rates, deflator factors, correlations: 6 decimals (a run in a million). */
  ratio: 6,
  /** Means of counts and months (children in care, months looked after, places): 4 decimals. */
  count: 4,
} as const;

export type AnswerNumberKind = keyof typeof ANSWER_DECIMALS | 'asGiven';

/** Rounds half away from zero to `decimals` places; never answers -0. */
export function roundTo(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  const k = 10 ** decimals;
  // The tiny nudge keeps a value printed as ….5 (e.g. 1.005, stored as 1.00499999…) rounding as written.
  const scaled = Math.abs(x) * k;
  const rounded = (Math.sign(x) * Math.round(scaled + scaled * Number.EPSILON)) / k;
  return rounded === 0 ? 0 : rounded;
}

/** Pounds to the penny (half away from zero): 100672.03250000003 → 100672.03, -0.09999999999999998 → -0.1. */
export function roundPounds(pounds: number): number {
  return roundTo(pounds, ANSWER_DECIMALS.money);
}

const RATIO_KEY = /^(endOfYearStates|discountRate|probability\w*|\w*Probability\w*|shares?|shareWithin20Miles|\w*Share\w*|rate|factor|benefitCostRatio\w*|returnOnInvestment|\w*Correlation|contribution|moneyMultiple|irr)$/;
const COUNT_KEY = /^(outcomes|counts|inCare|inCareByYear|months|monthsInCare|monthsResidential|monthsCustody|placementMoves|careEntries|delivered|planning|runsWithCosts)$/;
/** Echoes of what the user asked for (scenario as written, plan inputs): returned as given. */
const AS_GIVEN_KEY = /^(inputs|scenario|plansAsGiven)$/;

/**
 * What a number in a money answer is, from its path (object keys and array indexes from the
 * root) and the object holding it: "ratio" anywhere under a probability, share, rate, factor,
 * ratio or correlation key; "count" under outcomes, counts, months and places; a model
 * parameter that is not a unit cost is a ratio; "asGiven" under echoed inputs; else money.
 * Integers are unchanged by every kind.
 */
export function answerNumberKind(path: readonly string[], holder: Readonly<Record<string, unknown>> | readonly unknown[]): AnswerNumberKind {
  if (path.some((k) => AS_GIVEN_KEY.test(k))) return 'asGiven';
  if (path.some((k) => RATIO_KEY.test(k))) return 'ratio';
  if (path.some((k) => COUNT_KEY.test(k))) return 'count';
  if (path[0] === 'parameters' || path.includes('parameters')) {
    const kind = (holder as Record<string, unknown>).kind;
    if (kind !== undefined && kind !== 'unit_cost') return 'ratio';
  }
  return 'money';
}

/**
 * The edge of every money answer (projection, comparison, scenario run, budget, pack tables):
 * a copy of `answer` with each number rounded by its kind (ANSWER_DECIMALS: pence for money),
 * so no figure leaves the service with float noise such as 100672.03250000003. Pure: the
 * engine keeps full precision; only what is shown is rounded, once.
 */
export function roundAnswer<T>(answer: T, kindOf: typeof answerNumberKind = answerNumberKind): T {
  const visit = (value: unknown, path: string[], holder: Record<string, unknown> | unknown[]): unknown => {
    if (typeof value === 'number') {
      if (Number.isInteger(value) || !Number.isFinite(value)) return value;
      const kind = kindOf(path, holder);
      return kind === 'asGiven' ? value : roundTo(value, ANSWER_DECIMALS[kind]);
    }
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, String(i)], value));
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      const object = value as Record<string, unknown>;
      if (path.length > 0 && AS_GIVEN_KEY.test(path[path.length - 1])) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(object)) out[k] = visit(v, [...path, k], object);
      return out;
    }
    return value;
  };
  return visit(answer, [], []) as T;
}

/**
 * Totals that add up to the penny: the rounded parts' sum, in pounds. A mean is linear, so the
 * mean of a total equals the sum of the parts' means; each rounded on its own could differ from
 * the sum by up to half a penny per part. Answers set a total's mean to this sum, so a column
 * of financial years adds to its total exactly (percentiles do not add and are left alone).
 */
export function sumPounds(parts: readonly number[]): number {
  let pence = 0;
  for (const p of parts) pence += Math.round(roundPounds(p) * 100);
  return pence / 100;
}
