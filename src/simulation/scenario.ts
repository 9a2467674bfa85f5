import type { CostModelSpec, DistributionSpec } from '../catalog/model-schema.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import { yearly } from '../catalog/validate-scenario.ts';
import { resolveFunding } from '../catalog/validate-funding.ts';
import type { FundingArrangement } from '../finance/funding.ts';
import { weeklyPriceByFinancialYear } from '../finance/day-count.ts';
import { financialYearCount, parseFinancialYear } from '../finance/financial-year.ts';
import { meanOf, toDistribution } from './distributions.ts';
import { type CohortChunk, type CohortPerson, type CohortRequest, simulateCohortRuns } from './cohort.ts';
import type { OfferedIntervention, PlanSlot, RateAdjustment, Redirect } from './engine.ts';
import { planFlows } from './expected-flows.ts';
import { type PlacePriority, type SharedPlaces, simulatePlacesRuns } from './places.ts';
import { type SimulationModel, compileModel, selectorMask } from './model.ts';
import { StreamPurpose, Xoshiro128, streamPrefix } from './random.ts';

/**
 * A commissioning scenario turned into engine work: the cohort on record, new entrants drawn
 * per run, and two variants — the baseline ("as now") and the strategy — simulated on common
 * random numbers. Work is split into shards (people × runs, and entrants by age band × runs)
 * whose vectors add up exactly, so any number of threads, processes or machines gives the same
 * numbers.
 */

/** A young person on record, as the scenario needs them (no identifiers). */
export interface ScenarioMember {
  /** Age in months on 1 April of the first planning year. */
  ageMonths: number;
  state: string;
  /**
   * Actual weekly price of the current placement, if in one: the price in force on 1 April of the
   * first planning year (the record's start price or its latest dated change by then).
   */
  weeklyPrice: number | null;
  /**
   * The record's dated changes to that price after 1 April of the first planning year (YYYY-MM-DD,
   * in date order; agreed uplifts, and changes since that day when the year is under way); absent
   * when there are none. Each financial year is then charged its day-weighted price, as a pathway
   * projection charges it (src/simulation/projection.ts toSlot). Cash as recorded in the cohort
   * hash; the engine gets both prices in base-year terms (scenario-runs.ts deflatedMember).
   */
  priceChanges?: Array<{ from: string; weeklyPrice: number }>;
  /**
   * Placements the record's history shows earlier in the first planning year, before today's
   * (src/outcomes/placements-this-year.ts); 0 when absent. Counts towards that year's placement stability.
   */
  placementsEarlierThisYear?: number;
}

export interface EntrantGroup {
  band: number;
  fromMonths: number;
  toMonths: number;
  /** Expected entrants in each planning year. */
  expectedByYear: number[];
  starting: Array<{ state: number; share: number }>;
}

export interface PreparedVariant {
  name: 'baseline' | 'strategy';
  modelKey: string;
  modelSpec: CostModelSpec;
  slot: PlanSlot;
  /** Capacity limits and commissioned places held in every run (places.ts); absent: none. */
  places?: SharedPlaces;
}

/** Everything a shard needs: serialisable, so it can be sent to a thread or stored for workers. */
export type AppraisalConvention = 'continuing_demand' | 'closed_cohort';

export const APPRAISAL_CONVENTIONS: Record<AppraisalConvention, string> = {
  continuing_demand:
    'Demand continuing: new entrants keep arriving, at the last planning year’s population and rates, and commissioned services keep running for every year of the appraisal period.',
  closed_cohort:
    'Closed cohort: new entrants arrive in the planning years only; everyone is then followed to the end of the appraisal period, so savings fade as the group grows up.',
};

export interface PreparedScenario {
  request: CohortRequest;
  planningYears: number;
  lifetimeYears: number;
  appraisal: AppraisalConvention;
  firstYear: number;
  seed: number;
  runs: number;
  variants: PreparedVariant[];
  people: CohortPerson[];
  entrants: EntrantGroup[];
  /** Strategy investment outside the model, pence, [year][agency]. */
  investmentPence: number[][];
  /** How the strategy is paid for (organisations, pool, contracts, reinvestment), when the scenario says. */
  funding?: FundingArrangement;
  /** What the capacity and offer planning found, for the report. */
  planning: {
    capacity: Array<{ variant: string; state: string; overflowTo: string; placesByYear: number[]; redirectByYear: number[] }>;
    offers: Array<{ intervention: string; placesByYear: number[]; expectedDemandByYear: number[]; probabilityByYear: number[] }>;
  };
}

export type ScenarioShard = { kind: 'people'; start: number; end: number } | { kind: 'entrants'; group: number } | { kind: 'runs' };

export const ENTRANT_KEY_BASE = 1_000_000;
export const MAX_ENTRANTS_PER_GROUP_YEAR = 50_000;

function scale(d: DistributionSpec, k: number): DistributionSpec {
  if (typeof d === 'number') return d * k;
  switch (d.type) {
    case 'fixed':
      return { ...d, value: d.value * k };
    case 'normal':
    case 'lognormal':
      return { ...d, mean: d.mean * k, sd: d.sd * k };
    case 'uniform':
      return { ...d, min: d.min * k, max: d.max * k };
    case 'triangular':
    case 'pert':
      return { ...d, min: d.min * k, mode: d.mode * k, max: d.max * k };
  }
}


/** The strategy's model: unit prices changed, commissioned interventions at their prices and eligibility. */
export function strategyModelSpec(base: CostModelSpec, scenario: ScenarioSpec): CostModelSpec {
  const spec: CostModelSpec = structuredClone(base);
  for (const change of scenario.strategy.unitPriceChanges ?? []) {
    const cost = spec.unitCosts.find((c) => c.id === change.unitCost);
    if (!cost) continue;
    const k = change.multiplier ?? (change.weeklyPrice as number) / Math.max(1e-9, meanOf(toDistribution(cost.amount)));
    cost.amount = scale(cost.amount, k);
  }
  for (const commissioned of scenario.strategy.interventions ?? []) {
    const iv = spec.interventions?.find((i) => i.id === commissioned.id);
    if (!iv) continue;
    if (commissioned.weeklyPrice !== undefined) iv.cost.perWeek = commissioned.weeklyPrice;
    if (commissioned.oneOffPrice !== undefined) iv.cost.oneOff = commissioned.oneOffPrice;
    if (commissioned.eligibleStates) iv.eligibility.states = commissioned.eligibleStates;
    if (commissioned.minAge !== undefined) iv.eligibility.minAgeYears = commissioned.minAge;
    if (commissioned.maxAge !== undefined) iv.eligibility.maxAgeYears = commissioned.maxAge;
  }
  return spec;
}

function stateIndex(model: SimulationModel, id: string): number {
  const index = model.stateIds.indexOf(id);
  if (index < 0) throw new Error(`unknown state ${id}`);
  return index;
}

export interface PrepareOptions {
  baseKey: string;
  seed: number;
  runs: number;
  parameterUncertainty?: boolean;
}

/** Builds the engine's view of a validated scenario over the members on record. */
export function prepareScenario(scenario: ScenarioSpec, baseSpec: CostModelSpec, members: ScenarioMember[], options: PrepareOptions): PreparedScenario {
  const firstYear = parseFinancialYear(scenario.firstYear) as number;
  const planningYears = scenario.planningYears ?? 5;
  const lifetimeYears = scenario.lifetimeYears ?? 20;
  const appraisal: AppraisalConvention = scenario.appraisal ?? 'continuing_demand';
  // Entrants arrive every year of the appraisal when demand continues, in the planning years only for a closed cohort.
  const entrantYears = appraisal === 'closed_cohort' ? planningYears : lifetimeYears;
  const months = lifetimeYears * 12;
  const request: CohortRequest = { clock: { startYear: firstYear, startMonth: 4 }, months, parameterUncertainty: options.parameterUncertainty ?? true };
  const base = compileModel(baseSpec);
  const strategySpec = strategyModelSpec(baseSpec, scenario);
  const strategyModel = compileModel(strategySpec);
  const yearIndex = (label: string | undefined) => (label === undefined ? 0 : (parseFinancialYear(label) as number) - firstYear);
  // One price per financial year of the projection (the cohort layout's years), as the engine reads it.
  const financialYears = Math.max(1, financialYearCount(firstYear, 4, months));

  const people: CohortPerson[] = members.map((member, key) => {
    const startState = stateIndex(base, member.state);
    // Someone born after the first planning year began joins the projection at birth.
    const offset = Math.max(0, -member.ageMonths);
    const actual = base.isPlacement[startState] && member.weeklyPrice !== null ? member.weeklyPrice : null;
    return {
      ageMonths: Math.max(0, member.ageMonths),
      offset,
      startState,
      key,
      currentPlacementWeeklyPrice: actual,
      // Dated changes: each year's day-weighted price (none: the one price every year, as before).
      ...(actual !== null && (member.priceChanges?.length ?? 0) > 0
        ? { currentPlacementPriceByYear: weeklyPriceByFinancialYear(request.clock, financialYears, actual, member.priceChanges ?? []) }
        : {}),
      // Only someone on record from the start has a history in the first year (the engine reads it at offset 0 only).
      ...(offset === 0 && (member.placementsEarlierThisYear ?? 0) > 0 ? { placementsEarlierThisYear: member.placementsEarlierThisYear } : {}),
      plans: [
        { moves: [], interventions: [] },
        { moves: [], interventions: [] },
      ],
    };
  });
  const entrants: EntrantGroup[] = (scenario.entrants ?? []).map((band, b) => ({
    band: b,
    fromMonths: band.fromYears * 12,
    toMonths: band.toYears * 12,
    expectedByYear: Array.from({ length: entrantYears }, (_, y) => (yearly(band.population, y) * yearly(band.ratePer10000, y)) / 10_000),
    starting: Object.entries(band.startingStates)
      .filter(([, share]) => share > 0)
      .map(([state, share]) => ({ state: stateIndex(base, state), share })),
  }));

  // Rate changes from their start year on: the scenario's own (both variants) and the strategy's.
  // A change keeps its name in both variants, so its uncertain multiplier is drawn alike.
  const rateChangeOf = (change: NonNullable<ScenarioSpec['rateChanges']>[number], name: string) => ({
    startYear: yearIndex(change.startYear),
    adjustment: {
      name: `${name}:${change.label ?? `${change.from.join('+')}>${change.to.join('+')}`}`,
      from: selectorMask(strategySpec, change.from),
      to: selectorMask(strategySpec, change.to),
      multiplier: toDistribution(change.multiplier),
    } satisfies RateAdjustment,
  });
  const commonRateChanges = (scenario.rateChanges ?? []).map((change, k) => rateChangeOf(change, `common-rate-${k}`));
  const rateChanges = (scenario.strategy.rateChanges ?? []).map((change, k) => rateChangeOf(change, `strategy-rate-${k}`));
  const capacity = scenario.capacity ?? [];
  const placesFor = (variant: 'baseline' | 'strategy', limitIndex: number) =>
    Array.from({ length: lifetimeYears }, (_, y) => {
      const limit = capacity[limitIndex];
      const change = variant === 'strategy' ? (scenario.strategy.capacityChanges ?? []).find((c) => c.state === limit.state) : undefined;
      return Math.max(0, yearly(limit.places, y) + (change ? yearly(change.additionalPlaces, y) : 0));
    });

  const planning: PreparedScenario['planning'] = { capacity: [], offers: [] };
  const buildPeriods = (variant: 'baseline' | 'strategy', model: SimulationModel) => {
    const inForce = variant === 'strategy' ? [...commonRateChanges, ...rateChanges] : commonRateChanges;
    const rates = (y: number) => inForce.filter((r) => y >= r.startYear).map((r) => r.adjustment);
    const limits = capacity.map((limit, k) => ({ state: stateIndex(model, limit.state), overflow: stateIndex(model, limit.overflowTo), places: placesFor(variant, k) }));
    const needsPeriods = limits.length > 0 || inForce.length > 0;
    if (!needsPeriods) return { periods: undefined, flows: undefined };
    const draftPeriods = Array.from({ length: lifetimeYears }, (_, y) => ({ rates: rates(y), redirects: [] as Redirect[] }));
    // Without limits the plan's only product (its redirects) is empty: rate changes alone need no plan.
    if (limits.length === 0) return { periods: draftPeriods, flows: undefined };
    const flows = planFlows(model, { request, people, entrants, periods: draftPeriods, limits });
    limits.forEach((limit, k) => {
      planning.capacity.push({
        variant,
        state: capacity[k].state,
        overflowTo: capacity[k].overflowTo,
        placesByYear: limit.places,
        redirectByYear: flows.redirectByYear[k],
      });
    });
    const periods = draftPeriods.map((period, y) => ({
      rates: period.rates,
      redirects: limits.map((limit, k) => ({ state: limit.state, overflow: limit.overflow, fraction: flows.redirectByYear[k][y] })),
    }));
    return { periods, flows };
  };

  const baselinePeriods = buildPeriods('baseline', base);
  const strategyPeriods = buildPeriods('strategy', strategyModel);

  // Commissioned interventions are offered while places last: the chance of a place in a year is
  // the places over the expected number of eligible people arriving (planned without the offers).
  const commissioned = scenario.strategy.interventions ?? [];
  let offers: OfferedIntervention[] = [];
  if (commissioned.length) {
    const demand = planFlows(strategyModel, {
      request,
      people,
      entrants,
      periods: strategyPeriods.periods,
      limits: [],
      eligibility: commissioned.map((c) => {
        const iv = strategyModel.interventions.findIndex((i) => i.id === c.id);
        const rule = strategyModel.interventions[iv];
        return { eligible: rule.eligible, minAgeMonths: rule.minAgeMonths, maxAgeMonths: rule.maxAgeMonths, firstMonth: yearIndex(c.startYear) * 12 };
      }),
    });
    offers = commissioned.map((c, bit) => {
      const iv = strategyModel.interventions.findIndex((i) => i.id === c.id);
      const rule = strategyModel.interventions[iv];
      const placesByYear = Array.from({ length: lifetimeYears }, (_, y) => (y < yearIndex(c.startYear) ? 0 : yearly(c.capacityPerYear, y)));
      const expectedDemandByYear = demand.eligibleArrivalsByYear[bit];
      const probabilityByYear = placesByYear.map((places, y) => (expectedDemandByYear[y] > 0 ? Math.min(1, places / expectedDemandByYear[y]) : 0));
      planning.offers.push({ intervention: c.id, placesByYear, expectedDemandByYear, probabilityByYear });
      return {
        bit,
        probabilityByYear: Float64Array.from(probabilityByYear),
        firstMonth: yearIndex(c.startYear) * 12,
        eligible: rule.eligible,
        minAgeMonths: rule.minAgeMonths,
        maxAgeMonths: rule.maxAgeMonths,
      };
    });
  }

  const investmentPence = Array.from({ length: lifetimeYears }, () => new Array<number>(base.agencies.length).fill(0));
  for (const item of scenario.strategy.investment ?? []) {
    const y = yearIndex(item.year);
    investmentPence[y][base.agencies.indexOf(item.agency)] += Math.round(item.amount * 100);
  }
  const strategyKey = `${options.baseKey}+strategy:${scenario.id}@${scenario.version}`;
  // Places held in every run: with any limit or commissioned service, people of a run compete
  // for places month by month (places.ts) instead of the expected-flow plan above.
  const shared = capacity.length > 0 || commissioned.length > 0;
  const priority: PlacePriority = scenario.priority ?? 'longest_waiting';
  const sharedPlaces = (variant: 'baseline' | 'strategy', model: SimulationModel): SharedPlaces => ({
    priority,
    limits: capacity.map((limit, k) => ({
      state: stateIndex(model, limit.state),
      overflow: stateIndex(model, limit.overflowTo),
      placesByYear: placesFor(variant, k),
      waiting: limit.waiting ?? false,
    })),
    offers:
      variant === 'baseline'
        ? []
        : offers.map((offer, bit) => ({
            bit,
            placesByYear: planning.offers[bit].placesByYear,
            firstMonth: offer.firstMonth,
            eligible: offer.eligible,
            minAgeMonths: offer.minAgeMonths,
            maxAgeMonths: offer.maxAgeMonths,
          })),
  });
  return {
    request,
    planningYears,
    lifetimeYears,
    appraisal,
    firstYear,
    seed: options.seed,
    runs: options.runs,
    variants: [
      {
        name: 'baseline',
        modelKey: options.baseKey,
        modelSpec: baseSpec,
        slot: { interventions: [], statePrices: [], periods: baselinePeriods.periods },
        ...(shared ? { places: sharedPlaces('baseline', base) } : {}),
      },
      {
        name: 'strategy',
        modelKey: strategyKey,
        modelSpec: strategySpec,
        slot: {
          interventions: commissioned.map((c) => strategyModel.interventions.findIndex((i) => i.id === c.id)),
          statePrices: [],
          periods: strategyPeriods.periods,
          offers,
        },
        ...(shared ? { places: sharedPlaces('strategy', strategyModel) } : {}),
      },
    ],
    people,
    entrants,
    investmentPence,
    ...(scenario.funding ? { funding: resolveFunding(scenario, baseSpec, base.agencies) } : {}),
    planning,
  };
}


/** The shards of a scenario: people in blocks, and each entrant age band on its own. */
export function scenarioShards(prepared: PreparedScenario, peoplePerShard = 200): ScenarioShard[] {
  // Shared places: a shard is every person of a block of runs (the chunk), so nothing is added
  // up across people and no run depends on how work was split.
  if (prepared.variants.some((v) => v.places !== undefined)) return [{ kind: 'runs' }];
  const shards: ScenarioShard[] = [];
  for (let start = 0; start < prepared.people.length; start += peoplePerShard) {
    shards.push({ kind: 'people', start, end: Math.min(prepared.people.length, start + peoplePerShard) });
  }
  for (let group = 0; group < prepared.entrants.length; group++) shards.push({ kind: 'entrants', group });
  return shards;
}

/** Knuth's multiplicative Poisson sampler, split into pieces of mean at most 30 for stability (also used by the calibration backtest). */
export function samplePoisson(mean: number, rng: Xoshiro128): number {
  let total = 0;
  let remaining = mean;
  while (remaining > 0) {
    const piece = Math.min(30, remaining);
    remaining -= piece;
    const limit = Math.exp(-piece);
    let k = 0;
    let product = rng.nextOpenDouble();
    while (product > limit) {
      k++;
      product *= rng.nextOpenDouble();
    }
    total += k;
  }
  return total;
}

/** This run's new entrants of one age band: how many, when, how old, where they start. */
/**
 * An entrant's plans under baseline and strategy: none of their own (the scenario's changes are in
 * its slots). One frozen value shared by every entrant: there are ~17,000 a run at 1,000 people.
 */
const ENTRANT_PLANS = Object.freeze([Object.freeze({ moves: Object.freeze([]), interventions: Object.freeze([]) }), Object.freeze({ moves: Object.freeze([]), interventions: Object.freeze([]) })]) as unknown as CohortPerson['plans'];

export function drawEntrants(prepared: PreparedScenario, group: number, run: number): CohortPerson[] {
  return appendEntrants(prepared, group, run, []);
}

/**
 * drawEntrants, appended to `list`; with `pool`, the entrant objects are taken from it (and
 * rewritten) rather than made new, so a caller that reads each run's list at once and then
 * drops it allocates nothing run after run (the shared-places engine: some 14,000 entrants a
 * run at 1,000 people, whose allocation was about a tenth of its time). The same numbers either
 * way: the streams are keyed as before, their common prefix hashed once.
 */
export function appendEntrants(prepared: PreparedScenario, group: number, run: number, list: CohortPerson[], pool?: CohortPerson[], poolStart = 0): CohortPerson[] {
  const band = prepared.entrants[group];
  const rng = new Xoshiro128();
  // rng.reseed(seed, entrants, run, a, b) is reseedFrom(streamPrefix(seed, entrants, run), a, b).
  const prefix = streamPrefix(prepared.seed, StreamPurpose.entrants, run);
  const starting = band.starting;
  let used = poolStart;
  for (let y = 0; y < band.expectedByYear.length; y++) {
    const count = Math.min(MAX_ENTRANTS_PER_GROUP_YEAR, samplePoisson(band.expectedByYear[y], rng.reseedFrom(prefix, group * 64 + y + 1, 0)));
    for (let k = 0; k < count; k++) {
      rng.reseedFrom(prefix, group * 64 + y + 1, k + 1);
      const month = Math.floor(rng.nextDouble() * 12);
      const ageMonths = band.fromMonths + Math.floor(rng.nextDouble() * (band.toMonths - band.fromMonths));
      const u = rng.nextDouble();
      let cumulative = 0;
      let startState = starting[starting.length - 1].state;
      for (let j = 0; j < starting.length; j++) {
        cumulative += starting[j].share;
        if (u < cumulative) {
          startState = starting[j].state;
          break;
        }
      }
      const key = ENTRANT_KEY_BASE + (group * 32 + y) * MAX_ENTRANTS_PER_GROUP_YEAR + k;
      const offset = y * 12 + month;
      if (pool !== undefined && used < pool.length) {
        const person = pool[used++];
        person.ageMonths = ageMonths;
        person.startState = startState;
        person.key = key;
        person.offset = offset;
        list.push(person);
        continue;
      }
      const person: CohortPerson = { ageMonths, startState, key, offset, currentPlacementWeeklyPrice: null, plans: ENTRANT_PLANS };
      if (pool !== undefined) {
        pool.push(person);
        used++;
      }
      list.push(person);
    }
  }
  return list;
}

/** Simulates one shard over runs [runStart, runEnd): per run and variant, the shard's summed vector. */
export function simulateScenarioShard(prepared: PreparedScenario, shard: ScenarioShard, runStart: number, runEnd: number, modelFor: (key: string, spec: CostModelSpec) => SimulationModel): CohortChunk {
  const variants = prepared.variants.map((v) => ({ model: modelFor(v.modelKey, v.modelSpec), slot: v.slot }));
  if (shard.kind === 'runs') {
    const none: SharedPlaces = { limits: [], offers: [], priority: 'longest_waiting' };
    // One list and one pool of entrant objects for every run: simulatePlacesRuns reads a run's
    // list into its plans before asking for the next.
    const list: CohortPerson[] = [];
    const pool: CohortPerson[] = [];
    const everyone = (run: number) => {
      list.length = 0;
      for (const person of prepared.people) list.push(person);
      for (let group = 0; group < prepared.entrants.length; group++) appendEntrants(prepared, group, run, list, pool, list.length - prepared.people.length);
      return list;
    };
    return simulatePlacesRuns(
      variants.map((v, k) => ({ ...v, places: prepared.variants[k].places ?? none })),
      prepared.request,
      everyone,
      prepared.seed,
      runStart,
      runEnd,
      prepared.people.length,
    );
  }
  if (shard.kind === 'people') {
    return simulateCohortRuns(variants, prepared.request, prepared.people.slice(shard.start, shard.end), prepared.seed, runStart, runEnd);
  }
  // Entrants differ run by run: each run simulates that run's draw.
  return simulateCohortRuns(variants, prepared.request, (run) => drawEntrants(prepared, shard.group, run), prepared.seed, runStart, runEnd);
}
