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
import { weakTag } from './notifications.js';
import { DEFAULT_RECOVERY_LOOKBACK_MS, runReviewSweep } from '../../app/notifications/review-sweep.js';

/**
 * POST /api/jobs/review-sweep: runs the review sweep now and answers what it did.
 * Who may: a signed-in course team member or admin (the tab's "Run review sweep now"), or an
 * external scheduler presenting `X-Trellis-Job-Key` equal to TRELLIS_JOB_KEY (tenant mode,
 * only when that variable is set). The sweep is once-only per notification whoever runs it.
 * Mounted at /api/jobs before the general /api router, so it authenticates for itself.
 */

export const JOB_KEY_HEADER = 'x-trellis-job-key';

export function jobsRouter(
  deps: UseCaseDeps & { readonly runtime: NotifyRuntime; readonly verifyToken: TokenVerifier },
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

  router.post('/review-sweep', authorise, async (_req, res) => {
    const result = await runReviewSweep(deps, {
      dueReviews: true,
      recentSince: new Date(deps.clock().getTime() - DEFAULT_RECOVERY_LOOKBACK_MS),
    });
    res.set('ETag', weakTag(result));
    reply(res, contract.reviewSweepResult, result);
  });

  router.all('/review-sweep', (_req, _res, next) => {
    next(new HttpProblem(405, 'method_not_allowed', 'Method not allowed', 'Run the review sweep with POST.'));
  });

  return router;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
