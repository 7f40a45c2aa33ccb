import type { z } from 'zod';
import {
  acknowledgeNotice,
  changePerson,
  changePlacement,
  recordMeeting,
  scheduleReviewMeeting,
  closeCase,
  completeTask,
  completeMilestone,
  reopenCase,
  convenePanel,
  correctText,
  decideAppeal,
  lodgeAppeal,
  waiveFee,
  editPlan,
  escalateCase,
  extendReviewDate,
  pauseCase,
  recordPanelMeeting,
  recordReview,
  recordTraineePerceptions,
  resumeCase,
  setStageStart,
  signPlan,
  suspendPlacement,
  withdrawCase,
  type CommandContext,
  type CommandResult,
} from '../../domain/case/index.js';
import type { CaseState } from '../../domain/case/types.js';
import { CASE_COMMAND_INPUTS, type CaseCommandName } from '../../contract/commands.js';

export type { CaseCommandName } from '../../contract/commands.js';

/**
 * Every command a case accepts after it is opened: the wire contract's input schema paired with
 * the domain function that runs it. REST routes, card actions and the message extension all go
 * through this table (run-case-command.ts), so a command is validated the same way wherever it
 * comes from.
 */
export interface CaseCommand<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly run: (ctx: CommandContext, state: CaseState, input: z.output<S>) => CommandResult;
  readonly summary: string;
}

function command<N extends CaseCommandName>(
  name: N,
  run: (
    ctx: CommandContext,
    state: CaseState,
    input: z.output<(typeof CASE_COMMAND_INPUTS)[N]['schema']>,
  ) => CommandResult,
): CaseCommand<(typeof CASE_COMMAND_INPUTS)[N]['schema']> {
  return { ...CASE_COMMAND_INPUTS[name], run };
}

export const CASE_COMMANDS = {
  edit_plan: command('edit_plan', editPlan),
  sign_plan: command('sign_plan', signPlan),
  record_perceptions: command('record_perceptions', recordTraineePerceptions),
  record_review: command('record_review', recordReview),
  extend_review_date: command('extend_review_date', extendReviewDate),
  escalate: command('escalate', escalateCase),
  pause: command('pause', pauseCase),
  resume: command('resume', (ctx, state) => resumeCase(ctx, state)),
  convene_panel: command('convene_panel', convenePanel),
  record_panel_meeting: command('record_panel_meeting', recordPanelMeeting),
  complete_task: command('complete_task', completeTask),
  suspend_placement: command('suspend_placement', suspendPlacement),
  set_stage_start: command('set_stage_start', setStageStart),
  close: command('close', closeCase),
  withdraw: command('withdraw', withdrawCase),
  acknowledge_notice: command('acknowledge_notice', acknowledgeNotice),
  change_person: command('change_person', changePerson),
  change_placement: command('change_placement', changePlacement),
  record_meeting: command('record_meeting', recordMeeting),
  schedule_review_meeting: command('schedule_review_meeting', scheduleReviewMeeting),
  correct_text: command('correct_text', correctText),
  waive_fee: command('waive_fee', waiveFee),
  lodge_appeal: command('lodge_appeal', lodgeAppeal),
  decide_appeal: command('decide_appeal', decideAppeal),
  reopen: command('reopen', reopenCase),
  complete_milestone: command('complete_milestone', completeMilestone),
} as const satisfies Record<CaseCommandName, CaseCommand>;
