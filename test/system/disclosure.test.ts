import { roundTo } from '../../src/finance/money.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { outcomeUnit } from '../../src/export/tables.ts';
import { MIN_COHORT_FOR_AGGREGATE_ROLES } from '../../src/services/disclosure-view.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { multipartForm, northvaleFiles } from '../calibrations/forms.ts';
import { pollJob, record, smallScenario } from '../scenarios/fixtures.ts';

/**
 * The disclosure test of issue 14: for every answer the board (a role without individual
 * access) can read about scenario runs and calibrations, no count of children between 1 and 4
 * appears; runs over cohorts under the minimum are refused; money for fewer than 5 children is
 * withheld.
 */

/** Every count of children in a run-shaped answer, with its JSON pointer. */
function countsIn(value: unknown, path = '', measure?: string): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => countsIn(v, `${path}/${i}`, measure));
  if (value === null || typeof value !== 'object') {
    const countPath =
      /\/result\/(counts|inCare)\/\d+\/(baseline|strategy)\//.test(path) ||
      /\/result\/interventions\/\d+\/delivered\//.test(path) ||
      /\/cohort\/size$/.test(path) ||
      /\/result\/planning\/(offers\/\d+\/expectedDemandByYear|capacity\/\d+\/redirectByYear)\//.test(path) ||
      /\/headline\/inCareByYear\/\d+\/(baseline|strategy)\//.test(path) ||
      (measure !== undefined && outcomeUnit(measure).count && /\/result\/outcomes\/\d+\/(baseline|strategy)\/(mean|p5|p10|p50|p90|p95|min|max)$/.test(path));
    return countPath ? [[path, value]] : [];
  }
  const object = value as Record<string, unknown>;
  const nextMeasure = typeof object.measure === 'string' ? object.measure : measure;
  return Object.entries(object).flatMap(([k, v]) => countsIn(v, `${path}/${k}`, nextMeasure));
}

const small = (v: unknown) => typeof v === 'number' && Math.round(v) > 0 && Math.round(v) < 5;

async function addPeople(as: TestApp['as']) {
  // Twelve young people: most on the edge of care, two in residential care, one in IFA foster care.
  const records = [
    ...[2010, 2011, 2011, 2012, 2012, 2013, 2013, 2014].map((y) => record(y, 'edge_of_care')),
    record(2011, 'cin_cp'),
    record(2010, 'residential'),
    record(2011, 'residential'),
    record(2012, 'ifa_foster'),
  ];
  for (const payload of records) {
    const response = await as('finance', { method: 'POST', url: '/v1/young-people', payload });
    if (response.statusCode !== 201) throw new Error(response.body);
  }
}

async function run(as: TestApp['as'], id: string, seed: number) {
  const started = await as('commissioning', { method: 'POST', url: `/v1/scenarios/${id}/runs`, payload: { runs: 30, seed } });
  if (started.statusCode !== 202) throw new Error(started.body);
  const job = await pollJob(as, started.json().id);
  if (job.status !== 'succeeded') throw new Error(JSON.stringify(job));
  return { jobId: started.json().id as string, runId: job.result.id as string };
}

t.test('the board reads no count of children between 1 and 4, and no run over a small cohort', async (t) => {
  const { as } = await buildTestApp(t);
  await addPeople(as);
  const wide = smallScenario({ id: 'whole-caseload' });
  const secure = smallScenario({ id: 'two-in-residential', cohort: { careStates: ['residential'] } });
  for (const scenario of [wide, secure]) t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: scenario })).statusCode, 201);
  const a = await run(as, 'whole-caseload', 1);
  const b = await run(as, 'whole-caseload', 2);
  const tiny = await run(as, 'two-in-residential', 1);

  // The setup has small numbers to hide: finance (individual access) sees them.
  const open = (await as('finance', { method: 'GET', url: `/v1/scenario-runs/${a.runId}` })).json();
  t.ok(countsIn(open).some(([, v]) => small(v)), 'the run holds counts between 1 and 4 (so the check below can fail)');
  t.equal(open.cohort.size, 12);

  const boardReads = [
    `/v1/scenario-runs/${a.runId}`,
    `/v1/scenario-runs/${b.runId}`,
    '/v1/scenario-runs',
    `/v1/scenario-runs/compare?ids=${a.runId},${b.runId}`,
    `/v1/packs/preview?runs=${a.runId},${b.runId}`,
  ];
  for (const url of boardReads) {
    const response = await as('board', { method: 'GET', url });
    t.equal(response.statusCode, 200, url);
    const counts = countsIn(response.json());
    const leaks = counts.filter(([, v]) => small(v));
    t.same(leaks, [], `${url}: no count between 1 and 4`);
  }
  const shown = (await as('board', { method: 'GET', url: `/v1/scenario-runs/${a.runId}` })).json();
  t.ok(countsIn(shown).some(([, v]) => v === '<5'), 'small counts are shown as <5');
  for (const iv of shown.result.interventions) {
    if (iv.delivered.mean === '<5') t.equal(iv.cost, null, `${iv.intervention}: the cost for fewer than 5 children is withheld`);
  }

  for (const job of [a.jobId, tiny.jobId]) {
    const read = (await as('board', { method: 'GET', url: `/v1/jobs/${job}` })).json();
    t.equal(read.message, 'done', 'a job’s message carries no figures for the board');
  }
  t.match((await as('finance', { method: 'GET', url: `/v1/jobs/${a.jobId}` })).json().message, /12 young people/, 'others read the full message');

  // Two children: refused to the board everywhere, whatever the figure.
  for (const [method, url] of [
    ['GET', `/v1/scenario-runs/${tiny.runId}`],
    ['GET', `/v1/scenario-runs/compare?ids=${a.runId},${tiny.runId}&allowDifferentCohorts=true`],
    ['GET', `/v1/packs/preview?runs=${tiny.runId}`],
    ['GET', `/v1/scenario-runs/${tiny.runId}/pack`],
  ] as const) {
    const response = await as('board', { method, url });
    t.equal(response.statusCode, 403, `${url}: a cohort under ${MIN_COHORT_FOR_AGGREGATE_ROLES} is refused`);
    t.match(response.json().detail, /fewer than 10 young people/);
  }
  const list = (await as('board', { method: 'GET', url: '/v1/scenario-runs?scenario=two-in-residential' })).json();
  t.match(list.items[0], { cohort: { size: '<5' }, headline: { netPresentValueMean: null, probabilityBenefitsExceedCosts: null } }, 'listed without its money');
  t.equal((await as('head_of_service', { method: 'GET', url: `/v1/scenario-runs/${tiny.runId}` })).statusCode, 200, 'roles with individual access read it');
});

/**
 * Every count of children, events or records in a calibration answer (getCalibrationReport or a
 * listCalibrations item), with its JSON pointer: the figures src/services/calibration-disclosure.ts
 * names, found here by path so that a count it forgot is still checked.
 */
function calibrationCountsIn(value: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => calibrationCountsIn(v, `${path}/${i}`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => calibrationCountsIn(v, `${path}/${k}`));
  const countPath = [
    /\/cleaning\/files\/\d+\/rows$/,
    /\/(cleaning\/counts|cleaningCounts|report\/cleaning)\/[^/]+\/[^/]+$/,
    /\/cleaning\/totals\/(children|episodes|oc3Records|openAtEnd)$/,
    /\/cleaning\/totals\/(shortBreaks|unobserved|sharedProvider)\/(children|episodes|entries)$/,
    /\/report\/(rows|ageTransitions|careLeavers|entrySplits)\/\d+\/rates\/\d+\/count$/,
    /\/report\/(ageTransitions|careLeavers|entrySplits)\/\d+\/(observations|partialObservations)$/,
    /\/report\/entries\/(total|byBand\/\d+\/count|byBand\/\d+\/byState\/\d+\/count|byReturnYear\/\d+\/count|byAge\/\d+\/count)$/,
    /\/report\/withinStateMoves\/\d+\/moves$/,
    /\/headline\/(children|entries)$/,
    /\/backtest\/(startPopulation|expectedEntrants|actualEntrants|vanished|calibration\/(children|entries)|states\/\d+\/(projected|actual)|overall\/(projected|actual|lower|upper|simulatedMean))$/,
    /\/backtest\/groups\/\d+\/(projected|actual|lower|upper|carriedForward|lastYearsFlows)$/,
    /\/backtest\/benchmarks\/\d+\/total$/,
    /\/report\/entryRates\/byBand\/\d+\/entries$/,
    /\/report\/distances\/(children|over20Miles|notKnown|stateNotKnown|byReturnYear\/\d+\/(children|over20Miles|notKnown)|states\/\d+\/(children|over20Miles|within20Miles|notKnown))$/,
    // Person-months: a count cannot exceed them, so 1-4 of them would tell a count of 1-4 children.
    /\/report\/(rows|shrunk)\/\d+\/observations$/,
    /\/report\/withinStateMoves\/\d+\/personMonths$/,
    /\/cleaning\/totals\/(unobserved|sharedProvider)\/personMonths$/,
    /\/(headline|calibration)\/personMonths$/,
  ].some((pattern) => pattern.test(path));
  return countPath ? [[path, value]] : [];
}

/** A tie (parts summing to a total) with exactly one figure hidden would give that figure away. */
function loneHidden(parts: unknown[], total: unknown): boolean {
  return [...parts, total].filter((v) => typeof v === 'string').length === 1;
}

t.test('calibrations: the board reads no count of children between 1 and 4', async (t) => {
  const { as, app } = await buildTestApp(t);
  // Two return years of the Northvale fixture: a small authority's numbers, many of them under 5.
  // With a population, so the local entry rates by band (issue 11) are read too.
  const population = { name: 'myeb-long-sample.csv', content: readFileSync(path.join(import.meta.dirname, '../fixtures/population/myeb-long-sample.csv')) };
  const form = await multipartForm(northvaleFiles([2024, 2025]), { authority: 'Northvale', populationArea: 'E06000001' }, [{ part: 'population', file: population }]);
  const started = await as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form });
  t.equal(started.statusCode, 202, started.body);
  await app.jobs.settledWithin(started.json().id, 120_000);
  const job = (await as('commissioning', { method: 'GET', url: `/v1/jobs/${started.json().id}` })).json();
  t.equal(job.status, 'succeeded', JSON.stringify(job));
  const url = job.result.href as string;

  // Roles with individual access read the report as computed, small numbers and all.
  const openResponse = await as('finance', { method: 'GET', url });
  t.equal(openResponse.statusCode, 200, openResponse.body.slice(0, 500));
  const open = openResponse.json();
  t.ok(calibrationCountsIn(open).some(([, v]) => small(v)), 'the report holds counts between 1 and 4 (so the check below can fail)');
  t.ok(open.cleaning.actions.length > 0, 'and the cleaning actions row by row');
  t.ok(
    open.report.rows.some((row: { observations: number }) => small(row.observations)),
    'and rows of 1-4 person-months (so the person-months check can fail)',
  );
  t.equal(open.disclosure, undefined);

  const report = await as('board', { method: 'GET', url });
  const list = await as('board', { method: 'GET', url: '/v1/calibrations' });
  for (const [name, response] of [
    [url, report],
    ['/v1/calibrations', list],
  ] as const) {
    t.equal(response.statusCode, 200, name);
    const counts = calibrationCountsIn(response.json());
    t.ok(counts.length > 0, `${name}: counts were found to check`);
    t.same(
      counts.filter(([, v]) => small(v)),
      [],
      `${name}: no count between 1 and 4`,
    );
  }
  const shown = report.json();
  t.ok(calibrationCountsIn(shown).some(([, v]) => v === '<5'), 'small counts read <5');
  t.same(shown.cleaning.actions, [], 'cleaning actions, row by row, are withheld');
  t.same(shown.disclosure.withheld, ['/cleaning/actions']);
  // The same figures as the open report where nothing is hidden: only small counts and what gives them away change.
  t.equal(shown.report.headline.personMonths, open.report.headline.personMonths);
  t.equal(shown.report.entries.total, open.report.entries.total >= 5 ? open.report.entries.total : '<5');

  // Complementary suppression: no tie is left with one hidden figure.
  for (const kind of ['rows', 'ageTransitions', 'careLeavers', 'entrySplits'] as const) {
    for (const row of shown.report[kind]) {
      const parts = row.rates.map((r: { count: unknown }) => r.count);
      if (Math.abs(open.report[kind].find((o: { band: string; state: string }) => o.band === row.band && o.state === row.state).rates.reduce((a: number, r: { count: number }) => a + r.count, 0) - (typeof row.observations === 'number' ? row.observations : Number.NaN)) < 1e-6) {
        t.notOk(loneHidden(parts, row.observations), `${kind} ${row.band} ${row.state}: no lone hidden count`);
      }
      for (const rate of row.rates) if (typeof rate.count === 'string') t.same([rate.empirical, rate.estimate, rate.lower, rate.upper], ['c', 'c', 'c', 'c'], 'a rate computed from a hidden count is hidden');
    }
  }
  for (const band of shown.report.entries.byBand) {
    t.notOk(
      loneHidden(
        band.byState.map((s: { count: unknown }) => s.count),
        band.count,
      ),
      `entries ${band.band}: no lone hidden count`,
    );
  }
  for (const moves of shown.report.notCalibrated) t.notMatch(moves.reason, /(?<![\d.])[1-4] move/, 'reasons carry no count under 5');
  t.equal(shown.report.entryRates.basis, 'local', 'the entry rates by band were read');
  t.ok(shown.backtest.groups.length === 4, 'the backtest by placement group was read');
  t.notOk(
    loneHidden(
      shown.backtest.groups.map((g: { actual: unknown }) => g.actual),
      shown.backtest.overall.actual,
    ),
    'backtest groups: no lone hidden actual count',
  );
  for (const g of shown.backtest.groups) if (typeof g.actual === 'string') t.equal(shown.backtest.overall.groupError, 'c', 'summed group error hidden when a group is');
  const backtestStates = shown.backtest.states;
  t.notOk(
    loneHidden(
      backtestStates.map((s: { actual: unknown }) => s.actual),
      shown.backtest.overall.actual,
    ),
    'backtest: no lone hidden actual count',
  );

  // Listed again: the protected figures are kept from the first list, and read the same.
  t.same((await as('board', { method: 'GET', url: '/v1/calibrations' })).json(), list.json(), 'a second list reads the same as the first');
  t.same((await as('finance', { method: 'GET', url: '/v1/calibrations' })).json().items[0].headline, open.report.headline, 'roles with individual access list the figures as computed');

  // The list agrees with the report it summarises.
  const item = list.json().items.find((i: { id: string }) => `/v1/calibrations/${i.id}` === url);
  t.same(item.headline, shown.report.headline);
  t.same(item.backtest.overall, shown.backtest.overall);
  t.same(item.cleaningCounts, shown.cleaning.counts);

  // The model the calibration published: its rates and pseudo-counts give back counts of
  // children (rate = (count + weight x prior) / (person-months + weight), all else published).
  const modelUrl = open.model.href as string;
  const openModel = (await as('finance', { method: 'GET', url: modelUrl })).json();
  const boardModelResponse = await as('board', { method: 'GET', url: modelUrl });
  t.equal(boardModelResponse.statusCode, 200, modelUrl);
  const boardModel = boardModelResponse.json();
  t.ok(Object.keys(openModel.rateUncertainty.rowConcentration).length > 0, 'roles with individual access read the row pseudo-counts');
  t.ok(Object.keys(openModel.transitions).length > 0, 'and the calibrated rates');
  t.same(boardModel.transitions, {}, 'the board reads no calibrated rates');
  t.equal(boardModel.ageTransitions, undefined, 'nor rates of leaving care at 18');
  t.equal(boardModel.rateUncertainty.rowConcentration, undefined, 'nor row pseudo-counts');
  t.equal(boardModel.rateUncertainty.concentration, openModel.rateUncertainty.concentration, 'the prior’s concentration is not a count and stays');
  t.notOk(
    boardModel.states.some((s: Record<string, unknown>) => 'withinStatePlacementMoves' in s),
    'nor within-state move rates',
  );
  t.notOk((boardModel.rateFactors ?? []).some((f: { source: string }) => f.source === 'ssda903_calibration'), 'nor the calibrated entry rate factor (its sd gives the entries)');
  t.match(boardModel.description, /Withheld under the disclosure rule/, 'the answer says what is withheld and why');
  t.same(boardModel.unitCosts, openModel.unitCosts, 'costs, which count no child, are unchanged');
  // A row whose transition count is between 1 and 4: its estimate and its pseudo-count, in the
  // open model, would give the count back; neither appears anywhere in the board's answer.
  const smallRow = open.report.rows.find((r: { rates: Array<{ count: number }> }) => r.rates.some((x) => small(x.count)));
  t.ok(smallRow, 'a calibrated row with a count between 1 and 4 (so the check can fail)');
  const smallRate = smallRow.rates.find((x: { count: number }) => small(x.count));
  const openRate = openModel.transitions[smallRow.band][smallRow.state][smallRate.to];
  const pseudoCount = openModel.rateUncertainty.rowConcentration[smallRow.band][smallRow.state];
  // The report rounds at the answer's edge (6 decimals); the model keeps full precision.
  t.equal(roundTo(openRate, 6), smallRate.estimate, 'the open model holds the row’s estimate');
  const boardText = boardModelResponse.body;
  for (const figure of [openRate, pseudoCount]) t.notOk(boardText.includes(`:${JSON.stringify(figure)}`), `${figure} does not appear in the board's model`);
  t.equal(
    (await as('head_of_service', { method: 'GET', url: modelUrl })).body,
    JSON.stringify(openModel),
    'roles with individual access read the model as stored',
  );

  // The job's words carry no figures for the board.
  const boardJob = (await as('board', { method: 'GET', url: `/v1/jobs/${job.id}` })).json();
  t.equal(boardJob.message, 'done');
  t.match(job.message, /calibrated \d+ rows/, 'others read the full message');
});
