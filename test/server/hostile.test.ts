import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_COMMAND_ROUTES } from '../../src/contract/commands.js';
import { CASE_COMMANDS } from '../../src/app/cases/case-commands.js';
import { bcuPlan, caseInput, identities } from './fixtures.js';
import { seedCase, startTestServer, type TestServer } from './harness.js';
import { editPlan, editPlanInputSchema } from '../../src/domain/case/index.js';

/**
 * Hostile input on every write route: random JSON, random objects built from the command's own
 * field names with values of the wrong type, and oversized bodies. The server must never answer
 * 5xx, and a 4xx must leave the case exactly as it was.
 */
let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = await server.tokenFor(identities.courseTeamP1);
  const actor = { id: 'seed.course.team@provider.example', name: 'Seed', appRoles: ['course_team' as const] };
  await seedCase(server, {
    caseId: 'target',
    input: caseInput('A'),
    steps: [(state, ctx) => editPlan(ctx(actor), state, editPlanInputSchema.parse({ plan: bcuPlan('2026-12-04') }))],
  });
});

afterAll(async () => {
  await server.close();
});

const anyJson = fc.jsonValue({ maxDepth: 3 });

function fieldsOf(command: keyof typeof CASE_COMMANDS): string[] {
  const shape = (CASE_COMMANDS[command].schema as unknown as { shape?: Record<string, unknown> }).shape;
  return Object.keys(shape ?? {});
}

async function versionOf(): Promise<number> {
  return (await server.repository.find('target'))?.state.version ?? -1;
}

describe('hostile input on every write route', () => {
  it.each(CASE_COMMAND_ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s never answers 5xx and never half-writes',
    async (_name, route) => {
      const path = `/api/cases/target${route.path.replace(':panelId', 'placement_review_panel')}`;
      const fields = fieldsOf(route.command);
      const body = fc.oneof(
        anyJson,
        fields.length > 0
          ? fc.dictionary(fc.constantFrom(...fields, 'extra'), anyJson, { maxKeys: fields.length + 1 })
          : fc.constant({}),
      );
      await fc.assert(
        fc.asyncProperty(body, async (value) => {
          const before = await versionOf();
          const reply = await server.request(route.method.toUpperCase(), path, {
            token,
            body: value,
            headers: { 'if-match': `"v${before}"` },
          });
          expect(reply.status).toBeLessThan(500);
          expect(reply.headers.get('content-type') ?? '').toMatch(reply.status >= 400 ? /problem\+json/ : /json/);
          const after = await versionOf();
          if (reply.status >= 400) expect(after).toBe(before);
        }),
        { numRuns: 12 },
      );
    },
  );

  it('refuses bodies over the limit with 413 on every write route', async () => {
    const before = await versionOf();
    const huge = JSON.stringify({ text: 'x'.repeat(257 * 1024) });
    for (const route of CASE_COMMAND_ROUTES) {
      const path = `/api/cases/target${route.path.replace(':panelId', 'placement_review_panel')}`;
      const reply = await server.request(route.method.toUpperCase(), path, {
        token,
        rawBody: huge,
        headers: { 'if-match': `"v${before}"` },
      });
      expect(reply.status).toBe(413);
    }
    expect(await versionOf()).toBe(before);
  });

  it('answers headers larger than Node reads, and requests that are not HTTP, as problem+json', async () => {
    const before = await versionOf();
    const huge = await server.request('POST', '/api/cases/target/meetings', {
      token,
      body: {},
      headers: { 'x-filler': 'x'.repeat(20_000) },
    });
    expect(huge.status).toBe(431);
    expect(huge.headers.get('content-type')).toBe('application/problem+json');
    expect(huge.body).toMatchObject({
      status: 431,
      code: 'headers_too_large',
      detail: expect.stringMatching(/headers are larger than the server reads/) as unknown,
    });
    // A request line no HTTP parser accepts, straight down a socket.
    const { port } = new URL(server.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('NOT HTTP AT ALL\r\n\r\n');
      });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => {
        resolve(text);
      });
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await versionOf()).toBe(before);
  });

  it('never answers 5xx to random strings as bodies, headers or ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.string({ maxLength: 40 }), async (raw, id) => {
        const reply = await server.request('POST', `/api/cases/${encodeURIComponent(id)}/reviews`, {
          token,
          rawBody: raw,
          headers: { 'if-match': raw.slice(0, 30).replace(/[^\x20-\x7e]/g, '') || '"v1"' },
        });
        expect(reply.status).toBeLessThan(500);
        const open = await server.request('POST', '/api/cases', { token, rawBody: raw });
        expect(open.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });

  it('never answers 5xx to random case-opening objects', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('procedureId', 'reference', 'reasons', 'people', 'placement', 'stageId', 'reinitiation', 'x'),
          anyJson,
        ),
        async (value) => {
          const reply = await server.request('POST', '/api/cases', { token, body: value });
          expect(reply.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
    expect(server.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
