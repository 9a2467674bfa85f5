import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { expectedMonthsIn, occupancyAt, probabilityMarkedAt, propagateExact } from '../../src/catalog/exact-propagation.ts';
import type { ResolvedModel } from '../../src/catalog/resolved-model.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';
import { tinyModel } from './tiny-model.ts';

function resolve(spec: unknown): ResolvedModel {
  const result = validateModel(spec);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.model;
}

const tiny = resolve(tinyModel());
const HOME = 0;
const CARE = 1;
const LEAVER = 2;
const ADULT = 3;

t.test('two months from home, by hand', async (t) => {
  const path = propagateExact(tiny, { start: 'home', startAgeMonths: 0, endAgeMonths: 3, marked: [CARE] });
  // Month 1: home 0.9, care 0.1. Month 2: home 0.9·0.9 + 0.1·0.2 = 0.83, care 0.9·0.1 + 0.1·0.8 = 0.17.
  t.same([...occupancyAt(path, 1)], [0.9, 0.1, 0, 0]);
  const month2 = occupancyAt(path, 2);
  t.ok(Math.abs(month2[HOME] - 0.83) < 1e-15 && Math.abs(month2[CARE] - 0.17) < 1e-15, [...month2].join());
  // Ever in care by month 2 = 1 - P(home both months) = 1 - 0.81 = 0.19.
  t.ok(Math.abs(probabilityMarkedAt(path, 2) - 0.19) < 1e-15);
  // Of those at home in month 2, 0.02 came back from care: the marked copy holds them.
  t.ok(Math.abs(path.marked[2][HOME] - 0.02) < 1e-15);
  t.ok(Math.abs(path.unmarked[2][HOME] - 0.81) < 1e-15);
  // Expected months in care over months 0, 1, 2: 0 + 0.1 + 0.17.
  t.ok(Math.abs(expectedMonthsIn(path, [CARE]) - 0.27) < 1e-15);
});

t.test('the birthday row replaces the monthly row in the step into the birthday month', async (t) => {
  const path = propagateExact(tiny, { start: 'care', startAgeMonths: 23, endAgeMonths: 26 });
  // Age 23 → 24 is the second birthday: care goes to leaver with probability 1, whatever the monthly row says.
  t.same([...occupancyAt(path, 1)], [0, 0, 1, 0]);
  // Then the old band: leaver 0.95 stays, 0.05 to adult.
  t.same([...occupancyAt(path, 2)], [0, 0, 0.95, 0.05]);
  const fromHome = propagateExact(tiny, { start: 'home', startAgeMonths: 22, endAgeMonths: 25 });
  // Age 22 → 23 (monthly): home 0.9, care 0.1; 23 → 24 (birthday): home → adult, care → leaver.
  const atBirthday = occupancyAt(fromHome, 2);
  t.ok(Math.abs(atBirthday[LEAVER] - 0.1) < 1e-15 && Math.abs(atBirthday[ADULT] - 0.9) < 1e-15, [...atBirthday].join());
});

t.test('a start distribution, and starting in a marked state', async (t) => {
  const path = propagateExact(tiny, { start: Float64Array.from([0.5, 0.5, 0, 0]), startAgeMonths: 0, endAgeMonths: 2, marked: [CARE] });
  t.equal(probabilityMarkedAt(path, 0), 0.5);
  t.ok(Math.abs(probabilityMarkedAt(path, 1) - (0.5 + 0.5 * 0.1)) < 1e-15);
  t.throws(() => propagateExact(tiny, { start: 'nowhere', startAgeMonths: 0 }), RangeError);
  t.throws(() => propagateExact(tiny, { start: 'home', startAgeMonths: 48 }), RangeError);
});

const england = resolve(JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../models/england-default.json'), 'utf8')));

t.test('property: probability mass is conserved and "ever" never decreases (England default model)', async () => {
  const inCare = england.states.filter((s) => s.flags.includes('in_care')).map((s) => s.index);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: england.nStates - 1 }), fc.integer({ min: 0, max: england.horizonAgeMonths - 2 }), (state, age) => {
      const s = england.states[state];
      const years = Math.floor(age / 12);
      fc.pre(s.minAgeYears <= years && years < s.maxAgeYears);
      const path = propagateExact(england, { start: state, startAgeMonths: age, marked: inCare });
      let previous = 0;
      for (let m = 0; m < path.unmarked.length; m++) {
        const total = occupancyAt(path, m).reduce((a, b) => a + b, 0);
        if (Math.abs(total - 1) > 1e-9) return false;
        const ever = probabilityMarkedAt(path, m);
        if (ever < previous - 1e-15) return false;
        previous = ever;
      }
      return true;
    }),
    { numRuns: 60 },
  );
});
