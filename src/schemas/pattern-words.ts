import { SLUG_PATTERN, VERSION_PATTERN } from '../catalog/identifiers.ts';
import { COHORT_TEAM_PATTERN } from '../catalog/scenario-schema.ts';
import { DISTRICT_PATTERN } from './teams.ts';
import { KEY_WORKER_PATTERN, REFERENCE_PATTERN, SAFE_TEXT_PATTERN } from './young-people.ts';

/**
 * The rule behind each pattern the API's schemas use, in words: Ajv's own message quotes the
 * regular expression ("must match pattern \"^[^\\s=+@…\""), which a finance officer naming a
 * team cannot act on (issue 17 review). Every pattern the API's schemas use has its words here (a
 * test walks the OpenAPI document and the model and scenario formats for any without).
 */
export const PATTERN_WORDS = new Map<string, string>([
  [SAFE_TEXT_PATTERN, 'must not start with =, +, -, @ or a space (a spreadsheet would run it as a formula), nor contain control or invisible characters'],
  [REFERENCE_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'],
  [KEY_WORKER_PATTERN, 'must be a pseudonymous key-worker reference: KW then 3-8 digits (e.g. KW1042; case, spaces, "-" and "_" do not matter)'],
  [DISTRICT_PATTERN, 'must be a postcode district, the outward code only (e.g. NV3), never a full postcode'],
  [SLUG_PATTERN, 'must be lower-case letters, digits and "-", starting with a letter or digit'],
  [VERSION_PATTERN, 'must be a version of three whole numbers without leading zeros, e.g. 1.2.0'],
  [COHORT_TEAM_PATTERN, 'must be a team’s id (a UUID, e.g. from GET /v1/teams) or none (young people with no team)'],
  ['^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$', 'must be a calendar month, YYYY-MM, in the years 1900 to 2999'],
  ['^(19|20|21)\\d{2}-(0[1-9]|1[0-2])$', 'must be a calendar month, YYYY-MM, in the years 1900 to 2199'],
  ['^(19|20|21)\\d{2}-', 'must be a date in the years 1900 to 2199'],
  ['^\\d{4}-\\d{2}$', 'must be a financial year, e.g. 2026-27'],
  ['^[a-z0-9][a-z0-9-_]*$', 'must be lower-case letters, digits, "-" and "_", starting with a letter or digit'],
  ['^[a-z][a-z0-9_]*$', 'must be lower_snake_case: lower-case letters, digits and "_", starting with a letter'],
  ['^[A-Za-z0-9._-]{1,64}$', 'must be 1-64 letters, digits, ".", "_" or "-"'],
  ['^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,3}$', 'must be one to four run ids (UUIDs), separated by commas'],
  ['^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){1,7}$', 'must be two to eight run ids (UUIDs), separated by commas'],
  ['^\\d{4}(-\\d{4})?$', 'must be a return year or a range of them, e.g. 2024 or 2021-2024'],
  ['^(\\d{4}|none)$', 'must be a return year, e.g. 2024, or none'],
]);
