import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';
import { edgeOfCareRecord, residentialRecord } from './records.ts';

/**
 * Finding a young person (issue 18): part of a reference ignoring case, and whether they have care
 * plans or a stored projection, combined with the existing filters; each item says how many
 * plans and projections it has. Expectations are the records made here, counted by hand.
 */

t.test('search by part of a reference and by plans and projections, with counts', async (t) => {
  const { as } = await buildTestApp(t);
  const create = async (payload: Record<string, unknown>) => {
    const response = await as('finance', { method: 'POST', url: '/v1/young-people', payload });
    t.equal(response.statusCode, 201);
    return response.json() as { id: string; reference: string };
  };
  // Five records: two with plans (one of them also with a projection), three without.
  const planned = await create(residentialAged(14, { reference: 'NV-104233' }));
  const projected = await create(residentialAged(15, { reference: 'nv-204_7' }));
  const plain = await create(residentialRecord({ reference: 'XB-1042' }));
  const edge = await create(edgeOfCareRecord({ reference: 'NVA9' }));
  const other = await create(edgeOfCareRecord({ reference: 'Q_1' }));
  for (const plan of threePlans) {
    t.equal((await as('finance', { method: 'POST', url: `/v1/young-people/${planned.id}/care-plans`, payload: plan })).statusCode, 201);
  }
  for (const plan of threePlans.slice(0, 2)) {
    t.equal((await as('finance', { method: 'POST', url: `/v1/young-people/${projected.id}/care-plans`, payload: plan })).statusCode, 201);
  }
  t.equal((await as('head_of_service', { method: 'POST', url: `/v1/young-people/${projected.id}/projections`, payload: { runs: 200, seed: 3 } })).statusCode, 201);

  type Item = { id: string; reference: string; carePlanCount: number; projectionCount: number };
  const list = async (query: string) => {
    const response = await as('commissioning', { method: 'GET', url: `/v1/young-people?${query}` });
    t.equal(response.statusCode, 200, query);
    return response.json() as { items: Item[]; total: number };
  };
  const refs = async (query: string) => (await list(query)).items.map((i) => i.reference);

  // Ordered by reference as PostgreSQL compares them; the sets are what matter here.
  t.same((await refs('referenceContains=nv')).sort(), ['NV-104233', 'NVA9', 'nv-204_7'].sort(), 'ignores case');
  t.same(await refs('referenceContains=1042'), ['NV-104233', 'XB-1042'].sort());
  // "_" is a character, not LIKE's wildcard: "4_7" matches nv-204_7 only, and "_" alone two references.
  t.same(await refs('referenceContains=4_7'), ['nv-204_7']);
  t.same((await refs('referenceContains=_')).sort(), ['Q_1', 'nv-204_7'].sort());
  t.same(await refs('referenceContains=zzz'), []);

  t.same((await refs('hasCarePlans=true')).sort(), ['NV-104233', 'nv-204_7'].sort());
  t.same((await refs('hasCarePlans=false')).sort(), ['NVA9', 'Q_1', 'XB-1042'].sort());
  t.same(await refs('hasProjection=true'), ['nv-204_7']);
  t.equal((await list('hasProjection=false')).total, 4);
  t.same(await refs('hasCarePlans=true&hasProjection=false'), ['NV-104233'], 'filters combine');
  t.same(await refs('referenceContains=nv&careState=edge_of_care'), ['NVA9'], 'with the existing filters');
  t.same((await refs('referenceContains=NV&minAge=15&maxAge=15')), ['nv-204_7']);

  const counts = Object.fromEntries((await list('limit=10')).items.map((i) => [i.id, [i.carePlanCount, i.projectionCount]]));
  t.same(counts, { [planned.id]: [3, 0], [projected.id]: [2, 1], [plain.id]: [0, 0], [edge.id]: [0, 0], [other.id]: [0, 0] });

  for (const [bad, field] of [
    ['hasCarePlans=perhaps', 'hasCarePlans'],
    ['hasProjection=2', 'hasProjection'],
    ['referenceContains=a%25b', 'referenceContains'],
    ['referenceContains=', 'referenceContains'],
    [`referenceContains=${'a'.repeat(65)}`, 'referenceContains'],
  ]) {
    const response = await as('finance', { method: 'GET', url: `/v1/young-people?${bad}` });
    t.equal(response.statusCode, 400, bad);
    t.match(response.headers['content-type'], /application\/problem\+json/);
    t.match(JSON.stringify(response.json()), field, `${bad}: names ${field}`);
  }
  t.equal((await as('board', { method: 'GET', url: '/v1/young-people?referenceContains=nv' })).statusCode, 403, 'the board never lists individuals');
});
