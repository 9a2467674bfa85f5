import fc from 'fast-check';
import t from 'tap';
import { discountFactors, presentValue } from '../../src/finance/discounting.ts';
import { appraise } from '../../src/finance/invest-to-save.ts';

/**
 * One run's invest-to-save appraisal, pinned at its edges: break-even, nothing changed, and the
 * identities that hold for any flows. (The benefit-cost ratio and ROI are left to issue 12,
 * which changes how the scenario reports them.)
 */

const zeros = (n: number) => new Array<number>(n).fill(0);

t.test('payback is reached at break-even: a cumulative net of exactly zero counts', async (t) => {
  // Undiscounted (factors 1) so the sums are exact. Net: −100, +100, +50.
  // Cumulative: −100, 0, 50 → paid back in year 1 (at break-even), not year 2.
  const flows = { baseline: [0, 100, 50], strategy: [0, 0, 0], interventions: [0, 0, 0], investment: [100, 0, 0] };
  const result = appraise(flows, [1, 1, 1]);
  t.same(result.netByYear, [-100, 100, 50]);
  t.equal(result.paybackYear, 1);
  // Break-even in the very first year: a £200 service avoids £200 of other spend that year.
  const sameYear = appraise({ baseline: [200, 0], strategy: [200, 0], interventions: [200, 0], investment: [0, 0] }, [1, 1]);
  t.same(sameYear.netByYear, [0, 0]);
  t.equal(sameYear.paybackYear, 0, 'costs met by savings in the same year pay back at once');
});

t.test('a strategy that changes nothing has NPV 0 and no payback', async (t) => {
  for (const years of [1, 3, 10]) {
    const result = appraise({ baseline: new Array(years).fill(1234), strategy: new Array(years).fill(1234), interventions: zeros(years), investment: zeros(years) }, discountFactors([{ fromYear: 0, rate: 0.035 }], years));
    t.equal(result.netPresentValue, 0, `${years} years: NPV 0`);
    t.equal(result.presentCosts, 0);
    t.equal(result.paybackYear, null, `${years} years: nothing to pay back`);
  }
});

t.test('NPV = benefits − costs, and both are present values of the yearly flows, for any flows', async (t) => {
  const year = fc.record({
    baseline: fc.integer({ min: 0, max: 1e8 }),
    other: fc.integer({ min: 0, max: 1e8 }),
    interventions: fc.integer({ min: 0, max: 1e7 }),
    investment: fc.integer({ min: 0, max: 1e7 }),
  });
  fc.assert(
    fc.property(fc.array(year, { minLength: 1, maxLength: 25 }), (years) => {
      const factors = discountFactors([{ fromYear: 0, rate: 0.035 }], years.length);
      const flows = {
        baseline: years.map((y) => y.baseline),
        strategy: years.map((y) => y.other + y.interventions),
        interventions: years.map((y) => y.interventions),
        investment: years.map((y) => y.investment),
      };
      const result = appraise(flows, factors);
      const benefits = presentValue(years.map((y) => y.baseline - y.other), factors);
      const costs = presentValue(years.map((y) => y.interventions + y.investment), factors);
      const scale = 1e-9 * (1 + Math.abs(benefits) + Math.abs(costs));
      return (
        Math.abs(result.presentBenefits - benefits) <= scale &&
        Math.abs(result.presentCosts - costs) <= scale &&
        result.netPresentValue === result.presentBenefits - result.presentCosts &&
        // Payback year: cumulative PV of net is >= 0 from it to the end, and < 0 the year before.
        (result.paybackYear === null ||
          years.every((_, y) => y < (result.paybackYear as number) || presentValue(result.netByYear.slice(0, y + 1), factors) >= -scale))
      );
    }),
    { numRuns: 200 },
  );
  t.pass('held for 200 random cash-flow tables');
});
