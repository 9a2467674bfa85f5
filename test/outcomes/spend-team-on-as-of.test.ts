import t from 'tap';
import { computeScorecard, type ScorecardPerson, teamOn } from '../../src/outcomes/scorecard.ts';

/**
 * Spend committed against budget read at a past asOf is counted under the team each young
 * person was in on asOf (the team of the history episode in force that day), not today's team
 * (issue 17 review). Hand-made: North (budget £52,178.57, so £1,000 a week is 100 %) and South
 * (budget £104,357.14, 200 %'s worth of £1,000 a week).
 *   X: in North's care from 1 January 2024 to 1 May 2026, then South's; today in South. £400 a week on 31 March 2026.
 *   Y: in South's care since 2024 (episode with no team: today's team, South). £250 a week.
 *   Z: no history at all, today in North. £100 a week.
 * By hand at asOf 31 March 2026, with 365.25/7 weeks a year:
 *   North: X + Z = £500 a week × 365.25/7 = £26,089.2857…; 50 % of its budget.
 *   South: Y = £250 a week × 365.25/7 = £13,044.6429…; 12.5 % of its budget.
 * (By today's teams North would have had Z alone, £100, and South X and Y, £650.)
 */

const WEEKS = 365.25 / 7;
const teams = [
  { id: 'north', name: 'North', service: 'children_looked_after', annualBudget: 1000 * WEEKS },
  { id: 'south', name: 'South', service: 'children_looked_after', annualBudget: 2000 * WEEKS },
];

const X: ScorecardPerson = {
  teamId: 'south',
  keyWorkerReference: null,
  weeklyCommitment: 400,
  history: {
    birthYear: 2012,
    birthMonth: 1,
    episodes: [
      { startDate: '2024-01-01', endDate: '2026-05-01', careState: 'inhouse_foster', newPlacement: true, teamId: 'north' },
      { startDate: '2026-05-01', careState: 'inhouse_foster', newPlacement: false, teamId: 'south' },
    ],
  },
};
const Y: ScorecardPerson = {
  teamId: 'south',
  keyWorkerReference: null,
  weeklyCommitment: 250,
  history: { birthYear: 2013, birthMonth: 4, episodes: [{ startDate: '2024-03-01', careState: 'ifa_foster', newPlacement: true }] },
};
const Z: ScorecardPerson = { teamId: 'north', keyWorkerReference: null, weeklyCommitment: 100, history: { birthYear: 2014, birthMonth: 2, episodes: [] } };

t.test('a child who moved team after asOf is charged to the team they were in on asOf', async (t) => {
  t.equal(teamOn(X, '2026-03-31'), 'north');
  t.equal(teamOn(X, '2026-05-01'), 'south');
  t.equal(teamOn(Y, '2026-03-31'), 'south', 'an episode with no team: today’s team');
  t.equal(teamOn(Z, '2026-03-31'), 'north', 'no episode: today’s team');

  const results = computeScorecard({ people: [X, Y, Z], teams, thresholds: new Map(), asOf: '2026-03-31', quarters: 0 });
  const spend = results.find((r) => r.definition.id === 'spend_against_budget');
  if (!spend) throw new Error('no spend measure');
  const [north, south] = spend.teams;
  const tol = 1e-9;
  t.ok(Math.abs(north.numerator - 500 * WEEKS) < tol, `North £${north.numerator} = £500 a week × 365.25/7`);
  t.ok(Math.abs((north.value as number) - 50) < tol, `North ${north.value} % = 50 %`);
  t.equal(north.people, 2, 'X and Z');
  t.ok(Math.abs(south.numerator - 250 * WEEKS) < tol, `South £${south.numerator} = £250 a week × 365.25/7`);
  t.ok(Math.abs((south.value as number) - 12.5) < tol, `South ${south.value} % = 12.5 %`);
  t.equal(south.people, 1, 'Y only');
  t.equal(spend.unassigned.people, 0);
  t.ok(Math.abs(spend.organisation.numerator - 750 * WEEKS) < tol, 'the organisation: all three');
  t.ok(Math.abs((spend.organisation.value as number) - 25) < tol, '£750 of £3,000 a week');

  // Read after the move, the same prices go to South.
  const later = computeScorecard({ people: [X, Y, Z], teams, thresholds: new Map(), asOf: '2026-06-30', quarters: 0 }).find((r) => r.definition.id === 'spend_against_budget');
  t.ok(later && Math.abs(later.teams[1].numerator - 650 * WEEKS) < tol, 'after the move X counts under South');
  // Key workers stay today's records by today's team.
  const without = results.find((r) => r.definition.id === 'without_key_worker');
  t.same(
    without?.teams.map((c) => c.denominator),
    [1, 2],
    'Z in North; X and Y in South',
  );
});
