import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { edgeOfCareRecord, residentialRecord } from '../young-people/records.ts';

/**
 * Review of 1 December (histories): every episode within its care state's ages, not only the
 * open one; a gap after a looked-after episode of an open case needs an exitReason. Through the
 * JSON PUT and the CSV import, naming the field, nothing written on refusal.
 */

const year = new Date().getUTCFullYear();
// Born February, 20 years ago: 20 today (19 in January), a care leaver. Birthdays are the first
// of the birth month, so the 16th is `${year - 4}-02-01` and the 18th `${year - 2}-02-01`.
const leaver = () => edgeOfCareRecord({ birthYear: year - 20, birthMonth: 2, legalStatus: 'care_leaver', tier: 2, careState: 'independent_eet' });
const leaverNow = { startDate: `${year - 1}-06-01`, careState: 'independent_eet' };

async function create(as: TestApp['as'], record: ReturnType<typeof leaver>): Promise<string> {
  const res = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().id;
}

t.test('PUT history: a past episode past its state’s maximum age, or begun before its minimum, is 422 naming careState', async (t) => {
  const { as } = await buildTestApp(t);
  const id = await create(as, leaver());
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${id}/history`, payload: { episodes } });
  const before = (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items;

  // The reviewer's case: in-house foster care to 1 June last year, at 19 (main: 200, counted looked after at 19).
  const fosterTo19 = await put([{ startDate: `${year - 10}-03-01`, endDate: `${year - 1}-06-01`, careState: 'inhouse_foster', exitReason: 'age_18_or_over' }, leaverNow]);
  t.equal(fosterTo19.statusCode, 422);
  t.same(fosterTo19.json().errors, [
    {
      field: 'body/episodes/0/careState',
      reason: `inhouse_foster is for ages under 18; this episode runs to ${year - 1}-06-01, reaching age 19 (it may end on the 18th birthday, ${year - 2}-02-01, at the latest)`,
    },
  ]);
  // A day past the 18th birthday: its last day is the birthday itself, at 18.
  const dayLate = await put([{ startDate: `${year - 10}-03-01`, endDate: `${year - 2}-02-02`, careState: 'inhouse_foster', exitReason: 'age_18_or_over' }, { ...leaverNow, startDate: `${year - 2}-02-02` }]);
  t.equal(dayLate.statusCode, 422);
  t.same(dayLate.json().errors, [
    {
      field: 'body/episodes/0/careState',
      reason: `inhouse_foster is for ages under 18; this episode runs to ${year - 2}-02-02, reaching age 18 (it may end on the 18th birthday, ${year - 2}-02-01, at the latest)`,
    },
  ]);
  // A care leaver's state at 2 (main: 200); given second, so the index is as given.
  const leaverAt2 = await put([leaverNow, { startDate: `${year - 18}-03-01`, endDate: `${year - 17}-03-01`, careState: 'independent_eet' }]);
  t.equal(leaverAt2.statusCode, 422);
  t.same(leaverAt2.json().errors, [
    { field: 'body/episodes/1/careState', reason: `independent_eet is for ages 16 and over; this episode starts on ${year - 18}-03-01, at age 2 (the 16th birthday is ${year - 4}-02-01)` },
  ]);
  // A day before the 16th birthday, though open and allowed today: refused too.
  const openEarly = await put([{ startDate: `${year - 4}-01-31`, careState: 'independent_eet' }]);
  t.equal(openEarly.statusCode, 422);
  t.same(openEarly.json().errors, [
    { field: 'body/episodes/0/careState', reason: `independent_eet is for ages 16 and over; this episode starts on ${year - 4}-01-31, at age 15 (the 16th birthday is ${year - 4}-02-01)` },
  ]);
  t.same((await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items, before, 'nothing written by a refusal');

  // On the birthdays exactly: foster care ending on the 18th (endDate is the first day not in it), a care leaver's state from the 16th.
  const onBirthdays = await put([
    { startDate: `${year - 10}-03-01`, endDate: `${year - 2}-02-01`, careState: 'inhouse_foster', exitReason: 'age_18_or_over' },
    { startDate: `${year - 2}-02-01`, careState: 'independent_eet' },
  ]);
  t.equal(onBirthdays.statusCode, 200, 'foster care to the 18th birthday');
  const early = await put([
    { startDate: `${year - 4}-02-01`, endDate: `${year - 3}-02-01`, careState: 'supported_lodgings' },
    { startDate: `${year - 3}-02-01`, careState: 'independent_eet' },
  ]);
  t.equal(early.statusCode, 200, 'a care leaver’s state from the 16th birthday');
});

t.test('PUT history: a looked-after episode of an open case ending in a gap with no exitReason is 422 naming exitReason', async (t) => {
  const { as } = await buildTestApp(t);
  // 15, residential, open; placed on the open episode's start (a history may not contradict it).
  const id = await create(as, residentialRecord({ placement: { ...(residentialRecord().placement as NonNullable<ReturnType<typeof residentialRecord>['placement']>), startDate: `${year - 2}-03-01` } }));
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${id}/history`, payload: { episodes } });
  const before = (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items;
  const now = { startDate: `${year - 2}-03-01`, careState: 'residential' };
  const past = { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'ifa_foster' };
  // Given open episode first, so the index and the episode named are as given (main: 200, read as an exit with no reason).
  const gap = await put([now, past]);
  t.equal(gap.statusCode, 422);
  t.same(gap.json().errors, [
    {
      field: 'body/episodes/1/exitReason',
      reason: `is missing: care ends on ${year - 2}-01-01 and the next episode (episode 0) starts only on ${year - 2}-03-01, so this ends a period of care; give an exitReason, or end this episode on the day the next starts`,
    },
  ]);
  t.same((await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items, before, 'nothing written');
  // With a reason, or with no gap, or after an episode outside care (no period of care ends): accepted.
  t.equal((await put([now, { ...past, exitReason: 'returned_home' }])).statusCode, 200);
  t.equal((await put([now, { ...past, endDate: now.startDate }])).statusCode, 200);
  t.equal((await put([now, { ...past, careState: 'edge_of_care' }])).statusCode, 200);
});

t.test('CSV import: the same two rules, naming the row and the care_state or exit_reason column; nothing stored', async (t) => {
  const { as } = await buildTestApp(t);
  const person = leaver();
  const id = await create(as, person);
  const child = residentialRecord();
  child.placement = { ...(child.placement as NonNullable<typeof child.placement>), startDate: `${year - 2}-03-01` };
  await create(as, child);
  const csv = (body: string) => as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: body });
  const ref = person.reference;
  const head = 'reference,start_date,end_date,care_state,exit_reason';
  const res = await csv(
    [
      head,
      `${ref},${year - 10}-03-01,${year - 1}-06-01,inhouse_foster,age_18_or_over`,
      `${ref},${year - 1}-06-01,,independent_eet,`,
      `${child.reference},${year - 2}-03-01,,residential,`,
      `${child.reference},${year - 3}-01-01,${year - 2}-01-01,ifa_foster,`,
    ].join('\n'),
  );
  t.equal(res.statusCode, 422);
  t.same(res.json().errors, [
    { row: 1, field: 'care_state', reason: `inhouse_foster is for ages under 18; this episode runs to ${year - 1}-06-01, reaching age 19 (it may end on the 18th birthday, ${year - 2}-02-01, at the latest)` },
    {
      row: 4,
      field: 'exit_reason',
      reason: `is missing: care ends on ${year - 2}-01-01 and the next episode (row 3) starts only on ${year - 2}-03-01, so this ends a period of care; give an exitReason, or end this episode on the day the next starts`,
    },
  ]);
  const leaverAt2 = await csv(`${head}\n${ref},${year - 18}-03-01,${year - 17}-03-01,independent_eet,\n${ref},${year - 1}-06-01,,independent_eet,\n`);
  t.same(leaverAt2.json().errors, [
    { row: 1, field: 'care_state', reason: `independent_eet is for ages 16 and over; this episode starts on ${year - 18}-03-01, at age 2 (the 16th birthday is ${year - 4}-02-01)` },
  ]);
  const items = (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items;
  t.same(
    items.map((e: { careState: string }) => e.careState),
    ['independent_eet'],
    'nothing stored',
  );
  // Corrected: foster care to the 18th birthday, the gap closed by an exit reason.
  const fixed = await csv(
    [
      head,
      `${ref},${year - 10}-03-01,${year - 2}-02-01,inhouse_foster,age_18_or_over`,
      `${ref},${year - 2}-02-01,,independent_eet,`,
      `${child.reference},${year - 2}-03-01,,residential,`,
      `${child.reference},${year - 3}-01-01,${year - 2}-01-01,ifa_foster,returned_home`,
    ].join('\n'),
  );
  t.equal(fixed.statusCode, 201, 'the corrected file is stored');
  t.same(fixed.json(), { imported: 4, youngPeople: 2 });
});
