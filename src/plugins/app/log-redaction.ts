import type { FastifyRequest } from 'fastify';

/**
 * What a request log line may say about the address (issue 14: 412 lines with `reference=` after
 * a short session, and a refused `?access_token=`, were kept in the logs after erasure). Query
 * values are never logged, whatever their name (references, tokens, filters): only the names.
 * Path segments are logged when they are a literal part of some route or a UUID (record ids are
 * random, not personal); anything else, such as a reference typed into a path, is replaced.
 */

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SAFE_NAME = /^[A-Za-z0-9_.[\]-]{1,40}$/;

export function redactUrl(url: string, literalSegments: ReadonlySet<string>): string {
  const cut = url.indexOf('?');
  const path = cut < 0 ? url : url.slice(0, cut);
  const query = cut < 0 ? '' : url.slice(cut + 1);
  const segments = path
    .slice(0, 2048)
    .split('/')
    .map((segment) => (segment === '' || literalSegments.has(segment) || UUID.test(segment) ? segment : ':redacted'));
  const names = query === '' ? [] : query.split('&').slice(0, 50).map((pair) => decodeName(pair.split('=')[0]));
  return segments.join('/') + (names.length > 0 ? `?${names.map((name) => `${name}=[redacted]`).join('&')}` : '');
}

function decodeName(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return '[name]';
  }
  return SAFE_NAME.test(name) ? name : '[name]';
}

/** The request serializer for pino, with the literal segments of every route known so far. */
export function requestSerializer(literalSegments: ReadonlySet<string>) {
  return (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url, literalSegments),
    ...(request.routeOptions?.url ? { route: request.routeOptions.url } : {}),
    remoteAddress: request.ip,
  });
}

/** The literal (non-parameter) segments of a route path, e.g. /v1/jobs/:id/cancel gives v1, jobs, cancel. */
export function literalSegmentsOf(routePath: string): string[] {
  return routePath.split('/').filter((segment) => segment !== '' && !segment.startsWith(':') && !segment.includes('*'));
}

/**
 * Quoted values blanked: PostgreSQL's messages and details quote the input they refused
 * (`invalid input syntax for type uuid: "NV-10061"`, `Key (reference)=(NV-10061) already exists`).
 */
function blankQuoted(text: string): string {
  return text.replace(/"[^"]*"/g, '"…"').replace(/=\([^)]*\)/g, '=(…)');
}

/**
 * The error serializer for pino (`err`): the error's type, message, SQLSTATE or Node code and
 * stack, and its cause's, nothing else. pino's standard serializer copies every enumerable
 * property, and a database error carries its query's bind parameters: a 500 on a history CSV
 * logged all 65,601 references of the file (review of 2 December). Quoted values in the message
 * and stack are blanked (blankQuoted), so input a statement refused is not logged either.
 */
export function errorSerializer(error: unknown, depth = 0): { type: string; message: string; stack: string; [key: string]: unknown } {
  if (!(error instanceof Error)) return { type: typeof error, message: '', stack: '' };
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: error.constructor?.name ?? 'Error',
    message: blankQuoted(error.message),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: blankQuoted(error.stack ?? ''),
    ...(cause !== undefined && depth < 3 ? { cause: errorSerializer(cause, depth + 1) } : {}),
  };
}
