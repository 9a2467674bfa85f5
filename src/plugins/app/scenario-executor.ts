import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ShardQueue } from '../../services/shard-queue.ts';
import type { RunOptions } from '../../simulation/pool.ts';
import type { PreparedScenario } from '../../simulation/scenario.ts';
import type { ScenarioResultCore } from '../../simulation/scenario-fold.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs a prepared scenario: on this process's worker threads, or shared with worker processes through PostgreSQL. */
    scenarioExecutor: ScenarioExecutor;
  }
}

export interface ScenarioExecutor {
  /** `runId` names the run for shards sent to other processes. */
  run(prepared: PreparedScenario, runId: string, options?: RunOptions): Promise<ScenarioResultCore>;
  readonly distributed: boolean;
}

/**
 * Embedded database: scenarios run on this process's worker threads. PostgreSQL: shards go
 * through a pg-boss queue so `npm run worker` processes can share them; this process also works
 * them unless SCENARIO_LOCAL_WORKER=false. The queue starts on the first run, so a service that
 * never runs a scenario never touches it.
 */
async function scenarioExecutor(fastify: FastifyInstance) {
  const distributed = fastify.dbBackend === 'postgres' && fastify.config.scenarioQueue === 'auto' && fastify.config.databaseUrl !== undefined;
  let queue: ShardQueue | undefined;
  let ready: Promise<ShardQueue> | undefined;
  const queueReady = () => {
    ready ??= (async () => {
      queue = new ShardQueue({ databaseUrl: fastify.config.databaseUrl as string, db: fastify.db, pool: fastify.simulation, log: fastify.log });
      await queue.start();
      if (fastify.config.scenarioLocalWorker) await queue.work(Math.max(1, fastify.config.workerThreads));
      return queue;
    })();
    return ready;
  };
  const executor: ScenarioExecutor = {
    distributed,
    run: async (prepared, runId, options) => (distributed ? (await queueReady()).run(prepared, runId, options) : fastify.simulation.scenario(prepared, options)),
  };
  fastify.decorate('scenarioExecutor', executor);
  fastify.addHook('onClose', async () => {
    await queue?.stop();
  });
}

export default fp(scenarioExecutor, { name: 'scenario-executor', dependencies: ['simulation', 'database', 'config'] });
