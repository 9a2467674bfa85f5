import fc from 'fast-check';
import t from 'tap';
import { COMPLEMENT, type Relation, SMALL_COUNT, derivableFigures, protectCounts, showCount } from '../../src/export/disclosure.ts';

t.test('counts of 1 to 4 are shown as <5; zeros and counts of 5 or more are shown rounded', async (t) => {
  t.same([0, 0.2, 1, 4, 4.6, 5, 5.4, 37.5].map(showCount), [0, SMALL_COUNT, SMALL_COUNT, SMALL_COUNT, SMALL_COUNT, 5, 5, 38]);
});

t.test('a hidden count beside a shown total takes a second figure with it', async (t) => {
  // 3 + 7 + 12 = 22. With 3 hidden, 22 - 7 - 12 would give it away: the next smallest (7) goes too.
  t.same(protectCounts({ values: [3, 7, 12, 22], relations: [{ parts: [0, 1, 2], total: 3 }] }), [SMALL_COUNT, COMPLEMENT, 12, 22]);
  // A zero part is a weak complement (a known zero protects nothing): a non-zero one is chosen.
  t.same(protectCounts({ values: [2, 0, 9, 11], relations: [{ parts: [0, 1, 2], total: 3 }] }), [SMALL_COUNT, 0, COMPLEMENT, 11]);
  // Nothing else in the row: the total itself is hidden.
  t.same(protectCounts({ values: [3, 3], relations: [{ parts: [0], total: 1 }] }), [SMALL_COUNT, SMALL_COUNT]);
  // Part and total both small: hidden together, they protect each other (x + 0 = T, neither known).
  t.same(protectCounts({ values: [3, 0, 3], relations: [{ parts: [0, 1], total: 2 }] }), [SMALL_COUNT, 0, SMALL_COUNT]);
  // No small count: nothing hidden.
  t.same(protectCounts({ values: [6, 7, 13], relations: [{ parts: [0, 1], total: 2 }] }), [6, 7, 13]);
});

t.test('a difference is never hidden for its own sake, only to protect a count', async (t) => {
  // Outcome: baseline 3, difference +4, strategy 7. Baseline + difference = strategy.
  const relation = { parts: [0, 1], total: 2 };
  t.same(protectCounts({ values: [3, 4, 7], isCount: [true, false, true], relations: [relation] }), [SMALL_COUNT, COMPLEMENT, 7]);
  t.same(protectCounts({ values: [9, -2, 7], isCount: [true, false, true], relations: [relation] }), [9, -2, 7], 'a small difference alone is shown');
});

t.test('a table with row, column and grand totals: the classic pattern of four hidden cells', async (t) => {
  //        c1  c2  c3 | total
  //  r1     3  10  20 |    33
  //  r2     8  15  30 |    53
  //  total 11  25  50 |    86
  const values = [3, 10, 20, 8, 15, 30, 33, 53, 11, 25, 50, 86];
  const relations: Relation[] = [
    { parts: [0, 1, 2], total: 6 },
    { parts: [3, 4, 5], total: 7 },
    { parts: [0, 3], total: 8 },
    { parts: [1, 4], total: 9 },
    { parts: [2, 5], total: 10 },
    { parts: [6, 7], total: 11 },
    { parts: [8, 9, 10], total: 11 },
  ];
  const shown = protectCounts({ values, relations });
  t.same(shown, [SMALL_COUNT, COMPLEMENT, 20, COMPLEMENT, COMPLEMENT, 30, 33, 53, 11, 25, 50, 86]);
  t.same(
    derivableFigures(
      values,
      shown.map((s) => typeof s === 'string'),
      relations,
    ),
    [],
    'a + b = 13, c + d = 23, a + c = 11, b + d = 25 has a free parameter: no hidden cell is determined',
  );
});

t.test('derivableFigures finds a figure pinned by a chain of relations, not by any one of them', async (t) => {
  // a + b = c, b + d = e, c + d = f with a, b, c, d hidden and e = 9, f = 14 shown:
  // a = c - b = (f - d) - (e - d) = f - e = 5. Every relation has two hidden members or more.
  const values = [5, 4, 9, 5, 9, 14];
  const hidden = [true, true, true, true, false, false];
  const relations = [
    { parts: [0, 1], total: 2 },
    { parts: [1, 3], total: 4 },
    { parts: [2, 3], total: 5 },
  ];
  t.same(derivableFigures(values, hidden, relations), [0]);
  // protectCounts does not stop at the single-relation rule: it hides more until nothing is determined.
  const shown = protectCounts({ values: [2, 4, 6, 5, 9, 14], relations });
  const stillHidden = shown.map((s) => typeof s === 'string');
  t.same(derivableFigures([2, 4, 6, 5, 9, 14], stillHidden, relations), []);
});

// ---- Property: random count tables -------------------------------------------------------------

/** Exact rank over the rationals (fraction-free Bareiss elimination on BigInt), independent of the implementation's floating elimination. */
function exactRank(matrix: number[][]): number {
  const m = matrix.map((row) => row.map((x) => BigInt(x)));
  const rows = m.length;
  const cols = rows > 0 ? m[0].length : 0;
  let rank = 0;
  let previous = 1n;
  for (let c = 0; c < cols && rank < rows; c++) {
    const pivot = m.findIndex((row, i) => i >= rank && row[c] !== 0n);
    if (pivot < 0) continue;
    [m[rank], m[pivot]] = [m[pivot], m[rank]];
    for (let i = rank + 1; i < rows; i++) {
      for (let j = c + 1; j < cols; j++) m[i][j] = (m[rank][c] * m[i][j] - m[i][c] * m[rank][j]) / previous;
      m[i][c] = 0n;
    }
    previous = m[rank][c];
    rank++;
  }
  return rank;
}

/** Hidden figure j is determined when adding the unit vector e_j to the system does not raise its rank. */
function determinedByRank(values: number[], hidden: boolean[], relations: Relation[]): number[] {
  const unknowns = values.map((_, i) => i).filter((i) => hidden[i]);
  const matrix = relations
    .map((r) => unknowns.map((u) => r.parts.filter((p) => p === u).length - (r.total === u ? 1 : 0)))
    .filter((row) => row.some((x) => x !== 0));
  const base = exactRank(matrix);
  return unknowns.filter((_, k) => exactRank([...matrix, unknowns.map((_, j) => (j === k ? 1 : 0))]) === base);
}

const countArbitrary = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 1, arbitrary: fc.double({ min: 0.01, max: 4.99, noNaN: true }) },
  { weight: 5, arbitrary: fc.integer({ min: 5, max: 60 }) },
  { weight: 1, arbitrary: fc.double({ min: 5, max: 60, noNaN: true }) },
);

/** A rows × columns table with row totals, column totals and a grand total, and their relations. */
const tableArbitrary = fc
  .record({ rows: fc.integer({ min: 1, max: 5 }), columns: fc.integer({ min: 1, max: 5 }) })
  .chain(({ rows, columns }) => fc.array(countArbitrary, { minLength: rows * columns, maxLength: rows * columns }).map((cells) => ({ rows, columns, cells })))
  .map(({ rows, columns, cells }) => {
    const rowTotals = Array.from({ length: rows }, (_, r) => cells.slice(r * columns, (r + 1) * columns).reduce((a, b) => a + b, 0));
    const columnTotals = Array.from({ length: columns }, (_, c) => cells.filter((_, i) => i % columns === c).reduce((a, b) => a + b, 0));
    const grand = rowTotals.reduce((a, b) => a + b, 0);
    const values = [...cells, ...rowTotals, ...columnTotals, grand];
    const rowTotal = (r: number) => rows * columns + r;
    const columnTotal = (c: number) => rows * columns + rows + c;
    const grandIndex = values.length - 1;
    const relations: Relation[] = [
      ...Array.from({ length: rows }, (_, r) => ({ parts: Array.from({ length: columns }, (_, c) => r * columns + c), total: rowTotal(r) })),
      ...Array.from({ length: columns }, (_, c) => ({ parts: Array.from({ length: rows }, (_, r) => r * columns + c), total: columnTotal(c) })),
      { parts: Array.from({ length: rows }, (_, r) => rowTotal(r)), total: grandIndex },
      { parts: Array.from({ length: columns }, (_, c) => columnTotal(c)), total: grandIndex },
    ];
    return { values, relations };
  });

t.test('property: in any count table no visible cell is under 5 and no hidden cell can be derived', async (t) => {
  fc.assert(
    fc.property(tableArbitrary, ({ values, relations }) => {
      const shown = protectCounts({ values, relations });
      const hidden = shown.map((s) => typeof s === 'string');
      // 1. Every figure left visible is a true zero or at least 5 (before rounding).
      for (let i = 0; i < values.length; i++) {
        if (!hidden[i] && values[i] > 0 && values[i] < 5) return false;
        if (hidden[i] === false && shown[i] !== Math.round(values[i])) return false;
      }
      // 2. No shown total leaves exactly one hidden figure to subtract out.
      for (const r of relations) if ([...r.parts, r.total].filter((i) => hidden[i]).length === 1) return false;
      // 3. No hidden figure is determined by the relations together (exact rational rank test).
      return determinedByRank(values, hidden, relations).length === 0;
    }),
    { numRuns: 400 },
  );
  t.pass('400 random tables with row, column and grand totals');
});

t.test('property: the in-care total over a subset of states protects each state', async (t) => {
  fc.assert(
    fc.property(fc.array(countArbitrary, { minLength: 2, maxLength: 21 }), fc.array(fc.boolean(), { minLength: 21, maxLength: 21 }), (states, inCare) => {
      const parts = states.map((_, k) => k).filter((k) => inCare[k]);
      const total = parts.reduce((sum, k) => sum + states[k], 0);
      const values = [...states, total];
      const relations = [{ parts, total: states.length }];
      const shown = protectCounts({ values, relations });
      const hidden = shown.map((s) => typeof s === 'string');
      if (values.some((v, i) => !hidden[i] && v > 0 && v < 5)) return false;
      return determinedByRank(values, hidden, relations).length === 0;
    }),
    { numRuns: 400 },
  );
  t.pass('400 random year-end tables');
});
