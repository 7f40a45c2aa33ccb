import { z } from 'zod';
import {
  CASE_STATUSES,
  CLOSE_RESOLUTIONS,
  PAUSE_REASONS,
  PROGRESS_RATINGS,
  STAGE_ENTRIES,
} from '../domain/case/types.js';
// What a case waits for (domain/case/next-steps.ts): the kinds of step, and the form on the case page each opens.
import { NEXT_STEP_FORMS, NEXT_STEP_KINDS } from '../domain/case/next-steps.js';
import { instant, localDate, personId, roleRef } from './common.js';

/**
 * Cases on the wire: the summaries of a list, a case in full with what can be done next
 * (GET /api/cases/{caseId} and every write's answer), and its event trail.
 */

const text = z.string();
const optionalText = z.string().optional();

export const caseStatus = z.enum(CASE_STATUSES);

/** The views of a case the API answers with (see `view` below). */
export const CASE_VIEWS = ['full', 'staff', 'trainee'] as const;

/** One thing a case is waiting for: what, from whom (people on the case, the course team), by when. */
export const nextStep = z.strictObject({
  kind: z.enum(NEXT_STEP_KINDS),
  title: text,
  detail: optionalText,
  /** The form on the case page that does it: the tab opens `/cases/{id}#{form}`. */
  form: z.enum(NEXT_STEP_FORMS),
  from: z.array(z.strictObject({ id: personId, name: text, roleLabel: text })),
  courseTeam: z.boolean(),
  by: localDate.optional(),
  overdue: z.boolean(),
});

export const caseSummary = z.strictObject({
  id: text,
  reference: text,
  procedureId: text,
  stageId: text,
  status: caseStatus,
  paused: z.boolean(),
  programme: text,
  school: text,
  traineeId: personId,
  traineeName: text,
  people: z.array(z.strictObject({ role: text, id: personId, name: text })),
  reasons: z.array(text),
  openedOn: localDate,
  nextReviewDate: localDate.optional(),
  awaitingSignatures: z.boolean(),
  closedOn: localDate.optional(),
  resolution: z.enum(CLOSE_RESOLUTIONS).optional(),
  outcomeId: optionalText,
  version: z.number().int(),
  updatedAt: instant,
});

export const casePage = z.strictObject({
  items: z.array(caseSummary),
  nextCursor: optionalText,
  total: z.number().int(),
  /** Case rows that could not be read (edited by hand into a bad state); the rest still load. */
  problems: z.array(z.strictObject({ caseId: text, message: text })),
  /** The server's today in England (the dev clock in local mode): "due this week" counts from it. */
  today: localDate,
});

export const frameworkLink = z.strictObject({ frameworkId: text, code: text });

export const target = z.strictObject({
  id: text,
  text,
  links: z.array(frameworkLink),
  actions: z.array(z.strictObject({ party: text, text })),
  successCriteria: optionalText,
  timescale: optionalText,
  supportRequired: optionalText,
  monitoring: optionalText,
  observationFocus: z.boolean(),
});

export const signature = z.strictObject({
  role: text,
  personId,
  typedName: text,
  signedOn: localDate,
  at: instant,
  /** The plan's wording was corrected on this day, after this signature was given to the earlier wording. */
  wordingCorrectedOn: localDate.optional(),
});

export const plan = z.strictObject({
  version: z.number().int(),
  stageId: text,
  reviewAt: text,
  /** Whose form rules the plan follows: its stage's, or a "revise" outcome's own. */
  rulesFrom: z.strictObject({
    stageId: text,
    outcome: z.strictObject({ stageId: text, outcomeId: text, panelId: optionalText }).optional(),
  }),
  content: z.strictObject({
    concernStatement: optionalText,
    concerns: z.array(z.strictObject({ text, links: z.array(frameworkLink), grade: optionalText })),
    targets: z.array(target),
    trainingNeeds: optionalText,
    supportMeasures: z.array(text),
    reviewDate: localDate.optional(),
    meeting: z.strictObject({
      heldOn: localDate.optional(),
      mode: z.enum(['online', 'in_person']).optional(),
      attendees: z.array(text),
      placementConcern: z.boolean(),
    }),
  }),
  perceptions: z.strictObject({ text, recordedBy: personId, recordedOn: localDate }).optional(),
  signatures: z.array(signature),
  agreedOn: localDate.optional(),
  /** Working days a health pause stopped the clock: the cap moves on by as many. */
  pausedWorkingDays: z.number().int(),
  extensions: z.array(z.strictObject({ from: localDate, to: localDate, reason: text })),
  /** When and where the review meeting is held, once someone has chosen it. */
  reviewMeeting: z
    .strictObject({
      startTime: text,
      durationMinutes: z.number().int(),
      mode: z.enum(['online', 'in_person']),
      location: optionalText,
    })
    .optional(),
});

export const review = z.strictObject({
  id: text,
  stageId: text,
  planVersion: z.number().int().optional(),
  reviewedOn: localDate,
  progress: z.array(z.strictObject({ targetId: text, rating: z.enum(PROGRESS_RATINGS), comment: optionalText })),
  evidence: optionalText,
  /** The reviewers' internal notes: never in the trainee view. */
  notes: optionalText,
  attendees: z.array(text),
  outcomeId: text,
  outcomeLabel: text,
  nextSteps: optionalText,
  recordedBy: personId,
  /** A group's decision (RCTTP's Executive Group): its members and who attended; never in the trainee view. */
  members: z.array(z.strictObject({ name: text, role: optionalText, attended: z.boolean() })).optional(),
});

/** A plan meeting or review meeting that was held; `notes` never in the trainee view. */
export const meetingView = z.strictObject({
  id: text,
  kind: z.enum(['plan', 'review']),
  stageId: text,
  planVersion: z.number().int(),
  heldOn: localDate,
  startTime: optionalText,
  mode: z.enum(['online', 'in_person']),
  location: optionalText,
  onlineLink: optionalText,
  attendees: z.array(z.strictObject({ personId, role: text, name: text })),
  placementConcern: z.boolean().optional(),
  notes: optionalText,
  recordedBy: personId,
  recordedOn: localDate,
});

export const outcomeView = z.strictObject({
  id: text,
  label: text,
  explanation: optionalText,
  effect: z.strictObject({ type: text, description: text }),
  /** The procedure's condition for this outcome, as the procedure states it. */
  condition: z.unknown().optional(),
  traineeNotice: optionalText,
  /** The decision opens a new case linked to this one, at this stage; `targetsRequired`: it names at least one target. */
  opensLinkedCase: z.strictObject({ stageId: text, stageTitle: text, targetsRequired: z.boolean() }).optional(),
});

/** A case linked to this one: the one it continues, or one a decision on it opened. */
export const caseLinkView = z.strictObject({
  caseId: text,
  reference: text,
  /** The decision that opened the linked case, and its words. */
  outcomeId: text,
  outcomeLabel: text,
});

export const panelView = z.strictObject({
  panelId: text,
  title: text,
  stageId: text,
  convenedOn: localDate,
  members: z.array(z.strictObject({ id: personId, name: text, role: optionalText })),
  evidence: z.array(text),
  chair: optionalText,
  meetings: z.array(
    z.strictObject({ heldOn: localDate, attendees: z.array(text), decisionId: optionalText, rationale: optionalText }),
  ),
  decisionId: optionalText,
  decisionLabel: optionalText,
});

const placementView = z.strictObject({
  school: text,
  subject: optionalText,
  phase: optionalText,
  programme: text,
  startsOn: localDate.optional(),
  endsOn: localDate.optional(),
  schoolContactEmail: optionalText,
});

export const caseView = z.strictObject({
  /**
   * `full`: the course team's; `staff`: people named on the case who are not the course team,
   * without health details (why it is paused, the ground of a second initiation); `trainee`: the
   * trainee's own view, without panel deliberations and review notes.
   */
  view: z.enum(CASE_VIEWS),
  id: text,
  reference: text,
  version: z.number().int(),
  procedure: z.strictObject({
    id: text,
    name: text,
    provider: z.strictObject({ id: text, name: text, shortName: text }),
    confidential: z.boolean(),
    /** The version of the procedure the case follows: the provider's label, and the hash of its definition. */
    version: z.union([z.number().int(), text]),
    hash: text,
    /**
     * Present when new cases open under another version than the one the case follows: that
     * version, what moving the case to it would change (in plain words), and, when it cannot be
     * moved, why (an administrator moves it: POST /api/cases/{caseId}/procedure-version).
     */
    runningVersion: z
      .strictObject({
        version: z.union([z.number().int(), text]),
        hash: text,
        changes: z.array(text),
        cannotMove: optionalText,
      })
      .optional(),
  }),
  status: caseStatus,
  /** `reason` is left out of the staff view: a health pause reads "Paused" to anyone outside the course team and the trainee. */
  paused: z.strictObject({ since: localDate, reason: z.enum(PAUSE_REASONS).optional() }).optional(),
  /** `startsOn`: when the stage began, or the start the course team scheduled; its milestones count from it. */
  stage: z.strictObject({
    id: text,
    title: text,
    formality: optionalText,
    description: optionalText,
    startsOn: localDate.optional(),
  }),
  people: z.array(z.strictObject({ role: text, id: personId, name: text, email: text, roleLabel: text })),
  placement: placementView,
  /** People who were named on the case and left it (replaced or removed), from `until`. */
  formerPeople: z.array(
    z.strictObject({
      role: text,
      id: personId,
      name: text,
      email: text,
      roleLabel: text,
      until: localDate,
      reason: text,
    }),
  ),
  /** Earlier placements, oldest first, each until the day the move took effect. */
  formerPlacements: z.array(z.strictObject({ placement: placementView, until: localDate, reason: text })),
  reasons: z.array(roleRef),
  openedOn: localDate,
  openedBy: personId,
  stageHistory: z.array(
    z.strictObject({ stageId: text, enteredOn: localDate, via: z.enum(STAGE_ENTRIES), title: text }),
  ),
  plan: plan.optional(),
  previousPlans: z.array(plan),
  reviews: z.array(review),
  meetings: z.array(meetingView),
  panels: z.array(panelView),
  tasksDone: z.array(
    z.strictObject({
      stageId: text,
      taskId: text,
      by: personId,
      on: localDate,
      note: optionalText,
      visit: z.number().int(),
    }),
  ),
  /** When, by whom and why the placement was suspended (`byName` unless stored before it was kept). */
  placementSuspended: z.strictObject({ on: localDate, by: personId, byName: optionalText, reason: text }).optional(),
  closure: z
    .strictObject({
      on: localDate,
      resolution: z.enum(CLOSE_RESOLUTIONS),
      outcomeId: optionalText,
      reason: optionalText,
      handOffTo: optionalText,
    })
    .optional(),
  /** Each time the course team reopened the case after a closure made by mistake. */
  reopenings: z
    .array(
      z.strictObject({
        on: localDate,
        byName: text,
        reason: text,
        closedOn: localDate,
        resolution: z.enum(CLOSE_RESOLUTIONS),
        outcomeId: optionalText,
        setAsideReviewId: optionalText,
      }),
    )
    .optional(),
  /** Reviews whose closing outcome was set aside when the case was reopened. */
  setAsideReviews: z.array(review).optional(),
  updatedAt: instant,
  /** The case this one continues: a decision on it opened this one. */
  linkedFrom: caseLinkView.optional(),
  /** Cases decisions on this one opened (each opened straight after its decision), with the targets each carried. */
  linkedCases: z
    .array(
      caseLinkView.extend({
        decidedOn: localDate,
        stageId: text,
        targets: z.array(z.strictObject({ id: text, text })),
      }),
    )
    .optional(),
  /** Fees the course team waived, each with the letter sent to the trainee. */
  feeWaivers: z
    .array(
      z.strictObject({
        outcomeId: text,
        amount: text,
        /** Absent in the staff view, as is the letter: they tell the trainee's circumstances. */
        reason: text.optional(),
        letter: text.optional(),
        by: personId,
        byName: text,
        on: localDate,
      }),
    )
    .optional(),
  /** Appeals against decisions on the case: lodged (date, grounds) and their outcome once recorded. */
  appeals: z
    .array(
      z.strictObject({
        id: text,
        lodgedOn: localDate,
        grounds: text,
        against: text,
        againstLabel: text,
        recordedByName: text,
        decision: z
          .strictObject({
            on: localDate,
            outcome: z.enum(['upheld', 'not_upheld', 'withdrawn']),
            reasons: text,
            byName: text,
          })
          .optional(),
      }),
    )
    .optional(),
  derived: z.strictObject({
    today: localDate,
    nextReviewDate: localDate.optional(),
    reviewOverdue: z.boolean(),
    reviewWindow: z
      .strictObject({ earliest: localDate, latest: localDate.optional(), description: optionalText })
      .optional(),
    outstandingSignatories: z.array(
      z.strictObject({
        roles: z.array(roleRef),
        people: z.array(z.strictObject({ id: personId, name: text, role: text })),
      }),
    ),
    /** The stage's week-by-week plan, dated from the stage's start. */
    milestones: z.array(
      z.strictObject({
        id: text,
        label: text,
        from: localDate,
        to: localDate,
        deadline: z.boolean(),
        /** When it was recorded as done in this visit of the stage, and by whom. */
        done: z.strictObject({ on: localDate, byName: text }).optional(),
      }),
    ),
    /** Where the procedure sets no review window: what is doubtful about the review date (said, not refused). */
    reviewDateWarnings: z.array(text).optional(),
    /** A closed case: the last day the course team may reopen it, and the refusal sentence once past. */
    reopen: z.strictObject({ lastDay: localDate, open: z.boolean(), refusal: optionalText }).optional(),
    /** The plan being drawn up: ready to sign today, or what signing would refuse (something missing, a review date that no longer fits) and who can put it right; absent once agreed. */
    signing: z.strictObject({ ready: z.boolean(), missing: optionalText, whoCanAdd: optionalText }).optional(),
    outcomes: z.array(outcomeView),
    reviewers: z.array(roleRef).optional(),
    escalateTo: z.array(z.strictObject({ id: text, title: text })),
    panels: z.array(
      z.strictObject({
        id: text,
        title: text,
        maxMembers: z.number().int().optional(),
        quorum: z.number().int().optional(),
        decisions: z.array(outcomeView),
      }),
    ),
    tasks: z.array(z.strictObject({ id: text, label: text, done: z.boolean() })),
    /** What the case is waiting for now, and from whom: the case page's next step. */
    nextSteps: z.array(nextStep),
    /** The review judges each target of the agreed plan (false: a decision or consultation on the case as a whole). */
    perTarget: z.boolean().optional(),
    /** The review's decision is a group's: its members and attendance are recorded with it. */
    membersRecorded: z.boolean().optional(),
    /** A fee a decision on the case brought that the course team may still waive (in writing to the trainee). */
    feeWaiver: z.strictObject({ amount: text, outcomeLabel: text, letter: text }).optional(),
    /** A decision on the case the trainee may appeal, as the procedure allows (its words in `text`). */
    appeal: z.strictObject({ against: text, againstLabel: text, text }).optional(),
  }),
});

export const caseEvent = z.strictObject({
  caseId: text,
  seq: z.number().int(),
  at: instant,
  on: localDate,
  actorId: personId,
  /** The actor's name, where Trellis knows it (people on the case, the trail, the directory): what the history shows. */
  actorName: optionalText,
  type: text,
  data: z.record(z.string(), z.unknown()),
});

export const caseEventsPage = z.strictObject({
  caseId: text,
  version: z.number().int(),
  view: z.enum(CASE_VIEWS),
  events: z.array(caseEvent),
});
