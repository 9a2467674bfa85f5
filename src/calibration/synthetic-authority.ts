import type { CostModelSpec } from '../catalog/model-schema.ts';
import { DEFAULT_CARE_STATES } from '../catalog/vocabulary.ts';
import { ageYearsAtMonthStart, birthdayAgeInMonth, dayNumber, isoDate, monthStartDay, returnYearEndDay, returnYearFirstMonth, returnYearStartDay } from './dates.ts';
import type { Ssda903Upload } from './input.ts';
import { bandForAge, resolveSelector } from './model-structure.ts';

/**
 * A synthetic authority: SSDA903 files for children simulated month by month from a known
 * model, so calibration can be checked against the truth (the round-trip property) and timed
 * (the bench). Seeded: the same options give the same files, byte for byte.
 *
 * The simulation follows the month rule of history.ts exactly: every change of state happens on
 * a day between the 2nd and the 28th of a month, drawn from the row for the child's state and age
 * at that month's first day (the age transition in a birthday month), so the state on the first
 * of the next month is the new one. Entrants arrive as a Poisson stream with a fixed profile of
 * age and starting placement. After leaving care before 18 a child is followed (in the truth's
 * rows for that state) and may come back; after 18 the care leaver's state on the first of the
 * month after their 19th, 20th and 21st birthdays is written to the OC3 file.
 */

/** Seeded generator: sfc32 (Chris Doty-Humphrey's small fast counter), seeded through splitmix32. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }
  /** Uniform on [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** Knuth's multiplication method; fine for the means used here (below about 100). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k += 1;
      p *= this.next();
    }
    return k;
  }
  pick(row: Record<string, number>): string {
    const u = this.next();
    let acc = 0;
    let last = '';
    for (const [key, p] of Object.entries(row)) {
      acc += p;
      last = key;
      if (u < acc) return key;
    }
    return last;
  }
}

type Row = Record<string, number>;

// The synthetic chain keeps its own bands (those of england-default 1.1.0): its invented rates
// and the tests counted by hand against it do not move when the default model gains a band.
const BANDS = [
  { id: '0-4', fromYears: 0, toYears: 5 },
  { id: '5-9', fromYears: 5, toYears: 10 },
  { id: '10-15', fromYears: 10, toYears: 16 },
  { id: '16-17', fromYears: 16, toYears: 18 },
  { id: '18-20', fromYears: 18, toYears: 21 },
  { id: '21-24', fromYears: 21, toYears: 25 },
];
/** Looked-after states of the default vocabulary the synthetic chain never enters. */
const UNUSED_STATES = ['placed_for_adoption', 'placed_with_parents', 'other_placement'];
/** Care leavers' states start at 18 in the synthetic chain (the default model allows some from 16). */
const CARE_LEAVER_FROM_18 = new Set(['supported_lodgings', 'independent_eet', 'independent_neet']);

/** Off-diagonal entries; the state itself gets the rest. */
function withStay(state: string, moves: Row): Row {
  const row: Row = {};
  let sum = 0;
  for (const [to, p] of Object.entries(moves)) {
    if (p > 0 && to !== state) {
      row[to] = p;
      sum += p;
    }
  }
  return { [state]: Math.round((1 - sum) * 1e12) / 1e12, ...row };
}

function syntheticRows(band: (typeof BANDS)[number], scale: number): Record<string, Row> {
  const young = band.fromYears < 5;
  const child = band.fromYears < 10;
  const older = band.fromYears >= 10 && band.fromYears < 18;
  const sixteen = band.fromYears === 16;
  const s = (p: number) => p * scale;
  const rows: Record<string, Row> = {};
  if (band.fromYears < 18) {
    const entry = (k: number): Row => ({
      kinship_foster: k * (sixteen ? 0.00002 : 0.0001),
      inhouse_foster: k * (sixteen ? 0.00004 : 0.0002),
      ifa_foster: k * 0.00015,
      residential: k * (older ? 0.00008 : 0.00001),
      ...(sixteen ? { supported_accommodation: k * 0.0002 } : {}),
    });
    rows.home = withStay('home', { early_help: 0.002, cin_cp: 0.001, edge_of_care: 0.0002, ...entry(0.2) });
    rows.early_help = withStay('early_help', { home: 0.06, cin_cp: 0.01, edge_of_care: 0.002, ...entry(1) });
    rows.edge_of_care = withStay('edge_of_care', { cin_cp: 0.03, home: 0.01, early_help: 0.01, ...entry(20), youth_custody: older ? 0.001 : 0 });
    rows.cin_cp = withStay('cin_cp', { home: 0.03, early_help: 0.015, edge_of_care: 0.005, ...entry(4) });
    rows.kinship_foster = withStay('kinship_foster', {
      inhouse_foster: s(0.004),
      ifa_foster: s(0.002),
      residential: s(older ? 0.002 : 0.0005),
      returned_home: s(0.008),
      sgo: s(child ? 0.01 : 0.004),
      adopted: s(young ? 0.006 : 0),
      supported_accommodation: s(sixteen ? 0.008 : 0),
    });
    rows.inhouse_foster = withStay('inhouse_foster', {
      kinship_foster: s(0.002),
      ifa_foster: s(0.006),
      residential: s(older ? 0.004 : 0.001),
      returned_home: s(0.009),
      sgo: s(0.002),
      adopted: s(young ? 0.012 : child ? 0.002 : 0),
      supported_accommodation: s(sixteen ? 0.012 : 0),
    });
    rows.ifa_foster = withStay('ifa_foster', {
      inhouse_foster: s(0.004),
      residential: s(older ? 0.006 : 0.001),
      returned_home: s(0.008),
      sgo: s(0.0015),
      adopted: s(young ? 0.004 : 0),
      supported_accommodation: s(sixteen ? 0.015 : 0),
    });
    rows.residential = withStay('residential', {
      inhouse_foster: s(0.004),
      ifa_foster: s(0.01),
      secure_home: s(older ? 0.002 : 0),
      returned_home: s(0.012),
      supported_accommodation: s(sixteen ? 0.03 : 0),
      youth_custody: s(older ? 0.001 : 0),
      home: s(older ? 0.001 : 0),
    });
    if (band.fromYears >= 10) {
      rows.secure_home = withStay('secure_home', { residential: s(0.15), ifa_foster: s(0.03), returned_home: s(0.03) });
      rows.youth_custody = withStay('youth_custody', { residential: s(0.05), returned_home: s(0.08), supported_accommodation: s(sixteen ? 0.04 : 0) });
    }
    if (sixteen) {
      rows.supported_accommodation = withStay('supported_accommodation', { residential: s(0.006), returned_home: s(0.012), home: s(0.002) });
    }
    rows.returned_home = withStay('returned_home', { inhouse_foster: s(0.002), ifa_foster: s(0.001), residential: s(older ? 0.001 : 0) });
    rows.sgo = withStay('sgo', { kinship_foster: s(0.0006) });
    rows.adopted = withStay('adopted', { residential: s(child ? 0 : 0.0004), inhouse_foster: s(child ? 0.0002 : 0) });
    // States the synthetic authority never uses (it writes no A3-A6, P1 or Z codes): rows that stay,
    // reachable from child in need with a probability of 1e-9 a month so that the model (and a
    // model calibrated from it) is valid; no seed draws them in practice.
    const { cin_cp: _stay, ...cinMoves } = rows.cin_cp;
    rows.cin_cp = withStay('cin_cp', { ...cinMoves, ...Object.fromEntries(UNUSED_STATES.map((u) => [u, 1e-9])) });
    for (const unused of UNUSED_STATES) rows[unused] = { [unused]: 1 };
  } else {
    const young = band.fromYears === 18;
    rows.supported_lodgings = withStay('supported_lodgings', { independent_eet: 0.02, independent_neet: 0.012, homeless: 0.003, adult_custody: 0.001 });
    rows.independent_eet = withStay('independent_eet', { independent_neet: 0.01, supported_lodgings: 0.004, adult: young ? 0.002 : 0.02 });
    rows.independent_neet = withStay('independent_neet', { independent_eet: 0.02, homeless: 0.006, adult_custody: 0.003, supported_lodgings: 0.005, adult: young ? 0.001 : 0.01 });
    rows.homeless = withStay('homeless', { supported_lodgings: 0.06, independent_neet: 0.05 });
    rows.adult_custody = withStay('adult_custody', { independent_neet: 0.05, homeless: 0.02 });
    rows.adult = { adult: 1 };
    if (young) rows.staying_put = withStay('staying_put', { supported_lodgings: 0.01, independent_eet: 0.012, independent_neet: 0.006 });
  }
  return rows;
}

/**
 * The synthetic truth: every default state, the default model's age bands, rows a synthetic
 * authority can express in SSDA903 codes. `scale` multiplies the moves out of care states, so a
 * different scale makes a prior that is wrong in a known way.
 */
export function syntheticModel(options: { scale?: number; id?: string } = {}): CostModelSpec {
  const scale = options.scale ?? 1;
  const transitions: CostModelSpec['transitions'] = {};
  for (const band of BANDS) transitions[band.id] = syntheticRows(band, scale);
  const foster = ['kinship_foster', 'inhouse_foster', 'ifa_foster'];
  return {
    id: options.id ?? (scale === 1 ? 'synthetic-truth' : 'synthetic-prior'),
    version: '1.0.0',
    name: scale === 1 ? 'Synthetic authority (truth)' : `Synthetic authority (prior, moves × ${scale})`,
    description: 'A made-up chain for testing calibration: every rate is invented.',
    currency: 'GBP',
    priceBaseYear: '2025-26',
    horizonAgeYears: 25,
    discounting: { periods: [{ fromYear: 0, rate: 0.035 }], source: 'synthetic' },
    ageBands: BANDS,
    states: DEFAULT_CARE_STATES.map((s) => ({
      id: s.id,
      label: s.label,
      category: s.category,
      ...(s.placement ? { placement: true, withinStatePlacementMoves: 0.01 * (s.id === 'residential' ? 3 : s.id === 'kinship_foster' ? 0.5 : 1.5) } : {}),
      ...(CARE_LEAVER_FROM_18.has(s.id) ? { minAgeYears: 18 } : s.minAgeYears !== undefined ? { minAgeYears: s.minAgeYears } : {}),
      ...(s.maxAgeYears !== undefined ? { maxAgeYears: s.maxAgeYears } : {}),
      ...(s.id === 'adult' ? { terminal: true } : {}),
    })),
    transitions,
    ageTransitions: [
      { atAgeYears: 18, from: foster, to: { staying_put: 0.5, supported_lodgings: 0.3, independent_eet: 0.12, independent_neet: 0.08 } },
      {
        atAgeYears: 18,
        from: ['residential', 'supported_accommodation', 'secure_home'],
        to: { supported_lodgings: 0.7, independent_eet: 0.12, independent_neet: 0.15, adult_custody: 0.03 },
      },
      { atAgeYears: 18, from: ['youth_custody'], to: { adult_custody: 0.7, independent_neet: 0.3 } },
      { atAgeYears: 18, from: ['@community', '@edge_of_care', '@permanence'], to: { adult: 1 } },
      { atAgeYears: 21, from: ['staying_put'], to: { independent_eet: 0.6, supported_lodgings: 0.2, independent_neet: 0.2 } },
      { atAgeYears: 18, from: UNUSED_STATES, to: { supported_lodgings: 1 } },
    ],
    transitionSources: [{ describes: 'All rates (invented)', source: 'synthetic' }],
    rateUncertainty: { concentration: 500 },
    unitCosts: [],
    sources: { synthetic: { title: 'Invented for tests', publisher: 'pathcast' } },
  };
}

/** How the synthetic authority writes each state as SSDA903 codes. */
const PLACEMENT_CODES: Record<string, { place: string; provider: string }> = {
  kinship_foster: { place: 'U3', provider: 'PR1' },
  inhouse_foster: { place: 'U6', provider: 'PR1' },
  ifa_foster: { place: 'U6', provider: 'PR4' },
  residential: { place: 'K2', provider: 'PR4' },
  secure_home: { place: 'K1', provider: 'PR1' },
  supported_accommodation: { place: 'H5', provider: 'PR4' },
  youth_custody: { place: 'R5', provider: 'PR3' },
};
const EXIT_CODES: Record<string, string> = {
  returned_home: 'E4A',
  adopted: 'E11',
  sgo: 'E45',
  home: 'E3',
  staying_put: 'E17',
  supported_lodgings: 'E5',
  independent_eet: 'E6',
  independent_neet: 'E6',
  adult_custody: 'E9',
};
const OC3_CODES: Record<string, { inTouch: string; activ: string; accom: string }> = {
  staying_put: { inTouch: 'YES', activ: 'F2', accom: 'Z1' },
  supported_lodgings: { inTouch: 'YES', activ: 'F3', accom: 'E1' },
  independent_eet: { inTouch: 'YES', activ: 'F3', accom: 'U1' },
  independent_neet: { inTouch: 'YES', activ: 'G5', accom: 'U1' },
  homeless: { inTouch: 'YES', activ: 'G5', accom: 'S2' },
  adult_custody: { inTouch: 'YES', activ: 'G5', accom: 'X2' },
  adult: { inTouch: 'NREQ', activ: '0', accom: '0' },
};

export interface SyntheticOptions {
  seed: number;
  /** The first and last return years written (each ending 31 March). */
  firstYear: number;
  lastYear: number;
  /** Mean entrants a month (Poisson). */
  entriesPerMonth: number;
  /** The chain (defaults to syntheticModel()). */
  model?: CostModelSpec;
  /** Years simulated before the first return so the caseload is settled (default 10). */
  burnInYears?: number;
  /** Monthly chance of a change of legal status only (an X1 that is not a move). */
  legalStatusChange?: number;
}

/** Ages at entry (years) and starting placements, with weights. */
const ENTRY_PROFILE: { age: number; weight: number; start: Row }[] = [
  ...Array.from({ length: 18 }, (_, age) => ({
    age,
    weight: age === 0 ? 3 : age < 5 ? 1.2 : age < 10 ? 0.9 : age < 16 ? 1.3 : 1.5,
    start: (age >= 16
        ? { supported_accommodation: 0.45, residential: 0.15, ifa_foster: 0.25, inhouse_foster: 0.1, youth_custody: 0.05 }
        : age >= 10
          ? { ifa_foster: 0.45, inhouse_foster: 0.25, residential: 0.18, kinship_foster: 0.1, youth_custody: 0.02 }
          : { inhouse_foster: 0.45, ifa_foster: 0.3, kinship_foster: 0.25 }) as Row,
  })),
];

interface Episode {
  start: number;
  end: number | null;
  state: string;
  rne: string;
  ls: string;
  rec: string | null;
}

interface SimChild {
  id: string;
  birthMonth: number;
  episodes: Episode[];
  oc3: { returnYear: number; state: string }[];
}

export interface SyntheticAuthority {
  files: Ssda903Upload[];
  truth: CostModelSpec;
  children: number;
  /** Children in care on the last day of the last return. */
  inCareAtEnd: number;
  /**
   * The truth of entries: the Poisson mean of new entrants a month by single year of age at the
   * first month start in care (index = age 0-17) and starting state. Entries per 10,000 in a band
   * are then 120,000 × (sum over its ages and the states counted) / (children in the band) for
   * whatever population a test gives the authority. Re-entries after leaving care to a home the
   * model follows are not in it.
   */
  entryMeanByAge: Record<string, number>[];
}

export function generateSyntheticAuthority(options: SyntheticOptions): SyntheticAuthority {
  const model = options.model ?? syntheticModel();
  const rng = new SeededRandom(options.seed);
  const burnIn = options.burnInYears ?? 10;
  const lsChange = options.legalStatusChange ?? 0.002;
  const simStart = returnYearFirstMonth(options.firstYear - burnIn);
  const simEnd = returnYearFirstMonth(options.lastYear + 1);
  const ageRules = new Map<number, Map<string, Row>>();
  for (const rule of model.ageTransitions ?? []) {
    const byState = ageRules.get(rule.atAgeYears) ?? new Map<string, Row>();
    for (const s of resolveSelector(model, rule.from)) if (!byState.has(s)) byState.set(s, rule.to);
    ageRules.set(rule.atAgeYears, byState);
  }
  const moveRate = new Map(model.states.map((s) => [s.id, s.withinStatePlacementMoves ?? 0]));
  const totalWeight = ENTRY_PROFILE.reduce((a, e) => a + e.weight, 0);
  const children: SimChild[] = [];
  const live: { child: SimChild; state: string; inCare: boolean }[] = [];
  let nextId = 100000;

  const nextRow = (child: SimChild, state: string, month: number): Row | undefined => {
    const birthday = birthdayAgeInMonth(child.birthMonth, month);
    const rule = birthday !== undefined ? ageRules.get(birthday)?.get(state) : undefined;
    if (rule) return rule;
    const band = bandForAge(model, ageYearsAtMonthStart(child.birthMonth, month));
    return band ? model.transitions[band.id]?.[state] : undefined;
  };
  const dayIn = (month: number, from = 2, to = 28) => monthStartDay(month) + rng.integer(from, to) - 1;

  for (let month = simStart; month < simEnd; month++) {
    // Entrants: in care from the first of next month.
    const arrivals = rng.poisson(options.entriesPerMonth);
    for (let i = 0; i < arrivals; i++) {
      let u = rng.next() * totalWeight;
      const profile = ENTRY_PROFILE.find((e) => (u -= e.weight) < 0) ?? ENTRY_PROFILE[ENTRY_PROFILE.length - 1];
      const birthMonth = month - (12 * profile.age + rng.integer(0, 11));
      const state = rng.pick(profile.start);
      // Born on the 15th: a baby born this month comes into care after birth.
      const start = dayIn(month, birthMonth === month ? 15 : 2, 28);
      const child: SimChild = { id: String(nextId++), birthMonth, episodes: [{ start, end: null, state, rne: 'S', ls: 'V2', rec: null }], oc3: [] };
      children.push(child);
      live.push({ child, state, inCare: true });
    }
    // Everyone else: one step from this month's first day to the next.
    for (let i = live.length - 1; i >= 0; i--) {
      const entry = live[i];
      const { child } = entry;
      if (child.episodes.length === 1 && child.episodes[0].start >= monthStartDay(month)) continue;
      const age = ageYearsAtMonthStart(child.birthMonth, month);
      if (age >= 22) {
        live.splice(i, 1);
        continue;
      }
      const row = nextRow(child, entry.state, month);
      const next = row ? rng.pick(row) : entry.state;
      const current = child.episodes[child.episodes.length - 1];
      if (entry.inCare) {
        // A move to another placement of the same kind, or a change of legal status only, early in
        // the month (independent of the chain's step, which comes later in the month).
        const within = rng.next() < (moveRate.get(entry.state) ?? 0);
        const legal = !within && rng.next() < lsChange;
        let open = current;
        if (within || legal) {
          const day = dayIn(month, 2, 14);
          current.end = day;
          current.rec = 'X1';
          open = { start: day, end: null, state: entry.state, rne: within ? 'P' : 'L', ls: legal ? 'C2' : current.ls, rec: null };
          child.episodes.push(open);
        }
        if (next !== entry.state) {
          // Leaving care at 18 happens on the birthday (the 15th); other changes later in the month.
          const changeDay = birthdayAgeInMonth(child.birthMonth, month) === 18 ? monthStartDay(month) + 14 : dayIn(month, 15, 28);
          open.end = changeDay;
          if (PLACEMENT_CODES[next]) {
            open.rec = 'X1';
            child.episodes.push({ start: changeDay, end: null, state: next, rne: 'P', ls: open.ls, rec: null });
          } else {
            open.rec = EXIT_CODES[next] ?? 'E8';
            entry.inCare = false;
          }
        }
      } else if (next !== entry.state && PLACEMENT_CODES[next]) {
        child.episodes.push({ start: dayIn(month, 15, 28), end: null, state: next, rne: 'S', ls: 'V2', rec: null });
        entry.inCare = true;
      }
      entry.state = next;
      if (!entry.inCare && !model.transitions[bandForAge(model, ageYearsAtMonthStart(child.birthMonth, month + 1))?.id ?? '']?.[next]) {
        live.splice(i, 1);
        continue;
      }
      const birthday = birthdayAgeInMonth(child.birthMonth, month);
      if (birthday !== undefined && birthday >= 19 && birthday <= 21 && OC3_CODES[next]) {
        const returnYear = month % 12 >= 3 ? Math.floor(month / 12) + 1 : Math.floor(month / 12);
        child.oc3.push({ returnYear, state: next });
      }
    }
  }

  const files: Ssda903Upload[] = [];
  const dob = (c: SimChild) => isoDate(dayNumber(Math.floor(c.birthMonth / 12), (c.birthMonth % 12) + 1, 15));
  const ukDate = (day: number) => {
    const [y, m, d] = isoDate(day).split('-');
    return `${d}/${m}/${y}`;
  };
  let inCareAtEnd = 0;
  const lastEnd = returnYearEndDay(options.lastYear);
  for (const c of children) {
    const lastEpisode = c.episodes[c.episodes.length - 1];
    if (lastEpisode.start <= lastEnd && (lastEpisode.end === null || lastEpisode.end > lastEnd)) inCareAtEnd += 1;
  }
  for (let year = options.firstYear; year <= options.lastYear; year++) {
    const yearStart = returnYearStartDay(year);
    const yearEnd = returnYearEndDay(year);
    const episodeLines = ['CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE'];
    const headerLines = ['CHILD,SEX,DOB,ETHNIC'];
    const oc3Lines = ['CHILD,DOB,IN_TOUCH,ACTIV,ACCOM'];
    for (const c of children) {
      let present = false;
      for (const e of c.episodes) {
        if (e.start > yearEnd || (e.end !== null && e.end < yearStart)) continue;
        present = true;
        const closed = e.end !== null && e.end <= yearEnd;
        const codes = PLACEMENT_CODES[e.state];
        const rpc = closed && e.rec === 'X1' ? 'CARPL' : '';
        episodeLines.push(
          `${c.id},${ukDate(e.start)},${e.rne},${e.ls},N1,${codes.place},${codes.provider},${closed ? ukDate(e.end!) : ''},${closed ? e.rec : ''},${rpc}`,
        );
      }
      const [y, m, d] = dob(c).split('-');
      if (present) headerLines.push(`${c.id},1,${d}/${m}/${y},WBRI`);
      for (const r of c.oc3) {
        if (r.returnYear !== year) continue;
        const codes = OC3_CODES[r.state];
        // Training or employment is F3 up to 2020-21, F5 (employment) from 2021-22 (code-lists.ts).
        const activ = codes.activ === 'F3' && year >= 2022 ? 'F5' : codes.activ;
        oc3Lines.push(`${c.id},${d}/${m}/${y},${codes.inTouch},${activ},${codes.accom}`);
      }
    }
    files.push({ name: `${year}-episodes.csv`, buffer: Buffer.from(`${episodeLines.join('\r\n')}\r\n`) });
    files.push({ name: `${year}-header.csv`, buffer: Buffer.from(`${headerLines.join('\r\n')}\r\n`) });
    files.push({ name: `${year}-uasc.csv`, buffer: Buffer.from('CHILD,SEX,DOB,DUC\r\n') });
    files.push({ name: `${year}-oc3.csv`, buffer: Buffer.from(`${oc3Lines.join('\r\n')}\r\n`) });
  }
  const entryMeanByAge = ENTRY_PROFILE.map((e) =>
    Object.fromEntries(Object.entries(e.start).map(([state, share]) => [state, (options.entriesPerMonth * e.weight * share) / totalWeight])),
  );
  return { files, truth: model, children: children.length, inCareAtEnd, entryMeanByAge };
}
