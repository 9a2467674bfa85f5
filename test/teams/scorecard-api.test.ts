import t, { type Test } from 'tap';
import type { Role } from '../../src/services/access-control.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { addHandBorough } from './hand-borough.ts';

/**
 * The scorecard through the API on the hand-made history of test/outcomes/hand-history.ts
 * (hand counts there): A-E in the North team (budget £100,000), F-J in the South team (no
 * budget), each young person with one £115-a-week service, key workers KW-001 (A, B, C) and KW-002
 * (D, E). asOf 31 March 2026: the year of the hand counts.
 */

async function borough(t: Test): Promise<TestApp & { north: string; south: string }> {
  const app = await buildTestApp(t);
  return { ...app, ...(await addHandBorough(app.as)) };
}

type Cell = { numerator: unknown; denominator: unknown; value: number | null; rag: string | null; teamId?: string };
function measureOf(body: { groups: Array<{ measures: Array<Record<string, unknown>> }> }, id: string) {
  return body.groups.flatMap((g) => g.measures).find((m) => m.id === id) as { organisation: Cell; teams: Cell[]; noTeam?: Cell; trend: Array<{ quarterEnd: string; organisation: Cell }> };
}

t.test('actual against target per team and for the organisation equals the hand counts; the board reads it protected', async (t) => {
  const { as, north, south } = await borough(t);
  const get = (role: Role, url = '/v1/scorecard?asOf=2026-03-31&quarters=4') => as(role, { method: 'GET', url });
  const full = (await get('head_of_service')).json();
  t.equal(full.disclosure, 'full');
  t.same(full.groups.map((g: { id: string }) => g.id), ['finance', 'young_peoples_outcomes', 'practice', 'workforce']);

  const placements = measureOf(full, 'three_or_more_placements');
  t.match(placements.organisation, { numerator: 1, denominator: 3, value: 33.3, rag: 'red' });
  t.match(placements.teams, [{ teamId: north, numerator: 1, denominator: 3 }, { teamId: south, numerator: 0, denominator: 0, value: null }]);
  t.match(measureOf(full, 'long_term_stability').organisation, { numerator: 2, denominator: 3, value: 66.7, rag: 'amber' });
  t.match(measureOf(full, 'placed_over_20_miles').organisation, { numerator: 2, denominator: 3 });
  t.match(measureOf(full, 'care_leavers_eet').organisation, { numerator: 1, denominator: 3 });
  t.match(measureOf(full, 'care_leavers_eet').teams, [{ numerator: 0, denominator: 0 }, { numerator: 1, denominator: 3 }]);
  t.match(measureOf(full, 'care_leavers_suitable_accommodation').organisation, { numerator: 1, denominator: 3 });
  t.match(measureOf(full, 'exits_adoption_sgo').organisation, { numerator: 2, denominator: 3 });
  t.match(measureOf(full, 'unplanned_entries').organisation, { numerator: 1, denominator: 2, value: 50, rag: 'red' });
  // Spend: North's 5 × £115 a week × 365.25/7 against North's £100,000, the organisation's only
  // budget; South has none, so its 5 are left out of the organisation's figure (issue 17 review:
  // it was all 10 against North's budget alone, £60,005.36, 60%).
  const spend = measureOf(full, 'spend_against_budget');
  t.match(spend.organisation, { numerator: 30002.68, denominator: 100000, value: 30, rag: 'green' });
  t.match(spend.teams, [{ numerator: 30002.68, value: 30 }, { numerator: 30002.68, denominator: null, value: null }]);
  t.match(measureOf(full, 'caseload_per_key_worker').teams[0], { numerator: 5, denominator: 2, value: 2.5 });
  t.match(measureOf(full, 'without_key_worker').organisation, { numerator: 5, denominator: 10, value: 50 });
  // Trend: four quarter ends, the last being 31 March 2026 with the year's counts.
  t.same(placements.trend.map((q) => q.quarterEnd), ['2025-06-30', '2025-09-30', '2025-12-31', '2026-03-31']);
  t.match(placements.trend[3].organisation, { numerator: 1, denominator: 3 });

  // The board: every count of 1-4 children hidden, and the share behind it withheld.
  const board = (await get('board')).json();
  t.equal(board.disclosure, 'protected');
  const protectedPlacements = measureOf(board, 'three_or_more_placements');
  t.match(protectedPlacements.organisation, { numerator: '<5', denominator: '<5', value: null, rag: null });
  const counts: unknown[] = [];
  for (const group of board.groups) {
    for (const m of group.measures) {
      if (m.kind === 'money') continue;
      for (const cell of [m.organisation, ...m.teams, m.noTeam, ...m.trend.flatMap((q: { organisation: Cell; teams: Cell[] }) => [q.organisation, ...q.teams])]) {
        if (!cell) continue;
        counts.push(cell.numerator);
        if (m.kind === 'count') counts.push(cell.denominator);
        if (typeof cell.numerator === 'string' || (m.kind === 'count' && typeof cell.denominator === 'string')) t.equal(cell.value, null, `${m.id}: share withheld behind a hidden count`);
      }
    }
  }
  t.same(counts.filter((c) => typeof c === 'number' && c > 0 && c < 5), [], 'no count of 1-4 children reaches the board');
  // Five young people per team: the spend is shown to the board.
  t.match(measureOf(board, 'spend_against_budget').teams[0], { numerator: 30002.68, value: 30 });
  t.match(measureOf(board, 'without_key_worker').organisation, { numerator: 5, denominator: 10, value: 50 });

  // The team view: only North's cells, beside the organisation's.
  const view = (await get('board', `/v1/teams/${north}/scorecard?asOf=2026-03-31&quarters=2`)).json();
  t.same(view.teams.map((x: { id: string }) => x.id), [north]);
  t.equal(measureOf(view, 'three_or_more_placements').teams.length, 1);
  t.equal(measureOf(view, 'three_or_more_placements').trend.length, 2);
  t.equal((await get('board', '/v1/teams/00000000-0000-4000-8000-000000000000/scorecard')).statusCode, 404);
  const future = await get('admin', '/v1/scorecard?asOf=2999-01-01');
  t.equal(future.statusCode, 400);
  t.equal(future.json().errors[0].field, 'querystring/asOf');
});

t.test('targets and thresholds: stored, editable by admin and finance only, out of order refused naming the field', async (t) => {
  const { as } = await borough(t);
  const put = (role: Role, measure: string, body: Record<string, number>) => as(role, { method: 'PUT', url: `/v1/scorecard/targets/${measure}`, payload: body });
  t.equal((await put('board', 'three_or_more_placements', { target: 30, green: 40, amber: 50 })).statusCode, 403);
  t.equal((await put('head_of_service', 'three_or_more_placements', { target: 30, green: 40, amber: 50 })).statusCode, 403);
  const reversed = await put('finance', 'three_or_more_placements', { target: 30, green: 50, amber: 40 });
  t.equal(reversed.statusCode, 400);
  t.same(reversed.json().errors, [{ field: 'body/amber', reason: 'must not be below green (50): lower is better for three_or_more_placements' }]);
  const higher = await put('admin', 'long_term_stability', { target: 70, green: 60, amber: 65 });
  t.equal(higher.statusCode, 400);
  t.equal(higher.json().errors[0].field, 'body/amber');
  t.equal((await put('admin', 'no_such_measure', { target: 1, green: 1, amber: 1 })).statusCode, 400);
  // A share of children cannot pass 100%: each field over it is named; spend may overrun.
  const over = await put('admin', 'long_term_stability', { target: 500, green: 70, amber: 65 });
  t.equal(over.statusCode, 400);
  t.same(over.json().errors, [{ field: 'body/target', reason: 'must be at most 100 (per cent)' }]);
  t.equal((await put('admin', 'three_or_more_placements', { target: 10, green: 10, amber: 101 })).json().errors[0].field, 'body/amber');
  t.equal((await put('admin', 'care_leavers_eet', { target: 60, green: 120, amber: 50 })).json().errors[0].field, 'body/green');
  t.equal((await put('admin', 'spend_against_budget', { target: 100, green: 100, amber: 110 })).statusCode, 200);

  const ok = await put('finance', 'three_or_more_placements', { target: 30, green: 40, amber: 50 });
  t.equal(ok.statusCode, 200);
  t.match(ok.json(), { id: 'three_or_more_placements', target: 30, green: 40, amber: 50, isDefault: false });
  // 33.3% is now green (≤ 40), 3.3 points above target.
  const full = (await as('admin', { method: 'GET', url: '/v1/scorecard?asOf=2026-03-31&quarters=1' })).json();
  t.match(measureOf(full, 'three_or_more_placements').organisation, { value: 33.3, rag: 'green', vsTarget: 3.3 });
  const listed = (await as('board', { method: 'GET', url: '/v1/outcome-measures' })).json().items;
  t.equal(listed.length, 10);
  t.match(listed.find((m: { id: string }) => m.id === 'three_or_more_placements'), { target: 30, isDefault: false });
  t.match(listed.find((m: { id: string }) => m.id === 'long_term_stability'), { isDefault: true, source: /Children looked after in England/ });
});

t.test('the board reads the scorecard at quarter ends only; roles with individual access at any day', async (t) => {
  const { as, north } = await borough(t);
  const get = (role: Role, url: string) => as(role, { method: 'GET', url });
  // 30 March is one day before a quarter end: two years ending on consecutive days differ by one
  // day's events, so the board may not choose it.
  for (const url of ['/v1/scorecard?asOf=2026-03-30&quarters=1', `/v1/teams/${north}/scorecard?asOf=2026-02-01&quarters=1`]) {
    const refused = await get('board', url);
    t.equal(refused.statusCode, 400, url);
    t.match(refused.json().errors[0], { field: 'querystring/asOf', reason: /quarter end/ });
  }
  for (const day of ['2025-06-30', '2025-09-30', '2025-12-31', '2026-03-31']) {
    t.equal((await get('board', `/v1/scorecard?asOf=${day}&quarters=1`)).json().asOf, day);
  }
  t.equal((await get('head_of_service', '/v1/scorecard?asOf=2026-03-30&quarters=1')).json().asOf, '2026-03-30');
  // By default the board reads the latest quarter end on or before today, and asOf says which.
  const today = new Date().toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));
  const expected = [`${year - 1}-12-31`, `${year}-03-31`, `${year}-06-30`, `${year}-09-30`, `${year}-12-31`].filter((d) => d <= today).pop();
  t.equal((await get('board', '/v1/scorecard?quarters=1')).json().asOf, expected);
  t.equal((await get('admin', '/v1/scorecard?quarters=1')).json().asOf, today);
});
