import { parse } from 'csv-parse/sync';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { unzip } from '../export/fixtures.ts';
import { decimals, numbersIn, offences } from '../finance/answer-walk.ts';
import { addCohort, runAndWait, smallScenario } from './fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers walked as parsed JSON
type Json = Record<string, any>;

/**
 * Issue 12: money in whole pence in every answer, for scenarios: a run, its comparison, the
 * list, a pack's CSV tables; the run's money statement beside a projection's; and runs of
 * different appraisal conventions compared with a warning naming the field.
 */

t.test('scenario run, comparison, list and pack: money to the penny, no float noise; the money block; convention warnings', async (t) => {
  const { as } = await buildTestApp(t);
  await addCohort(as);
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario() })).statusCode, 201);
  const a = await runAndWait(as, 'small-mst');
  const b = await runAndWait(as, 'small-mst', { seed: 5 });
  const run = await as('head_of_service', { method: 'GET', url: a.result.href });
  const ids = [a, b].map((job) => job.result.href.split('/').pop());
  const runs = await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${ids.join(',')}` });
  const list = await as('head_of_service', { method: 'GET', url: '/v1/scenario-runs' });

  const projection = await as('commissioning', { method: 'POST', url: '/v1/projections', payload: { model: 'england-default', ageMonths: 168, state: 'residential', runs: 10, seed: 1 } });
  const answers: Record<string, unknown> = {
    projection: projection.json(),
    'scenario run': run.json(),
    'scenario comparison': runs.json(),
    'scenario runs list': list.json(),
  };
  for (const [name, answer] of Object.entries(answers).filter(([name]) => name !== 'projection')) {
    t.ok(numbersIn(answer) > 5, `${name}: numbers walked (${numbersIn(answer)})`);
    t.same(offences(answer), [], `${name}: no number beyond its decimals`);
  }

  const result = (answers['scenario run'] as { result: Json }).result;
  for (const variant of ['baseline', 'strategy', 'saving'] as const) {
    const pence = result.spend.byYear.slice(0, result.planningYears).reduce((sum: number, y: Record<string, { mean: number }>) => sum + Math.round(y[variant].mean * 100), 0);
    t.equal(Math.round(result.spend.planningTotal[variant].mean * 100), pence, `scenario planning total ${variant} = Σ years`);
  }

  // The pack: every CSV cell that is a number, by its table's column kinds.
  const pack = unzip((await as('head_of_service', { method: 'POST', url: '/v1/packs', payload: { runIds: ids } })).rawPayload);
  const tables = Object.keys(pack).filter((f) => f.startsWith('tables/') && f.endsWith('.csv'));
  t.ok(tables.length >= 10, 'the pack has its tables');
  let cells = 0;
  const noisy: string[] = [];
  for (const file of tables) {
    const rows: string[][] = parse(new TextDecoder().decode(pack[file]));
    for (const row of rows.slice(1)) {
      for (const cell of row) {
        if (!/^-?\d+(\.\d+)?(e-?\d+)?$/.test(cell)) continue;
        cells++;
        if (decimals(Number(cell)) > 6) noisy.push(`${file}: ${cell}`);
      }
    }
  }
  t.ok(cells > 100, `pack numbers walked (${cells})`);
  t.same(noisy, [], 'no pack CSV number with float noise');
  const assumptions: string[][] = parse(new TextDecoder().decode(pack['tables/assumptions.csv']));
  const unit = assumptions[0].indexOf('Unit');
  const central = assumptions[0].indexOf('Central value');
  const money = assumptions.slice(1).filter((row) => row[unit].startsWith('£') && row[central] !== '');
  t.ok(money.length > 10, 'money assumptions present');
  t.same(money.filter((row) => decimals(Number(row[central])) > 2).map((row) => row[central]), [], 'money assumptions to the penny');

  // A scenario run states its money as a projection does: same currency, price base, rates and bases.
  const stated = (answers['scenario run'] as { money: Json }).money;
  const projected = (answers.projection as { money: Json }).money;
  t.match(stated, { currency: 'GBP', priceBase: '2024-25', priceBaseKind: 'model', modelPriceBase: '2024-25', deflator: { appliedTo: 'actual prices' } });
  // Actual weekly prices, cash of the first planning year (2026-27), in 2024-25 prices: the
  // model's deflator index 112.375 (2024-25) over 116.915 (2026-27), as README works it.
  // A record's dated price changes are converted at the index of the year they apply in, so every
  // year of the run's six-year lifetime has its factor: 112.375 over the year's index (README, "Money").
  t.same(stated.deflator.factors.map((f: Json) => f.financialYear), ['2026-27', '2027-28', '2028-29', '2029-30', '2030-31', '2031-32']);
  const indices = [116.915, 119.253, 121.638, 124.071, 126.552, 126.552];
  for (const [k, f] of (stated.deflator.factors as Json[]).entries()) t.ok(Math.abs(Number(f.factor) - 112.375 / indices[k]) < 1e-6, `${f.financialYear}: factor ${f.factor}`);
  t.same(stated.discountRates, projected.discountRates, 'the model’s Green Book schedule, as the projection states it');
  t.same(stated.bases, projected.bases, 'the two bases in the same words');
  t.equal(stated.rounding, projected.rounding);
  t.match(stated.deflator.statement, /actual weekly prices, cash of 2026-27 \(the first planning year\), are converted to 2024-25 prices/);
  t.match(stated.deflator.statement, /dated price changes after 1 April of that year are cash of the year they apply in/);

  // Comparing runs of the same convention: no warning; of different conventions: a warning naming the field.
  const compared = answers['scenario comparison'] as { warnings: unknown[]; runs: Array<{ appraisal: string; money: unknown }> };
  t.same(compared.warnings, [], 'same convention, price base and rates: no warning');
  t.same(compared.runs.map((r) => r.appraisal), ['continuing_demand', 'continuing_demand']);
  t.same(compared.runs[0].money, stated, 'each compared run states its money');
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: smallScenario({ id: 'small-mst-closed', appraisal: 'closed_cohort' }) })).statusCode, 201);
  const closed = await runAndWait(as, 'small-mst-closed');
  const mixed = await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/compare?ids=${ids[0]},${closed.result.href.split('/').pop()}` });
  t.equal(mixed.statusCode, 200, 'compared, with a warning (not refused)');
  const body = mixed.json();
  t.same(body.runs.map((r: { appraisal: string }) => r.appraisal), ['continuing_demand', 'closed_cohort']);
  t.equal(body.warnings.length, 1);
  t.equal(body.warnings[0].field, 'appraisal');
  t.match(body.warnings[0].message, /different appraisal conventions .*continuing_demand.*closed_cohort/);
  t.same(offences(body), [], 'the mixed comparison is rounded too');
  const preview = await as('head_of_service', { method: 'GET', url: `/v1/packs/preview?runs=${ids[0]},${closed.result.href.split('/').pop()}` });
  t.equal(preview.statusCode, 200);
  t.ok(
    preview.json().comparison.some((sentence: string) => /different appraisal conventions/.test(sentence)),
    'the pack’s comparison says so too',
  );
});
