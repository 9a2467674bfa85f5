import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { residentialAged, thisMonth, threePlans } from './fixtures.ts';

const RUNS = 4000;
const SEED = 20261124;

async function personWithThreePlans(as: TestApp['as']) {
  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  const plans = [];
  for (const plan of threePlans) plans.push((await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan })).json());
  return { person, plans };
}

const relativeClose = (a: number, b: number, tolerance = 1e-9) => Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));

t.test('three plans projected, stored, fetched, reproduced and compared', async (t) => {
  const { app, as } = await buildTestApp(t);
  const { person, plans } = await personWithThreePlans(as);
  const [stay, stepDown, supported] = plans;

  const response = await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: RUNS, seed: SEED } });
  t.equal(response.statusCode, 201, response.body.slice(0, 400));
  const projection = response.json();
  t.equal(response.headers.location, `/v1/pathway-projections/${projection.id}`);
  t.equal(projection.seed, SEED);
  t.equal(projection.runs, RUNS);
  t.equal(projection.startMonth, thisMonth());
  t.equal(projection.ageMonths, 14 * 12);
  t.equal(projection.months, 11 * 12, 'to the 25th birthday');
  t.same(projection.model, { id: 'england-default', version: projection.model.version, hash: projection.model.hash });
  t.same(projection.plans.map((p: { planId: string }) => p.planId), [stay.id, stepDown.id, supported.id], 'the current course first');
  t.equal(projection.plans[0].plan.currentPlacementWeeklyPrice, 6800, 'staying in today’s placement costs its actual price from the record');
  t.equal(projection.plans[0].plan.startState, 'residential', 'the current state, filled in');
  t.same(projection.result.plans.map((p: { name: string }) => p.name), threePlans.map((p) => p.name));

  // Each plan's Monte Carlo mean meets its exact expectation.
  for (const plan of projection.result.plans) {
    const mc = plan.total.discounted;
    t.ok(Math.abs(mc.mean - plan.expectedCost.total.discounted) <= 5 * mc.se, `${plan.name}: MC ${Math.round(mc.mean)} ± ${Math.round(mc.se)} vs exact ${Math.round(plan.expectedCost.total.discounted)}`);
  }

  // Paired savings: the mean of the differences is the difference of the means.
  const [stayResult, ...others] = projection.result.plans;
  t.equal(projection.result.comparisons.length, 2);
  for (const comparison of projection.result.comparisons) {
    const other = others.find((p: { name: string }) => p.name === comparison.plan);
    t.equal(comparison.against, 'Stay in residential');
    for (const basis of ['discounted', 'cash'] as const) {
      const difference = stayResult.total[basis].mean - other.total[basis].mean;
      // Each mean is rounded to the penny: they agree within a penny.
      t.ok(Math.abs(comparison[basis].saving.mean - difference) <= 0.011, `${comparison.plan} ${basis}: ${comparison[basis].saving.mean} = ${difference}`);
      t.ok(comparison[basis].probabilityCheaper >= 0 && comparison[basis].probabilityCheaper <= 1);
      t.ok(comparison[basis].saving.p5 <= comparison[basis].saving.mean && comparison[basis].saving.mean <= comparison[basis].saving.p95);
    }
  }
  const stepDownComparison = projection.result.comparisons.find((c: { plan: string }) => c.plan === 'Step down to foster care');
  t.ok(stepDownComparison.discounted.saving.mean > 0, 'stepping down to foster care saves money');
  t.ok(stepDownComparison.discounted.probabilityCheaper > 0.5, 'and is cheaper in most runs');

  // Fetched again: the same document.
  const fetched = await as('head_of_service', { method: 'GET', url: `/v1/pathway-projections/${projection.id}` });
  t.equal(fetched.statusCode, 200);
  t.same(fetched.json(), projection, 'the stored projection reads back whole');

  // The same seed gives the same numbers.
  const again = (await as('commissioning', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: RUNS, seed: SEED } })).json();
  t.not(again.id, projection.id);
  t.same(again.result, projection.result, 'same seed, identical numbers');

  // A re-run from the stored inputs, even after the plans and the record have changed, is identical.
  await as('finance', { method: 'PATCH', url: `/v1/young-people/${person.id}/care-plans/${stepDown.id}`, payload: { moves: [{ month: 6, to: 'inhouse_foster' }], interventions: [] } });
  await as('finance', { method: 'PATCH', url: `/v1/young-people/${person.id}`, payload: { version: 1, placement: { ...person.placement, weeklyPrice: 7100 } } });
  const rerun = await as('finance', { method: 'POST', url: `/v1/pathway-projections/${projection.id}/rerun` });
  t.equal(rerun.statusCode, 201, rerun.body.slice(0, 300));
  t.equal(rerun.json().rerunOf, projection.id);
  t.equal(rerun.json().matchesOriginal, true);
  t.same(rerun.json().result, projection.result, 'bit-identical re-run');
  t.same(rerun.json().plans, projection.plans, 'from the stored plans, not today’s');
  const changed = (await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: RUNS, seed: SEED } })).json();
  t.equal(changed.plans[0].plan.currentPlacementWeeklyPrice, 7100, 'a new run uses today’s record');
  t.not(changed.result.plans[0].total.cash.mean, projection.result.plans[0].total.cash.mean);

  // The comparison view for a head of service.
  const comparison = await as('head_of_service', { method: 'GET', url: `/v1/pathway-projections/${projection.id}/comparison` });
  t.equal(comparison.statusCode, 200, comparison.body.slice(0, 300));
  const view = comparison.json();
  t.same(view.cheapest, { planId: stepDown.id, name: 'Step down to foster care' }, 'the cheaper plan identified');
  t.same(
    view.plans.map((p: { name: string; discounted: { best: number; expected: number; worst: number } }) => [p.name, p.discounted.best, p.discounted.expected, p.discounted.worst]),
    projection.result.plans.map((p: { name: string; total: { discounted: { p10: number; mean: number; p90: number } } }) => [p.name, p.total.discounted.p10, p.total.discounted.mean, p.total.discounted.p90]),
    'best case P10, expected the mean, worst case P90',
  );
  const stepDownView = view.comparisons.find((c: { planId: string }) => c.planId === stepDown.id);
  t.match(stepDownView.statements.discounted, /^In present value, Step down to foster care costs less than the current course in \d+% of runs; expected saving £[\d,]+, 90% interval -?£[\d,]+ to £[\d,]+\.$/);
  t.match(stepDownView.statements.cash, /^In cash \(undiscounted\), Step down to foster care costs less than the current course in \d+% of runs; expected (saving|extra cost) £[\d,]+, 90% interval -?£[\d,]+ to -?£[\d,]+\.$/);
  t.equal(stepDownView.drivers.byAgency[0].agency, 'childrens_social_care', 'placements, paid by children’s social care, make the difference');
  t.equal(stepDownView.drivers.byState[0].state, 'residential');
  const sizes = stepDownView.drivers.byAgency.map((a: { discountedSaving: number }) => Math.abs(a.discountedSaving));
  t.same(sizes, [...sizes].sort((a, b) => b - a), 'drivers largest first');
  t.ok(view.summary.some((s: string) => s.startsWith('Step down to foster care has the lowest expected cost')));

  // Listed, newest first, without results.
  const list = (await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/projections` })).json();
  t.equal(list.total, 4);
  t.notOk('result' in list.items[0]);
  t.ok(list.items.some((i: { id: string }) => i.id === projection.id));

  // Every run audited, with no personal data.
  const audit = (await as('admin', { method: 'GET', url: '/v1/audit-events?resourceType=pathway_projection&limit=100' })).json();
  t.same(audit.items.map((e: { action: string }) => e.action).sort(), ['pathway_projection.rerun', 'pathway_projection.run', 'pathway_projection.run', 'pathway_projection.run']);
  t.notOk(JSON.stringify(audit).includes(person.reference));
  const row = await app.db.selectFrom('pathway_projections').selectAll().where('id', '=', projection.id).executeTakeFirstOrThrow();
  t.notOk(JSON.stringify(row).includes(person.reference), 'the stored projection never holds the reference');
  t.equal(Number(row.seed), SEED);
});

t.test('a chosen subset is projected with the current course first; a seed is chosen when none is given', async (t) => {
  const { as } = await buildTestApp(t);
  const { person, plans } = await personWithThreePlans(as);
  const response = await as('finance', {
    method: 'POST',
    url: `/v1/young-people/${person.id}/projections`,
    payload: { planIds: [plans[2].id], runs: 500, discountRate: 0 },
  });
  t.equal(response.statusCode, 201, response.body.slice(0, 300));
  const projection = response.json();
  t.same(projection.plans.map((p: { name: string }) => p.name), ['Stay in residential', 'Supported accommodation at 16']);
  t.ok(Number.isInteger(projection.seed), 'the chosen seed is returned');
  t.equal(projection.discountRate, 0);
  for (const plan of projection.result.plans) {
    t.ok(relativeClose(plan.total.discounted.mean, plan.total.cash.mean, 1e-12), 'a zero discount rate makes present value equal cash');
  }
});

t.test('bad requests answer problem+json, and nothing is stored', async (t) => {
  const { app, as } = await buildTestApp(t);
  const { person } = await personWithThreePlans(as);
  const other = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(15) })).json();
  const othersPlan = (await as('finance', { method: 'POST', url: `/v1/young-people/${other.id}/care-plans`, payload: { name: 'Theirs' } })).json();
  const url = `/v1/young-people/${person.id}/projections`;
  const cases: Array<[string, string, Record<string, unknown>, number, string | null]> = [
    ['runs over the limit', url, { runs: 100_001 }, 400, 'body/runs'],
    ['runs not a number', url, { runs: 'many' }, 400, 'body/runs'],
    ['seed not an integer', url, { seed: 1.5 }, 400, 'body/seed'],
    ['seed negative', url, { seed: -1 }, 400, 'body/seed'],
    ['a plan of another young person', url, { planIds: [othersPlan.id] }, 422, 'body/planIds/0'],
    ['unknown model', url, { model: 'nowhere' }, 422, 'body/model'],
    ['unknown version of a known model', url, { modelVersion: '9.9.9' }, 422, 'body/modelVersion'],
    ['unknown model at some version', url, { model: 'nowhere', modelVersion: '9.9.9' }, 422, 'body/model'],
    ['empty model version', url, { modelVersion: '' }, 400, 'body/modelVersion'],
    ['start before birth', url, { startMonth: '2000-01' }, 422, 'body/startMonth'],
    ['start after the 25th birthday', url, { startMonth: '2045-01' }, 422, 'body/startMonth'],
    ['discount rate out of range', url, { discountRate: 0.5 }, 400, 'body/discountRate'],
    ['unknown field', url, { colour: 'blue' }, 400, 'body/colour'],
    ['unknown price base', url, { priceBase: 'outturn' }, 400, 'body/priceBase'],
    ['unknown young person', '/v1/young-people/00000000-0000-4000-8000-000000000000/projections', {}, 404, null],
    ['a young person with no plans', `/v1/young-people/${(await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(16) })).json().id}/projections`, {}, 422, 'carePlans'],
  ];
  for (const [label, target, payload, status, field] of cases) {
    const response = await as('finance', { method: 'POST', url: target, payload });
    t.equal(response.statusCode, status, `${label}: ${status}`);
    t.match(response.headers['content-type'], /application\/problem\+json/, label);
    if (field) {
      const fields = (response.json().errors ?? []).map((e: { field: string }) => e.field);
      t.ok(fields.includes(field), `${label}: names ${field} (got ${fields.join(', ')})`);
    }
    t.notMatch(response.body, /nowhere|9\.9\.9/, `${label}: the answer does not quote the request`);
  }
  t.equal((await app.db.selectFrom('pathway_projections').select('id').execute()).length, 0, 'no projection stored');
  t.equal((await app.db.selectFrom('jobs').select('id').execute()).length, 0, 'no job started');
  t.equal((await as('finance', { method: 'GET', url: '/v1/pathway-projections/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
  t.equal((await as('finance', { method: 'POST', url: '/v1/pathway-projections/00000000-0000-4000-8000-000000000000/rerun' })).statusCode, 404);
});

t.test('a plan that no longer fits when projected is refused naming the plan', async (t) => {
  const { app, as } = await buildTestApp(t);
  const { person, plans } = await personWithThreePlans(as);
  // Projected from a year ago, when they were 13, the move in month 24 lands at 15: too young for
  // supported accommodation. (The same check catches a plan that a changed model no longer allows.)
  const today = new Date();
  const earlier = `${today.getUTCFullYear() - 1}-${String(today.getUTCMonth() + 1).padStart(2, '0')}`;
  const response = await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 100, startMonth: earlier } });
  t.equal(response.statusCode, 422);
  t.same(response.json().errors.map((e: { field: string }) => e.field), [`carePlans/${plans[2].id}/moves/0/to`]);
  t.equal((await app.db.selectFrom('pathway_projections').select('id').execute()).length, 0);
});

t.test('who may run and read a young person’s projections', async (t) => {
  const { as } = await buildTestApp(t);
  const { person } = await personWithThreePlans(as);
  const projection = (await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 200, seed: 1 } })).json();
  for (const role of ['finance', 'commissioning', 'head_of_service', 'admin'] as const) {
    t.equal((await as(role, { method: 'GET', url: `/v1/pathway-projections/${projection.id}` })).statusCode, 200, `${role} reads the projection`);
    t.equal((await as(role, { method: 'GET', url: `/v1/pathway-projections/${projection.id}/comparison` })).statusCode, 200, `${role} reads the comparison`);
    t.equal((await as(role, { method: 'GET', url: `/v1/young-people/${person.id}/projections` })).statusCode, 200, `${role} lists projections`);
  }
  t.equal((await as('commissioning', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 200 } })).statusCode, 201, 'commissioning runs projections');
  for (const request of [
    { method: 'GET' as const, url: `/v1/pathway-projections/${projection.id}` },
    { method: 'GET' as const, url: `/v1/pathway-projections/${projection.id}/comparison` },
    { method: 'GET' as const, url: `/v1/young-people/${person.id}/projections` },
    { method: 'POST' as const, url: `/v1/young-people/${person.id}/projections`, payload: { runs: 200 } },
    { method: 'POST' as const, url: `/v1/pathway-projections/${projection.id}/rerun` },
  ]) {
    const response = await as('board', request);
    t.equal(response.statusCode, 403, `the board: ${request.method} ${request.url}`);
  }
});

t.test('a pathway projection in current prices: stored, stated in the comparison, reproduced', async (t) => {
  const { as } = await buildTestApp(t);
  const { person } = await personWithThreePlans(as);
  const [year, month] = thisMonth().split('-').map(Number);
  const fy = month >= 4 ? year : year - 1;
  const current = `${fy}-${String((fy + 1) % 100).padStart(2, '0')}`;
  const response = await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 200, seed: SEED, priceBase: 'current' } });
  t.equal(response.statusCode, 201, response.body.slice(0, 400));
  const projection = response.json();
  const money = projection.result.money;
  t.equal(money.priceBaseKind, 'current');
  t.equal(money.priceBase, current, 'figures in the prices of the first financial year');
  t.equal(money.modelPriceBase, '2024-25');
  t.equal(money.deflator.appliedTo, 'model costs');
  t.equal(money.deflator.source, 'obr_efo_march_2025');
  // The uprating factor is index(current) / index(2024-25) from the default model's own table.
  const model = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../models/england-default.json'), 'utf8'));
  const indexOf = (label: string) => model.deflator.index.find((r: { financialYear: string }) => r.financialYear === label)?.index ?? model.deflator.index.at(-1).index;
  t.equal(money.deflator.factors[0].factor, Math.round((indexOf(current) / 112.375) * 1e6) / 1e6, `uprated by index(${current}) / 112.375`);
  const comparison = (await as('head_of_service', { method: 'GET', url: `/v1/pathway-projections/${projection.id}/comparison` })).json();
  t.same(comparison.money, money, 'the comparison states the same basis');
  const rerun = await as('finance', { method: 'POST', url: `/v1/pathway-projections/${projection.id}/rerun` });
  t.equal(rerun.json().matchesOriginal, true, 'the price base is stored with the inputs');
  t.equal(rerun.json().result.money.priceBaseKind, 'current');
});
