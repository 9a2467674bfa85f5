import t, { type Test } from 'tap';
import { calibrate, countWindow, originShares, type WindowCounts } from '../../src/calibration/calibrate.ts';
import { dayNumber, returnYearEndDay, returnYearStartDay } from '../../src/calibration/dates.ts';
import { buildHistories } from '../../src/calibration/history.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { DEFAULT_MAPPING } from '../../src/calibration/mapping.ts';
import { DESTINATION_FLOOR, posteriorFromPseudoCounts, priorPseudoCounts, rateInterval, tidyRow } from '../../src/calibration/shrinkage.ts';
import { syntheticModel } from '../../src/calibration/synthetic-authority.ts';

/**
 * countWindow (src/calibration/calibrate.ts) worked by hand on nine made-up children over the
 * 2023, 2024 and 2025 returns, counted over the 2024 return year (1 April 2023 to 31 March 2024:
 * month starts April 2023 to March 2024 are origins, April 2024 only a destination, and an entry
 * counts in the window when the month start after it lies in May 2023 ... April 2024). Every cell,
 * entry, exposure and move is asserted exactly (fractions from the shares of a foster placement
 * with no provider, to 1e-12). Aimed at the mutants MUTATION-SURVIVORS.md lists for lines
 * 257-328: the entry test (cameFromOutside, `month > startMonth`), the shares of a placement of
 * unknown kind, the followed months, `counted`/`children`, exposures and moves by date.
 */

const prior = syntheticModel();
const close = (t: Test, actual: number | undefined, expected: number, tol: number, msg: string) =>
  t.ok(actual !== undefined && Math.abs(actual - expected) <= tol, `${msg}: ${actual} vs ${expected} (±${tol})`);
const EPISODES = 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE';

interface Ep {
  start: string;
  end: string | null;
  rec?: string;
  place: string;
  provider: string;
  rne?: string;
}
interface Kid {
  id: string;
  dob: string;
  episodes: Ep[];
}

const day = (text: string) => {
  const [y, m, d] = text.split('-').map(Number);
  return dayNumber(y, m, d);
};
const uk = (text: string) => {
  const [y, m, d] = text.split('-');
  return `${d}/${m}/${y}`;
};

/** The returns a local authority would send for these children: each episode in every year it spans, open (no DEC) where it ends later. */
function files(kids: Kid[], years: number[]) {
  const out: { name: string; buffer: Buffer }[] = [];
  for (const year of years) {
    const from = returnYearStartDay(year);
    const to = returnYearEndDay(year);
    const episodes = [EPISODES];
    const header = ['CHILD,SEX,DOB,ETHNIC'];
    for (const k of kids) {
      let present = false;
      for (const e of k.episodes) {
        if (day(e.start) > to || (e.end !== null && day(e.end) < from)) continue;
        present = true;
        const closed = e.end !== null && day(e.end) <= to;
        episodes.push(`${k.id},${uk(e.start)},${e.rne ?? 'S'},C2,N1,${e.place},${e.provider},${closed ? uk(e.end!) : ''},${closed ? e.rec : ''},${closed && e.rec === 'X1' ? 'CARPL' : ''}`);
      }
      if (present) header.push(`${k.id},1,${uk(k.dob)},WBRI`);
    }
    out.push({ name: `${year}-episodes.csv`, buffer: Buffer.from(`${episodes.join('\r\n')}\r\n`) });
    out.push({ name: `${year}-header.csv`, buffer: Buffer.from(`${header.join('\r\n')}\r\n`) });
  }
  return out;
}

const kin = { place: 'U3', provider: 'PR1' };
const res = { place: 'K2', provider: 'PR4' };
const ifa = { place: 'U6', provider: 'PR4' };
/** A foster placement with no provider: in-house or agency, in unknown shares. */
const foster = { place: 'U6', provider: '' };

/**
 * A (born June 2010, 12-13): kinship from 1 Feb 2023, open, with a change of carer (X1, RNE P) on
 *   10 Mar 2023, 10 Apr 2023 and 15 Apr 2024: only the April 2023 move is in the window.
 * B (born Jan 2012, 11): foster of unknown kind from 15 Mar 2023, home (E4A) on 20 May 2023,
 *   followed as returned home June-September, back into care (residential) 10 Sep 2023, open.
 * C (born June 2009, 13-14): residential from 1 Feb 2023, home (E3) 10 Jun 2023 (July: the exit's
 *   destination only), kinship 20 Jul-10 Oct 2023, home (E3) again (November: destination only,
 *   December unobserved), kinship from 20 Dec 2023, open.
 * K (born Jan 2011, 12): kinship from 1 Feb 2023, home (E3) 5 May 2023, residential from 20 May
 *   2023, open: a new period of care, but the month start before it (1 May) was in care, so no entry.
 * E (born Jan 2012, 11): foster of unknown kind from 10 Jun 2023, agency foster (X1, RNE P) from
 *   20 Aug 2023, open.
 * F (born June 2008, 14-15): residential from 1 Mar 2023, youth custody (E9) 15 May 2023,
 *   followed there to the end.
 * G (born Sep 2005): residential from 1 Jan 2023, left for supported lodgings (E5) on the 18th
 *   birthday, 15 Sep 2023: the September month is an age transition.
 * H (born Oct 2005): residential from 1 Mar 2023, home (E4A) 5 Oct 2023, before the 18th birthday
 *   in the same month: a monthly row's move, not an age transition.
 * I (born 2012): in care (residential) 1 Jan 2022-10 Feb 2023: nothing in the window.
 * J (born June 2016, 7): kinship from 10 Mar 2024, open: an entry in the window (its first month
 *   start is 1 April 2024), but no month counted.
 */
const KIDS: Kid[] = [
  {
    id: '500001',
    dob: '2010-06-15',
    episodes: [
      { start: '2023-02-01', end: '2023-03-10', rec: 'X1', ...kin },
      { start: '2023-03-10', end: '2023-04-10', rec: 'X1', ...kin, rne: 'P' },
      { start: '2023-04-10', end: '2024-04-15', rec: 'X1', ...kin, rne: 'P' },
      { start: '2024-04-15', end: null, ...kin, rne: 'P' },
    ],
  },
  {
    id: '500002',
    dob: '2012-01-15',
    episodes: [
      { start: '2023-03-15', end: '2023-05-20', rec: 'E4A', ...foster },
      { start: '2023-09-10', end: null, ...res },
    ],
  },
  {
    id: '500003',
    dob: '2009-06-15',
    episodes: [
      { start: '2023-02-01', end: '2023-06-10', rec: 'E3', ...res },
      { start: '2023-07-20', end: '2023-10-10', rec: 'E3', ...kin },
      { start: '2023-12-20', end: null, ...kin },
    ],
  },
  {
    id: '500004',
    dob: '2011-01-15',
    episodes: [
      { start: '2023-02-01', end: '2023-05-05', rec: 'E3', ...kin },
      { start: '2023-05-20', end: null, ...res },
    ],
  },
  {
    id: '500005',
    dob: '2012-01-15',
    episodes: [
      { start: '2023-06-10', end: '2023-08-20', rec: 'X1', ...foster },
      { start: '2023-08-20', end: null, ...ifa, rne: 'P' },
    ],
  },
  { id: '500006', dob: '2008-06-15', episodes: [{ start: '2023-03-01', end: '2023-05-15', rec: 'E9', ...res }] },
  { id: '500007', dob: '2005-09-15', episodes: [{ start: '2023-01-01', end: '2023-09-15', rec: 'E5', ...res }] },
  { id: '500008', dob: '2005-10-15', episodes: [{ start: '2023-03-01', end: '2023-10-05', rec: 'E4A', ...res }] },
  { id: '500009', dob: '2012-03-15', episodes: [{ start: '2022-01-01', end: '2023-02-10', rec: 'E3', ...res }] },
  { id: '500010', dob: '2016-06-15', episodes: [{ start: '2024-03-10', end: null, ...kin }] },
];

const plain = (m: Map<unknown, unknown>): unknown =>
  Object.fromEntries([...m].map(([k, v]) => [String(k), v instanceof Map ? plain(v) : v]));
/** Numbers to 1e-12 (shares of a placement of unknown kind are fractions), for t.same. */
const round = (x: unknown): unknown =>
  typeof x === 'number' ? Math.round(x * 1e12) / 1e12 : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, round(v)])) : x;
const view = (c: WindowCounts) =>
  round({
    cells: plain(c.cells),
    ageCells: plain(c.ageCells),
    entries: plain(c.entries),
    entriesByAge: plain(c.entriesByAge),
    entriesByYear: plain(c.entriesByYear),
    moves: plain(c.moves),
    exposure: plain(c.exposure),
    children: c.children,
    months: c.months,
  });
const cell = (months: number, counts: Record<string, number>, partialMonths = 0, partialCounts: Record<string, number> = {}) => ({ months, counts, partialMonths, partialCounts });

const imported = () => importSsda903(files(KIDS, [2023, 2024, 2025]), { pseudonymKey: 'k' });

t.test('the 2024 window counted by hand: cells, age cells, entries, exposure, moves, children', async (t: Test) => {
  const data = await imported();
  t.equal(data.episodes.length, 18, 'every episode imported (A 4, B 2, C 3, K 2, E 2, the others 1)');
  const histories = buildHistories(data, DEFAULT_MAPPING, prior);
  // K's month before its new period is kinship, the first target registered (A's, index 0): `targets[k − 1] < 0` is not `<= 0`.
  t.same(histories.targets[0], { states: ['kinship_foster'] });
  // Shares of a foster placement of unknown kind at 11 (band 10-15): the prior's entries into each.
  const [sIfa, sIn] = originShares(prior, '10-15', ['ifa_foster', 'inhouse_foster']);
  t.ok(sIfa > 0 && sIn > 0 && Math.abs(sIfa - sIn) > 0.05, `unequal shares ${sIfa}, ${sIn}`);
  const counts = countWindow(histories, prior, { fromYear: 2024, toYear: 2024 });
  t.same(
    view(counts),
    round({
      cells: {
        '10-15': {
          // A: 12 months, kinship to kinship. C: Aug-Oct (Oct → home) and Jan-Mar (Mar → Apr in care). K: April, May (→ residential).
          kinship_foster: cell(20, { kinship_foster: 18, home: 1, residential: 1 }),
          // B: April and May of unknown kind (April stays, May → returned home), in the prior's shares.
          // E: July (stays) and August (→ agency foster) of unknown kind, then September-March agency.
          ifa_foster: cell(4 * sIfa + 7, { ifa_foster: 3 * sIfa + 7, returned_home: sIfa }),
          inhouse_foster: cell(4 * sIn, { inhouse_foster: 2 * sIn, returned_home: sIn, ifa_foster: sIn }),
          // B: June-September followed at home (partly observed): the return in October is seen.
          returned_home: cell(0, {}, 4, { residential: 1 }),
          // C: April-June (June → home). B: October-March. F: April, May (May → custody). K: June-March.
          residential: cell(21, { residential: 19, home: 1, youth_custody: 1 }),
          // F: June-March followed in custody; staying in custody is a care state's staying.
          youth_custody: cell(0, {}, 10, { youth_custody: 10 }),
        },
        // G: April-August; H: April-October (October → home before the 18th birthday).
        '16-17': { residential: cell(12, { residential: 11, returned_home: 1 }) },
      },
      // G's September: the 18th birthday in care, leaving for supported lodgings (age transition 1: residential...).
      ageCells: { 1: cell(1, { supported_lodgings: 1 }) },
      // C twice from outside (after a month of an exit's destination, and after an unobserved month),
      // E at 11 in the prior's shares; J at 7. Not: A, B, C's first (before the window or in its first month),
      // B's return from a followed month, K's new period straight after a month in care.
      entries: { '10-15': { kinship_foster: 2, ifa_foster: sIfa, inhouse_foster: sIn }, '5-9': { kinship_foster: 1 } },
      entriesByAge: { 14: { kinship_foster: 2 }, 11: { ifa_foster: sIfa, inhouse_foster: sIn }, 7: { kinship_foster: 1 } },
      // J's entry (10 March 2024, first month April 2024) is of the 2024 return.
      entriesByYear: { 2024: 4 },
      moves: { kinship_foster: 1 },
      // Months in care at a month start, April to March: kinship A 12 + C 6 + K 2; residential C 3 + B 6 + K 10 + F 2 + G 6 + H 7.
      exposure: { kinship_foster: 20, ifa_foster: 4 * sIfa + 7, inhouse_foster: 4 * sIn, residential: 34 },
      // A, B, C, K, E, F, G, H: not I (nothing in the window) nor J (only April 2024, a destination).
      children: 8,
      months: 12,
    }),
  );
});

t.test('the last window (2025): the data end is the window end; an entry in the first month start is the year before’s', async (t) => {
  // Kills `h.firstMonth + h.targets.length - 1` → `+ 1` or without `- 1` (past the data end) and
  // `month > startMonth` → `>=` (J's entry, first month April 2024, belongs to 2024).
  const histories = buildHistories(await imported(), DEFAULT_MAPPING, prior);
  const counts = countWindow(histories, prior, { fromYear: 2025, toYear: 2025 });
  // April 2024 to March 2025 in care: A kinship 12 (the April 2024 move), B and K residential 12
  // each, C kinship 12, E agency 12, J kinship 12; F followed in custody (no exposure). G, H, I: none.
  t.same(view(counts), {
    ...(view(counts) as object),
    entries: {},
    entriesByAge: {},
    entriesByYear: {},
    moves: { kinship_foster: 1 },
    exposure: { kinship_foster: 36, residential: 24, ifa_foster: 12 },
    children: 7,
    months: 12,
  });
  // F turns 16 in June 2024: April-June followed at 15 (10-15), July-March at 16 (16-17).
  t.same((view(counts) as { cells: unknown }).cells, {
    '10-15': {
      kinship_foster: cell(24, { kinship_foster: 24 }),
      residential: cell(24, { residential: 24 }),
      ifa_foster: cell(12, { ifa_foster: 12 }),
      youth_custody: cell(0, {}, 3, { youth_custody: 3 }),
    },
    '5-9': { kinship_foster: cell(12, { kinship_foster: 12 }) },
    '16-17': { youth_custody: cell(0, {}, 9, { youth_custody: 9 }) },
  });
});

t.test('a placement of unknown kind whose prior share is 0 leaves no trace of that state', async (t) => {
  // Kills `share === 0` → false (a cell and an exposure of 0 would be made for in-house foster care)
  // and `share === undefined || …` → `&&`.
  const noInhouse = structuredClone(prior);
  for (const s of noInhouse.states) if (s.category !== 'looked_after') delete noInhouse.transitions['10-15'][s.id]?.inhouse_foster;
  t.same(originShares(noInhouse, '10-15', ['ifa_foster', 'inhouse_foster']), [1, 0]);
  const counts = countWindow(buildHistories(await imported(), DEFAULT_MAPPING, noInhouse), noInhouse, { fromYear: 2024, toYear: 2024 });
  const v = view(counts) as { cells: Record<string, Record<string, unknown>>; exposure: unknown; entries: unknown };
  // B: April, May agency (May → returned home); E: July, August agency of unknown kind, then seven months.
  t.same(v.cells['10-15'].ifa_foster, cell(11, { ifa_foster: 10, returned_home: 1 }));
  t.notOk('inhouse_foster' in v.cells['10-15'], 'no in-house cell');
  t.same(v.exposure, { kinship_foster: 20, ifa_foster: 11, residential: 34 });
  // Entries are split as they are (a share of 0 is an entry count of 0).
  t.same(v.entries, { '10-15': { kinship_foster: 2, ifa_foster: 1, inhouse_foster: 0 }, '5-9': { kinship_foster: 1 } });
});

/** Every state an exit before 18 maps to, from the mapping (what a fully observed month can show). */
const exitStatesUnder18 = new Set(Object.values(DEFAULT_MAPPING.exits).flatMap((r) => (r.under18 === null ? [] : Array.isArray(r.under18) ? r.under18 : [r.under18])));
const exitStatesFrom18 = new Set(Object.values(DEFAULT_MAPPING.exits).flatMap((r) => (r.from18 === null ? [] : Array.isArray(r.from18) ? r.from18 : [r.from18])));

t.test('monthly rows of the 2024 window: observations, prior weight and share, concentration, rates, intervals, revealed', async (t: Test) => {
  // Kills the report's fields (lines 448-467), rowReport (474-505), the monthly rows' learnable set,
  // exposures n (care states) or fully observed months (other revealable states), concentration n + A
  // and its rounding, the shrunk list, and the headline's person-months.
  const data = await imported();
  const histories = buildHistories(data, DEFAULT_MAPPING, prior);
  const careStates = ['kinship_foster', 'inhouse_foster', 'ifa_foster', 'residential', 'secure_home', 'supported_accommodation', 'placed_for_adoption', 'placed_with_parents', 'other_placement', 'youth_custody'];
  t.same([...histories.careStates].sort(), [...careStates].sort(), 'the states a placement maps to');
  t.same([...exitStatesUnder18].sort(), ['adopted', 'home', 'independent_eet', 'independent_neet', 'returned_home', 'sgo', 'supported_lodgings', 'youth_custody'].filter((s) => exitStatesUnder18.has(s)).sort());
  const [sIfa, sIn] = originShares(prior, '10-15', ['ifa_foster', 'inhouse_foster']);
  const { model, report } = calibrate(data, { priorModel: prior, referenceWindow: { fromYear: 2024, toYear: 2024 }, shrinkThreshold: 12 });
  t.same(
    { ...report, rows: undefined, ageTransitions: undefined, careLeavers: undefined, entrySplits: undefined, entries: undefined, entryRates: undefined, withinStateMoves: undefined, distances: undefined, shrunk: undefined, notCalibrated: undefined, cleaning: undefined, headline: undefined },
    {
      window: { fromYear: 2024, toYear: 2024, months: 12 },
      prior: { id: 'synthetic-truth', version: '1.0.0' },
      mapping: { id: DEFAULT_MAPPING.id, version: DEFAULT_MAPPING.version },
      priorWeight: 60,
      ageTransitionPriorWeight: 4,
      careLeaverPriorWeight: 10,
      intervalLevel: 0.9,
      shrinkThreshold: 12,
    },
  );
  // By hand (the first test): [band, state, fully observed months, partly observed months, counts].
  const expected: [string, string, number, number, Record<string, number>][] = [
    ['10-15', 'kinship_foster', 20, 0, { kinship_foster: 18, home: 1, residential: 1 }],
    ['10-15', 'inhouse_foster', 4 * sIn, 0, { inhouse_foster: 2 * sIn, returned_home: sIn, ifa_foster: sIn }],
    ['10-15', 'ifa_foster', 4 * sIfa + 7, 0, { ifa_foster: 3 * sIfa + 7, returned_home: sIfa }],
    ['10-15', 'returned_home', 0, 4, { residential: 1 }],
    ['10-15', 'residential', 21, 0, { residential: 19, home: 1, youth_custody: 1 }],
    ['10-15', 'youth_custody', 0, 10, { youth_custody: 10 }],
    ['16-17', 'residential', 12, 0, { residential: 11, returned_home: 1 }],
  ];
  const key = (band: string, state: string) => `${band} ${state}`;
  t.same(report.rows.map((r) => key(r.band, r.state)).sort(), expected.map(([b, s]) => key(b, s)).sort(), 'one row per cell');
  let personMonths = 0;
  for (const [band, state, months, partial, counts] of expected) {
    const r = report.rows.find((x) => x.band === band && x.state === state)!;
    const n = months + partial;
    personMonths += n;
    const ages = prior.ageBands.find((b) => b.id === band)!;
    const present = (s: string) => {
      const spec = prior.states.find((x) => x.id === s)!;
      return Math.max(spec.minAgeYears ?? 0, ages.fromYears) < Math.min(spec.maxAgeYears ?? Infinity, ages.toYears);
    };
    const learnable = new Set([...careStates, ...(months > 0 ? exitStatesUnder18 : [])].filter((s) => s !== state && present(s)));
    const priorRow = prior.transitions[band][state];
    const alpha = priorPseudoCounts(priorRow, 60, learnable, state, DESTINATION_FLOOR);
    const A = Object.values(alpha).reduce((a, b) => a + b, 0);
    const full = partial === 0 ? counts : {};
    const part = partial === 0 ? {} : counts;
    const row = tidyRow(posteriorFromPseudoCounts(alpha, { months, counts: full, partialMonths: partial, partialCounts: part, observable: histories.careStates }, state), new Set([...Object.keys(priorRow), ...learnable]));
    const label = key(band, state);
    t.same(model.transitions[band][state], row, `${label}: the posterior row`);
    close(t, r.observations, n, 1e-12, `${label}: observations`);
    t.equal(r.partialObservations, partial, `${label}: partly observed`);
    t.equal(r.units, 'person-months');
    close(t, r.priorWeight, A, 1e-12, `${label}: prior pseudo-count`);
    close(t, r.priorShare, A / (n + A), 1e-12, `${label}: prior share`);
    close(t, r.concentration, n + A, 1e-9, `${label}: concentration`);
    t.equal(model.rateUncertainty?.rowConcentration?.[band]?.[state], Math.round((n + A) * 1000) / 1000, `${label}: row concentration to 1e-3`);
    t.equal(r.shrunk, n < 12, `${label}: shrunk below 12`);
    t.same(r.rates.map((x) => x.to).sort(), Object.keys(row).sort(), `${label}: a rate per destination`);
    for (const rate of r.rates) {
      const count = counts[rate.to] ?? 0;
      close(t, rate.count, count, 1e-12, `${label} → ${rate.to}: count`);
      t.equal(rate.estimate, row[rate.to]);
      if (n > 0) close(t, rate.empirical ?? Number.NaN, count / n, 1e-12, `${label} → ${rate.to}: empirical`);
      const seen = rate.to === state ? undefined : histories.careStates.has(rate.to) ? n : learnable.has(rate.to) ? months : undefined;
      t.equal(rate.revealed, seen !== undefined || rate.to === state, `${label} → ${rate.to}: revealed`);
      const { lower, upper } = rateInterval(row[rate.to], n + A, 0.9, seen === undefined ? undefined : { count: rate.count, exposures: seen });
      close(t, rate.lower, lower, 1e-9, `${label} → ${rate.to}: lower`);
      close(t, rate.upper, upper, 1e-9, `${label} → ${rate.to}: upper`);
    }
  }
  // Returned home, 4 months followed: never into agency foster care, a care state, so seen in all 4 (not 0 fully observed).
  const rh = report.rows.find((x) => x.state === 'returned_home')!.rates.find((x) => x.to === 'ifa_foster')!;
  close(t, rh.upper, 1 - 0.1 ** (1 / 4), 1e-12, 'the exact bound for 0 in 4');
  // Kinship, 20 months fully observed: never adopted (an exit the return shows): the bound for 0 in 20.
  const adopted = report.rows.find((x) => x.state === 'kinship_foster')!.rates.find((x) => x.to === 'adopted')!;
  t.same([adopted.count, adopted.revealed, adopted.lower], [0, true, 0]);
  t.ok(adopted.upper >= 1 - 0.1 ** (1 / 20) - 1e-12, 'at least the exact bound for 0 in 20');
  t.equal(report.headline.personMonths, Math.round(personMonths * 1e9) / 1e9);
  t.equal(report.headline.personMonths, 78, '74 + 4 months of unknown kind');
  // Shrunk below 12 person-months: in-house (1.6), agency (8.6), returned home (4), custody (10).
  t.same(
    report.shrunk.filter((s) => s.kind === 'monthly').map((s) => [s.band, s.state, Math.round(s.observations * 1e9) / 1e9]),
    [
      ['10-15', 'inhouse_foster', Math.round(4 * sIn * 1e9) / 1e9],
      ['10-15', 'ifa_foster', Math.round((4 * sIfa + 7) * 1e9) / 1e9],
      ['10-15', 'returned_home', 4],
      ['10-15', 'youth_custody', 10],
    ].sort((a, b) => report.rows.findIndex((r) => r.band === a[0] && r.state === a[1]) - report.rows.findIndex((r) => r.band === b[0] && r.state === b[1])),
  );
  for (const s of report.shrunk.filter((x) => x.kind === 'monthly')) t.equal(s.priorShare, report.rows.find((r) => r.band === s.band && r.state === s.state)!.priorShare);
});

t.test('the age transition at 18: one birthday in care, weighed in birthdays; the rows not seen are reported', async (t: Test) => {
  // Kills the age transitions' loop (lines 568-602): the `cell.months === 0` skip and its
  // `atAgeYears <= 18` report, the learnable exits at 18, the shortest interval, `shrunk` and its list.
  const data = await imported();
  const run = (options: Record<string, unknown> = {}) => calibrate(data, { priorModel: prior, referenceWindow: { fromYear: 2024, toYear: 2024 }, ...options });
  const { model, report } = run();
  const spec = prior.ageTransitions![1];
  const from = ['residential', 'supported_accommodation', 'secure_home'];
  t.same(spec.from, from);
  const learnable = new Set([...exitStatesFrom18].filter((s) => !from.includes(s) && (prior.states.find((x) => x.id === s)!.minAgeYears ?? 0) <= 18 && (prior.states.find((x) => x.id === s)!.maxAgeYears ?? 99) > 18));
  const alpha = priorPseudoCounts(spec.to, 4, learnable, 'residential', DESTINATION_FLOOR);
  const A = Object.values(alpha).reduce((a, b) => a + b, 0);
  const row = tidyRow(posteriorFromPseudoCounts(alpha, { months: 1, counts: { supported_lodgings: 1 } }, 'residential'), new Set([...Object.keys(spec.to), ...learnable]));
  t.same(model.ageTransitions![1].to, row, 'G’s birthday: the posterior row');
  t.same(model.ageTransitions![0], prior.ageTransitions![0], 'no foster child had the birthday: the prior’s');
  t.equal(report.ageTransitions.length, 1);
  const r = report.ageTransitions[0];
  t.same([r.band, r.state, r.units, r.observations, r.atAgeYears, r.from, r.shrunk], ['age 18', from.join(','), 'birthdays', 1, 18, from, true]);
  close(t, r.priorWeight, A, 1e-12, 'prior pseudo-count');
  close(t, r.priorShare, A / (1 + A), 1e-12, 'prior share');
  close(t, r.concentration, 1 + A, 1e-12, 'concentration 1 + A');
  for (const rate of r.rates) {
    const count = rate.to === 'supported_lodgings' ? 1 : 0;
    t.equal(rate.count, count, `→ ${rate.to}: count`);
    t.equal(rate.empirical, count, `→ ${rate.to}: empirical`);
    t.equal(rate.revealed, learnable.has(rate.to), `→ ${rate.to}: revealed`);
    const seen = learnable.has(rate.to) ? 1 : undefined;
    const { lower, upper } = rateInterval(row[rate.to], 1 + A, 0.9, seen === undefined ? undefined : { count, exposures: seen }, 'shortest');
    close(t, rate.lower, lower, 1e-9, `→ ${rate.to}: lower (shortest)`);
    close(t, rate.upper, upper, 1e-9, `→ ${rate.to}: upper (shortest)`);
  }
  t.same(report.shrunk.filter((s) => s.kind === 'age_transition'), [{ kind: 'age_transition', band: 'age 18', state: from.join(','), observations: 1, priorShare: r.priorShare }]);
  // The transitions at 18 no child had, reported; the one at 21 (staying put) is not a birthday in care.
  t.same(report.notCalibrated.filter((x) => x.band.startsWith('age')), [0, 2, 3, 5].map((i) => ({ band: 'age 18', state: prior.ageTransitions![i].from.join(','), reason: 'no child in these states had this birthday in the window' })));
  // One birthday is not shrunk below a threshold of 1: not listed.
  const one = run({ shrinkThreshold: 1 }).report;
  t.equal(one.ageTransitions[0].shrunk, false);
  t.same(one.shrunk.filter((s) => s.kind === 'age_transition'), []);
  // Supported lodgings not allowed at 18 nor in the row: G's move is left out, and nothing is left (no row).
  const late = structuredClone(prior);
  late.states.find((s) => s.id === 'supported_lodgings')!.minAgeYears = 19;
  delete late.ageTransitions![1].to.supported_lodgings;
  late.ageTransitions![1].to.independent_eet += 0.7;
  const l = calibrate(data, { priorModel: late, referenceWindow: { fromYear: 2024, toYear: 2024 }, forPublication: false }).report;
  t.same(l.ageTransitions, []);
  t.same(l.notCalibrated.filter((x) => x.band === 'age 18' && x.state === from.join(',')), [{ band: 'age 18', state: from.join(','), reason: '1 move(s) to supported_lodgings, a state not allowed at 18, were left out' }]);
});

t.test('monthly rows: a state with no prior row, and a move into a state not allowed in the band, are reported', async (t: Test) => {
  // Kills the `!priorRow` guard and its message (months + partly observed months), and the left-out
  // moves (`allowed`, the subtraction from the months, the delete, the message).
  const data = await imported();
  const noRow = structuredClone(prior);
  delete noRow.transitions['10-15'].youth_custody;
  const a = calibrate(data, { priorModel: noRow, referenceWindow: { fromYear: 2024, toYear: 2024 }, forPublication: false }).report;
  t.notOk(a.rows.some((r) => r.band === '10-15' && r.state === 'youth_custody'));
  t.same(a.notCalibrated.filter((x) => x.band === '10-15'), [{ band: '10-15', state: 'youth_custody', reason: '10 person-months observed, but the prior model has no row for this state in this band' }]);
  // Returned home only to 16 (not in 16-17), and not in the 16-17 residential row: H's October move is left out.
  const young = structuredClone(prior);
  young.states.find((s) => s.id === 'returned_home')!.maxAgeYears = 16;
  for (const [from, row] of Object.entries(young.transitions['16-17'])) {
    row[from] += row.returned_home ?? 0;
    delete row.returned_home;
  }
  delete young.transitions['16-17'].returned_home;
  const b = calibrate(data, { priorModel: young, referenceWindow: { fromYear: 2024, toYear: 2024 }, forPublication: false });
  t.same(b.report.notCalibrated.filter((x) => x.band === '16-17'), [{ band: '16-17', state: 'residential', reason: '1 move(s) to returned_home, a state not allowed in this band, were left out' }]);
  const r = b.report.rows.find((x) => x.band === '16-17' && x.state === 'residential')!;
  t.same([r.observations, r.rates.filter((x) => x.count > 0).map((x) => [x.to, x.count])], [11, [['residential', 11]]]);
  t.notOk('returned_home' in b.model.transitions['16-17'].residential, 'never written');
});

t.test('the model’s words and rate factors: a local entry rate, a prior’s entry factor replaced in place, distances', async (t: Test) => {
  // Kills the local entry rate's transition source (lines 725-727), `entryStep.rateFactor ?` and
  // withRateFactor (added at the end, or replacing the prior's by id, in its place), and the
  // distances' clause of the description and of the source's note.
  const data = await imported();
  const population = { '0-4': 30_000, '5-9': 30_000, '10-15': 36_000, '16-17': 12_000 };
  const window = { fromYear: 2024, toYear: 2024 };
  const national = calibrate(data, { priorModel: prior, referenceWindow: window });
  t.equal(national.report.entryRates.basis, 'national');
  t.notOk('rateFactors' in national.model, 'no rate factor without a population');
  t.equal(national.model.transitionSources.length, 5, 'four of the return, one of the prior');
  const local = calibrate(data, { priorModel: prior, referenceWindow: window, population });
  t.equal(local.report.entryRates.basis, 'local');
  t.same(local.model.transitionSources[4], { describes: 'Entries into care per 10,000 children, by age band (population given)', source: 'ssda903_calibration' });
  t.equal(local.model.transitionSources[5].describes, 'Prior, where the returns are silent or thin: All rates (invented)');
  const factor = local.model.rateFactors!;
  t.equal(factor.length, 1);
  t.same([factor[0].id, factor[0].source], ['entry_to_care', 'ssda903_calibration']);
  // A prior with two rate factors, the second the national entry factor: replaced where it stood.
  const other = { ...structuredClone(factor[0]), id: 'other_factor', label: 'Another factor' };
  const old = { ...structuredClone(factor[0]), label: 'National entry factor', multiplier: { type: 'lognormal' as const, mean: 1, sd: 0.5 } };
  const withFactors = { ...structuredClone(prior), rateFactors: [other, old] } as typeof prior;
  const replaced = calibrate(data, { priorModel: withFactors, referenceWindow: window, population, forPublication: false }).model.rateFactors!;
  t.same(replaced, [other, factor[0]], 'in place, the other kept');
  t.same(withFactors.rateFactors, [other, old], 'the prior untouched');
  const appended = calibrate(data, { priorModel: { ...structuredClone(prior), rateFactors: [other] } as typeof prior, referenceWindow: window, population, forPublication: false }).model.rateFactors!;
  t.same(appended, [other, factor[0]], 'added at the end');
  // Lowering every band's chances of entering (× 0.03 here) is always possible: no entry-step
  // note (entries.ts once noted a band whenever its 30 scaling steps ended short of 1e-7, saying
  // it was capped; found by the mutation work). A band really capped, and its note reaching the
  // report: test/calibration/entries.test.ts.
  t.same(local.report.notCalibrated.filter((x) => x.state === 'entries'), [], 'no band capped when rates only fall');
  // No distance in these files: neither clause.
  t.notMatch(national.model.description, /20 miles/);
  t.notMatch(national.model.sources.ssda903_calibration.note ?? '', /20 miles/);
});

t.test('distances: the description and the source’s note say how the shares were calibrated', async (t: Test) => {
  // One child in a children's home 24.5 miles from home on 31 March 2023 and 31 March 2024.
  const header = `${EPISODES},PL_DISTANCE`;
  const withDistance = await importSsda903(
    [2023, 2024].flatMap((y) => [
      { name: `${y}-episodes.csv`, buffer: Buffer.from(`${header}\r\n600001,01/01/2023,S,C2,N1,K2,PR4,,,,24.5\r\n`) },
      { name: `${y}-header.csv`, buffer: Buffer.from('CHILD,SEX,DOB,ETHNIC\r\n600001,1,15/06/2010,WBRI\r\n') },
    ]),
    { pseudonymKey: 'k' },
  );
  // The synthetic prior has no distance shares: residential is given one (in care, 20% over 20 miles).
  const withShare = structuredClone(prior);
  Object.assign(withShare.states.find((s) => s.id === 'residential')!, { flags: ['in_care'], distanceOver20Miles: { share: 0.2, source: 'synthetic' } });
  const { model, report } = calibrate(withDistance, { priorModel: withShare, distancePriorWeight: 7, forPublication: false });
  t.equal(model.states.find((s) => s.id === 'residential')?.distanceOver20Miles?.share, (2 + 7 * 0.2) / (2 + 7), '(k + w·p0)/(n + w), 2 of 2 over');
  t.equal(report.distances?.children, 2);
  t.equal(model.states.find((s) => s.id === 'residential')?.distanceOver20Miles?.source, 'ssda903_calibration', 'the calibration is the source (line 676)');
  t.match(
    model.description,
    / per care leaver row\)\. Shares placed more than 20 miles from home calibrated from the children’s 31 March placements with a known distance \(Beta prior weight 7 children toward the prior’s shares\)\. Costs, states and interventions are the prior's\.$/,
  );
  t.equal(
    model.sources.ssda903_calibration.note,
    `Calibrated by pathcast (mapping ${DEFAULT_MAPPING.id} ${DEFAULT_MAPPING.version}; prior weight 60 person-months per row; ${report.shrunk.length} of ${report.headline.rowsCalibrated} rows have fewer than 240 person-months and lean on the prior). ${report.distances!.note}`,
  );
});

/**
 * Four more children, each aimed at a survivor of the first Stryker run of lines 1-404:
 * T (born Jan 2012): a temporary absence (T0) from 10 Jun 2023 with no placement before it (no
 *   state: July unobserved), then kinship (X1) from 20 Jul 2023: the same period of care, so August
 *   is no entry though July was unobserved (`h.entered[k] && here >= 0` is not `||`).
 * U (born Nov 2005): residential from 1 Mar 2023 to 10 Jan 2024 (E5), in care past the 18th
 *   birthday: November (the birthday) is followed by an unobserved month (in care at 18), so it is
 *   no observation; April-October are (`next < 0`).
 * V (born Mar 2007): residential from 1 Mar 2023, independent living (E6) 10 Jun 2023 at 16: the
 *   exit's destination is EET or NEET in unknown shares, split equally (the 16-17 residential row
 *   has neither): 0.5 each (`share * weights[i]`).
 * W (born Jan 2012): kinship from 1 Mar 2023, home (E4A) 20 May 2023, followed June-August, back in
 *   foster care of unknown kind 10 Aug 2023: August's return is split by the returned-home row's
 *   chances of agency and in-house foster care (the partly observed `share * weights[i]`).
 */
t.test('unobserved months, a birthday in care past 18, exits to states in unknown shares', async (t: Test) => {
  const more: Kid[] = [
    {
      id: '700001',
      dob: '2012-01-15',
      episodes: [
        { start: '2023-06-10', end: '2023-07-20', rec: 'X1', place: 'T0', provider: 'PR1' },
        { start: '2023-07-20', end: null, ...kin, rne: 'P' },
      ],
    },
    { id: '700002', dob: '2005-11-15', episodes: [{ start: '2023-03-01', end: '2024-01-10', rec: 'E5', ...res }] },
    { id: '700003', dob: '2007-03-15', episodes: [{ start: '2023-03-01', end: '2023-06-10', rec: 'E6', ...res }] },
    {
      id: '700004',
      dob: '2012-01-15',
      episodes: [
        { start: '2023-03-01', end: '2023-05-20', rec: 'E4A', ...kin },
        { start: '2023-08-10', end: null, ...foster },
      ],
    },
  ];
  const data = await importSsda903(files(more, [2023, 2024, 2025]), { pseudonymKey: 'k' });
  t.equal(data.episodes.length, 6);
  const histories = buildHistories(data, DEFAULT_MAPPING, prior);
  const counts = countWindow(histories, prior, { fromYear: 2024, toYear: 2024 });
  const v = view(counts) as { cells: Record<string, Record<string, unknown>>; entries: unknown; exposure: Record<string, number> };
  t.same(v.entries, {}, 'no entry: T, U, V and W entered care before the window, or (T) in an unobserved placement');
  // T: August-March kinship. W: April, May kinship (May → returned home).
  t.same(v.cells['10-15'].kinship_foster, cell(10, { kinship_foster: 9, returned_home: 1 }));
  // W followed June-August: August → foster care of unknown kind, split by the prior's returned-home row.
  const rh = prior.transitions['10-15'].returned_home;
  const wIfa = rh.ifa_foster / (rh.ifa_foster + rh.inhouse_foster);
  t.ok(Math.abs(wIfa - 0.5) > 0.1, `unequal weights ${wIfa}`);
  t.same(v.cells['10-15'].returned_home, round(cell(0, {}, 3, { ifa_foster: wIfa, inhouse_foster: 1 - wIfa })));
  // U: April-October (October → November in care); November not counted. V: April, May, June (June → EET or NEET).
  t.same(v.cells['16-17'].residential, cell(10, { residential: 9, independent_eet: 0.5, independent_neet: 0.5 }));
  t.same(v.cells['16-17'].residential && Object.keys(v.cells['16-17']), ['residential']);
  t.same(counts.ageCells.size, 0, 'U’s birthday is followed by no observed month');
  // Exposure: U April-November 8, V 3 (residential); T 8 + W 2 (kinship); W September-March of unknown kind.
  t.equal(v.exposure.residential, 11);
  t.equal(v.exposure.kinship_foster, 10);
  // A prior with no 16-17 rows at all is read with `?.` (no reference row: equal weights).
  const noRows = structuredClone(prior);
  delete (noRows.transitions as Record<string, unknown>)['16-17'];
  const bare = view(countWindow(buildHistories(data, DEFAULT_MAPPING, noRows), noRows, { fromYear: 2024, toYear: 2024 })) as typeof v;
  t.same(bare.cells['16-17'].residential, cell(10, { residential: 9, independent_eet: 0.5, independent_neet: 0.5 }));
});

/**
 * The survivors of the first Stryker run of lines 405-600 (MUTATION-SURVIVORS.md), each on a
 * child or two made for it; fixtures are built inside the tests (a throw at the top level would
 * be a runtime error, not a kill).
 */
t.test('the mapping is checked against the model, and a draft is made even from no usable episode', async (t: Test) => {
  // Kills validateMappingForModel removed (line 408) and `forPublication` → true (line 410).
  const data = await importSsda903(files(KIDS.slice(0, 1), [2024]), { pseudonymKey: 'k' });
  const mapping = structuredClone(DEFAULT_MAPPING);
  mapping.placements.U3 = { ...mapping.placements.U3, state: 'no_such_state' };
  t.throws(() => calibrate(data, { priorModel: prior, mapping, forPublication: false }), {
    status: 422,
    message: 'The SSDA903 mapping does not fit model synthetic-truth',
    errors: [{ field: '/placements/U3/state', reason: 'names state no_such_state, which model synthetic-truth does not have' }],
  });
  const noRows = await importSsda903([
    { name: '2024-episodes.csv', buffer: Buffer.from(`${EPISODES}\r\n`) },
    { name: '2024-header.csv', buffer: Buffer.from('CHILD,DOB\r\n') },
  ], { pseudonymKey: 'k' });
  const draft = calibrate(noRows, { priorModel: prior, forPublication: false });
  t.same(draft.report.headline, { rowsCalibrated: 0, rowsShrunk: 0, personMonths: 0, children: 0, entries: 0 }, 'not for publication: no refusal');
  t.same(draft.model.transitions, prior.transitions, 'the prior’s rows');
});

/**
 * P (born Jan 2012, 11): kinship from 20 Apr 2023 (an entry), agency foster care from 10 May 2023
 *   (X1, RNE P), open: the 10-15 kinship row has one month (May), a move out, and no stay.
 * Q (born 15 Apr 2007): residential from 1 Mar 2023, home (E4A) 10 May 2023: April at 15 (a stay,
 *   10-15), May at 16 (→ returned home, 16-17), then followed at home from June at 16.
 * R (born Jan 2009, 14): in-house foster care from 1 Mar 2023, home (E4A) 20 May 2023, followed
 *   at home June and July, into a secure home 10 Jul 2023: July's return is partly observed.
 */
const ROWS_KIDS: Kid[] = [
  {
    id: '800001',
    dob: '2012-01-15',
    episodes: [
      { start: '2023-04-20', end: '2023-05-10', rec: 'X1', ...kin },
      { start: '2023-05-10', end: null, ...ifa, rne: 'P' },
    ],
  },
  { id: '800002', dob: '2007-04-15', episodes: [{ start: '2023-03-01', end: '2023-05-10', rec: 'E4A', ...res }] },
  {
    id: '800003',
    dob: '2009-01-15',
    episodes: [
      { start: '2023-03-01', end: '2023-05-20', rec: 'E4A', place: 'U6', provider: 'PR1' },
      { start: '2023-07-10', end: null, place: 'K1', provider: 'PR4' },
    ],
  },
];

t.test('a care row with no stay has the central interval for its own state; moves left out leave full or partial months', async (t: Test) => {
  // Kills `to === state ? undefined` → false (line 500: the own state would get the one-sided
  // interval of a count of 0 in 1 month), `n > 0 ?` → true or `>=` (line 502: 0 / 0 is NaN, not
  // null), and `row === cell.counts` → true, false or `!==` (lines 544-545: a left-out move is taken
  // from the fully or the partly observed months it was counted in).
  const data = await importSsda903(files(ROWS_KIDS, [2023, 2024]), { pseudonymKey: 'k' });
  // Returned home only to 16 (as above): Q's May move out of 16-17 residential is left out, and
  // the row has no month left. Secure homes only from 16, in no 10-15 row: R's partly observed
  // July return into one is left out of the 10-15 returned-home row.
  const odd = structuredClone(prior);
  odd.states.find((s) => s.id === 'returned_home')!.maxAgeYears = 16;
  for (const [from, row] of Object.entries(odd.transitions['16-17'])) {
    row[from] += row.returned_home ?? 0;
    delete row.returned_home;
  }
  delete odd.transitions['16-17'].returned_home;
  odd.states.find((s) => s.id === 'secure_home')!.minAgeYears = 16;
  for (const [from, row] of Object.entries(odd.transitions['10-15'])) {
    row[from] += row.secure_home ?? 0;
    delete row.secure_home;
  }
  delete odd.transitions['10-15'].secure_home;
  const { model, report } = calibrate(data, { priorModel: odd, referenceWindow: { fromYear: 2024, toYear: 2024 }, forPublication: false });

  // P's May in kinship care, then agency foster care: no stay.
  const kinship = report.rows.find((r) => r.band === '10-15' && r.state === 'kinship_foster')!;
  t.same([kinship.observations, kinship.partialObservations], [1, 0]);
  const stay = kinship.rates.find((x) => x.to === 'kinship_foster')!;
  t.same([stay.count, stay.empirical, stay.revealed], [0, 0, true]);
  const central = rateInterval(stay.estimate, kinship.concentration, 0.9);
  t.ok(central.lower > 0.5, `a central interval, away from 0: ${central.lower}`);
  t.same([stay.lower, stay.upper], [central.lower, central.upper], 'the own state: no evidence of a zero count');

  const emptied = report.rows.find((r) => r.band === '16-17' && r.state === 'residential')!;
  t.same([emptied.observations, emptied.partialObservations], [0, 0], 'Q’s one month left out of the full months');
  t.same(emptied.rates.map((x) => x.empirical), emptied.rates.map(() => null), 'no empirical rate from 0 months');
  t.same(report.notCalibrated.filter((x) => x.state === 'residential' || x.state === 'returned_home'), [
    { band: '10-15', state: 'returned_home', reason: '1 move(s) to secure_home, a state not allowed in this band, were left out' },
    { band: '16-17', state: 'residential', reason: '1 move(s) to returned_home, a state not allowed in this band, were left out' },
    // Q followed at home June to March at 16.
    { band: '16-17', state: 'returned_home', reason: '10 person-months observed, but the prior model has no row for this state in this band' },
  ]);
  t.equal(model.transitions['16-17'].residential.returned_home, undefined, 'never written');
  // R followed at home June and July; July's return left out of the partly observed months.
  const home = report.rows.find((r) => r.band === '10-15' && r.state === 'returned_home')!;
  t.same([home.observations, home.partialObservations], [1, 1]);
  t.same(home.rates.filter((x) => x.count > 0), []);
  t.equal(model.transitions['10-15'].returned_home.secure_home, undefined, 'never written');
});

t.test('zeros of the prior kept, a birthday move allowed at 18 but not in the row, a band with no rows', async (t: Test) => {
  // Kills the keepZeros sets of the monthly rows and the age transitions → `[]` (lines 554, 593:
  // a destination of the prior's row at 0 that nobody took is 0 and kept), `to in spec.to ||
  // stateAllowedAt(…)` → `&&` (line 580), and `prior.transitions[band.id]?.[state]` without `?.` (line 532).
  // G again (born 15 Sep 2005): residential from 1 Jan 2023, supported lodgings (E5) on the 18th
  // birthday: 16-17 residential April-August (5 stays), the September birthday an age transition.
  const data = await importSsda903(files([{ id: '900001', dob: '2005-09-15', episodes: [{ start: '2023-01-01', end: '2023-09-15', rec: 'E5', ...res }] }], [2023, 2024]), { pseudonymKey: 'k' });
  const window = { fromYear: 2024, toYear: 2024 };
  // Explicit zeros in the prior's rows: kinship care from 16-17 residential (a care state, so
  // learnable, but with no floor its pseudo-count is 0), staying put at 18 (an exit at 18 or over).
  const zeros = structuredClone(prior);
  zeros.transitions['16-17'].residential.kinship_foster = 0;
  zeros.ageTransitions![1].to.staying_put = 0;
  const { model } = calibrate(data, { priorModel: zeros, referenceWindow: window, destinationFloor: 0 });
  const row = model.transitions['16-17'].residential;
  t.equal(row.kinship_foster, 0, 'a destination nobody took with a prior of 0, kept at 0');
  t.same(Object.keys(row).sort(), [...Object.keys(zeros.transitions['16-17'].residential)].sort(), 'no other destination (no floor)');
  const at18 = model.ageTransitions![1].to;
  t.equal(at18.staying_put, 0, 'an exit at 18 nobody took with a prior of 0, kept at 0');
  t.same(Object.keys(at18).sort(), ['adult_custody', 'independent_eet', 'independent_neet', 'staying_put', 'supported_lodgings']);

  // Supported lodgings (allowed from 18) taken out of the prior's row at 18: G's move is still counted.
  const noLodgings = structuredClone(prior);
  noLodgings.ageTransitions![1].to.independent_eet += noLodgings.ageTransitions![1].to.supported_lodgings;
  delete noLodgings.ageTransitions![1].to.supported_lodgings;
  const moved = calibrate(data, { priorModel: noLodgings, referenceWindow: window });
  t.same(moved.report.ageTransitions.map((r) => [r.observations, r.rates.filter((x) => x.count > 0).map((x) => [x.to, x.count])]), [[1, [['supported_lodgings', 1]]]]);
  t.same(moved.report.notCalibrated.filter((x) => x.band === 'age 18' && x.state === 'residential,supported_accommodation,secure_home'), []);
  t.ok(moved.model.ageTransitions![1].to.supported_lodgings > 0, 'written into the row');

  // A prior with no 16-17 rows at all: the observed months are reported, not a throw.
  const noBand = structuredClone(prior);
  delete (noBand.transitions as Record<string, unknown>)['16-17'];
  const bare = calibrate(data, { priorModel: noBand, referenceWindow: window, forPublication: false }).report;
  t.same(bare.notCalibrated.filter((x) => x.band === '16-17'), [{ band: '16-17', state: 'residential', reason: '5 person-months observed, but the prior model has no row for this state in this band' }]);
  t.same(bare.rows, []);
});

t.test('entry splits are weighed in entries, revealed for every care state; the entry step’s notes and the distances’ source reach the model', async (t: Test) => {
  // Kills the entry rows' units 'entries' → "" and their exposures → `() => undefined` (line 666:
  // every care state was revealable at every entry), `report.notCalibrated.push(...entryStep.notCalibrated)`
  // removed (line 671) and the distances' source key → "" (line 676).
  const data = await imported();
  const careStates = buildHistories(data, DEFAULT_MAPPING, prior).careStates;
  const window = { fromYear: 2024, toYear: 2024 };
  const { report } = calibrate(data, { priorModel: prior, referenceWindow: window });
  t.ok(report.entrySplits.length > 0, 'entries split');
  let zeros = 0;
  for (const r of report.entrySplits) {
    t.equal(r.units, 'entries');
    for (const rate of r.rates) {
      const seen = rate.to !== r.state && careStates.has(rate.to) ? r.observations : undefined;
      t.equal(rate.revealed, rate.to === r.state || seen !== undefined, `${r.band} ${r.state} → ${rate.to}: revealed`);
      const { lower, upper } = rateInterval(rate.estimate, r.concentration, 0.9, seen === undefined ? undefined : { count: rate.count, exposures: seen });
      t.same([rate.lower, rate.upper], [lower, upper], `${r.band} ${r.state} → ${rate.to}: interval`);
      if (seen !== undefined && rate.count === 0) zeros++;
    }
  }
  t.ok(zeros > 0, `care states no entry went to: ${zeros}, each with the bound for 0`);
  // A prior with no entry into care at 0-4 (each chance of entering moved to staying put): the
  // entry step cannot scale that band and says so.
  const noEntry = structuredClone(prior);
  const inCare = new Set(noEntry.states.filter((s) => s.category === 'looked_after').map((s) => s.id));
  for (const [from, row] of Object.entries(noEntry.transitions['0-4'])) {
    if (inCare.has(from)) continue;
    for (const to of Object.keys(row)) {
      if (!inCare.has(to)) continue;
      row[from] += row[to];
      delete row[to];
    }
  }
  const population = { '0-4': 30_000, '5-9': 30_000, '10-15': 36_000, '16-17': 12_000 };
  const local = calibrate(data, { priorModel: noEntry, referenceWindow: window, population, forPublication: false }).report;
  t.same(local.notCalibrated.filter((x) => x.state === 'entries'), [
    { band: '0-4', state: 'entries', reason: '0 entr(ies) among 30000 children, but the prior model has no entry into care in this band to scale: the rate is reported, not modelled' },
  ]);
});

t.test('published from entries alone, or from a birthday alone; a prior’s entry factor first in its list; a prior’s row concentrations kept', async (t: Test) => {
  // Kills the nothing-observed test's `report.entries.total === 0` and `report.ageTransitions.length
  // === 0` → true (line 741: either alone is something observed), `at >= 0` → `> 0` in
  // withRateFactor (line 773: the factor replaced at index 0) and `out[band] ?? {}` → `&& {}` in
  // mergeConcentrations (line 783: the prior's row concentrations of a band kept beside the new).
  // J alone (kinship from 10 Mar 2024): an entry of the 2024 return, no month counted in it.
  const j = await importSsda903(files(KIDS.filter((k) => k.id === '500010'), [2024, 2025]), { pseudonymKey: 'k' });
  const entryOnly = calibrate(j, { priorModel: prior, referenceWindow: { fromYear: 2024, toYear: 2024 } });
  t.same([entryOnly.report.headline.personMonths, entryOnly.report.headline.entries, entryOnly.report.ageTransitions.length, entryOnly.report.careLeavers.length], [0, 1, 0, 0]);
  // Born 15 Apr 2005, residential from 1 Mar 2023, supported lodgings (E5) on the 18th birthday:
  // April 2023, the first month of the 2024 return, is the birthday; no other month, no entry in it.
  const birthday = await importSsda903(files([{ id: '900002', dob: '2005-04-15', episodes: [{ start: '2023-03-01', end: '2023-04-15', rec: 'E5', ...res }] }], [2023, 2024]), { pseudonymKey: 'k' });
  const birthdayOnly = calibrate(birthday, { priorModel: prior, referenceWindow: { fromYear: 2024, toYear: 2024 } });
  t.same([birthdayOnly.report.headline.personMonths, birthdayOnly.report.headline.entries, birthdayOnly.report.ageTransitions.length, birthdayOnly.report.careLeavers.length], [0, 0, 1, 0]);

  // The national entry factor first in the prior's list: replaced there.
  const data = await imported();
  const population = { '0-4': 30_000, '5-9': 30_000, '10-15': 36_000, '16-17': 12_000 };
  const window = { fromYear: 2024, toYear: 2024 };
  const factor = calibrate(data, { priorModel: prior, referenceWindow: window, population }).model.rateFactors![0];
  const other = { ...structuredClone(factor), id: 'other_factor', label: 'Another factor' };
  const old = { ...structuredClone(factor), label: 'National entry factor', multiplier: { type: 'lognormal' as const, mean: 1, sd: 0.5 } };
  const first = calibrate(data, { priorModel: { ...structuredClone(prior), rateFactors: [old, other] } as typeof prior, referenceWindow: window, population, forPublication: false });
  t.same(first.model.rateFactors, [factor, other], 'in place at index 0');

  // A prior with row concentrations of its own for 10-15: the ones not calibrated are kept.
  const concentrated = structuredClone(prior);
  concentrated.rateUncertainty = { ...(concentrated.rateUncertainty ?? { concentration: 10_000 }), rowConcentration: { '10-15': { sgo: 123, kinship_foster: 7 } } };
  const merged = calibrate(data, { priorModel: concentrated, referenceWindow: window }).model.rateUncertainty!.rowConcentration!['10-15'];
  t.equal(merged.sgo, 123, 'the prior’s, not calibrated');
  const { model } = calibrate(data, { priorModel: prior, referenceWindow: window });
  t.equal(merged.kinship_foster, model.rateUncertainty!.rowConcentration!['10-15'].kinship_foster, 'the calibrated one replaces the prior’s');
  t.same(Object.keys(merged).sort(), ['sgo', ...Object.keys(model.rateUncertainty!.rowConcentration!['10-15'])].sort());
});
