import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import { validateScenario } from '../../src/catalog/validate-scenario.ts';
import { protectRunResult } from '../../src/services/disclosure-view.ts';
import { cohortLayout } from '../../src/simulation/cohort.ts';
import { YEAR_OUTCOME_COUNT, YearOutcome } from '../../src/simulation/layout.ts';
import { type PreparedScenario, type ScenarioMember, prepareScenario, scenarioShards, simulateScenarioShard } from '../../src/simulation/scenario.ts';
import { type PairedBands, ScenarioFolder } from '../../src/simulation/scenario-fold.ts';
import { modelFor } from '../../src/simulation/worker.ts';

/**
 * Placement stability (three or more placements in the financial year, of the children looked
 * after on 31 March) and care leavers aged 19-21 in education, employment or training, by year
 * in scenario runs (issue 17): counted by the kernel on 31 March, carried in the run vector
 * through both paths (people shards; run-major shared places), folded per run, P10-P90 over runs.
 */

const P = 0.05; // monthly chance of moving to the other placement state
const W = 0.1; // withinStatePlacementMoves: of those staying, the chance of a move within the state
const A = 0.05; // EET → NEET a month, and NEET → EET

/**
 * Three placement states a, b, c (looked after, never leaving care): a → b and b → a, c → b, each
 * with chance P a month, and a move within the state with chance (1 − P) W. Whatever the state,
 * a child changes placement in a month with chance q = P + (1 − P) W, on their own draw; a
 * capacity limit on a with overflow c changes where a move goes (b → c instead of b → a), never
 * whether it happens. Care leavers switch between eet and neet with chance A each way.
 */
function stabilityModel(): CostModelSpec {
  const placement = (id: string) => ({ id, label: id, category: 'looked_after' as const, flags: ['in_care' as const], placement: true, withinStatePlacementMoves: W });
  return {
    id: 'stability-test',
    version: '1.0.0',
    name: 'Stability test',
    currency: 'GBP',
    priceBaseYear: '2025-26',
    discounting: { periods: [{ fromYear: 0, rate: 0.035 }], source: 'test' },
    transitionSources: [{ describes: 'hand-made for tests', source: 'test' }],
    sources: { test: { title: 'Test fixture', publisher: 'pathcast tests' } },
    horizonAgeYears: 25,
    ageBands: [{ id: 'all', fromYears: 0, toYears: 25 }],
    states: [
      placement('a'),
      placement('b'),
      placement('c'),
      { id: 'eet', label: 'In EET', category: 'care_leaver', flags: ['care_leaver'] },
      { id: 'neet', label: 'NEET', category: 'care_leaver', flags: ['care_leaver', 'neet'] },
    ],
    transitions: {
      all: {
        a: { a: 1 - P, b: P },
        b: { b: 1 - P, a: P },
        c: { c: 1 - P, b: P },
        eet: { eet: 1 - A, neet: A },
        neet: { neet: 1 - A, eet: A },
      },
    },
    unitCosts: [{ id: 'fee', label: 'Fee', states: ['a', 'b', 'c'], amount: 500, per: 'week', agency: 'childrens_social_care', source: 'test', placementFee: true }],
  };
}

const model = stabilityModel();
const q = P + (1 - P) * W;
/** P(1 + Binomial(11, q) ≥ 3): the placement held in April plus the moves of the 11 month-ends to March. */
const threeOrMore = 1 - (1 - q) ** 11 - 11 * q * (1 - q) ** 10;
/** P(eet in month n | eet at month 0) for the symmetric two-state chain: 1/2 + 1/2 (1 − 2A)^n. */
const eetAt = (n: number) => 0.5 + 0.5 * (1 - 2 * A) ** n;

function scenario(extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  const checked = validateScenario(
    { id: 'year-outcomes', version: '1.0.0', name: 'Year outcomes', model: { id: 'stability-test' }, cohort: {}, firstYear: '2026-27', planningYears: 4, lifetimeYears: 4, strategy: { name: 'Nothing' }, ...extra },
    model,
  );
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.scenario;
}

/** Every shard of every run, summed and folded (as the pool does, on this thread). */
function fold(prepared: PreparedScenario, key: string) {
  const get = (k: string, spec: CostModelSpec) => modelFor(`${key}:${k}`, spec);
  const models = prepared.variants.map((v) => get(v.modelKey, v.modelSpec));
  const folder = new ScenarioFolder(prepared, models);
  const chunks = scenarioShards(prepared).map((shard) => simulateScenarioShard(prepared, shard, 0, prepared.runs, get));
  const vectors = Float64Array.from(chunks[0].vectors);
  for (const chunk of chunks.slice(1)) for (let i = 0; i < vectors.length; i++) vectors[i] += chunk.vectors[i];
  folder.add({ runStart: 0, runEnd: prepared.runs, vectors, parameters: chunks[0].parameters });
  return { vectors, result: folder.finish(), shards: chunks.length, layout: cohortLayout(models[0], prepared.request), model: models[0] };
}

const CHILDREN = 400;
const LEAVERS = 400;
const RUNS = 40;
// Children split between a and b; care leavers all in EET, aged 19 on 1 April 2026.
const members: ScenarioMember[] = [
  ...Array.from({ length: CHILDREN }, (_, k) => ({ ageMonths: 120 + (k % 24), state: k % 2 === 0 ? 'a' : 'b', weeklyPrice: null })),
  ...Array.from({ length: LEAVERS }, () => ({ ageMonths: 19 * 12, state: 'eet', weeklyPrice: null })),
];

/**
 * Each run's share is its count over a fixed number of people, so the mean over runs has
 * expectation exactly the per-person chance; its Monte Carlo standard error is at most
 * sqrt(p(1 − p) / (people × runs)) when the people are independent (the unlimited path) — the
 * tolerance is 4 of them (a chance of about 1 in 16,000 per figure of a false alarm).
 */
function checkExact(t: Test, result: ReturnType<typeof fold>['result'], label: string) {
  const years = result.projectedOutcomes ?? [];
  t.equal(years.length, 4, `${label}: four planning years`);
  for (const [y, year] of years.entries()) {
    t.same(year.lookedAfterAll, { baseline: CHILDREN, strategy: CHILDREN }, `${label} ${year.financialYear}: every child is looked after on 31 March`);
    const stability = year.threeOrMorePlacementsShare as PairedBands;
    const se = Math.sqrt((threeOrMore * (1 - threeOrMore)) / (CHILDREN * RUNS));
    t.ok(stability.baseline !== null && Math.abs(stability.baseline.mean - threeOrMore) < 4 * se, `${label} ${year.financialYear}: 3+ placements ${stability.baseline?.mean.toFixed(4)} against ${threeOrMore.toFixed(4)} ± ${(4 * se).toFixed(4)}`);
    t.ok(stability.baseline !== null && stability.baseline.p10 <= stability.baseline.p50 && stability.baseline.p50 <= stability.baseline.p90, 'P10 ≤ P50 ≤ P90');
    // The strategy changes nothing: the same draws, the same figures.
    t.same(stability.strategy, stability.baseline, 'strategy as baseline');
    t.same(stability.difference, { mean: 0, p10: 0, p50: 0, p90: 0 }, 'no difference');
    const eet = year.eetShareOfCareLeavers as PairedBands;
    if (y < 3) {
      // Aged 19, 20, 21 on 31 March: month 11, 23, 35 from 1 April 2026.
      const p = eetAt(12 * y + 11);
      const seEet = Math.sqrt((p * (1 - p)) / (LEAVERS * RUNS));
      t.same(year.careLeavers19to21, { baseline: LEAVERS, strategy: LEAVERS }, `${label} ${year.financialYear}: every care leaver is 19-21`);
      t.ok(eet.baseline !== null && Math.abs(eet.baseline.mean - p) < 4 * seEet, `${label} ${year.financialYear}: EET ${eet.baseline?.mean.toFixed(4)} against ${p.toFixed(4)} ± ${(4 * seEet).toFixed(4)}`);
      t.same(eet.strategy, eet.baseline, 'strategy as baseline');
      t.same(eet.difference, { mean: 0, p10: 0, p50: 0, p90: 0 }, 'no difference');
    } else {
      // Aged 22 on 31 March 2030: no care leaver of 19-21 is counted, so no share.
      t.same(year.careLeavers19to21, { baseline: 0, strategy: 0 }, `${label} ${year.financialYear}: no care leaver aged 19-21`);
      t.same(eet, { baseline: null, strategy: null, difference: null }, 'no share where no one is counted');
    }
    t.same(year.shareWithin20Miles, { baseline: null, strategy: null, difference: null }, 'the model gives no distance shares');
  }
}

t.test('exact expectations on a small chain: people shards (no capacity limit)', async (t) => {
  const prepared = prepareScenario(scenario(), model, members, { baseKey: 'stability', seed: 11, runs: RUNS });
  const { result, shards } = fold(prepared, 'free');
  t.ok(shards > 1, `${shards} shards of people, summed`);
  checkExact(t, result, 'people shards');
});

t.test('exact expectations on the run-major places path, with a capacity limit that binds; placement counts as without it, run by run', async (t) => {
  const free = fold(prepareScenario(scenario(), model, members, { baseKey: 'stability', seed: 11, runs: RUNS }), 'free');
  const prepared = prepareScenario(scenario({ capacity: [{ state: 'a', places: 60, overflowTo: 'c' }] }), model, members, { baseKey: 'stability', seed: 11, runs: RUNS });
  const limited = fold(prepared, 'limited');
  t.equal(limited.shards, 1, 'one shard: every person of the runs');
  checkExact(t, limited.result, 'places path');
  const { layout } = limited;
  const c = limited.model.stateIds.indexOf('c');
  let overflowed = 0;
  for (let run = 0; run < RUNS; run++) {
    for (let fy = 0; fy < 4; fy++) overflowed += limited.vectors[run * 2 * layout.size + layout.endOfYearState + fy * layout.nStates + c];
  }
  t.ok(overflowed > 0, `the limit binds: ${overflowed} child-years in the overflow state on 31 March`);
  // A child changes placement on their own draw wherever the move goes, so the counts are the
  // unlimited path's exactly: this holds only if a paused child's count survives the pause.
  for (let run = 0; run < RUNS; run++) {
    for (let v = 0; v < 2; v++) {
      for (let fy = 0; fy < 4; fy++) {
        for (let k = 0; k < YEAR_OUTCOME_COUNT; k++) {
          const at = (run * 2 + v) * layout.size + layout.yearOutcomes + fy * YEAR_OUTCOME_COUNT + k;
          if (limited.vectors[at] !== free.vectors[at]) {
            t.fail(`run ${run} variant ${v} year ${fy} slot ${k}: ${limited.vectors[at]} against ${free.vectors[at]}`);
            return;
          }
        }
      }
    }
  }
  t.pass('year outcomes identical, run by run, with and without the binding limit');
  t.ok(free.vectors.some((x, i) => x !== limited.vectors[i]), 'while the state counts differ');
  t.ok(YearOutcome.threeOrMorePlacements === 0, 'slot order as documented');
});

t.test('roles without individual access: each share withheld where fewer than 10 are counted', async (t) => {
  // 12 children looked after (shown), 6 care leavers (withheld).
  const few: ScenarioMember[] = [...members.slice(0, 12), ...members.slice(CHILDREN, CHILDREN + 6)];
  const { result } = fold(prepareScenario(scenario(), model, few, { baseKey: 'stability', seed: 5, runs: 10 }), 'few');
  const full = result.projectedOutcomes?.[0];
  const shown = protectRunResult(result, model).projectedOutcomes?.[0];
  t.ok(full?.eetShareOfCareLeavers?.baseline !== null, 'the full view has the EET share');
  t.same(shown?.eetShareOfCareLeavers, { baseline: null, strategy: null, difference: null }, '6 care leavers: withheld');
  t.same(shown?.careLeavers19to21, { baseline: null, strategy: null }, 'the count withheld');
  t.same(shown?.threeOrMorePlacementsShare, full?.threeOrMorePlacementsShare, '12 looked after: shown as it is');
  t.same(shown?.lookedAfterAll, { baseline: null, strategy: null }, 'the count left to inCare');
});

const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));
const childStates = ['edge_of_care', 'cin_cp', 'inhouse_foster', 'ifa_foster', 'residential', 'kinship_foster'];
const leaverStates = ['independent_eet', 'independent_neet', 'supported_lodgings', 'staying_put'];

t.test('property: a strategy that changes nothing reports the baseline, with and without a capacity limit', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ child: fc.boolean(), age: fc.integer({ min: 0, max: 3 }), pick: fc.nat() }), { minLength: 5, maxLength: 30 }),
      fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
      fc.integer({ min: 0, max: 1e9 }),
      (raw, places, seed) => {
        const people: ScenarioMember[] = raw.map((m) =>
          m.child
            ? { ageMonths: (10 + m.age) * 12 + 2, state: childStates[m.pick % childStates.length], weeklyPrice: null }
            : { ageMonths: (18 + m.age) * 12 + 2, state: leaverStates[m.pick % leaverStates.length], weeklyPrice: null },
        );
        const spec: ScenarioSpec = {
          id: 'nothing',
          version: '1.0.0',
          name: 'Nothing',
          model: { id: 'england-default' },
          cohort: {},
          firstYear: '2026-27',
          planningYears: 3,
          lifetimeYears: 3,
          strategy: { name: 'Nothing' },
          ...(places === null ? {} : { capacity: [{ state: 'inhouse_foster', places, overflowTo: 'ifa_foster' }] }),
        };
        const prepared = prepareScenario(spec, england, people, { baseKey: 'england', seed, runs: 3 });
        const models = prepared.variants.map((v) => modelFor(v.modelKey, v.modelSpec));
        const folder = new ScenarioFolder(prepared, models);
        const chunks = scenarioShards(prepared).map((shard) => simulateScenarioShard(prepared, shard, 0, 3, modelFor));
        const vectors = Float64Array.from(chunks[0].vectors);
        for (const chunk of chunks.slice(1)) for (let i = 0; i < vectors.length; i++) vectors[i] += chunk.vectors[i];
        folder.add({ runStart: 0, runEnd: 3, vectors, parameters: chunks[0].parameters });
        const years = folder.finish().projectedOutcomes ?? [];
        const zero = (b: PairedBands['difference']) => b === null || (b.mean === 0 && b.p10 === 0 && b.p50 === 0 && b.p90 === 0);
        return (
          years.length === 3 &&
          years.every((y) => {
            const s = y.threeOrMorePlacementsShare as PairedBands;
            const e = y.eetShareOfCareLeavers as PairedBands;
            return (
              JSON.stringify(s.strategy) === JSON.stringify(s.baseline) &&
              JSON.stringify(e.strategy) === JSON.stringify(e.baseline) &&
              zero(s.difference) &&
              zero(e.difference) &&
              (s.baseline === null) === ((y.lookedAfterAll?.baseline ?? 0) === 0) &&
              (e.baseline === null) === ((y.careLeavers19to21?.baseline ?? 0) === 0)
            );
          })
        );
      },
    ),
    { numRuns: 8 },
  );
  t.pass('equal bands, zero differences, null exactly where no one is counted');
});

t.test('a shard without the year outcomes block (an older engine) is refused, not folded misaligned', async (t) => {
  const prepared = prepareScenario(scenario(), model, members.slice(0, 4), { baseKey: 'stability', seed: 1, runs: 2 });
  const models = prepared.variants.map((v) => modelFor(`old:${v.modelKey}`, v.modelSpec));
  const layout = cohortLayout(models[0], prepared.request);
  const folder = new ScenarioFolder(prepared, models);
  const short = new Float64Array(2 * 2 * (layout.size - 4 * YEAR_OUTCOME_COUNT));
  t.throws(() => folder.add({ runStart: 0, runEnd: 2, vectors: short, parameters: new Float64Array(0) }), /made by a different engine version/);
});

/**
 * Care leavers aged 19-21 in education, employment or training as the DfE counts them (and the
 * measured scorecard, src/outcomes/measures.ts): in EET only in a state flagged `eet`; staying
 * put and homeless say nothing of the activity ("not known": in the denominator, not in EET); a
 * care leaver in custody is counted; a young adult in custody never looked after nor a care
 * leaver is not. Every state here is absorbing except `leaving` (a care leaver who goes to
 * custody in the first month), so each run's counts are fixed by hand.
 */
function dfeEetModel(): CostModelSpec {
  const leaver = (id: string, flags: Array<'eet' | 'neet' | 'homeless'> = []) => ({ id, label: id, category: 'care_leaver' as const, flags: ['care_leaver' as const, ...flags], terminal: true });
  return {
    id: 'dfe-eet-test',
    version: '1.0.0',
    name: 'DfE EET test',
    currency: 'GBP',
    priceBaseYear: '2025-26',
    discounting: { periods: [{ fromYear: 0, rate: 0.035 }], source: 'test' },
    transitionSources: [{ describes: 'hand-made for tests', source: 'test' }],
    sources: { test: { title: 'Test fixture', publisher: 'pathcast tests' } },
    horizonAgeYears: 25,
    ageBands: [{ id: 'all', fromYears: 0, toYears: 25 }],
    states: [
      leaver('eet', ['eet']),
      leaver('neet', ['neet']),
      leaver('homeless', ['homeless']),
      leaver('staying'),
      { id: 'leaving', label: 'leaving', category: 'care_leaver', flags: ['care_leaver'] },
      { id: 'custody', label: 'custody', category: 'custody', flags: ['custody'], terminal: true },
    ],
    transitions: {
      all: {
        eet: { eet: 1 },
        neet: { neet: 1 },
        homeless: { homeless: 1 },
        staying: { staying: 1 },
        leaving: { custody: 1 },
        custody: { custody: 1 },
      },
    },
    unitCosts: [{ id: 'fee', label: 'Fee', states: ['staying'], amount: 100, per: 'week', agency: 'childrens_social_care', source: 'test' }],
  };
}

t.test('care leavers 19-21 in EET, DfE definition, by hand: only eet is EET, staying put and homeless are not known, a care leaver in custody is counted (was 70/90)', async (t) => {
  const spec = dfeEetModel();
  // Aged 19 on 1 April 2026: 40 in EET, 20 NEET, 10 homeless, 20 staying put, 10 care leavers
  // going into custody in the first month, and 10 in custody from the start with no care history.
  const group = (state: string, n: number): ScenarioMember[] => Array.from({ length: n }, () => ({ ageMonths: 19 * 12, state, weeklyPrice: null }));
  const people = [...group('eet', 40), ...group('neet', 20), ...group('homeless', 10), ...group('staying', 20), ...group('leaving', 10), ...group('custody', 10)];
  const checked = validateScenario({ id: 'dfe-eet', version: '1.0.0', name: 'DfE EET', model: { id: 'dfe-eet-test' }, cohort: {}, firstYear: '2026-27', planningYears: 4, lifetimeYears: 4, strategy: { name: 'Nothing' } }, spec);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const { result } = fold(prepareScenario(checked.scenario, spec, people, { baseKey: 'dfe-eet', seed: 3, runs: 5 }), 'dfe-eet');
  const years = result.projectedOutcomes ?? [];
  t.same(
    years.map((y) => y.careLeavers19to21?.baseline),
    [100, 100, 100, 0],
    '31 March aged 19, 20, 21: the 90 in care-leaver states and the 10 care leavers in custody; not the 10 never looked after; none at 22',
  );
  // 40 of 100 in every run, so every band is 0.4 (the old reading: (40 + 10 + 20) / 90 = 0.778).
  for (const year of years.slice(0, 3)) t.same(year.eetShareOfCareLeavers?.baseline, { mean: 0.4, p10: 0.4, p50: 0.4, p90: 0.4 }, `${year.financialYear}: 40 / 100`);
});
