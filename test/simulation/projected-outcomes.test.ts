import { readFileSync } from 'node:fs';
import t from 'tap';
import { occupancyAt, propagateExact } from '../../src/catalog/exact-propagation.ts';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';
import { compileModel } from '../../src/simulation/model.ts';
import { type EnginePlan, type ProjectionRequest, runProjectionInline } from '../../src/simulation/projection.ts';
import { personEetShare, personShareWithin20Miles, personSubsetShare, tallyDistance, tallyEet } from '../../src/simulation/projected-outcomes.ts';
import { fourStateModel } from '../helpers/small-models.ts';
import { exactThreeOrMoreShares } from '../helpers/stability-chain.ts';

/**
 * Projected share placed within 20 miles: read off simulated states, checked against the exact
 * state-occupancy propagation (the oracle) and against hand calculations.
 */

/** The four-state test model with distance shares: foster 10% over 20 miles, residential 50%. */
function withDistances(foster = 0.1, resi = 0.5): CostModelSpec {
  const spec = fourStateModel();
  for (const s of spec.states) {
    if (s.id === 'foster') s.distanceOver20Miles = { share: foster, source: 'test' };
    if (s.id === 'resi') s.distanceOver20Miles = { share: resi, source: 'test' };
  }
  return spec;
}

const stay = (startState: number, extra: Partial<EnginePlan> = {}): EnginePlan => ({ startState, moves: [], interventions: [], statePrices: [], currentPlacementWeeklyPrice: null, ...extra });

t.test('tallies by hand: 3 in foster (10% far), 1 in residential (50% far), 2 edge of care', async (t) => {
  const model = compileModel(withDistances());
  // Counted: 3 + 1 = 4 looked after. Within 20 miles: 3 × 0.9 + 1 × 0.5 = 3.2; share 0.8.
  const tally = tallyDistance(model, [2, 3, 1, 0]);
  t.equal(tally.counted, 4);
  t.ok(Math.abs(tally.within - 3.2) < 1e-12, `within ${tally.within}`);
  // One person: P(foster) 0.3, P(resi) 0.1. R = (0.27 + 0.05) / 0.4 = 0.8; variance over 100 runs
  // = (0.3 × (0.9 − 0.8)² + 0.1 × (0.5 − 0.8)²) / (100 × 0.4²) = 0.012 / 16 = 0.00075.
  const share = personShareWithin20Miles(model, [0.6, 0.3, 0.1, 0], 0, 100);
  t.ok(share !== null && Math.abs(share.mean - 0.8) < 1e-12, `share ${share?.mean}`);
  t.ok(share !== null && Math.abs(share.se - Math.sqrt(0.00075)) < 1e-12, `se ${share?.se}`);
  t.equal(personShareWithin20Miles(model, [1, 0, 0, 0], 0, 100), null, 'never looked after: no share');
  t.equal(personShareWithin20Miles(compileModel(fourStateModel()), [0, 1, 0, 0], 0, 100), null, 'a model without shares: none');
});

t.test('the projected share within 20 miles meets the exact oracle within 4 standard errors', async (t) => {
  const spec = withDistances();
  const validated = validateModel(spec);
  if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
  const model = compileModel(spec);
  const start = 144;
  const months = 60;
  const runs = 4000;
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: start, months, plans: [stay(model.stateIds.indexOf('edge'))], parameterUncertainty: false };
  const result = runProjectionInline(model, request, runs, 20261130);
  const path = propagateExact(validated.model, { start: 'edge', startAgeMonths: start, endAgeMonths: start + months });
  const years = result.plans[0].outcomesByYear;
  t.equal(years.length, 5, 'five financial years from April 2026');
  const foster = model.stateIds.indexOf('foster');
  const resi = model.stateIds.indexOf('resi');
  years.forEach((year, f) => {
    // 31 March of year f is month 12f + 11 from an April start.
    const p = occupancyAt(path, 12 * f + 11);
    const inCare = p[foster] + p[resi];
    const exact = (p[foster] * 0.9 + p[resi] * 0.5) / inCare;
    const share = year.shareWithin20Miles;
    if (share === null) throw new Error('no share');
    t.ok(share.se > 0 && share.se < 0.02, `${year.financialYear}: se ${share.se.toFixed(4)}`);
    t.ok(Math.abs(share.mean - exact) < 4 * share.se, `${year.financialYear}: ${share.mean.toFixed(4)} vs exact ${exact.toFixed(4)} (4 se = ${(4 * share.se).toFixed(4)})`);
    const seInCare = Math.sqrt((inCare * (1 - inCare)) / runs);
    t.ok(Math.abs(year.probabilityInCare - inCare) < 4 * seInCare, `${year.financialYear}: P(in care) ${year.probabilityInCare.toFixed(4)} vs exact ${inCare.toFixed(4)}`);
  });
});

t.test('in-house foster recruitment (agency foster → in-house) raises the share placed locally', async (t) => {
  // Two foster states: in-house 8% over 20 miles, agency 30%. The same child, paired runs:
  // staying in agency foster care, or stepping to an in-house carer in month 1.
  const spec = withDistances(0.3, 0.5);
  spec.states.splice(2, 0, { id: 'inhouse', label: 'In-house foster', category: 'looked_after', flags: ['in_care'], placement: true, distanceOver20Miles: { share: 0.08, source: 'test' } });
  for (const band of Object.values(spec.transitions)) {
    band.inhouse = { ...band.foster };
    band.inhouse.inhouse = band.inhouse.foster;
    delete band.inhouse.foster;
  }
  spec.transitions.child.edge.edge -= 0.01;
  spec.transitions.child.edge.inhouse = 0.01;
  const validated = validateModel(spec);
  if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
  const model = compileModel(spec);
  const agency = model.stateIds.indexOf('foster');
  const inhouse = model.stateIds.indexOf('inhouse');
  const request: ProjectionRequest = {
    clock: { startYear: 2026, startMonth: 4 },
    ageMonths: 120,
    months: 24,
    plans: [stay(agency), stay(agency, { moves: [{ month: 1, to: inhouse, fromStates: [agency] }] })],
    parameterUncertainty: false,
  };
  const result = runProjectionInline(model, request, 4000, 7);
  const [asNow, recruited] = result.plans.map((p) => p.outcomesByYear[0].shareWithin20Miles);
  if (asNow === null || recruited === null) throw new Error('no share');
  // The exact shares at 31 March 2027 (month 11): as now, propagated from agency foster care; with
  // recruitment, whoever is still in agency care in month 1 moved to in-house, then propagated.
  const exactShare = (p: Float64Array) => {
    const far = [0, 0.3, 0.08, 0.5, 0];
    let counted = 0;
    let within = 0;
    for (const s of [agency, inhouse, model.stateIds.indexOf('resi')]) {
      counted += p[s];
      within += p[s] * (1 - far[s]);
    }
    return within / counted;
  };
  const stayed = propagateExact(validated.model, { start: agency, startAgeMonths: 120, endAgeMonths: 132 });
  const monthOne = occupancyAt(stayed, 1);
  monthOne[inhouse] += monthOne[agency];
  monthOne[agency] = 0;
  const moved = propagateExact(validated.model, { start: monthOne, startAgeMonths: 121, endAgeMonths: 132 });
  const exactAsNow = exactShare(occupancyAt(stayed, 11));
  const exactRecruited = exactShare(occupancyAt(moved, 10));
  t.ok(exactRecruited > exactAsNow + 0.15, `exact: ${exactAsNow.toFixed(3)} as now, ${exactRecruited.toFixed(3)} with in-house carers`);
  t.ok(Math.abs(asNow.mean - exactAsNow) < 4 * asNow.se, `as now: ${asNow.mean.toFixed(3)} ± ${asNow.se.toFixed(3)}`);
  t.ok(Math.abs(recruited.mean - exactRecruited) < 4 * recruited.se, `recruited: ${recruited.mean.toFixed(3)} ± ${recruited.se.toFixed(3)}`);
  t.ok(recruited.mean > asNow.mean, 'the projection shows the rise');
  t.ok(Math.abs(result.plans[0].outcomesByYear[0].probabilityInCare - result.plans[1].outcomesByYear[0].probabilityInCare) < 1e-12, 'the same chance of being looked after: the runs are paired');
});

t.test('care leavers in education, employment or training at 19-21: by hand, and against the oracle on the default model', async (t) => {
  const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));
  const validated = validateModel(england);
  if (!validated.ok) throw new Error('the default model must validate');
  const model = compileModel(england);
  // By hand, DfE care leavers aged 19-21 (the states flagged eet count as EET: in the default
  // model the care leavers housed other than homeless, its NEET being independent_neet; homeless
  // and custody are in the denominator only): P(independent_eet) 0.3, P(independent_neet) 0.2,
  // P(staying_put) 0.1, P(homeless) 0.05, P(adult_custody) 0.05.
  // A person who starts looked after or a care leaver: custody counts, share = 0.4 / 0.7 = 4/7;
  // variance over 100 runs = (0.4 × (3/7)² + 0.3 × (4/7)²) / (100 × 0.7²). Otherwise custody is
  // left out: 0.4 / 0.65. (The old reading, a care leaver not flagged neet: (0.3 + 0.1 + 0.05) / 0.65.)
  const p = new Float64Array(model.nStates);
  p[model.stateIds.indexOf('independent_eet')] = 0.3;
  p[model.stateIds.indexOf('independent_neet')] = 0.2;
  p[model.stateIds.indexOf('staying_put')] = 0.1;
  p[model.stateIds.indexOf('homeless')] = 0.05;
  p[model.stateIds.indexOf('adult_custody')] = 0.05;
  t.same(
    model.stateIds.filter((_, s) => model.flags.eet[s]),
    ['staying_put', 'supported_lodgings', 'independent_eet'],
    'the default model flags the care leavers housed other than homeless as EET',
  );
  const hand = personEetShare(model, p, 0, 100, true);
  t.ok(hand !== null && Math.abs(hand.mean - 4 / 7) < 1e-12, `share ${hand?.mean}`);
  t.ok(hand !== null && Math.abs(hand.se - Math.sqrt((0.4 * (9 / 49) + 0.3 * (16 / 49)) / 100) / 0.7) < 1e-12, `se ${hand?.se}`);
  const noCustody = personEetShare(model, p, 0, 100);
  t.ok(noCustody !== null && Math.abs(noCustody.mean - 0.4 / 0.65) < 1e-12, `without custody ${noCustody?.mean}`);

  // A care leaver in staying put at 18 years 1 month in April 2026: 31 March of each year at
  // month 12f + 11, aged 19, 20, 21, 22 (the last outside 19-21, so null).
  const start = 18 * 12 + 1;
  const runs = 3000;
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: start, months: 48, plans: [stay(model.stateIds.indexOf('staying_put'))], parameterUncertainty: false };
  const result = runProjectionInline(model, request, runs, 99);
  const path = propagateExact(validated.model, { start: 'staying_put', startAgeMonths: start, endAgeMonths: start + 48 });
  const years = result.plans[0].outcomesByYear;
  t.same(years.map((y) => y.ageOn31March), [19, 20, 21, 22]);
  for (const [f, year] of years.entries()) {
    const occ = occupancyAt(path, 12 * f + 11);
    // Starting in staying put (a care leaver), custody at 19-21 is a care leaver in custody.
    const { leavers: counted, eet } = tallyEet(model, occ, 0, true);
    const { leavers } = tallyEet(model, occ);
    const share = year.eetShareOfCareLeaver;
    if (year.ageOn31March > 21) {
      t.equal(share, null, 'aged 22: outside the DfE measure');
      continue;
    }
    if (share === null) throw new Error('no share');
    t.ok(Math.abs(share.mean - eet / counted) < 4 * share.se, `aged ${year.ageOn31March}: ${share.mean.toFixed(4)} vs exact ${(eet / counted).toFixed(4)} (4 se = ${(4 * share.se).toFixed(4)})`);
    t.ok(Math.abs(year.probabilityCareLeaver - leavers) < 4 * Math.sqrt((leavers * (1 - leavers)) / runs) + 1e-12, `P(care leaver) ${year.probabilityCareLeaver.toFixed(4)} vs ${leavers.toFixed(4)}`);
  }
});

t.test('placement stability (3+ placements in the year, of those looked after on 31 March) meets an exact count-augmented propagation', async (t) => {
  // Exact reference, independent of the kernel: the chain on (state, placements this year capped
  // at 3), test/helpers/stability-chain.ts.
  const spec = fourStateModel();
  t.equal((spec.ageTransitions ?? []).length, 0, 'no birthday rules to mirror');
  const model = compileModel(spec);
  const resi = model.stateIds.indexOf('resi');
  const start = 13 * 12;
  const months = 36;
  const runs = 20000;
  // April start (calendar index 3), in a placement: a count of 1.
  const exact = exactThreeOrMoreShares(model, { state: resi, ageMonths: start, calendarStart: 3, countAtStart: 1 }, months);
  const request: ProjectionRequest = { clock: { startYear: 2026, startMonth: 4 }, ageMonths: start, months, plans: [stay(resi)], parameterUncertainty: false };
  const result = runProjectionInline(model, request, runs, 31);
  const years = result.plans[0].outcomesByYear;
  t.equal(exact.length, 3);
  for (const [f, year] of years.entries()) {
    const share = year.threeOrMorePlacementsShare;
    if (share === null) throw new Error('no stability figure');
    t.ok(exact[f] > 0.01, `${year.financialYear}: exact ${exact[f].toFixed(4)} is not trivially 0`);
    t.ok(Math.abs(share.mean - exact[f]) < 4 * share.se, `${year.financialYear}: ${share.mean.toFixed(4)} vs exact ${exact[f].toFixed(4)} (4 se = ${(4 * share.se).toFixed(4)})`);
  }
});

t.test('a share of 1 whose probabilities differ by an ulp is 1 with a finite standard error (was NaN: a 500 on the projection)', async (t) => {
  // P(A) a hair above P(B): every run in care had three placements, summed in floating point.
  const probabilityA = 0.1 + 0.2; // 0.30000000000000004
  const probabilityB = 0.3;
  t.ok(probabilityA > probabilityB, 'the sums as floating point gives them');
  const got = personSubsetShare(probabilityA, probabilityB, 1000);
  t.equal(got?.mean, 1);
  t.ok(Number.isFinite(got?.se) && (got?.se as number) >= 0 && (got?.se as number) < 1e-9, `se ${got?.se}`);
  // The ordinary case is unchanged: P(A) = 0.12, P(B) = 0.3, R = 0.4, Var = 0.12 × 0.36 + 0.18 × 0.16 = 0.072.
  const plain = personSubsetShare(0.12, 0.3, 1000);
  t.equal(plain?.mean, 0.4);
  t.ok(Math.abs((plain?.se as number) - Math.sqrt(0.072 / 1000) / 0.3) < 1e-15);
});
