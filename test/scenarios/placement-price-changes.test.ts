import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { runAndWait } from './fixtures.ts';

/**
 * A scenario costs a child's placement at the prices their record holds for each financial year
 * (placement.priceChanges: history and agreed uplifts), as the pathway projection and the budget
 * do, not at the placement's start price for every year.
 *
 * Deterministic on purpose: a model where residential care is absorbing and its only cost is a
 * fixed placement fee (replaced by the actual price) from the age of 1, so every run costs the same and the
 * expected figures are worked by hand. Its deflator: 2024-25 100 (base), 2025-26 100, 2026-27
 * 125, 2027-28 160, 2028-29 200, so cash of 2026-27 is × 0.8, of 2027-28 × 0.625, of 2028-29 × 0.5.
 */

const DEFAULT_MODEL = path.resolve(import.meta.dirname, '../../models/england-default.json');

function fixedResidentialModel() {
  return {
    id: 'fixed-residential',
    version: '1.0.0',
    name: 'Residential care that never ends',
    currency: 'GBP',
    priceBaseYear: '2024-25',
    horizonAgeYears: 25,
    discounting: { periods: [{ fromYear: 0, rate: 0.035 }], source: 's' },
    deflator: {
      index: [
        { financialYear: '2024-25', index: 100 },
        { financialYear: '2025-26', index: 100 },
        { financialYear: '2026-27', index: 125 },
        { financialYear: '2027-28', index: 160 },
        { financialYear: '2028-29', index: 200 },
      ],
      source: 's',
    },
    // Reachable states (the validator's rule) in the first year of life; from 1 nobody moves.
    ageBands: [
      { id: 'infant', fromYears: 0, toYears: 1 },
      { id: 'all', fromYears: 1, toYears: 25 },
    ],
    states: [
      { id: 'home', label: 'Home', category: 'community' },
      { id: 'residential', label: 'Residential', category: 'looked_after', flags: ['in_care'], placement: true },
      { id: 'ifa_foster', label: 'Agency foster care', category: 'looked_after', flags: ['in_care'], placement: true },
    ],
    transitions: {
      infant: { home: { home: 0.5, residential: 0.25, ifa_foster: 0.25 }, residential: { residential: 0.5, home: 0.5 }, ifa_foster: { ifa_foster: 0.5, home: 0.5 } },
      all: { home: { home: 1 }, residential: { residential: 1 }, ifa_foster: { ifa_foster: 1 } },
    },
    transitionSources: [{ describes: 'made up for the test', source: 's' }],
    unitCosts: [{ id: 'fee', label: 'Fee', states: ['residential', 'ifa_foster'], amount: 100, per: 'week', agency: 'childrens_social_care', placementFee: true, source: 's' }],
    sources: { s: { title: 'Made up for the test', publisher: 'pathcast tests' } },
  };
}

/** A residential placement started in 2024 at £5,000, with the record's dated changes. */
function child(priceChanges: Array<{ from: string; weeklyPrice: number }>) {
  return {
    reference: `PC-${process.pid}-${priceChanges.length}`,
    birthYear: 2012,
    birthMonth: 1,
    legalStatus: 'care_order',
    tier: 4,
    careState: 'residential',
    needsProfile: {},
    placement: { type: 'residential', provider: 'private', distanceFromHomeMiles: 12, weeklyPrice: 5000, startDate: '2024-06-01', priceChanges },
    services: [],
  };
}

const scenario = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  version: '1.0.0',
  name: 'As now',
  model: { id: 'fixed-residential' },
  cohort: { careStates: ['residential'] },
  firstYear: '2026-27',
  planningYears: 3,
  lifetimeYears: 3,
  strategy: { name: 'Nothing new' },
  runs: 10,
  seed: 5,
  ...extra,
});

const withinPenny = (t: { ok(value: boolean, message: string): unknown }, actual: number, expected: number, label: string) => t.ok(Math.abs(actual - expected) <= 0.01 + 1e-9, `${label}: ${actual} within 1p of ${expected}`);

t.test('a scenario charges each year the day-weighted price the record holds, deflated at that year’s index, as the pathway projection does', async (t) => {
  const modelsDir = await mkdtemp(path.join(tmpdir(), 'pathcast-price-changes-'));
  await copyFile(DEFAULT_MODEL, path.join(modelsDir, 'england-default.json'));
  await writeFile(path.join(modelsDir, 'fixed-residential.json'), JSON.stringify(fixedResidentialModel()));
  const { as } = await buildTestApp(t, { modelsDir });

  // £5,000 from the start in 2024, £6,000 from 1 January 2026 (before the first planning year),
  // £6,300 from 1 October 2026 (inside it), £6,600 from 1 July 2027.
  const changes = [
    { from: '2026-01-01', weeklyPrice: 6000 },
    { from: '2026-10-01', weeklyPrice: 6300 },
    { from: '2027-07-01', weeklyPrice: 6600 },
  ];
  const created = await as('finance', { method: 'POST', url: '/v1/young-people', payload: child(changes) });
  t.equal(created.statusCode, 201, created.body.slice(0, 400));
  const id = created.json().id;

  const stored = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: scenario('price-changes') });
  t.equal(stored.statusCode, 201, stored.body.slice(0, 600));
  const job = await runAndWait(as, 'price-changes');
  t.equal(job.status, 'succeeded', JSON.stringify(job));
  const run = (await as('finance', { method: 'GET', url: job.result.href })).json();
  const years = run.result.spend.byYear;
  t.same(
    years.map((y: { financialYear: string }) => y.financialYear),
    ['2026-27', '2027-28', '2028-29'],
  );
  // 2026-27, 365 days: £6,000 for 183 days (April to September), £6,300 for 182:
  // (6,000 × 183 + 6,300 × 182) / 7 = 2,244,600 / 7 = £320,657.142… cash, × 100 / 125 = £256,525.71.
  withinPenny(t, years[0].baseline.mean, 256525.71, '2026-27');
  // 2027-28, 366 days: £6,300 for 91 days (April to June), £6,600 for 275:
  // (6,300 × 91 + 6,600 × 275) / 7 = 2,388,300 / 7 = £341,185.714… cash, × 100 / 160 = £213,241.07.
  withinPenny(t, years[1].baseline.mean, 213241.07, '2027-28');
  // 2028-29, 365 days, after the last change the record knows: the price is held constant in real
  // terms from the year of that change (as a price without changes is from the first year), so
  // 6,600 × 365 / 7 = £344,142.857… at 2027-28's factor × 0.625 = £215,089.29.
  withinPenny(t, years[2].baseline.mean, 215089.29, '2028-29');
  t.equal(years[0].baseline.min, years[0].baseline.max, 'every run costs the same: the model has no uncertainty');
  t.same(run.money.deflator.appliedTo, 'actual prices');
  // The hash is of the members as recorded: the price in force on 1 April 2026 (£6,000), no
  // earlier placements (0), and the changes after that day. Born January 2012: 171 months.
  t.equal(run.cohort.hash, createHash('sha256').update('[[171,"residential",6000,0,[["2026-10-01",6300],["2027-07-01",6600]]]]').digest('hex'));

  // The shared-places engine (a capacity limit, places given to the highest cost) charges the same.
  const places = scenario('price-changes-places', { capacity: [{ state: 'residential', places: 5, overflowTo: 'ifa_foster' }], priority: 'highest_cost' });
  const storedPlaces = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: places });
  t.equal(storedPlaces.statusCode, 201, storedPlaces.body.slice(0, 600));
  const placesJob = await runAndWait(as, 'price-changes-places');
  t.equal(placesJob.status, 'succeeded', JSON.stringify(placesJob));
  const placesYears = (await as('finance', { method: 'GET', url: placesJob.result.href })).json().result.spend.byYear;
  t.ok(placesYears.length === 3, 'three planning years under capacity limits');
  for (let f = 0; f < 3; f++) withinPenny(t, placesYears[f].baseline.mean, years[f].baseline.mean, `with a capacity limit, ${years[f].financialYear}`);

  // The pathway projection of the same child from the same day, in the same price base, costs the first year the same.
  t.equal((await as('finance', { method: 'POST', url: `/v1/young-people/${id}/care-plans`, payload: { name: 'As now' } })).statusCode, 201);
  const projected = await as('finance', { method: 'POST', url: `/v1/young-people/${id}/projections`, payload: { runs: 4, seed: 5, model: 'fixed-residential', startMonth: '2026-04' } });
  t.equal(projected.statusCode, 201, projected.body.slice(0, 400));
  const pathway = projected.json().result.plans[0].byFinancialYear;
  withinPenny(t, pathway[0].cash.mean, 256525.71, 'the pathway projection’s 2026-27');
  withinPenny(t, pathway[1].cash.mean, 213241.07, 'the pathway projection’s 2027-28');
  withinPenny(t, years[0].baseline.mean, pathway[0].cash.mean, 'scenario and pathway projection agree on 2026-27');
  withinPenny(t, years[1].baseline.mean, pathway[1].cash.mean, 'and on 2027-28, the last year a change is known');
  // Cost by year of age charges each month its financial year's price too (a review found every
  // age at the first year's price: the ages then summed to 57% more than the years here). The
  // two differ only by calendar days against standard months (365/12 days), well under 0.5%.
  const plan = projected.json().result.plans[0];
  const overYears = plan.byFinancialYear.reduce((sum: number, y: { cash: { mean: number } }) => sum + y.cash.mean, 0);
  const overAges = plan.byAgeYear.reduce((sum: number, a: { cash: { mean: number } }) => sum + a.cash.mean, 0);
  t.ok(Math.abs(overAges - overYears) / overYears < 0.005, `by age £${overAges} against by year £${overYears}`);
});

t.test('a price that changed before the first year is charged at the price in force, and the cohort hash says so', async (t) => {
  const modelsDir = await mkdtemp(path.join(tmpdir(), 'pathcast-price-changes-'));
  await copyFile(DEFAULT_MODEL, path.join(modelsDir, 'england-default.json'));
  await writeFile(path.join(modelsDir, 'fixed-residential.json'), JSON.stringify(fixedResidentialModel()));
  const { as } = await buildTestApp(t, { modelsDir });
  const created = await as('finance', { method: 'POST', url: '/v1/young-people', payload: child([{ from: '2026-01-01', weeklyPrice: 6000 }]) });
  t.equal(created.statusCode, 201, created.body.slice(0, 400));
  const stored = await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: scenario('risen') });
  t.equal(stored.statusCode, 201, stored.body.slice(0, 600));
  const job = await runAndWait(as, 'risen');
  t.equal(job.status, 'succeeded', JSON.stringify(job));
  const run = (await as('finance', { method: 'GET', url: job.result.href })).json();
  const years = run.result.spend.byYear;
  // £6,000 all year, held constant in real terms from 2026-27's factor (0.8):
  // 6,000 × 365 / 7 × 0.8 = £250,285.71; 6,000 × 366 / 7 × 0.8 = £250,971.43; then 365 days again.
  withinPenny(t, years[0].baseline.mean, 250285.71, '2026-27 at the price in force on 1 April 2026');
  withinPenny(t, years[1].baseline.mean, 250971.43, '2027-28');
  withinPenny(t, years[2].baseline.mean, 250285.71, '2028-29');

  // No change after 1 April 2026: the hash is as for a record without changes, at the price in
  // force then. Born January 2012: (2026 × 12 + 3) − 2012 × 12 = 171 months.
  t.equal(run.cohort.hash, createHash('sha256').update('[[171,"residential",6000]]').digest('hex'));
});
