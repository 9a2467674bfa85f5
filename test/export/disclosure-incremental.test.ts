import fc from 'fast-check';
import t from 'tap';
import { COMPLEMENT, derivableFigures, feasibleDomains, HiddenSystem, type Relation, SMALL_COUNT, type SuppressionMark } from '../../src/export/disclosure.ts';

/**
 * The shortcuts the board's protection takes in its trials (one hidden figure shown at a time,
 * src/services/scorecard.ts showTotalsWhereSafe and dropRedundantComplements) give exactly what
 * working it out afresh gives: HiddenSystem.showing against derivableFigures, and
 * feasibleDomains started from the domains of a mark that hid more against starting afresh.
 * Random tables: a few vectors of team cells with their totals, tied by relations between
 * vectors (as a numerator, a difference and a denominator are), whole-number counts.
 */

const system = fc
  .record({
    vectors: fc.integer({ min: 1, max: 4 }),
    cells: fc.integer({ min: 2, max: 5 }),
    links: fc.integer({ min: 0, max: 3 }),
    seed: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 60, maxLength: 60 }),
  })
  .map(({ vectors, cells, links, seed }) => {
    const values: number[] = [];
    const relations: Relation[] = [];
    let s = 0;
    const next = () => seed[s++ % seed.length];
    for (let v = 0; v < vectors; v++) {
      const offset = values.length;
      const parts = Array.from({ length: cells - 1 }, () => next());
      values.push(...parts, parts.reduce((a, b) => a + b, 0));
      relations.push({ parts: parts.map((_, i) => offset + i), total: offset + cells - 1 });
    }
    // a + b = c across vectors, cell by cell (c the sum, so the values fit every relation).
    for (let l = 0; l < links && vectors >= 2; l++) {
      const a = l % vectors;
      const b = (l + 1) % vectors;
      const offset = values.length;
      for (let i = 0; i < cells; i++) values.push(values[a * cells + i] + values[b * cells + i]);
      relations.push({ parts: Array.from({ length: cells - 1 }, (_, i) => offset + i), total: offset + cells - 1 });
      for (let i = 0; i < cells; i++) relations.push({ parts: [a * cells + i, b * cells + i], total: offset + i });
    }
    return { values, relations };
  })
  .chain(({ values, relations }) =>
    fc.record({
      values: fc.constant(values),
      relations: fc.constant(relations),
      // Each figure: shown (0), or hidden (1: as its value says, "<5" for 1-4, else "c").
      hidden: fc.array(fc.boolean(), { minLength: values.length, maxLength: values.length }),
      order: fc.shuffledSubarray(
        values.map((_, i) => i),
        { minLength: 1 },
      ),
    }),
  );

const markOf = (values: number[], hidden: boolean[]): Array<SuppressionMark | null> => values.map((v, i) => (hidden[i] ? (v > 0 && v < 5 ? SMALL_COUNT : COMPLEMENT) : null));

t.test('HiddenSystem.showing: showing hidden figures one by one gives derivableFigures of the smaller hidden set', async (t) => {
  fc.assert(
    fc.property(system, ({ values, relations, hidden, order }) => {
      let incremental = new HiddenSystem(values, hidden, relations);
      const now = hidden.slice();
      if (JSON.stringify(incremental.derivable()) !== JSON.stringify(derivableFigures(values, now, relations))) return false;
      for (const i of order) {
        incremental = incremental.showing(i);
        now[i] = false;
        if (JSON.stringify(incremental.derivable()) !== JSON.stringify(derivableFigures(values, now, relations))) return false;
      }
      return true;
    }),
    { numRuns: 400 },
  );
  t.pass('400 random tables');
});

t.test('feasibleDomains from the domains of a mark that hid more equals feasibleDomains afresh', async (t) => {
  fc.assert(
    fc.property(system, ({ values, relations, hidden, order }) => {
      let mark = markOf(values, hidden);
      let domains = feasibleDomains(values, mark, relations);
      for (const i of order) {
        if (domains === null) return true;
        const next = mark.slice();
        next[i] = null;
        const warm = feasibleDomains(values, next, relations, undefined, undefined, { mark, domains });
        const cold = feasibleDomains(values, next, relations);
        if (JSON.stringify(warm) !== JSON.stringify(cold)) return false;
        mark = next;
        domains = warm;
      }
      return true;
    }),
    { numRuns: 400 },
  );
  t.pass('400 random tables');
});

t.test('the hand case: a + b = 7 and b + c = 9 with b shown after a, from (b, c) hidden', async (t) => {
  // Figures: a 3, b 4, c 5, the two totals 7 and 9 shown.
  const values = [3, 4, 5, 7, 9];
  const relations: Relation[] = [
    { parts: [0, 1], total: 3 },
    { parts: [1, 2], total: 4 },
  ];
  const all = new HiddenSystem(values, [true, true, true, false, false], relations);
  t.same(all.derivable(), [], 'two equations, three unknowns: none pinned');
  t.same(all.showing(1).derivable(), [0, 2], 'b shown: a = 7 - 4 and c = 9 - 4');
  t.same(all.showing(0).derivable(), [1, 2], 'a shown: b = 4, then c = 5');
  t.same(all.showing(3).derivable(), [], 'a shown figure: nothing changes');
  const mark: Array<SuppressionMark | null> = [SMALL_COUNT, SMALL_COUNT, COMPLEMENT, null, null];
  const before = feasibleDomains(values, mark, relations);
  t.same(before?.[0], [[3, 4]], 'a + b = 7 with both 1-4: each 3-4');
  const shownB: Array<SuppressionMark | null> = [SMALL_COUNT, null, COMPLEMENT, null, null];
  t.same(feasibleDomains(values, shownB, relations, undefined, undefined, { mark, domains: before as NonNullable<typeof before> }), [[[3, 3]], [[4, 4]], [[5, 5]], [[7, 7]], [[9, 9]]]);
});
