import fc from 'fast-check';
import t from 'tap';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { generateSyntheticAuthority, syntheticModel } from '../../src/calibration/synthetic-authority.ts';

/**
 * The round trip: SSDA903 files simulated from a known monthly chain, imported and calibrated
 * against a prior that is wrong in a known way (every move out of a care state × 1.6), give back
 * the chain's rates within sampling error.
 *
 * The bound for a rate p estimated from n person-months with prior weight w and prior value π:
 * estimate − p = (c − n·p)/(n + w) + w·(π − p)/(n + w), so
 * |estimate − p| ≤ 4.5 · √(p(1 − p)/n) + w·|π − p|/(n + w) (sampling at 4.5 standard errors,
 * with p floored at 1/n so a rare event's error is not judged on a zero variance, plus the exact
 * pull of the prior).
 */

const WEIGHT = 60;
const truth = syntheticModel();
const prior = syntheticModel({ scale: 1.6 });

function bound(p: number, n: number, pi: number): number {
  const q = Math.max(p, 1 / n);
  return 4.5 * Math.sqrt((q * (1 - q)) / n) + (WEIGHT * Math.abs(pi - p)) / (n + WEIGHT) + 1e-9;
}

t.test('rates calibrated from a simulated authority recover the chain that made it', async (t) => {
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), async (seed) => {
      const authority = generateSyntheticAuthority({ seed, firstYear: 2017, lastYear: 2025, entriesPerMonth: 16 });
      const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
      const { report } = calibrate(imported, { priorModel: prior, priorWeight: WEIGHT, referenceWindow: { fromYear: 2017, toYear: 2025 } });
      const failures: string[] = [];
      for (const row of report.rows) {
        if (row.observations < 300) continue;
        const truthRow = truth.transitions[row.band][row.state];
        const priorRow = prior.transitions[row.band][row.state];
        const partial = row.partialObservations > 0;
        for (const rate of row.rates) {
          // A partly observed row (after leaving care) reveals only returns to care; the rest follows the prior's shape.
          if (partial && (rate.to === row.state || !['kinship_foster', 'inhouse_foster', 'ifa_foster', 'residential'].includes(rate.to))) continue;
          const p = truthRow[rate.to] ?? 0;
          // Rare moves (under 20 expected events) are not judged on a normal bound: re-entries from
          // home come in repeated spells of the same children, so their counts are overdispersed.
          if (p * row.observations < 20) continue;
          const limit = bound(p, row.observations, priorRow[rate.to] ?? 0);
          checked += 1;
          if (Math.abs(rate.estimate - p) > limit) failures.push(`${row.band} ${row.state} → ${rate.to}: ${rate.estimate} vs ${p} (n ${row.observations}, limit ${limit})`);
        }
      }
      // Leaving care at 18: staying put (E17) and supported lodgings (E5) are told apart; E6 leaves EET unknown, so only the sum is compared.
      for (const at18 of report.ageTransitions.filter((a) => a.observations >= 100)) {
        const truthRule = truth.ageTransitions!.find((a) => a.atAgeYears === 18 && a.from.join(',') === at18.state)!;
        const priorRule = prior.ageTransitions!.find((a) => a.atAgeYears === 18 && a.from.join(',') === at18.state)!;
        const estimate = Object.fromEntries(at18.rates.map((r) => [r.to, r.estimate]));
        const compare = (name: string, p: number, e: number, pi: number) => {
          checked += 1;
          if (Math.abs(e - p) > bound(p, at18.observations, pi)) failures.push(`18 ${at18.state} → ${name}: ${e} vs ${p}`);
        };
        for (const to of ['staying_put', 'supported_lodgings', 'adult_custody']) compare(to, truthRule.to[to] ?? 0, estimate[to] ?? 0, priorRule.to[to] ?? 0);
        const independent = (row: Record<string, number>) => (row.independent_eet ?? 0) + (row.independent_neet ?? 0);
        compare('independent', independent(truthRule.to), independent(estimate), independent(priorRule.to));
      }
      for (const moves of report.withinStateMoves.filter((m) => m.personMonths >= 1000)) {
        const p = truth.states.find((s) => s.id === moves.state)!.withinStatePlacementMoves!;
        checked += 1;
        if (Math.abs(moves.estimate - p) > bound(p, moves.personMonths, moves.prior ?? 0)) failures.push(`moves within ${moves.state}: ${moves.estimate} vs ${p}`);
      }
      // Entrants: a Poisson stream of 16 a month.
      const expected = 16 * report.entries.months;
      checked += 1;
      if (Math.abs(report.entries.total - expected) > 4.5 * Math.sqrt(expected)) failures.push(`entries ${report.entries.total} vs ${expected}`);
      if (failures.length) throw new Error(`seed ${seed}:\n${failures.join('\n')}`);
    }),
    // A fixed seed: the same three authorities on every run, so CI never meets a new tail case.
    { numRuns: 3, seed: 20261124 },
  );
  t.ok(checked > 200, `${checked} rates compared with the truth`);
});

t.test('a smaller authority gets wider intervals and lower concentrations', async (t) => {
  const estimates = [];
  for (const entriesPerMonth of [3, 24]) {
    const authority = generateSyntheticAuthority({ seed: 7, firstYear: 2020, lastYear: 2025, entriesPerMonth });
    const imported = await importSsda903(authority.files, { pseudonymKey: 'k' });
    const { model, report } = calibrate(imported, { priorModel: prior });
    const row = report.rows.find((r) => r.band === '10-15' && r.state === 'ifa_foster')!;
    const rate = row.rates.find((r) => r.to === 'returned_home')!;
    estimates.push({ width: rate.upper - rate.lower, concentration: model.rateUncertainty!.rowConcentration!['10-15'].ifa_foster, n: row.observations, priorWeight: row.priorWeight });
  }
  const [small, large] = estimates;
  t.ok(small.n < large.n, `fewer months observed (${small.n} < ${large.n})`);
  // The prior's pseudo-count is w = 60 plus the floor the revealable destinations share (at most 1/2).
  t.ok(small.priorWeight >= 60 && small.priorWeight <= 60.5, `prior pseudo-count ${small.priorWeight}: 60 plus at most the floor`);
  t.ok(Math.abs(small.concentration - (small.n + small.priorWeight)) < 1e-3, 'concentration = n + prior pseudo-count');
  t.ok(small.concentration < large.concentration, 'the engine draws the small authority’s rows more widely');
  t.ok(small.width > large.width * 1.5, `the interval is wider (${small.width.toFixed(4)} vs ${large.width.toFixed(4)})`);
});
