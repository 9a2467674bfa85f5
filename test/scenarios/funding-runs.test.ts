import t from 'tap';
import { offences } from '../finance/answer-walk.ts';
import { buildTestApp } from '../helpers/app.ts';
import { addCohort, runAndWait, smallScenario } from './fixtures.ts';

/**
 * Issue 16 through the API: a scenario with a funding arrangement is stored, run as a job, and
 * its run answer carries the funding figures (organisations, reinvestment, pool, contracts),
 * every number rounded by its kind, organisations summing to the NPV within rounding.
 */

const funding = {
  organisations: [
    { id: 'company', name: 'Company', holds: [{ agency: 'childrens_social_care', share: [0.25, 0.75] }] },
    { id: 'council', name: 'Council', holds: [{ agency: 'childrens_social_care', share: [0.75, 0.25] }, { agency: 'education', share: 1 }] },
  ],
  reinvestment: { share: 0.4 },
  pooledBudget: { services: ['mst'], annualBudget: 90000, partners: [{ organisation: 'council', contribution: 0.7, riskShare: 0.6 }, { organisation: 'health', contribution: 0.3, riskShare: 0.4 }] },
  income: [
    { id: 'grant', kind: 'grant', to: 'council', amounts: [{ year: '2026-27', amount: 25000 }], condition: { commissions: 'mst' } },
    { id: 'pbr', kind: 'payment_by_results', to: 'company', outcome: 'care_weeks_avoided', ratePerOutcome: 30, basis: 'modelled_counterfactual', cap: 50000, measurementYears: 3 },
  ],
};

t.test('a funded scenario runs, and its answer carries the funding figures rounded by kind', async (t) => {
  const { as } = await buildTestApp(t);
  await addCohort(as);
  const created = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ funding }) });
  t.equal(created.statusCode, 201, created.body);
  const done = await runAndWait(as, 'small-mst');
  t.equal(done.status, 'succeeded', JSON.stringify(done));
  const run = (await as('head_of_service', { method: 'GET', url: done.result.href })).json();
  const f = run.result.funding;
  t.same(
    f.organisations.map((o: { organisation: string }) => o.organisation),
    ['company', 'council', 'health', 'youth_justice', 'housing', 'welfare'],
  );
  const sum = f.organisations.reduce((s: number, o: { presentNet: { mean: number } }) => s + o.presentNet.mean, 0);
  t.ok(Math.abs(sum - run.result.investToSave.netPresentValue.mean) <= 0.06, `organisations' mean nets add up to the NPV within rounding (${sum} against ${run.result.investToSave.netPresentValue.mean})`);
  t.equal(f.reinvestment.share, 0.4);
  t.equal(f.reinvestment.byYear.length, 6);
  t.same(f.pooledBudget.partners.map((p: { organisation: string; contribution: number }) => [p.organisation, p.contribution]), [['council', 0.7], ['health', 0.3]]);
  t.equal(f.pooledBudget.byYear[0].budget, 90000);
  // A grant of £25,000 in the first year, undiscounted: the same in every run.
  t.same([f.income[0].presentValue.min, f.income[0].presentValue.max, f.income[0].conditionMet], [25000, 25000, true]);
  t.equal(f.income[1].kind, 'payment_by_results');
  t.ok(f.income[1].received.max <= 50000, 'payment by results within its cap');
  const afterIncome = f.organisations.reduce((s: number, o: { presentNetAfterIncome: { mean: number } }) => s + o.presentNetAfterIncome.mean, 0);
  t.ok(Math.abs(afterIncome - f.netAfterIncome.mean) <= 0.06, `organisations after income add up to the net after income within rounding (${afterIncome} against ${f.netAfterIncome.mean})`);
  const expected = run.result.investToSave.netPresentValue.mean + f.income[0].presentValue.mean + f.income[1].presentValue.mean;
  t.ok(Math.abs(f.netAfterIncome.mean - expected) <= 0.03, `net after income = NPV + PV of income (${f.netAfterIncome.mean} against ${expected})`);
  t.same(offences(run), [], 'no number beyond its decimals');

  // A service is pooled or contracted, not both (the pool assumes its partners pay, a contract its investor): the contract runs without the pool.
  const { pooledBudget: _pool, ...rest } = funding;
  const contracted = { ...rest, outcomesContracts: [{ id: 'sib', services: ['mst'], outcome: 'care_weeks_avoided', pricePerOutcome: 500, basis: 'modelled_counterfactual', cap: 200000, contractYears: 3 }] };
  const updated = await as('commissioning', { method: 'PUT', url: '/v1/scenarios/small-mst', payload: smallScenario({ version: '1.1.0', funding: contracted }) });
  t.equal(updated.statusCode, 201, updated.body);
  const second = await runAndWait(as, 'small-mst');
  t.equal(second.status, 'succeeded', JSON.stringify(second));
  const contractRun = (await as('head_of_service', { method: 'GET', url: second.result.href })).json();
  const c = contractRun.result.funding.outcomesContracts[0];
  t.equal(c.basis, 'modelled_counterfactual');
  t.ok(c.payments.max <= 200000, 'within the cap');
  t.equal(contractRun.result.funding.pooledBudget, null);
  t.same(offences(contractRun), [], 'no number beyond its decimals');
});
