import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { listAuditEvents, teamInAuditLog } from '../../db/repositories/audit.ts';
import { findTeamById } from '../../db/repositories/teams.ts';
import { UnprocessableError } from '../../services/errors.ts';
import { AuditEvent, AuditQuery } from '../../schemas/access.ts';
import { pageOf, standardErrors } from '../../schemas/common.ts';

export default async function auditRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  fastify.get(
    '/v1/audit-events',
    {
      config: { capability: 'audit:read' },
      schema: {
        operationId: 'listAuditEvents',
        tags: ['access'],
        summary: 'Read the audit log, newest first: who did what, when, to which record',
        querystring: AuditQuery,
        response: { 200: pageOf(AuditEvent), ...standardErrors },
      },
    },
    async (request) => {
      const query = request.query;
      const limit = query.limit ?? 50;
      const offset = query.offset ?? 0;
      const team = query.team?.toLowerCase();
      // An unknown team is a mistake, not a team with no events: 422 naming the filter, as GET
      // /v1/young-people?team= answers; a team deleted since is known to the log and answers.
      if (team !== undefined && !(await findTeamById(fastify.db, team)) && !(await teamInAuditLog(fastify.db, team))) {
        throw new UnprocessableError(`Team ${query.team} does not exist`, [{ field: 'querystring/team', reason: 'names no team' }]);
      }
      const { items, total } = await listAuditEvents(fastify.db, { ...query, team, limit, offset });
      return {
        items: items.map((row) => ({
          id: row.id,
          at: row.at.toISOString(),
          actorTokenId: row.actor_token_id,
          actorName: row.actor_name,
          actorRole: row.actor_role,
          action: row.action,
          resourceType: row.resource_type,
          resourceId: row.resource_id,
          detail: row.detail,
        })),
        total,
        limit,
        offset,
      };
    },
  );
}
