/**
 * Who may do what. Routes name the capability they need; this table is the only place that
 * maps roles to capabilities, so a reviewer can read the whole policy here.
 */
export const ROLES = ['admin', 'finance', 'commissioning', 'head_of_service', 'board'] as const;
export type Role = (typeof ROLES)[number];

export const CAPABILITIES = [
  /** Read individual young people's records, plans and projections. */
  'individuals:read',
  /** Create, update and import young people; manage their care plans. */
  'individuals:write',
  /** Data-protection erasure. */
  'individuals:erase',
  /** Run projections for an individual. */
  'projections:run',
  /** Read models, scenarios, runs and other aggregates. */
  'aggregates:read',
  /** Create and change scenarios; run them. */
  'scenarios:write',
  /** Import SSDA903 returns and publish calibrated models. */
  'models:write',
  /** Export scenario packs. */
  'packs:export',
  /** Download one young person's budget or projection as a file (audited). */
  'individuals:export',
  /** Issue and revoke API tokens. */
  'tokens:manage',
  /** Read the audit log. */
  'audit:read',
  /** Set the balanced scorecard's targets and red-amber-green thresholds. */
  'targets:write',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const everything = new Set<Capability>(CAPABILITIES);

const policy: Record<Role, ReadonlySet<Capability>> = {
  admin: everything,
  finance: new Set([
    'individuals:read',
    'individuals:write',
    'projections:run',
    'aggregates:read',
    'scenarios:write',
    'packs:export',
    'individuals:export',
    'targets:write',
  ]),
  commissioning: new Set([
    'individuals:read',
    'projections:run',
    'aggregates:read',
    'scenarios:write',
    'models:write',
    'packs:export',
    'individuals:export',
  ]),
  head_of_service: new Set([
    'individuals:read',
    'individuals:write',
    'projections:run',
    'aggregates:read',
    'scenarios:write',
    'packs:export',
    'individuals:export',
  ]),
  // The programme board decides from aggregates: never an individual record.
  board: new Set(['aggregates:read', 'packs:export']),
};

export function can(role: Role, capability: Capability): boolean {
  return policy[role].has(capability);
}

export function capabilitiesOf(role: Role): Capability[] {
  return [...policy[role]];
}
