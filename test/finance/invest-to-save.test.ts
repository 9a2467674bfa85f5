import fc from 'fast-check';
import t from 'tap';
import { discountFactors } from '../../src/finance/discounting.ts';
import { appraise, rankCorrelation } from '../../src/finance/invest-to-save.ts';

t.test('NPV, benefit-cost ratio, ROI and payback on a cash-flow table worked by hand', async (t) => {
  // Year:                        0        1        2        3
  // Baseline spend           1,000    1,000    1,000    1,000
  // Strategy spend (model)     900      700      600      600   (interventions included)
  //   of which interventions   200      100        0        0
  // Investment (set-up)        300        0        0        0
  // Benefit = baseline − (strategy − interventions):
  //                            300      400      400      400
  // Cost = interventions + investment:
  //                            500      100        0        0
  // Net:                      −200      300      400      400
  // Discount factors at 3.5%: 1, 0.966184, 0.933511, 0.901943
  // PV benefits = 300 + 400 × (0.966184 + 0.933511 + 0.901943) = 1,420.655
  // PV costs    = 500 + 100 × 0.966184                          =   596.618
  // NPV = 824.037; ratio = 2.381; ROI = 1.381
  // Cumulative discounted net: −200, 89.855, 463.260, 824.037 → pays back in year 1.
  const d = discountFactors([{ fromYear: 0, rate: 0.035 }], 4);
  const result = appraise(
    { baseline: [1000, 1000, 1000, 1000], strategy: [900, 700, 600, 600], interventions: [200, 100, 0, 0], investment: [300, 0, 0, 0] },
    d,
  );
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-3;
  t.ok(close(result.presentBenefits, 1420.655), `PV benefits ${result.presentBenefits}`);
  t.ok(close(result.presentCosts, 596.618), `PV costs ${result.presentCosts}`);
  t.ok(close(result.netPresentValue, 824.037), `NPV ${result.netPresentValue}`);
  t.ok(close(result.benefitCostRatio as number, 1420.655 / 596.618));
  t.ok(close(result.returnOnInvestment as number, 824.037 / 596.618));
  t.equal(result.paybackYear, 1);
  t.same(result.netByYear, [-200, 300, 400, 400]);
});

t.test('a strategy that never pays back, and one that dips again', async (t) => {
  const d = discountFactors([{ fromYear: 0, rate: 0.035 }], 3);
  const never = appraise({ baseline: [100, 100, 100], strategy: [150, 140, 130], interventions: [60, 50, 40], investment: [0, 0, 0] }, d);
  t.ok(never.netPresentValue < 0);
  t.equal(never.paybackYear, null);
  // Cumulative net: +50, −10, +… : it must stay non-negative to count as paid back.
  const dips = appraise({ baseline: [100, 100, 200], strategy: [50, 160, 100], interventions: [0, 0, 0], investment: [0, 0, 0] }, [1, 1, 1]);
  t.same(dips.netByYear, [50, -60, 100]);
  t.equal(dips.paybackYear, 2, 'not year 0: the cumulative net falls below zero in year 1');
  const free = appraise({ baseline: [10], strategy: [5], interventions: [0], investment: [0] }, [1]);
  t.equal(free.benefitCostRatio, null, 'no ratio without costs');
});

t.test('rank correlation against hand values', async (t) => {
  t.equal(rankCorrelation([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  t.equal(rankCorrelation([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // Ranks x: 1,2,3,4,5; y = (2, 1, 4, 3, 5): Σd² = 4, ρ = 1 − 6·4/(5·24) = 0.8.
  t.ok(Math.abs(rankCorrelation([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) - 0.8) < 1e-12);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 3, maxLength: 50 }), (xs) => {
      const rho = rankCorrelation(xs, xs.map((x) => x * 3 + 1));
      return new Set(xs).size < 2 || Math.abs(rho - 1) < 1e-9;
    }),
  );
});
