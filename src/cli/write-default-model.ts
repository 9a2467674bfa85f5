import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { englandDefaultModelText } from '../catalog/england-default/build.ts';
import { validateModel } from '../catalog/validate-model.ts';
import { projectRoot } from '../config/index.ts';

/**
 * `npm run models:build` writes models/england-default.json from its builder
 * (src/catalog/england-default/), refusing to write a model that does not validate. A test
 * fails when the committed file differs from what the builder makes.
 */
const text = englandDefaultModelText();
const result = validateModel(JSON.parse(text));
if (!result.ok) {
  for (const e of result.errors) console.error(`${e.field}: ${e.reason}`);
  process.exit(1);
}
const file = path.join(projectRoot, 'models', 'england-default.json');
await writeFile(file, text);
console.log(`wrote ${path.relative(projectRoot, file)} (${result.model.id} ${result.model.version}, sha256 ${result.model.hash})`);
