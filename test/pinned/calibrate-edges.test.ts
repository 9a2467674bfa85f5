import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { assertUsable, calibrate, calibratedModelId, defaultWindow, originShares } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { DEFAULT_MAPPING } from '../../src/calibration/mapping.ts';
import { stepDistribution } from '../../src/calibration/model-structure.ts';
import { DESTINATION_FLOOR, monthlyFromAnnual, posteriorFromPseudoCounts, priorPseudoCounts, rateInterval, tidyRow } from '../../src/calibration/shrinkage.ts';
import { syntheticModel } from '../../src/calibration/synthetic-authority.ts';

/**
 * src/calibration/calibrate.ts worked by hand on tiny inputs, pure and fast, so that each mutant
 * of it (npm run mutate) meets exact figures or words: the window, the model id, the origin
 * shares, every option check with its field and message, the calibrated model's name, description
 * and sources, the moves within a state, and the refusals (nothing usable, nothing observed).
 * The hand fixture (test/fixtures/ssda903/hand) is the one of calibrate.test.ts: four children
 * over the 2023 and 2024 returns. Each test names the mutants it kills. Equivalent survivors:
 * test/pinned/MUTATION-SURVIVORS.md ("src/calibration/calibrate.ts").
 */

const FIXTURES = path.join(import.meta.dirname, '../fixtures/ssda903/hand');
const uploads = () => readdirSync(FIXTURES).map((name) => ({ name, buffer: readFileSync(path.join(FIXTURES, name)) }));
const prior = syntheticModel();
const close = (t: Test, actual: number | undefined, expected: number, tol: number, msg: string) =>
  t.ok(actual !== undefined && Math.abs(actual - expected) <= tol, `${msg}: ${actual} vs ${expected} (±${tol})`);

t.test('the default window is the last four returns, or as many as there are', async (t) => {
  // Kills `last − 3` → `last + 3`, Math.max → Math.min, and the first/last indices.
  t.same(defaultWindow({ returnYears: [2019, 2020, 2021, 2022, 2023, 2024, 2025] }), { fromYear: 2022, toYear: 2025 });
  t.same(defaultWindow({ returnYears: [2024, 2025] }), { fromYear: 2024, toYear: 2025 });
  t.same(defaultWindow({ returnYears: [2021, 2022, 2023, 2024] }), { fromYear: 2021, toYear: 2024 });
});

t.test('the calibrated model id: asked for, else the authority slug, else the prior id', async (t) => {
  // Kills the `if (options.modelId)` guard, the authority test, each regex of slug (the run of
  // non-alphanumerics, the trimmed ends, lower case), `.slice(0, 50)`, the `|| 'authority'`
  // fallback and `.slice(0, 64)`.
  t.equal(calibratedModelId({ priorId: 'p', modelId: 'mine', authorityName: 'Handshire' }), 'mine');
  t.equal(calibratedModelId({ priorId: 'p', modelId: '', authorityName: 'Handshire' }), 'handshire-calibrated', 'an empty id is no id');
  t.equal(calibratedModelId({ priorId: 'p', authorityName: '  St. Helen’s & Knowsley!! ' }), 'st-helen-s-knowsley-calibrated');
  t.equal(calibratedModelId({ priorId: 'p', authorityName: '***' }), 'authority-calibrated', 'nothing left of the name');
  t.equal(calibratedModelId({ priorId: 'p', authorityName: '' }), 'p-calibrated', 'an empty name is no name');
  t.equal(calibratedModelId({ priorId: 'p', authorityName: 'A'.repeat(60) }), `${'a'.repeat(50)}-calibrated`, 'the slug is cut at 50');
  t.equal(calibratedModelId({ priorId: 'q'.repeat(70) }), 'q'.repeat(64), 'the id is cut at 64');
  t.equal(calibratedModelId({ priorId: 'england-default' }), 'england-default-calibrated');
});

t.test('origin shares: a single state is 1; several split by the prior’s entries into them', async (t) => {
  // Kills `states.length === 1` → false, the `category !== 'looked_after'` filter, and `?? 0`.
  t.same(originShares(prior, '10-15', ['ifa_foster']), [1]);
  // Synthetic prior, 10-15: the states outside care with a row, summed chances of moving into
  // in-house (I) and agency (A) foster care, split in proportion.
  const rows = prior.transitions['10-15'];
  let inhouse = 0;
  let ifa = 0;
  for (const s of prior.states) {
    if (s.category === 'looked_after' || !rows[s.id]) continue;
    inhouse += rows[s.id].inhouse_foster ?? 0;
    ifa += rows[s.id].ifa_foster ?? 0;
  }
  t.ok(inhouse > 0 && ifa > 0 && inhouse !== ifa, 'both seen, unequal');
  const shares = originShares(prior, '10-15', ['inhouse_foster', 'ifa_foster']);
  close(t, shares[0], inhouse / (inhouse + ifa), 1e-15, 'in-house');
  close(t, shares[1], ifa / (inhouse + ifa), 1e-15, 'agency');
  // No entries into either from outside care (a band with no rows): equal shares.
  t.same(originShares(prior, 'no-such-band', ['inhouse_foster', 'ifa_foster']), [0.5, 0.5]);
});

t.test('every option is checked, naming its field, with the reason in words', async (t) => {
  // Kills each comparison of the window check (`>`, `<` at both ends, `||` → `&&`), the floor's
  // and the level's checks, the five weights' `> 0` and finiteness, and each message and field.
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const refused = (options: Record<string, unknown>, detail: string, field: string, reason: string) =>
    t.throws(() => calibrate(imported, { priorModel: prior, ...options }), { status: 400, message: detail, errors: [{ field, reason }] }, detail);
  const window = (fromYear: number, toYear: number) =>
    refused({ referenceWindow: { fromYear, toYear } }, `The reference window ${fromYear}-${toYear} must lie within the returns imported (2023-2024)`, 'referenceWindow', 'return years 2023 to 2024 are available');
  window(2024, 2023);
  window(2022, 2024);
  window(2023, 2025);
  for (const [fromYear, toYear] of [[2023, 2023], [2024, 2024], [2023, 2024]]) t.doesNotThrow(() => calibrate(imported, { priorModel: prior, referenceWindow: { fromYear, toYear } }), `${fromYear}-${toYear} is within`);
  for (const floor of [-1, -1e-12, Number.NaN, Number.POSITIVE_INFINITY]) refused({ destinationFloor: floor }, `destinationFloor must be 0 or more, not ${floor}`, 'destinationFloor', 'must be a number, 0 or more');
  t.doesNotThrow(() => calibrate(imported, { priorModel: prior, destinationFloor: 0 }), 'a floor of 0');
  for (const level of [0, 1, Number.NaN]) refused({ intervalLevel: level }, `The interval level must be between 0 and 1 (0.9 for 90%), not ${level}`, 'intervalLevel', 'must be a number above 0 and below 1');
  for (const field of ['priorWeight', 'ageTransitionPriorWeight', 'careLeaverPriorWeight', 'entryPriorWeight', 'distancePriorWeight']) {
    for (const value of [0, -2, Number.POSITIVE_INFINITY, Number.NaN]) refused({ [field]: value }, `${field} must be a positive number, not ${value}`, field, 'must be a positive number');
  }
});

t.test('the model says where it came from: name, description, sources, in words', async (t) => {
  // Kills the string and template mutants of the model's name, description, transition sources
  // and calibration source (title, publisher, year, note), the one-return test, `?? '1.0.0'`, the
  // concentration default, and the rounding of person-months. Found by this test: the window of
  // the monthly transitions was written "2022-24 to 2023-24" (the first year's end taken from the
  // last year); fixed to "2022-23 to 2023-24".
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const two = calibrate(imported, { priorModel: prior });
  t.equal(two.model.id, 'synthetic-truth-calibrated');
  t.equal(two.model.version, '1.0.0');
  t.equal(two.model.name, 'Local authority: Synthetic authority (truth), calibrated from SSDA903 returns 2023 to 2024 (years ending 31 March)');
  t.equal(
    two.model.description,
    "Transition rates calibrated from the authority's SSDA903 returns 2023 to 2024 (years ending 31 March), shrunk towards synthetic-truth 1.0.0 (Dirichlet prior weight 60 person-months per monthly row, 4 birthdays per row for leaving care at 18, 10 care-leaver-years per care leaver row). Costs, states and interventions are the prior's.",
  );
  t.same(two.model.transitionSources, [
    { describes: 'Monthly transitions between placements and out of care, by age band (2022-23 to 2023-24)', source: 'ssda903_calibration' },
    { describes: 'Leaving care at 18 (age transitions)', source: 'ssda903_calibration' },
    { describes: 'Care leaver transitions 18 to 21 (OC3 at 19, 20 and 21, converted to monthly)', source: 'ssda903_calibration' },
    { describes: 'Split of entries into care by starting placement', source: 'ssda903_calibration' },
    { describes: 'Prior, where the returns are silent or thin: All rates (invented)', source: 'synthetic' },
  ]);
  // 74 person-months (calibrate.test.ts counts them by hand) of 4 children; 12 rows, all shrunk.
  t.same(two.model.sources.ssda903_calibration, {
    title: 'SSDA903 returns 2023 to 2024 (years ending 31 March): 74 person-months of 4 children; rows shrunk towards synthetic-truth 1.0.0',
    publisher: 'Local authority (SSDA903 return to the DfE)',
    year: '2024',
    note: 'Calibrated by pathcast (mapping ssda903-default 1.1.0; prior weight 60 person-months per row; 12 of 12 rows have fewer than 240 person-months and lean on the prior).',
  });
  t.same(two.model.sources.synthetic, prior.sources.synthetic, 'the prior’s sources kept');
  t.same(two.report.headline, { rowsCalibrated: 12, rowsShrunk: 12, personMonths: 74, children: 4, entries: 1 });
  t.equal(two.model.rateUncertainty?.concentration, prior.rateUncertainty?.concentration ?? 10_000, 'the prior’s concentration where a row is not calibrated');

  const one = calibrate(imported, { priorModel: prior, authorityName: 'Handshire', version: '2.1.0', referenceWindow: { fromYear: 2024, toYear: 2024 } });
  t.equal(one.model.version, '2.1.0');
  t.equal(one.model.name, 'Handshire: Synthetic authority (truth), calibrated from the 2023-24 SSDA903 return');
  t.match(one.model.description, /^Transition rates calibrated from Handshire's 2023-24 SSDA903 return, shrunk towards synthetic-truth 1\.0\.0 \(/);
  t.equal(one.model.transitionSources[0].describes, 'Monthly transitions between placements and out of care, by age band (2023-24 to 2023-24)');
  t.same(one.model.sources.ssda903_calibration, {
    title: 'the 2023-24 SSDA903 return: 38 person-months of 4 children; rows shrunk towards synthetic-truth 1.0.0',
    publisher: 'Handshire',
    year: '2024',
    note: 'Calibrated by pathcast (mapping ssda903-default 1.1.0; prior weight 60 person-months per row; 11 of 11 rows have fewer than 240 person-months and lean on the prior).',
  });
  // A model with no rate uncertainty as the prior: 10,000 where no row was calibrated.
  const bare = structuredClone(prior);
  delete bare.rateUncertainty;
  t.equal(calibrate(imported, { priorModel: bare }).model.rateUncertainty?.concentration, 10_000);
});

t.test('moves within a state: (moves + w·prior) / (person-months + w), capped at 1, to 1e-8', async (t) => {
  // Kills the `+`/`*`/`/` of the estimate, `?? 0` of the prior rate, Math.min → max, the 1e8
  // rounding, and the `exposure === 0` skip (in-house has none in 2024: not listed).
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const { report, model } = calibrate(imported, { priorModel: prior });
  // Person-months in care by state (calibrate.test.ts): kinship B 24; in-house A 6; IFA A 8 + D 7;
  // residential C 20 (19 in 16-17 and the birthday month). No move within a state. w = 60.
  const expected = [
    ['kinship_foster', 24, 0.005],
    ['inhouse_foster', 6, 0.015],
    ['ifa_foster', 15, 0.015],
    ['residential', 20, 0.03],
  ] as const;
  t.same(report.withinStateMoves.map((m) => [m.state, m.moves, m.personMonths, m.prior]), expected.map(([s, n, p]) => [s, 0, n, p]));
  for (const [state, n, p] of expected) {
    const estimate = Math.round(((60 * p) / (n + 60)) * 1e8) / 1e8;
    t.equal(report.withinStateMoves.find((m) => m.state === state)?.estimate, estimate, `${state}: ${60 * p}/${n + 60}`);
    t.equal(model.states.find((s) => s.id === state)?.withinStatePlacementMoves, estimate);
  }
  t.equal(report.withinStateMoves.find((m) => m.state === 'kinship_foster')?.estimate, 0.00357143, '0.3/84 to 8 places');
  const only2024 = calibrate(imported, { priorModel: prior, referenceWindow: { fromYear: 2024, toYear: 2024 } }).report;
  t.same(only2024.withinStateMoves.map((m) => [m.state, m.personMonths]), [['kinship_foster', 12], ['ifa_foster', 9], ['residential', 8]], 'in-house: no month in 2024, not listed');
  // A prior with no rate of moves within a state: the prior counts 0; a weight of 1e-9 gives the observed rate.
  const noRate = structuredClone(prior);
  for (const s of noRate.states) delete s.withinStatePlacementMoves;
  const bare = calibrate(imported, { priorModel: noRate }).report.withinStateMoves;
  t.same(bare.map((m) => [m.prior, m.estimate]), [[null, 0], [null, 0], [null, 0], [null, 0]]);
});

const EPISODES = 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE';

t.test('refusals: no usable episode (both reasons), and nothing observed in the window', async (t) => {
  // Kills assertUsable's `episodes.length > 0` guard (→ true/false/>=), the actions test, the
  // short-break clause, the forPublication default and its guard, and the nothing-observed test
  // (each `=== 0` and `&&`).
  const noRows = await importSsda903([
    { name: '2024-episodes.csv', buffer: Buffer.from(`${EPISODES}\r\n`) },
    { name: '2024-header.csv', buffer: Buffer.from('CHILD,DOB\r\n') },
  ], { pseudonymKey: 'k' });
  t.same(noRows.report.actions, [], 'nothing cleaned');
  t.throws(() => assertUsable(noRows), { status: 422, message: 'No usable episodes: the episodes files hold no rows, so nothing can be calibrated and no model is published. The cleaning report is in errors.' });
  t.throws(() => calibrate(noRows, { priorModel: prior }), { status: 422, message: /^No usable episodes: the episodes files hold no rows/ }, 'calibrate refuses it for publication');
  const dropped = await importSsda903([
    { name: '2024-episodes.csv', buffer: Buffer.from(`${EPISODES}\r\n`) },
    { name: '2024-header.csv', buffer: Buffer.from('CHILD,SEX,DOB,ETHNIC\r\n') },
  ], { pseudonymKey: 'k' });
  t.throws(() => assertUsable(dropped), { status: 422, message: 'No usable episodes: every row was dropped or set aside in cleaning, so nothing can be calibrated and no model is published. The cleaning report is in errors.' });
  const shortBreaks = { ...dropped, report: { ...dropped.report, totals: { ...dropped.report.totals, shortBreaks: { children: 1, episodes: 2 } } } };
  t.throws(() => assertUsable(shortBreaks), { status: 422, message: 'No usable episodes: every row was dropped or set aside in cleaning (2 short-break episode(s) are excluded by design), so nothing can be calibrated and no model is published. The cleaning report is in errors.' });
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  t.doesNotThrow(() => assertUsable(imported), 'episodes: usable');

  // One child in care from 2 to 20 March 2023, then home: never in care on the first of a month,
  // and followed at home only from 1 April 2023, after the window: nothing is observed in 2023.
  const brief = await importSsda903([
    { name: '2023-episodes.csv', buffer: Buffer.from(`${EPISODES}\r\n300001,02/03/2023,S,V2,N1,U3,PR1,20/03/2023,E4A,\r\n`) },
    { name: '2023-header.csv', buffer: Buffer.from('CHILD,DOB\r\n300001,15/06/2015\r\n') },
  ], { pseudonymKey: 'k' });
  t.throws(() => calibrate(brief, { priorModel: prior }), {
    status: 422,
    message: 'Nothing was observed in 2023-2023: no month in a placement that maps to a state, no entry, no care leaver. No model is published.',
  });
  const draft = calibrate(brief, { priorModel: prior, forPublication: false });
  t.same(draft.report.headline, { rowsCalibrated: 0, rowsShrunk: 0, personMonths: 0, children: 0, entries: 0 }, 'not for publication: the report, with nothing in it');
});

/**
 * Two care leavers over the 2023, 2024 and 2025 returns (OC3 records at 19 and 20):
 *
 * L, born 15 May 2004, residential (K2, PR4) from 1 January 2021, left care on the 18th birthday
 *   (15 May 2022, E5: supported lodgings). OC3 at 19 (return 2024): in touch, F5, E1: supported
 *   lodgings; at 20 (return 2025): F5, U1: independent, in education or work.
 * M, born 15 July 2003, never in the episodes: OC3 at 19 (return 2023): G5, U1: independent, NEET;
 *   at 20 (return 2024): G5, S2: homeless.
 *
 * Care-leaver-years, band 18-20: supported lodgings → supported lodgings (L, 18 to 19, the year
 * after leaving counted from the leaving state, in return 2024) and → independent EET (L, 19 to 20,
 * return 2025); independent NEET → homeless (M, 19 to 20, return 2024). A year counts in the
 * window of its end.
 */
const careLeavers = () => {
  const file = (name: string, lines: string[]) => ({ name, buffer: Buffer.from(`${lines.join('\r\n')}\r\n`) });
  const OC3 = 'CHILD,DOB,IN_TOUCH,ACTIV,ACCOM';
  return importSsda903([
    file('2023-episodes.csv', [EPISODES, '400001,01/01/2021,S,C2,N1,K2,PR4,15/05/2022,E5,']),
    file('2023-header.csv', ['CHILD,SEX,DOB,ETHNIC', '400001,1,15/05/2004,WBRI']),
    file('2023-oc3.csv', [OC3, '400002,15/07/2003,YES,G5,U1']),
    file('2024-episodes.csv', [EPISODES]),
    file('2024-header.csv', ['CHILD,SEX,DOB,ETHNIC']),
    file('2024-oc3.csv', [OC3, '400001,15/05/2004,YES,F5,E1', '400002,15/07/2003,YES,G5,S2']),
    file('2025-episodes.csv', [EPISODES]),
    file('2025-header.csv', ['CHILD,SEX,DOB,ETHNIC']),
    file('2025-oc3.csv', [OC3, '400001,15/05/2004,YES,F5,U1']),
  ], { pseudonymKey: 'k' });
};

t.test('care leavers: years counted by hand, the annual update converted to monthly, weighed in care-leaver-years', async (t) => {
  // Kills countCareLeavers' pairing (at 18 → 19 from the leaving state, 19 → 20), the window test
  // (`>=`/`<=` at both ends), `addAnnual`'s accumulation, the annual prior's twelve steps (`m <
  // 12` → `<=`), the care leaver states (accommodation and activity), the concentration 12(n + A)
  // and its 1e-3 rounding, the exposures 12n of a zero count, `shrunk: n < threshold / 12`, and
  // the `n <= 0` skip.
  const imported = await careLeavers();
  const w = 2;
  const { model, report } = calibrate(imported, { priorModel: prior, careLeaverPriorWeight: w });
  t.same(report.window, { fromYear: 2023, toYear: 2025, months: 36 });
  t.same(report.careLeavers.map((r) => [r.band, r.state, r.units, r.observations, r.rates.filter((x) => x.count > 0).map((x) => [x.to, x.count])]), [
    ['18-20', 'independent_neet', 'care-leaver-years', 1, [['homeless', 1]]],
    ['18-20', 'supported_lodgings', 'care-leaver-years', 2, [['independent_eet', 1], ['supported_lodgings', 1]]],
  ]);
  const rows = prior.transitions['18-20'];
  const check = (state: string, counts: Record<string, number>, learnable: string[]) => {
    const n = Object.values(counts).reduce((a, b) => a + b, 0);
    let annual = new Map([[state, 1]]);
    for (let m = 0; m < 12; m++) annual = stepDistribution(rows, annual);
    const alpha = priorPseudoCounts(Object.fromEntries(annual), w, learnable, state, DESTINATION_FLOOR);
    const priorTotal = Object.values(alpha).reduce((a, b) => a + b, 0);
    const monthly = tidyRow(monthlyFromAnnual(posteriorFromPseudoCounts(alpha, { months: n, counts }, state), state), new Set([...Object.keys(rows[state]), ...learnable]));
    t.same(model.transitions['18-20'][state], monthly, `${state}: the monthly row of the annual posterior`);
    const r = report.careLeavers.find((x) => x.state === state)!;
    close(t, r.priorWeight, priorTotal, 1e-12, `${state}: prior pseudo-count`);
    close(t, r.concentration, 12 * (n + priorTotal), 1e-9, `${state}: concentration 12(n + A)`);
    t.equal(model.rateUncertainty?.rowConcentration?.['18-20']?.[state], Math.round(12 * (n + priorTotal) * 1000) / 1000, `${state}: row concentration to 1e-3`);
    t.equal(r.shrunk, true, `${state}: ${n} < 240/12`);
    for (const rate of r.rates) {
      t.equal(rate.empirical, (counts[rate.to] ?? 0) / n, `${state} → ${rate.to}: empirical`);
      // A destination never seen: at least the exact bound for 0 in 12n months.
      if (rate.to !== state && rate.count === 0 && learnable.includes(rate.to)) t.ok(rate.lower === 0 && rate.upper >= 1 - 0.1 ** (1 / (12 * n)) - 1e-12, `${state} → ${rate.to}: [0, ${rate.upper}] for 0 in ${12 * n}`);
      t.equal(rate.revealed, rate.to === state || learnable.includes(rate.to), `${state} → ${rate.to}: revealed`);
    }
  };
  // What OC3 can show (accommodation and activity codes that map to a state of 18-20), but the row's own state.
  const shown = ['supported_lodgings', 'independent_eet', 'independent_neet', 'homeless', 'adult_custody', 'staying_put'];
  check('supported_lodgings', { supported_lodgings: 1, independent_eet: 1 }, shown.filter((s) => s !== 'supported_lodgings'));
  check('independent_neet', { homeless: 1 }, shown.filter((s) => s !== 'independent_neet'));
  t.equal(report.headline.rowsCalibrated, report.rows.length + report.ageTransitions.length + 2 + report.entrySplits.length, 'the two care leaver rows are counted');
  t.equal(report.shrunk.filter((s) => s.kind === 'care_leaver').length, 2);
  t.same(report.shrunk.find((s) => s.kind === 'care_leaver' && s.state === 'supported_lodgings'), { kind: 'care_leaver', band: '18-20', state: 'supported_lodgings', observations: 2, priorShare: report.careLeavers[1].priorShare });

  // Below the threshold in care-leaver-years: 2 < 24/12 is false, 1 < 2 true.
  const lowThreshold = calibrate(imported, { priorModel: prior, careLeaverPriorWeight: w, shrinkThreshold: 24 }).report;
  t.same(lowThreshold.careLeavers.map((r) => [r.state, r.shrunk]), [['independent_neet', true], ['supported_lodgings', false]]);
  // Kills `if (r.shrunk)` → true: a row not shrunk is not listed as shrunk.
  t.same(lowThreshold.shrunk.filter((s) => s.kind === 'care_leaver').map((s) => [s.state, s.observations]), [['independent_neet', 1]]);
  // The window of a year's end: 2025 alone has L's 19 → 20; 2024 alone has L's 18 → 19 and M's 19 → 20; 2023 none.
  const counted = (fromYear: number, toYear: number) =>
    calibrate(imported, { priorModel: prior, referenceWindow: { fromYear, toYear }, forPublication: false }).report.careLeavers.map((r) => [r.state, r.rates.filter((x) => x.count > 0).map((x) => x.to)]);
  t.same(counted(2025, 2025), [['supported_lodgings', ['independent_eet']]]);
  t.same(counted(2024, 2024), [['independent_neet', ['homeless']], ['supported_lodgings', ['supported_lodgings']]]);
  t.same(counted(2023, 2023), []);
});

t.test('care leavers: a zero count’s bound is the exact one for 0 in 12n months', async (t) => {
  // Kills `12 * n` → `12 / n` (the `≥` check above holds for both when n = 2: 24 and 6 months).
  // supported_lodgings: n = 2 care-leaver-years, never homeless: U = max(exact bound for 0 in 24, posterior).
  const imported = await careLeavers();
  const { report } = calibrate(imported, { priorModel: prior, careLeaverPriorWeight: 2 });
  const r = report.careLeavers.find((x) => x.state === 'supported_lodgings')!;
  const homeless = r.rates.find((x) => x.to === 'homeless')!;
  t.equal(homeless.count, 0);
  const at = (months: number) => rateInterval(homeless.estimate, r.concentration, 0.9, { count: 0, exposures: months });
  t.not(at(24).upper, at(6).upper, 'the two exposures give different bounds');
  t.same([homeless.lower, homeless.upper], [0, at(24).upper]);
  close(t, homeless.upper, 1 - 0.1 ** (1 / 24), 1e-12, 'the exact bound 1 − 0.1^(1/24) is the larger');
});

t.test('care leavers: a state with no prior row, and a year ending in a state not allowed in the band, are reported, not written', async (t) => {
  const imported = await careLeavers();
  // No 18-20 row for independent NEET in the prior: M's year is reported (kills the `!priorRow` guard and its message).
  const noRow = structuredClone(prior);
  delete noRow.transitions['18-20'].independent_neet;
  const a = calibrate(imported, { priorModel: noRow, careLeaverPriorWeight: 2, forPublication: false });
  t.same(a.report.careLeavers.map((r) => r.state), ['supported_lodgings']);
  t.same(a.report.notCalibrated.filter((x) => x.band === '18-20'), [
    { band: '18-20', state: 'independent_neet', reason: '1 care-leaver-year(s) observed, but the prior model has no row for this state in this band' },
  ]);
  t.notOk('independent_neet' in a.model.transitions['18-20'], 'no row written');
  // Independent EET not allowed before 21 and not in the supported lodgings row: L's year ending in it
  // (19 → 20, return 2025) is left out and reported; kills the `to in priorRow || presentInBand` test,
  // the delete, and the message. Over 2025 alone nothing is left: no row (`n <= 0`).
  const late = structuredClone(prior);
  // (A valid prior then has no 18-20 row into it: each such chance is moved to staying in the row's state.)
  late.states.find((s) => s.id === 'independent_eet')!.minAgeYears = 21;
  delete late.transitions['18-20'].independent_eet;
  for (const [from, row] of Object.entries(late.transitions['18-20'])) {
    row[from] += row.independent_eet ?? 0;
    delete row.independent_eet;
  }
  const b = calibrate(imported, { priorModel: late, careLeaverPriorWeight: 2, forPublication: false });
  const sl = b.report.careLeavers.find((r) => r.state === 'supported_lodgings')!;
  t.same([sl.observations, sl.rates.filter((x) => x.count > 0).map((x) => [x.to, x.count])], [1, [['supported_lodgings', 1]]]);
  t.notOk('independent_eet' in b.model.transitions['18-20'].supported_lodgings, 'never written');
  const left = { band: '18-20', state: 'supported_lodgings', reason: '1 care-leaver-year(s) ending in independent_eet, a state not allowed in this band, were left out' };
  t.same(b.report.notCalibrated.filter((x) => x.band === '18-20'), [left]);
  const c = calibrate(imported, { priorModel: late, careLeaverPriorWeight: 2, referenceWindow: { fromYear: 2025, toYear: 2025 }, forPublication: false });
  t.same(c.report.careLeavers, [], 'the only year left out: no row');
  t.same(c.report.notCalibrated.filter((x) => x.band === '18-20'), [left]);
  t.same(c.model.transitions['18-20'].supported_lodgings, late.transitions['18-20'].supported_lodgings, 'the prior’s row kept');
});

/**
 * Three more care leavers over the 2023-2026 returns:
 * P, born 15 June 2004, agency foster care (U6, PR4) from 1 January 2021, left on the 18th birthday
 *   (E17: staying put). OC3 with former foster carers (Z1, F5) at 19, 20 and 21; at 21 staying put
 *   has ended (the state is not allowed), so the activity decides: independent EET.
 * Q, born 15 July 2003, never in the episodes: OC3 at 19 not required (NREQ: not observed), at 20
 *   independent NEET (G5, U1), at 21 independent EET (F5, U1).
 * R, born 15 August 2004, residential (K2, PR4) from 1 January 2021, left on the 18th birthday for
 *   an adult life (E3: adult, terminal). OC3 at 19: independent EET.
 * S, born 15 September 2004, residential from 1 January 2021, left on the 18th birthday for
 *   independent living (E6: EET or NEET, in unknown shares). OC3 at 19: homeless (G5, S2). The
 *   year from 18 is split between the two in the proportions of the prior's first age transition
 *   at 18 (foster care: EET 0.12, NEET 0.08, so 0.6 and 0.4).
 * X, born 15 October 2004, residential, left on the 18th birthday (E5); OC3 only at 20: no year
 *   (kills `at19?.state` → `at19.state`).
 *
 * Years, band 18-20: staying put → staying put (P 18 → 19, P 19 → 20); P's 20 → 21 ends in the
 * age transition at 21 of staying put, not a year of monthly rows; Q's 19 → 20 has no state at 19;
 * Q's 20 → 21: independent NEET → independent EET; R's year is from adult, a terminal state that
 * keeps the prior's row; S's: 0.6 EET → homeless, 0.4 NEET → homeless.
 */
t.test('care leavers: staying put to 21, a birthday not observed, a terminal state', async (t) => {
  // Kills `!ageTransitionFor(...)` (P's 20 → 21 would count), `a?.state && b?.state` → `||`, and the
  // terminal state's skip (an adult row would be calibrated), and the reference row of a leaving
  // state of unknown shares (`atAgeYears === 18`: the transition at 21 would split 0.75 and 0.25).
  const file = (name: string, lines: string[]) => ({ name, buffer: Buffer.from(`${lines.join('\r\n')}\r\n`) });
  const OC3 = 'CHILD,DOB,IN_TOUCH,ACTIV,ACCOM';
  const years = [2023, 2024, 2025, 2026];
  const oc3: Record<number, string[]> = {
    2023: ['400012,15/07/2003,NREQ,0,0'],
    2024: ['400011,15/06/2004,YES,F5,Z1', '400012,15/07/2003,YES,G5,U1', '400013,15/08/2004,YES,F5,U1', '400014,15/09/2004,YES,G5,S2'],
    2025: ['400011,15/06/2004,YES,F5,Z1', '400012,15/07/2003,YES,F5,U1', '400015,15/10/2004,YES,F5,U1'],
    2026: ['400011,15/06/2004,YES,F5,Z1'],
  };
  const imported = await importSsda903(
    years.flatMap((y) => [
      file(`${y}-episodes.csv`, y === 2023 ? [EPISODES, '400011,01/01/2021,S,C2,N1,U6,PR4,15/06/2022,E17,', '400013,01/01/2021,S,C2,N1,K2,PR4,15/08/2022,E3,', '400014,01/01/2021,S,C2,N1,K2,PR4,15/09/2022,E6,', '400015,01/01/2021,S,C2,N1,K2,PR4,15/10/2022,E5,'] : [EPISODES]),
      file(`${y}-header.csv`, y === 2023 ? ['CHILD,SEX,DOB,ETHNIC', '400011,1,15/06/2004,WBRI', '400013,1,15/08/2004,WBRI', '400014,1,15/09/2004,WBRI', '400015,1,15/10/2004,WBRI'] : ['CHILD,SEX,DOB,ETHNIC']),
      file(`${y}-oc3.csv`, [OC3, ...oc3[y]]),
    ]),
    { pseudonymKey: 'k' },
  );
  const { report } = calibrate(imported, { priorModel: prior, careLeaverPriorWeight: 2 });
  t.same(report.window, { fromYear: 2023, toYear: 2026, months: 48 });
  const r12 = (x: number) => Math.round(x * 1e12) / 1e12;
  const rows = report.careLeavers.map((r) => [r.band, r.state, r12(r.observations), r.rates.filter((x) => x.count > 0).map((x) => [x.to, r12(x.count)])]);
  t.same(rows.sort((a, b) => String(a[1]).localeCompare(String(b[1]))), [
    ['18-20', 'independent_eet', 0.6, [['homeless', 0.6]]],
    ['18-20', 'independent_neet', 1.4, [['independent_eet', 1], ['homeless', 0.4]]],
    ['18-20', 'staying_put', 2, [['staying_put', 2]]],
  ]);
});

t.test('care leavers: a prior with no 18-20 rows at all, and a zero of the prior’s row kept', async (t) => {
  // Kills `bandRows?.[state]` without `?.` (line 614: the years are reported, not a throw) and the
  // care leaver row's keepZeros → `[]` (line 637: a destination of the prior's row whose monthly
  // rate rounds to 0, with no floor, stays in the calibrated row at 0).
  const imported = await careLeavers();
  const noBand = structuredClone(prior);
  delete (noBand.transitions as Record<string, unknown>)['18-20'];
  const a = calibrate(imported, { priorModel: noBand, careLeaverPriorWeight: 2, forPublication: false }).report;
  t.same(a.careLeavers, []);
  t.same(a.notCalibrated.filter((x) => x.band === '18-20'), [
    { band: '18-20', state: 'independent_neet', reason: '1 care-leaver-year(s) observed, but the prior model has no row for this state in this band' },
    { band: '18-20', state: 'supported_lodgings', reason: '2 care-leaver-year(s) observed, but the prior model has no row for this state in this band' },
  ]);
  const zeros = structuredClone(prior);
  const row = zeros.transitions['18-20'].supported_lodgings;
  const absent = ['homeless', 'adult_custody', 'staying_put', 'independent_neet'].find((s) => !(s in row))!;
  t.ok(absent, `a care leaver state not in the prior's row: ${absent}`);
  // 1e-12 a month: the annual posterior's share, converted back to monthly, rounds to 0 at 1e-10.
  row[absent] = 1e-12;
  row.supported_lodgings -= 1e-12;
  const b = calibrate(imported, { priorModel: zeros, careLeaverPriorWeight: 2, destinationFloor: 0 });
  t.equal(b.model.transitions['18-20'].supported_lodgings[absent], 0, `${absent} kept at 0`);
});

t.test('published from care leavers alone; nothing observed names the episodes whose placements map to no state', async (t) => {
  // Kills the nothing-observed test's `report.careLeavers.length === 0` → true (line 741: care
  // leaver years alone are something observed) and `unobserved.episodes > 0 ?` → false and its
  // clause → `` (line 744).
  // 2024-2025: L's 18 → 19 and 19 → 20 and M's 19 → 20, no month in care, no birthday, no entry.
  const leavers = calibrate(await careLeavers(), { priorModel: prior, referenceWindow: { fromYear: 2024, toYear: 2025 } }).report;
  t.same([leavers.headline.personMonths, leavers.headline.entries, leavers.ageTransitions.length, leavers.careLeavers.length], [0, 0, 0, 2]);
  // One child in kinship care (U3) from 1 Jan 2023, open, under a mapping that gives U3 no state.
  const mapping = structuredClone(DEFAULT_MAPPING);
  mapping.placements.U3 = { ...mapping.placements.U3, state: null };
  const brief = await importSsda903([
    { name: '2023-episodes.csv', buffer: Buffer.from(`${EPISODES}\r\n300002,01/01/2023,S,V2,N1,U3,PR1,,,\r\n`) },
    { name: '2023-header.csv', buffer: Buffer.from('CHILD,DOB\r\n300002,15/06/2015\r\n') },
  ], { pseudonymKey: 'k', mapping });
  // Month starts in care 1 January, 1 February, 1 March 2023 (1 April is the data end): 3.
  t.same(brief.report.totals.unobserved, { episodes: 1, personMonths: 3, entries: 1 });
  t.throws(() => calibrate(brief, { priorModel: prior, mapping }), {
    status: 422,
    message: 'Nothing was observed in 2023-2023: no month in a placement that maps to a state, no entry, no care leaver (1 episode(s) have placements that map to no state: 3 person-month(s) not observed; an authority may map their codes by override). No model is published.',
  });
});
