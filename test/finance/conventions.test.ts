import t from 'tap';
import { conventionDifferences } from '../../src/finance/conventions.ts';

const greenBook = { periods: [{ fromYear: 0, rate: 0.035 }, { fromYear: 31, rate: 0.03 }] };
const model = (over: Record<string, unknown> = {}) => ({ currency: 'GBP', priceBaseYear: '2024-25', discounting: greenBook, ...over });

t.test('runs sharing a method: no warning', async (t) => {
  t.same(conventionDifferences([{ label: 'a', appraisal: 'continuing_demand', model: model() }, { label: 'b', appraisal: 'continuing_demand', model: model() }]), { warnings: [], currencies: null });
  t.same(conventionDifferences([{ label: 'a', appraisal: 'closed_cohort', model: model() }]), { warnings: [], currencies: null }, 'one run compares with nothing');
  t.same(
    conventionDifferences([
      { label: 'a', appraisal: 'continuing_demand', model: model({ discounting: { periods: [{ fromYear: 31, rate: 0.03 }, { fromYear: 0, rate: 0.035 }] } }) },
      { label: 'b', appraisal: 'continuing_demand', model: model() },
    ]).warnings,
    [],
    'the same schedule written in another order is the same schedule',
  );
});

t.test('each difference of method is named once, with what each run used', async (t) => {
  const { warnings, currencies } = conventionDifferences([
    { label: 'a', appraisal: 'continuing_demand', model: model() },
    { label: 'b', appraisal: 'closed_cohort', model: model({ priceBaseYear: '2025-26', discounting: { periods: [{ fromYear: 0, rate: 0.015 }] } }) },
  ]);
  t.equal(currencies, null);
  t.same(warnings.map((w) => w.field), ['appraisal', 'priceBase', 'discountRates']);
  t.equal(warnings[0].message.startsWith('The runs follow different appraisal conventions (a continuing_demand; b closed_cohort)'), true, warnings[0].message);
  t.match(warnings[1].message, /a 2024-25 prices; b 2025-26 prices/);
  t.match(warnings[2].message, /a 3\.5% from year 0, 3% from year 31; b 1\.5% from year 0/);
});

t.test('a model no longer known is said so; different currencies are listed for a refusal', async (t) => {
  const unknown = conventionDifferences([{ label: 'a', appraisal: 'continuing_demand', model: model() }, { label: 'b', appraisal: 'continuing_demand' }]);
  t.same(unknown.warnings.map((w) => w.field), ['model']);
  t.same(conventionDifferences([{ label: 'a', appraisal: 'continuing_demand', model: model() }, { label: 'b', appraisal: 'continuing_demand', model: model({ currency: 'EUR' }) }]).currencies, ['GBP', 'EUR']);
});
