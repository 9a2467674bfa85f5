import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { loadScenarioFiles, ScenarioCatalogError, type ScenarioFiles } from '../../catalog/scenario-catalog.ts';
import { listStoredScenarios } from '../../db/repositories/scenarios.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The scenarios committed in scenarios/*.json, validated at start; read-only. */
    scenarios: ScenarioFiles;
  }
}

/**
 * Loads and validates every scenario file against the model catalog before the routes are
 * registered, so the service fails to start, naming the file and each error, rather than offer a
 * scenario it cannot run. A file whose id is already taken by a scenario stored through the API
 * stops the start too: one id, one owner.
 */
async function scenariosPlugin(fastify: FastifyInstance) {
  const files = await loadScenarioFiles(fastify.config.scenariosDir, (id, version) => fastify.catalog.get(id, version)?.model.spec);
  const stored = await listStoredScenarios(fastify.db);
  const clashes = stored.filter((row) => row.origin === 'api' && files.has(row.id));
  if (clashes.length > 0) {
    const byId = new Map(clashes.map((row) => [row.id, row]));
    throw new ScenarioCatalogError(
      [...byId.values()].map((row) => ({
        origin: files.get(row.id)?.file ?? row.id,
        errors: [{ field: '/id', reason: `"${row.id}" is already used by a scenario stored through the API: give the file another id` }],
      })),
    );
  }
  for (const row of stored) {
    const file = row.origin === 'file' ? files.get(row.id, row.version) : undefined;
    if (file && file.hash !== row.hash) {
      fastify.log.warn({ scenario: row.id, version: row.version, file: file.file }, 'scenario file changed since this version was run: it cannot be run again until its version changes');
    }
  }
  fastify.decorate('scenarios', files);
}

export default fp(scenariosPlugin, { name: 'scenarios', dependencies: ['config', 'catalog', 'database'] });
