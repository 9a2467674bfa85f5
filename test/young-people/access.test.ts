import type { InjectOptions } from 'fastify';
import t from 'tap';
import { formatYoungPeopleCsv } from '../../src/services/young-people-import.ts';
import type { Role } from '../../src/services/access-control.ts';
import { buildTestApp } from '../helpers/app.ts';
import { edgeOfCareRecord } from './records.ts';

type Operation = 'create' | 'list' | 'get' | 'update' | 'erase' | 'import';

/** Who may do what with individual records (src/services/access-control.ts). */
const allowed: Record<Role, Operation[]> = {
  admin: ['create', 'list', 'get', 'update', 'erase', 'import'],
  finance: ['create', 'list', 'get', 'update', 'import'],
  head_of_service: ['create', 'list', 'get', 'update', 'import'],
  commissioning: ['list', 'get'],
  board: [],
};

const successStatus: Record<Operation, number> = { create: 201, list: 200, get: 200, update: 200, erase: 200, import: 201 };

t.test('each role is allowed exactly its operations on individual records; the board none', async (t) => {
  const { as } = await buildTestApp(t);
  for (const role of Object.keys(allowed) as Role[]) {
    // A record of its own for each role, so an allowed erase does not spoil the next operation.
    const target = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
    const requests: Record<Operation, InjectOptions> = {
      create: { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() },
      list: { method: 'GET', url: '/v1/young-people' },
      get: { method: 'GET', url: `/v1/young-people/${target.id}` },
      update: { method: 'PATCH', url: `/v1/young-people/${target.id}`, payload: { version: 1, tier: 4 } },
      import: {
        method: 'POST',
        url: '/v1/young-people/import',
        payload: formatYoungPeopleCsv([edgeOfCareRecord()]),
        headers: { 'content-type': 'text/csv' },
      },
      erase: { method: 'DELETE', url: `/v1/young-people/${target.id}` },
    };
    for (const operation of ['create', 'list', 'get', 'update', 'import', 'erase'] as const) {
      const response = await as(role, requests[operation]);
      const expected = allowed[role].includes(operation) ? successStatus[operation] : 403;
      t.equal(response.statusCode, expected, `${role} ${operation}`);
      if (expected === 403) t.match(response.json().detail, /needs individuals:/);
    }
  }
});

t.test('missing, unknown and revoked tokens get 401 on every record route', async (t) => {
  const { app, as } = await buildTestApp(t);
  const target = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
  const issued = (await as('admin', { method: 'POST', url: '/v1/tokens', payload: { name: 'finance team', role: 'finance' } })).json();
  t.equal((await app.inject({ method: 'GET', url: '/v1/young-people', headers: { authorization: `Bearer ${issued.token}` } })).statusCode, 200);
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/tokens/${issued.id}` })).statusCode, 200);

  const routes: InjectOptions[] = [
    { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() },
    { method: 'GET', url: '/v1/young-people' },
    { method: 'GET', url: `/v1/young-people/${target.id}` },
    { method: 'PATCH', url: `/v1/young-people/${target.id}`, payload: { version: 1, tier: 4 } },
    { method: 'DELETE', url: `/v1/young-people/${target.id}` },
    { method: 'POST', url: '/v1/young-people/import', payload: 'reference\n', headers: { 'content-type': 'text/csv' } },
  ];
  for (const route of routes) {
    for (const authorization of [undefined, 'Bearer not-a-real-token', `Bearer ${issued.token}`]) {
      const response = await app.inject({ ...route, headers: { ...(route.headers ?? {}), ...(authorization ? { authorization } : {}) } });
      t.equal(response.statusCode, 401, `${route.method} ${route.url} with ${authorization ? authorization.slice(0, 16) : 'no token'}`);
    }
  }
  const stored = await app.db.selectFrom('young_people').select(['version', 'erased_at']).executeTakeFirstOrThrow();
  t.same(stored, { version: 1, erased_at: null }, 'nothing changed');
});

t.test('the OpenAPI document publishes the five operations and the import, with their rules', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  const operations = new Map<string, { description?: string; responses: Record<string, unknown>; requestBody?: { content: Record<string, unknown> } }>();
  for (const methods of Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>)) {
    for (const op of Object.values(methods)) operations.set(op.operationId, op as never);
  }
  for (const id of ['createYoungPerson', 'getYoungPerson', 'listYoungPeople', 'updateYoungPerson', 'eraseYoungPerson', 'importYoungPeople']) {
    t.ok(operations.has(id), `${id} is published`);
  }
  t.match(operations.get('eraseYoungPerson')?.description, /Kept, as a tombstone: the id, birth year, care state and tier/);
  t.match(operations.get('eraseYoungPerson')?.description, /Requires `individuals:erase` \(roles: admin\)/);
  t.ok(operations.get('importYoungPeople')?.requestBody?.content['text/csv'], 'the import takes text/csv');
  t.ok(operations.get('updateYoungPerson')?.responses['409'], 'a stale version is documented');
  t.ok(operations.get('getYoungPerson')?.responses['410'], 'an erased record is documented');
});
