import { type Static, Type } from 'typebox';
import { DEFAULT_CARE_STATE_IDS } from '../catalog/vocabulary.ts';
import { ENTRY_KINDS, EXIT_REASONS, LEAVER_ACTIVITIES } from '../outcomes/measures.ts';
import { IsoDate, IsoDateTime, Uuid } from './common.ts';
import { KEY_WORKER_PATTERN, SAFE_TEXT_PATTERN } from './young-people.ts';

/** Teams, young people's histories (care episodes) and the balanced scorecard, as the API speaks them (issue 17). */

export const TEAM_SERVICES = ['edge_of_care', 'children_looked_after', 'leaving_care', 'early_help'] as const;

const teamFields = {
  name: Type.String({
    minLength: 1,
    maxLength: 80,
    pattern: SAFE_TEXT_PATTERN,
    description: 'The team’s name, unique (e.g. "North CLA team"); not a person’s name. May not start with =, +, -, @ or a space.',
  }),
  service: Type.Enum([...TEAM_SERVICES], { description: 'Which service the team belongs to' }),
  annualBudget: Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000_000 }), Type.Null()], {
    description:
      'The team’s annual budget for placements and services, GBP, whole pence, more than 0; null when it has none of its own (a budget of £0 is refused: spend against it has no meaning)',
  }),
};

export const TeamInput = Type.Object(
  { name: teamFields.name, service: teamFields.service, annualBudget: Type.Optional(teamFields.annualBudget) },
  { additionalProperties: false },
);
export type TeamInputDto = Static<typeof TeamInput>;

export const TeamPatch = Type.Object(
  { name: Type.Optional(teamFields.name), service: Type.Optional(teamFields.service), annualBudget: Type.Optional(teamFields.annualBudget) },
  { additionalProperties: false, minProperties: 1 },
);
export type TeamPatchDto = Static<typeof TeamPatch>;

export const Team = Type.Object({
  id: Uuid,
  name: Type.String(),
  service: Type.String(),
  annualBudget: Type.Union([Type.Number(), Type.Null()]),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type TeamDto = Static<typeof Team>;

export const TeamQuery = Type.Object({ service: Type.Optional(Type.Enum([...TEAM_SERVICES], { description: 'Only teams of this service' })) }, { additionalProperties: false });

/** An outward postcode (the district: "NV1", "SW1A"), never a full postcode, which with a date would point at a household. */
export const DISTRICT_PATTERN = '^[A-Z]{1,2}[0-9][0-9A-Z]?$';

export const EpisodeInput = Type.Object(
  {
    startDate: { ...IsoDate, description: 'The first day of the episode (YYYY-MM-DD)' },
    endDate: Type.Optional({ ...IsoDate, description: 'The day the next episode starts (exclusive, after startDate; not after today, as closedOn); absent while open. While the case is open, the last episode ends only with an exitReason (which closes the case)' }),
    careState: Type.Enum([...DEFAULT_CARE_STATE_IDS], { description: 'The care state throughout the episode' }),
    newPlacement: Type.Optional(
      Type.Boolean({ description: 'Whether the episode began a new placement; false when only the legal status or a care leaver’s activity changed. Default: true for a placement state, else false' }),
    ),
    placementDistrict: Type.Optional(Type.String({ pattern: DISTRICT_PATTERN, description: 'Postcode district of the placement (outward code only, e.g. "NV3"); never a full postcode' })),
    distanceFromHomeMiles: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'Distance of the placement from home, miles' })),
    entry: Type.Optional(Type.Enum([...ENTRY_KINDS], { description: 'On the episode that starts a period of care: planned, or unplanned/emergency' })),
    exitReason: Type.Optional(Type.Enum([...EXIT_REASONS], { description: 'On the last episode of a period of care: why care ended (adoption, special guardianship, …)' })),
    leaverActivity: Type.Optional(Type.Enum([...LEAVER_ACTIVITIES], { description: 'A care leaver’s main activity during the episode (education, employment or training, or not); not contradicting the state (no EET activity while independent_neet, no neet or not_in_touch while independent_eet)' })),
    accommodationSuitable: Type.Optional(Type.Boolean({ description: 'A care leaver’s accommodation is suitable' })),
    weeklyPrice: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1_000_000,
        description:
          'The weekly price of the placement during the episode, GBP, whole pence (at most two decimal places), as the record’s placement weeklyPrice; only on an episode in a placement state. The scorecard prices a past day from it when today’s placement had not started then (the young person moved since) or the case has closed; absent on such an episode: the child is counted as unpriced, not at £0. On the open episode it must be the record’s placement price in force on its startDate (422 naming the field otherwise), and absent it is stored as that',
      }),
    ),
    teamId: Type.Optional({
      ...Uuid,
      description:
        'The team responsible during the episode (a stored team; 422 naming the field otherwise). The scorecard counts what happened in the episode (an entry, an exit, a placement at the year’s end, a care leaver’s birthday) under this team; absent: under the young person’s current team. On the open episode (no endDate) it must be the record’s teamId (422 naming the field otherwise), and absent it is stored as the record’s',
    }),
    keyWorkerReference: Type.Optional(
      Type.Union([Type.String({ pattern: KEY_WORKER_PATTERN, description: 'Pseudonymous key-worker reference, as the record’s (KW then 3-8 digits; stored and answered as KW and the digits)' }), Type.Null()], {
        description:
          'The key worker during the episode; null: none then; absent: not recorded. On the open episode it must be the record’s (null when the record has none; 422 naming the field otherwise), and absent it is stored as the record’s. Changes to the record’s key worker are kept as dated episodes (the scorecard’s key-worker measures still count today’s records)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EpisodeInputDto = Static<typeof EpisodeInput>;

export const Episode = Type.Object({ id: Uuid, ...EpisodeInput.properties, newPlacement: Type.Boolean() });
export type EpisodeDto = Static<typeof Episode>;

export const EpisodeList = Type.Object({ items: Type.Array(Episode) });

export const EpisodesReplace = Type.Object(
  { episodes: Type.Array(EpisodeInput, { maxItems: 500, description: 'The whole history, any order; it replaces what is stored' }) },
  { additionalProperties: false },
);

export const EpisodeImportResult = Type.Object({
  imported: Type.Integer({ description: 'Episodes stored' }),
  youngPeople: Type.Integer({ description: 'Young people whose history was replaced' }),
});
