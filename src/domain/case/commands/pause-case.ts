import { z } from 'zod';
import { addWorkingDays, workingDaysBetween } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import {
  assertOpen,
  assertStaff,
  EventBuilder,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { PAUSE_REASONS, type CaseState } from '../types.js';

/**
 * A pause stops the review clock (e.g. for health). Only the category is kept: the schema is
 * strict, so a diagnosis or any other free text is refused rather than stored.
 */
export const pauseCaseInputSchema = z.strictObject({ reason: z.enum(PAUSE_REASONS) });
export type PauseCaseInput = z.infer<typeof pauseCaseInputSchema>;

export function pauseCase(ctx: CommandContext, state: CaseState, input: PauseCaseInput): CommandResult {
  assertStaff(state, ctx.procedure, ctx.actor, 'pause a case');
  assertOpen(state);
  if (state.paused) throw new DomainError('case_paused', `Case ${state.reference} is already paused.`);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('case_paused', { reason: input.reason });
  return builder.result();
}

/** Resuming moves the review date on by the working days the case was paused. */
export function resumeCase(ctx: CommandContext, state: CaseState): CommandResult {
  assertStaff(state, ctx.procedure, ctx.actor, 'resume a case');
  assertOpen(state);
  const paused = state.paused;
  if (!paused) throw new DomainError('case_not_paused', `Case ${state.reference} is not paused.`);
  const days = workingDaysBetween(ctx.calendar, paused.since, todayOf(ctx));
  const reviewDate = state.plan?.agreedOn === undefined ? undefined : state.plan.content.reviewDate;
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('case_resumed', {
    workingDaysPaused: days,
    ...(reviewDate === undefined ? {} : { reviewDate: addWorkingDays(ctx.calendar, reviewDate, days) }),
  });
  return builder.result();
}
