import type { CapacityLimitResult } from '../simulation/places-fold.ts';
import { showCount } from './disclosure.ts';
import { runNames } from './labels.ts';
import type { PackRun } from './pack-input.ts';
import { type Cell, type ColumnKind, type PackTable, WITHHELD } from './tables.ts';

/**
 * The pack's capacity table (issue 15): for each run, capacity limit and variant, the places and
 * the children in them at 31 March of each year (mean and P10/P50/P90 over runs), the children
 * waiting then, and over the projection the moves refused a place, children who waited, months
 * waited, places given after waiting and the overflow's months and cost; for each commissioned
 * service, places and places used by year. Null when no run holds places.
 *
 * The board's disclosure rule (src/services/disclosure-view.ts): counts of children under 5 are
 * shown "<5"; the waiting and overflow figures are withheld unless at least 10 children were
 * refused or waited (they describe the few refused a place).
 */

const STATS = ['mean', 'p10', 'p50', 'p90'] as const;
const HEADERS = { mean: 'Mean', p10: 'P10', p50: 'P50', p90: 'P90' } as const;
/** The house rule for aggregates: figures about fewer children are withheld. */
const MIN_CHILDREN = 10;

/**
 * How places are allocated (src/simulation/places.ts), as the workbook's Capacity sheet and the
 * report say it: the rule for a capacity limit, then for a commissioned service.
 */
export const PLACES_ALLOCATED =
  'How places are allocated: children compete for places month by month in every run, so no new child is placed while the places are full; people on record keep the places they are in, even beyond them, until they move; a child who finds none goes to the overflow state and, where the limit says they wait, is offered the next place that frees up, by the scenario’s priority (longest waiting by default, or highest cost, or youngest).';
export const COMMISSIONED_ALLOCATED =
  'A commissioned service starts at most its places in each financial year: everyone eligible who has not had it competes for them every month while places are left, children already eligible and waiting as well as new arrivals, by the same priority (longest waiting by default).';
/** Said of a run without a capacity limit, wherever places are reported. */
export const NO_CAPACITY_LIMIT = 'No capacity limit was set, so places were unlimited: every child moving into a placement got one.';

/** Whether a run holds places under a capacity limit (not only a commissioned service's). */
export const hasCapacityLimit = (run: PackRun) => (run.result.capacity?.limits.length ?? 0) > 0;

/**
 * Every 31 March within the projection: the month index of each financial year's last month
 * (March), with its year, the final month included when it is a March.
 *
 * A month is a March when the next month is in another financial year; the projection's last
 * month has no next month, so it is a March when its financial year is all there (12 months,
 * April to March). A scenario's projection starts on 1 April and runs whole years
 * (prepareScenario), so its last month is always a 31 March, and one ending mid-year (months
 * April to, say, September) adds none. Only a single financial year that starts after April and
 * ends in March would be missed; no scenario has one.
 */
export function marchMonths(limit: Pick<CapacityLimitResult, 'occupancyByMonth'>): Array<{ month: number; financialYear: string }> {
  const out: Array<{ month: number; financialYear: string }> = [];
  const months = limit.occupancyByMonth;
  months.forEach((m, t) => {
    const next = months[t + 1];
    if (next ? next.financialYear !== m.financialYear : months.filter((o) => o.financialYear === m.financialYear).length === 12) {
      out.push({ month: t, financialYear: m.financialYear });
    }
  });
  return out;
}

/** The note for runs of the table without a capacity limit (a commissioned service only), naming them when the table has several runs. */
function noLimitNote(runs: PackRun[]): string[] {
  const without = runs.filter((run) => !hasCapacityLimit(run));
  if (without.length === 0) return [];
  if (runs.length === 1) return [NO_CAPACITY_LIMIT];
  const names = runNames(runs).filter((_, k) => !hasCapacityLimit(runs[k]));
  return [`${names.join('; ')}: ${NO_CAPACITY_LIMIT.charAt(0).toLowerCase()}${NO_CAPACITY_LIMIT.slice(1)}`];
}

export function capacityTable(runs: PackRun[]): PackTable | null {
  if (!runs.some((run) => run.result.capacity)) return null;
  const rows: Cell[][] = [];
  const kinds: ColumnKind[] = [];
  const line = (run: PackRun, place: string, variant: string, measure: string, year: string, unit: string, kind: ColumnKind, values: Cell[]) => {
    rows.push([run.runId, place, variant, measure, year, unit, ...values, ...STATS.slice(values.length).map(() => null)]);
    kinds.push(kind);
  };
  for (const run of runs) {
    const capacity = run.result.capacity;
    if (!capacity) continue;
    for (const limit of capacity.limits) {
      const place = `${limit.state.replaceAll('_', ' ')} (overflow: ${limit.overflowTo.replaceAll('_', ' ')}${limit.waiting ? ', waiting' : ''})`;
      const few = Math.max(limit.refused, limit.waited) < MIN_CHILDREN;
      const mean = (value: number) => [few ? WITHHELD : value];
      for (const { month, financialYear } of marchMonths(limit)) {
        const m = limit.occupancyByMonth[month];
        line(run, place, limit.variant, 'Places', financialYear, 'places', 'integer', [m.capacity]);
        line(run, place, limit.variant, 'Children in them at 31 March', financialYear, 'children', 'count', STATS.map((s) => showCount(m.occupied[s])));
        line(run, place, limit.variant, 'Children waiting at 31 March', financialYear, 'children', 'count', mean(m.waiting));
      }
      line(run, place, limit.variant, 'Moves refused a place', '', 'moves', 'count', mean(limit.refused));
      line(run, place, limit.variant, 'Children who waited', '', 'children', 'count', mean(limit.waited));
      line(run, place, limit.variant, 'Months waited (all children)', '', 'months', 'number', mean(limit.monthsWaited));
      line(run, place, limit.variant, 'Placed after waiting', '', 'children', 'count', mean(limit.placedFromWaiting));
      line(run, place, limit.variant, 'Months in the overflow for want of a place', '', 'months', 'number', mean(limit.overflowMonths));
      line(run, place, limit.variant, 'Overflow cost', '', '£', 'money', few ? STATS.map(() => WITHHELD) : STATS.map((s) => limit.overflowCost[s]));
    }
    for (const service of capacity.commissioned) {
      for (const y of service.byYear) {
        line(run, service.intervention.replaceAll('_', ' '), 'strategy', 'Places commissioned', y.financialYear, 'places', 'integer', [y.places]);
        line(run, service.intervention.replaceAll('_', ' '), 'strategy', 'Places used (started)', y.financialYear, 'children', 'count', [showCount(y.used)]);
      }
    }
  }
  const text = (key: string, header: string) => ({ key, header, kind: 'text' as ColumnKind });
  return {
    id: 'capacity',
    sheet: 'Capacity',
    title: 'Capacity: places, children in them and children waiting',
    description:
      'Places held in every run: for each capacity limit, the places and the children in them at 31 March of each year against them, the children waiting, and over the years followed the moves refused a place, children who waited, months waited, children placed after waiting and the months and cost of the overflow; for each commissioned service, places and places used by year.',
    columns: [
      { key: 'run', header: 'Run', kind: 'text' },
      { ...text('place', 'Place'), maxWidth: 80 },
      text('variant', 'Variant'),
      { ...text('measure', 'Measure'), maxWidth: 60 },
      text('financial_year', 'Financial year'),
      text('unit', 'Unit'),
      ...STATS.map((stat) => ({ key: stat, header: HEADERS[stat], kind: 'number' as ColumnKind })),
    ],
    rows,
    rowKinds: kinds,
    notes: [
      `${PLACES_ALLOCATED} ${COMMISSIONED_ALLOCATED}`,
      ...noLimitNote(runs),
      'Mean and percentiles over runs; a single figure (places, a mean) is in the Mean column. Pounds in real prices of the model’s price base year.',
      `Counts of children under 5 are shown "<5". ${WITHHELD}: the waiting and overflow figures when fewer than ${MIN_CHILDREN} children were refused a place or waited.`,
    ],
  };
}
