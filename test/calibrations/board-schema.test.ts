import fastJson from 'fast-json-stringify';
import t from 'tap';
import { Value } from 'typebox/value';
import { backtest } from '../../src/calibration/backtest.ts';
import { calibrate, defaultWindow } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { DEFAULT_MAPPING, mergeMapping } from '../../src/calibration/mapping.ts';
import { Calibration, type CalibrationDto, CalibrationSummary } from '../../src/schemas/calibrations.ts';
import { protectCalibration, protectedSummary } from '../../src/services/calibration-disclosure.ts';
import { caseFiles, caseNames, caseOverride, england } from '../calibration/field-cases.ts';

/**
 * The board's calibration answers against the response schema, for every SSDA903 case from the
 * field that has a backtest (two or more return years): wherever the disclosure rule can put "<5"
 * or "c" (src/services/calibration-disclosure.ts), the schema must allow it, or the answer is a 500
 * ("does not match schema definition", as the review of issue 11 found for backtest.benchmarks[].total
 * in age18-home, header-same-child-twice and oc3-training-employment-codes).
 * Checked twice: TypeBox's Value.Check (every keyword), and the serializer Fastify builds from the
 * schema (fast-json-stringify), which is what answered 500.
 */

async function protectedCase(name: string): Promise<CalibrationDto | null> {
  const override = caseOverride(name);
  const mapping = override ? mergeMapping(DEFAULT_MAPPING, override) : DEFAULT_MAPPING;
  let imported: Awaited<ReturnType<typeof importSsda903>>;
  try {
    imported = await importSsda903(caseFiles(name), { mapping });
  } catch {
    return null; // refused at upload (short-breaks): no calibration to read
  }
  const years = imported.returnYears;
  if (years.length < 2) return null;
  const window = defaultWindow(imported);
  const result = calibrate(imported, { priorModel: england, mapping, referenceWindow: window });
  const bt = backtest(imported, { priorModel: england, mapping, year: years[years.length - 1], referenceWindow: window, draws: 200 });
  const dto = {
    id: '00000000-0000-4000-8000-000000000000',
    createdAt: '2026-11-30T00:00:00.000Z',
    jobId: null,
    model: { id: `case-${name}`.slice(0, 64), version: '1.0.0', hash: 'x', href: '/v1/models/x' },
    prior: { id: 'england-default', version: england.version },
    parameters: { referenceWindow: window, priorWeight: 60, backtestYear: years[years.length - 1], authority: null, mapping: { id: mapping.id, version: mapping.version } },
    sources: [],
    cleaning: JSON.parse(JSON.stringify(imported.report)),
    report: JSON.parse(JSON.stringify(result.report)),
    backtest: JSON.parse(JSON.stringify({ ...bt, model: { id: 'x', version: '1.0.0' } })),
    links: { self: '/v1/calibrations/x', model: '/v1/models/x', job: null },
  } as CalibrationDto;
  return dto;
}

/** Every number in the report set to 2: no tie holds, so every figure the rule treats as a count reads "<5". */
function allSmall<T>(value: T): T {
  if (typeof value === 'number') return 2 as T;
  if (Array.isArray(value)) return value.map(allSmall) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, allSmall(v)])) as T;
  return value;
}

t.test('the board reads every case with a backtest within the response schema', async (t) => {
  const stringify = fastJson(Calibration as object);
  const stringifySummary = fastJson(CalibrationSummary as object);
  let checked = 0;
  let small = 0;
  for (const name of caseNames()) {
    const dto = await protectedCase(name);
    if (!dto) continue;
    checked += 1;
    t.match(dto.backtest?.verdict, /^In \d{4} (the model|the stock|last year)/, `${name}: the backtest says in words which forecast did better`);
    t.match(dto.backtest?.fit?.note, /refits the same method on the returns \d{4}-\d{4} only/, `${name}: and names its own fit`);
    // The case as computed, and the same with every number small: every place "<5" or "c" can go.
    for (const [label, shown] of [
      [name, protectCalibration(dto)],
      [`${name} (every number 2)`, protectCalibration({ ...allSmall(dto), id: dto.id, createdAt: dto.createdAt, model: dto.model, prior: dto.prior, parameters: dto.parameters, links: dto.links })],
    ] as const) {
    const errors = [...Value.Errors(Calibration, shown)].slice(0, 3).map((e) => `${e.instancePath}: ${e.message}`);
      t.same(errors, [], `${label}: the protected report fits the schema`);
      t.doesNotThrow(() => stringify(shown), `${label}: and the serializer writes it`);
      if (JSON.stringify(shown.backtest).includes('"<5"')) small += 1;
      const summary = protectedSummary(
        { ...shown, headline: shown.report.headline, cleaningCounts: shown.cleaning.counts, backtest: null, links: { self: shown.links.self } } as never,
        shown,
      );
      t.same([...Value.Errors(CalibrationSummary, summary)].slice(0, 3).map((e) => `${e.instancePath}: ${e.message}`), [], `${label}: the list item fits too`);
      t.doesNotThrow(() => stringifySummary(summary), `${label}: and is written`);
    }
  }
  t.ok(checked >= 4, `cases with a backtest checked: ${checked}`);
  t.ok(small >= 1, 'some backtest shows "<5" (so the check can fail)');
});
