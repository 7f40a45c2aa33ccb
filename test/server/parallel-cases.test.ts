/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { caseInput, identities } from './fixtures.js';
import { rosterFor, startTestServer, type TestServer } from './harness.js';

/** A procedure with `parallelCases: true` lets the course team open a second case on purpose, and only on purpose. */
let server: TestServer;
let courseTeam = '';

beforeAll(async () => {
  const procedures = SEED_PROCEDURES.map((p) =>
    p.id === 'bcu-rapid-improvement-targets' ? { ...p, parallelCases: true } : p,
  );
  server = await startTestServer({ procedures });
  courseTeam = await server.tokenFor(identities.courseTeamP1);
  await rosterFor(server.placements, caseInput('A'));
});

afterAll(async () => {
  await server.close();
});

describe('parallel cases', () => {
  it('answers 409 unless the course team asks for a parallel case where the procedure allows one', async () => {
    const open = (reference: string, extra: object = {}) =>
      server.request('POST', '/api/cases', {
        token: courseTeam,
        body: { procedureId: 'bcu-rapid-improvement-targets', ...caseInput('A', { reference }), ...extra },
      });
    expect((await open('PAR-1')).status).toBe(201);
    const second = await open('PAR-2');
    expect(second.status).toBe(409);
    expect(second.body.openCase.reference).toBe('PAR-1');
    expect((await open('PAR-3', { parallel: true })).status).toBe(201);
    // RCTTP does not allow it: `parallel` changes nothing there.
    const rcttp = (reference: string) =>
      server.request('POST', '/api/cases', {
        token: courseTeam,
        body: {
          procedureId: 'rcttp-concern-procedures',
          ...caseInput('A', { reference, reasons: ['progress_towards_standards'] }),
          people: caseInput('A').people.map((p) => (p.role === 'tutor' ? { ...p, role: 'partnership_tutor' } : p)),
          parallel: true,
        },
      });
    expect((await rcttp('RC-1')).status).toBe(201);
    expect((await rcttp('RC-2')).status).toBe(409);
  });
});
