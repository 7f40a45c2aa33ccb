/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { editPlan, editPlanInputSchema, signPlan } from '../../src/domain/case/index.js';
import type { Actor } from '../../src/domain/case/types.js';
import { bcuPlan, caseInput, identities, P2, people } from './fixtures.js';
import { seedCase, startTestServer, type TestServer } from './harness.js';

/**
 * POST /api/cases/{caseId}/acknowledgements (acknowledge_notice): the course team's "we have
 * this in hand" on a raised concern or an overdue review, kept in the case's trail.
 */
let server: TestServer;
const tokens: Record<'lead' | 'otherLead' | 'mentor' | 'tutor' | 'trainee', string> = {
  lead: '',
  otherLead: '',
  mentor: '',
  tutor: '',
  trainee: '',
};
const seedActor: Actor = { id: 'seed.course.team@provider.example', name: 'Seed', appRoles: ['course_team'] };
let serial = 0;

beforeAll(async () => {
  server = await startTestServer();
  tokens.lead = await server.tokenFor(identities.courseTeamP1);
  tokens.otherLead = await server.tokenFor({
    upn: 'course.lead.secondary@uni.example',
    name: 'Sam Patel',
    roles: ['CourseTeam'],
    programmes: [P2],
  });
  tokens.mentor = await server.tokenFor(identities.mentorA);
  tokens.tutor = await server.tokenFor(identities.tutorA);
  tokens.trainee = await server.tokenFor(identities.traineeA);
});

afterAll(async () => {
  await server.close();
});

/** Case A with its plan drafted (review on 4 December 2026), or agreed by both signatories. */
async function caseA(state: 'drafted' | 'agreed'): Promise<{ caseId: string; version: number }> {
  const caseId = `ack-${String(serial++)}`;
  const as = (id: string, name: string): Actor => ({ id, name, appRoles: [] });
  const stored = await seedCase(server, {
    caseId,
    input: caseInput('A', { reference: `ACK-${String(serial)}` }),
    steps: [
      (s, ctx) => editPlan(ctx(seedActor), s, editPlanInputSchema.parse({ plan: bcuPlan('2026-12-04') })),
      ...(state === 'agreed'
        ? [
            (s: Parameters<typeof signPlan>[1], ctx: (actor: Actor) => Parameters<typeof signPlan>[0]) =>
              signPlan(ctx(as(people.traineeA.id, people.traineeA.name)), s, {
                role: 'trainee',
                typedName: people.traineeA.name,
              }),
            (s: Parameters<typeof signPlan>[1], ctx: (actor: Actor) => Parameters<typeof signPlan>[0]) =>
              signPlan(ctx(as(people.mentorA.id, people.mentorA.name)), s, {
                role: 'mentor',
                typedName: people.mentorA.name,
              }),
          ]
        : []),
    ],
  });
  return { caseId, version: stored.state.version };
}

const acknowledge = (caseId: string, token: string, etag: string, about: unknown = 'concern_raised') =>
  server.request('POST', `/api/cases/${caseId}/acknowledgements`, {
    token,
    body: { about },
    headers: { 'if-match': etag },
  });

describe('acknowledging over REST', () => {
  it('is in the OpenAPI document as the acknowledge_notice command', async () => {
    const document = (await server.request('GET', '/api/openapi.json')).body as {
      paths: Record<
        string,
        {
          post?: {
            operationId: string;
            requestBody: { content: Record<string, { schema: { properties: Record<string, { enum?: string[] }> } }> };
          };
        }
      >;
    };
    const operation = document.paths['/api/cases/{caseId}/acknowledgements']?.post;
    expect(operation?.operationId).toBe('acknowledge_notice');
    expect(operation?.requestBody.content['application/json']?.schema.properties.about?.enum).toEqual([
      'concern_raised',
      'review_overdue',
    ]);
  });

  it('records the course team’s acknowledgement once, in the trail; a second answers who and when', async () => {
    const { caseId, version } = await caseA('drafted');
    const first = await acknowledge(caseId, tokens.lead, `"v${version}"`);
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('etag')).toBe(`"v${version + 1}"`);
    const trail = await server.request('GET', `/api/cases/${caseId}/events`, { token: tokens.lead });
    expect((trail.body as { events: unknown[] }).events.at(-1)).toMatchObject({
      type: 'notice_acknowledged',
      actorId: identities.courseTeamP1.upn,
      data: { about: 'concern_raised', byName: 'Mark Whitfield', stageId: 'stage_1' },
    });

    const again = await acknowledge(caseId, tokens.lead, `"v${version + 1}"`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/problem\+json/);
    expect(again.body).toMatchObject({
      code: 'already_acknowledged',
      detail: 'Mark Whitfield already acknowledged this on Monday 23 November 2026.',
    });
    expect((await server.repository.find(caseId))?.state.version).toBe(version + 1);
  });

  it('is the course team’s alone: people on the case are refused, other programmes do not see the case', async () => {
    const { caseId, version } = await caseA('drafted');
    for (const who of ['mentor', 'tutor', 'trainee'] as const) {
      const reply = await acknowledge(caseId, tokens[who], `"v${version}"`);
      expect(reply.status, who).toBe(403);
      expect(reply.body.code, who).toBe('not_permitted');
    }
    expect((await acknowledge(caseId, tokens.otherLead, `"v${version}"`)).status).toBe(404);
    expect((await acknowledge(caseId, '', `"v${version}"`)).status).toBe(401);
    expect((await server.repository.find(caseId))?.state.version).toBe(version);
  });

  it('acknowledges an overdue review only once the review date has passed', async () => {
    const { caseId, version } = await caseA('agreed');
    const early = await acknowledge(caseId, tokens.lead, `"v${version}"`, 'review_overdue');
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({
      code: 'review_not_overdue',
      detail: 'The review is not overdue: it is due on Friday 4 December 2026.',
    });
    const saved = server.now;
    server.now = londonInstantAt(parseLocalDate('2026-12-07'), 9, 0);
    try {
      // A token issued on that day: the verifier uses the same clock.
      const late = await acknowledge(
        caseId,
        await server.tokenFor(identities.courseTeamP1),
        `"v${version}"`,
        'review_overdue',
      );
      expect(late.status, late.text).toBe(200);
      const events = (await server.repository.find(caseId))?.events ?? [];
      expect(events.at(-1)).toMatchObject({
        type: 'notice_acknowledged',
        on: '2026-12-07',
        data: { about: 'review_overdue', reviewDate: '2026-12-04' },
      });
    } finally {
      server.now = saved;
    }
  });

  it('refuses a notice it does not know and a body that is not one, with a problem', async () => {
    const { caseId, version } = await caseA('drafted');
    for (const body of [{ about: 'pizza' }, { about: 'concern_raised', extra: 1 }, {}, []]) {
      const reply = await server.request('POST', `/api/cases/${caseId}/acknowledgements`, {
        token: tokens.lead,
        body,
        headers: { 'if-match': `"v${version}"` },
      });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await acknowledge(caseId, tokens.lead, '')).status).toBe(428);
    expect((await server.repository.find(caseId))?.state.version).toBe(version);
  });

  it('does not make anyone else’s ETag stale; any other change still does (412, nothing overwritten)', async () => {
    const { caseId, version } = await caseA('drafted');
    expect((await acknowledge(caseId, tokens.lead, `"v${version}"`)).status).toBe(200);
    // The tutor read the case before the acknowledgement: their save still goes through.
    const edited = await server.request('PUT', `/api/cases/${caseId}/plan`, {
      token: tokens.tutor,
      body: { plan: bcuPlan('2026-12-07') },
      headers: { 'if-match': `"v${version}"` },
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.headers.get('etag')).toBe(`"v${version + 2}"`);
    expect(edited.body.plan.content.reviewDate).toBe('2026-12-07');
    // The mentor read it before the tutor's edit too: that edit conflicts, so 412 with the case as it is.
    const stale = await server.request('PUT', `/api/cases/${caseId}/plan`, {
      token: tokens.mentor,
      body: { plan: bcuPlan('2026-12-08') },
      headers: { 'if-match': `"v${version}"` },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.current.plan.content.reviewDate).toBe('2026-12-07');
    expect((await server.repository.find(caseId))?.state.version).toBe(version + 2);
  });
});
