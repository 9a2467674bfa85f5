import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
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
