import { PATTERN_WORDS } from './pattern-words.ts';

/**
 * One schema error, as Ajv (and TypeBox's checker, which follows Ajv) reports it: the keyword
 * that failed, its parameters, and Ajv's own message.
 */
export interface SchemaError {
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  object: 'an object ({…})',
  array: 'a list ([…])',
  boolean: 'true or false',
  null: 'null',
};

const COMPARISON_WORDS: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'more than', '<': 'less than' };

const FORMAT_WORDS: Record<string, string> = {
  date: 'must be a date, YYYY-MM-DD (e.g. 2026-04-01)',
  'date-time': 'must be a date and time with its offset, e.g. 2026-04-01T09:00:00Z',
  uuid: 'must be a UUID, e.g. 3f2b6c1e-8a4d-4f0e-9b7a-2c5d1e6f8a90',
  uri: 'must be an absolute address (URI)',
  email: 'must be an email address',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The reason a schema error gives a person, in words rather than Ajv's ("must NOT have more than
 * 64 characters", "must be >= 0", "must match pattern \"^\\d{4}-\\d{2}$\"": a finance officer can
 * act on "must be at most 64 characters long" and "must be a financial year, e.g. 2026-27").
 * Keywords not listed keep Ajv's message. `required` and `additionalProperties` name another
 * field than the error's path, so their callers word them (they are worded here too, for safety).
 */
export function plainReason(e: SchemaError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'type': {
      const types = String(p.type).split(',');
      return `must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${COMPARISON_WORDS[String(p.comparison)] ?? String(p.comparison)} ${String(p.limit)}`;
    case 'multipleOf':
      return `must be a multiple of ${String(p.multipleOf)}`;
    case 'minLength':
      return Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${plural(Number(p.limit), 'character', 'characters')} long`;
    case 'maxLength':
      return `must be at most ${plural(Number(p.limit), 'character', 'characters')} long`;
    case 'minItems':
      return Number(p.limit) === 1 ? 'must have at least one item' : `must have at least ${plural(Number(p.limit), 'item', 'items')}`;
    case 'maxItems':
      return `must have at most ${plural(Number(p.limit), 'item', 'items')}`;
    case 'uniqueItems':
      return `must not repeat an item (items ${String(p.j)} and ${String(p.i)} are the same)`;
    case 'minProperties':
      return `must have at least ${plural(Number(p.limit), 'field', 'fields')}`;
    case 'maxProperties':
      return `must have at most ${plural(Number(p.limit), 'field', 'fields')}`;
    case 'format':
      return FORMAT_WORDS[String(p.format)] ?? `must be a valid ${String(p.format)}`;
    case 'pattern':
      return PATTERN_WORDS.get(String(p.pattern)) ?? 'is not in the form this field takes (see the API description)';
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    default:
      return e.message ?? e.keyword;
  }
}

/** A schema error with the JSON pointer of the value it is about (and, from Ajv, of the rule). */
export interface SchemaErrorAt extends SchemaError {
  instancePath: string;
  schemaPath?: string;
}

/** The value checked and the schema it was checked against: lets a union's intended branch be found. */
export interface CheckedValue {
  input: unknown;
  schema: unknown;
}

/** The node at a JSON pointer (RFC 6901) in a document; undefined where there is none. */
function nodeAt(root: unknown, pointer: string, decode: (raw: string) => string = (raw) => raw): unknown {
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decode(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The `type` constant a union branch is told apart by (a distribution's "pert"), if any. */
const typeConstOf = (branch: unknown): unknown => (branch as { properties?: { type?: { const?: unknown } } } | null)?.properties?.type?.const;

/**
 * A union of objects told apart by `type` (a distribution: fixed, normal, pert…) reports the
 * errors of every branch; the branch the author meant is the one whose `type` const matches the
 * value's, so only its errors are kept, and a value that names no branch gets one error listing
 * what is allowed. Returns the errors left and those that replace a failed union.
 */
function chooseUnionBranches(errors: SchemaErrorAt[], checked: CheckedValue): { kept: SchemaErrorAt[]; replacements: Array<{ instancePath: string; reason: string }> } {
  const unions: Array<{ instancePath: string; schemaPath: string; chosen: number }> = [];
  const replacements: Array<{ instancePath: string; reason: string }> = [];
  const replaced = new Set<SchemaErrorAt>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' || e.schemaPath === undefined) continue;
    const branches = nodeAt(checked.schema, e.schemaPath.replace(/^#/, ''), decodeURIComponent);
    if (!Array.isArray(branches)) continue;
    const names = branches.map(typeConstOf).filter((n): n is string => typeof n === 'string');
    if (names.length < 2) continue; // not a union told apart by type
    const value = nodeAt(checked.input, e.instancePath);
    const wanted = value !== null && typeof value === 'object' ? (value as { type?: unknown }).type : undefined;
    const chosen = typeof wanted === 'string' ? branches.findIndex((b) => typeConstOf(b) === wanted) : -1;
    unions.push({ instancePath: e.instancePath, schemaPath: e.schemaPath, chosen });
    replaced.add(e);
    if (chosen >= 0) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) replacements.push({ instancePath: `${e.instancePath}/type`, reason: `must be one of: ${names.join(', ')}` });
    else {
      const plain = branches.some((b) => (b as { type?: unknown }).type === 'number');
      replacements.push({ instancePath: e.instancePath, reason: `must be ${plain ? 'a number or ' : ''}a distribution object (type one of: ${names.join(', ')})` });
    }
  }
  const fromOtherBranch = (e: SchemaErrorAt) =>
    unions.some((u) => {
      if (!(e.instancePath === u.instancePath || e.instancePath.startsWith(`${u.instancePath}/`))) return false;
      if (e.schemaPath === undefined || !e.schemaPath.startsWith(`${u.schemaPath}/`)) return false;
      return Number(e.schemaPath.slice(u.schemaPath.length + 1).split('/')[0]) !== u.chosen;
    });
  return { kept: errors.filter((e) => !replaced.has(e) && !fromOtherBranch(e)), replacements };
}

/**
 * Turns schema errors into "field + reason" pairs a person can act on, one reason a field.
 *
 * - A union told apart by `type` (a distribution) keeps only the errors of the branch the value
 *   names (needs `checked`, the value and its schema; see chooseUnionBranches).
 * - Any other failed anyOf (a nullable value, a number or a list) yields one entry per branch
 *   plus the anyOf itself; those are folded into one reason for the field. A branch failed only
 *   for its type ("must be null") is left out when the value had another branch's type and failed
 *   that branch's own rule (a pattern, a format, an enum, a bound: at the field or inside it): a
 *   "KW#1" for a nullable key worker is answered with the pattern's words alone, not "or be
 *   null". Only when every branch failed for its type is the field told each one ("must be text
 *   or be null"); a choice of constants reads "must be one of: xlsx, csv".
 * - Two rules failed at one field are one reason: an empty value is told "must not be empty"
 *   alone (its pattern fails only for being empty); otherwise the reasons are joined.
 */
export function validationErrors(context: string, errors: SchemaErrorAt[], checked?: CheckedValue): Array<{ field: string; reason: string }> {
  const chosen = checked ? chooseUnionBranches(errors, checked) : { kept: errors, replacements: [] };
  errors = chosen.kept;
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  // A value failing a rule other than its type, or with an error inside it (so an object or an
  // array), had the type of the branch it failed: the other branches' type errors are noise.
  const ruleFailed = new Set(errors.filter((e) => e.keyword !== 'type' && e.keyword !== 'anyOf').map((e) => e.instancePath));
  const failedPaths = [...errors.map((o) => o.instancePath), ...chosen.replacements.map((r) => r.instancePath)];
  const onlyNoise = (e: SchemaErrorAt) => e.keyword === 'type' && (ruleFailed.has(e.instancePath) || failedPaths.some((p) => p.startsWith(`${e.instancePath}/`)));
  const branchReasons = new Map<string, { reasons: string[]; constants: unknown[] }>();
  const out: Array<{ field: string; reason: string }> = [];
  const push = (field: string, reason: string) => out.push({ field, reason });
  for (const r of chosen.replacements) push(`${context}${r.instancePath}`, r.reason);
  for (const e of errors) {
    const path = `${context}${e.instancePath}`;
    if (e.keyword === 'additionalProperties') {
      push(`${path}/${String(e.params.additionalProperty)}`, 'is not a known field');
    } else if (e.keyword === 'required') {
      push(`${path}/${String(e.params.missingProperty)}`, 'is required');
    } else if (e.keyword === 'pattern' && checked !== undefined && nodeAt(checked.input, e.instancePath) === '') {
      // An empty value fails its pattern only for being empty: say that.
      push(path, 'must not be empty');
    } else if (e.keyword === 'pattern' || e.keyword === 'enum') {
      push(path, plainReason(e));
    } else if (anyOfPaths.has(e.instancePath)) {
      if (e.keyword === 'anyOf' || onlyNoise(e)) continue;
      const branch = branchReasons.get(path) ?? { reasons: [], constants: [] };
      const reason = plainReason(e).replace(/^must /, '');
      if (!branch.reasons.includes(reason)) branch.reasons.push(reason);
      if (e.keyword === 'const') branch.constants.push(e.params.allowedValue);
      branchReasons.set(path, branch);
    } else {
      push(path, plainReason(e));
    }
  }
  for (const [field, branch] of branchReasons) {
    const allConstants = branch.constants.length === branch.reasons.length && branch.constants.length > 1;
    push(field, allConstants ? `must be one of: ${branch.constants.map(String).join(', ')}` : `must ${branch.reasons.join(' or ')}`);
  }
  // An empty value's other reasons (its pattern) only restate that it is empty.
  const empty = new Set(out.filter((e) => e.reason === 'must not be empty').map((e) => e.field));
  return oneReasonAField(out.filter((e) => !empty.has(e.field) || e.reason === 'must not be empty'));
}

/**
 * Field errors with one entry a field, in the order fields were first named: several reasons for
 * one field are joined into one ("mode 2 is below min 3, and mode 2 is above max 1"), repeats
 * dropped, so a client showing one message beside each field loses none.
 */
export function oneReasonAField<E extends { field: string; reason: string }>(errors: readonly E[]): E[] {
  const byField = new Map<string, { first: E; reasons: string[] }>();
  for (const e of errors) {
    const entry = byField.get(e.field);
    if (!entry) byField.set(e.field, { first: e, reasons: [e.reason] });
    else if (!entry.reasons.includes(e.reason)) entry.reasons.push(e.reason);
  }
  return [...byField.values()].map(({ first, reasons }) => ({ ...first, reason: reasons.join(', and ') }));
}
