import t from 'tap';
import { investorIrrWords, sharePercent } from '../../src/export/report.ts';
import { formatPounds, signedPercent1 } from '../../src/services/wording.ts';
import { ragWords, scorecardReportRows, scorecardTable } from '../../src/export/scorecard-sheet.ts';

// Words the board reads in the pack (issue 17 review, finding 11).

t.test('a share difference that rounds to zero is 0.0%, never -0.0%', async (t) => {
  t.equal(sharePercent(-0.0004), '0.0%');
  t.equal(sharePercent(0.0004), '0.0%');
  t.equal(sharePercent(-0.0006), '-0.1%');
  t.equal(sharePercent(0.1234), '12.3%');
  t.equal(sharePercent('<5'), 'withheld');
});

t.test('spend against budget: a withheld spend says so; a team without a budget says that, not "No data"', async (t) => {
  t.equal(ragWords({ numerator: null, denominator: 250_000, value: null, rag: null, vsTarget: null }, 'money'), 'Withheld (small count)');
  t.equal(ragWords({ numerator: 1200.5, denominator: null, value: null, rag: null, vsTarget: null }, 'money'), 'No budget set');
  t.equal(ragWords({ numerator: 0, denominator: 0, value: null, rag: null, vsTarget: null }, 'count'), 'No data');
  t.equal(ragWords({ numerator: 'c', denominator: 12, value: null, rag: null, vsTarget: null }, 'count'), 'Withheld (small count)');
  t.equal(ragWords({ numerator: 3, denominator: 12, value: 25, rag: 'red', vsTarget: 5 }, 'count'), 'Red (off target)');
});

t.test('the trend columns are headed by the day they are read on, and a note says what they cover', async (t) => {
  const cell = { numerator: 3, denominator: 12, value: 25, rag: 'red' as const, vsTarget: 5 };
  const table = scorecardTable({
    asOf: '2026-09-30',
    disclosure: 'full',
    note: 'Every figure as counted.',
    teams: [],
    groups: [
      {
        id: 'young_peoples_outcomes',
        label: 'Young people’s outcomes',
        measures: [{ id: 'three_or_more_placements', label: '3 or more placements', kind: 'count', unit: 'percent', direction: 'lower', target: 10, organisation: cell, teams: [], trend: [{ quarterEnd: '2026-06-30', organisation: cell, teams: [] }] }],
      },
    ],
  } as unknown as Parameters<typeof scorecardTable>[0]);
  t.same(
    table.columns.filter((c) => c.key.startsWith('quarter_')).map((c) => c.header),
    ['As of 2026-06-30'],
  );
  t.match(table.notes.join(' '), /over the 12 months to that day for measures of a year/);
  t.match(table.notes.join(' '), /It is not the quarter’s own three months/);
});

t.test('money words: a loss that rounds to nothing is £0, never -£0', async (t) => {
  t.equal(formatPounds(-0.4), '£0');
  t.equal(formatPounds(-0), '£0');
  t.equal(formatPounds(0.4), '£0');
  t.equal(formatPounds(-0.5), '-£1', 'half a pound rounds away from zero, a loss still');
  t.equal(formatPounds(-1234), '-£1,200');
  t.equal(formatPounds(-9_499), '-£9,500');
  t.equal(formatPounds(142_400), '£142,000');
});

t.test('a signed rate: + for a gain, - for a loss, no sign when it rounds to 0.0%', async (t) => {
  t.equal(signedPercent1(0.032), '+3.2%');
  t.equal(signedPercent1(-0.032), '-3.2%');
  t.equal(signedPercent1(-5 / 6), '-83.3%');
  t.equal(signedPercent1(1.5), '+150.0%');
  t.equal(signedPercent1(-0.0004), '0.0%');
  t.equal(signedPercent1(0.00049), '0.0%');
  t.equal(signedPercent1(0), '0.0%');
});

t.test('the investor IRR cell is signed both ways and says how many runs it covers', async (t) => {
  t.equal(investorIrrWords({ p50: -0.032 }, 37, 200), '-3.2% over 37 of 200 runs');
  t.equal(investorIrrWords({ p50: 0.032 }, 200, 200), '+3.2% over 200 of 200 runs');
  t.equal(investorIrrWords(null, 0, 200), 'n/a');
});

t.test('an incomplete spend (spendComplete false) reads “at least” on the sheet, now and in each quarter, and in the report', async (t) => {
  // One child priced at £1,000 a week, one unpriced: £52,178.57 a year known of a £100,000 budget, 52.2%.
  const incomplete = { numerator: 52178.57, denominator: 100000, value: 52.2, rag: null, vsTarget: null, unpricedChildren: 1, spendComplete: false };
  // A quarter later the second child is priced at £350: £70,441.07, 70.4%, red against a 60% target.
  const complete = { numerator: 70441.07, denominator: 100000, value: 70.4, rag: 'red' as const, vsTarget: 10.4, unpricedChildren: 0, spendComplete: true };
  // Withheld (the board's small numbers) and incomplete: no figure to call a floor.
  const withheld = { numerator: null, denominator: 100000, value: null, rag: null, vsTarget: null, unpricedChildren: '<5', spendComplete: false };
  const scorecard = {
    asOf: '2025-12-31',
    disclosure: 'full',
    note: 'Every figure as counted.',
    teams: [
      { id: 'n', name: 'North', service: 'children_looked_after' },
      { id: 's', name: 'South', service: 'children_looked_after' },
    ],
    groups: [
      {
        id: 'finance',
        label: 'Finance',
        measures: [
          {
            id: 'spend_against_budget',
            label: 'Spend committed against budget',
            kind: 'money',
            unit: 'percent',
            direction: 'lower',
            target: 60,
            organisation: incomplete,
            teams: [
              { ...complete, teamId: 'n' },
              { ...withheld, teamId: 's' },
            ],
            trend: [
              { quarterEnd: '2025-09-30', organisation: incomplete, teams: [{ ...incomplete, teamId: 'n' }, { ...withheld, teamId: 's' }] },
              { quarterEnd: '2025-12-31', organisation: complete, teams: [{ ...complete, teamId: 'n' }, { ...withheld, teamId: 's' }] },
            ],
          },
        ],
      },
    ],
  };
  const table = scorecardTable(scorecard);
  const at = (key: string) => table.columns.findIndex((c) => c.key === key);
  const pick = (row: unknown[]) => ['scope', 'actual', 'vs_target', 'rag', 'numerator', 'denominator', 'quarter_2025-09-30', 'quarter_2025-12-31'].map((k) => row[at(k)]);
  t.same(
    table.rows.map(pick),
    [
      ['Organisation', 'at least 52.2', null, 'Incomplete (1 unpriced)', 'at least 52178.57', 100000, 'at least 52.2', 70.4],
      ['North', 70.4, 10.4, 'Red (off target)', 70441.07, 100000, 'at least 52.2', 70.4],
      ['South', null, null, 'Incomplete (<5 unpriced)', null, 100000, null, null],
    ],
    'the actual, the spend and each incomplete quarter are floors; complete figures and missing ones as they are',
  );
  t.match(table.notes.join(' '), /“at least”: a spend on a day some children’s placement price is not recorded/);
  t.same(
    scorecardReportRows(scorecard).rows,
    [['Finance', 'Spend committed against budget (lower is better)', '60%', 'at least 52.2%', '70.4% Red', 'withheld']],
    'the report: at least for the incomplete figure, withheld where there is none',
  );
});
