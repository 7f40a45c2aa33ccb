import { createHash } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Notification } from '../../notify/notification.js';
import { recipientToken } from '../../notify/notification.js';
import { parseNotificationPayload } from '../../notify/notification-schema.js';
import { failedDayOf } from '../../notify/sweep.js';
import type {
  Claim,
  ClaimResult,
  OutboxListing,
  OutboxPort,
  OutboxRecord,
  OutboxRowProblem,
  OutboxState,
} from '../../notify/ports.js';
import { z } from 'zod';
import { batchResultError, executeBatch } from '../graph/batch.js';
import { GraphStoreError, isConflictError } from '../graph/errors.js';
import { ListItemStore, listItemsPath, type FieldValues, type ListItem } from '../graph/items.js';
import { and, dateTimeValue, eq, le, or, type ODataFilter } from '../graph/odata.js';

/**
 * The outbox over the `Trellis Notification Outbox` list (src/store/lists.ts), through the
 * list layer (src/store/graph). The unique, indexed NotificationKey column makes the claim a
 * conditional write: the create succeeds for exactly one caller.
 *
 * "sending" is a claimed row with SendingAt set (a column added later: provisioning only adds,
 * and a new DeliveryStatus choice would change an existing column).
 */

export interface OutboxListRef {
  readonly siteId: string;
  readonly listId: string;
}

interface Handle {
  readonly itemId: string;
  readonly eTag: string;
}

/** SharePoint single-line text holds 255 characters: longer keys are hashed, deterministically. */
export const MAX_KEY_LENGTH = 255;
/** Graph's $batch limit. */
export const CLAIM_BATCH_SIZE = 20;
const PAGE = 500;
/** Keys looked up in one query (storedAmong), and the most characters of keys in one, so its URL stays short. */
const KEYS_PER_QUERY = 20;
const KEY_CHARS_PER_QUERY = 1_600;
const STORED_STATES = ['pending', 'claimed', 'sent', 'failed'] as const;

export function storedKey(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** What a notification is about: the event (CaseId:Seq) or the review it reminds of. Indexed, for list views and re-plans. */
export function eventIdOf(notification: Notification): string {
  const rest = notification.key.startsWith(`${notification.caseId}:`)
    ? notification.key.slice(notification.caseId.length + 1).split(':')
    : [];
  if (rest[0] !== undefined && /^\d+$/.test(rest[0])) return `${notification.caseId}:${rest[0]}`;
  if (rest[0] === 'review' && rest.length >= 3)
    return `${notification.caseId}:review:${rest[1] ?? ''}:${rest[2] ?? ''}`;
  return notification.caseId;
}

/** Rows are read loosely and checked one by one (readRow): a hand-edited row is a problem for that row alone. */
const looseFields = z.record(z.string(), z.unknown());
type OutboxItem = ListItem<Record<string, unknown>>;

export class GraphOutbox implements OutboxPort {
  private readonly items: ListItemStore<Record<string, unknown>>;

  constructor(
    private readonly client: Client,
    list: OutboxListRef,
  ) {
    this.items = new ListItemStore(client, list, { fields: looseFields, keyField: 'NotificationKey' });
  }

  private newRow(notification: Notification, claim: Claim): FieldValues {
    return {
      Title: notification.kind,
      NotificationKey: storedKey(notification.key),
      CaseId: notification.caseId,
      EventId: eventIdOf(notification).slice(0, MAX_KEY_LENGTH),
      Kind: notification.kind,
      Channel: notification.channel,
      Recipient: recipientToken(notification.recipient).slice(0, MAX_KEY_LENGTH),
      DeliveryStatus: 'claimed',
      Attempts: 0,
      ClaimedBy: claim.token,
      ClaimedAt: claim.at.toISOString(),
      Payload: JSON.stringify(notification),
    };
  }

  async claimNew(notification: Notification, claim: Claim): Promise<ClaimResult> {
    const { item, created } = await this.items.createItem(this.newRow(notification, claim));
    const record = toRecordOrThrow(item);
    // A re-sent create that had in fact committed meets its own row: that claim is ours.
    if (created || (record.state === 'claimed' && record.claimedBy === claim.token))
      return { outcome: 'claimed', record };
    return { outcome: 'already' };
  }

  /**
   * Creates in `$batch`es of 20: one round trip claims twenty notifications, and a re-plan that
   * meets rows already there pays one twentieth of a request for each. Sub-requests are not
   * re-sent inside the batch. A duplicate key means someone else's row, unless the batch was
   * re-sent (the client retries a failed POST): then an applied-then-failed first attempt of
   * this same claim may have left rows that are ours, so the duplicates are looked up, all in
   * one query. Any other failure goes through claimNew, whose client retries 429/5xx.
   */
  async claimMany(notifications: readonly Notification[], claim: Claim): Promise<ClaimResult[]> {
    const results: ClaimResult[] = [];
    for (let start = 0; start < notifications.length; start += CLAIM_BATCH_SIZE) {
      const chunk = notifications.slice(start, start + CLAIM_BATCH_SIZE);
      if (chunk.length === 1 && chunk[0]) {
        results.push(await this.claimNew(chunk[0], claim));
        continue;
      }
      let outcome: Awaited<ReturnType<typeof executeBatch>>;
      try {
        outcome = await executeBatch(
          this.client,
          chunk.map((n, i) => ({
            id: String(i + 1),
            method: 'POST',
            url: listItemsPath(this.items.list),
            headers: { 'Content-Type': 'application/json' },
            body: { fields: this.newRow(n, claim) },
          })),
          { maxAttempts: 1 },
        );
      } catch {
        // The whole batch failed (throttled, network): one by one, each retried by the client.
        for (const n of chunk) results.push(await this.claimNew(n, claim));
        continue;
      }
      const duplicates = chunk.filter((_, i) => {
        const result = outcome.results[i];
        return result !== undefined && batchResultError(result, 'Claiming')?.code === 'duplicate_key';
      });
      // Sent once, a duplicate is someone else's row; re-sent, it may be ours from the first attempt.
      const existing =
        duplicates.length === 0 || !outcome.resent ? new Map<string, OutboxRecord>() : await this.byKeys(duplicates);
      for (const [i, n] of chunk.entries()) {
        const result = outcome.results[i];
        if (result !== undefined && (result.status === 201 || result.status === 200)) {
          results.push({ outcome: 'claimed', record: toRecordOrThrow(this.items.parseItem(result.body)) });
        } else if (duplicates.includes(n)) {
          const row = existing.get(storedKey(n.key));
          const ours = row !== undefined && row.state === 'claimed' && row.claimedBy === claim.token;
          results.push(ours ? { outcome: 'claimed', record: row } : { outcome: 'already' });
        } else {
          // Throttled, failed, or applied-then-failed: claimNew recognises our own row by the token.
          results.push(await this.claimNew(n, claim));
        }
      }
    }
    return results;
  }

  /** The rows of these notifications, by stored key: one query. */
  private async byKeys(notifications: readonly Notification[]): Promise<Map<string, OutboxRecord>> {
    const keys = notifications.map((n) => storedKey(n.key));
    const found = await this.query(or(...keys.map((key) => eq('NotificationKey', key))));
    return new Map(found.records.map((r) => [storedKey(r.key), r]));
  }

  async reclaim(record: OutboxRecord, claim: Claim): Promise<ClaimResult> {
    const handle = handleOf(record);
    try {
      const item = await this.items.updateItem(
        handle.itemId,
        { DeliveryStatus: 'claimed', ClaimedBy: claim.token, ClaimedAt: claim.at.toISOString(), SendingAt: null },
        handle.eTag,
      );
      return {
        outcome: 'claimed',
        record: {
          ...record,
          state: 'claimed',
          claimedBy: claim.token,
          claimedAt: claim.at.toISOString(),
          handle: { itemId: handle.itemId, eTag: item.eTag } satisfies Handle,
        },
      };
    } catch (error) {
      if (isConflictError(error)) return { outcome: 'already' };
      throw error;
    }
  }

  async markSending(record: OutboxRecord, at: Date): Promise<OutboxRecord | undefined> {
    let handle = handleOf(record);
    // If-Match: a claim that went stale and was taken over by another sweep is not ours to send.
    // A 412 alone does not say whose change it met: our own write applied and then answered
    // 504 (the client's re-send meets it), or a hand edit of another column. So the row is read
    // and checked before the send is given up: while it is still claimed under this claim's
    // token, it is ours; its SendingAt set means our write went through.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const item = await this.items.updateItem(handle.itemId, { SendingAt: at.toISOString() }, handle.eTag);
        return { ...record, state: 'sending', handle: { itemId: handle.itemId, eTag: item.eTag } satisfies Handle };
      } catch (error) {
        if (!isConflictError(error)) throw error;
        const current = isOutboxItem(error.current) ? error.current : await this.items.findItem(handle.itemId);
        if (current === undefined) return undefined;
        const fields = current.fields;
        const ours =
          record.claimedBy !== undefined &&
          stringField(fields, 'ClaimedBy') === record.claimedBy &&
          stringField(fields, 'DeliveryStatus') === 'claimed';
        if (!ours) return undefined;
        if (stringField(fields, 'SendingAt') !== undefined)
          return {
            ...record,
            state: 'sending',
            handle: { itemId: handle.itemId, eTag: current.eTag } satisfies Handle,
          };
        handle = { itemId: handle.itemId, eTag: current.eTag };
      }
    }
    return undefined;
  }

  async markSent(record: OutboxRecord, at: Date): Promise<void> {
    await this.items.overwriteItem(handleOf(record).itemId, {
      DeliveryStatus: 'sent',
      Attempts: record.attempts + 1,
      NextAttemptAt: null,
      LastError: `sent ${at.toISOString()}`,
    });
  }

  async markRetry(
    record: OutboxRecord,
    update: { attempts: number; nextAttemptAt: Date; error: string },
  ): Promise<void> {
    await this.items.overwriteItem(handleOf(record).itemId, {
      DeliveryStatus: 'pending',
      Attempts: update.attempts,
      NextAttemptAt: update.nextAttemptAt.toISOString(),
      LastError: update.error,
      SendingAt: null,
    });
  }

  async markFailed(record: OutboxRecord, update: { attempts: number; error: string; at: Date }): Promise<void> {
    await this.items.overwriteItem(handleOf(record).itemId, {
      DeliveryStatus: 'failed',
      Attempts: update.attempts,
      NextAttemptAt: null,
      LastError: update.error,
      FailedDay: failedDayOf(update.at),
    });
  }

  async requeue(record: OutboxRecord, at: Date): Promise<'requeued' | 'already'> {
    const handle = handleOf(record);
    try {
      // If-Match: two people pressing Retry (or a retry racing a sweep) requeue it once.
      await this.items.updateItem(
        handle.itemId,
        {
          DeliveryStatus: 'pending',
          Attempts: 0,
          NextAttemptAt: at.toISOString(),
          SendingAt: null,
          ClaimedBy: null,
          ClaimedAt: null,
          FailedDay: null,
        },
        handle.eTag,
      );
      return 'requeued';
    } catch (error) {
      if (isConflictError(error)) return 'already';
      throw error;
    }
  }

  async listRetryDue(now: Date): Promise<OutboxListing> {
    return this.query(and(eq('DeliveryStatus', 'pending'), le('NextAttemptAt', dateTimeValue(now))));
  }

  async listClaimed(): Promise<OutboxListing> {
    return this.query(eq('DeliveryStatus', 'claimed'));
  }

  async listFailedOn(day: string): Promise<OutboxListing> {
    // The day drives the query (its index); the state check drops a row requeued since.
    return this.query(and(eq('FailedDay', day), eq('DeliveryStatus', 'failed')));
  }

  async listForCase(caseId: string): Promise<OutboxListing> {
    return this.query(eq('CaseId', caseId));
  }

  async findByKey(key: string): Promise<OutboxRecord | undefined> {
    const item = await this.items.findByKey(storedKey(key));
    if (item === undefined) return undefined;
    const read = readRow(item);
    return 'record' in read ? read.record : undefined;
  }

  async knownOf(caseId: string, keys: readonly string[]): Promise<ReadonlySet<string>> {
    const stored = await this.storedKeys(caseId);
    return new Set(keys.filter((key) => stored.has(storedKey(key))));
  }

  /**
   * Which of `keys` the outbox holds, in any state, from any case: queries on the unique
   * NotificationKey column of up to 20 keys each (kept short enough for a URL), sent twenty to a
   * `$batch`. 400 keys cost one round trip and 20 queries, where claiming them costs 400 writes.
   */
  async storedAmong(keys: readonly string[]): Promise<ReadonlySet<string>> {
    // One lookup per key however it is written (SharePoint compares text without regard to case).
    const wanted = [...new Map(keys.map((key) => [storedKey(key).toLowerCase(), storedKey(key)])).values()];
    const groups: string[][] = [];
    let group: string[] = [];
    let length = 0;
    for (const key of wanted) {
      if (group.length === KEYS_PER_QUERY || (group.length > 0 && length + key.length > KEY_CHARS_PER_QUERY)) {
        groups.push(group);
        group = [];
        length = 0;
      }
      group.push(key);
      length += key.length;
    }
    if (group.length > 0) groups.push(group);
    const pages = await this.items.queryAll(
      groups.map((chunk) => ({
        filter: or(...chunk.map((key) => eq('NotificationKey', key))),
        select: ['NotificationKey'],
        top: chunk.length,
      })),
    );
    // SharePoint compares text, and enforces the key's uniqueness, without regard to case.
    const found = new Set<string>();
    for (const item of pages.flat()) {
      const key = item.fields.NotificationKey;
      if (typeof key === 'string') found.add(key.toLowerCase());
    }
    return new Set(keys.filter((key) => found.has(storedKey(key).toLowerCase())));
  }

  /** The NotificationKey column of every row of a case (long keys hashed as stored). */
  async storedKeys(caseId: string): Promise<ReadonlySet<string>> {
    const keys = new Set<string>();
    for await (const page of this.items.queryItems({
      filter: eq('CaseId', caseId),
      select: ['NotificationKey'],
      top: PAGE,
    })) {
      for (const item of page) {
        const key = item.fields.NotificationKey;
        if (typeof key === 'string') keys.add(key);
      }
    }
    return keys;
  }

  private async query(filter: ODataFilter): Promise<OutboxListing> {
    const records: OutboxRecord[] = [];
    const problems: OutboxRowProblem[] = [];
    for await (const page of this.items.queryItems({ filter, top: PAGE })) {
      for (const item of page) {
        const read = readRow(item);
        if ('record' in read) records.push(read.record);
        else problems.push(read.problem);
      }
    }
    return { records, problems };
  }
}

function isOutboxItem(value: unknown): value is OutboxItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Partial<OutboxItem>;
  return typeof item.id === 'string' && typeof item.eTag === 'string' && typeof item.fields === 'object';
}

function toRecordOrThrow(item: OutboxItem): OutboxRecord {
  const read = readRow(item);
  if ('problem' in read) {
    throw new GraphStoreError('data_error', `outbox row ${read.problem.key}: ${read.problem.problem}`);
  }
  return read.record;
}

function handleOf(record: OutboxRecord): Handle {
  const handle = record.handle as Partial<Handle> | undefined;
  if (typeof handle?.itemId !== 'string' || typeof handle.eTag !== 'string')
    throw new Error(`outbox record ${record.key} has no Graph handle`);
  return { itemId: handle.itemId, eTag: handle.eTag };
}

/** One row, its payload zod-parsed: a hand-edited row becomes a problem for that row alone. */
export function readRow(item: OutboxItem): { readonly record: OutboxRecord } | { readonly problem: OutboxRowProblem } {
  const fields = item.fields;
  const itemId = item.id;
  const eTag = item.eTag;
  const stored = stringField(fields, 'DeliveryStatus');
  const storedState = (STORED_STATES as readonly (string | undefined)[]).includes(stored)
    ? (stored as (typeof STORED_STATES)[number])
    : undefined;
  const sendingAt = stringField(fields, 'SendingAt');
  const state: OutboxState | undefined = storedState === 'claimed' && sendingAt !== undefined ? 'sending' : storedState;
  const updatedAt = item.lastModifiedDateTime ?? stringField(fields, 'Modified');
  const attempts = typeof fields.Attempts === 'number' && Number.isFinite(fields.Attempts) ? fields.Attempts : 0;
  const problemOf = (problem: string): { problem: OutboxRowProblem } => ({
    problem: {
      key: stringField(fields, 'NotificationKey') ?? `item ${itemId}`,
      caseId: stringField(fields, 'CaseId') ?? '',
      kind: stringField(fields, 'Kind') ?? '',
      channel: stringField(fields, 'Channel') ?? '',
      recipient: stringField(fields, 'Recipient') ?? '',
      state: stored ?? '',
      attempts,
      updatedAt,
      problem,
    },
  });
  if (state === undefined)
    return problemOf(`DeliveryStatus "${stored ?? ''}" is not one of ${STORED_STATES.join(', ')}`);
  const payload = stringField(fields, 'Payload');
  if (payload === undefined) return problemOf('the Payload column is empty');
  const parsed = parseNotificationPayload(payload);
  if ('problem' in parsed) return problemOf(parsed.problem);
  const key = stringField(fields, 'NotificationKey');
  if (key !== storedKey(parsed.notification.key))
    return problemOf('the NotificationKey column does not match the payload');
  return {
    record: {
      key: parsed.notification.key,
      state,
      attempts,
      nextAttemptAt: stringField(fields, 'NextAttemptAt'),
      claimedBy: stringField(fields, 'ClaimedBy'),
      claimedAt: stringField(fields, 'ClaimedAt'),
      lastError: stringField(fields, 'LastError'),
      updatedAt,
      notification: parsed.notification,
      handle: { itemId, eTag } satisfies Handle,
    },
  };
}

function stringField(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[name];
  return typeof field === 'string' ? field : undefined;
}
