import type { History } from '../../src/outcomes/measures.ts';

/**
 * Ten young people's histories written by hand for the year 1 April 2025 - 31 March 2026, with
 * what each measure should count worked out by reading them (see measures.test.ts).
 */
export const YEAR = { start: '2025-04-01', end: '2026-03-31' };

export const HAND_HISTORIES: Record<string, History> = {
  // Three placements overlapping the year (the first ends 1 May 2025), 40 miles away at 31 March.
  A: {
    birthYear: 2015,
    birthMonth: 6,
    episodes: [
      { startDate: '2022-01-10', endDate: '2025-05-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', distanceMiles: 5 },
      { startDate: '2025-05-01', endDate: '2025-09-01', careState: 'ifa_foster', newPlacement: true, distanceMiles: 25 },
      { startDate: '2025-09-01', careState: 'residential', newPlacement: true, distanceMiles: 40 },
    ],
  },
  // One placement since 2020 (a legal status change in 2023 is not a new placement): stable.
  B: {
    birthYear: 2012,
    birthMonth: 1,
    episodes: [
      { startDate: '2020-02-01', endDate: '2023-01-01', careState: 'kinship_foster', newPlacement: true, entry: 'unplanned_emergency' },
      { startDate: '2023-01-01', careState: 'kinship_foster', newPlacement: false, distanceMiles: 3 },
    ],
  },
  // Placed for adoption in June 2025 after two years with in-house foster carers: stable by the adoption rule.
  C: {
    birthYear: 2018,
    birthMonth: 3,
    episodes: [
      { startDate: '2023-06-01', endDate: '2025-06-01', careState: 'inhouse_foster', newPlacement: true, distanceMiles: 10 },
      { startDate: '2025-06-01', careState: 'placed_for_adoption', newPlacement: true, distanceMiles: 30 },
    ],
  },
  // Adopted on 1 July 2025 (the reason read from the state that follows).
  D: {
    birthYear: 2016,
    birthMonth: 7,
    episodes: [
      { startDate: '2024-01-01', endDate: '2025-07-01', careState: 'ifa_foster', newPlacement: true },
      { startDate: '2025-07-01', careState: 'adopted', newPlacement: false },
    ],
  },
  // Came into care in an emergency in May 2025; special guardianship in January 2026.
  E: {
    birthYear: 2014,
    birthMonth: 2,
    episodes: [
      { startDate: '2025-05-10', endDate: '2025-08-01', careState: 'residential', newPlacement: true, entry: 'unplanned_emergency' },
      { startDate: '2025-08-01', endDate: '2025-12-01', careState: 'ifa_foster', newPlacement: true },
      { startDate: '2025-12-01', endDate: '2026-01-15', careState: 'inhouse_foster', newPlacement: true, exitReason: 'special_guardianship' },
      { startDate: '2026-01-15', careState: 'sgo', newPlacement: false },
    ],
  },
  // A planned entry in October 2025, home in February 2026.
  F: {
    birthYear: 2010,
    birthMonth: 9,
    episodes: [
      { startDate: '2025-10-01', endDate: '2026-02-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', distanceMiles: 8, exitReason: 'returned_home' },
      { startDate: '2026-02-01', careState: 'returned_home', newPlacement: false },
    ],
  },
  // Care leaver, 19 on 1 May 2025: in training or work and suitably housed.
  G: {
    birthYear: 2006,
    birthMonth: 5,
    episodes: [
      { startDate: '2020-01-01', endDate: '2024-05-01', careState: 'residential', newPlacement: true },
      { startDate: '2024-05-01', careState: 'supported_lodgings', newPlacement: false, leaverActivity: 'training_or_employment', accommodationSuitable: true },
    ],
  },
  // Care leaver, 20 on 1 November 2025: NEET, not suitably housed.
  H: {
    birthYear: 2005,
    birthMonth: 11,
    episodes: [
      { startDate: '2021-06-01', endDate: '2023-11-01', careState: 'ifa_foster', newPlacement: true },
      { startDate: '2023-11-01', careState: 'independent_neet', newPlacement: false, leaverActivity: 'neet', accommodationSuitable: false },
    ],
  },
  // 20 on 1 August 2025 but looked after only 61 days after 14: not a care leaver. Looked after to
  // the 18th birthday and an adult from it (adult is for 18 and over: from 17 the PUT refuses it).
  I: {
    birthYear: 2005,
    birthMonth: 8,
    episodes: [
      { startDate: '2023-06-01', endDate: '2023-08-01', careState: 'residential', newPlacement: true },
      { startDate: '2023-08-01', careState: 'adult', newPlacement: false },
    ],
  },
  // Care leaver, 21 on 1 December 2025, nothing recorded: counted, as DfE counts "not known".
  J: {
    birthYear: 2004,
    birthMonth: 12,
    episodes: [
      { startDate: '2019-01-01', endDate: '2022-12-01', careState: 'inhouse_foster', newPlacement: true },
      { startDate: '2022-12-01', careState: 'staying_put', newPlacement: false },
    ],
  },
};
