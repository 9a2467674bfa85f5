import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';

/**
 * The SSDA903 returns from the field (issue 10): one folder per case under
 * test/fixtures/ssda903-cases, each a small invented return and a NOTE.md with the right figures.
 */

export const CASES = path.join(import.meta.dirname, '../fixtures/ssda903-cases');

export const england = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../models/england-default.json'), 'utf8')) as CostModelSpec;

export interface CaseFile {
  name: string;
  buffer: Buffer;
}

/** The case's upload: every file but the NOTE and the mapping override. */
export function caseFiles(name: string): CaseFile[] {
  const dir = path.join(CASES, name);
  return readdirSync(dir)
    .filter((f) => !f.endsWith('.md') && !f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, buffer: readFileSync(path.join(dir, f)) }));
}

/** The case's mapping override, when it has one. */
export function caseOverride(name: string): unknown {
  const dir = path.join(CASES, name);
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  return file ? JSON.parse(readFileSync(path.join(dir, file), 'utf8')) : undefined;
}

/** The same upload with its text rewritten (the "clean" version a NOTE compares with). */
export function rewritten(files: CaseFile[], edit: (text: string, name: string) => string): CaseFile[] {
  return files.map((f) => ({ name: f.name, buffer: Buffer.from(edit(f.buffer.toString('utf8'), f.name)) }));
}

export function caseNames(): string[] {
  return readdirSync(CASES)
    .filter((n) => !n.endsWith('.md'))
    .sort();
}
