/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field; a typed client comes with the tab */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identities } from './fixtures.js';
import { startTestServer, type TestServer } from './harness.js';

const ROUTES = ['/', '/api/health', '/api/openapi.json', '/api/cases', '/api/nowhere', '/assets/trellis.css'] as const;

describe('security headers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(ROUTES)('%s carries the CSP and friends, and no CORS headers', async (route) => {
    const reply = await server.request('GET', route, { headers: { origin: 'https://evil.example' } });
    const csp = reply.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(
      "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.teams.microsoft.us https://outlook.office.com https://outlook.office365.com https://*.office.com https://*.microsoft365.com https://*.cloud.microsoft",
    );
    expect(csp).toContain("script-src 'self'");
    // Only our origin, Entra's sign-in endpoints (MSAL in a browser) and teams-js's origin list.
    expect(csp).toContain("connect-src 'self' https://login.microsoftonline.com https://res.cdn.office.net;");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(reply.headers.get('x-powered-by')).toBeNull();
  });

  it('answers a CORS preflight without allowing the other origin', async () => {
    const reply = await server.request('OPTIONS', '/api/cases', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the home page with escaped content and scripts only from files', async () => {
    const home = await server.request('GET', '/');
    expect(home.text).toContain('<script src="/assets/home.js" defer></script>');
    expect(home.text).not.toMatch(/<script>(?!<)/);
  });
});

describe('tenant mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ mode: 'tenant' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('has no /dev routes at all', async () => {
    for (const [method, route] of [
      ['GET', '/dev/personas'],
      ['POST', '/dev/sign-in'],
      ['GET', '/dev/sign-in'],
      ['GET', '/dev/outbox'],
      ['POST', '/dev/clock'],
      ['GET', '/dev/clock'],
    ] as const) {
      const reply = await server.request(method, route, {
        body: method === 'POST' ? { upn: identities.admin.upn, now: '2027-01-01' } : undefined,
      });
      expect(reply.status, route).toBe(404);
      expect(reply.body.code).toBe('not_found');
    }
  });

  it('does not reveal Graph in health', async () => {
    const reply = await server.request('GET', '/api/health');
    expect(reply.body).toEqual({ status: 'ok', mode: 'tenant' });
  });
});
