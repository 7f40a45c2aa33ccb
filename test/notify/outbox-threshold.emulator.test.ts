import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphOutbox } from '../../src/store/notify/graph-outbox.js';
import type { Notification } from '../../src/notify/notification.js';
import type { Senders } from '../../src/notify/ports.js';
import { failedDayOf, runSweep } from '../../src/notify/sweep.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../support/provisioned-emulator.js';

/**
 * Past SharePoint's list view threshold: the emulator refuses, as SharePoint does, a query whose
 * driving index matches more rows than the threshold (lowered here to 40 so a few dozen rows
 * pass it). Failed rows are filed by the day they failed, so the failed list reads a day at a
 * time and the sweep never reads them at all: both work with more failed rows than the threshold.
 */

const THRESHOLD = 40;
const FAILED_A_DAY = 30;
const DAY_1 = new Date('2026-11-16T09:30:00.250Z');
const DAY_2 = new Date('2026-11-17T14:05:00.750Z');

let emu: ProvisionedEmulator;
let outbox: GraphOutbox;
let now = new Date('2026-11-18T08:00:00Z');
const cards: string[] = [];

function card(caseId: string, n: number): Notification {
  return {
    key: `${caseId}:${String(n)}:plan_agreed:channel_card:channel:pgce primary`,
    caseId,
    reference: caseId.toUpperCase(),
    kind: 'plan_agreed',
    about: undefined,
    channel: 'channel_card',
    recipient: { kind: 'course_team_channel', programme: 'PGCE Primary' },
    subject: `${caseId.toUpperCase()}: plan agreed`,
    lines: ['The plan was agreed.'],
    because: undefined,
    attachForm: false,
    calendar: undefined,
  };
}

const senders: Senders = {
  channel_card: (n) => {
    cards.push(n.key);
    return Promise.resolve();
  },
};
const deps = (owner: string) => ({ outbox, senders, clock: { now: () => now }, owner });

beforeAll(async () => {
  // No client retries: nothing here is throttled but the refused query, which must fail at once.
  emu = await startProvisionedEmulator({ listViewThreshold: THRESHOLD, retry: { maxRetries: 0 } });
  outbox = new GraphOutbox(emu.client, emu.site.lists.outbox);
  // A long mail outage: two days of failures, more than the threshold in all, spread over cases.
  let i = 0;
  for (const day of [DAY_1, DAY_2]) {
    const work = Array.from({ length: FAILED_A_DAY }, () => {
      i += 1;
      return card(`case-${String(i % 25)}`, i);
    });
    const claims = await outbox.claimMany(work, { token: `outage:${day.toISOString()}`, at: day });
    for (const claim of claims) {
      if (claim.outcome !== 'claimed') throw new Error('fixture: the claim was refused');
      await outbox.markFailed(claim.record, { attempts: 5, error: '503 The mailbox is unavailable', at: day });
    }
  }
});

afterAll(async () => {
  await emu.close();
});

describe('more failed rows than the list view threshold', () => {
  it('the emulator refuses a query that reads every failed row, as SharePoint does', async () => {
    const items = `/sites/${emu.emulator.siteId}/lists/${emu.site.lists.outbox.listId}/items`;
    const refused = await emu.client
      .api(items)
      .filter("fields/DeliveryStatus eq 'failed'")
      .expand('fields')
      .get()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({ statusCode: 429 });
  });

  it('the failed list reads a day at a time: every failed row is there, under the day it failed', async () => {
    const first = await outbox.listFailedOn(failedDayOf(DAY_1));
    const second = await outbox.listFailedOn(failedDayOf(DAY_2));
    expect(first.records).toHaveLength(FAILED_A_DAY);
    expect(second.records).toHaveLength(FAILED_A_DAY);
    expect(first.records.length + second.records.length).toBeGreaterThan(THRESHOLD);
    expect(new Set([...first.records, ...second.records].map((r) => r.key)).size).toBe(2 * FAILED_A_DAY);
    expect((await outbox.listFailedOn('2026-11-18')).records).toEqual([]);
  });

  it('the sweep still delivers new work and due retries; a requeued row leaves its day', async () => {
    const fresh = [card('case-new', 1), card('case-new', 2)];
    const failed = (await outbox.listFailedOn(failedDayOf(DAY_1))).records[0];
    if (!failed) throw new Error('fixture: no failed row');
    expect(await outbox.requeue(failed, now)).toBe('requeued');
    now = new Date(now.getTime() + 60_000);
    const report = await runSweep({ ...deps('after-outage'), due: () => Promise.resolve(fresh) });
    expect(report).toMatchObject({ planned: 2, sent: 3, failed: 0, possiblySent: 0, badRows: 0 });
    expect(cards.sort()).toEqual([...fresh.map((n) => n.key), failed.key].sort());
    expect((await outbox.listFailedOn(failedDayOf(DAY_1))).records).toHaveLength(FAILED_A_DAY - 1);
  });
});
