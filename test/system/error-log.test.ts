import t from 'tap';
import { errorSerializer } from '../../src/plugins/app/log-redaction.ts';
import { residentialRecord } from '../young-people/records.ts';
import { appWritingLog } from '../helpers/logged-app.ts';

/**
 * Review of 2 December, finding 1: a history CSV naming 65,601 references was one `in` list past
 * PostgreSQL's 65,535 bind parameters, so the import failed with a 500, and the error's log line
 * held every reference of the file (pino's standard serializer copies the error's `params`).
 */

t.test('errorSerializer keeps type, message, code, stack and cause; never the parameters; quoted values blanked', async (t) => {
  const cause = Object.assign(new Error('invalid input syntax for type uuid: "NV-0042"'), { code: '22P02', params: ['NV-0042'] });
  const error = Object.assign(new Error('duplicate key value violates unique constraint "young_people_reference_key"', { cause }), {
    code: '23505',
    detail: 'Key (reference)=(NV-0042) already exists.',
    params: ['NV-0042', 'NV-0043'],
    query: { sql: 'insert ...', parameters: ['NV-0042'] },
  });
  const line = errorSerializer(error);
  t.same(Object.keys(line).sort(), ['cause', 'code', 'message', 'stack', 'type']);
  t.equal(line.message, 'duplicate key value violates unique constraint "…"');
  t.equal(line.code, '23505');
  t.equal((line.cause as { message: string }).message, 'invalid input syntax for type uuid: "…"');
  t.notOk(JSON.stringify(line).includes('NV-004'), 'no reference anywhere in the line');
  t.same(errorSerializer('a string thrown'), { type: 'string', message: '', stack: '' });
});

t.test('a history CSV of 70,000 references: 422 with the first 100 problems, nothing stored, no reference in the log', async (t) => {
  const { app, lines, auth } = await appWritingLog(t, 'pathcast-error-log-');
  const person = (await app.inject({ method: 'POST', url: '/v1/young-people', headers: auth, payload: residentialRecord() })).json();
  // The stored person's row agrees with the record (its placement's start), so only the unknown references are problems.
  const rows = [`${person.reference},${person.placement.startDate},,residential`];
  for (let i = 0; i < 70_000; i++) rows.push(`ZZSECRET-${i},2020-01-01,,residential`);
  const csv = `reference,start_date,end_date,care_state\n${rows.join('\n')}\n`;
  const answer = await app.inject({ method: 'POST', url: '/v1/histories/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv });
  t.equal(answer.statusCode, 422, answer.body.slice(0, 300));
  const problem = answer.json();
  t.equal(problem.errors.length, 100);
  t.match(problem.detail, /70000 problem\(s\) in the file \(the first 100 listed\); nothing was stored/);
  t.match(problem.errors[0], { field: 'reference', reason: 'names no stored young person' });
  // Rows count the data rows from 1 (the header is not one): the stored person's is row 1.
  t.equal(problem.errors[0].row, 2, `the first unknown reference is row 2: ${JSON.stringify(problem.errors[0])}`);
  const history = (await app.inject({ method: 'GET', url: `/v1/young-people/${person.id}/history`, headers: auth })).json().items;
  t.equal(history.length, 1, 'the stored history is the record’s own episode');
  t.notOk(lines.join('').includes('ZZSECRET'), 'no reference of the file in the log');
});
