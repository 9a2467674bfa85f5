import t from 'tap';
import { YOUNG_PEOPLE_CSV_COLUMNS } from '../../src/services/young-people-import.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { daysFromToday, edgeOfCareRecord, fosterRecord } from '../young-people/records.ts';

/**
 * Issue 17, review finding 4: an entry to care made through the record (POST, PATCH into a
 * looked-after state, a CSV row) can say how it began (entryToCare), kept on the history episode
 * that starts the period of care, so the scorecard's unplanned entries count it. A flag that does
 * not start a period of care is refused naming the field, never dropped. Dates relative to today.
 */

const iso = (d: Date) => d.toISOString().slice(0, 10);
const now = new Date();
const today = iso(now);
const year = now.getUTCFullYear();

type Cell = { numerator: unknown; denominator: unknown };
async function unplanned(as: TestApp['as']): Promise<[unknown, unknown]> {
  const body = (await as('head_of_service', { method: 'GET', url: `/v1/scorecard?asOf=${today}&quarters=1` })).json() as { groups: Array<{ measures: Array<{ id: string; organisation: Cell }> }> };
  const m = body.groups.flatMap((g) => g.measures).find((x) => x.id === 'unplanned_entries') as { organisation: Cell };
  return [m.organisation.numerator, m.organisation.denominator];
}


/**
 * A family at the edge of care since two years ago: the borough's recorded history starts then,
 * so the year to today is complete (src/outcomes/scorecard.ts historyStart). Not looked after,
 * so in none of the counts.
 */
async function historySince(as: TestApp['as']): Promise<void> {
  const family = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
  const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${family.id}/history`, payload: { episodes: [{ startDate: daysFromToday(-730), careState: 'edge_of_care', newPlacement: false }] } });
  if (put.statusCode !== 200) throw new Error(put.body);
}

const historyOf = async (as: TestApp['as'], id: string) => (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items as Array<Record<string, unknown>>;
const versionOf = async (as: TestApp['as'], id: string) => (await as('admin', { method: 'GET', url: `/v1/young-people/${id}` })).json().version as number;

t.test('POST and PATCH carry the entry flag to the episode that starts the period of care', async (t) => {
  const { as } = await buildTestApp(t);
  await historySince(as);
  // Created in care, unplanned: the first episode carries the flag; the record does not.
  const a = await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(30, { entryToCare: 'unplanned_emergency' }) });
  t.equal(a.statusCode, 201);
  t.notOk('entryToCare' in a.json(), 'not a field of the record');
  t.match(await historyOf(as, a.json().id), [{ careState: 'ifa_foster', startDate: daysFromToday(-30), entry: 'unplanned_emergency' }]);
  // Created in care, planned.
  const b = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(20, { entryToCare: 'planned' }) })).json();
  t.match(await historyOf(as, b.id), [{ entry: 'planned' }]);
  t.same(await unplanned(as), [1, 2], 'one unplanned of two entries');

  // On the edge of care, then taken into care in an emergency through PATCH.
  const c = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
  const patched = await as('finance', {
    method: 'PATCH',
    url: `/v1/young-people/${c.id}`,
    payload: {
      version: c.version,
      careState: 'ifa_foster',
      legalStatus: 'interim_care_order',
      placement: { type: 'ifa_foster', provider: 'private', distanceFromHomeMiles: 3, weeklyPrice: 950, startDate: today },
      entryToCare: 'unplanned_emergency',
    },
  });
  t.equal(patched.statusCode, 200, patched.body);
  // The edge-of-care episode began today too, so the change replaces it (a change on an open
  // episode's first day): one episode, the entry.
  t.match(await historyOf(as, c.id), [{ startDate: today, careState: 'ifa_foster', entry: 'unplanned_emergency', newPlacement: true }]);
  // One on the edge of care since an earlier day keeps that episode, unflagged.
  const d = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
  t.equal((await as('admin', { method: 'PUT', url: `/v1/young-people/${d.id}/history`, payload: { episodes: [{ startDate: daysFromToday(-90), careState: 'edge_of_care', newPlacement: false }] } })).statusCode, 200);
  const taken = await as('finance', {
    method: 'PATCH',
    url: `/v1/young-people/${d.id}`,
    payload: { version: await versionOf(as, d.id), careState: 'kinship_foster', legalStatus: 'interim_care_order', placement: { type: 'kinship_foster', provider: 'own_authority', distanceFromHomeMiles: 2, weeklyPrice: 300, startDate: today }, entryToCare: 'planned' },
  });
  t.equal(taken.statusCode, 200, taken.body);
  const history = await historyOf(as, d.id);
  t.equal(history.length, 2);
  t.match(history[0], { startDate: daysFromToday(-90), endDate: today, careState: 'edge_of_care' });
  t.equal(history[0].entry, undefined, 'the edge-of-care episode carries no flag');
  t.match(history[1], { startDate: today, careState: 'kinship_foster', entry: 'planned', newPlacement: true });
  t.same(await unplanned(as), [2, 4], 'two unplanned of four entries (without the flag on c: 1 of 4)');
});

t.test('a flag that starts no period of care is refused naming body/entryToCare, and nothing is written', async (t) => {
  const { as } = await buildTestApp(t);
  // A new record outside care.
  const outside = await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ entryToCare: 'planned' }) });
  t.equal(outside.statusCode, 422);
  t.same(outside.json().errors, [{ field: 'body/entryToCare', reason: "flags an entry to care, so it needs a looked-after care state, or custody on remand (the record's is edge_of_care, legal status not_looked_after)" }]);
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people' })).json().total, 0, 'nothing stored');
  // A value outside the list: the schema's 400 naming the field.
  const unknown = await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(5, { entryToCare: 'emergency' as never }) });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().errors, [{ field: 'body/entryToCare' }]);

  // Already looked after: a move between placements is no entry.
  const child = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(40) })).json();
  const move = await as('finance', {
    method: 'PATCH',
    url: `/v1/young-people/${child.id}`,
    payload: { version: child.version, careState: 'residential', placement: { type: 'residential', provider: 'private', distanceFromHomeMiles: 30, weeklyPrice: 5000, startDate: today }, entryToCare: 'unplanned_emergency' },
  });
  t.equal(move.statusCode, 422);
  t.same(move.json().errors, [{ field: 'body/entryToCare', reason: "flags an entry to care, but the young person is already looked after (ifa_foster): this change continues the period of care" }]);
  // The flag alone (no other change) is refused too, not silently dropped.
  const alone = await as('finance', { method: 'PATCH', url: `/v1/young-people/${child.id}`, payload: { version: child.version, entryToCare: 'planned' } });
  t.equal(alone.statusCode, 422);
  t.equal(alone.json().errors[0].field, 'body/entryToCare');
  t.equal(await versionOf(as, child.id), child.version, 'the record is unchanged');
  t.equal((await historyOf(as, child.id)).length, 1, 'the history is unchanged');

  // Leaving care is not an entry either.
  const home = await as('finance', { method: 'PATCH', url: `/v1/young-people/${child.id}`, payload: { version: child.version, careState: 'edge_of_care', legalStatus: 'not_looked_after', placement: null, entryToCare: 'planned' } });
  t.equal(home.statusCode, 422);
  t.equal(home.json().errors[0].field, 'body/entryToCare');

  // The history says looked after up to today though the record says otherwise (a history
  // recorded with PUT): an entry flag would contradict it, so it is refused.
  const edge = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
  const put = await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${edge.id}/history`,
    payload: { episodes: [{ startDate: daysFromToday(-50), endDate: daysFromToday(-1), careState: 'ifa_foster', newPlacement: true, exitReason: 'returned_home' }, { startDate: daysFromToday(-1), careState: 'edge_of_care', newPlacement: false }] },
  });
  t.equal(put.statusCode, 200, put.body);
  const back = await as('finance', {
    method: 'PATCH',
    url: `/v1/young-people/${edge.id}`,
    payload: { version: await versionOf(as, edge.id), careState: 'ifa_foster', legalStatus: 'care_order', placement: { type: 'ifa_foster', provider: 'private', distanceFromHomeMiles: 3, weeklyPrice: 950, startDate: today }, entryToCare: 'planned' },
  });
  t.equal(back.statusCode, 200, 'a return to care the day after leaving it is a new period (the edge-of-care day between)');
  t.match((await historyOf(as, edge.id)).at(-1), { startDate: today, entry: 'planned' });
});

t.test('the young-people CSV takes entry_to_care; a flag outside care is refused naming the row and column', async (t) => {
  const { as } = await buildTestApp(t);
  t.ok(YOUNG_PEOPLE_CSV_COLUMNS.some((c) => c.name === 'entry_to_care'), 'a documented column');
  const csv = { 'content-type': 'text/csv; charset=utf-8' };
  const header = 'reference,birth_year,birth_month,legal_status,tier,care_state,placement_type,placement_provider,placement_distance_miles,placement_weekly_price,placement_start_date,primary_need,entry_to_care';
  const row = (ref: string, state: string, entry: string) =>
    state === 'edge_of_care'
      ? `${ref},${year - 12},3,not_looked_after,3,edge_of_care,,,,,,family_dysfunction,${entry}`
      : `${ref},${year - 12},3,care_order,4,${state},${state},private,6,880,${daysFromToday(-10)},abuse_or_neglect,${entry}`;
  const bad = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: `${header}\n${row('CSV-1', 'ifa_foster', 'Unplanned emergency')}\n${row('CSV-2', 'edge_of_care', 'planned')}\n`, headers: csv });
  t.equal(bad.statusCode, 422);
  t.match(bad.json().errors, [{ row: 2, field: 'entry_to_care', reason: /needs a looked-after care state/ }]);
  t.equal(bad.json().errors.length, 1);
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people' })).json().total, 0, 'all or nothing');
  await historySince(as);

  const good = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: `${header}\n${row('CSV-1', 'ifa_foster', 'Unplanned emergency')}\n${row('CSV-2', 'inhouse_foster', 'planned')}\n${row('CSV-3', 'edge_of_care', '')}\n`, headers: csv });
  t.equal(good.statusCode, 201, good.body);
  const people = (await as('finance', { method: 'GET', url: '/v1/young-people' })).json().items as Array<{ id: string; reference: string }>;
  const entryOf = async (ref: string) => (await historyOf(as, (people.find((p) => p.reference === ref) as { id: string }).id))[0].entry;
  t.equal(await entryOf('CSV-1'), 'unplanned_emergency', 'written as words, read as the code');
  t.equal(await entryOf('CSV-2'), 'planned');
  t.equal(await entryOf('CSV-3'), undefined);
  t.same(await unplanned(as), [1, 2]);
});
