import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Security headers (helmet) and the rate limit per caller. The limit is taken after
 * authentication (hook preParsing runs after the auth onRequest hook): keyed on the token's
 * id, so a token spelt "bearer" or with extra spaces is the same caller, and a made-up token
 * never reaches it (it fails authentication, which the auth plugin limits per address). Public
 * routes are limited per address.
 */
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
    hook: 'preParsing',
    keyGenerator: (request) => (request.actor?.tokenId ? `token:${request.actor.tokenId}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) => {
      const error = new Error(`Rate limit exceeded: at most ${context.max} requests per ${context.after}`) as Error & { statusCode: number };
      error.statusCode = 429;
      return error;
    },
  });
}

export default fp(security, { name: 'security', dependencies: ['config'] });
