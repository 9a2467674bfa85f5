import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import type { CohortInputRow } from '../../src/db/repositories/scenarios.ts';
import { cohortHash, cohortMembers, deflatedMember, memberPrice, scenarioMoney } from '../../src/services/scenario-runs.ts';
import { loadRunInputs, saveRunInputs } from '../../src/db/repositories/scenario-shards.ts';
import { prepareScenario } from '../../src/simulation/scenario.ts';
import { freshDatabase } from '../helpers/database.ts';

/**
 * A cohort member's placement price as a scenario takes it from the record: the price in force on
 * 1 April of the first planning year, the dated changes after it, converted to base-year prices
 * year by year, and each financial year's day-weighted price for the engine. Figures by hand.
 */

const spec = { firstYear: '2026-27' } as ScenarioSpec;
/** The default model, and a three-year scenario over it with nothing new (prepareScenario's inputs). */
const england = (): CostModelSpec => JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../models/england-default.json'), 'utf8'));
const threeYears = { id: 'p', version: '1.0.0', name: 'p', model: { id: 'england-default' }, cohort: {}, firstYear: '2026-27', planningYears: 3, lifetimeYears: 3, strategy: { name: 'Nothing new' } } as ScenarioSpec;
const preparing = { baseKey: 'england-default@test', seed: 1, runs: 10 };
const row = (extra: Partial<CohortInputRow> = {}): CohortInputRow => ({ birthYear: 2012, birthMonth: 1, careState: 'residential', placementType: 'residential', weeklyPrice: 5000, ...extra });

t.test('memberPrice: the price in force on the start day, and the changes after it', async (t) => {
  const changes = [
    { from: '2026-10-01', weeklyPrice: 6300 },
    { from: '2026-01-01', weeklyPrice: 6000 },
  ];
  t.same(memberPrice(5000, changes, '2026-04-01'), { weeklyPrice: 6000, changes: [{ from: '2026-10-01', weeklyPrice: 6300 }] }, 'sorted by date; the January rise in force on 1 April');
  t.same(memberPrice(5000, [{ from: '2026-04-01', weeklyPrice: 5200 }], '2026-04-01'), { weeklyPrice: 5200, changes: [] }, 'a change on the day itself is in force that day');
  t.same(memberPrice(5000, [{ from: '2026-04-02', weeklyPrice: 5200 }], '2026-04-01'), { weeklyPrice: 5000, changes: [{ from: '2026-04-02', weeklyPrice: 5200 }] }, 'one the day after is a change');
  t.same(memberPrice(5000, [], '2026-04-01'), { weeklyPrice: 5000, changes: [] });
});

t.test('cohortMembers: price in force and later changes; none without a placement of the state; canonical order', async (t) => {
  const rows = [
    row({ priceChanges: [{ from: '2026-01-01', weeklyPrice: 6000 }, { from: '2026-10-01', weeklyPrice: 6300 }] }),
    row({ priceChanges: [{ from: '2026-01-01', weeklyPrice: 6000 }] }),
    row({ weeklyPrice: 6000, priceChanges: [{ from: '2026-07-01', weeklyPrice: 6100 }] }),
    row({ careState: 'edge_of_care', placementType: null, weeklyPrice: null }),
  ];
  const members = cohortMembers(rows, spec);
  t.same(members, [
    // Born January 2012: 171 months on 1 April 2026. Ties on age, state and price go to the changes: none, then by date.
    { ageMonths: 171, state: 'edge_of_care', weeklyPrice: null },
    { ageMonths: 171, state: 'residential', weeklyPrice: 6000 },
    { ageMonths: 171, state: 'residential', weeklyPrice: 6000, priceChanges: [{ from: '2026-07-01', weeklyPrice: 6100 }] },
    { ageMonths: 171, state: 'residential', weeklyPrice: 6000, priceChanges: [{ from: '2026-10-01', weeklyPrice: 6300 }] },
  ]);
  t.same(cohortMembers([...rows].reverse(), spec), members, 'the same members in the same order whatever the rows’ order');
  // A record whose placement is not of its care state (moved on, record not yet updated) has no actual price, nor changes.
  t.same(cohortMembers([row({ careState: 'ifa_foster', priceChanges: [{ from: '2026-10-01', weeklyPrice: 6300 }] })], spec), [{ ageMonths: 171, state: 'ifa_foster', weeklyPrice: null }]);
});

t.test('cohortHash: unchanged for members without price changes; the changes enter when present', async (t) => {
  const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  t.equal(cohortHash([{ ageMonths: 171, state: 'residential', weeklyPrice: 700 }]), sha('[[171,"residential",700]]'), 'as before changes were read');
  t.equal(cohortHash([{ ageMonths: 171, state: 'residential', weeklyPrice: 700, placementsEarlierThisYear: 2 }]), sha('[[171,"residential",700,2]]'));
  t.equal(
    cohortHash([{ ageMonths: 171, state: 'residential', weeklyPrice: 700, priceChanges: [{ from: '2026-10-01', weeklyPrice: 770 }] }]),
    sha('[[171,"residential",700,0,[["2026-10-01",770]]]]'),
    'earlier placements (0) then [from, price] pairs',
  );
  t.not(cohortHash([{ ageMonths: 171, state: 'residential', weeklyPrice: 700, priceChanges: [{ from: '2026-10-01', weeklyPrice: 771 }] }]), cohortHash([{ ageMonths: 171, state: 'residential', weeklyPrice: 700, priceChanges: [{ from: '2026-10-01', weeklyPrice: 770 }] }]));
});

t.test('deflatedMember: each year at its index up to the last change, then held in real terms', async (t) => {
  // Index 100 (2024-25, base), 100, 125, 160, 200: factors 2026-27 0.8, 2027-28 0.625, 2028-29 0.5.
  const model = {
    priceBaseYear: '2024-25',
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
  } as Pick<CostModelSpec, 'priceBaseYear' | 'deflator'>;
  const member = {
    ageMonths: 171,
    state: 'residential',
    weeklyPrice: 6000,
    priceChanges: [
      { from: '2026-10-01', weeklyPrice: 6300 },
      { from: '2027-07-01', weeklyPrice: 6600 },
    ],
  };
  t.same(deflatedMember(member, model, spec, 0.8), {
    ageMonths: 171,
    state: 'residential',
    weeklyPrice: 4800,
    // 6,300 × 0.8; on 1 April 2027 6,300 × 0.625; 6,600 × 0.625; no change on 1 April 2028: held from 2027-28.
    priceChanges: [
      { from: '2026-10-01', weeklyPrice: 5040 },
      { from: '2027-04-01', weeklyPrice: 3937.5 },
      { from: '2027-07-01', weeklyPrice: 4125 },
    ],
  });
  t.same(deflatedMember({ ageMonths: 171, state: 'residential', weeklyPrice: 6000 }, model, spec, 0.8), { ageMonths: 171, state: 'residential', weeklyPrice: 4800 }, 'no changes: the one factor');
  t.same(deflatedMember({ ageMonths: 171, state: 'edge_of_care', weeklyPrice: null }, model, spec, 0.8), { ageMonths: 171, state: 'edge_of_care', weeklyPrice: null });
  t.same(deflatedMember(member, { priceBaseYear: '2024-25' }, spec, 1), member, 'no deflator: as recorded');
});

t.test('prepareScenario: a member with changes has each year’s day-weighted price; one without has none', async (t) => {
  const prepared = prepareScenario(
    threeYears,
    england(),
    [
      { ageMonths: 171, state: 'residential', weeklyPrice: 6000, priceChanges: [{ from: '2026-10-01', weeklyPrice: 6300 }] },
      { ageMonths: 171, state: 'residential', weeklyPrice: 6000 },
      { ageMonths: 171, state: 'edge_of_care', weeklyPrice: null, priceChanges: [{ from: '2026-10-01', weeklyPrice: 6300 }] },
    ],
    preparing,
  );
  const [changed, flat, notPlaced] = prepared.people;
  t.equal(changed.currentPlacementWeeklyPrice, 6000);
  // 2026-27: (6,000 × 183 + 6,300 × 182) / 365 = 2,244,600 / 365; then 6,300 in each of the other two years.
  const byYear = Array.from(changed.currentPlacementPriceByYear ?? []);
  t.equal(byYear.length, 3, 'one price per financial year of the lifetime');
  t.ok(Math.abs(byYear[0] - 2244600 / 365) < 1e-9, `2026-27: ${byYear[0]}`);
  t.same(byYear.slice(1), [6300, 6300]);
  t.equal(flat.currentPlacementPriceByYear, undefined, 'no changes: no price by year (the one price every year)');
  t.equal(notPlaced.currentPlacementWeeklyPrice, null);
  t.equal(notPlaced.currentPlacementPriceByYear, undefined, 'not in a placement: no price by year');
});

t.test('stored run inputs (the multi-worker queue) keep each year\'s price as typed numbers', async (t) => {
  // A queued run's workers read the prepared scenario back from the database: a price by year
  // that came back as a plain object would have no length, and the engine would charge the one
  // weekly price every year without a word.
  const prepared = prepareScenario(threeYears, england(), [{ ageMonths: 171, state: 'residential', weeklyPrice: 6000, priceChanges: [{ from: '2026-10-01', weeklyPrice: 6300 }] }], preparing);
  const database = await freshDatabase();
  t.teardown(() => database.close());
  await saveRunInputs(database.db, 'run-prices', prepared);
  const loaded = await loadRunInputs(database.db, 'run-prices');
  const byYear = loaded?.people[0].currentPlacementPriceByYear;
  t.ok(byYear instanceof Float64Array, 'a Float64Array again');
  t.same(Array.from(byYear ?? []), Array.from(prepared.people[0].currentPlacementPriceByYear ?? []), 'the same prices, bit for bit');
  t.equal(loaded?.people[0].currentPlacementWeeklyPrice, 6000);
});

t.test('the money statement says which price rule a stored run used', async (t) => {
  // A review found runs stored before dated prices were read describing them: the statement is
  // written when a run is read, so it must follow what the stored run did.
  const model = england();
  const factor = 112.375 / 116.915;
  const statementOf = (money: ReturnType<typeof scenarioMoney>) => ({ factors: money?.deflator?.factors, statement: money?.deflator?.statement ?? '' });
  const old = statementOf(scenarioMoney(model, { firstYear: '2026-27', factor }));
  t.same(old.factors, [{ financialYear: '2026-27', factor: Math.round(factor * 1e6) / 1e6 }], 'an older run: the one factor it used');
  t.match(old.statement, /stored before scenario runs read dated price changes: each placement was charged its price as first recorded, every year/);
  t.notMatch(old.statement, /converted at that year's index/);
  const dated = statementOf(scenarioMoney(model, { firstYear: '2026-27', factor, datedPrices: true, years: 3 }));
  t.same(
    dated.factors,
    [
      { financialYear: '2026-27', factor: Math.round(factor * 1e6) / 1e6 },
      { financialYear: '2027-28', factor: Math.round((112.375 / 119.253) * 1e6) / 1e6 },
      { financialYear: '2028-29', factor: Math.round((112.375 / 121.638) * 1e6) / 1e6 },
    ],
    'a run that read dated changes: each year of its lifetime with its factor (112.375 over the year’s index)',
  );
  t.match(dated.statement, /dated price changes after 1 April of that year are cash of the year they apply in, converted at that year's index \(factors by year as listed\)/);
});
