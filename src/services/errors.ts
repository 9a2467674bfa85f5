/**
 * Expected failures, typed so the one HTTP error handler can answer them as RFC 9457 problem
 * details. Services and the engine throw these; they know nothing of HTTP status codes beyond
 * the `status` each class carries.
 */

/** One thing wrong with the input: where (a JSON pointer or column name) and why. */
export interface FieldError {
  field: string;
  reason: string;
  /** For row-by-row reports (CSV imports). */
  row?: number;
}

export class DomainError extends Error {
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  constructor(status: number, title: string, detail: string, errors?: FieldError[]) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = errors;
  }
}

export class BadRequestError extends DomainError {
  constructor(detail: string, errors?: FieldError[]) {
    super(400, 'Bad request', detail, errors);
  }
}

/**
 * A named thing that is not stored. `field` is where the request named it (review finding 11 of
 * issue 17: a 404 named no field): by default the path's `params/id`.
 */
export class NotFoundError extends DomainError {
  constructor(what: string, id: string, field = 'params/id') {
    super(404, 'Not found', `${what} ${id} does not exist`, [{ field, reason: `names no stored ${what.toLowerCase()} (${id})` }]);
  }
}

/** The request's Content-Type is not what the operation takes (415), naming the header. */
export class UnsupportedMediaTypeError extends DomainError {
  constructor(detail: string, takes: string) {
    super(415, 'Unsupported media type', detail, [{ field: 'headers/content-type', reason: `must be ${takes}` }]);
  }
}

export class GoneError extends DomainError {
  constructor(detail: string) {
    super(410, 'Gone', detail);
  }
}

export class ConflictError extends DomainError {
  constructor(detail: string, errors?: FieldError[]) {
    super(409, 'Conflict', detail, errors);
  }
}

/** Well-formed input that breaks a rule of the domain (an invalid plan, a row that does not sum to 1). */
export class UnprocessableError extends DomainError {
  constructor(detail: string, errors?: FieldError[]) {
    super(422, 'Unprocessable content', detail, errors);
  }
}

export class ForbiddenError extends DomainError {
  constructor(detail: string) {
    super(403, 'Forbidden', detail);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(detail: string) {
    super(413, 'Payload too large', detail);
  }
}
