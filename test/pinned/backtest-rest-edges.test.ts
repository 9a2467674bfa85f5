import t, { type Test } from 'tap';
import { backtest, propagate, truncateToReturnYear } from '../../src/calibration/backtest.ts';
import { calibrate, originShares } from '../../src/calibration/calibrate.ts';
import { ageYearsAtMonthStart, monthIndex, returnYearFirstMonth } from '../../src/calibration/dates.ts';
import { type ImportedSsda903, importSsda903 } from '../../src/calibration/import.ts';
import { DEFAULT_MAPPING, type Ssda903Mapping } from '../../src/calibration/mapping.ts';
import { syntheticModel } from '../../src/calibration/synthetic-authority.ts';

/**
 * `backtest` itself (src/calibration/backtest.ts, from its option checks to the result), on one
 * small authority of nine children over four returns, fast enough (about 2 s) to run for every
 * mutant of those lines: every count, stock and benchmark counted by hand below, the projection
 * recomposed from the exported pieces (the refit, `propagate`, `originShares`), and the seeded
 * interval pinned. backtest-edges.test.ts pins the helpers and other authorities; this file
 * names the mutants of `backtest` it kills beside each assertion. Equivalent survivors:
 * /work/mut-mc.md, then test/pinned/MUTATION-SURVIVORS.md.
 */

const close = (t: Test, actual: number | null | undefined, expected: number, tol: number, msg: string) =>
  t.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tol, `${msg}: ${actual} vs ${expected} (±${tol})`);

const model = syntheticModel();

const EPISODES = 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE';
const csv = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`);
const importReturns = (returns: Record<number, string[]>, born: Record<string, string>) =>
  importSsda903(
    Object.entries(returns).flatMap(([year, lines]) => [
      { name: `${year}-episodes.csv`, buffer: csv([EPISODES, ...lines]) },
      { name: `${year}-header.csv`, buffer: csv(['CHILD,SEX,DOB,ETHNIC', ...[...new Set(lines.map((l) => l.split(',')[0]))].map((c) => `${c},1,${born[c]},WBRI`)]) },
      { name: `${year}-oc3.csv`, buffer: csv(['CHILD,DOB,IN_TOUCH,ACTIV,ACCOM']) },
    ]),
    { pseudonymKey: 'k' },
  );

/**
 * Nine children over the returns for 2021 to 2024 (years ending 31 March), SSDA903 codes as the
 * synthetic authority writes them:
 *
 * A1, A2 (700001-2), twins born June 2012: in-house foster care (U6, PR1) from 1 January 2020
 *   (before the first return's year: no entry), open throughout.
 * B (700003), born September 2014: foster care of unknown kind (U6, no provider) from 5 May 2021
 *   (an entry, return 2022), open throughout.
 * C (700004), born March 2010: residential (K2, PR4) from 1 June 2020 (an entry, return 2021),
 *   sentenced (E9) on 10 October 2022: followed in custody, not counted, not in the start.
 * D (700005), born March 2010: residential from 1 June 2020 (an entry, return 2021), home (E4A)
 *   on 10 October 2022: followed at home, in the start population, not in care.
 * S (700006), born October 2006: supported accommodation (H5, PR4) from 20 November 2021 (an
 *   entry, return 2022), open throughout.
 * G (700007), born May 2015: placed with parents (P1) from 3 March 2023 (an entry, return 2023),
 *   open: in care on 1 April 2023, the start day, so not an entrant of the year projected.
 * V (700008), born January 2011: in-house foster care from 1 February 2023 (an entry, return
 *   2023), open on 31 March 2023 and absent from the 2024 return: vanished, left out.
 * E (700009), born September 2016: agency foster care (U6, PR4) from 14 August 2023: the one
 *   entrant of the year projected.
 *
 * Backtest of 2024: fitted on 2021-2023 (three returns, 36 months) with six entries (C, D, B, S,
 * V, G; 2, 2 and 2 a return year): 2 expected entrants a year. Stocks by group (V left out):
 *   1 April 2022: A1, A2, B fostering; C, D residential; S supported   → 3, 2, 1, 0;
 *   1 April 2023: A1, A2, B fostering; S supported; G other            → 3, 0, 1, 1 (carried forward, 5);
 *   1 April 2024: A1, A2, B, E fostering; S supported; G other         → 4, 0, 1, 1 (the actual, 6).
 * Last year's flows, 2·now − year before, floored at 0: 3, max(0, −2) = 0, 1, 2 (total 6).
 * Summed group errors: carried forward |3 − 4| = 1; last year's flows |3 − 4| + |2 − 1| = 2.
 */
const BORN: Record<string, string> = {
  '700001': '15/06/2012',
  '700002': '15/06/2012',
  '700003': '15/09/2014',
  '700004': '15/03/2010',
  '700005': '15/03/2010',
  '700006': '15/10/2006',
  '700007': '15/05/2015',
  '700008': '15/01/2011',
  '700009': '01/09/2016',
};
const open = (child: string, from: string, place: string, provider: string) => `${child},${from},S,C2,N1,${place},${provider},,,`;
const twin = (child: string) => open(child, '01/01/2020', 'U6', 'PR1');
const B = open('700003', '05/05/2021', 'U6', '');
const S = open('700006', '20/11/2021', 'H5', 'PR4');
const G = open('700007', '03/03/2023', 'P1', 'PR0');
const RETURNS: Record<number, string[]> = {
  2021: [twin('700001'), twin('700002'), open('700004', '01/06/2020', 'K2', 'PR4'), open('700005', '01/06/2020', 'K2', 'PR4')],
  2022: [twin('700001'), twin('700002'), B, open('700004', '01/06/2020', 'K2', 'PR4'), open('700005', '01/06/2020', 'K2', 'PR4'), S],
  2023: [twin('700001'), twin('700002'), B, '700004,01/06/2020,S,C2,N1,K2,PR4,10/10/2022,E9,', '700005,01/06/2020,S,C2,N1,K2,PR4,10/10/2022,E4A,', open('700008', '01/02/2023', 'U6', 'PR1'), S, G],
  2024: [twin('700001'), twin('700002'), B, open('700009', '14/08/2023', 'U6', 'PR4'), S, G],
};
let cached: Promise<ImportedSsda903> | undefined;
/** The nine children, imported once (inside the first test that asks, never at the top level). */
const nineChildren = () => (cached ??= importReturns(RETURNS, BORN));

const GROUP_STATES = {
  fostering: ['kinship_foster', 'inhouse_foster', 'ifa_foster'],
  residential: ['secure_home', 'residential'],
  supported: ['supported_accommodation'],
  other: ['placed_for_adoption', 'placed_with_parents', 'youth_custody', 'other_placement'],
};
const COUNTED = new Set(Object.values(GROUP_STATES).flat());

t.test('nine children: counts, stocks, benchmarks and the verdict by hand; the projection recomposed', async (t) => {
  const imported = await nineChildren();
  t.same(imported.returnYears, [2021, 2022, 2023, 2024]);
  const result = backtest(imported, { priorModel: model, year: 2024, draws: 21, intervalLevel: 0.5, seed: 7 });
  // The fit window (default: the 4 years before, 3 there), passed to the refit.
  t.same(result.fitWindow, { fromYear: 2021, toYear: 2023 });
  t.equal(result.fitWindowRule, '2021-2023: the 4 return years before the year projected (as many as there are: 3)');
  t.same(result.fit, {
    window: { fromYear: 2021, toYear: 2023 },
    note: 'The backtest refits the same method on the returns 2021-2023 only (a fit of its own, not stored or published) and projects 2024 from it; `model` names the published model whose method it tests, which was fitted on the calibration window.',
  });
  t.same(result.model, { id: 'synthetic-truth-calibrated', version: '1.0.0' });
  t.equal(result.year, 2024);
  // Kills the start's guards: the vanished skip (V would start: 7), DESTINATION_ONLY and the
  // followed-in-a-care-state skip (C would start: 7), `startPopulation += 1` → `-=`.
  t.equal(result.startPopulation, 6, 'A1, A2, B, S, G in care and D followed at home');
  t.equal(result.vanished, 1, 'V');
  // Kills the actual entrants' month loop from `startMonth + 1` (from `startMonth`, G on the start
  // day would count: 2).
  t.equal(result.actualEntrants, 1, 'E alone');
  close(t, result.expectedEntrants, 2, 1e-12, '6 entries in 36 months: 2 a year');
  t.same(result.interval, {
    level: 0.5,
    draws: 21,
    seed: 7,
    method: 'simulation: rows drawn from the posterior Dirichlet (rateUncertainty), entrants Poisson with a Gamma rate from the entry counts, and each child’s months drawn',
  });

  // Groups, benchmarks and the verdict, by hand (see the comment above the data).
  t.same(result.groups.map((g) => [g.group, g.states, g.actual, g.carriedForward, g.lastYearsFlows]), [
    ['fostering', GROUP_STATES.fostering, 4, 3, 3],
    ['residential', GROUP_STATES.residential, 0, 0, 0],
    ['supported', GROUP_STATES.supported, 1, 1, 1],
    ['other', GROUP_STATES.other, 1, 1, 2],
  ]);
  t.same(result.benchmarks, [
    { method: 'carried_forward', description: 'the children in care on 31 March 2023, by group, as the forecast for 31 March 2024', total: 5, groupError: 1 },
    {
      method: 'last_years_flows',
      description: "the stock on 31 March 2023 changed by the year's net flow to it (entries − exits ± moves between groups, from 31 March 2022), by group, floored at 0",
      total: 6,
      groupError: 2,
    },
  ]);
  t.equal(result.overall.actual, 6);

  // The refit and the projection, recomposed from the exported pieces.
  const fit = calibrate(truncateToReturnYear(imported, 2023), { priorModel: model, intervalLevel: 0.5, referenceWindow: { fromYear: 2021, toYear: 2023 }, forPublication: false });
  t.same(result.calibration, fit.report.headline, 'the refit at the interval level asked for');
  t.equal(fit.report.window.months, 36);
  const start = returnYearFirstMonth(2024);
  const end = start + 12;
  const bBorn = monthIndex(2014, 9);
  t.equal(ageYearsAtMonthStart(bBorn, start), 8);
  const [inhouse, ifa] = originShares(fit.model, '5-9', ['inhouse_foster', 'ifa_foster']);
  t.ok(inhouse > 0 && ifa > 0 && Math.abs(inhouse - ifa) > 1e-6, `B's two shares differ (${inhouse}, ${ifa})`);
  // The actual counts B by the same shares (aged 9 on 1 April 2024, the same band), E in agency care.
  const actualOf = (state: string) => result.states.find((s) => s.state === state)?.actual;
  close(t, actualOf('inhouse_foster'), 2 + inhouse, 1e-12, 'A1, A2 and B’s in-house share');
  close(t, actualOf('ifa_foster'), 1 + ifa, 1e-12, 'E and B’s agency share');
  t.same(['supported_accommodation', 'placed_with_parents', 'residential', 'youth_custody'].map(actualOf), [1, 1, 0, 0]);
  // Who starts: the twins (one propagation, counted twice), B by the shares, S, G, and D at home.
  const starters: Array<[number, Map<string, number>, number]> = [
    [monthIndex(2012, 6), new Map([['inhouse_foster', 1]]), 2],
    [bBorn, new Map([['inhouse_foster', inhouse], ['ifa_foster', ifa]]), 1],
    [monthIndex(2006, 10), new Map([['supported_accommodation', 1]]), 1],
    [monthIndex(2015, 5), new Map([['placed_with_parents', 1]]), 1],
    [monthIndex(2010, 3), new Map([['returned_home', 1]]), 1],
  ];
  const expected = new Map<string, number>();
  const variance = new Map<string, number>();
  let inCareExpected = 0;
  let inCareVariance = 0;
  for (const [born, dist, n] of starters) {
    let inCare = 0;
    for (const [s, p] of propagate(fit.model, born, dist, start, end)) {
      if (!COUNTED.has(s)) continue;
      expected.set(s, (expected.get(s) ?? 0) + n * p);
      variance.set(s, (variance.get(s) ?? 0) + n * p * (1 - p));
      inCare += p;
    }
    inCareExpected += n * inCare;
    inCareVariance += n * inCare * (1 - inCare);
  }
  // Entrants: each single year of age's entries a month (count / 36), a twelfth per birth month,
  // entering on each of the twelve months after the start, Poisson (variance = mean).
  t.same(
    fit.report.entries.byAge.map((c) => [c.ageYears, c.state]),
    [[6, 'ifa_foster'], [6, 'inhouse_foster'], [7, 'placed_with_parents'], [10, 'residential'], [12, 'inhouse_foster'], [15, 'supported_accommodation']],
    'B at 6 (split by the prior’s shares), G at 7, C and D at 10, V at 12, S at 15',
  );
  for (const { ageYears, state, count } of fit.report.entries.byAge) {
    for (let j = 1; j <= 12; j++) {
      for (let r = 0; r < 12; r++) {
        for (const [s, p] of propagate(fit.model, start + j - 1 - (12 * ageYears + r), new Map([[state, count / 36 / 12]]), start + j, end)) {
          if (!COUNTED.has(s)) continue;
          expected.set(s, (expected.get(s) ?? 0) + p);
          variance.set(s, (variance.get(s) ?? 0) + p);
          inCareExpected += p;
          inCareVariance += p;
        }
      }
    }
  }
  // Every counted state is listed (each has some projected chance here), in the model's order.
  t.same(result.states.map((s) => s.state), ['placed_for_adoption', 'supported_accommodation', 'secure_home', 'residential', 'placed_with_parents', 'youth_custody', 'kinship_foster', 'inhouse_foster', 'ifa_foster', 'other_placement']);
  for (const s of result.states) {
    close(t, s.projected, expected.get(s.state) ?? 0, 1e-12, `${s.state} projected`);
    close(t, s.sd, Math.sqrt(variance.get(s.state) ?? 0), 1e-12, `${s.state} sd: binomial for the start, Poisson for entrants`);
    t.equal(s.group, Object.entries(GROUP_STATES).find(([, list]) => list.includes(s.state))?.[0], `${s.state} group`);
    t.equal(s.error, s.projected - s.actual, `${s.state} error`);
    t.equal(s.absoluteError, Math.abs(s.projected - s.actual), `${s.state} absolute error`);
    if (s.actual > 0) close(t, s.percentError, ((s.projected - s.actual) / s.actual) * 100, 1e-12, `${s.state} % error`);
    else t.equal(s.percentError, null, `${s.state}: no % error with none actual`);
  }
  t.ok(result.states.some((s) => s.projected < s.actual) && result.states.some((s) => s.projected > s.actual), 'errors of both signs');
  const o = result.overall;
  close(t, o.projected, inCareExpected, 1e-12, 'overall projected');
  close(t, o.sd, Math.sqrt(inCareVariance), 1e-12, 'overall sd');
  close(t, o.error, inCareExpected - 6, 1e-12, 'overall error');
  close(t, o.percentError, ((inCareExpected - 6) / 6) * 100, 1e-12, 'overall % error');
  const sumAbs = result.states.reduce((a, s) => a + Math.abs((expected.get(s.state) ?? 0) - s.actual), 0);
  close(t, o.sumAbsoluteError, sumAbs, 1e-12, 'sum of absolute errors by state');
  close(t, o.wape, (sumAbs / 6) * 100, 1e-12, 'WAPE');
  let groupError = 0;
  for (const g of result.groups) {
    const p = GROUP_STATES[g.group].reduce((a, s) => a + (expected.get(s) ?? 0), 0);
    close(t, g.projected, p, 1e-12, `${g.group} projected`);
    close(t, g.error, p - g.actual, 1e-12, `${g.group} error`);
    close(t, g.absoluteError, Math.abs(p - g.actual), 1e-12, `${g.group} absolute error`);
    groupError += Math.abs(p - g.actual);
  }
  close(t, o.groupError, groupError, 1e-12, 'summed group error');
  t.ok(groupError > 1 && groupError < 2, `the model (${groupError}) between the benchmarks (1 and 2)`);
  t.equal(result.verdict, 'In 2024 the stock carried forward did better than the model (smaller summed group error); the model did better than last year’s flows.');
  t.same(result.entryRates, {
    basis: 'national',
    note: 'entry rates are national (no population was given): the calibrated model keeps the prior’s chance of entering care; this backtest projects entrants from the authority’s own entry counts over the fit window, so it tests the model once children are in care, not its entry rates',
  });

  // The seeded interval (seed 7, 21 draws, central 50%): a regression pin, as computed at this
  // commit. With 21 draws the quartiles are the sorted totals' s(5) and s(15) exactly. The actual
  // (6) is the lower end: kills `actualTotal >= lower` → `>`. Kills the quantile levels
  // (`(1 − level) / 2`), the sort, the mean's divisor and the sd's `draws − 1`.
  t.same([o.lower, o.upper, o.inInterval], [6, 8, true]);
  close(t, o.simulatedMean, 144 / 21, 1e-12, 'mean of the 21 totals');
  close(t, o.predictiveSd, 1.6212869667555552, 1e-12, 'sd of the totals, n − 1');
  t.same(result.groups.map((g) => [g.group, g.lower, g.upper]), [
    ['fostering', 3, 5],
    ['residential', 0, 1],
    ['supported', 1, 1],
    ['other', 1, 2],
  ]);
});

/** One child, born March 2010, in residential care (K2, PR4) from 1 June 2020, in the returns for 2021 to 2023; `left`: home (E4A) on 10 October 2022. */
const oneChild = (left = false) => {
  const episode = '800001,01/06/2020,S,C2,N1,K2,PR4,,,';
  const last = left ? '800001,01/06/2020,S,C2,N1,K2,PR4,10/10/2022,E4A,' : episode;
  return importReturns({ 2021: [episode], 2022: [episode], 2023: [last] }, { '800001': '15/03/2010' });
};

t.test('the options: checked in words before any fit; the defaults; the fit window, the seed and the entry-rate basis passed on', async (t) => {
  const imported = await oneChild();
  // Kills the year bounds (`year − 1 < first` → `<=`, `year > last` → `>=`, `||` → `&&`, either
  // side → false), the level's and the draws' checks and their messages.
  const refused = (options: { year: number; intervalLevel?: number; draws?: number }, message: string) => t.throws(() => backtest(imported, { priorModel: model, ...options }), new RangeError(message), message);
  refused({ year: 2021 }, 'backtest year 2021 needs the returns for 2020 and 2021; 2021 to 2023 were imported');
  refused({ year: 2024 }, 'backtest year 2024 needs the returns for 2023 and 2024; 2021 to 2023 were imported');
  for (const level of [0, 1, -0.5, 1.5, Number.NaN]) refused({ year: 2023, intervalLevel: level }, `the interval level must be between 0 and 1, not ${level}`);
  for (const draws of [19, 0, 100_001, 20.5, Number.NaN]) refused({ year: 2023, draws }, `draws must be a whole number from 20 to 100000, not ${draws}`);

  // The defaults: level 0.9, 1000 draws, seed 903 (a regression pin of the 1000 draws' mean).
  // Kills `?? 0.9`, `?? 1000`, `?? 903` and the level passed to the refit.
  const plain = backtest(imported, { priorModel: model, year: 2023 });
  t.same([plain.interval.level, plain.interval.draws, plain.interval.seed], [0.9, 1000, 903]);
  close(t, plain.overall.simulatedMean, 1.619, 1e-12, 'the mean of 1000 seeded totals');
  const fit = calibrate(truncateToReturnYear(imported, 2022), { priorModel: model, intervalLevel: 0.9, referenceWindow: { fromYear: 2021, toYear: 2022 }, forPublication: false });
  t.same(plain.calibration, fit.report.headline);
  t.same([plain.startPopulation, plain.expectedEntrants, plain.actualEntrants, plain.overall.actual], [1, 0.5, 0, 1], 'one entry (June 2020) in 24 months');

  // The last year imported and 20 draws are allowed (`year > last` → `>=`, `draws >= 20` → `>`);
  // the seed changes the interval's draws and nothing else.
  const seeded = backtest(imported, { priorModel: model, year: 2023, draws: 20, seed: 5 });
  t.equal(seeded.interval.seed, 5);
  t.equal(seeded.overall.projected, plain.overall.projected, 'the projection does not depend on the seed');
  const unseeded = backtest(imported, { priorModel: model, year: 2023, draws: 20 });
  t.not(
    [seeded.overall.simulatedMean, seeded.overall.predictiveSd].join(),
    [unseeded.overall.simulatedMean, unseeded.overall.predictiveSd].join(),
    'seed 5 draws other totals than 903',
  );
  close(t, unseeded.overall.simulatedMean, 1.6, 1e-12, 'seed 903, 20 draws (a regression pin)');

  // The first year that has one before it (`year − 1 < first` → `<=`): fitted on 2021 alone.
  const first = backtest(imported, { priorModel: model, year: 2022, draws: 20 });
  t.same(first.fitWindow, { fromYear: 2021, toYear: 2021 });

  // fitYears and a chosen window reach fitWindowFor (and through it the refit).
  const one = backtest(imported, { priorModel: model, year: 2023, draws: 20, fitYears: 1 });
  t.same([one.fitWindow, one.fitWindowRule], [{ fromYear: 2022, toYear: 2022 }, '2022-2022: the 1 return year before the year projected (as many as there are: 1)']);
  t.equal(one.expectedEntrants, 0, 'no entry in 2022');
  const chosen = backtest(imported, { priorModel: model, year: 2023, draws: 20, referenceWindow: { fromYear: 2021, toYear: 2021 } });
  t.same([chosen.fitWindow, chosen.fitWindowRule, chosen.expectedEntrants], [{ fromYear: 2021, toYear: 2021 }, 'the chosen window, 2021-2021', 1]);

  // A population makes the refit's entry rates local: the note says so. Kills the basis's
  // `?? 'national'` and the note's `basis === 'national'` branch.
  const local = backtest(imported, { priorModel: model, year: 2023, draws: 20, population: { '10-15': 24_000 } });
  t.same(local.entryRates, {
    basis: 'local',
    note: 'entry rates are local: the calibrated model’s chance of entering care is the authority’s; this backtest projects entrants from the authority’s own entry counts over the fit window',
  });
});

t.test('nobody in care at the end: no percentage errors, the interval checked at 0', async (t) => {
  // The child goes home on 10 October 2022. Backtest of 2023: the start population is the one
  // child in care on 1 April 2022, the actual 0. Kills `actualTotal > 0` → `>= 0` (the % error and
  // the WAPE) and the interval check at 0.
  const result = backtest(await oneChild(true), { priorModel: model, year: 2023, draws: 20 });
  t.equal(result.startPopulation, 1);
  t.equal(result.overall.actual, 0);
  t.equal(result.overall.percentError, null);
  t.equal(result.overall.wape, null);
  t.ok(result.overall.projected > 0);
  t.equal(result.overall.inInterval, result.overall.lower <= 0, 'in the interval only when its lower end is 0');
  t.same(result.groups.map((g) => g.actual), [0, 0, 0, 0]);
  t.ok(result.states.every((s) => s.percentError === null && s.actual === 0));
  t.same(result.states.map((s) => s.state).includes('residential'), true, 'the state of a placement is listed though none is there at the end');
});

t.test('who starts, who enters, and an actual above the interval', async (t) => {
  // Backtest of 2023 (start 1 April 2022, end 1 April 2023), fitted on 2021-2022. All born March
  // 2010 and in residential care (K2, PR4) unless said:
  //   900001: from 1 June 2020, open throughout: starts.
  //   900003: born May 2018, in-house foster care from 1 June 2020, adopted (E11) on 10 October
  //     2020: followed after adoption, so in the start population, not in care.
  //   900005: from 1 June 2020, care taken over elsewhere (E3) on 15 February 2022: destination
  //     seen on 1 March, unobserved on 1 April 2022: not in the start.
  //   900006: from 1 June 2020, E3 on 15 March 2022: on 1 April 2022 the exit's destination, seen
  //     once (DESTINATION_ONLY): not in the start.
  //   900002: from 1 April 2022, the start day: absent from the data the fit knows (to 31 March
  //     2022), and no entrant of the year: in the actual only.
  //   900015: from 1 June 2020, home (E4A) on 10 October 2021: followed at home, so in the start
  //     population; back in care on 10 June 2022: a return the model projects from the start
  //     (the month before is a followed month), not an entrant.
  //   900016: in care from 5 to 20 June 2022, then home: never in care on the first of a month,
  //     so no entrant (its history's first month is July 2022, at home, followed).
  //   900007-900014: entering on the 10th of June, July, August, September, October, November,
  //     December 2022 and March 2023 (in care on 1 April 2023, the end month): the 8 entrants.
  // Entries in the fit window: five (900001, 900003, 900005, 900006, 900015, June 2020) in 24
  // months: 2.5 a year. The actual on 1 April 2023: 900001, 900002, 900015 and the 8 entrants, all residential
  // (11), far above the interval. Stocks: residential 1 on 1 April 2022, 4 on 1 April 2021 (900001,
  // 900005, 900006, 900015): last year's flows max(0, 2 − 4) = 0.
  // Kills 542:47 (`truncateToReturnYear(imported, year + 1)`: 900002 would start), 580 (`target <
  // 0` → false: throws on 900005), 583 (`=== DESTINATION_ONLY` → false: 900006 would start), 634
  // (`month <= endMonth` → `<`: 900010 missed), 636:27 (`i === 0` → true: 900015's return
  // counted), 637's `||` variants (900005's unobserved months counted as entries), 637's
  // `h.entered[i]` → true and its `||` variants (900016's first month, at home, counted) and 749's
  // (`actualTotal >= lower || …`, `… <= upper` → true).
  const res = (child: string, from = '01/06/2020') => `${child},${from},S,C2,N1,K2,PR4,,,`;
  const entrants = ['900007,10/06/2022', '900011,10/07/2022', '900012,10/08/2022', '900008,10/09/2022', '900013,10/10/2022', '900014,10/11/2022', '900009,10/12/2022', '900010,10/03/2023'].map((s) => res(...(s.split(',') as [string, string])));
  const returns = {
    2021: [res('900001'), '900003,01/06/2020,S,C2,N1,U6,PR1,10/10/2020,E11,', res('900005'), res('900006'), res('900015')],
    2022: [res('900001'), '900005,01/06/2020,S,C2,N1,K2,PR4,15/02/2022,E3,', '900006,01/06/2020,S,C2,N1,K2,PR4,15/03/2022,E3,', '900015,01/06/2020,S,C2,N1,K2,PR4,10/10/2021,E4A,'],
    2023: [res('900001'), res('900002', '01/04/2022'), ...entrants, res('900015', '10/06/2022'), '900016,05/06/2022,S,C2,N1,K2,PR4,20/06/2022,E4A,'],
  };
  const born = Object.fromEntries(Object.values(returns).flat().map((l) => [l.split(',')[0], l.startsWith('900003') ? '15/05/2018' : '15/03/2010']));
  const result = backtest(await importReturns(returns, born), { priorModel: model, year: 2023, draws: 20 });
  t.same(result.fitWindow, { fromYear: 2021, toYear: 2022 });
  t.same([result.startPopulation, result.actualEntrants, result.vanished, result.expectedEntrants], [3, 8, 0, 2.5], '900001, 900003, 900015; 5 entries in 24 months');
  t.equal(result.overall.actual, 11);
  t.same(result.groups.map((g) => [g.group, g.actual, g.carriedForward, g.lastYearsFlows]), [
    ['fostering', 0, 0, 0],
    ['residential', 11, 1, 0],
    ['supported', 0, 0, 0],
    ['other', 0, 0, 0],
  ]);
  // The seeded interval (seed 903, 20 draws), a regression pin: [0, 7], so 11 is outside.
  t.same([result.overall.lower, result.overall.upper].map((x) => Math.round(x * 1e9) / 1e9), [0, 7]);
  t.equal(result.overall.inInterval, false, '11 above the interval');
});

t.test('everyone goes home: an actual below the interval', async (t) => {
  // Six children, born March 2010, in residential care (K2, PR4) from 1 June 2020, all home (E4A)
  // on 10 October 2022. Backtest of 2023: six start in care, none is in care on 1 April 2023, and
  // the interval's lower end (a regression pin, seed 903, 20 draws) is above 0. Kills 749:19
  // (`actualTotal >= lower` → true).
  const children = ['910001', '910002', '910003', '910004', '910005', '910006'];
  const returns = {
    2021: children.map((c) => `${c},01/06/2020,S,C2,N1,K2,PR4,,,`),
    2022: children.map((c) => `${c},01/06/2020,S,C2,N1,K2,PR4,,,`),
    2023: children.map((c) => `${c},01/06/2020,S,C2,N1,K2,PR4,10/10/2022,E4A,`),
  };
  const result = backtest(await importReturns(returns, Object.fromEntries(children.map((c) => [c, '15/03/2010']))), { priorModel: model, year: 2023, draws: 20 });
  t.same([result.startPopulation, result.overall.actual], [6, 0]);
  t.ok(result.overall.lower > 0, `lower end ${result.overall.lower}`);
  t.equal(result.overall.inInterval, false, '0 below the interval');
});

t.test('an actual on both ends of a narrow interval is in it', async (t) => {
  // The one child in care throughout, a central 10% interval of 20 draws with seed 2: [1, 1] (a
  // regression pin), and the actual is 1. Kills 749:43 (`actualTotal <= upper` → `<`).
  const result = backtest(await oneChild(), { priorModel: model, year: 2023, draws: 20, seed: 2, intervalLevel: 0.1 });
  t.same([result.overall.lower, result.overall.upper, result.overall.actual], [1, 1, 1]);
  t.equal(result.overall.inInterval, true);
});

t.test('the entry rate from each fit year’s own count', async (t) => {
  // Entries of 1, 2 and 3 children in the returns for 2021, 2022 and 2023 (residential, born
  // March 2010, all open). Backtest of 2024, fitted on 2021-2023: the Gamma rate of entrants
  // comes from the counts [1, 2, 3] (entryRateFor); the seeded mean of the 20 simulated totals is
  // a regression pin. Kills 625:138 (`y.returnYear === fromYear + i` → `!==`: the counts read
  // [2, 1, 1], another mean and variance).
  const children = ['920001', '920002', '920003', '920004', '920005', '920006'];
  const episode = (c: string, from: string) => `${c},${from},S,C2,N1,K2,PR4,,,`;
  const in2021 = [episode('920001', '01/06/2020')];
  const in2022 = [...in2021, episode('920002', '01/06/2021'), episode('920003', '01/07/2021')];
  const in2023 = [...in2022, episode('920004', '01/06/2022'), episode('920005', '01/07/2022'), episode('920006', '01/08/2022')];
  const imported = await importReturns({ 2021: in2021, 2022: in2022, 2023: in2023, 2024: in2023 }, Object.fromEntries(children.map((c) => [c, '15/03/2010'])));
  const result = backtest(imported, { priorModel: model, year: 2024, draws: 20 });
  t.same([result.startPopulation, result.expectedEntrants, result.overall.actual], [6, 2, 6], '6 entries in 36 months');
  t.same([result.overall.simulatedMean, result.overall.lower, result.overall.upper].map((x) => Math.round(x * 1e9) / 1e9), [7.8, 6, 10]);
});

t.test('a looked-after state no placement code maps to is still counted as in care', async (t) => {
  // A mapping without the adoption placements (A3-A6): placed_for_adoption is then no state a
  // placement maps to, but it is looked after, so counted: listed with its projected chance,
  // and the overall projection is the sum over the states listed. Kills 554 (the looked-after
  // states left out of `counted`: placed_for_adoption would not be listed) and the filter's
  // variants at 648 that drop a counted state outside the placement states when it has a
  // projected chance (`… && careStates.has(state)`, `false`, `expected ≤ 0`).
  const placements = Object.fromEntries(Object.entries(DEFAULT_MAPPING.placements).filter(([, rule]) => rule.state !== 'placed_for_adoption'));
  t.ok(Object.keys(placements).length < Object.keys(DEFAULT_MAPPING.placements).length, 'some codes removed');
  const mapping = { ...DEFAULT_MAPPING, placements } as Ssda903Mapping;
  const result = backtest(await oneChild(), { priorModel: model, year: 2023, draws: 20, mapping });
  const adoption = result.states.find((s) => s.state === 'placed_for_adoption');
  t.ok(adoption !== undefined && adoption.projected > 0 && adoption.actual === 0, `placed for adoption listed (${adoption?.projected})`);
  close(t, result.overall.projected, result.states.reduce((a, s) => a + s.projected, 0), 1e-12, 'the overall projection sums the states listed');
});
