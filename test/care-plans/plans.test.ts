import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from './fixtures.ts';

const plansUrl = (id: string) => `/v1/young-people/${id}/care-plans`;

t.test('plans are created, listed with the current course first, read, changed and deleted', async (t) => {
  const { app, as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  const created = [];
  for (const plan of threePlans) {
    const response = await as('head_of_service', { method: 'POST', url: plansUrl(person.id), payload: plan });
    t.equal(response.statusCode, 201, response.body.slice(0, 300));
    t.equal(response.headers.location, `${plansUrl(person.id)}/${response.json().id}`);
    created.push(response.json());
  }
  const [stay, stepDown, supported] = created;
  t.equal(stay.isCurrent, true, 'the first plan is the current course');
  t.equal(stepDown.isCurrent, false);
  t.same(stepDown.moves, [{ month: 3, to: 'inhouse_foster' }]);
  t.same(stepDown.interventions, [{ id: 'therapeutic_step_down', startMonth: 3 }]);
  t.notOk('startState' in stay, 'a plan without a start state starts from the current state');

  const list = (await as('commissioning', { method: 'GET', url: plansUrl(person.id) })).json();
  t.same(list.items.map((p: { name: string }) => p.name), threePlans.map((p) => p.name));

  // Marking another plan current unmarks the first in the same transaction.
  const marked = await as('finance', { method: 'PATCH', url: `${plansUrl(person.id)}/${supported.id}`, payload: { isCurrent: true } });
  t.equal(marked.statusCode, 200, marked.body.slice(0, 300));
  t.equal(marked.json().isCurrent, true);
  const after = (await as('finance', { method: 'GET', url: plansUrl(person.id) })).json();
  t.same(after.items.map((p: { name: string; isCurrent: boolean }) => [p.name, p.isCurrent]), [
    ['Supported accommodation at 16', true],
    ['Stay in residential', false],
    ['Step down to foster care', false],
  ]);
  const currents = await app.db.selectFrom('care_plans').select('id').where('young_person_id', '=', person.id).where('is_current', '=', true).execute();
  t.equal(currents.length, 1, 'exactly one current course');

  const unmark = await as('finance', { method: 'PATCH', url: `${plansUrl(person.id)}/${supported.id}`, payload: { isCurrent: false } });
  t.equal(unmark.statusCode, 409, 'the current course is changed by marking another');

  const renamed = await as('finance', { method: 'PATCH', url: `${plansUrl(person.id)}/${stay.id}`, payload: { name: 'Stay where they are', currentPlacementWeeklyPrice: 6500 } });
  t.equal(renamed.statusCode, 200, renamed.body.slice(0, 300));
  t.equal(renamed.json().name, 'Stay where they are');
  t.equal(renamed.json().currentPlacementWeeklyPrice, 6500);
  const cleared = await as('finance', { method: 'PATCH', url: `${plansUrl(person.id)}/${stay.id}`, payload: { currentPlacementWeeklyPrice: null } });
  t.notOk('currentPlacementWeeklyPrice' in cleared.json(), 'null goes back to the actual price on the record');

  const clash = await as('finance', { method: 'PATCH', url: `${plansUrl(person.id)}/${stay.id}`, payload: { name: 'Step down to foster care' } });
  t.equal(clash.statusCode, 409, 'names differ within a young person');
  t.equal(clash.json().errors[0].field, 'body/name');
  const duplicate = await as('finance', { method: 'POST', url: plansUrl(person.id), payload: { name: 'Step down to foster care' } });
  t.equal(duplicate.statusCode, 409);

  t.equal((await as('finance', { method: 'DELETE', url: `${plansUrl(person.id)}/${supported.id}` })).statusCode, 409, 'the current course stays while others exist');
  const deleted = await as('finance', { method: 'DELETE', url: `${plansUrl(person.id)}/${stepDown.id}` });
  t.equal(deleted.statusCode, 204);
  t.equal((await as('finance', { method: 'GET', url: `${plansUrl(person.id)}/${stepDown.id}` })).statusCode, 404);

  const audit = (await as('admin', { method: 'GET', url: '/v1/audit-events?resourceType=care_plan&limit=100' })).json();
  const actions = audit.items.map((e: { action: string }) => e.action).sort();
  t.same(actions, ['care_plan.create', 'care_plan.create', 'care_plan.create', 'care_plan.delete', 'care_plan.update', 'care_plan.update', 'care_plan.update']);
  t.notOk(JSON.stringify(audit).includes(person.reference), 'the audit trail never holds the reference');
});

t.test('a plan that does not fit the young person or the model is refused naming the item, and nothing is stored', async (t) => {
  const { app, as } = await buildTestApp(t);
  // 14 this month: 132 months to the 25th birthday; 16 in month 24, 18 in month 48.
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  const cases: Array<[string, Record<string, unknown>, number, string]> = [
    ['unknown state', { name: 'x', moves: [{ month: 3, to: 'moon' }] }, 422, 'body/moves/0/to'],
    ['unknown start state', { name: 'x', startState: 'moon' }, 422, 'body/startState'],
    ['unknown intervention', { name: 'x', interventions: [{ id: 'magic', startMonth: 0 }] }, 422, 'body/interventions/0/id'],
    ['supported accommodation before 16', { name: 'x', moves: [{ month: 23, to: 'supported_accommodation' }] }, 422, 'body/moves/0/to'],
    ['care leaver state before 18', { name: 'x', moves: [{ month: 47, to: 'staying_put' }] }, 422, 'body/moves/0/to'],
    ['intervention outside its eligibility (state)', { name: 'x', interventions: [{ id: 'mst', startMonth: 0 }] }, 422, 'body/interventions/0'],
    ['intervention outside its eligibility (age)', { name: 'x', interventions: [{ id: 'guardian_mentor', startMonth: 0 }] }, 422, 'body/interventions/0'],
    ['move beyond the horizon', { name: 'x', moves: [{ month: 132, to: 'inhouse_foster' }] }, 422, 'body/moves/0/month'],
    ['moves out of order', { name: 'x', moves: [{ month: 5, to: 'inhouse_foster' }, { month: 4, to: 'ifa_foster' }] }, 422, 'body/moves/1/month'],
    ['a price for a start that is no placement', { name: 'x', startState: 'edge_of_care', currentPlacementWeeklyPrice: 100 }, 422, 'body/currentPlacementWeeklyPrice'],
    ['no name', { moves: [] }, 400, 'body/name'],
    ['a name that would run as a spreadsheet formula', { name: '=SUM(A1)' }, 400, 'body/name'],
    ['unknown field', { name: 'x', colour: 'blue' }, 400, 'body/colour'],
    ['a negative price', { name: 'x', prices: [{ state: 'inhouse_foster', weeklyPrice: -1 }] }, 400, 'body/prices/0/weeklyPrice'],
    ['a price with a fraction of a penny', { name: 'x', prices: [{ state: 'ifa_foster', weeklyPrice: 820.005 }] }, 422, 'body/prices/0/weeklyPrice'],
    ['the same state priced twice', { name: 'x', prices: [{ state: 'ifa_foster', weeklyPrice: 820 }, { state: 'ifa_foster', weeklyPrice: 900 }] }, 422, 'body/prices/1/state'],
    ['an actual price with a fraction of a penny', { name: 'x', currentPlacementWeeklyPrice: 700.001 }, 422, 'body/currentPlacementWeeklyPrice'],
  ];
  for (const [label, payload, status, field] of cases) {
    const response = await as('finance', { method: 'POST', url: plansUrl(person.id), payload });
    t.equal(response.statusCode, status, `${label}: ${status}`);
    t.match(response.headers['content-type'], /application\/problem\+json/, label);
    const fields = (response.json().errors ?? []).map((e: { field: string }) => e.field);
    t.ok(fields.includes(field), `${label}: names ${field} (got ${fields.join(', ')})`);
  }
  const stored = await app.db.selectFrom('care_plans').select('id').execute();
  t.equal(stored.length, 0, 'nothing stored');

  // The edge of the age rules: 16 in month 24, so supported accommodation is allowed from then.
  const atSixteen = await as('finance', { method: 'POST', url: plansUrl(person.id), payload: { name: 'at 16', moves: [{ month: 24, to: 'supported_accommodation' }] } });
  t.equal(atSixteen.statusCode, 201, atSixteen.body.slice(0, 300));

  // An update is checked as a new plan would be, and a refused update changes nothing.
  const planId = atSixteen.json().id;
  const bad = await as('finance', { method: 'PATCH', url: `${plansUrl(person.id)}/${planId}`, payload: { moves: [{ month: 2, to: 'supported_accommodation' }] } });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().errors[0].field, 'body/moves/0/to');
  t.same((await as('finance', { method: 'GET', url: `${plansUrl(person.id)}/${planId}` })).json().moves, [{ month: 24, to: 'supported_accommodation' }]);
});

t.test('plans belong to one young person; erased and unknown people answer 410 and 404', async (t) => {
  const { as } = await buildTestApp(t);
  const first = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  const second = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(15) })).json();
  const plan = (await as('finance', { method: 'POST', url: plansUrl(first.id), payload: { name: 'Stay' } })).json();
  for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
    const response = await as('finance', { method, url: `${plansUrl(second.id)}/${plan.id}`, ...(method === 'PATCH' ? { payload: { name: 'Mine now' } } : {}) });
    t.equal(response.statusCode, 404, `${method} a plan of someone else`);
  }
  const nobody = '00000000-0000-4000-8000-000000000000';
  t.equal((await as('finance', { method: 'GET', url: plansUrl(nobody) })).statusCode, 404);
  t.equal((await as('finance', { method: 'POST', url: plansUrl(nobody), payload: { name: 'x' } })).statusCode, 404);
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/young-people/${second.id}` })).statusCode, 200);
  t.equal((await as('finance', { method: 'GET', url: plansUrl(second.id) })).statusCode, 410);
  t.equal((await as('finance', { method: 'POST', url: plansUrl(second.id), payload: { name: 'x' } })).statusCode, 410);
});

t.test('at most eight plans; a later plan can be made current as it is created', async (t) => {
  const { as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  for (let k = 0; k < 8; k++) {
    const response = await as('finance', { method: 'POST', url: plansUrl(person.id), payload: { name: `Plan ${k + 1}`, isCurrent: k === 5 } });
    t.equal(response.statusCode, 201);
  }
  const ninth = await as('finance', { method: 'POST', url: plansUrl(person.id), payload: { name: 'Plan 9' } });
  t.equal(ninth.statusCode, 409);
  const list = (await as('finance', { method: 'GET', url: plansUrl(person.id) })).json();
  t.same(list.items.filter((p: { isCurrent: boolean }) => p.isCurrent).map((p: { name: string }) => p.name), ['Plan 6']);
});

t.test('who may read and write plans', async (t) => {
  const { as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  const plan = (await as('finance', { method: 'POST', url: plansUrl(person.id), payload: { name: 'Stay' } })).json();
  for (const role of ['finance', 'commissioning', 'head_of_service', 'admin'] as const) {
    t.equal((await as(role, { method: 'GET', url: plansUrl(person.id) })).statusCode, 200, `${role} reads plans`);
    t.equal((await as(role, { method: 'GET', url: `${plansUrl(person.id)}/${plan.id}` })).statusCode, 200, `${role} reads a plan`);
  }
  t.equal((await as('board', { method: 'GET', url: plansUrl(person.id) })).statusCode, 403, 'the board never sees an individual’s plans');
  t.equal((await as('board', { method: 'GET', url: `${plansUrl(person.id)}/${plan.id}` })).statusCode, 403);
  t.equal((await as('commissioning', { method: 'POST', url: plansUrl(person.id), payload: { name: 'x' } })).statusCode, 403, 'commissioning reads but does not write plans');
  t.equal((await as('board', { method: 'PATCH', url: `${plansUrl(person.id)}/${plan.id}`, payload: { name: 'y' } })).statusCode, 403);
  t.equal((await as('commissioning', { method: 'DELETE', url: `${plansUrl(person.id)}/${plan.id}` })).statusCode, 403);
  t.equal((await as('head_of_service', { method: 'DELETE', url: `${plansUrl(person.id)}/${plan.id}` })).statusCode, 204, 'the last plan, current or not, can go');
});

t.test('the operations are published in the OpenAPI document', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
  for (const id of ['createCarePlan', 'listCarePlans', 'getCarePlan', 'updateCarePlan', 'deleteCarePlan', 'getPathwayBudget', 'runPathwayProjection', 'listPathwayProjections', 'getPathwayProjection', 'rerunPathwayProjection', 'compareCarePlans']) {
    t.ok(ids.includes(id), `${id} is published`);
  }
  const run = doc.paths['/v1/young-people/{id}/projections'].post;
  t.ok(run.responses['201'] && run.responses['202'], 'runPathwayProjection documents both the stored answer and the job');
  t.match(run.description, /12,000,000 person-months/, 'and the threshold between them');
});
