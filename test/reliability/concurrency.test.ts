/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- response bodies are JSON asserted field by field */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editPlan, editPlanInputSchema } from '../../src/domain/case/index.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { createApp } from '../../src/server/app.js';
import { createTokenVerifier } from '../../src/server/auth/verify-token.js';
import { silentLogger } from '../../src/app/logger.js';
import { GraphCaseRepository } from '../../src/store/case-repository.js';
import { GraphPlacementRoster } from '../../src/store/placements.js';
import { roleSidesOf } from '../../src/store/case-rows.js';
import { call } from './kit.js';
import { bcuPlan, caseInput, identities, people } from '../server/fixtures.js';
import { seedCase, startTestServer, type Reply, type TestServer } from '../server/harness.js';
import { keepIdleConnections } from '../../src/server/http/idle-connections.js';

/**
 * Concurrency: people acting on the same case at the same moment, each with the ETag they read.
 * Exactly one wins; every other gets 412 with the case as it now is (the winner's change in it),
 * and nothing the loser sent is stored. test/server/api.test.ts shows three plan edits racing
 * once; these cover the review, the signatures, every pair of writers and `If-Match: *`.
 */
let server: TestServer;
const tokens: Record<'tutor' | 'mentor' | 'trainee' | 'courseTeam', string> = {
  tutor: '',
  mentor: '',
  trainee: '',
  courseTeam: '',
};
const seedActor = { id: 'seed.course.team@provider.example', name: 'Seed', appRoles: ['course_team' as const] };
let serial = 0;

beforeAll(async () => {
  server = await startTestServer();
  tokens.tutor = await server.tokenFor(identities.tutorA);
  tokens.mentor = await server.tokenFor(identities.mentorA);
  tokens.trainee = await server.tokenFor(identities.traineeA);
  tokens.courseTeam = await server.tokenFor(identities.courseTeamP1);
});

afterAll(async () => {
  await server.close();
});

/** A fresh case with its plan drafted (version 4), ready to be signed. */
async function draftedCase(): Promise<string> {
  const caseId = `race-${String(serial++)}`;
  await seedCase(server, {
    caseId,
    input: caseInput('A', { reference: caseId.toUpperCase() }),
    steps: [
      (state, ctx) => editPlan(ctx(seedActor), state, editPlanInputSchema.parse({ plan: bcuPlan('2026-12-04') })),
    ],
  });
  return caseId;
}

/** A fresh case with its plan agreed (active, at stage 2). */
async function agreedCase(): Promise<{ caseId: string; etag: string }> {
  const caseId = await draftedCase();
  let etag = '"v4"';
  for (const [who, role] of [
    ['trainee', 'trainee'],
    ['mentor', 'mentor'],
  ] as const) {
    const reply = await server.request('POST', `/api/cases/${caseId}/signatures`, {
      token: tokens[who],
      body: { role, typedName: role === 'trainee' ? people.traineeA.name : people.mentorA.name },
      headers: { 'if-match': etag },
    });
    expect(reply.status).toBe(200);
    etag = reply.headers.get('etag') ?? '';
  }
  return { caseId, etag };
}

async function trail(caseId: string): Promise<{ type: string; seq: number; data: Record<string, unknown> }[]> {
  const reply = await server.request('GET', `/api/cases/${caseId}/events`, { token: tokens.courseTeam });
  expect(reply.status).toBe(200);
  return reply.body.events as { type: string; seq: number; data: Record<string, unknown> }[];
}

/** Exactly one 200; the rest 412 problems whose `current` and ETag are the winner's result. */
function oneWinner(replies: readonly Reply[]): { winner: Reply; losers: Reply[] } {
  const winners = replies.filter((r) => r.status === 200);
  const losers = replies.filter((r) => r.status !== 200);
  expect(winners, replies.map((r) => `${r.status} ${r.text.slice(0, 200)}`).join('\n')).toHaveLength(1);
  const winner = winners[0] as Reply;
  for (const loser of losers) {
    expect(loser.status, loser.text.slice(0, 300)).toBe(412);
    expect(loser.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(loser.body.code).toBe('precondition_failed');
    expect(loser.body.current.version).toBe(winner.body.version);
    expect(loser.headers.get('etag')).toBe(winner.headers.get('etag'));
  }
  return { winner, losers };
}

describe('two people at once', () => {
  it('recording the same review: one review is stored, the other reviewer sees it', async () => {
    const { caseId, etag } = await agreedCase();
    const review = (token: string, outcomeId: string, evidence: string) =>
      server.request('POST', `/api/cases/${caseId}/reviews`, {
        token,
        body: {
          progress: [
            { targetId: 'T1', rating: 'met' },
            { targetId: 'T2', rating: 'met' },
          ],
          evidence,
          outcomeId,
        },
        headers: { 'if-match': etag },
      });
    const replies = await Promise.all([
      review(tokens.mentor, 'sufficient_progress', 'mentor saw it'),
      review(tokens.tutor, 'insufficient_progress', 'tutor saw it'),
    ]);
    const { winner, losers } = oneWinner(replies);
    const winningEvidence = winner.body.reviews[0].evidence as string;
    const loser = losers[0] as Reply;
    expect(loser.body.current.reviews).toHaveLength(1);
    expect(loser.body.current.reviews[0].evidence).toBe(winningEvidence);
    const reviews = (await trail(caseId)).filter((e) => e.type === 'review_recorded');
    expect(reviews.map((e) => e.data.evidence)).toEqual([winningEvidence]);
  });

  it('signing at once: one signature lands, the other is sent again on the new ETag and agrees the plan', async () => {
    const caseId = await draftedCase();
    const sign = (who: 'trainee' | 'mentor', etag: string) =>
      server.request('POST', `/api/cases/${caseId}/signatures`, {
        token: tokens[who],
        body: { role: who, typedName: who === 'trainee' ? people.traineeA.name : people.mentorA.name },
        headers: { 'if-match': etag },
      });
    const replies = await Promise.all([sign('trainee', '"v4"'), sign('mentor', '"v4"')]);
    const { winner, losers } = oneWinner(replies);
    const loser = losers[0] as Reply;
    const signedFirst = winner.body.plan.signatures[0].role as string;
    expect(loser.body.current.plan.signatures.map((s: { role: string }) => s.role)).toEqual([signedFirst]);
    const again = await sign(signedFirst === 'trainee' ? 'mentor' : 'trainee', loser.headers.get('etag') ?? '');
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('active');
    const signatures = (await trail(caseId)).filter((e) => e.type === 'plan_signed').map((e) => e.data.role);
    expect(signatures.sort()).toEqual(['mentor', 'trainee']);
  });

  it('editing the same plan: the winner’s plan is stored, the loser’s is not, and the loser sees the winner’s', async () => {
    const caseId = await draftedCase();
    const edit = (token: string, statement: string) =>
      server.request('PUT', `/api/cases/${caseId}/plan`, {
        token,
        body: { plan: bcuPlan('2026-12-04', { concernStatement: statement }) },
        headers: { 'if-match': '"v4"' },
      });
    const replies = await Promise.all([
      edit(tokens.tutor, 'tutor’s statement'),
      edit(tokens.mentor, 'mentor’s statement'),
    ]);
    const { winner, losers } = oneWinner(replies);
    const kept = winner.body.plan.content.concernStatement as string;
    expect((losers[0] as Reply).body.current.plan.content.concernStatement).toBe(kept);
    const statements = (await trail(caseId))
      .filter((e) => e.type === 'plan_edited')
      .map((e) => (e.data.content as { concernStatement?: string }).concernStatement);
    expect(statements).toEqual(['Lessons start slowly.', kept]);
  });
});

/** Writes that are each valid on an agreed BCU case, and leave a marker in the trail. */
const WRITES = {
  extend: (marker: string) => ({
    method: 'POST',
    path: '/extension',
    token: 'tutor' as const,
    body: { reviewDate: '2026-12-08', reason: marker },
  }),
  withdraw: (marker: string) => ({
    method: 'POST',
    path: '/withdraw',
    token: 'courseTeam' as const,
    body: { reason: marker },
  }),
  review: (marker: string) => ({
    method: 'POST',
    path: '/reviews',
    token: 'mentor' as const,
    body: {
      progress: [
        { targetId: 'T1', rating: 'met' },
        { targetId: 'T2', rating: 'not_met' },
      ],
      evidence: marker,
      outcomeId: 'insufficient_progress',
    },
  }),
  close: (marker: string) => ({
    method: 'POST',
    path: '/close',
    token: 'courseTeam' as const,
    body: { reason: marker },
  }),
} as const;

describe('any number of writers on one version', () => {
  it('exactly one of 2–6 different writes lands; every other is refused with the current case and leaves no trace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...(Object.keys(WRITES) as (keyof typeof WRITES)[])), { minLength: 2, maxLength: 6 }),
        async (kinds) => {
          const { caseId, etag } = await agreedCase();
          const before = (await trail(caseId)).length;
          const markers = kinds.map((kind, i) => `${kind}-${caseId}-${String(i)}~`);
          const replies = await Promise.all(
            kinds.map((kind, i) => {
              const write = WRITES[kind](markers[i] ?? '');
              return server.request(write.method, `/api/cases/${caseId}${write.path}`, {
                token: tokens[write.token],
                body: write.body,
                headers: { 'if-match': etag },
              });
            }),
          );
          const { winner } = oneWinner(replies);
          const after = await trail(caseId);
          expect(after.length).toBe(winner.body.version);
          const added = JSON.stringify(after.slice(before));
          const stored = markers.filter((m) => added.includes(m));
          expect(stored).toEqual([markers[replies.indexOf(winner)]]);
        },
      ),
      { numRuns: 10, seed: 4242 },
    );
  });

  it('with If-Match: * nobody overwrites anybody: each write is stored or refused, never lost after a 200', async () => {
    const caseId = await draftedCase();
    const markers = Array.from({ length: 5 }, (_v, i) => `star-${String(i)}~`);
    const replies = await Promise.all(
      markers.map((m) =>
        server.request('PUT', `/api/cases/${caseId}/plan`, {
          token: tokens.tutor,
          body: { plan: bcuPlan('2026-12-04', { concernStatement: m }) },
          headers: { 'if-match': '*' },
        }),
      ),
    );
    const events = JSON.stringify(await trail(caseId));
    replies.forEach((reply, i) => {
      expect([200, 412]).toContain(reply.status);
      const marker = markers[i] ?? '';
      expect(events.split(marker).length - 1).toBe(reply.status === 200 ? 1 : 0);
    });
    expect(replies.some((r) => r.status === 200)).toBe(true);
  });
});

describe('two server instances on the same lists', () => {
  let second: Server;
  let secondUrl = '';

  beforeAll(async () => {
    // A second app with its own repository (and so its own caches) on the same SharePoint lists:
    // what two instances behind a load balancer are.
    const repository = new GraphCaseRepository(server.emulator.client, server.emulator.site, {
      roleSides: roleSidesOf(SEED_PROCEDURES),
    });
    const verifyToken = createTokenVerifier({
      keys: server.keys.jwks,
      tenantId: server.keys.tenantId,
      audiences: [server.keys.audience],
      programmes: { from: 'claim' },
      now: () => server.now,
    });
    const app = createApp({
      repository,
      placements: new GraphPlacementRoster(server.emulator.client, server.emulator.site.lists.placements),
      procedures: SEED_PROCEDURES,
      clock: () => server.now,
      verifyToken,
      config: { mode: 'local', publicUrl: 'http://localhost' },
      logger: silentLogger,
    });
    second = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => {
        resolve(keepIdleConnections(s));
      });
    });
    secondUrl = `http://127.0.0.1:${(second.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      second.close(() => {
        resolve();
      });
      second.closeAllConnections();
    });
  });

  it('writers on different instances: one wins, the other gets 412 with the winner’s change, and each instance then reads it', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { caseId, etag } = await agreedCase();
      // Both instances have read (and cached) the case at this version.
      expect((await server.request('GET', `/api/cases/${caseId}`, { token: tokens.tutor })).headers.get('etag')).toBe(
        etag,
      );
      expect((await call(secondUrl, 'GET', `/api/cases/${caseId}`, { token: tokens.tutor })).headers.get('etag')).toBe(
        etag,
      );
      const markers = [`first-${String(round)}~`, `second-${String(round)}~`];
      const replies = await Promise.all([
        server.request('POST', `/api/cases/${caseId}/extension`, {
          token: tokens.tutor,
          body: { reviewDate: '2026-12-08', reason: markers[0] },
          headers: { 'if-match': etag },
        }),
        call(secondUrl, 'POST', `/api/cases/${caseId}/extension`, {
          token: tokens.mentor,
          body: { reviewDate: '2026-12-09', reason: markers[1] },
          headers: { 'if-match': etag },
        }),
      ]);
      const { winner } = oneWinner(replies);
      const kept = markers[replies.indexOf(winner)] ?? '';
      const events = JSON.stringify(await trail(caseId));
      expect(markers.filter((m) => events.includes(m))).toEqual([kept]);
      // Neither instance serves the case as it was before the winning write.
      for (const reply of [
        await server.request('GET', `/api/cases/${caseId}`, { token: tokens.tutor }),
        await call(secondUrl, 'GET', `/api/cases/${caseId}`, { token: tokens.tutor }),
      ]) {
        expect(reply.headers.get('etag')).toBe(winner.headers.get('etag'));
      }
    }
  });
});
