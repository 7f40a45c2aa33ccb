import { hostname } from 'node:os';
import { z } from 'zod';
import type { RetentionResult } from '../app/data-protection/retention.js';
import type { Logger } from '../app/logger.js';
import { createJobs, type JobStore, type Jobs } from '../app/notifications/jobs.js';
import type { ReviewSweepResult } from '../app/notifications/review-sweep.js';
import { retentionCase, retentionResult, reviewSweepResult } from '../contract/index.js';
import { localDateSchema } from '../domain/calendar/index.js';

/**
 * The two registries of background jobs, over one store of jobs and leases (the Trellis Jobs
 * list): review sweeps, and retention runs (a real run and a dry run are kinds of their own).
 * A stored result is read back with the wire contract's schema, its days as the domain's dates.
 */

interface JobsInputs {
  readonly store: JobStore;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** Real time for leases (tests pin it). */
  readonly leaseNow?: () => Date;
}

/** Names this process in outbox claims. */
export const INSTANCE_NAME = `${hostname()}:${process.pid}`;

/**
 * The name this instance keeps across restarts, where it has one: TRELLIS_INSTANCE_NAME, else the
 * one App Service (WEBSITE_INSTANCE_ID) or Container Apps (CONTAINER_APP_REPLICA_NAME) gives each
 * instance. Each instance must have its own: two processes given the same name would each take
 * the other's job leases for stale ones at start.
 */
const LASTING_NAME = [
  process.env.TRELLIS_INSTANCE_NAME,
  process.env.WEBSITE_INSTANCE_ID,
  process.env.CONTAINER_APP_REPLICA_NAME,
].find((name) => name !== undefined && name.trim() !== '');

/**
 * Names this process in job leases and job rows: with a lasting name, `name/host:pid`, so a
 * restarted instance knows a lease its earlier life held and frees it at start (createJobs'
 * `recover`) instead of waiting for it to run out.
 */
export const JOB_OWNER: { readonly owner: string; readonly earlierLife?: (owner: string) => boolean } =
  LASTING_NAME === undefined
    ? { owner: INSTANCE_NAME }
    : {
        owner: `${LASTING_NAME}/${INSTANCE_NAME}`,
        earlierLife: (owner) => owner.startsWith(`${LASTING_NAME}/`) && owner !== `${LASTING_NAME}/${INSTANCE_NAME}`,
      };

export function createSweepJobs(inputs: JobsInputs): Jobs<ReviewSweepResult> {
  return createJobs<ReviewSweepResult>({
    ...inputs,
    kinds: ['review-sweep'],
    result: reviewSweepResult.extend({ today: localDateSchema }),
    ...JOB_OWNER,
  });
}

export function createRetentionJobs(inputs: JobsInputs): Jobs<RetentionResult> {
  return createJobs<RetentionResult>({
    ...inputs,
    kinds: ['retention', 'retention-dry-run'],
    result: retentionResult.extend({
      today: localDateSchema,
      cases: z.array(retentionCase.extend({ closedOn: localDateSchema, dueOn: localDateSchema })),
    }),
    ...JOB_OWNER,
  });
}
