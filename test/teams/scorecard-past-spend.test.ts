import t, { type Test } from 'tap';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { edgeOfCareRecord } from '../young-people/records.ts';

/**
 * Spend at a past day (issue 17, review finding 4): a young person who has moved since, or whose
 * case has closed, is priced from the history episode in force that day, not from today's
 * placement (which had not begun) at £0; a placement episode with no price is reported as
 * unpriced. Through the API, on PGlite here and on PostgreSQL where DATABASE_URL is set (CI).
 *
 * The borough, by hand (no services, so spend is placements alone; a year is 365.25/7 weeks):
 * - P (North): residential at £5,000 a week from 2024-06-01; moved to an IFA at £900 from
 *   2025-09-01 (a record change, which closes the first episode with its price).
 * - Q (North): in-house foster care at £500 from 2024-03-01; moved to an IFA at £1,000 from
 *   2025-08-01, £1,100 from 2025-09-15 (a dated change); case closed 2025-10-01.
 * - R (South): history of in-house foster care from 2024-01-01 with no price recorded, then
 *   kinship care at £350 from 2025-10-01 (today's placement).
 * North's budget £400,000, South's £100,000: £500,000 for the organisation.
 */

const WEEKS = 365.25 / 7;
const pounds = (weekly: number) => Math.round(weekly * WEEKS * 100) / 100;

type Cell = { numerator: unknown; denominator: unknown; value: number | null; rag: string | null; vsTarget: number | null; unpricedChildren?: unknown; spendComplete?: boolean };
type Body = { groups: Array<{ measures: Array<{ id: string; organisation: Cell; teams: Cell[]; noTeam?: Cell }> }> };
const spendOf = (body: Body) => body.groups.flatMap((g) => g.measures).find((m) => m.id === 'spend_against_budget') as { organisation: Cell; teams: Cell[]; noTeam?: Cell };

function lookedAfter(overrides: Partial<YoungPersonInputDto> & { placement: NonNullable<YoungPersonInputDto['placement']> }): YoungPersonInputDto {
  return edgeOfCareRecord({ birthYear: 2012, birthMonth: 5, legalStatus: 'care_order', careState: overrides.placement.type, services: [], ...overrides });
}

async function created(app: TestApp, record: YoungPersonInputDto): Promise<{ id: string; version: number }> {
  const res = await app.as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  if (res.statusCode !== 201) throw new Error(`refused: ${res.body}`);
  return res.json();
}

async function patched(app: TestApp, id: string, version: number, patch: Record<string, unknown>): Promise<{ version: number }> {
  const res = await app.as('admin', { method: 'PATCH', url: `/v1/young-people/${id}`, payload: { version, ...patch } });
  if (res.statusCode !== 200) throw new Error(`patch refused: ${res.body}`);
  return res.json();
}

async function team(app: TestApp, name: string, annualBudget: number): Promise<string> {
  return (await app.as('admin', { method: 'POST', url: '/v1/teams', payload: { name, service: 'children_looked_after', annualBudget } })).json().id;
}

/** P and Q, moved since (and Q closed), both in North; record changes only (no price given to a history). */
async function movedAndClosed(t: Test) {
  const app = await buildTestApp(t);
  const north = await team(app, 'North', 400_000);
  const south = await team(app, 'South', 100_000);
  const p = await created(app, lookedAfter({ teamId: north, placement: { type: 'residential', provider: 'own_authority', weeklyPrice: 5000, startDate: '2024-06-01' } }));
  await patched(app, p.id, p.version, { careState: 'ifa_foster', placement: { type: 'ifa_foster', provider: 'private', weeklyPrice: 900, startDate: '2025-09-01' } });
  const q = await created(app, lookedAfter({ teamId: north, placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 500, startDate: '2024-03-01' } }));
  const moved = await patched(app, q.id, q.version, {
    careState: 'ifa_foster',
    placement: { type: 'ifa_foster', provider: 'private', weeklyPrice: 1000, startDate: '2025-08-01', priceChanges: [{ from: '2025-09-15', weeklyPrice: 1100 }] },
  });
  await patched(app, q.id, moved.version, { closedOn: '2025-10-01', closedReason: 'returned_home' });
  // O, whose case closed on 31 December 2024, in no team: the borough holds its closed cases from
  // then (historyStart), so the days read here can be priced from the history. Without O the
  // first closure on record would be Q's, and a day before 1 October 2025 would have no figure.
  const o = await created(app, lookedAfter({ placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 450, startDate: '2024-01-01' } }));
  await patched(app, o.id, o.version, { closedOn: '2024-12-31', closedReason: 'returned_home' });
  return { app, north, south, p: p.id, q: q.id };
}

t.test('a child who moved after the day, and a case closed since, are priced from the episode in force then', async (t) => {
  const { app, p } = await movedAndClosed(t);
  const read = async (asOf: string) => spendOf((await app.as('head_of_service', { method: 'GET', url: `/v1/scorecard?asOf=${asOf}&quarters=1` })).json());

  // 30 June 2025: P in the residential home (£5,000, the episode's), Q with in-house carers (£500,
  // the episode's; the case closed later). Main priced both at £0: today's placements had not begun.
  const june = await read('2025-06-30');
  t.equal(june.teams[0].numerator, pounds(5500), '(5,000 + 500) × 365.25/7 = £286,982.14');
  t.equal(june.teams[0].numerator, 286982.14);
  t.equal(june.teams[0].value, 71.7, '286,982.14 of 400,000');
  t.equal(june.teams[0].rag, 'green');
  t.equal(june.teams[0].unpricedChildren, 0);
  t.equal(june.teams[0].spendComplete, true);
  t.match(june.organisation, { numerator: 286982.14, denominator: 500000, value: 57.4, rag: 'green', vsTarget: -42.6, unpricedChildren: 0, spendComplete: true });

  // 30 September 2025: today's placements had begun: P £900; Q £1,100 (the change of 15
  // September), the case still open that day.
  const september = await read('2025-09-30');
  t.equal(september.teams[0].numerator, pounds(2000));
  t.equal(september.teams[0].numerator, 104357.14);
  t.equal(september.teams[0].value, 26.1);

  // 31 December 2025: Q's case closed on 1 October, so only P, at £900.
  const december = await read('2025-12-31');
  t.equal(december.teams[0].numerator, pounds(900));
  t.equal(december.teams[0].numerator, 46960.71);

  // The record change wrote each episode's price: P's residential home at £5,000, then £900.
  const history = (await app.as('admin', { method: 'GET', url: `/v1/young-people/${p}/history` })).json().items;
  t.match(history, [
    { startDate: '2024-06-01', endDate: '2025-09-01', careState: 'residential', weeklyPrice: 5000 },
    { startDate: '2025-09-01', careState: 'ifa_foster', weeklyPrice: 900 },
  ]);
});

t.test('a placement episode with no price is reported as unpriced, and the spend as incomplete', async (t) => {
  const { app, south } = await movedAndClosed(t);
  const r = await created(app, lookedAfter({ teamId: south, careState: 'kinship_foster', placement: { type: 'kinship_foster', provider: 'own_authority', weeklyPrice: 350, startDate: '2025-10-01' } }));
  const put = await app.as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${r.id}/history`,
    payload: {
      episodes: [
        { startDate: '2024-01-01', endDate: '2025-10-01', careState: 'inhouse_foster' },
        { startDate: '2025-10-01', careState: 'kinship_foster', weeklyPrice: 350 },
      ],
    },
  });
  t.equal(put.statusCode, 200, put.body);
  const read = async (asOf: string, role: 'head_of_service' | 'board' = 'head_of_service') => spendOf((await app.as(role, { method: 'GET', url: `/v1/scorecard?asOf=${asOf}&quarters=1` })).json());

  const june = await read('2025-06-30');
  // North as before (complete); South: R's price that day is not known, so not £0 and no colour.
  t.match(june.teams[0], { numerator: 286982.14, value: 71.7, rag: 'green', unpricedChildren: 0, spendComplete: true });
  t.match(june.teams[1], { numerator: 0, denominator: 100000, value: 0, rag: null, vsTarget: null, unpricedChildren: 1, spendComplete: false });
  t.match(june.organisation, { numerator: 286982.14, denominator: 500000, value: 57.4, rag: null, vsTarget: null, unpricedChildren: 1, spendComplete: false });
  t.match(june.noTeam, { unpricedChildren: 0, spendComplete: true });
  // The board: one unpriced child is a count of 1-4, shown as "<5"; the spend still incomplete.
  const board = await read('2025-06-30', 'board');
  t.match(board.organisation, { unpricedChildren: '<5', spendComplete: false, rag: null });

  // 31 December 2025: R's kinship placement (today's) had begun: £350, and every child priced.
  const december = await read('2025-12-31');
  t.match(december.teams[1], { numerator: pounds(350), unpricedChildren: 0, spendComplete: true });
  t.equal(december.teams[1].numerator, 18262.5);
  t.match(december.organisation, { numerator: 65223.21, value: 13, rag: 'green', unpricedChildren: 0 });
});

t.test('an episode written before prices (none recorded) takes the old placement’s price when the young person moves', async (t) => {
  const app = await buildTestApp(t);
  const s = await created(app, lookedAfter({ placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 600, startDate: '2024-01-01', priceChanges: [{ from: '2024-07-01', weeklyPrice: 640 }] } }));
  // The history as recorded without a price (as every episode stored before the migration).
  t.equal((await app.as('admin', { method: 'PUT', url: `/v1/young-people/${s.id}/history`, payload: { episodes: [{ startDate: '2024-01-01', careState: 'inhouse_foster' }] } })).statusCode, 200);
  const version = (await app.as('admin', { method: 'GET', url: `/v1/young-people/${s.id}` })).json().version;
  await patched(app, s.id, version, { careState: 'residential', placement: { type: 'residential', provider: 'private', weeklyPrice: 6000, startDate: '2025-11-01' } });
  // The new placement's price corrected (the same placement): the open episode follows, £6,250.
  const corrected = (await app.as('admin', { method: 'GET', url: `/v1/young-people/${s.id}` })).json();
  await patched(app, s.id, corrected.version, { placement: { ...corrected.placement, weeklyPrice: 6250 } });
  const history = (await app.as('admin', { method: 'GET', url: `/v1/young-people/${s.id}/history` })).json().items;
  // The price on the episode's first day (£600; the £640 from July is within the episode, which carries one price).
  t.match(history, [
    { startDate: '2024-01-01', endDate: '2025-11-01', careState: 'inhouse_foster', weeklyPrice: 600 },
    { startDate: '2025-11-01', careState: 'residential', weeklyPrice: 6250 },
  ]);
});

t.test('a bad weeklyPrice is refused naming the field, in JSON and in the CSV import; nothing is stored', async (t) => {
  const app = await buildTestApp(t);
  const record = lookedAfter({ placement: { type: 'ifa_foster', provider: 'private', weeklyPrice: 950, startDate: '2025-01-01' } });
  const person = await created(app, record);
  const put = (episodes: unknown[]) => app.as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const open = { startDate: '2025-01-01', careState: 'ifa_foster' };
  for (const [price, status] of [
    [-1, 400],
    [1_000_000.01, 400],
    ['950', 400],
    [950.005, 422],
  ] as const) {
    const res = await put([{ ...open, weeklyPrice: price }]);
    t.equal(res.statusCode, status, `weeklyPrice ${price}`);
    t.match(res.headers['content-type'], /application\/problem\+json/);
    t.ok(
      res.json().errors.some((e: { field: string }) => e.field === 'body/episodes/0/weeklyPrice'),
      `${price}: names body/episodes/0/weeklyPrice (${JSON.stringify(res.json().errors)})`,
    );
  }
  // A price on an episode with no placement (edge of care) means nothing: refused.
  const home = await put([{ startDate: '2024-01-01', endDate: '2025-01-01', careState: 'edge_of_care', weeklyPrice: 100 }, open]);
  t.equal(home.statusCode, 422);
  t.match(home.json().errors, [{ field: 'body/episodes/0/weeklyPrice', reason: /placement/ }]);
  // Whole pence and the maximum are fine (on an earlier placement: the open episode's is the record's, review of 2 December).
  const good = await put([{ startDate: '2024-01-01', endDate: '2025-01-01', careState: 'residential', weeklyPrice: 1_000_000 }, open]);
  t.equal(good.statusCode, 200);
  t.equal(good.json().items[0].weeklyPrice, 1_000_000);

  const csv = (body: string) => app.as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: body });
  const ref = record.reference;
  const bad = await csv(
    `reference,start_date,end_date,care_state,weekly_price\n${ref},2023-01-01,2023-06-01,ifa_foster,abc\n${ref},2023-06-01,2024-01-01,ifa_foster,12.345\n${ref},2024-01-01,2024-06-01,residential,2000000\n${ref},2024-06-01,2025-01-01,residential,Infinity\n${ref},2025-01-01,,ifa_foster,-5\n`,
  );
  t.equal(bad.statusCode, 422);
  t.match(bad.headers['content-type'], /application\/problem\+json/);
  const errors = bad.json().errors as Array<{ row: number; field: string }>;
  for (const row of [1, 2, 3, 4, 5]) t.ok(errors.some((e) => e.row === row && e.field === 'weekly_price'), `row ${row}: weekly_price named (${JSON.stringify(errors)})`);
  t.equal((await app.as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items[0].weeklyPrice, 1_000_000, 'nothing stored');

  const ok = await csv(`reference,start_date,end_date,care_state,weekly_price\n${ref},2024-01-01,2025-01-01,residential,5250.50\n${ref},2025-01-01,,ifa_foster,\n`);
  t.equal(ok.statusCode, 201, ok.body);
  t.match((await app.as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items, [{ careState: 'residential', weeklyPrice: 5250.5 }, { careState: 'ifa_foster' }]);
});
