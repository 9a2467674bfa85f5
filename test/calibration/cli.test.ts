import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  const result = run(HAND, '--out', out, '--prior', priorFile, '--window', '2023-2024', '--authority', 'Handshire', '--weight', '12');
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, /Imported 5 episodes of 4 children, returns 2023-2024\./);
  t.match(result.stdout, /Calibrated \d+ rows on 2023-2024 \(74 person-months, 1 entries\)/);
  t.match(result.stdout, /Backtest 2024 \(fit 2023-2023\): in care at 31 March projected [\d.]+, actual 2 /);
  t.match(result.stderr, /100% done/, 'a progress bar on stderr');
  const model = JSON.parse(readFileSync(path.join(out, 'handshire-calibrated.json'), 'utf8'));
  t.ok(validateModel(model).ok, 'the written model is valid');
  const report = JSON.parse(readFileSync(path.join(out, 'calibration-report.json'), 'utf8'));
  t.equal(report.calibration.priorWeight, 12);
  t.equal(report.backtests.length, 1);
  t.match(report.import.counts, { column_dropped: { dropped: 8 } });
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
});
