import type { ScenarioResultCore } from '../simulation/scenario-fold.ts';
import { roundAnswer, sumPounds } from './money.ts';

/**
 * A scenario result as answered: rounded at the edge (roundAnswer), and the planning-years total
 * of each variant (baseline, strategy, saving) reconciled to the sum of its rounded years' means,
 * so the spend-by-year column adds to the total to the penny (a mean is linear; the total moves by
 * at most half a penny a year). Idempotent.
 */
export function scenarioResultView<T extends Pick<ScenarioResultCore, 'spend' | 'planningYears'>>(stored: T): T {
  const result = roundAnswer(stored);
  const years = result.spend.byYear.slice(0, result.planningYears);
  const total = result.spend.planningTotal;
  const sum = (variant: 'baseline' | 'strategy' | 'saving') => ({ ...total[variant], mean: sumPounds(years.map((y) => y[variant].mean)) });
  return { ...result, spend: { ...result.spend, planningTotal: { baseline: sum('baseline'), strategy: sum('strategy'), saving: sum('saving') } } };
}
