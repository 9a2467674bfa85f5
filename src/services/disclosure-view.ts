import type { CostModelSpec } from '../catalog/model-schema.ts';
import type { ScenarioSpec } from '../catalog/scenario-schema.ts';
import { fundingDisclosure, withholdFundingResult } from '../export/funding.ts';
import { COMPLEMENT, isSmallCount, protectCounts, SMALL_COUNT_THRESHOLD, type ShownCount, showCount } from '../export/disclosure.ts';
import type { PackRun } from '../export/pack-input.ts';
import { outcomeUnit, shownCounts } from '../export/tables.ts';
import type { ScenarioResultCore } from '../simulation/scenario-fold.ts';
import { can, type Role } from './access-control.ts';
import { DomainError } from './errors.ts';

/**
 * One disclosure rule for every answer a role without individual access (the board) can read
 * (issue 14): the JSON of runs, comparisons and run lists, job messages, and through them the
 * comparison page, follow the same rules as the pack (src/export/disclosure.ts):
 *   - counts of children above 0 and under 5 are shown as "<5", with complementary suppression
 *     ("c") wherever a shown total would let them be worked out (children by state and children
 *     looked after; an outcome's baseline, strategy and difference);
 *   - money for a group of fewer than 5 children is withheld (an intervention delivered to
 *     fewer than 5: its cost is null; a pooled budget's or an outcomes contract's money when a
 *     service in it is, with care-weeks outcomes on hidden looked-after totals: src/export/funding.ts);
 *   - a run whose cohort has fewer than MIN_COHORT_FOR_AGGREGATE_ROLES young people on record is
 *     refused (403) to those roles, because every figure of it, money included, is about a
 *     handful of identifiable children (a scenario filtered to the two children in secure homes).
 * Roles that may read individual records see the figures as computed.
 */

/** The smallest cohort whose runs roles without individual access may read. */
export const MIN_COHORT_FOR_AGGREGATE_ROLES = 10;

export function seesIndividuals(role: Role): boolean {
  return can(role, 'individuals:read');
}

/**
 * What the gate below needs of a stored run: its cohort size and each intervention's mean
 * delivered places (from its stored result; runs stored without interventions have none).
 */
export interface RunGateFacts {
  cohortSize: number;
  deliveredMeans: readonly number[];
  /** The run's cohort hash (who, and the prices paid), when known: runs read side by side are compared on it. */
  cohortHash?: string;
}

/** The gate's facts of a stored run row (`result` as stored, `cohort_size` and `cohort_hash` as recorded). */
export function runGateFacts(row: { cohort_size: number; cohort_hash?: string; result?: unknown }): RunGateFacts {
  const interventions = (row.result as { interventions?: Array<{ delivered?: { mean?: number } }> } | null | undefined)?.interventions ?? [];
  return { cohortSize: row.cohort_size, deliveredMeans: interventions.map((iv) => iv.delivered?.mean ?? 0), ...(row.cohort_hash !== undefined ? { cohortHash: row.cohort_hash } : {}) };
}

/**
 * Whether an intervention's cost is withheld: its mean delivered places are above 0 and under 5
 * (shown as "<5"), so its cost is money for fewer than 5 children. The one rule for the JSON
 * (protectRunResult), the pack's tables and the run gate.
 */
export function interventionCostWithheld(deliveredMean: number): boolean {
  return isSmallCount(deliveredMean);
}

export type SmallRunReason = 'cohort' | 'intervention' | 'difference' | 'sameSize';

const SMALL_RUN_DETAIL: Record<SmallRunReason, string> = {
  cohort: `This run's cohort has fewer than ${MIN_COHORT_FOR_AGGREGATE_ROLES} young people on record, so its figures would describe identifiable children`,
  // Its cost is withheld, but the run's totals (present costs, by agency) include it and the
  // scenario's investment is published, so cost = total - investment: the whole run is refused.
  intervention: `This run has an intervention used by fewer than ${SMALL_COUNT_THRESHOLD} young people (its delivered places read "<${SMALL_COUNT_THRESHOLD}"), so its cost, money for fewer than ${SMALL_COUNT_THRESHOLD} children, could be worked out from the run's totals and the scenario's investment`,
  difference: `These runs' cohorts differ by fewer than ${MIN_COHORT_FOR_AGGREGATE_ROLES} young people, so the difference of their figures would describe the few children in one cohort and not the other`,
  // Same size, different hash: one child's record changed (a price uplift, a move) or one child
  // swapped for another, so the difference can be one child's figures (a review read one child's
  // recorded uplift this way as a £19,497.52 difference in one year).
  sameSize: `These runs' cohorts are the same size but not the same young people or records (their cohort hashes differ), so they may differ in one or two children and the difference of their figures would describe them`,
};

export class SmallCohortError extends DomainError {
  constructor(role: Role, reason: SmallRunReason = 'cohort') {
    super(
      403,
      'Forbidden',
      `${SMALL_RUN_DETAIL[reason]}; role ${role} sees runs over cohorts of ${MIN_COHORT_FOR_AGGREGATE_ROLES} or more in which every intervention is used by none or by ${SMALL_COUNT_THRESHOLD} or more, and compares runs over the same cohort (the same cohort hash) or whose cohorts differ in size by ${MIN_COHORT_FOR_AGGREGATE_ROLES} or more. Ask for a run over a wider cohort, or for runs over the same cohort.`,
    );
  }
}

/** Why a role may not read a run (null: it may). Roles with individual access read every run. */
export function smallRunReason(role: Role, run: RunGateFacts): SmallRunReason | null {
  if (seesIndividuals(role)) return null;
  if (run.cohortSize < MIN_COHORT_FOR_AGGREGATE_ROLES) return 'cohort';
  if (run.deliveredMeans.some(interventionCostWithheld)) return 'intervention';
  return null;
}

/**
 * Throws SmallCohortError for a role without individual access and a run over a cohort under the
 * minimum, or with an intervention whose cost is withheld.
 */
export function checkCohortShowable(role: Role, run: RunGateFacts): void {
  const reason = smallRunReason(role, run);
  if (reason !== null) throw new SmallCohortError(role, reason);
}

export function cohortShowable(role: Role, run: RunGateFacts): boolean {
  return smallRunReason(role, run) === null;
}

/**
 * checkCohortShowable for runs read side by side (compare, pack, preview), and differencing: two
 * runs whose cohorts differ by 1 to MIN_COHORT_FOR_AGGREGATE_ROLES - 1 young people are refused,
 * since subtracting their figures describes those few children; so are two runs over cohorts of
 * the same size whose hashes differ (the same people but one record changed, or one child
 * swapped), since how many children differ is then unknown and may be one. Every pair is
 * checked, since every run's figures are shown.
 */
export function checkRunsShowable(role: Role, runs: readonly RunGateFacts[]): void {
  for (const run of runs) checkCohortShowable(role, run);
  if (seesIndividuals(role)) return;
  for (const [i, a] of runs.entries()) {
    for (const b of runs.slice(i + 1)) {
      const gap = Math.abs(a.cohortSize - b.cohortSize);
      if (gap > 0 && gap < MIN_COHORT_FOR_AGGREGATE_ROLES) throw new SmallCohortError(role, 'difference');
      if (gap === 0 && a.cohortHash !== undefined && b.cohortHash !== undefined && a.cohortHash !== b.cohortHash) throw new SmallCohortError(role, 'sameSize');
    }
  }
}

const BAND_STATS = ['mean', 'p10', 'p50', 'p90'] as const;
const SUMMARY_STATS = ['mean', 'p5', 'p10', 'p50', 'p90', 'p95', 'min', 'max'] as const;

/**
 * A run's result as a role without individual access may see it. `model` is the run's cost model
 * (which states are "in care" ties the state counts to the looked-after total); without it every
 * state count above zero is hidden, since the tie cannot be checked.
 */
export function protectRunResult<R extends ScenarioResultCore>(result: R, model: CostModelSpec | undefined, spec?: Pick<ScenarioSpec, 'funding'>): R {
  const out = structuredClone(result) as R & Record<string, unknown>;
  // How the strategy is paid for, as the pack shows it (src/export/funding.ts): money of a pooled
  // or contracted service fewer than 5 children start, and care-weeks outcomes measured on hidden
  // looked-after totals, withheld (null, with the reason). `spec` names each contract's services.
  if (out.funding) out.funding = withholdFundingResult(out.funding, fundingDisclosure(result, spec, model));

  if (model) {
    const shown = shownCounts({ result, model: { spec: model } } as unknown as PackRun);
    const at = (variant: 'baseline' | 'strategy', year: string, column: number) => {
      const y = shown.years.indexOf(year);
      return Object.fromEntries(BAND_STATS.map((stat) => [stat, shown.shown[variant][stat][y]?.[column] ?? COMPLEMENT]));
    };
    for (const c of out.counts) {
      const column = shown.states.indexOf(c.state);
      Object.assign(c, { baseline: at('baseline', c.financialYear, column), strategy: at('strategy', c.financialYear, column) });
    }
    for (const c of out.inCare) {
      Object.assign(c, { baseline: at('baseline', c.financialYear, shown.states.length), strategy: at('strategy', c.financialYear, shown.states.length) });
    }
  } else {
    const hideAll = (band: Record<(typeof BAND_STATS)[number], number>) => Object.fromEntries(BAND_STATS.map((stat) => [stat, band[stat] === 0 ? 0 : COMPLEMENT]));
    for (const c of [...out.counts, ...out.inCare]) Object.assign(c, { baseline: hideAll(c.baseline), strategy: hideAll(c.strategy) });
  }

  // Shares within 20 miles are of the children looked after: shown only where at least
  // MIN_COHORT_FOR_AGGREGATE_ROLES are counted in both variants (the house rule for aggregates),
  // and the counts themselves are left to inCare, which hides small numbers its own way.
  // Placement stability and care leavers in EET follow the same rule on their own counts (all
  // children looked after; care leavers aged 19-21).
  const none = { baseline: null, strategy: null, difference: null };
  const small = (counted: { baseline: number | null; strategy: number | null }) => Math.min(counted.baseline ?? 0, counted.strategy ?? 0) < MIN_COHORT_FOR_AGGREGATE_ROLES;
  for (const y of out.projectedOutcomes ?? []) {
    Object.assign(y, {
      lookedAfter: { baseline: null, strategy: null },
      shareWithin20Miles: small(y.lookedAfter) ? none : y.shareWithin20Miles,
    });
    if (y.lookedAfterAll && y.threeOrMorePlacementsShare) {
      Object.assign(y, { lookedAfterAll: { baseline: null, strategy: null }, threeOrMorePlacementsShare: small(y.lookedAfterAll) ? none : y.threeOrMorePlacementsShare });
    }
    if (y.careLeavers19to21 && y.eetShareOfCareLeavers) {
      Object.assign(y, { careLeavers19to21: { baseline: null, strategy: null }, eetShareOfCareLeavers: small(y.careLeavers19to21) ? none : y.eetShareOfCareLeavers });
    }
  }

  for (const o of out.outcomes) {
    if (!outcomeUnit(o.measure).count) continue;
    const baseline: Record<string, ShownCount> = {};
    const strategy: Record<string, ShownCount> = {};
    const difference: Record<string, ShownCount> = {};
    for (const stat of SUMMARY_STATS) {
      const [b, d, s] = protectCounts({ values: [o.baseline[stat], o.difference[stat], o.strategy[stat]], isCount: [true, false, true], relations: [{ parts: [0, 1], total: 2 }] });
      baseline[stat] = b;
      strategy[stat] = s;
      difference[stat] = typeof d === 'number' ? o.difference[stat] : d;
    }
    // The spread of a hidden count would narrow it down: hidden with it.
    const spread = (hidden: boolean, value: number) => (hidden ? COMPLEMENT : value);
    const anyHidden = [baseline.mean, strategy.mean, difference.mean].some((v) => typeof v !== 'number');
    for (const [target, source] of [
      [baseline, o.baseline],
      [strategy, o.strategy],
      [difference, o.difference],
    ] as const) {
      target.se = spread(anyHidden, source.se);
      target.sd = spread(anyHidden, source.sd);
    }
    Object.assign(o, { baseline, strategy, difference });
  }

  for (const iv of out.interventions) {
    const small = interventionCostWithheld(iv.delivered.mean);
    Object.assign(iv, {
      delivered: Object.fromEntries(BAND_STATS.map((stat) => [stat, showCount(iv.delivered[stat])])),
      // Money for a group of fewer than 5 children is withheld.
      cost: small ? null : iv.cost,
    });
  }

  // Places held in every run (issue 15): children in a limited state and places used are counts
  // (under 5 hidden); the waiting and overflow figures describe the few children refused a place,
  // so they are withheld (null) unless at least MIN_COHORT_FOR_AGGREGATE_ROLES were refused or
  // waited on average, the house rule for aggregates.
  for (const limit of out.capacity?.limits ?? []) {
    const few = Math.max(limit.refused, limit.waited) < MIN_COHORT_FOR_AGGREGATE_ROLES;
    Object.assign(limit, {
      occupancyByMonth: limit.occupancyByMonth.map((m) => ({
        ...m,
        occupied: Object.fromEntries(BAND_STATS.map((stat) => [stat, showCount(m.occupied[stat])])),
        waiting: few ? null : m.waiting,
      })),
      ...(few ? { refused: null, waited: null, monthsWaited: null, placedFromWaiting: null, overflowMonths: null, overflowCost: null } : {}),
    });
  }
  for (const c of out.capacity?.commissioned ?? []) Object.assign(c, { byYear: c.byYear.map((y) => ({ ...y, used: showCount(y.used) })) });

  const planning = out.planning as
    | { capacity?: Array<{ redirectByYear: Array<number | ShownCount> }>; offers?: Array<{ expectedDemandByYear: Array<number | ShownCount> }> }
    | undefined;
  for (const c of planning?.capacity ?? []) c.redirectByYear = c.redirectByYear.map((v) => showCount(v as number));
  for (const o of planning?.offers ?? []) o.expectedDemandByYear = o.expectedDemandByYear.map((v) => showCount(v as number));
  return out;
}

/** A job's message and error as a role without individual access may read them: no figures. */
export function neutralJobText(status: string, progress: number): string {
  switch (status) {
    case 'queued':
      return 'queued';
    case 'running':
      return `running (${Math.round(progress * 100)}%)`;
    case 'succeeded':
      return 'done';
    case 'cancelled':
      return 'cancelled; nothing was stored';
    default:
      return 'failed';
  }
}
