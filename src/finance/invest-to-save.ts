/**
 * Invest-to-save appraisal of one run: the strategy's costs against what it avoids, year by
 * year, after HM Treasury's Green Book (discounting in real prices) and as the Washington State
 * Institute for Public Policy reports Monte Carlo results (the chance benefits exceed costs is
 * the share of runs with a positive net present value).
 *
 * All amounts are for one run, by year (index 0 = the first financial year).
 */

export interface YearlyFlows {
  /** What the baseline ("as now") spends. */
  baseline: ArrayLike<number>;
  /** What the strategy spends inside the model, its commissioned interventions included. */
  strategy: ArrayLike<number>;
  /** The part of `strategy` that is the commissioned interventions. */
  interventions: ArrayLike<number>;
  /** The strategy's costs outside the model (set-up, recruitment). */
  investment: ArrayLike<number>;
}

export interface Appraisal {
  /** Present value of the avoided costs (the benefits). */
  presentBenefits: number;
  /** Present value of what the strategy costs: interventions plus investment. */
  presentCosts: number;
  /** Benefits minus costs, discounted. */
  netPresentValue: number;
  /** Benefits over costs; null when the strategy costs nothing. */
  benefitCostRatio: number | null;
  /** (Benefits − costs) / costs; null when the strategy costs nothing. */
  returnOnInvestment: number | null;
  /**
   * The first year from which the cumulative discounted net benefit stays at or above zero to
   * the end of the horizon (break-even counts); null when it never does, and null when the
   * strategy neither costs nor saves anything in any year (nothing to pay back: a strategy that
   * changes nothing must not read as paying back at once).
   */
  paybackYear: number | null;
  /** Net benefit each year, undiscounted. */
  netByYear: number[];
}

export function appraise(flows: YearlyFlows, discountFactors: ArrayLike<number>): Appraisal {
  const years = flows.baseline.length;
  let presentBenefits = 0;
  let presentCosts = 0;
  const netByYear: number[] = [];
  const cumulative: number[] = [];
  let running = 0;
  let anyFlow = false;
  for (let y = 0; y < years; y++) {
    const cost = flows.interventions[y] + flows.investment[y];
    // Avoided cost: what the baseline spends minus what the strategy spends on everything else.
    const benefit = flows.baseline[y] - (flows.strategy[y] - flows.interventions[y]);
    presentBenefits += benefit * discountFactors[y];
    presentCosts += cost * discountFactors[y];
    if (benefit !== 0 || cost !== 0) anyFlow = true;
    netByYear.push(benefit - cost);
    running += (benefit - cost) * discountFactors[y];
    cumulative.push(running);
  }
  let paybackYear: number | null = null;
  for (let y = years - 1; y >= 0 && anyFlow; y--) {
    if (cumulative[y] >= 0) paybackYear = y;
    else break;
  }
  return {
    presentBenefits,
    presentCosts,
    netPresentValue: presentBenefits - presentCosts,
    benefitCostRatio: presentCosts > 0 ? presentBenefits / presentCosts : null,
    returnOnInvestment: presentCosts > 0 ? (presentBenefits - presentCosts) / presentCosts : null,
    paybackYear,
    netByYear,
  };
}

/** Spearman's rank correlation (average ranks for ties). */
export function rankCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const rx = ranks(x);
  const ry = ranks(y);
  const n = rx.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += rx[i];
    my += ry[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

function ranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]] = rank;
    i = j + 1;
  }
  return out;
}

/**
 * The benefit-cost ratio and return on investment of a Monte Carlo appraisal, as ratios of
 * totals: BCR = E[PV benefits] / E[PV costs] and ROI = (E[PV benefits] − E[PV costs]) /
 * E[PV costs], the expected present values being the means over runs (HM Treasury Green Book
 * 2022, A4: the BCR is the ratio of present values; WSIPP reports its benefit-cost ratio the
 * same way, from the expected benefits and costs). A mean of each run's ratio is a different
 * and biased figure (it weights runs with small costs heavily and is undefined when any run
 * costs nothing), so it is offered only as the spread over runs, separately and labelled.
 *
 * Inputs: per-run present values in any one unit (pence here). Output ratios are unit-free;
 * null when the expected PV of costs is not positive.
 */
export function ratiosOfTotals(presentBenefits: ArrayLike<number>, presentCosts: ArrayLike<number>): { benefitCostRatio: number | null; returnOnInvestment: number | null } {
  let benefits = 0;
  let costs = 0;
  // Totals first: the ratio of totals equals the ratio of means (the run count cancels).
  for (let r = 0; r < presentBenefits.length; r++) {
    benefits += presentBenefits[r];
    costs += presentCosts[r];
  }
  if (!(costs > 0)) return { benefitCostRatio: null, returnOnInvestment: null };
  return { benefitCostRatio: benefits / costs, returnOnInvestment: (benefits - costs) / costs };
}

/** Each run's own BCR and ROI, for runs whose PV costs are positive (the spread of the ratio across runs). */
export function ratiosByRun(presentBenefits: ArrayLike<number>, presentCosts: ArrayLike<number>): { benefitCostRatio: Float64Array; returnOnInvestment: Float64Array } {
  const bcr: number[] = [];
  const roi: number[] = [];
  for (let r = 0; r < presentBenefits.length; r++) {
    if (!(presentCosts[r] > 0)) continue;
    bcr.push(presentBenefits[r] / presentCosts[r]);
    roi.push((presentBenefits[r] - presentCosts[r]) / presentCosts[r]);
  }
  return { benefitCostRatio: Float64Array.from(bcr), returnOnInvestment: Float64Array.from(roi) };
}
