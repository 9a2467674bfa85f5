import type { TestApp } from '../helpers/app.ts';
import { HAND_HISTORIES } from '../outcomes/hand-history.ts';
import { PLACEMENT_STATE_IDS, type YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { edgeOfCareRecord } from '../young-people/records.ts';

/**
 * The hand-made history of test/outcomes/hand-history.ts stored through the API (hand counts
 * there): A-E in the North team (budget £100,000), F-J in the South team (no budget), each young
 * person with one £115-a-week service, key workers KW-001 (A, B, C) and KW-002 (D, E). Shared by
 * the scorecard API test and the pack's Scorecard sheet test. Throws when a record or a history
 * is refused, saying which.
 */
export async function addHandBorough(as: TestApp['as']): Promise<{ north: string; south: string }> {
  const north = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North', service: 'children_looked_after', annualBudget: 100_000 } })).json().id;
  const south = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'South', service: 'leaving_care' } })).json().id;
  const workers: Record<string, string> = { A: 'KW-001', B: 'KW-001', C: 'KW-001', D: 'KW-002', E: 'KW-002' };
  for (const [letter, hand] of Object.entries(HAND_HISTORIES)) {
    // J (born December 2004) is 21 today, past staying put's age (under 21): J moves on to adult
    // on the 21st birthday, 1 December 2025, as the age rules have it for every episode (a PUT
    // refuses staying put running past it), so the open episode agrees with today's record. The
    // birthday is read as before: an adult with nothing recorded is "not known" as a staying-put
    // young person with nothing recorded was.
    const history =
      letter === 'J'
        ? { ...hand, episodes: [...hand.episodes.slice(0, -1), { ...hand.episodes[hand.episodes.length - 1], endDate: '2025-12-01' }, { startDate: '2025-12-01', careState: 'adult', newPlacement: false }] }
        : hand;
    // The record's care state is the open episode's (a history may not contradict its record);
    // a placement at no weekly price, so spend is the services' alone.
    const open = history.episodes[history.episodes.length - 1];
    // The placement began where the history begins it: back through the same-state episodes the
    // open one continues with newPlacement false (a history may not contradict its record's
    // placement start, review of 2 December).
    let k = history.episodes.length - 1;
    while (k > 0 && history.episodes[k].newPlacement === false && history.episodes[k - 1].careState === history.episodes[k].careState && history.episodes[k - 1].endDate === history.episodes[k].startDate) k--;
    const placementStart = history.episodes[k].startDate;
    const placed = PLACEMENT_STATE_IDS.includes(open.careState as (typeof PLACEMENT_STATE_IDS)[number]);
    const record = edgeOfCareRecord({
      birthYear: history.birthYear,
      birthMonth: history.birthMonth,
      careState: open.careState as YoungPersonInputDto['careState'],
      ...(placed ? { legalStatus: 'care_order', placement: { type: open.careState, provider: 'own_authority', weeklyPrice: 0, startDate: placementStart } as YoungPersonInputDto['placement'] } : {}),
      teamId: 'ABCDE'.includes(letter) ? north : south,
      ...(workers[letter] ? { keyWorkerReference: workers[letter] } : {}),
    });
    const created = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
    if (created.statusCode !== 201) throw new Error(`${letter} refused: ${created.body}`);
    const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${created.json().id}/history`, payload: { episodes: history.episodes.map(({ distanceMiles, ...rest }) => ({ ...rest, ...(distanceMiles !== undefined ? { distanceFromHomeMiles: distanceMiles } : {}) })) } });
    if (put.statusCode !== 200) throw new Error(`${letter} history refused: ${put.body}`);
  }
  return { north, south };
}
