import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SCHEMA_FILE } from './model-json-schema.ts';
import type { ResolvedModel } from './resolved-model.ts';
import { type ModelError, validateModel } from './validate-model.ts';
import { VersionedEntries, compareVersions } from './versioned-entries.ts';

/**
 * The cost models the service knows: every models/*.json file (the schema file aside), validated
 * when the service starts, plus any specs handed in from elsewhere (calibrated models stored in
 * the database arrive that way). A model that fails validation stops the start with the file
 * and every error named: a service must not run on a model it cannot trust.
 */

/** Ids that would collide with the routes under /v1/models. */
const RESERVED_IDS = new Set(['schema', 'validate']);

/** A spec from somewhere other than the models folder, with a name for error messages. */
export interface ExtraModelSpec {
  /** Where it came from, e.g. "database: calibrated model 3f2a…". */
  origin: string;
  spec: unknown;
}

export interface CatalogEntry {
  id: string;
  version: string;
  name: string;
  priceBaseYear: string;
  hash: string;
  statesCount: number;
  /** The file name, or the origin of an extra spec. */
  origin: string;
  model: ResolvedModel;
}

export { compareVersions };

export class ModelCatalogError extends Error {
  readonly problems: Array<{ origin: string; errors: ModelError[] }>;
  constructor(problems: Array<{ origin: string; errors: ModelError[] }>) {
    const lines = problems.flatMap(({ origin, errors }) => [`${origin}:`, ...errors.map((e) => `  ${e.field || '/'}: ${e.reason}`)]);
    super(`invalid cost models:\n${lines.join('\n')}`);
    this.name = 'ModelCatalogError';
    this.problems = problems;
  }
}

export class ModelCatalog {
  private readonly entries = new VersionedEntries<CatalogEntry>();

  /** Builds a catalog from specs already read; throws ModelCatalogError naming every bad one. */
  static fromSpecs(specs: readonly ExtraModelSpec[]): ModelCatalog {
    const catalog = new ModelCatalog();
    const problems: Array<{ origin: string; errors: ModelError[] }> = [];
    for (const { origin, spec } of specs) {
      const errors = catalog.tryAdd(origin, spec);
      if (errors.length > 0) problems.push({ origin, errors });
    }
    if (problems.length > 0) throw new ModelCatalogError(problems);
    return catalog;
  }

  /**
   * Validates and adds one model version. Returns its errors (nothing is added then): invalid
   * models, reserved ids and a second model with the same id and version are refused.
   */
  tryAdd(origin: string, spec: unknown): ModelError[] {
    const result = validateModel(spec);
    if (!result.ok) return result.errors;
    return this.tryAddResolved(origin, result.model);
  }

  /**
   * Adds a model version validateModel has already resolved (on a worker thread: a calibrated
   * model, src/services/offload-worker.ts), with tryAdd's other checks (reserved ids, a second
   * model with the same id and version). The caller vouches that `model` is validateModel's
   * answer for `model.spec`.
   */
  tryAddResolved(origin: string, model: ResolvedModel): ModelError[] {
    if (RESERVED_IDS.has(model.id)) {
      return [{ field: '/id', reason: `"${model.id}" is reserved (it would clash with /v1/models/${model.id})` }];
    }
    const clash = this.entries.clash(model.id, model.version);
    if (clash) {
      return [{ field: '/version', reason: `${model.id} ${model.version} is already defined by ${clash.origin}: a changed model needs a new version` }];
    }
    this.entries.add({
      id: model.id,
      version: model.version,
      name: model.name,
      priceBaseYear: model.priceBaseYear,
      hash: model.hash,
      statesCount: model.nStates,
      origin,
      model,
    });
    return [];
  }

  /** Every model version, by id and then newest version first. */
  list(): CatalogEntry[] {
    return this.entries.list();
  }

  /** A model version, or the newest version of the id when none is given. */
  get(id: string, version?: string): CatalogEntry | undefined {
    return this.entries.get(id, version);
  }
}

/** Reads and parses every models/*.json except the schema file, in name order. */
export async function readModelFiles(modelsDir: string): Promise<ExtraModelSpec[]> {
  const names = (await readdir(modelsDir)).filter((name) => name.endsWith('.json') && name !== SCHEMA_FILE).sort();
  const specs: ExtraModelSpec[] = [];
  for (const name of names) {
    const text = await readFile(path.join(modelsDir, name), 'utf8');
    try {
      specs.push({ origin: name, spec: JSON.parse(text) });
    } catch (error) {
      throw new ModelCatalogError([{ origin: name, errors: [{ field: '', reason: `is not valid JSON: ${(error as Error).message}` }] }]);
    }
  }
  return specs;
}

export interface LoadCatalogOptions {
  modelsDir: string;
  /** Further specs to merge (models stored in the database). */
  extraSpecs?: readonly ExtraModelSpec[];
}

/** Loads the models folder and any extra specs; throws ModelCatalogError if any is invalid. */
export async function loadModelCatalog(options: LoadCatalogOptions): Promise<ModelCatalog> {
  const files = await readModelFiles(options.modelsDir);
  return ModelCatalog.fromSpecs([...files, ...(options.extraSpecs ?? [])]);
}
