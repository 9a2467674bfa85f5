import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, type FieldError } from '../../services/errors.ts';
import { findControlCharacters } from '../../services/input-rules.ts';

/**
 * The input rule at the edge (src/services/input-rules.ts), for every route before its schema is
 * checked: path parameters, query values and parsed JSON bodies. Raw bodies (a CSV, an SSDA903
 * upload) are checked by their own parsers, which can name the row and column.
 */
async function inputRules(fastify: FastifyInstance) {
  fastify.addHook('preValidation', async (request) => {
    const errors = [
      ...findControlCharacters(request.params, 'params', false),
      ...findControlCharacters(request.query, 'querystring', false),
      ...repeatedParameters(request.query, (request.routeOptions.schema as { querystring?: unknown } | undefined)?.querystring),
      ...(request.body !== null && typeof request.body === 'object' && !Buffer.isBuffer(request.body) && !isStream(request.body)
        ? findControlCharacters(request.body, 'body', true)
        : []),
    ];
    if (errors.length > 0) {
      throw new DomainError(400, 'Validation failed', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
    }
  });
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
