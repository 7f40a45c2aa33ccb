import { z } from 'zod';
import { addWorkingDays, formatLongDate, isAfter } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import {
  actorDisplayName,
  assertCourseTeam,
  EventBuilder,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import type { CaseState } from '../types.js';

/**
 * A case closed by mistake (the wrong outcome chosen on a review, a case closed too early) can be
 * reopened by the course team within this many working days of closing. Working days skip
 * weekends, England and Wales bank holidays and the provider's own closures (its calendar).
 */
export const REOPEN_WITHIN_WORKING_DAYS = 10;

export const reopenCaseInputSchema = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
export type ReopenCaseInput = z.infer<typeof reopenCaseInputSchema>;

/**
 * The course team reopens a case closed by mistake, with a reason. The case returns to the stage
 * and status it closed at; where a review outcome closed it, that review is set aside (kept in
 * the history, marked as set aside) so the review can be recorded again. A pause in force when
 * it closed (closing ends a pause) is in force again, from the day it began. Everything else on
 * the case stays as it was.
 */
export function reopenCase(ctx: CommandContext, state: CaseState, input: ReopenCaseInput): CommandResult {
  assertCourseTeam(ctx.actor, 'reopen a case');
  const closure = state.closure;
  if (state.status !== 'closed' || closure === undefined) {
    throw new DomainError('reopen_not_allowed', `Case ${state.reference} is open: only a closed case can be reopened.`);
  }
  const last = lastDayToReopen(ctx, closure.on);
  if (isAfter(todayOf(ctx), last)) {
    throw new DomainError(
      'reopen_not_allowed',
      `Case ${state.reference} closed on ${formatLongDate(closure.on)}, and a case can be reopened only within ${REOPEN_WITHIN_WORKING_DAYS} working days of closing (the last day was ${formatLongDate(last)}). Open a new case if the trainee needs support again.`,
      { closedOn: closure.on, lastDay: last },
    );
  }
  const closing = closingReview(state);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('case_reopened', {
    reason: input.reason,
    byName: actorDisplayName(ctx.actor),
    closedOn: closure.on,
    resolution: closure.resolution,
    ...(closure.outcomeId === undefined ? {} : { outcomeId: closure.outcomeId }),
    ...(closing === undefined ? {} : { setAsideReviewId: closing }),
  });
  return builder.result();
}

/** The last day a case closed on `closedOn` may be reopened: ten working days on, by the provider's calendar. */
export function lastDayToReopen(ctx: Pick<CommandContext, 'calendar'>, closedOn: CaseState['openedOn']) {
  return addWorkingDays(ctx.calendar, closedOn, REOPEN_WITHIN_WORKING_DAYS);
}

/** The review whose outcome closed the case: the last one, at the stage the case closed at, with the closing outcome. */
function closingReview(state: CaseState): string | undefined {
  const review = state.reviews.at(-1);
  const outcomeId = state.closure?.outcomeId;
  if (review === undefined || outcomeId === undefined) return undefined;
  return review.outcomeId === outcomeId && review.stageId === state.stageId ? review.id : undefined;
}
