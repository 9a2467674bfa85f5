import t, { type Test } from 'tap';
import {
  DESTINATION_FLOOR,
  monthlyFromAnnual,
  posteriorFromPseudoCounts,
  posteriorRow,
  priorPseudoCounts,
  rateInterval,
  shortestBetaInterval,
  splitWeights,
  tidyRow,
} from '../../src/calibration/shrinkage.ts';
import { betaQuantile } from '../../src/simulation/distributions.ts';

/**
 * src/calibration/shrinkage.ts worked by hand, pure and fast, so that every mutant of it (npm run
 * mutate) meets exact figures: the Dirichlet posterior with and without partly observed months,
 * the floor, tidying, the rate intervals (central, shortest, zero count) in closed form, splitting
 * and the annual-to-monthly conversion. Beta quantiles in closed form: Beta(1, b) has
 * F(x) = 1 − (1 − x)^b, so Q(p) = 1 − (1 − p)^(1/b); Beta(1/2, 1/2) has Q(p) = sin²(πp/2).
 * Shortest intervals of Beta(3, 2) and Beta(2, 5): mpmath 1.3 at 40 digits (equal densities at
 * the ends, by bisection on mp.betainc). Equivalent survivors: test/pinned/MUTATION-SURVIVORS.md.
 */

const close = (t: Test, actual: number, expected: number, tol: number, msg: string) => t.ok(Math.abs(actual - expected) <= tol, `${msg}: ${actual} vs ${expected} (±${tol})`);
const rowClose = (t: Test, actual: Record<string, number>, expected: Record<string, number>, msg: string) => {
  t.same(Object.keys(actual), Object.keys(expected), `${msg}: keys in order`);
  for (const k of Object.keys(expected)) close(t, actual[k], expected[k], 1e-15, `${msg}: ${k}`);
};

t.test('prior pseudo-counts: w·π, and the floor shared among the revealable destinations', async (t) => {
  t.equal(DESTINATION_FLOOR, 0.5);
  // w = 10: a 9, b 1, c 0; b, c, d revealable (a is the row's own state, never floored): 0.5/3 each.
  rowClose(t, priorPseudoCounts({ a: 0.9, b: 0.1, c: 0 }, 10, ['b', 'c', 'd', 'a'], 'a'), { a: 9, b: 1, c: 1 / 6, d: 1 / 6 }, 'floored');
  // Repeated names count once: 0.5 / 2.
  rowClose(t, priorPseudoCounts({ a: 1 }, 4, ['b', 'b', 'c'], 'a'), { a: 4, b: 0.25, c: 0.25 }, 'deduplicated');
  // A floor of 0 (or less) adds nothing, not even a zero entry.
  rowClose(t, priorPseudoCounts({ a: 0.5, b: 0.5 }, 2, ['c'], 'a', 0), { a: 1, b: 1 }, 'floor 0');
  rowClose(t, priorPseudoCounts({ a: 0.5, b: 0.5 }, 2, ['c'], 'a', -1), { a: 1, b: 1 }, 'floor below 0');
  rowClose(t, priorPseudoCounts({ a: 0.5, b: 0.5 }, 2, [], 'a'), { a: 1, b: 1 }, 'nothing revealable');
  rowClose(t, priorPseudoCounts({ a: 0.5, b: 0.5 }, 2, ['a'], 'a'), { a: 1, b: 1 }, 'only the row itself');
  // A floor of 2 over one destination: b rises from 1 to 2.
  rowClose(t, priorPseudoCounts({ a: 0.5, b: 0.5 }, 2, ['b'], 'a', 2), { a: 1, b: 2 }, 'floor raises a small pseudo-count');
});

t.test('posterior mean, fully observed: (c + w·π) / (n + w), new destinations after, sorted', async (t) => {
  // α = (8, 2); 30 months with 25 stays, 3 to b, 2 to c: /40.
  rowClose(t, posteriorRow({ a: 0.8, b: 0.2 }, { months: 30, counts: { a: 25, b: 3, z: 1, c: 1 } }, 10, 'a'), { a: 33 / 40, b: 5 / 40, c: 1 / 40, z: 1 / 40 }, 'full');
  // With no prior weight and no months: zeros (no 0/0).
  rowClose(t, posteriorFromPseudoCounts({ a: 0, b: 0 }, { months: 0, counts: {} }, 'a'), { a: 0, b: 0 }, 'nothing at all');
  // Nothing observed: the prior's mean.
  rowClose(t, posteriorFromPseudoCounts({ a: 3, b: 1 }, { months: 0, counts: {} }, 'a'), { a: 0.75, b: 0.25 }, 'prior alone');
  // Total 0 with prior weight (a negative month count, only reachable by hand): the prior's mean.
  rowClose(t, posteriorFromPseudoCounts({ a: 3, b: 1 }, { months: -4, counts: {} }, 'a'), { a: 0.75, b: 0.25 }, 'total 0');
  // Partly observed months given as 0 are fully observed arithmetic.
  rowClose(t, posteriorFromPseudoCounts({ a: 3, b: 1 }, { months: 4, counts: { a: 2, b: 2 }, partialMonths: 0 }, 'a'), { a: 5 / 8, b: 3 / 8 }, 'partialMonths 0');
  // Fully observed rows are (α + c) / (A + n) as one division, bit for bit: renormalising by
  // Σ(α + c) instead (the partly observed path with nothing revealed) gives 0.138671875 for c
  // here, one unit in the last place above 4.97 / 35.84.
  const bits = posteriorFromPseudoCounts({ a: 2.7, b: 2.17, c: 4.97 }, { months: 26, counts: { a: 13, b: 13 }, partialMonths: 0 }, 'a');
  const total = 2.7 + 2.17 + 4.97 + 26;
  t.ok(Object.is(bits.a, (2.7 + 13) / total) && Object.is(bits.b, (2.17 + 13) / total) && Object.is(bits.c, 4.97 / total), `(α + c) / (A + n) exactly: ${JSON.stringify(bits)}`);
});

t.test('posterior mean, partly observed: the aggregation formula by hand', async (t) => {
  // α = (a 6, b 2, s 2, h 1), A = 11; 22 months fully observed (a 15, b 1, s 4, h 2); 10 partly
  // observed months reveal a 8, b 1. Total 43. Observable a, b: (6 + 15 + 8)/43 = 29/43 and
  // (2 + 1 + 1)/43 = 4/43; the rest 10/43 shared by s, h as (2 + 4) : (1 + 2) = 2 : 1.
  const observed = { months: 22, counts: { a: 15, b: 1, s: 4, h: 2 }, partialMonths: 10, partialCounts: { a: 8, b: 1 }, observable: new Set(['a', 'b']) };
  rowClose(t, posteriorFromPseudoCounts({ a: 6, b: 2, s: 2, h: 1 }, observed, 'a'), { a: 29 / 43, b: 4 / 43, s: 20 / 129, h: 10 / 129 }, 'partial');
  // Every destination observable and the partly observed months not all accounted for: the row's
  // own state takes the rest; an unobservable destination with no weight gets 0.
  // α (5, 5, 0), 10 months (8, 2), 10 partial (a 4): a 17/30, b 7/30, rest 6/30 to a.
  const all = { months: 10, counts: { a: 8, b: 2 }, partialMonths: 10, partialCounts: { a: 4 }, observable: new Set(['a', 'b']) };
  rowClose(t, posteriorFromPseudoCounts({ a: 5, b: 5, s: 0 }, all, 'a'), { a: 23 / 30, b: 7 / 30, s: 0 }, 'rest to self');
  // The rest goes to `self`, whichever it is: b here.
  rowClose(t, posteriorFromPseudoCounts({ a: 5, b: 5, s: 0 }, all, 'b'), { a: 17 / 30, b: 13 / 30, s: 0 }, 'rest to self b');
  // Everything placed (rest exactly 0) and `self` not in the row: no entry is added for it.
  const placed = posteriorFromPseudoCounts({ b: 1 }, { months: 0, counts: {}, partialMonths: 1, partialCounts: { b: 1 }, observable: new Set(['b']) }, 'a');
  t.same(Object.keys(placed), ['b'], 'no zero entry for self');
  t.equal(placed.b, 1);
  // No observable set: nothing is revealed, every destination shares all the mass as α + c.
  rowClose(t, posteriorFromPseudoCounts({ a: 3, b: 1 }, { months: 4, counts: { a: 4 }, partialMonths: 2 }, 'a'), { a: 7 / 8, b: 1 / 8 }, 'no observable set');
  // Partial months with no partial counts: a 3/8 observed; b takes the rest 5/8.
  rowClose(t, posteriorFromPseudoCounts({ a: 3, b: 1 }, { months: 0, counts: {}, partialMonths: 4, observable: new Set(['a']) }, 'a'), { a: 3 / 8, b: 5 / 8 }, 'no partial counts');
  // A destination first seen in the partly observed months is added after the prior's, sorted.
  const extra = posteriorFromPseudoCounts({ a: 1 }, { months: 1, counts: { a: 1 }, partialMonths: 2, partialCounts: { c: 1, b: 1 }, observable: new Set(['a', 'b', 'c']) }, 'a');
  rowClose(t, extra, { a: 2 / 4 + 0 / 4 + 0, b: 1 / 4, c: 1 / 4 }, 'new partial destinations');
});

t.test('tidyRow: rounded to 1e-10, the residue on the largest entry, zeros left out unless kept', async (t) => {
  const row = tidyRow({ a: 0.12345678906, b: 0.3, c: 0.57654321094, z: 0 }, new Set());
  t.same(Object.keys(row), ['a', 'b', 'c']);
  t.equal(row.a, 0.1234567891);
  t.equal(row.b, 0.3);
  // 1 − 0.1234567891 − 0.3 = 0.5765432109 (the residue, 1e-10 below the rounded 0.576543211).
  close(t, row.c, 0.5765432109, 1e-16, 'the largest takes the residue');
  t.same(tidyRow({ a: 0.5, z: 0, b: 0.5 }, new Set(['z'])), { a: 0.5, z: 0, b: 0.5 }, 'a kept zero');
  // A tie for largest: the first keeps the residue (1e-9 here).
  const tie = tidyRow({ a: 0.4, b: 0.4, c: 0.199999999 }, new Set());
  close(t, tie.a, 0.400000001, 1e-16, 'tie: first');
  t.equal(tie.b, 0.4, 'tie: second unchanged');
  // The largest need not come first.
  const later = tidyRow({ a: 0.1, b: 0.899999999 }, new Set());
  t.equal(later.a, 0.1);
  close(t, later.b, 0.9, 1e-16, 'later largest');
  t.same(tidyRow({}, new Set()), {}, 'empty');
  t.same(tidyRow({ a: 0, b: 1e-12 }, new Set()), {}, 'all rounded to zero');
});

t.test('rateInterval: central, shortest and the zero count, in closed form', async (t) => {
  // p = 0.05, α0 = 20: Beta(1, 19). Central 90%: [1 − 0.95^(1/19), 1 − 0.05^(1/19)].
  const c = rateInterval(0.05, 20);
  close(t, c.lower, 1 - 0.95 ** (1 / 19), 1e-14, 'central lower');
  close(t, c.upper, 1 - 0.05 ** (1 / 19), 1e-14, 'central upper');
  const c80 = rateInterval(0.05, 20, 0.8);
  close(t, c80.lower, 1 - 0.9 ** (1 / 19), 1e-14, '80% lower');
  close(t, c80.upper, 1 - 0.1 ** (1 / 19), 1e-14, '80% upper');
  // Evidence with a count, or no exposures, leaves the posterior's interval.
  t.same(rateInterval(0.05, 20, 0.9, { count: 1, exposures: 100 }), c, 'count 1');
  t.same(rateInterval(0.05, 20, 0.9, { count: 0, exposures: 0 }), c, 'no exposures');
  // Shortest: Beta(1, 19) falls from 0, so [0, 1 − 0.1^(1/19)].
  const s = rateInterval(0.05, 20, 0.9, undefined, 'shortest');
  t.equal(s.lower, 0);
  close(t, s.upper, 1 - 0.1 ** (1 / 19), 1e-14, 'shortest upper');
  // Ends: p 0 and 1 are certain.
  t.same(rateInterval(0, 20), { lower: 0, upper: 0 });
  t.same(rateInterval(1, 20), { lower: 1, upper: 1 });
  // A Beta with a shape far below 1 has its mean outside its central interval: widened to hold p.
  // Beta(0.01, 1.99): its 95% point is below the mean 0.005.
  const thin = rateInterval(0.005, 2);
  t.ok(betaQuantile(0.95, 0.01, 1.99) < 0.005, 'the mean lies above the 95% point');
  t.equal(thin.upper, 0.005, 'upper widened to p');
  close(t, thin.lower, betaQuantile(0.05, 0.01, 1.99), 0, 'lower the 5% point');
  const thinHigh = rateInterval(0.995, 2);
  t.ok(betaQuantile(0.05, 1.99, 0.01) > 0.995, 'the mean lies below the 5% point');
  t.equal(thinHigh.lower, 0.995, 'lower widened to p');
});

t.test('rateInterval with a zero count: the largest of the exact bound, the posterior quantile and p', async (t) => {
  // 0 in 100 at 90%: exact 1 − 0.1^(1/100) = 0.0227…; Beta(1, 9999)'s 90% point is 0.00023.
  const exact = rateInterval(0.0001, 10_000, 0.9, { count: 0, exposures: 100 });
  t.equal(exact.lower, 0);
  close(t, exact.upper, 1 - 0.1 ** (1 / 100), 1e-13, 'the exact bound');
  // 0 in 1000: exact 0.0023; Beta(1, 19)'s 90% point 1 − 0.1^(1/19) = 0.114 is larger.
  close(t, rateInterval(0.05, 20, 0.9, { count: 0, exposures: 1000 }).upper, 1 - 0.1 ** (1 / 19), 1e-14, 'the posterior quantile');
  // A negative count is a zero count too.
  close(t, rateInterval(0.05, 20, 0.9, { count: -1, exposures: 1000 }).upper, 1 - 0.1 ** (1 / 19), 1e-14, 'count below 0');
  // Beta(0.003, 0.997) at 50%: its median is far below its mean 0.003; 0 in 100,000 gives
  // 1 − 0.5^(1e-5) = 6.9e-6: p itself is the largest.
  t.equal(rateInterval(0.003, 1, 0.5, { count: 0, exposures: 100_000 }).upper, 0.003, 'p itself');
  // p 0 or 1 with a zero count: no posterior quantile (the Beta is degenerate).
  close(t, rateInterval(0, 50, 0.9, { count: 0, exposures: 10 }).upper, 1 - 0.1 ** (1 / 10), 1e-13, 'p = 0: the exact bound');
  t.same(rateInterval(1, 50, 0.9, { count: 0, exposures: 10 }), { lower: 0, upper: 1 }, 'p = 1');
  // The shortest shape keeps the rule.
  close(t, rateInterval(0.0001, 10_000, 0.9, { count: 0, exposures: 100 }, 'shortest').upper, 1 - 0.1 ** (1 / 100), 1e-13, 'shortest, zero count');
});

t.test('shortestBetaInterval: every shape class', async (t) => {
  // U-shaped or flat: the central interval. Beta(1/2, 1/2): Q(p) = sin²(πp/2).
  const u = shortestBetaInterval(0.9, 0.5, 0.5);
  close(t, u.lower, Math.sin((Math.PI * 0.05) / 2) ** 2, 1e-14, 'arcsine lower');
  close(t, u.upper, Math.sin((Math.PI * 0.95) / 2) ** 2, 1e-14, 'arcsine upper');
  const flat = shortestBetaInterval(0.8, 1, 1);
  close(t, flat.lower, 0.1, 1e-14, 'flat lower');
  close(t, flat.upper, 0.9, 1e-14, 'flat upper');
  // a = 1 < b: [0, Q(level)]; b = 1 < a: [Q(1 − level), 1].
  const j = shortestBetaInterval(0.8, 1, 3);
  t.equal(j.lower, 0);
  close(t, j.upper, 1 - 0.2 ** (1 / 3), 1e-14, 'Beta(1, 3)');
  const r = shortestBetaInterval(0.8, 3, 1);
  close(t, r.lower, 0.2 ** (1 / 3), 1e-14, 'Beta(3, 1): F(x) = x³');
  t.equal(r.upper, 1);
  // Unimodal: mpmath.
  const h = shortestBetaInterval(0.9, 3, 2);
  close(t, h.lower, 0.2878087195694704109, 1e-12, 'Beta(3, 2) lower');
  close(t, h.upper, 0.93209821441921022363, 1e-12, 'Beta(3, 2) upper');
  const k = shortestBetaInterval(0.9, 2, 5);
  close(t, k.lower, 0.030150864398200837795, 1e-12, 'Beta(2, 5) lower');
  close(t, k.upper, 0.52528864270226913872, 1e-12, 'Beta(2, 5) upper');
});

t.test('splitWeights and monthlyFromAnnual', async (t) => {
  t.same(splitWeights(['a', 'b', 'c'], { a: 1, b: 3, x: 9 }), [0.25, 0.75, 0]);
  t.same(splitWeights(['a', 'b', 'c', 'd'], undefined), [0.25, 0.25, 0.25, 0.25]);
  t.same(splitWeights(['a', 'b'], { a: 0, b: 0 }), [0.5, 0.5]);
  // Stay a year 0.9^12: stay a month 0.9; the monthly 0.1 of leaving split 0.5 : (0.71757… − 0.5).
  const stayYear = 0.9 ** 12;
  const m = monthlyFromAnnual({ a: stayYear, b: 0.5, c: 1 - stayYear - 0.5 }, 'a');
  t.same(Object.keys(m), ['b', 'c', 'a']);
  close(t, m.a, 0.9, 1e-15, 'stay a month');
  close(t, m.b, (0.1 * 0.5) / (1 - stayYear), 1e-15, 'to b');
  close(t, m.c, (0.1 * (1 - stayYear - 0.5)) / (1 - stayYear), 1e-15, 'to c');
  // Never stays: the annual row is the monthly one.
  t.same(monthlyFromAnnual({ b: 0.25, c: 0.75 }, 'a'), { b: 0.25, c: 0.75, a: 0 });
  // Always stays.
  t.same(monthlyFromAnnual({ a: 1, b: 0 }, 'a'), { a: 1 });
});
