import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiCheckerFor } from '../support/openapi-check.js';
import { caseInput, identities } from './fixtures.js';
import { seedCase, startTestServer, type TestServer } from './harness.js';

/**
 * The check every API test's answers go through (test/server/harness.ts): real answers pass,
 * and an answer that strays from the document in any of the ways a drift would is caught.
 */
let server: TestServer;
let courseTeam: string;

beforeAll(async () => {
  server = await startTestServer();
  courseTeam = await server.tokenFor(identities.courseTeamP1);
  await seedCase(server, { caseId: 'case-doc', input: caseInput('A') });
});

afterAll(async () => {
  await server.close();
});

describe('answers checked against the OpenAPI document', () => {
  it('passes real answers: a case, a page of cases, a problem', async () => {
    const checker = await openApiCheckerFor(server.url);
    const one = await server.request('GET', '/api/cases/case-doc', { token: courseTeam });
    expect(one.status).toBe(200);
    expect(checker.check('GET', '/api/cases/case-doc', 200, 'application/json', one.body)).toBeUndefined();
    const page = await server.request('GET', '/api/cases?limit=5', { token: courseTeam });
    expect(checker.check('GET', '/api/cases?limit=5', 200, 'application/json', page.body)).toBeUndefined();
    const missing = await server.request('GET', '/api/cases/no-such-case', { token: courseTeam });
    expect(missing.status).toBe(404);
    expect(
      checker.check('GET', '/api/cases/no-such-case', 404, 'application/problem+json', missing.body),
    ).toBeUndefined();
  });

  it('catches a body that lost a field, gained one, or changed a type', async () => {
    const checker = await openApiCheckerFor(server.url);
    const one = (await server.request('GET', '/api/cases/case-doc', { token: courseTeam })).body as Record<
      string,
      unknown
    >;
    const { status: _status, ...lostStatus } = one;
    expect(checker.check('GET', '/api/cases/case-doc', 200, 'application/json', lostStatus)).toMatch(/status/);
    expect(checker.check('GET', '/api/cases/case-doc', 200, 'application/json', { ...one, extra: 1 })).toMatch(
      /does not match/,
    );
    expect(checker.check('GET', '/api/cases/case-doc', 200, 'application/json', { ...one, version: 'v1' })).toMatch(
      /version/,
    );
  });

  it('catches an undocumented status, path or method, and a problem that is not a Problem', async () => {
    const checker = await openApiCheckerFor(server.url);
    expect(checker.check('GET', '/api/cases/case-doc', 201, 'application/json', {})).toMatch(/lists no 201/);
    expect(checker.check('GET', '/api/nowhere', 200, 'application/json', {})).toMatch(/no such path/);
    expect(checker.check('DELETE', '/api/procedures', 200, 'application/json', {})).toMatch(/no DELETE/);
    expect(checker.check('GET', '/api/cases/x', 404, 'application/problem+json', { oops: true })).toMatch(/Problem/);
  });
});
