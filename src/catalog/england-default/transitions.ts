/**
 * Monthly transition probabilities of the England default model, per age band, and the age
 * transitions at 18 and 21.
 *
 * No published source gives monthly rates between these states (see
 * assumption_rate_calibration): they were set so that the chain, propagated exactly, reproduces
 * the national aggregates cited in the model's transitionSources. The figures each group of
 * rates was aimed at are in the comments; test/models/england-default.test.ts checks the
 * results. Rows list exits only; the probability of staying is what is left.
 */

type Exits = Record<string, number>;
type Rows = Record<string, Exits>;

/** A row: the exits as given and the remainder on the state itself. */
export function row(self: string, exits: Exits): Record<string, number> {
  let total = 0;
  for (const p of Object.values(exits)) total += p;
  if (total > 1) throw new RangeError(`exits from ${self} sum to ${total}`);
  return { [self]: Number((1 - total).toFixed(12)), ...exits };
}

/** A full destination distribution (age transitions); throws unless it sums to 1. */
export function distribution(to: Exits): Record<string, number> {
  let total = 0;
  for (const p of Object.values(to)) total += p;
  if (Math.abs(total - 1) > 1e-12) throw new RangeError(`age transition sums to ${total}`);
  return to;
}

export const AGE_BANDS = [
  { id: 'under-1', fromYears: 0, toYears: 1 },
  { id: '1-4', fromYears: 1, toYears: 5 },
  { id: '5-9', fromYears: 5, toYears: 10 },
  { id: '10-15', fromYears: 10, toYears: 16 },
  { id: '16-17', fromYears: 16, toYears: 18 },
  { id: '18-20', fromYears: 18, toYears: 21 },
  { id: '21-24', fromYears: 21, toYears: 25 },
];

// Permanence states are left rarely: special guardianship and adoption breakdown are a few per
// cent over childhood (DfE records returns to care after permanence but no breakdown rate).
const permanenceRows = (older: boolean): Rows => ({
  sgo: { cin_cp: 0.0006, kinship_foster: 0.0002, inhouse_foster: 0.0002, ...(older ? { residential: 0.0001 } : {}) },
  adopted: { cin_cp: 0.0002, inhouse_foster: 0.0001, ...(older ? { residential: 0.0001 } : {}) },
});

/**
 * The three placements added in 1.2.0 (issue 11), so that every SSDA903 PLACE code lands in a
 * state. Placed for adoption (A3-A6) ends in the adoption order after about nine months on
 * average (DfE 2024: a further 9 months from placement to the order; dfe_cla_2024_shares), or
 * rarely in a disruption back to foster care. Placed with parents (P1) ends mostly in the
 * discharge of the care order, a return home (mean about two years, an assumption: DfE gives no
 * duration); some placements break down into foster care. Other placements (Z1, Z11-Z14) are
 * short and end in a placement of a known kind or a return home.
 */
const newPlacementRows = (older: boolean): Rows => ({
  placed_for_adoption: { adopted: older ? 0.08 : 0.11, inhouse_foster: 0.002, ifa_foster: 0.001 },
  placed_with_parents: { returned_home: older ? 0.04 : 0.06, inhouse_foster: 0.002, ifa_foster: 0.001, kinship_foster: 0.001, ...(older ? { residential: 0.001 } : {}) },
  other_placement: { returned_home: 0.03, inhouse_foster: 0.01, ifa_foster: 0.01, ...(older ? { residential: 0.01 } : {}) },
});

/**
 * Under 1: the age at which most children start care. DfE 2024: about 5,200 of 33,050 starters
 * were under one (16%; dfe_cla_starters_2024), against 4,830 aged 1-4, and 5% of children looked
 * after on 31 March are under one (dfe_cla_2024_shares), so the infant rates of entry, mostly
 * through a child protection plan begun before or at birth, are four to five times those of
 * ages 1-4. Many babies are placed with parents in a parent and baby arrangement or fostered for
 * adoption; others go home or to special guardians within months. The rates were set so that the
 * stock by age matches the DfE shares (test/models/england-default.test.ts): a single rate per
 * year of age cannot concentrate entries at birth, so the stock at one year old is higher than the
 * under-1 average, and the 1-4 exits are fast to bring the 1-4 share to 14-15%.
 */
const BAND_UNDER_1: Rows = {
  home: { early_help: 0.003, cin_cp: 0.004, edge_of_care: 0.0001, inhouse_foster: 0.0005, ifa_foster: 0.00025, kinship_foster: 0.00025, placed_with_parents: 0.00012 },
  early_help: { home: 0.05, cin_cp: 0.02, edge_of_care: 0.002 },
  edge_of_care: { cin_cp: 0.05, early_help: 0.01, home: 0.005, kinship_foster: 0.015, inhouse_foster: 0.025, ifa_foster: 0.012, placed_with_parents: 0.006 },
  cin_cp: { home: 0.02, early_help: 0.015, edge_of_care: 0.006, kinship_foster: 0.003, inhouse_foster: 0.006, ifa_foster: 0.003, placed_with_parents: 0.0012, residential: 0.0002 },
  kinship_foster: { sgo: 0.02, returned_home: 0.03, placed_for_adoption: 0.002, inhouse_foster: 0.002, ifa_foster: 0.001, placed_with_parents: 0.004 },
  inhouse_foster: { placed_for_adoption: 0.02, sgo: 0.006, returned_home: 0.03, kinship_foster: 0.004, ifa_foster: 0.002, placed_with_parents: 0.005 },
  ifa_foster: { placed_for_adoption: 0.018, sgo: 0.006, returned_home: 0.028, inhouse_foster: 0.004, kinship_foster: 0.003, placed_with_parents: 0.005 },
  residential: { inhouse_foster: 0.05, ifa_foster: 0.03, placed_with_parents: 0.04, returned_home: 0.02 },
  ...newPlacementRows(false),
  ...permanenceRows(false),
  returned_home: { home: 0.02, cin_cp: 0.01, kinship_foster: 0.002, inhouse_foster: 0.005, ifa_foster: 0.003 },
};

/**
 * 1-4: exits from care are by adoption, special guardianship and return home (DfE 2018-19:
 * adoption 12%, SGO 13% of all exits, nearly all of them young children; return home about 31%).
 * Most adoptions follow a placement for adoption at 1-4 (average age at adoption 3 years 4
 * months, DfE 2024).
 */
const BAND_1_4: Rows = {
  home: { early_help: 0.0025, cin_cp: 0.0012, edge_of_care: 0.00005, inhouse_foster: 0.00002, ifa_foster: 0.00001, kinship_foster: 0.00001 },
  early_help: { home: 0.06, cin_cp: 0.012, edge_of_care: 0.001 },
  edge_of_care: { cin_cp: 0.05, early_help: 0.01, home: 0.005, kinship_foster: 0.008, inhouse_foster: 0.012, ifa_foster: 0.006, placed_with_parents: 0.002 },
  cin_cp: { home: 0.03, early_help: 0.02, edge_of_care: 0.004, kinship_foster: 0.0007, inhouse_foster: 0.001, ifa_foster: 0.0006, placed_with_parents: 0.0002, residential: 0.00005 },
  kinship_foster: { sgo: 0.085, returned_home: 0.05, placed_for_adoption: 0.002, inhouse_foster: 0.002, ifa_foster: 0.001, placed_with_parents: 0.003 },
  inhouse_foster: { placed_for_adoption: 0.025, sgo: 0.036, returned_home: 0.05, kinship_foster: 0.003, ifa_foster: 0.003, placed_with_parents: 0.003, residential: 0.0002 },
  ifa_foster: { placed_for_adoption: 0.022, sgo: 0.031, returned_home: 0.045, inhouse_foster: 0.004, kinship_foster: 0.002, placed_with_parents: 0.003, residential: 0.0003 },
  residential: { inhouse_foster: 0.05, ifa_foster: 0.03, returned_home: 0.02 },
  ...newPlacementRows(false),
  ...permanenceRows(false),
  returned_home: { home: 0.02, cin_cp: 0.01, kinship_foster: 0.002, inhouse_foster: 0.005, ifa_foster: 0.003 },
};

/** 5-9: fewer adoptions; entries about 15% of starters. */
const BAND_5_9: Rows = {
  home: { early_help: 0.0025, cin_cp: 0.0011, edge_of_care: 0.00008, inhouse_foster: 0.00001, ifa_foster: 0.00001 },
  early_help: { home: 0.06, cin_cp: 0.011, edge_of_care: 0.002 },
  edge_of_care: { cin_cp: 0.045, early_help: 0.012, home: 0.006, kinship_foster: 0.004, inhouse_foster: 0.005, ifa_foster: 0.005, residential: 0.0008 },
  cin_cp: { home: 0.03, early_help: 0.02, edge_of_care: 0.005, kinship_foster: 0.0006, inhouse_foster: 0.0008, ifa_foster: 0.0007, residential: 0.0001, placed_with_parents: 0.0002 },
  kinship_foster: { sgo: 0.016, returned_home: 0.016, placed_for_adoption: 0.0005, inhouse_foster: 0.002, ifa_foster: 0.0015, residential: 0.0003, placed_with_parents: 0.002 },
  inhouse_foster: { placed_for_adoption: 0.003, sgo: 0.007, returned_home: 0.019, kinship_foster: 0.002, ifa_foster: 0.004, residential: 0.0012, placed_with_parents: 0.003 },
  ifa_foster: { placed_for_adoption: 0.002, sgo: 0.006, returned_home: 0.018, inhouse_foster: 0.003, kinship_foster: 0.001, residential: 0.0018, placed_with_parents: 0.003 },
  residential: { returned_home: 0.01, inhouse_foster: 0.015, ifa_foster: 0.015, kinship_foster: 0.002, other_placement: 0.001 },
  ...newPlacementRows(false),
  ...permanenceRows(false),
  returned_home: { home: 0.018, cin_cp: 0.01, edge_of_care: 0.002, kinship_foster: 0.001, inhouse_foster: 0.003, ifa_foster: 0.003, residential: 0.0003 },
};

/**
 * 10-15: the edge-of-care band. Entry from the edge of care about 1.5% a month (a third of a
 * cohort within two years, allowing for de-escalation to child in need and early help at about
 * 5% a month); residential takes a larger share of adolescent entries and of breakdowns (carer
 * asked for the placement to end because of behaviour: 8% of changes). Youth custody is short
 * (3-6 months).
 */
const BAND_10_15: Rows = {
  home: { early_help: 0.002, cin_cp: 0.0012, edge_of_care: 0.00015, inhouse_foster: 0.00001, ifa_foster: 0.00001, youth_custody: 0.00001 },
  early_help: { home: 0.06, cin_cp: 0.012, edge_of_care: 0.003, youth_custody: 0.00005 },
  edge_of_care: {
    cin_cp: 0.03,
    early_help: 0.012,
    home: 0.005,
    kinship_foster: 0.002,
    inhouse_foster: 0.005,
    ifa_foster: 0.0065,
    residential: 0.0055,
    secure_home: 0.0003,
    youth_custody: 0.0015,
    placed_with_parents: 0.001,
    other_placement: 0.001,
  },
  cin_cp: {
    home: 0.03,
    early_help: 0.02,
    edge_of_care: 0.008,
    kinship_foster: 0.0004,
    inhouse_foster: 0.0006,
    ifa_foster: 0.0006,
    residential: 0.0002,
    secure_home: 0.00002,
    youth_custody: 0.0002,
  },
  kinship_foster: { sgo: 0.008, returned_home: 0.012, inhouse_foster: 0.002, ifa_foster: 0.002, residential: 0.001, youth_custody: 0.0002, placed_with_parents: 0.002 },
  inhouse_foster: { returned_home: 0.014, sgo: 0.003, placed_for_adoption: 0.0002, kinship_foster: 0.001, ifa_foster: 0.004, residential: 0.0036, secure_home: 0.0001, youth_custody: 0.0003, placed_with_parents: 0.003, other_placement: 0.0006 },
  ifa_foster: { returned_home: 0.013, sgo: 0.002, inhouse_foster: 0.002, kinship_foster: 0.001, residential: 0.0048, secure_home: 0.0001, youth_custody: 0.0003, placed_with_parents: 0.003, other_placement: 0.0006 },
  residential: { returned_home: 0.014, inhouse_foster: 0.004, ifa_foster: 0.006, kinship_foster: 0.001, secure_home: 0.001, youth_custody: 0.002, placed_with_parents: 0.002, other_placement: 0.005 },
  secure_home: { residential: 0.15, ifa_foster: 0.03, inhouse_foster: 0.01, returned_home: 0.02, youth_custody: 0.01 },
  youth_custody: { cin_cp: 0.1, edge_of_care: 0.03, home: 0.03, residential: 0.02, ifa_foster: 0.01 },
  ...newPlacementRows(true),
  ...permanenceRows(true),
  returned_home: {
    home: 0.015,
    cin_cp: 0.012,
    edge_of_care: 0.004,
    kinship_foster: 0.0005,
    inhouse_foster: 0.002,
    ifa_foster: 0.002,
    residential: 0.0008,
    youth_custody: 0.0003,
  },
};

/**
 * 16-17: supported accommodation takes 41% of looked-after 16-17-year-olds (Article 39 / DfE 2023);
 * most moves into care at this age are into it.
 */
const BAND_16_17: Rows = {
  // Entries from home straight into supported accommodation or agency foster care stand for
  // unaccompanied asylum-seeking children (7,380 looked after in 2024, nearly all 16-17;
  // dfe_cla_2024), whom a chain from birth cannot otherwise produce: 29% of starters are 16 or over
  // (dfe_cla_starters_2024) and 27% of children looked after (dfe_cla_2024_shares).
  home: { early_help: 0.0015, cin_cp: 0.001, edge_of_care: 0.0002, supported_accommodation: 0.00045, ifa_foster: 0.00012, youth_custody: 0.00003 },
  early_help: { home: 0.07, cin_cp: 0.01, edge_of_care: 0.002, supported_accommodation: 0.0002, youth_custody: 0.00005 },
  edge_of_care: {
    cin_cp: 0.03,
    early_help: 0.01,
    home: 0.01,
    supported_accommodation: 0.006,
    kinship_foster: 0.001,
    inhouse_foster: 0.002,
    ifa_foster: 0.003,
    residential: 0.003,
    secure_home: 0.0002,
    youth_custody: 0.002,
  },
  cin_cp: {
    home: 0.035,
    early_help: 0.015,
    edge_of_care: 0.006,
    supported_accommodation: 0.0015,
    kinship_foster: 0.0002,
    inhouse_foster: 0.0003,
    ifa_foster: 0.0005,
    residential: 0.0003,
    youth_custody: 0.0003,
  },
  kinship_foster: { sgo: 0.004, returned_home: 0.006, supported_accommodation: 0.006, ifa_foster: 0.001, residential: 0.0005, youth_custody: 0.0002, placed_with_parents: 0.001 },
  inhouse_foster: { returned_home: 0.006, sgo: 0.001, supported_accommodation: 0.016, kinship_foster: 0.0005, ifa_foster: 0.003, residential: 0.002, youth_custody: 0.0003, placed_with_parents: 0.002 },
  ifa_foster: { returned_home: 0.006, sgo: 0.0005, supported_accommodation: 0.02, inhouse_foster: 0.001, residential: 0.003, youth_custody: 0.0003, placed_with_parents: 0.002 },
  residential: { supported_accommodation: 0.035, returned_home: 0.008, ifa_foster: 0.003, inhouse_foster: 0.001, secure_home: 0.0008, youth_custody: 0.002, other_placement: 0.005, supported_lodgings: 0.001 },
  secure_home: { residential: 0.12, supported_accommodation: 0.04, ifa_foster: 0.02, returned_home: 0.02, youth_custody: 0.01 },
  // Leaving care at 16-17 for independent living (REC E5 with support, E6 without): a few per
  // cent of 16-17-year-olds in supported accommodation a year (assumption_rate_calibration).
  supported_accommodation: {
    returned_home: 0.008,
    residential: 0.004,
    ifa_foster: 0.002,
    inhouse_foster: 0.001,
    secure_home: 0.0002,
    youth_custody: 0.002,
    other_placement: 0.003,
    supported_lodgings: 0.002,
    independent_eet: 0.0005,
    independent_neet: 0.0005,
  },
  ...newPlacementRows(true),
  // Care leavers of 16-17 (relevant children): as at 18-20, with youth custody for custody and no
  // homelessness state before 18 (a homeless 16-17-year-old is owed accommodation as a child).
  supported_lodgings: { independent_eet: 0.012, independent_neet: 0.012, youth_custody: 0.001, supported_accommodation: 0.005 },
  independent_eet: { independent_neet: 0.03, supported_lodgings: 0.004, youth_custody: 0.0005 },
  independent_neet: { independent_eet: 0.02, supported_lodgings: 0.008, youth_custody: 0.002, supported_accommodation: 0.005 },
  youth_custody: { cin_cp: 0.08, edge_of_care: 0.03, home: 0.03, supported_accommodation: 0.04, residential: 0.015 },
  sgo: { cin_cp: 0.0005, supported_accommodation: 0.0005 },
  adopted: { cin_cp: 0.0003, supported_accommodation: 0.0003 },
  returned_home: {
    home: 0.015,
    cin_cp: 0.01,
    edge_of_care: 0.003,
    supported_accommodation: 0.003,
    ifa_foster: 0.001,
    residential: 0.001,
    youth_custody: 0.0004,
  },
};

/**
 * 18-20: staying put ends at about 3.5% a month (DfE: 55-57% with former foster carers at 18,
 * 31% at 19, 21% at 20). Moves between education or work and NEET balance at about 40% of care
 * leavers aged 19-21 NEET (DfE 2017). Custody mixes care leavers and others: on release some
 * return to care-leaver states, some to the adult state.
 */
const BAND_18_20: Rows = {
  staying_put: { supported_lodgings: 0.005, independent_eet: 0.017, independent_neet: 0.007, homeless: 0.0005, adult_custody: 0.0005 },
  supported_lodgings: { independent_eet: 0.018, independent_neet: 0.018, homeless: 0.002, adult_custody: 0.0015 },
  independent_eet: { independent_neet: 0.035, supported_lodgings: 0.002, homeless: 0.001, adult_custody: 0.0007 },
  independent_neet: { independent_eet: 0.022, supported_lodgings: 0.004, homeless: 0.005, adult_custody: 0.003 },
  homeless: { supported_lodgings: 0.06, independent_neet: 0.06, independent_eet: 0.01, adult_custody: 0.008 },
  adult_custody: { independent_neet: 0.025, adult: 0.02, homeless: 0.01, supported_lodgings: 0.01 },
  adult: { adult_custody: 0.0002 },
};

/** 21-24: no staying put; supported lodgings run down. */
const BAND_21_24: Rows = {
  supported_lodgings: { independent_eet: 0.025, independent_neet: 0.015, homeless: 0.002, adult_custody: 0.001 },
  independent_eet: { independent_neet: 0.02, homeless: 0.0008, adult_custody: 0.0005 },
  independent_neet: { independent_eet: 0.025, homeless: 0.004, adult_custody: 0.0025 },
  homeless: { supported_lodgings: 0.04, independent_neet: 0.07, independent_eet: 0.01, adult_custody: 0.006 },
  adult_custody: { independent_neet: 0.02, adult: 0.025, homeless: 0.01, supported_lodgings: 0.005 },
  adult: { adult_custody: 0.00015 },
};

function rows(exits: Rows): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(exits).map(([state, e]) => [state, row(state, e)]));
}

export function monthlyTransitions(): Record<string, Record<string, Record<string, number>>> {
  return {
    'under-1': rows(BAND_UNDER_1),
    '1-4': rows(BAND_1_4),
    '5-9': rows(BAND_5_9),
    '10-15': rows(BAND_10_15),
    '16-17': rows(BAND_16_17),
    '18-20': rows(BAND_18_20),
    '21-24': rows(BAND_21_24),
  };
}

/**
 * On the 18th birthday looked-after children become care leavers. Staying put: DfE 55% (2018),
 * 57% (2019), 60% (2020-21) of those leaving foster care at 18; more from in-house carers than
 * from agency carers (Ofsted 2017-18: 58% against 40%). 31% of 18-year-old care leavers are NEET
 * (DfE 2017). Children in the community or a permanence arrangement, and most in youth custody,
 * become adults who are not care leavers. Staying put ends at 21.
 */
export function ageTransitions() {
  return [
    {
      atAgeYears: 18,
      from: ['inhouse_foster'],
      to: distribution({ staying_put: 0.7, supported_lodgings: 0.1, independent_eet: 0.09, independent_neet: 0.08, homeless: 0.01, adult_custody: 0.02 }),
      source: 'dfe_staying_put_2020',
    },
    {
      atAgeYears: 18,
      from: ['ifa_foster'],
      to: distribution({ staying_put: 0.57, supported_lodgings: 0.18, independent_eet: 0.11, independent_neet: 0.11, homeless: 0.02, adult_custody: 0.01 }),
      source: 'dfe_staying_put_2020',
    },
    {
      atAgeYears: 18,
      from: ['kinship_foster'],
      to: distribution({ staying_put: 0.62, supported_lodgings: 0.1, independent_eet: 0.14, independent_neet: 0.11, homeless: 0.01, adult_custody: 0.02 }),
      source: 'dfe_staying_put_2020',
    },
    {
      atAgeYears: 18,
      from: ['residential', 'supported_accommodation', 'other_placement'],
      to: distribution({ supported_lodgings: 0.55, independent_eet: 0.17, independent_neet: 0.2, homeless: 0.05, adult_custody: 0.03 }),
      source: 'cypnow_neet_18_2017',
    },
    {
      atAgeYears: 18,
      from: ['secure_home'],
      to: distribution({ supported_lodgings: 0.45, independent_eet: 0.1, independent_neet: 0.25, homeless: 0.08, adult_custody: 0.12 }),
      source: 'cypnow_neet_18_2017',
    },
    {
      // Placed with parents at 18 (and the rare placement for adoption still open): a care leaver
      // living with family, independent in or out of education, employment or training in the
      // proportions of the other leaving-care rows.
      atAgeYears: 18,
      from: ['placed_with_parents', 'placed_for_adoption'],
      to: distribution({ independent_eet: 0.5, independent_neet: 0.4, supported_lodgings: 0.08, adult_custody: 0.02 }),
      source: 'cypnow_neet_18_2017',
    },
    {
      atAgeYears: 18,
      from: ['youth_custody'],
      to: distribution({ adult_custody: 0.55, adult: 0.45 }),
      source: 'assumption_rate_calibration',
    },
    {
      atAgeYears: 18,
      from: ['@community', '@edge_of_care', '@permanence'],
      to: distribution({ adult: 1 }),
      source: 'assumption_rate_calibration',
    },
    // Care leavers of 16-17 stay where they are on the 18th birthday: their monthly rows at 17
    // reach states that end at 18 (supported accommodation, youth custody), so without these
    // rules the month of the birthday would use them.
    ...['supported_lodgings', 'independent_eet', 'independent_neet'].map((state) => ({
      atAgeYears: 18,
      from: [state],
      to: distribution({ [state]: 1 }),
      source: 'assumption_rate_calibration',
    })),
    {
      atAgeYears: 21,
      from: ['staying_put'],
      to: distribution({ supported_lodgings: 0.15, independent_eet: 0.6, independent_neet: 0.22, homeless: 0.02, adult_custody: 0.01 }),
      source: 'dfe_staying_put_2020',
    },
  ];
}

/**
 * Monthly probability of a move between two placements of the same kind.
 *
 * Set so that, with the moves between kinds of placement in the rows above, the stationary stock
 * from birth reproduces the published placement stability: 9.6% of children looked after on 31
 * March with three or more placements in the year (DfE, 10% in each year 2022-2024), 14.6% in
 * children's homes (NAO: one in seven moved at least twice in the year to March 2024), and 0.67
 * placement moves per child-year (DfE 2023-24: 66,070 placement changes against 83,630 children
 * looked after, 0.79 a child, of which 24% a change of status only, so 0.60 moves of carer).
 * test/models/england-default.test.ts computes these exactly. Model 1.4.0 and before had half the
 * foster rates and two thirds of the others (0.008, 0.025, 0.028, 0.035, ...): its stock had 4.7%
 * with three or more placements, which review finding 6 of issue 17 saw as projected 5.4%
 * against 12.4% measured on the demo's history.
 */
export const WITHIN_STATE_MOVES: Record<string, number> = {
  kinship_foster: 0.016,
  inhouse_foster: 0.05,
  ifa_foster: 0.056,
  residential: 0.0525,
  secure_home: 0.015,
  supported_accommodation: 0.0375,
  // Assumptions, scaled as the placements above: a placement for adoption rarely moves to other
  // adopters; parents move house; other placements are short and unsettled.
  placed_for_adoption: 0.003,
  placed_with_parents: 0.0075,
  other_placement: 0.03,
};
