import { readFileSync } from 'node:fs';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { runProjectionInline } from '../../src/simulation/projection.ts';

const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));

t.test('the default model splits in-house foster care into a cashable allowance and non-cashable staff time', async (t) => {
  const lines = england.unitCosts.filter((c) => c.states.includes('inhouse_foster'));
  const allowance = lines.find((c) => c.id === 'inhouse_foster_placement');
  const support = lines.find((c) => c.id === 'inhouse_foster_support');
  t.ok(allowance && support, 'two lines');
  t.equal(allowance?.cashable, true, 'the allowance is cashable');
  t.equal(support?.cashable, false, 'staff time and overheads are not');
  t.equal(allowance?.placementFee, true, 'an actual price replaces the allowance, not the staff time');
  // Sources: national minimum allowance £194 (2019-20) × 112.375 / 90.950 = £239.70; PSSRU full cost
  // £646 (2016-17) × 112.375 / 85.650 = £847.57; support = 847.57 − 239.70 = £607.87.
  const mode = (c: (typeof lines)[number] | undefined) => (c && typeof c.amount === 'object' && 'mode' in c.amount ? c.amount.mode : Number.NaN);
  t.equal(mode(allowance), 239.7);
  t.equal(mode(support), 607.87);
  t.equal(Math.round((mode(allowance) + mode(support)) * 100) / 100, 847.57, 'the parts add up to the PSSRU full cost');
  t.equal(allowance?.source, 'foster_minimum_allowance_2019');
  t.equal(support?.source, 'pssru_foster_2017');
});

t.test('cashable and non-cashable figures of a projection follow the lines, and add up to the total', async (t) => {
  // One state, two weekly lines: £300 cashable, £500 not; one financial year from April 2027
  // (366 days, with 29 February 2028): cashable 300 × 366 / 7 = £15,685.71, non-cashable
  // 500 × 366 / 7 = £26,142.86.
  const spec = JSON.parse(readFileSync(new URL('../fixtures/finance-cases/paired-saving-basis.json', import.meta.url), 'utf8')).model;
  spec.unitCosts = [
    { id: 'allowance', label: 'Allowance', states: ['a'], amount: 300, per: 'week', agency: 'childrens_social_care', placementFee: true, cashable: true, source: 's' },
    { id: 'support', label: 'Support', states: ['a'], amount: 500, per: 'week', agency: 'childrens_social_care', cashable: false, source: 's' },
  ];
  const model = compileModel(spec);
  const plan = { startState: 1, moves: [], interventions: [], statePrices: [], currentPlacementWeeklyPrice: null };
  const result = runProjectionInline(model, { clock: { startYear: 2027, startMonth: 4 }, ageMonths: 120, months: 12, plans: [plan], parameterUncertainty: false }, 3, 1);
  const p = result.plans[0];
  t.equal(p.cashable.mean, 15685.71);
  t.equal(p.nonCashable.mean, 26142.86);
  t.equal(p.total.cash.mean, 41828.57, '800 × 366 / 7 = 41,828.5714…');
});
