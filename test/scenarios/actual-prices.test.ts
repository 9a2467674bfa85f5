import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { actualPriceFactor } from '../../src/services/scenario-runs.ts';

/**
 * Issue 12: a scenario run's cohort prices are converted to the model's base-year prices. The
 * reference figures are README's: the default model's GDP deflator index is 112.375 for 2024-25
 * and 116.915 for 2026-27, so £700 a week paid in 2026-27 is £672.82 in 2024-25 prices.
 */
t.test('actual weekly prices of the first planning year are deflated to the base year', async (t) => {
  const model: CostModelSpec = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../models/england-default.json'), 'utf8'));
  const factor = actualPriceFactor(model, { firstYear: '2026-27' });
  t.ok(Math.abs(factor - 112.375 / 116.915) < 1e-12, `factor ${factor}`);
  t.equal(Math.round(700 * factor * 100) / 100, 672.82, '£700 a week in 2026-27 is £672.82 in 2024-25 prices');
  t.equal(actualPriceFactor(model, { firstYear: '2024-25' }), 1, 'the base year itself converts nothing');
  const { deflator: _, ...withoutDeflator } = model;
  t.equal(actualPriceFactor(withoutDeflator, { firstYear: '2026-27' }), 1, 'a model without a deflator converts nothing');
});
