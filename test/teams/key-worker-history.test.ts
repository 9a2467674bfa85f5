import t from 'tap';
import { down as dropEpisodeKeyWorkers, up as episodeKeyWorkers } from '../../migrations/2026-12-01-80-episode-key-worker.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { daysFromToday, fosterRecord } from '../young-people/records.ts';

/**
 * Issue 17, review finding 2: a key worker given, changed or removed is kept as a dated history
 * episode (the scorecard's key-worker measures still count today's records; README, "Small
 * numbers"). Dates relative to today.
 */

const iso = (d: Date) => d.toISOString().slice(0, 10);
const now = new Date();
const today = iso(now);

type Cell = { numerator: unknown; denominator: unknown; teamId?: string };
async function workforce(as: TestApp['as'], asOf: string, team: string): Promise<{ without: [unknown, unknown]; caseload: [unknown, unknown] }> {
  const body = (await as('head_of_service', { method: 'GET', url: `/v1/scorecard?asOf=${asOf}&quarters=1` })).json() as { groups: Array<{ measures: Array<{ id: string; teams: Cell[] }> }> };
  const measures = body.groups.flatMap((g) => g.measures);
  const cellOf = (id: string) => {
    const c = (measures.find((m) => m.id === id) as { teams: Cell[] }).teams.find((x) => x.teamId === team) as Cell;
    return [c.numerator, c.denominator] as [unknown, unknown];
  };
  return { without: cellOf('without_key_worker'), caseload: cellOf('caseload_per_key_worker') };
}


const historyOf = async (as: TestApp['as'], id: string) => (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items as Array<Record<string, unknown>>;
const versionOf = async (as: TestApp['as'], id: string) => (await as('admin', { method: 'GET', url: `/v1/young-people/${id}` })).json().version as number;

t.test('a key worker removed and given is a dated episode', async (t) => {
  const { as } = await buildTestApp(t);
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'CLA', service: 'children_looked_after' } })).json().id as string;
  const a = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(60, { teamId: team, keyWorkerReference: 'kw-0412' }) })).json();
  const b = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(90, { teamId: team, keyWorkerReference: 'KW0412' }) })).json();
  t.match(await historyOf(as, a.id), [{ startDate: daysFromToday(-60), keyWorkerReference: 'KW0412' }], 'the first episode carries the record’s key worker, canonical');
  t.same(await workforce(as, today, team), { without: [0, 2], caseload: [2, 1] }, 'two children, one key worker');

  // A loses the key worker today: the open episode closes today and the next records none.
  t.equal((await as('finance', { method: 'PATCH', url: `/v1/young-people/${a.id}`, payload: { version: a.version, keyWorkerReference: null } })).statusCode, 200);
  const history = await historyOf(as, a.id);
  t.equal(history.length, 2, 'a key-worker change alone opens an episode (main: none)');
  t.match(history[0], { startDate: daysFromToday(-60), endDate: today, keyWorkerReference: 'KW0412', newPlacement: true });
  t.match(history[1], { startDate: today, careState: 'ifa_foster', newPlacement: false, keyWorkerReference: null, teamId: team, distanceFromHomeMiles: 8 });
  t.same(await workforce(as, today, team), { without: [1, 2], caseload: [1, 1] });
  // The measures count today's records at any asOf (README, "Small numbers": reading the history
  // at asOf would let two dates be differenced), so yesterday's answer reads the same.
  t.same(await workforce(as, daysFromToday(-1), team), { without: [1, 2], caseload: [1, 1] });

  // B gets another key worker today; a second change the same day sets the open episode.
  t.equal((await as('finance', { method: 'PATCH', url: `/v1/young-people/${b.id}`, payload: { version: b.version, keyWorkerReference: 'KW 0099' } })).statusCode, 200);
  t.equal((await as('finance', { method: 'PATCH', url: `/v1/young-people/${b.id}`, payload: { version: await versionOf(as, b.id), keyWorkerReference: 'KW0100' } })).statusCode, 200);
  const hb = await historyOf(as, b.id);
  t.equal(hb.length, 2, 'the same-day change set the open episode');
  t.match(hb[1], { startDate: today, keyWorkerReference: 'KW0100' });
  t.same(await workforce(as, today, team), { without: [1, 2], caseload: [1, 1] });
});

t.test('history PUT and CSV take the key worker: a reference, none, or not recorded; bad values name the field', async (t) => {
  const { as } = await buildTestApp(t);
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'CLA', service: 'children_looked_after' } })).json().id as string;
  const child = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(400, { teamId: team, keyWorkerReference: 'KW0077' }) })).json(); // placed 400 days ago, as the history below (review of 2 December)
  const put = await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${child.id}/history`,
    payload: {
      episodes: [
        { startDate: daysFromToday(-400), endDate: daysFromToday(-200), careState: 'ifa_foster', newPlacement: true, distanceFromHomeMiles: 8, keyWorkerReference: null },
        { startDate: daysFromToday(-200), endDate: daysFromToday(-100), careState: 'ifa_foster', newPlacement: false, distanceFromHomeMiles: 8 },
        { startDate: daysFromToday(-100), careState: 'ifa_foster', newPlacement: false, distanceFromHomeMiles: 8, keyWorkerReference: 'kw_00-77' },
      ],
    },
  });
  t.equal(put.statusCode, 200, put.body);
  const h = await historyOf(as, child.id);
  t.equal(h[0].keyWorkerReference, null, 'none');
  t.notOk('keyWorkerReference' in h[1], 'not recorded');
  t.equal(h[2].keyWorkerReference, 'KW0077', 'canonical');

  const bad = await as('admin', { method: 'PUT', url: `/v1/young-people/${child.id}/history`, payload: { episodes: [{ startDate: daysFromToday(-10), careState: 'ifa_foster', keyWorkerReference: 'Jane Smith' }] } });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().errors, [{ field: 'body/episodes/0/keyWorkerReference', reason: /pseudonymous key-worker reference/ }]);

  const csv = { 'content-type': 'text/csv; charset=utf-8' };
  const ref = child.reference;
  const file = `reference,start_date,end_date,care_state,new_placement,distance_miles,key_worker\n${ref},${daysFromToday(-400)},${daysFromToday(-100)},ifa_foster,yes,8,None\n${ref},${daysFromToday(-100)},,ifa_foster,no,8,KW-0077\n`;
  const imported = await as('admin', { method: 'POST', url: '/v1/histories/import', payload: file, headers: csv });
  t.equal(imported.statusCode, 201, imported.body);
  t.same(
    (await historyOf(as, child.id)).map((e) => e.keyWorkerReference),
    [null, 'KW0077'],
  );
  const wrong = await as('admin', { method: 'POST', url: '/v1/histories/import', payload: file.replace('KW-0077', 'Bob'), headers: csv });
  t.equal(wrong.statusCode, 422);
  t.ok(
    (wrong.json().errors as Array<{ row: number; field: string; reason: string }>).some((e) => e.row === 2 && e.field === 'key_worker' && /pseudonymous key-worker reference/.test(e.reason)),
    'row 2, key_worker, the rule in words',
  );
});

t.test('migration 2026-12-01-80: each open episode takes its record’s key worker; closed ones stay not recorded', async (t) => {
  const { app, as } = await buildTestApp(t);
  const a = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(90, { keyWorkerReference: 'KW0412' }) })).json();
  const b = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: fosterRecord(30, {}) })).json();
  await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${a.id}/history`,
    payload: { episodes: [{ startDate: daysFromToday(-90), endDate: daysFromToday(-30), careState: 'ifa_foster', distanceFromHomeMiles: 8 }, { startDate: daysFromToday(-30), careState: 'ifa_foster', newPlacement: false, distanceFromHomeMiles: 8 }] },
  });
  await dropEpisodeKeyWorkers(app.db);
  await episodeKeyWorkers(app.db);
  t.same((await historyOf(as, a.id)).map((e) => ('keyWorkerReference' in e ? e.keyWorkerReference : 'not recorded')), ['not recorded', 'KW0412']);
  t.same((await historyOf(as, b.id)).map((e) => e.keyWorkerReference), [null], 'a record with none: recorded as none');
});
