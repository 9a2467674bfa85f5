import fc from 'fast-check';
import t from 'tap';
import { type ExportDocument, formatPounds, parsePounds, projectedOutcomeRows, toCsv, ukDate } from '../../src/export/young-person.ts';
import { boroughByMonth, type BoroughRecord, protectBorough } from '../../src/services/borough.ts';

/** The pure parts of the individual exports and the borough view, without the app. */

t.test('pounds: formatted with £, thousands and pence, and read back exactly', async (t) => {
  t.equal(formatPounds(1234.5), '£1,234.50');
  t.equal(formatPounds(-31000), '-£31,000.00');
  t.equal(formatPounds(0), '£0.00');
  fc.assert(
    fc.property(fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }), (pennies) => parsePounds(formatPounds(pennies / 100)) === pennies / 100),
    { numRuns: 2000 },
  );
});

t.test('UK dates', async (t) => {
  t.equal(ukDate('2026-11-30'), '30 November 2026');
  t.equal(ukDate('2027-03-01T12:00:00Z'), '1 March 2027');
});

t.test('CSV: byte-order mark, CRLF, quoting, and no formula can run', async (t) => {
  const doc: ExportDocument = {
    fileStem: 'x',
    heading: ['A, "quoted" heading'],
    tables: [{ title: 'T', columns: [{ header: 'Name', kind: 'text' }, { header: 'Amount', kind: 'money' }, { header: 'Days', kind: 'integer' }], rows: [['=SUM(A1)', 1234.5, 7], ['+1', -2, null], ['@x', 0, 0]] }],
  };
  const csv = toCsv(doc);
  t.equal(csv.charCodeAt(0), 0xfeff, 'starts with the byte-order mark');
  t.same(csv.slice(1).split('\r\n'), ['"A, ""quoted"" heading"', '', 'T', 'Name,Amount,Days', "'=SUM(A1),\"£1,234.50\",7", "'+1,-£2.00,", "'@x,£0.00,0", '']);
});

t.test('projected outcome rows: the answer’s figures by year and measure, EET only at 19 to 21, null kept empty', async (t) => {
  const year = (financialYear: string, ageOn31March: number, eet: { mean: number; se: number } | null) => ({
    financialYear,
    ageOn31March,
    probabilityInCare: 0.25,
    threeOrMorePlacementsShare: null,
    // More than 6 decimals: written as the answer rounds a share (half away from zero).
    shareWithin20Miles: { mean: 0.123_456_5, se: 0.01 },
    probabilityCareLeaver: 0.5,
    eetShareOfCareLeaver: eet,
  });
  const rows = projectedOutcomeRows('Stay', [year('2031-32', 18, null), year('2032-33', 19, { mean: 0.6, se: 0.05 })]);
  const within = ['within_20_miles', 'Looked after on 31 March: placed within 20 miles of home', 0.25, 0.123457, 0.01];
  const stability = ['three_or_more_placements', 'Looked after on 31 March: three or more placements in the year', 0.25, null, null];
  t.same(rows, [
    ['Stay', '2031-32', '31 March 2032', 18, ...within],
    ['Stay', '2031-32', '31 March 2032', 18, ...stability],
    ['Stay', '2032-33', '31 March 2033', 19, ...within],
    ['Stay', '2032-33', '31 March 2033', 19, ...stability],
    ['Stay', '2032-33', '31 March 2033', 19, 'care_leavers_eet', 'Care leavers aged 19-21: in education, employment or training', 0.5, 0.6, 0.05],
  ]);
  const csv = toCsv({ fileStem: 'x', heading: [], tables: [{ title: 'P', columns: [{ header: 'Share', kind: 'share' }, { header: 'SE', kind: 'share' }], rows: [[0.123457, null]] }] });
  t.same(csv.slice(1).split('\r\n'), ['', 'P', 'Share,SE', '0.123457,', ''], 'a share as a plain number, a null share empty');
});

const placed = (type: string, weeklyPrice: number, startDate: string, birthYear = 2012, birthMonth = 6): BoroughRecord => ({ birthYear, birthMonth, placement: { type, weeklyPrice, startDate }, services: [] });

t.test('borough: a month’s totals are the sums of its types; protected figures never show 1 to 4', async () => {
  const arbRecord = fc.record({
    type: fc.constantFrom('residential', 'ifa_foster', 'inhouse_foster', 'secure_home'),
    pennies: fc.integer({ min: 0, max: 2_000_000 }),
    day: fc.integer({ min: 0, max: 900 }),
  });
  fc.assert(
    fc.property(fc.array(arbRecord, { maxLength: 30 }), (list) => {
      const records = list.map((r) => placed(r.type, r.pennies / 100, new Date(Date.UTC(2025, 0, 1) + r.day * 86_400_000).toISOString().slice(0, 10)));
      const months = boroughByMonth(records, 2026, 11, 4);
      for (const m of months) {
        const children = m.byType.reduce((s, c) => s + (c.children as number), 0);
        const pennies = m.byType.reduce((s, c) => s + Math.round((c.placementSpend as number) * 100), 0);
        if (children !== m.total.children || pennies !== Math.round((m.total.placementSpend as number) * 100)) return false;
      }
      for (const m of protectBorough(months)) {
        const cells = [...m.byType, m.total];
        if (cells.some((c) => typeof c.children === 'number' && c.children > 0 && c.children < 5)) return false;
        // Money of a hidden group is never shown, nor the total beside it.
        if (m.byType.some((c) => typeof c.children === 'string' && c.placementSpend !== null)) return false;
        if (m.byType.some((c) => typeof c.children === 'string') && m.total.placementSpend !== null) return false;
      }
      return true;
    }),
    { numRuns: 200 },
  );
});

t.test('borough: a placement started mid-month counts that month, pro rata; a children’s placement ends at 18', async (t) => {
  // 16 November 2026: 15 days of November at £700 a week = £1,500.
  const [nov, dec] = boroughByMonth([placed('residential', 700, '2026-11-16')], 2026, 11, 2);
  t.same(nov.byType.find((c) => c.type === 'residential'), { type: 'residential', children: 1, placementSpend: 1500, servicesSpend: 0 });
  t.equal(dec.total.placementSpend, 3100);
  // Born December 2008: 18 on 1 December 2026, so November only.
  const months = boroughByMonth([placed('residential', 700, '2025-01-01', 2008, 12)], 2026, 11, 2);
  t.same(months.map((m) => m.total.children), [1, 0]);
});

t.test('a second reader: LibreOffice opens the xlsx and reads every sheet’s figures as written', async (t) => {
  const { existsSync } = await import('node:fs');
  const { mkdtemp, readFile, readdir, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { budgetExport, toXlsx } = await import('../../src/export/young-person.ts');
  if (!existsSync('/usr/bin/soffice')) throw new Error('No LibreOffice at /usr/bin/soffice: apt-get install -y libreoffice-calc to run this test');
  const budget = {
    youngPersonId: '00000000-0000-4000-8000-000000000000',
    from: '2026-12-01',
    until: '2027-11-30',
    days: 365,
    total: 354_571.43,
    byAgency: [{ agency: 'childrens_social_care' as const, amount: 354_571.43 }],
    byFinancialYear: [
      { financialYear: '2026-27', amount: 117_542.86, byAgency: [{ agency: 'childrens_social_care' as const, amount: 117_542.86 }] },
      { financialYear: '2027-28', amount: 237_028.57, byAgency: [{ agency: 'childrens_social_care' as const, amount: 237_028.57 }] },
    ],
    lines: [
      {
        kind: 'placement' as const,
        name: 'residential',
        agency: 'childrens_social_care' as const,
        weeklyCost: 6800,
        from: '2026-12-01',
        until: '2027-11-30',
        days: 365,
        amount: 354_571.43,
        byFinancialYear: [
          { financialYear: '2026-27', days: 121, amount: 117_542.86 },
          { financialYear: '2027-28', days: 244, amount: 237_028.57 },
        ],
      },
    ],
    method: 'm',
    money: { currency: 'GBP' as const, priceBase: 'cash' as const, deflatorFactor: 1 as const, discountRate: null, basis: 'cash' as const, statement: 's' },
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'pathcast-lo-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'budget.xlsx'), await toXlsx(budgetExport(budget, 'CP-1', new Date(Date.UTC(2026, 10, 30)))));
  // Filter options: comma, double quote, UTF-8, from row 1; the 12th token -1 writes every sheet to its own file.
  await promisify(execFile)(
    '/usr/bin/soffice',
    ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', '--outdir', dir, path.join(dir, 'budget.xlsx')],
    { timeout: 120_000 },
  );
  const files = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
  t.same(files, ['budget-Budget by agency.csv', 'budget-Budget by financial year.csv', 'budget-Budget by line.csv'], 'three sheets');
  const byYear = (await readFile(path.join(dir, 'budget-Budget by financial year.csv'), 'utf8')).trim().split('\n');
  t.same(byYear.slice(-3), ['2026-27,117542.86', '2027-28,237028.57', 'Total,354571.43']);
  const byLine = (await readFile(path.join(dir, 'budget-Budget by line.csv'), 'utf8')).trim().split('\n');
  t.same(byLine.slice(-2), ['Placement: Residential children’s home,Children’s social care,6800,1 December 2026,30 November 2027,2026-27,121,117542.86', 'Placement: Residential children’s home,Children’s social care,6800,1 December 2026,30 November 2027,2027-28,244,237028.57']);
});
