import { formatPounds } from '../services/wording.ts';
import { CENTRE_LINES, type Chart, SPLIT_LINES, renderSvg, wrapped } from './charts.ts';

/**
 * Charts of one young person's projected plans, for the comparison page (never in a pack: a
 * pack holds aggregates only). The same renderer and styles as the pack's charts.
 */

interface Spread {
  mean: number;
  p10: number;
  p90: number;
}

export interface PlanSeries {
  name: string;
  /** Present value to the horizon. */
  total: Spread;
  byFinancialYear: Array<{ financialYear: string; cash: Spread }>;
}

/** Best case (P10), expected and worst case (P90) of each plan's present value: costs, so lower is better. */
export async function planCasesChart(plans: PlanSeries[]): Promise<Chart> {
  // Plan names wrap at 200 points rather than being cut with an ellipsis (issue 18).
  const data = plans.map((p) => ({ plan: p.name, axisLabel: wrapped(p.name, 200), best: p.total.p10, expected: p.total.mean, worst: p.total.p90 }));
  const lines = Math.max(1, ...data.map((d) => d.axisLabel.split('|').length));
  const y = { field: 'axisLabel', type: 'nominal', title: null, sort: null, axis: { labelExpr: SPLIT_LINES, labelLimit: 0, labelOffset: CENTRE_LINES } };
  const svg = await renderSvg({
    title: { text: 'Best case, expected and worst case of each plan', subtitle: 'Cost to the 25th birthday, present value: best case (P10) to worst case (P90), expected (mean) marked' },
    width: 320,
    height: { step: Math.max(36, 13 * lines + 10) },
    data: { values: data },
    layer: [
      { mark: { type: 'rule', strokeWidth: 3, color: '#1d5fa6' }, encoding: { y, x: { field: 'best', type: 'quantitative', title: 'Cost (£, present value)', axis: { format: '$,.3~s' }, scale: { zero: true } }, x2: { field: 'worst' } } },
      { mark: { type: 'point', filled: true, size: 90, color: '#111111' }, encoding: { y, x: { field: 'expected', type: 'quantitative' } } },
      { mark: { type: 'tick', thickness: 2, color: '#1d5fa6' }, encoding: { y, x: { field: 'best', type: 'quantitative' } } },
      { mark: { type: 'tick', thickness: 2, color: '#1d5fa6' }, encoding: { y, x: { field: 'worst', type: 'quantitative' } } },
    ],
  });
  const description = data.map((d) => `${d.plan}: best case ${formatPounds(d.best)}, expected ${formatPounds(d.expected)}, worst case ${formatPounds(d.worst)}`).join('. ');
  return { id: 'plan-cases', title: 'Best, expected and worst case of each plan', description: `${description}.`, svg };
}

/** Each plan's cost in each financial year: mean, with its 10th to 90th percentile band. */
export async function planAnnualCostChart(plans: PlanSeries[]): Promise<Chart> {
  const data = plans.flatMap((p) => p.byFinancialYear.map((y) => ({ plan: p.name, year: y.financialYear, mean: y.cash.mean, p10: y.cash.p10, p90: y.cash.p90 })));
  const x = { field: 'year', type: 'ordinal', title: 'Financial year', axis: { labelAngle: -45 } };
  const color = { field: 'plan', type: 'nominal', title: null, scale: { range: ['#595959', '#1d5fa6', '#b35806', '#2e7d32', '#6a3d9a', '#8c510a', '#01665e', '#c51b7d'] } };
  const svg = await renderSvg({
    title: { text: 'Cost of each plan by financial year', subtitle: 'Cash, real terms: mean (line) and 10th to 90th percentile (band)' },
    width: 460,
    height: 220,
    data: { values: data },
    layer: [
      { mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'p10', type: 'quantitative', title: 'Cost (£)', axis: { format: '$,.3~s' } }, y2: { field: 'p90' }, color } },
      { mark: { type: 'line', point: true, strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color } },
    ],
  });
  const peak = plans.map((p) => {
    const top = [...p.byFinancialYear].sort((a, b) => b.cash.mean - a.cash.mean)[0];
    return top ? `${p.name} costs most in ${top.financialYear} (${formatPounds(top.cash.mean)} expected)` : `${p.name}: no costs`;
  });
  return { id: 'plan-annual-cost', title: 'Cost of each plan by financial year', description: `${peak.join('. ')}.`, svg };
}
