import t from 'tap';
import { loadDemoCohortIfEmpty } from '../../src/demo/load-demo-cohort.ts';
import { buildTestApp } from '../helpers/app.ts';

/**
 * The board's view of "placed more than 20 miles from home" on the demo borough (issue 17
 * review): the two children-looked-after teams' rows were hidden ("c") in six of the eight
 * quarters of the trend. The children looked after whose distance is not known are a count of
 * their own on the board's view (looked after less distance known; NESTED_DENOMINATORS in
 * src/services/scorecard.ts), hidden at 1-4 with the team's denominators; with the history's
 * placements as often not known as DfE reports (5%), only one quarter is. Loaded as on 1
 * December 2026, read at 30 September 2026 (a quarter end, as the board reads it).
 */

type Cell = { numerator: number | string | null; denominator: number | string | null; value: number | null };
type Measure = { id: string; teams: Array<Cell & { teamId: string }>; trend: Array<{ quarterEnd: string; teams: Array<Cell & { teamId: string }> }> };

t.test('the board sees the looked-after teams’ share placed over 20 miles in most quarters', async (t) => {
  const { app, as } = await buildTestApp(t);
  t.equal(await loadDemoCohortIfEmpty(app, { today: new Date('2026-12-01T00:00:00Z') }), 460);
  const body = (await as('board', { method: 'GET', url: '/v1/scorecard?asOf=2026-09-30&quarters=8' })).json() as { teams: Array<{ id: string; service: string }>; groups: Array<{ measures: Measure[] }> };
  const cla = new Set(body.teams.filter((x) => x.service === 'children_looked_after').map((x) => x.id));
  const measure = body.groups.flatMap((g) => g.measures).find((m) => m.id === 'placed_over_20_miles') as Measure;
  t.equal(measure.trend.length, 8);
  const shown = measure.trend.filter((q) => q.teams.filter((c) => cla.has(c.teamId)).every((c) => c.value !== null));
  t.ok(shown.length >= 6, `CLA teams' shares shown in ${shown.length} of 8 quarters (${measure.trend.map((q) => `${q.quarterEnd}: ${q.teams.filter((c) => cla.has(c.teamId)).map((c) => `${c.numerator}/${c.denominator}`).join(', ')}`).join('; ')})`);
  t.ok(measure.teams.filter((c) => cla.has(c.teamId)).every((c) => c.value !== null), 'and today');
});
