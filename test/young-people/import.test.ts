import t from 'tap';
import { YOUNG_PEOPLE_CSV_COLUMNS, formatYoungPeopleCsv } from '../../src/services/young-people-import.ts';
import { buildTestApp } from '../helpers/app.ts';
import { edgeOfCareRecord, recordPart, residentialRecord } from './records.ts';

const year = new Date().getUTCFullYear();
const csv = { 'content-type': 'text/csv; charset=utf-8' };

async function storedCount(app: Awaited<ReturnType<typeof buildTestApp>>['app']): Promise<number> {
  const row = await app.db.selectFrom('young_people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

t.test('a file as Excel saves it is imported whole: BOM, CRLF, UK dates, £ amounts, any column order', async (t) => {
  const { as } = await buildTestApp(t);
  const file = [
    '\ufeffReference,Birth Year,birth_month,legal_status,tier,care_state,placement_type,placement_provider,placement_weekly_price,placement_start_date,placement_distance_miles,uasc,mental_health,primary_need,service1_name,service1_weekly_cost,service1_agency,service1_start,service1_end,service3_name,service3_weekly_cost,service3_agency,service3_start,sex',
    `NV-1,${year - 16},3,Care Order,4,residential,residential,private,"£6,450.00",15/06/${year - 1},38,no,yes,abuse_or_neglect,Therapeutic support,250,childrens_social_care,01/07/${year - 1},,CAMHS,£75.50,health,${year - 1}-09-01,male`,
    `NV-2,${year - 9},11,care_order,4,inhouse_foster,inhouse_foster,own_authority,520,${year - 2}-01-10,,,,,,,,,,,,,,female`,
    `NV-3,${year - 19},1,care_leaver,3,staying_put,,,,,,yes,,absent_parenting,Staying put allowance,285.5,childrens_social_care,${year - 1}-02-01,${year + 1}-01-31,,,,,`,
    '',
  ].join('\r\n');
  const response = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: file, headers: csv });
  t.equal(response.statusCode, 201);
  const result = response.json();
  t.equal(result.imported, 3);
  t.same(result.items.map((i: { row: number; reference: string }) => [i.row, i.reference]), [[1, 'NV-1'], [2, 'NV-2'], [3, 'NV-3']]);

  const first = (await as('finance', { method: 'GET', url: `/v1/young-people/${result.items[0].id}` })).json();
  t.same(recordPart(first), {
    reference: 'NV-1',
    birthYear: year - 16,
    birthMonth: 3,
    sex: 'male',
    legalStatus: 'care_order',
    tier: 4,
    careState: 'residential',
    needsProfile: { uasc: false, mentalHealth: true, primaryNeed: 'abuse_or_neglect' },
    placement: { type: 'residential', provider: 'private', weeklyPrice: 6450, startDate: `${year - 1}-06-15`, distanceFromHomeMiles: 38 },
    services: [
      { name: 'Therapeutic support', weeklyCost: 250, fundingAgency: 'childrens_social_care', startDate: `${year - 1}-07-01` },
      { name: 'CAMHS', weeklyCost: 75.5, fundingAgency: 'health', startDate: `${year - 1}-09-01` },
    ],
  });
  const third = (await as('finance', { method: 'GET', url: `/v1/young-people/${result.items[2].id}` })).json();
  t.notOk('placement' in third, 'a care leaver has no placement');
  t.same(third.services[0].endDate, `${year + 1}-01-31`);

  const audit = (await as('admin', { method: 'GET', url: '/v1/audit-events?resourceType=young_person' })).json();
  t.same(
    audit.items.map((e: { action: string }) => e.action),
    ['young_person.import', 'young_person.create', 'young_person.create', 'young_person.create'],
  );
  t.same(audit.items[0].detail, { source: 'csv_import', rows: 3 });
  t.equal(audit.items[0].actorRole, 'finance');
  t.notOk(JSON.stringify(audit.items).includes('NV-'), 'no reference in the audit log');
});

t.test('a file with bad rows stores nothing and reports every bad row by row and column', async (t) => {
  const { app, as } = await buildTestApp(t);
  const stored = edgeOfCareRecord({ reference: 'TAKEN-1' });
  t.equal((await as('finance', { method: 'POST', url: '/v1/young-people', payload: stored })).statusCode, 201);

  const header = 'reference,birth_year,birth_month,legal_status,tier,care_state,placement_type,placement_provider,placement_weekly_price,placement_start_date,disability,service1_name,service1_weekly_cost,service1_agency,service1_start,service2_name,service2_weekly_cost,service2_agency,service2_start';
  const ok = (ref: string) => `${ref},${year - 12},5,not_looked_after,3,edge_of_care,,,,,,,,,,,,,`;
  const rows = [
    ok('GOOD-1'), // 1
    `BAD-2,${year - 12},5,not_looked_after,five,edge_of_care,,,,,,,,,,,,,`, // 2: tier not a number
    `BAD-3,${year - 12},5,not_looked_after,3,edge_of_care,,,,,,"=HYPERLINK(""http://evil"")",10,health,${year - 1}-01-01,,,,`, // 3: formula
    ok('GOOD-1'), // 4: duplicate of row 1
    ok('TAKEN-1'), // 5: already stored
    `BAD-6,${year - 15},5,care_leaver,4,independent_eet,,,,,,,,,,,,,`, // 6: care leaver state at 15
    `BAD-7,${year - 14},5,care_order,4,residential,residential,private,,${year - 1}-03-01,,,,,,,,,`, // 7: no weekly price
    `BAD-8,${year - 14},5,care_order,4,ifa_foster,ifa_foster,private,-950,${year - 1}-03-01,maybe,,,,,Mentoring,-1,welfare,31/02/${year - 1}`, // 8: three problems
    `BAD-9,${year - 30},5,not_looked_after,3,edge_of_care,,,,,,,,,,,,,`, // 9: aged 30
    ok('GOOD-10'), // 10
    `BAD 11,${year - 12},5,not_looked_after,3,edge_of_care,,,,,,,,,,,,,`, // 11: space in reference
    `-12,${year - 12},5,not_looked_after,3,edge_of_care,,,,,,,,,,,,,`, // 12: formula-like reference
  ];
  const response = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: `${header}\n${rows.join('\n')}\n`, headers: csv });
  t.equal(response.statusCode, 422);
  t.match(response.headers['content-type'], /application\/problem\+json/);
  const problem = response.json();
  t.match(problem.detail, /^10 rows cannot be imported, so nothing was stored/);
  t.same(
    problem.errors.map((e: { row: number; field: string }) => [e.row, e.field]),
    [
      [2, 'tier'],
      [3, 'service1_name'],
      [4, 'reference'],
      [5, 'reference'],
      [6, 'care_state'],
      [7, 'placement_weekly_price'],
      [8, 'placement_weekly_price'],
      [8, 'disability'],
      [8, 'service2_weekly_cost'],
      [8, 'service2_start'],
      [9, 'birth_year'],
      [11, 'reference'],
      [12, 'reference'],
    ],
    'by row, then in column order',
  );
  const reasons = Object.fromEntries(problem.errors.map((e: { row: number; field: string; reason: string }) => [`${e.row}:${e.field}`, e.reason]));
  t.equal(reasons['2:tier'], 'must be a whole number');
  t.match(reasons['3:service1_name'], /formula/);
  t.equal(reasons['4:reference'], 'repeats the reference of row 1');
  t.equal(reasons['5:reference'], 'is already used by a stored record');
  t.match(reasons['6:care_state'], /independent_eet is for ages 16 and over; this young person is 15/);
  t.equal(reasons['7:placement_weekly_price'], 'is required');
  t.equal(reasons['8:disability'], 'must be yes or no');
  t.equal(reasons['8:service2_start'], 'must be a date, YYYY-MM-DD (e.g. 2026-04-01)');
  t.equal(reasons['8:placement_weekly_price'], 'must be at least 0');
  t.match(reasons['9:birth_year'], /age of 30/);
  t.match(reasons['12:reference'], /formula/);
  t.equal(await storedCount(app), 1, 'nothing from the file was stored');

  const onlyTaken = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: `${header}\n${ok('NEW-1')}\n${ok('TAKEN-1')}\n`, headers: csv });
  t.equal(onlyTaken.statusCode, 422);
  t.same(onlyTaken.json().errors, [{ row: 2, field: 'reference', reason: 'is already used by a stored record' }]);
  t.equal(await storedCount(app), 1);
});

t.test('header problems, malformed CSV, empty files, other content types and oversized files are refused', async (t) => {
  const { app, as } = await buildTestApp(t, { uploadLimitBytes: 2048 });
  const post = (payload: string, headers: Record<string, string> = csv) => as('finance', { method: 'POST', url: '/v1/young-people/import', payload, headers });

  const header = await post('reference,birth_year,tier,care_state,colour,reference\nA,2010,3,home,red,A\n');
  t.equal(header.statusCode, 422);
  t.same(
    header.json().errors.map((e: { field: string; reason: string }) => `${e.field}: ${e.reason}`),
    ['colour: is not a known column', 'reference: appears twice in the header', 'birth_month: is a required column', 'legal_status: is a required column'],
  );

  const malformed = await post(`reference,birth_year\n"unterminated,${year}\n`);
  t.equal(malformed.statusCode, 400);
  t.notOk(malformed.body.includes('unterminated'), 'cell values are not echoed');

  t.equal((await post('')).statusCode, 422, 'an empty file has no header');
  t.equal((await post('\n\n')).statusCode, 422);
  t.equal((await post(`${YOUNG_PEOPLE_CSV_COLUMNS.map((c) => c.name).join(',')}\n`)).statusCode, 422, 'a header alone has no rows');
  const tooWide = await post(`reference,birth_year,birth_month,legal_status,tier,care_state\nW-1,${year - 12},5,not_looked_after,3,edge_of_care,extra\n`);
  t.same(tooWide.json().errors, [{ row: 1, field: '(row)', reason: 'has 7 cells but the header has 6 columns' }]);

  const json = await post(JSON.stringify({ reference: 'A' }), { 'content-type': 'application/json' });
  t.equal(json.statusCode, 415);
  const multipart = await post('--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' });
  t.equal(multipart.statusCode, 415);

  const records = Array.from({ length: 20 }, () => residentialRecord());
  const big = formatYoungPeopleCsv(records);
  t.ok(big.length > 2048);
  const oversized = await post(big);
  t.equal(oversized.statusCode, 413);
  t.match(oversized.headers['content-type'], /application\/problem\+json/);
  t.match(oversized.json().detail, /at most 2048 bytes/, 'the detail gives the upload limit, not the general one (review of 1 December)');
  t.equal(await storedCount(app), 0);
});

t.test('header problems are capped as the rows’ are, with the total (200,000 unknown columns: main answered all 200,005, 11 MB)', async (t) => {
  const { app, as } = await buildTestApp(t);
  const wide = await as('finance', { method: 'POST', url: '/v1/young-people/import', headers: csv, payload: `${Array.from({ length: 200_000 }, () => 'x').join(',')}\nA\n` });
  t.equal(wide.statusCode, 422);
  // 200,000 unknown, and the six required columns missing.
  t.equal(wide.json().detail, 'The header row is not right; no row was read (the first 1000 of 200006 problems are listed)');
  t.equal(wide.json().errors.length, 1000);
  t.same(wide.json().errors[0], { field: 'x', reason: 'is not a known column' });
  t.ok(wide.body.length < 100_000, `a small answer (${wide.body.length} bytes)`);
  t.equal(await storedCount(app), 0);
});

t.test('what formatYoungPeopleCsv writes, the import reads back unchanged', async (t) => {
  const { as } = await buildTestApp(t);
  const records = [
    residentialRecord(),
    edgeOfCareRecord({ sex: 'female', needsProfile: { uasc: true, disability: false, specialEducationalNeeds: 'sen_support' } }),
    edgeOfCareRecord({ services: [] }),
  ];
  records[0].services[0].name = 'Support, "intensive"';
  const response = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: formatYoungPeopleCsv(records), headers: csv });
  t.equal(response.statusCode, 201);
  const listed = (await as('finance', { method: 'GET', url: '/v1/young-people?limit=10' })).json();
  const byReference = new Map(listed.items.map((i: Record<string, unknown>) => [i.reference, recordPart(i)]));
  for (const record of records) t.same(byReference.get(record.reference), record, record.reference);
});

t.test('team (id or name) and key_worker columns: read back through formatYoungPeopleCsv; an unknown team is refused naming the row and column', async (t) => {
  const { app, as } = await buildTestApp(t);
  const north = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North CLA', service: 'children_looked_after' } })).json().id as string;
  const edge = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Edge of care', service: 'edge_of_care' } })).json().id as string;
  // The round trip: format writes the team's id and the key worker; the import stores both.
  const records = [residentialRecord({ teamId: north, keyWorkerReference: 'KW0412' }), edgeOfCareRecord({ teamId: edge }), edgeOfCareRecord({ keyWorkerReference: 'KW0007' })];
  const text = formatYoungPeopleCsv(records);
  t.match(text.split('\n')[0], /,team,key_worker,entry_to_care$/);
  const response = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: text, headers: csv });
  t.equal(response.statusCode, 201, response.body);
  const listed = (await as('finance', { method: 'GET', url: '/v1/young-people?limit=10' })).json();
  const byReference = new Map(listed.items.map((i: Record<string, unknown>) => [i.reference, recordPart(i)]));
  for (const record of records) t.same(byReference.get(record.reference), record, record.reference);
  t.equal((await as('finance', { method: 'GET', url: `/v1/young-people?team=${north}` })).json().total, 1);

  // By name, exactly or ignoring case; a header spelt keyWorker as the JSON field.
  const a = edgeOfCareRecord();
  const b = edgeOfCareRecord();
  const named = await as('finance', {
    method: 'POST',
    url: '/v1/young-people/import',
    headers: csv,
    payload: `reference,birth_year,birth_month,legal_status,tier,care_state,team,keyWorker\n${a.reference},${a.birthYear},1,not_looked_after,3,edge_of_care,Edge of care, kw-123 \n${b.reference},${b.birthYear},1,not_looked_after,3,edge_of_care,north cla,\n`,
  });
  t.equal(named.statusCode, 201, named.body);
  const stored = (await as('finance', { method: 'GET', url: `/v1/young-people?reference=${a.reference}` })).json().items[0];
  t.match(stored, { teamId: edge, keyWorkerReference: 'KW123' }, 'the key worker stored canonical');
  t.equal((await as('finance', { method: 'GET', url: `/v1/young-people?reference=${b.reference}` })).json().items[0].teamId, north);

  // An unknown team, and a key worker that is a name: 422 naming row and column; nothing stored.
  const before = await storedCount(app);
  const c = edgeOfCareRecord();
  const d = edgeOfCareRecord();
  const bad = await as('finance', {
    method: 'POST',
    url: '/v1/young-people/import',
    headers: csv,
    payload: `reference,birth_year,birth_month,legal_status,tier,care_state,team,key_worker\n${c.reference},${c.birthYear},1,not_looked_after,3,edge_of_care,South,\n${d.reference},${d.birthYear},1,not_looked_after,3,edge_of_care,,JOHN-1\n`,
  });
  t.equal(bad.statusCode, 422);
  t.match(bad.headers['content-type'], /application\/problem\+json/);
  t.same(
    bad.json().errors.map((e: { row: number; field: string }) => [e.row, e.field]),
    [
      [1, 'team'],
      [2, 'key_worker'],
    ],
  );
  t.match(bad.json().errors[0].reason, /names no team/);
  t.equal(await storedCount(app), before);
});

t.test('numbers are decimal only: 0x10, 1e1 and Infinity refused naming row and column (Number() would take them)', async (t) => {
  const { as } = await buildTestApp(t);
  const file = [
    'reference,birth_year,birth_month,legal_status,tier,care_state,placement_type,placement_provider,placement_weekly_price,placement_start_date,placement_distance_miles',
    `HX-1,${year - 16},3,care_order,0x4,residential,residential,private,6450,${year - 1}-06-15,0x10`,
    `HX-2,${year - 16},3,care_order,4,residential,residential,private,1e3,${year - 1}-06-15,Infinity`,
    '',
  ].join('\n');
  const response = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: file, headers: csv });
  t.equal(response.statusCode, 422);
  t.same(
    response.json().errors.map((e: { row: number; field: string; reason: string }) => [e.row, e.field, e.reason]),
    [
      [1, 'tier', 'must be a whole number'],
      [1, 'placement_distance_miles', 'must be a number, e.g. 1234.50'],
      [2, 'placement_distance_miles', 'must be a number, e.g. 1234.50'],
      [2, 'placement_weekly_price', 'must be a number, e.g. 1234.50'],
    ],
    'by row, then in the import’s column order',
  );
});

t.test('each imported young person gets the first history episode a one-at-a-time create gives', async (t) => {
  const { as } = await buildTestApp(t);
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North CLA', service: 'children_looked_after' } })).json().id as string;
  const today = new Date().toISOString().slice(0, 10);
  const header = 'reference,birth_year,birth_month,legal_status,tier,care_state,placement_type,placement_provider,placement_weekly_price,placement_start_date,placement_distance_miles,team';
  const file = [header, `IMP-1,${year - 15},1,care_order,4,residential,residential,private,6123.45,${year - 1}-06-15,42.5,North CLA`, `IMP-2,${year - 12},1,not_looked_after,3,edge_of_care,,,,,,`, ''].join('\n');
  const imported = await as('finance', { method: 'POST', url: '/v1/young-people/import', payload: file, headers: csv });
  t.equal(imported.statusCode, 201);
  const [a, b] = imported.json().items.map((i: { id: string }) => i.id);

  // The same two records, created one at a time.
  const placement = { type: 'residential', provider: 'private', weeklyPrice: 6123.45, startDate: `${year - 1}-06-15`, distanceFromHomeMiles: 42.5 } as const;
  const one = { reference: 'ONE-1', birthYear: year - 15, birthMonth: 1, legalStatus: 'care_order', tier: 4, careState: 'residential', needsProfile: {}, placement, services: [], teamId: team } as const;
  const two = { reference: 'ONE-2', birthYear: year - 12, birthMonth: 1, legalStatus: 'not_looked_after', tier: 3, careState: 'edge_of_care', needsProfile: {}, services: [] } as const;
  const c = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: one })).json().id as string;
  const d = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: two })).json().id as string;

  const history = async (id: string) => {
    const res = await as('finance', { method: 'GET', url: `/v1/young-people/${id}/history` });
    t.equal(res.statusCode, 200);
    return res.json().items.map(({ id: _id, ...episode }: { id: string }) => episode);
  };
  // Hand-worked: the placement's start (it has begun), its price and distance, the team named in the file; today for no placement.
  // keyWorkerReference null: the record had none when the episode began (issue 17 finding 2).
  const placed = [{ startDate: `${year - 1}-06-15`, careState: 'residential', newPlacement: true, distanceFromHomeMiles: 42.5, weeklyPrice: 6123.45, teamId: team, keyWorkerReference: null }];
  const atHome = [{ startDate: today, careState: 'edge_of_care', newPlacement: false, keyWorkerReference: null }];
  t.same(await history(a), placed);
  t.same(await history(c), placed, 'the one-at-a-time create gives the same episode');
  t.same(await history(b), atHome);
  t.same(await history(d), atHome);
});
