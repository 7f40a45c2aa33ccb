import * as contract from '../../contract/index.js';
import { reply } from '../http/reply.js';
import { timingSafeEqual } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { authenticate, callerOf } from '../auth/authenticate.js';
import type { TokenVerifier } from '../auth/verify-token.js';
import { mayReport } from '../../app/access.js';
import { forbidden, HttpProblem } from '../http/problem.js';
import type { UseCaseDeps } from '../../app/deps.js';
import type { NotifyRuntime } from '../../app/notifications/runtime.js';
import {
  DEFAULT_RECOVERY_LOOKBACK_MS,
  runReviewSweep,
  type ReviewSweepResult,
} from '../../app/notifications/review-sweep.js';
import type { JobView, Jobs } from '../../app/notifications/jobs.js';
import { storedJob } from './job-lookup.js';

/**
 * POST /api/jobs/review-sweep starts the review sweep in the background and answers 202 with
 * its job (Location: /api/jobs/{id}); GET /api/jobs/{id} says how it is going and, once done,
 * what it did — so no request waits minutes behind an ingress that cuts it off.
 * Who may: a signed-in course team member or admin (the tab's "Run review sweep now"), or an
 * external scheduler presenting `X-Trellis-Job-Key` equal to TRELLIS_JOB_KEY (tenant mode,
 * only when that variable is set). The sweep is once-only per notification whoever runs it.
 * Mounted at /api/jobs before the general /api router, so it authenticates for itself.
 */

export const JOB_KEY_HEADER = 'x-trellis-job-key';

export function jobsRouter(
  deps: UseCaseDeps & {
    readonly runtime: NotifyRuntime;
    readonly verifyToken: TokenVerifier;
    readonly jobs: Jobs<ReviewSweepResult>;
  },
): Router {
  const router = Router();
  const jobKey = deps.runtime.settings.jobKey;
  const bearer = authenticate(deps.verifyToken);

  const authorise = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const presented = req.get(JOB_KEY_HEADER);
    if (presented !== undefined) {
      if (jobKey === undefined || !sameSecret(presented, jobKey)) {
        next(forbidden('That job key is not accepted. Check TRELLIS_JOB_KEY on the server and the scheduler.'));
        return;
      }
      res.locals.jobCaller = 'scheduler';
      next();
      return;
    }
    await bearer(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      if (!mayReport(callerOf(res))) {
        next(forbidden('Running the review sweep is for the course team. It runs by itself every working morning.'));
        return;
      }
      next();
    });
  };

  const answer = (res: Response, job: JobView<ReviewSweepResult>, status: number): void => {
    const href = `/api/jobs/${encodeURIComponent(job.id)}`;
    if (status === 202) res.set('Location', href);
    if (job.state === 'running') res.set('Retry-After', '2');
    reply(res, contract.reviewSweepJob, { ...job, kind: 'review-sweep', href }, status);
  };

  router.post('/review-sweep', authorise, async (_req, res, next) => {
    const started = await deps.jobs.start('review-sweep', () =>
      runReviewSweep(deps, {
        dueReviews: true,
        recentSince: new Date(deps.clock().getTime() - DEFAULT_RECOVERY_LOOKBACK_MS),
      }),
    );
    if ('busy' in started) {
      next(alreadyRunning('The review sweep'));
      return;
    }
    answer(res, started.job, 202);
  });

  router.all('/review-sweep', (_req, _res, next) => {
    next(new HttpProblem(405, 'method_not_allowed', 'Method not allowed', 'Run the review sweep with POST.'));
  });

  router.get('/:jobId', authorise, async (req, res, next) => {
    const record = await storedJob(req, deps.jobs, String(req.params.jobId));
    const job = record === undefined ? undefined : deps.jobs.view(record);
    if (job === undefined) {
      next(
        new HttpProblem(
          404,
          'not_found',
          'No such job',
          'There is no such job: check the address the job was started with.',
        ),
      );
      return;
    }
    answer(res, job, 200);
  });

  return router;
}

/**
 * 409 for a job asked for while a scheduled pass of the same kind (which has no job of its own
 * to point at) runs on some instance.
 */
export function alreadyRunning(what: string): HttpProblem {
  return new HttpProblem(
    409,
    'conflict',
    'Already running',
    `${what} is already running (started by the scheduler). Ask again in a minute.`,
    {},
    { 'Retry-After': '60' },
  );
}

/** Compares a presented job key with the configured one in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
