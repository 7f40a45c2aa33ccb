import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/app/logger.js';
import { sweepDepsOf } from '../../src/app/notifications/runtime.js';
import { startLocalModeOnSharedGraph, type RunningLocalMode } from '../../src/compose/local.js';
import { startGraphEmulator, type RunningGraphEmulator } from '../../src/dev/graph-emulator/index.js';
import type { SharedGraphEmulator } from '../../src/dev/graph-emulator/remote.js';
import { demoChannelIdOf } from '../../src/dev/local-mode/demo-channels.js';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import type { Notification } from '../../src/notify/notification.js';
import { MAILBOX_PER_SENDER, TEAMS_PER_CONVERSATION, type PaceClock } from '../../src/notify/pacing.js';
import { runSweep } from '../../src/notify/sweep.js';
import { busiestWindow } from '../support/busiest-window.js';

/**
 * The burst, end to end: 200 channel cards for one course team's channel and 75 emails from the
 * one mailbox Trellis sends from, all due at once, through local mode's real delivery path (the
 * outbox's claims, the bot's channel sender through the Teams SDK to the dev connector, the mail
 * sender through Graph to the emulator) with sends paced as tenant mode paces them. The pace runs
 * on a virtual clock whose sleep moves time on, and both logs are stamped on it: the dev connector
 * by local mode's clock (the virtual one), the emulator's mail log as each sendMail is answered.
 * Sends go one at a time, so between a send's turn and its arrival the virtual clock stands still.
 */

const CARDS = 200;
const MAILS = 75;
const START = londonInstantAt(parseLocalDate('2026-11-23'), 10, 0).getTime();

/** Time that moves only when a send waits for its turn: minutes of pacing in a moment. */
function virtualClock(start: number): PaceClock & { readonly slept: () => number } {
  let now = start;
  let slept = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      now += Math.max(0, ms);
      slept += Math.max(0, ms);
      return Promise.resolve();
    },
    slept: () => slept,
  };
}

/** The line Teams shows above a card: the activity's text (the notification's subject). */
function textOf(activity: unknown): string {
  return typeof activity === 'object' && activity !== null && 'text' in activity && typeof activity.text === 'string'
    ? activity.text
    : '';
}

let dataDir: string;
let emulator: RunningGraphEmulator;
let local: RunningLocalMode<SharedGraphEmulator>;
const clock = virtualClock(START);
/** sendMail answers as the emulator logs them, stamped on the virtual clock: [mailbox, time]. */
const mailLog: [string, number][] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-burst-'));
  emulator = await startGraphEmulator({
    dataDir: path.join(dataDir, 'graph'),
    durability: 'none',
    log: (line) => {
      const sent = /^202 POST \/(?:v1\.0\/)?users\/([^/\s]+)\/sendMail /.exec(line);
      if (sent?.[1] !== undefined) mailLog.push([decodeURIComponent(sent[1]).toLowerCase(), clock.now()]);
    },
  });
  local = await startLocalModeOnSharedGraph(
    {
      dataDir: path.join(dataDir, 'trellis'),
      port: 0,
      logger: memoryLogger(),
      schedule: false,
      durability: 'none',
      paceSends: true,
      paceClock: clock,
      realNow: () => new Date(clock.now()),
    },
    { baseUrl: emulator.baseUrl, caCertPem: emulator.caCertPem },
  );
}, 120_000);

afterAll(async () => {
  await local.close();
  await emulator.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a burst of sends, paced as Microsoft limits them', () => {
  it(`${String(CARDS)} channel cards and ${String(MAILS)} emails due at once arrive once each, never faster than Teams and Exchange allow`, async () => {
    const page = await local.repository.list({ limit: 1 });
    const summary = page.items[0];
    if (summary === undefined) throw new Error('local mode loaded no demo case');
    const stored = await local.repository.find(summary.id);
    if (stored === undefined) throw new Error('fixture');
    const { programme } = stored.state.placement;
    const common = {
      caseId: stored.state.id,
      reference: stored.state.reference,
      kind: 'case_opened',
      about: undefined,
      lines: ['A burst of notifications, all due at once.'],
      because: undefined,
      attachForm: false,
      calendar: undefined,
    } as const;
    const cards: Notification[] = Array.from({ length: CARDS }, (_, index) => ({
      ...common,
      key: `${stored.state.id}:burst:card:${String(index)}`,
      channel: 'channel_card',
      recipient: { kind: 'course_team_channel', programme },
      subject: `Burst card ${String(index)}`,
    }));
    const mails: Notification[] = Array.from({ length: MAILS }, (_, index) => ({
      ...common,
      key: `${stored.state.id}:burst:mail:${String(index)}`,
      channel: 'email',
      recipient: { kind: 'course_mailbox', address: 'course.team@provider.test' },
      subject: `Burst email ${String(index)}`,
    }));
    // Interleaved, as a sweep's plan mixes them: an email after every other card until they run out.
    const due = cards.flatMap((card, index) => {
      const mail = index % 2 === 0 ? mails[index / 2] : undefined;
      return mail === undefined ? [card] : [card, mail];
    });
    expect(due).toHaveLength(CARDS + MAILS);

    const report = await runSweep({
      ...sweepDepsOf(local.notifications.runtime, () => new Date(clock.now())),
      due: () => Promise.resolve(due),
    });
    expect(report).toMatchObject({ planned: CARDS + MAILS, sent: CARDS + MAILS, failed: 0, retryScheduled: 0 });

    // The connector's log: every card once, into the programme's channel.
    const channel = demoChannelIdOf(programme);
    const arrived = local.connector.activities().filter((a) => a.conversationId === channel);
    const texts = arrived.map((a) => textOf(a.activity));
    expect(texts.sort()).toEqual(cards.map((c) => c.subject).sort());
    const cardTimes = arrived.map((a) => Date.parse(a.at));
    for (const rule of TEAMS_PER_CONVERSATION)
      expect(busiestWindow(cardTimes, rule.windowMs)).toBeLessThanOrEqual(rule.count);
    // Paced to the limit, not beyond it: the busiest half-minute is full.
    expect(busiestWindow(cardTimes, 30_000)).toBe(60);

    // The mail log: every email once, from the one mailbox, at most 30 in any minute.
    const mailFrom = local.notifications.runtime.settings.mailFrom?.toLowerCase();
    const sentKeys = emulator
      .inspect()
      .mails.map((m) => m.internetMessageHeaders.find((h) => h.name === 'x-trellis-key')?.value)
      .filter((key) => key?.includes(':burst:mail:') === true);
    expect(sentKeys.sort()).toEqual(mails.map((m) => m.key).sort());
    const mailTimes = mailLog.filter(([mailbox]) => mailbox === mailFrom).map(([, at]) => at);
    expect(mailTimes).toHaveLength(MAILS);
    for (const rule of MAILBOX_PER_SENDER) expect(busiestWindow(mailTimes, rule.windowMs)).toBe(rule.count);

    // Minutes of sending on the virtual clock: 75 emails need the start of a third minute.
    expect(clock.slept()).toBeGreaterThanOrEqual(2 * 60_000);
  }, 120_000);
});
