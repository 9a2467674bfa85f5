import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { migrationStatus } from '../../db/migrator.ts';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  database: Type.Object({
    backend: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    reachable: Type.Boolean(),
  }),
  migrations: Type.Object({
    current: Type.Boolean(),
    applied: Type.Integer(),
    pending: Type.Array(Type.String()),
  }),
  version: Type.String(),
});

export default async function healthRoutes(fastify: FastifyInstance) {
  fastify.get(
    '/health',
    {
      config: { public: true, rateLimit: false },
      schema: {
        operationId: 'health',
        tags: ['system'],
        summary: 'Is the service able to work: database reachable, migrations current',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const version = process.env.npm_package_version ?? '0.1.0';
      let reachable = false;
      let applied = 0;
      let pending: string[] = [];
      try {
        await sql`select 1`.execute(fastify.db);
        reachable = true;
        ({ applied, pending } = await migrationStatus(fastify.db));
      } catch (error) {
        fastify.log.error({ err: error }, 'health check failed');
      }
      const ok = reachable && pending.length === 0;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'unavailable',
        database: { backend: fastify.dbBackend, reachable },
        migrations: { current: reachable && pending.length === 0, applied, pending },
        version,
      });
    },
  );
}
