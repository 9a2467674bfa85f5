import { sql } from 'kysely';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { residentialRecord } from '../young-people/records.ts';

/**
 * Erasure deletes a young person's care episodes; VACUUM FULL must rewrite care_episodes too, or
 * the deleted history stays in the table's data file (defect: ERASURE_TABLES left it out).
 * A rewritten table has a new file node on both back ends.
 */
t.test('erasure rewrites care_episodes (the history) to new files', async (t) => {
  const { app, as } = await buildTestApp(t);
  const person = (await as('admin', { method: 'POST', url: '/v1/young-people', payload: residentialRecord() })).json();
  t.equal((await as('admin', { method: 'GET', url: `/v1/young-people/${person.id}/history` })).json().items.length, 1);
  const fileNode = async () => (await sql<{ relfilenode: number }>`select relfilenode from pg_class where relname = 'care_episodes'`.execute(app.db)).rows[0].relfilenode;
  const before = await fileNode();
  t.equal((await as('admin', { method: 'DELETE', url: `/v1/young-people/${person.id}` })).statusCode, 200);
  t.not(await fileNode(), before, 'care_episodes was rewritten');
  t.equal((await app.db.selectFrom('care_episodes').select('id').execute()).length, 0);
});
