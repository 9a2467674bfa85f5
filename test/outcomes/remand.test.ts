import t from 'tap';
import {
  careLeaversInEet,
  careLeaversSuitablyAccommodated,
  exitsToAdoptionOrSgo,
  type History,
  isCareLeaver,
  longTermStability,
  lookedAfterEpisodes,
  lookedAfterOn,
  periodsOfCare,
  placedOver20Miles,
  threeOrMorePlacements,
  unplannedEntries,
} from '../../src/outcomes/measures.ts';

/**
 * Custody on remand is looked after (issue 17, second review, finding 8). A child remanded to
 * youth detention accommodation is looked after (LASPO 2012 s104), recorded in SSDA903 as a
 * placement (PLACE R5) inside the period of care; a child sentenced to custody ceases to be
 * looked after (REC E9). The history tells them apart: custody that continues a looked-after
 * episode with no exitReason is a remand; after an exitReason it is outside care. Before the fix
 * every youth_custody episode split the period of care: an extra entry and exit were counted,
 * the child dropped out of the stock, and the placements before and after were two periods.
 * Counts below are worked by hand; DfE's year 1 April 2025 to 31 March 2026.
 */
const YEAR = { start: '2025-04-01', end: '2026-03-31' };

/** Born June 2010 (15 at 31 March 2026): a children's home from January 2023, remanded September-October 2025, then another home. */
function remanded(sentenced: boolean): History {
  return {
    birthYear: 2010,
    birthMonth: 6,
    episodes: [
      {
        startDate: '2023-01-01',
        endDate: '2025-09-01',
        careState: 'residential',
        newPlacement: true,
        entry: 'unplanned_emergency',
        distanceMiles: 5,
        ...(sentenced ? { exitReason: 'other' as const } : {}),
      },
      { startDate: '2025-09-01', endDate: '2025-11-01', careState: 'youth_custody', newPlacement: true },
      { startDate: '2025-11-01', careState: 'residential', newPlacement: true, distanceMiles: 30, ...(sentenced ? { entry: 'planned' as const } : {}) },
    ],
  };
}

t.test('remand inside a period of care: one period, three placements, looked after throughout', async (t) => {
  const h = remanded(false);
  t.same(lookedAfterEpisodes(h.episodes), [true, true, true]);
  t.equal(lookedAfterOn(h, '2025-10-01'), true, 'looked after on remand');
  t.same(
    periodsOfCare(h).map((p) => [p.start, p.end ?? null]),
    [['2023-01-01', null]],
  );
  // Home, custody, home: three placements overlap the year (old reading: two periods, two placements, 0/1).
  t.same(threeOrMorePlacements([h], YEAR), { numerator: 1, denominator: 1 });
  // No entry and no exit in the year: care began in 2023 and has not ended (old: 0/1 and 0/1).
  t.same(unplannedEntries([h], YEAR), { numerator: 0, denominator: 0 });
  t.same(exitsToAdoptionOrSgo([h], YEAR), { numerator: 0, denominator: 0, adoption: 0, specialGuardianship: 0 });
  // In care 39 months at 31 March 2026, under 16, the current placement only since November 2025:
  // in the denominator, not the numerator (old: the period began in November, so not in it at all).
  t.same(longTermStability([h], YEAR), { numerator: 0, denominator: 1 });
  // Looked after at 31 March, placed 30 miles away.
  t.same(placedOver20Miles([h], YEAR), { numerator: 1, denominator: 1 });
  // At 30 September 2025 (on remand, distance not recorded): left out of the distance measure, counted in the stock.
  const september = { start: '2024-10-01', end: '2025-09-30' };
  t.same(placedOver20Miles([h], september), { numerator: 0, denominator: 0 });
  t.same(threeOrMorePlacements([h], september), { numerator: 0, denominator: 1 });
});

t.test('custody after an exitReason (a sentence) is outside care: two periods, as before', async (t) => {
  const h = remanded(true);
  t.same(lookedAfterEpisodes(h.episodes), [true, false, true]);
  t.equal(lookedAfterOn(h, '2025-10-01'), false);
  t.same(
    periodsOfCare(h).map((p) => [p.start, p.end ?? null]),
    [
      ['2023-01-01', '2025-09-01'],
      ['2025-11-01', null],
    ],
  );
  t.same(threeOrMorePlacements([h], YEAR), { numerator: 0, denominator: 1 });
  t.same(unplannedEntries([h], YEAR), { numerator: 0, denominator: 1 });
  t.same(exitsToAdoptionOrSgo([h], YEAR), { numerator: 0, denominator: 1, adoption: 0, specialGuardianship: 0 });
  t.same(longTermStability([h], YEAR), { numerator: 0, denominator: 0 });
});

t.test('custody from outside care, or after a gap, is not looked after; a return from remand is a new placement whatever the flag says', async (t) => {
  const fromHome: History = {
    birthYear: 2010,
    birthMonth: 6,
    episodes: [
      { startDate: '2024-01-01', endDate: '2025-09-01', careState: 'home', newPlacement: true },
      { startDate: '2025-09-01', careState: 'youth_custody', newPlacement: true },
    ],
  };
  t.same(lookedAfterEpisodes(fromHome.episodes), [false, false]);
  const afterGap: History = {
    birthYear: 2010,
    birthMonth: 6,
    episodes: [
      { startDate: '2024-01-01', endDate: '2025-08-01', careState: 'residential', newPlacement: true },
      { startDate: '2025-09-01', careState: 'youth_custody', newPlacement: true },
    ],
  };
  t.same(lookedAfterEpisodes(afterGap.episodes), [true, false]);
  // Remand continues over two custody episodes (a move between establishments), then back to foster care flagged as no new placement.
  const h: History = {
    birthYear: 2010,
    birthMonth: 6,
    episodes: [
      { startDate: '2025-05-01', endDate: '2025-09-01', careState: 'ifa_foster', newPlacement: true },
      { startDate: '2025-09-01', endDate: '2025-10-01', careState: 'youth_custody', newPlacement: false },
      { startDate: '2025-10-01', endDate: '2025-11-01', careState: 'youth_custody', newPlacement: false },
      { startDate: '2025-11-01', careState: 'ifa_foster', newPlacement: false },
    ],
  };
  t.same(lookedAfterEpisodes(h.episodes), [true, true, true, true]);
  // Foster care, custody, foster care: three placements (the flags alone would say one).
  t.same(threeOrMorePlacements([h], YEAR), { numerator: 1, denominator: 1 });
});

t.test('time on remand counts towards being a care leaver (looked after 13 weeks from 14, some after 16)', async (t) => {
  // Born June 2007: 16 on 1 June 2023, 19 on 1 June 2026. In care from 2021, remanded from May
  // 2023 (turning 16 on remand), care ends from custody in September 2023 (exitReason on the remand).
  const h: History = {
    birthYear: 2007,
    birthMonth: 6,
    episodes: [
      { startDate: '2021-01-01', endDate: '2023-05-01', careState: 'residential', newPlacement: true },
      { startDate: '2023-05-01', endDate: '2023-09-01', careState: 'youth_custody', newPlacement: true, exitReason: 'other' },
      { startDate: '2023-09-01', careState: 'independent_eet', newPlacement: true },
    ],
  };
  t.same(lookedAfterEpisodes(h.episodes), [true, true, false]);
  // The old reading: care ended 1 May 2023, before 16, so not a care leaver (and no unit at 19).
  t.equal(isCareLeaver(h, '2026-06-01'), true);
  t.same(careLeaversInEet([h], { start: '2026-04-01', end: '2027-03-31' }), { numerator: 1, denominator: 1 });
});

t.test('remanded from outside care: the custody episode with an entry flag starts a period of care', async (t) => {
  // Born June 2010; at home, then remanded 1 May 2025 (unplanned entry), still on remand at 31 March 2026.
  const h: History = {
    birthYear: 2010,
    birthMonth: 6,
    episodes: [
      { startDate: '2024-01-01', endDate: '2025-05-01', careState: 'home', newPlacement: true },
      { startDate: '2025-05-01', careState: 'youth_custody', newPlacement: true, entry: 'unplanned_emergency' },
    ],
  };
  t.same(lookedAfterEpisodes(h.episodes), [false, true]);
  t.same(unplannedEntries([h], YEAR), { numerator: 1, denominator: 1 });
  t.same(threeOrMorePlacements([h], YEAR), { numerator: 0, denominator: 1 });
  // Distance not recorded: left out of that measure only.
  t.same(placedOver20Miles([h], YEAR), { numerator: 0, denominator: 0 });
});

t.test('a care leaver whose case closed on the 21st birthday is read from the episode that ended on it', async (t) => {
  // Born May 2005: 21 on 1 May 2026. Foster care to 18, then independent in training, suitably
  // housed, until the case closed on 1 May 2026 (the end date is exclusive: no episode covers the birthday).
  const h: History = {
    birthYear: 2005,
    birthMonth: 5,
    episodes: [
      { startDate: '2019-06-01', endDate: '2023-05-01', careState: 'inhouse_foster', newPlacement: true, exitReason: 'age_18_or_over' },
      { startDate: '2023-05-01', endDate: '2026-05-01', careState: 'independent_eet', newPlacement: true, leaverActivity: 'training_or_employment', accommodationSuitable: true },
    ],
  };
  const year = { start: '2025-10-01', end: '2026-09-30' };
  // Before: 0 of 1 on both (the birthday read as not known).
  t.same(careLeaversInEet([h], year), { numerator: 1, denominator: 1 });
  t.same(careLeaversSuitablyAccommodated([h], year), { numerator: 1, denominator: 1 });
});
