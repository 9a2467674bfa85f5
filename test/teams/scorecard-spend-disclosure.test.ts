import t from 'tap';
import { computeScorecard, type ScorecardPerson } from '../../src/outcomes/scorecard.ts';
import { scorecardCells, shownCells } from '../../src/services/scorecard.ts';

/**
 * The organisation's spend is of the teams with a budget alone (issue 17 review), so for the board
 * a budgeted team's hidden spend must not be the organisation's less the other budgeted teams'.
 * Hand-made: A (budget, 3 young people, £111 a week each), B (budget, 10, £222), C (no budget, 6,
 * £333). A's 3 are "<5", so A's spend is withheld; protecting the people counts with the teams
 * and the no-team group adding up to the organisation alone may hide C as A's complement, and then
 * the organisation's £133,211.89 less B's £115,836.43 is A's £17,375.46.
 * The budgeted teams' young people are protected as a total of their own beside the
 * organisation's (src/services/scorecard.ts cellsOf, money; Cell.outsideBudget gives it).
 */

const person = (teamId: string, weeklyCommitment: number): ScorecardPerson => ({
  teamId,
  keyWorkerReference: 'KW-1',
  weeklyCommitment,
  history: { birthYear: 2012, birthMonth: 6, episodes: [] },
});
const teams = [
  { id: 'A', name: 'A', service: 'children_looked_after', annualBudget: 50_000 },
  { id: 'B', name: 'B', service: 'children_looked_after', annualBudget: 90_000 },
  { id: 'C', name: 'C', service: 'early_help', annualBudget: null },
];

t.test('a budgeted team’s hidden spend cannot be worked out from the organisation’s', async (t) => {
  const people = [...Array.from({ length: 3 }, () => person('A', 111)), ...Array.from({ length: 10 }, () => person('B', 222)), ...Array.from({ length: 6 }, () => person('C', 333))];
  const results = computeScorecard({ people, teams, thresholds: new Map(), asOf: '2026-03-31', quarters: 0 });
  const shown = shownCells(results, true, '2026-03-31').get('spend_against_budget')?.now;
  if (!shown) throw new Error('no spend measure');
  const [a, b, , , org] = shown;
  t.equal(a.numerator, null, 'A (3 young people): spend withheld');
  t.ok(org.numerator === null || b.numerator === null, `the organisation's (${org.numerator}) or B's (${b.numerator}) spend withheld too`);
});

/**
 * The same at every quarter end of spend's trend (review: "spend has no quarterly trend"): each
 * quarter's spend is read on its day and protected as the now cell is. A (3 young people, then 4
 * when M moves in from B on 1 August 2025) is "<5" every quarter, so its spend is withheld every
 * quarter, and the organisation's less the other budgeted team's never gives it. Prices change
 * by quarter (commitmentOn), so no quarter's figure is another's. Fails on the old code (no trend).
 */
t.test('a budgeted team’s hidden spend cannot be worked out from the organisation’s in any quarter (board)', async (t) => {
  const priced = (teamId: string, base: number): ScorecardPerson => ({
    ...person(teamId, base),
    // £base a week, £10 more each quarter from 2025 on.
    commitmentOn: (day: string) => ({ weekly: base + 10 * Math.max(0, Math.floor((Number(day.slice(0, 4)) - 2025) * 4 + (Number(day.slice(5, 7)) - 1) / 3) + 1), unpriced: false }),
    history: { birthYear: 2012, birthMonth: 6, episodes: [{ startDate: '2024-01-01', careState: 'inhouse_foster', newPlacement: true, teamId }] },
  });
  const mover: ScorecardPerson = {
    ...priced('A', 500),
    history: {
      birthYear: 2011,
      birthMonth: 2,
      episodes: [
        { startDate: '2024-01-01', endDate: '2025-08-01', careState: 'inhouse_foster', newPlacement: true, teamId: 'B' },
        { startDate: '2025-08-01', careState: 'inhouse_foster', newPlacement: false, teamId: 'A' },
      ],
    },
  };
  const people = [
    ...Array.from({ length: 3 }, () => priced('A', 111)),
    ...Array.from({ length: 10 }, () => priced('B', 222)),
    ...Array.from({ length: 6 }, () => priced('C', 333)),
    mover,
  ];
  const answer = scorecardCells({ people, teams, thresholds: new Map(), asOf: '2025-12-31', quarters: 4, protect: true, today: '2026-01-10' });
  const spend = answer.find((m) => m.result.definition.id === 'spend_against_budget');
  if (!spend) throw new Error('no spend measure');
  t.same(
    spend.result.trend.map((q) => q.quarterEnd),
    ['2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31'],
  );
  t.same(
    spend.result.trend.map((q) => q.teams[0].people),
    [3, 3, 4, 4],
    'A: 3, then 4 with M',
  );
  t.equal(spend.trend.length, 4);
  for (const [k, cells] of [...spend.trend.map((c, k) => [spend.result.trend[k].quarterEnd, c] as const), ['now', spend.now] as const]) {
    const [a, b, , , org] = cells;
    t.equal(a.numerator, null, `${k}: A's spend withheld`);
    t.equal(a.value, null);
    t.ok(org.numerator === null || b.numerator === null, `${k}: the organisation's (${org.numerator}) or B's (${b.numerator}) spend withheld too`);
  }
  // The now cell read on a quarter end is that quarter's, marks and all.
  t.same(spend.now, spend.trend[3]);
});
