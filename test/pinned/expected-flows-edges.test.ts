import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { toDistribution } from '../../src/simulation/distributions.ts';
import { planFlows } from '../../src/simulation/expected-flows.ts';
import { modelFor } from '../../src/simulation/worker.ts';
import { eventModel } from './helpers.ts';

/**
 * src/simulation/expected-flows.ts (issue 13, mutation testing): planFlows on a three-state
 * chain worked month by month by hand. Each test names the mutants it kills; survivors no input
 * can tell apart are in test/pinned/MUTATION-SURVIVORS.md.
 *
 * States edge (0), care (1), res (2): edge → care with chance ½ a month, care and res absorbing.
 * Projection of 4 months from January 2026: months 0-2 (January-March) are 2025-26 (year 0),
 * month 3 (April) is 2026-27 (year 1); the occupancy census is taken in March (month 2).
 */
function chain(): CostModelSpec {
  const spec = eventModel(0);
  spec.id = 'flows-edges';
  spec.states = [
    { id: 'edge', label: 'Edge of care', category: 'edge_of_care' },
    { id: 'care', label: 'Care', category: 'looked_after', flags: ['in_care'], placement: true, terminal: true },
    { id: 'res', label: 'Residential', category: 'looked_after', flags: ['in_care'], placement: true, terminal: true },
  ] as CostModelSpec['states'];
  spec.transitions = { all: { edge: { edge: 0.5, care: 0.5 }, care: { care: 1 }, res: { res: 1 } } };
  spec.unitCosts = [spec.unitCosts[0]];
  spec.eventCosts = [];
  return spec;
}

const model = modelFor('flows-edges', chain());
const EDGE = 0;
const CARE = 1;
const RES = 2;
const request = { clock: { startYear: 2026, startMonth: 1 }, months: 4, parameterUncertainty: false };
const person = { ageMonths: 144, startState: EDGE, key: 0, currentPlacementWeeklyPrice: null, plans: [] };
const round = (xs: number[]) => xs.map((x) => Math.round(x * 1e12) / 1e12);

t.test('a capacity limit on care redirects just enough expected moves to res, month by month', async (t) => {
  // Places in care: 0.6 in year 0, 0.7 in year 1 (each month's step reads the places of the
  // year it steps into).
  //   m 0 (Jan): π = (1, 0, 0) → (½, ½, 0); moves into care ½; care ½ ≤ 0.6: none redirected.
  //   m 1 (Feb): π = (½, ½, 0) → (¼, ¾, 0); moves in ¼; excess ¾ − 0.6 = 0.15: redirect 0.15/¼
  //              = 0.6 of them: (¼, 0.6, 0.15).
  //   m 2 (Mar): census (¼, 0.6, 0.15). Steps into April (year 1, places 0.7): (⅛, 0.725, 0.15);
  //              moves in ⅛, excess 0.025: redirect 0.2 of them: (⅛, 0.7, 0.175).
  //   m 3 (Apr): the last month: no step.
  // Year 0: moves into care ½ + ¼ + ⅛ = 0.875, of which 0.15 + 0.025 = 0.175 redirected: 0.2.
  // Kills: the excess and fraction arithmetic (`occupancy − places`, `excess / inflow`,
  // `Math.min(1, …)`, `excess > 0 && inflow > 0`), the places year (`nextYear`, `Math.min(…,
  // length − 1)`), `i !== limits[k].state`, the redirect of each group's moves (`−=`/`+=`), the
  // year shares (`sum / inflowByYear`, `> 0 ? … : 0`), fyOf, the March census and `m + 1 >= months`.
  const flows = planFlows(model, { request, people: [person], entrants: [], periods: undefined, limits: [{ state: CARE, overflow: RES, places: [0.6, 0.7] }] });
  t.same(round(flows.redirectByYear[0]), [0.2, 0], 'year 0: 0.175 of 0.875 moves; year 1: no moves');
  t.equal(flows.redirectByYear.length, 1);
  t.same(flows.occupancyByYear.length, 2, 'years = ceil(4/12) + 1');
  t.same(round(flows.occupancyByYear[0]), [0.25, 0.6, 0.15], 'the March census of 2025-26');
  t.same(flows.occupancyByYear[1], [0, 0, 0], 'no March in 2026-27 within four months');
  t.same(flows.eligibleArrivalsByYear, [], 'no eligibility rules, no arrivals');
});

t.test('places that never fill redirect nothing; a limit of one year carries on', async (t) => {
  // Kills `excess > 0` → `>= 0` (a limit met exactly is not exceeded: care 0.875 at most, places 1)
  // and `limit.places[Math.min(nextYear, length − 1)]` with a one-year list.
  const flows = planFlows(model, { request, people: [person], entrants: [], periods: undefined, limits: [{ state: CARE, overflow: RES, places: [1] }] });
  t.same(flows.redirectByYear, [[0, 0]]);
  t.same(round(flows.occupancyByYear[0]), [0.25, 0.75, 0]);
  // Exactly full after the first step (½ of ½ a place): nothing to redirect.
  const full = planFlows(model, { request: { ...request, months: 2 }, people: [person], entrants: [], periods: undefined, limits: [{ state: CARE, overflow: RES, places: [0.5] }] });
  t.same(full.redirectByYear, [[0, 0]]);
});

t.test('arrivals into eligible states: on entry or when the service opens, then the mass that moved in', async (t) => {
  // With the limit above: care arrivals (service open from month 0, ages 0-999 months):
  //   m 0: present on entry 0;  m 1: ½ − 0 × 1 = ½;  m 2: 0.6 − ½ × 1 = 0.1  (year 0: 0.6)
  //   m 3: 0.7 − 0.6 = 0.1 (year 1).
  // res, open from month 3 (April): everyone there then counts: 0.175 in year 1.
  // res, ages below 146 months only (the person is 144 + m): months 0 and 1, none in res: 0.
  // care from month 0 but aged 145 or more: m 1: ½ (aged 145), m 2: 0.1, m 3: 0.1.
  // Kills: the eligibility window (`m < firstMonth`, `age < minAgeMonths`, `age >= maxAgeMonths`),
  // `before === null || m === firstMonth`, the stayed mass (`before × stay`), `Math.max(0, …)`,
  // `fyOf(m)`, `group.weight`.
  const eligible = (s: number) => Uint8Array.from([0, 1, 2], (x) => (x === s ? 1 : 0));
  const flows = planFlows(model, {
    request,
    people: [person],
    entrants: [],
    periods: undefined,
    limits: [{ state: CARE, overflow: RES, places: [0.6, 0.7] }],
    eligibility: [
      { eligible: eligible(CARE), minAgeMonths: 0, maxAgeMonths: 1000, firstMonth: 0 },
      { eligible: eligible(RES), minAgeMonths: 0, maxAgeMonths: 1000, firstMonth: 3 },
      { eligible: eligible(RES), minAgeMonths: 0, maxAgeMonths: 146, firstMonth: 0 },
      { eligible: eligible(CARE), minAgeMonths: 145, maxAgeMonths: 1000, firstMonth: 0 },
    ],
  });
  t.same(flows.eligibleArrivalsByYear.map(round), [
    [0.6, 0.1],
    [0, 0.175],
    [0, 0],
    [0.6, 0.1],
  ]);
  // Entering in an eligible state counts on entry: a person starting in care, service open.
  const inCare = planFlows(model, { request, people: [{ ...person, startState: CARE }], entrants: [], periods: undefined, limits: [], eligibility: [{ eligible: eligible(CARE), minAgeMonths: 0, maxAgeMonths: 1000, firstMonth: 0 }] });
  t.same(inCare.eligibleArrivalsByYear, [[1, 0]], 'one arrival, on entry; staying is not arriving');
  t.same(inCare.redirectByYear, []);
});

t.test('entrants: spread over the months of their year and the ages of their band', async (t) => {
  // 12 expected entrants in year 0 aged 144-156 months (one age, 150): one a month, weight 1,
  // entering in months 0, 1, 2, ... on the edge. March census (month 2): the entrant of month 0
  // (¼, ¾), of month 1 (½, ½), of month 2 (1, 0): edge 1.75, care 1.25. No entrants in year 1
  // (expected 0 is skipped). A band of 24 months (ages 150 and 162) halves each group's weight.
  // Kills: the entrants' loops (`a < toMonths`, `a += 12`, `Math.min(toMonths − 1, a + 6)`),
  // `expected <= 0`, the weight `expected / 12 / ages.length`, the offset `y × 12 + month`,
  // `start[s.state] += s.share`, activation at `offset === m`.
  const band = { band: 0, fromMonths: 144, toMonths: 156, expectedByYear: [12, 0], starting: [{ state: EDGE, share: 1 }] };
  const flows = planFlows(model, { request, people: [], entrants: [band], periods: undefined, limits: [] });
  t.same(round(flows.occupancyByYear[0]), [1.75, 1.25, 0]);
  const wide = planFlows(model, { request, people: [], entrants: [{ ...band, toMonths: 168 }], periods: undefined, limits: [] });
  t.same(round(wide.occupancyByYear[0]), [1.75, 1.25, 0], 'two ages, half the weight each: the same mass');
  const split = planFlows(model, { request, people: [], entrants: [{ ...band, starting: [{ state: EDGE, share: 0.5 }, { state: CARE, share: 0.5 }] }], periods: undefined, limits: [] });
  // Half start in care: edge 0.875, care 3 − 0.875.
  t.same(round(split.occupancyByYear[0]), [0.875, 2.125, 0]);
  const none = planFlows(model, { request, people: [], entrants: [{ ...band, expectedByYear: [0, 12] }], periods: undefined, limits: [] });
  t.same(none.occupancyByYear[0], [0, 0, 0], 'year 1 entrants arrive after the March census of year 0');
});

/**
 * The chain above with two age bands: edge → care ¼ a month under 12 (young, to 143 months),
 * ½ from 12 (old, from 144 months).
 */
function twoBands(): CostModelSpec {
  const spec = chain();
  spec.ageBands = [
    { id: 'young', fromYears: 0, toYears: 12 },
    { id: 'old', fromYears: 12, toYears: 25 },
  ];
  spec.transitions = {
    young: { edge: { edge: 0.75, care: 0.25 }, care: { care: 1 }, res: { res: 1 } },
    old: { edge: { edge: 0.5, care: 0.5 }, care: { care: 1 }, res: { res: 1 } },
  };
  return spec;
}

t.test('the redirect reads each group’s row at its own age (the month’s age, from its offset)', async (t) => {
  // Kills the redirect's age `group.ageMonths + (m − offset)` → `ageMonths − (m − offset)` and
  // → `ageMonths + (m + offset)`. Places in care 0.1; three months from January, census in March.
  //   Aged 143 months, offset 0. m 0 (young): (1, 0, 0) → (¾, ¼, 0); excess 0.15 of ¼ moves:
  //   fraction 0.6, moved ¼: (¾, 0.1, 0.15). m 1 (aged 144, old): (⅜, 0.475, 0.15); excess
  //   0.375 of 0.375 moves: all redirected (moved ¾ × ½): (⅜, 0.1, 0.525). Year 0: 0.525 of
  //   0.625 moves redirected, 0.84. (With `−` the row read is young's, aged 142: moved 0.1875.)
  const bands = modelFor('flows-edges-bands', twoBands());
  const limits = [{ state: CARE, overflow: RES, places: [0.1] }];
  const at143 = planFlows(bands, { request: { ...request, months: 3 }, people: [{ ...person, ageMonths: 143 }], entrants: [], periods: undefined, limits });
  t.same(round(at143.occupancyByYear[0]), [0.375, 0.1, 0.525]);
  t.same(round(at143.redirectByYear[0]), [0.84, 0]);
  // Aged 143 months, arriving in month 1 (offset 1): m 1 steps at 143 months (young):
  // (¾, ¼, 0) with 0.15 redirected: (¾, 0.1, 0.15). (With `m + offset`, aged 145: moved ½.)
  const later = planFlows(bands, { request: { ...request, months: 3 }, people: [{ ...person, ageMonths: 143, offset: 1 }], entrants: [], periods: undefined, limits });
  t.same(round(later.occupancyByYear[0]), [0.75, 0.1, 0.15]);
  t.same(round(later.redirectByYear[0]), [0.6, 0]);
});

t.test('a one-year places list holds in later years; occupancy and moves weigh each group', async (t) => {
  // Kills `limit.places[Math.min(nextYear, length − 1)]` → `length + 1` (reads places[1],
  // undefined: no redirect in year 1) and `occupancy += out × weight` → `÷ weight`.
  // Places [0.6], four months from January: as in the first test to March, (¼, 0.6, 0.15); the
  // step into April (year 1) keeps 0.6: (⅛, 0.725, 0.15) with all 0.125 redirected. Year 0:
  // 0.15 + 0.125 of 0.875 moves.
  const flows = planFlows(model, { request, people: [person], entrants: [], periods: undefined, limits: [{ state: CARE, overflow: RES, places: [0.6] }] });
  t.same(round(flows.redirectByYear[0]), round([0.275 / 0.875, 0]));
  t.same(round(flows.occupancyByYear[0]), [0.25, 0.6, 0.15]);
  // 24 entrants in year 0 at one age: weight 2 a month. Two months: m 0 steps the January
  // group (1, 0, 0) → (½, ½, 0): 1 expected in care (½ × 2) against 0.5 places: half of the 1
  // expected move is redirected.
  const band = { band: 0, fromMonths: 144, toMonths: 156, expectedByYear: [24, 0], starting: [{ state: EDGE, share: 1 }] };
  const weighed = planFlows(model, { request: { ...request, months: 2 }, people: [], entrants: [band], periods: undefined, limits: [{ state: CARE, overflow: RES, places: [0.5] }] });
  t.same(weighed.redirectByYear, [[0.5, 0]]);
});

/** π × P for a row-major 3 × 3 matrix written out by hand. */
const stepBy = (pi: number[], rows: number[][]) => [0, 1, 2].map((j) => pi.reduce((a, p, i) => a + p * rows[i][j], 0));
const steps = (pi: number[], rows: number[][], n: number) => {
  let out = pi;
  for (let k = 0; k < n; k++) out = stepBy(out, rows);
  return out;
};

t.test('a projection from April: its financial years and the March census', async (t) => {
  // Kills fyOf's `− Math.floor((first + 9) / 12)` → `+` (zero for January only) and the census
  // month `(14 − first) % 12` → `(14 + first) % 12` (the same for January). Twelve months from
  // April 2026 (first = 3): one financial year; the census in March 2027 (month 11), after 11 steps.
  const flows = planFlows(model, { request: { ...request, clock: { startYear: 2026, startMonth: 4 }, months: 12 }, people: [person], entrants: [], periods: undefined, limits: [] });
  t.same(flows.occupancyByYear, [[2 ** -11, 1 - 2 ** -11, 0], [0, 0, 0]]);
});

t.test('entrants’ ages within their band and the months of their year, seen by age-limited arrivals on entry', async (t) => {
  // Everyone enters on the edge; the edge is eligible, so each entrant arrives once, on entry
  // (later months add ½ − ½ × 1... nothing: the edge is never re-entered).
  const onEntry = (minAgeMonths: number, maxAgeMonths: number) => [{ eligible: Uint8Array.from([1, 0, 0]), minAgeMonths, maxAgeMonths, firstMonth: 0 }];
  const band = { band: 0, fromMonths: 144, toMonths: 156, expectedByYear: [24], starting: [{ state: EDGE, share: 1 }] };
  // 144-155 months: one age, 150 (the middle of the year of age); 24 a year, weight 2 a month.
  // Kills `a < toMonths` → `<=` (a second age, 155, half the weight), `Math.min(toMonths − 1, a
  // + 6)` → Math.max (155), and `Math.max(0, arrivals) × weight` → `÷ weight`.
  const first = planFlows(model, { request: { ...request, months: 1 }, people: [], entrants: [band], periods: undefined, limits: [], eligibility: onEntry(150, 151) });
  t.same(first.eligibleArrivalsByYear, [[2, 0]], 'January’s entrants: weight 2, aged 150 months');
  // 144-147 months: the age is capped at 147 (not 150). Kills `toMonths − 1` → `+ 1` and `a + 6` → `a − 6`.
  const narrow = planFlows(model, { request: { ...request, months: 1 }, people: [], entrants: [{ ...band, toMonths: 148 }], periods: undefined, limits: [], eligibility: onEntry(147, 148) });
  t.same(narrow.eligibleArrivalsByYear, [[2, 0]], 'aged 147 months');
  // 12 in year 0 over 13 months: one a month in January-March 2026 (year 0), nine in April-December
  // (year 1), none in January 2027. Kills `month < 12` → `<=` (a thirteenth month).
  const year = planFlows(model, { request: { ...request, months: 13 }, people: [], entrants: [{ ...band, expectedByYear: [12, 0] }], periods: undefined, limits: [], eligibility: onEntry(0, 1000) });
  t.same(year.eligibleArrivalsByYear.map(round), [[3, 9, 0]]);
  // 12 in year 1 only: the first enters in month 12 (January 2027, year 1). Kills `y × 12` → `y ÷ 12`.
  const next = planFlows(model, { request: { ...request, months: 13 }, people: [], entrants: [{ ...band, expectedByYear: [0, 12] }], periods: undefined, limits: [], eligibility: onEntry(0, 1000) });
  t.same(next.eligibleArrivalsByYear, [[0, 1, 0]]);
});

t.test('age rules in the month before a birthday: the first rule for a state wins; the redirect reads them', async (t) => {
  // Two rules at 144 months (a 12th birthday): the first for care only (care → res), the second
  // for edge and care (edge → edge ½, res ½; care → care: not used for care, the first wins). P1
  // (edge, aged 142) and P2 (res, aged 142); places in res 1.25.
  //   m 0 (aged 142, no rule at 143): P1 (½, ½, 0), P2 (0, 0, 1); res occupancy 1, no moves in.
  //   m 1 (aged 143, the rules): P1 → (¼, 0, ¾), moves into res ¼ + ½ = ¾ (P2's own res not
  //        counted); occupancy 1.75, excess 0.5: fraction ⅔ of P1's moved ¾, to care:
  //        P1 (¼, ½, ¼).
  //   m 2: census (¼, ½, 1.25); aged 144, past the last rule: the block rows; res 1.25, full.
  // Kills the rules' lookup (`lastRuleAge` and its reduce, `age + 1 <= lastRuleAge` → `<`, `age +
  // 1` → `age − 1`, `rules !== undefined`), `appliesTo[s]` → true/false, the rule row's offsets, the
  // block skipped in a rule month (`rows !== null` → true, `rulesAt[age + 1] !== undefined`), and
  // the rule month's step and inflow (`mass × row[j]` → `÷`, `i !== limits[k].state` → `===`,
  // `mass × row[state]` → `÷`).
  const ruled = {
    ...model,
    ageTransitions: [
      { ageMonths: 144, appliesTo: Uint8Array.from([0, 1, 0]), rows: Float64Array.from([0, 0, 0, 0, 0, 1, 0, 0, 0]) },
      { ageMonths: 144, appliesTo: Uint8Array.from([1, 1, 0]), rows: Float64Array.from([0.5, 0, 0.5, 0, 1, 0, 0, 0, 0]) },
    ],
  };
  const flows = planFlows(ruled, {
    request,
    people: [{ ...person, ageMonths: 142 }, { ...person, ageMonths: 142, startState: RES }],
    entrants: [],
    periods: undefined,
    limits: [{ state: RES, overflow: CARE, places: [1.25] }],
  });
  t.same(round(flows.occupancyByYear[0]), [0.25, 0.5, 1.25]);
  t.same(round(flows.redirectByYear[0]), round([2 / 3, 0]));
  // A rule at 1 month (the first birthday in months) for a newborn on the edge: edge → res; a
  // child aged 5 months on the edge beside it takes the band's rows: (¼, ¾, 0) in March. Kills
  // `age + 1 >= 0` → `age − 1 >= 0` in rowFor (the newborn's rule skipped) and in blockFor (the
  // newborn's month cached as the band's block, the rule row in it, read by the other child).
  const newborn = { ...model, ageTransitions: [{ ageMonths: 1, appliesTo: Uint8Array.from([1, 0, 0]), rows: Float64Array.from([0, 0, 1, 0, 0, 0, 0, 0, 0]) }] };
  const pair = planFlows(newborn, { request: { ...request, months: 3 }, people: [{ ...person, ageMonths: 0 }, { ...person, ageMonths: 5 }], entrants: [], periods: undefined, limits: [] });
  t.same(pair.occupancyByYear[0], [0.25, 0.75, 1]);
});

/** edge → care ½, care → res ½, res absorbing: every row has a move out. */
function leaky(): CostModelSpec {
  const spec = chain();
  spec.states = spec.states.map((s) => (s.id === 'care' ? { ...s, terminal: false } : s));
  spec.transitions = { all: { edge: { edge: 0.5, care: 0.5 }, care: { care: 0.5, res: 0.5 }, res: { res: 1 } } };
  return spec;
}
const BASE = [[0.5, 0.5, 0], [0, 0.5, 0.5], [0, 0, 1]];
/** The base rows with the edge's moves to care and res halved: the edge keeps the rest. */
const HALVED = [[0.75, 0.25, 0], [0, 0.5, 0.5], [0, 0, 1]];

t.test('rate factors at their mean scale the exits of their states only; the stay takes the rest', async (t) => {
  // Kills factorValues (`Math.max(0, mean)` → min, the map → undefined), the factor loop removed,
  // `f.from[s]` → true/false (care's exits to res halved too, or none), scaleExits removed,
  // `changed` never set (no settleStay: the edge keeps ½ and mass is lost) and `if (changed)` →
  // false. Census after two steps by the halved rows.
  const spec = leaky();
  spec.rateFactors = [{ id: 'f', label: 'F', from: ['edge'], to: ['care', 'res'], multiplier: 0.5 }];
  const flows = planFlows(modelFor('flows-edges-factor', spec), { request: { ...request, months: 3 }, people: [person], entrants: [], periods: undefined, limits: [] });
  t.same(round(flows.occupancyByYear[0]), [0.5625, 0.3125, 0.125]);
  t.same(round(flows.occupancyByYear[0]), round(steps([1, 0, 0], HALVED, 2)));
  // A negative mean is floored at 0: nobody leaves the edge.
  spec.rateFactors = [{ id: 'f', label: 'F', from: ['edge'], to: ['care', 'res'], multiplier: -1 }];
  const none = planFlows(modelFor('flows-edges-factor-negative', spec), { request: { ...request, months: 3 }, people: [person], entrants: [], periods: undefined, limits: [] });
  t.same(none.occupancyByYear[0], [1, 0, 0]);
});

t.test('rate periods: each year reads its period’s rates, the last period after the list ends', async (t) => {
  // Fifteen months from January 2026: census after 2 steps (March 2026, year 0) and 14 steps
  // (March 2027, year 1); the step of month 2 belongs to year 0. Kills the period clamp
  // (`Math.max(0, …)` → min, `Math.min(year, n − 1)` → max, `n − 1` → `n + 1`, `?? 1` → `&& 1`),
  // `periods?.[period]?.rates` without the second `?.`, the row cache's period key, `rate.from[s]`
  // → true/false, `Math.max(0, mean)` → min, and `changed` never set.
  const m = modelFor('flows-edges-leaky', leaky());
  const half = { name: 'p', from: Uint8Array.from([1, 0, 0]), to: Uint8Array.from([0, 1, 1]), multiplier: toDistribution(0.5) };
  const run = (periods: Array<{ rates: (typeof half)[] }> | undefined) => planFlows(m, { request: { ...request, months: 15 }, people: [person], entrants: [], periods, limits: [] }).occupancyByYear.map(round);
  const census = (y0: number[][], y1: number[][]) => [round(steps([1, 0, 0], y0, 2)), round(steps(steps([1, 0, 0], y0, 3), y1, 11)), [0, 0, 0]];
  t.same(run([{ rates: [] }, { rates: [half] }]), census(BASE, HALVED), 'base rows in year 0, halved in year 1');
  t.same(run([{ rates: [half] }]), census(HALVED, HALVED), 'one period: it holds in year 1 too');
  t.same(run([]), census(BASE, BASE), 'no periods: the base rows');
  t.same(run(undefined), census(BASE, BASE));
});

t.test('the horizon: nobody enters at it, and a group leaves the plan the month before it', async (t) => {
  // Kills `ageMonths < horizonAgeMonths` → `<=`/true (a person aged 300 months counted in the
  // census of the first month, a March), `age + 1 >= horizon` → `>`/false/`age − 1` (stepped past
  // it), `group.active = false` removed, and the census's `if (group.active)` → true (the mass
  // the group had when it left).
  const march = { ...request, clock: { startYear: 2026, startMonth: 3 }, months: 1 };
  t.same(planFlows(model, { request: march, people: [{ ...person, ageMonths: 300 }], entrants: [], periods: undefined, limits: [] }).occupancyByYear, [[0, 0, 0], [0, 0, 0]]);
  t.same(planFlows(model, { request: march, people: [{ ...person, ageMonths: 299 }], entrants: [], periods: undefined, limits: [] }).occupancyByYear, [[1, 0, 0], [0, 0, 0]], 'aged 299: counted');
  // Aged 298 in January: one step (½, ½), then leaves; March's census has nobody.
  t.same(planFlows(model, { request: { ...request, months: 3 }, people: [{ ...person, ageMonths: 298 }], entrants: [], periods: undefined, limits: [] }).occupancyByYear, [[0, 0, 0], [0, 0, 0]]);
  // No months: no census. Kills `m < months` → `<=`.
  t.same(planFlows(model, { request: { ...march, months: 0 }, people: [person], entrants: [], periods: undefined, limits: [] }).occupancyByYear, [[0, 0, 0]]);
});

t.test('arrivals: before the service opens nothing counts; entering later counts on entry; the stay at the month’s age', async (t) => {
  const eligible = (...states: number[]) => Uint8Array.from([0, 1, 2], (x) => (states.includes(x) ? 1 : 0));
  // Care from month 2 (March): all in care then (¾), then ⅞ − ¾. Kills `m < firstMonth` → false.
  const opens = planFlows(model, { request, people: [person], entrants: [], periods: undefined, limits: [], eligibility: [{ eligible: eligible(CARE), minAgeMonths: 0, maxAgeMonths: 1000, firstMonth: 2 }] });
  t.same(opens.eligibleArrivalsByYear, [[0.75, 0.125]]);
  // Entering in care in month 1, aged 143 months then (ages 143 only): one arrival, on entry.
  // Kills `before === null` → false (the entry read as a move: before is null) and the age's `m
  // − offset` → `m + offset` (aged 145).
  const later = planFlows(model, { request, people: [{ ...person, startState: CARE, ageMonths: 143, offset: 1 }], entrants: [], periods: undefined, limits: [], eligibility: [{ eligible: eligible(CARE), minAgeMonths: 143, maxAgeMonths: 144, firstMonth: 0 }] });
  t.same(later.eligibleArrivalsByYear, [[1, 0]]);
  // Two bands (the edge keeps ¾ under 144 months, ½ from 144); edge and care eligible, so a move
  // edge → care is an arrival (care is a different state) and the stay is the edge's own chance.
  // Aged 143: entry 1; m 1: 1 − ¾ (the stay at 143) = ¼; m 2: 1 − (¾ × ½ + ¼ × 1) = ⅜. Kills the
  // stayed mass (`before × stay` → `÷`, the stay's month `m − 1` → `m + 1`, its age
  // `ageMonths + (m − offset)` → `−`).
  const bands = modelFor('flows-edges-bands', twoBands());
  const both = [{ eligible: eligible(EDGE, CARE), minAgeMonths: 0, maxAgeMonths: 1000, firstMonth: 0 }];
  const at143 = planFlows(bands, { request: { ...request, months: 3 }, people: [{ ...person, ageMonths: 143 }], entrants: [], periods: undefined, limits: [], eligibility: both });
  t.same(at143.eligibleArrivalsByYear, [[1.625, 0]]);
  // Entering in month 1 aged 143: entry 1; m 2: 1 − ¾ (aged 143 in month 1) = ¼. Kills the stay's
  // age `m − offset` → `m + offset` (aged 145: ½).
  const entering = planFlows(bands, { request: { ...request, months: 3 }, people: [{ ...person, ageMonths: 143, offset: 1 }], entrants: [], periods: undefined, limits: [], eligibility: both });
  t.same(entering.eligibleArrivalsByYear, [[1.25, 0]]);
});

t.test('caches by period and band do not mix: an old person in year 0, a young one in year 2', async (t) => {
  // Two bands, three periods with no rates. A, aged 150 months (old: the edge keeps ½) from
  // January 2026; B, aged 100 months (young: the edge keeps ¾), entering in month 20 (August
  // 2027, year 2). Census of March 2028 (month 26, year 2): A's edge after 26 old steps, B's after
  // 6 young steps. Kills the cache keys' `period × nBands` → `period ÷ nBands` (rows and blocks:
  // period 2 band 0 would read period 0 band 1, the old rows).
  const bands = modelFor('flows-edges-bands', twoBands());
  const YOUNG = [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]];
  const OLD = [[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1]];
  const flows = planFlows(bands, {
    request: { ...request, months: 27 },
    people: [{ ...person, ageMonths: 150 }, { ...person, ageMonths: 100, offset: 20 }],
    entrants: [],
    periods: [{ rates: [] }, { rates: [] }, { rates: [] }],
    limits: [],
  });
  const a = steps([1, 0, 0], OLD, 26);
  const b = steps([1, 0, 0], YOUNG, 6);
  t.same(round(flows.occupancyByYear[2]), round([a[0] + b[0], a[1] + b[1], 0]));
});

t.test('the minimum age of an eligibility; a year past the periods reads the last one for the stay', async (t) => {
  // Starting in care aged 144 months, eligible from 145: not counted on entry, and staying is no
  // arrival. Kills `age < minAgeMonths` → false.
  const care = Uint8Array.from([0, 1, 0]);
  const young = planFlows(model, { request, people: [{ ...person, startState: CARE }], entrants: [], periods: undefined, limits: [], eligibility: [{ eligible: care, minAgeMonths: 145, maxAgeMonths: 1000, firstMonth: 0 }] });
  t.same(young.eligibleArrivalsByYear, [[0, 0]]);
  // The leaky chain with one period halving the edge's exits, the edge eligible: staying on the
  // edge is no arrival in year 1 either (its stay read from the period, ¾). With rowFor's period
  // `n − 1` → `n + 1`, year 1 reads no period: a stay of ½ and ¼ of the mass "arrives" each month.
  const m = modelFor('flows-edges-leaky', leaky());
  const half = { name: 'p', from: Uint8Array.from([1, 0, 0]), to: Uint8Array.from([0, 1, 1]), multiplier: toDistribution(0.5) };
  const edge = planFlows(m, { request: { ...request, months: 6 }, people: [person], entrants: [], periods: [{ rates: [half] }], limits: [], eligibility: [{ eligible: Uint8Array.from([1, 0, 0]), minAgeMonths: 0, maxAgeMonths: 1000, firstMonth: 0 }] });
  t.same(edge.eligibleArrivalsByYear, [[1, 0]], 'the edge on entry only');
});

t.test('a fourth period reads its own rows, not another state’s', async (t) => {
  // One band, four periods with no rates, 39 months from January 2026: year 3 (April 2028 to
  // March 2029) reads period 3. The edge halves every month: 2^−38 on the edge in March 2029.
  // Kills the row cache's key `(period × nBands + band) × nS` → `÷ nS` (period 3's edge would
  // read period 0's care row, key 1: all of the edge to care).
  const flows = planFlows(model, { request: { ...request, months: 39 }, people: [person], entrants: [], periods: [{ rates: [] }, { rates: [] }, { rates: [] }, { rates: [] }], limits: [] });
  t.equal(flows.occupancyByYear[3][0], 2 ** -38);
});
