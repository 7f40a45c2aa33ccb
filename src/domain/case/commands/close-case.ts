import { z } from 'zod';
import {
  assertCourseTeam,
  assertOpen,
  assertStaff,
  EventBuilder,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import type { CaseState } from '../types.js';

export const closeCaseInputSchema = z.strictObject({
  reason: z.string().trim().min(1).max(2000),
  /**
   * The case should never have been opened (the wrong trainee, a duplicate, a concern raised by
   * someone with no standing): the course team only. It then does not count as an earlier case
   * of the trainee, and nobody outside the course team is told it closed.
   */
  openedInError: z.boolean().optional(),
});
export type CloseCaseInput = z.infer<typeof closeCaseInputSchema>;

/** The course team closes a case outside its outcomes (e.g. opened in error, trainee transferred). */
export function closeCase(ctx: CommandContext, state: CaseState, input: CloseCaseInput): CommandResult {
  assertCourseTeam(ctx.actor, 'close a case');
  assertOpen(state);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('case_closed', {
    resolution: input.openedInError === true ? 'opened_in_error' : 'closed_by_course_team',
    reason: input.reason,
  });
  return builder.result();
}

/** The trainee has withdrawn from the programme. */
export function withdrawCase(ctx: CommandContext, state: CaseState, input: CloseCaseInput): CommandResult {
  if (input.openedInError === true) assertCourseTeam(ctx.actor, 'withdraw a case as opened in error');
  else assertStaff(state, ctx.procedure, ctx.actor, 'record a withdrawal');
  assertOpen(state);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('case_closed', {
    resolution: input.openedInError === true ? 'opened_in_error' : 'withdrawn',
    reason: input.reason,
  });
  return builder.result();
}
