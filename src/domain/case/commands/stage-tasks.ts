import { z } from 'zod';
import { localDateSchema } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import { assertCourseTeam, assertOpen, assertStaff, currentStage, EventBuilder, type CommandContext, type CommandResult } from '../command-kit.js';
import type { CaseState } from '../types.js';

export const completeTaskInputSchema = z.strictObject({
  taskId: z.string().max(60),
  note: z.string().trim().max(2000).optional(),
});
export type CompleteTaskInput = z.infer<typeof completeTaskInputSchema>;

/** Ticks off one of the stage's tasks (BCU Stage 5: failed-placement record, Placement Review Form sent …). */
export function completeTask(ctx: CommandContext, state: CaseState, input: CompleteTaskInput): CommandResult {
  assertStaff(state, ctx.procedure, ctx.actor, 'complete a task');
  assertOpen(state);
  const stage = currentStage(state, ctx.procedure);
  const task = stage.tasks.find((t) => t.id === input.taskId);
  if (!task) throw new DomainError('task_unknown', `${stage.title} has no task "${input.taskId}".`);
  // Done once per visit: the Executive Group convened again hears a new report (RCTTP).
  const visit = state.stageHistory.length - 1;
  if (state.tasksDone.some((t) => t.stageId === stage.id && t.taskId === task.id && t.visit === visit)) {
    throw new DomainError('invalid_input', `“${task.label}” is already done.`);
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('task_completed', { stageId: stage.id, taskId: task.id, ...(input.note ? { note: input.note } : {}) });
  return builder.result();
}

export const suspendPlacementInputSchema = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
export type SuspendPlacementInput = z.infer<typeof suspendPlacementInputSchema>;

/** Enhanced Support step 5: "The placement may be suspended immediately in order to avoid negative impact on pupils' progress." */
export function suspendPlacement(ctx: CommandContext, state: CaseState, input: SuspendPlacementInput): CommandResult {
  assertCourseTeam(ctx.actor, 'suspend a placement');
  assertOpen(state);
  const stage = currentStage(state, ctx.procedure);
  if (!stage.allowsSuspension) throw new DomainError('suspension_not_allowed', `The placement cannot be suspended at ${stage.title}.`);
  if (state.placementSuspended) throw new DomainError('invalid_input', 'The placement is already suspended.');
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('placement_suspended', { reason: input.reason });
  return builder.result();
}

export const setStageStartInputSchema = z.strictObject({ startsOn: localDateSchema });
export type SetStageStartInput = z.infer<typeof setStageStartInputSchema>;

/** Sets when a scheduled stage begins (the Deferred Final Assessment runs "in the following term"); its milestones count from it. */
export function setStageStart(ctx: CommandContext, state: CaseState, input: SetStageStartInput): CommandResult {
  assertCourseTeam(ctx.actor, 'schedule a stage');
  assertOpen(state);
  const stage = currentStage(state, ctx.procedure);
  if (stage.milestones.length === 0) throw new DomainError('invalid_input', `${stage.title} has no week-by-week plan to schedule.`);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('stage_start_set', { stageId: stage.id, startsOn: input.startsOn });
  return builder.result();
}
