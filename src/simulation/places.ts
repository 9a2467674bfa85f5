import { type CohortChunk, type CohortPerson, type CohortRequest, type CohortVariant, cohortLayout } from './cohort.ts';
import { type PersonPlan, PersonCursors, Simulator } from './engine.ts';

/**
 * Places as a shared resource in every run (issue 15): all people of a run are simulated
 * together, month by month, so that a capacity-limited state never holds more people than it
 * has places and a commissioned service never starts more people in a year than it has places.
 *
 * Each person still runs the ordinary kernel (Simulator.simulate) on their own random stream,
 * keyed by (seed, run, person), so baseline and strategy keep common random numbers. A person
 * runs freely until something touches places: arriving in or leaving a limited state or its
 * overflow, arriving in a state eligible for a commissioned service, or (while waiting) every
 * month. They then pause before that transition takes effect (PersonCursors), and the people
 * paused at the same month are settled together in a round:
 *
 * 1. Places freed: people leaving a limited state, or leaving the projection while in one
 *    (at the horizon age), free their place for the round.
 * 2. Places taken, per limit: people moving into the state this month, new entrants starting
 *    in it, and people waiting for it (in its overflow state, with `waiting` on) compete for the
 *    free places (places of the round's financial year less the people in it), by `priority`.
 *    Those who find none go to the overflow state instead; with `waiting` on, they then wait
 *    there and compete again every month until they get a place or leave the overflow state.
 * 3. Commissioned places, per service: everyone of the round in an eligible state (and age),
 *    arriving or already there, not yet served, competes for the places left in the financial
 *    year, by `priority`; a place starts the service the next month (delivery as in the kernel).
 *    People eligible and unserved are settled every month while the year has places left, so a
 *    place is offered to someone already waiting, not only to new arrivals.
 *
 * Priority rules: `longest_waiting` (default: months waiting for this limit or service, then
 * list order), `highest_cost` (what a month costs for them where they are now, highest first:
 * their own actual weekly price while still in today's placement at it, else the model's price
 * of that state under the variant, at the standard month; see Simulator.personMonthlyPence),
 * `youngest`. Ties go to the longer wait, then to the person's place in the list (people on
 * record in their order, then each run's new entrants in key order).
 *
 * People on record at month 0 (the first `onRecord` of the list) keep the places they are in,
 * even beyond capacity (nobody is moved out); the limit then admits nobody until occupancy
 * falls below the places. New entrants compete from their first month, month 0 included.
 */

export type PlacePriority = 'longest_waiting' | 'highest_cost' | 'youngest';

export interface PlaceLimit {
  state: number;
  overflow: number;
  /** Places in each financial year of the projection (index 0 = the first); the last carries on. */
  placesByYear: number[];
  /** People who find no place wait in the overflow state for one. */
  waiting: boolean;
}

export interface CommissionedPlaces {
  /** Bit of the slot's intervention list. */
  bit: number;
  /** People who can start it in each financial year; the last carries on. */
  placesByYear: number[];
  /** Projection month from which it is offered. */
  firstMonth: number;
  eligible: Uint8Array;
  minAgeMonths: number;
  maxAgeMonths: number;
}

export interface SharedPlaces {
  limits: PlaceLimit[];
  offers: CommissionedPlaces[];
  priority: PlacePriority;
}

export interface SharedVariant extends CohortVariant {
  places: SharedPlaces;
}

/**
 * Per run and variant, what happened to places, in a block of `placeStatsWidth` numbers:
 * per limit, occupancy at each month [months], people waiting at each month [months], then
 * LIMIT_FIELDS counts; per service, places started in each financial year [nFy].
 */
export const LimitStat = {
  /** Moves into the state (or entrants starting in it) that found no place. */
  refused: 0,
  /** Distinct people who waited at least a month. */
  waited: 1,
  /** Months spent waiting, summed over people. */
  monthsWaited: 2,
  /** People given a place after waiting. */
  placedFromWaiting: 3,
  /** Months in the overflow state by people sent there for want of a place, until they left it. */
  overflowMonths: 4,
  /** Those months at the overflow state's price (pence, this run's prices, standard months). */
  overflowPence: 5,
} as const;
export const LIMIT_FIELDS = 6;

export function placeStatsWidth(places: SharedPlaces, months: number, nFinancialYears: number): number {
  return places.limits.length * (2 * months + LIMIT_FIELDS) + places.offers.length * nFinancialYears;
}

const NO_PAUSE = 0x3fffffff;

function yearly(values: number[], y: number): number {
  return values.length === 0 ? 0 : values[Math.min(y, values.length - 1)];
}

/** The states that pause a person: limited states (and their overflow states, with `overflow`), and states eligible for a service. */
function watchedStates(nStates: number, places: SharedPlaces, overflow: boolean): Uint8Array {
  const watch = new Uint8Array(nStates);
  for (const limit of places.limits) {
    watch[limit.state] = 1;
    if (overflow) watch[limit.overflow] = 1;
  }
  for (const offer of places.offers) for (let s = 0; s < nStates; s++) if (offer.eligible[s]) watch[s] = 1;
  return watch;
}

/** Per-run working arrays, kept from run to run (allocating them every run fed the garbage collector). */
export class PlacesScratch {
  private ints = new Int32Array(0);
  readonly rounds: number[][] = [];
  readonly entries: number[][] = [];

  /** `count` zeroed arrays of `length` each, views of one buffer; `rounds` and `entries` emptied for `months` + 1 months. */
  take(lengths: number[], months: number): Int32Array[] {
    const total = lengths.reduce((a, b) => a + b, 0);
    if (this.ints.length < total) this.ints = new Int32Array(Math.ceil(total * 1.25));
    else this.ints.fill(0, 0, total);
    let at = 0;
    const views = lengths.map((length) => {
      const view = this.ints.subarray(at, at + length);
      at += length;
      return view;
    });
    for (let t = 0; t <= months; t++) {
      if (this.rounds.length <= t) this.rounds.push([]);
      if (this.entries.length <= t) this.entries.push([]);
      this.rounds[t].length = 0;
      this.entries[t].length = 0;
    }
    return views;
  }
}

/**
 * Simulates one run of one variant with shared places: every person of `people` under slot
 * `slotIndex` of `simulator` (whose run has begun), adding into `out` at `base` as
 * Simulator.simulate does, and the run's place figures into `stats` at `statsBase`.
 */
export function simulateRunWithPlaces(
  simulator: Simulator,
  slotIndex: number,
  places: SharedPlaces,
  people: PersonPlan[],
  months: number,
  out: Float64Array,
  base: number,
  stats: Float64Array,
  statsBase: number,
  onRecord = people.length,
  cursors: PersonCursors = new PersonCursors(),
  scratch: PlacesScratch = new PlacesScratch(),
): void {
  const nS = simulator.model.nStates;
  const clock = simulator.clock;
  const nL = places.limits.length;
  const nO = places.offers.length;
  const nFy = simulator.layout.nFinancialYears;
  const firstCalendar = clock.startMonth - 1;
  const fyOf = (t: number) => Math.floor((firstCalendar + t + 9) / 12) - Math.floor((firstCalendar + 9) / 12);
  /** The first month of the financial year after month t's. */
  const nextApril = (t: number) => {
    const cm = (firstCalendar + t) % 12;
    return t + (cm < 3 ? 3 - cm : 15 - cm);
  };
  const limitOf = new Int32Array(nS).fill(-1);
  places.limits.forEach((limit, k) => {
    limitOf[limit.state] = k;
  });
  // Leaving an overflow state matters only to those sent there for want of a place (its months
  // and cost are counted): they alone watch it, so other moves in and out of agency care run on.
  const watch = watchedStates(nS, places, false);
  const watchOverflow = watchedStates(nS, places, true);
  const n = people.length;
  cursors.begin(n, watch);
  const started = cursors.started;
  const cs = cursors.s;
  const cnext = cursors.next;
  const deliverMask = cursors.deliverMask;
  const [waitingFor, waitSince, redirectedAt, redirectedTo, offerSince, used, occ, waitingNow, releases] = scratch.take(
    [n, n, n, n, n * Math.max(1, nO), Math.max(1, nO) * (nFy + 1), nL, nL, (months + 1) * Math.max(1, nL)],
    months,
  );
  waitingFor.fill(-1);
  redirectedAt.fill(-1);
  redirectedTo.fill(-1);
  offerSince.fill(-1);
  const rounds = scratch.rounds;
  const entries = scratch.entries;
  // One pass over the people (each pass over some 15,000 of them misses the cache throughout).
  for (let i = 0; i < n; i++) {
    const person = people[i];
    cs[i] = person.startState;
    const offset = person.offset ?? 0;
    if (offset < months) entries[offset].push(i);
  }
  const limitBase = (k: number) => statsBase + k * (2 * months + LIMIT_FIELDS);
  const offerBase = (o: number) => statsBase + nL * (2 * months + LIMIT_FIELDS) + o * nFy;

  /** The state a person of round t is in at month t (after the pending transition), and their age then. */
  const stateAt = (i: number) => (started[i] === 1 ? cnext[i] : cs[i]);
  const ageAt = (i: number) => (started[i] === 1 ? cursors.ageMonths[i] + 1 : people[i].ageMonths);

  /**
   * What the engine charges a month for person i where they are now (before the pending
   * transition): their own actual weekly price while they are still in today's placement at it,
   * else the model's price of the state under this variant (issue 15, F6: ranking by the
   * model's price put a child in a £9,000-a-week placement behind one the model prices higher).
   */
  const ownPence = (i: number) => {
    const atActual = started[i] === 1 ? cursors.atActualPrice(i) : people[i].currentPlacementWeeklyPrice !== null;
    return simulator.personMonthlyPence(slotIndex, ageAt(i), cs[i], people[i], atActual, started[i] === 1 ? cursors.financialYear(i) : fyOf(t));
  };

  const byPriority = (waitedOf: (i: number) => number) => {
    const rule = places.priority;
    return (a: number, b: number) => {
      if (rule === 'highest_cost') {
        const d = ownPence(b) - ownPence(a);
        if (d !== 0) return d;
      } else if (rule === 'youngest') {
        const d = ageAt(a) - ageAt(b);
        if (d !== 0) return d;
      }
      const w = waitedOf(b) - waitedOf(a);
      return w !== 0 ? w : a - b;
    };
  };

  /** Leaves the overflow state (or the projection): the months spent there for want of a place. */
  const leaveOverflow = (i: number, t: number, ageMonths: number) => {
    const k = redirectedTo[i];
    const spent = t - redirectedAt[i];
    const at = limitBase(k) + 2 * months;
    stats[at + LimitStat.overflowMonths] += spent;
    stats[at + LimitStat.overflowPence] += spent * simulator.monthlyPence(slotIndex, ageMonths, places.limits[k].overflow);
    redirectedAt[i] = -1;
    redirectedTo[i] = -1;
    cursors.watch[i] = watch;
  };
  const stopWaiting = (i: number, t: number) => {
    const k = waitingFor[i];
    stats[limitBase(k) + 2 * months + LimitStat.monthsWaited] += t - waitSince[i];
    waitingFor[i] = -1;
    waitingNow[k]--;
  };

  const candidates: number[] = [];
  let t = 0;
  // When each person of the round next needs settling, whatever they do.
  const settle = (i: number) => {
    let p = NO_PAUSE;
    if (waitingFor[i] >= 0) p = t;
    const s = nO > 0 ? stateAt(i) : 0;
    const age = nO > 0 ? ageAt(i) : 0;
    for (let o = 0; o < nO; o++) {
      const offer = places.offers[o];
      if ((started[i] === 1 && cursors.interventionDelivered(i, offer.bit)) || deliverMask[i] & (1 << offer.bit) || !offer.eligible[s] || age >= offer.maxAgeMonths) continue;
      let when: number;
      if (t < offer.firstMonth) when = offer.firstMonth - 1;
      else if (age < offer.minAgeMonths) when = t + offer.minAgeMonths - age - 1;
      else if (used[o * (nFy + 1) + Math.min(fyOf(t), nFy)] < Math.floor(yearly(offer.placesByYear, fyOf(t)))) when = t;
      else when = nextApril(t) - 1;
      if (when < p) p = Math.max(t, when);
    }
    cursors.pauseAt[i] = p;
  };
  const resume = (i: number) => {
    settle(i);
    simulator.simulate(slotIndex, people[i], out, base, cursors, i);
    if (cursors.finished[i] === 1) {
      const end = cursors.months[i];
      const k = limitOf[cs[i]];
      if (k >= 0 && end < months) releases[end * nL + k]++;
      if (redirectedAt[i] >= 0) leaveOverflow(i, Math.min(end, months), cursors.ageMonths[i]);
      if (waitingFor[i] >= 0) stopWaiting(i, Math.min(end, months));
    } else {
      rounds[cursors.m[i] + 1].push(i);
    }
  };
  for (t = 0; t < months; t++) {
    for (let k = 0; k < nL; k++) occ[k] -= releases[t * nL + k];
    const round = rounds[t];
    const entering = entries[t];
    if (round.length + entering.length > 0) {
      round.sort((a, b) => a - b);
      // 1. Places freed, and people leaving the overflow state or the waiting list.
      for (const i of round) {
        if (cnext[i] === cs[i]) continue;
        const k = limitOf[cs[i]];
        if (k >= 0) occ[k]--;
        if (redirectedAt[i] >= 0 && cs[i] === places.limits[redirectedTo[i]].overflow) leaveOverflow(i, t, cursors.ageMonths[i]);
        if (waitingFor[i] >= 0 && cnext[i] !== places.limits[waitingFor[i]].state) stopWaiting(i, t);
      }
      if (t === 0) {
        // People on record keep their places, beyond capacity if need be.
        for (const i of entering) if (i < onRecord && limitOf[cs[i]] >= 0) occ[limitOf[cs[i]]]++;
      }
      // 2. Places taken.
      for (let k = 0; k < nL; k++) {
        const limit = places.limits[k];
        candidates.length = 0;
        for (const i of round) {
          if ((cnext[i] === limit.state && cs[i] !== limit.state) || (waitingFor[i] === k && cnext[i] === cs[i])) candidates.push(i);
        }
        for (const i of entering) if ((t > 0 || i >= onRecord) && cs[i] === limit.state) candidates.push(i);
        if (candidates.length === 0) continue;
        const waited = (i: number) => (waitingFor[i] === k ? t - waitSince[i] : 0);
        candidates.sort(byPriority(waited));
        let free = Math.max(0, Math.floor(yearly(limit.placesByYear, fyOf(t))) - occ[k]);
        const at = limitBase(k) + 2 * months;
        for (const i of candidates) {
          const wasWaiting = waitingFor[i] === k;
          if (free > 0) {
            free--;
            occ[k]++;
            if (started[i] === 1) cnext[i] = limit.state;
            if (wasWaiting) {
              stats[at + LimitStat.placedFromWaiting] += 1;
              stopWaiting(i, t);
            }
            if (redirectedAt[i] >= 0) leaveOverflow(i, t, ageAt(i));
            continue;
          }
          // No place: the overflow state instead (someone waiting stays there, waiting).
          if (started[i] === 1) cnext[i] = limit.overflow;
          else cs[i] = limit.overflow;
          // In the overflow state from now: a waiting child refused again had their overflow
          // months closed in step 1 (they were moving towards the limited state), so open them again.
          if (redirectedAt[i] < 0) {
            redirectedAt[i] = t;
            redirectedTo[i] = k;
            cursors.watch[i] = watchOverflow;
          }
          if (wasWaiting) continue;
          stats[at + LimitStat.refused] += 1;
          if (limit.waiting) {
            waitingFor[i] = k;
            waitSince[i] = t;
            waitingNow[k]++;
            stats[at + LimitStat.waited] += 1;
          }
        }
      }
      // 3. Commissioned places.
      for (let o = 0; o < nO; o++) {
        const offer = places.offers[o];
        if (t < offer.firstMonth) continue;
        const fy = fyOf(t);
        const bit = 1 << offer.bit;
        candidates.length = 0;
        const consider = (i: number) => {
          const s = stateAt(i);
          const age = ageAt(i);
          if ((started[i] === 1 && cursors.interventionDelivered(i, offer.bit)) || deliverMask[i] & bit || !offer.eligible[s] || age < offer.minAgeMonths || age >= offer.maxAgeMonths) {
            offerSince[i * nO + o] = -1;
            return;
          }
          if (offerSince[i * nO + o] < 0) offerSince[i * nO + o] = t;
          candidates.push(i);
        };
        for (const i of round) consider(i);
        for (const i of entering) consider(i);
        if (candidates.length === 0) continue;
        const waited = (i: number) => t - offerSince[i * nO + o];
        candidates.sort(byPriority(waited));
        const yearAt = o * (nFy + 1) + Math.min(fy, nFy);
        let free = Math.max(0, Math.floor(yearly(offer.placesByYear, fy)) - used[yearAt]);
        for (const i of candidates) {
          if (free === 0) break;
          free--;
          used[yearAt]++;
          deliverMask[i] |= bit;
          offerSince[i * nO + o] = -1;
          if (fy < nFy) stats[offerBase(o) + fy] += 1;
        }
      }
      for (const i of round) resume(i);
      for (const i of entering) resume(i);
      round.length = 0;
    }
    for (let k = 0; k < nL; k++) {
      stats[limitBase(k) + t] = occ[k];
      stats[limitBase(k) + months + t] = waitingNow[k];
    }
  }
}

export interface PlacesChunk extends CohortChunk {
  /** [run][variant][placeStatsWidth of the widest variant]. */
  places: Float64Array;
  placesWidth: number;
}

/**
 * Runs [runStart, runEnd) of all people (those on record and each run's new entrants) under
 * every variant with shared places; the first `onRecord` of each run's list are people on record
 * (they keep their places at month 0). A chunk is whole runs, so chunks add nothing up across
 * people: results are the same whatever the threads, processes or chunking.
 */
export function simulatePlacesRuns(
  variants: SharedVariant[],
  request: CohortRequest,
  peopleFor: (run: number) => CohortPerson[],
  seed: number,
  runStart: number,
  runEnd: number,
  onRecord = 0,
): PlacesChunk {
  const layout = cohortLayout(variants[0].model, request);
  const simulators = variants.map((v) => {
    const simulator = new Simulator(v.model, layout, request.clock, { parameterUncertainty: request.parameterUncertainty });
    // Places replace the expected-flow plan: no redirected rows, no offer probabilities.
    const slot = { ...v.slot, offers: undefined, periods: v.slot.periods?.map((p) => ({ rates: p.rates, redirects: [] })) };
    return { simulator, slot: simulator.addSlot(slot) };
  });
  const nParameters = simulators.reduce((n, s) => Math.max(n, s.simulator.parameters.length), 0);
  const runs = runEnd - runStart;
  const width = variants.length * layout.size;
  const placesWidth = variants.reduce((w, v) => Math.max(w, placeStatsWidth(v.places, request.months, layout.nFinancialYears)), 0);
  const vectors = new Float64Array(runs * width);
  const parameters = new Float64Array(runs * variants.length * nParameters);
  const places = new Float64Array(runs * variants.length * placesWidth);
  const horizon = variants[0].model.horizonAgeMonths;
  let personMonths = 0;
  const cursors = new PersonCursors();
  const scratch = new PlacesScratch();
  // Plans are rewritten in place run after run (allocating ~17,000 a run was a tenth of the time).
  const planPool: PersonPlan[][] = variants.map(() => []);
  const planOf = (pool: PersonPlan[], i: number, p: CohortPerson, v: number): PersonPlan => {
    const plan = pool[i] ?? (pool[i] = { ageMonths: 0, startState: 0, key: 0, offset: 0, months: 0, moves: [], interventions: [], currentPlacementWeeklyPrice: null, currentPlacementPriceByYear: null, placementsEarlierThisYear: 0 });
    plan.ageMonths = p.ageMonths;
    plan.startState = p.startState;
    plan.key = p.key;
    plan.offset = p.offset ?? 0;
    plan.months = request.months;
    plan.moves = p.plans[v]?.moves ?? [];
    plan.interventions = p.plans[v]?.interventions ?? [];
    plan.currentPlacementWeeklyPrice = p.currentPlacementWeeklyPrice;
    // Reset each time: pooled plans are reused for other people (entrants have none).
    plan.currentPlacementPriceByYear = p.currentPlacementPriceByYear ?? null;
    plan.placementsEarlierThisYear = p.placementsEarlierThisYear ?? 0;
    return plan;
  };
  const plansList: PersonPlan[] = [];
  for (let r = 0; r < runs; r++) {
    const list = peopleFor(runStart + r);
    let own = false;
    // The first variant's plans, the person-months and whether anyone has plans of their own, in one pass.
    plansList.length = list.length;
    for (let i = 0; i < list.length; i++) {
      const person = list[i];
      personMonths += Math.max(0, Math.min(request.months - (person.offset ?? 0), horizon - person.ageMonths)) * variants.length;
      for (let v = 0; v < variants.length && !own; v++) own = (person.plans[v]?.moves.length ?? 0) + (person.plans[v]?.interventions.length ?? 0) > 0;
      plansList[i] = planOf(planPool[0], i, person, 0);
    }
    for (let v = 0; v < variants.length; v++) {
      const { simulator, slot } = simulators[v];
      simulator.beginRun(seed, runStart + r);
      parameters.set(simulator.parameterValues, (r * variants.length + v) * nParameters);
      const base = r * width + v * layout.size;
      // A scenario's people have no moves or interventions of their own: one list serves every variant.
      if (v > 0 && own) {
        const pool = planPool[v];
        for (let i = 0; i < list.length; i++) plansList[i] = planOf(pool, i, list[i], v);
      }
      simulateRunWithPlaces(simulator, slot, variants[v].places, plansList, request.months, vectors, base, places, (r * variants.length + v) * placesWidth, onRecord, cursors, scratch);
      simulator.flush(slot, vectors, base);
    }
  }
  return { runStart, runEnd, vectors, parameters, personMonths, places, placesWidth };
}
