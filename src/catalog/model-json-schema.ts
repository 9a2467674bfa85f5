import { CostModel } from './model-schema.ts';

/** The schema's file name in models/ (the catalog skips it). */
export const SCHEMA_FILE = 'model.schema.json';

/**
 * The cost model format as a plain JSON Schema document: what GET /v1/models/schema serves and
 * what models/model.schema.json holds (written by src/cli/write-schemas.ts). Draft-07 keywords
 * only, so ajv and editors read it without options.
 */
export function modelJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(CostModel)) };
}

/** The text of models/model.schema.json: two-space indentation and a final newline. */
export function modelJsonSchemaText(): string {
  return `${JSON.stringify(modelJsonSchema(), null, 2)}\n`;
}
