/**
 * The balanced scorecard (issue 17): outcome measures grouped under finance, young people's
 * outcomes, practice and workforce, each with the authority's target and red-amber-green
 * thresholds, actual against target per team and for the organisation, and the trend by
 * quarter. Pure: the caller reads the records and applies the disclosure rule.
 */

import {
  careLeaversInEetUnits,
  careLeaversSuitablyAccommodatedUnits,
  episodeOn,
  exitsToAdoptionOrSgoUnits,
  type History,
  longTermStabilityUnits,
  monthsBefore,
  nextDay,
  type Period,
  placedOver20MilesUnits,
  spendAgainstBudget,
  threeOrMorePlacementsUnits,
  type Unit,
  unplannedEntriesUnits,
} from './measures.ts';

export const SCORECARD_GROUPS = ['finance', 'young_peoples_outcomes', 'practice', 'workforce'] as const;
export type ScorecardGroup = (typeof SCORECARD_GROUPS)[number];

/** count: a share of children (the disclosure rule applies); money: GBP against a budget; ratio: children per worker. */
export type MeasureKind = 'count' | 'money' | 'ratio';

export interface Thresholds {
  target: number;
  /** higher is better: green at or above `green`, amber at or above `amber`, else red (amber ≤ green). Lower is better: the mirror (green ≤ amber). */
  green: number;
  amber: number;
}

export interface MeasureDefinition {
  id: string;
  group: ScorecardGroup;
  label: string;
  kind: MeasureKind;
  /** What the value is: "percent" (0-100) or "children per key worker". */
  unit: 'percent' | 'children per key worker';
  direction: 'higher' | 'lower';
  definition: string;
  source: string;
  /** Has a quarterly trend (counted over a year of history, or spend read at each quarter end); false: a snapshot of today's records. */
  trend: boolean;
  /**
   * Trend measures only: what a figure at a period end reads. 'year': what happened in the 12
   * months ending that day (three or more placements, care leavers' birthdays, exits, entries);
   * 'day': the children looked after on that day (distance, long-term stability, whose 2.5 years
   * are read from each child's own episodes, which run back to the start of care; spend, priced
   * on that day). A figure whose
   * window begins before the borough's history does is not available (historyStart).
   */
  window?: 'year' | 'day';
  defaults: Thresholds;
  /** What the measure counts in one history over a period, each unit with the episode it happened in (src/outcomes/measures.ts). */
  units?: (history: History, period: Period) => Unit[];
}

const DFE = 'DfE, Children looked after in England including adoptions (methodology) and Stability measures for children looked after in England';

/** The measures, in the order shown. Default targets are placeholders until the authority sets its own (PUT /v1/scorecard/targets/{measure}). */
export const SCORECARD_MEASURES: readonly MeasureDefinition[] = [
  {
    id: 'spend_against_budget',
    group: 'finance',
    label: 'Spend committed against budget',
    kind: 'money',
    unit: 'percent',
    direction: 'lower',
    definition:
      'Weekly prices of placements and of the services children’s social care pays for (not those paid by health, education, youth justice or housing), in force on the day read (asOf), × 365.25/7, as a percentage of the annual budget of the team each young person was in that day (today’s budget: budgets are not dated, so a past quarter is read against the budget set now). The organisation: the spend of the young people in teams with a budget, as a percentage of the sum of those budgets; young people in a team with no budget or in no team are left out of it (their spend is shown in their own cells, and apart as commitments outside any budget). A past day prices a placement since left from the history episode in force then; a child whose price then is not known is counted as unpriced and the spend is a floor. The trend: the same figure read at each quarter end (the cases open then, each young person’s team then, the prices in force then); a day before the recorded history starts has no figure',
    source: 'Local measure; annualised as in the finance module (README, "Money")',
    trend: true,
    window: 'day',
    defaults: { target: 100, green: 100, amber: 105 },
  },
  {
    id: 'placed_over_20_miles',
    group: 'young_peoples_outcomes',
    label: 'Placed more than 20 miles from home',
    kind: 'count',
    unit: 'percent',
    direction: 'lower',
    definition: 'Children looked after at the period end placed more than 20 miles from home, of those whose distance is known',
    source: `${DFE}: distance between home and placement`,
    trend: true,
    window: 'day',
    defaults: { target: 15, green: 15, amber: 20 },
    units: placedOver20MilesUnits,
  },
  {
    id: 'three_or_more_placements',
    group: 'young_peoples_outcomes',
    label: 'Three or more placements in the year',
    kind: 'count',
    unit: 'percent',
    direction: 'lower',
    definition: 'Children looked after at the period end with three or more placements during the year',
    source: `${DFE}: placement stability`,
    trend: true,
    window: 'year',
    defaults: { target: 10, green: 10, amber: 12 },
    units: threeOrMorePlacementsUnits,
  },
  {
    id: 'long_term_stability',
    group: 'young_peoples_outcomes',
    label: 'Long-term placement stability',
    kind: 'count',
    unit: 'percent',
    direction: 'higher',
    definition:
      'Children under 16 looked after continuously for 2.5 years or more at the period end who have been living with the same carer for 2 years or more (DfE’s current wording; NI 63 said “same placement”), or placed for adoption (that placement and the one before lasting 2 years)',
    source: `${DFE}: long-term stability`,
    trend: true,
    window: 'day',
    defaults: { target: 70, green: 70, amber: 65 },
    units: longTermStabilityUnits,
  },
  {
    id: 'care_leavers_eet',
    group: 'young_peoples_outcomes',
    label: 'Care leavers 19-21 in education, employment or training',
    kind: 'count',
    unit: 'percent',
    direction: 'higher',
    definition: 'Care leavers whose 19th, 20th or 21st birthday fell in the year, in education, employment or training on it ("not known" counted in the total)',
    source: `${DFE}: care leavers now aged 19 to 21; SSDA903 care leaver activity`,
    trend: true,
    window: 'year',
    defaults: { target: 60, green: 60, amber: 50 },
    units: careLeaversInEetUnits,
  },
  {
    id: 'care_leavers_suitable_accommodation',
    group: 'young_peoples_outcomes',
    label: 'Care leavers 19-21 in suitable accommodation',
    kind: 'count',
    unit: 'percent',
    direction: 'higher',
    definition: 'Care leavers whose 19th, 20th or 21st birthday fell in the year, in suitable accommodation on it ("not known" counted in the total)',
    source: `${DFE}: care leavers now aged 19 to 21; SSDA903 care leaver accommodation suitability`,
    trend: true,
    window: 'year',
    defaults: { target: 90, green: 90, amber: 85 },
    units: careLeaversSuitablyAccommodatedUnits,
  },
  {
    id: 'exits_adoption_sgo',
    group: 'young_peoples_outcomes',
    label: 'Left care by adoption or special guardianship',
    kind: 'count',
    unit: 'percent',
    direction: 'higher',
    definition: 'Children who ceased to be looked after in the year (each child once, by the last time care ended) who left by adoption or a special guardianship order',
    source: `${DFE}: children who ceased to be looked after by reason (SSDA903 REC E11, E12 adoption; E45-E48 special guardianship, E43/E44 in earlier returns)`,
    trend: true,
    window: 'year',
    defaults: { target: 25, green: 25, amber: 20 },
    units: exitsToAdoptionOrSgoUnits,
  },
  {
    id: 'unplanned_entries',
    group: 'practice',
    label: 'Unplanned or emergency entries to care',
    kind: 'count',
    unit: 'percent',
    direction: 'lower',
    definition: 'Children who started to be looked after in the year (each child once, by their first period of care starting in it) whose entry was flagged unplanned or emergency',
    source: 'Local flag on the entry episode (SSDA903 has no such field); DfE counts of children who started to be looked after',
    trend: true,
    window: 'year',
    defaults: { target: 30, green: 30, amber: 40 },
    units: unplannedEntriesUnits,
  },
  {
    id: 'without_key_worker',
    group: 'workforce',
    label: 'Young people without a key worker',
    kind: 'count',
    unit: 'percent',
    direction: 'lower',
    definition: 'Stored young people in the team with no key-worker reference today',
    source: 'Local measure',
    trend: false,
    defaults: { target: 0, green: 2, amber: 5 },
  },
  {
    id: 'caseload_per_key_worker',
    group: 'workforce',
    label: 'Caseload per key worker',
    kind: 'ratio',
    unit: 'children per key worker',
    direction: 'lower',
    definition: 'Young people with a key worker today divided by the number of distinct key-worker references',
    source: 'Local measure',
    trend: false,
    defaults: { target: 15, green: 15, amber: 18 },
  },
];

export const MEASURE_IDS = SCORECARD_MEASURES.map((m) => m.id);

/** Thresholds out of order for the measure's direction: the field to name and why, or undefined when in order. */
export function thresholdOrderError(definition: MeasureDefinition, t: Thresholds): { field: 'green' | 'amber'; reason: string } | undefined {
  if (definition.direction === 'higher' && t.amber > t.green) return { field: 'amber', reason: `must not be above green (${t.green}): higher is better for ${definition.id}` };
  if (definition.direction === 'lower' && t.amber < t.green) return { field: 'amber', reason: `must not be below green (${t.green}): lower is better for ${definition.id}` };
  return undefined;
}

/**
 * The most a caseload threshold may be: 100 children per key worker. Caseloads in children's
 * social care run at about 15-20 (the defaults above); 100 leaves room for any authority's own
 * figure while refusing a typing slip such as 90000.
 */
export const MAX_CASELOAD_PER_KEY_WORKER = 100;

/**
 * Targets and thresholds outside the measure's sensible range, or a target on the wrong side of
 * green (meeting the target would not be green): each field to name and why; empty when all fit.
 * Ranges: a share of children 0-100 per cent; spend against budget 0-1000 per cent (spend can
 * overrun, up to ten times); a caseload 0-MAX_CASELOAD_PER_KEY_WORKER children per key worker.
 * Order of green and amber is thresholdOrderError's.
 */
export function thresholdRangeErrors(definition: MeasureDefinition, t: Thresholds): Array<{ field: 'target' | 'green' | 'amber'; reason: string }> {
  const errors: Array<{ field: 'target' | 'green' | 'amber'; reason: string }> = [];
  const [most, unit] =
    definition.unit === 'percent' ? [definition.kind === 'money' ? 1000 : 100, 'per cent'] : [MAX_CASELOAD_PER_KEY_WORKER, 'children per key worker'];
  for (const key of ['target', 'green', 'amber'] as const) {
    if (!(t[key] >= 0 && t[key] <= most)) errors.push({ field: key, reason: `must be at most ${most} (${unit})` });
  }
  if (errors.length > 0) return errors;
  if (definition.direction === 'lower' && t.target > t.green) errors.push({ field: 'target', reason: `must not be above green (${t.green}): lower is better for ${definition.id}, so meeting the target must be green` });
  if (definition.direction === 'higher' && t.target < t.green) errors.push({ field: 'target', reason: `must not be below green (${t.green}): higher is better for ${definition.id}, so meeting the target must be green` });
  return errors;
}

export type Rag = 'green' | 'amber' | 'red';

export function ragOf(definition: MeasureDefinition, t: Thresholds, value: number | null): Rag | null {
  if (value === null) return null;
  if (definition.direction === 'higher') return value >= t.green ? 'green' : value >= t.amber ? 'amber' : 'red';
  return value <= t.green ? 'green' : value <= t.amber ? 'amber' : 'red';
}

export interface ScorecardPerson {
  teamId: string | null;
  keyWorkerReference: string | null;
  /** Weekly prices and costs in force on the scorecard's asOf, GBP; without the placement when `unpriced`. */
  weeklyCommitment: number;
  /**
   * The placement's price on asOf is not known (review finding 4): today's placement had not
   * begun, and the history episode in force then is a placement with no weeklyPrice. The spend
   * counts the child as unpriced (Cell.unpriced), never at £0 for the placement.
   */
  unpriced?: boolean | undefined;
  /**
   * Spend's trend: the weekly commitment in force on `day` (YYYY-MM-DD), GBP, and whether the
   * placement's price then is unknown, as weeklyCommitment and unpriced are for asOf (the caller
   * prices each day from the record and the history; src/services/scorecard.ts
   * weeklyCommitmentOn). Absent: weeklyCommitment and unpriced hold on every day.
   */
  commitmentOn?: ((day: string) => { weekly: number; unpriced: boolean }) | undefined;
  /** The day the case closed (YYYY-MM-DD); null or absent while open. Snapshot measures count only cases open at the as-of date. */
  closedOn?: string | null | undefined;
  history: History;
}

export interface ScorecardTeam {
  id: string;
  name: string;
  service: string;
  /** GBP a year; null when none. */
  annualBudget: number | null;
}

/** One figure: numerator and denominator (children, or GBP for money), the value and its colour. */
export interface Cell {
  numerator: number;
  denominator: number;
  value: number | null;
  /** How many young people the figure is about (money and ratios are protected by it). */
  people: number;
  /** Money only: of those, how many have no known placement price on the day (ScorecardPerson.unpriced); the numerator is then a floor. */
  unpriced?: number;
  /**
   * Money, the organisation's cell only: what its numerator leaves out, so that it compares like
   * with like (the spend of the teams with a budget over the sum of those budgets; issue 17
   * review). The young people on asOf in a team with no budget or in no team: `committed`, their
   * spend, GBP a year (weekly × 365.25/7, as the numerator); `people`, how many; `unpriced`, how
   * many of them have no known placement price that day. The cell's `people` and `unpriced` still
   * count everyone (the teams' and the no-team group's add up to them, which the disclosure rule
   * relies on), so the numerator is of `people − outsideBudget.people` young people, and it is
   * complete when `unpriced − outsideBudget.unpriced` is 0. The numerator + `committed` is
   * everything committed on asOf.
   */
  outsideBudget?: { committed: number; people: number; unpriced: number; contributors?: number };
  /**
   * Money only: how many of `people` have a commitment above £0 on the day, the children the
   * figure is made of (a child with no spend adds nothing to it, so does not protect it: issue
   * 17 second review, finding 1, where one child's £4,321.09 a week stood as a team's spend
   * beside four children with none). The disclosure rule protects money by this count.
   */
  contributors?: number;
  /**
   * Money only: the figure is dominated by one child (pPercentSensitive): shown, it would give
   * that child's cost within 10%, however many children make it up.
   */
  dominated?: boolean;
  /**
   * Set when the cell's counting window (windowStart) begins before the borough's recorded
   * history (historyStart): its counts are artefacts of missing records (a year of exits read
   * as "0 of 36"), so `value` is null and the answer shows no figure and no colour, only why
   * (`status` 'history_incomplete') and the day the history starts (YYYY-MM-DD). The numerator
   * and denominator are still the counts computed, for the disclosure rule's relations only.
   */
  unavailable?: { status: 'history_incomplete'; historyStart: string };
}

export interface MeasureResult {
  definition: MeasureDefinition;
  thresholds: Thresholds;
  organisation: Cell;
  /** One per team, in the order given, then the young people with no team. */
  teams: Cell[];
  unassigned: Cell;
  /** Organisation and teams at each quarter end, oldest first; empty for snapshot measures. */
  trend: Array<{ quarterEnd: string; organisation: Cell; teams: Cell[]; unassigned: Cell }>;
}

/** Quarter ends (30 June, 30 September, 31 December, 31 March) on or before `asOf`, the last `count`, oldest first. */
export function quarterEnds(asOf: string, count: number): string[] {
  const [y, m, d] = asOf.split('-').map(Number);
  const ends: string[] = [];
  let year = y;
  // The latest quarter-end month at or before asOf's month (3, 6, 9, 12), stepping back when asOf is before its last day.
  let month = Math.floor(m / 3) * 3;
  const lastDay = (yy: number, mm: number) => new Date(Date.UTC(yy, mm, 0)).getUTCDate();
  if (month === m && d < lastDay(y, m)) month -= 3;
  if (month <= 0) {
    month += 12;
    year -= 1;
  }
  for (let k = 0; k < count; k++) {
    ends.unshift(`${year}-${String(month).padStart(2, '0')}-${String(lastDay(year, month)).padStart(2, '0')}`);
    month -= 3;
    if (month <= 0) {
      month += 12;
      year -= 1;
    }
  }
  return ends;
}

/**
 * Where the borough's recorded history starts (YYYY-MM-DD), or null when no young person has an
 * episode. Windows before it are incomplete: a child looked after then may be on no record. The
 * later of:
 *   - the earliest episode start in the histories of the young people whose cases are open (every
 *     history when none is open or none of theirs has an episode): the borough holds its open
 *     cases whole, and this is how far back their histories reach. A former child's episodes do
 *     not carry it further back: one case closed long ago is one record, not the records of the
 *     other children looked after then;
 *   - the start of the borough's closed records: `recordsCompleteFrom` when the borough has
 *     said from when its records are complete (RECORDS_COMPLETE_FROM), else worked out from the
 *     closures on record (closedRecordsStart). The records of children
 *     whose cases closed are what a year's exits, entries and moves are counted from, and a
 *     borough holds them from when it began keeping them. A case that closed before that day is
 *     not on record, so a year beginning before it undercounts (the demo borough holds the cases
 *     closed in the two years and ten months before its as-of date, while today's children's
 *     episodes run back to 2014: by episodes alone it would look complete for twelve years).
 * A conservative start: a figure whose window begins before it is withheld though it may be
 * complete (the closed records may begin before their run on record, the open children's
 * histories may start after the former children's); never the other way round, and no one
 * record moves it earlier than the others' reach (issue 17 review: one case closed in 2021
 * brought back the demo's "exits 0 of 36"). Pure.
 */
export function historyStart(people: readonly ScorecardPerson[], recordsCompleteFrom: string | null = null): string | null {
  let open: string | null = null;
  let all: string | null = null;
  const closures: string[] = [];
  for (const p of people) {
    const isOpen = p.closedOn === null || p.closedOn === undefined;
    if (!isOpen) closures.push(p.closedOn as string);
    for (const e of p.history.episodes) {
      if (all === null || e.startDate < all) all = e.startDate;
      if (isOpen && (open === null || e.startDate < open)) open = e.startDate;
    }
  }
  const episodes = open ?? all;
  if (episodes === null) return null;
  const closed = recordsCompleteFrom ?? closedRecordsStart(closures);
  return closed !== null && closed > episodes ? closed : episodes;
}

/**
 * How long a gap between closures on record breaks the run of the borough's closed records:
 * ten times the median gap between its closures (days), at least a quarter and at most a year.
 * Closures at the borough's own median pace (a Poisson stream) leave a gap of ten medians about
 * once in a thousand (e^(−10 ln 2)); the floor keeps a borough that closes cases weekly from
 * breaking its run on a quiet month or two (the demo's longest gap is 62 days), the ceiling
 * keeps a borough with a few closures a year (gaps of months) whole.
 */
export const CLOSED_RECORDS_GAP = { medians: 10, minDays: 92, maxDays: 365 } as const;

/**
 * The day the borough's closed records start (YYYY-MM-DD), or null when no case on record is
 * closed: the earliest closing day (`closures`, YYYY-MM-DD, any order, repeats allowed) from which
 * to the latest no gap between one closure and the next is longer than CLOSED_RECORDS_GAP. A
 * closure before such a gap is a record kept apart from the run (a case closed long ago and
 * recorded since, say), not the start of the records: the cases closed in the gap are not on
 * record, so a window over it would undercount (issue 17 review: the demo's closures run from
 * February 2024, and one case recorded as closed on 1 June 2021 moved the start back to 2021,
 * showing "exits 0 of 36" again). A closure within the gap's length before the run does move
 * the start, by less than that length (a quarter for a borough closing cases weekly). Pure.
 */
export function closedRecordsStart(closures: readonly string[]): string | null {
  const sorted = [...closures].sort();
  if (sorted.length === 0) return null;
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  const gaps = sorted.slice(1).map((d, i) => day(d) - day(sorted[i]));
  if (gaps.length === 0) return sorted[0];
  const ordered = [...gaps].sort((a, b) => a - b);
  const mid = Math.floor(ordered.length / 2);
  const median = ordered.length % 2 === 1 ? ordered[mid] : (ordered[mid - 1] + ordered[mid]) / 2;
  const limit = Math.min(CLOSED_RECORDS_GAP.maxDays, Math.max(CLOSED_RECORDS_GAP.minDays, CLOSED_RECORDS_GAP.medians * median));
  let first = 0;
  gaps.forEach((gap, i) => {
    if (gap > limit) first = i + 1;
  });
  return sorted[first];
}

/**
 * The first day a trend measure's figure at `end` (YYYY-MM-DD) reads: the start of the year ending
 * on `end` for a 'year' measure, `end` itself for a 'day' measure (MeasureDefinition.window).
 */
export function windowStart(definition: MeasureDefinition, end: string): string {
  return definition.window === 'day' ? end : yearEnding(end).start;
}

/** The year ending on `end`: from the day after the same date a year before. */
export function yearEnding(end: string): Period {
  return { start: nextDay(monthsBefore(end, 12)), end };
}

function cell(numerator: number, denominator: number, people: number, scale = 100): Cell {
  return { numerator, denominator, people, value: denominator > 0 ? (scale * numerator) / denominator : null };
}

/**
 * One snapshot measure's cell over `people`. Spend: their commitments over `budget` (GBP a year;
 * null: none, so no value).
 */
function snapshot(definition: MeasureDefinition, people: ScorecardPerson[], budget: number | null): Cell {
  if (definition.id === 'spend_against_budget') {
    const s = spendAgainstBudget(
      people.map((p) => p.weeklyCommitment),
      budget,
    );
    const weekly = people.map((p) => p.weeklyCommitment);
    return {
      numerator: s.committed,
      denominator: budget ?? 0,
      value: s.percent,
      people: people.length,
      unpriced: people.filter((p) => p.unpriced).length,
      contributors: weekly.filter((w) => w > 0).length,
      dominated: pPercentSensitive(weekly),
    };
  }
  if (definition.id === 'without_key_worker') return cell(people.filter((p) => !p.keyWorkerReference).length, people.length, people.length);
  // caseload_per_key_worker
  const withWorker = people.filter((p) => p.keyWorkerReference);
  const workers = new Set(withWorker.map((p) => p.keyWorkerReference)).size;
  return cell(withWorker.length, workers, withWorker.length, 1);
}

/**
 * The organisation's spend against budget (issue 17 review): the commitments of the young people
 * in a team with a budget on asOf (`budgeted`) over the sum of those teams' budgets (`budget`,
 * null when no team has one), so numerator and denominator are of the same teams. `everyone`:
 * all the young people the spend reads on asOf (the cell's `people` and `unpriced` count them, as
 * the teams and the no-team group add up to them); those not in `budgeted` are `outsideBudget`.
 */
function organisationSpend(definition: MeasureDefinition, everyone: ScorecardPerson[], budgeted: ScorecardPerson[], budget: number | null): Cell {
  const inBudget = new Set(budgeted);
  const outside = everyone.filter((p) => !inBudget.has(p));
  const s = snapshot(definition, budgeted, budget);
  const left = snapshot(definition, outside, null);
  return {
    ...s,
    people: everyone.length,
    unpriced: everyone.filter((p) => p.unpriced).length,
    contributors: (s.contributors ?? 0) + (left.contributors ?? 0),
    outsideBudget: { committed: left.numerator, people: outside.length, unpriced: left.unpriced ?? 0, contributors: left.contributors ?? 0 },
  };
}

/** The p of the p% rule (PERCENT_RULE_P): a figure may not give one contributor's value within 10%. */
export const PERCENT_RULE_P = 0.1;

/**
 * The p% rule for a total of amounts (Hundepool et al., Statistical Disclosure Control, 2012,
 * section 4.2.2; the rule national statistics offices apply to magnitude tables): the total is
 * sensitive when the others besides the two largest add up to less than p × the largest, since
 * the second largest (a reader who knows one child's cost) could then estimate the largest
 * within p%. `amounts` in any one unit (here weekly £ per child); zeros add nothing. A total of
 * one or two contributors is always sensitive (the frequency rule also catches it).
 */
export function pPercentSensitive(amounts: readonly number[], p = PERCENT_RULE_P): boolean {
  let first = 0;
  let second = 0;
  let total = 0;
  for (const a of amounts) {
    if (!(a > 0)) continue;
    total += a;
    if (a > first) {
      second = first;
      first = a;
    } else if (a > second) second = a;
  }
  if (first === 0) return false;
  return total - first - second < p * first;
}

/**
 * A young person's team on `day`: the team of the history episode in force that day, else (no
 * episode then, or one with no team) today's team, as the history measures attribute units.
 */
export function teamOn(person: ScorecardPerson, day: string): string | null {
  return episodeOn(person.history, day)?.teamId ?? person.teamId;
}

/**
 * Computes every measure for the organisation, each team and the young people with no team, at
 * `asOf` (the year ending that day) and at each of the last `quarters` quarter ends. The
 * organisation's spend against budget is of the teams with a budget: their young people's spend
 * over the sum of their budgets (null when no team has one); the spend of young people in a team
 * with no budget or in no team is left out of it and reported as its `outsideBudget`.
 *
 * Attribution: each thing a history measure counts (a child at the period's end, an entry, an
 * exit, a care leaver's birthday) is counted under the team of the episode it happened in, so a
 * child who moved from the edge-of-care team to a looked-after team keeps their emergency entry
 * under edge of care. An episode with no team falls back to the young person's current team; a
 * team that is neither (or unknown) counts under no team. Every unit goes to exactly one group,
 * so the teams and the no-team group add up to the organisation (the disclosure rule relies on it).
 * Spend is the weekly prices in force on asOf, by each young person's team on asOf (teamOn); a
 * young person whose placement price that day is not known is counted in the cell's `unpriced`;
 * its trend is the same read at each quarter end (ScorecardPerson.commitmentOn), against today's
 * budgets, with no figure for a day before the history starts. The key-worker measures are
 * today's records, by today's team.
 */
export function computeScorecard(input: {
  people: ScorecardPerson[];
  teams: ScorecardTeam[];
  thresholds: Map<string, Thresholds>;
  asOf: string;
  quarters: number;
  /** Where the recorded history starts (YYYY-MM-DD); absent: historyStart(people); null: take every window as complete. */
  historyStart?: string | null;
}): MeasureResult[] {
  const { teams, asOf } = input;
  const start = input.historyStart === undefined ? historyStart(input.people) : input.historyStart;
  // Snapshot measures are of the cases open at the as-of date (closed after it: still open then);
  // history measures read every history, a former child's included, each episode on its dates.
  // Spend is priced on the day read, so it is of the cases open then (spendAt); the key-worker measures are today's
  // records (cases open today: a closing date is never in the future), the same at every asOf, so
  // two views at different dates cannot be subtracted to count the cases closed between them.
  const everyone = input.people;
  const current = everyone.filter((p) => p.closedOn === null || p.closedOn === undefined);
  const byTeam = teams.map((team) => current.filter((p) => p.teamId === team.id));
  const index = new Map(teams.map((t, i) => [t.id, i]));
  const unassigned = current.filter((p) => p.teamId === null || !index.has(p.teamId));
  const budgets = teams.map((t) => t.annualBudget).filter((b): b is number => b !== null);
  const orgBudget = budgets.length > 0 ? budgets.reduce((a, b) => a + b, 0) : null;
  const budgeted = new Set(teams.filter((t) => t.annualBudget !== null).map((t) => t.id));
  const ends = quarterEnds(asOf, input.quarters);

  /**
   * Spend read on `day` (asOf, or a quarter end of its trend), organisation, each team and no
   * team: the cases open that day, each young person under their team that day (teamOn), priced
   * as on that day (commitmentOn), against today's budgets (budgets are not dated). A day before
   * the recorded history starts cannot be priced from history (the placements of children whose
   * cases closed before it are not held, nor anyone's episodes then): every cell is unavailable,
   * as a 'day' window beginning before the history is (Cell.unavailable).
   */
  const spendAt = (definition: MeasureDefinition, day: string) => {
    const open = everyone
      .filter((p) => p.closedOn === null || p.closedOn === undefined || p.closedOn > day)
      .map((p) => {
        const priced = p.commitmentOn?.(day);
        return priced ? { ...p, weeklyCommitment: priced.weekly, unpriced: priced.unpriced } : p;
      });
    const on = open.map((p) => teamOn(p, day));
    const cells = {
      organisation: organisationSpend(
        definition,
        open,
        open.filter((_, k) => on[k] !== null && budgeted.has(on[k] as string)),
        orgBudget,
      ),
      teams: teams.map((team) =>
        snapshot(
          definition,
          open.filter((_, k) => on[k] === team.id),
          team.annualBudget,
        ),
      ),
      unassigned: snapshot(
        definition,
        open.filter((_, k) => on[k] === null || !index.has(on[k] as string)),
        null,
      ),
    };
    if (start === null || windowStart(definition, day) >= start) return cells;
    const unavailable = (c: Cell): Cell => ({ ...c, value: null, unavailable: { status: 'history_incomplete', historyStart: start } });
    return { organisation: unavailable(cells.organisation), teams: cells.teams.map(unavailable), unassigned: unavailable(cells.unassigned) };
  };

  return SCORECARD_MEASURES.map((definition) => {
    const thresholds = input.thresholds.get(definition.id) ?? definition.defaults;
    const units = definition.units;
    // Spend is priced on the day read, so it is counted under each young person's team that day
    // (a past asOf must not charge a child to the team they joined later), now and at each
    // quarter end of its trend.
    if (definition.id === 'spend_against_budget') {
      return { definition, thresholds, ...spendAt(definition, asOf), trend: ends.map((quarterEnd) => ({ quarterEnd, ...spendAt(definition, quarterEnd) })) };
    }
    if (!units) {
      // Key workers are today's records, by today's team.
      return {
        definition,
        thresholds,
        organisation: snapshot(definition, current, null),
        teams: teams.map((team, i) => snapshot(definition, byTeam[i], team.annualBudget)),
        unassigned: snapshot(definition, unassigned, null),
        trend: [],
      };
    }
    /**
     * Organisation, each team and no team over one period, each unit under its episode's team;
     * every cell unavailable when the measure's window at the period's end begins before the
     * history does (Cell.unavailable).
     */
    const at = (period: Period) => {
      const missing = start !== null && windowStart(definition, period.end) < start;
      const counts = Array.from({ length: teams.length + 2 }, () => ({ numerator: 0, denominator: 0 }));
      const none = teams.length;
      const org = teams.length + 1;
      for (const person of everyone) {
        for (const unit of units(person.history, period)) {
          const team = unit.episode?.teamId ?? person.teamId;
          const slot = team === null ? none : (index.get(team) ?? none);
          for (const k of [slot, org]) {
            counts[k].denominator++;
            if (unit.counted) counts[k].numerator++;
          }
        }
      }
      const cells = counts.map((c) =>
        missing ? { ...cell(c.numerator, c.denominator, c.denominator), value: null, unavailable: { status: 'history_incomplete' as const, historyStart: start } } : cell(c.numerator, c.denominator, c.denominator),
      );
      return { organisation: cells[org], teams: cells.slice(0, none), unassigned: cells[none] };
    };
    return {
      definition,
      thresholds,
      ...at(yearEnding(asOf)),
      trend: ends.map((quarterEnd) => ({ quarterEnd, ...at(yearEnding(quarterEnd)) })),
    };
  });
}
