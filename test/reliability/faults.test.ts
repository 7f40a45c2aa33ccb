/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- response bodies are JSON read field by field */
import { sweepThroughApi } from '../support/sweep-job.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_APP_TOKEN } from '../../src/dev/graph-emulator/index.js';
import { openTrellisSite } from '../../src/store/case-repository.js';
import { createGraphClient } from '../../src/store/graph/client.js';
import {
  addDays,
  bcuOpenBody,
  bcuPlanBody,
  seeded,
  staff,
  startLocal,
  type LocalTrellis,
  closeOpenCasesOf,
} from './kit.js';
import { BCU, createWorkload, ledgerProblems, readTrails, twentyUsers, type User } from './workload.js';

/**
 * Faults: local mode (the `npm start` wiring) with the Graph emulator throttling and failing
 * 12–18% of requests — some writes applied and then reported failed — and adding latency,
 * while 20 people work through the REST API at once and the course leader runs the review sweep
 * over and over. Afterwards every change a client was told succeeded is stored exactly once, no
 * other change twice, every trail replays, the only server errors are 503 with Retry-After, and
 * no notification is mailed twice. The cases after it pin single faults down deterministically,
 * each a bug this suite found and that is now fixed.
 */
const STEPS_PER_USER = 50;

let trellis: LocalTrellis;

const repeated = (values: readonly string[]): string[] => [
  ...new Set(values.filter((v, i) => values.indexOf(v) !== i)),
];

beforeAll(async () => {
  trellis = await startLocal();
}, 120_000);

afterAll(async () => {
  await trellis.close();
});

describe('20 people working while Graph throttles and fails', () => {
  it('stores every acknowledged change exactly once and never answers 5xx but 503 with Retry-After', async () => {
    const users: User[] = [];
    for (const user of twentyUsers()) users.push({ ...user, token: await trellis.signIn(user.upn) });
    expect(new Set(users.map((u) => u.upn)).size).toBe(20);
    const workload = createWorkload(
      (method, route, options) => trellis.request(method, route, options),
      await trellis.today(),
      seeded(20261123),
    );
    const emulator = trellis.running.emulator;
    const { outbox: _outbox, ...lists } = (
      await openTrellisSite(
        createGraphClient({
          kind: 'custom',
          baseUrl: emulator.baseUrl,
          caCertPem: emulator.caCertPem,
          token: EMULATOR_APP_TOKEN,
        }),
        emulator.siteId,
      )
    ).lists;
    const caseLists = Object.values(lists).map((l) => l.listId);

    trellis.running.emulator.resetCounters();
    trellis.running.emulator.setFaults({
      rules: [
        { name: 'slow', kind: 'latency', latencyMs: 15, rate: 0.2 },
        { name: 'throttled', kind: 'fail', status: 429, rate: 0.07, retryAfterSeconds: 0 },
        // Longer than the client sleeps through: the request fails over to the caller as 503.
        ...caseLists.map((listId) => ({
          name: 'throttled-for-long',
          kind: 'fail' as const,
          status: 429 as const,
          rate: 0.02,
          retryAfterSeconds: 120,
          path: `sites/*/lists/${listId}/**`,
        })),
        { name: 'unavailable', kind: 'fail', status: 503, rate: 0.04, retryAfterSeconds: 0 },
        // Writes to the lists (directly or in a $batch) applied, then reported failed.
        {
          name: 'applied-then-timed-out',
          kind: 'applyThenFail',
          status: 504,
          rate: 0.05,
          method: ['POST', 'PATCH'],
          path: 'sites/**',
          retryAfterSeconds: 0,
        },
        {
          name: 'batch-applied-then-timed-out',
          kind: 'applyThenFail',
          status: 504,
          rate: 0.05,
          method: 'POST',
          path: '$batch',
          retryAfterSeconds: 0,
        },
      ],
    });
    // The course leader also runs the review sweep, again and again, while the others work.
    const sweepStatuses: string[] = [];
    const run = { working: true };
    const sweeper = users.find((u) => u.kind === 'courseTeam')?.token ?? '';
    const sweeping = (async () => {
      while (run.working) {
        const swept = await sweepThroughApi((m, r, o) => trellis.request(m, r, o), sweeper);
        sweepStatuses.push(
          swept.status === 503 && swept.headers.get('retry-after') !== null
            ? '503 with Retry-After'
            : `${String(swept.status)} ${String(swept.body?.state)}`,
        );
      }
    })();
    await Promise.all(
      users.map(async (user) => {
        while (user.steps < STEPS_PER_USER) await workload.step(user);
      }),
    );
    run.working = false;
    await sweeping;
    // Notifications the commands started finish under the same faults.
    await trellis.running.notifications.background.idle();
    const injected = trellis.running.emulator.inspect().counters.faultsInjected;
    trellis.running.emulator.setFaults({});

    // The run did real work under real faults.
    expect(injected).toBeGreaterThan(30);
    const acknowledged = workload.ledger.acknowledged();
    for (const kind of ['open', 'plan', 'sign', 'perceptions', 'extend', 'review'] as const) {
      expect(acknowledged.filter((a) => a.kind === kind).length, kind).toBeGreaterThan(0);
    }
    expect(acknowledged.length, JSON.stringify(workload.ledger.summary())).toBeGreaterThan(60);
    // Some requests did fail over to the client, as 503 with Retry-After.
    expect(workload.ledger.statuses.get(503) ?? 0).toBeGreaterThan(0);

    // Only 503 with Retry-After, never another server error, and nothing logged as unexpected.
    // (A notification whose delivery the faults stopped is logged as an error for the sweep to finish; that is expected.)
    expect(
      trellis.logger.lines.filter(
        (l) => l.level === 'error' && l.message !== 'notification delivery stopped; the sweep will finish it',
      ),
    ).toEqual([]);
    expect(workload.board.badServerErrors).toEqual([]);
    expect(sweepStatuses.length).toBeGreaterThan(0);
    // A sweep either finished or failed with a reason (Graph throttled it); never anything else.
    expect(sweepStatuses.filter((s) => !['200 succeeded', '200 failed', '503 with Retry-After'].includes(s))).toEqual(
      [],
    );

    const courseLeader = await trellis.signIn(BCU.courseTeam.upn);
    const references = new Map<string, number>();
    for (const attempt of workload.ledger.attempts.filter((a) => a.kind === 'open' && a.marker !== undefined)) {
      const marker = attempt.marker ?? '';
      const found = await trellis.request('GET', `/api/cases?search=${encodeURIComponent(marker)}&limit=50`, {
        token: courseLeader,
      });
      expect(found.status).toBe(200);
      const matches = (found.body.items as { id: string; reference: string }[]).filter((c) => c.reference === marker);
      references.set(marker, matches.length);
      for (const match of matches) workload.ledger.caseIds.add(match.id);
    }
    const trails = await readTrails(
      (method, route, options) => trellis.request(method, route, options),
      courseLeader,
      workload.ledger.caseIds,
    );
    const problems = ledgerProblems(workload.ledger, trails, references);
    if (problems.length > 0)
      for (const [id, t] of trails.byCase)
        console.log(id, JSON.stringify(t.map((e) => [e.seq, e.type, JSON.stringify(e.data).slice(0, 60)])));
    expect(problems).toEqual([]);
    expect((await trellis.request('GET', '/api/health')).status).toBe(200);

    // Every notification sent at most once: one mail per notification key, one event per transaction.
    const sent = trellis.running.emulator.inspect();
    const mailKeys = sent.mails.flatMap((m) =>
      m.internetMessageHeaders.filter((h) => h.name.toLowerCase() === 'x-trellis-key').map((h) => h.value),
    );
    expect(mailKeys.length, 'mails were sent during the run').toBeGreaterThan(0);
    expect(repeated(mailKeys)).toEqual([]);
    expect(
      repeated(
        sent.events.flatMap((e) =>
          typeof e.event.transactionId === 'string' ? [`${e.mailbox} ${e.event.transactionId}`] : [],
        ),
      ),
    ).toEqual([]);
  }, 240_000);

  /** A drafted case whose trainee signature meets a signatures-list write throttled twice for longer than anyone waits. */
  async function throttledSignature(reference: string) {
    const courseLeader = await trellis.signIn(BCU.courseTeam.upn);
    const trainee = BCU.trainees[4] ?? BCU.courseTeam;
    await closeOpenCasesOf(trellis, courseLeader, trainee);
    const opened = await trellis.request('POST', '/api/cases', {
      token: courseLeader,
      body: bcuOpenBody(reference, { trainee, mentor: staff(BCU, 'mentor'), tutor: staff(BCU, 'tutor') }),
    });
    const id = String(opened.body.id);
    const drafted = await trellis.request('PUT', `/api/cases/${id}/plan`, {
      token: courseLeader,
      body: bcuPlanBody(addDays(await trellis.today(), 10), reference),
      headers: { 'if-match': opened.headers.get('etag') ?? '' },
    });
    expect(drafted.status).toBe(200);
    const emulator = trellis.running.emulator;
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: emulator.baseUrl,
      caCertPem: emulator.caCertPem,
      token: EMULATOR_APP_TOKEN,
    });
    const signatures = (await openTrellisSite(client, emulator.siteId)).lists.signatures.listId;
    // The signature row is throttled in the $batch and again when written directly.
    emulator.setFaults({
      rules: [
        {
          name: 'signatures-throttled',
          kind: 'fail',
          status: 429,
          retryAfterSeconds: 120,
          method: 'POST',
          path: `sites/*/lists/${signatures}/items`,
          times: 2,
        },
      ],
    });
    const traineeToken = await trellis.signIn(trainee.upn);
    const signed = await trellis.request('POST', `/api/cases/${id}/signatures`, {
      token: traineeToken,
      body: { role: 'trainee', typedName: trainee.name },
      headers: { 'if-match': drafted.headers.get('etag') ?? '' },
    });
    emulator.setFaults({});
    const signatureRows = async (): Promise<string[]> => {
      const rows = (await client.api(`/sites/${emulator.siteId}/lists/${signatures}/items?expand=fields`).get()) as {
        value: { fields: { CaseId?: string; Role?: string } }[];
      };
      return rows.value.filter((r) => r.fields.CaseId === id).map((r) => String(r.fields.Role));
    };
    return { id, trainee, traineeToken, drafted, signed, signatureRows };
  }

  it('a projection row still throttled when it is written again answers 503 with Retry-After, and the change is in the trail', async () => {
    const { id, trainee, traineeToken, drafted, signed } = await throttledSignature('THROTTLED-PROJECTION');
    expect(signed.status, signed.text).toBe(503);
    expect(signed.headers.get('retry-after')).toBe('120');
    expect(signed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The signature itself is in the trail: the next read shows it (not the case as cached before
    // the write), and sent again on the old ETag, the trainee is shown it with a 412.
    const read = await trellis.request('GET', `/api/cases/${id}`, { token: traineeToken });
    expect(read.body.plan.signatures.map((s: { role: string }) => s.role)).toEqual(['trainee']);
    const again = await trellis.request('POST', `/api/cases/${id}/signatures`, {
      token: traineeToken,
      body: { role: 'trainee', typedName: trainee.name },
      headers: { 'if-match': drafted.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(412);
    expect(again.body.current.plan.signatures.map((s: { role: string }) => s.role)).toEqual(['trainee']);
  }, 60_000);

  // Found by this suite and fixed: when a projection row (here the Signatures list row) stayed
  // throttled, the request answered 503 with the event stored and nothing wrote that row later,
  // so Microsoft Lists and Power BI never showed the trainee's signature. Now the case row, which
  // moves only once a write's projection rows are in, lags the trail; the next write of the case
  // writes the missing rows again (they are keyed, so rows already there are skipped).
  it('the next write of a case writes the Signatures row of a signature whose projection write stayed throttled', async () => {
    const { id, signed, signatureRows } = await throttledSignature('THROTTLED-PROJECTION-2');
    expect(signed.status).toBe(503);
    const mentor = staff(BCU, 'mentor');
    const current = await trellis.request('GET', `/api/cases/${id}`, { token: await trellis.signIn(mentor.upn) });
    const agreed = await trellis.request('POST', `/api/cases/${id}/signatures`, {
      token: await trellis.signIn(mentor.upn),
      body: { role: 'mentor', typedName: mentor.name },
      headers: { 'if-match': current.headers.get('etag') ?? '' },
    });
    expect(agreed.status).toBe(200);
    expect((await signatureRows()).sort()).toEqual(['mentor', 'trainee']);
  }, 60_000);

  // Found by this suite and fixed: the sweep answered 500 when the outbox list was throttled.
  it('a review sweep over a throttled outbox list fails with a reason to try later, nothing lost', async () => {
    const courseLeader = await trellis.signIn(BCU.courseTeam.upn);
    const emulator = trellis.running.emulator;
    const client = createGraphClient({
      kind: 'custom',
      baseUrl: emulator.baseUrl,
      caCertPem: emulator.caCertPem,
      token: EMULATOR_APP_TOKEN,
    });
    const outbox = (await openTrellisSite(client, emulator.siteId)).lists.outbox.listId;
    emulator.setFaults({
      rules: [
        {
          name: 'outbox-throttled',
          kind: 'fail',
          status: 429,
          retryAfterSeconds: 120,
          path: `sites/*/lists/${outbox}/**`,
        },
      ],
    });
    try {
      const swept = await sweepThroughApi((m, r, o) => trellis.request(m, r, o), courseLeader);
      expect(swept.status, swept.text.slice(0, 200)).toBe(200);
      expect(swept.body).toMatchObject({ state: 'failed' });
      expect(String(swept.body.error)).toMatch(/Nothing was lost/);
    } finally {
      emulator.setFaults({});
    }
  }, 60_000);

  // Found by this suite and fixed: sendMail is not idempotent, and the client's retry handler
  // re-sent a POST that timed out (504) after the mail had gone. Now only 429/503 are retried and
  // an ambiguous failure is marked "possibly sent" for the course team.
  it('a mail that was sent but reported as timed out is not sent again', async () => {
    const courseLeader = await trellis.signIn(BCU.courseTeam.upn);
    const trainee = BCU.trainees[5] ?? BCU.courseTeam;
    const mentor = staff(BCU, 'mentor', 1);
    await closeOpenCasesOf(trellis, courseLeader, trainee);
    const opened = await trellis.request('POST', '/api/cases', {
      token: courseLeader,
      body: bcuOpenBody('MAIL-TWICE', { trainee, mentor, tutor: staff(BCU, 'tutor', 1) }),
    });
    expect(opened.status).toBe(201);
    const id = String(opened.body.id);
    let etag =
      (
        await trellis.request('PUT', `/api/cases/${id}/plan`, {
          token: courseLeader,
          body: bcuPlanBody(addDays(await trellis.today(), 10), 'Mail twice?'),
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
    await trellis.running.notifications.background.idle();
    const before = trellis.running.emulator.inspect().mails.length;
    trellis.running.emulator.setFaults({
      rules: [
        {
          name: 'sent-then-timed-out',
          kind: 'applyThenFail',
          status: 504,
          method: 'POST',
          path: 'users/*/sendMail',
          times: 1,
          retryAfterSeconds: 0,
        },
      ],
    });
    const agreed = await trellis.request('POST', `/api/cases/${id}/signatures`, {
      token: await trellis.signIn(mentor.upn),
      body: { role: 'mentor', typedName: mentor.name },
      headers: { 'if-match': etag },
    });
    expect(agreed.status).toBe(200);
    await trellis.running.notifications.background.idle();
    trellis.running.emulator.setFaults({});
    const mails = trellis.running.emulator.inspect().mails.slice(before);
    expect(mails.length).toBeGreaterThan(0);
    const keys = mails.flatMap((m) =>
      m.internetMessageHeaders.filter((h) => h.name.toLowerCase() === 'x-trellis-key').map((h) => h.value),
    );
    expect(repeated(keys)).toEqual([]);
  }, 60_000);
});
