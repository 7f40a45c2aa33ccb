/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { editPlan, editPlanInputSchema } from '../../src/domain/case/index.js';
import type { Actor } from '../../src/domain/case/types.js';
import { bcuPlan, caseInput, identities, people } from './fixtures.js';
import { seedCase, startTestServer, type TestServer } from './harness.js';

/**
 * POST /api/cases/{caseId}/meetings (record_meeting) and POST /review-meeting
 * (schedule_review_meeting): the plan meeting's attendance on the plan, notes kept from the trainee.
 */
let server: TestServer;
const tokens: Record<'mentor' | 'trainee', string> = { mentor: '', trainee: '' };
const seedActor: Actor = { id: 'seed.course.team@provider.example', name: 'Seed', appRoles: ['course_team'] };

beforeAll(async () => {
  server = await startTestServer();
  tokens.mentor = await server.tokenFor(identities.mentorA);
  tokens.trainee = await server.tokenFor(identities.traineeA);
});

afterAll(async () => {
  await server.close();
});

describe('meetings over REST', () => {
  it('records the plan meeting with who attended; the trainee sees it without the notes', async () => {
    const stored = await seedCase(server, {
      caseId: 'meet-1',
      input: caseInput('A', { reference: 'MEET-1' }),
      steps: [(s, ctx) => editPlan(ctx(seedActor), s, editPlanInputSchema.parse({ plan: bcuPlan('2026-12-04') }))],
    });
    const document = (await server.request('GET', '/api/openapi.json')).body as {
      paths: Record<string, { post?: { operationId: string } }>;
    };
    expect(document.paths['/api/cases/{caseId}/meetings']?.post?.operationId).toBe('record_meeting');
    expect(document.paths['/api/cases/{caseId}/review-meeting']?.post?.operationId).toBe('schedule_review_meeting');

    const reply = await server.request('POST', '/api/cases/meet-1/meetings', {
      token: tokens.mentor,
      headers: { 'if-match': `"v${String(stored.state.version)}"` },
      body: {
        kind: 'plan',
        heldOn: '2026-11-23',
        startTime: '15:45',
        mode: 'in_person',
        location: 'Year 4 classroom',
        attendees: [people.traineeA.id, people.mentorA.id],
        notes: 'Tutor to be phoned: <b>not present</b>.',
      },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.plan.content.meeting).toEqual({
      heldOn: '2026-11-23',
      mode: 'in_person',
      attendees: ['trainee', 'mentor'],
      placementConcern: false,
    });
    expect(reply.body.meetings[0]).toMatchObject({
      kind: 'plan',
      location: 'Year 4 classroom',
      notes: 'Tutor to be phoned: <b>not present</b>.',
      attendees: [
        { personId: people.traineeA.id, role: 'trainee', name: people.traineeA.name },
        { personId: people.mentorA.id, role: 'mentor', name: people.mentorA.name },
      ],
    });

    const asTrainee = await server.request('GET', '/api/cases/meet-1', { token: tokens.trainee });
    expect(asTrainee.body.meetings[0]).not.toHaveProperty('notes');
    const trail = await server.request('GET', '/api/cases/meet-1/events', { token: tokens.trainee });
    const event = (trail.body.events as { type: string; data: Record<string, unknown> }[]).find(
      (e) => e.type === 'meeting_recorded',
    );
    expect(event?.data).not.toHaveProperty('notes');

    const refused = await server.request('POST', '/api/cases/meet-1/meetings', {
      token: tokens.trainee,
      headers: { 'if-match': reply.headers.get('etag') ?? '' },
      body: { kind: 'plan', heldOn: '2026-11-23', mode: 'online', attendees: [people.traineeA.id] },
    });
    expect(refused.status).toBe(403);
    const badLink = await server.request('POST', '/api/cases/meet-1/meetings', {
      token: tokens.mentor,
      headers: { 'if-match': reply.headers.get('etag') ?? '' },
      body: {
        kind: 'plan',
        heldOn: '2026-11-23',
        mode: 'online',
        onlineLink: 'javascript:alert(1)',
        attendees: [people.traineeA.id],
      },
    });
    expect(badLink.status).toBe(400);
  });
});

describe('ready to sign, on the case view', () => {
  it('tells the course team what is missing and who can add it, until the form can be signed', async () => {
    await seedCase(server, {
      caseId: 'ready-1',
      input: caseInput('A', { reference: 'READY-1' }),
      steps: [
        (s, ctx) =>
          editPlan(
            ctx(seedActor),
            s,
            editPlanInputSchema.parse({ plan: bcuPlan('2026-12-04', { concernStatement: '' }) }),
          ),
      ],
    });
    const view = await server.request('GET', '/api/cases/ready-1', { token: tokens.mentor });
    expect(view.body.derived.signing).toEqual({
      ready: false,
      missing: 'Rapid Improvement Target Form needs the statement of concern before it can be signed.',
      whoCanAdd: `${people.mentorA.name} (Class teacher/mentor), ${people.tutorA.name} (University tutor) or the course team, in Edit plan.`,
    });
    const done = await server.request('PUT', '/api/cases/ready-1/plan', {
      token: tokens.mentor,
      headers: { 'if-match': view.headers.get('etag') ?? '' },
      body: { plan: bcuPlan('2026-12-04') },
    });
    expect(done.status, done.text).toBe(200);
    expect(done.body.derived.signing).toEqual({ ready: true });

    // The draft waits until its review date: signing would now refuse it, so the case says so,
    // the next step asks for a new date, and the signature is refused with the same sentence.
    const saved = server.now;
    try {
      server.now = londonInstantAt(parseLocalDate('2026-12-04'), 10, 0);
      // A token issued on that day: the verifier uses the same clock.
      const mentor = await server.tokenFor(identities.mentorA);
      const late = await server.request('GET', '/api/cases/ready-1', { token: mentor });
      const expected = 'The review date must be after Friday 4 December 2026, the day the plan starts.';
      expect(late.body.derived.signing).toEqual({
        ready: false,
        missing: expected,
        whoCanAdd: `${people.mentorA.name} (Class teacher/mentor), ${people.tutorA.name} (University tutor) or the course team, in Edit plan.`,
      });
      expect(late.body.derived.nextSteps).toContainEqual(
        expect.objectContaining({ kind: 'complete_plan', detail: expected }),
      );
      const refused = await server.request('POST', '/api/cases/ready-1/signatures', {
        token: mentor,
        headers: { 'if-match': late.headers.get('etag') ?? '' },
        body: { role: 'mentor', typedName: people.mentorA.name },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toBe(expected);
    } finally {
      server.now = saved;
    }
  });
});
