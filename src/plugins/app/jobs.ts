import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { JobRunner } from '../../services/jobs.ts';

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobRunner;
  }
}

/** The job runner; closed before the database, after in-flight requests, on shutdown. */
async function jobs(fastify: FastifyInstance) {
  const runner = new JobRunner(fastify.db, fastify.log, { soleProcess: fastify.dbBackend === 'pglite' });
  await runner.start();
  fastify.decorate('jobs', runner);
  fastify.addHook('preClose', async () => {
    await runner.close();
  });
}

export default fp(jobs, { name: 'jobs', dependencies: ['database'] });
