import fc from 'fast-check';
import t from 'tap';
import { derivableFigures, type Relation, smallCountsNarrowed } from '../../src/export/disclosure.ts';
import { computeScorecard, type ScorecardPerson, type ScorecardTeam } from '../../src/outcomes/scorecard.ts';
import { protectShare, shownCells } from '../../src/services/scorecard.ts';

/**
 * The board's scorecard must not let a hidden count be recovered by subtraction across the
 * measures that share a base. "Without a key worker" (w of n) and the caseload numerator (k
 * children with a key worker) satisfy w + k = n in every cell, and every vector's teams and
 * no-team group add up to the organisation.
 */

const teamsOf = (count: number): ScorecardTeam[] => Array.from({ length: count }, (_, i) => ({ id: `team-${i}`, name: `T${i}`, service: 'children_looked_after', annualBudget: null }));
const person = (teamId: string | null, keyWorkerReference: string | null): ScorecardPerson => ({ teamId, keyWorkerReference, weeklyCommitment: 0, history: { birthYear: 2010, birthMonth: 1, episodes: [] } });

function workforce(people: ScorecardPerson[], teams: ScorecardTeam[]) {
  const results = computeScorecard({ people, teams, thresholds: new Map(), asOf: '2026-03-31', quarters: 0 });
  const shown = shownCells(results, true);
  const w = shown.get('without_key_worker')?.now ?? [];
  const c = shown.get('caseload_per_key_worker')?.now ?? [];
  const raw = (id: string) => {
    const r = results.find((m) => m.definition.id === id);
    return r ? [...r.teams, r.unassigned, r.organisation] : [];
  };
  return { w, c, rawW: raw('without_key_worker'), rawC: raw('caseload_per_key_worker') };
}

t.test('the reviewer’s case: 3 of 115 without a key worker is not revealed by 115 − 112', async (t) => {
  const teams = teamsOf(2);
  const people = [
    ...Array.from({ length: 112 }, (_, i) => person('team-0', `KW-${String(100 + (i % 8)).padStart(3, '0')}`)),
    ...Array.from({ length: 3 }, () => person('team-0', null)),
    ...Array.from({ length: 40 }, () => person('team-1', 'KW-200')),
  ];
  const { w, c } = workforce(people, teams);
  t.equal(w[0].numerator, '<5');
  t.equal(w[0].denominator, 115, 'the base stays shown');
  t.type(c[0].numerator, 'string', 'the caseload numerator (112) is hidden with it');
  t.equal(c[0].value, null, 'and so is the caseload ratio built on it');
});

t.test('property: no hidden workforce count is determined by the shown counts', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.record({ team: fc.integer({ min: -1, max: 2 }), worker: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }) }), { maxLength: 40 }),
      (teamCount, specs) => {
        const teams = teamsOf(teamCount);
        const people = specs.map((s) => person(s.team < 0 || s.team >= teamCount ? null : `team-${s.team}`, s.worker === null ? null : `KW-00${s.worker}`));
        const { w, c, rawW, rawC } = workforce(people, teams);
        const n = w.length;
        const shown = [...w.map((x) => x.numerator), ...w.map((x) => x.denominator), ...c.map((x) => x.numerator)];
        const values = [...rawW.map((x) => x.numerator), ...rawW.map((x) => x.denominator), ...rawC.map((x) => x.numerator)];
        const hidden = shown.map((s) => typeof s === 'string');
        // Every visible figure is the true count.
        shown.forEach((s, i) => {
          if (typeof s === 'number' && s !== values[i]) throw new Error(`figure ${i} shown as ${s}, is ${values[i]}`);
        });
        // The pairs the page shows side by side: for each cell, any two of (w, n, k) give the third.
        for (let i = 0; i < n; i++) {
          const trio = [i, n + i, 2 * n + i];
          const hiddenInCell = trio.filter((j) => hidden[j]);
          if (hiddenInCell.length === 1) throw new Error(`cell ${i}: figure ${hiddenInCell[0]} = difference of the other two`);
        }
        // And the whole system (cells and team totals) pins down no hidden figure.
        const set = (o: number): Relation => ({ parts: Array.from({ length: n - 1 }, (_, i) => o + i), total: o + n - 1 });
        const relations: Relation[] = [set(0), set(n), set(2 * n)];
        for (let i = 0; i < n; i++) relations.push({ parts: [i, 2 * n + i], total: n + i });
        const determined = derivableFigures(values, hidden, relations);
        if (determined.length > 0) throw new Error(`determined: ${determined.join(', ')}`);
        // A small count is never shown.
        values.forEach((v, i) => {
          if (v > 0 && v < 5 && !hidden[i]) throw new Error(`small count ${v} shown at ${i}`);
        });
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random cohorts');
});

t.test('a share’s difference is a count too: 15 of 16 suitably housed says 1 is not (protectShare)', async (t) => {
  // Teams north 15/16, south 20/30, no team 0/0, organisation 35/46. Differences 1, 10, 0, 11.
  const cells = [
    { numerator: 15, denominator: 16 },
    { numerator: 20, denominator: 30 },
    { numerator: 0, denominator: 0 },
    { numerator: 35, denominator: 46 },
  ].map((c) => ({ ...c, value: null, people: 0 })) as unknown as Parameters<typeof protectShare>[0];
  const shown = protectShare(cells);
  // North's difference (1) is "<5": its numerator goes (the smaller part of 15 + 1 = 16); then
  // 35 − 20 would give it back, so south's numerator goes too (the smallest shown team numerator).
  // The differences 1 + d + 0 = 11 leave d in 7-10 and north's 1-4 open; denominators all shown.
  t.same(shown, { numerators: ['c', 'c', 0, 35], denominators: [16, 30, 0, 46] });
  // Whatever else goes: north's numerator cannot be worked back as 16 − difference, nor its
  // difference as 16 − numerator, from what is shown.
  const values = [...cells.map((c) => c.numerator), ...cells.map((c) => c.denominator), ...cells.map((c) => c.denominator - c.numerator)];
  const hidden = [...shown.numerators, ...shown.denominators].map((s) => typeof s === 'string');
  // The differences are never shown: hidden to the reader unless both figures of the cell are shown.
  for (let i = 0; i < 4; i++) hidden.push(hidden[i] || hidden[4 + i]);
  const relations: Relation[] = [
    { parts: [0, 1, 2], total: 3 },
    { parts: [4, 5, 6], total: 7 },
    { parts: [8, 9, 10], total: 11 },
    ...[0, 1, 2, 3].map((i) => ({ parts: [i, 8 + i], total: 4 + i })),
  ];
  t.same(derivableFigures(values, hidden, relations), []);
  t.ok(hidden[8], 'north’s difference of 1 is not shown');
  const mark = values.map((v, i) => (hidden[i] ? (v > 0 && v < 5 ? '<5' : 'c') : null)) as Array<'<5' | 'c' | null>;
  t.same(smallCountsNarrowed(values, mark, relations), [], 'every value 1-4 of the difference stays possible');
});
