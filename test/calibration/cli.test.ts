import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { syntheticModel } from '../../src/calibration/synthetic-authority.ts';
import { validateModel } from '../../src/catalog/validate-model.ts';

const CLI = path.join(import.meta.dirname, '../../src/cli/calibrate.ts');
const HAND = path.join(import.meta.dirname, '../fixtures/ssda903/hand');

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

t.test('calibrate a folder: model and report written, headline printed', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'calibrate-'));
  const priorFile = path.join(dir, 'prior.json');
  writeFileSync(priorFile, JSON.stringify(syntheticModel()));
  const out = path.join(dir, 'out');
  const result = run(HAND, '--out', out, '--prior', priorFile, '--window', '2023-2024', '--authority', 'Handshire', '--weight', '12', '--level', '0.8');
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, /Imported 5 episodes of 4 children, returns 2023-2024\./);
  t.match(result.stdout, /Calibrated \d+ rows on 2023-2024 \(74 person-months, 1 entries\)/);
  t.match(result.stdout, /Backtest 2024 \(fit 2023-2023\): in care at 31 March projected [\d.]+ \(80% interval \d+-\d+\), actual 2 /);
  t.match(result.stdout, /summed group error [\d.]+ \(stock carried forward [\d.]+, last year's flows [\d.]+\); entry rates are national \(no population was given\)\./);
  t.match(result.stderr, /100% done/, 'a progress bar on stderr');
  const model = JSON.parse(readFileSync(path.join(out, 'handshire-calibrated.json'), 'utf8'));
  t.ok(validateModel(model).ok, 'the written model is valid');
  const report = JSON.parse(readFileSync(path.join(out, 'calibration-report.json'), 'utf8'));
  t.equal(report.calibration.priorWeight, 12);
  t.equal(report.calibration.intervalLevel, 0.8, '--level 0.8 is a level of 0.8');
  t.equal(report.backtests.length, 1);
  t.match(report.import.counts, { column_dropped: { dropped: 8 } });
});

t.test('PL_DISTANCE in the files: --distance-weight sets the Beta prior weight of the shares placed more than 20 miles', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'calibrate-'));
  const out = path.join(dir, 'out');
  const result = run(path.join(import.meta.dirname, '../fixtures/ssda903/distance'), '--out', out, '--authority', 'Nearshire', '--distance-weight', '100', '--backtest', 'none');
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, /Shares placed more than 20 miles from home calibrated for 2 state\(s\) from 23 children’s 31 March placements .* Beta prior weight 100 children/);
  const model = JSON.parse(readFileSync(path.join(out, 'nearshire-calibrated.json'), 'utf8'));
  // Agency foster care: 7 of 9 over 20 miles (test/calibration/distance.test.ts), toward 0.321 with weight 100.
  t.equal(model.states.find((s: { id: string }) => s.id === 'ifa_foster').distanceOver20Miles.share, (7 + 100 * 0.321) / (9 + 100));
  const bad = run(path.join(import.meta.dirname, '../fixtures/ssda903/distance'), '--out', out, '--distance-weight', '0');
  t.equal(bad.status, 2, 'a weight of 0 is refused');
  t.match(bad.stderr, /--distance-weight must be a positive number of children/);
});

t.test('bad input ends with a message and a non-zero status, not a stack trace', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'calibrate-'));
  writeFileSync(path.join(dir, '2024-episodes.csv'), 'CHILD,WHEN\r\n1,2024\r\n');
  const priorFile = path.join(dir, 'prior.json');
  writeFileSync(priorFile, JSON.stringify(syntheticModel()));
  const bad = run(dir, '--prior', priorFile, '--out', path.join(dir, 'out'));
  t.equal(bad.status, 2);
  t.match(bad.stderr, /Bad request: Some files do not have the columns/);
  t.match(bad.stderr, /2024-episodes.csv: DECOM: missing column/);
  t.notMatch(bad.stderr, /at .*\.ts:\d+/, 'no stack trace');
  const missing = run(path.join(dir, 'nowhere'));
  t.equal(missing.status, 2);
  t.match(missing.stderr, /does not exist/);
  const window = run(HAND, '--prior', priorFile, '--window', '1999', '--out', path.join(dir, 'out'));
  t.equal(window.status, 2);
  t.match(window.stderr, /reference window 1999-1999 must lie within/);
  // As HTTP reads intervalLevel: above 0 and below 1, nothing read as a percentage (--level 1.5 ran at 1.5%).
  for (const bad of ['100', '1.5', '90%', '1', '0', 'x']) {
    const level = run(HAND, '--prior', priorFile, '--level', bad, '--out', path.join(dir, 'out'));
    t.equal(level.status, 2, `--level ${bad}: exit 2`);
    t.match(level.stderr, /--level must be a level above 0 and below 1/, `--level ${bad}: the reason`);
  }
  const reversed = run(HAND, '--prior', priorFile, '--window', '2024-2023', '--out', path.join(dir, 'out'));
  t.equal(reversed.status, 2);
  t.match(reversed.stderr, /--window 2024-2023: the first year must not be after the last/);
});

t.test('field cases: nothing usable exits non-zero and writes nothing; what is written is valid', async (t) => {
  const CASES = path.join(import.meta.dirname, '../fixtures/ssda903-cases');
  const dir = mkdtempSync(path.join(tmpdir(), 'calibrate-'));
  const shortBreaks = run(path.join(CASES, 'short-breaks'), '--out', path.join(dir, 'short'), '--backtest', 'none');
  t.equal(shortBreaks.status, 2, 'short breaks only: non-zero');
  t.match(shortBreaks.stderr, /No usable episodes/);
  t.match(shortBreaks.stderr, /cleaning\/short_break: 2 dropped/);
  t.notOk(existsSync(path.join(dir, 'short')), 'nothing written');

  // The default table maps Z11-Z14 to other placements (issue 11); an override that leaves them
  // with no state censors every month, so nothing is observed.
  const censoring = path.join(dir, 'censor-z.json');
  writeFileSync(censoring, JSON.stringify({ placements: { Z11: { state: null }, Z12: { state: null }, Z13: { state: null } } }));
  const unmapped = run(path.join(CASES, 'placement-codes-2025-26'), '--out', path.join(dir, 'z'), '--backtest', 'none', '--mapping', censoring);
  t.equal(unmapped.status, 2, 'Z11-Z14 with no state: nothing observed, non-zero');
  t.match(unmapped.stderr, /Nothing was observed/);
  t.notOk(existsSync(path.join(dir, 'z')), 'nothing written');
  const mapped = run(path.join(CASES, 'placement-codes-2025-26'), '--out', path.join(dir, 'z'), '--backtest', 'none', '--mapping', path.join(CASES, 'placement-codes-2025-26/override-z12.json'));
  t.equal(mapped.status, 0, mapped.stderr);
  t.match(mapped.stdout, /\(33 person-months, 2 entries\)/);

  const age18 = run(path.join(CASES, 'age18-home'), '--out', path.join(dir, 'age18'), '--backtest', 'none');
  t.equal(age18.status, 0, age18.stderr);
  const model = JSON.parse(readFileSync(path.join(dir, 'age18', 'england-default-calibrated.json'), 'utf8'));
  t.ok(validateModel(model).ok, 'the written model passes validateModel');

  const xlsx = run(path.join(CASES, 'xlsx-workbooks'), '--out', path.join(dir, 'xlsx'), '--backtest', 'none');
  t.equal(xlsx.status, 0, xlsx.stderr);
  t.match(xlsx.stdout, /Imported 2 episodes of 2 children, returns 2024-2024\./);

  const misnamed = mkdtempSync(path.join(tmpdir(), 'calibrate-'));
  for (const name of ['SSDA903_2023-24_episodes.csv', 'SSDA903_2023-24_header.csv']) {
    writeFileSync(path.join(misnamed, name.replace('2023-24', '2023')), readFileSync(path.join(CASES, 'year-range-file-names', name)));
  }
  const warned = run(misnamed, '--out', path.join(dir, 'misnamed'), '--backtest', 'none');
  t.match(warned.stdout, /^WARNING: SSDA903_2023_episodes.csv: 2 of 2 rows fall outside the return year 2022-23/m, 'a likely naming slip is shown first');
});

t.test('--population: entry rates per 10,000 printed and in the report; national said in words without it', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'calibrate-'));
  const priorFile = path.join(dir, 'prior.json');
  writeFileSync(priorFile, JSON.stringify(syntheticModel()));
  const POPULATION = path.join(import.meta.dirname, '../fixtures/population');
  const local = run(HAND, '--out', path.join(dir, 'local'), '--prior', priorFile, '--backtest', 'none', '--population', path.join(POPULATION, 'mye2-persons-sample.csv'), '--population-area', 'E06000005');
  t.equal(local.status, 0, local.stderr);
  t.match(local.stdout, /Entries per 10,000 children a year \(\d+% interval; national figure\): 0-4 [\d.]+ \([\d.]+-[\d.]+; [\d.]+\), 5-9 /);
  const report = JSON.parse(readFileSync(path.join(dir, 'local', 'calibration-report.json'), 'utf8'));
  t.equal(report.calibration.entryRates.basis, 'local');
  t.match(report.calibration.entryRates.population, { area: 'E06000005' });
  const national = run(HAND, '--out', path.join(dir, 'national'), '--prior', priorFile, '--backtest', 'none');
  t.match(national.stdout, /Entry rates into care are national: the chances of entering care are synthetic-truth 1\.0\.0's/);
  const several = run(HAND, '--out', path.join(dir, 'bad'), '--prior', priorFile, '--backtest', 'none', '--population', path.join(POPULATION, 'mye2-persons-sample.csv'));
  t.equal(several.status, 2);
  t.match(several.stderr, /--population: holds 2 areas/);
  t.notOk(existsSync(path.join(dir, 'bad')), 'nothing written');
});

t.test('--help prints the usage and exits 0; an unknown or incomplete option is told, with the usage, not a stack trace', async (t) => {
  const help = run('--help');
  t.equal(help.status, 0, help.stderr);
  t.match(help.stdout, /^npm run calibrate -- <folder or zip> \[options\]/);
  t.match(help.stdout, /--window 2021-2024 +return years to calibrate on/);
  t.equal(run('-h').stdout, help.stdout, '-h is --help');
  const unknown = run(HAND, '--windw', '2023');
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /^Unknown option '--windw'\n\nnpm run calibrate -- /);
  t.notMatch(unknown.stderr, /at .*:\d+:\d+|To specify a positional/, 'no stack trace, no advice about positionals');
  const missing = run(HAND, '--window');
  t.equal(missing.status, 2);
  t.match(missing.stderr, /^Option '--window <value>' argument missing/);
});
