import type { Static } from 'typebox';
import type { CostModelSpec, DistributionSpec, EventCost, InterventionSpec, RateFactor, StateSpec, UnitCostSpec } from '../model-schema.ts';
import { DEFAULT_CARE_STATES } from '../vocabulary.ts';
import { DEFLATOR_FORECAST_GROWTH, DEFLATOR_SERIES, deflatorIndex, deflatorTable, formatPounds, PRICE_BASE_YEAR, roundMoney, uprate } from './deflator.ts';
import { SOURCES } from './sources.ts';
import { AGE_BANDS, ageTransitions, monthlyTransitions, WITHIN_STATE_MOVES } from './transitions.ts';

/**
 * The default cost model for England, built from the sources in sources.ts. `npm run
 * models:build` (src/cli/write-default-model.ts) writes it to models/england-default.json; a test
 * checks that the committed file is what this builds, so the file is data only and this is its
 * audit trail: every uprating factor and every assumption is computed or stated here.
 */

export const ENGLAND_DEFAULT_ID = 'england-default';
export const ENGLAND_DEFAULT_VERSION = '1.6.0';

type EventCostSpec = Static<typeof EventCost>;
type RateFactorSpec = Static<typeof RateFactor>;

function pert(min: number, mode: number, max: number): DistributionSpec {
  return { type: 'pert', min: roundMoney(min), mode: roundMoney(mode), max: roundMoney(max) };
}

/** A three-point estimate around a central value, as multiples of it. */
function around(value: number, low: number, high: number): DistributionSpec {
  return pert(value * low, value, value * high);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round2 = (x: number) => Math.round(x * 100) / 100;
function multiplier(min: number, mode: number, max: number): DistributionSpec {
  return { type: 'pert', min: round3(min), mode: round3(mode), max: round3(max) };
}

/**
 * Outcome flags by state. For care leavers aged 19-21 the DfE (Children looked after in England,
 * care leavers' activity and accommodation; SSDA903 care leavers module) records activity (ACTIV:
 * higher education, other education, training or employment = EET; NEET for illness or
 * disability, pregnancy or parenting, other reasons; not in touch; no information) apart from
 * accommodation (ACCOM: with former foster carers, i.e. staying put; supported lodgings; no fixed
 * abode/homeless; in custody; ...), and keeps "not known" and "not in touch" in the denominator.
 * This model has no activity apart from its states: NEET is the state independent_neet, whose
 * share of care leavers aged 19-21 is set to the DfE's (about 40%; test/models/england-default
 * .test.ts, 37%), so the care leavers housed in staying put, supported lodgings or independently
 * in EET are the model's EET (flag `eet`). Homeless care leavers and those in custody are not
 * (flag none: in the denominator, not in EET): the DfE counts a care leaver in custody as a care
 * leaver (the projected count takes custody after a looked-after or care-leaver state: engine.ts
 * countYearOutcomes), and one of no fixed abode is rarely in work or education. A calibrated
 * model whose returns record activity could split the accommodation states; this one cannot.
 */
const OUTCOME_FLAGS_BY_STATE: Record<string, StateSpec['flags']> = {
  kinship_foster: ['in_care'],
  inhouse_foster: ['in_care'],
  ifa_foster: ['in_care'],
  residential: ['in_care', 'residential'],
  secure_home: ['in_care', 'residential'],
  supported_accommodation: ['in_care'],
  placed_for_adoption: ['in_care'],
  placed_with_parents: ['in_care'],
  other_placement: ['in_care'],
  youth_custody: ['custody'],
  adult_custody: ['custody'],
  staying_put: ['care_leaver', 'eet'],
  supported_lodgings: ['care_leaver', 'eet'],
  independent_eet: ['care_leaver', 'eet'],
  independent_neet: ['care_leaver', 'neet'],
  homeless: ['care_leaver', 'homeless'],
};

/**
 * The chance of being placed more than 20 miles from home, by placement state, of children whose
 * distance is known (DfE placement location tables; see the sources' notes for the counts).
 * Where a share by placement type was read it is used; where only the type's median distance was
 * read, the share comes from overTwentyMilesFromMedian; where neither, the all-placements share
 * stands in. Each note says which.
 */
const ALL_PLACEMENTS_OVER_20 = Math.round((12_820 / (53_100 + 12_820)) * 1000) / 1000;
/**
 * In-house and agency (IFA) foster care, 31 March 2015, derived: the DfE fostering-providers table
 * gives non-kinship foster care (42,120 − 6,870 =) 35,250 within 20 miles and (7,520 − 960 =)
 * 6,560 over, and agency foster care 11,930 within; its agency row over 20 miles was not read. The
 * agency share of non-kinship foster placements, f = 42% (filled mainstream places held by IFAs,
 * 31 March 2019, the earliest year read of Ofsted's Fostering in England), gives agency care
 * f × 41,810 = 17,560 children with a known distance, so 17,560 − 11,930 = 5,630 over 20 miles
 * (32.1%), and in-house care the rest: 6,560 − 5,630 = 930 over of 41,810 − 17,560 = 24,250
 * (3.8%). The split is sensitive to f (see the note); weighted by their counts the two always
 * give the published 15.7%.
 */
const NON_KINSHIP_FOSTER_KNOWN = 42_120 - 6_870 + (7_520 - 960);
const NON_KINSHIP_FOSTER_OVER = 7_520 - 960;
const IFA_FOSTER_WITHIN = 11_930;
/** The derivation above for an agency share f of non-kinship foster placements (counts to the nearest 10, as the DfE rounds). */
function fosterSplit(f: number) {
  const ifaKnown = Math.round((f * NON_KINSHIP_FOSTER_KNOWN) / 10) * 10;
  const ifaOver = ifaKnown - IFA_FOSTER_WITHIN;
  return { ifaKnown, ifaOver, inhouseKnown: NON_KINSHIP_FOSTER_KNOWN - ifaKnown, inhouseOver: NON_KINSHIP_FOSTER_OVER - ifaOver };
}
const FOSTER_SPLIT = fosterSplit(0.42);
const FOSTER_SPLIT_LOW = fosterSplit(0.4);
const n = (x: number) => x.toLocaleString('en-GB');
const pct = (over: number, known: number) => `${((100 * over) / known).toFixed(1)}%`;
const fosterSplitNote = (who: string) =>
  `${who}, 31 March 2015, derived (the DfE agency row over 20 miles was not read): non-kinship foster care ${n(NON_KINSHIP_FOSTER_KNOWN - NON_KINSHIP_FOSTER_OVER)} within 20 miles and ${n(NON_KINSHIP_FOSTER_OVER)} over; agency ${n(IFA_FOSTER_WITHIN)} within; taking agencies’ share of non-kinship foster placements as 42% (Ofsted, filled mainstream places 2019, the earliest year read: ofsted_fostering_ifa_share_2023) gives agency ${n(FOSTER_SPLIT.ifaKnown)} with a known distance, ${n(FOSTER_SPLIT.ifaOver)} over 20 miles (${pct(FOSTER_SPLIT.ifaOver, FOSTER_SPLIT.ifaKnown)}), and in-house ${n(FOSTER_SPLIT.inhouseOver)} over of ${n(FOSTER_SPLIT.inhouseKnown)} (${pct(FOSTER_SPLIT.inhouseOver, FOSTER_SPLIT.inhouseKnown)}). Sensitive to that share: at 40% the split is ${pct(FOSTER_SPLIT_LOW.ifaOver, FOSTER_SPLIT_LOW.ifaKnown)} agency and ${pct(FOSTER_SPLIT_LOW.inhouseOver, FOSTER_SPLIT_LOW.inhouseKnown)} in-house. Replace with the DfE agency row when transcribed.`;
const allPlacements = (kind: string) => ({
  share: ALL_PLACEMENTS_OVER_20,
  source: 'dfe_placement_location_2024',
  note: `No figure for ${kind} was read: the share of all placements (12,820 of 65,920 with a known distance, 31 March 2015) stands in.`,
});
/**
 * The share more than 20 miles away of a placement type of which only the median distance was
 * read (DfE, median distance for CLA placement types, 31 March 2015), from a log-logistic
 * distribution of distance, P(D > d) = 1 / (1 + (d / median)^β), its shape β fitted to all
 * foster care, whose median and share are both published (5.5 miles; 7,520 over 20 miles of
 * 49,640 with a known distance, 15.1%): β = ln(42,120 / 7,520) / ln(20 / 5.5) = 1.334. Checked on
 * secure and children's homes (median 17.8 miles): it gives 46%, against the 49% published for
 * children's homes in 2024. A log-logistic rather than a log-normal because its tail is heavier:
 * far from the median (placed with parents: 0.6 miles) the log-normal with the same fit gives a
 * third of it (0.3% against 0.9%), and a child placed with a parent who lives elsewhere can be
 * far from the home they were taken into care from. Near the median the two agree (supported
 * accommodation, 4.0 miles: 10.5% and 10.0%; placed for adoption, 16.5 miles: 43.6% and 43.9%).
 * The fit is of one placement type's spread: on all placements together (median 5.8 miles, a
 * mixture of types) it gives 16.1% against the 19.4% published, so it is not a check of the whole.
 * Dimensionless share in [0, 1], to 3 places.
 */
export function overTwentyMilesFromMedian(medianMiles: number): number {
  const beta = Math.log(42_120 / 7_520) / Math.log(20 / 5.5);
  return round3(1 / (1 + (20 / medianMiles) ** beta));
}
/**
 * A state's distance share from the DfE median distance of its placement type (31 March 2015, the
 * data set "Median distance for CLA placement types"; no share over 20 miles by these types was
 * read), by overTwentyMilesFromMedian; `check` says how the fit compares where both are known, and
 * `lognormal` is the share a log-normal with the same fit gives (to one decimal, per cent).
 */
function fromMedian(what: string, medianMiles: number, lognormal: string, check: string) {
  const share = overTwentyMilesFromMedian(medianMiles);
  return {
    share,
    source: 'dfe_placement_location_2024',
    note: `${what}, 31 March 2015: no share over 20 miles was read, only the median distance, ${medianMiles.toFixed(1)} miles (DfE, Children looked after: a focus on placement location, data set “Median distance for CLA placement types”); ${(100 * share).toFixed(1)}% from a log-logistic distribution of distance whose shape is fitted to all foster care (median 5.5 miles, 15.1% over 20 miles), which gives 46% for children’s homes against the 49% published. ${check} A log-normal with the same fit gives ${lognormal}. Replace with the DfE row by placement type (data set “Types of placement for CLA by distance locality”) when transcribed.`,
  };
}

const DISTANCE_OVER_20_MILES: Record<string, NonNullable<StateSpec['distanceOver20Miles']>> = {
  kinship_foster: {
    share: Math.round((960 / 7_830) * 1000) / 1000,
    source: 'dfe_placement_location_2024',
    note: 'Foster placements with a relative or friend, 31 March 2015: 960 over 20 miles (90 inside and 870 outside the boundary) of 7,830 with a known distance.',
  },
  inhouse_foster: {
    share: round3(FOSTER_SPLIT.inhouseOver / FOSTER_SPLIT.inhouseKnown),
    source: 'dfe_placement_location_2024',
    note: fosterSplitNote('In-house (local authority) foster care'),
  },
  ifa_foster: {
    share: round3(FOSTER_SPLIT.ifaOver / FOSTER_SPLIT.ifaKnown),
    source: 'dfe_placement_location_2024',
    note: fosterSplitNote('Independent fostering agency foster care'),
  },
  residential: {
    share: 0.49,
    source: 'nao_residential_distance_2025',
    note: 'Children in children’s homes, March 2024: 49% more than 20 miles from home (median distance of secure and children’s homes 17.8 miles in 2015, dfe_placement_location_2024).',
  },
  secure_home: {
    share: 0.49,
    source: 'nao_residential_distance_2025',
    note: 'Children’s homes’ figure (the DfE groups secure and children’s homes together): with 13 secure units in England the share is probably higher.',
  },
  // Model 1.6.0: from the medians (1.5.0 had the all-placements 19.4% for both).
  supported_accommodation: fromMedian(
    'Independent and semi-independent living arrangements / supported accommodation',
    4.0,
    '10.0%',
    'The median is near foster care’s, so the fit’s tail matters little here.',
  ),
  placed_for_adoption: fromMedian(
    'Placed for adoption',
    16.5,
    '43.9%',
    'The median is near the children’s homes’ (17.8 miles), where the fit is 3 points under the published share, so this may be low too.',
  ),
  placed_with_parents: fromMedian('Placed with parents or other person with parental responsibility', 0.6, '0.3%, so the tail is uncertain', 'Far below the median the fit rests on its tail.'),
  other_placement: allPlacements('other placements'),
};

function states(): StateSpec[] {
  return DEFAULT_CARE_STATES.map((s) => {
    const spec: StateSpec = { id: s.id, label: s.label, category: s.category };
    const flags = OUTCOME_FLAGS_BY_STATE[s.id];
    if (flags) spec.flags = flags;
    if (s.placement) spec.placement = true;
    if (s.minAgeYears !== undefined) spec.minAgeYears = s.minAgeYears;
    if (s.maxAgeYears !== undefined) spec.maxAgeYears = s.maxAgeYears;
    const moves = WITHIN_STATE_MOVES[s.id];
    if (moves !== undefined) spec.withinStatePlacementMoves = moves;
    const distance = DISTANCE_OVER_20_MILES[s.id];
    if (distance !== undefined) spec.distanceOver20Miles = distance;
    return spec;
  });
}

// Hourly cost of a social worker, 2013-14 (£40, PSSRU-derived), in base-year prices.
const socialWorkerHour = uprate(40, '2013-14');
const atHourly = `${formatPounds(socialWorkerHour.value)} an hour (${socialWorkerHour.explanation})`;

function unitCosts(): UnitCostSpec[] {
  const residential = uprate(318_400, '2023-24');
  const secure = uprate(210_000, '2018-19');
  const ifa = uprate(820, '2019-20');
  const inhouse = uprate(646, '2016-17');
  const allowance = uprate(194, '2019-20');
  const supported = uprate(621, '2023');
  const stayingPut = uprate(8222, '2014-15');
  const intensiveFamily = uprate(10_000, '2012-13');
  const camhsReferral = uprate(2338, '2016-17');
  const yoiChild = uprate(76_000, '2018-19');
  const stcChild = uprate(160_000, '2018-19');
  const yoiYoungAdult = uprate(82_566, '2022-23');
  const prisoner = uprate(51_724, '2022-23');
  // Crisis/York: per person per 90 days, 2015-16; per year = × 365.25 / 90.
  const perYearFrom90Days = 365.25 / 90;
  const homelessServices = uprate(3702, '2015-16');
  const homelessHealth = uprate(1075 + 525 + 330, '2015-16');
  const homelessJustice = uprate(2998, '2015-16');
  const hourly = socialWorkerHour.value;

  return [
    {
      id: 'residential_placement',
      label: 'Children’s home placement',
      states: ['residential'],
      amount: around(residential.value, 0.85, 1.3),
      per: 'year',
      agency: 'childrens_social_care',
      placementFee: true,
      source: 'nao_residential_2025',
      priceYear: '2023-24',
      note: `NAO average cost of a place, all providers. ${residential.explanation}. Skewed upward: the average hides very high-cost placements (1,510 placements at £10,000 or more a week in 2022-23, lga_high_cost_2023).`,
    },
    {
      id: 'secure_home_placement',
      label: 'Secure children’s home placement',
      states: ['secure_home'],
      amount: around(secure.value, 0.9, 1.6),
      per: 'year',
      agency: 'childrens_social_care',
      placementFee: true,
      source: 'cc_secure_custody_2019',
      priceYear: '2018-19',
      note: `${secure.explanation}. Secondary summary of an older figure; the real cost of a children’s home place rose by a third from 2019-20 to 2023-24 (nao_residential_2025), so the range runs well above the uprated figure.`,
    },
    {
      id: 'ifa_foster_placement',
      label: 'Independent fostering agency placement',
      states: ['ifa_foster'],
      amount: around(ifa.value, 0.85, 1.35),
      per: 'week',
      agency: 'childrens_social_care',
      placementFee: true,
      source: 'cma_ifa_2021',
      priceYear: '2019-20',
      note: `Average price to the authority (carer fee and allowance plus agency costs). ${ifa.explanation}. Price year not stated in the secondary report: taken as 2019-20, hence the wide range.`,
    },
    // In-house foster care split into what is cashable and what is not (issue 12): the carer's
    // allowance stops when a placement ends and frees budget; social work, supervision,
    // recruitment and overheads are staff time and fixed costs that a placement ending does not
    // release. The two lines add up to the PSSRU full cost.
    {
      id: 'inhouse_foster_placement',
      label: 'In-house foster carer allowance (cashable)',
      states: ['inhouse_foster'],
      amount: around(allowance.value, 0.75, 1.3),
      per: 'week',
      agency: 'childrens_social_care',
      placementFee: true,
      cashable: true,
      source: 'foster_minimum_allowance_2019',
      priceYear: '2019-20',
      note: `The carer’s allowance, the cashable part of an in-house placement: national minimum fostering allowance (16-17, rest of England). ${allowance.explanation}. Carer fees, which many authorities pay on top, have no national source: they stay in the support line, so cashable savings are if anything understated. An actual weekly price recorded for an in-house placement replaces this line.`,
    },
    {
      id: 'inhouse_foster_support',
      label: 'In-house fostering: social work, supervision, recruitment and overheads (not cashable)',
      states: ['inhouse_foster'],
      amount: around(round2(inhouse.value - allowance.value), 0.8, 1.25),
      per: 'week',
      agency: 'childrens_social_care',
      cashable: false,
      source: 'pssru_foster_2017',
      priceYear: '2016-17',
      note: `PSSRU full cost of local authority foster care (allowances, administration, social workers and support staff), ${inhouse.explanation}, less the allowance line: £${round2(inhouse.value - allowance.value)} a week of staff time and overheads, not cashable.`,
    },
    {
      id: 'kinship_foster_allowance',
      label: 'Kinship foster carer allowance',
      states: ['kinship_foster'],
      amount: around(allowance.value, 0.75, 1.3),
      per: 'week',
      agency: 'childrens_social_care',
      placementFee: true,
      source: 'foster_minimum_allowance_2019',
      priceYear: '2019-20',
      note: `National minimum fostering allowance (16-17, rest of England) as the kinship carer’s allowance. ${allowance.explanation}. Younger children’s rates are lower, London’s higher.`,
    },
    {
      id: 'supported_accommodation_placement',
      label: 'Supported accommodation placement (16-17)',
      states: ['supported_accommodation'],
      amount: around(supported.value, 0.6, 2),
      per: 'week',
      agency: 'childrens_social_care',
      placementFee: true,
      source: 'lincolnshire_supported_2023',
      priceYear: '2023',
      note: `One authority’s average (range £260-£6,776 a week): wide uncertainty. ${supported.explanation} (calendar-year deflator).`,
    },
    {
      id: 'looked_after_social_work',
      label: 'Social worker time for a looked-after child',
      states: ['kinship_foster', 'ifa_foster', 'residential', 'secure_home', 'supported_accommodation', 'other_placement'],
      amount: pert(1.6 * hourly, 2.3 * hourly, 3.5 * hourly),
      per: 'week',
      agency: 'childrens_social_care',
      cashable: false,
      source: 'assumption_social_work_time',
      priceYear: '2013-14',
      note: `2.3 hours a week (1.6-3.5) at ${atHourly}. Not for in-house foster care, whose PSSRU full cost includes social work.`,
    },
    {
      id: 'placed_at_home_or_for_adoption_social_work',
      label: 'Social worker time for a child placed for adoption or placed with parents (no placement fee)',
      states: ['placed_for_adoption', 'placed_with_parents'],
      amount: pert(1.6 * hourly, 2.3 * hourly, 3.5 * hourly),
      per: 'week',
      agency: 'childrens_social_care',
      cashable: false,
      source: 'assumption_low_cost_placements',
      priceYear: '2013-14',
      note: `The whole placement cost to children’s social care: 2.3 hours a week (1.6-3.5) at ${atHourly}, as for other looked-after children, and no carer’s fee or allowance.`,
    },
    {
      id: 'other_placement_cost',
      label: 'Other placement (SSDA903 Z1, Z11-Z14)',
      states: ['other_placement'],
      amount: pert(0.4 * supported.value, supported.value, residential.value / 52.18),
      per: 'week',
      agency: 'childrens_social_care',
      placementFee: true,
      source: 'assumption_other_placement',
      priceYear: '2023',
      note: `Kind of provision unknown: mode the supported accommodation average (${supported.explanation}, calendar-year deflator), range from 40% of it to the weekly cost of a children’s home place (NAO ${formatPounds(residential.value)} a year / 52.18).`,
    },
    {
      id: 'cin_cp_social_work',
      label: 'Social worker time for a child in need or on a protection plan',
      states: ['cin_cp'],
      amount: pert(1.2 * hourly, 2 * hourly, 3 * hourly),
      per: 'week',
      agency: 'childrens_social_care',
      cashable: false,
      source: 'assumption_social_work_time',
      priceYear: '2013-14',
      note: `2 hours a week (1.2-3) at ${atHourly}.`,
    },
    {
      id: 'edge_of_care_social_work',
      label: 'Social worker time on the edge of care',
      states: ['edge_of_care'],
      amount: pert(2 * hourly, 3 * hourly, 5 * hourly),
      per: 'week',
      agency: 'childrens_social_care',
      cashable: false,
      source: 'assumption_social_work_time',
      priceYear: '2013-14',
      note: `3 hours a week (2-5) at ${atHourly}.`,
    },
    {
      id: 'edge_of_care_family_support',
      label: 'Intensive family support on the edge of care',
      states: ['edge_of_care'],
      amount: around(intensiveFamily.value, 0.6, 2),
      per: 'year',
      agency: 'childrens_social_care',
      cashable: false,
      source: 'troubled_families_2012',
      priceYear: '2012-13',
      note: `Troubled Families intensive intervention, about £10,000 per family (2012 cash, taken as 2012-13). ${intensiveFamily.explanation}. Secondary report; family intervention projects were cited at up to £20,000 a year, hence the range.`,
    },
    {
      id: 'early_help_keywork',
      label: 'Early help keywork',
      states: ['early_help'],
      amount: around(0.4 * intensiveFamily.value, 0.5, 1.8),
      per: 'year',
      agency: 'childrens_social_care',
      cashable: false,
      source: 'assumption_early_help',
      priceYear: '2012-13',
      note: `40% of the intensive family intervention cost (${intensiveFamily.explanation}).`,
    },
    {
      id: 'pupil_premium_plus',
      label: 'Pupil premium plus (virtual school)',
      states: ['@looked_after'],
      minAgeYears: 4,
      maxAgeYears: 16,
      amount: { type: 'fixed', value: 2570 },
      per: 'year',
      agency: 'education',
      source: 'pupil_premium_plus_2024',
      priceYear: '2024-25',
      note: 'The 2024-25 grant rate per looked-after child of school age (reception to year 11), managed by the virtual school head: already in base-year prices.',
    },
    {
      id: 'camhs_residential',
      label: 'Community CAMHS for children in residential and secure care',
      states: ['residential', 'secure_home'],
      amount: pert(0.25 * camhsReferral.value, 0.5 * camhsReferral.value, camhsReferral.value),
      per: 'year',
      agency: 'health',
      cashable: false,
      source: 'assumption_camhs_use',
      priceYear: '2016-17',
      note: `0.5 referrals a year (0.25-1) at ${formatPounds(camhsReferral.value)} a referral (${camhsReferral.explanation}).`,
    },
    {
      id: 'camhs_other',
      label: 'Community CAMHS for other looked-after children and on the edge of care',
      states: ['kinship_foster', 'inhouse_foster', 'ifa_foster', 'supported_accommodation', 'placed_for_adoption', 'placed_with_parents', 'other_placement', 'edge_of_care'],
      amount: pert(0.05 * camhsReferral.value, 0.15 * camhsReferral.value, 0.3 * camhsReferral.value),
      per: 'year',
      agency: 'health',
      cashable: false,
      source: 'assumption_camhs_use',
      priceYear: '2016-17',
      note: `0.15 referrals a year (0.05-0.3) at ${formatPounds(camhsReferral.value)} a referral (${camhsReferral.explanation}).`,
    },
    {
      id: 'youth_custody_place',
      label: 'Youth custody place',
      states: ['youth_custody'],
      amount: pert(0.9 * yoiChild.value, yoiChild.value, stcChild.value),
      per: 'year',
      agency: 'youth_justice',
      cashable: false,
      source: 'cc_secure_custody_2019',
      priceYear: '2018-19',
      note: `Most children in custody are in young offender institutions: mode the YOI cost, ${yoiChild.explanation}; the range reaches the secure training centre cost, ${stcChild.explanation}. Not cashable: custody places are largely fixed costs.`,
    },
    {
      id: 'young_adult_custody_place',
      label: 'Custody place, 18-20 (young offender institution)',
      states: ['adult_custody'],
      minAgeYears: 18,
      maxAgeYears: 21,
      amount: around(yoiYoungAdult.value, 0.85, 1.3),
      per: 'year',
      agency: 'youth_justice',
      cashable: false,
      source: 'moj_yoi_cost_2024',
      priceYear: '2022-23',
      note: `MoJ cost per place in male young offender institutions. ${yoiYoungAdult.explanation}. The model has no adult-justice agency: custody after 18 is booked to youth_justice, read it as "justice".`,
    },
    {
      id: 'adult_custody_place',
      label: 'Custody place, 21 and over',
      states: ['adult_custody'],
      minAgeYears: 21,
      amount: around(prisoner.value, 0.85, 1.25),
      per: 'year',
      agency: 'youth_justice',
      cashable: false,
      source: 'moj_prisoner_cost_2024',
      priceYear: '2022-23',
      note: `MoJ average cost per prisoner. ${prisoner.explanation}. Booked to youth_justice, read it as "justice".`,
    },
    {
      id: 'personal_adviser',
      label: 'Personal adviser for a care leaver',
      states: ['@care_leaver'],
      amount: pert(0.8 * hourly, 1.2 * hourly, 2 * hourly),
      per: 'week',
      agency: 'childrens_social_care',
      cashable: false,
      source: 'assumption_personal_adviser',
      priceYear: '2013-14',
      note: `1.2 hours a week (0.8-2) at ${atHourly}.`,
    },
    {
      id: 'staying_put_allowance',
      label: 'Staying put allowance',
      states: ['staying_put'],
      amount: around(stayingPut.value, 0.9, 1.6),
      per: 'year',
      agency: 'childrens_social_care',
      source: 'staying_put_grant_2014',
      priceYear: '2014-15',
      note: `DfE grant per staying put arrangement as the cost. ${stayingPut.explanation}. The grant is not the full cost to the authority, so the range runs above it.`,
    },
    {
      id: 'supported_lodgings_cost',
      label: 'Supported lodgings or semi-independent accommodation (care leavers)',
      states: ['supported_lodgings'],
      amount: around(supported.value, 0.4, 1.6),
      per: 'week',
      agency: 'childrens_social_care',
      source: 'lincolnshire_supported_2023',
      priceYear: '2023',
      note: `The one authority’s average for supported accommodation for looked-after children and care leavers aged 16-18, used for care leavers: ${supported.explanation}. Supported lodgings with a host cost less (the source’s minimum is £260), hence the range.`,
    },
    {
      id: 'universal_credit_neet',
      label: 'Universal Credit standard allowance while NEET',
      states: ['independent_neet'],
      minAgeYears: 18,
      amount: pert(0.8 * 311.68, 311.68, 2 * 311.68),
      per: 'month',
      agency: 'welfare',
      source: 'cpag_universal_credit_2024',
      priceYear: '2024-25',
      note: 'Standard allowance for a single claimant under 25, £311.68 a month in 2024-25 (base-year prices). The range runs down for sanctions and non-claiming and up to twice the allowance for the housing costs element, which is otherwise left out.',
    },
    {
      id: 'homelessness_services',
      label: 'Homelessness services',
      states: ['homeless'],
      amount: around(homelessServices.value * perYearFrom90Days, 0.5, 1.8),
      per: 'year',
      agency: 'housing',
      cashable: false,
      source: 'crisis_homelessness_2016',
      priceYear: '2015-16',
      note: `£3,702 per 90 days for homeless services; ${homelessServices.explanation} per 90 days, × 365.25/90 for a year. Small study (n=86) of long-term homeless adults: wide range.`,
    },
    {
      id: 'homelessness_health',
      label: 'Health care while homeless (NHS, mental health, drug and alcohol)',
      states: ['homeless'],
      amount: around(homelessHealth.value * perYearFrom90Days, 0.5, 1.8),
      per: 'year',
      agency: 'health',
      cashable: false,
      source: 'crisis_homelessness_2016',
      priceYear: '2015-16',
      note: `£1,075 NHS + £525 mental health + £330 drug and alcohol per 90 days; ${homelessHealth.explanation} per 90 days, × 365.25/90 for a year.`,
    },
    {
      id: 'homelessness_justice',
      label: 'Criminal justice costs while homeless',
      states: ['homeless'],
      amount: around(homelessJustice.value * perYearFrom90Days, 0.5, 1.8),
      per: 'year',
      agency: 'youth_justice',
      cashable: false,
      source: 'crisis_homelessness_2016',
      priceYear: '2015-16',
      note: `£2,998 per 90 days; ${homelessJustice.explanation} per 90 days, × 365.25/90 for a year. Booked to youth_justice, read it as "justice".`,
    },
    {
      id: 'sgo_allowance',
      label: 'Special guardianship allowance',
      states: ['sgo'],
      amount: pert(0.4 * allowance.value, 0.8 * allowance.value, allowance.value),
      per: 'week',
      agency: 'childrens_social_care',
      source: 'assumption_sgo_allowance',
      priceYear: '2019-20',
      note: `80% (40-100%) of the minimum fostering allowance, ${allowance.explanation}.`,
    },
  ];
}

function eventCosts(): EventCostSpec[] {
  const hourly = socialWorkerHour.value;
  const interAgency = uprate(27_000, '2016-17');
  return [
    {
      id: 'entering_care',
      label: 'Entering care (assessment, planning, finding a placement)',
      from: ['@community', '@edge_of_care', '@permanence', '@custody'],
      to: ['@looked_after'],
      amount: pert(25 * hourly, 40 * hourly, 80 * hourly),
      agency: 'childrens_social_care',
      cashable: false,
      source: 'assumption_event_time',
      note: `40 hours (25-80) at ${atHourly}. Court and legal fees are not included.`,
    },
    {
      id: 'placement_move',
      label: 'Placement move',
      from: ['@looked_after'],
      to: ['@looked_after'],
      amount: pert(8 * hourly, 15 * hourly, 30 * hourly),
      agency: 'childrens_social_care',
      cashable: false,
      includeWithinStateMoves: true,
      source: 'assumption_event_time',
      note: `15 hours (8-30) at ${atHourly}; also charged on moves between two placements of the same kind.`,
    },
    {
      id: 'adoption_fee',
      label: 'Adoption (inter-agency fee as proxy)',
      from: ['@looked_after'],
      to: ['adopted'],
      amount: around(interAgency.value, 0.85, 1.5),
      agency: 'childrens_social_care',
      source: 'dfe_interagency_fee_2017',
      note: `Minimum inter-agency fee, £27,000 c.2015-2017 taken as 2016-17: ${interAgency.explanation}. Higher for sibling groups.`,
    },
  ];
}

function interventions(): InterventionSpec[] {
  const mst = uprate(2285, '2010-11');
  const hourly = socialWorkerHour.value;
  const fftLow = uprate(500, '2016-17');
  const fftMid = uprate(750, '2016-17');
  const fftHigh = uprate(1500, '2016-17');
  const care = ['@looked_after'];
  return [
    {
      id: 'mst',
      label: 'Multisystemic therapy (MST)',
      eligibility: { states: ['edge_of_care', 'cin_cp'], minAgeYears: 11, maxAgeYears: 18 },
      cost: { oneOff: pert(0.8 * mst.value, mst.value, 3 * mst.value), durationMonths: 4, agency: 'childrens_social_care' },
      effectDurationMonths: 18,
      effects: [
        { from: ['edge_of_care', 'cin_cp'], to: care, multiplier: multiplier(0.6, 0.9, 1.3) },
        { from: ['edge_of_care', 'cin_cp'], to: ['youth_custody'], multiplier: multiplier(0.6, 0.9, 1.3) },
      ],
      source: 'mst_uk_cost_2013',
      note: `Cost: ${mst.explanation} (price year not stated, taken as 2010-11); the range runs to three times that because the source likely understates a current MST team’s cost. Effect: the English START trial (start_trial_2018) found no significant effect on out-of-home placement at 18 months (OR 1.25, 0.77-2.05) while US trials were favourable, so entries to care and custody × 0.9 with a range that includes harm (0.6-1.3), for the 18 months START followed. Ages 11-17 as in START.`,
    },
    {
      id: 'fft',
      label: 'Functional family therapy (FFT)',
      eligibility: { states: ['edge_of_care', 'cin_cp', 'early_help'], minAgeYears: 10, maxAgeYears: 18 },
      cost: { oneOff: pert(fftLow.value, fftMid.value, fftHigh.value), durationMonths: 4, agency: 'childrens_social_care' },
      effectDurationMonths: 12,
      effects: [{ from: ['edge_of_care', 'cin_cp', 'early_help'], to: care, multiplier: multiplier(0.7, 0.9, 1.1) }],
      source: 'eif_fft_2018',
      note: `EIF cost rating 3 (£500-£999 per child on the commonly cited, unverified mapping; taken as 2016-17 prices): mode £750 → ${fftMid.explanation}, range £500-£1,500. 8-30 weekly sessions (about 4 months). EIF evidence rating 3 with mixed findings: entries to care × 0.9 (0.7-1.1) for a year.`,
    },
    {
      id: 'family_group_conference',
      label: 'Family group conference',
      eligibility: { states: ['cin_cp', 'edge_of_care'], maxAgeYears: 18 },
      cost: { oneOff: pert(20 * hourly, 30 * hourly, 50 * hourly), durationMonths: 2, agency: 'childrens_social_care' },
      effectDurationMonths: 12,
      effects: [
        { from: ['cin_cp', 'edge_of_care'], to: ['inhouse_foster', 'ifa_foster', 'residential', 'secure_home', 'supported_accommodation'], multiplier: multiplier(0.6, 0.85, 1.05) },
        { from: ['cin_cp', 'edge_of_care'], to: ['kinship_foster'], multiplier: multiplier(1, 1.3, 1.8) },
      ],
      source: 'assumption_fgc',
      note: `30 hours (20-50) at ${atHourly}.`,
    },
    {
      id: 'therapeutic_step_down',
      label: 'Therapeutic support for step-down from residential care',
      // Starts in residential care or at the step-down itself, in the foster placement it is meant to hold.
      eligibility: { states: ['residential', 'inhouse_foster', 'ifa_foster', 'kinship_foster'], minAgeYears: 8, maxAgeYears: 18 },
      cost: { perWeek: pert(250, 400, 700), durationMonths: 12, agency: 'childrens_social_care' },
      effectDurationMonths: 18,
      effects: [
        { from: ['residential'], to: ['inhouse_foster', 'ifa_foster', 'kinship_foster'], multiplier: multiplier(1.2, 1.8, 3) },
        { from: ['inhouse_foster', 'ifa_foster', 'kinship_foster'], to: ['residential'], multiplier: multiplier(0.5, 0.75, 1) },
      ],
      source: 'assumption_therapeutic_step_down',
      note: `Assumed costs are in ${PRICE_BASE_YEAR} prices.`,
    },
    {
      id: 'guardian_mentor',
      label: 'Guardian mentor for care leavers',
      eligibility: { states: ['@care_leaver'], minAgeYears: 18, maxAgeYears: 25 },
      cost: { perWeek: pert(30, 50, 90), durationMonths: 12, agency: 'childrens_social_care' },
      effectDurationMonths: 18,
      effects: [
        { from: ['staying_put', 'supported_lodgings', 'independent_eet'], to: ['independent_neet'], multiplier: multiplier(0.7, 0.9, 1.05) },
        { from: ['independent_neet'], to: ['independent_eet'], multiplier: multiplier(0.95, 1.15, 1.4) },
        { from: ['@care_leaver'], to: ['homeless'], multiplier: multiplier(0.6, 0.85, 1.05) },
      ],
      source: 'assumption_guardian_mentor',
      note: `Assumed costs are in ${PRICE_BASE_YEAR} prices.`,
    },
    {
      id: 'staying_put_support',
      label: 'Enhanced staying put support',
      eligibility: { states: ['staying_put'], minAgeYears: 18, maxAgeYears: 21 },
      cost: { perWeek: pert(40, 75, 150), durationMonths: 24, agency: 'childrens_social_care' },
      effects: [
        {
          from: ['staying_put'],
          to: ['supported_lodgings', 'independent_eet', 'independent_neet', 'homeless', 'adult_custody'],
          multiplier: multiplier(0.5, 0.7, 0.9),
        },
      ],
      source: 'assumption_staying_put_support',
      note: `Assumed costs are in ${PRICE_BASE_YEAR} prices.`,
    },
  ];
}

function rateFactors(): RateFactorSpec[] {
  return [
    {
      id: 'entry_to_care',
      label: 'Entry to care',
      from: ['@community', '@edge_of_care'],
      to: ['@looked_after'],
      multiplier: { type: 'lognormal', mean: 1, sd: 0.15 },
      source: 'dfe_cla_2024',
    },
    {
      id: 'exits_from_care',
      label: 'Exits from care (return home, special guardianship, adoption)',
      from: ['@looked_after'],
      to: ['@permanence'],
      multiplier: { type: 'lognormal', mean: 1, sd: 0.15 },
      source: 'familylaw_cla_2019',
    },
    {
      id: 'placement_breakdown',
      label: 'Placement breakdown (moves between kinds of placement)',
      from: ['@looked_after'],
      to: ['@looked_after'],
      multiplier: { type: 'lognormal', mean: 1, sd: 0.2 },
      source: 'dfe_placement_changes_2024',
    },
    {
      id: 'care_leaver_neet',
      label: 'Care leavers becoming NEET',
      from: ['staying_put', 'supported_lodgings', 'independent_eet'],
      to: ['independent_neet'],
      multiplier: { type: 'lognormal', mean: 1, sd: 0.15 },
      source: 'dfe_care_leavers_neet_2017',
    },
  ];
}

/** The price years of the figures uprated above, for the record of index values used. */
const USED_PERIODS = [PRICE_BASE_YEAR, '2023-24', '2022-23', '2019-20', '2018-19', '2016-17', '2015-16', '2014-15', '2013-14', '2012-13', '2010-11', '2023'];

export function buildEnglandDefaultModel(): CostModelSpec {
  const index = (period: string) => deflatorIndex(period).toFixed(3);
  return {
    $schema: './model.schema.json',
    id: ENGLAND_DEFAULT_ID,
    version: ENGLAND_DEFAULT_VERSION,
    name: 'England default',
    description:
      'Care pathways and lifetime public costs to age 25 for children and young people in England: the 24 default care states, monthly transition rates per age band set to reproduce national statistics, unit costs from published sources uprated to one price base, and commissionable interventions with uncertain effects. A starting point: local models calibrated from SSDA903 returns should replace the rates.',
    currency: 'GBP',
    priceBaseYear: PRICE_BASE_YEAR,
    uprating: `Every source figure is brought to ${PRICE_BASE_YEAR} prices with the GDP deflator, as the Green Book asks (hmt_green_book_deflator): factor = index(${PRICE_BASE_YEAR}) / index(price year), using ONS series YBGB (2022 = 100, release of 30 June 2025; ons_gdp_deflator_2025), financial years as the mean of their April-March quarters. Index values: ${USED_PERIODS.map((p) => `${p} ${index(p)}`).join(', ')} (2023 is a calendar year). ${PRICE_BASE_YEAR} is the latest complete financial year in that release, so no forecast is used. Each cost’s note gives its own factor.`,
    deflator: {
      index: deflatorTable(),
      source: 'obr_efo_march_2025',
      note: `${PRICE_BASE_YEAR}: ONS YBGB outturn (ons_gdp_deflator_2025). Later years: the previous year × (1 + growth), growth ${DEFLATOR_FORECAST_GROWTH.map((g) => `${g.financialYear} ${(g.growth * 100).toFixed(1)}%`).join(', ')}: an assumption at the inflation target to which the OBR's March 2025 forecast returns, pending transcription of the OBR's GDP deflator forecast table (see obr_efo_march_2025). Years after the last hold its index.`,
    },
    horizonAgeYears: 25,
    discounting: {
      periods: [
        { fromYear: 0, rate: 0.035 },
        { fromYear: 31, rate: 0.03 },
      ],
      source: 'hmt_green_book_discounting',
    },
    ageBands: AGE_BANDS,
    states: states(),
    transitions: monthlyTransitions(),
    ageTransitions: ageTransitions(),
    transitionSources: [
      { describes: 'How the monthly rates were set (judgement, calibrated to the figures below)', source: 'assumption_rate_calibration' },
      { describes: 'Children looked after: 70 per 10,000, starters, leavers, adoptions', source: 'dfe_cla_2024' },
      { describes: 'Age of children starting care (a quarter aged 10-15)', source: 'dfe_cla_starters_2024' },
      { describes: 'Children looked after on 31 March 2024 by age band and placement type (the shares the stock from birth is tuned to)', source: 'dfe_cla_2024_shares' },
      { describes: 'Children in need: 333 per 10,000 and episode length', source: 'dfe_cin_2024' },
      { describes: 'Exits: return home, adoption', source: 'familylaw_cla_2018' },
      { describes: 'Exits: adoption and special guardianship shares', source: 'familylaw_cla_2019' },
      { describes: 'Placement mix: foster, kinship, children’s homes, supported accommodation', source: 'sufficiency_placement_mix_2024' },
      { describes: 'Supported accommodation: 41% of 16-17-year-olds in care', source: 'article39_supported_2023' },
      { describes: 'Placement stability: 3+ placements in two years', source: 'dfe_cla_stability_2024' },
      { describes: 'Placement changes and their reasons', source: 'dfe_placement_changes_2024' },
      { describes: 'Placement moves in residential care', source: 'nao_residential_moves_2025' },
      { describes: 'Staying put at 18, 19 and 20', source: 'dfe_staying_put_2020' },
      { describes: 'Staying put at 18 (60%) and at 19-20 (30%), 2020-21', source: 'cypnow_leaving_care_2022' },
      { describes: 'Care leavers NEET at 18', source: 'cypnow_neet_18_2017' },
      { describes: 'Care leavers NEET at 19-21 (40%)', source: 'dfe_care_leavers_neet_2017' },
      { describes: 'Edge of care: out-of-home placement among adolescents at risk (START trial)', source: 'start_trial_2018' },
    ],
    rateUncertainty: { concentration: 3000 },
    rateFactors: rateFactors(),
    unitCosts: unitCosts(),
    eventCosts: eventCosts(),
    interventions: interventions(),
    sources: {
      ...SOURCES,
      obr_efo_march_2025: {
        title: 'Economic and fiscal outlook – March 2025',
        publisher: 'Office for Budget Responsibility',
        year: '2025',
        url: 'https://obr.uk/efo/economic-and-fiscal-outlook-march-2025/',
        note: 'Forecast to 2029-30 (CPI 3.2% in 2025, 2.1% in 2026, 2% from 2027). The GDP deflator forecast (detailed forecast tables, economy, Table 1.7) should supply the deflator growth after 2024-25; until transcribed the model assumes 2.0% a year (see the model’s deflator note).',
      },
      ons_gdp_deflator_2025: {
        ...SOURCES.ons_gdp_deflator_2025,
        note: `${DEFLATOR_SERIES}. Financial-year index = mean of the April-March quarters: ${USED_PERIODS.map((p) => `${p} ${index(p)}`).join(', ')}.`,
      },
    },
  };
}

/** The text of models/england-default.json. */
export function englandDefaultModelText(): string {
  return `${JSON.stringify(buildEnglandDefaultModel(), null, 2)}\n`;
}
