import { COMPLEMENT, DISCLOSURE_NOTE, isSmallCount, protectCounts, type Relation, SMALL_COUNT, type ShownCount, showCount } from '../export/disclosure.ts';
import type { CalibrationDto, CalibrationSummaryDto } from '../schemas/calibrations.ts';

/**
 * A calibration as a role without individual access (the board) may read it: the one disclosure
 * rule of issue 14 (src/services/disclosure-view.ts, src/export/disclosure.ts) applied to the
 * report of an SSDA903 calibration, which counts real children, not simulated ones.
 *
 * Counts (primary suppression, "<5" for 1 to 4): children, episodes, records and data rows read;
 * cleaning actions by code; transitions observed (a rate's `count`), entries into care by band,
 * starting placement, return year and age; within-state moves; the sample size of a row whose
 * unit is children (care-leaver-years, children having their 18th birthday, entries); the
 * backtest's children by state and by placement group, projected and actual, the naive benchmarks'
 * forecasts, its start population, entrants and children left out (vanished); entries into care
 * by band in the entry rates (with a population); children looked after on 31 March with a known
 * distance, over 20 miles and with none, by state and by return year (`distances`).
 * Person-months are not counts of children and are shown.
 *
 * Ties (complementary suppression, "c"), solved together so that no hidden count can be worked
 * out by subtraction: a row's transition counts sum to its sample size; entries by band sum to the
 * total, by starting placement to their band's count, by return year and by age to the total; an
 * entry-split row repeats its band's entries; the headline's entries repeat the total; a
 * backtest state's or group's projection is its actual count plus its error, and the overall
 * figures are the sums over the states and over the groups; a benchmark's total is the sum of its
 * groups' forecasts; the entry rates' entries repeat the band's entries.
 *
 * Figures computed from a hidden count read "c" as well, since the count could be worked back
 * from them: a rate's empirical value, its estimate and interval (the estimate shrinks the count
 * towards a published prior by a published weight), an entry rate and its interval, a share, a
 * row's prior share and concentration, a percentage error, a standard deviation, a sum of
 * absolute errors that includes a hidden one.
 *
 * Row-by-row cleaning actions (file, row, column) are withheld: they are about single records.
 * Free text (warnings, reasons a row was not calibrated) has its counts under 5 replaced by "<5".
 */

type Json = Record<string, unknown>;

/** A set of figures, their ties, and what to do with each once the rule has decided. */
class Figures {
  readonly values: number[] = [];
  readonly isCount: boolean[] = [];
  readonly relations: Relation[] = [];
  private readonly setters: Array<(shown: ShownCount) => void> = [];
  private readonly derived: Array<() => void> = [];
  private shown: ShownCount[] = [];

  /**
   * A figure at object[key]; counts are rounded to whole numbers when shown, other figures kept.
   * `exact`: a count-like figure (person-months) hidden as a count is but, when shown, kept as is.
   */
  add(object: Json, key: string, count: boolean, exact = false): number {
    const value = Number(object[key]);
    this.values.push(value);
    this.isCount.push(count);
    this.setters.push((shown) => {
      object[key] = typeof shown === 'number' && (!count || exact) ? value : shown;
    });
    return this.values.length - 1;
  }

  /** sum(parts) = total, added only when the figures as stored satisfy it. */
  relate(parts: number[], total: number): void {
    const sum = parts.reduce((a, i) => a + this.values[i], 0);
    if (parts.length > 0 && Math.abs(sum - this.values[total]) <= 1e-6 * Math.max(1, Math.abs(this.values[total]))) this.relations.push({ parts, total });
  }

  /** Two appearances of one figure. */
  same(a: number, b: number): void {
    if (this.values[a] === this.values[b]) this.relations.push({ parts: [a], total: b });
  }

  hidden(i: number): boolean {
    return typeof this.shown[i] !== 'number';
  }

  /** Runs after the rule has decided: hides what would reveal a hidden figure. */
  afterwards(fn: () => void): void {
    this.derived.push(fn);
  }

  solve(): void {
    // Independent groups of ties are solved apart: the solver's work grows with the cube of the
    // figures hidden in a group, and a report has hundreds of small groups.
    const parent = this.values.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    for (const r of this.relations) for (const i of r.parts) parent[find(i)] = find(r.total);
    const groups = new Map<number, number[]>();
    this.values.forEach((_, i) => {
      const root = find(i);
      groups.set(root, [...(groups.get(root) ?? []), i]);
    });
    const relationsOf = new Map<number, Relation[]>();
    for (const r of this.relations) relationsOf.set(find(r.total), [...(relationsOf.get(find(r.total)) ?? []), r]);
    this.shown = new Array<ShownCount>(this.values.length);
    for (const [root, members] of groups) {
      const local = new Map(members.map((i, k) => [i, k]));
      const at = (i: number) => local.get(i) as number;
      const result = protectCounts({
        values: members.map((i) => this.values[i]),
        isCount: members.map((i) => this.isCount[i]),
        relations: (relationsOf.get(root) ?? []).map((r) => ({ parts: r.parts.map(at), total: at(r.total) })),
      });
      members.forEach((i, k) => {
        this.shown[i] = result[k];
      });
    }
    this.setters.forEach((set, i) => {
      set(this.shown[i]);
    });
    for (const fn of this.derived) fn();
  }
}

/** Counts under 5 in free text: "1 move(s) to ..." reads "<5 move(s) to ...". Ages and years stay. */
export function protectText(text: string): string {
  return text.replace(/(?<![\w.,/-])(\d+)(?![\w.,/%-]|\s*(?:years?|months?|person-months?)\b)/g, (match, digits: string, offset: number) => {
    if (/\bage[sd]?\s*$/i.test(text.slice(0, offset))) return match;
    return isSmallCount(Number(digits)) ? SMALL_COUNT : match;
  });
}

function hideIf(object: Json, keys: string[], condition: boolean): void {
  if (!condition) return;
  for (const key of keys) if (key in object && object[key] !== null) object[key] = COMPLEMENT;
}

type RowKind = 'monthly' | 'age_transition' | 'care_leaver' | 'entry_split';

/** Adds one calibrated row (its sample size and transition counts) and what is computed from them. */
function addRow(figures: Figures, row: Json, kind: RowKind): { observations: number; counts: Map<string, number> } {
  // Care-leaver-years, 18th birthdays and entries are counts of children. Person-months are not,
  // but a row's count cannot exceed them, so 1-4 person-months would tell a count of 1-4
  // children beside its "<5": they are hidden as a count is (and otherwise shown exactly).
  const childUnit = kind !== 'monthly';
  const observations = figures.add(row, 'observations', true, !childUnit);
  const partial = typeof row.partialObservations === 'number' ? figures.add(row, 'partialObservations', childUnit) : undefined;
  const counts = new Map<string, number>();
  const rates = (row.rates as Json[] | undefined) ?? [];
  for (const rate of rates) counts.set(String(rate.to), figures.add(rate, 'count', true));
  figures.relate([...counts.values()], observations);
  figures.afterwards(() => {
    const sampleHidden = figures.hidden(observations) || (partial !== undefined && figures.hidden(partial));
    hideIf(row, ['priorShare', 'concentration'], figures.hidden(observations));
    for (const rate of rates) {
      const hidden = figures.hidden(counts.get(String(rate.to)) as number) || sampleHidden;
      hideIf(rate, ['empirical', 'estimate', 'lower', 'upper'], hidden);
    }
  });
  return { observations, counts };
}

/**
 * The calibration as the board reads it (see the comment at the top). `dto` is not changed.
 */
export function protectCalibration(dto: CalibrationDto): CalibrationDto {
  const out = structuredClone(dto) as unknown as Json;
  const figures = new Figures();
  const withheld: string[] = [];

  // What the import read and cleaned.
  const cleaning = out.cleaning as Json;
  for (const file of (cleaning.files as Json[]) ?? []) figures.add(file, 'rows', true);
  if (Array.isArray(cleaning.actions) && cleaning.actions.length > 0) {
    cleaning.actions = [];
    withheld.push('/cleaning/actions');
  }
  const protectCodeCounts = (counts: Json | undefined) => {
    for (const byOutcome of Object.values(counts ?? {}) as Json[]) for (const outcome of Object.keys(byOutcome)) figures.add(byOutcome, outcome, true);
  };
  protectCodeCounts(cleaning.counts as Json);
  const totals = cleaning.totals as Json;
  for (const key of ['children', 'episodes', 'oc3Records', 'openAtEnd']) if (key in totals) figures.add(totals, key, true);
  for (const key of ['shortBreaks', 'unobserved', 'sharedProvider']) {
    const part = totals[key] as Json | undefined;
    if (!part) continue;
    for (const field of ['children', 'episodes', 'entries']) if (field in part) figures.add(part, field, true);
    // Person-months of 1-4 would tell a count of 1-4 children: hidden as counts are.
    if (typeof part.personMonths === 'number') figures.add(part, 'personMonths', true, true);
  }
  if (Array.isArray(cleaning.warnings)) cleaning.warnings = (cleaning.warnings as string[]).map(protectText);

  // The calibration report.
  const report = out.report as Json;
  const rowFigures = new Map<string, { observations: number; counts: Map<string, number> }>();
  const kinds: Array<[string, RowKind]> = [
    ['rows', 'monthly'],
    ['ageTransitions', 'age_transition'],
    ['careLeavers', 'care_leaver'],
    ['entrySplits', 'entry_split'],
  ];
  for (const [key, kind] of kinds) {
    for (const row of (report[key] as Json[]) ?? []) rowFigures.set(`${kind}|${row.band}|${row.state}`, addRow(figures, row, kind));
  }

  const entries = report.entries as Json;
  const total = figures.add(entries, 'total', true);
  const bandCounts: number[] = [];
  const bandCountById = new Map<string, number>();
  for (const band of (entries.byBand as Json[]) ?? []) {
    const count = figures.add(band, 'count', true);
    bandCounts.push(count);
    bandCountById.set(String(band.band), count);
    const states = ((band.byState as Json[]) ?? []).map((s) => ({ s, i: figures.add(s, 'count', true) }));
    figures.relate(
      states.map((x) => x.i),
      count,
    );
    // An entry-split row repeats its band's entries and their split by starting placement.
    for (const [rowKey, row] of rowFigures) {
      const [kind, rowBand] = rowKey.split('|');
      if (kind !== 'entry_split' || rowBand !== band.band) continue;
      figures.same(row.observations, count);
      for (const { s, i } of states) {
        const split = row.counts.get(String(s.state));
        if (split !== undefined) figures.same(split, i);
      }
    }
    figures.afterwards(() => {
      hideIf(band, ['perMonth', 'lower', 'upper', 'per10000ChildrenPerYear'], figures.hidden(count));
      for (const { s, i } of states) hideIf(s, ['share'], figures.hidden(i) || figures.hidden(count));
    });
  }
  figures.relate(bandCounts, total);
  figures.relate(
    ((entries.byReturnYear as Json[]) ?? []).map((y) => figures.add(y, 'count', true)),
    total,
  );
  figures.relate(
    ((entries.byAge as Json[]) ?? []).map((a) => figures.add(a, 'count', true)),
    total,
  );

  for (const moves of (report.withinStateMoves as Json[]) ?? []) {
    const i = figures.add(moves, 'moves', true);
    const exposure = typeof moves.personMonths === 'number' ? figures.add(moves, 'personMonths', true, true) : undefined;
    figures.afterwards(() => hideIf(moves, ['estimate'], figures.hidden(i) || (exposure !== undefined && figures.hidden(exposure))));
  }
  // Shares placed more than 20 miles from home: children looked after on 31 March, by state and by
  // return year, with a known distance, over 20 miles, not known. A state's share (empirical and
  // calibrated: (k + w·p0)/(n + w), w and p0 published) gives its counts back, so it reads "c"
  // whenever a count it is computed from is hidden.
  const distances = report.distances as Json | undefined;
  if (distances) {
    const children = figures.add(distances, 'children', true);
    const over = figures.add(distances, 'over20Miles', true);
    const notKnown = figures.add(distances, 'notKnown', true);
    figures.add(distances, 'stateNotKnown', true);
    const states = ((distances.states as Json[]) ?? []).map((s) => {
      const n = figures.add(s, 'children', true);
      const k = figures.add(s, 'over20Miles', true);
      const within = figures.add(s, 'within20Miles', true);
      figures.relate([k, within], n);
      return { s, n, k, within, notKnown: figures.add(s, 'notKnown', true) };
    });
    figures.relate(
      states.map((x) => x.n),
      children,
    );
    figures.relate(
      states.map((x) => x.k),
      over,
    );
    figures.relate(
      states.map((x) => x.notKnown),
      notKnown,
    );
    const years = ((distances.byReturnYear as Json[]) ?? []).map((y) => ({ n: figures.add(y, 'children', true), k: figures.add(y, 'over20Miles', true), notKnown: figures.add(y, 'notKnown', true) }));
    for (const [key, total] of [['n', children], ['k', over], ['notKnown', notKnown]] as const) {
      figures.relate(
        years.map((y) => y[key]),
        total,
      );
    }
    figures.afterwards(() => {
      for (const x of states) hideIf(x.s, ['empirical', 'estimate'], figures.hidden(x.n) || figures.hidden(x.k) || figures.hidden(x.within));
    });
    if (typeof distances.note === 'string') distances.note = protectText(distances.note);
  }

  // The list of shrunk rows repeats their sample sizes.
  const shrunk = (report.shrunk as Json[]) ?? [];
  figures.afterwards(() => {
    for (const s of shrunk) {
      const row = rowFigures.get(`${s.kind}|${s.band}|${s.state}`);
      if (row && figures.hidden(row.observations)) {
        s.observations = COMPLEMENT;
        s.priorShare = COMPLEMENT;
      } else if (s.kind !== 'monthly') s.observations = showCount(Number(s.observations));
    }
  });
  for (const n of (report.notCalibrated as Json[]) ?? []) n.reason = protectText(String(n.reason));
  protectCodeCounts(report.cleaning as Json | undefined);
  const headline = report.headline as Json;
  figures.add(headline, 'children', true);
  if (typeof headline.personMonths === 'number') figures.add(headline, 'personMonths', true, true);
  figures.same(figures.add(headline, 'entries', true), total);

  // The backtest.
  const backtest = out.backtest as Json | null;
  if (backtest) {
    for (const key of ['startPopulation', 'expectedEntrants', 'actualEntrants']) figures.add(backtest, key, true);
    const fit = backtest.calibration as Json;
    for (const key of ['children', 'entries']) figures.add(fit, key, true);
    const tie = (object: Json) => {
      const actual = figures.add(object, 'actual', true);
      const error = figures.add(object, 'error', false);
      const projected = figures.add(object, 'projected', true);
      figures.relate([actual, error], projected);
      return { actual, error, projected };
    };
    const states = ((backtest.states as Json[]) ?? []).map((s) => ({ s, ...tie(s) }));
    const overall = backtest.overall as Json;
    const whole = tie(overall);
    figures.relate(
      states.map((x) => x.actual),
      whole.actual,
    );
    figures.relate(
      states.map((x) => x.projected),
      whole.projected,
    );
    figures.relate(
      states.map((x) => x.error),
      whole.error,
    );
    figures.afterwards(() => {
      let anyHidden = false;
      for (const x of [...states, { s: overall, ...whole }]) {
        const hidden = figures.hidden(x.actual) || figures.hidden(x.error) || figures.hidden(x.projected);
        anyHidden ||= hidden && x.s !== overall;
        hideIf(x.s, ['absoluteError', 'percentError'], hidden);
        hideIf(x.s, ['sd'], figures.hidden(x.projected));
      }
      // The sum of absolute errors over the states would give away a hidden one.
      hideIf(overall, ['sumAbsoluteError', 'wape'], anyHidden || figures.hidden(whole.actual));
      // The interval is simulated from the children at the start; whether it held the actual tells the actual.
      hideIf(overall, ['simulatedMean', 'predictiveSd', 'lower', 'upper'], figures.hidden(whole.projected));
      hideIf(overall, ['inInterval'], figures.hidden(whole.actual));
    });
    if (typeof backtest.vanished === 'number') figures.add(backtest, 'vanished', true);

    // Placement groups: children actual and projected, the naive forecasts (children counted the
    // year before), tied to the overall figures and to each benchmark's total.
    const groups = ((backtest.groups as Json[]) ?? []).map((g) => ({ g, ...tie(g), carried: figures.add(g, 'carriedForward', true), flows: figures.add(g, 'lastYearsFlows', true) }));
    if (groups.length > 0) {
      figures.relate(
        groups.map((x) => x.actual),
        whole.actual,
      );
      figures.relate(
        groups.map((x) => x.projected),
        whole.projected,
      );
    }
    const benchmarks = ((backtest.benchmarks as Json[]) ?? []).map((b) => {
      const total = figures.add(b, 'total', true);
      const parts = groups.map((x) => (b.method === 'carried_forward' ? x.carried : x.flows));
      if (parts.length > 0) figures.relate(parts, total);
      return { b, total, parts };
    });
    figures.afterwards(() => {
      let anyGroupHidden = false;
      for (const x of groups) {
        const hidden = figures.hidden(x.actual) || figures.hidden(x.error) || figures.hidden(x.projected);
        anyGroupHidden ||= hidden || figures.hidden(x.carried) || figures.hidden(x.flows);
        hideIf(x.g, ['absoluteError'], hidden);
        hideIf(x.g, ['lower', 'upper'], figures.hidden(x.projected));
      }
      // Summed absolute errors over the groups would give away a hidden group's figures.
      hideIf(overall, ['groupError'], anyGroupHidden || figures.hidden(whole.actual));
      for (const x of benchmarks) hideIf(x.b, ['groupError'], anyGroupHidden || figures.hidden(x.total) || x.parts.some((i) => figures.hidden(i)));
      // Which forecast did better compares the group errors: withheld with them.
      if (typeof backtest.verdict === 'string' && (overall.groupError === COMPLEMENT || benchmarks.some((x) => x.b.groupError === COMPLEMENT))) {
        backtest.verdict = 'Which forecast did better (the model or a naive benchmark) is withheld under the disclosure rule: the group errors it compares are hidden.';
      }
    });
  }

  // Entry rates by band (with a population): the entries are children; every rate is computed from them.
  const entryRates = report.entryRates as Json | undefined;
  if (entryRates) {
    const rateBands = ((entryRates.byBand as Json[]) ?? []).map((band) => {
      const i = figures.add(band, 'entries', true);
      // The same entries as the band's count above, when they agree: hidden together.
      const count = bandCountById.get(String(band.band));
      if (count !== undefined) figures.same(i, count);
      return { band, i };
    });
    figures.afterwards(() => {
      let anyHidden = false;
      for (const { band, i } of rateBands) {
        const hidden = figures.hidden(i);
        anyHidden ||= hidden;
        hideIf(band, ['per10000PerYear', 'lower', 'upper', 'model', 'priorShare', 'scale'], hidden);
      }
      // One multiplier's sd is 1/sqrt(total entries + weight): it gives away their sum.
      hideIf(entryRates, ['multiplierSd'], anyHidden || figures.hidden(total));
    });
  }

  figures.solve();
  out.disclosure = { note: DISCLOSURE_NOTE.replace('Counts are means and percentiles of simulated numbers of children, rounded to whole children.', 'Counts are rounded to whole numbers.'), withheld };
  return out as unknown as CalibrationDto;
}

/** A calibration's summary, cut from the protected report, so the list and the report agree. */
export function protectedSummary(summary: CalibrationSummaryDto, protectedReport: CalibrationDto): CalibrationSummaryDto {
  return {
    ...summary,
    headline: protectedReport.report.headline,
    cleaningCounts: protectedReport.cleaning.counts,
    backtest: protectedReport.backtest ? { year: protectedReport.backtest.year, overall: protectedReport.backtest.overall } : null,
    disclosure: { note: protectedReport.disclosure?.note ?? DISCLOSURE_NOTE },
  };
}

/** The source key a calibration adds to the model it publishes (src/calibration/calibrate.ts). */
const CALIBRATION_SOURCE = 'ssda903_calibration';

/** What getModel says, in the model's description, when a calibrated model's rates are withheld. */
export const MODEL_WITHHELD_NOTE =
  'Withheld under the disclosure rule (roles without individual access): this model was calibrated from counts of real children, and its rates with their pseudo-counts would let counts under 5 be worked back (a rate is the count plus the prior’s pseudo-count over the person-months plus the prior weight, all published). The rates are shown, with small counts suppressed, in the calibration report (getCalibrationReport); scenario runs use the model in full.';

/**
 * A calibrated cost model as a role without individual access (the board) may read it. A rate
 * estimated from the returns is (count + weight × prior rate) / (exposure + weight), the prior and
 * weight are published and the exposure (person-months) is shown in the report, so a rate at any
 * usable precision gives the count back; rounding would not protect a row with many months, so
 * every figure estimated from the returns is withheld rather than coarsened:
 *   - `transitions` (left empty), `ageTransitions` (leaving care at 18, counts of birthdays);
 *   - `rateUncertainty.rowConcentration` (observed person-months or children plus the prior);
 *   - each state's `withinStatePlacementMoves` (moves over months, shrunk the same way);
 *   - each state's `distanceOver20Miles` calibrated from the returns (children placed more than
 *     20 miles over children counted on 31 March, shrunk toward the prior's share; distance.ts);
 *   - rate factors sourced from the calibration (the entry rate's sd is 1/√(entries + weight));
 * and counts under 5 in the calibration source's free text read "<5". The description says
 * what is withheld and where the rates are shown under the rule (the calibration report).
 * Models not calibrated (no `ssda903_calibration` source) hold no counts of children and are
 * returned unchanged. `spec` is not changed.
 */
export function protectModel<M extends { description?: string; sources: Record<string, unknown> }>(spec: M): M {
  if (!(CALIBRATION_SOURCE in spec.sources)) return spec;
  const out = structuredClone(spec) as unknown as Json & { sources: Record<string, Json>; description?: string };
  const withheld: string[] = [];
  out.transitions = {};
  withheld.push('/transitions');
  if ('ageTransitions' in out) {
    delete out.ageTransitions;
    withheld.push('/ageTransitions');
  }
  const uncertainty = out.rateUncertainty as Json | undefined;
  if (uncertainty && 'rowConcentration' in uncertainty) {
    delete uncertainty.rowConcentration;
    withheld.push('/rateUncertainty/rowConcentration');
  }
  ((out.states as Json[] | undefined) ?? []).forEach((state, i) => {
    if ('withinStatePlacementMoves' in state) {
      delete state.withinStatePlacementMoves;
      withheld.push(`/states/${i}/withinStatePlacementMoves`);
    }
    // A share placed more than 20 miles calibrated from the returns is (k + w·p0)/(n + w) with w
    // and p0 published: it gives back how many children were placed far. The prior's (national)
    // shares are kept.
    const distance = state.distanceOver20Miles as Json | undefined;
    if (distance && distance.source === CALIBRATION_SOURCE) {
      delete state.distanceOver20Miles;
      withheld.push(`/states/${i}/distanceOver20Miles`);
    }
  });
  if (Array.isArray(out.rateFactors)) {
    const kept = (out.rateFactors as Json[]).filter((f) => f.source !== CALIBRATION_SOURCE);
    if (kept.length < out.rateFactors.length) withheld.push('/rateFactors (calibrated)');
    if (kept.length > 0) out.rateFactors = kept;
    else delete out.rateFactors;
  }
  const source = out.sources[CALIBRATION_SOURCE];
  for (const key of ['title', 'note']) if (typeof source[key] === 'string') source[key] = protectText(source[key] as string);
  out.description = `${out.description ? `${out.description} ` : ''}${MODEL_WITHHELD_NOTE} Withheld: ${withheld.join(', ')}.`;
  return out as unknown as M;
}
