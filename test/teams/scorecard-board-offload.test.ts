import t from 'tap';
import { getScorecard, loadScorecardData, type ScorecardAnswerOptions, scorecardAnswer, type ScorecardCompute } from '../../src/services/scorecard.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { addHandBorough } from './hand-borough.ts';

/**
 * The board's scorecard worked out off the request thread (src/services/offload.ts, a real worker
 * thread) and cached by the data it is computed from (getScorecard's boardCache). The borough is
 * the hand-made one of test/outcomes/hand-history.ts (North A-E, South F-J) plus the reviewer's
 * small team: three looked-after children in independent foster care, the case that made the
 * board's read take 7-9 s of the service thread.
 */

const NEEDS = { primaryNeed: 'absent_parenting', disability: false, specialEducationalNeeds: 'none', mentalHealth: false, youthJusticeInvolvement: false, exploitationRisk: false };

async function addSmallTeam(as: TestApp['as']): Promise<{ team: string; children: string[] }> {
  const team = (await as('admin', { method: 'POST', url: '/v1/teams', payload: { name: 'Small team', service: 'children_looked_after', annualBudget: 50_000 } })).json().id;
  const children: string[] = [];
  for (const [i, [birthYear, startDate]] of ([[2014, '2023-01-01'], [2013, '2025-06-01'], [2015, '2021-03-01']] as const).entries()) {
    const created = await as('admin', {
      method: 'POST',
      url: '/v1/young-people',
      payload: {
        reference: `SM-${i}`,
        birthYear,
        birthMonth: 5,
        legalStatus: 'care_order',
        tier: 4,
        needsProfile: NEEDS,
        services: [],
        careState: 'ifa_foster',
        teamId: team,
        placement: { type: 'ifa_foster', provider: 'private', weeklyPrice: 900, startDate, distanceFromHomeMiles: 8 + i * 10 },
      },
    });
    if (created.statusCode !== 201) throw new Error(`SM-${i} refused: ${created.body}`);
    children.push(created.json().id);
  }
  return { team, children };
}

// Read on 15 April 2026: the board's quarter ends run to 31 March 2026, the hand counts' year.
const BOARD: ScorecardAnswerOptions = { asOf: '2026-03-31', quarters: 8, protect: true, today: '2026-04-15' };

type Cell = { numerator: unknown; denominator: unknown; teamId?: string };
type Answer = Awaited<ReturnType<typeof getScorecard>>;
const measureOf = (answer: Answer, id: string) => answer.groups.flatMap((g) => g.measures).find((m) => m.id === id) as unknown as { organisation: Cell; teams: Cell[] };

t.test('with a small team, the board answer worked out on the worker thread equals the in-thread computation', async (t) => {
  const app = await buildTestApp(t, { workerThreads: 1 });
  await addHandBorough(app.as);
  const { team } = await addSmallTeam(app.as);
  const offloaded = await getScorecard(app.app.db, BOARD, app.app.offload);
  const inThread = scorecardAnswer(await loadScorecardData(app.app.db), BOARD);
  t.same(offloaded, inThread);
  // The protection ran: the small team's three children looked after at 31 March show as "<5".
  t.match(
    measureOf(offloaded, 'three_or_more_placements').teams.find((c) => c.teamId === team),
    { denominator: '<5' },
  );
  // The team view, through the route (the worker thread again), is a slice of the same answer.
  const view = (await app.as('board', { method: 'GET', url: `/v1/teams/${team}/scorecard?asOf=2026-03-31&quarters=8` })).json();
  t.equal(view.disclosure, 'protected');
});

t.test('the board cache serves an answer again only for the same data: a change is seen on the next read', async (t) => {
  const app = await buildTestApp(t);
  await addHandBorough(app.as);
  const { team, children } = await addSmallTeam(app.as);
  // Counts the computations (each runs scorecardAnswer in this thread, as WORKER_THREADS=0 does).
  let computed = 0;
  const compute: ScorecardCompute = {
    scorecard: async (data, options) => {
      computed++;
      return scorecardAnswer(data, options);
    },
  };
  const read = () => getScorecard(app.app.db, BOARD, compute);
  const smallTeamLookedAfter = (answer: Answer) => measureOf(answer, 'three_or_more_placements').teams.find((c) => c.teamId === team)?.denominator;

  const first = await read();
  t.equal(computed, 1);
  t.equal(smallTeamLookedAfter(first), '<5');
  const again = await read();
  t.equal(computed, 1, 'the same data: served from the cache');
  t.same(again, first);
  // Each reader has its own copy: changing one answer changes no other.
  (again as { asOf: string }).asOf = 'changed';
  t.equal((await read()).asOf, '2026-03-31');
  t.equal(computed, 1);

  // Another quarter or another trend length is another answer.
  await getScorecard(app.app.db, { ...BOARD, quarters: 4 }, compute);
  t.equal(computed, 2);

  // Two more looked-after children in the small team: five, shown as 5.
  for (const reference of ['SM-3', 'SM-4']) {
    const created = await app.as('admin', {
      method: 'POST',
      url: '/v1/young-people',
      payload: {
        reference,
        birthYear: 2014,
        birthMonth: 5,
        legalStatus: 'care_order',
        tier: 4,
        needsProfile: NEEDS,
        services: [],
        careState: 'ifa_foster',
        teamId: team,
        placement: { type: 'ifa_foster', provider: 'private', weeklyPrice: 900, startDate: '2024-01-01', distanceFromHomeMiles: 5 },
      },
    });
    t.equal(created.statusCode, 201);
  }
  const five = await read();
  t.equal(computed, 3, 'new records: computed again');
  t.equal(smallTeamLookedAfter(five), 5);
  t.same(five, scorecardAnswer(await loadScorecardData(app.app.db), BOARD), 'as the data now say');

  // A target changed: the colours are of the new thresholds.
  const put = await app.as('admin', { method: 'PUT', url: '/v1/scorecard/targets/three_or_more_placements', payload: { target: 1, green: 2, amber: 3 } });
  t.equal(put.statusCode, 200);
  const retargeted = await read();
  t.equal(computed, 4, 'a new target: computed again');
  t.match(measureOf(retargeted, 'three_or_more_placements'), { target: 1, green: 2, amber: 3 });

  // A record erased drops out: back to three children, "<5" again.
  const erased = await app.as('admin', { method: 'DELETE', url: `/v1/young-people/${children[0]}` });
  t.ok(erased.statusCode < 300, `erased (${erased.statusCode})`);
  const fewer = await read();
  t.equal(computed, 5, 'an erased record: computed again');
  t.equal(smallTeamLookedAfter(fewer), '<5');
  t.same(fewer, scorecardAnswer(await loadScorecardData(app.app.db), BOARD));
});
