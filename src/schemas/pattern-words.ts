import { COHORT_TEAM_PATTERN } from '../catalog/scenario-schema.ts';
import { DISTRICT_PATTERN } from './teams.ts';
import { KEY_WORKER_PATTERN, REFERENCE_PATTERN, SAFE_TEXT_PATTERN } from './young-people.ts';

/**
 * The rule behind each pattern the API's schemas use, in words: Ajv's own message quotes the
 * regular expression ("must match pattern \"^[^\\s=+@…\""), which a finance officer naming a
 * team cannot act on (issue 17 review). A pattern not listed keeps Ajv's message.
 */
export const PATTERN_WORDS = new Map<string, string>([
  [SAFE_TEXT_PATTERN, 'must not start with =, +, -, @ or a space (a spreadsheet would run it as a formula), nor contain control or invisible characters'],
  [REFERENCE_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'],
  [KEY_WORKER_PATTERN, 'must be a pseudonymous key-worker reference: KW then 3-8 digits (e.g. KW1042; case, spaces, "-" and "_" do not matter)'],
  [DISTRICT_PATTERN, 'must be a postcode district, the outward code only (e.g. NV3), never a full postcode'],
  ['^[a-z0-9][a-z0-9-]*$', 'must be lower-case letters, digits and "-", starting with a letter or digit'],
  ['^\\d+\\.\\d+\\.\\d+$', 'must be a version of three numbers, e.g. 1.2.0'],
  [COHORT_TEAM_PATTERN, 'must be a team’s id (a UUID, e.g. from GET /v1/teams) or none (young people with no team)'],
  ['^\\d{4}-(0[1-9]|1[0-2])$', 'must be a calendar month, YYYY-MM'],
]);
