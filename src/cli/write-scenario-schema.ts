import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SCENARIO_SCHEMA_FILE, scenarioJsonSchemaText } from '../catalog/scenario-json-schema.ts';
import { projectRoot } from '../config/index.ts';

/**
 * Writes scenarios/scenario.schema.json from the TypeBox definition of the scenario format
 * (src/catalog/scenario-schema.ts), so editors can check scenario files. A test fails when the
 * committed file is stale.
 */
const file = path.join(projectRoot, 'scenarios', SCENARIO_SCHEMA_FILE);
await writeFile(file, scenarioJsonSchemaText());
console.log(`wrote ${path.relative(projectRoot, file)}`);
