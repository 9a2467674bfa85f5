import t from 'tap';
import { recogniseTable, returnYearFromCell, returnYearFromName, TABLES, tableFromColumns } from '../../src/calibration/tables.ts';

/** Recognising the tables of an upload: by columns first, then by name; return years from names and cells. */

t.test('return years from file names: a single year ends the return, a range names its two years', async (t) => {
  const cases: [string, number | undefined][] = [
    ['2024-episodes.csv', 2024],
    ['SSDA903_2023-24_episodes.csv', 2024],
    ['903_2023_24_header.csv', 2024],
    ['episodes 2023-2024.csv', 2024],
    ['header_202324.csv', 2024],
    ['1999-00-header.csv', 2000],
    ['2023-24/episodes.csv', 2024],
    ['episodes.csv', undefined],
    ['2023-25-episodes.csv', 2023],
    ['v12345-episodes.csv', undefined],
  ];
  for (const [name, year] of cases) t.equal(returnYearFromName(name), year, name);
});

t.test('return years from a YEAR cell', async (t) => {
  t.equal(returnYearFromCell('2024'), 2024);
  t.equal(returnYearFromCell(' 2023-24 '), 2024);
  t.equal(returnYearFromCell('2023/24'), 2024);
  t.equal(returnYearFromCell('2023-2024'), 2024);
  t.equal(returnYearFromCell('2023-25'), undefined, 'not one year apart');
  t.equal(returnYearFromCell('last year'), undefined);
  t.equal(returnYearFromCell(''), undefined);
});

t.test('each table of the return is recognised by its own columns, whatever its name', async (t) => {
  // The columns each table has in the open validator's configuration (lac_validator/config.py).
  const columns: Record<string, string[]> = {
    episodes: ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN'],
    header: ['CHILD', 'SEX', 'DOB', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB'],
    uasc: ['CHILD', 'SEX', 'DOB', 'DUC'],
    oc3: ['CHILD', 'DOB', 'IN_TOUCH', 'ACTIV', 'ACCOM'],
    oc2: ['CHILD', 'DOB', 'SDQ_SCORE', 'SDQ_REASON', 'CONVICTED', 'HEALTH_CHECK', 'IMMUNISATIONS', 'TEETH_CHECK', 'HEALTH_ASSESSMENT', 'SUBSTANCE_MISUSE', 'INTERVENTION_RECEIVED', 'INTERVENTION_OFFERED'],
    ad1: ['CHILD', 'DOB', 'DATE_INT', 'DATE_MATCH', 'FOSTER_CARE', 'NB_ADOPTR', 'SEX_ADOPTR', 'LS_ADOPTR'],
    placed_for_adoption: ['CHILD', 'DOB', 'DATE_PLACED', 'DATE_PLACED_CEASED', 'REASON_PLACED_CEASED'],
    previous_permanence: ['CHILD', 'DOB', 'PREV_PERM', 'LA_PERM', 'DATE_PERM'],
    missing: ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'],
    reviews: ['CHILD', 'DOB', 'REVIEW', 'REVIEW_CODE'],
    social_worker_episodes: ['CHILD', 'DOB', 'SW_ID', 'SW_DECOM', 'SW_DEC', 'SW_REASON'],
  };
  t.same(Object.keys(columns).sort(), TABLES.map((x) => x.kind).sort(), 'every table is covered');
  for (const [kind, cols] of Object.entries(columns)) {
    t.equal(tableFromColumns(cols), kind, `${kind} by its columns`);
    t.equal(recogniseTable('2024-data.csv', [...cols, 'LA', 'YEAR'])?.kind, kind, `${kind} with LA and YEAR added, under a name that says nothing`);
    t.equal(recogniseTable('2024-episodes.csv', cols)?.kind, kind, `${kind} even when named episodes`);
  }
  t.equal(recogniseTable('2024-uasc.csv', ['CHILD', 'SEX', 'DOB'])?.kind, 'uasc', 'a UASC table without DUC is told by its name');
  t.equal(recogniseTable('2024-header.csv', ['CHILD', 'SEX', 'DOB'])?.kind, 'header');
  t.equal(recogniseTable('2024-sw_episodes.csv', [])?.kind, 'social_worker_episodes', 'by name alone, sw_episodes is not episodes');
  t.equal(recogniseTable('2024-episodes.csv', ['CHILD', 'WHEN'])?.kind, 'episodes', 'unrecognisable columns: the name decides (then missing columns are reported)');
  t.equal(recogniseTable('notes.csv', ['WHAT', 'WHEN']), undefined);
});
