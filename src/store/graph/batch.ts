import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { graphPaceOf, observedRetryOptions } from './client.js';
import { classifyGraphError, GraphStoreError, parseRetryAfter, toGraphStoreError } from './errors.js';
import { parseGraphJson } from './graph-json.js';

/**
 * JSON batching built by hand. SDK 3.0.7's BatchRequestContent keeps `/v1.0` in sub-request
 * URLs (Graph rejects them) and Node's Request refuses relative URLs, so we post the
 * documented JSON ourselves. The SDK's RetryHandler and the client's pace see only the outer
 * 200, so throttled sub-requests are retried here, and every sub-response's status and headers
 * (429 with Retry-After, SharePoint's RateLimit-*) are handed to the pace (pace.ts), which then
 * holds back the whole process as it would after a throttled direct request.
 */

/** Graph refuses a batch with more requests than this. */
export const GRAPH_BATCH_MAX_REQUESTS = 20;
/** Attempts per sub-request, the first included. */
export const BATCH_MAX_ATTEMPTS = 5;
/** Wait before re-sending when no throttled sub-response said how long. */
export const BATCH_DEFAULT_RETRY_SECONDS = 2;
/** A longer Retry-After is not slept through: the 429 is returned for the caller to handle. */
export const BATCH_MAX_RETRY_AFTER_SECONDS = 60;

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);
const FAILED_DEPENDENCY = 424;

export const BATCH_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
export type BatchMethod = (typeof BATCH_METHODS)[number];

export interface BatchRequest {
  /** Unique within the call (case-insensitively, as Graph compares them). */
  readonly id: string;
  readonly method: BatchMethod;
  /** Relative to the version: `/sites/…`, never `/v1.0/sites/…`. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Ids of earlier requests in this call that must succeed first; kept in the same batch. */
  readonly dependsOn?: readonly string[];
}

export interface BatchResult {
  readonly id: string;
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export interface BatchOutcome {
  /** One result per request, in the order the requests were given. */
  readonly results: readonly BatchResult[];
  /** `$batch` POSTs made, retries included. */
  readonly roundTrips: number;
  /**
   * True when some request may have reached Graph more than once: a sub-request re-sent after
   * 429/503/504, or the whole `$batch` re-sent by the client after the POST itself failed. A
   * create that then answers "duplicate key" may be meeting its own earlier attempt.
   */
  readonly resent: boolean;
  get(id: string): BatchResult;
}

export interface BatchOptions {
  readonly maxAttempts?: number;
  /** Injected in tests; defaults to a real timer. */
  readonly sleep?: (milliseconds: number) => Promise<void>;
}

const batchResponseSchema = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

const errorBodySchema = z.object({
  error: z
    .object({
      code: z.string().optional(),
      message: z.string().optional(),
      innerError: z.object({ 'request-id': z.string().optional() }).loose().optional(),
    })
    .loose(),
});

export async function executeBatch(
  client: Client,
  requests: readonly BatchRequest[],
  options: BatchOptions = {},
): Promise<BatchOutcome> {
  const normalised = requests.map(normaliseRequest);
  const chunks = chunkRequests(normalised);
  const maxAttempts = Math.max(1, options.maxAttempts ?? BATCH_MAX_ATTEMPTS);
  const sleep = options.sleep ?? defaultSleep;
  const byId = new Map<string, BatchResult>();
  let roundTrips = 0;
  const sent = { again: false };
  for (const chunk of chunks) {
    roundTrips += await runChunk(client, chunk, maxAttempts, sleep, byId, sent);
  }
  const results = normalised.map((request) => {
    const result = byId.get(request.id.toLowerCase());
    if (result === undefined) throw new GraphStoreError('unexpected', `Batch lost the result of request ${request.id}`);
    return result;
  });
  return {
    results,
    roundTrips,
    resent: sent.again || roundTrips > chunks.length,
    get(id: string): BatchResult {
      const result = byId.get(id.toLowerCase());
      if (result === undefined) throw new GraphStoreError('bad_request', `No batch request with id ${id}`);
      return result;
    },
  };
}

/** The error a non-2xx sub-response stands for, classified like a direct call; undefined on success. */
export function batchResultError(result: BatchResult, context: string): GraphStoreError | undefined {
  if (result.status >= 200 && result.status < 300) return undefined;
  const parsed = errorBodySchema.safeParse(result.body);
  const error = parsed.success ? parsed.data.error : undefined;
  return toGraphStoreError(
    {
      status: result.status,
      graphCode: error?.code,
      message: error?.message,
      requestId: error?.innerError?.['request-id'] ?? headerValue(result.headers, 'request-id'),
      retryAfterSeconds: parseRetryAfter(headerValue(result.headers, 'Retry-After')),
    },
    `${context} (batch request ${result.id})`,
  );
}

/** Splits into ≤20-request batches, never separating a request from what it depends on. */
export function chunkRequests(requests: readonly BatchRequest[]): BatchRequest[][] {
  const seen = new Map<string, number>();
  const parent = requests.map((_, index) => index);
  const find = (index: number): number => {
    let root = index;
    while (parent[root] !== root) root = parent[root] ?? root;
    parent[index] = root;
    return root;
  };
  requests.forEach((request, index) => {
    const key = request.id.toLowerCase();
    if (request.id.trim() === '') throw new GraphStoreError('bad_request', 'Batch request ids must not be empty');
    if (seen.has(key)) throw new GraphStoreError('bad_request', `Batch request id ${request.id} is used twice`);
    for (const dependency of request.dependsOn ?? []) {
      const dependencyIndex = seen.get(dependency.toLowerCase());
      // Earlier-only keeps the graph acyclic and matches Graph running dependents in order.
      if (dependencyIndex === undefined) {
        throw new GraphStoreError(
          'bad_request',
          `Batch request ${request.id} depends on ${dependency}, which is not an earlier request`,
        );
      }
      parent[find(index)] = find(dependencyIndex);
    }
    seen.set(key, index);
  });

  const groups = new Map<number, BatchRequest[]>();
  requests.forEach((request, index) => {
    const root = find(index);
    const group = groups.get(root) ?? [];
    group.push(request);
    groups.set(root, group);
  });

  const chunks: BatchRequest[][] = [];
  let current: BatchRequest[] = [];
  for (const group of groups.values()) {
    if (group.length > GRAPH_BATCH_MAX_REQUESTS) {
      throw new GraphStoreError(
        'bad_request',
        `A dependsOn chain of ${group.length} requests cannot fit one batch of ${GRAPH_BATCH_MAX_REQUESTS}`,
      );
    }
    if (current.length + group.length > GRAPH_BATCH_MAX_REQUESTS) {
      chunks.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Sends one chunk, re-sending throttled sub-requests; returns the number of POSTs made. */
async function runChunk(
  client: Client,
  chunk: readonly BatchRequest[],
  maxAttempts: number,
  sleep: (milliseconds: number) => Promise<void>,
  results: Map<string, BatchResult>,
  sent: { again: boolean },
): Promise<number> {
  let pending = chunk;
  let attempt = 1;
  for (;;) {
    const answered = await postBatch(client, pending, sent);
    const retry = requestsToRetry(pending, answered);
    const waitSeconds = retry.length === 0 ? 0 : retryWaitSeconds(retry, answered, attempt);
    const giveUp = retry.length === 0 || attempt >= maxAttempts || waitSeconds > BATCH_MAX_RETRY_AFTER_SECONDS;
    for (const request of pending) {
      const result = answered.get(request.id.toLowerCase());
      if (result === undefined) continue;
      if (giveUp || !retry.includes(request)) results.set(request.id.toLowerCase(), result);
    }
    if (giveUp) return attempt;
    await sleep(waitSeconds * 1000);
    pending = withoutSettledDependencies(retry);
    attempt += 1;
  }
}

async function postBatch(
  client: Client,
  requests: readonly BatchRequest[],
  sent: { again: boolean },
): Promise<Map<string, BatchResult>> {
  const context = `Sending a batch of ${requests.length} requests`;
  // The client may re-send the whole $batch after a 429/503/504 on the POST itself.
  const retryOptions = observedRetryOptions(client, { onRetry: () => (sent.again = true) });
  let body: unknown;
  try {
    body = await client
      .api('/$batch')
      .middlewareOptions([retryOptions])
      .post({ requests: requests.map(toWireRequest) });
  } catch (error) {
    throw classifyGraphError(error, context);
  }
  const parsed = parseGraphJson(batchResponseSchema, body, context);
  // Graph may answer in any order; ids are the only link back.
  const answered = new Map<string, BatchResult>();
  for (const response of parsed.responses) {
    answered.set(response.id.toLowerCase(), {
      id: response.id,
      status: response.status,
      body: response.body,
      headers: response.headers ?? {},
    });
  }
  // The SDK's middleware saw only the POST's 200: the pace learns from each sub-response too.
  graphPaceOf(client)?.observeBatch(parsed.responses.map((r) => ({ status: r.status, headers: r.headers ?? {} })));
  for (const request of requests) {
    if (!answered.has(request.id.toLowerCase())) {
      throw new GraphStoreError('data_error', `${context}: no response for request ${request.id}`);
    }
  }
  return answered;
}

/** Throttled requests, plus requests that failed only because something they depend on was throttled. */
function requestsToRetry(
  requests: readonly BatchRequest[],
  answered: ReadonlyMap<string, BatchResult>,
): BatchRequest[] {
  const retryIds = new Set<string>();
  for (const request of requests) {
    const status = answered.get(request.id.toLowerCase())?.status;
    if (status !== undefined && RETRYABLE_STATUSES.has(status)) retryIds.add(request.id.toLowerCase());
    const dependsOnRetried = (request.dependsOn ?? []).some((dependency) => retryIds.has(dependency.toLowerCase()));
    // Requests are in dependency order, so one pass sees every upstream decision first.
    if (status === FAILED_DEPENDENCY && dependsOnRetried) retryIds.add(request.id.toLowerCase());
  }
  return requests.filter((request) => retryIds.has(request.id.toLowerCase()));
}

/** "Retry all the failed requests in a new batch after the longest retry-after value." */
function retryWaitSeconds(
  retry: readonly BatchRequest[],
  answered: ReadonlyMap<string, BatchResult>,
  attempt: number,
): number {
  let longest: number | undefined;
  for (const request of retry) {
    const result = answered.get(request.id.toLowerCase());
    const seconds = result === undefined ? undefined : parseRetryAfter(headerValue(result.headers, 'Retry-After'));
    if (seconds !== undefined) longest = Math.max(longest ?? 0, seconds);
  }
  return longest ?? BATCH_DEFAULT_RETRY_SECONDS * 2 ** (attempt - 1);
}

/** A re-sent request may depend only on requests re-sent with it; the others already succeeded. */
function withoutSettledDependencies(retry: readonly BatchRequest[]): BatchRequest[] {
  const ids = new Set(retry.map((request) => request.id.toLowerCase()));
  return retry.map((request) => {
    if (request.dependsOn === undefined) return request;
    const dependsOn = request.dependsOn.filter((dependency) => ids.has(dependency.toLowerCase()));
    if (dependsOn.length > 0) return { ...request, dependsOn };
    const { dependsOn: _settled, ...rest } = request;
    return rest;
  });
}

function normaliseRequest(request: BatchRequest): BatchRequest {
  const { url } = request;
  if (!url.startsWith('/') || url.startsWith('//')) {
    throw new GraphStoreError(
      'bad_request',
      `Batch request ${request.id}: url must be relative (/sites/…), got ${url}`,
    );
  }
  if (/^\/(v1\.0|beta)(\/|$)/i.test(url)) {
    throw new GraphStoreError(
      'bad_request',
      `Batch request ${request.id}: url must not include the version, got ${url}`,
    );
  }
  if (request.body === undefined || headerValue(request.headers ?? {}, 'Content-Type') !== undefined) return request;
  // Graph requires Content-Type on every sub-request with a body.
  return { ...request, headers: { ...request.headers, 'Content-Type': 'application/json' } };
}

function toWireRequest(request: BatchRequest): Record<string, unknown> {
  const wire: Record<string, unknown> = { id: request.id, method: request.method, url: request.url };
  if (request.headers !== undefined) wire.headers = request.headers;
  if (request.body !== undefined) wire.body = request.body;
  if (request.dependsOn !== undefined && request.dependsOn.length > 0) wire.dependsOn = request.dependsOn;
  return wire;
}

function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function defaultSleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
