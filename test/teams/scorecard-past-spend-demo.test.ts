import t from 'tap';
import { DEFAULT_CARE_STATES } from '../../src/catalog/vocabulary.ts';
import { loadDemoCohortIfEmpty } from '../../src/demo/load-demo-cohort.ts';
import { generateDemoHistory } from '../../src/demo/generate-demo-history.ts';
import { quarterEnds } from '../../src/outcomes/scorecard.ts';
import { buildTestApp } from '../helpers/app.ts';

/**
 * The demo borough's spend at past quarter ends is complete (issue 17, review finding 4): every
 * placement episode of its histories carries a weekly price, so no child is unpriced at any of
 * the trend's eight quarter ends, and the spend there is the moved and closed children's too.
 */

const placementStates = new Set(DEFAULT_CARE_STATES.filter((s) => s.placement).map((s) => s.id));

t.test('every placement episode the demo generates has a price: the current one the record’s, the rest drawn', async (t) => {
  const demo = generateDemoHistory();
  const episodes = [...[...demo.people.values()].flatMap((p) => p.episodes), ...demo.former.flatMap((f) => f.episodes), ...demo.careLeavers.flatMap((c) => c.episodes)];
  const placed = episodes.filter((e) => placementStates.has(e.careState));
  t.ok(placed.length > 500, `${placed.length} placement episodes`);
  t.same(placed.filter((e) => e.weeklyPrice === undefined), [], 'none without a price');
  t.same(episodes.filter((e) => !placementStates.has(e.careState) && e.weeklyPrice !== undefined), [], 'no price outside a placement');
  // Prices within the cohort's market (kinship £300 to a residential tail of £15,000; adoption £0).
  const prices = placed.map((e) => e.weeklyPrice as number);
  t.same(prices.filter((p) => !(p >= 0 && p <= 15_000 && Math.abs(Math.round(p * 100) - p * 100) < 1e-6)), [], 'each £0 to £15,000, whole pence');
  t.ok(placed.filter((e) => e.careState === 'placed_for_adoption').every((e) => e.weeklyPrice === 0), 'placed for adoption: no fee');
});

t.test('demo borough: no child unpriced at the last eight quarter ends; the spend there counts who has moved or closed since', async (t) => {
  const { app, as } = await buildTestApp(t);
  t.equal(await loadDemoCohortIfEmpty(app), 460);
  const today = new Date().toISOString().slice(0, 10);
  const figures: string[] = [];
  for (const day of quarterEnds(today, 8)) {
    const body = (await as('admin', { method: 'GET', url: `/v1/scorecard?asOf=${day}&quarters=1` })).json();
    const spend = body.groups.flatMap((g: { measures: Array<{ id: string }> }) => g.measures).find((m: { id: string }) => m.id === 'spend_against_budget');
    for (const cell of [spend.organisation, ...spend.teams, spend.noTeam]) {
      t.equal(cell.unpricedChildren, 0, `${day}: no child unpriced`);
      t.equal(cell.spendComplete, true);
    }
    t.ok(spend.organisation.numerator > 0);
    figures.push(`${day} £${Math.round(spend.organisation.numerator)} ${spend.organisation.value}%`);
  }
  t.comment(figures.join('; '));
});
