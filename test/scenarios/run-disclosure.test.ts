import t from 'tap';
import { MIN_COHORT_FOR_AGGREGATE_ROLES } from '../../src/services/disclosure-view.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { pollJob, record, smallScenario } from './fixtures.ts';

/**
 * Issue 14 review: the board must not work out money for fewer than 5 children from a run's
 * totals. (1) An intervention used by fewer than 5 has its cost withheld, but the run's present
 * costs (overall and by agency) include it and the investment is published, so cost = total -
 * investment: such a run is refused to the board as a small cohort is. (2) Two runs whose cohorts
 * differ by 1-9 young people compared side by side give those children's spend by subtraction:
 * refused to the board.
 */

async function add(as: TestApp['as'], records: Array<Record<string, unknown>>) {
  for (const payload of records) {
    const response = await as('finance', { method: 'POST', url: '/v1/young-people', payload });
    if (response.statusCode !== 201) throw new Error(response.body);
  }
}

async function run(as: TestApp['as'], id: string, seed: number): Promise<string> {
  const started = await as('commissioning', { method: 'POST', url: `/v1/scenarios/${id}/runs`, payload: { runs: 50, seed } });
  if (started.statusCode !== 202) throw new Error(started.body);
  const job = await pollJob(as, started.json().id);
  if (job.status !== 'succeeded') throw new Error(JSON.stringify(job));
  return job.result.id as string;
}

// Twelve young people: ten on the edge of care or on a plan, one in residential care, one in IFA foster care.
const twelve = () => [
  ...[2010, 2011, 2011, 2012, 2012, 2013, 2013, 2014, 2014].map((y) => record(y, 'edge_of_care')),
  record(2011, 'cin_cp'),
  record(2012, 'residential'),
  record(2013, 'ifa_foster'),
];

t.test('a run with an intervention used by fewer than 5 is refused to the board as a small cohort is', async (t) => {
  const { as } = await buildTestApp(t);
  await add(as, twelve());
  // The reviewer's reproduction, on this cohort: therapeutic step-down (residential and foster
  // care only: one or two children) and a £40,000 investment in 2026-27, 50 runs, seed 1.
  const scenario = smallScenario({
    id: 'step-down',
    strategy: {
      name: 'Therapeutic step-down',
      interventions: [{ id: 'therapeutic_step_down', capacityPerYear: 10 }],
      investment: [{ year: '2026-27', agency: 'childrens_social_care', amount: 40000, label: 'Set-up' }],
    },
  });
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: scenario })).statusCode, 201);
  const id = await run(as, 'step-down', 1);

  // Finance (individual access) reads it: the intervention's places are between 1 and 4, and the
  // present costs include its cost, so the check below can fail.
  const open = await as('finance', { method: 'GET', url: `/v1/scenario-runs/${id}` });
  t.equal(open.statusCode, 200);
  const iv = open.json().result.interventions.find((i: { intervention: string }) => i.intervention === 'therapeutic_step_down');
  t.ok(iv.delivered.mean > 0 && iv.delivered.mean < 5, `delivered places ${iv.delivered.mean} are between 0 and 5`);
  t.equal(open.json().cohort.size, 12, 'the cohort is not under the minimum: the intervention alone refuses it');

  for (const url of [`/v1/scenario-runs/${id}`, `/v1/packs/preview?runs=${id}`, `/v1/scenario-runs/${id}/pack`]) {
    const response = await as('board', { method: 'GET', url });
    t.equal(response.statusCode, 403, `${url}: refused to the board`);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(response.json().detail, /an intervention used by fewer than 5 young people/, `${url}: names the reason`);
  }
  const second = await run(as, 'step-down', 2);
  const compare = await as('board', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${id},${second}` });
  t.equal(compare.statusCode, 403, 'compare refused to the board');
  t.match(compare.json().detail, /an intervention used by fewer than 5/);
  t.equal((await as('finance', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${id},${second}` })).statusCode, 200, 'finance compares them');
  t.equal((await as('finance', { method: 'GET', url: `/v1/packs/preview?runs=${id}` })).statusCode, 200, 'finance previews the pack');

  const list = (await as('board', { method: 'GET', url: '/v1/scenario-runs?scenario=step-down' })).json();
  t.equal(list.items.length, 2);
  for (const item of list.items) t.match(item, { cohort: { size: 12 }, headline: { netPresentValueMean: null, probabilityBenefitsExceedCosts: null } }, 'listed without its money');
  const financeList = (await as('finance', { method: 'GET', url: '/v1/scenario-runs?scenario=step-down' })).json();
  t.type(financeList.items[0].headline.netPresentValueMean, 'number', 'finance lists the headline');
});

t.test('the board may not compare runs whose cohorts differ by 1 to 9 young people', async (t) => {
  const { as } = await buildTestApp(t);
  await add(as, twelve());
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'whole' }) })).statusCode, 201);
  const before = await run(as, 'whole', 1);
  await add(as, [record(2011, 'edge_of_care'), record(2012, 'edge_of_care')]);
  const after = await run(as, 'whole', 1);

  // Each run alone is readable by the board (cohorts of 12 and 14, MST used by 5 or more).
  for (const id of [before, after]) t.equal((await as('board', { method: 'GET', url: `/v1/scenario-runs/${id}` })).statusCode, 200, 'each run alone is readable');
  const sizes = await Promise.all([before, after].map(async (id) => (await as('finance', { method: 'GET', url: `/v1/scenario-runs/${id}` })).json().cohort.size));
  t.same(sizes, [12, 14]);

  for (const url of [`/v1/scenario-runs/compare?ids=${before},${after}&allowDifferentCohorts=true`, `/v1/packs/preview?runs=${before},${after}&allowDifferentCohorts=true`]) {
    const response = await as('board', { method: 'GET', url });
    t.equal(response.statusCode, 403, `${url}: refused to the board`);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(response.json().detail, new RegExp(`cohorts differ by fewer than ${MIN_COHORT_FOR_AGGREGATE_ROLES} young people`));
    t.equal((await as('finance', { method: 'GET', url })).statusCode, 200, `${url}: finance reads it`);
  }
});

t.test('the board may not compare runs over cohorts of the same size whose hashes differ (one record changed)', async (t) => {
  // A review's case: one child's recorded uplift, read by the board as the difference of two runs
  // over the same twelve people. The sizes are equal, so the 1-9 rule above did not see it.
  const { as } = await buildTestApp(t);
  await add(as, twelve());
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'whole' }) })).statusCode, 201);
  const before = await run(as, 'whole', 1);
  const again = await run(as, 'whole', 2);
  const list = await as('finance', { method: 'GET', url: '/v1/young-people?careState=residential' });
  t.equal(list.statusCode, 200, list.body.slice(0, 300));
  const resident = list.json().items[0];
  const uplift = await as('finance', {
    method: 'PATCH',
    url: `/v1/young-people/${resident.id}`,
    payload: { version: resident.version, placement: { ...resident.placement, priceChanges: [{ from: '2027-04-01', weeklyPrice: 9100 }] } },
  });
  t.equal(uplift.statusCode, 200, uplift.body.slice(0, 400));
  const after = await run(as, 'whole', 1);
  const cohorts = await Promise.all([before, again, after].map(async (id) => (await as('finance', { method: 'GET', url: `/v1/scenario-runs/${id}` })).json().cohort));
  t.same(cohorts.map((c) => c.size), [12, 12, 12], 'three runs over twelve young people');
  t.equal(cohorts[0].hash, cohorts[1].hash, 'the first two over the same records');
  t.not(cohorts[2].hash, cohorts[0].hash, 'the third after one record changed');

  for (const [ids, status] of [
    [`${before},${after}`, 403],
    [`${before},${again}`, 200],
  ] as const) {
    for (const url of [`/v1/scenario-runs/compare?ids=${ids}&allowDifferentCohorts=true`, `/v1/packs/preview?runs=${ids}&allowDifferentCohorts=true`]) {
      const response = await as('board', { method: 'GET', url });
      t.equal(response.statusCode, status, `${url}: ${status === 403 ? 'refused to the board' : 'the same cohort: the board reads it'}`);
      if (status === 403) {
        t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
        t.match(response.json().detail, /same size but not the same young people or records/);
        t.equal((await as('finance', { method: 'GET', url })).statusCode, 200, `${url}: finance reads it`);
      }
    }
  }
});
