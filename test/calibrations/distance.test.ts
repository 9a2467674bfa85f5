import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { buildTestApp } from '../helpers/app.ts';
import { multipartForm } from './forms.ts';

/**
 * Calibrated shares placed more than 20 miles from home over HTTP: a role with individual access
 * reads them in the model and the report; the board reads the model without them (they are
 * (k + 20·p0)/(n + 20) with p0 and the weight published: they give back how many children were
 * placed far) and the report under the disclosure rule. The fixture is
 * test/fixtures/ssda903/distance, counted by hand in test/calibration/distance.test.ts: in-house
 * 1 of 14 over 20 miles, agency 7 of 9.
 */
const FIXTURES = path.join(import.meta.dirname, '../fixtures/ssda903/distance');
const england: CostModelSpec = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../models/england-default.json'), 'utf8'));
type State = CostModelSpec['states'][number];

t.test('the board reads a calibrated model without its calibrated distance shares, and their counts under the rule', async (t) => {
  const test = await buildTestApp(t);
  const { as } = test;
  const files = readdirSync(FIXTURES).map((name) => ({ name, content: readFileSync(path.join(FIXTURES, name)) }));
  const form = await multipartForm(files, { authority: 'Nearshire' });
  const response = await as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form });
  t.equal(response.statusCode, 202, response.body.slice(0, 300));
  await test.app.jobs.settledWithin(response.json().id, 120_000);
  const job = (await as('commissioning', { method: 'GET', url: `/v1/jobs/${response.json().id}` })).json();
  t.equal(job.status, 'succeeded', JSON.stringify(job.error));

  const full = (await as('finance', { method: 'GET', url: '/v1/models/nearshire-calibrated' })).json() as CostModelSpec;
  const byId = (model: CostModelSpec, id: string) => model.states.find((s: State) => s.id === id);
  t.equal(byId(full, 'inhouse_foster')?.distanceOver20Miles?.share, (1 + 20 * 0.038) / (14 + 20), 'in-house, as calibrated');
  t.equal(byId(full, 'ifa_foster')?.distanceOver20Miles?.share, (7 + 20 * 0.321) / (9 + 20), 'agency, as calibrated');

  const board = await as('board', { method: 'GET', url: '/v1/models/nearshire-calibrated' });
  t.equal(board.statusCode, 200);
  const shown = board.json() as CostModelSpec;
  t.notOk(byId(shown, 'inhouse_foster')?.distanceOver20Miles, 'in-house share withheld');
  t.notOk(byId(shown, 'ifa_foster')?.distanceOver20Miles, 'agency share withheld');
  t.same(byId(shown, 'residential')?.distanceOver20Miles, byId(england, 'residential')?.distanceOver20Miles, 'a national share (no distance known) is shown');
  t.same(byId(shown, 'kinship_foster')?.distanceOver20Miles, byId(england, 'kinship_foster')?.distanceOver20Miles);
  const inhouse = full.states.findIndex((s: State) => s.id === 'inhouse_foster');
  t.match(shown.description, new RegExp(`/states/${inhouse}/distanceOver20Miles`), 'the description says what is withheld');
  t.notMatch(shown.sources.ssda903_calibration.note, /\b[1-4] /, 'no count under 5 in the source note');

  // The report: a role with individual access reads the counts; the board reads them under the rule.
  const href = job.result.href as string;
  const open = (await as('commissioning', { method: 'GET', url: href })).json().report.distances;
  t.match(open.states.find((s: { state: string }) => s.state === 'inhouse_foster'), { children: 14, over20Miles: 1, within20Miles: 13, estimate: Math.round(((1 + 20 * 0.038) / 34) * 1e6) / 1e6 });
  const hidden = (await as('board', { method: 'GET', url: href })).json().report.distances;
  const inhouseRow = hidden.states.find((s: { state: string }) => s.state === 'inhouse_foster');
  const agencyRow = hidden.states.find((s: { state: string }) => s.state === 'ifa_foster');
  t.equal(inhouseRow.over20Miles, '<5', 'in-house: 1 over 20 miles reads <5');
  t.equal(inhouseRow.estimate, 'c', 'and the share that gives it back is hidden');
  t.equal(inhouseRow.empirical, 'c');
  t.equal(agencyRow.within20Miles, '<5', 'agency: 2 within 20 miles reads <5');
  t.equal(agencyRow.estimate, 'c');
  t.ok(typeof inhouseRow.within20Miles !== 'number' && typeof agencyRow.over20Miles !== 'number', 'the other side of each tie hidden too (c), so no subtraction gives the small one');
  // Residential: 2 with no distance read <5. Its zeros and prior share may be shown or hidden (c):
  // the bounds rule hides figures beside a "<5" until it could be any of 1-4, which can cost zeros.
  const residentialOpen = open.states.find((s: { state: string }) => s.state === 'residential');
  const residentialHidden = hidden.states.find((s: { state: string }) => s.state === 'residential');
  t.equal(residentialHidden.notKnown, '<5', 'residential: 2 with no distance read <5');
  for (const key of ['over20Miles', 'within20Miles', 'estimate'] as const) {
    t.ok(residentialHidden[key] === residentialOpen[key] || residentialHidden[key] === 'c', `residential ${key}: as the open report or hidden (c)`);
  }
});

t.test('distancePriorWeight: the Beta prior weight of the distance shares, set on the form; out of range is a 400 naming it', async (t) => {
  const test = await buildTestApp(t);
  const { as } = test;
  const files = readdirSync(FIXTURES).map((name) => ({ name, content: readFileSync(path.join(FIXTURES, name)) }));
  for (const bad of ['0', '-1', '10001', 'lots', '1e3']) {
    const refused = await as('commissioning', { method: 'POST', url: '/v1/calibrations', ...(await multipartForm(files, { authority: 'Nearshire', distancePriorWeight: bad })) });
    t.equal(refused.statusCode, 400, `distancePriorWeight ${bad}`);
    t.match(refused.headers['content-type'], /^application\/problem\+json/);
    t.match(refused.json().errors, [{ field: 'body/distancePriorWeight', reason: /above 0 and at most 10,000/ }], `${bad}: names the field and the range`);
  }
  t.equal((await test.app.db.selectFrom('jobs').select('id').execute()).length, 0, 'nothing queued');

  // w = 5 by hand: in-house (1 + 5 × 0.038)/(14 + 5), agency (7 + 5 × 0.321)/(9 + 5).
  const response = await as('commissioning', { method: 'POST', url: '/v1/calibrations', ...(await multipartForm(files, { authority: 'Nearshire', distancePriorWeight: '5' })) });
  t.equal(response.statusCode, 202, response.body.slice(0, 300));
  await test.app.jobs.settledWithin(response.json().id, 120_000);
  const job = (await as('commissioning', { method: 'GET', url: `/v1/jobs/${response.json().id}` })).json();
  t.equal(job.status, 'succeeded', JSON.stringify(job.error));
  const model = (await as('finance', { method: 'GET', url: '/v1/models/nearshire-calibrated' })).json() as CostModelSpec;
  const share = (id: string) => model.states.find((s: State) => s.id === id)?.distanceOver20Miles?.share as number;
  t.ok(Math.abs(share('inhouse_foster') - (1 + 5 * 0.038) / 19) < 1e-12, `in-house ${share('inhouse_foster')} = 1.19/19`);
  t.ok(Math.abs(share('ifa_foster') - (7 + 5 * 0.321) / 14) < 1e-12, `agency ${share('ifa_foster')} = 8.605/14`);
  const calibration = (await as('commissioning', { method: 'GET', url: job.result.href as string })).json();
  t.equal(calibration.report.distances.priorWeight, 5, 'the report states the weight used');
  t.equal(calibration.parameters.distancePriorWeight, 5, 'and the calibration’s parameters record it');
});
