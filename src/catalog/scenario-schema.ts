import { Type, type Static } from 'typebox';
import { SlugString, VersionString } from './identifiers.ts';
import { Funding } from './funding-schema.ts';
import { Distribution } from './model-schema.ts';
import { AGENCIES } from './vocabulary.ts';

/**
 * The commissioning scenario format: a cohort, projected new entrants, a planning horizon and
 * a strategy, always run against its baseline ("as now": the same cohort and entrants, no
 * strategy) on common random numbers. Data only; committed in scenarios/*.json, stored through
 * the API, served at GET /v1/scenarios/schema and as scenarios/scenario.schema.json.
 *
 * Years are financial years written "2026-27"; a list of yearly figures starts at the
 * scenario's first planning year and its last value carries on.
 */

const Id = SlugString();
const FinancialYear = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'A financial year, e.g. 2026-27' });
const StateSelector = Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, description: 'State ids, or @category' });
const Yearly = (description: string, min = 0) =>
  Type.Union([Type.Number({ minimum: min }), Type.Array(Type.Number({ minimum: min }), { minItems: 1, maxItems: 40 })], {
    description: `${description}: one number for every year, or one per planning year (the last carries on)`,
  });

/** Places are whole children: a yearly whole number (the engine cannot hold half a place). */
const YearlyPlaces = (description: string, min = 0) =>
  Type.Union([Type.Integer({ minimum: min, maximum: 1_000_000 }), Type.Array(Type.Integer({ minimum: min, maximum: 1_000_000 }), { minItems: 1, maxItems: 40 })], {
    description: `${description}: one whole number for every year, or one per planning year (the last carries on)`,
  });

/**
 * A cohort's team: a team's id (a UUID, in either case: PostgreSQL reads it the same) or the word
 * none. A pattern, not format: uuid, so the exported JSON Schema checks it in any editor.
 */
export const COHORT_TEAM_PATTERN = '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|none)$';

export const CohortFilter = Type.Object(
  {
    careStates: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 64 })),
    minAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 25, description: 'Years, at the start of the first planning year' })),
    maxAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 25 })),
    tiers: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 4 }), { minItems: 1, maxItems: 4 })),
    teams: Type.Optional(
      Type.Array(Type.String({ pattern: COHORT_TEAM_PATTERN, maxLength: 36 }), {
        minItems: 1,
        maxItems: 64,
        description:
          "Only young people in one of these teams today: a team's id (GET /v1/teams; any case), or none for those with no team. Each at most once; an id that names no team is refused when the scenario is stored and when it is run",
      }),
    ),
  },
  { additionalProperties: false, description: 'Young people on record matching every condition given; all of them when empty' },
);

export const EntrantBand = Type.Object(
  {
    fromYears: Type.Integer({ minimum: 0, maximum: 24 }),
    toYears: Type.Integer({ minimum: 1, maximum: 25, description: 'Exclusive' }),
    population: Yearly('Children in the area in this age band (ONS mid-year estimates or projections)', 0),
    ratePer10000: Yearly('New entrants a year per 10,000 children in the band', 0),
    startingStates: Type.Record(Type.String({ maxLength: 64 }), Type.Number({ minimum: 0, maximum: 1 }), {
      description: 'Where new entrants start: shares summing to 1',
    }),
  },
  { additionalProperties: false },
);

export const StrategyIntervention = Type.Object(
  {
    id: Type.String({ maxLength: 64, description: 'An intervention of the model' }),
    capacityPerYear: YearlyPlaces('Places a year (people who can start it)', 0),
    weeklyPrice: Type.Optional(Type.Number({ minimum: 0, description: 'Commissioned weekly price per place, replacing the model’s weekly cost' })),
    oneOffPrice: Type.Optional(Type.Number({ minimum: 0, description: 'Commissioned one-off price per place, replacing the model’s' })),
    startYear: Type.Optional(FinancialYear),
    eligibleStates: Type.Optional(StateSelector),
    minAge: Type.Optional(Type.Number({ minimum: 0, maximum: 25 })),
    maxAge: Type.Optional(Type.Number({ minimum: 0, maximum: 25, description: 'Exclusive' })),
  },
  {
    additionalProperties: false,
    description: 'A commissioned service: offered to people entering an eligible state (and those in one at the start) while places last',
  },
);

export const UnitPriceChange = Type.Object(
  {
    unitCost: Type.String({ maxLength: 64, description: 'The id of a unit cost in the model' }),
    multiplier: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
    weeklyPrice: Type.Optional(Type.Number({ minimum: 0, description: 'A new weekly price (replaces the figure; its uncertainty is scaled)' })),
  },
  { additionalProperties: false },
);

export const CapacityLimit = Type.Object(
  {
    state: Type.String({ maxLength: 64 }),
    places: YearlyPlaces('Places available (people at once)', 0),
    overflowTo: Type.String({ maxLength: 64, description: 'Where people go when no place is free (agency foster care)' }),
    waiting: Type.Optional(
      Type.Boolean({ default: false, description: 'People who find no place wait in the overflow state and are offered one when it frees up (by the scenario’s priority)' }),
    ),
  },
  { additionalProperties: false },
);

export const CapacityChange = Type.Object(
  {
    state: Type.String({ maxLength: 64 }),
    additionalPlaces: YearlyPlaces('Places added by the strategy', -1_000_000),
  },
  { additionalProperties: false },
);

export const RateChange = Type.Object(
  {
    from: StateSelector,
    to: StateSelector,
    multiplier: Distribution,
    startYear: Type.Optional(FinancialYear),
    label: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, description: 'Multiplies the monthly probability of the named transitions (the difference goes to staying put)' },
);

export const Investment = Type.Object(
  {
    year: FinancialYear,
    agency: Type.Enum([...AGENCIES]),
    amount: Type.Number({ minimum: 0, maximum: 1e10, description: 'Pounds, in the model’s price base' }),
    label: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false, description: 'A cost of the strategy outside the model: set-up, recruitment, a contract' },
);

export const Strategy = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    interventions: Type.Optional(Type.Array(StrategyIntervention, { maxItems: 6 })),
    unitPriceChanges: Type.Optional(Type.Array(UnitPriceChange, { maxItems: 50 })),
    capacityChanges: Type.Optional(Type.Array(CapacityChange, { maxItems: 10 })),
    rateChanges: Type.Optional(Type.Array(RateChange, { maxItems: 20 })),
    investment: Type.Optional(Type.Array(Investment, { maxItems: 200 })),
  },
  { additionalProperties: false },
);

export const Scenario = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Id,
    version: VersionString('A version, e.g. 1.2.0: three whole numbers without leading zeros'),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    // Shaped as the catalog's own ids and versions (CostModel), so an empty or malformed id is a
    // schema error naming body/model/id rather than "no such model".
    model: Type.Object(
      {
        id: SlugString('A cost model id in the catalog, e.g. england-default'),
        version: Type.Optional(VersionString('One of its versions; the newest when left out')),
      },
      { additionalProperties: false },
    ),
    cohort: CohortFilter,
    entrants: Type.Optional(Type.Array(EntrantBand, { maxItems: 10 })),
    firstYear: FinancialYear,
    planningYears: Type.Integer({ minimum: 1, maximum: 15, default: 5 }),
    lifetimeYears: Type.Integer({ minimum: 1, maximum: 30, default: 20, description: 'Years followed for invest-to-save (people leave at the model’s horizon age)' }),
    appraisal: Type.Optional(
      Type.Enum(['continuing_demand', 'closed_cohort'], {
        default: 'continuing_demand',
        description:
          'The appraisal convention. continuing_demand (the default): new entrants keep arriving and commissioned services keep running for all the lifetime years, so a lasting service’s saving stays level once demand is steady. closed_cohort: entrants arrive in the planning years only and are then followed to the end, so savings fade as that closed group grows up.',
      }),
    ),
    capacity: Type.Optional(Type.Array(CapacityLimit, { maxItems: 10, description: 'Limits in force under both baseline and strategy' })),
    priority: Type.Optional(
      Type.Enum(['longest_waiting', 'highest_cost', 'youngest'], {
        default: 'longest_waiting',
        description:
          'Who gets a free place (a capacity limit or a commissioned service) when more people want one than there are: the longest waiting (the default), the highest cost (the monthly price of where they are now), or the youngest. Ties go to the longer wait.',
      }),
    ),
    rateChanges: Type.Optional(
      Type.Array(RateChange, { maxItems: 20, description: 'Local assumptions in force under both baseline and strategy (a preference for in-house placements, say)' }),
    ),
    strategy: Strategy,
    funding: Type.Optional(Funding),
    runs: Type.Optional(Type.Integer({ minimum: 10, maximum: 20000, default: 2000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    expectation: Type.Optional(Type.String({ maxLength: 2000, description: 'What the authors expect and why: read beside the results' })),
  },
  { additionalProperties: false, $id: 'Scenario', title: 'pathcast commissioning scenario' },
);

export type ScenarioSpec = Static<typeof Scenario>;
export type StrategySpec = Static<typeof Strategy>;
