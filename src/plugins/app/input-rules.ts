import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, type FieldError } from '../../services/errors.ts';
import { controlCharacterReason, FIELD_NAME_FAULT, findControlCharacters } from '../../services/input-rules.ts';
import { oneReasonAField, type SchemaErrorAt, validationErrors } from '../../schemas/validation-words.ts';

/**
 * The input rule at the edge (src/services/input-rules.ts), for every route before its schema is
 * checked: path parameters, query values and parsed JSON bodies. Raw bodies (a CSV, an SSDA903
 * upload) are checked by their own parsers, which can name the row and column.
 */
async function inputRules(fastify: FastifyInstance) {
  fastify.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema as Partial<Record<RequestPart, unknown>> | undefined;
    const repeated = repeatedParameters(request.query, schema?.querystring);
    const body = request.body !== null && typeof request.body === 'object' && !Buffer.isBuffer(request.body) && !isStream(request.body) ? request.body : undefined;
    const edge = [
      ...findControlCharacters(request.params, 'params', false),
      // A repeated parameter is named once, at the parameter: its values' own faults join that reason.
      ...findControlCharacters(request.query, 'querystring', false).map((e) => ({ ...e, field: repeated.find((r) => e.field.startsWith(`${r.field}/`))?.field ?? e.field })),
      ...repeated,
      ...(body !== undefined ? findControlCharacters(body, 'body', true) : []),
    ];
    if (edge.length === 0) return;
    // The route's own schema still judges the rest of the request, so one answer names every fault
    // rather than one now and the next on the next try.
    const errors = oneReasonAField([...edge, ...schemaFaultsBeside(request, { params: request.params, querystring: request.query, body }, edge)]);
    throw new DomainError(400, 'Validation failed', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
  });
}

type RequestPart = 'params' | 'querystring' | 'body';

/**
 * The route's schema faults in each part given, in the words every schema answer uses
 * (validationErrors), leaving out any at, above or below a field the edge already named: a
 * repeated parameter is not also "must be a whole number", a string holding a NUL not also
 * "must match the pattern".
 */
function schemaFaultsBeside(request: FastifyRequest, parts: Record<RequestPart, unknown>, named: readonly FieldError[]): FieldError[] {
  // A field name holding a control character is named at the object holding it: that fault
  // covers only its own key (which no schema fault may quote back raw), not the object's other fields.
  const keyFault = (n: FieldError) => n.reason.startsWith(FIELD_NAME_FAULT);
  const related = (field: string) =>
    controlCharacterReason(field, false) !== undefined ||
    named.some((n) => field === n.field || (!keyFault(n) && (field.startsWith(`${n.field}/`) || n.field.startsWith(`${field}/`))));
  const schema = request.routeOptions.schema as Partial<Record<RequestPart, unknown>> | undefined;
  const faults: FieldError[] = [];
  for (const part of ['params', 'querystring', 'body'] as const) {
    const input = parts[part];
    const validate = schema?.[part] === undefined || input === undefined ? undefined : request.getValidationFunction(part);
    if (validate === undefined || validate(input)) continue;
    faults.push(...validationErrors(part, (validate.errors ?? []) as SchemaErrorAt[], { input, schema: schema?.[part] }).filter((e) => !related(e.field)));
  }
  return faults;
}

/** Whether a schema (or a branch of its union) takes a list. */
function takesList(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  const s = schema as { type?: unknown; anyOf?: unknown[]; oneOf?: unknown[] };
  return s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array')) || [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some(takesList);
}

/**
 * A query parameter given twice (?limit=1&limit=2) arrives as a list; unless the route takes a
 * list there, the schema's own answer ("must be a whole number") would mislead: say what it is.
 */
function repeatedParameters(query: unknown, schema: unknown): FieldError[] {
  if (query === null || typeof query !== 'object') return [];
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return Object.entries(query)
    .filter(([name, value]) => Array.isArray(value) && Object.hasOwn(properties, name) && !takesList(properties[name]))
    .map(([name]) => ({ field: `querystring/${name}`, reason: 'must be given once, not repeated' }));
}

function isStream(value: object): boolean {
  return typeof (value as { pipe?: unknown }).pipe === 'function';
}

export default fp(inputRules, { name: 'input-rules' });
