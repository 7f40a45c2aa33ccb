/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bcuPlan, caseInput, identities } from './fixtures.js';
import { seedCase, startTestServer, type TestServer } from './harness.js';

/**
 * GET /api/ready against the real Graph SDK on the emulator (a list really deleted, the emulator
 * really stopped), and the request id every answer carries. The cases run in order: the last
 * one stops the emulator.
 */
describe('readiness and request ids', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ privateLogs: true });
    await seedCase(server, { caseId: 'case-a', input: caseInput('A') });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is ready when Graph answers and every list exists, with no token', async () => {
    const reply = await server.request('GET', '/api/ready');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ready', checks: { graph: 'ok', lists: 'ok' } });
    expect(reply.headers.get('cache-control')).toBe('no-store');
  });

  it('gives every answer an id, keeps a sane one it was sent, and quotes it in a problem', async () => {
    const fresh = await server.request('GET', '/api/health');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const other = await server.request('GET', '/api/health');
    expect(other.headers.get('x-request-id')).not.toBe(fresh.headers.get('x-request-id'));

    const kept = await server.request('GET', '/nowhere', { headers: { 'x-request-id': 'front-door-1234.abc' } });
    expect(kept.status).toBe(404);
    expect(kept.headers.get('x-request-id')).toBe('front-door-1234.abc');
    expect(kept.body.requestId).toBe('front-door-1234.abc');

    // A traceparent's trace id names the request when no id is sent.
    const traced = await server.request('GET', '/api/cases', {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(traced.status).toBe(401);
    expect(traced.body.requestId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');

    // Anything else sent is replaced, never echoed.
    for (const hostile of ['<script>alert(1)</script>', 'x'.repeat(300), 'mark.whitfield@bcu.example', 'short']) {
      const reply = await server.request('GET', '/nowhere', { headers: { 'x-request-id': hostile } });
      expect(reply.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(reply.body.requestId).toBe(reply.headers.get('x-request-id'));
    }
  });

  it('logs the request id on every line written while handling a request', async () => {
    const token = await server.tokenFor(identities.courseTeamP1);
    const read = await server.request('GET', '/api/cases/case-a', { token });
    const before = server.logger.lines.length;
    // A command is logged (case, command, outcome) by the use case, which takes no request id.
    const reply = await server.request('PUT', '/api/cases/case-a/plan', {
      token,
      body: { plan: bcuPlan('2026-12-04') },
      headers: { 'if-match': read.headers.get('etag') ?? '', 'x-request-id': 'quoted-by-a-person-0001' },
    });
    expect(reply.status).toBe(200);
    const lines = server.logger.lines.slice(before);
    expect(lines.map((line) => line.message)).toContain('case command');
    for (const line of lines) expect(line.fields?.requestId).toBe('quoted-by-a-person-0001');
  });

  it('is not ready, with no token and nothing internal said, when a Trellis list is missing', async () => {
    const { client, site } = server.emulator;
    await client.api(`/sites/${site.siteId}/lists/${site.lists.accessLog.listId}`).delete();
    const reply = await server.request('GET', '/api/ready');
    expect(reply.status).toBe(503);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.headers.get('retry-after')).toBe('10');
    expect(reply.body).toMatchObject({
      code: 'service_unavailable',
      checks: { graph: 'ok', lists: 'failed' },
      requestId: reply.headers.get('x-request-id'),
    });
    expect(reply.text).not.toContain(site.siteId);
    expect(reply.text).not.toContain(site.lists.accessLog.listId);
  });

  it('is not ready when Graph cannot be reached', async () => {
    await server.emulator.emulator.close();
    const reply = await server.request('GET', '/api/ready');
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('10');
    expect(reply.body).toMatchObject({
      code: 'service_unavailable',
      checks: { graph: 'failed', lists: 'not_checked' },
    });
    expect(reply.body.detail).toBe('Trellis cannot reach Microsoft Graph just now.');
    expect(reply.text).not.toMatch(/ECONNREFUSED|fetch failed|localhost:\d+/);
  });
});
