import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';

let counter = 0;

/** A fresh pseudonymous reference for each call. */
export function nextReference(): string {
  counter += 1;
  return `CP-${process.pid}-${counter}`;
}

/** This calendar month as YYYY-MM, the default start of a projection. */
export function thisMonth(today = new Date()): string {
  return `${today.getUTCFullYear()}-${String(today.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * A young person aged exactly `years` at the start of this month (born in this month of the
 * year `years` ago), in a residential children's home at an actual £6,800 a week.
 */
export function residentialAged(years: number, overrides: Partial<YoungPersonInputDto> = {}, today = new Date()): YoungPersonInputDto {
  const year = today.getUTCFullYear();
  return {
    reference: nextReference(),
    birthYear: year - years,
    birthMonth: today.getUTCMonth() + 1,
    legalStatus: 'care_order',
    tier: 4,
    careState: 'residential',
    needsProfile: { primaryNeed: 'abuse_or_neglect', mentalHealth: true },
    placement: { type: 'residential', provider: 'private', distanceFromHomeMiles: 40, weeklyPrice: 6800, startDate: `${year - 1}-06-15` },
    services: [{ name: 'Therapeutic support', weeklyCost: 250, fundingAgency: 'childrens_social_care', startDate: `${year - 1}-07-01` }],
    ...overrides,
  };
}

/** A care leaver aged exactly `years` this month, in supported lodgings (no placement). */
export function careLeaverAged(years: number, today = new Date()): YoungPersonInputDto {
  return {
    reference: nextReference(),
    birthYear: today.getUTCFullYear() - years,
    birthMonth: today.getUTCMonth() + 1,
    legalStatus: 'care_leaver',
    tier: 3,
    careState: 'supported_lodgings',
    needsProfile: {},
    services: [],
  };
}

/** The three plans for a 14-year-old in residential care. */
export const threePlans = [
  { name: 'Stay in residential' },
  { name: 'Step down to foster care', moves: [{ month: 3, to: 'inhouse_foster' }], interventions: [{ id: 'therapeutic_step_down', startMonth: 3 }] },
  { name: 'Supported accommodation at 16', moves: [{ month: 24, to: 'supported_accommodation' }] },
];
