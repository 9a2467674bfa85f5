import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { expectedMonthsIn, occupancyAt, probabilityMarkedAt, propagateExact } from '../../src/catalog/exact-propagation.ts';
import type { ResolvedModel } from '../../src/catalog/resolved-model.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';
import { DEFAULT_CARE_STATES } from '../../src/catalog/vocabulary.ts';

const spec = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../models/england-default.json'), 'utf8'));
const result = validateModel(spec);
if (!result.ok) throw new Error(`models/england-default.json is invalid: ${JSON.stringify(result.errors, null, 2)}`);
const model: ResolvedModel = result.model;

const index = (id: string) => model.stateIndex[id];
const withFlag = (flag: string) => model.states.filter((s) => s.flags.includes(flag as never)).map((s) => s.index);
const IN_CARE = withFlag('in_care');
const RESIDENTIAL = withFlag('residential');
const CARE_LEAVER = withFlag('care_leaver');
const NEET = index('independent_neet');
const sum = (values: Float64Array, states: readonly number[]) => states.reduce((a, s) => a + values[s], 0);

t.test('the default model validates, as england-default 1.6.0 in 2024-25 prices to age 25', async (t) => {
  t.equal(model.id, 'england-default');
  t.equal(model.version, '1.6.0');
  t.equal(model.priceBaseYear, '2024-25');
  t.equal(model.horizonAgeYears, 25);
  t.same(
    model.bands.map((b) => b.id),
    ['under-1', '1-4', '5-9', '10-15', '16-17', '18-20', '21-24'],
  );
  t.match(spec.uprating, /GDP deflator/);
  t.match(spec.uprating, /2024-25 112\.375/);
});

t.test('it uses the 24 default care states of the vocabulary, with outcome flags', async (t) => {
  t.same(
    model.states.map((s) => [s.id, s.label, s.category, s.minAgeYears, s.maxAgeYears, s.placement]),
    DEFAULT_CARE_STATES.map((s) => [s.id, s.label, s.category, s.minAgeYears ?? 0, s.maxAgeYears ?? Number.POSITIVE_INFINITY, s.placement ?? false]),
  );
  const looked = DEFAULT_CARE_STATES.filter((s) => s.category === 'looked_after').map((s) => index(s.id));
  t.same(IN_CARE, looked, 'in_care on every looked-after state');
  t.same(RESIDENTIAL, [index('residential'), index('secure_home')]);
  t.same(withFlag('neet'), [NEET]);
  t.same(withFlag('custody'), [index('youth_custody'), index('adult_custody')]);
  t.same(CARE_LEAVER, model.categories.care_leaver, 'care_leaver on the care-leaver states');
  t.same(withFlag('homeless'), [index('homeless')]);
  for (const s of model.states) {
    if (s.placement) t.ok(s.withinStatePlacementMoves > 0, `${s.id} has moves within its kind of placement`);
  }
});

t.test('every figure cites a source; assumptions say so and give their reasoning; published sources give an address', async (t) => {
  for (const [id, source] of Object.entries(spec.sources) as Array<[string, { publisher: string; url?: string; note?: string }]>) {
    if (source.publisher === 'pathcast assumption') t.ok(source.note && source.note.length > 80, `${id} explains itself`);
    else t.ok(source.url, `${id} has an address`);
  }
  for (const cost of spec.unitCosts) {
    if (cost.priceYear !== '2024-25') t.match(cost.note, /GDP deflator [\d.]+ \/ [\d.]+/, `${cost.id} shows its uprating`);
  }
  t.same(
    spec.interventions.map((i: { id: string }) => i.id),
    ['mst', 'fft', 'family_group_conference', 'therapeutic_step_down', 'guardian_mentor', 'staying_put_support'],
  );
  t.same(
    spec.rateFactors.map((f: { id: string }) => f.id),
    ['entry_to_care', 'exits_from_care', 'placement_breakdown', 'care_leaver_neet'],
  );
  t.ok(model.eventCosts.find((e) => e.id === 'placement_move')?.includeWithinStateMoves, 'placement moves within a kind are charged');
  const agencies = new Set(model.unitCosts.map((c) => c.agency));
  t.same([...agencies].sort(), ['childrens_social_care', 'education', 'health', 'housing', 'welfare', 'youth_justice']);
});

/*
 * Plausibility of a 14-year-old at home on the edge of care, computed exactly (propagation with an
 * absorbing "has been in care" copy of the chain; no simulation). Figures on 2026-11-24 (1.1.0):
 * (a) 0.298 (0.246 within two years), (b) 1.90 months, (c) 0.366. On 2026-11-30 (1.2.0, issue 11:
 * placed with parents and other placements open new routes into care from the edge of care, and
 * 16-17-year-olds can leave care for independent living): (a) 0.3205, (b) 1.779, (c) 0.3703.
 */
const AGE_14 = 14 * 12;
const edge = propagateExact(model, { start: 'edge_of_care', startAgeMonths: AGE_14, marked: IN_CARE });

t.test('(a) share ever looked after by 18', async (t) => {
  const byEighteen = probabilityMarkedAt(edge, 18 * 12 - AGE_14);
  const withinTwoYears = probabilityMarkedAt(edge, 24);
  // Range 0.20-0.45. Lower bound: a child in need runs a lower risk than one on the edge of care,
  // and even children in need start care at about 8% a year (DfE 2024: 33,050 starters against
  // 399,460 children in need, who include those looked after), over four years 20% or more.
  // Upper bound: edge-of-care services work with adolescents most of whom stay at home; the
  // English START trial of adolescents at risk of out-of-home placement found no placement
  // difference for MST, i.e. placement was far from certain. Within two years the model gives a
  // quarter, inside the 20-40% usually reported for edge-of-care cohorts (not verified here).
  t.ok(byEighteen >= 0.2 && byEighteen <= 0.45, `ever looked after by 18: ${byEighteen}`);
  t.ok(withinTwoYears >= 0.15 && withinTwoYears <= 0.4, `within two years: ${withinTwoYears}`);
  t.ok(Math.abs(byEighteen - 0.3205) < 5e-4, `pinned: ${byEighteen}`);
});

t.test('(b) expected months in residential care to 25', async (t) => {
  const residentialMonths = expectedMonthsIn(edge, RESIDENTIAL);
  const careMonths = expectedMonthsIn(edge, IN_CARE);
  // Range 1-4 months. Care ends at 18, so at most 48 months; the model gives about 8 months in
  // care on average. Children's homes hold about a tenth of all children looked after (FOI survey
  // 2024: 11.4%; DfE 2023: 7,780 of 83,760) but mostly adolescents, so a larger share of an
  // adolescent's care: 15-35% of 8 months is 1.2-2.8 months.
  t.ok(residentialMonths >= 1 && residentialMonths <= 4, `months in residential care: ${residentialMonths}`);
  const share = residentialMonths / careMonths;
  t.ok(share >= 0.15 && share <= 0.35, `residential share of the cohort's months in care: ${share}`);
  t.ok(Math.abs(residentialMonths - 1.779) < 5e-3, `pinned: ${residentialMonths}`);
});

t.test('(c) share NEET among care leavers aged 19-21', async (t) => {
  // Defined as DfE does: of those in a care-leaver state at ages 19, 20 and 21 (months 228-263),
  // the share NEET, pooled over those months. DfE: 40% of care leavers aged 19-21 were NEET in
  // 2017 (13% of all 19-21-year-olds); about 38-39% is cited for recent years. Range 33-47%.
  let neet = 0;
  let leavers = 0;
  for (let age = 19 * 12; age < 22 * 12; age++) {
    const occupancy = occupancyAt(edge, age - AGE_14);
    neet += occupancy[NEET];
    leavers += sum(occupancy, CARE_LEAVER);
  }
  const share = neet / leavers;
  t.ok(share >= 0.33 && share <= 0.47, `NEET among care leavers 19-21: ${share}`);
  t.ok(Math.abs(share - 0.3703) < 5e-4, `pinned: ${share}`);
});

t.test('(c2) share in education, employment or training among care leavers aged 19-21 (flag eet)', async (t) => {
  // The states flagged eet are the care leavers housed other than homeless (the model's NEET is
  // the state independent_neet): the projected EET share. DfE, care leavers aged 19-21, year to
  // 31 March 2024: 56% in education, employment or training, 38% NEET, the rest not in touch or
  // not known. Counted over care-leaver states (custody after care is left out here: the chain
  // from the edge of care does not tell a care leaver in custody from another young adult), so
  // the share is a little high: range 50-68%.
  t.same(
    withFlag('eet').map((s) => model.states[s].id),
    ['staying_put', 'supported_lodgings', 'independent_eet'],
  );
  const EET = withFlag('eet');
  let eet = 0;
  let leavers = 0;
  for (let age = 19 * 12; age < 22 * 12; age++) {
    const occupancy = occupancyAt(edge, age - AGE_14);
    eet += sum(occupancy, EET);
    leavers += sum(occupancy, CARE_LEAVER);
  }
  const share = eet / leavers;
  t.ok(share >= 0.5 && share <= 0.68, `EET among care leavers 19-21: ${share}`);
});

t.test('population from birth: about 70 looked after per 10,000, a third or more of them aged 10-15', async (t) => {
  const birth = propagateExact(model, { start: 'home', startAgeMonths: 0, endAgeMonths: 18 * 12 });
  let inCare = 0;
  let inCare10to15 = 0;
  let residential = 0;
  for (let m = 0; m < 18 * 12; m++) {
    const occupancy = occupancyAt(birth, m);
    const here = sum(occupancy, IN_CARE);
    inCare += here;
    if (m >= 120 && m < 192) inCare10to15 += here;
    residential += sum(occupancy, RESIDENTIAL);
  }
  // A stationary population with equal numbers at each age: the average over ages 0-17 of the
  // chance of being looked after. DfE 2024: 70 per 10,000, 8.8% of them unaccompanied
  // asylum-seeking children whom a chain from birth cannot produce. Range 55-85.
  const per10000 = (inCare / (18 * 12)) * 10_000;
  t.ok(per10000 >= 55 && per10000 <= 85, `looked after per 10,000 children: ${per10000}`);
  // DfE 2013: 36% of looked-after children were aged 10-15. Range 33-45%.
  const share10to15 = inCare10to15 / inCare;
  t.ok(share10to15 >= 0.33 && share10to15 <= 0.45, `share aged 10-15: ${share10to15}`);
  // Children's homes and secure homes: 11.5% of placements (FOI survey, September 2024). Range 8-15%.
  const residentialShare = residential / inCare;
  t.ok(residentialShare >= 0.08 && residentialShare <= 0.15, `share in residential care: ${residentialShare}`);
});

t.test('staying put: more than half at 18, a quarter to a third at 19-20', async (t) => {
  // DfE: of those who left foster care at 18, 55% (2018) and 57% (2019) lived with former foster
  // carers at 18, 26% at 19 or 20 (2018); 60% and 30% in 2020-21 (CYP Now). Foster leavers are
  // about half in-house and half agency (FOI survey 2024: 27.9% and 24.8% of placements).
  const at = (start: string, ageMonths: number) => {
    const path = propagateExact(model, { start, startAgeMonths: 18 * 12 - 1 });
    return occupancyAt(path, ageMonths - (18 * 12 - 1))[index('staying_put')];
  };
  const mean = (ageMonths: number) => (at('inhouse_foster', ageMonths) + at('ifa_foster', ageMonths)) / 2;
  const atEighteen = mean(18 * 12 + 6);
  const atNineteenOrTwenty = (mean(19 * 12 + 6) + mean(20 * 12 + 6)) / 2;
  t.ok(atEighteen >= 0.45 && atEighteen <= 0.65, `staying put at 18: ${atEighteen}`);
  t.ok(atNineteenOrTwenty >= 0.2 && atNineteenOrTwenty <= 0.35, `staying put at 19-20: ${atNineteenOrTwenty}`);
});

/*
 * DfE "Children looked after in England including adoptions", reporting year 2024 (children looked
 * after on 31 March 2024; dfe_cla_2024_shares in the model's sources, which gives each figure's
 * table and year), against the stock of a stationary population from birth computed exactly: the
 * chance of being looked after, summed over the months of each age (equal numbers at each age).
 * Tolerance: each share within ±2 percentage points of the published figure, except 1-4 and 5-9
 * (±3: only the 2021 and 2022 national figures were transcribed, 14% and 18-19%, and the three
 * younger bands share the 35% the 2024 release leaves below age 10) and the placement groups the
 * statistics do not publish in the model's terms (ranges stated below). The chain from birth
 * enters unaccompanied asylum-seeking children (8.8% of children looked after, nearly all 16-17)
 * as entries from home at 16-17, which is how the 16+ share is reached.
 */
t.test('the stock from birth reproduces the DfE 2024 shares by age band and placement type', async (t) => {
  const birth = propagateExact(model, { start: 'home', startAgeMonths: 0, endAgeMonths: 18 * 12 });
  const byState = new Float64Array(model.nStates);
  const byBand = { under1: 0, '1-4': 0, '5-9': 0, '10-15': 0, '16-17': 0 };
  let total = 0;
  for (let m = 0; m < 18 * 12; m++) {
    const occupancy = occupancyAt(birth, m);
    const here = sum(occupancy, IN_CARE);
    for (const s of IN_CARE) byState[s] += occupancy[s];
    total += here;
    const band = m < 12 ? 'under1' : m < 60 ? '1-4' : m < 120 ? '5-9' : m < 192 ? '10-15' : '16-17';
    byBand[band] += here;
  }
  const pct = (x: number) => (100 * x) / total;
  const group = (...ids: string[]) => pct(ids.reduce((a, id) => a + byState[index(id)], 0));
  const within = (actual: number, published: number, tolerance: number, what: string) =>
    t.ok(Math.abs(actual - published) <= tolerance, `${what}: model ${actual.toFixed(1)}%, DfE ${published}% ± ${tolerance}`);
  // Age on 31 March 2024: under 1 5% (4.8-4.9% in 2021-22), 1-4 14%, 5-9 18%, 10-15 38%, 16+ 27%.
  within(pct(byBand.under1), 5, 2, 'under 1');
  within(pct(byBand['1-4']), 14, 3, '1-4');
  within(pct(byBand['5-9']), 17, 3, '5-9');
  within(pct(byBand['10-15']), 38, 2, '10-15');
  within(pct(byBand['16-17']), 27, 2, '16 and over');
  // Placement: foster placements 67% (56,390 of 83,630).
  within(group('kinship_foster', 'inhouse_foster', 'ifa_foster'), 67, 2, 'foster placements');
  // Placed for adoption: 2,980 adoptions × 9 months from placement to order ≈ 2.7%.
  within(group('placed_for_adoption'), 2.7, 1.5, 'placed for adoption');
  // Placed with parents: 6% (FOI survey of 150 authorities, September 2024).
  within(group('placed_with_parents'), 6, 2, 'placed with parents');
  // Secure units, children's homes and semi-independent living (supported accommodation): 17% in
  // 2023; the mapping also puts other residential settings (R1-R3, S1) in residential, so 17-24%.
  const homesAndSupported = group('residential', 'secure_home', 'supported_accommodation');
  t.ok(homesAndSupported >= 17 && homesAndSupported <= 24, `children's homes, secure and supported: ${homesAndSupported.toFixed(1)}% (17-24%)`);
  // Other placements (Z1, Z11-Z14): a few per cent. (R5, custody while looked after, is youth
  // custody in the model, which does not count as in care.)
  const other = group('other_placement');
  t.ok(other >= 0.5 && other <= 4, `other placements: ${other.toFixed(1)}% (0.5-4%)`);
  // The pinned figures of 2026-11-30, so that a change of rate is seen.
  t.ok(Math.abs(pct(byBand.under1) - 4.7) < 0.1 && Math.abs(group('kinship_foster', 'inhouse_foster', 'ifa_foster') - 68.4) < 0.1, 'pinned');
});

t.test('a share over 20 miles from a median distance: the log-logistic fitted to foster care, by hand', async (t) => {
  const { overTwentyMilesFromMedian } = await import('../../src/catalog/england-default/build.ts');
  // β = ln(42,120 / 7,520) / ln(20 / 5.5) = 1.72293 / 1.29098 = 1.33461 (hand, to 5 places).
  // Foster care's own median gives back its published share: 7,520 / 49,640 = 0.1515 → 0.151.
  t.equal(overTwentyMilesFromMedian(5.5), 0.151);
  // At a median of 20 miles, half are over 20.
  t.equal(overTwentyMilesFromMedian(20), 0.5);
  // Children's homes (17.8 miles): 1 / (1 + 1.12360^1.33461) = 1 / (1 + 1.16827) = 0.461, beside the 49% published for 2024.
  t.equal(overTwentyMilesFromMedian(17.8), 0.461);
  // Placed with parents (0.6 miles): 1 / (1 + 33.333^1.33461) = 1 / (1 + 107.76) = 0.0092 → 0.009.
  t.equal(overTwentyMilesFromMedian(0.6), 0.009);
  // Supported accommodation (4.0 miles): 5^1.33461 = e^(1.60944 × 1.33461) = e^2.14798 = 8.5667; 1 / 9.5667 = 0.1045 → 0.105.
  t.equal(overTwentyMilesFromMedian(4), 0.105);
  // Placed for adoption (16.5 miles): 1.21212^1.33461 = e^(0.19237 × 1.33461) = e^0.25674 = 1.2927; 1 / 2.2927 = 0.4362 → 0.436.
  t.equal(overTwentyMilesFromMedian(16.5), 0.436);
  const shipped = (id: string) => spec.states.find((s: { id: string }) => s.id === id)?.distanceOver20Miles;
  t.equal(shipped('placed_with_parents')?.share, 0.009, 'the shipped model carries it');
  // Model 1.6.0: these two from their medians, not the all-placements 0.194 of 1.5.0.
  t.equal(shipped('supported_accommodation')?.share, 0.105, 'supported accommodation, from its median');
  t.equal(shipped('placed_for_adoption')?.share, 0.436, 'placed for adoption, from its median');
  t.match(shipped('supported_accommodation')?.note, /only the median distance, 4\.0 miles .*10\.5%/);
  t.match(shipped('placed_for_adoption')?.note, /only the median distance, 16\.5 miles .*43\.6%/);
  // Only other placements, with neither a share nor a median read, keep the all-placements share.
  const allPlacements = spec.states.filter((s: { distanceOver20Miles?: { share: number } }) => s.distanceOver20Miles?.share === 0.194).map((s: { id: string }) => s.id);
  t.same(allPlacements, ['other_placement']);
  // Property: a longer median never gives a smaller share, and every share is in [0, 1].
  fc.assert(
    fc.property(fc.double({ min: 0.01, max: 500, noNaN: true }), fc.double({ min: 0.01, max: 500, noNaN: true }), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const x = overTwentyMilesFromMedian(lo);
      const y = overTwentyMilesFromMedian(hi);
      return x >= 0 && y <= 1 && x <= y;
    }),
  );
});

/*
 * The share of children looked after placed more than 20 miles from home, of the stationary stock
 * from birth computed exactly (as the test of shares by placement type above), each state's
 * occupancy weighted by its distanceOver20Miles share: the measure the projections report, as a
 * whole. Published: DfE, Children looked after: a focus on placement location, data set
 * "Placement distance for CLA", 31 March 2015: 12,820 over 20 miles of 65,920 with a known
 * distance, 19.4% (the model's own all-placements figure, dfe_placement_location_2024), ±2 points.
 * By hand from the stock's shares of children looked after (per cent, to 4 places, from this
 * chain) and the shares over 20 miles: kinship 13.7857 × 0.123 = 1.6956, in-house 26.7254 ×
 * 0.038 = 1.0156, agency 27.9058 × 0.321 = 8.9578, children's homes 9.9249 × 0.49 = 4.8632,
 * secure 0.1154 × 0.49 = 0.0565, supported accommodation 10.7611 × 0.105 = 1.1299, placed for
 * adoption 2.6340 × 0.436 = 1.1484, placed with parents 6.6704 × 0.009 = 0.0600, other 1.4774 ×
 * 0.194 = 0.2866: 19.2137%. Model 1.5.0 (0.194 for supported accommodation and adoption) gave
 * 19.5340%: 2.0877 and 0.5110 in place of 1.1299 and 1.1484.
 */
t.test('the stock from birth: the share placed more than 20 miles from home against the DfE all-placements figure', async (t) => {
  const birth = propagateExact(model, { start: 'home', startAgeMonths: 0, endAgeMonths: 18 * 12 });
  const byState = new Float64Array(model.nStates);
  for (let m = 0; m < 18 * 12; m++) {
    const occupancy = occupancyAt(birth, m);
    for (const s of IN_CARE) byState[s] += occupancy[s];
  }
  const shares = new Map(spec.states.map((s: { id: string; distanceOver20Miles?: { share: number } }) => [s.id, s.distanceOver20Miles?.share]));
  let total = 0;
  let over = 0;
  for (const s of IN_CARE) {
    const q = shares.get(model.states[s].id);
    t.ok(typeof q === 'number', `${model.states[s].id} has a share`);
    total += byState[s];
    over += byState[s] * (q as number);
  }
  const pct = (100 * over) / total;
  t.ok(Math.abs(pct - 19.4) <= 2, `over 20 miles: model ${pct.toFixed(2)}%, DfE 2015 19.4% ± 2`);
  t.ok(Math.abs(pct - 19.2137) < 5e-4, `pinned by hand: ${pct}`);
  // The stock's shares the hand sum above uses.
  const stock = (id: string) => (100 * byState[index(id)]) / total;
  t.ok(Math.abs(stock('supported_accommodation') - 10.7611) < 5e-5 && Math.abs(stock('placed_for_adoption') - 2.634) < 5e-5 && Math.abs(stock('ifa_foster') - 27.9058) < 5e-5, 'stock shares as in the hand sum');
});

/*
 * Placement stability of the stationary stock from birth, computed exactly (review finding 6 of
 * issue 17: the model's moves gave 4.7% where DfE publishes 10%). The chain is augmented with a
 * count of the year's placements (0, 1, 2, 3 or more), as the engine counts them
 * (src/simulation/engine.ts: the placement held in April, then one for each move into a
 * placement and each move within one, a move within being the stay's share
 * withinStatePlacementMoves, as src/simulation/oracle.ts splits it). For each age at 31 March the
 * count starts from the state distribution in April and runs to March. A birthday's age rule
 * moves without a move within (12 of 216 months; the engine allows one): the figures are slightly
 * low, which the tolerances absorb.
 * Published: DfE, 10% of children looked after on 31 March with three or more placements in the
 * year (2022, 2023 and 2024), ±2 points; NAO, one in seven in children's homes moved at least
 * twice in the year to March 2024, ±3 points; DfE 2023-24, 66,070 placement changes for 83,630
 * children looked after (0.79 a child, 24% a change of status only: 0.60 moves of carer), so the
 * model's moves per child-year between 0.60 and 0.79.
 */
t.test('the stock from birth reproduces the published placement stability (three or more placements in the year)', async (t) => {
  const n = model.nStates;
  const isPlacement = model.states.map((s) => (s.placement ? 1 : 0));
  const within = model.states.map((s) => s.withinStatePlacementMoves);
  const birthdays = new Map<number, Array<Float64Array | undefined>>();
  for (const rule of model.ageTransitions) {
    const rows = birthdays.get(rule.atAgeMonths) ?? new Array<Float64Array | undefined>(n);
    for (const i of rule.from) rows[i] = rule.to;
    birthdays.set(rule.atAgeMonths, rows);
  }
  const rowOf = (ageMonths: number, i: number) => birthdays.get(ageMonths + 1)?.[i] ?? model.bands[model.bandOfAgeMonth[ageMonths]].transitions.subarray(i * n, i * n + n);
  const birth = propagateExact(model, { start: 'home', startAgeMonths: 0, endAgeMonths: 18 * 12 });
  let stock = 0;
  let threeOrMore = 0;
  let moves = 0;
  const residential = index('residential');
  let inHomes = 0;
  let homesThreeOrMore = 0;
  for (let march = 0; march < 18 * 12; march++) {
    const april = Math.max(0, march - 11);
    let byCount = [0, 1, 2, 3].map(() => new Float64Array(n));
    const start = occupancyAt(birth, april);
    for (let s = 0; s < n; s++) byCount[isPlacement[s]][s] += start[s];
    for (let age = april; age < march; age++) {
      const next = [0, 1, 2, 3].map(() => new Float64Array(n));
      for (let c = 0; c < 4; c++) {
        for (let i = 0; i < n; i++) {
          const p = byCount[c][i];
          if (p === 0) continue;
          const row = rowOf(age, i);
          const split = birthdays.get(age + 1)?.[i] === undefined && isPlacement[i] === 1 ? within[i] : 0;
          for (let j = 0; j < n; j++) {
            const q = p * row[j];
            if (q === 0) continue;
            if (j !== i) next[Math.min(3, c + isPlacement[j])][j] += q;
            else {
              next[Math.min(3, c + 1)][j] += q * split;
              next[c][j] += q * (1 - split);
            }
          }
        }
      }
      byCount = next;
    }
    const atMarch = occupancyAt(birth, march);
    for (const s of IN_CARE) {
      const here = byCount[0][s] + byCount[1][s] + byCount[2][s] + byCount[3][s];
      stock += here;
      threeOrMore += byCount[3][s];
      if (s === residential) {
        inHomes += here;
        homesThreeOrMore += byCount[3][s];
      }
      // Moves a month in March's state, × 12: into another placement, or within this one.
      const row = model.bands[model.bandOfAgeMonth[march]].transitions.subarray(s * n, s * n + n);
      let monthly = isPlacement[s] ? within[s] * row[s] : 0;
      for (let j = 0; j < n; j++) if (j !== s && isPlacement[j] && isPlacement[s]) monthly += row[j];
      moves += atMarch[s] * 12 * monthly;
    }
  }
  const share = (100 * threeOrMore) / stock;
  const homes = (100 * homesThreeOrMore) / inHomes;
  t.ok(Math.abs(share - 10) <= 2, `three or more placements: model ${share.toFixed(1)}%, DfE 10% ± 2`);
  t.ok(Math.abs(homes - 14.3) <= 3, `children's homes: model ${homes.toFixed(1)}%, NAO one in seven ± 3`);
  const perChild = moves / stock;
  t.ok(perChild >= 0.6 && perChild <= 0.79, `placement moves per child-year: model ${perChild.toFixed(2)}, DfE 0.60 (carer) to 0.79 (all changes)`);
});
