import t from 'tap';
import { derivableFigures, feasibleDomains, type Relation, type SuppressionMark } from '../../src/export/disclosure.ts';
import { dropRedundantComplements, protectLinkedShares } from '../../src/services/scorecard.ts';

/**
 * Review finding 8: one team of 2-3 looked-after children hid both looked-after teams' linked
 * measures in every quarter. protectCounts picks complements one relation at a time; the last
 * step (dropRedundantComplements) shows again each complement that protects nothing once the
 * others are chosen, so the board loses less and learns nothing more.
 */

t.test('dropRedundantComplements: a complement the others make unnecessary is shown, one that protects a "<5" is not', async (t) => {
  // Teams 3, 7 and 20 of an organisation's 30: the 3 is "<5", and a heuristic hid both the 7 and
  // the 20. With the 20 shown, 3 + 7 = 10 leaves the "<5" any of 1-4 (the 7 is then 6-9, a "c"
  // being 0 or at least 5), so the 20 protects nothing; the 7, shown, would give the 3 away.
  const values = [3, 7, 20, 30];
  const relations: Relation[] = [{ parts: [0, 1, 2], total: 3 }];
  t.same(dropRedundantComplements(values, [true, true, true, true], relations, ['<5', 'c', 'c', 30], [2, 1], new Set()), ['<5', 'c', 20, 30]);
  // Either one alone protects the 3, not both shown: they are tried in the order given (the
  // caller gives the largest first, the least information lost).
  t.same(dropRedundantComplements(values, [true, true, true, true], relations, ['<5', 'c', 'c', 30], [1, 2], new Set()), ['<5', 7, 'c', 30]);
  // Teams 3, 5 and 20 of 28: the 20 shown would leave 3 + 5 = 8 with the 5 a "c" (0 or 5 and
  // more), so 5-7, and the "<5" 1-3: refused. The 5 shown leaves the 20 as 19-22: shown.
  t.same(dropRedundantComplements([3, 5, 20, 28], [true, true, true, true], relations, ['<5', 'c', 'c', 28], [2, 1], new Set()), ['<5', 5, 'c', 28]);
  // A "c" that the shown 20 gives away (20 + a hidden 10 = a shown 30) is shown with it: the
  // reader has it either way, and the "<5" is still any of 1-4.
  t.same(
    dropRedundantComplements([3, 7, 20, 30, 10, 30], [true, true, true, true, true, true], [...relations, { parts: [2, 4], total: 5 }], ['<5', 'c', 'c', 30, 'c', 30], [2, 1, 4], new Set()),
    ['<5', 'c', 20, 30, 10, 30],
  );
  // Never a figure never shown (a difference), nor a "<5".
  t.same(dropRedundantComplements(values, [true, true, true, true], relations, ['<5', 'c', 'c', 30], [0, 2, 1], new Set([2])), ['<5', 7, 'c', 30]);
});

t.test('review finding 8: two children looked after in leaving care no longer hide both looked-after teams in all three linked measures', async (t) => {
  // The review finding 2 borough (test/teams/scorecard-cross-measure.test.ts): edge of care,
  // family support, CLA north, CLA south, leaving care, no team, then the organisation. Children
  // looked after at the period's end (three or more placements), of them distance known (placed
  // over 20 miles) and under 16 in care 2.5 years (long-term stability).
  const cells = (rows: Array<[number, number]>) => {
    const cs = rows.map(([numerator, denominator]) => ({ numerator, denominator, value: null, people: denominator }));
    const sum = (k: 'numerator' | 'denominator') => cs.reduce((s, c) => s + c[k], 0);
    return [...cs, { numerator: sum('numerator'), denominator: sum('denominator'), value: null, people: sum('denominator') }];
  };
  const three = cells([[0, 0], [0, 0], [13, 118], [17, 118], [0, 2], [0, 0]]);
  const distance = cells([[0, 0], [0, 0], [27, 112], [26, 111], [1, 2], [0, 0]]);
  const stability = cells([[0, 0], [0, 0], [33, 44], [36, 45], [1, 1], [0, 0]]);
  const shares = [three, distance, stability];
  const shown = protectLinkedShares(shares, [
    [0, 1],
    [0, 2],
  ]);
  // Before: both CLA teams' numerators and denominators in all three measures (12 complements).
  // Now 6: one team's cell in each measure (north's of three or more placements, 13 of 118, and
  // its denominator of distance known, 112, are shown; south's of long-term stability, 36 of 45).
  t.same(
    shown.map((s) => s.numerators),
    [
      [0, 0, 13, 'c', '<5', 0, 30],
      [0, 0, 'c', 'c', '<5', 0, 54],
      [0, 0, 'c', 36, '<5', 0, 70],
    ],
    'numerators',
  );
  t.same(
    shown.map((s) => s.denominators),
    [
      [0, 0, 118, 'c', '<5', 0, 238],
      [0, 0, 112, 'c', '<5', 0, 225],
      [0, 0, 'c', 45, '<5', 0, 90],
    ],
    'denominators',
  );

  // As the reader has it: numerators, denominators, their differences and the gaps between the
  // nested denominators, a difference or gap hidden ("<5" or "c" by its value) unless both its
  // figures are shown; a numerator over a "<5" denominator read as 0-4.
  const values: number[] = [];
  const mark: Array<SuppressionMark | null> = [];
  const smallOrZero: boolean[] = [];
  const relations: Relation[] = [];
  const vector = (figures: number[], marks: Array<SuppressionMark | null>, zeroOfFew = figures.map(() => false)) => {
    const o = values.length;
    values.push(...figures);
    mark.push(...marks);
    smallOrZero.push(...zeroOfFew);
    relations.push({ parts: figures.slice(0, -1).map((_, i) => o + i), total: o + figures.length - 1 });
    return o;
  };
  const markOf = (s: unknown) => (typeof s === 'string' ? (s as SuppressionMark) : null);
  const hiddenAs = (v: number, hidden: boolean): SuppressionMark | null => (hidden ? (v > 0 && v < 5 ? '<5' : 'c') : null);
  const den = shares.map((cs, m) => {
    const nm = shown[m].numerators.map(markOf);
    const dm = shown[m].denominators.map(markOf);
    const n = vector(
      cs.map((c) => c.numerator),
      nm,
      cs.map((c) => c.denominator > 0 && c.denominator < 5),
    );
    const d = vector(
      cs.map((c) => c.denominator),
      dm,
    );
    const diff = vector(
      cs.map((c) => c.denominator - c.numerator),
      cs.map((c, i) => hiddenAs(c.denominator - c.numerator, nm[i] !== null || dm[i] !== null)),
    );
    for (let i = 0; i < cs.length; i++) relations.push({ parts: [n + i, diff + i], total: d + i });
    return d;
  });
  for (const inner of [1, 2]) {
    const gap = vector(
      three.map((c, i) => c.denominator - shares[inner][i].denominator),
      three.map((c, i) => hiddenAs(c.denominator - shares[inner][i].denominator, mark[den[0] + i] !== null || mark[den[inner] + i] !== null)),
    );
    for (let i = 0; i < three.length; i++) relations.push({ parts: [den[inner] + i, gap + i], total: den[0] + i });
  }
  t.same(derivableFigures(values, mark.map((m) => m !== null), relations), [], 'no hidden figure can be worked out');
  // What the reader can tell of each "<5" (figure, value, what it can be): the same as with the
  // 12 complements, figure by figure. Leaving care's cells are small throughout (numerator +
  // difference = denominator, all "<5"), the rule's stated exception, which no hiding mends.
  const domains = feasibleDomains(values, mark, relations, undefined, smallOrZero);
  t.same(
    mark.flatMap((m, i) => (m === '<5' ? [[i, values[i], domains?.[i]]] : [])),
    [
      [4, 0, [[0, 3]]],
      [11, 2, [[2, 4]]],
      [18, 2, [[1, 4]]],
      [25, 1, [[0, 3]]],
      [32, 2, [[2, 4]]],
      [39, 1, [[1, 4]]],
      [46, 1, [[1, 3]]],
      [53, 1, [[1, 3]]],
      [74, 1, [[1, 3]]],
    ],
    'each "<5" is what it was with both teams hidden',
  );
});
