import fc from 'fast-check';
import t from 'tap';
import { discountFactors } from '../../src/finance/discounting.ts';
import { appraise, ratiosByRun, ratiosOfTotals } from '../../src/finance/invest-to-save.ts';
import { comparisonStatement } from '../../src/services/wording.ts';
import { pairedSaving, summarizeMoney } from '../../src/simulation/summary.ts';

t.test('BCR and ROI are ratios of totals on a worked cash-flow table (three runs, one with no costs)', async (t) => {
  // Three runs, three years, 3.5%: factors 1, 1/1.035 = 0.9661836, 1/1.035² = 0.9335107.
  //            costs (y0, y1, y2)   benefits (y0, y1, y2)   PV costs   PV benefits
  // run A      100, 0, 0            0, 60, 60               100        60 × (0.9661836 + 0.9335107) = 113.9816565
  // run B      100, 0, 0            0, 30, 30               100        56.9908283
  // run C        0, 0, 0            0, 10,  0                 0        9.6618357
  // Totals                                                  200        180.6343205
  // BCR = 180.6343205 / 200 = 0.9031716; ROI = (180.6343205 − 200) / 200 = −0.0968284.
  // (The mean of each run's ratio would be (1.1398166 + 0.5699083) / 2 = 0.8548624 over A and B
  // only, and undefined over all three: the figure the issue reported wrongly.)
  const d = discountFactors([{ fromYear: 0, rate: 0.035 }], 3);
  const runs = [
    { costs: [100, 0, 0], benefits: [0, 60, 60] },
    { costs: [100, 0, 0], benefits: [0, 30, 30] },
    { costs: [0, 0, 0], benefits: [0, 10, 0] },
  ].map((run) => appraise({ baseline: run.benefits, strategy: run.costs, interventions: run.costs, investment: [0, 0, 0] }, d));
  const pvBenefits = runs.map((r) => r.presentBenefits);
  const pvCosts = runs.map((r) => r.presentCosts);
  t.ok(Math.abs(pvBenefits[0] - 113.9816565) < 1e-6, `run A PV benefits ${pvBenefits[0]}`);
  t.equal(pvCosts[2], 0);
  const totals = ratiosOfTotals(pvBenefits, pvCosts);
  t.ok(Math.abs((totals.benefitCostRatio as number) - 0.9031716) < 1e-7, `BCR ${totals.benefitCostRatio}`);
  t.ok(Math.abs((totals.returnOnInvestment as number) - -0.0968284) < 1e-7, `ROI ${totals.returnOnInvestment}`);
  const spread = ratiosByRun(pvBenefits, pvCosts);
  t.equal(spread.benefitCostRatio.length, 2, 'the spread leaves out the run with no costs');
  t.ok(Math.abs(spread.benefitCostRatio[0] - 1.1398166) < 1e-7 && Math.abs(spread.benefitCostRatio[1] - 0.5699083) < 1e-7);
  t.same(ratiosOfTotals([5, 6], [0, 0]), { benefitCostRatio: null, returnOnInvestment: null }, 'undefined only when no run has costs');
});

t.test('payback is reached at break-even, not only above it', async (t) => {
  // Undiscounted (factors 1): net −100, +100: the cumulative net is exactly 0 in year 1.
  const even = appraise({ baseline: [0, 100], strategy: [100, 0], interventions: [100, 0], investment: [0, 0] }, [1, 1]);
  t.same(even.netByYear, [-100, 100]);
  t.equal(even.paybackYear, 1, 'cumulative net of exactly zero pays back');
});

t.test('paired saving: the chance and the saving never disagree in sign, on one basis', async (t) => {
  const pence = fc.integer({ min: -5_000_000, max: 5_000_000 });
  fc.assert(
    fc.property(fc.array(fc.tuple(pence, pence), { minLength: 1, maxLength: 200 }), (pairs) => {
      const against = pairs.map(([a]) => a);
      const plan = pairs.map(([, b]) => b);
      const { saving, probabilityCheaper, probabilityEqual } = pairedSaving(against, plan);
      if (saving.mean > 0 && !(probabilityCheaper > 0)) return false;
      if (saving.mean < 0 && !(probabilityCheaper < 1)) return false;
      if (probabilityCheaper === 1 && !(saving.mean > 0)) return false;
      if (probabilityCheaper === 0 && saving.mean > 0) return false;
      return probabilityCheaper + probabilityEqual <= 1;
    }),
  );
  // Identical plans are never cheaper: ties count as equal.
  const same = pairedSaving([100, 200, 300], [100, 200, 300]);
  t.equal(same.probabilityCheaper, 0);
  t.equal(same.probabilityEqual, 1);
  const tie = pairedSaving([100, 200, 300, 400], [100, 150, 350, 400]);
  t.equal(tie.probabilityCheaper, 0.25, 'one of four runs strictly cheaper');
  t.equal(tie.probabilityEqual, 0.5);
  t.equal(tie.saving.mean, 0, '(0 + 50 − 50 + 0) / 4 pence');
});

t.test('the comparison sentence reads the 90% interval as P5 to P95 of its own basis', async (t) => {
  // Savings in pence 1,000..101,000 step 1,000 (101 runs), type-7 percentiles: P5 = £60, P95 = £960
  // (P10 = £110, P90 = £910: a P10-P90 interval would read differently); mean £510.
  const against = Array.from({ length: 101 }, (_, i) => 2_000_000 + (i + 1) * 1000);
  const plan = Array.from({ length: 101 }, () => 2_000_000);
  const paired = pairedSaving(against, plan);
  t.equal(paired.saving.p5, 60);
  t.equal(paired.saving.p95, 960);
  t.equal(comparisonStatement('B', 'A', 'discounted', paired), 'In present value, B costs less than A in 100% of runs; expected saving £510, 90% interval £60 to £960.');
  const dearer = pairedSaving(plan, against);
  t.equal(comparisonStatement('B', 'A', 'cash', dearer), 'In cash (undiscounted), B costs less than A in 0% of runs; expected extra cost £510, 90% interval £60 to £960.');
});

t.test('money summaries are whole pence with no float noise', async (t) => {
  // 10,067,203.25 pence on average: £100,672.0325 → £100,672.03 exactly as printed.
  const s = summarizeMoney([10_067_203, 10_067_203.5, 10_067_203.5, 10_067_203]);
  t.equal(JSON.stringify(s.mean), '100672.03');
  for (const value of Object.values(s)) t.equal(Math.round(value * 100) / 100, value);
});

t.test('a strategy that changes nothing: no benefit, no chance, no payback', async (t) => {
  const nothing = appraise({ baseline: [100, 100], strategy: [100, 100], interventions: [0, 0], investment: [0, 0] }, [1, 1 / 1.035]);
  t.equal(nothing.netPresentValue, 0);
  t.equal(nothing.paybackYear, null, 'nothing changes, nothing to pay back');
  t.same(ratiosOfTotals([nothing.presentBenefits], [nothing.presentCosts]), { benefitCostRatio: null, returnOnInvestment: null });
  // The chance benefits exceed costs counts NPV strictly above zero: ties are not benefits.
  const identical = pairedSaving([0, 0, 0], [0, 0, 0]);
  t.equal(identical.probabilityCheaper, 0);
});
