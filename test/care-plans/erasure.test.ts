import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from './fixtures.ts';

t.test('erasing a young person deletes their care plans and stored projections in the same transaction', async (t) => {
  const { app, as } = await buildTestApp(t);
  const erased = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  const kept = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(15) })).json();
  for (const person of [erased, kept]) {
    for (const plan of threePlans.slice(0, 2)) t.equal((await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan })).statusCode, 201);
  }
  const projection = (await as('finance', { method: 'POST', url: `/v1/young-people/${erased.id}/projections`, payload: { runs: 200, seed: 3 } })).json();
  const rerun = (await as('finance', { method: 'POST', url: `/v1/pathway-projections/${projection.id}/rerun` })).json();
  const keptProjection = (await as('finance', { method: 'POST', url: `/v1/young-people/${kept.id}/projections`, payload: { runs: 200, seed: 3 } })).json();

  t.equal((await as('admin', { method: 'DELETE', url: `/v1/young-people/${erased.id}` })).statusCode, 200);
  const plansLeft = await app.db.selectFrom('care_plans').select('young_person_id').execute();
  t.same([...new Set(plansLeft.map((p) => p.young_person_id))], [kept.id], 'only the other young person’s plans remain');
  const projectionsLeft = await app.db.selectFrom('pathway_projections').select('id').execute();
  t.same(projectionsLeft.map((p) => p.id), [keptProjection.id]);
  t.equal((await as('finance', { method: 'GET', url: `/v1/pathway-projections/${projection.id}` })).statusCode, 404);
  t.equal((await as('finance', { method: 'GET', url: `/v1/pathway-projections/${rerun.id}` })).statusCode, 404);
  t.equal((await as('finance', { method: 'GET', url: `/v1/young-people/${erased.id}/projections` })).statusCode, 410);
  t.equal((await as('finance', { method: 'GET', url: `/v1/young-people/${erased.id}/budget` })).statusCode, 410);
  t.equal((await as('finance', { method: 'POST', url: `/v1/young-people/${erased.id}/projections`, payload: {} })).statusCode, 410);
});

t.test('a projection job that finishes after its young person was erased stores nothing', async (t) => {
  const { app, as } = await buildTestApp(t);
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  for (const plan of threePlans) await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan });
  const job = (await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 40_000 } })).json();
  t.equal(job.kind, 'pathway_projection', '3 × 40,000 × 132 = 15.8 million person-months runs as a job');
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/young-people/${person.id}` })).statusCode, 200);
  await app.jobs.settledWithin(job.id, 120_000);
  const finished = (await as('finance', { method: 'GET', url: `/v1/jobs/${job.id}` })).json();
  t.equal(finished.status, 'failed');
  t.equal(finished.error.status, 410, 'the record was erased meanwhile');
  t.equal((await app.db.selectFrom('pathway_projections').select('id').execute()).length, 0, 'nothing stored');
});
