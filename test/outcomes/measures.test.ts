import fc from 'fast-check';
import t from 'tap';
import {
  careLeaversInEet,
  careLeaversSuitablyAccommodated,
  exitsToAdoptionOrSgo,
  type History,
  longTermStability,
  monthsBefore,
  placedOver20Miles,
  spendAgainstBudget,
  threeOrMorePlacements,
  unplannedEntries,
} from '../../src/outcomes/measures.ts';
import { HAND_HISTORIES, YEAR } from './hand-history.ts';

const all = Object.values(HAND_HISTORIES);

t.test('each measure on the hand-made history equals its hand count', async (t) => {
  // Looked after at 31 March 2026: A, B, C. A had three placements in the year.
  t.same(threeOrMorePlacements(all, YEAR), { numerator: 1, denominator: 3 });
  // A, B, C are under 16 and in care since before 30 September 2023; B (same carer since 2020)
  // and C (placed for adoption, with the previous placement since June 2023) count.
  t.same(longTermStability(all, YEAR), { numerator: 2, denominator: 3 });
  // A 40 miles, B 3, C 30.
  t.same(placedOver20Miles(all, YEAR), { numerator: 2, denominator: 3 });
  // G (19), H (20), J (21) are care leavers with a birthday in the year; I is not a care leaver.
  t.same(careLeaversInEet(all, YEAR), { numerator: 1, denominator: 3 });
  t.same(careLeaversSuitablyAccommodated(all, YEAR), { numerator: 1, denominator: 3 });
  // Ceased in the year: D (adoption), E (special guardianship), F (home).
  t.same(exitsToAdoptionOrSgo(all, YEAR), { numerator: 2, denominator: 3, adoption: 1, specialGuardianship: 1 });
  // Entered in the year: E (emergency), F (planned).
  t.same(unplannedEntries(all, YEAR), { numerator: 1, denominator: 2 });
});

t.test('the year before counts differently (the period matters)', async (t) => {
  const before = { start: '2024-04-01', end: '2025-03-31' };
  // Looked after at 31 March 2025: A, B, C, D. None had three placements in 2024-25.
  t.same(threeOrMorePlacements(all, before), { numerator: 0, denominator: 4 });
  // Entries in 2024-25: none (D entered January 2024).
  t.same(unplannedEntries(all, before), { numerator: 0, denominator: 0 });
  // Care leavers' birthdays in 2024-25: G none (19 in May 2025), H 19 in Nov 2024, J 20 in Dec 2024 → 2; neither in EET.
  t.same(careLeaversInEet(all, before), { numerator: 0, denominator: 2 });
});

t.test('monthsBefore clamps to the month length', async (t) => {
  t.equal(monthsBefore('2026-03-31', 30), '2023-09-30');
  t.equal(monthsBefore('2026-03-31', 24), '2024-03-31');
  t.equal(monthsBefore('2024-02-29', 12), '2023-02-28');
});

t.test('spend against budget: weekly commitments × 365.25/7 over the budget', async (t) => {
  const s = spendAgainstBudget([1000, 500], 100_000);
  t.ok(Math.abs(s.committed - 1500 * (365.25 / 7)) < 1e-9);
  t.ok(Math.abs((s.percent as number) - 78.267857142857) < 1e-6);
  t.equal(spendAgainstBudget([1000], null).percent, null);
});

// Random histories: states from a small set, contiguous or with gaps.
const STATES = ['home', 'inhouse_foster', 'ifa_foster', 'residential', 'placed_for_adoption', 'adopted', 'sgo', 'supported_lodgings'];
const historyArb: fc.Arbitrary<History> = fc
  .record({
    birthYear: fc.integer({ min: 2003, max: 2022 }),
    birthMonth: fc.integer({ min: 1, max: 12 }),
    steps: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 60 }), length: fc.integer({ min: 1, max: 900 }), state: fc.constantFrom(...STATES), newPlacement: fc.boolean(), miles: fc.option(fc.integer({ min: 0, max: 80 }), { nil: undefined }) }), { maxLength: 6 }),
  })
  .map(({ birthYear, birthMonth, steps }) => {
    let day = Date.UTC(2022, 0, 1);
    const episodes = steps.map((s, i) => {
      day += s.gap * 86_400_000;
      const start = new Date(day).toISOString().slice(0, 10);
      day += s.length * 86_400_000;
      const end = i === steps.length - 1 ? undefined : new Date(day).toISOString().slice(0, 10);
      return { startDate: start, endDate: end, careState: s.state, newPlacement: s.newPlacement, distanceMiles: s.miles };
    });
    return { birthYear, birthMonth, episodes };
  });

t.test('property: counts add up over any split into teams, and numerators never exceed denominators', async (t) => {
  const measures = [threeOrMorePlacements, longTermStability, placedOver20Miles, careLeaversInEet, careLeaversSuitablyAccommodated, exitsToAdoptionOrSgo, unplannedEntries];
  fc.assert(
    fc.property(fc.array(historyArb, { maxLength: 12 }), fc.integer({ min: 0, max: 12 }), (histories, cut) => {
      for (const measure of measures) {
        const whole = measure(histories, YEAR);
        const a = measure(histories.slice(0, cut), YEAR);
        const b = measure(histories.slice(cut), YEAR);
        if (whole.numerator !== a.numerator + b.numerator || whole.denominator !== a.denominator + b.denominator) return false;
        if (whole.numerator > whole.denominator || whole.numerator < 0) return false;
      }
      return true;
    }),
    { numRuns: 200 },
  );
  t.pass('200 random cohorts');
});
