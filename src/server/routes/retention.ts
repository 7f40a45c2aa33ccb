import express, { Router, type NextFunction, type Request, type Response } from 'express';
import * as contract from '../../contract/index.js';
import { isAdmin } from '../../app/access.js';
import { parseInput } from '../../app/cases/parse-input.js';
import { eraseCase } from '../../app/data-protection/erase.js';
import { runRetention, type RetentionDeps, type RetentionResult } from '../../app/data-protection/retention.js';
import type { JobView, Jobs } from '../../app/notifications/jobs.js';
import { authenticate, callerOf } from '../auth/authenticate.js';
import type { TokenVerifier } from '../auth/verify-token.js';
import { forbidden } from '../http/problem.js';
import { alreadyRunning, JOB_KEY_HEADER, sameSecret } from './jobs.js';
import { storedJob } from './job-lookup.js';
import { reply } from '../http/reply.js';

/**
 * Retention and erasure, for administrators:
 *  - POST /api/jobs/retention `{ "dryRun": true }` answers 202 with a job whose result names
 *    every case that would go and why; without dryRun the job removes them (the same job shape
 *    as the review sweep: GET /api/jobs/{id} until it has finished). An external scheduler
 *    (web instances with TRELLIS_SCHEDULER=off) starts it weekly with `X-Trellis-Job-Key`, as it
 *    starts the review sweep;
 *  - POST /api/cases/{caseId}/erase `{ "reason": … }` erases one case now and answers its tombstone.
 */

const ADMINS_ONLY =
  'Retention runs and erasure are for Trellis administrators. Retention also runs by itself every week.';

function requireAdmin(_req: Request, res: Response, next: NextFunction): void {
  if (!isAdmin(callerOf(res))) {
    next(forbidden(ADMINS_ONLY));
    return;
  }
  next();
}

function bodyOf(req: Request): unknown {
  return (req.body as unknown) ?? {};
}

/** Mounted at /api/jobs before the review sweep's router: answers retention jobs, passes every other job on. */
export function retentionJobsRouter(
  deps: RetentionDeps & {
    readonly verifyToken: TokenVerifier;
    readonly jobs: Jobs<RetentionResult>;
    /** Refuses a body that is not JSON, before any work (the API's own check). */
    readonly requireJsonBody: express.RequestHandler;
    readonly bodyLimitBytes: number;
    /** TRELLIS_JOB_KEY (tenant mode): an external scheduler's key. */
    readonly jobKey: string | undefined;
  },
): Router {
  const router = Router();
  const bearer = authenticate(deps.verifyToken);
  /** An administrator, or an external scheduler presenting the job key. */
  const authorise = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const presented = req.get(JOB_KEY_HEADER);
    if (presented !== undefined) {
      if (deps.jobKey === undefined || !sameSecret(presented, deps.jobKey)) {
        next(forbidden('That job key is not accepted. Check TRELLIS_JOB_KEY on the server and the scheduler.'));
        return;
      }
      next();
      return;
    }
    await bearer(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      requireAdmin(req, res, next);
    });
  };
  const answer = (res: Response, job: JobView<RetentionResult>, status: number): void => {
    const href = `/api/jobs/${encodeURIComponent(job.id)}`;
    if (status === 202) res.set('Location', href);
    if (job.state === 'running') res.set('Retry-After', '2');
    reply(res, contract.retentionJob, { ...job, kind: 'retention', href }, status);
  };

  router.post(
    '/retention',
    authorise,
    deps.requireJsonBody,
    express.json({ limit: deps.bodyLimitBytes, strict: true }),
    async (req, res, next) => {
      const { dryRun } = parseInput(contract.retentionJobRequest, bodyOf(req));
      const started = await deps.jobs.start(dryRun === true ? 'retention-dry-run' : 'retention', () =>
        runRetention(deps, { dryRun: dryRun === true }),
      );
      if ('busy' in started) {
        next(alreadyRunning('A retention run'));
        return;
      }
      answer(res, started.job, 202);
    },
  );

  router.get('/:jobId', async (req, res, next) => {
    // Read once for this request: the review sweep's router, next, is handed the same reading.
    const record = await storedJob(req, deps.jobs, req.params.jobId);
    const job = record === undefined ? undefined : deps.jobs.view(record);
    if (job === undefined) {
      next();
      return;
    }
    void authorise(req, res, (refused?: unknown) => {
      if (refused !== undefined) {
        next(refused);
        return;
      }
      answer(res, job, 200);
    });
  });

  return router;
}

/** Mounted in the authenticated /api/cases, before the case routes. */
export function erasureRouter(deps: RetentionDeps): Router {
  const router = Router();
  router.post('/:caseId/erase', async (req, res) => {
    const tombstone = await eraseCase(deps, callerOf(res), req.params.caseId, bodyOf(req));
    reply(res, contract.tombstone, tombstone);
  });
  return router;
}
