import t from 'tap';
import { addMonthsToIsoDate, DEMO_COHORT_AS_OF, generateDemoCohort } from '../../src/demo/generate-demo-cohort.ts';
import { loadDemoCohortIfEmpty } from '../../src/demo/load-demo-cohort.ts';
import { ADDED_CARE_LEAVERS_19_TO_21, generateDemoHistory } from '../../src/demo/generate-demo-history.ts';
import { buildTestApp } from '../helpers/app.ts';

const asOf = new Date(Date.UTC(DEMO_COHORT_AS_OF.year, DEMO_COHORT_AS_OF.month - 1, 1));

t.test('an empty database gets the whole cohort through the import, audited as the system; a second start adds nothing', async (t) => {
  const { app, as } = await buildTestApp(t);
  t.equal(await loadDemoCohortIfEmpty(app), 460);
  const listed = (await as('finance', { method: 'GET', url: '/v1/young-people?limit=1' })).json();
  t.equal(listed.total, 400 + ADDED_CARE_LEAVERS_19_TO_21, 'the cohort file and the care leavers aged 19-21 added beside it, open');
  const leavers = (await as('finance', { method: 'GET', url: '/v1/young-people?referenceContains=NV-L&limit=200' })).json();
  t.equal(leavers.total, ADDED_CARE_LEAVERS_19_TO_21);
  t.ok(leavers.items.every((p: { legalStatus: string; closedOn?: string }) => p.legalStatus === 'care_leaver' && p.closedOn === undefined), 'open care leavers');
  // The former children (cases closed in the window) are stored too, closed, each with its history.
  const former = generateDemoHistory().former;
  const closed = (await as('finance', { method: 'GET', url: '/v1/young-people?status=closed&limit=200' })).json();
  t.equal(closed.total, former.length);
  t.ok(closed.items.every((p: { reference: string; closedOn?: string }) => p.reference.startsWith('NV-F') && p.closedOn !== undefined));
  const oneFormer = former[0];
  // Dated like the cohort: moved by the months since the as-of date.
  const now = new Date();
  const moved = addMonthsToIsoDate(oneFormer.record.closedOn, now.getUTCFullYear() * 12 + now.getUTCMonth() - (DEMO_COHORT_AS_OF.year * 12 + DEMO_COHORT_AS_OF.month - 1));
  const stored = closed.items.find((p: { reference: string }) => p.reference === oneFormer.record.reference);
  t.match(stored, { closedOn: moved, closedReason: oneFormer.record.closedReason, careState: oneFormer.record.careState });
  const history = (await as('admin', { method: 'GET', url: `/v1/young-people/${stored.id}/history` })).json().items;
  t.equal(history.at(-1).endDate, moved, 'its history ends on the closing day');

  const imports = (await as('admin', { method: 'GET', url: '/v1/audit-events?action=young_person.import' })).json();
  t.equal(imports.total, 1);
  t.same(
    { name: imports.items[0].actorName, role: imports.items[0].actorRole, token: imports.items[0].actorTokenId, detail: imports.items[0].detail },
    { name: 'system', role: 'admin', token: null, detail: { source: 'demo', rows: 400 } },
  );
  t.equal((await as('admin', { method: 'GET', url: '/v1/audit-events?action=young_person.create&limit=1' })).json().total, 400);

  t.equal(await loadDemoCohortIfEmpty(app), 0, 'not loaded twice');
  const one = (await as('finance', { method: 'GET', url: '/v1/young-people?limit=1' })).json().items[0];
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/young-people/${one.id}` })).statusCode, 200);
  t.equal(await loadDemoCohortIfEmpty(app), 0, 'tombstones count as records: the demo never comes back over real work');
});

t.test('loaded later, every date moves by the months elapsed, so ages and durations are as generated', async (t) => {
  const { app } = await buildTestApp(t);
  const later = new Date(Date.UTC(DEMO_COHORT_AS_OF.year + 3, DEMO_COHORT_AS_OF.month - 1, 17));
  t.equal(await loadDemoCohortIfEmpty(app, { today: later }), 460);
  const generated = new Map([...generateDemoCohort(), ...generateDemoHistory().careLeavers.map((c) => c.record)].map((r) => [r.reference, r]));
  const rows = await app.db.selectFrom('young_people').selectAll().execute();
  let checked = 0;
  for (const row of rows) {
    const original = generated.get(row.reference as string);
    if (!original) continue;
    const shift = row.birth_year * 12 + (row.birth_month as number) - (original.birthYear * 12 + original.birthMonth);
    if (shift !== 36) t.fail(`${row.reference} moved ${shift} months`);
    const placement = row.placement as { startDate: string } | null;
    if (original.placement && placement?.startDate !== addMonthsToIsoDate(original.placement.startDate, 36)) t.fail(`${row.reference} placement start`);
    checked += 1;
  }
  t.equal(checked, 400 + ADDED_CARE_LEAVERS_19_TO_21, 'every record moved 36 months, the added care leavers too');
});

t.test('adding months to a date keeps the day where the month allows it', async (t) => {
  t.equal(addMonthsToIsoDate('2026-01-31', 1), '2026-02-28');
  t.equal(addMonthsToIsoDate('2028-01-31', 1), '2028-02-29');
  t.equal(addMonthsToIsoDate('2026-03-15', -3), '2025-12-15');
  t.equal(addMonthsToIsoDate('2026-10-31', 14), '2027-12-31');
  t.equal(addMonthsToIsoDate('2026-10-31', 0), '2026-10-31');
  t.equal(asOf.toISOString().slice(0, 10), '2026-11-01');
});
