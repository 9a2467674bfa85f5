import { Type, type Static } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', description: 'A UUID' });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/**
 * For a route that takes no query parameters: any given is refused (400 naming
 * querystring/<name>, "is not a known field") rather than ignored, as the routes with parameters
 * refuse an unknown one, so a mistyped or unsupported filter (GET /v1/outcome-measures?team=x)
 * is never answered as if it had applied (issue 17 review).
 */
export const NoQuery = Type.Object({}, { additionalProperties: false, description: 'No query parameters: any given is a 400 naming it' });

/** RFC 9457 problem details, with the list of offending fields this API adds. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'A URI identifying the problem type; about:blank for plain HTTP errors' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: 'Where: a JSON pointer into the part named first (body/…, querystring/…), or a CSV column' }),
          reason: Type.String(),
          row: Type.Optional(Type.Integer({ description: 'CSV data row, counted from 1 after the header' })),
        }),
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' },
);
export type ProblemBody = Static<typeof Problem>;

const problemResponse = (description: string) => ({ ...Problem, description });

/** The error responses every authenticated operation can give; routes add their own. */
export const standardErrors = {
  400: problemResponse('The request is malformed or fails validation'),
  401: problemResponse('No valid bearer token'),
  403: problemResponse('The token’s role may not do this'),
  429: problemResponse('Too many requests'),
  500: problemResponse('Internal error (details are logged, never returned)'),
} as const;

export const notFound = { 404: problemResponse('No such resource') } as const;
export const conflict = { 409: problemResponse('Conflicts with the stored state') } as const;
export const unprocessable = { 422: problemResponse('Well-formed but breaks a domain rule') } as const;
export const payloadTooLarge = { 413: problemResponse('The body or upload is too large') } as const;
export const gone = { 410: problemResponse('The resource was erased') } as const;

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Items to skip' })),
};

export const pageOf = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer({ description: 'Items matching the filter, over all pages' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

export const IsoDate = Type.String({ format: 'date', description: 'A calendar date, YYYY-MM-DD' });
export const IsoDateTime = Type.String({ format: 'date-time' });
