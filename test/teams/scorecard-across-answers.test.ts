import fc from 'fast-check';
import t from 'tap';
import type { ScorecardPerson, ScorecardTeam } from '../../src/outcomes/scorecard.ts';
import { boardQuarterEnds, type CellDto, scorecardCells } from '../../src/services/scorecard.ts';
import { buildTestApp } from '../helpers/app.ts';
import { addHandBorough } from './hand-borough.ts';
import { randomPerson } from '../helpers/random-histories.ts';

/**
 * The board reads the scorecard at any quarter end with any number of quarters, and keeps every
 * answer (issue 17 review: a team's "<5" was worked out as 123 + 45 − 49 from figures of answers
 * for different quarters, each answer protected on its own, so the same quarter showed a figure
 * in one answer that another hid). The rule now: on a day, every quarter end the board can read is
 * protected as one set and each answer is a slice of it (src/services/scorecard.ts
 * scorecardCells), so every answer shows each quarter exactly as every other answer does, and
 * what a reader can do with all of them together is what they can do with the whole set (whose
 * protection test/teams/scorecard-flow-identity.test.ts checks, the flow identity included).
 */

const TEAMS: ScorecardTeam[] = [
  { id: 'A', name: 'Team A', service: 'children_looked_after', annualBudget: null },
  { id: 'B', name: 'Team B', service: 'leaving_care', annualBudget: null },
];

const personArb = randomPerson({ birthYears: [2004, 2016], firstWithin: 1200, maxEpisodes: 4, lengths: [20, 500] });

/** The board's quarter ends in the random histories' span (2022-2025). */
const QUARTER_ENDS = ['2023-03-31', '2023-06-30', '2023-09-30', '2023-12-31', '2024-03-31', '2024-06-30', '2024-09-30', '2024-12-31', '2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31'];

type Answer = ReturnType<typeof scorecardCells>;
/** Every figure of an answer keyed by (measure, quarter end): the cells as shown. */
function byQuarter(answer: Answer, asOf: string): Map<string, CellDto[]> {
  const out = new Map<string, CellDto[]>();
  for (const m of answer) {
    m.result.trend.forEach((q, k) => {
      out.set(`${m.result.definition.id} ${q.quarterEnd}`, m.trend[k]);
    });
    if (m.result.trend.length > 0) out.set(`${m.result.definition.id} ${asOf} (now)`, m.now);
  }
  return out;
}
/** The board's answer read on 10 January 2026 (so every quarter end of QUARTER_ENDS can be asked for). */
const answer = (people: ScorecardPerson[], asOf: string, quarters: number) => scorecardCells({ people, teams: TEAMS, thresholds: new Map(), asOf, quarters, protect: true, today: '2026-01-10' });

t.test('the board reads the last 12 quarter ends on or before today', async (t) => {
  t.same(boardQuarterEnds('2026-01-10'), QUARTER_ENDS, 'read on 10 January 2026: 31 March 2023 to 31 December 2025');
  t.equal(boardQuarterEnds('2026-03-31').at(-1), '2026-03-31', 'a quarter end is its own latest');
  t.equal(boardQuarterEnds('2026-03-31')[0], '2023-06-30');
});

t.test('property: every answer the board can read shows each quarter as every other answer does', async (t) => {
  let compared = 0;
  let hiddenCompared = 0;
  fc.assert(
    fc.property(
      fc.array(personArb, { minLength: 4, maxLength: 10 }),
      fc.constantFrom(...QUARTER_ENDS),
      fc.constantFrom(...QUARTER_ENDS),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 8 }),
      (raw, day1, day2, q1, q2) => {
        const people = raw;
        const [a, b] = [byQuarter(answer(people, day1, q1), day1), byQuarter(answer(people, day2, q2), day2)];
        // The now view of an answer is its last quarter's: the same figures.
        for (const [key, cells] of [...a, ...b]) {
          if (!key.endsWith('(now)')) continue;
          const quarter = key.replace(' (now)', '');
          const same = a.get(quarter) ?? b.get(quarter);
          if (JSON.stringify(same) !== JSON.stringify(cells)) return false;
        }
        for (const [key, cells] of a) {
          const other = b.get(key);
          if (!other) continue;
          compared++;
          if (cells.some((c) => typeof c.numerator === 'string' || typeof c.denominator === 'string')) hiddenCompared++;
          if (JSON.stringify(other) !== JSON.stringify(cells)) return false;
        }
        return true;
      },
    ),
    { numRuns: Number(process.env.ACROSS_ANSWERS_RUNS ?? 6), seed: Number(process.env.ACROSS_ANSWERS_SEED ?? 1217) },
  );
  t.ok(compared > 0, `measure-quarters compared: ${compared}`);
  t.ok(hiddenCompared > 0, `of which with a hidden figure: ${hiddenCompared}`);
});

t.test('the board over HTTP: answers for different quarter ends and lengths agree on every quarter they share', async (t) => {
  const app = await buildTestApp(t);
  await addHandBorough(app.as);
  const read = async (asOf: string, quarters: number) => {
    const res = await app.as('board', { method: 'GET', url: `/v1/scorecard?asOf=${asOf}&quarters=${quarters}` });
    t.equal(res.statusCode, 200, `board reads asOf ${asOf}, ${quarters} quarters`);
    const body = res.json() as { groups: Array<{ measures: Array<{ id: string; trend: Array<{ quarterEnd: string }> }> }> };
    const out = new Map<string, string>();
    for (const g of body.groups) for (const m of g.measures) for (const q of m.trend) out.set(`${m.id} ${q.quarterEnd}`, JSON.stringify(q));
    return out;
  };
  const answers = [await read('2026-03-31', 8), await read('2025-12-31', 3), await read('2025-09-30', 6), await read('2026-06-30', 2)];
  let shared = 0;
  for (let i = 0; i < answers.length; i++) {
    for (let j = i + 1; j < answers.length; j++) {
      for (const [key, figures] of answers[i]) {
        const other = answers[j].get(key);
        if (other === undefined) continue;
        shared++;
        t.equal(other, figures, `${key}: the same in both answers`);
      }
    }
  }
  t.ok(shared >= 7 * 6, `measure-quarters shared between the answers: ${shared}`);
  // Before the quarter ends the board can read: refused, naming the field.
  const first = boardQuarterEnds(new Date().toISOString().slice(0, 10))[0];
  const early = `${Number(first.slice(0, 4)) - 1}${first.slice(4)}`;
  const refused = await app.as('board', { method: 'GET', url: `/v1/scorecard?asOf=${early}` });
  t.equal(refused.statusCode, 400, `the board asking for ${early} is refused`);
  t.match(refused.json(), { errors: [{ field: 'querystring/asOf', reason: /last 12 quarter ends/ }] });
  const full = await app.as('head_of_service', { method: 'GET', url: `/v1/scorecard?asOf=${early}` });
  t.equal(full.statusCode, 200, 'a role with individual access reads any day');
});
