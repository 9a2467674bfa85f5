/**
 * Runs only the test files that reach a database, for CI's second pass on a real PostgreSQL
 * server (`npm run test:postgres`). The first pass (`npm test`, on embedded PGlite) runs every
 * file; a file whose imports never reach src/db/connect.ts (the one module that opens a
 * database) tests pure code, which gives the same answer whatever DATABASE_URL says, so running
 * it twice only doubles CI's time.
 *
 * A file "reaches" the database when any chain of its value imports (relative `import … from`,
 * `export … from` and literal `import()`; `import type` is erased and opens nothing) leads to
 * src/db/connect.ts, or it names DATABASE_URL itself. Usage:
 *   node test/database-tests.ts          run them with tap (extra arguments passed on)
 *   node test/database-tests.ts --list   print the files, one per line
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { glob } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const target = path.join(root, 'src', 'db', 'connect.ts');

// `import x from './a.ts'`, `import './a.ts'`, `export { x } from './a.ts'`, `import('./a.ts')`;
// not `import type …` (erased at run time).
const IMPORT = /(?:^|[;\s])(?:import(?!\s+type\b)(?:[\s\S]*?\bfrom\s*)?|export(?!\s+type\b)[^;'"]*?\bfrom\s*)['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

const importsOf = new Map<string, string[]>();

/** The value imports of one file, resolved to absolute paths (read once). */
function imports(file: string): string[] {
  let list = importsOf.get(file);
  if (list) return list;
  list = [];
  try {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec && /\.(ts|js|mjs)$/.test(spec)) list.push(path.resolve(path.dirname(file), spec));
    }
  } catch {
    // A file that cannot be read imports nothing.
  }
  importsOf.set(file, list);
  return list;
}

/** Whether any chain of value imports from `file` leads to src/db/connect.ts (a walk, so cycles are harmless). */
function reachesDatabase(file: string): boolean {
  if (/\bDATABASE_URL\b/.test(readFileSync(file, 'utf8'))) return true;
  const seen = new Set([file]);
  const todo = [file];
  while (todo.length > 0) {
    for (const next of imports(todo.pop() as string)) {
      if (next === target) return true;
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return false;
}

const files: string[] = [];
for await (const f of glob('test/**/*.test.ts', { cwd: root })) files.push(f);
files.sort();
const selected = files.filter((f) => reachesDatabase(path.join(root, f)));

if (process.argv.includes('--list')) {
  process.stdout.write(`${selected.join('\n')}\n`);
} else {
  process.stdout.write(`${selected.length} of ${files.length} test files reach the database; the others test pure code, run once by npm test\n`);
  const result = spawnSync('tap', [...process.argv.slice(2), ...selected], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
