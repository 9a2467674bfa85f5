import t from 'tap';
import { careLeaversInEet } from '../../src/outcomes/measures.ts';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { edgeOfCareRecord } from '../young-people/records.ts';

/**
 * The independent review of issue 17's histories: ends in the future, team changes kept as dated
 * episodes, a care leaver's activity carried forward and checked against the state, and an open
 * case whose history ends with no exit reason. Dates are relative to the real today (the API's).
 */

const iso = (d: Date) => d.toISOString().slice(0, 10);
const now = new Date();
const today = iso(now);
const year = now.getUTCFullYear();
const month = now.getUTCMonth() + 1;
const daysFromToday = (n: number) => iso(new Date(Date.UTC(year, month - 1, now.getUTCDate() + n)));
/** The first of this month `years` ago. */
const monthStart = (years: number) => `${year - years}-${String(month).padStart(2, '0')}-01`;

type Cell = { numerator: unknown; denominator: unknown; teamId?: string };
type Measure = { organisation: Cell; teams: Cell[]; noTeam?: Cell };
async function measure(as: TestApp['as'], id: string): Promise<Measure> {
  const body = (await as('head_of_service', { method: 'GET', url: `/v1/scorecard?asOf=${today}&quarters=1` })).json() as { groups: Array<{ measures: Array<Record<string, unknown>> }> };
  return body.groups.flatMap((g) => g.measures).find((m) => m.id === id) as unknown as Measure;
}
const cellOf = (m: Measure, team: string) => {
  const c = m.teams.find((x) => x.teamId === team) as Cell;
  return [c.numerator, c.denominator];
};

/** An IFA foster child (aged 10) placed `days` ago, optionally in a team. */
function fosterRecord(days: number, teamId?: string): YoungPersonInputDto {
  return edgeOfCareRecord({
    birthYear: year - 10,
    legalStatus: 'care_order',
    careState: 'ifa_foster',
    placement: { type: 'ifa_foster', provider: 'private', distanceFromHomeMiles: 8, weeklyPrice: 900, startDate: daysFromToday(-days) } as YoungPersonInputDto['placement'],
    ...(teamId ? { teamId } : {}),
  });
}

/** A care leaver (legal status care_leaver) born this month `age` years ago, in `careState`. */
function leaverRecord(age: number, careState: YoungPersonInputDto['careState']): YoungPersonInputDto {
  return edgeOfCareRecord({ birthYear: year - age, birthMonth: month, legalStatus: 'care_leaver', tier: 2, careState });
}

async function create(as: TestApp['as'], record: YoungPersonInputDto): Promise<{ id: string; version: number }> {
  const res = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

t.test('finding 1: an episode ending after today is refused (PUT and CSV), with closedOn’s wording; ending today closes the case today', async (t) => {
  const { as } = await buildTestApp(t);
  const record = fosterRecord(120);
  const person = await create(as, record);
  const start = daysFromToday(-120);
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const future = await put([{ startDate: start, endDate: daysFromToday(4), careState: 'ifa_foster', exitReason: 'returned_home' }]);
  t.equal(future.statusCode, 422, 'main answered 200 and closed the case 4 days ahead');
  t.same(future.json().errors, [{ field: 'body/episodes/0/endDate', reason: `is in the future (today is ${today})` }]);
  const patch = await as('admin', { method: 'PATCH', url: `/v1/young-people/${person.id}`, payload: { version: person.version, closedOn: daysFromToday(5), closedReason: 'returned_home' } });
  t.equal(patch.statusCode, 422);
  t.same(patch.json().errors.map((e: { reason: string }) => e.reason), [`is in the future (today is ${today})`], 'the same wording as closedOn');
  t.equal((await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}` })).json().closedOn, undefined, 'nothing stored');

  const csv = await as('admin', {
    method: 'POST',
    url: '/v1/histories/import',
    headers: { 'content-type': 'text/csv' },
    payload: `reference,start_date,end_date,care_state,exit_reason\n${record.reference},${start},${daysFromToday(31)},ifa_foster,returned_home\n`,
  });
  t.equal(csv.statusCode, 422, 'main answered 201');
  t.same(csv.json().errors, [{ row: 1, field: 'end_date', reason: `is in the future (today is ${today})` }]);

  // endDate is exclusive (the first day not in the episode), as closedOn: today is allowed.
  const ok = await put([{ startDate: start, endDate: today, careState: 'ifa_foster', exitReason: 'returned_home' }]);
  t.equal(ok.statusCode, 200);
  t.equal((await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}` })).json().closedOn, today);
});

t.test('finding 2: a team change is a dated episode; record-made episodes carry the team; past counts stay where they were', async (t) => {
  const { as } = await buildTestApp(t);
  const team = async (name: string) => (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name, service: 'children_looked_after' } })).json().id as string;
  const a = await team('Team A');
  const b = await team('Team B');

  // A family at the edge of care, in no team, since two years ago: the borough's recorded history
  // starts then, so the year to today is complete (src/outcomes/scorecard.ts historyStart; with
  // the histories below alone it would start 60 days ago and the year's figures be unavailable).
  // Not looked after, so it is in none of the counts below.
  const family = await create(as, edgeOfCareRecord({ birthYear: year - 10 }));
  const since = await as('admin', { method: 'PUT', url: `/v1/young-people/${family.id}/history`, payload: { episodes: [{ startDate: monthStart(2), careState: 'edge_of_care', newPlacement: false }] } });
  t.equal(since.statusCode, 200, since.body.slice(0, 300));

  // Record-made episodes carry the record's team (main: none).
  const made = await create(as, fosterRecord(40, a));
  t.same((await as('admin', { method: 'GET', url: `/v1/young-people/${made.id}/history` })).json().items.map((e: { teamId?: string }) => e.teamId), [a]);

  // The reviewer's repro: an unplanned entry 60 days ago recorded with no team on the episode, team A on the record.
  const child = await create(as, fosterRecord(60, a));
  const start = daysFromToday(-60);
  const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${child.id}/history`, payload: { episodes: [{ startDate: start, careState: 'ifa_foster', newPlacement: true, distanceFromHomeMiles: 8, entry: 'unplanned_emergency' }] } });
  t.equal(put.statusCode, 200);
  const before = await measure(as, 'unplanned_entries');
  // Two children entered care under A (made, planned or not said; child, unplanned).
  t.same(cellOf(before, a), [1, 2], 'under A before the move');
  const version = (await as('admin', { method: 'GET', url: `/v1/young-people/${child.id}` })).json().version;
  t.equal((await as('admin', { method: 'PATCH', url: `/v1/young-people/${child.id}`, payload: { version, teamId: b } })).statusCode, 200);

  const history = (await as('admin', { method: 'GET', url: `/v1/young-people/${child.id}/history` })).json().items;
  t.equal(history.length, 2, 'the team change closed the open episode and opened the next (main: 1)');
  t.match(history[0], { startDate: start, endDate: today, careState: 'ifa_foster', newPlacement: true, entry: 'unplanned_emergency', teamId: a });
  t.match(history[1], { startDate: today, careState: 'ifa_foster', newPlacement: false, teamId: b, distanceFromHomeMiles: 8, weeklyPrice: 900 });
  t.equal(history[1].endDate, undefined);
  t.equal(history[1].entry, undefined, 'no second entry');

  const after = await measure(as, 'unplanned_entries');
  t.same(cellOf(after, a), [1, 2], 'the entry still counts under A (main: moved to B, A 0/1)');
  t.same(cellOf(after, b), [0, 0]);
  t.same([after.organisation.numerator, after.organisation.denominator], [1, 2], 'the organisation: two children entered, each once (the split is no second entry)');
  // Stability: the split episode continues the placement (one placement, not two).
  const three = await measure(as, 'three_or_more_placements');
  t.same([three.organisation.numerator, three.organisation.denominator], [0, 2]);

  // A legal status change alone opens no episode (episodes do not record legal status).
  const v2 = (await as('admin', { method: 'GET', url: `/v1/young-people/${child.id}` })).json().version;
  t.equal((await as('admin', { method: 'PATCH', url: `/v1/young-people/${child.id}`, payload: { version: v2, legalStatus: 'interim_care_order' } })).statusCode, 200);
  t.equal((await as('admin', { method: 'GET', url: `/v1/young-people/${child.id}/history` })).json().items.length, 2);
  // A second team change the same day only sets the open episode's team.
  const v3 = (await as('admin', { method: 'GET', url: `/v1/young-people/${child.id}` })).json().version;
  t.equal((await as('admin', { method: 'PATCH', url: `/v1/young-people/${child.id}`, payload: { version: v3, teamId: a } })).statusCode, 200);
  const again = (await as('admin', { method: 'GET', url: `/v1/young-people/${child.id}/history` })).json().items;
  t.same(again.map((e: { teamId?: string; newPlacement: boolean }) => [e.teamId, e.newPlacement]), [[a, true], [a, false]]);
});

t.test('finding 3: a care leaver’s activity and accommodation carry forward; the EET measure reads the state when no activity is recorded; contradictions refused', async (t) => {
  const { as } = await buildTestApp(t);
  // 19 this month: residential from 15 to 18 (so a care leaver), then a care leaver's state.
  const care = { startDate: monthStart(4), endDate: monthStart(1), careState: 'residential', newPlacement: true, exitReason: 'age_18_or_over' };
  const leaver = async (state: YoungPersonInputDto['careState'], activity: string, suitable: boolean) => {
    const p = await create(as, leaverRecord(19, state));
    const res = await as('admin', { method: 'PUT', url: `/v1/young-people/${p.id}/history`, payload: { episodes: [care, { startDate: monthStart(1), careState: state, newPlacement: false, leaverActivity: activity, accommodationSuitable: suitable }] } });
    if (res.statusCode !== 200) throw new Error(res.body);
    return p.id;
  };
  const x = await leaver('supported_lodgings', 'training_or_employment', true);
  const y = await leaver('independent_neet', 'neet', true);
  const eet = async () => {
    const m = await measure(as, 'care_leavers_eet');
    return [m.organisation.numerator, m.organisation.denominator];
  };
  const suitable = async () => {
    const m = await measure(as, 'care_leavers_suitable_accommodation');
    return [m.organisation.numerator, m.organisation.denominator];
  };
  t.same(await eet(), [1, 2], 'before: X in training, Y NEET');
  t.same(await suitable(), [2, 2]);

  const toEet = async (id: string) => {
    const version = (await as('admin', { method: 'GET', url: `/v1/young-people/${id}` })).json().version;
    const res = await as('admin', { method: 'PATCH', url: `/v1/young-people/${id}`, payload: { version, careState: 'independent_eet' } });
    t.equal(res.statusCode, 200);
    return (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items.at(-1);
  };
  const xNew = await toEet(x);
  t.match(xNew, { startDate: today, careState: 'independent_eet', leaverActivity: 'training_or_employment', accommodationSuitable: true }, 'both carried (main: neither)');
  const yNew = await toEet(y);
  t.match(yNew, { startDate: today, careState: 'independent_eet', accommodationSuitable: true }, 'accommodation carried');
  t.equal(yNew.leaverActivity, undefined, 'neet contradicts independent_eet: not carried');
  // The birthday is the first of the month: when that is today, the new episodes are the ones on it.
  if (today.endsWith('-01')) {
    t.same(await eet(), [2, 2], 'Y counted in EET by the state (main: 1/2)');
    t.same(await suitable(), [2, 2], 'accommodation still counted (main: 0/2)');
  } else {
    t.same(await eet(), [1, 2], 'the birthday episodes are the old ones');
  }

  // The measure itself, on a hand history: no activity recorded → by the state.
  const hist = (state: string, leaverActivity?: 'neet') => ({
    birthYear: 2006,
    birthMonth: 6,
    episodes: [
      { startDate: '2020-06-01', endDate: '2024-06-01', careState: 'residential', newPlacement: true },
      { startDate: '2024-06-01', careState: state, newPlacement: false, ...(leaverActivity ? { leaverActivity } : {}) },
    ],
  });
  const period = { start: '2025-04-01', end: '2026-03-31' };
  t.same(careLeaversInEet([hist('independent_eet')], period), { numerator: 1, denominator: 1 }, 'independent_eet, no activity: in EET (main: 0/1)');
  t.same(careLeaversInEet([hist('independent_neet')], period), { numerator: 0, denominator: 1 });
  t.same(careLeaversInEet([hist('supported_lodgings')], period), { numerator: 0, denominator: 1 }, 'no activity, no state saying it: not known');

  // Contradictions: refused, naming the field (PUT) or the row and column (CSV).
  const z = await create(as, leaverRecord(19, 'independent_neet'));
  for (const [state, activity] of [
    ['independent_neet', 'higher_education'],
    ['independent_neet', 'training_or_employment'],
    ['independent_eet', 'neet'],
    ['independent_eet', 'not_in_touch'],
  ]) {
    const res = await as('admin', { method: 'PUT', url: `/v1/young-people/${z.id}/history`, payload: { episodes: [care, { startDate: monthStart(1), endDate: daysFromToday(-1), careState: state, leaverActivity: activity }, { startDate: daysFromToday(-1), careState: 'independent_neet' }] } });
    t.equal(res.statusCode, 422, `${state} with ${activity}: 422`);
    t.same(res.json().errors, [{ field: 'body/episodes/1/leaverActivity', reason: `contradicts the care state (${activity} while ${state}); correct one or the other` }]);
  }
  const ref = (await as('admin', { method: 'GET', url: `/v1/young-people/${z.id}` })).json().reference;
  const csv = await as('admin', {
    method: 'POST',
    url: '/v1/histories/import',
    headers: { 'content-type': 'text/csv' },
    payload: `reference,start_date,care_state,leaver_activity\n${ref},${monthStart(1)},independent_neet,other_education\n`,
  });
  t.equal(csv.statusCode, 422);
  t.same(csv.json().errors, [{ row: 1, field: 'leaver_activity', reason: 'contradicts the care state (other_education while independent_neet); correct one or the other' }]);
});

t.test('finding 4: an open case’s history may not end with no exit reason', async (t) => {
  const { as } = await buildTestApp(t);
  const person = await create(as, fosterRecord(200));
  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const start = daysFromToday(-200);
  const end = daysFromToday(-100);
  const ended = await put([{ startDate: start, endDate: end, careState: 'ifa_foster', newPlacement: true }]);
  t.equal(ended.statusCode, 422, 'main answered 200, leaving an open record with no episode in force');
  t.same(ended.json().errors, [
    { field: 'body/episodes/0/endDate', reason: 'ends the history with no exitReason while the case is open: give an exitReason (which closes the case on this endDate) or leave the last episode open (no endDate)' },
  ]);
  // Out of order, the last by start date is named.
  const twoOut = await put([
    { startDate: end, endDate: daysFromToday(-10), careState: 'ifa_foster', newPlacement: true },
    { startDate: start, endDate: end, careState: 'inhouse_foster', newPlacement: true },
  ]);
  t.equal(twoOut.statusCode, 422);
  t.equal(twoOut.json().errors[0].field, 'body/episodes/0/endDate');
  // With an exit reason the case closes on the end (the rule kept).
  t.equal((await put([{ startDate: start, endDate: end, careState: 'ifa_foster', newPlacement: true, exitReason: 'returned_home' }])).statusCode, 200);
  t.match((await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}` })).json(), { closedOn: end, closedReason: 'returned_home' });
  // Closed now: a history ending with no reason leaves the record's closure standing.
  t.equal((await put([{ startDate: start, endDate: end, careState: 'ifa_foster', newPlacement: true }])).statusCode, 200);

  // A care leaver's (not looked-after) last episode: no exitReason is possible, so the reason says what to do.
  const l = await create(as, leaverRecord(19, 'independent_eet'));
  const leaverEnded = await as('admin', { method: 'PUT', url: `/v1/young-people/${l.id}/history`, payload: { episodes: [{ startDate: monthStart(1), endDate: daysFromToday(-3), careState: 'independent_eet' }] } });
  t.equal(leaverEnded.statusCode, 422);
  t.match(leaverEnded.json().errors, [{ field: 'body/episodes/0/endDate', reason: /leave the last episode open .*PATCH closedOn/ }]);
  // CSV: the row and column.
  const ref = (await as('admin', { method: 'GET', url: `/v1/young-people/${l.id}` })).json().reference;
  // The same kind by another road: a case created closed with no placement has no history; reopened, it has an episode in force from today (main: none).
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Edge', service: 'edge_of_care' } })).json().id;
  const closed = await create(as, edgeOfCareRecord({ closedOn: daysFromToday(-30), closedReason: 'other', teamId: team }));
  t.same((await as('admin', { method: 'GET', url: `/v1/young-people/${closed.id}/history` })).json().items, []);
  t.equal((await as('admin', { method: 'PATCH', url: `/v1/young-people/${closed.id}`, payload: { version: closed.version, closedOn: null } })).statusCode, 200);
  const reopened = (await as('admin', { method: 'GET', url: `/v1/young-people/${closed.id}/history` })).json().items;
  t.equal(reopened.length, 1);
  t.match(reopened[0], { startDate: today, careState: 'edge_of_care', teamId: team });
  t.equal(reopened[0].endDate, undefined);
  const csv = await as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: `reference,start_date,end_date,care_state\n${ref},${monthStart(1)},${daysFromToday(-3)},independent_eet\n` });
  t.equal(csv.statusCode, 422);
  t.match(csv.json().errors, [{ row: 1, field: 'end_date', reason: /no exitReason while the case is open/ }]);
});
