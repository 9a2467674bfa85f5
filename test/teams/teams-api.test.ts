import t from 'tap';
import { up as canonicalKeyWorkers } from '../../migrations/2026-12-01-60-key-worker-canonical.ts';
import { up as budgetNotZero } from '../../migrations/2026-12-01-70-team-budget-not-zero.ts';
import { buildTestApp } from '../helpers/app.ts';
import { edgeOfCareRecord, residentialRecord } from '../young-people/records.ts';

/** Teams, team and key-worker fields on young people, histories: the API on the test back end. */

t.test('teams CRUD, young people in a team, the team filter, and role refusals', async (t) => {
  const { as } = await buildTestApp(t);
  const created = await as('head_of_service', { method: 'POST', url: '/v1/teams', payload: { name: 'North CLA', service: 'children_looked_after', annualBudget: 2_500_000 } });
  t.equal(created.statusCode, 201);
  const team = created.json();
  t.match(team, { name: 'North CLA', service: 'children_looked_after', annualBudget: 2_500_000 });
  const other = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Edge team', service: 'edge_of_care' } })).json();
  t.equal(other.annualBudget, null);

  // Board reads teams (aggregate) but may not write them; commissioning may not write either.
  t.equal((await as('board', { method: 'GET', url: '/v1/teams' })).json().items.length, 2);
  t.equal((await as('board', { method: 'POST', url: '/v1/teams', payload: { name: 'X', service: 'early_help' } })).statusCode, 403);
  t.equal((await as('commissioning', { method: 'PATCH', url: `/v1/teams/${team.id}`, payload: { name: 'Y' } })).statusCode, 403);

  // Name taken: 409 naming the field; unknown service: 400 naming the field.
  const dup = await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North CLA', service: 'leaving_care' } });
  t.equal(dup.statusCode, 409);
  t.same(dup.json().errors, [{ field: 'body/name', reason: 'is already in use' }]);
  // Names differing only in case are the same name (review finding 11), on create and on rename.
  const folded = await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'north cla', service: 'leaving_care' } });
  t.equal(folded.statusCode, 409, 'north cla beside North CLA: 409');
  t.same(folded.json().errors, [{ field: 'body/name', reason: 'is already in use' }]);
  const renamed = await as('admin', { method: 'PATCH', url: `/v1/teams/${other.id}`, payload: { name: 'NORTH cla' } });
  t.equal(renamed.statusCode, 409, 'renaming Edge team to NORTH cla: 409');
  t.same(renamed.json().errors, [{ field: 'body/name', reason: 'is already in use' }]);
  t.equal((await as('admin', { method: 'PATCH', url: `/v1/teams/${other.id}`, payload: { name: 'EDGE team' } })).statusCode, 200, 'a team may change the case of its own name');
  t.equal((await as('admin', { method: 'PATCH', url: `/v1/teams/${other.id}`, payload: { name: 'Edge team' } })).statusCode, 200);
  const badService = await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Z', service: 'fostering' } });
  t.equal(badService.statusCode, 400);
  t.match(badService.json().errors[0].field, /service/);
  // A name a spreadsheet would run, or a key worker that is not a pseudonymous reference: the
  // rule in words, not the schema's regular expression (issue 17 review).
  const formula = await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: '=cmd', service: 'early_help' } });
  t.equal(formula.statusCode, 400);
  t.same(formula.json().errors, [{ field: 'body/name', reason: 'must not start with =, +, -, @ or a space (a spreadsheet would run it as a formula), nor contain control or invisible characters' }]);
  const worker = await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ keyWorkerReference: 'Jane Smith' }) });
  t.equal(worker.statusCode, 400);
  t.same(worker.json().errors, [{ field: 'body/keyWorkerReference', reason: 'must be a pseudonymous key-worker reference: KW then 3-8 digits (e.g. KW1042; case, spaces, "-" and "_" do not matter)' }]);
  t.notMatch(JSON.stringify([formula.json(), worker.json()]), /pattern|\^|\$/, 'no regular expression shown');

  const a = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord({ teamId: team.id, keyWorkerReference: 'KW-0412' }) })).json();
  t.equal(a.teamId, team.id);
  t.equal(a.keyWorkerReference, 'KW0412', 'stored and answered canonical: KW and the digits');
  await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ teamId: other.id }) });
  await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() });

  const inTeam = (await as('finance', { method: 'GET', url: `/v1/young-people?team=${team.id}` })).json();
  t.equal(inTeam.total, 1);
  t.equal(inTeam.items[0].id, a.id);
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people' })).json().total, 3);
  // No team, and by key worker (review finding 10): team=none and keyWorker=REF; bad values 400 naming the filter.
  const noTeam = (await as('finance', { method: 'GET', url: '/v1/young-people?team=none' })).json();
  t.equal(noTeam.total, 1, 'one young person with no team');
  t.equal(noTeam.items[0].teamId, undefined);
  const byWorker = (await as('finance', { method: 'GET', url: '/v1/young-people?keyWorker=KW-0412' })).json();
  t.same(byWorker.items.map((p: { id: string }) => p.id), [a.id]);
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people?keyWorker=KW-9999' })).json().total, 0);
  for (const bad of ['team=nobody', 'keyWorker=Jane%20Smith', 'keyWorker=']) {
    const refusedFilter = await as('finance', { method: 'GET', url: `/v1/young-people?${bad}` });
    t.equal(refusedFilter.statusCode, 400, `${bad}: 400`);
    t.match(refusedFilter.json().errors[0].field, bad.startsWith('team') ? /querystring\/team/ : /querystring\/keyWorker/);
  }

  // Unknown team on create and on update: 422 naming the field; nothing written.
  const unknown = '00000000-0000-4000-8000-000000000000';
  const unknownFilter = await as('finance', { method: 'GET', url: `/v1/young-people?team=${unknown}` });
  t.equal(unknownFilter.statusCode, 422);
  t.same(unknownFilter.json().errors, [{ field: 'querystring/team', reason: 'names no team' }]);
  const refused = await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ teamId: unknown }) });
  t.equal(refused.statusCode, 422);
  t.same(refused.json().errors, [{ field: 'body/teamId', reason: 'names no team' }]);
  const patch = await as('admin', { method: 'PATCH', url: `/v1/young-people/${a.id}`, payload: { version: a.version, teamId: unknown } });
  t.equal(patch.statusCode, 422);
  t.equal(patch.json().errors[0].field, 'body/teamId');
  // A key-worker reference that is a name is refused by its pattern.
  for (const name of ['Jane Smith', 'JOHN-1', 'ANNA-1990', 'KW-12', 'KW-123456789', 'K W123', '-KW123', 'KW123X', 'KW\u200b123']) {
    const named = await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ keyWorkerReference: name }) });
    t.equal(named.statusCode, 400, `${name} refused`);
    t.match(named.json().errors[0].field, /keyWorkerReference/);
  }
  t.equal((await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ keyWorkerReference: 'KW0412' }) })).statusCode, 201);

  // A team with members is not deleted; an empty one is.
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/teams/${team.id}` })).statusCode, 409);
  // Erasure takes the team and key worker off the tombstone: the team is then empty and may go.
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/young-people/${a.id}` })).statusCode, 200);
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/teams/${team.id}` })).statusCode, 204);
  const empty = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Empty', service: 'early_help' } })).json();
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/teams/${empty.id}` })).statusCode, 204);
  t.equal((await as('admin', { method: 'GET', url: `/v1/teams/${empty.id}` })).statusCode, 404);
});

t.test('history: changes are kept as dated episodes; replace and CSV import refuse bad input naming the field', async (t) => {
  const { as } = await buildTestApp(t);
  const today = new Date().toISOString().slice(0, 10);
  const record = residentialRecord();
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: record })).json();
  let history = (await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items;
  // Created: one open episode from the placement's start.
  t.match(history, [{ startDate: record.placement?.startDate, careState: 'residential', newPlacement: true, distanceFromHomeMiles: 42.5 }]);
  t.notOk('endDate' in history[0]);

  // A move to in-house foster care today closes it and opens the next.
  const moved = await as('admin', {
    method: 'PATCH',
    url: `/v1/young-people/${person.id}`,
    payload: { version: person.version, careState: 'inhouse_foster', placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 500, startDate: today, distanceFromHomeMiles: 4 } },
  });
  t.equal(moved.statusCode, 200);
  history = (await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items;
  t.equal(history.length, 2);
  t.equal(history[0].endDate, today);
  t.match(history[1], { startDate: today, careState: 'inhouse_foster', newPlacement: true, distanceFromHomeMiles: 4 });

  // The board never reads a history.
  t.equal((await as('board', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).statusCode, 403);

  const put = (episodes: unknown[]) => as('admin', { method: 'PUT', url: `/v1/young-people/${person.id}/history`, payload: { episodes } });
  const overlapping = await put([
    { startDate: '2024-01-01', endDate: '2024-06-01', careState: 'ifa_foster' },
    { startDate: '2024-05-01', careState: 'residential', distanceFromHomeMiles: 30 },
  ]);
  t.equal(overlapping.statusCode, 422);
  t.equal(overlapping.json().errors[0].field, 'body/episodes/1/startDate');
  t.match(overlapping.json().errors[0].reason, /overlaps episode 0/);
  const backwards = await put([{ startDate: '2024-06-01', endDate: '2024-01-01', careState: 'ifa_foster' }]);
  t.equal(backwards.statusCode, 422);
  t.same(backwards.json().errors, [{ field: 'body/episodes/0/endDate', reason: 'must be after startDate (2024-06-01)' }]);
  const badState = await put([{ startDate: '2024-01-01', careState: 'orbit' }]);
  t.equal(badState.statusCode, 400);
  t.match(badState.json().errors[0].field, /careState/);
  const fullPostcode = await put([{ startDate: '2024-01-01', careState: 'ifa_foster', placementDistrict: 'NV1 4AB' }]);
  t.equal(fullPostcode.statusCode, 400);
  // Nothing was written by the refusals.
  t.equal((await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items.length, 2);

  // The open episode is the record's placement, begun today (a history may not contradict it).
  const good = await put([
    { startDate: '2023-02-01', endDate: today, careState: 'ifa_foster', entry: 'unplanned_emergency', placementDistrict: 'NV3', distanceFromHomeMiles: 22 },
    { startDate: today, careState: 'inhouse_foster', distanceFromHomeMiles: 4 },
  ]);
  t.equal(good.statusCode, 200);
  t.match(good.json().items, [{ entry: 'unplanned_emergency', placementDistrict: 'NV3' }, { careState: 'inhouse_foster', newPlacement: true }]);

  const csv = (body: string) => as('admin', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: body });
  const ref = record.reference;
  const bad = await csv(
    `reference,start_date,end_date,care_state,entry\n${ref},01/01/2024,01/07/2024,ifa_foster,planned\n${ref},2024-06-01,,residential,\nNOPE-1,2024-01-01,,home,\n${ref},2025-01-01,2024-01-01,ifa_foster,\n`,
  );
  t.equal(bad.statusCode, 422);
  const errors = bad.json().errors;
  t.ok(errors.some((e: { row: number; field: string }) => e.row === 3 && e.field === 'reference'), 'unknown reference named');
  t.ok(errors.some((e: { row: number; field: string }) => e.row === 4 && e.field === 'end_date'), 'end before start named');
  t.ok(errors.some((e: { row: number; field: string; reason: string }) => e.field === 'start_date' && /overlaps/.test(e.reason)), 'overlap named');
  const state = await csv(`reference,start_date,care_state\n${ref},2024-01-01,orbit\n`);
  t.equal(state.statusCode, 422);
  t.equal(state.json().errors[0].field, 'care_state');
  const ok = await csv(`reference,start_date,end_date,care_state,new_placement,distance_miles,exit_reason\n${ref},2024-01-01,${today},ifa_foster,yes,12,\n${ref},${today},,inhouse_foster,yes,4,\n`);
  t.equal(ok.statusCode, 201);
  t.same(ok.json(), { imported: 2, youngPeople: 1 });
  t.equal((await as('board', { method: 'POST', url: '/v1/histories/import', headers: { 'content-type': 'text/csv' }, payload: 'reference\n' })).statusCode, 403);

  // Erasure takes the history with it.
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/young-people/${person.id}` })).statusCode, 200);
  t.equal((await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).statusCode, 410);
});

t.test('one key worker however the reference is typed: stored canonical, counted once by the scorecard', async (t) => {
  const { as } = await buildTestApp(t);
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North', service: 'edge_of_care' } })).json().id as string;
  const ids: string[] = [];
  for (const spelling of ['KW120', 'kw120', ' KW-120 ']) {
    const created = await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ teamId: team, keyWorkerReference: spelling }) });
    t.equal(created.statusCode, 201, JSON.stringify(spelling));
    t.equal(created.json().keyWorkerReference, 'KW120', JSON.stringify(spelling));
    ids.push(created.json().id);
  }
  // A patch is read the same way.
  const third = (await as('admin', { method: 'GET', url: `/v1/young-people/${ids[2]}` })).json();
  const patched = await as('admin', { method: 'PATCH', url: `/v1/young-people/${ids[2]}`, payload: { version: third.version, keyWorkerReference: 'KW 1_20' } });
  t.equal(patched.statusCode, 200, patched.body);
  t.equal(patched.json().keyWorkerReference, 'KW120');
  // The filter too: any spelling finds the three.
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people?keyWorker=kw-120' })).json().total, 3);

  const card = await as('head_of_service', { method: 'GET', url: '/v1/scorecard?quarters=1' });
  t.equal(card.statusCode, 200);
  const body = card.json();
  t.equal(body.disclosure, 'full');
  const caseload = body.groups.flatMap((g: { measures: Array<{ id: string }> }) => g.measures).find((m: { id: string }) => m.id === 'caseload_per_key_worker');
  // 3 children over 1 key worker (each spelling counted as its own worker gave 3 over 3).
  t.match(caseload.teams[0], { numerator: 3, denominator: 1, value: 3 });
  t.match(caseload.organisation, { numerator: 3, denominator: 1, value: 3 });
});

t.test('the migration rewrites key-worker references stored before as the API now stores them', async (t) => {
  const { app, as } = await buildTestApp(t);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json().id);
  // As written before: hyphenated, and (by hand in the database) lower case with spaces.
  await app.db.updateTable('young_people').set({ key_worker_reference: 'KW-0412' }).where('id', '=', ids[0]).execute();
  await app.db.updateTable('young_people').set({ key_worker_reference: ' kw_0412 ' }).where('id', '=', ids[1]).execute();
  await canonicalKeyWorkers(app.db);
  const stored = await app.db.selectFrom('young_people').select(['id', 'key_worker_reference', 'version']).where('id', 'in', ids).execute();
  const byId = new Map(stored.map((r) => [r.id, r]));
  t.same(ids.map((id) => byId.get(id)?.key_worker_reference), ['KW0412', 'KW0412', null]);
  t.same(ids.map((id) => byId.get(id)?.version), [1, 1, 1], 'the version is kept');
});

t.test('review of 1 December: a budget of £0 is refused naming the field; one stored before reads as no budget', async (t) => {
  const { app, as } = await buildTestApp(t);
  for (const [method, url, payload] of [
    ['POST', '/v1/teams', { name: 'Zero team', service: 'edge_of_care', annualBudget: 0 }],
    ['POST', '/v1/teams', { name: 'Below zero', service: 'edge_of_care', annualBudget: -1 }],
  ] as const) {
    const refused = await as('admin', { method, url, payload });
    t.equal(refused.statusCode, 400, `${JSON.stringify(payload)}: 400`);
    t.match(refused.headers['content-type'], /application\/problem\+json/);
    t.ok(
      refused.json().errors.some((e: { field: string }) => e.field === 'body/annualBudget'),
      `names body/annualBudget: ${JSON.stringify(refused.json().errors)}`,
    );
  }
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Budgeted', service: 'edge_of_care', annualBudget: 0.01 } })).json();
  t.equal(team.annualBudget, 0.01, 'a penny is a budget');
  const patched = await as('admin', { method: 'PATCH', url: `/v1/teams/${team.id}`, payload: { annualBudget: 0 } });
  t.equal(patched.statusCode, 400, 'nor may a budget be changed to £0');
  // Stored as 0 before the rule (by hand here): the migration makes it no budget.
  await app.db.updateTable('teams').set({ annual_budget_pence: 0 }).where('id', '=', team.id).execute();
  await budgetNotZero(app.db);
  t.equal((await as('admin', { method: 'GET', url: `/v1/teams/${team.id}` })).json().annualBudget, null);
});

t.test('review of 1 December: a team id in upper case names the same team (team view, history)', async (t) => {
  const { as } = await buildTestApp(t);
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Upper', service: 'edge_of_care' } })).json();
  const upper = team.id.toUpperCase();
  const view = await as('admin', { method: 'GET', url: `/v1/teams/${upper}/scorecard` });
  t.equal(view.statusCode, 200);
  const measures = view.json().groups.flatMap((g: { measures: Array<{ teams: Array<{ teamId: string }> }> }) => g.measures);
  t.ok(
    measures.length > 0 && measures.every((m: { teams: Array<{ teamId: string }> }) => m.teams.length === 1 && m.teams[0].teamId === team.id),
    'every measure has the team’s cell (it was none)',
  );
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ teamId: team.id }) })).json();
  const history = await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${person.id}/history`,
    payload: { episodes: [{ startDate: '2025-01-01', careState: 'edge_of_care', teamId: upper }] },
  });
  t.equal(history.statusCode, 200, `history naming the team in upper case: ${history.body.slice(0, 200)}`);
});

t.test('review of 2 December: a team may not be named as a team id (ids are read before names)', async (t) => {
  const { as } = await buildTestApp(t);
  const other = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North', service: 'edge_of_care', annualBudget: null } })).json();
  const made = await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: other.id.toUpperCase(), service: 'edge_of_care', annualBudget: null } });
  t.equal(made.statusCode, 422);
  t.same(made.json().errors.map((e: { field: string }) => e.field), ['body/name']);
  const renamed = await as('admin', { method: 'PATCH', url: `/v1/teams/${other.id}`, payload: { name: '0f0e0d0c-0b0a-4909-8807-060504030201' } });
  t.equal(renamed.statusCode, 422);
  t.equal((await as('admin', { method: 'GET', url: '/v1/teams' })).json().items.length, 1, 'nothing stored');
  t.equal((await as('admin', { method: 'GET', url: `/v1/teams/${other.id}` })).json().name, 'North');
});
