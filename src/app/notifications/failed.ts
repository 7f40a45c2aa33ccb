import { recipientText } from '../../notify/notification-schema.js';
import type { OutboxRecord } from '../../notify/ports.js';
import { failedDayOf, sendRecord, type SweepReport } from '../../notify/sweep.js';
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

/** Days of failures one page of the failed list shows, newest first. */
export const FAILED_WINDOW_DAYS = 7;
/** How far back the failed list can be paged (older failed rows stay in the outbox list, for Lists). */
export const FAILED_HORIZON_DAYS = 400;

export interface FailedNotificationsPage {
  readonly items: FailedNotificationItem[];
  /** The days shown (UTC, YYYY-MM-DD), oldest and newest. */
  readonly from: string;
  readonly to: string;
  /** Pass as `before` for the page of older failures; absent at the horizon. */
  readonly earlier?: string;
  /** Notifications waiting for their next automatic try (not failed), when that could be counted. */
  readonly retrying?: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** True for a real calendar day written YYYY-MM-DD. */
export function isDay(value: string): boolean {
  return DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && addDays(value, 0) === value;
}

/**
 * The failed list, a week at a time (newest first): each day is one indexed query on the day the
 * row failed, so the page works however many failed rows the outbox holds.
 */
export async function listFailedNotifications(
  deps: Deps,
  caller: Caller,
  options: { readonly before?: string } = {},
): Promise<FailedNotificationsPage> {
  if (!mayReport(caller)) {
    throw new NotAllowedError(
      'Failed notifications are for the course team. Ask your course leader if you need to see them.',
    );
  }
  const today = failedDayOf(deps.clock());
  const horizon = addDays(today, -FAILED_HORIZON_DAYS);
  const before = options.before;
  const to = before !== undefined && before <= today ? (before < horizon ? horizon : before) : today;
  const days = Array.from({ length: FAILED_WINDOW_DAYS }, (_, i) => addDays(to, -i)).filter((d) => d >= horizon);
  const listings = await mapLimit(days, 4, (day) => deps.runtime.outbox.listFailedOn(day));
  const records = listings.flatMap((l) => l.records);
  const problems = listings.flatMap((l) => l.problems);
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
  const oldest = days.at(-1) ?? to;
  const earlier = addDays(oldest, -1);
  const retrying = await countRetrying(deps, caller);
  return {
    items,
    from: oldest,
    to,
    ...(earlier >= horizon ? { earlier } : {}),
    ...(retrying === undefined ? {} : { retrying }),
  };
}

/**
 * Rows waiting for their next automatic try, so the page never says "all delivered" while some
 * are still on their way. A count that cannot be had (the store busy) is left out, not guessed.
 */
async function countRetrying(deps: Deps, caller: Caller): Promise<number | undefined> {
  let pending: Awaited<ReturnType<Deps['runtime']['outbox']['listRetryDue']>>;
  try {
    pending = await deps.runtime.outbox.listRetryDue(new Date('9999-12-31T00:00:00Z'));
  } catch {
    return undefined;
  }
  // Only the caller's own programmes' rows are counted, as only theirs are listed.
  const visible = await visibleCases(
    deps,
    caller,
    pending.records.map((r) => r.notification.caseId),
  );
  return pending.records.filter((r) => visible.has(r.notification.caseId)).length;
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
