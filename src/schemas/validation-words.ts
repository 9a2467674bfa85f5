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
