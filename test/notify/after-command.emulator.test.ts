import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { bcuRapidImprovementTargets as bcu } from '../../src/domain/procedures/index.js';
import { GraphOutbox } from '../../src/store/notify/graph-outbox.js';
import type { Notification } from '../../src/notify/notification.js';
import type { Senders } from '../../src/notify/ports.js';
import { memoryLogger } from '../../src/app/logger.js';
import { createCommandNotifier } from '../../src/app/notifications/after-command.js';
import { DEFAULT_NOTIFY_SETTINGS } from '../../src/app/notifications/settings.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';
import { draftPlan, open, signAll } from './kit.js';

/** The post-command hook: returns at once, delivers in the background, and a failure is a log line, never a crash. */

let emu: ProvisionedEmulator;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeEach(async () => {
  emu = await startProvisionedEmulator({ retry: { maxRetries: 0 } });
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await emu.close();
});

function agreedChange() {
  const c = open(bcu, ['trainee', 'mentor', 'tutor']);
  draftPlan(c, {
    reviewDate: parseLocalDate('2026-11-13'),
    meeting: { heldOn: parseLocalDate('2026-11-02'), attendees: ['trainee', 'mentor'], placementConcern: false },
  });
  const before = c.state;
  const events = signAll(c).flatMap((r) => r.events);
  return { procedure: bcu, before, after: c.state, events };
}

describe('after a command', () => {
  it('delivers what the command owes in the background, each once', async () => {
    const sent: Notification[] = [];
    const record = (n: Notification): Promise<void> => {
      sent.push(n);
      return Promise.resolve();
    };
    const senders: Senders = { email: record, calendar: record, chat_card: record, channel_card: record };
    const notifier = createCommandNotifier({
      runtime: {
        outbox: new GraphOutbox(emu.client, emu.site.lists.outbox),
        senders,
        settings: { ...DEFAULT_NOTIFY_SETTINGS, courseMailboxes: { bcu: 'course@bcu.example' } },
        owner: 't',
      },
      clock: () => new Date('2026-11-02T10:00:00Z'),
      logger: memoryLogger(),
    });
    const change = agreedChange();
    notifier.notify(change);
    // Returned before anything was sent.
    expect(sent).toHaveLength(0);
    notifier.notify(change); // the same command reported twice (a retried request): still once each
    await notifier.idle();
    expect(
      sent.some(
        (n) => n.recipient.kind === 'course_mailbox' && n.recipient.address === 'course@bcu.example' && n.attachForm,
      ),
    ).toBe(true);
    expect(new Set(sent.map((n) => n.key)).size).toBe(sent.length);
  });

  it('a Graph failure is logged for the sweep to finish; nothing is thrown or left unhandled', async () => {
    emu.emulator.setFaults({ rules: [{ kind: 'fail', status: 503, retryAfterSeconds: 0 }] });
    const logger = memoryLogger();
    const senders: Senders = {};
    const notifier = createCommandNotifier({
      runtime: {
        outbox: new GraphOutbox(emu.client, emu.site.lists.outbox),
        senders,
        settings: DEFAULT_NOTIFY_SETTINGS,
        owner: 't',
      },
      clock: () => new Date(),
      logger,
    });
    expect(() => {
      notifier.notify(agreedChange());
    }).not.toThrow();
    await notifier.idle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'notification delivery stopped; the sweep will finish it',
    ]);
    expect(unhandled).toEqual([]);
  });
});
