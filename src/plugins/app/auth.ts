import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type Actor, appendAuditEvent, systemActor } from '../../db/repositories/audit.ts';
import { findTokenByHash, insertToken } from '../../db/repositories/tokens.ts';
import { type Capability, ROLES, type Role, can } from '../../services/access-control.ts';
import { AttemptLimiter } from '../../services/attempt-limiter.ts';
import { sendProblem } from './problem-details.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The capability a caller's role must have; routes without one must say `public: true`. */
    capability?: Capability;
    public?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every non-public route. */
    actor: Actor & { role: Role };
  }
}

/** Tokens are 256-bit random strings, so a plain SHA-256 is enough to store them safely. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newTokenValue(): string {
  return `pc_${randomBytes(32).toString('base64url')}`;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Bearer-token authentication and role checks. Deny by default: a route that declares neither
 * a capability nor `public: true` answers 403 to everyone, so a forgotten declaration fails closed.
 */
async function auth(fastify: FastifyInstance) {
  fastify.decorateRequest('actor', undefined as unknown as FastifyRequest['actor']);

  // Document every protected operation's rule where API users read it.
  fastify.addHook('onRoute', (route) => {
    const config = route.config as { capability?: Capability; public?: boolean } | undefined;
    if (!route.schema || route.schema.hide) return;
    const schema = route.schema as Record<string, unknown>;
    if (config?.public) {
      schema.security = [];
      return;
    }
    if (config?.capability) {
      const roles = ROLES.filter((role) => can(role, config.capability as Capability));
      schema.description = `${schema.description ? `${schema.description}\n\n` : ''}Requires \`${config.capability}\` (roles: ${roles.join(', ')}).`;
    }
  });

  // Requests without a token, or with one that is not accepted, per address (issue 14).
  const failures = new AttemptLimiter(fastify.config.rateLimitUnauthenticatedPerMinute);

  fastify.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    // The OpenAPI document and its page are public so anyone can learn how to authenticate.
    if (config?.public || request.is404 || request.routeOptions.url?.startsWith('/docs')) return;
    const address = `ip:${request.ip}`;
    const wait = failures.retryAfterSeconds(address);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendProblem(reply, request, {
        status: 429,
        title: 'Too many requests',
        detail: `Too many requests without a valid token from this address (at most ${failures.max} a minute); try again in ${wait} s`,
      });
    }
    const token = bearerToken(request);
    if (!token) {
      failures.record(address);
      reply.header('www-authenticate', 'Bearer realm="pathcast"');
      return sendProblem(reply, request, { status: 401, title: 'Unauthorized', detail: 'Send an API token as "Authorization: Bearer <token>"' });
    }
    const row = await findTokenByHash(fastify.db, hashToken(token));
    if (!row || row.revoked_at !== null) {
      failures.record(address);
      // One answer for a revoked token and an unknown one: telling them apart would confirm to
      // whoever holds a leaked token that it was once real. The operator's log says which.
      if (row) request.log.warn({ tokenId: row.id }, 'a revoked token was refused');
      reply.header('www-authenticate', 'Bearer realm="pathcast", error="invalid_token"');
      return sendProblem(reply, request, { status: 401, title: 'Unauthorized', detail: 'This token is not recognised' });
    }
    request.actor = { tokenId: row.id, name: row.name, role: row.role as Role };
    const capability = config?.capability;
    if (!capability || !can(request.actor.role, capability)) {
      return sendProblem(reply, request, {
        status: 403,
        title: 'Forbidden',
        detail: capability
          ? `Role ${row.role} may not do this (needs ${capability})`
          : 'This operation is not available to any token',
      });
    }
  });

  const adminToken = fastify.config.adminToken;
  if (adminToken) {
    await ensureBootstrapAdminToken(fastify, adminToken);
  }
}

/** ADMIN_TOKEN: make sure a working admin token with that value exists, so a newcomer can start. */
async function ensureBootstrapAdminToken(fastify: FastifyInstance, value: string) {
  const tokenHash = hashToken(value);
  await fastify.db.transaction().execute(async (trx) => {
    const existing = await findTokenByHash(trx, tokenHash);
    if (!existing) {
      const row = await insertToken(trx, { name: 'bootstrap admin (ADMIN_TOKEN)', role: 'admin', tokenHash, createdBy: null });
      await appendAuditEvent(trx, systemActor, { action: 'token.bootstrap', resourceType: 'api_token', resourceId: row.id });
    } else if (existing.revoked_at !== null || existing.role !== 'admin') {
      await trx.updateTable('api_tokens').set({ revoked_at: null, role: 'admin' }).where('id', '=', existing.id).execute();
      await appendAuditEvent(trx, systemActor, { action: 'token.bootstrap_reinstated', resourceType: 'api_token', resourceId: existing.id });
      fastify.log.warn('ADMIN_TOKEN names a token that was revoked or demoted; it has been reinstated as admin');
    }
  });
}

export default fp(auth, { name: 'auth', dependencies: ['database'] });
