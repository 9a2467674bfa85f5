import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { AGENCIES, DEFAULT_CARE_STATES, LEGAL_STATUSES, PLACEMENT_PROVIDERS } from '../../src/catalog/vocabulary.ts';
import { PRIMARY_NEEDS, SEN_LEVELS, SEXES, type YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp } from '../helpers/app.ts';
import { recordPart } from './records.ts';

/**
 * Properties of the record schema through the API: any valid record comes back unchanged, and
 * any record made invalid in a known way is refused (4xx) without storing anything.
 */

const today = new Date();
const nowMonthIndex = today.getUTCFullYear() * 12 + today.getUTCMonth();
const DAY_MS = 86_400_000;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const money = (maxPounds: number) => fc.integer({ min: 0, max: maxPounds * 100 }).map((pence) => pence / 100);
const dateBetween = (fromMs: number, toMs: number) => fc.integer({ min: 0, max: Math.floor((toMs - fromMs) / DAY_MS) }).map((days) => isoDay(fromMs + days * DAY_MS));

const safeText = fc
  .tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), fc.string({ unit: 'grapheme', maxLength: 30 }))
  .map(([first, rest]) => first + rest)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is excluded.
  .filter((text) => text.length <= 100 && !/[\u0000-\u001f\u007f]/.test(text));

const service = fc
  .record(
    {
      name: safeText,
      weeklyCost: money(20_000),
      fundingAgency: fc.constantFrom(...AGENCIES),
      startDate: dateBetween(Date.UTC(2000, 0, 1), Date.UTC(2035, 0, 1)),
      endAfterDays: fc.integer({ min: 0, max: 4000 }),
    },
    { requiredKeys: ['name', 'weeklyCost', 'fundingAgency', 'startDate'], noNullPrototype: true },
  )
  .map(({ endAfterDays, ...rest }) => (endAfterDays === undefined ? rest : { ...rest, endDate: isoDay(Date.parse(rest.startDate) + endAfterDays * DAY_MS) }));

const needsProfile = fc.record(
  {
    primaryNeed: fc.constantFrom(...PRIMARY_NEEDS),
    disability: fc.boolean(),
    uasc: fc.boolean(),
    specialEducationalNeeds: fc.constantFrom(...SEN_LEVELS),
    mentalHealth: fc.boolean(),
    youthJusticeInvolvement: fc.boolean(),
    exploitationRisk: fc.boolean(),
  },
  { requiredKeys: [], noNullPrototype: true },
);

let runCounter = 0;

/** Any valid record on today's date: the age first, then a care state that fits it, then the rest. */
const validRecord: fc.Arbitrary<YoungPersonInputDto> = fc
  .integer({ min: 0, max: 25 * 12 + 11 })
  .chain((ageMonths) => {
    const birthIndex = nowMonthIndex - ageMonths;
    const birthYear = Math.floor(birthIndex / 12);
    const birthMonth = (birthIndex % 12) + 1;
    const age = Math.floor(ageMonths / 12);
    const fitting = DEFAULT_CARE_STATES.filter((s) => (s.minAgeYears ?? 0) <= age && age < (s.maxAgeYears ?? 99));
    return fc.constantFrom(...fitting).chain((state) =>
      fc.record(
        {
          reference: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/),
          birthYear: fc.constant(birthYear),
          birthMonth: fc.constant(birthMonth),
          sex: fc.constantFrom(...SEXES),
          legalStatus: fc.constantFrom(...LEGAL_STATUSES),
          tier: fc.integer({ min: 1, max: 4 }),
          careState: fc.constant(state.id),
          needsProfile,
          ...(state.placement
            ? {
                placement: fc.record(
                  {
                    type: fc.constant(state.id),
                    provider: fc.constantFrom(...PLACEMENT_PROVIDERS),
                    distanceFromHomeMiles: fc.integer({ min: 0, max: 10_000 }).map((tenths) => tenths / 10),
                    weeklyPrice: money(60_000),
                    // From the birthday of the state's minimum age (a placement may not start younger).
                    startDate: dateBetween(Date.UTC(birthYear + (state.minAgeYears ?? 0), birthMonth - 1, 1), Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())),
                  },
                  { requiredKeys: ['type', 'provider', 'weeklyPrice', 'startDate'], noNullPrototype: true },
                ),
              }
            : {}),
          services: fc.array(service, { maxLength: 4 }),
        },
        {
          requiredKeys: ['reference', 'birthYear', 'birthMonth', 'legalStatus', 'tier', 'careState', 'needsProfile', 'services', ...(state.placement ? (['placement'] as const) : [])],
          noNullPrototype: true,
        },
      ),
    ) as fc.Arbitrary<YoungPersonInputDto>;
  })
  // Unique per run, so runs never collide on the reference.
  .map((record) => ({ ...record, reference: `${record.reference}-r${++runCounter}` }));

type Mutable = Record<string, unknown> & { services: Array<Record<string, unknown>> };

/** Ways to break a valid record, each certainly invalid whatever the record. */
const mutations: Array<{ name: string; apply: (record: Mutable, pick: number) => void }> = [
  { name: 'tier out of 1-4', apply: (r, pick) => (r.tier = pick % 2 === 0 ? 0 : 5 + (pick % 10)) },
  { name: 'tier as text', apply: (r) => (r.tier = String(r.tier)) },
  { name: 'birth month 0 or 13+', apply: (r, pick) => (r.birthMonth = pick % 2 === 0 ? 0 : 13 + (pick % 5)) },
  { name: 'born in a future year', apply: (r, pick) => (r.birthYear = today.getUTCFullYear() + 1 + (pick % 5)) },
  { name: 'older than 25', apply: (r, pick) => (r.birthYear = today.getUTCFullYear() - 27 - (pick % 60)) },
  { name: 'an unknown field', apply: (r, pick) => (r[`extra${pick}`] = true) },
  { name: 'an unknown needs flag', apply: (r) => ((r.needsProfile as Record<string, unknown>).caseNotes = 'free text') },
  { name: 'a missing required field', apply: (r, pick) => delete r[['reference', 'birthYear', 'birthMonth', 'legalStatus', 'tier', 'careState', 'needsProfile', 'services'][pick % 8]] },
  { name: 'a reference starting with a formula character', apply: (r, pick) => (r.reference = `${'=+-@ '[pick % 5]}${r.reference}`) },
  {
    name: 'a negative price or cost',
    apply: (r, pick) => {
      if (r.placement) (r.placement as Record<string, unknown>).weeklyPrice = -1 - (pick % 1000);
      else r.services.push({ name: 'Mentoring', weeklyCost: -0.01 - pick, fundingAgency: 'health', startDate: '2024-01-01' });
    },
  },
  {
    name: 'a service name that is a formula',
    apply: (r, pick) => r.services.push({ name: `${'=+-@'[pick % 4]}SUM(A1:A9)`, weeklyCost: 1, fundingAgency: 'health', startDate: '2024-01-01' }),
  },
  {
    name: 'a service ending before it starts',
    apply: (r) => r.services.push({ name: 'Mentoring', weeklyCost: 1, fundingAgency: 'health', startDate: '2024-02-01', endDate: '2024-01-31' }),
  },
  {
    name: 'a care state that does not fit the age',
    apply: (r) => {
      const age = Math.floor((nowMonthIndex - ((r.birthYear as number) * 12 + (r.birthMonth as number) - 1)) / 12);
      // A state whose age range in the vocabulary leaves this age out (under 18: one for adults only;
      // 16- and 17-year-olds may already be care leavers, so a care-leaver state would be valid).
      const unfit = DEFAULT_CARE_STATES.find((s) => !s.placement && ((s.minAgeYears !== undefined && age < s.minAgeYears) || (s.maxAgeYears !== undefined && age >= s.maxAgeYears)));
      if (!unfit) throw new Error(`no care state leaves out age ${age}`);
      r.careState = unfit.id;
      delete r.placement;
    },
  },
  {
    name: 'a placement that does not match the care state',
    apply: (r) => {
      if (r.placement) delete r.placement;
      else r.placement = { type: 'residential', provider: 'private', weeklyPrice: 5000, startDate: isoDay(today.getTime()) };
    },
  },
];

t.test('any valid record round-trips unchanged through create and get', async (t) => {
  const { as } = await buildTestApp(t);
  await fc.assert(
    fc.asyncProperty(validRecord, async (record) => {
      const created = await as('finance', { method: 'POST', url: '/v1/young-people', payload: record });
      if (created.statusCode !== 201) throw new Error(`refused ${created.statusCode}: ${created.body}`);
      const read = await as('finance', { method: 'GET', url: `/v1/young-people/${created.json().id}` });
      // assert throws, so fast-check can shrink a failure to the smallest record that shows it.
      assert.deepStrictEqual(recordPart(created.json()), record);
      assert.deepStrictEqual(recordPart(read.json()), record);
    }),
    { numRuns: 80 },
  );
  t.pass('80 generated records came back unchanged');
});

t.test('any record broken in a known way is refused and nothing is stored', async (t) => {
  const { app, as } = await buildTestApp(t);
  await fc.assert(
    fc.asyncProperty(validRecord, fc.constantFrom(...mutations), fc.nat(1000), async (record, mutation, pick) => {
      const broken = structuredClone(record) as unknown as Mutable;
      mutation.apply(broken, pick);
      const response = await as('finance', { method: 'POST', url: '/v1/young-people', payload: broken });
      if (response.statusCode !== 400 && response.statusCode !== 422) {
        throw new Error(`${mutation.name}: expected 400 or 422, got ${response.statusCode}`);
      }
      if (!/application\/problem\+json/.test(String(response.headers['content-type']))) throw new Error('not problem+json');
    }),
    { numRuns: 100 },
  );
  const count = await app.db.selectFrom('young_people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.equal(Number(count.n), 0, 'nothing was stored');
});
