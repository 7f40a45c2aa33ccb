/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are JSON asserted field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { closeCase } from '../../src/domain/case/commands/close-case.js';
import type { Actor } from '../../src/domain/case/types.js';
import { caseInput, identities } from './fixtures.js';
import { seedCase, startTestServer, TEST_JOB_KEY, type Reply, type TestServer } from './harness.js';

/**
 * Retention and erasure through the API: who may, what a dry run answers, a run, an erasure,
 * and the reports still counting what was removed. The removal itself (every list, calendar
 * events, a run cut short) is tested over the store in test/data-protection.
 */

let server: TestServer;
let admin: string;
let courseTeam: string;
const courseLead: Actor = { id: 'lead@uni.example', name: 'Lead', appRoles: ['course_team'] };

beforeAll(async () => {
  server = await startTestServer();
  await seedCase(server, {
    caseId: 'old-closed',
    input: caseInput('A', { reference: 'OLD-1' }),
    steps: [(state, ctx) => closeCase(ctx(courseLead), state, { reason: 'Targets met' })],
  });
  await seedCase(server, { caseId: 'still-open', input: caseInput('B', { reference: 'OPEN-1' }) });
  // Six years and a few weeks on: the closed case's time is up under the default policy.
  server.now = londonInstantAt(parseLocalDate('2033-01-04'), 10, 0);
  admin = await server.tokenFor(identities.admin);
  courseTeam = await server.tokenFor(identities.courseTeamP1);
});

afterAll(async () => {
  await server.close();
});

async function retentionRun(body: unknown): Promise<Reply> {
  const started = await server.request('POST', '/api/jobs/retention', { token: admin, body });
  expect(started.status).toBe(202);
  const href = String(started.body.href);
  expect(started.headers.get('location')).toBe(href);
  let reply = started;
  while (reply.body.state === 'running') reply = await server.request('GET', href, { token: admin });
  expect(reply.body).toMatchObject({ kind: 'retention', state: 'succeeded' });
  return reply;
}

describe('POST /api/jobs/retention', () => {
  it('is for administrators, with a body it can read', async () => {
    expect((await server.request('POST', '/api/jobs/retention', { body: { dryRun: true } })).status).toBe(401);
    const refused = await server.request('POST', '/api/jobs/retention', { token: courseTeam, body: { dryRun: true } });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('administrators');
    const bad = await server.request('POST', '/api/jobs/retention', { token: admin, body: { dryRun: 'yes' } });
    expect(bad.status).toBe(400);
    const wrongKey = await server.request('POST', '/api/jobs/retention', {
      headers: { 'x-trellis-job-key': 'x'.repeat(40) },
      body: { dryRun: true },
    });
    expect(wrongKey.status).toBe(403);
  });

  it('is started by an external scheduler with the job key', async () => {
    const started = await server.request('POST', '/api/jobs/retention', {
      headers: { 'x-trellis-job-key': TEST_JOB_KEY },
      body: { dryRun: true },
    });
    expect(started.status).toBe(202);
    let job = started;
    while (job.body.state === 'running')
      job = await server.request('GET', String(started.body.href), { headers: { 'x-trellis-job-key': TEST_JOB_KEY } });
    expect(job.body).toMatchObject({ kind: 'retention', state: 'succeeded', result: { dryRun: true, due: 1 } });
  });

  it('in a dry run names what would go and why; then a run removes it, and the reports still count it', async () => {
    const dry = await retentionRun({ dryRun: true });
    expect(dry.body.result).toMatchObject({ dryRun: true, due: 1, removed: 0 });
    expect(dry.body.result.cases).toEqual([
      expect.objectContaining({
        caseId: 'old-closed',
        reference: 'OLD-1',
        closedOn: '2026-11-23',
        dueOn: '2032-11-23',
        action: 'delete',
        policy: '6 years after the case closed, then delete',
      }),
    ]);
    const peek = await server.request('GET', `/api/jobs/${String(dry.body.id)}`, { token: courseTeam });
    expect(peek.status).toBe(403);
    expect((await server.request('GET', '/api/cases/old-closed', { token: admin })).status).toBe(200);

    const done = await retentionRun({});
    expect(done.body.result).toMatchObject({ dryRun: false, due: 1, removed: 1 });
    expect((await server.request('GET', '/api/cases/old-closed', { token: admin })).status).toBe(404);
    expect((await server.request('GET', '/api/cases/still-open', { token: admin })).status).toBe(200);

    const report = await server.request('GET', '/api/reports', { token: admin });
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({ cases: 2, open: 1, closed: 1, removed: 1 });
    expect(report.body.closedByMonth).toEqual([{ month: '2026-11', count: 1 }]);
  });
});

describe('POST /api/cases/{caseId}/erase', () => {
  it('erases a case for an administrator, with a reason, and answers its tombstone', async () => {
    const refused = await server.request('POST', '/api/cases/still-open/erase', {
      token: courseTeam,
      body: { reason: 'Request of 2 January' },
    });
    expect(refused.status).toBe(403);
    const noReason = await server.request('POST', '/api/cases/still-open/erase', { token: admin, body: {} });
    expect(noReason.status).toBe(400);
    const erased = await server.request('POST', '/api/cases/still-open/erase', {
      token: admin,
      body: { reason: 'Request of 2 January' },
    });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      caseId: 'still-open',
      action: 'erase',
      state: 'removed',
      requestedBy: 'admin@uni.example',
      reason: 'Request of 2 January',
    });
    expect(erased.body.closedOn).toBeUndefined();
    expect((await server.request('GET', '/api/cases/still-open', { token: admin })).status).toBe(404);
    const missing = await server.request('POST', '/api/cases/no-such/erase', { token: admin, body: { reason: 'x' } });
    expect(missing.status).toBe(404);
  });
});
