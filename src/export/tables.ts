import { ANSWER_DECIMALS, roundTo } from '../finance/money.ts';
import type { Band } from '../simulation/scenario-fold.ts';
import type { Summary } from '../simulation/summary.ts';
import { assumptionRows, sourceRows } from './assumptions.ts';
import { DISCLOSURE_NOTE, isSmallCount, type ShownCount, protectCounts, showCount } from './disclosure.ts';

/** Shown in place of money for a group of fewer than 5 children. */
export const WITHHELD = 'withheld';
import { type PackRun, agencyLabel, interventionLabel, stateLabel, yearEndDate } from './pack-input.ts';

/**
 * The pack's tables, built once and written three ways (workbook sheets, CSV files, report
 * tables), so the three always agree. Money is in pounds at the model's price base, rounded once
 * at the edge (roundPackTable: money to the penny, probabilities and ratios to 6 decimals, counts
 * to 4), so the CSV's shortest round-trip form carries no float noise and reads back exactly.
 * Counts of children go through disclosure control before they reach any table.
 */

export type ColumnKind = 'text' | 'money' | 'count' | 'probability' | 'ratio' | 'integer' | 'number';
export interface Column {
  key: string;
  header: string;
  kind: ColumnKind;
  /** The widest the sheet column may grow, in characters (default 60): set it for a column of labels that must show whole. */
  maxWidth?: number;
}
export type Cell = string | number | null;

export interface PackTable {
  /** File name stem of the CSV and chart references. */
  id: string;
  /** Worksheet name (at most 31 characters). */
  sheet: string;
  title: string;
  description: string;
  columns: Column[];
  rows: Cell[][];
  /** The summary's run columns hold a different kind of figure on each row. */
  rowKinds?: ColumnKind[];
  notes: string[];
}

const STATS = [
  ['mean', 'mean'],
  ['p10', 'P10'],
  ['p50', 'P50'],
  ['p90', 'P90'],
] as const;
const WIDE_STATS = [
  ['mean', 'mean'],
  ['p5', 'P5'],
  ['p10', 'P10'],
  ['p50', 'P50'],
  ['p90', 'P90'],
  ['p95', 'P95'],
] as const;
type Stat = (typeof STATS)[number][0];
type WideStat = (typeof WIDE_STATS)[number][0];

const VARIANTS = [
  ['baseline', 'As now'],
  ['strategy', 'Strategy'],
] as const;

/**
 * The first column of a table with rows of several runs. Tables are built with the run id in it;
 * labelRuns then puts the run's name there (or drops the column in a pack of one run), so the run
 * id is shown once, on the Summary sheet, and not on every row of every sheet (issue 18).
 */
const RUN_COLUMN: Column = { key: 'run', header: 'Run', kind: 'text' };

/** Each run's name in a pack: its scenario's name, with "(run k)" where two runs share a name. */
export function runNames(runs: PackRun[]): string[] {
  const names = runs.map((run) => run.scenario.spec.name);
  return names.map((name, k) => (names.filter((n) => n === name).length > 1 ? `${name} (run ${k + 1})` : name));
}

/**
 * A table whose first column is the run id, as the pack shows it: with one run the column goes;
 * with several its header is "Scenario" and each row holds the run's name (runNames). Tables
 * without a run column are returned as they are.
 */
export function labelRuns(table: PackTable, runs: PackRun[]): PackTable {
  if (table.columns[0]?.key !== 'run') return table;
  if (runs.length === 1) return { ...table, columns: table.columns.slice(1), rows: table.rows.map((row) => row.slice(1)) };
  const names = new Map(runs.map((run, k) => [run.runId, runNames(runs)[k]]));
  return {
    ...table,
    columns: [{ ...table.columns[0], header: 'Scenario' }, ...table.columns.slice(1)],
    rows: table.rows.map((row) => [names.get(String(row[0])) ?? row[0], ...row.slice(1)]),
  };
}

function statColumns(prefix: string, header: string, kind: ColumnKind, stats: ReadonlyArray<readonly [string, string]> = STATS): Column[] {
  return stats.map(([key, label]) => ({ key: `${prefix}_${key}`, header: `${header} ${label}`, kind }));
}

const money = (s: Summary, stats: ReadonlyArray<readonly [WideStat | Stat, string]> = STATS) => stats.map(([key]) => s[key]);

/** Counts of children by care state at each year end, and children looked after, protected. */
export interface ShownCounts {
  years: string[];
  states: string[];
  inCareStates: boolean[];
  /** [variant][stat][year][state]; the looked-after total at index states.length. */
  shown: Record<'baseline' | 'strategy', Record<Stat, ShownCount[][]>>;
}

/**
 * Protects one run's counts. For each variant and statistic the figures of a year are the
 * states and their looked-after total; the total is tied to the in-care states by a relation,
 * so a hidden state cannot be recovered by subtracting the others from it.
 */
export function shownCounts(run: PackRun): ShownCounts {
  const { result } = run;
  const model = run.model.spec;
  const years = [...new Set(result.counts.map((c) => c.financialYear))];
  const states = model.states.map((s) => s.id);
  const inCareStates = model.states.map((s) => (s.flags ?? []).includes('in_care'));
  const width = states.length + 1;
  const inCareParts = states.map((_, k) => k).filter((k) => inCareStates[k]);
  const relations = years.map((_, y) => ({ parts: inCareParts.map((k) => y * width + k), total: y * width + states.length }));
  const cell = new Map(result.counts.map((c) => [`${c.financialYear}|${c.state}`, c]));
  const totals = new Map(result.inCare.map((c) => [c.financialYear, c]));
  const zero: Band = { mean: 0, p10: 0, p50: 0, p90: 0 };
  const shown = {} as ShownCounts['shown'];
  for (const [variant] of VARIANTS) {
    shown[variant] = {} as Record<Stat, ShownCount[][]>;
    for (const [stat] of STATS) {
      const values = years.flatMap((year) => [
        ...states.map((state) => (cell.get(`${year}|${state}`)?.[variant] ?? zero)[stat]),
        (totals.get(year)?.[variant] ?? zero)[stat],
      ]);
      const protectedValues = protectCounts({ values, relations });
      shown[variant][stat] = years.map((_, y) => protectedValues.slice(y * width, (y + 1) * width));
    }
  }
  return { years, states, inCareStates, shown };
}

const OUTCOME_UNITS: Record<string, { unit: string; count: boolean }> = {
  months_in_care: { unit: 'person-months', count: false },
  months_in_residential: { unit: 'person-months', count: false },
  placement_moves: { unit: 'events', count: true },
  care_entries: { unit: 'events', count: true },
  neet_months_19_21: { unit: 'person-months', count: false },
  people_ever_in_custody: { unit: 'children', count: true },
  months_in_custody: { unit: 'person-months', count: false },
};

export function outcomeUnit(measure: string): { unit: string; count: boolean } {
  return OUTCOME_UNITS[measure] ?? { unit: 'count', count: true };
}

/**
 * Outcomes of one run. For counts (entries, moves, children ever in custody) baseline and
 * strategy are protected, and the difference is tied to them (baseline + difference =
 * strategy), so it is hidden whenever it would give a hidden figure away.
 */
export function shownOutcomes(run: PackRun): Array<{ measure: string; label: string; unit: string; baseline: Cell[]; strategy: Cell[]; difference: Cell[] }> {
  return run.result.outcomes.map((o) => {
    const { unit, count } = outcomeUnit(o.measure);
    if (!count) return { measure: o.measure, label: o.label, unit, baseline: money(o.baseline), strategy: money(o.strategy), difference: money(o.difference) };
    const columns = STATS.map(([stat]) => protectCounts({ values: [o.baseline[stat], o.difference[stat], o.strategy[stat]], isCount: [true, false, true], relations: [{ parts: [0, 1], total: 2 }] }));
    return {
      measure: o.measure,
      label: o.label,
      unit,
      baseline: columns.map((c) => c[0]),
      strategy: columns.map((c) => c[2]),
      difference: columns.map((c, k) => (typeof c[1] === 'number' ? o.difference[STATS[k][0]] : c[1])),
    };
  });
}

function summaryTable(runs: PackRun[], counts: ShownCounts[]): PackTable {
  const rows: Array<{ measure: string; unit: string; kind: ColumnKind; value: (run: PackRun, k: number) => Cell }> = [];
  const add = (measure: string, unit: string, kind: ColumnKind, value: (run: PackRun, k: number) => Cell) => rows.push({ measure, unit, kind, value });
  const its = (run: PackRun) => run.result.investToSave;
  const planning = (run: PackRun) => {
    const years = run.result.spend.byYear;
    return `${years[0]?.financialYear ?? run.result.firstYear} to ${years[years.length - 1]?.financialYear ?? run.result.firstYear}`;
  };
  add('Scenario', '', 'text', (run) => run.scenario.spec.name);
  add('Scenario id and version', '', 'text', (run) => `${run.scenario.id} ${run.scenario.version}`);
  add('Strategy', '', 'text', (run) => run.scenario.spec.strategy.name);
  add('Cost model', '', 'text', (run) => `${run.model.id} ${run.model.version}`);
  add('Run id', '', 'text', (run) => run.runId);
  add('Planning years', '', 'text', planning);
  add('Years followed for invest-to-save', 'years', 'integer', (run) => run.result.lifetimeYears);
  add('Monte Carlo runs', 'runs', 'integer', (run) => run.runs);
  add('Seed', '', 'text', (run) => String(run.seed));
  add('Young people on record in the cohort', 'children', 'count', (run) => showCount(run.cohort.size));
  add('Net present value: expected (mean)', '£', 'money', (run) => its(run).netPresentValue.mean);
  add('Net present value: best case (P90)', '£', 'money', (run) => its(run).netPresentValue.p90);
  add('Net present value: worst case (P10)', '£', 'money', (run) => its(run).netPresentValue.p10);
  add('Net present value: 90% interval, low (P5)', '£', 'money', (run) => its(run).netPresentValue.p5);
  add('Net present value: 90% interval, high (P95)', '£', 'money', (run) => its(run).netPresentValue.p95);
  add('Chance that benefits exceed costs (present value)', 'probability', 'probability', (run) => its(run).probabilityBenefitsExceedCosts);
  add('Present value of costs (mean)', '£', 'money', (run) => its(run).presentCosts.mean);
  add('Present value of benefits (mean)', '£', 'money', (run) => its(run).presentBenefits.mean);
  add('Benefit-cost ratio (PV benefits / PV costs, ratio of totals)', 'ratio', 'ratio', (run) => its(run).benefitCostRatio ?? 'not defined');
  add('Return on investment ((PV benefits - PV costs) / PV costs, ratio of totals)', 'ratio', 'ratio', (run) => its(run).returnOnInvestment ?? 'not defined');
  add('Benefit-cost ratio of each run: P10 (spread only)', 'ratio', 'ratio', (run) => its(run).ratioSpreadOverRuns.benefitCostRatio?.p10 ?? 'not defined');
  add('Benefit-cost ratio of each run: P90 (spread only)', 'ratio', 'ratio', (run) => its(run).ratioSpreadOverRuns.benefitCostRatio?.p90 ?? 'not defined');
  add('Net benefit in cash (undiscounted): expected (mean)', '£', 'money', (run) => its(run).cash.net.mean);
  add('Chance that benefits exceed costs in cash (undiscounted)', 'probability', 'probability', (run) => its(run).cash.probabilityBenefitsExceedCosts);
  add('Payback: median year', '', 'text', (run) => its(run).payback.medianYear ?? `not within ${run.result.lifetimeYears} years`);
  add('Chance of never paying back', 'probability', 'probability', (run) => its(run).payback.probabilityNever);
  add('Cashable benefits (present value, mean)', '£', 'money', (run) => its(run).cashableBenefits.mean);
  add('Non-cashable benefits (present value, mean)', '£', 'money', (run) => its(run).nonCashableBenefits.mean);
  add('Spend over the planning years, as now (mean)', '£', 'money', (run) => run.result.spend.planningTotal.baseline.mean);
  add('Spend over the planning years, strategy (mean)', '£', 'money', (run) => run.result.spend.planningTotal.strategy.mean);
  add('Saving over the planning years: expected (mean)', '£', 'money', (run) => run.result.spend.planningTotal.saving.mean);
  add('Saving over the planning years: best case (P90)', '£', 'money', (run) => run.result.spend.planningTotal.saving.p90);
  add('Saving over the planning years: worst case (P10)', '£', 'money', (run) => run.result.spend.planningTotal.saving.p10);
  const lastTotal = (k: number, variant: 'baseline' | 'strategy') => {
    const c = counts[k];
    const y = c.years.length - 1;
    return y < 0 ? null : c.shown[variant].mean[y][c.states.length];
  };
  add('Children looked after at the end of the planning years, as now (mean)', 'children', 'count', (_, k) => lastTotal(k, 'baseline'));
  add('Children looked after at the end of the planning years, strategy (mean)', 'children', 'count', (_, k) => lastTotal(k, 'strategy'));
  return {
    id: 'summary',
    sheet: 'Summary',
    title: 'Summary',
    description: 'Headline figures of each run: net present value with its best and worst case, the chance of benefit, payback, and spend over the planning years.',
    columns: [{ key: 'measure', header: 'Measure', kind: 'text' }, { key: 'unit', header: 'Unit', kind: 'text' }, ...runNames(runs).map((name, k) => ({ key: `run_${k + 1}`, header: name, kind: 'text' as ColumnKind }))],
    rows: rows.map((row) => [row.measure, row.unit, ...runs.map((run, k) => row.value(run, k))]),
    rowKinds: rows.map((row) => row.kind),
    notes: [
      'Best case and worst case are the 90th and 10th percentiles over the runs: one run in ten does better than the best case, one in ten worse than the worst.',
      'Net present value: benefits (spend avoided) minus costs (the strategy’s investment and services), discounted at the HM Treasury Green Book rate, in real prices of the model’s price base year.',
      DISCLOSURE_NOTE,
    ],
  };
}

function spendByYearTable(runs: PackRun[]): PackTable {
  return {
    id: 'spend-by-year',
    sheet: 'Spend by year',
    title: 'Spend by financial year',
    description: 'Spend in each financial year of the planning period, as now and with the strategy, and the saving (as now minus strategy), over all agencies.',
    columns: [
      RUN_COLUMN,
      { key: 'financial_year', header: 'Financial year', kind: 'text' },
      ...statColumns('baseline', 'As now', 'money', WIDE_STATS),
      ...statColumns('strategy', 'Strategy', 'money', WIDE_STATS),
      ...statColumns('saving', 'Saving', 'money', WIDE_STATS),
    ],
    rows: runs.flatMap((run) => run.result.spend.byYear.map((y) => [run.runId, y.financialYear, ...money(y.baseline, WIDE_STATS), ...money(y.strategy, WIDE_STATS), ...money(y.saving, WIDE_STATS)])),
    notes: ['Pounds in real prices of the model’s price base year, not discounted. The strategy’s spend includes its investment and commissioned services.'],
  };
}

function spendByAgencyTable(runs: PackRun[]): PackTable {
  return {
    id: 'spend-by-agency',
    sheet: 'Spend by agency',
    title: 'Spend by financial year and agency',
    description: 'Spend of each agency in each financial year, as now and with the strategy, and the saving.',
    columns: [
      RUN_COLUMN,
      { key: 'financial_year', header: 'Financial year', kind: 'text' },
      { key: 'agency', header: 'Agency', kind: 'text' },
      ...statColumns('baseline', 'As now', 'money'),
      ...statColumns('strategy', 'Strategy', 'money'),
      ...statColumns('saving', 'Saving', 'money'),
    ],
    rows: runs.flatMap((run) =>
      run.result.spend.byYearAgency.map((y) => [run.runId, y.financialYear, agencyLabel(y.agency), ...money(y.baseline), ...money(y.strategy), ...money(y.saving)]),
    ),
    notes: ['Pounds in real prices of the model’s price base year, not discounted.'],
  };
}

function countsTable(runs: PackRun[], counts: ShownCounts[]): PackTable {
  const rows: Cell[][] = [];
  runs.forEach((run, k) => {
    const c = counts[k];
    c.years.forEach((year, y) => {
      const cells = (index: number) => VARIANTS.flatMap(([variant]) => STATS.map(([stat]) => c.shown[variant][stat][y][index]));
      c.states.forEach((state, s) => {
        rows.push([run.runId, year, yearEndDate(year), state, stateLabel(run.model.spec, state), c.inCareStates[s] ? 'yes' : 'no', ...cells(s)]);
      });
      rows.push([run.runId, year, yearEndDate(year), 'looked_after_total', 'Children looked after (all in-care states)', 'total', ...cells(c.states.length)]);
    });
  });
  return {
    id: 'counts',
    sheet: 'Counts',
    title: 'Children by care state at each year end',
    description: 'Children in each care state at 31 March at the end of each planning year, as now and with the strategy (means and percentiles of the simulated numbers), and children looked after in all.',
    columns: [
      RUN_COLUMN,
      { key: 'financial_year', header: 'Financial year', kind: 'text' },
      { key: 'at', header: 'At', kind: 'text' },
      { key: 'state', header: 'State id', kind: 'text' },
      { key: 'state_label', header: 'Care state', kind: 'text' },
      { key: 'looked_after', header: 'Looked after', kind: 'text' },
      ...statColumns('baseline', 'As now', 'count'),
      ...statColumns('strategy', 'Strategy', 'count'),
    ],
    rows,
    notes: [DISCLOSURE_NOTE, 'The looked-after total is the sum of the in-care states: where one of them is hidden, a second is hidden too.'],
  };
}

function outcomesTable(runs: PackRun[]): PackTable {
  return {
    id: 'outcomes',
    sheet: 'Outcomes',
    title: 'Outcomes over the years followed',
    description: 'Outcomes over the whole period followed for invest-to-save, as now and with the strategy, and the difference (strategy minus as now).',
    columns: [
      RUN_COLUMN,
      { key: 'measure', header: 'Measure id', kind: 'text' },
      { key: 'label', header: 'Measure', kind: 'text' },
      { key: 'unit', header: 'Unit', kind: 'text' },
      ...statColumns('baseline', 'As now', 'number'),
      ...statColumns('strategy', 'Strategy', 'number'),
      ...statColumns('difference', 'Difference', 'number'),
    ],
    rows: runs.flatMap((run) => shownOutcomes(run).map((o) => [run.runId, o.measure, o.label, o.unit, ...o.baseline, ...o.strategy, ...o.difference])),
    notes: [DISCLOSURE_NOTE, 'Person-months are not counts of children and are shown as simulated.'],
  };
}

/**
 * The projected outcomes by year (issue 17): the measures, in the order shown, with the count each
 * share is of. A share is withheld where fewer than MIN_COUNTED_FOR_SHARES children are counted
 * in either variant (the house rule for aggregates, src/services/disclosure-view.ts).
 */
export const PROJECTED_OUTCOME_MEASURES = [
  { measure: 'within_20_miles', label: 'Looked after on 31 March: placed within 20 miles of home', band: 'shareWithin20Miles', counted: 'lookedAfter' },
  { measure: 'three_or_more_placements', label: 'Looked after on 31 March: three or more placements in the year', band: 'threeOrMorePlacementsShare', counted: 'lookedAfterAll' },
  { measure: 'care_leavers_eet', label: 'Care leavers aged 19-21: in education, employment or training', band: 'eetShareOfCareLeavers', counted: 'careLeavers19to21' },
] as const;
export const MIN_COUNTED_FOR_SHARES = 10;
const BAND_STATS = ['mean', 'p10', 'p90'] as const;

/** One run's projected outcome rows: year, measure, and each variant's and the difference's mean, P10 and P90 (null where withheld or not computed). */
export function projectedOutcomeRows(run: PackRun): Array<{ financialYear: string; measure: string; label: string; baseline: Cell[]; strategy: Cell[]; difference: Cell[] }> {
  const rows: Array<{ financialYear: string; measure: string; label: string; baseline: Cell[]; strategy: Cell[]; difference: Cell[] }> = [];
  for (const year of run.result.projectedOutcomes ?? []) {
    for (const m of PROJECTED_OUTCOME_MEASURES) {
      const bands = year[m.band];
      if (bands === undefined) continue;
      const counted = year[m.counted];
      const small = counted !== undefined && Math.min(counted.baseline ?? Number.POSITIVE_INFINITY, counted.strategy ?? Number.POSITIVE_INFINITY) < MIN_COUNTED_FOR_SHARES;
      const cells = (band: Band | null): Cell[] => BAND_STATS.map((stat) => (small || band === null ? null : band[stat]));
      rows.push({ financialYear: year.financialYear, measure: m.measure, label: m.label, baseline: cells(bands.baseline), strategy: cells(bands.strategy), difference: cells(bands.difference) });
    }
  }
  return rows;
}

function projectedOutcomesTable(runs: PackRun[]): PackTable {
  const stats = [
    ['mean', 'mean'],
    ['p10', 'P10'],
    ['p90', 'P90'],
  ] as const;
  return {
    id: 'projected-outcomes',
    sheet: 'Projected outcomes',
    title: 'Projected outcomes by year',
    description:
      'At 31 March of each planning year, as now and with the strategy, and the difference (strategy minus as now, run by run): the expected share of children looked after placed within 20 miles of home (from the model’s shares by placement state), the share looked after with three or more placements in the year (DfE placement stability), and the share of care leavers aged 19-21 in education, employment or training (as DfE and the scorecard count it: in EET only where the model’s state says so; staying put, supported lodgings, homeless and custody count as not known, in the total). Each run’s share, mean and P10-P90 over runs.',
    columns: [
      RUN_COLUMN,
      { key: 'financial_year', header: 'Financial year', kind: 'text' },
      { key: 'at', header: 'At', kind: 'text' },
      { key: 'measure', header: 'Measure id', kind: 'text' },
      { key: 'label', header: 'Measure', kind: 'text', maxWidth: 70 },
      ...statColumns('baseline', 'As now', 'probability', stats),
      ...statColumns('strategy', 'Strategy', 'probability', stats),
      ...statColumns('difference', 'Difference', 'probability', stats),
    ],
    rows: runs.flatMap((run) => projectedOutcomeRows(run).map((r) => [run.runId, r.financialYear, yearEndDate(r.financialYear), r.measure, r.label, ...r.baseline, ...r.strategy, ...r.difference])),
    notes: [
      `Shares from 0 to 1. A share is withheld (empty) where fewer than ${MIN_COUNTED_FOR_SHARES} children are counted in either variant, and is empty where the run did not compute it (runs made before the measure, or a model without distance shares). The share within 20 miles is an expectation from the model’s distanceOver20Miles shares, not a count of children.`,
    ],
  };
}

function interventionsTable(runs: PackRun[]): PackTable {
  return {
    id: 'interventions',
    sheet: 'Interventions',
    title: 'Commissioned interventions',
    description: 'Children who start each commissioned intervention over the years followed, and what it costs.',
    columns: [
      RUN_COLUMN,
      { key: 'intervention', header: 'Intervention id', kind: 'text' },
      { key: 'label', header: 'Intervention', kind: 'text' },
      ...statColumns('children', 'Children starting it', 'count'),
      ...statColumns('cost', 'Cost', 'money'),
    ],
    rows: runs.flatMap((run) =>
      run.result.interventions.map((iv) => [
        run.runId,
        iv.intervention,
        interventionLabel(run.model.spec, iv.intervention),
        ...STATS.map(([stat]) => showCount(iv.delivered[stat])),
        // Money for a group of fewer than 5 children is withheld, as in the API (src/services/disclosure-view.ts).
        ...(isSmallCount(iv.delivered.mean) ? STATS.map(() => WITHHELD) : money(iv.cost)),
      ]),
    ),
    notes: [DISCLOSURE_NOTE, `${WITHHELD}: the cost of an intervention fewer than 5 children start is not shown.`],
  };
}

function investToSaveTable(runs: PackRun[]): PackTable {
  const role = (costs: number, benefits: number) => (costs > 0 && benefits > 0 ? 'invests and saves' : costs > 0 ? 'invests' : benefits > 0 ? 'saves' : benefits < 0 ? 'pays more' : 'no change');
  return {
    id: 'invest-to-save-by-agency',
    sheet: 'Invest to save',
    title: 'Invest to save by agency: who invests, who saves',
    description: 'Present value of what each agency puts in (investment and commissioned services) and gets back (spend avoided), and the net, over the years followed.',
    columns: [
      RUN_COLUMN,
      { key: 'agency', header: 'Agency', kind: 'text' },
      { key: 'role', header: 'Role', kind: 'text' },
      ...statColumns('costs', 'Present costs', 'money'),
      ...statColumns('benefits', 'Present benefits', 'money'),
      ...statColumns('net', 'Net', 'money'),
    ],
    rows: runs.flatMap((run) =>
      run.result.investToSave.byAgency.map((a) => [run.runId, agencyLabel(a.agency), role(a.presentCosts.mean, a.presentBenefits.mean), ...money(a.presentCosts as Summary), ...money(a.presentBenefits as Summary), ...money(a.net as Summary)]),
    ),
    notes: ['Discounted at the Green Book rate. "Saves" with a negative net is the wrong pocket: the agency gains less than another agency spends.'],
  };
}

function netByYearTable(runs: PackRun[]): PackTable {
  return {
    id: 'net-by-year',
    sheet: 'Net by year',
    title: 'Net benefit and payback by financial year',
    description: 'Discounted net benefit in each year followed, and the chance that the strategy has paid back by then.',
    columns: [
      RUN_COLUMN,
      { key: 'financial_year', header: 'Financial year', kind: 'text' },
      ...statColumns('net', 'Net benefit', 'money', WIDE_STATS),
      { key: 'payback_in_year', header: 'Pays back in this year (probability)', kind: 'probability' },
      { key: 'paid_back_by', header: 'Paid back by the end of this year (probability)', kind: 'probability' },
    ],
    rows: runs.flatMap((run) => {
      let cumulative = 0;
      const payback = new Map(run.result.investToSave.payback.byYear.map((p) => [p.financialYear, p.probability]));
      return run.result.investToSave.netByYear.map((y) => {
        const p = payback.get(y.financialYear) ?? 0;
        cumulative += p;
        return [run.runId, y.financialYear, ...money(y.net, WIDE_STATS), p, cumulative];
      });
    }),
    notes: ['Present values: each year’s net benefit is discounted to the first planning year.'],
  };
}

function sensitivityTable(runs: PackRun[]): PackTable {
  return {
    id: 'sensitivity',
    sheet: 'Sensitivity',
    title: 'Sensitivity: which uncertain inputs drive the net present value',
    description: 'Each uncertain input’s rank correlation with the net present value over the runs, and the mean net present value of the runs where it was in its lowest and highest tenth.',
    columns: [
      RUN_COLUMN,
      { key: 'rank', header: 'Rank', kind: 'integer' },
      { key: 'parameter', header: 'Input id', kind: 'text' },
      { key: 'label', header: 'Input', kind: 'text' },
      { key: 'kind', header: 'Kind', kind: 'text' },
      { key: 'rank_correlation', header: 'Rank correlation with NPV', kind: 'ratio' },
      { key: 'npv_when_low', header: 'NPV when the input is low', kind: 'money' },
      { key: 'npv_when_high', header: 'NPV when the input is high', kind: 'money' },
      { key: 'swing', header: 'Swing (high minus low)', kind: 'money' },
    ],
    rows: runs.flatMap((run) => run.result.sensitivity.map((s, k) => [run.runId, k + 1, s.parameter, s.label, s.kind, s.rankCorrelation, s.npvWhenLow, s.npvWhenHigh, s.npvWhenHigh - s.npvWhenLow])),
    notes: ['Largest absolute rank correlation first. The swing is read off the runs, one input at a time, with the others varying as they do.'],
  };
}

function npvDistributionTable(runs: PackRun[]): PackTable {
  return {
    id: 'npv-distribution',
    sheet: 'NPV distribution',
    title: 'Distribution of the net present value',
    description: 'How many runs gave a net present value in each interval.',
    columns: [RUN_COLUMN, { key: 'from', header: 'From', kind: 'money' }, { key: 'to', header: 'To', kind: 'money' }, { key: 'runs', header: 'Runs', kind: 'integer' }],
    rows: runs.flatMap((run) => run.result.npvHistogram.map((bin) => [run.runId, bin.from, bin.to, bin.count])),
    notes: ['Counts of simulation runs, not of children.'],
  };
}

function assumptionsTable(runs: PackRun[]): PackTable {
  return {
    id: 'assumptions',
    sheet: 'Assumptions',
    title: 'Assumptions: every model and scenario input, with its source',
    description: 'Every input of the cost model and of the scenario each run used, with its value and where it comes from.',
    columns: [
      RUN_COLUMN,
      { key: 'part', header: 'Part', kind: 'text' },
      { key: 'group', header: 'Group', kind: 'text' },
      { key: 'input', header: 'Input id', kind: 'text' },
      { key: 'label', header: 'Input', kind: 'text' },
      { key: 'value', header: 'Value', kind: 'text' },
      { key: 'central', header: 'Central value', kind: 'number' },
      { key: 'unit', header: 'Unit', kind: 'text' },
      { key: 'agency', header: 'Agency', kind: 'text' },
      { key: 'source', header: 'Source id', kind: 'text' },
      { key: 'source_title', header: 'Source', kind: 'text' },
      { key: 'price_year', header: 'Price year', kind: 'text' },
      { key: 'note', header: 'Note', kind: 'text' },
    ],
    rows: runs.flatMap((run) => assumptionRows(run).map((a) => [run.runId, a.part, a.group, a.input, a.label, a.value, a.central, a.unit, a.agency, a.source, a.sourceTitle, a.priceYear, a.note])),
    notes: ['Central value: the mean of an uncertain input’s distribution. Sources are listed in full on the Sources sheet.'],
  };
}

function sourcesTable(runs: PackRun[]): PackTable {
  return {
    id: 'sources',
    sheet: 'Sources',
    title: 'Sources',
    description: 'The publications and judgements behind the model’s figures.',
    columns: [
      RUN_COLUMN,
      { key: 'source', header: 'Source id', kind: 'text' },
      { key: 'title', header: 'Title', kind: 'text' },
      { key: 'publisher', header: 'Publisher', kind: 'text' },
      { key: 'year', header: 'Year', kind: 'text' },
      { key: 'url', header: 'Address', kind: 'text' },
      { key: 'note', header: 'Note', kind: 'text' },
    ],
    rows: runs.flatMap((run) => sourceRows(run).map((s) => [run.runId, s.id, s.title, s.publisher, s.year, s.url, s.note])),
    notes: [],
  };
}

/** Decimal places of a cell of each kind (src/finance/money.ts ANSWER_DECIMALS). */
const CELL_DECIMALS: Record<ColumnKind, number> = {
  money: ANSWER_DECIMALS.money,
  probability: ANSWER_DECIMALS.ratio,
  ratio: ANSWER_DECIMALS.ratio,
  number: ANSWER_DECIMALS.ratio,
  text: ANSWER_DECIMALS.ratio,
  count: ANSWER_DECIMALS.count,
  integer: 0,
};

/**
 * The pack's edge: every number rounded by the kind of its cell (the row's kind in the summary's
 * run columns, as the workbook formats them; else the column's), once, for all three outputs.
 */
export function roundPackTable(table: PackTable): PackTable {
  const kindOf = (r: number, c: number): ColumnKind => (table.rowKinds && c >= 2 ? table.rowKinds[r] : table.columns[c].kind);
  return { ...table, rows: table.rows.map((row, r) => row.map((cell, c) => (typeof cell === 'number' ? roundTo(cell, CELL_DECIMALS[kindOf(r, c)]) : cell))) };
}

/** Every table of a pack, in the order of the workbook's sheets, rounded at the edge. */
export function packTables(runs: PackRun[]): PackTable[] {
  const counts = runs.map(shownCounts);
  return [
    summaryTable(runs, counts),
    spendByYearTable(runs),
    spendByAgencyTable(runs),
    countsTable(runs, counts),
    outcomesTable(runs),
    projectedOutcomesTable(runs),
    interventionsTable(runs),
    investToSaveTable(runs),
    netByYearTable(runs),
    sensitivityTable(runs),
    npvDistributionTable(runs),
    assumptionsTable(runs),
    sourcesTable(runs),
  ].map((table) => labelRuns(roundPackTable(table), runs));
}
