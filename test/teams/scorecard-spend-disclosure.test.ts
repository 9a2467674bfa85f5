import t from 'tap';
import { computeScorecard, type ScorecardPerson } from '../../src/outcomes/scorecard.ts';
import { shownCells } from '../../src/services/scorecard.ts';

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
