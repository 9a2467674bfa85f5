import { readFileSync } from 'node:fs';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { validateScenario } from '../../src/catalog/validate-scenario.ts';
import { protectRunResult } from '../../src/services/disclosure-view.ts';
import { type ScenarioMember, prepareScenario, scenarioShards, simulateScenarioShard } from '../../src/simulation/scenario.ts';
import { ScenarioFolder } from '../../src/simulation/scenario-fold.ts';
import { modelFor } from '../../src/simulation/worker.ts';

/**
 * The share placed within 20 miles in a scenario run: each run's expectation from its children
 * by state, P10-P90 over runs; in-house foster recruitment raises it when in-house carers live
 * nearer than agency ones; roles without individual access see it only for 10 or more children.
 */

const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));

/**
 * The default model with agency foster care farther away than in-house care (30% against 8%
 * over 20 miles: round figures for this test, near the shipped 32.1% and 3.8%, so the pinned
 * means below do not move with the model's figures).
 */
function distinctFoster(): CostModelSpec {
  const spec = structuredClone(england);
  for (const s of spec.states) {
    if (s.id === 'inhouse_foster' && s.distanceOver20Miles) s.distanceOver20Miles.share = 0.08;
    if (s.id === 'ifa_foster' && s.distanceOver20Miles) s.distanceOver20Miles.share = 0.3;
  }
  return spec;
}

const recruitment = JSON.parse(readFileSync(new URL('../../scenarios/inhouse-foster-recruitment.json', import.meta.url), 'utf8'));

function run(model: CostModelSpec, members: ScenarioMember[], runs: number) {
  const checked = validateScenario({ ...recruitment, lifetimeYears: 5, runs }, model);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const prepared = prepareScenario(checked.scenario, model, members, { baseKey: 'test', seed: 17, runs });
  const models = prepared.variants.map((v) => modelFor(`${v.modelKey}-distance`, v.modelSpec));
  const folder = new ScenarioFolder(prepared, models);
  const chunks = scenarioShards(prepared).map((shard) => simulateScenarioShard(prepared, shard, 0, runs, (key, spec) => modelFor(`${key}-distance`, spec)));
  const vectors = Float64Array.from(chunks[0].vectors);
  for (const chunk of chunks.slice(1)) for (let i = 0; i < vectors.length; i++) vectors[i] += chunk.vectors[i];
  folder.add({ runStart: 0, runEnd: runs, vectors, parameters: chunks[0].parameters });
  return { folder, result: folder.finish(), models };
}

// In-house care full (90 children for 78 places), so moves into it overflow to agencies until the
// strategy's extra places open.
const members: ScenarioMember[] = Array.from({ length: 240 }, (_, k) => ({ ageMonths: (6 + (k % 8)) * 12, state: ['inhouse_foster', 'ifa_foster', 'edge_of_care'][k % 3], weeklyPrice: null }));

t.test('in-house recruitment raises the share placed within 20 miles; each run’s share is its children’s expectation', async (t) => {
  const runs = 30;
  const model = distinctFoster();
  const { folder, result, models } = run(model, members, runs);
  const years = result.projectedOutcomes ?? [];
  t.equal(years.length, 5, 'one row per planning year');
  // The band's mean by hand from the folded counts (run × variant × year × state): each run's
  // Σ n_s (1 − q_s) / Σ n_s over in-care states with a share, with the spec's shares.
  const counts = (folder as unknown as { counts: Float64Array }).counts;
  const nS = model.states.length;
  const far = model.states.map((s) => ((s.flags ?? []).includes('in_care') ? (s.distanceOver20Miles?.share ?? null) : null));
  for (const [y, year] of years.entries()) {
    for (const [variant, name] of [
      [0, 'baseline'],
      [1, 'strategy'],
    ] as const) {
      let sum = 0;
      for (let r = 0; r < runs; r++) {
        let counted = 0;
        let within = 0;
        for (let s = 0; s < nS; s++) {
          const q = far[s];
          if (q === null) continue;
          const n = counts[((r * 2 + variant) * 5 + y) * nS + s];
          counted += n;
          within += n * (1 - q);
        }
        sum += within / counted;
      }
      const band = year.shareWithin20Miles[name];
      t.ok(band !== null && Math.abs(band.mean - sum / runs) < 1e-12, `${year.financialYear} ${name}: mean ${band?.mean.toFixed(4)}`);
      t.ok(band !== null && band.p10 <= band.p50 && band.p50 <= band.p90, 'ordered');
    }
  }
  const last = years[4].shareWithin20Miles;
  t.ok(last.difference !== null && last.difference.mean > 0 && last.difference.p10 >= 0, `2030-31: strategy − baseline ${last.difference?.mean.toFixed(4)} (P10 ${last.difference?.p10.toFixed(4)})`);
  t.ok(models[0].over20MilesShare.length === nS, 'the compiled model carries the shares');

  // The board's view: shares of 10 or more children looked after shown, the counts left to inCare.
  const shown = protectRunResult(result, model);
  t.ok(years[4].lookedAfter.baseline !== null && (years[4].lookedAfter.baseline as number) >= 10, 'a cohort of more than 10 looked after');
  t.same(shown.projectedOutcomes?.[4].shareWithin20Miles, years[4].shareWithin20Miles, 'shown as it is');
  t.same(shown.projectedOutcomes?.[4].lookedAfter, { baseline: null, strategy: null });
});

t.test('fewer than 10 children looked after: the share is withheld from roles without individual access', async (t) => {
  const scenarioNoEntrants = { ...recruitment, entrants: [], strategy: { ...recruitment.strategy, investment: recruitment.strategy.investment.slice(0, 2) } };
  const checked = validateScenario({ ...scenarioNoEntrants, lifetimeYears: 2, planningYears: 2, runs: 10 }, england);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const few: ScenarioMember[] = Array.from({ length: 4 }, (_, k) => ({ ageMonths: 120 + k, state: 'ifa_foster', weeklyPrice: null }));
  const prepared = prepareScenario(checked.scenario, england, few, { baseKey: 'england', seed: 3, runs: 10 });
  const models = prepared.variants.map((v) => modelFor(v.modelKey, v.modelSpec));
  const folder = new ScenarioFolder(prepared, models);
  const chunks = scenarioShards(prepared).map((shard) => simulateScenarioShard(prepared, shard, 0, 10, modelFor));
  folder.add({ runStart: 0, runEnd: 10, vectors: chunks[0].vectors, parameters: chunks[0].parameters });
  const result = folder.finish();
  const year = result.projectedOutcomes?.[0];
  t.ok(year && year.shareWithin20Miles.baseline !== null, 'computed for the full view');
  t.ok(year && (year.lookedAfter.baseline as number) < 10, `about 4 looked after (${year?.lookedAfter.baseline})`);
  t.same(protectRunResult(result, england).projectedOutcomes?.[0].shareWithin20Miles, { baseline: null, strategy: null, difference: null });
});

t.test('on the default model as shipped, the in-house recruitment scenario raises the expected share within 20 miles', async (t) => {
  // Model 1.4.0: in-house foster care 3.8% over 20 miles, agency 32.1% (derived from the DfE
  // 2015 rows, see the model's notes). Same members as above; 20 runs, 5 years.
  const inhouse = england.states.find((s) => s.id === 'inhouse_foster')?.distanceOver20Miles?.share;
  const agency = england.states.find((s) => s.id === 'ifa_foster')?.distanceOver20Miles?.share;
  t.equal(inhouse, 0.038, 'in-house share as shipped');
  t.equal(agency, 0.321, 'agency share as shipped');
  const runs = 20;
  const { result } = run(england, members, runs);
  const years = result.projectedOutcomes ?? [];
  t.equal(years.length, 5);
  for (const year of years.slice(1)) {
    const d = year.shareWithin20Miles.difference;
    t.ok(d !== null && d.mean > 0, `${year.financialYear}: strategy − baseline ${d?.mean.toFixed(4)} > 0`);
  }
  const last = years[4].shareWithin20Miles.difference;
  t.ok(last !== null && last.p10 >= 0 && last.p90 > 0, `${years[4].financialYear}: the difference's P10-P90 interval ${last?.p10.toFixed(4)} to ${last?.p90.toFixed(4)} is not below 0`);
});
