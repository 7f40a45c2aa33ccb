/**
 * The emulator's internal request/response shapes. Top-level HTTP requests and `$batch`
 * sub-requests are both turned into an `EmuRequest`, so every Graph rule is written once.
 */

/** Item 3: exact media type Graph sends; the SDK JSON-parses only when the part before `;` is `application/json`. */
export const GRAPH_JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export const HTTP_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export function isHttpMethod(value: string): value is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(value);
}

export interface QueryParam {
  /** Key as the client spelled it (`expand` or `$expand`), kept so nextLinks echo it. */
  readonly rawKey: string;
  /** Normalised key: lower-case, `$` added to the OData system options. */
  readonly key: string;
  readonly value: string;
}

export interface EmuRequest {
  readonly method: HttpMethod;
  /** Path below `/v1.0`, e.g. `/sites/x/lists`; segments already percent-decoded by the router. */
  readonly path: string;
  readonly query: readonly QueryParam[];
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly bodyBytes: number;
  readonly requestId: string;
  readonly clientRequestId: string;
  /** Set for `$batch` sub-requests (they are counted and faulted separately). */
  readonly batchId?: string;
}

export interface EmuResponse {
  readonly status: number;
  /** Canonical header names (`Retry-After`, `Location`); Content-Type is added by the writer. */
  readonly headers?: Readonly<Record<string, string>>;
  /** `undefined` = empty body and no Content-Type (items 3, 27, 31). */
  readonly body?: unknown;
}

export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): EmuResponse {
  return headers === undefined ? { status, body } : { status, body, headers };
}

export function emptyResponse(status: number, headers?: Record<string, string>): EmuResponse {
  return headers === undefined ? { status } : { status, headers };
}

export function queryValue(req: Pick<EmuRequest, 'query'>, key: string): string | undefined {
  let found: string | undefined;
  for (const param of req.query) if (param.key === key) found = param.value;
  return found;
}
