import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request (or bot activity) being handled, carried through every await without a parameter:
 * the HTTP edge opens a context per request, and every log line written inside it carries its
 * `requestId` (see privateLogger), so a person quoting the id from an error finds every line of
 * that request. Work a request starts (a job, a delivery) keeps the id of the request that
 * started it.
 */
export interface RequestContext {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** What an incoming id may look like to be kept: letters, digits and `.-_:`, up to 128 characters. */
const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/** W3C trace context: version-traceid-parentid-flags; the trace id (not all zeros) names the request. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The id for a request: a sane `x-request-id` a proxy or client sent, else the trace id of a
 * `traceparent`, else a new random one. Anything else sent is ignored (never echoed into logs).
 */
export function requestIdFrom(headers: {
  readonly requestId?: string | undefined;
  readonly traceparent?: string | undefined;
}): string {
  const given = headers.requestId?.trim();
  if (given !== undefined && SANE_ID.test(given)) return given;
  const trace = TRACEPARENT.exec(headers.traceparent?.trim().toLowerCase() ?? '')?.[1];
  if (trace !== undefined && !/^0+$/.test(trace)) return trace;
  return randomUUID();
}
