import fc from 'fast-check';
import type { Episode } from '../../src/outcomes/measures.ts';
import type { ScorecardPerson } from '../../src/outcomes/scorecard.ts';

/**
 * Random young people's histories for the scorecard's disclosure properties (one generator, so
 * the properties over answers and over the flow identity try the same kinds of history).
 * Episodes follow one another from a day in 2022 onwards, sometimes with a gap (a time out of
 * care), in any state, team (A, B or the young person's own), distance (3 or 30 miles, not
 * known), entry, exit and care leaver's activity; the last is open or closed.
 */
export interface RandomHistoryOptions {
  /** Birth years drawn from (inclusive). */
  birthYears: [number, number];
  /** The first episode starts this many days after 1 January 2022 at most. */
  firstWithin: number;
  /** Episodes per young person at most. */
  maxEpisodes: number;
  /** Shortest and longest episode, days. */
  lengths: [number, number];
}

// youth_custody: on remand within a period of care when it follows a looked-after episode with no exit reason, outside care otherwise (lookedAfterEpisodes).
const STATES = ['inhouse_foster', 'residential', 'ifa_foster', 'placed_for_adoption', 'home', 'edge_of_care', 'sgo', 'staying_put', 'youth_custody'] as const;
const DAY0 = Date.UTC(2022, 0, 1);
const iso = (days: number) => new Date(DAY0 + days * 86_400_000).toISOString().slice(0, 10);

/** An arbitrary young person (teams 'A', 'B' or none) with a random history; see RandomHistoryOptions. */
export function randomPerson(options: RandomHistoryOptions): fc.Arbitrary<ScorecardPerson> {
  const episode = fc.record({
    length: fc.integer({ min: options.lengths[0], max: options.lengths[1] }),
    // Mostly back to back: a gap is one in three.
    gap: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 200 })),
    state: fc.constantFrom(...STATES),
    newPlacement: fc.boolean(),
    team: fc.constantFrom<string | undefined>('A', 'B', undefined),
    distance: fc.constantFrom<number | undefined>(3, 30, undefined),
    entry: fc.constantFrom<'planned' | 'unplanned_emergency'>('planned', 'unplanned_emergency'),
    exit: fc.constantFrom<Episode['exitReason']>('adoption', 'special_guardianship', 'returned_home', 'age_18_or_over', undefined),
    activity: fc.constantFrom<Episode['leaverActivity']>('training_or_employment', 'neet', undefined),
    suitable: fc.boolean(),
  });
  return fc
    .record({
      birthYear: fc.integer({ min: options.birthYears[0], max: options.birthYears[1] }),
      birthMonth: fc.integer({ min: 1, max: 12 }),
      teamId: fc.constantFrom<string | null>('A', 'B', null),
      first: fc.integer({ min: 0, max: options.firstWithin }),
      episodes: fc.array(episode, { minLength: 1, maxLength: options.maxEpisodes }),
      open: fc.boolean(),
    })
    .map((p) => {
      let day = p.first;
      const episodes: Episode[] = p.episodes.map((e, k) => {
        day += e.gap;
        const start = day;
        day += e.length;
        const last = k === p.episodes.length - 1;
        return {
          startDate: iso(start),
          endDate: last && p.open ? undefined : iso(day),
          careState: e.state,
          newPlacement: e.newPlacement,
          distanceMiles: e.distance,
          entry: e.entry,
          exitReason: e.exit,
          leaverActivity: e.activity,
          accommodationSuitable: e.suitable,
          teamId: e.team,
        };
      });
      return { teamId: p.teamId, keyWorkerReference: null, weeklyCommitment: 0, closedOn: null, history: { birthYear: p.birthYear, birthMonth: p.birthMonth, episodes } };
    });
}
