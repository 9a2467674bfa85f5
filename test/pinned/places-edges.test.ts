import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { type CohortPerson, cohortLayout } from '../../src/simulation/cohort.ts';
import type { PlanSlot } from '../../src/simulation/engine.ts';
import { runTotal } from '../../src/simulation/layout.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { LIMIT_FIELDS, LimitStat, PlacesScratch, type SharedPlaces, placeStatsWidth, simulatePlacesRuns } from '../../src/simulation/places.ts';
import { placesRunner, placesSpec } from './helpers.ts';

/**
 * src/simulation/places.ts (issue 13, mutation testing): places held in every run, on a small
 * deterministic model worked by hand (parameter uncertainty off). Each test names what it pins;
 * the survivors no input can tell apart are in test/pinned/MUTATION-SURVIVORS.md. Fixtures are
 * built inside the tests (a throw outside a test is a Stryker runtime error, not a kill).
 *
 * The model (placesSpec, helpers.ts): edge (free) → home at the first month's end; home and agency
 * absorbing; resi → home. Home £1,000 a month, agency £3,000 (300,000 pence), resi £5,000; horizon
 * 25 years (300 months): a person aged 299 months is in the projection for month 0 only. An
 * intervention `keep` (£2,000 one-off, health) stops edge → home. A limit of home places sends the
 * refused to agency. People are keyed 0, 1, 2… in list order.
 */

const EDGE = 0;
const HOME = 1;
const AGENCY = 2;
const RESI = 3;

const person = (key: number, ageMonths: number, startState: number, extra: Partial<CohortPerson> = {}): CohortPerson => ({ ageMonths, startState, key, currentPlacementWeeklyPrice: null, plans: [], ...extra });
const homeLimit = (placesByYear: number[], waiting = true) => ({ state: HOME, overflow: AGENCY, placesByYear, waiting });
const keepSlot = (): PlanSlot => ({ interventions: [0], statePrices: [] });

/** One run of one variant: placesRunner (helpers.ts) over this file's model. */
const run = placesRunner('places-edges');

t.test('placeStatsWidth and the LimitStat fields', async (t) => {
  const places: SharedPlaces = { priority: 'longest_waiting', limits: [homeLimit([1]), homeLimit([2])], offers: [{ bit: 0, placesByYear: [1], firstMonth: 0, eligible: new Uint8Array(4), minAgeMonths: 0, maxAgeMonths: 1 }] };
  t.equal(placeStatsWidth(places, 4, 3), 2 * (2 * 4 + 6) + 1 * 3, 'per limit 2 × months + 6, per service a year each');
  t.equal(LIMIT_FIELDS, 6);
  t.same([LimitStat.refused, LimitStat.waited, LimitStat.monthsWaited, LimitStat.placedFromWaiting, LimitStat.overflowMonths, LimitStat.overflowPence], [0, 1, 2, 3, 4, 5]);
});

t.test('PlacesScratch.take: views of one zeroed buffer, rounds and entries emptied', async (t) => {
  const scratch = new PlacesScratch();
  const [a, b] = scratch.take([2, 3], 2);
  t.same([a.length, b.length], [2, 3]);
  a.fill(7);
  b.fill(9);
  t.equal(a[1], 7, 'the views do not overlap');
  t.equal(b[0], 9);
  t.same([scratch.rounds.length, scratch.entries.length], [3, 3], 'months + 1 of each');
  scratch.rounds[1].push(4);
  scratch.entries[2].push(5);
  const [c, d] = scratch.take([3, 2], 1);
  t.same([Array.from(c), Array.from(d)], [[0, 0, 0], [0, 0]], 'the reused buffer is zeroed');
  t.same([scratch.rounds[1], scratch.entries[1]], [[], []], 'emptied');
  t.same(scratch.entries[2], [5], 'beyond months + 1: left alone');
  // A larger request grows the buffer: still zeroed views of the right lengths.
  const [e] = scratch.take([40], 0);
  t.equal(e.length, 40);
  t.ok(e.every((x) => x === 0));
});

t.test('a full limit with waiting: one placed, one waits in agency to the end', async (t) => {
  // P0 (on record, home, aged 299) leaves after month 0: a place is free at month 1. P1 and P2
  // move edge → home at month 1; list order puts P1 in it, P2 goes to agency and waits there
  // months 1-3 (3 months waited, 3 overflow months at 300,000 pence). P2 leaves the projection
  // at the end (month 4), settled in month 3's round, so month 3 shows nobody waiting.
  // Cost: P0 £1,000 + P1 3 × £1,000 + P2 3 × £3,000 = £13,000.
  const { stats, cost } = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, [person(0, 299, HOME), person(1, 144, EDGE), person(2, 150, EDGE)], 3);
  t.same(stats, [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 3, 0, 3, 900_000]);
  t.equal(cost, 1_300_000);
});

t.test('a place freed later goes to the one waiting longest, then list order', async (t) => {
  // P0 aged 298 holds the place for months 0 and 1. P1 and P2 are both refused at month 1 and
  // wait; at month 2 P1 (tie on months waited, first in the list) is placed from waiting after
  // 1 month; P2 waits to the end (3 months). Overflow months 1 + 3 = 4 (1,200,000 pence).
  // Cost: P0 2 × £1,000, P1 £3,000 + 2 × £1,000, P2 3 × £3,000 = £16,000.
  const { stats, cost } = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, [person(0, 298, HOME), person(1, 144, EDGE), person(2, 150, EDGE)], 3);
  t.same(stats, [1, 1, 1, 1, 0, 2, 1, 0, 2, 2, 4, 1, 4, 1_200_000]);
  t.equal(cost, 1_600_000);
});

t.test('without waiting: the refused stay in agency and are not counted as waiting', async (t) => {
  // As before, but nobody waits: both stay in agency for months 1-3 (6 overflow months) though
  // the place is free from month 2. Cost: £2,000 + 2 × 3 × £3,000 = £20,000.
  const { stats, cost } = run({ priority: 'longest_waiting', limits: [homeLimit([1], false)], offers: [] }, [person(0, 298, HOME), person(1, 144, EDGE), person(2, 150, EDGE)], 3);
  t.same(stats, [1, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 6, 1_800_000]);
  t.equal(cost, 2_000_000);
});

t.test('priority youngest: the younger takes the place', async (t) => {
  // P1 aged 297 (leaves after month 2) and P2 aged 144 both move to home at month 1.
  // longest_waiting: P1 (list order) is placed; P1 leaves at month 3 and P2, waiting since 1,
  // is placed then (2 months waited). youngest: P2 is placed; P1 waits in agency to the end of
  // its projection (months 1-2), and month 2's round already sees it leave.
  const people = [person(0, 299, HOME), person(1, 297, EDGE), person(2, 144, EDGE)];
  const byList = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, people, 3);
  t.same(byList.stats, [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 2, 1, 2, 600_000]);
  t.equal(byList.cost, 1_000_000, 'P0 £1,000, P1 2 × £1,000, P2 2 × £3,000 + £1,000');
  const youngest = run({ priority: 'youngest', limits: [homeLimit([1])], offers: [] }, people, 3);
  t.same(youngest.stats, [1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 2, 0, 2, 600_000]);
  t.equal(youngest.cost, 1_000_000, 'P0 £1,000, P2 3 × £1,000, P1 2 × £3,000');
});

t.test('priority highest_cost: the model price where they are now, or their own actual price', async (t) => {
  // P1 on the edge (free), P2 in resi (£5,000): highest_cost places P2 although P1 is first.
  const dear = run({ priority: 'highest_cost', limits: [homeLimit([1])], offers: [] }, [person(0, 299, HOME), person(1, 297, EDGE), person(2, 144, RESI)], 3);
  t.same(dear.stats, [1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 2, 0, 2, 600_000]);
  t.equal(dear.cost, 1_500_000, 'P0 £1,000, P2 £5,000 + 3 × £1,000, P1 2 × £3,000');
  // Both in resi: P1 at its own £100 a week is cheaper than P2 at the model's £5,000 a month,
  // so P2 is placed first; at £9,000 a week P1 is dearer and is placed first.
  const cheapOwn = run({ priority: 'highest_cost', limits: [homeLimit([1])], offers: [] }, [person(0, 299, HOME), person(1, 144, RESI, { currentPlacementWeeklyPrice: 100 }), person(2, 297, RESI)], 3);
  t.same(cheapOwn.stats, [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 2, 1, 2, 600_000], 'P1 waits from month 1 until P2 leaves at month 3');
  const dearOwn = run({ priority: 'highest_cost', limits: [homeLimit([1])], offers: [] }, [person(0, 299, HOME), person(1, 144, RESI, { currentPlacementWeeklyPrice: 9000 }), person(2, 297, RESI)], 3);
  t.same(dearOwn.stats, [1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 2, 0, 2, 600_000], 'P2 waits until it leaves the projection');
});

t.test('new entrants compete from their first month, month 0 included; people on record keep their places', async (t) => {
  // One place, held by P0 (on record). P1 enters at month 0 into home and P2 at month 2: both
  // refused, both wait to the end (4 + 2 months).
  const { stats, cost } = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, [person(0, 144, HOME), person(1, 144, HOME, { offset: 0 }), person(2, 150, HOME, { offset: 2 })], 1);
  t.same(stats, [1, 1, 1, 1, 1, 1, 2, 0, 2, 2, 6, 0, 6, 1_800_000]);
  t.equal(cost, 2_200_000, 'P0 4 × £1,000, P1 4 × £3,000, P2 2 × £3,000');
});

t.test('commissioned places: eligible state and ages, first month, places by financial year', async (t) => {
  // From January 2026, 6 months: 2025-26 is months 0-2, 2026-27 months 3-5. `keep` offered from
  // month 1, 1 place in 2025-26 and 2 in 2026-27, for ages 150 to 215 months, on the edge.
  // P0 (144) is in home by month 1. P1 (149, entering at 1) is too young. P2 (150, entering at
  // 1) is served at month 1 and stays on the edge. P3 (170, entering at 2) finds 2025-26 full.
  // P4 (216, entering at 3) is too old; P5 (200, entering at 3) is served in 2026-27.
  // Cost: P0 5 × £1,000, P1 4 × £1,000 (months 2-5), P3 3 × £1,000, P4 2 × £1,000 (months
  // 4-5), 2 × £2,000 one-off = £18,000.
  const eligible = new Uint8Array([1, 0, 0, 0]);
  const offer = { bit: 0, placesByYear: [1, 2], firstMonth: 1, eligible, minAgeMonths: 150, maxAgeMonths: 216 };
  const people = [person(0, 144, EDGE), person(1, 149, EDGE, { offset: 1 }), person(2, 150, EDGE, { offset: 1 }), person(3, 170, EDGE, { offset: 2 }), person(4, 216, EDGE, { offset: 3 }), person(5, 200, EDGE, { offset: 3 })];
  const { stats, cost } = run({ priority: 'longest_waiting', limits: [], offers: [offer] }, people, 1, 6, 1, keepSlot());
  t.same(stats, [1, 1]);
  t.equal(cost, 1_800_000);
});

t.test('two limits, two variants, two runs: each block at its own offset, own plans by variant', async (t) => {
  // Variant 0: limit 0 on resi with no places listed (none: `yearly` of [] is 0), limit 1 on
  // home with 1 place, waiting. Variant 1: home only, 2 places, no waiting; there P1's own plan
  // moves it from home to agency at month 2, freeing a place.
  // People: P0-P2 as in the first case; P3 enters resi at month 2 (a new entrant) and is refused.
  const model = compileModel(placesSpec('places-edges'));
  const request = { clock: { startYear: 2026, startMonth: 4 }, months: 4, parameterUncertainty: false };
  const resiLimit = { state: RESI, overflow: AGENCY, placesByYear: [], waiting: false };
  const own = { moves: [{ month: 2, to: AGENCY, fromStates: Uint8Array.from([0, 1, 0, 0]) }], interventions: [] };
  const people = [person(0, 299, HOME), person(1, 144, EDGE, { plans: [{ moves: [], interventions: [] }, own] }), person(2, 150, EDGE), person(3, 150, RESI, { offset: 2 })];
  const variants = [
    { model, slot: { interventions: [], statePrices: [] }, places: { priority: 'longest_waiting' as const, limits: [resiLimit, homeLimit([1])], offers: [] } },
    { model, slot: { interventions: [], statePrices: [] }, places: { priority: 'longest_waiting' as const, limits: [homeLimit([2], false)], offers: [] } },
  ];
  const asked: number[] = [];
  const chunk = simulatePlacesRuns(variants, request, (r) => {
    asked.push(r);
    return people;
  }, 1, 3, 5, 3);
  t.same(asked, [3, 4]);
  t.equal(chunk.placesWidth, 2 * 14, 'the wider variant: two limits of 2 × 4 + 6');
  t.equal(chunk.places.length, 2 * 2 * 28);
  t.equal(chunk.personMonths, (1 + 4 + 4 + 2) * 2 * 2, 'P0 1, P1 4, P2 4, P3 2; × 2 variants × 2 runs');
  const layout = cohortLayout(model, request);
  t.equal(chunk.vectors.length, 2 * 2 * layout.size);
  for (let r = 0; r < 2; r++) {
    const block = (v: number) => Array.from(chunk.places.subarray((r * 2 + v) * 28, (r * 2 + v + 1) * 28));
    // Variant 0, limit 0: P3 refused at month 2, in agency months 2-3 (no waiting).
    // Limit 1: the first case's figures.
    t.same(block(0), [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 600_000, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 3, 0, 3, 900_000], `run ${r} variant 0`);
    // Variant 1: P1 and P2 both placed at month 1; P1 leaves for agency at month 2 (its own
    // plan), and P3, unlimited in resi here, moves resi → home at month 3 into the freed place.
    // The rest of the block is unused (zero).
    t.same(block(1), [1, 2, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...new Array(14).fill(0)], `run ${r} variant 1`);
    // Costs, variant 0: P0 £1,000, P1 3 × £1,000, P2 3 × £3,000, P3 2 × £3,000 = £19,000.
    // Variant 1: P0 £1,000, P1 £1,000 + 2 × £3,000, P2 3 × £1,000, P3 £5,000 + £1,000 = £17,000.
    t.equal(runTotal(layout, chunk.vectors, (r * 2) * layout.size), 1_900_000, `run ${r} variant 0 cost`);
    t.equal(runTotal(layout, chunk.vectors, (r * 2 + 1) * layout.size), 1_700_000, `run ${r} variant 1 cost`);
  }
});

t.test('entrants ranked by cost: their own weekly price in the placement they enter, else the model price', async (t) => {
  // Six months, two places, P0 (on record) holds one. P1 (aged 298, so in the projection for
  // months 2-3) and P2 enter home at month 2; P2 at its own £500 a week is dearer than the
  // model's £1,000 a month, so highest_cost places P2, and P1 waits in agency until it leaves
  // (2 months, nobody placed from waiting). longest_waiting places P1 (list order); P2 waits and
  // takes P1's place at month 4 (2 months waited, placed from waiting).
  const people = [person(0, 144, HOME), person(1, 298, HOME, { offset: 2 }), person(2, 150, HOME, { offset: 2, currentPlacementWeeklyPrice: 500 })];
  const dear = run({ priority: 'highest_cost', limits: [homeLimit([2])], offers: [] }, people, 1, 6);
  t.same(dear.stats, [1, 1, 2, 2, 2, 2, 0, 0, 1, 0, 0, 0, 1, 1, 2, 0, 2, 600_000], "P1 is seen waiting at month 2 only: month 3’s round settles its leaving");
  const byList = run({ priority: 'longest_waiting', limits: [homeLimit([2])], offers: [] }, people, 1, 6);
  t.same(byList.stats, [1, 1, 2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 1, 1, 2, 1, 2, 600_000]);
});

t.test('the longest waiting goes before a fresh arrival listed first; a waiting child moved out of agency stops waiting', async (t) => {
  // P0 holds the place to month 2. P2 moves to home at month 1, is refused and waits. P1 enters
  // the edge at month 1 and moves to home at month 2, when P0's place frees: P2 (waited 1) is
  // placed, P1 (fresh, first in the list) refused and waits. Six months.
  const people = [person(0, 298, HOME), person(1, 144, EDGE, { offset: 1 }), person(2, 144, EDGE)];
  const { stats } = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, people, 3, 6);
  // Occupancy 1 throughout; waiting: P2 at month 1, P1 from month 2 (to the end, settled in
  // month 5's round). Refused 2, waited 2, months waited 1 + 4, 1 placed from waiting.
  t.same(stats, [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 2, 2, 5, 1, 5, 1_500_000]);
  // P2's own plan moves it from agency back to the edge at month 2 (it then moves to home at 3):
  // its overflow months and its wait both end at month 2 (1 each); at 3 it is refused again
  // (P0 left at 2 and P1… is not there: P1 is absent here).
  const leaving = [person(0, 298, HOME), person(1, 144, EDGE, { plans: [{ moves: [{ month: 2, to: EDGE, fromStates: Uint8Array.from([0, 0, 1, 0]) }], interventions: [] }] })];
  const moved = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, leaving, 2, 6);
  t.same(moved.stats, [1, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 300_000]);
});

t.test('places by financial year: none in the first, five in the next', async (t) => {
  // From February 2026: 2025-26 is months 0-1, 2026-27 from month 2. No places in 2025-26,
  // five from 2026-27, waiting: P1 and P2 (moving to home at month 1) wait one month and are
  // both placed at month 2.
  const { stats } = run({ priority: 'longest_waiting', limits: [homeLimit([0, 5])], offers: [] }, [person(0, 299, HOME), person(1, 144, EDGE), person(2, 150, EDGE)], 3, 4, 2);
  t.same(stats, [1, 0, 2, 2, 0, 2, 0, 0, 2, 2, 2, 2, 2, 600_000]);
});

t.test('commissioned places for people staying eligible: the next year’s places, the longest waiting first, arrivals', async (t) => {
  // No fees, keep open to home too: the only cost is keep's £2,000 one-off, booked at the served person's age, so the
  // cost by age year tells who was served. Eligible in home (absorbing), one place a year, from
  // May 2026: 2026-27 is months 0-10, 2027-28 month 11 (12 months).
  const noFees = (spec: CostModelSpec) => {
    spec.unitCosts = [];
    (spec.interventions ?? [])[0].eligibility.states = ['edge', 'home'];
  };
  const eligible = new Uint8Array([0, 1, 0, 0]);
  const offer = { bit: 0, placesByYear: [1], firstMonth: 0, eligible, minAgeMonths: 0, maxAgeMonths: 1000 };
  const served = (byAge: number[]) => byAge.flatMap((pence, age) => (pence > 0 ? [[age, pence / 200_000]] : []));
  // P0 (12, on record in home) is served at month 0. P1 (11, on the edge, in home from month 1)
  // and P2 (10, entering home at month 3) wait for 2027-28: P1, waiting longer, is served at
  // month 11 (its pause ends at the month before April, nextApril − 1).
  const a = run({ priority: 'longest_waiting', limits: [], offers: [offer] }, [person(0, 144, HOME), person(1, 132, EDGE), person(2, 120, HOME, { offset: 3 })], 2, 12, 5, keepSlot(), noFees);
  t.same(a.stats, [1, 1]);
  t.same(served(a.byAge), [[11, 1], [12, 1]]);
  // youngest: P2 (10) before P1 (11) although P1 waited longer.
  const b = run({ priority: 'youngest', limits: [], offers: [offer] }, [person(0, 144, HOME), person(1, 132, EDGE), person(2, 120, HOME, { offset: 3 })], 2, 12, 5, keepSlot(), noFees);
  t.same(served(b.byAge), [[10, 1], [12, 1]]);
  // From February: 2025-26 is months 0-1, 2026-27 month 2 (3 months): P1 waits to month 2.
  const d = run({ priority: 'longest_waiting', limits: [], offers: [offer] }, [person(0, 144, HOME), person(1, 132, HOME)], 2, 3, 2, keepSlot(), noFees);
  t.same(d.stats, [1, 1]);
  t.same(served(d.byAge), [[11, 1], [12, 1]]);
  // Offered from month 9 only: served at month 9 (2026-27), not later.
  const c1 = run({ priority: 'longest_waiting', limits: [], offers: [{ ...offer, firstMonth: 9 }] }, [person(0, 144, HOME)], 1, 12, 5, keepSlot(), noFees);
  t.same(c1.stats, [1, 0]);
  // For ages from 146 months: P0, aged 137, reaches it at month 9 and is served then (2026-27).
  const c2 = run({ priority: 'longest_waiting', limits: [], offers: [{ ...offer, minAgeMonths: 146 }] }, [person(0, 137, HOME)], 1, 12, 5, keepSlot(), noFees);
  t.same(c2.stats, [1, 0]);
  t.same(served(c2.byAge), [[12, 1]], 'at month 9 (12 years 2 months), not at month 0, when it entered too young');
  // Up to 140 months: P0 aged 140 is never served; P1 aged 139 is.
  const c3 = run({ priority: 'longest_waiting', limits: [], offers: [{ ...offer, maxAgeMonths: 140 }] }, [person(0, 140, HOME), person(1, 139, HOME)], 2, 12, 5, keepSlot(), noFees);
  t.same(served(c3.byAge), [[11, 1]]);
  // Not eligible in agency: nobody served.
  const e = run({ priority: 'longest_waiting', limits: [], offers: [offer] }, [person(0, 144, AGENCY)], 1, 12, 5, keepSlot(), noFees);
  t.same(e.stats, [0, 0]);
  // Two places in a year, 1.5 listed: one (whole places only).
  const f = run({ priority: 'longest_waiting', limits: [], offers: [{ ...offer, placesByYear: [1.5, 0] }] }, [person(0, 144, HOME), person(1, 132, HOME)], 2, 12, 5, keepSlot(), noFees);
  t.same(f.stats, [1, 0]);
});

t.test('waits for a service: counted from the first eligible month, restarted after leaving eligibility', async (t) => {
  // As the case above (home eligible, one place a year, from May 2026: 2026-27 is months 0-10,
  // 2027-28 month 11; 12 months, no fees). P0 (12) is served at month 0. Whoever waited longest
  // for the service is served at month 11; the two others listed first lose on the wait.
  const noFees = (spec: CostModelSpec) => {
    spec.unitCosts = [];
    (spec.interventions ?? [])[0].eligibility.states = ['edge', 'home'];
  };
  const offer = { bit: 0, placesByYear: [1], firstMonth: 0, eligible: new Uint8Array([0, 1, 0, 0]), minAgeMonths: 0, maxAgeMonths: 1000 };
  const served = (byAge: number[]) => byAge.flatMap((pence, age) => (pence > 0 ? [[age, pence / 200_000]] : []));
  // P1 (10 years 4 months) enters home at month 3; P2 (9), on record in home, waits from month
  // 0: P2 is served at month 11 (aged 9 years 11 months), though P1 is listed first. A wait
  // begun at month 0 is kept (not restarted every month), and one begun at 3 is counted from 3.
  const a = run({ priority: 'longest_waiting', limits: [], offers: [offer] }, [person(0, 144, HOME), person(1, 124, HOME, { offset: 3 }), person(2, 108, HOME)], 3, 12, 5, keepSlot(), noFees);
  t.same(a.stats, [1, 1]);
  t.same(served(a.byAge), [[9, 1], [12, 1]]);
  // P2's own plan takes it to agency (not eligible) at month 2 and back to home at month 5:
  // its wait restarts at 5, after P1's (from 3), so P1 is served at month 11 (aged 10 years 12
  // months = 11 years).
  const away = { moves: [{ month: 2, to: AGENCY, fromStates: Uint8Array.from([0, 1, 0, 0]) }, { month: 5, to: HOME, fromStates: Uint8Array.from([0, 0, 1, 0]) }], interventions: [] };
  const b = run({ priority: 'longest_waiting', limits: [], offers: [offer] }, [person(0, 144, HOME), person(1, 124, HOME, { offset: 3 }), person(2, 108, HOME, { plans: [away] })], 3, 12, 5, keepSlot(), noFees);
  t.same(b.stats, [1, 1]);
  t.same(served(b.byAge), [[11, 1], [12, 1]]);
});

t.test('priority ties: equal age or equal price goes to the longer wait; equal waits to list order, not arrival order', async (t) => {
  // The case 'the longest waiting goes before a fresh arrival' under youngest and highest_cost,
  // with a tie on the rule at month 2. P2 (on the edge, aged 144 at month 0) is 146 months at
  // month 2; P1, entering the edge at month 1 aged 145, is 146 months then too. P2 (waited 1) is
  // placed, P1 waits: the same figures as under longest_waiting.
  const expected = [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 2, 2, 5, 1, 5, 1_500_000];
  const people = [person(0, 298, HOME), person(1, 145, EDGE, { offset: 1 }), person(2, 144, EDGE)];
  t.same(run({ priority: 'youngest', limits: [homeLimit([1])], offers: [] }, people, 3, 6).stats, expected, 'youngest, equal ages');
  // highest_cost with the edge priced as agency (£3,000): P1 on the edge and P2 waiting in
  // agency cost the same.
  const edgeFee = (spec: CostModelSpec) => {
    spec.unitCosts.push({ id: 'edge_fee', label: 'Edge', states: ['edge'], amount: 3000, per: 'month', agency: 'childrens_social_care', source: 'test' });
  };
  t.same(run({ priority: 'highest_cost', limits: [homeLimit([1])], offers: [] }, people, 3, 6, 4, undefined, edgeFee).stats, expected, 'highest_cost, equal prices');
  // Equal waits (none): P2 moves edge → home at month 1 (a round), P1 (aged 298 at month 1, so in
  // the projection for months 1-2) enters home at month 1 (an entrant, considered after the round).
  // P1, first in the list, is placed; it leaves after month 2 and P2, waiting from 1, is placed
  // at 3 (2 months waited). Had arrival order ruled, P2 would be placed and P1 wait to its end.
  const tie = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, [person(0, 299, HOME), person(1, 298, HOME, { offset: 1 }), person(2, 144, EDGE)], 1);
  t.same(tie.stats, [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 2, 1, 2, 600_000]);
});

t.test('a limit and a service at once: the service block follows the limit block, and sees who was refused', async (t) => {
  // The first case (one home place, waiting) with `keep` offered in home from month 1, one
  // place: P1, placed in home at month 1, is served; P2, sent to agency, is not eligible.
  // From April 2026, 4 months: one financial year. Cost: £13,000 + keep's £2,000.
  const inHome = (spec: CostModelSpec) => {
    (spec.interventions ?? [])[0].eligibility.states = ['edge', 'home'];
  };
  const offer = { bit: 0, placesByYear: [1], firstMonth: 1, eligible: new Uint8Array([0, 1, 0, 0]), minAgeMonths: 0, maxAgeMonths: 1000 };
  const { stats, cost, byAge } = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [offer] }, [person(0, 299, HOME), person(1, 144, EDGE), person(2, 150, EDGE)], 3, 4, 4, keepSlot(), inHome);
  t.same(stats, [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 3, 0, 3, 900_000, 1]);
  t.equal(cost, 1_500_000);
  t.equal(byAge[12], 3 * 100_000 + 200_000 + 3 * 300_000, 'age 12: P1 3 months at home and keep, P2 3 months in agency');
});

t.test('two waiting for a limit: the one waiting since earlier goes first, though listed later', async (t) => {
  // P0 (297) holds the one place for months 0-2. P2 moves edge → home at month 1, P1 (entering
  // the edge at month 1 aged 296, so in the projection for months 1-4) at month 2: both refused,
  // both wait. At month 3 P2 (waited 2) is placed before P1 (waited 1); P1 waits until it
  // leaves (months 2-4; month 4's round settles its leaving). Months waited 2 + 3, overflow
  // months the same (5 × 300,000 pence). Had P1 been placed, P2 would have waited 5 months.
  const people = [person(0, 297, HOME), person(1, 296, EDGE, { offset: 1 }), person(2, 150, EDGE)];
  const { stats } = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, people, 3, 6);
  t.same(stats, [1, 1, 1, 1, 1, 1, 0, 1, 2, 1, 0, 0, 2, 2, 5, 1, 5, 1_500_000]);
});

t.test('two services at once: each its own waits, places and block of the figures', async (t) => {
  // `keep` (bit 0) and a copy `keep2` (bit 1), both offered in home: keep 2 places in 2026-27
  // and 1 in 2027-28, keep2 1 a year. From May 2026, 12 months (2026-27 is months 0-10, 2027-28
  // month 11), no fees. At month 0 P1 (12) and P2 (9), in home, take keep's two places, and P1
  // keep2's (a tie on waits: list order). P0 (10 years 4 months) enters at month 3. At month
  // 11 keep's place goes to P0 (P2 has it), and keep2's to P2 (waited 11, not 8) though P0 is
  // first: P0 (11 years by then) is given one, P1 and P2 two each.
  const two = (spec: CostModelSpec) => {
    spec.unitCosts = [];
    const keep = (spec.interventions ?? [])[0];
    keep.eligibility.states = ['edge', 'home'];
    spec.interventions?.push({ ...keep, id: 'keep2', label: 'Keep 2' });
  };
  const eligible = new Uint8Array([0, 1, 0, 0]);
  const offers = [
    { bit: 0, placesByYear: [2, 1], firstMonth: 0, eligible, minAgeMonths: 0, maxAgeMonths: 1000 },
    { bit: 1, placesByYear: [1], firstMonth: 0, eligible, minAgeMonths: 0, maxAgeMonths: 1000 },
  ];
  const served = (byAge: number[]) => byAge.flatMap((pence, age) => (pence > 0 ? [[age, pence / 200_000]] : []));
  const slot: PlanSlot = { interventions: [0, 1], statePrices: [] };
  const a = run({ priority: 'longest_waiting', limits: [], offers }, [person(0, 124, HOME, { offset: 3 }), person(1, 144, HOME), person(2, 108, HOME)], 3, 12, 5, slot, two);
  t.same(a.stats, [2, 1, 1, 1], 'keep 2026-27, 2027-28, then keep2');
  t.same(served(a.byAge), [[9, 2], [11, 1], [12, 2]]);
});

t.test('a service given in one run: the next run offers it afresh to the same person entering at month 0', async (t) => {
  // P0 (12, in home) is given keep at month 0 of each of two runs. From March 2026, 2 months:
  // month 0 is 2025-26, month 1 2026-27; a place a year. Nothing carried from run 0 makes run 1
  // wait for month 1.
  const spec = placesSpec('places-edges');
  spec.unitCosts = [];
  (spec.interventions ?? [])[0].eligibility.states = ['edge', 'home'];
  const model = compileModel(spec);
  const request = { clock: { startYear: 2026, startMonth: 3 }, months: 2, parameterUncertainty: false };
  const offer = { bit: 0, placesByYear: [1], firstMonth: 0, eligible: new Uint8Array([0, 1, 0, 0]), minAgeMonths: 0, maxAgeMonths: 1000 };
  const chunk = simulatePlacesRuns([{ model, slot: keepSlot(), places: { priority: 'longest_waiting', limits: [], offers: [offer] } }], request, () => [person(0, 144, HOME)], 1, 0, 2, 1);
  t.same(Array.from(chunk.places), [1, 0, 1, 0]);
});

t.test('a service given is not given again when the person moves to another eligible state', async (t) => {
  // keep offered in home and agency, two places; P0 (12, in home) is given it at month 0 and its
  // own plan moves it to agency at month 2 (a round): one place used, not two. From April 2026,
  // 4 months (one financial year), no fees.
  const wide = (spec: CostModelSpec) => {
    spec.unitCosts = [];
    (spec.interventions ?? [])[0].eligibility.states = ['edge', 'home', 'agency'];
  };
  const offer = { bit: 0, placesByYear: [2], firstMonth: 0, eligible: new Uint8Array([0, 1, 1, 0]), minAgeMonths: 0, maxAgeMonths: 1000 };
  const move = { moves: [{ month: 2, to: AGENCY, fromStates: Uint8Array.from([0, 1, 0, 0]) }], interventions: [] };
  const { stats, cost } = run({ priority: 'longest_waiting', limits: [], offers: [offer] }, [person(0, 144, HOME, { plans: [move] })], 1, 4, 4, keepSlot(), wide);
  t.same(stats, [1]);
  t.equal(cost, 200_000, "keep's £2,000 once");
});

t.test('someone staying in a limited state, paused for a service, does not take a second place', async (t) => {
  // One limit (home, 2 places, no waiting) and keep offered in home, none in 2025-26 and one in
  // 2026-27. From January 2026, 4 months: months 0-2 are 2025-26, month 3 2026-27. P0 (12, on
  // record in home) holds one place; waiting for the service it pauses at month 2 (the month
  // before April), staying in home: still one place held. It is given keep at month 3.
  const inHome = (spec: CostModelSpec) => {
    spec.unitCosts = [];
    (spec.interventions ?? [])[0].eligibility.states = ['edge', 'home'];
  };
  const offer = { bit: 0, placesByYear: [0, 1], firstMonth: 0, eligible: new Uint8Array([0, 1, 0, 0]), minAgeMonths: 0, maxAgeMonths: 1000 };
  const { stats } = run({ priority: 'longest_waiting', limits: [homeLimit([2], false)], offers: [offer] }, [person(0, 144, HOME)], 1, 4, 1, keepSlot(), inHome);
  t.same(stats, [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
});

t.test('an entrant starting after the projection is not simulated', async (t) => {
  // Four months; P1 would enter at month 5: only P0 (on record in home, 12) counts (4 × £1,000).
  const { stats, cost } = run({ priority: 'longest_waiting', limits: [homeLimit([1])], offers: [] }, [person(0, 144, HOME), person(1, 144, HOME, { offset: 5 })], 1);
  t.same(stats, [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  t.equal(cost, 400_000);
});
