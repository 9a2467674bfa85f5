import swagger, { type SwaggerTransform } from '@fastify/swagger';
import type { TSchema } from 'typebox';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from '../../schemas/common.ts';

/** OpenAPI 3.1 document at /docs/json, built from the routes' TypeBox schemas; the page at /docs. */
async function openApi(fastify: FastifyInstance) {
  const packageVersion = process.env.npm_package_version ?? '0.1.0';
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'pathcast',
        version: packageVersion,
        description:
          'Pathway budgets, lifetime-cost Monte Carlo projections and commissioning scenarios for English children’s services. ' +
          'Every operation except health and these docs needs `Authorization: Bearer <token>`; errors are RFC 9457 problem+json.\n\n' +
          '**Getting a token.** Start the service with `ADMIN_TOKEN=<a secret of 16+ characters>`: that value is then a working admin token. ' +
          'With it, issue a token for each user and role with `POST /v1/tokens` (createApiToken, body `{"name": "…", "role": "head_of_service"}`; roles: admin, finance, commissioning, head_of_service, board); ' +
          'the secret is shown once. Use it here with **Authorize**, in the `Authorization: Bearer <token>` header, or paste it on the page at `/app`. ' +
          '`GET /v1/tokens/current` says which role a token has.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token issued by an admin (createApiToken), or ADMIN_TOKEN' },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'system', description: 'Health and service information' },
        { name: 'young-people', description: 'Pseudonymous records of young people' },
        { name: 'teams', description: 'Teams, each young person’s team and key worker' },
        { name: 'scorecard', description: 'Outcome measures, the balanced scorecard and team views' },
        { name: 'care-plans', description: 'Alternative courses of action for one young person' },
        { name: 'projections', description: 'Pathway budgets and lifetime-cost projections' },
        { name: 'models', description: 'Cost models: states, rates, unit costs, interventions' },
        { name: 'scenarios', description: 'Commissioning and invest-to-save scenarios' },
        { name: 'jobs', description: 'Long-running work: progress and cancellation' },
        { name: 'packs', description: 'Scenario packs for the programme board' },
        { name: 'calibration', description: 'Local models calibrated from SSDA903 returns' },
        { name: 'access', description: 'API tokens and the audit log' },
      ],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  fastify.addSchema(Problem);
  await fastify.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
    staticCSP: true,
    uiHooks: {},
  });
}

export default fp(openApi, { name: 'openapi' });

/**
 * A route's `swaggerTransform` that documents `body` as its request body while the route itself
 * accepts any object. For scenarios: the service checks the body against the scenario format and
 * the model it names, answering 422 with every field at once, so the route must not refuse it
 * first with a 400; the OpenAPI document still shows the format (review of 4 December).
 */
export function documentBodyAs(body: TSchema): SwaggerTransform {
  return ({ schema, url }) => ({ schema: { ...schema, body } as typeof schema, url });
}
