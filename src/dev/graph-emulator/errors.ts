import { innerErrorDate } from './json.js';
import type { EmuResponse } from './http-types.js';

/**
 * Thrown by handlers for any Graph error answer. The dispatcher turns it into the
 * envelope of checklist item 4 with request ids filled in.
 */
export class GraphHttpError extends Error {
  override readonly name = 'GraphHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** SharePoint throttling bodies carry `innerError.code` (`throttledRequest`). */
    readonly innerCode?: string,
  ) {
    super(message);
  }
}

export const notFound = (message = 'The resource could not be found.'): GraphHttpError =>
  new GraphHttpError(404, 'itemNotFound', message);

export const invalidRequest = (message: string): GraphHttpError => new GraphHttpError(400, 'invalidRequest', message);

export interface ErrorIds {
  readonly requestId: string;
  readonly clientRequestId: string;
}

export function errorResponse(error: GraphHttpError, ids: ErrorIds, nowMs: number): EmuResponse {
  const innerError: Record<string, string> = {
    date: innerErrorDate(nowMs),
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
  };
  if (error.innerCode !== undefined) innerError.code = error.innerCode;
  return {
    status: error.status,
    headers: error.headers,
    body: { error: { code: error.code, message: error.message, innerError } },
  };
}
