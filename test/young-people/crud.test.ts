import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { edgeOfCareRecord, nextReference, recordPart, residentialRecord } from './records.ts';

t.test('create, read, update and list a record; every write is audited without personal data', async (t) => {
  const { as } = await buildTestApp(t);
  const input = residentialRecord();
  const created = await as('finance', { method: 'POST', url: '/v1/young-people', payload: input });
  t.equal(created.statusCode, 201);
  const body = created.json();
  t.same(recordPart(body), input, 'the stored record is what was sent');
  t.equal(body.version, 1);
  t.equal(body.ageYears, 15);
  t.equal(created.headers.location, `/v1/young-people/${body.id}`);

  const read = await as('commissioning', { method: 'GET', url: `/v1/young-people/${body.id}` });
  t.equal(read.statusCode, 200);
  t.same(read.json(), body);

  const stepDown = await as('head_of_service', {
    method: 'PATCH',
    url: `/v1/young-people/${body.id}`,
    payload: {
      version: 1,
      careState: 'inhouse_foster',
      placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 520, startDate: input.placement?.startDate },
      sex: null,
    },
  });
  t.equal(stepDown.statusCode, 200);
  const updated = stepDown.json();
  t.equal(updated.version, 2);
  t.equal(updated.careState, 'inhouse_foster');
  t.equal(updated.placement.weeklyPrice, 520);
  t.notOk('distanceFromHomeMiles' in updated.placement, 'the placement was replaced as a whole');
  t.notOk('sex' in updated, 'null removed sex');
  t.same(updated.services, input.services, 'fields not sent are kept');
  t.equal(updated.reference, input.reference);

  const unchanged = await as('finance', { method: 'PATCH', url: `/v1/young-people/${body.id}`, payload: { version: 2, tier: 4 } });
  t.equal(unchanged.statusCode, 200);
  t.equal(unchanged.json().version, 2, 'sending unchanged values writes nothing');

  const audit = await as('admin', { method: 'GET', url: `/v1/audit-events?resourceType=young_person&resourceId=${body.id}` });
  const events = audit.json().items as Array<{ action: string; actorRole: string; detail: Record<string, unknown> }>;
  t.same(
    events.map((e) => e.action),
    ['young_person.update', 'young_person.create'],
    'one event per write, newest first',
  );
  t.same(events[0].detail, { changedFields: ['sex', 'careState', 'placement'], version: 2 });
  t.equal(events[0].actorRole, 'head_of_service');
  t.equal(events[1].actorRole, 'finance');
  const auditText = JSON.stringify(audit.json());
  t.notOk(auditText.includes(input.reference), 'the reference is not in the audit log');
  t.notOk(auditText.includes(String(input.birthYear)), 'the birth year is not in the audit log');
});

t.test('updates are guarded by the version: a stale edit is refused and changes nothing', async (t) => {
  const { as } = await buildTestApp(t);
  const created = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
  const first = await as('finance', { method: 'PATCH', url: `/v1/young-people/${created.id}`, payload: { version: 1, tier: 4 } });
  t.equal(first.statusCode, 200);
  const second = await as('head_of_service', { method: 'PATCH', url: `/v1/young-people/${created.id}`, payload: { version: 1, tier: 2 } });
  t.equal(second.statusCode, 409, 'the second editor read version 1, which is stale');
  t.match(second.json().detail, /version 2/);
  const now = (await as('finance', { method: 'GET', url: `/v1/young-people/${created.id}` })).json();
  t.equal(now.tier, 4, 'the first edit stands');
  t.equal(now.version, 2);

  // Two edits racing from the same version: exactly one wins.
  const racing = await Promise.all([
    as('finance', { method: 'PATCH', url: `/v1/young-people/${created.id}`, payload: { version: 2, tier: 3 } }),
    as('finance', { method: 'PATCH', url: `/v1/young-people/${created.id}`, payload: { version: 2, tier: 1 } }),
  ]);
  t.same(racing.map((r) => r.statusCode).sort(), [200, 409]);
  const winner = racing.find((r) => r.statusCode === 200)?.json();
  const after = (await as('finance', { method: 'GET', url: `/v1/young-people/${created.id}` })).json();
  t.equal(after.tier, winner.tier);
  t.equal(after.version, 3);
});

t.test('updates are checked like creations and references stay unique', async (t) => {
  const { as } = await buildTestApp(t);
  const a = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();
  const b = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();

  const taken = await as('finance', { method: 'PATCH', url: `/v1/young-people/${b.id}`, payload: { version: 1, reference: a.reference } });
  t.equal(taken.statusCode, 409);
  t.same(taken.json().errors, [{ field: 'body/reference', reason: 'is already in use' }]);

  const tooYoung = await as('finance', { method: 'PATCH', url: `/v1/young-people/${b.id}`, payload: { version: 1, careState: 'independent_eet' } });
  t.equal(tooYoung.statusCode, 422);
  t.equal(tooYoung.json().errors[0].field, 'body/careState');

  const noPlacement = await as('finance', { method: 'PATCH', url: `/v1/young-people/${b.id}`, payload: { version: 1, careState: 'ifa_foster' } });
  t.equal(noPlacement.statusCode, 422);
  t.same(noPlacement.json().errors.map((e: { field: string }) => e.field), ['body/placement']);

  const onlyVersion = await as('finance', { method: 'PATCH', url: `/v1/young-people/${b.id}`, payload: { version: 1 } });
  t.equal(onlyVersion.statusCode, 400, 'an update must change something');
  const noVersion = await as('finance', { method: 'PATCH', url: `/v1/young-people/${b.id}`, payload: { tier: 2 } });
  t.equal(noVersion.statusCode, 400);
  t.ok(noVersion.json().errors.some((e: { field: string; reason: string }) => e.field === 'body/version' && e.reason === 'is required'));

  const renamed = await as('finance', { method: 'PATCH', url: `/v1/young-people/${b.id}`, payload: { version: 1, reference: `${b.reference}-new` } });
  t.equal(renamed.statusCode, 200);
  t.equal((await as('finance', { method: 'GET', url: `/v1/young-people/${b.id}` })).json().version, 2);

  const missing = await as('finance', { method: 'PATCH', url: '/v1/young-people/00000000-0000-4000-8000-000000000000', payload: { version: 1, tier: 2 } });
  t.equal(missing.statusCode, 404);
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
  t.equal((await as('finance', { method: 'GET', url: '/v1/young-people/not-a-uuid' })).statusCode, 400);
});

t.test('list filters by care state, tier and age at today, and pages with a total', async (t) => {
  const { as } = await buildTestApp(t);
  const today = new Date();
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth() + 1;
  // Ages chosen around the filter edges. Born this month N years ago: exactly N today.
  const people = [
    edgeOfCareRecord({ birthYear: year - 10, birthMonth: month, tier: 3 }),
    edgeOfCareRecord({ birthYear: year - 14, birthMonth: month, tier: 4 }),
    edgeOfCareRecord({ birthYear: year - 17, birthMonth: month, tier: 3 }),
    residentialRecord({ birthYear: year - 16, birthMonth: month }),
    residentialRecord({ birthYear: year - 13, birthMonth: month }),
    {
      ...edgeOfCareRecord({ birthYear: year - 21, birthMonth: month, careState: 'independent_neet', legalStatus: 'care_leaver', tier: 4 }),
    },
  ];
  // A 15-year-old whose 16th birthday is next month (or in January, in December): still 15.
  const nextMonthIndex = year * 12 + month; // zero-based month index of next month
  people.push(edgeOfCareRecord({ birthYear: Math.floor(nextMonthIndex / 12) - 16, birthMonth: (nextMonthIndex % 12) + 1 }));
  const ids: string[] = [];
  for (const person of people) {
    const response = await as('finance', { method: 'POST', url: '/v1/young-people', payload: person });
    t.equal(response.statusCode, 201);
    ids.push(response.json().id);
  }
  const list = async (query: string) => {
    const response = await as('commissioning', { method: 'GET', url: `/v1/young-people?${query}` });
    t.equal(response.statusCode, 200, query);
    return response.json() as { items: Array<{ id: string; ageYears: number; reference: string }>; total: number; limit: number; offset: number };
  };
  const idsOf = (page: { items: Array<{ id: string }> }) => page.items.map((i) => i.id).sort();

  t.equal((await list('')).total, 7);
  t.same(idsOf(await list('careState=residential')), [ids[3], ids[4]].sort());
  t.same(idsOf(await list('careState=residential&careState=independent_neet')), [ids[3], ids[4], ids[5]].sort());
  t.same(idsOf(await list('tier=3')), [ids[0], ids[2], ids[6]].sort());
  t.same(idsOf(await list('tier=3&tier=4&careState=edge_of_care')), [ids[0], ids[1], ids[2], ids[6]].sort());
  t.same(idsOf(await list('minAge=14&maxAge=16')), [ids[1], ids[3], ids[6]].sort(), 'edges are inclusive; 15 and 11 months is 15');
  t.same(idsOf(await list('minAge=16')), [ids[2], ids[3], ids[5]].sort());
  t.same(idsOf(await list('maxAge=10')), [ids[0]]);
  t.same((await list('maxAge=15&minAge=15')).items.map((i) => i.ageYears), [15]);

  const firstPage = await list('limit=3&offset=0');
  const secondPage = await list('limit=3&offset=3');
  const lastPage = await list('limit=3&offset=6');
  t.equal(firstPage.items.length, 3);
  t.equal(lastPage.items.length, 1);
  t.equal(firstPage.total, 7);
  t.equal(secondPage.offset, 3);
  const paged = [...firstPage.items, ...secondPage.items, ...lastPage.items].map((i) => i.reference);
  t.same(paged, [...paged].sort(), 'ordered by reference');
  t.equal(new Set(paged).size, 7, 'pages do not overlap');

  t.same(idsOf(await list(`reference=${encodeURIComponent(people[2].reference)}`)), [ids[2]]);

  const inverted = await as('finance', { method: 'GET', url: '/v1/young-people?minAge=16&maxAge=12' });
  t.equal(inverted.statusCode, 400);
  for (const bad of ['careState=castle', 'tier=5', 'minAge=-1', 'maxAge=26', 'limit=0', 'limit=501', 'colour=red', "careState=residential'%20OR%201=1--"]) {
    const response = await as('finance', { method: 'GET', url: `/v1/young-people?${bad}` });
    t.equal(response.statusCode, 400, bad);
    t.match(response.headers['content-type'], /application\/problem\+json/);
  }
});

t.test('erasure removes personal fields, keeps a coarse tombstone, and frees the reference', async (t) => {
  const { app, as } = await buildTestApp(t);
  const input = residentialRecord();
  const created = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: input })).json();
  const other = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord() })).json();

  const erased = await as('admin', { method: 'DELETE', url: `/v1/young-people/${created.id}` });
  t.equal(erased.statusCode, 200);
  const tombstone = erased.json();
  t.same(
    { ...tombstone, erasedAt: typeof tombstone.erasedAt },
    { id: created.id, erasedAt: 'string', birthYear: input.birthYear, careState: 'residential', tier: 4 },
  );

  const row = await app.db.selectFrom('young_people').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
  t.same(
    {
      reference: row.reference,
      birth_month: row.birth_month,
      sex: row.sex,
      legal_status: row.legal_status,
      needs_profile: row.needs_profile,
      placement: row.placement,
      services: row.services,
    },
    { reference: null, birth_month: null, sex: null, legal_status: null, needs_profile: {}, placement: null, services: [] },
    'nothing personal is left in the row',
  );
  t.same([row.birth_year, row.care_state, row.tier], [input.birthYear, 'residential', 4], 'the coarse fields stay');
  const counts = await app.db.selectFrom('young_people').select(['care_state']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('care_state').orderBy('care_state').execute();
  t.same(counts.map((c) => [c.care_state, Number(c.n)]), [['edge_of_care', 1], ['residential', 1]], 'counts by state include the tombstone');

  t.equal((await as('finance', { method: 'GET', url: `/v1/young-people/${created.id}` })).statusCode, 410);
  t.equal((await as('finance', { method: 'PATCH', url: `/v1/young-people/${created.id}`, payload: { version: 1, tier: 3 } })).statusCode, 410);
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/young-people/${created.id}` })).statusCode, 410);
  t.equal((await as('admin', { method: 'DELETE', url: '/v1/young-people/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
  const list = (await as('finance', { method: 'GET', url: '/v1/young-people' })).json();
  t.same(list.items.map((i: { id: string }) => i.id), [other.id], 'the erased record leaves lists');
  t.equal(list.total, 1);

  const reused = await as('finance', { method: 'POST', url: '/v1/young-people', payload: { ...input } });
  t.equal(reused.statusCode, 201, 'the reference can be used again');
  t.not(reused.json().id, created.id);

  const audit = (await as('admin', { method: 'GET', url: `/v1/audit-events?action=young_person.erase&resourceId=${created.id}` })).json();
  t.equal(audit.total, 1);
  t.equal(audit.items[0].actorRole, 'admin');
  t.same(audit.items[0].detail, {});
});

t.test('a duplicate reference is refused with 409 and stores nothing', async (t) => {
  const { app, as } = await buildTestApp(t);
  const reference = nextReference('DUP');
  t.equal((await as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ reference }) })).statusCode, 201);
  const again = await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialRecord({ reference }) });
  t.equal(again.statusCode, 409);
  t.notOk(again.body.includes(reference), 'the answer does not echo the reference');
  const count = await app.db.selectFrom('young_people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.equal(Number(count.n), 1);
  // Same reference sent twice at once: the database's unique constraint decides.
  const racing = await Promise.all([0, 1].map(() => as('finance', { method: 'POST', url: '/v1/young-people', payload: edgeOfCareRecord({ reference: `${reference}x` }) })));
  t.same(racing.map((r) => r.statusCode).sort(), [201, 409]);
});
