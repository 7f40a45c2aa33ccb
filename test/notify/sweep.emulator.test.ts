import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { bcuRapidImprovementTargets as bcu } from '../../src/domain/procedures/index.js';
import { graphCalendarSender } from '../../src/store/notify/graph-calendar.js';
import { graphMailSender } from '../../src/store/notify/graph-mail.js';
import { GraphOutbox } from '../../src/store/notify/graph-outbox.js';
import type { Notification } from '../../src/notify/notification.js';
import type { Senders } from '../../src/notify/ports.js';
import {
  deliverNotifications,
  failedDayOf,
  POSSIBLY_SENT,
  runSweep,
  STALE_CLAIM_MINUTES,
} from '../../src/notify/sweep.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';
import { CONFIG, draftPlan, open, signAll, step } from './kit.js';

const d = parseLocalDate;

/** BCU cases' plan-agreed notifications (three cases unless named): emails (with the form), calendar events, cards. */
function planned(ids: readonly string[] = ['case-a', 'case-b', 'case-c']): Notification[] {
  return ids.flatMap((id) => {
    const c = open(bcu, ['trainee', 'mentor', 'tutor']);
    draftPlan(c, {
      reviewDate: d('2026-11-13'),
      meeting: { heldOn: d('2026-11-02'), attendees: ['trainee', 'mentor'], placementConcern: false },
    });
    return step(c, CONFIG, () => signAll(c)).map((n) => ({
      ...n,
      key: n.key.replace('case-1', id),
      caseId: id,
      calendar: n.calendar && { ...n.calendar, transactionId: n.calendar.transactionId.replace('case-1', id) },
    }));
  });
}

let emu: ProvisionedEmulator;
let now = new Date('2026-11-02T10:00:00Z');
const clock = { now: () => now };
let cards: string[] = [];

function deps(owner: string) {
  const senders: Senders = {
    email: graphMailSender({
      client: emu.client,
      fromMailbox: 'trellis@provider.test',
      form: () => Promise.resolve({ name: 'form.pdf', bytes: new TextEncoder().encode('%PDF-1.3 test') }),
    }),
    calendar: graphCalendarSender({ client: emu.client }),
    channel_card: (n) => {
      cards.push(n.key);
      return Promise.resolve();
    },
    chat_card: (n) => {
      cards.push(n.key);
      return Promise.resolve();
    },
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
    const [a, b] = await Promise.all([
      runSweep({ ...deps('a'), due: () => Promise.resolve(work) }),
      runSweep({ ...deps('b'), due: () => Promise.resolve(work) }),
    ]);
    expect(a.sent + b.sent).toBe(work.length);
    expect(a.already + b.already).toBe(work.length);
    const out = delivered();
    const emails = work
      .filter((n) => n.channel === 'email')
      .map((n) => n.key)
      .sort();
    expect(out.mails.sort()).toEqual(emails);
    expect(out.events.sort()).toEqual([
      'trellis-case-a-plan1-review',
      'trellis-case-b-plan1-review',
      'trellis-case-c-plan1-review',
    ]);
    expect(cards.sort()).toEqual(
      work
        .filter((n) => n.channel.endsWith('card'))
        .map((n) => n.key)
        .sort(),
    );
    expect(emu.emulator.inspect().mails[0]?.attachments[0]?.name).toBe('form.pdf');
  });

  it('a sweep killed mid-run: claimed-only rows are sent once, a mail caught "sending" is marked possibly sent, never twice', async () => {
    const work = planned();
    const outbox = new GraphOutbox(emu.client, emu.site.lists.outbox);
    const mails = work.filter((n) => n.channel === 'email');
    const [sendingMail, claimedMail] = mails;
    const event = work.find((n) => n.channel === 'calendar');
    if (!sendingMail || !claimedMail || !event) throw new Error('fixture');
    // The crashed sweep claimed three rows and had started sending one mail.
    const claims = await outbox.claimMany([sendingMail, claimedMail, event], { token: 'dead:1', at: now });
    const first = claims[0];
    if (first?.outcome !== 'claimed') throw new Error('fixture claim');
    expect(await outbox.markSending(first.record, now)).toBeDefined();
    const again = [sendingMail, claimedMail, event];
    const early = await runSweep({ ...deps('live'), due: () => Promise.resolve(again) });
    expect(early).toMatchObject({ sent: 0, already: 3, possiblySent: 0 });
    now = new Date(now.getTime() + (STALE_CLAIM_MINUTES + 1) * 60_000);
    const later = await runSweep({ ...deps('live'), due: () => Promise.resolve(again) });
    expect(later).toMatchObject({ resent: 2, sent: 2, possiblySent: 1 });
    expect(delivered()).toEqual({ mails: [claimedMail.key], events: ['trellis-case-a-plan1-review'] });
    expect((await outbox.listClaimed()).records).toEqual([]);
    const failed = await outbox.listFailedOn(failedDayOf(now));
    expect(failed.records.map((r) => [r.key, r.lastError])).toEqual([[sendingMail.key, POSSIBLY_SENT]]);
    // Run again: nothing more happens.
    const third = await runSweep({ ...deps('live'), due: () => Promise.resolve(again) });
    expect(third).toMatchObject({ sent: 0, resent: 0, possiblySent: 0 });
    expect(delivered().events).toHaveLength(1);
    expect(delivered().mails).toHaveLength(1);
  });

  it('a claim taken over after it went stale is not sent by the sweep that lost it', async () => {
    const [mail] = planned().filter((n) => n.channel === 'email');
    if (!mail) throw new Error('fixture');
    const outbox = new GraphOutbox(emu.client, emu.site.lists.outbox);
    const slow = await outbox.claimNew(mail, { token: 'slow:1', at: now });
    if (slow.outcome !== 'claimed') throw new Error('fixture claim');
    now = new Date(now.getTime() + (STALE_CLAIM_MINUTES + 1) * 60_000);
    const taker = await runSweep({ ...deps('taker'), due: () => Promise.resolve([]) });
    expect(taker).toMatchObject({ resent: 1, sent: 1 });
    // The slow sweep wakes up and tries to start sending its old claim: refused.
    expect(await outbox.markSending(slow.record, now)).toBeUndefined();
    expect(delivered().mails).toEqual([mail.key]);
  });

  it('a hand-edited payload is a problem for that row; the other rows are still sent', async () => {
    const work = planned()
      .filter((n) => n.channel === 'email')
      .slice(0, 2);
    const [broken, fine] = work;
    if (!broken || !fine) throw new Error('fixture');
    const outbox = new GraphOutbox(emu.client, emu.site.lists.outbox);
    const claims = await outbox.claimMany(work, { token: 'x:1', at: now });
    for (const c of claims)
      if (c.outcome === 'claimed') await outbox.markRetry(c.record, { attempts: 1, nextAttemptAt: now, error: '503' });
    const row = claims[0];
    if (row?.outcome !== 'claimed') throw new Error('fixture');
    const { itemId } = row.record.handle as { itemId: string };
    const items = `/sites/${emu.site.lists.outbox.siteId}/lists/${emu.site.lists.outbox.listId}/items`;
    await emu.client
      .api(`${items}/${itemId}/fields`)
      .patch({ Payload: JSON.stringify({ ...broken, channel: 'pigeon' }) });
    const report = await runSweep({ ...deps('live'), due: () => Promise.resolve([]) });
    expect(report).toMatchObject({ sent: 1, badRows: 1 });
    expect(delivered().mails).toEqual([fine.key]);
    const listing = await outbox.listRetryDue(now);
    expect(listing.problems).toHaveLength(1);
    expect(listing.problems[0]?.problem).toMatch(/^the Payload column is not a notification: channel: /);
  });

  it('claims go in $batches of 20: 60 planned notifications already in the outbox cost 3 requests', async () => {
    const work = planned();
    await deliverNotifications(work, deps('first'));
    emu.emulator.resetCounters();
    const report = await deliverNotifications(work, deps('second'));
    expect(report).toMatchObject({ planned: work.length, already: work.length, sent: 0 });
    expect(emu.emulator.inspect().counters.total).toBe(Math.ceil(work.length / 20));
  });

  it('a repeated sweep looks up what the outbox holds in one batched request and claims only the rest: a fraction of the resource units', async () => {
    // Twelve cases' plan-agreed notifications (five each).
    const work = planned(Array.from({ length: 12 }, (_, index) => `case-${String(index + 1)}`));
    const [added, ...before] = work;
    if (added === undefined) throw new Error('fixture');
    emu.emulator.resetCounters();
    const first = await runSweep({ ...deps('first'), due: () => Promise.resolve(before) });
    expect(first).toMatchObject({ planned: before.length, sent: before.length });
    const firstUnits = emu.emulator.inspect().counters.resourceUnits;
    // The same day again, with one notification new since: it alone is claimed and sent.
    emu.emulator.resetCounters();
    const again = await runSweep({ ...deps('again'), due: () => Promise.resolve(work) });
    expect(again).toMatchObject({ planned: work.length, already: before.length, sent: 1 });
    const counters = emu.emulator.inspect().counters;
    expect(counters.byRoute['POST items']).toBe(1);
    // One $batch of lookups (a query per 20 keys), the claim, its writes, the retry and stale-claim queries.
    expect(counters.byRoute['POST $batch']).toBe(1);
    expect(counters.byRoute['GET items']).toBe(Math.ceil(work.length / 20) + 2);
    // Claiming what was held cost a write (2 units) a key; the lookups cost 2 units per 20 keys.
    expect(counters.resourceUnits).toBeLessThan(firstUnits * 0.15);
    expect(delivered().mails.filter((key) => key === added.key).length).toBe(added.channel === 'email' ? 1 : 0);
  });

  it('when the lookup cannot be made, the claims decide as before: nothing is sent twice', async () => {
    const work = planned();
    await runSweep({ ...deps('first'), due: () => Promise.resolve(work) });
    const before = delivered().mails.length;
    // Every query inside a $batch answers 503, attempt after attempt: the lookup gives up.
    emu.emulator.setFaults({
      rules: [{ kind: 'fail', status: 503, scope: 'batch', method: 'GET', retryAfterSeconds: 0 }],
    });
    const again = await runSweep({ ...deps('again'), due: () => Promise.resolve(work) });
    emu.emulator.setFaults({});
    expect(again).toMatchObject({ planned: work.length, already: work.length, sent: 0 });
    expect(emu.emulator.inspect().counters.faultsInjected).toBeGreaterThan(0);
    expect(delivered().mails).toHaveLength(before);
  });

  it('the lookup finds keys however they are written, and long keys by the hash they are stored under', async () => {
    const [first, second] = planned();
    if (first === undefined || second === undefined) throw new Error('fixture');
    const long = { ...second, key: `${second.key}:${'x'.repeat(300)}` };
    const outbox = new GraphOutbox(emu.client, emu.site.lists.outbox);
    await outbox.claimMany([first, long], { token: 't:1', at: now });
    const asked = [first.key.toUpperCase(), long.key, second.key, 'case-z:1:none'];
    expect([...(await outbox.storedAmong(asked))].sort()).toEqual([first.key.toUpperCase(), long.key].sort());
    expect(await outbox.storedAmong([])).toEqual(new Set());
  });

  it('with 20% injected 429/503 every notification is delivered exactly once', async () => {
    const work = planned();
    emu.emulator.setFaults({
      rules: [
        { kind: 'fail', status: 429, rate: 0.1 },
        { kind: 'fail', status: 503, rate: 0.1 },
      ],
    });
    for (let round = 0; round < 6; round += 1) {
      await runSweep({ ...deps(`s${round}`), due: () => Promise.resolve(work) });
      now = new Date(now.getTime() + 61 * 60_000);
    }
    emu.emulator.setFaults({});
    const out = delivered();
    expect(out.mails.sort()).toEqual(
      work
        .filter((n) => n.channel === 'email')
        .map((n) => n.key)
        .sort(),
    );
    expect(new Set(out.events).size).toBe(3);
    expect(out.events).toHaveLength(3);
    expect(new Set(cards).size).toBe(cards.length);
    expect(cards).toHaveLength(work.filter((n) => n.channel.endsWith('card')).length);
  });
  it('the "sending" update applied and answered 504, the re-send answered 412: the row is checked, the mail sent once, nobody asked', async () => {
    // A clock with milliseconds: SharePoint keeps whole seconds, so the row never holds the exact string written.
    now = new Date('2026-11-02T10:00:00.321Z');
    const mail = planned().find((n) => n.channel === 'email' && n.caseId === 'case-a');
    if (!mail) throw new Error('the plan has no email');
    const outboxFields = `/sites/*/lists/${emu.site.lists.outbox.listId}/items/*/fields`;
    emu.emulator.setFaults({
      script: [
        { name: 'sending-504', method: 'PATCH', path: outboxFields, nth: 1, answer: 'applyThenFail', status: 504 },
      ],
    });
    const report = await deliverNotifications([mail], deps('only'));
    const bitten = emu.emulator.faultLog().filter((f) => f.answer !== undefined);
    emu.emulator.setFaults({});
    // The script did bite: the first PATCH (the "sending" mark) was applied and answered 504.
    expect(bitten.map((f) => [f.answer, f.status])).toEqual([['applyThenFail', 504]]);
    expect(report).toMatchObject({ sent: 1, already: 0, possiblySent: 0, failed: 0, retryScheduled: 0 });
    expect(delivered().mails).toEqual([mail.key]);
    const outbox = new GraphOutbox(emu.client, emu.site.lists.outbox);
    expect((await outbox.findByKey(mail.key))?.state).toBe('sent');
    // Later sweeps find nothing stale to park as "possibly sent".
    now = new Date(now.getTime() + (STALE_CLAIM_MINUTES + 1) * 60_000);
    const later = await runSweep({ ...deps('later'), due: () => Promise.resolve([mail]) });
    expect(later).toMatchObject({ sent: 0, possiblySent: 0, already: 1 });
    expect((await outbox.listFailedOn(failedDayOf(now))).records).toEqual([]);
    expect(delivered().mails).toEqual([mail.key]);
  });
});
