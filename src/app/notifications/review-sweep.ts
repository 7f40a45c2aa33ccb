import { SpanStatusCode, trace } from '@opentelemetry/api';
import { recordSweepDuration, TELEMETRY_SCOPE } from '../telemetry.js';
import { addWorkingDays, londonDateOf, type LocalDate } from '../../domain/calendar/index.js';
import { calendarFor, milestoneStatuses } from '../../domain/case/index.js';
import type { CaseSummary as StoredSummary, StoredCase } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { planDueReviews, type CaseSummary as DueCase } from '../../notify/due-reviews.js';
import { planDueMilestones } from '../../notify/due-milestones.js';
import { signatureRequestsOwed } from '../../notify/due-signatures.js';
import type { Notification } from '../../notify/notification.js';
import { replanTrail } from '../../notify/replan.js';
import { withCorrespondenceCopies } from '../../notify/copies.js';
import { runSweep, type SweepReport } from '../../notify/sweep.js';
import type { UseCaseDeps } from '../deps.js';
import { notifyConfigFor } from './settings.js';
import { openLinkedCases } from '../cases/linked-cases.js';
import { mapLimit, sweepDepsOf, type NotifyRuntime } from './runtime.js';
import { versionsOf } from '../cases/procedure-versions.js';

/**
 * The review sweep as a use case (POST /api/jobs/review-sweep, the scheduler):
 * 1. due reviews: open cases whose next review is within the lead time or past (one query of
 *    the delta-synced case rows), each read once for its people's addresses, planned by
 *    planDueReviews under the case's own procedure calendar;
 *    Deadlines inside a stage (a week-by-week plan's milestones) are reminded the same way,
 *    from the open cases at a stage that has them (planDueMilestones);
 *    plans waiting for signatures are checked again: one that can be signed today asks those
 *    the outbox shows were not asked in their round (signatureRequestsOwed);
 * 2. recovery: cases changed since `recentSince` have their recent commands re-planned
 *    (replanTrail) and only keys missing from the outbox are claimed, so a process that died
 *    between an append and its delivery loses nothing;
 * 3. the outbox's own work: due retries and stale claims (runSweep).
 */

/** How far back recovery looks by default: covers a weekend and a bank holiday between daily runs. */
export const DEFAULT_RECOVERY_LOOKBACK_MS = 4 * 24 * 60 * 60 * 1000;
const READ_CONCURRENCY = 8;
const PAGE = 500;

export interface ReviewSweepOptions {
  /** Plan review reminders (the daily run); false for a delivery-only pass. */
  readonly dueReviews: boolean;
  /** Re-plan commands run since this instant. */
  readonly recentSince: Date;
}

export interface ReviewSweepResult extends SweepReport {
  readonly today: LocalDate;
  /** Open cases with a review inside the lead time or overdue. */
  readonly dueCases: number;
  /** Cases changed since `recentSince`, re-planned. */
  readonly recentCases: number;
  /** Notifications the re-plan found missing from the outbox. */
  readonly recovered: number;
  /** Cases that could not be read (named, so someone can look): the rest still ran. */
  readonly caseProblems: readonly { readonly caseId: string; readonly message: string }[];
}

export async function runReviewSweep(
  deps: Omit<UseCaseDeps, 'placements'> & { readonly runtime: NotifyRuntime },
  options: ReviewSweepOptions,
): Promise<ReviewSweepResult> {
  // Timed in real time (the dev clock may stand still), as a span of its own with the Graph calls under it.
  const kind = options.dueReviews ? 'due_reviews' : 'delivery';
  return trace.getTracer(TELEMETRY_SCOPE).startActiveSpan(`review sweep ${kind}`, async (span) => {
    const started = performance.now();
    try {
      const result = await sweepOnce(deps, options);
      recordSweepDuration((performance.now() - started) / 1000, kind, 'ok');
      span.setAttributes({
        'trellis.sweep.sent': result.sent,
        'trellis.sweep.failed': result.failed,
        'trellis.sweep.due_cases': result.dueCases,
      });
      return result;
    } catch (error) {
      recordSweepDuration((performance.now() - started) / 1000, kind, 'failed');
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

async function sweepOnce(
  deps: Omit<UseCaseDeps, 'placements'> & { readonly runtime: NotifyRuntime },
  options: ReviewSweepOptions,
): Promise<ReviewSweepResult> {
  const now = deps.clock();
  const today = londonDateOf(now);
  const { settings } = deps.runtime;
  const caseProblems: { caseId: string; message: string }[] = [];
  // Each case under the version of its procedure it follows (an older one is read once from the store).
  const procedureOf = async (stored: StoredCase): Promise<Procedure | undefined> => {
    try {
      return await versionsOf(deps).of(stored.state);
    } catch (error) {
      caseProblems.push({ caseId: stored.state.id, message: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };
  const all = await allSummaries(deps, caseProblems);

  const horizon = latest(
    deps.procedures.map((p) => addWorkingDays(calendarFor(p), today, settings.leadWorkingDays)),
    today,
  );
  const due = options.dueReviews
    ? all.filter((s) => s.status !== 'closed' && s.nextReviewDate !== undefined && s.nextReviewDate <= horizon)
    : [];
  const since = options.recentSince.getTime();
  const recent = all.filter((s) => Date.parse(s.updatedAt) >= since);
  // Open cases at a stage with a week-by-week plan: their milestones are reminded like reviews.
  const staged = options.dueReviews
    ? all.filter(
        (s) =>
          s.status !== 'closed' &&
          !s.paused &&
          // The running version decides which cases are read; each is then reminded under its own.
          (deps.procedures.find((p) => p.id === s.procedureId)?.stages.find((st) => st.id === s.stageId)?.milestones
            .length ?? 0) > 0,
      )
    : [];

  // Open plans waiting for signatures whose signatories may be owed a request no command sent: a
  // command that asks nobody (a move to a newer procedure version, someone signing on the first
  // day the plan can be signed) or a process that died before planning it. Those changed
  // recently, and those someone has signed (whoever is left may never have been asked). Not every
  // plan still being drafted: reading each of those and querying the outbox for each, every day,
  // doubled the sweep's Graph requests over 10,000 cases. A draft nobody has signed that comes to
  // be signable with no change on its case (a provider closure taken back) is sent for signature
  // at its next change.
  const recentIds = new Set(recent.map((s) => s.id));
  const unsigned = options.dueReviews
    ? all.filter(
        (s) =>
          s.status !== 'closed' && s.awaitingSignatures && (s.status === 'awaiting_signatures' || recentIds.has(s.id)),
      )
    : [];

  const wanted = [...new Set([...due, ...recent, ...staged, ...unsigned].map((s) => s.id))];
  const cases = new Map<string, StoredCase>();
  await mapLimit(wanted, READ_CONCURRENCY, async (caseId) => {
    try {
      const stored = await deps.repository.find(caseId);
      if (stored) cases.set(caseId, stored);
    } catch (error) {
      caseProblems.push({ caseId, message: error instanceof Error ? error.message : String(error) });
    }
  });

  // What the sweep sends is correspondence too: copied where the case's procedure says all of it is.
  const copied = (procedure: Procedure, stored: StoredCase, notifications: readonly Notification[]): Notification[] =>
    withCorrespondenceCopies(
      {
        procedure,
        people: stored.state.people,
        placement: stored.state.placement,
        config: notifyConfigFor(settings, procedure),
      },
      notifications,
    );

  const work: Notification[] = [];
  for (const summary of due) {
    const stored = cases.get(summary.id);
    const procedure = stored ? await procedureOf(stored) : undefined;
    if (!stored || !procedure || summary.nextReviewDate === undefined) continue;
    const reminders = planDueReviews({
      cases: [dueCase(stored, procedure, summary.nextReviewDate)],
      today,
      calendar: calendarFor(procedure),
      leadWorkingDays: settings.leadWorkingDays,
      escalateAfterWorkingDays: settings.escalateAfterWorkingDays,
    });
    work.push(...copied(procedure, stored, reminders));
  }

  // Linked cases a recent decision fixed but a crash kept from opening (linked-cases.ts).
  let linkedOpened = 0;
  for (const summary of recent) {
    const stored = cases.get(summary.id);
    if (!stored || stored.state.linkedCases.length === 0) continue;
    const procedure = await procedureOf(stored);
    if (!procedure) continue;
    try {
      linkedOpened += (await openLinkedCases(deps, procedure, stored)).opened.length;
    } catch (error) {
      caseProblems.push({ caseId: summary.id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  if (linkedOpened > 0) deps.logger.warn('linked cases opened by the sweep', { linkedOpened });
  for (const summary of staged) {
    const stored = cases.get(summary.id);
    if (!stored || stored.state.status === 'closed') continue;
    const procedure = await procedureOf(stored);
    const stage = procedure?.stages.find((s) => s.id === stored.state.stageId);
    if (!procedure || !stage) continue;
    const reminders = planDueMilestones({
      cases: [
        {
          caseId: stored.state.id,
          reference: stored.state.reference,
          stageId: stage.id,
          stageTitle: stage.title,
          startsOn: stored.state.stageStartsOn,
          milestones: milestoneStatuses(stage, stored.state),
          people: stored.state.people,
          reminded: stage.review?.reviewers ?? [],
        },
      ],
      today,
      calendar: calendarFor(procedure),
      leadWorkingDays: settings.leadWorkingDays,
    });
    work.push(...copied(procedure, stored, reminders));
  }

  // A plan waiting for signatures that can be signed today: whoever has not been asked in their
  // round (the outbox says who was) is asked now (due-signatures.ts).
  for (const summary of unsigned) {
    const stored = cases.get(summary.id);
    const procedure = stored ? await procedureOf(stored) : undefined;
    if (!stored || !procedure) continue;
    const owed = signatureRequestsOwed({
      procedure,
      state: stored.state,
      events: stored.events,
      today,
      calendar: calendarFor(procedure),
    });
    if (owed.length === 0) continue;
    const known = await deps.runtime.outbox.knownOf(
      summary.id,
      owed.flatMap((o) => o.askedUnder),
    );
    const requests = owed.filter((o) => !o.askedUnder.some((key) => known.has(key))).map((o) => o.notification);
    work.push(...copied(procedure, stored, requests));
  }

  let recovered = 0;
  const replanned = await mapLimit(recent, READ_CONCURRENCY, async (summary) => {
    const stored = cases.get(summary.id);
    const procedure = stored ? await procedureOf(stored) : undefined;
    if (!stored || !procedure) return [];
    const owed = replanTrail({
      procedure,
      events: stored.events,
      config: notifyConfigFor(settings, procedure),
      since: options.recentSince.toISOString(),
      calendar: calendarFor(procedure),
    });
    if (owed.length === 0) return [];
    const known = await deps.runtime.outbox.knownOf(
      summary.id,
      owed.map((n) => n.key),
    );
    return owed.filter((n) => !known.has(n.key));
  });
  for (const missing of replanned) {
    recovered += missing.length;
    work.push(...missing);
  }

  const report = await runSweep({ ...sweepDepsOf(deps.runtime, deps.clock), due: () => Promise.resolve(work) });
  if (recovered > 0) deps.logger.warn('notifications recovered by the sweep', { recovered });
  return { ...report, today, dueCases: due.length, recentCases: recent.length, recovered, caseProblems };
}

/** Every case row's summary, through the repository's delta-synced list (no trail reads). */
async function allSummaries(
  deps: Omit<UseCaseDeps, 'placements'>,
  problems: { caseId: string; message: string }[],
): Promise<StoredSummary[]> {
  const out: StoredSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.repository.list({ limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.items);
    if (cursor === undefined) problems.push(...page.problems);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

function dueCase(stored: StoredCase, procedure: Procedure, reviewDate: LocalDate): DueCase {
  const { state } = stored;
  return {
    caseId: state.id,
    reference: state.reference,
    stageId: state.stageId,
    stageTitle: procedure.stages.find((s) => s.id === state.stageId)?.title ?? state.stageId,
    programme: state.placement.programme,
    reviewDate,
    people: state.people,
  };
}

function latest(dates: readonly LocalDate[], fallback: LocalDate): LocalDate {
  return dates.reduce((a, b) => (b > a ? b : a), fallback);
}
