import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { conflict, gone, IdParams, NoQuery, notFound, payloadTooLarge, Problem, standardErrors, unprocessable } from '../../schemas/common.ts';
import { EpisodeImportResult, EpisodeList, EpisodesReplace, Team, TeamInput, TeamPatch, TeamQuery } from '../../schemas/teams.ts';
import { UnsupportedMediaTypeError } from '../../services/errors.ts';
import { isoDay } from '../../services/young-people.ts';
import { createTeam, deleteTeam, getTeam, HISTORY_CSV_COLUMNS, importHistories, listHistory, listTeams, replaceHistory, updateTeam } from '../../services/teams.ts';

/**
 * Teams and young people's histories (issue 17). Teams are written like young people (they
 * organise individual records) and read as aggregates (a team's name and budget say nothing about
 * a child); histories are individual records.
 */

const HISTORY_CSV_DESCRIPTION = [
  'Histories from a CSV file sent as the body with `Content-Type: text/csv`, one row per episode. Each young person named (by reference) has their whole history replaced by the rows given. All or nothing: the 422 answer lists every problem as `{row, field: <column>, reason}` (overlapping episodes, an end before its start, an unknown state or reference).',
  `Columns: ${HISTORY_CSV_COLUMNS.map((c) => `\`${c.name}\``).join(', ')} (reference, start_date and care_state required). Dates YYYY-MM-DD or DD/MM/YYYY; flags yes/no; an episode's end is the day the next starts. Postcode districts only (outward code), never a full postcode.`,
].join('\n\n');

export default async function teamRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  const uploadLimit = fastify.config.uploadLimitBytes;
  fastify.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: uploadLimit }, (_request, body, done) => done(null, body));

  fastify.post(
    '/v1/teams',
    {
      config: { capability: 'individuals:write' },
      schema: {
        operationId: 'createTeam',
        tags: ['teams'],
        summary: 'Create a team',
        querystring: NoQuery,
        body: TeamInput,
        response: { 201: Team, ...standardErrors, ...conflict, ...unprocessable },
      },
    },
    async (request, reply) => {
      const team = await createTeam(fastify.db, request.actor, request.body);
      return reply.code(201).header('location', `/v1/teams/${team.id}`).send(team);
    },
  );

  fastify.get(
    '/v1/teams',
    {
      config: { capability: 'aggregates:read' },
      schema: { operationId: 'listTeams', tags: ['teams'], summary: 'List teams by name', querystring: TeamQuery, response: { 200: Type.Object({ items: Type.Array(Team) }), ...standardErrors } },
    },
    async (request) => listTeams(fastify.db, request.query.service),
  );

  fastify.get(
    '/v1/teams/:id',
    {
      config: { capability: 'aggregates:read' },
      schema: { operationId: 'getTeam', tags: ['teams'], summary: 'Read a team', params: IdParams, querystring: NoQuery, response: { 200: Team, ...standardErrors, ...notFound } },
    },
    async (request) => getTeam(fastify.db, request.params.id),
  );

  fastify.patch(
    '/v1/teams/:id',
    {
      config: { capability: 'individuals:write' },
      schema: {
        operationId: 'updateTeam',
        tags: ['teams'],
        summary: 'Rename a team, change its service or budget',
        params: IdParams,
        querystring: NoQuery,
        body: TeamPatch,
        response: { 200: Team, ...standardErrors, ...notFound, ...conflict, ...unprocessable },
      },
    },
    async (request) => updateTeam(fastify.db, request.actor, request.params.id, request.body),
  );

  fastify.delete(
    '/v1/teams/:id',
    {
      config: { capability: 'individuals:write' },
      schema: {
        operationId: 'deleteTeam',
        tags: ['teams'],
        summary: 'Delete a team with no young people, named on no history episode and in no scenario’s cohort (409 otherwise)',
        description:
          'A team is not deleted (409 naming `params/id`, nothing deleted) while young people are in it, history episodes name it (they count the past under it), or a scenario version names it in `cohort.teams` (stored through the API, a file in scenarios/, or a file version that was run): a stored version never changes and would no longer run. The 409 names each such scenario version. Rename the team instead.',
        params: IdParams,
        querystring: NoQuery,
        response: { 204: Type.Null(), ...standardErrors, ...notFound, ...conflict },
      },
    },
    async (request, reply) => {
      await deleteTeam(fastify.db, request.actor, request.params.id, fastify.scenarios);
      return reply.code(204).send(null);
    },
  );

  fastify.get(
    '/v1/young-people/:id/history',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'getHistory',
        tags: ['young-people'],
        summary: 'A young person’s history: dated episodes of care state and placement, oldest first',
        params: IdParams,
        querystring: NoQuery,
        response: { 200: EpisodeList, ...standardErrors, ...notFound, ...gone },
      },
    },
    async (request) => listHistory(fastify.db, request.params.id),
  );

  fastify.put(
    '/v1/young-people/:id/history',
    {
      config: { capability: 'individuals:write' },
      schema: {
        operationId: 'replaceHistory',
        tags: ['young-people'],
        summary: 'Replace a young person’s whole history (episodes may not overlap; each end after its start; a teamId must name a stored team)',
        params: IdParams,
        querystring: NoQuery,
        body: EpisodesReplace,
        response: { 200: EpisodeList, ...standardErrors, ...notFound, ...gone, ...unprocessable },
      },
    },
    async (request) => replaceHistory(fastify.db, request.actor, request.params.id, request.body.episodes, isoDay(new Date())),
  );

  fastify.post(
    '/v1/histories/import',
    {
      config: { capability: 'individuals:write' },
      bodyLimit: uploadLimit,
      preValidation: async (request) => {
        if (!/^(text|application)\/csv\b/i.test(request.headers['content-type'] ?? '')) {
          throw new UnsupportedMediaTypeError('Send the file as the body with Content-Type: text/csv', 'text/csv');
        }
      },
      schema: {
        operationId: 'importHistories',
        tags: ['young-people'],
        summary: 'Import histories from a CSV file, all or nothing',
        description: HISTORY_CSV_DESCRIPTION,
        consumes: ['text/csv'],
        querystring: NoQuery,
        body: Type.String({ description: 'The CSV file, header first' }),
        response: {
          201: EpisodeImportResult,
          ...standardErrors,
          ...payloadTooLarge,
          415: { ...Problem, description: 'The body is not text/csv' },
          ...unprocessable,
        },
      },
    },
    async (request, reply) => reply.code(201).send(await importHistories(fastify.db, request.actor, request.body, isoDay(new Date()))),
  );
}
