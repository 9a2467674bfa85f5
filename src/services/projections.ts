import type { CostModelSpec } from '../catalog/model-schema.ts';
import { GREEN_BOOK_PERIODS } from '../finance/discounting.ts';
import type { SimulationModel } from '../simulation/model.ts';
import { expectedCost } from '../simulation/oracle.ts';
import type { RunOptions, SimulationPool } from '../simulation/pool.ts';
import type { EnginePlan, ProjectionRequest } from '../simulation/projection.ts';
import type { ProjectionResultDto } from '../schemas/projections.ts';
import { comparisonStatements } from './wording.ts';

/** One projection of one person's plans: the engine run, the oracle beside it, named for people. */
export interface ProjectionJob {
  modelKey: string;
  spec: CostModelSpec;
  hash: string;
  model: SimulationModel;
  ageMonths: number;
  startYear: number;
  startMonth: number;
  /** Day of the start month (1 when absent): the first month is charged pro rata from it. */
  startDay?: number | undefined;
  plans: Array<{ name: string; plan: EnginePlan }>;
  runs: number;
  seed: number;
  parameterUncertainty: boolean;
  /** A flat rate replacing the model's discount schedule. */
  discountRate?: number | undefined;
  thresholds?: number[] | undefined;
  /** Add each plan's exact expectation (parameter uncertainty off). */
  includeExpectedCost: boolean;
}

/**
 * The statement every money answer carries: currency, price base, discount rates, and what the
 * two bases mean (Green Book: appraisal in real prices of a stated base year, discounted at the
 * social time preference rate, with undiscounted cash beside it).
 */
export function moneyBasis(spec: Pick<CostModelSpec, 'currency' | 'priceBaseYear'>, discountRates: Array<{ fromYear: number; rate: number }>) {
  const rates = discountRates.map((p) => `${(p.rate * 100).toFixed(1)}% from year ${p.fromYear}`).join(', ');
  return {
    currency: spec.currency,
    priceBase: spec.priceBaseYear,
    discountRates,
    bases: {
      discounted: `Present value: ${spec.priceBaseYear} prices discounted to the first financial year (year 0 undiscounted) at ${rates}.`,
      cash: `Cash: undiscounted, in ${spec.priceBaseYear} prices (real terms, not outturn cash with inflation).`,
    },
    rounding: 'Money in pounds to the penny: per-run figures are whole pence; means, standard errors and percentiles are rounded to the penny once, at the end.',
  };
}

export function currentMonth(now = new Date()): { year: number; month: number } {
  return { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 };
}

export function parseStartMonth(text: string | undefined, now = new Date()): { year: number; month: number } {
  if (!text) return currentMonth(now);
  const [year, month] = text.split('-').map(Number);
  return { year, month };
}

export async function projectPlans(pool: SimulationPool, job: ProjectionJob, options: RunOptions = {}): Promise<ProjectionResultDto> {
  const discountPeriods = job.discountRate === undefined ? job.model.discountPeriods : [{ fromYear: 0, rate: job.discountRate }];
  const request: ProjectionRequest = {
    clock: { startYear: job.startYear, startMonth: job.startMonth, ...(job.startDay !== undefined ? { startDay: job.startDay } : {}) },
    ageMonths: job.ageMonths,
    plans: job.plans.map((p) => p.plan),
    parameterUncertainty: job.parameterUncertainty,
    discountPeriods,
    thresholds: job.thresholds,
  };
  const result = await pool.projection(job.modelKey, job.spec, request, job.runs, job.seed, options);
  const names = job.plans.map((p) => p.name);
  return {
    model: { id: job.spec.id, version: job.spec.version, hash: job.hash },
    seed: job.seed,
    runs: job.runs,
    months: result.months,
    startMonth: `${job.startYear}-${String(job.startMonth).padStart(2, '0')}`,
    ...(job.startDay !== undefined ? { startDay: job.startDay } : {}),
    ageMonths: job.ageMonths,
    firstFinancialYear: result.firstFinancialYear,
    parameterUncertainty: job.parameterUncertainty,
    discountRates: discountPeriods.length ? discountPeriods : [...GREEN_BOOK_PERIODS],
    money: moneyBasis(job.spec, discountPeriods.length ? discountPeriods : [...GREEN_BOOK_PERIODS]),
    plans: result.plans.map((plan, p) => {
      const exact = job.includeExpectedCost ? expectedCost(job.model, { ...request, parameterUncertainty: false }, p) : undefined;
      return {
        name: names[p],
        ...plan,
        ...(exact ? { expectedCost: { total: exact.total, byFinancialYear: exact.byFinancialYear } } : {}),
      };
    }),
    comparisons: result.comparisons.map((c) => {
      const statements = comparisonStatements(names[c.plan], names[c.against], c);
      return {
        ...c,
        plan: names[c.plan],
        against: names[c.against],
        discounted: { ...c.discounted, statement: statements.discounted },
        cash: { ...c.cash, statement: statements.cash },
        statement: `${statements.discounted} ${statements.cash}`,
      };
    }),
    parameters: result.parameters,
  };
}
