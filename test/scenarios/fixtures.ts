import type { TestApp } from '../helpers/app.ts';

/**
 * A small scenario on the default model: three planning years followed for six, an MST team of
 * 10 places a year for the edge of care, £20,000 of set-up. Small on purpose: with a handful of
 * people and a few dozen runs a whole run takes well under a second.
 */
export function smallScenario(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'small-mst',
    version: '1.0.0',
    name: 'A small MST team',
    model: { id: 'england-default' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 3,
    lifetimeYears: 6,
    strategy: {
      name: 'MST team',
      interventions: [{ id: 'mst', capacityPerYear: 10, oneOffPrice: 9500 }],
      investment: [{ year: '2026-27', agency: 'childrens_social_care', amount: 20000, label: 'Set-up' }],
    },
    runs: 30,
    seed: 11,
    ...overrides,
  };
}

let counter = 0;
const reference = () => `SCN-${process.pid}-${++counter}`;

/** A young person born in `birthYear` (January), in `state`; a placement at `weeklyPrice` for placement states. */
export function record(birthYear: number, state: 'edge_of_care' | 'cin_cp' | 'residential' | 'ifa_foster', extra: { tier?: number; weeklyPrice?: number } = {}) {
  const placement =
    state === 'residential' || state === 'ifa_foster'
      ? { type: state, provider: 'private', distanceFromHomeMiles: 12, weeklyPrice: extra.weeklyPrice ?? (state === 'residential' ? 6200 : 900), startDate: '2025-06-01' }
      : undefined;
  return {
    reference: reference(),
    birthYear,
    birthMonth: 1,
    legalStatus: placement ? 'care_order' : 'not_looked_after',
    tier: extra.tier ?? (placement ? 4 : 3),
    careState: state,
    needsProfile: {},
    ...(placement ? { placement } : {}),
    services: [],
  };
}

/**
 * Six young people: four on the edge of care or on a plan (aged 12-15 on 1 April 2026), two
 * looked after. Returns their ids.
 */
export async function addCohort(as: TestApp['as']): Promise<string[]> {
  const records = [record(2013, 'edge_of_care'), record(2012, 'edge_of_care'), record(2011, 'cin_cp'), record(2014, 'cin_cp'), record(2011, 'residential'), record(2010, 'ifa_foster')];
  const ids: string[] = [];
  for (const payload of records) {
    const response = await as('finance', { method: 'POST', url: '/v1/young-people', payload });
    if (response.statusCode !== 201) throw new Error(`could not add a young person: ${response.body}`);
    ids.push(response.json().id);
  }
  return ids;
}

/** Polls getJob until `done` holds or the job has finished; no timing is asserted. */
export async function pollJob(as: TestApp['as'], id: string, done: (job: { status: string; progress: number }) => boolean = () => false) {
  for (;;) {
    const job = (await as('finance', { method: 'GET', url: `/v1/jobs/${id}` })).json();
    if (done(job) || ['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs a stored scenario through the API and waits for the job; returns the finished job. */
export async function runAndWait(as: TestApp['as'], id: string, body: Record<string, unknown> = {}) {
  const response = await as('commissioning', { method: 'POST', url: `/v1/scenarios/${id}/runs`, payload: body });
  if (response.statusCode !== 202) throw new Error(`runScenario answered ${response.statusCode}: ${response.body}`);
  return pollJob(as, response.json().id);
}
