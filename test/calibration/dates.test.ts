import fc from 'fast-check';
import t from 'tap';
import { dayNumber, excelSerial, isoDate, onlyMonthFirst, readDate } from '../../src/calibration/dates.ts';

/** Date cells as real returns write them, read the same; what cannot be read safely is refused. */

t.test('one date in every accepted form reads as the same day', async (t) => {
  const day = dayNumber(2023, 5, 3);
  for (const text of ['03/05/2023', '3/5/2023', '03-05-2023', '03.05.2023', '2023-05-03', '2023/05/03', '2023-05-03 00:00:00', '2023-05-03 00:00', '2023-05-03T00:00:00.000Z', '2023-05-03T00:00:00+00:00', '03/05/2023 00:00:00', '3 May 2023', '03-May-2023', '3 may 2023']) {
    t.equal(readDate(text, { serials: true })?.day, day, text);
  }
  t.same(readDate('45049', { serials: true }), { day, form: 'serial' }, 'Excel serial 45049 = 03/05/2023 (counted from 1899-12-30)');
  t.equal(readDate('45049'), undefined, 'serials only where asked for');
  t.equal(readDate('45250', { serials: true })?.day, dayNumber(2023, 11, 20), '45250 = 20/11/2023 (the NOTE’s figure)');
});

t.test('what is refused rather than guessed', async (t) => {
  for (const text of ['31/02/2024', '2023-05-03 13:45:00', '2023-05-02T23:00:00Z', '03/05/23', '03-05/2023', '60', '999999', 'soon', '', '2023-5-3x']) {
    t.equal(readDate(text, { serials: true }), undefined, JSON.stringify(text));
  }
});

t.test('month-first dates are told apart', async (t) => {
  t.ok(onlyMonthFirst('05/13/2023'));
  t.ok(onlyMonthFirst('12-31-2023'));
  t.notOk(onlyMonthFirst('13/05/2023'));
  t.notOk(onlyMonthFirst('05/06/2023'), 'ambiguous is not evidence');
  t.ok(onlyMonthFirst('2023-13-05'), 'YYYY-DD-MM');
  t.notOk(onlyMonthFirst('2023-05-13'));
});

t.test('property: every form of any day from 1900 to 2200 reads back as that day', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: dayNumber(1900, 3, 1), max: dayNumber(2200, 12, 31) }), (day) => {
      const [y, m, d] = isoDate(day).split('-');
      const forms = [`${d}/${m}/${y}`, `${Number(d)}/${Number(m)}/${y}`, `${y}-${m}-${d}`, `${y}-${m}-${d} 00:00:00`, String(excelSerial(day))];
      return forms.every((text) => readDate(text, { serials: true })?.day === day);
    }),
    { numRuns: 500 },
  );
  t.pass('checked');
});
