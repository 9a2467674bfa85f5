import { type Static, Type } from 'typebox';
import { SlugString, VersionString } from '../catalog/identifiers.ts';
import { IsoDateTime, pageOf, Uuid } from './common.ts';
import { Job } from './jobs.ts';

/**
 * The calibration resource: what an SSDA903 import read and cleaned, the rates it estimated
 * (sample sizes, intervals, what leaned on the prior) and how a backtest of the method fared.
 * Aggregates only: no child's identifier or date of birth appears anywhere in it.
 */

const ModelId = SlugString();
const Version = VersionString();
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

/*
 * What the board (a role without individual access) reads of a calibration follows the one
 * disclosure rule of src/services/disclosure-view.ts: counts of children (or of events happening
 * to them, or of their records) above 0 and under 5 read "<5", and a figure that would let one be
 * worked out reads "c" (a total's complement, or a rate, share or interval computed from a hidden
 * count). Roles that may read individual records read every figure as computed.
 */
const SMALL = Type.Literal('<5');
const HIDDEN = Type.Literal('c');
/** A count of children, events or records: a whole number, or "<5" / "c" when hidden (board). */
const ShownCount = Type.Union([Type.Number(), SMALL, HIDDEN], { description: 'A count: a number, or "<5" / "c" when hidden from roles without individual access' });
/** Person-months: 1-4 would tell a count of 1-4 children, so hidden from those roles as counts are. */
const ShownPersonMonths = Type.Union([Type.Number(), SMALL, HIDDEN], { description: 'Person-months: a number, or "<5" / "c" when hidden from roles without individual access' });
/** A figure computed from counts: "c" when it would reveal a hidden count (board). */
const ShownFigure = Type.Union([Type.Number(), HIDDEN], { description: 'A number, or "c" when it would reveal a hidden count (roles without individual access)' });
const ShownNullable = Type.Union([Type.Number(), Type.Null(), HIDDEN]);

/** The multipart form of importSsda903 (documentation: the handler reads and checks the parts as they stream). */
export const CalibrationForm = Type.Object(
  {
    files: Type.Array(Type.String({ format: 'binary' }), {
      description:
        'The return’s tables as CSV (UTF-8, UTF-16 or Windows-1252) or Excel .xlsx (first sheet): YEAR-episodes.csv, YEAR-header.csv, YEAR-uasc.csv, YEAR-oc3.csv (YEAR the year the return ends on 31 March, or 2023-24), the other tables of the return (skipped with a note), or one file per table across years with a YEAR column; one part each, or one zip of them. Any part name; each part needs a filename.',
    }),
    priorModel: Type.Optional({ ...ModelId, default: 'england-default', description: 'The model whose rows are shrunk towards and whose costs, states and interventions are kept' }),
    priorModelVersion: Type.Optional({ ...Version, description: 'A version of the prior; the newest when left out' }),
    referenceWindow: Type.Optional(Type.String({ pattern: '^\\d{4}(-\\d{4})?$', description: 'Return years to calibrate on, e.g. 2021-2024; the latest four when left out' })),
    priorWeight: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000, default: 60, description: 'Weight of the prior for monthly rows, in person-months (leaving care at 18 is weighed in birthdays, 4; care leaver rows in care-leaver-years, 10)' })),
    authority: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'The authority’s name: names the model (<name>-calibrated) and its sources' })),
    modelId: Type.Optional({ ...ModelId, description: 'The new model’s id; by default <authority>-calibrated or <prior>-calibrated' }),
    backtestYear: Type.Optional(Type.String({ pattern: '^(\\d{4}|none)$', description: 'Return year to backtest (fit on the years before, project it, compare); the latest when left out; none for no backtest' })),
    mapping: Type.Optional(Type.String({ description: 'JSON: the authority’s partial SSDA903 code mapping, merged over the default table' })),
    localAuthority: Type.Optional(
      Type.String({ minLength: 1, maxLength: 80, description: 'When the files hold several authorities (an LA column, as data-sharing pipelines and multi-year tables have it), the one to calibrate' }),
    ),
    intervalLevel: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'Level of the report’s intervals (0.9: 90%); a move never seen in n observations gets at least the exact one-sided bound for 0 in n at this level' })),
    population: Type.Optional(
      Type.String({
        format: 'binary',
        description:
          'The ONS mid-year population estimates by single year of age (table MYE2 saved as CSV: Code, Name, Geography, All ages, 0, 1, ..., 90; or long: area code, age, population_YYYY): entries per 10,000 children and the model’s entry rates are then the authority’s own. Without it entry rates are the prior’s national figures.',
      }),
    ),
    populationArea: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'The authority’s ONS code (e.g. E09000001) or name, when the population file holds several areas' })),
    distancePriorWeight: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 10_000,
        default: 20,
        description:
          'Weight of the prior model’s share placed more than 20 miles from home, in children (31 March placements with a known distance): the Beta(w·p0, w·(1 − p0)) prior of src/calibration/distance.ts. 20 by default: a state with 20 children counted keeps half the prior’s say, with 100 a sixth. Above 0, at most 10,000',
      }),
    ),
  },
  { additionalProperties: false },
);

const EntryRates = Type.Object(
  {
    basis: Type.Enum(['national', 'local'], { description: 'local: entry rates into care are the authority’s (a population was given); national: the prior’s' }),
    note: Type.String({ description: 'In words: what the entry rates are, and what of their uncertainty reaches the engine' }),
    level: Type.Number({ description: 'Level of the intervals' }),
    population: Type.Optional(Type.Object({ description: Type.String(), area: Type.Optional(Type.String()), years: Type.Optional(Type.Array(Type.Integer())), warning: Type.Optional(Type.String({ description: 'Said when the population is not of the window’s years' })) })),
    byBand: Type.Array(
      Type.Object({
        band: Type.String(),
        population: Type.Number({ description: 'Children in the band' }),
        entries: { ...ShownCount, description: 'Entries into looked-after states in the window' },
        exposure: Type.Number({ description: 'Child-months: population × months' }),
        per10000PerYear: { ...ShownFigure, description: 'Entries per 10,000 children a year' },
        lower: { ...ShownFigure, description: 'Exact (Garwood) Poisson interval of that rate at the level' },
        upper: ShownFigure,
        national: Type.Number({ description: 'The prior model’s rate, per 10,000 a year' }),
        model: Type.Union([Type.Number(), HIDDEN], { description: 'The rate the calibrated model takes (shrunk slightly towards the prior’s), per 10,000 a year' }),
        priorShare: ShownFigure,
        scale: Type.Union([Type.Number(), HIDDEN], { description: 'Factor applied to the prior’s chances of entering care in the band' }),
      }),
    ),
    multiplierSd: { ...ShownNullable, description: 'The sd of the entry_to_care multiplier (mean 1) the engine draws per run; null when national' },
  },
  { description: 'Whether entry rates into care are calibrated to the authority (with a population) or national' },
);

const SkippedTable = Type.Object({ name: Type.String(), table: Type.String({ description: 'The table in the guidance’s words' }) });

export const CleaningAction = Type.Object({
  file: Type.String(),
  row: Type.Optional(Type.Integer({ description: 'Row in the file; the header is row 1' })),
  column: Type.Optional(Type.String()),
  code: Type.String({ description: 'What was found (see the calibration README for the codes)' }),
  action: Type.Enum(['dropped', 'fixed', 'kept']),
  detail: Type.String({ description: 'Never quotes a child’s identifier or date of birth' }),
});

const CountsByCode = Type.Record(Type.String(), Type.Record(Type.String(), ShownCount), { description: 'Cleaning actions by code, then by outcome' });

export const Cleaning = Type.Object({
  files: Type.Array(
    Type.Object({ name: Type.String(), kind: Type.Enum(['episodes', 'header', 'uasc', 'oc3']), returnYear: Type.Integer(), rows: { ...ShownCount, description: 'Data rows read' } }),
  ),
  actions: Type.Array(CleaningAction, {
    description: 'Every problem found and what was done: nothing is dropped or changed without an entry here. Row by row, so withheld (empty) from roles without individual access; `counts` gives them by code',
  }),
  counts: CountsByCode,
  totals: Type.Object({
    children: ShownCount,
    episodes: ShownCount,
    oc3Records: ShownCount,
    openAtEnd: ShownCount,
    shortBreaks: Type.Optional(Type.Object({ children: ShownCount, episodes: ShownCount }, { description: 'Short breaks (legal status V3, V4) excluded, as the DfE’s statistics exclude them' })),
    unobserved: Type.Optional(
      Type.Object(
        { episodes: ShownCount, personMonths: ShownPersonMonths, entries: ShownCount },
        { description: 'Episodes whose placement codes map to no state of the model, and the person-months and entries into care calibration therefore cannot see' },
      ),
    ),
    sharedProvider: Type.Optional(
      Type.Object(
        { episodes: ShownCount, personMonths: ShownPersonMonths },
        { description: 'Foster placements (U4-U6) with no PLACE_PROVIDER: their months shared between in-house and agency foster care in the prior’s proportions of entries' },
      ),
    ),
  }),
  skippedTables: Type.Optional(Type.Array(SkippedTable, { description: 'Tables of the return recognised and not used (reviews, missing, OC2...)' })),
  warnings: Type.Optional(Type.Array(Type.String(), { description: 'What needs a person’s attention, such as a file whose rows mostly fall outside the return year its name gives' })),
});

/** The short account of an upload the 202 answer carries, so problems show before the job ends. */
export const ImportSummary = Type.Object({
  children: Type.Integer(),
  episodes: Type.Integer(),
  returnYears: Type.Array(Type.Integer(), { description: 'Return years found (each ending 31 March)' }),
  tablesUsed: Type.Array(Type.Object({ name: Type.String(), table: Type.String(), returnYear: Type.Integer(), rows: Type.Integer() })),
  tablesSkipped: Type.Array(SkippedTable),
  actions: Type.Object(
    { dropped: Type.Record(Type.String(), Type.Integer()), fixed: Type.Record(Type.String(), Type.Integer()), kept: Type.Record(Type.String(), Type.Integer()) },
    { description: 'Cleaning actions counted by outcome, then by code (the calibration lists each one)' },
  ),
  shortBreaks: Type.Object({ children: Type.Integer(), episodes: Type.Integer() }),
  unobserved: Type.Object({ episodes: Type.Integer(), personMonths: Type.Integer(), entries: Type.Integer() }),
  sharedProvider: Type.Object({ episodes: Type.Integer(), personMonths: Type.Integer() }),
  warnings: Type.Array(Type.String()),
});
export type ImportSummaryDto = Static<typeof ImportSummary>;

const RateEstimate = Type.Object({
  to: Type.String(),
  count: { ...ShownCount, description: 'Observed transitions (fractional when a destination is split between states)' },
  empirical: { ...ShownNullable, description: 'count / observations, before shrinkage; null when nothing was observed' },
  estimate: ShownFigure,
  lower: ShownFigure,
  upper: ShownFigure,
  revealed: Type.Optional(
    Type.Boolean({
      description: 'Whether the return can show this move. false: a count of 0 means not observable (moves outside care, destinations no code names), and the interval is the posterior’s alone; true with count 0: never seen, upper bound at least the exact one-sided Clopper-Pearson bound for 0 in n',
    }),
  ),
});

const rowProperties = {
  band: Type.String(),
  state: Type.String(),
  units: Type.Optional(Type.Enum(['person-months', 'birthdays', 'care-leaver-years', 'entries'], { description: 'Units of observations and priorWeight' })),
  observations: { ...ShownCount, description: 'Sample size: person-months (18th birthdays for leaving care at 18, care-leaver-years for care leaver rows, entries for entry splits)' },
  partialObservations: { ...ShownCount, description: 'Of which only partly observed (months outside care, where only a return to care shows)' },
  priorWeight: Type.Number({ description: 'The prior’s pseudo-count in the row’s units: the weight plus the floor shared by destinations the return can reveal' }),
  priorShare: { ...ShownFigure, description: 'Weight of the prior in the estimate: priorWeight / (observations + priorWeight)' },
  concentration: { ...ShownFigure, description: 'Dirichlet concentration the engine draws the row with' },
  shrunk: Type.Boolean({ description: 'Fewer observations than the threshold: the prior has a large say' }),
  rates: Type.Array(RateEstimate, { description: 'Each rate with its interval: the Beta marginal of the row’s Dirichlet; for a move the return could show and did not, [0, U] with U at least the exact one-sided Clopper-Pearson bound for 0 in n' }),
};
const RowReport = Type.Object(rowProperties);
const AgeTransitionReport = Type.Object({ ...rowProperties, atAgeYears: Type.Integer(), from: Type.Array(Type.String()) });

export const CalibrationReport = Type.Object({
  window: Type.Object({ fromYear: Type.Integer(), toYear: Type.Integer(), months: Type.Integer() }),
  prior: Type.Object({ id: Type.String(), version: Type.String() }),
  mapping: Type.Object({ id: Type.String(), version: Type.String() }),
  priorWeight: Type.Number({ description: 'Prior weight of the monthly rows, in person-months' }),
  ageTransitionPriorWeight: Type.Optional(Type.Number({ description: 'Prior weight of the rows for leaving care at 18, in 18th birthdays' })),
  careLeaverPriorWeight: Type.Optional(Type.Number({ description: 'Prior weight of the care leaver rows, in care-leaver-years' })),
  intervalLevel: Type.Optional(Type.Number({ description: 'Level of every interval in the report' })),
  shrinkThreshold: Type.Number(),
  rows: Type.Array(RowReport, { description: 'Monthly transition rows by age band and state' }),
  ageTransitions: Type.Array(AgeTransitionReport, { description: 'Leaving care at 18' }),
  careLeavers: Type.Array(RowReport, { description: 'Care leaver rows 18 to 21, from OC3' }),
  entrySplits: Type.Array(RowReport, { description: 'Split of entries into care by starting placement' }),
  entries: Type.Object({
    months: Type.Integer(),
    total: ShownCount,
    byBand: Type.Array(
      Type.Object({
        band: Type.String(),
        count: ShownCount,
        perMonth: ShownFigure,
        lower: ShownFigure,
        upper: ShownFigure,
        per10000ChildrenPerYear: Type.Optional(ShownFigure),
        byState: Type.Array(Type.Object({ state: Type.String(), count: ShownCount, share: ShownFigure })),
      }),
    ),
    byReturnYear: Type.Array(Type.Object({ returnYear: Type.Integer(), count: ShownCount })),
    byAge: Type.Array(Type.Object({ ageYears: Type.Integer(), state: Type.String(), count: ShownCount })),
  }),
  entryRates: Type.Optional(EntryRates),
  withinStateMoves: Type.Array(
    Type.Object({ state: Type.String(), moves: ShownCount, personMonths: ShownPersonMonths, prior: NullableNumber, estimate: ShownFigure }),
  ),
  distances: Type.Optional(
    Type.Object(
      {
        priorWeight: Type.Number({ description: 'Beta prior weight given to the prior model’s share, in children (31 March placements with a known distance)' }),
        window: Type.Object({ fromYear: Type.Integer(), toYear: Type.Integer() }),
        children: { ...ShownCount, description: 'Children looked after on 31 March (each year of the window) in an in-care state with a known distance' },
        over20Miles: { ...ShownCount, description: 'Of them, placed more than 20 miles from home' },
        notKnown: { ...ShownCount, description: 'Children looked after on 31 March in an in-care state with no distance (left out of the shares)' },
        stateNotKnown: { ...ShownCount, description: 'Children with a known distance whose state is not known (a foster placement with no provider): left out' },
        byReturnYear: Type.Array(Type.Object({ returnYear: Type.Integer(), children: ShownCount, over20Miles: ShownCount, notKnown: ShownCount })),
        states: Type.Array(
          Type.Object({
            state: Type.String(),
            children: ShownCount,
            over20Miles: ShownCount,
            within20Miles: ShownCount,
            notKnown: ShownCount,
            empirical: { ...ShownNullable, description: 'over20Miles / children; null when none has a known distance' },
            prior: { ...NullableNumber, description: 'The prior model’s share; null when it gives the state none' },
            estimate: { ...ShownNullable, description: 'The share the calibrated model carries: (over20Miles + priorWeight × prior)/(children + priorWeight), or the prior’s when no distance is known' },
            calibrated: Type.Boolean(),
          }),
        ),
        note: Type.String({ description: 'What was done, in words; counts under 5 read "<5" for roles without individual access' }),
      },
      { description: 'Each in-care state’s share placed more than 20 miles from home, from PL_DISTANCE (src/calibration/distance.ts); absent from calibrations made before it' },
    ),
  ),
  shrunk: Type.Array(
    Type.Object({
      kind: Type.Enum(['monthly', 'age_transition', 'care_leaver', 'entry_split']),
      band: Type.String(),
      state: Type.String(),
      observations: ShownCount,
      priorShare: ShownFigure,
    }),
    { description: 'The rows that lean on the prior' },
  ),
  notCalibrated: Type.Array(Type.Object({ band: Type.String(), state: Type.String(), reason: Type.String({ description: 'Counts under 5 in it read "<5" for roles without individual access' }) })),
  cleaning: Type.Optional(CountsByCode),
  headline: Type.Object({ rowsCalibrated: Type.Integer(), rowsShrunk: Type.Integer(), personMonths: ShownPersonMonths, children: ShownCount, entries: ShownCount }),
});

const BacktestOverall = Type.Object({
  projected: ShownCount,
  actual: ShownCount,
  error: ShownFigure,
  percentError: ShownNullable,
  sd: { ...ShownFigure, description: 'Standard deviation of the count from trajectory noise alone (rows and entry rate taken as known)' },
  sumAbsoluteError: ShownFigure,
  wape: { ...ShownNullable, description: 'Weighted absolute percentage error over the care states' },
  // Optional: backtests stored before intervals and groups were added lack them.
  simulatedMean: Type.Optional({ ...ShownFigure, description: 'Mean of the simulated totals' }),
  predictiveSd: Type.Optional({ ...ShownFigure, description: 'Standard deviation of the simulated total: parameter, entry and trajectory uncertainty' }),
  lower: Type.Optional({ ...ShownFigure, description: 'Lower end of the interval of the total in care (level in interval)' }),
  upper: Type.Optional({ ...ShownFigure, description: 'Upper end of the interval of the total in care' }),
  inInterval: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('c')])),
  groupError: Type.Optional({ ...ShownFigure, description: 'The headline: summed absolute error over the four placement groups (fostering, residential, supported, other)' }),
});

export const Backtest = Type.Object({
  year: Type.Integer({ description: 'The return year projected' }),
  fitWindow: Type.Object({ fromYear: Type.Integer(), toYear: Type.Integer() }),
  model: Type.Object({ id: Type.String(), version: Type.String() }),
  startPopulation: ShownCount,
  expectedEntrants: ShownCount,
  actualEntrants: ShownCount,
  states: Type.Array(
    Type.Object({
      state: Type.String(),
      projected: ShownCount,
      actual: ShownCount,
      error: ShownFigure,
      absoluteError: ShownFigure,
      percentError: ShownNullable,
      sd: ShownFigure,
      group: Type.Optional(Type.String()),
    }),
    { description: 'Children in each care state on 31 March of the year: projected against actual' },
  ),
  overall: BacktestOverall,
  fitWindowRule: Type.Optional(Type.String({ description: 'How the fit window was chosen from the calibration window' })),
  fit: Type.Optional(
    Type.Object(
      { window: Type.Object({ fromYear: Type.Integer(), toYear: Type.Integer() }), note: Type.String() },
      { description: 'The backtest’s own fit: the same method on fitWindow only, not stored or published (`model` names the published model whose method it tests)' },
    ),
  ),
  verdict: Type.Optional(Type.String({ description: 'In words: whether the model or a naive benchmark (stock carried forward, last year’s flows) forecast the placement groups better in the year; withheld when the group errors are' })),
  vanished: Type.Optional({ ...ShownCount, description: 'Children left out of start, entrants and actual alike: their episode open on 31 March of the year before vanished from the return' }),
  entryRates: Type.Optional(Type.Object({ basis: Type.String(), note: Type.String({ description: 'In words, e.g. "entry rates are national"' }) })),
  interval: Type.Optional(Type.Object({ level: Type.Number(), draws: Type.Integer(), seed: Type.Integer(), method: Type.String() })),
  groups: Type.Optional(
    Type.Array(
      Type.Object({
        group: Type.Enum(['fostering', 'residential', 'supported', 'other']),
        states: Type.Array(Type.String()),
        projected: ShownCount,
        lower: ShownCount,
        upper: ShownCount,
        actual: ShownCount,
        error: ShownFigure,
        absoluteError: ShownFigure,
        carriedForward: { ...ShownCount, description: 'Naive forecast: the group on 31 March of the year before' },
        lastYearsFlows: { ...ShownCount, description: 'Naive forecast: that stock changed by the previous year’s net flow, floored at 0' },
      }),
      { description: 'By placement group: fostering (kinship, in-house, agency foster care), residential (children’s homes, secure homes), supported (supported accommodation), other (every other placement in care)' },
    ),
  ),
  benchmarks: Type.Optional(
    Type.Array(Type.Object({ method: Type.Enum(['carried_forward', 'last_years_flows']), description: Type.String(), total: { ...ShownCount, description: 'The benchmark’s forecast of children in care: a count, so "<5" or "c" when hidden' }, groupError: ShownFigure }), {
      description: 'The naive benchmarks’ summed group errors beside the model’s overall.groupError',
    }),
  ),
  calibration: Type.Object({ rowsCalibrated: Type.Integer(), rowsShrunk: Type.Integer(), personMonths: ShownPersonMonths, children: ShownCount, entries: ShownCount }),
});

const ModelRef = Type.Object({ id: ModelId, version: Version, hash: Type.String(), href: Type.String({ description: 'getModel for this version' }) });

const Parameters = Type.Object({
  referenceWindow: Type.Object({ fromYear: Type.Integer(), toYear: Type.Integer() }),
  priorWeight: Type.Number(),
  distancePriorWeight: Type.Optional(Type.Number({ description: 'Beta prior weight of the shares placed more than 20 miles from home, in children; absent from calibrations made before it (they used 20)' })),
  backtestYear: Type.Union([Type.Integer(), Type.Null()]),
  authority: Type.Union([Type.String(), Type.Null()]),
  mapping: Type.Object({ id: Type.String(), version: Type.String() }),
});

const summaryProperties = {
  id: Uuid,
  createdAt: IsoDateTime,
  jobId: Type.Union([Uuid, Type.Null()]),
  model: ModelRef,
  prior: Type.Object({ id: Type.String(), version: Type.String() }),
  parameters: Parameters,
  sources: Type.Array(Type.Object({ name: Type.String(), bytes: Type.Integer() }), {
    description: 'The files read (and those inside an uploaded zip): names and sizes, never their content',
  }),
};

export const CalibrationSummary = Type.Object({
  ...summaryProperties,
  headline: CalibrationReport.properties.headline,
  cleaningCounts: CountsByCode,
  backtest: Type.Union([Type.Object({ year: Type.Integer(), overall: BacktestOverall }), Type.Null()]),
  links: Type.Object({ self: Type.String() }),
  disclosure: Type.Optional(Type.Object({ note: Type.String() }, { description: 'Present for roles without individual access: how small counts are hidden' })),
});
export type CalibrationSummaryDto = Static<typeof CalibrationSummary>;

export const Calibration = Type.Object({
  ...summaryProperties,
  cleaning: Cleaning,
  report: CalibrationReport,
  backtest: Type.Union([Backtest, Type.Null()]),
  links: Type.Object({ self: Type.String(), model: Type.String(), job: Type.Union([Type.String(), Type.Null()]) }),
  disclosure: Type.Optional(
    Type.Object(
      { note: Type.String(), withheld: Type.Array(Type.String({ description: 'A JSON pointer to what is withheld' })) },
      { description: 'Present for roles without individual access: how small counts are hidden, and what is withheld' },
    ),
  ),
});
export type CalibrationDto = Static<typeof Calibration>;

export const CalibrationPage = pageOf(CalibrationSummary);

/** The 202 answer to importSsda903: the queued job, and what the files held. */
export const CalibrationAccepted = Type.Object({
  ...Job.properties,
  importSummary: ImportSummary,
});
