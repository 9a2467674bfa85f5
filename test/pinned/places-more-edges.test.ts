import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { type CohortPerson, cohortLayout, simulateCohortRuns } from '../../src/simulation/cohort.ts';
import { type PersonPlan, type PlanSlot, Simulator } from '../../src/simulation/engine.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { type SharedPlaces, placeStatsWidth, simulatePlacesRuns, simulateRunWithPlaces } from '../../src/simulation/places.ts';
import { placesRunner, placesSpec } from './helpers.ts';

/**
 * src/simulation/places.ts (issue 13, mutation testing), a second file beside
 * places-edges.test.ts: the survivors of the whole-file run of 2 December that a real fault
 * could look like. The model is places-edges' (worked by hand, parameter uncertainty off) unless
 * a test says otherwise; each test names the mutants it kills (line:column and the change).
 * Fixtures are built inside the tests (a throw outside a test is a Stryker runtime error).
 *
 * The model (placesSpec, helpers.ts): edge (free) → home at the first month's end; home and agency
 * absorbing; resi → home. Home £1,000 a month, agency £3,000 (300,000 pence), resi £5,000; horizon
 * 25 years (300 months). An intervention `keep` (£2,000 one-off, health) stops edge → home. People
 * are keyed 0, 1, 2… in list order.
 */

const EDGE = 0;
const HOME = 1;
const AGENCY = 2;
const RESI = 3;

const person = (key: number, ageMonths: number, startState: number, extra: Partial<CohortPerson> = {}): CohortPerson => ({ ageMonths, startState, key, currentPlacementWeeklyPrice: null, plans: [], ...extra });
const mask = (...states: number[]) => Uint8Array.from({ length: 4 }, (_, s) => (states.includes(s) ? 1 : 0));

t.test('with nothing shared, a places run is the cohort run: vectors, parameters, person-months, own plans, periods and offers', async (t) => {
  // Kills simulatePlacesRuns' plumbing, which hand-worked cases (parameter uncertainty off, one
  // plan list) cannot see: the Simulator options (420: `{}` loses parameter uncertainty); the
  // periods' mapping (422: rates kept, redirects dropped, offers dropped); the run and parameter
  // offsets (465 `runStart - r`, 466's index arithmetic); plans absent for a variant (445, 446
  // `?? []`); earlier placements (448 `?? 0` → `&& 0`: the DfE stability count of 31 March);
  // and `own` (460: a person whose only own plan is an intervention, under the second variant:
  // `+` → `-`, the loop's guards). The reference is simulateCohortRuns (cohort.ts, not mutated
  // here), given the strategy's slot as the places engine must use it: no redirects, no offers.
  // With no limits and no services nobody pauses, and people are simulated in the same order
  // (on record by index, then the one entrant), so the vectors agree bit for bit.
  const spec = placesSpec('places-more-edges');
  spec.transitions = { all: { edge: { edge: 0.6, home: 0.25, resi: 0.15 }, home: { home: 0.9, agency: 0.1 }, agency: { agency: 0.85, home: 0.15 }, resi: { resi: 0.8, home: 0.2 } } };
  spec.rateUncertainty = { concentration: 30 };
  spec.unitCosts[0].amount = { type: 'uniform', min: 800, max: 1200 };
  const model = compileModel(spec);
  const request = { clock: { startYear: 2026, startMonth: 1 }, months: 8, parameterUncertainty: true };
  const rates = [{ name: 'entries', from: mask(EDGE), to: mask(HOME, RESI), multiplier: { type: 'uniform' as const, min: 0.5, max: 1.5 } }];
  const baseline: PlanSlot = { interventions: [0], statePrices: [] };
  const strategyFor = (redirects: boolean, offers: boolean): PlanSlot => ({
    interventions: [0],
    statePrices: [{ state: HOME, weeklyPrice: 300 }],
    periods: [{ rates, redirects: redirects ? [{ state: HOME, overflow: AGENCY, fraction: 1 }] : [] }],
    ...(offers ? { offers: [{ bit: 0, probabilityByYear: Float64Array.from([1]), firstMonth: 0, eligible: mask(EDGE), minAgeMonths: 0, maxAgeMonths: 1000 }] } : {}),
  });
  const none: SharedPlaces = { priority: 'longest_waiting', limits: [], offers: [] };
  // Run 2: person 2's only own plan is keep at month 2 under the strategy; run 3: its only own
  // plan is a move to resi at month 2 under the strategy; run 4: nobody has an own plan (person
  // 1's list has the baseline's empty plan only).
  const peopleFor = (run: number) => {
    const own = run === 2 ? { moves: [], interventions: [{ slotIndex: 0, startMonth: 2 }] } : { moves: [{ month: 2, to: RESI, fromStates: mask(EDGE, HOME) }], interventions: [] };
    return [
      // On record in home at its own £250 a week, with two placements earlier this financial year.
      person(0, 150, HOME, { currentPlacementWeeklyPrice: 250, placementsEarlierThisYear: 2 }),
      person(1, 100, EDGE, { plans: [{ moves: [], interventions: [] }] }),
      person(2, 120, EDGE, { plans: run === 4 ? [] : [{ moves: [], interventions: [] }, own] }),
      person(3, 60, EDGE),
      person(4, 130, RESI),
      // An entrant at month 3.
      person(5, 90, EDGE, { offset: 3 }),
    ];
  };
  const chunk = simulatePlacesRuns(
    [
      { model, slot: baseline, places: none },
      { model, slot: strategyFor(true, true), places: none },
    ],
    request,
    peopleFor,
    11,
    2,
    5,
    5,
  );
  const cohort = (slot: PlanSlot, list: (run: number) => CohortPerson[] = peopleFor, parameterUncertainty = true) => simulateCohortRuns([{ model, slot: baseline }, { model, slot }], { ...request, parameterUncertainty }, list, 11, 2, 5);
  const reference = cohort(strategyFor(false, false));
  t.equal(chunk.placesWidth, 0);
  t.equal(chunk.personMonths, reference.personMonths);
  t.equal(chunk.personMonths, (8 + 8 + 8 + 8 + 8 + 5) * 2 * 3, 'everyone to the end: 8 months, the entrant 5; 2 variants, 3 runs');
  t.same(Array.from(chunk.parameters), Array.from(reference.parameters), 'each run and variant draws its own parameters');
  const layout = cohortLayout(model, request);
  const block = (vectors: Float64Array, r: number, v: number) => Array.from(vectors.subarray((r * 2 + v) * layout.size, (r * 2 + v + 1) * layout.size));
  t.equal(chunk.vectors.length, reference.vectors.length);
  for (let r = 0; r < 3; r++) for (let v = 0; v < 2; v++) t.same(block(chunk.vectors, r, v), block(reference.vectors, r, v), `run ${2 + r}, variant ${v}`);
  // The test can fail: each thing the places engine must keep or drop changes the cohort's figures.
  const differs = (other: ReturnType<typeof cohort>, runs = [0, 1, 2]) => runs.some((r) => [0, 1].some((v) => block(other.vectors, r, v).some((x, j) => x !== block(reference.vectors, r, v)[j])));
  t.ok(differs(cohort(strategyFor(true, false))), 'the redirects would change them');
  t.ok(differs(cohort(strategyFor(false, true))), 'so would the offers');
  t.ok(differs(cohort({ ...strategyFor(false, false), periods: undefined })), 'and dropping the rates');
  t.ok(differs(cohort(strategyFor(false, false), peopleFor, false)), 'and parameters at their means');
  t.ok(differs(cohort(strategyFor(false, false), (run) => peopleFor(run).map((p) => ({ ...p, placementsEarlierThisYear: 0 })))), 'and forgetting earlier placements');
  const withoutOwn = cohort(strategyFor(false, false), (run) => peopleFor(run).map((p) => ({ ...p, plans: p.key === 2 ? [] : p.plans })));
  t.ok(differs(withoutOwn, [0]), "and person 2's own keep in run 2");
  t.ok(differs(withoutOwn, [1]), "and person 2's own move in run 3");
  const p = reference.parameters.length / 6;
  t.not(reference.parameters[0], reference.parameters[2 * p], 'run 2 and run 3 draw different home fees');
});

/** One run of one variant: placesRunner (helpers.ts) over this file's model. */
const run = placesRunner('places-more-edges');
const homeLimit = (placesByYear: number[], waiting = true) => ({ state: HOME, overflow: AGENCY, placesByYear, waiting });

t.test('someone outside every limit leaving the projection early frees no place', async (t) => {
  // Kills resume's `k >= 0 && end < months` → `true && …` (282): with k = −1 a person in no
  // limited state who leaves early would add a release at releases[end × nL − 1], the last limit
  // a month early. Six months, one home place: P0 (on record, 12) holds it throughout. P1 (on
  // record in agency, aged 297) is in the projection for months 0-2 and never pauses (agency is
  // watched only by those sent there). P2 moves edge → home at month 1, is refused and waits in
  // agency to the end: months waited 1-5 (its leaving is settled in month 5's round, so month 5
  // shows nobody waiting). Under the mutant P1's leaving frees P0's place at month 2 and P2 is
  // placed then. Cost: P0 6 × £1,000, P1 3 × £3,000, P2 5 × £3,000 = £30,000.
  const { stats, cost } = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, [person(0, 144, HOME), person(1, 297, AGENCY), person(2, 150, EDGE)], 3, 6);
  t.same(stats, [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 5, 0, 5, 1_500_000]);
  t.equal(cost, 3_000_000);
});

t.test('sent to the overflow state at month 0: its months end when it moves on or is placed', async (t) => {
  // Kills step 1's `redirectedAt[i] >= 0` → `> 0` (300) and step 2's `if (redirectedAt[i] >= 0)
  // leaveOverflow(…)` → `> 0` (330): someone sent to agency at month 0 (redirectedAt 0) still
  // has its overflow months closed when it leaves agency or is given a place.
  // (a) No waiting. One home place, held by P0 (on record, 12). P1, a new entrant at month 0
  // aged 297 (months 0-2), starts in home and is refused: agency. Its own plan moves it agency →
  // resi at month 2: 2 overflow months (600,000 pence), not 3 (counted to its end under the
  // mutant). Cost: P0 6 × £1,000, P1 2 × £3,000 + £5,000 = £17,000.
  const move = { moves: [{ month: 2, to: RESI, fromStates: mask(AGENCY) }], interventions: [] };
  const a = run({ priority: 'longest_waiting', limits: [homeLimit([1], false)], offers: [] }, [person(0, 144, HOME), person(1, 297, HOME, { offset: 0, plans: [move] })], 1, 6);
  t.same(a.stats, [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 600_000]);
  t.equal(a.cost, 1_700_000);
  // (b) Waiting. P0 (on record, aged 298) holds the place for months 0-1. P1 (entrant at 0, 12)
  // is refused at 0, waits in agency, and is placed at month 2 when P0 has left: 2 months
  // waited, 2 overflow months (not 4, to its end, under the mutant). Four months. Cost: P0 2 ×
  // £1,000, P1 2 × £3,000 + 2 × £1,000 = £10,000.
  const b = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, [person(0, 298, HOME), person(1, 144, HOME, { offset: 0 })], 1);
  t.same(b.stats, [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 2, 1, 2, 600_000]);
  t.equal(b.cost, 1_000_000);
});

t.test('a waiting child whose own plan moves it towards the limited state, still refused, keeps its one wait', async (t) => {
  // Kills step 1's `cnext[i] !== places.limits[waitingFor[i]].state` → `true` (301): moving
  // towards the state it waits for does not end its wait. Five months, one home place held by P0
  // (on record, 12). P1 moves edge → home at month 1, is refused and waits in agency. Its own
  // plan moves it agency → home at month 3: still no place, so it stays in agency, waiting
  // (step 1 closes its overflow months, 1-2, and step 2 opens them again from 3). It leaves at
  // the end (month 5, settled in month 4's round): refused once, one person waiting, 4 months
  // waited, 4 overflow months (1,200,000 pence). Under the mutant its wait ends at month 3 and
  // it is refused and starts waiting again (refused 2, waited 2). Cost: P0 5 × £1,000, P1 4 ×
  // £3,000 = £17,000.
  const back = { moves: [{ month: 3, to: HOME, fromStates: mask(AGENCY) }], interventions: [] };
  const { stats, cost } = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, [person(0, 144, HOME), person(1, 150, EDGE, { plans: [back] })], 2, 5);
  t.same(stats, [1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 4, 0, 4, 1_200_000]);
  t.equal(cost, 1_700_000);
});

/** No fees and `keep` open in home too: the only costs are the services' one-off prices, booked at the served person's age. */
const servicesOnly = (spec: CostModelSpec) => {
  spec.unitCosts = [];
  (spec.interventions ?? [])[0].eligibility.states = ['edge', 'home'];
};
/** [age year, services given] for each age year with any (one-off £2,000 each). */
const served = (byAge: number[]) => byAge.flatMap((pence, age) => (pence > 0 ? [[age, pence / 200_000]] : []));
const keepSlot = (): PlanSlot => ({ interventions: [0], statePrices: [] });
const homeOffer = { bit: 0, placesByYear: [1], firstMonth: 0, eligible: mask(HOME), minAgeMonths: 0, maxAgeMonths: 1000 };

t.test('a service given in one run does not stop a person of the next run waiting for it', async (t) => {
  // Kills settle's `started[i] === 1` → `true` and `!== 1` (266:12): before a person starts,
  // their delivered flags are last run's (PersonCursors.begin leaves them), and must not be read.
  // From May 2026, 12 months: 2026-27 is months 0-10, 2027-28 month 11; one place a year;
  // priority youngest. Run 0: P0 (12, in home) is given keep at month 0. Run 1: P0 again and
  // P1 (10): P1 is given it at month 0, and P0 waits for 2027-28 and is given it at month 11
  // (under the mutants P0, unstarted when settled at month 0, reads run 0's flag and never
  // pauses again).
  const spec = placesSpec('places-more-edges');
  servicesOnly(spec);
  const model = compileModel(spec);
  const request = { clock: { startYear: 2026, startMonth: 5 }, months: 12, parameterUncertainty: false };
  const peopleFor = (r: number) => (r === 0 ? [person(0, 144, HOME)] : [person(0, 144, HOME), person(1, 120, HOME)]);
  const chunk = simulatePlacesRuns([{ model, slot: keepSlot(), places: { priority: 'youngest', limits: [], offers: [homeOffer] } }], request, peopleFor, 1, 0, 2, 2);
  t.same(Array.from(chunk.places), [1, 0, 1, 1], 'run 0: 2026-27 only; run 1: both years');
});

t.test('a service first offered after month 0, with no places until April: the wait counts from its first month', async (t) => {
  // Kills settle's `t < offer.firstMonth` → `false` and `>=` (268): someone eligible before the
  // first month is settled at the month before it (a round at the first month starts their
  // wait), not at the next April. From January 2026, 6 months: 2025-26 is months 0-2, 2026-27
  // months 3-5. keep offered in home from month 1, no place in 2025-26, one in 2026-27. P0 (12,
  // on record in home) starts waiting at month 1; P1 (10) enters home at month 2. At month 3 P0
  // (waited 2) is given it before P1 (waited 1), aged 12 years 3 months. Under the mutants P0 is
  // first seen at month 3 (waited 0) and P1 is given it.
  const offer = { ...homeOffer, firstMonth: 1, placesByYear: [0, 1] };
  const a = run({ priority: 'longest_waiting', limits: [], offers: [offer] }, [person(0, 144, HOME), person(1, 120, HOME, { offset: 2 })], 1, 6, 1, keepSlot(), servicesOnly);
  t.same(a.stats, [0, 1]);
  t.same(served(a.byAge), [[12, 1]]);
});

t.test('someone too young when no places are left: the wait counts from the month it is old enough', async (t) => {
  // Kills settle's `age < offer.minAgeMonths` → `false` and `>=` (269): someone too young is
  // settled at the month before they are old enough, not at the next April. From January 2026,
  // 6 months (2025-26 months 0-2, 2026-27 months 3-5); keep offered in home from 12 years 2
  // months (146), no place in 2025-26, one in 2026-27. P0 (144, in home) is old enough at month
  // 2 and waits from then. P1 (13 years 4 months), listed first, enters home at month 3. At
  // month 3 P0 (waited 1) is given it before P1 (waited 0), aged 12. Under the mutants P0 is
  // first seen at month 3, ties with P1 on the wait, and P1, first in the list, is given it.
  const offer = { ...homeOffer, minAgeMonths: 146, placesByYear: [0, 1] };
  const a = run({ priority: 'longest_waiting', limits: [], offers: [offer] }, [person(0, 160, HOME, { offset: 3 }), person(1, 144, HOME)], 0, 6, 1, keepSlot(), servicesOnly);
  t.same(a.stats, [0, 1]);
  t.same(served(a.byAge), [[12, 1]]);
});

t.test('two services: a person waiting for both pauses for the earlier', async (t) => {
  // Kills settle's `if (when < p)` → `if (true)` (272): the pause is the earliest of the
  // services' (the last one listed would set it under the mutant). From May 2026, 12 months
  // (2026-27 months 0-10, 2027-28 month 11), no fees. keep (bit 0) is offered in home from
  // month 5, up to 12 years 6 months (150), one place in 2026-27 and none after; keep2 (bit 1, a
  // copy) from month 0 at any age, one place a year. P0 (13) and P1 (10) are in home. Month 0:
  // keep2 goes to P0 (a tie on waits: list order); P0 is too old for keep. P1 waits for keep's
  // first month (pause at 4) and for keep2's next April (pause at 10): it pauses at 4, is given
  // keep at month 5 and keep2 at month 11. Under the mutant it pauses at 10 only, and 2027-28
  // has no keep place. Served: P1 two (aged 10), P0 one (aged 13).
  const two = (spec: CostModelSpec) => {
    servicesOnly(spec);
    const keep = (spec.interventions ?? [])[0];
    spec.interventions?.push({ ...keep, id: 'keep2', label: 'Keep 2' });
  };
  const offers = [
    { ...homeOffer, bit: 0, firstMonth: 5, placesByYear: [1, 0], maxAgeMonths: 150 },
    { ...homeOffer, bit: 1 },
  ];
  const a = run({ priority: 'longest_waiting', limits: [], offers }, [person(0, 156, HOME), person(1, 120, HOME)], 2, 12, 5, { interventions: [0, 1], statePrices: [] }, two);
  t.same(a.stats, [1, 0, 1, 1], 'keep 2026-27, 2027-28; keep2 2026-27, 2027-28');
  t.same(served(a.byAge), [[10, 2], [13, 1]]);
});

/** keep (bit 0, £2,000) and a copy keep2 (bit 1, £3,000), both one-off and open in home, no fees: who was given which shows in the cost by age year. */
const twoServices = (spec: CostModelSpec) => {
  servicesOnly(spec);
  const keep = (spec.interventions ?? [])[0];
  spec.interventions?.push({ ...keep, id: 'keep2', label: 'Keep 2', cost: { ...keep.cost, oneOff: 3000 } });
};
/** [age year, pence] for each age year with any cost. */
const paid = (byAge: number[]) => byAge.flatMap((pence, age) => (pence > 0 ? [[age, pence]] : []));

t.test('two services, each person’s own wait for each: the one served does not restart another’s wait', async (t) => {
  // Kills the wait slots' index mutants with two services (nO = 2), where `i / nO + o` and
  // `i * nO − o` name another person's slot: the wait's start written (367:54 `i / nO`), read
  // (373:54 `i / nO`), and cleared for the person just given a place (382:22 `i / nO`, `− o`:
  // someone else's wait was cleared instead, and restarted later).
  // From January 2026, 16 months: 2025-26 is months 0-2, 2026-27 months 3-14, 2027-28 month 15.
  // Both services: no place in 2025-26, one in each later year. P0 (in agency) is never eligible.
  // P2 (13, on record in home) waits for both from month 0, P1 (10) from month 2 (entering home),
  // P3 (5) from month 4. Month 3: P2 (waited 3) is given both, aged 13 (£5,000). Month 15: P1
  // (waited 13, against P3's 11) is given both, aged 11 (£5,000).
  const offers = [
    { ...homeOffer, bit: 0, placesByYear: [0, 1] },
    { ...homeOffer, bit: 1, placesByYear: [0, 1] },
  ];
  const people = [person(0, 144, AGENCY), person(1, 120, HOME, { offset: 2 }), person(2, 156, HOME), person(3, 60, HOME, { offset: 4 })];
  const a = run({ priority: 'longest_waiting', limits: [], offers }, people, 2, 16, 1, { interventions: [0, 1], statePrices: [] }, twoServices);
  t.same(a.stats, [0, 1, 1, 0, 1, 1], 'each service: none, one, one');
  t.same(paid(a.byAge), [[11, 500_000], [13, 500_000]]);
});

t.test('two services: leaving eligibility restarts that person’s waits, and only theirs', async (t) => {
  // Kills the clearing of a wait on leaving eligibility with two services (364:24 `i / nO` and
  // `i * nO − o`: the leaver's own slot was kept, another's cleared). As above (from January
  // 2026, 16 months, both services none in 2025-26 and one a year after). P1 (10, on record in
  // home) waits from month 0, its own plan takes it to agency at month 1 and back at month 2:
  // its waits restart at 2. P2 (5) enters home at month 1. Month 3: P2 (waited 2) is given both
  // (£5,000 at age 5); month 15: P1 both (£5,000 at age 11).
  const offers = [
    { ...homeOffer, bit: 0, placesByYear: [0, 1] },
    { ...homeOffer, bit: 1, placesByYear: [0, 1] },
  ];
  const away = { moves: [{ month: 1, to: AGENCY, fromStates: mask(HOME) }, { month: 2, to: HOME, fromStates: mask(AGENCY) }], interventions: [] };
  const people = [person(0, 144, AGENCY), person(1, 120, HOME, { plans: [away] }), person(2, 60, HOME, { offset: 1 })];
  const a = run({ priority: 'longest_waiting', limits: [], offers }, people, 2, 16, 1, { interventions: [0, 1], statePrices: [] }, twoServices);
  t.same(a.stats, [0, 1, 1, 0, 1, 1]);
  t.same(paid(a.byAge), [[5, 500_000], [11, 500_000]]);
});

t.test('highest_cost: someone back in today’s placement after leaving it is ranked at the model’s price', async (t) => {
  // Kills ownPence's `started[i] === 1 ? cursors.atActualPrice(i) : …` → `false ? …` (219:22):
  // once a person has left today's placement their own weekly price is gone for good (the
  // kernel charges the model's price on their return), and the ranking must agree. Five months
  // from April 2026, one home place (nobody in it), no waiting, priority highest_cost. P0 (10,
  // on record in resi at its own £100 a week) is moved to agency at month 1 and back to resi at
  // month 2 by its own plan, and moves resi → home at month 3. P1 (13, on record in agency) is
  // moved to home at month 3 by its own plan. At month 3 P0 costs the model's £5,000 a month
  // in resi, more than P1's £3,000 in agency: P0 is placed, P1 stays in agency (2 overflow
  // months). Under the mutant P0 is ranked at £100 a week and P1 is placed. P1's cost (age
  // 13): 5 months in agency, £15,000 (under the mutant 3 in agency and 2 in home, £11,000).
  const p0 = { moves: [{ month: 1, to: AGENCY, fromStates: mask(HOME) }, { month: 2, to: RESI, fromStates: mask(AGENCY) }], interventions: [] };
  const p1 = { moves: [{ month: 3, to: HOME, fromStates: mask(AGENCY) }], interventions: [] };
  const people = [person(0, 120, RESI, { currentPlacementWeeklyPrice: 100, plans: [p0] }), person(1, 156, AGENCY, { plans: [p1] })];
  const a = run({ priority: 'highest_cost', limits: [homeLimit([1], false)], offers: [] }, people, 2, 5);
  t.same(a.stats, [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 600_000]);
  t.equal(a.byAge[13], 1_500_000);
});

t.test('highest_cost with an actual price that changes by financial year: the year of the month ranked', async (t) => {
  // Kills ownPence's financial year (220:90: `started[i] === 1 ? cursors.financialYear(i) :
  // fyOf(t)` → `true ?`, `false ?`, `!==`): a price by year (PersonPlan.currentPlacementPriceByYear,
  // which simulatePlacesRuns does not pass on, so simulateRunWithPlaces is called directly) is
  // read for the year of the month the person is in now: for an entrant, its first month's; for
  // someone paused, the month before the transition. From January 2026, 6 months: 2025-26 is
  // months 0-2, 2026-27 months 3-5. Resi is made absorbing. One home place (nobody in it), no
  // waiting, priority highest_cost; who is refused shows in the overflow months (the refused
  // stay in agency to their end).
  const spec = placesSpec('places-more-edges');
  spec.transitions = { all: { edge: { home: 1 }, home: { home: 1 }, agency: { agency: 1 }, resi: { resi: 1 } } };
  const model = compileModel(spec);
  const clock = { startYear: 2026, startMonth: 1 };
  const layout = cohortLayout(model, { clock, months: 6, parameterUncertainty: false });
  const simulator = new Simulator(model, layout, clock, { parameterUncertainty: false });
  const slot = simulator.addSlot({ interventions: [], statePrices: [] });
  const places: SharedPlaces = { priority: 'highest_cost', limits: [homeLimit([1], false)], offers: [] };
  const plan = (key: number, ageMonths: number, startState: number, extra: Partial<PersonPlan>): PersonPlan => ({ ageMonths, startState, key, offset: 0, months: 6, moves: [], interventions: [], currentPlacementWeeklyPrice: null, ...extra });
  const settle = (people: PersonPlan[]) => {
    simulator.beginRun(1, 0);
    const out = new Float64Array(layout.size);
    const stats = new Float64Array(placeStatsWidth(places, 6, layout.nFinancialYears));
    simulateRunWithPlaces(simulator, slot, places, people, 6, out, 0, stats, 0, 0);
    return Array.from(stats);
  };
  // (a) Two entrants starting in home at month 3. P0 (aged 298, so months 3-4) at its own £100
  // a week in 2025-26 and £2,000 in 2026-27; P1 (12, months 3-5) at £500 a week. In 2026-27 P0
  // is the dearer and is placed (and frees its place when it leaves, at month 5); P1 is
  // refused: 3 overflow months (900,000 pence). Read at 2025-26's price (a fresh cursor's year,
  // 0), P0 would be refused: 2 months.
  const a = settle([
    plan(0, 298, HOME, { offset: 3, currentPlacementWeeklyPrice: 100, currentPlacementPriceByYear: Float64Array.from([100, 2000]) }),
    plan(1, 144, HOME, { offset: 3, currentPlacementWeeklyPrice: 500 }),
  ]);
  t.same(a, [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, 900_000]);
  // (b) P0 (12, on record in resi at £2,000 a week in 2025-26 and £100 in 2026-27) is moved to
  // home at month 3 by its own plan: ranked in March (month 2, 2025-26) it is the dearer and is
  // placed; P1 (aged 298) entering home at month 3 at £500 a week is refused: 2 overflow
  // months. Read at April's price P0 would be refused: 3 months.
  const b = settle([
    plan(0, 144, RESI, { currentPlacementWeeklyPrice: 2000, currentPlacementPriceByYear: Float64Array.from([2000, 100]), moves: [{ month: 3, to: HOME, fromStates: mask(RESI) }] }),
    plan(1, 298, HOME, { offset: 3, currentPlacementWeeklyPrice: 500 }),
  ]);
  t.same(b, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 600_000]);
});

t.test('own plans under every variant, different in each: each variant runs its own', async (t) => {
  // Kills `own`'s test `> 0` → `<= 0` (460:63): with everyone holding a plan under every
  // variant, the mutant finds no one "without" and runs the baseline's plans under the
  // strategy too. One person (12, in home, four months from April 2026, no limits): its own
  // plan moves it to agency at month 2 under the baseline and to resi at month 1 under the
  // strategy. Baseline: 2 × £1,000 + 2 × £3,000 = £8,000; strategy: £1,000 + £5,000 (resi →
  // home at the month's end) + 2 × £1,000 = £8,000 too, so the cost is read by state: the
  // strategy has no month in agency and one in resi.
  const model = compileModel(placesSpec('places-more-edges'));
  const request = { clock: { startYear: 2026, startMonth: 4 }, months: 4, parameterUncertainty: false };
  const plans = [
    { moves: [{ month: 2, to: AGENCY, fromStates: mask(HOME) }], interventions: [] },
    { moves: [{ month: 1, to: RESI, fromStates: mask(HOME) }], interventions: [] },
  ];
  const none: SharedPlaces = { priority: 'longest_waiting', limits: [], offers: [] };
  const slot: PlanSlot = { interventions: [], statePrices: [] };
  const chunk = simulatePlacesRuns([{ model, slot, places: none }, { model, slot, places: none }], request, () => [person(0, 144, HOME, { plans })], 1, 0, 1, 1);
  const layout = cohortLayout(model, request);
  const byState = (v: number) => Array.from(chunk.vectors.subarray(v * layout.size + layout.costState, v * layout.size + layout.costState + 4));
  t.same(byState(0), [0, 200_000, 600_000, 0], 'baseline: home months 0-1, agency 2-3');
  t.same(byState(1), [0, 300_000, 0, 500_000], 'strategy: home months 0, 2, 3; resi month 1');
});
