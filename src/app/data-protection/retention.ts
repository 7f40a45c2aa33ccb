import { addYears, londonDateOf, type LocalDate } from '../../domain/calendar/index.js';
import type { CaseSummary } from '../../domain/ports.js';
import { RETENTION_MIN_YEARS, type Procedure, type RetentionPolicy } from '../../domain/procedure/schema.js';
import type { UseCaseDeps } from '../deps.js';
import type { CaseRecords, RemovedCaseData, Tombstone } from '../ports.js';

/**
 * The retention job: each closed case is kept for its procedure's `retention.yearsAfterClosure`
 * after the day it closed, then removed — deleted, or anonymised to counts for reports — with a
 * tombstone left in its place (ports.ts, `CaseRecords`).
 *
 * What can never be removed here, whatever a configuration says: an open case (only closed ones
 * are looked at), a case closed less than RETENTION_MIN_YEARS ago (checked again here, not only
 * when the procedure is loaded), and a case whose procedure is no longer configured (its policy
 * is unknown: it is kept and named in `kept`).
 *
 * Crash safety: for each case the tombstone is written first (`removing`), then the rows are
 * deleted, then the tombstone is marked `removed`. A run cut short leaves a `removing` tombstone;
 * the next run finishes those first. Deleting is idempotent, so finishing twice is harmless. The
 * first failure stops the run (a Graph outage is not met with thousands of failing deletes);
 * the job reports it, and the next run picks up where this one stopped.
 */

export interface RetentionDeps extends UseCaseDeps {
  readonly records: CaseRecords;
  /**
   * Deletes access-log entries older than their own retention (a year by default; access-log.ts
   * `pruneAccessLog`), answering how many went; absent where reads are not recorded.
   */
  readonly pruneAccessLog?: (now: Date) => Promise<{ readonly deleted: number }>;
}

export interface RetentionCase {
  readonly caseId: string;
  readonly reference: string;
  readonly providerId: string;
  readonly procedureId: string;
  readonly programme: string;
  readonly closedOn: LocalDate;
  readonly dueOn: LocalDate;
  readonly action: 'delete' | 'anonymise';
  readonly policy: string;
}

export interface RetentionResult {
  readonly dryRun: boolean;
  readonly today: LocalDate;
  readonly due: number;
  readonly removed: number;
  readonly resumed: number;
  readonly deletedRows: number;
  readonly deletedCalendarEvents: number;
  /** Access-log entries past their retention, deleted by this run (none in a dry run). */
  readonly deletedAccessLogEntries: number;
  readonly cases: readonly RetentionCase[];
  readonly kept: readonly { readonly caseId: string; readonly message: string }[];
}

/** Cases named in a result; `due` counts them all. */
export const LISTED_CASES = 1000;
/** Cases removed side by side: a few, so Graph is kept busy without being throttled. */
const REMOVAL_CONCURRENCY = 4;
const PAGE = 500;

export function describePolicy(policy: RetentionPolicy): string {
  const years = `${policy.yearsAfterClosure} year${policy.yearsAfterClosure === 1 ? '' : 's'}`;
  return `${years} after the case closed, then ${policy.then === 'anonymise' ? 'anonymise to counts' : 'delete'}`;
}

/** When a closed case's time is up under the policy, or undefined if it never may go (not closed). */
export function retentionDueOn(summary: CaseSummary, policy: RetentionPolicy): LocalDate | undefined {
  if (summary.status !== 'closed' || summary.closedOn === undefined) return undefined;
  return addYears(summary.closedOn, Math.max(policy.yearsAfterClosure, RETENTION_MIN_YEARS));
}

export async function runRetention(
  deps: RetentionDeps,
  options: { readonly dryRun: boolean },
): Promise<RetentionResult> {
  const today = londonDateOf(deps.clock());
  const procedures = new Map<string, Procedure>(deps.procedures.map((p) => [p.id, p]));
  const tombstones = new Map((await deps.records.tombstones()).map((t) => [t.caseId, t]));
  const unfinished = [...tombstones.values()].filter((t) => t.state === 'removing');

  const due: { readonly item: RetentionCase; readonly summary: CaseSummary }[] = [];
  const kept: { caseId: string; message: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.repository.list({
      status: 'closed',
      limit: PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const problem of page.problems) kept.push({ caseId: problem.caseId, message: problem.message });
    for (const summary of page.items) {
      // A tombstone already there: removed (a dashboard a moment behind), or being removed (finished below).
      if (tombstones.has(summary.id)) continue;
      const procedure = procedures.get(summary.procedureId);
      if (procedure === undefined) {
        kept.push({
          caseId: summary.id,
          message: `Its procedure (${summary.procedureId}) is not configured here, so its retention policy is unknown: it is kept.`,
        });
        continue;
      }
      const dueOn = retentionDueOn(summary, procedure.retention);
      if (dueOn === undefined || dueOn > today || summary.closedOn === undefined) continue;
      due.push({
        summary,
        item: {
          caseId: summary.id,
          reference: summary.reference,
          providerId: procedure.provider.id,
          procedureId: procedure.id,
          programme: summary.programme,
          closedOn: summary.closedOn,
          dueOn,
          action: procedure.retention.then,
          policy: describePolicy(procedure.retention),
        },
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  const counted = { removed: 0, resumed: 0, rows: 0, calendarEvents: 0, accessLogEntries: 0 };
  const add = (removed: RemovedCaseData): void => {
    counted.rows += removed.rows;
    counted.calendarEvents += removed.calendarEvents;
  };
  if (!options.dryRun) {
    await inTurn(unfinished, async (tombstone) => {
      add(await finishRemoval(deps.records, tombstone.caseId));
      counted.resumed += 1;
    });
    await inTurn(due, async ({ item, summary }) => {
      await deps.records.beginRemoval(tombstoneFor(item, summary, today));
      add(await finishRemoval(deps.records, item.caseId));
      counted.removed += 1;
    });
    if (deps.pruneAccessLog) counted.accessLogEntries = (await deps.pruneAccessLog(deps.clock())).deleted;
    deps.logger.info('retention run finished', {
      removed: counted.removed,
      resumed: counted.resumed,
      rows: counted.rows,
    });
  }
  return {
    dryRun: options.dryRun,
    today,
    due: due.length,
    removed: counted.removed,
    resumed: options.dryRun ? unfinished.length : counted.resumed,
    deletedRows: counted.rows,
    deletedCalendarEvents: counted.calendarEvents,
    deletedAccessLogEntries: counted.accessLogEntries,
    cases: due.slice(0, LISTED_CASES).map((d) => d.item),
    kept,
  };
}

/** Deletes the case's data and marks its tombstone removed: the second and third steps of a removal. */
export async function finishRemoval(records: CaseRecords, caseId: string): Promise<RemovedCaseData> {
  const removed = await records.removeCaseData(caseId);
  await records.finishRemoval(caseId);
  return removed;
}

function tombstoneFor(item: RetentionCase, summary: CaseSummary, today: LocalDate): Tombstone {
  return {
    caseId: item.caseId,
    providerId: item.providerId,
    procedureId: item.procedureId,
    programme: item.programme,
    openedOn: summary.openedOn,
    closedOn: item.closedOn,
    removedOn: today,
    action: item.action,
    policy: item.policy,
    state: 'removing',
    counts:
      item.action === 'anonymise'
        ? {
            stageId: summary.stageId,
            reasons: summary.reasons,
            resolution: summary.resolution,
            outcomeId: summary.outcomeId,
          }
        : undefined,
    requestedBy: undefined,
    reason: undefined,
  };
}

/** Runs `work` over the items a few at a time; the first failure stops taking new items and is thrown. */
async function inTurn<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(REMOVAL_CONCURRENCY, items.length) }, async () => {
      while (failure === undefined && next < items.length) {
        const item = items[next++];
        if (item === undefined) break;
        try {
          await work(item);
        } catch (error) {
          failure ??= { error };
        }
      }
    }),
  );
  if (failure !== undefined) throw failure.error;
}
