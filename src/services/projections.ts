import type { CostModelSpec } from '../catalog/model-schema.ts';
import { GREEN_BOOK_PERIODS } from '../finance/discounting.ts';
import { financialYearCount, financialYearLabel } from '../finance/financial-year.ts';
import { roundAnswer, roundPounds, sumPounds } from '../finance/money.ts';
import { type DeflatorTable, deflateDatedPrice, deflatorIndexOf, financialYearStartOf, lastIndexedYear, type PriceBase } from '../finance/price-base.ts';
import type { SimulationModel } from '../simulation/model.ts';
import { expectedCost } from '../simulation/oracle.ts';
import type { RunOptions, SimulationPool } from '../simulation/pool.ts';
import type { EnginePlan, PlanResult, ProjectionRequest } from '../simulation/projection.ts';
import { modelHasDistanceShares, personShareWithin20MilesKnown } from '../simulation/projected-outcomes.ts';
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
  /** "model" (default): base-year real prices, actual prices deflated; "current": the model uprated to the first financial year's prices. */
  priceBase?: PriceBase | undefined;
  /**
   * The record's distance of today's placement (state index, and whether within 20 miles):
   * plans starting in that placement report it, not the state's share, while they stay in it.
   */
  knownDistance?: { state: number; within20Miles: boolean } | undefined;
  /** Placements the history shows earlier in the first financial year, before today's (ProjectionRequest.placementsEarlierThisYear). */
  placementsEarlierThisYear?: number | undefined;
}

/**
 * The projected share within 20 miles by year with the record's known distance for the spell in
 * today's placement (personShareWithin20MilesKnown): the chance of still being in that placement
 * at each 31 March is exact (the oracle's augmented chain, parameter uncertainty off), the state
 * probabilities the run's. Years are returned unchanged when the plan does not start in that
 * placement, the state is not in care or the model has no distance shares.
 */
export function withKnownDistance(
  model: SimulationModel,
  request: ProjectionRequest,
  planIndex: number,
  plan: Pick<PlanResult, 'outcomesByYear' | 'endOfYearStates'>,
  runs: number,
  known: { state: number; within20Miles: boolean } | undefined,
): PlanResult['outcomesByYear'] {
  const years = plan.outcomesByYear;
  if (!known || request.plans[planIndex].startState !== known.state || !model.flags.inCare[known.state] || !modelHasDistanceShares(model)) return years;
  const todays = expectedCost(model, { ...request, parameterUncertainty: false }, planIndex, { trackTodaysPlacement: true }).todaysPlacementByMonth;
  return years.map((year, f) => {
    // 31 March of financial year f, as the fold reads it (src/simulation/projection.ts).
    const march = 12 * f + ((14 - (request.clock.startMonth - 1)) % 12);
    const states = plan.endOfYearStates[f]?.states ?? {};
    const probabilities = model.stateIds.map((id) => states[id] ?? 0);
    const share = personShareWithin20MilesKnown(model, probabilities, 0, runs, { ...known, probability: todays[march] ?? 0 });
    return { ...year, shareWithin20Miles: share };
  });
}

type Spec = Pick<CostModelSpec, 'currency' | 'priceBaseYear' | 'deflator'>;

/**
 * How a projection's prices are converted (src/finance/price-base.ts): for price base "model",
 * the factor index(base) / index(y) for each financial year y of the projection, applied to
 * actual and agreed prices; for "current", the one factor index(first year) / index(base)
 * applied to the model's own costs. A model without a deflator converts nothing (factor 1) and
 * says so. Years outside the index take the nearest year's index.
 */
export function priceConversion(spec: Spec, priceBase: PriceBase, firstYear: number, years: number) {
  const deflator: DeflatorTable | undefined = spec.deflator;
  const base = financialYearStartOf(spec.priceBaseYear);
  const index = (y: number) => (deflator ? deflatorIndexOf(deflator, y) : 1);
  const factorToBase = (y: number) => index(base) / index(y);
  const modelCostScale = priceBase === 'current' ? index(firstYear) / index(base) : 1;
  const factors =
    priceBase === 'model'
      ? Array.from({ length: Math.max(1, years) }, (_, f) => ({ financialYear: financialYearLabel(firstYear + f), factor: factorToBase(firstYear + f) }))
      : [{ financialYear: financialYearLabel(firstYear), factor: modelCostScale }];
  return { priceBase, priceBaseYear: priceBase === 'model' ? spec.priceBaseYear : financialYearLabel(firstYear), factorToBase, modelCostScale, factors };
}

/** A plan's actual and agreed prices (cash of the year they are paid) in the model's base-year prices. */
export function deflatePlan(plan: EnginePlan, clock: { startYear: number; startMonth: number; startDay?: number | undefined }, lastYear: number, factorToBase: (y: number) => number): EnginePlan {
  const firstYear = clock.startMonth >= 4 ? clock.startYear : clock.startYear - 1;
  // Agreed prices for states entered later are one figure each: converted at the first year's factor.
  const statePrices = plan.statePrices.map((p) => ({ state: p.state, weeklyPrice: p.weeklyPrice * factorToBase(firstYear) }));
  if (plan.currentPlacementWeeklyPrice === null) return { ...plan, statePrices };
  const start = `${clock.startYear}-${String(clock.startMonth).padStart(2, '0')}-${String(clock.startDay ?? 1).padStart(2, '0')}`;
  const dated = deflateDatedPrice(plan.currentPlacementWeeklyPrice, plan.currentPlacementPriceChanges ?? [], start, lastYear, factorToBase);
  const { currentPlacementPriceChanges: _, ...rest } = plan;
  return { ...rest, statePrices, currentPlacementWeeklyPrice: dated.weeklyPrice, ...(dated.changes.length > 0 ? { currentPlacementPriceChanges: dated.changes } : {}) };
}

/**
 * The statement every money answer carries: currency, price base, discount rates, and what the
 * two bases mean (Green Book: appraisal in real prices of a stated base year, discounted at the
 * social time preference rate, with undiscounted cash beside it).
 */
export function moneyBasis(
  spec: Spec,
  discountRates: Array<{ fromYear: number; rate: number }>,
  conversion: Pick<ReturnType<typeof priceConversion>, 'priceBase' | 'priceBaseYear' | 'factors'> = { priceBase: 'model', priceBaseYear: spec.priceBaseYear, factors: [] },
) {
  const rates = discountRates.map((p) => `${(p.rate * 100).toFixed(1)}% from year ${p.fromYear}`).join(', ');
  const year = conversion.priceBaseYear;
  const held = spec.deflator ? ` The index ends in ${lastIndexedYear(spec.deflator)}: later years hold its index (no inflation assumed after it).` : '';
  const deflator = !spec.deflator
    ? 'The model has no deflator: actual prices are used as stated, not converted (factor 1).'
    : conversion.priceBase === 'model'
      ? `Actual and agreed prices (cash of the year paid) converted to ${spec.priceBaseYear} prices with the model’s GDP deflator: price × index(${spec.priceBaseYear}) / index(year); factors by financial year as listed. Agreed prices for placements entered later use the first year’s factor.${held}`
      : `The model’s costs (${spec.priceBaseYear} prices) uprated to ${year} prices by index(${year}) / index(${spec.priceBaseYear}) = ${conversion.factors[0]?.factor.toFixed(6)}; actual prices used as they are (${year} cash).${held}`;
  return {
    currency: spec.currency,
    priceBase: year,
    priceBaseKind: conversion.priceBase,
    modelPriceBase: spec.priceBaseYear,
    deflator: {
      appliedTo: conversion.priceBase === 'model' ? ('actual prices' as const) : ('model costs' as const),
      factors: conversion.factors.map((f) => ({ financialYear: f.financialYear, factor: Math.round(f.factor * 1e6) / 1e6 })),
      source: spec.deflator?.source ?? null,
      lastIndexedYear: spec.deflator ? lastIndexedYear(spec.deflator) : null,
      statement: deflator,
    },
    discountRates,
    bases: {
      discounted: `Present value: ${year} prices discounted to the first financial year (year 0 undiscounted) at ${rates}.`,
      cash: `Cash: undiscounted, in ${year} prices (real terms, not outturn cash with inflation).`,
    },
    rounding:
      'Money in pounds to the penny: per-run figures are whole pence; means, standard errors and percentiles are rounded to the penny once, at the end. A total’s mean is the sum of its financial years’ rounded means, so the years add to the total exactly. Probabilities, shares and ratios to 6 decimals; counts and months to 4.',
  };
}

/**
 * A projection as answered: every number rounded by its kind at the edge (roundAnswer: money to
 * the penny, probabilities and ratios to 6 decimals, counts to 4), then totals reconciled so a
 * finance officer adding a column gets its total to the penny: each plan's total mean is the sum
 * of its rounded financial years' means (cash and present value), the exact expected cost's
 * total the sum of its rounded years, and each comparison's mean saving the difference of the two
 * plans' answered total means. A mean is linear, so each reconciled figure is within half a penny
 * per year of the figure rounded on its own. Idempotent; applied to stored projections on reading.
 */
export function projectionView(result: ProjectionResultDto): ProjectionResultDto {
  const rounded = roundAnswer(result);
  const plans = rounded.plans.map((plan) => {
    const years = plan.byFinancialYear;
    const total = {
      cash: { ...plan.total.cash, mean: sumPounds(years.map((y) => y.cash.mean)) },
      discounted: { ...plan.total.discounted, mean: sumPounds(years.map((y) => y.discounted.mean)) },
    };
    const exact = plan.expectedCost;
    const expectedCost = exact
      ? {
          ...exact,
          total: { cash: sumPounds(exact.byFinancialYear.map((y) => y.cash)), discounted: sumPounds(exact.byFinancialYear.map((y) => y.discounted)) },
        }
      : undefined;
    return { ...plan, total, ...(expectedCost ? { expectedCost } : {}) };
  });
  const totalOf = new Map(plans.map((p) => [p.name, p.total]));
  // A mean saving subtracts exactly: the against plan's answered total minus this plan's. Never
  // against the sign of the saving rounded on its own, which agrees with the chance of being
  // cheaper beside it (only a saving within pennies of zero could differ).
  const saving = (own: number, against: number, plan: number) => {
    const difference = roundPounds(against - plan);
    return Math.sign(difference) === Math.sign(own) ? difference : own;
  };
  const comparisons = rounded.comparisons.map((c) => {
    const plan = totalOf.get(c.plan);
    const against = totalOf.get(c.against);
    if (!plan || !against) return c;
    return {
      ...c,
      discounted: { ...c.discounted, saving: { ...c.discounted.saving, mean: saving(c.discounted.saving.mean, against.discounted.mean, plan.discounted.mean) } },
      cash: { ...c.cash, saving: { ...c.cash.saving, mean: saving(c.cash.saving.mean, against.cash.mean, plan.cash.mean) } },
    };
  });
  return { ...rounded, plans, comparisons };
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
  const clock = { startYear: job.startYear, startMonth: job.startMonth, ...(job.startDay !== undefined ? { startDay: job.startDay } : {}) };
  const firstYear = job.startMonth >= 4 ? job.startYear : job.startYear - 1;
  const years = financialYearCount(job.startYear, job.startMonth, Math.max(1, job.model.horizonAgeMonths - job.ageMonths));
  const conversion = priceConversion(job.spec, job.priceBase ?? 'model', firstYear, years);
  const request: ProjectionRequest = {
    clock,
    ageMonths: job.ageMonths,
    plans: job.plans.map((p) => (conversion.priceBase === 'model' ? deflatePlan(p.plan, clock, firstYear + years - 1, conversion.factorToBase) : p.plan)),
    ...(conversion.modelCostScale !== 1 ? { modelCostScale: conversion.modelCostScale } : {}),
    parameterUncertainty: job.parameterUncertainty,
    discountPeriods,
    thresholds: job.thresholds,
    ...(job.placementsEarlierThisYear ? { placementsEarlierThisYear: job.placementsEarlierThisYear } : {}),
  };
  const running = pool.projection(job.modelKey, job.spec, request, job.runs, job.seed, options);
  // The exact expectation (Markov oracle) is computed here, while the worker threads run the
  // chunks just dispatched, not after them: after the last chunk this thread summarises alone
  // and a core would sit idle (issue 19: about 3 ms a plan off the end of every projection).
  let exacts: Array<ReturnType<typeof expectedCost> | undefined>;
  try {
    exacts = job.plans.map((_, p) => (job.includeExpectedCost ? expectedCost(job.model, { ...request, parameterUncertainty: false }, p) : undefined));
  } catch (error) {
    // The chunks still settle; their outcome no longer matters, but must not go unhandled.
    running.catch(() => {});
    throw error;
  }
  const result = await running;
  const names = job.plans.map((p) => p.name);
  return projectionView({
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
    money: moneyBasis(job.spec, discountPeriods.length ? discountPeriods : [...GREEN_BOOK_PERIODS], conversion),
    plans: result.plans.map((plan, p) => {
      const exact = exacts[p];
      return {
        name: names[p],
        ...plan,
        outcomesByYear: withKnownDistance(job.model, request, p, plan, job.runs, job.knownDistance),
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
  });
}
