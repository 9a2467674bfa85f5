import { readFileSync } from 'node:fs';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { type ScenarioMember, prepareScenario } from '../../src/simulation/scenario.ts';
import { eventModel, near } from './helpers.ts';

/**
 * Invest-to-save figures of a commissioning scenario, pinned on a deterministic model worked by
 * hand, and the identities every run must keep (NPV = benefits − costs; agencies add up to the
 * totals; cashable + non-cashable = benefits) on the default model with its uncertainty.
 *
 * Not pinned here, because issue 12 is changing their definitions: the benefit-cost ratio and
 * return on investment (ratio of totals), and the 12-month pathway budget.
 */

const PENNY = 0.01;

/**
 * The event model with an edge-of-care service: `keep` (a £2,000 one-off, paid by health) stops
 * every move into care for as long as the projection lasts; the edge of care costs £200 a month
 * of team time (non-cashable).
 */
function investModel(): CostModelSpec {
  const spec = eventModel(0);
  spec.id = 'pinned-invest';
  spec.unitCosts.push({ id: 'edge_team', label: 'Edge of care team', states: ['edge'], amount: 200, per: 'month', agency: 'childrens_social_care', source: 'test', cashable: false });
  spec.interventions = [
    {
      id: 'keep',
      label: 'Keep at home',
      eligibility: { states: ['edge'] },
      cost: { oneOff: 2000, durationMonths: 0, agency: 'health' },
      effectDurationMonths: 360,
      effects: [{ from: ['edge'], to: ['care'], multiplier: 0 }],
      source: 'test',
    },
  ];
  return spec;
}

function scenario(strategy: ScenarioSpec['strategy']): ScenarioSpec {
  return {
    id: 'pinned',
    version: '1.0.0',
    name: 'Pinned',
    model: { id: 'pinned-invest' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 2,
    lifetimeYears: 3,
    strategy,
  } as ScenarioSpec;
}

/** One young person aged 12 on the edge of care on 1 April 2026. */
const members: ScenarioMember[] = [{ ageMonths: 144, state: 'edge', weeklyPrice: null }];

async function run(spec: ScenarioSpec, model = investModel(), who = members, runs = 5, parameterUncertainty = false) {
  const prepared = prepareScenario(spec, model, who, { baseKey: `${model.id}@test`, seed: 13, runs, parameterUncertainty });
  return new SimulationPool(0).scenario(prepared);
}

const d1 = 1 / 1.035;
const d2 = 1 / 1.035 ** 2;

/*
 * The case, worked by hand (pounds; years 2026-27, 2027-28, 2028-29 = months 0-11, 12-23, 24-35).
 *
 * As now: edge in month 0 (£200 team time, non-cashable); into care at the end of month 0 (entry
 * £5,000 non-cashable); in care for months 1-35 at £1,000 fee (cashable) + £300 social work
 * (non-cashable) a month.
 *   2026-27: 200 + 5,000 + 11 × 1,300 = £19,500 (cashable 11,000; non-cashable 8,500)
 *   2027-28 and 2028-29: 12 × 1,300 = £15,600 each (cashable 12,000; non-cashable 3,600)
 * Strategy: `keep` delivered in month 0 (£2,000, health); on the edge for all 36 months at £200.
 *   2026-27: 2,000 + 2,400 = £4,400; then £2,400 a year. Set-up investment £1,000 (health), 2026-27.
 * Benefits (as now − strategy without the service): 17,100; 13,200; 13,200.
 * Costs (service + investment): 3,000; 0; 0.
 *   PV benefits = 17,100 + 13,200 (d1 + d2) = £42,175.96;  PV costs = £3,000;  NPV = £39,175.96
 *   Cashable  = 11,000 + 12,000 (d1 + d2) = £33,796.33
 *   Non-cashable = 6,100 + 1,200 (d1 + d2) = £8,379.63
 * By agency: children's social care saves all £42,175.96 and pays nothing; health pays £3,000
 * and saves nothing (its £2,000 service is a cost, not a negative benefit).
 */
const pvBenefits = 17_100 + 13_200 * (d1 + d2);
const pvCosts = 3_000;

t.test('invest-to-save of a deterministic strategy, to the penny', async (t) => {
  const result = await run(scenario({ name: 'Keep at home', interventions: [{ id: 'keep', capacityPerYear: 100 }], investment: [{ year: '2026-27', agency: 'health', amount: 1000, label: 'Set-up' }] }));
  const its = result.investToSave;
  t.equal(result.interventions[0].delivered.mean, 1, 'the service is delivered once in every run');
  t.ok(near(its.presentBenefits.mean, pvBenefits, PENNY), `PV benefits £42,175.96 (got ${its.presentBenefits.mean})`);
  t.ok(near(its.presentCosts.mean, pvCosts, PENNY), `PV costs £3,000 (got ${its.presentCosts.mean})`);
  t.ok(near(its.netPresentValue.mean, pvBenefits - pvCosts, PENNY), `NPV £39,175.96 (got ${its.netPresentValue.mean})`);
  t.ok(near(its.cashableBenefits.mean, 11_000 + 12_000 * (d1 + d2), PENNY), `cashable £33,796.33 (got ${its.cashableBenefits.mean})`);
  t.ok(near(its.nonCashableBenefits.mean, 6_100 + 1_200 * (d1 + d2), PENNY), `non-cashable £8,379.63 (got ${its.nonCashableBenefits.mean})`);
  t.equal(its.netPresentValue.sd, 0, 'deterministic: every run the same');
  t.equal(its.probabilityBenefitsExceedCosts, 1);
  t.equal(its.payback.medianYear, '2026-27', 'net positive from the first year');
  t.same(
    its.netByYear.map((y) => [y.financialYear, y.net.mean]),
    [
      ['2026-27', 14_100],
      ['2027-28', 13_200],
      ['2028-29', 13_200],
    ],
  );
  const agency = (id: string) => its.byAgency.find((a) => a.agency === id) as (typeof its.byAgency)[number];
  t.ok(near(agency('childrens_social_care').presentBenefits.mean, pvBenefits, PENNY), 'children’s social care saves it all');
  t.ok(near(agency('childrens_social_care').presentCosts.mean, 0, PENNY), 'and pays nothing');
  t.ok(near(agency('health').presentCosts.mean, 3_000, PENNY), 'health pays the service and the set-up');
  t.ok(near(agency('health').presentBenefits.mean, 0, PENNY), `health saves nothing: its service is not a negative benefit (got ${agency('health').presentBenefits.mean})`);
  t.same(
    result.spend.byYear.map((y) => [y.financialYear, y.baseline.mean, y.strategy.mean, y.saving.mean]),
    [
      ['2026-27', 19_500, 5_400, 14_100],
      ['2027-28', 15_600, 2_400, 13_200],
    ],
    'spend by year: the strategy pays its set-up in its year',
  );
});

t.test('payback is reached at break-even: a cumulative net of exactly zero counts', async (t) => {
  // Investment of £15,100 in 2026-27 makes that year's net exactly 0 (17,100 − 2,000 − 15,100),
  // in whole pence; later years are positive. The cumulative net is 0 at the end of 2026-27,
  // so the strategy has paid back in 2026-27, not 2027-28.
  const result = await run(scenario({ name: 'Keep at home', interventions: [{ id: 'keep', capacityPerYear: 100 }], investment: [{ year: '2026-27', agency: 'health', amount: 15_100, label: 'Set-up' }] }));
  const payback = result.investToSave.payback;
  t.equal(result.investToSave.netByYear[0].net.mean, 0, 'the first year breaks even exactly');
  t.equal(payback.medianYear, '2026-27');
  t.same(
    payback.byYear.map((y) => y.probability),
    [1, 0, 0],
  );
  t.equal(payback.probabilityNever, 0);
});

t.test('a strategy that changes nothing: no benefit, no chance of benefits exceeding costs, no payback', async (t) => {
  const result = await run(scenario({ name: 'Nothing' }));
  const its = result.investToSave;
  t.equal(its.netPresentValue.max, 0);
  t.equal(its.netPresentValue.min, 0);
  t.equal(its.probabilityBenefitsExceedCosts, 0, 'a tie is not a benefit exceeding its cost');
  t.equal(its.payback.probabilityNever, 1, 'nothing invested, nothing to pay back');
  t.equal(its.payback.medianYear, null);
  t.same(
    its.payback.byYear.map((y) => y.probability),
    [0, 0, 0],
  );
});

const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));

t.test('identities on the default model with its uncertainty: the parts add up to the totals', async (t) => {
  // Edge-of-care and looked-after young people, an MST team and set-up paid by two agencies:
  // money moves between agencies, between cashable and not, and from run to run.
  const cohort: ScenarioMember[] = Array.from({ length: 24 }, (_, k) => ({
    ageMonths: (11 + (k % 6)) * 12 + k,
    state: ['edge_of_care', 'cin_cp', 'residential', 'ifa_foster'][k % 4],
    weeklyPrice: k % 4 === 2 ? 6200 : k % 4 === 3 ? 900 : null,
  }));
  const spec = {
    ...scenario({
      name: 'MST team',
      interventions: [{ id: 'mst', capacityPerYear: 10, oneOffPrice: 9500 }],
      investment: [
        { year: '2026-27', agency: 'childrens_social_care', amount: 20_000, label: 'Set-up' },
        { year: '2027-28', agency: 'health', amount: 7_500, label: 'Clinical supervision' },
      ],
    }),
    model: { id: 'england-default' },
    planningYears: 3,
    lifetimeYears: 6,
  };
  const result = await run(spec, england, cohort, 40, true);
  const its = result.investToSave;
  t.ok(result.interventions[0].delivered.mean > 0, 'the strategy does something');
  t.ok(its.netPresentValue.sd > 0, 'and its NPV varies between runs');
  // Means of sums are sums of means; each figure may be rounded to the penny, so allow a penny
  // per term.
  t.ok(near(its.netPresentValue.mean, its.presentBenefits.mean - its.presentCosts.mean, 2 * PENNY), 'NPV = benefits − costs');
  t.ok(near(its.cashableBenefits.mean + its.nonCashableBenefits.mean, its.presentBenefits.mean, 2 * PENNY), 'cashable + non-cashable = benefits');
  const sum = (pick: (a: (typeof its.byAgency)[number]) => number) => its.byAgency.reduce((s, a) => s + pick(a), 0);
  const terms = its.byAgency.length * PENNY;
  t.ok(near(sum((a) => a.presentBenefits.mean), its.presentBenefits.mean, terms), 'agencies’ benefits add up to the benefits');
  t.ok(near(sum((a) => a.presentCosts.mean), its.presentCosts.mean, terms), 'agencies’ costs add up to the costs');
  t.ok(near(sum((a) => a.net.mean), its.netPresentValue.mean, terms), `agencies’ net adds up to the NPV (${sum((a) => a.net.mean)} vs ${its.netPresentValue.mean})`);
  const cumulativeNet = its.netByYear.reduce((s, y) => s + y.net.mean, 0);
  t.ok(Number.isFinite(cumulativeNet), 'net by year is reported for every year');
  for (const year of result.spend.byYear) {
    t.ok(near(year.saving.mean, year.baseline.mean - year.strategy.mean, 2 * PENNY), `${year.financialYear}: saving = baseline − strategy`);
  }
  const payback = its.payback;
  t.ok(near(payback.byYear.reduce((s, y) => s + y.probability, 0) + payback.probabilityNever, 1, 1e-12), 'payback probabilities sum to 1');
});
