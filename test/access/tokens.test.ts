import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';

t.test('admin issues a token; it works at once, is listed without its secret, and stops working when revoked', async (t) => {
  const { app, as } = await buildTestApp(t);
  const created = await as('admin', { method: 'POST', url: '/v1/tokens', payload: { name: 'finance team', role: 'finance' } });
  t.equal(created.statusCode, 201);
  const { token, id, role } = created.json();
  t.equal(role, 'finance');
  t.match(token, /^pc_[A-Za-z0-9_-]{43}$/);

  const list = await as('admin', { method: 'GET', url: '/v1/tokens' });
  const listed = list.json().items.find((x: { id: string }) => x.id === id);
  t.ok(listed, 'the new token is listed');
  t.notOk('token' in listed, 'the secret is never listed');
  t.notOk(JSON.stringify(list.json()).includes(token), 'the secret appears nowhere in the list');

  const stored = await app.db.selectFrom('api_tokens').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
  t.not(stored.token_hash, token, 'only a hash is stored');

  const use = await app.inject({ method: 'GET', url: '/v1/tokens', headers: { authorization: `Bearer ${token}` } });
  t.equal(use.statusCode, 403, 'finance may not manage tokens, but is authenticated');

  const revoked = await as('admin', { method: 'DELETE', url: `/v1/tokens/${id}` });
  t.equal(revoked.statusCode, 200);
  t.type(revoked.json().revokedAt, 'string');
  const after = await app.inject({ method: 'GET', url: '/v1/tokens', headers: { authorization: `Bearer ${token}` } });
  t.equal(after.statusCode, 401);
  // A revoked token is answered exactly as one never issued: the answer must not confirm that a
  // leaked token was once real.
  const unknown = await app.inject({ method: 'GET', url: '/v1/tokens', headers: { authorization: `Bearer pc_${'x'.repeat(43)}` } });
  const { instance: _a, ...revokedAnswer } = after.json();
  const { instance: _b, ...unknownAnswer } = unknown.json();
  t.same(revokedAnswer, unknownAnswer, 'the same problem for a revoked token and an unknown one');
  t.equal(after.headers['www-authenticate'], unknown.headers['www-authenticate']);
  t.notMatch(after.body, /revoked/);

  const again = await as('admin', { method: 'DELETE', url: `/v1/tokens/${id}` });
  t.equal(again.statusCode, 409, 'revoking twice is a conflict');
  const missing = await as('admin', { method: 'DELETE', url: '/v1/tokens/00000000-0000-4000-8000-000000000000' });
  t.equal(missing.statusCode, 404);
});

t.test('missing, malformed and unknown tokens get 401 problem+json', async (t) => {
  const { app } = await buildTestApp(t);
  for (const authorization of [undefined, 'Basic abc', 'Bearer', 'Bearer not-a-real-token']) {
    const response = await app.inject({ method: 'GET', url: '/v1/tokens', headers: authorization ? { authorization } : {} });
    t.equal(response.statusCode, 401, `authorization: ${authorization}`);
    t.match(response.headers['content-type'], /application\/problem\+json/);
    t.match(response.headers['www-authenticate'], /^Bearer/);
  }
});

t.test('only admins manage tokens and read the audit log', async (t) => {
  const { as } = await buildTestApp(t);
  for (const role of ['finance', 'commissioning', 'head_of_service', 'board'] as const) {
    t.equal((await as(role, { method: 'GET', url: '/v1/tokens' })).statusCode, 403, `${role} cannot list tokens`);
    t.equal((await as(role, { method: 'POST', url: '/v1/tokens', payload: { name: 'x', role: 'admin' } })).statusCode, 403, `${role} cannot create tokens`);
    t.equal((await as(role, { method: 'GET', url: '/v1/audit-events' })).statusCode, 403, `${role} cannot read the audit log`);
  }
});

t.test('token creation is validated and audited', async (t) => {
  const { as } = await buildTestApp(t);
  const bad = await as('admin', { method: 'POST', url: '/v1/tokens', payload: { name: '', role: 'superuser', extra: true } });
  t.equal(bad.statusCode, 400);
  // An empty name breaks both the length and the pattern: one field, two reasons.
  const fields = [...new Set(bad.json().errors.map((e: { field: string }) => e.field))].sort();
  t.same(fields, ['body/extra', 'body/name', 'body/role']);

  const created = await as('admin', { method: 'POST', url: '/v1/tokens', payload: { name: 'board pack reader', role: 'board' } });
  const audit = await as('admin', { method: 'GET', url: '/v1/audit-events?action=token.create' });
  t.equal(audit.statusCode, 200);
  const event = audit.json().items.find((e: { resourceId: string }) => e.resourceId === created.json().id);
  t.ok(event, 'creation is audited');
  t.equal(event.actorRole, 'admin');
  t.same(event.detail, { role: 'board' });
  t.notOk(JSON.stringify(audit.json()).includes(created.json().token), 'the secret is not in the audit log');
});
