import t from 'tap';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { edgeOfCareRecord } from '../young-people/records.ts';

/**
 * Spend against budget has a quarterly trend (review: "spend has no quarterly trend"): each
 * quarter end's figure is the spend read with asOf = that day (the cases open then, each young
 * person's team then, the prices in force then), against today's budgets. Through the API on
 * PGlite. Fails on the old code (spend's trend was empty).
 *
 * The borough, by hand (no services, so spend is placements alone; a year is 365.25/7 weeks):
 * - P: residential at £5,000 a week from 2024-06-01, £5,200 from 2025-07-01 (a dated change on
 *   today's placement); in North until 2025-08-15, then South (the history's teams).
 * - Q (North): in-house foster care at £500 from 2024-03-01; moved to an IFA at £1,000 from
 *   2025-08-01 (a record change: the first episode keeps £500), £1,100 from 2025-11-01.
 * - R (South): kinship care at £400 from 2024-01-01.
 * North's budget £400,000, South's £100,000 (today's; budgets are not dated). No case closed, so
 * the history starts at the earliest episode, 2024-01-01.
 *
 * Weekly by team and quarter end:
 *   2024-12-31, 2025-03-31, 2025-06-30: North P 5,000 + Q 500 = 5,500; South R 400.
 *   2025-09-30: North Q 1,000; South P 5,200 + R 400 = 5,600.
 *   2025-12-31: North Q 1,100; South 5,600.
 * GBP a year = weekly × 365.25/7, to the penny; % = 100 × that / budget, to one decimal:
 *   5,500 → £286,982.14, 71.7 %; 400 → £20,871.43, 20.9 %; organisation 5,900 → £307,853.57 of
 *   £500,000, 61.6 %.
 *   1,000 → £52,178.57, 13.0 %; 5,600 → £292,200.00, 292.2 %; organisation 6,600 → £344,378.57, 68.9 %.
 *   1,100 → £57,396.43, 14.3 %; organisation 6,700 → £349,596.43, 69.9 %.
 */

const WEEKS = 365.25 / 7;
const pounds = (weekly: number) => Math.round(weekly * WEEKS * 100) / 100;
const percent = (weekly: number, budget: number) => Math.round(((100 * weekly * WEEKS) / budget) * 10) / 10;

type Cell = { numerator: unknown; denominator: unknown; value: number | null; rag: string | null; unpricedChildren?: unknown; spendComplete?: boolean; status?: string; historyStart?: string };
type Quarter = { quarterEnd: string; organisation: Cell; teams: Array<Cell & { teamId: string }>; noTeam?: Cell };
type Measure = { id: string; organisation: Cell; teams: Array<Cell & { teamId: string }>; trend: Quarter[] };

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

t.test('each quarter’s spend is the spend read on that day: the team then, the price then', async (t) => {
  const app = await buildTestApp(t);
  const team = async (name: string, annualBudget: number): Promise<string> =>
    (await app.as('admin', { method: 'POST', url: '/v1/teams', payload: { name, service: 'children_looked_after', annualBudget } })).json().id;
  const north = await team('North', 400_000);
  const south = await team('South', 100_000);
  const p = await created(
    app,
    lookedAfter({ teamId: south, placement: { type: 'residential', provider: 'own_authority', weeklyPrice: 5000, startDate: '2024-06-01', priceChanges: [{ from: '2025-07-01', weeklyPrice: 5200 }] } }),
  );
  const put = await app.as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${p.id}/history`,
    payload: {
      episodes: [
        { startDate: '2024-06-01', endDate: '2025-08-15', careState: 'residential', teamId: north },
        { startDate: '2025-08-15', careState: 'residential', newPlacement: false, teamId: south },
      ],
    },
  });
  t.equal(put.statusCode, 200, put.body);
  const q = await created(app, lookedAfter({ teamId: north, placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 500, startDate: '2024-03-01' } }));
  await patched(app, q.id, q.version, {
    careState: 'ifa_foster',
    placement: { type: 'ifa_foster', provider: 'private', weeklyPrice: 1000, startDate: '2025-08-01', priceChanges: [{ from: '2025-11-01', weeklyPrice: 1100 }] },
  });
  await created(app, lookedAfter({ teamId: south, careState: 'kinship_foster', placement: { type: 'kinship_foster', provider: 'own_authority', weeklyPrice: 400, startDate: '2024-01-01' } }));

  const read = async (query: string) => {
    const body = (await app.as('head_of_service', { method: 'GET', url: `/v1/scorecard?${query}` })).json();
    return { body, spend: body.groups.flatMap((g: { measures: Measure[] }) => g.measures).find((m: Measure) => m.id === 'spend_against_budget') as Measure };
  };
  const { body, spend } = await read('asOf=2025-12-31&quarters=5');
  t.equal(body.historyStart, '2024-01-01');
  t.same(
    spend.trend.map((x) => x.quarterEnd),
    ['2024-12-31', '2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31'],
  );
  const weekly: Record<string, [north: number, south: number]> = {
    '2024-12-31': [5500, 400],
    '2025-03-31': [5500, 400],
    '2025-06-30': [5500, 400],
    '2025-09-30': [1000, 5600],
    '2025-12-31': [1100, 5600],
  };
  for (const quarter of spend.trend) {
    const [n, s] = weekly[quarter.quarterEnd];
    const [northCell, southCell] = [north, south].map((id) => quarter.teams.find((c) => c.teamId === id) as Cell);
    t.match(northCell, { numerator: pounds(n), denominator: 400_000, value: percent(n, 400_000), unpricedChildren: 0, spendComplete: true }, `${quarter.quarterEnd} North: £${n} a week`);
    t.match(southCell, { numerator: pounds(s), denominator: 100_000, value: percent(s, 100_000), unpricedChildren: 0, spendComplete: true }, `${quarter.quarterEnd} South: £${s} a week`);
    t.match(quarter.organisation, { numerator: pounds(n + s), denominator: 500_000, value: percent(n + s, 500_000) }, `${quarter.quarterEnd} organisation`);
    t.match(quarter.noTeam, { numerator: 0, value: null, unpricedChildren: 0 });
  }
  // The hand figures, pinned (the formula above could share a slip with the code).
  const at = (day: string) => spend.trend.find((x) => x.quarterEnd === day) as Quarter;
  t.same(
    [at('2025-06-30').teams.map((c) => [c.numerator, c.value]), [at('2025-06-30').organisation.numerator, at('2025-06-30').organisation.value]],
    [
      [
        [286982.14, 71.7],
        [20871.43, 20.9],
      ],
      [307853.57, 61.6],
    ],
  );
  t.same(
    [at('2025-09-30').teams.map((c) => [c.numerator, c.value]), [at('2025-09-30').organisation.numerator, at('2025-09-30').organisation.value]],
    [
      [
        [52178.57, 13],
        [292200, 292.2],
      ],
      [344378.57, 68.9],
    ],
  );
  t.same(
    [at('2025-12-31').teams.map((c) => [c.numerator, c.value]), [at('2025-12-31').organisation.numerator, at('2025-12-31').organisation.value]],
    [
      [
        [57396.43, 14.3],
        [292200, 292.2],
      ],
      [349596.43, 69.9],
    ],
  );
  // The now cell read on a quarter end is that quarter's.
  t.same(
    [spend.organisation, ...spend.teams],
    [at('2025-12-31').organisation, ...at('2025-12-31').teams],
  );
  // Each quarter is what the spend read with asOf = that day says.
  for (const day of ['2025-06-30', '2025-09-30']) {
    const then = (await read(`asOf=${day}&quarters=1`)).spend;
    t.same([then.organisation, ...then.teams], [at(day).organisation, ...at(day).teams], `${day}: as read that day`);
  }

  // A quarter end before the history starts (2024-01-01) cannot be priced from it: no figure.
  const long = (await read('asOf=2025-12-31&quarters=9')).spend;
  t.equal(long.trend[0].quarterEnd, '2023-12-31');
  for (const c of [long.trend[0].organisation, ...long.trend[0].teams, long.trend[0].noTeam as Cell]) {
    t.match(c, { numerator: null, denominator: null, value: null, rag: null, status: 'history_incomplete', historyStart: '2024-01-01' });
  }
  t.equal(long.trend[1].quarterEnd, '2024-03-31');
  t.equal(long.trend[1].organisation.status, undefined, 'from the history’s start on, figures');
});
