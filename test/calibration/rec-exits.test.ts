import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { calibrate } from '../../src/calibration/calibrate.ts';
import { DESTINATION_ONLY, IN_CARE, buildHistories } from '../../src/calibration/history.ts';
import { importSsda903 } from '../../src/calibration/import.ts';
import { DEFAULT_MAPPING, mergeMapping } from '../../src/calibration/mapping.ts';
import type { CostModelSpec } from '../../src/catalog/model-schema.ts';

/**
 * Issue 11: REC E5 (independent living with support) before the 18th birthday was the end of
 * observation, so the exit from care was never counted and time in care was overstated. Counted by
 * hand with the month rule (a child is in a state in a month if in it on the 1st):
 *
 * Child 200001, born 15 May 2006, in a children's home (K2, PR4) from 10 June 2022 until 15
 * September 2023, when at 17 she left care for independent living with support (E5). In care on
 * 1 July 2022 ... 1 September 2023: 15 month starts, all aged 16-17 (band 16-17): 14 stays and,
 * from the month of 1 September to 1 October 2023, one move out of care to supported lodgings.
 * 1 October 2023 is the destination, seen once; nothing after it is observed (she is not followed
 * outside care), so the observed months stop at 15 in care.
 */
const files: Record<string, string> = {
  '2023-header.csv': 'CHILD,SEX,DOB,ETHNIC\n200001,2,15/05/2006,WBRI\n',
  '2024-header.csv': 'CHILD,SEX,DOB,ETHNIC\n200001,2,15/05/2006,WBRI\n',
  '2023-episodes.csv': 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE\n200001,10/06/2022,S,C2,N4,K2,PR4,,,\n',
  '2024-episodes.csv': 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE\n200001,10/06/2022,S,C2,N4,K2,PR4,15/09/2023,E5,\n',
};
const uploads = () => Object.entries(files).map(([name, text]) => ({ name, buffer: Buffer.from(text) }));
const prior: CostModelSpec = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../models/england-default.json'), 'utf8'));

t.test('an E5 exit before 18 ends time in care and is counted as a move out of care', async (t) => {
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test' });
  t.equal(imported.episodes[0].ageAtEndYears, 17);
  const { histories, targets } = buildHistories(imported, DEFAULT_MAPPING, prior);
  t.equal(histories.length, 1);
  const h = histories[0];
  const observed = [...h.targets.entries()].filter(([, target]) => target >= 0);
  const inCare = observed.filter(([k]) => h.mode[k] === IN_CARE);
  t.equal(inCare.length, 15, '15 month starts in care, 1 July 2022 to 1 September 2023');
  t.ok(inCare.every(([, target]) => targets[target].states.join() === 'residential'));
  const after = observed.filter(([k]) => h.mode[k] !== IN_CARE);
  t.equal(after.length, 1, 'one month outside care is seen: the destination');
  const [k, target] = after[0];
  t.same(targets[target].states, ['supported_lodgings']);
  t.equal(h.mode[k], DESTINATION_ONLY);
  t.equal(h.leftBefore18[k], 1, 'left care before the 18th birthday');
  t.equal(k, inCare[inCare.length - 1][0] + 1, 'the month after the last month in care');

  const { report } = calibrate(imported, { priorModel: prior, priorWeight: 12, authorityName: 'Recshire' });
  const row = report.rows.find((r) => r.band === '16-17' && r.state === 'residential');
  t.equal(row?.observations, 15, '15 months at risk in residential care');
  t.equal(row?.rates.find((r) => r.to === 'supported_lodgings')?.count, 1, 'the exit is a transition');
  t.equal(row?.rates.find((r) => r.to === 'residential')?.count, 14, '14 stays');
});

t.test('with E5 before 18 as the end of observation (the old table), the same months are at risk and the exit is lost', async (t) => {
  const old = mergeMapping(DEFAULT_MAPPING, { exits: { E5: { under18: null } } });
  const imported = await importSsda903(uploads(), { pseudonymKey: 'test', mapping: old });
  const { report } = calibrate(imported, { priorModel: prior, priorWeight: 12, authorityName: 'Recshire', mapping: old });
  const row = report.rows.find((r) => r.band === '16-17' && r.state === 'residential');
  t.equal(row?.rates.find((r) => r.to === 'supported_lodgings')?.count ?? 0, 0, 'no exit counted');
  t.equal(row?.rates.find((r) => r.to === 'residential')?.count, 14);
});
