import t from 'tap';
import { codeStatus, codesForYear, describeYears, normaliseCode } from '../../src/calibration/code-lists.ts';
import { DEFAULT_MAPPING, isKnownCode, mergeMapping } from '../../src/calibration/mapping.ts';

/**
 * The code lists by collection year, against the lists the open validator checks (lac_validator
 * rule 146 for PLACE in 2022-23, 2024-25 and 2025-26) and the DfE guide's OC3 activity codes.
 */

const PLACE_2023 = ['A3', 'A4', 'A5', 'A6', 'H5', 'K1', 'K2', 'P1', 'P2', 'P3', 'R1', 'R2', 'R3', 'R5', 'S1', 'T0', 'T1', 'T2', 'T3', 'T4', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'Z1'];
const PLACE_2025 = [...PLACE_2023, 'K3'];
const PLACE_2026 = PLACE_2025.filter((c) => !['H5', 'P2', 'Z1'].includes(c)).concat(['Z11', 'Z12', 'Z13', 'Z14']);

t.test('PLACE by collection year', async (t) => {
  for (const year of [2015, 2020, 2023, 2024]) t.same(codesForYear(DEFAULT_MAPPING, 'PLACE', year).sort(), [...PLACE_2023].sort(), `${year - 1}-${year % 100}`);
  t.same(codesForYear(DEFAULT_MAPPING, 'PLACE', 2025).sort(), [...PLACE_2025].sort(), '2024-25 adds K3');
  t.same(codesForYear(DEFAULT_MAPPING, 'PLACE', 2026).sort(), [...PLACE_2026].sort(), '2025-26: Z11-Z14 replace Z1; H5 and P2 gone');
});

t.test('OC3 ACTIV by collection year', async (t) => {
  t.same(codesForYear(DEFAULT_MAPPING, 'ACTIV', 2021).sort(), ['0', 'F1', 'F2', 'F3', 'G4', 'G5', 'G6', 'P1', 'P2', 'P3']);
  t.same(codesForYear(DEFAULT_MAPPING, 'ACTIV', 2022).sort(), ['0', 'F1', 'F2', 'F4', 'F5', 'G4', 'G5', 'G6', 'P1', 'P2', 'P4', 'P5']);
  for (const code of ['F4', 'P4', 'F5', 'P5', 'F1', 'P1', 'F2', 'P2', 'F3', 'P3']) t.equal(DEFAULT_MAPPING.careLeavers.activity[code], 'independent_eet', `${code} is in education, employment or training`);
});

t.test('status: current, out of its years, legacy, unknown; compared trimmed and in upper case', async (t) => {
  t.equal(codeStatus(DEFAULT_MAPPING, 'PLACE', 'K3', 2025), 'current');
  t.equal(codeStatus(DEFAULT_MAPPING, 'PLACE', 'K3', 2024), 'out_of_year');
  t.equal(codeStatus(DEFAULT_MAPPING, 'PLACE', 'Z1', 2026), 'out_of_year');
  t.equal(codeStatus(DEFAULT_MAPPING, 'PLACE', 'Z12', 2026), 'current');
  t.equal(codeStatus(DEFAULT_MAPPING, 'PLACE', 'Z12'), 'current', 'with no year: in the list at all');
  t.equal(codeStatus(DEFAULT_MAPPING, 'REC', 'E43', 2020), 'legacy');
  t.equal(codeStatus(DEFAULT_MAPPING, 'PLACE', 'Q9', 2020), false);
  t.equal(normaliseCode(' u4 '), 'U4');
  t.equal(isKnownCode(DEFAULT_MAPPING, 'PLACE', ' z12'), 'current');
  t.equal(describeYears({ from: 2025 }), 'valid from the 2024-25 return');
  t.equal(describeYears({ to: 2021 }), 'valid up to the 2020-21 return');
});

t.test('every code in a list has a rule in the mapping table', async (t) => {
  for (const code of DEFAULT_MAPPING.codeLists.PLACE) t.ok(code in DEFAULT_MAPPING.placements, `PLACE ${code}`);
  for (const code of DEFAULT_MAPPING.codeLists.ACTIV) t.ok(code in DEFAULT_MAPPING.careLeavers.activity, `ACTIV ${code}`);
  t.equal(DEFAULT_MAPPING.placements.K3.state, 'supported_accommodation');
  for (const z of ['Z1', 'Z11', 'Z12', 'Z13', 'Z14']) t.equal(DEFAULT_MAPPING.placements[z].state, 'other_placement', `${z}: other placement (issue 11)`);
});

t.test('an authority can map the 2025-26 codes', async (t) => {
  const merged = mergeMapping(DEFAULT_MAPPING, { placements: { Z12: { state: 'residential' } } });
  t.equal(merged.placements.Z12.state, 'residential');
});

t.test('an override’s codes are compared as the files’ are: trimmed and in upper case', async (t) => {
  const merged = mergeMapping(DEFAULT_MAPPING, { placements: { ' z12': { state: 'residential' }, k2: { byProvider: { pr4: 'residential' } } }, careLeavers: { activity: { f5: 'independent_neet' } } });
  t.equal(merged.placements.Z12.state, 'residential');
  t.same(merged.placements.K2.byProvider, { PR4: 'residential' });
  t.equal(merged.careLeavers.activity.F5, 'independent_neet');
});
