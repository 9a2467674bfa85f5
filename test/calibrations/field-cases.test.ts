import t from 'tap';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { DEFAULT_MAPPING, mergeMapping } from '../../src/calibration/mapping.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { caseFiles, caseNames, caseOverride, england } from '../calibration/field-cases.ts';
import { multipartForm } from './forms.ts';

/**
 * Every SSDA903 case from the field through the API, on whichever back end the suite runs
 * (PGlite, or PostgreSQL with DATABASE_URL): the 202 answer's summary, the job, the stored
 * calibration's figures (equal to the core's, which test/calibration/field-cases.test.ts checks
 * against each NOTE), and the list of calibrations still readable afterwards. Uploads with
 * nothing usable answer 422 (at once, or as the job's error) with the cleaning report in the
 * errors, and publish no model.
 */

async function post(test: TestApp, name: string) {
  const override = caseOverride(name);
  const form = await multipartForm(
    caseFiles(name).map((f) => ({ name: f.name, content: f.buffer })),
    { modelId: `case-${name}`.slice(0, 64), backtestYear: 'none', ...(override ? { mapping: JSON.stringify(override) } : {}) },
  );
  return test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form });
}

async function core(name: string) {
  const override = caseOverride(name);
  const mapping = override ? mergeMapping(DEFAULT_MAPPING, override) : DEFAULT_MAPPING;
  const imported = await importSsda903(caseFiles(name), { mapping });
  return { imported, result: calibrate(imported, { priorModel: england, mapping }) };
}

t.test('every field case through the API: the same figures as the core, stored and listed', async (t) => {
  const test = await buildTestApp(t);
  const refusedAtOnce = new Set(['short-breaks']);
  let published = 0;
  for (const name of caseNames()) {
    const response = await post(test, name);
    if (refusedAtOnce.has(name)) {
      t.equal(response.statusCode, 422, `${name}: 422 at once`);
      const problem = response.json();
      t.match(problem.detail, /No usable episodes/, `${name}: the reason`);
      t.ok(
        problem.errors.some((e: { field: string }) => e.field === 'cleaning/short_break'),
        `${name}: the cleaning report is readable in the answer`,
      );
      continue;
    }
    t.equal(response.statusCode, 202, `${name}: ${response.body.slice(0, 300)}`);
    const accepted = response.json();
    const { imported, result } = await core(name);
    t.match(
      accepted.importSummary,
      {
        children: imported.report.totals.children,
        episodes: imported.report.totals.episodes,
        returnYears: imported.returnYears,
        tablesSkipped: imported.report.skippedTables,
        shortBreaks: imported.report.totals.shortBreaks,
        unobserved: imported.report.totals.unobserved,
        warnings: imported.report.warnings,
      },
      `${name}: the 202 answer summarises the import`,
    );
    t.equal(accepted.importSummary.tablesUsed.length, imported.report.files.length, `${name}: tables used`);
    await test.app.jobs.settledWithin(accepted.id, 120_000);
    const job = (await test.as('commissioning', { method: 'GET', url: `/v1/jobs/${accepted.id}` })).json();
    t.equal(job.status, 'succeeded', `${name}: ${JSON.stringify(job.error)?.slice(0, 300)}`);
    // Read by a role with individual access: the figures as computed (the board's are protected: test/system/disclosure.test.ts).
    const calibration = (await test.as('commissioning', { method: 'GET', url: job.result.href })).json();
    t.same(calibration.report.headline, result.report.headline, `${name}: the stored headline is the core's`);
    t.same(calibration.cleaning.totals, imported.report.totals, `${name}: the stored totals are the core's`);
    t.same(calibration.cleaning.counts, imported.report.counts, `${name}: the stored cleaning counts are the core's`);
    published += 1;
  }
  const list = await test.as('board', { method: 'GET', url: '/v1/calibrations?limit=100' });
  t.equal(list.statusCode, 200);
  t.equal(list.json().total, published, 'one calibration per published case, and nothing for the refused');
});

// Since mapping 1.1.0 (issue 11) the default table gives Z11-Z14 a state (other_placement); an
// authority's table that gives them none censors every month of this case.
t.test('placement-codes-2025-26 with Z11-Z13 given no state: the job fails with 422, no model is published', async (t) => {
  const test = await buildTestApp(t);
  const censoring = { placements: { Z11: { state: null }, Z12: { state: null }, Z13: { state: null } } };
  const form = await multipartForm(
    caseFiles('placement-codes-2025-26').map((f) => ({ name: f.name, content: f.buffer })),
    { backtestYear: 'none', mapping: JSON.stringify(censoring) },
  );
  const response = await test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form });
  t.equal(response.statusCode, 202);
  t.same(response.json().importSummary.unobserved, { episodes: 3, personMonths: 33, entries: 3 }, 'the summary says what no state can be given to');
  await test.app.jobs.settledWithin(response.json().id, 120_000);
  const job = (await test.as('commissioning', { method: 'GET', url: `/v1/jobs/${response.json().id}` })).json();
  t.equal(job.status, 'failed');
  t.equal(job.error.status, 422);
  t.match(job.error.detail, /Nothing was observed/);
  t.ok(job.error.errors.some((e: { field: string }) => e.field === 'cleaning/unmapped_placement'), 'the cleaning report is readable in the job’s error');
  t.equal(test.app.catalog.list().length, 1, 'no model joined the catalog');
  const stored = await test.app.db.selectFrom('stored_models').select('id').execute();
  t.same(stored, [], 'none stored');
});

t.test('several authorities in one multi-year file: say which, or be asked', async (t) => {
  const test = await buildTestApp(t);
  const episodes = [
    'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,LA,YEAR',
    'A1,03/05/2022,S,C2,N1,U4,PR1,,,,Northvale,2023',
    'A1,03/05/2022,S,C2,N1,U4,PR1,,,,Northvale,2024',
    'B1,03/06/2022,S,C2,N1,U4,PR1,,,,Southdale,2023',
    'B1,03/06/2022,S,C2,N1,U4,PR1,,,,Southdale,2024',
  ].join('\r\n');
  const header = ['CHILD,SEX,DOB,LA,YEAR', 'A1,1,01/07/2010,Northvale,2023', 'A1,1,01/07/2010,Northvale,2024', 'B1,2,01/07/2011,Southdale,2023', 'B1,2,01/07/2011,Southdale,2024'].join('\r\n');
  const files = [
    { name: 'episodes.csv', content: episodes },
    { name: 'header.csv', content: header },
  ];
  const asked = await test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...(await multipartForm(files, { backtestYear: 'none' })) });
  t.equal(asked.statusCode, 400);
  t.match(asked.json(), { detail: /2 authorities \(Northvale, Southdale\).*localAuthority/, errors: [{ field: 'body/localAuthority' }] });
  const chosen = await test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...(await multipartForm(files, { backtestYear: 'none', localAuthority: 'southdale' })) });
  t.equal(chosen.statusCode, 202, chosen.body);
  t.match(chosen.json().importSummary, { children: 1, episodes: 1, returnYears: [2023, 2024] });
});
