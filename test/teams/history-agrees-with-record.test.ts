import t from 'tap';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { daysFromToday, edgeOfCareRecord } from '../young-people/records.ts';

/**
 * A replacement history's open episode agrees with its record (review of 2 December, medium): the
 * team, key worker, weekly price, district and placement start, as the distance already did. A
 * contradiction is a 422 naming the field (PUT) or the row and column (CSV) and saying what the
 * record holds, nothing stored; a field left out is taken from the record. Through the API, on
 * PGlite here and on PostgreSQL where DATABASE_URL is set.
 *
 * The child, by hand: born May 2012, on a care order in an IFA foster placement from 2020-01-01
 * at £800 a week (8 miles), in team North, no key worker.
 */

const WEEKS = 365.25 / 7;

type Episode = Record<string, unknown>;
type Cell = { numerator: unknown; teamId?: string };
type Body = { groups: Array<{ measures: Array<{ id: string; teams: Cell[] }> }> };

function ifaChild(overrides: Partial<YoungPersonInputDto> = {}): YoungPersonInputDto {
  return edgeOfCareRecord({
    birthYear: 2012,
    birthMonth: 5,
    legalStatus: 'care_order',
    careState: 'ifa_foster',
    services: [],
    placement: { type: 'ifa_foster', provider: 'private', distanceFromHomeMiles: 8, weeklyPrice: 800, startDate: '2020-01-01' },
    ...overrides,
  });
}

async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t);
  const team = async (name: string) => (await app.as('admin', { method: 'POST', url: '/v1/teams', payload: { name, service: 'children_looked_after', annualBudget: 500_000 } })).json().id as string;
  const north = await team('North');
  const south = await team('South');
  const created = await app.as('admin', { method: 'POST', url: '/v1/young-people', payload: ifaChild({ teamId: north }) });
  if (created.statusCode !== 201) throw new Error(created.body);
  const child = created.json() as { id: string; reference: string; version: number };
  return { app, north, south, child };
}

const historyOf = async (as: TestApp['as'], id: string) => (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items as Episode[];
const stripIds = (episodes: Episode[]) => episodes.map(({ id: _id, ...e }) => e);

t.test('PUT history: each contradiction of the record is a 422 naming the field and the record’s value; nothing stored', async (t) => {
  const { app, north, south, child } = await setUp(t);
  const put = (episodes: Episode[]) => app.as('admin', { method: 'PUT', url: `/v1/young-people/${child.id}/history`, payload: { episodes } });
  const before = await historyOf(app.as, child.id);
  t.match(before, [{ startDate: '2020-01-01', careState: 'ifa_foster', newPlacement: true, teamId: north, weeklyPrice: 800, distanceFromHomeMiles: 8, keyWorkerReference: null }]);
  const open = { startDate: '2020-01-01', careState: 'ifa_foster', newPlacement: true, entry: 'planned' };

  const refused = async (episodes: Episode[], field: string, says: RegExp, what: string) => {
    const res = await put(episodes);
    t.equal(res.statusCode, 422, what);
    t.match(res.json(), { detail: 'The history contradicts the record', errors: [{ field, reason: says }] }, what);
    t.equal(res.json().errors.length, 1, `${what}: that one error`);
  };
  // Repro 1 of the review: a weekly price of £9,000 against the record's £800.
  await refused([{ ...open, teamId: north, weeklyPrice: 9000, distanceFromHomeMiles: 8 }], 'body/episodes/0/weeklyPrice', /in force on its startDate 2020-01-01 \(800\)/, 'price');
  // Repro 2: another team while the record stays in North.
  await refused([{ ...open, teamId: south }], 'body/episodes/0/teamId', new RegExp(`must equal the record’s teamId \\(${north}\\)`), 'team');
  await refused([{ ...open, keyWorkerReference: 'KW7777' }], 'body/episodes/0/keyWorkerReference', /the record has none/, 'key worker');
  await refused([{ ...open, startDate: '2021-01-01' }], 'body/episodes/0/startDate', /must be the record’s placement startDate \(2020-01-01\)/, 'placement start');
  // Continuing (newPlacement false) a placement that the history begins on another day than the record.
  await refused(
    [
      { ...open, startDate: '2019-06-01', endDate: '2021-01-01' },
      { startDate: '2021-01-01', careState: 'ifa_foster', newPlacement: false },
    ],
    'body/episodes/0/startDate',
    /begins the placement the open episode continues, so must be the record’s placement startDate \(2020-01-01\)/,
    'the start of the placement continued',
  );
  // One placement, one district: the open episode continues the placement with another district.
  await refused(
    [
      { ...open, endDate: '2023-01-01', placementDistrict: 'NV3' },
      { startDate: '2023-01-01', careState: 'ifa_foster', newPlacement: false, placementDistrict: 'NV4' },
    ],
    'body/episodes/1/placementDistrict',
    /whose district is NV3 \(episode 0\)/,
    'district',
  );
  t.same(await historyOf(app.as, child.id), before, 'no refusal stored anything');

  // The record's own values, given, are accepted (team id in upper case, key worker null: none).
  const same = await put([{ ...open, teamId: north.toUpperCase(), keyWorkerReference: null, weeklyPrice: 800, distanceFromHomeMiles: 8, placementDistrict: 'NV3' }]);
  t.equal(same.statusCode, 200, same.body);
  // A team change continues the placement later (newPlacement false): allowed, in the record's team.
  const split = await put([
    { ...open, endDate: '2023-01-01', teamId: south, weeklyPrice: 800, placementDistrict: 'NV3' },
    { startDate: '2023-01-01', careState: 'ifa_foster', newPlacement: false, teamId: north },
  ]);
  t.equal(split.statusCode, 200, split.body);
  t.match(split.json().items[1], { startDate: '2023-01-01', newPlacement: false, teamId: north, weeklyPrice: 800, placementDistrict: 'NV3', distanceFromHomeMiles: 8, keyWorkerReference: null });
});

t.test('PUT history: what the open episode leaves out is taken from the record', async (t) => {
  const { app, north, child } = await setUp(t);
  const res = await app.as('admin', { method: 'PUT', url: `/v1/young-people/${child.id}/history`, payload: { episodes: [{ startDate: '2020-01-01', careState: 'ifa_foster', entry: 'planned' }] } });
  t.equal(res.statusCode, 200, res.body);
  t.same(stripIds(await historyOf(app.as, child.id)), [
    { startDate: '2020-01-01', careState: 'ifa_foster', newPlacement: true, entry: 'planned', teamId: north, keyWorkerReference: null, weeklyPrice: 800, distanceFromHomeMiles: 8 },
  ]);

  // Dated price changes: the open episode from 2024-01-01 takes the price in force then (£850 from
  // 2023-04-01); £800 there is refused, naming £850; an earlier placement's price may differ.
  const record = (await app.as('admin', { method: 'GET', url: `/v1/young-people/${child.id}` })).json();
  const patched = await app.as('admin', {
    method: 'PATCH',
    url: `/v1/young-people/${child.id}`,
    payload: { version: record.version, keyWorkerReference: 'kw-0412', placement: { ...record.placement, priceChanges: [{ from: '2023-04-01', weeklyPrice: 850 }] } },
  });
  t.equal(patched.statusCode, 200, patched.body);
  const history = (episodes: Episode[]) => app.as('admin', { method: 'PUT', url: `/v1/young-people/${child.id}/history`, payload: { episodes } });
  const earlier = { startDate: '2019-01-01', endDate: '2020-01-01', careState: 'inhouse_foster', entry: 'planned', weeklyPrice: 600 };
  const wrong = await history([earlier, { startDate: '2020-01-01', endDate: '2024-01-01', careState: 'ifa_foster' }, { startDate: '2024-01-01', careState: 'ifa_foster', newPlacement: false, weeklyPrice: 800 }]);
  t.equal(wrong.statusCode, 422);
  t.match(wrong.json().errors, [{ field: 'body/episodes/2/weeklyPrice', reason: /in force on its startDate 2024-01-01 \(850\)/ }]);
  const filled = await history([earlier, { startDate: '2020-01-01', endDate: '2024-01-01', careState: 'ifa_foster' }, { startDate: '2024-01-01', careState: 'ifa_foster', newPlacement: false }]);
  t.equal(filled.statusCode, 200, filled.body);
  t.same(stripIds(filled.json().items), [
    { startDate: '2019-01-01', endDate: '2020-01-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', weeklyPrice: 600 },
    { startDate: '2020-01-01', endDate: '2024-01-01', careState: 'ifa_foster', newPlacement: true },
    { startDate: '2024-01-01', careState: 'ifa_foster', newPlacement: false, teamId: north, keyWorkerReference: 'KW0412', weeklyPrice: 850, distanceFromHomeMiles: 8 },
  ]);
});

t.test('the review’s spend repro: a history can no longer set a past price the record never had', async (t) => {
  const { app, north, child } = await setUp(t);
  // A closed case in no team sets the borough's recorded history start before the day read.
  const o = (await app.as('admin', { method: 'POST', url: '/v1/young-people', payload: ifaChild({ placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 450, startDate: '2024-01-01' }, careState: 'inhouse_foster' }) })).json();
  t.equal((await app.as('admin', { method: 'PATCH', url: `/v1/young-people/${o.id}`, payload: { version: o.version, closedOn: '2024-12-31', closedReason: 'returned_home' } })).statusCode, 200);

  const put = (weeklyPrice?: number) =>
    app.as('admin', {
      method: 'PUT',
      url: `/v1/young-people/${child.id}/history`,
      payload: { episodes: [{ startDate: '2020-01-01', careState: 'ifa_foster', newPlacement: true, entry: 'planned', teamId: north, distanceFromHomeMiles: 8, ...(weeklyPrice === undefined ? {} : { weeklyPrice }) }] },
    });
  t.equal((await put(9000)).statusCode, 422, '£9,000 against the record’s £800 (main: 200)');
  t.equal((await put()).statusCode, 200);
  // The child moves today: the episode from 2020 closes with its price, £800.
  const version = (await app.as('admin', { method: 'GET', url: `/v1/young-people/${child.id}` })).json().version;
  const moved = await app.as('admin', {
    method: 'PATCH',
    url: `/v1/young-people/${child.id}`,
    payload: { version, careState: 'inhouse_foster', placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 500, startDate: daysFromToday(0) } },
  });
  t.equal(moved.statusCode, 200, moved.body);
  const body = (await app.as('head_of_service', { method: 'GET', url: '/v1/scorecard?asOf=2025-06-30&quarters=1' })).json() as Body;
  const spend = body.groups.flatMap((g) => g.measures).find((m) => m.id === 'spend_against_budget') as { teams: Cell[] };
  const cell = spend.teams.find((c) => c.teamId === north) as Cell;
  t.equal(cell.numerator, Math.round(800 * WEEKS * 100) / 100, '£800 × 365.25/7 = £41,742.86 (main, after the PUT of £9,000: £469,607.14)');
  t.equal(cell.numerator, 41742.86);
});

t.test('CSV import: the same contradictions name the row and column; empty cells take the record’s', async (t) => {
  const { app, north, child } = await setUp(t);
  const csv = (body: string) => app.as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: body });
  const ref = child.reference;
  const head = 'reference,start_date,end_date,care_state,new_placement,placement_district,entry,weekly_price,team,key_worker\n';
  const before = await historyOf(app.as, child.id);
  const refused = async (rows: string, row: number, field: string, says: RegExp, what: string) => {
    const res = await csv(head + rows);
    t.equal(res.statusCode, 422, what);
    t.match(res.json().errors, [{ row, field, reason: says }], what);
    t.equal(res.json().errors.length, 1, `${what}: that one error`);
  };
  await refused(`${ref},2020-01-01,,ifa_foster,yes,,planned,,,KW5001\n`, 1, 'key_worker', /the record has none/, 'key worker');
  await refused(`${ref},2020-01-01,,ifa_foster,yes,,planned,9000,,\n`, 1, 'weekly_price', /\(800\)/, 'price');
  await refused(`${ref},2020-01-01,,ifa_foster,yes,,planned,,South,\n`, 1, 'team', new RegExp(`\\(${north}\\)`), 'team');
  await refused(`${ref},2021-01-01,,ifa_foster,yes,,planned,,,\n`, 1, 'start_date', /\(2020-01-01\)/, 'placement start');
  await refused(`${ref},2020-01-01,2023-01-01,ifa_foster,yes,NV3,planned,,,\n${ref},2023-01-01,,ifa_foster,no,NV4,,,,\n`, 2, 'placement_district', /whose district is NV3 \(row 1\)/, 'district');
  t.same(await historyOf(app.as, child.id), before, 'no refusal stored anything');

  const ok = await csv(`${head}${ref},2020-01-01,,ifa_foster,yes,,planned,,,\n`);
  t.equal(ok.statusCode, 201, ok.body);
  t.same(stripIds(await historyOf(app.as, child.id)), [
    { startDate: '2020-01-01', careState: 'ifa_foster', newPlacement: true, entry: 'planned', teamId: north, keyWorkerReference: null, weeklyPrice: 800, distanceFromHomeMiles: 8 },
  ]);
});

t.test('the record’s own changes keep the open episode in step: the history read back is accepted unchanged', async (t) => {
  const { app, south, child } = await setUp(t);
  const roundTrip = async (what: string) => {
    const res = await app.as('admin', { method: 'PUT', url: `/v1/young-people/${child.id}/history`, payload: { episodes: stripIds(await historyOf(app.as, child.id)) } });
    t.equal(res.statusCode, 200, `${what}: ${res.body}`);
  };
  const patch = async (changes: (record: { placement: Record<string, unknown> }) => Record<string, unknown>) => {
    const record = (await app.as('admin', { method: 'GET', url: `/v1/young-people/${child.id}` })).json();
    const res = await app.as('admin', { method: 'PATCH', url: `/v1/young-people/${child.id}`, payload: { version: record.version, ...changes(record) } });
    t.equal(res.statusCode, 200, res.body);
  };
  await roundTrip('as created');
  await patch(() => ({ teamId: south }));
  await roundTrip('after a team change');
  await patch(() => ({ keyWorkerReference: 'KW0412' }));
  await roundTrip('after a key-worker change');
  await patch((r) => ({ placement: { ...r.placement, weeklyPrice: 820, priceChanges: [{ from: '2024-04-01', weeklyPrice: 870 }] } }));
  await roundTrip('after a price correction');
  await patch((r) => ({ placement: { ...r.placement, distanceFromHomeMiles: 12 } }));
  await roundTrip('after a distance correction');
  await patch(() => ({ careState: 'inhouse_foster', placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 500, startDate: daysFromToday(0) } }));
  await roundTrip('after a move');
  t.match((await historyOf(app.as, child.id)).at(-1), { startDate: daysFromToday(0), careState: 'inhouse_foster', newPlacement: true, teamId: south, keyWorkerReference: 'KW0412', weeklyPrice: 500 });
});

t.test('a change of placement type keeping a start before the open episode is refused (it wrote a new placement on another day than the record’s)', async (t) => {
  const { app, south, child } = await setUp(t);
  const recordOf = async () => (await app.as('admin', { method: 'GET', url: `/v1/young-people/${child.id}` })).json();
  // A team change today splits the placement: the open episode begins today, newPlacement false.
  t.equal((await app.as('admin', { method: 'PATCH', url: `/v1/young-people/${child.id}`, payload: { version: (await recordOf()).version, teamId: south } })).statusCode, 200);
  const before = await historyOf(app.as, child.id);
  const retype = (startDate: string) =>
    app.as('admin', {
      method: 'PATCH',
      url: `/v1/young-people/${child.id}`,
      payload: { version: child.version + 1, careState: 'inhouse_foster', placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 500, startDate } },
    });
  // Main: 200, the history's new in-house episode beginning a placement today while the record said 2020-01-01.
  const kept = await retype('2020-01-01');
  t.equal(kept.statusCode, 422);
  t.match(kept.json().errors, [{ field: 'body/placement/startDate', reason: /change of placement type \(ifa_foster to inhouse_foster\) begins a new placement episode/ }]);
  t.same(await historyOf(app.as, child.id), before, 'nothing written');
  const today = daysFromToday(0);
  t.equal((await retype(today)).statusCode, 200);
  const history = await historyOf(app.as, child.id);
  t.match(history.at(-1), { startDate: today, careState: 'inhouse_foster', newPlacement: true, teamId: south, weeklyPrice: 500 });
  const back = await app.as('admin', { method: 'PUT', url: `/v1/young-people/${child.id}/history`, payload: { episodes: stripIds(history) } });
  t.equal(back.statusCode, 200, back.body);
});
