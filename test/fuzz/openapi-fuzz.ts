import { loadavg } from 'node:os';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { TestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';
import { smallScenario } from '../scenarios/fixtures.ts';

/**
 * A fuzzer generated from the service's own OpenAPI document (issue 14): for every operation it
 * sends requests that are mostly wrong (bad path ids, query values, bodies of the wrong shape,
 * control characters, huge or empty values, wrong content types, missing or made-up tokens) and
 * checks what must always hold:
 *   - never a 5xx;
 *   - every 4xx is application/problem+json with a status that matches;
 *   - a refused request stores nothing (row counts of every table before and after it).
 * Used by test/system/fuzz.test.ts (a bounded number, in CI) and `npm run fuzz -- --requests N`.
 */

export interface FuzzOptions {
  requests: number;
  seed: number;
  /** Only these operations (by operationId); all when left out. */
  only?: string[];
}

export interface FuzzFigures {
  requests: number;
  operations: number;
  byStatus: Record<string, number>;
  byOperation: Record<string, number>;
  failures: string[];
  wallMs: number;
  cpuMs: number;
  loadAverage: number[];
}

interface Operation {
  id: string;
  method: string;
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Schema }>;
  bodyType: string | undefined;
  bodySchema: Schema | undefined;
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  items?: Schema;
  format?: string;
  anyOf?: Schema[];
  minimum?: number;
  const?: unknown;
};

const TABLES = ['api_tokens', 'audit_events', 'young_people', 'jobs', 'care_plans', 'pathway_projections', 'stored_models', 'calibrations', 'scenarios', 'scenario_runs', 'scenario_run_inputs'];

async function rowCounts(app: TestApp['app']): Promise<string> {
  const parts = TABLES.map((table) => sql`(select count(*) from ${sql.table(table)})`);
  const row = await sql<Record<string, number>>`select ${sql.join(parts)}`.execute(app.db);
  return JSON.stringify(Object.values(row.rows[0]));
}

function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as { operationId: string; parameters?: Array<{ in: string; name: string; schema: Schema }>; requestBody?: { content: Record<string, { schema: Schema }> } };
      const content = op.requestBody?.content ?? {};
      const bodyType = Object.keys(content)[0];
      ops.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        bodyType,
        bodySchema: bodyType ? content[bodyType].schema : undefined,
      });
    }
  }
  return ops;
}

const NASTY_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001start',
  'line\nbreak',
  'tab\there',
  '\u007f',
  '\u0085',
  '=1+1',
  '-1',
  '@SUM(A1)',
  '\ud800',
  '💥',
  'null',
  'true',
  '0',
  '-0',
  '1e309',
  'NaN',
  '../../etc/passwd',
  '%00',
  '%',
  '\\',
  '"',
  "'; drop table young_people; --",
  '<script>alert(1)</script>',
  'a'.repeat(5000),
];

const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_TEXT),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.uuid(),
);

const deep = (depth: number): unknown => (depth === 0 ? 1 : { a: [deep(depth - 1)] });

const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e308, -1e308, 2 ** 31),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(nastyString, { maxLength: 4 }),
  fc.dictionary(nastyString, nastyString, { maxKeys: 3 }),
  fc.constant(deep(200)),
);

/** A value that would pass a simple reading of the schema, so mutations reach deeper checks. */
function plausible(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return plausible(schema.anyOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, plausible(v, depth + 1)]));
    case 'array':
      return [plausible(schema.items, depth + 1)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      return schema.format === 'uuid' ? '00000000-0000-4000-8000-000000000000' : schema.format === 'date' ? '2026-01-01' : 'Plausible text';
    default:
      return null;
  }
}

interface Seeds {
  ids: string[];
  scenarioIds: string[];
  tokens: TestApp['tokens'];
}

/** Percent-encodes; a lone surrogate becomes bytes that are not UTF-8 at all (%ED%A0%80). */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return `${encodeURIComponent(value.toWellFormed())}%ED%A0%80`;
  }
}

type FuzzRequest = { method: string; url: string; headers: Record<string, string>; payload?: string | Buffer; operation: string };

function requestArbitrary(op: Operation, seeds: Seeds): fc.Arbitrary<FuzzRequest> {
  const idValue = fc.oneof(fc.constantFrom(...seeds.ids, ...seeds.scenarioIds), nastyString);
  const pathValues = fc.tuple(...op.pathParams.map(() => idValue));
  const queryValues = fc.array(
    fc.oneof(
      ...(op.query.length > 0 ? [fc.tuple(fc.constantFrom(...op.query.map((q) => q.name)), nastyString)] : []),
      fc.tuple(nastyString, nastyString),
    ),
    { maxLength: 3 },
  );
  const auth = fc.oneof(
    { weight: 17, arbitrary: fc.constant(`Bearer ${seeds.tokens.admin}`) },
    { weight: 1, arbitrary: fc.constantFrom(...Object.values(seeds.tokens).map((t) => `bearer  ${t}`)) },
    { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer made-up-token', 'Basic YWRtaW46YWRtaW4=') },
  );
  const body = bodyArbitrary(op);
  return fc.record({ path: pathValues, query: queryValues, auth, body }).map(({ path, query, auth, body }) => {
    let url = op.path;
    op.pathParams.forEach((name, i) => {
      url = url.replace(`{${name}}`, encode(path[i] as string));
    });
    if (query.length > 0) url += `?${query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`;
    const headers: Record<string, string> = { ...(auth ? { authorization: auth } : {}), ...(body?.contentType ? { 'content-type': body.contentType } : {}) };
    return { method: op.method, url, headers, ...(body ? { payload: body.payload } : {}), operation: op.id };
  });
}

function bodyArbitrary(op: Operation): fc.Arbitrary<{ contentType: string | undefined; payload: string | Buffer } | undefined> {
  if (!op.bodyType) {
    return fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: nastyJson.map((v) => ({ contentType: 'application/json', payload: JSON.stringify(v) ?? 'null' })) });
  }
  const wrongType = fc.record({
    contentType: fc.constantFrom(undefined, 'application/json', 'text/csv', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '*/*'),
    payload: nastyString,
  });
  if (op.bodyType === 'text/csv') {
    const header = 'reference,birth_year,birth_month,legal_status,tier,care_state,sex,placement_weekly_price,placement_start_date';
    const csv = fc.array(fc.array(nastyString, { minLength: 1, maxLength: 10 }), { maxLength: 4 }).map((rows) => [header, ...rows.map((r) => r.join(','))].join('\n'));
    return fc.oneof({ weight: 4, arbitrary: csv.map((payload) => ({ contentType: 'text/csv', payload })) }, { weight: 1, arbitrary: wrongType });
  }
  if (op.bodyType.startsWith('multipart/')) {
    const part = fc.tuple(nastyString, nastyString).map(([name, value]) =>
      ['--fuzzboundary', `Content-Disposition: form-data; name="${name.replaceAll('"', '')}"; filename="2024-episodes.csv"`, 'Content-Type: text/csv', '', value, '--fuzzboundary--', ''].join('\r\n'),
    );
    return fc.oneof({ weight: 3, arbitrary: part.map((payload) => ({ contentType: 'multipart/form-data; boundary=fuzzboundary', payload })) }, { weight: 1, arbitrary: wrongType });
  }
  const base = plausible(op.bodySchema) as Record<string, unknown> | null;
  const keys = base && typeof base === 'object' ? Object.keys(base) : [];
  const mutated = fc
    .array(
      fc.oneof(
        fc.tuple(fc.constant('set' as const), keys.length > 0 ? fc.constantFrom(...keys) : nastyString, nastyJson),
        fc.tuple(fc.constant('drop' as const), keys.length > 0 ? fc.constantFrom(...keys) : nastyString, fc.constant(null)),
        fc.tuple(fc.constant('add' as const), nastyString, nastyJson),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((mutations) => {
      const body: Record<string, unknown> = structuredClone(base ?? {});
      for (const [kind, key, value] of mutations) {
        if (kind === 'drop') delete body[key];
        else body[key] = value;
      }
      return { contentType: 'application/json', payload: JSON.stringify(body) };
    });
  const broken = fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', '\u0000', 'nul', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}').map((payload) => ({ contentType: 'application/json', payload }));
  return fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 2, arbitrary: nastyJson.map((v) => ({ contentType: 'application/json', payload: JSON.stringify(v) ?? 'null' })) }, { weight: 1, arbitrary: broken }, { weight: 1, arbitrary: wrongType });
}

/** Records to aim at, so some requests pass the first checks and reach deeper ones. */
export async function seedFuzzTargets(test: TestApp): Promise<Seeds> {
  const person = (await test.as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  const plan = (await test.as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: threePlans[0] })).json();
  await test.as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario() });
  return { ids: [person.id, plan.id].filter(Boolean), scenarioIds: ['small-mst', 'england-default'], tokens: test.tokens };
}

export async function runFuzz(test: TestApp, options: FuzzOptions): Promise<FuzzFigures> {
  const doc = (await test.app.inject({ method: 'GET', url: '/docs/json' })).json();
  const operations = operationsOf(doc).filter((op) => !options.only || options.only.includes(op.id));
  const seeds = await seedFuzzTargets(test);
  // The same share for every operation (at least one each), in turn: drawn at random from one
  // pool, an operation among 60 or more could go without a request in a run of 400.
  const per = Math.max(1, Math.ceil(options.requests / operations.length));
  const byOperation = operations.map((op, k) => fc.sample(requestArbitrary(op, seeds), { numRuns: per, seed: options.seed + k }));
  const requests = Array.from({ length: per }, (_, i) => byOperation.map((samples) => samples[i])).flat();
  const figures: FuzzFigures = { requests: 0, operations: operations.length, byStatus: {}, byOperation: {}, failures: [], wallMs: 0, cpuMs: 0, loadAverage: [] };
  const fail = (request: FuzzRequest, why: string) => {
    if (figures.failures.length < 20) {
      const payload = request.payload === undefined ? '' : ` body ${JSON.stringify(String(request.payload).slice(0, 300))}`;
      figures.failures.push(`${request.operation} ${request.method} ${JSON.stringify(request.url.slice(0, 200))} ${JSON.stringify(request.headers['content-type'] ?? '')}${payload}: ${why}`);
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const request of requests) {
    const mutating = request.method !== 'GET';
    const before = mutating ? await rowCounts(test.app) : '';
    const response = await test.app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, ...(request.payload !== undefined ? { payload: request.payload } : {}) });
    figures.requests += 1;
    figures.byOperation[request.operation] = (figures.byOperation[request.operation] ?? 0) + 1;
    figures.byStatus[String(response.statusCode)] = (figures.byStatus[String(response.statusCode)] ?? 0) + 1;
    if (response.statusCode >= 500) fail(request, `answered ${response.statusCode}`);
    if (response.statusCode >= 400) {
      if (!/^application\/problem\+json/.test(String(response.headers['content-type']))) fail(request, `${response.statusCode} is not problem+json (${response.headers['content-type']})`);
      else {
        let body: { status?: unknown; title?: unknown } = {};
        try {
          body = response.json();
        } catch {
          fail(request, 'problem body is not JSON');
        }
        if (body.status !== response.statusCode || typeof body.title !== 'string') fail(request, 'problem body without a matching status and a title');
      }
      if (mutating && (await rowCounts(test.app)) !== before) fail(request, `refused with ${response.statusCode} but stored something`);
    } else if (response.statusCode === 202) {
      // A job was accepted: let it finish so its writes are not blamed on a later request.
      const id = (response.json() as { id?: string }).id;
      if (id) await test.app.jobs.settledWithin(id, 120_000);
    }
  }
  figures.wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  figures.cpuMs = (used.user + used.system) / 1000;
  figures.loadAverage = loadavg();
  return figures;
}
