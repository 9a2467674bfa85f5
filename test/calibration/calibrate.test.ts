import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { clopperPearsonBounds } from '../../src/calibration/poisson-interval.ts';
import { DESTINATION_FLOOR, posteriorRow, priorPseudoCounts, rateInterval } from '../../src/calibration/shrinkage.ts';
import { syntheticModel } from '../../src/calibration/synthetic-authority.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';

/**
 * test/fixtures/ssda903/hand: four children over the 2023 and 2024 returns (1 April 2022 to
 * 31 March 2024), counted by hand with the month rule (a child is in a state in a month if in it
 * on the 1st) and ages at the 1st of the month (born mid-month):
 *
 * A, born June 2010 (11 to 13 years: band 10-15). In-house foster care (U6, PR1) from 10/01/2022,
 *   X1 on 20/09/2022 to agency foster care (U6, PR4), home on 10/05/2023 (E4A).
 *   In-house on 1 Apr ... 1 Sep 2022: 6 months, 5 stays and 1 move to IFA (Sep → Oct).
 *   IFA on 1 Oct 2022 ... 1 May 2023: 8 months, 7 stays and 1 return home (May → Jun).
 *   Returned home on 1 Jun 2023 ... 1 Apr 2024: followed for 10 months, no return to care.
 * B, born September 2018, kinship foster care (U3) from 01/02/2022, open throughout. Four at the
 *   start of September 2023, five from October 2023: 18 months in band 0-4 (Apr 2022 → Sep 2023)
 *   and 6 in band 5-9 (Oct 2023 → Mar 2024), all stays: turning five is not a transition.
 * C, born November 2005, residential (K2, PR4) from 05/03/2021, left on the 18th birthday
 *   12/11/2023 for independent living with support (E5 → supported lodgings). Band 16-17 from
 *   Apr 2022 to Oct 2023: 19 stays; November 2023 is the birthday month, so Nov → Dec is the age
 *   transition at 18, residential → supported lodgings.
 * D, born September 2015, came into agency foster care (U6, PR4) on 14/08/2023: one entry at
 *   7 years (band 5-9), then 7 stays (Sep 2023 → Apr 2024).
 */
const FIXTURES = path.join(import.meta.dirname, '../fixtures/ssda903/hand');
const DEFAULT_MODEL = path.join(import.meta.dirname, '../../models/england-default.json');
const uploads = () => readdirSync(FIXTURES).map((name) => ({ name, buffer: readFileSync(path.join(FIXTURES, name)) }));

const close = (t: Test, actual: number | undefined, expected: number, message: string) =>
  t.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${message}: ${actual} vs ${expected}`);

t.test('months at risk and transitions counted by hand, shrunk with a stated weight', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  t.same(
    imported.report.actions.map((a) => a.code),
    Array(8).fill('column_dropped'),
    'the only actions: SEX, ETHNIC, DUC and the UASC SEX columns are not stored',
  );
  const prior = syntheticModel();
  const w = 12;
  // No floor here, so every figure is the plain Dirichlet update; the floor is checked below.
  const { model, report } = calibrate(imported, { priorModel: prior, priorWeight: w, ageTransitionPriorWeight: w, destinationFloor: 0, authorityName: 'Handshire' });
  t.same(report.window, { fromYear: 2023, toYear: 2024, months: 24 });
  const row = (band: string, state: string) => report.rows.find((r) => r.band === band && r.state === state);

  // A, in-house, band 10-15: n = 6, 5 stays, 1 to IFA. Prior row (synthetic): stay 0.977,
  // kinship 0.002, IFA 0.006, residential 0.004, home 0.009, SGO 0.002.
  // Posterior (c + w·π)/(n + w) with w = 12: IFA (1 + 12 × 0.006)/18 = 1.072/18; stay (5 + 11.724)/18.
  const inhouse = model.transitions['10-15'].inhouse_foster;
  close(t, inhouse.ifa_foster, 1.072 / 18, 'in-house → IFA');
  close(t, inhouse.inhouse_foster, 16.724 / 18, 'in-house stays');
  close(t, inhouse.returned_home, 0.108 / 18, 'in-house → home, prior only');
  t.equal(row('10-15', 'inhouse_foster')?.observations, 6);
  t.equal(model.rateUncertainty?.rowConcentration?.['10-15']?.inhouse_foster, 18, 'concentration n + w');

  // A, IFA, band 10-15: n = 8, 7 stays, 1 home. Prior: stay 0.9805, home 0.008 ...
  const ifa = model.transitions['10-15'].ifa_foster;
  close(t, ifa.returned_home, (1 + 12 * 0.008) / 20, 'IFA → home');
  close(t, ifa.ifa_foster, (7 + 12 * 0.9805) / 20, 'IFA stays');

  // A, returned home, band 10-15: 10 months followed, only a return to care can be seen, none was.
  // Prior: stay 0.996, in-house 0.002, IFA 0.001, residential 0.001. The care destinations get
  // (w·π + 0)/(w + 10); staying gets the rest.
  const home = model.transitions['10-15'].returned_home;
  close(t, home.inhouse_foster, (12 * 0.002) / 22, 'home → in-house');
  close(t, home.ifa_foster, (12 * 0.001) / 22, 'home → IFA');
  close(t, home.returned_home, 1 - (12 * 0.004) / 22, 'home stays');
  t.match(row('10-15', 'returned_home'), { observations: 10, partialObservations: 10, concentration: 22 });

  // B: 18 months in 0-4 and 6 in 5-9, no transition at the change of band.
  t.match(row('0-4', 'kinship_foster'), { observations: 18, rates: [{ to: 'kinship_foster', count: 18 }] });
  t.match(row('5-9', 'kinship_foster'), { observations: 6 });
  close(t, model.transitions['0-4'].kinship_foster.kinship_foster, (18 + 12 * 0.9695) / 30, '0-4 kinship stays');
  t.notOk(
    report.rows.some((r) => r.rates.some((x) => x.to !== r.state && x.count > 0 && r.state === 'kinship_foster')),
    'crossing a band is not a move',
  );

  // C: 19 residential months in 16-17, then the age transition at 18 (one observation).
  t.match(row('16-17', 'residential'), { observations: 19 });
  const at18 = report.ageTransitions.find((a) => a.from.includes('residential'));
  t.match(at18, { observations: 1, rates: [{ to: 'supported_lodgings', count: 1 }] });
  const leaving = model.ageTransitions?.find((a) => a.atAgeYears === 18 && a.from.includes('residential'))?.to;
  close(t, leaving?.supported_lodgings, (1 + 12 * 0.7) / 13, '18: residential → supported lodgings');
  close(t, leaving?.independent_neet, (12 * 0.15) / 13, '18: → independent NEET, prior only');

  // D: one entry, at seven, into IFA; then 7 IFA months in 5-9.
  t.match(report.entries, { months: 24, total: 1, byBand: [{ band: '5-9', count: 1, perMonth: 1 / 24, byState: [{ state: 'ifa_foster', count: 1, share: 1 }] }] });
  t.match(row('5-9', 'ifa_foster'), { observations: 7 });

  t.equal(report.headline.personMonths, 6 + 8 + 10 + 18 + 6 + 19 + 7, 'every counted person-month');
  t.equal(model.id, 'handshire-calibrated');
  t.equal(model.sources.ssda903_calibration.publisher, 'Handshire');
  t.same(model.unitCosts, prior.unitCosts, 'costs are the prior’s');
  const valid = validateModel(model);
  t.ok(valid.ok, `the calibrated model is a valid model: ${valid.ok ? '' : JSON.stringify(valid.errors.slice(0, 3))}`);
  for (const r of report.rows) {
    for (const rate of r.rates) t.ok(rate.lower <= rate.estimate && rate.estimate <= rate.upper, `${r.band} ${r.state} → ${rate.to} lies in its interval`);
  }
  t.ok(report.shrunk.every((s) => s.observations < 240), 'every row below 240 person-months is reported as shrunk');
  t.equal(report.shrunk.filter((s) => s.kind === 'monthly').length, report.rows.length, 'all of them here');
});

t.test('with a negligible prior weight the estimates are the observed proportions', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const { model } = calibrate(imported, { priorModel: syntheticModel(), priorWeight: 1e-9, destinationFloor: 0 });
  close(t, Math.round(model.transitions['10-15'].inhouse_foster.ifa_foster * 1e6) / 1e6, Math.round((1 / 6) * 1e6) / 1e6, '1 move in 6 months');
  close(t, Math.round(model.transitions['10-15'].ifa_foster.returned_home * 1e6) / 1e6, 0.125, '1 return home in 8 months');
});

t.test('entries per 10,000 children when the population is given', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const { report } = calibrate(imported, { priorModel: syntheticModel(), population: { '5-9': 24_000 } });
  // One entry in 24 months is 0.5 a year; among 24,000 children, 0.5 × 10,000 / 24,000 per 10,000 a year.
  close(t, report.entries.byBand.find((b) => b.band === '5-9')?.per10000ChildrenPerYear, (0.5 * 10_000) / 24_000, 'rate per 10,000');
});

t.test('a one-year model is described without a double article, and the docs give the chosen level', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const year = imported.returnYears[imported.returnYears.length - 1];
  const { model } = calibrate(imported, { priorModel: syntheticModel(), authorityName: 'Handshire', referenceWindow: { fromYear: year, toYear: year } });
  const ret = `${year - 1}-${String(year).slice(2)} SSDA903 return`;
  t.match(model.description, `calibrated from Handshire's ${ret},`);
  t.notMatch(model.description, /'s the /, 'not "the authority\'s the 2023-24 return"');
  t.match(model.name, `calibrated from the ${ret}`);
  const routes = readFileSync(path.join(import.meta.dirname, '../../src/routes/calibrations/index.ts'), 'utf8');
  t.notMatch(routes, /95% intervals/, 'getCalibrationReport: the default level is 90% and configurable');
  const readme = readFileSync(path.join(import.meta.dirname, '../../src/calibration/README.md'), 'utf8');
  t.notMatch(readme, /posterior's 90% point/, 'the README: the chosen level');
});

t.test('more entries a year than children in a band is said in words in the entry-rate note', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  // One entry in 24 months is 0.5 a year: among 0.25 children (the review's 0.001 people at every age) that cannot be.
  const small = calibrate(imported, { priorModel: syntheticModel(), population: { '5-9': 0.25 } }).report.entryRates;
  t.match(small?.note, /Warning: in band 5-9 \(0\.25 children\) the return has more entries into care a year than the population given has children/);
  // 0.5 a year among one child is possible (a rate of 5,000 per 10,000): no warning.
  const one = calibrate(imported, { priorModel: syntheticModel(), population: { '5-9': 1 } }).report.entryRates;
  t.notMatch(one?.note, /Warning/);
});

t.test('the national default model as the prior gives a valid calibrated model', { skip: !existsSync(DEFAULT_MODEL) && 'models/england-default.json not present' }, async (t) => {
  const prior = JSON.parse(readFileSync(DEFAULT_MODEL, 'utf8'));
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const { model, report } = calibrate(imported, { priorModel: prior });
  const valid = validateModel(model);
  t.ok(valid.ok, valid.ok ? 'valid' : JSON.stringify(valid.errors.slice(0, 3)));
  t.equal(model.id, `${prior.id}-calibrated`);
  // The national prior all but rules out some moves (kinship foster care to residential at 5-9:
  // 0.0003): a placement never moved into is still bounded by the exact 90% bound for 0 in n.
  const placements = new Set(['kinship_foster', 'inhouse_foster', 'ifa_foster', 'residential']);
  let checked = 0;
  for (const r of report.rows.filter((x) => x.partialObservations === 0)) {
    for (const rate of r.rates) {
      if (rate.to === r.state || rate.count > 0 || !placements.has(rate.to)) continue;
      checked += 1;
      t.ok(rate.lower === 0 && rate.upper >= 1 - 0.1 ** (1 / r.observations) - 1e-12, `${r.band} ${r.state} → ${rate.to}: [${rate.lower}, ${rate.upper}] for 0 in ${r.observations}`);
    }
  }
  t.ok(checked > 5, `${checked} placements never moved into`);
});

t.test('the reference window limits the months counted', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const { report } = calibrate(imported, { priorModel: syntheticModel(), referenceWindow: { fromYear: 2024, toYear: 2024 } });
  // Only 1 Apr 2023 → 1 Apr 2024: A is in IFA on 1 April and 1 May 2023 (one stay, one return home).
  t.match(
    report.rows.find((r) => r.band === '10-15' && r.state === 'ifa_foster'),
    { observations: 2 },
  );
  t.notOk(
    report.rows.find((r) => r.state === 'inhouse_foster'),
    'A left in-house care before the window',
  );
  t.throws(() => calibrate(imported, { priorModel: syntheticModel(), referenceWindow: { fromYear: 2019, toYear: 2024 } }), { status: 400, message: /2019-2024/ });
});

t.test('partly observed rows: the Dirichlet aggregation formula', async (t) => {
  // Prior row {a: 0.9, b: 0.05, c: 0.05}, weight 10; 20 full months (18 a, 2 b) and 30 partial
  // months in which only moves into c are visible (3 of them). c: (10 × 0.05 + 3)/60; a and b share
  // the rest in proportion to 10 × 0.9 + 18 = 27 and 10 × 0.05 + 2 = 2.5.
  const row = posteriorRow({ a: 0.9, b: 0.05, c: 0.05 }, { months: 20, counts: { a: 18, b: 2 }, partialMonths: 30, partialCounts: { c: 3 }, observable: new Set(['c']) }, 10, 'a');
  close(t, row.c, 3.5 / 60, 'c');
  close(t, row.a, (1 - 3.5 / 60) * (27 / 29.5), 'a');
  close(t, row.b, (1 - 3.5 / 60) * (2.5 / 29.5), 'b');
  close(t, row.a + row.b + row.c, 1, 'sums to 1');
});

t.test('Clopper-Pearson bounds meet closed forms and published values', async (t) => {
  // 0 in n: Beta(1, n) has F(x) = 1 − (1 − x)^n, so the one-sided bound at L is 1 − (1 − L)^(1/n).
  close(t, clopperPearsonBounds(0, 677, 0.9).upper, 1 - 0.1 ** (1 / 677), '0 in 677 at 90%');
  t.ok(Math.abs(clopperPearsonBounds(0, 677, 0.9).upper - 0.0033953) < 1e-6, 'the issue’s cell: 0.0034 at 90% one-sided');
  // n in n: the lower bound is (1 − L)^(1/n) by the same symmetry.
  close(t, clopperPearsonBounds(10, 10, 0.95).lower, 0.05 ** (1 / 10), '10 in 10 at 95%');
  t.equal(clopperPearsonBounds(10, 10, 0.95).upper, 1);
  // 1 in 10, two-sided 90% (one-sided 95% each side): [0.0051, 0.3942] (Clopper and Pearson's
  // charts; e.g. R binom.test(1, 10, conf.level = 0.9)).
  const b = clopperPearsonBounds(1, 10, 0.95);
  t.ok(Math.abs(b.lower - 0.005116) < 1e-6 && Math.abs(b.upper - 0.394163) < 1e-6, `1 in 10: [${b.lower}, ${b.upper}]`);
  t.same(clopperPearsonBounds(0, 0, 0.9), { lower: 0, upper: 1 }, 'nothing observed: [0, 1]');
});

t.test('a zero count is never reported tighter than the exact bound for 0 in n', async (t) => {
  // The cell: prior 0.0003 with weight 60, 0 moves in 677 months. The posterior Beta(0.2, 737)
  // alone would say 0.0000x; the report says at least the exact 90% bound, 0.0034.
  const p = 0.2 / 737;
  const interval = rateInterval(p, 737, 0.9, { count: 0, exposures: 677 });
  t.equal(interval.lower, 0);
  close(t, interval.upper, 1 - 0.1 ** (1 / 677), 'the exact bound');
  fc.assert(
    fc.property(
      fc.double({ min: 1e-9, max: 0.5, noNaN: true }),
      fc.double({ min: 1, max: 1e5, noNaN: true }),
      fc.integer({ min: 1, max: 100_000 }),
      fc.double({ min: 0.5, max: 0.99, noNaN: true }),
      (rate, concentration, n, level) => {
        const { lower, upper } = rateInterval(rate, concentration, level, { count: 0, exposures: n });
        return lower === 0 && upper >= 1 - (1 - level) ** (1 / n) - 1e-15 && upper >= rate;
      },
    ),
  );
  // With a count, the central interval of the Beta marginal: Beta(1, 8)'s 5% and 95% points.
  const central = rateInterval(1 / 9, 9, 0.9, { count: 1, exposures: 5 });
  close(t, central.lower, 1 - 0.95 ** (1 / 8), 'lower');
  close(t, central.upper, 1 - 0.05 ** (1 / 8), 'upper');
});

t.test('the floor: revealable destinations share half a pseudo-count', async (t) => {
  // Prior {a: 0.97, b: 0.03} with weight 10: b has 0.3, above its share 0.5/3; c and d (not in the
  // prior) get 0.5/3 each; a (the row's own state) is never floored.
  const alpha = priorPseudoCounts({ a: 0.97, b: 0.03 }, 10, ['a', 'b', 'c', 'd'], 'a');
  close(t, alpha.a, 9.7, 'a');
  close(t, alpha.b, 0.3, 'b');
  close(t, alpha.c, 0.5 / 3, 'c');
  close(t, alpha.d, 0.5 / 3, 'd');
  t.equal(DESTINATION_FLOOR, 0.5);

  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const prior = syntheticModel();
  const { model, report } = calibrate(imported, { priorModel: prior, priorWeight: 12 });
  t.equal(report.intervalLevel, 0.9, 'intervals at 90% by default');
  const valid = validateModel(model);
  t.ok(valid.ok, `valid with the floor: ${valid.ok ? '' : JSON.stringify(valid.errors.slice(0, 3))}`);
  for (const r of report.rows) {
    const priorRow = prior.transitions[r.band][r.state];
    // The floor adds at most half a pseudo-count, and the row's concentration is n plus the prior's pseudo-count.
    t.ok(r.priorWeight >= 12 - 1e-9 && r.priorWeight <= 12.5 + 1e-9, `${r.band} ${r.state}: prior pseudo-count ${r.priorWeight}`);
    close(t, r.concentration, r.observations + r.priorWeight, `${r.band} ${r.state}: concentration`);
    close(t, r.priorShare, r.priorWeight / (r.observations + r.priorWeight), `${r.band} ${r.state}: prior share`);
    t.equal(r.units, 'person-months');
    for (const rate of r.rates) {
      // Posterior mean by hand: (α + c) / (n + A) with α = 12π or the floor; only fully observed rows (no partial months) here.
      if (r.partialObservations === 0) t.ok(rate.estimate * (r.observations + r.priorWeight) >= rate.count + 12 * (priorRow[rate.to] ?? 0) - 1e-6, `${r.band} ${r.state} → ${rate.to}: mean at least the plain update`);
      if (rate.to !== r.state && rate.count === 0 && r.partialObservations === 0) {
        t.equal(rate.lower, 0);
        t.ok(rate.upper >= 1 - 0.1 ** (1 / r.observations) - 1e-12, `${r.band} ${r.state} → ${rate.to}: ${rate.upper} at least the exact bound for 0 in ${r.observations}`);
      }
    }
  }
  // A destination the prior rules out but the return can show is in the row: kinship → residential
  // at 0-4 has prior 0.0005 × 12 = 0.006, raised to the floor's share.
  const kinship = report.rows.find((r) => r.band === '0-4' && r.state === 'kinship_foster')!;
  const residential = kinship.rates.find((x) => x.to === 'residential')!;
  t.ok(residential.estimate > (12 * 0.0005) / kinship.concentration, 'raised by the floor');
  const units = report.ageTransitions.map((a) => a.units);
  t.same([...new Set(units)], ['birthdays'], 'leaving care at 18 is weighed in birthdays');
  t.equal(report.ageTransitions[0].priorWeight >= 4 && report.ageTransitions[0].priorWeight <= 4.5, true, 'default weight 4 birthdays plus the floor');
});

t.test('the interval level is an option, checked', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  const wide = calibrate(imported, { priorModel: syntheticModel(), intervalLevel: 0.99 }).report;
  const narrow = calibrate(imported, { priorModel: syntheticModel(), intervalLevel: 0.5 }).report;
  t.equal(wide.intervalLevel, 0.99);
  const pick = (r: typeof wide) => r.rows.find((x) => x.band === '10-15' && x.state === 'ifa_foster')!.rates.find((x) => x.to === 'returned_home')!;
  t.ok(pick(wide).upper - pick(wide).lower > pick(narrow).upper - pick(narrow).lower, 'a higher level gives a wider interval');
  for (const bad of [0, 1, 1.5, -0.1, Number.NaN]) {
    t.throws(() => calibrate(imported, { priorModel: syntheticModel(), intervalLevel: bad }), { status: 400, errors: [{ field: 'intervalLevel' }] }, `level ${bad} refused`);
  }
});

t.test('valid by construction: any prior scale, weights, floor and level give a valid model whose intervals hold their estimates', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  let models = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.double({ min: 0.2, max: 3, noNaN: true }),
      fc.double({ min: 0.01, max: 500, noNaN: true }),
      fc.double({ min: 0.01, max: 50, noNaN: true }),
      fc.double({ min: 0, max: 5, noNaN: true }),
      fc.double({ min: 0.5, max: 0.99, noNaN: true }),
      async (scale, priorWeight, ageTransitionPriorWeight, destinationFloor, intervalLevel) => {
        const { model, report } = calibrate(imported, { priorModel: syntheticModel({ scale }), priorWeight, ageTransitionPriorWeight, destinationFloor, intervalLevel });
        const valid = validateModel(model);
        if (!valid.ok) throw new Error(JSON.stringify(valid.errors.slice(0, 3)));
        models += 1;
        for (const r of [...report.rows, ...report.ageTransitions]) {
          if (r.partialObservations > 0) continue;
          for (const rate of r.rates) {
            if (!(rate.lower <= rate.estimate + 1e-12 && rate.estimate <= rate.upper + 1e-12)) throw new Error(`${r.band} ${r.state} → ${rate.to}: estimate outside its interval`);
          }
        }
        return true;
      },
    ),
    { numRuns: 25, seed: 20261130 },
  );
  t.equal(models, 25, 'every one of 25 calibrations is a valid model');
});
