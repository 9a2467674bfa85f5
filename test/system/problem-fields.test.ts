import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { residentialRecord } from '../young-people/records.ts';

/**
 * Issue 17 review finding 11: every 4xx names the field it is about in `errors[]` (RFC 9457's
 * extension member, as the 400s and 422s did): a 404 the path parameter (or the address), a 409 the
 * parameter or body field in conflict, a 415 the Content-Type header.
 */

const missing = '00000000-0000-4000-8000-000000000000';

t.test('404, 409 and 415 answers name the field', async (t) => {
  const { as } = await buildTestApp(t);
  const notFound = await as('finance', { method: 'GET', url: `/v1/young-people/${missing}` });
  t.equal(notFound.statusCode, 404);
  t.same(notFound.json().errors, [{ field: 'params/id', reason: `names no stored young person (${missing})` }]);
  t.match(notFound.headers['content-type'], /^application\/problem\+json/);

  const plan = await as('finance', { method: 'GET', url: `/v1/young-people/${missing}/care-plans/${missing}` });
  t.equal(plan.statusCode, 404);
  t.match(plan.json().errors, [{ field: /^params\// }]);

  const team404 = await as('admin', { method: 'GET', url: `/v1/teams/${missing}` });
  t.equal(team404.statusCode, 404);
  t.same(team404.json().errors, [{ field: 'params/id', reason: `names no stored team (${missing})` }]);

  const nowhere = await as('finance', { method: 'GET', url: '/v1/no-such-thing' });
  t.equal(nowhere.statusCode, 404);
  t.same(nowhere.json().errors, [{ field: 'url', reason: 'has no operation for GET' }]);

  // 409: a team with young people cannot be deleted.
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'CLA', service: 'children_looked_after' } })).json();
  t.equal((await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord({ teamId: team.id }) })).statusCode, 201);
  const busy = await as('admin', { method: 'DELETE', url: `/v1/teams/${team.id}` });
  t.equal(busy.statusCode, 409);
  t.same(busy.json().errors, [{ field: 'params/id', reason: 'names a team with 1 young people' }]);

  // 415: JSON sent to the CSV import, CSV sent to a JSON operation.
  const json = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: { a: 1 } });
  t.equal(json.statusCode, 415);
  t.same(json.json().errors, [{ field: 'headers/content-type', reason: 'must be text/csv' }]);
  const csv = await as('finance', { method: 'POST', url: '/v1/young-people', payload: 'reference\nX', headers: { 'content-type': 'text/csv' } });
  t.equal(csv.statusCode, 415);
  t.same(csv.json().errors, [{ field: 'headers/content-type', reason: 'must be application/json' }]);
});
