import { randomUUID } from 'node:crypto';
import type { Notification, NotificationChannel } from './notification.js';
import { IDEMPOTENT_CHANNELS, type OutboxPort, type OutboxRecord, type Senders } from './ports.js';

/**
 * The sweep: find due work, leave out what the outbox already holds (one batched lookup: a
 * repeated run claims nothing again), then per item claim → send → record. The claim is a
 * conditional write on the unique key, so two sweeps (or two instances) never both send.
 *
 * Crash safety, by where the crash happens:
 * - before the claim: nothing recorded; the next sweep plans the same key and claims it.
 * - after the claim, before `sending`: the row stays `claimed`. After STALE_CLAIM_MINUTES the
 *   next sweep re-claims it (If-Match) and sends it: nothing had been sent.
 * - after `sending` (set, with If-Match, just before a send that cannot be repeated): calendar
 *   sends are idempotent (transactionId), so they are re-claimed and sent again. Mail and cards
 *   are not: we cannot tell "crashed before sending" from "sent, crashed before recording", so
 *   the row is marked `failed` with "possibly sent" for the course team to check and retry.
 *   Never twice.
 */

export const MAX_ATTEMPTS = 5;

/** The UTC day (YYYY-MM-DD) a row given up on is filed under: the failed list reads one day at a time. */
export function failedDayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export const STALE_CLAIM_MINUTES = 15;
/** Backoff between sweep-level attempts (the Graph client already retries 429/5xx with Retry-After). */
export const RETRY_BACKOFF_MINUTES = [1, 5, 15, 60] as const;
/**
 * A sender throws this when the request may have been carried out although it failed (a
 * timeout after a non-idempotent send): retrying could deliver it twice.
 */
export class PossiblySentError extends Error {
  override readonly name = 'PossiblySentError';
}

export const POSSIBLY_SENT = 'possibly sent: the sweep stopped between claiming and recording; check before retrying';

export interface SweepDeps {
  readonly outbox: OutboxPort;
  readonly senders: Senders;
  readonly clock: { now(): Date };
  /** Names this sweep in claims (host/instance). */
  readonly owner: string;
  /** Told each delivery's outcome, by channel (the metrics; no personal data passes). */
  readonly onOutcome?: (channel: NotificationChannel, outcome: DeliveryOutcome) => void;
}

export type DeliveryOutcome = 'sent' | 'failed' | 'retry_scheduled' | 'possibly_sent';

export interface SweepReport {
  /** Notifications planned this run (before the outbox said which were new). */
  planned: number;
  sent: number;
  already: number;
  retryScheduled: number;
  failed: number;
  possiblySent: number;
  resent: number;
  /** Outbox rows that could not be read back (edited by hand): left alone, reported. */
  badRows: number;
}

export const emptyReport = (): SweepReport => ({
  planned: 0,
  sent: 0,
  already: 0,
  retryScheduled: 0,
  failed: 0,
  possiblySent: 0,
  resent: 0,
  badRows: 0,
});

/** Delivers freshly planned notifications (after a command, or from the due-review plan). Claims are batched. */
export async function deliverNotifications(
  notifications: readonly Notification[],
  deps: SweepDeps,
  report: SweepReport = emptyReport(),
): Promise<SweepReport> {
  report.planned += notifications.length;
  if (notifications.length === 0) return report;
  const claims = await deps.outbox.claimMany(notifications, claimOf(deps));
  for (const claimed of claims) {
    if (claimed.outcome === 'already') {
      report.already += 1;
      continue;
    }
    await sendClaimed(claimed.record, deps, report);
  }
  return report;
}

/** One full sweep: new due work, due retries, stale claims. Returns what it did. */
export async function runSweep(
  deps: SweepDeps & { readonly due: () => Promise<readonly Notification[]> },
): Promise<SweepReport> {
  const report = emptyReport();
  // A sweep plans the same reminders every run (they are keyed by review and phase, not by day):
  // what the outbox already holds is seen in one batched lookup and never claimed again.
  const due = await deps.due();
  const stored = due.length === 0 ? new Set<string>() : await storedAmong(deps.outbox, due);
  const fresh = due.filter((n) => !stored.has(n.key));
  report.planned += due.length - fresh.length;
  report.already += due.length - fresh.length;
  await deliverNotifications(fresh, deps, report);
  const now = deps.clock.now();
  const retries = await deps.outbox.listRetryDue(now);
  report.badRows += retries.problems.length;
  for (const record of retries.records) {
    const claimed = await deps.outbox.reclaim(record, claimOf(deps));
    if (claimed.outcome === 'already') {
      report.already += 1;
      continue;
    }
    await sendClaimed(claimed.record, deps, report);
  }
  const staleBefore = now.getTime() - STALE_CLAIM_MINUTES * 60_000;
  const claimedRows = await deps.outbox.listClaimed();
  report.badRows += claimedRows.problems.length;
  for (const record of claimedRows.records) {
    if (record.claimedAt === undefined || Date.parse(record.claimedAt) > staleBefore) continue;
    // Claimed but never sending: nothing went out. Sending an idempotent channel: safe to repeat.
    if (record.state === 'claimed' || IDEMPOTENT_CHANNELS.has(record.notification.channel)) {
      const claimed = await deps.outbox.reclaim(record, claimOf(deps));
      if (claimed.outcome === 'already') continue;
      report.resent += 1;
      await sendClaimed(claimed.record, deps, report);
    } else {
      await deps.outbox.markFailed(record, { attempts: record.attempts + 1, error: POSSIBLY_SENT, at: now });
      report.possiblySent += 1;
      deps.onOutcome?.(record.notification.channel, 'possibly_sent');
    }
  }
  return report;
}

/**
 * The keys the outbox already holds. The lookup only saves work: when it cannot be made (Graph
 * busy), nothing is left out and the claims decide, as they always do, what is new.
 */
async function storedAmong(outbox: OutboxPort, due: readonly Notification[]): Promise<ReadonlySet<string>> {
  try {
    return await outbox.storedAmong(due.map((n) => n.key));
  } catch {
    return new Set();
  }
}

async function sendClaimed(claimed: OutboxRecord, deps: SweepDeps, report: SweepReport): Promise<void> {
  let record = claimed;
  const sender = deps.senders[record.notification.channel];
  const attempts = record.attempts + 1;
  try {
    if (!sender) throw new Error(`no sender for ${record.notification.channel}`);
    if (!IDEMPOTENT_CHANNELS.has(record.notification.channel)) {
      const sending = await deps.outbox.markSending(record, deps.clock.now());
      if (!sending) {
        // Another sweep took the claim over while this one was busy: it is theirs now.
        report.already += 1;
        return;
      }
      record = sending;
    }
    await sender(record.notification);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof PossiblySentError) {
      // The send may have gone through: never automatically again; the course team checks and retries.
      await deps.outbox.markFailed(record, {
        attempts,
        error: `${POSSIBLY_SENT} (${message})`,
        at: deps.clock.now(),
      });
      report.possiblySent += 1;
      deps.onOutcome?.(record.notification.channel, 'possibly_sent');
      return;
    }
    const backoff = RETRY_BACKOFF_MINUTES[attempts - 1];
    if (attempts >= MAX_ATTEMPTS || backoff === undefined) {
      await deps.outbox.markFailed(record, { attempts, error: message, at: deps.clock.now() });
      report.failed += 1;
      deps.onOutcome?.(record.notification.channel, 'failed');
    } else {
      await deps.outbox.markRetry(record, {
        attempts,
        nextAttemptAt: new Date(deps.clock.now().getTime() + backoff * 60_000),
        error: message,
      });
      report.retryScheduled += 1;
      deps.onOutcome?.(record.notification.channel, 'retry_scheduled');
    }
    return;
  }
  await deps.outbox.markSent(record, deps.clock.now());
  report.sent += 1;
  deps.onOutcome?.(record.notification.channel, 'sent');
}

function claimOf(deps: SweepDeps): { token: string; at: Date } {
  return { token: `${deps.owner}:${randomUUID()}`, at: deps.clock.now() };
}

/** Re-claims one pending row (a retry the course team asked for) and sends it now. */
export async function sendRecord(record: OutboxRecord | undefined, deps: SweepDeps): Promise<SweepReport> {
  const report = emptyReport();
  if (record?.state !== 'pending') return report;
  const claimed = await deps.outbox.reclaim(record, claimOf(deps));
  if (claimed.outcome === 'already') {
    report.already += 1;
    return report;
  }
  await sendClaimed(claimed.record, deps, report);
  return report;
}
