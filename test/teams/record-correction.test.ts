import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { daysFromToday, edgeOfCareRecord, fosterRecord } from '../young-people/records.ts';

/**
 * Issue 17, second review finding 2 (high): correcting today's placement through PATCH (its
 * distance or provider, the same type and start) replaced the open history episode with one
 * that had lost its entry flag, its newPlacement and its district, so unplanned entries and
 * "three or more placements" fell. A correction now leaves the history's facts alone: the
 * distance is corrected on every episode of that placement, nothing else changes.
 */

const historyOf = async (as: TestApp['as'], id: string) => (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items as Array<Record<string, unknown>>;
const recordOf = async (as: TestApp['as'], id: string) => (await as('admin', { method: 'GET', url: `/v1/young-people/${id}` })).json();

async function patchPlacement(as: TestApp['as'], id: string, change: Record<string, unknown>) {
  const record = await recordOf(as, id);
  const response = await as('finance', { method: 'PATCH', url: `/v1/young-people/${id}`, payload: { version: record.version, placement: { ...record.placement, ...change } } });
  if (response.statusCode !== 200) throw new Error(response.body);
}

t.test('a corrected distance or provider keeps the entry flag, newPlacement and district; the distance is corrected', async (t) => {
  const { as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(60, { entryToCare: 'unplanned_emergency' }) })).json();
  const before = await historyOf(as, person.id);
  t.match(before, [{ startDate: daysFromToday(-60), careState: 'ifa_foster', entry: 'unplanned_emergency', newPlacement: true, distanceFromHomeMiles: 8 }]);

  await patchPlacement(as, person.id, { distanceFromHomeMiles: 40 });
  const afterDistance = await historyOf(as, person.id);
  t.equal(afterDistance.length, 1, 'still one episode');
  t.match(afterDistance[0], { id: before[0].id, startDate: daysFromToday(-60), careState: 'ifa_foster', entry: 'unplanned_emergency', newPlacement: true, distanceFromHomeMiles: 40 });

  await patchPlacement(as, person.id, { provider: 'voluntary' });
  const afterProvider = await historyOf(as, person.id);
  t.same(afterProvider, afterDistance, 'a provider correction changes nothing in the history');
});

t.test('a move then a corrected distance: the new placement stays new, and its district is kept', async (t) => {
  const { as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(30) })).json();
  // Moved 30 days ago from in-house foster care (since 200 days ago) to this agency placement.
  const put = await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${person.id}/history`,
    payload: {
      episodes: [
        { startDate: daysFromToday(-200), endDate: daysFromToday(-30), careState: 'inhouse_foster', entry: 'planned' },
        { startDate: daysFromToday(-30), careState: 'ifa_foster', placementDistrict: 'NV3', distanceFromHomeMiles: 8 },
      ],
    },
  });
  t.equal(put.statusCode, 200, put.body);
  await patchPlacement(as, person.id, { distanceFromHomeMiles: 10 });
  const history = await historyOf(as, person.id);
  t.match(history, [
    { careState: 'inhouse_foster', entry: 'planned', newPlacement: true },
    { startDate: daysFromToday(-30), careState: 'ifa_foster', newPlacement: true, placementDistrict: 'NV3', distanceFromHomeMiles: 10 },
  ]);
});

t.test('a placement split by a team change: the corrected distance reaches every episode of it', async (t) => {
  const { as } = await buildTestApp(t);
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Looked after east', service: 'children_looked_after' } })).json();
  // In the team today, as the open episode below says (a history may not contradict its record's team).
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(60, { teamId: team.id }) })).json();
  const put = await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${person.id}/history`,
    payload: {
      episodes: [
        { startDate: daysFromToday(-60), endDate: daysFromToday(-10), careState: 'ifa_foster', entry: 'planned', distanceFromHomeMiles: 8 },
        { startDate: daysFromToday(-10), careState: 'ifa_foster', newPlacement: false, distanceFromHomeMiles: 8, teamId: team.id },
      ],
    },
  });
  t.equal(put.statusCode, 200, put.body);
  await patchPlacement(as, person.id, { distanceFromHomeMiles: 25 });
  t.match(await historyOf(as, person.id), [
    { startDate: daysFromToday(-60), entry: 'planned', newPlacement: true, distanceFromHomeMiles: 25 },
    { startDate: daysFromToday(-10), newPlacement: false, distanceFromHomeMiles: 25, teamId: team.id },
  ]);
});

t.test('a care state corrected on the placement’s first day keeps the entry flag of the period it starts', async (t) => {
  const { as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(45, { entryToCare: 'unplanned_emergency' }) })).json();
  const record = await recordOf(as, person.id);
  const response = await as('finance', {
    method: 'PATCH',
    url: `/v1/young-people/${person.id}`,
    payload: { version: record.version, careState: 'inhouse_foster', placement: { ...record.placement, type: 'inhouse_foster', provider: 'own_authority' } },
  });
  t.equal(response.statusCode, 200, response.body);
  t.match(await historyOf(as, person.id), [{ startDate: daysFromToday(-45), careState: 'inhouse_foster', entry: 'unplanned_emergency', newPlacement: true }]);
  // Outside care, an episode replaced on its first day carries no entry (none to carry).
  const family = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
  t.match(await historyOf(as, family.id), [{ careState: 'edge_of_care' }]);
  t.notOk((await historyOf(as, family.id))[0].entry);
});
