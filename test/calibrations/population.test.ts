import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { type FormFile, northvaleFiles } from './forms.ts';

/** The population part of importSsda903: local entry rates over HTTP, and bad population files refused at once. */

const POPULATION = path.join(import.meta.dirname, '../fixtures/population');
const population = (name: string): FormFile => ({ name, content: readFileSync(path.join(POPULATION, name)) });

/** A form with the return's files under `files` and any extra file parts under their own names. */
async function form(files: readonly FormFile[], fields: Record<string, string> = {}, parts: { part: string; file: FormFile }[] = []) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  for (const file of files) body.append('files', new Blob([new Uint8Array(file.content as Uint8Array)]), file.name);
  for (const { part, file } of parts) body.append(part, new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]), file.name);
  const response = new Response(body);
  return { payload: Buffer.from(await response.arrayBuffer()), headers: { 'content-type': response.headers.get('content-type') as string } };
}

async function calibration(test: TestApp, payload: Awaited<ReturnType<typeof form>>) {
  const response = await test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...payload });
  if (response.statusCode !== 202) throw new Error(`expected 202, got ${response.statusCode}: ${response.body}`);
  const queued = response.json();
  await test.app.jobs.settledWithin(queued.id, 120_000);
  const job = (await test.as('commissioning', { method: 'GET', url: `/v1/jobs/${queued.id}` })).json();
  // Read as a role with individual access: the exact figures (the board's view is tested in test/system/disclosure.test.ts).
  return { job, calibration: job.result ? (await test.as('commissioning', { method: 'GET', url: job.result.href })).json() : undefined };
}

const FILES = () => northvaleFiles([2024, 2025]);

t.test('with the ONS population: entry rates are local, with intervals, and the model carries their uncertainty', async (t) => {
  const test = await buildTestApp(t);
  const payload = await form(FILES(), { authority: 'Northvale', populationArea: 'E06000001', backtestYear: 'none' }, [{ part: 'population', file: population('myeb-long-sample.csv') }]);
  const { job, calibration: c } = await calibration(test, payload);
  t.equal(job.status, 'succeeded', JSON.stringify(job.error));
  const rates = c.report.entryRates;
  t.equal(rates.basis, 'local');
  t.match(rates.population, { area: 'E06000001', years: [2023] }, 'the window 2024-2025 spans mid-2023 and mid-2024: the file has 2023');
  t.match(rates.note, /authority's own for bands under-1, 1-4, 5-9, 10-15, 16-17/);
  // Hartlepool in the sample: 500 + a + s children of age a and sex s (1, 2) in 2021, 20 more of each in 2023: 1043 + 2a.
  const band = rates.byBand.find((b: { band: string }) => b.band === '1-4');
  t.equal(band.population, [1, 2, 3, 4].reduce((a, age) => a + 1043 + 2 * age, 0));
  t.equal(band.exposure, band.population * 24);
  t.ok(band.lower <= band.per10000PerYear && band.per10000PerYear <= band.upper, 'the rate lies in its interval');
  t.ok(c.sources.some((s: { name: string }) => s.name === 'myeb-long-sample.csv'), 'the population file is among the sources');
  const model = (await test.as('commissioning', { method: 'GET', url: c.links.model })).json();
  const factor = (model.spec ?? model).rateFactors.find((f: { id: string }) => f.id === 'entry_to_care');
  t.match(factor, { source: 'ssda903_calibration', multiplier: { type: 'lognormal', mean: 1, sd: rates.multiplierSd } });
});

t.test('without a population the report says entry rates are national', async (t) => {
  const test = await buildTestApp(t);
  const { job, calibration: c } = await calibration(test, await form(northvaleFiles([2025]), { backtestYear: 'none' }));
  t.equal(job.status, 'succeeded', JSON.stringify(job.error));
  t.equal(c.report.entryRates.basis, 'national');
  t.match(c.report.entryRates.note, /^Entry rates into care are national: the chances of entering care are england-default .*no population of children was given/);
});

t.test('bad population uploads are 400 problem+json naming the field, and nothing is queued', async (t) => {
  const test = await buildTestApp(t);
  const post = async (payload: Awaited<ReturnType<typeof form>>) => test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...payload });
  const several = await post(await form(FILES(), {}, [{ part: 'population', file: population('mye2-persons-sample.csv') }]));
  t.equal(several.statusCode, 400);
  t.match(several.headers['content-type'], /application\/problem\+json/);
  t.match(several.json().errors, [{ field: 'body/population', reason: /holds 2 areas/ }]);
  const badCell = await post(
    await form(FILES(), {}, [{ part: 'population', file: { name: 'pop.csv', content: `Code,${Array.from({ length: 18 }, (_, a) => a).join(',')}\nE1,${Array.from({ length: 17 }, () => 9).join(',')},x\n` } }]),
  );
  t.equal(badCell.statusCode, 400);
  t.match(badCell.json().errors, [{ field: 'body/population', row: 2, reason: /column 17 must be a number of people/ }]);
  // Implausible counts (the review of issue 11): 1e12 people at every age, 0.001 children at every age.
  const wide = (value: string) => ({ name: 'pop.csv', content: `Code,${Array.from({ length: 18 }, (_, a) => a).join(',')}\nE1,${Array.from({ length: 18 }, () => value).join(',')}\n` });
  const huge = await post(await form(FILES(), {}, [{ part: 'population', file: wide('1e12') }]));
  t.equal(huge.statusCode, 400, 'too many people: refused at upload');
  t.match(huge.json().errors, [{ field: 'body/population', row: 2, reason: /^column 0 holds 1e12 people, more than 50,000/ }]);
  const justOver = await post(await form(FILES(), {}, [{ part: 'population', file: wide('50001') }]));
  t.equal(justOver.statusCode, 400, '50,001 is over the bound');
  const tiny = await post(await form(FILES(), {}, [{ part: 'population', file: wide('0.001') }]));
  t.equal(tiny.statusCode, 400, 'fractions of people: refused at upload');
  t.match(tiny.json().errors, [{ field: 'body/population', row: 2, reason: /^column 0 must be a whole number of people/ }]);
  // A NUL in an area code of the file (the review's "pop NUL"): quoted back escaped, never raw.
  const twoAreas = { name: 'pop.csv', content: `Code,${Array.from({ length: 18 }, (_, a) => a).join(',')}\nE0\u00001,${Array(18).fill(100).join(',')}\nE02,${Array(18).fill(100).join(',')}\n` };
  const nul = await post(await form(FILES(), {}, [{ part: 'population', file: twoAreas }]));
  t.equal(nul.statusCode, 400);
  t.notOk(String(JSON.parse(nul.body).detail).includes('\u0000'), 'no raw NUL in the detail');
  t.match(nul.json().errors, [{ field: 'body/population', reason: /holds 2 areas \(E0\\u00001, E02/ }]);
  const areaAlone = await post(await form(FILES(), { populationArea: 'E06000001' }));
  t.equal(areaAlone.statusCode, 400);
  t.match(areaAlone.json().errors, [{ field: 'body/populationArea', reason: /needs a file part named population/ }]);
  const twice = await post(
    await form(FILES(), {}, [
      { part: 'population', file: population('myeb-long-sample.csv') },
      { part: 'population', file: population('myeb-long-sample.csv') },
    ]),
  );
  t.equal(twice.statusCode, 400);
  t.match(twice.json().errors, [{ field: 'body/population', reason: 'is given twice' }]);
  const jobs = (await test.as('admin', { method: 'GET', url: '/v1/jobs' })).json();
  t.equal(jobs.total ?? jobs.items?.length ?? 0, 0, 'no job was queued');
});
