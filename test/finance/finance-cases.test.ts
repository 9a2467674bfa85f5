import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';

/**
 * The finance cases of issue 12 (test/fixtures/finance-cases/NOTE.md), through the HTTP API on
 * whichever back end the suite runs on (PGlite, or PostgreSQL with DATABASE_URL).
 */
const CASES = path.resolve(import.meta.dirname, '../fixtures/finance-cases');

t.test('paired-saving-basis: the chance and the saving on the same basis, each basis labelled', async (t) => {
  const { as } = await buildTestApp(t);
  const body = JSON.parse(readFileSync(path.join(CASES, 'paired-saving-basis.json'), 'utf8'));
  const response = await as('finance', { method: 'POST', url: '/v1/projections', payload: body });
  t.equal(response.statusCode, 200, response.body.slice(0, 400));
  const result = response.json();
  const [comparison] = result.comparisons;
  console.log(JSON.stringify(comparison, null, 1));
  console.log(JSON.stringify(result.plans.map((p: any) => [p.total, p.byFinancialYear.slice(0, 4)]), null, 1));
});
