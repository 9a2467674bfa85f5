import { request as httpRequest } from 'node:http';
import Ajv from 'ajv';
import fc from 'fast-check';
import t from 'tap';
import { CreateApiTokenBody } from '../../src/schemas/access.ts';
import { PlanName } from '../../src/schemas/care-plans.ts';
import { controlCharacterReason } from '../../src/services/input-rules.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';
import { buildTestApp } from '../helpers/app.ts';

/**
 * The edge (issue 14): control characters refused wherever text comes in, and every error, the
 * ones Fastify and Node raise themselves included, answered as problem+json without echoing input.
 */

const CSV_HEADER = 'reference,birth_year,birth_month,legal_status,tier,care_state';

async function counts(app: Awaited<ReturnType<typeof buildTestApp>>['app']) {
  const tables = ['young_people', 'care_plans', 'api_tokens', 'audit_events'] as const;
  const out: Record<string, number> = {};
  for (const table of tables) {
    const row = await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

t.test('control characters are refused with 400 naming the field, in bodies, queries, paths and CSV cells', async (t) => {
  const { app, as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  const before = await counts(app);

  const tokenName = await as('admin', { method: 'POST', url: '/v1/tokens', payload: { name: 'team\u0000a', role: 'board' } });
  t.equal(tokenName.statusCode, 400);
  t.match(tokenName.headers['content-type'], /^application\/problem\+json/);
  t.same(tokenName.json().errors, [{ field: 'body/name', reason: 'must not contain control characters (U+0000 at character 5)' }]);

  const planName = await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: { ...threePlans[0], name: '\u0001Plan' } });
  t.equal(planName.statusCode, 400, 'a control character first in a plan name');
  t.equal(planName.json().errors[0].field, 'body/name');

  const nested = await as('finance', { method: 'PATCH', url: `/v1/young-people/${person.id}`, payload: { version: 1, placement: { provider: 'Acme\u007fHomes' } } });
  t.equal(nested.statusCode, 400, 'DEL in a nested field');
  t.equal(nested.json().errors[0].field, 'body/placement/provider');

  const audit = await as('admin', { method: 'GET', url: '/v1/audit-events?action=%00' });
  t.equal(audit.statusCode, 400, 'a NUL in a query parameter');
  t.equal(audit.json().errors[0].field, 'querystring/action');

  const listed = await as('finance', { method: 'GET', url: '/v1/young-people?reference=ab%0Acd' });
  t.equal(listed.statusCode, 400, 'a line break in a query value');
  t.equal(listed.json().errors[0].field, 'querystring/reference');

  const path = await as('finance', { method: 'GET', url: '/v1/young-people/%00' });
  t.equal(path.statusCode, 400, 'a NUL in a path parameter');
  t.equal(path.json().errors[0].field, 'params/id');

  const csv = await as('finance', {
    method: 'POST',
    url: '/v1/young-people/import',
    headers: { 'content-type': 'text/csv' },
    payload: `${CSV_HEADER}\nCSV-1,2011,3,section_20,3,edge_of_care\nCSV\u00002,2011,3,section_20,3,edge_of_care\n`,
  });
  t.equal(csv.statusCode, 422, 'a NUL in a CSV cell');
  t.same(csv.json().errors, [{ row: 2, field: 'reference', reason: 'must not contain control characters (U+0000 at character 4)' }]);
  t.notOk(csv.body.includes('CSV\u00002') || csv.body.includes('CSV\\u00002'), 'the cell is not echoed');

  const header = await as('finance', { method: 'POST', url: '/v1/young-people/import', headers: { 'content-type': 'text/csv' }, payload: `${CSV_HEADER},x\u0001y\nA,2011,3,section_20,3,edge_of_care,\n` });
  t.equal(header.statusCode, 422);
  t.same(header.json().errors, [{ field: '(column 7)', reason: 'must not contain control characters (U+0001 at character 2)' }]);

  t.same(await counts(app), before, 'nothing was stored by any refused request');
});

t.test('the token-name and plan-name patterns refuse every control character, first or later', async (t) => {
  const ajv = new Ajv.default({ strict: false });
  const name = ajv.compile(PlanName);
  const token = ajv.compile(CreateApiTokenBody);
  const control = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((c) => String.fromCharCode(c));
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), control, fc.string({ maxLength: 20 }), (before, c, after) => {
      const text = `P${before}${c}${after}`.slice(0, 100);
      if (!text.includes(c)) return;
      t.notOk(name(text), 'plan name');
      t.notOk(token({ name: text, role: 'board' }), 'token name');
      t.notOk(name(`${c}${after}`), 'first character');
      t.ok(controlCharacterReason(text, true) !== undefined || c === '\t' || c === '\n' || c === '\r');
    }),
    { numRuns: 300 },
  );
  t.ok(name('Step down to foster care, then supported lodgings'));
  t.ok(token({ name: 'Finance team: month-end script', role: 'board' }));
});

t.test('bidi controls and zero-width characters are refused by the same rule, in the patterns and at the edge', async (t) => {
  const ajv = new Ajv.default({ strict: false });
  const name = ajv.compile(PlanName);
  const invisible = [0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff];
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), fc.constantFrom(...invisible), fc.string({ maxLength: 20 }), (before, code, after) => {
      const c = String.fromCharCode(code);
      const text = `P${before}${c}${after}`;
      t.notOk(name(text.slice(0, 100)), 'plan name');
      t.notOk(name(`${c}Plan`), 'first character');
      const at = text.indexOf(c) + 1;
      const first = [...text].findIndex((ch) => controlCharacterReason(ch, true) !== undefined);
      if (first === text.indexOf(c)) t.equal(controlCharacterReason(text, true), `must not contain control characters (U+${code.toString(16).toUpperCase().padStart(4, '0')} at character ${at})`);
      else t.ok(controlCharacterReason(text, true));
    }),
    { numRuns: 200 },
  );
  // Text in other scripts and emoji (no joiner) stay allowed.
  t.ok(name('Gofal maeth – Cyngor Sir ☕ مجلس'));
  t.equal(controlCharacterReason('Gofal maeth – Cyngor Sir ☕ مجلس', true), undefined);

  const { as } = await buildTestApp(t);
  const token = await as('admin', { method: 'POST', url: '/v1/tokens', payload: { name: 'team \u202Edraob', role: 'board' } });
  t.equal(token.statusCode, 400);
  t.same(token.json().errors, [{ field: 'body/name', reason: 'must not contain control characters (U+202E at character 6)' }]);
});

interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

function raw(address: string, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${address}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('Fastify and Node errors are problem+json and never echo the request', async (t) => {
  const { app, tokens } = await buildTestApp(t);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const auth = { authorization: `Bearer ${tokens.admin}` };
  const marker = 'zq9marker';

  // The last column: the part of the request `errors` names, where a request exists to name a
  // part of (431 is answered by Node's parser before Fastify sees a request).
  const cases: Array<[string, Promise<RawAnswer>, number, string | null]> = [
    ['an over-long path segment', raw(address, `/v1/young-people/${marker}${'a'.repeat(400)}`, auth), 414, 'url'],
    ['an over-long query string', raw(address, `/v1/young-people?reference=${marker}${'a'.repeat(40_000)}`, auth), 431, null],
    ['an over-large header', raw(address, '/health', { ...auth, 'x-filler': `${marker}${'a'.repeat(40_000)}` }), 431, null],
    ['a malformed percent-encoding', raw(address, `/v1/young-people/${marker}%E0%A4%A`, auth), 400, 'url'],
    ['an unknown address', raw(address, `/v1/${marker}`, auth), 404, 'url'],
  ];
  for (const [what, answer, status, field] of cases) {
    const got = await answer;
    t.equal(got.status, status, what);
    if (field) t.match(JSON.parse(got.body).errors, [{ field, reason: String }], `${what}: errors names ${field}`);
    t.match(got.contentType, /^application\/problem\+json/, `${what}: problem+json`);
    const body = JSON.parse(got.body);
    t.equal(body.status, status);
    t.match(body.instance, /^urn:pathcast:request:[0-9a-f-]{36}$/, `${what}: carries an instance, as every problem does`);
    t.notMatch(got.body, new RegExp(marker), `${what}: the request is not echoed`);
  }

  const json = await app.inject({ method: 'POST', url: '/v1/tokens', headers: { ...auth, 'content-type': 'application/json' }, payload: `{"name": "${marker}` });
  t.equal(json.statusCode, 400);
  t.match(json.headers['content-type'], /^application\/problem\+json/);
  t.notMatch(json.body, new RegExp(marker));
  const media = await app.inject({ method: 'POST', url: '/v1/tokens', headers: { ...auth, 'content-type': `application/${marker}` }, payload: 'x' });
  t.equal(media.statusCode, 415);
  t.notMatch(media.body, new RegExp(marker));

  const csv = await app.inject({ method: 'POST', url: '/v1/young-people/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: `${CSV_HEADER}\n"${marker},2011\n` });
  t.equal(csv.statusCode, 400, 'a CSV that is not CSV');
  t.match(csv.json(), { errors: [{ field: '(file)', row: 2 }] }, 'with errors[] naming where');
  t.notMatch(csv.body, new RegExp(marker));
});
