import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { loadModelCatalog, type ModelCatalog } from '../../catalog/catalog.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated cost models (models/*.json), loaded once at start. */
    catalog: ModelCatalog;
  }
}

export interface CatalogPluginOptions {
  /** A catalog built elsewhere (tests); otherwise models are loaded from config.modelsDir. */
  catalog?: ModelCatalog;
}

/**
 * Loads and validates every cost model before the routes are registered, so the service fails
 * to start, naming the file and each error, rather than run on a model it cannot trust.
 */
async function catalogPlugin(fastify: FastifyInstance, options: CatalogPluginOptions) {
  const catalog = options.catalog ?? (await loadModelCatalog({ modelsDir: fastify.config.modelsDir }));
  fastify.decorate('catalog', catalog);
}

export default fp(catalogPlugin, { name: 'catalog', dependencies: ['config'] });
