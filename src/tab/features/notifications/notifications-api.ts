import type { ApiClient } from '../../api/client';
import type {
  CaseListPage,
  CaseNotifications,
  CaseSummary,
  FailedNotification,
  FailedNotifications,
  ReviewSweepJob,
  SweepResult,
} from '../../api/types';

/** The notification endpoints the page uses (src/server/routes/notifications.ts, jobs.ts); types from the contract. */

export type { CaseNotifications, CaseSummary, FailedNotification, FailedNotifications, SweepResult };

/** A week of failures, newest first; `before` (YYYY-MM-DD) for an earlier week. */
export const listFailedNotifications = (api: ApiClient, before?: string): Promise<FailedNotifications> =>
  api.get<FailedNotifications>(
    `/api/notifications?${new URLSearchParams({ state: 'failed', ...(before === undefined ? {} : { before }) }).toString()}`,
  );

/** What was sent on one case, 25 a page, newest first; `search` narrows to words in the subject, recipient or kind. */
export const listCaseNotifications = (
  api: ApiClient,
  caseId: string,
  options: { readonly page?: number; readonly search?: string } = {},
): Promise<CaseNotifications> => {
  const query = new URLSearchParams();
  if (options.page !== undefined && options.page > 1) query.set('page', String(options.page));
  if (options.search !== undefined && options.search.trim() !== '') query.set('search', options.search.trim());
  const q = query.toString();
  return api.get<CaseNotifications>(
    `/api/cases/${encodeURIComponent(caseId)}/sent-notifications${q === '' ? '' : `?${q}`}`,
  );
};

/** Cases whose trainee name or reference matches, for choosing whose notifications to show. */
export const findCases = async (api: ApiClient, search: string): Promise<readonly CaseSummary[]> => {
  const query = new URLSearchParams({ search: search.trim(), limit: '10' });
  return (await api.get<CaseListPage>(`/api/cases?${query.toString()}`)).items;
};

export const retryNotification = async (api: ApiClient, key: string): Promise<void> => {
  await api.post(`/api/notifications/${encodeURIComponent(key)}/retry`);
};

/** How long to wait between looks at a running sweep. */
const POLL_MS = 1_000;

/**
 * Starts the review sweep (the server answers at once with its job) and follows the job until
 * it has finished: its result, or its reason as the error's message.
 */
export const runReviewSweep = async (
  api: ApiClient,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<SweepResult> => {
  let job = await api.post<ReviewSweepJob>('/api/jobs/review-sweep');
  while (job.state === 'running') {
    await wait(POLL_MS);
    job = await api.get<ReviewSweepJob>(job.href);
  }
  if (job.state === 'failed' || job.result === undefined) throw new Error(job.error ?? 'The review sweep failed.');
  return job.result;
};

const CHANNELS: Readonly<Record<string, string>> = {
  email: 'Email',
  channel_card: 'Channel post',
  chat_card: 'Teams chat card',
  calendar: 'Calendar event',
};

export const channelLabel = (channel: string): string => CHANNELS[channel] ?? channel;

/** "12 sent, 3 already sent, 1 will be tried again automatically" — what a sweep did, in words. */
export function sweepSummary(r: SweepResult): string {
  const failed = r.failed + r.possiblySent;
  const parts = [
    `${String(r.sent)} sent`,
    ...(r.already > 0 ? [`${String(r.already)} already sent`] : []),
    ...(r.retryScheduled > 0 ? [`${String(r.retryScheduled)} will be tried again automatically`] : []),
    ...(failed > 0 ? [`${String(failed)} could not be delivered and ${failed === 1 ? 'is' : 'are'} listed below`] : []),
    ...(r.recovered > 0 ? [`${String(r.recovered)} recovered`] : []),
  ];
  return `Review sweep done across every programme: ${String(r.dueCases)} ${r.dueCases === 1 ? 'case' : 'cases'} with reviews coming up or overdue; ${parts.join(', ')}.`;
}

const plural = (n: number, one: string, many: string): string => `${String(n)} ${n === 1 ? one : many}`;

/**
 * What the failed list says about its week, from the same answer that lists the rows: it never
 * claims everything was delivered while notifications are failed or still waiting to be tried
 * again (a sweep's "will be tried again" shows here as waiting). The sweep covers every
 * programme and the list the caller's own, and each says so: the two never read as a
 * contradiction.
 */
export function failedListSummary(page: FailedNotifications, formatDay: (day: string) => string): string {
  const days =
    page.from === page.to ? `on ${formatDay(page.to)}` : `from ${formatDay(page.from)} to ${formatDay(page.to)}`;
  const waiting =
    page.retrying === undefined
      ? ' Trellis could not count the notifications waiting to be tried again just now.'
      : page.retrying > 0
        ? ` ${plural(page.retrying, 'notification', 'notifications')} on your programmes’ cases ${page.retrying === 1 ? 'is' : 'are'} waiting to be tried again automatically.`
        : ' None on your programmes’ cases is waiting to be tried again.';
  if (page.items.length > 0)
    return `${plural(page.items.length, 'notification', 'notifications')} on your programmes’ cases could not be delivered ${days}; check the reason, then retry.${waiting}`;
  return `No notification on your programmes’ cases failed ${days}.${waiting}`;
}
