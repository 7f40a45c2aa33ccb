import { GraphError } from '@microsoft/microsoft-graph-client';
import { StoreError } from '../../domain/ports.js';

/**
 * One error type for everything that goes wrong between Trellis and Graph.
 * Callers branch on `code`, never on Graph's own codes or messages: those differ between
 * the emulator and a tenant (see the reference on duplicate-key statuses), so this module
 * is the single place that interprets them.
 */
export const GRAPH_STORE_ERROR_CODES = [
  'conflict',
  'duplicate_key',
  'not_found',
  'throttled',
  'unavailable',
  'bad_request',
  'data_error',
  'unexpected',
] as const;

export type GraphStoreErrorCode = (typeof GRAPH_STORE_ERROR_CODES)[number];

const USER_MESSAGES: Readonly<Record<GraphStoreErrorCode, string>> = {
  conflict: 'Someone else changed this record while you were editing it. Reload and try again.',
  duplicate_key: 'A record with the same key already exists.',
  not_found: 'The record no longer exists.',
  throttled: 'SharePoint is busy right now. Try again in a moment.',
  unavailable: 'SharePoint could not be reached. Try again in a moment.',
  bad_request: 'The request to SharePoint was not accepted.',
  data_error: 'SharePoint returned data Trellis could not read.',
  unexpected: 'Something went wrong while talking to SharePoint.',
};

export interface GraphStoreErrorDetails {
  readonly status?: number | undefined;
  /** Graph's own `error.code`, kept for logs only. */
  readonly graphCode?: string | undefined;
  /** `request-id` from the error body or response header: what Microsoft support asks for. */
  readonly requestId?: string | undefined;
  /** Seconds Graph asked us to wait, when it said so. */
  readonly retryAfterSeconds?: number | undefined;
  readonly cause?: unknown;
}

export class GraphStoreError extends StoreError {
  override readonly name: string = 'GraphStoreError';
  readonly status: number | undefined;
  readonly graphCode: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: GraphStoreErrorCode,
    message: string,
    details: GraphStoreErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.graphCode = details.graphCode;
    this.requestId = details.requestId;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** Safe to show to a person: no column names, no Graph detail. */
  get userMessage(): string {
    return USER_MESSAGES[this.code];
  }

  /** Throttled or unreachable: the same request may succeed shortly. */
  get transient(): boolean {
    return this.code === 'throttled' || this.code === 'unavailable';
  }

  /** Graph refused the request as malformed: retrying the same request cannot help. */
  get rejected(): boolean {
    return this.code === 'bad_request';
  }
}

/**
 * An eTag-guarded write lost a race. `current` is the item as it is now (re-read after the
 * 412), so the caller can show the other person's change or merge and retry.
 */
export class ConflictError<TCurrent = unknown> extends GraphStoreError {
  override readonly name: string = 'ConflictError';

  constructor(
    readonly current: TCurrent,
    message: string,
    details: GraphStoreErrorDetails = {},
  ) {
    super('conflict', message, details);
  }
}

export function isGraphStoreError(error: unknown): error is GraphStoreError {
  return error instanceof GraphStoreError;
}

export function isConflictError(error: unknown): error is ConflictError {
  return error instanceof ConflictError;
}

/** A Graph failure reduced to the facts the classifier needs; also built from $batch sub-responses. */
export interface GraphFailure {
  readonly status: number;
  readonly graphCode?: string | undefined;
  readonly message?: string | undefined;
  readonly requestId?: string | undefined;
  readonly retryAfterSeconds?: number | undefined;
}

/** SharePoint's wording for a unique-column violation, whatever status Graph wraps it in. */
const DUPLICATE_VALUES_TEXT = 'duplicate values were found';

export function isDuplicateKeyFailure(failure: GraphFailure): boolean {
  const mentionsDuplicate = failure.message?.toLowerCase().includes(DUPLICATE_VALUES_TEXT) ?? false;
  // Graph does not document the status: mocks use 409 nameAlreadyExists, SharePoint REST
  // uses 500 and Power Automate reports 400. Accept all of them, but only with evidence.
  if (failure.status === 409 && failure.graphCode === 'nameAlreadyExists') return true;
  return mentionsDuplicate && (failure.status === 400 || failure.status === 409 || failure.status === 500);
}

export function isEtagConflictFailure(failure: GraphFailure): boolean {
  return failure.status === 412 || (failure.status === 409 && failure.graphCode === 'resourceModified');
}

const NON_INDEXED_TEXT = 'is not indexed';

export function isNonIndexedQueryFailure(failure: GraphFailure): boolean {
  return failure.status === 400 && (failure.message?.includes(NON_INDEXED_TEXT) ?? false);
}

export function classifyFailure(failure: GraphFailure): GraphStoreErrorCode {
  if (isEtagConflictFailure(failure)) return 'conflict';
  if (isDuplicateKeyFailure(failure)) return 'duplicate_key';
  const { status } = failure;
  if (status === 404 || status === 410) return 'not_found';
  if (status === 429) return 'throttled';
  // -1 is how the SDK reports a network failure (no response at all).
  if (status === -1 || status === 0 || status === 500 || status === 502 || status === 503 || status === 504) {
    return 'unavailable';
  }
  if (status === 400 || status === 405 || status === 409 || status === 413 || status === 422) return 'bad_request';
  return 'unexpected';
}

/**
 * Parses a Retry-After value: seconds (fractional allowed, as in Graph's documented
 * `2.128`) or an HTTP date. Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now) / 1000);
}

/** Reads the Graph facts out of an SDK GraphError (or anything thrown by a request). */
export function failureFromError(error: unknown): GraphFailure | undefined {
  if (!(error instanceof GraphError)) return undefined;
  const headers = error.headers;
  return {
    status: error.statusCode,
    graphCode: error.code ?? undefined,
    message: error.message,
    requestId: error.requestId ?? headers?.get('request-id') ?? undefined,
    retryAfterSeconds: parseRetryAfter(headers?.get('Retry-After')),
  };
}

export function toGraphStoreError(failure: GraphFailure, context: string, cause?: unknown): GraphStoreError {
  const code = classifyFailure(failure);
  const graphPart = [failure.status, failure.graphCode].filter((part) => part !== undefined && part !== '').join(' ');
  const message = `${context}: Graph answered ${graphPart}${failure.message ? `: ${failure.message}` : ''}`;
  return new GraphStoreError(code, message, {
    status: failure.status,
    graphCode: failure.graphCode,
    requestId: failure.requestId,
    retryAfterSeconds: failure.retryAfterSeconds,
    cause,
  });
}

/**
 * Turns whatever a Graph call threw into a GraphStoreError. Errors already classified pass
 * through unchanged so layered helpers can rethrow without double wrapping.
 */
export function classifyGraphError(error: unknown, context: string): GraphStoreError {
  if (error instanceof GraphStoreError) return error;
  const failure = failureFromError(error);
  if (failure !== undefined) return toGraphStoreError(failure, context, error);
  const detail = error instanceof Error ? error.message : String(error);
  return new GraphStoreError('unexpected', `${context}: ${detail}`, { cause: error });
}
