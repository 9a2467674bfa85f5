import { zipSync } from 'fflate';
import t from 'tap';
import { dayNumber } from '../../src/calibration/dates.ts';
import { type MergedEpisode, mergeCorrectedStarts, resolveOverlaps } from '../../src/calibration/episodes.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { decodeText } from '../../src/calibration/input.ts';
import { ReportCollector } from '../../src/calibration/report.ts';
import { DomainError } from '../../src/services/errors.ts';

/** Cleaning episodes: how a child's episodes relate, and the input forms around them. */

const EPISODES_HEADER = 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE';
const file = (name: string, ...lines: string[]) => ({ name, buffer: Buffer.from(`${lines.join('\r\n')}\r\n`) });
const d = (y: number, m: number, day: number) => dayNumber(y, m, day);

function episode(over: Partial<MergedEpisode>): MergedEpisode {
  return { child: 'c', decom: d(2023, 5, 1), dec: null, knownOpenUntil: d(2024, 4, 1), rne: 'S', ls: 'C2', place: 'U4', provider: 'PR1', rec: null, rpc: null, file: 'f', row: 2, firstReturn: 2024, lastReturn: 2024, ...over };
}

t.test('a corrected start between returns: one episode, the later return’s date', async (t) => {
  const collector = new ReportCollector();
  const earlier = episode({ decom: d(2022, 5, 12), firstReturn: 2023, lastReturn: 2023, knownOpenUntil: d(2023, 4, 1) });
  const later = episode({ decom: d(2022, 5, 10), firstReturn: 2024, lastReturn: 2024, row: 3 });
  const kept = mergeCorrectedStarts([earlier, later], collector);
  t.same(kept, [{ ...later, firstReturn: 2023 }]);
  t.match(collector.actions, [{ code: 'conflicting_returns', column: 'DECOM', action: 'fixed', detail: /earlier by 2 day/ }]);
  const otherPlace = mergeCorrectedStarts([{ ...earlier }, { ...later, place: 'R1' }], new ReportCollector());
  t.equal(otherPlace.length, 2, 'a different placement is a different episode');
  const laterStart = mergeCorrectedStarts([{ ...earlier }, { ...later, decom: d(2023, 6, 1) }], new ReportCollector());
  t.equal(laterStart.length, 2, 'an episode begun within the next return’s year is not a correction');
});

t.test('re-entry after an open episode: closed with no reason before the month of the new entry', async (t) => {
  const collector = new ReportCollector();
  const a = episode({ decom: d(2023, 6, 10) });
  const b = episode({ decom: d(2023, 11, 15), rne: 'S', place: 'R1', row: 3 });
  resolveOverlaps([a, b], d(2024, 4, 1), collector);
  t.equal(a.dec, d(2023, 11, 1), 'the month start before the new entry’s first month start is not in the old episode');
  t.equal(a.rec, null, 'no X1: the reason is unknown');
  t.match(collector.actions, [{ code: 'reentry_after_open_episode', action: 'fixed' }]);
  const onFirst = episode({ decom: d(2023, 6, 10) });
  resolveOverlaps([onFirst, episode({ decom: d(2023, 11, 1), rne: 'S' })], d(2024, 4, 1), new ReportCollector());
  t.equal(onFirst.dec, d(2023, 10, 1), 'a new entry on the 1st: the old episode’s observation ends a month before');
  const moved = episode({ decom: d(2023, 6, 10) });
  resolveOverlaps([moved, episode({ decom: d(2023, 11, 15), rne: 'P' })], d(2024, 4, 1), new ReportCollector());
  t.same([moved.dec, moved.rec], [d(2023, 11, 15), 'X1'], 'any other RNE: a move, the old episode ends that day with X1');
});

t.test('same-day episodes in one file or across returns: the continuing one is kept', async (t) => {
  const header = file('2024-header.csv', 'CHILD,DOB', '1,01/01/2012');
  const inOne = await importSsda903([file('2024-episodes.csv', EPISODES_HEADER, '1,01/06/2023,P,V2,N1,U6,PR4,,,', '1,01/06/2023,S,V2,N1,U4,PR1,01/06/2023,X1,PLACE'), header], { pseudonymKey: 'k' });
  t.match(inOne.episodes, [{ start: '2023-06-01', end: null, place: 'U6' }]);
  t.match(inOne.report.actions.filter((a) => a.code === 'zero_length_episode'), [{ row: 3, action: 'dropped' }]);
  const across = await importSsda903(
    [
      file('2023-episodes.csv', EPISODES_HEADER, '1,01/03/2023,S,V2,N1,U4,PR1,01/03/2023,X1,PLACE'),
      file('2024-episodes.csv', EPISODES_HEADER, '1,01/03/2023,P,V2,N1,U6,PR4,,,'),
      file('2023-header.csv', 'CHILD,DOB', '1,01/01/2012'),
      header,
    ],
    { pseudonymKey: 'k' },
  );
  t.match(across.episodes, [{ start: '2023-03-01', end: null, place: 'U6' }]);
});

t.test('a file with month-first dates is refused whole, naming file, column and row', async (t) => {
  try {
    await importSsda903([file('2024-episodes.csv', EPISODES_HEADER, '1,05/06/2023,S,V2,N1,U6,PR4,,,', '2,06/13/2023,S,V2,N1,U6,PR4,,,'), file('2024-header.csv', 'CHILD,DOB', '1,01/01/2012', '2,01/01/2012')]);
    t.fail('expected 400');
  } catch (error) {
    t.ok(error instanceof DomainError);
    t.equal((error as DomainError).status, 400);
    t.match((error as DomainError).message, /2024-episodes.csv: the dates in DECOM are written with day and month the other way round/);
    t.match((error as DomainError).errors, [{ field: '2024-episodes.csv: DECOM', row: 3 }]);
  }
});

t.test('one month-first date in a day-first file is a typo, not the file’s order', async (t) => {
  const imported = await importSsda903([file('2024-episodes.csv', EPISODES_HEADER, '1,25/06/2023,S,V2,N1,U6,PR4,,,', '2,06/13/2023,S,V2,N1,U6,PR4,,,'), file('2024-header.csv', 'CHILD,DOB', '1,01/01/2012', '2,01/01/2012')], { pseudonymKey: 'k' });
  t.equal(imported.episodes.length, 1);
  t.match(imported.report.actions.filter((a) => a.code === 'invalid_date'), [{ row: 3, column: 'DECOM', action: 'dropped' }]);
  t.match(imported.report.warnings, [/2024-episodes.csv: row 3 has a DECOM that reads only month first \(06\/13\/2023\)/], 'the typo shows as a warning, before the counts');
});

t.test('dates written both ways in one file: refused whole, never half-read', async (t) => {
  // Rows 2-3 read only day first, rows 4-5 only month first; row 6 (03/05/2023) reads either way,
  // which is why the file cannot be read: its order is unknowable.
  const lines = ['1,25/06/2023,S,V2,N1,U6,PR4,,,', '2,20/07/2023,S,V2,N1,U6,PR4,,,', '3,06/13/2023,S,V2,N1,U6,PR4,,,', '4,07/21/2023,S,V2,N1,U6,PR4,,,', '5,03/05/2023,S,V2,N1,U6,PR4,,,'];
  const header = file('2024-header.csv', 'CHILD,DOB', ...[1, 2, 3, 4, 5].map((c) => `${c},01/01/2012`));
  try {
    await importSsda903([file('2024-episodes.csv', EPISODES_HEADER, ...lines), header]);
    t.fail('expected 400');
  } catch (error) {
    t.equal((error as DomainError).status, 400);
    t.match((error as DomainError).message, /2024-episodes.csv: the dates in DECOM are written both ways round: 2 read only month first \(row 4.*only day first \(row 2\)/);
    t.match((error as DomainError).errors, [{ field: '2024-episodes.csv: DECOM', reason: 'dates are written both day first and month first', row: 4 }]);
  }
});

t.test('a YEAR column that contradicts the file name on most rows is refused, naming both', async (t) => {
  const rows = ['1,01/06/2023,S,V2,N1,U6,PR4,,,,2024', '2,01/07/2023,S,V2,N1,U6,PR4,,,,2024'];
  const header = file('2023-header.csv', 'CHILD,DOB', '1,01/01/2012', '2,01/01/2012');
  try {
    await importSsda903([file('2023-episodes.csv', `${EPISODES_HEADER},YEAR`, ...rows), header]);
    t.fail('expected 400');
  } catch (error) {
    t.equal((error as DomainError).status, 400);
    t.match((error as DomainError).message, /2023-episodes.csv: the file name gives return year 2023, but 2 of 2 rows give another YEAR/);
    t.match((error as DomainError).errors, [{ field: '2023-episodes.csv: YEAR' }]);
  }
  // One row in two is not most: kept, reported, the name's year used.
  const imported = await importSsda903(
    [file('2024-episodes.csv', `${EPISODES_HEADER},YEAR`, '1,01/06/2023,S,V2,N1,U6,PR4,,,,2024', '2,01/07/2023,S,V2,N1,U6,PR4,,,,2023'), file('2024-header.csv', 'CHILD,DOB', '1,01/01/2012', '2,01/01/2012')],
    { pseudonymKey: 'k' },
  );
  t.same(imported.returnYears, [2024]);
  t.match(imported.report.actions, [{ code: 'year_mismatch', column: 'YEAR', action: 'kept', detail: /1 of 2 row/ }]);
});

t.test('YYYY-DD-MM is refused whole too', async (t) => {
  try {
    await importSsda903([file('2024-episodes.csv', EPISODES_HEADER, '1,2023-05-06,S,V2,N1,U6,PR4,,,'), file('2024-header.csv', 'CHILD,DOB', '1,2012-20-01')]);
    t.fail('expected 400');
  } catch (error) {
    t.equal((error as DomainError).status, 400);
    t.match((error as DomainError).errors, [{ field: '2024-header.csv: DOB', row: 2 }]);
  }
});

t.test('text encodings: UTF-8 with or without a mark, UTF-16 either way, Windows-1252', async (t) => {
  const text = 'CHILD,NOTE\r\n1,café\r\n';
  t.same(decodeText(Buffer.from(text, 'utf8')), { text, encoding: 'utf-8' });
  t.same(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])), { text, encoding: 'utf-8' });
  t.same(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), { text, encoding: 'utf-16le' });
  t.same(decodeText(Buffer.from(text, 'utf16le')), { text, encoding: 'utf-16le' }, 'UTF-16 without its mark');
  const be = Buffer.from(text, 'utf16le').swap16();
  t.same(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be])), { text, encoding: 'utf-16be' });
  t.same(decodeText(Buffer.from(text, 'latin1')), { text, encoding: 'windows-1252' });
  t.equal(decodeText(Buffer.from([0x31, 0x2c, 0x80])).text, '1,€', 'Windows-1252, not Latin-1: 0x80 is the euro sign');
});

t.test('a zip that keeps each year in a folder: the folder names the year', async (t) => {
  const zip = zipSync({
    'returns/2023-24/episodes.csv': Buffer.from(`${EPISODES_HEADER}\r\n1,01/06/2023,S,V2,N1,U6,PR4,,,\r\n`),
    'returns/2023-24/header.csv': Buffer.from('CHILD,DOB\r\n1,01/01/2012\r\n'),
  });
  const imported = await importSsda903([{ name: 'returns.zip', buffer: zip }], { pseudonymKey: 'k' });
  t.same(imported.returnYears, [2024]);
  t.same(imported.report.files.map((f) => f.name).sort(), ['2023-24/episodes.csv', '2023-24/header.csv']);
});
