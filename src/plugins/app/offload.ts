import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Offload } from '../../services/offload.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** A worker thread for CSV reading and pack rendering (none when WORKER_THREADS=0). */
    offload: Offload;
  }
}

async function offload(fastify: FastifyInstance) {
  const worker = new Offload(fastify.config.workerThreads > 0 ? 1 : 0);
  fastify.decorate('offload', worker);
  fastify.addHook('onClose', async () => {
    await worker.close();
  });
}

export default fp(offload, { name: 'offload', dependencies: ['config'] });
