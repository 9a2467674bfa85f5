import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { canonicalJson, modelContentHash } from '../../src/catalog/canonical-json.ts';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import type { ScenarioSpec } from '../../src/catalog/scenario-schema.ts';
import type { PackRun } from '../../src/export/pack-input.ts';
import { SimulationPool } from '../../src/simulation/pool.ts';
import { type ScenarioMember, prepareScenario } from '../../src/simulation/scenario.ts';

export const england: CostModelSpec = JSON.parse(readFileSync(new URL('../../models/england-default.json', import.meta.url), 'utf8'));

export function scenarioSpec(extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    id: 'pack-test',
    version: '1.0.0',
    name: 'Edge-of-care MST, pack test',
    model: { id: 'england-default' },
    cohort: {},
    firstYear: '2026-27',
    planningYears: 3,
    lifetimeYears: 8,
    strategy: {
      name: 'MST team',
      interventions: [{ id: 'mst', capacityPerYear: 12, oneOffPrice: 9500 }],
      investment: [{ year: '2026-27', agency: 'childrens_social_care', amount: 20000, label: 'Set-up' }],
    },
    ...extra,
  };
}

/** A spread of young people (numbers only), in states the default model knows. */
export function members(count: number): ScenarioMember[] {
  const states = ['edge_of_care', 'cin_cp', 'inhouse_foster', 'ifa_foster', 'residential', 'kinship_foster', 'early_help', 'supported_accommodation'];
  return Array.from({ length: count }, (_, k) => {
    const state = states[k % states.length];
    const age = state === 'supported_accommodation' ? 16 : 8 + (k % 9);
    return { ageMonths: age * 12 + (k % 12), state, weeklyPrice: ['ifa_foster', 'residential', 'inhouse_foster'].includes(state) ? 700 + 90 * k : null };
  });
}

/** A scenario's content hash as the scenario catalog takes it: sha256 of its canonical JSON, without `$schema`. */
export function scenarioHash(spec: ScenarioSpec): string {
  const { $schema: _ignored, ...content } = spec;
  return sha(content);
}

function sha(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Runs a scenario in this thread and wraps the result as a stored run would be. */
export async function packRun(scenario: ScenarioSpec, cohort: ScenarioMember[], options: { runs: number; seed: number; runId: string }): Promise<PackRun> {
  const prepared = prepareScenario(scenario, england, cohort, { baseKey: 'england-default@test', seed: options.seed, runs: options.runs });
  const result = await new SimulationPool(0).scenario(prepared);
  return {
    runId: options.runId,
    createdAt: '2026-11-24T09:00:00.000Z',
    scenario: { id: scenario.id, version: scenario.version, hash: scenarioHash(scenario), spec: scenario },
    model: { id: england.id, version: england.version, hash: modelContentHash(england), spec: england },
    seed: options.seed,
    runs: options.runs,
    cohort: { hash: sha(cohort.map((m) => [m.ageMonths, m.state, m.weeklyPrice])), size: cohort.length },
    softwareVersion: 'test',
    inputs: { scenario, runs: options.runs, seed: options.seed },
    result,
  };
}

export function unzip(zip: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(zip);
}

export const text = (data: Uint8Array) => new TextDecoder().decode(data);

/**
 * The report's text from the first page that holds `from` up to (not including) the first later
 * text matching `to` (or the end): a section that flows over pages (issue 18) read as one.
 */
export function reportSection(pages: string[], from: RegExp, to?: RegExp): string {
  const all = pages.join('\n');
  const start = all.search(from);
  if (start < 0) return '';
  const rest = all.slice(start);
  const end = to ? rest.slice(1).search(to) : -1;
  return end < 0 ? rest : rest.slice(0, end + 1);
}

/** The text of each page of a PDF, read with PDF.js. */
export async function pdfPages(data: Uint8Array): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = new URL('../../node_modules/pdfjs-dist/standard_fonts/', import.meta.url).pathname;
  const doc = await pdfjs.getDocument({ data: new Uint8Array(data), standardFontDataUrl, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await doc.cleanup();
  return pages;
}
