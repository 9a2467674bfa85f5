import { roundCalibrationAnswer } from '../../src/services/calibrations.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { backtest } from '../../src/calibration/backtest.ts';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { modelContentHash } from '../../src/catalog/canonical-json.ts';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { multipartForm, NORTHVALE, northvaleFiles, zipOf } from './forms.ts';

const england = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../models/england-default.json'), 'utf8')) as CostModelSpec;

/** Uploads a form as the role, waits for the job, and returns the job as getJob shows it. */
async function calibrateThroughApi(test: TestApp, form: Awaited<ReturnType<typeof multipartForm>>, role: 'admin' | 'commissioning' = 'commissioning') {
  const response = await test.as(role, { method: 'POST', url: '/v1/calibrations', ...form });
  if (response.statusCode !== 202) throw new Error(`expected 202, got ${response.statusCode}: ${response.body}`);
  const queued = response.json();
  await test.app.jobs.settledWithin(queued.id, 120_000);
  const job = (await test.as(role, { method: 'GET', url: `/v1/jobs/${queued.id}` })).json();
  return { response, queued, job };
}

/** Every CHILD identifier and date of birth in the fixture's files. */
function personalValues(): { children: Set<string>; dobs: Set<string> } {
  const children = new Set<string>();
  const dobs = new Set<string>();
  for (const file of northvaleFiles()) {
    const [header, ...lines] = file.content.toString().trim().split(/\r?\n/);
    const columns = header.split(',');
    const child = columns.indexOf('CHILD');
    const dob = columns.indexOf('DOB');
    for (const line of lines) {
      const cells = line.split(',');
      if (cells[child]) children.add(cells[child]);
      if (dob >= 0 && cells[dob]) {
        dobs.add(cells[dob]);
        const [d, m, y] = cells[dob].split('/');
        dobs.add(`${y}-${m}-${d}`);
      }
    }
  }
  return { children, dobs };
}

/** Whole numbers and strings in a JSON text that equal a CHILD identifier or a date of birth. */
function personalDataIn(text: string): string[] {
  const { children, dobs } = personalValues();
  const found = new Set<string>();
  // Integers not part of a decimal: 0.100009 is a rate, "100009" or 100009 would be a child.
  for (const match of text.matchAll(/(?<![\d.])\d+(?![\d.])/g)) if (children.has(match[0])) found.add(match[0]);
  for (const match of text.matchAll(/\d{2}\/\d{2}\/\d{4}|\d{4}-\d{2}-\d{2}/g)) if (dobs.has(match[0])) found.add(match[0]);
  return [...found];
}

t.test('CSV files as multipart: the job calibrates, the report is stored, the model is listed, served and projects', async (t) => {
  const test = await buildTestApp(t);
  const { app, as } = test;
  const form = await multipartForm(northvaleFiles(), { authority: 'Northvale', referenceWindow: '2022-2025', priorWeight: '60' });
  const { response, queued, job } = await calibrateThroughApi(test, form);
  t.equal(response.headers.location, `/v1/jobs/${queued.id}`);
  t.equal(queued.kind, 'calibration');
  t.equal(job.status, 'succeeded', JSON.stringify(job.error));
  t.match(job.result.href, /^\/v1\/calibrations\/[0-9a-f-]{36}$/);

  // The report, read by a role with individual access: the figures as computed (what the board
  // reads, with small counts hidden, is test/system/disclosure.test.ts).
  const read = await as('commissioning', { method: 'GET', url: job.result.href });
  t.equal(read.statusCode, 200);
  const calibration = read.json();
  t.equal(calibration.jobId, queued.id);
  t.match(calibration.model, { id: 'northvale-calibrated', version: '1.0.0', href: '/v1/models/northvale-calibrated?version=1.0.0' });
  t.same(calibration.prior, { id: 'england-default', version: '1.6.0' });
  t.same(calibration.parameters, { referenceWindow: { fromYear: 2022, toYear: 2025 }, priorWeight: 60, distancePriorWeight: 20, backtestYear: 2025, authority: 'Northvale', mapping: { id: 'ssda903-default', version: '1.1.0' } });
  t.equal(calibration.sources.length, 32, 'every uploaded file, by name and size');
  t.same(calibration.sources[0], { name: '2018-episodes.csv', bytes: readFileSync(path.join(NORTHVALE, '2018-episodes.csv')).length });

  // What the API stored is what the core computes from the same files and options.
  const imported = await importSsda903(northvaleFiles().map((f) => ({ name: f.name, buffer: f.content as Uint8Array })));
  const options = { priorModel: england, priorWeight: 60, modelId: 'northvale-calibrated', authorityName: 'Northvale' };
  const direct = calibrate(imported, { ...options, referenceWindow: { fromYear: 2022, toYear: 2025 } });
  // As answered: rounded at the edge (roundCalibrationAnswer); the stored figures keep full precision.
  t.same(calibration.report, roundCalibrationAnswer(direct.report), 'the calibration report, whole');
  t.same(calibration.cleaning, imported.report, 'the import report, every cleaning action');
  t.same(
    calibration.backtest,
    roundCalibrationAnswer({ backtest: { ...backtest(imported, { ...options, year: 2025, referenceWindow: { fromYear: 2022, toYear: 2025 } }), model: { id: 'northvale-calibrated', version: '1.0.0' } } }).backtest,
    'the backtest, on the chosen window',
  );
  t.same(calibration.backtest.fitWindow, { fromYear: 2021, toYear: 2024 }, 'the chosen window includes 2025: its four years ending 2024');
  t.match(calibration.backtest.entryRates.note, /^entry rates are national/);
  t.same(calibration.backtest.groups.map((g: { group: string }) => g.group), ['fostering', 'residential', 'supported', 'other'], 'by placement group');
  t.equal(calibration.model.hash, modelContentHash({ ...direct.model, version: '1.0.0' }), 'the stored model is the calibrated one');

  // What the issue asks the report to show.
  t.ok(calibration.report.rows.length > 20, `${calibration.report.rows.length} calibrated rows`);
  for (const row of calibration.report.rows) {
    t.ok(row.observations >= 0 && row.rates.length > 0, `${row.band}/${row.state}: sample size ${row.observations}`);
    t.ok(row.rates.every((r: { lower: number; estimate: number; upper: number }) => r.lower <= r.estimate + 1e-12 && r.estimate <= r.upper + 1e-12), `${row.band}/${row.state}: estimates inside their intervals`);
  }
  t.ok(calibration.report.shrunk.length > 0, 'shrunk rows are listed');
  t.ok(calibration.cleaning.actions.some((a: { code: string; action: string }) => a.code === 'dec_before_decom' && a.action === 'fixed'), 'the transposed dates in the sample are reported');
  t.ok(calibration.cleaning.actions.every((a: { file: string; code: string; action: string }) => a.file && a.code && ['dropped', 'fixed', 'kept'].includes(a.action)));
  t.equal(calibration.backtest.year, 2025);
  t.ok(calibration.backtest.states.length > 3 && typeof calibration.backtest.overall.wape === 'number', 'backtest errors by state and overall');

  // No child's identifier or date of birth anywhere: not in the answer, not in the stored rows.
  t.same(personalDataIn(read.body), [], 'the report holds no CHILD ids or dates of birth');
  const stored = JSON.stringify([
    await app.db.selectFrom('calibrations').selectAll().execute(),
    await app.db.selectFrom('stored_models').selectAll().execute(),
    await app.db.selectFrom('jobs').selectAll().execute(),
    await app.db.selectFrom('audit_events').selectAll().execute(),
  ]);
  t.same(personalDataIn(stored), [], 'nor do the stored rows, the job or the audit trail');
  t.ok(personalDataIn(readFileSync(path.join(NORTHVALE, '2024-header.csv'), 'utf8')).length > 100, 'the check finds identifiers where they are');

  // Listed beside the default and served whole.
  const models = (await as('board', { method: 'GET', url: '/v1/models' })).json().items;
  t.match(
    models.map((m: { id: string; version: string }) => `${m.id} ${m.version}`),
    ['england-default 1.6.0', 'northvale-calibrated 1.0.0'],
  );
  const model = await as('finance', { method: 'GET', url: '/v1/models/northvale-calibrated' });
  t.equal(model.statusCode, 200);
  t.equal(modelContentHash(model.json()), calibration.model.hash, 'getModel serves the model the hash vouches for');
  // The board reads it without the rates estimated from the returns (test/system/disclosure.test.ts).
  const boardModel = await as('board', { method: 'GET', url: '/v1/models/northvale-calibrated' });
  t.equal(boardModel.statusCode, 200);
  t.same(boardModel.json().transitions, {}, 'the board reads no calibrated rates');
  t.match(model.json().name, /^Northvale: /);

  // A projection runs on it.
  const projection = await as('commissioning', {
    method: 'POST',
    url: '/v1/projections',
    payload: { model: 'northvale-calibrated', ageMonths: 14 * 12, state: 'residential', runs: 200, seed: 7 },
  });
  t.equal(projection.statusCode, 200, projection.body.slice(0, 300));
  t.ok(projection.json().plans[0].total.discounted.mean > 0);

  // Listed, and audited: the import and the new model version.
  const list = (await as('board', { method: 'GET', url: '/v1/calibrations' })).json();
  t.equal(list.total, 1);
  t.match(list.items[0], { id: calibration.id, model: { id: 'northvale-calibrated', version: '1.0.0' }, backtest: { year: 2025 }, headline: calibration.report.headline });
  const audit = await app.db.selectFrom('audit_events').selectAll().where('action', 'in', ['calibration.create', 'model.create']).orderBy('id').execute();
  t.match(audit, [
    { action: 'model.create', actor_role: 'commissioning', resource_type: 'model', resource_id: 'northvale-calibrated@1.0.0', detail: { hash: calibration.model.hash } },
    { action: 'calibration.create', actor_role: 'commissioning', resource_type: 'calibration', resource_id: calibration.id, detail: { model: 'northvale-calibrated@1.0.0', files: 32 } },
  ]);
});

t.test('one zip of the files, twice: the second calibration is version 1.1.0, beside the first', async (t) => {
  const test = await buildTestApp(t);
  const { as } = test;
  const files = northvaleFiles([2022, 2023, 2024, 2025]);
  const zip = { name: 'northvale-returns.zip', content: zipOf(files) };
  const first = await calibrateThroughApi(test, await multipartForm([zip], { modelId: 'northvale-recent', backtestYear: 'none' }), 'admin');
  t.equal(first.job.status, 'succeeded', JSON.stringify(first.job.error));
  const report = (await as('admin', { method: 'GET', url: first.job.result.href })).json();
  t.same(report.sources, [{ name: 'northvale-returns.zip', bytes: zip.content.length }], 'the zip is the source; its files are listed in cleaning.files');
  t.same(
    report.cleaning.files.map((f: { name: string }) => f.name),
    files.map((f) => f.name),
  );
  t.equal(report.backtest, null, 'backtestYear none');
  t.same(report.parameters.referenceWindow, { fromYear: 2022, toYear: 2025 }, 'the latest four years by default');

  const second = await calibrateThroughApi(test, await multipartForm([zip], { modelId: 'northvale-recent', referenceWindow: '2024-2025', priorWeight: '120' }), 'admin');
  t.equal(second.job.status, 'succeeded', JSON.stringify(second.job.error));
  const again = (await as('admin', { method: 'GET', url: second.job.result.href })).json();
  t.equal(again.model.version, '1.1.0');
  t.equal(again.backtest.year, 2025);
  const versions = (await as('admin', { method: 'GET', url: '/v1/models' })).json().items.filter((m: { id: string }) => m.id === 'northvale-recent');
  t.same(
    versions.map((m: { version: string }) => m.version),
    ['1.1.0', '1.0.0'],
    'both versions are listed, newest first',
  );
  t.equal((await as('admin', { method: 'GET', url: '/v1/models/northvale-recent' })).json().version, '1.1.0', 'getModel serves the newest');
  t.equal((await as('admin', { method: 'GET', url: '/v1/models/northvale-recent?version=1.0.0' })).json().version, '1.0.0');
  const page = (await as('admin', { method: 'GET', url: '/v1/calibrations?limit=1' })).json();
  t.equal(page.total, 2);
  t.equal(page.items[0].id, again.id, 'newest first');
});

t.test('who may import and read', async (t) => {
  const test = await buildTestApp(t);
  const form = await multipartForm(northvaleFiles([2024, 2025]));
  for (const role of ['board', 'finance', 'head_of_service'] as const) {
    const refused = await test.as(role, { method: 'POST', url: '/v1/calibrations', ...form });
    t.equal(refused.statusCode, 403, `${role} may not import`);
    t.match(refused.headers['content-type'], /application\/problem\+json/);
  }
  t.equal(await test.app.db.selectFrom('jobs').select('id').execute().then((r) => r.length), 0, 'nothing was queued');
  const { job } = await calibrateThroughApi(test, form, 'commissioning');
  t.equal(job.status, 'succeeded');
  // A job is followed by whoever may read its result (the README's roles table): every role reads calibrations.
  t.equal((await test.as('board', { method: 'GET', url: `/v1/jobs/${job.id}` })).statusCode, 200, 'the board follows the job of a calibration it may read');
  t.equal((await test.as('board', { method: 'POST', url: `/v1/jobs/${job.id}/cancel` })).statusCode, 403, 'but may not cancel work it may not start');
  for (const role of ['board', 'finance', 'head_of_service', 'commissioning'] as const) {
    t.equal((await test.as(role, { method: 'GET', url: job.result.href })).statusCode, 200, `${role} reads the report`);
  }
  t.equal((await test.app.inject({ method: 'GET', url: job.result.href })).statusCode, 401, 'but not without a token');
  t.equal((await test.as('board', { method: 'GET', url: '/v1/calibrations/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
});

t.test('the OpenAPI document describes the upload form', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  const operation = doc.paths['/v1/calibrations'].post;
  t.equal(operation.operationId, 'importSsda903');
  const form = operation.requestBody.content['multipart/form-data'].schema;
  t.match(Object.keys(form.properties), ['files', 'priorModel', 'priorModelVersion', 'referenceWindow', 'priorWeight', 'authority', 'modelId', 'backtestYear', 'mapping']);
  t.ok(operation.responses['202'] && operation.responses['413'] && operation.responses['415']);
  t.equal(doc.paths['/v1/calibrations/{id}'].get.operationId, 'getCalibrationReport');
});
