import t, { type Test } from 'tap';
import { ROLES, type Role } from '../../src/services/access-control.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';
import { multipartForm, northvaleFiles } from '../calibrations/forms.ts';
import { ADMINISTER, CALIBRATE, ERASE, EXPORT, EXPORT_INDIVIDUALS, README, READ_AGGREGATES, READ_INDIVIDUALS, RUN_PROJECTIONS, RUN_SCENARIOS, SET_TARGETS, WRITE_INDIVIDUALS, readmeRoleTable } from './readme-roles.ts';
import { addCohort, pollJob, smallScenario } from '../scenarios/fixtures.ts';

/**
 * Every role × operation pair, read from the README's roles table ("Access, roles and data
 * protection") and the OpenAPI document the running app serves. The README is the contract users
 * were given: where the code disagrees the test fails here, not in a reviewer's head.
 *
 * Allowed means the role gets past the access check: any answer but 401 or 403 (placeholder ids
 * answer 404, empty bodies 400: both are after the check, which runs on request before parsing).
 * Refused means 403.
 */

/**
 * Each documented operation and the README row that decides who may call it. A new operation
 * must be added here (the test fails until it is), so nobody ships an operation without deciding
 * its row. Jobs are decided by what they are a job of, tested below with real jobs.
 */
const operationRow: Record<string, string | 'public' | 'by job kind'> = {
  health: 'public',
  createApiToken: ADMINISTER,
  listApiTokens: ADMINISTER,
  revokeApiToken: ADMINISTER,
  // Who am I: every role reads aggregates, so every valid token may ask.
  getCurrentToken: READ_AGGREGATES,
  listAuditEvents: ADMINISTER,
  createYoungPerson: WRITE_INDIVIDUALS,
  listYoungPeople: READ_INDIVIDUALS,
  getYoungPerson: READ_INDIVIDUALS,
  updateYoungPerson: WRITE_INDIVIDUALS,
  eraseYoungPerson: ERASE,
  importYoungPeople: WRITE_INDIVIDUALS,
  // Teams organise individual records: written like them, read as aggregates (issue 17).
  createTeam: WRITE_INDIVIDUALS,
  listTeams: READ_AGGREGATES,
  getTeam: READ_AGGREGATES,
  updateTeam: WRITE_INDIVIDUALS,
  deleteTeam: WRITE_INDIVIDUALS,
  getHistory: READ_INDIVIDUALS,
  replaceHistory: WRITE_INDIVIDUALS,
  importHistories: WRITE_INDIVIDUALS,
  listOutcomeMeasures: READ_AGGREGATES,
  getScorecard: READ_AGGREGATES,
  getTeamScorecard: READ_AGGREGATES,
  setScorecardTarget: SET_TARGETS,
  createCarePlan: WRITE_INDIVIDUALS,
  listCarePlans: READ_INDIVIDUALS,
  getCarePlan: READ_INDIVIDUALS,
  updateCarePlan: WRITE_INDIVIDUALS,
  deleteCarePlan: WRITE_INDIVIDUALS,
  getPathwayBudget: READ_INDIVIDUALS,
  runPathwayProjection: RUN_PROJECTIONS,
  listPathwayProjections: READ_INDIVIDUALS,
  getPathwayProjection: READ_INDIVIDUALS,
  rerunPathwayProjection: RUN_PROJECTIONS,
  compareCarePlans: READ_INDIVIDUALS,
  getPathwayProjectionCharts: READ_INDIVIDUALS,
  listModels: READ_AGGREGATES,
  getModelSchema: READ_AGGREGATES,
  getModel: READ_AGGREGATES,
  // Checking a model file against the schema reads and stores nothing individual.
  validateModel: READ_AGGREGATES,
  runProjection: RUN_PROJECTIONS,
  getJob: 'by job kind',
  cancelJob: 'by job kind',
  getScenarioSchema: READ_AGGREGATES,
  listScenarios: READ_AGGREGATES,
  createScenario: RUN_SCENARIOS,
  getScenario: READ_AGGREGATES,
  updateScenario: RUN_SCENARIOS,
  runScenario: RUN_SCENARIOS,
  listScenarioRuns: READ_AGGREGATES,
  compareScenarioRuns: READ_AGGREGATES,
  getScenarioRun: READ_AGGREGATES,
  importSsda903: CALIBRATE,
  listCalibrations: READ_AGGREGATES,
  getCalibrationReport: READ_AGGREGATES,
  exportScenarioPack: EXPORT,
  exportScenarioRunPack: EXPORT,
  previewScenarioPack: READ_AGGREGATES,
  exportPathwayBudget: EXPORT_INDIVIDUALS,
  exportPathwayProjection: EXPORT_INDIVIDUALS,
  getBoroughAtAGlance: READ_AGGREGATES,
};

const NIL_ID = '00000000-0000-4000-8000-000000000000';

interface Operation {
  operationId: string;
  method: string;
  url: string;
}

async function documentedOperations(app: TestApp['app']): Promise<Operation[]> {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      operations.push({ operationId: operation.operationId, method: method.toUpperCase(), url: template.replace(/\{[^}]+\}/g, NIL_ID) });
    }
  }
  return operations;
}

/** A role gets past the access check: anything but 401 and 403. */
function assertAllowed(t: Test, status: number, what: string) {
  t.ok(status !== 401 && status !== 403, `${what}: allowed (got ${status})`);
}

t.test('the README table parses into the eleven documented capabilities and five roles', async (t) => {
  const table = readmeRoleTable(README);
  t.same([...table.keys()], [READ_INDIVIDUALS, WRITE_INDIVIDUALS, ERASE, RUN_PROJECTIONS, READ_AGGREGATES, RUN_SCENARIOS, CALIBRATE, EXPORT, EXPORT_INDIVIDUALS, SET_TARGETS, ADMINISTER]);
  // A sample of cells read by eye, so a parsing slip cannot make the whole matrix vacuous.
  t.same([...(table.get(EXPORT) as Set<Role>)], ['admin', 'finance', 'commissioning', 'head_of_service', 'board']);
  t.same([...(table.get(READ_INDIVIDUALS) as Set<Role>)], ['admin', 'finance', 'commissioning', 'head_of_service']);
  t.same([...(table.get(CALIBRATE) as Set<Role>)], ['admin', 'commissioning']);
  t.same([...(table.get(ADMINISTER) as Set<Role>)], ['admin']);
});

t.test('every role × documented operation answers as the README table says', async (t) => {
  const table = readmeRoleTable(README);
  const { app, as } = await buildTestApp(t);
  const operations = await documentedOperations(app);
  t.same(operations.map((o) => o.operationId).filter((id) => !(id in operationRow)), [], 'every documented operation has a row in the README table');
  t.same(
    Object.keys(operationRow).filter((id) => !operations.some((o) => o.operationId === id)),
    [],
    'every operation named here is documented',
  );
  t.same(
    [...table.keys()].filter((row) => !Object.values(operationRow).includes(row)),
    [],
    'every README row governs at least one operation',
  );

  for (const operation of operations) {
    const row = operationRow[operation.operationId];
    if (row === 'by job kind') continue;
    if (row === 'public') {
      const response = await app.inject({ method: operation.method as 'GET', url: operation.url });
      assertAllowed(t, response.statusCode, `${operation.operationId} without a token`);
      continue;
    }
    const allowed = table.get(row) as Set<Role>;
    const anonymous = await app.inject({ method: operation.method as 'GET', url: operation.url, payload: operation.method === 'GET' || operation.method === 'DELETE' ? undefined : {} });
    t.equal(anonymous.statusCode, 401, `${operation.operationId} without a token: 401`);
    for (const role of ROLES) {
      const response = await as(role, { method: operation.method as 'GET', url: operation.url, payload: operation.method === 'GET' || operation.method === 'DELETE' ? undefined : {} });
      if (allowed.has(role)) assertAllowed(t, response.statusCode, `${role} ${operation.operationId}`);
      else t.equal(response.statusCode, 403, `${role} ${operation.operationId}: refused (${row})`);
    }
  }
});

t.test('every role the README allows exports a real pack; the others are refused', async (t) => {
  const table = readmeRoleTable(README);
  const { as } = await buildTestApp(t);
  // Twelve young people: roles without individual access are refused runs over cohorts under 10
  // (the disclosure rule), which would hide a wrongly refused export behind a right refusal.
  await addCohort(as);
  await addCohort(as);
  t.equal((await as('admin', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ runs: 10 }) })).statusCode, 201);
  const started = await as('admin', { method: 'POST', url: '/v1/scenarios/small-mst/runs' });
  const job = await pollJob(as, started.json().id);
  t.equal(job.status, 'succeeded');
  const runId = job.result.href.split('/').pop();
  const allowed = table.get(EXPORT) as Set<Role>;
  t.ok(allowed.has('commissioning'), 'commissioning may export packs');
  for (const role of ROLES) {
    const one = await as(role, { method: 'GET', url: `/v1/scenario-runs/${runId}/pack` });
    const several = await as(role, { method: 'POST', url: '/v1/packs', payload: { runIds: [runId] } });
    if (allowed.has(role)) {
      t.equal(one.statusCode, 200, `${role} exportScenarioRunPack`);
      t.equal(one.headers['content-type'], 'application/zip');
      t.equal(several.statusCode, 200, `${role} exportScenarioPack`);
    } else {
      t.equal(one.statusCode, 403, `${role} exportScenarioRunPack refused`);
      t.equal(several.statusCode, 403, `${role} exportScenarioPack refused`);
    }
  }
});

/**
 * Jobs: a job is followed (getJob) by whoever may read its result and cancelled (cancelJob) by
 * whoever may start that kind of work. The README rows for each kind of job:
 */
const jobRows = {
  scenario_run: { read: READ_AGGREGATES, cancel: RUN_SCENARIOS },
  pathway_projection: { read: READ_INDIVIDUALS, cancel: RUN_PROJECTIONS },
  calibration: { read: READ_AGGREGATES, cancel: CALIBRATE },
} as const;

async function assertJobAccess(t: Test, as: TestApp['as'], table: Map<string, Set<Role>>, kind: keyof typeof jobRows, jobId: string) {
  const readers = table.get(jobRows[kind].read) as Set<Role>;
  const cancellers = table.get(jobRows[kind].cancel) as Set<Role>;
  // Refused roles first, so a wrongly allowed cancel is seen before an allowed role cancels.
  const order = [...ROLES].sort((a, b) => Number(cancellers.has(a)) - Number(cancellers.has(b)));
  for (const role of order) {
    for (const [operationId, allowed, request] of [
      ['getJob', readers.has(role), { method: 'GET', url: `/v1/jobs/${jobId}` }],
      ['cancelJob', cancellers.has(role), { method: 'POST', url: `/v1/jobs/${jobId}/cancel` }],
    ] as const) {
      const cell = `${role} ${operationId} ${kind}`;
      const response = await as(role, request);
      if (allowed) t.ok(response.statusCode === 200 || response.statusCode === 202, `${cell}: allowed (got ${response.statusCode})`);
      else t.equal(response.statusCode, 403, `${cell}: refused`);
    }
  }
}

t.test('jobs: each kind is followed and cancelled by the roles the README gives its work', async (t) => {
  const table = readmeRoleTable(README);
  const test = await buildTestApp(t);
  const { as } = test;

  await t.test('a scenario run', async (t) => {
    await addCohort(as);
    t.equal((await as('admin', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ runs: 10 }) })).statusCode, 201);
    const started = await as('admin', { method: 'POST', url: '/v1/scenarios/small-mst/runs' });
    t.equal(started.statusCode, 202);
    await assertJobAccess(t, as, table, 'scenario_run', started.json().id);
  });

  await t.test('a pathway projection', async (t) => {
    const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
    for (const plan of threePlans) await as('admin', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan });
    // Over the synchronous limit, so it answers 202 with a job; it is cancelled here before long.
    const started = await as('admin', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 100_000 } });
    t.equal(started.statusCode, 202);
    await assertJobAccess(t, as, table, 'pathway_projection', started.json().id);
    await test.app.jobs.settledWithin(started.json().id, 120_000);
  });

  await t.test('a calibration', async (t) => {
    const form = await multipartForm(northvaleFiles([2024, 2025]));
    const started = await as('admin', { method: 'POST', url: '/v1/calibrations', ...form });
    t.equal(started.statusCode, 202);
    await assertJobAccess(t, as, table, 'calibration', started.json().id);
    await test.app.jobs.settledWithin(started.json().id, 120_000);
  });
});
