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

/** A schema error with the JSON pointer of the value it is about. */
export interface SchemaErrorAt extends SchemaError {
  instancePath: string;
}


/**
 * Turns Ajv's messages into "field + reason" pairs a person can act on. A failed anyOf (an
 * enum of literals, a nullable value) yields one entry per branch plus the anyOf itself; those
 * are folded into one reason for the field. A branch failed only for its type ("must be null",
 * "must be string") is left out when the value had another branch's type and failed that
 * branch's own rule (a pattern, a format, an enum, a bound: at the field or inside it): a
 * "KW#1" for a nullable key worker is answered with the pattern's words alone, not "or be null".
 * Only when every branch failed for its type is the field told each one ("must be string or be
 * null").
 */
export function validationErrors(context: string, errors: SchemaErrorAt[]): Array<{ field: string; reason: string }> {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  // A value failing a rule other than its type, or with an error inside it (so an object or an
  // array), had the type of the branch it failed: the other branches' type errors are noise.
  const ruleFailed = new Set(errors.filter((e) => e.keyword !== 'type' && e.keyword !== 'anyOf').map((e) => e.instancePath));
  const onlyNoise = (e: SchemaErrorAt) => e.keyword === 'type' && (ruleFailed.has(e.instancePath) || errors.some((o) => o.instancePath.startsWith(`${e.instancePath}/`)));
  const branchReasons = new Map<string, string[]>();
  const out: Array<{ field: string; reason: string }> = [];
  const seen = new Set<string>();
  const push = (field: string, reason: string) => {
    const key = `${field}\u0000${reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field, reason });
    }
  };
  for (const e of errors) {
    const path = `${context}${e.instancePath}`;
    if (e.keyword === 'additionalProperties') {
      push(`${path}/${String(e.params.additionalProperty)}`, 'is not a known field');
    } else if (e.keyword === 'required') {
      push(`${path}/${String(e.params.missingProperty)}`, 'is required');
    } else if (e.keyword === 'pattern' || e.keyword === 'enum') {
      push(path, plainReason(e));
    } else if (anyOfPaths.has(e.instancePath)) {
      if (e.keyword === 'anyOf' || onlyNoise(e)) continue;
      const reasons = branchReasons.get(path) ?? [];
      const reason = plainReason(e).replace(/^must /, '');
      if (!reasons.includes(reason)) reasons.push(reason);
      branchReasons.set(path, reasons);
    } else if (context === 'querystring' && e.keyword === 'type' && e.params.type === 'string') {
      // A query value arrives as text; only a parameter given twice (read as a list) is not.
      push(path, 'must be given once, not repeated');
    } else {
      push(path, plainReason(e));
    }
  }
  for (const [field, reasons] of branchReasons) push(field, `must ${reasons.join(' or ')}`);
  return out;
}
