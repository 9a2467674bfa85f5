import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ProblemBody } from '../../schemas/common.ts';
import { type SchemaErrorAt, validationErrors } from '../../schemas/validation-words.ts';
import { DomainError } from '../../services/errors.ts';

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
  408: 'Request timeout',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/**
 * Which occurrence a problem is: the request's id as a URN, the same id every log line of the
 * request carries, so an operator can find it. Never the address, which can hold references,
 * tokens or whatever a hostile client sent.
 */
function instanceOf(request: FastifyRequest): string {
  return `urn:pathcast:request:${request.id}`;
}

function problemBody(status: number, problem: Partial<ProblemBody> & { title: string }, instance: string | undefined): ProblemBody {
  return {
    type: problem.type ?? (status >= 500 ? 'about:blank' : `${PROBLEM_TYPE_BASE}${status}`),
    title: problem.title,
    status,
    ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
    ...(instance !== undefined ? { instance } : {}),
    ...(problem.errors?.length ? { errors: problem.errors } : {}),
  } as ProblemBody;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Omit<ProblemBody, 'type' | 'instance'> & { type?: string }): FastifyReply {
  const body = problemBody(problem.status, problem, instanceOf(request));
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(body);
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
      const context = error.validationContext ?? 'body';
      // The value and the route's schema for it, so that a union's intended branch is found.
      const schema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[context];
      const input = context === 'body' ? request.body : context === 'querystring' ? request.query : context === 'params' ? request.params : request.headers;
      const errors = validationErrors(context, error.validation as SchemaErrorAt[], schema ? { input, schema } : undefined);
      return sendProblem(reply, request, {
        status: 400,
        title: 'Validation failed',
        detail: errors.map((e) => `${e.field} ${e.reason}`).join('; '),
        errors,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const detail = clientErrorDetail(error, status, request.routeOptions?.bodyLimit ?? fastify.initialConfig.bodyLimit);
      const field = clientErrorField(error);
      return sendProblem(reply, request, { status, title: titles[status] ?? 'Client error', detail, ...(field ? { errors: [{ field, reason: detail }] } : {}) });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, {
      status: 500,
      title: 'Internal server error',
      detail: 'Something went wrong on our side; the error has been logged.',
    });
  });

  fastify.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, { status: 404, title: 'Not found', detail: 'No operation answers this method at this address; see /docs', errors: [{ field: 'url', reason: `has no operation for ${request.method}` }] }),
  );
}

/** The part of the request a Fastify client error is about, for problem+json's `errors`. */
export function clientErrorField(error: FastifyError): string | undefined {
  if (error.name === 'SyntaxError') return 'body';
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return 'headers/content-type';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'headers/content-length';
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'url';
  }
  return undefined;
}

/**
 * Our own words for Fastify's client errors: some of its messages quote the request (a path, a
 * content type), and problem answers never echo input.
 */
export function clientErrorDetail(error: FastifyError, status: number, bodyLimit?: number): string {
  // Fastify answers a "__proto__" or "constructor.prototype" key (prototype poisoning) with
  // the same error as broken JSON, without a cause to tell the two apart: say both.
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.name === 'SyntaxError') return 'The body is not valid JSON, or holds a "__proto__" key or a "constructor" key holding "prototype", which is refused';
  switch (error.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty but its Content-Type says JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The body is larger than this operation accepts${bodyLimit ? ` (at most ${bodyLimit} bytes)` : ''}`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'This operation does not accept a body of that Content-Type; see /docs' : 'Content-Length does not match the body';
    case 'FST_ERR_BAD_URL':
      return 'The address is not valid (a malformed percent-encoding)';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A part of the address is longer than any identifier this service uses';
    case 'FST_ERR_CTP_INVALID_TYPE':
      return 'The Content-Type header is not valid';
  }
  // Errors we raise ourselves (the rate limit) carry messages written here, without input.
  if (error.code === undefined && status === 429) return error.message;
  return `${titles[status] ?? 'Client error'}; see /docs for what this operation accepts`;
}

/** Fastify's router errors (a bad percent-encoding, an over-long path segment) as problem+json. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const detail = clientErrorDetail(error, status);
  const field = clientErrorField(error);
  void reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send(problemBody(status, { title: titles[status] ?? 'Bad request', detail, ...(field ? { errors: [{ field, reason: detail }] } : {}) }, instanceOf(request)));
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (header block too large,
 * malformed request line, a client too slow): answered as problem+json on the raw socket, like
 * Fastify's default handler but in the house format.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431
      ? 'The request line and headers together are larger than this service accepts (16 KiB); shorten the address or query string'
      : status === 408
        ? 'The request took too long to arrive'
        : 'The request is not valid HTTP';
  // No request (and so no request id) exists yet: a fresh id still names this occurrence.
  const body = JSON.stringify(problemBody(status, { title: titles[status] ?? 'Bad request', detail }, `urn:pathcast:request:${randomUUID()}`));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

export default fp(problemDetails, { name: 'problem-details' });
