import ExcelJS from 'exceljs';
import t from 'tap';
import { occupancyChartSpec } from '../../src/export/charts.ts';
import { buildScenarioPack } from '../../src/export/pack.ts';
import { members, packRun, pdfPages, reportSection, scenarioSpec, text, unzip } from './fixtures.ts';

// 6 in-house foster places (5 of the cohort in them at the start) for a cohort of 40 with entrants wanting them: the capacity sheet,
// the occupancy chart and the report's places section (issue 15).
const spec = scenarioSpec({
  id: 'capacity-pack',
  capacity: [{ state: 'inhouse_foster', places: 6, overflowTo: 'ifa_foster', waiting: true }],
  entrants: [{ fromYears: 2, toYears: 12, population: 20000, ratePer10000: 20, startingStates: { inhouse_foster: 1 } }],
});
const run = await packRun(spec, members(40), { runs: 40, seed: 9, runId: '00000000-0000-4000-8000-00000000000c' });
const capacity = run.result.capacity;
if (!capacity) throw new Error('no capacity summary');
const pack = await buildScenarioPack({ runs: [run], createdAt: new Date('2026-11-30T10:00:00Z'), software: { name: 'pathcast', version: 'test' } });
const files = unzip(pack.zip);

t.test('the workbook has a Capacity sheet with the places and the children in them at each 31 March', async (t) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(files['workbook.xlsx']) as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('Capacity');
  t.ok(sheet, 'a Capacity sheet');
  const csv = text(files['tables/capacity.csv']);
  const baseline = capacity.limits.find((l) => l.variant === 'baseline');
  if (!baseline) throw new Error('no baseline limit');
  // The first 31 March is month 11 (projection starts in April 2026).
  const march = baseline.occupancyByMonth[11];
  t.equal(march.financialYear, '2026-27');
  t.equal(march.capacity, 6);
  t.ok(march.occupied.p90 <= 6, 'P90 within the places');
  t.match(csv, /Places,2026-27,places,6,/, 'places row');
  // lifetimeYears 8 from 2026-27: the projection ends on 31 March 2034, the last 31 March of the table.
  t.equal(baseline.occupancyByMonth.length, 96);
  t.equal(baseline.occupancyByMonth[95].financialYear, '2033-34');
  const years = [...csv.matchAll(/,baseline,Places,(\d{4}-\d{2}),/g)].map((m) => m[1]);
  t.same(years, ['2026-27', '2027-28', '2028-29', '2029-30', '2030-31', '2031-32', '2032-33', '2033-34'], 'every 31 March, the final one included');
  t.match(csv, /Children who waited/);
  t.match(csv, /How places are allocated|Overflow cost/);
  t.ok(baseline.waited >= 10, `${baseline.waited} waited a run: the waiting figures are shown`);
  t.match(csv, new RegExp(`Children who waited,,children,${Math.round(baseline.waited * 10) / 10}`.replace('.', '\\.')));
});

t.test('an occupancy chart against capacity, and the report says how places are allocated', async (t) => {
  t.ok(files['charts/occupancy-inhouse-foster.svg'], 'occupancy chart');
  t.match(text(files['charts/occupancy-inhouse-foster.svg']), /<svg/);
  const pages = (await pdfPages(files['report.pdf'])).join('\n');
  t.match(pages, /How places are allocated/);
  t.match(pages, /longest waiting by default/, 'the default priority is named');
  t.match(pages, /Places: /);
  t.match(reportSection(pages.split('\n'), /Places: /), /31 March 2034/, 'the final 31 March in the places table');
  const flat = (s: string) => s.replace(/\s+/g, ' ');
  t.ok(flat(pages).includes(flat(occupancyChartSpec(run, 0).description)), 'the chart’s caption under it');
  t.ok(flat(pages).includes('A commissioned service starts at most its places in each financial year'), 'how a service’s places are allocated');
  t.notMatch(pages, /No capacity limit was set/, 'a limit was set');
});
