import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { fosterRecord, residentialRecord } from '../young-people/records.ts';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';

/** The record with its placement begun on `startDate`. */
function placedOn(record: YoungPersonInputDto, startDate: string): YoungPersonInputDto {
  return { ...record, placement: { ...(record.placement as NonNullable<YoungPersonInputDto['placement']>), startDate } };
}

/**
 * Review finding 5: `newPlacement: false` where the carer cannot have stayed the same. The
 * measures count placements from the flag (a change of placement type with the same carer is
 * SSDA903's reason for new episode T or U, which only foster care and a placement for adoption
 * allow), so a flag that hides a change of carer, or one the measures would overrule (the first
 * placement of a period of care), is a 422 naming the episode's newPlacement; nothing is written.
 */

t.test('PUT history: a change of carer marked as the same placement is refused, naming the field', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  // In the home since year-3 as the record says (a history may not contradict its placement's start).
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: placedOn(residentialRecord(), `${year - 3}-01-01`) })).json();
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });

  // Foster care, then a children's home "without a new placement": a children's home is another carer.
  const fosterThenHome = await put([
    { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'ifa_foster' },
    { startDate: `${year - 2}-01-01`, careState: 'residential', newPlacement: false },
  ]);
  t.equal(fosterThenHome.statusCode, 422);
  t.equal(fosterThenHome.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.same(
    fosterThenHome.json().errors.map((e: { field: string }) => e.field),
    ['body/episodes/1/newPlacement'],
  );
  t.match(fosterThenHome.json().errors[0].reason, /change from ifa_foster to residential is a change of carer/);

  // The first placement of a period of care (here the only episode) is always a new one.
  const first = await put([{ startDate: `${year - 2}-01-01`, careState: 'residential', newPlacement: false }]);
  t.equal(first.statusCode, 422);
  t.same(first.json().errors.map((e: { field: string }) => e.field), ['body/episodes/0/newPlacement']);
  t.match(first.json().errors[0].reason, /first placement of a period of care/);

  // After a time at home (a new period of care), the same: the period's first placement is new.
  const afterGap = await put([
    { startDate: `${year - 4}-01-01`, endDate: `${year - 3}-01-01`, careState: 'residential', exitReason: 'returned_home' },
    { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'returned_home' },
    { startDate: `${year - 2}-01-01`, careState: 'residential', newPlacement: false },
  ]);
  t.equal(afterGap.statusCode, 422);
  t.same(afterGap.json().errors.map((e: { field: string }) => e.field), ['body/episodes/2/newPlacement']);

  // Nothing was written by the refusals: the history is still the one episode the create gave.
  const history = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items;
  t.equal(history.length, 1);
  t.equal(history[0].careState, 'residential');

  // The same state continuing (a change of legal status only, RNE L) keeps the placement.
  const legalOnly = await put([
    { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'residential' },
    { startDate: `${year - 2}-01-01`, careState: 'residential', newPlacement: false },
  ]);
  t.equal(legalOnly.statusCode, 200);
});

t.test('PUT history: foster care to a placement for adoption (or agency to in-house) with the same carer is accepted and counted as one placement', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: placedOn(fosterRecord(400), `${year - 2}-01-01`) })).json();
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  // In-house foster care, then the same carers as an agency's (RNE T): one placement.
  const sameCarer = await put([
    { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'inhouse_foster' },
    { startDate: `${year - 2}-01-01`, careState: 'ifa_foster', newPlacement: false },
  ]);
  t.equal(sameCarer.statusCode, 200, JSON.stringify(sameCarer.json()));
  const items = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items;
  t.same(
    items.map((e: { careState: string; newPlacement: boolean }) => [e.careState, e.newPlacement]),
    [
      ['inhouse_foster', true],
      ['ifa_foster', false],
    ],
  );
});

t.test('CSV history import: the same rule, naming the row and the new_placement column', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const record = placedOn(residentialRecord(), `${year - 2}-01-01`);
  await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  const csv = (body: string) => as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: body });
  const refused = await csv(`reference,start_date,end_date,care_state,new_placement\n${record.reference},${year - 3}-01-01,${year - 2}-01-01,inhouse_foster,yes\n${record.reference},${year - 2}-01-01,,residential,no\n`);
  t.equal(refused.statusCode, 422);
  t.same(
    refused.json().errors.map((e: { row: number; field: string }) => [e.row, e.field]),
    [[2, 'new_placement']],
  );
  const accepted = await csv(`reference,start_date,end_date,care_state,new_placement\n${record.reference},${year - 3}-01-01,${year - 2}-01-01,inhouse_foster,yes\n${record.reference},${year - 2}-01-01,,residential,yes\n`);
  t.equal(accepted.statusCode, 201, JSON.stringify(accepted.json()));
  t.same(accepted.json(), { imported: 2, youngPeople: 1 });
});
