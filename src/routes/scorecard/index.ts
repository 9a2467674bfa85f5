import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, NoQuery, notFound, standardErrors } from '../../schemas/common.ts';
import { MeasureParams, OutcomeMeasure, Scorecard, ScorecardQuery, TargetInput } from '../../schemas/scorecard.ts';
import { can } from '../../services/access-control.ts';
import { BadRequestError } from '../../services/errors.ts';
import { BOARD_QUARTERS, boardQuarterEnds, getScorecard, isQuarterEnd, latestQuarterEnd, listOutcomeMeasures, setTarget } from '../../services/scorecard.ts';
import { isoDay } from '../../services/young-people.ts';

/**
 * Outcome measures, the balanced scorecard and team views (issue 17). Read as aggregates; roles
 * without individual access (the board) read them under the disclosure rule.
 */

const DISCLOSURE = 'Roles without individual access (the board) read it at quarter ends only, the last 12 (31 March, 30 June, 30 September, 31 December: by default the latest on or before today, shown in asOf; any other asOf is a 400 naming querystring/asOf; the trend starts no earlier than the first of the 12, and those 12 quarters are protected together, so every answer of the day shows a quarter alike) and under the disclosure rule (README, "Small numbers"): counts of 1-4 children show as "<5", a second count is hidden ("c") where the organisation total would give one away, and shares, colours and money are withheld wherever a count behind them is hidden.';

export default async function scorecardRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();

  /**
   * The day the scorecard is read at. Roles without individual access (`protect`) read it at
   * quarter ends only: two years ending on consecutive days differ by one day's events at each
   * end, so a reader free to pick any day could difference the protected figures and find the
   * events of single days (issue 17 review). Their default is the latest quarter end on or
   * before today, and the answer's asOf says so; any other explicit day is a 400.
   */
  const resolve = (query: { asOf?: string; quarters?: number }, protect: boolean) => {
    const today = isoDay(new Date());
    if (query.asOf !== undefined && query.asOf > today) throw new BadRequestError('asOf is in the future', [{ field: 'querystring/asOf', reason: 'is in the future' }]);
    // Two years of quarters before it must still be ordinary dates.
    if (query.asOf !== undefined && query.asOf < '1950-01-01') throw new BadRequestError('asOf is too early', [{ field: 'querystring/asOf', reason: 'must be 1950-01-01 or later' }]);
    if (protect && query.asOf !== undefined && !isQuarterEnd(query.asOf)) {
      throw new BadRequestError('asOf must be a quarter end for roles without individual access', [
        { field: 'querystring/asOf', reason: 'must be a quarter end (31 March, 30 June, 30 September or 31 December) for roles without access to individual records' },
      ]);
    }
    // The board's quarter ends are protected as one set, the last BOARD_QUARTERS (scorecardCells).
    const readable = boardQuarterEnds(today);
    if (protect && query.asOf !== undefined && query.asOf < readable[0]) {
      throw new BadRequestError('asOf is before the quarter ends roles without individual access can read', [
        { field: 'querystring/asOf', reason: `must be one of the last ${BOARD_QUARTERS} quarter ends (${readable[0]} to ${readable[readable.length - 1]}) for roles without access to individual records` },
      ]);
    }
    return { asOf: query.asOf ?? (protect ? latestQuarterEnd(today) : today), quarters: query.quarters ?? 8, today };
  };

  fastify.get(
    '/v1/outcome-measures',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'listOutcomeMeasures',
        tags: ['scorecard'],
        summary: 'The outcome measures: definitions (DfE where there is one), sources, targets and red-amber-green thresholds',
        description: 'The same for every team (targets are the authority’s), so it takes no query parameters: any given (team, say) is a 400 naming it, not ignored.',
        querystring: NoQuery,
        response: { 200: Type.Object({ items: Type.Array(OutcomeMeasure) }), ...standardErrors },
      },
    },
    async () => listOutcomeMeasures(fastify.db),
  );

  fastify.put(
    '/v1/scorecard/targets/:measure',
    {
      config: { capability: 'targets:write' },
      schema: {
        operationId: 'setScorecardTarget',
        tags: ['scorecard'],
        summary: 'Set a measure’s target and red-amber-green thresholds',
        description: 'Higher-is-better measures need amber ≤ green, lower-is-better ones green ≤ amber; out of order answers 400 naming the field. Audited.',
        params: MeasureParams,
        querystring: NoQuery,
        body: TargetInput,
        response: { 200: OutcomeMeasure, ...standardErrors, ...notFound },
      },
    },
    async (request) => setTarget(fastify.db, request.actor, request.params.measure, request.body),
  );

  fastify.get(
    '/v1/scorecard',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getScorecard',
        tags: ['scorecard'],
        summary: 'The balanced scorecard: each measure for the organisation and every team, against target, with the trend by quarter',
        description: `Measures over the year ending asOf (default today); spend from the prices in force on asOf, by each young person's team that day (the team of the history episode in force); key-worker measures from today's records. A history measure's figure whose window (the year to the day, or the day itself) begins before the borough's recorded history (historyStart) has status history_incomplete and no figure. ${DISCLOSURE}`,
        querystring: ScorecardQuery,
        response: { 200: Scorecard, ...standardErrors },
      },
    },
    async (request) => {
      const protect = !can(request.actor.role as never, 'individuals:read');
      return getScorecard(fastify.db, { ...resolve(request.query, protect), protect, recordsCompleteFrom: fastify.config.recordsCompleteFrom }, fastify.offload);
    },
  );

  fastify.get(
    '/v1/teams/:id/scorecard',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getTeamScorecard',
        tags: ['scorecard'],
        summary: 'A team view: the team’s measures beside the organisation’s, with the trend by quarter',
        description: `The same figures as the scorecard, for one team; suppression is decided on the whole scorecard, so the team view never shows what the scorecard hides. ${DISCLOSURE}`,
        params: IdParams,
        querystring: ScorecardQuery,
        response: { 200: Scorecard, ...standardErrors, ...notFound },
      },
    },
    async (request) => {
      const protect = !can(request.actor.role as never, 'individuals:read');
      return getScorecard(fastify.db, { ...resolve(request.query, protect), protect, teamId: request.params.id, recordsCompleteFrom: fastify.config.recordsCompleteFrom }, fastify.offload);
    },
  );
}
