import type { Notification, NotificationChannel } from './notification.js';

/**
 * Ports the sweep needs (STYLE.md 5). Adapters in ./adapters implement them over Graph; the bot
 * supplies the card senders. A port says what, never how: no Graph shapes cross it.
 */

export const OUTBOX_STATES = ['pending', 'claimed', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export interface OutboxRecord {
  readonly key: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: string | undefined;
  readonly claimedBy: string | undefined;
  readonly claimedAt: string | undefined;
  readonly lastError: string | undefined;
  readonly notification: Notification;
  /** The adapter's handle (item id + eTag): passed back unchanged. */
  readonly handle: unknown;
}

export interface Claim {
  /** Unique per claim attempt: a retried claim recognises its own row. */
  readonly token: string;
  readonly at: Date;
}

export type ClaimResult = { readonly outcome: 'claimed'; readonly record: OutboxRecord } | { readonly outcome: 'already' };

export interface OutboxPort {
  /** A conditional create on the unique key, in state `claimed`. Someone else's row → `already`. */
  claimNew(notification: Notification, claim: Claim): Promise<ClaimResult>;
  /** Takes an existing row (due retry, or a stale calendar claim) if nobody changed it since it was read (If-Match). */
  reclaim(record: OutboxRecord, claim: Claim): Promise<ClaimResult>;
  markSent(record: OutboxRecord, at: Date): Promise<void>;
  /** Back to `pending`, to be tried again at `nextAttemptAt`. */
  markRetry(record: OutboxRecord, update: { readonly attempts: number; readonly nextAttemptAt: Date; readonly error: string }): Promise<void>;
  /** Given up (bounded attempts) or possibly sent: shown to the course team with a retry button. */
  markFailed(record: OutboxRecord, update: { readonly attempts: number; readonly error: string }): Promise<void>;
  /** `pending` rows whose next attempt is due: one indexed query. */
  listRetryDue(now: Date): Promise<OutboxRecord[]>;
  /** Rows still `claimed` (the sweep decides which are stale). */
  listClaimed(): Promise<OutboxRecord[]>;
}

/** Delivers one notification over one channel; throws on failure. */
export type Sender = (notification: Notification) => Promise<void>;

export type Senders = Readonly<Partial<Record<NotificationChannel, Sender>>>;

/** Channels whose send can be repeated without a second delivery (calendar: transactionId). */
export const IDEMPOTENT_CHANNELS: ReadonlySet<NotificationChannel> = new Set(['calendar']);

export interface FormAttachment {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The completed form for a case, as a PDF (form-pdf.ts), when a notification attaches it. */
export type FormProvider = (caseId: string) => Promise<FormAttachment | undefined>;
