import t from 'tap';
import { PlacesFolder, histogramQuantile } from '../../src/simulation/places-fold.ts';
import { LIMIT_FIELDS, type SharedPlaces } from '../../src/simulation/places.ts';

/**
 * src/simulation/places-fold.ts (issue 13, mutation testing): PlacesFolder on place figures
 * written by hand, three runs, three months, worked by hand below. No simulation: the blocks
 * addRun reads are laid out as places.ts writes them (per limit: occupancy [months], waiting
 * [months], the LIMIT_FIELDS counts; then per service, places started by financial year).
 * Each test names the mutants it kills; survivors no input can tell apart are in
 * test/pinned/MUTATION-SURVIVORS.md.
 */

const MONTHS = 3;
const N_FY = 2;
const RUNS = 3;
const STRIDE = 2 * MONTHS + LIMIT_FIELDS;

const offer = (bit: number, placesByYear: number[]) => ({ bit, placesByYear, firstMonth: 0, eligible: new Uint8Array(4), minAgeMonths: 0, maxAgeMonths: 216 });

/**
 * Baseline: one limit, state 1 (no places given: capacity 0) overflowing to 2, nobody waits; no services.
 * Strategy: limit B, state 1 → 2 with waiting, places 2.7 then 4 (floored: 2, 4); limit C, state 3 → 0,
 * places 5 carried on; services bit 1 (places 3.5 then 1) and bit 7 (no places; no id, so "7").
 */
const variants: SharedPlaces[] = [
  { limits: [{ state: 1, overflow: 2, placesByYear: [], waiting: false }], offers: [], priority: 'longest_waiting' },
  {
    limits: [
      { state: 1, overflow: 2, placesByYear: [2.7, 4], waiting: true },
      { state: 3, overflow: 0, placesByYear: [5], waiting: false },
    ],
    offers: [offer(1, [3.5, 1]), offer(7, [])],
    priority: 'longest_waiting',
  },
];

/** One limit's block for a run: occupancy by month, waiting by month, the six counts (the last is overflow pence). */
const limitBlock = (occupancy: number[], waiting: number[], fields: number[]) => [...occupancy, ...waiting, ...fields];

/**
 * Run r's figures (r = 0, 1, 2):
 *   A (baseline)  occupancy t0 1,1,1; t1 0,3,1; t2 2,2,5; waiting t0 1,2,3; t1 0,0,3; t2 3,3,3;
 *                 counts r0 (1,2,4,5,7), r1 (2,1,8,4,7), r2 (0,3,0,6,7); overflow pence 10,000, 25,000, 1,000
 *   B (strategy)  occupancy t + r; waiting (t + 1) r; counts (r, 2r, 3r, 4r, 5r); overflow pence 100 (r + 1)
 *   C (strategy)  occupancy 7; waiting 0; counts 0
 *   services      bit 1 used y0 1,2,3, y1 0,0,3; bit 7 used y0 4,4,4, y1 0,3,6
 */
function blocks(r: number): number[][] {
  const a = limitBlock([1, [0, 3, 1][r], [2, 2, 5][r]], [[1, 2, 3][r], [0, 0, 3][r], 3], [[1, 2, 4, 5, 7], [2, 1, 8, 4, 7], [0, 3, 0, 6, 7]][r].concat([10_000, 25_000, 1_000][r]));
  const b = limitBlock([0 + r, 1 + r, 2 + r], [r, 2 * r, 3 * r], [r, 2 * r, 3 * r, 4 * r, 5 * r, 100 * (r + 1)]);
  const c = limitBlock([7, 7, 7], [0, 0, 0], [0, 0, 0, 0, 0, 0]);
  const used = [[1, 2, 3][r], [0, 0, 3][r], 4, [0, 3, 6][r]];
  return [a, [...b, ...c, ...used]];
}

/** Both variants' blocks in one vector, after five decoy cells (base is not 0) and before three. */
function folded(): PlacesFolder {
  const folder = new PlacesFolder(variants, MONTHS, N_FY, RUNS);
  for (let r = 0; r < RUNS; r++) {
    const [a, s] = blocks(r);
    const stats = Float64Array.from([999, 999, 999, 999, 999, ...a, ...s, 999, 999, 999]);
    folder.addRun(r, 0, stats, 5);
    folder.addRun(r, 1, stats, 5 + a.length);
  }
  return folder;
}

t.test('the blocks are laid out as places.ts writes them', async (t) => {
  const [a, s] = blocks(0);
  t.equal(a.length, STRIDE);
  t.equal(s.length, 2 * STRIDE + 2 * N_FY);
});

t.test('finish(): occupancy by month, waiting, the counts and the overflow cost, by limit and variant', async (t) => {
  // Start month 2 (February) of financial year 2026-27: months 0 and 1 are in 2026-27, month 2
  // (April) in 2027-28; fyOf(t) = ⌊(1 + t + 9)/12⌋ − ⌊10/12⌋ = 0, 0, 1.
  // Occupancy over 3 runs (quantileSorted: h = 2q; P10 = x₀ + 0.2(x₁ − x₀), P50 = x₁, P90 = x₁ + 0.8(x₂ − x₁)):
  //   A t1 sorted 0, 1, 3: mean 4/3, P10 0.2, P50 1, P90 2.6; t2 sorted 2, 2, 5: mean 3, 2, 2, 4.4.
  //   B t: sorted t, t + 1, t + 2: mean t + 1, P10 t + 0.2, P50 t + 1, P90 t + 1.8.
  // Counts: means of the runs' counts, A 3/3, 6/3, 12/3, 15/3, 21/3 = 1, 2, 4, 5, 7; B 1, 2, 3, 4, 5.
  // Overflow cost, A: pence 10,000, 25,000, 1,000 (sorted 1,000, 10,000, 25,000): mean 12,000 = £120,
  // P10 1,000 + 0.2 × 9,000 = 2,800 = £28, P50 £100, P90 10,000 + 0.8 × 15,000 = 22,000 = £220
  // (unsorted, P10 would be 13,000). B: 100, 200, 300: £2, £1.20, £2, £2.80.
  // Kills: fyOf's `startMonth − 1`, `+ 9`, `/ 12`; the stride and offsets of addRun (`k × stride`,
  // `at + months + t`, `at + 2 × months + f`, the overflow pence cell), the histogram's count
  // `?? 0` and `+ 1`, the mean `value × count / runs`, field(f) `months + f`, `/ runs`, the
  // cost's sort and mean, `v === 0 ? 'baseline'`, `yearly` (`length === 0 ? 0`, `Math.min`).
  const result = folded().finish(['a', 'b', 'c', 'd'], 2026, 2, ['mst', 'fft']);
  const near = (x: number) => Math.round(x * 1e12) / 1e12;
  const months = (limit: (typeof result.limits)[number]) =>
    limit.occupancyByMonth.map((m) => [m.month, m.financialYear, m.capacity, near(m.occupied.mean), near(m.occupied.p10), m.occupied.p50, near(m.occupied.p90), m.waiting]);
  t.equal(result.limits.length, 3);
  const [A, B, C] = result.limits;
  t.same([A.variant, A.state, A.overflowTo, A.waiting], ['baseline', 'b', 'c', false]);
  t.same(months(A), [
    [0, '2026-27', 0, 1, 1, 1, 1, 2],
    [1, '2026-27', 0, near(4 / 3), 0.2, 1, 2.6, 1],
    [2, '2027-28', 0, 3, 2, 2, 4.4, 3],
  ]);
  t.same([A.refused, A.waited, A.monthsWaited, A.placedFromWaiting, A.overflowMonths], [1, 2, 4, 5, 7]);
  t.same(A.overflowCost, { mean: 120, p10: 28, p50: 100, p90: 220 });

  t.same([B.variant, B.state, B.overflowTo, B.waiting], ['strategy', 'b', 'c', true]);
  t.same(months(B), [
    [0, '2026-27', 2, 1, 0.2, 1, 1.8, 1],
    [1, '2026-27', 2, 2, 1.2, 2, 2.8, 2],
    [2, '2027-28', 4, 3, 2.2, 3, 3.8, 3],
  ]);
  t.same([B.refused, B.waited, B.monthsWaited, B.placedFromWaiting, B.overflowMonths], [1, 2, 3, 4, 5]);
  t.same(B.overflowCost, { mean: 2, p10: 1.2, p50: 2, p90: 2.8 });

  t.same([C.variant, C.state, C.overflowTo, C.waiting], ['strategy', 'd', 'a', false]);
  t.same(months(C), [
    [0, '2026-27', 5, 7, 7, 7, 7, 0],
    [1, '2026-27', 5, 7, 7, 7, 7, 0],
    [2, '2027-28', 5, 7, 7, 7, 7, 0],
  ]);
  t.same([C.refused, C.waited, C.monthsWaited, C.placedFromWaiting, C.overflowMonths], [0, 0, 0, 0, 0]);
  t.same(C.overflowCost, { mean: 0, p10: 0, p50: 0, p90: 0 });
});

t.test('finish(): the strategy’s commissioned places by financial year', async (t) => {
  // Bit 1 is `fft` (ids by bit: mst, fft); bit 7 has no id and is named "7". Places 3.5 → 3, then 1;
  // no places → 0. Used: means over runs, (1 + 2 + 3)/3 = 2, 3/3 = 1; 12/3 = 4, 9/3 = 3.
  // Kills: `interventionIds[offer.bit] ?? String(offer.bit)`, `variants.length − 1`, the offers'
  // offset (`limits.length × stride`) and `o × nFy + y`, `used / runs`, `yearly`'s carry-on.
  const result = folded().finish(['a', 'b', 'c', 'd'], 2026, 2, ['mst', 'fft']);
  t.same(result.commissioned, [
    {
      intervention: 'fft',
      byYear: [
        { financialYear: '2026-27', places: 3, used: 2 },
        { financialYear: '2027-28', places: 1, used: 1 },
      ],
    },
    {
      intervention: '7',
      byYear: [
        { financialYear: '2026-27', places: 0, used: 4 },
        { financialYear: '2027-28', places: 0, used: 3 },
      ],
    },
  ]);
});

t.test('finish(): a projection starting in April keeps twelve months to a financial year', async (t) => {
  // Start month 4, 14 months: fyOf(t) = ⌊(3 + t + 9)/12⌋ − 1 = ⌊t/12⌋: months 0-11 in 2026-27,
  // 12-13 in 2027-28. Kills `+ 9` → `− 9` (⌊(t − 6)/12⌋ + 1 moves months 6-11 a year on) at the
  // service's own start month.
  const folder = new PlacesFolder([variants[0]], 14, 2, 1);
  folder.addRun(0, 0, new Float64Array(2 * 14 + LIMIT_FIELDS), 0);
  const years = folder.finish(['a', 'b', 'c', 'd'], 2026, 4, []).limits[0].occupancyByMonth.map((m) => m.financialYear);
  t.same(years, [...Array(12).fill('2026-27'), '2027-28', '2027-28']);
});

t.test('histogramQuantile: interpolates between whole values held as counts', async (t) => {
  // Values 0 ×2, 4 ×1, 10 ×1 (n = 4), inserted out of order: sorted 0, 0, 4, 10.
  //   q = 0: 0; q = 0.5: h = 1.5, 0 + 0.5 × 4 = 2; q = 0.9: h = 2.7, 4 + 0.7 × 6 = 8.2; q = 1: 10.
  // No values: NaN. Kills: the sort (and its comparator `a − b`), `index < seen` → `<=`,
  // `seen += counts`, `n === 0`, `(n − 1) × q`, `Math.floor`.
  const counts = new Map([
    [10, 1],
    [0, 2],
    [4, 1],
  ]);
  t.equal(histogramQuantile(counts, 4, 0), 0);
  t.equal(histogramQuantile(counts, 4, 0.5), 2);
  t.equal(Math.round(histogramQuantile(counts, 4, 0.9) * 1e12) / 1e12, 8.2);
  t.equal(histogramQuantile(counts, 4, 1), 10);
  t.equal(histogramQuantile(counts, 4, 0.25), 0, 'h = 0.75 between the two zeros');
  t.ok(Number.isNaN(histogramQuantile(new Map(), 0, 0.5)));
});
