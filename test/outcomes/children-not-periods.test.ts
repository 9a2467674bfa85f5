import t from 'tap';
import { exitsToAdoptionOrSgo, type History, unplannedEntries } from '../../src/outcomes/measures.ts';
import { computeScorecard } from '../../src/outcomes/scorecard.ts';

/**
 * DfE counts children, not periods of care (issue 17 review, F5): "children who started to be
 * looked after during the year" counts each child once, by their first period of care starting in
 * the year; "children who ceased to be looked after during the year" once, by their last ceasing.
 * Hand-made: one child with two short periods of care in 2025, each ending with a return home.
 */
const CALENDAR_2025 = { start: '2025-01-01', end: '2025-12-31' };

function child(first: { entry: 'planned' | 'unplanned_emergency'; team?: string }, second: { entry: 'planned' | 'unplanned_emergency'; exit: 'returned_home' | 'adoption'; team?: string }): History {
  return {
    birthYear: 2015,
    birthMonth: 6,
    episodes: [
      { startDate: '2025-01-01', endDate: '2025-02-01', careState: 'residential', newPlacement: true, entry: first.entry, exitReason: 'returned_home', teamId: first.team },
      { startDate: '2025-02-01', endDate: '2025-03-01', careState: 'home', newPlacement: true },
      { startDate: '2025-03-01', endDate: '2025-04-01', careState: 'residential', newPlacement: true, entry: second.entry, exitReason: second.exit, teamId: second.team },
      { startDate: '2025-04-01', careState: 'home', newPlacement: true },
    ],
  };
}

t.test('the reviewer\'s repro: one child, two unplanned periods ending returned_home → entries 1/1, exits 0/1', async (t) => {
  const h = child({ entry: 'unplanned_emergency' }, { entry: 'unplanned_emergency', exit: 'returned_home' });
  // Before the fix: 2/2 and 0/2 (periods of care counted).
  t.same(unplannedEntries([h], CALENDAR_2025), { numerator: 1, denominator: 1 });
  t.same(exitsToAdoptionOrSgo([h], CALENDAR_2025), { numerator: 0, denominator: 1, adoption: 0, specialGuardianship: 0 });
});

t.test('the entry is the first period\'s, the exit the last\'s', async (t) => {
  // First entry planned, second unplanned: counted by the first → 0/1 (periods would give 1/2).
  const h = child({ entry: 'planned' }, { entry: 'unplanned_emergency', exit: 'adoption' });
  t.same(unplannedEntries([h], CALENDAR_2025), { numerator: 0, denominator: 1 });
  // First ceasing returned home, last by adoption: counted by the last → 1/1 (periods would give 1/2).
  t.same(exitsToAdoptionOrSgo([h], CALENDAR_2025), { numerator: 1, denominator: 1, adoption: 1, specialGuardianship: 0 });
  // A year holding only the second period counts it (the first is outside).
  const later = { start: '2025-02-15', end: '2025-12-31' };
  t.same(unplannedEntries([h], later), { numerator: 1, denominator: 1 });
  // Two children: each counted once.
  const g = child({ entry: 'unplanned_emergency' }, { entry: 'planned', exit: 'returned_home' });
  t.same(unplannedEntries([h, g], CALENDAR_2025), { numerator: 1, denominator: 2 });
  t.same(exitsToAdoptionOrSgo([h, g], CALENDAR_2025), { numerator: 1, denominator: 2, adoption: 1, specialGuardianship: 0 });
});

t.test('the scorecard counts the child under the team of the counted period', async (t) => {
  // First period under edge of care (t0), second under the looked-after team (t1); current team t1.
  const h = child({ entry: 'unplanned_emergency', team: 't0' }, { entry: 'unplanned_emergency', exit: 'adoption', team: 't1' });
  const teams = ['t0', 't1'].map((id) => ({ id, name: id, service: 'children_looked_after', annualBudget: null }));
  const results = computeScorecard({ people: [{ teamId: 't1', keyWorkerReference: null, weeklyCommitment: 0, history: h }], teams, thresholds: new Map(), asOf: '2025-12-31', quarters: 0 });
  const pair = (c: { numerator: number; denominator: number }) => [c.numerator, c.denominator];
  const entries = results.find((r) => r.definition.id === 'unplanned_entries');
  const exits = results.find((r) => r.definition.id === 'exits_adoption_sgo');
  t.ok(entries && exits, 'both measures on the scorecard');
  if (!entries || !exits) return;
  // Entry: the first period's, under t0 only.
  t.same(entries.teams.map(pair), [[1, 1], [0, 0]]);
  t.same(pair(entries.organisation), [1, 1]);
  // Exit: the last period's, under t1 only.
  t.same(exits.teams.map(pair), [[0, 0], [1, 1]]);
  t.same(pair(exits.organisation), [1, 1]);
  t.same(pair(exits.unassigned), [0, 0]);
});
