import type { EpisodeInputDto } from '../schemas/teams.ts';
import type { ClosureReason, YoungPersonInputDto } from '../schemas/young-people.ts';
import { placementPriceOn, weeklyCommitment } from '../services/scorecard.ts';
import { addMonthsToIsoDate, DEMO_COHORT_AS_OF, DEMO_COHORT_SEED, demoPlacementPrice, generateDemoCohort, mulberry32 } from './generate-demo-cohort.ts';

/**
 * Northvale's teams, key workers and histories (issue 17), derived from the demo cohort with a
 * seed of their own, so the cohort file stays as it was and the scorecard is believable out of
 * the box. Dates are as at DEMO_COHORT_AS_OF, like the cohort's; the loader moves them forward
 * with the rest. Rates aimed at (DfE, "Children looked after in England including adoptions",
 * reporting year 2024, headline figures): about 10% of children looked after have three or more
 * placements in a year; about 70% of the long-term group have been in the same placement two
 * years; a little over a third of the children looked after leave care in a year, about 9% of them
 * by adoption and 12-13% by special guardianship; 55-60% of 19-21-year-old care leavers are in
 * education, employment or training and about 88% suitably housed; about a third of entries
 * unplanned. Current placements' distances from home are the cohort file's (5% not known; 24% of
 * the known over 20 miles); every earlier placement in the histories has one drawn for its type
 * (demoDistance: the default model's shares over 20 miles, 3.8% for in-house foster care to 49%
 * for children's homes, and 5% not known), so the share over 20 miles is 18-24% in every quarter
 * of the trend (DfE 2015: 19.4% of those with a distance known; it was 24-30% with the history's
 * flat 25% whatever the placement, issue 17 review) and a distance is known for 93-96% of the
 * children looked after at each quarter end, as in SSDA903 returns (DfE 2015: 94.9%).
 *
 * Birthdays fall on the 1st of the birth month: a young person's record holds the month and year
 * of birth only (pseudonymous data, DOMAIN.md), and the measures (src/outcomes/measures.ts,
 * birthday) take the 1st of that month as the birthday. So every 18th birthday, and the care
 * leavers' 19th-21st birthdays that DfE's measures count, fall on a 1st; which quarter a birthday
 * falls in is still right, since a quarter starts on a 1st. Spreading the demo's days would
 * change nothing the model can store.
 *
 * Each episode names the team responsible then (`team`, a team's name; the loader stores its id),
 * and the scorecard counts what happened in an episode under that team: periods of care under one
 * of the two children-looked-after teams (so entries, moves, exits to adoption or special
 * guardianship and the year-end placements are theirs), edge-of-care and family-support episodes
 * under those teams, and a care leaver's episodes from 18 under leaving care. Which of the two CLA
 * teams held a past period of care is drawn from a second generator (seed + 1), so adding the teams
 * left every date, state and flag drawn from the first exactly as it was.
 *
 * The quarterly trend (issue 17 review): a period of care runs back to its real start, drawn from a
 * third generator (seed + 2) — most children whose placements all began in the last four years came
 * into care then, the rest had been looked after for months or years before, with moves before
 * that four to ten years apart and an unsettled spell now and then — so the early quarters see
 * today's children's earlier moves and long placements, not only what happened since their current
 * placement began. The first generator's draws are the same calls as before; what changed is how
 * some are read (moves before the current placement two to five years apart, not four to eighteen
 * months; 40% of older placements, not 3%, preceded by an unsettled spell; a quarter, not half, with
 * earlier moves), so three or more placements is about 10-13% in every quarter of the two years.
 *
 * Former children (issue 17, case closed): today's cohort holds only open cases, so on its own the
 * number looked after rose towards today's and the early quarters had almost no exits. `former`
 * adds the children whose cases closed in the two years and ten months before the as-of date
 * (generateFormerChildren, a fourth stream, seed + 3, so every draw above is as it was): most left
 * care home, to an adopter or a special guardian, or under a child arrangements order, and a few
 * were transferred to another authority; and a care leaver now and then whose leaving-care service
 * ended at 21. Their closures thin out in the last year, where today's edge-of-care children and
 * care leavers already hold about a third of the looked-after as exits, so the number looked after
 * stays near today's across the two years and about a third leave in every year.
 *
 * Review finding 5: long-term stability climbed from 41% to 76% over the trend's eight quarters,
 * as the cohort file's current placements all began in the last four years. A fifth stream
 * (seed + 4) gives six in ten of the children now under 18 who moved in the last two years after
 * time in care a settled three to eight years with one carer before (any unsettled spell in the
 * two years kept as drawn): 55.7-62.4% in every quarter (DfE 2024: 68%). And the file holds 37
 * care leavers aged 19-21 against 238 looked after; `careLeavers` adds 60 open ones
 * (generateCareLeavers19To21, seed + 5; their personal advisers seed + 6) for about 0.4 to one,
 * as nationally (DfE 2020: 31,260 care leavers aged 19-21, 80,000 children looked after).
 * Those are all aged 19-21 today, so the count of care leavers whose 19th, 20th or 21st birthday
 * fell in the year climbed from 58 to 95 over the trend (issue 17 review): the former children
 * include care leavers now 22 or 23 whose service ended in the year after 21 (LEFT_AFTER_21),
 * about as many a year of age as the open ones, so it is 96-107 in every quarter.
 *
 * Review finding 4: the scorecard prices a past day from the history episode in force then once
 * the child has moved on, so every placement episode carries a weekly price (priceDemoEpisodes,
 * a stream of its own, seed + 7, drawn after everything above), and the demo's spend at a past
 * quarter end counts no child as unpriced.
 */

export const DEMO_HISTORY_SEED = DEMO_COHORT_SEED + 17;

export interface DemoTeam {
  name: string;
  service: 'edge_of_care' | 'children_looked_after' | 'leaving_care' | 'early_help';
  annualBudget: number;
}

/** An episode as the generator writes it: `team` is the responsible team's name (the API's teamId once stored). */
export type DemoEpisode = Omit<EpisodeInputDto, 'teamId'> & { team?: string };

/** A child whose case closed before the as-of date: a record of its own (not in the cohort file), closed on `closedOn`. */
export interface DemoFormerChild {
  record: YoungPersonInputDto & { closedOn: string; closedReason: ClosureReason };
  /** The team that held the case when it closed (a team's name). */
  team: string;
  episodes: DemoEpisode[];
}

export interface DemoHistory {
  teams: DemoTeam[];
  /** By reference: the team's name, the key-worker reference (absent for a few) and the episodes. */
  people: Map<string, { team: string; keyWorkerReference?: string; episodes: DemoEpisode[] }>;
  /** Children whose cases closed in the window, oldest closure first (references NV-F…). */
  former: DemoFormerChild[];
  /** Care leavers aged 19-21 added to the cohort file's (references NV-L…), open, under leaving care. */
  careLeavers: DemoCareLeaver[];
}

/** An open care leaver not in the cohort file: a record of its own, its key worker and its history. */
export interface DemoCareLeaver {
  record: YoungPersonInputDto;
  keyWorkerReference?: string;
  episodes: DemoEpisode[];
}

const AS_OF = `${DEMO_COHORT_AS_OF.year}-${String(DEMO_COHORT_AS_OF.month).padStart(2, '0')}-01`;
const LOOKED_AFTER = new Set(['kinship_foster', 'inhouse_foster', 'ifa_foster', 'residential', 'secure_home', 'supported_accommodation', 'youth_custody']);
const FOSTER = ['kinship_foster', 'inhouse_foster', 'ifa_foster'] as const;

/**
 * Share of placements more than 20 miles from home, of those whose distance is known, by
 * placement type: the default model's `distanceOver20Miles` (models/england-default.json, each
 * with its source there: DfE, Children looked after in England, placement location, 31 March
 * 2015 rows, and March 2024 for children's homes; supported accommodation and placed for
 * adoption from their 2015 median distances, model 1.6.0; test/demo/demo-history.test.ts checks
 * they agree). In-house foster carers live locally (3.8%), agencies place further (32.1%), half
 * of children's homes are more than 20 miles away (49%), supported accommodation 10.5%, placed
 * for adoption 43.6%. A type without a figure takes the share of all placements (19.4%).
 */
export const DEMO_OVER_20_MILES: Readonly<Record<string, number>> = {
  kinship_foster: 0.123,
  inhouse_foster: 0.038,
  ifa_foster: 0.321,
  residential: 0.49,
  secure_home: 0.49,
  supported_accommodation: 0.105,
  placed_for_adoption: 0.436,
};
const OVER_20_MILES_ALL = 0.194;
/**
 * Share of the history's placements with no distance recorded. SSDA903 records one for nearly
 * every placement: DfE 2015, 3,550 not known of 69,470 looked after (5.1%), mostly unaccompanied
 * asylum-seeking children; the cohort file's current placements leave 5% out, and so does the
 * history. Fewer would not be more realistic, and on the board's view it hides more: the children
 * looked after whose distance is not known are a count of their own there (looked after less
 * distance known, src/services/scorecard.ts NESTED_DENOMINATORS), and at 1-4 a team it is
 * hidden with the team's denominators: measured on the loaded demo read by the board at 30
 * September 2026, the two CLA teams' rows were hidden in six of the trend's eight quarters when
 * only today's placements had distances not known, three with 3% of the history's, one with 5%.
 */
export const DEMO_DISTANCE_NOT_KNOWN = 0.05;

/**
 * A history placement's distance from home, miles (one decimal), or none (not known), drawn for
 * its `careState` from DEMO_OVER_20_MILES with exactly two draws of `random`, as the uniform
 * 25% over 20 miles it replaced (issue 17 review), so every later draw of the stream is as it
 * was: the first says not known (DEMO_DISTANCE_NOT_KNOWN) or, rescaled, over 20 miles or not; the
 * second where in the band (1-19 miles within; 21-81 over, 21-160 for children's homes and secure
 * homes, some of them hundreds of miles away).
 */
export function demoDistance(careState: string, random: () => number): { distanceFromHomeMiles?: number } {
  const which = random();
  const where = random();
  if (which < DEMO_DISTANCE_NOT_KNOWN) return {};
  const over = (which - DEMO_DISTANCE_NOT_KNOWN) / (1 - DEMO_DISTANCE_NOT_KNOWN) < (DEMO_OVER_20_MILES[careState] ?? OVER_20_MILES_ALL);
  const far = careState === 'residential' || careState === 'secure_home' ? 139 : 60;
  return { distanceFromHomeMiles: Math.round((over ? 21 + where * far : 1 + where * 18) * 10) / 10 };
}
/**
 * Share of today's children whose period of care began with the earliest placement drawn for
 * them: most of those whose placements all began in the last four years came into care then;
 * most of those placed earlier had been looked after for a while before.
 */
const CARE_BEGAN_RECENT = 0.8;
const CARE_BEGAN_OLDER = 0.2;
/** Chance of an unsettled spell (two or three moves months apart) before an older placement. */
const OLDER_UNSETTLED = 0.4;
/** Share of the rest who have not moved in this period of care before their current placement. */
const SETTLED = 0.75;
/** Chance that a move before that came within a few months of the next (an unsettled spell). */
const UNSETTLED_STEP = 0.15;
/** A move within this many months before the as-of date may have ended a long placement (see SETTLED_BEFORE_MOVE). */
const LONG_BEFORE_MOVE_MONTHS = 24;
/** Chance that a child who moved in that window after time in care had been with one carer three to eight years before. */
const SETTLED_BEFORE_MOVE = 0.6;

const TEAM_OF = {
  edge: { name: 'Edge of care', service: 'edge_of_care' },
  family: { name: 'Family support', service: 'early_help' },
  north: { name: 'Children looked after (north)', service: 'children_looked_after' },
  south: { name: 'Children looked after (south)', service: 'children_looked_after' },
  leaving: { name: 'Leaving care', service: 'leaving_care' },
} as const;
/** Budgets set a little above or below what each team has committed, so the finance row has colour. */
const BUDGET_FACTOR: Record<keyof typeof TEAM_OF, number> = { edge: 1.08, family: 1.12, north: 0.97, south: 1.03, leaving: 1.06 };

function birthDate(r: YoungPersonInputDto, age = 0): string {
  return `${r.birthYear + age}-${String(r.birthMonth).padStart(2, '0')}-01`;
}

export function generateDemoHistory(cohort = generateDemoCohort(), seed = DEMO_HISTORY_SEED): DemoHistory {
  const random = mulberry32(seed);
  // Past periods of care's CLA team: a stream of its own, so the first stream's draws are unchanged.
  const teamRandom = mulberry32(seed + 1);
  const pastCareTeam = () => TEAM_OF[teamRandom() < 0.5 ? 'north' : 'south'].name;
  // How far back today's periods of care began: a third stream (seed + 2), for the same reason.
  const pastRandom = mulberry32(seed + 2);
  const pastInteger = (min: number, max: number) => min + Math.floor(pastRandom() * (max - min + 1));
  // Whether a child who moved recently had been settled for years before: a fourth stream (seed + 4).
  const settledRandom = mulberry32(seed + 4);
  const chance = (p: number) => random() < p;
  const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]) => items[integer(0, items.length - 1)];

  const people = new Map<string, { team: string; keyWorkerReference?: string; episodes: DemoEpisode[] }>();
  const teamPeople = new Map<keyof typeof TEAM_OF, YoungPersonInputDto[]>();
  for (const r of cohort) {
    const born = birthDate(r);
    const episodes: DemoEpisode[] = [];
    let team: keyof typeof TEAM_OF;
    if (LOOKED_AFTER.has(r.careState) && r.placement) {
      team = chance(0.5) ? 'north' : 'south';
      // Earlier placements in this period of care, newest first, until the care period's start.
      let start = r.placement.startDate;
      const earlier: DemoEpisode[] = [];
      // About one in ten had an unsettled year (DfE: 10% with three or more placements in the
      // year): two or three moves a few months apart; the rest moved now and then, if at all.
      const recent = r.placement.startDate > addMonthsToIsoDate(AS_OF, -12);
      const unsettled = chance(recent ? 0.3 : OLDER_UNSETTLED);
      const moves = unsettled ? integer(2, 3) : r.careState === 'residential' || r.careState === 'secure_home' ? integer(0, 2) : chance(SETTLED) ? 0 : integer(1, 2);
      for (let k = 0; k < moves; k++) {
        const previousStart = addMonthsToIsoDate(start, -(unsettled ? integer(1, 4) : integer(24, 60)));
        if (previousStart <= born) break;
        const state = pick(FOSTER);
        earlier.unshift({ startDate: previousStart, endDate: start, careState: state, newPlacement: true, ...demoDistance(state, random) });
        start = previousStart;
      }
      // The period of care from its real start (issue 17's trend), so the earlier quarters see
      // the moves and long placements before the earliest one drawn above. Moves before that are
      // years apart, with an unsettled spell now and then; never before the month after birth.
      const careStart = addMonthsToIsoDate(start, -(pastRandom() < (start > addMonthsToIsoDate(AS_OF, -48) ? CARE_BEGAN_RECENT : CARE_BEGAN_OLDER) ? 0 : pastInteger(3, 72)));
      const firstMonth = addMonthsToIsoDate(born, 1);
      while (start > careStart) {
        const previousStart = [addMonthsToIsoDate(start, -(pastRandom() < UNSETTLED_STEP ? pastInteger(1, 4) : pastInteger(48, 120))), careStart, firstMonth].sort()[2];
        if (previousStart >= start) break;
        const state = FOSTER[pastInteger(0, FOSTER.length - 1)];
        earlier.unshift({ startDate: previousStart, endDate: start, careState: state, newPlacement: true, ...demoDistance(state, pastRandom) });
        start = previousStart;
      }
      // Settled before a recent move (issue 17 review, finding 5): the cohort's current placements
      // all began in the last four years, so without this the trend's early quarters see few
      // children two years with one carer and long-term stability climbs from about 41% to 76%.
      // Of those now under 18 whose current placement began in the last LONG_BEFORE_MOVE_MONTHS
      // after time in care, SETTLED_BEFORE_MOVE had been with one carer for three to eight years
      // before that window's moves (an unsettled spell in it stays as drawn): DfE 2024, 68% of
      // the long-term group with the same carer two years. A stream of its own (seed + 4), drawn
      // only for those children, so every draw above is as it was.
      const window = addMonthsToIsoDate(AS_OF, -LONG_BEFORE_MOVE_MONTHS);
      if (earlier.length > 0 && r.placement.startDate > window && AS_OF < birthDate(r, 18) && settledRandom() < SETTLED_BEFORE_MOVE) {
        const recent = earlier.filter((e) => e.startDate > window);
        const movedIn = recent[0]?.startDate ?? r.placement.startDate;
        // From three to eight years before the window's first move, or from the start of care if
        // that was earlier; never before the month after birth.
        const from = [[addMonthsToIsoDate(movedIn, -(36 + Math.floor(settledRandom() * 61))), earlier[0].startDate].sort()[0], firstMonth].sort()[1];
        const settled = earlier.filter((e) => e.startDate <= window).at(-1) ?? earlier[0];
        if (from < movedIn) earlier.splice(0, earlier.length, { ...settled, startDate: from, endDate: movedIn }, ...recent);
      }
      episodes.push(...earlier, {
        startDate: r.placement.startDate,
        careState: r.careState,
        newPlacement: true,
        ...(r.placement.distanceFromHomeMiles !== undefined ? { distanceFromHomeMiles: r.placement.distanceFromHomeMiles } : {}),
      });
      episodes[0].entry = chance(0.33) ? 'unplanned_emergency' : 'planned';
      for (const e of episodes) e.team = TEAM_OF[team].name;
    } else if (r.legalStatus === 'care_leaver') {
      team = 'leaving';
      const eighteen = birthDate(r, 18);
      const careStart = [addMonthsToIsoDate(eighteen, -integer(18, 72)), birthDate(r, 1)].sort()[1];
      const placed = pick(FOSTER);
      episodes.push({ startDate: careStart, endDate: eighteen, careState: placed, newPlacement: true, ...demoDistance(placed, random), entry: chance(0.33) ? 'unplanned_emergency' : 'planned', exitReason: 'age_18_or_over', team: pastCareTeam() });
      const neet = r.careState === 'independent_neet' || r.careState === 'homeless' || r.careState === 'adult_custody' || (r.careState === 'supported_lodgings' && chance(0.35));
      const activity = neet ? 'neet' : r.careState === 'independent_eet' ? pick(['higher_education', 'other_education', 'training_or_employment'] as const) : chance(0.8) ? pick(['other_education', 'training_or_employment'] as const) : 'neet';
      const suitable = r.careState === 'homeless' || r.careState === 'adult_custody' ? false : r.careState === 'independent_neet' ? chance(0.9) : chance(0.98);
      episodes.push({ startDate: eighteen, careState: r.careState, newPlacement: false, leaverActivity: activity, accommodationSuitable: suitable, team: TEAM_OF.leaving.name });
    } else {
      // Remanded to youth detention accommodation (legal status youth_justice_remand): looked
      // after on remand (LASPO 2012 s104), so under a looked-after team, and either continuing the
      // period of care before it (no exit from it) or, from home, an unplanned entry to care, as
      // the service records a remand entered through the record (src/services/teams.ts, onRemand).
      const remand = r.careState === 'youth_custody' && r.legalStatus === 'youth_justice_remand';
      team = r.careState === 'edge_of_care' ? 'edge' : remand ? 'north' : 'family';
      const since = [addMonthsToIsoDate(AS_OF, -integer(1, 14)), born].sort()[1];
      // Many came out of a period of care in the last two years (DfE CLA 2024: about a third of
      // the children looked after leave care in a year; of those who leave, about 9% by adoption
      // and 12-13% by special guardianship, most of the rest home or at 18). Those who leave at 18
      // are the leaving-care team's; the rest, here, went home or to an adopter or guardian.
      const wasInCare = chance(0.7);
      const careStart = addMonthsToIsoDate(since, -integer(2, 9));
      if (wasInCare && careStart > born) {
        const young = Number(since.slice(0, 4)) - r.birthYear < 12;
        const exitReason = young && chance(0.5) ? (chance(0.55) ? 'special_guardianship' : 'adoption') : !young && chance(0.15) ? 'special_guardianship' : chance(0.85) ? 'returned_home' : 'child_arrangements_order';
        const placed = pick(FOSTER);
        episodes.push({
          startDate: careStart,
          endDate: since,
          careState: placed,
          newPlacement: true,
          ...demoDistance(placed, random),
          entry: chance(0.5) ? 'unplanned_emergency' : 'planned',
          ...(remand ? {} : { exitReason }),
          team: pastCareTeam(),
        });
      }
      const inCareBefore = remand && episodes.length > 0;
      episodes.push({ startDate: since, careState: r.careState, newPlacement: remand, ...(remand && !inCareBefore ? { entry: 'unplanned_emergency' as const } : {}), team: TEAM_OF[team].name });
    }
    people.set(r.reference, { team: TEAM_OF[team].name, episodes });
    teamPeople.set(team, [...(teamPeople.get(team) ?? []), r]);
  }

  // Care leavers aged 19-21 beyond the cohort file's (a fifth stream, seed + 5, so every draw above and below is as it was).
  const careLeavers = generateCareLeavers19To21(mulberry32(seed + 5));
  // Key workers: caseloads of about 12-16, a few young people waiting for one.
  const teams: DemoTeam[] = [];
  let worker = 100;
  for (const key of Object.keys(TEAM_OF) as Array<keyof typeof TEAM_OF>) {
    const members = teamPeople.get(key) ?? [];
    const workers = Array.from({ length: Math.max(1, Math.round(members.length / integer(12, 16))) }, () => `KW${worker++}`);
    for (const r of members) {
      if (chance(0.03)) continue;
      (people.get(r.reference) as { keyWorkerReference?: string }).keyWorkerReference = pick(workers);
    }
    const added = key === 'leaving' ? careLeavers.map((c) => c.record) : [];
    const weekly = [...members, ...added].reduce((sum, r) => sum + weeklyCommitment((r.placement as Record<string, unknown> | undefined) ?? null, r.services as unknown as Array<Record<string, unknown>>, AS_OF), 0);
    teams.push({ name: TEAM_OF[key].name, service: TEAM_OF[key].service, annualBudget: Math.round((weekly * (365.25 / 7) * BUDGET_FACTOR[key]) / 1000) * 1000 });
  }
  // The added care leavers' personal advisers: workers of their own, drawn from their own stream.
  const leaverRandom = mulberry32(seed + 6);
  const leaverWorkers = Array.from({ length: Math.max(1, Math.round(careLeavers.length / 14)) }, () => `KW${worker++}`);
  for (const c of careLeavers) if (leaverRandom() >= 0.03) c.keyWorkerReference = leaverWorkers[Math.floor(leaverRandom() * leaverWorkers.length)];
  const former = generateFormerChildren(mulberry32(seed + 3));
  // Prices last, from a stream of their own (seed + 7), so every draw above is as it was.
  priceDemoEpisodes(cohort, people, former, careLeavers, mulberry32(seed + 7));
  return { teams, people, former, careLeavers };
}

/**
 * Gives every placement episode of the demo's histories its weekly price (issue 17, review
 * finding 4), so the scorecard's spend at a past day is complete: a cohort child's current
 * placement episode the record's price on its first day; every other placement episode a price
 * drawn from the cohort's market for its state (demoPlacementPrice: today's ranges, not deflated,
 * as the demo's dates are moved forward to today when loaded). In a fixed order (the cohort
 * file's, then former children, then the added care leavers), from `random` alone.
 */
export function priceDemoEpisodes(
  cohort: readonly YoungPersonInputDto[],
  people: DemoHistory['people'],
  former: readonly DemoFormerChild[],
  careLeavers: readonly DemoCareLeaver[],
  random: () => number,
): void {
  const price = (e: DemoEpisode) => {
    const weekly = demoPlacementPrice(e.careState, random);
    if (weekly !== undefined) e.weeklyPrice = weekly;
  };
  for (const r of cohort) {
    for (const e of people.get(r.reference)?.episodes ?? []) {
      if (e.endDate === undefined && r.placement && e.careState === r.placement.type && e.startDate >= r.placement.startDate) e.weeklyPrice = placementPriceOn(r.placement, e.startDate);
      else price(e);
    }
  }
  for (const f of former) for (const e of f.episodes) price(e);
  for (const c of careLeavers) for (const e of c.episodes) price(e);
}

/**
 * How many care leavers aged 19-21 the demo adds to the cohort file's 34. DfE counts 31,260 care
 * leavers aged 19 to 21 in 2020 ("Children looked after in England including adoptions",
 * National - Accommodation of care leavers, 2018-2020) against 80,000 children looked after at 31
 * March 2020 (same publication, 2024 edition's time series): 0.39 to one. Northvale's 238 looked
 * after would have about 93; the file has 34, so 60 more.
 */
export const ADDED_CARE_LEAVERS_19_TO_21 = 60;

/**
 * Open care leavers aged 19, 20 or 21 at the as-of date, each looked after from some time before
 * 18 (under one of the two CLA teams) and in leaving care since. Activity and accommodation as the
 * cohort's (DfE 2024: 55-60% of 19-21s in education, employment or training, about 88% suitably
 * housed). References NV-L2000 up, not in the cohort file.
 */
export function generateCareLeavers19To21(random: () => number, count = ADDED_CARE_LEAVERS_19_TO_21): DemoCareLeaver[] {
  const chance = (p: number) => random() < p;
  const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]) => items[integer(0, items.length - 1)];
  const fosterPlacement = () => {
    const careState = pick(FOSTER);
    return { careState, newPlacement: true, ...demoDistance(careState, random) };
  };
  const out: DemoCareLeaver[] = [];
  for (let k = 0; k < count; k++) {
    // Aged 19, 20 or 21 on the as-of date (birth month drawn), so 18 fell one to three years ago.
    const born = addMonthsToIsoDate(AS_OF, -(integer(19, 21) * 12 + integer(0, 11)));
    const eighteen = addMonthsToIsoDate(born, 18 * 12);
    const careStart = addMonthsToIsoDate(eighteen, -integer(18, 72));
    const age = Number(AS_OF.slice(0, 4)) * 12 + Number(AS_OF.slice(5, 7)) - (Number(born.slice(0, 4)) * 12 + Number(born.slice(5, 7)));
    // Staying put is for those under 21 (the service's rule).
    const careState = pick(age < 21 * 12 ? (['supported_lodgings', 'independent_eet', 'independent_eet', 'independent_neet', 'staying_put'] as const) : (['supported_lodgings', 'independent_eet', 'independent_eet', 'independent_neet'] as const));
    const neet = careState === 'independent_neet' || (careState === 'supported_lodgings' && chance(0.35));
    const activity = neet ? 'neet' : pick(['higher_education', 'other_education', 'training_or_employment'] as const);
    const suitable = careState === 'independent_neet' ? chance(0.8) : chance(0.95);
    const services = [{ name: 'Personal adviser', weeklyCost: Math.round((45 + random() * 25) * 100) / 100, fundingAgency: 'childrens_social_care' as const, startDate: eighteen }];
    if (careState === 'supported_lodgings') services.push({ name: 'Supported lodgings', weeklyCost: Math.round((250 + random() * 200) * 100) / 100, fundingAgency: 'childrens_social_care', startDate: eighteen });
    if (careState === 'staying_put') services.push({ name: 'Staying put allowance', weeklyCost: Math.round((250 + random() * 70) * 100) / 100, fundingAgency: 'childrens_social_care', startDate: eighteen });
    out.push({
      record: {
        reference: `NV-L${2000 + k}`,
        birthYear: Number(born.slice(0, 4)),
        birthMonth: Number(born.slice(5, 7)),
        sex: chance(0.55) ? 'male' : 'female',
        legalStatus: 'care_leaver',
        tier: neet ? 4 : 3,
        careState,
        needsProfile: { primaryNeed: pick(['abuse_or_neglect', 'abuse_or_neglect', 'family_dysfunction', 'absent_parenting'] as const) },
        services,
      },
      episodes: [
        { startDate: careStart, endDate: eighteen, ...fosterPlacement(), entry: chance(0.33) ? 'unplanned_emergency' : 'planned', exitReason: 'age_18_or_over', team: TEAM_OF[chance(0.5) ? 'north' : 'south'].name },
        { startDate: eighteen, careState, newPlacement: false, leaverActivity: activity, accommodationSuitable: suitable, team: TEAM_OF.leaving.name },
      ],
    });
  }
  return out;
}

/**
 * Months before the as-of date in which former children's cases closed: 1 to FORMER_MONTHS. In
 * the last CLOSING_RECENT_MONTHS few close (today's edge-of-care children and care leavers hold
 * that year's exits); before, four to eight a month, about 70 a year, which with those already
 * in the records is about a third of some 240 children looked after (DfE CLA 2024).
 */
const FORMER_MONTHS = 34;
const CLOSING_RECENT_MONTHS = 13;
/** Leaving-care services that ended at 21 in the window (one every three months or so), closed on the birthday. */
const AGED_OUT = 12;
/**
 * Care leavers now aged 22 or 23 whose leaving-care service ended in the year after their 21st
 * birthday (issue 17 review: the 19-21 count climbed over the trend's eight quarters, 54 to 90 on
 * the loaded demo read at 30 November 2026). The open care leavers are about 32 a year of age at 19, 20 and 21 (the file's 37
 * and the 60 added), but only 10 open ones and 7 of AGED_OUT are now 22 or 23, so the early
 * quarters' years, whose 19th-21st birthdays fell to those now 20 to 23, held too few. About 32 a
 * year for the two years of birth months (21st birthday 12 to 35 months before the as-of date) is
 * about 64, less those 17: 48, two a month, so the count of care leavers whose 19th, 20th
 * or 21st birthday fell in the year stays near today's in every quarter. Most leave the service
 * within a year of 21 (a personal adviser to 21, and to 25 only for those who ask: Children and
 * Social Work Act 2017); measured on the demo, 96-107 in every quarter, against 58-95 before.
 */
const LEFT_AFTER_21 = 48;

/**
 * Children whose cases closed in the window, each with a record as it stood at closure and a
 * history ending on the closing day. Exits among them (DfE CLA 2024's exits less those at 18, who
 * stay open as care leavers): adoption 15%, special guardianship 18%, child arrangements order
 * 7%, home 48%, transferred to another authority 6%, other 6%; ages fitting each (adopted young).
 */
export function generateFormerChildren(random: () => number): DemoFormerChild[] {
  const chance = (p: number) => random() < p;
  const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]) => items[integer(0, items.length - 1)];
  const team = () => TEAM_OF[chance(0.5) ? 'north' : 'south'].name;
  const fosterPlacement = () => {
    const careState = pick(FOSTER);
    return { careState, newPlacement: true, ...demoDistance(careState, random) };
  };
  const needs = () => ({ primaryNeed: pick(['abuse_or_neglect', 'abuse_or_neglect', 'family_dysfunction', 'family_in_acute_stress', 'absent_parenting', 'parental_illness_or_disability'] as const) });
  const former: DemoFormerChild[] = [];
  let number = 1000;
  const reference = () => `NV-F${number++}`;
  const monthStart = (monthsBack: number) => addMonthsToIsoDate(AS_OF, -monthsBack);

  for (let back = FORMER_MONTHS; back >= 1; back--) {
    const count = back <= CLOSING_RECENT_MONTHS ? integer(0, 2) : integer(4, 8);
    for (let k = 0; k < count; k++) {
      const closedOn = `${monthStart(back).slice(0, 8)}${String(integer(1, 28)).padStart(2, '0')}`;
      const r = random();
      const reason: ClosureReason = r < 0.15 ? 'adopted' : r < 0.33 ? 'special_guardianship' : r < 0.4 ? 'child_arrangements_order' : r < 0.88 ? 'returned_home' : r < 0.94 ? 'transferred' : 'other';
      const age = reason === 'adopted' ? integer(1, 5) : reason === 'special_guardianship' ? integer(1, 10) : reason === 'child_arrangements_order' ? integer(2, 12) : reason === 'returned_home' ? integer(4, 16) : integer(6, 16);
      const birth = addMonthsToIsoDate(`${closedOn.slice(0, 8)}01`, -(age * 12 + integer(0, 11)));
      const born = `${birth.slice(0, 8)}01`;
      // Months in care. Some left after years in one placement (foster carers becoming special
      // guardians; an older child going home or moving away), so the long-term group of the early
      // quarters holds the children who have since left, as it would have then.
      const longStay = chance(reason === 'special_guardianship' ? 0.5 : reason === 'adopted' ? 0 : 0.2);
      const months = longStay
        ? integer(36, Math.min(108, age * 12 - 6))
        : reason === 'adopted'
          ? integer(14, 30)
          : reason === 'special_guardianship'
            ? integer(8, 30)
            : reason === 'child_arrangements_order'
              ? integer(6, 24)
              : reason === 'returned_home'
                ? chance(0.5)
                  ? integer(2, 9)
                  : integer(10, 40)
                : integer(3, 30);
      const careStart = [addMonthsToIsoDate(closedOn, -months), addMonthsToIsoDate(born, 1)].sort()[1];
      // Placements: most had one, some two or three; an adopted child's last was with the adopters.
      const starts = [careStart];
      const moves = chance(0.65) ? 0 : chance(0.7) ? 1 : 2;
      for (let m = 0; m < moves; m++) {
        // A long stay's moves came early on: its last placement is the settled one.
        const at = addMonthsToIsoDate(starts[starts.length - 1], longStay ? integer(2, 8) : integer(2, 12));
        if (at < addMonthsToIsoDate(closedOn, -1)) starts.push(at);
      }
      const adopters = reason === 'adopted' ? addMonthsToIsoDate(closedOn, -integer(4, 10)) : undefined;
      if (adopters && adopters > starts[starts.length - 1]) starts.push(adopters);
      const exitReason = ({ adopted: 'adoption', special_guardianship: 'special_guardianship', child_arrangements_order: 'child_arrangements_order', returned_home: 'returned_home', transferred: 'other', other: 'other', aged_out: 'age_18_or_over' } as const)[reason];
      const held = team();
      const episodes: DemoEpisode[] = starts.map((startDate, i) => {
        const last = i === starts.length - 1;
        const state = last && adopters ? 'placed_for_adoption' : age >= 12 && chance(0.2) ? 'residential' : pick(FOSTER);
        return {
          startDate,
          endDate: last ? closedOn : starts[i + 1],
          careState: state,
          newPlacement: true,
          ...demoDistance(state, random),
          ...(i === 0 ? { entry: chance(0.35) ? ('unplanned_emergency' as const) : ('planned' as const) } : {}),
          ...(last ? { exitReason } : {}),
          team: held,
        };
      });
      const state = reason === 'adopted' ? 'adopted' : reason === 'special_guardianship' ? 'sgo' : reason === 'returned_home' || reason === 'child_arrangements_order' ? 'returned_home' : 'home';
      const legalStatus = reason === 'adopted' ? 'adoption_order' : reason === 'special_guardianship' ? 'special_guardianship_order' : reason === 'child_arrangements_order' ? 'child_arrangements_order' : 'not_looked_after';
      former.push({
        record: { reference: reference(), birthYear: Number(born.slice(0, 4)), birthMonth: Number(born.slice(5, 7)), sex: chance(0.55) ? 'male' : 'female', legalStatus, tier: 2, careState: state, needsProfile: needs(), services: [], closedOn, closedReason: reason },
        team: held,
        episodes,
      });
    }
  }

  // Care leavers whose leaving-care service ended at 21 (closed as aged out on the birthday).
  for (let k = 0; k < AGED_OUT; k++) {
    const back = 1 + Math.floor((k * FORMER_MONTHS) / AGED_OUT) + integer(0, 1);
    const twentyOne = monthStart(back);
    const born = addMonthsToIsoDate(twentyOne, -21 * 12);
    const eighteen = addMonthsToIsoDate(born, 18 * 12);
    const careStart = addMonthsToIsoDate(eighteen, -integer(18, 72));
    const state = pick(['independent_eet', 'independent_eet', 'supported_lodgings', 'independent_neet'] as const);
    const activity = state === 'independent_neet' ? 'neet' : pick(['other_education', 'training_or_employment', 'higher_education'] as const);
    former.push({
      record: { reference: reference(), birthYear: Number(born.slice(0, 4)), birthMonth: Number(born.slice(5, 7)), sex: chance(0.55) ? 'male' : 'female', legalStatus: 'care_leaver', tier: 2, careState: state, needsProfile: needs(), services: [], closedOn: twentyOne, closedReason: 'aged_out' },
      team: TEAM_OF.leaving.name,
      episodes: [
        { startDate: careStart, endDate: eighteen, ...fosterPlacement(), entry: chance(0.33) ? 'unplanned_emergency' : 'planned', exitReason: 'age_18_or_over', team: team() },
        { startDate: eighteen, endDate: twentyOne, careState: state, newPlacement: false, leaverActivity: activity, accommodationSuitable: chance(0.9), team: TEAM_OF.leaving.name },
      ],
    });
  }
  // Care leavers whose service ended in the year after 21 (LEFT_AFTER_21), their 21st birthdays
  // spread evenly over the two years of birth months before the last year's, so those now 22 and
  // 23 are about as many a year as the open ones now 19-21. Drawn last, so every draw above is as
  // it was.
  for (let k = 0; k < LEFT_AFTER_21; k++) {
    const sinceTwentyOne = 12 + Math.floor((k * 24) / LEFT_AFTER_21);
    const twentyOne = monthStart(sinceTwentyOne);
    const born = addMonthsToIsoDate(twentyOne, -21 * 12);
    const eighteen = addMonthsToIsoDate(born, 18 * 12);
    const careStart = addMonthsToIsoDate(eighteen, -integer(18, 72));
    // Closed one to eleven months after the birthday, so before the as-of date and with the
    // 21st birthday inside the leaving-care episode (its activity and accommodation recorded).
    const closedOn = `${addMonthsToIsoDate(twentyOne, integer(1, 11)).slice(0, 8)}${String(integer(1, 28)).padStart(2, '0')}`;
    const state = pick(['independent_eet', 'independent_eet', 'supported_lodgings', 'independent_neet'] as const);
    const activity = state === 'independent_neet' ? 'neet' : pick(['other_education', 'training_or_employment', 'higher_education'] as const);
    former.push({
      record: { reference: reference(), birthYear: Number(born.slice(0, 4)), birthMonth: Number(born.slice(5, 7)), sex: chance(0.55) ? 'male' : 'female', legalStatus: 'care_leaver', tier: 2, careState: state, needsProfile: needs(), services: [], closedOn, closedReason: 'aged_out' },
      team: TEAM_OF.leaving.name,
      episodes: [
        { startDate: careStart, endDate: eighteen, ...fosterPlacement(), entry: chance(0.33) ? 'unplanned_emergency' : 'planned', exitReason: 'age_18_or_over', team: team() },
        { startDate: eighteen, endDate: closedOn, careState: state, newPlacement: false, leaverActivity: activity, accommodationSuitable: chance(0.9), team: TEAM_OF.leaving.name },
      ],
    });
  }
  return former.sort((a, b) => (a.record.closedOn < b.record.closedOn ? -1 : a.record.closedOn > b.record.closedOn ? 1 : 0));
}
