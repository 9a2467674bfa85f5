import { Type, type Static } from 'typebox';
import { SlugString, VersionString } from '../catalog/identifiers.ts';
import { FundingViewSchema, withholdableFunding } from './funding-view.ts';
import { IsoDateTime, PageQuery, pageOf, Uuid } from './common.ts';
import { MoneyBasisSchema, SummarySchema } from './projections.ts';

/** Shapes of the scenario and scenario-run operations. Money is in pounds at the model's price base. */

export const MAX_SCENARIO_RUNS = 20_000;
export const MIN_SCENARIO_RUNS = 10;
export const DEFAULT_SCENARIO_RUNS = 2000;

const ScenarioId = SlugString('A scenario id');
const ScenarioVersion = VersionString('A version, e.g. 1.2.0');
const Origin = Type.Enum(['file', 'api'], { description: 'file: committed in scenarios/ (read-only); api: stored through this API' });

export const ScenarioIdParams = Type.Object({ id: ScenarioId }, { additionalProperties: false });
export const ScenarioVersionQuery = Type.Object(
  { version: Type.Optional({ ...ScenarioVersion, description: 'A version; the newest when left out' }) },
  { additionalProperties: false },
);

export const CandidateScenario = Type.Object({}, { additionalProperties: true, description: 'A scenario (see getScenarioSchema)' });

const ScenarioLinks = Type.Object({ self: Type.String(), runs: Type.String() });

export const ScenarioSummary = Type.Object({
  id: Type.String(),
  version: Type.String(),
  name: Type.String(),
  origin: Origin,
  file: Type.Union([Type.String(), Type.Null()], { description: 'The file in scenarios/, for file scenarios still there' }),
  hash: Type.String({ description: 'sha256 of the scenario’s canonical JSON' }),
  latest: Type.Boolean({ description: 'The newest version of this id' }),
  createdAt: Type.Union([IsoDateTime, Type.Null()], { description: 'When it was stored; null for a file scenario never run' }),
  links: ScenarioLinks,
});
export type ScenarioSummaryDto = Static<typeof ScenarioSummary>;

export const ScenarioDocument = Type.Object({
  ...ScenarioSummary.properties,
  scenario: Type.Object({}, { additionalProperties: true, description: 'The scenario as written (see getScenarioSchema)' }),
});
export type ScenarioDocumentDto = Static<typeof ScenarioDocument>;

export const ListScenariosQuery = Type.Object(
  { id: Type.Optional(ScenarioId), origin: Type.Optional(Origin), ...PageQuery },
  { additionalProperties: false },
);
export const ScenarioList = pageOf(ScenarioSummary);

export const RunScenarioBody = Type.Object(
  {
    version: Type.Optional({ ...ScenarioVersion, description: 'The version to run; the newest when left out' }),
    runs: Type.Optional(
      Type.Integer({ minimum: MIN_SCENARIO_RUNS, maximum: MAX_SCENARIO_RUNS, description: `Monte Carlo runs (${MIN_SCENARIO_RUNS} to ${MAX_SCENARIO_RUNS.toLocaleString('en-GB')}); the scenario’s own, else ${DEFAULT_SCENARIO_RUNS}` }),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Reproduces a run exactly; the scenario’s own, else chosen at random (always returned)' })),
  },
  { additionalProperties: false },
);

// The engine's result (src/simulation/scenario-fold.ts ScenarioResultCore), documented.
const Band = Type.Object({ mean: Type.Number(), p10: Type.Number(), p50: Type.Number(), p90: Type.Number() }, { description: 'Mean, P10, P50, P90 over runs' });
const NullableMean = (description: string) => Type.Union([Type.Number(), Type.Null()], { description: `${description}; null (withheld) for roles without individual access when fewer than 10 children were refused or waited` });
const Spend = Type.Object({ baseline: SummarySchema, strategy: SummarySchema, saving: SummarySchema });

/**
 * A count of children as a role without individual access sees it (README, "Access, roles and
 * data protection"): a number, "<5" (above 0 and under 5, hidden) or "c" (hidden so that a "<5"
 * cannot be worked out from a total). Roles that read individual records always see numbers.
 */
const ShownCount = Type.Union([Type.Number(), Type.Literal('<5'), Type.Literal('c')], { description: 'A count of children: a number, or "<5" / "c" when hidden (board)' });
const CountBand = Type.Object({ mean: ShownCount, p10: ShownCount, p50: ShownCount, p90: ShownCount }, { description: 'Mean, P10, P50, P90 over runs; counts under 5 hidden for roles without individual access' });
const ShownSummary = Type.Object(
  Object.fromEntries(Object.keys(SummarySchema.properties).map((key) => [key, ShownCount])) as Record<keyof typeof SummarySchema.properties, typeof ShownCount>,
  { description: 'Distribution over runs; for counts of children, figures under 5 hidden for roles without individual access' },
);

// How the strategy is paid for (src/simulation/funding-fold.ts FundingResult), documented.
const ByYearMoney = (key: string) => Type.Array(Type.Object({ financialYear: Type.String(), [key]: SummarySchema }));
const FundingResultSchema = Type.Object(
  {
    organisations: Type.Array(
      Type.Object({
        organisation: Type.String(),
        name: Type.String(),
        presentCosts: SummarySchema,
        presentBenefits: SummarySchema,
        presentNet: SummarySchema,
        netByYear: ByYearMoney('net'),
        presentIncome: SummarySchema,
        presentNetAfterIncome: SummarySchema,
      }),
      { description: 'Invest-to-save by organisation (declared ones, then one per agency nobody holds): the organisations sum to the scenario total in every run, to the penny; with their income, to netAfterIncome' },
    ),
    income: Type.Array(
      Type.Object({
        id: Type.String(),
        kind: Type.String(),
        organisation: Type.String(),
        name: Type.String(),
        conditionMet: Type.Union([Type.Boolean(), Type.Null()], { description: 'Grant: whether the strategy commissions the service it is conditional on' }),
        outcome: Type.Union([Type.String(), Type.Null()]),
        basis: Type.Union([Type.String(), Type.Null()]),
        ratePerOutcome: Type.Union([Type.Number(), Type.Null()]),
        outcomes: Type.Union([SummarySchema, Type.Null()], { description: 'Payment by results: outcomes measured, as an outcomes contract measures them' }),
        received: SummarySchema,
        presentValue: SummarySchema,
        byYear: ByYearMoney('received'),
      }),
      { description: 'Income from outside the scenario’s parties (grants, payment by results), each booked to the organisation receiving it' },
    ),
    // The invest-to-save NPV (unchanged) plus the PV of all income, run by run: the net after alternative funding.
    netAfterIncome: SummarySchema,
    reinvestment: Type.Union([
      Type.Object({
        share: Type.Number(),
        presentReinvested: SummarySchema,
        presentRetained: SummarySchema,
        dueAfterHorizon: SummarySchema,
        byYear: Type.Array(Type.Object({ financialYear: Type.String(), cashableNet: SummarySchema, reinvested: SummarySchema, retained: SummarySchema })),
      }),
      Type.Null(),
    ]),
    pooledBudget: Type.Union([
      Type.Object({
        services: Type.Array(Type.String()),
        partners: Type.Array(
          Type.Object({
            organisation: Type.String(),
            name: Type.String(),
            contribution: Type.Number(),
            riskShare: Type.Number(),
            presentNet: SummarySchema,
            byYear: Type.Array(Type.Object({ financialYear: Type.String(), payment: SummarySchema, net: SummarySchema })),
          }),
        ),
        outside: Type.Object({ presentNet: SummarySchema, byYear: ByYearMoney('net') }, { description: 'Organisations outside the partnership, together' }),
        byYear: Type.Array(Type.Object({ financialYear: Type.String(), budget: Type.Number(), spend: SummarySchema, variance: SummarySchema, probabilityOverspend: Type.Number() })),
      }),
      Type.Null(),
    ]),
    outcomesContracts: Type.Array(
      Type.Object({
        id: Type.String(),
        outcome: Type.String(),
        basis: Type.String(),
        pricePerOutcome: Type.Number(),
        outcomes: SummarySchema,
        payments: SummarySchema,
        paymentsByYear: ByYearMoney('payments'),
        commissionerPresentNet: SummarySchema,
        investorPresentNet: SummarySchema,
        investorFunded: SummarySchema,
        investorReceived: SummarySchema,
        moneyMultiple: Type.Union([Type.Number(), Type.Null()], { description: 'Ratio of totals: expected received / expected funded' }),
        probabilityInvestorLoses: Type.Number(),
        irr: Type.Object({ runsWithIrr: Type.Integer(), summary: Type.Union([SummarySchema, Type.Null()]) }, { description: 'Annual internal rate of return over the runs where it is defined (−1 a total loss)' }),
        priceBounds: Type.Object({ price: Type.Number(), deliveryCostPerOutcome: Type.Union([Type.Number(), Type.Null()]), valuePerOutcomeToPayer: Type.Union([Type.Number(), Type.Null()]) }),
      }),
      {
        description:
          'Each contract is read on its own, as if it alone funded its services: contracts naming the same service are alternative readings (e.g. the same contract on two bases), not additive; do not add their payments or positions. A service may not be both pooled and contracted (refused with 422).',
      },
    ),
  },
  { description: 'How the strategy is paid for, run by run (issue 16); present only when the scenario gives funding. netAfterIncome: the invest-to-save NPV (unchanged) plus the PV of all income' },
);

export const ScenarioResultSchema = Type.Object({
  runs: Type.Integer(),
  seed: Type.Integer(),
  firstYear: Type.String(),
  planningYears: Type.Integer(),
  lifetimeYears: Type.Integer(),
  appraisal: Type.Object(
    { convention: Type.String({ description: 'continuing_demand or closed_cohort' }), description: Type.String() },
    { description: 'The appraisal convention the invest-to-save figures follow' },
  ),
  spend: Type.Object(
    {
      byYear: Type.Array(Type.Object({ financialYear: Type.String(), ...Spend.properties })),
      byYearAgency: Type.Array(Type.Object({ financialYear: Type.String(), agency: Type.String(), ...Spend.properties })),
      planningTotal: Spend,
    },
    { description: 'Cash spend in the planning years, baseline ("as now") against strategy (including its investment); saving = baseline − strategy, run by run' },
  ),
  investToSave: Type.Object(
    {
      netPresentValue: SummarySchema,
      presentBenefits: SummarySchema,
      presentCosts: SummarySchema,
      benefitCostRatio: Type.Union([Type.Number(), Type.Null()], {
        description: 'Ratio of totals: expected PV of benefits / expected PV of costs (Green Book); null only when the expected PV of costs is not positive',
      }),
      returnOnInvestment: Type.Union([Type.Number(), Type.Null()], { description: 'Ratio of totals: (expected PV of benefits − expected PV of costs) / expected PV of costs' }),
      ratioSpreadOverRuns: Type.Object(
        {
          runsWithCosts: Type.Integer({ description: 'Runs whose PV of costs is positive: the runs the spread is taken over' }),
          benefitCostRatio: Type.Union([SummarySchema, Type.Null()]),
          returnOnInvestment: Type.Union([SummarySchema, Type.Null()]),
        },
        { description: 'Each run’s own ratio, shown for its spread only: its mean is not the benefit-cost ratio' },
      ),
      probabilityBenefitsExceedCosts: Type.Number({ description: 'Share of runs whose NPV (present value) is strictly positive' }),
      cash: Type.Object(
        {
          net: SummarySchema,
          probabilityBenefitsExceedCosts: Type.Number({ description: 'Share of runs whose undiscounted net benefit is strictly positive' }),
        },
        { description: 'The appraisal in cash (undiscounted, real prices) over the same lifetime horizon' },
      ),
      payback: Type.Object({
        byYear: Type.Array(Type.Object({ financialYear: Type.String(), probability: Type.Number() })),
        probabilityNever: Type.Number(),
        medianYear: Type.Union([Type.String(), Type.Null()]),
      }),
      cashableBenefits: SummarySchema,
      nonCashableBenefits: SummarySchema,
      byAgency: Type.Array(Type.Object({ agency: Type.String(), presentCosts: Band, presentBenefits: Band, net: Band }), { description: 'Who invests and who saves' }),
      netByYear: Type.Array(Type.Object({ financialYear: Type.String(), net: SummarySchema })),
    },
    { description: 'Over the lifetime horizon, discounted (Green Book)' },
  ),
  counts: Type.Array(Type.Object({ financialYear: Type.String(), state: Type.String(), baseline: CountBand, strategy: CountBand }), { description: 'Children in each state at 31 March' }),
  inCare: Type.Array(Type.Object({ financialYear: Type.String(), baseline: CountBand, strategy: CountBand }), { description: 'Children looked after at 31 March' }),
  outcomes: Type.Array(Type.Object({ measure: Type.String(), label: Type.String(), baseline: ShownSummary, strategy: ShownSummary, difference: ShownSummary })),
  interventions: Type.Array(
    Type.Object({
      intervention: Type.String(),
      delivered: CountBand,
      cost: Type.Union([SummarySchema, Type.Null()], { description: 'Null (withheld) for roles without individual access when fewer than 5 children start it' }),
    }),
  ),
  sensitivity: Type.Array(
    Type.Object({ parameter: Type.String(), label: Type.String(), kind: Type.String(), rankCorrelation: Type.Number(), npvWhenLow: Type.Number(), npvWhenHigh: Type.Number() }),
    { description: 'Tornado: each uncertain input’s rank correlation with the NPV, and the mean NPV when it is in its lowest and highest decile; strongest first' },
  ),
  npvHistogram: Type.Array(Type.Object({ from: Type.Number(), to: Type.Number(), count: Type.Integer() })),
  // Roles without individual access read it with the disclosure rule applied: withheld figures null (src/export/funding.ts).
  funding: Type.Optional(withholdableFunding(FundingResultSchema, SummarySchema) as typeof FundingResultSchema),
  capacity: Type.Optional(
    Type.Object(
      {
        limits: Type.Array(
          Type.Object({
            variant: Type.Union([Type.Literal('baseline'), Type.Literal('strategy')]),
            state: Type.String(),
            overflowTo: Type.String(),
            waiting: Type.Boolean({ description: 'Whether children refused a place wait for one in the overflow state' }),
            occupancyByMonth: Type.Array(
              Type.Object({
                month: Type.Integer({ description: 'Projection month, 0 = the first' }),
                financialYear: Type.String(),
                capacity: Type.Integer({ description: 'Places in that month’s financial year' }),
                occupied: CountBand,
                waiting: Type.Union([Type.Number(), Type.Null()], { description: 'Mean children waiting for a place at that month; null (withheld) for roles without individual access when fewer than 10 children were refused or waited' }),
              }),
            ),
            refused: NullableMean('Mean moves (or new entrants) refused a place, per run'),
            waited: NullableMean('Mean children who waited at least a month, per run'),
            monthsWaited: NullableMean('Mean months waited, summed over the children of a run'),
            placedFromWaiting: NullableMean('Mean children given a place after waiting, per run'),
            overflowMonths: NullableMean('Mean months in the overflow state by children sent there for want of a place, per run'),
            overflowCost: Type.Union([Band, Type.Null()], { description: 'Those months at the overflow state’s price, pounds, mean and P10/P50/P90 over runs' }),
          }),
        ),
        commissioned: Type.Array(
          Type.Object({
            intervention: Type.String(),
            byYear: Type.Array(Type.Object({ financialYear: Type.String(), places: Type.Number(), used: ShownCount }), { description: 'Places commissioned and mean places started, by financial year' }),
          }),
        ),
      },
      {
        description:
          'Places held in every run (issue 15): occupancy by month against capacity, children waiting and months waited, overflow months and cost per capacity limit and variant; places used per commissioned service. Absent without limits or services and from runs made before it. For roles without individual access the waiting and overflow figures are null when fewer than 10 children were refused or waited',
      },
    ),
  ),
  projectedOutcomes: Type.Optional(
    Type.Array(
      Type.Object({
        financialYear: Type.String(),
        lookedAfter: Type.Object(
          { baseline: Type.Union([Type.Number(), Type.Null()]), strategy: Type.Union([Type.Number(), Type.Null()]) },
          { description: 'Mean number looked after on 31 March in states with a distance share (the children the share is of); null for roles without individual access (the looked-after counts are in inCare)' },
        ),
        shareWithin20Miles: Type.Object(
          { baseline: Type.Union([Band, Type.Null()]), strategy: Type.Union([Band, Type.Null()]), difference: Type.Union([Band, Type.Null()], { description: 'Strategy minus baseline, run by run' }) },
          {
            description:
              'Share of children looked after on 31 March placed within 20 miles of home: each run’s expectation from its children by state and the model’s distanceOver20Miles shares (no draws of its own), P10-P90 over runs. Null when the model gives no distance shares, when no run has anyone looked after, and for roles without individual access when fewer than 10 children are counted in either variant',
          },
        ),
        lookedAfterAll: Type.Optional(
          Type.Object(
            { baseline: Type.Union([Type.Number(), Type.Null()]), strategy: Type.Union([Type.Number(), Type.Null()]) },
            { description: 'Mean number looked after on 31 March in any in-care state (the children the stability share is of); null for roles without individual access' },
          ),
        ),
        threeOrMorePlacementsShare: Type.Optional(
          Type.Object(
            { baseline: Type.Union([Band, Type.Null()]), strategy: Type.Union([Band, Type.Null()]), difference: Type.Union([Band, Type.Null()], { description: 'Strategy minus baseline, run by run' }) },
            {
              description:
                'Placement stability (DfE): share of children looked after on 31 March who had three or more placements in the financial year (moves between and within placements counted by the model), each run’s share, P10-P90 over runs. Null when no run has anyone looked after, and for roles without individual access when fewer than 10 children are looked after in either variant. Absent from runs made before it',
            },
          ),
        ),
        careLeavers19to21: Type.Optional(
          Type.Object(
            { baseline: Type.Union([Type.Number(), Type.Null()]), strategy: Type.Union([Type.Number(), Type.Null()]) },
            { description: 'Mean number of care leavers aged 19 to 21 on 31 March (DfE: in a care-leaver state, or in custody after being looked after or a care leaver in the run); null for roles without individual access' },
          ),
        ),
        eetShareOfCareLeavers: Type.Optional(
          Type.Object(
            { baseline: Type.Union([Band, Type.Null()]), strategy: Type.Union([Band, Type.Null()]), difference: Type.Union([Band, Type.Null()], { description: 'Strategy minus baseline, run by run' }) },
            {
              description:
                'Share of care leavers aged 19 to 21 on 31 March in education, employment or training (DfE care leaver statistics: in a state flagged eet, in the default model staying put, supported lodgings and independent in EET, its NEET being independent_neet; homeless and custody are counted but not in EET), each run’s share, P10-P90 over runs. Null when no run has a care leaver that age, and for roles without individual access when fewer than 10 are counted in either variant. Absent from runs made before it',
            },
          ),
        ),
      }),
      { description: 'Projected outcomes by planning year, beside the spend; absent from runs made before them' },
    ),
  ),
  planning: Type.Object(
    {
      capacity: Type.Array(
        Type.Object({ variant: Type.String(), state: Type.String(), overflowTo: Type.String(), placesByYear: Type.Array(Type.Number()), redirectByYear: Type.Array(ShownCount) }),
      ),
      offers: Type.Array(
        Type.Object({
          intervention: Type.String(),
          placesByYear: Type.Array(Type.Number()),
          expectedDemandByYear: Type.Array(ShownCount),
          probabilityByYear: Type.Array(Type.Number()),
        }),
      ),
    },
    { description: 'What capacity and place planning found before the runs: the share redirected to overflow, the chance of a commissioned place' },
  ),
});

const RunScenarioRef = Type.Object({ id: Type.String(), version: Type.String(), name: Type.String(), hash: Type.String() });
const RunModelRef = Type.Object({ id: Type.String(), version: Type.String(), hash: Type.String(), name: Type.Union([Type.String(), Type.Null()], { description: 'Null when the model is no longer in the catalog' }) });
const Cohort = Type.Object({
  hash: Type.String({ description: 'sha256 over the members’ numeric inputs (age in months, state, weekly price) in run order: the same hash, the same people' }),
  size: Type.Union([Type.Integer(), Type.Literal('<5')], { description: 'Young people on record in the cohort (new entrants are drawn per run); "<5" for roles without individual access when under 5' }),
});
const RunLinks = Type.Object({ self: Type.String(), scenario: Type.String(), compare: Type.String() });

export const ScenarioRunSummary = Type.Object({
  id: Uuid,
  scenario: RunScenarioRef,
  model: RunModelRef,
  seed: Type.Integer(),
  runs: Type.Integer(),
  cohort: Cohort,
  softwareVersion: Type.String(),
  jobId: Type.Union([Uuid, Type.Null()]),
  createdAt: IsoDateTime,
  headline: Type.Object({
    netPresentValueMean: Type.Union([Type.Number(), Type.Null()]),
    probabilityBenefitsExceedCosts: Type.Union([Type.Number(), Type.Null()]),
  }),
  links: RunLinks,
});
export type ScenarioRunSummaryDto = Static<typeof ScenarioRunSummary>;

export const ScenarioRun = Type.Object({
  ...ScenarioRunSummary.properties,
  inputs: Type.Object({
    firstYear: Type.String(),
    planningYears: Type.Integer(),
    lifetimeYears: Type.Integer(),
    cohortFilter: Type.Object({}, { additionalProperties: true }),
    entrantBands: Type.Integer(),
    strategy: Type.String({ description: 'The strategy’s name' }),
    parameterUncertainty: Type.Boolean(),
    scenario: Type.Object({}, { additionalProperties: true, description: 'The scenario exactly as run' }),
  }),
  money: Type.Union([MoneyBasisSchema, Type.Null()], {
    description: 'What every money figure is: currency, price base, discount rates, the two bases (as projections state them); null only when the model version run is no longer in the catalog',
  }),
  result: ScenarioResultSchema,
});
export type ScenarioRunDto = Static<typeof ScenarioRun>;

export const ListScenarioRunsQuery = Type.Object(
  {
    scenario: Type.Optional(ScenarioId),
    version: Type.Optional(ScenarioVersion),
    team: Type.Optional(
      Type.Union([Uuid, Type.Literal('none')], {
        description:
          "Only runs whose scenario's cohort filter names this team (a team's id, any case) among its cohort.teams, or with none: those whose cohort.teams names none (young people with no team). A run restricted to several teams is listed under each. Runs whose cohort has no teams filter (everyone, whatever their team) are never listed under a team. It reads the scenario as run, not who was in the cohort: the team is the one the records held when the run was made. An id that names no team now and no stored run: 422 naming querystring/team (a team deleted since keeps its runs findable).",
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const ScenarioRunList = pageOf(ScenarioRunSummary);

export const ScenarioRunParams = Type.Object({ id: Uuid }, { additionalProperties: false });

// Headline: the figures a commissioner reads first, shared by compareScenarioRuns and the CLI.
const Range = Type.Object({ mean: Type.Number(), p10: Type.Number(), p90: Type.Number() }, { description: 'Mean, best case (P10) and worst case (P90)' });
const CountRange = Type.Object({ mean: ShownCount, p10: ShownCount, p90: ShownCount }, { description: 'Mean, P10 and P90 of a count of children; under 5 hidden for roles without individual access' });
const SpendRange = Type.Object({ baseline: Range, strategy: Range, saving: Range });

export const ScenarioHeadline = Type.Object({
  spendByYear: Type.Array(Type.Object({ financialYear: Type.String(), ...SpendRange.properties })),
  planningTotal: SpendRange,
  netPresentValue: Range,
  benefitCostRatio: Type.Union([Type.Number(), Type.Null()], { description: 'Ratio of totals: expected PV of benefits / expected PV of costs' }),
  returnOnInvestment: Type.Union([Type.Number(), Type.Null()], { description: 'Ratio of totals: (expected PV of benefits − expected PV of costs) / expected PV of costs' }),
  benefitCostRatioSpread: Type.Union([Range, Type.Null()], { description: 'Each run’s own ratio over runs with positive costs: spread only, its mean is not the ratio' }),
  probabilityBenefitsExceedCosts: Type.Number({ description: 'Share of runs with a positive NPV (present value)' }),
  payback: Type.Object({ medianYear: Type.Union([Type.String(), Type.Null()]), probabilityNever: Type.Number() }),
  cashableBenefits: Range,
  nonCashableBenefits: Range,
  inCareByYear: Type.Array(Type.Object({ financialYear: Type.String(), baseline: CountRange, strategy: CountRange })),
  topSensitivity: Type.Array(Type.Object({ parameter: Type.String(), label: Type.String(), rankCorrelation: Type.Number(), npvWhenLow: Type.Number(), npvWhenHigh: Type.Number() })),
});
export type ScenarioHeadlineDto = Static<typeof ScenarioHeadline>;

const RangeDifference = Type.Object(
  { mean: Type.Number(), p10: Type.Number(), p90: Type.Number() },
  { description: 'This run minus the first: the difference of means, and of the P10s and P90s (not percentiles of a difference)' },
);
const SpendDifference = Type.Object({ baseline: RangeDifference, strategy: RangeDifference, saving: RangeDifference });

export const CompareScenarioRunsQuery = Type.Object(
  {
    ids: Type.String({
      pattern: '^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){1,7}$',
      description: 'Two to eight stored run ids, comma-separated; differences are taken against the first',
    }),
    allowDifferentCohorts: Type.Optional(Type.Boolean({ default: false, description: 'Compare runs whose cohorts differ (their cohort hashes do not match)' })),
  },
  { additionalProperties: false },
);

export const ScenarioRunComparison = Type.Object({
  runs: Type.Array(
    Type.Object({
      id: Uuid,
      scenario: RunScenarioRef,
      model: RunModelRef,
      seed: Type.Integer(),
      runs: Type.Integer(),
      cohort: Cohort,
      createdAt: IsoDateTime,
      appraisal: Type.String({ description: 'The run’s appraisal convention: continuing_demand or closed_cohort (runs stored before conventions were stated: closed_cohort)' }),
      money: Type.Union([MoneyBasisSchema, Type.Null()]),
      headline: ScenarioHeadline,
      funding: FundingViewSchema,
    }),
  ),
  warnings: Type.Array(
    Type.Object({ field: Type.String({ description: 'What differs: appraisal, priceBase, discountRates or model' }), message: Type.String() }),
    { description: 'Differences of convention between the runs that make their differences mix method with strategy; empty when they share them' },
  ),
  sameCohort: Type.Boolean(),
  sameSeed: Type.Boolean({ description: 'Same seed and cohort: the runs drew the same random numbers, so their differences are not noise between runs' }),
  differences: Type.Array(
    Type.Object({
      run: Uuid,
      against: Uuid,
      spendByYear: Type.Array(Type.Object({ financialYear: Type.String(), ...SpendDifference.properties }), { description: 'Financial years both runs cover' }),
      planningTotal: SpendDifference,
      netPresentValue: RangeDifference,
      benefitCostRatio: Type.Union([Type.Number(), Type.Null()], { description: 'This run’s ratio of totals minus the first’s' }),
      probabilityBenefitsExceedCosts: Type.Number(),
      inCareByYear: Type.Array(Type.Object({ financialYear: Type.String(), baseline: CountRange, strategy: CountRange }), { description: 'Differences of children looked after; "c" where either run’s figure is hidden' }),
    }),
  ),
});
export type ScenarioRunComparisonDto = Static<typeof ScenarioRunComparison>;
