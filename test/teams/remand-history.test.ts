import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { edgeOfCareRecord, residentialRecord } from '../young-people/records.ts';

/** The record with its placement begun on `startDate` (a history may not contradict it, review of 2 December). */
function placedOn(record: YoungPersonInputDto, startDate: string): YoungPersonInputDto {
  return { ...record, placement: { ...(record.placement as NonNullable<YoungPersonInputDto['placement']>), startDate } };
}

/**
 * Custody on remand within a period of care (issue 17, second review, finding 8): the history
 * rules read it as the measures do (lookedAfterEpisodes): an exitReason may close care from a
 * remand, a return from remand to a placement is a new placement, and it continues the period of
 * care, so it carries no entry flag. Each refusal is a 422 naming the episode's field, and
 * nothing is written.
 */
t.test('PUT history: a remand continues the period of care', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: placedOn(residentialRecord(), `${year - 2}-06-01`) })).json(); // the return from remand is the record's placement
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const remand = (back: Record<string, unknown>) => [
    { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'residential', entry: 'planned' },
    { startDate: `${year - 2}-01-01`, endDate: `${year - 2}-06-01`, careState: 'youth_custody' },
    { startDate: `${year - 2}-06-01`, careState: 'residential', ...back },
  ];

  // The return marked as the same placement: refused (custody and a children's home are different carers).
  const samePlacement = await put(remand({ newPlacement: false }));
  t.equal(samePlacement.statusCode, 422);
  t.equal(samePlacement.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.same(samePlacement.json().errors.map((e: { field: string }) => e.field), ['body/episodes/2/newPlacement']);
  t.match(samePlacement.json().errors[0].reason, /return from youth_custody \(on remand, still looked after\)/);

  // The return flagged as an entry to care: refused, the period of care goes on through the remand.
  const entry = await put(remand({ entry: 'unplanned_emergency' }));
  t.equal(entry.statusCode, 422);
  t.same(entry.json().errors.map((e: { field: string }) => e.field), ['body/episodes/2/entry']);

  // Nothing written by the refusals.
  const before = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items;
  t.equal(before.length, 1);

  t.equal((await put(remand({}))).statusCode, 200);
  const after = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items;
  t.same(
    after.map((e: { careState: string }) => e.careState),
    ['residential', 'youth_custody', 'residential'],
  );
});

t.test('PUT history: care may end from a remand (exitReason on the custody episode); custody after a sentence may not carry one', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: placedOn(residentialRecord(), `${year - 2}-01-01`) })).json(); // the open episode is the record's placement
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });

  // Remanded, then released home from custody: care ends from the remand, with its reason.
  const endsOnRemand = await put([
    { startDate: `${year - 4}-01-01`, endDate: `${year - 3}-01-01`, careState: 'residential' },
    { startDate: `${year - 3}-01-01`, endDate: `${year - 3}-03-01`, careState: 'youth_custody', exitReason: 'returned_home' },
    { startDate: `${year - 3}-03-01`, endDate: `${year - 2}-01-01`, careState: 'returned_home' },
    { startDate: `${year - 2}-01-01`, careState: 'residential' },
  ]);
  t.equal(endsOnRemand.statusCode, 200, JSON.stringify(endsOnRemand.json()));

  // Sentenced: care ended on the way in (exitReason on the home), so the custody is outside care and cannot end it again.
  const sentenced = await put([
    { startDate: `${year - 4}-01-01`, endDate: `${year - 3}-01-01`, careState: 'residential', exitReason: 'other' },
    { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'youth_custody', exitReason: 'returned_home' },
    { startDate: `${year - 2}-01-01`, careState: 'residential' },
  ]);
  t.equal(sentenced.statusCode, 422);
  t.same(sentenced.json().errors.map((e: { field: string }) => e.field), ['body/episodes/1/exitReason']);
  t.match(sentenced.json().errors[0].reason, /only on a looked-after episode \(not youth_custody outside care\)/);
});

t.test('record changes: custody on remand continues care or starts it; custody under any other status is a sentence, ending care', async (t) => {
  const { as } = await buildTestApp(t);
  const history = async (id: string) =>
    (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items as Array<{ careState: string; newPlacement: boolean; entry?: string; exitReason?: string; endDate?: string }>;
  const patch = async (id: string, changes: Record<string, unknown>) => {
    const current = (await as('admin', { method: 'GET', url: `/v1/young-people/${id}` })).json();
    const answer = await as('admin', { method: 'PATCH', url: `/v1/young-people/${id}`, payload: { version: current.version, ...changes } });
    t.equal(answer.statusCode, 200, answer.body.slice(0, 300));
  };
  const custody = (legalStatus: 'youth_justice_remand' | 'not_looked_after') => ({ careState: 'youth_custody' as const, legalStatus, placement: null });

  // From a children's home, remanded: the home's episode ends with no exit; the remand is a new placement.
  const remanded = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json();
  await patch(remanded.id, custody('youth_justice_remand'));
  const r = await history(remanded.id);
  t.same(
    r.map((e) => [e.careState, e.newPlacement, e.entry ?? null, e.exitReason ?? null]),
    [
      ['residential', true, null, null],
      ['youth_custody', true, null, null],
    ],
  );

  // From a children's home, sentenced (any other legal status): care ends with exit reason other.
  const sentenced = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json();
  await patch(sentenced.id, custody('not_looked_after'));
  const s = await history(sentenced.id);
  t.same(
    s.map((e) => [e.careState, e.entry ?? null, e.exitReason ?? null]),
    [
      ['residential', null, 'other'],
      ['youth_custody', null, null],
    ],
  );

  // From the edge of care, remanded: an entry to care, unplanned unless entryToCare says otherwise.
  const fromHome = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ birthYear: new Date().getUTCFullYear() - 15 }) })).json();
  await patch(fromHome.id, custody('youth_justice_remand'));
  // (Created and changed the same day: the custody episode replaces the edge-of-care one from its first day.)
  t.same((await history(fromHome.id)).map((e) => [e.careState, e.entry ?? null]), [['youth_custody', 'unplanned_emergency']]);
  const planned = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ birthYear: new Date().getUTCFullYear() - 15 }) })).json();
  await patch(planned.id, { ...custody('youth_justice_remand'), entryToCare: 'planned' });
  t.equal((await history(planned.id)).at(-1)?.entry, 'planned');

  // Created on remand: its first episode is an entry to care.
  const created = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ birthYear: new Date().getUTCFullYear() - 15, careState: 'youth_custody', legalStatus: 'youth_justice_remand' }) })).json();
  t.equal((await history(created.id))[0]?.entry, 'unplanned_emergency');

  // An entry flag on custody outside remand is refused, naming the field.
  const sentencedFromHome = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ birthYear: new Date().getUTCFullYear() - 15 }) })).json();
  const current = (await as('admin', { method: 'GET', url: `/v1/young-people/${sentencedFromHome.id}` })).json();
  const refused = await as('admin', { method: 'PATCH', url: `/v1/young-people/${sentencedFromHome.id}`, payload: { version: current.version, ...custody('not_looked_after'), entryToCare: 'planned' } });
  t.equal(refused.statusCode, 422);
  t.same(refused.json().errors.map((e: { field: string }) => e.field), ['body/entryToCare']);
});

t.test('PUT history: a move into custody from a placement marked as the same placement is refused; custody from home with an entry flag is a remand', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: placedOn(residentialRecord(), `${year - 2}-06-01`) })).json(); // the last episode is the record's placement
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const into = await put([
    { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'residential' },
    { startDate: `${year - 2}-01-01`, endDate: `${year - 2}-06-01`, careState: 'youth_custody', newPlacement: false },
    { startDate: `${year - 2}-06-01`, careState: 'residential' },
  ]);
  t.equal(into.statusCode, 422);
  t.same(into.json().errors.map((e: { field: string }) => e.field), ['body/episodes/1/newPlacement']);
  const fromHome = await put([
    { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'edge_of_care' },
    { startDate: `${year - 2}-01-01`, endDate: `${year - 2}-06-01`, careState: 'youth_custody', entry: 'unplanned_emergency' },
    { startDate: `${year - 2}-06-01`, careState: 'residential' },
  ]);
  t.equal(fromHome.statusCode, 200, fromHome.body.slice(0, 300));
});
