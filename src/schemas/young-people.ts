import { type Static, Type } from 'typebox';
import { AGENCIES, DEFAULT_CARE_STATES, DEFAULT_CARE_STATE_IDS, LEGAL_STATUSES, PLACEMENT_PROVIDERS } from '../catalog/vocabulary.ts';
import { ENTRY_KINDS } from '../outcomes/measures.ts';
import { IsoDate, IsoDateTime, PageQuery, Uuid } from './common.ts';

/**
 * A young person's record as the API speaks it. The same schemas validate JSON bodies, each row
 * of a CSV import (after the columns are turned into this shape) and document the API.
 * Rules a JSON Schema cannot say (age on today's date, care state fitting the age, placement
 * matching the care state, dates in order) are checked by checkYoungPersonRules in
 * src/services/young-people.ts.
 */

/**
 * Why a case closed (closedReason), after the SSDA903 reason episode ceased (REC) codes grouped
 * (DfE guide to the SSDA903 collection): E11/E12 adopted; E43-E48 special guardianship; E41
 * child arrangements (formerly residence) order; E4A, E4B, E13 returned home to parents or
 * relatives; aged_out when care, or the leaving-care duty at 21 or 25, ended with age; E3
 * transferred (care taken over by another authority); the rest (E2, E5-E9, E14-E16) other.
 */
export const CLOSURE_REASONS = ['adopted', 'special_guardianship', 'child_arrangements_order', 'returned_home', 'aged_out', 'transferred', 'other'] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];
/** The young-people list's status filter: open (the default), closed or all. */
export const CASE_STATUSES = ['open', 'closed', 'all'] as const;

export const REFERENCE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

export const Reference = Type.String({
  pattern: REFERENCE_PATTERN,
  maxLength: 64,
  description:
    'A pseudonymous reference, unique among stored records (e.g. "NV-104233"): 1-64 letters, digits, dot, underscore or hyphen, starting with a letter or digit. Never a name or another identifier a person could be found by.',
});

/**
 * Free text that may one day be exported to a spreadsheet: no control characters (C0, DEL or
 * C1, anywhere, the first character included, nor the bidi controls and zero-width characters
 * of src/services/input-rules.ts), and no leading =, +, -, @ or whitespace, which
 * Excel would run as a formula (CSV injection).
 */
export const SAFE_TEXT_PATTERN = '^[^\\s=+@\\-\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff][^\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]*$';

/**
 * A key worker's pseudonymous reference as written: the fixed prefix KW (any case), then 3-8
 * digits, with spaces, hyphens or underscores between them and spaces around ("KW-0412",
 * "kw 0412", " KW_0412 "). A free letter prefix let a name through (JOHN-1, ANNA-1990); a fixed
 * prefix cannot carry one. Stored canonical (canonicalKeyWorkerReference: "KW0412"), so the
 * scorecard's caseload per key worker counts one worker once however it was typed.
 */
export const KEY_WORKER_PATTERN = '^\\s*[Kk][Ww]([\\s_-]*[0-9]){3,8}\\s*$';

/**
 * The stored form of a key-worker reference matching KEY_WORKER_PATTERN: trimmed, upper-case,
 * with the spaces, hyphens and underscores inside dropped: " kw-0412 " → "KW0412".
 */
export function canonicalKeyWorkerReference(reference: string): string {
  return reference.trim().toUpperCase().replace(/[\s_-]/g, '');
}

const KEY_WORKER_WORDS = 'Pseudonymous key-worker reference: KW then 3-8 digits (e.g. "KW0412"); never a name. Case, spaces around it and spaces, hyphens or underscores inside do not matter ("kw-0412" is the same worker): it is stored and answered as KW and the digits';

export const PLACEMENT_STATE_IDS = DEFAULT_CARE_STATES.filter((s) => s.placement).map((s) => s.id);

/** The CIN primary need codes N1-N8 of the children in need census and SSDA903, named. */
export const PRIMARY_NEEDS = [
  'abuse_or_neglect',
  'child_disability',
  'parental_illness_or_disability',
  'family_in_acute_stress',
  'family_dysfunction',
  'socially_unacceptable_behaviour',
  'low_income',
  'absent_parenting',
] as const;
export type PrimaryNeed = (typeof PRIMARY_NEEDS)[number];

export const SEN_LEVELS = ['none', 'sen_support', 'ehcp'] as const;
export const SEXES = ['female', 'male'] as const;

/**
 * Money is whole pence: a figure with a fraction of a penny (6999.995) is refused by
 * checkYoungPersonRules with the field named, never stored and costed (issue 12, FC-F4).
 */
const Money = (description: string) => Type.Number({ minimum: 0, maximum: 1_000_000, description: `${description}; whole pence (at most two decimal places)` });

/** A dated weekly price: in force from `from` until the next change (history, or a scheduled uplift). */
const PriceChange = (what: string) =>
  Type.Object(
    {
      from: { ...IsoDate, description: `The first day the new ${what} applies (YYYY-MM-DD); may be in the future (a scheduled uplift)` },
      weeklyPrice: Money(`The ${what} from that day, in GBP per week`),
    },
    { additionalProperties: false },
  );

export const NeedsProfile = Type.Object(
  {
    primaryNeed: Type.Optional(
      Type.Enum([...PRIMARY_NEEDS], {
        description:
          'Primary need code of the CIN census: N1 abuse_or_neglect, N2 child_disability, N3 parental_illness_or_disability, N4 family_in_acute_stress, N5 family_dysfunction, N6 socially_unacceptable_behaviour, N7 low_income, N8 absent_parenting',
      }),
    ),
    disability: Type.Optional(Type.Boolean({ description: 'Has a disability' })),
    uasc: Type.Optional(Type.Boolean({ description: 'Unaccompanied asylum-seeking child (or former UASC care leaver)' })),
    specialEducationalNeeds: Type.Optional(
      Type.Enum([...SEN_LEVELS], { description: 'Special educational needs: none, SEN support, or an education, health and care plan' }),
    ),
    mentalHealth: Type.Optional(Type.Boolean({ description: 'Has an identified mental health need' })),
    youthJusticeInvolvement: Type.Optional(Type.Boolean({ description: 'Is known to the youth justice service' })),
    exploitationRisk: Type.Optional(Type.Boolean({ description: 'Assessed at risk of criminal or sexual exploitation' })),
  },
  {
    additionalProperties: false,
    description: 'Structured needs flags only (no free text, no case notes). An absent flag means not recorded.',
  },
);
export type NeedsProfileDto = Static<typeof NeedsProfile>;

export const Placement = Type.Object(
  {
    type: Type.Enum([...PLACEMENT_STATE_IDS], {
      description: 'The kind of placement: a care state with placement: true; it must equal the record’s careState',
    }),
    provider: Type.Enum([...PLACEMENT_PROVIDERS], { description: 'Who provides it, after the SSDA903 PLACE_PROVIDER codes PR0-PR5' }),
    distanceFromHomeMiles: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1000, description: 'Straight-line distance from the home address, in miles; absent when not known' }),
    ),
    weeklyPrice: Money('The actual price paid from startDate, in GBP per week'),
    startDate: { ...IsoDate, description: 'When the placement began (YYYY-MM-DD); not in the future, not before birth' },
    priceChanges: Type.Optional(
      Type.Array(PriceChange('weekly price'), {
        maxItems: 50,
        description:
          'Dated changes to the weekly price after startDate, in date order: past changes (history) and agreed future ones (a provider’s uplift from 1 April). Budgets and projections charge each day at the price in force that day.',
      }),
    ),
  },
  { additionalProperties: false, description: 'The current placement; present exactly when careState is a placement state' },
);
export type PlacementDto = Static<typeof Placement>;

export const ServiceInPlace = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: SAFE_TEXT_PATTERN,
      description:
        'What the service is, e.g. "Multisystemic therapy" (never a person’s name or case notes). May not start with =, +, -, @ or a space, so it cannot act as a spreadsheet formula when exported.',
    }),
    weeklyCost: Money('Its cost in GBP per week'),
    fundingAgency: Type.Enum([...AGENCIES], { description: 'The agency that pays for it' }),
    startDate: { ...IsoDate, description: 'When it started (YYYY-MM-DD)' },
    endDate: Type.Optional({ ...IsoDate, description: 'When it ends or ended (YYYY-MM-DD), not before startDate; absent when open-ended' }),
    costChanges: Type.Optional(
      Type.Array(
        Type.Object(
          {
            from: { ...IsoDate, description: 'The first day the new weekly cost applies (YYYY-MM-DD)' },
            weeklyCost: Money('The weekly cost from that day, in GBP per week'),
          },
          { additionalProperties: false },
        ),
        { maxItems: 50, description: 'Dated changes to the weekly cost after startDate, in date order (history and scheduled uplifts)' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ServiceInPlaceDto = Static<typeof ServiceInPlace>;

const recordFields = {
  reference: Reference,
  birthYear: Type.Integer({ minimum: 1900, maximum: 2200, description: 'Year of birth; age must be 0 to 25 on today’s date' }),
  birthMonth: Type.Integer({ minimum: 1, maximum: 12, description: 'Month of birth (1-12); the day is never stored' }),
  sex: Type.Optional(Type.Enum([...SEXES], { description: 'As recorded in the SSDA903 return; absent when not recorded' })),
  legalStatus: Type.Enum([...LEGAL_STATUSES], { description: 'Legal status, after the SSDA903 LS codes, or a status outside care' }),
  tier: Type.Integer({ minimum: 1, maximum: 4, description: 'Tier on the continuum of need: 1 universal, 2 early help, 3 targeted, 4 statutory' }),
  careState: Type.Enum([...DEFAULT_CARE_STATE_IDS], {
    description: 'Current care state (default vocabulary). It must fit the age: care leaver states from 18, supported accommodation at 16-17, children’s states under 18.',
  }),
  needsProfile: NeedsProfile,
  placement: Type.Optional(Placement),
  services: Type.Array(ServiceInPlace, { maxItems: 20, description: 'Services in place besides the placement (at most 20)' }),
  teamId: Type.Optional({ ...Uuid, description: 'The team working with the young person (GET /v1/teams); absent when none' }),
  keyWorkerReference: Type.Optional(
    Type.String({
      pattern: KEY_WORKER_PATTERN,
      description: KEY_WORKER_WORDS,
    }),
  ),
  closedOn: Type.Optional({
    ...IsoDate,
    description:
      'The day the case closed: the first day the young person is no longer open to the authority (as a history episode’s end date). Not in the future, not before the month of birth, after the start of the last history episode. Absent while the case is open. A closed case leaves scenario cohorts, the borough view, caseloads and the open list from that day; views dated before it still count the young person.',
  }),
  closedReason: Type.Optional(
    Type.Enum([...CLOSURE_REASONS], {
      description: 'Why the case closed, after the SSDA903 reason episode ceased (REC) grouped: adopted, special_guardianship, child_arrangements_order, returned_home, aged_out (turned 18 with no leaving-care service, or 21/25), transferred (to another authority), other. Given exactly when closedOn is.',
    }),
  ),
};

/**
 * How the period of care a change starts began (review finding 4 of issue 17): kept on the
 * history's episode that starts the period (its `entry`), never on the record, so the scorecard's
 * unplanned entries count what the worker recorded. Only on a change that starts a period of care:
 * a new record, or a change from a state outside care, into a looked-after state.
 */
const EntryToCare = Type.Enum([...ENTRY_KINDS], {
  description:
    'How the period of care this change starts began: planned, or unplanned_emergency (counted by the scorecard’s unplanned entries). Only when the change starts a period of care (a new record in a looked-after state, or a change into one from a state outside care); 422 naming the field otherwise. Kept on the history’s episode, not on the record; absent: not recorded (the measure counts an unflagged entry as not unplanned).',
});

export const YoungPersonInput = Type.Object({ ...recordFields, entryToCare: Type.Optional(EntryToCare) }, {
  additionalProperties: false,
  description: 'A new record. Optional fields are left out when not recorded (never null).',
});
export type YoungPersonInputDto = Static<typeof YoungPersonInput>;

export const YoungPerson = Type.Object(
  {
    id: Uuid,
    ...recordFields,
    ageYears: Type.Integer({ description: 'Age in completed years today, counting the birthday as the first day of the birth month' }),
    version: Type.Integer({ minimum: 1, description: 'Increases by one with every change; send it back when updating' }),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  },
  { description: 'A young person’s pseudonymous record' },
);
export type YoungPersonDto = Static<typeof YoungPerson>;

export const YoungPersonPatch = Type.Object(
  {
    version: Type.Integer({
      minimum: 1,
      description: 'The version you read. If the record has changed since, the update is refused with 409 and nothing is written.',
    }),
    reference: Type.Optional(Reference),
    birthYear: Type.Optional(recordFields.birthYear),
    birthMonth: Type.Optional(recordFields.birthMonth),
    sex: Type.Optional(Type.Union([Type.Enum([...SEXES]), Type.Null()], { description: 'null removes it (not recorded)' })),
    legalStatus: Type.Optional(recordFields.legalStatus),
    tier: Type.Optional(recordFields.tier),
    careState: Type.Optional(recordFields.careState),
    needsProfile: Type.Optional({ ...NeedsProfile, description: 'Replaces the whole needs profile' }),
    placement: Type.Optional(Type.Union([Placement, Type.Null()], { description: 'Replaces the whole placement; null removes it' })),
    services: Type.Optional({ ...recordFields.services, description: 'Replaces the whole list of services' }),
    teamId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Moves the young person to this team; null: no team' })),
    keyWorkerReference: Type.Optional(Type.Union([Type.String({ pattern: KEY_WORKER_PATTERN, description: KEY_WORKER_WORDS }), Type.Null()], { description: 'null removes it' })),
    closedOn: Type.Optional(Type.Union([recordFields.closedOn, Type.Null()], { description: 'Closes the case on this day (send closedReason too); null reopens it (closedReason goes too)' })),
    closedReason: Type.Optional(Type.Union([recordFields.closedReason, Type.Null()], { description: 'Why the case closed; null only with closedOn: null' })),
    entryToCare: Type.Optional(EntryToCare),
  },
  {
    additionalProperties: false,
    minProperties: 2,
    description:
      'A partial update (merge-patch style): the fields sent replace the stored ones and the rest are kept; needsProfile, placement and services are replaced as a whole; null removes sex or placement. The result must be a valid record, checked as on creation.',
  },
);
export type YoungPersonPatchDto = Static<typeof YoungPersonPatch>;

export const YoungPersonQuery = Type.Object(
  {
    ...PageQuery,
    careState: Type.Optional(
      Type.Array(Type.Enum([...DEFAULT_CARE_STATE_IDS]), { maxItems: DEFAULT_CARE_STATE_IDS.length, description: 'Only these care states (repeat the parameter for several)' }),
    ),
    tier: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 4 }), { maxItems: 4, description: 'Only these tiers (repeat for several)' })),
    minAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 25, description: 'Aged at least this many completed years today' })),
    maxAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 25, description: 'Aged at most this many completed years today' })),
    reference: Type.Optional({ ...Reference, description: 'Only the record with this exact reference' }),
    referenceContains: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', maxLength: 64, description: 'Only references containing this text, ignoring case (e.g. "1042" finds NV-104233)' }),
    ),
    hasCarePlans: Type.Optional(Type.Boolean({ description: 'true: only those with at least one care plan; false: only those with none' })),
    hasProjection: Type.Optional(Type.Boolean({ description: 'true: only those with at least one stored pathway projection; false: only those with none' })),
    team: Type.Optional(Type.Union([Uuid, Type.Literal('none')], { description: "Only young people in this team (a team's id), or none: only those with no team" })),
    keyWorker: Type.Optional(Type.String({ pattern: KEY_WORKER_PATTERN, description: 'Only young people with this key-worker reference (e.g. KW0104; read as stored, so kw-0104 finds the same)' })),
    status: Type.Optional(
      Type.Enum([...CASE_STATUSES], {
        description: 'open (the default): cases open today (no closedOn); closed: closed cases only (former children); all: both',
      }),
    ),
  },
  { additionalProperties: false },
);
export type YoungPersonQueryDto = Static<typeof YoungPersonQuery>;

/** A listed record, with how many care plans and stored projections it has (for finding who has been planned for). */
export const YoungPersonListItem = Type.Object(
  {
    ...YoungPerson.properties,
    carePlanCount: Type.Integer({ minimum: 0, description: 'Care plans on record' }),
    projectionCount: Type.Integer({ minimum: 0, description: 'Stored pathway projections' }),
  },
  { description: 'A young person’s pseudonymous record, with counts of their care plans and stored projections' },
);
export type YoungPersonListItemDto = Static<typeof YoungPersonListItem>;

export const ErasedYoungPerson = Type.Object(
  {
    id: Uuid,
    erasedAt: IsoDateTime,
    birthYear: Type.Integer(),
    careState: Type.String(),
    tier: Type.Integer(),
  },
  { description: 'What remains after erasure: a tombstone with coarse fields only, so aggregate counts stay consistent' },
);
export type ErasedYoungPersonDto = Static<typeof ErasedYoungPerson>;

export const ImportResult = Type.Object({
  imported: Type.Integer({ description: 'Records created' }),
  items: Type.Array(
    Type.Object({
      row: Type.Integer({ description: 'Data row, counted from 1 after the header (spreadsheet line row + 1)' }),
      id: Uuid,
      reference: Type.String(),
    }),
  ),
});
export type ImportResultDto = Static<typeof ImportResult>;
