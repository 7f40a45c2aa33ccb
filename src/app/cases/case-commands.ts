import { z } from 'zod';
import {
  acknowledgeNotice,
  acknowledgeNoticeInputSchema,
  closeCase,
  closeCaseInputSchema,
  completeTask,
  completeTaskInputSchema,
  convenePanel,
  convenePanelInputSchema,
  editPlan,
  editPlanInputSchema,
  escalateCase,
  escalateCaseInputSchema,
  extendReviewDate,
  extendReviewDateInputSchema,
  pauseCase,
  pauseCaseInputSchema,
  recordPanelMeeting,
  recordPanelMeetingInputSchema,
  recordReview,
  recordReviewInputSchema,
  recordTraineePerceptions,
  recordTraineePerceptionsInputSchema,
  resumeCase,
  setStageStart,
  setStageStartInputSchema,
  signPlan,
  signPlanInputSchema,
  suspendPlacement,
  suspendPlacementInputSchema,
  withdrawCase,
  type CommandContext,
  type CommandResult,
} from '../../domain/case/index.js';
import type { CaseState } from '../../domain/case/types.js';

/**
 * Every command a case accepts after it is opened, with the zod schema that validates its
 * input. The REST routes, the OpenAPI document and (later) bot card actions all read this
 * table, so a command is validated the same way wherever it comes from.
 */
export interface CaseCommand<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly run: (ctx: CommandContext, state: CaseState, input: z.output<S>) => CommandResult;
  readonly summary: string;
}

function command<S extends z.ZodType>(
  schema: S,
  run: (ctx: CommandContext, state: CaseState, input: z.output<S>) => CommandResult,
  summary: string,
): CaseCommand<S> {
  return { schema, run, summary };
}

export const emptyInputSchema = z.strictObject({});

export const CASE_COMMANDS = {
  edit_plan: command(
    editPlanInputSchema,
    editPlan,
    'Save the plan being drawn up (withdrawSignatures: true when people have already signed).',
  ),
  sign_plan: command(
    signPlanInputSchema,
    signPlan,
    'Sign the plan in one of your roles with your typed full name; the last signature agrees it.',
  ),
  record_perceptions: command(
    recordTraineePerceptionsInputSchema,
    recordTraineePerceptions,
    "Record the trainee's perceptions of the concerns.",
  ),
  record_review: command(
    recordReviewInputSchema,
    recordReview,
    "Record the stage's review: progress per target, evidence and outcome.",
  ),
  extend_review_date: command(
    extendReviewDateInputSchema,
    extendReviewDate,
    'Move the review date later, within the stage’s cap.',
  ),
  escalate: command(
    escalateCaseInputSchema,
    escalateCase,
    'Move the case to a later stage without a review, where the procedure allows.',
  ),
  pause: command(pauseCaseInputSchema, pauseCase, 'Pause the case (stops the review clock).'),
  resume: command(
    emptyInputSchema,
    (ctx, state) => resumeCase(ctx, state),
    'Resume a paused case; the review date moves on by the working days paused.',
  ),
  convene_panel: command(convenePanelInputSchema, convenePanel, 'Convene one of the procedure’s panels.'),
  record_panel_meeting: command(
    recordPanelMeetingInputSchema,
    recordPanelMeeting,
    'Record a panel meeting, with its decision if it made one.',
  ),
  complete_task: command(completeTaskInputSchema, completeTask, 'Tick off one of the current stage’s tasks.'),
  suspend_placement: command(
    suspendPlacementInputSchema,
    suspendPlacement,
    'Suspend the placement, where the stage allows.',
  ),
  set_stage_start: command(
    setStageStartInputSchema,
    setStageStart,
    'Schedule when the current stage’s week-by-week plan starts.',
  ),
  close: command(closeCaseInputSchema, closeCase, 'Close the case outside its outcomes (course team).'),
  withdraw: command(closeCaseInputSchema, withdrawCase, 'Record that the trainee has withdrawn from the programme.'),
  acknowledge_notice: command(
    acknowledgeNoticeInputSchema,
    acknowledgeNotice,
    'Acknowledge a raised concern or an overdue review for the course team; the first acknowledgement of each is recorded.',
  ),
} as const;

export type CaseCommandName = keyof typeof CASE_COMMANDS;
