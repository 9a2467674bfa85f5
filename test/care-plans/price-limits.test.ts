import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { residentialAged } from './fixtures.ts';

/**
 * One limit for a weekly price everywhere (£1,000,000, the record's): a fresh review of issue 12
 * recorded a placement at £999,999.99 a week (accepted), and the projection then answered 500 (its
 * answer checked against a £100,000 cap) while storing a projection no read could return.
 */
t.test('a placement at the highest price the record takes projects and reads back', async (t) => {
  const { as } = await buildTestApp(t);
  const person = await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(16, { placement: { type: 'residential', provider: 'private', distanceFromHomeMiles: 40, weeklyPrice: 999_999.99, startDate: `${new Date().getUTCFullYear() - 1}-06-15` } }) });
  t.equal(person.statusCode, 201, person.body.slice(0, 300));
  const id = person.json().id;
  t.equal((await as('finance', { method: 'POST', url: `/v1/young-people/${id}/care-plans`, payload: { name: 'Stay' } })).statusCode, 201);
  const run = await as('finance', { method: 'POST', url: `/v1/young-people/${id}/projections`, payload: { runs: 50, seed: 1 } });
  t.equal(run.statusCode, 201, run.body.slice(0, 300));
  t.equal(run.json().plans[0].plan.currentPlacementWeeklyPrice, 999_999.99);
  const read = await as('finance', { method: 'GET', url: run.headers.location as string });
  t.equal(read.statusCode, 200, read.body.slice(0, 300));
  t.equal(read.json().id, run.json().id);
});
