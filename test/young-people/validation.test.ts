import t from 'tap';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp } from '../helpers/app.ts';
import { edgeOfCareRecord, residentialRecord } from './records.ts';

type Mutation = (record: Record<string, unknown>) => void;
const year = new Date().getUTCFullYear();

/** Bad inputs, each one thing wrong with an otherwise valid record, and the answer expected. */
const badRecords: Array<{ why: string; base?: () => YoungPersonInputDto; mutate: Mutation; status: number; field: string }> = [
  { why: 'tier as a string', mutate: (r) => (r.tier = '4'), status: 400, field: 'body/tier' },
  { why: 'tier 5', mutate: (r) => (r.tier = 5), status: 400, field: 'body/tier' },
  { why: 'birth month 13', mutate: (r) => (r.birthMonth = 13), status: 400, field: 'body/birthMonth' },
  { why: 'unknown top-level field', mutate: (r) => (r.name = 'Jane'), status: 400, field: 'body/name' },
  { why: 'free text in the needs profile', mutate: (r) => ((r.needsProfile as Record<string, unknown>).notes = 'x'), status: 400, field: 'body/needsProfile/notes' },
  { why: 'unknown placement field', mutate: (r) => ((r.placement as Record<string, unknown>).carer = 'x'), status: 400, field: 'body/placement/carer' },
  { why: 'negative weekly price', mutate: (r) => ((r.placement as Record<string, unknown>).weeklyPrice = -1), status: 400, field: 'body/placement/weeklyPrice' },
  { why: 'negative service cost', mutate: (r) => ((r.services as Array<Record<string, unknown>>)[0].weeklyCost = -5), status: 400, field: 'body/services/0/weeklyCost' },
  { why: 'unknown care state', mutate: (r) => (r.careState = 'castle'), status: 400, field: 'body/careState' },
  { why: 'unknown provider', mutate: (r) => ((r.placement as Record<string, unknown>).provider = 'acme'), status: 400, field: 'body/placement/provider' },
  { why: 'unknown funding agency', mutate: (r) => ((r.services as Array<Record<string, unknown>>)[0].fundingAgency = 'nhs'), status: 400, field: 'body/services/0/fundingAgency' },
  { why: 'an impossible date', mutate: (r) => ((r.placement as Record<string, unknown>).startDate = '2025-02-30'), status: 400, field: 'body/placement/startDate' },
  { why: 'null sex (leave it out instead)', mutate: (r) => (r.sex = null), status: 400, field: 'body/sex' },
  { why: 'a missing reference', mutate: (r) => delete r.reference, status: 400, field: 'body/reference' },
  { why: 'a reference with spaces and quotes', mutate: (r) => (r.reference = "Robert'); DROP TABLE young_people;--"), status: 400, field: 'body/reference' },
  { why: 'a service name that is a spreadsheet formula', mutate: (r) => ((r.services as Array<Record<string, unknown>>)[0].name = '=HYPERLINK("http://x")'), status: 400, field: 'body/services/0/name' },
  { why: 'a service name starting with @', mutate: (r) => ((r.services as Array<Record<string, unknown>>)[0].name = '@SUM(A1)'), status: 400, field: 'body/services/0/name' },
  { why: 'a birth year of 1800', mutate: (r) => (r.birthYear = 1800), status: 400, field: 'body/birthYear' },
  { why: 'aged 26', mutate: (r) => (r.birthYear = year - 26), status: 422, field: 'body/birthYear' },
  { why: 'born next year', mutate: (r) => (r.birthYear = year + 1), status: 422, field: 'body/birthYear' },
  {
    why: 'a care leaver state at 12',
    base: () => edgeOfCareRecord(),
    mutate: (r) => (r.careState = 'independent_eet'),
    status: 422,
    field: 'body/careState',
  },
  {
    why: 'supported accommodation at 15',
    mutate: (r) => {
      r.careState = 'supported_accommodation';
      (r.placement as Record<string, unknown>).type = 'supported_accommodation';
    },
    status: 422,
    field: 'body/careState',
  },
  { why: 'placement type differing from the care state', mutate: (r) => ((r.placement as Record<string, unknown>).type = 'ifa_foster'), status: 422, field: 'body/placement/type' },
  { why: 'a placement state with no placement', mutate: (r) => delete r.placement, status: 422, field: 'body/placement' },
  {
    why: 'a placement while at home',
    base: () => edgeOfCareRecord(),
    mutate: (r) => (r.placement = { type: 'residential', provider: 'private', weeklyPrice: 5000, startDate: `${year - 1}-01-01` }),
    status: 422,
    field: 'body/placement',
  },
  { why: 'a placement starting in the future', mutate: (r) => ((r.placement as Record<string, unknown>).startDate = `${year + 1}-01-01`), status: 422, field: 'body/placement/startDate' },
  { why: 'a placement starting before birth', mutate: (r) => ((r.placement as Record<string, unknown>).startDate = `${year - 16}-06-01`), status: 422, field: 'body/placement/startDate' },
  { why: 'a service ending before it starts', mutate: (r) => ((r.services as Array<Record<string, unknown>>)[1].endDate = `${year - 2}-01-01`), status: 422, field: 'body/services/1/endDate' },
];

async function storedCount(app: Awaited<ReturnType<typeof buildTestApp>>['app']): Promise<number> {
  const row = await app.db.selectFrom('young_people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

t.test('bad records are refused as problem+json naming the field, and nothing is stored', async (t) => {
  const { app, as } = await buildTestApp(t);
  for (const bad of badRecords) {
    const record = structuredClone((bad.base ?? residentialRecord)()) as unknown as Record<string, unknown>;
    bad.mutate(record);
    const response = await as('finance', { method: 'POST', url: '/v1/young-people', payload: record });
    t.equal(response.statusCode, bad.status, `${bad.why}: status`);
    t.match(response.headers['content-type'], /application\/problem\+json/, `${bad.why}: problem+json`);
    const fields = (response.json().errors ?? []).map((e: { field: string }) => e.field);
    t.ok(fields.includes(bad.field), `${bad.why}: names ${bad.field} (got ${fields.join(', ')})`);
  }
  t.equal(await storedCount(app), 0);
});

t.test('malformed JSON, wrong content types and oversized bodies are refused', async (t) => {
  const { app, as } = await buildTestApp(t, { bodyLimitBytes: 4096 });
  const malformed = await as('finance', { method: 'POST', url: '/v1/young-people', payload: '{"reference": "A1",', headers: { 'content-type': 'application/json' } });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().detail, 'The body is not valid JSON, or holds a "__proto__" key or a "constructor" key holding "prototype", which is refused');
  t.same(malformed.json().errors?.map((e: { field: string }) => e.field), ['body'], 'names the body');
  for (const poisoned of ['{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"admin": true}}}']) {
    const response = await as('finance', { method: 'POST', url: '/v1/young-people', payload: poisoned, headers: { 'content-type': 'application/json' } });
    t.equal(response.statusCode, 400, `${poisoned}: refused`);
    t.match(response.json(), { detail: /__proto__/, errors: [{ field: 'body' }] }, `${poisoned}: says why and names the body`);
  }
  t.equal(({} as Record<string, unknown>).admin, undefined, 'no object gained a property');

  const notAnObject = await as('finance', { method: 'POST', url: '/v1/young-people', payload: '[1,2,3]', headers: { 'content-type': 'application/json' } });
  t.equal(notAnObject.statusCode, 400);

  const text = await as('finance', { method: 'POST', url: '/v1/young-people', payload: 'reference=A1', headers: { 'content-type': 'text/plain' } });
  t.equal(text.statusCode, 415, 'plain text is an unsupported media type, as README promises, not a malformed record');
  t.match(text.headers['content-type'], /application\/problem\+json/);
  t.match(text.json(), { status: 415, instance: /\S/ });
  const xml = await as('finance', { method: 'POST', url: '/v1/young-people', payload: '<yp/>', headers: { 'content-type': 'application/xml' } });
  t.equal(xml.statusCode, 415);

  const big = JSON.stringify(residentialRecord()).replace('{', `{${' '.repeat(5000)}`);
  const oversized = await as('finance', { method: 'POST', url: '/v1/young-people', payload: big, headers: { 'content-type': 'application/json' } });
  t.equal(oversized.statusCode, 413);
  t.match(oversized.headers['content-type'], /application\/problem\+json/);

  t.equal(await storedCount(app), 0);
});

t.test('SQL-looking text is stored literally and harms nothing', async (t) => {
  const { app, as } = await buildTestApp(t);
  const sqlName = "Mentoring'); DROP TABLE young_people; --";
  const record = residentialRecord();
  record.services[0].name = sqlName;
  const created = await as('finance', { method: 'POST', url: '/v1/young-people', payload: record });
  t.equal(created.statusCode, 201);
  const read = (await as('finance', { method: 'GET', url: `/v1/young-people/${created.json().id}` })).json();
  t.equal(read.services[0].name, sqlName);
  t.equal(await storedCount(app), 1, 'the table is still there');
  const filter = await as('finance', { method: 'GET', url: `/v1/young-people?reference=${encodeURIComponent("x' OR '1'='1")}` });
  t.equal(filter.statusCode, 400, 'a reference filter must look like a reference');
});

t.test('a bad value of a nullable field is refused with its own reason only, not "must be null" beside it', async (t) => {
  const { as } = await buildTestApp(t);
  const created = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json();
  const patch = async (body: Record<string, unknown>) => {
    const res = await as('finance', { method: 'PATCH', url: `/v1/young-people/${created.id}`, payload: { version: created.version, ...body } });
    t.equal(res.statusCode, 400, JSON.stringify(body));
    return res.json().errors;
  };
  t.same(await patch({ keyWorkerReference: 'KW#120' }), [{ field: 'body/keyWorkerReference', reason: 'must be a pseudonymous key-worker reference: KW then 3-8 digits (e.g. KW1042; case, spaces, "-" and "_" do not matter)' }]);
  t.same(await patch({ closedOn: '31/12/2026', closedReason: 'adopted' }), [{ field: 'body/closedOn', reason: 'must be a date, YYYY-MM-DD (e.g. 2026-04-01)' }]);
  t.same(await patch({ closedReason: 'moved_away' }), [
    { field: 'body/closedReason', reason: 'must be one of: adopted, special_guardianship, child_arrangements_order, returned_home, aged_out, transferred, other' },
  ]);
  // A bad field inside a nullable object: named where it is, and no "must be null" on the object.
  t.same(await patch({ placement: { ...created.placement, weeklyPrice: -1 } }), [{ field: 'body/placement/weeklyPrice', reason: 'must be at least 0' }]);
  // A field of the wrong type inside a nullable object: the field is named, nothing on the object.
  t.same(await patch({ placement: { ...created.placement, distanceFromHomeMiles: 'far' } }), [{ field: 'body/placement/distanceFromHomeMiles', reason: 'must be a number' }]);
  // A value of the wrong type altogether: both branches are the answer.
  t.same(await patch({ keyWorkerReference: 120 }), [{ field: 'body/keyWorkerReference', reason: 'must be text or be null' }]);
});
