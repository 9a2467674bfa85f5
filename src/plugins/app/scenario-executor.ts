import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { RunOptions } from '../../simulation/pool.ts';
import type { PreparedScenario } from '../../simulation/scenario.ts';
import type { ScenarioResultCore } from '../../simulation/scenario-fold.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs a prepared scenario: on this process's worker threads (and, with PostgreSQL, on worker processes). */
    scenarioExecutor: ScenarioExecutor;
  }
}

export interface ScenarioExecutor {
  /** `runId` names the run for shards sent to other processes. */
  run(prepared: PreparedScenario, runId: string, options?: RunOptions): Promise<ScenarioResultCore>;
}

async function scenarioExecutor(fastify: FastifyInstance) {
  const executor: ScenarioExecutor = {
    run: (prepared, _runId, options) => fastify.simulation.scenario(prepared, options),
  };
  fastify.decorate('scenarioExecutor', executor);
}

export default fp(scenarioExecutor, { name: 'scenario-executor', dependencies: ['simulation', 'database'] });
