import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../api/client';
import type { FailedNotifications, ReviewSweepJob } from '../../api/types';
import { failedListSummary, runReviewSweep, sweepSummary } from './notifications-api';

const RESULT = {
  planned: 3,
  sent: 2,
  already: 1,
  retryScheduled: 0,
  failed: 0,
  possiblySent: 0,
  resent: 0,
  badRows: 0,
  today: '2026-11-23',
  dueCases: 2,
  recentCases: 1,
  recovered: 0,
  caseProblems: [],
};

/** An API whose sweep job answers the given states in turn, recording what was asked. */
function apiAnswering(states: readonly ReviewSweepJob[]): { api: ApiClient; asked: string[] } {
  const asked: string[] = [];
  let next = 0;
  const answer = (): ReviewSweepJob => {
    const job = states[Math.min(next, states.length - 1)];
    next += 1;
    if (job === undefined) throw new Error('no answer');
    return job;
  };
  const refuse = (): never => {
    throw new Error('not used by the sweep');
  };
  const api: ApiClient = {
    get: <T>(path: string) => {
      asked.push(`GET ${path}`);
      return Promise.resolve(answer() as T);
    },
    post: <T>(path: string) => {
      asked.push(`POST ${path}`);
      return Promise.resolve(answer() as T);
    },
    getVersioned: refuse,
    remove: refuse,
    send: refuse,
    download: refuse,
  };
  return { api, asked };
}

const job = (state: ReviewSweepJob['state'], extra: Partial<ReviewSweepJob> = {}): ReviewSweepJob => ({
  id: 'j1',
  kind: 'review-sweep',
  state,
  startedAt: '2026-11-23T07:30:00Z',
  href: '/api/jobs/j1',
  ...extra,
});

describe('running the review sweep from the tab', () => {
  it('starts the job and follows it until it has finished, with no real waiting', async () => {
    const { api, asked } = apiAnswering([job('running'), job('running'), job('succeeded', { result: RESULT })]);
    const waits: number[] = [];
    const result = await runReviewSweep(api, (ms) => {
      waits.push(ms);
      return Promise.resolve();
    });
    expect(result).toEqual(RESULT);
    expect(asked).toEqual(['POST /api/jobs/review-sweep', 'GET /api/jobs/j1', 'GET /api/jobs/j1']);
    expect(waits).toHaveLength(2);
  });

  it('says why a failed sweep failed', async () => {
    const { api } = apiAnswering([job('failed', { error: 'Microsoft 365 is busy. Nothing was lost.' })]);
    await expect(runReviewSweep(api, () => Promise.resolve())).rejects.toThrow('Nothing was lost');
  });
});

describe('what the page says never contradicts itself', () => {
  const week = (extra: Partial<FailedNotifications>): FailedNotifications => ({
    items: [],
    from: '2026-11-17',
    to: '2026-11-23',
    earlier: '2026-11-16',
    retrying: 0,
    ...extra,
  });
  const day = (d: string): string => d;
  const failedItem = {
    key: 'k',
    caseId: 'c',
    reference: 'R',
    kind: 'plan_agreed',
    channel: 'email',
    recipient: 'x',
    attempts: 5,
    lastError: '503',
    retryable: true,
  };

  it('a sweep that left some to try again: the list says they are waiting, not that all went', () => {
    const said = sweepSummary({ ...RESULT, sent: 3, retryScheduled: 4 });
    expect(said).toContain('4 will be tried again automatically');
    const list = failedListSummary(week({ retrying: 4 }), day);
    expect(list).toBe(
      'No notification on your programmes’ cases failed from 2026-11-17 to 2026-11-23. 4 notifications on your programmes’ cases are waiting to be tried again automatically.',
    );
    expect(list).not.toMatch(/delivered/);
  });

  it('failures are counted in the same words as the sweep’s', () => {
    expect(sweepSummary({ ...RESULT, failed: 1, possiblySent: 1 })).toContain(
      '2 could not be delivered and are listed below',
    );
    expect(failedListSummary(week({ items: [failedItem], retrying: 1 }), day)).toBe(
      '1 notification on your programmes’ cases could not be delivered from 2026-11-17 to 2026-11-23; check the reason, then retry. 1 notification on your programmes’ cases is waiting to be tried again automatically.',
    );
  });

  it('nothing failed and nothing waiting says exactly that; an uncounted wait is not claimed to be none', () => {
    expect(failedListSummary(week({}), day)).toBe(
      'No notification on your programmes’ cases failed from 2026-11-17 to 2026-11-23. None on your programmes’ cases is waiting to be tried again.',
    );
    const { retrying: _counted, ...uncounted } = week({});
    expect(failedListSummary(uncounted, day)).toContain('could not count');
  });
});
