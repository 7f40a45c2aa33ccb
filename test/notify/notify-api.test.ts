/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- response bodies are JSON asserted field by field */
import { sweepThroughApi } from '../support/sweep-job.js';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { replay } from '../../src/domain/case/index.js';
import { bcuRapidImprovementTargets as bcu } from '../../src/domain/procedures/index.js';
import type { CaseDriver } from '../../src/domain/case/testing.js';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import type { Notification } from '../../src/notify/notification.js';
import { silentLogger } from '../../src/app/logger.js';
import { bcuPlan, caseInput, P1, people } from '../server/fixtures.js';
import { draftPlan, open, signAll } from './kit.js';
import { sign } from '../../src/domain/procedures/walks/walk-kit.js';
import { rosterFor } from '../server/harness.js';
import { PINNED_NOW, seededDataDir } from '../support/local-mode-seeds.js';

/**
 * Notifications wired end to end in local mode (the real composition root): commands over REST
 * deliver in the background; the sweep recovers what a crash lost and sends review cards; the
 * course team lists and retries failures; the form PDF downloads with the case's access rules.
 */

let dataDir: string;
let local: RunningLocalMode;
// The seed's clock: the copy local mode starts from was loaded on this day.
const realNow = PINNED_NOW;

const who = {
  courseTeam: { upn: 'course.lead@uni.example', name: 'Mark Whitfield', roles: ['CourseTeam'], programmes: [P1] },
  otherCourseTeam: {
    upn: 'other.lead@uni.example',
    name: 'Olive Lead',
    roles: ['CourseTeam'],
    programmes: ['PGCE Secondary 2026/27'],
  },
  trainee: { upn: people.traineeA.id, name: people.traineeA.name, roles: [] },
  mentor: { upn: people.mentorA.id, name: people.mentorA.name, roles: [] },
  stranger: { upn: 'someone.else@uni.example', name: 'Someone Else', roles: [] },
} as const;

const token = (identity: (typeof who)[keyof typeof who]): Promise<string> => local.keys.sign(identity, realNow());

async function call(
  method: string,
  route: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${local.url}${route}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = Buffer.from(bytes).toString('utf8');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body, bytes, headers: response.headers };
}

const mailKeys = (): string[] =>
  local.emulator
    .inspect()
    .mails.map((m) => m.internetMessageHeaders.find((h) => h.name === 'x-trellis-key')?.value ?? '?');

/** A case stored straight through the repository, as if the process died after the append: no notifications went out. */
async function storeWithoutNotifying(c: CaseDriver): Promise<void> {
  const first = c.events[0];
  if (!first) throw new Error('fixture');
  const opened = c.events.filter((e) => e.at === first.at && e.actorId === first.actorId);
  const stored = await local.repository.create({ state: replay(opened), events: opened });
  const remaining = c.events.filter((e) => !opened.includes(e));
  if (remaining.length > 0) await local.repository.append(stored, { state: c.state, events: remaining });
}

beforeAll(async () => {
  dataDir = await seededDataDir('trellis-notify', 'pinned');
  local = await startLocalMode({
    dataDir,
    port: 0,
    durability: 'none',
    logger: silentLogger,
    realNow,
    schedule: false,
  });
  // The fixture trainee is no demo trainee: on the roster of the fixture's programme, so the course team may open the case.
  await rosterFor(local.placements, caseInput('A'));
});

afterAll(async () => {
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('after a command over REST', () => {
  it('answers first, then delivers the plan-agreed email (with the form PDF) and the calendar event once', async () => {
    const courseTeam = await token(who.courseTeam);
    const opened = await call('POST', '/api/cases', {
      token: courseTeam,
      body: { procedureId: 'bcu-rapid-improvement-targets', ...caseInput('A', { reference: 'RIT-NOTIFY' }) },
    });
    expect(opened.status).toBe(201);
    const caseId = opened.body.id as string;
    let etag = opened.headers.get('etag') ?? '';
    const plan = await call('PUT', `/api/cases/${caseId}/plan`, {
      token: courseTeam,
      body: { plan: bcuPlan('2026-12-04') },
      headers: { 'if-match': etag },
    });
    expect(plan.status).toBe(200);
    etag = plan.headers.get('etag') ?? '';
    for (const [identity, role] of [
      [who.trainee, 'trainee'],
      [who.mentor, 'mentor'],
    ] as const) {
      const signed = await call('POST', `/api/cases/${caseId}/signatures`, {
        token: await token(identity),
        body: { role, typedName: identity.name },
        headers: { 'if-match': etag },
      });
      expect(signed.status).toBe(200);
      etag = signed.headers.get('etag') ?? '';
    }
    await local.notifications.background.idle();
    const mails = local.emulator.inspect().mails.filter((m) => m.subject.startsWith('RIT-NOTIFY'));
    const toCourse = mails.find(
      (m) => m.toRecipients.includes('course.team@bcu.example') && m.subject.includes('plan agreed'),
    );
    expect(toCourse?.attachments.map((a) => a.name)).toEqual(['RIT-NOTIFY-form-v1.pdf']);
    expect(
      Buffer.from(toCourse?.attachments[0]?.contentBytes ?? '', 'base64')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(
      local.emulator
        .inspect()
        .mails.some((m) => m.toRecipients.includes(people.traineeA.email) && /has been agreed/.test(m.subject)),
    ).toBe(true);
    const events = local.emulator.inspect().events.filter((e) => String(e.event.transactionId).includes(caseId));
    expect(events).toHaveLength(1);
    expect(events[0]?.mailbox.toLowerCase()).toBe(people.tutorA.email);
    // Each email once.
    const keys = mailKeys();
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('POST /api/jobs/review-sweep', () => {
  it('is for the course team (or a job key): 401 without a token, 403 for others', async () => {
    expect((await call('POST', '/api/jobs/review-sweep')).status).toBe(401);
    const mentor = await call('POST', '/api/jobs/review-sweep', { token: await token(who.mentor) });
    expect(mentor.status).toBe(403);
    expect(mentor.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(mentor.body.detail).toMatch(/course team/);
    const wrongKey = await call('POST', '/api/jobs/review-sweep', { headers: { 'x-trellis-job-key': 'x'.repeat(40) } });
    expect(wrongKey.status).toBe(403);
    expect((await call('GET', '/api/jobs/review-sweep', { token: await token(who.courseTeam) })).status).toBe(405);
  });

  it('recovers what a crash between append and delivery lost, sends review cards, and a second run sends nothing new', async () => {
    // Agreed on Friday 13 November, review due today (Monday 23rd): stored without notifications.
    const c = open(bcu, ['trainee', 'mentor', 'tutor'], '2026-11-20');
    draftPlan(c, {
      reviewDate: parseLocalDate('2026-11-23'),
      meeting: { heldOn: parseLocalDate('2026-11-20'), attendees: ['trainee', 'mentor'], placementConcern: false },
    });
    signAll(c);
    await storeWithoutNotifying(c);
    const before = new Set(mailKeys());
    local.emulator.resetCounters();
    const started = await call('POST', '/api/jobs/review-sweep', { token: await token(who.courseTeam) });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'review-sweep', state: 'running' });
    expect(started.headers.get('location')).toBe(started.body.href);
    // Asking again while it runs answers the same job: a sweep never overlaps itself.
    const again = await call('POST', '/api/jobs/review-sweep', { token: await token(who.courseTeam) });
    expect(again.body.id).toBe(started.body.id);
    const first = await sweepThroughApi(call, await token(who.courseTeam));
    const firstUnits = local.emulator.inspect().counters.resourceUnits;
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: started.body.id, state: 'succeeded', result: { today: '2026-11-23' } });
    expect(first.body.result.recovered).toBeGreaterThan(0);
    expect(first.body.result.dueCases).toBeGreaterThan(0);
    const recoveredMails = mailKeys().filter((k) => !before.has(k) && k.startsWith('case-1:'));
    expect(recoveredMails.some((k) => k.includes(':plan_agreed:email:mailbox:course.team@bcu.example'))).toBe(true);
    const keys = await local.notifications.outbox.storedKeys('case-1');
    expect([...keys].filter((k) => k.includes(':review_due_today:') || k.includes(':email:due:')).sort()).toEqual([
      'case-1:review:2026-11-23:stage_2:email:due:mentor@provider.test',
      'case-1:review:2026-11-23:stage_2:email:due:tutor@provider.test',
      'case-1:review:2026-11-23:stage_2:review_due_today:mentor@provider.test',
      'case-1:review:2026-11-23:stage_2:review_due_today:tutor@provider.test',
    ]);
    // The reminder emails are actionable messages (local mode's demo originator) carrying the review form.
    const reminderMail = local.emulator
      .inspect()
      .mails.find((m) =>
        m.internetMessageHeaders.some(
          (h) => h.value === 'case-1:review:2026-11-23:stage_2:email:due:tutor@provider.test',
        ),
      );
    expect(reminderMail?.bodyContent).toContain('<script type="application/adaptivecard+json">');
    expect(reminderMail?.bodyContent).toContain('"verb":"record_review"');
    // The review cards went to the mentor and tutor through the bot (local mode: the dev connector), and the outbox page shows them.
    for (const key of [...keys].filter((k) => k.includes(':review_due_today:')))
      expect((await local.notifications.runtime.outbox.findByKey(key))?.state).toBe('sent');
    const page = await call('GET', '/dev/outbox', { headers: { accept: 'text/html' } });
    expect(page.text).toMatch(/Teams chat cards and bot messages \(\d+\)/);
    expect(page.text).toContain('class="card-host"');
    // Who looked at what so far is written now, not by the access log's timer in the middle of the
    // run measured below.
    await local.useCases.accessLog?.flush();
    local.emulator.resetCounters();
    // Followed once a second: each look at the job is a query too, and a slow machine looks more often.
    const second = await sweepThroughApi(call, await token(who.courseTeam), 1_000);
    expect(second.body.id).not.toBe(started.body.id);
    expect(second.body.result).toMatchObject({ recovered: 0, sent: 0 });
    expect(second.body.result.already).toBe(second.body.result.planned);
    // The same day again: what the outbox holds is looked up, not claimed (the one list item
    // created is the job's own row), so the run costs a small part of the first one's resource units.
    const repeat = local.emulator.inspect().counters;
    expect(repeat.byRoute['POST items']).toBe(1);
    expect(repeat.resourceUnits).toBeLessThan(firstUnits * 0.08);
    // Reading a job is one Graph request, though the retention runs' registry is asked first.
    const courseTeamToken = await token(who.courseTeam);
    local.emulator.resetCounters();
    expect((await call('GET', String(second.body.href), { token: courseTeamToken })).body.state).toBe('succeeded');
    expect(local.emulator.inspect().counters.total).toBe(1);
    // The job is for the same people as the sweep, and an unknown one is a 404 problem (also one read).
    expect((await call('GET', String(second.body.href), { token: await token(who.mentor) })).status).toBe(403);
    local.emulator.resetCounters();
    expect((await call('GET', `/api/jobs/${randomUUID()}`, { token: courseTeamToken })).status).toBe(404);
    expect(local.emulator.inspect().counters.total).toBe(1);
    expect((await call('GET', '/api/jobs/no-such-job', { token: courseTeamToken })).status).toBe(404);
    const all = mailKeys();
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('signature requests the sweep owes', () => {
  it('a plan that can be signed today asks whoever no command asked, except those who signed, once', async () => {
    // Drafted on Monday 2 November and signed by the mentor the next day, stored without
    // notifications and too long ago for recovery to re-plan: nobody else was ever asked.
    const c = open(bcu, ['trainee', 'mentor', 'tutor'], '2026-11-02', 'course_team', 'case-unasked');
    draftPlan(c, {
      reviewDate: parseLocalDate('2026-12-04'),
      meeting: { heldOn: parseLocalDate('2026-11-02'), attendees: ['trainee', 'mentor'], placementConcern: false },
    });
    c.clock.set(parseLocalDate('2026-11-03'));
    sign(c, 'mentor');
    await storeWithoutNotifying(c);
    const asked = async () =>
      [...(await local.notifications.outbox.storedKeys('case-unasked'))].filter((k) => k.includes(':signature_due:'));
    const first = await sweepThroughApi(call, await token(who.courseTeam));
    expect(first.body).toMatchObject({ state: 'succeeded', result: { today: '2026-11-23' } });
    const plan = c.events.find((e) => e.type === 'plan_started')?.seq;
    // "The trainee and the class teacher/mentor/university tutor sign": the mentor's signature
    // stands for the staff side, so only the trainee is still to sign.
    expect(await asked()).toEqual([
      `case-unasked:${String(plan)}:signature_due:chat_card:person:trainee@provider.test`,
    ]);
    for (const key of await asked())
      expect((await local.notifications.runtime.outbox.findByKey(key))?.state).toBe('sent');
    await sweepThroughApi(call, await token(who.courseTeam));
    expect(await asked()).toHaveLength(1);
  });
});

describe('failed notifications', () => {
  const failed = (caseId: string, reference: string): Notification => ({
    key: `${caseId}:99:plan_agreed:email:person:someone@school.example`,
    caseId,
    reference,
    kind: 'plan_agreed',
    about: 'plan_agreed',
    channel: 'email',
    recipient: {
      kind: 'person',
      role: 'mentor',
      personId: 'someone@school.example',
      name: 'Sam <Someone>',
      email: 'someone@school.example',
    },
    subject: `${reference}: plan agreed`,
    lines: ['The plan was agreed.'],
    because: undefined,
    attachForm: false,
    calendar: undefined,
  });

  it('lists the course team’s own programmes’ failures, and retry sends it once', async () => {
    const outbox = local.notifications.runtime.outbox;
    const n = failed('case-1', 'CASE-1');
    const claimed = await outbox.claimNew(n, { token: 'test:1', at: realNow() });
    if (claimed.outcome !== 'claimed') throw new Error('fixture');
    await outbox.markFailed(claimed.record, { attempts: 5, error: '503 Service Unavailable', at: local.clock.now() });

    const courseTeam = await token(who.courseTeam);
    const list = await call('GET', '/api/notifications?state=failed', { token: courseTeam });
    expect(list.status).toBe(200);
    const item = (list.body.items as { key: string }[]).find((i) => i.key === n.key);
    expect(item).toMatchObject({
      caseId: 'case-1',
      reference: 'CASE-1',
      kind: 'plan_agreed',
      channel: 'email',
      recipient: 'Sam <Someone> <someone@school.example>',
      attempts: 5,
      lastError: '503 Service Unavailable',
    });
    const other = await call('GET', '/api/notifications?state=failed', { token: await token(who.otherCourseTeam) });
    expect((other.body.items as { key: string }[]).some((i) => i.key === n.key)).toBe(false);
    expect((await call('GET', '/api/notifications?state=failed', { token: await token(who.mentor) })).status).toBe(403);
    expect((await call('GET', '/api/notifications?state=sent', { token: courseTeam })).status).toBe(400);
    expect(
      (
        await call('POST', `/api/notifications/${encodeURIComponent(n.key)}/retry`, {
          token: await token(who.otherCourseTeam),
        })
      ).status,
    ).toBe(404);

    const retry = await call('POST', `/api/notifications/${encodeURIComponent(n.key)}/retry`, { token: courseTeam });
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual({ key: n.key, state: 'pending' });
    await local.notifications.background.idle();
    expect(mailKeys().filter((k) => k === n.key)).toHaveLength(1);
    expect((await outbox.findByKey(n.key))?.state).toBe('sent');
    const again = await call('POST', `/api/notifications/${encodeURIComponent(n.key)}/retry`, { token: courseTeam });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/sent/);
    expect(
      (await call('POST', `/api/notifications/${encodeURIComponent('nope:1')}/retry`, { token: courseTeam })).status,
    ).toBe(404);

    // What was sent on the case: the course team of its programme sees the row, sent, to whom and when.
    const history = await call('GET', '/api/cases/case-1/sent-notifications', { token: courseTeam });
    expect(history.status).toBe(200);
    const rows = history.body.items as { key: string; state: string; recipient: string; at?: string }[];
    expect(rows.find((r) => r.key === n.key)).toMatchObject({
      state: 'sent',
      recipient: 'Sam <Someone> <someone@school.example>',
    });
    expect(history.body).toMatchObject({ caseId: 'case-1', reference: 'CASE-1', page: 1 });
    const narrowed = await call('GET', '/api/cases/case-1/sent-notifications?search=someone%40school', {
      token: courseTeam,
    });
    expect((narrowed.body.items as { key: string }[]).map((r) => r.key)).toEqual([n.key]);
    const nothing = await call('GET', '/api/cases/case-1/sent-notifications?search=no+such+words', {
      token: courseTeam,
    });
    expect(nothing.body).toMatchObject({ items: [], total: 0, pages: 1 });
    // Staff on the case see the case but not its mail; other programmes and strangers do not see it at all.
    const mentorOnCase = await local.keys.sign({ upn: 'mentor@provider.test', name: 'Mentor', roles: [] }, realNow());
    expect((await call('GET', '/api/cases/case-1/sent-notifications', { token: mentorOnCase })).status).toBe(403);
    for (const other of [who.otherCourseTeam, who.stranger])
      expect((await call('GET', '/api/cases/case-1/sent-notifications', { token: await token(other) })).status).toBe(
        404,
      );
    expect((await call('GET', '/api/cases/case-1/sent-notifications?page=0', { token: courseTeam })).status).toBe(400);
    expect((await call('GET', '/api/notifications?state=failed&before=2026-02-30', { token: courseTeam })).status).toBe(
      400,
    );
  });

  it('the failed list says which week it shows and pages back a week at a time', async () => {
    const courseTeam = await token(who.courseTeam);
    const list = await call('GET', '/api/notifications?state=failed', { token: courseTeam });
    expect(list.status).toBe(200);
    const to = list.body.to as string;
    expect(list.body.from).toBe(new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10));
    const earlier = list.body.earlier as string;
    expect(earlier).toBe(new Date(Date.parse(`${to}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10));
    const before = await call('GET', `/api/notifications?state=failed&before=${earlier}`, { token: courseTeam });
    expect(before.body).toMatchObject({ to: earlier, items: [] });
    expect(typeof before.body.retrying).toBe('number');
  });
});

describe('GET /api/cases/:caseId/form.pdf', () => {
  it('downloads the form for whoever may see the case, named by its reference; 404 for anyone else', async () => {
    const pdf = await call('GET', '/api/cases/case-1/form.pdf', { token: await token(who.courseTeam) });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="?CASE-1-form\.pdf"?$/);
    expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    // The trainee named on the case gets their own form (the trainee view: no review notes).
    const own = await call('GET', '/api/cases/case-1/form.pdf', {
      token: await local.keys.sign({ upn: 'trainee@provider.test', name: 'Trainee', roles: [] }, realNow()),
    });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('application/pdf');
    expect((await call('GET', '/api/cases/case-1/form.pdf', { token: await token(who.stranger) })).status).toBe(404);
    expect((await call('GET', '/api/cases/case-1/form.pdf')).status).toBe(401);
    expect(
      (await call('GET', '/api/cases/..%2F..%2Fetc/form.pdf', { token: await token(who.courseTeam) })).status,
    ).toBe(404);
  });
});
