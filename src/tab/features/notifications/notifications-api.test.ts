import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../api/client';
import type { ReviewSweepJob } from '../../api/types';
import { runReviewSweep } from './notifications-api';

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
