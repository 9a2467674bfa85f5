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
  const mark: Array<SuppressionMark | null> = values.map((v, i) => ((input.isCount?.[i] ?? true) && isSmallCount(v) ? SMALL_COUNT : null));
  const hidden = (i: number) => mark[i] !== null;

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
        const members = [...relation.parts, relation.total];
        if (members.filter(hidden).length === 1 && hideSecond(relation)) changed = true;
      }
    }
    const determined = derivableFigures(values, mark.map((m) => m !== null), relations);
    if (determined.length === 0) break;
    // Hide one more figure in a relation that pins the first determined figure, and look again.
    // (Failing that, in any relation with a figure still shown that touches a hidden one: each
    // pass hides one more figure, so this ends.)
    const target = determined[0];
    const members = (r: Relation) => [...r.parts, r.total];
    const relation =
      relations.find((r) => members(r).includes(target) && members(r).some((i) => !hidden(i))) ??
      relations.find((r) => members(r).some(hidden) && members(r).some((i) => !hidden(i)));
    if (!relation) break;
    const visible = members(relation).filter((i) => !hidden(i)).sort((a, b) => Math.abs(values[a]) - Math.abs(values[b]) || a - b);
    mark[visible.find((i) => values[i] !== 0) ?? visible[0]] = COMPLEMENT;
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
  const unknowns = values.map((_, i) => i).filter((i) => hidden[i]);
  if (unknowns.length === 0) return [];
  const column = new Map(unknowns.map((i, k) => [i, k]));
  const rows: number[][] = [];
  for (const relation of relations) {
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
  const eps = 1e-9;
  const pivots: number[] = [];
  let r = 0;
  for (let c = 0; c < unknowns.length && r < rows.length; c++) {
    let best = -1;
    for (let i = r; i < rows.length; i++) if (Math.abs(rows[i][c]) > eps && (best < 0 || Math.abs(rows[i][c]) > Math.abs(rows[best][c]))) best = i;
    if (best < 0) continue;
    [rows[r], rows[best]] = [rows[best], rows[r]];
    const p = rows[r][c];
    for (let j = 0; j < unknowns.length; j++) rows[r][j] /= p;
    for (let i = 0; i < rows.length; i++) {
      if (i === r || Math.abs(rows[i][c]) <= eps) continue;
      const f = rows[i][c];
      for (let j = 0; j < unknowns.length; j++) rows[i][j] -= f * rows[r][j];
    }
    pivots.push(c);
    r++;
  }
  const out: number[] = [];
  pivots.forEach((c, row) => {
    const alone = rows[row].every((x, j) => j === c || Math.abs(x) <= eps);
    if (alone) out.push(unknowns[c]);
  });
  return out.sort((a, b) => a - b);
}
