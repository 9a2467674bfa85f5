import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { nextReference } from '../young-people/records.ts';

/**
 * A record change through PATCH is held to the age rules a history is held to (PUT
 * /v1/young-people/{id}/history and the CSV history import: every episode within its care state's
 * ages, none before the month of birth). Before, a back-dated placement opened an episode of
 * supported accommodation at 15, and a new date of birth could leave past episodes outside their
 * states' ages; both were stored (200).
 *
 * Dates are months before today's (m0: this month, as year × 12 + month − 1), so the ages below hold
 * whatever day the test runs; birthdays are the first of the birth month.
 */

const now = new Date();
const m0 = now.getUTCFullYear() * 12 + now.getUTCMonth();
const pad = (n: number) => String(n).padStart(2, '0');
/** The day `day` of month index `m` (year × 12 + month − 1), YYYY-MM-DD. */
const iso = (m: number, day = 1) => `${Math.floor(m / 12)}-${pad((m % 12) + 1)}-${pad(day)}`;
const born = (m: number) => ({ birthYear: Math.floor(m / 12), birthMonth: (m % 12) + 1 });

async function create(as: TestApp['as'], record: Record<string, unknown>) {
  const response = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json();
}

const history = async (as: TestApp['as'], id: string) => (await as('admin', { method: 'GET', url: `/v1/young-people/${id}/history` })).json().items;

// 16 years and 3 months old today: the 16th birthday was the first of month m0 − 3.
const sixteen = born(m0 - (16 * 12 + 3));
const birthday16 = iso(m0 - 3);
const supported = (startDate: string) => ({ type: 'supported_accommodation', provider: 'private', distanceFromHomeMiles: 6, weeklyPrice: 1400, startDate });

t.test('PATCH into supported accommodation from a day before the 16th birthday: 422 naming body/placement/startDate, nothing stored', async (t) => {
  const { as } = await buildTestApp(t);
  // In a children's home since the 10th of month m0 − 8 (aged 15; no minimum age).
  const person = await create(as, {
    reference: nextReference(),
    ...sixteen,
    legalStatus: 'care_order',
    tier: 4,
    careState: 'residential',
    needsProfile: {},
    placement: { type: 'residential', provider: 'private', distanceFromHomeMiles: 30, weeklyPrice: 5000, startDate: iso(m0 - 8, 10) },
    services: [],
  });
  const before = await history(as, person.id);
  t.match(before, [{ startDate: iso(m0 - 8, 10), careState: 'residential' }]);
  const move = (startDate: string) =>
    as('admin', { method: 'PATCH', url: `/v1/young-people/${person.id}`, payload: { version: person.version, careState: 'supported_accommodation', placement: supported(startDate) } });

  // The 15th of month m0 − 5: aged 15 (16 today, so the record's own age rule passes; main: 200,
  // and the history held supported accommodation from 15, which PUT .../history refuses).
  const early = await move(iso(m0 - 5, 15));
  t.equal(early.statusCode, 422);
  t.match(early.headers['content-type'], /application\/problem\+json/);
  t.same(early.json().errors, [
    { field: 'body/placement/startDate', reason: `is before the 16th birthday (${birthday16}): supported_accommodation is for ages 16 and over, and this placement would start at age 15` },
  ]);
  // The last day before the birthday: still 15.
  const dayBefore = await move(new Date(Date.parse(`${birthday16}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10));
  t.equal(dayBefore.statusCode, 422, 'the day before the 16th birthday');
  t.equal(dayBefore.json().errors[0].field, 'body/placement/startDate');
  // Nothing stored by either refusal.
  const stored = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}` })).json();
  t.equal(stored.version, person.version);
  t.equal(stored.careState, 'residential');
  t.same(await history(as, person.id), before);

  // From the birthday itself: allowed, and the history says so.
  const onBirthday = await move(birthday16);
  t.equal(onBirthday.statusCode, 200);
  t.match(await history(as, person.id), [
    { startDate: iso(m0 - 8, 10), endDate: birthday16, careState: 'residential' },
    { startDate: birthday16, careState: 'supported_accommodation', newPlacement: true },
  ]);
});

t.test('POST and the CSV import: a supported-accommodation placement begun before 16 is refused too, naming the field or column', async (t) => {
  const { as } = await buildTestApp(t);
  const record = { reference: nextReference(), ...sixteen, legalStatus: 'section_20', tier: 4, careState: 'supported_accommodation', needsProfile: {}, placement: supported(iso(m0 - 5, 15)), services: [] };
  const posted = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  t.equal(posted.statusCode, 422, 'main: 201, with a first episode from age 15');
  t.same(posted.json().errors, [
    { field: 'body/placement/startDate', reason: `is before the 16th birthday (${birthday16}): supported_accommodation is for ages 16 and over, and this placement would start at age 15` },
  ]);
  const csv = [
    'reference,birth_year,birth_month,legal_status,tier,care_state,placement_type,placement_provider,placement_weekly_price,placement_start_date',
    `${nextReference()},${sixteen.birthYear},${sixteen.birthMonth},section_20,4,supported_accommodation,supported_accommodation,private,1400,${iso(m0 - 5, 15)}`,
    `${nextReference()},${sixteen.birthYear},${sixteen.birthMonth},section_20,4,supported_accommodation,supported_accommodation,private,1400,${birthday16}`,
  ].join('\n');
  const imported = await as('admin', { method: 'POST', url: '/v1/young-people/import', headers: { 'content-type': 'text/csv' }, payload: `${csv}\n` });
  t.equal(imported.statusCode, 422);
  t.same(imported.json().errors, [
    { row: 1, field: 'placement_start_date', reason: `is before the 16th birthday (${birthday16}): supported_accommodation is for ages 16 and over, and this placement would start at age 15` },
  ]);
  t.equal((await as('admin', { method: 'GET', url: '/v1/young-people' })).json().total, 0, 'nothing stored');
});

t.test('PATCH of the date of birth: 422 naming it when a past episode falls outside its state’s ages; nothing stored', async (t) => {
  const { as } = await buildTestApp(t);
  // 19 years and 2 months old today: the 18th birthday was the first of month m0 − 14. In-house
  // foster care from m0 − 60 to that birthday, then independent and in education or work.
  const b = m0 - (19 * 12 + 2);
  const person = await create(as, { reference: nextReference(), ...born(b), legalStatus: 'care_leaver', tier: 2, careState: 'independent_eet', needsProfile: {}, services: [] });
  const put = await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${person.id}/history`,
    payload: {
      episodes: [
        { startDate: iso(m0 - 60), endDate: iso(m0 - 14), careState: 'inhouse_foster', exitReason: 'age_18_or_over' },
        { startDate: iso(m0 - 14), careState: 'independent_eet' },
      ],
    },
  });
  t.equal(put.statusCode, 200, put.body);
  const before = await history(as, person.id);
  const patch = (dob: Record<string, number>) => as('admin', { method: 'PATCH', url: `/v1/young-people/${person.id}`, payload: { version: person.version, ...dob } });
  const tail = `; correct the history first (PUT /v1/young-people/${person.id}/history) so that it holds for both dates of birth`;

  // Born a year earlier: 18 on the first of m0 − 26, so the foster episode runs 12 months past it
  // (its last day, in month m0 − 15, at 18). The record itself is fine: independent_eet at 20.
  const older = await patch({ birthYear: born(b).birthYear - 1 });
  t.equal(older.statusCode, 422, 'main: 200');
  t.match(older.headers['content-type'], /application\/problem\+json/);
  t.same(older.json().errors, [
    {
      field: 'body/birthYear',
      reason: `puts history episode 0 (inhouse_foster from ${iso(m0 - 60)} to ${iso(m0 - 14)}) outside its rules: inhouse_foster is for ages under 18; this episode runs to ${iso(m0 - 14)}, reaching age 18 (it may end on the 18th birthday, ${iso(m0 - 26)}, at the latest)${tail}`,
    },
  ]);

  // Born three years later: 16 today (16th birthday the first of m0 − 2), so independent living
  // from m0 − 14 began at 15; the foster episode (from 11 to 15) is within its ages.
  const younger = await patch({ birthYear: born(b).birthYear + 3 });
  t.equal(younger.statusCode, 422, 'main: 200');
  t.same(younger.json().errors, [
    {
      field: 'body/birthYear',
      reason: `puts history episode 1 (independent_eet from ${iso(m0 - 14)}) outside its rules: independent_eet is for ages 16 and over; this episode starts on ${iso(m0 - 14)}, at age 15 (the 16th birthday is ${iso(m0 - 2)})${tail}`,
    },
  ]);

  // Nothing stored by either.
  const stored = (await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}` })).json();
  t.same([stored.version, stored.birthYear, stored.birthMonth], [person.version, born(b).birthYear, born(b).birthMonth]);
  t.same(await history(as, person.id), before);

  // A month later (18 on the first of m0 − 13, the foster episode ends before it): allowed.
  const later = await patch(born(b + 1));
  t.equal(later.statusCode, 200, later.body);
  t.same(await history(as, person.id), before, 'the history unchanged');
});

t.test('PATCH of the date of birth: an episode that already broke a rule (a history stored before the rule) does not stop it', async (t) => {
  const { app, as } = await buildTestApp(t);
  const b = m0 - (19 * 12 + 2); // 18th birthday the first of m0 − 14, as above
  const person = await create(as, { reference: nextReference(), ...born(b), legalStatus: 'care_leaver', tier: 2, careState: 'independent_eet', needsProfile: {}, services: [] });
  const put = await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${person.id}/history`,
    payload: {
      episodes: [
        { startDate: iso(m0 - 60), endDate: iso(m0 - 14), careState: 'inhouse_foster', exitReason: 'age_18_or_over' },
        { startDate: iso(m0 - 14), careState: 'independent_eet' },
      ],
    },
  });
  t.equal(put.statusCode, 200, put.body);
  // Written as an older version could: foster care on to m0 − 10, four months past the 18th birthday.
  await app.db.updateTable('care_episodes').set({ end_date: iso(m0 - 10) }).where('young_person_id', '=', person.id).where('care_state', '=', 'inhouse_foster').execute();
  await app.db.updateTable('care_episodes').set({ start_date: iso(m0 - 10) }).where('young_person_id', '=', person.id).where('care_state', '=', 'independent_eet').execute();
  // A month later or earlier: the foster episode still runs past the 18th birthday, as it did.
  const later = await as('admin', { method: 'PATCH', url: `/v1/young-people/${person.id}`, payload: { version: person.version, ...born(b + 1) } });
  t.equal(later.statusCode, 200, later.body);
  // Three years later, independent living (from m0 − 10) begins at 15: that is new, so refused.
  const younger = await as('admin', { method: 'PATCH', url: `/v1/young-people/${person.id}`, payload: { version: later.json().version, birthYear: born(b + 1).birthYear + 3 } });
  t.equal(younger.statusCode, 422);
  t.same(
    younger.json().errors.map((e: { field: string; reason: string }) => [e.field, e.reason.slice(0, e.reason.indexOf(')') + 1)]),
    [['body/birthYear', `puts history episode 1 (independent_eet from ${iso(m0 - 10)})`]],
  );
});
