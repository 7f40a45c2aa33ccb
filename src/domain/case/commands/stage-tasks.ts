import { z } from 'zod';
import { localDateSchema } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import type { Stage } from '../../procedure/schema.js';
import {
  actorDisplayName,
  assertCourseTeam,
  assertOpen,
  assertStaff,
  currentStage,
  EventBuilder,
  isCourseTeam,
  roleLabel,
  rolesOnCase,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import type { CaseState } from '../types.js';

export const completeTaskInputSchema = z.strictObject({
  taskId: z.string().max(60),
  note: z.string().trim().max(2000).optional(),
});
export type CompleteTaskInput = z.infer<typeof completeTaskInputSchema>;

/** Ticks off one of the stage's tasks (BCU Stage 5: failed-placement record, Placement Review Form sent …). */
export function completeTask(ctx: CommandContext, state: CaseState, input: CompleteTaskInput): CommandResult {
  const { procedure, actor } = ctx;
  const stage = currentStage(state, procedure);
  const task = stage.tasks.find((t) => t.id === input.taskId);
  if (!task) throw new DomainError('task_unknown', `${stage.title} has no task "${input.taskId}".`);
  if (task.by.length > 0) {
    if (!isCourseTeam(actor) && !rolesOnCase(state, actor).some((role) => task.by.includes(role))) {
      throw new DomainError(
        'not_permitted',
        `“${task.label}” is recorded by ${[...task.by.map((r) => roleLabel(procedure, r)), 'the course team'].join(', ')}.`,
      );
    }
  } else {
    assertStaff(state, procedure, actor, 'complete a task');
  }
  if (task.when === 'after_decision') {
    // The decision may have closed the case (BCU's panel); its follow-up is still recorded on it.
    if (state.status === 'closed' && state.closure?.resolution !== 'decision') assertOpen(state);
    const decided =
      state.status === 'closed' || state.panels.some((p) => p.stageId === stage.id && p.decisionId !== undefined);
    if (!decided)
      throw new DomainError(
        'task_not_yet',
        `“${task.label}” follows the decision; record it once the decision has been made.`,
      );
  } else {
    assertOpen(state);
  }
  // Done once per visit (the Executive Group convened again hears a new report, RCTTP), unless it repeats.
  const visit = state.stageHistory.length - 1;
  if (
    !task.repeats &&
    state.tasksDone.some((t) => t.stageId === stage.id && t.taskId === task.id && t.visit === visit)
  ) {
    throw new DomainError('invalid_input', `“${task.label}” is already done.`);
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('task_completed', { stageId: stage.id, taskId: task.id, ...(input.note ? { note: input.note } : {}) });
  return builder.result();
}

/** A decision waits for the stage's `before_decision` tasks (BCU: the Placement Review Form before the panel decides). */
export function assertTasksDoneBeforeDecision(state: CaseState, stage: Stage): void {
  const visit = state.stageHistory.length - 1;
  const outstanding = stage.tasks.filter(
    (task) =>
      task.when === 'before_decision' &&
      !state.tasksDone.some((t) => t.stageId === stage.id && t.taskId === task.id && t.visit === visit),
  );
  if (outstanding.length > 0) {
    throw new DomainError(
      'tasks_outstanding',
      `Before the decision, ${stage.title} still needs: ${outstanding.map((t) => t.label.trim().replace(/\.$/, '')).join('; ')}.`,
      {
        tasks: outstanding.map((t) => t.id),
      },
    );
  }
}

export const suspendPlacementInputSchema = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
export type SuspendPlacementInput = z.infer<typeof suspendPlacementInputSchema>;

/** Enhanced Support step 5: "The placement may be suspended immediately in order to avoid negative impact on pupils' progress." */
export function suspendPlacement(ctx: CommandContext, state: CaseState, input: SuspendPlacementInput): CommandResult {
  assertCourseTeam(ctx.actor, 'suspend a placement');
  assertOpen(state);
  const stage = currentStage(state, ctx.procedure);
  if (!stage.allowsSuspension)
    throw new DomainError('suspension_not_allowed', `The placement cannot be suspended at ${stage.title}.`);
  if (state.placementSuspended) throw new DomainError('invalid_input', 'The placement is already suspended.');
  const builder = new EventBuilder(ctx, state.id, state);
  // The course team member is rarely named on the case, so their name is kept with the act.
  builder.add('placement_suspended', { reason: input.reason, byName: actorDisplayName(ctx.actor) });
  return builder.result();
}

export const setStageStartInputSchema = z.strictObject({ startsOn: localDateSchema });
export type SetStageStartInput = z.infer<typeof setStageStartInputSchema>;

/** Sets when a scheduled stage begins (the Deferred Final Assessment runs "in the following term"); its milestones count from it. */
export function setStageStart(ctx: CommandContext, state: CaseState, input: SetStageStartInput): CommandResult {
  assertCourseTeam(ctx.actor, 'schedule a stage');
  assertOpen(state);
  const stage = currentStage(state, ctx.procedure);
  if (stage.milestones.length === 0)
    throw new DomainError('invalid_input', `${stage.title} has no week-by-week plan to schedule.`);
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('stage_start_set', { stageId: stage.id, startsOn: input.startsOn });
  return builder.result();
}

export const completeMilestoneInputSchema = z.strictObject({
  milestoneId: z.string().max(60),
  note: z.string().trim().max(2000).optional(),
});
export type CompleteMilestoneInput = z.infer<typeof completeMilestoneInputSchema>;

/**
 * Records one milestone of the stage's week-by-week plan as done (RCTTP's Deferred Final
 * Assessment: "The trainee's Progress Review must be completed by the end of week 5"), by staff
 * on the case or the course team, once per stage visit. Its reminders stop from then on.
 */
export function completeMilestone(ctx: CommandContext, state: CaseState, input: CompleteMilestoneInput): CommandResult {
  const { procedure, actor } = ctx;
  assertOpen(state);
  assertStaff(state, procedure, actor, 'record a milestone as done');
  const stage = currentStage(state, procedure);
  const milestone = stage.milestones.find((m) => m.id === input.milestoneId);
  if (!milestone) throw new DomainError('task_unknown', `${stage.title} has no milestone "${input.milestoneId}".`);
  const visit = state.stageHistory.length - 1;
  if (state.milestonesDone.some((m) => m.stageId === stage.id && m.milestoneId === milestone.id && m.visit === visit)) {
    throw new DomainError('invalid_input', `“${milestone.label}” is already recorded as done.`);
  }
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('milestone_done', {
    stageId: stage.id,
    milestoneId: milestone.id,
    ...(input.note ? { note: input.note } : {}),
    byName: actorDisplayName(actor),
  });
  return builder.result();
}
