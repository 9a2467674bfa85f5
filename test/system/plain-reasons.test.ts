import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { Type } from 'typebox';
import t from 'tap';
import { SLUG_PATTERN, VERSION_PATTERN } from '../../src/catalog/identifiers.ts';
import { CostModel } from '../../src/catalog/model-schema.ts';
import { scenarioJsonSchema } from '../../src/catalog/scenario-json-schema.ts';
import { schemaErrorsOf } from '../../src/catalog/validate-scenario.ts';
import { PATTERN_WORDS } from '../../src/schemas/pattern-words.ts';
import { MAX_RUNS } from '../../src/schemas/projections.ts';
import { oneReasonAField, validationErrors } from '../../src/schemas/validation-words.ts';
import { buildTestApp } from '../helpers/app.ts';
import { smallScenario } from '../scenarios/fixtures.ts';

/**
 * Review of 4 December (helper-124): reasons in Ajv's own words ("must be string", "must NOT have
 * more than 64 characters", a regular expression printed for body/firstYear), versions with
 * leading zeros accepted, POST /v1/projections not checking the shape of a model id or version,
 * and the scenario format missing from the OpenAPI document.
 */

/** Ajv's wording, which no answer should carry: each a phrase Ajv writes and pathcast does not. */
const AJV_WORDING = /must NOT|must be (string|number|integer|object|array|boolean)\b|must be [<>]=?|must match (pattern|format)|must have required|must be equal to/;

const reasonsOf = (body: { errors?: Array<{ field: string; reason: string }> }) => body.errors ?? [];

t.test('versions with leading zeros are refused wherever a version is taken, with the rule in words; nothing stored', async (t) => {
  const { app, as } = await buildTestApp(t);
  const versionWords = 'must be a version of three whole numbers without leading zeros, e.g. 1.2.0';
  for (const version of ['01.0.0', '1.00.0', '1.0.01', '00.1.0']) {
    const created = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ version }) });
    t.equal(created.statusCode, 422, `scenario version ${version}`);
    t.same(reasonsOf(created.json()), [{ field: 'body/version', reason: versionWords }], `scenario version ${version}: named, in words`);
    const model = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ model: { id: 'england-default', version } }) });
    t.equal(model.statusCode, 422, `model version ${version}`);
    t.same(reasonsOf(model.json()), [{ field: 'body/model/version', reason: versionWords }]);
    const query = await as('board', { method: 'GET', url: `/v1/models/england-default?version=${version}` });
    t.equal(query.statusCode, 400, `GET a model at ${version}`);
    t.same(reasonsOf(query.json()), [{ field: 'querystring/version', reason: versionWords }]);
    const projection = await as('finance', { method: 'POST', url: '/v1/projections', payload: { model: 'england-default', modelVersion: version, ageMonths: 120, state: 'edge_of_care', runs: 10 } });
    t.equal(projection.statusCode, 400, `projection at model version ${version}`);
    t.same(reasonsOf(projection.json()), [{ field: 'body/modelVersion', reason: versionWords }]);
  }
  // Zero itself is a whole number without a leading zero.
  const zero = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ version: '0.10.0' }) });
  t.equal(zero.statusCode, 201, '0.10.0 is a version');
  t.same(await app.db.selectFrom('scenarios').select('version').execute(), [{ version: '0.10.0' }], 'only the well-formed version is stored');

  // The pattern itself: leading zeros refused, every other shape of three whole numbers taken.
  const version = new RegExp(VERSION_PATTERN);
  fc.assert(
    fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(10_000), (a, b, c) => version.test(`${a}.${b}.${c}`) && !version.test(`0${a}.${b}.${c}`) && !version.test(`${a}.0${b}.${c}`) && !version.test(`${a}.${b}.0${c}`)),
  );
});

t.test('POST /v1/projections checks the shape of the model id and version before looking them up', async (t) => {
  const { app, as } = await buildTestApp(t);
  const base = { ageMonths: 120, state: 'edge_of_care', runs: 10 };
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['an id with capitals and spaces', { model: 'England Default' }, 'body/model', 'must be lower-case letters, digits and "-", starting with a letter or digit'],
    ['an id too long', { model: 'a'.repeat(65) }, 'body/model', 'must be at most 64 characters long'],
    ['a version of one number', { model: 'england-default', modelVersion: '1' }, 'body/modelVersion', 'must be a version of three whole numbers without leading zeros, e.g. 1.2.0'],
    ['an empty version', { model: 'england-default', modelVersion: '' }, 'body/modelVersion', 'must not be empty'],
  ];
  for (const [name, payload, field, reason] of cases) {
    const response = await as('finance', { method: 'POST', url: '/v1/projections', payload: { ...base, ...payload } });
    t.equal(response.statusCode, 400, name);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.ok(reasonsOf(response.json()).some((e) => e.field === field && e.reason === reason), `${name}: ${field} ${reason} (got ${JSON.stringify(response.json().errors)})`);
    t.notMatch(response.body, /no such model|unknown model/i, `${name}: a format error, not "no such model"`);
  }
  // A well-formed id of no model is still "unknown" (the format is not the problem).
  const unknown = await as('finance', { method: 'POST', url: '/v1/projections', payload: { ...base, model: 'atlantis' } });
  t.equal(unknown.statusCode, 422);
  t.same(await app.db.selectFrom('jobs').select('id').execute(), [], 'nothing ran');
});

t.test('reasons are in words, not Ajv’s: types, lengths, bounds, list sizes and patterns', async (t) => {
  const { as } = await buildTestApp(t);
  const scenarioCases: Array<[string, Record<string, unknown>, string, string]> = [
    ['a number for the name', { name: 12 }, 'body/name', 'must be text'],
    ['a list for the cohort', { cohort: [] }, 'body/cohort', 'must be an object ({…})'],
    ['a model id of 65 characters', { model: { id: 'a'.repeat(65) } }, 'body/model/id', 'must be at most 64 characters long'],
    ['a financial year written 2026/27', { firstYear: '2026/27' }, 'body/firstYear', 'must be a financial year, e.g. 2026-27'],
    ['half a planning year', { planningYears: 2.5 }, 'body/planningYears', 'must be a whole number'],
    ['no planning years', { planningYears: 0 }, 'body/planningYears', 'must be at least 1'],
    ['an empty name', { name: '' }, 'body/name', 'must not be empty'],
  ];
  for (const [name, change, field, reason] of scenarioCases) {
    const response = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario(change) });
    t.equal(response.statusCode, 422, name);
    const errors = reasonsOf(response.json());
    t.ok(errors.some((e) => e.field === field && e.reason === reason), `${name}: ${field} ${reason} (got ${JSON.stringify(errors)})`);
    t.notMatch(response.body, AJV_WORDING, `${name}: no Ajv wording`);
  }
  // The route-level checks (Fastify's Ajv) speak the same words.
  const routeCases: Array<[string, string, Record<string, unknown>, string, string]> = [
    ['a seed as text', '/v1/projections', { model: 'england-default', ageMonths: 120, state: 'edge_of_care', seed: 'abc' }, 'body/seed', 'must be a whole number'],
    ['too many runs', '/v1/projections', { model: 'england-default', ageMonths: 120, state: 'edge_of_care', runs: MAX_RUNS + 1 }, 'body/runs', `must be at most ${MAX_RUNS}`],
    ['a start month written 04/2026', '/v1/projections', { model: 'england-default', ageMonths: 120, state: 'edge_of_care', startMonth: '04/2026' }, 'body/startMonth', 'must be a calendar month, YYYY-MM, in the years 1900 to 2999'],
  ];
  for (const [name, url, payload, field, reason] of routeCases) {
    const response = await as('finance', { method: 'POST', url, payload });
    t.equal(response.statusCode, 400, name);
    const errors = reasonsOf(response.json());
    t.ok(errors.some((e) => e.field === field && e.reason === reason), `${name}: ${field} ${reason} (got ${JSON.stringify(errors)})`);
    t.notMatch(response.body, AJV_WORDING, `${name}: no Ajv wording`);
  }
});

t.test('any malformed scenario is answered in words: no Ajv phrase, no regular expression (fast-check)', async (t) => {
  const good = smallScenario();
  const keys = [...Object.keys(good), 'model', 'cohort', 'strategy'];
  fc.assert(
    fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }), (key, value) => {
      const errors = schemaErrorsOf({ ...good, [key]: value });
      return errors.every((e) => !AJV_WORDING.test(e.reason) && !/\^|\$'/.test(e.reason));
    }),
    { numRuns: 300 },
  );
  t.pass('300 malformed scenarios answered in words');
});

/** Every `pattern` keyword in a JSON Schema document, with where it sits. */
function patternsIn(node: unknown, where: string, out: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(node)) {
    node.forEach((child, k) => {
      patternsIn(child, `${where}/${k}`, out);
    });
  } else if (node && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) {
      if (key === 'pattern' && typeof child === 'string') out.push([where, child]);
      else patternsIn(child, `${where}/${key}`, out);
    }
  }
  return out;
}

t.test('every pattern in the OpenAPI document and the model and scenario formats has its rule in words', async (t) => {
  const { app } = await buildTestApp(t);
  const openApi = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  const patterns = [...patternsIn(openApi, 'openapi'), ...patternsIn(scenarioJsonSchema(), 'scenario'), ...patternsIn(JSON.parse(JSON.stringify(CostModel)), 'model')];
  t.ok(patterns.length >= 20, `${patterns.length} patterns found`);
  const without = patterns.filter(([, pattern]) => !PATTERN_WORDS.has(pattern));
  t.same(without, [], 'patterns without words (add them to src/schemas/pattern-words.ts)');
});

t.test('the OpenAPI document shows the scenario format as the body of createScenario and updateScenario', async (t) => {
  const { app } = await buildTestApp(t);
  const openApi = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  for (const [path, method] of [
    ['/v1/scenarios', 'post'],
    ['/v1/scenarios/{id}', 'put'],
  ]) {
    const body = openApi.paths[path][method].requestBody.content['application/json'].schema;
    t.equal(body.additionalProperties, false, `${method} ${path}: a closed object`);
    t.same(body.required?.slice().sort(), (scenarioJsonSchema().required as string[]).slice().sort(), `${method} ${path}: the format's required fields`);
    t.equal(body.properties.version.pattern, VERSION_PATTERN, `${method} ${path}: the version's shape`);
    t.equal(body.properties.model.properties.id.pattern, SLUG_PATTERN, `${method} ${path}: the model id's shape`);
  }
});

t.test('a control character in model.id is refused 400 at the edge, like every field, naming body/model/id; nothing stored', async (t) => {
  const { app, as } = await buildTestApp(t);
  const response = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ model: { id: 'england\u0000default' } }) });
  t.equal(response.statusCode, 400);
  t.same(reasonsOf(response.json()), [{ field: 'body/model/id', reason: 'must not contain control characters (U+0000 at character 8)' }]);
  t.same(await app.db.selectFrom('scenarios').select('id').execute(), []);
});

t.test('a query parameter given twice is told so; a body labelled in a charset other than UTF-8 is refused 415', async (t) => {
  const { app, as } = await buildTestApp(t);
  const twice = await as('board', { method: 'GET', url: '/v1/models/england-default?version=1.6.0&version=1.7.0' });
  t.equal(twice.statusCode, 400);
  t.same(reasonsOf(twice.json()), [{ field: 'querystring/version', reason: 'must be given once, not repeated' }]);

  const payload = JSON.stringify(smallScenario());
  // Every charset parameter is read: a second one that is not UTF-8 is refused too (helper-126).
  for (const charset of ['utf-16', 'latin1', '"iso-8859-1"', 'utf-8; charset=utf-16', 'UTF-8;charset="latin1"']) {
    const response = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload, headers: { 'content-type': `application/json; charset=${charset}` } });
    t.equal(response.statusCode, 415, `charset=${charset}`);
    t.same(reasonsOf(response.json()), [{ field: 'headers/content-type', reason: 'must name charset=utf-8, or no charset: bodies are read as UTF-8' }], `charset=${charset}: named`);
  }
  t.same(await app.db.selectFrom('scenarios').select('id').execute(), [], 'nothing stored');
  // A quoted value is one value (helper-129): a ";charset=" inside another parameter's quotes is not read.
  for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'utf-8; note="x;charset=utf-16"']) {
    const response = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: JSON.stringify(smallScenario({ id: `utf8-${charset.length}${charset.startsWith('U') ? 'u' : 'l'}` })), headers: { 'content-type': `application/json; charset=${charset}` } });
    t.equal(response.statusCode, 201, `charset=${charset} is taken`);
  }
  // A GET carrying a stray label and no body is not refused for it.
  const get = await as('board', { method: 'GET', url: '/v1/models', headers: { 'content-type': 'application/json; charset=latin1' } });
  t.equal(get.statusCode, 200);
});

t.test('one reason a field: a distribution answered for the type it names, two rules at one field joined, a repeated query parameter told so', async (t) => {
  const { as } = await buildTestApp(t);
  const rateChange = (multiplier: unknown) => smallScenario({ strategy: { name: 'Rates', rateChanges: [{ from: ['edge_of_care'], to: ['@looked_after'], multiplier }] } });
  const only = async (payload: Record<string, unknown>, expected: Array<{ field: string; reason: string | RegExp }>, name: string, url = '/v1/scenarios', role: 'commissioning' | 'finance' = 'commissioning') => {
    const response = await as(role, { method: 'POST', url, payload });
    t.ok(response.statusCode === 400 || response.statusCode === 422, `${name}: refused (${response.statusCode})`);
    t.match(reasonsOf(response.json()), expected, name);
    t.equal(reasonsOf(response.json()).length, expected.length, `${name}: ${expected.length} error(s), got ${JSON.stringify(response.json().errors)}`);
  };
  // Review of 4 December (helper-126): 14 errors, "type" told five different constants.
  await only(rateChange({ type: 'normal', mean: 'x', sd: 1 }), [{ field: 'body/strategy/rateChanges/0/multiplier/mean', reason: 'must be a number' }], 'a normal multiplier whose mean is text');
  // Two rules broken at one field by the scenario's domain checks (not the schema) are one reason
  // too, as a model's are.
  await only(rateChange({ type: 'triangular', min: 1, mode: 0.5, max: 0.2 }), [{ field: 'body/strategy/rateChanges/0/multiplier/mode', reason: 'mode 0.5 is below min 1, and mode 0.5 is above max 0.2' }], 'a triangular multiplier whose mode is below min and above max');
  await only(rateChange({ type: 'gamma', mean: 1 }), [{ field: 'body/strategy/rateChanges/0/multiplier/type', reason: /^must be one of: .*fixed.*normal.*pert/ }], 'a multiplier of no known type');
  const model = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../models/england-default.json'), 'utf8'));
  model.rateFactors[0].multiplier = { type: 'gamma' };
  await only({ model, ageMonths: 120, state: 'edge_of_care', runs: 10 }, [{ field: 'body/model/rateFactors/0/multiplier/type', reason: /^must be one of: / }], 'an inline model with a multiplier of no known type', '/v1/projections', 'finance');

  // A length and a pattern broken at once: one reason, both rules in it; an empty value is told so alone.
  await only(smallScenario({ id: `ABC${'x'.repeat(70)}` }), [{ field: 'body/id', reason: /^must be at most 64 characters long, and must be lower-case letters/ }], 'an id too long and in capitals');
  const team = await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: '', service: 'edge_of_care' } });
  t.same(reasonsOf(team.json()), [{ field: 'body/name', reason: 'must not be empty' }], 'an empty team name');

  // Repeated query parameters, whatever their type; a list parameter may be repeated.
  for (const query of ['limit=1&limit=2', 'origin=file&origin=api']) {
    const response = await as('board', { method: 'GET', url: `/v1/scenarios?${query}` });
    t.equal(response.statusCode, 400, query);
    t.same(reasonsOf(response.json()), [{ field: `querystring/${query.split('=')[0]}`, reason: 'must be given once, not repeated' }], query);
  }
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people?careState=residential&careState=ifa_foster' })).statusCode, 200, 'a list parameter given twice is a list');

  // Review of 4 December (helper-127). A repeated parameter holding a control character is named
  // once, both reasons joined; a fault the edge finds no longer hides the schema's faults elsewhere
  // in the same request.
  const all = async (request: { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown> }, expected: Array<{ field: string; reason: string | RegExp }>, name: string, role: 'commissioning' | 'admin' = 'commissioning') => {
    const response = await as(role, request);
    t.equal(response.statusCode, 400, `${name}: 400`);
    t.match(reasonsOf(response.json()), expected, name);
    t.equal(reasonsOf(response.json()).length, expected.length, `${name}: ${expected.length} error(s), got ${JSON.stringify(response.json().errors)}`);
  };
  await all({ method: 'GET', url: '/v1/scenarios?limit=1&limit=%00' }, [{ field: 'querystring/limit', reason: 'must not contain control characters (U+0000 at character 1), and must be given once, not repeated' }], 'repeated, one value a NUL');
  await all({ method: 'GET', url: '/v1/scenarios?limit=1&limit=2&origin=nowhere' }, [{ field: 'querystring/limit', reason: 'must be given once, not repeated' }, { field: 'querystring/origin', reason: /^must be one of: / }], 'repeated, and another parameter bad');
  await all({ method: 'GET', url: '/v1/scenarios?origin=%07file&limit=zero' }, [{ field: 'querystring/origin', reason: /^must not contain control characters \(U\+0007/ }, { field: 'querystring/limit', reason: 'must be a whole number' }], 'a control character, and another parameter bad');
  await all(
    { method: 'POST', url: '/v1/teams', payload: { name: 'Bell\u0007', service: 'orbit' } },
    [{ field: 'body/name', reason: /^must not contain control characters \(U\+0007/ }, { field: 'body/service', reason: /^must be one of: / }],
    'a body with a control character and another field bad',
    'admin',
  );
  // A field name holding a control character covers only its own key (helper-129): the body's other
  // faults still come, and the bad key is never quoted back.
  await all(
    { method: 'POST', url: '/v1/teams', payload: { name: '', 'x\u0001': 1 } },
    [{ field: 'body', reason: /^has a field name that must not contain control characters/ }, { field: 'body/service', reason: 'is required' }, { field: 'body/name', reason: 'must not be empty' }],
    'a bad field name at the top, an empty name and a missing service',
    'admin',
  );
});

t.test('oneReasonAField: one entry a field, every reason kept once, in first-named order (fast-check)', async (t) => {
  const fault = fc.record({ field: fc.constantFrom('body/a', 'body/b', 'body/a/b', 'x'), reason: fc.constantFrom('r1', 'r2', 'must be text') });
  const key = (e: { field: string }) => e.field;
  fc.assert(
    fc.property(fc.array(fault, { maxLength: 12 }), (faults) => {
      const named = oneReasonAField(faults);
      // Independent reference: first appearance of each key, with its distinct reasons in order.
      const keys = [...new Set(faults.map(key))];
      t.same(named.map(key), keys);
      for (const [i, k] of keys.entries()) {
        const reasons = [...new Set(faults.filter((f) => key(f) === k).map((f) => f.reason))];
        if (named[i].reason !== reasons.join(', and ')) throw new Error(`${k}: ${named[i].reason} != ${reasons.join(', and ')}`);
      }
    }),
    { numRuns: 300 },
  );
});

t.test('validationErrors: constants read as a choice; a nullable field keeps its own rule (unit, on Ajv directly)', async (t) => {
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  const errorsOf = (schema: object, value: unknown) => {
    const check = ajv.compile(schema);
    check(value);
    return validationErrors('body', check.errors ?? [], { input: value, schema });
  };
  const format = Type.Object({ format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')]) });
  t.same(errorsOf(format, { format: 'pdf' }), [{ field: 'body/format', reason: 'must be one of: xlsx, csv' }]);
  const nullable = Type.Object({ name: Type.Union([Type.String({ minLength: 1, maxLength: 5 }), Type.Null()]) });
  t.same(errorsOf(nullable, { name: 'abcdefgh' }), [{ field: 'body/name', reason: 'must be at most 5 characters long' }]);
  t.same(errorsOf(nullable, { name: 3 }), [{ field: 'body/name', reason: 'must be text or be null' }]);
});

t.test('one reason a field from the model’s own rules too, and an empty value told it is empty', async (t) => {
  const { as } = await buildTestApp(t);
  // Review of 4 December (helper-127): "mode 2 is below min 3" and "mode 2 is above max 1" as two errors.
  const model = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../models/england-default.json'), 'utf8'));
  model.unitCosts[0].amount = { type: 'pert', min: 3, mode: 2, max: 1 };
  const response = await as('commissioning', { method: 'POST', url: '/v1/models/validate', payload: model });
  t.equal(response.statusCode, 422);
  const errors = reasonsOf(response.json());
  const atMode = errors.filter((e) => e.field === '/unitCosts/0/amount/mode' || e.field === 'body/unitCosts/0/amount/mode');
  t.equal(atMode.length, 1, `one entry for the mode (got ${JSON.stringify(errors)})`);
  t.match(atMode[0]?.reason, /below min 3, and .*above max 1/, 'both rules in it');
  t.equal(new Set(errors.map((e) => e.field)).size, errors.length, 'no field named twice');

  for (const [field, change] of [
    ['body/id', { id: '' }],
    ['body/version', { version: '' }],
  ] as const) {
    const empty = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario(change) });
    t.same(reasonsOf(empty.json()), [{ field, reason: 'must not be empty' }], `${field} empty`);
  }
  const model0 = await as('finance', { method: 'POST', url: '/v1/projections', payload: { model: '', ageMonths: 120, state: 'edge_of_care', runs: 10 } });
  t.same(reasonsOf(model0.json()), [{ field: 'body/model', reason: 'must not be empty' }], 'an empty model id');
});
