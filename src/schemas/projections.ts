import { Type, type Static } from 'typebox';
import { SlugString, VersionString } from '../catalog/identifiers.ts';
import { CostModel } from '../catalog/model-schema.ts';

/** Shapes of projection requests and results, shared by runProjection and pathway projections. */

const money = (description: string) => Type.Number({ description: `${description} (pounds, real terms at the model's price base)` });

export const SummarySchema = Type.Object(
  {
    mean: Type.Number(),
    se: Type.Number({ description: 'Standard error of the mean' }),
    sd: Type.Number(),
    p5: Type.Number(),
    p10: Type.Number({ description: 'Best case (10th percentile)' }),
    p50: Type.Number(),
    p90: Type.Number({ description: 'Worst case (90th percentile)' }),
    p95: Type.Number(),
    min: Type.Number(),
    max: Type.Number(),
  },
  { description: 'Distribution over runs' },
);

const MeanSe = Type.Object({ mean: Type.Number(), se: Type.Number() });

export const PlanInputSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    startState: Type.Optional(Type.String({ maxLength: 64, description: 'Defaults to the young person’s current state' })),
    moves: Type.Optional(
      Type.Array(
        Type.Object(
          {
            month: Type.Integer({ minimum: 0, maximum: 360, description: 'Months from today (1 = next month)' }),
            to: Type.String({ maxLength: 64 }),
            fromStates: Type.Optional(
              Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64, description: 'Apply only from these states; by default the move applies while the young person is still where the plan put them' }),
            ),
          },
          { additionalProperties: false },
        ),
        { maxItems: 24 },
      ),
    ),
    interventions: Type.Optional(
      Type.Array(
        Type.Object({ id: Type.String({ maxLength: 64 }), startMonth: Type.Integer({ minimum: 0, maximum: 360 }) }, { additionalProperties: false }),
        { maxItems: 12 },
      ),
    ),
    prices: Type.Optional(
      Type.Array(
        Type.Object(
          { state: Type.String({ maxLength: 64 }), weeklyPrice: Type.Number({ minimum: 0, maximum: 1_000_000 }) },
          { additionalProperties: false },
        ),
        { maxItems: 24, description: 'Agreed weekly prices for states the plan moves the young person into' },
      ),
    ),
    currentPlacementWeeklyPrice: Type.Optional(
      Type.Union([Type.Number({ minimum: 0, maximum: 1_000_000 }), Type.Null()], { description: 'The actual weekly price of today’s placement, while the young person stays in it' }),
    ),
    currentPlacementPriceChanges: Type.Optional(
      Type.Array(
        Type.Object(
          {
            from: Type.String({ format: 'date', description: 'First day of the new price (YYYY-MM-DD)' }),
            weeklyPrice: Type.Number({ minimum: 0, maximum: 1_000_000 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 50, description: 'Dated changes to today’s placement price (history and scheduled uplifts), in date order, each before the month the placement ends (the plan’s first move out of it, its age limit or the horizon; a later one: 422); needs currentPlacementWeeklyPrice; each financial year is charged the day-weighted price' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PlanInputDto = Static<typeof PlanInputSchema>;

export const PlanResultSchema = Type.Object({
  name: Type.String(),
  total: Type.Object({ discounted: SummarySchema, cash: SummarySchema }),
  cashable: SummarySchema,
  nonCashable: SummarySchema,
  byFinancialYear: Type.Array(Type.Object({ financialYear: Type.String(), cash: SummarySchema, discounted: MeanSe })),
  byAgency: Type.Array(Type.Object({ agency: Type.String(), cash: SummarySchema, discounted: SummarySchema })),
  byAgeYear: Type.Array(Type.Object({ age: Type.Integer(), cash: MeanSe })),
  byState: Type.Array(Type.Object({ state: Type.String(), cash: MeanSe, months: MeanSe })),
  byIntervention: Type.Array(Type.Object({ intervention: Type.String(), cash: MeanSe, probabilityDelivered: Type.Number() })),
  endOfYearStates: Type.Array(Type.Object({ financialYear: Type.String(), states: Type.Record(Type.String(), Type.Number()) })),
  outcomes: Type.Object({
    monthsInCare: MeanSe,
    monthsResidential: MeanSe,
    monthsCustody: MeanSe,
    placementMoves: MeanSe,
    careEntries: MeanSe,
    probabilityEverInCare: Type.Number(),
    probabilityCustody: Type.Number(),
    probabilityHomeless: Type.Number(),
    neetShareAged19to21: Type.Union([Type.Number(), Type.Null()]),
    neetShareOfCareLeavers19to21: Type.Union([Type.Number(), Type.Null()]),
  }),
  exceedance: Type.Array(Type.Object({ threshold: Type.Number(), probability: Type.Number() })),
  outcomesByYear: Type.Optional(Type.Array(
    Type.Object({
      financialYear: Type.String(),
      ageOn31March: Type.Integer({ description: 'The young person’s age in whole years on 31 March' }),
      probabilityInCare: Type.Number({ description: 'Chance of being looked after on 31 March' }),
      threeOrMorePlacementsShare: Type.Union([MeanSe, Type.Null()], {
        description:
          'Placement stability (DfE: looked after on 31 March with three or more placements in the year): if looked after on 31 March, the chance of having held three or more placements in the financial year (the one held in April or at the start, plus each move into a placement, within-state moves included), with its standard error; the first year counts only placements from the projection’s start. Null when never looked after on 31 March',
      }),
      shareWithin20Miles: Type.Union([MeanSe, Type.Null()], {
        description:
          'If looked after on 31 March, the expected chance of being placed within 20 miles of home (1 − the state’s distanceOver20Miles share, averaged over the states the runs reach), with its Monte Carlo standard error; null when never looked after in a state with a share',
      }),
      probabilityCareLeaver: Type.Number({ description: 'Chance of being a care leaver (a state flagged care_leaver) on 31 March' }),
      eetShareOfCareLeaver: Type.Union([MeanSe, Type.Null()], {
        description: 'Aged 19 to 21 on 31 March: if a care leaver, the chance of being in education, employment or training (DfE care leavers 19-21: in a state flagged eet, in the default model staying put, supported lodgings and independent in EET (its NEET being independent_neet), of those in a care_leaver state, and in custody when the young person starts looked after or a care leaver; homeless and custody are counted but not in EET), with its standard error; null at other ages or when never counted then',
      }),
    }),
    { description: 'Projected outcomes by financial year, beside the costs (no extra random draws: read off the simulated states); absent from results stored before them' },
  )),
  expectedCost: Type.Optional(
    Type.Object(
      {
        total: Type.Object({ cash: money('Exact expected cost'), discounted: money('Exact expected present value') }),
        byFinancialYear: Type.Array(Type.Object({ financialYear: Type.String(), cash: Type.Number(), discounted: Type.Number() })),
      },
      { description: 'The exact expectation with parameter uncertainty switched off (the oracle the Monte Carlo mean meets)' },
    ),
  ),
});

const PairedSavingSchema = (basis: string) =>
  Type.Object(
    {
      saving: { ...SummarySchema, description: `Cost of \`against\` minus cost of \`plan\`, run by run, in ${basis}` },
      probabilityCheaper: Type.Number({ description: `Share of runs in which the plan costs strictly less, in ${basis} (ties are not cheaper)` }),
      probabilityEqual: Type.Number({ description: `Share of runs in which both cost the same, in ${basis}` }),
      statement: Type.String({ description: `The comparison in words, in ${basis} only: chance, expected saving and 90% interval (P5 to P95)` }),
    },
    { description: `The comparison in ${basis}: every figure on this one basis` },
  );

export const ComparisonSchema = Type.Object({
  plan: Type.String(),
  against: Type.String(),
  discounted: PairedSavingSchema('present value'),
  cash: PairedSavingSchema('cash (undiscounted)'),
  byAgency: Type.Array(Type.Object({ agency: Type.String(), discountedSaving: Type.Number(), cashSaving: Type.Number() })),
  byState: Type.Array(Type.Object({ state: Type.String(), cashSaving: Type.Number() })),
  statement: Type.String({ description: 'Both sentences, present value first, each labelled with its basis' }),
});

export const PriceBaseField = Type.Union([Type.Literal('model'), Type.Literal('current')], {
  default: 'model',
  description:
    'model (default): figures in the model’s base-year real prices, actual prices deflated from the cash of the year paid with the model’s GDP deflator; current: the model’s costs uprated to the first financial year’s prices, actual prices as they are. Discounting is real either way.',
});

export const MoneyBasisSchema = Type.Object(
  {
    currency: Type.String({ description: 'ISO 4217 code' }),
    priceBase: Type.String({ description: 'Every figure is in real prices of this financial year: the model’s price base (priceBaseKind "model") or the first financial year of the projection ("current")' }),
    priceBaseKind: Type.Optional(Type.Union([Type.Literal('model'), Type.Literal('current')], { description: '(Absent only in answers stored before price bases were stated.) model: the model’s base-year prices, actual prices deflated to them; current: the model uprated to the current year' })),
    modelPriceBase: Type.Optional(Type.String({ description: 'The financial year whose prices the model’s costs are stated in' })),
    deflator: Type.Optional(Type.Object(
      {
        appliedTo: Type.Union([Type.Literal('actual prices'), Type.Literal('model costs'), Type.Literal('nothing')], {
          description: 'nothing: scenario runs, whose actual prices are used as given (see statement)',
        }),
        factors: Type.Array(Type.Object({ financialYear: Type.String(), factor: Type.Number() }), {
          description: 'model: index(base) / index(year) applied to prices paid in each year; current: index(current) / index(base) applied to the model’s costs (6 decimals)',
        }),
        source: Type.Union([Type.String(), Type.Null()], { description: 'The model’s source for its deflator; null when it has none (nothing converted)' }),
        lastIndexedYear: Type.Union([Type.String(), Type.Null()], { description: 'Later years hold this year’s index' }),
        statement: Type.String(),
      },
      { description: 'The GDP deflator conversion applied' },
    )),
    discountRates: Type.Array(Type.Object({ fromYear: Type.Integer(), rate: Type.Number() }), { description: 'Real discount rates by year from the first financial year (year 0 undiscounted)' }),
    bases: Type.Object({
      discounted: Type.String({ description: 'What “discounted” (present value) means here' }),
      cash: Type.String({ description: 'What “cash” means here' }),
    }),
    rounding: Type.String(),
  },
  { description: 'What every money figure in this answer is: currency, price base, discount rates and the two bases' },
);

export const ProjectionResultSchema = Type.Object({
  model: Type.Object({ id: Type.String(), version: Type.String(), hash: Type.String() }),
  seed: Type.Integer(),
  runs: Type.Integer(),
  months: Type.Integer(),
  startMonth: Type.String({ description: 'Calendar month of month 0, YYYY-MM' }),
  startDay: Type.Optional(Type.Integer({ description: 'Day of the start month the projection starts, when not the 1st' })),
  ageMonths: Type.Integer(),
  firstFinancialYear: Type.String(),
  parameterUncertainty: Type.Boolean(),
  discountRates: Type.Array(Type.Object({ fromYear: Type.Integer(), rate: Type.Number() })),
  money: MoneyBasisSchema,
  plans: Type.Array(PlanResultSchema),
  comparisons: Type.Array(ComparisonSchema),
  parameters: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), kind: Type.String(), mean: Type.Number() })),
});
export type ProjectionResultDto = Static<typeof ProjectionResultSchema>;

export const MAX_RUNS = 100_000;
export const DEFAULT_RUNS = 10_000;
export const MAX_PLANS = 8;
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export const RunsField = Type.Integer({ minimum: 1, maximum: MAX_RUNS, default: DEFAULT_RUNS, description: `Monte Carlo runs (1 to ${MAX_RUNS})` });
export const SeedField = Type.Integer({ minimum: 0, maximum: MAX_SEED, description: 'Reproduces a run exactly; one is chosen and returned when omitted' });
export const DiscountRateField = Type.Number({ minimum: 0, maximum: 0.2, description: 'A single real discount rate for every year, instead of the model’s Green Book schedule' });
export const StartMonthField = Type.String({
  pattern: '^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$',
  description: 'Calendar month of month 0, YYYY-MM, a year from 1900 to 2999; defaults to the current month',
});

export const RunProjectionBody = Type.Object(
  {
    model: Type.Union([SlugString('The id of a model in the catalog'), CostModel], {
      description: 'A model id from listModels, or a whole model inline (validated first)',
    }),
    modelVersion: Type.Optional(VersionString('A version of that model; the newest when left out')),
    ageMonths: Type.Integer({ minimum: 0, maximum: 360, description: 'Age in months at the start' }),
    state: Type.String({ maxLength: 64, description: 'State at the start' }),
    startMonth: Type.Optional(StartMonthField),
    startDay: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 31, description: 'Day of the start month the projection starts (default 1): the first month’s weekly costs are charged for its remaining days, as the 12-month budget charges them' }),
    ),
    plans: Type.Optional(Type.Array(PlanInputSchema, { minItems: 1, maxItems: MAX_PLANS, description: 'Plans to compare; the first is the baseline. Default: one plan, as now' })),
    runs: Type.Optional(RunsField),
    seed: Type.Optional(SeedField),
    parameterUncertainty: Type.Optional(Type.Boolean({ default: true })),
    discountRate: Type.Optional(DiscountRateField),
    priceBase: Type.Optional(PriceBaseField),
    thresholds: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { maxItems: 10, description: 'Report the chance the discounted total exceeds each' })),
  },
  { additionalProperties: false },
);
