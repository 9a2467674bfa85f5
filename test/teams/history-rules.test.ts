import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { edgeOfCareRecord, residentialRecord } from '../young-people/records.ts';

/** A history may not contradict its record, through the JSON PUT, the CSV import or a back-dated placement. */

t.test('PUT history: before birth, open state ≠ record, open state the age rules forbid, empty list → 422 naming the field', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json(); // 15, residential, born January year-15
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const beforeBirth = await put([{ startDate: `${year - 16}-06-01`, careState: 'residential' }]);
  t.equal(beforeBirth.statusCode, 422);
  t.match(beforeBirth.json().errors, [
    { field: 'body/episodes/0/startDate', reason: `is before the month of birth (${year - 15}-01)` },
    // And it is not the record's placement start (review of 2 December).
    { field: 'body/episodes/0/startDate', reason: `is the open episode, which begins a new placement, so must be the record’s placement startDate (${year - 1}-06-15)` },
  ]);
  t.equal(beforeBirth.json().errors.length, 2);
  const otherState = await put([{ startDate: `${year - 2}-01-01`, careState: 'ifa_foster' }]);
  t.equal(otherState.statusCode, 422);
  t.equal(otherState.json().errors[0].field, 'body/episodes/0/careState');
  const empty = await put([]);
  t.equal(empty.statusCode, 422);
  t.equal(empty.json().errors[0].field, 'body/episodes');

  // A 12-year-old (edge of care) whose open episode says adult: the age rule, named.
  const child = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ birthYear: year - 10 }) })).json();
  const adult = await as('admin', { method: 'PUT', url: `/v1/young-people/${child.id}/history`, payload: { episodes: [{ startDate: `${year - 1}-01-01`, careState: 'adult' }] } });
  t.equal(adult.statusCode, 422);
  t.equal(adult.json().errors[0].field, 'body/episodes/0/careState');
  // Nothing was written by any refusal.
  t.equal((await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items.length, 1);
  t.equal((await put([{ startDate: `${year - 1}-06-15`, careState: 'residential' }])).statusCode, 200);
});

t.test('CSV import: the same rules; 500 episodes per child; extra cells; errors capped at 100 with the total', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const record = residentialRecord();
  await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  const csv = (body: string) => as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: body });
  const ref = record.reference;
  const contradicts = await csv(`reference,start_date,care_state\n${ref},${year - 16}-06-01,ifa_foster\n`);
  t.equal(contradicts.statusCode, 422);
  t.same(
    contradicts.json().errors.map((e: { row: number; field: string }) => [e.row, e.field]),
    [
      [1, 'start_date'],
      [1, 'care_state'],
    ],
  );
  const extra = await csv(`reference,start_date,care_state\n${ref},${year - 1}-06-15,residential,surplus\n`);
  t.equal(extra.statusCode, 422);
  t.same(extra.json().errors, [{ row: 1, field: 'body', reason: 'has 4 cells; the header has 3 columns' }]);
  // A column named twice (review finding 10): 400 naming it, nothing stored.
  const twice = await csv(`reference,start_date,care_state,Care_State\n${ref},${year - 2}-01-01,residential,ifa_foster\n`);
  t.equal(twice.statusCode, 400);
  t.same(twice.json().errors, [{ field: 'care_state', reason: 'is a column named more than once in the header' }]);
  // UTF-16 (Excel's "Unicode text"): 400 saying the file must be UTF-8.
  const utf16 = await as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`reference,start_date,care_state\n${ref},${year - 2}-01-01,residential\n`, 'utf16le')]) });
  t.equal(utf16.statusCode, 400);
  t.match(utf16.json(), { detail: 'The file must be UTF-8', errors: [{ field: 'body', reason: /UTF-16/ }] });
  t.equal((await as('admin', { method: 'GET', url: `/v1/young-people?reference=${ref}` })).statusCode, 200);
  const flag = await csv(`reference,start_date,care_state,new_placement\n${ref},${year - 1}-06-15,residential,maybe\n`);
  t.match(flag.json().errors[0].reason, /true\/false/);

  // 501 one-day episodes for one child: refused naming the 501st row, as the JSON PUT's maxItems.
  const day = (k: number) => new Date(Date.UTC(year - 5, 0, 1 + k)).toISOString().slice(0, 10);
  const many = Array.from({ length: 501 }, (_, k) => `${ref},${day(k)},${k === 500 ? '' : day(k + 1)},residential`).join('\n');
  const tooMany = await csv(`reference,start_date,end_date,care_state\n${many}\n`);
  t.equal(tooMany.statusCode, 422);
  t.same(tooMany.json().errors.map((e: { row: number; field: string }) => [e.row, e.field]), [[501, 'reference']]);

  // 150 wrong rows: 100 listed, the title gives 150.
  const wrong = Array.from({ length: 150 }, () => `NOPE-9,${year - 2}-01-01,residential`).join('\n');
  const capped = await csv(`reference,start_date,care_state\n${wrong}\n`);
  t.equal(capped.statusCode, 422);
  t.equal(capped.json().errors.length, 100);
  t.match(capped.json().detail, /^150 problem\(s\) in the file \(the first 100 listed\)/);
});

t.test('CSV import: header problems are capped at 100 with the total too (200,000 unknown columns: main answered all 200,002)', async (t) => {
  const { as } = await buildTestApp(t);
  const record = residentialRecord();
  await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  const csv = (body: string) => as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: body });
  const wide = await csv(`${Array.from({ length: 200_000 }, () => 'x').join(',')}\n${record.reference}\n`);
  t.equal(wide.statusCode, 422);
  // 200,000 unknown, and reference, start_date and care_state missing.
  t.equal(wide.json().detail, 'The header is wrong (200003 problems, the first 100 listed)');
  t.equal(wide.json().errors.length, 100);
  t.same(wide.json().errors[0], { field: 'x', reason: 'is not a known column' });
  t.ok(wide.body.length < 20_000, `a small answer (${wide.body.length} bytes)`);
  // Under the cap: all listed, the detail as before.
  const few = await csv(`reference,start_date,care_state,colour\n${record.reference},${new Date().getUTCFullYear() - 2}-01-01,residential,red\n`);
  t.equal(few.json().detail, 'The header is wrong');
  t.same(few.json().errors, [{ field: 'colour', reason: 'is not a known column' }]);
  t.equal((await as('admin', { method: 'GET', url: `/v1/young-people?reference=${record.reference}` })).json().items.length, 1);
});

t.test('a back-dated placement: after the open episode it dates the new one; before it, 422 naming body/placement/startDate', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const record = residentialRecord(); // placement from year-1-06-15
  let person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: record })).json();
  const move = (startDate: string) =>
    as('admin', {
      method: 'PATCH',
      url: `/v1/young-people/${person.id}`,
      payload: { version: person.version, careState: 'inhouse_foster', placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 500, startDate } },
    });
  const early = await move(`${year - 2}-01-01`);
  t.equal(early.statusCode, 422);
  t.equal(early.json().errors[0].field, 'body/placement/startDate');
  const later = `${year - 1}-09-01`;
  const moved = await move(later);
  t.equal(moved.statusCode, 200);
  person = moved.json();
  const history = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items;
  t.match(history, [{ startDate: `${year - 1}-06-15`, endDate: later, careState: 'residential' }, { startDate: later, careState: 'inhouse_foster' }]);
});

t.test('flags where the measures cannot read them are refused naming the field (review of 1 December, finding 7)', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json(); // 15, residential
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const home = { startDate: `${year - 3}-01-01`, endDate: `${year - 2}-01-01`, careState: 'home' };
  // The open episode on the record's placement start (year-1-06-15).
  const foster = { startDate: `${year - 2}-01-01`, endDate: `${year - 1}-06-15`, careState: 'inhouse_foster' };
  const now = { startDate: `${year - 1}-06-15`, careState: 'residential' };
  const cases: Array<[string, unknown[], string[]]> = [
    ['an entry flag, exit reason and care leaver’s activity on an at-home episode', [{ ...home, entry: 'unplanned_emergency', exitReason: 'adoption', leaverActivity: 'neet' }, foster, now], ['body/episodes/0/entry', 'body/episodes/0/exitReason', 'body/episodes/0/leaverActivity']],
    ['an entry flag in the middle of a period of care', [home, foster, { ...now, entry: 'planned' }], ['body/episodes/2/entry']],
    ['an exit reason on the open episode', [home, foster, { ...now, exitReason: 'returned_home' }], ['body/episodes/2/exitReason']],
    ['an exit reason on an episode care continues after', [home, { ...foster, exitReason: 'adoption' }, now], ['body/episodes/1/exitReason']],
    ['suitable accommodation on a foster episode', [home, { ...foster, accommodationSuitable: true }, now], ['body/episodes/1/accommodationSuitable']],
  ];
  for (const [what, episodes, fields] of cases) {
    const res = await put(episodes);
    t.equal(res.statusCode, 422, `${what}: 422`);
    t.same(res.json().errors.map((e: { field: string }) => e.field), fields, `${what}: names ${fields.join(', ')}`);
  }
  // The same flags where they belong are taken: an entry on the first looked-after episode.
  t.equal((await put([home, { ...foster, entry: 'unplanned_emergency' }, now])).statusCode, 200, 'an entry flag on the first episode of the period of care is taken');
});

t.test('review of 1 December: the open episode’s distance must be the record’s placement’s (422 naming the field)', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json(); // residential, 42.5 miles
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const other = await put([{ startDate: `${year - 1}-06-15`, careState: 'residential', distanceFromHomeMiles: 45 }]);
  t.equal(other.statusCode, 422);
  t.equal(other.json().errors[0].field, 'body/episodes/0/distanceFromHomeMiles');
  t.match(other.json().errors[0].reason, /42\.5/);
  // A closed episode may have been anywhere; the open one may leave the distance out or give the record's.
  t.equal((await put([{ startDate: `${year - 2}-01-01`, endDate: `${year - 1}-06-15`, careState: 'residential', distanceFromHomeMiles: 5 }, { startDate: `${year - 1}-06-15`, careState: 'residential', distanceFromHomeMiles: 42.5 }])).statusCode, 200);
  t.equal((await put([{ startDate: `${year - 1}-06-15`, careState: 'residential' }])).statusCode, 200);
});
