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

export const closeCaseInputSchema = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
export type CloseCaseInput = z.infer<typeof closeCaseInputSchema>;

/** The course team closes a case outside its outcomes (e.g. opened in error, trainee transferred). */
export function closeCase(ctx: CommandContext, state: CaseState, input: CloseCaseInput): CommandResult {
  assertCourseTeam(ctx.actor, 'close a case');
  assertOpen(state);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('case_closed', { resolution: 'closed_by_course_team', reason: input.reason });
  return builder.result();
}

/** The trainee has withdrawn from the programme. */
export function withdrawCase(ctx: CommandContext, state: CaseState, input: CloseCaseInput): CommandResult {
  assertStaff(state, ctx.procedure, ctx.actor, 'record a withdrawal');
  assertOpen(state);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('case_closed', { resolution: 'withdrawn', reason: input.reason });
  return builder.result();
}
