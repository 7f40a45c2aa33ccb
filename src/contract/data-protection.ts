import { z } from 'zod';
import { instant, localDate, personId } from './common.js';

/**
 * Retention and erasure on the wire: POST /api/jobs/retention (the retention job, dry run or
 * not), POST /api/cases/{caseId}/erase (an administrator erases a case on request) and the
 * tombstone both leave behind.
 */

const text = z.string();
const count = z.number().int();

/** POST /api/jobs/retention. */
export const retentionJobRequest = z.strictObject({
  /** Say what would be removed and why, and remove nothing. */
  dryRun: z.boolean().optional(),
});

/** POST /api/cases/{caseId}/erase. */
export const eraseCaseRequest = z.strictObject({
  /** Why the case is erased (the request it answers): kept on the tombstone. No names, please. */
  reason: z.string().trim().min(1).max(500),
});

export const removalAction = z.enum(['delete', 'anonymise', 'erase']);

/**
 * What is left of a removed case: enough to explain the reports (a case that was counted, and
 * why it is no longer there), nothing that names a person.
 */
export const tombstone = z.strictObject({
  caseId: text,
  providerId: text,
  procedureId: text,
  programme: text,
  openedOn: localDate,
  /** Absent for a case erased while still open. */
  closedOn: localDate.optional(),
  /** When it was removed. */
  removedOn: localDate,
  action: removalAction,
  /** The policy in words: "6 years after the case closed, then delete", "erased on request". */
  policy: text,
  /** `removing` while its rows are being deleted (a run cut short finishes it next time). */
  state: z.enum(['removing', 'removed']),
  /** Anonymised cases only: what the cohort reports count. */
  counts: z
    .strictObject({
      stageId: text,
      reasons: z.array(text),
      resolution: text.optional(),
      outcomeId: text.optional(),
    })
    .optional(),
  /** Erasure only: the administrator who erased it and why. */
  requestedBy: personId.optional(),
  reason: text.optional(),
});

/** One case the retention job removes (or, in a dry run, would remove), and why. */
export const retentionCase = z.strictObject({
  caseId: text,
  reference: text,
  providerId: text,
  procedureId: text,
  programme: text,
  closedOn: localDate,
  /** The first day the policy allows its removal (closed date plus the policy's years). */
  dueOn: localDate,
  action: z.enum(['delete', 'anonymise']),
  policy: text,
});

export const retentionResult = z.strictObject({
  dryRun: z.boolean(),
  today: localDate,
  /** Closed cases whose time is up, this run. */
  due: count,
  /** Cases removed this run (0 in a dry run). */
  removed: count,
  /** Removals an earlier run started and did not finish: finished now (or, in a dry run, waiting). */
  resumed: count,
  /** Rows and calendar events deleted this run. */
  deletedRows: count,
  deletedCalendarEvents: count,
  /** Access-log entries older than the access log's own retention (a year by default), deleted this run. */
  deletedAccessLogEntries: count,
  /** The due cases, at most the first 1,000 (`due` says how many in all). */
  cases: z.array(retentionCase),
  /** Closed cases kept although their time may be up, with the reason (a procedure no longer configured, a row that cannot be read). */
  kept: z.array(z.strictObject({ caseId: text, message: text })),
});

/** POST /api/jobs/retention (202) and GET /api/jobs/{jobId} for a retention run. */
export const retentionJob = z.strictObject({
  id: text,
  kind: z.literal('retention'),
  state: z.enum(['running', 'succeeded', 'failed']),
  startedAt: instant,
  finishedAt: instant.optional(),
  result: retentionResult.optional(),
  error: text.optional(),
  href: text,
});
