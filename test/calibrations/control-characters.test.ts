import t from 'tap';
import { escapeControl, parseCalibrationFields } from '../../src/services/calibrations.ts';

/** Control characters from the upload are never echoed raw (review of issue 11): escaped as \uXXXX and said. */
t.test('an unknown field name with a NUL comes back escaped', async (t) => {
  try {
    parseCalibrationFields({ 'inter\u0000valLevel': '0.9' });
    t.fail('refused');
  } catch (error) {
    const errors = (error as { errors: Array<{ field: string; reason: string }> }).errors;
    t.same(errors, [{ field: 'body/inter\\u0000valLevel', reason: 'is not a known field (its control characters are shown as \\uXXXX)' }]);
    t.notOk(JSON.stringify(errors).includes('\\u0000"') && JSON.stringify(errors).includes('\u0000'), 'no raw NUL');
    t.notOk((error as Error).message.includes('\u0000'), 'nor in the detail');
  }
});

t.test('file names: control characters escaped, not turned into "?"', async (t) => {
  t.equal(escapeControl('2024-episodes\u0000.csv'), '2024-episodes\\u0000.csv');
  t.equal(escapeControl('tab\there\u007f'), 'tab\\u0009here\\u007f');
  t.equal(escapeControl('plain.csv'), 'plain.csv');
});
