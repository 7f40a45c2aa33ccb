/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editPlan, editPlanInputSchema, signPlan } from '../../src/domain/case/index.js';
import type { Actor } from '../../src/domain/case/types.js';
import { bcuPlan, caseInput, identities, P2, people } from '../server/fixtures.js';
import { issuerFor, seedCase, startTestServer, type Identity, type Reply, type TestServer } from '../server/harness.js';
import { devObjectIdOf } from '../../src/bot/identity.js';
import { EMULATOR_APP_TOKEN } from '../../src/dev/graph-emulator/index.js';
import { ADMIN_PERSONA } from '../../src/dev/local-mode/personas.js';
import { openTrellisSite } from '../../src/store/case-repository.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import { provider, staff, startLocal, type LocalTrellis } from './kit.js';

/**
 * Access: every route in the OpenAPI document × the people around a case × that case. Callers
 * who may see the case get past access (a write reaches the procedure's own rules); everyone
 * else gets a 404 that is byte for byte the 404 of a case that does not exist, so nobody learns
 * a case exists. test/server/access.test.ts covers reads and stale writes for a smaller cast;
 * this one adds the other programme's course team and the other tutor, writes with the right
 * ETag (which must succeed for the people the procedure names), every route including the
 * ones added later, and token attacks on every protected route.
 */
type Who =
  'courseTeamP1' | 'courseTeamP2' | 'tutorA' | 'tutorB' | 'mentorA' | 'mentorB' | 'traineeA' | 'traineeB' | 'anonymous';
const CAST: Readonly<Record<Exclude<Who, 'anonymous'>, Identity>> = {
  courseTeamP1: identities.courseTeamP1,
  courseTeamP2: {
    upn: 'course.lead.secondary@uni.example',
    name: 'Sam Patel',
    roles: ['CourseTeam'],
    programmes: [P2],
  },
  tutorA: identities.tutorA,
  tutorB: { upn: people.tutorB.id, name: people.tutorB.name },
  mentorA: identities.mentorA,
  mentorB: { upn: people.mentorB.id, name: people.mentorB.name },
  traineeA: identities.traineeA,
  traineeB: { upn: people.traineeB.id, name: people.traineeB.name },
};
const WHO = [...(Object.keys(CAST) as Exclude<Who, 'anonymous'>[]), 'anonymous'] as const;
/** What each caller may see of case A (programme P1: traineeA, mentorA, tutorA). */
const SEES_A: Readonly<Record<Who, 'full' | 'staff' | 'trainee' | 'none'>> = {
  courseTeamP1: 'full',
  courseTeamP2: 'none',
  tutorA: 'staff',
  tutorB: 'none',
  mentorA: 'staff',
  mentorB: 'none',
  traineeA: 'trainee',
  traineeB: 'none',
  anonymous: 'none',
};

interface Operation {
  readonly method: string;
  readonly template: string;
  readonly secured: boolean;
}

let server: TestServer;
let operations: Operation[] = [];
const tokens = new Map<Who, string | undefined>();
const seedActor: Actor = { id: 'seed.course.team@provider.example', name: 'Seed', appRoles: ['course_team'] };
let serial = 0;

beforeAll(async () => {
  server = await startTestServer();
  for (const who of WHO) tokens.set(who, who === 'anonymous' ? undefined : await server.tokenFor(CAST[who]));
  await seedCase(server, { caseId: 'case-b', input: caseInput('B') });
  const document = (await server.request('GET', '/api/openapi.json')).body as {
    security: unknown[];
    paths: Record<string, Record<string, { security?: unknown[] }>>;
  };
  operations = Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      secured: (op.security ?? document.security).length > 0,
    })),
  );
});

afterAll(async () => {
  await server.close();
});

/** Case A as a fresh copy: drafted (plan saved, v4) or agreed (signed, active at stage 2). */
async function caseA(state: 'drafted' | 'agreed'): Promise<{ caseId: string; version: number }> {
  const caseId = `a-${String(serial++)}`;
  const stored = await seedCase(server, {
    caseId,
    input: caseInput('A', { reference: `A-${String(serial)}` }),
    steps: [
      (s, ctx) => editPlan(ctx(seedActor), s, editPlanInputSchema.parse({ plan: bcuPlan('2026-12-04') })),
      ...(state === 'agreed'
        ? [
            (s: Parameters<typeof signPlan>[1], ctx: (actor: Actor) => Parameters<typeof signPlan>[0]) =>
              signPlan(ctx({ id: people.traineeA.id, name: people.traineeA.name, appRoles: [] }), s, {
                role: 'trainee',
                typedName: people.traineeA.name,
              }),
            (s: Parameters<typeof signPlan>[1], ctx: (actor: Actor) => Parameters<typeof signPlan>[0]) =>
              signPlan(ctx({ id: people.mentorA.id, name: people.mentorA.name, appRoles: [] }), s, {
                role: 'mentor',
                typedName: people.mentorA.name,
              }),
          ]
        : []),
    ],
  });
  return { caseId, version: stored.state.version };
}

/** A schema-valid body for each write, and the state it makes sense in. */
const WRITES: Readonly<Record<string, { state: 'drafted' | 'agreed'; body: (who: Who) => unknown }>> = {
  '/plan': { state: 'drafted', body: () => ({ plan: bcuPlan('2026-12-07') }) },
  '/signatures': {
    state: 'drafted',
    body: (who) =>
      who.startsWith('trainee')
        ? { role: 'trainee', typedName: CAST[who as 'traineeA'].name }
        : { role: 'mentor', typedName: who === 'anonymous' ? 'x' : CAST[who].name },
  },
  '/perceptions': { state: 'drafted', body: () => ({ text: 'My view.' }) },
  '/reviews': {
    state: 'agreed',
    body: () => ({
      progress: [
        { targetId: 'T1', rating: 'met' },
        { targetId: 'T2', rating: 'met' },
      ],
      evidence: 'Seen.',
      outcomeId: 'sufficient_progress',
    }),
  },
  '/extension': { state: 'agreed', body: () => ({ reviewDate: '2026-12-08', reason: 'Illness' }) },
  '/escalation': { state: 'agreed', body: () => ({ toStageId: 'stage_5', reason: 'Serious' }) },
  '/pause': { state: 'agreed', body: () => ({ reason: 'health' }) },
  '/resume': { state: 'agreed', body: () => ({}) },
  '/panels': {
    state: 'agreed',
    body: () => ({ panelId: 'placement_review_panel', members: [{ id: 'p@x.example', name: 'P' }] }),
  },
  '/panels/{panelId}/meetings': { state: 'agreed', body: () => ({ attendees: ['p@x.example'] }) },
  '/tasks': { state: 'agreed', body: () => ({ taskId: 'evidence_meeting' }) },
  '/suspension': { state: 'agreed', body: () => ({ reason: 'Pupils' }) },
  '/stage-start': { state: 'agreed', body: () => ({ startsOn: '2026-12-01' }) },
  '/close': { state: 'agreed', body: () => ({ reason: 'Opened in error' }) },
  '/withdraw': { state: 'agreed', body: () => ({ reason: 'Left the programme' }) },
  '/acknowledgements': { state: 'drafted', body: () => ({ about: 'concern_raised' }) },
  '/people': {
    state: 'drafted',
    body: () => ({
      role: 'mentor',
      removeId: people.mentorA.id,
      add: { id: 'new.mentor@hollybank.example', name: 'New Mentor', email: 'new.mentor@hollybank.example' },
      reason: 'Left the school',
    }),
  },
  '/placement': { state: 'drafted', body: () => ({ school: 'Oakfield Primary', reason: 'A fresh start' }) },
  '/meetings': {
    state: 'drafted',
    body: () => ({ kind: 'plan', heldOn: '2026-11-23', mode: 'in_person', attendees: [people.mentorA.id] }),
  },
  '/review-meeting': {
    state: 'agreed',
    body: () => ({ startTime: '15:30', durationMinutes: 60, mode: 'online' }),
  },
  // Event 4 of the drafted case is the plan's save.
  '/corrections': {
    state: 'drafted',
    body: () => ({
      eventSeq: 4,
      field: 'content.targets.0.text',
      text: 'A corrected target',
      reason: 'inaccurate',
      explanation: 'Recorded wrongly',
    }),
  },
  // Moving a case to another version of its procedure is for Trellis administrators only: everyone here who sees the case is refused.
  '/procedure-version': { state: 'drafted', body: () => ({ toHash: '0'.repeat(64) }) },
  // BCU's fee waiver follows a decision that brings a fee, and BCU has no appeal: refused to all, by the procedure.
  '/fee-waiver': { state: 'agreed', body: () => ({ reason: 'Exceptional circumstances' }) },
  '/appeals': {
    state: 'agreed',
    body: () => ({ lodgedOn: '2026-11-23', grounds: 'The procedure was not followed.', procedural: true }),
  },
  '/appeals/{appealId}/outcome': { state: 'agreed', body: () => ({ outcome: 'upheld', reasons: 'Upheld.' }) },
  // Case A is open: a reopening is refused to everyone (the course team: only a closed case reopens).
  '/reopen': { state: 'agreed', body: () => ({ reason: 'Closed by mistake' }) },
  // BCU's stages have no week-by-week plan: refused to everyone who sees the case.
  '/milestones': { state: 'agreed', body: () => ({ milestoneId: 'progress_review' }) },
  // Erasure is for Trellis administrators only: everyone here is refused, before the case is looked up.
  '/erase': { state: 'drafted', body: () => ({ reason: 'The trainee asked for their record to be erased' }) },
};

/**
 * Who the BCU procedure lets do what, on the state above: these writes must succeed (200) for
 * exactly these callers (every other caller who can see the case is refused by the procedure).
 */
const SUCCEEDS: Readonly<Record<string, readonly Who[]>> = {
  '/plan': ['courseTeamP1', 'tutorA', 'mentorA'],
  '/signatures': ['mentorA', 'traineeA'],
  // Staff may type the trainee's words in at the meeting (until the trainee has recorded their own).
  '/perceptions': ['courseTeamP1', 'tutorA', 'mentorA', 'traineeA'],
  '/reviews': ['courseTeamP1', 'mentorA', 'tutorA'],
  '/extension': ['courseTeamP1', 'tutorA', 'mentorA'],
  '/pause': ['courseTeamP1', 'tutorA', 'mentorA'],
  '/close': ['courseTeamP1'],
  '/withdraw': ['courseTeamP1', 'tutorA', 'mentorA'],
  '/acknowledgements': ['courseTeamP1'],
  '/people': ['courseTeamP1'],
  '/placement': ['courseTeamP1'],
  '/meetings': ['courseTeamP1', 'tutorA', 'mentorA'],
  '/review-meeting': ['courseTeamP1', 'tutorA', 'mentorA'],
  '/corrections': ['courseTeamP1'],
};

const normalised404 = (reply: Reply, id: string) => ({
  status: reply.status,
  type: reply.headers.get('content-type'),
  etag: reply.headers.get('etag'),
  // Each answer has its own request id; everything else must be the same.
  body: reply.text
    .split(id)
    .join('<id>')
    .replace(/"requestId":"[^"]*"/, '"requestId":"<request>"'),
});

/** The 404 of a case that does not exist, asked once per route and body (it is the same answer every time). */
const missing404s = new Map<string, Promise<ReturnType<typeof normalised404>>>();
function missingCase404(route: string, method: string, body?: unknown): Promise<ReturnType<typeof normalised404>> {
  const key = `${method} ${route} ${body === undefined ? '' : JSON.stringify(body)}`;
  let answer = missing404s.get(key);
  if (answer === undefined) {
    answer = server
      .request(method, route.replace('{caseId}', 'no-such-case'), {
        token: tokens.get('courseTeamP1'),
        ...(body === undefined ? {} : { body }),
        headers: { 'if-match': '"v4"' },
      })
      .then((reply) => normalised404(reply, 'no-such-case'));
    missing404s.set(key, answer);
  }
  return answer;
}

describe('role × route × case', () => {
  it('covers every route in the OpenAPI document', () => {
    const covered = operations
      .filter((o) => o.template.startsWith('/api/cases/{caseId}') && o.method !== 'GET')
      .map((o) => o.template.slice('/api/cases/{caseId}'.length));
    expect(covered.filter((path) => WRITES[path] === undefined)).toEqual([]);
    expect(operations.length).toBeGreaterThanOrEqual(20);
  });

  it.each(WHO)('reads of case A as %s: the view they may have, or the same 404 as no case at all', async (who) => {
    const { caseId } = await caseA('drafted');
    for (const op of operations.filter((o) => o.method === 'GET' && o.template.startsWith('/api/cases/{caseId}'))) {
      const reply = await server.request('GET', op.template.replace('{caseId}', caseId), { token: tokens.get(who) });
      if (who === 'anonymous') expect(reply.status, op.template).toBe(401);
      else if (SEES_A[who] === 'none')
        expect(normalised404(reply, caseId), op.template).toEqual(await missingCase404(op.template, 'GET'));
      else if (
        op.template === '/api/cases/{caseId}/access-log' ||
        op.template === '/api/cases/{caseId}/sent-notifications'
      )
        // Who looked and what was sent are for the course team and admins: people on the case see the case, not that.
        expect(reply.status, op.template).toBe(SEES_A[who] === 'full' ? 200 : 403);
      else if (op.template === '/api/cases/{caseId}/fee-letter.pdf') {
        // Case A has no fee waived: those who see it are told so in words, not given the 404 of a case they may not see.
        expect(reply.status, op.template).toBe(404);
        expect(reply.text, op.template).toContain('No fee has been waived on case');
      } else {
        expect(reply.status, op.template).toBe(200);
        if (op.template === '/api/cases/{caseId}') expect(reply.body.view).toBe(SEES_A[who]);
      }
    }
  });

  it.each(WHO)('writes to case A as %s, each with the right ETag', async (who) => {
    // A write that must succeed moves the case on, so it gets a fresh copy. A write that must be
    // refused leaves the case as it was (checked below, before the next write), so the refused
    // writes of one caller share one copy per state: the same checks, a tenth of the seeding.
    const shared = new Map<'drafted' | 'agreed', Promise<{ caseId: string; version: number }>>();
    const copyFor = (state: 'drafted' | 'agreed', succeeds: boolean) => {
      if (succeeds) return caseA(state);
      let copy = shared.get(state);
      if (copy === undefined) {
        copy = caseA(state);
        shared.set(state, copy);
      }
      return copy;
    };
    for (const op of operations.filter((o) => o.method !== 'GET' && o.template.startsWith('/api/cases/{caseId}'))) {
      const path = op.template.slice('/api/cases/{caseId}'.length);
      const write = WRITES[path];
      if (!write) throw new Error(`no body for ${path}`);
      const { caseId, version } = await copyFor(write.state, (SUCCEEDS[path] ?? []).includes(who));
      const route = op.template.replace('{caseId}', caseId).replace('{panelId}', 'placement_review_panel');
      const reply = await server.request(op.method, route, {
        token: tokens.get(who),
        body: write.body(who),
        headers: { 'if-match': `"v${version}"` },
      });
      const after = await server.repository.find(caseId);
      const label = `${op.method} ${path}: ${reply.text.slice(0, 200)}`;
      if (who === 'anonymous') {
        expect(reply.status, label).toBe(401);
      } else if (SEES_A[who] === 'none') {
        expect(normalised404(reply, caseId), label).toEqual(
          await missingCase404(op.template.replace('{panelId}', 'placement_review_panel'), op.method, write.body(who)),
        );
      } else if ((SUCCEEDS[path] ?? []).includes(who)) {
        expect(reply.status, label).toBe(200);
        expect(after?.state.version, label).toBeGreaterThan(version);
        continue;
      } else {
        // Seen, but the procedure refuses: its own code, never a generic access answer.
        expect([403, 409, 422], label).toContain(reply.status);
        expect(reply.body.code, label).not.toBe('not_found');
      }
      expect(after?.state.version, label).toBe(version);
    }
  });

  it.each(WHO)('the list, reports and catalogue as %s', async (who) => {
    const token = tokens.get(who);
    const { caseId } = await caseA('drafted');
    for (const op of operations.filter(
      (o) => !o.template.startsWith('/api/cases/{caseId}') && o.template !== '/api/cases',
    )) {
      if (op.method !== 'GET') continue;
      const reply = await server.request('GET', op.template.replace('{id}', 'bcu-rapid-improvement-targets'), {
        token,
      });
      expect(reply.status, op.template).toBeLessThan(500);
      if (!op.secured) expect(reply.status, op.template).toBe(200);
      else if (who === 'anonymous') expect(reply.status, op.template).toBe(401);
    }
    const list = await server.request(
      'GET',
      `/api/cases?search=${encodeURIComponent(`A-${String(serial)}`)}&limit=500`,
      { token },
    );
    if (who === 'anonymous') expect(list.status).toBe(401);
    else
      expect(
        (list.body.items as { id: string }[]).some((c) => c.id === caseId),
        'case A listed',
      ).toBe(SEES_A[who] !== 'none');
    const report = await server.request('GET', '/api/reports', { token });
    expect(report.status).toBe(who === 'anonymous' ? 401 : who.startsWith('courseTeam') ? 200 : 403);
    // Opening cases has its own matrix below (persona × procedure × roster relation).
  });

  it('a trainee’s view never carries review notes, panel deliberations or members', async () => {
    const { caseId, version } = await caseA('agreed');
    const review = await server.request('POST', `/api/cases/${caseId}/reviews`, {
      token: tokens.get('tutorA'),
      body: {
        progress: [
          { targetId: 'T1', rating: 'met' },
          { targetId: 'T2', rating: 'not_met' },
        ],
        evidence: 'Seen.',
        notes: 'PRIVATE-NOTE-7',
        outcomeId: 'insufficient_progress',
      },
      headers: { 'if-match': `"v${version}"` },
    });
    expect(review.status).toBe(200);
    for (const route of ['', '/events', '/form']) {
      const reply = await server.request('GET', `/api/cases/${caseId}${route}`, { token: tokens.get('traineeA') });
      expect(reply.status).toBe(200);
      expect(reply.text, route).not.toContain('PRIVATE-NOTE-7');
    }
    const staffView = await server.request('GET', `/api/cases/${caseId}/events`, { token: tokens.get('tutorA') });
    expect(staffView.text).toContain('PRIVATE-NOTE-7');
  });
});

/**
 * Who may open a case: every persona kind × procedure × the trainee's roster relation. The
 * trainee of each cell is new, so no other rule (one open case) gets in the way; the roster row
 * (current, ended, or none) names mentorA as mentor and tutorA as tutor.
 */
describe('who may open a case: persona × procedure × roster relation', () => {
  type Relation = 'current' | 'ended' | 'none';
  type Opener = Exclude<Who, 'traineeA' | 'traineeB'> | 'traineeSelf' | 'otherTrainee';
  const OPENERS: readonly Opener[] = [
    'courseTeamP1',
    'courseTeamP2',
    'tutorA',
    'tutorB',
    'mentorA',
    'mentorB',
    'traineeSelf',
    'otherTrainee',
    'anonymous',
  ];
  const PROCEDURES = [
    {
      id: 'bcu-rapid-improvement-targets',
      reason: 'not_expected_progress',
      roles: { mentor: 'mentor', tutor: 'tutor' },
    },
    {
      id: 'rcttp-concern-procedures',
      reason: 'progress_towards_standards',
      roles: { mentor: 'mentor', tutor: 'partnership_tutor' },
    },
    { id: 'bright-futures-support', reason: 'concern_raised', roles: { mentor: 'mentor', tutor: 'lead' } },
  ] as const;
  /** Which roles each procedure lets raise a concern (its `raisedBy`), as roster relations. */
  const RAISES: Readonly<Record<string, { mentor: boolean; tutor: boolean; trainee: boolean }>> = {
    'bcu-rapid-improvement-targets': { mentor: true, tutor: true, trainee: false },
    'rcttp-concern-procedures': { mentor: true, tutor: true, trainee: false },
    'bright-futures-support': { mentor: true, tutor: false, trainee: true },
  };
  const RELATIONS: readonly Relation[] = ['current', 'ended', 'none'];

  function expected(who: Opener, procedureId: string, relation: Relation): number {
    if (who === 'anonymous') return 401;
    // The course team opens for any trainee of their programme: one the roster has in it, in any term.
    if (who === 'courseTeamP1') return relation === 'none' ? 422 : 201;
    const may = RAISES[procedureId];
    if (!may || relation !== 'current') return 403;
    if (who === 'mentorA') return may.mentor ? 201 : 403;
    if (who === 'tutorA') return may.tutor ? 201 : 403;
    if (who === 'traineeSelf') return may.trainee ? 201 : 403;
    return 403;
  }

  const cells = PROCEDURES.flatMap((procedure) =>
    RELATIONS.flatMap((relation) => OPENERS.map((who) => ({ procedure, relation, who }))),
  );

  it.each(cells)(
    '$who opening a $procedure.id case for a trainee with roster row: $relation',
    async ({ procedure, relation, who }) => {
      const n = String(serial++);
      const trainee = { id: `opened.${n}@students.example`, name: `Trainee ${n}` };
      if (relation !== 'none') {
        const term = relation === 'current' ? ['2026-09-01', '2027-07-16'] : ['2025-09-01', '2026-07-16'];
        const imported = await server.request('POST', '/api/placements/import', {
          token: tokens.get('courseTeamP1'),
          body: {
            rows: [
              {
                trainee_upn: trainee.id,
                trainee_name: trainee.name,
                programme: identities.courseTeamP1.programmes[0],
                school: 'Hollybank Primary',
                mentor_upns: people.mentorA.id,
                mentor_names: people.mentorA.name,
                tutor_upn: people.tutorA.id,
                tutor_name: people.tutorA.name,
                term_start: term[0],
                term_end: term[1],
              },
            ],
          },
        });
        expect(imported.body.written, imported.text.slice(0, 300)).toBe(true);
      }
      const token =
        who === 'traineeSelf'
          ? await server.tokenFor({ upn: trainee.id, name: trainee.name })
          : who === 'otherTrainee'
            ? tokens.get('traineeA')
            : tokens.get(who);
      const person = (role: string, p: { id: string; name: string }) => ({ role, id: p.id, name: p.name, email: p.id });
      const reply = await server.request('POST', '/api/cases', {
        token,
        body: {
          procedureId: procedure.id,
          reference: `OPEN-${n}`,
          reasons: [procedure.reason],
          people: [
            person('trainee', trainee),
            person(procedure.roles.mentor, people.mentorA),
            person(procedure.roles.tutor, people.tutorA),
          ],
          placement: { school: 'Hollybank Primary', programme: identities.courseTeamP1.programmes[0] },
        },
      });
      const want = expected(who, procedure.id, relation);
      expect(reply.status, reply.text.slice(0, 300)).toBe(want);
      if (want === 403) {
        expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(reply.body.detail).toMatch(/course team of the programme/);
      }
      if (want === 422) {
        expect(reply.body.code).toBe('not_on_roster');
        expect(reply.body.detail).toMatch(/Add the trainee to the placement roster of the programme first/);
      }
      if (want === 201 && who !== 'courseTeamP1') {
        // Staff and trainees: the people come from the roster row.
        const named = reply.body.people as { id: string }[];
        expect(named.map((p) => p.id).sort()).toEqual([people.mentorA.id, people.tutorA.id, trainee.id].sort());
      }
    },
  );
});

describe('token attacks on every protected route', () => {
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = (overrides: JWTPayload = {}): JWTPayload => {
    const now = Math.floor(server.now.getTime() / 1000);
    return {
      iss: issuerFor(server.keys),
      aud: server.keys.audience,
      tid: server.keys.tenantId,
      preferred_username: identities.courseTeamP1.upn,
      name: 'X',
      roles: ['Admin'],
      scp: 'access_as_user',
      iat: now,
      nbf: now,
      exp: now + 3600,
      ...overrides,
    };
  };

  it('refuses every forged, stale or misdirected token with 401 and writes nothing', async () => {
    const now = Math.floor(server.now.getTime() / 1000);
    const other = await generateKeyPair('RS256');
    const good = await server.signRaw(claims());
    const [header = '', payload = '', signature = ''] = good.split('.');
    const attacks: Record<string, string> = {
      expired: await server.signRaw(claims({ exp: now - 600, iat: now - 4200, nbf: now - 4200 })),
      'not yet valid': await server.signRaw(claims({ nbf: now + 3600 })),
      'wrong audience': await server.signRaw(claims({ aud: 'api://another-app' })),
      'wrong issuer': await server.signRaw(
        claims({ iss: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0' }),
      ),
      'wrong tenant': await server.signRaw(claims({ tid: '11111111-1111-1111-1111-111111111111' })),
      'an ID token': await server.signRaw(claims({ scp: undefined, nonce: 'abc' })),
      'another scope': await server.signRaw(claims({ scp: 'User.Read Mail.Send' })),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'HS256 with the public key': await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', kid: server.keys.kid })
        .sign(new TextEncoder().encode(JSON.stringify(server.keys.publicJwk))),
      'tampered payload': `${header}.${b64({ ...claims(), preferred_username: 'someone.else@uni.example' })}.${signature}`,
      'tampered signature': `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`,
      'missing kid': await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(other.privateKey),
      'unknown kid': await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', kid: 'not-a-key-we-publish' })
        .sign(other.privateKey),
      'our kid, another key': await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', kid: server.keys.kid })
        .sign(other.privateKey),
      'embedded jwk': await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', jwk: await exportJWK(other.publicKey) })
        .sign(other.privateKey),
    };
    // The well-formed token works, so the refusals are about the attacks.
    expect((await server.request('GET', '/api/cases/case-b', { token: good })).status).toBe(200);
    const { caseId, version } = await caseA('agreed');
    for (const [name, token] of Object.entries(attacks)) {
      for (const op of operations.filter((o) => o.secured)) {
        const route = op.template
          .replace('{caseId}', caseId)
          .replace('{panelId}', 'placement_review_panel')
          .replace('{id}', 'bcu-rapid-improvement-targets');
        const reply = await server.request(op.method, route, {
          token,
          ...(op.method === 'GET' ? {} : { body: { reason: 'x' } }),
          headers: { 'if-match': '*' },
        });
        expect(reply.status, `${name}: ${op.method} ${op.template}`).toBe(401);
        expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(reply.body.code).toBe('unauthenticated');
      }
    }
    expect((await server.repository.find(caseId))?.state.version).toBe(version);
  });
});

/**
 * Who may link a channel to a programme: every persona kind of local mode's demo people, in a
 * team channel, with the bot @mentioned as Teams sends it. Only the programme's course team (and
 * an admin) links; for everyone else nothing changes and the programme's cards have nowhere to go.
 */
describe('who may link a channel: persona × programme', () => {
  let local: LocalTrellis;
  beforeAll(async () => {
    local = await startLocal();
  });
  afterAll(async () => {
    await local.close();
  });

  const bcu = provider('bcu');
  const rcttp = provider('rcttp');
  const PERSONAS = [
    { kind: 'course team of the programme', upn: bcu.courseTeam.upn, links: true },
    { kind: 'course team of another programme', upn: rcttp.courseTeam.upn, links: false },
    { kind: 'admin', upn: ADMIN_PERSONA.upn, links: true },
    { kind: 'tutor', upn: staff(bcu, 'tutor').upn, links: false },
    { kind: 'school mentor', upn: staff(bcu, 'mentor').upn, links: false },
    { kind: 'trainee', upn: (bcu.trainees[0] ?? bcu.courseTeam).upn, links: false },
  ] as const;

  it.each(PERSONAS)('$kind', async ({ upn, links }) => {
    const channelId = `19:${upn.replace(/[^a-z]/g, '')}@thread.tacv2`;
    const before = local.running.connector.activities().length;
    const reply = await fetch(`${local.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `m-${channelId}`,
        channelId: 'msteams',
        serviceUrl: `${local.url}/dev/connector`,
        from: { id: `29:${upn}`, aadObjectId: devObjectIdOf(upn), name: upn },
        recipient: { id: '28:trellis', name: 'Trellis' },
        conversation: { id: channelId, conversationType: 'channel', tenantId: 'local' },
        channelData: { team: { id: '19:team@thread.tacv2' } },
        text: `<at>Trellis</at> use this channel for ${bcu.programme}`,
        entities: [{ type: 'mention', text: '<at>Trellis</at>', mentioned: { id: '28:trellis', name: 'Trellis' } }],
      }),
    });
    expect(reply.status).toBe(200);
    const said = JSON.stringify(local.running.connector.activities().slice(before));
    expect(said).toContain(links ? 'will come to this channel' : 'Nothing was changed');
    const { emulator } = local.running;
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: emulator.baseUrl,
      caCertPem: emulator.caCertPem,
      token: EMULATOR_APP_TOKEN,
    });
    const site = await openTrellisSite(client, emulator.siteId);
    const where = await new ConversationStore(client, site.lists.conversations).findChannel(bcu.programme);
    if (links) expect(where?.conversationId).toBe(channelId);
    else expect(where?.conversationId).not.toBe(channelId);
  });
});
