/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field; a typed client comes with the tab */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTo, actorForCase, mayReport } from '../../src/app/access.js';
import type { Caller } from '../../src/app/caller.js';
import { CASE_COMMAND_ROUTES } from '../../src/contract/commands.js';
import type { CaseCommandName } from '../../src/app/cases/case-commands.js';
import { caseInput, identities, P1, P2, people } from './fixtures.js';
import { seedCase, startTestServer, type Identity, type TestServer } from './harness.js';

const traineeRoles = new Set(['trainee']);
const caller = (
  id: string,
  appRoles: Caller['actor']['appRoles'] = [],
  programmes: Caller['programmes'] = [],
): Caller => ({ actor: { id, name: id, appRoles }, programmes });
const caseA = { programme: P1, people: [people.traineeA, people.mentorA, people.tutorA] };

describe('access.ts', () => {
  it.each([
    ['admin', caller('a@x', ['admin']), 'full'],
    ['course team of the programme', caller('c@x', ['course_team'], [P1]), 'full'],
    ['course team of all programmes', caller('c@x', ['course_team'], 'all'), 'full'],
    ['course team of another programme', caller('c@x', ['course_team'], [P2]), 'none'],
    ['mentor on the case', caller(people.mentorA.id), 'staff'],
    ['tutor on the case', caller(people.tutorA.id), 'staff'],
    ['the trainee', caller(people.traineeA.id), 'trainee'],
    ['someone not on the case', caller('x@y'), 'none'],
    ['a programme claim without the app role', caller('c@x', [], [P1]), 'none'],
  ] as const)('%s → %s', (_name, who, expected) => {
    expect(accessTo(who, caseA, traineeRoles)).toBe(expected);
  });

  it('compares sign-in names case-insensitively (ids are stored lower-case)', () => {
    expect(
      accessTo(
        caller(people.mentorA.id),
        { ...caseA, people: [{ role: 'mentor', id: people.mentorA.id.toUpperCase() }] },
        traineeRoles,
      ),
    ).toBe('staff');
  });

  it('gives course-team powers only on covered programmes', () => {
    expect(actorForCase(caller('c@x', ['course_team'], [P2]), P1).appRoles).toEqual([]);
    expect(actorForCase(caller('c@x', ['course_team'], [P1]), P1).appRoles).toEqual(['course_team']);
    expect(actorForCase(caller('a@x', ['admin']), P1).appRoles).toEqual(['admin']);
  });

  it('lets only the course team and admins see reports', () => {
    expect(mayReport(caller('c@x', ['course_team'], [P1]))).toBe(true);
    expect(mayReport(caller('a@x', ['admin']))).toBe(true);
    expect(mayReport(caller(people.tutorA.id))).toBe(false);
  });
});

/** Schema-valid bodies for every write, so the request reaches the access check. */
const VALID_BODIES: Readonly<Record<CaseCommandName, unknown>> = {
  edit_plan: { plan: {} },
  sign_plan: { role: 'trainee', typedName: 'Someone' },
  record_perceptions: { text: 'My view.' },
  record_review: { outcomeId: 'sufficient_progress' },
  extend_review_date: { reviewDate: '2026-12-10', reason: 'Illness' },
  escalate: { toStageId: 'stage_5', reason: 'Serious' },
  pause: { reason: 'health' },
  resume: {},
  convene_panel: { panelId: 'placement_review_panel', members: [{ id: 'p@x.example', name: 'P' }] },
  record_panel_meeting: { attendees: ['p@x.example'] },
  complete_task: { taskId: 'evidence_meeting' },
  suspend_placement: { reason: 'Pupils' },
  set_stage_start: { startsOn: '2026-12-01' },
  close: { reason: 'Opened in error' },
  withdraw: { reason: 'Left the programme' },
  acknowledge_notice: { about: 'concern_raised' },
  change_person: { role: 'mentor', removeId: 'someone@x.example', reason: 'Left the school' },
  change_placement: { school: 'Another School', reason: 'Deferred assessment' },
  record_meeting: { kind: 'plan', heldOn: '2026-11-23', mode: 'in_person', attendees: ['someone@x.example'] },
  schedule_review_meeting: { startTime: '15:30', durationMinutes: 60, mode: 'online' },
  correct_text: { eventSeq: 1, field: 'reasons.0', text: 'New', reason: 'inaccurate', explanation: 'Wrong' },
  waive_fee: { reason: 'Exceptional circumstances' },
  lodge_appeal: { lodgedOn: '2026-11-23', grounds: 'The procedure was not followed.', procedural: true },
  decide_appeal: { outcome: 'upheld', reasons: 'Upheld.' },
  reopen: { reason: 'Closed by mistake' },
  complete_milestone: { milestoneId: 'progress_review' },
};

type Who = keyof typeof identities | 'traineeB' | 'mentorB' | 'anonymous';
const WHO: readonly Who[] = [
  'courseTeamP1',
  'admin',
  'mentorA',
  'tutorA',
  'traineeA',
  'traineeB',
  'mentorB',
  'stranger',
  'anonymous',
];
/** Which cases each caller may see: A is programme P1 (mentorA, tutorA, traineeA), B is programme P2. */
type View = 'full' | 'staff' | 'trainee' | 'none';
const SEES: Readonly<Record<Who, { A: View; B: View }>> = {
  courseTeamP1: { A: 'full', B: 'none' },
  admin: { A: 'full', B: 'full' },
  mentorA: { A: 'staff', B: 'none' },
  tutorA: { A: 'staff', B: 'none' },
  traineeA: { A: 'trainee', B: 'none' },
  traineeB: { A: 'none', B: 'trainee' },
  mentorB: { A: 'none', B: 'staff' },
  stranger: { A: 'none', B: 'none' },
  anonymous: { A: 'none', B: 'none' },
};

describe('role × route × case over HTTP', () => {
  let server: TestServer;
  const tokens = new Map<Who, string | undefined>();

  beforeAll(async () => {
    server = await startTestServer();
    await seedCase(server, { caseId: 'case-a', input: caseInput('A') });
    await seedCase(server, { caseId: 'case-b', input: caseInput('B') });
    const all: Record<Exclude<Who, 'anonymous'>, Identity> = {
      ...identities,
      traineeB: { upn: people.traineeB.id, name: people.traineeB.name },
      mentorB: { upn: people.mentorB.id, name: people.mentorB.name },
    };
    for (const who of WHO) tokens.set(who, who === 'anonymous' ? undefined : await server.tokenFor(all[who]));
  });

  afterAll(async () => {
    await server.close();
  });

  const READS = ['', '/events', '/form'] as const;
  const cells = WHO.flatMap((who) => (['A', 'B'] as const).map((which) => ({ who, which })));

  it.each(cells)('reads: $who on case $which', async ({ who, which }) => {
    const token = tokens.get(who);
    for (const read of READS) {
      const reply = await server.request('GET', `/api/cases/case-${which.toLowerCase()}${read}`, { token });
      if (who === 'anonymous') {
        expect(reply.status, read).toBe(401);
        expect(reply.body.code).toBe('unauthenticated');
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      } else if (SEES[who][which] === 'none') {
        expect(reply.status, read).toBe(404);
        expect(reply.body.code).toBe('not_found');
      } else {
        expect(reply.status, read).toBe(200);
        if (read === '') expect(reply.body.view).toBe(SEES[who][which]);
      }
    }
  });

  it.each(cells)(
    'writes: $who on case $which (a stale If-Match: 412 if visible, 404 if not)',
    async ({ who, which }) => {
      const token = tokens.get(who);
      for (const route of CASE_COMMAND_ROUTES) {
        const path = `/api/cases/case-${which.toLowerCase()}${route.path.replace(':panelId', 'placement_review_panel')}`;
        const reply = await server.request(route.method.toUpperCase(), path, {
          token,
          body: VALID_BODIES[route.command],
          headers: { 'if-match': '"v999"' },
        });
        const expected = who === 'anonymous' ? 401 : SEES[who][which] === 'none' ? 404 : 412;
        expect(reply.status, `${route.method} ${route.path}`).toBe(expected);
      }
      const after = await server.repository.find(`case-${which.toLowerCase()}`);
      expect(after?.state.version).toBe(3);
    },
  );

  it.each(WHO)('list and reports: %s', async (who) => {
    const token = tokens.get(who);
    const list = await server.request('GET', '/api/cases?limit=500', { token });
    if (who === 'anonymous') {
      expect(list.status).toBe(401);
      return;
    }
    const ids = (list.body.items as { id: string }[]).map((c) => c.id).sort();
    const expected = (['A', 'B'] as const).filter((w) => SEES[who][w] !== 'none').map((w) => `case-${w.toLowerCase()}`);
    expect(ids).toEqual(expected);
    expect(list.body.total).toBe(expected.length);
    const report = await server.request('GET', '/api/reports', { token });
    expect(report.status).toBe(who === 'admin' || who === 'courseTeamP1' ? 200 : 403);
    if (report.status === 200) expect(report.body.totals.cases).toBe(expected.length);
  });

  it('opening a case needs the course team for its programme, or the placement roster (test/server/open-case.test.ts)', async () => {
    const body = { procedureId: 'bcu-rapid-improvement-targets', ...caseInput('B', { reference: 'OPEN-B' }) };
    expect((await server.request('POST', '/api/cases', { token: tokens.get('courseTeamP1'), body })).status).toBe(403);
    expect((await server.request('POST', '/api/cases', { token: tokens.get('traineeB'), body })).status).toBe(403);
    expect((await server.request('POST', '/api/cases', { token: tokens.get('anonymous'), body })).status).toBe(401);
    // Named as mentor in the request, but no roster row names them: the request is not trusted.
    const mentor = await server.request('POST', '/api/cases', { token: tokens.get('mentorB'), body });
    expect(mentor.status).toBe(403);
    expect(mentor.body.detail).toMatch(/placement roster/);
  });

  it('a course team member of another programme named on a case has no course-team powers there', async () => {
    await seedCase(server, {
      caseId: 'case-c',
      input: caseInput('B', {
        reference: 'C',
        people: [
          people.traineeB,
          people.mentorB,
          { ...people.tutorB, id: identities.courseTeamP1.upn, email: identities.courseTeamP1.upn },
        ],
      }),
    });
    const reply = await server.request('POST', '/api/cases/case-c/escalation', {
      token: tokens.get('courseTeamP1'),
      body: { toStageId: 'stage_5', reason: 'x' },
      headers: { 'if-match': '"v3"' },
    });
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('not_permitted');
  });
});
