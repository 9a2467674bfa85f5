import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { capabilitiesOf, ROLES } from '../../src/services/access-control.ts';

/** The page asks who is signed in (issue 18): each role's token answers with that role and its capabilities. */
t.test('getCurrentToken says which role a token has', async (t) => {
  const { app, as } = await buildTestApp(t);
  for (const role of ROLES) {
    const response = await as(role, { method: 'GET', url: '/v1/tokens/current' });
    t.equal(response.statusCode, 200, role);
    const body = response.json();
    t.equal(body.role, role);
    t.same(body.capabilities, capabilitiesOf(role));
    t.notOk(JSON.stringify(body).includes('test-admin-token'), 'never the secret');
  }
  t.same((await as('board', { method: 'GET', url: '/v1/tokens/current' })).json().capabilities, ['aggregates:read', 'packs:export']);
  const anonymous = await app.inject({ method: 'GET', url: '/v1/tokens/current' });
  t.equal(anonymous.statusCode, 401);
  const wrong = await app.inject({ method: 'GET', url: '/v1/tokens/current', headers: { authorization: 'Bearer pc_not-a-token' } });
  t.equal(wrong.statusCode, 401);
});
