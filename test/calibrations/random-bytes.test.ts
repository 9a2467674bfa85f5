import fc from 'fast-check';
import { sql } from 'kysely';
import t from 'tap';
import { up as repair } from '../../migrations/2026-11-30-10-calibrations-without-nul.ts';
import { buildTestApp } from '../helpers/app.ts';
import { multipartForm } from './forms.ts';

/**
 * Random bytes in any cell of an upload (NUL and other control characters, broken UTF-8, quotes,
 * separators), then the calibrations are listed and read by another user: never a 5xx, whatever
 * was uploaded. One NUL byte stored in a json column used to make listCalibrations answer 500
 * for everyone, for good. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
 *
 * Bounded for CI: CALIBRATION_PROPERTY_RUNS sets the number of uploads (default 12).
 */

const RUNS = Number(process.env.CALIBRATION_PROPERTY_RUNS ?? 12);

const EPISODES = [
  ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE'],
  ['N1', '03/05/2023', 'S', 'C2', 'N1', 'U4', 'PR1', '', '', ''],
  ['N2', '10/04/2023', 'S', 'C2', 'N1', 'U5', 'PR4', '20/11/2023', 'E13', ''],
  ['N3', '01/06/2023', 'S', 'V2', 'N1', 'R1', 'PR3', '', '', ''],
];
const HEADER = [
  ['CHILD', 'SEX', 'DOB'],
  ['N1', '1', '14/07/2011'],
  ['N2', '2', '03/03/2015'],
  ['N3', '1', '22/09/2008'],
];

/** A table as CSV bytes, with the given raw bytes in place of one cell (or appended to it). */
function csvWith(table: string[][], row: number, column: number, bytes: Uint8Array, append: boolean): Buffer {
  const parts: Buffer[] = [];
  table.forEach((cells, r) => {
    cells.forEach((cell, c) => {
      if (c > 0) parts.push(Buffer.from(','));
      if (r === row && c === column) {
        if (append) parts.push(Buffer.from(cell));
        parts.push(Buffer.from(bytes));
      } else parts.push(Buffer.from(cell));
    });
    parts.push(Buffer.from('\r\n'));
  });
  return Buffer.concat(parts);
}

t.test('random bytes in cells, then list and read calibrations: 0 answers 5xx', async (t) => {
  const test = await buildTestApp(t);
  const statuses = new Map<number, number>();
  const note = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('episodes', 'header'),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 9 }),
      fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.constantFrom(new Uint8Array([0]), new Uint8Array([0x55, 0x00, 0x34]), new Uint8Array([0x1b, 0x5b, 0x41]), new Uint8Array([0xff, 0xfe]))),
      fc.boolean(),
      async (table, row, column, bytes, append) => {
        const episodes = table === 'episodes' ? csvWith(EPISODES, row, column, bytes, append) : csvWith(EPISODES, -1, -1, bytes, false);
        const header = table === 'header' ? csvWith(HEADER, row, column % 3, bytes, append) : csvWith(HEADER, -1, -1, bytes, false);
        const form = await multipartForm(
          [
            { name: '2024-episodes.csv', content: episodes },
            { name: `2024-header${bytes[0] === 0 ? '\u0000' : ''}.csv`, content: header },
          ],
          { backtestYear: 'none' },
        );
        const response = await test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form });
        note(response.statusCode);
        if (response.statusCode >= 500) return false;
        if (response.statusCode === 202) {
          await test.app.jobs.settledWithin(response.json().id, 60_000);
          const job = await test.as('commissioning', { method: 'GET', url: `/v1/jobs/${response.json().id}` });
          if (job.statusCode >= 500 || job.json().error?.status >= 500) return false;
        }
        const list = await test.as('board', { method: 'GET', url: '/v1/calibrations?limit=100' });
        if (list.statusCode !== 200) return false;
        for (const item of list.json().items as { links: { self: string } }[]) {
          const read = await test.as('board', { method: 'GET', url: item.links.self });
          if (read.statusCode !== 200) return false;
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
          if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(JSON.stringify(read.json()).replace(/\\u[0-9a-f]{4}/gi, ''))) return false;
        }
        return true;
      },
    ),
    { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? 903) },
  );
  t.notOk([...statuses.keys()].some((s) => s >= 500), `statuses seen: ${JSON.stringify(Object.fromEntries(statuses))}`);
});

t.test('a NUL in a code: stored without it, and every user can still list calibrations', async (t) => {
  const test = await buildTestApp(t);
  const episodes = csvWith(EPISODES, 1, 5, new Uint8Array([0x55, 0x34, 0x00]), false);
  const form = await multipartForm(
    [
      { name: '2024-episodes.csv', content: episodes },
      { name: '2024-header.csv', content: csvWith(HEADER, -1, -1, new Uint8Array(), false) },
    ],
    { backtestYear: 'none' },
  );
  const response = await test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form });
  t.equal(response.statusCode, 202, response.body.slice(0, 300));
  t.same(response.json().importSummary.actions.fixed, { control_characters: 1 }, 'reported as fixed in the summary');
  await test.app.jobs.settledWithin(response.json().id, 60_000);
  const list = await test.as('board', { method: 'GET', url: '/v1/calibrations' });
  t.equal(list.statusCode, 200);
  t.equal((await test.as('board', { method: 'GET', url: list.json().items[0].links.self })).statusCode, 200, 'the board reads it');
  // Row by row (and counts under 5) for a role with individual access.
  const calibration = (await test.as('commissioning', { method: 'GET', url: list.json().items[0].links.self })).json();
  t.match(calibration.cleaning.actions, [{ file: '2024-episodes.csv', row: 2, column: 'PLACE', code: 'control_characters', action: 'fixed' }]);
  t.equal(calibration.report.headline.entries, 3, 'U4 read as U4 once the NUL is gone');
});

t.test('a calibration stored with a NUL before the fix: the repair migration makes the list readable again', async (t) => {
  const test = await buildTestApp(t);
  const form = await multipartForm(
    [
      { name: '2024-episodes.csv', content: csvWith(EPISODES, -1, -1, new Uint8Array(), false) },
      { name: '2024-header.csv', content: csvWith(HEADER, -1, -1, new Uint8Array(), false) },
    ],
    { backtestYear: 'none' },
  );
  const response = await test.as('commissioning', { method: 'POST', url: '/v1/calibrations', ...form });
  await test.app.jobs.settledWithin(response.json().id, 60_000);
  // As an upload before the fix stored it: the NUL escaped in the json text.
  const poisoned = '{"files":[],"actions":[{"file":"2024-episodes.csv","row":2,"column":"PLACE","code":"unknown_code","action":"kept","detail":"U\\u0000 is not in the code list"}],"counts":{"unknown_code":{"kept":1}},"totals":{"children":3,"episodes":3,"oc3Records":0,"openAtEnd":2}}';
  await sql`UPDATE calibrations SET cleaning = ${poisoned}::json, sources = '[{"name":"a\\u0000.csv","bytes":1}]'::json`.execute(test.app.db);
  const broken = await test.as('board', { method: 'GET', url: '/v1/calibrations' });
  t.comment(`before the repair: ${broken.statusCode}`);
  await repair(test.app.db);
  const list = await test.as('board', { method: 'GET', url: '/v1/calibrations' });
  t.equal(list.statusCode, 200, list.body.slice(0, 200));
  t.equal((await test.as('board', { method: 'GET', url: list.json().items[0].links.self })).statusCode, 200, 'the board reads it');
  const read = await test.as('commissioning', { method: 'GET', url: list.json().items[0].links.self });
  t.equal(read.statusCode, 200);
  t.equal(read.json().cleaning.actions[0].detail, 'U? is not in the code list');
  t.equal(read.json().sources[0].name, 'a?.csv');
  const stored = await sql<{ text: string }>`SELECT cleaning::text AS text FROM calibrations`.execute(test.app.db);
  t.notOk(stored.rows[0].text.includes('\\u0000'), 'no NUL escape left');
  await repair(test.app.db);
  t.pass('the repair runs again harmlessly');
});
