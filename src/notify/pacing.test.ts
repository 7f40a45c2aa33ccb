import { describe, expect, it } from 'vitest';
import {
  createPacer,
  createSendPace,
  MAILBOX_PER_SENDER,
  shareOf,
  TEAMS_PER_BOT,
  TEAMS_PER_CONVERSATION,
  type PaceClock,
  type PaceRule,
} from './pacing.js';
import { busiestWindow } from '../../test/support/busiest-window.js';

/**
 * The send pace on a fake clock: `sleep` moves time on instead of waiting, so a burst of a
 * hundred sends is checked against the limits in microseconds.
 */
function fakeClock(start = 1_000_000): PaceClock & { readonly slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now = Math.max(now, now + ms);
      return Promise.resolve();
    },
  };
}

describe('the send pace', () => {
  it('sends 100 queued cards to one conversation at no more than 7 a second and 60 in 30 seconds', async () => {
    const clock = fakeClock();
    const pace = createSendPace(clock);
    const sentAt: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      await pace.teamsMessage('19:course-team@thread.tacv2');
      sentAt.push(clock.now());
    }
    expect(busiestWindow(sentAt, 1_000)).toBeLessThanOrEqual(7);
    expect(busiestWindow(sentAt, 2_000)).toBeLessThanOrEqual(8);
    expect(busiestWindow(sentAt, 30_000)).toBe(60);
    // Not slower than the limits need: the first seven go at once, and the hundredth within a minute.
    expect(sentAt.slice(0, 7).every((t) => t === sentAt[0])).toBe(true);
    expect((sentAt.at(-1) ?? 0) - (sentAt[0] ?? 0)).toBeLessThan(60_000);
  });

  it('holds the limits when the sends ask at once (each reserves its slot before it waits)', async () => {
    const now = 5_000_000;
    const waits: number[] = [];
    // Time stands still: every send asks at the same instant, and its wait says when it may go.
    const pacer = createPacer({
      now: () => now,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    const rules: readonly PaceRule[] = [
      { count: 7, windowMs: 1_000 },
      { count: 60, windowMs: 30_000 },
    ];
    await Promise.all(Array.from({ length: 200 }, () => pacer.wait([{ key: 'teams:one', rules }])));
    const slots = [...Array.from({ length: 200 - waits.length }, () => now), ...waits.map((ms) => now + ms)];
    expect(slots).toHaveLength(200);
    expect(busiestWindow(slots, 1_000)).toBeLessThanOrEqual(7);
    expect(busiestWindow(slots, 30_000)).toBe(60);
  });

  it('conversations have their own limits, under the bot-wide 50 a second', async () => {
    const clock = fakeClock();
    const pace = createSendPace(clock);
    const sentAt: number[] = [];
    // 20 people's chats, 5 cards each, interleaved: no chat is near its limit, the bot's 50/s binds.
    for (let round = 0; round < 5; round += 1)
      for (let person = 0; person < 20; person += 1) {
        await pace.teamsMessage(`a:chat-${String(person)}`);
        sentAt.push(clock.now());
      }
    expect(busiestWindow(sentAt, 1_000)).toBe(50);
    expect((sentAt.at(-1) ?? 0) - (sentAt[0] ?? 0)).toBeLessThan(3_000);
  });

  it('sends at most 30 emails a minute from one mailbox, and another mailbox is not held up', async () => {
    const clock = fakeClock();
    const pace = createSendPace(clock);
    const course: number[] = [];
    for (let i = 0; i < 90; i += 1) {
      await pace.mailboxMessage('Course.Team@provider.ac.uk');
      course.push(clock.now());
    }
    expect(busiestWindow(course, 60_000)).toBe(30);
    // The same mailbox however it is written: the 91st waits for the next minute.
    const before = clock.now();
    await pace.mailboxMessage('course.team@provider.ac.uk');
    expect(clock.now()).toBeGreaterThan(before);
    const other = clock.now();
    await pace.mailboxMessage('tutor@provider.ac.uk');
    expect(clock.now()).toBe(other);
  });

  it('three processes, each keeping to its share, stay inside every limit together, however their bursts line up', async () => {
    // Each process paces on its own: the worst case is all three starting the same burst at the same moment.
    const cards: number[] = [];
    const mails: number[] = [];
    for (let process = 0; process < 3; process += 1) {
      const clock = fakeClock();
      const pace = createSendPace(clock, 3);
      for (let i = 0; i < 80; i += 1) {
        await pace.teamsMessage('19:course-team@thread.tacv2');
        cards.push(clock.now());
      }
      const mailClock = fakeClock();
      const mailPace = createSendPace(mailClock, 3);
      for (let i = 0; i < 25; i += 1) {
        await mailPace.mailboxMessage('course.team@provider.ac.uk');
        mails.push(mailClock.now());
      }
    }
    for (const rule of TEAMS_PER_CONVERSATION)
      expect(busiestWindow(cards, rule.windowMs)).toBeLessThanOrEqual(rule.count);
    // 20 each in any 30 seconds: the three together fill the 60.
    expect(busiestWindow(cards, 30_000)).toBe(60);
    for (const rule of MAILBOX_PER_SENDER) expect(busiestWindow(mails, rule.windowMs)).toBe(30);
  });

  it('a share is kept for up to seven processes, every window at least one send', () => {
    for (const rules of [TEAMS_PER_CONVERSATION, TEAMS_PER_BOT, MAILBOX_PER_SENDER])
      for (let processes = 1; processes <= 7; processes += 1)
        shareOf(rules, processes).forEach((share, index) => {
          const rule = rules[index];
          expect(share.count).toBeGreaterThanOrEqual(1);
          expect(share.count * processes).toBeLessThanOrEqual(rule?.count ?? 0);
          expect(share.windowMs).toBe(rule?.windowMs);
        });
    expect(() => shareOf(MAILBOX_PER_SENDER, 0)).toThrow(RangeError);
    expect(() => shareOf(MAILBOX_PER_SENDER, 8)).toThrow(RangeError);
  });
});
