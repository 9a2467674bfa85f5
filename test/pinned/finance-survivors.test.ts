import t from 'tap';
import { conventionDifferences } from '../../src/finance/conventions.ts';
import { ratiosByRun } from '../../src/finance/invest-to-save.ts';
import { deflatorIndexOf, financialYearStartOf, PRICE_BASES } from '../../src/finance/price-base.ts';

/**
 * Mutants of src/finance that survived `npm run mutate` on 30 November 2026 (see
 * test/pinned/MUTATION-SURVIVORS.md), killed here with exact expectations.
 */

t.test('a run whose model is no longer known is named in its own warning', async (t) => {
  // Kills the message emptied, the label mapper → undefined, and the join separator → "".
  const gb = { currency: 'GBP', priceBaseYear: '2024-25', discounting: { periods: [{ fromYear: 0, rate: 0.035 }] } };
  const { warnings, currencies } = conventionDifferences([
    { label: 'run-a', appraisal: 'closed_cohort' },
    { label: 'run-b', appraisal: 'closed_cohort' },
    { label: 'run-c', appraisal: 'closed_cohort', model: gb },
  ]);
  t.same(warnings, [{ field: 'model', message: 'The model version run is no longer known for run-a, run-b: its price base and discount rates cannot be checked.' }]);
  t.equal(currencies, null);
});

t.test('each run’s own ratios: BCR = B/C and ROI = (B − C)/C, runs costing nothing left out', async (t) => {
  // Runs (B, C): (30, 10) → BCR 3, ROI 2; (5, 0) left out; (8, 16) → 0.5, −0.5; (0, 4) → 0, −1.
  // Kills roi's initial array, (B − C) × C and (B + C) / C.
  const { benefitCostRatio, returnOnInvestment } = ratiosByRun([30, 5, 8, 0], [10, 0, 16, 4]);
  t.same([...benefitCostRatio], [3, 0.5, 0]);
  t.same([...returnOnInvestment], [2, -0.5, -1]);
  t.same([...ratiosByRun([], []).returnOnInvestment], []);
});

t.test('price bases: the list, and errors that say what is wrong', async (t) => {
  // Kills the list emptied or its names blanked (the schema's enum and messages read it).
  t.same(PRICE_BASES, ['model', 'current']);
  t.throws(() => financialYearStartOf('2026'), new RangeError('not a financial year: 2026'));
  t.throws(() => deflatorIndexOf({ index: [] }, 2026), new RangeError('the model has no deflator'));
});
