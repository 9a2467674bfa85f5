import t from 'tap';
import { computeScorecard, type ScorecardPerson } from '../../src/outcomes/scorecard.ts';

/**
 * The organisation's spend against budget compares like with like (issue 17 review): the spend
 * of the young people in teams with a budget, over the sum of those budgets. It counted every
 * young person's commitments (a team with no budget and no team included) over the budgets that
 * are set. Hand-made, at 31 March 2026, with 365.25/7 weeks a year:
 *   North (budget £60,000): A, £700 a week.   South (budget £90,000): B, £1,400 a week.
 *   Family support (no budget): C, £490 a week.   No team: D, £210 a week, whose placement price
 *   that day is not known (unpriced: the £210 is their services).
 * By hand: numerator (£700 + £1,400) × 365.25/7 = £2,100 × 52.178571… = 300 × 365.25 = £109,575;
 * denominator £60,000 + £90,000 = £150,000; value 109,575 / 150,000 = 73.05 %.
 * Left out: C and D, (£490 + £210) × 365.25/7 = 100 × 365.25 = £36,525, 2 young people, 1 unpriced.
 * (The old figure: £2,800 a week × 365.25/7 = £146,100 over £150,000, 97.4 %.)
 */

const teams = [
  { id: 'north', name: 'North', service: 'children_looked_after', annualBudget: 60_000 },
  { id: 'south', name: 'South', service: 'children_looked_after', annualBudget: 90_000 },
  { id: 'family', name: 'Family support', service: 'early_help', annualBudget: null },
];
const person = (teamId: string | null, weeklyCommitment: number, unpriced = false): ScorecardPerson => ({
  teamId,
  keyWorkerReference: null,
  weeklyCommitment,
  unpriced,
  history: { birthYear: 2012, birthMonth: 6, episodes: [] },
});

t.test('the organisation: the teams with a budget over their budgets; what is left out said apart', async (t) => {
  const people = [person('north', 700), person('south', 1400), person('family', 490), person(null, 210, true)];
  const results = computeScorecard({ people, teams, thresholds: new Map(), asOf: '2026-03-31', quarters: 0 });
  const spend = results.find((r) => r.definition.id === 'spend_against_budget');
  if (!spend) throw new Error('no spend measure');
  const org = spend.organisation;
  const tol = 1e-9;
  t.ok(Math.abs(org.numerator - 109_575) < tol, `numerator £${org.numerator} = £109,575 (North and South only)`);
  t.equal(org.denominator, 150_000, 'denominator: the two budgets set');
  t.ok(Math.abs((org.value as number) - 73.05) < tol, `value ${org.value} % = 73.05 %`);
  t.ok(org.outsideBudget, 'what the figure leaves out is said');
  t.ok(Math.abs((org.outsideBudget?.committed as number) - 36_525) < tol, `left out £${org.outsideBudget?.committed} = £36,525 (C and D)`);
  t.equal(org.outsideBudget?.people, 2);
  t.equal(org.outsideBudget?.unpriced, 1, 'D, unpriced, is outside every budget');
  // Everyone still counted in people and unpriced: the teams and the no-team group add up to them.
  t.equal(org.people, 4);
  t.equal(org.unpriced, 1);
  t.equal(spend.teams.reduce((a, c) => a + c.people, 0) + spend.unassigned.people, org.people);
  t.equal(spend.teams.reduce((a, c) => a + (c.unpriced ?? 0), 0) + (spend.unassigned.unpriced ?? 0), org.unpriced);
  // The teams' own cells as before: a team with no budget has its spend and no value.
  const [north, south, family] = spend.teams;
  t.ok(Math.abs(north.numerator - 36_525) < tol && north.denominator === 60_000, 'North: £700 a week, £36,525 of £60,000');
  t.ok(Math.abs(south.numerator - 73_050) < tol && south.denominator === 90_000, 'South: £1,400 a week, £73,050 of £90,000');
  t.ok(Math.abs(family.numerator - 25_567.5) < tol && family.value === null, 'Family support: £490 a week, £25,567.50, no budget so no value');
  t.ok(Math.abs(spend.unassigned.numerator - 10_957.5) < tol && spend.unassigned.value === null, 'no team: £210 a week, £10,957.50');
  t.ok(Math.abs(org.numerator + (org.outsideBudget?.committed as number) - (north.numerator + south.numerator + family.numerator + spend.unassigned.numerator)) < tol, 'inside + outside = every commitment');
});

t.test('no team has a budget: no value, everything outside', async (t) => {
  const results = computeScorecard({
    people: [person('family', 490)],
    teams: [{ id: 'family', name: 'Family support', service: 'early_help', annualBudget: null }],
    thresholds: new Map(),
    asOf: '2026-03-31',
    quarters: 0,
  });
  const org = results.find((r) => r.definition.id === 'spend_against_budget')?.organisation;
  t.equal(org?.numerator, 0);
  t.equal(org?.denominator, 0);
  t.equal(org?.value, null);
  t.equal(org?.outsideBudget?.people, 1);
  t.ok(Math.abs((org?.outsideBudget?.committed as number) - 25_567.5) < 1e-9);
});
