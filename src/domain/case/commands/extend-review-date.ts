import { z } from 'zod';
import { describeDuration, formatLongDate, isAfter, localDateSchema } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import {
  assertNotPaused,
  assertOpen,
  assertStaff,
  currentStage,
  EventBuilder,
  planRulesOf,
  requirePlan,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { reviewDateConcerns, windowEnd } from '../plan-rules.js';
import type { CaseState } from '../types.js';

export const extendReviewDateInputSchema = z.strictObject({
  reviewDate: localDateSchema,
  reason: z.string().trim().min(1).max(2000),
});

export type ExtendReviewDateInput = z.infer<typeof extendReviewDateInputSchema>;

/** Moves the review later, never past the stage's cap (its extension cap, else its review window). */
export function extendReviewDate(ctx: CommandContext, state: CaseState, input: ExtendReviewDateInput): CommandResult {
  assertStaff(state, ctx.procedure, ctx.actor, 'extend the review date');
  assertOpen(state);
  assertNotPaused(state, 'extend the review date');
  const plan = requirePlan(state);
  const current = plan.content.reviewDate;
  if (plan.agreedOn === undefined || current === undefined || state.status !== 'active') {
    throw new DomainError(
      'plan_not_agreed',
      'Only the review date of an agreed plan can be extended; while drafting, edit the plan.',
    );
  }
  if (!isAfter(input.reviewDate, current)) {
    throw new DomainError(
      'extension_not_allowed',
      `An extension moves the review later than ${formatLongDate(current)}.`,
    );
  }
  const stage = currentStage(state, ctx.procedure);
  const cap = stage.extensionCap ?? planRulesOf(ctx.procedure, plan).reviewWindow;
  if (cap) {
    const latest = windowEnd(ctx.calendar, plan.agreedOn, cap, plan.pausedWorkingDays);
    if (isAfter(input.reviewDate, latest)) {
      throw new DomainError(
        'extension_not_allowed',
        `${stage.title} runs for at most ${describeDuration(cap)} from ${formatLongDate(plan.agreedOn)}, so the review can move to ${formatLongDate(latest)} at the latest.`,
        { latest },
      );
    }
    // A stage that sets when its review happens means a day the people can meet, on the placement.
    const concerns = reviewDateConcerns(input.reviewDate, {
      calendar: ctx.calendar,
      placementEndsOn: state.placement.endsOn,
      today: todayOf(ctx),
    });
    if (concerns.length > 0)
      throw new DomainError(
        'extension_not_allowed',
        `The review cannot move to ${formatLongDate(input.reviewDate)}: ${concerns.join(' ')} Choose a working day on or before ${formatLongDate(latest)}.`,
        { concerns },
      );
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('review_date_extended', { from: current, to: input.reviewDate, reason: input.reason });
  return builder.result();
}
