import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { getStage } from '../../procedure/load-procedure.js';
import {
  assertCourseTeam,
  assertOpen,
  currentStage,
  EventBuilder,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { enterStage } from '../transitions.js';
import type { CaseState } from '../types.js';

export const escalateCaseInputSchema = z.strictObject({
  toStageId: z.string().max(60),
  reason: z.string().trim().min(1).max(2000),
});

export type EscalateCaseInput = z.infer<typeof escalateCaseInputSchema>;

/** Moves the case on without a review, only where the procedure allows (RCTTP: the Executive Group "at any point"). */
export function escalateCase(ctx: CommandContext, state: CaseState, input: EscalateCaseInput): CommandResult {
  assertCourseTeam(ctx.actor, 'escalate a case');
  assertOpen(state);
  const stage = currentStage(state, ctx.procedure);
  if (!stage.escalateTo.includes(input.toStageId)) {
    const options = stage.escalateTo.map((id) => getStage(ctx.procedure, id).title);
    throw new DomainError(
      'escalation_not_allowed',
      options.length === 0
        ? `${ctx.procedure.name} moves on from ${stage.title} only through its review.`
        : `From ${stage.title} the case can be escalated to: ${options.join(', ')}.`,
    );
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('case_escalated', { fromStageId: stage.id, toStageId: input.toStageId, reason: input.reason });
  enterStage(builder, ctx, getStage(ctx.procedure, input.toStageId), 'escalation');
  return builder.result();
}
