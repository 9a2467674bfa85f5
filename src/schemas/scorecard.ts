import { Type } from 'typebox';
import { MEASURE_IDS, SCORECARD_GROUPS } from '../outcomes/scorecard.ts';
import { IsoDate, Uuid } from './common.ts';

/** The balanced scorecard and outcome measures as the API speaks them (issue 17). */

const Shown = Type.Union([Type.Number(), Type.String({ description: '"<5" or "c": hidden by the disclosure rule' }), Type.Null()]);

export const ScorecardCell = Type.Object({
  numerator: Shown,
  denominator: Shown,
  value: Type.Union([Type.Number(), Type.Null()], { description: 'Per cent (or children per key worker), one decimal; null when there is nothing to count or a count behind it is hidden' }),
  rag: Type.Union([Type.Literal('green'), Type.Literal('amber'), Type.Literal('red'), Type.Null()]),
  vsTarget: Type.Union([Type.Number(), Type.Null()], { description: 'value − target' }),
  unpricedChildren: Type.Optional({
    ...Shown,
    description:
      'Money only: young people in the cell whose placement price on the day read is not known (a past day whose history episode, a placement, records no weeklyPrice, and today’s placement had not begun); "<5" or "c" when hidden. Above 0 or hidden: the spend is incomplete, numerator and value are the known spend (a floor), rag and vsTarget null',
  }),
  spendComplete: Type.Optional(Type.Boolean({ description: 'Money only: every young person in the cell is priced (unpricedChildren is 0)' })),
  status: Type.Optional(
    Type.Literal('history_incomplete', {
      description:
        'The figure is not available: its counting window (the year ending on the day for measures of a year, the day itself for the others) begins before the borough’s recorded history (historyStart), so numerator, denominator, value, rag and vsTarget are null. Absent when the figure is available',
    }),
  ),
  historyStart: Type.Optional({ ...IsoDate, description: 'With status: the day the borough’s recorded history starts' }),
});

const TeamCell = Type.Object({ teamId: Uuid, ...ScorecardCell.properties });

const thresholds = {
  target: Type.Number({ description: 'The authority’s target' }),
  green: Type.Number({ description: 'Green at or better than this' }),
  amber: Type.Number({ description: 'Amber at or better than this (between green and red); worse is red' }),
};

export const OutcomeMeasure = Type.Object({
  id: Type.String(),
  group: Type.Enum([...SCORECARD_GROUPS]),
  label: Type.String(),
  kind: Type.String({ description: 'count (a share of children), money (GBP against a budget) or ratio' }),
  unit: Type.String(),
  direction: Type.String({ description: 'higher or lower is better' }),
  definition: Type.String(),
  source: Type.String({ description: 'Where the definition comes from' }),
  trend: Type.Boolean({ description: 'Has a trend by quarter: counted over a year of history, or (spend) read on each quarter end' }),
  ...thresholds,
  isDefault: Type.Boolean({ description: 'The target and thresholds are the built-in placeholders (the authority has not set its own)' }),
});

export const TargetInput = Type.Object(
  {
    target: Type.Number({ minimum: 0, maximum: 100_000 }),
    green: Type.Number({ minimum: 0, maximum: 100_000 }),
    amber: Type.Number({ minimum: 0, maximum: 100_000 }),
  },
  { additionalProperties: false, description: 'Higher-is-better measures need amber ≤ green; lower-is-better ones green ≤ amber (400 naming the field otherwise)' },
);

export const MeasureParams = Type.Object({ measure: Type.Enum([...MEASURE_IDS]) }, { additionalProperties: false });

export const ScorecardQuery = Type.Object(
  {
    asOf: Type.Optional({ ...IsoDate, description: 'The day the year of history ends (default today); not in the future' }),
    quarters: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, default: 8, description: 'Quarter ends in the trend' })),
  },
  { additionalProperties: false },
);

const ScorecardMeasure = Type.Object({
  id: Type.String(),
  group: Type.String(),
  label: Type.String(),
  kind: Type.String(),
  unit: Type.String(),
  direction: Type.String(),
  definition: Type.String(),
  source: Type.String(),
  ...thresholds,
  organisation: ScorecardCell,
  teams: Type.Array(TeamCell),
  noTeam: Type.Optional({ ...ScorecardCell, description: 'Young people with no team' }),
  trend: Type.Array(
    Type.Object({ quarterEnd: IsoDate, organisation: ScorecardCell, teams: Type.Array(TeamCell), noTeam: Type.Optional({ ...ScorecardCell, description: 'Young people with no team, so the teams and no team add up to the organisation (absent in a one-team view)' }) }),
  ),
});

export const Scorecard = Type.Object({
  asOf: IsoDate,
  historyStart: Type.Union([IsoDate, Type.Null()], {
    description:
      'Where the borough’s recorded history starts: the later of the earliest care-episode start and the earliest day a case on record closed (cases closed before it are not held); null with no episodes. A trend or now figure whose window begins before it has status history_incomplete and no figure',
  }),
  disclosure: Type.String({ description: 'full, or protected (the disclosure rule applied: roles without individual access)' }),
  note: Type.String(),
  teams: Type.Array(Type.Object({ id: Uuid, name: Type.String(), service: Type.String(), annualBudget: Type.Union([Type.Number(), Type.Null()]) })),
  groups: Type.Array(Type.Object({ id: Type.String(), label: Type.String(), measures: Type.Array(ScorecardMeasure) })),
});
