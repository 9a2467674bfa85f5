import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { importSsda903 } from '../../src/calibration/import.ts';

/**
 * Issue 11: a zero count in n exposures never gets an upper bound below the exact one-sided
 * Clopper-Pearson bound for 0 in n at the stated level, 1 − (1 − level)^(1/n) (the binomial tail
 * P(0 in n) = (1 − p)^n = 1 − level solved for p), in every kind of row the report gives: monthly
 * rows (n person-months), leaving care at 18 (n birthdays), care leaver rows (12·n months of n
 * care-leaver-years, the rates being monthly) and entry splits (n entries, each showing its
 * starting placement). A fresh review found entry splits without the bound; destinations the
 * return cannot show are marked `revealed: false` rather than passed off as never seen.
 */

const NORTHVALE = path.join(import.meta.dirname, '../fixtures/ssda903/northvale');
const files = () => readdirSync(NORTHVALE).filter((name) => name.endsWith('.csv')).map((name) => ({ name, buffer: readFileSync(path.join(NORTHVALE, name)) }));
const prior = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../models/england-default.json'), 'utf8'));

for (const level of [0.8, 0.9]) {
  t.test(`zero counts at ${level * 100}%: never below the exact bound for 0 in n`, async (t) => {
    const imported = await importSsda903(files(), { pseudonymKey: 'k' });
    const { report } = calibrate(imported, { priorModel: prior, intervalLevel: level });
    const exposuresOf = { rows: (n: number) => n, ageTransitions: (n: number) => n, careLeavers: (n: number) => 12 * n, entrySplits: (n: number) => n } as const;
    for (const kind of ['rows', 'ageTransitions', 'careLeavers', 'entrySplits'] as const) {
      let checked = 0;
      let hidden = 0;
      for (const row of report[kind]) {
        const n = exposuresOf[kind](row.observations);
        for (const rate of row.rates) {
          if (rate.count !== 0 || rate.to === row.state) continue;
          if (!rate.revealed) {
            hidden += 1;
            continue;
          }
          const exact = 1 - (1 - level) ** (1 / n);
          if (!(rate.upper >= exact * (1 - 1e-9))) t.fail(`${kind} ${row.band} ${row.state} → ${rate.to}: upper ${rate.upper} below ${exact} for 0 in ${n}`);
          checked += 1;
        }
      }
      t.ok(checked > 0, `${kind}: ${checked} zero counts checked (${hidden} not revealable by the return)`);
    }
    // Every entry shows its starting placement: no entry-split destination is unrevealable.
    t.same(
      report.entrySplits.flatMap((row) => row.rates.filter((r) => !r.revealed).map((r) => `${row.band} ${row.state} → ${r.to}`)),
      [],
      'entry splits: every destination revealed',
    );
  });
}
