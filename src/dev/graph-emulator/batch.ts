/**
 * `POST /$batch` (item 23). Sub-requests go through the same dispatcher as top-level
 * requests (so they are counted, faulted and throttled one by one) and their answers are
 * embedded with a capitalised `Content-Type`, the spelling SDK 3.0.7's BatchResponseContent needs.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { HandlerContext, Route } from './context.js';
import { errorResponse, GraphHttpError } from './errors.js';
import { GRAPH_JSON_CONTENT_TYPE, isHttpMethod, jsonResponse } from './http-types.js';
import type { EmuRequest, EmuResponse } from './http-types.js';
import { parseQueryString } from './odata-query.js';
import { splitPath } from './router.js';

export const MAX_BATCH_REQUESTS = 20;

const subRequestSchema = z.looseObject({
  id: z.union([z.string().min(1), z.number()]),
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.union([z.string(), z.number()])).optional(),
});

const batchSchema = z.looseObject({ requests: z.array(z.unknown()) });

const batchError = (message: string): GraphHttpError => new GraphHttpError(400, 'BadRequest', message);

interface SubRequest {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly hasBody: boolean;
  readonly dependsOn: readonly string[];
}

function parseBatch(body: unknown): SubRequest[] {
  const envelope = batchSchema.safeParse(body);
  if (!envelope.success) throw batchError('Invalid batch payload format.');
  const raw = envelope.data.requests;
  if (raw.length === 0) throw batchError('The batch must contain at least one request.');
  if (raw.length > MAX_BATCH_REQUESTS)
    throw batchError(`The number of batch requests exceeds the limit of ${MAX_BATCH_REQUESTS}.`);
  const seen = new Set<string>();
  return raw.map((entry, index) => {
    const parsed = subRequestSchema.safeParse(entry);
    if (!parsed.success) throw batchError(`Invalid batch payload format: request ${index} is malformed.`);
    const r = parsed.data;
    const id = String(r.id);
    // Ids are case-insensitive and must be unique (item 23).
    if (seen.has(id.toLowerCase())) throw batchError(`Request Id '${id}' must be unique within the batch.`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
    const hasBody = 'body' in r && r.body !== undefined && r.body !== null;
    if (hasBody && headers['content-type'] === undefined) {
      throw batchError(`Request '${id}': a Content-Type header is required when a body is present.`);
    }
    const dependsOn = (r.dependsOn ?? []).map(String);
    for (const dep of dependsOn) {
      if (!seen.has(dep.toLowerCase()))
        throw batchError(`Request '${id}' depends on '${dep}', which is not an earlier request in the batch.`);
    }
    seen.add(id.toLowerCase());
    return { id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body, hasBody, dependsOn };
  });
}

function subBody(sub: SubRequest): unknown {
  if (!sub.hasBody) return undefined;
  const type = sub.headers['content-type'] ?? '';
  if (typeof sub.body === 'string' && type.toLowerCase().includes('json')) {
    try {
      return JSON.parse(sub.body);
    } catch {
      return sub.body;
    }
  }
  return sub.body;
}

interface SubResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function toSubResponse(id: string, res: EmuResponse): SubResponse {
  const headers: Record<string, string> = { ...(res.headers ?? {}) };
  if (res.body !== undefined) headers['Content-Type'] = GRAPH_JSON_CONTENT_TYPE;
  return res.body === undefined
    ? { id, status: res.status, headers }
    : { id, status: res.status, headers, body: res.body };
}

async function runSub(ctx: HandlerContext, parent: EmuRequest, sub: SubRequest): Promise<EmuResponse> {
  const requestId = randomUUID();
  const clientRequestId = sub.headers['client-request-id'] ?? requestId;
  const ids = { requestId, clientRequestId };
  const fail = (message: string): EmuResponse =>
    errorResponse(new GraphHttpError(400, 'BadRequest', message), ids, ctx.now());
  if (/^[a-z]+:\/\//i.test(sub.url))
    return fail(`Invalid request URL '${sub.url}': batch URLs are relative to the version, e.g. '/users'.`);
  const [pathPart = '', queryPart = ''] = sub.url.split('?', 2);
  const first = splitPath(pathPart)[0]?.toLowerCase();
  // SDK 3.0.7 bug (item 23): `/v1.0/...` sub-URLs are a sub-status 400, not a batch failure.
  if (first === 'v1.0' || first === 'beta') return fail(`Resource not found for the segment '${first}'.`);
  if (first === '$batch') return fail('A batch cannot contain another batch.');
  if (!isHttpMethod(sub.method)) return fail(`The HTTP method '${sub.method}' is not supported in a batch.`);
  let query;
  try {
    query = parseQueryString(queryPart);
  } catch (e) {
    if (e instanceof GraphHttpError) return errorResponse(e, ids, ctx.now());
    throw e;
  }
  const body = subBody(sub);
  return ctx.dispatch({
    method: sub.method,
    path: pathPart.startsWith('/') ? pathPart : `/${pathPart}`,
    query,
    headers: { ...sub.headers, authorization: parent.headers.authorization ?? '' },
    body,
    bodyBytes: body === undefined ? 0 : JSON.stringify(body).length,
    requestId,
    clientRequestId,
    batchId: sub.id,
  });
}

function failedDependency(ctx: HandlerContext, id: string, dep: string): EmuResponse {
  const requestId = randomUUID();
  return errorResponse(
    new GraphHttpError(
      424,
      'FailedDependency',
      `The request '${id}' was not executed because the request it depends on ('${dep}') failed.`,
    ),
    { requestId, clientRequestId: requestId },
    ctx.now(),
  );
}

async function batch(ctx: HandlerContext, req: EmuRequest): Promise<EmuResponse> {
  const subs = parseBatch(req.body);
  const results = new Map<string, EmuResponse>();
  const sequential = subs.some((s) => s.dependsOn.length > 0);
  if (sequential) {
    // "Fully sequential": one after the other; a failure poisons its dependents with 424.
    for (const sub of subs) {
      const failedDep = sub.dependsOn.find((dep) => {
        const r = results.get(dep.toLowerCase());
        return r === undefined || r.status >= 400;
      });
      results.set(
        sub.id.toLowerCase(),
        failedDep === undefined ? await runSub(ctx, req, sub) : failedDependency(ctx, sub.id, failedDep),
      );
    }
  } else {
    const all = await Promise.all(subs.map((sub) => runSub(ctx, req, sub)));
    subs.forEach((sub, i) => {
      const r = all[i];
      if (r !== undefined) results.set(sub.id.toLowerCase(), r);
    });
  }
  const responses = subs.map((sub) => {
    const r = results.get(sub.id.toLowerCase());
    if (r === undefined) throw new Error(`batch: no response for ${sub.id}`);
    return toSubResponse(sub.id, r);
  });
  if (ctx.config.shuffleBatchResponses) {
    for (let i = responses.length - 1; i > 0; i -= 1) {
      const j = Math.floor(ctx.random() * (i + 1));
      const a = responses[i];
      const b = responses[j];
      if (a !== undefined && b !== undefined) {
        responses[i] = b;
        responses[j] = a;
      }
    }
  }
  return jsonResponse(200, { responses });
}

export const batchRoutes: readonly Route[] = [{ method: 'POST', pattern: '$batch', kind: '$batch', handler: batch }];
