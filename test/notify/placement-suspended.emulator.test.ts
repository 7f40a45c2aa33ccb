import { sweepThroughApi } from '../support/sweep-job.js';
import { call } from '../server/harness.js';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalMode, type RunningLocalMode } from '../../src/compose/local.js';
import { devObjectIdOf } from '../../src/bot/identity.js';
import { silentLogger } from '../../src/app/logger.js';
import { PINNED_NOW, seededDataDir } from '../support/local-mode-seeds.js';

/**
 * Suspending a placement over REST, end to end in local mode (the real composition root, the
 * Graph emulator and the dev connector standing in for Teams): the demo Enhanced Support case
 * at Step 4 is reviewed to Step 5 by its tutor, the course leader suspends the placement, and
 * everyone on the case gets the email in the emulator's outbox and the card through the bot,
 * the course team its channel card and mailbox copy, each once.
 */

let dataDir: string;
let local: RunningLocalMode;
// The seed's clock: the copy local mode starts from was loaded on this day.
const realNow = PINNED_NOW;

const CASE_ID = 'demo-northgate-formal-step-4';
const PROGRAMME = 'PGCE Secondary 2026/27';
const COURSE_MAILBOX = 'course.team@university-partnership.example';
const CHANNEL_ID = '19:northgate-course-team@thread.tacv2';
const courseLeader = {
  upn: 'catherine.lloyd@northgate-uni.example',
  name: 'Dr Catherine Lloyd',
  roles: ['CourseTeam'],
  programmes: [PROGRAMME],
};

interface CaseReply {
  readonly reference: string;
  readonly people: readonly {
    readonly role: string;
    readonly id: string;
    readonly name: string;
    readonly email: string;
  }[];
  readonly stage: { readonly id: string };
  readonly plan?: { readonly content: { readonly targets: readonly { readonly id: string }[] } };
}

const tokenFor = (identity: {
  upn: string;
  name: string;
  roles: readonly string[];
  programmes?: readonly string[];
}): Promise<string> =>
  local.keys.sign(
    {
      ...identity,
      roles: [...identity.roles],
      ...(identity.programmes ? { programmes: [...identity.programmes] } : {}),
    },
    realNow(),
  );

async function readCase(token: string): Promise<{ readonly body: CaseReply; readonly etag: string }> {
  const reply = await fetch(`${local.url}/api/cases/${CASE_ID}`, { headers: { authorization: `Bearer ${token}` } });
  expect(reply.status).toBe(200);
  return { body: (await reply.json()) as CaseReply, etag: reply.headers.get('etag') ?? '' };
}

async function command(token: string, route: string, body: unknown): Promise<CaseReply> {
  const { etag } = await readCase(token);
  const reply = await fetch(`${local.url}/api/cases/${CASE_ID}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': etag },
    body: JSON.stringify(body),
  });
  const text = await reply.text();
  expect(reply.status, text).toBe(200);
  return JSON.parse(text) as CaseReply;
}

interface SentCard {
  readonly conversationId: string;
  readonly text: string;
  readonly card: string;
}

function cardsSent(from: number): SentCard[] {
  return local.connector
    .activities()
    .slice(from)
    .flatMap((a) => {
      const activity = a.activity as { text?: string; attachments?: { content?: unknown }[] };
      // The line above the card is markdown in Teams, so it arrives escaped: read it as a person would.
      const text = (activity.text ?? '').replace(/\\(.)/g, '$1');
      return (activity.attachments ?? []).map((x) => ({
        conversationId: a.conversationId,
        text,
        card: JSON.stringify(x.content),
      }));
    });
}

beforeAll(async () => {
  dataDir = await seededDataDir('trellis-suspension', 'pinned');
  local = await startLocalMode({
    dataDir,
    port: 0,
    durability: 'none',
    logger: silentLogger,
    realNow,
    schedule: false,
  });
  // Trellis added to the course team's channel, which the course leader then links to the programme.
  const added = await fetch(`${local.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'conversationUpdate',
      channelId: 'msteams',
      serviceUrl: `${local.url}/dev/connector`,
      from: { id: `29:${courseLeader.upn}`, aadObjectId: devObjectIdOf(courseLeader.upn), name: courseLeader.name },
      recipient: { id: '28:trellis', name: 'Trellis' },
      conversation: { id: CHANNEL_ID, conversationType: 'channel', tenantId: 'local' },
      membersAdded: [{ id: '28:trellis' }],
      channelData: { eventType: 'teamMemberAdded', team: { id: '19:northgate-team@thread.tacv2' } },
      id: 'activity-channel-added',
    }),
  });
  expect(added.status).toBe(200);
  const linked = await fetch(`${local.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      channelId: 'msteams',
      serviceUrl: `${local.url}/dev/connector`,
      from: { id: `29:${courseLeader.upn}`, aadObjectId: devObjectIdOf(courseLeader.upn), name: courseLeader.name },
      recipient: { id: '28:trellis', name: 'Trellis' },
      conversation: { id: CHANNEL_ID, conversationType: 'channel', tenantId: 'local' },
      channelData: { team: { id: '19:northgate-team@thread.tacv2' } },
      text: `<at>Trellis</at> use this channel for ${PROGRAMME}`,
      entities: [{ type: 'mention', text: '<at>Trellis</at>', mentioned: { id: '28:trellis', name: 'Trellis' } }],
      id: 'activity-channel-linked',
    }),
  });
  expect(linked.status).toBe(200);
});

afterAll(async () => {
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('suspending a placement over REST', () => {
  it('emails and cards everyone on the case, the trainee in their own words, and the course team, once each', async () => {
    // The tutor's Step 4 formal review finds no progress: the case moves to Step 5, where the placement may be suspended.
    const atStep4 = (await readCase(await tokenFor(courseLeader))).body;
    const tutor = atStep4.people.find((p) => p.role === 'tutor');
    if (!tutor) throw new Error('the demo case has no tutor');
    const tutorToken = await tokenFor({ upn: tutor.id, name: tutor.name, roles: [] });
    const atStep5 = await command(tutorToken, '/reviews', {
      progress: (atStep4.plan?.content.targets ?? []).map((t) => ({ targetId: t.id, rating: 'not_met' })),
      evidence: 'Observations, planning and pupils’ books over the review period.',
      attendees: ['trainee', 'mentor', 'tutor'],
      outcomeId: 'no_progress',
    });
    expect(atStep5.stage.id).toBe('step_5');
    await local.notifications.background.idle();

    const mailsBefore = local.emulator.inspect().mails.length;
    const cardsBefore = local.connector.activities().length;
    const reason = 'Pupils in <b>Year 8</b> are falling behind & the school asked for it.';
    await command(await tokenFor(courseLeader), '/suspension', { reason });
    await local.notifications.background.idle();

    const { reference, people } = atStep5;
    const trainee = people.find((p) => p.role === 'trainee');
    if (!trainee) throw new Error('the demo case has no trainee');
    const staff = people.filter((p) => p.role !== 'trainee');
    const mails = local.emulator.inspect().mails.slice(mailsBefore);

    // Each member of staff on the case and the course mailbox (with the form): the same plain sentences.
    const staffSubject = `${reference}: placement suspended (Step 5)`;
    const toStaff = mails.filter((m) => m.subject === staffSubject);
    expect(toStaff.flatMap((m) => m.toRecipients).sort()).toEqual(
      [...new Set([...staff.map((p) => p.email.toLowerCase()), COURSE_MAILBOX])].sort(),
    );
    for (const mail of toStaff) {
      expect(mail.bodyContent).toContain(
        'is suspended from Monday 23 November 2026, at Step 5 of the Enhanced Support Procedure.',
      );
      // The course leader who suspended it is named on the case, so the notice names her and her role.
      expect(mail.bodyContent).toContain('<p>Suspended by Dr Catherine Lloyd (Course leader).</p>');
      expect(mail.bodyContent).toContain(
        'The reason given: Pupils in &lt;b&gt;Year 8&lt;/b&gt; are falling behind &amp; the school asked for it.',
      );
      expect(mail.bodyContent).not.toContain('<b>Year 8');
      expect(mail.bodyContent).toContain('the course team will be in touch');
    }
    const toMailbox = toStaff.find((m) => m.toRecipients.includes(COURSE_MAILBOX));
    expect(toMailbox?.attachments.map((a) => a.name)).toEqual([`${reference}-form-v2.pdf`]);

    // The trainee: their own subject and kind words, escaped the same way.
    const toTrainee = mails.filter((m) => m.toRecipients.includes(trainee.email.toLowerCase()));
    expect(toTrainee.map((m) => m.subject)).toEqual([`${reference}: Your placement has been suspended`]);
    expect(toTrainee[0]?.bodyContent).toContain(
      'Your placement at St Michael’s Church of England High School is suspended from Monday 23 November 2026.',
    );
    expect(toTrainee[0]?.bodyContent).toContain('The decision was made by Dr Catherine Lloyd (Course leader).');
    expect(toTrainee[0]?.bodyContent).toContain('Your course team will be in touch soon');
    expect(toTrainee[0]?.bodyContent).toContain('Pupils in &lt;b&gt;Year 8&lt;/b&gt;');
    expect(toTrainee[0]?.attachments).toEqual([]);
    expect(mails).toHaveLength(toStaff.length + toTrainee.length);

    // Cards through the bot: one 1:1 card per person on the case, one in the course team's channel.
    const cards = cardsSent(cardsBefore);
    expect(cards.every((c) => c.card.includes('PLACEMENT SUSPENDED'))).toBe(true);
    const channel = cards.filter((c) => c.conversationId === CHANNEL_ID);
    expect(channel).toHaveLength(1);
    expect(channel[0]?.text).toBe(staffSubject);
    const chats = cards.filter((c) => c.conversationId !== CHANNEL_ID);
    expect(chats).toHaveLength(new Set(people.map((p) => p.email.toLowerCase())).size);
    const traineeCards = chats.filter((c) => c.card.includes('Your placement is suspended'));
    expect(traineeCards).toHaveLength(1);
    expect(traineeCards[0]?.text).toBe(`${reference}: Your placement has been suspended`);
    expect(chats.filter((c) => c.card.includes('Placement suspended for '))).toHaveLength(chats.length - 1);
    for (const card of cards) {
      expect(card.card).toContain(
        'Pupils in \\\\<b\\\\>Year 8\\\\</b\\\\> are falling behind & the school asked for it.',
      );
    }

    // The sweep re-plans recent commands: the suspension's keys are all in the outbox, so nothing goes twice.
    const sweep = await sweepThroughApi(
      (method, route, options) => call(local.url, method, route, options),
      await tokenFor(courseLeader),
    );
    expect(sweep.body).toMatchObject({ state: 'succeeded' });
    await local.notifications.background.idle();
    expect(
      local.emulator
        .inspect()
        .mails.slice(mailsBefore)
        .filter((m) => m.subject === staffSubject || m.subject === `${reference}: Your placement has been suspended`),
    ).toHaveLength(mails.length);
    expect(cardsSent(cardsBefore).filter((c) => c.card.includes('PLACEMENT SUSPENDED'))).toHaveLength(cards.length);
    const keys = [...(await local.notifications.outbox.storedKeys(CASE_ID))].filter((k) =>
      k.includes(':placement_suspended:'),
    );
    // Email and card to each member of staff, the channel card and the mailbox copy.
    expect(keys).toHaveLength(new Set(staff.map((p) => p.email.toLowerCase())).size * 2 + 2);
    for (const key of keys) expect((await local.notifications.runtime.outbox.findByKey(key))?.state).toBe('sent');
  });
});
