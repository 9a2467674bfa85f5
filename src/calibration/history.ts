import type { CostModelSpec } from '../catalog/model-schema.ts';
import { ageYearsAtMonthStart, monthOfDay, monthStartDay, parseIsoDate, parseMonthLabel } from './dates.ts';
import type { ImportedEpisode, ImportedSsda903 } from './import.ts';
import { exitTarget, PREVIOUS, placementStates, type Ssda903Mapping } from './mapping.ts';

/**
 * Each child's history as a state at the first day of every month: the month rule. A child is in
 * a state in a month if they are in it on the month's first day. An episode that neither begins
 * before nor spans a first of the month leaves no trace; a move and a move back within a month
 * is no move. Calibration, the backtest and the synthetic generator all use this rule.
 *
 * What is observed, and what is not (censoring):
 * - in care: every month start inside an episode whose placement maps to a state;
 * - the month after leaving care: the destination the reason for leaving maps to, so the exit
 *   itself is always counted when its destination is known;
 * - after leaving care before 18 for a permanence or custody state (adopted, special
 *   guardianship, returned home, custody): followed until the 18th birthday or a return to care,
 *   but only partly: a return to care is seen, a move between states outside care is not;
 * - after leaving care at 18 or later, or for any other state: nothing after that first month
 *   (a care leaver's later history is seen only in OC3);
 * - nothing is observed before the first episode, after an exit whose destination the mapping
 *   leaves unknown (in the default table only E8 "other reason" at 18 or over, and permanence
 *   orders recorded at 18, which cannot be made then: every code that ends care, death and
 *   independent living before 18 included, is an exit to a named state; see the README's REC
 *   table), during a placement with no state (none in the default table), after an open episode
 *   vanishes from the next return, nor after the last return.
 */

/** A month's state: one model state, or several in unknown shares (split in the prior's proportions). */
export interface Target {
  states: string[];
}

/** How a month's state was observed (ChildHistory.mode). */
export const IN_CARE = 0;
/** Followed outside care: only a return to care is observable from here. */
export const FOLLOWED = 1;
/** The destination of an exit, seen on the month start after leaving and not followed: a destination, never an origin. */
export const DESTINATION_ONLY = 2;

export interface WithinStateMove {
  month: number;
  state: string;
}

export interface ChildHistory {
  child: string;
  birthMonth: number;
  /** Month index of targets[0]. */
  firstMonth: number;
  /** Index into the registry's targets per month from firstMonth; −1 when not observed. */
  targets: Int32Array;
  /** IN_CARE, FOLLOWED or DESTINATION_ONLY per month (meaningless where targets is −1). */
  mode: Uint8Array;
  /** 1 when a new period of care began since the previous month start and this month is in care. */
  entered: Uint8Array;
  /**
   * 1 when the month's state is the destination of leaving care before the 18th birthday: the
   * move into it belongs to the monthly row of the month it happened, never to the age
   * transition of an 18th birthday in that month (the child was not in care at 18).
   */
  leftBefore18: Uint8Array;
  /** Moves between two placements that map to the same state (X1, with a change of placement and carer). */
  moves: WithinStateMove[];
  /** The destination on leaving care at 18 or over, and the return year it happened in. */
  leftCareAt18?: { target: number; day: number };
}

export interface Histories {
  histories: ChildHistory[];
  targets: Target[];
  /** States a placement code can map to: the states a return to care or an entry can land in. */
  careStates: Set<string>;
  /** States reachable by leaving care before 18 (tracked partly). */
  trackedExitStates: Set<string>;
  /** Month index of the data's end (1 April after the last return). */
  lastMonth: number;
}

class TargetRegistry {
  readonly targets: Target[] = [];
  private readonly index = new Map<string, number>();
  of(states: string[]): number {
    const key = states.join('|');
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.targets.length;
      this.targets.push({ states: [...states] });
      this.index.set(key, i);
    }
    return i;
  }
}

/** RNE codes meaning a change of placement and carer: a placement move. */
const PLACEMENT_MOVE_RNE = new Set(['P', 'B']);

interface WorkingEpisode {
  start: number;
  end: number | null;
  openUntil: number;
  rec: string | null;
  ageAtEnd: number | null;
  /** The placement's state, or several in unknown shares (a foster placement with no provider); null when none. */
  states: string[] | null;
  previousRule: boolean;
  periodStart: number;
  rne: string;
}

export function careStatesOf(mapping: Ssda903Mapping, model: CostModelSpec): Set<string> {
  const ids = new Set(model.states.map((s) => s.id));
  const out = new Set<string>();
  for (const rule of Object.values(mapping.placements)) {
    if (rule.state && ids.has(rule.state)) out.add(rule.state);
    for (const s of Object.values(rule.byProvider ?? {})) if (s && ids.has(s)) out.add(s);
  }
  return out;
}

/** Single-state destinations of exits before 18 that are followed afterwards: permanence and custody states. */
function trackedExitStatesOf(mapping: Ssda903Mapping, model: CostModelSpec): Set<string> {
  const followed = new Set(model.states.filter((s) => s.category === 'permanence' || s.category === 'custody').map((s) => s.id));
  const out = new Set<string>();
  for (const rule of Object.values(mapping.exits)) {
    if (typeof rule.under18 === 'string' && followed.has(rule.under18)) out.add(rule.under18);
  }
  return out;
}

export function buildHistories(imported: ImportedSsda903, mapping: Ssda903Mapping, model: CostModelSpec): Histories {
  const registry = new TargetRegistry();
  const careStates = careStatesOf(mapping, model);
  const trackedExitStates = trackedExitStatesOf(mapping, model);
  const dataEnd = parseIsoDate(imported.dataEnd);
  const lastMonth = monthOfDay(dataEnd);
  const birthMonths = new Map(imported.children.map((c) => [c.id, parseMonthLabel(c.birthMonth)]));
  const byChild = Map.groupBy(imported.episodes, (e) => e.child);
  const histories: ChildHistory[] = [];
  for (const [child, episodes] of byChild) {
    const birthMonth = birthMonths.get(child);
    if (birthMonth === undefined) continue;
    histories.push(childHistory(child, birthMonth, episodes, mapping, registry, lastMonth, dataEnd, trackedExitStates));
  }
  return { histories, targets: registry.targets, careStates, trackedExitStates, lastMonth };
}

function childHistory(
  child: string,
  birthMonth: number,
  imported: ImportedEpisode[],
  mapping: Ssda903Mapping,
  registry: TargetRegistry,
  lastMonth: number,
  dataEnd: number,
  tracked: ReadonlySet<string>,
): ChildHistory {
  const episodes: WorkingEpisode[] = [];
  for (const e of [...imported].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
    const start = parseIsoDate(e.start);
    const previous = episodes[episodes.length - 1];
    const continues = previous !== undefined && previous.end === start && previous.rec === 'X1';
    const mapped = placementStates(mapping, e.place, e.provider);
    const rule = mapped?.length === 1 ? mapped[0] : undefined;
    const states = rule === PREVIOUS ? (continues ? previous.states : null) : mapped;
    episodes.push({
      start,
      end: e.end === null ? null : parseIsoDate(e.end),
      openUntil: e.knownOpenUntil === null ? dataEnd : parseIsoDate(e.knownOpenUntil),
      rec: e.reasonEnded,
      ageAtEnd: e.ageAtEndYears,
      states,
      previousRule: rule === PREVIOUS,
      periodStart: continues ? previous.periodStart : start,
      rne: e.reasonNewEpisode,
    });
  }
  const first = episodes[0].start;
  const firstMonth = monthStartDay(monthOfDay(first)) === first ? monthOfDay(first) : monthOfDay(first) + 1;
  const length = Math.max(0, lastMonth - firstMonth + 1);
  const targets = new Int32Array(length).fill(-1);
  const mode = new Uint8Array(length);
  const entered = new Uint8Array(length);
  const leftBefore18 = new Uint8Array(length);

  let pointer = 0;
  for (let k = 0; k < length; k++) {
    const month = firstMonth + k;
    const day = monthStartDay(month);
    while (pointer < episodes.length - 1 && episodes[pointer + 1].start <= day) pointer++;
    const e = episodes[pointer];
    const age = ageYearsAtMonthStart(birthMonth, month);
    const covers = e.start <= day && (e.end === null ? day <= e.openUntil : day < e.end);
    if (covers) {
      if (age < 18 && e.states !== null) {
        targets[k] = registry.of(e.states);
        if (e.periodStart > monthStartDay(month - 1)) entered[k] = 1;
      }
      continue;
    }
    if (e.end === null || e.end > day || e.rec === null || e.rec === 'X1' || e.ageAtEnd === null) continue;
    const destination = exitTarget(mapping, e.rec, e.ageAtEnd);
    if (destination === null) continue;
    const states = Array.isArray(destination) ? destination : [destination];
    const firstMonthAfter = monthStartDay(month - 1) < e.end;
    if (e.ageAtEnd < 18 && states.length === 1 && tracked.has(states[0]) && age < 18) {
      targets[k] = registry.of(states);
      mode[k] = FOLLOWED;
      leftBefore18[k] = 1;
    } else if (firstMonthAfter) {
      // Also a followed exit whose next month start is past the 18th birthday: the exit is seen once.
      targets[k] = registry.of(states);
      mode[k] = DESTINATION_ONLY;
      if (e.ageAtEnd < 18) leftBefore18[k] = 1;
    }
  }

  const moves: WithinStateMove[] = [];
  for (let i = 1; i < episodes.length; i++) {
    const a = episodes[i - 1];
    const b = episodes[i];
    const same = a.states?.length === 1 && b.states?.length === 1 && a.states[0] === b.states[0];
    if (a.end === b.start && a.rec === 'X1' && same && !a.previousRule && !b.previousRule && PLACEMENT_MOVE_RNE.has(b.rne)) {
      moves.push({ month: monthOfDay(b.start), state: b.states![0] });
    }
  }
  let leftCareAt18: ChildHistory['leftCareAt18'];
  for (const e of episodes) {
    if (e.end !== null && e.rec !== null && e.rec !== 'X1' && e.ageAtEnd !== null && e.ageAtEnd >= 18) {
      const destination = exitTarget(mapping, e.rec, e.ageAtEnd);
      if (destination !== null) leftCareAt18 = { target: registry.of(Array.isArray(destination) ? destination : [destination]), day: e.end };
    }
  }
  return { child, birthMonth, firstMonth, targets, mode, entered, leftBefore18, moves, ...(leftCareAt18 ? { leftCareAt18 } : {}) };
}
