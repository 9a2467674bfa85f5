import { calibrate } from './calibrate.ts';
import { importSsda903 } from './import.ts';
import { generateSyntheticAuthority, syntheticModel } from './synthetic-authority.ts';

/**
 * Benchmark figure ssda903_calibrate_seconds: import and calibrate ten years of returns of a
 * synthetic authority with about 1,000 children in care at any time (some 4,000 children and
 * 7,000 episodes over the ten years). Generating the files is not timed; reading them (as
 * uploads in memory), cleaning, merging, counting and shrinking is.
 */

/** Entrants a month that keep the synthetic authority near 1,000 children in care. */
export const BENCH_ENTRIES_PER_MONTH = 19;

export async function benchCalibrate(options: { seed?: number } = {}): Promise<{ seconds: number; children: number; inCareAtEnd: number; episodes: number }> {
  const authority = generateSyntheticAuthority({ seed: options.seed ?? 903, firstYear: 2016, lastYear: 2025, entriesPerMonth: BENCH_ENTRIES_PER_MONTH });
  const prior = syntheticModel({ scale: 1.6 });
  const started = performance.now();
  const imported = await importSsda903(authority.files, { pseudonymKey: 'bench' });
  calibrate(imported, { priorModel: prior, referenceWindow: { fromYear: 2016, toYear: 2025 } });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, children: imported.children.length, inCareAtEnd: authority.inCareAtEnd, episodes: imported.episodes.length };
}
