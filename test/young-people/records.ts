import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';

let counter = 0;

/** A fresh pseudonymous reference for each call, so tests never collide by accident. */
export function nextReference(prefix = 'T'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** YYYY-MM-DD `days` from today (negative: before), in UTC. */
export function daysFromToday(days: number, today = new Date()): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days)).toISOString().slice(0, 10);
}

/** A 10-year-old on a care order in an IFA foster placement since `days` ago (8 miles, £900 a week), with `overrides`. */
export function fosterRecord(days: number, overrides: Partial<YoungPersonInputDto> = {}, today = new Date()): YoungPersonInputDto {
  return edgeOfCareRecord(
    {
      birthYear: today.getUTCFullYear() - 10,
      legalStatus: 'care_order',
      careState: 'ifa_foster',
      placement: { type: 'ifa_foster', provider: 'private', distanceFromHomeMiles: 8, weeklyPrice: 900, startDate: daysFromToday(-days, today) },
      ...overrides,
    },
    today,
  );
}

/**
 * A valid 15-year-old in a residential children's home on today's date: born in January, so the
 * age is exactly the difference of years whatever today's month.
 */
export function residentialRecord(overrides: Partial<YoungPersonInputDto> = {}, today = new Date()): YoungPersonInputDto {
  const year = today.getUTCFullYear();
  return {
    reference: nextReference(),
    birthYear: year - 15,
    birthMonth: 1,
    sex: 'male',
    legalStatus: 'care_order',
    tier: 4,
    careState: 'residential',
    needsProfile: { primaryNeed: 'abuse_or_neglect', mentalHealth: true, exploitationRisk: true, specialEducationalNeeds: 'ehcp' },
    placement: { type: 'residential', provider: 'private', distanceFromHomeMiles: 42.5, weeklyPrice: 6123.45, startDate: `${year - 1}-06-15` },
    services: [
      { name: 'Therapeutic support', weeklyCost: 250, fundingAgency: 'childrens_social_care', startDate: `${year - 1}-07-01` },
      { name: 'CAMHS therapy', weeklyCost: 75.5, fundingAgency: 'health', startDate: `${year - 1}-09-01`, endDate: `${year + 1}-03-31` },
    ],
    ...overrides,
  };
}

/** A valid 12-year-old at home on the edge of care, with no placement. */
export function edgeOfCareRecord(overrides: Partial<YoungPersonInputDto> = {}, today = new Date()): YoungPersonInputDto {
  const year = today.getUTCFullYear();
  return {
    reference: nextReference(),
    birthYear: year - 12,
    birthMonth: 1,
    legalStatus: 'not_looked_after',
    tier: 3,
    careState: 'edge_of_care',
    needsProfile: { primaryNeed: 'family_dysfunction' },
    services: [{ name: 'Multisystemic therapy', weeklyCost: 115, fundingAgency: 'childrens_social_care', startDate: `${year - 1}-11-01` }],
    ...overrides,
  };
}

/** Fields the server adds to a record. */
export function recordPart(dto: Record<string, unknown>): Record<string, unknown> {
  // The list also says how many plans and projections each has (for the page's search): not part of the record.
  const { id: _id, version: _v, ageYears: _a, createdAt: _c, updatedAt: _u, carePlanCount: _p, projectionCount: _n, ...record } = dto;
  return record;
}
