import t from 'tap';
import { MAX_CASELOAD_PER_KEY_WORKER } from '../../src/outcomes/scorecard.ts';
import { buildTestApp } from '../helpers/app.ts';
import { residentialRecord } from '../young-people/records.ts';
import { addHandBorough } from './hand-borough.ts';

/** The issue 17 review's small faults (F7): strict numbers, target ranges, the trend's no team, media types, echoed CSV headers. */

const year = new Date().getUTCFullYear();

t.test('history CSV: distance_miles is decimal digits only (0x10, 1e1, Infinity refused naming row and column); 16.5 read', async (t) => {
  const { as } = await buildTestApp(t);
  const record = residentialRecord();
  await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  const csv = (body: string) => as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: body });
  const head = 'reference,start_date,care_state,distance_miles';
  for (const bad of ['0x10', '1e1', 'Infinity', '.5', '16 miles']) {
    const r = await csv(`${head}\n${record.reference},${year - 2}-01-01,residential,${bad}\n`);
    t.equal(r.statusCode, 422, `${bad} refused`);
    t.match(r.json().errors, [{ row: 1, field: 'distance_miles', reason: /decimal number/ }], `${bad}: row 1, distance_miles`);
  }
  // 16.5 on a closed episode: the open one is the record's placement (42.5 miles), whose distance it
  // may not contradict (review of 1 December).
  const ok = await csv(`reference,start_date,end_date,care_state,distance_miles\n${record.reference},${year - 2}-01-01,${year - 1}-06-15,residential,16.5\n${record.reference},${year - 1}-06-15,,residential,\n`);
  t.equal(ok.statusCode, 201);
  const history = (await as('admin', { method: 'GET', url: `/v1/young-people/${(await as('admin', { method: 'GET', url: '/v1/young-people' })).json().items[0].id}/history` })).json().items;
  t.equal(history[0].distanceFromHomeMiles, 16.5);
});

t.test('history CSV: a header holding control characters is named by its position, never echoed', async (t) => {
  const { as } = await buildTestApp(t);
  const r = await as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: 'reference,start_date,care_state,\u0000\u0001\u0002\ufffd\ufffd\nX,2020-01-01,residential,1\n' });
  t.equal(r.statusCode, 422);
  t.same(r.json().errors, [{ field: '(column 4)', reason: 'must not contain control characters (U+0000 at character 1)' }]);
  t.notMatch(r.body, /\\u000[0-2]/, 'no control character echoed');
});

t.test('targets: each measure’s sensible range and the target on the green side; 400 naming the field', async (t) => {
  const { as } = await buildTestApp(t);
  const put = (measure: string, body: Record<string, number>) => as('admin', { method: 'PUT', url: `/v1/scorecard/targets/${measure}`, payload: body });
  // The reviewer's repro.
  const huge = await put('caseload_per_key_worker', { target: 90000, green: 15, amber: 18 });
  t.equal(huge.statusCode, 400);
  t.same(huge.json().errors, [{ field: 'body/target', reason: `must be at most ${MAX_CASELOAD_PER_KEY_WORKER} (children per key worker)` }]);
  t.equal((await put('caseload_per_key_worker', { target: 15, green: 15, amber: 101 })).json().errors[0].field, 'body/amber');
  // Lower is better: a target above green would be amber when met.
  const wrongSide = await put('caseload_per_key_worker', { target: 17, green: 15, amber: 18 });
  t.equal(wrongSide.statusCode, 400);
  t.equal(wrongSide.json().errors[0].field, 'body/target');
  // Higher is better: a target below green likewise.
  t.equal((await put('care_leavers_eet', { target: 55, green: 60, amber: 50 })).json().errors[0].field, 'body/target');
  // Spend may overrun up to ten times; 1001 per cent does not.
  t.equal((await put('spend_against_budget', { target: 100, green: 100, amber: 1001 })).json().errors[0].field, 'body/amber');
  t.equal((await put('caseload_per_key_worker', { target: 12, green: 15, amber: 20 })).statusCode, 200);
  t.equal((await put('care_leavers_eet', { target: 65, green: 60, amber: 50 })).statusCode, 200);
});

t.test('the trend carries no team, so teams and no team add up to the organisation every quarter', async (t) => {
  const { as } = await buildTestApp(t);
  await addHandBorough(as);
  // One young person with no team: their history counts under no team.
  const loose = residentialRecord();
  await as('admin', { method: 'POST', url: '/v1/young-people', payload: loose });
  const body = (await as('head_of_service', { method: 'GET', url: '/v1/scorecard?asOf=2026-03-31&quarters=4' })).json();
  type Cell = { numerator: number; denominator: number };
  let checked = 0;
  let noTeamCounts = 0;
  for (const m of body.groups.flatMap((g: { measures: unknown[] }) => g.measures) as Array<{ id: string; trend: Array<{ organisation: Cell; teams: Cell[]; noTeam?: Cell }> }>) {
    for (const q of m.trend) {
      t.ok(q.noTeam, `${m.id}: no team in the trend`);
      if (!q.noTeam) continue;
      const cells = [...q.teams, q.noTeam];
      if (m.id === 'spend_against_budget') {
        // Spend's organisation is of the teams with a budget (North's alone here), so it is
        // North's spend over North's budget, not the sum over every team.
        t.same([q.organisation.numerator, q.organisation.denominator], [q.teams[0].numerator, q.teams[0].denominator], `${m.id}: the budgeted team's`);
        checked++;
        continue;
      }
      t.same([cells.reduce((a, c) => a + c.numerator, 0), cells.reduce((a, c) => a + c.denominator, 0)], [q.organisation.numerator, q.organisation.denominator], `${m.id}: adds up`);
      checked++;
      noTeamCounts += q.noTeam.denominator;
    }
  }
  t.equal(checked, 8 * 4, 'seven history measures and spend × four quarters');
  t.ok(noTeamCounts > 0, 'the young person with no team is counted under no team somewhere');
  // A team's own view has no "no team" (it would be the rest of the borough).
  const teams = (await as('head_of_service', { method: 'GET', url: '/v1/teams' })).json().items;
  const one = (await as('head_of_service', { method: 'GET', url: `/v1/teams/${teams[0].id}/scorecard?asOf=2026-03-31&quarters=2` })).json();
  t.equal(one.groups[1].measures[0].trend[0].noTeam, undefined);
});

t.test('media types: merge-patch+json on PATCH; a JSON operation sent CSV or a merge patch elsewhere is 415', async (t) => {
  const { as } = await buildTestApp(t);
  const created = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json();
  const patch = await as('admin', { method: 'PATCH', url: `/v1/young-people/${created.id}`, headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ version: 1, tier: 3 }) });
  t.equal(patch.statusCode, 200);
  t.equal(patch.json().tier, 3);
  const badJson = await as('admin', { method: 'PATCH', url: `/v1/young-people/${created.id}`, headers: { 'content-type': 'application/merge-patch+json' }, payload: '{"version":' });
  t.equal(badJson.statusCode, 400);
  const history = await as('admin', { method: 'PUT', url: `/v1/young-people/${created.id}/history`, headers: { 'content-type': 'text/csv' }, payload: 'start_date,care_state\n2020-01-01,residential\n' });
  t.equal(history.statusCode, 415);
  t.equal(history.headers['content-type'], 'application/problem+json; charset=utf-8');
  const team = await as('admin', { method: 'POST', url: '/v1/teams', headers: { 'content-type': 'text/csv' }, payload: 'name\nNorth\n' });
  t.equal(team.statusCode, 415);
  const person = await as('admin', { method: 'POST', url: '/v1/young-people', headers: { 'content-type': 'text/csv' }, payload: 'reference\nX\n' });
  t.equal(person.statusCode, 415);
  const target = await as('admin', { method: 'PUT', url: '/v1/scorecard/targets/caseload_per_key_worker', headers: { 'content-type': 'text/csv' }, payload: 'target\n15\n' });
  t.equal(target.statusCode, 415);
  const mergeOnPost = await as('admin', { method: 'POST', url: '/v1/teams', headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ name: 'North', service: 'children_looked_after' }) });
  t.equal(mergeOnPost.statusCode, 415);
  // The CSV imports still take CSV.
  t.not((await as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: 'reference,start_date,care_state\nX,2020-01-01,residential\n' })).statusCode, 415);
});

t.test('a GET with a stray Content-Type: text/csv is answered as usual (no body, nothing to refuse)', async (t) => {
  const { as } = await buildTestApp(t);
  t.equal((await as('admin', { method: 'GET', url: '/v1/teams', headers: { 'content-type': 'text/csv' } })).statusCode, 200);
});
