import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import t from 'tap';
import { scenarioContentHash } from '../../src/catalog/scenario-catalog.ts';
import { SMALL_COUNT } from '../../src/export/disclosure.ts';
import { contentHash, sha256Hex } from '../../src/export/manifest.ts';
import { buildScenarioPack } from '../../src/export/pack.ts';
import { executeScenarioRun, planScenarioRun } from '../../src/services/scenario-runs.ts';
import { findScenario } from '../../src/services/scenarios.ts';
import { loadPackInput } from '../../src/services/packs.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';
import { addCohort, record, runAndWait, smallScenario } from '../scenarios/fixtures.ts';
import { pdfPages, text, unzip } from './fixtures.ts';

async function storedRun(as: TestApp['as'], scenario: Record<string, unknown>): Promise<string> {
  const created = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: scenario });
  if (created.statusCode !== 201) throw new Error(`createScenario: ${created.body}`);
  const job = await runAndWait(as, scenario.id as string);
  if (job.status !== 'succeeded') throw new Error(`run failed: ${JSON.stringify(job)}`);
  return job.result.href.split('/').pop() as string;
}

const largerTeam = smallScenario({ id: 'larger-mst', name: 'A larger MST team', strategy: { name: 'Larger MST team', interventions: [{ id: 'mst', capacityPerYear: 25, oneOffPrice: 9000 }] } });

async function readWorkbook(data: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(data) as unknown as ArrayBuffer);
  return workbook;
}

function summaryValue(workbook: ExcelJS.Workbook, measure: string, runColumn = 3): unknown {
  const sheet = workbook.getWorksheet('Summary') as ExcelJS.Worksheet;
  let value: unknown;
  sheet.eachRow((row) => {
    if (row.getCell(1).value === measure) value = row.getCell(runColumn).value;
  });
  return value;
}

t.test('exportScenarioPack: the board downloads two runs side by side; the zip holds what was stored', async (t) => {
  const { app, as } = await buildTestApp(t);
  const people = await addCohort(as);
  const first = await storedRun(as, smallScenario());
  const second = await storedRun(as, largerTeam);

  const response = await as('head_of_service', { method: 'POST', url: '/v1/packs', payload: { runIds: [first, second] } });
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  t.equal(response.headers['content-type'], 'application/zip');
  t.match(response.headers['content-disposition'], new RegExp(`^attachment; filename="pathcast-scenario-pack-\\d{4}-\\d{2}-\\d{2}-${first.slice(0, 8)}-${second.slice(0, 8)}\\.zip"$`));
  t.equal(response.headers['cache-control'], 'no-store');
  const files = unzip(response.rawPayload);

  const stored = [(await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/${first}` })).json(), (await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/${second}` })).json()];
  const rows = await app.db.selectFrom('scenario_runs').selectAll().where('id', 'in', [first, second]).execute();
  const row = (id: string) => rows.find((r) => r.id === id) as (typeof rows)[number];

  // The manifest's hashes are the stored inputs' hashes.
  const manifest = JSON.parse(text(files['manifest.json']));
  t.same(
    manifest.runs.map((r: { runId: string }) => r.runId),
    [first, second],
  );
  for (const [k, run] of manifest.runs.entries()) {
    const id = run.runId;
    t.equal(run.scenario.hash, row(id).scenario_hash, 'scenario hash as stored');
    t.equal(run.scenario.hash, scenarioContentHash(stored[k].inputs.scenario), 'and it is the hash of the scenario as run');
    t.equal(run.model.hash, app.catalog.get('england-default', run.model.version)?.hash, 'the catalog’s model hash');
    t.equal(run.cohort.hash, row(id).cohort_hash);
    t.equal(run.cohort.size, 6);
    t.equal(run.seed, 11);
    t.equal(run.runs, 30);
    t.equal(run.resultHash, contentHash(row(id).result), 'the hash of the stored result');
    t.equal(run.inputsHash, contentHash(row(id).inputs));
    t.equal(run.softwareVersion, row(id).software_version);
  }
  for (const file of manifest.files) t.equal(file.sha256, sha256Hex(files[file.path]), file.path);

  // The workbook's key cells are the stored results.
  const workbook = await readWorkbook(files['workbook.xlsx']);
  for (const [k, run] of stored.entries()) {
    const column = 3 + k;
    t.equal(summaryValue(workbook, 'Net present value: expected (mean)', column), run.result.investToSave.netPresentValue.mean, `run ${k + 1}: NPV`);
    t.equal(summaryValue(workbook, 'Net present value: best case (P90)', column), run.result.investToSave.netPresentValue.p90);
    t.equal(summaryValue(workbook, 'Chance that benefits exceed costs (present value)', column), run.result.investToSave.probabilityBenefitsExceedCosts);
    t.equal(summaryValue(workbook, 'Spend over the planning years, as now (mean)', column), run.result.spend.planningTotal.baseline.mean);
  }
  const csv: string[][] = parse(text(files['tables/spend-by-year.csv']), { bom: true });
  const mean = csv[0].indexOf('Strategy mean');
  stored[1].result.spend.byYear.forEach((year: { strategy: { mean: number } }, k: number) => {
    t.equal(Number(csv[4 + k][mean]), year.strategy.mean, 'the CSV holds the stored figure exactly');
  });

  const pages = await pdfPages(files['report.pdf']);
  t.ok(pages.length >= 3, `two runs over ${pages.length} pages`);

  // Aggregates only: no young person's reference or id anywhere in the pack.
  const references = await app.db.selectFrom('young_people').select(['id', 'reference']).where('id', 'in', people).execute();
  const everything = Object.entries(files)
    .filter(([name]) => !name.endsWith('.xlsx'))
    .map(([, data]) => text(data))
    .join('\n');
  const sheets = workbook.worksheets.map((s) => JSON.stringify(s.getSheetValues())).join('\n');
  for (const person of references) {
    if (person.reference === null) continue;
    t.notOk(everything.includes(person.reference) || sheets.includes(person.reference), `${person.reference} is not in the pack`);
    t.notOk(everything.includes(person.id) || sheets.includes(person.id), 'nor their record id');
  }

  // Audited: who, what, when.
  const audit = (await as('admin', { method: 'GET', url: '/v1/audit-events?action=pack.export' })).json();
  t.equal(audit.items.length, 1);
  t.equal(audit.items[0].actorRole, 'head_of_service');
  t.same(audit.items[0].detail.runIds, [first, second]);
  t.equal(audit.items[0].detail.sha256, sha256Hex(response.rawPayload));
  t.match(audit.items[0].at, /^\d{4}-\d{2}-\d{2}T/);

  const single = await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/${first}/pack` });
  t.equal(single.statusCode, 200);
  t.same(JSON.parse(text(unzip(single.rawPayload)['manifest.json'])).runs.map((r: { runId: string }) => r.runId), [first]);
  t.equal((await as('admin', { method: 'GET', url: '/v1/audit-events?action=pack.export' })).json().items.length, 2, 'every export is audited');
});

t.test('re-running from the manifest reproduces every number of the pack', async (t) => {
  const { app, as } = await buildTestApp(t);
  await addCohort(as);
  const id = await storedRun(as, smallScenario());
  const exported = unzip((await as('head_of_service', { method: 'POST', url: '/v1/packs', payload: { runIds: [id] } })).rawPayload);
  const manifest = JSON.parse(text(exported['manifest.json']));
  const entry = manifest.runs[0];

  // From the manifest alone: the scenario version and model version (checked by hash), the
  // cohort on record (checked by hash), the seed and the number of runs.
  const deps = { db: app.db, catalog: app.catalog, files: app.scenarios };
  const scenario = await findScenario(deps, entry.scenario.id, entry.scenario.version);
  t.equal(scenario.hash, entry.scenario.hash, 'the scenario version is the one packed');
  const plan = planScenarioRun(app.catalog, scenario, { runs: entry.runs, seed: entry.seed });
  t.equal(plan.model.hash, entry.model.hash, 'the model version is the one packed');
  const pool = new SimulationPool(0);
  const executor = { distributed: false, run: (prepared: Parameters<SimulationPool['scenario']>[0]) => pool.scenario(prepared) };
  const rerun = await executeScenarioRun(app.db, executor, plan, id);
  t.equal(rerun.row.cohort_hash, entry.cohort.hash, 'the same cohort');
  t.equal(contentHash(rerun.result), entry.resultHash, 'the same result, number for number');

  // And the pack built from the re-run has the same tables and charts, byte for byte.
  const input = await loadPackInput({ db: app.db, catalog: app.catalog }, { runIds: [id], allowDifferentCohorts: false }, new Date(manifest.createdAt));
  input.runs[0].result = JSON.parse(JSON.stringify(rerun.result));
  const again = unzip((await buildScenarioPack(input)).zip);
  // The scorecard is the records as of the export date, not the runs (the manifest says so).
  t.equal(manifest.scorecard.files[1], 'tables/scorecard.csv');
  for (const name of Object.keys(exported).filter((n) => (n.startsWith('tables/') && n !== 'tables/scorecard.csv') || n.startsWith('charts/'))) {
    t.equal(sha256Hex(again[name]), sha256Hex(exported[name]), name);
  }
});

t.test('disclosure: a scenario over 3 children shows <5 in the pack and on the page', async (t) => {
  const { as } = await buildTestApp(t);
  for (const payload of [record(2011, 'residential'), record(2012, 'ifa_foster'), record(2010, 'ifa_foster')]) {
    t.equal((await as('finance', { method: 'POST', url: '/v1/young-people', payload })).statusCode, 201);
  }
  const id = await storedRun(as, smallScenario({ id: 'three-children', cohort: { careStates: ['residential', 'ifa_foster'] } }));
  const files = unzip((await as('head_of_service', { method: 'POST', url: '/v1/packs', payload: { runIds: [id] } })).rawPayload);
  t.equal(JSON.parse(text(files['manifest.json'])).runs[0].cohort.size, SMALL_COUNT);
  const workbook = await readWorkbook(files['workbook.xlsx']);
  t.equal(summaryValue(workbook, 'Young people on record in the cohort'), SMALL_COUNT);
  t.equal(summaryValue(workbook, 'Children looked after at the end of the planning years, as now (mean)'), SMALL_COUNT);
  const counts: string[][] = parse(text(files['tables/counts.csv']), { bom: true });
  const figures = counts.slice(1).flatMap((row) => row.slice(counts[0].indexOf('As now mean')));
  t.ok(
    figures.every((f) => f === '0' || f === SMALL_COUNT || f === 'c'),
    'every count is 0 or hidden',
  );

  const preview = (await as('head_of_service', { method: 'GET', url: `/v1/packs/preview?runs=${id}` })).json();
  t.equal(preview.runs[0].cohort.size, SMALL_COUNT);
  t.match(preview.runs[0].findings.join(' '), /fewer than 5 children are expected to be looked after as now/);
});

t.test('bad input: unknown runs, different cohorts unannounced, malformed requests, no token', async (t) => {
  const { app, as } = await buildTestApp(t);
  await addCohort(as);
  const first = await storedRun(as, smallScenario());
  t.equal((await as('finance', { method: 'POST', url: '/v1/young-people', payload: record(2013, 'edge_of_care') })).statusCode, 201);
  const other = await storedRun(as, largerTeam);

  const unknown = '00000000-0000-4000-8000-000000000000';
  const missing = await as('head_of_service', { method: 'POST', url: '/v1/packs', payload: { runIds: [first, unknown] } });
  t.equal(missing.statusCode, 404);
  t.match(missing.headers['content-type'], /^application\/problem\+json/);
  t.match(missing.json().detail, new RegExp(unknown));
  t.equal((await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/${unknown}/pack` })).statusCode, 404);
  t.equal((await as('head_of_service', { method: 'GET', url: `/v1/packs/preview?runs=${unknown}` })).statusCode, 404);

  // The second run was made after a young person joined: another cohort.
  const mixed = await as('head_of_service', { method: 'POST', url: '/v1/packs', payload: { runIds: [first, other] } });
  t.equal(mixed.statusCode, 409);
  t.match(mixed.headers['content-type'], /^application\/problem\+json/);
  t.match(mixed.json().detail, /different cohorts/);
  t.equal(mixed.json().errors[0].field, 'runIds');
  t.equal((await as('head_of_service', { method: 'GET', url: `/v1/packs/preview?runs=${first},${other}` })).statusCode, 409);
  const said = await as('head_of_service', { method: 'POST', url: '/v1/packs', payload: { runIds: [first, other], allowDifferentCohorts: true } });
  t.equal(said.statusCode, 200, 'said so: packed, and the pack says it');
  const files = unzip(said.rawPayload);
  t.equal(JSON.parse(text(files['manifest.json'])).differentCohortsAcknowledged, true);
  t.match((await pdfPages(files['report.pdf'])).join('\n'), /different cohorts/);

  for (const [payload, field] of [
    [{ runIds: [] }, 'body/runIds'],
    [{ runIds: ['not-a-uuid'] }, 'body/runIds/0'],
    [{ runIds: [first, first] }, 'body/runIds'],
    [{ runIds: [first, unknown, unknown.replace(/0$/, '1'), unknown.replace(/0$/, '2'), unknown.replace(/0$/, '3')] }, 'body/runIds'],
    [{ runIds: [first], colour: 'blue' }, 'body/colour'],
  ] as const) {
    const response = await as('head_of_service', { method: 'POST', url: '/v1/packs', payload });
    t.equal(response.statusCode, 400, JSON.stringify(payload));
    t.ok(
      response.json().errors.some((e: { field: string }) => e.field === field),
      `names ${field}`,
    );
  }
  t.equal((await as('head_of_service', { method: 'GET', url: '/v1/packs/preview?runs=nonsense' })).statusCode, 400);
  t.equal((await as('head_of_service', { method: 'GET', url: `/v1/packs/preview?runs=${first},${first}` })).statusCode, 400);

  const anonymous = await app.inject({ method: 'POST', url: '/v1/packs', payload: { runIds: [first] } });
  t.equal(anonymous.statusCode, 401);
  t.match(anonymous.headers['content-type'], /^application\/problem\+json/);
  const issued = (await as('admin', { method: 'POST', url: '/v1/tokens', payload: { name: 'a board member who left', role: 'board' } })).json();
  await as('admin', { method: 'DELETE', url: `/v1/tokens/${issued.id}` });
  const revoked = await app.inject({ method: 'POST', url: '/v1/packs', payload: { runIds: [first] }, headers: { authorization: `Bearer ${issued.token}` } });
  t.equal(revoked.statusCode, 401, 'a revoked token may not export');
  t.equal((await as('admin', { method: 'GET', url: '/v1/audit-events?action=pack.export' })).json().items.length, 1, 'only the pack that was made is audited');

  const openapi = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  t.match(openapi.paths['/v1/packs'].post.description, /Requires `packs:export`/, 'the export is guarded by packs:export');
});

t.test('the comparison page’s views: scenario runs for every role, a young person’s plans never for the board', async (t) => {
  const { as } = await buildTestApp(t);
  await addCohort(as);
  const first = await storedRun(as, smallScenario());
  const second = await storedRun(as, largerTeam);
  const preview = await as('head_of_service', { method: 'GET', url: `/v1/packs/preview?runs=${first},${second}` });
  t.equal(preview.statusCode, 200);
  const body = preview.json();
  t.same(
    body.runs.map((r: { id: string }) => r.id),
    [first, second],
  );
  t.equal(body.charts.length, 1 + 4 * 2, 'the side-by-side chart and four per run');
  for (const chart of body.charts) t.match(chart.svg, /^<svg/);
  t.ok(body.runs[0].netPresentValue.best >= body.runs[0].netPresentValue.worst, 'best case above worst case');
  t.ok(body.comparison.length > 0);

  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  for (const plan of threePlans) await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan });
  const projection = (await as('head_of_service', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 300, seed: 7 } })).json();
  const charts = await as('head_of_service', { method: 'GET', url: `/v1/pathway-projections/${projection.id}/charts` });
  t.equal(charts.statusCode, 200);
  t.same(
    charts.json().charts.map((c: { id: string }) => c.id),
    ['plan-cases', 'plan-annual-cost'],
  );
  t.match(charts.json().charts[0].description, /Stay in residential: best case £/);
  const board = await as('board', { method: 'GET', url: `/v1/pathway-projections/${projection.id}/charts` });
  t.equal(board.statusCode, 403, 'the board never sees an individual’s projection');
  t.match(board.headers['content-type'], /^application\/problem\+json/);
  t.equal((await as('head_of_service', { method: 'GET', url: '/v1/pathway-projections/00000000-0000-4000-8000-000000000000/charts' })).statusCode, 404);
});
