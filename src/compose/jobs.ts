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

/** Names this instance in leases and job rows. */
export const INSTANCE_NAME = `${hostname()}:${process.pid}`;

export function createSweepJobs(inputs: JobsInputs): Jobs<ReviewSweepResult> {
  return createJobs<ReviewSweepResult>({
    ...inputs,
    kinds: ['review-sweep'],
    result: reviewSweepResult.extend({ today: localDateSchema }),
    owner: INSTANCE_NAME,
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
    owner: INSTANCE_NAME,
  });
}
