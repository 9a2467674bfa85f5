import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { modelContentHash } from '../../src/catalog/canonical-json.ts';
import { modelJsonSchema } from '../../src/catalog/model-json-schema.ts';
import { tinyModel } from '../catalog/tiny-model.ts';
import { buildTestApp } from '../helpers/app.ts';

const shipped = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../models/england-default.json'), 'utf8'));

t.test('every role with aggregates:read lists the models; no token, no list', async (t) => {
  const { app, as } = await buildTestApp(t);
  for (const role of ['admin', 'finance', 'commissioning', 'head_of_service', 'board'] as const) {
    const response = await as(role, { method: 'GET', url: '/v1/models' });
    t.equal(response.statusCode, 200, role);
    const item = response.json().items.find((m: { id: string }) => m.id === 'england-default');
    t.same(item, {
      id: 'england-default',
      version: '1.6.0',
      name: 'England default',
      priceBaseYear: '2024-25',
      hash: app.catalog.get('england-default')?.hash,
      statesCount: 24,
    });
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/models' })).statusCode, 401);
});

t.test('getModel returns the model in full; unknown ids and versions are 404, malformed ones 400', async (t) => {
  const { as } = await buildTestApp(t);
  const response = await as('board', { method: 'GET', url: '/v1/models/england-default' });
  t.equal(response.statusCode, 200);
  t.same(response.json(), shipped, 'the file as shipped');
  const listed = (await as('board', { method: 'GET', url: '/v1/models' })).json().items.find((m: { id: string }) => m.id === 'england-default');
  t.equal(modelContentHash(response.json()), listed.hash, 'the content the listed hash vouches for');
  t.equal((await as('board', { method: 'GET', url: '/v1/models/england-default?version=1.6.0' })).statusCode, 200);
  const missingVersion = await as('board', { method: 'GET', url: '/v1/models/england-default?version=9.9.9' });
  t.equal(missingVersion.statusCode, 404);
  t.match(missingVersion.json().detail, /england-default 9\.9\.9/);
  t.equal((await as('board', { method: 'GET', url: '/v1/models/no-such-model' })).statusCode, 404);
  t.equal((await as('board', { method: 'GET', url: '/v1/models/Not_An_Id' })).statusCode, 400);
  t.equal((await as('board', { method: 'GET', url: '/v1/models/england-default?version=latest' })).statusCode, 400);
});

t.test('getModelSchema serves the JSON Schema of the format', async (t) => {
  const { app, as } = await buildTestApp(t);
  const response = await as('finance', { method: 'GET', url: '/v1/models/schema' });
  t.equal(response.statusCode, 200);
  t.same(response.json(), modelJsonSchema());
  const openapi = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  t.equal(openapi.paths['/v1/models/schema'].get.operationId, 'getModelSchema');
});

t.test('validateModel: 200 with a summary for a valid model', async (t) => {
  const { as } = await buildTestApp(t);
  const response = await as('commissioning', { method: 'POST', url: '/v1/models/validate', payload: shipped });
  t.equal(response.statusCode, 200);
  const { valid, summary } = response.json();
  t.equal(valid, true);
  t.match(summary, { id: 'england-default', version: '1.6.0', states: 24, ageBands: 7, interventions: 6, priceBaseYear: '2024-25' });
  t.match(summary.hash, /^[0-9a-f]{64}$/);
});

t.test('validateModel: 422 problem+json listing every error under body/', async (t) => {
  const { as } = await buildTestApp(t);
  const broken = tinyModel();
  broken.transitions.young.care = { care: 0.77, home: 0.2 };
  broken.unitCosts[0].source = 'nowhere';
  const response = await as('board', { method: 'POST', url: '/v1/models/validate', payload: broken });
  t.equal(response.statusCode, 422);
  t.match(response.headers['content-type'], /application\/problem\+json/);
  const problem = response.json();
  t.equal(problem.detail, 'The model has 2 errors');
  t.same(problem.errors, [
    { field: 'body/transitions/young/care', reason: 'row sums to 0.97, not 1 (band young, state care)' },
    { field: 'body/unitCosts/0/source', reason: 'unknown source "nowhere": every figure must cite an entry of sources' },
  ]);
  const notObject = await as('board', { method: 'POST', url: '/v1/models/validate', payload: [1, 2] });
  t.equal(notObject.statusCode, 400, 'a body that is not an object is malformed');
  // A distance share outside [0, 1] (issue 17) is named like any other field.
  const far = tinyModel();
  far.states[1].distanceOver20Miles = { share: 1.5, source: 'made_up' };
  const farResponse = await as('board', { method: 'POST', url: '/v1/models/validate', payload: far });
  t.equal(farResponse.statusCode, 422);
  t.same(farResponse.json().errors, [{ field: 'body/states/1/distanceOver20Miles/share', reason: 'must be at most 1' }]);
});

t.test('validateModel accepts bodies up to 5 MB, beyond the default limit', async (t) => {
  const { as } = await buildTestApp(t);
  const large = { ...tinyModel(), description: 'x'.repeat(2 * 1_048_576) };
  const ok = await as('admin', { method: 'POST', url: '/v1/models/validate', payload: large });
  t.equal(ok.statusCode, 200, 'a 2 MB model is checked');
  const huge = { ...tinyModel(), description: 'x'.repeat(5 * 1_048_576 + 1) };
  const tooLarge = await as('admin', { method: 'POST', url: '/v1/models/validate', payload: huge });
  t.equal(tooLarge.statusCode, 413);
  t.match(tooLarge.headers['content-type'], /application\/problem\+json/);
});
