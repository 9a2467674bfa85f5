import { conventionDifferences } from '../finance/conventions.ts';
import { formatPercent, formatPounds } from '../services/wording.ts';
import { COMPLEMENT, SMALL_COUNT, type ShownCount } from './disclosure.ts';
import { driverLabels, runNames } from './labels.ts';
import { type PackRun, agencyLabel, yearEndDate } from './pack-input.ts';
import { shownCounts } from './tables.ts';

/**
 * Short findings in plain language for the report and the comparison page: what the strategy
 * does to spend, its net present value with best and worst case, the odds, payback, who invests
 * and who saves, the biggest driver, and children looked after (with disclosure control).
 */

export interface RunFindings {
  runId: string;
  label: string;
  sentences: string[];
}

function children(value: ShownCount | undefined): string {
  if (value === undefined) return 'an unknown number of';
  if (value === SMALL_COUNT) return 'fewer than 5';
  if (value === COMPLEMENT) return 'a number not shown (to protect a small count)';
  return value.toLocaleString('en-GB');
}

const saves = (amount: number) => (amount >= 0 ? `saves ${formatPounds(amount)}` : `costs ${formatPounds(-amount)} more`);
const net = (amount: number) => (amount >= 0 ? `a net benefit of ${formatPounds(amount)}` : `a net cost of ${formatPounds(-amount)}`);

/**
 * A run's findings; `runs` are all the runs of the pack (for a name that tells this run from the
 * others without its id: labels.ts runNames), `k` this run's place among them.
 */
export function runFindings(run: PackRun, k = 0, runs: readonly PackRun[] = [run]): RunFindings {
  const r = run.result;
  const its = r.investToSave;
  const years = r.spend.byYear;
  const first = years[0]?.financialYear ?? r.firstYear;
  const last = years[years.length - 1]?.financialYear ?? r.firstYear;
  const total = r.spend.planningTotal;
  const sentences: string[] = [];

  sentences.push(
    `${run.scenario.spec.strategy.name} against doing as now, ${first} to ${last}, over ${run.runs.toLocaleString('en-GB')} simulated runs of the cost model ${run.model.id} ${run.model.version}.`,
  );
  const saving = total.saving;
  const direction = saving.mean >= 0 ? `${formatPounds(saving.mean)} lower` : `${formatPounds(-saving.mean)} higher`;
  sentences.push(
    `Over the ${r.planningYears} planning years spend in cash (undiscounted) is expected to be ${direction} with the strategy (${formatPounds(total.strategy.mean)} against ${formatPounds(total.baseline.mean)} as now); in the best case (P90) the strategy ${saves(saving.p90)}, in the worst case (P10) it ${saves(saving.p10)}.`,
  );
  const npv = its.netPresentValue;
  sentences.push(
    `Over ${r.lifetimeYears} years, in present value, the strategy is expected to give ${net(npv.mean)}: ${net(npv.p90)} in the best case and ${net(npv.p10)} in the worst case (one run in ten does better, one in ten worse).`,
  );
  sentences.push(`Benefits exceed costs in ${formatPercent(its.probabilityBenefitsExceedCosts)} of runs in present value, and in ${formatPercent(its.cash.probabilityBenefitsExceedCosts)} of runs in cash (undiscounted).`);
  sentences.push(
    its.payback.medianYear
      ? `Half the runs have paid back the investment by ${its.payback.medianYear}; ${formatPercent(its.payback.probabilityNever)} never pay back within ${r.lifetimeYears} years.`
      : `In most runs the investment does not pay back within ${r.lifetimeYears} years (${formatPercent(its.payback.probabilityNever)} never do).`,
  );
  const investors = its.byAgency.filter((a) => a.presentCosts.mean > 0).sort((a, b) => b.presentCosts.mean - a.presentCosts.mean);
  const savers = its.byAgency.filter((a) => a.presentBenefits.mean > 0).sort((a, b) => b.presentBenefits.mean - a.presentBenefits.mean);
  if (investors.length > 0) {
    const investing = investors.map((a) => `${agencyLabel(a.agency)} (${formatPounds(a.presentCosts.mean)})`).join(' and ');
    const saving = savers.length > 0 ? savers.map((a) => `${agencyLabel(a.agency)} (${formatPounds(a.presentBenefits.mean)})`).join(', ') : 'no agency';
    const wrongPocket = savers.some((s) => !investors.some((i) => i.agency === s.agency));
    sentences.push(`Who invests: ${investing}. Who saves: ${saving}, in present value.${wrongPocket ? ' Part of the saving falls to an agency that does not invest.' : ''}`);
  }
  const driver = r.sensitivity[0];
  if (driver) {
    sentences.push(
      `The uncertain input that matters most is ${driverLabels(run.model.spec, r.sensitivity.slice(0, 10))[0]}: the runs where it is in its lowest tenth average ${net(driver.npvWhenLow)}, those in its highest tenth ${net(driver.npvWhenHigh)}.`,
    );
  }
  const counts = shownCounts(run);
  const y = counts.years.length - 1;
  if (y >= 0) {
    const total = counts.states.length;
    sentences.push(
      `At ${yearEndDate(counts.years[y])}, ${children(counts.shown.baseline.mean[y][total])} children are expected to be looked after as now and ${children(counts.shown.strategy.mean[y][total])} with the strategy.`,
    );
  }
  return { runId: run.runId, label: runNames(runs)[k] ?? run.scenario.spec.name, sentences };
}

/** Sentences comparing the runs side by side (for two runs or more). */
export function comparisonFindings(runs: PackRun[], differentCohorts: boolean): string[] {
  if (runs.length < 2) return [];
  const sentences: string[] = [];
  const names = new Map(runNames(runs).map((name, k) => [runs[k], name]));
  const runLabel = (run: PackRun) => names.get(run) ?? run.scenario.spec.name;
  const byNpv = [...runs].sort((a, b) => b.result.investToSave.netPresentValue.mean - a.result.investToSave.netPresentValue.mean);
  const best = byNpv[0];
  const next = byNpv[1];
  const gap = best.result.investToSave.netPresentValue.mean - next.result.investToSave.netPresentValue.mean;
  sentences.push(`${runLabel(best)} has the highest expected net present value, ${formatPounds(gap)} above ${runLabel(next)}.`);
  sentences.push(`Chance that benefits exceed costs (present value): ${runs.map((run) => `${runLabel(run)} ${formatPercent(run.result.investToSave.probabilityBenefitsExceedCosts)}`).join('; ')}.`);
  const safest = [...runs].sort((a, b) => b.result.investToSave.netPresentValue.p10 - a.result.investToSave.netPresentValue.p10)[0];
  sentences.push(`In the worst case (P10), ${runLabel(safest)} does best: ${net(safest.result.investToSave.netPresentValue.p10)}.`);
  if (differentCohorts) {
    sentences.push('These runs simulated different cohorts of young people: differences between them reflect the cohorts as well as the strategies.');
  }
  // Runs stored before the convention was recorded followed a closed cohort.
  const methods = runs.map((run) => ({ label: runLabel(run), appraisal: run.result.appraisal?.convention ?? 'closed_cohort', model: run.model.spec }));
  const { warnings, currencies } = conventionDifferences(methods);
  sentences.push(...warnings.map((w) => w.message));
  if (currencies) sentences.push(`The runs are in different currencies (${currencies.join(', ')}): their figures cannot be subtracted.`);
  return sentences;
}
