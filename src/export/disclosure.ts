/**
 * Disclosure control for everything a pack, its tables or the comparison page show: the one
 * place that decides which counts may be seen.
 *
 * What counts as a count of children. The engine's outputs are simulated, not observed, but
 * they are simulated from real young people's records, and a small simulated number (one child
 * in secure care at 31 March) says something about a real child. So every figure whose unit is
 * children, or events happening to children, is protected, whether it is a mean over runs or a
 * percentile:
 *   - children by care state at 31 March of each year, and children looked after (their total);
 *   - children who start a commissioned intervention;
 *   - outcome counts: entries to care, placement moves, people ever in custody;
 *   - the number of young people in a run's cohort.
 * Money, probabilities, ratios and person-months (months in care, NEET months) are not counts of
 * children and are shown as they are.
 *
 * The rules (after the Government Statistical Service's guidance on small numbers):
 *   1. Primary suppression: any count above 0 and below 5 is shown as "<5". True zeros are shown.
 *      Visible counts are rounded to whole children.
 *   2. Complementary suppression: where figures are tied by a shown total (children looked after
 *      is the sum of the in-care states; an outcome's strategy figure is the baseline plus the
 *      difference), a hidden figure must not be recoverable by subtraction. Any relation left
 *      with exactly one hidden member has a second member hidden ("c"): the smallest non-zero
 *      part, else a zero part, else the total. Finally the whole set of relations is solved as a
 *      linear system over the hidden figures; while any hidden figure is still determined, more
 *      are hidden.
 *   3. Bounds (issue 17 review): the marks themselves say something. A "<5" is 1-4; a "c" count
 *      is 0 or at least 5 (a 1-4 would have been "<5"); counts are never negative. A reader who
 *      propagates those bounds through the relations can narrow a "<5" that the linear system
 *      leaves free (17 = 5 + 10 + <5 + <5 makes both 1). While any "<5" is narrowed below 1-4
 *      (smallCountsNarrowed), one more figure of a relation it is in is hidden: the smallest
 *      shown non-zero part, else a zero part, the total last. So the reader learns nothing
 *      beyond "fewer than 5", except where a total is itself "<5" (each part is then at most that
 *      total): nothing shown gives that away and nothing more can be hidden.
 */

export const SMALL_COUNT = '<5';
export const COMPLEMENT = 'c';
export const SMALL_COUNT_THRESHOLD = 5;

export type SuppressionMark = typeof SMALL_COUNT | typeof COMPLEMENT;

/** A protected figure as shown: a whole number, or a mark saying why it is hidden. */
export type ShownCount = number | SuppressionMark;

/** A shown total: the sum of `parts` equals `total` (indices into the figures). */
export interface Relation {
  parts: number[];
  total: number;
}

export interface ProtectInput {
  values: number[];
  /** Which figures are counts of children (primary suppression applies); the others (differences) are only ever hidden to protect a count. Default: all. */
  isCount?: boolean[];
  relations?: Relation[];
  /**
   * Figures never shown (auxiliary sums that carry a relation between shown figures, such as
   * the children looked after at a year's start plus those who entered in it): hidden from the
   * start and never protected for themselves (a reader may work one out; what matters is the
   * shown figures it would give away). Default: none.
   */
  neverShown?: boolean[];
  /**
   * Figures shown as "<5" whatever they are, 0 included: a share's numerator whose denominator is
   * 1-4. Shown, its 0 would tell the reader that none of those few children has the attribute
   * (all within 20 miles, none with three placements): group disclosure, which the small-numbers
   * rule exists to prevent (issue 17 review: "0 of <5"). A reader can take such a "<5" to be 0-4,
   * so its bounds are 0-4, not 1-4. Default: none.
   */
  smallOrZero?: boolean[];
}

export const DISCLOSURE_NOTE = `${SMALL_COUNT}: fewer than 5 children (or events), hidden. ${COMPLEMENT}: hidden so that a figure shown as ${SMALL_COUNT} cannot be worked out from a total. Counts are means and percentiles of simulated numbers of children, rounded to whole children.`;

export function isSmallCount(value: number): boolean {
  return value > 0 && value < SMALL_COUNT_THRESHOLD;
}

/** A count shown on its own (no total beside it). */
export function showCount(value: number): ShownCount {
  return isSmallCount(value) ? SMALL_COUNT : Math.round(value);
}

/** Applies both rules to a set of figures and the totals that tie them. */
export function protectCounts(input: ProtectInput): ShownCount[] {
  const { values } = input;
  const relations = input.relations ?? [];
  const auxiliary = (i: number) => input.neverShown?.[i] ?? false;
  const mark: Array<SuppressionMark | null> = values.map((v, i) =>
    auxiliary(i) ? COMPLEMENT : input.smallOrZero?.[i] || ((input.isCount?.[i] ?? true) && isSmallCount(v)) ? SMALL_COUNT : null,
  );
  const hidden = (i: number) => mark[i] !== null;
  const wholeNumbers = values.every((v) => Number.isInteger(v));

  const hideSecond = (relation: Relation): boolean => {
    const members = [...relation.parts, relation.total];
    const visibleParts = relation.parts.filter((i) => !hidden(i));
    const size = (i: number) => Math.abs(values[i]);
    const byValue = (a: number, b: number) => size(a) - size(b) || a - b;
    const choice = visibleParts.filter((i) => size(i) > 0).sort(byValue)[0] ?? visibleParts.sort(byValue)[0] ?? (hidden(relation.total) ? undefined : relation.total);
    if (choice === undefined) {
      const rest = members.find((i) => !hidden(i));
      if (rest === undefined) return false;
      mark[rest] = COMPLEMENT;
      return true;
    }
    mark[choice] = COMPLEMENT;
    return true;
  };

  for (;;) {
    let changed = true;
    while (changed) {
      changed = false;
      for (const relation of relations) {
        const lone = [...relation.parts, relation.total].filter(hidden);
        // A never-shown figure alone hidden in a relation gives nothing away by being worked out.
        if (lone.length === 1 && !auxiliary(lone[0]) && hideSecond(relation)) changed = true;
      }
    }
    // Two checks on what a reader could still work out: a hidden figure pinned exactly by the
    // linear system, or a "<5" narrowed below 1-4 by the bounds every hidden figure must obey
    // (smallCountsNarrowed). Either way one more figure is hidden and both are run again.
    const members = (r: Relation) => [...r.parts, r.total];
    const determined = derivableFigures(values, mark.map((m) => m !== null), relations).filter((i) => !auxiliary(i));
    // A "<5" narrowed only by relations whose figures are all hidden already (a total that is
    // itself "<5" says each part is at most that total) cannot be helped by hiding more: skipped.
    // The bounds hold for counts of children (whole numbers): a simulated mean under 5 may be 0.3,
    // so tables of means (any figure not whole) keep to the linear check.
    // Only the first target is acted on, the linear ones first: when the linear check found one,
    // the bounds (the costly check) cannot change what is hidden next, so they wait for a pass
    // in which it finds none.
    const narrowed = wholeNumbers && determined.length === 0
      ? smallCountsNarrowed(values, mark, relations, input.isCount, input.smallOrZero).filter((i) => relations.some((r) => members(r).includes(i) && members(r).some((j) => !hidden(j))))
      : [];
    const targets = [...determined, ...narrowed];
    if (targets.length === 0) break;
    // Hide one more figure in a relation that pins the first such figure, and look again.
    // (Failing that, in any relation with a figure still shown that touches a hidden one: each
    // pass hides one more figure, so this ends.)
    const target = targets[0];
    const relation =
      relations.find((r) => members(r).includes(target) && members(r).some((i) => !hidden(i))) ??
      relations.find((r) => members(r).some(hidden) && members(r).some((i) => !hidden(i)));
    if (!relation) break;
    // The smallest shown non-zero part, else a zero part, the total last (as hideSecond).
    const byValue = (a: number, b: number) => Math.abs(values[a]) - Math.abs(values[b]) || a - b;
    const parts = relation.parts.filter((i) => !hidden(i)).sort(byValue);
    const choice = parts.find((i) => values[i] !== 0) ?? parts[0] ?? relation.total;
    mark[choice] = COMPLEMENT;
  }
  return values.map((v, i) => mark[i] ?? Math.round(v));
}

/**
 * The hidden figures a reader could work out exactly from the shown figures and the relations:
 * the relations restricted to the hidden figures form a linear system A·x = b; figure j is
 * determined when the unit vector e_j lies in the row space of A, i.e. in reduced row echelon
 * form it is a pivot whose row has no entry in a free column.
 */
export function derivableFigures(values: number[], hidden: boolean[], relations: Relation[]): number[] {
  return new HiddenSystem(values, hidden, relations).derivable();
}

/**
 * The linear system of derivableFigures in reduced row echelon form, kept so that the figures a
 * reader could work out once one more figure is shown can be found without eliminating again
 * (derivableShowing): the trials of secondary suppression (showTotalsWhereSafe,
 * dropRedundantComplements in src/services/scorecard.ts) show one hidden figure at a time, and
 * eliminating the whole system for each was a quarter of the board's protection time.
 */
export class HiddenSystem {
  private readonly column: Map<number, number>;
  private readonly unknowns: number[];
  /**
   * The non-zero rows, reduced: rows[r] has 1 in column pivots[r] and 0 in every other pivot
   * column. Rows are never changed in place once built (showing copies those it changes), so
   * systems derived by showing share the rest.
   */
  private readonly rows: number[][];
  private readonly pivots: number[];

  constructor(values: number[], hidden: boolean[], relations: Relation[]);
  constructor(values: null, hidden: null, relations: null, from: { column: Map<number, number>; unknowns: number[]; rows: number[][]; pivots: number[] });
  constructor(
    values: number[] | null,
    hidden: boolean[] | null,
    relations: Relation[] | null,
    from?: { column: Map<number, number>; unknowns: number[]; rows: number[][]; pivots: number[] },
  ) {
    if (from) {
      this.column = from.column;
      this.unknowns = from.unknowns;
      this.rows = from.rows;
      this.pivots = from.pivots;
      return;
    }
    const unknowns = (values as number[]).map((_, i) => i).filter((i) => (hidden as boolean[])[i]);
    this.unknowns = unknowns;
    const column = new Map(unknowns.map((i, k) => [i, k]));
    this.column = column;
    const rows: number[][] = [];
    for (const relation of relations as Relation[]) {
      const row = new Array<number>(unknowns.length).fill(0);
      let any = false;
      for (const part of relation.parts) {
        const k = column.get(part);
        if (k !== undefined) {
          row[k] += 1;
          any = true;
        }
      }
      const k = column.get(relation.total);
      if (k !== undefined) {
        row[k] -= 1;
        any = true;
      }
      if (any) rows.push(row);
    }
    // Gaussian elimination to reduced row echelon form; coefficients stay small integers, so a
    // tolerance well below 1 separates zero from non-zero.
    const pivots: number[] = [];
    let r = 0;
    for (let c = 0; c < unknowns.length && r < rows.length; c++) {
      let best = -1;
      for (let i = r; i < rows.length; i++) if (Math.abs(rows[i][c]) > EPS && (best < 0 || Math.abs(rows[i][c]) > Math.abs(rows[best][c]))) best = i;
      if (best < 0) continue;
      [rows[r], rows[best]] = [rows[best], rows[r]];
      const p = rows[r][c];
      // The rows are sparse (a relation has a few members): only the pivot row's non-zero
      // columns change another row, so only those are visited (subtracting f × 0 changes nothing).
      const nonZero: number[] = [];
      for (let j = 0; j < unknowns.length; j++) {
        rows[r][j] /= p;
        if (rows[r][j] !== 0) nonZero.push(j);
      }
      for (let i = 0; i < rows.length; i++) {
        if (i === r || Math.abs(rows[i][c]) <= EPS) continue;
        const f = rows[i][c];
        for (const j of nonZero) rows[i][j] -= f * rows[r][j];
      }
      pivots.push(c);
      r++;
    }
    this.rows = rows.slice(0, pivots.length);
    this.pivots = pivots;
  }

  /** The hidden figures a reader could work out (derivableFigures), in index order. */
  derivable(): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.pivots.length; r++) {
      const c = this.pivots[r];
      const row = this.rows[r];
      let alone = true;
      for (let j = 0; j < row.length && alone; j++) if (j !== c && Math.abs(row[j]) > EPS) alone = false;
      if (alone) out.push(this.unknowns[c]);
    }
    return out.sort((a, b) => a - b);
  }

  /** derivableFigures with figure `shown` shown as well: showing(shown).derivable(). */
  derivableShowing(shown: number): number[] {
    return this.showing(shown).derivable();
  }

  /**
   * The system with figure `shown` shown as well (this one unchanged): the same as eliminating
   * again without it. A figure is determined when its unit vector lies in the row space; showing
   * a figure moves its column to the known side, so the column is cleared. If it is free, the
   * rows are still reduced. If it is a pivot's, that row without it holds free columns only: when
   * any is left non-zero, one of them (the largest) becomes its pivot and is cleared from the
   * other rows, so the rows are reduced again; else the row is dropped. Either way a figure is
   * determined exactly when it is a pivot whose row has no other non-zero entry, whatever the basis.
   */
  showing(shown: number): HiddenSystem {
    const k = this.column.get(shown);
    if (k === undefined) return this;
    let rows = this.rows.map((row) => {
      if (row[k] === 0) return row;
      const copy = row.slice();
      copy[k] = 0;
      return copy;
    });
    let pivots = this.pivots;
    const p = pivots.indexOf(k);
    if (p >= 0) {
      const row = rows[p];
      let c = -1;
      for (let j = 0; j < row.length; j++) if (Math.abs(row[j]) > EPS && (c < 0 || Math.abs(row[j]) > Math.abs(row[c]))) c = j;
      rows = rows.filter((_, r) => r !== p);
      pivots = pivots.filter((_, r) => r !== p);
      if (c >= 0) {
        const f0 = row[c];
        const nonZero: number[] = [];
        for (let j = 0; j < row.length; j++) {
          row[j] /= f0;
          if (row[j] !== 0) nonZero.push(j);
        }
        rows = rows.map((other) => {
          if (Math.abs(other[c]) <= EPS) return other;
          const f = other[c];
          const changed = other.slice();
          for (const j of nonZero) changed[j] -= f * row[j];
          return changed;
        });
        rows.push(row);
        pivots = [...pivots, c];
      }
    }
    return new HiddenSystem(null, null, null, { column: this.column, unknowns: this.unknowns, rows, pivots });
  }
}

const EPS = 1e-9;

/** A set of whole numbers as sorted, disjoint, non-adjacent closed intervals [lo, hi]; ±Infinity for unbounded ends. */
export type Domain = Array<[number, number]>;

function normalise(d: Domain): Domain {
  const sorted = d.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const out: Domain = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    // Whole numbers: [0,0] and [1,4] join into [0,4].
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/**
 * {a + b : a in x, b in y}, exact for unions of integer intervals. Domains are never changed in
 * place (every result is a new array of new pairs, or an argument itself), so one may be shared.
 */
function plus(x: Domain, y: Domain): Domain {
  // Most sums are of single intervals, or with a fixed 0: no sort needed (the protection's
  // propagation spends most of its time here).
  if (x.length === 1 && x[0][0] === 0 && x[0][1] === 0) return y;
  if (y.length === 1 && y[0][0] === 0 && y[0][1] === 0) return x;
  if (x.length === 1 && y.length === 1) return x[0][0] + y[0][0] <= x[0][1] + y[0][1] ? [[x[0][0] + y[0][0], x[0][1] + y[0][1]]] : [];
  const out: Domain = [];
  for (const [a, b] of x) for (const [c, d] of y) out.push([a + c, b + d]);
  return normalise(out);
}

const negate = (x: Domain): Domain => x.map(([lo, hi]) => [-hi, -lo] as [number, number]).reverse();

function intersect(x: Domain, y: Domain): Domain {
  if (x.length === 1 && y.length === 1) {
    const lo = Math.max(x[0][0], y[0][0]);
    const hi = Math.min(x[0][1], y[0][1]);
    return lo <= hi ? [[lo, hi]] : [];
  }
  const out: Domain = [];
  for (const [a, b] of x) for (const [c, d] of y) if (Math.max(a, c) <= Math.min(b, d)) out.push([Math.max(a, c), Math.min(b, d)]);
  return normalise(out);
}

const sameDomain = (x: Domain, y: Domain) => x.length === y.length && x.every(([lo, hi], i) => lo === y[i][0] && hi === y[i][1]);

/**
 * What a reader can tell of each hidden figure from the shown ones, the relations and what the
 * marks themselves say. A "<5" count is 1-4; a "c" count is 0 or at least 5 (a count of 1-4
 * would have been shown "<5"), and counts are never negative; a hidden difference (isCount
 * false) can be anything. Shown figures are fixed at their rounded value (what the reader sees).
 * Each relation Σ parts = total narrows every hidden member to what the others allow (member =
 * total − Σ other parts, or total = Σ parts, by exact sums of interval unions); this runs until
 * no relation narrows anything (a relation is looked at again only when one of its members was
 * narrowed; test/export/disclosure-bounds.test.ts checks it against passes over every relation).
 * Exact for one relation; over several it can only leave a set too wide (a relaxation), never
 * too narrow.
 * Returns each figure's domain (a single point for a shown figure), or null when the shown
 * figures contradict the relations (rounded means can), in which case nothing is concluded.
 */
export function feasibleDomains(
  values: number[],
  mark: Array<SuppressionMark | null>,
  relations: Relation[],
  isCount?: boolean[],
  smallOrZero?: boolean[],
  from?: { mark: ReadonlyArray<SuppressionMark | null>; domains: Domain[] },
): Domain[] | null {
  // Warm start (`from`: the domains this function gave for `from.mark`, the same figures and
  // relations): when `mark` only shows figures `from.mark` hid, and hides nothing else, the
  // reader knows at least as much, so the sets reached are within `from.domains` (narrowing is
  // monotone and the sets are the greatest fixed point under the starting ones). Starting from
  // them, with only the relations of a newly shown figure queued (the others narrow nothing from
  // a fixed point), reaches the same sets as starting afresh, in a handful of steps: the trials of
  // showTotalsWhereSafe and dropRedundantComplements show one figure at a time (most of the
  // board's protection time with a team of a few children). Not when `from` stopped at the cap.
  // A newly shown figure must lie in its domain there (it does whenever the figures are
  // consistent); otherwise, or when `from` stopped at the cap, it starts afresh.
  const within = (d: Domain, x: number) => d.some(([lo, hi]) => lo <= x && x <= hi);
  const warm =
    from !== undefined &&
    !capped.has(from.domains) &&
    mark.every((m, i) => (m === null ? from.mark[i] === null || within(from.domains[i], Math.round(values[i])) : m === from.mark[i]))
      ? from
      : undefined;
  const domains: Domain[] = values.map((v, i) => {
    if (mark[i] === null) return [[Math.round(v), Math.round(v)]];
    if (warm) return warm.domains[i];
    if (!(isCount?.[i] ?? true)) return [[-Infinity, Infinity]];
    if (mark[i] === SMALL_COUNT) return [[smallOrZero?.[i] ? 0 : 1, SMALL_COUNT_THRESHOLD - 1]];
    return [
      [0, 0],
      [SMALL_COUNT_THRESHOLD, Infinity],
    ];
  });
  // A worklist of relations: a relation is looked at again only when a member it has was
  // narrowed (by another relation, or by itself: its members are narrowed from the domains they
  // had when it was taken up). Narrowing is monotone, so the sets reached do not depend on the
  // order; only relations with a hidden member can narrow anything. The cap (as many steps as
  // 200 passes over them) stops unbounded hidden differences creeping down one step at a time
  // when the shown figures contradict the relations.
  const active = relations.filter((relation) => relation.parts.some((i) => mark[i] !== null) || mark[relation.total] !== null);
  const touching: number[][] = values.map(() => []);
  active.forEach((relation, r) => {
    for (const m of new Set([...relation.parts, relation.total])) if (mark[m] !== null) touching[m].push(r);
  });
  // A ring of relation indices: each is queued at most once at a time. Warm, only the relations
  // with a figure shown now and hidden in `from.mark` start queued.
  const starts = (relation: Relation) => !warm || [...relation.parts, relation.total].some((m) => mark[m] === null && warm.mark[m] !== null);
  const queue = new Array<number>(active.length);
  const queued = active.map(() => false);
  let waiting = 0;
  active.forEach((relation, r) => {
    if (!starts(relation)) return;
    queue[waiting++] = r;
    queued[r] = true;
  });
  let head = 0;
  const cap = 200 * active.length;
  let step = 0;
  for (; waiting > 0 && step < cap; step++) {
    const r = queue[head];
    head = (head + 1) % active.length;
    waiting--;
    queued[r] = false;
    const relation = active[r];
    const k = relation.parts.length;
    // before[j] = Σ domains of parts 0..j-1; after[j] = Σ of parts j..k-1 (as they are now).
    const before: Domain[] = [[[0, 0]]];
    for (let j = 0; j < k; j++) before.push(plus(before[j], domains[relation.parts[j]]));
    const after: Domain[] = new Array(k + 1);
    after[k] = [[0, 0]];
    for (let j = k - 1; j >= 0; j--) after[j] = plus(domains[relation.parts[j]], after[j + 1]);
    const total = domains[relation.total];
    const narrow = (m: number, allowed: Domain): boolean => {
      const next = intersect(domains[m], allowed);
      if (next.length === 0) return false;
      if (!sameDomain(next, domains[m])) {
        domains[m] = next;
        for (const other of touching[m]) {
          if (queued[other]) continue;
          queued[other] = true;
          queue[(head + waiting) % active.length] = other;
          waiting++;
        }
      }
      return true;
    };
    for (let j = 0; j < k; j++) {
      const m = relation.parts[j];
      if (mark[m] !== null && !narrow(m, plus(total, negate(plus(before[j], after[j + 1]))))) return null;
    }
    if (mark[relation.total] !== null && !narrow(relation.total, before[k])) return null;
  }
  if (waiting > 0) capped.add(domains);
  return domains;
}

/** Domains feasibleDomains left at its cap (not a fixed point): never a warm start. */
const capped = new WeakSet<Domain[]>();

/**
 * The hidden "<5" counts a reader could narrow below "1 to 4" (feasibleDomains): for example
 * an organisation of 17 with shown teams of 5 and 10 leaves two "<5" teams summing to 2, so both
 * are 1. The rule's promise is that a reader learns nothing beyond "fewer than 5", so every
 * value 1-4 of such a count must stay consistent with what is shown.
 */
export function smallCountsNarrowed(values: number[], mark: Array<SuppressionMark | null>, relations: Relation[], isCount?: boolean[], smallOrZero?: boolean[]): number[] {
  if (!mark.includes(SMALL_COUNT)) return [];
  const domains = feasibleDomains(values, mark, relations, isCount, smallOrZero);
  if (!domains) return [];
  const out: number[] = [];
  mark.forEach((m, i) => {
    if (m === SMALL_COUNT && !sameDomain(domains[i], [[smallOrZero?.[i] ? 0 : 1, SMALL_COUNT_THRESHOLD - 1]])) out.push(i);
  });
  return out;
}
