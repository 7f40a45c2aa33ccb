/** The HTTPS front: body limits, JSON parsing, and writing Graph-shaped answers. */
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from './emulator.js';
import { errorResponse, GraphHttpError, invalidRequest, notFound } from './errors.js';
import { GRAPH_JSON_CONTENT_TYPE, isHttpMethod } from './http-types.js';
import type { EmuRequest, EmuResponse } from './http-types.js';
import { handleControl } from './inspection.js';
import type { ControlInfo } from './inspection.js';
import { parseQueryString } from './odata-query.js';

/** Graph caps a request at about 4 MB (item 27). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

interface ReadBody {
  readonly bytes: number;
  readonly buffer: Buffer | undefined;
}

function readBody(req: IncomingMessage): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Past the limit the rest is drained, not kept: answering early would reset the client's upload.
      if (bytes <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      resolve({ bytes, buffer: bytes > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks) });
    });
    req.on('error', reject);
  });
}

function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseBody(buffer: Buffer, contentType: string | undefined): unknown {
  if (buffer.length === 0) return undefined;
  const text = buffer.toString('utf8');
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('text/plain')) return text;
  if (type !== '' && !type.includes('json')) {
    throw invalidRequest(`Content-Type '${contentType ?? ''}' is not supported; send application/json.`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch {
    throw invalidRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}

function writeResponse(
  res: ServerResponse,
  response: EmuResponse,
  ids: { requestId: string; clientRequestId: string },
): void {
  const headers: Record<string, string> = {
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
    'Cache-Control': 'no-cache',
    ...(response.headers ?? {}),
  };
  if (response.body === undefined) {
    // Items 3/27/31: empty answers carry no JSON Content-Type.
    headers['Content-Length'] = '0';
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const payload = Buffer.from(JSON.stringify(response.body), 'utf8');
  headers['Content-Type'] = GRAPH_JSON_CONTENT_TYPE;
  headers['OData-Version'] = '4.0';
  headers['Content-Length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

export interface ServerContext {
  readonly core: EmulatorCore;
  readonly info: () => ControlInfo;
  readonly oversizeStatus: 413 | 400;
  readonly log?: (line: string) => void;
}

async function handle(sc: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = headerMap(req);
  const requestId = randomUUID();
  const clientRequestId = headers['client-request-id'] ?? requestId;
  const ids = { requestId, clientRequestId };
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
  const body = await readBody(req);

  if (rawPath === '/_emulator' || rawPath.startsWith('/_emulator/')) {
    let parsed: unknown;
    try {
      parsed = body.buffer === undefined ? undefined : parseBody(body.buffer, headers['content-type']);
    } catch {
      parsed = undefined;
    }
    const control = await handleControl(sc.core, sc.info(), req.method ?? 'GET', rawPath, parsed);
    if (control.body === undefined) {
      res.writeHead(control.status, { 'Content-Length': '0' });
      res.end();
    } else {
      const payload = JSON.stringify(control.body);
      res.writeHead(control.status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(payload),
      });
      res.end(payload);
    }
    return;
  }

  const now = Date.now();
  if (rawPath !== '/v1.0' && !rawPath.startsWith('/v1.0/')) {
    writeResponse(res, errorResponse(notFound(), ids, now), ids);
    return;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  if (!isHttpMethod(method)) {
    writeResponse(
      res,
      errorResponse(new GraphHttpError(405, 'Request_BadRequest', `Method ${method} is not supported.`), ids, now),
      ids,
    );
    return;
  }
  if (body.buffer === undefined) {
    sc.core.counters.count(method, 'oversize', false, 0);
    const error =
      sc.oversizeStatus === 413
        ? new GraphHttpError(413, 'RequestEntityTooLarge', 'The maximum request length supported is 4MB.')
        : new GraphHttpError(400, 'invalidRequest', 'The maximum request length supported is 4MB.');
    writeResponse(res, errorResponse(error, ids, now), ids);
    return;
  }
  let emuRequest: EmuRequest;
  try {
    emuRequest = {
      method,
      path: rawPath.slice('/v1.0'.length) || '/',
      query: parseQueryString(rawQuery),
      headers,
      body: parseBody(body.buffer, headers['content-type']),
      bodyBytes: body.bytes,
      requestId,
      clientRequestId,
    };
  } catch (e) {
    if (!(e instanceof GraphHttpError)) throw e;
    sc.core.counters.count(method, 'badRequest', false, 0);
    writeResponse(res, errorResponse(e, ids, now), ids);
    return;
  }
  writeResponse(res, await sc.core.dispatch(emuRequest), ids);
}

export function createHttpsServer(sc: ServerContext, tls: { certPem: string; keyPem: string }): https.Server {
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    handle(sc, req, res).catch((e: unknown) => {
      sc.log?.(`graph emulator: request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Length': '0' });
      }
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  return server;
}
