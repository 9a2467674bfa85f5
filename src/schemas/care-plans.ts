import { type Static, Type } from 'typebox';
import { SlugString, VersionString } from '../catalog/identifiers.ts';
import { AGENCIES } from '../catalog/vocabulary.ts';
import { IsoDate, IsoDateTime, PageQuery, Uuid } from './common.ts';
import { SAFE_TEXT_PATTERN } from './young-people.ts';
import {
  DiscountRateField,
  MAX_PLANS,
  MoneyBasisSchema,
  PlanInputSchema,
  PriceBaseField,
  ProjectionResultSchema,
  RunsField,
  SeedField,
  StartMonthField,
  SummarySchema,
} from './projections.ts';

/**
 * Care plans, the immediate budget and pathway projections of one young person. A plan's
 * content is the plan input of the projection engine (PlanInputSchema), so a stored plan feeds
 * the plan resolver unchanged.
 */

const plan = PlanInputSchema.properties;

export const PlanName = Type.String({ minLength: 1, maxLength: 100, pattern: SAFE_TEXT_PATTERN, description: 'A name unique among this young person’s plans, e.g. "Step down to foster care"' });

const PRICE_NOTE =
  'Left out (or null): when the plan starts in today’s placement, the actual weekly price on the record is used while the young person stays in it; otherwise the model’s price.';

const contentFields = {
  startState: Type.Optional({ ...plan.startState, description: 'The state the plan starts in; the young person’s current state when left out' }),
  moves: Type.Optional({ ...plan.moves, description: 'Scheduled moves, in month order: month 1 is next month. A move applies while the young person is where the plan put them (or in fromStates)' }),
  interventions: Type.Optional({ ...plan.interventions, description: 'Interventions commissioned, with the month each starts (0 = now)' }),
  prices: Type.Optional({ ...plan.prices }),
  currentPlacementWeeklyPrice: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1_000_000 }), Type.Null()], { description: `The actual weekly price of today’s placement. ${PRICE_NOTE}` })),
};

export const CarePlanInput = Type.Object(
  {
    name: PlanName,
    isCurrent: Type.Optional(Type.Boolean({ description: 'Make this the current course (the one before it is unmarked). The first plan of a young person is always current.' })),
    ...contentFields,
  },
  { additionalProperties: false, description: 'A course of action for the young person, checked against the default model for their age today' },
);
export type CarePlanInputDto = Static<typeof CarePlanInput>;

export const CarePlanPatch = Type.Object(
  {
    name: Type.Optional(PlanName),
    isCurrent: Type.Optional(Type.Boolean({ description: 'true makes this the current course. To change the current course, mark another plan current.' })),
    startState: Type.Optional(Type.Union([plan.startState, Type.Null()], { description: 'null: start from the young person’s current state' })),
    moves: Type.Optional({ ...plan.moves, description: 'Replaces every move' }),
    interventions: Type.Optional({ ...plan.interventions, description: 'Replaces every intervention' }),
    prices: Type.Optional({ ...plan.prices, description: 'Replaces every agreed price' }),
    currentPlacementWeeklyPrice: contentFields.currentPlacementWeeklyPrice,
  },
  { additionalProperties: false, minProperties: 1, description: 'Fields sent replace the stored ones (arrays as a whole); the result is checked like a new plan' },
);
export type CarePlanPatchDto = Static<typeof CarePlanPatch>;

export const CarePlan = Type.Object({
  id: Uuid,
  youngPersonId: Uuid,
  name: Type.String(),
  isCurrent: Type.Boolean({ description: 'The current course: projections compare every other plan against it' }),
  startState: Type.Optional(Type.String()),
  moves: { ...plan.moves },
  interventions: { ...plan.interventions },
  prices: { ...plan.prices },
  currentPlacementWeeklyPrice: Type.Optional(Type.Number()),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type CarePlanDto = Static<typeof CarePlan>;

export const CarePlanList = Type.Object({ items: Type.Array(CarePlan, { description: 'The current course first, then the others by age' }) });

export const PersonParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const PersonPlanParams = Type.Object({ id: Uuid, planId: Uuid }, { additionalProperties: false });

// The immediate budget.

export const BudgetQuery = Type.Object(
  { asOf: Type.Optional({ ...IsoDate, description: 'First day of the 12 months (YYYY-MM-DD); today when left out' }) },
  { additionalProperties: false },
);

const Amount = Type.Number({ description: 'Pounds, to the penny' });
const Agency = Type.Enum([...AGENCIES]);
const ByAgency = Type.Array(Type.Object({ agency: Agency, amount: Amount }));

export const PathwayBudget = Type.Object(
  {
    youngPersonId: Uuid,
    from: { ...IsoDate, description: 'First day of the window' },
    until: { ...IsoDate, description: 'Last day of the window (12 months)' },
    days: Type.Integer(),
    total: Amount,
    byAgency: ByAgency,
    byFinancialYear: Type.Array(Type.Object({ financialYear: Type.String({ description: 'April to March, e.g. 2026-27' }), amount: Amount, byAgency: ByAgency })),
    lines: Type.Array(
      Type.Object({
        kind: Type.Enum(['placement', 'service']),
        name: Type.String({ description: 'The placement type, or the service’s name' }),
        agency: Agency,
        weeklyCost: Type.Number(),
        from: IsoDate,
        until: IsoDate,
        days: Type.Integer(),
        amount: Amount,
        byFinancialYear: Type.Array(Type.Object({ financialYear: Type.String(), days: Type.Integer(), amount: Amount })),
      }),
    ),
    method: Type.String({ description: 'How the figures were worked out, in words' }),
    money: Type.Object(
      {
        currency: Type.Literal('GBP'),
        priceBase: Type.Literal('cash', { description: 'A cash budget: the prices charged in each financial year, not converted to a price base' }),
        deflatorFactor: Type.Literal(1, { description: 'No deflator is applied' }),
        discountRate: Type.Null({ description: 'Not discounted' }),
        basis: Type.Literal('cash'),
        statement: Type.String(),
      },
      { description: 'What every money figure in this answer is' },
    ),
  },
  { description: 'The committed cost of the next 12 months of today’s package, straight from the record' },
);
export type PathwayBudgetDto = Static<typeof PathwayBudget>;

// Pathway projections.

export const RunPathwayProjectionBody = Type.Object(
  {
    planIds: Type.Optional(
      Type.Array(Uuid, { minItems: 1, maxItems: MAX_PLANS, uniqueItems: true, description: 'Plans to project; every plan when left out. The current course is always included, first.' }),
    ),
    runs: Type.Optional(RunsField),
    seed: Type.Optional(SeedField),
    model: Type.Optional(SlugString('A model id from listModels; england-default when left out')),
    modelVersion: Type.Optional(VersionString('The newest version when left out')),
    discountRate: Type.Optional(DiscountRateField),
    priceBase: Type.Optional(PriceBaseField),
    startMonth: Type.Optional(StartMonthField),
  },
  { additionalProperties: false },
);
export type RunPathwayProjectionBodyDto = Static<typeof RunPathwayProjectionBody>;

const ProjectedPlan = Type.Object({
  planId: Uuid,
  name: Type.String(),
  isCurrent: Type.Boolean(),
  plan: { ...PlanInputSchema, description: 'The plan as projected: defaults (start state, today’s actual price) filled in' },
});

const projectionHeader = {
  id: Uuid,
  youngPersonId: Uuid,
  createdAt: IsoDateTime,
  model: Type.Object({ id: Type.String(), version: Type.String(), hash: Type.String() }),
  seed: Type.Integer(),
  runs: Type.Integer(),
  startMonth: Type.String({ description: 'Calendar month of month 0, YYYY-MM' }),
  ageMonths: Type.Integer({ description: 'Age in months at month 0' }),
  months: Type.Integer({ description: 'Months projected, to the model’s horizon (the 25th birthday)' }),
  discountRate: Type.Union([Type.Number(), Type.Null()], { description: 'The flat rate asked for; null: the model’s Green Book schedule' }),
  rerunOf: Type.Union([Uuid, Type.Null()], { description: 'The stored projection this one re-ran' }),
  links: Type.Object({ self: Type.String(), comparison: Type.String(), rerun: Type.String() }),
};

export const PathwayProjection = Type.Object(
  {
    ...projectionHeader,
    plans: Type.Array(ProjectedPlan, { description: 'In projection order: the current course first' }),
    matchesOriginal: Type.Union([Type.Boolean(), Type.Null()], { description: 'For a re-run: whether every number equals the original’s (null otherwise, or when the original is gone)' }),
    result: ProjectionResultSchema,
  },
  { description: 'A stored projection of a young person’s plans, with the inputs that reproduce it' },
);
export type PathwayProjectionDto = Static<typeof PathwayProjection>;

export const PathwayProjectionSummary = Type.Object({
  ...projectionHeader,
  plans: Type.Array(Type.Object({ planId: Uuid, name: Type.String(), isCurrent: Type.Boolean() })),
});
export type PathwayProjectionSummaryDto = Static<typeof PathwayProjectionSummary>;

export const ProjectionListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

const Case = Type.Object(
  {
    best: Type.Number({ description: 'P10: nine runs in ten cost more' }),
    expected: Type.Number({ description: 'Mean' }),
    worst: Type.Number({ description: 'P90: nine runs in ten cost less' }),
  },
  { description: 'Pounds, to the horizon' },
);

export const CarePlanComparison = Type.Object(
  {
    projectionId: Uuid,
    youngPersonId: Uuid,
    model: Type.Object({ id: Type.String(), version: Type.String(), hash: Type.String() }),
    seed: Type.Integer(),
    runs: Type.Integer(),
    startMonth: Type.String(),
    toAgeYears: Type.Number({ description: 'The horizon: costs are to this birthday' }),
    money: MoneyBasisSchema,
    plans: Type.Array(
      Type.Object({
        planId: Uuid,
        name: Type.String(),
        isCurrent: Type.Boolean(),
        discounted: Case,
        cash: Case,
        statement: Type.String(),
      }),
    ),
    comparisons: Type.Array(
      Type.Object({
        planId: Uuid,
        name: Type.String(),
        expectedSaving: Type.Object({ discounted: Type.Number(), cash: Type.Number() }, { description: 'Against the current course; negative: it costs more' }),
        interval90: Type.Object(
          {
            discounted: Type.Object({ low: Type.Number(), high: Type.Number() }),
            cash: Type.Object({ low: Type.Number(), high: Type.Number() }),
          },
          { description: 'P5 to P95 of the saving, on each basis' },
        ),
        saving: Type.Object({ discounted: SummarySchema, cash: SummarySchema }, { description: 'The paired saving on each basis: present value and cash (undiscounted)' }),
        probabilityCheaper: Type.Object(
          { discounted: Type.Number(), cash: Type.Number() },
          { description: 'Share of runs in which the plan costs strictly less than the current course, on each basis' },
        ),
        statements: Type.Object(
          { discounted: Type.String(), cash: Type.String() },
          { description: 'The comparison in words on each basis; a sentence never mixes bases' },
        ),
        drivers: Type.Object(
          {
            byAgency: Type.Array(Type.Object({ agency: Type.String(), discountedSaving: Type.Number(), cashSaving: Type.Number() })),
            byState: Type.Array(Type.Object({ state: Type.String(), cashSaving: Type.Number() })),
          },
          { description: 'Where the expected saving comes from, largest first' },
        ),
        statement: Type.String({ description: 'The comparison in words, fit for a report' }),
      }),
    ),
    cheapest: Type.Object({ planId: Uuid, name: Type.String() }, { description: 'The plan with the lowest expected present value' }),
    summary: Type.Array(Type.String(), { description: 'The comparison as sentences for a report' }),
  },
  { description: 'Best case (P10), expected (mean) and worst case (P90) of each plan, and each plan against the current course' },
);
export type CarePlanComparisonDto = Static<typeof CarePlanComparison>;
