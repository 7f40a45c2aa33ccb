import type { ApiClient } from '../../api/client';

/** The notification endpoints the page uses (src/server/routes/notifications.ts, jobs.ts). */

export interface FailedNotification {
  readonly key: string;
  readonly caseId: string;
  readonly reference: string;
  readonly kind: string;
  /** email, channel_card, chat_card or calendar. */
  readonly channel: string;
  /** Display text: "Name <address>", "Course team channel (programme)". */
  readonly recipient: string;
  readonly attempts: number;
  readonly lastError: string;
  readonly updatedAt: string | undefined;
  readonly retryable: boolean;
}

export interface SweepResult {
  readonly today: string;
  readonly dueCases: number;
  readonly recovered: number;
  readonly sent: number;
  readonly already: number;
  readonly retryScheduled: number;
  readonly failed: number;
  readonly possiblySent: number;
}

export const listFailedNotifications = (api: ApiClient): Promise<{ readonly items: readonly FailedNotification[] }> =>
  api.get<{ readonly items: readonly FailedNotification[] }>('/api/notifications?state=failed');

export const retryNotification = async (api: ApiClient, key: string): Promise<void> => {
  await api.send('POST', `/api/notifications/${encodeURIComponent(key)}/retry`, undefined, { ifMatch: undefined });
};

export const runReviewSweep = async (api: ApiClient): Promise<SweepResult> =>
  (await api.send<SweepResult>('POST', '/api/jobs/review-sweep', undefined, { ifMatch: undefined })).data;

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
