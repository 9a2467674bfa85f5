import { Type } from 'typebox';
import { MAX_PACK_RUNS } from '../export/pack.ts';
import { Uuid } from './common.ts';
import { FundingViewSchema } from './funding-view.ts';

/** Scenario packs and the comparison page's views. */

export const ExportScenarioPackBody = Type.Object(
  {
    runIds: Type.Array(Uuid, { minItems: 1, maxItems: MAX_PACK_RUNS, uniqueItems: true, description: `One to ${MAX_PACK_RUNS} stored scenario runs, side by side in this order` }),
    allowDifferentCohorts: Type.Optional(
      Type.Boolean({ default: false, description: 'Put runs over different cohorts (their cohort hashes differ) side by side; the pack then says so. Without it such runs answer 409.' }),
    ),
  },
  { additionalProperties: false },
);

export const PackPreviewQuery = Type.Object(
  {
    runs: Type.String({ pattern: '^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,3}$', description: `One to ${MAX_PACK_RUNS} stored run ids, comma-separated` }),
    allowDifferentCohorts: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

const Cases = Type.Object(
  {
    best: Type.Number({ description: 'P90: one run in ten does better' }),
    expected: Type.Number({ description: 'Mean' }),
    worst: Type.Number({ description: 'P10: one run in ten does worse' }),
  },
  { description: 'Pounds; higher is better' },
);

const ChartSchema = Type.Object({
  id: Type.String(),
  runId: Type.Union([Uuid, Type.Null()], { description: 'The run it belongs to; null for a chart of every run' }),
  title: Type.String(),
  description: Type.String({ description: 'What the chart shows, in words (its text alternative)' }),
  svg: Type.String({ description: 'An SVG document' }),
});

const ShareCellsSchema = Type.Object(
  { mean: Type.Union([Type.Number(), Type.Null()]), p10: Type.Union([Type.Number(), Type.Null()]), p90: Type.Union([Type.Number(), Type.Null()]) },
  { description: 'A share from 0 to 1: mean and P10-P90 over runs; null where withheld (fewer than 10 counted) or not computed' },
);

export const PackPreview = Type.Object({
  runs: Type.Array(
    Type.Object({
      id: Uuid,
      label: Type.String(),
      scenario: Type.Object({ id: Type.String(), version: Type.String(), name: Type.String(), strategy: Type.String() }),
      model: Type.Object({ id: Type.String(), version: Type.String() }),
      seed: Type.Integer(),
      runs: Type.Integer(),
      cohort: Type.Object({ hash: Type.String(), size: Type.Union([Type.Integer(), Type.String()], { description: 'Young people on record; "<5" when fewer than 5' }) }),
      firstYear: Type.String(),
      lastPlanningYear: Type.String(),
      netPresentValue: Cases,
      planningSaving: Cases,
      probabilityBenefitsExceedCosts: Type.Number(),
      paybackMedianYear: Type.Union([Type.String(), Type.Null()]),
      findings: Type.Array(Type.String(), { description: 'Plain-language findings, counts of children under disclosure control' }),
      funding: FundingViewSchema,
      projectedOutcomes: Type.Array(
        Type.Object({
          financialYear: Type.String(),
          measure: Type.String({ description: 'within_20_miles, three_or_more_placements or care_leavers_eet' }),
          label: Type.String(),
          baseline: ShareCellsSchema,
          strategy: ShareCellsSchema,
          difference: ShareCellsSchema,
        }),
        { description: 'Projected outcomes at 31 March of each planning year, as the pack’s Projected outcomes sheet holds them' },
      ),
    }),
  ),
  differentCohorts: Type.Boolean(),
  comparison: Type.Array(Type.String(), { description: 'How the runs compare, in sentences' }),
  charts: Type.Array(ChartSchema),
});

export const ProjectionCharts = Type.Object({
  projectionId: Uuid,
  charts: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), description: Type.String(), svg: Type.String() })),
});
