import { randomUUID } from 'node:crypto';
import type { Notification } from './notification.js';
import { IDEMPOTENT_CHANNELS, type OutboxPort, type OutboxRecord, type Senders } from './ports.js';

/**
 * The sweep (STYLE.md 7): find due work, then per item claim → send → record. The claim is a
 * conditional write on the unique key, so two sweeps (or two instances) never both send.
 *
 * Crash safety, by where the crash happens:
 * - before the claim: nothing recorded; the next sweep plans the same key and claims it.
 * - after the claim, before or during the send: the row stays `claimed`. After
 *   STALE_CLAIM_MINUTES the next sweep re-examines it. Calendar sends are idempotent
 *   (transactionId), so they are re-claimed (If-Match) and sent again. Mail and cards are not:
 *   we cannot tell "crashed before sending" from "sent, crashed before recording", so the row
 *   is marked `failed` with "possibly sent" for the course team to check and retry. Never twice.
 * - after the send, before `sent` is recorded: as above.
 */

export const MAX_ATTEMPTS = 5;
export const STALE_CLAIM_MINUTES = 15;
/** Backoff between sweep-level attempts (the Graph client already retries 429/5xx with Retry-After). */
export const RETRY_BACKOFF_MINUTES = [1, 5, 15, 60] as const;
export const POSSIBLY_SENT = 'possibly sent: the sweep stopped between claiming and recording; check before retrying';

export interface SweepDeps {
  readonly outbox: OutboxPort;
  readonly senders: Senders;
  readonly clock: { now(): Date };
  /** Names this sweep in claims (host/instance). */
  readonly owner: string;
}

export interface SweepReport {
  sent: number;
  already: number;
  retryScheduled: number;
  failed: number;
  possiblySent: number;
  resent: number;
}

const emptyReport = (): SweepReport => ({ sent: 0, already: 0, retryScheduled: 0, failed: 0, possiblySent: 0, resent: 0 });

/** Delivers freshly planned notifications (after a command, or from the due-review plan). */
export async function deliverNotifications(notifications: readonly Notification[], deps: SweepDeps, report: SweepReport = emptyReport()): Promise<SweepReport> {
  for (const notification of notifications) {
    const claimed = await deps.outbox.claimNew(notification, claimOf(deps));
    if (claimed.outcome === 'already') {
      report.already += 1;
      continue;
    }
    await sendClaimed(claimed.record, deps, report);
  }
  return report;
}

/** One full sweep: new due work, due retries, stale claims. Returns what it did. */
export async function runSweep(deps: SweepDeps & { readonly due: () => Promise<readonly Notification[]> }): Promise<SweepReport> {
  const report = emptyReport();
  await deliverNotifications(await deps.due(), deps, report);
  const now = deps.clock.now();
  for (const record of await deps.outbox.listRetryDue(now)) {
    const claimed = await deps.outbox.reclaim(record, claimOf(deps));
    if (claimed.outcome === 'already') {
      report.already += 1;
      continue;
    }
    await sendClaimed(claimed.record, deps, report);
  }
  const staleBefore = now.getTime() - STALE_CLAIM_MINUTES * 60_000;
  for (const record of await deps.outbox.listClaimed()) {
    if (record.claimedAt === undefined || Date.parse(record.claimedAt) > staleBefore) continue;
    if (IDEMPOTENT_CHANNELS.has(record.notification.channel)) {
      const claimed = await deps.outbox.reclaim(record, claimOf(deps));
      if (claimed.outcome === 'already') continue;
      report.resent += 1;
      await sendClaimed(claimed.record, deps, report);
    } else {
      await deps.outbox.markFailed(record, { attempts: record.attempts + 1, error: POSSIBLY_SENT });
      report.possiblySent += 1;
    }
  }
  return report;
}

async function sendClaimed(record: OutboxRecord, deps: SweepDeps, report: SweepReport): Promise<void> {
  const sender = deps.senders[record.notification.channel];
  const attempts = record.attempts + 1;
  try {
    if (!sender) throw new Error(`no sender for ${record.notification.channel}`);
    await sender(record.notification);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const backoff = RETRY_BACKOFF_MINUTES[attempts - 1];
    if (attempts >= MAX_ATTEMPTS || backoff === undefined) {
      await deps.outbox.markFailed(record, { attempts, error: message });
      report.failed += 1;
    } else {
      await deps.outbox.markRetry(record, { attempts, nextAttemptAt: new Date(deps.clock.now().getTime() + backoff * 60_000), error: message });
      report.retryScheduled += 1;
    }
    return;
  }
  await deps.outbox.markSent(record, deps.clock.now());
  report.sent += 1;
}

function claimOf(deps: SweepDeps): { token: string; at: Date } {
  return { token: `${deps.owner}:${randomUUID()}`, at: deps.clock.now() };
}
