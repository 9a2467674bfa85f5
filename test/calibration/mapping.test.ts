import t from 'tap';
import { DEFAULT_CARE_STATE_IDS } from '../../src/catalog/vocabulary.ts';
import { careLeaverState, DEFAULT_MAPPING, exitTarget, mergeMapping, PREVIOUS, placementTarget, validateMappingForModel } from '../../src/calibration/mapping.ts';
import { syntheticModel } from '../../src/calibration/synthetic-authority.ts';
import { BadRequestError, UnprocessableError } from '../../src/services/errors.ts';

t.test('every code of the return has a rule, and every rule names a default state', async (t) => {
  for (const place of DEFAULT_MAPPING.codeLists.PLACE) t.ok(DEFAULT_MAPPING.placements[place], `PLACE ${place} is mapped`);
  for (const rec of DEFAULT_MAPPING.codeLists.REC.filter((c) => c !== 'X1')) t.ok(DEFAULT_MAPPING.exits[rec], `REC ${rec} is mapped`);
  for (const rec of Object.keys(DEFAULT_MAPPING.legacyCodes.REC)) t.ok(DEFAULT_MAPPING.exits[rec], `legacy REC ${rec} is mapped`);
  for (const code of DEFAULT_MAPPING.codeLists.IN_TOUCH) t.not(DEFAULT_MAPPING.careLeavers.inTouch[code], undefined, `IN_TOUCH ${code}`);
  for (const code of DEFAULT_MAPPING.codeLists.ACTIV) t.not(DEFAULT_MAPPING.careLeavers.activity[code], undefined, `ACTIV ${code}`);
  for (const code of DEFAULT_MAPPING.codeLists.ACCOM.filter((c) => c !== '0')) t.not(DEFAULT_MAPPING.careLeavers.accommodation[code[0]], undefined, `ACCOM ${code}`);
  t.doesNotThrow(() => validateMappingForModel(DEFAULT_MAPPING, syntheticModel()), 'all named states are default states');
  t.ok(DEFAULT_CARE_STATE_IDS.includes('inhouse_foster'));
});

t.test('placements: foster care splits in-house from agency by provider, kinship and residential by type', async (t) => {
  t.equal(placementTarget(DEFAULT_MAPPING, 'U4', 'PR1'), 'inhouse_foster', 'own authority');
  t.equal(placementTarget(DEFAULT_MAPPING, 'U6', 'PR2'), 'inhouse_foster', 'another authority is public sector');
  t.equal(placementTarget(DEFAULT_MAPPING, 'U5', 'PR4'), 'ifa_foster', 'private');
  t.equal(placementTarget(DEFAULT_MAPPING, 'U6', 'PR5'), 'ifa_foster', 'voluntary');
  t.equal(placementTarget(DEFAULT_MAPPING, 'U1', 'PR4'), 'kinship_foster', 'kinship whoever provides');
  t.equal(placementTarget(DEFAULT_MAPPING, 'K2', 'PR4'), 'residential');
  t.equal(placementTarget(DEFAULT_MAPPING, 'R1', 'PR1'), 'residential');
  t.equal(placementTarget(DEFAULT_MAPPING, 'K1', 'PR1'), 'secure_home');
  t.equal(placementTarget(DEFAULT_MAPPING, 'H5', 'PR4'), 'supported_accommodation');
  t.equal(placementTarget(DEFAULT_MAPPING, 'P2', 'PR4'), 'supported_accommodation');
  t.equal(placementTarget(DEFAULT_MAPPING, 'R5', 'PR3'), 'youth_custody');
  t.equal(placementTarget(DEFAULT_MAPPING, 'A6', 'PR1'), 'inhouse_foster', 'placed for adoption');
  t.equal(placementTarget(DEFAULT_MAPPING, 'T1', 'PR1'), PREVIOUS, 'a temporary absence keeps the state');
  t.equal(placementTarget(DEFAULT_MAPPING, 'P1', 'PR0'), null, 'placed with parents has no state');
  t.equal(placementTarget(DEFAULT_MAPPING, 'Q9', 'PR1'), null, 'unknown code');
});

t.test('exits depend on the age at leaving', async (t) => {
  t.equal(exitTarget(DEFAULT_MAPPING, 'E11', 4), 'adopted');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E45', 9), 'sgo', 'special guardianship (current code)');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E44', 9), 'sgo', 'special guardianship (legacy code)');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E41', 9), 'sgo', 'child arrangements order: permanence with an order');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E4A', 12), 'returned_home');
  t.same(exitTarget(DEFAULT_MAPPING, 'E4A', 18), ['independent_eet', 'independent_neet'], 'living with family at 18: independent, EET unknown');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E17', 18), 'staying_put');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E17', 17), null, 'staying put before 18 is not a state');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E5', 18), 'supported_lodgings');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E9', 15), 'youth_custody');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E9', 18), 'adult_custody');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E3', 10), 'home', 'another authority takes over: the exit counts, the child leaves the population');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E2', 10), null, 'died: observation ends');
});

t.test('care leaver states from OC3', async (t) => {
  const allowed = (age: number) => (s: string) => !(s === 'staying_put' && age >= 21);
  t.equal(careLeaverState(DEFAULT_MAPPING, { inTouch: 'YES', activity: 'F2', accommodation: 'Z1' }, allowed(19)), 'staying_put');
  t.equal(careLeaverState(DEFAULT_MAPPING, { inTouch: 'YES', activity: 'F2', accommodation: 'Z1' }, allowed(21)), 'independent_eet', 'staying put ends at 21');
  t.equal(careLeaverState(DEFAULT_MAPPING, { inTouch: 'YES', activity: 'G5', accommodation: 'U1' }, allowed(20)), 'independent_neet');
  t.equal(careLeaverState(DEFAULT_MAPPING, { inTouch: 'YES', activity: 'P3', accommodation: 'B1' }, allowed(20)), 'independent_eet');
  t.equal(careLeaverState(DEFAULT_MAPPING, { inTouch: 'YES', activity: 'G4', accommodation: 'S2' }, allowed(19)), 'homeless');
  t.equal(careLeaverState(DEFAULT_MAPPING, { inTouch: 'YES', activity: 'G5', accommodation: 'X2' }, allowed(19)), 'adult_custody');
  t.equal(careLeaverState(DEFAULT_MAPPING, { inTouch: 'YES', activity: 'F1', accommodation: 'D1' }, allowed(19)), 'supported_lodgings');
  t.equal(careLeaverState(DEFAULT_MAPPING, { inTouch: 'NO', activity: '0', accommodation: '0' }, allowed(19)), null, 'not in touch');
  t.equal(careLeaverState(DEFAULT_MAPPING, { inTouch: 'YES', activity: 'F1', accommodation: 'R1' }, allowed(19)), null, 'residence not known');
});

t.test('an authority overrides part of the table; bad overrides are refused', async (t) => {
  const merged = mergeMapping(DEFAULT_MAPPING, { id: 'northvale', placements: { P1: { state: 'returned_home' } }, exits: { E8: { from18: 'adult' } } });
  t.equal(merged.id, 'northvale');
  t.equal(placementTarget(merged, 'P1', 'PR0'), 'returned_home', 'overridden');
  t.equal(placementTarget(merged, 'U6', 'PR4'), 'ifa_foster', 'the rest of the default stands');
  t.equal(exitTarget(merged, 'E8', 18), 'adult', 'one age overridden');
  t.equal(exitTarget(merged, 'E8', 12), 'returned_home', 'the other age kept');
  t.equal(placementTarget(DEFAULT_MAPPING, 'P1', 'PR0'), null, 'the default itself is untouched');

  const refused = (override: unknown, field: string, message: string) => {
    try {
      mergeMapping(DEFAULT_MAPPING, override);
      t.fail(message);
    } catch (error) {
      t.type(error, BadRequestError, message);
      t.match((error as BadRequestError).errors, [{ field }], message);
    }
  };
  refused({ placements: { Q9: { state: 'residential' } } }, '/placements/Q9', 'unknown PLACE code');
  refused({ exits: { X1: { under18: 'home' } } }, '/exits/X1', 'X1 is not an exit');
  refused({ placements: { K2: { byProvider: { PR9: 'residential' } } } }, '/placements/K2/byProvider/PR9', 'unknown provider');
  refused({ colour: 'blue' }, '/', 'unknown field');
  try {
    validateMappingForModel(mergeMapping(DEFAULT_MAPPING, { placements: { K2: { byProvider: { PR1: 'residential_inhouse', PR4: 'residential_external' } } } }), syntheticModel());
    t.fail('a state the model lacks must be refused');
  } catch (error) {
    t.type(error, UnprocessableError);
    t.match((error as UnprocessableError).errors, [{ field: '/placements/K2/byProvider/PR1', reason: /residential_inhouse/ }, { field: '/placements/K2/byProvider/PR4' }]);
  }
});
