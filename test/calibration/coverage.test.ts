import t from 'tap';
import { type CalibrationReport, calibrate } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { clopperPearsonBounds } from '../../src/calibration/poisson-interval.ts';
import { rateInterval } from '../../src/calibration/shrinkage.ts';
import { generateSyntheticAuthority, syntheticModel } from '../../src/calibration/synthetic-authority.ts';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';

/**
 * Coverage of the calibration report's 90% intervals against a known truth (issue 11).
 *
 * Synthetic authorities are simulated from syntheticModel() (the truth) and calibrated against a
 * prior that is wrong in known ways: every move out of a care state × 1.6, leaving care at 18
 * split as the national default splits it (staying put 62% where the truth has 50%, supported
 * lodgings 12% where it has 30%...), and moves the truth makes but the prior rules out
 * (kinship foster care to residential at 0-4 and 5-9, agency foster care to residential at 0-4
 * and 5-9: rate 0 in the prior). A cell is a (row, destination) with a true rate above 0, in:
 * - monthly rows: every destination of a row observed in care; of a row followed after leaving
 *   care (returned home, special guardianship, adopted), the moves back into care, the only ones
 *   the return shows;
 * - leaving care at 18: staying put, supported lodgings, adult custody and independent living
 *   (EET and NEET together: E6 does not tell them apart, so only their sum is identified; its
 *   interval is the Beta marginal of the sum, the Dirichlet aggregation property).
 * Cells are grouped as zero-count (no move seen, monthly or at 18), thin (expected moves
 * n·min(p, 1 − p) below 10), well observed, and leaving care at 18 from fewer than 10 birthdays
 * or from 10 or more. Covered: lower ≤ truth ≤ upper. Asserted: 85-95% over all cells, for
 * well-observed cells and for leaving care at 18 with a move seen (both birthday groups together;
 * in the full run also 10 birthdays or more alone); at least 85% for the others, which are
 * conservative by construction (see the README's coverage section). Leaving care at 18 uses the
 * shortest 90% interval of each rate's posterior (rateInterval 'shortest').
 *
 * The default run is bounded for CI (a few authorities); `npm run coverage:calibration` runs
 * more seeds and sizes and prints the figures. For sensitivity runs, COVERAGE_BW sets the prior
 * weight of leaving care at 18 (birthdays) and COVERAGE_FLOOR the destination floor.
 */

const LEVEL = 0.9;
const FULL = process.env.COVERAGE_RUN === 'full';
// The default run takes about 30 seconds on a loaded two-core machine (12 authorities); the full one a few minutes.
t.setTimeout(FULL ? 3_600_000 : 300_000);

const truth = syntheticModel();

/** The prior: the truth, wrong in known ways (see above). */
function wrongPrior(): CostModelSpec {
  const prior = syntheticModel({ scale: 1.6, id: 'coverage-prior' });
  for (const band of ['0-4', '5-9']) {
    for (const state of ['kinship_foster', 'ifa_foster']) {
      const row = prior.transitions[band][state];
      row[state] += row.residential ?? 0;
      delete row.residential;
    }
  }
  const rules = prior.ageTransitions!;
  rules[0].to = { staying_put: 0.62, supported_lodgings: 0.12, independent_eet: 0.14, independent_neet: 0.12 };
  rules[1].to = { supported_lodgings: 0.55, independent_eet: 0.17, independent_neet: 0.25, adult_custody: 0.03 };
  rules[2].to = { adult_custody: 0.55, independent_neet: 0.45 };
  return prior;
}

interface Tally {
  cells: number;
  covered: number;
}
type Kind = 'wellObserved' | 'thin' | 'zeroCount' | 'leavingCare18' | 'leavingCare18Small';
const KINDS: Kind[] = ['wellObserved', 'thin', 'zeroCount', 'leavingCare18', 'leavingCare18Small'];
const newTallies = (): Record<Kind, Tally> => Object.fromEntries(KINDS.map((k) => [k, { cells: 0, covered: 0 }])) as Record<Kind, Tally>;

const CARE_STATES = new Set(['kinship_foster', 'inhouse_foster', 'ifa_foster', 'residential', 'secure_home', 'supported_accommodation', 'youth_custody']);

/** Adds one calibration's cells to the tallies; returns the zero-count cells whose upper bound is below the exact bound (must be none). */
function tally(report: CalibrationReport, tallies: Record<Kind, Tally>, misses: string[]): string[] {
  const belowExact: string[] = [];
  for (const row of report.rows) {
    const truthRow = truth.transitions[row.band]?.[row.state];
    if (!truthRow) continue;
    const partial = row.partialObservations > 0;
    for (const [to, p] of Object.entries(truthRow)) {
      if (!(p > 0)) continue;
      if (partial && !CARE_STATES.has(to)) continue;
      const rate = row.rates.find((r) => r.to === to) ?? { count: 0, lower: 0, upper: 0 };
      const zero = to !== row.state && rate.count <= 0;
      const kind: Kind = zero ? 'zeroCount' : row.observations * Math.min(p, 1 - p) < 10 ? 'thin' : 'wellObserved';
      const covered = rate.lower <= p && p <= rate.upper;
      tallies[kind].cells += 1;
      if (covered) tallies[kind].covered += 1;
      else misses.push(`${kind} ${row.band} ${row.state} → ${to}: truth ${p}, [${rate.lower}, ${rate.upper}], ${rate.count} in ${row.observations}`);
      if (zero) {
        const n = partial && !CARE_STATES.has(to) ? row.observations - row.partialObservations : row.observations;
        if (rate.upper < clopperPearsonBounds(0, n, LEVEL).upper) belowExact.push(`${row.band} ${row.state} → ${to}: ${rate.upper} in ${n}`);
      }
    }
  }
  for (const at18 of report.ageTransitions) {
    const rule = truth.ageTransitions!.find((a) => a.atAgeYears === at18.atAgeYears && a.from.join(',') === at18.state);
    if (!rule) continue;
    const find = (to: string) => at18.rates.find((r) => r.to === to);
    const count = (name: string) => (name === 'independent' ? (find('independent_eet')?.count ?? 0) + (find('independent_neet')?.count ?? 0) : (find(name)?.count ?? 0));
    // Kinds: a leaving-care cell with no move seen is a zero-count cell; the others by the birthdays
    // behind them (under 10: a count out of so few is coarse, and the interval is wide).
    const judge = (name: string, p: number, interval: { lower: number; upper: number }) => {
      const kind: Kind = count(name) <= 0 ? 'zeroCount' : at18.observations < 10 ? 'leavingCare18Small' : 'leavingCare18';
      const covered = interval.lower <= p && p <= interval.upper;
      tallies[kind].cells += 1;
      if (covered) tallies[kind].covered += 1;
      const bucket = `${at18.observations < 10 ? 'under 10' : at18.observations < 30 ? '10-29' : at18.observations < 100 ? '30-99' : '100+'}${count(name) <= 0 ? ' (zero count)' : ''}`;
      const byN = (byBirthdays[bucket] ??= { cells: 0, covered: 0 });
      byN.cells += 1;
      if (covered) byN.covered += 1;
      else misses.push(`18 ${at18.state} → ${name}: truth ${p}, [${interval.lower}, ${interval.upper}] (${at18.observations} birthdays)`);
    };
    for (const to of ['staying_put', 'supported_lodgings', 'adult_custody']) {
      const p = rule.to[to] ?? 0;
      if (p > 0) judge(to, p, find(to) ?? { lower: 0, upper: 0 });
    }
    const independent = (rule.to.independent_eet ?? 0) + (rule.to.independent_neet ?? 0);
    if (independent > 0) {
      const estimate = (find('independent_eet')?.estimate ?? 0) + (find('independent_neet')?.estimate ?? 0);
      const count = (find('independent_eet')?.count ?? 0) + (find('independent_neet')?.count ?? 0);
      judge('independent', independent, rateInterval(estimate, at18.concentration, LEVEL, { count, exposures: at18.observations }, 'shortest'));
    }
  }
  return belowExact;
}

/** Leaving care at 18 by the number of birthdays observed (printed by the full run). */
const byBirthdays: Record<string, Tally> = {};

const percent = (x: Tally) => (x.cells ? (100 * x.covered) / x.cells : Number.NaN);

async function run(seeds: number[], sizes: number[]) {
  const prior = wrongPrior();
  const tallies = newTallies();
  const misses: string[] = [];
  const belowExact: string[] = [];
  const authorities: { seed: number; entriesPerMonth: number; children: number; personMonths: number }[] = [];
  let invalid = 0;
  const notLearned: string[] = [];
  for (const seed of seeds) {
    for (const entriesPerMonth of sizes) {
      const authority = generateSyntheticAuthority({ seed, firstYear: 2021, lastYear: 2024, entriesPerMonth });
      const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
      const { model, report } = calibrate(imported, { priorModel: prior, intervalLevel: LEVEL, ...(process.env.COVERAGE_BW ? { ageTransitionPriorWeight: Number(process.env.COVERAGE_BW) } : {}), ...(process.env.COVERAGE_FLOOR ? { destinationFloor: Number(process.env.COVERAGE_FLOOR) } : {}) });
      if (!validateModel(model).ok) invalid += 1;
      // Moves the prior rules out are in every calibrated row, learned from their counts when seen.
      for (const band of ['0-4', '5-9']) {
        for (const state of ['kinship_foster', 'ifa_foster']) {
          const row = report.rows.find((r) => r.band === band && r.state === state);
          if (!row) continue;
          const rate = row.rates.find((r) => r.to === 'residential');
          const p = model.transitions[band][state].residential ?? 0;
          if (!rate || !(p > 0) || (rate.count > 0 && !(p * (row.observations + row.priorWeight) >= rate.count - 1e-9))) notLearned.push(`${seed}/${entriesPerMonth} ${band} ${state} → residential: ${p}`);
        }
      }
      belowExact.push(...tally(report, tallies, misses));
      authorities.push({ seed, entriesPerMonth, children: imported.children.length, personMonths: report.headline.personMonths });
    }
  }
  return { tallies, misses, belowExact, authorities, invalid, notLearned };
}

t.test('90% intervals hold the truth 85-95% of the time over synthetic authorities of 40 to 2,000 children', { timeout: FULL ? 3_600_000 : 300_000 }, async (t) => {
  const seeds = FULL ? [11, 23, 37, 41, 59, 67, 71, 83, 97, 101] : [11, 23, 37];
  const sizes = FULL ? [0.5, 1, 2, 4, 8, 16] : [0.5, 2, 8, 16];
  const { tallies, misses, belowExact, authorities, invalid, notLearned } = await run(seeds, sizes);
  const all: Tally = { cells: 0, covered: 0 };
  for (const k of KINDS) {
    all.cells += tallies[k].cells;
    all.covered += tallies[k].covered;
  }
  const lines = [
    `authorities: ${authorities.length} (seeds ${seeds.join(', ')}; entries a month ${sizes.join(', ')}; children ${Math.min(...authorities.map((a) => a.children))} to ${Math.max(...authorities.map((a) => a.children))})`,
    ...KINDS.map((k) => `${k}: ${percent(tallies[k]).toFixed(1)}% of ${tallies[k].cells} cells`),
    `all: ${percent(all).toFixed(1)}% of ${all.cells} cells`,
  ];
  t.comment(lines.join('\n'));
  if (FULL) {
    console.log(lines.join('\n'));
    console.log(`leaving care at 18 by birthdays observed: ${Object.entries(byBirthdays).map(([k, v]) => `${k}: ${percent(v).toFixed(1)}% of ${v.cells}`).join('; ')}`);
    console.log(`misses (first 40):\n${misses.slice(0, 40).join('\n')}`);
  }
  t.equal(invalid, 0, 'every calibrated model is valid');
  t.same(notLearned, [], 'moves to residential care at 0-9, absent from the prior, are in the calibrated rows and learned from their counts');
  t.same(belowExact, [], 'no zero count has an upper bound below the exact one-sided bound for 0 in n');
  t.ok(Math.min(...authorities.map((a) => a.children)) <= 80 && Math.max(...authorities.map((a) => a.children)) >= 1500, 'sizes span small and large authorities');
  const overall = percent(all);
  t.ok(overall >= 85 && overall <= 95, `overall coverage ${overall.toFixed(1)}% in 85-95%`);
  t.ok(tallies.wellObserved.cells >= 20, `wellObserved: ${tallies.wellObserved.cells} cells`);
  t.ok(percent(tallies.wellObserved) >= 85 && percent(tallies.wellObserved) <= 95, `wellObserved coverage ${percent(tallies.wellObserved).toFixed(1)}% in 85-95%`);
  // Leaving care at 18 with a move seen, from any number of birthdays: 85-95%. The default run has
  // about 70 such cells, where one cell is 1.4 points and a true 90% has a standard error of 3.5
  // points; so the birthday groups are held to 85-95% one by one only in the full run (over 300
  // cells, 1.6 points), and in the default run together.
  const leaving: Tally = { cells: tallies.leavingCare18.cells + tallies.leavingCare18Small.cells, covered: tallies.leavingCare18.covered + tallies.leavingCare18Small.covered };
  t.ok(leaving.cells >= 50, `leaving care at 18 with a move seen: ${leaving.cells} cells`);
  t.ok(percent(leaving) >= 85 && percent(leaving) <= 95, `leaving care at 18 with a move seen: coverage ${percent(leaving).toFixed(1)}% in 85-95%`);
  if (FULL) t.ok(percent(tallies.leavingCare18) >= 85 && percent(tallies.leavingCare18) <= 95, `leavingCare18 coverage ${percent(tallies.leavingCare18).toFixed(1)}% in 85-95%`);
  // Cells behind which the data are thin cover at least 85%, and may cover more than 95%: a zero
  // count's upper bound is at least the exact one-sided bound for 0 in n (the issue's rule), so it
  // misses only where the truth made a zero less likely than 10%, and zero counts come mostly from
  // moves where a zero was likely (conservative by construction; about 98% over the full run); a
  // proportion out of 1-3 birthdays (youth custody at 18) takes so few values that an interval
  // given a move seen cannot leave out a truth inside the prior's range (about 97%).
  for (const k of ['thin', 'zeroCount', 'leavingCare18Small'] as const) {
    t.ok(tallies[k].cells >= 20, `${k}: ${tallies[k].cells} cells`);
    t.ok(percent(tallies[k]) >= 85, `${k} coverage ${percent(tallies[k]).toFixed(1)}% at least 85%`);
  }
});
