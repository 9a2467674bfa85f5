import fc from 'fast-check';
import t from 'tap';
import { canonicalJson, modelContentHash } from '../../src/catalog/canonical-json.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';
import { meanOf as distributionMean } from '../../src/simulation/distributions.ts';
import type { ResolvedModel } from '../../src/catalog/resolved-model.ts';
import { tinyModel } from './tiny-model.ts';

function resolve(spec: unknown): ResolvedModel {
  const result = validateModel(spec);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.model;
}

t.test('states are numbered in spec order and categories expanded', async (t) => {
  const model = resolve(tinyModel());
  t.equal(model.nStates, 4);
  t.same(model.stateIndex, { home: 0, care: 1, leaver: 2, adult: 3 });
  t.same(
    model.states.map((s) => [s.id, s.minAgeYears, s.maxAgeYears, s.placement, s.terminal, s.withinStatePlacementMoves]),
    [
      ['home', 0, 2, false, false, 0],
      ['care', 0, 2, true, false, 0.01],
      ['leaver', 2, Number.POSITIVE_INFINITY, false, false, 0],
      ['adult', 2, Number.POSITIVE_INFINITY, false, false, 0],
    ],
  );
  t.same(model.categories.looked_after, [1]);
  t.same(model.categories.custody, []);
  t.same(model.states[1].flags, ['in_care']);
});

t.test('bands are sorted, with dense row-major matrices and 0 rows for absent states', async (t) => {
  const spec = tinyModel();
  spec.ageBands.reverse();
  const model = resolve(spec);
  t.same(
    model.bands.map((b) => [b.id, b.fromMonths, b.toMonths]),
    [
      ['young', 0, 24],
      ['old', 24, 48],
    ],
  );
  const young = model.bands[0];
  // Rows: home (0.9, 0.1, 0, 0), care (0.2, 0.8, 0, 0), leaver and adult absent (all 0).
  t.same([...young.transitions], [0.9, 0.1, 0, 0, 0.2, 0.8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  t.same([...young.present], [1, 1, 0, 0]);
  t.same([...model.bands[1].transitions.subarray(8, 16)], [0, 0, 0.95, 0.05, 0, 0, 0.01, 0.99]);
  t.equal(model.bandOfAgeMonth.length, 48);
  t.equal(model.bandOfAgeMonth[23], 0);
  t.equal(model.bandOfAgeMonth[24], 1);
});

t.test('age transitions carry indices and a destination row', async (t) => {
  const model = resolve(tinyModel());
  t.same(
    model.ageTransitions.map((a) => ({ at: a.atAgeMonths, from: a.from, to: [...a.to] })),
    [
      { at: 24, from: [1], to: [0, 0, 1, 0] },
      { at: 24, from: [0], to: [0, 0, 0, 1] },
    ],
  );
});

t.test('costs, events, interventions and factors: selectors expanded, defaults filled', async (t) => {
  const model = resolve(tinyModel());
  const [placement, adviser] = model.unitCosts;
  t.same(placement.states, [1]);
  t.same(placement.amount, { type: 'pert', min: 80, mode: 100, max: 150, lambda: 4 });
  t.equal(placement.toMonthly, 365 / 84);
  t.equal(placement.cashable, true);
  t.equal(placement.placementFee, false);
  t.equal(placement.minAgeMonths, 0);
  t.equal(placement.maxAgeMonths, Number.POSITIVE_INFINITY);
  t.same(adviser.amount, { type: 'fixed', value: 120 });
  t.equal(adviser.toMonthly, 1);
  t.equal(adviser.cashable, false);
  t.same([adviser.minAgeMonths, adviser.maxAgeMonths], [24, 36]);
  t.same(model.eventCosts[0].from, [1]);
  t.equal(model.eventCosts[0].includeWithinStateMoves, true);
  const help = model.interventions[0];
  t.same(help.eligibleStates, [0]);
  t.same([help.minAgeMonths, help.maxAgeMonths, help.durationMonths, help.effectDurationMonths], [0, 24, 6, 6]);
  t.equal(help.oneOff, undefined);
  t.same(help.effects[0], { from: [0], to: [1], multiplier: { type: 'triangular', min: 0.5, mode: 0.7, max: 1 } });
  t.same(model.rateFactors[0].to, [1]);
});

t.test('row concentrations default to the model value, with overrides', async (t) => {
  const model = resolve(tinyModel());
  t.same([...(model.rateUncertainty?.rowConcentration[0] ?? [])], [100, 40, 100, 100]);
  t.same([...(model.rateUncertainty?.rowConcentration[1] ?? [])], [100, 100, 100, 100]);
  const none = tinyModel();
  delete none.rateUncertainty;
  t.equal(resolve(none).rateUncertainty, undefined);
});

t.test('the content hash ignores key order and $schema, and sees any change of figure', async (t) => {
  const spec = tinyModel();
  const hash = resolve(spec).hash;
  t.match(hash, /^[0-9a-f]{64}$/);
  const reordered = Object.fromEntries(Object.entries(tinyModel()).reverse());
  reordered.$schema = './model.schema.json';
  t.equal(resolve(reordered).hash, hash);
  const changed = tinyModel();
  changed.unitCosts[0].amount.mode = 101;
  t.not(resolve(changed).hash, hash);
});

t.test('canonical JSON sorts keys at every depth and keeps array order', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: [3, 1], c: null }, e: undefined }), '{"a":{"c":null,"d":[3,1]},"b":1}');
  t.equal(modelContentHash({ $schema: 'x', a: 1 }), modelContentHash({ a: 1 }));
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
      const reversed = Object.fromEntries(Object.entries(value).reverse());
      return canonicalJson(value) === canonicalJson(reversed);
    }),
  );
});

t.test('distribution means (PERT with lambda 4: (min + 4 mode + max) / 6)', async (t) => {
  t.equal(distributionMean({ type: 'pert', min: 80, mode: 100, max: 150, lambda: 4 }), (80 + 400 + 150) / 6);
  t.equal(distributionMean({ type: 'triangular', min: 0, mode: 3, max: 6 }), 3);
  t.equal(distributionMean({ type: 'uniform', min: 2, max: 4 }), 3);
  t.equal(distributionMean({ type: 'lognormal', mean: 1, sd: 0.2 }), 1);
  t.equal(distributionMean({ type: 'fixed', value: 7 }), 7);
});
