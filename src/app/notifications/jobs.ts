import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { failureOf } from '../errors.js';

/**
 * Background jobs started from a request (POST /api/jobs/review-sweep answers 202 at once and
 * GET /api/jobs/{id} reports), so no request waits on a sweep that may take minutes behind an
 * ingress that cuts requests at about four. Jobs live in the process that runs them: a job id
 * is found on that instance only, and a finished job is kept for an hour (at most the last 50).
 * While a sweep runs, asking for another answers the one already running.
 */

/** A retention dry run is a kind of its own, so asking for a real run never gets a dry run already going. */
export type JobKind = 'review-sweep' | 'retention' | 'retention-dry-run';
export type JobState = 'running' | 'succeeded' | 'failed';

export interface JobView<Result> {
  readonly id: string;
  readonly kind: JobKind;
  readonly state: JobState;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly result?: Result;
  /** Why it failed, in words for the person who started it. */
  readonly error?: string;
}

export interface Jobs<Result> {
  /** Starts the work unless the same kind is already running here; answers that job. */
  start(kind: JobKind, work: () => Promise<Result>): JobView<Result>;
  find(id: string): JobView<Result> | undefined;
  /** Settles when every job started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

const KEEP_MS = 60 * 60_000;
const KEEP_AT_MOST = 50;

export function createJobs<Result>(options: { readonly clock: () => Date; readonly logger: Logger }): Jobs<Result> {
  const jobs = new Map<string, JobView<Result>>();
  /** The job of each kind running now, and its end. */
  const running = new Map<JobKind, { readonly id: string; readonly done: Promise<void> }>();

  const forget = (): void => {
    const now = options.clock().getTime();
    for (const [id, job] of jobs) {
      if (job.finishedAt !== undefined && now - Date.parse(job.finishedAt) > KEEP_MS) jobs.delete(id);
    }
    const finished = [...jobs.values()].filter((j) => j.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_AT_MOST))) jobs.delete(job.id);
  };

  return {
    start(kind, work) {
      forget();
      const current = running.get(kind);
      const currentJob = current === undefined ? undefined : jobs.get(current.id);
      if (currentJob !== undefined) return currentJob;
      const job: JobView<Result> = {
        id: randomUUID(),
        kind,
        state: 'running',
        startedAt: options.clock().toISOString(),
      };
      jobs.set(job.id, job);
      const done = (async () => {
        try {
          const result = await work();
          jobs.set(job.id, { ...job, state: 'succeeded', finishedAt: options.clock().toISOString(), result });
        } catch (error) {
          const failure = failureOf(error);
          // Storage busy (Graph throttling or unavailable) is the weather, not a fault: the job says
          // so and is run again later; anything else is a failure someone should look at.
          if (failure.code === 'service_unavailable')
            options.logger.warn('job stopped: storage busy', { kind, id: job.id, error: failure.detail });
          else options.logger.error('job failed', { kind, id: job.id, code: failure.code, error: failure.detail });
          jobs.set(job.id, {
            ...job,
            state: 'failed',
            finishedAt: options.clock().toISOString(),
            error: failure.userMessage,
          });
        } finally {
          running.delete(kind);
        }
      })();
      running.set(kind, { id: job.id, done });
      return job;
    },
    find(id) {
      forget();
      return jobs.get(id);
    },
    async idle() {
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}
