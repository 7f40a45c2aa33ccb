import { createServer } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, GRAPH_MAX_RETRIES, userAgent } from './client.js';
import { classifyGraphError } from './errors.js';

/**
 * The client against a hand-written https stub: these checks are about what goes on the
 * wire (headers, retries, timing), which the emulator deliberately does not expose.
 */

interface Seen {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly at: number;
}

type Script = (request: Seen, index: number) => { status: number; headers?: Record<string, string>; body?: string };

const jsonHeaders = { 'Content-Type': 'application/json' };
let server: Server;
let baseUrl: string;
let caCertPem: string;
let seen: Seen[] = [];
let script: Script = () => ({ status: 200, headers: jsonHeaders, body: '{}' });

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
    ],
  });
  caCertPem = pems.cert;
  server = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    const entry: Seen = { url: request.url ?? '', headers: request.headers, at: Date.now() };
    seen.push(entry);
    const answer = script(entry, seen.length - 1);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  script = () => ({ status: 200, headers: jsonHeaders, body: '{"ok":true}' });
});

const throttled = (retryAfter: string | undefined) => ({
  status: 429,
  headers: { ...jsonHeaders, ...(retryAfter === undefined ? {} : { 'Retry-After': retryAfter }) },
  body: '{"error":{"code":"TooManyRequests","message":"Please retry again later.","innerError":{"request-id":"r-1"}}}',
});

describe('createGraphClient (custom endpoint)', () => {
  it('sends the bearer token, the SharePoint-style User-Agent and SDK telemetry to a custom https host', async () => {
    const client = createGraphClient({ kind: 'custom', baseUrl, caCertPem, token: 'dev-token', appVersion: '1.2.3' });
    await expect(client.api('/sites/root').get()).resolves.toEqual({ ok: true });
    const [request] = seen;
    expect(request?.url).toBe('/v1.0/sites/root');
    expect(request?.headers.authorization).toBe('Bearer dev-token');
    expect(request?.headers['user-agent']).toBe('NONISV|Trellis|Trellis/1.2.3');
    expect(request?.headers.sdkversion).toMatch(/^graph-js\/3\.0\.7/);
    expect(request?.headers['client-request-id']).toBeTruthy();
  });

  it('defaults the User-Agent version to the package version', () => {
    expect(userAgent()).toMatch(/^NONISV\|Trellis\|Trellis\/\d+\.\d+\.\d+/);
  });

  it('refuses an http base URL (the SDK would silently drop Authorization) and one with a path', () => {
    expect(() => createGraphClient({ kind: 'custom', baseUrl: 'http://localhost:8080', token: 't' })).toThrow(/https/);
    expect(() => createGraphClient({ kind: 'custom', baseUrl: 'https://localhost:8443/v1.0', token: 't' })).toThrow(
      /origin/,
    );
  });

  it('honours a fractional Retry-After and then succeeds', async () => {
    script = (_request, index) =>
      index === 0 ? throttled('0.3') : { status: 200, headers: jsonHeaders, body: '{"ok":true}' };
    const client = createGraphClient({ kind: 'custom', baseUrl, caCertPem, token: 't' });
    await expect(client.api('/sites/root').get()).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    const [first, second] = seen;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(280);
    expect(second?.headers['retry-attempt']).toBe('1');
  });

  it('retries a bounded number of times, then surfaces the failure', async () => {
    script = () => ({
      status: 503,
      headers: { ...jsonHeaders, 'Retry-After': '0' },
      body: '{"error":{"code":"serviceNotAvailable","message":"busy"}}',
    });
    const client = createGraphClient({ kind: 'custom', baseUrl, caCertPem, token: 't', retry: { maxRetries: 2 } });
    const error = await client
      .api('/sites/root')
      .get()
      .then(
        () => undefined,
        (thrown: unknown) => classifyGraphError(thrown, 'Reading the site'),
      );
    expect(error?.code).toBe('unavailable');
    expect(seen).toHaveLength(3);
  });

  it(`retries ${GRAPH_MAX_RETRIES} times by default`, async () => {
    script = () => throttled('0');
    const client = createGraphClient({ kind: 'custom', baseUrl, caCertPem, token: 't' });
    await expect(client.api('/sites/root').get()).rejects.toMatchObject({ statusCode: 429 });
    expect(seen).toHaveLength(GRAPH_MAX_RETRIES + 1);
  });

  it('does not sleep through a Retry-After above the cap: the caller gets throttled with the wait', async () => {
    script = () => throttled('120');
    const client = createGraphClient({
      kind: 'custom',
      baseUrl,
      caCertPem,
      token: 't',
      retry: { maxRetryAfterSeconds: 30 },
    });
    const started = Date.now();
    const error = await client
      .api('/sites/root')
      .get()
      .then(
        () => undefined,
        (thrown: unknown) => classifyGraphError(thrown, 'Reading the site'),
      );
    // Sleeping through it would take 30 s (the cap) or 120 s; 10 s leaves a busy machine room for one request.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(seen).toHaveLength(1);
    expect(error?.code).toBe('throttled');
    expect(error?.retryAfterSeconds).toBe(120);
    expect(error?.requestId).toBe('r-1');
  });
});

describe('createGraphClient (tenant)', () => {
  it('builds a client for Graph with a client-secret credential without contacting Entra yet', () => {
    const client = createGraphClient({
      kind: 'tenant',
      tenantId: '00000000-0000-0000-0000-000000000000',
      clientId: 'app',
      clientSecret: 'secret',
    });
    expect(typeof client.api).toBe('function');
  });
});
