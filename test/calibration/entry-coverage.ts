import { calibrate } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { generateSyntheticAuthority, syntheticModel } from '../../src/calibration/synthetic-authority.ts';

/**
 * Coverage of the entry-rate intervals over synthetic authorities (issue 11's acceptance: 90%
 * intervals hold the truth 85-95% of the time). Each authority is simulated from the synthetic
 * chain with a Poisson stream of entrants whose mean by single year of age is known
 * (entryMeanByAge, by starting state); it is given a population of children by single year of
 * age, so the true entries per 10,000 a year in a band is 120,000 × Σ mean / Σ population, the
 * means summed over looked-after starting states (entries into youth custody are the model's
 * custody state, not entries into care). The calibration's
 * interval for each band (0-4, 5-9, 10-15, 16-17) either holds it or not.
 *
 * Run by test/calibration/entries.test.ts (bounded) and in full by
 * `npm run coverage:entries` (node test/calibration/entry-coverage.ts [authorities]).
 */

export interface CoverageCell {
  seed: number;
  entriesPerMonth: number;
  children: number;
  band: string;
  entries: number;
  truth: number;
  /** The observed rate (per 10,000 a year). */
  observed: number;
  lower: number;
  upper: number;
  held: boolean;
}

/** Population by single year of age 0-17: a gentle slope (more young children), about `perYear` each. */
export function syntheticPopulation(perYear: number): number[] {
  return Array.from({ length: 18 }, (_, age) => Math.round(perYear * (1.1 - (0.2 * age) / 17)));
}

export async function entryCoverage(options: { seeds: number[]; sizes: number[]; level?: number; years?: number }): Promise<CoverageCell[]> {
  const level = options.level ?? 0.9;
  const lastYear = 2024;
  const firstYear = lastYear - (options.years ?? 4) + 1;
  const prior = syntheticModel();
  const lookedAfter = new Set(prior.states.filter((s) => s.category === 'looked_after').map((s) => s.id));
  const cells: CoverageCell[] = [];
  for (const entriesPerMonth of options.sizes) {
    for (const seed of options.seeds) {
      const authority = generateSyntheticAuthority({ seed, firstYear, lastYear, entriesPerMonth, burnInYears: 2 });
      // About 26 starters per 10,000 children a year, as in England (DfE 2024: 33,050 starters among 12.7 million children).
      const population = syntheticPopulation((entriesPerMonth * 12 * 10_000) / 26 / 18);
      const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
      const { report } = calibrate(imported, {
        priorModel: prior,
        referenceWindow: { fromYear: firstYear, toYear: lastYear },
        intervalLevel: level,
        population: { byAge: population, source: { description: 'synthetic' } },
        forPublication: false,
      });
      for (const band of report.entryRates.byBand) {
        const spec = prior.ageBands.find((b) => b.id === band.band)!;
        let mean = 0;
        let children = 0;
        for (let a = spec.fromYears; a < Math.min(18, spec.toYears); a++) {
          // Entries into looked-after states: starting in youth custody (R5) is a custody state in the model, not an entry into care.
          for (const [state, m] of Object.entries(authority.entryMeanByAge[a])) if (lookedAfter.has(state)) mean += m;
          children += population[a];
        }
        const truth = (mean / children) * 120_000;
        cells.push({ seed, entriesPerMonth, children: authority.children, band: band.band, entries: band.entries, truth, observed: band.per10000PerYear, lower: band.lower, upper: band.upper, held: band.lower <= truth && truth <= band.upper });
      }
    }
  }
  return cells;
}

export function summarise(cells: CoverageCell[]): { cells: number; held: number; coverage: number; byBand: Record<string, string>; bySize: Record<string, string> } {
  const share = (list: CoverageCell[]) => `${list.filter((c) => c.held).length}/${list.length}`;
  const group = (key: (c: CoverageCell) => string) => {
    const out: Record<string, string> = {};
    for (const k of new Set(cells.map(key))) out[k] = share(cells.filter((c) => key(c) === k));
    return out;
  };
  const held = cells.filter((c) => c.held).length;
  return { cells: cells.length, held, coverage: held / cells.length, byBand: group((c) => c.band), bySize: group((c) => `${c.entriesPerMonth}/month`) };
}

if (import.meta.main) {
  const authorities = Number(process.argv[2] ?? 200);
  const sizes = [0.5, 1, 2, 5, 15, 40];
  const perSize = Math.ceil(authorities / sizes.length);
  const seeds = Array.from({ length: perSize }, (_, i) => 50_000 + i);
  const started = Date.now();
  const cells = await entryCoverage({ seeds, sizes });
  const s = summarise(cells);
  const children = cells.map((c) => c.children);
  console.log(`${perSize * sizes.length} synthetic authorities (seeds ${seeds[0]}-${seeds[seeds.length - 1]}, entrants a month ${sizes.join(', ')}; ${Math.min(...children)}-${Math.max(...children)} children each), 90% intervals of entries per 10,000 by band:`);
  console.log(`  held the truth in ${s.held} of ${s.cells} (${(100 * s.coverage).toFixed(1)}%)`);
  console.log(`  by band: ${JSON.stringify(s.byBand)}`);
  console.log(`  by size: ${JSON.stringify(s.bySize)}`);
  const bias: Record<string, string> = {};
  for (const band of new Set(cells.map((c) => c.band))) {
    const list = cells.filter((c) => c.band === band);
    bias[band] = (list.reduce((a, c) => a + c.observed / c.truth, 0) / list.length).toFixed(3);
  }
  console.log(`  mean observed / true rate by band: ${JSON.stringify(bias)}`);
  const zero = cells.filter((c) => c.entries === 0);
  console.log(`  bands with no entry: ${zero.length}, of which ${zero.filter((c) => c.held).length} held the truth`);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
