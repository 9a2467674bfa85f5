import t from 'tap';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { knownDistanceOf } from '../../src/services/pathway-projections.ts';
import { withKnownDistance } from '../../src/services/projections.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { expectedCost } from '../../src/simulation/oracle.ts';
import { personShareWithin20Miles, personShareWithin20MilesKnown } from '../../src/simulation/projected-outcomes.ts';
import { type EnginePlan, type ProjectionRequest, runProjectionInline } from '../../src/simulation/projection.ts';
import { fourStateModel } from '../helpers/small-models.ts';

/**
 * A young person's projected share within 20 miles uses the record's known distance for the
 * months they stay in today's placement, and the model's shares after a move: checked by hand.
 */

/** The four-state test model with distance shares: foster 10% over 20 miles, residential 50%. */
function withDistances(): CostModelSpec {
  const spec = fourStateModel();
  for (const s of spec.states) {
    if (s.id === 'foster') s.distanceOver20Miles = { share: 0.1, source: 'test' };
    if (s.id === 'resi') s.distanceOver20Miles = { share: 0.5, source: 'test' };
  }
  return spec;
}

const stay = (startState: number): EnginePlan => ({ startState, moves: [], interventions: [], statePrices: [], currentPlacementWeeklyPrice: null });

t.test('the known spell by hand: weight 0 (over 20 miles) or 1 (within) for its mass, the model’s share for the rest', async (t) => {
  const model = compileModel(withDistances());
  const foster = model.stateIds.indexOf('foster');
  // P(edge) 0.6, P(foster) 0.3, P(resi) 0.1; still in today's (foster, over 20 miles) placement 0.2.
  // Components (mass, weight): resi (0.1, 0.5), the spell (0.2, 0), later foster (0.1, 0.9).
  // Counted 0.4; within 0.05 + 0 + 0.09 = 0.14; R = 0.35.
  // Spread 0.1 × 0.15² + 0.2 × 0.35² + 0.1 × 0.55² = 0.00225 + 0.0245 + 0.03025 = 0.057; se = √(0.057/100)/0.4.
  const over = personShareWithin20MilesKnown(model, [0.6, 0.3, 0.1, 0], 0, 100, { state: foster, within20Miles: false, probability: 0.2 });
  t.ok(over !== null && Math.abs(over.mean - 0.35) < 1e-12, `mean ${over?.mean}`);
  t.ok(over !== null && Math.abs(over.se - Math.sqrt(0.057 / 100) / 0.4) < 1e-12, `se ${over?.se}`);
  // Within 20 miles and still there for certain (π = P(foster) = 0.3): (0.05 + 0.3) / 0.4 = 0.875.
  const within = personShareWithin20MilesKnown(model, [0.6, 0.3, 0.1, 0], 0, 100, { state: foster, within20Miles: true, probability: 0.3 });
  t.ok(within !== null && Math.abs(within.mean - 0.875) < 1e-12, `mean ${within?.mean}`);
  // π above P(foster) (Monte Carlo noise against the exact spell) is held to P(foster).
  t.same(personShareWithin20MilesKnown(model, [0.6, 0.3, 0.1, 0], 0, 100, { state: foster, within20Miles: true, probability: 0.31 }), within);
  // π = 0: the model's shares alone, as personShareWithin20Miles (0.8, se √0.00075).
  const none = personShareWithin20MilesKnown(model, [0.6, 0.3, 0.1, 0], 0, 100, { state: foster, within20Miles: false, probability: 0 });
  const plain = personShareWithin20Miles(model, [0.6, 0.3, 0.1, 0], 0, 100);
  t.ok(none !== null && plain !== null && Math.abs(none.mean - plain.mean) < 1e-12 && Math.abs(none.se - plain.se) < 1e-12, 'the same as without a known distance');
  t.equal(personShareWithin20MilesKnown(model, [1, 0, 0, 0], 0, 100, { state: foster, within20Miles: true, probability: 0 }), null, 'never looked after: no share');
});

t.test('the chance of still being in today’s placement is (stay × (1 − within-state move))^m', async (t) => {
  const model = compileModel(withDistances());
  const foster = model.stateIds.indexOf('foster');
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: 144, months: 48, plans: [stay(foster)], parameterUncertainty: false };
  const todays = expectedCost(model, request, 0, { trackTodaysPlacement: true }).todaysPlacementByMonth;
  // Foster, age under 16: stays 0.95 a month, of which 2% move to another foster placement.
  for (const m of [0, 1, 11, 23, 47]) t.ok(Math.abs(todays[m] - (0.95 * 0.98) ** m) < 1e-12, `month ${m}: ${todays[m]} = 0.931^${m}`);
  t.same(expectedCost(model, request, 0).todaysPlacementByMonth, new Array(48).fill(0), 'not tracked unless asked (no actual price)');
});

t.test('a projection starting in today’s placement: the known distance for the spell, the model after a move', async (t) => {
  const model = compileModel(withDistances());
  const foster = model.stateIds.indexOf('foster');
  const resi = model.stateIds.indexOf('resi');
  const runs = 2000;
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: 144, months: 48, plans: [stay(foster)], parameterUncertainty: false };
  const plan = runProjectionInline(model, request, runs, 20261201).plans[0];
  const over = withKnownDistance(model, request, 0, plan, runs, { state: foster, within20Miles: false });
  const within = withKnownDistance(model, request, 0, plan, runs, { state: foster, within20Miles: true });
  t.equal(over.length, 4);
  over.forEach((year, f) => {
    // 31 March of year f is month 12f + 11 from April; π = 0.931^(12f + 11).
    const spell = (0.95 * 0.98) ** (12 * f + 11);
    const pF = plan.endOfYearStates[f].states.foster;
    const pR = plan.endOfYearStates[f].states.resi;
    const spellHeld = Math.min(spell, pF);
    const byHandOver = ((pF - spellHeld) * 0.9 + pR * 0.5) / (pF + pR);
    const byHandWithin = ((pF - spellHeld) * 0.9 + spellHeld + pR * 0.5) / (pF + pR);
    t.ok(year.shareWithin20Miles !== null && Math.abs(year.shareWithin20Miles.mean - byHandOver) < 1e-12, `${year.financialYear} over 20 miles: ${year.shareWithin20Miles?.mean.toFixed(4)} = ${byHandOver.toFixed(4)}`);
    t.ok(Math.abs((within[f].shareWithin20Miles?.mean ?? Number.NaN) - byHandWithin) < 1e-12, `${year.financialYear} within: ${within[f].shareWithin20Miles?.mean.toFixed(4)}`);
    const modelOnly = plan.outcomesByYear[f].shareWithin20Miles?.mean ?? Number.NaN;
    t.ok(byHandOver < modelOnly && modelOnly < byHandWithin, `known over < model only (${modelOnly.toFixed(4)}) < known within`);
  });
  // The first March: 0.931^11 = 0.456 of the person still there, so the fact moves the share a lot.
  t.ok((within[0].shareWithin20Miles?.mean ?? 0) - (over[0].shareWithin20Miles?.mean ?? 1) > 0.4, 'the first year is mostly the known placement');
  // A plan starting elsewhere, or no distance on the record: unchanged.
  const elsewhere: ProjectionRequest = { ...request, plans: [stay(resi)] };
  const other = runProjectionInline(model, elsewhere, 200, 1).plans[0];
  t.same(withKnownDistance(model, elsewhere, 0, other, 200, { state: foster, within20Miles: false }), other.outcomesByYear);
  t.same(withKnownDistance(model, request, 0, plan, runs, undefined), plan.outcomesByYear);
});

t.test('the record’s distance: more than 20 miles is over, 20 or less within, only for today’s placement', async (t) => {
  t.same(knownDistanceOf({ careState: 'ifa_foster', placement: { type: 'ifa_foster', distanceFromHomeMiles: 20.5 } }), { state: 'ifa_foster', within20Miles: false });
  t.same(knownDistanceOf({ careState: 'ifa_foster', placement: { type: 'ifa_foster', distanceFromHomeMiles: 20 } }), { state: 'ifa_foster', within20Miles: true });
  t.equal(knownDistanceOf({ careState: 'ifa_foster', placement: { type: 'ifa_foster' } }), undefined, 'no distance recorded');
  t.equal(knownDistanceOf({ careState: 'residential', placement: { type: 'ifa_foster', distanceFromHomeMiles: 3 } }), undefined, 'the placement is not the current state');
  t.equal(knownDistanceOf({ careState: 'home', placement: null }), undefined);
});
