import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { migrationStatus } from '../../db/migrator.ts';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  database: Type.Object({
    backend: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    reachable: Type.Boolean(),
    busy: Type.Optional(
      Type.Boolean({ description: 'The database is working on something long (an import) and did not answer within 50 ms; reachable is from a check under a minute old' }),
    ),
  }),
  migrations: Type.Object({
    current: Type.Boolean(),
    applied: Type.Integer(),
    pending: Type.Array(Type.String()),
  }),
  version: Type.String(),
});

/** How long /health waits for the database before answering from a recent check. */
const PROBE_PATIENCE_MS = 50;
const RECENT_MS = 60_000;

export default async function healthRoutes(fastify: FastifyInstance) {
  // The embedded database has one connection: a long import holds it, and a health check that
  // waited behind it took 11 s (issue 14). A check that answered well within the last minute
  // vouches for the database while it is busy; older than that, /health waits for the truth.
  let lastGood: { at: number; applied: number } | undefined;
  // Checks that arrive while one is waiting for the database share it: otherwise every check
  // during a long import queued its own probe (a catalogue read for the migration status), and
  // the queue of them held the service thread for most of a second once the import ended.
  let inFlight: Promise<Awaited<ReturnType<typeof migrationStatus>>> | undefined;
  const probe = () => {
    inFlight ??= (async () => {
      await sql`select 1`.execute(fastify.db);
      return migrationStatus(fastify.db);
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  fastify.get(
    '/health',
    {
      // Limited per address like every public route (RATE_LIMIT_PER_MINUTE, ample for probes);
      // its database check is shared by concurrent callers, so the limit bounds the work too.
      config: { public: true },
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
      let busy = false;
      const checking = probe();
      try {
        let timer: NodeJS.Timeout | undefined;
        const patience = new Promise<'slow'>((resolve) => {
          timer = setTimeout(() => resolve('slow'), PROBE_PATIENCE_MS);
        });
        const recent = lastGood !== undefined && Date.now() - lastGood.at < RECENT_MS ? lastGood : undefined;
        const first = recent ? await Promise.race([checking, patience]) : await checking;
        clearTimeout(timer);
        if (first === 'slow' && recent) {
          busy = true;
          reachable = true;
          applied = recent.applied;
          checking.catch((error) => fastify.log.error({ err: error }, 'health check failed'));
        } else {
          ({ applied, pending } = first as Awaited<ReturnType<typeof probe>>);
          reachable = true;
          if (pending.length === 0) lastGood = { at: Date.now(), applied };
        }
      } catch (error) {
        fastify.log.error({ err: error }, 'health check failed');
      }
      const ok = reachable && pending.length === 0;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'unavailable',
        database: { backend: fastify.dbBackend, reachable, ...(busy ? { busy } : {}) },
        migrations: { current: reachable && pending.length === 0, applied, pending },
        version,
      });
    },
  );
}
