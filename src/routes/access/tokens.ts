import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { appendAuditEvent } from '../../db/repositories/audit.ts';
import { findTokenById, insertToken, listTokens, revokeToken } from '../../db/repositories/tokens.ts';
import type { ApiTokenRow } from '../../db/schema.ts';
import { hashToken, newTokenValue } from '../../plugins/app/auth.ts';
import { ApiToken, type ApiTokenDto, CreateApiTokenBody, CreatedApiToken, CurrentApiToken } from '../../schemas/access.ts';
import { capabilitiesOf } from '../../services/access-control.ts';
import { IdParams, notFound, standardErrors } from '../../schemas/common.ts';
import { ConflictError, NotFoundError } from '../../services/errors.ts';

function toDto(row: ApiTokenRow): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    role: row.role as ApiTokenDto['role'],
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  };
}

export default async function tokenRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  fastify.post(
    '/v1/tokens',
    {
      config: { capability: 'tokens:manage' },
      schema: {
        operationId: 'createApiToken',
        tags: ['access'],
        summary: 'Issue an API token with a role; the secret is returned once',
        body: CreateApiTokenBody,
        response: { 201: CreatedApiToken, ...standardErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const token = newTokenValue();
      const row = await fastify.db.transaction().execute(async (trx) => {
        const created = await insertToken(trx, { name: body.name, role: body.role, tokenHash: hashToken(token), createdBy: request.actor.tokenId });
        await appendAuditEvent(trx, request.actor, {
          action: 'token.create',
          resourceType: 'api_token',
          resourceId: created.id,
          detail: { role: body.role },
        });
        return created;
      });
      return reply.code(201).send({ ...toDto(row), token });
    },
  );

  fastify.get(
    '/v1/tokens',
    {
      config: { capability: 'tokens:manage' },
      schema: {
        operationId: 'listApiTokens',
        tags: ['access'],
        summary: 'List API tokens (never their secrets)',
        response: { 200: Type.Object({ items: Type.Array(ApiToken) }), ...standardErrors },
      },
    },
    async () => ({ items: (await listTokens(fastify.db)).map(toDto) }),
  );

  fastify.get(
    '/v1/tokens/current',
    {
      // Every role reads aggregates, so every valid token may ask who it is.
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'getCurrentToken',
        tags: ['access'],
        summary: 'Who this token is: its name, role and what the role may do',
        description: 'For a page to say who is signed in and offer only what the role may do. Never the secret.',
        response: { 200: CurrentApiToken, ...standardErrors },
      },
    },
    async (request) => ({ id: request.actor.tokenId, name: request.actor.name, role: request.actor.role, capabilities: capabilitiesOf(request.actor.role) }),
  );

  fastify.delete(
    '/v1/tokens/:id',
    {
      config: { capability: 'tokens:manage' },
      schema: {
        operationId: 'revokeApiToken',
        tags: ['access'],
        summary: 'Revoke a token: it stops working at once',
        params: IdParams,
        response: { 200: ApiToken, ...standardErrors, ...notFound, 409: standardErrors[400] },
      },
    },
    async (request) => {
      const { id } = request.params;
      return fastify.db.transaction().execute(async (trx) => {
        const revoked = await revokeToken(trx, id);
        if (!revoked) {
          const existing = await findTokenById(trx, id);
          if (!existing) throw new NotFoundError('API token', id);
          throw new ConflictError(`API token ${id} is already revoked`, [{ field: 'params/id', reason: 'names a revoked token' }]);
        }
        await appendAuditEvent(trx, request.actor, { action: 'token.revoke', resourceType: 'api_token', resourceId: id });
        return toDto(revoked);
      });
    },
  );
}
