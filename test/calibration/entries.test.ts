import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { modelEntryRates } from '../../src/calibration/entries.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { readPopulation } from '../../src/calibration/population.ts';
import { generateSyntheticAuthority, syntheticModel } from '../../src/calibration/synthetic-authority.ts';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';
import { BadRequestError } from '../../src/services/errors.ts';
import { entryCoverage, summarise, syntheticPopulation } from './entry-coverage.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/population');
const fixture = (name: string) => ({ name, bytes: readFileSync(path.join(FIXTURES, name)) });

const close = (t: Test, actual: number | undefined, expected: number, tolerance: number, message: string) =>
  t.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${message}: ${actual} vs ${expected} (±${tolerance})`);

t.test('the model rate from a cohort at birth: a hand-computed two-state chain', async (t) => {
  // home → foster with chance p a month, foster absorbing. The flow in month m is (1 − p)^m·p; the
  // return dates an entry by the age on the first month start in care, so band 0-4 takes months
  // m = 0..58 (ages at m + 1 of 1-59 months) and band 5-17 months 59..214.
  const p = 0.001;
  const model = {
    states: [
      { id: 'home', label: 'home', category: 'community' },
      { id: 'foster', label: 'foster', category: 'looked_after' },
    ],
    ageBands: [
      { id: '0-4', fromYears: 0, toYears: 5 },
      { id: '5-17', fromYears: 5, toYears: 18 },
    ],
    transitions: {
      '0-4': { home: { home: 1 - p, foster: p }, foster: { foster: 1 } },
      '5-17': { home: { home: 1 - p, foster: p }, foster: { foster: 1 } },
    },
  } as unknown as CostModelSpec;
  const rates = modelEntryRates(model);
  close(t, rates.get('0-4'), (1 - (1 - p) ** 59) / 59, 1e-15, '0-4');
  close(t, rates.get('5-17'), ((1 - p) ** 59 - (1 - p) ** 215) / 156, 1e-15, '5-17');
});

t.test('without a population the report says in words that entry rates are national, and the model keeps them', async (t) => {
  const authority = generateSyntheticAuthority({ seed: 7, firstYear: 2022, lastYear: 2024, entriesPerMonth: 3, burnInYears: 2 });
  const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
  const prior = syntheticModel();
  const { model, report } = calibrate(imported, { priorModel: prior, referenceWindow: { fromYear: 2022, toYear: 2024 } });
  t.equal(report.entryRates.basis, 'national');
  t.match(report.entryRates.note, /^Entry rates into care are national: .*synthetic-truth 1\.0\.0.*no population of children was given/);
  t.same(report.entryRates.byBand, []);
  t.equal(report.entryRates.multiplierSd, null);
  t.ok(report.entries.byBand.length > 0, 'entries by band are still reported');
  t.equal(model.rateFactors, undefined, 'no entry_to_care factor is added');
  // The total chance of entering care from each community row is the prior's (only its split moved).
  // Every looked-after state of the prior counts, the placements added with issue 11 included.
  const lookedAfter = new Set(prior.states.filter((s) => s.category === 'looked_after').map((s) => s.id));
  for (const [band, rows] of Object.entries(model.transitions)) {
    for (const from of ['home', 'early_help', 'cin_cp', 'edge_of_care']) {
      const care = (row: Record<string, number> | undefined) => Object.entries(row ?? {}).reduce((a, [to, q]) => a + (lookedAfter.has(to) ? q : 0), 0);
      if (!rows[from]) continue;
      close(t, care(rows[from]), care(prior.transitions[band][from]), 1e-9, `${band} ${from}: the national chance of entering care`);
    }
  }
});

t.test('with a population: entries per 10,000 by hand, an exact interval, and the model scaled to match', async (t) => {
  const authority = generateSyntheticAuthority({ seed: 11, firstYear: 2021, lastYear: 2024, entriesPerMonth: 6, burnInYears: 2 });
  const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
  const prior = syntheticModel();
  const byAge = syntheticPopulation(2000);
  const { model, report } = calibrate(imported, {
    priorModel: prior,
    referenceWindow: { fromYear: 2021, toYear: 2024 },
    intervalLevel: 0.9,
    population: { byAge, source: { description: 'test population' } },
  });
  t.equal(report.entryRates.basis, 'local');
  t.match(report.entryRates.note, /authority's own for bands 0-4, 5-9, 10-15, 16-17.*test population.*90% exact Poisson intervals.*entry_to_care, lognormal with mean 1 and sd/);
  const band = report.entryRates.byBand.find((b) => b.band === '5-9')!;
  const children = byAge.slice(5, 10).reduce((a, b) => a + b, 0);
  t.equal(band.population, children, 'the band sums single years 5-9');
  t.equal(band.exposure, children * 48, 'population × 48 months');
  const lookedAfter = (report.entries.byBand.find((b) => b.band === '5-9')?.byState ?? []).reduce((a, s) => a + s.count, 0);
  t.equal(band.entries, lookedAfter, 'entries into looked-after states');
  close(t, band.per10000PerYear, (band.entries / (children * 48)) * 120_000, 1e-9, 'rate per 10,000 a year');
  // Garwood's bounds are defined by their tails: the lower mean has P(X ≥ k) = 0.05 and the upper
  // P(X ≤ k) = 0.05. Checked here by summing the Poisson terms directly (not the gamma function
  // poisson-interval.ts uses).
  const k = band.entries;
  const lowerMean = (band.lower / 120_000) * band.exposure;
  const upperMean = (band.upper / 120_000) * band.exposure;
  const poissonCdf = (x: number, mean: number) => {
    let term = Math.exp(-mean);
    let sum = term;
    for (let i = 1; i <= x; i++) {
      term *= mean / i;
      sum += term;
    }
    return sum;
  };
  close(t, poissonCdf(k - 1, lowerMean), 0.95, 1e-9, 'P(X ≥ k | lower) = 0.05');
  close(t, poissonCdf(k, upperMean), 0.05, 1e-9, 'P(X ≤ k | upper) = 0.05');
  // The model's own rate (a cohort from birth) now equals the shrunk local rate in every band.
  const rates = modelEntryRates(model);
  for (const b of report.entryRates.byBand) {
    const m = b.national / 120_000;
    close(t, b.model / 120_000, (b.entries + 2) / (b.exposure + 2 / m), 1e-15, `${b.band}: Gamma posterior mean with weight 2 entries`);
    close(t, (rates.get(b.band) ?? 0) * 120_000, b.model, b.model * 2e-5, `${b.band}: the calibrated model's entries per 10,000`);
  }
  const factor = model.rateFactors?.find((f) => f.id === 'entry_to_care');
  const pooled = report.entryRates.byBand.reduce((a, b) => a + b.entries + 2, 0);
  t.same(factor?.multiplier, { type: 'lognormal', mean: 1, sd: Math.round((1 / Math.sqrt(pooled)) * 1e6) / 1e6 }, 'uncertainty carried as one multiplier per run');
  t.same(factor?.from, ['home', 'early_help', 'edge_of_care', 'cin_cp']);
  const valid = validateModel(model);
  t.ok(valid.ok, valid.ok ? 'the calibrated model is valid' : JSON.stringify(valid.errors.slice(0, 3)));
  t.ok(model.transitionSources.some((s) => /Entries into care per 10,000.*test population/.test(s.describes)), 'the model names its entry source');
});

t.test('the national default replaces its entry_to_care factor in place', async (t) => {
  const prior = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../models/england-default.json'), 'utf8')) as CostModelSpec;
  const authority = generateSyntheticAuthority({ seed: 3, firstYear: 2022, lastYear: 2024, entriesPerMonth: 4, burnInYears: 2 });
  const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
  const { model, report } = calibrate(imported, { priorModel: prior, population: { byAge: syntheticPopulation(1500) } });
  t.equal(report.entryRates.basis, 'local');
  t.equal(model.rateFactors?.length, prior.rateFactors?.length, 'same number of factors');
  const index = prior.rateFactors!.findIndex((f) => f.id === 'entry_to_care');
  t.equal(model.rateFactors![index].source, 'ssda903_calibration');
  t.not(model.rateFactors![index].multiplier, prior.rateFactors![index].multiplier);
  const valid = validateModel(model);
  t.ok(valid.ok, valid.ok ? 'valid' : JSON.stringify(valid.errors.slice(0, 3)));
});

t.test('property: any population and window give intervals around the observed rate and a model that matches its rate', async (t) => {
  const authority = generateSyntheticAuthority({ seed: 5, firstYear: 2021, lastYear: 2024, entriesPerMonth: 2, burnInYears: 1 });
  const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
  const prior = syntheticModel();
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 18, maxLength: 18 }),
      fc.constantFrom(2021, 2022, 2023, 2024),
      fc.double({ min: 0.5, max: 0.99, noNaN: true }),
      async (byAge, fromYear, level) => {
        const { model, report } = calibrate(imported, { priorModel: prior, referenceWindow: { fromYear, toYear: 2024 }, intervalLevel: level, population: { byAge }, forPublication: false });
        const rates = modelEntryRates(model);
        for (const b of report.entryRates.byBand) {
          if (!(b.lower <= b.per10000PerYear && b.per10000PerYear <= b.upper)) return false;
          if (b.entries === 0 && b.lower !== 0) return false;
          if (Math.abs((rates.get(b.band) ?? 0) * 120_000 - b.model) > b.model * 1e-4) return false;
        }
        return validateModel(model).ok;
      },
    ),
    { numRuns: 12, seed: 42 },
  );
  t.pass('held');
});

t.test('coverage: 90% intervals of entries per 10,000 hold the truth 85-95% of the time (bounded run)', async (t) => {
  // 30 synthetic authorities (5 seeds × 6 sizes, 25-3,000 children each), 120 band intervals.
  // The full run: npm run coverage:entries.
  const cells = await entryCoverage({ seeds: [101, 102, 103, 104, 105], sizes: [0.5, 1, 2, 5, 15, 40] });
  const s = summarise(cells);
  t.equal(s.cells, 120);
  t.comment(`held ${s.held} of ${s.cells}: by band ${JSON.stringify(s.byBand)}, by size ${JSON.stringify(s.bySize)}`);
  t.ok(s.coverage >= 0.85 && s.coverage <= 0.95, `held ${s.held} of ${s.cells} (${(100 * s.coverage).toFixed(1)}%) by band ${JSON.stringify(s.byBand)}`);
  const zero = cells.filter((c) => c.entries === 0);
  t.comment(`${zero.length} band(s) with no entry; ${zero.filter((c) => c.held).length} of them held the truth`);
});

t.test('population files: the ONS layouts', async (t) => {
  t.test('wide (MYE2 - Persons saved as CSV, title lines above the header): the area asked for', async (t) => {
    const p = await readPopulation(fixture('mye2-persons-sample.csv'), { area: 'E06000005' });
    t.equal(p.layout, 'wide');
    t.equal(p.area, 'E06000005');
    t.equal(p.areaName, 'Darlington');
    t.same(p.byAge, Array.from({ length: 18 }, (_, a) => 200 + (a % 7) * 3));
    const byName = await readPopulation(fixture('mye2-persons-sample.csv'), { area: 'county durham' });
    t.equal(byName.byAge[1], 1003, 'a name finds the area too; 1,003 read with its thousands separator');
  });
  t.test('long (MYEB-style: ladcode, sex 1/2, age, population_YYYY): sexes summed, the window’s years averaged', async (t) => {
    const p = await readPopulation(fixture('myeb-long-sample.csv'), { area: 'E06000001', years: [2021, 2022] });
    t.equal(p.layout, 'long');
    t.same(p.years, [2021, 2022]);
    // Age a, sex s: 500 + a + s in 2021, +10 in 2022: summed over sexes and averaged, 1000 + 2a + 3 + 10.
    t.same(p.byAge, Array.from({ length: 18 }, (_, a) => 1013 + 2 * a));
    t.match(p.source?.description, /myeb-long-sample\.csv: E06000001 Hartlepool, mean of mid-2021 to mid-2022\), \d+ children aged 0-17/);
    const latest = await readPopulation(fixture('myeb-long-sample.csv'), { area: 'E06000001', years: [2030] });
    t.same(latest.years, [2023], 'years not in the file: the latest');
  });
  t.test('bad files are 400s naming the field, row and column', async (t) => {
    const bad = async (text: string, options = {}) => {
      try {
        await readPopulation({ name: 'pop.csv', bytes: Buffer.from(text) }, { field: 'body/population', ...options });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const several = await bad(readFileSync(path.join(FIXTURES, 'mye2-persons-sample.csv'), 'utf8'));
    t.ok(several instanceof BadRequestError);
    t.match((several as BadRequestError).errors?.[0], { field: 'body/population', reason: /holds 2 areas \(E06000047, E06000005\.\.\.\)/ });
    const header = ['Code', 'Name', ...Array.from({ length: 18 }, (_, a) => String(a))].join(',');
    const text = await bad(`${header}\nE1,A,${Array.from({ length: 17 }, () => '5').join(',')},lots\n`);
    t.match((text as BadRequestError).errors?.[0], { field: 'body/population', row: 2, reason: /column 17 must be a number of people, not "lots"/ });
    const negative = await bad(`${header}\nE1,A,-1,${Array.from({ length: 17 }, () => '5').join(',')}\n`);
    t.match((negative as BadRequestError).errors?.[0], { row: 2, reason: /column 0 must be a number/ });
    const noAge17 = await bad(`Code,${Array.from({ length: 17 }, (_, a) => String(a)).join(',')}\nE1,${Array.from({ length: 17 }, () => '5').join(',')}\n`);
    // A wide file stopping at 16 is read as wide and refused naming the age it lacks (a fresh review found "no header row found" here).
    t.match((noAge17 as BadRequestError).errors?.[0], { reason: /has no column for age 17 \(ages 0 to 17 are needed\)/ });
    const ages0to9 = await bad(`Code,${Array.from({ length: 10 }, (_, a) => String(a)).join(',')}\nE1,${Array.from({ length: 10 }, () => '5').join(',')}\n`);
    t.match((ages0to9 as BadRequestError).errors?.[0], { reason: /has no column for age 10 \(ages 0 to 17 are needed\)/ });
    const missingArea = await bad(readFileSync(path.join(FIXTURES, 'myeb-long-sample.csv'), 'utf8'), { area: 'E09999999' });
    t.match((missingArea as BadRequestError).errors?.[0], { reason: /has no area E09999999 \(2 area\(s\), e\.g\. E09000001, E06000001\)/ });
    const missingAge = await bad('code,age,population\nE1,0,5\nE1,1,5\n');
    t.match((missingAge as BadRequestError).errors?.[0], { reason: /has no population for age 2 in E1/ });
    const badAge = await bad('code,age,population\nE1,ten,5\n');
    t.match((badAge as BadRequestError).errors?.[0], { row: 2, reason: /column age must be a single year of age/ });
  });
});

t.test('a population for some bands only: those are local, the note names the bands left national', async (t) => {
  const authority = generateSyntheticAuthority({ seed: 9, firstYear: 2023, lastYear: 2024, entriesPerMonth: 3, burnInYears: 1 });
  const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
  const { report } = calibrate(imported, { priorModel: syntheticModel(), population: { '5-9': 24_000 } });
  t.same(
    report.entryRates.byBand.map((b) => b.band),
    ['5-9'],
  );
  t.match(report.entryRates.note, /Bands 0-4, 10-15, 16-17 have no population given and keep the prior's national rates\./);
  const band = report.entries.byBand.find((b) => b.band === '5-9')!;
  t.equal(band.per10000ChildrenPerYear, (band.count / 24) * 12 * (10_000 / 24_000), 'entries.byBand keeps its per-10,000 figure');
});

t.test('property: any bytes in a population file give a population or a 400, never another error', async (t) => {
  const header = ['Code', 'Name', 'All ages', ...Array.from({ length: 20 }, (_, a) => String(a))].join(',');
  const cell = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -5, max: 100_000 }).map(String), fc.constantFrom('', '"1,234"', '90+', 'NaN', '1e309', '\u0000', '=1+1'));
  const row = fc.array(cell, { minLength: 0, maxLength: 26 }).map((cells) => cells.join(','));
  const file = fc.oneof(
    fc.array(row, { maxLength: 6 }).map((rows) => [header, ...rows].join('\n')),
    fc.array(row, { maxLength: 6 }).map((rows) => ['code,age,sex,population_2023', ...rows].join('\r\n')),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  );
  await fc.assert(
    fc.asyncProperty(file, fc.option(fc.string({ maxLength: 10 }), { nil: undefined }), async (text, area) => {
      try {
        const p = await readPopulation({ name: 'pop.csv', bytes: Buffer.from(text, 'latin1') }, { area });
        return p.byAge.length === 18 && p.byAge.every((n) => Number.isFinite(n) && n >= 0);
      } catch (error) {
        return error instanceof BadRequestError && error.errors?.[0]?.field === 'population';
      }
    }),
    { numRuns: 300, seed: 7 },
  );
  t.pass('held');
});

t.test('a population of other years than the window is used as given, and said', async (t) => {
  const header = ['Code', 'Name', 'age', 'population_2010'].join(',');
  const text = `${header}\n${Array.from({ length: 18 }, (_, a) => `E1,A,${a},1000`).join('\n')}\n`;
  const old = await readPopulation({ name: 'old.csv', bytes: Buffer.from(text) }, { years: [2019, 2020, 2021, 2022] });
  t.equal(old.source?.warning, "the population is of mid-2010, 9 years before the window's first mid-year (mid-2019); it is used as given");
  const current = await readPopulation({ name: 'now.csv', bytes: Buffer.from(text.replaceAll('population_2010', 'population_2020')) }, { years: [2019, 2020, 2021, 2022] });
  t.equal(current.source?.warning, undefined, 'a year within the window: nothing to say');
  const authority = generateSyntheticAuthority({ seed: 9, firstYear: 2023, lastYear: 2024, entriesPerMonth: 3, burnInYears: 1 });
  const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
  const { report } = calibrate(imported, { priorModel: syntheticModel(), population: old });
  t.match(report.entryRates.note, /Note: the population is of mid-2010, 9 years before/);
});

t.test('a band is noted as capped only when a community row cannot give the rise asked of it', async (t) => {
  const prior = syntheticModel();
  const authority = generateSyntheticAuthority({ seed: 3, firstYear: 2022, lastYear: 2024, entriesPerMonth: 4, burnInYears: 2 });
  const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
  // Enough children that the local rates are within reach: no band noted (entries.ts once noted
  // a band whenever its 30 scaling steps ended short of 1e-7, with words saying it was capped).
  const reachable = calibrate(imported, { priorModel: prior, population: { byAge: syntheticPopulation(1500) }, forPublication: false });
  t.same(reachable.report.notCalibrated.filter((x) => x.state === 'entries'), []);
  // One child of each age against dozens of entries: far more than any community row can give.
  const tiny = calibrate(imported, { priorModel: prior, population: { byAge: Array.from({ length: 18 }, () => 1) }, forPublication: false });
  const notes = tiny.report.notCalibrated.filter((x) => x.state === 'entries');
  t.ok(notes.length > 0, `${notes.length} band(s) capped`);
  for (const x of notes) {
    const [, needed, applied] = /× ([\d.e+]+), more than a community row can take: × ([\d.e+]+) was applied$/.exec(x.reason) ?? [];
    t.ok(Number(applied) < Number(needed), `${x.band}: applied × ${applied} below the × ${needed} needed`);
    const band = tiny.report.entryRates.byBand.find((b) => b.band === x.band);
    t.ok(band && band.model < band.per10000PerYear, `${x.band}: the model's rate stays below the local one`);
  }
});
