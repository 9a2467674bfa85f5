import t from 'tap';
import { SYNCHRONOUS_LIMIT_PERSON_MONTHS } from '../../src/services/pathway-projections.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { careLeaverAged, residentialAged, threePlans } from './fixtures.ts';

/** Polls getJob until `done` holds (or the job has finished); no timing is asserted. */
async function pollJob(as: TestApp['as'], id: string, done: (job: { status: string; progress: number }) => boolean) {
  for (;;) {
    const job = (await as('finance', { method: 'GET', url: `/v1/jobs/${id}` })).json();
    if (done(job) || ['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

t.test('a large projection runs as a job: 202, progress, the result stored whole and readable', async (t) => {
  const { app, as } = await buildTestApp(t);
  // A 21-year-old care leaver: 48 months to 25; three plans × 100,000 runs × 48 months = 14.4 million person-months.
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: careLeaverAged(21) })).json();
  const plans = [
    { name: 'As now' },
    { name: 'Guardian mentor', interventions: [{ id: 'guardian_mentor', startMonth: 0 }] },
    { name: 'Into work or study', moves: [{ month: 6, to: 'independent_eet' }] },
  ];
  for (const plan of plans) t.equal((await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan })).statusCode, 201);
  t.ok(3 * 100_000 * 48 > SYNCHRONOUS_LIMIT_PERSON_MONTHS, 'the work is over the limit for an answer at once');

  const response = await as('head_of_service', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 100_000, seed: 42 } });
  t.equal(response.statusCode, 202, response.body.slice(0, 300));
  const job = response.json();
  t.equal(response.headers.location, `/v1/jobs/${job.id}`);
  t.equal(job.kind, 'pathway_projection');
  t.equal((await as('board', { method: 'GET', url: `/v1/jobs/${job.id}` })).statusCode, 403, 'the board may not follow an individual’s job');

  const finished = await pollJob(as, job.id, () => false);
  t.equal(finished.status, 'succeeded', JSON.stringify(finished));
  t.equal(finished.progress, 1);
  t.equal(finished.result.type, 'pathway_projection');
  const stored = await as('finance', { method: 'GET', url: finished.result.href });
  t.equal(stored.statusCode, 200);
  const projection = stored.json();
  t.equal(projection.runs, 100_000);
  t.equal(projection.months, 48);
  t.equal(projection.result.plans.length, 3);
  t.equal(projection.result.comparisons.length, 2);
  const row = await app.db.selectFrom('pathway_projections').select(['job_id']).where('id', '=', projection.id).executeTakeFirstOrThrow();
  t.equal(row.job_id, job.id);
});

t.test('a cancelled projection job leaves no partial result', async (t) => {
  const { app, as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  for (const plan of threePlans) await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan });
  // 3 × 100,000 × 132 = 39.6 million person-months: a job.
  const response = await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 100_000 } });
  t.equal(response.statusCode, 202);
  const job = response.json();
  const running = await pollJob(as, job.id, (j) => j.status === 'running' && j.progress > 0);
  t.equal(running.status, 'running', 'it reports progress while it runs');
  t.ok(running.progress > 0 && running.progress < 1);

  const cancel = await as('finance', { method: 'POST', url: `/v1/jobs/${job.id}/cancel` });
  t.equal(cancel.statusCode, 202);
  await app.jobs.settledWithin(job.id, 60_000);
  const after = (await as('finance', { method: 'GET', url: `/v1/jobs/${job.id}` })).json();
  t.equal(after.status, 'cancelled');
  t.equal(after.result, null);
  t.equal((await app.db.selectFrom('pathway_projections').select('id').execute()).length, 0, 'nothing stored');
  const list = (await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/projections` })).json();
  t.equal(list.total, 0);
});
