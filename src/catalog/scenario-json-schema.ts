import { Scenario } from './scenario-schema.ts';

/** The schema's file name in scenarios/ (the scenario catalog skips it). */
export const SCENARIO_SCHEMA_FILE = 'scenario.schema.json';

/**
 * The scenario format as a plain JSON Schema document: what GET /v1/scenarios/schema serves and
 * what scenarios/scenario.schema.json holds (written by src/cli/write-scenario-schema.ts).
 * Draft-07 keywords only, so ajv and editors read it without options.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(Scenario)) };
}

/** The text of scenarios/scenario.schema.json: two-space indentation and a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
