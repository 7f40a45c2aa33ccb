/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseInput, identities, people } from './fixtures.js';
import { seedCase, startTestServer, type TestServer } from './harness.js';

/**
 * POST /api/cases/{caseId}/people (change_person) and /placement (change_placement): the course
 * team changes who is on a case and where the placement is; access follows at once.
 */
let server: TestServer;
const tokens: Record<'lead' | 'mentor' | 'newMentor' | 'tutor', string> = {
  lead: '',
  mentor: '',
  newMentor: '',
  tutor: '',
};
const newMentor = { id: 'p.shah@hollybank.example', name: 'Priya Shah', email: 'p.shah@hollybank.example' };
let serial = 0;

beforeAll(async () => {
  server = await startTestServer();
  tokens.lead = await server.tokenFor(identities.courseTeamP1);
  tokens.mentor = await server.tokenFor(identities.mentorA);
  tokens.tutor = await server.tokenFor(identities.tutorA);
  tokens.newMentor = await server.tokenFor({ upn: newMentor.id, name: newMentor.name });
});

afterAll(async () => {
  await server.close();
});

async function caseA(): Promise<{ caseId: string; etag: string }> {
  const caseId = `people-${String(serial++)}`;
  const stored = await seedCase(server, {
    caseId,
    input: caseInput('A', { reference: `PEOPLE-${String(serial)}` }),
  });
  return { caseId, etag: `"v${String(stored.state.version)}"` };
}

describe('changing people over REST', () => {
  it('both commands are in the OpenAPI document', async () => {
    const document = (await server.request('GET', '/api/openapi.json')).body as {
      paths: Record<string, { post?: { operationId: string } }>;
    };
    expect(document.paths['/api/cases/{caseId}/people']?.post?.operationId).toBe('change_person');
    expect(document.paths['/api/cases/{caseId}/placement']?.post?.operationId).toBe('change_placement');
  });

  it('a replaced mentor loses the case at once and the new one has it', async () => {
    const { caseId, etag } = await caseA();
    expect((await server.request('GET', `/api/cases/${caseId}`, { token: tokens.newMentor })).status).toBe(404);
    const reply = await server.request('POST', `/api/cases/${caseId}/people`, {
      token: tokens.lead,
      headers: { 'if-match': etag },
      body: { role: 'mentor', removeId: people.mentorA.id, add: newMentor, reason: 'Gareth has left the school.' },
    });
    expect(reply.status, reply.text).toBe(200);
    expect((reply.body.people as { name: string }[]).map((p) => p.name)).toContain('Priya Shah');
    expect(reply.body.formerPeople).toEqual([
      {
        ...people.mentorA,
        roleLabel: 'Class teacher/mentor',
        until: '2026-11-23',
        reason: 'Gareth has left the school.',
      },
    ]);

    expect((await server.request('GET', `/api/cases/${caseId}`, { token: tokens.mentor })).status).toBe(404);
    const seen = await server.request('GET', `/api/cases/${caseId}`, { token: tokens.newMentor });
    expect(seen.status).toBe(200);
    expect(seen.body.view).toBe('staff');
    const list = await server.request('GET', '/api/cases?limit=500', { token: tokens.newMentor });
    expect((list.body.items as { id: string }[]).map((c) => c.id)).toContain(caseId);
    const trail = await server.request('GET', `/api/cases/${caseId}/events`, { token: tokens.lead });
    expect((trail.body as { events: unknown[] }).events.at(-1)).toMatchObject({
      type: 'person_changed',
      data: { role: 'mentor', added: { ...newMentor, role: 'mentor' }, byName: 'Mark Whitfield' },
    });
  });

  it('is the course team’s alone, and refusals read as sentences', async () => {
    const { caseId, etag } = await caseA();
    const body = { role: 'mentor', removeId: people.mentorA.id, add: newMentor, reason: 'x' };
    for (const who of ['mentor', 'tutor'] as const) {
      const reply = await server.request('POST', `/api/cases/${caseId}/people`, {
        token: tokens[who],
        headers: { 'if-match': etag },
        body,
      });
      expect(reply.status, who).toBe(403);
      expect(reply.body.detail).toBe('Only the course team can change who is named on a case.');
    }
    const nobody = await server.request('POST', `/api/cases/${caseId}/people`, {
      token: tokens.lead,
      headers: { 'if-match': etag },
      body: { role: 'mentor', reason: 'x' },
    });
    expect(nobody.status).toBe(400);
    const unknown = await server.request('POST', `/api/cases/${caseId}/people`, {
      token: tokens.lead,
      headers: { 'if-match': etag },
      body: { ...body, removeId: 'nobody@hollybank.example' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({
      code: 'person_not_on_case',
      detail: 'nobody@hollybank.example is not the Class teacher/mentor on this case.',
    });
    const twice = await server.request('POST', `/api/cases/${caseId}/people`, {
      token: tokens.lead,
      headers: { 'if-match': etag },
      body: { role: 'tutor', add: newMentor, reason: 'x' },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('person_already_on_case');
    expect((await server.repository.find(caseId))?.state.version).toBe(Number(etag.slice(2, -1)));
  });

  it('moves the placement to another school with its mentor', async () => {
    const { caseId, etag } = await caseA();
    const reply = await server.request('POST', `/api/cases/${caseId}/placement`, {
      token: tokens.lead,
      headers: { 'if-match': etag },
      body: {
        school: 'Oakfield Primary',
        startsOn: '2027-01-04',
        people: [{ role: 'mentor', ...newMentor }],
        reason: 'A fresh start at another school.',
      },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.placement).toMatchObject({ school: 'Oakfield Primary', startsOn: '2027-01-04' });
    expect(reply.body.formerPlacements).toEqual([
      {
        placement: expect.objectContaining({ school: 'Hollybank Primary' }) as unknown,
        until: '2026-11-23',
        reason: 'A fresh start at another school.',
      },
    ]);
    expect((await server.request('GET', `/api/cases/${caseId}`, { token: tokens.mentor })).status).toBe(404);
    const list = await server.request('GET', '/api/cases?limit=500', { token: tokens.lead });
    const row = (list.body.items as { id: string; school: string }[]).find((c) => c.id === caseId);
    expect(row?.school).toBe('Oakfield Primary');
  });
});
