import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Agency, DEFAULT_CARE_STATES, type LegalStatus, type PlacementProvider } from '../catalog/vocabulary.ts';
import { projectRoot } from '../config/index.ts';
import type { NeedsProfileDto, PrimaryNeed, ServiceInPlaceDto, YoungPersonInputDto } from '../schemas/young-people.ts';
import { formatYoungPeopleCsv } from '../services/young-people-import.ts';

/**
 * The synthetic caseload of Northvale, the fictional authority of the SSDA903 sample: about 400
 * young people on the edge of care, in need, looked after and leaving care. No real child is in
 * it. Run `node src/demo/generate-demo-cohort.ts` to write scenarios/demo-borough-cohort.csv;
 * the seed is fixed, so the file is the same every time.
 *
 * Shapes followed, roughly (sources in /work/shared/reference/unit-costs-sources.csv):
 * - Ages of children looked after, DfE CLA at 31 March 2024: under 1 5%, 1-4 14%, 5-9 16%,
 *   10-15 39%, 16-17 26%.
 * - Placements: DfE reports 68% foster, about 11-12% children's homes and secure, 8-9% supported
 *   accommodation (41% of 16-17s), the rest placed with parents, for adoption or elsewhere. The
 *   default vocabulary has no state for those last ~11%, so the shares are renormalised over the
 *   placements it does model: ~77% foster, ~13% residential or secure, ~10% supported.
 *   Kinship is ~18% of foster care (DfE 2018), IFA ~40%.
 * - Weekly prices: residential £5,000-£7,000 with a tail past £10,000 (NAO 2025 average ~£6,100;
 *   LGA: 1.6% of placements over £10,000), secure ~£8,000, IFA £900-£1,100 (CMA ~£820 in 2020),
 *   in-house foster £450-£650 (PSSRU), kinship £300-£400, supported accommodation £600-£1,500.
 * - Care leavers 18-24: ~40% of 19-21s NEET, ~60% of 18s staying put with former carers.
 *
 * Dates are as at DEMO_COHORT_AS_OF. The loader moves every date forward by the whole months
 * since then, so the cohort has the same ages and durations whenever it is loaded.
 */

export const DEMO_COHORT_SEED = 20261124;
/** The cohort is a snapshot on the first day of this month: every start date is before it. */
export const DEMO_COHORT_AS_OF = { year: 2026, month: 11 } as const;
export const DEMO_COHORT_FILE = path.join(projectRoot, 'scenarios', 'demo-borough-cohort.csv');

/** mulberry32: a small, fast 32-bit generator; plenty for synthetic data, and reproducible. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

class Draw {
  readonly random: () => number;
  /** A seed, or a generator already running (demoPlacementPrice draws from the caller's stream). */
  constructor(seed: number | (() => number)) {
    this.random = typeof seed === 'function' ? seed : mulberry32(seed);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  integer(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  uniform(min: number, max: number): number {
    return min + this.random() * (max - min);
  }
  pounds(min: number, max: number): number {
    return Math.round(this.uniform(min, max) * 100) / 100;
  }
  miles(min: number, max: number): number {
    return Math.round(this.uniform(min, max) * 10) / 10;
  }
  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(0, i);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
  weighted<T>(options: ReadonlyArray<readonly [T, number]>): T {
    const total = options.reduce((sum, [, weight]) => sum + weight, 0);
    let target = this.random() * total;
    for (const [value, weight] of options) {
      target -= weight;
      if (target < 0) return value;
    }
    return options[options.length - 1][0];
  }
}

const AS_OF_INDEX = DEMO_COHORT_AS_OF.year * 12 + DEMO_COHORT_AS_OF.month - 1;

function isoFromMonthIndex(index: number, day: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

interface Person {
  ageYears: number;
  /** Months from birth month to the as-of month. */
  ageMonths: number;
  birthIndex: number;
}

/** Someone aged `ageYears` in completed years on the as-of date, born in a random month. */
function personAged(draw: Draw, ageYears: number, minMonths = 0): Person {
  const ageMonths = Math.max(minMonths, ageYears * 12 + draw.integer(0, 11));
  return { ageYears, ageMonths, birthIndex: AS_OF_INDEX - ageMonths };
}

/** A date in one of the `withinMonths` months before the as-of month, never before birth. */
function pastDate(draw: Draw, person: Person, withinMonths: number): string {
  const earliest = Math.max(person.birthIndex, AS_OF_INDEX - withinMonths);
  return isoFromMonthIndex(draw.integer(earliest, AS_OF_INDEX - 1), draw.integer(1, 28));
}

/**
 * A placement's start moved to the birthday on which its state's minimum age is reached
 * (DEFAULT_CARE_STATES minAgeYears: supported accommodation from 16), when drawn before it: the
 * history's episode starts there, and a history may not start a state below its age (the PUT's
 * rule). A clamp after the draw, so no other record's draws move.
 */
function notBeforeMinimumAge(kind: string, person: Person, startDate: string): string {
  const minimum = DEFAULT_CARE_STATES.find((s) => s.id === kind)?.minAgeYears;
  if (minimum === undefined) return startDate;
  const birthday = isoFromMonthIndex(person.birthIndex + minimum * 12, 1);
  return startDate < birthday ? birthday : startDate;
}

/** Moves an ISO date by whole months, keeping the day where the month allows it. */
export function addMonthsToIsoDate(iso: string, months: number): string {
  const [year, month, day] = iso.split('-').map(Number);
  const index = year * 12 + month - 1 + months;
  const lastDay = new Date(Date.UTC(Math.floor(index / 12), (index % 12) + 1, 0)).getUTCDate();
  return isoFromMonthIndex(index, Math.min(day, lastDay));
}

function service(draw: Draw, person: Person, name: string, agency: Agency, min: number, max: number, ended = 0.3): ServiceInPlaceDto {
  const startDate = pastDate(draw, person, 24);
  return {
    name,
    weeklyCost: draw.pounds(min, max),
    fundingAgency: agency,
    startDate,
    ...(draw.chance(ended) ? { endDate: addMonthsToIsoDate(startDate, draw.integer(3, 18)) } : {}),
  };
}

function base(
  draw: Draw,
  person: Person,
  fields: { legalStatus: LegalStatus; tier: number; careState: YoungPersonInputDto['careState']; male: number },
): Omit<YoungPersonInputDto, 'reference' | 'needsProfile' | 'services'> {
  return {
    birthYear: Math.floor(person.birthIndex / 12),
    birthMonth: (person.birthIndex % 12) + 1,
    // A few records without sex recorded, as in real extracts.
    ...(draw.chance(0.02) ? {} : { sex: draw.chance(fields.male) ? 'male' : 'female' }),
    legalStatus: fields.legalStatus,
    tier: fields.tier,
    careState: fields.careState,
  };
}

const CLA_PRIMARY_NEEDS: ReadonlyArray<readonly [PrimaryNeed, number]> = [
  ['abuse_or_neglect', 66],
  ['family_dysfunction', 14],
  ['family_in_acute_stress', 8],
  ['child_disability', 3],
  ['parental_illness_or_disability', 3],
  ['socially_unacceptable_behaviour', 2],
  ['absent_parenting', 3],
  ['low_income', 1],
];

function needs(draw: Draw, person: Person, primaryNeed: PrimaryNeed, risk: { mentalHealth: number; youthJustice: number; exploitation: number; uasc?: boolean }): NeedsProfileDto {
  const schoolAge = person.ageYears >= 5;
  const profile: NeedsProfileDto = { primaryNeed, disability: primaryNeed === 'child_disability' || draw.chance(0.07) };
  if (risk.uasc) profile.uasc = true;
  if (schoolAge && person.ageYears < 25) {
    profile.specialEducationalNeeds = draw.weighted([
      ['none', 50],
      ['sen_support', 28],
      ['ehcp', 22],
    ] as const);
  }
  if (schoolAge) profile.mentalHealth = draw.chance(risk.mentalHealth);
  if (person.ageYears >= 10) {
    profile.youthJusticeInvolvement = draw.chance(risk.youthJustice);
    profile.exploitationRisk = draw.chance(risk.exploitation);
  }
  return profile;
}

type PlacementKind = 'kinship_foster' | 'inhouse_foster' | 'ifa_foster' | 'residential' | 'secure_home' | 'supported_accommodation';

/** Who provides each kind of placement, what it costs a week, how far from home. */
const PLACEMENT_MARKET: Record<PlacementKind, { providers: ReadonlyArray<readonly [PlacementProvider, number]>; price: (d: Draw) => number; miles: (d: Draw) => number }> = {
  kinship_foster: { providers: [['own_authority', 1]], price: (d) => d.pounds(300, 400), miles: (d) => d.miles(0.3, 12) },
  inhouse_foster: { providers: [['own_authority', 1]], price: (d) => d.pounds(450, 650), miles: (d) => d.miles(0.5, 15) },
  ifa_foster: {
    providers: [
      ['private', 80],
      ['voluntary', 20],
    ],
    // A few enhanced or parent-and-child placements cost more.
    price: (d) => (d.chance(0.1) ? d.pounds(1100, 1500) : d.pounds(900, 1100)),
    // Agencies place nearer than children's homes but further than in-house carers; with the
    // ranges here about 1 in 5 of the borough's placements are over 20 miles from home, near the
    // national share (12,820 of 65,920 with a known distance, 31 March 2015; DfE placement location).
    miles: (d) => d.miles(2, 28),
  },
  residential: {
    providers: [
      ['private', 84],
      ['own_authority', 10],
      ['voluntary', 6],
    ],
    price: (d) => d.weighted([['typical', 80], ['high', 12], ['very high', 8]] as const) === 'typical'
      ? d.pounds(5000, 7000)
      : d.chance(0.6) ? d.pounds(7000, 10000) : d.pounds(10000, 15000),
    miles: (d) => (d.chance(0.5) ? d.miles(2, 20) : d.miles(20, 160)),
  },
  secure_home: { providers: [['other_authority', 1]], price: (d) => d.pounds(7600, 8600), miles: (d) => d.miles(25, 220) },
  supported_accommodation: {
    providers: [
      ['private', 70],
      ['voluntary', 20],
      ['own_authority', 10],
    ],
    price: (d) => d.pounds(600, 1500),
    miles: (d) => d.miles(0.5, 25),
  },
};

/**
 * A weekly price for a placement in `careState`, drawn from `random` by the same market as the
 * cohort's placements (PLACEMENT_MARKET: the ranges and sources above), GBP, whole pence. Placed
 * for adoption and placed with parents: 0, no carer's fee or allowance (the model's unit cost
 * placed_at_home_or_for_adoption_social_work counts only social work time, which the scorecard
 * does not price). Undefined for a state with no market here (other placements, custody). The
 * demo's history episodes are priced with it (issue 17, review finding 4).
 */
export function demoPlacementPrice(careState: string, random: () => number): number | undefined {
  if (careState === 'placed_for_adoption' || careState === 'placed_with_parents') return 0;
  const market = (PLACEMENT_MARKET as Record<string, (typeof PLACEMENT_MARKET)[PlacementKind] | undefined>)[careState];
  return market ? market.price(new Draw(random)) : undefined;
}

/** Children looked after by age band and placement, before foster care is split by kind. */
const LOOKED_AFTER_CELLS: ReadonlyArray<{ ages: [number, number]; foster: number; residential: number; secure: number; supported: number; custody: number }> = [
  { ages: [0, 0], foster: 12, residential: 0, secure: 0, supported: 0, custody: 0 },
  { ages: [1, 4], foster: 34, residential: 0, secure: 0, supported: 0, custody: 0 },
  { ages: [5, 9], foster: 37, residential: 1, secure: 0, supported: 0, custody: 0 },
  { ages: [10, 15], foster: 74, residential: 18, secure: 2, supported: 0, custody: 0 },
  { ages: [16, 17], foster: 27, residential: 10, secure: 0, supported: 23, custody: 2 },
];

/**
 * Foster placements of one age band split by kind in fixed proportions (then shuffled), so the
 * mix is what the sources say rather than what one seed happens to draw. Kinship carers are
 * mostly grandparents of younger children; agencies take more teenagers.
 */
function fosterKinds(draw: Draw, count: number, firstAge: number): PlacementKind[] {
  const [kinship, ifa] = firstAge < 10 ? [0.26, 0.34] : firstAge < 16 ? [0.14, 0.44] : [0.1, 0.46];
  const kinshipCount = Math.round(count * kinship);
  const ifaCount = Math.round(count * ifa);
  const kinds: PlacementKind[] = [
    ...Array<PlacementKind>(kinshipCount).fill('kinship_foster'),
    ...Array<PlacementKind>(ifaCount).fill('ifa_foster'),
    ...Array<PlacementKind>(count - kinshipCount - ifaCount).fill('inhouse_foster'),
  ];
  return draw.shuffle(kinds);
}

function lookedAfterChild(draw: Draw, kind: PlacementKind | 'youth_custody', age: number): Omit<YoungPersonInputDto, 'reference'> {
  // A child in care is at least a month old, so the placement began in a month already past; and
  // a month past the state's minimum age, so it began at that age or over (notBeforeMinimumAge).
  const minimumAge = DEFAULT_CARE_STATES.find((s) => s.id === kind)?.minAgeYears ?? 0;
  const person = personAged(draw, age, minimumAge * 12 + 1);
  const uasc = age >= 14 && draw.chance(kind === 'supported_accommodation' ? 0.5 : age >= 16 ? 0.2 : 0.05) && kind !== 'youth_custody';
  const legalStatus: LegalStatus =
    kind === 'youth_custody'
      ? 'youth_justice_remand'
      : uasc
        ? 'section_20'
        : draw.weighted([
            ['care_order', 70],
            ['interim_care_order', 8],
            ['section_20', 14],
            ['placement_order', age < 5 ? 20 : 1],
          ] as const);
  const record = base(draw, person, { legalStatus, tier: 4, careState: kind, male: uasc ? 0.95 : 0.56 });
  const institutional = kind === 'residential' || kind === 'secure_home' || kind === 'youth_custody';
  const needsProfile = needs(draw, person, uasc ? 'absent_parenting' : draw.weighted(CLA_PRIMARY_NEEDS), {
    mentalHealth: age >= 10 ? (institutional ? 0.65 : 0.4) : 0.2,
    youthJustice: kind === 'youth_custody' ? 1 : institutional ? 0.3 : 0.08,
    exploitation: institutional ? 0.4 : 0.1,
    uasc,
  });

  const services: ServiceInPlaceDto[] = [];
  if (needsProfile.mentalHealth && draw.chance(0.6)) services.push(service(draw, person, 'CAMHS therapy', 'health', 40, 90));
  if (kind === 'residential' && draw.chance(0.5)) services.push(service(draw, person, 'Therapeutic support', 'childrens_social_care', 150, 350, 0.1));
  if (needsProfile.youthJusticeInvolvement && draw.chance(0.6)) services.push(service(draw, person, 'Youth offending team supervision', 'youth_justice', 50, 120));
  if (age >= 5 && draw.chance(0.25)) services.push(service(draw, person, 'Virtual school tuition', 'education', 30, 90));
  if (age < 10 && needsProfile.disability && draw.chance(0.6)) services.push(service(draw, person, 'Speech and language therapy', 'health', 30, 60));

  if (kind === 'youth_custody') return { ...record, needsProfile, services: services.slice(0, 3) };
  const market = PLACEMENT_MARKET[kind];
  return {
    ...record,
    needsProfile,
    placement: {
      type: kind,
      provider: draw.weighted(market.providers),
      ...(draw.chance(0.05) ? {} : { distanceFromHomeMiles: market.miles(draw) }),
      weeklyPrice: market.price(draw),
      startDate: notBeforeMinimumAge(kind, person, pastDate(draw, person, kind === 'supported_accommodation' ? 18 : 48)),
    },
    services: services.slice(0, 3),
  };
}

function edgeOfCare(draw: Draw): Omit<YoungPersonInputDto, 'reference'> {
  const person = personAged(draw, draw.weighted([[10, 1], [11, 2], [12, 3], [13, 4], [14, 5], [15, 5], [16, 3], [17, 1]] as const));
  const needsProfile = needs(draw, person, draw.weighted([['family_dysfunction', 40], ['socially_unacceptable_behaviour', 25], ['family_in_acute_stress', 20], ['abuse_or_neglect', 15]] as const), {
    mentalHealth: 0.45,
    youthJustice: 0.3,
    exploitation: 0.3,
  });
  const services = [
    draw.chance(0.55)
      ? service(draw, person, 'Multisystemic therapy', 'childrens_social_care', 110, 140, 0.5)
      : service(draw, person, 'Intensive family support', 'childrens_social_care', 170, 210, 0.4),
  ];
  if (needsProfile.youthJusticeInvolvement && draw.chance(0.7)) services.push(service(draw, person, 'Youth offending team supervision', 'youth_justice', 50, 120));
  if (needsProfile.mentalHealth && draw.chance(0.5)) services.push(service(draw, person, 'CAMHS therapy', 'health', 40, 90));
  return {
    ...base(draw, person, { legalStatus: 'not_looked_after', tier: draw.chance(0.6) ? 3 : 4, careState: 'edge_of_care', male: 0.6 }),
    needsProfile,
    services,
  };
}

function childInNeed(draw: Draw): Omit<YoungPersonInputDto, 'reference'> {
  const person = personAged(draw, draw.integer(0, 17));
  const needsProfile = needs(draw, person, draw.weighted(CLA_PRIMARY_NEEDS), { mentalHealth: 0.25, youthJustice: 0.08, exploitation: 0.1 });
  const services: ServiceInPlaceDto[] = [];
  if (draw.chance(0.7)) services.push(service(draw, person, 'Family support worker', 'childrens_social_care', 90, 150));
  if (person.ageYears < 12 && draw.chance(0.3)) services.push(service(draw, person, 'Parenting programme', 'childrens_social_care', 50, 80, 0.5));
  if (needsProfile.mentalHealth && draw.chance(0.5)) services.push(service(draw, person, 'CAMHS therapy', 'health', 40, 90));
  return {
    ...base(draw, person, { legalStatus: 'not_looked_after', tier: 4, careState: 'cin_cp', male: 0.52 }),
    needsProfile,
    services,
  };
}

function careLeaver(draw: Draw): Omit<YoungPersonInputDto, 'reference'> {
  const age = draw.weighted([[18, 14], [19, 13], [20, 12], [21, 9], [22, 6], [23, 5], [24, 4]] as const);
  const person = personAged(draw, age);
  const careState = draw.weighted([
    ['staying_put', age === 18 ? 30 : age < 21 ? 8 : 0],
    ['supported_lodgings', age < 21 ? 24 : 10],
    ['independent_eet', 30],
    ['independent_neet', 24],
    ['adult_custody', 4],
    ['homeless', 3],
  ] as const);
  const uasc = draw.chance(0.15);
  const needsProfile = needs(draw, person, uasc ? 'absent_parenting' : draw.weighted(CLA_PRIMARY_NEEDS), {
    mentalHealth: 0.4,
    youthJustice: careState === 'adult_custody' ? 1 : 0.12,
    exploitation: 0.1,
    uasc,
  });
  const services = [service(draw, person, 'Personal adviser', 'childrens_social_care', 45, 70, 0)];
  if (careState === 'staying_put') services.push(service(draw, person, 'Staying put allowance', 'childrens_social_care', 250, 320, 0));
  if (careState === 'supported_lodgings') services.push(service(draw, person, 'Supported lodgings', 'childrens_social_care', 250, 450, 0));
  if (careState === 'homeless' || (careState === 'independent_neet' && draw.chance(0.3))) services.push(service(draw, person, 'Housing support', 'housing', 80, 150));
  if (careState === 'independent_eet' && draw.chance(0.3)) services.push(service(draw, person, 'Higher education bursary', 'childrens_social_care', 20, 40));
  return {
    ...base(draw, person, {
      legalStatus: 'care_leaver',
      tier: ['independent_neet', 'homeless', 'adult_custody'].includes(careState) || age < 21 ? 4 : 3,
      careState,
      male: uasc ? 0.9 : 0.55,
    }),
    needsProfile,
    services: services.slice(0, 3),
  };
}

export const DEMO_COHORT_SIZES = { lookedAfter: 240, edgeOfCare: 40, childInNeed: 55, careLeavers: 65 } as const;

/** The cohort, ordered by reference. The same seed gives the same records, draw for draw. */
export function generateDemoCohort(seed = DEMO_COHORT_SEED): YoungPersonInputDto[] {
  const draw = new Draw(seed);
  const people: Array<Omit<YoungPersonInputDto, 'reference'>> = [];
  for (const cell of LOOKED_AFTER_CELLS) {
    const age = () => draw.integer(cell.ages[0], cell.ages[1]);
    for (const kind of fosterKinds(draw, cell.foster, cell.ages[0])) people.push(lookedAfterChild(draw, kind, age()));
    // Residential and secure care is mostly for older children within a band.
    for (let i = 0; i < cell.residential; i++) people.push(lookedAfterChild(draw, 'residential', Math.max(cell.ages[0], cell.ages[1] - draw.integer(0, 3))));
    for (let i = 0; i < cell.secure; i++) people.push(lookedAfterChild(draw, 'secure_home', draw.integer(13, 15)));
    for (let i = 0; i < cell.supported; i++) people.push(lookedAfterChild(draw, 'supported_accommodation', age()));
    for (let i = 0; i < cell.custody; i++) people.push(lookedAfterChild(draw, 'youth_custody', age()));
  }
  for (let i = 0; i < DEMO_COHORT_SIZES.edgeOfCare; i++) people.push(edgeOfCare(draw));
  for (let i = 0; i < DEMO_COHORT_SIZES.childInNeed; i++) people.push(childInNeed(draw));
  for (let i = 0; i < DEMO_COHORT_SIZES.careLeavers; i++) people.push(careLeaver(draw));

  // Pseudonymous references: "NV-" and five digits, drawn without replacement.
  const used = new Set<number>();
  const cohort = people.map((person) => {
    let number: number;
    do number = draw.integer(10000, 99999);
    while (used.has(number));
    used.add(number);
    return { reference: `NV-${number}`, ...person };
  });
  return cohort.sort((a, b) => (a.reference < b.reference ? -1 : 1));
}

export function generateDemoCohortCsv(seed = DEMO_COHORT_SEED): string {
  return formatYoungPeopleCsv(generateDemoCohort(seed));
}

if (import.meta.main) {
  const csv = generateDemoCohortCsv();
  await writeFile(DEMO_COHORT_FILE, csv);
  process.stdout.write(`wrote ${csv.trimEnd().split('\n').length - 1} young people to ${path.relative(projectRoot, DEMO_COHORT_FILE)}\n`);
}
