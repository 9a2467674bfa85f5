import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { deflatorIndex, upratingFactor } from '../../src/catalog/england-default/deflator.ts';
import { englandDefaultModelText } from '../../src/catalog/england-default/build.ts';
import { modelJsonSchemaText } from '../../src/catalog/model-json-schema.ts';

const modelsDir = path.resolve(import.meta.dirname, '../../models');

t.test('models/model.schema.json is the current TypeBox definition (npm run schemas)', async (t) => {
  const committed = readFileSync(path.join(modelsDir, 'model.schema.json'), 'utf8');
  t.equal(committed, modelJsonSchemaText(), 'regenerate with node src/cli/write-schemas.ts');
});

t.test('models/england-default.json is what its builder makes (npm run models:build)', async (t) => {
  const committed = readFileSync(path.join(modelsDir, 'england-default.json'), 'utf8');
  t.equal(committed, englandDefaultModelText(), 'regenerate with node src/cli/write-default-model.ts');
});

t.test('GDP deflator: financial years are the mean of their April-March quarters', async (t) => {
  // ONS YBGB (release 30 June 2025): 2024 Q2-Q4 110.1, 112.1, 113.2 and 2025 Q1 114.1.
  t.equal(deflatorIndex('2024-25'), (110.1 + 112.1 + 113.2 + 114.1) / 4);
  // 2016 Q2-Q4 84.6, 85.5, 86.1 and 2017 Q1 86.4 → 85.65.
  t.ok(Math.abs(deflatorIndex('2016-17') - 85.65) < 1e-12);
  t.equal(deflatorIndex('2023'), 106.9, 'calendar years use the annual value');
  // £646 in 2016-17 → 646 × 112.375 / 85.65 = 847.5686 → £847.57 in 2024-25.
  t.ok(Math.abs(646 * upratingFactor('2016-17') - 847.5686) < 1e-4);
  t.equal(upratingFactor('2024-25'), 1);
  t.throws(() => deflatorIndex('2025-26'), /no complete deflator/);
  t.throws(() => deflatorIndex('1999'), /no deflator/);
});
