import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { validateScenario } from '../../src/catalog/validate-scenario.ts';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { betaPosteriorMean, DEFAULT_DISTANCE_PRIOR_WEIGHT, distanceBand } from '../../src/calibration/distance.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { prepareScenario, type ScenarioMember, scenarioShards, simulateScenarioShard } from '../../src/simulation/scenario.ts';
import { ScenarioFolder } from '../../src/simulation/scenario-fold.ts';
import { modelFor } from '../../src/simulation/worker.ts';

/**
 * Shares placed more than 20 miles from home calibrated from PL_DISTANCE
 * (test/fixtures/ssda903/distance: returns 2024 and 2025). Counted by hand, on 31 March 2024 and
 * 31 March 2025 (children 201-215, all born 2012-2013 unless said):
 *
 * - in-house (U4, PR1): 201-206 at 2.0, 4.5, 8.0, 12.0, 20.0 (exactly 20: within) and 3.0 miles,
 *   open both years: 12 placements, 0 over; 214 from 01/04/2024 at 1.0 (2025 only): 1, 0 over;
 *   215, born March 2007, at 30.0 miles: counted on 31 March 2024 (17), not 2025 (18 on
 *   15/03/2025): 1, 1 over. n = 14, k = 1.
 * - agency (U4, PR4): 207-210 at 22.0, 35.5, 20.1, 15.0, both years: 8, 6 over; 211 at 40.0
 *   ends 31/03/2025 (not looked after at the end of that day): 2024 only: 1, 1 over. n = 9, k = 7.
 * - residential (K2): 212 with no distance, both years: 2 not known, n = 0: the prior's share.
 * - 213: U4 with no provider at 3.0 miles, both years: in-house or agency is not known, so left
 *   out (2 reported as state not known).
 * By year: 2024 12 known (in-house 7, agency 5), 5 over (1 + 4); 2025 11 known (7 + 4), 3 over.
 */
const FIXTURES = path.join(import.meta.dirname, '../fixtures/ssda903/distance');
const england: CostModelSpec = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../models/england-default.json'), 'utf8'));
const uploads = () => readdirSync(FIXTURES).map((name) => ({ name, buffer: readFileSync(path.join(FIXTURES, name)) }));
const share = (model: CostModelSpec, id: string) => model.states.find((s) => s.id === id)?.distanceOver20Miles;

t.test('bands split at exactly 20 miles: 20.0 is within, 20.1 over', async (t) => {
  t.equal(distanceBand(0), 'under 5 miles');
  t.equal(distanceBand(4.9), 'under 5 miles');
  t.equal(distanceBand(5), '5 to 10 miles');
  t.equal(distanceBand(10), '10 to 20 miles');
  t.equal(distanceBand(20), '10 to 20 miles');
  t.equal(distanceBand(20.1), 'over 20 miles');
  t.equal(distanceBand(250), 'over 20 miles');
});

t.test('calibrated shares are the hand-computed Beta posterior means; a state with no distance keeps the prior', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'distance' });
  t.notOk(JSON.stringify(imported).includes('35.5'), 'no exact distance is stored, only its band');
  const { model, report } = calibrate(imported, { priorModel: england, authorityName: 'Nearshire' });
  const w = DEFAULT_DISTANCE_PRIOR_WEIGHT;
  t.equal(w, 20);
  const p0 = share(england, 'inhouse_foster')?.share as number;
  t.equal(p0, 0.038, 'the national in-house share (derived in the default model’s notes)');
  t.equal(share(england, 'ifa_foster')?.share, 0.321, 'the national agency share');

  t.equal(share(model, 'inhouse_foster')?.share, (1 + 20 * 0.038) / (14 + 20), 'in-house: (1 + 20 × 0.038)/(14 + 20) = 1.76/34');
  t.equal(share(model, 'ifa_foster')?.share, (7 + 20 * 0.321) / (9 + 20), 'agency: (7 + 20 × 0.321)/(9 + 20) = 13.42/29');
  t.ok(Math.abs((share(model, 'inhouse_foster')?.share as number) - 1.76 / 34) < 1e-12 && Math.abs((share(model, 'ifa_foster')?.share as number) - 13.42 / 29) < 1e-12, 'the decimals by hand');
  t.equal(share(model, 'inhouse_foster')?.source, 'ssda903_calibration');
  t.match(share(model, 'inhouse_foster')?.note, /14 children’s 31 March placements .* returns 2024-2025 \(1 more than 20 miles from home\), shrunk toward the prior share 0\.038 \(dfe_placement_location_2024, england-default .*\) with Beta prior weight 20/);
  t.ok(model.sources.ssda903_calibration, 'the source a calibrated share cites is in the model');
  t.match(model.sources.ssda903_calibration.note, /Shares placed more than 20 miles from home calibrated for 2 state\(s\) from 23 children’s/);

  // No distance known: the prior's share, source and note, unchanged.
  t.same(share(model, 'residential'), share(england, 'residential'), 'residential: only children with no distance');
  t.same(share(model, 'kinship_foster'), share(england, 'kinship_foster'), 'kinship: no child');

  const d = report.distances;
  t.ok(d);
  t.match(d, { priorWeight: 20, window: { fromYear: 2024, toYear: 2025 }, children: 23, over20Miles: 8, notKnown: 2, stateNotKnown: 2 });
  t.same(d?.byReturnYear, [
    { returnYear: 2024, children: 12, over20Miles: 5, notKnown: 1 },
    { returnYear: 2025, children: 11, over20Miles: 3, notKnown: 1 },
  ]);
  t.match(
    d?.states.find((s) => s.state === 'inhouse_foster'),
    { children: 14, over20Miles: 1, within20Miles: 13, notKnown: 0, empirical: 1 / 14, prior: 0.038, calibrated: true },
  );
  t.match(d?.states.find((s) => s.state === 'ifa_foster'), { children: 9, over20Miles: 7, within20Miles: 2, empirical: 7 / 9, prior: 0.321, calibrated: true });
  t.match(d?.states.find((s) => s.state === 'residential'), { children: 0, notKnown: 2, empirical: null, prior: 0.49, estimate: 0.49, calibrated: false });

  // A heavier weight leans further on the prior: the same formula with w = 100.
  const heavy = calibrate(imported, { priorModel: england, distancePriorWeight: 100 });
  t.equal(share(heavy.model, 'ifa_foster')?.share, (7 + 100 * 0.321) / (9 + 100));
  await t.rejects(async () => calibrate(imported, { priorModel: england, distancePriorWeight: 0 }), { status: 400, errors: [{ field: 'distancePriorWeight' }] });
});

t.test('returns without PL_DISTANCE: every share is the prior’s and the report says why', async (t) => {
  const hand = path.join(import.meta.dirname, '../fixtures/ssda903/hand');
  const imported = await importSsda903(
    readdirSync(hand).map((name) => ({ name, buffer: readFileSync(path.join(hand, name)) })),
    { pseudonymKey: 'k' },
  );
  const { model, report } = calibrate(imported, { priorModel: england });
  t.same(
    model.states.map((s) => s.distanceOver20Miles),
    england.states.map((s) => s.distanceOver20Miles),
  );
  t.match(report.distances, { children: 0, note: /No placement distance \(PL_DISTANCE\) is known/ });
  t.notMatch(model.sources.ssda903_calibration.note, /20 miles/);
});

t.test('property: the estimate lies between the prior and the observed proportion', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0.01, max: 1000, noNaN: true }),
      ([n, k], p0, w) => {
        const estimate = betaPosteriorMean(k, n, p0, w);
        const observed = k / n;
        const tolerance = 1e-12;
        return estimate >= Math.min(p0, observed) - tolerance && estimate <= Math.max(p0, observed) + tolerance;
      },
    ),
    { numRuns: 2000 },
  );
  t.equal(betaPosteriorMean(0, 0, 0.3, 20), 0.3, 'nothing observed: the prior');
  t.pass('held for 2,000 draws');
});

/** The shipped in-house foster recruitment scenario on a model, small runs (as test/simulation/scenario-projected-outcomes.test.ts). */
function runRecruitment(model: CostModelSpec, members: ScenarioMember[], runs: number) {
  const recruitment = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../scenarios/inhouse-foster-recruitment.json'), 'utf8'));
  const checked = validateScenario({ ...recruitment, model: { id: model.id }, lifetimeYears: 5, runs }, model);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const prepared = prepareScenario(checked.scenario, model, members, { baseKey: `distance-${model.id}`, seed: 24, runs });
  const models = prepared.variants.map((v) => modelFor(`${v.modelKey}-distance`, v.modelSpec));
  const folder = new ScenarioFolder(prepared, models);
  const chunks = scenarioShards(prepared).map((shard) => simulateScenarioShard(prepared, shard, 0, runs, (key, spec) => modelFor(`${key}-distance`, spec)));
  const vectors = Float64Array.from(chunks[0].vectors);
  for (const chunk of chunks.slice(1)) for (let i = 0; i < vectors.length; i++) vectors[i] += chunk.vectors[i];
  folder.add({ runStart: 0, runEnd: runs, vectors, parameters: chunks[0].parameters });
  return folder.finish();
}

t.test('with the calibrated model, in-house recruitment raises the projected share within 20 miles; with the default it cannot', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'distance' });
  const { model } = calibrate(imported, { priorModel: england, authorityName: 'Nearshire' });
  // In-house care full (90 children for 78 places), so moves into it overflow to agencies until
  // the strategy's extra places open.
  const members: ScenarioMember[] = Array.from({ length: 240 }, (_, k) => ({ ageMonths: (6 + (k % 8)) * 12, state: ['inhouse_foster', 'ifa_foster', 'edge_of_care'][k % 3], weeklyPrice: null }));
  const runs = 20;
  const calibrated = runRecruitment(model, members, runs).projectedOutcomes ?? [];
  t.equal(calibrated.length, 5);
  const last = calibrated[4].shareWithin20Miles;
  t.ok(
    last.difference !== null && last.difference.mean > 0 && last.difference.p10 >= 0,
    `calibrated, 2030-31: strategy ${last.strategy?.mean.toFixed(4)} − baseline ${last.baseline?.mean.toFixed(4)} = ${last.difference?.mean.toFixed(4)} (P10 ${last.difference?.p10.toFixed(4)})`,
  );
  t.ok(last.strategy !== null && last.baseline !== null && last.strategy.mean > last.baseline.mean, 'the strategy’s mean above the baseline’s');

  // The default model's equal foster shares: the strategy moves no child nearer home (the
  // difference only from other states the runs reach, which is not an in-house effect).
  const national = runRecruitment(england, members, runs).projectedOutcomes ?? [];
  const before = national[4].shareWithin20Miles.difference?.mean as number;
  t.ok(last.difference !== null && last.difference.mean > before, `the calibrated difference ${last.difference?.mean.toFixed(4)} exceeds the default model’s ${before.toFixed(4)}`);
});
