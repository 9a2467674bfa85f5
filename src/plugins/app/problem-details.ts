import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ProblemBody } from '../../schemas/common.ts';
import { DomainError, type FieldError } from '../../services/errors.ts';

const PROBLEM_TYPE_BASE = 'https://pathcast.example/problems/';

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Omit<ProblemBody, 'type' | 'instance'> & { type?: string }): FastifyReply {
  const body: ProblemBody = {
    type: problem.type ?? (problem.status >= 500 ? 'about:blank' : `${PROBLEM_TYPE_BASE}${problem.status}`),
    title: problem.title,
    status: problem.status,
    ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
    instance: request.url.split('?')[0],
    ...(problem.errors?.length ? { errors: problem.errors } : {}),
  };
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(body);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * Turns Ajv's messages into "field + reason" pairs a person can act on. A failed anyOf (an
 * enum of literals, a nullable value) yields one entry per branch plus the anyOf itself; those
 * are folded into one reason for the field.
 */
export function validationErrors(context: string, errors: AjvError[]): FieldError[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const branchReasons = new Map<string, string[]>();
  const out: FieldError[] = [];
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
    } else if (e.keyword === 'enum') {
      push(path, `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`);
    } else if (anyOfPaths.has(e.instancePath)) {
      if (e.keyword === 'anyOf') continue;
      const reasons = branchReasons.get(path) ?? [];
      const reason = e.keyword === 'const' ? `be ${JSON.stringify(e.params.allowedValue)}` : (e.message ?? e.keyword).replace(/^must /, '');
      if (!reasons.includes(reason)) reasons.push(reason);
      branchReasons.set(path, reasons);
    } else {
      push(path, e.message ?? e.keyword);
    }
  }
  for (const [field, reasons] of branchReasons) push(field, `must ${reasons.join(' or ')}`);
  return out;
}

/**
 * The one error handler. Expected errors (validation, DomainError, Fastify's own 4xx) become
 * problem+json naming field and reason; anything else is logged and answered as a bare 500 so
 * internals never leak.
 */
async function problemDetails(fastify: FastifyInstance) {
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      return sendProblem(reply, request, {
        status: error.status,
        title: error.title,
        detail: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
      });
    }
    if (error.validation) {
      const errors = validationErrors(error.validationContext ?? 'body', error.validation as AjvError[]);
      return sendProblem(reply, request, {
        status: 400,
        title: 'Validation failed',
        detail: errors.map((e) => `${e.field} ${e.reason}`).join('; '),
        errors,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (malformed JSON, body too large, wrong content type, rate limit).
      const detail = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.name === 'SyntaxError'
        ? 'The body is not valid JSON'
        : error.message;
      return sendProblem(reply, request, { status, title: titles[status] ?? 'Client error', detail });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, {
      status: 500,
      title: 'Internal server error',
      detail: 'Something went wrong on our side; the error has been logged.',
    });
  });

  fastify.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, { status: 404, title: 'Not found', detail: `No route for ${request.method} ${request.url.split('?')[0]}` }),
  );
}

export default fp(problemDetails, { name: 'problem-details' });
