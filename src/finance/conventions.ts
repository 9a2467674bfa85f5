/**
 * Whether figures from different runs can be set side by side. Two appraisals compare only when
 * they share a method: the same appraisal convention (continuing demand keeps entrants arriving
 * and services running for the lifetime horizon; a closed cohort does not), the same price base
 * and the same discount rates. When they differ the figures can still be read side by side, but
 * their differences mix method with strategy, so each difference is named in a warning. Runs in
 * different currencies cannot be subtracted at all (`currencies` lists them for a 422).
 */

export interface AppraisalMethod {
  /** A short name of the run for messages (e.g. the first 8 characters of its id). */
  label: string;
  /** continuing_demand or closed_cohort. */
  appraisal: string;
  /** The model's money facts; undefined when the model run is no longer known. */
  model?: { currency: string; priceBaseYear: string; discounting: { periods: ReadonlyArray<{ fromYear: number; rate: number }> } } | undefined;
}

export interface ConventionWarning {
  /** What differs: appraisal, priceBase, discountRates, or model (not known, so not checked). */
  field: 'appraisal' | 'priceBase' | 'discountRates' | 'model';
  message: string;
}

const rates = (periods: ReadonlyArray<{ fromYear: number; rate: number }>) =>
  [...periods]
    .sort((a, b) => a.fromYear - b.fromYear)
    .map((p) => `${Number((p.rate * 100).toFixed(4))}% from year ${p.fromYear}`)
    .join(', ');

/** The warnings for runs compared side by side (none for one run, or runs sharing a method), and the currencies when more than one. */
export function conventionDifferences(runs: readonly AppraisalMethod[]): { warnings: ConventionWarning[]; currencies: string[] | null } {
  const warnings: ConventionWarning[] = [];
  const list = (value: (run: AppraisalMethod) => string) => runs.map((run) => `${run.label} ${value(run)}`).join('; ');
  if (new Set(runs.map((run) => run.appraisal)).size > 1) {
    warnings.push({
      field: 'appraisal',
      message: `The runs follow different appraisal conventions (${list((run) => run.appraisal)}): continuing demand keeps new entrants arriving and services running for the whole lifetime horizon, a closed cohort does not, so net present value, benefit-cost ratio and payback differ by method as well as by strategy.`,
    });
  }
  const unknown = runs.filter((run) => !run.model);
  if (unknown.length > 0) {
    warnings.push({ field: 'model', message: `The model version run is no longer known for ${unknown.map((run) => run.label).join(', ')}: its price base and discount rates cannot be checked.` });
  }
  const known = runs.filter((run) => run.model);
  const model = (run: AppraisalMethod) => run.model as NonNullable<AppraisalMethod['model']>;
  if (new Set(known.map((run) => model(run).priceBaseYear)).size > 1) {
    warnings.push({
      field: 'priceBase',
      message: `The runs are in different price bases (${known.map((run) => `${run.label} ${model(run).priceBaseYear} prices`).join('; ')}): their money differences mix price levels with the strategies.`,
    });
  }
  if (new Set(known.map((run) => rates(model(run).discounting.periods))).size > 1) {
    warnings.push({
      field: 'discountRates',
      message: `The runs discount at different rates (${known.map((run) => `${run.label} ${rates(model(run).discounting.periods)}`).join('; ')}): their present values differ by discounting as well as by strategy.`,
    });
  }
  const currencies = [...new Set(known.map((run) => model(run).currency))];
  return { warnings, currencies: currencies.length > 1 ? currencies : null };
}
