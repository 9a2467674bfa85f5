import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { SimulationPool } from '../../simulation/pool.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Worker threads for Monte Carlo work (WORKER_THREADS; 0 runs in the service thread). */
    simulation: SimulationPool;
  }
}

async function simulation(fastify: FastifyInstance) {
  const pool = new SimulationPool(fastify.config.workerThreads);
  fastify.decorate('simulation', pool);
  fastify.addHook('onClose', async () => {
    await pool.close();
  });
}

export default fp(simulation, { name: 'simulation', dependencies: ['config'] });
