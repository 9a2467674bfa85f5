import fc from 'fast-check';
import t from 'tap';
import { answerNumberKind, roundAnswer, roundPounds, roundTo, sumPounds, wholePenceError } from '../../src/finance/money.ts';
import { buildTestApp } from '../helpers/app.ts';
import { residentialAged, threePlans } from '../care-plans/fixtures.ts';

/**
 * Issue 12: money in whole pence in every answer. Walks every number of the JSON answers of a
 * projection, a care-plan projection and its comparison, a budget, a scenario run, a scenario
 * comparison and a pack's CSV tables (the scenario ones in test/scenarios/answer-rounding.test.ts), and asserts none prints with float noise (more than 6
 * decimals: 100672.03250000003 has 11) and every money figure has at most 2 decimals.
 */

import { decimals, numbersIn, offences } from './answer-walk.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers walked as parsed JSON
type Json = Record<string, any>;

t.test('the kinds and the rounding rules', async (t) => {
  t.equal(roundPounds(100672.03250000003), 100672.03);
  t.equal(roundPounds(-0.09999999999999998), -0.1);
  t.equal(roundPounds(1.005), 1.01, 'a figure written as …5 rounds up as written, not as stored (1.00499…)');
  t.equal(roundPounds(-2.675), -2.68, 'halves away from zero');
  t.equal(Object.is(roundPounds(-0.001), 0), true, 'never -0');
  t.equal(roundTo(0.06666666666666667, 6), 0.066667);
  t.equal(sumPounds([0.1, 0.2]), 0.3, 'sums in pence: 0.1 + 0.2 is 0.3, not 0.30000000000000004');
  t.same(wholePenceError(6999.99, 'body/x'), null);
  t.same(wholePenceError(6999.995, 'body/x'), { field: 'body/x', reason: '6999.995 has a fraction of a penny; give whole pence (at most two decimal places)' });
  t.equal(answerNumberKind(['plans', '0', 'total', 'cash', 'mean'], {}), 'money');
  t.equal(answerNumberKind(['comparisons', '0', 'probabilityCheaper', 'cash'], {}), 'ratio');
  t.equal(answerNumberKind(['plans', '0', 'endOfYearStates', '0', 'states', 'residential'], {}), 'ratio');
  t.equal(answerNumberKind(['result', 'investToSave', 'ratioSpreadOverRuns', 'benefitCostRatio', 'p90'], {}), 'ratio');
  t.equal(answerNumberKind(['result', 'inCare', '0', 'baseline', 'mean'], {}), 'count');
  t.equal(answerNumberKind(['money', 'discountRates', '0', 'rate'], {}), 'ratio');
  t.equal(answerNumberKind(['discountRate'], {}), 'ratio', 'a flat discount rate keeps its decimals (0.035 is not 0.04)');
  t.equal(answerNumberKind(['parameters', '0', 'mean'], { kind: 'unit_cost' }), 'money');
  t.equal(answerNumberKind(['parameters', '0', 'mean'], { kind: 'effect' }), 'ratio');
  t.equal(answerNumberKind(['inputs', 'scenario', 'entrants', '0', 'ratePer10000'], {}), 'asGiven');
  t.same(roundAnswer({ inputs: { x: 0.123456789 }, total: { mean: 1.23456 }, probability: 1 / 3 }), { inputs: { x: 0.123456789 }, total: { mean: 1.23 }, probability: 0.333333 });
  fc.assert(
    fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (x) => {
      const r = roundPounds(x);
      return decimals(r) <= 2 && Math.abs(r - x) <= 0.005 + 1e-6 && roundPounds(r) === r;
    }),
    { numRuns: 2000 },
  );
});

t.test('projection, care-plan projection and comparison, budget: money to the penny, no float noise, totals the sum of their years', async (t) => {
  const { as } = await buildTestApp(t);

  // A projection on the model's price base, actual price deflated (factors that are not round).
  const projection = await as('commissioning', {
    method: 'POST',
    url: '/v1/projections',
    payload: {
      model: 'england-default',
      ageMonths: 14 * 12,
      state: 'residential',
      startMonth: '2026-11',
      startDay: 17,
      plans: [
        { name: 'Stay', currentPlacementWeeklyPrice: 6800.01 },
        { name: 'Step down', currentPlacementWeeklyPrice: 6800.01, moves: [{ month: 3, to: 'inhouse_foster' }], interventions: [{ id: 'therapeutic_step_down', startMonth: 3 }] },
      ],
      runs: 100,
      seed: 3,
      thresholds: [500000],
    },
  });
  t.equal(projection.statusCode, 200, projection.body.slice(0, 300));

  const person = (await as('finance', { method: 'POST', url: '/v1/young-people', payload: residentialAged(14) })).json();
  for (const plan of threePlans) await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/care-plans`, payload: plan });
  const pathway = await as('finance', { method: 'POST', url: `/v1/young-people/${person.id}/projections`, payload: { runs: 100, seed: 4, priceBase: 'current' } });
  t.equal(pathway.statusCode, 201, pathway.body.slice(0, 300));
  const comparison = await as('head_of_service', { method: 'GET', url: `/v1/pathway-projections/${pathway.json().id}/comparison` });
  const budget = await as('finance', { method: 'GET', url: `/v1/young-people/${person.id}/budget?asOf=2026-11-24` });

  const answers: Record<string, unknown> = {
    projection: projection.json(),
    'care-plan projection': pathway.json(),
    'care-plan comparison': comparison.json(),
    budget: budget.json(),
  };
  for (const [name, answer] of Object.entries(answers)) {
    t.ok(numbersIn(answer) > 5, `${name}: numbers walked (${numbersIn(answer)})`);
    t.same(offences(answer), [], `${name}: no number beyond its decimals`);
  }

  // Totals reconcile: a plan's total mean is the sum of its financial years' means, to the penny.
  for (const [name, answer] of [['projection', answers.projection], ['care-plan projection', (answers['care-plan projection'] as { result: unknown }).result]] as const) {
    for (const plan of (answer as { plans: Array<Json> }).plans) {
      for (const basis of ['cash', 'discounted'] as const) {
        const pence = plan.byFinancialYear.reduce((sum: number, y: Record<string, { mean: number }>) => sum + Math.round(y[basis].mean * 100), 0);
        t.equal(Math.round(plan.total[basis].mean * 100), pence, `${name} ${plan.name} ${basis}: total = Σ years`);
      }
      if (plan.expectedCost) {
        for (const basis of ['cash', 'discounted'] as const) {
          const pence = plan.expectedCost.byFinancialYear.reduce((sum: number, y: Record<string, number>) => sum + Math.round(y[basis] * 100), 0);
          t.equal(Math.round(plan.expectedCost.total[basis] * 100), pence, `${name} ${plan.name} exact ${basis}: total = Σ years`);
        }
      }
    }
  }
  // A comparison's mean saving subtracts exactly: the against plan's total minus this plan's.
  for (const c of (answers.projection as { comparisons: Array<Json> }).comparisons) {
    const total = (name: string, basis: 'cash' | 'discounted') => (answers.projection as { plans: Array<Json> }).plans.find((p) => p.name === name)?.total[basis].mean;
    for (const basis of ['cash', 'discounted'] as const) {
      t.equal(Math.round(c[basis].saving.mean * 100), Math.round(total(c.against, basis) * 100) - Math.round(total(c.plan, basis) * 100), `${c.plan} ${basis}: saving = difference of totals`);
    }
  }
});
