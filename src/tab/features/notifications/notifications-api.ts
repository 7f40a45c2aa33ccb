import type { ApiClient } from '../../api/client';
import type { FailedNotification, ReviewSweepJob, SweepResult } from '../../api/types';

/** The notification endpoints the page uses (src/server/routes/notifications.ts, jobs.ts); types from the contract. */

export type { FailedNotification, SweepResult };

export const listFailedNotifications = (api: ApiClient): Promise<{ readonly items: readonly FailedNotification[] }> =>
  api.get<{ readonly items: readonly FailedNotification[] }>('/api/notifications?state=failed');

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

/** "12 sent, 3 already sent, 1 to retry" — what a sweep did, in words. */
export function sweepSummary(r: SweepResult): string {
  const parts = [
    `${String(r.sent)} sent`,
    ...(r.already > 0 ? [`${String(r.already)} already sent`] : []),
    ...(r.retryScheduled > 0 ? [`${String(r.retryScheduled)} to retry`] : []),
    ...(r.failed + r.possiblySent > 0 ? [`${String(r.failed + r.possiblySent)} failed`] : []),
    ...(r.recovered > 0 ? [`${String(r.recovered)} recovered`] : []),
  ];
  return `Review sweep done: ${String(r.dueCases)} ${r.dueCases === 1 ? 'case' : 'cases'} with reviews coming up or overdue; ${parts.join(', ')}.`;
}
