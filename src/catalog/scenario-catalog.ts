import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from './canonical-json.ts';
import type { CostModelSpec } from './model-schema.ts';
import { SCENARIO_SCHEMA_FILE } from './scenario-json-schema.ts';
import type { ScenarioSpec } from './scenario-schema.ts';
import { type ScenarioError, validateScenario } from './validate-scenario.ts';
import { VersionedEntries } from './versioned-entries.ts';

/**
 * The commissioning scenarios committed as files: every scenarios/*.json (the schema file aside;
 * CSV files beside them are data, not scenarios), validated against the model each names when
 * the service starts. A bad file stops the start with the file and every error named. File
 * scenarios are read-only: the API stores its own scenarios in the database.
 */

/** Ids that would collide with the routes under /v1/scenarios. */
export const RESERVED_SCENARIO_IDS = new Set(['schema']);

/** sha256 of the scenario's canonical JSON; `$schema` only tells editors where the schema is. */
export function scenarioContentHash(spec: object): string {
  const { $schema: _ignored, ...content } = spec as Record<string, unknown>;
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

export class ScenarioCatalogError extends Error {
  readonly problems: Array<{ origin: string; errors: ScenarioError[] }>;
  constructor(problems: Array<{ origin: string; errors: ScenarioError[] }>) {
    const lines = problems.flatMap(({ origin, errors }) => [`${origin}:`, ...errors.map((e) => `  ${e.field || '/'}: ${e.reason}`)]);
    super(`invalid scenarios:\n${lines.join('\n')}`);
    this.name = 'ScenarioCatalogError';
    this.problems = problems;
  }
}

export interface ScenarioFileEntry {
  id: string;
  version: string;
  name: string;
  /** The file name in the scenarios folder. */
  file: string;
  hash: string;
  spec: ScenarioSpec;
}

/** Finds the model a scenario names: its version, or the newest when it gives none. */
export type ModelLookup = (id: string, version?: string) => CostModelSpec | undefined;

/** The model a (not yet validated) scenario names, if it names one the lookup knows. */
export function modelNamedBy(input: unknown, lookup: ModelLookup): CostModelSpec | undefined {
  const model = (input as { model?: { id?: unknown; version?: unknown } } | null)?.model;
  if (typeof model?.id !== 'string') return undefined;
  return lookup(model.id, typeof model.version === 'string' ? model.version : undefined);
}

export class ScenarioFiles {
  private readonly entries = new VersionedEntries<ScenarioFileEntry>();

  /** Validates every file; throws ScenarioCatalogError naming each bad one and its errors. */
  static fromFiles(files: readonly ScenarioFileContent[], lookup: ModelLookup): ScenarioFiles {
    const catalog = new ScenarioFiles();
    const problems: Array<{ origin: string; errors: ScenarioError[] }> = [];
    for (const { file, spec, jsonError } of files) {
      const errors = jsonError !== undefined ? [{ field: '', reason: `is not valid JSON: ${jsonError}` }] : catalog.tryAdd(file, spec, lookup);
      if (errors.length > 0) problems.push({ origin: file, errors });
    }
    if (problems.length > 0) throw new ScenarioCatalogError(problems);
    return catalog;
  }

  private tryAdd(file: string, input: unknown, lookup: ModelLookup): ScenarioError[] {
    const checked = validateScenario(input, modelNamedBy(input, lookup));
    if (!checked.ok) return checked.errors;
    const spec = checked.scenario;
    if (RESERVED_SCENARIO_IDS.has(spec.id)) return [{ field: '/id', reason: `"${spec.id}" is reserved (it would clash with /v1/scenarios/${spec.id})` }];
    const clash = this.entries.clash(spec.id, spec.version);
    if (clash) return [{ field: '/version', reason: `${spec.id} ${spec.version} is already defined by ${clash.file}: a changed scenario needs a new version` }];
    this.entries.add({ id: spec.id, version: spec.version, name: spec.name, file, hash: scenarioContentHash(spec), spec });
    return [];
  }

  /** Every file scenario version, by id and then newest version first. */
  list(): ScenarioFileEntry[] {
    return this.entries.list();
  }

  /** A version, or the newest version of the id when none is given. */
  get(id: string, version?: string): ScenarioFileEntry | undefined {
    return this.entries.get(id, version);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }
}

/** A file as read: its parsed content, or why it is not JSON. */
export interface ScenarioFileContent {
  file: string;
  spec: unknown;
  jsonError?: string;
}

/** Reads and parses every scenarios/*.json except the schema file, in name order. */
export async function readScenarioFiles(scenariosDir: string): Promise<ScenarioFileContent[]> {
  let names: string[];
  try {
    names = await readdir(scenariosDir);
  } catch (error) {
    throw new ScenarioCatalogError([{ origin: scenariosDir, errors: [{ field: '', reason: `cannot be read: ${(error as Error).message}` }] }]);
  }
  const files: ScenarioFileContent[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && n !== SCENARIO_SCHEMA_FILE).sort()) {
    const text = await readFile(path.join(scenariosDir, name), 'utf8');
    try {
      files.push({ file: name, spec: JSON.parse(text) });
    } catch (error) {
      files.push({ file: name, spec: undefined, jsonError: (error as Error).message });
    }
  }
  return files;
}

/** Loads and validates the scenarios folder against the models the lookup knows. */
export async function loadScenarioFiles(scenariosDir: string, lookup: ModelLookup): Promise<ScenarioFiles> {
  return ScenarioFiles.fromFiles(await readScenarioFiles(scenariosDir), lookup);
}
