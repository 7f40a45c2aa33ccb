import { describe, expect, it } from 'vitest';
import { StoreError } from '../../domain/ports.js';
import { memoryLogger } from '../logger.js';
import { createJobs } from './jobs.js';

class BusyStore extends StoreError {
  readonly transient = true;
  readonly rejected = false;
  readonly retryAfterSeconds = 30;
  readonly userMessage = 'Storage is busy.';
}

const clock = (): Date => new Date('2026-11-23T10:00:00Z');

describe('background jobs', () => {
  it('a job stopped by busy storage is failed with a sentence, and logged as a warning, not an error', async () => {
    const logger = memoryLogger();
    const jobs = createJobs<number>({ clock, logger });
    const job = jobs.start('review-sweep', () => Promise.reject(new BusyStore('throttled')));
    await jobs.idle();
    const finished = jobs.find(job.id);
    expect(finished?.state).toBe('failed');
    expect(finished?.error).toMatch(/\S/);
    expect(logger.lines.map((l) => l.level)).toEqual(['warn']);
  });

  it('any other failure is logged as an error', async () => {
    const logger = memoryLogger();
    const jobs = createJobs<number>({ clock, logger });
    const job = jobs.start('review-sweep', () => Promise.reject(new Error('a bug')));
    await jobs.idle();
    expect(jobs.find(job.id)?.state).toBe('failed');
    expect(logger.lines.map((l) => [l.level, l.message])).toEqual([['error', 'job failed']]);
  });

  it('answers the running job instead of starting a second of the same kind', async () => {
    const jobs = createJobs<number>({ clock, logger: memoryLogger() });
    let finish: (value: number) => void = () => undefined;
    const first = jobs.start('review-sweep', () => new Promise<number>((resolve) => (finish = resolve)));
    expect(jobs.start('review-sweep', () => Promise.resolve(2)).id).toBe(first.id);
    finish(1);
    await jobs.idle();
    expect(jobs.find(first.id)).toMatchObject({ state: 'succeeded', result: 1 });
  });
});
