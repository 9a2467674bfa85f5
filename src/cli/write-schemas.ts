import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { modelJsonSchemaText, SCHEMA_FILE } from '../catalog/model-json-schema.ts';
import { projectRoot } from '../config/index.ts';

/**
 * `npm run schemas` writes models/model.schema.json from the TypeBox definition of the model
 * format (src/catalog/model-schema.ts), so editors can check model files. A test fails when the
 * committed file is stale.
 */
const file = path.join(projectRoot, 'models', SCHEMA_FILE);
await writeFile(file, modelJsonSchemaText());
console.log(`wrote ${path.relative(projectRoot, file)}`);
