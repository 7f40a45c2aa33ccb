import { createHash } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Notification } from '../../notify/notification.js';
import { recipientToken } from '../../notify/notification.js';
import { parseNotificationPayload } from '../../notify/notification-schema.js';
import type {
  Claim,
  ClaimResult,
  OutboxListing,
  OutboxPort,
  OutboxRecord,
  OutboxRowProblem,
  OutboxState,
} from '../../notify/ports.js';
import { isDuplicateKey, isEtagConflict } from './graph-errors.js';

/**
 * The outbox over the `Trellis Notification Outbox` list (src/store/lists.ts). The unique,
 * indexed NotificationKey column makes the claim a conditional write: the create succeeds for
 * exactly one caller. Column names are the list's; they must stay in step with lists.ts.
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

const odataString = (value: string) => `'${value.replace(/'/g, "''")}'`;

export class GraphOutbox implements OutboxPort {
  constructor(
    private readonly client: Client,
    private readonly list: OutboxListRef,
  ) {}

  private get itemsPath(): string {
    return `/sites/${encodeURIComponent(this.list.siteId)}/lists/${encodeURIComponent(this.list.listId)}/items`;
  }

  private newRow(notification: Notification, claim: Claim): Record<string, string | number> {
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
    try {
      const raw: unknown = await this.client.api(this.itemsPath).post({ fields: this.newRow(notification, claim) });
      return { outcome: 'claimed', record: this.toRecordOrThrow(raw) };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return this.ownRowOrAlready(notification, claim);
    }
  }

  /**
   * Creates in `$batch`es of 20: one round trip claims twenty notifications, and a re-plan that
   * meets rows already there pays one twentieth of a request for each. Sub-requests that fail
   * for any reason but a duplicate key go through claimNew, whose client retries 429/5xx.
   */
  async claimMany(notifications: readonly Notification[], claim: Claim): Promise<ClaimResult[]> {
    const results: ClaimResult[] = [];
    for (let start = 0; start < notifications.length; start += CLAIM_BATCH_SIZE) {
      const chunk = notifications.slice(start, start + CLAIM_BATCH_SIZE);
      if (chunk.length === 1 && chunk[0]) {
        results.push(await this.claimNew(chunk[0], claim));
        continue;
      }
      let responses: { id: string; status: number; body: unknown }[];
      try {
        responses = await this.postBatch(
          chunk.map((n, i) => ({
            id: String(i + 1),
            method: 'POST',
            url: this.itemsPath,
            headers: { 'Content-Type': 'application/json' },
            body: { fields: this.newRow(n, claim) },
          })),
        );
      } catch {
        // The whole batch failed (throttled, network): one by one, each retried by the client.
        for (const n of chunk) results.push(await this.claimNew(n, claim));
        continue;
      }
      const byId = new Map(responses.map((r) => [r.id, r]));
      for (const [i, n] of chunk.entries()) {
        const response = byId.get(String(i + 1));
        if (response?.status === 201 || response?.status === 200) {
          results.push({ outcome: 'claimed', record: this.toRecordOrThrow(response.body) });
        } else if (response && isDuplicateKey(batchError(response))) {
          // First time these keys were sent in this claim: a duplicate can only be someone else's row.
          results.push({ outcome: 'already' });
        } else {
          // Throttled, failed, or applied-then-failed: claimNew recognises our own row by the token.
          results.push(await this.claimNew(n, claim));
        }
      }
    }
    return results;
  }

  private async ownRowOrAlready(notification: Notification, claim: Claim): Promise<ClaimResult> {
    // A retried POST that had in fact committed meets its own row: that claim is ours.
    const existing = await this.findByKey(notification.key);
    if (existing?.state === 'claimed' && existing.claimedBy === claim.token)
      return { outcome: 'claimed', record: existing };
    return { outcome: 'already' };
  }

  async reclaim(record: OutboxRecord, claim: Claim): Promise<ClaimResult> {
    const handle = handleOf(record);
    try {
      const raw: unknown = await this.client
        .api(`${this.itemsPath}/${handle.itemId}/fields`)
        .header('If-Match', handle.eTag)
        .patch({
          DeliveryStatus: 'claimed',
          ClaimedBy: claim.token,
          ClaimedAt: claim.at.toISOString(),
          SendingAt: null,
        });
      const eTag = stringField(raw, '@odata.etag') ?? handle.eTag;
      return {
        outcome: 'claimed',
        record: {
          ...record,
          state: 'claimed',
          claimedBy: claim.token,
          claimedAt: claim.at.toISOString(),
          handle: { itemId: handle.itemId, eTag } satisfies Handle,
        },
      };
    } catch (error) {
      if (isEtagConflict(error)) return { outcome: 'already' };
      throw error;
    }
  }

  async markSending(record: OutboxRecord, at: Date): Promise<OutboxRecord | undefined> {
    const handle = handleOf(record);
    try {
      // If-Match: a claim that went stale and was taken over by another sweep is not ours to send.
      const raw: unknown = await this.client
        .api(`${this.itemsPath}/${handle.itemId}/fields`)
        .header('If-Match', handle.eTag)
        .patch({ SendingAt: at.toISOString() });
      const eTag = stringField(raw, '@odata.etag') ?? handle.eTag;
      return { ...record, state: 'sending', handle: { itemId: handle.itemId, eTag } satisfies Handle };
    } catch (error) {
      if (isEtagConflict(error)) return undefined;
      throw error;
    }
  }

  async markSent(record: OutboxRecord, at: Date): Promise<void> {
    await this.patch(record, {
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
    await this.patch(record, {
      DeliveryStatus: 'pending',
      Attempts: update.attempts,
      NextAttemptAt: update.nextAttemptAt.toISOString(),
      LastError: update.error,
      SendingAt: null,
    });
  }

  async markFailed(record: OutboxRecord, update: { attempts: number; error: string }): Promise<void> {
    await this.patch(record, {
      DeliveryStatus: 'failed',
      Attempts: update.attempts,
      NextAttemptAt: null,
      LastError: update.error,
    });
  }

  async requeue(record: OutboxRecord, at: Date): Promise<'requeued' | 'already'> {
    const handle = handleOf(record);
    try {
      // If-Match: two people pressing Retry (or a retry racing a sweep) requeue it once.
      await this.client.api(`${this.itemsPath}/${handle.itemId}/fields`).header('If-Match', handle.eTag).patch({
        DeliveryStatus: 'pending',
        Attempts: 0,
        NextAttemptAt: at.toISOString(),
        SendingAt: null,
        ClaimedBy: null,
        ClaimedAt: null,
      });
      return 'requeued';
    } catch (error) {
      if (isEtagConflict(error)) return 'already';
      throw error;
    }
  }

  async listRetryDue(now: Date): Promise<OutboxListing> {
    return this.query(`fields/DeliveryStatus eq 'pending' and fields/NextAttemptAt le '${now.toISOString()}'`);
  }

  async listClaimed(): Promise<OutboxListing> {
    return this.query(`fields/DeliveryStatus eq 'claimed'`);
  }

  async listFailed(): Promise<OutboxListing> {
    return this.query(`fields/DeliveryStatus eq 'failed'`);
  }

  async findByKey(key: string): Promise<OutboxRecord | undefined> {
    const found = await this.query(`fields/NotificationKey eq ${odataString(storedKey(key))}`);
    return found.records[0];
  }

  async knownKeys(caseId: string): Promise<ReadonlySet<string>> {
    const keys = new Set<string>();
    let page: unknown = await this.client
      .api(
        `${this.itemsPath}?expand=fields(select=NotificationKey)&$filter=${encodeURIComponent(`fields/CaseId eq ${odataString(caseId)}`)}&$top=${PAGE}`,
      )
      .get();
    for (;;) {
      for (const raw of arrayField(page, 'value')) {
        const key = stringField((raw as { fields?: unknown }).fields, 'NotificationKey');
        if (key !== undefined) keys.add(key);
      }
      const next = stringField(page, '@odata.nextLink');
      if (next === undefined) return keys;
      page = await this.client.api(next).get();
    }
  }

  /** Our own terminal writes: the row is ours while claimed, so no If-Match (a stale reader's reclaim loses to ours). */
  private async patch(record: OutboxRecord, fields: Record<string, string | number | null>): Promise<void> {
    await this.client.api(`${this.itemsPath}/${handleOf(record).itemId}/fields`).patch(fields);
  }

  private async postBatch(
    requests: readonly { id: string; method: string; url: string; headers: Record<string, string>; body: unknown }[],
  ): Promise<{ id: string; status: number; body: unknown }[]> {
    const raw: unknown = await this.client.api('/$batch').post({ requests });
    return arrayField(raw, 'responses').flatMap((r) => {
      const response = r as { id?: unknown; status?: unknown; body?: unknown };
      return typeof response.id === 'string' && typeof response.status === 'number'
        ? [{ id: response.id, status: response.status, body: response.body }]
        : [];
    });
  }

  private async query(filter: string): Promise<OutboxListing> {
    const records: OutboxRecord[] = [];
    const problems: OutboxRowProblem[] = [];
    // Encoded by hand: the SDK's filter() leaves "%" and "#" (which keys may hold) as they are.
    let page: unknown = await this.client
      .api(`${this.itemsPath}?$expand=fields&$filter=${encodeURIComponent(filter)}&$top=${PAGE}`)
      .get();
    for (;;) {
      for (const raw of arrayField(page, 'value')) {
        const read = readRow(raw);
        if ('record' in read) records.push(read.record);
        else problems.push(read.problem);
      }
      const next = stringField(page, '@odata.nextLink');
      if (next === undefined) return { records, problems };
      page = await this.client.api(next).get();
    }
  }

  private toRecordOrThrow(raw: unknown): OutboxRecord {
    const read = readRow(raw);
    if ('problem' in read) throw new Error(`outbox row ${read.problem.key}: ${read.problem.problem}`);
    return read.record;
  }
}

function batchError(response: { status: number; body: unknown }): { statusCode: number; message: string } {
  const error = (response.body as { error?: { message?: unknown } } | undefined)?.error;
  return { statusCode: response.status, message: typeof error?.message === 'string' ? error.message : '' };
}

function handleOf(record: OutboxRecord): Handle {
  const handle = record.handle as Partial<Handle> | undefined;
  if (typeof handle?.itemId !== 'string' || typeof handle.eTag !== 'string')
    throw new Error(`outbox record ${record.key} has no Graph handle`);
  return { itemId: handle.itemId, eTag: handle.eTag };
}

/** One row, its payload zod-parsed: a hand-edited row becomes a problem for that row alone. */
export function readRow(raw: unknown): { readonly record: OutboxRecord } | { readonly problem: OutboxRowProblem } {
  const item = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    id?: unknown;
    eTag?: unknown;
    lastModifiedDateTime?: unknown;
    fields?: Record<string, unknown>;
  };
  const fields = item.fields ?? {};
  const itemId = typeof item.id === 'string' ? item.id : undefined;
  const eTag = typeof item.eTag === 'string' ? item.eTag : stringField(fields, '@odata.etag');
  const stored = stringField(fields, 'DeliveryStatus');
  const storedState = (STORED_STATES as readonly (string | undefined)[]).includes(stored)
    ? (stored as (typeof STORED_STATES)[number])
    : undefined;
  const sendingAt = stringField(fields, 'SendingAt');
  const state: OutboxState | undefined = storedState === 'claimed' && sendingAt !== undefined ? 'sending' : storedState;
  const updatedAt =
    typeof item.lastModifiedDateTime === 'string' ? item.lastModifiedDateTime : stringField(fields, 'Modified');
  const attempts = typeof fields.Attempts === 'number' && Number.isFinite(fields.Attempts) ? fields.Attempts : 0;
  const problemOf = (problem: string): { problem: OutboxRowProblem } => ({
    problem: {
      key: stringField(fields, 'NotificationKey') ?? `item ${itemId ?? '?'}`,
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
  if (itemId === undefined || eTag === undefined) return problemOf('the row has no id or eTag');
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

function arrayField(value: unknown, name: string): unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  const field = (value as Record<string, unknown>)[name];
  return Array.isArray(field) ? field : [];
}
