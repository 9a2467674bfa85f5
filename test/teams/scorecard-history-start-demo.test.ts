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
