import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type ExtraModelSpec, loadModelCatalog, type ModelCatalog, ModelCatalogError } from '../../catalog/catalog.ts';
import { listStoredModels, storedModelOrigin } from '../../db/repositories/stored-models.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated cost models: models/*.json and the calibrated models stored in the database. */
    catalog: ModelCatalog;
  }
}

export interface CatalogPluginOptions {
  /** A catalog built elsewhere (tests); otherwise models are loaded from config.modelsDir and the database. */
  catalog?: ModelCatalog;
}

/**
 * Loads and validates every cost model before the routes are registered, so the service fails
 * to start, naming the file (or stored model) and each error, rather than run on a model it
 * cannot trust. Calibrated models stored in the database join the files; a stored model whose
 * content no longer matches the hash recorded when it was stored stops the start too.
 */
async function catalogPlugin(fastify: FastifyInstance, options: CatalogPluginOptions) {
  if (options.catalog) {
    fastify.decorate('catalog', options.catalog);
    return;
  }
  const stored = await listStoredModels(fastify.db);
  const extraSpecs: ExtraModelSpec[] = stored.map((row) => ({ origin: storedModelOrigin(row.origin), spec: row.spec }));
  const catalog = await loadModelCatalog({ modelsDir: fastify.config.modelsDir, extraSpecs });
  const changed = stored.filter((row) => catalog.get(row.id, row.version)?.hash !== row.hash);
  if (changed.length > 0) {
    throw new ModelCatalogError(
      changed.map((row) => ({
        origin: storedModelOrigin(row.origin),
        errors: [{ field: '', reason: `${row.id} ${row.version} no longer matches the hash recorded when it was stored (${row.hash.slice(0, 12)}…)` }],
      })),
    );
  }
  fastify.decorate('catalog', catalog);
}

export default fp(catalogPlugin, { name: 'catalog', dependencies: ['config', 'database'] });
