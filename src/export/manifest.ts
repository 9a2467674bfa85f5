import { createHash } from 'node:crypto';
import { canonicalJson } from '../catalog/canonical-json.ts';
import { DISCLOSURE_NOTE, type ShownCount, showCount } from './disclosure.ts';
import type { PackInput } from './pack-input.ts';

/**
 * manifest.json: what the pack was made from and how to make it again. Ids, versions and content
 * hashes of each run's model and scenario, the cohort's hash, the seed and number of runs, hashes
 * of the run's stored inputs and results, and of every other file in the pack.
 */

export const PACK_FORMAT = 'pathcast-scenario-pack';
export const PACK_FORMAT_VERSION = 1;

export interface ManifestRun {
  runId: string;
  createdAt: string;
  scenario: { id: string; version: string; hash: string };
  model: { id: string; version: string; hash: string };
  seed: number;
  runs: number;
  cohort: { hash: string; size: ShownCount };
  softwareVersion: string;
  /** sha256 of the canonical JSON of the run's stored inputs. */
  inputsHash: string;
  /** sha256 of the canonical JSON of the run's stored result: every number the pack shows comes from it. */
  resultHash: string;
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  formatVersion: number;
  createdAt: string;
  software: { name: string; version: string };
  differentCohortsAcknowledged: boolean;
  runs: ManifestRun[];
  files: Array<{ path: string; bytes: number; sha256: string }>;
  disclosure: string;
  reproduce: string;
  /** When the pack has the balanced scorecard (issue 17): its date and view; not reproduced from the runs. */
  scorecard?: { asOf: string; disclosure: string; files: string[]; note: string };
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export function buildManifest(input: PackInput, files: Record<string, Uint8Array>): PackManifest {
  return {
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    createdAt: input.createdAt.toISOString(),
    software: input.software,
    differentCohortsAcknowledged: input.differentCohortsAcknowledged ?? false,
    runs: input.runs.map((run) => ({
      runId: run.runId,
      createdAt: run.createdAt,
      scenario: { id: run.scenario.id, version: run.scenario.version, hash: run.scenario.hash },
      model: { id: run.model.id, version: run.model.version, hash: run.model.hash },
      seed: run.seed,
      runs: run.runs,
      cohort: { hash: run.cohort.hash, size: showCount(run.cohort.size) },
      softwareVersion: run.softwareVersion,
      inputsHash: contentHash(run.inputs),
      resultHash: contentHash(run.result),
    })),
    files: Object.entries(files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, data]) => ({ path, bytes: data.byteLength, sha256: sha256Hex(data) })),
    disclosure: DISCLOSURE_NOTE,
    reproduce:
      'For each run: the scenario version (checked by its hash) on the model version (checked by its hash), over the cohort on record whose hash matches, with the seed and number of runs given, gives the stored result (checked by resultHash); building the pack from those results gives these files.',
    ...(input.scorecard
      ? {
          scorecard: {
            asOf: input.scorecard.asOf,
            disclosure: input.scorecard.disclosure,
            files: ['workbook.xlsx (Scorecard sheet)', 'tables/scorecard.csv', 'report.pdf (Balanced scorecard)'],
            note: 'The balanced scorecard is the records as of asOf as the programme board reads them (GET /v1/scorecard?asOf=…, protected by the small-numbers rule whoever exports), not a result of the runs: re-running the runs does not reproduce it.',
          },
        }
      : {}),
  };
}
