import ExcelJS from 'exceljs';
import t from 'tap';
import { buildScenarioPack } from '../../src/export/pack.ts';
import { members, packRun, pdfPages, reportSection, scenarioSpec, unzip } from './fixtures.ts';

// The report and workbook of runs without a capacity limit (issue 15): one sentence says places
// were unlimited, and a commissioned service's places are said to be allocated by the priority.
const flat = (s: string) => s.replace(/\s+/g, ' ');
const unlimited = 'No capacity limit was set, so places were unlimited: every child moving into a placement got one.';
const commissioned = 'A commissioned service starts at most its places in each financial year';

async function pack(spec: ReturnType<typeof scenarioSpec>, tail: string) {
  const run = await packRun(spec, members(24), { runs: 10, seed: 5, runId: `00000000-0000-4000-8000-0000000000${tail}` });
  const built = await buildScenarioPack({ runs: [run], createdAt: new Date('2026-11-30T10:00:00Z'), software: { name: 'pathcast', version: 'test' } });
  const files = unzip(built.zip);
  return { run, files, pages: (await pdfPages(files['report.pdf'])).map(flat) };
}

t.test('a commissioned service and no capacity limit: places unlimited, the service’s places by priority', async (t) => {
  const { run, files, pages } = await pack(scenarioSpec({ id: 'no-limit-commissioned' }), 'e1');
  t.equal(run.result.capacity?.limits.length, 0, 'no capacity limit');
  t.equal(run.result.capacity?.commissioned.length, 1, 'one commissioned service (MST, 12 a year)');
  const section = reportSection(pages, /Spend by agency over the planning years/, /Children looked after at each year end/);
  t.ok(section.includes(`Places. ${unlimited}`), 'the report says places were unlimited');
  t.ok(section.includes(commissioned), 'and how the service’s places are allocated');
  t.match(section, /longest waiting by default/);
  t.notMatch(pages.join('\n'), /Places: Edge-of-care/, 'no places section for a limit');
  t.ok(files['tables/capacity.csv'], 'a Capacity sheet for the service’s places');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(files['workbook.xlsx']) as unknown as ArrayBuffer);
  const notes: string[] = [];
  workbook.getWorksheet('Notes')?.eachRow((row) => {
    if (row.getCell(1).value === 'Capacity') notes.push(flat(String(row.getCell(3).value)));
  });
  t.equal(notes.length, 1, 'the Notes sheet has the Capacity sheet’s notes');
  t.ok(notes[0]?.includes('How places are allocated'), 'how places are allocated');
  t.ok(notes[0]?.includes(commissioned), 'a commissioned service’s places');
  t.ok(notes[0]?.includes(unlimited), 'and that places were unlimited');
});

t.test('neither a limit nor a commissioned service: the one sentence, no Capacity sheet', async (t) => {
  const spec = scenarioSpec({ id: 'no-places', strategy: { name: 'Set-up only', investment: [{ year: '2026-27', agency: 'childrens_social_care', amount: 20000, label: 'Set-up' }] } });
  const { run, files, pages } = await pack(spec, 'e2');
  t.notOk(run.result.capacity, 'no places held');
  t.notOk(files['tables/capacity.csv'], 'no Capacity sheet');
  const section = reportSection(pages, /Spend by agency over the planning years/, /Children looked after at each year end/);
  t.ok(section.includes(`Places. ${unlimited}`), 'the report says places were unlimited');
  t.notOk(section.includes(commissioned), 'nothing about a service it does not have');
});
