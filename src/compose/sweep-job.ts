import { jsonLogger, privateLogger, type Logger } from '../app/logger.js';
import {
  DEFAULT_RECOVERY_LOOKBACK_MS,
  runReviewSweep,
  type ReviewSweepResult,
} from '../app/notifications/review-sweep.js';
import type { UseCaseDeps } from '../app/deps.js';
import type { NotifyRuntime } from '../app/notifications/runtime.js';
import { JobDeferred, type Jobs } from '../app/notifications/jobs.js';
import { serverConfigFromEnv } from './config.js';
import { startLocalMode } from './local.js';
import { proceduresFromEnv } from './procedures-config.js';
import { buildTenantTrellis } from './tenant.js';

/**
 * The review sweep as a job that runs once and exits (`npm run job:sweep`, and in production
 * `node dist/scripts/job-sweep.js`, which a scheduled Container Apps job runs each working
 * morning while the web instances run with TRELLIS_SCHEDULER=off). The same configuration as
 * the server: with GRAPH_* it sweeps the tenant's lists; without, local mode's data folder
 * (TRELLIS_DATA_DIR), whose emulator it opens itself, so no local server may be running on
 * that folder at the same time.
 *
 * It prints its result as one JSON line last. Exit codes: 0 the sweep ran; 2 it ran but some
 * cases could not be read (named in `caseProblems`; the rest were swept); 1 it could not run
 * (configuration, Graph unreachable). Running it twice the same day sends nothing twice: the
 * outbox's keys make every notification once-only. It runs under the review sweep's lease
 * (src/app/notifications/jobs.ts): while a sweep runs on some instance, or while failures make
 * every instance wait, it prints `"outcome":"deferred"` with the reason and exits 0.
 */

export const SWEEP_JOB_EXIT = { ran: 0, failed: 1, partly: 2 } as const;

interface JobTarget {
  readonly deps: UseCaseDeps & { readonly runtime: NotifyRuntime };
  /** The review sweep's lease, shared with every web instance. */
  readonly jobs: Jobs<ReviewSweepResult>;
  /** Waits for deliveries the sweep started, then lets go of Graph (and local mode's emulator). */
  close(): Promise<void>;
}

export interface SweepJobOutput {
  /** One line of the job's standard output. */
  readonly line: (text: string) => void;
  readonly logger?: Logger;
}

export async function runSweepJob(
  env: Readonly<Record<string, string | undefined>>,
  out: SweepJobOutput,
): Promise<number> {
  const logger = privateLogger(out.logger ?? jsonLogger());
  const startedAt = Date.now();
  let target: JobTarget | undefined;
  try {
    const config = serverConfigFromEnv(env);
    const { procedures } = await proceduresFromEnv(env, (problem) => {
      logger.warn('procedure warning', { problem });
    });
    if (config.mode === 'local') {
      const local = await startLocalMode({ dataDir: config.dataDir, port: 0, procedures, logger, schedule: false });
      target = {
        deps: { ...local.useCases, runtime: local.notifications.runtime },
        jobs: local.notifications.jobs,
        close: () => local.close(),
      };
    } else {
      const trellis = await buildTenantTrellis(config, { procedures, logger, schedule: false });
      target = {
        deps: { ...trellis.useCases, runtime: trellis.notifications.runtime },
        jobs: trellis.notifications.jobs,
        close: () => trellis.close(),
      };
    }
    const deps = target.deps;
    let result: ReviewSweepResult | undefined;
    try {
      // Under the review sweep's lease: not while a sweep runs on a web instance, and not again
      // while failures make every instance wait.
      result = await target.jobs.runScheduled('review-sweep', () =>
        runReviewSweep(deps, {
          dueReviews: true,
          recentSince: new Date(deps.clock().getTime() - DEFAULT_RECOVERY_LOOKBACK_MS),
        }),
      );
    } catch (error) {
      if (!(error instanceof JobDeferred)) throw error;
      await target.close();
      target = undefined;
      out.line(
        JSON.stringify({
          job: 'review-sweep',
          outcome: 'deferred',
          seconds: secondsSince(startedAt),
          reason: error.message,
          until: error.until.toISOString(),
        }),
      );
      return SWEEP_JOB_EXIT.ran;
    }
    await target.close();
    target = undefined;
    if (result === undefined) throw new Error('the review sweep answered nothing');
    const outcome = result.caseProblems.length > 0 ? 'partly' : 'ran';
    out.line(JSON.stringify({ job: 'review-sweep', outcome, seconds: secondsSince(startedAt), ...result }));
    return SWEEP_JOB_EXIT[outcome];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error('review sweep job failed', { error: message });
    out.line(
      JSON.stringify({ job: 'review-sweep', outcome: 'failed', seconds: secondsSince(startedAt), error: message }),
    );
    return SWEEP_JOB_EXIT.failed;
  } finally {
    await target?.close().catch(() => undefined);
  }
}

function secondsSince(startedAt: number): number {
  return Math.round((Date.now() - startedAt) / 100) / 10;
}
