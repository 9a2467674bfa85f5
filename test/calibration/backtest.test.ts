import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { backtest, backtestVerdict, entryRateFor, fitWindowFor, PLACEMENT_GROUPS, placementGroup, propagate, truncateToReturnYear, vanishedChildren } from '../../src/calibration/backtest.ts';
import { monthIndex } from '../../src/calibration/dates.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { generateSyntheticAuthority, syntheticModel } from '../../src/calibration/synthetic-authority.ts';

const model = syntheticModel();
const HAND = path.join(import.meta.dirname, '../fixtures/ssda903/hand');
const SAMPLE = path.join(import.meta.dirname, '../fixtures/ssda903/northvale');
const readFolder = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.csv')).map((name) => ({ name, buffer: readFileSync(path.join(folder, name)) }));

t.test('propagation: band rows by age at the first of the month, the age transition in the birthday month', async (t) => {
  const born = monthIndex(2007, 6); // mid-June 2007
  const row = model.transitions['16-17'].residential;
  // April 2025: 17 years old, not a birthday month: one step is the 16-17 row.
  const oneStep = propagate(model, born, new Map([['residential', 1]]), monthIndex(2025, 4), monthIndex(2025, 5));
  for (const [to, p] of Object.entries(row)) t.ok(Math.abs((oneStep.get(to) ?? 0) - p) < 1e-15, `one step to ${to}`);
  // Two steps: staying in residential twice or leaving and coming back, written out by hand.
  const twoSteps = propagate(model, born, new Map([['residential', 1]]), monthIndex(2025, 4), monthIndex(2025, 6));
  const back = Object.entries(row)
    .filter(([to]) => to !== 'residential')
    .reduce((sum, [to, p]) => sum + p * (model.transitions['16-17'][to]?.residential ?? (to === 'residential' ? 1 : 0)), 0);
  t.ok(Math.abs((twoSteps.get('residential') ?? 0) - (row.residential * row.residential + back)) < 1e-15, 'two steps: r·r + Σ p(r→x)·p(x→r)');
  // June 2025 is the 18th birthday month: the age transition replaces the monthly row.
  const birthday = propagate(model, born, new Map([['residential', 1]]), monthIndex(2025, 6), monthIndex(2025, 7));
  t.same(Object.fromEntries(birthday), model.ageTransitions![1].to, 'leaving care at 18');
});

t.test('truncating to a return year keeps only what was known then', async (t) => {
  const imported = await importSsda903(readFolder(HAND), { pseudonymKey: 'k' });
  const asOf = truncateToReturnYear(imported, 2023);
  t.same(asOf.returnYears, [2023]);
  t.equal(asOf.dataEnd, '2023-04-01');
  t.equal(asOf.episodes.length, 4, 'the entrant of August 2023 is not yet known');
  const open = asOf.episodes.filter((e) => e.end === null);
  t.equal(open.length, 3, 'A’s agency placement, B and C are open on 31 March 2023');
  t.ok(open.every((e) => e.knownOpenUntil === '2023-04-01' && e.reasonEnded === null && e.ageAtEndYears === null), 'later endings are unknown');
});

t.test('a synthetic authority projects its own year within its interval, by group, beside the naive benchmarks', async (t) => {
  const options = { seed: 11, firstYear: 2019, entriesPerMonth: 16 };
  const authority = generateSyntheticAuthority({ ...options, lastYear: 2025 });
  // The same seed run to an earlier year is the same simulation stopped earlier (the generator
  // draws month by month): an independent count of the children in care on 31 March 2024 and 2023.
  const at2024 = generateSyntheticAuthority({ ...options, lastYear: 2024 }).inCareAtEnd;
  const at2023 = generateSyntheticAuthority({ ...options, lastYear: 2023 }).inCareAtEnd;
  const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
  const result = backtest(imported, { priorModel: syntheticModel({ scale: 1.6 }), year: 2025, draws: 400 });
  t.same(result.fitWindow, { fromYear: 2021, toYear: 2024 });
  t.equal(result.vanished, 0, 'the generator writes every open episode into the next return');
  t.equal(result.overall.actual, authority.inCareAtEnd - countUnmapped(imported), 'the actual count is the children in care on 31 March 2025');
  t.ok(Math.abs(result.overall.error) < 3 * result.overall.sd, `overall error ${result.overall.error.toFixed(1)} within 3 sd (${result.overall.sd.toFixed(1)})`);
  for (const s of result.states) t.ok(Math.abs(s.error) < 4 * s.sd + 2, `${s.state}: ${s.projected.toFixed(1)} projected, ${s.actual} actual`);
  t.ok(Math.abs(result.expectedEntrants - 16 * 12) < 4 * Math.sqrt(16 * 12), `entrants expected ${result.expectedEntrants.toFixed(1)}, about 192`);

  const { overall } = result;
  t.ok(overall.lower < overall.projected && overall.projected < overall.upper, `the interval [${overall.lower}, ${overall.upper}] holds the point ${overall.projected.toFixed(1)}`);
  t.equal(overall.inInterval, overall.actual >= overall.lower && overall.actual <= overall.upper);
  // The simulation's mean is the exact expectation up to Monte Carlo error (4 standard errors) and
  // the Jeffreys half-entry a year in the entry rate (at most 0.5 more entrants).
  t.ok(Math.abs(overall.simulatedMean - overall.projected) < (4 * overall.predictiveSd) / Math.sqrt(400) + 0.5, `simulated mean ${overall.simulatedMean.toFixed(1)} against exact ${overall.projected.toFixed(1)}`);
  // Trajectory noise alone is a Poisson-binomial sd; the predictive sd adds parameters and entries.
  t.ok(overall.predictiveSd > overall.sd, `predictive sd ${overall.predictiveSd.toFixed(1)} above trajectory-only ${overall.sd.toFixed(1)}`);
  t.ok(overall.upper - overall.lower > 2 * 1.645 * overall.sd * 0.95, 'the 90% interval is at least as wide as trajectory noise alone gives');

  t.same(result.groups.map((g) => g.group), PLACEMENT_GROUPS);
  const sum = (f: (g: (typeof result.groups)[number]) => number) => result.groups.reduce((a, g) => a + f(g), 0);
  t.ok(Math.abs(sum((g) => g.projected) - overall.projected) < 1e-9, 'the groups add up to the total projected');
  t.equal(sum((g) => g.actual), overall.actual, 'and to the actual');
  t.ok(Math.abs(sum((g) => g.absoluteError) - overall.groupError) < 1e-9, 'the headline is the summed absolute group error');
  for (const g of result.groups) t.ok(g.lower <= g.upper, `${g.group}: [${g.lower}, ${g.upper}]`);
  t.same(result.groups.find((g) => g.group === 'fostering')?.states.sort(), ['ifa_foster', 'inhouse_foster', 'kinship_foster']);
  t.same(result.groups.find((g) => g.group === 'residential')?.states.sort(), ['residential', 'secure_home']);
  t.same(result.groups.find((g) => g.group === 'supported')?.states, ['supported_accommodation']);
  // Every other looked-after state falls into other, the placements added with issue 11 included.
  t.same(result.groups.find((g) => g.group === 'other')?.states.sort(), ['other_placement', 'placed_for_adoption', 'placed_with_parents', 'youth_custody']);

  const [carried, flows] = result.benchmarks;
  t.equal(carried.method, 'carried_forward');
  t.equal(carried.total, at2024, `stock carried forward: the ${at2024} children in care on 31 March 2024`);
  t.ok(result.groups.every((g) => g.lastYearsFlows > 0), 'no group floored at 0, so the totals compare exactly');
  t.equal(flows.total, 2 * at2024 - at2023, `last year's flows: ${at2024} + (${at2024} − ${at2023})`);
  t.equal(carried.groupError, sum((g) => Math.abs(g.carriedForward - g.actual)));
  t.equal(result.entryRates.basis, 'national');
  t.match(result.entryRates.note, /^entry rates are national/);
  t.throws(() => backtest(imported, { priorModel: model, year: 2019 }), RangeError, 'needs the year before');

  const again = backtest(imported, { priorModel: syntheticModel({ scale: 1.6 }), year: 2025, draws: 400 });
  t.same(again.overall, result.overall, 'the same seed gives the same interval');
});

t.test('the backtest fits on the chosen window', async (t) => {
  t.same(fitWindowFor([2019, 2020, 2021, 2022, 2023, 2024, 2025], 2025, { fromYear: 2020, toYear: 2021 }).window, { fromYear: 2020, toYear: 2021 }, 'as chosen when it ends before the year');
  t.same(fitWindowFor([2019, 2020, 2021, 2022, 2023, 2024, 2025], 2024, { fromYear: 2024, toYear: 2025 }).window, { fromYear: 2022, toYear: 2023 }, 'its length, ending the year before, when it includes the year');
  t.same(fitWindowFor([2019, 2020, 2021], 2021, { fromYear: 2018, toYear: 2021 }).window, { fromYear: 2019, toYear: 2020 }, 'clipped to the returns imported');
  t.same(fitWindowFor([2019, 2020, 2021, 2022, 2023, 2024, 2025], 2025).window, { fromYear: 2021, toYear: 2024 }, 'four years before by default');
  t.same(fitWindowFor([2019, 2020, 2021, 2022, 2023, 2024, 2025], 2025, undefined, 1).window, { fromYear: 2024, toYear: 2024 });
  t.throws(() => fitWindowFor([2019, 2020], 2020, { fromYear: 2016, toYear: 2017 }), RangeError);
  t.throws(() => fitWindowFor([2019, 2020], 2020, { fromYear: 2020, toYear: 2019 }), RangeError);

  const authority = generateSyntheticAuthority({ seed: 12, firstYear: 2020, lastYear: 2025, entriesPerMonth: 6 });
  const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
  const oneYear = backtest(imported, { priorModel: model, year: 2025, referenceWindow: { fromYear: 2022, toYear: 2022 }, draws: 50 });
  t.same(oneYear.fitWindow, { fromYear: 2022, toYear: 2022 });
  const oneYearEntries = backtest(imported, { priorModel: model, year: 2023, fitYears: 1, draws: 50 });
  t.equal(oneYear.calibration.entries, oneYearEntries.calibration.entries, 'the same window, the same fit: 2022 alone');
  t.equal(oneYear.calibration.personMonths, oneYearEntries.calibration.personMonths);
  const fourYears = backtest(imported, { priorModel: model, year: 2025, draws: 50 });
  t.ok(fourYears.calibration.personMonths > 3 * oneYear.calibration.personMonths, 'the default fits four years');
});

t.test('the entry rate: Jeffreys for one year, widened by the variation between years', async (t) => {
  const one = entryRateFor([50]);
  t.ok(Math.abs(one.shape - 50.5) < 1e-12 && Math.abs(one.scale - 1) < 1e-12, 'Gamma(N + ½, rate 1) for one year');
  const two = entryRateFor([100, 120]);
  // mean (220.5)/2 = 110.25; s² = 200, τ² = 200 − 110 = 90; variance 110.25/2 + 90 = 145.125.
  t.ok(Math.abs(two.mean - 110.25) < 1e-12 && Math.abs(two.betweenYearVariance - 90) < 1e-12);
  t.ok(Math.abs(two.shape - 110.25 ** 2 / 145.125) < 1e-9 && Math.abs(two.scale - 145.125 / 110.25) < 1e-12);
  const steady = entryRateFor([100, 101, 99, 100]);
  t.equal(steady.betweenYearVariance, 0, 'less spread than Poisson: no year effect');
  t.ok(Math.abs(steady.shape - 400.5) < 1e-9, 'Gamma(N + ½, rate k)');
});

t.test('placement groups: named states, everything else in care is other', async (t) => {
  t.equal(placementGroup('kinship_foster'), 'fostering');
  t.equal(placementGroup('ifa_foster'), 'fostering');
  t.equal(placementGroup('secure_home'), 'residential');
  t.equal(placementGroup('supported_accommodation'), 'supported');
  for (const s of ['youth_custody', 'placed_for_adoption', 'placed_with_parents', 'other_placement', 'a_state_added_later']) t.equal(placementGroup(s), 'other', s);
});

t.test('a child whose open episode vanishes from the next return is left out of start, entrants and actual alike', async (t) => {
  const authority = generateSyntheticAuthority({ seed: 13, firstYear: 2021, lastYear: 2025, entriesPerMonth: 10 });
  const text = (name: string) => new TextDecoder().decode(authority.files.find((f) => f.name === name)?.buffer);
  const dobs = new Map(text('2024-header.csv').trim().split('\r\n').slice(1).map((l): [string, string] => [l.split(',')[0] ?? '', l.split(',')[2] ?? '']));
  // Children with an episode open on 31 March 2024, aged under 16 then (so 18th birthdays play no part).
  const open2024 = text('2024-episodes.csv').trim().split('\r\n').slice(1).map((l) => l.split(','))
    .filter((f) => f[7] === '' && Number((dobs.get(f[0]) ?? '').slice(6)) >= 2009)
    .map((f) => f[0]);
  const removed = new Set(open2024.slice(0, 12));
  t.equal(removed.size, 12);
  const episodes2025 = text('2025-episodes.csv').trim().split('\r\n');
  const stillInCare2025 = [...removed].filter((c) => episodes2025.some((l) => l.startsWith(`${c},`) && l.split(',')[7] === '')).length;
  const without = (name: string) => Buffer.from(`${text(name).trim().split('\r\n').filter((l) => !removed.has(l.split(',')[0])).join('\r\n')}\r\n`);
  const files = authority.files.map((f) => (f.name === '2025-episodes.csv' || f.name === '2025-header.csv' ? { name: f.name, buffer: without(f.name) } : f));
  const full = await importSsda903(authority.files, { pseudonymKey: 'k' });
  const cut = await importSsda903(files, { pseudonymKey: 'k' });
  t.equal(vanishedChildren(cut, 2025).size, 12, 'twelve open episodes vanish from the 2025 return');
  t.equal(vanishedChildren(full, 2025).size, 0);
  const options = { priorModel: syntheticModel({ scale: 1.6 }), year: 2025, draws: 50 };
  const a = backtest(full, options);
  const b = backtest(cut, options);
  t.same(b.calibration, a.calibration, 'the fit (on returns to 2024) is the same');
  t.equal(b.vanished, 12);
  t.equal(b.startPopulation, a.startPopulation - 12, 'left out of the start stock');
  t.equal(b.overall.actual, a.overall.actual - stillInCare2025, `left out of the actual: ${stillInCare2025} of them were still in care on 31 March 2025`);
  t.ok(b.overall.projected < a.overall.projected - 6, `their share of the projection goes too (${(a.overall.projected - b.overall.projected).toFixed(1)})`);
  t.equal(b.benchmarks[0].total, a.benchmarks[0].total - 12, 'and out of the stock carried forward');
  t.equal(b.actualEntrants, a.actualEntrants, 'none of them is an entrant');
});

/** Children over 18 still in an episode are not in a modelled state (none in the synthetic files). */
function countUnmapped(imported: Awaited<ReturnType<typeof importSsda903>>): number {
  return imported.report.counts.episode_after_18?.kept ?? 0;
}

t.test('the Northvale sample backtests', async (t) => {
  const imported = await importSsda903(readFolder(SAMPLE), { pseudonymKey: 'k' });
  const result = backtest(imported, { priorModel: syntheticModel(), year: 2025, draws: 200 });
  // 376 before mapping 1.1.0 (issue 11): P1 and Z1 are now states, so 3 more children count.
  t.equal(result.overall.actual, 379, 'children in a modelled placement on 31 March 2025');
  t.ok(result.startPopulation > 300, 'the children in care (or followed after leaving) on 1 April 2024');
  t.ok(Math.abs(result.overall.percentError ?? 100) < 10, `overall error ${result.overall.percentError?.toFixed(1)}%`);
  t.equal(
    result.states.reduce((a, s) => a + s.actual, 0),
    result.overall.actual,
    'the states add up',
  );
});

t.test('the fit window rule says the years actually used (review of issue 11: "4 years ending at 2018" over 2018-2018)', async (t) => {
  const cut = fitWindowFor([2018, 2019, 2020, 2021], 2019, { fromYear: 2018, toYear: 2021 });
  t.same(cut.window, { fromYear: 2018, toYear: 2018 });
  t.equal(
    cut.rule,
    "2018-2018: the chosen window's length (4 years) ending at 2018, because the chosen window 2018-2021 includes the year projected; the returns start in 2018, so 1 year (2018-2018) of the 4 were there to fit on",
  );
  const whole = fitWindowFor([2016, 2017, 2018, 2019, 2020], 2020, { fromYear: 2017, toYear: 2020 });
  t.same(whole.window, { fromYear: 2016, toYear: 2019 });
  t.notMatch(whole.rule, /were there to fit on/, 'no cut to mention');
  t.match(fitWindowFor([2018, 2019], 2019).rule, /^2018-2018: the 4 return years before the year projected \(as many as there are: 1\)/);
});

t.test('the verdict says in words whether the model or a naive benchmark did better', async (t) => {
  const b = (carried: number, flows: number) => [
    { method: 'carried_forward' as const, description: '', total: 0, groupError: carried },
    { method: 'last_years_flows' as const, description: '', total: 0, groupError: flows },
  ];
  t.equal(backtestVerdict(2024, 10, b(4, 6)), 'In 2024 the model did worse than both naive benchmarks: the stock carried forward and last year’s flows each forecast the placement groups better (smaller summed group error).');
  t.equal(backtestVerdict(2024, 3, b(4, 6)), 'In 2024 the model did better than both naive benchmarks (the stock carried forward and last year’s flows): its summed group error is the smallest.');
  t.equal(backtestVerdict(2024, 5, b(4, 6)), 'In 2024 the stock carried forward did better than the model (smaller summed group error); the model did better than last year’s flows.');
  t.equal(backtestVerdict(2024, 4, b(4, 6)), 'In 2024 the model did better than last year’s flows; it tied with the stock carried forward.');
});
