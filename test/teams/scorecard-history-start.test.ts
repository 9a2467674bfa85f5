import t from 'tap';
import { recordsCompleteFromSetting } from '../../src/config/index.ts';
import { ragWords, scorecardTable } from '../../src/export/scorecard-sheet.ts';
import { closedRecordsStart, computeScorecard, historyStart, type ScorecardPerson } from '../../src/outcomes/scorecard.ts';
import { packScorecard } from '../../src/services/packs.ts';
import { shownCells } from '../../src/services/scorecard.ts';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp } from '../helpers/app.ts';
import { edgeOfCareRecord } from '../young-people/records.ts';

/**
 * A borough whose recorded history starts half-way through the trend (issue 17 review: quarters
 * whose counting window begins before the history were shown as real counts, "exits 0 of 36").
 * North's three children, every episode on or after 1 January 2025, no case closed, so the
 * history starts 2025-01-01:
 *   A (born May 2012): in-house foster care from 2025-01-01 (unplanned entry, 25 miles), agency
 *     foster care from 2025-06-01 (5 miles), a children's home from 2025-09-01 (30 miles), open;
 *   B (born March 2014): in-house foster care from 2025-02-01 (planned, 4 miles), left by special
 *     guardianship on 2025-11-01;
 *   C (born July 2013): in-house foster care from 2025-05-01 (planned, 10 miles), open.
 * Read at 31 March 2026 with 8 quarters (30 June 2024 to 31 March 2026). Measures of a year are
 * available from 31 December 2025 (its year starts 1 January 2025); those of a day from 31 March
 * 2025. Hand counts of the available quarters:
 *   three or more placements: 2025-12-31 A (3 placements in 2025) of A and C (B had left): 1 of
 *     2; 2026-03-31 (year from 2025-04-01: A's in-house placement ran to 2025-06-01, so still 3): 1 of 2;
 *   unplanned entries: 2025-12-31 A of A, B, C: 1 of 3; 2026-03-31 C only entered in the year: 0 of 1;
 *   exits by adoption or SGO: B on 2025-11-01 in both years: 1 of 1, 1 of 1;
 *   placed over 20 miles: 2025-03-31 A (25) of A, B: 1 of 2; 2025-06-30 none of A (5), B, C: 0 of 3;
 *     2025-09-30 A (30) of 3: 1 of 3; 2025-12-31 and 2026-03-31 A of A, C: 1 of 2.
 */

const HISTORIES: Record<string, { birthYear: number; birthMonth: number; episodes: Array<Record<string, unknown>> }> = {
  A: {
    birthYear: 2012,
    birthMonth: 5,
    episodes: [
      { startDate: '2025-01-01', endDate: '2025-06-01', careState: 'inhouse_foster', newPlacement: true, entry: 'unplanned_emergency', distanceFromHomeMiles: 25 },
      { startDate: '2025-06-01', endDate: '2025-09-01', careState: 'ifa_foster', newPlacement: true, distanceFromHomeMiles: 5 },
      { startDate: '2025-09-01', careState: 'residential', newPlacement: true, distanceFromHomeMiles: 30 },
    ],
  },
  B: {
    birthYear: 2014,
    birthMonth: 3,
    episodes: [
      { startDate: '2025-02-01', endDate: '2025-11-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', distanceFromHomeMiles: 4, exitReason: 'special_guardianship' },
      { startDate: '2025-11-01', careState: 'sgo', newPlacement: false },
    ],
  },
  C: {
    birthYear: 2013,
    birthMonth: 7,
    episodes: [{ startDate: '2025-05-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', distanceFromHomeMiles: 10 }],
  },
};

const PLACEMENT_STATES = new Set(['inhouse_foster', 'ifa_foster', 'residential']);
const YEARLY = ['three_or_more_placements', 'care_leavers_eet', 'care_leavers_suitable_accommodation', 'exits_adoption_sgo', 'unplanned_entries'];
const DAILY = ['placed_over_20_miles', 'long_term_stability'];
const QUARTERS = ['2024-06-30', '2024-09-30', '2024-12-31', '2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31', '2026-03-31'];

type CellDto = { numerator: unknown; denominator: unknown; value: unknown; rag: unknown; vsTarget: unknown; status?: string; historyStart?: string };
type Measure = { id: string; organisation: CellDto; teams: CellDto[]; noTeam?: CellDto; trend: Array<{ quarterEnd: string; organisation: CellDto; teams: CellDto[]; noTeam?: CellDto }> };

t.test('a borough whose history starts mid-trend: quarters before it are flagged, those after are the hand counts', async (t) => {
  const { app, as } = await buildTestApp(t);
  const north = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North', service: 'children_looked_after' } })).json().id;
  for (const [letter, h] of Object.entries(HISTORIES)) {
    const open = h.episodes[h.episodes.length - 1] as { careState: string; startDate: string };
    const placed = PLACEMENT_STATES.has(open.careState);
    const record = edgeOfCareRecord({
      birthYear: h.birthYear,
      birthMonth: h.birthMonth,
      careState: open.careState as YoungPersonInputDto['careState'],
      ...(placed ? { legalStatus: 'care_order', placement: { type: open.careState, provider: 'own_authority', weeklyPrice: 0, startDate: open.startDate } as YoungPersonInputDto['placement'] } : {}),
      teamId: north,
    });
    const created = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
    t.equal(created.statusCode, 201, `${letter} stored: ${created.body.slice(0, 200)}`);
    const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${created.json().id}/history`, payload: { episodes: h.episodes } });
    t.equal(put.statusCode, 200, `${letter} history stored: ${put.body.slice(0, 300)}`);
  }

  for (const role of ['admin', 'board'] as const) {
    const response = await as(role, { method: 'GET', url: '/v1/scorecard?asOf=2026-03-31&quarters=8' });
    t.equal(response.statusCode, 200, `${role}: ${response.body.slice(0, 300)}`);
    const body = response.json() as { historyStart: string | null; groups: Array<{ measures: Measure[] }> };
    t.equal(body.historyStart, '2025-01-01', `${role}: the history starts on the earliest episode (no case closed)`);
    const measures = new Map(body.groups.flatMap((g) => g.measures).map((m) => [m.id, m]));
    for (const id of [...YEARLY, ...DAILY]) {
      const m = measures.get(id);
      if (!m) throw new Error(`no ${id}`);
      t.same(
        m.trend.map((q) => q.quarterEnd),
        QUARTERS,
        `${role} ${id}: eight quarter ends`,
      );
      // A year's window starts the day after the same date a year before; a day's is the day itself.
      const firstAvailable = YEARLY.includes(id) ? '2025-12-31' : '2025-03-31';
      for (const q of m.trend) {
        for (const [scope, cell] of [['organisation', q.organisation], ['North', q.teams[0]], ['no team', q.noTeam]] as const) {
          if (!cell) throw new Error(`${id} ${q.quarterEnd}: no ${scope} cell`);
          if (q.quarterEnd < firstAvailable) {
            const { teamId: _team, ...figures } = cell as CellDto & { teamId?: string };
            t.same(
              figures,
              { numerator: null, denominator: null, value: null, rag: null, vsTarget: null, status: 'history_incomplete', historyStart: '2025-01-01' },
              `${role} ${id} ${q.quarterEnd} ${scope}: not available, history starts 2025-01-01`,
            );
          } else {
            t.notOk('status' in cell, `${role} ${id} ${q.quarterEnd} ${scope}: available`);
          }
        }
      }
      // The now view (the year to 31 March 2026) begins after the history starts.
      t.notOk('status' in m.organisation, `${role} ${id}: the now view is available`);
    }
    if (role !== 'admin') continue;
    // The available quarters in full (the organisation; North holds every child, no team none).
    const counts = (id: string) =>
      Object.fromEntries(
        (measures.get(id)?.trend ?? []).filter((q) => !q.organisation.status).map((q) => [q.quarterEnd, [q.organisation.numerator, q.organisation.denominator, q.teams[0].numerator, q.teams[0].denominator, q.noTeam?.denominator]]),
      );
    t.same(counts('three_or_more_placements'), { '2025-12-31': [1, 2, 1, 2, 0], '2026-03-31': [1, 2, 1, 2, 0] });
    t.same(counts('unplanned_entries'), { '2025-12-31': [1, 3, 1, 3, 0], '2026-03-31': [0, 1, 0, 1, 0] });
    t.same(counts('exits_adoption_sgo'), { '2025-12-31': [1, 1, 1, 1, 0], '2026-03-31': [1, 1, 1, 1, 0] });
    t.same(counts('placed_over_20_miles'), {
      '2025-03-31': [1, 2, 1, 2, 0],
      '2025-06-30': [0, 3, 0, 3, 0],
      '2025-09-30': [1, 3, 1, 3, 0],
      '2025-12-31': [1, 2, 1, 2, 0],
      '2026-03-31': [1, 2, 1, 2, 0],
    });
    // An available quarter keeps its colour: 1 of 2 over 20 miles is 50%, red against 15/20.
    const over20 = measures.get('placed_over_20_miles')?.trend.find((q) => q.quarterEnd === '2026-03-31');
    t.match(over20?.organisation, { value: 50, rag: 'red' });
  }

  // The team view: the same cells, the same start.
  const teamView = (await as('board', { method: 'GET', url: `/v1/teams/${north}/scorecard?asOf=2026-03-31&quarters=8` })).json() as { historyStart: string; groups: Array<{ measures: Measure[] }> };
  t.equal(teamView.historyStart, '2025-01-01');
  const teamExits = teamView.groups.flatMap((g) => g.measures).find((m) => m.id === 'exits_adoption_sgo');
  t.same(
    teamExits?.trend.map((q) => q.teams[0].status ?? null),
    ['history_incomplete', 'history_incomplete', 'history_incomplete', 'history_incomplete', 'history_incomplete', 'history_incomplete', null, null],
    'the team view flags the same quarters',
  );

  // The pack's Scorecard sheet, as exported on 15 April 2026 (the board's view at 31 March 2026,
  // eight quarters): the quarters before the history say so in words, the rest are figures or
  // blank where the disclosure rule withholds the share (every count here is under 5).
  const table = scorecardTable(await packScorecard(app.db, new Date('2026-04-15T12:00:00Z')));
  const quarterColumns = table.columns.flatMap((c, k) => (c.key.startsWith('quarter_') ? [k] : []));
  t.same(
    quarterColumns.map((k) => table.columns[k].header),
    QUARTERS.map((q) => `As of ${q}`),
  );
  const row = (measure: string, scope: string) => {
    const found = table.rows.find((r) => r[1] === measure && r[4] === scope);
    if (!found) throw new Error(`no row ${measure} ${scope}`);
    return quarterColumns.map((k) => found[k]);
  };
  const missing = 'history starts 2025-01-01';
  t.same(row('Three or more placements in the year', 'Organisation'), [missing, missing, missing, missing, missing, missing, null, null]);
  t.same(row('Left care by adoption or special guardianship', 'North'), [missing, missing, missing, missing, missing, missing, null, null]);
  t.same(row('Placed more than 20 miles from home', 'Organisation'), [missing, missing, missing, null, null, null, null, null]);
  t.ok(
    table.notes.some((n) => n.startsWith('“history starts <date>”')),
    'the sheet says what "history starts" means',
  );
  t.equal(ragWords({ numerator: null, denominator: null, value: null, rag: null, vsTarget: null, status: 'history_incomplete', historyStart: '2025-01-01' }), 'Not available (history starts 2025-01-01)');
});

t.test('historyStart: the later of the earliest episode and the earliest closed case; windows before it unavailable', async (t) => {
  const person = (episodes: ScorecardPerson['history']['episodes'], closedOn: string | null = null): ScorecardPerson => ({
    teamId: null,
    keyWorkerReference: null,
    weeklyCommitment: 0,
    closedOn,
    history: { birthYear: 2012, birthMonth: 1, episodes },
  });
  const open = person([{ startDate: '2018-04-01', careState: 'inhouse_foster', newPlacement: true, distanceMiles: 3 }]);
  // A child who left care on 2024-02-10 (special guardianship) and whose case closed that day.
  const former = person(
    [
      { startDate: '2023-01-01', endDate: '2024-02-10', careState: 'ifa_foster', newPlacement: true, entry: 'planned', exitReason: 'special_guardianship', distanceMiles: 40 },
      { startDate: '2024-02-10', careState: 'sgo', newPlacement: false },
    ],
    '2024-02-10',
  );
  t.equal(historyStart([]), null, 'no one: no history');
  t.equal(historyStart([person([])]), null, 'no episodes: no history');
  t.equal(historyStart([open]), '2018-04-01', 'no case closed: the earliest episode');
  t.equal(historyStart([open, former]), '2024-02-10', 'the cases closed before 2024-02-10 are not on record');
  t.equal(historyStart([person([{ startDate: '2024-06-01', careState: 'inhouse_foster', newPlacement: true }]), person([], '2020-01-01')]), '2024-06-01', 'a closure before the first episode: the episode');

  const results = computeScorecard({ people: [open, former], teams: [], thresholds: new Map(), asOf: '2025-03-31', quarters: 6 });
  const exits = results.find((r) => r.definition.id === 'exits_adoption_sgo');
  // Quarter ends 2023-12-31 … 2025-03-31; the year to 2025-03-31 starts 2024-04-01, after the history.
  t.same(
    exits?.trend.map((q) => [q.quarterEnd, q.organisation.unavailable?.historyStart ?? null, q.organisation.value]),
    [
      ['2023-12-31', '2024-02-10', null],
      ['2024-03-31', '2024-02-10', null],
      ['2024-06-30', '2024-02-10', null],
      ['2024-09-30', '2024-02-10', null],
      ['2024-12-31', '2024-02-10', null],
      // The year from 2024-04-01 holds no exit (the former child left on 2024-02-10): 0 of 0.
      ['2025-03-31', null, null],
    ],
  );
  const distance = results.find((r) => r.definition.id === 'placed_over_20_miles');
  // A day's figure: 2023-12-31 is before the history; from 2024-03-31 only the open child (3 miles) is looked after.
  t.same(
    distance?.trend.map((q) => [q.quarterEnd, q.organisation.unavailable ? 'unavailable' : `${q.organisation.numerator} of ${q.organisation.denominator}`]),
    [
      ['2023-12-31', 'unavailable'],
      ['2024-03-31', '0 of 1'],
      ['2024-06-30', '0 of 1'],
      ['2024-09-30', '0 of 1'],
      ['2024-12-31', '0 of 1'],
      ['2025-03-31', '0 of 1'],
    ],
  );
  // An explicit null start takes every window as complete (the old reading).
  const old = computeScorecard({ people: [open, former], teams: [], thresholds: new Map(), asOf: '2025-03-31', quarters: 6, historyStart: null });
  t.equal(old.find((r) => r.definition.id === 'exits_adoption_sgo')?.trend[0].organisation.unavailable, undefined);
});

t.test('the board’s view with the history rule is its view without it, less the unavailable cells’ figures', async (t) => {
  const teams = [{ id: 'A', name: 'Team A', service: 'children_looked_after', annualBudget: null }];
  const person = (episodes: ScorecardPerson['history']['episodes'], closedOn: string | null = null): ScorecardPerson => ({
    teamId: 'A',
    keyWorkerReference: null,
    weeklyCommitment: 0,
    closedOn,
    history: { birthYear: 2012, birthMonth: 1, episodes },
  });
  const people: ScorecardPerson[] = [];
  // Seven looked after since 2023 (one moved three times in 2024), three who left by adoption and closed from 2024-02-10 on, two entries in 2024.
  for (let i = 0; i < 7; i++) people.push(person([{ startDate: '2023-06-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', distanceMiles: 5 + 5 * i, teamId: 'A' }]));
  people.push(
    person([
      { startDate: '2024-03-01', endDate: '2024-05-01', careState: 'ifa_foster', newPlacement: true, entry: 'unplanned_emergency', distanceMiles: 30 },
      { startDate: '2024-05-01', endDate: '2024-08-01', careState: 'residential', newPlacement: true, distanceMiles: 40 },
      { startDate: '2024-08-01', careState: 'inhouse_foster', newPlacement: true, distanceMiles: 2 },
    ]),
  );
  for (const closed of ['2024-02-10', '2024-07-15', '2025-01-20'])
    people.push(
      person(
        [
          { startDate: '2022-01-01', endDate: closed, careState: 'placed_for_adoption', newPlacement: true, entry: 'planned', exitReason: 'adoption', distanceMiles: 12 },
          { startDate: closed, careState: 'adopted', newPlacement: false },
        ],
        closed,
      ),
    );
  t.equal(historyStart(people), '2024-02-10');
  const args = { people, teams, thresholds: new Map(), asOf: '2025-06-30', quarters: 8 };
  const withRule = shownCells(computeScorecard(args), true, args.asOf);
  const without = shownCells(computeScorecard({ ...args, historyStart: null }), true, args.asOf);
  let blanked = 0;
  let kept = 0;
  for (const [id, views] of without) {
    const ruled = withRule.get(id);
    if (!ruled) throw new Error(id);
    const pairs = [...views.now.map((c, i) => [c, ruled.now[i]] as const), ...views.trend.flatMap((q, k) => q.map((c, i) => [c, ruled.trend[k][i]] as const))];
    for (const [before, after] of pairs) {
      if (after.status === 'history_incomplete') {
        blanked++;
        t.same(after, { numerator: null, denominator: null, value: null, rag: null, vsTarget: null, status: 'history_incomplete', historyStart: '2024-02-10' });
      } else {
        kept++;
        if (JSON.stringify(after) !== JSON.stringify(before)) t.fail(`${id}: an available cell changed: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
      }
    }
  }
  // Quarter ends 2023-09-30 … 2025-06-30 (8): a year's window is complete from 2025-03-31 (year from
  // 2024-04-01), so 6 of 8 quarters of 5 yearly measures are blanked; a day's from 2024-03-31, so 2
  // of 8 of 2 daily measures and of spend (read on the day: 2023-09-30 and 2023-12-31 cannot be
  // priced from the history); 3 cells each (team A, no team, organisation). The now view (year
  // from 2024-07-01) is available.
  t.equal(blanked, (6 * 5 + 2 * 3) * 3, `${blanked} cells blanked`);
  t.ok(kept > 0, `${kept} cells kept exactly as the protection showed them`);
});

t.test('historyStart: one case closed long ago, with or without episodes, does not move it earlier (issue 17 review)', async (t) => {
  const person = (episodes: ScorecardPerson['history']['episodes'], closedOn: string | null = null): ScorecardPerson => ({
    teamId: null,
    keyWorkerReference: null,
    weeklyCommitment: 0,
    closedOn,
    history: { birthYear: 2008, birthMonth: 2, episodes },
  });
  const north = person([{ startDate: '2025-01-01', careState: 'inhouse_foster', newPlacement: true, entry: 'unplanned_emergency', distanceMiles: 25 }]);
  // In care from 2019, home and closed on 2021-06-01 (the reviewer's record, with a history).
  const old = person([{ startDate: '2019-03-01', endDate: '2021-06-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', exitReason: 'returned_home', distanceMiles: 4 }], '2021-06-01');
  const oldBare = person([], '2021-06-01');
  // Before: the earliest episode (2019-03-01, the old child's) against the earliest closure (2021-06-01): 2021-06-01.
  t.equal(historyStart([north, old]), '2025-01-01', 'the open children’s histories start in 2025: the old child’s episodes do not carry it back');
  t.equal(historyStart([north, oldBare]), '2025-01-01', 'nor its closure alone');
  // Three closures in 2024-25, gaps of 156 and 189 days: a run (median 172.5 days, limit a year).
  const run = ['2024-02-10', '2024-07-15', '2025-01-20'].map((closed) =>
    person([{ startDate: '2023-01-01', endDate: closed, careState: 'placed_for_adoption', newPlacement: true, entry: 'planned', exitReason: 'adoption' }], closed),
  );
  const longAgo = person([{ startDate: '2014-05-01', careState: 'ifa_foster', newPlacement: true }]);
  t.equal(historyStart([longAgo, ...run]), '2024-02-10');
  // 2021-06-01 is 984 days before the run's first closure, beyond a year: before, 2021-06-01.
  t.equal(historyStart([longAgo, ...run, oldBare]), '2024-02-10', 'a closure years before the run, no episodes');
  t.equal(historyStart([longAgo, ...run, old]), '2024-02-10', 'the same with episodes');
  // Only closed cases: the earliest episode of every history, against the closed records.
  t.equal(historyStart(run), '2024-02-10', 'no case open: every history’s episodes (2023-01-01), then the closures');

  t.equal(closedRecordsStart([]), null, 'no closure: no closed records');
  t.equal(closedRecordsStart(['2021-06-01']), '2021-06-01', 'one closure: the records start there');
  t.equal(closedRecordsStart(['2021-06-01', '2024-02-10']), '2024-02-10', 'two, 984 days apart (limit a year): the later');
  t.equal(closedRecordsStart(['2024-07-15', '2021-06-01', '2025-01-20', '2024-02-10', '2024-02-10']), '2024-02-10', 'any order, repeats');
  // Weekly closures from 2024-01-01 (20 of them, the last 2024-05-13): median gap 7 days, limit the quarter's 92.
  const weekly = Array.from({ length: 20 }, (_, k) => new Date(Date.UTC(2024, 0, 1 + 7 * k)).toISOString().slice(0, 10));
  t.equal(weekly[19], '2024-05-13');
  t.equal(closedRecordsStart(weekly), '2024-01-01');
  t.equal(closedRecordsStart(['2023-09-01', ...weekly]), '2024-01-01', '122 days before a weekly run: not its start');
  t.equal(closedRecordsStart(['2023-11-01', ...weekly]), '2023-11-01', '61 days before: within the gap allowed, it is (documented)');
  // A break inside the run: the records start after the last break (a second weekly run 100 days after the first).
  const later = Array.from({ length: 10 }, (_, k) => new Date(Date.UTC(2024, 4, 13 + 100 + 7 * k)).toISOString().slice(0, 10));
  t.equal(closedRecordsStart([...weekly, ...later]), '2024-08-21', 'a 100-day gap after 2024-05-13: from 2024-08-21');
});

t.test('RECORDS_COMPLETE_FROM: the borough’s own day stands for the closed records’ start, on the scorecard, team view and pack', async (t) => {
  const person = (episodes: ScorecardPerson['history']['episodes'], closedOn: string | null = null): ScorecardPerson => ({
    teamId: null,
    keyWorkerReference: null,
    weeklyCommitment: 0,
    closedOn,
    history: { birthYear: 2012, birthMonth: 1, episodes },
  });
  const open = person([{ startDate: '2018-04-01', careState: 'inhouse_foster', newPlacement: true }]);
  const former = person([{ startDate: '2023-01-01', endDate: '2024-02-10', careState: 'ifa_foster', newPlacement: true, exitReason: 'special_guardianship' }], '2024-02-10');
  t.equal(historyStart([open, former]), '2024-02-10', 'worked out: the closure');
  t.equal(historyStart([open, former], '2023-01-01'), '2023-01-01', 'said: earlier than the closures');
  t.equal(historyStart([open, former], '2025-01-01'), '2025-01-01', 'said: later than the closures');
  t.equal(historyStart([open, former], '2010-01-01'), '2018-04-01', 'never before the open cases’ earliest episode');
  t.equal(historyStart([], '2020-01-01'), null, 'no episodes: no history, whatever is said');

  t.equal(recordsCompleteFromSetting(undefined), null);
  t.equal(recordsCompleteFromSetting(' '), null);
  t.equal(recordsCompleteFromSetting('2023-01-01'), '2023-01-01');
  for (const bad of ['2023-02-30', '2023-1-01', '01/01/2023', '0023-01-01', 'yesterday']) t.throws(() => recordsCompleteFromSetting(bad), /RECORDS_COMPLETE_FROM must be a day/, bad);

  // Through the API: one child looked after from 2018-04-01 (open), one closed on 2024-02-10.
  const { app, as } = await buildTestApp(t, { recordsCompleteFrom: '2023-01-01' });
  const north = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North', service: 'children_looked_after' } })).json().id;
  const stored = async (record: YoungPersonInputDto, episodes: Array<Record<string, unknown>>) => {
    const created = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
    t.equal(created.statusCode, 201, created.body.slice(0, 200));
    const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${created.json().id}/history`, payload: { episodes } });
    t.equal(put.statusCode, 200, put.body.slice(0, 300));
  };
  await stored(
    edgeOfCareRecord({ birthYear: 2012, birthMonth: 1, careState: 'inhouse_foster', legalStatus: 'care_order', placement: { type: 'inhouse_foster', provider: 'own_authority', weeklyPrice: 0, startDate: '2018-04-01' } as YoungPersonInputDto['placement'], teamId: north }),
    [{ startDate: '2018-04-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', distanceFromHomeMiles: 3 }],
  );
  await stored(edgeOfCareRecord({ birthYear: 2012, birthMonth: 1, teamId: north }), [
    { startDate: '2023-01-01', endDate: '2024-02-10', careState: 'ifa_foster', newPlacement: true, entry: 'planned', exitReason: 'special_guardianship', distanceFromHomeMiles: 40 },
  ]);
  for (const url of ['/v1/scorecard?asOf=2025-03-31&quarters=6', `/v1/teams/${north}/scorecard?asOf=2025-03-31&quarters=6`]) {
    const body = (await as('admin', { method: 'GET', url })).json() as { historyStart: string; groups: Array<{ measures: Measure[] }> };
    t.equal(body.historyStart, '2023-01-01', `${url}: the day said, not the closure (2024-02-10)`);
    const exits = body.groups.flatMap((g) => g.measures).find((m) => m.id === 'exits_adoption_sgo');
    // Years to 2023-12-31 (from 2023-01-01) on are complete by the borough's word: only none before.
    t.same(
      exits?.trend.map((q) => q.organisation.status ?? null),
      [null, null, null, null, null, null],
      `${url}: every quarter from 2023-12-31 available`,
    );
  }
  const pack = await packScorecard(app.db, new Date('2025-04-15T12:00:00Z'), undefined, '2023-01-01');
  t.equal(pack.historyStart, '2023-01-01', 'the pack reads the same day');
  t.equal((await packScorecard(app.db, new Date('2025-04-15T12:00:00Z'))).historyStart, '2024-02-10', 'without it, the closure');
});
