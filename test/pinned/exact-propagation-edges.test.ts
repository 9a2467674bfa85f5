import t from 'tap';
import { propagateExact } from '../../src/catalog/exact-propagation.ts';
import type { ResolvedModel } from '../../src/catalog/resolved-model.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';
import { tinyModel } from '../catalog/tiny-model.ts';

/**
 * Survivors of `npm run mutate -- --mutate 'src/catalog/exact-propagation.ts'` (30 November
 * 2026, 87.20%): the argument checks. Written after that run; not yet re-measured.
 */

const result = validateModel(tinyModel());
if (!result.ok) throw new Error(JSON.stringify(result.errors));
const tiny: ResolvedModel = result.model;
const horizon = tiny.horizonAgeMonths;

t.test('ages outside 0 <= start < end <= horizon are refused, naming the three', async (t) => {
  t.throws(() => propagateExact(tiny, { start: 'home', startAgeMonths: -1, endAgeMonths: 3 }), new RangeError(`ages must satisfy 0 <= start (-1) < end (3) <= horizon (${horizon})`));
  t.throws(() => propagateExact(tiny, { start: 'home', startAgeMonths: 0, endAgeMonths: horizon + 1 }), RangeError);
  t.throws(() => propagateExact(tiny, { start: 'home', startAgeMonths: 2, endAgeMonths: 2 }), RangeError);
  t.equal(propagateExact(tiny, { start: 'home', startAgeMonths: 0, endAgeMonths: horizon }).unmarked.length, horizon, 'end at the horizon is allowed');
});

t.test('a start state index outside 0..n−1 is refused, naming it', async (t) => {
  t.throws(() => propagateExact(tiny, { start: -1, startAgeMonths: 0, endAgeMonths: 2 }), new RangeError('unknown start state -1'));
  t.throws(() => propagateExact(tiny, { start: tiny.nStates, startAgeMonths: 0, endAgeMonths: 2 }), new RangeError(`unknown start state ${tiny.nStates}`));
  t.throws(() => propagateExact(tiny, { start: 'nowhere', startAgeMonths: 0, endAgeMonths: 2 }), new RangeError('unknown start state nowhere'));
  t.equal(propagateExact(tiny, { start: tiny.nStates - 1, startAgeMonths: 0, endAgeMonths: 2 }).unmarked[0][tiny.nStates - 1], 1);
});
