/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarFor, openCase, type CommandContext } from '../../src/domain/case/index.js';
import { pauseCase } from '../../src/domain/case/commands/pause-case.js';
import type { Actor } from '../../src/domain/case/types.js';
import { redactFor } from '../../src/app/views/case-view.js';
import { caseForRecipient } from '../../src/app/views/recipient-view.js';
import { recipientAudience } from '../../src/notify/audience.js';
import { summaryCardFor } from '../../src/bot/case-cards.js';
import { person, procedure, startTestServer, type TestServer } from './harness.js';

/**
 * Health stays with the course team and the trainee: school staff named on an RCTTP case see
 * neither its medical ground for a second initiation nor the evidence, and a health pause reads
 * "Paused" to them and on any card that can be shared into a chat.
 */
const RCTTP = procedure('rcttp-concern-procedures');
const PROGRAMME = 'RCTTP Secondary 2026/27';
const MARKER = 'CERTIFICATE-MARKER-7f3a';
const trainee = person('trainee', 'Ravi Patel', 'ravi.patel@trainee.rcttp.example');
const mentor = person('mentor', 'Owen Griffiths', 'owen.griffiths@riverside-academy.example');
const tutor = person('partnership_tutor', 'Fiona MacLeod', 'fiona.macleod@rcttp.example');

let server: TestServer;
const token: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  const courseTeam: Actor = { id: 'joanna.price@rcttp.example', name: 'Joanna Price', appRoles: ['course_team'] };
  const ctx = (actor: Actor): CommandContext => ({
    procedure: RCTTP,
    calendar: calendarFor(RCTTP),
    now: server.now,
    actor,
  });
  const opened = openCase(
    ctx(courseTeam),
    { caseId: 'ravi-case', previousCases: 1 },
    {
      reference: 'RCTTP-201',
      reasons: ['progress_towards_standards'],
      people: [trainee, mentor, tutor],
      placement: {
        school: 'Riverside Academy',
        subject: undefined,
        phase: undefined,
        programme: PROGRAMME,
        startsOn: undefined,
        endsOn: undefined,
      },
      reinitiation: { groundId: 'long_term_illness', evidence: `GP letter ${MARKER}` },
    },
  );
  const stored = await server.repository.create(opened);
  await server.repository.append(stored, pauseCase(ctx(courseTeam), stored.state, { reason: 'health' }));
  token.courseTeam = await server.tokenFor({
    upn: courseTeam.id,
    name: courseTeam.name,
    roles: ['CourseTeam'],
    programmes: [PROGRAMME],
  });
  token.mentor = await server.tokenFor({ upn: mentor.id, name: mentor.name });
  token.tutor = await server.tokenFor({ upn: tutor.id, name: tutor.name });
  token.trainee = await server.tokenFor({ upn: trainee.id, name: trainee.name });
});

afterAll(async () => {
  await server.close();
});

describe('health details by role', () => {
  it('school staff and tutors get the staff view: no medical ground, no evidence, "Paused" without a reason', async () => {
    for (const who of ['mentor', 'tutor']) {
      const view = await server.request('GET', '/api/cases/ravi-case', { token: token[who] });
      expect(view.body.view, who).toBe('staff');
      expect(view.body.paused).toEqual({ since: expect.any(String) });
      const events = await server.request('GET', '/api/cases/ravi-case/events', { token: token[who] });
      const form = await server.request('GET', '/api/cases/ravi-case/form', { token: token[who] });
      for (const text of [view.text, events.text, form.text]) {
        expect(text).not.toContain(MARKER);
        expect(text).not.toMatch(/long_term_illness|medical certificate/i);
        expect(text).not.toContain('"health"');
      }
    }
  });

  it('the course team and the trainee see the ground and why the case is paused; only the course team the evidence', async () => {
    for (const who of ['courseTeam', 'trainee']) {
      const view = await server.request('GET', '/api/cases/ravi-case', { token: token[who] });
      expect(view.body.paused.reason, who).toBe('health');
      const events = await server.request('GET', '/api/cases/ravi-case/events', { token: token[who] });
      expect(events.text, who).toContain('long_term_illness');
      if (who === 'courseTeam') expect(events.text).toContain(MARKER);
      else {
        expect(events.text).not.toContain(MARKER);
        expect(view.text).not.toContain(MARKER);
      }
    }
  });

  it('keeps the pause reason and the evidence out of the logs, and out of the course team’s channel card', async () => {
    const etag = (await server.request('GET', '/api/cases/ravi-case', { token: token.courseTeam })).headers.get('etag');
    const resumed = await server.request('POST', '/api/cases/ravi-case/resume', {
      token: token.courseTeam,
      headers: { 'if-match': etag ?? '' },
    });
    expect(resumed.status, resumed.text).toBe(200);
    const paused = await server.request('POST', '/api/cases/ravi-case/pause', {
      token: token.courseTeam,
      headers: { 'if-match': resumed.headers.get('etag') ?? '' },
      body: { reason: 'health' },
    });
    expect(paused.status, paused.text).toBe(200);
    // Free text with a health pause is refused, never stored.
    const withText = await server.request('POST', '/api/cases/ravi-case/pause', {
      token: token.courseTeam,
      headers: { 'if-match': paused.headers.get('etag') ?? '' },
      body: { reason: 'health', note: 'depression' },
    });
    expect(withText.status).toBe(400);
    expect(withText.text).not.toContain('depression');
    const logged = JSON.stringify(server.logger.lines);
    expect(logged).toContain('case command');
    expect(logged).not.toMatch(/health|long_term_illness|depression/);
    expect(logged).not.toContain(MARKER);
    // The course team's channel is read by the whole team: the staff view, "Paused" alone.
    const stored = await server.repository.find('ravi-case');
    if (!stored) throw new Error('no case');
    const channel = { kind: 'course_team_channel', programme: PROGRAMME } as const;
    expect(recipientAudience(RCTTP, channel)).toBe('staff');
    const forChannel = caseForRecipient(stored.state, stored.events, undefined, recipientAudience(RCTTP, channel));
    expect(forChannel.paused).toEqual({ since: stored.state.paused?.since, reason: undefined });
    expect(forChannel.reinitiation).toBeUndefined();
    expect(recipientAudience(RCTTP, { kind: 'course_mailbox', address: 'team@rcttp.example' })).toBe('full');
  });

  it('the summary card (shareable into any chat) reads "Paused" and names no ground', async () => {
    const stored = await server.repository.find('ravi-case');
    if (!stored) throw new Error('no case');
    const card = JSON.stringify(
      await summaryCardFor(
        {
          links: { appId: 'app', tabEntityId: 'tab', publicUrl: 'https://trellis.example' },
          clock: () => server.now,
          conversations: {
            savePerson: (p) => Promise.resolve(p),
            findPerson: () => Promise.resolve(undefined),
            findPersonByObjectId: () => Promise.resolve(undefined),
            saveChannel: () => Promise.resolve(),
            findChannel: () => Promise.resolve(undefined),
            removeChannel: () => Promise.resolve(false),
          },
        },
        stored,
        RCTTP,
      ),
    );
    expect(card).toContain('Paused');
    expect(card).not.toMatch(/health|Paused \(/i);
    expect(card).not.toContain(MARKER);
    // The one redaction the notification rendering reuses: the shared audience hides both.
    expect(redactFor(stored.state, 'shared').paused?.reason).toBeUndefined();
    expect(redactFor(stored.state, 'trainee').paused?.reason).toBe('health');
    expect(redactFor(stored.state, 'staff').reinitiation).toBeUndefined();
    expect(redactFor(stored.state, 'trainee').reinitiation).toEqual({
      groundId: 'long_term_illness',
      evidence: undefined,
    });
  });
});
