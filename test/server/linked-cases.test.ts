/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLinkedCases } from '../../src/app/cases/linked-cases.js';
import { memoryLogger } from '../../src/app/logger.js';
import {
  completeTask,
  escalateCase,
  recordReview,
  type Actor,
  type CaseState,
  type CommandContext,
  type CommandResult,
} from '../../src/domain/case/index.js';
import { identities, P1, people } from './fixtures.js';
import { procedure, seedCase, startTestServer, type TestServer } from './harness.js';

/**
 * Decisions that open a linked case, over REST and on the real store: RCTTP's Executive Group
 * deciding "Further teaching placement and/or training against a Progress Support Plan" closes
 * the case and opens a new one at Stage 1, linked both ways, with the targets the group named;
 * however often the follow-up runs (straight after the decision, the sweep after a crash between
 * the two writes) there is one linked case.
 */
let server: TestServer;
const tokens = { lead: '', tutor: '', trainee: '', stranger: '' };
const rcttp = procedure('rcttp-concern-procedures');
let serial = 0;
const LEAD: Actor = { id: 'lead@uni.example', name: 'Course Lead', appRoles: ['course_team'] };

const rcttpPeople = [people.traineeA, people.mentorA, { ...people.tutorA, role: 'partnership_tutor' }];
const MEMBERS = [
  { name: 'Graham Fletcher', role: 'Chair of the Executive Group', attended: true },
  { name: 'Nadia Hussain', role: 'Programme Manager', attended: true },
  { name: 'Lorraine Francis', role: 'Headteacher', attended: false },
];
const TARGETS = [
  {
    text: 'Plan sequences of lessons that build on prior learning',
    links: [{ frameworkId: 'teachers-standards', code: 'TS4' }],
  },
];

beforeAll(async () => {
  server = await startTestServer();
  tokens.lead = await server.tokenFor(identities.courseTeamP1);
  tokens.tutor = await server.tokenFor(identities.tutorA);
  tokens.trainee = await server.tokenFor(identities.traineeA);
  tokens.stranger = await server.tokenFor(identities.stranger);
});

afterAll(async () => {
  await server.close();
});

/** An RCTTP case at the Executive Group, its report presented. */
async function atExecutiveGroup(decided = false): Promise<{ caseId: string; etag: string }> {
  const caseId = `linked-${String(serial++)}`;
  const stored = await seedCase(server, {
    caseId,
    procedureId: rcttp.id,
    input: {
      reference: `RCTTP-L-${String(serial)}`,
      reasons: ['progress_towards_standards'],
      people: rcttpPeople,
      placement: { school: 'Hollybank Primary', programme: P1, subject: undefined, phase: 'Primary' },
    },
    steps: [
      (state, ctx) =>
        escalateCase(ctx(LEAD), state, { toStageId: 'executive_group', reason: 'Concerns have not been resolved.' }),
      (state, ctx) => completeTask(ctx(LEAD), state, { taskId: 'report' }),
      // A decision stored with no follow-up after it: the process died between the two writes.
      ...(decided ? [decideFurtherPlacement] : []),
    ],
  });
  return { caseId, etag: `"v${String(stored.state.version)}"` };
}

function decideFurtherPlacement(state: CaseState, ctx: (actor: Actor) => CommandContext): CommandResult {
  return recordReview(ctx(LEAD), state, {
    progress: [],
    evidence: 'The report.',
    attendees: [],
    outcomeId: 'further_placement_or_training',
    members: MEMBERS,
    linkedCaseTargets: TARGETS.map((t) => ({ ...t, actions: [], observationFocus: false })),
  });
}

async function casesOfTraineeFrom(reference: string): Promise<string[]> {
  const all = await server.repository.casesOfTrainee(people.traineeA.id, rcttp.id);
  return all.filter((c) => c.reference.startsWith(reference)).map((c) => c.reference);
}

describe('a decision that opens a linked case', () => {
  it('closes this case, opens the linked one at Stage 1 with the named targets, and each links to the other', async () => {
    const { caseId, etag } = await atExecutiveGroup();
    const reply = await server.request('POST', `/api/cases/${caseId}/reviews`, {
      token: tokens.lead,
      headers: { 'if-match': etag },
      body: {
        evidence: 'The report to the Executive Group.',
        outcomeId: 'further_placement_or_training',
        members: MEMBERS,
        linkedCaseTargets: TARGETS,
      },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.status).toBe('closed');
    const [link] = reply.body.linkedCases as { caseId: string; reference: string; outcomeLabel: string }[];
    expect(link).toMatchObject({
      reference: `${String(reply.body.reference)}/2`,
      outcomeLabel: 'Further teaching placement and/or training against a Progress Support Plan',
      targets: [{ id: 'T1', text: TARGETS[0]?.text }],
    });
    expect((reply.body.reviews as { members?: unknown }[]).at(-1)?.members).toEqual(MEMBERS);

    const linked = await server.request('GET', `/api/cases/${String(link?.caseId)}`, { token: tokens.lead });
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body).toMatchObject({
      reference: link?.reference,
      status: 'planning',
      stage: { id: 'progress_support_plan' },
      linkedFrom: { caseId, reference: String(reply.body.reference), outcomeId: 'further_placement_or_training' },
    });
    const plan = linked.body.plan as { content: { targets: { text: string }[] } };
    expect(plan.content.targets.map((t) => t.text)).toEqual([TARGETS[0]?.text]);

    // The people on the case see both; the trainee sees the decision, not the group's members.
    const asTrainee = await server.request('GET', `/api/cases/${caseId}`, { token: tokens.trainee });
    expect((asTrainee.body.linkedCases as { caseId: string }[])[0]?.caseId).toBe(link?.caseId);
    expect((asTrainee.body.reviews as { members?: unknown }[]).at(-1)?.members).toBeUndefined();
    expect((await server.request('GET', `/api/cases/${String(link?.caseId)}`, { token: tokens.tutor })).status).toBe(
      200,
    );
    expect((await server.request('GET', `/api/cases/${String(link?.caseId)}`, { token: tokens.stranger })).status).toBe(
      404,
    );
  });

  it('the group decides: a decision without its members is refused and nothing is stored', async () => {
    const { caseId, etag } = await atExecutiveGroup();
    const reply = await server.request('POST', `/api/cases/${caseId}/reviews`, {
      token: tokens.lead,
      headers: { 'if-match': etag },
      body: { evidence: 'The report.', outcomeId: 'further_placement_or_training' },
    });
    expect(reply.status).toBe(422);
    expect(reply.body.detail).toContain('list its members and whether each attended');
    expect((await server.repository.find(caseId))?.state.linkedCases).toEqual([]);
  });

  it('a crash between the decision and the opening: the follow-up opens it once, however often it runs', async () => {
    const { caseId } = await atExecutiveGroup(true);
    const stored = await server.repository.find(caseId);
    if (!stored) throw new Error('not stored');
    const link = stored.state.linkedCases[0];
    expect(link).toBeDefined();
    expect(await server.repository.find(String(link?.caseId))).toBeUndefined();

    const deps = { repository: server.repository, clock: () => server.now, logger: memoryLogger() };
    expect(await openLinkedCases(deps, rcttp, stored)).toEqual({ opened: [link?.caseId], existing: [] });
    expect(await openLinkedCases(deps, rcttp, stored)).toEqual({ opened: [], existing: [link?.caseId] });
    // Two runs side by side: still one case.
    await Promise.all([openLinkedCases(deps, rcttp, stored), openLinkedCases(deps, rcttp, stored)]);
    expect(await casesOfTraineeFrom(stored.state.reference)).toEqual(
      expect.arrayContaining([stored.state.reference, link?.reference]),
    );
    expect((await casesOfTraineeFrom(stored.state.reference)).filter((r) => r === link?.reference)).toHaveLength(1);
  });

  it('two follow-ups racing to open the same linked case (the request and the sweep) leave one case', async () => {
    const { caseId } = await atExecutiveGroup(true);
    const stored = await server.repository.find(caseId);
    if (!stored) throw new Error('not stored');
    const link = stored.state.linkedCases[0];
    const deps = { repository: server.repository, clock: () => server.now, logger: memoryLogger() };
    const runs = await Promise.all([openLinkedCases(deps, rcttp, stored), openLinkedCases(deps, rcttp, stored)]);
    // Each run either opened it or found it opened: neither fails, and nothing is opened twice.
    for (const run of runs) expect([...run.opened, ...run.existing]).toEqual([link?.caseId]);
    expect((await casesOfTraineeFrom(stored.state.reference)).filter((r) => r === link?.reference)).toHaveLength(1);
    const opened = await server.repository.find(String(link?.caseId));
    expect(opened?.events.filter((e) => e.type === 'case_opened')).toHaveLength(1);
  });
});
