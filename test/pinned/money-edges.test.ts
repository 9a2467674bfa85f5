import t from 'tap';
import { ANSWER_DECIMALS, answerNumberKind, isWholePence, roundAnswer, roundPounds, roundTo, sumPounds, toPence, wholePenceError } from '../../src/finance/money.ts';
import { scenarioResultView } from '../../src/finance/scenario-view.ts';

/**
 * Edges of src/finance/money.ts and src/finance/scenario-view.ts, pure and fast, so that every
 * mutant of them (npm run mutate) runs against exact expectations without the app (the answers
 * walked through the API are in test/finance/answer-rounding.test.ts). Each test names the
 * mutants it kills; the equivalent survivors are listed in test/pinned/MUTATION-SURVIVORS.md.
 */

t.test('whole pence: within a millionth of a penny of a whole number of pence, finite', async (t) => {
  // 1234.56 × 100 = 123455.99999999999 in binary: whole pence all the same.
  t.equal(isWholePence(1234.56), true);
  t.equal(isWholePence(6999.99), true);
  t.equal(isWholePence(0), true);
  t.equal(isWholePence(-12.34), true, 'a negative amount of whole pence (a refund) is whole pence too');
  // Kills `pounds * 100` → `pounds / 100`: 0.5 / 100 = 0.005, not whole; 0.5 × 100 = 50 is.
  t.equal(isWholePence(0.5), true);
  // 6999.995 × 100 = 699999.5 (to the double): half a penny over.
  t.equal(isWholePence(6999.995), false);
  // 0.001 × 100 = 0.1 pence: kills `pence − round` → `pence + round` (0.1 + 0 = 0.1 still fails,
  // so also 1.001: 100.1 − 100 = 0.1 rejected, 100.1 + 100 = 200.1 rejected — and 1.01: 101 − 101
  // = 0 accepted, 101 + 101 = 202 rejected).
  t.equal(isWholePence(0.001), false);
  t.equal(isWholePence(1.01), true);
  // Kills `Number.isFinite(pence) &&` → `||` or `true`: Infinity − Infinity is NaN (so the
  // comparison alone already refuses it), but `||` accepts any finite number.
  t.equal(isWholePence(Number.POSITIVE_INFINITY), false);
  t.equal(isWholePence(Number.NaN), false);
  t.equal(isWholePence(0.333), false, '33.3 pence');
  // The tolerance is inclusive: 1e-8 pounds × 100 is exactly 1e-6 pence in binary (checked:
  // Math.abs(1e-8 * 100 - 0) === 1e-6), a millionth of a penny, so whole. Kills `<=` → `<`.
  t.equal(1e-8 * 100, 1e-6);
  t.equal(isWholePence(1e-8), true);
});

t.test('toPence and the one whole-pence error', async (t) => {
  // Kills `pounds * 100` → `/`: 1234.56 → 123456 (Math.round of 123455.99999999999).
  t.equal(toPence(1234.56), 123456);
  t.equal(toPence(0.07), 7, '0.07 × 100 = 7.000000000000001');
  t.equal(toPence(-3.5), -350);
  t.equal(wholePenceError(12.5, 'body/x'), null);
  t.same(wholePenceError(0.005, 'body/placement/weeklyPrice'), {
    field: 'body/placement/weeklyPrice',
    reason: '0.005 has a fraction of a penny; give whole pence (at most two decimal places)',
  });
});

t.test('roundTo: half away from zero, as written, never −0, non-finite as given', async (t) => {
  // Kills the ANSWER_DECIMALS object emptied: the kinds and their places are part of the contract.
  t.same(ANSWER_DECIMALS, { money: 2, ratio: 6, count: 4 });
  // 1.005 is stored as 1.00499999999999989…; × 100 = 100.49999999999999; the nudge of one
  // epsilon (× 100.5 ≈ 2.2e-14) lifts it over .5. Kills `+ scaled * EPSILON` → `−` and `/ EPSILON`.
  t.equal(roundTo(1.005, 2), 1.01);
  t.equal(roundTo(-1.005, 2), -1.01, 'and away from zero below it');
  // Kills `Math.abs(x) * k` → `/ k` and `/ k` → `* k`: 2.345 → 234.5 → 235 → 2.35.
  t.equal(roundTo(2.345, 2), 2.35);
  t.equal(roundTo(2.344, 2), 2.34);
  // Kills `Math.sign(x) * …` → `/`: sign −1: −235 vs −1/235.
  t.equal(roundTo(-2.345, 2), -2.35);
  t.equal(roundTo(0.1234565, 6), 0.123457);
  t.equal(roundTo(12.34565, 4), 12.3457);
  // −0.001 to the penny is −0 in IEEE arithmetic; answered as 0. Kills `rounded === 0 ? 0 :
  // rounded` → `false ? …` (−0 leaks), `true ? …` and `!==` (every figure becomes 0).
  t.ok(Object.is(roundTo(-0.001, 2), 0), '−0.001 → +0');
  t.ok(Object.is(roundTo(-0, 2), 0), '−0 → +0');
  // Kills the non-finite guard removed or inverted: Infinity × 0 = NaN inside the formula.
  t.equal(roundTo(Number.POSITIVE_INFINITY, 2), Number.POSITIVE_INFINITY);
  t.equal(roundTo(Number.NEGATIVE_INFINITY, 2), Number.NEGATIVE_INFINITY);
  t.ok(Number.isNaN(roundTo(Number.NaN, 2)));
  t.equal(roundPounds(100672.03250000003), 100672.03);
});

t.test('sumPounds adds the rounded parts in whole pence', async (t) => {
  // 0.104 → 0.10, 0.205 → 0.21 (as written), 1.333 → 1.33: 10 + 21 + 133 = 164 pence = 1.64.
  // Kills `+=` → `−=`, `* 100` → `/ 100` and `/ 100` → `* 100`.
  t.equal(sumPounds([0.104, 0.205, 1.333]), 1.64);
  t.equal(sumPounds([0.1, 0.2]), 0.3);
  t.equal(sumPounds([]), 0);
  t.equal(sumPounds([-0.004, -0.006]), -0.01, '−0.00 + −0.01');
});

t.test('answerNumberKind: every key of each kind, whole keys only', async (t) => {
  const kind = (path: string[], holder: Record<string, unknown> = {}) => answerNumberKind(path, holder);
  // Ratios: each alternative of the pattern, bare and with its \w* prefixes/suffixes. Bare forms
  // kill `\w*` → `\w` (one character required); prefixed/suffixed kill `\w*` → `\W*`.
  for (const key of [
    'endOfYearStates',
    'discountRate',
    'probability',
    'probabilityCheaper',
    'cheaperProbability',
    'breakEvenProbabilityByYear',
    'share',
    'shares',
    'Share',
    'cashableShareOfSaving',
    'savingShare',
    'rate',
    'factor',
    'benefitCostRatio',
    'benefitCostRatioOfTotals',
    'returnOnInvestment',
    'Correlation',
    'rankCorrelation',
  ]) {
    t.equal(kind(['x', key, 'mean']), 'ratio', key);
  }
  // Counts: each alternative.
  for (const key of ['outcomes', 'counts', 'inCare', 'inCareByYear', 'months', 'monthsInCare', 'monthsResidential', 'monthsCustody', 'placementMoves', 'careEntries', 'delivered', 'planning', 'runsWithCosts']) {
    t.equal(kind(['x', key, '0']), 'count', key);
  }
  for (const key of ['inputs', 'scenario', 'plansAsGiven']) t.equal(kind([key, 'weeklyPrice']), 'asGiven', key);
  // Whole keys: kills the ^ and $ anchors of each pattern dropped.
  for (const key of ['xrate', 'ratex', 'rates', 'xfactor', 'factors', 'xmonths', 'monthsx', 'xinputs', 'inputsx', 'xscenario', 'scenarios', 'total', 'mean']) {
    t.equal(kind(['x', key]), 'money', `${key} is money`);
  }
  // Order: asGiven before ratio before count. Kills the checks reordered or forced.
  t.equal(kind(['inputs', 'probability']), 'asGiven');
  t.equal(kind(['months', 'probability']), 'ratio');
  // Any element, not every one: kills `some` → `every` (['x', 'rate'] has a non-ratio key).
  t.equal(kind(['x', 'rate']), 'ratio');
  t.equal(kind(['x', 'months']), 'count');
  t.equal(kind(['x', 'inputs']), 'asGiven');
  // Model parameters: a parameter that is not a unit cost is a ratio, at the root or below.
  // Kills `||` → `&&`, each side forced false, `kind !== undefined &&` → `||`, 'unit_cost' → ''.
  t.equal(kind(['parameters', '0', 'value'], { kind: 'transition_probability' }), 'ratio');
  t.equal(kind(['model', 'parameters', '3', 'value'], { kind: 'multiplier' }), 'ratio');
  t.equal(kind(['parameters', '1', 'value'], { kind: 'unit_cost' }), 'money');
  t.equal(kind(['parameters', '1', 'value'], {}), 'money', 'no kind: money');
  t.equal(kind(['parameters', '1', 'value'], { kind: '' }), 'ratio', 'a kind that is not unit_cost');
  // Not under parameters, a holder's kind is not read: kills the parameters test forced true.
  t.equal(kind(['plan', 'value'], { kind: 'multiplier' }), 'money');
  t.equal(kind(['parametersOf', 'value'], { kind: 'multiplier' }), 'money');
});

t.test('roundAnswer: each number by its kind, by path through objects and arrays', async (t) => {
  const when = new Date('2026-04-01T00:00:00Z');
  const answer = {
    total: { mean: 100672.03250000003, p5: -0.004 },
    // Kills the array path dropped (`[...path, String(i)]` → `[]`): the ratio key is lost and
    // 0.1234567 would round to money (0.12).
    probability: [0.1234567, 0.5],
    inCare: { byYear: [12.345678] },
    // Kills the object path dropped (`[...path, k]` → `[]`).
    nested: { deeper: { costShareOfTotal: 0.33333333 } },
    // Parameters: the holder is the object holding the number.
    parameters: [
      { kind: 'transition_probability', value: 0.0123456789 },
      { kind: 'unit_cost', value: 1234.5678 },
    ],
    inputs: { weeklyPrice: 1234.5678, nested: { x: 0.123456789 } },
    scenario: 0.123456789,
    big: 1e17,
    count: 7,
    label: 'a string',
    nothing: null,
    when,
    flag: true,
    infinite: Number.POSITIVE_INFINITY,
  };
  const out = roundAnswer(answer);
  t.equal(out.total.mean, 100672.03);
  t.ok(Object.is(out.total.p5, 0), '−0.004 → 0, not −0');
  t.same(out.probability, [0.123457, 0.5]);
  t.same(out.inCare.byYear, [12.3457]);
  t.equal(out.nested.deeper.costShareOfTotal, 0.333333);
  t.equal(out.parameters[0].value, 0.012346);
  t.equal(out.parameters[1].value, 1234.57);
  // Echoed inputs are returned as given, the object itself (kills the as-given object check
  // removed: its numbers would still be as given, but as a copy), and a number under an as-given key.
  t.equal(out.inputs, answer.inputs, 'the same object');
  t.equal(out.inputs.weeklyPrice, 1234.5678);
  t.equal(out.scenario, 0.123456789, 'a number under an as-given key');
  // Integers are unchanged by every kind. 1e17 × 100 = 1e19; the half-up nudge (1e19 × 2.2e-16
  // ≈ 2220) moves it by a step of the double at 1e19 (2048), so rounding it would answer
  // 100000000000000020, not 1e17. Kills `Number.isInteger(value) ||` → `false ||`.
  t.equal(roundTo(1e17, 2) !== 1e17, true, 'rounding 1e17 itself moves it (why the guard matters)');
  t.equal(out.big, 1e17);
  t.equal(out.count, 7);
  t.equal(out.label, 'a string');
  t.equal(out.nothing, null);
  t.ok(out.when instanceof Date && out.when.getTime() === when.getTime(), 'a Date kept as a Date');
  t.equal(out.flag, true);
  t.equal(out.infinite, Number.POSITIVE_INFINITY);
  // The input is not changed.
  t.equal(answer.total.mean, 100672.03250000003);
  // A kindOf given replaces the default.
  t.same(
    roundAnswer({ a: 1.23456789 }, () => 'count'),
    { a: 1.2346 },
  );
  t.same(
    roundAnswer({ a: [1.23456789] }, () => 'asGiven'),
    { a: [1.23456789] },
  );
  // A top-level number and array.
  t.equal(roundAnswer(5.55555), 5.56);
  t.same(roundAnswer([5.55555]), [5.56]);
});

t.test('scenarioResultView: the planning total of each variant is the sum of its rounded planning years', async (t) => {
  const summary = (mean: number) => ({ mean, p5: mean - 0.123, p95: mean + 0.456 });
  // Three years stored, two of them planning years. Means in pounds with float noise:
  // baseline 100.004 + 200.005 (→ 100.00 + 200.01 = 300.01; the third year, 999, is left out);
  // strategy 50.125 + 60.333 (→ 50.13 + 60.33 = 110.46); saving 49.879 + 139.672 (→ 49.88 +
  // 139.67 = 189.55). The stored totals (300.009 …) are replaced by these sums; their
  // percentiles are only rounded.
  const stored = {
    planningYears: 2,
    spend: {
      byYear: [
        { financialYear: '2026-27', baseline: summary(100.004), strategy: summary(50.125), saving: summary(49.879) },
        { financialYear: '2027-28', baseline: summary(200.005), strategy: summary(60.333), saving: summary(139.672) },
        { financialYear: '2028-29', baseline: summary(999), strategy: summary(999), saving: summary(999) },
      ],
      byYearAgency: [],
      planningTotal: { baseline: summary(300.009), strategy: summary(110.458), saving: summary(189.551) },
    },
    note: 'kept',
  };
  const view = scenarioResultView(stored as never) as unknown as typeof stored;
  t.equal(view.spend.planningTotal.baseline.mean, 300.01);
  t.equal(view.spend.planningTotal.strategy.mean, 110.46);
  t.equal(view.spend.planningTotal.saving.mean, 189.55);
  // 300.009 − 0.123 = 299.886 → 299.89; 300.009 + 0.456 = 300.465 → 300.47.
  t.equal(view.spend.planningTotal.baseline.p5, 299.89);
  t.equal(view.spend.planningTotal.baseline.p95, 300.47);
  t.equal(view.spend.byYear[0].baseline.mean, 100);
  t.equal(view.spend.byYear[1].baseline.mean, 200.01);
  t.equal(view.spend.byYear.length, 3, 'every year is still answered');
  t.equal(view.note, 'kept');
  t.equal(view.planningYears, 2);
  t.same(view.spend.byYearAgency, []);
  // Idempotent.
  t.same(scenarioResultView(view as never), view);
});
