import t from 'tap';
import { CAPABILITIES, type Capability, ROLES, can, capabilitiesOf } from '../../src/services/access-control.ts';
import { ADMINISTER, CALIBRATE, ERASE, EXPORT, EXPORT_INDIVIDUALS, README, READ_AGGREGATES, READ_INDIVIDUALS, RUN_PROJECTIONS, RUN_SCENARIOS, SET_TARGETS, WRITE_INDIVIDUALS, readmeRoleTable } from './readme-roles.ts';

/**
 * The policy table in src/services/access-control.ts against the README's roles table, cell by
 * cell, without the app: fast enough to run for every mutant of the table. (Which operation
 * needs which capability is checked through the API in role-matrix.test.ts.)
 */

/** The capabilities each README row grants. */
const rowCapabilities: Record<string, Capability[]> = {
  [READ_INDIVIDUALS]: ['individuals:read'],
  [WRITE_INDIVIDUALS]: ['individuals:write'],
  [ERASE]: ['individuals:erase'],
  [RUN_PROJECTIONS]: ['projections:run'],
  [READ_AGGREGATES]: ['aggregates:read'],
  [RUN_SCENARIOS]: ['scenarios:write'],
  [CALIBRATE]: ['models:write'],
  [EXPORT]: ['packs:export'],
  [EXPORT_INDIVIDUALS]: ['individuals:export'],
  [SET_TARGETS]: ['targets:write'],
  [ADMINISTER]: ['tokens:manage', 'audit:read'],
};

t.test('every role × capability is as the README table says', async (t) => {
  const table = readmeRoleTable(README);
  t.same(Object.values(rowCapabilities).flat().sort(), [...CAPABILITIES].sort(), 'each capability belongs to exactly one README row');
  t.same([...table.keys()].sort(), Object.keys(rowCapabilities).sort(), 'each README row is mapped');
  for (const [row, capabilities] of Object.entries(rowCapabilities)) {
    const allowed = table.get(row);
    for (const capability of capabilities) {
      for (const role of ROLES) {
        t.equal(can(role, capability), allowed?.has(role) ?? false, `${role} ${capability} (${row})`);
      }
    }
  }
});

t.test('capabilitiesOf lists exactly what can() allows', async (t) => {
  for (const role of ROLES) {
    t.same(
      [...capabilitiesOf(role)].sort(),
      CAPABILITIES.filter((c) => can(role, c)).sort(),
      role,
    );
  }
  t.same([...capabilitiesOf('admin')].sort(), [...CAPABILITIES].sort(), 'admin may do everything');
  t.same([...capabilitiesOf('board')].sort(), ['aggregates:read', 'packs:export'], 'the board: aggregates and packs only');
});
