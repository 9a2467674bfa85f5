import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { residentialAged } from '../care-plans/fixtures.ts';

/**
 * The borough at a glance against a hand count on a small cohort, for a role that sees
 * individuals (every figure exact) and for the board (the small-numbers rule).
 *
 * The cohort (December 2026 to February 2027: 31, 31 and 28 days):
 *   A residential, £7,000 a week since 1 January 2025: Dec 7,000 × 31 ÷ 7 = £31,000; Jan £31,000; Feb £28,000.
 *   B residential, £3,500 a week since 10 January 2026: Dec £15,500; Jan £15,500; Feb £14,000.
 *   D residential, £1,400 a week, born January 2009: the placement ends on 1 January 2027 (18th
 *     birthday, the 1st of the birth month), so Dec £6,200 and no January or February.
 *   C in-house foster care, £700 a week, and a £70-a-week service from 1 January 2026: Dec £3,100
 *     and £310; Jan the same; Feb £2,800 and £280.
 *   E1-E6 agency (IFA) foster care, £1,050 a week each: Dec and Jan 6 × £4,650 = £27,900; Feb 6 × £4,200 = £25,200.
 */

function residential(birthYear: number, birthMonth: number, weeklyPrice: number, startDate: string) {
  return residentialAged(14, { birthYear, birthMonth, placement: { type: 'residential', provider: 'private', weeklyPrice, startDate }, services: [] });
}

function foster(type: 'inhouse_foster' | 'ifa_foster', weeklyPrice: number, services: Array<Record<string, unknown>> = []) {
  return residentialAged(10, { birthYear: 2015, birthMonth: 5, careState: type, placement: { type, provider: type === 'ifa_foster' ? 'private' : 'own_authority', weeklyPrice, startDate: '2025-06-01' }, services: services as never });
}

async function addCohort(as: TestApp['as']) {
  const records = [
    residential(2012, 11, 7000, '2025-01-01'),
    residential(2010, 1, 3500, '2026-01-10'),
    residential(2009, 1, 1400, '2025-03-01'),
    foster('inhouse_foster', 700, [{ name: 'Tutoring', weeklyCost: 70, fundingAgency: 'education', startDate: '2026-01-01' }]),
    ...Array.from({ length: 6 }, () => foster('ifa_foster', 1050)),
  ];
  for (const record of records) {
    const created = await as('finance', { method: 'POST', url: '/v1/young-people', payload: record });
    if (created.statusCode !== 201) throw new Error(`fixture refused: ${created.body}`);
  }
}

type Cell = { type: string; children: number | string; placementSpend: number | null; servicesSpend: number | null };

const pick = (answer: { byMonth: Array<{ month: string; byType: Cell[]; total: Omit<Cell, 'type'> }> }, types: string[]) =>
  answer.byMonth.map((m) => [m.month, ...types.map((type) => m.byType.find((c) => c.type === type)), m.total]);

t.test('children and spend by placement type, month by month, as counted by hand', async (t) => {
  const { as } = await buildTestApp(t);
  await addCohort(as);
  const answer = await as('head_of_service', { method: 'GET', url: '/v1/borough?from=2026-12&months=3' });
  t.equal(answer.statusCode, 200);
  const body = answer.json();
  t.same(body.byMonth.map((m: { month: string; financialYear: string }) => [m.month, m.financialYear]), [['2026-12', '2026-27'], ['2027-01', '2026-27'], ['2027-02', '2026-27']]);
  t.equal(body.disclosure.applied, false);
  t.same(pick(body, ['residential', 'inhouse_foster', 'ifa_foster']), [
    [
      '2026-12',
      { type: 'residential', children: 3, placementSpend: 52_700, servicesSpend: 0 },
      { type: 'inhouse_foster', children: 1, placementSpend: 3_100, servicesSpend: 310 },
      { type: 'ifa_foster', children: 6, placementSpend: 27_900, servicesSpend: 0 },
      { children: 10, placementSpend: 83_700, servicesSpend: 310 },
    ],
    [
      '2027-01',
      { type: 'residential', children: 2, placementSpend: 46_500, servicesSpend: 0 },
      { type: 'inhouse_foster', children: 1, placementSpend: 3_100, servicesSpend: 310 },
      { type: 'ifa_foster', children: 6, placementSpend: 27_900, servicesSpend: 0 },
      { children: 9, placementSpend: 77_500, servicesSpend: 310 },
    ],
    [
      '2027-02',
      { type: 'residential', children: 2, placementSpend: 42_000, servicesSpend: 0 },
      { type: 'inhouse_foster', children: 1, placementSpend: 2_800, servicesSpend: 280 },
      { type: 'ifa_foster', children: 6, placementSpend: 25_200, servicesSpend: 0 },
      { children: 9, placementSpend: 70_000, servicesSpend: 280 },
    ],
  ]);
  // Types nobody is placed in read a true zero.
  t.same(body.byMonth[0].byType.find((c: Cell) => c.type === 'secure_home'), { type: 'secure_home', children: 0, placementSpend: 0, servicesSpend: 0 });
});

t.test('the board reads it under the small-numbers rule', async (t) => {
  const { as, app } = await buildTestApp(t);
  await addCohort(as);
  const answer = await as('board', { method: 'GET', url: '/v1/borough?from=2026-12&months=3' });
  t.equal(answer.statusCode, 200);
  const body = answer.json();
  t.equal(body.disclosure.applied, true);
  t.same(pick(body, ['residential', 'inhouse_foster', 'ifa_foster']), [
    [
      '2026-12',
      { type: 'residential', children: '<5', placementSpend: null, servicesSpend: null },
      { type: 'inhouse_foster', children: '<5', placementSpend: null, servicesSpend: null },
      { type: 'ifa_foster', children: 'c', placementSpend: null, servicesSpend: null },
      // Two groups hidden as "<5" and 6 shown beside a total of 10 would say the two add up to 4,
      // so neither could be 4: the bounds rule hides the 6 too ("c"), and its money with it; the
      // money total is withheld, or it would give the hidden children's spend.
      { children: 10, placementSpend: null, servicesSpend: null },
    ],
    [
      '2027-01',
      { type: 'residential', children: '<5', placementSpend: null, servicesSpend: null },
      { type: 'inhouse_foster', children: '<5', placementSpend: null, servicesSpend: null },
      { type: 'ifa_foster', children: 'c', placementSpend: null, servicesSpend: null },
      // 9 = two "<5" + a hidden "c" (0 or 5 and over) still says neither "<5" is 4: the total goes too.
      { children: 'c', placementSpend: null, servicesSpend: null },
    ],
    [
      '2027-02',
      { type: 'residential', children: '<5', placementSpend: null, servicesSpend: null },
      { type: 'inhouse_foster', children: '<5', placementSpend: null, servicesSpend: null },
      { type: 'ifa_foster', children: 'c', placementSpend: null, servicesSpend: null },
      // 9 = two "<5" + a hidden "c" (0 or 5 and over) still says neither "<5" is 4: the total goes too.
      { children: 'c', placementSpend: null, servicesSpend: null },
    ],
  ]);
  t.notOk(JSON.stringify(body).match(/"children":[1-4][,}]/), 'no count from 1 to 4 anywhere');

  // One hidden group beside a shown total: a second figure is hidden ("c") so it cannot be worked out.
  const ids = await app.db.selectFrom('young_people').select('id').where('care_state', '=', 'residential').execute();
  for (const { id } of ids) await as('admin', { method: 'DELETE', url: `/v1/young-people/${id}` });
  const after = (await as('board', { method: 'GET', url: '/v1/borough?from=2026-12&months=1' })).json();
  const dec = after.byMonth[0];
  const shown = [...dec.byType.map((c: Cell) => c.children), dec.total.children];
  t.equal(dec.byType.find((c: Cell) => c.type === 'inhouse_foster').children, '<5');
  t.ok(shown.includes('c'), `a complementary figure is hidden: ${JSON.stringify(shown)}`);
  t.equal(dec.total.placementSpend, null);
});

t.test('bad queries answer 400 naming the field; no token 401', async (t) => {
  const { as, app } = await buildTestApp(t);
  for (const [query, field] of [['months=0', 'months'], ['months=37', 'months'], ['from=2026-13', 'from'], ['from=0099-01', 'from'], ['from=0001-01', 'from'], ['from=9999-12&months=36', 'from'], ['colour=red', 'colour']]) {
    const answer = await as('board', { method: 'GET', url: `/v1/borough?${query}` });
    t.equal(answer.statusCode, 400, query);
    t.match(answer.headers['content-type'], /^application\/problem\+json/);
    t.match(JSON.stringify(answer.json()), new RegExp(field), `names ${field}`);
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/borough' })).statusCode, 401);
});

t.test('team: one team’s young people only (hand count); unknown team 422 naming querystring/team; not for the board (403)', async (t) => {
  const { as } = await buildTestApp(t);
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Residential team', service: 'children_looked_after' } })).json().id as string;
  // In the team: residential £7,000 a week (December 7,000 × 31 ÷ 7 = £31,000). Not: IFA £1,050 a week (£4,650).
  for (const record of [{ ...residential(2012, 11, 7000, '2025-01-01'), teamId: team }, foster('ifa_foster', 1050)]) {
    const created = await as('finance', { method: 'POST', url: '/v1/young-people', payload: record });
    if (created.statusCode !== 201) throw new Error(created.body);
  }
  const all = (await as('head_of_service', { method: 'GET', url: '/v1/borough?from=2026-12&months=1' })).json();
  t.same(all.byMonth[0].total, { children: 2, placementSpend: 35_650, servicesSpend: 0 });
  const mine = await as('head_of_service', { method: 'GET', url: `/v1/borough?from=2026-12&months=1&team=${team}` });
  t.equal(mine.statusCode, 200);
  t.same(pick(mine.json(), ['residential', 'ifa_foster']), [
    ['2026-12', { type: 'residential', children: 1, placementSpend: 31_000, servicesSpend: 0 }, { type: 'ifa_foster', children: 0, placementSpend: 0, servicesSpend: 0 }, { children: 1, placementSpend: 31_000, servicesSpend: 0 }],
  ]);
  const unknown = await as('head_of_service', { method: 'GET', url: '/v1/borough?team=00000000-0000-4000-8000-000000000000' });
  t.equal(unknown.statusCode, 422);
  t.same(unknown.json().errors, [{ field: 'querystring/team', reason: 'names no team' }]);
  const notId = await as('head_of_service', { method: 'GET', url: '/v1/borough?team=North' });
  t.equal(notId.statusCode, 400);
  t.equal(notId.json().errors[0].field, 'querystring/team');
  const board = await as('board', { method: 'GET', url: `/v1/borough?team=${team}` });
  t.equal(board.statusCode, 403);
  t.match(board.headers['content-type'], /application\/problem\+json/);
});
