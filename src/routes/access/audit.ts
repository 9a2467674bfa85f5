import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { listAuditEvents } from '../../db/repositories/audit.ts';
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
      const { items, total } = await listAuditEvents(fastify.db, { ...query, limit, offset });
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
