import { z } from 'zod';
import { durationSchema } from '../calendar/index.js';
import { frameworkSchema } from '../frameworks/framework.js';

/**
 * Procedures are data: one generic engine runs every
 * provider's procedure from a definition validated by these schemas. A provider can load its
 * own definition from JSON; the five seed providers' definitions live in ../procedures.
 *
 * The stage model: entering a stage that has `plan` rules starts a plan (drafted, signed,
 * agreed). A stage with `review` ends in one of its outcomes; a stage with a plan but no
 * review hands the agreed plan on to `next` (BCU Stage 1 → Stage 2 review). An outcome's
 * effect closes the case, moves it to another stage, or asks for revised targets that are
 * then reviewed at a given stage (BCU "revise the targets … and Stage 3 can be repeated").
 */

const slug = z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'use lower-case letters, digits and underscores');
const label = z.string().trim().min(1).max(200);
const prose = z.string().trim().min(1).max(2000);

export const ROLE_SIDES = ['trainee', 'school', 'provider'] as const;

export const roleSchema = z.strictObject({
  id: slug,
  /** The provider's own name for the role, e.g. "Class teacher/mentor", "Partnership Tutor". */
  label,
  side: z.enum(ROLE_SIDES),
  /** A case cannot be opened without someone in this role. */
  requiredOnCase: z.boolean().default(false),
  /** Several people may hold it (school based mentors, the mentor team). */
  multiple: z.boolean().default(false),
});

export const reasonSchema = z.strictObject({
  id: slug,
  label: prose,
  /** The concern is about conduct (Teachers' Standards Part Two). */
  conduct: z.boolean().default(false),
});

export const responsibilitySchema = z.strictObject({
  code: z.string().trim().min(1).max(12),
  label,
});

/** Who is told, and when: the "a copy is sent to …" steps, as data. */
export const NOTIFY_TRIGGERS = [
  'case_opened',
  'plan_agreed',
  'review_recorded',
  'stage_entered',
  'decision_recorded',
  'case_closed',
  /** The placement moves to another school while the case is at the stage (RCTTP: the school accepting the deferred final assessment). */
  'placement_changed',
] as const;

export const recipientSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('course_mailbox') }),
  z.strictObject({ kind: z.literal('course_team_channel') }),
  z.strictObject({
    kind: z.literal('role'),
    role: slug,
    /** Where it goes when nobody on the case holds the role (Mid-Essex: "copied to the Director" even when the Director is not named on the plan). */
    otherwise: z.strictObject({ office: slug, label }).optional(),
  }),
  /** "If the university tutor is not present … inform them": only when absent from the meeting. */
  z.strictObject({ kind: z.literal('role_if_absent'), role: slug }),
  /**
   * A named office with its own mailbox, e.g. "Student Governance", "the school". The office
   * `school` is the case's placement school: its address is the placement's school contact
   * email; any office's address may also be configured per provider (TRELLIS_OFFICE_MAILBOXES).
   */
  z.strictObject({ kind: z.literal('office'), office: slug, label }),
]);

export const informRuleSchema = z.strictObject({
  on: z.enum(NOTIFY_TRIGGERS),
  to: z.array(recipientSchema).min(1),
  /** Why: the provider's words, shown in notifications and the event trail. */
  note: prose.optional(),
  /** The form document is attached (the provider's "a copy of the form"). */
  attachForm: z.boolean().default(false),
  /** Only for these outcome/decision ids (empty: every one). */
  outcomes: z.array(slug).default([]),
});

export const PLAN_FIELDS = [
  'concern_statement',
  'trainee_perceptions',
  'trainee_actions',
  'support_actions',
  'training_needs',
  'support_measures',
  'success_criteria',
  'monitoring',
  'timescale',
  'evidence',
  'responsibility',
] as const;

export const MEETING_MODES = ['online', 'in_person', 'any'] as const;

export const meetingSchema = z.strictObject({
  mode: z.enum(MEETING_MODES),
  /** Roles expected at the meeting. */
  attendees: z.array(slug).default([]),
  /** Roles expected only when the concern relates to the school placement (Mid-Essex). */
  attendeesWhenPlacementConcern: z.array(slug).default([]),
  description: prose.optional(),
  /**
   * Roles who "may be invited" (Bright Futures: "the Trainee may be invited to a meeting with the
   * SCITT Director"): shown as optional, never expected, and never counted absent.
   */
  optionalAttendees: z.array(slug).default([]),
});

export const signatureRequirementSchema = z.strictObject({
  /** Satisfied by a signature from any one of these roles. */
  anyOf: z.array(slug).min(1),
  /** Required only when the case has someone in one of these roles ("Staff (if applicable)"). */
  whenAssigned: z.boolean().default(false),
  /** Every person on the case in these roles signs, not just one of them (Bright Futures: "signed by all partners"). */
  everyone: z.boolean().default(false),
});

export const planRulesSchema = z.strictObject({
  title: label,
  minTargets: z.number().int().min(0).default(1),
  maxTargets: z.number().int().min(1).max(20).optional(),
  /** Mid-Essex: "Only one target should be the focus of an observation at any one time." */
  oneTargetPerObservation: z.boolean().default(false),
  /**
   * "Targets will require agreed actions for both the trainee and all those working with them":
   * every target has an action for each action party someone on the case holds.
   */
  actionsForEveryParty: z.boolean().default(false),
  /** Latest review date, counted from the day the plan is agreed. */
  reviewWindow: durationSchema.optional(),
  reviewWindowText: prose.optional(),
  /** Frameworks whose items concerns and targets are linked to. */
  frameworks: z.array(z.string().min(1)).min(1),
  /** Targets must each cite at least one framework item. */
  targetsLinkedToFramework: z.boolean().default(true),
  /**
   * Each concern is graded against the framework's grade descriptors (Enhanced Support), and a
   * concern graded below expectation must be addressed by a target linked to one of its standards.
   */
  grades: z
    .strictObject({
      scale: z
        .array(z.strictObject({ id: slug, label, belowExpectation: z.boolean().default(false) }))
        .min(2)
        .max(10),
      /** The provider's words the grades rest on. */
      text: prose.optional(),
    })
    .optional(),
  fields: z.array(z.enum(PLAN_FIELDS)).default([]),
  /** Parties who get actions of their own ("actions for the trainee and all those working with them"). */
  actionParties: z.array(slug).default([]),
  /** RCTTP's T / S / RCTTP responsibility codes. */
  responsibilities: z.array(responsibilitySchema).default([]),
  /** Support measures offered (Bright Futures: additional training, planning support, adjusted workload). */
  supportMeasureOptions: z.array(label).default([]),
  /** SMART targets are expected. */
  smartTargets: z.boolean().default(false),
  meeting: meetingSchema.optional(),
  signatures: z.strictObject({
    required: z.array(signatureRequirementSchema).default([]),
    /** Typed signature with full name and date (Mid-Essex). */
    typedFullName: z.boolean().default(true),
    statement: prose,
  }),
  /** Words the provider prints on the form for the trainee, e.g. what happens if targets are not met. */
  noticeToTrainee: prose.optional(),
});

export const outcomeEffectSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('close'),
    resolution: z.enum(['resolved', 'decision', 'withdrawn', 'referred']),
  }),
  z.strictObject({ type: z.literal('go_to_stage'), stage: slug }),
  /** New targets are agreed (under `plan`, or the stage's own plan rules), then reviewed at `reviewAt`. */
  z.strictObject({ type: z.literal('revise'), reviewAt: slug, plan: planRulesSchema.optional() }),
  /** The case continues under a separate procedure not run by this definition (Mid-Essex Cause for Concern). */
  z.strictObject({ type: z.literal('hand_off'), to: label }),
  /** The case stays where it is (a side panel deciding the procedure continues). */
  z.strictObject({ type: z.literal('continue') }),
]);

export const OUTCOME_CONDITIONS = ['all_targets_met', 'some_target_not_met'] as const;

export const outcomeSchema = z.strictObject({
  id: slug,
  label: prose,
  /** What happens next, in plain words for the person choosing it. */
  explanation: prose,
  effect: outcomeEffectSchema,
  /** A rule the recorded progress must satisfy for this outcome to be chosen. */
  condition: z.enum(OUTCOME_CONDITIONS).optional(),
  /** Information to give the trainee with this outcome (BCU resit fee). */
  traineeNotice: prose.optional(),
  /**
   * Only these roles (or the course team) choose this outcome, whether or not they carry out the
   * review (Bright Futures: "If concerns are ongoing, Lead will initiate Stage 2"). Empty: the
   * review's reviewers.
   */
  by: z.array(slug).default([]),
  /**
   * The decision opens a new case under the same procedure, linked to this one, at `stage`, its
   * first plan starting from the targets the decision names (BCU: "a second and final attempt
   * with a RIT in place to address identified targets"; RCTTP: "Further teaching placement
   * and/or training against a Progress Support Plan"). The outcome's own effect closes this case.
   */
  opensLinkedCase: z
    .strictObject({
      stage: slug,
      /** The decision must name at least one target for the new case ("to address identified targets"). */
      targetsRequired: z.boolean().default(false),
    })
    .optional(),
  /**
   * The trainee owes a fee after this decision that the course team may waive, confirming it in
   * writing (BCU: "There may be exceptional circumstances where this fee can be waived; however the
   * course team will confirm this in writing to the trainee"). `letter` is the provider's words the
   * letter quotes.
   */
  waivableFee: z.strictObject({ amount: label, letter: prose }).optional(),
});

export const REVIEW_KINDS = ['review', 'formal_review', 'consultation', 'meeting', 'decision'] as const;

export const reviewRulesSchema = z.strictObject({
  kind: z.enum(REVIEW_KINDS),
  title: label,
  /** Roles who carry out the review. */
  reviewers: z.array(slug).min(1),
  /** Progress is recorded per target (met / partly met / not met). */
  perTarget: z.boolean().default(true),
  evidenceRequired: z.boolean().default(true),
  /** Whose comments the per-target record carries (Mid-Essex: "Mentor & PM"). */
  commentsBy: z.array(slug).default([]),
  meeting: meetingSchema.optional(),
  /** An observation is part of the review (Bright Futures: by the professional mentor; Stage 3 by the Lead). */
  observationBy: z.array(slug).default([]),
  /** The judgement follows this milestone of the stage's week-by-week plan, so it is not recorded before the milestone begins (RCTTP: observations in weeks 7 and 8 "before a judgement can be made"). */
  afterMilestone: slug.optional(),
  /**
   * The outcome is agreed with the course team (BCU Stage 4: the mentor/senior school leader/
   * university tutor "contacts the course team … It is agreed that …"): recorded by the course
   * team, or by someone on the case in one of `courseTeamRoles`.
   */
  agreedWithCourseTeam: z.boolean().default(false),
  /** Roles on the case who speak for the course team (BCU's course leadership team). */
  courseTeamRoles: z.array(slug).default([]),
  /**
   * The decision is taken by a group whose members and attendance are recorded with it (RCTTP's
   * Executive Group), not by the person who records it alone.
   */
  membersRecorded: z.boolean().default(false),
  outcomes: z.array(outcomeSchema).min(1),
});

export const panelSchema = z.strictObject({
  id: slug,
  title: label,
  /** Who convenes it. */
  convenedBy: z.array(slug).default([]),
  maxMembers: z.number().int().min(1).optional(),
  quorum: z.number().int().min(1).optional(),
  /** "At the first meeting a Chair of the panel will be agreed." */
  chairAgreedAtFirstMeeting: z.boolean().default(false),
  /** Evidence the panel considers. */
  evidence: z.array(prose).default([]),
  /** Stages at which it may be convened; empty = any stage. */
  availableAt: z.array(slug).default([]),
  decisions: z.array(outcomeSchema).min(1),
  description: prose.optional(),
});

export const milestoneSchema = z.strictObject({
  id: slug,
  label: prose,
  /** Weeks are counted from the stage start: week 1 is days 0–6. */
  fromWeek: z.number().int().min(1),
  toWeek: z.number().int().min(1),
  /** A deadline at the end of `toWeek` (RCTTP: Progress Review "by the end of week 5"). */
  deadline: z.boolean().default(false),
});

export const stageTaskSchema = z.strictObject({
  id: slug,
  label: prose,
  /** Roles responsible for it: only they (or the course team) tick it off. Empty: any staff on the case. */
  by: z.array(slug).default([]),
  /**
   * When it happens relative to the stage's decision (its review outcome or panel decision):
   * `before_decision` tasks must be done before the decision is recorded; `after_decision` ones
   * (BCU's de-brief after the panel) are recorded afterwards, even once the decision has closed the case.
   */
  when: z.enum(['any', 'before_decision', 'after_decision']).default('any'),
  /** Done more than once while the stage runs (a weekly meeting): each time is recorded. */
  repeats: z.boolean().default(false),
});

export const FORMALITIES = ['informal', 'formal', 'panel', 'decision'] as const;

export const stageSchema = z
  .strictObject({
    id: slug,
    /** The provider's name: "Stage 2: Cause for Concern", "Step 4". */
    title: label,
    formality: z.enum(FORMALITIES),
    description: prose.optional(),
    /** A case may be opened directly at this stage. */
    openable: z.boolean().default(false),
    plan: planRulesSchema.optional(),
    review: reviewRulesSchema.optional(),
    /** The stage's decision is taken by this panel (by id in the procedure's panels). */
    panel: slug.optional(),
    /** For a plan-only stage: where the agreed plan is reviewed. */
    next: slug.optional(),
    /** Latest review date after extensions, counted from the day the plan was agreed. */
    extensionCap: durationSchema.optional(),
    /** Stages the course team may move the case to without a review (escalation). */
    escalateTo: z.array(slug).default([]),
    /** Things to be done at this stage, each checked off with who and when. */
    tasks: z.array(stageTaskSchema).default([]),
    /** Week-by-week plan (RCTTP Deferred Final Assessment). */
    milestones: z.array(milestoneSchema).default([]),
    durationWeeks: z.number().int().min(1).optional(),
    /** The placement may be suspended at this stage (Enhanced Support step 5). */
    allowsSuspension: z.boolean().default(false),
    inform: z.array(informRuleSchema).default([]),
  })
  .refine((stage) => stage.plan !== undefined || stage.review !== undefined || stage.panel !== undefined, {
    message: 'a stage needs a plan, a review or a panel',
  });

/** The placement roster's columns of people, as procedure roles (see `roster` below). */
export const ROSTER_COLUMNS = ['mentor', 'tutor', 'professional_mentor', 'programme_lead'] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

export const rosterRolesSchema = z.strictObject({
  /** The school's mentor(s) of the roster row. */
  mentor: slug.optional(),
  /** The provider's tutor of the roster row. */
  tutor: slug.optional(),
  /** The school's professional mentor of the roster row. */
  professional_mentor: slug.optional(),
  /** The provider's programme lead (or course leader) for the trainee, where a procedure names one on each case. */
  programme_lead: slug.optional(),
});

export const reinitiationSchema = z.strictObject({
  /** A second case under this procedure needs one of these grounds. */
  grounds: z
    .array(
      z.strictObject({
        id: slug,
        label: prose,
        /** Evidence the ground needs, e.g. "a medical certificate". */
        evidence: prose.optional(),
        /** Considered case by case by the course team. */
        caseByCase: z.boolean().default(false),
      }),
    )
    .min(1),
});

/**
 * A procedure's own version, as its file says: a whole number (1, 2, …) or the provider's label
 * for a revision ("2026-27", "3.1"). Providers revise their procedure most years; the version
 * names which revision a definition is.
 */
export const procedureVersionSchema = z.union(
  [
    z.number().int().min(1),
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'use letters, digits, dots, hyphens and underscores'),
  ],
  { error: 'a version is a whole number from 1, or a short label such as "2026-27" (quote it in YAML)' },
);

/**
 * The fewest whole years a closed case is kept before the retention job may remove it. A
 * policy below it is refused when the procedure is loaded, so a slip in a configuration file
 * (a 0, a missing digit) can never remove a case that closed last month; open cases are never
 * removed by retention whatever the policy says.
 */
export const RETENTION_MIN_YEARS = 1;
/** The most years a policy may name: beyond it the number is almost certainly a typing slip. */
export const RETENTION_MAX_YEARS = 100;
/** Sector schedules keep student support records for the end of the relationship plus six years. */
export const DEFAULT_RETENTION_YEARS = 6;

/**
 * How long the provider keeps a closed case, and what the retention job does after that:
 * `delete` removes every row of the case and keeps a tombstone (case id, provider, programme,
 * opened and closed dates, when and by which policy it went); `anonymise` removes the same rows
 * and keeps, besides, what the cohort reports count (reasons, the stage it ended at, its
 * outcome) with nothing that names a person.
 */
export const retentionSchema = z.strictObject({
  yearsAfterClosure: z
    .number({ error: 'yearsAfterClosure is a whole number of years, such as 6' })
    .int('yearsAfterClosure is a whole number of years, such as 6')
    .min(
      RETENTION_MIN_YEARS,
      `keep closed cases at least ${RETENTION_MIN_YEARS} year after they close: a shorter time could remove a record still in use`,
    )
    .max(RETENTION_MAX_YEARS, `at most ${RETENTION_MAX_YEARS} years`),
  then: z.enum(['delete', 'anonymise'], { error: 'then is "delete" or "anonymise"' }).default('delete'),
});
export type RetentionPolicy = z.infer<typeof retentionSchema>;
export const DEFAULT_RETENTION: RetentionPolicy = { yearsAfterClosure: DEFAULT_RETENTION_YEARS, then: 'delete' };

export const procedureSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and hyphens'),
  version: procedureVersionSchema,
  provider: z.strictObject({ id: slug, name: label, shortName: label }),
  name: label,
  /** The provider's words on what the procedure is for. */
  purpose: prose,
  confidential: z.boolean().default(false),
  frameworks: z.array(frameworkSchema).min(1),
  reasons: z.array(reasonSchema).min(1),
  roles: z.array(roleSchema).min(1),
  /**
   * Roles who may raise a concern and open a case (course team may always). A person in one of
   * these roles may open a case only for a trainee whose current placement roster row names them
   * in that role; a trainee role here lets the trainee raise a concern about themselves.
   */
  raisedBy: z.array(slug).default([]),
  /**
   * Which of the procedure's roles each column of the placement roster fills (the roster keeps,
   * per trainee and term, the school's mentors, the provider's tutor, the professional mentor and
   * the programme lead). A column left out fills the role of the same id (`mentor`, `tutor`,
   * `professional_mentor`, `programme_lead`) where the procedure has one, and nothing otherwise.
   */
  roster: rosterRolesSchema.optional(),
  /**
   * The course team may deliberately open a second case for a trainee who already has an open
   * one under this procedure (default: one open case per trainee).
   */
  parallelCases: z.boolean().default(false),
  stages: z.array(stageSchema).min(1),
  panels: z.array(panelSchema).default([]),
  reinitiation: reinitiationSchema.optional(),
  /**
   * "All correspondence copied to the Director": every message the case sends a person or an
   * office (lifecycle emails, the trainee's, signature requests, review reminders) is copied by
   * email to these recipients, unless they were sent it directly.
   */
  copyAllCorrespondenceTo: z
    .strictObject({
      to: z.array(recipientSchema).min(1),
      /** Why: the provider's words, shown on each copy. */
      note: prose.optional(),
    })
    .optional(),
  /**
   * A trainee's appeal against a decision, recorded as the procedure allows it (RCTTP: "may only
   * make an appeal against the Partnership's decision about the recommendation for the award of
   * QTS on a procedural basis and may not appeal against the outcome").
   */
  appeal: z
    .strictObject({
      /** The provider's words on what may be appealed and on what basis. */
      text: prose,
      /** The decisions (outcome ids) that may be appealed. */
      against: z.array(slug).min(1),
      /** Roles on the case, besides the course team, who record an appeal and its outcome. */
      recordedBy: z.array(slug).default([]),
      /** Who is told when an appeal is lodged and when its outcome is recorded. */
      inform: z.array(recipientSchema).default([]),
    })
    .optional(),
  /** Provider closure days and ranges, on top of weekends and England and Wales bank holidays. */
  calendar: z
    .strictObject({
      closures: z
        .array(
          z.union([
            z.string(),
            z.strictObject({ from: z.string(), to: z.string(), reason: z.string().max(200).optional() }),
          ]),
        )
        .default([]),
    })
    .default({ closures: [] }),
  /** Provider notes printed with the procedure (Bright Futures' placement requirements). */
  notes: z.array(prose).default([]),
  /** How long closed cases are kept (default: six years after the case closes, then deleted). */
  retention: retentionSchema.default(DEFAULT_RETENTION),
});

export type Role = z.infer<typeof roleSchema>;
export type Recipient = z.infer<typeof recipientSchema>;
export type InformRule = z.infer<typeof informRuleSchema>;
export type SignatureRequirement = z.infer<typeof signatureRequirementSchema>;
export type PlanRules = z.infer<typeof planRulesSchema>;
export type OutcomeEffect = z.infer<typeof outcomeEffectSchema>;
export type Outcome = z.infer<typeof outcomeSchema>;
export type ReviewRules = z.infer<typeof reviewRulesSchema>;
export type Panel = z.infer<typeof panelSchema>;
export type Stage = z.infer<typeof stageSchema>;
export type Procedure = z.infer<typeof procedureSchema>;
export type ProcedureInput = z.input<typeof procedureSchema>;
export type NotifyTrigger = (typeof NOTIFY_TRIGGERS)[number];
