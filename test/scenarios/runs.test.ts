import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { scenarioResultView } from '../../src/finance/scenario-view.ts';
import { buildTestApp } from '../helpers/app.ts';
import { addCohort, pollJob, record, runAndWait, smallScenario } from './fixtures.ts';

const packageVersion = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
const PERCENTILES = ['p5', 'p10', 'p50', 'p90', 'p95'] as const;

/** Every Summary (an object with p5..p95) anywhere in the result, with its path. */
function summaries(value: unknown, path = ''): Array<[string, Record<string, number>]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => summaries(v, `${path}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  if (PERCENTILES.every((p) => typeof object[p] === 'number')) return [[path, object as Record<string, number>]];
  return Object.entries(object).flatMap(([k, v]) => summaries(v, `${path}/${k}`));
}

t.test('runScenario: a job that stores the run; getScenarioRun has the documented figures', async (t) => {
  const { app, as } = await buildTestApp(t);
  await addCohort(as);
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario() })).statusCode, 201);

  const started = await as('commissioning', { method: 'POST', url: '/v1/scenarios/small-mst/runs' });
  t.equal(started.statusCode, 202, 'no body: the scenario’s runs and seed');
  const job = started.json();
  t.equal(started.headers.location, `/v1/jobs/${job.id}`);
  t.equal(job.kind, 'scenario_run');
  const done = await pollJob(as, job.id);
  t.equal(done.status, 'succeeded', JSON.stringify(done));
  t.equal(done.progress, 1);
  t.equal(done.result.type, 'scenario_run');
  t.match(done.result.href, /^\/v1\/scenario-runs\/[0-9a-f-]{36}$/);
  t.equal((await as('board', { method: 'GET', url: `/v1/jobs/${job.id}` })).statusCode, 200, 'the board may follow a scenario job: aggregates only');

  const response = await as('head_of_service', { method: 'GET', url: done.result.href });
  t.equal(response.statusCode, 200);
  const run = response.json();
  t.match(run, {
    scenario: { id: 'small-mst', version: '1.0.0', name: 'A small MST team' },
    model: { id: 'england-default', version: '1.6.0', name: 'England default' },
    seed: 11,
    runs: 30,
    cohort: { size: 6 },
    softwareVersion: packageVersion,
    jobId: job.id,
    inputs: { firstYear: '2026-27', planningYears: 3, lifetimeYears: 6, entrantBands: 0, strategy: 'MST team', parameterUncertainty: true },
  });
  t.match(run.cohort.hash, /^[0-9a-f]{64}$/);
  t.same(run.inputs.scenario, smallScenario(), 'the scenario exactly as run');

  const result = run.result;
  t.same(result.spend.byYear.map((y: { financialYear: string }) => y.financialYear), ['2026-27', '2027-28', '2028-29'], 'one row per planning year');
  t.equal(result.spend.byYearAgency.length, 3 * 6, 'per year and per agency');
  for (const year of result.spend.byYear) {
    // The saving is taken run by run, so its mean is the difference of the means.
    t.ok(Math.abs(year.saving.mean - (year.baseline.mean - year.strategy.mean)) < 1e-6 * Math.max(1, year.baseline.mean), `${year.financialYear}: saving = baseline − strategy`);
    const agencies = result.spend.byYearAgency.filter((a: { financialYear: string }) => a.financialYear === year.financialYear);
    const sum = agencies.reduce((s: number, a: { baseline: { mean: number } }) => s + a.baseline.mean, 0);
    t.ok(Math.abs(sum - year.baseline.mean) < 1e-6 * Math.max(1, year.baseline.mean), `${year.financialYear}: agencies add up to the year`);
    t.ok(year.baseline.mean > 0, `${year.financialYear}: the cohort costs something`);
  }
  // £20,000 of set-up in 2026-27 is strategy spend outside the model.
  t.ok(result.spend.byYear[0].strategy.min >= 20000, 'the investment is in the strategy’s spend');
  const its = result.investToSave;
  for (const key of ['netPresentValue', 'presentBenefits', 'presentCosts', 'cashableBenefits', 'nonCashableBenefits']) t.type(its[key].mean, 'number', key);
  // Ratios of totals: every run bears the set-up cost, so the PV of costs is positive and the ratio defined.
  // The means are rounded to the penny, hence the tolerance.
  t.ok(Math.abs(its.benefitCostRatio - its.presentBenefits.mean / its.presentCosts.mean) < 1e-6, `BCR ${its.benefitCostRatio} = PV benefits / PV costs`);
  t.ok(Math.abs(its.returnOnInvestment - its.netPresentValue.mean / its.presentCosts.mean) < 1e-6, 'ROI = (PV benefits − PV costs) / PV costs');
  t.equal(its.ratioSpreadOverRuns.runsWithCosts, result.runs, 'the spread over runs is labelled with the runs it covers');
  t.ok(Math.abs(its.cash.net.mean - its.netByYear.reduce((s: number, y: { net: { mean: number } }) => s + y.net.mean, 0)) < 0.01 * its.netByYear.length + 0.01, 'net cash is the undiscounted sum of net by year');
  t.ok(its.probabilityBenefitsExceedCosts >= 0 && its.probabilityBenefitsExceedCosts <= 1);
  t.equal(its.payback.byYear.length, 6, 'payback year as a distribution over the lifetime horizon');
  const paybackTotal = its.payback.byYear.reduce((s: number, y: { probability: number }) => s + y.probability, its.payback.probabilityNever);
  // Each probability is answered to 6 decimals (src/finance/money.ts), so 7 of them sum to 1 within 7 × 5e-7.
  t.ok(Math.abs(paybackTotal - 1) <= 7 * 5e-7 + 1e-12, 'payback probabilities sum to 1');
  t.same(its.byAgency.map((a: { agency: string }) => a.agency).length, 6, 'who invests and who saves, by agency');
  t.ok(its.presentCosts.min >= 20000 * 0.99, 'every run bears the set-up cost');
  t.equal(result.inCare.length, 3);
  t.ok(result.counts.length > 0 && result.counts.every((c: { financialYear: string; state: string }) => c.financialYear && c.state));
  const measures = result.outcomes.map((o: { measure: string }) => o.measure);
  for (const measure of ['months_in_residential', 'placement_moves', 'neet_months_19_21', 'months_in_custody']) t.ok(measures.includes(measure), `outcome ${measure}`);
  t.same(result.interventions.map((i: { intervention: string }) => i.intervention), ['mst']);
  t.ok(result.sensitivity.length > 0, 'a tornado');
  const strengths = result.sensitivity.map((s: { rankCorrelation: number }) => Math.abs(s.rankCorrelation));
  t.same(strengths, [...strengths].sort((a, b) => b - a), 'strongest driver first');
  t.same(result.planning.offers.map((o: { intervention: string }) => o.intervention), ['mst']);
  const all = summaries(result);
  t.ok(all.length > 50);
  for (const [path, s] of all) {
    if (!(s.min <= s.p5 && s.p5 <= s.p10 && s.p10 <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p95 && s.p95 <= s.max)) t.fail(`${path}: percentiles out of order`);
  }

  // What is served is what was stored, as every answer shows it (rounded at the edge, planning
  // totals the sum of their years): the response schema drops nothing.
  const row = await app.db.selectFrom('scenario_runs').selectAll().executeTakeFirstOrThrow();
  t.same(result, scenarioResultView(row.result as never), 'served exactly as stored, rounded at the edge');
  t.equal(row.job_id, job.id);
  t.equal(row.scenario_hash, run.scenario.hash);
  const audit = await app.db.selectFrom('audit_events').selectAll().where('action', '=', 'scenario.run').execute();
  t.equal(audit.length, 1);
  t.equal(audit[0].resource_id, run.id);
  t.match(audit[0].detail, { scenarioId: 'small-mst', runs: 30, seed: 11, jobId: job.id });

  const list = (await as('head_of_service', { method: 'GET', url: '/v1/scenario-runs?scenario=small-mst' })).json();
  t.equal(list.total, 1);
  t.match(list.items[0], { id: run.id, headline: { netPresentValueMean: its.netPresentValue.mean, probabilityBenefitsExceedCosts: its.probabilityBenefitsExceedCosts } });
  t.equal((await as('head_of_service', { method: 'GET', url: '/v1/scenario-runs?scenario=other' })).json().total, 0);
  t.equal((await as('head_of_service', { method: 'GET', url: '/v1/scenario-runs/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
});

t.test('the cohort: filters at 1 April of the first year, erased records left out, and its hash by the documented formula', async (t) => {
  const { app, as } = await buildTestApp(t);
  const ids = await addCohort(as);
  // Born January 2013 and 2012: 13 and 14 on 1 April 2026. Only the first is 13.
  const filtered = smallScenario({ id: 'thirteen', cohort: { careStates: ['edge_of_care'], minAge: 13, maxAge: 13 } });
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: filtered })).statusCode, 201);
  const thirteen = await runAndWait(as, 'thirteen', { runs: 10 });
  const run = (await as('finance', { method: 'GET', url: thirteen.result.href })).json();
  t.equal(run.cohort.size, 1);
  // Age in months on 1 April 2026: (2026 × 12 + 3) − (2013 × 12 + 0) = 159; no placement.
  t.equal(run.cohort.hash, createHash('sha256').update('[[159,"edge_of_care",null]]').digest('hex'));

  const residential = smallScenario({ id: 'residential', cohort: { careStates: ['residential'] } });
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: residential })).statusCode, 201);
  const first = (await as('finance', { method: 'GET', url: (await runAndWait(as, 'residential', { runs: 10 })).result.href })).json();
  // Born January 2011 in residential care at £6,200 a week: 183 months.
  t.equal(first.cohort.hash, createHash('sha256').update('[[183,"residential",6200]]').digest('hex'));

  // Everyone, then with one record erased.
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'everyone' }) })).statusCode, 201);
  const before = (await as('finance', { method: 'GET', url: (await runAndWait(as, 'everyone', { runs: 10 })).result.href })).json();
  t.equal(before.cohort.size, 6);
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/young-people/${ids[0]}` })).statusCode, 200);
  const after = (await as('finance', { method: 'GET', url: (await runAndWait(as, 'everyone', { runs: 10 })).result.href })).json();
  t.equal(after.cohort.size, 5, 'an erased record never takes part');
  t.not(after.cohort.hash, before.cohort.hash);
  const stored = JSON.stringify(await app.db.selectFrom('scenario_runs').select(['inputs', 'result']).execute());
  for (const id of ids) t.notOk(stored.includes(id), 'no record id is stored with a run');
});

t.test('the same seed gives identical results; another seed does not', async (t) => {
  const { app, as } = await buildTestApp(t);
  await addCohort(as);
  const scenario = smallScenario({
    entrants: [{ fromYears: 11, toYears: 16, population: 9000, ratePer10000: 20, startingStates: { edge_of_care: 0.6, cin_cp: 0.4 } }],
    capacity: [{ state: 'inhouse_foster', places: 3, overflowTo: 'ifa_foster' }],
  });
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: scenario })).statusCode, 201);
  const a = await runAndWait(as, 'small-mst', { runs: 40, seed: 99 });
  const b = await runAndWait(as, 'small-mst', { runs: 40, seed: 99 });
  const c = await runAndWait(as, 'small-mst', { runs: 40, seed: 100 });
  const read = async (job: { result: { href: string } }) => (await as('finance', { method: 'GET', url: job.result.href })).json();
  const [ra, rb, rc] = [await read(a), await read(b), await read(c)];
  t.not(ra.id, rb.id);
  t.same(ra.result, rb.result, 'identical, figure by figure');
  t.equal(ra.cohort.hash, rb.cohort.hash);
  t.not(ra.result.investToSave.netPresentValue.mean, rc.result.investToSave.netPresentValue.mean, 'another seed, other draws');
  t.equal((await read(await runAndWait(as, 'small-mst', { runs: 10 }))).seed, 11, 'without a seed in the request, the scenario’s own');
  const { seed: _none, ...unseeded } = smallScenario({ id: 'unseeded' });
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: unseeded })).statusCode, 201);
  const seeds = [(await read(await runAndWait(as, 'unseeded', { runs: 10 }))).seed, (await read(await runAndWait(as, 'unseeded', { runs: 10 }))).seed];
  t.ok(seeds.every((seed) => Number.isSafeInteger(seed) && seed >= 0), 'without either, a random seed, stored and returned');
  t.not(seeds[0], seeds[1]);
  t.equal((await app.db.selectFrom('scenario_runs').select('id').execute()).length, 6);
});

t.test('compareScenarioRuns: side by side with differences; different cohorts refused unless allowed', async (t) => {
  const { as } = await buildTestApp(t);
  await addCohort(as);
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: smallScenario() })).statusCode, 201);
  const bigger = smallScenario({ id: 'bigger-mst', name: 'A bigger MST team', strategy: { name: 'Bigger', interventions: [{ id: 'mst', capacityPerYear: 30 }] } });
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: bigger })).statusCode, 201);
  const jobA = await runAndWait(as, 'small-mst', { runs: 30, seed: 5 });
  const jobB = await runAndWait(as, 'bigger-mst', { runs: 30, seed: 5 });
  const [a, b] = [jobA.result.id, jobB.result.id];
  const runA = (await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/${a}` })).json();
  const runB = (await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/${b}` })).json();

  const response = await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a},${b}` });
  t.equal(response.statusCode, 200, response.body);
  const comparison = response.json();
  t.same(comparison.runs.map((r: { id: string }) => r.id), [a, b]);
  t.equal(comparison.sameCohort, true);
  t.equal(comparison.sameSeed, true);
  const headlineA = comparison.runs[0].headline;
  t.same(headlineA.netPresentValue, { mean: runA.result.investToSave.netPresentValue.mean, p10: runA.result.investToSave.netPresentValue.p10, p90: runA.result.investToSave.netPresentValue.p90 });
  t.equal(headlineA.spendByYear.length, 3);
  t.equal(headlineA.probabilityBenefitsExceedCosts, runA.result.investToSave.probabilityBenefitsExceedCosts);
  t.equal(headlineA.payback.medianYear, runA.result.investToSave.payback.medianYear);
  t.ok(headlineA.topSensitivity.length <= 5);
  const difference = comparison.differences[0];
  t.equal(difference.run, b);
  t.equal(difference.against, a);
  // Answers are rounded to the penny, so a difference of two answers may differ from the answered difference by the float error of the subtraction.
  const penny = (x: number, y: number) => Math.abs(x - y) < 0.005;
  t.ok(penny(difference.netPresentValue.mean, runB.result.investToSave.netPresentValue.mean - runA.result.investToSave.netPresentValue.mean), 'NPV difference to the penny');
  t.ok(penny(difference.spendByYear[1].strategy.p90, runB.result.spend.byYear[1].strategy.p90 - runA.result.spend.byYear[1].strategy.p90), 'spend difference to the penny');
  t.equal(difference.spendByYear[0].baseline.mean, 0, 'the same cohort and seed: the same baseline');

  // A new young person changes the cohort: a run over it is refused beside the others…
  t.equal((await as('finance', { method: 'POST', url: '/v1/young-people', payload: record(2012, 'cin_cp') })).statusCode, 201);
  const jobC = await runAndWait(as, 'small-mst', { runs: 30, seed: 5 });
  const refused = await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a},${jobC.result.id}` });
  t.equal(refused.statusCode, 409);
  t.match(refused.headers['content-type'], /^application\/problem\+json/);
  t.match(refused.json().detail, /different cohorts.*allowDifferentCohorts=true/);
  // …unless the caller asks for it.
  const allowed = await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a},${b},${jobC.result.id}&allowDifferentCohorts=true` });
  t.equal(allowed.statusCode, 200);
  t.equal(allowed.json().sameCohort, false);
  t.equal(allowed.json().differences.length, 2);

  const unknown = await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a},00000000-0000-4000-8000-000000000000` });
  t.equal(unknown.statusCode, 404);
  t.match(unknown.json().detail, /00000000-0000-4000-8000-000000000000/);
  t.equal((await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a},${a}` })).statusCode, 400, 'a run twice');
  t.equal((await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a}` })).statusCode, 400, 'one run is not a comparison');
});

t.test('a cancelled scenario job stores nothing', async (t) => {
  const { app, as } = await buildTestApp(t);
  await addCohort(as);
  const long = smallScenario({
    lifetimeYears: 20,
    runs: 20000,
    entrants: [{ fromYears: 8, toYears: 16, population: 30000, ratePer10000: 40, startingStates: { edge_of_care: 0.5, cin_cp: 0.5 } }],
  });
  t.equal((await as('finance', { method: 'POST', url: '/v1/scenarios', payload: long })).statusCode, 201);
  const started = await as('finance', { method: 'POST', url: '/v1/scenarios/small-mst/runs', payload: {} });
  t.equal(started.statusCode, 202);
  const job = started.json();
  const running = await pollJob(as, job.id, (j) => j.status === 'running' && j.progress > 0);
  t.equal(running.status, 'running', 'it reports progress while it runs');
  t.ok(running.progress > 0 && running.progress < 1);

  t.equal((await as('finance', { method: 'POST', url: `/v1/jobs/${job.id}/cancel` })).statusCode, 202);
  await app.jobs.settledWithin(job.id, 120_000);
  const after = (await as('finance', { method: 'GET', url: `/v1/jobs/${job.id}` })).json();
  t.equal(after.status, 'cancelled');
  t.equal(after.result, null);
  t.same(await app.db.selectFrom('scenario_runs').select('id').execute(), [], 'no scenario_runs row');
  t.equal((await as('finance', { method: 'GET', url: '/v1/scenario-runs' })).json().total, 0);
});
