import type { AppErrorCode } from '../../app/errors.js';

/**
 * problem+json (RFC 9457) for every error the REST API returns. `code` is stable and is what
 * the tab and scripts branch on; `detail` is a sentence a person can act on. Nothing internal
 * (stack, Graph codes, column names) ever goes into a problem.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Codes only the HTTP edge raises (the protocol's own), besides the app's vocabulary. */
export const HTTP_PROBLEM_CODES = [
  'unauthenticated',
  'method_not_allowed',
  'malformed_json',
  'unsupported_media_type',
  'payload_too_large',
  'headers_too_large',
] as const;

export type HttpProblemCode = (typeof HTTP_PROBLEM_CODES)[number];
export type ProblemCode = HttpProblemCode | AppErrorCode;

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly [extension: string]: unknown;
}

/** A relative URI per code: stable, and never pointing at a host we do not own. */
export function problemType(code: ProblemCode): string {
  return `/problems/${code.replace(/_/g, '-')}`;
}

/** An error the HTTP layer raises on purpose; the error middleware renders it as it is. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${code}: ${detail}`);
  }

  toProblem(instance?: string): Problem {
    return {
      ...this.extensions,
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...(instance === undefined ? {} : { instance }),
    };
  }
}

export const notFound = (detail = 'There is nothing at this address.'): HttpProblem =>
  new HttpProblem(404, 'not_found', 'Not found', detail);

export const forbidden = (detail: string): HttpProblem => new HttpProblem(403, 'forbidden', 'Not allowed', detail);

export const unauthenticated = (detail: string): HttpProblem =>
  new HttpProblem(
    401,
    'unauthenticated',
    'Sign-in needed',
    detail,
    {},
    { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  );

export const invalidRequest = (
  detail: string,
  errors: readonly { readonly path: string; readonly message: string }[] = [],
): HttpProblem =>
  new HttpProblem(400, 'invalid_request', 'The request is not valid', detail, errors.length > 0 ? { errors } : {});
