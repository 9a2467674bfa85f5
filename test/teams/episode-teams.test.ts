import t from 'tap';
import { PLACEMENT_STATE_IDS, type YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { edgeOfCareRecord } from '../young-people/records.ts';

/**
 * Events counted under the team of the episode they happened in (issue 17), on a hand-made
 * history, asOf 31 March 2026 (the year 1 April 2025 - 31 March 2026):
 *
 *   P (team today: CLA): edge of care under Edge from 2024, came into care in an emergency on
 *     1 June 2025 still under Edge (in-house foster, 5 miles), moved to IFA foster care 30 miles
 *     away under CLA on 1 September 2025 (open).
 *   Q (no team today): in-house foster under CLA from 2023 (planned entry), adopted 1 October 2025.
 *   R (team today: Leaving): residential to September 2024, then supported lodgings in training or
 *     work with no team recorded on the episode; 19 on 1 September 2025.
 *
 * Hand counts, new rule (the episode's team, else today's team) against the old (today's team):
 *   unplanned entries: P's entry (1 June 2025) — Edge 1/1 (old: CLA 1/1);
 *   exits by adoption or SGO: Q's (1 October 2025) — CLA 1/1 (old: no team 1/1);
 *   placed over 20 miles at 31 March 2026: P, 30 miles, episode under CLA — CLA 1/1 (both);
 *     at 30 June 2025 P was 5 miles away under Edge — Edge 0/1 (old: CLA 0/1);
 *   care leavers in EET: R's 19th birthday, episode with no team → Leaving 1/1 (both).
 */

type Cell = { numerator: unknown; denominator: unknown; teamId?: string };
type Measure = { organisation: Cell; teams: Cell[]; noTeam?: Cell; trend: Array<{ quarterEnd: string; organisation: Cell; teams: Cell[] }> };
function measureOf(body: { groups: Array<{ measures: Array<Record<string, unknown>> }> }, id: string): Measure {
  return body.groups.flatMap((g) => g.measures).find((m) => m.id === id) as unknown as Measure;
}
/** [numerator, denominator] per team in the order given, then no team, then the organisation. */
function counts(m: Measure, teams: string[]): Array<[unknown, unknown]> {
  const cells = [...teams.map((id) => m.teams.find((c) => c.teamId === id) as Cell), m.noTeam as Cell, m.organisation];
  return cells.map((c) => [c.numerator, c.denominator]);
}

function byTeam(cells: Cell[], teams: string[]): Array<[unknown, unknown]> {
  return teams.map((id) => {
    const c = cells.find((x) => x.teamId === id) as Cell;
    return [c.numerator, c.denominator];
  });
}

async function person(as: TestApp['as'], record: Partial<YoungPersonInputDto>, open: { startDate: string; careState: string }): Promise<string> {
  const placed = PLACEMENT_STATE_IDS.includes(open.careState as (typeof PLACEMENT_STATE_IDS)[number]);
  const payload = edgeOfCareRecord({
    ...record,
    careState: open.careState as YoungPersonInputDto['careState'],
    ...(placed ? { legalStatus: 'care_order', placement: { type: open.careState, provider: 'own_authority', weeklyPrice: 0, startDate: open.startDate } as YoungPersonInputDto['placement'] } : {}),
  });
  const created = await as('admin', { method: 'POST', url: '/v1/young-people', payload });
  if (created.statusCode !== 201) throw new Error(created.body);
  return created.json().id;
}

t.test('events count under the team of the episode they happened in; without episode teams, under today’s team', async (t) => {
  const { as } = await buildTestApp(t);
  const team = async (name: string, service: string) => (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name, service } })).json().id as string;
  const edge = await team('Edge', 'edge_of_care');
  const cla = await team('CLA', 'children_looked_after');
  const leaving = await team('Leaving', 'leaving_care');
  const order = [edge, cla, leaving];

  const p = await person(as, { birthYear: 2014, birthMonth: 3, teamId: cla }, { startDate: '2025-09-01', careState: 'ifa_foster' });
  const q = await person(as, { birthYear: 2019, birthMonth: 5 }, { startDate: '2025-10-01', careState: 'adopted' });
  const r = await person(as, { birthYear: 2006, birthMonth: 9, teamId: leaving }, { startDate: '2024-09-01', careState: 'supported_lodgings' });
  const histories = {
    [p]: [
      { startDate: '2024-01-01', endDate: '2025-06-01', careState: 'edge_of_care', teamId: edge },
      { startDate: '2025-06-01', endDate: '2025-09-01', careState: 'inhouse_foster', newPlacement: true, entry: 'unplanned_emergency', distanceFromHomeMiles: 5, teamId: edge },
      { startDate: '2025-09-01', careState: 'ifa_foster', newPlacement: true, distanceFromHomeMiles: 30, teamId: cla },
    ],
    [q]: [
      { startDate: '2023-01-01', endDate: '2025-10-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', teamId: cla },
      { startDate: '2025-10-01', careState: 'adopted', newPlacement: false },
    ],
    [r]: [
      { startDate: '2019-01-01', endDate: '2024-09-01', careState: 'residential', newPlacement: true, teamId: cla },
      { startDate: '2024-09-01', careState: 'supported_lodgings', newPlacement: false, leaverActivity: 'training_or_employment', accommodationSuitable: true },
    ],
  };
  const put = async (withTeams: boolean) => {
    for (const [id, episodes] of Object.entries(histories)) {
      const body = { episodes: withTeams ? episodes : episodes.map(({ teamId: _, ...e }) => e) };
      const res = await as('admin', { method: 'PUT', url: `/v1/young-people/${id}/history`, payload: body });
      if (res.statusCode !== 200) throw new Error(res.body);
    }
  };
  const scorecard = async () => (await as('head_of_service', { method: 'GET', url: '/v1/scorecard?asOf=2026-03-31&quarters=4' })).json();

  // The old rule: no episode names a team, so everything falls back to today's team.
  // Columns: Edge, CLA, Leaving, no team, organisation.
  await put(false);
  const old = await scorecard();
  t.same(counts(measureOf(old, 'unplanned_entries'), order), [[0, 0], [1, 1], [0, 0], [0, 0], [1, 1]], 'old rule: P’s emergency entry under CLA');
  t.same(counts(measureOf(old, 'exits_adoption_sgo'), order), [[0, 0], [0, 0], [0, 0], [1, 1], [1, 1]], 'old rule: Q’s adoption under no team');
  t.same(counts(measureOf(old, 'placed_over_20_miles'), order), [[0, 0], [1, 1], [0, 0], [0, 0], [1, 1]]);
  const oldJune = measureOf(old, 'placed_over_20_miles').trend[0];
  t.equal(oldJune.quarterEnd, '2025-06-30');
  t.same(byTeam(oldJune.teams, order), [[0, 0], [0, 1], [0, 0]], 'old rule: P at 30 June 2025 under CLA');
  t.same(counts(measureOf(old, 'care_leavers_eet'), order), [[0, 0], [0, 0], [1, 1], [0, 0], [1, 1]]);

  // The new rule: each event under its episode's team; R's birthday episode has none (→ Leaving).
  await put(true);
  const now = await scorecard();
  t.same(counts(measureOf(now, 'unplanned_entries'), order), [[1, 1], [0, 0], [0, 0], [0, 0], [1, 1]], 'new rule: P’s emergency entry under Edge');
  t.same(counts(measureOf(now, 'exits_adoption_sgo'), order), [[0, 0], [1, 1], [0, 0], [0, 0], [1, 1]], 'new rule: Q’s adoption under CLA');
  t.same(counts(measureOf(now, 'placed_over_20_miles'), order), [[0, 0], [1, 1], [0, 0], [0, 0], [1, 1]]);
  const june = measureOf(now, 'placed_over_20_miles').trend[0];
  t.same(byTeam(june.teams, order), [[0, 1], [0, 0], [0, 0]], 'new rule: P at 30 June 2025 under Edge (the episode then)');
  t.same(counts(measureOf(now, 'care_leavers_eet'), order), [[0, 0], [0, 0], [1, 1], [0, 0], [1, 1]], 'an episode with no team: today’s team');
  // The team view reads the same attribution.
  const edgeView = (await as('head_of_service', { method: 'GET', url: `/v1/teams/${edge}/scorecard?asOf=2026-03-31&quarters=1` })).json();
  t.match(measureOf(edgeView, 'unplanned_entries').teams, [{ teamId: edge, numerator: 1, denominator: 1 }]);

  // The history reads back with its teams; a team named on episodes is not deleted (409).
  const read = (await as('admin', { method: 'GET', url: `/v1/young-people/${p}/history` })).json();
  t.same(read.items.map((e: { teamId?: string }) => e.teamId), [edge, edge, cla]);
  const del = await as('admin', { method: 'DELETE', url: `/v1/teams/${edge}` });
  t.equal(del.statusCode, 409);
  t.match(del.json().detail, /history episodes/);
});

t.test('an unknown team on an episode: 422 naming body/episodes/{i}/teamId (JSON) or the row and the team column (CSV); CSV names a team by id or name', async (t) => {
  const { as } = await buildTestApp(t);
  const cla = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North CLA', service: 'children_looked_after' } })).json().id as string;
  const edge = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Edge', service: 'edge_of_care' } })).json().id as string;
  const reference = 'ET-0001';
  // In CLA today, as the open episodes below say (a history may not contradict its record's team).
  const id = await person(as, { reference, birthYear: 2014, birthMonth: 3, teamId: cla }, { startDate: '2025-09-01', careState: 'ifa_foster' });
  const missing = '00000000-0000-4000-8000-000000000000';
  const bad = await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${id}/history`,
    payload: {
      episodes: [
        { startDate: '2025-06-01', endDate: '2025-09-01', careState: 'inhouse_foster', teamId: edge },
        { startDate: '2025-09-01', careState: 'ifa_foster', teamId: missing },
      ],
    },
  });
  t.equal(bad.statusCode, 422);
  t.match(bad.headers['content-type'], /application\/problem\+json/);
  t.same(bad.json().errors, [{ field: 'body/episodes/1/teamId', reason: `names no team (${missing})` }]);
  const notUuid = await as('admin', { method: 'PUT', url: `/v1/young-people/${id}/history`, payload: { episodes: [{ startDate: '2025-09-01', careState: 'ifa_foster', teamId: 'Edge' }] } });
  t.equal(notUuid.statusCode, 400);
  t.equal(notUuid.json().errors[0].field, 'body/episodes/0/teamId');
  t.equal((await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items.length, 1, 'nothing written');

  const csv = (body: string) => as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: body });
  const unknown = await csv(`reference,start_date,end_date,care_state,team\n${reference},2025-06-01,2025-09-01,inhouse_foster,South\n${reference},2025-09-01,,ifa_foster,${missing}\n`);
  t.equal(unknown.statusCode, 422);
  t.same(
    unknown.json().errors.map((e: { row: number; field: string }) => [e.row, e.field]),
    [
      [1, 'team'],
      [2, 'team'],
    ],
  );
  // By name (exact, or ignoring case) and by id.
  const ok = await csv(`reference,start_date,end_date,care_state,team\n${reference},2025-06-01,2025-09-01,inhouse_foster,edge\n${reference},2025-09-01,,ifa_foster,${cla}\n`);
  t.equal(ok.statusCode, 201, ok.body);
  t.same((await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items.map((e: { teamId?: string }) => e.teamId), [edge, cla]);
});
