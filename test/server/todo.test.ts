/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import {
  editPlan,
  editPlanInputSchema,
  recordTraineePerceptions,
  signPlan,
  type CommandContext,
  type CommandResult,
} from '../../src/domain/case/index.js';
import type { Actor, CaseState } from '../../src/domain/case/types.js';
import { bcuPlan, caseInput, identities, P2, people } from './fixtures.js';
import { seedCase, startTestServer, TODAY, type TestServer } from './harness.js';

/**
 * GET /api/me/todo ("What you need to do") over the real server and repository on the Graph
 * emulator: what each person on a case is awaited for, what waits on the course team of the
 * case's programme, and nothing from cases the caller may not see. Today is Monday 23 November
 * 2026 (the harness's TODAY).
 */
let server: TestServer;
const seedActor: Actor = { id: 'seed.course.team@provider.example', name: 'Seed', appRoles: ['course_team'] };
const as = (id: string, name: string): Actor => ({ id, name, appRoles: [] });
type Step = (s: CaseState, ctx: (actor: Actor) => CommandContext) => CommandResult;

const draft =
  (reviewDate: string, overrides: Record<string, unknown> = {}): Step =>
  (s, ctx) =>
    editPlan(ctx(seedActor), s, editPlanInputSchema.parse({ plan: bcuPlan(reviewDate, overrides) }));
const perceptions: Step = (s, ctx) =>
  recordTraineePerceptions(ctx(as(people.traineeA.id, people.traineeA.name)), s, { text: 'I see it.' });
const signs =
  (p: { id: string; name: string; role: string }): Step =>
  (s, ctx) =>
    signPlan(ctx(as(p.id, p.name)), s, { role: p.role, typedName: p.name });

interface Item {
  caseId: string;
  reference: string;
  awaitedFrom: 'you' | 'course_team';
  step: { kind: string; form: string; by?: string; overdue: boolean; from: { name: string }[]; detail?: string };
}

async function todoOf(identity: Parameters<TestServer['tokenFor']>[0]): Promise<Item[]> {
  const reply = await server.request('GET', '/api/me/todo', { token: await server.tokenFor(identity) });
  expect(reply.status, reply.text).toBe(200);
  expect(reply.body.today).toBe('2026-11-23');
  return reply.body.items as Item[];
}

const summary = (items: readonly Item[]): string[] =>
  items.map((i) => `${i.reference} ${i.step.kind}${i.awaitedFrom === 'course_team' ? ' (course team)' : ''}`);

beforeAll(async () => {
  server = await startTestServer();
  // Drafted, waiting for the trainee's perceptions and everyone's signatures.
  await seedCase(server, {
    caseId: 'todo-sign',
    input: caseInput('A', { reference: 'TODO-SIGN' }),
    steps: [draft('2026-12-04')],
  });
  // Perceptions given, the trainee signed: the mentor or the tutor signs next.
  await seedCase(server, {
    caseId: 'todo-half',
    input: caseInput('A', { reference: 'TODO-HALF' }),
    steps: [draft('2026-12-04'), perceptions, signs(people.traineeA)],
  });
  // Agreed, review on Wednesday: due for the reviewers, a meeting coming up for the trainee.
  await seedCase(server, {
    caseId: 'todo-review',
    input: caseInput('A', { reference: 'TODO-REVIEW' }),
    steps: [draft('2026-11-25'), perceptions, signs(people.traineeA), signs(people.mentorA)],
  });
  // Missing the statement of concern: it cannot be signed until the mentor, tutor or course team adds it.
  await seedCase(server, {
    caseId: 'todo-incomplete',
    input: caseInput('A', { reference: 'TODO-INCOMPLETE' }),
    steps: [draft('2026-12-04', { concernStatement: undefined })],
  });
  // Programme 2, agreed a fortnight ago with its review last Monday: overdue.
  server.now = londonInstantAt(parseLocalDate('2026-11-09'), 10, 0);
  await seedCase(server, {
    caseId: 'todo-overdue',
    input: caseInput('B', { reference: 'TODO-OVERDUE' }),
    steps: [
      draft('2026-11-16'),
      (s, ctx) => recordTraineePerceptions(ctx(as(people.traineeB.id, people.traineeB.name)), s, { text: 'Fair.' }),
      signs(people.traineeB),
      signs(people.mentorB),
    ],
  });
  server.now = londonInstantAt(TODAY, 10, 0);
});

afterAll(async () => {
  await server.close();
});

describe('GET /api/me/todo', () => {
  it('gives the trainee their perceptions before signing, their signatures and the meeting coming up, each with its form', async () => {
    const items = await todoOf(identities.traineeA);
    expect(summary(items)).toEqual([
      'TODO-REVIEW meeting',
      'TODO-INCOMPLETE perceptions',
      'TODO-SIGN perceptions',
      'TODO-SIGN sign',
    ]);
    expect(items.map((i) => i.step.form)).toEqual(['meetings', 'perceptions', 'perceptions', 'sign']);
    expect(items[0]?.step.by).toBe('2026-11-25');
    expect(items.every((i) => i.awaitedFrom === 'you')).toBe(true);
  });

  it('gives the mentor the review due on Wednesday, the plans to sign and the plan to complete', async () => {
    const items = await todoOf(identities.mentorA);
    expect(summary(items)).toEqual([
      'TODO-REVIEW review',
      'TODO-HALF sign',
      'TODO-SIGN sign',
      'TODO-INCOMPLETE complete_plan',
    ]);
    expect(items[0]?.step).toMatchObject({ form: 'review', by: '2026-11-25', overdue: false });
    expect(items[0]?.step.from.map((p) => p.name)).toEqual([people.mentorA.name, people.tutorA.name]);
    expect(items[3]?.step.detail).toContain('statement of concern');
    // Mentor or tutor signs the half-signed plan: it is on both lists until one of them does.
    expect(summary(await todoOf(identities.tutorA))).toContain('TODO-HALF sign');
  });

  it('gives the course team what waits on them on their programmes only, and the overdue review to its reviewer', async () => {
    expect(summary(await todoOf(identities.courseTeamP1))).toEqual(['TODO-INCOMPLETE complete_plan (course team)']);
    const otherLead = {
      upn: 'course.lead.secondary@uni.example',
      name: 'Sam Patel',
      roles: ['CourseTeam'],
      programmes: [P2],
    };
    const theirs = await todoOf(otherLead);
    expect(summary(theirs)).toEqual(['TODO-OVERDUE follow_up (course team)']);
    expect(theirs[0]?.step).toMatchObject({ overdue: true, by: '2026-11-16', form: 'actions' });
    const mentorB = await todoOf({ upn: people.mentorB.id, name: people.mentorB.name });
    expect(summary(mentorB)).toEqual(['TODO-OVERDUE review']);
    expect(mentorB[0]?.step.overdue).toBe(true);
  });

  it('gives someone on no case nothing, and refuses without a token', async () => {
    expect(await todoOf(identities.stranger)).toEqual([]);
    const anonymous = await server.request('GET', '/api/me/todo');
    expect(anonymous.status).toBe(401);
  });

  it('puts the same steps on the case page, for whoever may see the case', async () => {
    const view = await server.request('GET', '/api/cases/todo-half', {
      token: await server.tokenFor(identities.traineeA),
    });
    expect(view.body.derived.nextSteps).toEqual([
      expect.objectContaining({
        kind: 'sign',
        form: 'sign',
        from: [
          { id: people.mentorA.id, name: people.mentorA.name, roleLabel: expect.any(String) as string },
          { id: people.tutorA.id, name: people.tutorA.name, roleLabel: expect.any(String) as string },
        ],
      }),
    ]);
  });
});
