import { z } from 'zod';
import {
  acknowledgeNoticeInputSchema,
  changePersonInputSchema,
  recordMeetingInputSchema,
  scheduleReviewMeetingInputSchema,
  changePlacementInputSchema,
  closeCaseInputSchema,
  completeTaskInputSchema,
  completeMilestoneInputSchema,
  reopenCaseInputSchema,
  convenePanelInputSchema,
  correctTextInputSchema,
  decideAppealInputSchema,
  lodgeAppealInputSchema,
  waiveFeeInputSchema,
  editPlanInputSchema,
  escalateCaseInputSchema,
  extendReviewDateInputSchema,
  pauseCaseInputSchema,
  recordPanelMeetingInputSchema,
  recordReviewInputSchema,
  recordTraineePerceptionsInputSchema,
  setStageStartInputSchema,
  signPlanInputSchema,
  suspendPlacementInputSchema,
} from '../domain/case/index.js';

/**
 * Every command a case accepts after it is opened: its input schema (the domain's own, so the
 * engine and the wire agree), a sentence for the API description, and where REST exposes it.
 * The application layer pairs each with the domain function that runs it.
 */
export const emptyInputSchema = z.strictObject({});

const input = <S extends z.ZodType>(schema: S, summary: string) => ({ schema, summary });

export const CASE_COMMAND_INPUTS = {
  edit_plan: input(
    editPlanInputSchema,
    'Save the plan being drawn up (withdrawSignatures: true when people have already signed).',
  ),
  sign_plan: input(
    signPlanInputSchema,
    'Sign the plan in one of your roles with your typed full name; the last signature agrees it.',
  ),
  record_perceptions: input(recordTraineePerceptionsInputSchema, "Record the trainee's perceptions of the concerns."),
  record_review: input(
    recordReviewInputSchema,
    "Record the stage's review: progress per target, evidence and outcome.",
  ),
  extend_review_date: input(extendReviewDateInputSchema, 'Move the review date later, within the stage’s cap.'),
  escalate: input(
    escalateCaseInputSchema,
    'Move the case to a later stage without a review, where the procedure allows.',
  ),
  pause: input(pauseCaseInputSchema, 'Pause the case (stops the review clock).'),
  resume: input(emptyInputSchema, 'Resume a paused case; the review date moves on by the working days paused.'),
  convene_panel: input(convenePanelInputSchema, 'Convene one of the procedure’s panels.'),
  record_panel_meeting: input(
    recordPanelMeetingInputSchema,
    'Record a panel meeting, with its decision if it made one.',
  ),
  complete_task: input(completeTaskInputSchema, 'Tick off one of the current stage’s tasks.'),
  suspend_placement: input(suspendPlacementInputSchema, 'Suspend the placement, where the stage allows.'),
  set_stage_start: input(setStageStartInputSchema, 'Schedule when the current stage’s week-by-week plan starts.'),
  close: input(closeCaseInputSchema, 'Close the case outside its outcomes (course team).'),
  withdraw: input(closeCaseInputSchema, 'Record that the trainee has withdrawn from the programme.'),
  acknowledge_notice: input(
    acknowledgeNoticeInputSchema,
    'Acknowledge a raised concern or an overdue review for the course team; the first acknowledgement of each is recorded.',
  ),
  change_person: input(
    changePersonInputSchema,
    'Add, remove or replace the person in a role (course team), from an effective date, with a reason. Access follows at once; signatures already given stay.',
  ),
  record_meeting: input(
    recordMeetingInputSchema,
    'Record a plan meeting (on the plan being drawn up: its date, mode and who was present, as the form prints them) or a review meeting, with who attended; notes are not shown to the trainee.',
  ),
  schedule_review_meeting: input(
    scheduleReviewMeetingInputSchema,
    "Choose when and where the agreed plan's review meeting is held (start time, length, in person where, or online); the calendar invitation follows.",
  ),
  change_placement: input(
    changePlacementInputSchema,
    "Move the placement to another school (course team), with the school's people (its mentor(s)) who replace those in their roles.",
  ),
  correct_text: input(
    correctTextInputSchema,
    'Correct a recorded free text (course team): the event and field that recorded it, the new text, and why (inaccurate, incomplete, or excessive: more personal data than the record needs). The new text supersedes the old in every view, form and export; for inaccurate or excessive the old wording is also removed from storage.',
  ),
  waive_fee: input(
    waiveFeeInputSchema,
    'Waive the fee a decision brought (course team), with the reason: the letter confirming it is sent to the trainee and kept on the case.',
  ),
  lodge_appeal: input(
    lodgeAppealInputSchema,
    "Record a trainee's appeal against a decision the procedure lets them appeal: the date lodged, the grounds, and that it is on a procedural basis.",
  ),
  decide_appeal: input(
    decideAppealInputSchema,
    'Record the outcome of an appeal lodged on the case, with its reasons.',
  ),
  reopen: input(
    reopenCaseInputSchema,
    'Reopen a case closed by mistake (course team), with a reason, within 10 working days of closing (weekends, England and Wales bank holidays and provider closures do not count). The case returns to the stage it closed at; a review whose outcome closed it is set aside so it can be recorded again. Everyone on the case is told.',
  ),
  complete_milestone: input(
    completeMilestoneInputSchema,
    'Record a milestone of the current stage’s week-by-week plan as done (staff on the case or the course team); its reminders stop.',
  ),
} as const;

export type CaseCommandName = keyof typeof CASE_COMMAND_INPUTS;

/** Where each case command is exposed over REST. */
export interface CaseCommandRoute {
  readonly method: 'post' | 'put';
  /** Under /api/cases/{caseId}. */
  readonly path: string;
  readonly command: CaseCommandName;
  /** Path parameters copied into the input (the body must not carry them). */
  readonly pathParams?: readonly string[];
}

export const CASE_COMMAND_ROUTES: readonly CaseCommandRoute[] = [
  { method: 'put', path: '/plan', command: 'edit_plan' },
  { method: 'post', path: '/signatures', command: 'sign_plan' },
  { method: 'post', path: '/perceptions', command: 'record_perceptions' },
  { method: 'post', path: '/reviews', command: 'record_review' },
  { method: 'post', path: '/extension', command: 'extend_review_date' },
  { method: 'post', path: '/escalation', command: 'escalate' },
  { method: 'post', path: '/pause', command: 'pause' },
  { method: 'post', path: '/resume', command: 'resume' },
  { method: 'post', path: '/panels', command: 'convene_panel' },
  { method: 'post', path: '/panels/:panelId/meetings', command: 'record_panel_meeting', pathParams: ['panelId'] },
  { method: 'post', path: '/tasks', command: 'complete_task' },
  { method: 'post', path: '/suspension', command: 'suspend_placement' },
  { method: 'post', path: '/stage-start', command: 'set_stage_start' },
  { method: 'post', path: '/close', command: 'close' },
  { method: 'post', path: '/withdraw', command: 'withdraw' },
  { method: 'post', path: '/acknowledgements', command: 'acknowledge_notice' },
  { method: 'post', path: '/people', command: 'change_person' },
  { method: 'post', path: '/placement', command: 'change_placement' },
  { method: 'post', path: '/meetings', command: 'record_meeting' },
  { method: 'post', path: '/review-meeting', command: 'schedule_review_meeting' },
  { method: 'post', path: '/corrections', command: 'correct_text' },
  { method: 'post', path: '/fee-waiver', command: 'waive_fee' },
  { method: 'post', path: '/appeals', command: 'lodge_appeal' },
  { method: 'post', path: '/appeals/:appealId/outcome', command: 'decide_appeal', pathParams: ['appealId'] },
  { method: 'post', path: '/reopen', command: 'reopen' },
  { method: 'post', path: '/milestones', command: 'complete_milestone' },
];
