import { createHash } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Notification } from '../notification.js';
import { recipientToken } from '../notification.js';
import { OUTBOX_STATES, type Claim, type ClaimResult, type OutboxPort, type OutboxRecord, type OutboxState } from '../ports.js';
import { isDuplicateKey, isEtagConflict } from './graph-errors.js';

/**
 * The outbox over the `Trellis Notification Outbox` list (src/store/lists.ts). The unique,
 * indexed NotificationKey column makes the claim a conditional write: the create succeeds for
 * exactly one caller. Column names are the list's; they must stay in step with lists.ts.
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
const PAGE = 500;

export function storedKey(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

const odataString = (value: string) => `'${value.replace(/'/g, "''")}'`;

export class GraphOutbox implements OutboxPort {
  constructor(
    private readonly client: Client,
    private readonly list: OutboxListRef,
  ) {}

  private get items(): string {
    return `/sites/${encodeURIComponent(this.list.siteId)}/lists/${encodeURIComponent(this.list.listId)}/items`;
  }

  async claimNew(notification: Notification, claim: Claim): Promise<ClaimResult> {
    const key = storedKey(notification.key);
    try {
      const raw: unknown = await this.client.api(this.items).post({
        fields: {
          Title: notification.kind,
          NotificationKey: key,
          CaseId: notification.caseId,
          Kind: notification.kind,
          Channel: notification.channel,
          Recipient: recipientToken(notification.recipient),
          DeliveryStatus: 'claimed',
          Attempts: 0,
          ClaimedBy: claim.token,
          ClaimedAt: claim.at.toISOString(),
          Payload: JSON.stringify(notification),
        },
      });
      return { outcome: 'claimed', record: toRecord(raw) };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // A retried POST that had in fact committed meets its own row: that claim is ours.
      const existing = await this.findByKey(key);
      if (existing?.state === 'claimed' && existing.claimedBy === claim.token) return { outcome: 'claimed', record: existing };
      return { outcome: 'already' };
    }
  }

  async reclaim(record: OutboxRecord, claim: Claim): Promise<ClaimResult> {
    try {
      const raw: unknown = await this.client
        .api(`${this.items}/${handleOf(record).itemId}/fields`)
        .header('If-Match', handleOf(record).eTag)
        .patch({ DeliveryStatus: 'claimed', ClaimedBy: claim.token, ClaimedAt: claim.at.toISOString() });
      const eTag = stringField(raw, '@odata.etag') ?? handleOf(record).eTag;
      const handle: Handle = { itemId: handleOf(record).itemId, eTag };
      return { outcome: 'claimed', record: { ...record, state: 'claimed', claimedBy: claim.token, claimedAt: claim.at.toISOString(), handle } };
    } catch (error) {
      if (isEtagConflict(error)) return { outcome: 'already' };
      throw error;
    }
  }

  async markSent(record: OutboxRecord, at: Date): Promise<void> {
    await this.patch(record, { DeliveryStatus: 'sent', Attempts: record.attempts + 1, NextAttemptAt: null, LastError: `sent ${at.toISOString()}` });
  }

  async markRetry(record: OutboxRecord, update: { attempts: number; nextAttemptAt: Date; error: string }): Promise<void> {
    await this.patch(record, { DeliveryStatus: 'pending', Attempts: update.attempts, NextAttemptAt: update.nextAttemptAt.toISOString(), LastError: update.error });
  }

  async markFailed(record: OutboxRecord, update: { attempts: number; error: string }): Promise<void> {
    await this.patch(record, { DeliveryStatus: 'failed', Attempts: update.attempts, NextAttemptAt: null, LastError: update.error });
  }

  async listRetryDue(now: Date): Promise<OutboxRecord[]> {
    return this.query(`fields/DeliveryStatus eq 'pending' and fields/NextAttemptAt le '${now.toISOString()}'`);
  }

  async listClaimed(): Promise<OutboxRecord[]> {
    return this.query(`fields/DeliveryStatus eq 'claimed'`);
  }

  /** Our own terminal writes: the row is ours while claimed, so no If-Match (a stale reader's reclaim loses to ours). */
  private async patch(record: OutboxRecord, fields: Record<string, string | number | null>): Promise<void> {
    await this.client.api(`${this.items}/${handleOf(record).itemId}/fields`).patch(fields);
  }

  private async findByKey(key: string): Promise<OutboxRecord | undefined> {
    const found = await this.query(`fields/NotificationKey eq ${odataString(key)}`);
    return found[0];
  }

  private async query(filter: string): Promise<OutboxRecord[]> {
    const out: OutboxRecord[] = [];
    let page: unknown = await this.client.api(this.items).expand('fields').filter(filter).top(PAGE).get();
    for (;;) {
      const value = arrayField(page, 'value');
      for (const raw of value) out.push(toRecord(raw));
      const next = stringField(page, '@odata.nextLink');
      if (next === undefined) return out;
      page = await this.client.api(next).get();
    }
  }
}

function handleOf(record: OutboxRecord): Handle {
  const handle = record.handle as Partial<Handle> | undefined;
  if (typeof handle?.itemId !== 'string' || typeof handle.eTag !== 'string') throw new Error(`outbox record ${record.key} has no Graph handle`);
  return { itemId: handle.itemId, eTag: handle.eTag };
}

function toRecord(raw: unknown): OutboxRecord {
  const item = raw as { id?: unknown; eTag?: unknown; fields?: Record<string, unknown> };
  const fields = item.fields ?? {};
  const itemId = typeof item.id === 'string' ? item.id : undefined;
  const eTag = typeof item.eTag === 'string' ? item.eTag : stringField(fields, '@odata.etag');
  if (itemId === undefined || eTag === undefined) throw new Error('outbox row without id or eTag');
  const state = fields.DeliveryStatus;
  const payload = fields.Payload;
  if (typeof payload !== 'string') throw new Error(`outbox row ${itemId} has no payload`);
  return {
    key: String(fields.NotificationKey),
    state: (OUTBOX_STATES as readonly unknown[]).includes(state) ? (state as OutboxState) : 'pending',
    attempts: typeof fields.Attempts === 'number' ? fields.Attempts : 0,
    nextAttemptAt: stringField(fields, 'NextAttemptAt'),
    claimedBy: stringField(fields, 'ClaimedBy'),
    claimedAt: stringField(fields, 'ClaimedAt'),
    lastError: stringField(fields, 'LastError'),
    notification: JSON.parse(payload) as Notification,
    handle: { itemId, eTag } satisfies Handle,
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
