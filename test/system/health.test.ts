import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { usingPostgres } from '../helpers/database.ts';

t.test('health reports the database reachable and migrations current, without a token', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject({ method: 'GET', url: '/health' });
  t.equal(response.statusCode, 200);
  const body = response.json();
  t.equal(body.status, 'ok');
  t.same(body.database, { backend: usingPostgres ? 'postgres' : 'pglite', reachable: true });
  t.equal(body.migrations.current, true);
  t.same(body.migrations.pending, []);
  t.ok(body.migrations.applied >= 1);
});

t.test('OpenAPI document is public and every operation has an id, a tag, a summary and error responses', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(response.statusCode, 200);
  const doc = response.json();
  t.equal(doc.openapi, '3.1.0');
  const operations: Array<{ path: string; method: string; op: Record<string, unknown> }> = [];
  for (const [p, methods] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, op] of Object.entries(methods)) operations.push({ path: p, method, op });
  }
  const ids = operations.map((o) => o.op.operationId);
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  for (const { path, method, op } of operations) {
    const where = `${method.toUpperCase()} ${path}`;
    t.type(op.operationId, 'string', `${where} has an operationId`);
    t.ok(Array.isArray(op.tags) && (op.tags as string[]).length > 0, `${where} has a tag`);
    t.type(op.summary, 'string', `${where} has a summary`);
    const codes = Object.keys(op.responses as object);
    if (op.operationId !== 'health') {
      t.ok(codes.includes('401') && codes.includes('403'), `${where} documents 401 and 403`);
    }
  }
  for (const id of ['health', 'createApiToken', 'listApiTokens', 'revokeApiToken', 'listAuditEvents']) {
    t.ok(ids.includes(id), `${id} is published`);
  }
  const page = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(page.statusCode, 200, 'the interactive page is served');
});

t.test('unknown routes answer problem+json 404', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject({ method: 'GET', url: '/nope' });
  t.equal(response.statusCode, 404);
  t.match(response.headers['content-type'], /application\/problem\+json/);
  t.equal(response.json().status, 404);
});
