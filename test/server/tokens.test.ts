/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field; a typed client comes with the tab */
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseInput, identities } from './fixtures.js';
import { issuerFor, seedCase, startTestServer, type TestServer } from './harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await seedCase(server, { caseId: 'case-a', input: caseInput('A') });
});

afterAll(async () => {
  await server.close();
});

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function claims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(server.now.getTime() / 1000);
  return {
    iss: issuerFor(server.keys),
    aud: server.keys.audience,
    tid: server.keys.tenantId,
    preferred_username: identities.admin.upn,
    name: 'Admin',
    roles: ['Admin'],
    scp: 'access_as_user',
    iat: now,
    nbf: now,
    exp: now + 3600,
    ...overrides,
  };
}

async function expectRejected(token: string): Promise<void> {
  const reply = await server.request('GET', '/api/cases/case-a', { token });
  expect(reply.status).toBe(401);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body.code).toBe('unauthenticated');
  expect(reply.body.detail).toMatch(/Sign in/);
}

describe('token validation', () => {
  it('accepts a well-formed dev token and maps its claims to an actor', async () => {
    const token = await server.signRaw(claims({ preferred_username: 'Admin@Uni.Example' }));
    const reply = await server.request('GET', '/api/cases/case-a', { token });
    expect(reply.status).toBe(200);
  });

  it('also accepts the v1 issuer form (sts.windows.net) for the tenant', async () => {
    const token = await server.signRaw(
      claims({
        iss: `https://sts.windows.net/${server.keys.tenantId}/`,
        preferred_username: undefined,
        upn: identities.admin.upn,
      }),
    );
    expect((await server.request('GET', '/api/cases/case-a', { token })).status).toBe(200);
  });

  it.each([
    ['expired', () => claims({ exp: Math.floor(server.now.getTime() / 1000) - 3600 })],
    ['not yet valid', () => claims({ nbf: Math.floor(server.now.getTime() / 1000) + 3600 })],
    ['wrong audience', () => claims({ aud: 'api://someone-else' })],
    [
      'wrong issuer',
      () => claims({ iss: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0' }),
    ],
    ['wrong tenant', () => claims({ tid: '11111111-1111-1111-1111-111111111111' })],
    ['no tenant', () => claims({ tid: undefined })],
    ['no name', () => claims({ preferred_username: undefined })],
    ['no expiry', () => claims({ exp: undefined })],
    ['an ID token (no scope, a nonce)', () => claims({ scp: undefined, nonce: 'n-0S6_WzA2Mj' })],
    ['an ID token without a nonce (no scope)', () => claims({ scp: undefined })],
    ['for another scope of the API', () => claims({ scp: 'User.Read' })],
    ['an app-only token without an app role', () => claims({ scp: undefined, idtyp: 'app', roles: [] })],
  ])('rejects a token that is %s', async (_name, make) => {
    await expectRejected(await server.signRaw(make()));
  });

  it('rejects an unsigned token (alg none)', async () => {
    await expectRejected(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`);
  });

  it('rejects a tampered payload and a tampered signature', async () => {
    const token = await server.signRaw(claims({ roles: [] }));
    const [header = '', , signature = ''] = token.split('.');
    await expectRejected(`${header}.${b64(claims())}.${signature}`);
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    await expectRejected(`${token.split('.').slice(0, 2).join('.')}.${flipped}`);
  });

  it('rejects HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(server.keys.publicJwk));
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: server.keys.kid }).sign(secret);
    await expectRejected(token);
  });

  it('rejects a token signed by another key with our kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: server.keys.kid })
      .sign(privateKey);
    await expectRejected(token);
  });

  it('rejects garbage and a missing or non-Bearer Authorization header', async () => {
    await expectRejected('not-a-token');
    const none = await server.request('GET', '/api/cases');
    expect(none.status).toBe(401);
    const basic = await server.request('GET', '/api/cases', { headers: { authorization: 'Basic YTpi' } });
    expect(basic.status).toBe(401);
  });

  it('accepts an app-only token with an app role (no person: the app is the caller)', async () => {
    const token = await server.signRaw(
      claims({
        scp: undefined,
        idtyp: 'app',
        azp: 'c0ffee00-0000-4000-8000-000000000001',
        preferred_username: undefined,
      }),
    );
    const reply = await server.request('GET', '/api/me', { token });
    expect(reply.status).toBe(200);
    expect(reply.body.upn).toBe('app:c0ffee00-0000-4000-8000-000000000001');
  });

  it('ignores app roles it does not know', async () => {
    const token = await server.signRaw(
      claims({ roles: ['GlobalAdministrator'], preferred_username: 'nobody@uni.example' }),
    );
    expect((await server.request('GET', '/api/cases/case-a', { token })).status).toBe(404);
  });
});
