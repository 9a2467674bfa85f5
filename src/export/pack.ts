import { capacityTable } from './capacity.ts';
import { zipSync } from 'fflate';
import { type Chart, packCharts } from './charts.ts';
import { scenarioResultView } from '../finance/scenario-view.ts';
import { tableCsv } from './csv.ts';
import { type FundingView, fundingTable, packFundingView } from './funding.ts';
import { comparisonFindings, type RunFindings, runFindings } from './findings.ts';
import { buildManifest, type PackManifest } from './manifest.ts';
import { runNames } from './labels.ts';
import type { PackInput } from './pack-input.ts';
import { buildReport } from './report.ts';
import { type PackTable, labelRuns, packTables, roundPackTable } from './tables.ts';
import { buildWorkbook } from './workbook.ts';
import { scorecardTable } from './scorecard-sheet.ts';

/**
 * exportScenarioPack's pure core: stored runs in, one zip out.
 *
 *   manifest.json        what it was made from, and hashes of everything else
 *   workbook.xlsx        one sheet per table (a Funding sheet when a run has funding; a Scorecard
 *                        sheet when exported through the API), and notes
 *   report.pdf           charts and findings (a funding page for each run with funding)
 *   tables/<table>.csv   the workbook's sheets as CSV
 *   charts/<chart>.svg   the report's charts
 *
 * Aggregates only, every count of children through disclosure control (disclosure.ts).
 */

export interface ScenarioPack {
  fileName: string;
  zip: Uint8Array;
  manifest: PackManifest;
  /** Every file but the manifest, by path in the zip. */
  files: Record<string, Uint8Array>;
}

export const MAX_PACK_RUNS = 4;

export interface PackContent {
  tables: PackTable[];
  findings: RunFindings[];
  comparison: string[];
  overview: Chart;
  byRun: Chart[][];
  /** Each run's funding with the disclosure rule applied; null for a run without funding. */
  funding: Array<FundingView | null>;
}

/** The tables, findings and charts of a pack: what the files and the comparison page show. */
export async function packContent(input: PackInput): Promise<PackContent> {
  if (input.runs.length === 0 || input.runs.length > MAX_PACK_RUNS) throw new Error(`a pack holds 1 to ${MAX_PACK_RUNS} runs`);
  // The figures as every answer shows them (rounded at the edge, planning totals the sum of their
  // years); the manifest still hashes the results as stored.
  const runs = input.runs.map((run) => ({ ...run, result: scenarioResultView(run.result) }));
  const { overview, byRun } = await packCharts(runs);
  const tables = packTables(runs);
  // How the strategy is paid for, after the invest-to-save sheets, when a run has funding (issue 16).
  const funding = fundingTable(runs);
  if (funding) tables.splice(tables.findIndex((t) => t.id === 'net-by-year') + 1, 0, labelRuns(roundPackTable(funding), runs));
  // Places held in every run (issue 15), when a run has capacity limits or commissioned services.
  const capacity = capacityTable(runs);
  if (capacity) tables.splice(tables.findIndex((t) => t.id === 'interventions') + 1, 0, labelRuns(roundPackTable(capacity), runs));
  // The balanced scorecard as the exporter reads it (issue 17), last of the tables.
  if (input.scorecard) tables.push(scorecardTable(input.scorecard));
  return {
    tables,
    findings: runs.map(runFindings),
    comparison: comparisonFindings(runs, input.differentCohortsAcknowledged ?? false),
    overview,
    byRun,
    funding: runs.map(packFundingView),
  };
}

/** Provenance, one line a run: the only place the report prints a run's id. */
function reproductionLines(input: PackInput): string[] {
  const names = runNames(input.runs);
  return input.runs.map(
    (run, k) =>
      `${names[k]}: run ${run.runId}; scenario ${run.scenario.id} ${run.scenario.version} (sha256 ${run.scenario.hash}); model ${run.model.id} ${run.model.version} (sha256 ${run.model.hash}); cohort sha256 ${run.cohort.hash}; seed ${run.seed}; ${run.runs} runs; software ${run.softwareVersion}.`,
  );
}

export async function buildScenarioPack(input: PackInput): Promise<ScenarioPack> {
  const content = await packContent(input);
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array> = {};
  const about = [
    `Created ${input.createdAt.toISOString()} by ${input.software.name} ${input.software.version}.`,
    ...content.findings.flatMap((f) => [`${f.label}:`, ...f.sentences]),
    ...content.comparison,
    ...reproductionLines(input),
  ];
  files['workbook.xlsx'] = await buildWorkbook(content.tables, { createdAt: input.createdAt, title: 'Scenario pack', about });
  files['report.pdf'] = await buildReport({ input, findings: content.findings, comparison: content.comparison, overview: content.overview, byRun: content.byRun, funding: content.funding, reproduction: reproductionLines(input) });
  for (const table of content.tables) files[`tables/${table.id}.csv`] = encoder.encode(tableCsv(table));
  for (const chart of [content.overview, ...content.byRun.flat()]) files[`charts/${chart.id}.svg`] = encoder.encode(chart.svg);
  const manifest = buildManifest(input, files);
  const entries: Record<string, Uint8Array> = { 'manifest.json': encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`), ...files };
  // Fixed timestamps: the same input gives the same zip.
  const zip = zipSync(entries, { mtime: input.createdAt, level: 6 });
  const stamp = input.createdAt.toISOString().slice(0, 10);
  const ids = input.runs.map((run) => run.runId.slice(0, 8)).join('-');
  return { fileName: `pathcast-scenario-pack-${stamp}-${ids}.zip`, zip, manifest, files };
}
