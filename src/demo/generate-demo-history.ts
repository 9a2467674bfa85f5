import type { EpisodeInputDto } from '../schemas/teams.ts';
import type { YoungPersonInputDto } from '../schemas/young-people.ts';
import { weeklyCommitment } from '../services/scorecard.ts';
import { addMonthsToIsoDate, DEMO_COHORT_AS_OF, DEMO_COHORT_SEED, generateDemoCohort, mulberry32 } from './generate-demo-cohort.ts';

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
 * unplanned. Distances from home are the cohort's own (about a third over 20 miles, against
 * about 19% nationally in "Children looked after: a focus on placement location", 2024).
 *
 * Outcomes are counted under the young person's current team, so exits (home, adoption, special
 * guardianship) show under edge of care and family support, where the children went after care,
 * and at 18 under leaving care; the children-looked-after teams show none.
 */

export const DEMO_HISTORY_SEED = DEMO_COHORT_SEED + 17;

export interface DemoTeam {
  name: string;
  service: 'edge_of_care' | 'children_looked_after' | 'leaving_care' | 'early_help';
  annualBudget: number;
}

export interface DemoHistory {
  teams: DemoTeam[];
  /** By reference: the team's name, the key-worker reference (absent for a few) and the episodes. */
  people: Map<string, { team: string; keyWorkerReference?: string; episodes: EpisodeInputDto[] }>;
}

const AS_OF = `${DEMO_COHORT_AS_OF.year}-${String(DEMO_COHORT_AS_OF.month).padStart(2, '0')}-01`;
const LOOKED_AFTER = new Set(['kinship_foster', 'inhouse_foster', 'ifa_foster', 'residential', 'secure_home', 'supported_accommodation', 'youth_custody']);
const FOSTER = ['kinship_foster', 'inhouse_foster', 'ifa_foster'] as const;

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
  const chance = (p: number) => random() < p;
  const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]) => items[integer(0, items.length - 1)];
  const miles = (local: boolean) => Math.round((local ? 1 + random() * 18 : 21 + random() * 60) * 10) / 10;

  const people = new Map<string, { team: string; keyWorkerReference?: string; episodes: EpisodeInputDto[] }>();
  const teamPeople = new Map<keyof typeof TEAM_OF, YoungPersonInputDto[]>();
  for (const r of cohort) {
    const born = birthDate(r);
    const episodes: EpisodeInputDto[] = [];
    let team: keyof typeof TEAM_OF;
    if (LOOKED_AFTER.has(r.careState) && r.placement) {
      team = chance(0.5) ? 'north' : 'south';
      // Earlier placements in this period of care, newest first, until the care period's start.
      let start = r.placement.startDate;
      const earlier: EpisodeInputDto[] = [];
      // About one in ten had an unsettled year (DfE: 10% with three or more placements in the
      // year): two or three moves a few months apart; the rest moved now and then, if at all.
      const recent = r.placement.startDate > addMonthsToIsoDate(AS_OF, -12);
      const unsettled = chance(recent ? 0.3 : 0.03);
      const moves = unsettled ? integer(2, 3) : r.careState === 'residential' || r.careState === 'secure_home' ? integer(0, 2) : chance(0.5) ? 0 : integer(1, 2);
      for (let k = 0; k < moves; k++) {
        const previousStart = addMonthsToIsoDate(start, -(unsettled ? integer(1, 4) : integer(4, 18)));
        if (previousStart <= born) break;
        earlier.unshift({ startDate: previousStart, endDate: start, careState: pick(FOSTER), newPlacement: true, distanceFromHomeMiles: miles(chance(0.75)) });
        start = previousStart;
      }
      episodes.push(...earlier, {
        startDate: r.placement.startDate,
        careState: r.careState,
        newPlacement: true,
        ...(r.placement.distanceFromHomeMiles !== undefined ? { distanceFromHomeMiles: r.placement.distanceFromHomeMiles } : {}),
      });
      episodes[0].entry = chance(0.33) ? 'unplanned_emergency' : 'planned';
    } else if (r.legalStatus === 'care_leaver') {
      team = 'leaving';
      const eighteen = birthDate(r, 18);
      const careStart = [addMonthsToIsoDate(eighteen, -integer(18, 72)), birthDate(r, 1)].sort()[1];
      episodes.push({ startDate: careStart, endDate: eighteen, careState: pick(FOSTER), newPlacement: true, distanceFromHomeMiles: miles(chance(0.75)), entry: chance(0.33) ? 'unplanned_emergency' : 'planned', exitReason: 'age_18_or_over' });
      const neet = r.careState === 'independent_neet' || r.careState === 'homeless' || r.careState === 'adult_custody' || (r.careState === 'supported_lodgings' && chance(0.35));
      const activity = neet ? 'neet' : r.careState === 'independent_eet' ? pick(['higher_education', 'other_education', 'training_or_employment'] as const) : chance(0.8) ? pick(['other_education', 'training_or_employment'] as const) : 'neet';
      const suitable = r.careState === 'homeless' || r.careState === 'adult_custody' ? false : r.careState === 'independent_neet' ? chance(0.9) : chance(0.98);
      episodes.push({ startDate: eighteen, careState: r.careState, newPlacement: false, leaverActivity: activity, accommodationSuitable: suitable });
    } else {
      team = r.careState === 'edge_of_care' ? 'edge' : 'family';
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
        episodes.push({ startDate: careStart, endDate: since, careState: pick(FOSTER), newPlacement: true, distanceFromHomeMiles: miles(chance(0.8)), entry: chance(0.5) ? 'unplanned_emergency' : 'planned', exitReason });
      }
      episodes.push({ startDate: since, careState: r.careState, newPlacement: false });
    }
    people.set(r.reference, { team: TEAM_OF[team].name, episodes });
    teamPeople.set(team, [...(teamPeople.get(team) ?? []), r]);
  }

  // Key workers: caseloads of about 12-16, a few young people waiting for one.
  const teams: DemoTeam[] = [];
  let worker = 100;
  for (const key of Object.keys(TEAM_OF) as Array<keyof typeof TEAM_OF>) {
    const members = teamPeople.get(key) ?? [];
    const workers = Array.from({ length: Math.max(1, Math.round(members.length / integer(12, 16))) }, () => `KW-${worker++}`);
    for (const r of members) {
      if (chance(0.03)) continue;
      (people.get(r.reference) as { keyWorkerReference?: string }).keyWorkerReference = pick(workers);
    }
    const weekly = members.reduce((sum, r) => sum + weeklyCommitment((r.placement as Record<string, unknown> | undefined) ?? null, r.services as unknown as Array<Record<string, unknown>>, AS_OF), 0);
    teams.push({ name: TEAM_OF[key].name, service: TEAM_OF[key].service, annualBudget: Math.round((weekly * (365.25 / 7) * BUDGET_FACTOR[key]) / 1000) * 1000 });
  }
  return { teams, people };
}
