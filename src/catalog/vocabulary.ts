/**
 * The domain's fixed vocabulary: the default care states, the agencies that pay, legal
 * statuses and provider types. Models may define their own states; young people's records use
 * these ids, which the default model also uses.
 */

export const STATE_CATEGORIES = [
  'community',
  'edge_of_care',
  'looked_after',
  'permanence',
  'care_leaver',
  'custody',
  'adult',
] as const;
export type StateCategory = (typeof STATE_CATEGORIES)[number];

export interface CareStateInfo {
  id: string;
  label: string;
  category: StateCategory;
  /** Youngest age (years) at which a young person can be in this state. */
  minAgeYears?: number;
  /** Age (years) from which a young person can no longer be in this state. */
  maxAgeYears?: number;
  /** A placement: moving between two of these is a placement move. */
  placement?: boolean;
}

export const DEFAULT_CARE_STATES: readonly CareStateInfo[] = [
  { id: 'home', label: 'At home (universal services)', category: 'community', maxAgeYears: 18 },
  { id: 'early_help', label: 'At home with early help', category: 'community', maxAgeYears: 18 },
  { id: 'edge_of_care', label: 'Edge of care (intensive intervention)', category: 'edge_of_care', maxAgeYears: 18 },
  { id: 'cin_cp', label: 'Child in need or on a protection plan', category: 'community', maxAgeYears: 18 },
  { id: 'kinship_foster', label: 'Kinship (connected person) foster care', category: 'looked_after', maxAgeYears: 18, placement: true },
  { id: 'inhouse_foster', label: 'In-house foster care', category: 'looked_after', maxAgeYears: 18, placement: true },
  { id: 'ifa_foster', label: 'Agency (IFA) foster care', category: 'looked_after', maxAgeYears: 18, placement: true },
  { id: 'residential', label: 'Residential children’s home', category: 'looked_after', maxAgeYears: 18, placement: true },
  { id: 'secure_home', label: 'Secure children’s home', category: 'looked_after', minAgeYears: 10, maxAgeYears: 18, placement: true },
  { id: 'supported_accommodation', label: 'Supported accommodation (16-17)', category: 'looked_after', minAgeYears: 16, maxAgeYears: 18, placement: true },
  // SSDA903 PLACE A3-A6: with prospective adopters before the adoption order.
  { id: 'placed_for_adoption', label: 'Placed for adoption (before the order)', category: 'looked_after', maxAgeYears: 18, placement: true },
  // PLACE P1: looked after while living with parents or others with parental responsibility.
  { id: 'placed_with_parents', label: 'Placed with parents while looked after', category: 'looked_after', maxAgeYears: 18, placement: true },
  // PLACE Z1 (to 2024-25) and Z11-Z14 (from 2025-26): other placements.
  { id: 'other_placement', label: 'Other placement', category: 'looked_after', maxAgeYears: 18, placement: true },
  { id: 'youth_custody', label: 'Youth custody', category: 'custody', minAgeYears: 10, maxAgeYears: 18 },
  { id: 'sgo', label: 'Special guardianship', category: 'permanence', maxAgeYears: 18 },
  { id: 'adopted', label: 'Adopted', category: 'permanence', maxAgeYears: 18 },
  { id: 'returned_home', label: 'Returned home from care', category: 'permanence', maxAgeYears: 18 },
  { id: 'staying_put', label: 'Staying put with former foster carers', category: 'care_leaver', minAgeYears: 18, maxAgeYears: 21 },
  // Care leavers from 16: a 16- or 17-year-old who leaves care for independent living (SSDA903
  // REC E5, E6) is a relevant child, supported by a personal adviser until 18 and beyond.
  { id: 'supported_lodgings', label: 'Supported lodgings or semi-independent', category: 'care_leaver', minAgeYears: 16 },
  { id: 'independent_eet', label: 'Independent, in education, employment or training', category: 'care_leaver', minAgeYears: 16 },
  { id: 'independent_neet', label: 'Independent, not in education, employment or training', category: 'care_leaver', minAgeYears: 16 },
  { id: 'adult_custody', label: 'Custody (18 and over)', category: 'custody', minAgeYears: 18 },
  { id: 'homeless', label: 'Homeless', category: 'care_leaver', minAgeYears: 18 },
  { id: 'adult', label: 'Adult, not a care leaver', category: 'adult', minAgeYears: 18 },
];

export const DEFAULT_CARE_STATE_IDS = DEFAULT_CARE_STATES.map((s) => s.id);

export const AGENCIES = ['childrens_social_care', 'education', 'health', 'youth_justice', 'housing', 'welfare'] as const;
export type Agency = (typeof AGENCIES)[number];

export const AGENCY_LABELS: Record<Agency, string> = {
  childrens_social_care: 'Children’s social care',
  education: 'Education',
  health: 'Health',
  youth_justice: 'Youth justice',
  housing: 'Housing',
  welfare: 'Welfare',
};

/** Legal status, after the SSDA903 LS codes, plus statuses outside care. */
export const LEGAL_STATUSES = [
  'not_looked_after',
  'section_20',
  'police_protection',
  'emergency_protection_order',
  'interim_care_order',
  'care_order',
  'placement_order',
  'youth_justice_remand',
  'special_guardianship_order',
  'child_arrangements_order',
  'adoption_order',
  'care_leaver',
] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

/** Who provides a placement, after the SSDA903 PLACE_PROVIDER codes PR0-PR5. */
export const PLACEMENT_PROVIDERS = ['parent', 'own_authority', 'other_authority', 'other_public', 'private', 'voluntary'] as const;
export type PlacementProvider = (typeof PLACEMENT_PROVIDERS)[number];
