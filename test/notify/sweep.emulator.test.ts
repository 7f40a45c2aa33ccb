import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { bcuRapidImprovementTargets as bcu } from '../../src/domain/procedures/index.js';
import { graphCalendarSender } from '../../src/notify/adapters/graph-calendar.js';
import { graphMailSender } from '../../src/notify/adapters/graph-mail.js';
import { GraphOutbox } from '../../src/notify/adapters/graph-outbox.js';
import type { Notification } from '../../src/notify/notification.js';
import type { Senders } from '../../src/notify/ports.js';
import { runSweep, STALE_CLAIM_MINUTES } from '../../src/notify/sweep.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../../src/store/testing/emulator.js';
import { CONFIG, draftPlan, open, signAll, step } from './kit.js';

const d = parseLocalDate;

/** Three BCU cases' plan-agreed notifications: emails (with the form), calendar events, cards. */
function planned(): Notification[] {
  return ['case-a', 'case-b', 'case-c'].flatMap((id) => {
    const c = open(bcu, ['trainee', 'mentor', 'tutor']);
    draftPlan(c, { reviewDate: d('2026-11-13'), meeting: { heldOn: d('2026-11-02'), attendees: ['trainee', 'mentor'], placementConcern: false } });
    return step(c, CONFIG, () => signAll(c)).map((n) => ({ ...n, key: n.key.replace('case-1', id), caseId: id, calendar: n.calendar && { ...n.calendar, transactionId: n.calendar.transactionId.replace('case-1', id) } }));
  });
}

let emu: ProvisionedEmulator;
let now = new Date('2026-11-02T10:00:00Z');
const clock = { now: () => now };
let cards: string[] = [];

function deps(owner: string) {
  const senders: Senders = {
    email: graphMailSender({ client: emu.client, fromMailbox: 'trellis@provider.test', form: () => Promise.resolve({ name: 'form.pdf', bytes: new TextEncoder().encode('%PDF-1.3 test') }) }),
    calendar: graphCalendarSender({ client: emu.client }),
    channel_card: (n) => { cards.push(n.key); return Promise.resolve(); },
    chat_card: (n) => { cards.push(n.key); return Promise.resolve(); },
  };
  return { outbox: new GraphOutbox(emu.client, emu.site.lists.outbox), senders, clock, owner };
}

function delivered() {
  const seen = emu.emulator.inspect();
  return {
    mails: seen.mails.map((m) => m.internetMessageHeaders.find((h) => h.name === 'x-trellis-key')?.value ?? '?'),
    events: seen.events.map((e) => String(e.event.transactionId)),
  };
}

beforeEach(async () => {
  emu = await startProvisionedEmulator();
  now = new Date('2026-11-02T10:00:00Z');
  cards = [];
});
afterEach(async () => {
  await emu.close();
});

describe('the sweep against the emulator-backed outbox', () => {
  it('two sweeps at once deliver each notification exactly once', async () => {
    const work = planned();
    const [a, b] = await Promise.all([runSweep({ ...deps('a'), due: () => Promise.resolve(work) }), runSweep({ ...deps('b'), due: () => Promise.resolve(work) })]);
    expect(a.sent + b.sent).toBe(work.length);
    expect(a.already + b.already).toBe(work.length);
    const out = delivered();
    const emails = work.filter((n) => n.channel === 'email').map((n) => n.key).sort();
    expect(out.mails.sort()).toEqual(emails);
    expect(out.events.sort()).toEqual(['trellis-case-a-plan1-review', 'trellis-case-b-plan1-review', 'trellis-case-c-plan1-review']);
    expect(cards.sort()).toEqual(work.filter((n) => n.channel.endsWith('card')).map((n) => n.key).sort());
    expect(emu.emulator.inspect().mails[0]?.attachments[0]?.name).toBe('form.pdf');
  });

  it('a sweep killed between claim and send: re-run sends the calendar event once and marks the mail "possibly sent", never twice', async () => {
    const work = planned();
    const outbox = new GraphOutbox(emu.client, emu.site.lists.outbox);
    const mail = work.find((n) => n.channel === 'email');
    const event = work.find((n) => n.channel === 'calendar');
    if (!mail || !event) throw new Error('fixture');
    // The crashed sweep got as far as its claims.
    await outbox.claimNew(mail, { token: 'dead:1', at: now });
    await outbox.claimNew(event, { token: 'dead:2', at: now });
    const early = await runSweep({ ...deps('live'), due: () => Promise.resolve([mail, event]) });
    expect(early).toMatchObject({ sent: 0, already: 2, possiblySent: 0 });
    now = new Date(now.getTime() + (STALE_CLAIM_MINUTES + 1) * 60_000);
    const later = await runSweep({ ...deps('live'), due: () => Promise.resolve([mail, event]) });
    expect(later).toMatchObject({ resent: 1, sent: 1, possiblySent: 1 });
    expect(delivered()).toEqual({ mails: [], events: ['trellis-case-a-plan1-review'] });
    const failed = await outbox.listClaimed();
    expect(failed).toEqual([]);
    // Run again: nothing more happens.
    const again = await runSweep({ ...deps('live'), due: () => Promise.resolve([mail, event]) });
    expect(again).toMatchObject({ sent: 0, resent: 0, possiblySent: 0 });
    expect(delivered().events).toHaveLength(1);
  });

  it('with 20% injected 429/503 every notification is delivered exactly once', async () => {
    const work = planned();
    emu.emulator.setFaults({ rules: [{ kind: 'fail', status: 429, rate: 0.1 }, { kind: 'fail', status: 503, rate: 0.1 }] });
    for (let round = 0; round < 6; round += 1) {
      await runSweep({ ...deps(`s${round}`), due: () => Promise.resolve(work) });
      now = new Date(now.getTime() + 61 * 60_000);
    }
    emu.emulator.setFaults({});
    const out = delivered();
    expect(out.mails.sort()).toEqual(work.filter((n) => n.channel === 'email').map((n) => n.key).sort());
    expect(new Set(out.events).size).toBe(3);
    expect(out.events).toHaveLength(3);
    expect(new Set(cards).size).toBe(cards.length);
    expect(cards).toHaveLength(work.filter((n) => n.channel.endsWith('card')).length);
  });
});
