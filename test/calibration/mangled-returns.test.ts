import fc from 'fast-check';
import t from 'tap';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { dayNumber, excelSerial } from '../../src/calibration/dates.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import type { Ssda903Upload } from '../../src/calibration/input.ts';
import { generateSyntheticAuthority, syntheticModel } from '../../src/calibration/synthetic-authority.ts';

/**
 * A return made by the synthetic-authority generator, then mangled as real files are, calibrates
 * to exactly the same model as the clean files. The manglings, each drawn per file (or per cell)
 * by fast-check: codes in lower case and padded with spaces; dates as DD/MM/YYYY, YYYY-MM-DD, a
 * zero-time date-time or an Excel serial; columns reordered and their names in another case;
 * a UTF-8 byte order mark, UTF-16 (little endian, with its mark) or Windows-1252 (with a
 * non-ASCII extra column, so the bytes are not UTF-8); CRLF or LF; trailing empty rows; extra
 * tables (reviews, missing) and extra columns (LA, YEAR, UASC, a free-text column); and the
 * multi-year layout (one file per table with a YEAR column).
 *
 * Bounded for CI: MANGLE_RUNS sets the number of returns (default 6).
 */

const RUNS = Number(process.env.MANGLE_RUNS ?? 6);
const CODED = new Set(['RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'REC', 'REASON_PLACE_CHANGE', 'IN_TOUCH', 'ACTIV', 'ACCOM', 'SEX']);
const DATES = new Set(['DECOM', 'DEC', 'DOB', 'DUC']);
const prior = syntheticModel({ scale: 1.4 });

interface Table {
  name: string;
  kind: string;
  year: number;
  columns: string[];
  rows: string[][];
}

function parse(upload: Ssda903Upload): Table {
  const [header, ...lines] = Buffer.from(upload.buffer!).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
  const m = /^(\d{4})-(\w+)\.csv$/.exec(upload.name)!;
  return { name: upload.name, year: Number(m[1]), kind: m[2], columns: header.split(','), rows: lines.map((l) => l.split(',')) };
}

interface Mangling {
  codeCase: 'upper' | 'lower' | 'mixed';
  codeSpaces: boolean;
  dateForm: 'dmy' | 'iso' | 'datetime' | 'serial' | 'mixed';
  shuffleColumns: boolean;
  headerCase: 'upper' | 'lower';
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'windows-1252';
  lineEnd: '\r\n' | '\n';
  trailingRows: number;
  extraTables: boolean;
  extraColumns: boolean;
  multiYear: boolean;
  seed: number;
}

function reDate(text: string, form: Mangling['dateForm'], pick: number): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!m) return text;
  const [, d, mo, y] = m;
  const forms = ['dmy', 'iso', 'datetime', 'serial'] as const;
  const chosen = form === 'mixed' ? forms[pick % 4] : form;
  if (chosen === 'iso') return `${y}-${mo}-${d}`;
  if (chosen === 'datetime') return `${y}-${mo}-${d} 00:00:00`;
  if (chosen === 'serial') return String(excelSerial(dayNumber(Number(y), Number(mo), Number(d))));
  return text;
}

function reCode(text: string, m: Mangling, pick: number): string {
  if (text === '') return text;
  const cased = m.codeCase === 'lower' || (m.codeCase === 'mixed' && pick % 2 === 0) ? text.toLowerCase() : text;
  return m.codeSpaces && pick % 3 === 0 ? ` ${cased} ` : cased;
}

function encode(text: string, encoding: Mangling['encoding']): Buffer {
  if (encoding === 'utf-8-bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  if (encoding === 'utf-16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (encoding === 'windows-1252') return Buffer.from(text, 'latin1');
  return Buffer.from(text, 'utf8');
}

function mangle(files: Ssda903Upload[], m: Mangling): Ssda903Upload[] {
  let pick = m.seed;
  const next = () => {
    pick = (pick * 1103515245 + 12345) & 0x7fffffff;
    return pick >> 4;
  };
  let tables = files.map(parse);
  if (m.extraTables) {
    for (const header of tables.filter((x) => x.kind === 'header')) {
      tables.push({ name: `${header.year}-reviews.csv`, kind: 'reviews', year: header.year, columns: ['CHILD', 'DOB', 'REVIEW', 'REVIEW_CODE'], rows: header.rows.slice(0, 5).map((r) => [r[0], r[2], '01/06/2023', 'PN1']) });
      tables.push({ name: `${header.year}-missing.csv`, kind: 'missing', year: header.year, columns: ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'], rows: header.rows.slice(0, 3).map((r) => [r[0], r[2], 'M', '01/09/2023', '02/09/2023']) });
    }
  }
  if (m.extraColumns) {
    tables = tables.map((x) => ({
      ...x,
      columns: [...x.columns, 'LA', 'YEAR', 'NOTES', ...(x.kind === 'header' ? ['UASC'] : [])],
      rows: x.rows.map((r) => [...r, 'Testshire', String(x.year), m.encoding === 'windows-1252' ? 'café' : 'note', ...(x.kind === 'header' ? ['0'] : [])]),
    }));
  }
  if (m.multiYear) {
    const byKind = new Map<string, Table>();
    for (const x of tables) {
      const columns = x.columns.includes('YEAR') ? x.columns : [...x.columns, 'YEAR'];
      const rows = x.columns.includes('YEAR') ? x.rows : x.rows.map((r) => [...r, String(x.year)]);
      const all = byKind.get(x.kind);
      if (all) all.rows.push(...rows);
      else byKind.set(x.kind, { name: `ssda903_${x.kind}.csv`, kind: x.kind, year: 0, columns, rows: [...rows] });
    }
    tables = [...byKind.values()];
  }
  return tables.map((x) => {
    const order = x.columns.map((_, i) => i);
    if (m.shuffleColumns) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = next() % (i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    const headerLine = order.map((i) => (m.headerCase === 'lower' ? x.columns[i].toLowerCase() : x.columns[i])).join(',');
    const lines = x.rows.map((r) =>
      order
        .map((i) => {
          const column = x.columns[i];
          if (DATES.has(column)) return reDate(r[i], m.dateForm, next());
          if (CODED.has(column)) return reCode(r[i], m, next());
          return r[i];
        })
        .join(','),
    );
    for (let k = 0; k < m.trailingRows; k++) lines.push(k % 2 === 0 ? ','.repeat(x.columns.length - 1) : '');
    return { name: x.name, buffer: encode([headerLine, ...lines].join(m.lineEnd) + m.lineEnd, m.encoding) };
  });
}

const mangling: fc.Arbitrary<Mangling> = fc.record({
  codeCase: fc.constantFrom('upper', 'lower', 'mixed'),
  codeSpaces: fc.boolean(),
  dateForm: fc.constantFrom('dmy', 'iso', 'datetime', 'serial', 'mixed'),
  shuffleColumns: fc.boolean(),
  headerCase: fc.constantFrom('upper', 'lower'),
  encoding: fc.constantFrom('utf-8', 'utf-8-bom', 'utf-16le', 'windows-1252'),
  lineEnd: fc.constantFrom('\r\n', '\n'),
  trailingRows: fc.integer({ min: 0, max: 3 }),
  extraTables: fc.boolean(),
  extraColumns: fc.boolean(),
  multiYear: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

t.test('a synthetic return mangled as real files are calibrates to exactly the same model', async (t) => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 100_000 }), mangling, async (seed, m) => {
      const authority = generateSyntheticAuthority({ seed, firstYear: 2022, lastYear: 2025, entriesPerMonth: 3, burnInYears: 4 });
      const clean = await importSsda903(authority.files, { pseudonymKey: 'k' });
      const messy = await importSsda903(mangle(authority.files, m), { pseudonymKey: 'k' });
      const options = { priorModel: prior, referenceWindow: { fromYear: 2022, toYear: 2025 } };
      const a = calibrate(clean, options);
      const b = calibrate(messy, options);
      runs += 1;
      t.same(messy.returnYears, clean.returnYears, `years (${JSON.stringify(m)})`);
      t.same(messy.episodes.map((e) => ({ ...e, source: undefined })), clean.episodes.map((e) => ({ ...e, source: undefined })), 'the same episodes');
      t.same(messy.oc3.length, clean.oc3.length, 'the same care leaver records');
      t.same(b.model, a.model, 'the same model');
      return JSON.stringify(b.model) === JSON.stringify(a.model);
    }),
    { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? 10) },
  );
  t.equal(runs, RUNS);
});

t.test('the manglings do change the bytes (the property is not vacuous)', async (t) => {
  const authority = generateSyntheticAuthority({ seed: 7, firstYear: 2024, lastYear: 2025, entriesPerMonth: 2, burnInYears: 2 });
  const m: Mangling = { codeCase: 'lower', codeSpaces: true, dateForm: 'mixed', shuffleColumns: true, headerCase: 'lower', encoding: 'utf-16le', lineEnd: '\n', trailingRows: 2, extraTables: true, extraColumns: true, multiYear: true, seed: 3 };
  const mangled = mangle(authority.files, m);
  t.notSame(
    mangled.map((f) => f.name),
    authority.files.map((f) => f.name),
  );
  t.ok(mangled.every((f) => f.buffer![0] === 0xff && f.buffer![1] === 0xfe), 'UTF-16 with its mark');
  const text = Buffer.from(mangled.find((f) => f.name.includes('episodes'))!.buffer!).subarray(2).toString('utf16le');
  t.match(text, /^[a-z_,]+\n/, 'lower-case, reordered header');
  t.match(text, /\d{4}-\d{2}-\d{2} 00:00:00|\b4\d{4}\b/, 'dates in other forms');
  const imported = await importSsda903(mangled, { pseudonymKey: 'k' });
  t.ok(imported.report.skippedTables.length > 0, 'the extra tables were recognised and skipped');
});
