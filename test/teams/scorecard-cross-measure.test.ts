import t from 'tap';
import { derivableFigures, type Relation } from '../../src/export/disclosure.ts';
import type { YoungPersonInputDto } from '../../src/schemas/young-people.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { edgeOfCareRecord } from '../young-people/records.ts';

/**
 * Disclosure across measures (issue 17 review): the board reads several shares whose
 * denominators count nested groups of the same children. A hand-made borough at 31 March 2026:
 *   North: 8 children in care since February 2020 (born January 2014, so 12; one placement,
 *          3 miles from home) and 3 children in care since 1 June 2025 (the same otherwise);
 *   South: 10 children in care since February 2020, as North's 8.
 * By hand: children looked after at 31 March (three or more placements' denominator): North 11,
 * South 10, organisation 21; under 16 in care 2.5 years or more (long-term stability's): North
 * 8, South 10, organisation 18; distance known (placed over 20 miles'): 11, 10, 21. Every count
 * is 0 or at least 5, so each measure protected alone shows everything, and 11 − 8 = 3 says
 * that three of North's children came into care in the last 2.5 years: a count of 1-4 read by
 * subtracting one measure's denominator from another's. The same 3 at every quarter end from
 * 30 June 2025 (the three were in care by then).
 */

const OUTER = 'three_or_more_placements';
const INNERS = ['long_term_stability', 'placed_over_20_miles'];

async function addChild(as: TestApp['as'], teamId: string, start: string) {
  const careState = 'inhouse_foster';
  const record = edgeOfCareRecord({
    birthYear: 2014,
    birthMonth: 1,
    careState: careState as YoungPersonInputDto['careState'],
    legalStatus: 'care_order',
    placement: { type: careState, provider: 'own_authority', weeklyPrice: 0, startDate: start, distanceFromHomeMiles: 3 } as YoungPersonInputDto['placement'],
    teamId,
  });
  const created = await as('admin', { method: 'POST', url: '/v1/young-people', payload: record });
  if (created.statusCode !== 201) throw new Error(`refused: ${created.body}`);
  const episodes = [{ startDate: start, careState, newPlacement: true, entry: 'planned', distanceFromHomeMiles: 3 }];
  const put = await as('admin', { method: 'PUT', url: `/v1/young-people/${created.json().id}/history`, payload: { episodes } });
  if (put.statusCode !== 200) throw new Error(`history refused: ${put.body}`);
}

type Shown = number | string | null;
type CellDto = { numerator: Shown; denominator: Shown; teamId?: string };
type View = { organisation: CellDto; teams: CellDto[]; noTeam?: CellDto };
type MeasureDto = View & { id: string; trend: Array<View & { quarterEnd: string }> };

t.test('a count of 1-4 cannot be recovered by subtracting one measure’s denominator from another’s', async (t) => {
  const { as } = await buildTestApp(t);
  const north = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'North', service: 'children_looked_after' } })).json().id;
  const south = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'South', service: 'children_looked_after' } })).json().id;
  for (let i = 0; i < 8; i++) await addChild(as, north, '2020-02-01');
  for (let i = 0; i < 3; i++) await addChild(as, north, '2025-06-01');
  for (let i = 0; i < 10; i++) await addChild(as, south, '2020-02-01');

  const get = async (role: 'head_of_service' | 'board') => {
    const res = await as(role, { method: 'GET', url: '/v1/scorecard?asOf=2026-03-31&quarters=4' });
    t.equal(res.statusCode, 200, role);
    const measures = res.json().groups.flatMap((g: { measures: MeasureDto[] }) => g.measures) as MeasureDto[];
    return (id: string) => measures.find((m) => m.id === id) as MeasureDto;
  };

  // The hand counts, as the full scorecard shows them.
  const full = await get('head_of_service');
  const dens = (m: MeasureDto) => [...m.teams.map((c) => c.denominator), m.noTeam?.denominator, m.organisation.denominator];
  t.same(dens(full(OUTER)), [11, 10, 0, 21], 'children looked after at 31 March');
  t.same(dens(full('long_term_stability')), [8, 10, 0, 18], 'under 16 in care 2.5 years or more');
  t.same(dens(full('placed_over_20_miles')), [11, 10, 0, 21], 'distance known');
  t.same(full('long_term_stability').teams.map((c) => c.teamId), [north, south]);

  // The board's JSON: in every view (31 March and each quarter end of the trend), the figures a
  // reader could put side by side.
  const board = await get('board');
  const views = (m: MeasureDto): View[] => [m, ...m.trend];
  t.equal(views(board(OUTER)).length, 5);
  for (const [k, outerView] of views(board(OUTER)).entries()) {
    const label = k === 0 ? 'now' : board(OUTER).trend[k - 1].quarterEnd;
    const cellsOf = (v: View) => [...v.teams, v.noTeam as CellDto, v.organisation];
    const outer = cellsOf(outerView);
    for (const innerId of INNERS) {
      const inner = cellsOf(views(board(innerId))[k]);
      // Side by side in one cell: never two shown denominators 1-4 apart.
      outer.forEach((o, i) => {
        if (typeof o.denominator === 'number' && typeof inner[i].denominator === 'number') {
          const gap = o.denominator - inner[i].denominator;
          t.notOk(gap >= 1 && gap <= 4, `${label}, ${innerId}, cell ${i}: ${o.denominator} − ${inner[i].denominator} = ${gap} is not shown`);
        }
      });
      // Nor through the team totals: no hidden denominator of either measure can be worked out
      // from the shown ones (teams and no team add up to the organisation).
      const n = outer.length;
      const values = [...outer, ...inner].map((c) => (typeof c.denominator === 'number' ? c.denominator : 0));
      const hidden = [...outer, ...inner].map((c) => typeof c.denominator === 'string');
      const relations: Relation[] = [0, n].map((o) => ({ parts: Array.from({ length: n - 1 }, (_, i) => o + i), total: o + n - 1 }));
      t.same(derivableFigures(values, hidden, relations), [], `${label}, ${innerId}: no hidden denominator is determined`);
    }
    // The reviewer's case by name: North's 11 and 8 (and the organisation's 21 and 18) are not both shown.
    const lts = cellsOf(views(board('long_term_stability'))[k]);
    t.notOk(typeof outer[0].denominator === 'number' && typeof lts[0].denominator === 'number', `${label}: North's two denominators are not both shown`);
    t.notOk(typeof outer[3].denominator === 'number' && typeof lts[3].denominator === 'number', `${label}: the organisation's two are not both shown`);
  }
  // South's figures have nothing to hide from a neighbour 1-4 away, but North's are hidden in the
  // team totals, so one more figure of each vector goes with them: the board still sees a figure.
  t.ok(
    views(board(OUTER)).some((v) => [...v.teams, v.organisation].some((c) => typeof c.denominator === 'number')),
    'not everything is hidden',
  );
});
