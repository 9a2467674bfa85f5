import t from 'tap';
import { listCohortInputs } from '../../src/db/repositories/scenarios.ts';
import { boroughByMonth } from '../../src/services/borough.ts';
import { cohortBounds } from '../../src/services/scenario-runs.ts';
import { buildTestApp } from '../helpers/app.ts';
import { edgeOfCareRecord, residentialRecord } from './records.ts';

/**
 * Former children (issue 17): a case closed on a day, with a reason; closed and reopened by PATCH
 * (its history closed and reopened with it) or by a history that ends with an exit reason; left
 * out of open lists, cohorts, the borough and the scorecard's snapshot measures from that day,
 * and still counted for any date before it. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
 */

const DAY_MS = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10);

type Problem = { errors: Array<{ field: string; reason: string }> };
const fields = (body: Problem) => body.errors.map((e) => e.field);

t.test('PATCH closes a case (its open episode ends that day, as an adoption) and reopens it (closedOn: null); both audited; the list filters by status', async (t) => {
  const { as } = await buildTestApp(t);
  const created = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json();
  const closedOn = daysAgo(10);
  const close = await as('admin', { method: 'PATCH', url: `/v1/young-people/${created.id}`, payload: { version: created.version, closedOn, closedReason: 'adopted' } });
  t.equal(close.statusCode, 200, close.body);
  t.match(close.json(), { closedOn, closedReason: 'adopted', version: created.version + 1 });
  // The open episode (from the placement's start) now ends on the closing day, as an exit to adoption.
  const history = (await as('admin', { method: 'GET', url: `/v1/young-people/${created.id}/history` })).json().items;
  t.equal(history.length, 1);
  t.match(history[0], { startDate: created.placement.startDate, endDate: closedOn, careState: 'residential', exitReason: 'adoption' });

  // Open (the default) leaves it out; closed and all list it; a bad status is a 400 naming it.
  const other = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
  const listed = async (query: string) =>
    (await as('admin', { method: 'GET', url: `/v1/young-people?${query}` })).json().items.map((p: { id: string }) => p.id).sort();
  t.same(await listed(''), [other.id]);
  t.same(await listed('status=open'), [other.id]);
  t.same(await listed('status=closed'), [created.id]);
  t.same(await listed('status=all'), [created.id, other.id].sort());
  const bad = await as('admin', { method: 'GET', url: '/v1/young-people?status=gone' });
  t.equal(bad.statusCode, 400);
  t.same(fields(bad.json()), ['querystring/status']);

  // Reopened: the reason goes too, and the episode is open again with no exit reason.
  const reopen = await as('admin', { method: 'PATCH', url: `/v1/young-people/${created.id}`, payload: { version: close.json().version, closedOn: null } });
  t.equal(reopen.statusCode, 200, reopen.body);
  t.notOk('closedOn' in reopen.json());
  t.notOk('closedReason' in reopen.json());
  const reopened = (await as('admin', { method: 'GET', url: `/v1/young-people/${created.id}/history` })).json().items;
  t.same(reopened.map((e: Record<string, unknown>) => [e.startDate, e.endDate, e.exitReason]), [[created.placement.startDate, undefined, undefined]]);
  t.same(await listed(''), [created.id, other.id].sort());

  const audit = (await as('admin', { method: 'GET', url: `/v1/audit-events?resourceType=young_person&resourceId=${created.id}` })).json().items as Array<{ action: string; detail: Record<string, unknown> }>;
  const updates = audit.filter((e) => e.action === 'young_person.update');
  t.same(
    updates.map((e) => [e.detail.case, e.detail.changedFields]).sort(),
    [
      ['closed', ['closedOn', 'closedReason']],
      ['reopened', ['closedOn', 'closedReason']],
    ],
  );
});

t.test('bad closures: 4xx naming the field, nothing written', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json(); // born January year-15, placed year-1-06-15
  const patch = (body: Record<string, unknown>) => as('admin', { method: 'PATCH', url: `/v1/young-people/${person.id}`, payload: { version: person.version, ...body } });
  const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
    [{ closedOn: daysAgo(-2), closedReason: 'adopted' }, 422, 'body/closedOn', /is in the future/],
    [{ closedOn: `${year - 16}-03-01`, closedReason: 'adopted' }, 422, 'body/closedOn', /after the month of birth began/],
    [{ closedOn: `${year - 1}-06-01`, closedReason: 'adopted' }, 422, 'body/closedOn', new RegExp(`after the start of the last history episode \\(${year - 1}-06-15\\)`)],
    [{ closedOn: `${year - 1}-06-15`, closedReason: 'adopted' }, 422, 'body/closedOn', /after the start of the last history episode/],
    [{ closedOn: daysAgo(3), closedReason: 'emigrated' }, 400, 'body/closedReason', /.+/],
    [{ closedOn: 'yesterday', closedReason: 'adopted' }, 400, 'body/closedOn', /.+/],
    [{ closedOn: daysAgo(3) }, 422, 'body/closedReason', /is required when closedOn is given/],
    [{ closedReason: 'adopted' }, 422, 'body/closedReason', /must be left out while the case is open/],
  ];
  for (const [body, status, field, reason] of cases) {
    const answer = await patch(body);
    t.equal(answer.statusCode, status, JSON.stringify(body));
    t.equal(answer.headers['content-type'], 'application/problem+json; charset=utf-8');
    const error = answer.json().errors.find((e: { field: string }) => e.field === field);
    t.ok(error, `${JSON.stringify(body)} names ${field}: ${answer.body}`);
    t.match(error?.reason, reason);
  }
  const stored = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}` })).json();
  t.equal(stored.version, person.version, 'nothing was written');
  t.same((await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items.length, 1);

  // A closed case's care state stays as it was: reopen first.
  const closed = (await patch({ closedOn: daysAgo(3), closedReason: 'returned_home' })).json();
  const move = await as('admin', { method: 'PATCH', url: `/v1/young-people/${person.id}`, payload: { version: closed.version, careState: 'home', placement: null } });
  t.equal(move.statusCode, 422);
  t.same(fields(move.json()), ['body/careState']);
});

t.test('a history ending with an exit reason closes the case on its last day; an open last episode reopens it; the CSV import likewise', async (t) => {
  const { as } = await buildTestApp(t);
  const year = new Date().getUTCFullYear();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json();
  const ended = daysAgo(20);
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const closing = await put([
    { startDate: `${year - 3}-02-01`, endDate: `${year - 1}-06-15`, careState: 'ifa_foster' },
    { startDate: `${year - 1}-06-15`, endDate: ended, careState: 'residential', exitReason: 'special_guardianship' },
  ]);
  t.equal(closing.statusCode, 200, closing.body);
  const closed = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}` })).json();
  t.match(closed, { closedOn: ended, closedReason: 'special_guardianship', version: person.version + 1 });
  const reopening = await put([{ startDate: `${year - 1}-06-15`, careState: 'residential' }]);
  t.equal(reopening.statusCode, 200, reopening.body);
  const open = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}` })).json();
  t.notOk('closedOn' in open);
  t.equal(open.version, person.version + 2);

  // The CSV import: a last row with an end date and "Age 18 or over" closes the case as aged out.
  const csv = `reference,start_date,end_date,care_state,exit_reason\n${person.reference},${year - 1}-06-15,${ended},residential,Age 18 or over\n`;
  const imported = await as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: csv });
  t.equal(imported.statusCode, 201, imported.body);
  t.match((await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}` })).json(), { closedOn: ended, closedReason: 'aged_out' });
  const audit = (await as('admin', { method: 'GET', url: '/v1/audit-events?action=history.import' })).json().items;
  t.match(audit[0]?.detail, { casesClosed: 1, casesReopened: 0 });
});

t.test('open at a date: cohorts and the borough count a case closed after the date and not one closed on or before it; the key-worker measures are today’s open cases at any date', async (t) => {
  const { app, as } = await buildTestApp(t);
  const make = async (closedDaysAgo: number | undefined) => {
    const created = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json();
    if (closedDaysAgo === undefined) return created.id as string;
    const patched = await as('admin', { method: 'PATCH', url: `/v1/young-people/${created.id}`, payload: { version: created.version, closedOn: daysAgo(closedDaysAgo), closedReason: 'returned_home' } });
    if (patched.statusCode !== 200) throw new Error(patched.body);
    return created.id as string;
  };
  await make(undefined); // open
  await make(40); // closed before the as-of date (20 days ago)
  await make(20); // closed on it: not open that day
  await make(5); // closed after it: open then
  const asOf = daysAgo(20);
  t.equal((await listCohortInputs(app.db, {})).length, 1, 'today: the open case only');
  t.equal((await listCohortInputs(app.db, { openOn: asOf })).length, 2, 'at the as-of date: the open case and the one closed after it');
  t.equal((await listCohortInputs(app.db, { openOn: daysAgo(60) })).length, 4, 'before any closure: all four');
  // A scenario's cohort is the cases open today, even for a first year already under way: a case
  // closed since 1 April keeps the state it closed in, and would be projected from it.
  const bounds = cohortBounds({ firstYear: `${Number(daysAgo(0).slice(0, 4)) - 1}-${daysAgo(0).slice(2, 4)}`, cohort: {} } as never, 25);
  t.equal((await listCohortInputs(app.db, bounds)).length, 1, 'a scenario’s cohort: the open case only');

  // The key-worker measures are today's records (cases open today) at every as-of date: were they
  // of the cases open at asOf, two board views at different dates would differ by the cases closed
  // between them, a count the small-numbers rule never saw (review of 1 December, finding 1).
  const scorecard = (await as('admin', { method: 'GET', url: `/v1/scorecard?asOf=${asOf}&quarters=1` })).json();
  const without = scorecard.groups.flatMap((g: { measures: Array<{ id: string }> }) => g.measures).find((m: { id: string }) => m.id === 'without_key_worker');
  t.match(without.organisation, { numerator: 1, denominator: 1 });
  const today = (await as('admin', { method: 'GET', url: `/v1/scorecard?asOf=${daysAgo(0)}&quarters=1` })).json();
  t.match(today.groups.flatMap((g: { measures: Array<{ id: string }> }) => g.measures).find((m: { id: string }) => m.id === 'without_key_worker').organisation, { numerator: 1, denominator: 1 });
});

t.test('the borough by month: a closed case counts until the day before it closed, priced to then (hand count)', async (t) => {
  const record = (closedOn?: string) => ({
    birthYear: 2012,
    birthMonth: 1,
    placement: { type: 'inhouse_foster', weeklyPrice: 700, startDate: '2025-06-01' },
    services: [{ name: 'Tutoring', weeklyCost: 70, fundingAgency: 'education' as const, startDate: '2025-06-01' }],
    ...(closedOn ? { closedOn } : {}),
  });
  const months = boroughByMonth([record(), record('2026-02-15')], 2026, 1, 3);
  const foster = months.map((m) => m.byType.find((c) => c.type === 'inhouse_foster'));
  // January: 2 × 31 days × £100 = £6,200 (services 2 × 31 × £10); February: 28 days × £100 plus
  // 14 days (1-14) × £100 = £4,200 (services £420); March: the open case only, 31 × £100.
  t.same(foster, [
    { type: 'inhouse_foster', children: 2, placementSpend: 6200, servicesSpend: 620 },
    { type: 'inhouse_foster', children: 2, placementSpend: 4200, servicesSpend: 420 },
    { type: 'inhouse_foster', children: 1, placementSpend: 3100, servicesSpend: 310 },
  ]);
});

t.test('created already closed (review finding 10): without a placement, no episode is opened; the same rules as PATCH', async (t) => {
  const { as } = await buildTestApp(t);
  const post = (body: Record<string, unknown>) => as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord(body) });
  const created = await post({ closedOn: daysAgo(40), closedReason: 'returned_home' });
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { closedOn: daysAgo(40), closedReason: 'returned_home' });
  t.same((await as('admin', { method: 'GET', url: `/v1/young-people/${created.json().id}/history` })).json().items, [], 'no episode: nothing says when its state began');
  const closedList = (await as('finance', { method: 'GET', url: '/v1/young-people?status=closed' })).json();
  t.same(closedList.items.map((p: { id: string }) => p.id), [created.json().id]);
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people' })).json().total, 0, 'not among the open cases');
  // A history may be recorded for it afterwards, ending on the closing day.
  const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${created.json().id}/history`, payload: { episodes: [{ startDate: daysAgo(200), endDate: daysAgo(40), careState: 'edge_of_care', newPlacement: false }] } });
  t.equal(put.statusCode, 200, put.body);
  // Bad closures on create: as PATCH, 4xx naming the field, nothing stored.
  const cases: Array<[Record<string, unknown>, number, string]> = [
    [{ closedOn: daysAgo(-2), closedReason: 'returned_home' }, 422, 'body/closedOn'],
    [{ closedOn: daysAgo(3) }, 422, 'body/closedReason'],
    [{ closedReason: 'adopted' }, 422, 'body/closedReason'],
    [{ closedOn: daysAgo(3), closedReason: 'emigrated' }, 400, 'body/closedReason'],
  ];
  for (const [body, status, field] of cases) {
    const answer = await post(body);
    t.equal(answer.statusCode, status, JSON.stringify(body));
    t.ok(fields(answer.json()).includes(field), `${JSON.stringify(body)} names ${field}: ${answer.body}`);
  }
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people?status=all' })).json().total, 1, 'nothing else stored');
});
