import fc from 'fast-check';
import t from 'tap';
import { COMPLEMENT, feasibleDomains, type Relation, SMALL_COUNT } from '../../src/export/disclosure.ts';
import { type Cell, type MeasureDefinition, type MeasureResult, SCORECARD_MEASURES } from '../../src/outcomes/scorecard.ts';
import { protectShare, protectWorkforce, shownCells } from '../../src/services/scorecard.ts';

/**
 * Issue 17 review, finding 1: one looked-after child in a team showed the board "0 of <5" for
 * placed over 20 miles, three or more placements and without a key worker: that every one of
 * those 1-4 children is placed within 20 miles, had fewer than three placements, has a key
 * worker. A numerator over a denominator of 1-4 is now "<5" whatever it is, 0 included.
 */
const cell = (numerator: number, denominator: number): Cell => ({ numerator, denominator, value: denominator > 0 ? (100 * numerator) / denominator : null, people: denominator });

t.test('the review case: a team of one child shows "<5 of <5", never "0 of <5"', async (t) => {
  // Review team (1 child, within 20 miles), North (40, 9 over 20 miles), no team (0), organisation.
  const shown = protectShare([cell(0, 1), cell(9, 40), cell(0, 0), cell(9, 41)]);
  t.equal(shown.denominators[0], SMALL_COUNT);
  t.equal(shown.numerators[0], SMALL_COUNT, 'the 0 over "<5" is shown "<5"');
  t.equal(shown.numerators[2], 0, 'an empty group’s 0 of 0 is still shown');
  // The 0 is not given away by the organisation: 9 = North + Review; North's 9 or the total is hidden.
  t.ok(typeof shown.numerators[1] === 'string' || typeof shown.numerators[3] === 'string', `the team sum does not pin the 0: ${JSON.stringify(shown)}`);
  const workforce = protectWorkforce([cell(0, 1), cell(3, 40), cell(0, 0), cell(3, 41)], [cell(1, 1), cell(37, 3), cell(0, 0), cell(38, 4)]);
  t.equal(workforce.withoutDenominator[0], SMALL_COUNT);
  t.equal(workforce.withoutNumerator[0], SMALL_COUNT, 'without a key worker: "<5 of <5", not "0 of <5"');
});

t.test('property: no shown numerator over a "<5" denominator, and the reader cannot pin a hidden 0', async (t) => {
  fc.assert(
    fc.property(
      fc.array(
        fc.integer({ min: 0, max: 12 }).chain((d) => fc.tuple(fc.integer({ min: 0, max: d }), fc.constant(d))),
        { minLength: 1, maxLength: 5 },
      ),
      (teams) => {
        const cells = [...teams.map(([n, d]) => cell(n, d))];
        const total = cell(
          teams.reduce((a, [n]) => a + n, 0),
          teams.reduce((a, [, d]) => a + d, 0),
        );
        cells.push(total);
        const shown = protectShare(cells);
        const k = cells.length;
        for (let i = 0; i < k; i++) if (shown.denominators[i] === SMALL_COUNT && typeof shown.numerators[i] === 'number') return false;
        // The reader's system: numerators, denominators, differences; team sums and n + diff = d.
        const values = [...cells.map((c) => c.numerator), ...cells.map((c) => c.denominator), ...cells.map((c) => c.denominator - c.numerator)];
        const marks = [...shown.numerators, ...shown.denominators].map((s) => (typeof s === 'string' ? s : null));
        for (let i = 0; i < k; i++) marks.push(marks[i] || marks[k + i] ? (values[2 * k + i] > 0 && values[2 * k + i] < 5 ? '<5' : 'c') : null);
        const sum = (o: number): Relation => ({ parts: Array.from({ length: k - 1 }, (_, i) => o + i), total: o + k - 1 });
        const relations: Relation[] = [sum(0), sum(k), sum(2 * k), ...cells.map((_, i) => ({ parts: [i, 2 * k + i], total: k + i }))];
        const smallOrZero = values.map((_, i) => i < k && marks[k + i] === SMALL_COUNT);
        const domains = feasibleDomains(values, marks as Array<'<5' | 'c' | null>, relations, undefined, smallOrZero);
        if (!domains) return false;
        // A numerator of 0 shown "<5" must keep at least one other value possible.
        for (let i = 0; i < k; i++) if (smallOrZero[i] && values[i] === 0 && JSON.stringify(domains[i]) === '[[0,0]]') return false;
        return true;
      },
    ),
    { numRuns: 300, seed: 17 },
  );
  t.pass('300 random team sets');
});

t.test('review of 1 December: a key-worker count beside "<5" children is withheld (4 key workers say 4 children), and then the organisation’s too', async (t) => {
  // Team G: 4 children, each with a key worker of their own (KW90001-KW90004); North: 37 children
  // with a key worker over 5 key workers, 3 without; no team: none; organisation last.
  const workforce = protectWorkforce([cell(0, 4), cell(3, 40), cell(0, 0), cell(3, 44)], [cell(4, 4), cell(37, 5), cell(0, 0), cell(41, 9)]);
  t.equal(workforce.caseloadNumerator[0], SMALL_COUNT, 'team G’s children with a key worker: "<5"');
  t.equal(workforce.caseloadDenominator[0], COMPLEMENT, 'its 4 key workers are withheld: every key worker has a child, so 4 would say 4 children');
  t.equal(workforce.caseloadDenominator[3], COMPLEMENT, 'the organisation’s 9 is withheld: 9 − North’s 5 would say team G has 4 or more key workers');
  workforce.caseloadNumerator.forEach((k, i) => {
    if (typeof k === 'string') t.equal(typeof workforce.caseloadDenominator[i], 'string', `cell ${i}: a hidden count of children has its key workers withheld`);
  });
  // Nothing small: every figure shown, key workers included.
  const all = protectWorkforce([cell(6, 40), cell(7, 40), cell(0, 0), cell(13, 80)], [cell(34, 5), cell(33, 6), cell(0, 0), cell(67, 11)]);
  t.same(all.caseloadDenominator, [5, 6, 0, 11], 'with no hidden children every key-worker count is shown');
});

t.test('no "c of 0": a withheld count beside a shown 0 is shown 0 (review of 2 December, finding 4)', async (t) => {
  // Teams A (2 of 40 without a key worker) and B (1 of 3), nobody with no team, the organisation.
  // protectWorkforce withholds the empty group's 0 as a complement ("c"), beside its denominator 0.
  const without = [cell(2, 40), cell(1, 3), cell(0, 0), cell(3, 43)];
  const caseload = [cell(38, 4), cell(2, 1), cell(0, 0), cell(40, 5)];
  const marks = protectWorkforce(without, caseload);
  t.equal(marks.withoutNumerator[2], COMPLEMENT, 'the protection itself marks it');
  t.equal(marks.withoutDenominator[2], 0);
  const definitions = new Map(SCORECARD_MEASURES.map((d) => [d.id, d]));
  const result = (id: string, cells: Cell[]): MeasureResult => {
    const definition = definitions.get(id) as MeasureDefinition;
    return { definition, thresholds: definition.defaults, teams: cells.slice(0, 2), unassigned: cells[2], organisation: cells[3], trend: [] };
  };
  const shown = shownCells([result('without_key_worker', without), result('caseload_per_key_worker', caseload)], true);
  const noTeam = shown.get('without_key_worker')?.now[2];
  t.same([noTeam?.numerator, noTeam?.denominator, noTeam?.value], [0, 0, null], 'shown 0 of 0, no figure');
  // Elsewhere the marks stand: team B's 1 of 3 is "<5 of <5".
  const b = shown.get('without_key_worker')?.now[1];
  t.same([b?.numerator, b?.denominator], [SMALL_COUNT, SMALL_COUNT]);
});
