import type { Notification, NotificationChannel } from './notification.js';

/**
 * Ports the sweep needs. Adapters in src/store/notify implement them over Graph; the bot
 * supplies the card senders. A port says what, never how: no Graph shapes cross it.
 */

export const OUTBOX_STATES = ['pending', 'claimed', 'sending', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export interface OutboxRecord {
  readonly key: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: string | undefined;
  readonly claimedBy: string | undefined;
  readonly claimedAt: string | undefined;
  readonly lastError: string | undefined;
  /** When the row last changed (the list's own timestamp). */
  readonly updatedAt: string | undefined;
  readonly notification: Notification;
  /** The adapter's handle (item id + eTag): passed back unchanged. */
  readonly handle: unknown;
}

/** A row whose payload cannot be read back (edited by hand): reported, never sent, never a crash. */
export interface OutboxRowProblem {
  readonly key: string;
  readonly caseId: string;
  readonly kind: string;
  readonly channel: string;
  readonly recipient: string;
  readonly state: string;
  readonly attempts: number;
  readonly updatedAt: string | undefined;
  readonly problem: string;
}

export interface OutboxListing {
  readonly records: readonly OutboxRecord[];
  readonly problems: readonly OutboxRowProblem[];
}

export interface Claim {
  /** Unique per claim attempt: a retried claim recognises its own row. */
  readonly token: string;
  readonly at: Date;
}

export type ClaimResult =
  { readonly outcome: 'claimed'; readonly record: OutboxRecord } | { readonly outcome: 'already' };

export interface OutboxPort {
  /** A conditional create on the unique key, in state `claimed`. Someone else's row → `already`. */
  claimNew(notification: Notification, claim: Claim): Promise<ClaimResult>;
  /** claimNew for many at once (fewer round trips); one result per notification, in order. */
  claimMany(notifications: readonly Notification[], claim: Claim): Promise<ClaimResult[]>;
  /** Takes an existing row (due retry, or a stale claim) if nobody changed it since it was read (If-Match). */
  reclaim(record: OutboxRecord, claim: Claim): Promise<ClaimResult>;
  /** Just before a send that cannot be repeated: from here a crash means "possibly sent". */
  /** Undefined when the claim was taken over since (it went stale): then it is not ours to send. */
  markSending(record: OutboxRecord, at: Date): Promise<OutboxRecord | undefined>;
  markSent(record: OutboxRecord, at: Date): Promise<void>;
  /** Back to `pending`, to be tried again at `nextAttemptAt`. */
  markRetry(
    record: OutboxRecord,
    update: { readonly attempts: number; readonly nextAttemptAt: Date; readonly error: string },
  ): Promise<void>;
  /**
   * Given up (bounded attempts) or possibly sent: shown to the course team with a retry button,
   * filed under the day it failed (`at`), so no query ever has to read every failed row.
   */
  markFailed(
    record: OutboxRecord,
    update: { readonly attempts: number; readonly error: string; readonly at: Date },
  ): Promise<void>;
  /** A failed row back to `pending`, due at `at`, attempts counted afresh; `already` when it is no longer failed. */
  requeue(record: OutboxRecord, at: Date): Promise<'requeued' | 'already'>;
  /** `pending` rows whose next attempt is due: one indexed query. */
  listRetryDue(now: Date): Promise<OutboxListing>;
  /** Rows still `claimed` or `sending` (the sweep decides which are stale). */
  listClaimed(): Promise<OutboxListing>;
  /**
   * The rows given up on during one day (UTC, YYYY-MM-DD): one indexed query on the day, so the
   * failed list works however many failed rows the outbox holds (SharePoint refuses a query whose
   * index matches more rows than its list view threshold; a day's failures stay far below it).
   */
  listFailedOn(day: string): Promise<OutboxListing>;
  /** Every row of one case, whatever its state (a subject access export lists them): one indexed query. */
  listForCase(caseId: string): Promise<OutboxListing>;
  findByKey(key: string): Promise<OutboxRecord | undefined>;
  /** Which of `keys` (notifications of one case) the outbox already holds: one indexed query, so a re-plan claims only what is missing. */
  knownOf(caseId: string, keys: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * Which of `keys` (of any cases) the outbox already holds, whatever their state: lookups on the
   * unique key, batched, so a sweep that plans what an earlier run already claimed pays a query
   * per twenty keys instead of a failed claim (a write) per key.
   */
  storedAmong(keys: readonly string[]): Promise<ReadonlySet<string>>;
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

/**
 * The form a notification attaches, as a PDF (form-pdf.ts): the case as it was at the
 * notification's `caseVersion`, in its recipient's view (audience.ts).
 */
export type FormProvider = (notification: Notification) => Promise<FormAttachment | undefined>;

/**
 * The Adaptive Card an email carries as an Outlook actionable message (Universal Actions, with
 * the provider's registered originator), or undefined when the email is plain HTML: the kind
 * has no card, or no originator is registered.
 */
export type ActionableCardProvider = (
  notification: Notification,
) => Promise<Readonly<Record<string, unknown>> | undefined>;
