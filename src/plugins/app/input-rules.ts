import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../../services/errors.ts';
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
      ...(request.body !== null && typeof request.body === 'object' && !Buffer.isBuffer(request.body) && !isStream(request.body)
        ? findControlCharacters(request.body, 'body', true)
        : []),
    ];
    if (errors.length > 0) {
      throw new DomainError(400, 'Validation failed', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
    }
  });
}

function isStream(value: object): boolean {
  return typeof (value as { pipe?: unknown }).pipe === 'function';
}

export default fp(inputRules, { name: 'input-rules' });
