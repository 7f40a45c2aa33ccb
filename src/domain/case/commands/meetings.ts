import { z } from 'zod';
import { formatLongDate, isAfter, isBefore, localDateSchema } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import {
  assertOpen,
  assertStaff,
  EventBuilder,
  planRulesOf,
  requirePlan,
  todayOf,
  type CommandContext,
  type CommandResult,
} from '../command-kit.js';
import { timeOfDaySchema } from '../events.js';
import { MEETING_KINDS, MEETING_MODES_HELD, type CaseState } from '../types.js';

/**
 * Meetings on a case. The plan meeting is where the plan is discussed with the trainee (BCU: "If
 * the university tutor is not present the class teacher/mentor emails or calls the university
 * tutor"; RCTTP: "Targets discussed with (add date)"; Bright Futures: "Preliminary ONLINE
 * meeting"): recording it sets the draft plan's meeting, so the rules that read who was present
 * read who really was. A review meeting is recorded for the record. The review meeting ahead is
 * scheduled (time, length, in person where, or online) for the calendar invitation.
 */

export const recordMeetingInputSchema = z.strictObject({
  kind: z.enum(MEETING_KINDS),
  heldOn: localDateSchema,
  startTime: timeOfDaySchema.optional(),
  mode: z.enum(MEETING_MODES_HELD),
  location: z.string().trim().max(300).optional(),
  /** The Teams (or other) meeting link, for a meeting held online. */
  onlineLink: z
    .url({ protocol: /^https$/ })
    .max(2000)
    .optional(),
  /** Sign-in names of the people on the case who were present. */
  attendees: z.array(z.string().trim().min(3).max(320)).min(1).max(40),
  /** The concern relates to the school placement (Mid-Essex: the Professional Tutor and subject mentor attend). */
  placementConcern: z.boolean().optional(),
  /** Not shown to the trainee, like review notes. */
  notes: z.string().trim().max(8000).optional(),
});
export type RecordMeetingInput = z.infer<typeof recordMeetingInputSchema>;

export const scheduleReviewMeetingInputSchema = z.strictObject({
  startTime: timeOfDaySchema,
  durationMinutes: z.number().int().min(10).max(480),
  mode: z.enum(MEETING_MODES_HELD),
  /** Where, for a meeting in person: a room, the school, an address. */
  location: z.string().trim().max(300).optional(),
});
export type ScheduleReviewMeetingInput = z.infer<typeof scheduleReviewMeetingInputSchema>;

const blank = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/** Records a plan meeting (on the plan being drawn up) or a review meeting (of the agreed plan). */
export function recordMeeting(ctx: CommandContext, state: CaseState, input: RecordMeetingInput): CommandResult {
  const { procedure, actor } = ctx;
  assertStaff(state, procedure, actor, 'record a meeting');
  assertOpen(state);
  const plan = requirePlan(state);
  if (input.kind === 'plan' && plan.agreedOn !== undefined)
    throw new DomainError(
      'plan_locked',
      'The plan is already agreed: its meeting is recorded while it is drawn up. Record a review meeting instead.',
    );
  if (input.kind === 'review' && plan.agreedOn === undefined)
    throw new DomainError('plan_not_agreed', 'A review meeting reviews an agreed plan; this plan is not agreed yet.');
  const today = todayOf(ctx);
  if (isAfter(input.heldOn, today))
    throw new DomainError('invalid_date', 'A meeting is recorded once it has been held, not before.');
  if (isBefore(input.heldOn, state.openedOn))
    throw new DomainError(
      'invalid_date',
      `The case was opened on ${formatLongDate(state.openedOn)}; a meeting on it cannot be earlier.`,
    );
  // Bright Futures: "Preliminary ONLINE meeting". A form that names the meeting's mode refuses another.
  const rules = planRulesOf(procedure, plan);
  const required =
    input.kind === 'plan'
      ? rules.meeting?.mode
      : procedure.stages.find((s) => s.id === plan.reviewAt)?.review?.meeting?.mode;
  if (required !== undefined && required !== 'any' && required !== input.mode)
    throw new DomainError(
      'invalid_input',
      `${input.kind === 'plan' ? rules.title : 'The review'} is held at ${required === 'online' ? 'an online' : 'an in-person'} meeting.`,
      { mode: required },
    );
  if (input.mode === 'in_person' && input.onlineLink !== undefined)
    throw new DomainError('invalid_input', 'A meeting held in person has no online link.');
  const attendees = input.attendees.map((id) => {
    const person = state.people.find((p) => p.id.toLowerCase() === id.toLowerCase());
    if (!person) throw new DomainError('person_not_on_case', `${id} is not named on this case.`);
    return { personId: person.id, role: person.role, name: person.name };
  });
  const builder = new EventBuilder(ctx, state.id, state);
  const location = blank(input.location);
  const notes = blank(input.notes);
  builder.add('meeting_recorded', {
    meetingId: `M${String(state.meetings.length + 1)}`,
    kind: input.kind,
    stageId: state.stageId,
    planVersion: plan.version,
    heldOn: input.heldOn,
    ...(input.startTime === undefined ? {} : { startTime: input.startTime }),
    mode: input.mode,
    ...(location === undefined ? {} : { location }),
    ...(input.onlineLink === undefined ? {} : { onlineLink: input.onlineLink }),
    attendees,
    ...(input.placementConcern === undefined ? {} : { placementConcern: input.placementConcern }),
    ...(notes === undefined ? {} : { notes }),
  });
  return builder.result();
}

/** Chooses when and where the agreed plan's review meeting is held; moving it updates the invitation. */
export function scheduleReviewMeeting(
  ctx: CommandContext,
  state: CaseState,
  input: ScheduleReviewMeetingInput,
): CommandResult {
  const { procedure, actor } = ctx;
  assertStaff(state, procedure, actor, 'schedule the review meeting');
  assertOpen(state);
  const plan = requirePlan(state);
  if (plan.agreedOn === undefined || plan.content.reviewDate === undefined)
    throw new DomainError(
      'plan_not_agreed',
      'The review meeting is scheduled once the plan is agreed with its review date.',
    );
  const required = procedure.stages.find((s) => s.id === plan.reviewAt)?.review?.meeting?.mode;
  if (required !== undefined && required !== 'any' && required !== input.mode)
    throw new DomainError(
      'invalid_input',
      `The review is held at ${required === 'online' ? 'an online' : 'an in-person'} meeting.`,
      { mode: required },
    );
  const location = blank(input.location);
  if (input.mode === 'in_person' && location === undefined)
    throw new DomainError('missing_field', 'Say where the meeting is held in person.');
  const [hours = 0, minutes = 0] = input.startTime.split(':').map(Number);
  if (hours * 60 + minutes + input.durationMinutes > 24 * 60)
    throw new DomainError('invalid_input', 'The meeting must end on the day it starts.');
  const builder = new EventBuilder(ctx, state.id, state);
  builder.add('review_meeting_scheduled', {
    version: plan.version,
    startTime: input.startTime,
    durationMinutes: input.durationMinutes,
    mode: input.mode,
    ...(input.mode === 'in_person' && location !== undefined ? { location } : {}),
  });
  return builder.result();
}
