/**
 * One pace for everything Trellis sends, so a sweep that owes hundreds of notifications stays
 * inside the limits Microsoft publishes rather than being throttled (or, for Teams, having
 * messages dropped) halfway through. The limits, as Microsoft documents them:
 *
 * - Teams, per bot per conversation (a person's 1:1 chat, or a course team's channel thread):
 *   7 messages in any 1 second, 8 in 2 seconds, 60 in 30 seconds and 1,800 in an hour.
 * - Teams, per bot across all conversations in a tenant: 50 messages a second.
 * - Exchange Online, per sending mailbox: 30 messages a minute (the course mailbox Trellis
 *   sends email from).
 *
 * Each limit is a sliding window: never more than `count` sends in any `windowMs`. A send waits
 * for the first moment every window it falls in has room, and sends to one key go out in the
 * order they asked. The pace is per process, shared by every path that sends (the sweep, the
 * deliveries after a command, a retry); a single sweep runs at a time across instances (the
 * jobs' lease), so the sweep's bursts are paced as a whole.
 *
 * Several processes: the limits are Microsoft's for the whole bot and the whole mailbox, and
 * nothing is shared between processes' paces, so each process keeps to a share of every limit:
 * with `processes` = n (TRELLIS_SENDING_PROCESSES: the web instances at most, plus the sweep job
 * where one runs), a window's count becomes ⌊count / n⌋, and n processes together stay inside
 * the limit. The smallest limit counted is 7 (a conversation's second), so n is at most 7; and
 * each process then sends more slowly (a sweep of 300 emails from one mailbox takes n times ten
 * minutes), which is the price of the guarantee.
 *
 * Time is injected: the process's real clock and timers in production, a fake clock in tests
 * (nothing sleeps there).
 */

/** The most sending processes a share can be kept for: Teams' 7 a second per conversation. */
export const MAX_SENDING_PROCESSES = 7;

export interface PaceRule {
  readonly count: number;
  readonly windowMs: number;
}

export const TEAMS_PER_CONVERSATION: readonly PaceRule[] = [
  { count: 7, windowMs: 1_000 },
  { count: 8, windowMs: 2_000 },
  { count: 60, windowMs: 30_000 },
  { count: 1_800, windowMs: 3_600_000 },
];
export const TEAMS_PER_BOT: readonly PaceRule[] = [{ count: 50, windowMs: 1_000 }];
export const MAILBOX_PER_SENDER: readonly PaceRule[] = [{ count: 30, windowMs: 60_000 }];

export interface PaceClock {
  /** Milliseconds, monotonic enough for windows of seconds to an hour. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface Pacer {
  /** Waits until one more send fits every key's windows, and counts it. */
  wait(limits: readonly { readonly key: string; readonly rules: readonly PaceRule[] }[]): Promise<void>;
}

export function createPacer(clock: PaceClock): Pacer {
  /** Per key, the times of sends counted (reserved slots included), in order. */
  const sent = new Map<string, number[]>();
  return {
    async wait(limits) {
      const now = clock.now();
      let slot = now;
      for (const { key, rules } of limits) {
        const times = sent.get(key) ?? [];
        const longest = Math.max(0, ...rules.map((r) => r.windowMs));
        // Forget sends no window can see any more.
        while (times.length > 0 && (times[0] ?? 0) <= now - longest) times.shift();
        sent.set(key, times);
        // In order per key: a later send never jumps a reserved slot.
        slot = Math.max(slot, times.at(-1) ?? slot);
        for (const rule of rules) {
          const boundary = times.at(-rule.count);
          if (boundary !== undefined) slot = Math.max(slot, boundary + rule.windowMs);
        }
      }
      // Reserved now, before sleeping, so concurrent senders queue behind it.
      for (const { key } of limits) sent.get(key)?.push(slot);
      if (slot > now) await clock.sleep(slot - now);
    },
  };
}

/** The sends Trellis makes, each waiting its turn under the limits above. */
export interface SendPace {
  /** One Teams message into a conversation (a 1:1 chat or a channel). */
  teamsMessage(conversationId: string): Promise<void>;
  /** One email (or invitation) from a mailbox. */
  mailboxMessage(mailbox: string): Promise<void>;
}

/** One process's share of limits kept by `processes` processes together (⌊count / processes⌋ in each window). */
export function shareOf(rules: readonly PaceRule[], processes: number): PaceRule[] {
  if (!Number.isInteger(processes) || processes < 1 || processes > MAX_SENDING_PROCESSES)
    throw new RangeError(`sending processes must be a whole number from 1 to ${String(MAX_SENDING_PROCESSES)}`);
  return rules.map((rule) => ({ count: Math.floor(rule.count / processes), windowMs: rule.windowMs }));
}

/** The send pace of one process, of `processes` sending at the same time (1 unless several instances send). */
export function createSendPace(clock: PaceClock, processes = 1): SendPace {
  const pacer = createPacer(clock);
  const perBot = shareOf(TEAMS_PER_BOT, processes);
  const perConversation = shareOf(TEAMS_PER_CONVERSATION, processes);
  const perSender = shareOf(MAILBOX_PER_SENDER, processes);
  return {
    teamsMessage: (conversationId) =>
      pacer.wait([
        { key: 'teams', rules: perBot },
        { key: `teams:${conversationId}`, rules: perConversation },
      ]),
    mailboxMessage: (mailbox) => pacer.wait([{ key: `mailbox:${mailbox.toLowerCase()}`, rules: perSender }]),
  };
}
