import { z } from 'zod';
import { localDateSchema } from '../calendar/index.js';
import {
  APPEAL_OUTCOMES,
  CLOSE_RESOLUTIONS,
  CORRECTION_REASONS,
  MEETING_KINDS,
  MEETING_MODES_HELD,
  NOTICE_KINDS,
  PAUSE_REASONS,
  PROGRESS_RATINGS,
  STAGE_ENTRIES,
} from './types.js';

/**
 * The event trail: a discriminated union built through one factory (`caseEvent`) and parsed
 * back with `caseEventSchema`. The trail is append-only; a change to an event's
 * shape is a data migration, so fields are only ever added as optional. The one exception is
 * rectification (corrections.ts): a text corrected as inaccurate or excessive is rewritten in
 * the stored event that recorded it, as the right to rectification requires.
 */

const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => text(max).optional();

export const frameworkLinkSchema = z.strictObject({ frameworkId: text(80), code: text(40) });

/** A wall-clock time in Europe/London, "HH:MM" (24-hour). */
export const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');

export const personSchema = z.strictObject({
  role: text(60),
  id: text(320),
  name: text(200),
  email: text(320),
});

export const placementSchema = z.strictObject({
  school: text(200),
  subject: optionalText(200),
  phase: optionalText(200),
  programme: text(200),
  startsOn: localDateSchema.optional(),
  endsOn: localDateSchema.optional(),
  /** The school's contact address (school office or headteacher): where "the school" is sent what a procedure says it is told. */
  schoolContactEmail: z.email().max(320).optional(),
});

export const targetSchema = z.strictObject({
  id: text(20),
  text: text(2000),
  links: z.array(frameworkLinkSchema).max(30),
  actions: z.array(z.strictObject({ party: text(60), text: text(2000) })).max(30),
  successCriteria: optionalText(2000),
  timescale: optionalText(200),
  supportRequired: optionalText(2000),
  monitoring: optionalText(2000),
  observationFocus: z.boolean(),
});

export const planContentSchema = z.strictObject({
  concernStatement: optionalText(4000),
  concerns: z
    .array(z.strictObject({ text: text(2000), links: z.array(frameworkLinkSchema).max(30), grade: optionalText(60) }))
    .max(30),
  targets: z.array(targetSchema).max(20),
  trainingNeeds: optionalText(2000),
  supportMeasures: z.array(text(500)).max(20),
  reviewDate: localDateSchema.optional(),
  meeting: z.strictObject({
    heldOn: localDateSchema.optional(),
    mode: z.enum(['online', 'in_person']).optional(),
    attendees: z.array(text(60)).max(30),
    placementConcern: z.boolean(),
  }),
});

const planRulesSourceSchema = z.strictObject({
  stageId: text(60),
  outcome: z.strictObject({ stageId: text(60), outcomeId: text(60), panelId: optionalText(60) }).optional(),
});

/** Someone present at a meeting: a person named on the case, by id, with the role and name they held then. */
export const meetingAttendeeSchema = z.strictObject({ personId: text(320), role: text(60), name: text(200) });

const eventData = {
  case_opened: z.strictObject({
    reference: text(60),
    procedureId: text(80),
    /** The procedure's version when the case was opened: a whole number, or (added later) a provider's label. */
    procedureVersion: z.union([z.number().int(), text(40)]),
    /**
     * Which definition the case follows (added later): the hash of the procedure's definition,
     * kept in the Trellis Procedure Versions list. Absent on cases opened before versions were
     * kept; those follow the definition that runs now.
     */
    procedureHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    reasons: z.array(text(60)).max(20),
    people: z.array(personSchema).max(40),
    placement: placementSchema,
    reinitiation: z.strictObject({ groundId: text(60), evidence: optionalText(2000) }).optional(),
    /** Opened by a decision on an earlier case (linked_case_decided there), which it continues. */
    linkedFrom: z.strictObject({ caseId: text(80), reference: text(60), outcomeId: text(60) }).optional(),
  }),
  stage_entered: z.strictObject({
    stageId: text(60),
    fromStageId: optionalText(60),
    via: z.enum(STAGE_ENTRIES),
    startsOn: localDateSchema,
  }),
  plan_started: z.strictObject({
    version: z.number().int().min(1),
    stageId: text(60),
    reviewAt: text(60),
    rulesFrom: planRulesSourceSchema,
    content: planContentSchema,
  }),
  plan_edited: z.strictObject({ version: z.number().int(), content: planContentSchema }),
  signatures_withdrawn: z.strictObject({ version: z.number().int(), count: z.number().int() }),
  trainee_perceptions_recorded: z.strictObject({ version: z.number().int(), text: text(4000) }),
  plan_signed: z.strictObject({
    version: z.number().int(),
    role: text(60),
    personId: text(320),
    typedName: text(200),
  }),
  plan_agreed: z.strictObject({ version: z.number().int(), reviewDate: localDateSchema }),
  review_recorded: z.strictObject({
    reviewId: text(20),
    stageId: text(60),
    planVersion: z.number().int().optional(),
    reviewedOn: localDateSchema,
    progress: z
      .array(z.strictObject({ targetId: text(20), rating: z.enum(PROGRESS_RATINGS), comment: optionalText(2000) }))
      .max(20),
    evidence: optionalText(8000),
    notes: optionalText(8000),
    attendees: z.array(text(60)).max(30),
    outcomeId: text(60),
    nextSteps: optionalText(4000),
    /** A group's decision (RCTTP's Executive Group): its members and whether each attended. */
    members: z
      .array(z.strictObject({ name: text(200), role: optionalText(200), attended: z.boolean() }))
      .max(30)
      .optional(),
  }),
  review_date_extended: z.strictObject({ from: localDateSchema, to: localDateSchema, reason: text(2000) }),
  case_escalated: z.strictObject({ fromStageId: text(60), toStageId: text(60), reason: text(2000) }),
  case_paused: z.strictObject({ reason: z.enum(PAUSE_REASONS) }),
  case_resumed: z.strictObject({ workingDaysPaused: z.number().int().min(0), reviewDate: localDateSchema.optional() }),
  panel_convened: z.strictObject({
    panelId: text(60),
    members: z.array(z.strictObject({ id: text(320), name: text(200), role: optionalText(200) })).max(20),
    evidence: z.array(text(500)).max(30),
  }),
  panel_met: z.strictObject({
    panelId: text(60),
    heldOn: localDateSchema,
    attendees: z.array(text(320)).max(20),
    chair: optionalText(320),
    decisionId: optionalText(60),
    rationale: optionalText(4000),
  }),
  task_completed: z.strictObject({ stageId: text(60), taskId: text(60), note: optionalText(2000) }),
  stage_start_set: z.strictObject({ stageId: text(60), startsOn: localDateSchema }),
  placement_suspended: z.strictObject({
    reason: text(2000),
    /** Who suspended it, as notice_acknowledged keeps it; events stored before it was added have none. */
    byName: optionalText(200),
  }),
  notice_acknowledged: z.strictObject({
    about: z.enum(NOTICE_KINDS),
    stageId: text(60),
    /** review_overdue: the review date that had passed. */
    reviewDate: localDateSchema.optional(),
    /** The course team member is rarely named on the case, so their name is kept with the act. */
    byName: text(200),
  }),
  case_closed: z.strictObject({
    resolution: z.enum(CLOSE_RESOLUTIONS),
    outcomeId: optionalText(60),
    reason: optionalText(2000),
    handOffTo: optionalText(200),
  }),
  /**
   * The course team reopens a case closed by mistake: what the closure was, and the review whose
   * outcome closed it (set aside, so the review can be recorded again).
   */
  case_reopened: z.strictObject({
    reason: text(2000),
    byName: text(200),
    closedOn: localDateSchema,
    resolution: z.enum(CLOSE_RESOLUTIONS),
    outcomeId: optionalText(60),
    setAsideReviewId: optionalText(20),
  }),
  /** One milestone of the stage's week-by-week plan recorded as done (RCTTP: "The trainee's Progress Review must be completed by the end of week 5"). */
  milestone_done: z.strictObject({
    stageId: text(60),
    milestoneId: text(60),
    note: optionalText(2000),
    byName: text(200),
  }),
  /**
   * A person joins, leaves or replaces another in a role, from `effectiveOn`. Signatures already
   * given stay on the plan under the name of whoever gave them.
   */
  person_changed: z.strictObject({
    role: text(60),
    added: personSchema.optional(),
    removed: personSchema.optional(),
    effectiveOn: localDateSchema,
    reason: text(2000),
    byName: text(200),
  }),
  /** The placement moves to another school; its school-side people change in person_changed events of the same command. */
  placement_changed: z.strictObject({
    placement: placementSchema,
    effectiveOn: localDateSchema,
    reason: text(2000),
    byName: text(200),
  }),
  /**
   * A plan meeting or review meeting that was held: when, how, who was there, and notes the
   * trainee does not see. A plan meeting is the draft plan's meeting (its date, mode and who was present).
   */
  meeting_recorded: z.strictObject({
    meetingId: text(20),
    kind: z.enum(MEETING_KINDS),
    stageId: text(60),
    planVersion: z.number().int(),
    heldOn: localDateSchema,
    startTime: timeOfDaySchema.optional(),
    mode: z.enum(MEETING_MODES_HELD),
    location: optionalText(300),
    onlineLink: optionalText(2000),
    attendees: z.array(meetingAttendeeSchema).max(40),
    placementConcern: z.boolean().optional(),
    notes: optionalText(8000),
  }),
  /** When and where the review of a plan is held: start time, length, in person (where) or online. */
  review_meeting_scheduled: z.strictObject({
    version: z.number().int(),
    startTime: timeOfDaySchema,
    durationMinutes: z.number().int().min(10).max(480),
    mode: z.enum(MEETING_MODES_HELD),
    location: optionalText(300),
  }),
  /**
   * A decision that opens a new case linked to this one (the outcome's opensLinkedCase): the new
   * case's id and reference are fixed here, in the same append as the decision, so whoever opens
   * it (straight after, or the sweep after a crash) opens the same one, once.
   */
  linked_case_decided: z.strictObject({
    caseId: text(80),
    reference: text(60),
    stageId: text(60),
    outcomeId: text(60),
    panelId: optionalText(60),
    /** The targets the decision names, which the new case's first plan starts from. */
    targets: z.array(targetSchema).max(20),
  }),
  /** The course team waives a fee the decision brought, for a reason; the letter to the trainee is kept as sent. */
  fee_waived: z.strictObject({
    outcomeId: text(60),
    amount: text(200),
    reason: text(2000),
    letter: text(8000),
    byName: text(200),
  }),
  /** A trainee's appeal against a decision, as lodged: when, on what grounds, against which decision. */
  appeal_lodged: z.strictObject({
    appealId: text(20),
    lodgedOn: localDateSchema,
    grounds: text(4000),
    against: text(60),
    byName: text(200),
  }),
  /** The outcome of an appeal. */
  appeal_decided: z.strictObject({
    appealId: text(20),
    decidedOn: localDateSchema,
    outcome: z.enum(APPEAL_OUTCOMES),
    reasons: text(4000),
    byName: text(200),
  }),
  /**
   * A recorded free text corrected: the event and field that recorded it, the new wording, and
   * why. `seqs` are every event that carried the same wording (a plan's later saves repeat its
   * content), all corrected alike. It never carries the old wording.
   */
  /** An administrator moved the case to another version of its procedure, with what changed in plain words. */
  procedure_version_changed: z.strictObject({
    fromVersion: z.union([z.number().int(), text(40)]),
    fromHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    toVersion: z.union([z.number().int(), text(40)]),
    toHash: z.string().regex(/^[0-9a-f]{64}$/),
    changes: z.array(text(2000)).max(300),
  }),
  text_corrected: z.strictObject({
    seq: z.number().int().min(1),
    field: text(200),
    seqs: z.array(z.number().int().min(1)).min(1).max(200),
    planVersion: z.number().int().optional(),
    text: text(8000),
    reason: z.enum(CORRECTION_REASONS),
    explanation: text(2000),
    byName: text(200),
  }),
} as const;

export type CaseEventType = keyof typeof eventData;

const envelope = {
  caseId: z.string().min(1).max(80),
  /** 1-based position in the trail. */
  seq: z.number().int().min(1),
  /** The instant the command ran (ISO 8601, UTC). */
  at: z.iso.datetime(),
  /** The London calendar date of `at`: the date every rule counts from. */
  on: localDateSchema,
  actorId: z.string().max(320),
};

export const caseEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...envelope, type: z.literal('case_opened'), data: eventData.case_opened }),
  z.strictObject({ ...envelope, type: z.literal('stage_entered'), data: eventData.stage_entered }),
  z.strictObject({ ...envelope, type: z.literal('plan_started'), data: eventData.plan_started }),
  z.strictObject({ ...envelope, type: z.literal('plan_edited'), data: eventData.plan_edited }),
  z.strictObject({ ...envelope, type: z.literal('signatures_withdrawn'), data: eventData.signatures_withdrawn }),
  z.strictObject({
    ...envelope,
    type: z.literal('trainee_perceptions_recorded'),
    data: eventData.trainee_perceptions_recorded,
  }),
  z.strictObject({ ...envelope, type: z.literal('plan_signed'), data: eventData.plan_signed }),
  z.strictObject({ ...envelope, type: z.literal('plan_agreed'), data: eventData.plan_agreed }),
  z.strictObject({ ...envelope, type: z.literal('review_recorded'), data: eventData.review_recorded }),
  z.strictObject({ ...envelope, type: z.literal('review_date_extended'), data: eventData.review_date_extended }),
  z.strictObject({ ...envelope, type: z.literal('case_escalated'), data: eventData.case_escalated }),
  z.strictObject({ ...envelope, type: z.literal('case_paused'), data: eventData.case_paused }),
  z.strictObject({ ...envelope, type: z.literal('case_resumed'), data: eventData.case_resumed }),
  z.strictObject({ ...envelope, type: z.literal('panel_convened'), data: eventData.panel_convened }),
  z.strictObject({ ...envelope, type: z.literal('panel_met'), data: eventData.panel_met }),
  z.strictObject({ ...envelope, type: z.literal('task_completed'), data: eventData.task_completed }),
  z.strictObject({ ...envelope, type: z.literal('stage_start_set'), data: eventData.stage_start_set }),
  z.strictObject({ ...envelope, type: z.literal('placement_suspended'), data: eventData.placement_suspended }),
  z.strictObject({ ...envelope, type: z.literal('notice_acknowledged'), data: eventData.notice_acknowledged }),
  z.strictObject({ ...envelope, type: z.literal('case_closed'), data: eventData.case_closed }),
  z.strictObject({ ...envelope, type: z.literal('case_reopened'), data: eventData.case_reopened }),
  z.strictObject({ ...envelope, type: z.literal('milestone_done'), data: eventData.milestone_done }),
  z.strictObject({ ...envelope, type: z.literal('person_changed'), data: eventData.person_changed }),
  z.strictObject({ ...envelope, type: z.literal('placement_changed'), data: eventData.placement_changed }),
  z.strictObject({ ...envelope, type: z.literal('meeting_recorded'), data: eventData.meeting_recorded }),
  z.strictObject({
    ...envelope,
    type: z.literal('review_meeting_scheduled'),
    data: eventData.review_meeting_scheduled,
  }),
  z.strictObject({ ...envelope, type: z.literal('text_corrected'), data: eventData.text_corrected }),
  z.strictObject({
    ...envelope,
    type: z.literal('procedure_version_changed'),
    data: eventData.procedure_version_changed,
  }),
  z.strictObject({ ...envelope, type: z.literal('linked_case_decided'), data: eventData.linked_case_decided }),
  z.strictObject({ ...envelope, type: z.literal('fee_waived'), data: eventData.fee_waived }),
  z.strictObject({ ...envelope, type: z.literal('appeal_lodged'), data: eventData.appeal_lodged }),
  z.strictObject({ ...envelope, type: z.literal('appeal_decided'), data: eventData.appeal_decided }),
]);

export type CaseEvent = z.infer<typeof caseEventSchema>;
export type CaseEventOf<T extends CaseEventType> = Extract<CaseEvent, { type: T }>;
export type CaseEventData<T extends CaseEventType> = CaseEventOf<T>['data'];
export type PlanContentData = z.infer<typeof planContentSchema>;

export interface EventStamp {
  readonly caseId: string;
  readonly seq: number;
  readonly at: string;
  readonly on: CaseEventOf<'case_opened'>['on'];
  readonly actorId: string;
}

/**
 * Events that change nothing a person decides on (the plan, signatures, reviews, dates, stage,
 * status): a card or form built before one of them is still current, so the version check
 * treats them as not conflicting. The command still runs on the case as it now is and is
 * appended against its current eTag, so no update can be lost.
 */
export const NON_CONFLICTING_EVENTS: ReadonlySet<CaseEventType> = new Set<CaseEventType>(['notice_acknowledged']);

/**
 * Whether a change made against `version` may still be applied to the case as it now is:
 * nothing has happened since, or only events in NON_CONFLICTING_EVENTS.
 */
export function isCurrentFor(events: readonly CaseEvent[], current: number, version: number): boolean {
  if (version === current) return true;
  if (version > current || version < 1) return false;
  const since = events.filter((e) => e.seq > version);
  // A trail that does not reach back to `version` cannot show what changed: treat it as a conflict.
  if (since.length !== current - version) return false;
  return since.every((e) => NON_CONFLICTING_EVENTS.has(e.type));
}

/** The one way events are made: the data is checked against its schema as it is built. */
export function caseEvent<T extends CaseEventType>(type: T, stamp: EventStamp, data: CaseEventData<T>): CaseEventOf<T> {
  return caseEventSchema.parse({ ...stamp, type, data }) as CaseEventOf<T>;
}

/** Parses a stored event; throws a ZodError naming the bad field. */
export function parseCaseEvent(value: unknown): CaseEvent {
  return caseEventSchema.parse(value);
}
