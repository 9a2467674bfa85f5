import ExcelJS from 'exceljs';
import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { addCohort, record, runAndWait, smallScenario } from '../scenarios/fixtures.ts';
import { unzip } from './fixtures.ts';

/**
 * Funding side by side (issue 16): the comparison answer and the comparison page's view carry
 * each run's funding, equal to the run answers'; the board sees the disclosure rule applied
 * (money of a service fewer than 5 children start withheld, with the reason), the roles that
 * read individual records see the figures as computed, and the pack withholds them for everyone.
 */

async function storedRun(as: TestApp['as'], scenario: Record<string, unknown>): Promise<string> {
  const created = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: scenario });
  if (created.statusCode !== 201) throw new Error(`createScenario: ${created.body}`);
  const job = await runAndWait(as, scenario.id as string);
  if (job.status !== 'succeeded') throw new Error(`run failed: ${JSON.stringify(job)}`);
  return job.result.href.split('/').pop() as string;
}

const council = (csc: number | number[]) => ({
  id: 'council',
  name: 'Borough council',
  holds: [{ agency: 'childrens_social_care', share: csc }, { agency: 'education', share: 1 }, { agency: 'housing', share: 1 }, { agency: 'youth_justice', share: 1 }],
});
const company = (csc: number | number[]) => ({ id: 'company', name: 'Children’s services company', holds: [{ agency: 'childrens_social_care', share: csc }] });
const icb = { id: 'icb', name: 'Integrated care board', holds: [{ agency: 'health', share: 1 }] };
const contract = { id: 'mst-sib', services: ['mst'], outcome: 'care_weeks_avoided', pricePerOutcome: 500, basis: 'modelled_counterfactual', cap: 300000, paymentLagYears: 1, contractYears: 3 };

const phased = smallScenario({
  id: 'phased-move',
  name: 'Phased move to the company',
  funding: { organisations: [company([0, 0.5, 1]), council([1, 0.5, 0]), icb], outcomesContracts: [contract], reinvestment: { share: 0.5 } },
});
const allAtOnce = smallScenario({
  id: 'all-at-once',
  name: 'All at once to the company',
  funding: { organisations: [company(1), council(0), icb], outcomesContracts: [contract], reinvestment: { share: 0.5 } },
});

type Range = { mean: number; p5: number; p10: number; p50: number; p90: number; p95: number };
const six = (s: Range) => ({ mean: s.mean, p5: s.p5, p10: s.p10, p50: s.p50, p90: s.p90, p95: s.p95 });

t.test('compareScenarioRuns and the page’s view carry both runs’ funding, phased against all at once', async (t) => {
  const { as } = await buildTestApp(t);
  for (let k = 0; k < 3; k++) await addCohort(as);
  // Enough children looked after that no looked-after total is hidden, so the pack hides nothing either.
  for (let k = 0; k < 16; k++) await as('finance', { method: 'POST', url: '/v1/young-people', payload: record(2014 + (k % 4), 'ifa_foster') });
  const a = await storedRun(as, phased);
  const b = await storedRun(as, allAtOnce);
  const delivered = (await as('finance', { method: 'GET', url: `/v1/scenario-runs/${a}` })).json().result.interventions.find((iv: { intervention: string }) => iv.intervention === 'mst').delivered.mean;
  t.ok(delivered >= 5, `5 or more children start MST (${delivered}): nothing is withheld, in the pack either`);
  const compare = await as('finance', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a},${b}` });
  t.equal(compare.statusCode, 200, compare.body.slice(0, 300));
  const body = compare.json();
  for (const [k, id] of [a, b].entries()) {
    const answer = (await as('finance', { method: 'GET', url: `/v1/scenario-runs/${id}` })).json().result.funding;
    const funding = body.runs[k].funding;
    t.ok(funding, `run ${k + 1} carries its funding`);
    t.same(
      funding.organisations.slice(0, 3).map((o: { organisation: string }) => o.organisation),
      ['company', 'council', 'icb'],
      'the declared organisations first (then one per agency nobody holds)',
    );
    for (const [o, org] of answer.organisations.entries()) {
      t.same(funding.organisations[o].presentNet, six(org.presentNet), `run ${k + 1} ${org.name}: net as the run answer`);
      t.same(funding.organisations[o].presentCosts, six(org.presentCosts));
    }
    const c = answer.outcomesContracts[0];
    t.same(funding.outcomesContracts[0].commissioner.presentNet, six(c.commissionerPresentNet), 'commissioner');
    t.same(funding.outcomesContracts[0].investor.presentNet, six(c.investorPresentNet), 'investor, side by side');
    t.equal(funding.outcomesContracts[0].investor.moneyMultiple, c.moneyMultiple);
    t.equal(funding.outcomesContracts[0].investor.probabilityLoses, c.probabilityInvestorLoses);
    t.equal(funding.outcomesContracts[0].withheld, null, 'a role that reads individual records sees it as computed');
    t.same(funding.reinvestment.presentReinvested, six(answer.reinvestment.presentReinvested));
  }
  // The same runs, same seed and cohort: the arrangement moves money between organisations, not the total.
  const net = (k: number) => body.runs[k].funding.organisations.reduce((sum: number, o: { presentNet: Range }) => sum + o.presentNet.mean, 0);
  t.ok(Math.abs(net(0) - net(1)) < 0.05, `the organisations’ total is the same NPV under both arrangements (${net(0)} and ${net(1)})`);
  t.ok(body.runs[1].funding.organisations[1].presentNet.mean !== body.runs[0].funding.organisations[1].presentNet.mean, 'the council’s position differs');

  const preview = (await as('finance', { method: 'GET', url: `/v1/packs/preview?runs=${a},${b}` })).json();
  t.same(preview.runs[0].funding.organisations, body.runs[0].funding.organisations, 'the page’s view shows the same figures');
  t.equal(preview.runs[1].funding.outcomesContracts[0].withheld, null, 'nothing withheld');
  t.same(preview.runs[1].funding.outcomesContracts[0].investor, body.runs[1].funding.outcomesContracts[0].investor);

  const plain = await storedRun(as, smallScenario({ id: 'no-funding' }));
  const without = (await as('finance', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a},${plain}` })).json();
  t.equal(without.runs[1].funding, null, 'a run without funding: null');
});

t.test('disclosure: a run with a service fewer than 5 children start is refused to the board, and its funding money withheld in every pack', async (t) => {
  const { as } = await buildTestApp(t);
  await addCohort(as);
  await addCohort(as);
  // One MST place a year: fewer than 5 children start it.
  const small = (id: string, name: string, funding: Record<string, unknown>) =>
    smallScenario({ id, name, strategy: { name: 'One MST place', interventions: [{ id: 'mst', capacityPerYear: 1, oneOffPrice: 9500 }] }, funding });
  const pool = { services: ['mst'], annualBudget: 10000, partners: [{ organisation: 'council', contribution: 0.6, riskShare: 0.6 }, { organisation: 'icb', contribution: 0.4, riskShare: 0.4 }] };
  // A service is funded by a pool or by a contract, not both (422 otherwise): one run of each.
  const a = await storedRun(as, small('small-pooled', 'Pooled, one place', { organisations: [council(1), icb], pooledBudget: pool }));
  const b = await storedRun(as, small('small-contract', 'Contract, one place', { organisations: [council(1), icb], outcomesContracts: [contract] }));
  const run = (await as('finance', { method: 'GET', url: `/v1/scenario-runs/${a}` })).json();
  const delivered = run.result.interventions.find((iv: { intervention: string }) => iv.intervention === 'mst').delivered.mean;
  t.ok(delivered > 0 && delivered < 5, `fewer than 5 start MST (${delivered})`);

  // Roles without individual access are refused the whole run (src/services/disclosure-view.ts):
  // withholding the service's money alone would not do, as the run's present costs include it and
  // the scenario's investment is published. Everywhere the board could read it: 403 naming why.
  for (const [what, request] of [
    ['compare', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a},${b}` }],
    ['the run', { method: 'GET', url: `/v1/scenario-runs/${a}` }],
    ['the preview', { method: 'GET', url: `/v1/packs/preview?runs=${a},${b}` }],
    ['the pack', { method: 'POST', url: '/v1/packs', payload: { runIds: [a, b] } }],
  ] as const) {
    const refused = await as('board', request);
    t.equal(refused.statusCode, 403, `board: ${what} refused`);
    t.match(refused.json().detail, /intervention used by fewer than 5/, `board: ${what} says why`);
  }
  const runB = (await as('finance', { method: 'GET', url: `/v1/scenario-runs/${b}` })).json();
  t.equal(runB.result.funding.outcomesContracts[0].withheld, undefined, 'finance: nothing withheld');

  const open = (await as('finance', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${a},${b}` })).json();
  t.equal(open.runs[1].funding.outcomesContracts[0].withheld, null, 'finance reads individual records: figures as computed');
  t.same(open.runs[1].funding.outcomesContracts[0].commissioner.presentNet.mean, runB.result.funding.outcomesContracts[0].commissionerPresentNet.mean);
  t.equal(typeof open.runs[0].funding.organisations[0].presentNet.mean, 'number', 'organisations are shown');

  // A pack is the same for every role (the board may read packs), so the rule applies in
  // finance's pack too: the pool's and the contracts' money withheld, their inputs shown.
  const pack = await as('finance', { method: 'POST', url: '/v1/packs', payload: { runIds: [a, b] } });
  t.equal(pack.statusCode, 200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(unzip(pack.rawPayload)['workbook.xlsx']) as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  (workbook.getWorksheet('Funding') as ExcelJS.Worksheet).eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  const investorNet = rows.filter((row) => row[2] === 'Investor' && row[3] === 'Net (present value)');
  t.equal(investorNet.length, 1, 'the contract run’s investor on the sheet');
  const poolSpend = rows.filter((row) => row[2] === 'The pool' && row[3] === 'Spend');
  t.ok(poolSpend.length > 0, 'the pooled run’s spend on the sheet');
  for (const row of poolSpend) t.same(row.slice(6, 12), Array(6).fill('withheld'), 'pool spend withheld in the pack');
  for (const row of investorNet) t.same(row.slice(6, 12), Array(6).fill('withheld'), 'withheld in the pack');
});
