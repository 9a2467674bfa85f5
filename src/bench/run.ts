import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { figures } from './figures.ts';

/**
 * `npm run bench [-- NAME...]`: measures each figure in a fresh process and prints one JSON
 * object per line: {"name", "value", "unit"}. Figures are never asserted in tests.
 */
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !figures.some((f) => f.name === name));
if (unknown.length) {
  console.error(`unknown figure(s): ${unknown.join(', ')}\nknown: ${figures.map((f) => f.name).join(', ')}`);
  process.exit(2);
}
const chosen = requested.length ? figures.filter((f) => requested.includes(f.name)) : figures;
const child = fileURLToPath(new URL('./figure.ts', import.meta.url));
let failed = false;
for (const figure of chosen) {
  const result = spawnSync(process.execPath, [child, figure.name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = result.stdout.trim().split('\n').pop();
  if (result.status !== 0 || !line) {
    console.error(`${figure.name}: failed (exit ${result.status})`);
    failed = true;
    continue;
  }
  console.log(line);
}
process.exit(failed ? 1 : 0);
