import { recipientText } from '../../notify/notification-schema.js';
import type { OutboxRecord } from '../../notify/ports.js';
import { sendRecord, type SweepReport } from '../../notify/sweep.js';
import { isCourseTeamFor, mayReport } from '../access.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { NotAllowedError, UseCaseError } from '../errors.js';
import { mapLimit, sweepDepsOf, type NotifyRuntime } from './runtime.js';

/**
 * Failed notifications for the course team: list (their programmes' cases only) and retry.
 * A case the caller may not see hides its notifications too; asking to retry one answers 404.
 */

export interface FailedNotificationItem {
  readonly key: string;
  readonly caseId: string;
  readonly reference: string;
  readonly kind: string;
  readonly channel: string;
  readonly recipient: string;
  readonly attempts: number;
  readonly lastError: string;
  readonly updatedAt: string | undefined;
  /** False for a row edited by hand into a shape Trellis cannot read: mend it in Lists first. */
  readonly retryable: boolean;
}

/** No notification with that key that the caller may see. */
export class NotificationNotFoundError extends UseCaseError {
  override readonly name = 'NotificationNotFoundError';
  constructor(readonly key: string) {
    super(
      'not_found',
      'There is no notification with that key that you can see. Refresh the list: it may have been sent since.',
      `No failed notification ${key}`,
    );
  }
}

/** Retry asked of a notification that is not (or no longer) failed. */
export class NotificationNotFailedError extends UseCaseError {
  override readonly name = 'NotificationNotFailedError';
  constructor(
    readonly key: string,
    readonly state: string,
  ) {
    super(
      'conflict',
      `This notification is ${state}, so there is nothing to retry. Refresh the list to see where it is now.`,
      `Notification ${key} is ${state}`,
    );
  }
}

type Deps = UseCaseDeps & { readonly runtime: NotifyRuntime };

export async function listFailedNotifications(
  deps: Deps,
  caller: Caller,
): Promise<{ items: FailedNotificationItem[] }> {
  if (!mayReport(caller)) {
    throw new NotAllowedError(
      'Failed notifications are for the course team. Ask your course leader if you need to see them.',
    );
  }
  const { records, problems } = await deps.runtime.outbox.listFailed();
  const visible = await visibleCases(deps, caller, [
    ...records.map((r) => r.notification.caseId),
    ...problems.map((p) => p.caseId),
  ]);
  const items: FailedNotificationItem[] = [];
  for (const r of records) {
    const reference = visible.get(r.notification.caseId);
    if (reference === undefined) continue;
    items.push({
      key: r.key,
      caseId: r.notification.caseId,
      reference,
      kind: r.notification.kind,
      channel: r.notification.channel,
      recipient: recipientText(r.notification),
      attempts: r.attempts,
      lastError: r.lastError ?? '',
      updatedAt: r.updatedAt,
      retryable: true,
    });
  }
  for (const p of problems) {
    const reference = visible.get(p.caseId);
    if (reference === undefined) continue;
    items.push({
      key: p.key,
      caseId: p.caseId,
      reference,
      kind: p.kind,
      channel: p.channel,
      recipient: p.recipient,
      attempts: p.attempts,
      lastError: `This row cannot be read: ${p.problem}`,
      updatedAt: p.updatedAt,
      retryable: false,
    });
  }
  items.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') || a.key.localeCompare(b.key));
  return { items };
}

/**
 * Back to pending, then delivered at once in the background (the next sweep picks it up if
 * this instance stops first). Two people pressing Retry requeue it once (If-Match).
 */
export async function retryNotification(
  deps: Deps,
  caller: Caller,
  key: string,
  background: (work: Promise<SweepReport>) => void,
): Promise<{ key: string; state: 'pending' }> {
  if (!mayReport(caller)) {
    throw new NotAllowedError(
      'Retrying notifications is for the course team. Ask your course leader if you need to see them.',
    );
  }
  const record = await deps.runtime.outbox.findByKey(key);
  if (!record) throw new NotificationNotFoundError(key);
  const visible = await visibleCases(deps, caller, [record.notification.caseId]);
  if (!visible.has(record.notification.caseId)) throw new NotificationNotFoundError(key);
  if (record.state !== 'failed') throw new NotificationNotFailedError(key, record.state);
  const at = deps.clock();
  if ((await deps.runtime.outbox.requeue(record, at)) === 'already')
    throw new NotificationNotFailedError(key, 'already being retried');
  background(deliverNow(deps, key));
  return { key, state: 'pending' };
}

async function deliverNow(deps: Deps, key: string): Promise<SweepReport> {
  const fresh: OutboxRecord | undefined = await deps.runtime.outbox.findByKey(key);
  return sendRecord(fresh, sweepDepsOf(deps.runtime, deps.clock));
}

/** Case id → reference, for the cases among `caseIds` the caller's course team covers. */
async function visibleCases(deps: Deps, caller: Caller, caseIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await mapLimit(
    [...new Set(caseIds)].filter((id) => id !== ''),
    8,
    async (caseId) => {
      const stored = await deps.repository.find(caseId).catch(() => undefined);
      if (stored && isCourseTeamFor(caller, stored.state.placement.programme)) out.set(caseId, stored.state.reference);
    },
  );
  return out;
}
