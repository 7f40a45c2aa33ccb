/* eslint-disable @typescript-eslint/no-unsafe-member-access -- invoke responses are JSON asserted field by field */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devObjectIdOf } from '../../src/bot/identity.js';
import { CARD_ACTIONS } from '../../src/cards/index.js';
import { EMULATOR_APP_TOKEN } from '../../src/dev/graph-emulator/index.js';
import { openTrellisSite } from '../../src/store/case-repository.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import {
  addDays,
  bcuOpenBody,
  bcuPlanBody,
  call,
  provider,
  staff,
  startLocal,
  type LocalTrellis,
  type Reply,
  closeOpenCasesOf,
} from './kit.js';

/**
 * Hostile input on the bot (POST /api/messages, the Teams SDK request path in local mode):
 * card actions with every verb and random or stale data, from the reviewer, the trainee, a
 * stranger and an unknown Teams user; messages and message-extension queries with odd text;
 * bodies that are not activities at all. Never a 5xx, never an error response that says the
 * server failed (statusCode 500), and the case is never half-written: its version only moves
 * when a well-formed, current action from someone allowed arrives, which these never are.
 */
const BCU = provider('bcu');
let trellis: LocalTrellis;
let caseId = '';
let version = 0;

function activity(upn: string, extra: Record<string, unknown>, objectId = devObjectIdOf(upn)): Record<string, unknown> {
  return {
    channelId: 'msteams',
    serviceUrl: `${trellis.url}/dev/connector`,
    from: { id: `29:${upn}`, aadObjectId: objectId, name: upn },
    recipient: { id: '28:trellis', name: 'Trellis' },
    conversation: { id: `a:personal-${upn}`, conversationType: 'personal', tenantId: 'local' },
    id: `activity-${Math.random().toString(36).slice(2)}`,
    ...extra,
  };
}

const post = (body: unknown, raw?: string): Promise<Reply> =>
  call(
    trellis.url,
    'POST',
    '/api/messages',
    raw === undefined ? { body } : { rawBody: raw, headers: { 'content-type': 'application/json' } },
  );

async function currentVersion(): Promise<number> {
  return (await trellis.running.repository.find(caseId))?.state.version ?? -1;
}

function expectNoFailure(reply: Reply, label: string): void {
  expect(reply.status, `${label}: ${reply.text.slice(0, 300)}`).toBeLessThan(500);
  if (typeof reply.body?.statusCode === 'number')
    expect(reply.body.statusCode, `${label}: ${reply.text.slice(0, 300)}`).toBeLessThan(500);
}

beforeAll(async () => {
  trellis = await startLocal();
  const courseLeader = await trellis.signIn(BCU.courseTeam.upn);
  const trainee = BCU.trainees[3] ?? BCU.courseTeam;
  const mentor = staff(BCU, 'mentor');
  await closeOpenCasesOf(trellis, courseLeader, trainee);
  const opened = await trellis.request('POST', '/api/cases', {
    token: courseLeader,
    body: bcuOpenBody('CARD-FUZZ', { trainee, mentor, tutor: staff(BCU, 'tutor') }),
  });
  caseId = String(opened.body.id);
  let etag =
    (
      await trellis.request('PUT', `/api/cases/${caseId}/plan`, {
        token: courseLeader,
        body: bcuPlanBody(addDays(await trellis.today(), 10), 'Card fuzz.'),
        headers: { 'if-match': opened.headers.get('etag') ?? '' },
      })
    ).headers.get('etag') ?? '';
  etag =
    (
      await trellis.request('POST', `/api/cases/${caseId}/signatures`, {
        token: await trellis.signIn(trainee.upn),
        body: { role: 'trainee', typedName: trainee.name },
        headers: { 'if-match': etag },
      })
    ).headers.get('etag') ?? '';
  const agreed = await trellis.request('POST', `/api/cases/${caseId}/signatures`, {
    token: await trellis.signIn(mentor.upn),
    body: { role: 'mentor', typedName: mentor.name },
    headers: { 'if-match': etag },
  });
  expect(agreed.status).toBe(200);
  version = await currentVersion();
});

afterAll(async () => {
  await trellis.close();
});

const odd: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1e308,
    2 ** 53 + 1,
    '',
    ' ',
    '<script>x</script>',
    '${caseId}',
    'x'.repeat(9000),
    '__proto__',
  ),
  fc.integer(),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

describe('card actions on POST /api/messages', () => {
  it('every verb, random data, from anyone: never a server failure, never a write', async () => {
    const people = [
      staff(BCU, 'mentor').upn,
      (BCU.trainees[3] ?? BCU.courseTeam).upn,
      (provider('rcttp').trainees[0] ?? BCU.courseTeam).upn,
      'nobody@nowhere.example',
    ];
    const data = fc.oneof(
      // Well-formed envelopes that must be refused: a stale or future version, another case, a missing case.
      fc.record(
        {
          action: fc.constantFrom(...CARD_ACTIONS),
          caseId: fc.constantFrom(caseId, 'no-such-case', 'demo-bcu-overdue', '../x'),
          version: fc.constantFrom(version - 1, version + 7, 0),
          targetIds: fc.constant(['T1', 'T2']),
          rating_T1: fc.constantFrom('met', 'exceeded', ''),
          outcomeId: fc.constantFrom('sufficient_progress', 'nope'),
          evidence: odd,
          card: fc.constantFrom('review_form', 'other'),
          about: fc.constantFrom('concern_raised', 'x'),
          typedName: odd,
          role: fc.constantFrom('mentor', 'trainee', 'admin'),
          text: odd,
        },
        { requiredKeys: ['action', 'caseId', 'version'] },
      ),
      fc.dictionary(
        fc.constantFrom(
          'action',
          'caseId',
          'version',
          'targetIds',
          'outcomeId',
          'evidence',
          'card',
          'about',
          'typedName',
          'role',
          'text',
          'rating_T1',
          '__proto__',
        ),
        odd,
        { maxKeys: 6 },
      ),
      odd,
    );
    // The path is live: the reviewer refreshing a current review form gets the card back.
    const refresh = await post(
      activity(staff(BCU, 'mentor').upn, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: {
            type: 'Action.Execute',
            verb: 'refresh',
            data: { action: 'refresh', caseId, version, card: 'review_form' },
          },
        },
      }),
    );
    expect(refresh.status).toBe(200);
    expect(refresh.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...people),
        fc.oneof(fc.constantFrom(...CARD_ACTIONS), fc.string({ maxLength: 20 })),
        data,
        fc.boolean(),
        async (upn, verb, payload, knownObject) => {
          const value = { action: { type: 'Action.Execute', verb, data: payload } };
          const reply = await post(
            activity(
              upn,
              { type: 'invoke', name: 'adaptiveCard/action', value },
              knownObject ? devObjectIdOf(upn) : '00000000-0000-0000-0000-00000000dead',
            ),
          );
          expectNoFailure(reply, `${verb} by ${upn}`);
          expect(await currentVersion(), `${verb} by ${upn}`).toBe(version);
        },
      ),
      { numRuns: 60, seed: 606 },
    );
  }, 120_000);

  it('invokes with odd names and values, messages with odd text, bodies that are not activities', async () => {
    const upn = staff(BCU, 'mentor').upn;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            type: fc.constant('invoke'),
            name: fc.constantFrom(
              'adaptiveCard/action',
              'composeExtension/query',
              'composeExtension/selectItem',
              'composeExtension/fetchTask',
              'task/fetch',
              'signin/verifyState',
              'x',
            ),
            value: odd,
          }),
          fc.record({
            type: fc.constant('message'),
            text: fc.oneof(
              fc.string({ maxLength: 200 }),
              fc.constantFrom(
                'use this channel for <at>x</at>',
                'use this channel for ' + 'x'.repeat(300),
                '<script>alert(1)</script>',
              ),
            ),
          }),
          fc.record({ type: fc.string({ maxLength: 12 }) }),
        ),
        async (extra) => {
          const reply = await post(activity(upn, extra));
          expectNoFailure(reply, JSON.stringify(extra).slice(0, 100));
        },
      ),
      { numRuns: 40, seed: 607 },
    );
    for (const raw of [
      '',
      '{',
      'null',
      '[]',
      '"text"',
      '{"type":"invoke"}',
      JSON.stringify({ type: 'message', text: 'x'.repeat(2_000_000) }),
    ]) {
      expectNoFailure(await post(undefined, raw), raw.slice(0, 30));
    }
    expect(await currentVersion()).toBe(version);
  }, 120_000);

  it('someone not on the case gets the same answer as for a case that does not exist', async () => {
    const stranger = (provider('rcttp').trainees[0] ?? BCU.courseTeam).upn;
    for (const verb of CARD_ACTIONS) {
      const ask = (id: string) =>
        post(
          activity(stranger, {
            type: 'invoke',
            name: 'adaptiveCard/action',
            value: {
              action: {
                type: 'Action.Execute',
                verb,
                data: { action: verb, caseId: id, version, card: 'review_form' },
              },
            },
          }),
        );
      const hidden = await ask(caseId);
      const missing = await ask('no-such-case');
      expectNoFailure(hidden, verb);
      expect(hidden.status, verb).toBe(missing.status);
      expect(hidden.text.split(caseId).join('<id>'), verb).toBe(missing.text.split('no-such-case').join('<id>'));
    }
    expect(await currentVersion()).toBe(version);
  });

  it('a review from the card and one from the tab at the same moment: exactly one is stored, the other person sees it', async () => {
    const mentor = staff(BCU, 'mentor');
    const tutorToken = await trellis.signIn(staff(BCU, 'tutor').upn);
    const at = await currentVersion();
    const [fromCard, fromTab] = await Promise.all([
      post(
        activity(mentor.upn, {
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: {
            action: {
              type: 'Action.Execute',
              verb: 'record_review',
              data: {
                action: 'record_review',
                caseId,
                version: at,
                targetIds: ['T1', 'T2'],
                rating_T1: 'met',
                rating_T2: 'met',
                evidence: 'card evidence~',
                outcomeId: 'sufficient_progress',
                // The closing outcome confirmed (the card's second step).
                confirmClose: true,
              },
            },
          },
        }),
      ),
      trellis.request('POST', `/api/cases/${caseId}/reviews`, {
        token: tutorToken,
        body: {
          progress: [
            { targetId: 'T1', rating: 'met' },
            { targetId: 'T2', rating: 'met' },
          ],
          evidence: 'tab evidence~',
          outcomeId: 'sufficient_progress',
        },
        headers: { 'if-match': `"v${at}"` },
      }),
    ]);
    expectNoFailure(fromCard, 'card');
    expect([200, 412]).toContain(fromTab.status);
    const stored = await trellis.running.repository.find(caseId);
    const reviews = (stored?.events ?? []).filter((e) => e.type === 'review_recorded');
    expect(reviews).toHaveLength(1);
    const winner = JSON.stringify(reviews[0]).includes('tab evidence~') ? 'tab' : 'card';
    if (winner === 'tab') {
      expect(fromTab.status).toBe(200);
      // The card lost: it is answered with the case as it now is, not an error and not a second review.
      expect(fromCard.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    } else {
      expect(fromTab.status).toBe(412);
      expect(fromTab.body.current.reviews[0].evidence).toBe('card evidence~');
    }
  }, 60_000);

  // Found by this suite and fixed: when the review's event is stored but a projection row stays
  // throttled, the card used to answer "Nothing was saved; try again".
  it('a card whose review was stored never says nothing was saved', async () => {
    const courseLeader = await trellis.signIn(BCU.courseTeam.upn);
    const trainee = BCU.trainees[2] ?? BCU.courseTeam;
    const mentor = staff(BCU, 'mentor');
    await closeOpenCasesOf(trellis, courseLeader, trainee);
    const opened = await trellis.request('POST', '/api/cases', {
      token: courseLeader,
      body: bcuOpenBody('CARD-THROTTLED', { trainee, mentor, tutor: staff(BCU, 'tutor') }),
    });
    const id = String(opened.body.id);
    let etag =
      (
        await trellis.request('PUT', `/api/cases/${id}/plan`, {
          token: courseLeader,
          body: bcuPlanBody(addDays(await trellis.today(), 10), 'Card throttled.'),
          headers: { 'if-match': opened.headers.get('etag') ?? '' },
        })
      ).headers.get('etag') ?? '';
    etag =
      (
        await trellis.request('POST', `/api/cases/${id}/signatures`, {
          token: await trellis.signIn(trainee.upn),
          body: { role: 'trainee', typedName: trainee.name },
          headers: { 'if-match': etag },
        })
      ).headers.get('etag') ?? '';
    const agreed = await trellis.request('POST', `/api/cases/${id}/signatures`, {
      token: await trellis.signIn(mentor.upn),
      body: { role: 'mentor', typedName: mentor.name },
      headers: { 'if-match': etag },
    });
    expect(agreed.status).toBe(200);
    const at = Number(agreed.body.version);
    const emulator = trellis.running.emulator;
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: emulator.baseUrl,
      caCertPem: emulator.caCertPem,
      token: EMULATOR_APP_TOKEN,
    });
    const reviews = (await openTrellisSite(client, emulator.siteId)).lists.reviews.listId;
    emulator.setFaults({
      rules: [
        {
          name: 'reviews-throttled',
          kind: 'fail',
          status: 429,
          retryAfterSeconds: 120,
          method: 'POST',
          path: `sites/*/lists/${reviews}/items`,
          times: 2,
        },
      ],
    });
    let answer: Reply;
    try {
      answer = await post(
        activity(mentor.upn, {
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: {
            action: {
              type: 'Action.Execute',
              verb: 'record_review',
              data: {
                action: 'record_review',
                caseId: id,
                version: at,
                targetIds: ['T1', 'T2'],
                rating_T1: 'met',
                rating_T2: 'met',
                evidence: 'stored~',
                outcomeId: 'sufficient_progress',
                confirmClose: true,
              },
            },
          },
        }),
      );
    } finally {
      emulator.setFaults({});
    }
    const stored = await trellis.running.repository.find(id);
    expect(stored?.events.some((e) => e.type === 'review_recorded')).toBe(true);
    expect(answer.text).not.toMatch(/Nothing was saved/i);
  }, 60_000);

  it('logged no unexpected error', () => {
    expect(trellis.logger.lines.filter((l) => l.level === 'error' && /unexpected|unhandled/i.test(l.message))).toEqual(
      [],
    );
  });
});
