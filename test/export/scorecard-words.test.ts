import t from 'tap';
import { investorIrrWords, sharePercent } from '../../src/export/report.ts';
import { formatPounds, signedPercent1 } from '../../src/services/wording.ts';
import { ragWords, scorecardTable } from '../../src/export/scorecard-sheet.ts';

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
