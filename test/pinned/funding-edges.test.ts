import t from 'tap';
import {
  contractPosition,
  type FundingArrangement,
  fundingPositions,
  internalRateOfReturn,
  organisationPositions,
  outcomePayments,
  poolPositions,
  type ResolvedContract,
  reinvestment,
  roundPreservingTotal,
} from '../../src/finance/funding.ts';
import { runFlows } from '../helpers/funding-flows.ts';

/**
 * src/finance/funding.ts (issue 16, mutation testing): the survivors of its first Stryker run
 * (1 December 2026, test/pinned/MUTATION-SURVIVORS.md) killed with hand-worked values on small
 * cases. Each test names the mutants it kills (line:column of that run); the survivors no input
 * can tell apart are explained in MUTATION-SURVIVORS.md.
 */

const flowsOf = runFlows;

/** Two organisations: A holds agency 0, B holds agency 1, in every year. */
function twoOrganisations(years: number): FundingArrangement {
  return {
    agencies: ['la', 'nhs'],
    organisations: [
      { id: 'a', name: 'A', shares: Array.from({ length: years }, () => [1, 0]) },
      { id: 'b', name: 'B', shares: Array.from({ length: years }, () => [0, 1]) },
    ],
    reinvestmentShare: null,
    pool: null,
    contracts: [],
  };
}

t.test('roundPreservingTotal gives the pennies left over to the largest remainders only', async (t) => {
  // [1.5, 0.2]: sum 1.7 → 2; floors [1, 0] leave 1 penny, to the larger remainder (0.5, index 0).
  // (A first loop that ran on past the pennies left, 134:19 `left > 0` → true, would give index
  // 1 one as well and then take it back in the second loop, so this case alone kills nothing;
  // that mutant is killed by the non-finite flows of the next two tests, where left is NaN.)
  t.strictSame(roundPreservingTotal([1.5, 0.2]), [2, 0]);
  // Beyond 2^53 the double sum rounds up by more than the count of values: 2^54 + 2.1 → 2^54 + 4
  // (spacing 4 there), + 2.1 → 2^54 + 8; the floors sum to 2^54 (2^54 + 2 is a tie, to even), so
  // 8 pennies are "left" for 3 values. The loop stops at the last value (each gets one; 2^54 + 1
  // is 2^54 again). Kills 134:19 `left > 0 && k` → `||`, 134:31 `k < order.length` → true and
  // → `<=` (each reads order[3], undefined: a TypeError).
  t.strictSame(roundPreservingTotal([2 ** 54, 2.1, 2.1]), [2 ** 54, 3, 3]);
});

t.test('an organisation is untouched by an agency it holds no share of, and no income means none', async (t) => {
  // 1 year, agency 0 (A's) costs 100 and saves 250; agency 1 (B's) costs without bound. A's
  // position is 100 and 250 (factor 1); a share of 0 must not multiply B's Infinity into A
  // (0 × Infinity is NaN). Kills 173:13 `if (share === 0) return` → `if (false)`, and 134:19
  // `left > 0` → true (B's sums are infinite, so left = Infinity − Infinity = NaN: the original
  // adds no penny, the mutant one to each, A's 100 becoming 101).
  const flows = flowsOf(1, 2, { costs: [100, Number.POSITIVE_INFINITY], benefits: [250, 0] });
  const p = organisationPositions(twoOrganisations(1), flows, [1]);
  t.equal(p.presentCosts[0], 100);
  t.equal(p.presentBenefits[0], 250);
  t.equal(p.presentNet[0], 150);
  t.equal(p.netByYear[0][0], 150);
  // Without incomeByOrg the income is 0 in every year, so the net after income is the cash net
  // (an income row without years would give 150 + undefined = NaN). Kills 183:48
  // `new Array<number>(years)` → `new Array()`.
  const q = organisationPositions(twoOrganisations(2), flowsOf(2, 2, { costs: [100, 0, 0, 40], benefits: [250, 0, 0, 0] }), [1, 1]);
  t.strictSame(q.netAfterIncomeByYear, [
    [150, 0],
    [0, -40],
  ]);
  t.strictSame(q.presentIncome, [0, 0]);
});

t.test('a pool partner is untouched by an agency its organisation holds no share of', async (t) => {
  // Partner 0 is organisation A (agency 0: costs 100, saves 250); B is outside the partnership
  // and its agency loses without bound. No pooled agency, budget 0: payments 0. The partner's
  // net is 150 in year 0 and its present value 150. Kills 283:13 `if (share === 0) return` →
  // `if (false)` (0 × −Infinity would make the partner's net NaN).
  const arrangement: FundingArrangement = {
    ...twoOrganisations(1),
    pool: { services: ['x'], pooledAgencies: [false, false], budgetPence: [0], partners: [{ organisation: 0, contribution: 1, riskShare: 1 }] },
  };
  const flows = flowsOf(1, 2, { costs: [100, 0], benefits: [250, Number.NEGATIVE_INFINITY] });
  const p = poolPositions(arrangement, flows, [1]);
  t.equal(p.netByYear[0][0], 150);
  t.equal(p.presentNet[0], 150);
  t.strictSame(p.paymentsByYear, [[0]]);
});

t.test('reinvestment over no years owes nothing after the horizon', async (t) => {
  // years = 0: there is no last year whose saving falls due after it. Kills 240:118
  // `years > 0 ? …` → `true ? …` and → `years >= 0` (reinvestOf(−1) is Math.round(s × NaN) = NaN).
  t.strictSame(reinvestment(0.5, flowsOf(0, 1), []), {
    cashableNetByYear: [],
    reinvestedByYear: [],
    retainedByYear: [],
    presentReinvested: 0,
    presentRetained: 0,
    dueAfterHorizon: 0,
  });
});

t.test('an outcome payment due after the horizon is left out, not added past the end', async (t) => {
  // 2 years measured, price 10 pence a week, lag 1 year, no caps. Weeks avoided: 5 − 2 = 3 and
  // 3 − 1 = 2: dues 30 and 20; year 0's is paid in year 1, year 1's would be paid in year 2,
  // after the horizon. Kills 357:9 `if (payYear < years)` → `if (true)` and → `<=` (the array
  // would grow a third entry, undefined + 20 = NaN).
  const terms = { outcome: 'care_weeks_avoided' as const, pricePence: 10, basis: 'modelled_counterfactual' as const, historicalWeeks: null, capPence: null, annualCapPence: null, paymentLagYears: 1 };
  const m = outcomePayments(terms, 2, flowsOf(2, 1, { baselineCareWeeks: [5, 3], strategyCareWeeks: [2, 1] }));
  t.strictSame(m.outcomesByYear, [3, 2]);
  t.strictSame(m.paymentsByYear, [0, 30]);
});

t.test('an outcomes contract discounts the investor’s flows, and has no multiple when nothing was funded', async (t) => {
  // 2 years, 1 agency. The investor funds the service (100 pence in year 0); 2 weeks avoided in
  // year 0 at 50 pence, paid a year later: investor flows [−100, +100]. Factors [1, 0.5]:
  // investor PV = −100 + 50 = −50. Scenario: costs [100, 0], benefits [0, 300]: PV −100 + 150 =
  // 50; the commissioner's = 50 − (−50) = 100. Kills 420:5 `investorPv +=` → `-=` (PV +50) and
  // 420:19 `× factors[y]` → `÷` (−100 + 200 = 100).
  const contract = (fundedAgencies: boolean[]): ResolvedContract => ({
    id: 'sib',
    services: ['x'],
    fundedAgencies,
    outcome: 'care_weeks_avoided',
    pricePence: 50,
    basis: 'modelled_counterfactual',
    historicalWeeks: null,
    capPence: null,
    annualCapPence: null,
    paymentLagYears: 1,
    contractYears: 2,
  });
  const flows = flowsOf(2, 1, { costs: [100, 0], benefits: [0, 300], serviceCosts: [100, 0], baselineCareWeeks: [4, 4], strategyCareWeeks: [2, 4] });
  const c = contractPosition(contract([true]), flows, [1, 0.5]);
  t.strictSame(c.investorByYear, [-100, 100]);
  t.equal(c.investorPresentNet, -50);
  t.equal(c.commissionerPresentNet, 100);
  t.equal(c.moneyMultiple, 1);
  // Net zero undiscounted: the IRR is exactly 0. Kills 473:7 `if (atZero === 0) return 0` →
  // `if (false)` (the bisection from [0, 0.001] would end about 5e-14 above 0).
  t.equal(c.irr, 0);
  // The same outcomes with no funded agency: 100 received, nothing funded, so no multiple.
  // Kills 429:20 `funded > 0 ? …` → `true ? …` and → `>=` (100 / 0 = Infinity).
  const d = contractPosition(contract([false]), flows, [1, 0.5]);
  t.equal(d.investorFunded, 0);
  t.equal(d.investorReceived, 100);
  t.equal(d.moneyMultiple, null);
  t.equal(d.irr, null);
});

t.test('internalRateOfReturn walks each grid from 0 and takes the first root on its side', async (t) => {
  // In x = 1/(1 + r), NPV(r) = Σ cf[t] xᵗ, a polynomial; the roots below are worked from it.
  // [−25, 35, −12]: −(12x² − 35x + 25) = 0 at x = 1.25 and 5/3, i.e. r = −0.2 and −0.4; NPV(0)
  // = −2 (a loss, walk down); the first root met is −0.2. Skipping the grid from −0.001 to
  // −0.5 finds none (NPV(−0.5) = −3, more negative below). Kills 477:26 `r > −0.5` → false, →
  // `<=`, 477:30 `> +0.5`, 477:48 the push removed.
  t.ok(Math.abs((internalRateOfReturn([-25, 35, -12]) ?? Number.NaN) + 0.2) < 1e-13);
  // [−25, 15, −2]: −(2x² − 15x + 25) = 0 at x = 2.5 and 5 (r = −0.6, −0.8); NPV(0) = −12, and
  // no sign change down to −0.5 (x = 2: −3). Skipping the grid from −0.5 to −0.99 (x = 100:
  // −18,525) finds none. Kills 478:24 → false, → `<=`, 478:28 `> +0.99`, 478:46 the push removed.
  t.ok(Math.abs((internalRateOfReturn([-25, 15, -2]) ?? Number.NaN) + 0.6) < 1e-13);
  // [−8e11, 1]: root x = 8e11, r = −1 + 1.25e-12, between the last two steps −1 + 10^−11.75 and
  // −1 + 10^−12. Kills 479:21 `k <= 12` → `<` (the last step dropped: null) and 479:52
  // `−1 + 10^−k` → `−1 − 10^−k` (steps below −1: null).
  t.ok(Math.abs((internalRateOfReturn([-8e11, 1]) ?? Number.NaN) - (-1 + 1.25e-12)) < 1e-15);
  // [8, −22, 15]: 15x² − 22x + 8 = 0 at x = 0.8 and 2/3 (r = 0.25, 0.5); NPV(0) = 1 (a gain,
  // walk up); at r = 1 (x = 0.5) NPV = 0.75 and rising towards 8 above. The first root met is
  // 0.25. Kills 481:25 `r < 1` → false, → `>=`, 481:44 the push removed.
  t.ok(Math.abs((internalRateOfReturn([8, -22, 15]) ?? Number.NaN) - 0.25) < 1e-13);
});

t.test('internalRateOfReturn answers null when the only root lies on the other side', async (t) => {
  // [10,000, −10,005]: NPV(0) = −5 (a loss), NPV(r) = 10,000 − 10,005/(1 + r) falls as r falls,
  // so no root below 0 (the root, about +0.0005, is on the gain side). Kills 477:18 the first
  // step −0.001 → +0.001 (the walk would start at +0.001, where NPV = +4.995, and bracket it).
  t.equal(internalRateOfReturn([10_000, -10_005]), null);
  // All inflows: null. [0, 5e-324]: with the guard removed the upward walk reaches r = 1, where
  // 5e-324 / 2 underflows to exactly 0 and is returned as a root. Kills 471:7
  // `if (outflow === 0) return null` → `if (false)`.
  t.equal(internalRateOfReturn([0, 5e-324]), null);
});

t.test('internalRateOfReturn returns an exact root on the grid or at a midpoint as it is', async (t) => {
  // [−100, 200]: NPV(1) = −100 + 200/2 = 0 exactly, and r = 1 is the first step of the upward
  // grid from 1 (0.001 … 0.999 all positive). Kills 488:9 `if (fFar === 0) return far` →
  // `if (false)` (bisection of [0.999…, 1] would end just below 1).
  t.equal(internalRateOfReturn([-100, 200]), 1);
  // [−1,000, 1,000.5]: NPV(0) = 0.5, NPV(0.001) = −1,000 + 1,000.5/1.001 < 0, so the bracket
  // [0, 0.001] is bisected; its first midpoint 0.0005 gives −1,000 + 1,000.5/1.0005 = 0 exactly
  // (in doubles too). Kills 496:13 `if (fm === 0) return m` → `if (false)` (the bisection would
  // go on below 0.0005).
  t.equal(internalRateOfReturn([-1_000, 1_000.5]), 0.0005);
  // [−100, 110.05]: root 0.1005, bracketed by the grid at [0.1, 0.101] and bisected until the
  // bracket is within 1e-13 × (1 + b): pinned, the midpoint then (2.9e-14 below the root).
  // Kills 493:34 the tolerance `b − a > 1e-13 × (1 + b)` → true (200 halvings: the last double).
  t.equal(internalRateOfReturn([-100, 110.05]), 0.10049999999997097);
});

t.test('fundingPositions has no reinvestment when the arrangement sets no share', async (t) => {
  // Kills 544:19 `reinvestmentShare === null ? null : …` → `false ? …` (a position with share
  // null would be computed: Math.round(null × x) = 0 in every year).
  const p = fundingPositions(twoOrganisations(1), flowsOf(1, 2, { costs: [100, 0], benefits: [250, 0] }), [1]);
  t.equal(p.reinvestment, null);
  t.equal(p.pool, null);
  t.equal(p.netAfterIncome, 150);
});
