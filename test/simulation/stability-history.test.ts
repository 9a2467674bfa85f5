import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { validateScenario } from '../../src/catalog/validate-scenario.ts';
import { listCohortInputs } from '../../src/db/repositories/scenarios.ts';
import type { History } from '../../src/outcomes/measures.ts';
import { placementsEarlierThisYear } from '../../src/outcomes/placements-this-year.ts';
import { buildCohort, cohortHash, cohortMembers, executeScenarioRun, planScenarioRun } from '../../src/services/scenario-runs.ts';
import { findScenario } from '../../src/services/scenarios.ts';
import { cohortLayout, simulateCohortRuns } from '../../src/simulation/cohort.ts';
import { YEAR_OUTCOME_COUNT, YearOutcome } from '../../src/simulation/layout.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { type EnginePlan, type ProjectionRequest, runProjectionInline } from '../../src/simulation/projection.ts';
import { type PreparedScenario, type ScenarioMember, prepareScenario, scenarioShards, simulateScenarioShard } from '../../src/simulation/scenario.ts';
import { type PairedBands, ScenarioFolder } from '../../src/simulation/scenario-fold.ts';
import { modelFor } from '../../src/simulation/worker.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { fourStateModel } from '../helpers/small-models.ts';
import { residentialAged } from '../care-plans/fixtures.ts';
import { record, smallScenario } from '../scenarios/fixtures.ts';
import { exactThreeOrMoreShares } from '../helpers/stability-chain.ts';

/**
 * Issue 17 review, finding 7: placement stability in a projection's first financial year counts
 * the placements the recorded history shows earlier in that year, before today's (DfE: looked
 * after on 31 March with three or more placements during the year), not only the moves from the
 * projection's start. Hand-worked throughout.
 */

/**
 * Two placement states nobody ever leaves (no move out, none within): a child's placements in a
 * year are exactly today's, the earlier ones and the planned moves, so every share is 0 or 1.
 */
function stillModel(): CostModelSpec {
  const placement = (id: string) => ({ id, label: id, category: 'looked_after' as const, flags: ['in_care' as const], placement: true });
  return {
    id: 'still',
    version: '1.0.0',
    name: 'Nobody moves by chance',
    currency: 'GBP',
    priceBaseYear: '2025-26',
    discounting: { periods: [{ fromYear: 0, rate: 0.035 }], source: 'test' },
    transitionSources: [{ describes: 'hand-made for tests', source: 'test' }],
    sources: { test: { title: 'Test fixture', publisher: 'pathcast tests' } },
    horizonAgeYears: 25,
    ageBands: [{ id: 'all', fromYears: 0, toYears: 25 }],
    states: [placement('a'), placement('b')],
    transitions: { all: { a: { a: 1 }, b: { b: 1 } } },
    unitCosts: [{ id: 'fee', label: 'Fee', states: ['a', 'b'], amount: 500, per: 'week', agency: 'childrens_social_care', source: 'test', placementFee: true }],
  };
}

const ep = (startDate: string, endDate: string | undefined, careState: string, newPlacement = true) => ({ startDate, endDate, careState, newPlacement });
const history = (...episodes: History['episodes']): History => ({ birthYear: 2012, birthMonth: 6, episodes });

t.test('the count from a history, by hand: looked-after placements overlapping [1 April, start), not the one in force', async (t) => {
  const start = '2026-12-01';
  // The brief's young person: agency foster from April, a children's home from 20 November (today's).
  t.equal(placementsEarlierThisYear(history(ep('2026-04-01', '2026-11-20', 'ifa_foster'), ep('2026-11-20', undefined, 'residential')), start), 1);
  t.equal(placementsEarlierThisYear(history(), start), 0, 'no history: 0');
  t.equal(placementsEarlierThisYear(history(ep('2026-11-20', undefined, 'residential')), start), 0, 'only today’s placement: 0');
  // Began before 1 April and ran into the year: counts (DfE counts every placement overlapping the year).
  t.equal(placementsEarlierThisYear(history(ep('2025-09-01', '2026-05-10', 'inhouse_foster'), ep('2026-05-10', undefined, 'residential')), start), 1);
  // Ended on 1 April exactly ([start, end) episodes): not in the year.
  t.equal(placementsEarlierThisYear(history(ep('2025-09-01', '2026-04-01', 'inhouse_foster'), ep('2026-04-01', undefined, 'residential')), start), 0);
  // A change of legal status only (newPlacement false) continues the placement: one, not two.
  t.equal(placementsEarlierThisYear(history(ep('2026-04-01', '2026-06-01', 'ifa_foster'), ep('2026-06-01', '2026-09-01', 'ifa_foster', false), ep('2026-09-01', undefined, 'residential')), start), 1);
  // Not looked after (edge of care, home) is no placement; a new period of care starts a new one.
  t.equal(
    placementsEarlierThisYear(history(ep('2026-04-01', '2026-05-01', 'edge_of_care'), ep('2026-05-01', '2026-07-01', 'ifa_foster'), ep('2026-07-01', '2026-08-01', 'home'), ep('2026-08-01', '2026-11-30', 'ifa_foster'), ep('2026-11-30', undefined, 'residential')), start),
    2,
  );
  // Today's placement began before the start and is still in force: never counted here (the engine counts it).
  t.equal(placementsEarlierThisYear(history(ep('2026-04-01', undefined, 'residential')), start), 0);
  // Ended on the start day itself (the next began that day): counts.
  t.equal(placementsEarlierThisYear(history(ep('2026-04-01', start, 'ifa_foster'), ep(start, undefined, 'residential')), start), 1);
  // A start in January looks back to 1 April of the year before.
  t.equal(placementsEarlierThisYear(history(ep('2026-04-02', '2026-06-01', 'ifa_foster'), ep('2026-06-01', undefined, 'residential')), '2027-01-01'), 1);
  // A start on 1 April: nothing earlier in the year.
  t.equal(placementsEarlierThisYear(history(ep('2026-04-02', '2026-06-01', 'ifa_foster'), ep('2026-06-01', undefined, 'residential')), '2027-04-01'), 0);
});

t.test('(1) the engine alone: one earlier placement, today’s and a planned move at month 3 make three by 31 March', async (t) => {
  const model = compileModel(stillModel());
  const a = model.stateIds.indexOf('a');
  const b = model.stateIds.indexOf('b');
  const plan = (moves: EnginePlan['moves']): EnginePlan => ({ startState: a, moves, interventions: [], statePrices: [], currentPlacementWeeklyPrice: null });
  // From 1 December 2026: month 3 is March 2027, so the move to b is in force on 31 March.
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 12 }, ageMonths: 120, months: 24, plans: [plan([{ month: 3, to: b, fromStates: null }]), plan([])], parameterUncertainty: false };
  const runs = 50;
  const shares = (earlier: number | undefined) => {
    const result = runProjectionInline(model, earlier === undefined ? request : { ...request, placementsEarlierThisYear: earlier }, runs, 7);
    return { result, byPlan: result.plans.map((p) => p.outcomesByYear.map((y) => y.threeOrMorePlacementsShare?.mean ?? null)) };
  };
  const none = shares(undefined);
  const one = shares(1);
  const two = shares(2);
  // Moving: 1 earlier + a + b = 3 in 2026-27 → every run counts; 2027-28 starts again from b alone.
  t.same(one.byPlan[0], [1, 0, null], 'with the earlier placement: 1 in the first year, 0 in the next, no 31 March in the third');
  t.same(none.byPlan[0], [0, 0, null], 'without it (as before): a and b are two placements, 0');
  t.same(shares(0).byPlan, none.byPlan, 'a count of 0 is no count');
  // Staying in a: 1 earlier + a = 2, not three; 2 earlier + a = 3.
  t.same(one.byPlan[1], [0, 0, null], 'staying, one earlier: two placements');
  t.same(two.byPlan[1], [1, 0, null], 'staying, two earlier: three');
  // Nothing else moves: the same draws, every other figure bit for bit.
  const strip = (r: typeof none.result) => JSON.parse(JSON.stringify(r, (key, value) => (key === 'threeOrMorePlacementsShare' ? undefined : value)));
  t.same(strip(one.result), strip(none.result), 'every figure but the stability share is unchanged');
  t.same(strip(two.result), strip(none.result));
});

t.test('(1) with chance moves: the engine meets an exact count-augmented propagation started at (today’s placement + the earlier count)', async (t) => {
  // The chain on (state, placements this year capped at 3), as test/simulation/projected-outcomes.test.ts,
  // but from 1 December with a count of 1 + earlier at the start: the first year's share moves,
  // the second (restarting in April) does not.
  const model = compileModel(fourStateModel());
  const resi = model.stateIds.indexOf('resi');
  const ageMonths = 13 * 12;
  const months = 16; // December 2026 to March 2028: two 31 Marches
  const exactShares = (earlier: number) => exactThreeOrMoreShares(model, { state: resi, ageMonths, calendarStart: 11, countAtStart: 1 + earlier }, months);
  const stayInResi: EnginePlan = { startState: resi, moves: [], interventions: [], statePrices: [], currentPlacementWeeklyPrice: null };
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 12 }, ageMonths, months, plans: [stayInResi], parameterUncertainty: false };
  const runs = 20000;
  for (const earlier of [0, 1]) {
    const exact = exactShares(earlier);
    const years = runProjectionInline(model, { ...request, placementsEarlierThisYear: earlier }, runs, 41).plans[0].outcomesByYear;
    t.equal(exact.length, 2);
    for (const f of [0, 1]) {
      const share = years[f].threeOrMorePlacementsShare;
      if (share === null) throw new Error('no stability figure');
      // 4 Monte Carlo standard errors: a false alarm about 1 time in 16,000 per figure.
      t.ok(Math.abs(share.mean - exact[f]) < 4 * share.se, `earlier ${earlier}, ${years[f].financialYear}: ${share.mean.toFixed(4)} vs exact ${exact[f].toFixed(4)} (4 se = ${(4 * share.se).toFixed(4)})`);
    }
  }
  // By hand, the first year with one earlier: 1 + 1 = 2 at the start, so three needs one move in the
  // 3 month-ends to March; the exact figures differ a lot between 0 and 1 earlier, the second year not at all.
  const [none, one] = [exactShares(0), exactShares(1)];
  t.ok(one[0] > 5 * none[0], `first year: ${one[0].toFixed(4)} against ${none[0].toFixed(4)}`);
  t.equal(one[1], none[1], 'second year: the same');
});

t.test('(1) a cohort: the count reaches people on record; a new entrant (offset > 0) has no history', async (t) => {
  const model = compileModel(stillModel());
  const a = model.stateIds.indexOf('a');
  const request = { clock: { startYear: 2026, startMonth: 4 }, months: 24, parameterUncertainty: false };
  const layout = cohortLayout(model, request);
  const person = (key: number, earlier: number, offset = 0) => ({ ageMonths: 120, startState: a, key, offset, currentPlacementWeeklyPrice: null, placementsEarlierThisYear: earlier, plans: [] });
  const chunk = simulateCohortRuns([{ model, slot: { interventions: [], statePrices: [] } }], request, [person(0, 2), person(1, 1), person(2, 0), person(3, 2, 2)], 5, 0, 3);
  for (let run = 0; run < 3; run++) {
    const at = (fy: number) => run * layout.size + layout.yearOutcomes + fy * YEAR_OUTCOME_COUNT + YearOutcome.threeOrMorePlacements;
    // Only person 0 (2 earlier + a) reaches three; the entrant's 2 are ignored (they would make three too).
    t.equal(chunk.vectors[at(0)], 1, `run ${run}: one child with three or more in 2026-27`);
    t.equal(chunk.vectors[at(1)], 0, `run ${run}: none in 2027-28`);
  }
});

/** Every shard of every run, summed and folded (as the pool does, on this thread). */
function fold(prepared: PreparedScenario, key: string) {
  const get = (k: string, spec: CostModelSpec) => modelFor(`${key}:${k}`, spec);
  const models = prepared.variants.map((v) => get(v.modelKey, v.modelSpec));
  const folder = new ScenarioFolder(prepared, models);
  const chunks = scenarioShards(prepared).map((shard) => simulateScenarioShard(prepared, shard, 0, prepared.runs, get));
  const vectors = Float64Array.from(chunks[0].vectors);
  for (const chunk of chunks.slice(1)) for (let i = 0; i < vectors.length; i++) vectors[i] += chunk.vectors[i];
  folder.add({ runStart: 0, runEnd: prepared.runs, vectors, parameters: chunks[0].parameters });
  return folder.finish();
}

function stillScenario(extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  const checked = validateScenario(
    { id: 'still', version: '1.0.0', name: 'Still', model: { id: 'still' }, cohort: {}, firstYear: '2026-27', planningYears: 2, lifetimeYears: 2, strategy: { name: 'Nothing' }, ...extra },
    stillModel(),
  );
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.scenario;
}

function checkHalf(t: Test, result: ReturnType<typeof fold>, label: string, expected: number) {
  const years = result.projectedOutcomes ?? [];
  const first = years[0].threeOrMorePlacementsShare as PairedBands;
  const second = years[1].threeOrMorePlacementsShare as PairedBands;
  // Every run: the same children, nobody moves, so the share is the same number in each run.
  t.same(first.baseline, { mean: expected, p10: expected, p50: expected, p90: expected }, `${label}: 2026-27 share ${expected}`);
  t.same(first.strategy, first.baseline, `${label}: the strategy the same`);
  t.same(second.baseline, { mean: 0, p10: 0, p50: 0, p90: 0 }, `${label}: 2027-28 share 0 (the year starts again)`);
}

t.test('(3) a scenario cohort: 2 of 4 children with two earlier placements → the first year’s share rises from 0 to exactly 1/2, on both paths', async (t) => {
  const spec = stillModel();
  const members: ScenarioMember[] = [0, 1, 2, 3].map((k) => ({ ageMonths: 120 + k, state: 'a', weeklyPrice: null, ...(k % 2 === 0 ? { placementsEarlierThisYear: 2 } : {}) }));
  const without = members.map(({ placementsEarlierThisYear: _, ...rest }) => rest);
  const options = { baseKey: 'still', seed: 3, runs: 5 };
  checkHalf(t, fold(prepareScenario(stillScenario(), spec, members, options), 'free'), 'people shards', 0.5);
  checkHalf(t, fold(prepareScenario(stillScenario(), spec, without, options), 'free'), 'people shards, no history', 0);
  // A capacity limit puts everyone on the run-major shared-places path (places.ts), which builds its own plans.
  const limited = stillScenario({ capacity: [{ state: 'a', places: 10, overflowTo: 'b' }] });
  checkHalf(t, fold(prepareScenario(limited, spec, members, options), 'limited'), 'places path', 0.5);
  checkHalf(t, fold(prepareScenario(limited, spec, without, options), 'limited'), 'places path, no history', 0);
  // Someone born after 1 April of the first year joins at birth (offset > 0): no history to bring.
  const prepared = prepareScenario(stillScenario(), spec, [{ ageMonths: -3, state: 'a', weeklyPrice: null, placementsEarlierThisYear: 2 }], options);
  t.equal(prepared.people[0].placementsEarlierThisYear, undefined, 'a member born later carries no count');
});

/** The brief's young person, a year earlier so that every date is past whatever today is. */
const BORN = { birthYear: 2011, birthMonth: 12 };
const moveToInHouse = { name: 'Move to in-house foster care', moves: [{ month: 3, to: 'inhouse_foster' }] };
const agencyThenHome = [
  { startDate: '2025-04-01', endDate: '2025-11-20', careState: 'ifa_foster' },
  { startDate: '2025-11-20', careState: 'residential' },
];

async function youngPerson(as: TestApp['as'], episodes: unknown[] | null) {
  const payload = residentialAged(14, { ...BORN, placement: { type: 'residential', provider: 'private', distanceFromHomeMiles: 40, weeklyPrice: 6800, startDate: '2025-11-20' } }, new Date('2025-12-15'));
  const created = await as('finance', { method: 'POST', url: '/v1/young-people', payload });
  if (created.statusCode !== 201) throw new Error(created.body);
  const id = created.json().id as string;
  if (episodes !== null) {
    const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${id}/history`, payload: { episodes } });
    if (put.statusCode !== 200) throw new Error(put.body);
  }
  const plan = await as('finance', { method: 'POST', url: `/v1/young-people/${id}/care-plans`, payload: moveToInHouse });
  if (plan.statusCode !== 201) throw new Error(plan.body);
  return id;
}

t.test('(2) through the API: agency foster from April, a children’s home from 20 November, in-house foster at month 3 → first-year share 1', async (t) => {
  const { as } = await buildTestApp(t);
  const withHistory = await youngPerson(as, agencyThenHome);
  const withoutHistory = await youngPerson(as, null);
  const body = { runs: 1000, seed: 20261201, startMonth: '2025-12' };
  const run = async (id: string) => {
    const response = await as('finance', { method: 'POST', url: `/v1/young-people/${id}/projections`, payload: body });
    t.equal(response.statusCode, 201, response.body.slice(0, 300));
    return response.json();
  };
  const known = await run(withHistory);
  const unknown = await run(withoutHistory);
  const share = (projection: { result: { plans: Array<{ outcomesByYear: Array<{ financialYear: string; threeOrMorePlacementsShare: { mean: number } | null }> }> } }) =>
    projection.result.plans[0].outcomesByYear[0].threeOrMorePlacementsShare?.mean ?? Number.NaN;
  t.equal(known.result.plans[0].outcomesByYear[0].financialYear, '2025-26');
  // On the default model every looked-after state is a placement: a child in care on 31 March
  // 2026 either made the planned move (agency, home, in-house: three) or moved some other way
  // before it (a third placement all the same), so the share is 1 in every run. The tolerance,
  // 1e-12, is only for the rounding of P(3+ and in care) and P(in care), summed over runs apart.
  t.ok(Math.abs(share(known) - 1) < 1e-12, `with the history: ${share(known)}`);
  // Without history the year sees the home and the move only: three needs a chance move too (about 0.07).
  t.ok(share(unknown) > 0 && share(unknown) < 0.2, `without history (as before): ${share(unknown)}`);
  // The count draws nothing: every other figure is the same for the two records.
  const strip = (p: { result: unknown }) => JSON.parse(JSON.stringify(p.result, (key, value) => (key === 'threeOrMorePlacementsShare' ? undefined : value)));
  t.same(strip(known), strip(unknown), 'the same draws: only the stability share differs');
  t.same(known.result.plans[0].outcomesByYear.slice(1), unknown.result.plans[0].outcomesByYear.slice(1), 'later years the same to the last digit');

  // The count is stored with the inputs: a re-run after the history has changed reproduces it.
  await as('admin', { method: 'PUT', url: `/v1/young-people/${withHistory}/history`, payload: { episodes: [{ startDate: '2025-11-20', careState: 'residential' }] } });
  const rerun = await as('finance', { method: 'POST', url: `/v1/pathway-projections/${known.id}/rerun` });
  t.equal(rerun.statusCode, 201, rerun.body.slice(0, 300));
  t.equal(rerun.json().matchesOriginal, true, 'a re-run reproduces the projection bit for bit');
});

t.test('(3) a scenario cohort on record: histories loaded in one query, counted to today, reaching the run', async (t) => {
  const { app, as } = await buildTestApp(t);
  const add = async (payload: Record<string, unknown>, episodes: unknown[] | null) => {
    const created = await as('finance', { method: 'POST', url: '/v1/young-people', payload });
    if (created.statusCode !== 201) throw new Error(created.body);
    if (episodes !== null) {
      const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${created.json().id}/history`, payload: { episodes } });
      if (put.statusCode !== 200) throw new Error(put.body);
    }
  };
  // In residential from 20 November 2026 after two agency foster placements this year (April, August).
  // The record's placement begins with the open episode (a history may not contradict it).
  const residential = record(2012, 'residential');
  await add({ ...residential, placement: { ...(residential.placement as Record<string, unknown>), startDate: '2026-11-20' } }, [
    { startDate: '2026-04-01', endDate: '2026-08-01', careState: 'ifa_foster' },
    { startDate: '2026-08-01', endDate: '2026-11-20', careState: 'ifa_foster' },
    { startDate: '2026-11-20', careState: 'residential' },
  ]);
  const scenario = smallScenario({ id: 'stability-history', cohort: { careStates: ['residential'] }, runs: 40 });
  t.equal((await as('commissioning', { method: 'POST', url: '/v1/scenarios', payload: scenario })).statusCode, 201);
  const entry = await findScenario({ db: app.db, catalog: app.catalog, files: app.scenarios }, 'stability-history', '1.0.0');
  const plan = planScenarioRun(app.catalog, entry, { runs: 40, seed: 5 });

  // The rows carry the episodes only when asked, loaded with them in the one query.
  const bounds = { careStates: ['residential'] };
  t.equal((await listCohortInputs(app.db, bounds))[0].episodes, undefined, 'not asked: no episodes');
  t.equal((await listCohortInputs(app.db, bounds, { withEpisodes: true }))[0].episodes?.length, 3);

  // Today 1 December 2026 (in 2026-27): two earlier placements; today after the first year, or before it: none.
  const inYear = await buildCohort(app.db, plan, new Date('2026-12-01T09:00:00Z'));
  t.same(inYear.members.map((m) => m.placementsEarlierThisYear), [2]);
  const after = await buildCohort(app.db, plan, new Date('2027-05-01T09:00:00Z'));
  t.same(after.members.map((m) => m.placementsEarlierThisYear), [undefined]);
  const before = await buildCohort(app.db, plan, new Date('2026-03-01T09:00:00Z'));
  t.same(before.members.map((m) => m.placementsEarlierThisYear), [undefined]);
  // A cohort with no earlier placements hashes as before the count existed.
  t.equal(after.hash, cohortHash(cohortMembers(await listCohortInputs(app.db, bounds), entry.spec)));
  t.not(inYear.hash, after.hash, 'the count is part of the cohort');

  // Run end to end: with the count, every run where the child is looked after on 31 March 2027
  // counts them (2 earlier + today's = 3), so each such run's share is exactly 1.
  const pool = new SimulationPool(0);
  const executor = { distributed: false, run: (prepared: Parameters<SimulationPool['scenario']>[0]) => pool.scenario(prepared) };
  const firstYear = async (now: Date) => {
    const { result } = await executeScenarioRun(app.db, executor, plan, randomUUID(), { now });
    return result.projectedOutcomes?.[0].threeOrMorePlacementsShare as PairedBands;
  };
  const counted = await firstYear(new Date('2026-12-01T09:00:00Z'));
  const notCounted = await firstYear(new Date('2027-05-01T09:00:00Z'));
  // The mean of the runs' ones is 1 up to the rounding of its sum (1e-12); the percentiles are exact.
  t.ok(counted.baseline !== null && Math.abs(counted.baseline.mean - 1) < 1e-12, `with the history: ${JSON.stringify(counted.baseline)}`);
  t.same([counted.baseline?.p10, counted.baseline?.p50, counted.baseline?.p90], [1, 1, 1]);
  t.ok(notCounted.baseline !== null && notCounted.baseline.mean < 0.5, `without it (as before): ${notCounted.baseline?.mean}`);
});
