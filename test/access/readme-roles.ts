import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Role } from '../../src/services/access-control.ts';

/** The README's roles table ("Access, roles and data protection"): the contract users were given. */

export const README = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');

/** The roles table: capability row (its text, as written) → the roles with a tick. */
export function readmeRoleTable(markdown: string): Map<string, Set<Role>> {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Access, roles and data protection'));
  if (!section) throw new Error('README has no "Access, roles and data protection" section');
  const rows = section
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
  const [header, , ...body] = rows;
  if (header[0] !== 'capability') throw new Error(`unexpected roles table header: ${header.join(' | ')}`);
  const roles = header.slice(1) as Role[];
  const table = new Map<string, Set<Role>>();
  for (const cells of body) {
    table.set(cells[0], new Set(roles.filter((_, i) => cells[i + 1] === '✓')));
  }
  return table;
}

export const READ_INDIVIDUALS = 'read individual records, plans, budgets, projections';
export const WRITE_INDIVIDUALS = 'create, update, import young people; write care plans';
export const ERASE = 'erase a young person';
export const RUN_PROJECTIONS = 'run projections';
export const READ_AGGREGATES = 'read models, scenarios, runs and other aggregates';
export const RUN_SCENARIOS = 'create and run scenarios';
export const CALIBRATE = 'import SSDA903 returns and publish calibrated models';
export const EXPORT = 'export scenario packs';
export const EXPORT_INDIVIDUALS = 'export one young person’s budget or projection (xlsx, csv)';
export const SET_TARGETS = 'set scorecard targets and thresholds';
export const ADMINISTER = 'manage tokens, read the audit log';

