import fc from 'fast-check';
import t from 'tap';
import type { History } from '../../src/outcomes/measures.ts';
import { computeScorecard, SCORECARD_MEASURES, type ScorecardPerson } from '../../src/outcomes/scorecard.ts';
import { HAND_HISTORIES } from './hand-history.ts';

/**
 * The scorecard's attribution rule (issue 17), as properties over the hand-made histories of
 * hand-history.ts with teams drawn at random: for the young people's current teams and for each
 * episode's team (or none). Three teams, ids t0-t2; "t9" names no team given.
 *
 *  1. Teams and the no-team group add up to the organisation, whatever the episodes say (the
 *     disclosure rule relies on it).
 *  2. With no episode team, each team's figures are the measure over that team's current members
 *     (the old rule), computed independently as the organisation figure of a scorecard with only them.
 *  3. With every episode under one team, that team holds the whole organisation figure, whatever
 *     the young people's current teams.
 */

const histories = Object.values(HAND_HISTORIES);
const teams = ['t0', 't1', 't2'].map((id) => ({ id, name: id, service: 'children_looked_after', annualBudget: null }));
const countMeasures = SCORECARD_MEASURES.filter((m) => m.units).map((m) => m.id);
const teamId = fc.constantFrom<string | null>('t0', 't1', 't2', 't9', null);

function people(current: Array<string | null>, episodeTeam: (person: number, episode: number) => string | undefined): ScorecardPerson[] {
  return histories.map((h, i) => ({
    teamId: current[i],
    keyWorkerReference: null,
    weeklyCommitment: 0,
    history: { ...h, episodes: h.episodes.map((e, k) => ({ ...e, teamId: episodeTeam(i, k) })) } as History,
  }));
}
const score = (ps: ScorecardPerson[]) => computeScorecard({ people: ps, teams, thresholds: new Map(), asOf: '2026-03-31', quarters: 4 });
const pair = (c: { numerator: number; denominator: number }) => [c.numerator, c.denominator];

t.test('teams and no team add up to the organisation, now and at every quarter end', async (t) => {
  fc.assert(
    fc.property(fc.array(teamId, { minLength: histories.length, maxLength: histories.length }), fc.array(fc.array(teamId, { minLength: 4, maxLength: 4 }), { minLength: histories.length, maxLength: histories.length }), (current, episodes) => {
      for (const r of score(people(current, (i, k) => episodes[i][k] ?? undefined)).filter((x) => x.definition.units)) {
        for (const set of [r, ...r.trend]) {
          const sum = [...set.teams, set.unassigned].reduce((a, c) => [a[0] + c.numerator, a[1] + c.denominator], [0, 0]);
          if (sum[0] !== set.organisation.numerator || sum[1] !== set.organisation.denominator) return false;
        }
      }
      return true;
    }),
    { numRuns: 200 },
  );
  t.pass('200 random assignments');
});

t.test('no episode team: each team’s figures are its current members’ (the old rule); every episode under one team: it holds the organisation’s', async (t) => {
  fc.assert(
    fc.property(fc.array(teamId, { minLength: histories.length, maxLength: histories.length }), fc.constantFrom('t0', 't1', 't2'), (current, one) => {
      const results = score(people(current, () => undefined));
      for (const [k, team] of teams.entries()) {
        const members = people(current, () => undefined).filter((p) => p.teamId === team.id);
        const alone = score(members);
        for (const id of countMeasures) {
          const got = results.find((r) => r.definition.id === id)?.teams[k];
          const want = alone.find((r) => r.definition.id === id)?.organisation;
          if (!got || !want || got.numerator !== want.numerator || got.denominator !== want.denominator) return false;
        }
      }
      const held = score(people(current, () => one));
      const index = teams.findIndex((x) => x.id === one);
      return held.filter((r) => r.definition.units).every((r) => JSON.stringify(pair(r.teams[index])) === JSON.stringify(pair(r.organisation)) && r.unassigned.denominator === 0);
    }),
    { numRuns: 100 },
  );
  t.pass('100 random assignments');
});
