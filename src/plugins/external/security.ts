import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Security headers (helmet) and a per-caller rate limit. */
async function security(fastify: FastifyInstance) {
  await fastify.register(helmet, {
    // The API serves JSON; the docs and comparison pages serve their own assets from 'self'.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  await fastify.register(rateLimit, {
    max: fastify.config.rateLimitPerMinute,
    timeWindow: '1 minute',
    // Limit per token when one is sent (hashed, never logged), otherwise per address.
    keyGenerator: (request) => {
      const auth = request.headers.authorization;
      return auth ? `t:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => {
      const error = new Error(`Rate limit exceeded: at most ${context.max} requests per ${context.after}`) as Error & { statusCode: number };
      error.statusCode = 429;
      return error;
    },
  });
}

export default fp(security, { name: 'security', dependencies: ['config'] });
