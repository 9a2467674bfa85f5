import t from 'tap';
import { loadDemoCohortIfEmpty } from '../../src/demo/load-demo-cohort.ts';
import { addMonthsToIsoDate } from '../../src/demo/generate-demo-cohort.ts';
import { yearEnding } from '../../src/outcomes/scorecard.ts';
import { boardQuarterEnds } from '../../src/services/scorecard.ts';
import { buildTestApp } from '../helpers/app.ts';

/**
 * The reviewer's demo case (issue 17 review): the board reads 12 quarter ends, three years, but
 * the demo borough holds the cases closed in the two years and ten months before its as-of date
 * (src/demo/generate-demo-history.ts, FORMER_MONTHS), while today's children's episodes run back
 * to 2014. Years beginning before the first closure on record were shown as counts ("exits 0 of
 * 36"). The history starts on that first closure, and no yearly figure is given for a year
 * beginning before it, nor a snapshot figure for a quarter end before it.
 */

type CellDto = { numerator: unknown; denominator: unknown; value: unknown; rag: unknown; status?: string; historyStart?: string };
type Measure = { id: string; trend: Array<{ quarterEnd: string; organisation: CellDto; teams: CellDto[]; noTeam?: CellDto }> };

const YEARLY = ['three_or_more_placements', 'care_leavers_eet', 'care_leavers_suitable_accommodation', 'exits_adoption_sgo', 'unplanned_entries'];
const DAILY = ['placed_over_20_miles', 'long_term_stability'];

t.test('demo borough: no yearly figure for a year beginning before its history, on the board’s 12 quarters', async (t) => {
  const { app, as } = await buildTestApp(t);
  t.equal(await loadDemoCohortIfEmpty(app), 460);
  const today = new Date().toISOString().slice(0, 10);
  const ends = boardQuarterEnds(today);
  const closed = await app.db.selectFrom('young_people').select((eb) => eb.fn.min('closed_on').as('first')).executeTakeFirstOrThrow();
  const firstClosure = String(closed.first);
  const episodes = await app.db.selectFrom('care_episodes').select((eb) => eb.fn.min('start_date').as('first')).executeTakeFirstOrThrow();
  // The episodes run back years before the first closure (to 2014 before the loader's shift).
  t.ok(String(episodes.first) < addMonthsToIsoDate(firstClosure, -60), `episodes from ${episodes.first}, long before the first closure ${firstClosure}`);
  // The first closure is in the 34th month before the demo's as-of month (FORMER_MONTHS): within the board's three years.
  t.ok(firstClosure > ends[0] && firstClosure < ends[ends.length - 1], `the first closure ${firstClosure} falls within the board's quarters ${ends[0]} to ${ends[ends.length - 1]}`);

  for (const role of ['admin', 'board'] as const) {
    const response = await as(role, { method: 'GET', url: `/v1/scorecard?asOf=${ends[ends.length - 1]}&quarters=12` });
    t.equal(response.statusCode, 200);
    const body = response.json() as { historyStart: string; groups: Array<{ measures: Measure[] }> };
    t.equal(body.historyStart, firstClosure, `${role}: the history starts on the first closure on record`);
    const measures = body.groups.flatMap((g) => g.measures);
    let flagged = 0;
    for (const id of [...YEARLY, ...DAILY]) {
      const m = measures.find((x) => x.id === id);
      if (!m) throw new Error(`no ${id}`);
      t.same(
        m.trend.map((q) => q.quarterEnd),
        ends,
        `${role} ${id}: the board's 12 quarters`,
      );
      for (const q of m.trend) {
        const from = YEARLY.includes(id) ? yearEnding(q.quarterEnd).start : q.quarterEnd;
        const cells = [q.organisation, ...q.teams, ...(q.noTeam ? [q.noTeam] : [])];
        if (from < firstClosure) {
          flagged++;
          for (const c of cells) t.match(c, { numerator: null, denominator: null, value: null, rag: null, status: 'history_incomplete', historyStart: firstClosure }, `${role} ${id} ${q.quarterEnd}: not available`);
        } else {
          // The organisation's figure is a count (the board's organisation total of hundreds is shown).
          t.notOk(cells.some((c) => 'status' in c), `${role} ${id} ${q.quarterEnd}: available`);
          t.type(q.organisation.denominator, 'number', `${role} ${id} ${q.quarterEnd}: the organisation's denominator shown`);
        }
      }
    }
    // Hand count: the first closure falls in the 34th month back from the demo's as-of month, and
    // the board's last quarter end is in its as-of month or up to two before, so four or five
    // years to a quarter end begin before it for each of the five yearly measures, and the first
    // quarter end alone is before it for the two daily ones (one each).
    const yearly = ends.filter((q) => yearEnding(q).start < firstClosure).length;
    const daily = ends.filter((q) => q < firstClosure).length;
    t.comment(`${role}: history starts ${firstClosure} (episodes from ${episodes.first}); ${yearly} yearly and ${daily} daily quarter ends unavailable`);
    t.ok(yearly >= 4 && yearly <= 5, `${yearly} yearly quarters unavailable`);
    t.ok(daily <= 1, `${daily} daily quarters unavailable`);
    t.equal(flagged, 5 * yearly + 2 * daily, `${role}: ${flagged} measure-quarters flagged`);
  }
});

/**
 * Issue 17 review (second pass): one case recorded as closed long ago moved the history's start
 * back. On the demo an admin stored a child born February 2008, returned home, closed on 1 June
 * 2021; the start moved from the first closure of the demo's run (February 2024) to 2021-06-01,
 * and the board's quarter ending 31 December 2023 showed "exits 0 of 36" again. The closed
 * records run from the demo's first closure: a closure more than a quarter before the run (the
 * demo closes cases every few days) is not its start, with or without episodes; nor do the old
 * child's episodes (2019 to 2021) move it, nor a second such case.
 */
t.test('demo borough: a case closed long ago does not move the history’s start', async (t) => {
  const { app, as } = await buildTestApp(t);
  t.equal(await loadDemoCohortIfEmpty(app), 460);
  const today = new Date().toISOString().slice(0, 10);
  const ends = boardQuarterEnds(today);
  const closed = await app.db.selectFrom('young_people').select((eb) => eb.fn.min('closed_on').as('first')).executeTakeFirstOrThrow();
  const firstClosure = String(closed.first);
  const read = async (role: 'admin' | 'board') => {
    const response = await as(role, { method: 'GET', url: `/v1/scorecard?asOf=${ends[ends.length - 1]}&quarters=12` });
    t.equal(response.statusCode, 200, response.body.slice(0, 200));
    const body = response.json() as { historyStart: string; groups: Array<{ measures: Measure[] }> };
    const exits = body.groups.flatMap((g) => g.measures).find((m) => m.id === 'exits_adoption_sgo');
    return { start: body.historyStart, first: exits?.trend[0].organisation };
  };
  const before = await read('admin');
  t.equal(before.start, firstClosure, 'before: the first closure of the demo');

  // The reviewer's record: no placement, so no episode (README, "A record may be created closed").
  const record = {
    reference: 'OLD-2021',
    birthYear: 2008,
    birthMonth: 2,
    legalStatus: 'not_looked_after',
    tier: 2,
    careState: 'returned_home',
    needsProfile: { primaryNeed: 'family_dysfunction' },
    services: [],
    closedOn: '2021-06-01',
    closedReason: 'returned_home',
  };
  const created = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  t.equal(created.statusCode, 201, created.body.slice(0, 300));
  for (const role of ['admin', 'board'] as const) {
    const after = await read(role);
    t.equal(after.start, firstClosure, `${role}: the start stays on the demo's first closure (was 2021-06-01)`);
    t.match(after.first, { numerator: null, denominator: null, status: 'history_incomplete', historyStart: firstClosure }, `${role}: ${ends[0]} stays unavailable`);
  }

  // With a history in care from 2019 to the closing day, and a second case closed in 2021.
  const history = await as('admin', {
    method: 'PUT',
    url: `/v1/young-people/${created.json().id}/history`,
    payload: {
      episodes: [
        { startDate: '2019-03-01', endDate: '2021-06-01', careState: 'inhouse_foster', newPlacement: true, entry: 'planned', exitReason: 'returned_home', distanceFromHomeMiles: 4 },
      ],
    },
  });
  t.equal(history.statusCode, 200, history.body.slice(0, 300));
  const second = await as('admin', { method: 'POST', url: '/v1/young-people', payload: { ...record, reference: 'OLD-2021-B', closedOn: '2021-09-15' } });
  t.equal(second.statusCode, 201, second.body.slice(0, 300));
  for (const role of ['admin', 'board'] as const) {
    const after = await read(role);
    t.equal(after.start, firstClosure, `${role}: two old cases, one with episodes, do not move it either`);
    t.match(after.first, { status: 'history_incomplete', historyStart: firstClosure });
  }
});
