import { recipientText } from '../../notify/notification-schema.js';
import type { OutboxPort, OutboxRecord } from '../../notify/ports.js';
import type { Caller } from '../caller.js';
import { loadVisibleCase } from '../cases/load-case.js';
import type { UseCaseDeps } from '../deps.js';
import { NotAllowedError } from '../errors.js';

/**
 * What Trellis sent on one case, to whom and when (the outbox rows of the case, one indexed
 * query), for the course team of its programme and administrators: newest first, paged,
 * optionally narrowed to rows whose words match a search.
 */

export const CASE_NOTIFICATIONS_PAGE = 25;

export type DeliveryState = 'sent' | 'waiting' | 'sending' | 'failed';

export interface CaseNotificationItem {
  readonly key: string;
  readonly kind: string;
  readonly channel: string;
  readonly recipient: string;
  readonly subject: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  /** When it was sent (sent rows), else when the row last changed. */
  readonly at: string | undefined;
  /** Why it failed or is waiting; absent once sent. */
  readonly problem?: string;
  /** It carried the completed form as a PDF. */
  readonly withForm: boolean;
}

export interface CaseNotificationsPage {
  readonly caseId: string;
  readonly reference: string;
  readonly items: CaseNotificationItem[];
  readonly page: number;
  readonly pages: number;
  readonly total: number;
  readonly sent: number;
  readonly failed: number;
  readonly waiting: number;
}

/** Without an outbox (notifications not configured) nothing was sent: the page is empty, access still checked. */
type Deps = UseCaseDeps & { readonly outbox?: OutboxPort | undefined };

export async function listCaseNotifications(
  deps: Deps,
  caller: Caller,
  caseId: string,
  options: { readonly page?: number; readonly search?: string } = {},
): Promise<CaseNotificationsPage> {
  const { stored, access } = await loadVisibleCase(deps, caller, caseId);
  if (access !== 'full') {
    throw new NotAllowedError(
      'What was sent on a case is for the course team of its programme. Ask the course team if you need to know.',
    );
  }
  const { records } = deps.outbox ? await deps.outbox.listForCase(stored.state.id) : { records: [] };
  const all = records.map(itemOf);
  const search = options.search?.trim().toLowerCase() ?? '';
  const matching =
    search === ''
      ? all
      : all.filter((i) =>
          [i.subject, i.recipient, i.kind.replace(/_/g, ' '), i.channel, i.state].some((t) =>
            t.toLowerCase().includes(search),
          ),
        );
  matching.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? '') || a.key.localeCompare(b.key));
  const pages = Math.max(1, Math.ceil(matching.length / CASE_NOTIFICATIONS_PAGE));
  const page = Math.min(Math.max(1, options.page ?? 1), pages);
  return {
    caseId: stored.state.id,
    reference: stored.state.reference,
    items: matching.slice((page - 1) * CASE_NOTIFICATIONS_PAGE, page * CASE_NOTIFICATIONS_PAGE),
    page,
    pages,
    total: matching.length,
    sent: all.filter((i) => i.state === 'sent').length,
    failed: all.filter((i) => i.state === 'failed').length,
    waiting: all.filter((i) => i.state === 'waiting' || i.state === 'sending').length,
  };
}

function itemOf(r: OutboxRecord): CaseNotificationItem {
  const state: DeliveryState =
    r.state === 'sent' ? 'sent' : r.state === 'failed' ? 'failed' : r.state === 'sending' ? 'sending' : 'waiting';
  const sentAt = r.state === 'sent' ? /^sent (\S+)$/.exec(r.lastError ?? '')?.[1] : undefined;
  return {
    key: r.key,
    kind: r.notification.kind,
    channel: r.notification.channel,
    recipient: recipientText(r.notification),
    subject: r.notification.subject,
    state,
    attempts: r.attempts,
    at: sentAt ?? r.updatedAt,
    ...(state !== 'sent' && r.lastError !== undefined && r.lastError !== '' ? { problem: r.lastError } : {}),
    withForm: r.notification.attachForm && r.notification.channel === 'email',
  };
}
