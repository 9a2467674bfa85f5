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

/**
 * Issue 11: every code is classified. PLACE: every code lands in a state (or keeps the previous
 * one: temporary absences T0-T4). REC: every code that ends care is an exit to a named state at
 * every age; the end of observation is kept only where the destination is unknown (E8 from 18) or
 * the code cannot happen (an adoption or an order made at 18 or over). These are the codes that
 * end care outright, which must never end observation at any age: death, independent living,
 * adult services, remaining with carers, custody, another authority, moving abroad.
 */
t.test('every PLACE code lands in a state; codes that end care are exits at every age, never censoring', async (t) => {
  for (const place of DEFAULT_MAPPING.codeLists.PLACE) {
    t.not(placementTarget(DEFAULT_MAPPING, place, 'PR1'), null, `PLACE ${place} has a state`);
  }
  const endsCare = ['E2', 'E3', 'E4A', 'E4B', 'E5', 'E6', 'E7', 'E9', 'E13', 'E14', 'E15', 'E16', 'E17'];
  for (const rec of endsCare) {
    for (const age of [10, 16, 17, 18, 20]) t.not(exitTarget(DEFAULT_MAPPING, rec, age), null, `REC ${rec} at ${age} is an exit`);
  }
  for (const rec of ['E11', 'E12', 'E41', 'E45', 'E46', 'E47', 'E48', 'E8']) t.not(exitTarget(DEFAULT_MAPPING, rec, 12), null, `REC ${rec} before 18 is an exit`);
  const ends = DEFAULT_MAPPING.codeLists.REC.filter((c) => c !== 'X1').flatMap((rec) => [17, 18].filter((age) => exitTarget(DEFAULT_MAPPING, rec, age) === null).map((age) => `${rec}@${age}`));
  t.same(ends.sort(), ['E11@18', 'E12@18', 'E41@18', 'E45@18', 'E46@18', 'E47@18', 'E48@18', 'E8@18'], 'the only ends of observation');
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
  t.equal(placementTarget(DEFAULT_MAPPING, 'A6', 'PR1'), 'placed_for_adoption', 'placed for adoption');
  for (const code of ['A3', 'A4', 'A5']) t.equal(placementTarget(DEFAULT_MAPPING, code, 'PR4'), 'placed_for_adoption', code);
  for (const code of ['Z1', 'Z11', 'Z12', 'Z13', 'Z14']) t.equal(placementTarget(DEFAULT_MAPPING, code, ''), 'other_placement', code);
  t.equal(placementTarget(DEFAULT_MAPPING, 'T1', 'PR1'), PREVIOUS, 'a temporary absence keeps the state');
  t.equal(placementTarget(DEFAULT_MAPPING, 'P1', 'PR0'), 'placed_with_parents', 'placed with parents');
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
  t.equal(exitTarget(DEFAULT_MAPPING, 'E17', 17), 'supported_lodgings', 'remained with carers before 18: leaves care, staying put is not allowed at 17');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E5', 16), 'supported_lodgings', 'independent living with support at 16: leaves care');
  t.same(exitTarget(DEFAULT_MAPPING, 'E6', 17), ['independent_eet', 'independent_neet'], 'independent living without support at 17');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E7', 17), 'home', 'adult social care before 18: leaves the population');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E7', 18), 'adult');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E5', 18), 'supported_lodgings');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E9', 15), 'youth_custody');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E9', 18), 'adult_custody');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E3', 10), 'home', 'another authority takes over: the exit counts, the child leaves the population');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E2', 10), 'home', 'died: an exit to the no-cost state, not the end of observation');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E2', 19), 'adult', 'died at 18 or over');
  t.equal(exitTarget(DEFAULT_MAPPING, 'E8', 18), null, 'ceased for another reason at 18: destination unknown, observation ends');
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
  t.equal(placementTarget(DEFAULT_MAPPING, 'P1', 'PR0'), 'placed_with_parents', 'the default itself is untouched');

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
  refused({ colour: 'blue' }, '/colour', 'an unknown field is named itself, not its parent');
  // One reason a field, in words (review of 4 December: "must be string", "must be null" and "must
  // match a schema in anyOf" side by side; "schema is false" for an unknown field).
  const reasons = (override: unknown) => {
    try {
      mergeMapping(DEFAULT_MAPPING, override);
      return [];
    } catch (error) {
      return (error as BadRequestError).errors;
    }
  };
  t.same(reasons({ placements: { R1: { state: 5 } } }), [{ field: '/placements/R1/state', reason: 'must be text or be null' }]);
  t.same(reasons({ placements: { R1: { zz: 1 } } }), [{ field: '/placements/R1/zz', reason: 'is not a known field' }]);
  t.same(reasons({ exits: { E11: { under18: 1 } } }), [{ field: '/exits/E11/under18', reason: 'must be text or be a list ([…]) or be null' }]);
  t.same(reasons([]), [{ field: '/', reason: 'must be an object ({…})' }]);
  try {
    validateMappingForModel(mergeMapping(DEFAULT_MAPPING, { placements: { K2: { byProvider: { PR1: 'residential_inhouse', PR4: 'residential_external' } } } }), syntheticModel());
    t.fail('a state the model lacks must be refused');
  } catch (error) {
    t.type(error, UnprocessableError);
    t.match((error as UnprocessableError).errors, [{ field: '/placements/K2/byProvider/PR1', reason: /residential_inhouse/ }, { field: '/placements/K2/byProvider/PR4' }]);
  }
});
